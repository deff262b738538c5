//! The campaign file's examples, run through core's eligibility rule: each must give the verdict
//! it expects.

use fairline_core::campaign::Campaign;
use fairline_core::eligibility::{evaluate_input, Verdict};
use fairline_core::person::PersonInput;

use crate::render::format_instant;
use crate::{ExampleOutcome, Finding, FindingCode};

pub(crate) fn run_examples(
    campaign: &Campaign,
    findings: &mut Vec<Finding>,
) -> Vec<ExampleOutcome> {
    campaign
        .examples
        .iter()
        .map(|example| {
            let input = PersonInput {
                name: "Example Person".into(),
                birth_date: example.birth_date.clone(),
                mobile: "010-0000-0000".into(),
                resident_number_front: example.resident_number_front.clone(),
            };
            let verdict = evaluate_input(campaign, &input, example.at);
            let unknown_cohort = example
                .cohort
                .as_deref()
                .filter(|id| campaign.cohort(id).is_none());
            if let Some(id) = unknown_cohort {
                findings.push(Finding {
                    code: FindingCode::ExampleUnknownCohort,
                    cohort: Some(id.to_owned()),
                    example: Some(example.name.clone()),
                    message: format!("the example names cohort {id:?}, which does not exist"),
                });
            }
            let holds = verdict.kind() == example.expect
                && example
                    .cohort
                    .as_deref()
                    .is_none_or(|id| verdict.cohort() == Some(id));
            if !holds {
                let expected = match &example.cohort {
                    Some(id) => format!("{} in cohort {id}", example.expect),
                    None => example.expect.to_string(),
                };
                findings.push(Finding {
                    code: FindingCode::ExampleFailed,
                    cohort: example
                        .cohort
                        .clone()
                        .or_else(|| verdict.cohort().map(str::to_owned)),
                    example: Some(example.name.clone()),
                    message: format!(
                        "born {} at {}: expected {expected}, got {}",
                        example.birth_date.trim(),
                        format_instant(campaign.local(example.at)),
                        describe_verdict(&verdict)
                    ),
                });
            }
            ExampleOutcome {
                example: example.clone(),
                verdict,
                holds,
            }
        })
        .collect()
}

/// A verdict in a few words, times in their own (the campaign's) offset.
pub fn describe_verdict(verdict: &Verdict) -> String {
    match verdict {
        Verdict::EligibleNow { cohort, closes_at } => {
            format!(
                "eligible_now in {cohort} until {}",
                format_instant(*closes_at)
            )
        }
        Verdict::NotYet { cohort, opens_at } => {
            format!("not_yet in {cohort}, opens {}", format_instant(*opens_at))
        }
        Verdict::Closed { cohort, closed_at } => {
            format!("closed in {cohort}, closed {}", format_instant(*closed_at))
        }
        Verdict::NotEligible { reason } => format!("not_eligible ({})", reason.code()),
        Verdict::Invalid { errors } => {
            let codes: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", e.field.as_str(), e.code.as_str()))
                .collect();
            format!("invalid ({})", codes.join(", "))
        }
    }
}
