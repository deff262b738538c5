//! Step 1, check: the citizen's details checked as typed with core, the verdict from core before
//! anything is sent, the server's verdict when it differs, and the join.

use std::sync::Arc;

use fairline_core::{
    campaign::Campaign,
    eligibility::{evaluate, may_join, NotEligibleReason, Verdict, VerdictKind},
    person::{Field, FieldError, FieldErrorCode, PersonInput},
    wire::unix_ms,
};
use leptos::prelude::*;
use time::OffsetDateTime;

use crate::browser;
use crate::erased;
use crate::format::{format_countdown, format_for_citizen};
use crate::help_line::HelpLine;
use crate::i18n::{tr, use_i18n, Locale, Msg};
use crate::requests::{Request, Requests};
use crate::session::{spawn_owned, Session};

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

/// The message for a field error.
pub fn field_error(field: Field, code: FieldErrorCode) -> Msg {
    match code {
        FieldErrorCode::Required => match field {
            Field::Name => Msg::RequiredName,
            Field::BirthDate => Msg::RequiredBirthDate,
            Field::Mobile => Msg::RequiredMobile,
            Field::ResidentNumberFront => Msg::RequiredResident,
        },
        FieldErrorCode::TooLong => Msg::TooLong,
        FieldErrorCode::NameInvalidCharacters => Msg::NameInvalidCharacters,
        FieldErrorCode::NameNoLetters => Msg::NameNoLetters,
        FieldErrorCode::DateFormat => Msg::DateFormat,
        FieldErrorCode::DateNotACalendarDate => Msg::DateNotACalendarDate,
        FieldErrorCode::DateOutOfRange => Msg::DateOutOfRange,
        FieldErrorCode::BirthDateInFuture => Msg::BirthDateInFuture,
        FieldErrorCode::MobileFormat => Msg::MobileFormat,
        FieldErrorCode::MobileNotMobile => Msg::MobileNotMobile,
        FieldErrorCode::ResidentNumberFormat => Msg::ResidentNumberFormat,
        FieldErrorCode::ResidentNumberTooManyDigits => Msg::ResidentNumberTooManyDigits,
        FieldErrorCode::ResidentNumberNotACalendarDate => Msg::ResidentNumberNotACalendarDate,
        FieldErrorCode::ResidentNumberMismatch => Msg::ResidentNumberMismatch,
    }
}

/// The label of a field (used in the error summary).
pub fn field_label(field: Field) -> Msg {
    match field {
        Field::Name => Msg::FieldName,
        Field::BirthDate => Msg::FieldBirthDate,
        Field::Mobile => Msg::FieldMobile,
        Field::ResidentNumberFront => Msg::FieldResident,
    }
}

/// The sentences for `verdict` in `locale` (and, for a window still ahead, the countdown from
/// server time); cohort names in the same language.
pub fn verdict_sentences(
    campaign: &Campaign,
    verdict: &Verdict,
    server_now: OffsetDateTime,
    locale: Locale,
) -> Vec<String> {
    let local = |instant| {
        format_for_citizen(
            campaign.local(instant),
            crate::browser::device_offset_at(instant),
            locale,
        )
    };
    let cohort_name = |cohort: &str| {
        campaign
            .cohort(cohort)
            .map_or(cohort, |c| c.names.get(locale))
            .to_owned()
    };
    let with = |msg: Msg, cohort: &str, name: &str, value: String| {
        msg.fill(locale, &[("cohort", &cohort_name(cohort)), (name, &value)])
    };
    match verdict {
        Verdict::EligibleNow { cohort, closes_at } => vec![with(
            Msg::VerdictEligibleNow,
            cohort,
            "closes_at",
            local(*closes_at),
        )],
        Verdict::NotYet { cohort, opens_at } => {
            let left_ms = unix_ms(*opens_at)
                .saturating_sub(unix_ms(server_now))
                .max(0);
            let countdown = format_countdown(
                core::time::Duration::from_millis(left_ms.unsigned_abs()),
                locale,
            );
            vec![
                with(Msg::VerdictNotYet, cohort, "opens_at", local(*opens_at)),
                Msg::OpensIn.fill(locale, &[("countdown", &countdown)]),
            ]
        }
        Verdict::Closed { cohort, closed_at } => vec![with(
            Msg::VerdictClosed,
            cohort,
            "closed_at",
            local(*closed_at),
        )],
        Verdict::NotEligible { reason } => vec![match reason {
            NotEligibleReason::NoCohortForBirthDate => {
                Msg::NoCohortForBirthDate.get(locale).to_owned()
            }
            NotEligibleReason::NoWindowInCohort { cohort, last_digit } => with(
                Msg::NoWindowInCohort,
                cohort,
                "last_digit",
                last_digit.to_string(),
            ),
        }],
        Verdict::Invalid { errors } => std::iter::once(Msg::VerdictInvalid)
            .chain(errors.iter().map(|e| field_error(e.field, e.code)))
            .map(|msg| msg.get(locale).to_owned())
            .collect(),
    }
}

