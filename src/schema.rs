//! The config file's shape as serde types, and the JSON Schema generated from them
//! (`schema/doui-config.schema.json`, printed by `doui schema`).
//!
//! doui itself reads configs with the small reader in `config` and `json`: serde
//! would make the banner module several times larger. These types mirror what that
//! reader accepts, field for field, so that editors and other tools get the same
//! rules: the doc comments become the schema's descriptions, and each value rule
//! calls the reader's own check (`config::is_id` and the like). A differential
//! test (`tests/schema.rs`) feeds the same inputs to both. The one thing a schema
//! cannot say is that every id is used once; only the reader checks that.
//!
//! Native builds only: neither wasm module carries serde.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;
use std::marker::PhantomData;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, Deserializer, MapAccess, Unexpected, Visitor};
use serde::Deserialize;
use serde_json::json;

use crate::config::{
    is_blank, is_cookie_name, is_cookie_path, is_domain, is_id, is_policy_version, is_receipts_url,
    is_url, Lifetime, CONSENT_TYPES, MAX_CONSENT_DAYS,
};
use crate::i18n::{Lang as BuiltinLang, Msg};

/// The JSON Schema of the config, as committed in `schema/doui-config.schema.json`.
pub fn generate() -> String {
    let schema = SchemaGenerator::default().into_root_schema_for::<Config>();
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Reads a config with serde into [`Config`]; an error names the field path
/// (`categories[1].services[0].id`) and, from serde_json, the line.
pub fn from_json(text: &str) -> Result<Config, String> {
    // Editors on Windows save a byte-order mark; the reader skips it, so this does too.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    let config: Config = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| format!("{}: {}", e.path(), e.inner()))?;
    de.end().map_err(|e| e.to_string())?;
    Ok(config)
}

/// A doui site config: the consent categories, their services, each service's
/// cookies and external transmissions, and how the choice is stored and shown.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "doui site config")]
pub struct Config {
    /// The JSON Schema this file follows, for editors; doui ignores it.
    #[serde(rename = "$schema")]
    pub schema: Option<String>,
    /// Bump when the categories or services change materially: a choice made under
    /// another revision is asked again.
    pub revision: Revision,
    /// The site's own name, shown in the banner as who is asking.
    pub site_name: Option<Text>,
    /// Who runs the site (the controller's legal name, `Example 株式会社`), shown
    /// in the banner.
    pub operator: Option<Text>,
    /// A language that overrides negotiation (else `<html lang>`, else the browser's).
    pub lang: Option<Lang>,
    /// Where the privacy policy page is, for every language or per language
    /// (`{"ja": "/privacy.html", "en": "/en/privacy.html"}`): an http(s) URL or a
    /// path on this site.
    pub policy_url: Option<UrlText>,
    /// The version of the policy text per language, as `doui version policy.md`
    /// prints it; stored with each consent to say which text the visitor could read.
    pub policy_version: Option<VersionText>,
    /// How the consent cookie is stored.
    pub cookie: Option<CookieSettings>,
    /// Show a small floating button that reopens the preferences (default true).
    pub reopen_button: Option<bool>,
    /// Consent categories in display order; at least one.
    #[serde(deserialize_with = "non_empty")]
    #[schemars(extend("minItems" = 1))]
    pub categories: Vec<Category>,
    /// Per-language overrides of the built-in texts.
    pub texts: Option<Texts>,
    /// How choices reach Google tags (Consent Mode v2).
    pub consent_mode: Option<ConsentMode>,
    /// Deny the categories marked `gpc` when the browser sends Global Privacy
    /// Control (default true).
    pub honour_gpc: Option<bool>,
    /// Reload the page at once when a visitor withdraws consent for scripts that
    /// already ran, instead of offering a reload (default false).
    pub reload_on_withdraw: Option<bool>,
    /// The site's receipts server: when set, the banner sends it a receipt of
    /// every choice (see docs/receipts.md); when absent, it sends nothing.
    pub receipts: Option<Receipts>,
}

/// The site's receipts server (`doui-receipts`), which keeps a proof of each choice.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Receipts {
    /// Where receipts are posted (`https://receipts.example.jp/v1/receipts`).
    pub url: ReceiptsUrl,
}

/// Where and how long the consent cookie lives.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CookieSettings {
    /// Cookie name (default `doui_consent`).
    pub name: Option<CookieName>,
    /// Days until a choice (consent or refusal) expires: 1 to 395 (default 182).
    pub days: Option<Days>,
    /// `Domain` attribute, to share the choice across subdomains (`example.com`).
    pub domain: Option<Domain>,
}

