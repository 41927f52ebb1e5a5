//! The file stores (motcua-files) against the real thing: `S3Store` on a real S3 server
//! (Garage, or MinIO), `LocalStore` on a temporary folder. Every test in the first part runs
//! against both stores (`<test>::s3` and `<test>::local`); the last tests are about S3 alone
//! (storage going away and coming back, multipart uploads left behind).

use bytes::Bytes;
use futures::StreamExt;
use motcua_files::{ByteStream, FileError, FileStore, LocalStore, PutError, Stored};
use motcua_tests::engine::tempdir::TempDir;
use motcua_tests::garage::{shared_bucket, PrivateS3, S3Settings};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const MIB: usize = 1024 * 1024;

/// A store under test, with what it needs kept alive.
struct Subject {
    store: Box<dyn FileStore>,
    /// Set for S3: to look at the bucket from outside the store.
    s3: Option<S3Settings>,
    _folder: Option<TempDir>,
}

async fn s3_store() -> Subject {
    let settings = shared_bucket().await;
    Subject {
        store: Box::new(settings.store()),
        s3: Some(settings),
        _folder: None,
    }
}

async fn local_store() -> Subject {
    let folder = TempDir::new();
    Subject {
        store: Box::new(LocalStore::new(folder.0.join("files")).unwrap()),
        s3: None,
        _folder: Some(folder),
    }
}

/// Runs `$test(subject)` once with each store, as `$test::s3` and `$test::local`.
macro_rules! for_both_stores {
    ($($test:ident),* $(,)?) => {$(
        mod $test {
            #[tokio::test]
            async fn s3() {
                super::$test(super::s3_store().await).await
            }
            #[tokio::test]
            async fn local() {
                super::$test(super::local_store().await).await
            }
        }
    )*};
}

for_both_stores!(
    round_trip_returns_the_size_and_sha256_of_the_bytes,
    an_empty_file_round_trips,
    a_file_of_exactly_one_part_round_trips,
    a_body_over_the_limit_is_refused_and_leaves_nothing,
    a_body_over_the_limit_after_several_parts_leaves_nothing,
    a_body_that_fails_midway_leaves_nothing,
    a_body_that_fails_after_several_parts_leaves_nothing,
    putting_twice_keeps_the_second,
    delete_is_idempotent,
    list_follows_the_prefix,
    a_50_mib_file_streams_both_ways,
    signed_urls,
    unsafe_keys_are_refused,
    check_answers,
);

async fn round_trip_returns_the_size_and_sha256_of_the_bytes(s: Subject) {
    let data = pattern(300_000, 7);
    let stored = s
        .store
        .put(
            "dossiers/d1/a.pdf",
            "application/pdf",
            chunked(&data, 17_000),
            1_000_000,
        )
        .await
        .unwrap();
    assert_eq!(
        stored,
        Stored {
            key: "dossiers/d1/a.pdf".into(),
            size: 300_000,
            sha256: sha256_hex(&data),
        }
    );
    assert_eq!(
        read_all(s.store.get("dossiers/d1/a.pdf").await.unwrap()).await,
        data
    );
    assert_eq!(s.store.list("").await.unwrap(), ["dossiers/d1/a.pdf"]);
    assert!(matches!(
        s.store.get("dossiers/d1/missing").await,
        Err(FileError::NotFound)
    ));
}

async fn an_empty_file_round_trips(s: Subject) {
    let stored = s
        .store
        .put("empty", "text/plain", chunked(&[], 1), 10)
        .await
        .unwrap();
    assert_eq!(stored.size, 0);
    assert_eq!(stored.sha256, sha256_hex(b""));
    assert!(read_all(s.store.get("empty").await.unwrap())
        .await
        .is_empty());
}

/// The body ends exactly at a part's end: S3 gets a multipart upload of one part, and no
/// empty part after it.
async fn a_file_of_exactly_one_part_round_trips(s: Subject) {
    let size = motcua_files::PART_SIZE;
    let stored = s
        .store
        .put(
            "one-part",
            "application/pdf",
            generated(size, 64 * 1024),
            size as u64,
        )
        .await
        .unwrap();
    assert_eq!(stored.size, size as u64);
    assert_eq!(stored.sha256, generated_sha256(size, 64 * 1024));
    let (got_size, got_sha) = hash_stream(s.store.get("one-part").await.unwrap()).await;
    assert_eq!((got_size, got_sha), (stored.size, stored.sha256));
}

