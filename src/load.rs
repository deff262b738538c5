//! Data loaded from the server into a signal: the widget's three loads (the campaign, the sites,
//! a day's times) use this instead of Leptos's `LocalResource`, whose async machinery was about
//! 30 KB of the wasm for those three types. The machinery here is compiled once for all three:
//! answers travel type-erased and [`Loaded::get`] gives them back typed.
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

use core::any::Any;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;

use crate::erased;

/// An answer of any type, shared.
type Answer = Rc<dyn Any>;
/// A load in flight.
type Pending = Pin<Box<dyn Future<Output = Answer>>>;

/// The latest answer of a [`load`]: `None` until the first one comes.
pub struct Loaded<T> {
    answer: ReadSignal<Option<Answer>, LocalStorage>,
    kind: PhantomData<fn() -> T>,
}

impl<T> Clone for Loaded<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Loaded<T> {}

impl<T: Clone + 'static> Loaded<T> {
    /// The latest answer (tracked, like a signal's `get`).
    pub fn get(&self) -> Option<T> {
        self.answer
            .with(|answer| answer.as_ref()?.downcast_ref::<T>().cloned())
    }
}

/// Runs `fetch` now, and again whenever a signal it reads (outside its future) changes; the
/// result holds the latest answer: `None` until the first one comes, then the last one (kept
/// while a new one loads). A run still in flight is cancelled when the inputs change or the
/// component goes away, so an old answer never overwrites a newer one.
pub fn load<T, Fut>(fetch: impl Fn() -> Fut + 'static) -> Loaded<T>
where
    T: 'static,
    Fut: Future<Output = T> + 'static,
{
    let answer = load_erased(Box::new(move || {
        let pending = fetch();
        Box::pin(async move { Rc::new(pending.await) as Answer }) as Pending
    }));
    Loaded {
        answer,
        kind: PhantomData,
    }
}

/// [`load`] without its type: the one copy of the effect and the task.
fn load_erased(fetch: Box<dyn Fn() -> Pending>) -> ReadSignal<Option<Answer>, LocalStorage> {
    let (answer, set_answer) = signal_local(None);
    erased::effect(Box::new(move || {
        let pending = fetch();
        erased::spawn(Box::pin(async move {
            let value = pending.await;
            set_answer.set(Some(value));
        }));
    }));
    answer
}
