//! Prometheus counters: requests shed, bookings, admissions, errors by code; queue gauges are
//! read from the queue when `/metrics` is scraped.

use fairline_core::error::ErrorCode;
use std::{
    collections::BTreeMap,
    fmt::Write,
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex,
    },
};

/// Counters since start.
#[derive(Default)]
pub struct Metrics {
    /// Requests answered 503/429 by overload protection.
    pub shed: AtomicU64,
    /// Bookings written.
    pub bookings: AtomicU64,
    /// Admissions issued.
    pub admissions: AtomicU64,
    /// Tickets issued (first joins).
    pub joins: AtomicU64,
    /// `GET …/queue/state` requests answered (200 or 304): what a cache in front saves.
    pub queue_state_requests: AtomicU64,
    errors: Mutex<BTreeMap<&'static str, u64>>,
}

/// One queue's gauges: (waiting, admitted_through, rate, active admissions, paused, leading
/// admission), as [`crate::queue::QueueEngine::gauges`] gives them.
pub type QueueGauges = (u64, u64, f64, u64, bool, bool);

/// A gauge's name, help and how to read it from [`QueueGauges`].
type Gauge = (&'static str, &'static str, fn(&QueueGauges) -> f64);

impl Metrics {
    /// Counts one error response with `code`.
    pub fn count_error(&self, code: ErrorCode) {
        let mut errors = self
            .errors
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *errors.entry(code.as_str()).or_default() += 1;
    }

    /// Adds one to a counter.
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The exposition text, with each campaign's queue gauges (labelled `campaign`).
    pub fn render(&self, queues: &[(&str, QueueGauges)]) -> String {
        let mut out = String::new();
        let gauges: [Gauge; 6] = [
            (
                "fairline_waiting",
                "Places issued and not yet reached by admission.",
                |g| g.0 as f64,
            ),
            (
                "fairline_admitted_through",
                "Ranks below this may be admitted.",
                |g| g.1 as f64,
            ),
            (
                "fairline_admit_rate_per_second",
                "Configured admission rate.",
                |g| g.2,
            ),
            (
                "fairline_active_admissions",
                "Admissions claimed and neither used nor lapsed.",
                |g| g.3 as f64,
            ),
            ("fairline_paused", "1 while admission is paused.", |g| {
                f64::from(u8::from(g.4))
            }),
            (
                "fairline_admission_leader",
                "1 while this instance holds the campaign's admission lease.",
                |g| f64::from(u8::from(g.5)),
            ),
        ];
        for (name, help, value) in gauges {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
            for (campaign, queue) in queues {
                let _ = writeln!(out, "{name}{{campaign=\"{campaign}\"}} {}", value(queue));
            }
        }
        let counters = [
            ("fairline_joins_total", "Tickets issued.", &self.joins),
            (
                "fairline_admissions_total",
                "Admissions issued.",
                &self.admissions,
            ),
            (
                "fairline_bookings_total",
                "Bookings written.",
                &self.bookings,
            ),
            (
                "fairline_shed_total",
                "Requests refused by overload protection.",
                &self.shed,
            ),
            (
                "fairline_queue_state_requests_total",
                "Queue-state documents answered (200 or 304), every campaign.",
                &self.queue_state_requests,
            ),
        ];
        for (name, help, counter) in counters {
            let value = counter.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP fairline_errors_total Error responses by code.\n# TYPE fairline_errors_total counter"
        );
        let errors = self
            .errors
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for (code, count) in errors.iter() {
            let _ = writeln!(out, "fairline_errors_total{{code=\"{code}\"}} {count}");
        }
        out
    }
}
