//! The middleware that reads the whole state: the rate limits (which verify the token
//! once, for the budgets of an account), the admission (which counts its refusals in the
//! metrics) and the timing of every request. Their own modules know nothing of the state.

use crate::admission;
use crate::extract::Auth;
use crate::rate_limits::{self, Limited};
use crate::state::AppState;
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The middleware: refuses a limited request over its budget with 429 and `Retry-After`.
/// Requests with an invalid token are limited by address only; the handler refuses them.
/// A valid token's principal is passed on in the request's extensions.
pub async fn limit_rate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(kind) = request
        .extensions()
        .get::<MatchedPath>()
        .and_then(|route| Limited::of(request.method(), route.as_str()))
    else {
        return next.run(request).await;
    };
    let address = rate_limits::client_address(&request, state.rate_limits.trust_forwarded_for);
    let (mut parts, body) = request.into_parts();
    let principal = match kind {
        Limited::Login | Limited::Verification => None,
        Limited::Draft | Limited::Submit => {
            let verified = Auth::from_request_parts(&mut parts, &state).await.ok();
            let key = verified.as_ref().map(|Auth(p)| p.scope_key());
            // The handler's own extractor takes it from here instead of verifying again.
            if let Some(verified) = verified {
                parts.extensions.insert(verified);
            }
            key
        }
    };
    if let Err(wait) = state.rate_limits.spend(kind, address, principal.as_deref()) {
        tracing::warn!(kind = kind.what(), %address, "rate limit reached");
        return rate_limits::too_many(kind, wait).into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}

/// The middleware: serves the request in one of the places, or refuses it with 503
/// `overloaded` and `Retry-After: 1`. The place is held until the handler has answered (a
/// download's bytes then stream without it: they hold no database connection).
pub async fn admit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match state.admission.admit().await {
        Ok(_place) => next.run(request).await,
        Err(refusal) => {
            state.metrics.count_refusal(refusal);
            // Not a warning per request: under overload that would be thousands of lines a
            // second; `motcua_admission_refused_total` counts them.
            tracing::debug!(reason = refusal.label(), "request refused: overloaded");
            admission::overloaded().into_response()
        }
    }
}

/// Times every routed request (a route layer: it runs once the router has matched, so the
/// route is known).
pub async fn time_request(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let response = next.run(request).await;
    state
        .metrics
        .observe_request(method, route, response.status().as_u16(), started.elapsed());
    response
}
