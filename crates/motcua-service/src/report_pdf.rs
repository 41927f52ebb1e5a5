//! A report owed as a PDF: a title, the period and due date, and the report's table, in a
//! font given by the operator (`MOTCUA_REPORT_FONT`, default Debian's Noto Sans from
//! `fonts-noto-core`), drawn with `krilla`. Kept small and on its own so that it can join
//! the signed results' PDF code later.

use crate::ServiceError;
use krilla::geom::Point;
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};
use krilla::Document;

/// A4 landscape, in points.
const WIDTH: f32 = 842.0;
const HEIGHT: f32 = 595.0;
const MARGIN: f32 = 36.0;
const SIZE: f32 = 7.0;
const LINE: f32 = 9.0;

/// Splits `text` into lines of at most `chars` characters, at spaces where it can.
fn wrap(text: &str, chars: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > chars {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The PDF of a report: `title`, `subtitle` lines, then `headers` and `rows` as a table,
/// over as many pages as it takes.
pub fn table(
    font: &[u8],
    title: &str,
    subtitle: &[String],
    headers: &[String],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, ServiceError> {
    let font = Font::new(font.to_vec().into(), 0)
        .ok_or_else(|| ServiceError::internal("the report font does not load"))?;
    let settings = || {
        PageSettings::from_wh(WIDTH, HEIGHT)
            .ok_or_else(|| ServiceError::internal("the page size is not valid"))
    };
    let columns = headers.len().max(1);
    let column_width = (WIDTH - 2.0 * MARGIN) / columns as f32;
    // Noto Sans averages about half an em a character.
    let chars = ((column_width / (SIZE * 0.5)) as usize).max(4);
    let mut document = Document::new();
    let mut y = HEIGHT;
    let mut page = document.start_page_with(settings()?);
    let mut surface = page.surface();
    let mut first = true;
    let mut pending: Vec<&[String]> = rows.iter().map(Vec::as_slice).collect();
    pending.reverse();
    loop {
        if y >= HEIGHT - MARGIN - 1.0 {
            // A page's top: the title on the first, the headers on every one.
            y = MARGIN;
            if first {
                surface.draw_text(
                    Point::from_xy(MARGIN, y),
                    font.clone(),
                    12.0,
                    title,
                    false,
                    TextDirection::Auto,
                );
                y += 16.0;
                for line in subtitle {
                    surface.draw_text(
                        Point::from_xy(MARGIN, y),
                        font.clone(),
                        9.0,
                        line,
                        false,
                        TextDirection::Auto,
                    );
                    y += 12.0;
                }
                y += 6.0;
                first = false;
            }
            let mut tallest = 1;
            for (i, header) in headers.iter().enumerate() {
                let lines = wrap(header, chars);
                tallest = tallest.max(lines.len());
                for (k, line) in lines.iter().enumerate() {
                    let at = Point::from_xy(MARGIN + i as f32 * column_width, y + k as f32 * LINE);
                    surface.draw_text(at, font.clone(), SIZE, line, false, TextDirection::Auto);
                }
            }
            y += tallest as f32 * LINE + 4.0;
        }
        let Some(row) = pending.pop() else { break };
        let cells: Vec<Vec<String>> = row.iter().map(|c| wrap(c, chars)).collect();
        let tallest = cells.iter().map(Vec::len).max().unwrap_or(1);
        if y + tallest as f32 * LINE > HEIGHT - MARGIN {
            surface.finish();
            page.finish();
            page = document.start_page_with(settings()?);
            surface = page.surface();
            y = HEIGHT;
            pending.push(row);
            continue;
        }
        for (i, lines) in cells.iter().enumerate() {
            for (k, line) in lines.iter().enumerate() {
                let at = Point::from_xy(MARGIN + i as f32 * column_width, y + k as f32 * LINE);
                surface.draw_text(at, font.clone(), SIZE, line, false, TextDirection::Auto);
            }
        }
        y += tallest as f32 * LINE + 2.0;
    }
    surface.finish();
    page.finish();
    document
        .finish()
        .map_err(|e| ServiceError::internal(format!("the PDF was not written: {e:?}")))
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn words_wrap_at_spaces() {
        assert_eq!(
            wrap("Tổng số hồ sơ tiếp nhận", 10),
            ["Tổng số hồ", "sơ tiếp", "nhận"]
        );
        assert_eq!(wrap("", 10), [""]);
    }
}
