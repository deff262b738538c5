//! Step 1 in the simplified mode: one question a screen — name, date of birth (year, month and
//! day as three number fields), mobile number — then the result and the join. The same core
//! checks as the standard form, shown one field at a time; the details live in the session, so
//! switching mode keeps them.

use fairline_core::{
    eligibility::{evaluate, may_join},
    person::Field,
};
use leptos::prelude::*;

use crate::browser;
use crate::check_step::{field_errors, VerdictView};
use crate::erased;
use crate::i18n::{tr, use_i18n, Msg};
use crate::requests::{Request, Requests};
use crate::session::Session;

/// The questions, in order.
const QUESTIONS: [Field; 3] = [Field::Name, Field::BirthDate, Field::Mobile];

/// The birth date typed as three numbers, or `None` when a part is missing or not a number.
pub fn birth_date_from_parts(year: &str, month: &str, day: &str) -> Option<String> {
    let number = |text: &str, digits: core::ops::RangeInclusive<usize>| {
        let text = text.trim();
        (digits.contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse::<u32>().ok())
            .flatten()
    };
    let (year, month, day) = (
        number(year, 4..=4)?,
        number(month, 1..=2)?,
        number(day, 1..=2)?,
    );
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

/// The year, month and day of a `YYYY-MM-DD` text (empty parts when it is not one), to fill
/// the three fields from details typed before.
pub fn birth_date_parts(date: &str) -> [String; 3] {
    let mut parts = date.splitn(3, '-').map(str::trim);
    let year = parts.next().unwrap_or_default().to_owned();
    let mut unpadded = || {
        parts
            .next()
            .unwrap_or_default()
            .trim_start_matches('0')
            .to_owned()
    };
    [year, unpadded(), unpadded()]
}

/// One input of a question screen.
fn number_field(
    id: &'static str,
    label: Msg,
    value: RwSignal<String>,
    invalid: Signal<bool>,
    width: &'static str,
) -> impl IntoView {
    view! {
        <div class="fl-field">
            <label for=id>{tr(label)}</label>
            <input id=id type="text" inputmode="numeric" class=width
                aria-invalid=move || if invalid.get() { "true" } else { "false" }
                aria-describedby="fl-question-error"
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev)) />
        </div>
    }
}

