//! Every sentence the widget shows, in one place (translations plug in here).
//!
//! Fixed sentences are constants; sentences with values are functions that take already
//! formatted values (see [`crate::format`]).

use fairline_core::eligibility::NotEligibleReason;
use fairline_core::person::{Field, FieldErrorCode};

/// Shown while the campaign loads.
pub const LOADING: &str = "Loading the campaign…";
/// Label before the opening time.
pub const OPENS_AT: &str = "Booking opens";
/// The server could not be reached.
pub const ERROR_NETWORK: &str =
    "We could not reach the booking service. Your place is not affected; please try again shortly.";
/// The campaign does not exist.
pub const ERROR_CAMPAIGN_NOT_FOUND: &str = "This booking campaign was not found.";
/// Anything else the server refused.
pub const ERROR_GENERIC: &str = "Something went wrong on our side. Please try again shortly.";
/// The service asked us to slow down.
pub const ERROR_BUSY: &str =
    "The booking service is very busy. We will try again automatically; your place is kept.";

// ---- Step 1: check -------------------------------------------------------------------------

/// Heading of the check step.
pub const CHECK_HEADING: &str = "Check whether you can book";
/// Introduction of the check step.
pub const CHECK_INTRO: &str =
    "Tell us who you are. We check your details on this device first; nothing is sent until you \
     join the queue.";
/// Label of the name field.
pub const FIELD_NAME: &str = "Full name";
/// Label of the birth-date field.
pub const FIELD_BIRTH_DATE: &str = "Date of birth";
/// Hint of the birth-date field.
pub const FIELD_BIRTH_DATE_HINT: &str = "For example 1964-03-15 (year-month-day).";
/// Label of the mobile field.
pub const FIELD_MOBILE: &str = "Mobile number";
/// Hint of the mobile field.
pub const FIELD_MOBILE_HINT: &str = "For example 010-1234-5678.";
/// Label of the resident-number field.
pub const FIELD_RESIDENT: &str = "Resident registration number, first 7 digits (optional)";
/// Hint of the resident-number field.
pub const FIELD_RESIDENT_HINT: &str = "For example 640315-1. Never type the last 6 digits.";
/// The check button.
pub const CHECK_BUTTON: &str = "Check my eligibility";
/// Heading of the error summary.
pub const ERROR_SUMMARY_HEADING: &str = "Please correct these details";
/// Heading of the verdict.
pub const VERDICT_HEADING: &str = "Your result";
/// The join button.
pub const JOIN_BUTTON: &str = "Join the queue";
/// Shown while the join request runs.
pub const JOINING: &str = "Joining the queue…";
/// The server's verdict differs from ours.
pub const SERVER_VERDICT_DIFFERS: &str =
    "The booking service reached a different result, and its result is the one that counts:";
/// The rules changed while the citizen was on the page.
pub const RULES_RELOADED: &str = "The booking rules were updated; your result uses the new rules.";

/// The message for a field error.
pub fn field_error(field: Field, code: FieldErrorCode) -> &'static str {
    match (field, code) {
        (_, FieldErrorCode::Required) => match field {
            Field::Name => "Enter your full name.",
            Field::BirthDate => "Enter your date of birth.",
            Field::Mobile => "Enter your mobile number.",
            Field::ResidentNumberFront => "Enter the first 7 digits, or leave this empty.",
        },
        (_, FieldErrorCode::TooLong) => "This is too long.",
        (_, FieldErrorCode::NameInvalidCharacters) => {
            "A name can only hold letters, spaces, hyphens and apostrophes."
        }
        (_, FieldErrorCode::NameNoLetters) => "A name needs at least one letter.",
        (_, FieldErrorCode::DateFormat) => "Write the date as year-month-day, e.g. 1964-03-15.",
        (_, FieldErrorCode::DateNotACalendarDate) => "This date does not exist.",
        (_, FieldErrorCode::DateOutOfRange) => "Check the year.",
        (_, FieldErrorCode::BirthDateInFuture) => "A date of birth cannot be in the future.",
        (_, FieldErrorCode::MobileFormat) => "Write the number like 010-1234-5678.",
        (_, FieldErrorCode::MobileNotMobile) => "This is not a mobile number.",
        (_, FieldErrorCode::ResidentNumberFormat) => "Write six digits, a hyphen and one digit.",
        (_, FieldErrorCode::ResidentNumberTooManyDigits) => {
            "Only the first 7 digits are needed; remove the rest."
        }
        (_, FieldErrorCode::ResidentNumberNotACalendarDate) => {
            "The first six digits are not a date of birth."
        }
        (_, FieldErrorCode::ResidentNumberMismatch) => {
            "This does not match the date of birth you gave."
        }
    }
}

