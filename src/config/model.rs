//! The config's types: one model for every build. The banner module fills it
//! with the small reader (`reader`), everything else with serde (`de`); the
//! attributes below say how serde reads each field, and the doc comments become
//! the JSON Schema's descriptions (`doui schema`).
//!
//! A field holds what the site wrote; defaults that depend on other fields (a
//! category's Consent Mode types, a transmission's recipient) are methods, so
//! that both readers fill the same fields the same way.

use alloc::string::String;
use alloc::vec::Vec;

use crate::i18n::{Lang, Msg, Unit};
use crate::text::parse_uint;

/// The longest consent lifetime a config may ask for, in days (13 months, the
/// ceiling regulators accept and about what browsers cap cookies at).
pub const MAX_CONSENT_DAYS: u32 = 395;
/// Consent lifetime when the config says nothing, in days (about six months).
pub const DEFAULT_CONSENT_DAYS: u32 = 182;
/// Name of the consent cookie when the config says nothing.
pub const DEFAULT_COOKIE_NAME: &str = "doui_consent";

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
pub(crate) const AD_TYPES: u8 = 0b111;
/// `analytics_storage`.
pub(crate) const ANALYTICS_TYPE: u8 = 1 << 3;

/// A doui site config: the consent categories, their services, each service's
/// cookies and external transmissions, and how the choice is stored and shown.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "policy", derive(serde::Deserialize))]
#[cfg_attr(
    all(feature = "policy", not(target_arch = "wasm32")),
    derive(schemars::JsonSchema),
    schemars(title = "doui site config")
)]
#[cfg_attr(
    feature = "policy",
    serde(deny_unknown_fields, rename_all = "camelCase")
)]
pub struct Config {
    /// The JSON Schema this file follows, for editors; doui ignores it.
    #[cfg_attr(
        feature = "policy",
        serde(
            rename = "$schema",
            default,
            deserialize_with = "super::de::ignored_string"
        )
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<String>")
    )]
    pub editor_schema: (),
    /// Bump when the categories or services change materially: a choice made under
    /// another revision is asked again.
    #[cfg_attr(feature = "policy", serde(deserialize_with = "super::de::revision"))]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "super::schema::Revision")
    )]
    pub revision: u32,
    /// The site's own name, shown in the banner as who is asking.
    pub site_name: Option<Text>,
    /// Who runs the site (the controller's legal name, `Example 株式会社`), shown
    /// in the banner.
    pub operator: Option<Text>,
    /// A language that overrides negotiation (else `<html lang>`, else the browser's).
    #[cfg_attr(
        feature = "policy",
        serde(default, deserialize_with = "super::de::lang")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<super::schema::LangTag>")
    )]
    pub lang: Option<Lang>,
    /// Where the privacy policy page is, for every language or per language
    /// (`{"ja": "/privacy.html", "en": "/en/privacy.html"}`): an http(s) URL or a
    /// path on this site.
    #[cfg_attr(
        feature = "policy",
        serde(default, deserialize_with = "super::de::url_text")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<super::schema::UrlText>")
    )]
    pub policy_url: Option<Text>,
    /// The version of the policy text per language, as `doui version policy.md`
    /// prints it; stored with each consent to say which text the visitor could
    /// read. `doui check --policy` says when it is stale.
    #[cfg_attr(
        feature = "policy",
        serde(default, deserialize_with = "super::de::version_text")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<super::schema::VersionText>")
    )]
    pub policy_version: Option<Text>,
    /// How the consent cookie is stored.
    #[cfg_attr(
        feature = "policy",
        serde(default, deserialize_with = "super::de::or_default")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<CookieSettings>")
    )]
    pub cookie: CookieSettings,
    /// Show a small floating button that reopens the preferences (default true).
    #[cfg_attr(
        feature = "policy",
        serde(default = "super::de::yes", deserialize_with = "super::de::or_yes")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<bool>")
    )]
    pub reopen_button: bool,
    /// Consent categories in display order; at least one.
    #[cfg_attr(feature = "policy", serde(deserialize_with = "super::de::categories"))]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(extend("minItems" = 1))
    )]
    pub categories: Vec<Category>,
    /// Per-language overrides of the built-in texts.
    #[cfg_attr(
        feature = "policy",
        serde(default, deserialize_with = "super::de::texts")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<super::schema::Texts>")
    )]
    pub texts: Vec<(Lang, Msg, String)>,
    /// How choices reach Google tags (Consent Mode v2).
    #[cfg_attr(
        feature = "policy",
        serde(default, deserialize_with = "super::de::or_default")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<ConsentMode>")
    )]
    pub consent_mode: ConsentMode,
    /// Deny the categories marked `gpc` when the browser sends Global Privacy
    /// Control (default true).
    #[cfg_attr(
        feature = "policy",
        serde(default = "super::de::yes", deserialize_with = "super::de::or_yes")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<bool>")
    )]
    pub honour_gpc: bool,
    /// Reload the page at once when a visitor withdraws consent for scripts that
    /// already ran, instead of offering a reload (default false).
    #[cfg_attr(
        feature = "policy",
        serde(default, deserialize_with = "super::de::or_default")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<bool>")
    )]
    pub reload_on_withdraw: bool,
    /// The site's receipts server: when set, the banner sends it a receipt of
    /// every choice (see docs/receipts.md); when absent, it sends nothing.
    #[cfg_attr(
        feature = "policy",
        serde(default, deserialize_with = "super::de::receipts")
    )]
    pub receipts: Option<Receipts>,
}

