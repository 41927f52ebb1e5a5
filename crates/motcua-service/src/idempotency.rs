//! A request's idempotency key (`Idempotency-Key` on POST, docs/ARCHITECTURE.md, "HTTP
//! conventions"): the same key with the same request replays the first answer; with a
//! different request it is refused with `idempotency_key_reused`.
//! Keys are kept for `crate::retention::IDEMPOTENCY_WINDOW` (7 days): their answers hold
//! dossiers' contents.

use crate::store::idempotency::{Claim, KeyRef, StoredKey};
use crate::store::submissions::KeptAnswer;
use crate::store::Session;
use crate::{Code, ServiceError};
use motcua_core::principal::Principal;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The first answer to a request with this key, to be given again as it was.
#[derive(Debug, Clone, PartialEq)]
pub struct Replay {
    pub status: u16,
    pub body: Value,
}

/// What a use case that takes a key answers: its own answer, or the first one again.
#[derive(Debug)]
pub enum Answered<T> {
    Fresh(T),
    Replayed(Replay),
}

/// A claimed key, to be completed with the answer in the same transaction ([`complete`]).
pub struct Claimed {
    scope: String,
    key: String,
}

/// A request's key that is written with the work's answer in one statement, not claimed
/// first: a submission's (`motcua_store::submissions`).
pub struct Unclaimed {
    scope: String,
    key: String,
    fingerprint: String,
}

impl Unclaimed {
    /// `None` when the request carries no key.
    pub fn of(
        principal: &Principal,
        key: Option<String>,
        method_and_path: &str,
        body: &Value,
    ) -> Option<Self> {
        Some(Unclaimed {
            scope: principal.scope_key(),
            key: key?,
            fingerprint: fingerprint(method_and_path, body),
        })
    }

    /// The key in the principal's scope, as the store looks it up.
    pub fn key_ref(&self) -> KeyRef<'_> {
        KeyRef {
            principal: &self.scope,
            key: &self.key,
        }
    }

    /// What the key, as stored, means for this request: `Ok(Some(replay))`, or a refusal
    /// if another request used it. `Ok(None)`: it holds no answer.
    pub fn judge(&self, stored: StoredKey) -> Result<Option<Replay>, ServiceError> {
        answer_to(stored.judge(&self.fingerprint))
    }

    /// The first answer, if a request with this key and this fingerprint completed.
    pub async fn replay_if_done(
        &self,
        db: &mut dyn Session,
    ) -> Result<Option<Replay>, ServiceError> {
        let found = db.peek_key(self.key_ref(), &self.fingerprint).await?;
        // Another request's key is not this request's answer: the caller's refusal stands.
        Ok(answer_to(found).unwrap_or(None))
    }

    pub fn answer<'a>(&'a self, status: u16, body: &'a Value) -> KeptAnswer<'a> {
        KeptAnswer {
            principal: &self.scope,
            key: &self.key,
            request_sha256: &self.fingerprint,
            status,
            body,
        }
    }
}

/// Claims `key` for this request inside the caller's transaction. `Ok(Err(replay))`
/// carries the first answer.
pub async fn claim(
    tx: &mut dyn Session,
    principal: &Principal,
    key: Option<String>,
    method_and_path: &str,
    body: &Value,
) -> Result<Result<Option<Claimed>, Replay>, ServiceError> {
    let Some(key) = key else {
        return Ok(Ok(None));
    };
    let fingerprint = fingerprint(method_and_path, body);
    let scope = principal.scope_key();
    let used = KeyRef {
        principal: &scope,
        key: &key,
    };
    match tx.claim_key(used, &fingerprint).await? {
        Claim::Fresh => Ok(Ok(Some(Claimed { scope, key }))),
        Claim::Replay { status, body } => Ok(Err(replayed(status, body))),
        Claim::Mismatch => Err(reused()),
    }
}

/// The replayed answer if `key` was already completed, without claiming it; a key used
/// for another request is refused.
pub async fn peek(
    db: &mut dyn Session,
    principal: &Principal,
    key: Option<&str>,
    method_and_path: &str,
    body: &Value,
) -> Result<Option<Replay>, ServiceError> {
    let Some(key) = key else {
        return Ok(None);
    };
    let fingerprint = fingerprint(method_and_path, body);
    answer_to(
        db.peek_key(
            KeyRef {
                principal: &principal.scope_key(),
                key,
            },
            &fingerprint,
        )
        .await?,
    )
}

/// What a used key answers a request: its replayed first answer, or a refusal if it was
/// another request's; `None` when there is nothing to replay.
fn answer_to(found: Option<Claim>) -> Result<Option<Replay>, ServiceError> {
    match found {
        None | Some(Claim::Fresh) => Ok(None),
        Some(Claim::Replay { status, body }) => Ok(Some(replayed(status, body))),
        Some(Claim::Mismatch) => Err(reused()),
    }
}

fn fingerprint(method_and_path: &str, body: &Value) -> String {
    let mut hasher = Sha256::new();
    hasher.update(method_and_path.as_bytes());
    hasher.update([0]);
    hasher.update(body.to_string().as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn replayed(status: u16, body: Value) -> Replay {
    Replay { status, body }
}

fn reused() -> ServiceError {
    ServiceError::new(
        Code::IdempotencyKeyReused,
        "this Idempotency-Key was already used for a different request",
    )
}

/// Stores the answer of a claimed key; call before committing.
pub async fn complete(
    tx: &mut dyn Session,
    claimed: Option<Claimed>,
    status: u16,
    body: &Value,
) -> Result<(), ServiceError> {
    if let Some(c) = claimed {
        let used = KeyRef {
            principal: &c.scope,
            key: &c.key,
        };
        tx.save_answer(used, status, body).await?;
    }
    Ok(())
}
