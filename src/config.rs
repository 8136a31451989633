//! The site description: consent categories, their services, each service's cookies
//! and external transmissions, and the texts. Pure: no browser, no I/O.
//!
//! One config drives the banner, the enforcement and the policy tables, so every
//! rule about what a valid config is lives here. Mistakes come back as a
//! [`ConfigError`] naming the line and the field, e.g.
//! `line 12: categories[1].services[0].cookies[2].lifetime: …`.

use crate::i18n::{push_span, Lang, Msg, Unit};
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
    /// The site's own name, shown as the controller.
    pub site_name: Option<Text>,
    /// A language that overrides negotiation.
    pub lang: Option<Lang>,
    /// Where the privacy policy page is.
    pub policy_url: Option<String>,
    /// How the choice is stored.
    pub cookie: CookieSettings,
    /// Whether a small floating button reopens the preferences.
    pub reopen_button: bool,
    /// Consent categories in display order.
    pub categories: Vec<Category>,
    /// Per-language overrides of built-in texts.
    pub texts: Vec<(Lang, Msg, String)>,
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
        let split = s.find(|c: char| !c.is_ascii_digit())?;
        let (num, unit) = s.split_at(split);
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

    /// Appends the lifetime in words: `1年`, `2日`, `1 year`, `until the browser is closed`.
    pub fn push_words(self, out: &mut String, lang: Lang) {
        match self {
            Lifetime::Session => out.push_str(Msg::UntilClosed.builtin(lang)),
            Lifetime::Span(n, unit) => push_span(out, n, unit, lang),
        }
    }

    /// The lifetime in words.
    pub fn words(self, lang: Lang) -> String {
        let mut s = String::new();
        self.push_words(&mut s, lang);
        s
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
        read_config(&v)
    }

    /// All categories' and services' ids, the names the API accepts.
    pub fn find_service(&self, id: &str) -> Option<(&Category, &Service)> {
        self.categories
            .iter()
            .find_map(|c| c.services.iter().find(|s| s.id == id).map(|s| (c, s)))
    }

    /// A category by id.
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// A text, with the config's override for `lang` if it has one.
    pub fn text(&self, lang: Lang, msg: Msg) -> &str {
        self.texts
            .iter()
            .find(|(l, m, _)| *l == lang && *m == msg)
            .map(|(_, _, s)| s.as_str())
            .unwrap_or(msg.builtin(lang))
    }

    /// Advice that does not make the config invalid but deserves a look, e.g. vague
    /// wording that Japan's guidance on external transmission asks sites to avoid.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (ci, c) in self.categories.iter().enumerate() {
            for (si, s) in c.services.iter().enumerate() {
                for (ti, t) in s.transmissions.iter().enumerate() {
                    if let Some(ja) = &t.data.ja {
                        if ["等", "その他", "など"].iter().any(|w| ja.contains(w)) {
                            let mut m = String::from("categories[");
                            push_uint(&mut m, ci as u64);
                            m.push_str("].services[");
                            push_uint(&mut m, si as u64);
                            m.push_str("].transmissions[");
                            push_uint(&mut m, ti as u64);
                            m.push_str("].data: list what is sent concretely; avoid 「等」「その他」「など」");
                            out.push(m);
                        }
                    }
                }
            }
        }
        out
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
    /// `revision` below 1.
    RevisionOutOfRange,
    /// A `texts` key that is not a known message.
    UnknownText,
    /// `categories` is empty.
    NoCategories,
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
            Problem::RevisionOutOfRange => "revision must be 1 or more",
            Problem::UnknownText => "unknown text key (see the texts list in the config reference)",
            Problem::NoCategories => "at least one category is needed",
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
    fn new(v: &Value, problem: Problem) -> Self {
        ConfigError {
            line: v.line,
            path: Vec::new(),
            problem,
        }
    }

    fn within(mut self, seg: &str) -> Self {
        self.path.insert(0, seg.into());
        self
    }

    fn within_index(self, i: usize) -> Self {
        let mut s = String::from("[");
        push_uint(&mut s, i as u64);
        s.push(']');
        self.within(&s)
    }

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

