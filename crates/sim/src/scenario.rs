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
    /// Requests per second each server answers; the excess is shed with 503 + Retry-After.
    pub capacity_per_server_rps: f64,
    /// Retry-After, in seconds, of a shed request.
    pub shed_retry_after_s: u32,
    /// Server count from a time on (seconds relative to T0), in time order.
    pub servers: Vec<ServerStep>,
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
