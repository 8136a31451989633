//! The banner module's exports: every decision about consent, as strings in and
//! strings out. The page side (`banner.js`) owns the DOM: it inserts the markup
//! built here, turns clicks and keys into calls, writes the cookie lines
//! returned here and dispatches the events. Keeping the DOM on that side spares
//! the module web-sys bindings, which cost more than the logic they would drive.
//!
//! This file is the contract at the wasm boundary: every export is here, and
//! its doc comment says what it takes and returns. The numeric codes they use
//! are `crate::contract`'s, which the page side imports from the generated
//! `contract.js` (see docs/architecture.md, "The wasm boundary"). `abi.rs`
//! exports them from the module under the same names, in camelCase, and
//! `abi.js` calls them from the page.

use alloc::string::String;
use core::cell::RefCell;

use crate::config::Config;
use crate::consent::{consent_id, cookie_string, detail_json, find_cookie, Choices, ConsentRecord};
use crate::contract::{
    ACCEPT_ALL, ADS_DATA_REDACTION, CHOICE, COOKIES, GPC, HTTPS, KEEP, MIXED, OFF, ON, OVERRIDDEN,
    REBUILD, REJECT_ALL, REOPEN, SAVE_DRAFT, SET_ONE, URL_PASSTHROUGH,
};
use crate::gate;
use crate::i18n::{negotiate, Msg};
use crate::ui::{self, View};

/// The running banner's state.
struct App {
    config: Config,
    view: View,
    https: bool,
    /// The choice in force: stored and current, or made in this page view.
    record: Option<ConsentRecord>,
    /// Global Privacy Control overrode an opt-in of the stored choice, and the
    /// refusal is not stored yet.
    overridden: bool,
    /// Switch positions in the open preferences dialog.
    draft: Choices,
    /// `location.hostname` and `location.pathname`, for deleting cookies.
    host: String,
    path: String,
}

/// The page's one `App`. WebAssembly in the browser is single-threaded.
struct Slot(RefCell<Option<App>>);
// SAFETY: wasm32 without threads has a single thread of execution.
unsafe impl Sync for Slot {}
static APP: Slot = Slot(RefCell::new(None));

fn with_app<R: Default>(f: impl FnOnce(&mut App) -> R) -> R {
    match APP.0.try_borrow_mut() {
        Ok(mut guard) => guard.as_mut().map(f).unwrap_or_default(),
        Err(_) => R::default(),
    }
}

/// The stored choice if it still counts under `config`, and whether Global
/// Privacy Control overrode an opt-in in it.
fn stored_record(
    config: &Config,
    cookies: &str,
    now: u64,
    gpc: bool,
) -> Option<(ConsentRecord, bool)> {
    let r = ConsentRecord::decode(find_cookie(cookies, &config.cookie.name)?)?;
    let mut choices = r.current_choices(config, now)?;
    // The signal overrides an earlier opt-in.
    let overridden = gpc && choices.deny_for_gpc(config);
    Some((ConsentRecord { choices, ..r }, overridden))
}

/// Starts the banner: reads the config and the stored choice (`cookies` is
/// `document.cookie`, `now` Unix seconds). `html_lang` and `languages` (comma
/// separated) feed language negotiation; `flags` combines the codes
/// [`HTTPS`], [`COOKIES`] and [`GPC`]; `host` and `path` locate the page for cookie
/// deletion. Returns an empty string, or the line where the config is invalid
/// (then nothing non-essential is ever allowed).
#[allow(clippy::too_many_arguments)]
pub fn start(
    config_json: &str,
    html_lang: &str,
    languages: &str,
    cookies: &str,
    now: f64,
    flags: u32,
    host: String,
    path: String,
) -> String {
    let config = match Config::from_json(config_json) {
        Ok(c) => c,
        Err(e) => {
            // Whatever ran before is forgotten: nothing is allowed.
            if let Ok(mut slot) = APP.0.try_borrow_mut() {
                *slot = None;
            }
            // The field path and the wording come from the policy module's
            // `checkConfig`, loaded only for a broken config.
            let mut s = String::from("config line ");
            crate::text::push_uint(&mut s, e.line as u64);
            s.push_str(": invalid");
            return s;
        }
    };
    let lang = negotiate(
        config.lang,
        html_lang,
        crate::text::split_ascii(languages, b","),
    );
    let gpc = config.gpc_applies(flags & GPC != 0);
    let stored = stored_record(&config, cookies, now as u64, gpc);
    let overridden = stored.as_ref().is_some_and(|s| s.1);
    let record = stored.map(|s| s.0);
    let app = App {
        view: View {
            lang,
            cookies_ok: flags & COOKIES != 0,
            gpc,
        },
        https: flags & HTTPS != 0,
        draft: Choices::all(&config, false),
        record,
        overridden,
        config,
        host,
        path,
    };
    if let Ok(mut slot) = APP.0.try_borrow_mut() {
        *slot = Some(app);
    }
    String::new()
}

