//! What the widget tells the page it is embedded in: DOM `CustomEvent`s on the host element
//! (`fairline:ready`, `fairline:step`, `fairline:position`, `fairline:admitted`,
//! `fairline:booked`, `fairline:cancelled`, `fairline:error`), bubbling and composed so they
//! leave a shadow root. Payloads carry what a host may act on and nothing personal: never a
//! name, a birth date, a mobile number, a ticket or a booking secret.
//!
//! # Usage
//!
//! ```ignore
//! // Mounting provides the host: `mount` and `embed` do this.
//! provide_context(HostEvents::new(Some(host.into())));
//! // Anywhere below it:
//! use_host_events().send(&HostEvent::Step("wait"));
//! ```
//!
//! A host listens like this: `element.addEventListener('fairline:booked', (e) =>
//! console.log(e.detail.reference))`.

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsValue;

/// One thing the host may want to know, with its payload.
#[derive(Debug, Clone, PartialEq)]
pub enum HostEvent {
    /// The campaign is loaded and the first step shows: `fairline:ready` (`{campaign}`).
    Ready { campaign: String },
    /// The citizen is on another step: `fairline:step` (`{step}`: `check`, `wait`, `choose`,
    /// `done`).
    Step(&'static str),
    /// The place in the queue changed meaningfully (first known, or fewer digits of people
    /// ahead): `fairline:position` (`{rank, ahead}`).
    Position { rank: u64, ahead: u64 },
    /// Admitted to choose a place and time: `fairline:admitted` (`{}`).
    Admitted,
    /// Booked: `fairline:booked` (`{reference}`, the reference the citizen shows on the day).
    Booked { reference: String },
    /// The booking was cancelled: `fairline:cancelled` (`{reference}`).
    Cancelled { reference: String },
    /// A request failed: `fairline:error` (`{code}`: the server's stable error code, or
    /// `network` when it could not be reached).
    Error { code: &'static str },
}

impl HostEvent {
    /// The event's DOM name.
    pub fn name(&self) -> &'static str {
        match self {
            HostEvent::Ready { .. } => "fairline:ready",
            HostEvent::Step(_) => "fairline:step",
            HostEvent::Position { .. } => "fairline:position",
            HostEvent::Admitted => "fairline:admitted",
            HostEvent::Booked { .. } => "fairline:booked",
            HostEvent::Cancelled { .. } => "fairline:cancelled",
            HostEvent::Error { .. } => "fairline:error",
        }
    }

    /// The payload's members, in order.
    pub fn detail(&self) -> Vec<(&'static str, Detail)> {
        match self {
            HostEvent::Ready { campaign } => vec![("campaign", Detail::Text(campaign.clone()))],
            HostEvent::Step(step) => vec![("step", Detail::Text((*step).to_owned()))],
            HostEvent::Position { rank, ahead } => vec![
                ("rank", Detail::Number(*rank)),
                ("ahead", Detail::Number(*ahead)),
            ],
            HostEvent::Admitted => Vec::new(),
            HostEvent::Booked { reference } | HostEvent::Cancelled { reference } => {
                vec![("reference", Detail::Text(reference.clone()))]
            }
            HostEvent::Error { code } => vec![("code", Detail::Text((*code).to_owned()))],
        }
    }
}

/// A payload value.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    /// A string.
    Text(String),
    /// A whole number (ranks and counts stay far below 2^53).
    Number(u64),
}

/// Where the widget's events go: the element it is mounted in (none in a bare component test),
/// and in a partner's iframe the parent page too ([`crate::frame_link`]).
#[derive(Debug, Clone, Default)]
pub struct HostEvents {
    target: Option<SendWrapper<web_sys::EventTarget>>,
    parent: Option<String>,
}

impl HostEvents {
    /// Events for `target`.
    pub fn new(target: Option<web_sys::EventTarget>) -> Self {
        Self {
            target: target.map(SendWrapper::new),
            parent: None,
        }
    }

    /// The same events also posted to the parent page at `origin` (and to no other origin).
    pub fn to_parent(mut self, origin: Option<String>) -> Self {
        self.parent = origin;
        self
    }

    /// Dispatches `event` on the host (bubbling, composed) and posts it to the parent page when
    /// there is one; nothing without either.
    pub fn send(&self, event: &HostEvent) {
        let detail = js_sys::Object::new();
        for (key, value) in event.detail() {
            let value = match value {
                Detail::Text(text) => JsValue::from_str(&text),
                Detail::Number(number) => JsValue::from_f64(number as f64),
            };
            let _ = js_sys::Reflect::set(&detail, &JsValue::from_str(key), &value);
        }
        if let Some(origin) = &self.parent {
            crate::frame_link::post(origin, event.name(), &detail);
        }
        let Some(target) = &self.target else {
            return;
        };
        let init = web_sys::CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_detail(&detail);
        if let Ok(dom_event) = web_sys::CustomEvent::new_with_event_init_dict(event.name(), &init) {
            let _ = target.dispatch_event(&dom_event);
        }
    }
}

/// The mounted widget's host events (none when nothing provided them).
pub fn use_host_events() -> HostEvents {
    use_context::<HostEvents>().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::{Detail, HostEvent};

    #[test]
    fn every_event_has_its_documented_name_and_no_personal_detail() {
        let booked = HostEvent::Booked {
            reference: "FL-KUWM-RDEZ".into(),
        };
        assert_eq!(booked.name(), "fairline:booked");
        assert_eq!(
            booked.detail(),
            vec![("reference", Detail::Text("FL-KUWM-RDEZ".into()))]
        );
        let position = HostEvent::Position { rank: 7, ahead: 3 };
        assert_eq!(position.name(), "fairline:position");
        assert_eq!(
            position.detail(),
            vec![("rank", Detail::Number(7)), ("ahead", Detail::Number(3))]
        );
        assert_eq!(HostEvent::Step("wait").name(), "fairline:step");
        assert!(HostEvent::Admitted.detail().is_empty());
        assert_eq!(
            HostEvent::Error { code: "network" }.detail(),
            vec![("code", Detail::Text("network".into()))]
        );
    }
}
