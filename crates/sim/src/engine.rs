//! The discrete-event engine: citizens, the origin, the cache and admission control, advanced one
//! server second at a time, with every Fairline request decided by `fairline-core`'s own code.
//!
//! # Model
//!
//! - **Time.** Simulated milliseconds from the start of the pre-queue window. The server's state
//!   (servers, outage, admission, the cache's document) changes once per second; client events
//!   carry exact milliseconds. The event queue is a calendar of one bucket (a `Vec<u32>` of client
//!   ids) per second; every client has at most one pending event, whose time and kind live in the
//!   client's record: 128 bytes, two cache lines, 88 bytes of them the client's `PollScheduler`
//!   (plus 4 bytes in a side array for when its first range was shown). Events of a bucket run
//!   in the order they were scheduled.
//! - **Origin.** Every origin request has a kind (`scenario::RequestKind`): a join, a state
//!   request (the cache's refresh of the queue state, and every naive page load and reload, which
//!   show the queue state and cannot be cached), an admit, or a booking (the booking POST; a
//!   booking's other requests, the slot look-up and the confirmation, are state requests). One
//!   server answers `c_k` requests of kind `k` per second (`origin.capacity_per_server_rps` for
//!   every kind, unless `[origin.capacities]` or a `--capacities` file sets that kind, e.g. to
//!   what `cargo xtask bench` measured). A second's demand in server-seconds is
//!   `Σ count_k / c_k`; when it exceeds `servers`, each request succeeds with probability
//!   `servers / demand` (the rest get 503 + Retry-After), so equal capacities are the plain
//!   `servers × capacity` model. Demand for a second is the naive reload load of that second plus
//!   the discrete requests of the second before. During an outage every request gets 503 with
//!   the outage's Retry-After.
//! - **Cache.** The queue-state document is refreshed from the origin at most once per TTL (and a
//!   failed refresh is retried at most once per second); every other poll is a cache hit that
//!   never touches the origin. A failed refresh's 503 + Retry-After reaches that second's pollers.
//! - **Fairline clients** join (an origin POST), then poll the cache, each through its own
//!   `schedule::PollScheduler` — the one the widget runs: errors in a row, the last Retry-After,
//!   the retry budget and the hints of the last answer decide every delay. The same scheduler
//!   spaces the client's join, admit and booking retries. A client computes its position with
//!   `position::Position`, its rank with `draw::PreQueueDraw`, and the first wait range after
//!   60 s of history with `estimate::estimate_wait`. Hidden pages use `Visibility::Hidden`.
//! - **The published rate** is core's `sampler::RateSampler`, the server's own: fed
//!   `admitted_through` once per simulated second, keeping readings only from the opening on
//!   (as the server does), published once it holds two readings.
//! - **Naive clients** load the page (an origin request) and reload every `U(min, max)` seconds
//!   while waiting or failing, every reload at the origin. Their reloads are aggregated: each
//!   second the origin receives `reloaders / mean gap` naive requests, and a naive client that
//!   needs a success (to join, to see its position, to notice its turn, to retry a booking)
//!   succeeds after an exponential amount of "cumulative success hazard" `Σ p(s) / mean gap`,
//!   so no event per reload is needed.
//! - **Admission.** Each second `servers × rate_per_server_per_s` further ranks may enter, capped
//!   by admitted-but-unfinished sessions; an admission not claimed within the claim window lapses.
//!   No admission during an outage.

use core::cmp::Reverse;
use core::time::Duration;
use std::collections::{BinaryHeap, VecDeque};

use fairline_core::draw::{commitment, rank_after_opening, PreQueueDraw};
use fairline_core::estimate::{estimate_wait, Estimate, Observation, ObservationLog};
use fairline_core::poll::Visibility;
use fairline_core::position::Position;
use fairline_core::rng::{RandomSource, SplitMix64};
use fairline_core::sampler::RateSampler;
use fairline_core::schedule::{PollScheduler, QueueView};
use fairline_core::wire::{from_unix_ms, to_hex, unix_ms, PollHints, QueueState};
use time::OffsetDateTime;

use crate::honesty::HonestyTracker;
use crate::metrics::{Invariants, Measures, SecondRow};
use crate::scenario::{Population, RequestKind, Scenario};

/// No rank, place or document yet.
const NONE: u32 = u32::MAX;
/// Milliseconds of history before the first range is judged.
const HISTORY_BEFORE_ESTIMATE_MS: i64 = 60_000;
/// Client records loaded ahead at a time ([`Engine::touch_ahead`]): enough misses in flight to
/// hide most of the memory latency (16 did best at 1 M citizens; 8 left half the gain).
const TOUCH_GROUP: usize = 16;
/// One client in this many is followed every second for the time-weighted honesty.
pub const HONESTY_SAMPLE_EVERY: u32 = 256;

/// Simulated milliseconds at which an outage begins or ends or the server count changes: events
/// no estimate can foresee.
fn disruptions_ms(scenario: &Scenario, opening_s: u32) -> Vec<u32> {
    let at = |relative_s: i64| {
        (i64::from(opening_s) + relative_s).clamp(0, i64::from(u32::MAX / 1000)) as u32 * 1000
    };
    scenario
        .outages
        .iter()
        .flat_map(|o| [at(o.from_s), at(o.from_s + i64::from(o.duration_s))])
        .chain(
            scenario
                .origin
                .servers
                .iter()
                .skip(1)
                .map(|step| at(step.from_s)),
        )
        .collect()
}

/// A claim counts as overtaken when someone whose turn came this much later claimed first.
const OVERTAKE_MARGIN_S: u32 = 60;

