//! What the simulator is told at start: where it is reachable, which relying parties it
//! knows, and the token the population register expects.

use anyhow::{bail, Context};
use std::fmt;
use url::Url;

/// The development token of the population register (`REGISTRY_TOKEN` on the engine's side).
pub const DEV_REGISTER_TOKEN: &str = "motcua-dev-registry-token";

/// The simulator's configuration.
#[derive(Clone)]
pub struct SimConfig {
    /// The URL the outside world reaches the simulator at (the OIDC issuer, and the
    /// register's base URL). When unset, it is `http://{listener address}`.
    pub public_url: Option<String>,
    /// The relying parties registered with the identity provider.
    pub clients: Vec<OidcClient>,
    /// The Bearer token the population register accepts.
    pub register_token: String,
    /// Which identity provider the simulator acts as at start (`SIM_OIDC_PROFILE`).
    pub profile: crate::OidcProfile,
}

// Written by hand so that logging a configuration never prints the register token.
impl fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimConfig")
            .field("public_url", &self.public_url)
            .field("clients", &self.clients)
            .field("register_token", &"<redacted>")
            .field("profile", &self.profile)
            .finish()
    }
}

/// A relying party registered with the identity provider.
#[derive(Clone)]
pub struct OidcClient {
    pub client_id: String,
    pub client_secret: String,
    /// A redirect URI on a loopback host (127.0.0.1, localhost, `[::1]`) matches with any port
    /// (RFC 8252 §7.3); any other must match exactly.
    pub redirect_uris: Vec<String>,
}

// Written by hand so that logging a configuration never prints the secret.
impl fmt::Debug for OidcClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcClient")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("redirect_uris", &self.redirect_uris)
            .finish()
    }
}

impl SimConfig {
    /// The engine's development client: `motcua dev` and the black-box tests use it, and its
    /// loopback redirect URIs accept whatever port the engine happened to bind.
    pub fn dev_default() -> Self {
        SimConfig {
            public_url: None,
            clients: vec![OidcClient {
                client_id: "motcua".to_owned(),
                client_secret: "motcua-dev-secret".to_owned(),
                redirect_uris: vec![
                    "http://127.0.0.1/v1/auth/callback".to_owned(),
                    "http://localhost/v1/auth/callback".to_owned(),
                ],
            }],
            register_token: DEV_REGISTER_TOKEN.to_owned(),
            profile: crate::OidcProfile::Standard,
        }
    }

    /// The configuration of the `motcua-sim` binary: the development defaults, overridden by
    /// `SIM_PUBLIC_URL`, `SIM_CLIENT_ID`, `SIM_CLIENT_SECRET`, `SIM_REDIRECT_URIS`
    /// (comma-separated), `SIM_REGISTER_TOKEN` and `SIM_OIDC_PROFILE` (`standard`, `vneid`,
    /// `dvcqg`). `var` looks a variable up, so tests need not touch the process
    /// environment.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        // An empty variable is treated as unset: compose files often write `VAR=`.
        let var = |name: &str| {
            var(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let mut config = SimConfig::dev_default();
        config.public_url = var("SIM_PUBLIC_URL");
        let mut client = config
            .clients
            .pop()
            .context("the development configuration has no client")?;
        if let Some(id) = var("SIM_CLIENT_ID") {
            client.client_id = id;
        }
        if let Some(secret) = var("SIM_CLIENT_SECRET") {
            client.client_secret = secret;
        }
        if let Some(uris) = var("SIM_REDIRECT_URIS") {
            client.redirect_uris = uris
                .split(',')
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(str::to_owned)
                .collect();
        }
        config.clients = vec![client];
        if let Some(token) = var("SIM_REGISTER_TOKEN") {
            config.register_token = token;
        }
        if let Some(profile) = var("SIM_OIDC_PROFILE") {
            config.profile = crate::OidcProfile::parse(&profile).with_context(|| {
                format!("SIM_OIDC_PROFILE={profile:?}: standard, vneid or dvcqg")
            })?;
        }
        config.check()?;
        Ok(config)
    }

    /// Refuses a configuration that would only fail later, at someone's login.
    pub(crate) fn check(&self) -> anyhow::Result<()> {
        if let Some(url) = &self.public_url {
            let parsed = Url::parse(url).with_context(|| format!("public URL {url:?}"))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                bail!("public URL {url:?} is not http(s)");
            }
        }
        if self.register_token.trim().is_empty() {
            bail!("the register token is empty");
        }
        if self.clients.is_empty() {
            bail!("no OIDC client is registered");
        }
        for client in &self.clients {
            if client.client_id.is_empty() || client.client_secret.is_empty() {
                bail!("an OIDC client has an empty id or secret");
            }
            if client.redirect_uris.is_empty() {
                bail!("client {:?} has no redirect URI", client.client_id);
            }
            for uri in &client.redirect_uris {
                let parsed = Url::parse(uri).with_context(|| {
                    format!("client {:?}: redirect URI {uri:?}", client.client_id)
                })?;
                // RFC 6749 §3.1.2: the redirection endpoint must not include a fragment.
                if parsed.fragment().is_some() {
                    bail!(
                        "client {:?}: redirect URI {uri:?} has a fragment",
                        client.client_id
                    );
                }
            }
        }
        Ok(())
    }

