//! Abuse limits on the requests that cost the most or can be guessed at: starting a login
//! (each one writes a login attempt and calls the identity provider), creating a draft (a
//! register read on the citizen's data) and submitting (a legally binding receipt).
//!
//! Each principal has its own budget, and each client address a larger one (a school's
//! computer room sits behind one address). The budgets live in this process: with several
//! `serve` processes behind a balancer each enforces its share (`MOTCUA_PROCESSES`,
//! [`RateLimitSettings::shared_by`]), so the service as a whole allows the configured rate.

use crate::error::ApiError;
use axum::extract::{ConnectInfo, Request};
use axum::http::Method;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use motcua_service::{Code, ServiceError};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

/// How many requests of each kind a principal may make per minute; a client address may make
/// [`ADDRESS_FACTOR`] times as many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitSettings {
    /// Logins of one account. Login starts and callbacks both count against the address's
    /// budget (a login is two requests); the account's is spent once it is known, at the
    /// callback.
    pub logins_per_minute: NonZeroU32,
    pub drafts_per_minute: NonZeroU32,
    pub submits_per_minute: NonZeroU32,
    /// Public checks of issued results from one address (no principal: anyone may check).
    pub verifications_per_minute: NonZeroU32,
    /// Take the client's address from the last `X-Forwarded-For` entry (set by the reverse
    /// proxy in front of the engine) instead of the connection's peer.
    pub trust_forwarded_for: bool,
}

/// A client address carries many principals (a school, an office, a mobile carrier's NAT).
pub const ADDRESS_FACTOR: NonZeroU32 = per_minute(10);

const fn per_minute(n: u32) -> NonZeroU32 {
    match NonZeroU32::new(n) {
        Some(n) => n,
        None => NonZeroU32::MIN,
    }
}

impl Default for RateLimitSettings {
    /// A person logs in a few times an hour and makes a handful of drafts; these leave ample
    /// room for people and stop scripts.
    fn default() -> Self {
        RateLimitSettings {
            logins_per_minute: per_minute(12),
            drafts_per_minute: per_minute(30),
            submits_per_minute: per_minute(30),
            verifications_per_minute: per_minute(60),
            trust_forwarded_for: false,
        }
    }
}

impl RateLimitSettings {
    /// One process's share when `processes` engines serve behind a balancer that spreads
    /// requests evenly (round robin): each budget divided by the number of processes, rounded
    /// up (at least 1), so that the service as a whole allows the configured rate and not
    /// that rate times the processes. A process that dies makes the service stricter, never
    /// looser; no request waits for a shared counter.
    pub fn shared_by(self, processes: NonZeroU32) -> Self {
        let share = |n: NonZeroU32| {
            NonZeroU32::new(n.get().div_ceil(processes.get())).unwrap_or(NonZeroU32::MIN)
        };
        RateLimitSettings {
            logins_per_minute: share(self.logins_per_minute),
            drafts_per_minute: share(self.drafts_per_minute),
            submits_per_minute: share(self.submits_per_minute),
            verifications_per_minute: share(self.verifications_per_minute),
            trust_forwarded_for: self.trust_forwarded_for,
        }
    }
}

/// The limited kinds of request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    Login,
    Draft,
    Submit,
    Verification,
}

/// The limited routes (as the router matches them) with their method: the one list the
/// middleware and the OpenAPI document's check read.
pub const LIMITED_ROUTES: [(Method, &str, Limited); 8] = [
    (Method::GET, "/v1/auth/login", Limited::Login),
    (Method::GET, "/v1/auth/callback", Limited::Login),
    (Method::POST, "/v1/dossiers", Limited::Draft),
    (Method::POST, "/v1/counter/dossiers", Limited::Draft),
    (Method::POST, "/v1/dossiers/{id}/submit", Limited::Submit),
    (Method::GET, "/v1/verifications/{id}", Limited::Verification),
    (
        Method::POST,
        "/v1/verifications/{id}",
        Limited::Verification,
    ),
    (Method::GET, "/xac-minh/{id}", Limited::Verification),
];

impl Limited {
    /// The kind of a request, from its route (as the router matched it) and method.
    pub fn of(method: &Method, route: &str) -> Option<Limited> {
        // HEAD runs the GET handler too.
        let method = if method == Method::HEAD {
            &Method::GET
        } else {
            method
        };
        LIMITED_ROUTES
            .iter()
            .find(|(m, r, _)| m == method && *r == route)
            .map(|(_, _, kind)| *kind)
    }

    pub fn what(self) -> &'static str {
        match self {
            Limited::Login => "logins",
            Limited::Draft => "new dossiers",
            Limited::Submit => "submissions",
            Limited::Verification => "verifications",
        }
    }
}

