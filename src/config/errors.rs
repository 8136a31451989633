//! What is wrong with a config, and where: the line and the field path. Both
//! readers report mistakes as a [`ConfigError`], so a site sees the same
//! message whichever part of doui read its config.

use alloc::string::String;
use alloc::vec::Vec;

use crate::text::push_uint;

/// What is wrong with a config value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The JSON itself is malformed.
    Syntax(SyntaxError),
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
    /// A receipts URL that is not https (or http to this machine), see
    /// [`super::is_receipts_url`].
    BadReceiptsUrl,
}

impl Problem {
    /// Every problem, so that a message can be mapped back to its problem (the
    /// serde reader's rules report a problem by its message).
    #[cfg(feature = "policy")]
    pub const ALL: &'static [Problem] = &[
        Problem::Syntax(SyntaxError::UnexpectedEnd),
        Problem::Syntax(SyntaxError::UnexpectedChar),
        Problem::Syntax(SyntaxError::BadNumber),
        Problem::Syntax(SyntaxError::BadString),
        Problem::Syntax(SyntaxError::TrailingData),
        Problem::Syntax(SyntaxError::DuplicateKey),
        Problem::Syntax(SyntaxError::TooDeep),
        Problem::Missing,
        Problem::UnknownField,
        Problem::ExpectedString,
        Problem::ExpectedBool,
        Problem::ExpectedObject,
        Problem::ExpectedArray,
        Problem::ExpectedNumber,
        Problem::ExpectedText,
        Problem::UnknownLang,
        Problem::Empty,
        Problem::BadId,
        Problem::DuplicateId,
        Problem::BadLifetime,
        Problem::BadParty,
        Problem::BadCookieName,
        Problem::BadUrl,
        Problem::DaysOutOfRange,
        Problem::BadVersion,
        Problem::RevisionOutOfRange,
        Problem::UnknownText,
        Problem::NoCategories,
        Problem::UnknownConsentType,
        Problem::BadMode,
        Problem::BadPath,
        Problem::BadReceiptsUrl,
    ];

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

/// What is wrong with a JSON text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxError {
    /// The text ended inside a value.
    UnexpectedEnd,
    /// A character that cannot start or continue a value here.
    UnexpectedChar,
    /// A number with a fraction or exponent, or out of range.
    BadNumber,
    /// A bad escape sequence or a control character in a string.
    BadString,
    /// Something follows the top-level value.
    TrailingData,
    /// The same key twice in one object.
    DuplicateKey,
    /// Nesting deeper than the reader allows.
    TooDeep,
}

impl SyntaxError {
    /// A fixed human-readable description.
    pub fn message(self) -> &'static str {
        match self {
            SyntaxError::UnexpectedEnd => "JSON ends too early",
            SyntaxError::UnexpectedChar => "unexpected character in JSON",
            SyntaxError::BadNumber => "numbers must be whole numbers without exponent",
            SyntaxError::BadString => "bad escape or control character in a string",
            SyntaxError::TrailingData => "unexpected text after the JSON value",
            SyntaxError::DuplicateKey => "the same key appears twice in one object",
            SyntaxError::TooDeep => "JSON nested too deeply",
        }
    }
}
