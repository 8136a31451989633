//! The site description: consent categories, their services, each service's cookies
//! and external transmissions, and the texts. Pure: no browser, no I/O.
//!
//! One config drives the banner, the enforcement and the policy tables, so every
//! rule about what a valid config is lives here. Mistakes come back as a
//! [`ConfigError`] naming the line and the field, e.g.
//! `line 12: categories[1].services[0].cookies[2].lifetime: …`.

use alloc::string::String;
use alloc::vec::Vec;

use crate::i18n::{push_lifetime, Lang, Msg, Unit};
use crate::json::{self, Kind, Value};
use crate::text::push_uint;

/// The longest consent lifetime a config may ask for, in days (13 months, the
/// ceiling regulators accept and about what browsers cap cookies at).
pub const MAX_CONSENT_DAYS: u32 = 395;
/// Consent lifetime when the config says nothing, in days (about six months).
pub const DEFAULT_CONSENT_DAYS: u32 = 182;
/// Name of the consent cookie when the config says nothing.
pub const DEFAULT_COOKIE_NAME: &str = "doui_consent";

/// A validated site config.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Bumped by the site when its categories or services change materially; a stored
    /// choice made under another revision is asked again.
    pub revision: u32,
    /// The site's own name, shown as who is asking.
    pub site_name: Option<Text>,
    /// Who runs the site (the controller's legal name), shown in the banner.
    pub operator: Option<Text>,
    /// A language that overrides negotiation.
    pub lang: Option<Lang>,
    /// Where the privacy policy page is, per language.
    pub policy_url: Option<Text>,
    /// Version of the policy text per language (`doui version policy.md`), stored
    /// with each consent so that it says which text the visitor could read.
    pub policy_version: Option<Text>,
    /// How the choice is stored.
    pub cookie: CookieSettings,
    /// Whether a small floating button reopens the preferences.
    pub reopen_button: bool,
    /// Consent categories in display order.
    pub categories: Vec<Category>,
    /// Per-language overrides of built-in texts.
    pub texts: Vec<(Lang, Msg, String)>,
    /// How choices reach Google tags.
    pub consent_mode: ConsentMode,
    /// Whether a Global Privacy Control signal denies the categories marked `gpc`.
    pub honour_gpc: bool,
    /// Reload the page when a visitor withdraws consent for scripts that already
    /// ran, instead of offering a reload.
    pub reload_on_withdraw: bool,
    /// Where a receipt of each choice is sent; none when absent. Not in the
    /// banner module, which does not read it (see `doui-receipts.js`).
    #[cfg(any(feature = "policy", not(target_arch = "wasm32")))]
    pub receipts: Option<Receipts>,
}

/// The site's receipts server, which keeps a proof of each choice.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipts {
    /// The endpoint receipts are posted to (see [`is_receipts_url`]).
    pub url: String,
}

/// Google Consent Mode v2 types, in the order of their bits in
/// [`Category::consent_types`].
pub const CONSENT_TYPES: [&str; 7] = [
    "ad_storage",
    "ad_user_data",
    "ad_personalization",
    "analytics_storage",
    "functionality_storage",
    "personalization_storage",
    "security_storage",
];
/// The advertising types: a category that has any of them is, by default,
/// denied by Global Privacy Control (it shares data for advertising).
const AD_TYPES: u8 = 0b111;
/// `analytics_storage`.
const ANALYTICS_TYPE: u8 = 1 << 3;

/// What doui tells Google tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConsentMode {
    /// Advanced mode: Google tags (services with `googleTag`) load before consent
    /// and read the denied defaults; basic mode keeps them blocked until consent.
    pub advanced: bool,
    /// `gtag('set', 'ads_data_redaction', true)` while advertising is denied.
    pub ads_data_redaction: bool,
    /// `gtag('set', 'url_passthrough', true)`.
    pub url_passthrough: bool,
}

/// Where and how long the consent cookie lives.
#[derive(Debug, Clone, PartialEq)]
pub struct CookieSettings {
    /// Cookie name.
    pub name: String,
    /// Days until a choice (consent or refusal) expires.
    pub days: u32,
    /// Optional `Domain` attribute, to share the choice across subdomains.
    pub domain: Option<String>,
}

/// A purpose a visitor can accept or refuse as a whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    /// Stable identifier (`analytics`), used in markup and the API.
    pub id: String,
    /// Short title.
    pub title: Text,
    /// What the category is for.
    pub description: Text,
    /// Always on (strictly necessary); shown but not switchable.
    pub required: bool,
    /// The Consent Mode types this category grants, one bit per [`CONSENT_TYPES`] entry.
    pub consent_types: u8,
    /// Denied whenever the browser sends Global Privacy Control (sale or sharing).
    pub gpc: bool,
    /// Services in this category.
    pub services: Vec<Service>,
}

/// A third-party or own service that sets cookies or sends data.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// Stable identifier (`google-analytics`), unique across categories and services.
    pub id: String,
    /// Display name (`Google アナリティクス`).
    pub name: Text,
    /// Who runs it (`Google LLC`).
    pub provider: Text,
    /// Why the site uses it.
    pub purpose: Text,
    /// Where the provider processes data, when outside the visitor's country matters.
    pub country: Option<Text>,
    /// The provider's privacy policy.
    pub privacy_url: Option<String>,
    /// Cookies it sets.
    pub cookies: Vec<CookieDecl>,
    /// What it sends where (Japan's 外部送信).
    pub transmissions: Vec<Transmission>,
    /// A Google tag that reads Consent Mode, loaded before consent in advanced mode.
    pub google_tag: bool,
}

/// One cookie a service sets.
#[derive(Debug, Clone, PartialEq)]
pub struct CookieDecl {
    /// Exact name, or a pattern where `*` stands for any run of characters (`_ga_*`).
    pub name: String,
    /// How long it is kept.
    pub lifetime: Lifetime,
    /// First party (set on this site) or third party.
    pub party: Party,
    /// What this cookie in particular is for, when it differs from the service's purpose.
    pub purpose: Option<Text>,
    /// A remark on the lifetime, e.g. "2 weeks with ‘remember me’".
    pub note: Option<Text>,
    /// The `Path` it is set with, when not `/`, so that it can be deleted.
    pub path: Option<String>,
}

/// One external transmission: what is sent, to whom, for what.
#[derive(Debug, Clone, PartialEq)]
pub struct Transmission {
    /// What information is sent (送信される情報の内容).
    pub data: Text,
    /// Who receives it (送信先); defaults to "provider（service name）".
    pub recipient: Text,
    /// The site's purpose (当サイトの利用目的).
    pub purpose_site: Text,
    /// The recipient's purpose (送信先での利用目的).
    pub purpose_recipient: Option<Text>,
    /// The recipient's privacy or opt-out page.
    pub recipient_url: Option<String>,
}

/// First- or third-party cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// Set by this site.
    First,
    /// Set by another site.
    Third,
}

