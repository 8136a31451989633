//! The banner in the page: puts the markup from `ui` into the document, turns
//! clicks and keys into decisions, stores them through `cookies`, and tells the
//! page through DOM events. Also the JavaScript API (`accepted`, `acceptAll`…).

use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlDialogElement, HtmlElement, HtmlInputElement, KeyboardEvent};

use super::cookies;
use crate::config::Config;
use crate::consent::{consent_id, detail_json, Choices, ConsentRecord};
use crate::gate;
use crate::i18n::{negotiate, Msg};
use crate::ui::{self, View};

#[wasm_bindgen(module = "/src/web/bridge.js")]
extern "C" {
    fn emit(kind: &str, detail_json: &str);
    fn report(message: &str);
    #[wasm_bindgen(js_name = randomBytes)]
    fn random_bytes() -> Vec<u8>;
    #[wasm_bindgen(js_name = consentUpdate)]
    fn consent_update(json: &str);
    #[wasm_bindgen(js_name = consentFlags)]
    fn consent_flags(redaction: bool, passthrough: bool);
    fn reload();
}

/// The running banner's state.
struct App {
    config: Config,
    view: View,
    https: bool,
    /// The choice in force: stored and current, or made in this page view.
    record: Option<ConsentRecord>,
    /// Switch positions in the open preferences dialog.
    draft: Choices,
    root: Element,
    /// Where focus goes back to when the preferences close.
    opener: Option<HtmlElement>,
    /// `location.hostname` and `location.pathname`, for deleting cookies.
    host: String,
    path: String,
}

/// The page's one `App`. WebAssembly in the browser is single-threaded.
struct Slot(RefCell<Option<App>>);
// SAFETY: wasm32 without threads has a single thread of execution.
unsafe impl Sync for Slot {}
static APP: Slot = Slot(RefCell::new(None));