/// What a client is doing (its pending event or wait).
mod stage {
    /// Arrival event pending.
    pub const ARRIVING: u8 = 0;
    /// Fairline: (re)trying to join.
    pub const F_JOIN: u8 = 1;
    /// Fairline: next poll of the queue state pending.
    pub const F_POLL: u8 = 2;
    /// Fairline: retrying the admit request.
    pub const F_ADMIT: u8 = 3;
    /// Fairline: booking session ends (or its POST is retried).
    pub const F_BOOK: u8 = 4;
    /// Naive: reloading until the page loads (join).
    pub const N_JOIN: u8 = 10;
    /// Naive: joined before the opening, reloading until the position shows.
    pub const N_SHOW: u8 = 11;
    /// Naive: position shown, reloading until its turn.
    pub const N_WAIT: u8 = 12;
    /// Naive: its turn has come; reloading until it notices and the admit succeeds.
    pub const N_NOTICE: u8 = 13;
    /// Naive: booking session ends.
    pub const N_BOOK: u8 = 14;
    /// Naive: the booking POST failed; reloading until it goes through.
    pub const N_BOOK_RETRY: u8 = 15;
    /// Booked.
    pub const DONE: u8 = 20;
    /// Gave up waiting.
    pub const ABANDONED: u8 = 21;
    /// Did not claim the admission in time.
    pub const LAPSED: u8 = 22;
}

/// Per-client flags.
mod flag {
    pub const FAIRLINE: u8 = 1;
    pub const HIDDEN: u8 = 2;
    pub const PRE_QUEUE: u8 = 4;
    pub const SHOWN: u8 = 8;
    pub const ESTIMATED: u8 = 16;
    pub const CLAIMED: u8 = 32;
    pub const EXPIRED: u8 = 64;
    pub const ADMISSIBLE: u8 = 128;
}

/// What an event reads and writes of its client, in one record of two cache lines.
///
/// The run visits millions of clients in no order a cache can follow, so an event's cost is
/// mostly its cache misses: everything an event needs sits in this record (the small fields,
/// then core's 88-byte `PollScheduler`), and [`Engine::touch_ahead`] loads the records of the
/// next events of a batch while the current one runs.
#[derive(Clone)]
#[repr(C, align(64))]
struct Client {
    stage: u8,
    flags: u8,
    /// When the pending event is due.
    next_at_ms: u32,
    /// When patience runs out.
    deadline_ms: u32,
    /// Rank (`NONE` before joining / before the draw).
    rank: u32,
    /// The first and the latest document the client read.
    first_doc: u32,
    prev_doc: u32,
    arrival_ms: u32,
    /// When the client's turn came (`NONE` before).
    admissible_ms: u32,
    /// The first range, as absolute simulated milliseconds `[low, high]`.
    range_low_ms: u32,
    range_high_ms: u32,
    /// Core's poll bookkeeping (unused by naive clients).
    scheduler: PollScheduler,
}

/// A Fenwick tree counting claimed ranks, to count who was overtaken.
struct RankCounter {
    tree: Vec<u32>,
}

impl RankCounter {
    fn new(size: usize) -> Self {
        Self {
            tree: vec![0; size + 1],
        }
    }

    fn add(&mut self, rank: u32) {
        let mut at = rank as usize + 1;
        while at < self.tree.len() {
            self.tree[at] += 1;
            at += at & at.wrapping_neg();
        }
    }

    /// Claimed ranks `<= rank`.
    fn count_up_to(&self, rank: u32) -> u64 {
        let mut at = rank as usize + 1;
        let mut total = 0u64;
        while at > 0 {
            total += u64::from(self.tree[at]);
            at -= at & at.wrapping_neg();
        }
        total
    }
}

/// One run of a scenario with one population.
pub struct Engine<'a> {
    scenario: &'a Scenario,
    population: Population,
    rng: SplitMix64,
    clients: Vec<Client>,
    /// When each client's first range was shown (read once, at its turn).
    range_shown_ms: Vec<u32>,
    calendar: Vec<Vec<u32>>,
    pending_events: u64,
    /// Naive clients waiting for a success, keyed by cumulative hazard.
    hazard_queue: BinaryHeap<Reverse<(u64, u32)>>,
    cumulative_hazard: f64,
    /// Naive clients reloading right now, and the change due each second (patience running out).
    reloaders: i64,
    reloaders_leaving: Vec<i64>,
    naive_mean_gap_s: f64,
    // Time.
    opening_s: u32,
    total_s: u32,
    second: u32,
    // Origin.
    success_probability: f64,
    retry_after_s: u32,
    /// Seconds of server work per request of each kind ([`RequestKind::index`]), counted in
    /// requests at the scenario's default capacity: `capacity_per_server_rps / c_k`, so `1.0`
    /// for a kind without its own capacity.
    weights: [f64; 4],
    /// Discrete origin requests of this second and of the second before, by kind.
    origin_now: [u32; 4],
    origin_before: [u32; 4],
    // Queue and draw.
    seed: [u8; 32],
    seed_commitment_hex: String,
    seed_hex: String,
    pre_queue: Vec<u32>,
    rank_to_client: Vec<u32>,
    draw_revealed: bool,
    admitted_through: u64,
    admission_credit: f64,
    active_sessions: u64,
    admission_batches: VecDeque<(u32, u64, u64)>,
    sampler: RateSampler,
    paused: bool,
    // Cache.
    document: QueueState,
    docs: Vec<Doc>,
    doc_fetched_s: Option<u32>,
    refresh_tried_s: Option<u32>,
    refresh_failed: bool,
    // Measures.
    rows: Vec<SecondRow>,
    cache_hits_now: u64,
    first_position_ms: Vec<u32>,
    notice_lag_ms: Vec<u32>,
    relative_half_widths: Vec<f32>,
    ranges_judged: u64,
    ranges_inside: u64,
    ranges_early: u64,
    ranges_judged_steady: u64,
    ranges_inside_steady: u64,
    claims: u64,
    overtaken_claims: u64,
    claimed_ranks: RankCounter,
    bookings: u64,
    invariants: Invariants,
    retry_afters_received: u64,
    events: u64,
    /// What a sample of Fairline clients saw, every second ([`crate::honesty`]).
    honesty: HonestyTracker,
}

/// What a client keeps of one cached document: its reading, and what the poll schedule needs.
#[derive(Clone, Copy)]
struct Doc {
    observation: Observation,
    admission_rate_per_s: Option<f64>,
    drawn: bool,
}

fn exponential(rng: &mut SplitMix64, mean: f64) -> f64 {
    -mean * (1.0 - rng.next_unit_f64()).ln()
}

fn uniform(rng: &mut SplitMix64, low: f64, high: f64) -> f64 {
    low + (high - low) * rng.next_unit_f64()
}