/// A purpose a visitor can accept or refuse as a whole.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Category {
    /// Stable identifier (`analytics`), used in `data-consent` markings and the API;
    /// unique across categories and services.
    pub id: Id,
    /// Short title.
    pub title: Text,
    /// What the category is for.
    pub description: Text,
    /// Strictly necessary: always on, shown but not switchable (default false).
    pub required: Option<bool>,
    /// Services in this category.
    pub services: Option<Vec<Service>>,
    /// The Google Consent Mode types this category grants. Without it, usual ids
    /// (`analytics`, `advertising`, `preferences`…) and required categories get
    /// their usual types.
    pub consent_types: Option<Vec<ConsentType>>,
    /// Denied whenever the browser sends Global Privacy Control (default: true
    /// when the category grants an advertising consent type).
    pub gpc: Option<bool>,
}

/// A third-party or own service that sets cookies or sends data.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Service {
    /// Stable identifier (`google-analytics`), unique across categories and services.
    pub id: Id,
    /// Display name (`Google アナリティクス`).
    pub name: Text,
    /// Who runs it (`Google LLC`).
    pub provider: Text,
    /// Why the site uses it.
    pub purpose: Text,
    /// Where the provider processes data, when outside the visitor's country matters.
    pub country: Option<Text>,
    /// The provider's privacy policy.
    pub privacy_url: Option<Url>,
    /// Cookies it sets.
    pub cookies: Option<Vec<Cookie>>,
    /// What it sends where (Japan's 外部送信 rules).
    pub transmissions: Option<Vec<Transmission>>,
    /// A Google tag that reads Consent Mode: loaded before consent in advanced mode
    /// (default false).
    pub google_tag: Option<bool>,
}

/// One cookie a service sets.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cookie {
    /// Exact name, or a pattern where `*` stands for any run of characters (`_ga_*`).
    pub name: CookieNamePattern,
    /// How long it is kept.
    pub lifetime: LifetimeText,
    /// Set by this site (`first`, the default) or by another (`third`).
    pub party: Option<Party>,
    /// What this cookie in particular is for, when it differs from the service's purpose.
    pub purpose: Option<Text>,
    /// A remark on the lifetime, e.g. "2 weeks with ‘remember me’".
    pub note: Option<Text>,
    /// The `Path` it is set with, when not `/`, so that doui can delete it.
    pub path: Option<CookiePath>,
}

/// One external transmission: what is sent, to whom, for what.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Transmission {
    /// What information is sent (送信される情報の内容), listed concretely.
    pub data: Text,
    /// Who receives it (送信先); default "provider（service name）".
    pub recipient: Option<Text>,
    /// The site's purpose (当サイトの利用目的).
    pub purpose_site: Text,
    /// The recipient's purpose (送信先での利用目的).
    pub purpose_recipient: Option<Text>,
    /// The recipient's privacy or opt-out page.
    pub recipient_url: Option<Url>,
}

/// What doui tells Google tags.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ConsentMode {
    /// `basic` (default) keeps Google tags blocked until consent; `advanced` loads
    /// services with `googleTag` at once, reading the denied defaults.
    pub mode: Option<Mode>,
    /// `gtag('set', 'ads_data_redaction', true)` while advertising is denied.
    pub ads_data_redaction: Option<bool>,
    /// `gtag('set', 'url_passthrough', true)`.
    pub url_passthrough: Option<bool>,
}

/// A language doui speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// 日本語
    Ja,
    /// English
    En,
}

/// First- or third-party cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Party {
    /// Set by this site.
    First,
    /// Set by another site.
    Third,
}

/// Google Consent Mode: basic or advanced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Google tags stay blocked until consent.
    Basic,
    /// Google tags load at once and read the denied defaults.
    Advanced,
}

/// `categories` must not be empty: a banner with nothing to choose is a mistake.
fn non_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Category>, D::Error> {
    let v = Vec::<Category>::deserialize(d)?;
    if v.is_empty() {
        return Err(de::Error::invalid_length(0, &"at least one category"));
    }
    Ok(v)
}

/// Any character outside Unicode's White_Space set, which `char::is_whitespace`
/// tests: a text must contain one. Written out because JavaScript's `\s` differs.
const NOT_BLANK: &str =
    "[^\\t\\n\\u000B\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]";

/// Declares a string type checked by one of the reader's rules, with the same
/// rule as a JSON Schema pattern for editors.
macro_rules! checked_string {
    ($name:ident, $doc:literal, $pattern:expr, $check:expr) => {
        #[doc = $doc]
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(pub String);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                let check: fn(&str) -> bool = $check;
                if is_blank(&s) || !check(&s) {
                    return Err(de::Error::invalid_value(Unexpected::Str(&s), &$doc));
                }
                Ok($name(s))
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "type": "string", "pattern": $pattern, "description": $doc })
            }
        }
    };
}

