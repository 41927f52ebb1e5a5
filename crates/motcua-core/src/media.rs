//! What a file's leading bytes say it is. The five types procedures accept have fixed
//! signatures (PDF, JPEG, PNG) or a fixed textual start (XML, JSON); a general detection
//! crate would add hundreds of types we refuse anyway and still not know XML from JSON.

/// The leading bytes needed to decide.
pub const SNIFF_BYTES: usize = 64;

/// The media type the leading bytes show, if one of those procedures accept.
pub fn sniff(leading: &[u8]) -> Option<&'static str> {
    if leading.starts_with(b"%PDF-") {
        return Some("application/pdf");
    }
    if leading.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some("image/jpeg");
    }
    if leading.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        return Some("image/png");
    }
    let text = leading.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(leading);
    let start = text.iter().position(|b| !b.is_ascii_whitespace())?;
    match text.get(start)? {
        b'<' => Some("application/xml"),
        b'{' | b'[' => Some("application/json"),
        _ => None,
    }
}

/// The media type without parameters, lowercased: `Image/JPEG; q=1` → `image/jpeg`.
pub fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_accepted_types() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some("image/jpeg")
        );
        assert_eq!(
            sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]),
            Some("image/png")
        );
        assert_eq!(
            sniff(b"\xEF\xBB\xBF<?xml version=\"1.0\"?>"),
            Some("application/xml")
        );
        assert_eq!(sniff(b"  {\"a\": 1}"), Some("application/json"));
    }

    #[test]
    fn refuses_what_it_does_not_know() {
        assert_eq!(sniff(b"MZ\x90\x00"), None, "a Windows executable");
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"hello"), None);
    }

    #[test]
    fn essence_drops_parameters() {
        assert_eq!(essence("Image/JPEG; q=1"), "image/jpeg");
        assert_eq!(essence("application/pdf"), "application/pdf");
    }
}
