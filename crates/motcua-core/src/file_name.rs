//! File names given by uploaders, made safe to store and to send back in
//! `Content-Disposition`: no path, no control characters, no direction overrides, no quotes,
//! a bounded length. Vietnamese letters are kept.

const MAX_CHARS: usize = 120;

/// A safe file name from what the client sent, or `fallback` when nothing usable is left.
pub fn sanitise(given: &str, fallback: &str) -> String {
    // Only the last path segment: "C:\\scans\\a.pdf" and "../../a.pdf" both give "a.pdf".
    let base = given.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|&c| !c.is_control() && !is_bidi_control(c))
        .map(|c| match c {
            '"' | '\'' | '<' | '>' | ':' | '*' | '?' | '|' | ';' | '%' => '_',
            c => c,
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    if trimmed.is_empty() {
        return fallback.to_owned();
    }
    if trimmed.chars().count() <= MAX_CHARS {
        return trimmed.to_owned();
    }
    // Keep the extension when shortening.
    let (stem, ext) = match trimmed.rsplit_once('.') {
        Some((stem, ext)) if ext.chars().count() <= 10 => (stem, format!(".{ext}")),
        _ => (trimmed, String::new()),
    };
    let keep = MAX_CHARS - ext.chars().count();
    format!("{}{ext}", stem.chars().take(keep).collect::<String>())
}

/// The Unicode bidirectional formatting characters (UAX #9): invisible, they reorder what a
/// clerk sees, so that `invoice\u{202E}fdp.exe` shows as `invoiceexe.pdf`. A byte-order mark
/// is as invisible and as useless in a name.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_a_plain_vietnamese_name() {
        assert_eq!(sanitise("Ảnh thẻ 4x6.jpg", "x"), "Ảnh thẻ 4x6.jpg");
    }

    #[test]
    fn drops_paths_controls_and_quotes() {
        assert_eq!(sanitise("../../etc/passwd", "x"), "passwd");
        assert_eq!(sanitise("C:\\scans\\bằng.pdf", "x"), "bằng.pdf");
        assert_eq!(sanitise("a\"b\r\n.pdf", "x"), "a_b.pdf");
        assert_eq!(sanitise("..hidden", "x"), "hidden");
        assert_eq!(sanitise("/", "photo"), "photo");
        assert_eq!(sanitise("   ", "photo"), "photo");
    }

    #[test]
    fn drops_direction_overrides() {
        assert_eq!(sanitise("invoice\u{202E}fdp.exe", "x"), "invoicefdp.exe");
        for c in [
            '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}',
            '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{FEFF}',
        ] {
            assert_eq!(
                sanitise(&format!("a{c}b.pdf"), "x"),
                "ab.pdf",
                "{:X}",
                c as u32
            );
        }
        assert_eq!(sanitise("\u{202E}\u{2066}", "scan"), "scan");
    }

    #[test]
    fn shortens_and_keeps_the_extension() {
        let long = format!("{}.pdf", "ă".repeat(300));
        let safe = sanitise(&long, "x");
        assert_eq!(safe.chars().count(), MAX_CHARS);
        assert!(safe.ends_with(".pdf"));
    }
}