checked_string!(
    NonBlank,
    "A text that is not empty or only spaces.",
    NOT_BLANK,
    |_| true
);
checked_string!(
    Id,
    "An id: a lowercase letter, then up to 63 lowercase letters, digits, `-` or `_`.",
    "^[a-z][a-z0-9_-]{0,63}$",
    is_id
);
checked_string!(
    CookieName,
    "A cookie name: letters, digits and ! # $ % & ' + - . ^ _ ` | ~",
    "^[A-Za-z0-9!#$%&'+.^_`|~-]+$",
    |s| is_cookie_name(s, false)
);
checked_string!(
    CookieNamePattern,
    "A cookie name (letters, digits and ! # $ % & ' + - . ^ _ ` | ~), where `*` stands for any run of characters.",
    "^[A-Za-z0-9!#$%&'+.^_`|~*-]+$",
    |s| is_cookie_name(s, true)
);
checked_string!(
    Url,
    "An http(s) URL or a path on this site (`/privacy.html`), without spaces.",
    "^(https?://[^\\u0000-\\u0020\\u007F]*|/([^/\\u0000-\\u0020\\u007F][^\\u0000-\\u0020\\u007F]*)?)$",
    is_url
);
checked_string!(
    ReceiptsUrl,
    "An https URL with a host and no user name; http only to `localhost`, `127.0.0.1` or `[::1]` (for testing). No spaces.",
    "^(https://[^/?#@\\u0000-\\u0020\\u007F]+|http://(localhost|127\\.0\\.0\\.1|\\[::1\\])(:[0-9]*)?)([/?#][^\\u0000-\\u0020\\u007F]*)?$",
    is_receipts_url
);
checked_string!(
    CookiePath,
    "A cookie path: starts with `/`, without spaces, `;` or `,`.",
    "^/[^\\u0000-\\u0020;,\\u007F]*$",
    is_cookie_path
);
checked_string!(
    Domain,
    "A cookie domain (`example.com`): letters, digits, dots and hyphens.",
    "^[A-Za-z0-9.-]+$",
    is_domain
);
checked_string!(
    PolicyVersion,
    "A policy version as `doui version policy.md` prints it: up to 16 letters and digits.",
    "^[A-Za-z0-9]{1,16}$",
    is_policy_version
);
checked_string!(
    LifetimeText,
    "`session` (until the browser closes), or a whole number from 1 and a unit: `30s`, `10min`, `24h`, `2d`, `2w`, `13mo`, `1y`.",
    "^(session|[1-9][0-9]{0,5}(s|min|h|d|w|mo|y))$",
    |s| Lifetime::parse(s).is_some()
);

/// Declares a whole number in a range.
macro_rules! checked_number {
    ($name:ident, $doc:literal, $min:expr, $max:expr) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name(pub u32);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let n = u32::deserialize(d)?;
                if !($min..=$max).contains(&n) {
                    return Err(de::Error::invalid_value(Unexpected::Unsigned(n.into()), &$doc));
                }
                Ok($name(n))
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn inline_schema() -> bool {
                true
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "type": "integer", "minimum": $min, "maximum": $max })
            }
        }
    };
}

checked_number!(Revision, "A whole number from 1.", 1, u32::MAX);
checked_number!(
    Days,
    "A whole number of days from 1 to 395.",
    1,
    MAX_CONSENT_DAYS
);

/// One of the seven Google Consent Mode v2 types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentType(pub String);

impl<'de> Deserialize<'de> for ConsentType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if !CONSENT_TYPES.contains(&s.as_str()) {
            return Err(de::Error::unknown_variant(&s, &CONSENT_TYPES));
        }
        Ok(ConsentType(s))
    }
}

impl JsonSchema for ConsentType {
    fn schema_name() -> Cow<'static, str> {
        "ConsentType".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A Google Consent Mode v2 type.",
            "enum": CONSENT_TYPES,
        })
    }
}

/// A text given once for every language, or per language: `{"ja": "…", "en": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// Japanese.
    pub ja: Option<String>,
    /// English.
    pub en: Option<String>,
}

/// Policy versions, one for every language or one per language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionText {
    /// The version of the Japanese policy.
    pub ja: Option<String>,
    /// The version of the English policy.
    pub en: Option<String>,
}

/// URLs, one for every language or one per language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlText {
    /// The URL for Japanese pages.
    pub ja: Option<String>,
    /// The URL for English pages.
    pub en: Option<String>,
}