/// The site's receipts server (`doui-receipts`), which keeps a proof of each choice.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "policy", derive(serde::Deserialize))]
#[cfg_attr(
    all(feature = "policy", not(target_arch = "wasm32")),
    derive(schemars::JsonSchema)
)]
#[cfg_attr(feature = "policy", serde(deny_unknown_fields))]
pub struct Receipts {
    /// Where receipts are posted (`https://receipts.example.jp/v1/receipts`).
    #[cfg_attr(
        feature = "policy",
        serde(deserialize_with = "super::de::receipts_url")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "super::schema::ReceiptsUrl")
    )]
    pub url: String,
}

/// What doui tells Google tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "policy", derive(serde::Deserialize))]
#[cfg_attr(
    all(feature = "policy", not(target_arch = "wasm32")),
    derive(schemars::JsonSchema)
)]
#[cfg_attr(
    feature = "policy",
    serde(deny_unknown_fields, rename_all = "camelCase")
)]
pub struct ConsentMode {
    /// `basic` (default) keeps Google tags blocked until consent; `advanced` loads
    /// services with `googleTag` at once, reading the denied defaults.
    #[cfg_attr(
        feature = "policy",
        serde(rename = "mode", default, deserialize_with = "super::de::advanced")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<super::schema::Mode>", extend("default" = "basic"))
    )]
    pub advanced: bool,
    /// `gtag('set', 'ads_data_redaction', true)` while advertising is denied.
    #[cfg_attr(
        feature = "policy",
        serde(default, deserialize_with = "super::de::or_default")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<bool>")
    )]
    pub ads_data_redaction: bool,
    /// `gtag('set', 'url_passthrough', true)`.
    #[cfg_attr(
        feature = "policy",
        serde(default, deserialize_with = "super::de::or_default")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<bool>")
    )]
    pub url_passthrough: bool,
}

/// Where and how long the consent cookie lives.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "policy", derive(serde::Deserialize))]
#[cfg_attr(
    all(feature = "policy", not(target_arch = "wasm32")),
    derive(schemars::JsonSchema)
)]
#[cfg_attr(feature = "policy", serde(deny_unknown_fields))]
pub struct CookieSettings {
    /// Cookie name (default `doui_consent`).
    #[cfg_attr(
        feature = "policy",
        serde(
            default = "super::de::default_cookie_name",
            deserialize_with = "super::de::cookie_name"
        )
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<super::schema::CookieName>")
    )]
    pub name: String,
    /// Days until a choice (consent or refusal) expires: 1 to 395 (default 182).
    #[cfg_attr(
        feature = "policy",
        serde(
            default = "super::de::default_days",
            deserialize_with = "super::de::days"
        )
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<super::schema::Days>")
    )]
    pub days: u32,
    /// `Domain` attribute, to share the choice across subdomains (`example.com`).
    #[cfg_attr(
        feature = "policy",
        serde(default, deserialize_with = "super::de::domain")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<super::schema::Domain>")
    )]
    pub domain: Option<String>,
}