fn duration_ms(duration: Duration) -> u32 {
    u32::try_from(duration.as_millis()).unwrap_or(u32::MAX)
}

impl<'a> Engine<'a> {
    /// Sets up a run: draws every citizen's arrival, kind and patience.
    pub fn new(scenario: &'a Scenario, population: Population) -> Self {
        let citizens = scenario.citizens as usize;
        let before_s = scenario.arrivals.before_opening_window_s;
        let opening_s = before_s;
        let total_s = before_s + scenario.horizon_after_opening_s;
        let mut setup_rng = SplitMix64::new(scenario.seed ^ 0x0005_EED0_FA55);
        let mut seed = [0u8; 32];
        for chunk in seed.chunks_mut(8) {
            chunk.copy_from_slice(&setup_rng.next_u64().to_le_bytes());
        }
        let fairline_share = match population {
            Population::Naive => 0.0,
            Population::Fairline => 1.0,
            Population::Mixed => scenario.clients.fairline_share,
        };
        let mut clients = vec![
            Client {
                stage: stage::ARRIVING,
                flags: 0,
                next_at_ms: 0,
                deadline_ms: 0,
                rank: NONE,
                first_doc: NONE,
                prev_doc: NONE,
                arrival_ms: 0,
                admissible_ms: NONE,
                range_low_ms: 0,
                range_high_ms: 0,
                scheduler: PollScheduler::new(0.0),
            };
            citizens
        ];
        let mut calendar: Vec<Vec<u32>> = vec![Vec::new(); total_s as usize];
        let arrivals = &scenario.arrivals;
        let opening_ms = f64::from(opening_s) * 1000.0;
        let last_ms = f64::from(total_s) * 1000.0 - 1.0;
        let mut pending_events = 0;
        for (id, client) in clients.iter_mut().enumerate() {
            let which = setup_rng.next_unit_f64();
            let at_ms = if which < arrivals.before_opening_share {
                opening_ms - setup_rng.next_unit_f64() * f64::from(before_s) * 1000.0
            } else if which < arrivals.before_opening_share + arrivals.spike_share {
                opening_ms + exponential(&mut setup_rng, arrivals.spike_mean_s) * 1000.0
            } else {
                opening_ms + exponential(&mut setup_rng, arrivals.tail_mean_s) * 1000.0
            }
            .clamp(0.0, last_ms);
            let patience_ms =
                exponential(&mut setup_rng, scenario.clients.patience_mean_s) * 1000.0;
            let mut flags = 0;
            if setup_rng.next_unit_f64() < fairline_share {
                flags |= flag::FAIRLINE;
                if setup_rng.next_unit_f64() < scenario.clients.hidden_share {
                    flags |= flag::HIDDEN;
                }
            }
            let at = at_ms as u32;
            client.flags = flags;
            client.arrival_ms = at;
            client.next_at_ms = at;
            client.deadline_ms =
                (at_ms + patience_ms.max(1000.0)).min(f64::from(u32::MAX - 1)) as u32;
            calendar[(at / 1000) as usize].push(id as u32);
            pending_events += 1;
        }
        let naive_mean_gap_s =
            (scenario.clients.naive_reload_min_s + scenario.clients.naive_reload_max_s) / 2.0;
        let seed_commitment_hex = to_hex(&commitment(&seed));
        let mut engine = Self {
            scenario,
            population,
            rng: SplitMix64::new(scenario.seed),
            clients,
            range_shown_ms: vec![0; citizens],
            calendar,
            pending_events,
            hazard_queue: BinaryHeap::new(),
            cumulative_hazard: 0.0,
            reloaders: 0,
            reloaders_leaving: vec![0; total_s as usize + 1],
            naive_mean_gap_s,
            opening_s,
            total_s,
            second: 0,
            success_probability: 1.0,
            retry_after_s: scenario.origin.shed_retry_after_s,
            weights: RequestKind::ALL.map(|kind| {
                scenario.origin.capacity_per_server_rps / scenario.capacity_per_server(kind)
            }),
            origin_now: [0; 4],
            origin_before: [0; 4],
            seed,
            seed_commitment_hex,
            seed_hex: to_hex(&seed),
            pre_queue: Vec::new(),
            rank_to_client: Vec::new(),
            draw_revealed: false,
            admitted_through: 0,
            admission_credit: 0.0,
            active_sessions: 0,
            admission_batches: VecDeque::new(),
            sampler: RateSampler::new(),
            paused: false,
            document: QueueState {
                campaign_id: String::new(),
                rules_version: String::new(),
                server_time: from_unix_ms(scenario.opening_unix_ms)
                    .unwrap_or(OffsetDateTime::UNIX_EPOCH),
                opens_at: from_unix_ms(scenario.opening_unix_ms)
                    .unwrap_or(OffsetDateTime::UNIX_EPOCH),
                seed_commitment: String::new(),
                seed: None,
                pre_queue_size: None,
                admitted_through: 0,
                admission_rate: None,
                paused: false,
                poll: PollHints::default(),
            },
            docs: Vec::new(),
            doc_fetched_s: None,
            refresh_tried_s: None,
            refresh_failed: false,
            rows: Vec::with_capacity(total_s as usize),
            cache_hits_now: 0,
            first_position_ms: Vec::new(),
            notice_lag_ms: Vec::new(),
            relative_half_widths: Vec::new(),
            ranges_judged: 0,
            ranges_inside: 0,
            ranges_early: 0,
            ranges_judged_steady: 0,
            ranges_inside_steady: 0,
            claims: 0,
            overtaken_claims: 0,
            claimed_ranks: RankCounter::new(citizens),
            bookings: 0,
            invariants: Invariants::default(),
            retry_afters_received: 0,
            events: 0,
            honesty: HonestyTracker::new(
                HONESTY_SAMPLE_EVERY,
                scenario.citizens,
                disruptions_ms(scenario, opening_s),
            )
            .with_server_offset(i64::from(opening_s) * 1000 - scenario.opening_unix_ms),
        };
        engine.document.campaign_id = scenario.name.clone();
        engine.document.seed_commitment = engine.seed_commitment_hex.clone();
        engine.document.poll = PollHints {
            min_s: scenario.poll_hints.min_s,
            max_s: scenario.poll_hints.max_s,
        };
        engine
    }

