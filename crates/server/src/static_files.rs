//! The built widget (`serve --static DIR`), served from memory the way a CDN would: hashed files
//! cached for a year as immutable, HTML revalidated on every load, the build's precompressed
//! `.br`/`.gz` sibling chosen by `Accept-Encoding`, a strong `ETag` per representation, and the
//! campaign's name written into the HTML so the page paints before the wasm runs.
//!
//! The whole folder is read once at start-up (the widget is well under a few MB), so a request
//! is a map look-up: no file system access, no path ever joined onto the folder, and so no way
//! for `..`, an encoded slash or an odd byte to reach a file that was not loaded. Unknown paths
//! that look like pages (no `.` in their last segment) get `index.html` (the SPA fallback);
//! unknown files, API paths and anything malformed get a plain 404.
//!
//! The `NAME.br` / `NAME.gz` files beside `NAME` are representations of `NAME`, not pages of
//! their own: a request for `/NAME.br` is a 404. HTML is compressed here at start-up (brotli
//! and gzip) rather than taken from the build, because the placeholders [`CAMPAIGN_NAME`] and
//! [`CAMPAIGN_ID`] are replaced first.

use std::{
    collections::HashMap,
    fmt::Write as _,
    io::{self, Write as _},
    path::Path,
    sync::Arc,
};

use anyhow::Context;
use axum::{
    body::{Body, Bytes},
    extract::Request,
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    response::Response,
};
use sha2::{Digest, Sha256};

/// In an HTML file, replaced by the campaign's name (HTML-escaped) in its default language (the
/// other language's when that one is empty).
pub const CAMPAIGN_NAME: &str = "{{campaign_name}}";
/// In an HTML file, replaced by the tag of the campaign's default language (`ko`, `en`): the
/// page's `lang` before the widget picks the citizen's language.
pub const LOCALE: &str = "{{locale}}";
/// In an HTML file, replaced by the campaign's id (HTML-escaped).
pub const CAMPAIGN_ID: &str = "{{campaign_id}}";
/// In an HTML file, replaced by the campaign document as JSON, safe inside a `<script
/// type="application/json">` (every `<`, `>` and `&` escaped): the widget starts from it instead
/// of fetching the campaign, one round trip less before the first screen.
pub const CAMPAIGN_JSON: &str = "{{campaign_json}}";
/// In an HTML file, replaced by `true` when the server runs a rehearsal clock, else `false`: the
/// widget shows the rehearsal notice from its first frame (nothing moves when it learns it).
pub const REHEARSAL: &str = "{{rehearsal}}";

/// `Cache-Control` of a file whose name carries its content hash.
/// In an HTML file, replaced by what a partner's iframe asked for (`/embed/{campaign}`'s
/// checked query: `locale`, `mode`, `theme` and the allowed `parent` origin); empty elsewhere.
pub const EMBED_PLACEHOLDERS: [&str; 4] = [
    "{{embed_locale}}",
    "{{embed_mode}}",
    "{{embed_theme}}",
    "{{embed_parent}}",
];
/// Cache policy of content-hashed files.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of every other file (HTML, `embed.js`): revalidate with the `ETag` each time.
pub const REVALIDATE: &str = "no-cache";

/// Longest request path considered at all; longer is a 404.
const MAX_PATH_BYTES: usize = 1024;
/// Deepest folder nesting read from the static folder.
const MAX_DEPTH: usize = 8;
/// Paths that belong to the API: never the SPA fallback.
const API_PREFIXES: [&str; 2] = ["v1", "metrics"];

/// What the HTML placeholders are replaced with.
#[derive(Debug, Clone)]
pub struct PageValues {
    /// The campaign's name in its default language.
    pub campaign_name: String,
    /// The tag of the language of [`PageValues::campaign_name`].
    pub locale: String,
    /// The campaign's id.
    pub campaign_id: String,
    /// The campaign document as JSON, escaped for a `<script>` element.
    pub campaign_json: String,
    /// Whether the server runs a rehearsal clock.
    pub rehearsal: bool,
    /// The values of [`EMBED_PLACEHOLDERS`], in order (empty outside `/embed/…`).
    pub embed: [String; 4],
}

