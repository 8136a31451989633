//! Reading the config with serde and serde_json: the CLI, the policy module and
//! every tool read it here; only the banner module keeps the small reader
//! (`reader`), which the differential test (`tests/config_readers.rs`) holds to
//! the same verdicts, the same [`Config`] and the same lines.
//!
//! The value rules are the ones in `rules`; the functions here apply them to
//! what serde reads and turn every refusal into a [`ConfigError`] with the line
//! (from serde_json), the field path (from serde_path_to_error) and a
//! [`Problem`]. Each function named in the model's `deserialize_with` reads one
//! field; an absent or `null` optional field gets its default.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{forward_to_deserialize_any, Deserialize};

use super::rules::{
    is_blank, is_cookie_name, is_cookie_path, is_domain, is_id, is_policy_version, is_receipts_url,
    is_url,
};
use super::{
    Category, Config, ConfigError, CookieDecl, Lifetime, Problem, Receipts, Service, SyntaxError,
    Text, Transmission, CONSENT_TYPES, DEFAULT_CONSENT_DAYS, DEFAULT_COOKIE_NAME, MAX_CONSENT_DAYS,
};
use crate::i18n::{Lang, Msg};

/// Reads and validates a config from JSON text with serde.
pub fn read(text: &str) -> Result<Config, ConfigError> {
    // Editors on Windows save a byte-order mark; both readers skip it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut json = serde_json::Deserializer::from_str(text);
    let mut track = serde_path_to_error::Track::new();
    let read = Config::deserialize(MapOnly(serde_path_to_error::Deserializer::new(
        &mut json, &mut track,
    )));
    let config = match read {
        Ok(config) => config,
        Err(e) => return Err(error(&e, track.path())),
    };
    if let Err(e) = json.end() {
        return Err(error(&e, track.path()));
    }
    if let Some((path, problem)) = config.duplicate_id() {
        return Err(ConfigError {
            line: line_of(text, &path),
            path,
            problem,
        });
    }
    Ok(config)
}

/// A serde_json error as a [`ConfigError`]: the line, the path and the problem.
fn error(e: &serde_json::Error, at: serde_path_to_error::Path) -> ConfigError {
    let mut path: Vec<String> = at
        .iter()
        .filter_map(|seg| match seg {
            serde_path_to_error::Segment::Seq { index } => Some(format!("[{index}]")),
            serde_path_to_error::Segment::Map { key } => Some(key.clone()),
            serde_path_to_error::Segment::Enum { variant } => Some(variant.clone()),
            serde_path_to_error::Segment::Unknown => None,
        })
        .collect();
    let text = e.to_string();
    // serde_json appends the place; the message is what comes before it.
    let message = match text.rfind(" at line ") {
        Some(i) => &text[..i],
        None => &text,
    };
    let (message, key) = match message.split_once(KEY_MARK) {
        Some((message, key)) => (message, Some(key)),
        None => (message, None),
    };
    if let Some(key) = key {
        path.push(String::from(key));
    }
    let problem = problem_of(e, message);
    // The field a key names, when serde reports it by the key alone.
    if let Some(key) = quoted(message, "missing field `")
        .or_else(|| quoted(message, "unknown field `"))
        .or_else(|| quoted(message, "duplicate field `"))
    {
        if path.last().map(String::as_str) != Some(key) {
            path.push(String::from(key));
        }
    }
    ConfigError {
        line: u32::try_from(e.line()).unwrap_or(u32::MAX),
        path,
        problem,
    }
}

/// The text between `prefix` and the next backtick.
fn quoted<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = message.strip_prefix(prefix)?;
    rest.split('`').next()
}

