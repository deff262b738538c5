//! Fairline's reference server: the waiting room, admission and bookings, over HTTP (axum).
//!
//! [`app`] builds the whole router from an [`AppState`], and [`serve`] runs it with client
//! addresses attached, so tests serve it on `127.0.0.1:0` and talk to it over real HTTP exactly
//! as the widget does.

pub mod cli;
pub mod clock;
pub mod config;
pub mod embed_page;
pub mod error;
pub mod extract;
pub mod guard;
pub mod identity;
pub mod metrics;
pub mod queue;
pub mod routes;
pub mod signing;
pub mod state;
pub mod static_files;
pub mod store;
pub mod telemetry;

use std::{net::SocketAddr, path::Path, sync::Arc};

use axum::{extract::Request, Router};

pub use state::{AppState, CampaignScope};

/// The API router for `state`, without static files.
pub fn app(state: AppState) -> Router {
    routes::api(state)
}

/// The API router plus the built widget in `static_dir`, read into memory now and served as
/// [`static_files`] describes (`index.html` for `/` and for unknown page paths), and the iframe
/// page [`embed_page`] describes at `/embed/{campaign}`. Fails when the folder cannot be read.
pub fn app_with_static(state: AppState, static_dir: &Path) -> anyhow::Result<Router> {
    let values = static_files::PageValues::of(state.campaign(), state.queue().is_rehearsal());
    let files = Arc::new(static_files::StaticFiles::load(static_dir, &values)?);
    if !files.has_index() {
        tracing::warn!(
            folder = %static_dir.display(),
            "the static folder has no index.html: `/` answers 404"
        );
    }
    let template = std::fs::read(static_dir.join("index.html")).unwrap_or_default();
    let frames = Router::new()
        .route("/embed/{campaign_id}", axum::routing::get(embed_page::page))
        .with_state(embed_page::EmbedPages {
            template: Arc::new(template),
            state: state.clone(),
        });
    Ok(app(state).merge(frames).fallback(move |request: Request| {
        let files = Arc::clone(&files);
        async move { files.respond(&request) }
    }))
}

/// Serves `router` on `listener` until `shutdown` resolves, giving handlers the peer address.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
