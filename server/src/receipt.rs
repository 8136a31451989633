//! The receipt the banner sends (see docs/receipts.md and the contract it follows),
//! read strictly and checked against the config revision it names.

use std::collections::BTreeMap;
use std::fmt;

use doui::i18n::Lang;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::site::Site;

/// The receipt format this server reads.
pub const FORMAT: u32 = 1;
/// Largest body accepted, in bytes.
pub const MAX_BODY: usize = 8 * 1024;
/// How far a receipt's time may lie ahead of the server's clock, in seconds.
const FUTURE_TOLERANCE: u64 = 600;

/// What a visitor did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Accepted everything.
    Accept,
    /// Refused everything optional.
    Reject,
    /// Chose per category or service.
    Custom,
    /// Took back an earlier consent.
    Withdraw,
}

impl Action {
    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Reject => "reject",
            Action::Custom => "custom",
            Action::Withdraw => "withdraw",
        }
    }
}

/// Decisions by id, in the order written; a repeated id is an error (a map would
/// silently keep the last one).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Decisions(pub Vec<(String, bool)>);

impl<'de> Deserialize<'de> for Decisions {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Decisions;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of id: true|false")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decisions, A::Error> {
                let mut out: Vec<(String, bool)> = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, bool>()? {
                    if out.iter().any(|(id, _)| *id == k) {
                        return Err(serde::de::Error::custom(format!("\"{k}\" appears twice")));
                    }
                    out.push((k, v));
                }
                Ok(Decisions(out))
            }
        }
        d.deserialize_map(V)
    }
}

impl Serialize for Decisions {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// A receipt as sent and as stored (stored re-serialised: fields in this order,
/// decisions in config order).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// Receipt format version.
    pub v: u32,
    /// The consent id from the visitor's cookie.
    pub id: String,
    /// When the choice was made, Unix seconds.
    pub time: u64,
    /// The config revision it was made under.
    pub revision: u32,
    /// The policy version in the record ("" when none).
    pub policy: String,
    /// The language the banner was shown in.
    pub lang: String,
    /// Whether Global Privacy Control was on.
    pub gpc: bool,
    /// What the visitor did.
    pub action: Action,
    /// Decision per category.
    pub categories: Decisions,
    /// Decision per service.
    pub services: Decisions,
    /// SHA-256 (hex) of the text shown.
    pub shown: String,
}

/// Why a receipt was refused: the HTTP status and a reason naming the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// 400 (unreadable) or 422 (readable but not acceptable).
    pub status: u16,
    /// `field: what is wrong`.
    pub reason: String,
}

fn refuse(reason: String) -> Refusal {
    Refusal {
        status: 422,
        reason,
    }
}

/// Reads a body: JSON syntax errors are 400, a wrong shape (type, unknown or
/// missing field, repeated id) is 422, each naming the field.
pub fn parse(body: &[u8]) -> Result<Receipt, Refusal> {
    // serde would also read a struct from a JSON array, field by field; a receipt
    // is an object and nothing else.
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(
            match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
                Err(e) => Refusal {
                    status: 400,
                    reason: format!("body: {e}"),
                },
                Ok(_) => refuse("body: expected a JSON object".into()),
            },
        );
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let result: Result<Receipt, _> = serde_path_to_error::deserialize(&mut de);
    let receipt = result.map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let status = if inner.is_data() { 422 } else { 400 };
        let reason = if path.is_empty() || path == "." {
            format!("body: {inner}")
        } else {
            format!("{path}: {inner}")
        };
        Refusal { status, reason }
    })?;
    de.end().map_err(|e| Refusal {
        status: 400,
        reason: format!("body: {e}"),
    })?;
    Ok(receipt)
}

/// Whether `s` is a consent id: 22 characters of base64url (16 random bytes).
pub fn is_consent_id(s: &str) -> bool {
    s.len() == 22
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn check_decisions(
    field: &str,
    got: &Decisions,
    want: &[(String, bool)],
) -> Result<Decisions, Refusal> {
    for (id, _) in &got.0 {
        if !want.iter().any(|(w, _)| w == id) {
            return Err(refuse(format!(
                "{field}: \"{}\" is not in this revision of the config",
                printable(id)
            )));
        }
    }
    let mut ordered = Vec::with_capacity(want.len());
    for (id, required) in want {
        let Some(&(_, on)) = got.0.iter().find(|(g, _)| g == id) else {
            return Err(refuse(format!("{field}: \"{id}\" is missing")));
        };
        if *required && !on {
            return Err(refuse(format!(
                "{field}.{id}: necessary, so it cannot be refused"
            )));
        }
        ordered.push((id.clone(), on));
    }
    Ok(Decisions(ordered))
}

/// Quotes at most 64 characters of client text in a reason, without control characters.
fn printable(s: &str) -> String {
    s.chars()
        .take(64)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// Checks a receipt against the revisions the server knows, at server time `now`
/// (Unix seconds). On success the receipt comes back normalised (decisions in
/// config order), ready to store.
pub fn check(mut r: Receipt, sites: &BTreeMap<u32, Site>, now: u64) -> Result<Receipt, Refusal> {
    if r.v != FORMAT {
        return Err(refuse(format!(
            "v: format {} is not known (expected {FORMAT})",
            r.v
        )));
    }
    if !is_consent_id(&r.id) {
        return Err(refuse("id: expected 22 characters of base64url".into()));
    }
    let Some(site) = sites.get(&r.revision) else {
        let known: Vec<String> = sites.keys().map(|k| k.to_string()).collect();
        return Err(refuse(format!(
            "revision: {} is not a revision this server accepts ({})",
            r.revision,
            known.join(", ")
        )));
    };
    if r.time > now + FUTURE_TOLERANCE {
        return Err(refuse("time: in the future".into()));
    }
    let max_age = u64::from(site.config.cookie.days) * 86_400;
    if now.saturating_sub(r.time) > max_age {
        return Err(refuse(
            "time: older than the consent lifetime of this revision".into(),
        ));
    }
    let lang = match Lang::from_tag(&r.lang) {
        Some(l) if l.tag() == r.lang => l,
        _ => {
            return Err(refuse(format!(
                "lang: \"{}\" is not a language the banner is shown in (ja, en)",
                printable(&r.lang)
            )))
        }
    };
    if r.policy != site.policy(lang) {
        return Err(refuse(format!(
            "policy: \"{}\" is not the policy version of revision {} in {}",
            printable(&r.policy),
            r.revision,
            lang.tag()
        )));
    }
    r.categories = check_decisions("categories", &r.categories, &site.categories)?;
    r.services = check_decisions("services", &r.services, &site.services)?;
    if r.shown.len() != 64
        || !r
            .shown
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(refuse("shown: expected 64 lowercase hex digits".into()));
    }
    if r.shown != site.shown_hash(lang, r.gpc) {
        return Err(refuse(format!(
            "shown: not the hash of the text revision {} shows in {}{}",
            r.revision,
            lang.tag(),
            if r.gpc {
                " with Global Privacy Control"
            } else {
                ""
            }
        )));
    }
    Ok(r)
}

impl Receipt {
    /// The stored form: compact JSON, fields in a fixed order.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
