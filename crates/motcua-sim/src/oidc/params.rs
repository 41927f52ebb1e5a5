//! Request parameters, read by hand rather than with axum's `Query`/`Form` extractors: RFC
//! 6749 §3.1 forbids a parameter twice, and a rejection must become an OAuth error (or, before
//! the redirect URI is trusted, an HTML page), never axum's plain-text 400.

use std::collections::{BTreeSet, HashMap};

/// The parameters of one query string or form body.
#[derive(Debug, Default, Clone)]
pub struct Params {
    values: HashMap<String, String>,
    /// Parameters that appeared more than once (sorted, so error messages are stable).
    repeated: BTreeSet<String>,
}

impl Params {
    pub fn parse(encoded: &[u8]) -> Params {
        let mut params = Params::default();
        for (name, value) in url::form_urlencoded::parse(encoded) {
            if params.values.contains_key(name.as_ref()) {
                params.repeated.insert(name.into_owned());
            } else {
                params.values.insert(name.into_owned(), value.into_owned());
            }
        }
        params
    }

    /// The value of `name`; an empty value counts as absent (RFC 6749 §3.1).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Whether `name` was sent more than once, which makes its value untrustworthy.
    pub fn is_repeated(&self, name: &str) -> bool {
        self.repeated.contains(name)
    }

    /// A parameter that was sent more than once, if any.
    pub fn repeated(&self) -> Option<&str> {
        self.repeated.iter().next().map(String::as_str)
    }

    /// Adds the parameters of `other` that `self` lacks.
    pub fn fill_from(&mut self, other: Params) {
        for (name, value) in other.values {
            if !self.values.contains_key(&name) {
                if other.repeated.contains(&name) {
                    self.repeated.insert(name.clone());
                }
                self.values.insert(name, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_flags_repeats() {
        let p = Params::parse(b"a=1&b=x+y%21&a=2&c=");
        assert_eq!(p.get("a"), Some("1"));
        assert_eq!(p.get("b"), Some("x y!"));
        assert_eq!(p.get("c"), None);
        assert!(p.is_repeated("a"));
        assert!(!p.is_repeated("b"));
        assert_eq!(p.repeated(), Some("a"));
    }

    #[test]
    fn fill_keeps_own_values() {
        let mut body = Params::parse(b"username=u&client_id=body");
        body.fill_from(Params::parse(b"client_id=query&state=s"));
        assert_eq!(body.get("client_id"), Some("body"));
        assert_eq!(body.get("state"), Some("s"));
    }
}
