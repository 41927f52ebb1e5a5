//! Which object keys the stores accept. Both stores use the same rules, so a key that works
//! with `motcua dev` works in production and the other way round.
//!
//! A key is a relative path of `/`-separated segments. Each segment is non-empty, does not
//! start with `.` (which refuses `.` and `..`, and keeps the local store's temporary files,
//! named `.….tmp`, out of every key), and holds no backslash or control character. These
//! rules keep the local store inside its root, and keep S3 URLs from being normalised into
//! another key (`a/../b` would be sent as `b`).

/// The longest key accepted, in bytes (S3's own limit).
pub const MAX_KEY_BYTES: usize = 1024;

/// Why a key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("refused object key {key:?}: {reason}")]
pub struct InvalidKey {
    pub key: String,
    pub reason: &'static str,
}

/// Checks `key` against the rules above and answers its segments.
pub fn check_key(key: &str) -> Result<Vec<&str>, InvalidKey> {
    let refuse = |reason| {
        Err(InvalidKey {
            key: key.to_owned(),
            reason,
        })
    };
    if key.is_empty() {
        return refuse("it is empty");
    }
    if key.len() > MAX_KEY_BYTES {
        return refuse("it is longer than 1024 bytes");
    }
    if key.starts_with('/') {
        return refuse("it is absolute (starts with '/')");
    }
    if key.contains('\\') {
        return refuse("it contains a backslash");
    }
    if key.chars().any(char::is_control) {
        return refuse("it contains a control character");
    }
    let segments: Vec<&str> = key.split('/').collect();
    for segment in &segments {
        if segment.is_empty() {
            return refuse("it has an empty segment ('//' or a trailing '/')");
        }
        if segment.starts_with('.') {
            return refuse("a segment starts with '.' (such as '..')");
        }
    }
    Ok(segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_relative_paths_of_plain_segments() {
        for key in [
            "a",
            "dossiers/0190f5a2-7c1e-7d3a-9f00-000000000000/0190f5a2",
            "x/y/z.pdf",
            "giấy tờ/căn cước.pdf",
            "a..b/c.",
        ] {
            assert!(check_key(key).is_ok(), "{key:?} should be accepted");
        }
        assert_eq!(check_key("a/b/c").unwrap(), vec!["a", "b", "c"]);
    }

    #[test]
    fn refuses_keys_that_could_leave_the_root_or_change_meaning() {
        for key in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a/./b",
            "..",
            ".",
            "a//b",
            "a/",
            "a\\b",
            "..\\x",
            ".hidden",
            "a/.x.tmp",
            "a\0b",
            "a\nb",
        ] {
            assert!(check_key(key).is_err(), "{key:?} should be refused");
        }
        assert!(check_key(&"a".repeat(MAX_KEY_BYTES)).is_ok());
        assert!(check_key(&"a".repeat(MAX_KEY_BYTES + 1)).is_err());
    }

    #[test]
    fn the_error_names_the_key_and_the_reason() {
        let e = check_key("a/../b").unwrap_err();
        assert_eq!(
            e.to_string(),
            "refused object key \"a/../b\": a segment starts with '.' (such as '..')"
        );
    }
}