impl PageValues {
    /// The values of `campaign`: its name in its default language (the other language's when
    /// that one is empty), that language, its document, and whether the clock is a rehearsal's.
    pub fn of(campaign: &fairline_core::campaign::Campaign, rehearsal: bool) -> Self {
        use fairline_core::locale::Locale;
        let default = campaign.default_locale;
        let locale = match campaign.names.get(default).trim() {
            "" => Locale::ALL
                .into_iter()
                .find(|l| *l != default)
                .unwrap_or(default),
            _ => default,
        };
        Self {
            campaign_name: campaign.names.get(locale).to_owned(),
            locale: locale.tag().to_owned(),
            campaign_id: campaign.id.clone(),
            campaign_json: script_json(&serde_json::to_string(campaign).unwrap_or_default()),
            rehearsal,
            embed: Default::default(),
        }
    }
}

/// JSON text that cannot end or open anything inside a `<script>` element: `<`, `>` and `&`
/// written as `\u` escapes (only inside strings can they occur, where the escape reads the same).
pub fn script_json(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// A content coding a representation is stored in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coding {
    Brotli,
    Gzip,
    Identity,
}

impl Coding {
    /// The `Content-Encoding` value, if any.
    fn header(self) -> Option<HeaderValue> {
        match self {
            Self::Brotli => Some(HeaderValue::from_static("br")),
            Self::Gzip => Some(HeaderValue::from_static("gzip")),
            Self::Identity => None,
        }
    }
}

/// One stored form of a file's bytes.
#[derive(Debug, Clone)]
struct Representation {
    body: Bytes,
    etag: HeaderValue,
}

impl Representation {
    fn new(body: Vec<u8>) -> Self {
        let digest = Sha256::digest(&body);
        let mut etag = String::with_capacity(34);
        etag.push('"');
        for byte in &digest[..16] {
            let _ = write!(etag, "{byte:02x}");
        }
        etag.push('"');
        Self {
            body: Bytes::from(body),
            etag: HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\"")),
        }
    }
}

/// A file, its headers and its representations.
#[derive(Debug)]
struct Asset {
    content_type: HeaderValue,
    cache_control: HeaderValue,
    /// Compressible by type: its answer depends on `Accept-Encoding`.
    vary: bool,
    identity: Representation,
    brotli: Option<Representation>,
    gzip: Option<Representation>,
}

impl Asset {
    /// The representation for `accept_encoding` (br preferred, then gzip, else identity).
    fn choose(&self, accept_encoding: Option<&str>) -> (Coding, &Representation) {
        let accepted = accept_encoding
            .map(AcceptEncoding::parse)
            .unwrap_or_default();
        let mut best: Option<(f32, Coding, &Representation)> = None;
        for (coding, representation) in [
            (Coding::Brotli, self.brotli.as_ref()),
            (Coding::Gzip, self.gzip.as_ref()),
        ] {
            let (Some(representation), Some(q)) = (representation, accepted.quality(coding)) else {
                continue;
            };
            // Ties go to the earlier (smaller) coding.
            if q > 0.0 && best.is_none_or(|(best_q, _, _)| q > best_q) {
                best = Some((q, coding, representation));
            }
        }
        match best {
            Some((_, coding, representation)) => (coding, representation),
            None => (Coding::Identity, &self.identity),
        }
    }
}

/// The qualities a request's `Accept-Encoding` gives.
#[derive(Debug, Default)]
struct AcceptEncoding {
    brotli: Option<f32>,
    gzip: Option<f32>,
    any: Option<f32>,
}

