//! Data loaded from the server into a signal: the widget's three loads (the campaign, the sites,
//! a day's times) use this instead of Leptos's `LocalResource`, whose async machinery was about
//! 30 KB of the wasm for those three types.
//!
//! # Usage
//!
//! ```ignore
//! let sites = load(move || {
//!     let session = session.clone();
//!     async move { session.api.sites(&session.campaign_id()).await }
//! });
//! move || match sites.get() {
//!     None => "loading…",
//!     Some(Ok(listed)) => …,
//!     Some(Err(failure)) => …,
//! }
//! ```

use core::future::Future;

use leptos::prelude::*;

/// Runs `fetch` now, and again whenever a signal it reads (outside its future) changes; the
/// returned signal holds the latest answer: `None` until the first one comes, then the last one
/// (kept while a new one loads). A run still in flight is cancelled when the inputs change or the
/// component goes away, so an old answer never overwrites a newer one.
pub fn load<T, Fut>(fetch: impl Fn() -> Fut + 'static) -> ReadSignal<Option<T>, LocalStorage>
where
    T: 'static,
    Fut: Future<Output = T> + 'static,
{
    let (answer, set_answer) = signal_local(None);
    Effect::new(move |_| {
        let pending = fetch();
        leptos::task::spawn_local_scoped_with_cancellation(async move {
            let value = pending.await;
            set_answer.set(Some(value));
        });
    });
    answer
}
