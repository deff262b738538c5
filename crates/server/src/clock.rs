//! The server's clock: real UTC time, or a rehearsal clock that started at a chosen instant and
//! keeps ticking. Every handler reads time here and nowhere else.

use time::{Duration, OffsetDateTime};

/// Server time, possibly shifted for a rehearsal.
#[derive(Debug, Clone, Copy)]
pub struct ServerClock {
    offset: Duration,
    rehearsal: bool,
}

impl ServerClock {
    /// The real time.
    pub fn real() -> Self {
        Self {
            offset: Duration::ZERO,
            rehearsal: false,
        }
    }

    /// A clock that reads `instant` now and ticks on from there (`--rehearse-at`).
    pub fn rehearsing_from(instant: OffsetDateTime) -> Self {
        Self {
            offset: instant - OffsetDateTime::now_utc(),
            rehearsal: true,
        }
    }

    /// True for a rehearsal clock (`--rehearse-at`): widgets say so, since every device clock
    /// then differs from the service's.
    pub fn is_rehearsal(&self) -> bool {
        self.rehearsal
    }

    /// Server time now (UTC).
    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + self.offset
    }

    /// Server time now, in milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        fairline_core::wire::unix_ms(self.now())
    }
}

#[cfg(test)]
mod tests {
    use super::ServerClock;
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
    }
}