impl AcceptEncoding {
    fn parse(header: &str) -> Self {
        let mut accepted = Self::default();
        for item in header.split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let mut q = Some(1.0_f32);
            for parameter in parts {
                if let Some((key, value)) = parameter.split_once('=') {
                    if key.trim().eq_ignore_ascii_case("q") {
                        q = value
                            .trim()
                            .parse::<f32>()
                            .ok()
                            .filter(|q| (0.0..=1.0).contains(q));
                    }
                }
            }
            // An unreadable weight drops the item, as if it had not been sent.
            let Some(q) = q else { continue };
            match coding.as_str() {
                "br" => accepted.brotli = Some(q),
                "gzip" | "x-gzip" => accepted.gzip = Some(q),
                "*" => accepted.any = Some(q),
                _ => {}
            }
        }
        accepted
    }

    /// The weight of `coding`: its own, else `*`'s, else not accepted.
    fn quality(&self, coding: Coding) -> Option<f32> {
        let own = match coding {
            Coding::Brotli => self.brotli,
            Coding::Gzip => self.gzip,
            Coding::Identity => return Some(1.0),
        };
        own.or(self.any)
    }
}

/// The built widget, in memory.
#[derive(Debug, Default)]
pub struct StaticFiles {
    files: HashMap<String, Arc<Asset>>,
}

impl StaticFiles {
    /// Reads every file under `dir`, pairs each with its `.br` / `.gz` siblings, fills the
    /// placeholders of HTML files and compresses those. Fails only when `dir` cannot be read.
    pub fn load(dir: &Path, values: &PageValues) -> anyhow::Result<Self> {
        let mut raw = HashMap::new();
        read_folder(dir, "", 0, &mut raw)
            .with_context(|| format!("cannot read the static folder {}", dir.display()))?;
        let mut files = HashMap::new();
        for (key, bytes) in &raw {
            if let Some(original) = key.strip_suffix(".br").or_else(|| key.strip_suffix(".gz")) {
                if raw.contains_key(original) {
                    continue; // A representation of `original`, not a file of its own.
                }
            }
            let name = key.rsplit('/').next().unwrap_or(key);
            let (content_type, compressible) = content_type(name);
            let cache_control = if is_hashed(name) {
                IMMUTABLE
            } else {
                REVALIDATE
            };
            let asset = if content_type.starts_with("text/html") {
                let page = fill_placeholders(bytes, values);
                Asset {
                    brotli: smaller(brotli(&page), page.len()),
                    gzip: smaller(gzip(&page), page.len()),
                    identity: Representation::new(page),
                    content_type: HeaderValue::from_static(content_type),
                    cache_control: HeaderValue::from_static(cache_control),
                    vary: compressible,
                }
            } else {
                let sibling = |suffix: &str| {
                    let compressed = raw.get(&format!("{key}{suffix}")).cloned();
                    compressed.and_then(|compressed| smaller(Ok(compressed), bytes.len()))
                };
                Asset {
                    brotli: sibling(".br"),
                    gzip: sibling(".gz"),
                    identity: Representation::new(bytes.clone()),
                    content_type: HeaderValue::from_static(content_type),
                    cache_control: HeaderValue::from_static(cache_control),
                    vary: compressible,
                }
            };
            files.insert(key.clone(), Arc::new(asset));
        }
        Ok(Self { files })
    }

    /// True when the folder had an `index.html` at its top.
    pub fn has_index(&self) -> bool {
        self.files.contains_key("index.html")
    }

    /// The answer to `request`: the file, `304`, the SPA fallback, `405` or `404`.
    pub fn respond(&self, request: &Request) -> Response {
        let Some(asset) = self.find(request.uri().path()) else {
            return plain(StatusCode::NOT_FOUND);
        };
        let method = request.method();
        if method != Method::GET && method != Method::HEAD {
            let mut response = plain(StatusCode::METHOD_NOT_ALLOWED);
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return response;
        }
        let headers = request.headers();
        let accept_encoding = headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|value| value.to_str().ok());
        let (coding, representation) = asset.choose(accept_encoding);

