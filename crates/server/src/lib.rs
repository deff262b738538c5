//! Fairline's reference server: the waiting room, admission and bookings, over HTTP (axum).
//!
//! [`app`] builds the whole router from an [`AppState`], so tests serve it on `127.0.0.1:0` and
//! talk to it over real HTTP exactly as the widget does.

pub mod cli;
pub mod error;
pub mod routes;
pub mod state;
pub mod telemetry;

use std::path::Path;

use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

pub use state::AppState;

/// The API router for `state`, without static files.
pub fn app(state: AppState) -> Router {
    routes::api().with_state(state)
}

/// The API router plus the built widget served from `static_dir` (with `index.html` for `/`).
pub fn app_with_static(state: AppState, static_dir: &Path) -> Router {
    let index = ServeFile::new(static_dir.join("index.html"));
    app(state).fallback_service(ServeDir::new(static_dir).fallback(index))
}
