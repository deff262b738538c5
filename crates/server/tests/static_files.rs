//! The built widget served like a CDN would, over real HTTP, from a fixture folder shaped like
//! Trunk's `dist/` after `cargo xtask`'s precompression: encodings by `Accept-Encoding`, cache
//! lifetimes, types, `Vary`, `ETag` and `304`, `HEAD`, the SPA fallback, paths that try to leave
//! the folder, and the campaign (its name, its document, the rehearsal flag) written into the page.

mod common;

use std::{io::Read, path::Path};

use common::{spawn_app_with, AppOptions, TestApp, KR_CAMPAIGN};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const JS: &str = "/fairline-widget-eeb33ebe6b25ccb5.js";
const WASM: &str = "/fairline-widget-eeb33ebe6b25ccb5_bg.wasm";
const CSS: &str = "/styles-ab1e1dcfd0ab22d4.css";
const SVG: &str = "/favicon-0123456789abcdef.svg";
const EMBED: &str = "/embed.js";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The page's template, as the widget's `index.html` carries it.
const INDEX: &str = r#"<!doctype html>
<html lang="ko">
  <head>
    <meta charset="utf-8" />
    <title>{{campaign_name}}</title>
    <link rel="stylesheet" href="/styles-ab1e1dcfd0ab22d4.css" />
  </head>
  <body>
    <main>
      <div id="fairline" data-campaign="{{campaign_id}}" data-rehearsal="{{rehearsal}}">
        <h1 class="fairline-title">{{campaign_name}}</h1>
        <p class="fairline-loading">Loading the booking page… / 예약 페이지를 불러오는 중…</p>
      </div>
    </main>
    <script type="application/json" id="fl-campaign">{{campaign_json}}</script>
  </body>
</html>
"#;

/// The campaign's Korean name in the fixture campaign: everything that must be escaped.
const NAME: &str = r#"코로나19 <예방접종> & "사전예약""#;
const NAME_ESCAPED: &str = "코로나19 &lt;예방접종&gt; &amp; &quot;사전예약&quot;";

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams::default();
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).unwrap();
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// The original bytes of a fixture file.
fn original(path: &str) -> Vec<u8> {
    match path {
        JS => "export function start() { console.log('fairline'); }\n"
            .repeat(40)
            .into_bytes(),
        WASM => {
            let mut wasm = b"\0asm\x01\0\0\0".to_vec();
            for i in 0..4000u32 {
                wasm.push((i % 7) as u8);
            }
            wasm
        }
        CSS => ".fairline-title { font-size: 1.5rem; margin: 0 0 1rem; }\n"
            .repeat(30)
            .into_bytes(),
        SVG => br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"></svg>"#.to_vec(),
        EMBED => "(function () { /* the partner loader */ })();\n"
            .repeat(10)
            .into_bytes(),
        other => panic!("no fixture file {other}"),
    }
}

/// A `dist/` folder under `root`: the page with placeholders (and stale build-time siblings that
/// must not be served), hashed js/wasm/css with `.br` and `.gz`, a hashed svg and an unhashed
/// `embed.js` without, a sub-page without placeholders, and a file outside the folder.
fn fixture(root: &Path) -> std::path::PathBuf {
    let dist = root.join("dist");
    std::fs::create_dir_all(dist.join("demo")).unwrap();
    std::fs::write(root.join("secret.txt"), "outside the static folder").unwrap();
    std::fs::write(dist.join("index.html"), INDEX).unwrap();
    std::fs::write(dist.join("index.html.br"), brotli(INDEX.as_bytes())).unwrap();
    std::fs::write(dist.join("index.html.gz"), gzip(INDEX.as_bytes())).unwrap();
    for path in [JS, WASM, CSS] {
        let name = &path[1..];
        let bytes = original(path);
        std::fs::write(dist.join(name), &bytes).unwrap();
        std::fs::write(dist.join(format!("{name}.br")), brotli(&bytes)).unwrap();
        std::fs::write(dist.join(format!("{name}.gz")), gzip(&bytes)).unwrap();
    }
    std::fs::write(dist.join(&SVG[1..]), original(SVG)).unwrap();
    std::fs::write(dist.join(&EMBED[1..]), original(EMBED)).unwrap();
    std::fs::write(dist.join("demo/index.html"), "<p>{not a placeholder}</p>").unwrap();
    dist
}