/// One kind's budgets: per client address, and per principal where the request has one.
struct Budget {
    by_address: DefaultKeyedRateLimiter<IpAddr>,
    by_principal: Option<DefaultKeyedRateLimiter<String>>,
}

impl Budget {
    fn new(per_address: NonZeroU32, per_principal: Option<NonZeroU32>) -> Budget {
        Budget {
            by_address: DefaultKeyedRateLimiter::keyed(Quota::per_minute(per_address)),
            by_principal: per_principal
                .map(|n| DefaultKeyedRateLimiter::keyed(Quota::per_minute(n))),
        }
    }
}

pub struct RateLimits {
    /// Whether the client's address is the last of `X-Forwarded-For` (behind a proxy).
    pub trust_forwarded_for: bool,
    login: Budget,
    drafts: Budget,
    submits: Budget,
    verifications: Budget,
    clock: DefaultClock,
}

impl RateLimits {
    pub fn new(settings: RateLimitSettings) -> Self {
        let wider = |n: NonZeroU32| n.saturating_mul(ADDRESS_FACTOR);
        RateLimits {
            trust_forwarded_for: settings.trust_forwarded_for,
            login: Budget::new(
                wider(settings.logins_per_minute),
                Some(settings.logins_per_minute),
            ),
            drafts: Budget::new(
                wider(settings.drafts_per_minute),
                Some(settings.drafts_per_minute),
            ),
            submits: Budget::new(
                wider(settings.submits_per_minute),
                Some(settings.submits_per_minute),
            ),
            verifications: Budget::new(settings.verifications_per_minute, None),
            clock: DefaultClock::default(),
        }
    }

    fn budget(&self, kind: Limited) -> &Budget {
        match kind {
            Limited::Login => &self.login,
            Limited::Draft => &self.drafts,
            Limited::Submit => &self.submits,
            Limited::Verification => &self.verifications,
        }
    }

    /// Spends one request of `kind` for `address` and `principal`; the wait when either
    /// budget is spent. The principal's own budget is checked first, so that someone over
    /// it does not go on spending the budget their address shares with others.
    pub fn spend(
        &self,
        kind: Limited,
        address: IpAddr,
        principal: Option<&str>,
    ) -> Result<(), Duration> {
        let budget = self.budget(kind);
        let wait = |not_until: governor::NotUntil<_>| not_until.wait_time_from(self.clock.now());
        if let (Some(limiter), Some(principal)) = (&budget.by_principal, principal) {
            limiter.check_key(&principal.to_owned()).map_err(wait)?;
        }
        budget
            .by_address
            .check_key(&address_key(address))
            .map_err(wait)?;
        Ok(())
    }

    /// Forgets the keys whose budgets are full again, so that a flood of addresses or
    /// accounts cannot grow the memory without bound. Called from a timer, not per request.
    pub fn forget_idle(&self) {
        for budget in [
            &self.login,
            &self.drafts,
            &self.submits,
            &self.verifications,
        ] {
            budget.by_address.retain_recent();
            if let Some(limiter) = &budget.by_principal {
                limiter.retain_recent();
            }
        }
    }
}

/// The key of an address's budget: an IPv6 client is usually given a whole /64, so its
/// budget is the /64's, or it could step through addresses and never run out.
fn address_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(std::net::Ipv6Addr::from(
                u128::from(v6) & !((1u128 << 64) - 1),
            )),
        },
    }
}

impl RateLimits {
    /// Spends one login of the account `principal` (its scope key), after the identity
    /// provider named it.
    pub fn spend_login_of(&self, principal: &str) -> Result<(), Duration> {
        let Some(limiter) = &self.login.by_principal else {
            return Ok(());
        };
        limiter
            .check_key(&principal.to_owned())
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }
}

/// The refusal of a login over its account's budget.
pub fn too_many_logins(wait: Duration) -> ApiError {
    too_many(Limited::Login, wait)
}

/// The client's address: the connection's peer, or what the trusted proxy appended to
/// `X-Forwarded-For`.
pub fn client_address(request: &Request, trust_forwarded_for: bool) -> IpAddr {
    let forwarded = trust_forwarded_for
        .then(|| request.headers().get("x-forwarded-for"))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|last| last.trim().parse::<IpAddr>().ok());
    forwarded
        .or_else(|| {
            request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(peer)| peer.ip())
        })
        .unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