type R<T> = Result<T, ConfigError>;

/// An object whose keys have been checked against the allowed ones.
struct Obj<'a> {
    v: &'a Value,
    fields: &'a [(String, Value)],
}

impl<'a> Obj<'a> {
    fn new(v: &'a Value, allowed: &[&str]) -> R<Obj<'a>> {
        let Kind::Object(fields) = &v.kind else {
            return Err(ConfigError::new(v, Problem::ExpectedObject));
        };
        for (k, fv) in fields {
            if !allowed.contains(&k.as_str()) {
                return Err(ConfigError::new(fv, Problem::UnknownField).within(k));
            }
        }
        Ok(Obj { v, fields })
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Reads an optional field with `f`, naming the field on error.
    fn opt<T>(&self, key: &str, f: impl FnOnce(&'a Value) -> R<T>) -> R<Option<T>> {
        match self.get(key) {
            None
            | Some(Value {
                kind: Kind::Null, ..
            }) => Ok(None),
            Some(v) => f(v).map(Some).map_err(|e| e.within(key)),
        }
    }

    /// Reads a required field with `f`, naming the field on error.
    fn req<T>(&self, key: &str, f: impl FnOnce(&'a Value) -> R<T>) -> R<T> {
        self.opt(key, f)?
            .ok_or_else(|| ConfigError::new(self.v, Problem::Missing).within(key))
    }
}

fn string(v: &Value) -> R<String> {
    match &v.kind {
        Kind::Str(s) if s.trim().is_empty() => Err(ConfigError::new(v, Problem::Empty)),
        Kind::Str(s) => Ok(s.clone()),
        _ => Err(ConfigError::new(v, Problem::ExpectedString)),
    }
}

fn boolean(v: &Value) -> R<bool> {
    match v.kind {
        Kind::Bool(b) => Ok(b),
        _ => Err(ConfigError::new(v, Problem::ExpectedBool)),
    }
}

fn uint(v: &Value) -> R<u32> {
    match v.kind {
        Kind::Int(n) if (0..=u32::MAX as i64).contains(&n) => Ok(n as u32),
        _ => Err(ConfigError::new(v, Problem::ExpectedNumber)),
    }
}

fn array<T>(v: &Value, mut f: impl FnMut(&Value) -> R<T>) -> R<Vec<T>> {
    let Kind::Array(items) = &v.kind else {
        return Err(ConfigError::new(v, Problem::ExpectedArray));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| f(item).map_err(|e| e.within_index(i)))
        .collect()
}

fn text(v: &Value) -> R<Text> {
    match &v.kind {
        Kind::Str(_) => string(v).map(|s| Text::same(&s)),
        Kind::Object(fields) => {
            let mut t = Text::default();
            for (k, fv) in fields {
                let slot = match Lang::from_tag(k) {
                    Some(Lang::Ja) if k == "ja" => &mut t.ja,
                    Some(Lang::En) if k == "en" => &mut t.en,
                    _ => return Err(ConfigError::new(fv, Problem::UnknownLang).within(k)),
                };
                *slot = Some(string(fv).map_err(|e| e.within(k))?);
            }
            if t.ja.is_none() && t.en.is_none() {
                return Err(ConfigError::new(v, Problem::Empty));
            }
            Ok(t)
        }
        _ => Err(ConfigError::new(v, Problem::ExpectedText)),
    }
}

fn lang(v: &Value) -> R<Lang> {
    match &v.kind {
        Kind::Str(s) if s == "ja" => Ok(Lang::Ja),
        Kind::Str(s) if s == "en" => Ok(Lang::En),
        _ => Err(ConfigError::new(v, Problem::UnknownLang)),
    }
}

fn url(v: &Value) -> R<String> {
    let s = string(v)?;
    let ok = (s.starts_with("https://") || s.starts_with("http://") || s.starts_with('/'))
        && !s.starts_with("//")
        && !s.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(s)
    } else {
        Err(ConfigError::new(v, Problem::BadUrl))
    }
}

fn id(v: &Value, seen: &mut Vec<String>) -> R<String> {
    let s = string(v)?;
    let mut chars = s.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && s.len() <= 64;
    if !ok {
        return Err(ConfigError::new(v, Problem::BadId));
    }
    if seen.contains(&s) {
        return Err(ConfigError::new(v, Problem::DuplicateId));
    }
    seen.push(s.clone());
    Ok(s)
}

/// Characters RFC 6265 allows in a cookie name, plus `*` for patterns.
fn cookie_name(v: &Value) -> R<String> {
    let s = string(v)?;
    if s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    {
        Ok(s)
    } else {
        Err(ConfigError::new(v, Problem::BadCookieName))
    }
}

fn read_config(v: &Value) -> R<Config> {
    let o = Obj::new(
        v,
        &[
            "$schema",
            "revision",
            "siteName",
            "lang",
            "policyUrl",
            "cookie",
            "reopenButton",
            "categories",
            "texts",
        ],
    )?;
    let revision = o.req("revision", |v| {
        let n = uint(v)?;
        if n == 0 {
            return Err(ConfigError::new(v, Problem::RevisionOutOfRange));
        }
        Ok(n)
    })?;
    let cookie = o
        .opt("cookie", read_cookie_settings)?
        .unwrap_or(CookieSettings {
            name: DEFAULT_COOKIE_NAME.into(),
            days: DEFAULT_CONSENT_DAYS,
            domain: None,
        });
    let mut seen = Vec::new();
    let categories = o.req("categories", |v| {
        let cats = array(v, |c| read_category(c, &mut seen))?;
        if cats.is_empty() {
            return Err(ConfigError::new(v, Problem::NoCategories));
        }
        Ok(cats)
    })?;
    Ok(Config {
        revision,
        site_name: o.opt("siteName", text)?,
        lang: o.opt("lang", lang)?,
        policy_url: o.opt("policyUrl", url)?,
        cookie,
        reopen_button: o.opt("reopenButton", boolean)?.unwrap_or(true),
        categories,
        texts: o.opt("texts", read_texts)?.unwrap_or_default(),
    })
}

fn read_cookie_settings(v: &Value) -> R<CookieSettings> {
    let o = Obj::new(v, &["name", "days", "domain"])?;
    Ok(CookieSettings {
        name: o
            .opt("name", |v| {
                let n = cookie_name(v)?;
                if n.contains('*') {
                    return Err(ConfigError::new(v, Problem::BadCookieName));
                }
                Ok(n)
            })?
            .unwrap_or_else(|| DEFAULT_COOKIE_NAME.into()),
        days: o
            .opt("days", |v| {
                let d = uint(v)?;
                if d == 0 || d > MAX_CONSENT_DAYS {
                    return Err(ConfigError::new(v, Problem::DaysOutOfRange));
                }
                Ok(d)
            })?
            .unwrap_or(DEFAULT_CONSENT_DAYS),
        domain: o.opt("domain", |v| {
            let d = string(v)?;
            if d.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
            {
                Ok(d)
            } else {
                Err(ConfigError::new(v, Problem::BadUrl))
            }
        })?,
    })
}

fn read_category(v: &Value, seen: &mut Vec<String>) -> R<Category> {
    let o = Obj::new(v, &["id", "title", "description", "required", "services"])?;
    let id = o.req("id", |v| id(v, seen))?;
    Ok(Category {
        id,
        title: o.req("title", text)?,
        description: o.req("description", text)?,
        required: o.opt("required", boolean)?.unwrap_or(false),
        services: o
            .opt("services", |v| array(v, |s| read_service(s, seen)))?
            .unwrap_or_default(),
    })
}

fn read_service(v: &Value, seen: &mut Vec<String>) -> R<Service> {
    let o = Obj::new(
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
        ],
    )?;
    let id = o.req("id", |v| id(v, seen))?;
    let name = o.req("name", text)?;
    let provider = o.req("provider", text)?;
    let transmissions = o
        .opt("transmissions", |v| {
            array(v, |t| read_transmission(t, &name, &provider))
        })?
        .unwrap_or_default();
    Ok(Service {
        id,
        name,
        provider,
        purpose: o.req("purpose", text)?,
        country: o.opt("country", text)?,
        privacy_url: o.opt("privacyUrl", url)?,
        cookies: o
            .opt("cookies", |v| array(v, read_cookie))?
            .unwrap_or_default(),
        transmissions,
    })
}

fn read_cookie(v: &Value) -> R<CookieDecl> {
    let o = Obj::new(v, &["name", "lifetime", "party", "purpose", "note"])?;
    Ok(CookieDecl {
        name: o.req("name", cookie_name)?,
        lifetime: o.req("lifetime", |v| {
            let s = string(v)?;
            Lifetime::parse(&s).ok_or_else(|| ConfigError::new(v, Problem::BadLifetime))
        })?,
        party: o
            .opt("party", |v| match string(v)?.as_str() {
                "first" => Ok(Party::First),
                "third" => Ok(Party::Third),
                _ => Err(ConfigError::new(v, Problem::BadParty)),
            })?
            .unwrap_or(Party::First),
        purpose: o.opt("purpose", text)?,
        note: o.opt("note", text)?,
    })
}

fn read_transmission(v: &Value, name: &Text, provider: &Text) -> R<Transmission> {
    let o = Obj::new(
        v,
        &[
            "data",
            "recipient",
            "purposeSite",
            "purposeRecipient",
            "recipientUrl",
        ],
    )?;
    let recipient = o.opt("recipient", text)?.unwrap_or_else(|| {
        // The guidance asks for the recipient's name with the service it runs:
        // 「Google LLC（Google アナリティクス）」.
        let both = |l: Lang| {
            let mut s = String::from(provider.get(l));
            s.push_str(if l == Lang::Ja { "（" } else { " (" });
            s.push_str(name.get(l));
            s.push_str(if l == Lang::Ja { "）" } else { ")" });
            Some(s)
        };
        Text {
            ja: both(Lang::Ja),
            en: both(Lang::En),
        }
    });
    Ok(Transmission {
        data: o.req("data", text)?,
        recipient,
        purpose_site: o.req("purposeSite", text)?,
        purpose_recipient: o.opt("purposeRecipient", text)?,
        recipient_url: o.opt("recipientUrl", url)?,
    })
}

fn read_texts(v: &Value) -> R<Vec<(Lang, Msg, String)>> {
    let o = Obj::new(v, &["ja", "en"])?;
    let mut out = Vec::new();
    for l in Lang::ALL {
        o.opt(l.tag(), |v| {
            let Kind::Object(fields) = &v.kind else {
                return Err(ConfigError::new(v, Problem::ExpectedObject));
            };
            for (k, fv) in fields {
                let msg = Msg::from_name(k)
                    .ok_or_else(|| ConfigError::new(fv, Problem::UnknownText).within(k))?;
                out.push((l, msg, string(fv).map_err(|e| e.within(k))?));
            }
            Ok(())
        })?;
    }
    Ok(out)
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
        assert_eq!(Lifetime::parse("1y").unwrap().words(Lang::Ja), "1年");
        assert_eq!(
            Lifetime::Session.words(Lang::En),
            "Until the browser is closed"
        );
    }

    #[test]
    fn warns_about_vague_transmission_data() {
        let json = MINIMAL.replace("Cookie ID（_ga）", "Cookie ID等");
        let c = Config::from_json(&json).unwrap();
        assert_eq!(c.warnings().len(), 1);
        assert!(c.warnings()[0].starts_with("categories[1].services[0].transmissions[0].data"));
    }
}