/// The banner's state in one call: the `contract` bits [`CHOICE`] (a choice is
/// in force, stored or made in this page view), [`OVERRIDDEN`] (Global Privacy
/// Control overrode an opt-in of the stored choice, to be stored again as
/// refused by `decide` with [`KEEP`]), and the config's [`REOPEN`],
/// [`ADS_DATA_REDACTION`] and [`URL_PASSTHROUGH`], and [`REBUILD`] (this
/// browser's banner differs from a prerendered one). 0 before `start`.
pub fn state() -> u32 {
    with_app(|app| {
        (app.record.is_some() as u32 * CHOICE)
            | (app.overridden as u32 * OVERRIDDEN)
            | (app.config.reopen_button as u32 * REOPEN)
            | (app.config.consent_mode.ads_data_redaction as u32 * ADS_DATA_REDACTION)
            | (app.config.consent_mode.url_passthrough as u32 * URL_PASSTHROUGH)
            | ((app.view != ui::prerendered_view(app.view.lang)) as u32 * REBUILD)
    })
}

/// The banner root's content: slots for the banner and the preferences, the
/// status and notice regions, and the reopen button.
pub fn shell() -> String {
    with_app(|app| ui::shell(&app.config, app.view.lang, ""))
}

/// The key a prerendered banner root (`data-doui-snippet`) must carry to be
/// taken over as it is (see `ui::snippet_key`): `<revision>.<lang>.<hash>`,
/// which also gives the page the language shown (one export instead of two).
pub fn snippet_key() -> String {
    with_app(|app| ui::snippet_key(&app.config, app.view.lang))
}

/// The first-layer banner's markup.
pub fn banner_html() -> String {
    with_app(|app| ui::banner(&app.config, app.view))
}

/// The preferences dialog's markup, its switches set from the choice in force.
pub fn preferences_html() -> String {
    with_app(|app| {
        app.draft = current(app);
        ui::preferences(&app.config, app.view, &app.draft)
    })
}

fn current(app: &App) -> Choices {
    app.record
        .as_ref()
        .map_or_else(|| Choices::all(&app.config, false), |r| r.choices.clone())
}

/// Moves one switch of the open preferences (`id` empty: none) and returns every
/// switch's state, one character each in the order of the preferences' inputs
/// (`data-doui-item`, document order: each category, then its services):
/// [`OFF`], [`ON`], or [`MIXED`] for a category with only some services on.
pub fn switches(id: &str, on: bool) -> String {
    with_app(|app| {
        if !id.is_empty() {
            app.draft.set(&app.config, id, on);
        }
        let mut out = String::new();
        for c in &app.config.categories {
            let is_on = |id: &str| app.draft.get(id) == Some(true);
            let state = if is_on(&c.id) {
                ON
            } else if c.services.iter().any(|s| is_on(&s.id)) {
                MIXED
            } else {
                OFF
            };
            out.push(state as char);
            for s in &c.services {
                out.push(if is_on(&s.id) { ON } else { OFF } as char);
            }
        }
        out
    })
}

