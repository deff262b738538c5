//! The server's clock: real UTC time, a rehearsal clock that started at a chosen instant and
//! keeps ticking, or a manual clock that moves only when a test advances it. Every handler and
//! the admission loop read server time here and nowhere else (only the per-client join limiter
//! measures its refill intervals on the process's monotonic clock).

use std::sync::{Arc, Mutex, PoisonError};

use time::{Duration, OffsetDateTime};

/// Server time: real, shifted for a rehearsal, or driven by hand.
#[derive(Debug, Clone)]
pub struct ServerClock {
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    Real,
    Rehearsal { offset: Duration },
    Manual(ManualClock),
}

/// A clock that stands still until [`ManualClock::advance`] moves it (tests). Clones share the
/// same time.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<OffsetDateTime>>,
}

impl ManualClock {
    /// A clock reading `start` until it is advanced.
    pub fn new(start: OffsetDateTime) -> Self {
        Self {
            now: Arc::new(Mutex::new(start)),
        }
    }

    /// The time it reads.
    pub fn now(&self) -> OffsetDateTime {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: std::time::Duration) {
        let by = Duration::try_from(by).unwrap_or(Duration::ZERO);
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) += by;
    }
}

impl From<ManualClock> for ServerClock {
    fn from(manual: ManualClock) -> Self {
        Self {
            kind: Kind::Manual(manual),
        }
    }
}

impl ServerClock {
    /// The real time.
    pub fn real() -> Self {
        Self { kind: Kind::Real }
    }

    /// A clock that reads `instant` now and ticks on from there (`--rehearse-at`).
    pub fn rehearsing_from(instant: OffsetDateTime) -> Self {
        Self {
            kind: Kind::Rehearsal {
                offset: instant - OffsetDateTime::now_utc(),
            },
        }
    }

    /// True unless this is the real time: widgets say so, since every device clock then
    /// differs from the service's.
    pub fn is_rehearsal(&self) -> bool {
        !matches!(self.kind, Kind::Real)
    }

    /// The manual clock behind this one, if it is manual: nothing moves it but its owner, so
    /// the admission loop does not run on its own either.
    pub fn manual(&self) -> Option<&ManualClock> {
        match &self.kind {
            Kind::Manual(manual) => Some(manual),
            Kind::Real | Kind::Rehearsal { .. } => None,
        }
    }

    /// Server time now (UTC).
    pub fn now(&self) -> OffsetDateTime {
        match &self.kind {
            Kind::Real => OffsetDateTime::now_utc(),
            Kind::Rehearsal { offset } => OffsetDateTime::now_utc() + *offset,
            Kind::Manual(manual) => manual.now(),
        }
    }

    /// The machine's real time now (UTC), whatever a rehearsal pretends; a manual clock's own
    /// time, since a test drives everything.
    pub fn real_now(&self) -> OffsetDateTime {
        match &self.kind {
            Kind::Real | Kind::Rehearsal { .. } => OffsetDateTime::now_utc(),
            Kind::Manual(manual) => manual.now(),
        }
    }

    /// Server time now, in milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        fairline_core::wire::unix_ms(self.now())
    }
}

#[cfg(test)]
mod tests {
    use super::{ManualClock, ServerClock};
    use time::macros::datetime;

    #[test]
    fn a_rehearsal_clock_starts_at_its_instant_and_ticks() {
        let start = datetime!(2021-07-12 19:59 +09:00);
        let clock = ServerClock::rehearsing_from(start);
        let first = clock.now();
        assert!((first - start).abs() < time::Duration::seconds(5));
        assert!(clock.now() >= first);
        assert!(clock.is_rehearsal());
        assert!(!ServerClock::real().is_rehearsal());
        let real = clock.real_now() - time::OffsetDateTime::now_utc();
        assert!(
            real.abs() < time::Duration::seconds(5),
            "real time is not rehearsed"
        );
    }

    #[test]
    fn a_manual_clock_moves_only_when_advanced_and_clones_share_it() {
        let start = datetime!(2021-07-12 19:59 +09:00);
        let manual = ManualClock::new(start);
        let clock = ServerClock::from(manual.clone());
        assert_eq!(clock.now(), start);
        manual.advance(std::time::Duration::from_millis(1500));
        assert_eq!(clock.now(), start + time::Duration::milliseconds(1500));
        assert!(clock.manual().is_some() && clock.is_rehearsal());
        assert!(ServerClock::real().manual().is_none());
    }
}