/// Events to dispatch once the state is no longer borrowed, so that listeners
/// may call back into the API.
type Events = Vec<(&'static str, String)>;

fn with_app<R>(f: impl FnOnce(&mut App) -> R) -> Option<R> {
    let mut guard = APP.0.try_borrow_mut().ok()?;
    guard.as_mut().map(f)
}

fn dispatch(events: Option<Events>) {
    for (kind, detail) in events.unwrap_or_default() {
        emit(kind, &detail);
    }
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

fn now_secs() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

fn focus(el: Option<Element>) {
    if let Some(el) = el.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        el.focus().ok();
    }
}

impl App {
    fn find(&self, selector: &str) -> Option<Element> {
        self.root.query_selector(selector).ok().flatten()
    }

    fn choices(&self) -> Choices {
        self.record
            .as_ref()
            .map_or_else(|| Choices::all(&self.config, false), |r| r.choices.clone())
    }

    fn show_banner(&mut self) {
        if let Some(slot) = self.find(".doui-banner-slot") {
            slot.set_inner_html(&ui::banner(&self.config, self.view));
        }
        self.set_reopen_hidden(true);
        focus(self.find(".doui-banner"));
    }

    fn set_reopen_hidden(&self, hidden: bool) {
        if let Some(b) = self.find(".doui-reopen") {
            let show = !hidden && self.config.reopen_button;
            b.toggle_attribute_with_force("hidden", !show).ok();
        }
    }

    fn dialog(&self) -> Option<HtmlDialogElement> {
        self.find("dialog.doui-prefs").map(JsCast::unchecked_into)
    }

    fn open_preferences(&mut self, opener: Option<Element>) {
        if self.dialog().is_some_and(|d| d.open()) {
            return;
        }
        self.opener = opener.and_then(|e| e.dyn_into().ok());
        self.draft = self.choices();
        if let Some(slot) = self.find(".doui-prefs-slot") {
            slot.set_inner_html(&ui::preferences(&self.config, self.view, &self.draft));
        }
        self.sync_switches();
        if let Some(d) = self.dialog() {
            d.show_modal().ok();
        }
    }

    /// Closes the preferences without saving; focus returns to what opened them.
    fn close_preferences(&mut self) {
        if let Some(d) = self.dialog() {
            d.close();
            d.remove();
        }
        let opener = self
            .opener
            .take()
            .filter(|o| o.is_connected() && o.offset_parent().is_some());
        match opener {
            Some(o) => {
                o.focus().ok();
            }
            None if self.record.is_some() => focus(self.find(".doui-reopen:not([hidden])")),
            None => focus(self.find(".doui-banner")),
        }
    }

    /// Category switches show a mixed state when only some of their services are on.
    fn sync_switches(&self) {
        let Some(d) = self.dialog() else { return };
        let Ok(inputs) = d.query_selector_all("input[data-doui-item]") else {
            return;
        };
        for i in 0..inputs.length() {
            let Some(input) = inputs.item(i) else {
                continue;
            };
            let input: HtmlInputElement = input.unchecked_into();
            let id = input.get_attribute("data-doui-item").unwrap_or_default();
            input.set_checked(self.draft.get(&id) == Some(true));
            if let Some(c) = self.config.category(&id) {
                let on = c
                    .services
                    .iter()
                    .filter(|s| self.draft.get(&s.id) == Some(true))
                    .count();
                input.set_indeterminate(on > 0 && on < c.services.len());
            }
        }
    }

    /// Makes the choice in force felt: deletes the cookies of refused services
    /// and tells Google tags.
    fn enforce(&self) {
        let Some(record) = &self.record else { return };
        cookies::delete(&gate::cookie_deletions(
            &self.config,
            &record.choices,
            &cookies::all().unwrap_or_default(),
            &self.host,
            &self.path,
        ));
        consent_update(&gate::consent_mode_update(&self.config, &record.choices));
    }

    /// Makes `choices` the visitor's decision: stores it, hides the banner,
    /// announces it, and returns the events to dispatch.
    fn commit(&mut self, mut choices: Choices) -> Events {
        if self.view.gpc {
            choices.deny_for_gpc(&self.config);
        }
        let first = self.record.is_none();
        let policy = self
            .config
            .policy_version
            .as_ref()
            .map(|v| String::from(v.get(self.view.lang)))
            .unwrap_or_default();
        let mut bytes = [0u8; 16];
        let random = random_bytes();
        if random.len() == 16 {
            bytes.copy_from_slice(&random);
        }
        let record = ConsentRecord {
            // A new choice gets a new id, so that a log can tell the events apart.
            id: consent_id(&bytes),
            time: now_secs(),
            revision: self.config.revision,
            policy,
            choices,
        };
        let stored = cookies::store(&self.config, &record, self.https);
        if !stored {
            self.view.cookies_ok = false;
        }
        let detail = detail_json(&self.config, &record);
        self.record = Some(record);
        self.enforce();
        if let Some(slot) = self.find(".doui-banner-slot") {
            slot.set_inner_html("");
        }
        let had_dialog = self.dialog().is_some();
        self.set_reopen_hidden(false);
        if had_dialog {
            self.close_preferences();
        } else {
            focus(self.find(".doui-reopen:not([hidden])"));
        }
        if let Some(status) = self.find(".doui-status") {
            let msg = if stored { Msg::Saved } else { Msg::NotStored };
            status.set_text_content(Some(self.config.text(self.view.lang, msg)));
        }
        let mut events = Events::new();
        if first {
            events.push(("doui:consent", detail.clone()));
        }
        events.push(("doui:change", detail));
        events
    }

    fn act(&mut self, action: &str, target: &Element) -> Events {
        match action {
            "accept-all" => return self.commit(Choices::all(&self.config, true)),
            "reject-all" => return self.commit(Choices::all(&self.config, false)),
            "save" => return self.commit(self.draft.clone()),
            "customize" => self.open_preferences(Some(target.clone())),
            "close" => self.close_preferences(),
            "reload" => reload(),
            _ => {}
        }
        Events::new()
    }

    /// Keeps Tab inside the open preferences and closes them on Escape.
    fn key(&mut self, e: &KeyboardEvent) {
        let Some(d) = self.dialog().filter(|d| d.open()) else {
            return;
        };
        if e.key() == "Escape" {
            e.prevent_default();
            self.close_preferences();
            return;
        }
        if e.key() != "Tab" {
            return;
        }
        let Ok(list) = d.query_selector_all("button,a[href],input:not([disabled]),summary") else {
            return;
        };
        let mut first = None;
        let mut last = None;
        for i in 0..list.length() {
            if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<HtmlElement>().ok()) {
                if el.offset_parent().is_some() {
                    first.get_or_insert_with(|| el.clone());
                    last = Some(el);
                }
            }
        }
        let (Some(first), Some(last)) = (first, last) else {
            return;
        };
        let active = document().and_then(|d| d.active_element());
        let at = |el: &HtmlElement| {
            active
                .as_ref()
                .is_some_and(|a| a == el.unchecked_ref::<Element>())
        };
        let inside = active.as_ref().is_some_and(|a| d.contains(Some(a)));
        if e.shift_key() && (at(&first) || !inside) {
            e.prevent_default();
            last.focus().ok();
        } else if !e.shift_key() && (at(&last) || !inside) {
            e.prevent_default();
            first.focus().ok();
        }
    }
}