    /// Simulated seconds the run covers at most.
    pub fn total_seconds(&self) -> u32 {
        self.total_s
    }

    /// Runs to the end, calling `progress(second, total)` once per simulated second.
    pub fn run(mut self, mut progress: impl FnMut(u32, u32)) -> Measures {
        while self.second < self.total_s {
            self.tick();
            progress(self.second, self.total_s);
            self.second += 1;
            if self.finished() {
                break;
            }
        }
        self.finish()
    }

    fn finished(&self) -> bool {
        self.second > self.opening_s
            && self.pending_events == 0
            && self.hazard_queue.is_empty()
            && self.active_sessions == 0
            && self.admitted_through >= self.rank_to_client.len() as u64
    }

    fn relative_second(&self) -> i64 {
        i64::from(self.second) - i64::from(self.opening_s)
    }

    fn now_floor_ms(&self) -> u32 {
        self.second * 1000
    }

    /// One server second: servers and outage, the draw at T0, admission, the origin's success
    /// probability, naive successes, then every client event due in this second.
    fn tick(&mut self) {
        let s = self.second as usize;
        let relative = self.relative_second();
        let scenario = self.scenario;
        let servers = scenario.servers_at(relative);
        let outage = scenario.outage_at(relative);
        let capacity = f64::from(servers) * scenario.origin.capacity_per_server_rps;
        if self.second == self.opening_s {
            self.reveal_draw();
        }
        if self.second >= self.opening_s {
            self.expire_admissions();
            if outage.is_none() {
                self.admit(servers);
            }
        }
        // The server's sampler reads admitted_through every second once the queue has opened.
        self.sampler.record(
            self.second >= self.opening_s,
            self.server_time_ms(self.now_floor_ms()),
            self.admitted_through,
        );
        // Naive clients leaving as their patience runs out.
        self.reloaders += self.reloaders_leaving[s];
        let naive_load = self.reloaders.max(0) as f64 / self.naive_mean_gap_s;
        // Demand in default-capacity requests (server-seconds × capacity_per_server_rps): this
        // second's naive reloads (state requests) and the discrete requests of the second before.
        let naive_work = naive_load * self.weights[RequestKind::State.index()];
        let demand = naive_work + self.work(&self.origin_before);
        self.success_probability = match outage {
            Some(_) => 0.0,
            None if demand > capacity => capacity / demand,
            None => 1.0,
        };
        self.retry_after_s = outage.map_or(scenario.origin.shed_retry_after_s, |o| o.retry_after_s);
        self.paused = outage.is_some();
        self.cache_hits_now = 0;
        self.release_naive_successes();
        // Client events of this second (a handler may add more to this very bucket).
        while !self.calendar[s].is_empty() {
            let batch = std::mem::take(&mut self.calendar[s]);
            self.touch_ahead(&batch[..batch.len().min(TOUCH_GROUP)]);
            for (index, &id) in batch.iter().enumerate() {
                if index.is_multiple_of(TOUCH_GROUP) {
                    // The next group's records load while this group's events run.
                    let ahead = (index + TOUCH_GROUP).min(batch.len());
                    self.touch_ahead(&batch[ahead..(ahead + TOUCH_GROUP).min(batch.len())]);
                }
                self.pending_events -= 1;
                self.events += 1;
                self.handle_event(id);
            }
        }
        let discrete: u32 = self.origin_now.iter().sum();
        let origin = naive_load + f64::from(discrete);
        let work = naive_work + self.work(&self.origin_now);
        let served = match outage {
            Some(_) => 0.0,
            None if work > capacity => origin * (capacity / work),
            None => origin,
        };
        self.origin_before = std::mem::take(&mut self.origin_now);
        self.rows.push(SecondRow {
            second: relative,
            servers,
            outage: outage.is_some(),
            origin_requests: origin,
            origin_served: served,
            cache_hits: self.cache_hits_now,
            admitted_through: self.admitted_through,
            bookings: self.bookings,
        });
    }

    /// Loads the records of the clients `ids` (the next events of a batch) into the cache, so
    /// that their misses overlap each other and the current event's work instead of stalling
    /// each event in turn.
    fn touch_ahead(&self, ids: &[u32]) {
        let mut sum = 0u32;
        for &id in ids {
            let client = &self.clients[id as usize];
            sum = sum
                .wrapping_add(u32::from(client.stage))
                .wrapping_add(client.scheduler.consecutive_errors());
        }
        std::hint::black_box(sum);
    }

    // ----- the server -----

    fn reveal_draw(&mut self) {
        let size = self.pre_queue.len() as u64;
        let mut revealing = self.document.clone();
        revealing.seed = Some(self.seed_hex.clone());
        revealing.pre_queue_size = Some(size);
        // The same draw every widget computes from the document (and checks against the
        // commitment); the engine builds it once.
        let draw = PreQueueDraw::from_state(&revealing)
            .ok()
            .flatten()
            .unwrap_or_else(|| PreQueueDraw::new(self.seed, size));
        self.rank_to_client = vec![NONE; self.pre_queue.len()];
        for index in 0..self.pre_queue.len() {
            let id = self.pre_queue[index];
            let rank = draw.rank_of(index as u64).unwrap_or(index as u64) as u32;
            self.rank_to_client[rank as usize] = id;
            self.clients[id as usize].rank = rank;
        }
        self.draw_revealed = true;
        // Naive pre-queue waiters reload until their position shows.
        let now = self.now_floor_ms();
        for index in 0..self.pre_queue.len() {
            let id = self.pre_queue[index];
            let c = id as usize;
            if self.clients[c].stage == stage::N_WAIT && self.clients[c].deadline_ms > now {
                self.clients[c].stage = stage::N_SHOW;
                self.push_hazard(id);
            }
        }
    }

    fn expire_admissions(&mut self) {
        let window = self.scenario.admission.claim_window_s;
        let now = self.now_floor_ms();
        while let Some(&(at, from, to)) = self.admission_batches.front() {
            if at + window > self.second {
                break;
            }
            self.admission_batches.pop_front();
            for rank in from..to {
                let id = self.rank_to_client[rank as usize];
                let c = id as usize;
                if self.clients[c].flags & flag::CLAIMED != 0 {
                    continue;
                }
                self.clients[c].flags |= flag::EXPIRED;
                self.active_sessions -= 1;
                let st = self.clients[c].stage;
                if matches!(st, stage::N_SHOW | stage::N_WAIT | stage::N_NOTICE) {
                    self.clients[c].stage = stage::LAPSED;
                    self.stop_queue_reloading(id, now);
                }
            }
        }
    }

