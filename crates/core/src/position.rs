//! A ticket holder's place in the queue, computed from their ticket and the shared state document.
//!
//! The widget runs this on every state document it fetches; the server runs the same function
//! when a ticket asks to be admitted, so both agree on who may enter. The count of people ahead is
//! exact as of the document's `server_time`; since `admitted_through` only grows, it is an upper
//! bound for any later moment (a cached document can be a few seconds old).

use crate::draw::{DrawError, PreQueueDraw};
use crate::wire::{QueuePlace, QueueState, TicketClaims};

/// Where a ticket holder stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// The rank (0 is admitted first); `None` for a pre-queue ticket before the draw is revealed.
    pub rank: Option<u64>,
    /// People still to be admitted before this holder (`rank - admitted_through`, at least 0);
    /// `None` while the rank is unknown.
    pub people_ahead: Option<u64>,
    /// The holder may ask for admission now (`rank < admitted_through`).
    pub may_admit: bool,
}

/// Why a position cannot be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PositionError {
    /// The ticket is for a different campaign from the state document.
    CampaignMismatch,
    /// The pre-queue index is not below the revealed pre-queue size.
    IndexOutsideDraw,
    /// The revealed draw is unusable.
    Draw(DrawError),
}

impl PositionError {
    /// What is wrong, in words for logs and test failures.
    pub fn describe(self) -> &'static str {
        match self {
            PositionError::CampaignMismatch => "the ticket is for another campaign",
            PositionError::IndexOutsideDraw => "the pre-queue index is outside the draw",
            PositionError::Draw(error) => error.describe(),
        }
    }
}

impl std::fmt::Display for PositionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.describe())
    }
}

impl std::error::Error for PositionError {}

impl Position {
    /// The position of a holder of `rank` when ranks `0..admitted_through` may be admitted.
    pub fn from_rank(rank: u64, admitted_through: u64) -> Self {
        Self {
            rank: Some(rank),
            people_ahead: Some(rank.saturating_sub(admitted_through)),
            may_admit: rank < admitted_through,
        }
    }

    /// A pre-queue holder before the draw: rank unknown, not admissible.
    pub fn awaiting_draw() -> Self {
        Self {
            rank: None,
            people_ahead: None,
            may_admit: false,
        }
    }
}

/// The rank a queue place has under a state document: `Ok(None)` for a pre-queue place before the
/// seed is revealed. Computing the draw costs a few SHA-256 compressions; callers that look up many
/// places should build one [`PreQueueDraw`] and use [`rank_with_draw`].
pub fn rank_of_place(place: QueuePlace, state: &QueueState) -> Result<Option<u64>, PositionError> {
    match place {
        QueuePlace::Ranked { rank } => Ok(Some(rank)),
        QueuePlace::PreQueue { .. } => {
            let draw = PreQueueDraw::from_state(state).map_err(PositionError::Draw)?;
            rank_with_draw(place, draw.as_ref())
        }
    }
}

/// The rank of a queue place given the revealed draw (`None` before the opening).
pub fn rank_with_draw(
    place: QueuePlace,
    draw: Option<&PreQueueDraw>,
) -> Result<Option<u64>, PositionError> {
    match (place, draw) {
        (QueuePlace::Ranked { rank }, _) => Ok(Some(rank)),
        (QueuePlace::PreQueue { .. }, None) => Ok(None),
        (QueuePlace::PreQueue { index }, Some(draw)) => draw
            .rank_of(index)
            .map(Some)
            .ok_or(PositionError::IndexOutsideDraw),
    }
}

/// The position of `ticket`'s holder under `state`.
pub fn position(ticket: &TicketClaims, state: &QueueState) -> Result<Position, PositionError> {
    if ticket.campaign_id != state.campaign_id {
        return Err(PositionError::CampaignMismatch);
    }
    Ok(match rank_of_place(ticket.place, state)? {
        Some(rank) => Position::from_rank(rank, state.admitted_through),
        None => Position::awaiting_draw(),
    })
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::draw::commitment;
    use crate::wire::{to_hex, PollHints};
    use time::macros::datetime;

    fn state(seed: Option<[u8; 32]>, size: Option<u64>, admitted_through: u64) -> QueueState {
        let committed = [5u8; 32];
        QueueState {
            campaign_id: "c".into(),
            rules_version: "r1".into(),
            server_time: datetime!(2021-07-12 11:00:10 UTC),
            opens_at: datetime!(2021-07-12 11:00:00 UTC),
            seed_commitment: to_hex(&commitment(&committed)),
            seed: seed.map(|s| to_hex(&s)),
            pre_queue_size: size,
            admitted_through,
            admission_rate: None,
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
    fn ranked_ticket_counts_people_ahead_and_admission() {
        let t = ticket(QueuePlace::Ranked { rank: 100 });
        assert_eq!(
            position(&t, &state(None, None, 40)).unwrap(),
            Position {
                rank: Some(100),
                people_ahead: Some(60),
                may_admit: false
            }
        );
        // Exactly at the boundary: rank 100 may enter once admitted_through passes it.
        assert!(!position(&t, &state(None, None, 100)).unwrap().may_admit);
        let admitted = position(&t, &state(None, None, 101)).unwrap();
        assert!(admitted.may_admit);
        assert_eq!(admitted.people_ahead, Some(0));
    }

    #[test]
    fn pre_queue_ticket_waits_for_the_draw_then_uses_it() {
        let t = ticket(QueuePlace::PreQueue { index: 3 });
        assert_eq!(
            position(&t, &state(None, None, 0)).unwrap(),
            Position::awaiting_draw()
        );
        let revealed = state(Some([5u8; 32]), Some(10), 0);
        let expected = PreQueueDraw::new([5u8; 32], 10).rank_of(3).unwrap();
        assert_eq!(position(&t, &revealed).unwrap().rank, Some(expected));
    }

    #[test]
    fn bad_draws_and_foreign_tickets_are_errors() {
        let t = ticket(QueuePlace::PreQueue { index: 3 });
        assert_eq!(
            position(&t, &state(Some([6u8; 32]), Some(10), 0)),
            Err(PositionError::Draw(DrawError::CommitmentMismatch))
        );
        assert_eq!(
            position(&t, &state(Some([5u8; 32]), Some(3), 0)),
            Err(PositionError::IndexOutsideDraw)
        );
        assert_eq!(
            position(&t, &state(Some([5u8; 32]), None, 0)),
            Err(PositionError::Draw(DrawError::MissingPreQueueSize))
        );
        let mut foreign = t.clone();
        foreign.campaign_id = "other".into();
        let error = position(&foreign, &state(None, None, 0)).unwrap_err();
        assert_eq!(error, PositionError::CampaignMismatch);
    }
}