/// Which [`Problem`] a serde_json error message stands for: the rules here
/// report a problem's own message; serde's and serde_json's own errors are
/// recognised by their fixed wording.
fn problem_of(e: &serde_json::Error, message: &str) -> Problem {
    use serde_json::error::Category as Class;
    if matches!(e.classify(), Class::Syntax | Class::Eof | Class::Io) {
        let syntax = if e.classify() == Class::Eof {
            SyntaxError::UnexpectedEnd
        } else if message.starts_with("trailing characters") {
            SyntaxError::TrailingData
        } else if message.starts_with("recursion limit") {
            SyntaxError::TooDeep
        } else if message.contains("escape")
            || message.contains("control character")
            || message.contains("surrogate")
            || message.contains("code point")
        {
            SyntaxError::BadString
        } else if message.contains("number") {
            SyntaxError::BadNumber
        } else {
            SyntaxError::UnexpectedChar
        };
        return Problem::Syntax(syntax);
    }
    if let Some(p) = Problem::ALL.iter().find(|p| p.message() == message) {
        return *p;
    }
    if message.starts_with("missing field") {
        return Problem::Missing;
    }
    if message.starts_with("unknown field") {
        return Problem::UnknownField;
    }
    if message.starts_with("duplicate field") {
        return Problem::Syntax(SyntaxError::DuplicateKey);
    }
    let expected = message.rsplit(", expected ").next().unwrap_or("");
    if let Some(p) = Problem::ALL.iter().find(|p| p.message() == expected) {
        return *p;
    }
    match expected {
        "a boolean" => Problem::ExpectedBool,
        "a sequence" => Problem::ExpectedArray,
        "a string" => Problem::ExpectedString,
        e if e.starts_with("struct ") || e == "a map" => Problem::ExpectedObject,
        _ => Problem::ExpectedString,
    }
}

/// The line of the value at `path` (`["categories", "[1]", "id"]`): walks the
/// text again and stops there, so that serde_json names the line of a mistake
/// found only in the whole model, such as an id used twice.
fn line_of(text: &str, path: &[String]) -> u32 {
    let mut json = serde_json::Deserializer::from_str(text);
    match Seek(path).deserialize(&mut json) {
        Err(e) => u32::try_from(e.line()).unwrap_or(u32::MAX),
        Ok(()) => 0,
    }
}

/// Walks a JSON value along a path and fails on arriving, for [`line_of`].
struct Seek<'p>(&'p [String]);

