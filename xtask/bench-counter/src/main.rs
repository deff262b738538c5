//! A bare Leptos counter (one button, one signal): the baseline the widget's first-load size is
//! compared with by `cargo xtask bench`.

use leptos::prelude::*;

fn main() {
    mount_to_body(|| {
        let (count, set_count) = signal(0);
        view! {
            <button on:click=move |_| set_count.update(|count| *count += 1)>
                "Clicked " {count} " times"
            </button>
        }
    });
}
