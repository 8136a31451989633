//! The JSON Schema of the config (`schema/doui-config.schema.json`, printed by
//! `doui schema`), generated from the model's types: their doc comments become
//! the descriptions, and the types below say in JSON Schema what each value
//! rule of `rules` accepts, as patterns for editors. The one rule a schema
//! cannot say is that every id is used once.
//!
//! These types exist only for the schema: the config is read into the model.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::json;

use super::{Text, CONSENT_TYPES, MAX_CONSENT_DAYS};
use crate::i18n::{Lang as BuiltinLang, Msg};

/// The JSON Schema of the config, as committed in `schema/doui-config.schema.json`.
pub fn generate() -> String {
    let schema = SchemaGenerator::default().into_root_schema_for::<super::Config>();
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Any character outside Unicode's White_Space set, which `char::is_whitespace`
/// tests: a text must contain one. Written out because JavaScript's `\s` differs.
const NOT_BLANK: &str =
    "[^\\t\\n\\u000B\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]";

/// Declares the schema of a string that one of the value rules checks.
macro_rules! checked_string {
    ($name:ident, $doc:literal, $pattern:expr) => {
        #[doc = $doc]
        pub struct $name;

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
    NOT_BLANK
);
checked_string!(
    Id,
    "An id: a lowercase letter, then up to 63 lowercase letters, digits, `-` or `_`.",
    "^[a-z][a-z0-9_-]{0,63}$"
);
checked_string!(
    CookieName,
    "A cookie name: letters, digits and ! # $ % & ' + - . ^ _ ` | ~",
    "^[A-Za-z0-9!#$%&'+.^_`|~-]+$"
);
checked_string!(
    CookieNamePattern,
    "A cookie name (letters, digits and ! # $ % & ' + - . ^ _ ` | ~), where `*` stands for any run of characters.",
    "^[A-Za-z0-9!#$%&'+.^_`|~*-]+$"
);
checked_string!(
    Url,
    "An http(s) URL or a path on this site (`/privacy.html`), without spaces.",
    "^(https?://[^\\u0000-\\u0020\\u007F]*|/([^/\\u0000-\\u0020\\u007F][^\\u0000-\\u0020\\u007F]*)?)$"
);
checked_string!(
    ReceiptsUrl,
    "An https URL with a host and no user name; http only to `localhost`, `127.0.0.1` or `[::1]` (for testing). No spaces.",
    "^(https://[^/?#@\\u0000-\\u0020\\u007F]+|http://(localhost|127\\.0\\.0\\.1|\\[::1\\])(:[0-9]*)?)([/?#][^\\u0000-\\u0020\\u007F]*)?$"
);
checked_string!(
    CookiePath,
    "A cookie path: starts with `/`, without spaces, `;` or `,`.",
    "^/[^\\u0000-\\u0020;,\\u007F]*$"
);
checked_string!(
    Domain,
    "A cookie domain (`example.com`): letters, digits, dots and hyphens.",
    "^[A-Za-z0-9.-]+$"
);
checked_string!(
    PolicyVersion,
    "A policy version as `doui version policy.md` prints it: up to 16 letters and digits.",
    "^[A-Za-z0-9]{1,16}$"
);
checked_string!(
    LifetimeText,
    "`session` (until the browser closes), or a whole number from 1 and a unit: `30s`, `10min`, `24h`, `2d`, `2w`, `13mo`, `1y`.",
    "^(session|[1-9][0-9]{0,5}(s|min|h|d|w|mo|y))$"
);

/// Declares the schema of a whole number in a range.
macro_rules! checked_number {
    ($name:ident, $doc:literal, $min:expr, $max:expr) => {
        #[doc = $doc]
        pub struct $name;

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

/// Declares the schema of a string from a fixed list.
macro_rules! one_of {
    ($name:ident, $doc:literal, $values:expr) => {
        #[doc = $doc]
        pub struct $name;

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "description": $doc, "enum": $values })
            }
        }
    };
}

one_of!(ConsentType, "A Google Consent Mode v2 type.", CONSENT_TYPES);
one_of!(
    LangTag,
    "A language doui speaks: `ja` (日本語) or `en` (English).",
    BuiltinLang::ALL.map(BuiltinLang::tag)
);
one_of!(
    Mode,
    "Google Consent Mode: `basic` keeps Google tags blocked until consent; `advanced` loads them at once, reading the denied defaults.",
    ["basic", "advanced"]
);

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

/// Declares that `$name`'s schema is a `$one` for every language, or one per language.
macro_rules! per_language {
    ($name:ident, $one:ty, $doc:literal) => {
        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(generator: &mut SchemaGenerator) -> Schema {
                per_language_schema::<$one>(generator, $doc)
            }
        }
    };
}

per_language!(
    Text,
    NonBlank,
    "A text for every language, or per language: {\"ja\": \"…\", \"en\": \"…\"}."
);

/// Policy versions, one for every language or one per language.
pub struct VersionText;
per_language!(
    VersionText,
    PolicyVersion,
    "A policy version for every language, or per language: {\"ja\": \"…\", \"en\": \"…\"}."
);

/// URLs, one for every language or one per language.
pub struct UrlText;
per_language!(
    UrlText,
    Url,
    "A URL for every language, or per language: {\"ja\": \"…\", \"en\": \"…\"}."
);

/// Overrides of the built-in texts, per language.
pub struct Texts;

impl JsonSchema for Texts {
    fn schema_name() -> Cow<'static, str> {
        "Texts".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let messages = generator.subschema_for::<Messages>();
        json_schema!({
            "description": "Overrides of the built-in texts, per language.",
            "type": "object",
            "properties": { "ja": messages, "en": messages },
            "additionalProperties": false,
        })
    }
}

/// Built-in texts to override, by key (`acceptAll`, `bannerTitle`…).
pub struct Messages;

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