        let mut response = Response::new(Body::empty());
        let out = response.headers_mut();
        out.insert(header::ETAG, representation.etag.clone());
        out.insert(header::CACHE_CONTROL, asset.cache_control.clone());
        // The widget's files are public and credential-free: a partner's page on another origin
        // loads `embed.js`, the glue module, the wasm and the stylesheet from here.
        if !asset.content_type.as_bytes().starts_with(b"text/html") {
            out.insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            );
        }
        if asset.vary {
            out.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        if none_match(headers, &representation.etag) {
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            return response;
        }
        out.insert(header::CONTENT_TYPE, asset.content_type.clone());
        out.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        if let Some(encoding) = coding.header() {
            out.insert(header::CONTENT_ENCODING, encoding);
        }
        out.insert(
            header::CONTENT_LENGTH,
            HeaderValue::from(representation.body.len()),
        );
        if method == Method::GET {
            *response.body_mut() = Body::from(representation.body.clone());
        }
        response
    }

    /// The file a request path names, `index.html` for a page route, or `None`.
    fn find(&self, path: &str) -> Option<&Arc<Asset>> {
        let key = key_of(path)?;
        if let Some(asset) = self.files.get(&key) {
            return Some(asset);
        }
        let folder = key.trim_end_matches('/');
        let first = folder.split('/').next().unwrap_or("");
        if API_PREFIXES.contains(&first) {
            return None;
        }
        let index = if folder.is_empty() {
            "index.html".to_owned()
        } else {
            format!("{folder}/index.html")
        };
        if let Some(asset) = self.files.get(&index) {
            return Some(asset);
        }
        let last = folder.rsplit('/').next().unwrap_or("");
        if last.contains('.') {
            None // A file that is not there: never answer a script or an image with HTML.
        } else {
            self.files.get("index.html")
        }
    }
}

/// The map key a request path names (segments percent-decoded, joined by `/`, no leading
/// `/`), or `None` when the path is too long or malformed: an empty, `.` or `..` segment inside
/// it, an encoded `/` or `\`, a control character, a broken `%` escape, invalid UTF-8.
fn key_of(path: &str) -> Option<String> {
    if path.len() > MAX_PATH_BYTES {
        return None;
    }
    let rest = path.strip_prefix('/')?;
    let segments: Vec<&str> = rest.split('/').collect();
    let mut key = String::with_capacity(rest.len());
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        if !well_escaped(segment) {
            return None;
        }
        let decoded = percent_encoding::percent_decode_str(segment)
            .decode_utf8()
            .ok()?;
        let malformed = (decoded.is_empty() && !last)
            || decoded == "."
            || decoded == ".."
            || decoded
                .chars()
                .any(|c| c == '/' || c == '\\' || c.is_control());
        if malformed {
            return None;
        }
        if i > 0 {
            key.push('/');
        }
        key.push_str(&decoded);
    }
    Some(key)
}

/// True when every `%` in `segment` starts an escape of two hex digits.
fn well_escaped(segment: &str) -> bool {
    let bytes = segment.as_bytes();
    bytes.iter().enumerate().all(|(at, &byte)| {
        byte != b'%'
            || bytes
                .get(at + 1..at + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    })
}

/// True when `If-None-Match` names `etag` (weak comparison, as for `GET`) or is `*`.
fn none_match(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let etag = etag.as_bytes();
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag).as_bytes() == etag)
}

/// A response with no body.
fn plain(status: StatusCode) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
}

/// True for Trunk's content-hashed names: `-` and 16 lower-case hex digits, then `.` or
/// `_bg.` (`fairline-widget-eeb33ebe6b25ccb5_bg.wasm`, `styles-ab1e1dcfd0ab22d4.css`).
pub fn is_hashed(name: &str) -> bool {
    name.match_indices('-').any(|(at, _)| {
        let rest = &name[at + 1..];
        rest.len() > 16
            && rest.as_bytes()[..16]
                .iter()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
            && (rest[16..].starts_with('.') || rest[16..].starts_with("_bg."))
    })
}