/// The questions, then the result.
#[component]
pub fn SimpleCheck() -> impl IntoView {
    let session = expect_context::<Session>();
    let join_action = expect_context::<Requests>().join;
    let i18n = use_i18n();
    let details = session.details;
    let campaign = session.campaign;
    // 0, 1, 2: the questions; 3: the result.
    let screen = RwSignal::new(0usize);
    let error: RwSignal<Option<Msg>> = RwSignal::new(None);
    let [year, month, day] =
        birth_date_parts(&details.with_untracked(|d| d.birth_date.clone())).map(RwSignal::new);
    let invalid = Signal::derive(move || error.get().is_some());

    erased::effect(Box::new(move || {
        screen.track();
        browser::focus_id("fl-step-heading");
    }));

    let next = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let at = screen.get_untracked();
        let Some(&field) = QUESTIONS.get(at) else {
            return;
        };
        if field == Field::BirthDate {
            let typed = birth_date_from_parts(
                &year.get_untracked(),
                &month.get_untracked(),
                &day.get_untracked(),
            );
            let Some(typed) = typed else {
                error.set(Some(Msg::BirthPartsMissing));
                return;
            };
            details.update(|d| d.birth_date = typed);
        }
        let problem = field_errors(&details.get_untracked())
            .into_iter()
            .find(|e| e.field == field)
            .map(|e| crate::check_step::field_error(e.field, e.code));
        error.set(problem);
        if problem.is_none() {
            screen.set(at + 1);
        }
    };
    let back = move |_| {
        error.set(None);
        join_action.clear();
        screen.update(|at| *at = at.saturating_sub(1));
    };

    let text_field = move |field: Field| {
        let (id, autocomplete, inputmode) = match field {
            Field::Name => ("fl-name", "name", "text"),
            _ => ("fl-mobile", "tel", "tel"),
        };
        let label = if field == Field::Name {
            Msg::FieldName
        } else {
            Msg::FieldMobile
        };
        view! {
            <div class="fl-field">
                <label for=id>{tr(label)}</label>
                <input id=id name=field.as_str() type="text" autocomplete=autocomplete
                    inputmode=inputmode
                    aria-invalid=move || if invalid.get() { "true" } else { "false" }
                    aria-describedby="fl-question-error"
                    prop:value=move || details.with(|d| match field {
                        Field::Name => d.name.clone(),
                        _ => d.mobile.clone(),
                    })
                    on:input=move |ev| {
                        let typed = event_target_value(&ev);
                        details.update(|d| match field {
                            Field::Name => d.name = typed,
                            _ => d.mobile = typed,
                        });
                    } />
            </div>
        }
    };

    let question = move || {
        let at = screen.get();
        let (ask, help) = match QUESTIONS.get(at)? {
            Field::Name => (Msg::AskName, Msg::AskNameHelp),
            Field::BirthDate => (Msg::AskBirthDate, Msg::AskBirthDateHelp),
            _ => (Msg::AskMobile, Msg::AskMobileHelp),
        };
        let fields = match QUESTIONS[at] {
            Field::BirthDate => view! {
                <div class="fl-date-parts">
                    {number_field("fl-birth-year", Msg::BirthYear, year, invalid, "fl-year")}
                    {number_field("fl-birth-month", Msg::BirthMonth, month, invalid, "fl-two")}
                    {number_field("fl-birth-day", Msg::BirthDay, day, invalid, "fl-two")}
                </div>
            }
            .into_any(),
            field => text_field(field).into_any(),
        };
        let counter = (at + 1).to_string();
        Some(view! {
            <form novalidate on:submit=next>
                <p class="fl-counter">
                    {move || Msg::StepCounter.fill(i18n.locale(), &[("at", &counter), ("of", "3")])}
                </p>
                <h2 id="fl-step-heading" tabindex="-1">{tr(ask)}</h2>
                <p>{tr(help)}</p>
                {move || error.get().map(|e| view! {
                    <p class="fl-field-error" id="fl-question-error" role="alert">{tr(e)}</p>
                })}
                {fields}
                <button type="submit" class="fl-primary" id="fl-next">{tr(Msg::Next)}</button>
                {(at > 0).then(|| view! {
                    <button type="button" class="fl-secondary" id="fl-back" on:click=back>
                        {tr(Msg::Back)}
                    </button>
                })}
            </form>
        })
    };

    let result_session = session.clone();
    let joining = join_action.pending();
    let result = move || {
        if screen.get() < QUESTIONS.len() {
            return None;
        }
        let person = details.get().parse().ok()?;
        let now = result_session.server_now()?;
        let campaign_now = campaign.get();
        let verdict = evaluate(&campaign_now, &person, now);
        let joinable = may_join(&campaign_now, &details.get_untracked(), now);
        let refusal = move || {
            join_action.value().with(|outcome| match outcome {
                Some(Err(failure)) => Some(failure.citizen_message()),
                _ => None,
            })
        };
        let server_now = Signal::derive({
            let session = result_session.clone();
            move || session.server_now()
        });
        Some(view! {
            <h2 id="fl-step-heading" tabindex="-1">{tr(Msg::AskResult)}</h2>
            <VerdictView verdict campaign=campaign_now server_now />
            {if joinable {
                view! {
                    <button type="button" class="fl-primary" id="fl-join"
                        disabled=move || joining.get()
                        on:click=move |_| {
                            join_action.clear();
                            join_action.dispatch_local(Request::Join(details.get_untracked()));
                        }>
                        {move || i18n.t(if joining.get() { Msg::Joining } else { Msg::JoinButton })}
                    </button>
                }
                .into_any()
            } else {
                view! { <p class="fl-strong">{tr(Msg::CannotJoin)}</p> }.into_any()
            }}
            {move || refusal().map(|m| view! { <p class="fl-error">{tr(m)}</p> })}
            <button type="button" class="fl-secondary" id="fl-back" on:click=back>
                {tr(Msg::Back)}
            </button>
        })
    };

    view! {
        <section class="fl-step" aria-labelledby="fl-step-heading">
            {question}
            {result}
        </section>
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn three_numbers_make_a_date_and_a_date_makes_three_numbers() {
        assert_eq!(
            birth_date_from_parts("1964", "3", "15").as_deref(),
            Some("1964-03-15")
        );
        assert_eq!(
            birth_date_from_parts(" 1964 ", "03", "5").as_deref(),
            Some("1964-03-05")
        );
        assert_eq!(birth_date_from_parts("64", "3", "15"), None);
        assert_eq!(birth_date_from_parts("1964", "", "15"), None);
        assert_eq!(birth_date_from_parts("1964", "3월", "15"), None);
        assert_eq!(birth_date_from_parts("1964", "123", "15"), None);
        assert_eq!(birth_date_parts("1964-03-05"), ["1964", "3", "5"]);
        assert_eq!(birth_date_parts(""), ["", "", ""]);
        assert_eq!(birth_date_parts("1964-00-00"), ["1964", "", ""]);
    }
}