impl<'de> DeserializeSeed<'de> for Seek<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seek<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(E::custom("here"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(E::custom("here"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(E::custom("here"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(E::custom("here"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom("here"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom("here"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.0.split_first() else {
            return Err(de::Error::custom("here"));
        };
        let mut i = 0usize;
        while seq.size_hint() != Some(0) {
            let mut want = String::from("[");
            want.push_str(&i.to_string());
            want.push(']');
            if *first == want {
                return seq.next_element_seed(Seek(rest)).map(|_| ());
            }
            if seq.next_element::<IgnoredAny>()?.is_none() {
                break;
            }
            i += 1;
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.0.split_first() else {
            return Err(de::Error::custom("here"));
        };
        while let Some(key) = map.next_key::<String>()? {
            if key == *first {
                return map.next_value_seed(Seek(rest));
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
}

/// Hands a derived struct's `deserialize_struct` to `deserialize_map`: serde_json
/// would otherwise also fill a struct from an array, field by position, which
/// the config format does not allow.
pub(crate) struct MapOnly<D>(pub(crate) D);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for MapOnly<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(v)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(v)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

/// A struct read from an object only (see [`MapOnly`]).
fn object<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    T::deserialize(MapOnly(d))
}

/// Reads `null` (like an absent field) as `None`, anything else with the seed:
/// every optional field goes through it, so `null` means "not given" alike.
struct Optional<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Optional<S> {
    type Value = Option<S::Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for Optional<S> {
    type Value = Option<S::Value>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(d).map(Some)
    }
}

/// An optional value read with `seed`.
fn optional<'de, D: Deserializer<'de>, S: DeserializeSeed<'de>>(
    d: D,
    seed: S,
) -> Result<Option<S::Value>, D::Error> {
    Optional(seed).deserialize(d)
}

/// A struct from an object only, as a seed.
struct Object<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Object<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        object(d)
    }
}

/// An array of objects; with `one_or_more`, an empty one is refused (inside the
/// visitor, so that serde_json places it on the closing bracket's line).
struct Items<T> {
    one_or_more: bool,
    of: PhantomData<T>,
}

impl<T> Items<T> {
    fn new(one_or_more: bool) -> Items<T> {
        Items {
            one_or_more,
            of: PhantomData,
        }
    }
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Items<T> {
    type Value = Vec<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Items<T> {
    type Value = Vec<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(Problem::ExpectedArray.message())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut out = Vec::new();
        while let Some(item) = seq.next_element_seed(Object(PhantomData))? {
            out.push(item);
        }
        if self.one_or_more && out.is_empty() {
            return Err(refused(Problem::NoCategories));
        }
        Ok(out)
    }
}

/// Reads an optional value of `T`; absent or `null` is `T::default()`.
pub(crate) fn or_default<'de, T, D>(d: D) -> Result<T, D::Error>
where
    T: Default + Shaped,
    D: Deserializer<'de>,
{
    T::read_opt(d).map(Option::unwrap_or_default)
}

/// How a field's type is read: objects only from objects (see [`MapOnly`]).
pub(crate) trait Shaped: Sized {
    /// Reads `null` as `None`, else a `Self`.
    fn read_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error>;
}

impl Shaped for bool {
    fn read_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        Option::<bool>::deserialize(d)
    }
}

macro_rules! shaped_object {
    ($($t:ty),*) => {$(
        impl Shaped for $t {
            fn read_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<$t>, D::Error> {
                optional(d, Object(PhantomData))
            }
        }
        impl Shaped for Vec<$t> {
            fn read_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<$t>>, D::Error> {
                optional(d, Items::new(false))
            }
        }
    )*};
}

shaped_object!(
    super::CookieSettings,
    super::ConsentMode,
    Service,
    CookieDecl,
    Transmission
);

impl Shaped for super::Party {
    fn read_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<super::Party>, D::Error> {
        let party = opt_checked(d, |s| s == "first" || s == "third", Problem::BadParty)?;
        Ok(party.map(|p| match p.as_str() {
            "third" => super::Party::Third,
            _ => super::Party::First,
        }))
    }
}

/// `true`, for fields whose default is on.
pub(crate) fn yes() -> bool {
    true
}

/// An optional boolean whose default is `true`.
pub(crate) fn or_yes<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(Option::<bool>::deserialize(d)?.unwrap_or(true))
}

/// The default consent cookie name.
pub(crate) fn default_cookie_name() -> String {
    String::from(DEFAULT_COOKIE_NAME)
}

/// The default consent lifetime in days.
pub(crate) fn default_days() -> u32 {
    DEFAULT_CONSENT_DAYS
}

/// A refusal that [`problem_of`] maps back to `problem`.
fn refused<E: de::Error>(problem: Problem) -> E {
    E::custom(problem.message())
}

/// A refusal of the key just read (unknown, or repeated), before its value,
/// as serde's own unknown fields are refused: the line is the key's. The key
/// rides in the message after a control character, for [`error`] to add to
/// the path.
fn refused_key<E: de::Error>(key: &str, problem: Problem) -> E {
    E::custom(format_args!("{}{KEY_MARK}{key}", problem.message()))
}

/// Separates a message from the key it is about (see [`refused_key`]).
const KEY_MARK: char = '\u{1}';

/// Reads a string and checks it in the visitor, so that serde_json places a
/// refusal on the string's own line (a refusal after the string has been read
/// is placed at the next token, maybe lines further on).
struct StrRule {
    rule: fn(&str) -> bool,
    problem: Problem,
}

impl Visitor<'_> for StrRule {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(Problem::ExpectedString.message())
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<String, E> {
        if is_blank(s) {
            return Err(refused(Problem::Empty));
        }
        if !(self.rule)(s) {
            return Err(refused(self.problem));
        }
        Ok(String::from(s))
    }
}

impl<'de> DeserializeSeed<'de> for StrRule {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_str(self)
    }
}

/// A non-blank string that `rule` accepts, else `problem`.
fn checked<'de, D: Deserializer<'de>>(
    d: D,
    rule: fn(&str) -> bool,
    problem: Problem,
) -> Result<String, D::Error> {
    StrRule { rule, problem }.deserialize(d)
}

/// An optional string that `rule` accepts, else `problem`.
fn opt_checked<'de, D: Deserializer<'de>>(
    d: D,
    rule: fn(&str) -> bool,
    problem: Problem,
) -> Result<Option<String>, D::Error> {
    optional(d, StrRule { rule, problem })
}

/// Any non-blank string.
fn any(_: &str) -> bool {
    true
}

/// `$schema`: a string for editors, not kept.
pub(crate) fn ignored_string<'de, D: Deserializer<'de>>(d: D) -> Result<(), D::Error> {
    optional(d, PhantomData::<String>).map(drop)
}

/// A whole number in `min..=max`, else `problem`; not a whole number at all
/// (a fraction, a string) is [`Problem::ExpectedNumber`].
struct Whole {
    min: u32,
    max: u32,
    problem: Problem,
}

impl Visitor<'_> for Whole {
    type Value = u32;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(Problem::ExpectedNumber.message())
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<u32, E> {
        match u32::try_from(n) {
            Ok(n) if (self.min..=self.max).contains(&n) => Ok(n),
            _ => Err(refused(self.problem)),
        }
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<u32, E> {
        match u64::try_from(n) {
            Ok(n) => self.visit_u64(n),
            Err(_) => Err(refused(self.problem)),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Whole {
    type Value = u32;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u32, D::Error> {
        // Not `deserialize_any`: serde_json would enter an array or object and
        // place the refusal at its first item.
        d.deserialize_u64(self)
    }
}

/// `revision`: a whole number from 1.
pub(crate) fn revision<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let revision = Whole {
        min: 1,
        max: u32::MAX,
        problem: Problem::RevisionOutOfRange,
    };
    revision.deserialize(d)
}

/// `cookie.days`: 1 to 395, absent or `null` for the default.
pub(crate) fn days<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let days = Whole {
        min: 1,
        max: MAX_CONSENT_DAYS,
        problem: Problem::DaysOutOfRange,
    };
    Ok(optional(d, days)?.unwrap_or(DEFAULT_CONSENT_DAYS))
}

/// `cookie.name`: absent or `null` for the default.
pub(crate) fn cookie_name<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let name = opt_checked(d, |s| is_cookie_name(s, false), Problem::BadCookieName)?;
    Ok(name.unwrap_or_else(default_cookie_name))
}

/// A cookie's name or pattern.
pub(crate) fn cookie_pattern<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    checked(d, |s| is_cookie_name(s, true), Problem::BadCookieName)
}

/// A category's or service's id (each used once: see `Config::duplicate_id`).
pub(crate) fn id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    checked(d, is_id, Problem::BadId)
}

/// An optional http(s) URL or site path.
pub(crate) fn url<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    opt_checked(d, is_url, Problem::BadUrl)
}

/// `cookie.domain`.
pub(crate) fn domain<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    opt_checked(d, is_domain, Problem::BadUrl)
}

/// A cookie's `path`.
pub(crate) fn cookie_path<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    opt_checked(d, is_cookie_path, Problem::BadPath)
}

