//! One compiled copy of Leptos's task and effect wrappers for the whole widget.
//!
//! `spawn_local_scoped_with_cancellation` and `Effect::new` are generic over the future or the
//! closure they are given, and each instantiation adds its own copy of the wrapper (cancellation,
//! owner, scheduling) to the first load, about a kilobyte of wasm each. Every task and effect of
//! the widget goes through the two functions here instead, boxed, so each wrapper is compiled
//! once: 1,755 bytes less brotli in the first load (BENCHMARKS.md, "The widget's first load").
//!
//! # Usage
//!
//! ```text
//! use crate::erased;
//!
//! // Runs again whenever a signal it reads changes; disposed with the current owner.
//! erased::effect(Box::new(move || browser::focus_id("fl-step-heading")));
//! // Cancelled when the current owner is cleaned up (the step leaves the screen).
//! erased::spawn(Box::pin(async move { poll_forever().await }));
//! ```

use core::future::Future;
use core::pin::Pin;

use leptos::prelude::*;

/// Runs `task` under the current owner, cancelled when the owner is cleaned up.
pub fn spawn(task: Pin<Box<dyn Future<Output = ()>>>) {
    leptos::task::spawn_local_scoped_with_cancellation(task);
}

/// An effect running `run` now and whenever a signal it read changes, owned by the current owner.
pub fn effect(run: Box<dyn Fn()>) {
    Effect::new(move |_: Option<()>| run());
}
