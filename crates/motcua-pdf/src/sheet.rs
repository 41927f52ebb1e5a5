//! One official page (a slip of TT 03/2025, a result) laid out on A4 as the forms are
//! typeset under NĐ 30/2020: the issuing body top left, the national motto top right, the
//! title, the body, the signature blocks, and a QR code that leads back to the dossier or
//! to the document's public check. Text is drawn in Noto Serif from the machine's fonts
//! (Debian's `fonts-noto-core`), embedded (subset) into the file, so any reader shows its
//! Vietnamese exactly and `pdftotext` gets it back.

use crate::PdfError;
use krilla::configure::{Archival, ConfigurationBuilder, PdfVersion};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime as PdfDateTime, Metadata};
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where Debian's `fonts-noto-core` puts its fonts.
pub const DEFAULT_FONT_DIR: &str = "/usr/share/fonts/truetype/noto";

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const LEFT: f32 = 70.0;
const RIGHT: f32 = 545.0;
const BODY: f32 = 12.5;

/// The two faces a page is set in, read once from the font folder.
#[derive(Clone)]
pub struct Fonts {
    regular: (Font, Arc<Vec<u8>>),
    bold: (Font, Arc<Vec<u8>>),
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fonts(Noto Serif)")
    }
}

fn load(dir: &Path, file: &str) -> Result<(Font, Arc<Vec<u8>>), PdfError> {
    let path: PathBuf = dir.join(file);
    let data = std::fs::read(&path).map_err(|e| {
        PdfError::Font(format!(
            "{} cannot be read ({e}): install Debian's fonts-noto-core or set MOTCUA_PDF_FONT_DIR",
            path.display()
        ))
    })?;
    let data = Arc::new(data);
    let font = Font::new(krilla::Data::from(data.clone()), 0)
        .ok_or_else(|| PdfError::Font(format!("{} is not a font", path.display())))?;
    Ok((font, data))
}

impl Fonts {
    /// Noto Serif regular and bold from `dir` (a folder of `fonts-noto-core`).
    pub fn from_dir(dir: &Path) -> Result<Self, PdfError> {
        Ok(Fonts {
            regular: load(dir, "NotoSerif-Regular.ttf")?,
            bold: load(dir, "NotoSerif-Bold.ttf")?,
        })
    }

    fn face(&self, bold: bool) -> &(Font, Arc<Vec<u8>>) {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }

    /// The advance width of `text` at `size` points (no kerning: close enough to centre
    /// and to break lines).
    fn width(&self, text: &str, bold: bool, size: f32) -> f32 {
        let data = &self.face(bold).1;
        let Ok(font) = FontRef::new(data) else {
            return 0.0;
        };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars()
            .filter_map(|c| charmap.map(c))
            .filter_map(|g| metrics.advance_width(g))
            .sum()
    }
}

/// A paragraph of the body.
#[derive(Debug, Clone)]
pub struct Para {
    pub text: String,
    pub bold: bool,
    /// Points from the left margin (numbered items are indented).
    pub indent: f32,
    pub centred: bool,
}

impl Para {
    pub fn text(text: impl Into<String>) -> Self {
        Para {
            text: text.into(),
            bold: false,
            indent: 0.0,
            centred: false,
        }
    }
    pub fn bold(text: impl Into<String>) -> Self {
        Para {
            bold: true,
            ..Para::text(text)
        }
    }
    pub fn item(text: impl Into<String>) -> Self {
        Para {
            indent: 18.0,
            ..Para::text(text)
        }
    }
    pub fn centred(self) -> Self {
        Para {
            centred: true,
            ..self
        }
    }
}

/// What a page says; [`render`] lays it out.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    /// The issuing body, top left (capitals on the page).
    pub agency: String,
    /// The unit under it (e.g. the one-stop desk), bold.
    pub unit: String,
    /// "Số: …" under the agency.
    pub number: String,
    /// "……, ngày dd tháng mm năm yyyy" under the motto.
    pub date_line: String,
    /// The form's number ("Mẫu số 01"), above the title.
    pub form: String,
    pub title: String,
    pub subtitle: String,
    pub body: Vec<Para>,
    /// Signature blocks: (role, hint, name) left and right.
    pub left_signature: Option<(String, String, String)>,
    pub right_signature: Option<(String, String, String)>,
    /// The legal basis, small at the foot.
    pub basis: String,
    /// What the QR code holds (the dossier code, or the check's address), and its caption.
    pub qr: Option<(String, String)>,
    /// The document's title in its metadata.
    pub meta_title: String,
    /// When it was made (its metadata's creation date), UTC.
    pub created: Option<chrono::DateTime<chrono::Utc>>,
}

