//! The consent cookie in `document.cookie`.

use wasm_bindgen::JsCast;
use web_sys::HtmlDocument;

use crate::config::Config;
use crate::consent::{cookie_string, find_cookie, ConsentRecord};

fn html_document() -> Option<HtmlDocument> {
    Some(web_sys::window()?.document()?.unchecked_into())
}

/// `document.cookie`: the names and values visible to this page.
pub fn all() -> Option<alloc::string::String> {
    // Throws in sandboxed frames and with storage blocked; that is "no cookies".
    html_document()?.cookie().ok()
}

/// Whether `document.cookie` can be read at all.
pub fn readable() -> bool {
    all().is_some()
}

/// The stored record, if the cookie exists and decodes (not yet checked against the config).
pub fn load(config: &Config) -> Option<ConsentRecord> {
    let cookies = all()?;
    ConsentRecord::decode(find_cookie(&cookies, &config.cookie.name)?)
}

/// Stores `record`; returns whether the browser kept it.
pub fn store(config: &Config, record: &ConsentRecord, secure: bool) -> bool {
    let Some(doc) = html_document() else {
        return false;
    };
    if doc
        .set_cookie(&cookie_string(config, record, secure))
        .is_err()
    {
        return false;
    }
    load(config).is_some_and(|r| r.id == record.id)
}

/// Writes each `document.cookie` assignment (deletions built by `gate`).
pub fn delete(lines: &[alloc::string::String]) {
    if let Some(doc) = html_document() {
        for line in lines {
            doc.set_cookie(line).ok();
        }
    }
}