/// A server with the fixture folder as its static files and the escaped-name campaign.
async fn spawn() -> (TestApp, tempfile::TempDir) {
    let root = tempfile::tempdir().unwrap();
    let dist = fixture(root.path());
    let campaign = KR_CAMPAIGN.replacen(
        r#"ko = "코로나19 예방접종 사전예약 (2021년 7월)""#,
        r#"ko = "코로나19 <예방접종> & \"사전예약\"""#,
        1,
    );
    assert_ne!(
        campaign, KR_CAMPAIGN,
        "the fixture campaign renames the campaign"
    );
    let app = spawn_app_with(AppOptions {
        campaign,
        static_dir: Some(dist),
        ..AppOptions::default()
    })
    .await;
    (app, root)
}

/// `GET path` with `Accept-Encoding: accept` (none when `None`).
async fn get(app: &TestApp, path: &str, accept: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    if let Some(accept) = accept {
        request = request.header("accept-encoding", accept);
    }
    request.send().await.unwrap()
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().unwrap())
}

/// Status of `GET raw_path` sent byte for byte (a URL parser would resolve `..` first).
async fn raw_status(app: &TestApp, raw_path: &str) -> (u16, String) {
    let address = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request =
        format!("GET {raw_path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

#[tokio::test]
async fn the_encoding_follows_accept_encoding_and_decodes_to_the_file() {
    let (app, _root) = spawn().await;
    for path in [JS, WASM, CSS] {
        let bytes = original(path);
        for (accept, encoding) in [
            (Some("br"), Some("br")),
            (Some("gzip"), Some("gzip")),
            (Some("gzip, deflate, br, zstd"), Some("br")),
            (Some("br;q=0, gzip"), Some("gzip")),
            (Some("gzip;q=0.5, br;q=0.2"), Some("gzip")),
            (Some("br;q=0, gzip;q=0"), None),
            (Some("identity"), None),
            (None, None),
        ] {
            let response = get(&app, path, accept).await;
            assert_eq!(response.status(), 200, "{path} {accept:?}");
            assert_eq!(
                header(&response, "content-encoding"),
                encoding,
                "{path} {accept:?}"
            );
            let length: usize = header(&response, "content-length")
                .unwrap()
                .parse()
                .unwrap();
            let body = response.bytes().await.unwrap();
            assert_eq!(body.len(), length);
            let decoded = match encoding {
                Some("br") => unbrotli(&body),
                Some("gzip") => gunzip(&body),
                _ => body.to_vec(),
            };
            assert_eq!(decoded, bytes, "{path} {accept:?}");
        }
    }
    // A file with no precompressed sibling is sent as it is, whatever is accepted.
    let response = get(&app, SVG, Some("br, gzip")).await;
    assert_eq!(header(&response, "content-encoding"), None);
    assert_eq!(response.bytes().await.unwrap(), original(SVG));
}

#[tokio::test]
async fn hashed_files_are_immutable_and_the_rest_revalidates() {
    let (app, _root) = spawn().await;
    for path in [JS, WASM, CSS, SVG] {
        for accept in [Some("br"), Some("gzip"), None] {
            let response = get(&app, path, accept).await;
            assert_eq!(
                header(&response, "cache-control"),
                Some(IMMUTABLE),
                "{path}"
            );
        }
    }
    for path in ["/", "/index.html", "/booking/step-2", EMBED, "/demo/"] {
        let response = get(&app, path, Some("br")).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            header(&response, "cache-control"),
            Some("no-cache"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_partner_page_may_load_the_widget_s_files_but_not_read_its_pages() {
    let (app, _root) = spawn().await;
    for path in [JS, WASM, CSS, SVG, EMBED] {
        let response = get(&app, path, Some("br")).await;
        assert_eq!(
            header(&response, "access-control-allow-origin"),
            Some("*"),
            "{path}"
        );
    }
    for path in ["/", "/index.html", "/demo/"] {
        let response = get(&app, path, Some("br")).await;
        assert_eq!(
            header(&response, "access-control-allow-origin"),
            None,
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_type_comes_from_the_original_name_and_vary_is_set() {
    let (app, _root) = spawn().await;
    for (path, content_type) in [
        (WASM, "application/wasm"),
        (JS, "text/javascript; charset=utf-8"),
        (EMBED, "text/javascript; charset=utf-8"),
        (CSS, "text/css; charset=utf-8"),
        (SVG, "image/svg+xml"),
        ("/", "text/html; charset=utf-8"),
        ("/booking/step-2", "text/html; charset=utf-8"),
    ] {
        for accept in [Some("br"), Some("gzip"), None] {
            let response = get(&app, path, accept).await;
            assert_eq!(
                header(&response, "content-type"),
                Some(content_type),
                "{path} {accept:?}"
            );
            assert_eq!(
                header(&response, "vary"),
                Some("accept-encoding"),
                "{path} {accept:?}"
            );
            assert_eq!(header(&response, "x-content-type-options"), Some("nosniff"));
        }
    }
}

#[tokio::test]
async fn each_representation_has_its_own_strong_etag_and_a_match_is_304() {
    let (app, _root) = spawn().await;
    for path in [WASM, "/"] {
        let mut tags = Vec::new();
        for accept in ["br", "gzip", "identity"] {
            let response = get(&app, path, Some(accept)).await;
            let tag = header(&response, "etag").unwrap().to_owned();
            assert!(tag.starts_with('"') && tag.ends_with('"'), "strong: {tag}");
            tags.push((accept, tag));
        }
        assert_ne!(tags[0].1, tags[1].1, "{path}");
        assert_ne!(tags[1].1, tags[2].1, "{path}");
        assert_ne!(tags[0].1, tags[2].1, "{path}");
        // Stable across requests.
        let again = get(&app, path, Some("br")).await;
        assert_eq!(header(&again, "etag"), Some(tags[0].1.as_str()));

        for (accept, tag) in &tags {
            for if_none_match in [
                tag.clone(),
                format!("W/{tag}"),
                format!("\"other\", {tag}"),
                "*".to_owned(),
            ] {
                let response = app
                    .client
                    .get(app.url(path))
                    .header("accept-encoding", *accept)
                    .header("if-none-match", &if_none_match)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 304, "{path} {accept} {if_none_match}");
                assert_eq!(header(&response, "etag"), Some(tag.as_str()));
                assert_eq!(header(&response, "vary"), Some("accept-encoding"));
                assert!(header(&response, "cache-control").is_some());
                assert!(response.bytes().await.unwrap().is_empty());
            }
        }
        // The brotli tag does not match the gzip representation: that is sent in full.
        let response = app
            .client
            .get(app.url(path))
            .header("accept-encoding", "gzip")
            .header("if-none-match", &tags[0].1)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(header(&response, "content-encoding"), Some("gzip"));
    }
}

#[tokio::test]
async fn head_answers_the_headers_of_get_without_a_body() {
    let (app, _root) = spawn().await;
    for path in [WASM, "/"] {
        let full = get(&app, path, Some("br")).await;
        let full_length = header(&full, "content-length").unwrap().to_owned();
        let full_tag = header(&full, "etag").unwrap().to_owned();
        let head = app
            .client
            .head(app.url(path))
            .header("accept-encoding", "br")
            .send()
            .await
            .unwrap();
        assert_eq!(head.status(), 200, "{path}");
        assert_eq!(header(&head, "content-encoding"), Some("br"));
        assert_eq!(header(&head, "content-length"), Some(full_length.as_str()));
        assert_eq!(header(&head, "etag"), Some(full_tag.as_str()));
        assert!(head.bytes().await.unwrap().is_empty());
    }
    let post = app.client.post(app.url(JS)).send().await.unwrap();
    assert_eq!(post.status(), 405);
    assert_eq!(header(&post, "allow"), Some("GET, HEAD"));
}

#[tokio::test]
async fn the_page_carries_the_escaped_campaign_name_in_every_encoding() {
    let (app, _root) = spawn().await;
    let plain = get(&app, "/", None).await.text().await.unwrap();
    assert!(
        plain.contains(&format!("<title>{NAME_ESCAPED}</title>")),
        "{plain}"
    );
    assert!(plain.contains(&format!("<h1 class=\"fairline-title\">{NAME_ESCAPED}</h1>")));
    assert!(plain.contains(r#"data-campaign="kr-covid19-2021-07""#));
    // The campaign document, readable as JSON and unable to close its <script> (the name has
    // `<`, `>` and `&`), and the rehearsal flag as /v1/health has it.
    let json = plain
        .split_once(r#"<script type="application/json" id="fl-campaign">"#)
        .and_then(|(_, rest)| rest.split_once("</script>"))
        .map(|(json, _)| json)
        .unwrap();
    assert!(!json.contains(['<', '>', '&']), "{json}");
    let campaign: fairline_core::campaign::Campaign = serde_json::from_str(json).unwrap();
    assert_eq!(campaign.names.ko, NAME);
    assert_eq!(
        fairline_core::read::from_json::<fairline_core::campaign::Campaign>(json),
        Ok(campaign)
    );
    let health: fairline_core::wire::Health = app.get_json(&app.url("/v1/health")).await;
    assert!(plain.contains(&format!(r#"data-rehearsal="{}""#, health.rehearsal)));
    assert!(!plain.contains("{{") && !plain.contains(NAME), "{plain}");
    // Compressed at start-up from the filled page, not the build's stale siblings.
    let br = get(&app, "/", Some("br")).await;
    assert_eq!(header(&br, "content-encoding"), Some("br"));
    assert_eq!(unbrotli(&br.bytes().await.unwrap()), plain.as_bytes());
    let gz = get(&app, "/", Some("gzip")).await;
    assert_eq!(header(&gz, "content-encoding"), Some("gzip"));
    assert_eq!(gunzip(&gz.bytes().await.unwrap()), plain.as_bytes());
    // The SPA fallback is the same page.
    for path in ["/index.html", "/booking/step-2", "/kr-covid19-2021-07"] {
        let page = get(&app, path, None).await.text().await.unwrap();
        assert_eq!(page, plain, "{path}");
    }
    // A page without the placeholders is sent as it is.
    let demo = get(&app, "/demo/", None).await.text().await.unwrap();
    assert_eq!(demo, "<p>{not a placeholder}</p>");
}

#[tokio::test]
async fn unknown_files_api_paths_and_escapes_are_404_never_the_page_or_an_error() {
    let (app, _root) = spawn().await;
    for path in [
        "/fairline-widget-0000000000000000.js",
        "/missing.wasm",
        "/fairline-widget-eeb33ebe6b25ccb5.js.br",
        "/fairline-widget-eeb33ebe6b25ccb5_bg.wasm.gz",
        "/index.html.br",
        "/v1/nothing-here",
        "/v1",
        "/metrics/more",
    ] {
        let response = get(&app, path, Some("br")).await;
        assert_eq!(response.status(), 404, "{path}");
    }
    let long = format!("/{}", "a".repeat(8000));
    for raw in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/..%2Fsecret.txt",
        "/demo/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/demo/%2e%2e/%2e%2e/secret.txt",
        "//secret.txt",
        "/./index.html",
        "/%00",
        "/%ff%fe",
        "/%zz",
        long.as_str(),
    ] {
        let (status, answer) = raw_status(&app, raw).await;
        assert_eq!(status, 404, "{raw}: {answer}");
        assert!(!answer.contains("outside the static folder"), "{raw}");
    }
    // The API still answers beside the files.
    let health = get(&app, "/v1/health", None).await;
    assert_eq!(health.status(), 200);
}