/// The label of a field (used in the error summary).
pub fn field_label(field: Field) -> &'static str {
    match field {
        Field::Name => FIELD_NAME,
        Field::BirthDate => FIELD_BIRTH_DATE,
        Field::Mobile => FIELD_MOBILE,
        Field::ResidentNumberFront => FIELD_RESIDENT,
    }
}

/// Verdict: may book now.
pub fn verdict_eligible_now(cohort: &str, closes_at: &str) -> String {
    format!("You can book now ({cohort}). Your booking window is open until {closes_at}.")
}

/// Verdict: window not open yet.
pub fn verdict_not_yet(cohort: &str, opens_at: &str) -> String {
    format!("You are in the group {cohort}. Your booking window opens at {opens_at}.")
}

/// Countdown to a window, from server time.
pub fn opens_in(countdown: &str) -> String {
    format!("That is in {countdown} (by the booking service's clock).")
}

/// A not-yet citizen who may already join the pre-queue.
pub const PRE_QUEUE_MAY_JOIN: &str =
    "You can join the queue now. Everyone who joins before the opening gets a random place in a \
     fair draw, so arriving earlier does not help — and arriving a little later does not hurt.";

/// Verdict: window closed.
pub fn verdict_closed(cohort: &str, closed_at: &str) -> String {
    format!("The booking window for {cohort} closed at {closed_at}.")
}

/// Verdict: not eligible.
pub fn verdict_not_eligible(reason: &NotEligibleReason) -> String {
    match reason {
        NotEligibleReason::NoCohortForBirthDate => {
            "This campaign is not for you: no age group in it includes your date of birth."
                .to_owned()
        }
        NotEligibleReason::NoWindowInCohort { cohort, last_digit } => format!(
            "Your group ({cohort}) has no booking window for a date of birth ending in \
             {last_digit}."
        ),
    }
}

/// Verdict: bad input.
pub const VERDICT_INVALID: &str = "Some of your details need correcting before we can check.";
/// Not eligible: you cannot join.
pub const CANNOT_JOIN: &str = "You cannot join the queue for this campaign now.";

// ---- Step 2: wait --------------------------------------------------------------------------

/// Heading of the wait step.
pub const WAIT_HEADING: &str = "You are in the queue";
/// The fair-draw explanation shown before the opening.
pub fn fair_draw(opening: &str) -> String {
    format!(
        "Everyone who joins before {opening} gets a random place. Arriving earlier does not \
         help. At the opening the service reveals the secret number that decides the draw, and \
         this page checks it against the fingerprint published now, so nobody can change the \
         draw afterwards."
    )
}
/// Label of the seed commitment.
pub const SEED_COMMITMENT: &str = "Fingerprint of the draw (published before the opening)";
/// Label of the revealed seed.
pub const SEED_REVEALED: &str = "Draw number revealed at the opening";
/// The revealed seed matches its commitment.
pub const SEED_VERIFIED: &str = "Checked on this device: it matches the fingerprint.";
/// Countdown to the opening.
pub fn opening_in(countdown: &str) -> String {
    format!("The queue opens in {countdown}.")
}
/// The opening is happening; waiting for the draw.
pub const OPENING_NOW: &str = "The queue is opening; your place is being drawn.";
/// Label of the place.
pub const YOUR_PLACE: &str = "Your place in the queue";
/// Label of the people ahead.
pub const PEOPLE_AHEAD: &str = "People ahead of you";
/// Label of the wait.
pub const WAIT_TIME: &str = "Estimated wait";
/// A wait range.
pub fn wait_range(low: &str, high: &str) -> String {
    format!("between {low} and {high}")
}
/// How old the estimate is.
pub fn updated_ago(seconds: u64) -> String {
    format!("updated {seconds} s ago")
}
/// Rank not drawn yet.
pub const WAIT_UNKNOWN_NOT_DRAWN: &str = "not known until the draw at the opening";
/// No rate measured yet.
pub const WAIT_UNKNOWN_HISTORY: &str =
    "not known yet: we need a minute of progress to measure how fast the queue moves";
/// Nobody admitted recently.
pub const WAIT_UNKNOWN_ZERO: &str =
    "not known: nobody has been let in recently, so any number would be a guess";
/// Admission paused.
pub const WAIT_PAUSED: &str =
    "admission is paused for the moment. Your place is kept; the queue resumes where it stopped.";
/// It is your turn.
pub const WAIT_YOUR_TURN: &str = "It is your turn now.";
/// Progress since joining.
pub fn progress(moved: u64, first_ahead: u64) -> String {
    format!(
        "{moved} of the {first_ahead} people who were ahead of you when you arrived have gone in."
    )
}
/// Label of the progress bar.
pub const PROGRESS_LABEL: &str = "Progress since you joined";
/// Offline notice.
pub const OFFLINE: &str =
    "You are offline — your place is kept. We will carry on as soon as you are back online.";
