//! `Idempotency-Key`s: the first successful answer to a request is kept and replayed.
//!
//! A key is claimed inside the unit of work of the change, before the work: a concurrent
//! request with the same key waits until the first one commits or is undone, so the work is
//! done once. An answer is kept only with a successful commit: a request that failed leaves
//! no key behind and may be retried.

use super::StoreError;
use async_trait::async_trait;
use serde_json::Value;

/// What claiming a key found.
pub enum Claim {
    /// The key is new: do the work, then [`IdempotencyRecords::save_answer`] in the same
    /// unit of work.
    Fresh,
    /// The key was used with the same request: here is the first answer.
    Replay { status: u16, body: Value },
    /// The key was used with a different request.
    Mismatch,
}

/// A used key as stored: the fingerprint of the request that used it, and its answer.
#[derive(Debug)]
pub struct StoredKey {
    pub request_sha256: String,
    pub response_status: Option<i16>,
    pub response_body: Option<Value>,
}

impl StoredKey {
    /// What the key means for a request with the fingerprint `request_sha256`: its first
    /// answer, or a refusal if it was another request. `None` while it holds no answer.
    pub fn judge(self, request_sha256: &str) -> Option<Claim> {
        if self.request_sha256 != request_sha256 {
            return Some(Claim::Mismatch);
        }
        match (self.response_status, self.response_body) {
            (Some(status), Some(body)) => Some(Claim::Replay {
                status: u16::try_from(status).unwrap_or(200),
                body,
            }),
            _ => None,
        }
    }
}

/// A used `Idempotency-Key`: the key, in the scope of the principal that sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyRef<'a> {
    pub principal: &'a str,
    pub key: &'a str,
}

#[async_trait]
pub trait IdempotencyRecords {
    /// Claims the key for this request, or answers what it was used for.
    async fn claim_key(
        &mut self,
        key: KeyRef<'_>,
        request_sha256: &str,
    ) -> Result<Claim, StoreError>;
    /// What the key holds, without claiming it (`None`: unused).
    async fn peek_key(
        &mut self,
        key: KeyRef<'_>,
        request_sha256: &str,
    ) -> Result<Option<Claim>, StoreError>;
    /// Keeps the answer of a claimed key, in the claim's unit of work.
    async fn save_answer(
        &mut self,
        key: KeyRef<'_>,
        status: u16,
        body: &Value,
    ) -> Result<(), StoreError>;
}