/// How long a cookie is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifetime {
    /// Until the browser closes.
    Session,
    /// A fixed span.
    Span(u32, Unit),
}

impl Lifetime {
    /// Parses `session`, or a number and a unit: `30s`, `1min`, `24h`, `2d`, `2w`, `13mo`, `1y`.
    pub fn parse(s: &str) -> Option<Lifetime> {
        if s == "session" {
            return Some(Lifetime::Session);
        }
        let split = s.bytes().position(|b| !b.is_ascii_digit())?;
        let (num, unit) = (s.get(..split)?, s.get(split..)?);
        if num.is_empty() || num.len() > 6 || (num.len() > 1 && num.starts_with('0')) {
            return None;
        }
        let n: u32 = num.parse().ok()?;
        let unit = match unit {
            "s" => Unit::Second,
            "min" => Unit::Minute,
            "h" => Unit::Hour,
            "d" => Unit::Day,
            "w" => Unit::Week,
            "mo" => Unit::Month,
            "y" => Unit::Year,
            _ => return None,
        };
        if n == 0 {
            return None;
        }
        Some(Lifetime::Span(n, unit))
    }

    /// Whether it is longer than `days` (months count 30 days, years 365).
    pub fn longer_than_days(self, days: u32) -> bool {
        match self {
            Lifetime::Session => false,
            Lifetime::Span(n, unit) => n as u64 * unit.seconds() > days as u64 * 86_400,
        }
    }
}

/// A text given once for all languages or per language.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Text {
    /// Japanese.
    pub ja: Option<String>,
    /// English.
    pub en: Option<String>,
}

impl Text {
    /// A text that reads the same in every language.
    pub fn same(s: &str) -> Text {
        Text {
            ja: Some(s.into()),
            en: Some(s.into()),
        }
    }

    /// The text in `lang`, falling back to the other language.
    pub fn get(&self, lang: Lang) -> &str {
        let (first, second) = match lang {
            Lang::Ja => (&self.ja, &self.en),
            Lang::En => (&self.en, &self.ja),
        };
        first.as_deref().or(second.as_deref()).unwrap_or("")
    }

    /// The text in `lang` only, without fallback.
    pub fn exact(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::Ja => self.ja.as_deref(),
            Lang::En => self.en.as_deref(),
        }
    }
}

impl Config {
    /// Reads and validates a config from JSON text.
    pub fn from_json(text: &str) -> Result<Config, ConfigError> {
        let v = json::parse(text).map_err(|e| ConfigError {
            line: e.line,
            path: Vec::new(),
            problem: Problem::Syntax(e.error),
        })?;
        let mut reader = Reader {
            path: Vec::new(),
            error: None,
        };
        let config = reader.config(&v);
        match reader.error {
            Some(e) => Err(e),
            None => Ok(config),
        }
    }

    /// The service with this id and the category it belongs to.
    pub fn find_service(&self, id: &str) -> Option<(&Category, &Service)> {
        self.categories
            .iter()
            .find_map(|c| c.services.iter().find(|s| s.id == id).map(|s| (c, s)))
    }

    /// A category by id.
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// Whether a Global Privacy Control signal from the browser (`signal`)
    /// changes anything here: the config honours it and some category is marked
    /// `gpc`. Then the banner says so and shows those categories locked off.
    pub fn gpc_applies(&self, signal: bool) -> bool {
        signal && self.honour_gpc && self.categories.iter().any(|c| c.gpc)
    }

    /// A text, with the config's override for `lang` if it has one.
    pub fn text(&self, lang: Lang, msg: Msg) -> &str {
        self.texts
            .iter()
            .find(|(l, m, _)| *l == lang && *m == msg)
            .map(|(_, _, s)| s.as_str())
            .unwrap_or(msg.builtin(lang))
    }

    /// Advice that does not make the config invalid but deserves a look: vague
    /// wording that Japan's guidance on external transmission asks sites to
    /// avoid, texts that Japanese pages would show in English, and analytics or
    /// advertising cookies kept longer than European regulators accept.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        let top = [
            ("siteName", &self.site_name),
            ("operator", &self.operator),
            ("policyUrl", &self.policy_url),
        ];
        for (key, t) in top {
            english_only(&mut out, key, t.as_ref());
        }
        // The banner's first sentence lists the categories at `{}`; one written
        // out instead must be kept in step with them by hand.
        for (lang, msg, text) in &self.texts {
            if *msg == Msg::BannerBody && !text.contains("{}") {
                let mut m = String::from("texts.");
                m.push_str(lang.tag());
                m.push_str(".bannerBody: has no {} for the list of categories; check that it names exactly these purposes:");
                for c in self.categories.iter().filter(|c| !c.required) {
                    m.push(' ');
                    m.push_str(c.title.get(*lang));
                    m.push(';');
                }
                m.pop();
                out.push(m);
            }
        }
        for (ci, c) in self.categories.iter().enumerate() {
            let cp = indexed(String::from("categories"), ci);
            english_only(&mut out, &child(&cp, "title"), Some(&c.title));
            english_only(&mut out, &child(&cp, "description"), Some(&c.description));
            // Audience measurement or advertising: the categories that grant
            // analytics_storage or an ad_* Consent Mode type.
            let measures = c.consent_types & (AD_TYPES | ANALYTICS_TYPE) != 0;
            for (si, s) in c.services.iter().enumerate() {
                let sp = indexed(child(&cp, "services"), si);
                english_only(&mut out, &child(&sp, "name"), Some(&s.name));
                english_only(&mut out, &child(&sp, "provider"), Some(&s.provider));
                english_only(&mut out, &child(&sp, "purpose"), Some(&s.purpose));
                english_only(&mut out, &child(&sp, "country"), s.country.as_ref());
                for (ki, k) in s.cookies.iter().enumerate() {
                    let kp = indexed(child(&sp, "cookies"), ki);
                    if measures && k.lifetime.longer_than_days(MAX_CONSENT_DAYS) {
                        let mut m = child(&kp, "lifetime");
                        m.push_str(": ");
                        push_lifetime(
                            &mut m,
                            k.lifetime,
                            Msg::UntilClosed.builtin(Lang::En),
                            Lang::En,
                        );
                        m.push_str(" is longer than 13 months, the longest European regulators accept for analytics and advertising cookies");
                        out.push(m);
                    }
                    english_only(&mut out, &child(&kp, "purpose"), k.purpose.as_ref());
                    english_only(&mut out, &child(&kp, "note"), k.note.as_ref());
                }
                for (ti, t) in s.transmissions.iter().enumerate() {
                    let tp = indexed(child(&sp, "transmissions"), ti);
                    if let Some(ja) = &t.data.ja {
                        if ["等", "その他", "など"].iter().any(|w| ja.contains(w)) {
                            let mut m = child(&tp, "data");
                            m.push_str(
                                ": list what is sent concretely; avoid 「等」「その他」「など」",
                            );
                            out.push(m);
                        }
                    }
                    english_only(&mut out, &child(&tp, "data"), Some(&t.data));
                    english_only(&mut out, &child(&tp, "recipient"), Some(&t.recipient));
                    english_only(&mut out, &child(&tp, "purposeSite"), Some(&t.purpose_site));
                    english_only(
                        &mut out,
                        &child(&tp, "purposeRecipient"),
                        t.purpose_recipient.as_ref(),
                    );
                }
            }
        }
        out
    }
}

