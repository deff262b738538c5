//! The Fairline widget (Leptos, client-side rendered): a citizen's booking journey — check,
//! wait honestly, choose, book.
//!
//! It mounts into any host element given an API base and a campaign id, so partner pages can
//! embed it; [`mount_from_page`] reads both from `#fairline`'s `data-api-base` and
//! `data-campaign` attributes (and a language from `data-locale`). It speaks Korean and English
//! ([`i18n`]): every view reads the one language signal, so switching keeps everything else.
//! Each step lives in its own module; the journey's states and
//! transitions live on plain types in [`journey`], the waiting loop's decisions in [`waiting`],
//! the choice of place and time in [`choice`]; [`session`] applies them and [`requests`] holds
//! the request actions.

pub mod api;
pub mod browser;
pub mod campaign_header;
pub mod check_step;
pub mod choice;
pub mod choose_step;
pub mod done_step;
pub mod embed;
pub mod erased;
pub mod format;
pub mod frame_link;
pub mod help_line;
pub mod host_events;
pub mod i18n;
pub mod journey;
pub mod language_switch;
pub mod load;
pub mod mode;
pub mod requests;
pub mod session;
pub mod simple_check;
pub mod wait_step;
pub mod waiting;

use std::sync::Arc;

use fairline_core::{campaign::Campaign, clock::ClockSkew};
use i18n::{tr, use_i18n, I18n, Locale, Msg};
use leptos::prelude::*;
use mode::{use_mode, Mode, ModeSignal};
use wasm_bindgen::JsCast;

pub use campaign_header::CampaignHeader;
pub use journey::{Step, StepKind};
pub use session::Session;

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// Where the widget finds its server and which campaign it books.
#[derive(Debug, Clone, PartialEq)]
pub struct WidgetConfig {
    /// Base URL of the Fairline API; empty means the page's own origin.
    pub api_base: String,
    /// Campaign id; empty means the first campaign the server lists.
    pub campaign_id: String,
    /// The heading the page painted before the wasm ran (see `index.html`), kept while the
    /// campaign loads so nothing moves when the widget replaces the page's frame.
    pub frame_title: Option<FrameTitle>,
    /// The campaign document the page carries (`#fl-campaign`), if any: no request for it then.
    pub page_campaign: Option<Campaign>,
    /// The page says the server runs a rehearsal clock (`data-rehearsal="true"`), so the notice
    /// shows from the first frame; `/v1/health` confirms it.
    pub rehearsal: bool,
    /// The language the host asks for (`data-locale`), before the citizen's own choice.
    pub locale: Option<Locale>,
    /// The mode the host asks for (`data-mode`: `standard` or `simple`).
    pub mode: Option<Mode>,
    /// In a partner's iframe, the parent page's origin the server allowed (`data-parent`): the
    /// widget posts its events and its height there and takes commands from there alone.
    pub parent: Option<String>,
}

/// The campaign name the page's own HTML shows until the widget has the campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameTitle {
    /// The name, as the server wrote it into the page.
    pub text: String,
    /// Its language (`lang`).
    pub lang: String,
}

/// The whole widget for `config`, talking to the server with `fetch`.
#[component]
pub fn Widget(config: WidgetConfig) -> impl IntoView {
    let api = api::ApiClient::new(config.api_base);
    let WidgetConfig {
        campaign_id,
        frame_title,
        page_campaign,
        rehearsal,
        locale,
        mode,
        ..
    } = config;
    view! { <WidgetWith api campaign_id frame_title page_campaign rehearsal locale mode /> }
}