/// Reads a string or a `{ja, en}` object whose values are each a `T`.
struct PerLanguage<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de> + Into<String>> Visitor<'de> for PerLanguage<T> {
    type Value = (Option<String>, Option<String>);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or an object such as {\"ja\": \"…\", \"en\": \"…\"}")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        let s: String = T::deserialize(de::value::StrDeserializer::<E>::new(s))?.into();
        Ok((Some(s.clone()), Some(s)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut ja, mut en) = (None, None);
        while let Some(key) = map.next_key::<String>()? {
            let slot = match key.as_str() {
                "ja" => &mut ja,
                "en" => &mut en,
                _ => return Err(de::Error::unknown_field(&key, &["ja", "en"])),
            };
            if slot.is_some() {
                return Err(de::Error::custom(format_args!(
                    "duplicate language `{key}`"
                )));
            }
            *slot = Some(map.next_value::<T>()?.into());
        }
        if ja.is_none() && en.is_none() {
            return Err(de::Error::invalid_length(0, &"at least one language"));
        }
        Ok((ja, en))
    }
}

impl From<NonBlank> for String {
    fn from(s: NonBlank) -> String {
        s.0
    }
}

impl From<Url> for String {
    fn from(s: Url) -> String {
        s.0
    }
}

impl From<PolicyVersion> for String {
    fn from(s: PolicyVersion) -> String {
        s.0
    }
}

/// The schema of a string or `{ja, en}` object whose values are each a `T`.
fn per_language_schema<T: JsonSchema>(generator: &mut SchemaGenerator, doc: &str) -> Schema {
    let one = generator.subschema_for::<T>();
    json_schema!({
        "description": doc,
        "anyOf": [
            one,
            {
                "type": "object",
                "properties": { "ja": one, "en": one },
                "additionalProperties": false,
                "minProperties": 1,
            },
        ],
    })
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (ja, en) = d.deserialize_any(PerLanguage::<NonBlank>(PhantomData))?;
        Ok(Text { ja, en })
    }
}

impl JsonSchema for Text {
    fn schema_name() -> Cow<'static, str> {
        "Text".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        per_language_schema::<NonBlank>(
            generator,
            "A text for every language, or per language: {\"ja\": \"…\", \"en\": \"…\"}.",
        )
    }
}

impl<'de> Deserialize<'de> for VersionText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (ja, en) = d.deserialize_any(PerLanguage::<PolicyVersion>(PhantomData))?;
        Ok(VersionText { ja, en })
    }
}

impl JsonSchema for VersionText {
    fn schema_name() -> Cow<'static, str> {
        "VersionText".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        per_language_schema::<PolicyVersion>(
            generator,
            "A policy version for every language, or per language: {\"ja\": \"…\", \"en\": \"…\"}.",
        )
    }
}

impl<'de> Deserialize<'de> for UrlText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (ja, en) = d.deserialize_any(PerLanguage::<Url>(PhantomData))?;
        Ok(UrlText { ja, en })
    }
}

impl JsonSchema for UrlText {
    fn schema_name() -> Cow<'static, str> {
        "UrlText".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        per_language_schema::<Url>(
            generator,
            "A URL for every language, or per language: {\"ja\": \"…\", \"en\": \"…\"}.",
        )
    }
}

/// Overrides of the built-in texts, per language.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    /// Japanese texts.
    #[serde(default)]
    pub ja: Messages,
    /// English texts.
    #[serde(default)]
    pub en: Messages,
}

/// Built-in texts to override, by key (`acceptAll`, `bannerTitle`…), in config order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Messages(pub Vec<(String, String)>);

impl<'de> Deserialize<'de> for Messages {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(MessagesVisitor)
    }
}

struct MessagesVisitor;

impl<'de> Visitor<'de> for MessagesVisitor {
    type Value = Messages;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of texts by key")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Messages, A::Error> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let Some(msg) = Msg::from_name(&key) else {
                let names: Vec<&str> = Msg::ALL.iter().map(|m| m.name()).collect();
                return Err(de::Error::custom(format_args!(
                    "unknown text key `{key}`, expected one of {}",
                    names.join(", ")
                )));
            };
            if !seen.insert(msg.name()) {
                return Err(de::Error::custom(format_args!(
                    "duplicate text key `{key}`"
                )));
            }
            out.push((key, map.next_value::<NonBlank>()?.0));
        }
        Ok(Messages(out))
    }
}

impl JsonSchema for Messages {
    fn schema_name() -> Cow<'static, str> {
        "Messages".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let text = generator.subschema_for::<NonBlank>();
        let mut properties = serde_json::Map::new();
        for msg in Msg::ALL {
            let mut one = text.clone().to_value();
            // Editors show the built-in text next to each key.
            one["description"] = json!(format!(
                "Built in: 「{}」 / “{}”",
                msg.builtin(BuiltinLang::Ja),
                msg.builtin(BuiltinLang::En)
            ));
            properties.insert(msg.name().into(), one);
        }
        json_schema!({
            "description": "Texts by key; `{}` in `alwaysAllow` stands for the service's name.",
            "type": "object",
            "properties": properties,
            "additionalProperties": false,
        })
    }
}
