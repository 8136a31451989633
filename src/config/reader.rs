//! The banner module's config reader: [`crate::json`] values into the model,
//! with the rules of `rules`. Everything else reads the config with serde
//! (`de`); `tests/config_readers.rs` holds this reader to the same verdict, the
//! same [`Config`] and the same line on every input.
//!
//! serde_json reads as it goes and stops at the first mistake. This reader sees
//! the whole text (up to a syntax error) and keeps the mistake on the earliest
//! line, with each mistake on the line serde_json names: a value's own line, a
//! key's line for an unknown or repeated key, and the closing bracket's line
//! for what is missing from an object or an empty list.

use alloc::string::String;
use alloc::vec::Vec;

use super::rules::index;
use super::{
    is_blank, is_cookie_name, is_cookie_path, is_domain, is_id, is_policy_version, is_receipts_url,
    is_url, Category, Config, ConfigError, ConsentMode, CookieDecl, CookieSettings, Lifetime,
    Party, Problem, Receipts, Service, SyntaxError, Text, Transmission, CONSENT_TYPES,
    MAX_CONSENT_DAYS,
};
use crate::i18n::{Lang, Msg};
use crate::json::{self, Kind, Value};

/// Reads and validates a config from JSON text.
pub fn read(text: &str) -> Result<Config, ConfigError> {
    let (v, syntax) = json::parse(text);
    let mut reader = Reader {
        path: Vec::new(),
        error: syntax.map(|e| ConfigError {
            line: e.line,
            path: Vec::new(),
            problem: Problem::Syntax(e.error),
        }),
    };
    let config = reader.config(&v);
    if let Some(e) = reader.error {
        return Err(e);
    }
    match config.duplicate_id() {
        Some((path, problem)) => Err(ConfigError {
            line: line_at(&v, &path),
            path: if TRACK_PATHS { path } else { Vec::new() },
            problem,
        }),
        None => Ok(config),
    }
}

/// The line of the value at `path` (segments as in [`ConfigError::path`]).
fn line_at(mut v: &Value, path: &[String]) -> u32 {
    for seg in path {
        let next = match &v.kind {
            Kind::Object(fields) => fields.iter().find(|(k, _, _)| k == seg).map(|f| &f.2),
            Kind::Array(items) => items
                .iter()
                .enumerate()
                .find(|(i, _)| index(*i) == *seg)
                .map(|(_, item)| item),
            _ => None,
        };
        match next {
            Some(n) => v = n,
            None => break,
        }
    }
    v.line
}

/// Where serde_json reports a refusal of value `v`: an object or array where
/// it starts (it refuses one before entering it), a scalar where it ends (it
/// reads one before judging it, so a scalar cut short by a syntax error is
/// reported as that error, on that line).
fn at(v: &Value) -> u32 {
    match v.kind {
        Kind::Object(_) | Kind::Array(_) => v.line,
        _ => v.end,
    }
}

/// Whether errors carry their field path. The banner module only needs to know
/// that a config is invalid (and where: the line); the full message comes from
/// the policy module, fetched only then, which keeps the critical path smaller.
const TRACK_PATHS: bool = cfg!(any(feature = "policy", not(target_arch = "wasm32")));
type Fields = [(String, u32, Value)];

/// Turns JSON values into config types, keeping the path of the field being
/// read so that an error can name it. Reading goes on after a mistake, with
/// empty values: returning at each mistake would cost the banner module code to
/// drop every half-built value on the way out, and only one mistake, the
/// earliest, is reported either way. Deliberately plain code without generic
/// closures, for the same reason.
struct Reader {
    path: Vec<String>,
    error: Option<ConfigError>,
}

/// A field's value, `null` included.
fn get<'v>(fields: &'v Fields, key: &str) -> Option<&'v Value> {
    fields.iter().find(|(k, _, _)| k == key).map(|f| &f.2)
}

/// An optional field's value: absent and `null` are the same.
fn opt<'v>(fields: &'v Fields, key: &str) -> Option<&'v Value> {
    get(fields, key).filter(|v| v.kind != Kind::Null)
}