/// A verdict in words; the countdown follows server time.
#[component]
pub fn VerdictView(
    verdict: Verdict,
    #[prop(into)] campaign: Arc<Campaign>,
    #[prop(into)] server_now: Signal<Option<OffsetDateTime>>,
) -> impl IntoView {
    let kind = verdict.kind().as_str();
    let i18n = use_i18n();
    view! {
        <div class="fl-verdict" data-verdict=kind>
            {move || {
                server_now.get().map(|now| {
                    verdict_sentences(&campaign, &verdict, now, i18n.locale())
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
    let i18n = use_i18n();

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

    erased::effect(Box::new(move || browser::focus_id("fl-step-heading")));

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
                .map(|e| i18n.t(field_error(e.field, e.code)))
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
            check_session.announce(Msg::ErrorSummaryHeading.get(i18n.now()));
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
                           label: Msg,
                           hint: Option<Msg>,
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
                <label for=id>{tr(label)}</label>
                {hint.map(|hint| view! { <p class="fl-hint" id=hint_id.clone()>{tr(hint)}</p> })}
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
                    <h3 id="fl-error-summary-heading">{tr(Msg::ErrorSummaryHeading)}</h3>
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
                                            {tr(field_label(e.field))} ": "
                                            {tr(field_error(e.field, e.code))}
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
                <h3 id="fl-verdict-heading" tabindex="-1">{tr(Msg::VerdictHeading)}</h3>
                {rules_reloaded.get().then(|| view! { <p class="fl-notice">{tr(Msg::RulesReloaded)}</p> })}
                <VerdictView verdict=local.clone() campaign=campaign_now.clone() server_now=now_signal />
                {differs.then(|| server.clone().map(|server| view! {
                    <div class="fl-notice" id="fl-server-verdict">
                        <p>{tr(Msg::ServerVerdictDiffers)}</p>
                        <VerdictView verdict=server campaign=campaign_now.clone() server_now=now_signal />
                    </div>
                }))}
                {pre_queue.then(|| view! { <p>{tr(Msg::PreQueueMayJoin)}</p> })}
                {if joinable {
                    view! {
                        <button type="button" class="fl-primary" id="fl-join"
                            disabled=move || joining.get() on:click=join>
                            {move || i18n.t(if joining.get() { Msg::Joining } else { Msg::JoinButton })}
                        </button>
                    }.into_any()
                } else {
                    view! { <p class="fl-strong">{tr(Msg::CannotJoin)}</p> }.into_any()
                }}
                {move || join_failure().map(|m| view! { <p class="fl-error">{tr(m)}</p> <HelpLine /> })}
                // Told "no" (by the rules, or by the server against the widget): who to call.
                {(!joinable || differs).then(|| view! { <HelpLine /> })}
            </section>
        })
    };

    view! {
        <section class="fl-step" aria-labelledby="fl-step-heading">
            <h2 id="fl-step-heading" tabindex="-1">{tr(Msg::CheckHeading)}</h2>
            <p>{tr(Msg::CheckIntro)}</p>
            {summary}
            <form novalidate on:submit=on_check>
                {field_view(Field::Name, Msg::FieldName, None, "name", "text")}
                {field_view(Field::BirthDate, Msg::FieldBirthDate, Some(Msg::FieldBirthDateHint), "bday", "numeric")}
                {field_view(Field::Mobile, Msg::FieldMobile, Some(Msg::FieldMobileHint), "tel", "tel")}
                {field_view(Field::ResidentNumberFront, Msg::FieldResident, Some(Msg::FieldResidentHint), "off", "numeric")}
                <button type="submit" class="fl-secondary">{tr(Msg::CheckButton)}</button>
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
        let sentences = verdict_sentences(&campaign, &verdict, now, Locale::En);
        assert!(
            sentences[0].contains("Mon 12 July 2021, 20:00 (UTC+9)"),
            "{sentences:?}"
        );
        assert!(sentences[1].contains("1 h 00 min"), "{sentences:?}");
        let korean = verdict_sentences(&campaign, &verdict, now, Locale::Ko);
        // A device in another zone (a test browser's) adds its own time after the campaign's.
        assert!(
            korean[0].starts_with(
                "만 55–59세 (1962–1966년생) 예약 대상자입니다. 예약은 2021년 7월 12일 (월) 오후 8:00 (UTC+9)"
            ),
            "{korean:?}"
        );
        assert_eq!(korean[1], "예약 시스템 시각으로 1시간 0분 남았습니다.");
        let errors = field_errors(&PersonInput::default());
        assert_eq!(errors.len(), 3);
        assert_eq!(field_id(Field::Mobile), "fl-mobile");
    }
}