/// `path[i]`.
fn indexed(mut path: String, i: usize) -> String {
    path.push('[');
    push_uint(&mut path, i as u64);
    path.push(']');
    path
}

/// `path.key`.
fn child(path: &str, key: &str) -> String {
    let mut s = String::from(path);
    s.push('.');
    s.push_str(key);
    s
}

/// Warns about a text that Japanese pages would show in English.
fn english_only(out: &mut Vec<String>, path: &str, t: Option<&Text>) {
    if let Some(Text {
        ja: None,
        en: Some(_),
    }) = t
    {
        let mut m = String::from(path);
        m.push_str(": only in English, so Japanese pages show it in English; add \"ja\" (Japan's rules ask for plain Japanese)");
        out.push(m);
    }
}

/// What is wrong with a config value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The JSON itself is malformed.
    Syntax(json::SyntaxError),
    /// A required field is absent.
    Missing,
    /// A field the config format does not know (often a typo).
    UnknownField,
    /// Wrong JSON type.
    ExpectedString,
    /// Wrong JSON type.
    ExpectedBool,
    /// Wrong JSON type.
    ExpectedObject,
    /// Wrong JSON type.
    ExpectedArray,
    /// Not a whole number in range.
    ExpectedNumber,
    /// Neither a string nor an object of languages.
    ExpectedText,
    /// A language key other than `ja` or `en`.
    UnknownLang,
    /// An empty string where text is needed.
    Empty,
    /// An id with characters other than `a-z 0-9 - _`, or not starting with a letter.
    BadId,
    /// An id used twice.
    DuplicateId,
    /// Not a recognised lifetime.
    BadLifetime,
    /// Neither `first` nor `third`.
    BadParty,
    /// A cookie name with characters cookies cannot have.
    BadCookieName,
    /// A URL with a scheme other than http(s), or with spaces.
    BadUrl,
    /// Consent lifetime outside 1..=395 days.
    DaysOutOfRange,
    /// A policy version that is not the short hash `doui version` prints.
    BadVersion,
    /// `revision` below 1.
    RevisionOutOfRange,
    /// A `texts` key that is not a known message.
    UnknownText,
    /// `categories` is empty.
    NoCategories,
    /// Not one of the seven Google Consent Mode types.
    UnknownConsentType,
    /// Neither `basic` nor `advanced`.
    BadMode,
    /// A cookie path that does not start with `/` or has characters paths cannot have.
    BadPath,
    /// A receipts URL that is not https (or http to this machine), see [`is_receipts_url`].
    BadReceiptsUrl,
}

impl Problem {
    /// A fixed description.
    pub fn message(self) -> &'static str {
        match self {
            Problem::Syntax(e) => e.message(),
            Problem::Missing => "required field is missing",
            Problem::UnknownField => "unknown field (check the spelling against the config reference)",
            Problem::ExpectedString => "expected a string",
            Problem::ExpectedBool => "expected true or false",
            Problem::ExpectedObject => "expected an object",
            Problem::ExpectedArray => "expected an array",
            Problem::ExpectedNumber => "expected a whole number",
            Problem::ExpectedText => "expected a string or an object such as {\"ja\": \"…\", \"en\": \"…\"}",
            Problem::UnknownLang => "unsupported language; use \"ja\" or \"en\"",
            Problem::Empty => "must not be empty",
            Problem::BadId => "ids use a-z, 0-9, '-' and '_' and start with a letter",
            Problem::DuplicateId => "this id is already used by another category or service",
            Problem::BadLifetime => "expected a lifetime such as \"session\", \"30min\", \"24h\", \"2d\", \"2w\", \"13mo\" or \"1y\"",
            Problem::BadParty => "expected \"first\" or \"third\"",
            Problem::BadCookieName => "cookie names use letters, digits and !#$%&'*+-.^_`|~ ('*' matches any run of characters)",
            Problem::BadUrl => "expected an http(s) URL or a path starting with '/'",
            Problem::DaysOutOfRange => "consent lifetime must be 1 to 395 days",
            Problem::BadVersion => "expected the policy version printed by `doui version policy.md` (letters and digits)",
            Problem::RevisionOutOfRange => "revision must be 1 or more",
            Problem::UnknownText => "unknown text key (see the texts list in the config reference)",
            Problem::NoCategories => "at least one category is needed",
            Problem::UnknownConsentType => "not a Consent Mode type (ad_storage, ad_user_data, ad_personalization, analytics_storage, functionality_storage, personalization_storage, security_storage)",
            Problem::BadMode => "expected \"basic\" or \"advanced\"",
            Problem::BadPath => "expected a path starting with / without spaces, ; or ,",
            Problem::BadReceiptsUrl => "expected an https URL (http only to localhost, 127.0.0.1 or [::1]) without spaces or a user name",
        }
    }
}

/// A config mistake: where (line and field path) and what.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    /// 1-based line in the JSON text.
    pub line: u32,
    /// Field path, outermost first: `["categories", "[1]", "id"]`.
    pub path: Vec<String>,
    /// What is wrong.
    pub problem: Problem,
}

impl ConfigError {
    /// The field path as written in JSON terms: `categories[1].services[0].id`.
    pub fn field(&self) -> String {
        let mut s = String::new();
        for seg in &self.path {
            if !s.is_empty() && !seg.starts_with('[') {
                s.push('.');
            }
            s.push_str(seg);
        }
        s
    }

    /// `config line 12: categories[1].id: ids use …`
    pub fn describe(&self) -> String {
        let mut s = String::from("config line ");
        push_uint(&mut s, self.line as u64);
        s.push_str(": ");
        let field = self.field();
        if !field.is_empty() {
            s.push_str(&field);
            s.push_str(": ");
        }
        s.push_str(self.problem.message());
        s
    }
}

/// Whether errors carry their field path. The banner module only needs to know
/// that a config is invalid (and where: the line); the full message comes from
/// the policy module, fetched only then, which keeps the critical path smaller.
const TRACK_PATHS: bool = cfg!(any(feature = "policy", not(target_arch = "wasm32")));
type Fields = [(String, Value)];

/// Turns JSON values into config types, keeping the path of the field being
/// read so that an error can name it. The first mistake is recorded and reading
/// goes on with empty values: returning at each mistake would cost the banner
/// module code to drop every half-built value on the way out, and only the first
/// mistake is reported either way. Deliberately plain code without generic
/// closures, for the same reason.
struct Reader {
    path: Vec<String>,
    error: Option<ConfigError>,
}

