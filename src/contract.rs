//! The numeric codes of the banner module's exports (`web/banner.rs`), defined
//! once. The exports' doc comments there say what each takes and returns; the
//! codes they use are these. The page side (`web/banner.js`) imports them from
//! `web/contract.js`, which is generated from [`JS`]: the test
//! `tests/contract.rs` fails when the two differ (`DOUI_BLESS=1` rewrites it).
//! The bundler inlines them, so the page pays no bytes for the names.

/// `start` flag: the page is served over https (cookies get `Secure`).
pub const HTTPS: u32 = 1;
/// `start` flag: `navigator.cookieEnabled` and `document.cookie` is readable.
pub const COOKIES: u32 = 2;
/// `start` flag: `navigator.globalPrivacyControl` is true.
pub const GPC: u32 = 4;

/// `state` bit: a choice is in force (stored, or made in this page view).
pub const CHOICE: u32 = 1;
/// `state` bit: Global Privacy Control overrode an opt-in of the stored choice,
/// which is to be stored again as refused (`decide` with [`KEEP`]).
pub const OVERRIDDEN: u32 = 2;
/// `state` bit: the config shows the floating reopen button.
pub const REOPEN: u32 = 4;
/// `state` bit: the config sets Google's `ads_data_redaction`.
pub const ADS_DATA_REDACTION: u32 = 8;
/// `state` bit: the config sets Google's `url_passthrough`.
pub const URL_PASSTHROUGH: u32 = 16;
/// `state` bit: this browser's banner differs from a prerendered one (a note
/// about cookies or Global Privacy Control), so a prerendered one is rebuilt.
pub const REBUILD: u32 = 32;

/// `decide` kind: everything not required refused.
pub const REJECT_ALL: u32 = 0;
/// `decide` kind: everything accepted.
pub const ACCEPT_ALL: u32 = 1;
/// `decide` kind: the open preferences' switches.
pub const SAVE_DRAFT: u32 = 2;
/// `decide` kind: one category or service set, the rest kept.
pub const SET_ONE: u32 = 3;
/// `decide` kind: the choice in force as it is (to store what Global Privacy
/// Control overrode).
pub const KEEP: u32 = 4;

/// `switches` state: off.
pub const OFF: u8 = b'0';
/// `switches` state: on.
pub const ON: u8 = b'1';
/// `switches` state: a category with only some of its services on.
pub const MIXED: u8 = b'2';

/// Every code the page side uses, by the name `contract.js` exports it under.
pub const JS: &[(&str, u32)] = &[
    ("HTTPS", HTTPS),
    ("COOKIES", COOKIES),
    ("GPC", GPC),
    ("CHOICE", CHOICE),
    ("OVERRIDDEN", OVERRIDDEN),
    ("REOPEN", REOPEN),
    ("ADS_DATA_REDACTION", ADS_DATA_REDACTION),
    ("URL_PASSTHROUGH", URL_PASSTHROUGH),
    ("REBUILD", REBUILD),
    ("REJECT_ALL", REJECT_ALL),
    ("ACCEPT_ALL", ACCEPT_ALL),
    ("SAVE_DRAFT", SAVE_DRAFT),
    ("SET_ONE", SET_ONE),
    ("KEEP", KEEP),
];

/// Switch states as the characters `switches` returns, by name in `contract.js`.
pub const JS_STATES: &[(&str, u8)] = &[("OFF", OFF), ("ON", ON), ("MIXED", MIXED)];