/// The whole widget over any API client (tests pass one with a fake transport).
#[component]
pub fn WidgetWith(
    api: api::ApiClient,
    campaign_id: String,
    /// The page's painted heading, kept while the campaign loads.
    #[prop(optional_no_strip)]
    frame_title: Option<FrameTitle>,
    /// The campaign the page carries: used instead of fetching it.
    #[prop(optional_no_strip)]
    page_campaign: Option<Campaign>,
    /// The page says the server runs a rehearsal clock.
    #[prop(optional)]
    rehearsal: bool,
    /// The language the host asks for; otherwise the citizen's earlier choice, the browser's
    /// languages, then the campaign's default ([`i18n::choose_locale`]).
    #[prop(optional_no_strip)]
    locale: Option<Locale>,
    /// The mode the host asks for; otherwise the citizen's earlier choice, else standard.
    #[prop(optional_no_strip)]
    mode: Option<Mode>,
) -> impl IntoView {
    let mode = ModeSignal::new(Mode::choose(
        mode,
        browser::load_text(mode::MODE_KEY).as_deref(),
    ));
    provide_context(mode);
    let chosen_before = browser::load_text(i18n::LOCALE_KEY);
    let browser_languages = browser::languages();
    let pick = move |campaign_default| {
        i18n::choose_locale(
            locale.map(Locale::tag),
            chosen_before.as_deref(),
            browser_languages.iter().map(String::as_str),
            campaign_default,
        )
    };
    // The campaign is shared from here on (one copy, never cloned).
    let page_campaign = page_campaign.map(Arc::new);
    let page_default = page_campaign.as_ref().map(|c| c.default_locale);
    let i18n = I18n::new(pick(page_default.unwrap_or_default()));
    provide_context(i18n);
    // An embedding host changing its `locale` or `mode` attribute while the widget runs.
    if let Some(control) = use_context::<embed::HostControl>() {
        erased::effect(Box::new(move || {
            if let Some(locale) = control.locale.get() {
                i18n.set(locale);
            }
        }));
        erased::effect(Box::new(move || {
            if let Some(asked) = control.mode.get() {
                mode.set(asked);
            }
        }));
    }
    let loader = api.clone();
    let campaign = load::load(move || {
        let loader = loader.clone();
        let campaign_id = campaign_id.clone();
        let page_campaign = page_campaign.clone();
        let pick = pick.clone();
        async move {
            match page_campaign {
                Some(campaign) => Ok(campaign),
                None => {
                    // A campaign fetched (not carried by the page) brings its default language.
                    let fetched = loader.campaign(&campaign_id).await.map(Arc::new);
                    if let Ok(campaign) = &fetched {
                        i18n.set(pick(campaign.default_locale));
                    }
                    fetched
                }
            }
        }
    });
    view! {
        <section class="fl-widget" class:fl-simple=move || mode.simple()
            aria-labelledby="fl-title" lang=move || i18n.locale().tag()>
            <div class="fl-bar">
                <mode::ModeSwitch />
                <language_switch::LanguageSwitch />
            </div>
            {move || match campaign.get() {
                None => loading(frame_title.clone()).into_any(),
                Some(Ok(campaign)) => view! { <Journey campaign api=api.clone() rehearsal /> }.into_any(),
                Some(Err(failure)) => {
                    view! { <p class="fl-error">{tr(failure.citizen_message())}</p> }.into_any()
                }
            }}
        </section>
    }
}

/// The journey for a loaded campaign: header, clock notice, the current step, and the one
/// polite live region.
#[component]
pub fn Journey(
    campaign: Arc<Campaign>,
    api: api::ApiClient,
    /// The page said the clock is a rehearsal's (until `/v1/health` says).
    #[prop(optional)]
    rehearsal: bool,
) -> impl IntoView {
    let header_campaign = campaign.clone();
    let events = host_events::use_host_events();
    events.send(&host_events::HostEvent::Ready {
        campaign: campaign.id.clone(),
    });
    let session = Session::new(api, campaign);
    session.rehearsal.set(rehearsal);
    provide_context(session.clone());
    provide_context(requests::Requests::new(&session));
    erased::spawn(Box::pin(session::sample_clock(session.clone())));
    let tick = session.tick;
    erased::spawn(Box::pin(async move {
        loop {
            browser::sleep(
                Some(core::time::Duration::from_secs(1)),
                &browser::Waker::new(),
            )
            .await;
            tick.set(browser::mono_now_ms());
        }
    }));
    let step = session.step_kind();
    erased::effect(Box::new(move || {
        events.send(&host_events::HostEvent::Step(step.get().tag()))
    }));
    let skew = session.skew;
    let rehearsal = session.rehearsal;
    let announcement = session.announcement;
    let i18n = use_i18n();
    let mode = use_mode();
    view! {
        <CampaignHeader campaign=header_campaign />
        {move || {
            rehearsal
                .get()
                .then(|| view! { <p class="fl-notice" id="fl-rehearsal-notice">{tr(Msg::Rehearsal)}</p> })
        }}
        {move || clock_notice(skew.get(), i18n.locale())}
        {move || match step.get() {
            StepKind::Check if mode.simple() => {
                view! { <simple_check::SimpleCheck /> }.into_any()
            }
            StepKind::Check => view! { <check_step::CheckStep /> }.into_any(),
            StepKind::Wait => view! { <wait_step::WaitStep /> }.into_any(),
            StepKind::Choose => view! { <choose_step::ChooseStep /> }.into_any(),
            StepKind::Done => view! { <done_step::DoneStep /> }.into_any(),
        }}
        // The help line: on every screen of the simplified mode; in the standard one while
        // choosing (where a time limit can run out) and on the receipt (and, from the check
        // step, under a refusal).
        {move || {
            (mode.simple() || matches!(step.get(), StepKind::Choose | StepKind::Done))
                .then(|| view! { <help_line::HelpLine /> })
        }}
        <div class="fl-visually-hidden" role="status" aria-live="polite" aria-atomic="true">
            {move || announcement.get()}
        </div>
    }
}