    fn admit(&mut self, servers: u32) {
        let rate = f64::from(servers) * self.scenario.admission.rate_per_server_per_s;
        self.admission_credit = (self.admission_credit + rate).min(rate.max(1.0));
        let queued = (self.rank_to_client.len() as u64).saturating_sub(self.admitted_through);
        let room =
            u64::from(self.scenario.admission.max_sessions).saturating_sub(self.active_sessions);
        let count = (self.admission_credit.floor() as u64).min(queued).min(room);
        if count == 0 {
            return;
        }
        self.admission_credit -= count as f64;
        let from = self.admitted_through;
        let to = from + count;
        let now = self.now_floor_ms();
        let group = TOUCH_GROUP as u64;
        for rank in from..to {
            if (rank - from).is_multiple_of(group) {
                let ahead = (rank + group).min(to);
                self.touch_ahead(
                    &self.rank_to_client[ahead as usize..(ahead + group).min(to) as usize],
                );
            }
            let id = self.rank_to_client[rank as usize];
            let c = id as usize;
            self.honesty.admitted(id, now);
            self.clients[c].admissible_ms = now;
            self.clients[c].flags |= flag::ADMISSIBLE;
            if self.clients[c].flags & flag::ESTIMATED != 0 {
                let inside =
                    (self.clients[c].range_low_ms..=self.clients[c].range_high_ms).contains(&now);
                self.ranges_judged += 1;
                self.ranges_inside += u64::from(inside);
                self.ranges_early += u64::from(now < self.clients[c].range_low_ms);
                if !self.capacity_changed_between(self.range_shown_ms[c], now) {
                    self.ranges_judged_steady += 1;
                    self.ranges_inside_steady += u64::from(inside);
                }
            }
            if self.clients[c].stage == stage::N_WAIT {
                if self.clients[c].deadline_ms > now {
                    self.clients[c].stage = stage::N_NOTICE;
                    self.push_hazard(id);
                } else {
                    self.clients[c].stage = stage::ABANDONED;
                }
            }
        }
        self.admitted_through = to;
        self.active_sessions += count;
        self.admission_batches.push_back((self.second, from, to));
    }

    /// True when an outage began or ended or the server count changed in `(from_ms, to_ms]` (simulated
    /// milliseconds): events no estimate can foresee.
    fn capacity_changed_between(&self, from_ms: u32, to_ms: u32) -> bool {
        let opening_ms = i64::from(self.opening_s) * 1000;
        let within = |relative_s: i64| {
            let at_ms = opening_ms + relative_s * 1000;
            at_ms > i64::from(from_ms) && at_ms <= i64::from(to_ms)
        };
        self.scenario
            .outages
            .iter()
            .any(|o| within(o.from_s) || within(o.from_s + i64::from(o.duration_s)))
            || self
                .scenario
                .origin
                .servers
                .iter()
                .skip(1)
                .any(|step| within(step.from_s))
    }

    fn server_time_ms(&self, sim_ms: u32) -> i64 {
        self.scenario.opening_unix_ms + i64::from(sim_ms) - i64::from(self.opening_s) * 1000
    }

    /// Server work of `counts` requests (by kind), in default-capacity requests.
    fn work(&self, counts: &[u32; 4]) -> f64 {
        counts
            .iter()
            .zip(self.weights)
            .map(|(&count, weight)| f64::from(count) * weight)
            .sum()
    }

    /// One request of `kind` reaches the origin: true when it succeeds.
    fn origin_request(&mut self, kind: RequestKind) -> bool {
        self.origin_now[kind.index()] += 1;
        self.origin_succeeds()
    }

    fn origin_succeeds(&mut self) -> bool {
        self.success_probability >= 1.0 || self.rng.next_unit_f64() < self.success_probability
    }

    /// Counts a booking's origin requests: the booking POST, and the rest (slot look-up,
    /// confirmation) as state requests.
    fn count_booking_requests(&mut self) {
        let requests = self.scenario.booking.origin_requests;
        self.origin_now[RequestKind::Booking.index()] += requests.min(1);
        self.origin_now[RequestKind::State.index()] += requests.saturating_sub(1);
    }

    /// A booking's requests reach the origin: true when the booking goes through.
    fn booking_request(&mut self) -> bool {
        self.count_booking_requests();
        self.origin_succeeds()
    }

    fn join(&mut self, id: u32, now: u32) {
        let c = id as usize;
        if now < self.opening_s * 1000 && !self.draw_revealed {
            self.clients[c].flags |= flag::PRE_QUEUE;
            self.pre_queue.push(id);
        } else {
            let order = self.rank_to_client.len() as u64 - self.pre_queue.len() as u64;
            let rank = rank_after_opening(self.pre_queue.len() as u64, order);
            self.clients[c].rank = rank as u32;
            self.rank_to_client.push(id);
        }
    }

    /// The cached queue-state document as of `now`, fetched from the origin when stale: `Ok` with
    /// its id, or `Err` when the refresh failed (503 + Retry-After passed through).
    fn cached_document(&mut self) -> Result<u32, ()> {
        let ttl = self.scenario.cache.ttl_s;
        let fresh = self.doc_fetched_s.is_some_and(|at| self.second < at + ttl);
        if fresh {
            self.cache_hits_now += 1;
            return Ok(self.docs.len() as u32 - 1);
        }
        if self.refresh_tried_s == Some(self.second) {
            // Coalesced: this second's refresh already failed.
            self.cache_hits_now += 1;
            return Err(());
        }
        self.refresh_tried_s = Some(self.second);
        if self.origin_request(RequestKind::State) {
            let now = self.now_floor_ms();
            let server_time_ms = self.server_time_ms(now);
            self.document.server_time =
                from_unix_ms(server_time_ms).unwrap_or(self.document.server_time);
            self.document.admitted_through = self.admitted_through;
            self.document.admission_rate = self.sampler.published();
            self.document.paused = self.paused;
            if self.draw_revealed && self.document.seed.is_none() {
                self.document.seed = Some(self.seed_hex.clone());
                self.document.pre_queue_size = Some(self.pre_queue.len() as u64);
            }
            self.docs.push(Doc {
                observation: Observation {
                    server_time_ms,
                    admitted_through: self.admitted_through,
                },
                admission_rate_per_s: self.document.admission_rate.map(|r| r.per_second),
                drawn: self.document.seed.is_some(),
            });
            self.doc_fetched_s = Some(self.second);
            self.refresh_failed = false;
            Ok(self.docs.len() as u32 - 1)
        } else {
            self.refresh_failed = true;
            Err(())
        }
    }

