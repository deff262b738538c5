//! The OpenAPI document is generated from the routes the server registers: these tests walk the
//! router itself (not a hand-kept list) and fail when a route is served but undocumented, a
//! documented route is not served, a schema is missing, or an error code is not listed. The
//! committed `openapi.json` must be the generated document.

mod common;

use std::collections::BTreeSet;

use axum::{
    body::Body,
    http::{Method, Request, StatusCode},
    Router,
};
use common::spawn_app;
use fairline_core::error::ErrorCode;
use serde_json::Value;
use tower::ServiceExt;

const METHODS: [Method; 5] = [
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
];

/// The paths the router matches, read from the router's own route table (its `Debug` form
/// lists every registered path, quoted, before its fallback's).
fn router_paths(router: &Router) -> BTreeSet<String> {
    let debug = format!("{router:?}");
    let table = debug.split("fallback_router").next().unwrap_or_default();
    let paths: BTreeSet<String> = table
        .split('"')
        .filter(|piece| piece.starts_with('/') && !piece.contains("__private__axum"))
        .map(str::to_owned)
        .collect();
    assert!(
        paths.len() >= 10,
        "cannot read the route table from the router: {table}"
    );
    paths
}

/// A concrete URL for a route template.
fn concrete(path: &str) -> String {
    path.replace("{campaign_id}", "kr-covid19-2021-07")
        .replace("{site_id}", "seoul-gangnam")
        .replace("{day}", "2021-07-26")
        .replace("{reference}", "FL-XXXX-XXXX")
}

/// True when the router itself (not a handler) refused: no route for the path (404) or none for
/// the method (405). Handlers' refusals carry an error code.
async fn router_refuses(router: &Router, method: &Method, path: &str) -> bool {
    let request = Request::builder()
        .method(method.clone())
        .uri(concrete(path))
        .body(Body::empty())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let coded = response.extensions().get::<ErrorCode>().is_some();
    matches!(
        response.status(),
        StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
    ) && !coded
}

async fn served_document(router: &Router) -> Value {
    let request = Request::get("/v1/openapi.json")
        .body(Body::empty())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn documented_operations(document: &Value) -> BTreeSet<(String, String)> {
    let mut operations = BTreeSet::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            operations.insert((path.clone(), method.to_uppercase()));
        }
    }
    operations
}

#[tokio::test]
async fn every_served_route_is_documented_and_every_documented_route_is_served() {
    let app = spawn_app().await;
    let router = fairline_server::app(app.state.clone());
    let document = served_document(&router).await;
    let documented = documented_operations(&document);
    let documented_paths: BTreeSet<String> =
        documented.iter().map(|(path, _)| path.clone()).collect();

    let served_paths = router_paths(&router);
    assert_eq!(
        served_paths, documented_paths,
        "the router's paths (left) and the document's (right) differ"
    );
    for path in &served_paths {
        for method in &METHODS {
            let served = !router_refuses(&router, method, path).await;
            let listed = documented.contains(&(path.clone(), method.to_string()));
            assert_eq!(
                served, listed,
                "{method} {path}: served by the router {served}, documented {listed}"
            );
        }
    }
}

#[tokio::test]
async fn the_document_lists_every_error_code_and_every_schema_it_names() {
    let document = serde_json::to_value(fairline_server::routes::openapi()).unwrap();
    let schemas = &document["components"]["schemas"];
    let error_code = &schemas["ErrorCode"];
    let mut listed: BTreeSet<&str> = BTreeSet::new();
    let variants = error_code["enum"]
        .as_array()
        .into_iter()
        .chain(
            error_code["oneOf"]
                .as_array()
                .into_iter()
                .flat_map(|one_of| {
                    one_of
                        .iter()
                        .filter_map(|variant| variant["enum"].as_array())
                }),
        )
        .flatten();
    for value in variants {
        listed.insert(value.as_str().expect("codes are strings"));
    }
    for code in ErrorCode::ALL {
        assert!(
            listed.contains(code.as_str()),
            "ErrorCode schema lacks {code}: {error_code}"
        );
    }

    // Every reference resolves, and the verdict behind a refusal has a real schema.
    let mut references = Vec::new();
    schema_references(&document, &mut references);
    assert!(!references.is_empty(), "the document references no schema");
    for name in references {
        assert!(schemas.get(&name).is_some(), "no schema for {name}");
    }
    assert!(schemas.get("Verdict").is_some(), "no schema for Verdict");
    assert!(
        schemas["ApiError"]["properties"]["verdict"]
            .to_string()
            .contains("Verdict"),
        "{}",
        schemas["ApiError"]
    );
    assert!(
        schemas["Verdict"].to_string().contains("date-time"),
        "verdict times are not date-times: {}",
        schemas["Verdict"]
    );

    // Every request body and every JSON answer has a schema.
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if let Some(body) = operation.get("requestBody") {
                assert!(
                    body["content"]["application/json"]["schema"].is_object(),
                    "{method} {path}: request body without a schema"
                );
            }
            for (status, response) in operation["responses"].as_object().unwrap() {
                let json = &response["content"]["application/json"];
                assert!(
                    json.is_null() || json["schema"].is_object() || path == "/v1/openapi.json",
                    "{method} {path} {status}: JSON answer without a schema"
                );
            }
        }
    }
}

#[test]
fn the_committed_openapi_json_is_the_generated_document() {
    let generated = fairline_server::routes::openapi().to_pretty_json().unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");
    if std::env::var_os("FAIRLINE_WRITE_OPENAPI").is_some() {
        std::fs::write(path, format!("{generated}\n")).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed.trim_end() == generated,
        "crates/server/openapi.json is not the generated document; regenerate it with \
         FAIRLINE_WRITE_OPENAPI=1 cargo test -p fairline-server --test openapi"
    );
}

/// Every `$ref: "#/components/schemas/NAME"` in `value`, as NAME.
fn schema_references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner.as_str()) {
                    ("$ref", Some(target)) => out.extend(
                        target
                            .strip_prefix("#/components/schemas/")
                            .map(str::to_owned),
                    ),
                    _ => schema_references(inner, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| schema_references(v, out)),
        _ => {}
    }
}