async fn a_body_over_the_limit_is_refused_and_leaves_nothing(s: Subject) {
    let data = pattern(200_000, 1);
    match s
        .store
        .put(
            "dossiers/d1/big",
            "image/jpeg",
            chunked(&data, 64 * 1024),
            100_000,
        )
        .await
    {
        Err(PutError::TooLarge { limit: 100_000 }) => {}
        other => panic!("expected TooLarge, got {other:?}"),
    }
    assert_left_nothing(&s, "dossiers/d1/big").await;
}

/// Over the limit only after the first parts of a multipart upload went to S3.
async fn a_body_over_the_limit_after_several_parts_leaves_nothing(s: Subject) {
    let limit = (20 * MIB) as u64;
    match s
        .store
        .put(
            "dossiers/d1/huge",
            "application/pdf",
            generated(25 * MIB, 64 * 1024),
            limit,
        )
        .await
    {
        Err(PutError::TooLarge { limit: l }) => assert_eq!(l, limit),
        other => panic!("expected TooLarge, got {other:?}"),
    }
    assert_left_nothing(&s, "dossiers/d1/huge").await;
}

async fn a_body_that_fails_midway_leaves_nothing(s: Subject) {
    match s
        .store
        .put(
            "dossiers/d1/cut",
            "image/png",
            failing_after(100_000, 10_000),
            1_000_000,
        )
        .await
    {
        Err(PutError::Body(e)) => assert_eq!(e.to_string(), "the client went away"),
        other => panic!("expected Body, got {other:?}"),
    }
    assert_left_nothing(&s, "dossiers/d1/cut").await;
}

async fn a_body_that_fails_after_several_parts_leaves_nothing(s: Subject) {
    match s
        .store
        .put(
            "dossiers/d1/cut",
            "image/png",
            failing_after(18 * MIB, 64 * 1024),
            u64::MAX,
        )
        .await
    {
        Err(PutError::Body(_)) => {}
        other => panic!("expected Body, got {other:?}"),
    }
    assert_left_nothing(&s, "dossiers/d1/cut").await;
}

async fn putting_twice_keeps_the_second(s: Subject) {
    let first = pattern(50_000, 1);
    let second = pattern(30_000, 2);
    s.store
        .put("k", "text/plain", chunked(&first, 4096), 100_000)
        .await
        .unwrap();
    let stored = s
        .store
        .put("k", "text/plain", chunked(&second, 4096), 100_000)
        .await
        .unwrap();
    assert_eq!(stored.sha256, sha256_hex(&second));
    assert_eq!(read_all(s.store.get("k").await.unwrap()).await, second);
    assert_eq!(s.store.list("").await.unwrap(), ["k"]);
}

async fn delete_is_idempotent(s: Subject) {
    s.store
        .put("a/b", "text/plain", chunked(b"hello", 2), 10)
        .await
        .unwrap();
    s.store.delete("a/b").await.unwrap();
    s.store.delete("a/b").await.unwrap();
    s.store.delete("never/was").await.unwrap();
    assert!(matches!(s.store.get("a/b").await, Err(FileError::NotFound)));
    assert!(s.store.list("").await.unwrap().is_empty());
}

async fn list_follows_the_prefix(s: Subject) {
    for key in ["p/a", "p/b", "pq/c", "q/d", "p/sub/e"] {
        s.store
            .put(key, "text/plain", chunked(key.as_bytes(), 3), 100)
            .await
            .unwrap();
    }
    let list = |prefix: &'static str| {
        let store = &s.store;
        async move {
            let mut keys = store.list(prefix).await.unwrap();
            keys.sort();
            keys
        }
    };
    assert_eq!(list("").await, ["p/a", "p/b", "p/sub/e", "pq/c", "q/d"]);
    assert_eq!(list("p/").await, ["p/a", "p/b", "p/sub/e"]);
    assert_eq!(list("p").await, ["p/a", "p/b", "p/sub/e", "pq/c"]);
    assert_eq!(list("p/s").await, ["p/sub/e"]);
    assert!(list("zzz/").await.is_empty());
}