    // ----- events -----

    fn schedule(&mut self, id: u32, at_ms: u32, next: u8) {
        let c = id as usize;
        self.clients[c].stage = next;
        self.clients[c].next_at_ms = at_ms;
        let bucket = (at_ms / 1000).max(self.second);
        if bucket < self.total_s {
            self.calendar[bucket as usize].push(id);
            self.pending_events += 1;
        }
    }

    fn handle_event(&mut self, id: u32) {
        let c = id as usize;
        let now = self.clients[c].next_at_ms.max(self.now_floor_ms());
        let fairline = self.clients[c].flags & flag::FAIRLINE != 0;
        if fairline
            && !self.clients[c]
                .scheduler
                .wake_delay(f64::from(now))
                .is_zero()
        {
            self.invariants.retry_after_violations += 1;
        }
        match self.clients[c].stage {
            stage::ARRIVING if fairline => self.fairline_arrive(id, now),
            stage::ARRIVING => self.naive_arrive(id, now),
            stage::F_JOIN => self.fairline_join(id, now),
            stage::F_POLL => self.fairline_poll(id, now),
            stage::F_ADMIT => self.fairline_admit(id, now),
            stage::F_BOOK => self.fairline_book(id, now),
            stage::N_BOOK => self.naive_book(id),
            _ => {}
        }
    }

    // ----- Fairline clients: core's policy -----

    fn visibility(&self, c: usize) -> Visibility {
        if self.clients[c].flags & flag::HIDDEN != 0 {
            Visibility::Hidden
        } else {
            Visibility::Visible
        }
    }

    fn until_opening(&self, now: u32) -> Option<Duration> {
        let opening_ms = self.opening_s * 1000;
        (now < opening_ms).then(|| Duration::from_millis(u64::from(opening_ms - now)))
    }

    /// The queue as the client last saw it (its latest document), for its poll scheduler. Like
    /// the widget's view, except that the time to the opening is counted from `now`.
    fn view(&self, c: usize, now: u32) -> QueueView {
        let rank = self.clients[c].rank;
        let prev = self.clients[c].prev_doc;
        let last = (prev != NONE).then(|| self.docs[prev as usize]);
        QueueView {
            people_ahead: last
                .filter(|doc| doc.drawn && rank != NONE)
                .map(|doc| u64::from(rank).saturating_sub(doc.observation.admitted_through)),
            admission_rate_per_s: last.and_then(|doc| doc.admission_rate_per_s),
            until_opening: self.until_opening(now),
        }
    }

    /// Schedules the client's next request (`next`) on its scheduler's delay from `now`.
    fn fairline_next(&mut self, id: u32, now: u32, next: u8) {
        let c = id as usize;
        let view = self.view(c, now);
        let visibility = self.visibility(c);
        let delay = self.clients[c]
            .scheduler
            .next_delay(view, visibility, &mut self.rng);
        self.schedule(id, now.saturating_add(duration_ms(delay)), next);
    }

    /// A request goes out at `now`; the origin (or the cache) answers at once.
    fn fairline_sent(&mut self, c: usize, now: u32) {
        self.clients[c].scheduler.record_sent(f64::from(now));
    }

    /// A failed request (503 + Retry-After): the scheduler counts the error and reserves a retry
    /// from the budget, and the retry goes out on its delay, never before the Retry-After.
    fn fairline_retry(&mut self, id: u32, now: u32, next: u8) {
        let retry_after = Duration::from_secs(u64::from(self.retry_after_s));
        self.clients[id as usize]
            .scheduler
            .record_failure(f64::from(now), Some(retry_after));
        self.retry_afters_received += 1;
        if next == stage::F_POLL && self.tracks_screen(id) {
            let failed = self.clients[id as usize].scheduler.consecutive_errors();
            self.honesty.poll_failed(id, now, failed);
        }
        self.fairline_next(id, now, next);
    }

    /// A successful request (no Retry-After on a success in this model).
    fn fairline_success(&mut self, c: usize, now: u32) {
        let hints = self.document.poll;
        self.clients[c]
            .scheduler
            .record_success(f64::from(now), hints, None);
    }

    fn fairline_arrive(&mut self, id: u32, now: u32) {
        // The widget's scheduler starts when the page does, with a full retry budget.
        self.clients[id as usize].scheduler = PollScheduler::new(f64::from(now));
        self.fairline_join(id, now);
    }

    fn fairline_join(&mut self, id: u32, now: u32) {
        self.fairline_sent(id as usize, now);
        if !self.origin_request(RequestKind::Join) {
            self.fairline_retry(id, now, stage::F_JOIN);
            return;
        }
        self.fairline_success(id as usize, now);
        self.join(id, now);
        // The widget fetches the state right after joining.
        self.fairline_poll(id, now);
    }

    fn fairline_poll(&mut self, id: u32, now: u32) {
        let c = id as usize;
        self.fairline_sent(c, now);
        let Ok(doc_id) = self.cached_document() else {
            self.fairline_retry(id, now, stage::F_POLL);
            return;
        };
        self.fairline_success(c, now);
        let rank = self.clients[c].rank;
        let position = if rank == NONE || self.document.seed.is_none() {
            Position::awaiting_draw()
        } else {
            Position::from_rank(u64::from(rank), self.document.admitted_through)
        };
        if position.may_admit {
            self.fairline_admit(id, now);
            return;
        }
        if now >= self.clients[c].deadline_ms {
            self.clients[c].stage = stage::ABANDONED;
            // The citizen left at the deadline: nobody sees the screen after it.
            let left = self.clients[c].deadline_ms;
            self.honesty.show(id, left, None);
            return;
        }
        if self.clients[c].first_doc == NONE {
            self.clients[c].first_doc = doc_id;
        }
        if position.people_ahead.is_some() {
            self.record_first_position(c, now);
            if self.clients[c].flags & flag::ESTIMATED == 0 {
                self.first_estimate(c, now, &position, doc_id);
            }
        }
        if self.tracks_screen(id) {
            self.track_screen(id, now, &position, doc_id);
        }
        self.clients[c].prev_doc = doc_id;
        self.fairline_next(id, now, stage::F_POLL);
    }