fn field<'v>(fields: &'v Fields, key: &str) -> Option<&'v Value> {
    fields
        .iter()
        .find(|(k, v)| k == key && v.kind != Kind::Null)
        .map(|(_, v)| v)
}

impl Reader {
    /// Records `problem` at `v`, unless an earlier mistake was found.
    fn fail(&mut self, v: &Value, problem: Problem) {
        if self.error.is_none() {
            self.error = Some(ConfigError {
                line: v.line,
                // Always empty in the banner module: no need to clone it there.
                path: if TRACK_PATHS {
                    self.path.clone()
                } else {
                    Vec::new()
                },
                problem,
            });
        }
    }

    /// Records `problem` at `v`, the value of field `key`.
    fn fail_at(&mut self, key: &str, v: &Value, problem: Problem) {
        self.enter(key);
        self.fail(v, problem);
        self.leave();
    }

    /// Records `problem` at field `key` of `fields` (or at `obj` when absent).
    fn fail_field(&mut self, obj: &Value, fields: &Fields, key: &str, problem: Problem) {
        self.fail_at(key, field(fields, key).unwrap_or(obj), problem);
    }

    fn missing(&mut self, obj: &Value, key: &str) {
        self.fail_at(key, obj, Problem::Missing);
    }

    fn enter(&mut self, key: &str) {
        if TRACK_PATHS {
            self.path.push(key.into());
        }
    }

    fn enter_index(&mut self, i: usize) {
        if !TRACK_PATHS {
            return;
        }
        let mut s = String::from("[");
        push_uint(&mut s, i as u64);
        s.push(']');
        self.path.push(s);
    }

    fn leave(&mut self) {
        if TRACK_PATHS {
            self.path.pop();
        }
    }