/// The `Content-Type` of a file name, and whether that type is worth compressing.
fn content_type(name: &str) -> (&'static str, bool) {
    let extension = name
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => ("text/html; charset=utf-8", true),
        "js" | "mjs" => ("text/javascript; charset=utf-8", true),
        "css" => ("text/css; charset=utf-8", true),
        "wasm" => ("application/wasm", true),
        "svg" => ("image/svg+xml", true),
        "json" | "map" => ("application/json", true),
        "webmanifest" => ("application/manifest+json", true),
        "txt" | "sri" => ("text/plain; charset=utf-8", true),
        "xml" => ("application/xml", true),
        "ico" => ("image/x-icon", true),
        "png" => ("image/png", false),
        "jpg" | "jpeg" => ("image/jpeg", false),
        "webp" => ("image/webp", false),
        "avif" => ("image/avif", false),
        "woff2" => ("font/woff2", false),
        "woff" => ("font/woff", false),
        "br" => ("application/x-brotli", false),
        "gz" => ("application/gzip", false),
        _ => ("application/octet-stream", false),
    }
}

/// `page` with the placeholders replaced; unchanged when it has none.
pub fn fill_placeholders(page: &[u8], values: &PageValues) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(page) else {
        return page.to_vec();
    };
    if ![CAMPAIGN_NAME, CAMPAIGN_ID, CAMPAIGN_JSON, REHEARSAL, LOCALE]
        .iter()
        .chain(&EMBED_PLACEHOLDERS)
        .any(|placeholder| text.contains(placeholder))
    {
        return page.to_vec();
    }
    let mut text = text.to_owned();
    for (placeholder, value) in EMBED_PLACEHOLDERS.iter().zip(&values.embed) {
        text = text.replace(placeholder, &escape_html(value));
    }
    // The JSON goes in last, so a placeholder written inside the campaign is never replaced.
    text.replace(CAMPAIGN_NAME, &escape_html(&values.campaign_name))
        .replace(CAMPAIGN_ID, &escape_html(&values.campaign_id))
        .replace(LOCALE, &escape_html(&values.locale))
        .replace(REHEARSAL, if values.rehearsal { "true" } else { "false" })
        .replace(CAMPAIGN_JSON, &values.campaign_json)
        .into_bytes()
}

/// `text` safe inside HTML text and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// `compressed` as a representation, if it is smaller than the original's `original_len`
/// bytes (otherwise sending it gains nothing).
fn smaller(compressed: io::Result<Vec<u8>>, original_len: usize) -> Option<Representation> {
    compressed
        .ok()
        .filter(|compressed| compressed.len() < original_len)
        .map(Representation::new)
}

/// `bytes` in brotli at the highest quality (HTML is small: this is quick).
fn brotli(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    Ok(out)
}

/// `bytes` in gzip at the highest level.
fn gzip(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    encoder.finish()
}