/// The stored choice if it still counts under `config`.
fn stored_record(config: &Config, gpc: bool) -> Option<ConsentRecord> {
    let r = cookies::load(config)?;
    let mut choices = r.current_choices(config, now_secs())?;
    if gpc {
        // The signal overrides an earlier opt-in.
        choices.deny_for_gpc(config);
    }
    Some(ConsentRecord { choices, ..r })
}

fn closest(e: &Event, selector: &str) -> Option<Element> {
    e.target()?
        .dyn_into::<Element>()
        .ok()?
        .closest(selector)
        .ok()
        .flatten()
}

fn listen(target: &web_sys::EventTarget, kind: &str, f: impl FnMut(Event) + 'static) {
    let cb = Closure::<dyn FnMut(Event)>::new(f);
    target
        .add_event_listener_with_callback(kind, cb.as_ref().unchecked_ref())
        .ok();
    // Listeners live as long as the page.
    cb.forget();
}

/// Starts the banner: reads the config and the stored choice, then either
/// applies the choice silently or asks. `html_lang` and `languages` (comma
/// separated) feed language negotiation; `https` decides the `Secure` flag;
/// `cookies_enabled` is `navigator.cookieEnabled`; `gpc` is
/// `navigator.globalPrivacyControl`; `host` and `path` locate the page for
/// cookie deletion. An invalid config is reported in the console and nothing
/// else happens: nothing non-essential is allowed.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn start(
    config_json: &str,
    html_lang: &str,
    languages: &str,
    https: bool,
    cookies_enabled: bool,
    gpc: bool,
    host: String,
    path: String,
) {
    let config = match Config::from_json(config_json) {
        Ok(c) => c,
        Err(e) => return report(&e.describe()),
    };
    let Some(doc) = document() else { return };
    let Some(body) = doc.body() else { return };
    let lang = negotiate(config.lang, html_lang, languages.split(','));
    let cookies_ok = cookies_enabled && cookies::readable();
    let gpc = gpc && config.honour_gpc && config.categories.iter().any(|c| c.gpc);
    let record = stored_record(&config, gpc);
    let Ok(root) = doc.create_element("div") else {
        return;
    };
    root.set_class_name("doui");
    root.set_attribute("lang", lang.tag()).ok();
    let mut html = String::from("<div class=\"doui-banner-slot\"></div><div class=\"doui-prefs-slot\"></div><p class=\"doui-status doui-sr\" role=\"status\"></p><div class=\"doui-notice\" role=\"alert\"></div>");
    html.push_str(&ui::reopen_button(&config, lang));
    root.set_inner_html(&html);
    if body.append_child(&root).is_err() {
        return;
    }
    listen(&root, "click", |e| {
        if let Some(el) = closest(&e, "[data-doui-action]") {
            let action = el.get_attribute("data-doui-action").unwrap_or_default();
            dispatch(with_app(|app| app.act(&action, &el)));
        }
    });
    listen(&root, "change", |e| {
        if let Some(el) = closest(&e, "input[data-doui-item]") {
            let id = el.get_attribute("data-doui-item").unwrap_or_default();
            let on = el.unchecked_into::<HtmlInputElement>().checked();
            with_app(|app| {
                app.draft.set(&app.config, &id, on);
                app.sync_switches();
            });
        }
    });
    listen(&root, "keydown", |e| {
        let key: KeyboardEvent = e.unchecked_into();
        with_app(|app| app.key(&key));
    });
    // Any element with data-doui-open, anywhere in the page, reopens the preferences.
    listen(&doc, "click", |e| {
        if let Some(el) = closest(&e, "[data-doui-open]") {
            e.prevent_default();
            with_app(|app| app.open_preferences(Some(el)));
        }
    });
    let first_visit = record.is_none();
    consent_flags(
        config.consent_mode.ads_data_redaction,
        config.consent_mode.url_passthrough,
    );
    let app = App {
        view: View {
            lang,
            cookies_ok,
            gpc,
        },
        https,
        host,
        path,
        draft: Choices::all(&config, false),
        record,
        config,
        root,
        opener: None,
    };
    let detail = app.record.as_ref().map(|r| detail_json(&app.config, r));
    if let Ok(mut slot) = APP.0.try_borrow_mut() {
        *slot = Some(app);
    }
    if first_visit {
        with_app(App::show_banner);
    } else {
        with_app(|app| {
            app.set_reopen_hidden(false);
            app.enforce();
        });
    }
    dispatch(detail.map(|d| alloc::vec![("doui:consent", d)]));
}

