//! Fairline's reference server: the waiting room, admission and bookings, over HTTP (axum).
//!
//! [`app`] builds the whole router from an [`AppState`], and [`serve`] runs it with client
//! addresses attached, so tests serve it on `127.0.0.1:0` and talk to it over real HTTP exactly
//! as the widget does.

pub mod cli;
pub mod clock;
pub mod config;
pub mod error;
pub mod extract;
pub mod guard;
pub mod identity;
pub mod metrics;
pub mod queue;
pub mod routes;
pub mod signing;
pub mod state;
pub mod store;
pub mod telemetry;

use std::{net::SocketAddr, path::Path};

use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

pub use state::AppState;

/// The API router for `state`, without static files.
pub fn app(state: AppState) -> Router {
    routes::api(state)
}

/// The API router plus the built widget served from `static_dir` (with `index.html` for `/`).
pub fn app_with_static(state: AppState, static_dir: &Path) -> Router {
    let index = ServeFile::new(static_dir.join("index.html"));
    app(state).fallback_service(ServeDir::new(static_dir).fallback(index))
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