/// Back online.
pub const BACK_ONLINE: &str = "You are back online; your place was kept.";
/// Ask for a notification.
pub const NOTIFY_ME: &str = "Show a notification when it is my turn";
/// Notification permission refused.
pub const NOTIFY_REFUSED: &str =
    "Notifications are blocked in this browser; keep this page open and we will change its title.";
/// Document title on your turn.
pub const TITLE_YOUR_TURN: &str = "★ Your turn to book — Fairline";
/// Ordinary document title.
pub const TITLE: &str = "Fairline";
/// Notification body.
pub const NOTIFICATION_BODY: &str = "It is your turn to choose a time. Come back to the page.";
/// Live-region: a position band was reached.
pub fn band_announcement(ahead: u64) -> String {
    format!("Update: {ahead} people are ahead of you.")
}
/// Admission in progress.
pub const ADMITTING: &str = "It is your turn — opening the booking step…";
/// The queue's ticket could not be read from storage.
pub const TICKET_LOST: &str =
    "We could not read your saved place. Please check your details again; \
     joining again gives you back the same place.";
/// The draw failed verification.
pub const DRAW_UNVERIFIED: &str =
    "The revealed draw does not match its fingerprint, so we cannot compute your place. We have \
     kept your place and will try again.";

/// Shown while the service rehearses an opening on a shifted clock.
pub const REHEARSAL: &str =
    "This is a rehearsal: the booking service runs its clock as if it were \
     the day of the opening, so nothing booked here is real.";

/// The device clock differs from the service's by `by`.
pub fn clock_off(by: &str, ahead: bool) -> String {
    let direction = if ahead { "ahead" } else { "behind" };
    format!(
        "Your device clock is {by} {direction}. That changes nothing here: Fairline uses the \
         booking service's clock, and your place does not depend on your device."
    )
}

// ---- Step 3: choose and book ---------------------------------------------------------------

/// Heading of the choose step.
pub const CHOOSE_HEADING: &str = "Choose a place and time";
/// Time-limit line.
pub fn time_left(left: &str, until: &str) -> String {
    format!("Time left to book: {left} (until {until}).")
}
/// Warning before the admission expires.
pub fn time_warning(left: &str) -> String {
    format!("Only {left} left to book. You can ask for more time.")
}
/// The extend button.
pub const EXTEND_BUTTON: &str = "Give me more time";
/// Extended.
pub fn extended(until: &str) -> String {
    format!("You now have until {until}.")
}
/// No extension left.
pub const NO_EXTENSIONS: &str = "No more extensions are possible.";
/// Admission expired.
pub const ADMISSION_EXPIRED: &str =
    "Your time to book has run out. Check your details again to rejoin the queue.";
/// Region legend.
pub const REGION: &str = "Region";
/// Centre legend.
pub const CENTRE: &str = "Vaccination centre";
/// Day legend.
pub const DAY: &str = "Day";
/// Time legend.
pub const TIME: &str = "Time";
/// Places left.
pub fn places_left(count: u32) -> String {
    if count == 1 {
        "1 place left".to_owned()
    } else {
        format!("{count} places left")
    }
}
/// A full day or slot.
pub const FULL: &str = "full";
/// Announcement: full slots on the chosen day.
pub fn full_announcement(full: usize, total: usize) -> String {
    format!("{full} of {total} times on this day are full and cannot be chosen.")
}
/// Loading places.
pub const LOADING_PLACES: &str = "Loading places…";
/// The book button.
pub const BOOK_BUTTON: &str = "Book this time";
/// Booking in progress.
pub const BOOKING: &str = "Booking…";
/// The slot filled up while choosing.
pub const SLOT_FULL: &str = "Sorry, that time has just filled up. Please choose another.";
/// A booking attempt with an unclear outcome.
pub const BOOKING_RETRY: &str =
    "We could not confirm your booking. Press the button again: you will never be booked twice.";

// ---- Step 4: done --------------------------------------------------------------------------

/// Heading of the done step.
pub const DONE_HEADING: &str = "You are booked";
/// Label of the reference.
pub const REFERENCE: &str = "Booking reference";
/// Label of where.
pub const WHERE: &str = "Where";
/// Label of when.
pub const WHEN: &str = "When";
/// What to bring heading.
pub const BRING_HEADING: &str = "What to bring";
/// What to bring.
pub const BRING: [&str; 3] = [
    "An identity card with your photo (resident card, driving licence or passport).",
    "Your booking reference.",
    "A mask.",
];
/// The cancel button.
pub const CANCEL_BUTTON: &str = "Cancel this booking";
/// Cancelled.
pub const CANCELLED: &str = "Your booking is cancelled and the place was given back.";
/// Heading when cancelled.
pub const CANCELLED_HEADING: &str = "Booking cancelled";

/// Introduces a time converted to the citizen's own time zone.
pub const YOUR_TIME: &str = "your time";