async fn a_50_mib_file_streams_both_ways(s: Subject) {
    let size = 50 * MIB;
    let expected = generated_sha256(size, 64 * 1024);
    let before = memory();
    let started = Instant::now();
    let stored = s
        .store
        .put(
            "dossiers/d1/scan.pdf",
            "application/pdf",
            generated(size, 64 * 1024),
            size as u64,
        )
        .await
        .unwrap();
    let put_took = started.elapsed();
    let after_put = memory();
    assert_eq!(stored.size, size as u64);
    assert_eq!(stored.sha256, expected);

    let started = Instant::now();
    let (got_size, got_sha) = hash_stream(s.store.get("dossiers/d1/scan.pdf").await.unwrap()).await;
    let get_took = started.elapsed();
    assert_eq!(got_size, size as u64);
    assert_eq!(got_sha, expected);
    eprintln!(
        "50 MiB with {}: put {put_took:?}, get {get_took:?}; resident memory of the test \
         process {} MiB before, {} MiB after the put, peak so far {} MiB \
         (other tests run in parallel in this process)",
        if s.s3.is_some() {
            "S3"
        } else {
            "the local folder"
        },
        before.0 / 1024,
        after_put.0 / 1024,
        after_put.1 / 1024
    );
}

async fn signed_urls(s: Subject) {
    let data = pattern(10_000, 3);
    s.store
        .put(
            "dossiers/d1/x.pdf",
            "application/pdf",
            chunked(&data, 1000),
            100_000,
        )
        .await
        .unwrap();
    let url = s
        .store
        .signed_url(
            "dossiers/d1/x.pdf",
            Duration::from_secs(60),
            "attachment; filename=\"x.pdf\"",
        )
        .await;
    match &s.s3 {
        None => assert_eq!(url, None),
        Some(_) => {
            let url = url.unwrap();
            assert!(url.starts_with("http://127.0.0.1:"), "{url}");
            let answer = reqwest::get(&url).await.unwrap();
            assert_eq!(answer.status(), 200);
            assert_eq!(
                answer.headers()["content-disposition"],
                "attachment; filename=\"x.pdf\""
            );
            assert_eq!(answer.bytes().await.unwrap(), data);
            // The signature covers the key: another key with the same query is refused.
            let forged = url.replace("/x.pdf?", "/y.pdf?");
            assert_eq!(reqwest::get(&forged).await.unwrap().status(), 403);
        }
    }
}

async fn unsafe_keys_are_refused(s: Subject) {
    for key in [
        "../escape",
        "/absolute",
        "a/../../b",
        "a//b",
        "a\\b",
        "a/./b",
        "",
    ] {
        match s.store.put(key, "text/plain", chunked(b"x", 1), 10).await {
            Err(PutError::Unavailable(why)) => {
                assert!(why.contains("refused object key"), "{key:?}: {why}")
            }
            other => panic!("{key:?}: expected a refusal, got {other:?}"),
        }
        assert!(matches!(s.store.get(key).await, Err(FileError::NotFound)));
        s.store.delete(key).await.unwrap();
    }
    assert!(s.store.list("").await.unwrap().is_empty());
}

async fn check_answers(s: Subject) {
    s.store.check().await.unwrap();
}

// ---- S3 alone ----

#[tokio::test]
async fn with_s3_stopped_a_put_is_unavailable_at_once_and_the_same_store_works_after_restart() {
    let mut server = PrivateS3::start().await;
    let store = server.settings().store();
    store
        .put("before", "text/plain", chunked(b"kept", 2), 10)
        .await
        .unwrap();

    server.stop().await;
    for (key, body) in [
        ("small", chunked(&pattern(1000, 1), 100)),
        // Larger than a part: the refusal comes when the multipart upload cannot start.
        ("large", generated(10 * MIB, 64 * 1024)),
    ] {
        let started = Instant::now();
        match store.put(key, "text/plain", body, u64::MAX).await {
            Err(PutError::Unavailable(_)) => {}
            other => panic!("{key}: expected Unavailable, got {other:?}"),
        }
        let took = started.elapsed();
        eprintln!("{key} put with the server stopped: Unavailable after {took:?}");
        assert!(took < Duration::from_secs(3), "{key}: {took:?}");
    }
    let started = Instant::now();
    assert!(matches!(
        store.check().await,
        Err(FileError::Unavailable(_))
    ));
    assert!(matches!(
        store.get("before").await,
        Err(FileError::Unavailable(_))
    ));
    assert!(matches!(
        store.list("").await,
        Err(FileError::Unavailable(_))
    ));
    assert!(matches!(
        store.delete("before").await,
        Err(FileError::Unavailable(_))
    ));
    // check, get and list are retried once by rust-s3, a second after the first refusal.
    let took = started.elapsed();
    eprintln!("check, get, list and delete with the server stopped: {took:?}");
    assert!(took < Duration::from_secs(8), "{took:?}");

    let started = Instant::now();
    server.restart().await;
    eprintln!("restart until the bucket answers: {:?}", started.elapsed());
    store
        .put("after", "text/plain", chunked(b"works", 2), 10)
        .await
        .unwrap();
    let mut keys = store.list("").await.unwrap();
    keys.sort();
    assert_eq!(keys, ["after", "before"], "nothing of the failed puts");
    assert_eq!(read_all(store.get("before").await.unwrap()).await, b"kept");
    assert_no_multipart_uploads(&server.settings()).await;
}