struct Pen<'a, 'b> {
    surface: Surface<'a>,
    fonts: &'b Fonts,
}

impl Pen<'_, '_> {
    fn text(&mut self, x: f32, y: f32, text: &str, bold: bool, size: f32) {
        if text.is_empty() {
            return;
        }
        let font = self.fonts.face(bold).0.clone();
        self.surface.draw_text(
            Point::from_xy(x, y),
            font,
            size,
            text,
            false,
            TextDirection::Auto,
        );
    }

    fn centred(&mut self, centre: f32, y: f32, text: &str, bold: bool, size: f32) {
        let w = self.fonts.width(text, bold, size);
        self.text(centre - w / 2.0, y, text, bold, size);
    }

    /// `text` broken into lines of at most `width` points.
    fn lines(&self, text: &str, bold: bool, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if !line.is_empty() && self.fonts.width(&candidate, bold, size) > width {
                lines.push(std::mem::replace(&mut line, word.to_owned()));
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }

    fn rule(&mut self, x1: f32, x2: f32, y: f32) {
        if let Some(rect) = Rect::from_ltrb(x1, y, x2, y + 0.6) {
            let mut pb = PathBuilder::new();
            pb.push_rect(rect);
            if let Some(path) = pb.finish() {
                self.surface.set_fill(Some(Fill::default()));
                self.surface.draw_path(&path);
            }
        }
    }

    /// A QR code of `payload`, `side` points wide, its top left corner at (x, y).
    fn qr(&mut self, x: f32, y: f32, side: f32, payload: &str) -> Result<(), PdfError> {
        let code = qrcode::QrCode::with_error_correction_level(payload, qrcode::EcLevel::M)
            .map_err(|e| PdfError::Layout(format!("the QR code cannot hold {payload:?}: {e}")))?;
        let n = code.width();
        let quiet = 2usize;
        let module = side / (n + 2 * quiet) as f32;
        let mut pb = PathBuilder::new();
        for (i, colour) in code.to_colors().into_iter().enumerate() {
            if colour == qrcode::Color::Dark {
                let (row, col) = (i / n, i % n);
                if let Some(rect) = Rect::from_xywh(
                    x + (col + quiet) as f32 * module,
                    y + (row + quiet) as f32 * module,
                    module,
                    module,
                ) {
                    pb.push_rect(rect);
                }
            }
        }
        if let Some(path) = pb.finish() {
            self.surface.set_fill(Some(Fill::default()));
            self.surface.draw_path(&path);
        }
        Ok(())
    }
}

fn pdf_date(t: chrono::DateTime<chrono::Utc>) -> PdfDateTime {
    use chrono::{Datelike, Timelike};
    PdfDateTime::new(u16::try_from(t.year()).unwrap_or(2000))
        .month(u8::try_from(t.month()).unwrap_or(1))
        .day(u8::try_from(t.day()).unwrap_or(1))
        .hour(u8::try_from(t.hour()).unwrap_or(0))
        .minute(u8::try_from(t.minute()).unwrap_or(0))
        .second(u8::try_from(t.second()).unwrap_or(0))
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

/// `sheet` as a one-page A4 PDF/A-2b file.
pub fn render(sheet: &Sheet, fonts: &Fonts) -> Result<Vec<u8>, PdfError> {
    let configuration = ConfigurationBuilder::new()
        .with_version(PdfVersion::Pdf17)
        .with_archival_validator(Archival::A2_B)
        .finish()
        .map_err(|e| PdfError::Layout(format!("PDF/A-2b configuration: {e:?}")))?;
    let settings = SerializeSettings {
        configuration,
        ..SerializeSettings::default()
    };
    let mut document = Document::new_with(settings);
    let mut metadata = Metadata::new()
        .title(sheet.meta_title.clone())
        .language("vi".to_owned())
        .creator("motcua".to_owned())
        .producer("motcua".to_owned());
    // PDF/A wants the date it was made.
    metadata = metadata.creation_date(pdf_date(sheet.created.unwrap_or_else(chrono::Utc::now)));
    document.set_metadata(metadata);
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| PdfError::Layout("A4 is a page size".into()))?;
    let mut page = document.start_page_with(settings);
    {
        let mut pen = Pen {
            surface: page.surface(),
            fonts,
        };
        draw(&mut pen, sheet)?;
        pen.surface.finish();
    }
    page.finish();
    document
        .finish()
        .map_err(|e| PdfError::Layout(format!("the PDF cannot be written: {e:?}")))
}

fn draw(pen: &mut Pen<'_, '_>, sheet: &Sheet) -> Result<(), PdfError> {
    // The head: the issuing body left, the motto right, each centred in its column.
    let (left_c, right_c) = (150.0, 410.0);
    let mut y = 70.0;
    let mut ly = y;
    for line in pen.lines(&sheet.agency.to_uppercase(), false, 10.5, 190.0) {
        pen.centred(left_c, ly, &line, false, 10.5);
        ly += 14.0;
    }
    for line in pen.lines(&sheet.unit.to_uppercase(), true, 10.5, 190.0) {
        pen.centred(left_c, ly, &line, true, 10.5);
        ly += 14.0;
    }
    pen.rule(left_c - 30.0, left_c + 30.0, ly - 10.0);
    ly += 4.0;
    pen.centred(left_c, ly, &sheet.number, false, 11.0);
    pen.centred(right_c, y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", true, 11.5);
    y += 15.0;
    pen.centred(right_c, y, "Độc lập - Tự do - Hạnh phúc", true, 12.5);
    let half = pen.fonts.width("Độc lập - Tự do - Hạnh phúc", true, 12.5) / 2.0;
    pen.rule(right_c - half, right_c + half, y + 4.0);
    y += 22.0;
    pen.centred(right_c, y, &sheet.date_line, false, 11.5);
    y = y.max(ly) + 40.0;

    if !sheet.form.is_empty() {
        pen.text(
            RIGHT - pen.fonts.width(&sheet.form, false, 10.0),
            50.0,
            &sheet.form,
            false,
            10.0,
        );
    }
    for line in pen.lines(&sheet.title.to_uppercase(), true, 14.0, RIGHT - LEFT) {
        pen.centred(PAGE_W / 2.0, y, &line, true, 14.0);
        y += 18.0;
    }
    if !sheet.subtitle.is_empty() {
        pen.centred(PAGE_W / 2.0, y, &sheet.subtitle, false, BODY);
        y += 18.0;
    }
    y += 12.0;
    for para in &sheet.body {
        let width = RIGHT - LEFT - para.indent;
        for line in pen.lines(&para.text, para.bold, BODY, width) {
            if para.centred {
                pen.centred(PAGE_W / 2.0, y, &line, para.bold, BODY);
            } else {
                pen.text(LEFT + para.indent, y, &line, para.bold, BODY);
            }
            y += 17.0;
        }
        y += 3.0;
    }

    // The signature blocks.
    y += 18.0;
    let blocks = [
        (&sheet.left_signature, LEFT + 105.0),
        (&sheet.right_signature, 420.0),
    ];
    for (block, centre) in blocks {
        if let Some((role, hint, name)) = block {
            pen.centred(centre, y, &role.to_uppercase(), true, 11.5);
            pen.centred(centre, y + 15.0, hint, false, 10.5);
            pen.centred(centre, y + 85.0, name, true, 11.5);
        }
    }

    // The QR code and the legal basis at the foot.
    let foot = PAGE_H - 60.0;
    if let Some((payload, caption)) = &sheet.qr {
        let side = 78.0;
        pen.qr(LEFT - 6.0, foot - side - 16.0, side, payload)?;
        pen.text(LEFT, foot - 6.0, caption, false, 9.0);
    }
    if !sheet.basis.is_empty() {
        for (i, line) in pen
            .lines(&sheet.basis, false, 9.0, RIGHT - LEFT)
            .iter()
            .enumerate()
        {
            pen.text(LEFT, foot + 8.0 + 11.0 * i as f32, line, false, 9.0);
        }
    }
    Ok(())
}
