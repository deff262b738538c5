//! Step 1, check: the citizen's details checked as typed with core, the verdict from core before
//! anything is sent, the server's verdict when it differs, and the join.

use fairline_core::{
    campaign::Campaign,
    eligibility::{evaluate, may_join, Verdict, VerdictKind},
    person::{Field, FieldError, PersonInput},
    wire::unix_ms,
};
use leptos::prelude::*;
use time::OffsetDateTime;

use crate::format::{format_countdown, format_for_citizen};
use crate::requests::{Request, Requests};
use crate::session::{spawn_owned, Session};
use crate::{browser, text};

/// The order fields appear in, with their element ids.
pub const FIELDS: [(Field, &str); 4] = [
    (Field::Name, "fl-name"),
    (Field::BirthDate, "fl-birth-date"),
    (Field::Mobile, "fl-mobile"),
    (Field::ResidentNumberFront, "fl-resident"),
];

/// The element id of `field`'s input.
pub fn field_id(field: Field) -> &'static str {
    FIELDS
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, id)| *id)
        .unwrap_or("fl-name")
}

/// Every error core finds in `input`, in field order (empty when valid).
pub fn field_errors(input: &PersonInput) -> Vec<FieldError> {
    input.parse().err().unwrap_or_default()
}

/// The cohort's display name, or its id.
fn cohort_name(campaign: &Campaign, cohort: &str) -> String {
    campaign
        .cohort(cohort)
        .map(|c| c.names.en.clone())
        .unwrap_or_else(|| cohort.to_owned())
}

/// The sentence for `verdict` (and, for a window still ahead, the countdown from server time).
pub fn verdict_sentences(
    campaign: &Campaign,
    verdict: &Verdict,
    server_now: OffsetDateTime,
) -> Vec<String> {
    let local = |instant| {
        format_for_citizen(
            campaign.local(instant),
            crate::browser::device_offset_at(instant),
        )
    };
    match verdict {
        Verdict::EligibleNow { cohort, closes_at } => vec![text::verdict_eligible_now(
            &cohort_name(campaign, cohort),
            &local(*closes_at),
        )],
        Verdict::NotYet { cohort, opens_at } => {
            let left_ms = unix_ms(*opens_at)
                .saturating_sub(unix_ms(server_now))
                .max(0);
            vec![
                text::verdict_not_yet(&cohort_name(campaign, cohort), &local(*opens_at)),
                text::opens_in(&format_countdown(core::time::Duration::from_millis(
                    left_ms.unsigned_abs(),
                ))),
            ]
        }
        Verdict::Closed { cohort, closed_at } => vec![text::verdict_closed(
            &cohort_name(campaign, cohort),
            &local(*closed_at),
        )],
        Verdict::NotEligible { reason } => vec![text::verdict_not_eligible(reason)],
        Verdict::Invalid { errors } => std::iter::once(text::VERDICT_INVALID.to_owned())
            .chain(
                errors
                    .iter()
                    .map(|e| text::field_error(e.field, e.code).to_owned()),
            )
            .collect(),
    }
}

/// A verdict in words; the countdown follows server time.
#[component]
pub fn VerdictView(
    verdict: Verdict,
    campaign: Campaign,
    #[prop(into)] server_now: Signal<Option<OffsetDateTime>>,
) -> impl IntoView {
    let kind = verdict.kind().as_str();
    view! {
        <div class="fl-verdict" data-verdict=kind>
            {move || {
                server_now.get().map(|now| {
                    verdict_sentences(&campaign, &verdict, now)
                        .into_iter()
                        .map(|sentence| view! { <p>{sentence}</p> })
                        .collect_view()
                })
            }}
        </div>
    }
}

