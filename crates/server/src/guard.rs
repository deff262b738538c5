//! Protection in front of the handlers: bounded concurrency per route class (503 +
//! `Retry-After` beyond it, never an unbounded queue), a per-client join rate limit (429 +
//! `Retry-After`) that trusts `X-Forwarded-For` only from a configured proxy, the partner-origin
//! allow-list (foreign origins get 403), and error counting for `/metrics`.

use std::{
    collections::HashMap,
    net::{IpAddr, SocketAddr},
    sync::{Arc, Mutex},
    time::Instant,
};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use tokio::sync::Semaphore;

use fairline_core::error::ErrorCode;

use crate::{config::Tuning, error::AppError, metrics::Metrics, AppState};

/// Seconds a shed client is told to wait.
pub const SHED_RETRY_AFTER_S: u32 = 2;
/// Most clients tracked by the join limiter before old entries are dropped.
const MAX_TRACKED_CLIENTS: usize = 100_000;

/// The classes whose concurrency is bounded separately, so a flood of joins never starves the
/// people already admitted.
#[derive(Debug, Clone, Copy)]
pub enum RouteClass {
    /// Cacheable reads.
    Read,
    /// Joins and eligibility checks.
    Join,
    /// Admitted users: admit, extend, book, lookup, cancel.
    Booking,
}

/// One semaphore per class.
pub struct RouteLimits {
    read: Arc<Semaphore>,
    join: Arc<Semaphore>,
    booking: Arc<Semaphore>,
}

impl RouteLimits {
    /// Bounds from the tuning.
    pub fn new(tuning: &Tuning) -> Self {
        Self {
            read: Arc::new(Semaphore::new(tuning.read_concurrency.max(1))),
            join: Arc::new(Semaphore::new(tuning.join_concurrency.max(1))),
            booking: Arc::new(Semaphore::new(tuning.booking_concurrency.max(1))),
        }
    }

    fn semaphore(&self, class: RouteClass) -> Arc<Semaphore> {
        match class {
            RouteClass::Read => self.read.clone(),
            RouteClass::Join => self.join.clone(),
            RouteClass::Booking => self.booking.clone(),
        }
    }
}

/// Middleware: run the request if its class has room, else 503 + `Retry-After` at once.
pub async fn bound_concurrency(
    State((state, class)): State<(AppState, RouteClass)>,
    request: Request,
    next: Next,
) -> Response {
    let Ok(_permit) = state.limits().semaphore(class).try_acquire_owned() else {
        Metrics::bump(&state.metrics().shed);
        return AppError::retry_later(ErrorCode::Overloaded, SHED_RETRY_AFTER_S).into_response();
    };
    next.run(request).await
}

/// A token bucket per client address.
pub struct JoinLimiter {
    burst: f64,
    refill_per_s: f64,
    trusted_proxy: Option<IpAddr>,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl JoinLimiter {
    /// From the tuning.
    pub fn new(tuning: &Tuning) -> Self {
        Self {
            burst: f64::from(tuning.join_burst.max(1)),
            refill_per_s: tuning.join_refill_per_s.max(0.001),
            trusted_proxy: tuning.trusted_proxy,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// The client: the peer, or the last `X-Forwarded-For` hop when the peer is the trusted proxy.
    pub fn client(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        if Some(peer) != self.trusted_proxy {
            return peer;
        }
        forwarded_for
            .and_then(|list| list.rsplit(',').next())
            .and_then(|hop| hop.trim().parse().ok())
            .unwrap_or(peer)
    }

    /// Takes one join from `client`'s bucket, or says how many seconds until one is available.
    pub fn take(&self, client: IpAddr) -> Result<(), u32> {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() >= MAX_TRACKED_CLIENTS {
            let now = Instant::now();
            let full_after = self.burst / self.refill_per_s;
            buckets.retain(|_, (_, seen)| now.duration_since(*seen).as_secs_f64() < full_after);
        }
        let now = Instant::now();
        let (tokens, seen) = buckets.entry(client).or_insert((self.burst, now));
        *tokens =
            (*tokens + now.duration_since(*seen).as_secs_f64() * self.refill_per_s).min(self.burst);
        *seen = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            let wait = ((1.0 - *tokens) / self.refill_per_s).ceil();
            Err(wait.clamp(1.0, 3600.0) as u32)
        }
    }
}

/// Middleware for joins: 429 + `Retry-After` when the client has joined too often.
pub async fn limit_joins(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let forwarded = request
        .headers()
        .get("x-forwarded-for")
        .and_then(|value| value.to_str().ok());
    let client = state.join_limiter().client(peer, forwarded);
    if let Err(wait) = state.join_limiter().take(client) {
        Metrics::bump(&state.metrics().shed);
        return AppError::retry_later(ErrorCode::TooManyJoins, wait).into_response();
    }
    next.run(request).await
}

/// Middleware: browsers on a foreign origin get 403; allowed partner origins get CORS headers
/// (and their preflights answered); tokens travel in headers, so no credentials are allowed.
pub async fn check_origin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(origin) = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
    else {
        return next.run(request).await;
    };
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let same_origin = origin == format!("http://{host}") || origin == format!("https://{host}");
    if same_origin {
        return next.run(request).await;
    }
    if !state.tuning().allowed_origins.contains(&origin) {
        return AppError::from(ErrorCode::OriginNotAllowed).into_response();
    }
    let preflight = request.method() == Method::OPTIONS;
    let mut response = if preflight {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&origin) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
    }
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("Retry-After, ETag, Fairline-Rules-Version"),
    );
    if preflight {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST, OPTIONS"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(
                "Authorization, Content-Type, Idempotency-Key, Fairline-Booking-Secret, If-None-Match",
            ),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
    }
    response
}

/// Middleware: counts error responses by their code.
pub async fn count_errors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if let Some(&code) = response.extensions().get::<ErrorCode>() {
        state.metrics().count_error(code);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_trusted_only_from_the_configured_proxy() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let limiter = JoinLimiter::new(&Tuning {
            trusted_proxy: Some(proxy),
            ..Tuning::default()
        });
        let stranger: IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!(limiter.client(stranger, Some("198.51.100.1")), stranger);
        assert_eq!(
            limiter.client(proxy, Some("203.0.113.9, 198.51.100.1")),
            "198.51.100.1".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn the_bucket_allows_a_burst_then_says_how_long_to_wait() {
        let limiter = JoinLimiter::new(&Tuning {
            join_burst: 3,
            join_refill_per_s: 0.5,
            ..Tuning::default()
        });
        let client: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..3 {
            assert_eq!(limiter.take(client), Ok(()));
        }
        assert_eq!(limiter.take(client), Err(2));
        assert_eq!(limiter.take("192.0.2.2".parse().unwrap()), Ok(()));
    }
}