    /// Whether client `id`'s screen is followed: in the sample, and a page someone looks at (a
    /// hidden page's ranges are seen by nobody).
    fn tracks_screen(&self, id: u32) -> bool {
        self.honesty.tracks(id) && self.clients[id as usize].flags & flag::HIDDEN == 0
    }

    /// A sampled client's screen after a successful poll: core's estimate over the widget's own
    /// full observation log (not the thinned one), as the widget shows it.
    fn track_screen(&mut self, id: u32, now: u32, position: &Position, doc_id: u32) {
        let observation = self.docs[doc_id as usize].observation;
        let Some(log) = self.honesty.log_mut(id) else {
            return;
        };
        log.push(observation);
        let estimate = estimate_wait(position, &self.document, log.observations());
        self.honesty.polled(id, now, estimate);
    }

    /// The first range shown once the client has 60 s of its own history.
    fn first_estimate(&mut self, c: usize, now: u32, position: &Position, doc_id: u32) {
        let first = self.docs[self.clients[c].first_doc as usize].observation;
        let current = self.docs[doc_id as usize].observation;
        if current.server_time_ms - first.server_time_ms < HISTORY_BEFORE_ESTIMATE_MS {
            return;
        }
        // The widget's log, thinned to its first, previous and latest readings (the mean rate over
        // the log is exact; see the crate documentation).
        let mut log = ObservationLog::new();
        log.push(first);
        if self.clients[c].prev_doc != NONE {
            log.push(self.docs[self.clients[c].prev_doc as usize].observation);
        }
        log.push(current);
        if let Estimate::Range {
            low,
            high,
            updated_at,
        } = estimate_wait(position, &self.document, log.observations())
        {
            let updated_sim_ms = unix_ms(updated_at) - self.scenario.opening_unix_ms
                + i64::from(self.opening_s) * 1000;
            let clamp = |ms: i64| ms.clamp(0, i64::from(u32::MAX)) as u32;
            self.clients[c].range_low_ms = clamp(updated_sim_ms + low.as_millis() as i64);
            self.clients[c].range_high_ms = clamp(updated_sim_ms + high.as_millis() as i64);
            self.clients[c].flags |= flag::ESTIMATED;
            self.range_shown_ms[c] = now;
            let (low_s, high_s) = (low.as_secs_f64(), high.as_secs_f64());
            self.relative_half_widths
                .push(((high_s - low_s) / (high_s + low_s)) as f32);
        }
    }

    fn record_first_position(&mut self, c: usize, now: u32) {
        if self.clients[c].flags & flag::SHOWN != 0 {
            return;
        }
        self.clients[c].flags |= flag::SHOWN;
        let from = self.clients[c].arrival_ms.max(self.opening_s * 1000);
        self.first_position_ms.push(now.saturating_sub(from));
    }

    fn fairline_admit(&mut self, id: u32, now: u32) {
        self.fairline_sent(id as usize, now);
        if !self.origin_request(RequestKind::Admit) {
            self.fairline_retry(id, now, stage::F_ADMIT);
            return;
        }
        let c = id as usize;
        self.fairline_success(c, now);
        if self.claim(id, now) {
            let duration = uniform(
                &mut self.rng,
                self.scenario.booking.min_s,
                self.scenario.booking.max_s,
            );
            self.schedule(id, now + (duration * 1000.0) as u32, stage::F_BOOK);
        }
    }

    fn fairline_book(&mut self, id: u32, now: u32) {
        self.fairline_sent(id as usize, now);
        if !self.booking_request() {
            self.fairline_retry(id, now, stage::F_BOOK);
            return;
        }
        self.fairline_success(id as usize, now);
        self.book(id);
    }

    // ----- both kinds -----

    /// The server's admit: grants the admission when the rank is admissible and not lapsed.
    fn claim(&mut self, id: u32, now: u32) -> bool {
        let c = id as usize;
        if self.clients[c].flags & flag::EXPIRED != 0 {
            self.clients[c].stage = stage::LAPSED;
            return false;
        }
        let rank = self.clients[c].rank;
        if rank == NONE || u64::from(rank) >= self.admitted_through {
            self.invariants.out_of_order_admissions += 1;
            return false;
        }
        self.clients[c].flags |= flag::CLAIMED;
        self.notice_lag_ms
            .push(now.saturating_sub(self.clients[c].admissible_ms));
        // Overtaken: someone whose turn came at least a minute after this one's has already
        // claimed. Ranks whose turn came by second `t` are `0..admitted_through` at its end.
        let turn_s = self.clients[c].admissible_ms / 1000;
        let later_turn_from = turn_s + OVERTAKE_MARGIN_S - 1;
        if later_turn_from < self.second {
            let later_ranks_from = self.rows[later_turn_from as usize].admitted_through;
            let claimed_before_threshold = if later_ranks_from == 0 {
                0
            } else {
                self.claimed_ranks
                    .count_up_to((later_ranks_from - 1) as u32)
            };
            if self.claims > claimed_before_threshold {
                self.overtaken_claims += 1;
            }
        }
        self.claimed_ranks.add(rank);
        self.claims += 1;
        true
    }

    fn book(&mut self, id: u32) {
        let c = id as usize;
        if self.clients[c].flags & flag::CLAIMED == 0 {
            self.invariants.bookings_without_admission += 1;
        }
        self.clients[c].stage = stage::DONE;
        self.active_sessions -= 1;
        self.bookings += 1;
    }

    // ----- naive clients -----

    fn push_hazard(&mut self, id: u32) {
        let key = self.cumulative_hazard + exponential(&mut self.rng, 1.0);
        self.hazard_queue.push(Reverse((key.to_bits(), id)));
    }

