//! Scenario files: the opening being simulated (arrivals, clients, origin, cache, admission,
//! bookings, outages), read from TOML.

use serde::Deserialize;

/// Which clients a run simulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Population {
    /// Everyone reloads every few seconds, as in 2021.
    Naive,
    /// Everyone runs the Fairline widget's policy (core's code).
    Fairline,
    /// The mix the scenario file states (`clients.fairline_share`).
    Mixed,
}

impl Population {
    /// The name used in tables, CSV files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Population::Naive => "naive",
            Population::Fairline => "fairline",
            Population::Mixed => "mixed",
        }
    }
}

/// A whole scenario file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name, used in output file names.
    pub name: String,
    /// Seed of every random draw in the run.
    pub seed: u64,
    /// Number of citizens who arrive.
    pub citizens: u32,
    /// The opening (T0) in Unix milliseconds; the draw is revealed then.
    pub opening_unix_ms: i64,
    /// The run stops at the latest this long after the opening.
    pub horizon_after_opening_s: u32,
    /// When citizens arrive.
    pub arrivals: Arrivals,
    /// What the clients do.
    pub clients: Clients,
    /// The origin server.
    pub origin: Origin,
    /// The cache in front of the queue-state document.
    pub cache: Cache,
    /// The polling hints the state document carries.
    pub poll_hints: Hints,
    /// How fast the queue is admitted.
    pub admission: Admission,
    /// Booking sessions.
    pub booking: Booking,
    /// Intervals during which the origin answers 503 + Retry-After.
    #[serde(default)]
    pub outages: Vec<Outage>,
}

/// The arrival curve: a share in the pre-queue window before T0 (uniform), a spike after T0
/// (exponential) and a tail (exponential with a longer mean).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Arrivals {
    /// Share arriving before the opening (into the pre-queue).
    pub before_opening_share: f64,
    /// The pre-queue arrivals spread uniformly over this many seconds before T0.
    pub before_opening_window_s: u32,
    /// Share arriving in the spike after T0.
    pub spike_share: f64,
    /// Mean delay after T0 of a spike arrival.
    pub spike_mean_s: f64,
    /// Mean delay after T0 of a tail arrival (the rest).
    pub tail_mean_s: f64,
}

/// The client populations.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clients {
    /// Share of citizens running the Fairline widget in a mixed run.
    pub fairline_share: f64,
    /// Share of Fairline widgets whose page stays hidden while waiting.
    pub hidden_share: f64,
    /// Mean patience in the queue (exponential), for both kinds of client.
    pub patience_mean_s: f64,
    /// Shortest gap between two naive reloads.
    pub naive_reload_min_s: f64,
    /// Longest gap between two naive reloads.
    pub naive_reload_max_s: f64,
}

/// The origin server.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    /// Requests per second each server answers, for every kind of request that
    /// [`Origin::capacities`] does not set; the excess is shed with 503 + Retry-After.
    pub capacity_per_server_rps: f64,
    /// Per-kind capacities of one server (`[origin.capacities]`, or a `--capacities` file), each
    /// overriding `capacity_per_server_rps` for its kind.
    #[serde(default)]
    pub capacities: CapacityOverrides,
    /// Retry-After, in seconds, of a shed request.
    pub shed_retry_after_s: u32,
    /// Server count from a time on (seconds relative to T0), in time order.
    pub servers: Vec<ServerStep>,
}

/// The kinds of origin request, each with its own capacity per server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    /// A Fairline join (`POST …/queue`): eligibility, a ticket, a durable row.
    Join,
    /// A queue-state or page request: the cache's refresh of the state document, and every naive
    /// page load and reload (the page shows the queue state, and a reload cannot be cached).
    State,
    /// An admit request (`POST …/queue/admit`), Fairline's or a naive client's.
    Admit,
    /// A booking POST (the first of a booking's `booking.origin_requests`; the others — slot
    /// look-up, confirmation page — are state requests).
    Booking,
}

impl RequestKind {
    /// Every kind, in the order of [`RequestKind::index`].
    pub const ALL: [RequestKind; 4] = [
        RequestKind::Join,
        RequestKind::State,
        RequestKind::Admit,
        RequestKind::Booking,
    ];

    /// Position in per-kind arrays.
    pub fn index(self) -> usize {
        match self {
            RequestKind::Join => 0,
            RequestKind::State => 1,
            RequestKind::Admit => 2,
            RequestKind::Booking => 3,
        }
    }

    /// The key of this kind's capacity in a capacities file.
    pub fn capacity_key(self) -> &'static str {
        match self {
            RequestKind::Join => "joins_per_s",
            RequestKind::State => "state_requests_per_s",
            RequestKind::Admit => "admits_per_s",
            RequestKind::Booking => "bookings_per_s",
        }
    }
}

/// Per-kind capacities of one server, requests per second; a kind left out keeps
/// `origin.capacity_per_server_rps`. The same keys make a capacities file
/// (`cargo xtask bench` writes `crates/sim/capacities.toml` from its measurements):
///
/// ```toml
/// joins_per_s = 5023.0
/// state_requests_per_s = 106272.0
/// admits_per_s = 5023.0
/// bookings_per_s = 807.0
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityOverrides {
    /// Joins per second.
    pub joins_per_s: Option<f64>,
    /// Queue-state (and naive page) requests per second.
    pub state_requests_per_s: Option<f64>,
    /// Admit requests per second.
    pub admits_per_s: Option<f64>,
    /// Booking POSTs per second.
    pub bookings_per_s: Option<f64>,
}

