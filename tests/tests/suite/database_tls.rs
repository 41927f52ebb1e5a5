//! TLS to PostgreSQL: with `sslmode=verify-full` and `sslrootcert` in DATABASE_URL the engine
//! connects to a server whose certificate its CA signed for the host it dials, encrypted, and
//! refuses one whose certificate names another host or comes from another CA. The CA and the
//! certificates are made here with openssl; the server is a private cluster listening on a
//! loopback port with TLS on.

use motcua_tests::command::{motcua, run};
use motcua_tests::engine::tempdir::TempDir;
use motcua_tests::engine::{Engine, EngineOptions};
use motcua_tests::postgres::TlsCluster;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Pki {
    _dir: TempDir,
    ca: PathBuf,
    other_ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

fn openssl(dir: &Path, args: &[&str]) {
    run(Command::new("openssl").current_dir(dir).args(args));
}

/// A CA of its own, and a server certificate it signs for `localhost` only (no IP address);
/// another CA that signed nothing here.
fn make_pki() -> Pki {
    let dir = TempDir::new();
    let d = dir.0.clone();
    for ca in ["ca", "other-ca"] {
        openssl(
            &d,
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                &format!("{ca}.key"),
                "-out",
                &format!("{ca}.crt"),
                "-days",
                "2",
                "-subj",
                &format!("/CN=motcua test {ca}"),
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        );
    }
    openssl(
        &d,
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ],
    );
    std::fs::write(
        d.join("server.ext"),
        "subjectAltName=DNS:localhost\nbasicConstraints=critical,CA:FALSE\n\
         keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        &d,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "server.ext",
            "-out",
            "server.crt",
        ],
    );
    Pki {
        ca: d.join("ca.crt"),
        other_ca: d.join("other-ca.crt"),
        cert: d.join("server.crt"),
        key: d.join("server.key"),
        _dir: dir,
    }
}

fn url(host: &str, port: u16, mode: &str, ca: &Path) -> String {
    format!(
        "postgres://postgres@{host}:{port}/motcua?sslmode={mode}&sslrootcert={}",
        ca.display()
    )
}

#[tokio::test]
async fn the_engine_connects_with_verify_full_and_its_sessions_are_encrypted() {
    let pki = make_pki();
    let cluster = TlsCluster::start(&pki.cert, &pki.key).await;
    let database_url = url("localhost", cluster.port, "verify-full", &pki.ca);

    let (ok, said) = motcua(&["migrate"], &[("DATABASE_URL", &database_url)]);
    assert!(ok, "migrate over verify-full: {said}\n{}", cluster.log());

    let engine = Engine::start_with(EngineOptions {
        database_url: Some(database_url.clone()),
        ..Default::default()
    })
    .await;
    let ready = reqwest::get(engine.at("/readyz")).await.unwrap();
    assert_eq!(ready.status(), 200);

    // Seen from the server (over its socket): every session of the engine is TLS.
    let seen: Vec<(bool, String)> = {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&cluster.socket_url())
            .await
            .unwrap();
        sqlx::query_as(
            "select s.ssl, coalesce(s.version, '') from pg_stat_ssl s \
             join pg_stat_activity a using (pid) where a.application_name = 'motcua'",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap()
    };
    assert!(!seen.is_empty(), "no session of the engine on the server");
    assert!(
        seen.iter()
            .all(|(ssl, version)| *ssl && version.starts_with("TLSv1.")),
        "{seen:?}"
    );
}

#[tokio::test]
async fn a_server_whose_certificate_does_not_match_is_refused() {
    let pki = make_pki();
    let cluster = TlsCluster::start(&pki.cert, &pki.key).await;

    // The certificate names `localhost`; dialled as 127.0.0.1 it does not match.
    let wrong_name = url("127.0.0.1", cluster.port, "verify-full", &pki.ca);
    let (ok, said) = motcua(&["migrate"], &[("DATABASE_URL", &wrong_name)]);
    assert!(!ok, "migrate went through to a mismatched server: {said}");
    assert!(
        said.contains("not valid for name"),
        "the refusal says why: {said}"
    );
    // The same server, CA and mode, dialled by the name its certificate carries, goes
    // through: the refusal above is the name check.
    let right_name = url("localhost", cluster.port, "verify-full", &pki.ca);
    let (ok, said) = motcua(&["migrate"], &[("DATABASE_URL", &right_name)]);
    assert!(ok, "verify-full by the certificate's name: {said}");

    // The right name from a CA the engine was not told to trust: refused too.
    let wrong_ca = url("localhost", cluster.port, "verify-full", &pki.other_ca);
    let (ok, said) = motcua(&["migrate"], &[("DATABASE_URL", &wrong_ca)]);
    assert!(
        !ok,
        "migrate trusted a certificate of an unknown CA: {said}"
    );
}
