//! The waiting loop's decisions on plain types: what a state document means for this ticket and
//! which changes are worth announcing. When to poll next is core's [`PollScheduler`], the same
//! code the simulator runs. The wait step only runs timers and requests around these.

use core::time::Duration;

pub use fairline_core::schedule::{PollScheduler, QueueView};
use fairline_core::{
    estimate::{estimate_wait, Estimate, ObservationLog},
    position::{position, Position, PositionError},
    wire::{unix_ms, QueueState, TicketClaims},
};

/// What one state document means for one ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitSnapshot {
    /// The holder's position (or why it cannot be computed, e.g. a draw that fails its
    /// commitment).
    pub position: Result<Position, PositionError>,
    /// Core's wait estimate, when the position is known.
    pub estimate: Option<Estimate>,
    /// The revealed seed, verified against the commitment by core.
    pub verified_seed: Option<String>,
    /// The view the poll schedule needs.
    pub view: QueueView,
}

/// Reads `state` for `ticket` at server time `server_now_ms` with the widget's `observations`.
pub fn snapshot(
    ticket: &TicketClaims,
    state: &QueueState,
    observations: &ObservationLog,
    server_now_ms: i64,
) -> WaitSnapshot {
    let position = position(ticket, state);
    let estimate = position
        .as_ref()
        .ok()
        .map(|p| estimate_wait(p, state, observations.observations()));
    let verified_seed = match &position {
        Ok(_) => state.seed.clone(),
        Err(_) => None,
    };
    let until_ms = unix_ms(state.opens_at).saturating_sub(server_now_ms);
    let until_opening = (until_ms > 0).then(|| Duration::from_millis(until_ms.unsigned_abs()));
    WaitSnapshot {
        view: QueueView {
            people_ahead: position.as_ref().ok().and_then(|p| p.people_ahead),
            admission_rate_per_s: state.admission_rate.map(|r| r.per_second),
            until_opening,
        },
        position,
        estimate,
        verified_seed,
    }
}

/// Announcement bands for the number of people ahead: the number of decimal digits (0 ahead is
/// band 0, 1–9 band 1, 10–99 band 2, …). Moving to a lower band is worth announcing.
pub fn position_band(ahead: u64) -> u32 {
    if ahead == 0 {
        0
    } else {
        ahead.ilog10() + 1
    }
}

/// Whether moving from `previous` to `current` people ahead deserves an announcement.
pub fn band_changed(previous: Option<u64>, current: u64) -> bool {
    match previous {
        None => false,
        Some(previous) => position_band(current) < position_band(previous),
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use fairline_core::draw::commitment;
    use fairline_core::estimate::Observation;
    use fairline_core::wire::{to_hex, AdmissionRate, PollHints, QueuePlace};
    use time::macros::datetime;

    fn state(seed: Option<[u8; 32]>, size: Option<u64>, admitted: u64) -> QueueState {
        QueueState {
            campaign_id: "c".into(),
            rules_version: "r".into(),
            server_time: datetime!(2021-07-12 11:00:10 UTC),
            opens_at: datetime!(2021-07-12 11:00:00 UTC),
            seed_commitment: to_hex(&commitment(&[7u8; 32])),
            seed: seed.map(|s| to_hex(&s)),
            pre_queue_size: size,
            admitted_through: admitted,
            admission_rate: Some(AdmissionRate {
                per_second: 2.0,
                spread_per_second: 0.5,
                window_s: 60,
            }),
            paused: false,
            poll: PollHints::default(),
        }
    }

    fn ticket(place: QueuePlace) -> TicketClaims {
        TicketClaims {
            key_id: "k".into(),
            ticket_id: "t".into(),
            campaign_id: "c".into(),
            person_key_hash: "00".into(),
            issued_at: datetime!(2021-07-12 10:59:00 UTC),
            place,
        }
    }

    #[test]
    fn snapshots_compute_the_rank_locally_and_refuse_a_forged_draw() {
        let log = ObservationLog::new();
        let now = unix_ms(datetime!(2021-07-12 11:00:10 UTC));
        let pre = ticket(QueuePlace::PreQueue { index: 2 });
        let before = snapshot(&pre, &state(None, None, 0), &log, now - 20_000);
        assert_eq!(before.position, Ok(Position::awaiting_draw()));
        assert_eq!(before.view.until_opening, Some(Duration::from_secs(10)));
        let revealed = snapshot(&pre, &state(Some([7u8; 32]), Some(5), 0), &log, now);
        let rank = revealed.position.unwrap().rank.unwrap();
        assert!(rank < 5);
        assert_eq!(revealed.verified_seed, Some(to_hex(&[7u8; 32])));
        assert!(matches!(revealed.estimate, Some(Estimate::Range { .. })));
        let forged = snapshot(&pre, &state(Some([8u8; 32]), Some(5), 0), &log, now);
        assert!(forged.position.is_err());
        assert_eq!(forged.verified_seed, None);
        let mut observations = ObservationLog::new();
        observations.push(Observation {
            server_time_ms: now,
            admitted_through: 0,
        });
        let turn = snapshot(
            &ticket(QueuePlace::Ranked { rank: 3 }),
            &state(None, None, 4),
            &observations,
            now,
        );
        assert_eq!(turn.estimate, Some(Estimate::YourTurn));
    }

    #[test]
    fn only_moving_to_a_lower_band_is_announced() {
        assert_eq!(position_band(0), 0);
        assert_eq!(position_band(9), 1);
        assert_eq!(position_band(10), 2);
        assert_eq!(position_band(12_345), 5);
        assert!(!band_changed(None, 5));
        assert!(!band_changed(Some(950), 900));
        assert!(band_changed(Some(1_002), 999));
        assert!(!band_changed(Some(99), 150));
    }
}