impl CapacityOverrides {
    /// Reads a capacities file's text; every value present must be a positive, finite number.
    pub fn from_toml_str(text: &str) -> Result<Self, String> {
        let overrides: CapacityOverrides =
            toml::from_str(text).map_err(|error| error.to_string())?;
        overrides.check("")?;
        Ok(overrides)
    }

    /// These overrides, and `base`'s for the kinds these leave out.
    pub fn over(self, base: CapacityOverrides) -> Self {
        Self {
            joins_per_s: self.joins_per_s.or(base.joins_per_s),
            state_requests_per_s: self.state_requests_per_s.or(base.state_requests_per_s),
            admits_per_s: self.admits_per_s.or(base.admits_per_s),
            bookings_per_s: self.bookings_per_s.or(base.bookings_per_s),
        }
    }

    /// The override of `kind`, if any.
    pub fn get(&self, kind: RequestKind) -> Option<f64> {
        match kind {
            RequestKind::Join => self.joins_per_s,
            RequestKind::State => self.state_requests_per_s,
            RequestKind::Admit => self.admits_per_s,
            RequestKind::Booking => self.bookings_per_s,
        }
    }

    /// Rejects a value that is not a positive, finite number, naming its key (after `prefix`).
    pub fn check(&self, prefix: &str) -> Result<(), String> {
        for kind in RequestKind::ALL {
            if let Some(value) = self.get(kind) {
                positive(&format!("{prefix}{}", kind.capacity_key()), value)?;
            }
        }
        Ok(())
    }
}

fn positive(name: &str, value: f64) -> Result<(), String> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(format!(
            "{name} must be a positive number of requests per second, not {value}"
        ))
    }
}

/// From `from_s` (relative to T0) on, `servers` servers run.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerStep {
    /// Seconds relative to the opening.
    pub from_s: i64,
    /// Number of servers.
    pub servers: u32,
}

/// The cache in front of the queue state.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cache {
    /// `max-age` of the queue-state document.
    pub ttl_s: u32,
}

/// The state document's polling hints.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hints {
    /// Polling floor, seconds.
    pub min_s: u32,
    /// Polling ceiling, seconds.
    pub max_s: u32,
}

/// Admission control.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Admission {
    /// Ranks admitted per second for each running server.
    pub rate_per_server_per_s: f64,
    /// Admitted-but-unfinished sessions at most.
    pub max_sessions: u32,
    /// An admission not claimed within this many seconds lapses and frees its session.
    pub claim_window_s: u32,
}

/// Booking sessions.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Booking {
    /// Shortest session.
    pub min_s: f64,
    /// Longest session (uniform between).
    pub max_s: f64,
    /// Origin requests a booking makes at its end.
    pub origin_requests: u32,
}

/// The origin answers every request with 503 + Retry-After during `[from_s, from_s + duration_s)`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outage {
    /// Start, seconds relative to T0.
    pub from_s: i64,
    /// Length in seconds.
    pub duration_s: u32,
    /// Retry-After sent meanwhile.
    pub retry_after_s: u32,
}

impl Scenario {
    /// Parses and checks a scenario file's text.
    pub fn from_toml_str(text: &str) -> Result<Self, String> {
        let scenario: Scenario = toml::from_str(text).map_err(|error| error.to_string())?;
        scenario.check()?;
        Ok(scenario)
    }

    /// Rejects scenarios the engine cannot run.
    pub fn check(&self) -> Result<(), String> {
        let share = |name: &str, value: f64| {
            if (0.0..=1.0).contains(&value) {
                Ok(())
            } else {
                Err(format!("{name} must be between 0 and 1, not {value}"))
            }
        };
        share(
            "arrivals.before_opening_share",
            self.arrivals.before_opening_share,
        )?;
        share("arrivals.spike_share", self.arrivals.spike_share)?;
        share(
            "arrivals.before_opening_share + spike_share",
            self.arrivals.before_opening_share + self.arrivals.spike_share,
        )?;
        share("clients.fairline_share", self.clients.fairline_share)?;
        share("clients.hidden_share", self.clients.hidden_share)?;
        positive(
            "origin.capacity_per_server_rps",
            self.origin.capacity_per_server_rps,
        )?;
        self.origin.capacities.check("origin.capacities.")?;
        if self.origin.servers.is_empty() {
            return Err("origin.servers needs at least one step".into());
        }
        if self.clients.naive_reload_min_s <= 0.0
            || self.clients.naive_reload_max_s < self.clients.naive_reload_min_s
        {
            return Err("naive reload gaps must satisfy 0 < min <= max".into());
        }
        if self.booking.min_s < 1.0 || self.booking.max_s < self.booking.min_s {
            return Err("booking durations must satisfy 1 <= min <= max".into());
        }
        if self.cache.ttl_s == 0 {
            return Err("cache.ttl_s must be at least 1".into());
        }
        Ok(())
    }

    /// Requests of `kind` one server answers per second.
    pub fn capacity_per_server(&self, kind: RequestKind) -> f64 {
        self.origin
            .capacities
            .get(kind)
            .unwrap_or(self.origin.capacity_per_server_rps)
    }

    /// Servers running at `second` relative to T0.
    pub fn servers_at(&self, second: i64) -> u32 {
        self.origin
            .servers
            .iter()
            .take_while(|step| step.from_s <= second)
            .last()
            .or(self.origin.servers.first())
            .map_or(1, |step| step.servers)
    }

    /// The outage in force at `second` relative to T0, if any.
    pub fn outage_at(&self, second: i64) -> Option<&Outage> {
        self.outages.iter().find(|outage| {
            second >= outage.from_s && second < outage.from_s + i64::from(outage.duration_s)
        })
    }
}
