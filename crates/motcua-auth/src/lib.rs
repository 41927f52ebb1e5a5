//! Who is calling: the OpenID Connect relying party that logs citizens and staff in with a
//! VNeID-style provider, and the engine's own short-lived access tokens.
//!
//! The protocol part is written here over `jsonwebtoken` and `reqwest` rather than with the
//! `openidconnect` crate: that crate brings its own JOSE stack and HTTP plumbing, while we
//! need exactly four things it makes awkward — an algorithm allow-list we set, JWKS refreshed
//! once on an unknown `kid` and whenever it is older than the refresh interval, the
//! claim mapping of each provider profile (standard, VNeID, DVCQG) with `acr_values`, and the pending login kept
//! in our database so that any `serve` process can finish a login another one started.

pub mod access_token;
pub mod claims;
pub mod error;
pub mod oidc;
pub mod pkce;
pub mod principal;
mod refusal;

pub use access_token::AccessTokens;
pub use claims::{ClaimMapping, ClaimsFrom, ProviderProfile};
pub use error::AuthError;
pub use oidc::{Login, PendingLogin, RelyingParty, RelyingPartyConfig, DEFAULT_REFRESH};
pub use principal::{known_roles, LoginKind, Principal};