/// The loading line, under the page's painted heading when there was one (the same element and
/// classes as [`CampaignHeader`]'s, so the heading stays where the page painted it).
fn loading(frame_title: Option<FrameTitle>) -> impl IntoView {
    match frame_title {
        Some(FrameTitle { text, lang }) => view! {
            <header>
                <h1 id="fl-title" lang=lang>{text}</h1>
                <p class="fl-muted">{tr(Msg::Loading)}</p>
            </header>
        }
        .into_any(),
        None => view! { <p class="fl-muted">{tr(Msg::Loading)}</p> }.into_any(),
    }
}

fn clock_notice(skew: Option<ClockSkew>, locale: Locale) -> Option<impl IntoView> {
    let (by, msg) = match skew? {
        ClockSkew::Fine => return None,
        ClockSkew::DeviceAhead(by) => (by, Msg::ClockAhead),
        ClockSkew::DeviceBehind(by) => (by, Msg::ClockBehind),
    };
    let by = format::format_countdown(by, locale);
    Some(view! {
        <p class="fl-notice" id="fl-clock-notice">{msg.fill(locale, &[("by", &by)])}</p>
    })
}

/// Mounts the widget into `host` and keeps it mounted for the page's lifetime; its events
/// ([`host_events`]) are dispatched on `host`.
pub fn mount(host: web_sys::HtmlElement, config: WidgetConfig) {
    let target: web_sys::EventTarget = host.clone().into();
    leptos::mount::mount_to(host, move || {
        let parent = config.parent.clone();
        provide_context(host_events::HostEvents::new(Some(target)).to_parent(parent.clone()));
        if let Some(parent) = parent {
            let control = embed::HostControl::new();
            provide_context(control);
            frame_link::link(parent, control);
        }
        view! { <Widget config /> }
    })
    .forget();
}

/// Mounts into `#fairline` with its `data-*` configuration, or into `<body>` without one.
///
/// `#fairline` holds the frame the page paints before the wasm runs (its heading, a loading
/// line, the `<noscript>` and load-failure messages): the widget takes the heading over and
/// replaces the rest.
pub fn mount_from_page() {
    let document = document();
    let frame = document
        .get_element_by_id("fairline")
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    let frame_title = frame.as_ref().and_then(painted_title);
    if let Some(frame) = &frame {
        frame.set_inner_html("");
    }
    // Loaded by `embed.js`: each `<fairline-booking>` mounts its own widget.
    let embedded = js_sys::Reflect::get(&js_sys::global(), &"__fairlineEmbed".into())
        .is_ok_and(|flag| flag.is_truthy());
    if frame.is_none() && embedded {
        return;
    }
    let Some(host) = frame.or_else(|| document.body()) else {
        return;
    };
    let dataset = host.dataset();
    let campaign_id = dataset
        .get("campaign")
        .filter(|id| !id.starts_with("{{"))
        .unwrap_or_default();
    let page_campaign = document
        .get_element_by_id("fl-campaign")
        .and_then(|script| script.text_content())
        .and_then(|json| fairline_core::read::from_json::<Campaign>(&json).ok())
        .filter(|campaign| campaign_id.is_empty() || campaign.id == campaign_id);
    let config = WidgetConfig {
        api_base: dataset.get("apiBase").unwrap_or_default(),
        campaign_id,
        frame_title,
        page_campaign,
        rehearsal: dataset.get("rehearsal").as_deref() == Some("true"),
        locale: dataset.get("locale").as_deref().and_then(Locale::from_tag),
        mode: dataset.get("mode").as_deref().and_then(Mode::from_tag),
        parent: dataset
            .get("parent")
            .filter(|origin| !origin.is_empty() && !origin.starts_with("{{")),
    };
    mount(host, config);
}

/// The frame's heading, unless it is missing or still an unreplaced `{{…}}` placeholder (a
/// server that does not fill the page in, such as a development server).
fn painted_title(frame: &web_sys::HtmlElement) -> Option<FrameTitle> {
    let heading = frame.query_selector("h1").ok().flatten()?;
    let text = heading.text_content()?.trim().to_owned();
    if text.is_empty() || text.starts_with("{{") {
        return None;
    }
    let lang = heading.get_attribute("lang").unwrap_or_default();
    Some(FrameTitle { text, lang })
}