    /// The fields of an object, after checking that each key is allowed.
    fn object<'v>(&mut self, v: &'v Value, allowed: &[&str]) -> &'v Fields {
        let Kind::Object(fields) = &v.kind else {
            self.fail(v, Problem::ExpectedObject);
            return &[];
        };
        for (k, fv) in fields {
            if !allowed.contains(&k.as_str()) {
                self.fail_at(k, fv, Problem::UnknownField);
            }
        }
        fields
    }

    fn items<'v>(&mut self, v: &'v Value) -> &'v [Value] {
        match &v.kind {
            Kind::Array(items) => items,
            _ => {
                self.fail(v, Problem::ExpectedArray);
                &[]
            }
        }
    }

    fn string(&mut self, v: &Value) -> String {
        match &v.kind {
            Kind::Str(s) if is_blank(s) => self.fail(v, Problem::Empty),
            Kind::Str(s) => return s.clone(),
            _ => self.fail(v, Problem::ExpectedString),
        }
        String::new()
    }

    fn opt_string(&mut self, fields: &Fields, key: &str) -> Option<String> {
        let v = field(fields, key)?;
        self.enter(key);
        let s = self.string(v);
        self.leave();
        Some(s)
    }

    fn opt_bool(&mut self, fields: &Fields, key: &str) -> Option<bool> {
        let v = field(fields, key)?;
        if let Kind::Bool(b) = v.kind {
            return Some(b);
        }
        self.fail_at(key, v, Problem::ExpectedBool);
        None
    }

    /// A whole number in `min..=max`, else `problem`.
    fn opt_uint(
        &mut self,
        fields: &Fields,
        key: &str,
        min: u32,
        max: u32,
        problem: Problem,
    ) -> Option<u32> {
        let v = field(fields, key)?;
        let problem = match v.kind {
            Kind::Int(n) if n >= min as i64 && n <= max as i64 => return Some(n as u32),
            Kind::Int(_) => problem,
            _ => Problem::ExpectedNumber,
        };
        self.fail_at(key, v, problem);
        None
    }

    fn opt_text(&mut self, fields: &Fields, key: &str) -> Option<Text> {
        let v = field(fields, key)?;
        self.enter(key);
        let mut t = Text::default();
        match &v.kind {
            Kind::Str(_) => t = Text::same(&self.string(v)),
            Kind::Object(langs) => {
                for (k, lv) in langs {
                    self.enter(k);
                    match k.as_str() {
                        "ja" => t.ja = Some(self.string(lv)),
                        "en" => t.en = Some(self.string(lv)),
                        _ => self.fail(lv, Problem::UnknownLang),
                    }
                    self.leave();
                }
                if langs.is_empty() {
                    self.fail(v, Problem::Empty);
                }
            }
            _ => self.fail(v, Problem::ExpectedText),
        }
        self.leave();
        Some(t)
    }

    fn text(&mut self, obj: &Value, fields: &Fields, key: &str) -> Text {
        let t = self.opt_text(fields, key);
        if t.is_none() {
            self.missing(obj, key);
        }
        t.unwrap_or_default()
    }

    /// An http(s) URL or a site path per language (or one for every language).
    fn opt_url_text(&mut self, fields: &Fields, key: &str) -> Option<Text> {
        let t = self.opt_text(fields, key)?;
        let bad = |s: &Option<String>| s.as_ref().is_some_and(|s| !is_url(s));
        if bad(&t.ja) || bad(&t.en) {
            if let Some(v) = field(fields, key) {
                self.fail_at(key, v, Problem::BadUrl);
            }
        }
        Some(t)
    }

    /// An http(s) URL or a site path.
    fn opt_url(&mut self, fields: &Fields, key: &str) -> Option<String> {
        let s = self.opt_string(fields, key)?;
        if is_url(&s) {
            return Some(s);
        }
        if let Some(v) = field(fields, key) {
            self.fail_at(key, v, Problem::BadUrl);
        }
        None
    }

    fn id(&mut self, obj: &Value, fields: &Fields, seen: &mut Vec<String>) -> String {
        let Some(s) = self.opt_string(fields, "id") else {
            self.missing(obj, "id");
            return String::new();
        };
        if !is_id(&s) {
            self.fail_field(obj, fields, "id", Problem::BadId);
        } else if seen.contains(&s) {
            self.fail_field(obj, fields, "id", Problem::DuplicateId);
        } else {
            seen.push(s.clone());
        }
        s
    }

    /// Characters RFC 6265 allows in a cookie name, plus `*` for patterns when `pattern`.
    fn cookie_name(&mut self, v: &Value, pattern: bool) -> String {
        let s = self.string(v);
        if !is_cookie_name(&s, pattern) {
            self.fail(v, Problem::BadCookieName);
        }
        s
    }

    fn cookie_path(&mut self, v: &Value, fields: &Fields) -> Option<String> {
        let path = self.opt_string(fields, "path");
        if path.as_ref().is_some_and(|p| !is_cookie_path(p)) {
            self.fail_field(v, fields, "path", Problem::BadPath);
        }
        path
    }

    fn config(&mut self, v: &Value) -> Config {
        let o = self.object(
            v,
            &[
                "$schema",
                "revision",
                "siteName",
                "operator",
                "lang",
                "policyUrl",
                "policyVersion",
                "cookie",
                "reopenButton",
                "categories",
                "texts",
                "consentMode",
                "honourGpc",
                "reloadOnWithdraw",
                "receipts",
            ],
        );
        // Only for editors: its value means nothing to doui, but it is a string.
        if let Some(sv) = field(o, "$schema") {
            if !matches!(sv.kind, Kind::Str(_)) {
                self.fail_at("$schema", sv, Problem::ExpectedString);
            }
        }
        let revision = self.opt_uint(o, "revision", 1, u32::MAX, Problem::RevisionOutOfRange);
        if revision.is_none() {
            self.missing(v, "revision");
        }
        let lang = match field(o, "lang") {
            None => None,
            Some(lv) => match &lv.kind {
                Kind::Str(s) if s == "ja" => Some(Lang::Ja),
                Kind::Str(s) if s == "en" => Some(Lang::En),
                _ => {
                    self.fail_at("lang", lv, Problem::UnknownLang);
                    None
                }
            },
        };
        let policy_version = self.opt_text(o, "policyVersion");
        if let Some(t) = &policy_version {
            let bad = |s: &Option<String>| s.as_ref().is_some_and(|s| !is_policy_version(s));
            if bad(&t.ja) || bad(&t.en) {
                self.fail_field(v, o, "policyVersion", Problem::BadVersion);
            }
        }
        let mut cookie = CookieSettings {
            name: DEFAULT_COOKIE_NAME.into(),
            days: DEFAULT_CONSENT_DAYS,
            domain: None,
        };
        if let Some(cv) = field(o, "cookie") {
            self.enter("cookie");
            let co = self.object(cv, &["name", "days", "domain"]);
            if let Some(nv) = field(co, "name") {
                self.enter("name");
                cookie.name = self.cookie_name(nv, false);
                self.leave();
            }
            if let Some(d) = self.opt_uint(co, "days", 1, MAX_CONSENT_DAYS, Problem::DaysOutOfRange)
            {
                cookie.days = d;
            }
            cookie.domain = self.opt_string(co, "domain");
            if let Some(d) = &cookie.domain {
                if !is_domain(d) {
                    self.fail_field(cv, co, "domain", Problem::BadUrl);
                }
            }
            self.leave();
        }
        let mut seen = Vec::new();
        let mut categories = Vec::new();
        match field(o, "categories") {
            None => self.missing(v, "categories"),
            Some(cv) => {
                self.enter("categories");
                for (i, c) in self.items(cv).iter().enumerate() {
                    self.enter_index(i);
                    let category = self.category(c, &mut seen);
                    categories.push(category);
                    self.leave();
                }
                if categories.is_empty() {
                    self.fail(cv, Problem::NoCategories);
                }
                self.leave();
            }
        }
        let mut texts = Vec::new();
        if let Some(tv) = field(o, "texts") {
            self.enter("texts");
            for (k, lv) in self.object(tv, &["ja", "en"]) {
                let lang = if k == "ja" { Lang::Ja } else { Lang::En };
                self.enter(k);
                match &lv.kind {
                    Kind::Object(msgs) => {
                        for (name, mv) in msgs {
                            self.enter(name);
                            match Msg::from_name(name) {
                                Some(msg) => {
                                    let s = self.string(mv);
                                    texts.push((lang, msg, s));
                                }
                                None => self.fail(mv, Problem::UnknownText),
                            }
                            self.leave();
                        }
                    }
                    _ => self.fail(lv, Problem::ExpectedObject),
                }
                self.leave();
            }
            self.leave();
        }
        let mut consent_mode = ConsentMode::default();
        if let Some(mv) = field(o, "consentMode") {
            self.enter("consentMode");
            let mo = self.object(mv, &["mode", "adsDataRedaction", "urlPassthrough"]);
            consent_mode.advanced = match self.opt_string(mo, "mode").as_deref() {
                None | Some("basic") => false,
                Some("advanced") => true,
                Some(_) => {
                    self.fail_field(mv, mo, "mode", Problem::BadMode);
                    false
                }
            };
            consent_mode.ads_data_redaction =
                self.opt_bool(mo, "adsDataRedaction").unwrap_or(false);
            consent_mode.url_passthrough = self.opt_bool(mo, "urlPassthrough").unwrap_or(false);
            self.leave();
        }
        // The banner module leaves `receipts` alone: it sends no receipt itself.
        // doui-receipts.js, loaded after a choice, checks the whole config with
        // the policy module before it sends one, so that a mistake there is
        // reported with its field and stops receipts, not the banner. Reading it
        // here would cost the critical path about 380 B gzip (measured).
        #[cfg(any(feature = "policy", not(target_arch = "wasm32")))]
        let receipts = field(o, "receipts").and_then(|rv| self.receipts(rv));
        Config {
            #[cfg(any(feature = "policy", not(target_arch = "wasm32")))]
            receipts,
            consent_mode,
            honour_gpc: self.opt_bool(o, "honourGpc").unwrap_or(true),
            reload_on_withdraw: self.opt_bool(o, "reloadOnWithdraw").unwrap_or(false),
            revision: revision.unwrap_or(1),
            site_name: self.opt_text(o, "siteName"),
            operator: self.opt_text(o, "operator"),
            lang,
            policy_url: self.opt_url_text(o, "policyUrl"),
            policy_version,
            cookie,
            reopen_button: self.opt_bool(o, "reopenButton").unwrap_or(true),
            categories,
            texts,
        }
    }

    #[cfg(any(feature = "policy", not(target_arch = "wasm32")))]
    fn receipts(&mut self, v: &Value) -> Option<Receipts> {
        self.enter("receipts");
        let o = self.object(v, &["url"]);
        let url = self.opt_string(o, "url");
        let ok = url.as_deref().is_some_and(is_receipts_url);
        match &url {
            None => self.missing(v, "url"),
            Some(_) if !ok => self.fail_field(v, o, "url", Problem::BadReceiptsUrl),
            Some(_) => {}
        }
        self.leave();
        url.filter(|_| ok).map(|url| Receipts { url })
    }

    fn category(&mut self, v: &Value, seen: &mut Vec<String>) -> Category {
        let o = self.object(
            v,
            &[
                "id",
                "title",
                "description",
                "required",
                "services",
                "consentTypes",
                "gpc",
            ],
        );
        let id = self.id(v, o, seen);
        let required = self.opt_bool(o, "required").unwrap_or(false);
        let consent_types = match field(o, "consentTypes") {
            None => default_consent_types(&id, required),
            Some(tv) => {
                self.enter("consentTypes");
                let mut bits = 0u8;
                for (i, t) in self.items(tv).iter().enumerate() {
                    self.enter_index(i);
                    let name = self.string(t);
                    match CONSENT_TYPES.iter().position(|c| *c == name) {
                        Some(bit) => bits |= 1 << bit,
                        None => self.fail(t, Problem::UnknownConsentType),
                    }
                    self.leave();
                }
                self.leave();
                bits
            }
        };
        let mut services = Vec::new();
        if let Some(sv) = field(o, "services") {
            self.enter("services");
            for (i, s) in self.items(sv).iter().enumerate() {
                self.enter_index(i);
                let service = self.service(s, seen);
                services.push(service);
                self.leave();
            }
            self.leave();
        }
        Category {
            id,
            title: self.text(v, o, "title"),
            description: self.text(v, o, "description"),
            required,
            gpc: self
                .opt_bool(o, "gpc")
                .unwrap_or(consent_types & AD_TYPES != 0),
            consent_types,
            services,
        }
    }

    fn service(&mut self, v: &Value, seen: &mut Vec<String>) -> Service {
        let o = self.object(
            v,
            &[
                "id",
                "name",
                "provider",
                "purpose",
                "country",
                "privacyUrl",
                "cookies",
                "transmissions",
                "googleTag",
            ],
        );
        let id = self.id(v, o, seen);
        let name = self.text(v, o, "name");
        let provider = self.text(v, o, "provider");
        let mut cookies = Vec::new();
        if let Some(cv) = field(o, "cookies") {
            self.enter("cookies");
            for (i, c) in self.items(cv).iter().enumerate() {
                self.enter_index(i);
                let cookie = self.cookie(c);
                cookies.push(cookie);
                self.leave();
            }
            self.leave();
        }
        #[allow(unused_mut)]
        let mut transmissions = Vec::new();
        if let Some(tv) = field(o, "transmissions") {
            self.enter("transmissions");
            for (i, t) in self.items(tv).iter().enumerate() {
                self.enter_index(i);
                #[cfg(any(feature = "policy", not(target_arch = "wasm32")))]
                {
                    let transmission = self.transmission(t, &name, &provider);
                    transmissions.push(transmission);
                }
                #[cfg(all(target_arch = "wasm32", not(feature = "policy")))]
                self.check_transmission(t);
                self.leave();
            }
            self.leave();
        }
        Service {
            id,
            purpose: self.text(v, o, "purpose"),
            country: self.opt_text(o, "country"),
            privacy_url: self.opt_url(o, "privacyUrl"),
            name,
            provider,
            cookies,
            transmissions,
            google_tag: self.opt_bool(o, "googleTag").unwrap_or(false),
        }
    }

    fn cookie(&mut self, v: &Value) -> CookieDecl {
        let o = self.object(v, &["name", "lifetime", "party", "purpose", "note", "path"]);
        let name = match field(o, "name") {
            None => {
                self.missing(v, "name");
                String::new()
            }
            Some(nv) => {
                self.enter("name");
                let name = self.cookie_name(nv, true);
                self.leave();
                name
            }
        };
        let lifetime = match field(o, "lifetime") {
            None => {
                self.missing(v, "lifetime");
                None
            }
            Some(lv) => {
                self.enter("lifetime");
                let lifetime = Lifetime::parse(&self.string(lv));
                if lifetime.is_none() {
                    self.fail(lv, Problem::BadLifetime);
                }
                self.leave();
                lifetime
            }
        };
        let party = match self.opt_string(o, "party").as_deref() {
            None | Some("first") => Party::First,
            Some("third") => Party::Third,
            Some(_) => {
                self.fail_field(v, o, "party", Problem::BadParty);
                Party::First
            }
        };
        CookieDecl {
            name,
            lifetime: lifetime.unwrap_or(Lifetime::Session),
            party,
            purpose: self.opt_text(o, "purpose"),
            note: self.opt_text(o, "note"),
            path: self.cookie_path(v, o),
        }
    }

    #[cfg(any(feature = "policy", not(target_arch = "wasm32")))]
    fn transmission(&mut self, v: &Value, name: &Text, provider: &Text) -> Transmission {
        let o = self.object(v, TRANSMISSION_FIELDS);
        let recipient = match self.opt_text(o, "recipient") {
            Some(r) => r,
            // The guidance asks for the recipient's name with the service it runs:
            // 「Google LLC（Google アナリティクス）」.
            None => Text {
                ja: Some(joined(
                    provider.get(Lang::Ja),
                    "（",
                    name.get(Lang::Ja),
                    "）",
                )),
                en: Some(joined(
                    provider.get(Lang::En),
                    " (",
                    name.get(Lang::En),
                    ")",
                )),
            },
        };
        Transmission {
            data: self.text(v, o, "data"),
            recipient,
            purpose_site: self.text(v, o, "purposeSite"),
            purpose_recipient: self.opt_text(o, "purposeRecipient"),
            recipient_url: self.opt_url(o, "recipientUrl"),
        }
    }

    /// The banner module keeps no transmissions (only a policy shows them) but
    /// checks them all the same, in the same order, so that a config is valid
    /// or invalid in every module alike.
    #[cfg(all(target_arch = "wasm32", not(feature = "policy")))]
    fn check_transmission(&mut self, v: &Value) {
        let o = self.object(v, TRANSMISSION_FIELDS);
        self.opt_text(o, "recipient");
        self.text(v, o, "data");
        self.text(v, o, "purposeSite");
        self.opt_text(o, "purposeRecipient");
        self.opt_url(o, "recipientUrl");
    }
}