impl Default for CookieSettings {
    fn default() -> CookieSettings {
        CookieSettings {
            name: String::from(DEFAULT_COOKIE_NAME),
            days: DEFAULT_CONSENT_DAYS,
            domain: None,
        }
    }
}

/// A purpose a visitor can accept or refuse as a whole.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "policy", derive(serde::Deserialize))]
#[cfg_attr(
    all(feature = "policy", not(target_arch = "wasm32")),
    derive(schemars::JsonSchema)
)]
#[cfg_attr(
    feature = "policy",
    serde(deny_unknown_fields, rename_all = "camelCase")
)]
pub struct Category {
    /// Stable identifier (`analytics`), used in `data-consent` markings and the API;
    /// unique across categories and services.
    #[cfg_attr(feature = "policy", serde(deserialize_with = "super::de::id"))]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "super::schema::Id")
    )]
    pub id: String,
    /// Short title.
    pub title: Text,
    /// What the category is for.
    pub description: Text,
    /// Strictly necessary: always on, shown but not switchable (default false).
    #[cfg_attr(
        feature = "policy",
        serde(default, deserialize_with = "super::de::or_default")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<bool>")
    )]
    pub required: bool,
    /// Services in this category.
    #[cfg_attr(
        feature = "policy",
        serde(default, deserialize_with = "super::de::or_default")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<Vec<Service>>")
    )]
    pub services: Vec<Service>,
    /// The Google Consent Mode types this category grants. Without it, usual ids
    /// (`analytics`, `advertising`, `preferences`…) and required categories get
    /// their usual types. (In the model: one bit per `CONSENT_TYPES` entry.)
    #[cfg_attr(
        feature = "policy",
        serde(default, deserialize_with = "super::de::consent_types")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<Vec<super::schema::ConsentType>>")
    )]
    pub consent_types: Option<u8>,
    /// Denied whenever the browser sends Global Privacy Control (default: true
    /// when the category grants an advertising consent type).
    pub gpc: Option<bool>,
}

impl Category {
    /// The Consent Mode types granted, as bits of [`CONSENT_TYPES`]: the
    /// config's list, else the usual types for the category's id.
    pub fn consent_types(&self) -> u8 {
        self.consent_types.unwrap_or(if self.required {
            1 << 6
        } else {
            match self.id.as_str() {
                "analytics" | "statistics" | "measurement" | "performance" => ANALYTICS_TYPE,
                "advertising" | "marketing" | "ads" => AD_TYPES,
                "preferences" | "functional" | "functionality" | "personalization" => 0b11 << 4,
                _ => 0,
            }
        })
    }

    /// Whether Global Privacy Control denies it: the config's `gpc`, else
    /// whether it grants an advertising type.
    pub fn gpc(&self) -> bool {
        self.gpc.unwrap_or(self.consent_types() & AD_TYPES != 0)
    }
}

/// A third-party or own service that sets cookies or sends data.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "policy", derive(serde::Deserialize))]
#[cfg_attr(
    all(feature = "policy", not(target_arch = "wasm32")),
    derive(schemars::JsonSchema)
)]
#[cfg_attr(
    feature = "policy",
    serde(deny_unknown_fields, rename_all = "camelCase")
)]
pub struct Service {
    /// Stable identifier (`google-analytics`), unique across categories and services.
    #[cfg_attr(feature = "policy", serde(deserialize_with = "super::de::id"))]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "super::schema::Id")
    )]
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
    #[cfg_attr(
        feature = "policy",
        serde(default, deserialize_with = "super::de::url")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<super::schema::Url>")
    )]
    pub privacy_url: Option<String>,
    /// Cookies it sets.
    #[cfg_attr(
        feature = "policy",
        serde(default, deserialize_with = "super::de::or_default")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<Vec<CookieDecl>>")
    )]
    pub cookies: Vec<CookieDecl>,
    /// What it sends where (Japan's 外部送信 rules).
    #[cfg_attr(
        feature = "policy",
        serde(default, deserialize_with = "super::de::or_default")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<Vec<Transmission>>")
    )]
    pub transmissions: Vec<Transmission>,
    /// A Google tag that reads Consent Mode: loaded before consent in advanced mode
    /// (default false).
    #[cfg_attr(
        feature = "policy",
        serde(default, deserialize_with = "super::de::or_default")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<bool>")
    )]
    pub google_tag: bool,
}

