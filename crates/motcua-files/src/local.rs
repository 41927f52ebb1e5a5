//! A directory as the file store, for `motcua dev`: the key `a/b/c` is the file
//! `<root>/a/b/c`.
//!
//! A write goes to a temporary file beside its target (`.upload-<pid>-<n>.tmp`, which no key
//! can name: segments never start with `.`), is flushed and fsynced, then renamed over the
//! target, so a reader sees the old file or the new one, never half of one. If anything
//! fails, or the upload is cancelled (its future dropped), the temporary file is removed.
//!
//! One difference from S3: a key cannot be both an object and a folder (`a` and `a/b`); the
//! second put fails with [`PutError::Unavailable`]. The engine's keys never do this.

use crate::key::check_key;
use crate::metered::Metered;
use crate::{ByteStream, FileError, FileStore, PutError, Stored};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// Bytes gathered before each write to the temporary file.
const WRITE_BUFFER: usize = 256 * 1024;
/// Bytes read per chunk of a download.
const READ_CHUNK: usize = 64 * 1024;

/// Files under a root directory.
#[derive(Debug, Clone)]
pub struct LocalStore {
    root: PathBuf,
}

impl LocalStore {
    /// Uses `root`, creating it (and its parents) when missing.
    pub fn new(root: impl Into<PathBuf>) -> std::io::Result<Self> {
        let root = root.into();
        std::fs::create_dir_all(&root)?;
        Ok(LocalStore { root })
    }

    /// The directory the files live in.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path_of(&self, segments: &[&str]) -> PathBuf {
        let mut path = self.root.clone();
        path.extend(segments);
        path
    }
}

#[async_trait::async_trait]
impl FileStore for LocalStore {
    async fn put(
        &self,
        key: &str,
        _content_type: &str,
        body: ByteStream,
        max_bytes: u64,
    ) -> Result<Stored, PutError> {
        let segments = check_key(key).map_err(|e| PutError::Unavailable(e.to_string()))?;
        let target = self.path_of(&segments);
        let dir = target.parent().unwrap_or(&self.root).to_path_buf();
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|e| unavailable("cannot create the folder", &dir, &e))?;

        let (file, temp) = TempFile::create(&dir).await?;
        let mut out = tokio::io::BufWriter::with_capacity(WRITE_BUFFER, file);
        let mut body = Metered::new(body, max_bytes);
        while let Some(chunk) = body.next_chunk().await? {
            out.write_all(&chunk)
                .await
                .map_err(|e| unavailable("cannot write", temp.path(), &e))?;
        }
        out.flush()
            .await
            .map_err(|e| unavailable("cannot write", temp.path(), &e))?;
        let file = out.into_inner();
        file.sync_all()
            .await
            .map_err(|e| unavailable("cannot sync", temp.path(), &e))?;
        drop(file);
        let (size, sha256) = body
            .finish()
            .ok_or_else(|| PutError::Unavailable("the upload did not end cleanly".into()))?;