// The rules for single values, shared with the serde types of `crate::schema`
// (whose JSON Schema patterns say the same in regular expressions).

/// Empty or only whitespace: not a text. Not `trim`: the same test, with less
/// code in the banner module.
pub(crate) fn is_blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

/// An id: a lowercase letter, then up to 63 of `a-z 0-9 - _`.
pub(crate) fn is_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.first().is_some_and(u8::is_ascii_lowercase)
        && b.len() <= 64
        && b.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'_')
}

/// Characters RFC 6265 allows in a cookie name, plus `*` for patterns when `pattern`.
pub(crate) fn is_cookie_name(s: &str, pattern: bool) -> bool {
    s.bytes().all(|b| {
        b.is_ascii_alphanumeric() || b"!#$%&'+-.^_`|~".contains(&b) || (pattern && b == b'*')
    })
}

/// An http(s) URL or a site path, without spaces or control characters.
pub(crate) fn is_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://") || s.starts_with('/'))
        && !s.starts_with("//")
        && !s.bytes().any(|b| b <= b' ' || b == 0x7f)
}

/// Where receipts may go: an `https://` URL with a host and no user name
/// (`https://a@b/` hides the real host), or, for testing, `http://` to this
/// machine (`localhost`, `127.0.0.1` or `[::1]`, with an optional port); no
/// spaces or control characters. A proof of consent must not cross the network
/// in clear.
pub fn is_receipts_url(s: &str) -> bool {
    let (secure, rest) = match (s.strip_prefix("https://"), s.strip_prefix("http://")) {
        (Some(rest), _) => (true, rest),
        (_, Some(rest)) => (false, rest),
        _ => return false,
    };
    let end = rest
        .bytes()
        .position(|b| b == b'/' || b == b'?' || b == b'#')
        .unwrap_or(rest.len());
    let authority = &rest[..end];
    if !is_url(s) || authority.is_empty() {
        return false;
    }
    if secure {
        return !authority.contains('@');
    }
    // This machine by name or address, then nothing or `:` and a port.
    ["localhost", "127.0.0.1", "[::1]"].iter().any(|host| {
        authority.strip_prefix(host).is_some_and(|port| {
            port.is_empty()
                || port
                    .strip_prefix(':')
                    .is_some_and(|digits| digits.bytes().all(|b| b.is_ascii_digit()))
        })
    })
}