/// One cookie a service sets.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "policy", derive(serde::Deserialize))]
#[cfg_attr(
    all(feature = "policy", not(target_arch = "wasm32")),
    derive(schemars::JsonSchema),
    schemars(rename = "Cookie")
)]
#[cfg_attr(feature = "policy", serde(deny_unknown_fields))]
pub struct CookieDecl {
    /// Exact name, or a pattern where `*` stands for any run of characters (`_ga_*`).
    #[cfg_attr(
        feature = "policy",
        serde(deserialize_with = "super::de::cookie_pattern")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "super::schema::CookieNamePattern")
    )]
    pub name: String,
    /// How long it is kept.
    #[cfg_attr(feature = "policy", serde(deserialize_with = "super::de::lifetime"))]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "super::schema::LifetimeText")
    )]
    pub lifetime: Lifetime,
    /// Set by this site (`first`, the default) or by another (`third`).
    #[cfg_attr(
        feature = "policy",
        serde(default, deserialize_with = "super::de::or_default")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<Party>")
    )]
    pub party: Party,
    /// What this cookie in particular is for, when it differs from the service's purpose.
    pub purpose: Option<Text>,
    /// A remark on the lifetime, e.g. "2 weeks with ‘remember me’".
    pub note: Option<Text>,
    /// The `Path` it is set with, when not `/`, so that doui can delete it.
    #[cfg_attr(
        feature = "policy",
        serde(default, deserialize_with = "super::de::cookie_path")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<super::schema::CookiePath>")
    )]
    pub path: Option<String>,
}

/// One external transmission: what is sent, to whom, for what.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "policy", derive(serde::Deserialize))]
#[cfg_attr(
    all(feature = "policy", not(target_arch = "wasm32")),
    derive(schemars::JsonSchema)
)]
#[cfg_attr(
    feature = "policy",
    serde(deny_unknown_fields, rename_all = "camelCase")
)]
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
    #[cfg_attr(
        feature = "policy",
        serde(default, deserialize_with = "super::de::url")
    )]
    #[cfg_attr(
        all(feature = "policy", not(target_arch = "wasm32")),
        schemars(with = "Option<super::schema::Url>")
    )]
    pub recipient_url: Option<String>,
}

impl Transmission {
    /// Who receives it in `lang`: the config's `recipient`, else the provider
    /// with the service it runs, as Japan's guidance asks:
    /// 「Google LLC（Google アナリティクス）」.
    pub fn recipient(&self, service: &Service, lang: Lang) -> String {
        if let Some(r) = &self.recipient {
            return String::from(r.get(lang));
        }
        let (open, close) = match lang {
            Lang::Ja => ("（", "）"),
            Lang::En => (" (", ")"),
        };
        let mut s = String::from(service.provider.get(lang));
        s.push_str(open);
        s.push_str(service.name.get(lang));
        s.push_str(close);
        s
    }
}

/// First- or third-party cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(
    all(feature = "policy", not(target_arch = "wasm32")),
    derive(schemars::JsonSchema),
    schemars(rename_all = "lowercase")
)]
pub enum Party {
    /// Set by this site.
    #[default]
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
        let n = parse_uint(num, 6)? as u32;
        // A table, not a `match` on strings: smaller in the banner module.
        const UNITS: [(&str, Unit); 7] = [
            ("s", Unit::Second),
            ("min", Unit::Minute),
            ("h", Unit::Hour),
            ("d", Unit::Day),
            ("w", Unit::Week),
            ("mo", Unit::Month),
            ("y", Unit::Year),
        ];
        let unit = UNITS.iter().find(|(name, _)| *name == unit)?.1;
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

/// A text given once for all languages or per language:
/// `"…"` or `{"ja": "…", "en": "…"}`.
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
        signal && self.honour_gpc && self.categories.iter().any(Category::gpc)
    }

    /// A text, with the config's override for `lang` if it has one.
    pub fn text(&self, lang: Lang, msg: Msg) -> &str {
        self.texts
            .iter()
            .find(|(l, m, _)| *l == lang && *m == msg)
            .map(|(_, _, s)| s.as_str())
            .unwrap_or(msg.builtin(lang))
    }
}
