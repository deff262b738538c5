//! One radio choice with an optional "places left / full" detail, shared by the pickers.

use leptos::prelude::*;

/// A radio in `group` with an optional detail; a disabled one (full) cannot be picked.
pub fn radio(
    group: &'static str,
    id: String,
    label: String,
    detail: Option<String>,
    disabled: bool,
    checked: impl Fn() -> bool + Send + Sync + 'static,
    on_pick: impl Fn() + 'static,
) -> impl IntoView {
    let detail_id = format!("{id}-detail");
    let described = detail.as_ref().map(|_| detail_id.clone());
    view! {
        <div class="fl-choice" class:fl-choice-full=disabled>
            <input type="radio" name=group id=id.clone() disabled=disabled
                aria-describedby=described
                prop:checked=checked on:change=move |_| on_pick() />
            <label for=id>
                {label}
                {detail.map(|d| view! { <span class="fl-detail" id=detail_id>{d}</span> })}
            </label>
        </div>
    }
}
