//! Who is asking: a member of staff, as the console's session cookie carries them (the
//! signed cookie, its timeouts and the origin check are motcua-web's), and [`Staff`], the
//! extractor every page takes. A request without a session is sent to the login page;
//! nothing behind it runs.

use crate::error::PageError;
use crate::Engine;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_core::principal::Principal;
use motcua_core::procedure::Role;
use motcua_web::csrf::CsrfToken;
use motcua_web::guard;
use serde::{Deserialize, Serialize};

/// The member of staff a console session is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSession {
    /// The staff member's username.
    pub sub: String,
    pub name: String,
    pub agency: String,
    pub roles: Vec<String>,
}

impl StaffSession {
    /// The member of staff who just logged in; `None` for a citizen.
    pub fn of(principal: &Principal) -> Option<StaffSession> {
        let Principal::Staff {
            subject,
            name,
            roles,
            agency,
        } = principal
        else {
            return None;
        };
        Some(StaffSession {
            sub: subject.clone(),
            name: name.clone(),
            agency: agency.clone(),
            roles: roles.iter().map(|r| r.as_str().to_owned()).collect(),
        })
    }

    /// The principal the use cases are called with.
    pub fn principal(&self) -> Principal {
        Principal::Staff {
            subject: self.sub.clone(),
            name: self.name.clone(),
            roles: self
                .roles
                .iter()
                .filter_map(|r| Role::from_name(r))
                .collect(),
            agency: self.agency.clone(),
        }
    }
}

/// Reads the console's session for the pages behind it (motcua-web's guard).
pub async fn with_session<E: Engine>(
    State(engine): State<E>,
    request: Request,
    next: Next,
) -> Response {
    let foreign = || PageError::new(StatusCode::FORBIDDEN, guard::FOREIGN).into_response();
    guard::read_session::<StaffSession>(engine.console(), foreign, request, next).await
}

/// A logged-in member of staff: who they are, their principal, and the token their forms
/// carry.
pub struct Staff {
    pub session: StaffSession,
    pub principal: Principal,
    pub csrf: CsrfToken,
}

impl<S: Send + Sync> FromRequestParts<S> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        match guard::visit::<StaffSession>(parts) {
            Ok(visit) => Ok(Staff {
                principal: visit.session.who.principal(),
                session: visit.session.who,
                csrf: visit.csrf,
            }),
            Err(true) => Err(Redirect::to("/console/login?ended=idle").into_response()),
            Err(false) => Err(Redirect::to("/console/login").into_response()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clerk() -> Principal {
        Principal::Staff {
            subject: "motcua.tiepnhan".into(),
            name: "Cán bộ".into(),
            roles: vec![Role::DeskClerk],
            agency: "SGDDT-HN".into(),
        }
    }

    #[test]
    fn staff_get_a_session_with_their_principal_and_citizens_none() {
        let session = StaffSession::of(&clerk()).unwrap();
        assert_eq!(session.principal(), clerk());
        let citizen = Principal::Citizen {
            pin: motcua_core::pin::Pin::parse("001207001234").unwrap(),
            name: "Minh".into(),
            assurance_level: 2,
        };
        assert!(StaffSession::of(&citizen).is_none());
    }
}
