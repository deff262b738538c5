//! A scripted [`Transport`] for component tests: canned answers per route, and a log of every
//! request the widget sent. Test-only: the tests include it with `#[path]`, it is not shipped.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use fairline_core::error::{ApiError, ErrorCode};
use fairline_widget::api::{HttpRequest, HttpResponse, LocalFuture, Method, Transport};

#[derive(Debug, Default)]
struct Script {
    routes: Vec<(Method, String, VecDeque<Option<HttpResponse>>)>,
    log: Vec<HttpRequest>,
}

/// Answers requests from a script; the last answer of a route repeats. An answer of `None`
/// is a network failure. Unknown routes get a 404 in the API's error shape.
#[derive(Debug, Clone, Default)]
pub struct FakeTransport {
    script: Arc<Mutex<Script>>,
}

impl FakeTransport {
    /// An empty script.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds answers for `method path` (the path without query), used in order.
    pub fn on(&self, method: Method, path: &str, answers: Vec<Option<HttpResponse>>) -> &Self {
        if let Ok(mut script) = self.script.lock() {
            script
                .routes
                .push((method, path.to_owned(), answers.into_iter().collect()));
        }
        self
    }

    /// Adds a JSON answer that always repeats.
    pub fn json(&self, method: Method, path: &str, status: u16, body: &str) -> &Self {
        self.on(
            method,
            path,
            vec![Some(HttpResponse::json(status, body.to_owned()))],
        )
    }

    /// Every request sent so far.
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.script
            .lock()
            .map(|script| script.log.clone())
            .unwrap_or_default()
    }

    /// How many requests went to `method path`.
    pub fn count(&self, method: Method, path: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.method == method && r.path == path)
            .count()
    }

    fn answer(&self, request: HttpRequest) -> Option<HttpResponse> {
        let Ok(mut script) = self.script.lock() else {
            return None;
        };
        script.log.push(request.clone());
        let route = script
            .routes
            .iter_mut()
            .find(|(method, path, _)| *method == request.method && *path == request.path);
        match route {
            Some((_, _, answers)) if answers.len() > 1 => answers.pop_front().flatten(),
            Some((_, _, answers)) => answers.front().cloned().flatten(),
            None => Some(HttpResponse::json(
                404,
                serde_json::to_string(&ApiError::new(ErrorCode::Unknown)).unwrap_or_default(),
            )),
        }
    }
}

impl Transport for FakeTransport {
    fn send(&self, request: HttpRequest) -> LocalFuture<Result<HttpResponse, ()>> {
        let answer = self.answer(request);
        Box::pin(async move { answer.ok_or(()) })
    }
}
