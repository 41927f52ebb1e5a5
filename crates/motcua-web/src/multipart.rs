//! A multipart form (a page's upload): its text fields and its one file, read within the
//! pages' body limit. The CSRF token among its fields is checked by the caller before
//! anything is done with the file.

use axum::extract::Multipart;
use bytes::Bytes;

/// A file posted with a form.
pub struct PostedFile {
    pub name: Option<String>,
    /// The media type the browser declared.
    pub declared: Option<String>,
    pub bytes: Bytes,
}

/// A multipart form: its text fields and its file (the field `file`).
#[derive(Default)]
pub struct Posted {
    pub fields: Vec<(String, String)>,
    pub file: Option<PostedFile>,
}

impl Posted {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads a multipart form; `Err` says why it could not be read.
pub async fn read(mut multipart: Multipart) -> Result<Posted, String> {
    let mut form = Posted::default();
    while let Some(field) = multipart.next_field().await.map_err(|e| e.body_text())? {
        match field.name().map(str::to_owned) {
            Some(name) if name == "file" => {
                let file_name = field.file_name().map(str::to_owned);
                let declared = field.content_type().map(str::to_owned);
                let bytes = field.bytes().await.map_err(|e| e.body_text())?;
                form.file = Some(PostedFile {
                    name: file_name,
                    declared,
                    bytes,
                });
            }
            Some(name) => {
                let text = field.text().await.map_err(|e| e.body_text())?;
                form.fields.push((name, text));
            }
            None => {}
        }
    }
    Ok(form)
}