/// A cookie `Path`: starts with `/`, no spaces, `;`, `,` or control characters.
pub(crate) fn is_cookie_path(p: &str) -> bool {
    p.starts_with('/')
        && !p
            .bytes()
            .any(|b| b <= b' ' || b == b';' || b == b',' || b == 0x7f)
}

/// A cookie `Domain`: letters, digits, dots and hyphens.
pub(crate) fn is_domain(d: &str) -> bool {
    d.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

/// The short hash `doui version` prints: up to 16 letters and digits.
pub(crate) fn is_policy_version(s: &str) -> bool {
    s.len() <= 16 && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

const TRANSMISSION_FIELDS: &[&str] = &[
    "data",
    "recipient",
    "purposeSite",
    "purposeRecipient",
    "recipientUrl",
];

/// Consent Mode types for the usual category ids, so that most sites need not list them.
fn default_consent_types(id: &str, required: bool) -> u8 {
    if required {
        return 1 << 6;
    }
    match id {
        "analytics" | "statistics" | "measurement" | "performance" => 1 << 3,
        "advertising" | "marketing" | "ads" => AD_TYPES,
        "preferences" | "functional" | "functionality" | "personalization" => 0b11 << 4,
        _ => 0,
    }
}

#[cfg(any(feature = "policy", not(target_arch = "wasm32")))]
fn joined(a: &str, open: &str, b: &str, close: &str) -> String {
    let mut s = String::from(a);
    s.push_str(open);
    s.push_str(b);
    s.push_str(close);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{
  "revision": 1,
  "categories": [
    { "id": "necessary", "required": true,
      "title": {"ja": "必須", "en": "Necessary"},
      "description": "Needed for the site to work." },
    { "id": "analytics",
      "title": {"ja": "アクセス解析", "en": "Analytics"},
      "description": {"ja": "利用状況の分析", "en": "Usage analysis"},
      "services": [
        { "id": "google-analytics",
          "name": {"ja": "Google アナリティクス", "en": "Google Analytics"},
          "provider": "Google LLC",
          "purpose": {"ja": "アクセス解析", "en": "Visit statistics"},
          "cookies": [
            { "name": "_ga", "lifetime": "2y" },
            { "name": "_ga_*", "lifetime": "2y" }
          ],
          "transmissions": [
            { "data": {"ja": "閲覧したページのURL、Cookie ID（_ga）"},
              "purposeSite": {"ja": "アクセス解析"} }
          ]
        }
      ]
    }
  ]
}"#;

    fn err(json: &str) -> String {
        Config::from_json(json).unwrap_err().describe()
    }

    #[test]
    fn reads_minimal_config_with_defaults() {
        let c = Config::from_json(MINIMAL).unwrap();
        assert_eq!(c.revision, 1);
        assert_eq!(c.cookie.name, "doui_consent");
        assert_eq!(c.cookie.days, 182);
        assert!(c.categories[0].required);
        let (cat, ga) = c.find_service("google-analytics").unwrap();
        assert_eq!(cat.id, "analytics");
        assert_eq!(ga.cookies[1].name, "_ga_*");
        assert_eq!(ga.cookies[0].lifetime, Lifetime::Span(2, Unit::Year));
        assert_eq!(ga.cookies[0].party, Party::First);
        assert_eq!(
            ga.transmissions[0].recipient.get(Lang::Ja),
            "Google LLC（Google アナリティクス）"
        );
        assert_eq!(
            ga.transmissions[0].recipient.get(Lang::En),
            "Google LLC (Google Analytics)"
        );
        assert_eq!(
            c.categories[0].description.get(Lang::Ja),
            "Needed for the site to work."
        );
    }

    #[test]
    fn errors_name_line_and_field() {
        let bad = MINIMAL.replace("\"2y\" },", "\"2 years\" },");
        assert_eq!(
            err(&bad),
            "config line 16: categories[1].services[0].cookies[0].lifetime: expected a lifetime such as \"session\", \"30min\", \"24h\", \"2d\", \"2w\", \"13mo\" or \"1y\""
        );
        let bad = MINIMAL.replace("\"provider\"", "\"provder\"");
        assert!(err(&bad)
            .starts_with("config line 13: categories[1].services[0].provder: unknown field"));
        let bad = MINIMAL.replace(
            ",\n              \"purposeSite\": {\"ja\": \"アクセス解析\"} ",
            "",
        );
        assert!(
            err(&bad).contains("transmissions[0].purposeSite: required field is missing"),
            "{}",
            err(&bad)
        );
        let bad = MINIMAL.replace("\"google-analytics\"", "\"analytics\"");
        assert!(err(&bad).contains("categories[1].services[0].id: this id is already used"));
        let bad = MINIMAL.replace("\"necessary\"", "\"Necessary\"");
        assert!(err(&bad).contains("categories[0].id: ids use"));
        assert!(err("{\"revision\": 1, \"categories\": []}")
            .contains("categories: at least one category"));
        assert!(err("{\"categories\": []}").contains("revision: required field is missing"));
        assert!(err("{\"revision\": 1,").starts_with("config line 1: JSON ends too early"));
        let bad = MINIMAL.replace(
            "\"revision\": 1,",
            "\"revision\": 1, \"cookie\": {\"days\": 400},",
        );
        assert!(err(&bad).contains("cookie.days: consent lifetime must be 1 to 395 days"));
        let bad = MINIMAL.replace("\"en\": \"Necessary\"", "\"fr\": \"Nécessaire\"");
        assert!(err(&bad).contains("categories[0].title.fr: unsupported language"));
        let bad = MINIMAL.replace("\"_ga_*\"", "\"_ga;x\"");
        assert!(err(&bad).contains("cookies[1].name: cookie names use"));
        let bad = MINIMAL.replace("\"provider\": \"Google LLC\"", "\"provider\": \"  \"");
        assert!(err(&bad).contains("provider: must not be empty"));
    }

    #[test]
    fn texts_override_builtins() {
        let json = MINIMAL.replace(
            "\"revision\": 1,",
            "\"revision\": 1, \"texts\": {\"en\": {\"acceptAll\": \"Allow all\"}},",
        );
        let c = Config::from_json(&json).unwrap();
        assert_eq!(c.text(Lang::En, Msg::AcceptAll), "Allow all");
        assert_eq!(c.text(Lang::Ja, Msg::AcceptAll), "すべて同意する");
        let bad = MINIMAL.replace(
            "\"revision\": 1,",
            "\"revision\": 1, \"texts\": {\"en\": {\"acceptEverything\": \"x\"}},",
        );
        assert!(err(&bad).contains("texts.en.acceptEverything: unknown text key"));
    }

    #[test]
    fn lifetimes() {
        assert_eq!(Lifetime::parse("session"), Some(Lifetime::Session));
        assert_eq!(
            Lifetime::parse("30min"),
            Some(Lifetime::Span(30, Unit::Minute))
        );
        assert_eq!(
            Lifetime::parse("13mo"),
            Some(Lifetime::Span(13, Unit::Month))
        );
        for bad in ["", "y", "0d", "01d", "2", "2 d", "2days", "-1d", "9999999d"] {
            assert_eq!(Lifetime::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn warns_about_vague_transmission_data() {
        let json = MINIMAL
            .replace("Cookie ID（_ga）", "Cookie ID等")
            .replace("\"2y\"", "\"13mo\"");
        let c = Config::from_json(&json).unwrap();
        assert_eq!(c.warnings().len(), 1, "{:?}", c.warnings());
        assert!(c.warnings()[0].starts_with("categories[1].services[0].transmissions[0].data"));
    }

    #[test]
    fn warns_about_texts_japanese_pages_would_show_in_english() {
        let json = MINIMAL
            .replace("\"2y\"", "\"13mo\"")
            .replace(
                "\"revision\": 1,",
                "\"revision\": 1, \"siteName\": {\"en\": \"Demo\"}, \"policyUrl\": {\"en\": \"/en/privacy.html\"},",
            )
            .replace(
                "\"description\": {\"ja\": \"利用状況の分析\", \"en\": \"Usage analysis\"}",
                "\"description\": {\"en\": \"Usage analysis\"}",
            );
        let c = Config::from_json(&json).unwrap();
        let w = c.warnings();
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(w[0].starts_with("siteName: only in English"), "{w:?}");
        assert!(w[1].starts_with("policyUrl: only in English"), "{w:?}");
        assert!(w[2].starts_with("categories[1].description: only in English, so Japanese pages show it in English; add \"ja\""), "{w:?}");
        // A text given once for every language, or only in Japanese, is fine.
        assert!(Config::from_json(&MINIMAL.replace("\"2y\"", "\"13mo\""))
            .unwrap()
            .warnings()
            .is_empty());
    }

    #[test]
    fn warns_about_analytics_and_advertising_cookies_longer_than_13_months() {
        let c = Config::from_json(MINIMAL).unwrap();
        assert_eq!(
            c.warnings(),
            [
                "categories[1].services[0].cookies[0].lifetime: 2 years is longer than 13 months, the longest European regulators accept for analytics and advertising cookies",
                "categories[1].services[0].cookies[1].lifetime: 2 years is longer than 13 months, the longest European regulators accept for analytics and advertising cookies",
            ]
        );
        for ok in ["13mo", "1y", "395d", "session"] {
            let c = Config::from_json(&MINIMAL.replace("\"2y\"", &format!("\"{ok}\""))).unwrap();
            assert!(c.warnings().is_empty(), "{ok}: {:?}", c.warnings());
        }
        let c = Config::from_json(&MINIMAL.replace("\"2y\"", "\"396d\"")).unwrap();
        assert_eq!(c.warnings().len(), 2);
        // Other categories may keep a cookie longer: a login, a preference.
        let c = Config::from_json(&MINIMAL.replace("\"analytics\",", "\"comments\",")).unwrap();
        assert!(c.warnings().is_empty(), "{:?}", c.warnings());
    }

    #[test]
    fn warns_about_a_banner_body_that_does_not_list_the_categories() {
        let ok = MINIMAL.replace("\"2y\"", "\"13mo\"");
        let json = ok.replace(
            "\"revision\": 1,",
            "\"revision\": 1, \"texts\": {\"ja\": {\"bannerBody\": \"広告のためにCookieを使います。\"}, \"en\": {\"bannerBody\": \"Used for: {}.\"}},",
        );
        let c = Config::from_json(&json).unwrap();
        assert_eq!(
            c.warnings(),
            ["texts.ja.bannerBody: has no {} for the list of categories; check that it names exactly these purposes: アクセス解析"]
        );
    }

    #[test]
    fn receipts_url_is_https_or_http_to_this_machine() {
        let with = |url: &str| {
            MINIMAL.replace(
                "\"revision\": 1,",
                &format!("\"revision\": 1, \"receipts\": {{ \"url\": \"{url}\" }},"),
            )
        };
        assert_eq!(Config::from_json(MINIMAL).unwrap().receipts, None);
        for ok in [
            "https://receipts.example.jp/v1/receipts",
            "https://receipts.example.jp:8443/v1/receipts?site=1#x",
            "https://receipts.example.jp",
            "http://127.0.0.1:8787/v1/receipts",
            "http://localhost:1/x",
            "http://localhost:/x",
            "http://[::1]:65535/v1/receipts",
            "http://[::1]",
        ] {
            let c =
                Config::from_json(&with(ok)).unwrap_or_else(|e| panic!("{ok}: {}", e.describe()));
            assert_eq!(c.receipts.unwrap().url, ok);
        }
        for bad in [
            "http://receipts.example.jp/v1/receipts",
            "http://127.0.0.1.example.jp/",
            "http://127.0.0.2/",
            "http://127.0.0.1000/",
            "http://localhost.example.jp/x",
            "http://localhost:80x/x",
            "http://[::2]/x",
            "http://127.0.0.1@evil.example/",
            "https://user@receipts.example.jp/",
            "https:///v1/receipts",
            "https://receipts.example.jp/a b",
            "/v1/receipts",
            "//receipts.example.jp/v1/receipts",
            "HTTPS://receipts.example.jp/",
            "javascript:alert(1)",
            "ftp://receipts.example.jp/",
        ] {
            assert_eq!(
                err(&with(bad)),
                "config line 2: receipts.url: expected an https URL (http only to localhost, 127.0.0.1 or [::1]) without spaces or a user name",
                "{bad}"
            );
        }
        let missing = MINIMAL.replace("\"revision\": 1,", "\"revision\": 1, \"receipts\": {},");
        assert_eq!(
            err(&missing),
            "config line 2: receipts.url: required field is missing"
        );
        let typo = MINIMAL.replace(
            "\"revision\": 1,",
            "\"revision\": 1, \"receipts\": { \"uri\": \"https://r.example/\" },",
        );
        assert!(err(&typo).starts_with("config line 2: receipts.uri: unknown field"));
        let not_object = MINIMAL.replace(
            "\"revision\": 1,",
            "\"revision\": 1, \"receipts\": \"https://r.example/\",",
        );
        assert_eq!(
            err(&not_object),
            "config line 2: receipts: expected an object"
        );
    }
}