/// Whether a category or service id is allowed now. False before a choice, for
/// unknown ids, and whenever anything went wrong: consent fails closed.
#[wasm_bindgen]
pub fn accepted(id: &str) -> bool {
    let Ok(slot) = APP.0.try_borrow() else {
        return false;
    };
    slot.as_ref()
        .and_then(|app| app.record.as_ref()?.choices.get(id))
        .unwrap_or(false)
}

/// The current decision as JSON (the events' `detail`), or an empty string before any choice.
#[wasm_bindgen(js_name = consentJson)]
pub fn consent_json() -> String {
    let Ok(slot) = APP.0.try_borrow() else {
        return String::new();
    };
    slot.as_ref()
        .and_then(|app| Some(detail_json(&app.config, app.record.as_ref()?)))
        .unwrap_or_default()
}

/// Shows the first-layer banner again.
#[wasm_bindgen]
pub fn show() {
    with_app(App::show_banner);
}

/// Opens the preferences dialog.
#[wasm_bindgen(js_name = showPreferences)]
pub fn show_preferences() {
    let active = document().and_then(|d| d.active_element());
    with_app(|app| app.open_preferences(active));
}

/// Accepts every category and service.
#[wasm_bindgen(js_name = acceptAll)]
pub fn accept_all() {
    dispatch(with_app(|app| app.commit(Choices::all(&app.config, true))));
}

/// Refuses everything that is not necessary.
#[wasm_bindgen(js_name = rejectAll)]
pub fn reject_all() {
    dispatch(with_app(|app| app.commit(Choices::all(&app.config, false))));
}

/// Sets one category or service and keeps the rest of the current choice.
/// Returns false for an id the config does not have.
#[wasm_bindgen]
pub fn set(id: &str, allowed: bool) -> bool {
    let result = with_app(|app| {
        let mut choices = app.choices();
        if !choices.set(&app.config, id, allowed) {
            return None;
        }
        Some(app.commit(choices))
    })
    .flatten();
    let known = result.is_some();
    dispatch(result);
    known
}

/// Whether content marked `data-consent="<marking>"` may run now (see `gate::allows`).
#[wasm_bindgen]
pub fn allows(marking: &str) -> bool {
    let Ok(slot) = APP.0.try_borrow() else {
        return false;
    };
    slot.as_ref().is_some_and(|app| {
        let choices = app.record.as_ref().map(|r| &r.choices);
        gate::allows(&app.config, choices, marking)
    })
}

/// The placeholder markup for blocked embedded content with this marking.
#[wasm_bindgen]
pub fn placeholder(marking: &str) -> String {
    let Ok(slot) = APP.0.try_borrow() else {
        return String::new();
    };
    slot.as_ref()
        .map(|app| ui::placeholder(&app.config, app.view.lang, marking))
        .unwrap_or_default()
}

/// Scripts that already ran lost their consent: reload if the config says so,
/// else offer a reload.
#[wasm_bindgen]
pub fn withdrawn() {
    with_app(|app| {
        if app.config.reload_on_withdraw {
            reload();
        } else if let Some(notice) = app.find(".doui-notice") {
            notice.set_inner_html(&ui::reload_notice(&app.config, app.view.lang));
        }
    });
}

/// Another tab of the site stored a new choice: adopt it here without a reload
/// (content it allows is released, what it refuses is blocked and its cookies
/// deleted) and report it as a change.
#[wasm_bindgen]
pub fn resync() {
    dispatch(with_app(|app| {
        let Some(record) = stored_record(&app.config, app.view.gpc) else {
            return Events::new();
        };
        if app.record.as_ref() == Some(&record) {
            return Events::new();
        }
        let first = app.record.is_none();
        let detail = detail_json(&app.config, &record);
        app.record = Some(record);
        if let Some(slot) = app.find(".doui-banner-slot") {
            slot.set_inner_html("");
        }
        app.set_reopen_hidden(false);
        app.enforce();
        let mut events = Events::new();
        if first {
            events.push(("doui:consent", detail.clone()));
        }
        events.push(("doui:change", detail));
        events
    }));
}