impl Reader {
    /// Records `problem` at `line`, unless a mistake on an earlier line was found.
    fn fail_line(&mut self, line: u32, problem: Problem) {
        if self.error.as_ref().is_some_and(|e| e.line <= line) {
            return;
        }
        self.error = Some(ConfigError {
            line,
            // Always empty in the banner module: no need to clone it there.
            path: if TRACK_PATHS {
                self.path.clone()
            } else {
                Vec::new()
            },
            problem,
        });
    }

    /// Records `problem` at value `v` (see [`at`]).
    fn fail(&mut self, v: &Value, problem: Problem) {
        self.fail_line(at(v), problem);
    }

    /// Records `problem` at field `key`, on `line`.
    fn fail_key(&mut self, key: &str, line: u32, problem: Problem) {
        self.enter(key);
        self.fail_line(line, problem);
        self.leave();
    }

    fn enter(&mut self, key: &str) {
        if TRACK_PATHS {
            self.path.push(key.into());
        }
    }

    fn enter_index(&mut self, i: usize) {
        if TRACK_PATHS {
            self.path.push(index(i));
        }
    }

    fn leave(&mut self) {
        if TRACK_PATHS {
            self.path.pop();
        }
    }

    /// The fields of an object, after checking that each key is allowed and used once.
    fn object<'v>(&mut self, v: &'v Value, allowed: &[&str]) -> &'v Fields {
        let Kind::Object(fields) = &v.kind else {
            self.fail(v, Problem::ExpectedObject);
            return &[];
        };
        for (i, (k, line, _)) in fields.iter().enumerate() {
            if !allowed.contains(&k.as_str()) {
                self.fail_key(k, *line, Problem::UnknownField);
            } else if fields[..i].iter().any(|f| f.0 == *k) {
                self.fail_key(k, *line, Problem::Syntax(SyntaxError::DuplicateKey));
            }
        }
        fields
    }

    /// A required field: absent is missing, at the object's closing brace.
    fn required<'v>(&mut self, obj: &Value, fields: &'v Fields, key: &str) -> Option<&'v Value> {
        let v = get(fields, key);
        if v.is_none() {
            self.fail_key(key, obj.end, Problem::Missing);
        }
        v
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

    /// A non-blank string.
    fn string(&mut self, v: &Value) -> String {
        match &v.kind {
            Kind::Str(s) if is_blank(s) => self.fail(v, Problem::Empty),
            Kind::Str(s) => return s.clone(),
            _ => self.fail(v, Problem::ExpectedString),
        }
        String::new()
    }

    /// A non-blank string that `rule` accepts, else `problem`.
    fn checked(&mut self, v: &Value, rule: fn(&str) -> bool, problem: Problem) -> String {
        let s = self.string(v);
        if !s.is_empty() && !rule(&s) {
            self.fail(v, problem);
        }
        s
    }

    /// An optional field checked by `rule`.
    fn opt_checked(
        &mut self,
        fields: &Fields,
        key: &str,
        rule: fn(&str) -> bool,
        problem: Problem,
    ) -> Option<String> {
        let v = opt(fields, key)?;
        self.enter(key);
        let s = self.checked(v, rule, problem);
        self.leave();
        Some(s)
    }

    fn opt_string(&mut self, fields: &Fields, key: &str) -> Option<String> {
        self.opt_checked(fields, key, any, Problem::Empty)
    }

    fn opt_bool(&mut self, fields: &Fields, key: &str) -> Option<bool> {
        let v = opt(fields, key)?;
        if let Kind::Bool(b) = v.kind {
            return Some(b);
        }
        self.fail_key(key, at(v), Problem::ExpectedBool);
        None
    }

    /// A whole number in `min..=max`, else `problem`.
    fn whole(&mut self, key: &str, v: &Value, min: u32, max: u32, problem: Problem) -> u32 {
        let problem = match v.kind {
            Kind::Int(n) if n >= min as i64 && n <= max as i64 => return n as u32,
            Kind::Int(_) => problem,
            _ => Problem::ExpectedNumber,
        };
        self.fail_key(key, at(v), problem);
        min
    }

    /// A text whose every language passes `rule` (else `problem`); `None` for `null`.
    fn text_value(&mut self, v: &Value, rule: fn(&str) -> bool, problem: Problem) -> Option<Text> {
        let mut t = Text::default();
        match &v.kind {
            Kind::Null => return None,
            Kind::Str(_) => t = Text::same(&self.checked(v, rule, problem)),
            Kind::Object(langs) => {
                for (i, (k, line, lv)) in langs.iter().enumerate() {
                    self.enter(k);
                    let slot = match k.as_str() {
                        "ja" => &mut t.ja,
                        "en" => &mut t.en,
                        _ => {
                            self.fail_line(*line, Problem::UnknownLang);
                            self.leave();
                            continue;
                        }
                    };
                    if langs[..i].iter().any(|f| f.0 == *k) {
                        self.fail_line(*line, Problem::Syntax(SyntaxError::DuplicateKey));
                    }
                    *slot = Some(self.checked(lv, rule, problem));
                    self.leave();
                }
                if langs.is_empty() {
                    self.fail_line(v.end, Problem::Empty);
                }
            }
            // serde_json reads a text with `deserialize_any`, which enters an
            // array before refusing it: at its first item, or its end.
            Kind::Array(items) => self.fail_line(
                items.first().map_or(v.end, |i| i.line),
                Problem::ExpectedText,
            ),
            _ => self.fail(v, Problem::ExpectedText),
        }
        Some(t)
    }

    fn opt_text_checked(
        &mut self,
        fields: &Fields,
        key: &str,
        rule: fn(&str) -> bool,
        problem: Problem,
    ) -> Option<Text> {
        let v = get(fields, key)?;
        self.enter(key);
        let t = self.text_value(v, rule, problem);
        self.leave();
        t
    }

    fn opt_text(&mut self, fields: &Fields, key: &str) -> Option<Text> {
        self.opt_text_checked(fields, key, any, Problem::Empty)
    }

    /// A required text: absent is missing, `null` the wrong type.
    fn text(&mut self, obj: &Value, fields: &Fields, key: &str) -> Text {
        let Some(v) = self.required(obj, fields, key) else {
            return Text::default();
        };
        self.enter(key);
        let t = self.text_value(v, any, Problem::Empty);
        if t.is_none() {
            self.fail(v, Problem::ExpectedText);
        }
        self.leave();
        t.unwrap_or_default()
    }

    /// A required string checked by `rule`.
    fn required_checked(
        &mut self,
        obj: &Value,
        fields: &Fields,
        key: &str,
        rule: fn(&str) -> bool,
        problem: Problem,
    ) -> String {
        let Some(v) = self.required(obj, fields, key) else {
            return String::new();
        };
        self.enter(key);
        let s = self.checked(v, rule, problem);
        self.leave();
        s
    }

    /// An array of objects, each read by `read`.
    fn list<T>(
        &mut self,
        fields: &Fields,
        key: &str,
        read: fn(&mut Reader, &Value) -> T,
    ) -> Vec<T> {
        let mut out = Vec::new();
        if let Some(lv) = opt(fields, key) {
            self.enter(key);
            for (i, item) in self.items(lv).iter().enumerate() {
                self.enter_index(i);
                out.push(read(self, item));
                self.leave();
            }
            self.leave();
        }
        out
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
        if let Some(sv) = opt(o, "$schema") {
            if !matches!(sv.kind, Kind::Str(_)) {
                self.fail_key("$schema", at(sv), Problem::ExpectedString);
            }
        }
        let revision = match self.required(v, o, "revision") {
            Some(rv) => self.whole("revision", rv, 1, u32::MAX, Problem::RevisionOutOfRange),
            None => 1,
        };
        let lang = match opt(o, "lang") {
            None => None,
            // `Lang::from_key` written out: calling it here and in `texts` measured
            // 10 B more gzip on the banner's critical path.
            Some(lv) => match &lv.kind {
                Kind::Str(s) if s == "ja" => Some(Lang::Ja),
                Kind::Str(s) if s == "en" => Some(Lang::En),
                _ => {
                    self.fail_key("lang", at(lv), Problem::UnknownLang);
                    None
                }
            },
        };
        let mut cookie = CookieSettings::default();
        if let Some(cv) = opt(o, "cookie") {
            self.enter("cookie");
            let co = self.object(cv, &["name", "days", "domain"]);
            if let Some(name) = self.opt_checked(co, "name", cookie_name, Problem::BadCookieName) {
                cookie.name = name;
            }
            if let Some(dv) = opt(co, "days") {
                cookie.days = self.whole("days", dv, 1, MAX_CONSENT_DAYS, Problem::DaysOutOfRange);
            }
            cookie.domain = self.opt_checked(co, "domain", is_domain, Problem::BadUrl);
            self.leave();
        }
        let mut categories = Vec::new();
        if let Some(cv) = self.required(v, o, "categories") {
            self.enter("categories");
            for (i, c) in self.items(cv).iter().enumerate() {
                self.enter_index(i);
                categories.push(self.category(c));
                self.leave();
            }
            if categories.is_empty() && matches!(cv.kind, Kind::Array(_)) {
                self.fail_line(cv.end, Problem::NoCategories);
            }
            self.leave();
        }
        let texts = match opt(o, "texts") {
            Some(tv) => self.texts(tv),
            None => Vec::new(),
        };
        let mut consent_mode = ConsentMode::default();
        if let Some(mv) = opt(o, "consentMode") {
            self.enter("consentMode");
            let mo = self.object(mv, &["mode", "adsDataRedaction", "urlPassthrough"]);
            consent_mode.advanced = match self.opt_string(mo, "mode").as_deref() {
                None | Some("basic") | Some("") => false,
                Some("advanced") => true,
                Some(_) => {
                    self.fail_key("mode", get(mo, "mode").map_or(0, at), Problem::BadMode);
                    false
                }
            };
            consent_mode.ads_data_redaction =
                self.opt_bool(mo, "adsDataRedaction").unwrap_or(false);
            consent_mode.url_passthrough = self.opt_bool(mo, "urlPassthrough").unwrap_or(false);
            self.leave();
        }
        let receipts = opt(o, "receipts").map(|rv| {
            self.enter("receipts");
            let ro = self.object(rv, &["url"]);
            let url =
                self.required_checked(rv, ro, "url", is_receipts_url, Problem::BadReceiptsUrl);
            self.leave();
            Receipts { url }
        });
        Config {
            editor_schema: (),
            receipts,
            consent_mode,
            honour_gpc: self.opt_bool(o, "honourGpc").unwrap_or(true),
            reload_on_withdraw: self.opt_bool(o, "reloadOnWithdraw").unwrap_or(false),
            revision,
            site_name: self.opt_text(o, "siteName"),
            operator: self.opt_text(o, "operator"),
            lang,
            policy_url: self.opt_text_checked(o, "policyUrl", is_url, Problem::BadUrl),
            policy_version: self.opt_text_checked(
                o,
                "policyVersion",
                is_policy_version,
                Problem::BadVersion,
            ),
            cookie,
            reopen_button: self.opt_bool(o, "reopenButton").unwrap_or(true),
            categories,
            texts,
        }
    }

    /// `texts`: per language, built-in texts by key.
    fn texts(&mut self, tv: &Value) -> Vec<(Lang, Msg, String)> {
        let mut texts = Vec::new();
        self.enter("texts");
        for (k, _, lv) in self.object(tv, &["ja", "en"]) {
            let lang = if k == "ja" { Lang::Ja } else { Lang::En };
            self.enter(k);
            match &lv.kind {
                Kind::Null => {}
                Kind::Object(msgs) => {
                    for (i, (name, line, mv)) in msgs.iter().enumerate() {
                        self.enter(name);
                        match Msg::from_name(name) {
                            Some(msg) => {
                                if msgs[..i].iter().any(|f| f.0 == *name) {
                                    self.fail_line(
                                        *line,
                                        Problem::Syntax(SyntaxError::DuplicateKey),
                                    );
                                }
                                let s = self.string(mv);
                                texts.push((lang, msg, s));
                            }
                            None => self.fail_line(*line, Problem::UnknownText),
                        }
                        self.leave();
                    }
                }
                _ => self.fail(lv, Problem::ExpectedObject),
            }
            self.leave();
        }
        self.leave();
        texts
    }

    fn category(&mut self, v: &Value) -> Category {
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
        let consent_types = opt(o, "consentTypes").map(|tv| {
            self.enter("consentTypes");
            let mut bits = 0u8;
            for (i, t) in self.items(tv).iter().enumerate() {
                self.enter_index(i);
                let name = self.string(t);
                match CONSENT_TYPES.iter().position(|c| *c == name) {
                    Some(bit) => bits |= 1 << bit,
                    None if name.is_empty() => {}
                    None => self.fail(t, Problem::UnknownConsentType),
                }
                self.leave();
            }
            self.leave();
            bits
        });
        Category {
            id: self.required_checked(v, o, "id", is_id, Problem::BadId),
            title: self.text(v, o, "title"),
            description: self.text(v, o, "description"),
            required: self.opt_bool(o, "required").unwrap_or(false),
            services: self.list(o, "services", Reader::service),
            consent_types,
            gpc: self.opt_bool(o, "gpc"),
        }
    }

    fn service(&mut self, v: &Value) -> Service {
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
        Service {
            id: self.required_checked(v, o, "id", is_id, Problem::BadId),
            name: self.text(v, o, "name"),
            provider: self.text(v, o, "provider"),
            purpose: self.text(v, o, "purpose"),
            country: self.opt_text(o, "country"),
            privacy_url: self.opt_checked(o, "privacyUrl", is_url, Problem::BadUrl),
            cookies: self.list(o, "cookies", Reader::cookie),
            transmissions: self.list(o, "transmissions", Reader::transmission),
            google_tag: self.opt_bool(o, "googleTag").unwrap_or(false),
        }
    }

    fn cookie(&mut self, v: &Value) -> CookieDecl {
        let o = self.object(v, &["name", "lifetime", "party", "purpose", "note", "path"]);
        let name = self.required_checked(v, o, "name", cookie_pattern, Problem::BadCookieName);
        let lifetime = self.required_checked(v, o, "lifetime", is_lifetime, Problem::BadLifetime);
        let party = match self.opt_string(o, "party").as_deref() {
            None | Some("first") | Some("") => Party::First,
            Some("third") => Party::Third,
            Some(_) => {
                self.fail_key("party", get(o, "party").map_or(0, at), Problem::BadParty);
                Party::First
            }
        };
        CookieDecl {
            name,
            lifetime: Lifetime::parse(&lifetime).unwrap_or(Lifetime::Session),
            party,
            purpose: self.opt_text(o, "purpose"),
            note: self.opt_text(o, "note"),
            path: self.opt_checked(o, "path", is_cookie_path, Problem::BadPath),
        }
    }

    fn transmission(&mut self, v: &Value) -> Transmission {
        let o = self.object(
            v,
            &[
                "data",
                "recipient",
                "purposeSite",
                "purposeRecipient",
                "recipientUrl",
            ],
        );
        Transmission {
            data: self.text(v, o, "data"),
            recipient: self.opt_text(o, "recipient"),
            purpose_site: self.text(v, o, "purposeSite"),
            purpose_recipient: self.opt_text(o, "purposeRecipient"),
            recipient_url: self.opt_checked(o, "recipientUrl", is_url, Problem::BadUrl),
        }
    }
}

/// Any string (the non-blank check comes first).
fn any(_: &str) -> bool {
    true
}

fn cookie_name(s: &str) -> bool {
    is_cookie_name(s, false)
}

fn cookie_pattern(s: &str) -> bool {
    is_cookie_name(s, true)
}

fn is_lifetime(s: &str) -> bool {
    Lifetime::parse(s).is_some()
}
