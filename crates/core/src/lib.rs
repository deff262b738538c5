//! Fairline core: everything the widget and the server must agree on, as pure Rust.
//!
//! This crate imports no web, server or database crate and never reads a clock or a random
//! source of its own: time and randomness are passed in. It is compiled natively for the server
//! and the simulator, and to `wasm32-unknown-unknown` for the widget, and its test suite runs on
//! both targets.

// Campaigns, citizen input, eligibility and the campaign check.
pub mod campaign;
pub mod check;
pub mod eligibility;
pub mod error;
pub mod person;

// Queue maths: wire types, fair draw, position, wait estimate, polling and the server clock.
pub mod clock;
pub mod draw;
pub mod estimate;
pub mod poll;
pub mod position;
pub mod rng;
pub mod wire;

// Booking wire types and the token form of signed claims.
pub mod booking;
pub mod token;