/// Records a decision of `kind`: [`REJECT_ALL`], [`ACCEPT_ALL`], [`SAVE_DRAFT`]
/// (the preferences' switches), [`SET_ONE`] (`id` set to `on`, the rest kept)
/// or [`KEEP`] (the choice in force as it is, to store what Global Privacy
/// Control overrode); other kinds record nothing. `random` is 16 bytes from
/// `crypto.getRandomValues` for the consent id; `now` is Unix seconds. Returns
/// the `document.cookie` line that stores it, or an empty string for an id the
/// config does not have.
pub fn decide(kind: u32, id: &str, on: bool, random: &[u8], now: f64) -> String {
    with_app(|app| {
        let mut choices = match kind {
            REJECT_ALL => Choices::all(&app.config, false),
            ACCEPT_ALL => Choices::all(&app.config, true),
            SAVE_DRAFT => app.draft.clone(),
            SET_ONE => {
                let mut c = current(app);
                if !c.set(&app.config, id, on) {
                    return String::new();
                }
                c
            }
            KEEP => current(app),
            _ => return String::new(),
        };
        if app.view.gpc {
            choices.deny_for_gpc(&app.config);
        }
        let mut bytes = [0u8; 16];
        for (b, r) in bytes.iter_mut().zip(random) {
            *b = *r;
        }
        let policy = app
            .config
            .policy_version
            .as_ref()
            .map(|v| String::from(v.get(app.view.lang)))
            .unwrap_or_default();
        // A visitor keeps their id across choices, so that a receipts server can
        // show their history (the time tells the choices apart); a new one
        // when no choice is in force (none stored, or one of another revision).
        let id = match &app.record {
            Some(r) => r.id.clone(),
            None => consent_id(&bytes),
        };
        let record = ConsentRecord {
            id,
            time: now as u64,
            revision: app.config.revision,
            policy,
            choices,
        };
        let line = cookie_string(&app.config, &record, app.https);
        app.record = Some(record);
        app.overridden = false;
        line
    })
}

/// Checks that the browser kept the choice just made (`cookies` is
/// `document.cookie` read back, empty if it threw) and returns the status
/// message to announce: saved, or kept for this page view only (and from then
/// on the banner also says that this browser does not store cookies).
pub fn confirm(cookies: &str) -> String {
    with_app(|app| {
        let kept = find_cookie(cookies, &app.config.cookie.name)
            .and_then(ConsentRecord::decode)
            .zip(app.record.as_ref())
            .is_some_and(|(stored, made)| stored.id == made.id);
        app.view.cookies_ok &= kept;
        let msg = if kept { Msg::Saved } else { Msg::NotStored };
        String::from(app.config.text(app.view.lang, msg))
    })
}

/// `document.cookie` lines (separated by newlines) that delete the cookies of
/// refused services, given the cookies visible now. Empty before a choice.
pub fn deletions(cookies: &str) -> String {
    with_app(|app| {
        let Some(record) = &app.record else {
            return String::new();
        };
        gate::cookie_deletions(&app.config, &record.choices, cookies, &app.host, &app.path)
    })
}

/// `gtag('consent', 'update', …)` arguments as JSON; empty before a choice.
pub fn consent_mode() -> String {
    with_app(|app| {
        app.record
            .as_ref()
            .map(|r| gate::consent_mode_update(&app.config, &r.choices))
            .unwrap_or_default()
    })
}

/// Another tab stored a new choice (`cookies` is `document.cookie`): adopts it
/// and returns whether anything changed.
pub fn resync(cookies: &str, now: f64) -> bool {
    with_app(|app| {
        let Some((record, _)) = stored_record(&app.config, cookies, now as u64, app.view.gpc)
        else {
            return false;
        };
        if app.record.as_ref() == Some(&record) {
            return false;
        }
        app.record = Some(record);
        true
    })
}

/// Whether a category or service id is allowed now. False before a choice, for
/// unknown ids, and whenever anything went wrong: consent fails closed.
pub fn accepted(id: &str) -> bool {
    with_app(|app| {
        app.record
            .as_ref()
            .and_then(|r| r.choices.get(id))
            .unwrap_or(false)
    })
}

/// The current decision as JSON (the events' `detail`), or an empty string before any choice.
pub fn consent_json() -> String {
    with_app(|app| {
        app.record
            .as_ref()
            .map(|r| detail_json(&app.config, r))
            .unwrap_or_default()
    })
}

/// Whether content marked `data-consent="<marking>"` may run now (see `gate::allows`).
pub fn allows(marking: &str) -> bool {
    with_app(|app| {
        gate::allows(
            &app.config,
            app.record.as_ref().map(|r| &r.choices),
            marking,
        )
    })
}

/// The placeholder markup for blocked embedded content with this marking.
pub fn placeholder(marking: &str) -> String {
    with_app(|app| ui::placeholder(&app.config, app.view.lang, marking))
}

/// The notice offering a reload after consent was withdrawn for scripts that
/// already ran; empty when the config asks to reload at once.
pub fn reload_notice() -> String {
    with_app(|app| {
        if app.config.reload_on_withdraw {
            String::new()
        } else {
            ui::reload_notice(&app.config, app.view.lang)
        }
    })
}
