//! The banner module's exports as the page calls them (`abi.js`): the
//! functions of `banner.rs` under their camelCase names, with strings passed
//! as byte counts and numbers. Written by hand instead of by wasm-bindgen,
//! whose glue and shims for the same calls cost the critical path 1.26 KB
//! gzip more (see docs/sizes.md).
//!
//! - Strings in: the page asks [`args`] for a buffer, writes each string into
//!   it with `TextEncoder.encodeInto`, one after another, and passes the byte
//!   count of each; the export reads them back in that order.
//! - Strings out: the export keeps the string and returns its byte count; the
//!   page reads that many bytes at [`out`].
//! - Booleans are numbers (0 false, anything else true); the 16 random bytes of
//!   `decide` are four 32-bit numbers.
//!
//! The page calls one export at a time and none calls back into the page, so
//! one argument buffer and one result are enough.

use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;

use super::banner;

/// A value of the page's one thread (wasm32 without threads).
struct Slot<T>(RefCell<T>);
// SAFETY: wasm32 without threads has a single thread of execution.
unsafe impl<T> Sync for Slot<T> {}

static ARGS: Slot<Vec<u8>> = Slot(RefCell::new(Vec::new()));
static OUT: Slot<String> = Slot(RefCell::new(String::new()));

/// Makes a zeroed buffer of `size` bytes for the next export's string
/// arguments and returns where it starts.
#[no_mangle]
pub extern "C" fn args(size: usize) -> *mut u8 {
    match ARGS.0.try_borrow_mut() {
        Ok(mut buf) => {
            *buf = alloc::vec![0; size];
            buf.as_mut_ptr()
        }
        Err(_) => core::ptr::null_mut(),
    }
}

/// Where the last string an export returned starts.
#[no_mangle]
pub extern "C" fn out() -> *const u8 {
    OUT.0.try_borrow().map_or(core::ptr::null(), |s| s.as_ptr())
}

/// The string arguments the page wrote, read in order.
struct Args<'a>(&'a [u8]);

impl<'a> Args<'a> {
    /// The next argument, `len` bytes long.
    fn next(&mut self, len: usize) -> &'a str {
        let (head, rest) = self.0.split_at_checked(len).unwrap_or((self.0, &[]));
        self.0 = rest;
        // SAFETY: `abi.js` writes each argument whole with `encodeInto`, which
        // writes only complete UTF-8 sequences, and passes the count it wrote;
        // the zeroes after the last one are ASCII.
        unsafe { core::str::from_utf8_unchecked(head) }
    }
}

/// Runs `f` on the arguments written for this call; the buffer goes with it.
fn with_args<R>(f: impl FnOnce(&mut Args) -> R) -> R {
    let buf = ARGS
        .0
        .try_borrow_mut()
        .map(|mut b| core::mem::take(&mut *b))
        .unwrap_or_default();
    f(&mut Args(&buf))
}

/// Keeps `s` for the page to read at [`out`] and returns its byte count.
fn give(s: String) -> usize {
    match OUT.0.try_borrow_mut() {
        Ok(mut slot) => {
            let len = s.len();
            *slot = s;
            len
        }
        Err(_) => 0,
    }
}

/// [`banner::start`]: the six strings' byte counts, then the numbers.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn start(
    config: usize,
    html_lang: usize,
    languages: usize,
    cookies: usize,
    host: usize,
    path: usize,
    now: f64,
    flags: u32,
) -> usize {
    give(with_args(|a| {
        let (config, html_lang, languages, cookies) = (
            a.next(config),
            a.next(html_lang),
            a.next(languages),
            a.next(cookies),
        );
        let (host, path) = (a.next(host).into(), a.next(path).into());
        banner::start(
            config, html_lang, languages, cookies, now, flags, host, path,
        )
    }))
}

/// [`banner::state`].
#[no_mangle]
pub extern "C" fn state() -> u32 {
    banner::state()
}

/// [`banner::shell`].
#[no_mangle]
pub extern "C" fn shell() -> usize {
    give(banner::shell())
}

/// [`banner::snippet_key`].
#[export_name = "snippetKey"]
pub extern "C" fn snippet_key() -> usize {
    give(banner::snippet_key())
}

/// [`banner::banner_html`].
#[export_name = "bannerHtml"]
pub extern "C" fn banner_html() -> usize {
    give(banner::banner_html())
}

/// [`banner::preferences_html`].
#[export_name = "preferencesHtml"]
pub extern "C" fn preferences_html() -> usize {
    give(banner::preferences_html())
}

/// [`banner::switches`].
#[no_mangle]
pub extern "C" fn switches(id: usize, on: u32) -> usize {
    give(with_args(|a| banner::switches(a.next(id), on != 0)))
}

/// [`banner::decide`], with the 16 random bytes as four numbers.
#[no_mangle]
pub extern "C" fn decide(
    kind: u32,
    id: usize,
    on: u32,
    r0: u32,
    r1: u32,
    r2: u32,
    r3: u32,
    now: f64,
) -> usize {
    let mut random = [0u8; 16];
    for (b, r) in random
        .iter_mut()
        .zip([r0, r1, r2, r3].iter().flat_map(|r| r.to_le_bytes()))
    {
        *b = r;
    }
    give(with_args(|a| {
        banner::decide(kind, a.next(id), on != 0, &random, now)
    }))
}

/// [`banner::confirm`].
#[no_mangle]
pub extern "C" fn confirm(cookies: usize) -> usize {
    give(with_args(|a| banner::confirm(a.next(cookies))))
}

/// [`banner::deletions`].
#[no_mangle]
pub extern "C" fn deletions(cookies: usize) -> usize {
    give(with_args(|a| banner::deletions(a.next(cookies))))
}

/// [`banner::consent_mode`].
#[export_name = "consentMode"]
pub extern "C" fn consent_mode() -> usize {
    give(banner::consent_mode())
}

/// [`banner::resync`].
#[no_mangle]
pub extern "C" fn resync(cookies: usize, now: f64) -> bool {
    with_args(|a| banner::resync(a.next(cookies), now))
}

/// [`banner::accepted`].
#[no_mangle]
pub extern "C" fn accepted(id: usize) -> bool {
    with_args(|a| banner::accepted(a.next(id)))
}

/// [`banner::consent_json`].
#[export_name = "consentJson"]
pub extern "C" fn consent_json() -> usize {
    give(banner::consent_json())
}

/// [`banner::allows`].
#[no_mangle]
pub extern "C" fn allows(marking: usize) -> bool {
    with_args(|a| banner::allows(a.next(marking)))
}

/// [`banner::placeholder`].
#[no_mangle]
pub extern "C" fn placeholder(marking: usize) -> usize {
    give(with_args(|a| banner::placeholder(a.next(marking))))
}

/// [`banner::reload_notice`].
#[export_name = "reloadNotice"]
pub extern "C" fn reload_notice() -> usize {
    give(banner::reload_notice())
}