        tokio::fs::rename(temp.path(), &target)
            .await
            .map_err(|e| unavailable("cannot move the upload to", &target, &e))?;
        temp.disarm();
        // The rename is durable once the folder's entry is on disk. Should this fail the file
        // is in place and readable, only a crash could lose it: a warning, not a failed put.
        let synced_dir = dir.clone();
        let synced =
            tokio::task::spawn_blocking(move || std::fs::File::open(&synced_dir)?.sync_all())
                .await
                .map_err(std::io::Error::other)
                .and_then(|r| r);
        if let Err(e) = synced {
            tracing::warn!(error.message = %e, folder = %dir.display(), "cannot sync the folder after a rename");
        }
        Ok(Stored {
            key: key.to_owned(),
            size,
            sha256,
        })
    }

    async fn get(&self, key: &str) -> Result<ByteStream, FileError> {
        let Ok(segments) = check_key(key) else {
            return Err(FileError::NotFound);
        };
        let path = self.path_of(&segments);
        let file = match tokio::fs::File::open(&path).await {
            Ok(file) => file,
            Err(e) if is_absent(&e) => return Err(FileError::NotFound),
            Err(e) => return Err(file_unavailable("cannot open", &path, &e)),
        };
        // Opening a folder succeeds on Linux; it is no object.
        let meta = file
            .metadata()
            .await
            .map_err(|e| file_unavailable("cannot read", &path, &e))?;
        if !meta.is_file() {
            return Err(FileError::NotFound);
        }
        Ok(Box::pin(tokio_util::io::ReaderStream::with_capacity(
            file, READ_CHUNK,
        )))
    }

    async fn delete(&self, key: &str) -> Result<(), FileError> {
        // No object can be stored under a refused key, so there is nothing to remove.
        let Ok(segments) = check_key(key) else {
            return Ok(());
        };
        let path = self.path_of(&segments);
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(e) if is_absent(&e) => Ok(()),
            Err(e) => Err(file_unavailable("cannot remove", &path, &e)),
        }
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, FileError> {
        // Walk only the folder that the prefix's complete segments name (all of the root for
        // a prefix without '/'); a prefix whose folder part is no valid key matches nothing.
        let (start, base) = match prefix.rsplit_once('/') {
            None => (self.root.clone(), String::new()),
            Some((folder, _)) => match check_key(folder) {
                Ok(segments) => (self.path_of(&segments), format!("{folder}/")),
                Err(_) => return Ok(Vec::new()),
            },
        };
        let prefix = prefix.to_owned();
        let walked = tokio::task::spawn_blocking(move || walk(&start, base))
            .await
            .map_err(|e| FileError::Unavailable(format!("the folder walk failed: {e}")))?;
        let mut keys: Vec<String> = walked
            .map_err(|e| FileError::Unavailable(format!("cannot list the files: {e}")))?
            .into_iter()
            .filter(|k| k.starts_with(&prefix))
            .collect();
        keys.sort();
        Ok(keys)
    }

    async fn check(&self) -> Result<(), FileError> {
        match tokio::fs::metadata(&self.root).await {
            Ok(meta) if meta.is_dir() => Ok(()),
            Ok(_) => Err(FileError::Unavailable(format!(
                "{} is not a folder",
                self.root.display()
            ))),
            Err(e) => Err(file_unavailable("cannot reach", &self.root, &e)),
        }
    }

    async fn signed_url(&self, _key: &str, _ttl: Duration, _disposition: &str) -> Option<String> {
        None
    }
}

/// The keys of the files under `start`, each written as `base` + its path below `start`.
/// Dot files (uploads in progress) and anything that is not a plain file or folder (symbolic
/// links) are left out; so are names that are not UTF-8, which no key can name.
fn walk(start: &Path, base: String) -> std::io::Result<Vec<String>> {
    let mut keys = Vec::new();
    let mut folders = vec![(start.to_path_buf(), base)];
    while let Some((folder, base)) = folders.pop() {
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(e) if is_absent(&e) => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            let kind = entry.file_type()?;
            if kind.is_dir() {
                folders.push((entry.path(), format!("{base}{name}/")));
            } else if kind.is_file() {
                keys.push(format!("{base}{name}"));
            }
        }
    }
    Ok(keys)
}

/// Whether an error says there is no such file (or a folder stands where the file would).
fn is_absent(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::NotFound | ErrorKind::IsADirectory | ErrorKind::NotADirectory
    )
}

fn unavailable(what: &str, path: &Path, e: &std::io::Error) -> PutError {
    PutError::Unavailable(format!("{what} {}: {e}", path.display()))
}

fn file_unavailable(what: &str, path: &Path, e: &std::io::Error) -> FileError {
    FileError::Unavailable(format!("{what} {}: {e}", path.display()))
}

/// A temporary upload file, removed when dropped unless [`TempFile::disarm`]ed after the
/// rename. Dropping covers every way out of `put`: an error, a refusal, or cancellation.
struct TempFile {
    path: Option<PathBuf>,
}