/// The form, the verdict and the join button.
#[component]
pub fn CheckStep() -> impl IntoView {
    let session = expect_context::<Session>();
    let join_action = expect_context::<Requests>().join;
    let input = session.details;
    let touched = RwSignal::new([false; 4]);
    let submitted = RwSignal::new(false);
    let checked = RwSignal::new(false);
    let server_verdict: RwSignal<Option<Verdict>> = RwSignal::new(None);
    let rules_reloaded = session.rules_reloaded;
    let joining = join_action.pending();
    let campaign = session.campaign;
    let owner = Owner::current().unwrap_or_default();

    // A refused join shows the server's verdict when it sent one, else the failure in words.
    let join_refusal = move || {
        join_action.value().with(|outcome| match outcome {
            Some(Err(failure)) => Some((failure.verdict().cloned(), failure.citizen_message())),
            _ => None,
        })
    };
    let shown_server_verdict = move || {
        join_refusal()
            .and_then(|(verdict, _)| verdict)
            .or_else(|| server_verdict.get())
    };
    let join_failure =
        move || join_refusal().and_then(|(verdict, m)| verdict.is_none().then_some(m));

    Effect::new(move |_| browser::focus_id("fl-step-heading"));

    let errors = Memo::new(move |_| field_errors(&input.get()));
    let error_for = move |field: Field| {
        let index = FIELDS.iter().position(|(f, _)| *f == field).unwrap_or(0);
        let shown = submitted.get() || touched.get()[index];
        if !shown {
            return None;
        }
        errors.with(|errors| {
            errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| text::field_error(e.field, e.code))
        })
    };

    let server_now_session = session.clone();
    let server_now = move || server_now_session.server_now();
    let local_verdict = {
        let server_now = server_now.clone();
        Memo::new(move |_| {
            if !checked.get() {
                return None;
            }
            let input = input.get();
            let person = input.parse().ok()?;
            let now = server_now()?;
            Some(campaign.with(|c| evaluate(c, &person, now)))
        })
    };

    let check_session = session.clone();
    let check_owner = owner.clone();
    let on_check = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        join_action.clear();
        let current = input.get_untracked();
        let problems = field_errors(&current);
        if !problems.is_empty() {
            checked.set(false);
            check_session.announce(text::ERROR_SUMMARY_HEADING);
            request_animation_frame(|| browser::focus_id("fl-error-summary"));
            return;
        }
        checked.set(true);
        server_verdict.set(None);
        request_animation_frame(|| browser::focus_id("fl-verdict-heading"));
        // Confirm with the server (a check, not a join) and reload the rules if they changed.
        let session = check_session.clone();
        spawn_owned(&check_owner, async move {
            let campaign_id = session.campaign_id();
            let sent = browser::mono_now_ms();
            let Ok(answer) = session.api.eligibility(&campaign_id, &current).await else {
                return;
            };
            session.add_clock_sample(sent, browser::mono_now_ms(), answer.server_time);
            session.reload_rules_if_changed(&answer.rules_version).await;
            server_verdict.set(Some(answer.verdict));
        });
    };

    let join = move |_| {
        join_action.clear();
        join_action.dispatch_local(Request::Join(input.get_untracked()));
    };

    let field_view = move |field: Field,
                           label: &'static str,
                           hint: Option<&'static str>,
                           autocomplete: &'static str,
                           inputmode: &'static str| {
        let id = field_id(field);
        let index = FIELDS.iter().position(|(f, _)| *f == field).unwrap_or(0);
        let hint_id = format!("{id}-hint");
        let error_id = format!("{id}-error");
        let described = {
            let hint_id = hint_id.clone();
            let error_id = error_id.clone();
            move || {
                let mut ids = Vec::new();
                if hint.is_some() {
                    ids.push(hint_id.clone());
                }
                if error_for(field).is_some() {
                    ids.push(error_id.clone());
                }
                (!ids.is_empty()).then(|| ids.join(" "))
            }
        };
        let value = move || {
            input.with(|i| match field {
                Field::Name => i.name.clone(),
                Field::BirthDate => i.birth_date.clone(),
                Field::Mobile => i.mobile.clone(),
                Field::ResidentNumberFront => i.resident_number_front.clone().unwrap_or_default(),
            })
        };
        view! {
            <div class="fl-field" class:fl-field-invalid=move || error_for(field).is_some()>
                <label for=id>{label}</label>
                {hint.map(|hint| view! { <p class="fl-hint" id=hint_id.clone()>{hint}</p> })}
                {move || error_for(field).map(|message| view! {
                    <p class="fl-field-error" id=error_id.clone()>{message}</p>
                })}
                <input
                    id=id
                    name=field.as_str()
                    type="text"
                    autocomplete=autocomplete
                    inputmode=inputmode
                    aria-invalid=move || if error_for(field).is_some() { "true" } else { "false" }
                    aria-describedby=described
                    prop:value=value
                    on:input=move |ev| {
                        let typed = event_target_value(&ev);
                        input.update(|i| match field {
                            Field::Name => i.name = typed,
                            Field::BirthDate => i.birth_date = typed,
                            Field::Mobile => i.mobile = typed,
                            Field::ResidentNumberFront => {
                                i.resident_number_front = (!typed.is_empty()).then_some(typed)
                            }
                        });
                    }
                    on:blur=move |_| touched.update(|t| t[index] = true)
                />
            </div>
        }
    };

    let summary = move || {
        let problems = errors.get();
        (submitted.get() && !problems.is_empty()).then(|| {
            view! {
                <div class="fl-error-summary" id="fl-error-summary" tabindex="-1"
                    aria-labelledby="fl-error-summary-heading">
                    <h3 id="fl-error-summary-heading">{text::ERROR_SUMMARY_HEADING}</h3>
                    <ul>
                        {problems
                            .into_iter()
                            .map(|e| {
                                let target = field_id(e.field);
                                view! {
                                    <li>
                                        <a href=format!("#{target}")
                                            on:click=move |ev| {
                                                ev.prevent_default();
                                                browser::focus_id(target);
                                            }>
                                            {text::field_label(e.field)} ": "
                                            {text::field_error(e.field, e.code)}
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </div>
            }
        })
    };

    let now_signal = {
        let server_now = server_now.clone();
        Signal::derive(server_now)
    };
    let joinable = {
        let server_now = server_now.clone();
        Memo::new(move |_| {
            let now = server_now()?;
            let allowed_by_server = shown_server_verdict()
                .as_ref()
                .is_none_or(|s| matches!(s.kind(), VerdictKind::EligibleNow | VerdictKind::NotYet));
            let input = input.get();
            Some(allowed_by_server && campaign.with(|c| may_join(c, &input, now)))
        })
    };
    let verdict_section = move || {
        let local = local_verdict.get()?;
        let joinable = joinable.get()?;
        let campaign_now = campaign.get();
        let server = shown_server_verdict();
        let differs = server.as_ref().is_some_and(|s| s.kind() != local.kind());
        let pre_queue = joinable && matches!(local, Verdict::NotYet { .. });
        Some(view! {
            <section class="fl-result" aria-labelledby="fl-verdict-heading">
                <h3 id="fl-verdict-heading" tabindex="-1">{text::VERDICT_HEADING}</h3>
                {rules_reloaded.get().then(|| view! { <p class="fl-notice">{text::RULES_RELOADED}</p> })}
                <VerdictView verdict=local.clone() campaign=campaign_now.clone() server_now=now_signal />
                {differs.then(|| server.clone().map(|server| view! {
                    <div class="fl-notice" id="fl-server-verdict">
                        <p>{text::SERVER_VERDICT_DIFFERS}</p>
                        <VerdictView verdict=server campaign=campaign_now.clone() server_now=now_signal />
                    </div>
                }))}
                {pre_queue.then(|| view! { <p>{text::PRE_QUEUE_MAY_JOIN}</p> })}
                {if joinable {
                    view! {
                        <button type="button" class="fl-primary" id="fl-join"
                            disabled=move || joining.get() on:click=join>
                            {move || if joining.get() { text::JOINING } else { text::JOIN_BUTTON }}
                        </button>
                    }.into_any()
                } else {
                    view! { <p class="fl-strong">{text::CANNOT_JOIN}</p> }.into_any()
                }}
                {move || join_failure().map(|m| view! { <p class="fl-error">{m}</p> })}
            </section>
        })
    };

    view! {
        <section class="fl-step" aria-labelledby="fl-step-heading">
            <h2 id="fl-step-heading" tabindex="-1">{text::CHECK_HEADING}</h2>
            <p>{text::CHECK_INTRO}</p>
            {summary}
            <form novalidate on:submit=on_check>
                {field_view(Field::Name, text::FIELD_NAME, None, "name", "text")}
                {field_view(Field::BirthDate, text::FIELD_BIRTH_DATE, Some(text::FIELD_BIRTH_DATE_HINT), "bday", "numeric")}
                {field_view(Field::Mobile, text::FIELD_MOBILE, Some(text::FIELD_MOBILE_HINT), "tel", "tel")}
                {field_view(Field::ResidentNumberFront, text::FIELD_RESIDENT, Some(text::FIELD_RESIDENT_HINT), "off", "numeric")}
                <button type="submit" class="fl-secondary">{text::CHECK_BUTTON}</button>
            </form>
            {verdict_section}
        </section>
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use time::macros::datetime;

    const KR: &str = include_str!("../campaigns/kr-covid19-2021-07.toml");

    fn person(born: &str) -> PersonInput {
        PersonInput {
            name: "Kim Minji".into(),
            birth_date: born.into(),
            mobile: "010-1234-5678".into(),
            resident_number_front: None,
        }
    }

    #[test]
    fn verdict_sentences_name_the_window_in_campaign_time_and_count_down() {
        let campaign = Campaign::from_toml_str(KR).unwrap();
        let now = datetime!(2021-07-12 10:00 UTC); // 19:00 in Seoul
        let person = person("1964-03-15").parse().unwrap();
        let verdict = evaluate(&campaign, &person, now);
        let sentences = verdict_sentences(&campaign, &verdict, now);
        assert!(
            sentences[0].contains("2021-07-12 20:00 (UTC+09:00)"),
            "{sentences:?}"
        );
        assert!(sentences[1].contains("1 h 00 min"), "{sentences:?}");
        let errors = field_errors(&PersonInput::default());
        assert_eq!(errors.len(), 3);
        assert_eq!(field_id(Field::Mobile), "fl-mobile");
    }
}