#[tokio::test]
async fn a_store_on_a_missing_bucket_or_wrong_keys_is_unavailable() {
    let settings = shared_bucket().await;
    let mut wrong_bucket = settings.clone();
    wrong_bucket.bucket = "no-such-bucket-here".into();
    let mut wrong_secret = settings.clone();
    wrong_secret.secret_key = "0".repeat(64);
    for settings in [wrong_bucket, wrong_secret] {
        let store = settings.store();
        assert!(matches!(
            store.check().await,
            Err(FileError::Unavailable(_))
        ));
        assert!(matches!(
            store.put("k", "text/plain", chunked(b"x", 1), 10).await,
            Err(PutError::Unavailable(_))
        ));
    }
}

// ---- helpers ----

/// Nothing under `key`, nothing at all in the store, and for S3 no multipart upload left.
async fn assert_left_nothing(s: &Subject, key: &str) {
    assert!(matches!(s.store.get(key).await, Err(FileError::NotFound)));
    assert_eq!(s.store.list("").await.unwrap(), Vec::<String>::new());
    if let Some(settings) = &s.s3 {
        assert_no_multipart_uploads(settings).await;
    }
    if let Some(folder) = &s._folder {
        // Not even a temporary file.
        assert_eq!(files_under(&folder.0), Vec::<PathBuf>::new());
    }
}

async fn assert_no_multipart_uploads(settings: &S3Settings) {
    let uploads = settings.multipart_uploads().await;
    assert!(uploads.is_empty(), "multipart uploads left: {uploads:?}");
}

fn files_under(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            out.extend(files_under(&entry.path()));
        } else {
            out.push(entry.path());
        }
    }
    out
}

/// Deterministic bytes that do not compress to nothing (xorshift).
fn pattern(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// `data` as a body in chunks of `chunk` bytes.
fn chunked(data: &[u8], chunk: usize) -> ByteStream {
    let chunks: Vec<Result<Bytes, std::io::Error>> = data
        .chunks(chunk.max(1))
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    Box::pin(futures::stream::iter(chunks))
}

/// A body of `size` bytes made chunk by chunk as it is read: never whole in memory.
fn generated(size: usize, chunk: usize) -> ByteStream {
    Box::pin(futures::stream::unfold(0usize, move |sent| async move {
        (sent < size).then(|| {
            let len = chunk.min(size - sent);
            let bytes = Bytes::from(pattern(len, (sent / chunk) as u64));
            (Ok(bytes), sent + len)
        })
    }))
}

fn generated_sha256(size: usize, chunk: usize) -> String {
    let mut hasher = Sha256::new();
    let mut sent = 0;
    while sent < size {
        let len = chunk.min(size - sent);
        hasher.update(pattern(len, (sent / chunk) as u64));
        sent += len;
    }
    hex(&hasher.finalize())
}

/// `size` bytes of body, then an error as if the client went away.
fn failing_after(size: usize, chunk: usize) -> ByteStream {
    let good = generated(size, chunk);
    let bad = futures::stream::once(async {
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "the client went away",
        ))
    });
    Box::pin(good.chain(bad))
}

async fn read_all(mut stream: ByteStream) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        out.extend_from_slice(&chunk.unwrap());
    }
    out
}

async fn hash_stream(mut stream: ByteStream) -> (u64, String) {
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        size += chunk.len() as u64;
        hasher.update(&chunk);
    }
    (size, hex(&hasher.finalize()))
}

fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// (resident now, resident peak) of this process in KiB, from /proc.
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}