impl TempFile {
    async fn create(dir: &Path) -> Result<(tokio::fs::File, TempFile), PutError> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(".upload-{}-{n}.tmp", std::process::id()));
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await
            .map_err(|e| unavailable("cannot create", &path, &e))?;
        Ok((file, TempFile { path: Some(path) }))
    }

    fn path(&self) -> &Path {
        self.path.as_deref().unwrap_or(Path::new(""))
    }

    fn disarm(mut self) {
        self.path = None;
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            // A blocking unlink, but a quick one, and only on the failure path.
            if let Err(e) = std::fs::remove_file(&path) {
                if e.kind() != ErrorKind::NotFound {
                    tracing::warn!(error.message = %e, path = %path.display(), "cannot remove a temporary upload file");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use futures::StreamExt;

    fn temp_root(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "motcua-files-{name}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn body(data: &'static [u8]) -> ByteStream {
        Box::pin(futures::stream::once(async move {
            Ok(Bytes::from_static(data))
        }))
    }

    fn all_files(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().into_string().unwrap();
            if entry.file_type().unwrap().is_dir() {
                out.extend(
                    all_files(&entry.path())
                        .into_iter()
                        .map(|n| format!("{name}/{n}")),
                );
            } else {
                out.push(name);
            }
        }
        out.sort();
        out
    }

    #[tokio::test]
    async fn refused_keys_never_touch_the_disk() {
        let outer = temp_root("refused");
        let store = LocalStore::new(outer.join("root")).unwrap();
        for key in ["../escape", "/abs", "a/../../escape", "a\\b", "a//b", ""] {
            match store.put(key, "text/plain", body(b"x"), 10).await {
                Err(PutError::Unavailable(why)) => assert!(why.contains("refused object key")),
                other => panic!("{key:?}: expected a refusal, got {other:?}"),
            }
            assert!(matches!(store.get(key).await, Err(FileError::NotFound)));
            store.delete(key).await.unwrap();
        }
        assert_eq!(all_files(&outer), Vec::<String>::new());
        std::fs::remove_dir_all(outer).unwrap();
    }

    #[tokio::test]
    async fn a_cancelled_put_leaves_no_temporary_file() {
        let root = temp_root("cancel");
        let store = LocalStore::new(&root).unwrap();
        // A body that gives one chunk, then never ends.
        let stuck: ByteStream = Box::pin(
            futures::stream::once(async { Ok(Bytes::from_static(b"part")) })
                .chain(futures::stream::pending()),
        );
        let put = store.put("a/b", "text/plain", stuck, 100);
        let timed_out = tokio::time::timeout(Duration::from_millis(100), put).await;
        assert!(timed_out.is_err());
        assert_eq!(all_files(&root), Vec::<String>::new(), "{root:?}");
        std::fs::remove_dir_all(root).unwrap();
    }

    #[tokio::test]
    async fn list_skips_uploads_in_progress_and_follows_the_prefix() {
        let root = temp_root("list");
        let store = LocalStore::new(&root).unwrap();
        for key in ["a/1", "a/2", "ab/3", "b/c/4"] {
            store.put(key, "text/plain", body(b"x"), 10).await.unwrap();
        }
        std::fs::write(root.join("a/.upload-1-1.tmp"), b"half").unwrap();
        assert_eq!(
            store.list("").await.unwrap(),
            ["a/1", "a/2", "ab/3", "b/c/4"]
        );
        assert_eq!(store.list("a").await.unwrap(), ["a/1", "a/2", "ab/3"]);
        assert_eq!(store.list("a/").await.unwrap(), ["a/1", "a/2"]);
        assert_eq!(store.list("b/c/").await.unwrap(), ["b/c/4"]);
        assert!(store.list("zz/").await.unwrap().is_empty());
        assert!(store.list("../").await.unwrap().is_empty());
        // A folder is not an object.
        assert!(matches!(store.get("b/c").await, Err(FileError::NotFound)));
        store.delete("b/c").await.unwrap();
        std::fs::remove_dir_all(root).unwrap();
    }
}