/// `receipts.url`.
pub(crate) fn receipts_url<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    checked(d, is_receipts_url, Problem::BadReceiptsUrl)
}

/// A cookie's lifetime.
pub(crate) fn lifetime<'de, D: Deserializer<'de>>(d: D) -> Result<Lifetime, D::Error> {
    let s = checked(d, |s| Lifetime::parse(s).is_some(), Problem::BadLifetime)?;
    Ok(Lifetime::parse(&s).unwrap_or(Lifetime::Session))
}

/// `lang`: `ja` or `en`.
pub(crate) fn lang<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Lang>, D::Error> {
    struct Tag;
    impl<'de> DeserializeSeed<'de> for Tag {
        type Value = Lang;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Lang, D::Error> {
            d.deserialize_str(self)
        }
    }
    impl Visitor<'_> for Tag {
        type Value = Lang;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(Problem::UnknownLang.message())
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Lang, E> {
            Lang::from_key(s).ok_or_else(|| refused(Problem::UnknownLang))
        }
    }
    optional(d, Tag)
}

/// `consentMode.mode`: `basic` (the default) or `advanced`.
pub(crate) fn advanced<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let mode = opt_checked(d, |s| s == "basic" || s == "advanced", Problem::BadMode)?;
    Ok(mode.as_deref() == Some("advanced"))
}

/// `categories`: at least one.
pub(crate) fn categories<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Category>, D::Error> {
    Items::new(true).deserialize(d)
}

/// A category's `consentTypes`, as bits of [`CONSENT_TYPES`].
pub(crate) fn consent_types<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
    struct Types;
    impl<'de> DeserializeSeed<'de> for Types {
        type Value = u8;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u8, D::Error> {
            d.deserialize_seq(self)
        }
    }
    impl<'de> Visitor<'de> for Types {
        type Value = u8;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(Problem::ExpectedArray.message())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u8, A::Error> {
            let mut bits = 0;
            while let Some(name) = seq.next_element_seed(StrRule {
                rule: |s| CONSENT_TYPES.contains(&s),
                problem: Problem::UnknownConsentType,
            })? {
                let bit = CONSENT_TYPES.iter().position(|c| *c == name).unwrap_or(0);
                bits |= 1 << bit;
            }
            Ok(bits)
        }
    }
    optional(d, Types)
}