/// Reads the files under `dir` into `into`, keyed by their `/`-joined path below the top.
/// Names that are not UTF-8 are skipped (no request could name them).
fn read_folder(
    dir: &Path,
    prefix: &str,
    depth: usize,
    into: &mut HashMap<String, Vec<u8>>,
) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        let key = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let path = entry.path();
        let metadata = std::fs::metadata(&path)?;
        if metadata.is_dir() {
            if depth < MAX_DEPTH {
                read_folder(&path, &key, depth + 1, into)?;
            }
        } else if metadata.is_file() {
            into.insert(key, std::fs::read(&path)?);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use axum::{
        body::Body,
        http::{Request, StatusCode},
    };
    use proptest::{prelude::*, test_runner::TestRunner};

    use super::{escape_html, is_hashed, key_of, AcceptEncoding, Coding, PageValues, StaticFiles};

    fn files() -> (tempfile::TempDir, StaticFiles) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("demo")).unwrap();
        std::fs::write(dir.path().join("index.html"), "<h1>{{campaign_name}}</h1>").unwrap();
        std::fs::write(dir.path().join("demo/index.html"), "<p>demo</p>").unwrap();
        std::fs::write(dir.path().join("app-0123456789abcdef.js"), "x".repeat(100)).unwrap();
        std::fs::write(dir.path().join("app-0123456789abcdef.js.gz"), "short").unwrap();
        let values = PageValues {
            campaign_name: "<Name>".into(),
            locale: "en".into(),
            campaign_id: "id".into(),
            embed: Default::default(),
            campaign_json: "{}".into(),
            rehearsal: false,
        };
        let files = StaticFiles::load(dir.path(), &values).unwrap();
        (dir, files)
    }

    /// Whatever the path and headers, the answer is a file, the page, 304 or 404: never a
    /// panic, never a server error.
    #[test]
    fn any_request_is_answered_without_an_error() {
        let (_dir, files) = files();
        let segment = "/|\\.\\.?|%2[eEfF]|%5[cC]|%[0-9a-fA-F]{2}|%|[a-z0-9_-]{1,8}|[!-~]";
        let strategy = (
            proptest::string::string_regex(&format!("/({segment}){{0,40}}")).unwrap(),
            "[ -~]{0,40}",
            "[ -~]{0,40}",
            any::<bool>(),
        );
        let mut runner = TestRunner::new(ProptestConfig::with_cases(500));
        runner
            .run(&strategy, |(path, accept, if_none_match, head)| {
                let request = Request::builder()
                    .method(if head { "HEAD" } else { "GET" })
                    .uri(&path)
                    .header("accept-encoding", &accept)
                    .header("if-none-match", &if_none_match)
                    .body(Body::empty());
                if let Ok(request) = request {
                    let status = files.respond(&request).status();
                    prop_assert!(
                        [
                            StatusCode::OK,
                            StatusCode::NOT_MODIFIED,
                            StatusCode::NOT_FOUND
                        ]
                        .contains(&status),
                        "{path}: {status}"
                    );
                }
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn trunk_hashed_names_are_recognised_and_others_are_not() {
        for hashed in [
            "fairline-widget-eeb33ebe6b25ccb5.js",
            "fairline-widget-eeb33ebe6b25ccb5_bg.wasm",
            "styles-ab1e1dcfd0ab22d4.css",
            "favicon-0123456789abcdef.svg",
        ] {
            assert!(is_hashed(hashed), "{hashed}");
        }
        for plain in [
            "index.html",
            "embed.js",
            "fairline-widget.js",
            "styles-AB1E1DCFD0AB22D4.css",
            "styles-ab1e1dcfd0ab22d.css",
            "styles-ab1e1dcfd0ab22d4x.css",
            "styles-ab1e1dcfd0ab22d4",
        ] {
            assert!(!is_hashed(plain), "{plain}");
        }
    }

    #[test]
    fn accept_encoding_weights_are_read_and_zero_refuses() {
        let q = |header: &str, coding| AcceptEncoding::parse(header).quality(coding);
        assert_eq!(q("gzip, deflate, br, zstd", Coding::Brotli), Some(1.0));
        assert_eq!(q("br;q=0, gzip", Coding::Brotli), Some(0.0));
        assert_eq!(q("br;q=0, gzip", Coding::Gzip), Some(1.0));
        assert_eq!(q("*;q=0.5", Coding::Gzip), Some(0.5));
        assert_eq!(q("BR ; Q=0.2", Coding::Brotli), Some(0.2));
        assert_eq!(q("br;q=high", Coding::Brotli), None);
        assert_eq!(q("", Coding::Gzip), None);
    }

    #[test]
    fn request_paths_become_keys_or_nothing() {
        assert_eq!(key_of("/").as_deref(), Some(""));
        assert_eq!(key_of("/a/b.js").as_deref(), Some("a/b.js"));
        assert_eq!(key_of("/demo/").as_deref(), Some("demo/"));
        assert_eq!(key_of("/%61.js").as_deref(), Some("a.js"));
        for bad in [
            "",
            "/../etc/passwd",
            "/a/../b",
            "/%2e%2e/x",
            "/a%2fb",
            "/a%5cb",
            "/a//b",
            "/./a",
            "/a%00",
            "/%ff",
            "/%zz",
            "/a%2",
        ] {
            assert_eq!(key_of(bad), None, "{bad}");
        }
        assert_eq!(key_of(&format!("/{}", "a".repeat(2000))), None);
    }

    #[test]
    fn html_escaping_covers_text_and_attributes() {
        assert_eq!(
            escape_html(r#"<b>"K&K's"</b>"#),
            "&lt;b&gt;&quot;K&amp;K&#39;s&quot;&lt;/b&gt;"
        );
    }
}