pub fn too_many(kind: Limited, wait: Duration) -> ApiError {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    ServiceError::new(
        Code::RateLimited,
        format!(
            "too many {} from this account or address; try again in {seconds} s",
            kind.what()
        ),
    )
    .with_retry_after(wait)
    .into()
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_budget_shared_by_processes_rounds_up_and_never_reaches_zero() {
        let settings = RateLimitSettings {
            logins_per_minute: per_minute(12),
            drafts_per_minute: per_minute(10),
            submits_per_minute: per_minute(1),
            verifications_per_minute: per_minute(60),
            trust_forwarded_for: true,
        };
        let shared = settings.shared_by(per_minute(3));
        assert_eq!(shared.logins_per_minute.get(), 4);
        assert_eq!(shared.drafts_per_minute.get(), 4);
        assert_eq!(shared.submits_per_minute.get(), 1);
        assert_eq!(shared.verifications_per_minute.get(), 20);
        assert!(shared.trust_forwarded_for);
        assert_eq!(settings.shared_by(per_minute(1)), settings);
    }

    use super::*;
    use axum::http::StatusCode;

    fn limits(n: u32) -> RateLimits {
        let n = NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
        RateLimits::new(RateLimitSettings {
            logins_per_minute: n,
            drafts_per_minute: n,
            submits_per_minute: n,
            verifications_per_minute: n,
            trust_forwarded_for: false,
        })
    }

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));

    #[test]
    fn a_principal_is_stopped_after_its_budget_and_another_is_not() {
        let limits = limits(2);
        assert!(limits.spend(Limited::Draft, HOME, Some("a")).is_ok());
        assert!(limits.spend(Limited::Draft, HOME, Some("a")).is_ok());
        let wait = limits.spend(Limited::Draft, HOME, Some("a"));
        assert!(wait.is_err_and(|w| w > Duration::ZERO && w <= Duration::from_secs(30)));
        assert!(limits.spend(Limited::Draft, HOME, Some("b")).is_ok());
        // Drafts and submissions have separate budgets.
        assert!(limits.spend(Limited::Submit, HOME, Some("a")).is_ok());
    }

    #[test]
    fn an_address_carries_ten_principals_budgets() {
        let limits = limits(1);
        for n in 0..ADDRESS_FACTOR.get() {
            assert!(limits
                .spend(Limited::Draft, HOME, Some(&n.to_string()))
                .is_ok());
        }
        assert!(limits
            .spend(Limited::Draft, HOME, Some("one more"))
            .is_err());
        let elsewhere = IpAddr::from([10, 0, 0, 2]);
        assert!(limits
            .spend(Limited::Draft, elsewhere, Some("yet another"))
            .is_ok());
    }

    #[test]
    fn logins_are_limited_by_address_and_then_by_account() {
        let limits = limits(1);
        assert!(limits.spend_login_of("citizen:001207001234").is_ok());
        assert!(limits.spend_login_of("citizen:001207001234").is_err());
        assert!(limits.spend_login_of("citizen:004207005678").is_ok());
        // Before the account is known, only the address's budget (10 × 1) counts.
        for _ in 0..ADDRESS_FACTOR.get() {
            assert!(limits.spend(Limited::Login, HOME, None).is_ok());
        }
        assert!(limits.spend(Limited::Login, HOME, None).is_err());
    }

    #[test]
    fn an_ipv6_client_has_one_budget_for_its_whole_prefix() {
        let limits = limits(1);
        let first: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let next: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        for n in 0..ADDRESS_FACTOR.get() {
            assert!(limits.spend(Limited::Login, first, None).is_ok(), "{n}");
        }
        assert!(limits.spend(Limited::Login, next, None).is_err());
        let elsewhere: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert!(limits.spend(Limited::Login, elsewhere, None).is_ok());
    }

    #[test]
    fn someone_over_their_budget_does_not_spend_their_addresss() {
        let limits = limits(1);
        assert!(limits.spend(Limited::Draft, HOME, Some("a")).is_ok());
        for _ in 0..50 {
            assert!(limits.spend(Limited::Draft, HOME, Some("a")).is_err());
        }
        // Nine more of the address's ten remain for others.
        for n in 0..ADDRESS_FACTOR.get() - 1 {
            assert!(limits
                .spend(Limited::Draft, HOME, Some(&n.to_string()))
                .is_ok());
        }
    }

    #[test]
    fn only_the_costly_routes_are_limited() {
        assert_eq!(
            Limited::of(&Method::HEAD, "/v1/auth/login"),
            Some(Limited::Login)
        );
        assert_eq!(
            Limited::of(&Method::POST, "/v1/dossiers/{id}/submit"),
            Some(Limited::Submit)
        );
        assert_eq!(Limited::of(&Method::GET, "/v1/dossiers"), None);
        assert_eq!(Limited::of(&Method::PATCH, "/v1/dossiers/{id}"), None);
    }

    #[test]
    fn the_refusal_says_when_to_come_back() {
        let error = too_many(Limited::Submit, Duration::from_millis(1500));
        assert_eq!(error.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(
            error.problem.detail.ends_with("in 2 s"),
            "{}",
            error.problem.detail
        );
        let retry = error.problem.extra.and_then(|e| e.retry_after);
        assert_eq!(retry, Some(Duration::from_millis(1500)));
    }
}
