//! The keys of a set of pages (the console's, the portal's), derived from the engine's token
//! secret (`MOTCUA_TOKEN_SECRET`): every `serve` process has the same secret, so a session
//! cookie signed by one process is read by any other, with no table of sessions. Each set
//! of pages and each purpose has its own key, so that a value signed for one purpose (a
//! session) is never accepted as another (a CSRF token), nor a staff member's console
//! session as a citizen's portal session.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// A 32-byte key for HMAC-SHA256.
#[derive(Clone)]
pub struct Key([u8; 32]);

impl Key {
    /// `HMAC(secret, label)`: a key of its own for each label.
    fn derive(secret: &[u8], label: &str) -> Key {
        Key(hmac(secret, label.as_bytes()))
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 32] {
        hmac(&self.0, message)
    }

    /// Whether `tag` is this key's signature of `message`, compared in constant time.
    pub fn verify(&self, message: &[u8], tag: &[u8]) -> bool {
        // new_from_slice takes a key of any length: it cannot fail for HMAC.
        let Ok(mut mac) = HmacSha256::new_from_slice(&self.0) else {
            return false;
        };
        mac.update(message);
        mac.verify_slice(tag).is_ok()
    }
}

fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else {
        // Unreachable for HMAC (any key length is accepted); a zero tag verifies nothing.
        return [0; 32];
    };
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// The keys of one set of pages.
#[derive(Clone)]
pub struct Keys {
    pub session: Key,
    pub csrf: Key,
}

impl Keys {
    /// The keys of the pages named `pages` (`motcua-console`, `motcua-portal`): the labels
    /// the console has always used, so its sessions outlive this code's move.
    pub fn from_secret(secret: &[u8], pages: &str) -> Keys {
        Keys {
            session: Key::derive(secret, &format!("{pages}/session/v1")),
            csrf: Key::derive(secret, &format!("{pages}/csrf/v1")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_purpose_has_its_own_key_and_a_changed_message_fails() {
        let keys = Keys::from_secret(b"0123456789abcdef0123456789abcdef", "motcua-console");
        let tag = keys.session.sign(b"hello");
        assert!(keys.session.verify(b"hello", &tag));
        assert!(!keys.session.verify(b"hellp", &tag));
        assert!(!keys.csrf.verify(b"hello", &tag));
        let other = Keys::from_secret(b"another secret of thirty-two bytes", "motcua-console");
        assert!(!other.session.verify(b"hello", &tag));
        let portal = Keys::from_secret(b"0123456789abcdef0123456789abcdef", "motcua-portal");
        assert!(!portal.session.verify(b"hello", &tag));
    }
}
