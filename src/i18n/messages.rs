//! Every sentence the widget shows, in Korean and in English, side by side: one [`Msg`] a key.
//!
//! The Korean is written as a Korean public-service page writes it (사전예약, 예약 대상자, 대기
//! 순번, 예상 대기 시간, 예약 완료, 예약 취소), in the formal polite register (합쇼체) with 해요체
//! nowhere; buttons and headings are short noun phrases. Placeholders are `{name}`s filled by
//! [`Msg::fill`]; both languages of a key hold the same ones (a test checks).

use super::Locale;

/// Declares [`Msg`], [`Msg::ALL`] and the table: each key with its Korean and English text.
macro_rules! messages {
    ($($(#[$doc:meta])* $key:ident => [$ko:expr, $en:expr],)*) => {
        /// A sentence (or label) of the widget, in every language.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Msg {
            $($(#[$doc])* $key,)*
        }

        impl Msg {
            /// Every key.
            pub const ALL: &'static [Msg] = &[$(Msg::$key,)*];

            /// The key's texts: `[korean, english]`.
            fn texts(self) -> [&'static str; 2] {
                match self {
                    $(Msg::$key => [$ko, $en],)*
                }
            }
        }
    };
}

impl Msg {
    /// The text in `locale`.
    pub fn get(self, locale: Locale) -> &'static str {
        let [ko, en] = self.texts();
        match locale {
            Locale::Ko => ko,
            Locale::En => en,
        }
    }

    /// The text in `locale` with its `{name}` placeholders filled from `args`.
    pub fn fill(self, locale: Locale, args: &[(&str, &str)]) -> String {
        super::fill(self.get(locale), args)
    }
}

messages! {
    // ---- Shared -----------------------------------------------------------------------------
    /// Shown while the campaign loads.
    Loading => ["사전예약 정보를 불러오고 있습니다…", "Loading the campaign…"],
    /// Label before the opening time.
    OpensAt => ["사전예약 시작", "Booking opens"],
    /// The server could not be reached.
    ErrorNetwork => [
        "예약 시스템에 연결하지 못했습니다. 대기 순번은 그대로 유지됩니다. 잠시 후 다시 시도해 주십시오.",
        "We could not reach the booking service. Your place is not affected; please try again shortly."
    ],
    /// The campaign does not exist.
    ErrorCampaignNotFound => [
        "이 사전예약을 찾을 수 없습니다.",
        "This booking campaign was not found."
    ],
    /// Anything else the server refused.
    ErrorGeneric => [
        "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주십시오.",
        "Something went wrong on our side. Please try again shortly."
    ],
    /// The service asked us to slow down.
    ErrorBusy => [
        "접속한 분이 많아 잠시 기다리고 있습니다. 자동으로 다시 시도하며, 대기 순번은 그대로 유지됩니다.",
        "The booking service is very busy. We will try again automatically; your place is kept."
    ],
    /// A site or slot the server does not know.
    ErrorPlaceNotFound => [
        "고른 장소나 시간을 찾을 수 없습니다. 다른 장소나 시간을 골라 주십시오.",
        "We could not find the place or time you chose. Please choose another."
    ],
    /// A booking the server does not know.
    ErrorBookingNotFound => ["이 예약을 찾을 수 없습니다.", "This booking was not found."],
    /// Admission asked for before the turn.
    ErrorNotYourTurn => [
        "아직 차례가 아닙니다. 대기 순번은 그대로 유지됩니다.",
        "It is not your turn yet; your place is kept."
    ],
    /// A slot that has started.
    ErrorSlotInPast => [
        "이 시간은 이미 지났습니다. 다른 시간을 골라 주십시오.",
        "This time has already passed. Please choose another."
    ],
    /// A partner site the server does not allow.
    ErrorOriginNotAllowed => [
        "이 웹사이트에서는 예약할 수 없습니다. 공식 예약 누리집에서 예약해 주십시오.",
        "Booking is not available from this website. Please use the official booking page."
    ],
    /// Names the group of language buttons.
    Language => ["언어", "Language"],
    /// Joins a time in the campaign's zone and the same time on the citizen's device.
    TimeAndYours => ["{time}, 이 기기 시간으로 {yours}", "{time}; your time {yours}"],

    // ---- Step 1: check ----------------------------------------------------------------------
    /// Heading of the check step.
    CheckHeading => ["예약 대상자 확인", "Check whether you can book"],
    /// Introduction of the check step.
    CheckIntro => [
        "본인 정보를 입력해 주십시오. 입력한 정보는 이 기기와 예약 시스템에서 확인하며, 대기열에 들어가기 전에는 저장하지 않습니다.",
        "Tell us who you are. Your details are checked on this device and by the booking service; nothing is kept until you join the queue."
    ],
    /// Label of the name field.
    FieldName => ["이름", "Full name"],
    /// Label of the birth-date field.
    FieldBirthDate => ["생년월일", "Date of birth"],
    /// Hint of the birth-date field.
    FieldBirthDateHint => [
        "예: 1964-03-15 (연-월-일 순서로 입력)",
        "For example 1964-03-15 (year-month-day)."
    ],
    /// Label of the mobile field.
    FieldMobile => ["휴대전화 번호", "Mobile number"],
    /// Hint of the mobile field.
    FieldMobileHint => ["예: 010-1234-5678", "For example 010-1234-5678."],
    /// Label of the resident-number field.
    FieldResident => [
        "주민등록번호 앞 7자리 (선택)",
        "Resident registration number, first 7 digits (optional)"
    ],
    /// Hint of the resident-number field.
    FieldResidentHint => [
        "예: 640315-1. 뒤 6자리는 입력하지 마십시오.",
        "For example 640315-1. Never type the last 6 digits."
    ],
    /// The check button.
    CheckButton => ["예약 대상자 확인하기", "Check my eligibility"],
    /// Heading of the error summary.
    ErrorSummaryHeading => ["입력한 내용을 고쳐 주십시오", "Please correct these details"],
    /// Heading of the verdict.
    VerdictHeading => ["확인 결과", "Your result"],
    /// The join button.
    JoinButton => ["대기열에 들어가기", "Join the queue"],
    /// Shown while the join request runs.
    Joining => ["대기열에 들어가는 중입니다…", "Joining the queue…"],
    /// The server's verdict differs from ours.
    ServerVerdictDiffers => [
        "예약 시스템의 확인 결과가 다릅니다. 예약 시스템의 결과가 우선합니다.",
        "The booking service reached a different result, and its result is the one that counts:"
    ],
    /// The rules changed while the citizen was on the page.
    RulesReloaded => [
        "예약 기준이 바뀌었습니다. 바뀐 기준으로 확인한 결과입니다.",
        "The booking rules were updated; your result uses the new rules."
    ],
    /// A required name is missing.
    RequiredName => ["이름을 입력해 주십시오.", "Enter your full name."],
    /// A required date of birth is missing.
    RequiredBirthDate => ["생년월일을 입력해 주십시오.", "Enter your date of birth."],
    /// A required mobile number is missing.
    RequiredMobile => ["휴대전화 번호를 입력해 주십시오.", "Enter your mobile number."],
    /// The optional resident number is half there.
    RequiredResident => [
        "앞 7자리를 입력하거나 비워 두십시오.",
        "Enter the first 7 digits, or leave this empty."
    ],
    /// Too long.
    TooLong => ["입력한 내용이 너무 깁니다.", "This is too long."],
    /// A name with other characters.
    NameInvalidCharacters => [
        "이름에는 글자, 띄어쓰기, 하이픈(-), 작은따옴표(')만 쓸 수 있습니다.",
        "A name can only hold letters, spaces, hyphens and apostrophes."
    ],
    /// A name without letters.
    NameNoLetters => [
        "이름에 글자가 하나 이상 있어야 합니다.",
        "A name needs at least one letter."
    ],
    /// A date not written as year-month-day.
    DateFormat => [
        "연-월-일 순서로 입력해 주십시오. 예: 1964-03-15",
        "Write the date as year-month-day, e.g. 1964-03-15."
    ],
    /// A date that does not exist.
    DateNotACalendarDate => ["달력에 없는 날짜입니다.", "This date does not exist."],
    /// A year out of range.
    DateOutOfRange => ["연도를 확인해 주십시오.", "Check the year."],
    /// A birth date after today.
    BirthDateInFuture => [
        "생년월일은 오늘보다 뒤일 수 없습니다.",
        "A date of birth cannot be in the future."
    ],
    /// A mobile number in another shape.
    MobileFormat => [
        "010-1234-5678과 같은 형식으로 입력해 주십시오.",
        "Write the number like 010-1234-5678."
    ],
    /// A number that is not a mobile one.
    MobileNotMobile => ["휴대전화 번호가 아닙니다.", "This is not a mobile number."],
    /// A resident number in another shape.
    ResidentNumberFormat => [
        "숫자 6자리, 하이픈(-), 숫자 1자리 순서로 입력해 주십시오.",
        "Write six digits, a hyphen and one digit."
    ],
    /// Too many resident-number digits.
    ResidentNumberTooManyDigits => [
        "앞 7자리만 필요합니다. 나머지 숫자는 지워 주십시오.",
        "Only the first 7 digits are needed; remove the rest."
    ],
    /// The resident number's date part is not a date.
    ResidentNumberNotACalendarDate => [
        "앞 6자리가 올바른 생년월일이 아닙니다.",
        "The first six digits are not a date of birth."
    ],
    /// The resident number disagrees with the date of birth.
    ResidentNumberMismatch => [
        "입력한 생년월일과 맞지 않습니다.",
        "This does not match the date of birth you gave."
    ],
    /// Verdict: may book now.
    VerdictEligibleNow => [
        "{cohort} 예약 대상자로, 지금 예약할 수 있습니다. 예약 기간은 {closes_at}까지입니다.",
        "You can book now ({cohort}). Your booking window is open until {closes_at}."
    ],
    /// Verdict: window not open yet.
    VerdictNotYet => [
        "{cohort} 예약 대상자입니다. 예약은 {opens_at}에 시작합니다.",
        "You are in the group {cohort}. Your booking window opens at {opens_at}."
    ],
    /// Countdown to a window, from server time.
    OpensIn => [
        "예약 시스템 시각으로 {countdown} 남았습니다.",
        "That is in {countdown} (by the booking service's clock)."
    ],
    /// A not-yet citizen who may already join the pre-queue.
    PreQueueMayJoin => [
        "지금 대기열에 들어갈 수 있습니다. 시작 전에 들어온 분은 모두 공정한 추첨으로 대기 순번을 받습니다. 일찍 들어와도 유리하지 않고, 조금 늦게 들어와도 불리하지 않습니다.",
        "You can join the queue now. Everyone who joins before the opening gets a random place in a fair draw, so arriving earlier does not help — and arriving a little later does not hurt."
    ],
    /// Verdict: window closed.
    VerdictClosed => [
        "{cohort} 예약 기간은 {closed_at}에 끝났습니다.",
        "The booking window for {cohort} closed at {closed_at}."
    ],
    /// Verdict: no cohort holds the date of birth.
    NoCohortForBirthDate => [
        "이번 사전예약 대상이 아닙니다. 입력한 생년월일이 속하는 연령대가 없습니다.",
        "This campaign is not for you: no age group in it includes your date of birth."
    ],
    /// Verdict: the cohort's rota has no day for the birth date's last digit.
    NoWindowInCohort => [
        "{cohort}에는 생년월일 끝자리가 {last_digit}인 분의 예약 기간이 없습니다.",
        "Your group ({cohort}) has no booking window for a date of birth ending in {last_digit}."
    ],
    /// Verdict: bad input.
    VerdictInvalid => [
        "확인하기 전에 고쳐야 할 정보가 있습니다.",
        "Some of your details need correcting before we can check."
    ],
    /// Not eligible: you cannot join.
    CannotJoin => [
        "지금은 이 사전예약의 대기열에 들어갈 수 없습니다.",
        "You cannot join the queue for this campaign now."
    ],

    // ---- Step 2: wait -----------------------------------------------------------------------
    /// Heading of the wait step.
    WaitHeading => ["대기 중입니다", "You are in the queue"],
    /// The fair-draw explanation shown before the opening.
    FairDraw => [
        "{opening} 전에 들어온 분은 모두 추첨으로 대기 순번을 받습니다. 일찍 들어와도 유리하지 않습니다. 시작 시각에 예약 시스템이 추첨 번호를 공개하면, 이 화면이 지금 공개된 확인값과 맞는지 검사합니다. 그래서 누구도 나중에 추첨 결과를 바꿀 수 없습니다.",
        "Everyone who joins before {opening} gets a random place. Arriving earlier does not help. At the opening the service reveals the secret number that decides the draw, and this page checks it against the fingerprint published now, so nobody can change the draw afterwards."
    ],
    /// Label of the seed commitment.
    SeedCommitment => [
        "추첨 확인값 (시작 전에 공개)",
        "Fingerprint of the draw (published before the opening)"
    ],
    /// Label of the revealed seed.
    SeedRevealed => ["시작 시각에 공개된 추첨 번호", "Draw number revealed at the opening"],
    /// The revealed seed matches its commitment.
    SeedVerified => [
        "이 기기에서 확인했습니다. 확인값과 일치합니다.",
        "Checked on this device: it matches the fingerprint."
    ],
    /// Countdown to the opening.
    OpeningIn => ["대기열은 {countdown} 뒤에 열립니다.", "The queue opens in {countdown}."],
    /// The opening is happening; waiting for the draw.
    OpeningNow => [
        "대기열이 열리고 있습니다. 대기 순번을 추첨하고 있습니다.",
        "The queue is opening; your place is being drawn."
    ],
    /// Label of the place.
    YourPlace => ["대기 순번", "Your place in the queue"],
    /// The place as a number.
    PlaceNumber => ["{place}번", "{place}"],
    /// Label of the people ahead.
    PeopleAhead => ["내 앞 대기 인원", "People ahead of you"],
    /// A count of people.
    People => ["{count}명", "{count} people"],
    /// A count of one person.
    PeopleOne => ["{count}명", "{count} person"],
    /// Label of the wait.
    WaitTime => ["예상 대기 시간", "Estimated wait"],
    /// A wait range (`{range}` is `12–18분` or `12–18 min`).
    WaitRange => ["약 {range}", "about {range}"],
    /// How old the estimate is.
    UpdatedAgo => ["{seconds}초 전 기준", "updated {seconds} s ago"],
    /// Rank not drawn yet.
    WaitUnknownNotDrawn => [
        "시작 시각에 추첨한 뒤에 알 수 있습니다",
        "not known until the draw at the opening"
    ],
    /// No rate measured yet.
    WaitUnknownHistory => [
        "아직 알 수 없습니다. 대기열이 줄어드는 속도를 재는 데 1분쯤 걸립니다",
        "not known yet: we need a minute of progress to measure how fast the queue moves"
    ],
    /// The queue has not moved for a number of seconds.
    WaitStalledSeconds => [
        "지금은 알 수 없습니다. 대기열이 {seconds}초째 움직이지 않고 있습니다. 대기 순번은 그대로 유지됩니다.",
        "not known right now: the queue has not moved for {seconds} s. Your place is kept."
    ],
    /// The queue has not moved for a number of minutes.
    WaitStalledMinutes => [
        "지금은 알 수 없습니다. 대기열이 {minutes}분째 움직이지 않고 있습니다. 대기 순번은 그대로 유지됩니다.",
        "not known right now: the queue has not moved for {minutes} min. Your place is kept."
    ],
    /// The pace changed; measuring it again.
    WaitRemeasuring => [
        "지금은 알 수 없습니다. 대기열 속도가 바뀌어 다시 재고 있습니다.",
        "not known right now: the queue's pace has changed and we are measuring it again."
    ],
    /// No update for a while (polls failing).
    WaitNoUpdate => [
        "지금은 알 수 없습니다. 새 정보를 받지 못해 다시 연결하고 있습니다. 대기 순번은 그대로 유지됩니다.",
        "not known right now: no update has reached us for a while; we keep trying. Your place is kept."
    ],
    /// Admission paused.
    WaitPaused => [
        "입장이 잠시 멈췄습니다. 대기 순번은 그대로 유지되며, 멈춘 곳부터 다시 진행됩니다.",
        "admission is paused for the moment. Your place is kept; the queue resumes where it stopped."
    ],
    /// It is your turn.
    WaitYourTurn => ["지금 예약하실 차례입니다.", "It is your turn now."],
    /// Progress since joining.
    Progress => [
        "처음 들어왔을 때 앞에 있던 {first_ahead}명 가운데 {moved}명이 입장했습니다.",
        "{moved} of the {first_ahead} people who were ahead of you when you arrived have gone in."
    ],
    /// Label of the progress bar.
    ProgressLabel => ["들어온 뒤 진행 상황", "Progress since you joined"],
    /// Offline notice.
    Offline => [
        "인터넷 연결이 끊겼습니다. 대기 순번은 그대로 유지되며, 다시 연결되면 이어서 진행합니다.",
        "You are offline — your place is kept. We will carry on as soon as you are back online."
    ],
    /// Back online.
    BackOnline => [
        "다시 연결되었습니다. 대기 순번은 그대로입니다.",
        "You are back online; your place was kept."
    ],
    /// Ask for a notification.
    NotifyMe => ["내 차례가 되면 알림 받기", "Show a notification when it is my turn"],
    /// Notification permission refused.
    NotifyRefused => [
        "이 브라우저에서는 알림이 차단되어 있습니다. 이 화면을 열어 두시면 차례가 되었을 때 창 제목이 바뀝니다.",
        "Notifications are blocked in this browser; keep this page open and we will change its title."
    ],
    /// Document title on your turn.
    TitleYourTurn => ["★ 예약하실 차례입니다 — Fairline", "★ Your turn to book — Fairline"],
    /// Notification body.
    NotificationBody => [
        "접종 장소와 시간을 고르실 차례입니다. 예약 화면으로 돌아와 주십시오.",
        "It is your turn to choose a time. Come back to the page."
    ],
    /// Live region: a position band was reached.
    BandAnnouncement => [
        "안내: 앞에 {ahead}명이 있습니다.",
        "Update: {ahead} people are ahead of you."
    ],
    /// Admission in progress.
    Admitting => [
        "예약하실 차례입니다. 예약 화면을 여는 중입니다…",
        "It is your turn — opening the booking step…"
    ],
    /// The queue's ticket could not be read from storage.
    TicketLost => [
        "저장된 대기 정보를 읽지 못했습니다. 본인 정보를 다시 확인해 주십시오. 다시 들어가도 같은 대기 순번을 받습니다.",
        "We could not read your saved place. Please check your details again; joining again gives you back the same place."
    ],
    /// The draw failed verification.
    DrawUnverified => [
        "공개된 추첨 번호가 확인값과 맞지 않아 대기 순번을 계산할 수 없습니다. 대기 순번은 유지되며, 다시 시도합니다.",
        "The revealed draw does not match its fingerprint, so we cannot compute your place. We have kept your place and will try again."
    ],
    /// Shown while the service rehearses an opening on a shifted clock.
    Rehearsal => [
        "연습용 화면입니다. 예약 시스템의 시계를 사전예약 당일로 맞춰 두었으며, 여기서 한 예약은 실제 예약이 아닙니다.",
        "This is a rehearsal: the booking service runs its clock as if it were the day of the opening, so nothing booked here is real."
    ],
    /// The device clock is ahead of the service's by `{by}`.
    ClockAhead => [
        "이 기기의 시계가 {by} 빠릅니다. 그래도 괜찮습니다. 예약 시스템의 시계를 기준으로 하며, 대기 순번은 기기 시계와 관계없습니다.",
        "Your device clock is {by} ahead. That changes nothing here: Fairline uses the booking service's clock, and your place does not depend on your device."
    ],
    /// The device clock is behind the service's by `{by}`.
    ClockBehind => [
        "이 기기의 시계가 {by} 느립니다. 그래도 괜찮습니다. 예약 시스템의 시계를 기준으로 하며, 대기 순번은 기기 시계와 관계없습니다.",
        "Your device clock is {by} behind. That changes nothing here: Fairline uses the booking service's clock, and your place does not depend on your device."
    ],

    // ---- Step 3: choose and book --------------------------------------------------------------
    /// Heading of the choose step.
    ChooseHeading => ["접종 장소와 시간 선택", "Choose a place and time"],
    /// Time-limit line.
    TimeLeft => [
        "남은 예약 시간: {left} ({until}까지)",
        "Time left to book: {left} (until {until})."
    ],
    /// Warning before the admission expires.
    TimeWarning => [
        "예약 시간이 {left} 남았습니다. 시간을 연장할 수 있습니다.",
        "Only {left} left to book. You can ask for more time."
    ],
    /// The extend button.
    ExtendButton => ["예약 시간 연장하기", "Give me more time"],
    /// Extended.
    Extended => ["{until}까지 예약할 수 있습니다.", "You now have until {until}."],
    /// No extension left.
    NoExtensions => ["더 이상 연장할 수 없습니다.", "No more extensions are possible."],
    /// Admission expired: exactly what the server does (the same person gets the same ticket
    /// back, and a ticket whose admission lapsed is not admitted again).
    AdmissionExpired => [
        "예약 시간이 끝나 이번 차례가 지나갔습니다. 예약 시스템은 같은 분께 대기 순번을 다시 드리지 않으므로, 이 사전예약으로는 더 이상 화면에서 예약하실 수 없습니다. 안내 전화로 문의해 주십시오.",
        "Your time to book has run out and your turn has passed. The booking service does not give the same person a second place in the queue, so you cannot book in this campaign on this page any more. Please call the help line."
    ],
    /// Region legend.
    Region => ["지역", "Region"],
    /// Centre legend.
    Centre => ["예방접종센터", "Vaccination centre"],
    /// Day legend.
    Day => ["날짜", "Day"],
    /// Time legend.
    Time => ["시간", "Time"],
    /// Places left.
    PlacesLeft => ["{count}자리 남음", "{count} places left"],
    /// One place left.
    PlacesLeftOne => ["{count}자리 남음", "{count} place left"],
    /// A folded week of days.
    WeekOf => ["{day}부터 한 주 (예약 가능한 날 {count}일)", "Week of {day} ({count} days open)"],
    /// The folded full days.
    FullDays => ["마감된 날짜 {count}일", "{count} full days"],
    /// A full day or slot.
    Full => ["마감", "full"],
    /// Announcement: full slots on the chosen day.
    FullAnnouncement => [
        "이 날짜의 시간 {total}개 가운데 {full}개는 마감되어 고를 수 없습니다.",
        "{full} of {total} times on this day are full and cannot be chosen."
    ],
    /// Loading places.
    LoadingPlaces => ["예약 가능한 장소를 불러오고 있습니다…", "Loading places…"],
    /// The book button.
    BookButton => ["이 시간으로 예약하기", "Book this time"],
    /// Booking in progress.
    Booking => ["예약하는 중입니다…", "Booking…"],
    /// The slot filled up while choosing.
    SlotFull => [
        "죄송합니다. 방금 그 시간이 마감되었습니다. 다른 시간을 골라 주십시오.",
        "Sorry, that time has just filled up. Please choose another."
    ],
    /// A booking attempt with an unclear outcome.
    BookingRetry => [
        "예약이 되었는지 확인하지 못했습니다. 버튼을 한 번 더 눌러 주십시오. 두 번 예약되는 일은 없습니다.",
        "We could not confirm your booking. Press the button again: you will never be booked twice."
    ],

    // ---- The simplified mode ------------------------------------------------------------------
    /// The switch that turns the simplified mode on and off.
    SimpleMode => ["글자 크게·쉬운 화면", "Large text, one step at a time"],
    /// Where the citizen is among the questions: `2 / 3`.
    StepCounter => ["{at} / {of} 단계", "Step {at} of {of}"],
    /// The button that goes on.
    Next => ["다음", "Next"],
    /// The button that goes back.
    Back => ["이전", "Back"],
    /// The name question.
    AskName => ["이름이 무엇입니까?", "What is your name?"],
    /// Help under the name question.
    AskNameHelp => [
        "신분증에 적힌 이름을 그대로 입력해 주십시오.",
        "Write it as it is on your identity card."
    ],
    /// The birth-date question.
    AskBirthDate => ["언제 태어나셨습니까?", "When were you born?"],
    /// Help under the birth-date question.
    AskBirthDateHelp => [
        "태어난 연도, 월, 일을 숫자로 입력해 주십시오. 예: 1964년 3월 15일",
        "Write the year, month and day as numbers. For example 1964, 3, 15."
    ],
    /// Label of the birth year.
    BirthYear => ["연도 (4자리)", "Year (4 digits)"],
    /// Label of the birth month.
    BirthMonth => ["월", "Month"],
    /// Label of the birth day.
    BirthDay => ["일", "Day"],
    /// A part of the birth date is missing or not a number.
    BirthPartsMissing => [
        "연도 4자리, 월, 일을 모두 숫자로 입력해 주십시오.",
        "Write the year in 4 digits, the month and the day, all as numbers."
    ],
    /// The mobile question.
    AskMobile => ["휴대전화 번호가 무엇입니까?", "What is your mobile number?"],
    /// Help under the mobile question.
    AskMobileHelp => [
        "예약 안내 문자를 받을 번호입니다. 예: 010-1234-5678",
        "We send your booking to this number. For example 010-1234-5678."
    ],
    /// The simplified result heading.
    AskResult => ["예약할 수 있는지 확인했습니다", "We checked whether you can book"],
    /// The number of people ahead, in one sentence.
    AheadSentence => ["앞에 {count}명이 있습니다", "{count} people are ahead of you"],
    /// One person ahead, in one sentence.
    AheadSentenceOne => ["앞에 {count}명이 있습니다", "{count} person is ahead of you"],
    /// Nobody ahead.
    AheadNone => ["앞에 기다리는 분이 없습니다", "Nobody is ahead of you"],
    /// What to do while waiting.
    KeepPlace => [
        "이 화면을 닫았다가 다시 열어도 대기 순번은 그대로입니다.",
        "You can close this page: your place is kept when you open it again."
    ],
    /// The draw, plainly.
    DrawPlain => [
        "{opening}에 추첨으로 대기 순번이 정해집니다. 일찍 들어와도 유리하지 않습니다.",
        "Your place is drawn at {opening}. Arriving earlier does not help."
    ],
    /// Choose question: region.
    AskRegion => ["어느 지역에서 접종하시겠습니까?", "Where do you want your vaccination?"],
    /// Choose question: centre.
    AskCentre => ["어느 예방접종센터로 가시겠습니까?", "Which vaccination centre?"],
    /// Choose question: day.
    AskDay => ["어느 날짜에 가시겠습니까?", "Which day?"],
    /// Choose question: time.
    AskTime => ["몇 시에 가시겠습니까?", "At what time?"],
    /// The help line.
    HelpLine => [
        "도움이 필요하시면 {number}번으로 전화해 주십시오 ({hours}).",
        "For help, call {number} ({hours})."
    ],

    // ---- Step 4: done -----------------------------------------------------------------------
    /// Heading of the done step.
    DoneHeading => ["예약 완료", "You are booked"],
    /// Label of the reference.
    Reference => ["예약 번호", "Booking reference"],
    /// Label of where.
    Where => ["접종 장소", "Where"],
    /// Label of when.
    When => ["접종 일시", "When"],
    /// What to bring heading.
    BringHeading => ["준비물", "What to bring"],
    /// What to bring: identity.
    BringId => [
        "사진이 있는 신분증 (주민등록증, 운전면허증, 여권 중 하나)",
        "An identity card with your photo (resident card, driving licence or passport)."
    ],
    /// What to bring: the reference.
    BringReference => ["예약 번호", "Your booking reference."],
    /// What to bring: a mask.
    BringMask => ["마스크", "A mask."],
    /// The cancel button.
    CancelButton => ["예약 취소하기", "Cancel this booking"],
    /// Cancelled.
    Cancelled => [
        "예약이 취소되었습니다. 자리는 다른 분께 돌아갔습니다.",
        "Your booking is cancelled and the place was given back."
    ],
    /// Heading when cancelled.
    CancelledHeading => ["예약 취소 완료", "Booking cancelled"],
}
