//! Bad input gets a precise problem+json answer, never a panic or a plain-text error.

use motcua_tests::accounts::MINH;
use motcua_tests::problem::assert_problem;
use motcua_tests::{login, Engine, EngineOptions};
use serde_json::Value;

#[tokio::test]
async fn malformed_bodies_wrong_types_and_unknown_routes_are_problems() {
    let engine = Engine::start_with(EngineOptions {
        extra_env: vec![("MOTCUA_MAX_BODY_BYTES".into(), "65536".into())],
        ..Default::default()
    })
    .await;
    let citizen = login(&engine, "citizen", MINH).await;
    let http = reqwest::Client::new();
    let post = |body: Vec<u8>, content_type: &str| {
        http.post(engine.at("/v1/dossiers"))
            .bearer_auth(&citizen.token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };

    assert_problem(
        post(b"{\"procedure\":".to_vec(), "application/json")
            .await
            .unwrap(),
        400,
        "malformed_json",
    )
    .await;
    assert_problem(
        post(vec![b'"', 0xff, 0xfe, b'"'], "application/json")
            .await
            .unwrap(),
        400,
        "malformed_json",
    )
    .await;
    assert_problem(
        post(b"procedure=1".to_vec(), "text/plain").await.unwrap(),
        415,
        "unsupported_media_type",
    )
    .await;
    assert_problem(
        post(
            br#"{"procedure":"1.005142","extra":1}"#.to_vec(),
            "application/json",
        )
        .await
        .unwrap(),
        422,
        "invalid_body",
    )
    .await;
    assert_problem(
        post(br#"{"procedure":7}"#.to_vec(), "application/json")
            .await
            .unwrap(),
        422,
        "invalid_body",
    )
    .await;
    // A fresh connection: the server closes one whose oversized body it did not read.
    let huge = format!(r#"{{"procedure":"{}"}}"#, "x".repeat(200 * 1024));
    let too_large = reqwest::Client::new()
        .post(engine.at("/v1/dossiers"))
        .bearer_auth(&citizen.token)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_problem(too_large, 413, "body_too_large").await;
    assert_problem(
        post(br#"{"procedure":"9.999999"}"#.to_vec(), "application/json")
            .await
            .unwrap(),
        404,
        "procedure_not_found",
    )
    .await;

    assert_problem(
        http.get(engine.at("/v1/nowhere")).send().await.unwrap(),
        404,
        "not_found",
    )
    .await;
    assert_problem(
        http.delete(engine.at("/v1/me")).send().await.unwrap(),
        405,
        "method_not_allowed",
    )
    .await;
    assert_problem(
        http.get(engine.at("/v1/dossiers/not-a-uuid"))
            .bearer_auth(&citizen.token)
            .send()
            .await
            .unwrap(),
        400,
        "invalid_path",
    )
    .await;
    assert_problem(
        http.get(engine.at("/v1/dossiers?limit=100000"))
            .bearer_auth(&citizen.token)
            .send()
            .await
            .unwrap(),
        400,
        "invalid_limit",
    )
    .await;
    assert_problem(
        http.get(engine.at(&format!("/v1/dossiers/{}", uuid::Uuid::new_v4())))
            .bearer_auth(&citizen.token)
            .send()
            .await
            .unwrap(),
        404,
        "dossier_not_found",
    )
    .await;
}

#[tokio::test]
async fn operations_endpoints_answer() {
    let engine = Engine::start().await;
    assert_eq!(
        reqwest::get(engine.at("/healthz")).await.unwrap().status(),
        200
    );
    let ready: Value = reqwest::get(engine.at("/readyz"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["checks"]["database"], "ok");
    let openapi: Value = reqwest::get(engine.at("/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(openapi["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/v1/dossiers",
        "/v1/dossiers/{id}/submit",
        "/v1/auth/login",
        "/v1/me",
    ] {
        assert!(
            openapi["paths"][path].is_object(),
            "{path} missing from /openapi.json"
        );
    }
    let procedures: Value = reqwest::get(engine.at("/v1/procedures"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let codes: Vec<&str> = procedures
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["1.004889", "1.005142", "3.000465", "3.000466"]);
}

/// Text PostgreSQL cannot hold, as it can arrive: a NUL (alone and inside a value), bytes
/// that are not UTF-8, an overlong NUL, a surrogate's code point encoded as UTF-8 (CESU).
const BAD_QUERY_TEXT: [&str; 5] = ["%00", "a%00b", "%FF", "%C0%80", "%ED%A0%80"];
/// The same in a JSON body: a NUL escape, unpaired surrogate escapes (leading, trailing,
/// leading before another character). Bytes that are not UTF-8 make a body that is not JSON:
/// 400 `malformed_json`, as the first test shows.
const BAD_JSON_TEXT: [&[u8]; 5] = [
    br#""\u0000""#,
    br#""a\u0000b""#,
    br#""\ud800""#,
    br#""x\udfffy""#,
    br#""\uD800\u0041""#,
];
const PLACEHOLDER: &str = "\u{E000}bad text here\u{E000}";

/// `schema` with its `$ref` followed.
fn resolved<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.trim_start_matches("#/components/schemas/");
            resolved(doc, &doc["components"]["schemas"][name])
        }
        None => schema,
    }
}

fn is_string(schema: &Value) -> bool {
    schema["type"] == "string"
        || schema["type"]
            .as_array()
            .is_some_and(|types| types.iter().any(|t| t == "string"))
}

/// One body per string the schema lets a client send, each with the placeholder in that
/// string's place, and the pointer to it. Objects open to any member (a form's data) get one
/// of their own.
fn bodies_with_a_string(doc: &Value, schema: &Value, at: &str, out: &mut Vec<(String, Value)>) {
    let schema = resolved(doc, schema);
    for alternative in ["oneOf", "anyOf", "allOf"] {
        for option in schema[alternative].as_array().into_iter().flatten() {
            bodies_with_a_string(doc, option, at, out);
        }
    }
    if is_string(schema) {
        out.push((at.to_owned(), Value::from(PLACEHOLDER)));
    }
    if let Some(items) = schema.get("items") {
        let mut inner = Vec::new();
        bodies_with_a_string(doc, items, &format!("{at}/0"), &mut inner);
        out.extend(inner.into_iter().map(|(p, v)| (p, Value::Array(vec![v]))));
    }
    let properties = schema["properties"].as_object();
    for (name, property) in properties.into_iter().flatten() {
        let mut inner = Vec::new();
        bodies_with_a_string(doc, property, &format!("{at}/{name}"), &mut inner);
        out.extend(
            inner
                .into_iter()
                .map(|(p, v)| (p, serde_json::json!({ name.clone(): v }))),
        );
    }
    let open = schema["type"] == "object"
        && (properties.is_none() || schema["additionalProperties"] != Value::Bool(false));
    if open {
        out.push((
            format!("{at}/note"),
            serde_json::json!({ "note": PLACEHOLDER }),
        ));
    }
}

/// The body with `bad` (raw JSON bytes) in the placeholder's place.
fn with_bad_text(body: &Value, bad: &[u8]) -> Vec<u8> {
    let text = body.to_string();
    let quoted = Value::from(PLACEHOLDER).to_string();
    let (before, after) = text.split_once(&quoted).unwrap();
    [before.as_bytes(), bad, after.as_bytes()].concat()
}

async fn assert_unstorable(response: reqwest::Response, what: &str, pointer: &str) {
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert!(
        status == 422 && content_type == "application/problem+json",
        "{what}: {status} {content_type} {body}"
    );
    assert_eq!(body["code"], "unstorable_text", "{what}: {body}");
    let pointers: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert!(
        pointers.contains(&pointer),
        "{what}: {pointer} not named in {body}"
    );
}

/// A NUL or text that is not UTF-8 reached PostgreSQL and came back as a 500. Every string
/// parameter and every string of every JSON body in the OpenAPI document is tried with each
/// kind of such text: always a 422 problem naming where it was.
#[tokio::test]
async fn text_the_database_cannot_hold_is_a_422_naming_where_it_is_on_every_operation() {
    let engine = Engine::start().await;
    let citizen = login(&engine, "citizen", MINH).await;
    let http = reqwest::Client::new();
    let doc: Value = reqwest::get(engine.at("/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (mut queries, mut segments, mut strings) = (0, 0, 0);
    for (template, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let parameters = operation["parameters"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            // Well-formed path values: ids are UUIDs (checked before any lookup), the rest
            // words. `path_with` puts one bad value in place of one of them.
            let well_formed: Vec<(String, String)> = parameters
                .iter()
                .filter(|p| p["in"] == "path")
                .map(|p| {
                    let uuid = resolved(&doc, &p["schema"])["format"] == "uuid";
                    let value = if uuid {
                        uuid::Uuid::new_v4().to_string()
                    } else {
                        "x".into()
                    };
                    (p["name"].as_str().unwrap().to_owned(), value)
                })
                .collect();
            let path_with = |bad: Option<(&str, &str)>| {
                let mut url = template.clone();
                for (name, value) in &well_formed {
                    let value = match bad {
                        Some((bad_name, bad_value)) if bad_name == name => bad_value,
                        _ => value,
                    };
                    url = url.replace(&format!("{{{name}}}"), value);
                }
                url
            };
            let path = path_with(None);
            // DVCQG's push is called with DVCQG's token, every other operation with a
            // citizen's: the body is checked once the caller is.
            let dvcqg = operation["security"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|s| s.get("dvcqg").is_some());
            let token = if dvcqg {
                motcua_tests::TEST_DVCQG_INBOUND_TOKEN
            } else {
                citizen.token.as_str()
            };
            let send = |url: String, body: Option<(&str, Vec<u8>)>| {
                let request = http
                    .request(method.clone(), engine.at(&url))
                    .bearer_auth(token);
                match body {
                    Some((content_type, body)) => {
                        request.header("content-type", content_type).body(body)
                    }
                    None => request,
                }
                .send()
            };
            for parameter in &parameters {
                let name = parameter["name"].as_str().unwrap();
                if !is_string(resolved(&doc, &parameter["schema"])) {
                    continue;
                }
                for bad in BAD_QUERY_TEXT {
                    let url = match parameter["in"].as_str() {
                        Some("query") => {
                            queries += 1;
                            format!("{path}?{name}={bad}")
                        }
                        Some("path") => {
                            segments += 1;
                            path_with(Some((name, bad)))
                        }
                        _ => continue,
                    };
                    let what = format!("{method} {url}");
                    assert_unstorable(send(url, None).await.unwrap(), &what, &format!("/{name}"))
                        .await;
                }
            }
            // JSON bodies (`application/json`, `application/merge-patch+json`); files are
            // bytes, not text.
            let contents = operation["requestBody"]["content"].as_object();
            let Some((content_type, content)) = contents
                .into_iter()
                .flatten()
                .find(|(media, _)| media.ends_with("json"))
            else {
                continue;
            };
            let mut bodies = Vec::new();
            bodies_with_a_string(&doc, &content["schema"], "", &mut bodies);
            for (pointer, body) in bodies {
                println!("{method} {template}: body string {pointer}");
                for bad in BAD_JSON_TEXT {
                    strings += 1;
                    let what = format!(
                        "{method} {template} with {pointer} = {}",
                        String::from_utf8_lossy(bad)
                    );
                    let response = send(
                        path.clone(),
                        Some((content_type, with_bad_text(&body, bad))),
                    )
                    .await
                    .unwrap();
                    assert_unstorable(response, &what, &pointer).await;
                }
            }
        }
    }
    // The document has string parameters and bodies: a test that found none proved nothing.
    assert!(
        queries >= 100 && segments >= 100 && strings >= 40,
        "{queries} {segments} {strings}"
    );
}