    fn start_queue_reloading(&mut self, id: u32) {
        self.reloaders += 1;
        let leave_s = (self.clients[id as usize].deadline_ms / 1000) as usize;
        if leave_s < self.reloaders_leaving.len() {
            self.reloaders_leaving[leave_s] -= 1;
        }
    }

    /// Stops a queue stint's reloading early (admitted or lapsed), unless patience already ended
    /// it.
    fn stop_queue_reloading(&mut self, id: u32, now: u32) {
        let leave_s = (self.clients[id as usize].deadline_ms / 1000) as usize;
        if leave_s <= (now / 1000) as usize && leave_s <= self.second as usize {
            return;
        }
        self.reloaders -= 1;
        if leave_s < self.reloaders_leaving.len() {
            self.reloaders_leaving[leave_s] += 1;
        }
    }

    fn naive_arrive(&mut self, id: u32, now: u32) {
        self.start_queue_reloading(id);
        if self.origin_request(RequestKind::State) {
            self.naive_joined(id, now);
        } else {
            self.clients[id as usize].stage = stage::N_JOIN;
            self.push_hazard(id);
        }
    }

    fn naive_joined(&mut self, id: u32, now: u32) {
        self.join(id, now);
        let c = id as usize;
        self.clients[c].stage = stage::N_WAIT;
        if self.clients[c].rank != NONE {
            self.record_first_position(c, now);
        }
    }

    /// The naive clients whose next successful reload falls in this second.
    fn release_naive_successes(&mut self) {
        let step = self.success_probability / self.naive_mean_gap_s;
        let before = self.cumulative_hazard;
        self.cumulative_hazard += step;
        while let Some(&Reverse((key_bits, id))) = self.hazard_queue.peek() {
            let key = f64::from_bits(key_bits);
            if key > self.cumulative_hazard {
                break;
            }
            self.hazard_queue.pop();
            self.events += 1;
            let fraction = if step > 0.0 {
                ((key - before) / step).clamp(0.0, 0.999)
            } else {
                0.0
            };
            let now = self.now_floor_ms() + (fraction * 1000.0) as u32;
            self.naive_success(id, now);
        }
    }

    fn naive_success(&mut self, id: u32, now: u32) {
        let c = id as usize;
        let st = self.clients[c].stage;
        if matches!(st, stage::N_JOIN | stage::N_SHOW | stage::N_NOTICE)
            && now >= self.clients[c].deadline_ms
        {
            self.clients[c].stage = stage::ABANDONED;
            return;
        }
        match st {
            stage::N_JOIN => self.naive_joined(id, now),
            stage::N_SHOW => {
                self.record_first_position(c, now);
                if u64::from(self.clients[c].rank) < self.admitted_through {
                    self.naive_claim(id, now);
                } else {
                    self.clients[c].stage = stage::N_WAIT;
                }
            }
            stage::N_NOTICE => self.naive_claim(id, now),
            stage::N_BOOK_RETRY => {
                self.count_booking_requests();
                self.reloaders -= 1;
                self.book(id);
            }
            _ => {}
        }
    }

    /// The page shows "your turn" and the admit request goes out.
    fn naive_claim(&mut self, id: u32, now: u32) {
        let c = id as usize;
        if !self.origin_request(RequestKind::Admit) {
            self.clients[c].stage = stage::N_NOTICE;
            self.push_hazard(id);
            return;
        }
        if self.claim(id, now) {
            self.stop_queue_reloading(id, now);
            let duration = uniform(
                &mut self.rng,
                self.scenario.booking.min_s,
                self.scenario.booking.max_s,
            );
            self.schedule(id, now + (duration * 1000.0) as u32, stage::N_BOOK);
        } else {
            self.stop_queue_reloading(id, now);
        }
    }

    fn naive_book(&mut self, id: u32) {
        if self.booking_request() {
            self.book(id);
        } else {
            self.clients[id as usize].stage = stage::N_BOOK_RETRY;
            self.reloaders += 1;
            self.push_hazard(id);
        }
    }

    // ----- results -----

    fn finish(self) -> Measures {
        let end_ms = self.second * 1000;
        let mut abandoned = 0u64;
        let mut lapsed = 0u64;
        let mut unresolved = 0u64;
        for c in 0..self.clients.len() {
            match self.clients[c].stage {
                stage::DONE => {}
                stage::ABANDONED => abandoned += 1,
                stage::LAPSED => lapsed += 1,
                stage::N_WAIT | stage::N_JOIN | stage::N_SHOW | stage::N_NOTICE
                    if self.clients[c].deadline_ms <= end_ms =>
                {
                    abandoned += 1
                }
                _ => unresolved += 1,
            }
        }
        let (honesty, first_ranges) = self.honesty.finish();
        Measures::from_run(crate::metrics::RunTotals {
            scenario: self.scenario.name.clone(),
            population: self.population.name().to_string(),
            seed: self.scenario.seed,
            citizens: u64::from(self.scenario.citizens),
            capacity_per_server: RequestKind::ALL
                .map(|kind| self.scenario.capacity_per_server(kind)),
            rows: self.rows,
            bookings: self.bookings,
            abandoned,
            lapsed,
            unresolved,
            first_position_ms: self.first_position_ms,
            notice_lag_ms: self.notice_lag_ms,
            relative_half_widths: self.relative_half_widths,
            ranges_judged: self.ranges_judged,
            ranges_inside: self.ranges_inside,
            ranges_early: self.ranges_early,
            ranges_judged_steady: self.ranges_judged_steady,
            ranges_inside_steady: self.ranges_inside_steady,
            claims: self.claims,
            overtaken_claims: self.overtaken_claims,
            invariants: self.invariants,
            retry_afters_received: self.retry_afters_received,
            events: self.events,
            honesty,
            first_ranges,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Client;

    #[test]
    fn a_client_record_is_two_cache_lines() {
        // The run is bound by memory latency; a third line per client would cost about a third
        // more time. Move a field to a side array if core's scheduler grows.
        assert_eq!(core::mem::size_of::<Client>(), 128);
        assert_eq!(core::mem::align_of::<Client>(), 64);
    }
}
