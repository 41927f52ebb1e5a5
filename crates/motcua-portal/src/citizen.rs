//! Who is asking: a citizen, as the portal's session cookie carries them (the signed
//! cookie, its timeouts and the origin check are motcua-web's). Pages for everyone (the
//! catalogue) take [`Visitor`], which may be nobody; pages of one's own dossiers take
//! [`Citizen`], and without a session send the browser to the login page, back to where it
//! was going afterwards.

use crate::error::PageError;
use crate::Engine;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_core::pin::Pin;
use motcua_core::principal::Principal;
use motcua_web::csrf::{self, CsrfToken};
use motcua_web::guard;
use serde::{Deserialize, Serialize};

/// The citizen a portal session is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitizenSession {
    /// Số định danh cá nhân.
    pub pin: String,
    pub name: String,
    /// The identity's assurance level (VNeID level 1 or 2).
    pub level: u8,
}

impl CitizenSession {
    /// The citizen who just logged in; `None` for a member of staff.
    pub fn of(principal: &Principal) -> Option<CitizenSession> {
        let Principal::Citizen {
            pin,
            name,
            assurance_level,
        } = principal
        else {
            return None;
        };
        Some(CitizenSession {
            pin: pin.as_str().to_owned(),
            name: name.clone(),
            level: *assurance_level,
        })
    }

    /// The principal the use cases are called with; `None` if the number no longer parses
    /// (a cookie signed by an older engine with other rules).
    pub fn principal(&self) -> Option<Principal> {
        Some(Principal::Citizen {
            pin: Pin::parse(&self.pin).ok()?,
            name: self.name.clone(),
            assurance_level: self.level,
        })
    }
}

/// Reads the portal's session for the pages behind it (motcua-web's guard).
pub async fn with_session<E: Engine>(
    State(engine): State<E>,
    request: Request,
    next: Next,
) -> Response {
    let foreign = || PageError::new(StatusCode::FORBIDDEN, guard::FOREIGN).into_response();
    guard::read_session::<CitizenSession>(engine.portal(), foreign, request, next).await
}

/// A logged-in citizen: who they are, their principal, and the token their forms carry.
#[derive(Debug, Clone)]
pub struct Citizen {
    pub session: CitizenSession,
    pub principal: Principal,
    pub csrf: CsrfToken,
}

impl Citizen {
    fn from_parts(parts: &Parts) -> Result<Citizen, bool> {
        let visit = guard::visit::<CitizenSession>(parts)?;
        let principal = visit.session.who.principal().ok_or(false)?;
        Ok(Citizen {
            principal,
            session: visit.session.who,
            csrf: visit.csrf,
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Citizen {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        Citizen::from_parts(parts).map_err(|ended| {
            // Back to this page after the login (the login keeps the portal's own paths only).
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            query.append_pair("tiep", parts.uri.path());
            if ended {
                query.append_pair("ly_do", "het-han");
            }
            Redirect::to(&format!("/portal/dang-nhap?{}", query.finish())).into_response()
        })
    }
}

impl csrf::Visitor for Citizen {
    fn csrf(&self) -> &CsrfToken {
        &self.csrf
    }

    fn refusal(&self, status: StatusCode, message: String) -> Response {
        PageError::new(status, message)
            .for_citizen(self)
            .into_response()
    }
}

/// Whoever is reading a public page: a citizen, or nobody logged in.
pub struct Visitor(pub Option<Citizen>);

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Visitor(Citizen::from_parts(parts).ok()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citizens_get_a_session_with_their_principal_and_staff_none() {
        let citizen = Principal::Citizen {
            pin: Pin::parse("001207001234").unwrap(),
            name: "Nguyễn Đức Minh".into(),
            assurance_level: 2,
        };
        let session = CitizenSession::of(&citizen).unwrap();
        assert_eq!(session.principal(), Some(citizen));
        let clerk = Principal::Staff {
            subject: "motcua.tiepnhan".into(),
            name: "Cán bộ".into(),
            roles: vec![],
            agency: "SGDDT-HN".into(),
        };
        assert!(CitizenSession::of(&clerk).is_none());
    }
}
