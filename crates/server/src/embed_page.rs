//! `GET /embed/{campaign}`: the widget's page for partner portals that allow no third-party
//! script and frame it instead (`<iframe src="https://book.example/embed/kr-covid19-2021-07?parent=https://partner.example&locale=ko">`).
//!
//! The page is `index.html` filled for that campaign, plus what the query asked for once checked:
//! `locale` (`ko`, `en`), `mode` (`standard`, `simple`), `theme` (`light`, `dark`, `auto`) and
//! `parent`, kept only when it is one of the `--allow-origin` origins (the widget then talks to
//! that origin alone with `postMessage`). `Content-Security-Policy: frame-ancestors` lists only
//! the server's own origin and the allowed partner origins, so no other page can frame it.

use axum::{
    extract::{Path, Query, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use crate::{
    static_files::{fill_placeholders, PageValues},
    AppState,
};

/// The page template and the server state it is filled from.
#[derive(Clone)]
pub struct EmbedPages {
    /// `index.html` as built, placeholders unfilled.
    pub template: std::sync::Arc<Vec<u8>>,
    /// The server's state (campaigns, allowed origins).
    pub state: AppState,
}

/// The query a partner's iframe URL may carry; anything unknown or invalid is left out.
#[derive(Debug, Default, Deserialize)]
pub struct EmbedQuery {
    locale: Option<String>,
    mode: Option<String>,
    theme: Option<String>,
    parent: Option<String>,
}

/// `value` when it is one of `allowed`, else empty.
fn one_of(value: Option<&str>, allowed: &[&str]) -> String {
    value
        .filter(|value| allowed.contains(value))
        .unwrap_or_default()
        .to_owned()
}

/// The `frame-ancestors` policy: this origin and the allowed partner origins.
pub fn frame_ancestors(allowed_origins: &[String]) -> String {
    let mut policy = String::from("frame-ancestors 'self'");
    for origin in allowed_origins {
        policy.push(' ');
        policy.push_str(origin);
    }
    policy
}

/// `GET /embed/{campaign}`: the filled page, or 404 for an unknown campaign.
pub async fn page(
    State(pages): State<EmbedPages>,
    Path(campaign_id): Path<String>,
    Query(query): Query<EmbedQuery>,
) -> Response {
    let state = &pages.state;
    let Some(scope) = state.scope(&campaign_id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let allowed = &state.tuning().allowed_origins;
    let parent = query
        .parent
        .filter(|parent| allowed.contains(parent))
        .unwrap_or_default();
    let mut values = PageValues::of(scope.campaign(), state.queue().is_rehearsal());
    values.embed = [
        one_of(query.locale.as_deref(), &["ko", "en"]),
        one_of(query.mode.as_deref(), &["standard", "simple"]),
        one_of(query.theme.as_deref(), &["light", "dark", "auto"]),
        parent,
    ];
    let body = fill_placeholders(&pages.template, &values);
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(policy) = HeaderValue::from_str(&frame_ancestors(allowed)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::{frame_ancestors, one_of};

    #[test]
    fn only_known_values_and_listed_origins_are_kept() {
        assert_eq!(one_of(Some("ko"), &["ko", "en"]), "ko");
        assert_eq!(one_of(Some("<script>"), &["ko", "en"]), "");
        assert_eq!(one_of(None, &["ko", "en"]), "");
        assert_eq!(
            frame_ancestors(&["https://a.example".into(), "https://b.example".into()]),
            "frame-ancestors 'self' https://a.example https://b.example"
        );
        assert_eq!(frame_ancestors(&[]), "frame-ancestors 'self'");
    }
}