    /// The issuer: the public URL without its trailing slash, or the listener's address.
    pub(crate) fn issuer(&self, local_addr: std::net::SocketAddr) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{local_addr}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn empty_environment_gives_the_development_client() {
        let config = SimConfig::from_env(env(&[])).unwrap();
        assert_eq!(config.public_url, None);
        assert_eq!(config.clients.len(), 1);
        assert_eq!(config.clients[0].client_id, "motcua");
        assert_eq!(config.clients[0].client_secret, "motcua-dev-secret");
        assert_eq!(config.clients[0].redirect_uris.len(), 2);
        assert_eq!(config.register_token, "motcua-dev-registry-token");
    }

    #[test]
    fn the_register_token_comes_from_the_environment() {
        let config = SimConfig::from_env(env(&[("SIM_REGISTER_TOKEN", " t0ken ")])).unwrap();
        assert_eq!(config.register_token, "t0ken");
        let config = SimConfig {
            register_token: " ".into(),
            ..SimConfig::dev_default()
        };
        assert!(config.check().is_err());
    }

    #[test]
    fn variables_override_the_client() {
        let config = SimConfig::from_env(env(&[
            ("SIM_PUBLIC_URL", "https://idp.example/"),
            ("SIM_CLIENT_ID", "engine"),
            ("SIM_CLIENT_SECRET", "s3cret"),
            (
                "SIM_REDIRECT_URIS",
                "https://a.example/cb, http://127.0.0.1/cb,",
            ),
            ("SIM_LISTEN", "ignored here"),
        ]))
        .unwrap();
        assert_eq!(
            config.issuer("127.0.0.1:1".parse().unwrap()),
            "https://idp.example"
        );
        assert_eq!(config.clients[0].client_id, "engine");
        assert_eq!(config.clients[0].client_secret, "s3cret");
        assert_eq!(
            config.clients[0].redirect_uris,
            vec!["https://a.example/cb", "http://127.0.0.1/cb"]
        );
    }

    #[test]
    fn bad_redirect_uri_is_refused_at_start() {
        assert!(SimConfig::from_env(env(&[("SIM_REDIRECT_URIS", "not a url")])).is_err());
        assert!(
            SimConfig::from_env(env(&[("SIM_REDIRECT_URIS", "http://a.example/cb#x")])).is_err()
        );
        assert!(SimConfig::from_env(env(&[("SIM_PUBLIC_URL", "ftp://a.example")])).is_err());
    }

    #[test]
    fn issuer_defaults_to_the_listener() {
        let config = SimConfig::dev_default();
        assert_eq!(
            config.issuer("127.0.0.1:8090".parse().unwrap()),
            "http://127.0.0.1:8090"
        );
    }

    #[test]
    fn debug_hides_the_secret() {
        let printed = format!("{:?}", SimConfig::dev_default());
        assert!(!printed.contains("motcua-dev-secret"));
        assert!(!printed.contains(DEV_REGISTER_TOKEN));
    }
}
