//! Fairline core: everything the widget, the server and the simulator must agree on — types and
//! behaviour — as pure Rust.
//!
//! This crate imports no web, server or database crate and never reads a clock or a random
//! source of its own: time and randomness are passed in. It is compiled natively for the server
//! and the simulator, and to `wasm32-unknown-unknown` for the widget, and its test suite runs on
//! both targets.
//!
//! # Layers
//!
//! The modules below are declared in layers, lowest first (one blank-line-separated run a layer).
//! A module imports only modules of its own layer or a lower one, and never in a circle
//! (`cargo xtask test lint` checks both, and that core's dependency tree holds no web, server or
//! database crate):
//!
//! 1. **types**: [`person`] (citizen input), [`campaign`] (rules as data), [`locale`] (the
//!    languages), [`rng`], [`clock`], [`wire`] (what travels), [`token`];
//! 2. **rules and verdicts**: [`eligibility`], [`booking`] (wire types that carry verdicts),
//!    [`draw`] (the fair pre-queue), [`poll`] (the polling policy);
//! 3. **behaviour derived from them**, shared by widget, server and simulator: [`position`],
//!    [`estimate`], [`sampler`] (the published admission rate), [`schedule`] (one waiter's poll
//!    bookkeeping);
//! 4. **errors on top**: [`error`] names every layer's failures as one [`error::ErrorCode`];
//! 5. **readers and writers**: [`read`] reads every wire type from JSON and [`write`] writes what
//!    the widget sends, without serde (the widget's smaller path; tests hold both to serde).

// 1. Types.
pub mod campaign;
pub mod clock;
pub mod locale;
pub mod person;
pub mod rng;
pub mod token;
pub mod wire;

// 2. Rules and verdicts.
pub mod booking;
pub mod draw;
pub mod eligibility;
pub mod poll;

// 3. Behaviour derived from the rules.
pub mod estimate;
pub mod position;
pub mod sampler;
pub mod schedule;

// 4. Errors on top.
pub mod error;

// 5. Readers and writers of the wire types (every layer's types), for the widget.
pub mod read;
pub mod write;