/// Reads a text: a string for every language, or `{"ja": …, "en": …}`, each
/// value passing `rule` (else `problem`).
struct TextVisitor {
    rule: fn(&str) -> bool,
    problem: Problem,
    /// `null` is refused (inside the visitor, so on its own line).
    required: bool,
}

/// One language's value of a text, checked by the text's rule.
struct TextValue<'r>(&'r TextVisitor);

impl<'de> DeserializeSeed<'de> for TextValue<'_> {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        checked(d, self.0.rule, self.0.problem)
    }
}

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Option<Text>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(Problem::ExpectedText.message())
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        if self.required {
            return Err(refused(Problem::ExpectedText));
        }
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        if is_blank(s) {
            return Err(refused(Problem::Empty));
        }
        if !(self.rule)(s) {
            return Err(refused(self.problem));
        }
        Ok(Some(Text::same(s)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut t = Text::default();
        while let Some(key) = map.next_key::<String>()? {
            let slot = match key.as_str() {
                "ja" => &mut t.ja,
                "en" => &mut t.en,
                _ => return Err(refused_key(&key, Problem::UnknownLang)),
            };
            if slot.is_some() {
                return Err(refused_key(
                    &key,
                    Problem::Syntax(SyntaxError::DuplicateKey),
                ));
            }
            *slot = Some(map.next_value_seed(TextValue(&self))?);
        }
        if t.ja.is_none() && t.en.is_none() {
            return Err(refused(Problem::Empty));
        }
        Ok(Some(t))
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        let text = d.deserialize_any(TextVisitor {
            rule: any,
            problem: Problem::Empty,
            required: true,
        })?;
        // `null` where a text is required.
        text.ok_or_else(|| refused(Problem::ExpectedText))
    }
}

/// `policyUrl`: a URL or site path per language.
pub(crate) fn url_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Text>, D::Error> {
    d.deserialize_option(TextVisitor {
        rule: is_url,
        problem: Problem::BadUrl,
        required: false,
    })
}

/// `policyVersion`: a version per language.
pub(crate) fn version_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Text>, D::Error> {
    d.deserialize_option(TextVisitor {
        rule: is_policy_version,
        problem: Problem::BadVersion,
        required: false,
    })
}

/// `texts`: overrides of built-in texts per language, in config order.
pub(crate) fn texts<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(Lang, Msg, String)>, D::Error> {
    /// The languages, each with its texts.
    struct Langs;
    /// One language's texts by key.
    struct Messages(Lang);
    impl<'de> DeserializeSeed<'de> for Langs {
        type Value = Vec<(Lang, Msg, String)>;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
    }
    impl<'de> Visitor<'de> for Langs {
        type Value = Vec<(Lang, Msg, String)>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(Problem::ExpectedObject.message())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            let mut seen = Vec::new();
            while let Some(key) = map.next_key::<String>()? {
                let Some(lang) = Lang::from_key(&key) else {
                    return Err(refused_key(&key, Problem::UnknownField));
                };
                if seen.contains(&lang) {
                    return Err(refused_key(
                        &key,
                        Problem::Syntax(SyntaxError::DuplicateKey),
                    ));
                }
                seen.push(lang);
                let texts = map.next_value_seed(Optional(Messages(lang)))?;
                out.extend(texts.unwrap_or_default());
            }
            Ok(out)
        }
    }
    impl<'de> DeserializeSeed<'de> for Messages {
        type Value = Vec<(Lang, Msg, String)>;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
    }
    impl<'de> Visitor<'de> for Messages {
        type Value = Vec<(Lang, Msg, String)>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(Problem::ExpectedObject.message())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out: Vec<(Lang, Msg, String)> = Vec::new();
            while let Some(key) = map.next_key::<String>()? {
                let Some(msg) = Msg::from_name(&key) else {
                    return Err(refused_key(&key, Problem::UnknownText));
                };
                if out.iter().any(|(_, m, _)| *m == msg) {
                    return Err(refused_key(
                        &key,
                        Problem::Syntax(SyntaxError::DuplicateKey),
                    ));
                }
                let text = map.next_value_seed(StrRule {
                    rule: any,
                    problem: Problem::Empty,
                })?;
                out.push((self.0, msg, text));
            }
            Ok(out)
        }
    }
    Ok(optional(d, Langs)?.unwrap_or_default())
}

/// `receipts`, read from an object only; absent or `null` for none.
pub(crate) fn receipts<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Receipts>, D::Error> {
    optional(d, Object(PhantomData))
}
