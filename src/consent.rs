//! The consent record: what a visitor decided, when, under which config revision,
//! and how it is written into one first-party cookie. Every rule about whether a
//! stored choice still counts lives here. Pure: no browser.
//!
//! Cookie value, version 1 (fields separated by `.`; only cookie-safe characters):
//!
//! ```text
//! 1.<consent id>.<unix seconds>.<revision>.<policy version or ->.<id>:<0|1>~<id>:<0|1>…
//! 1.q8Xk2mVb8pL0aZ3nYw7cTg.1763890000.1.50b5f8ce.necessary:1~analytics:1~google-analytics:1~…
//! ```
//!
//! Every category and service of the config has an entry, so a server (a CMS
//! plugin) can read any decision by splitting on `.`, `~` and `:`.

use alloc::string::String;
use alloc::vec::Vec;

use crate::config::{is_id, Config};
use crate::text::{parse_uint, push_uint, split_ascii, split_once_ascii};

/// The cookie format this code writes and reads.
pub const FORMAT_VERSION: &str = "1";
/// How far a stored time may lie in the future (clock differences), in seconds.
const FUTURE_TOLERANCE: u64 = 600;
/// Longest cookie value accepted; browsers store about 4 KB per cookie.
const MAX_COOKIE_LEN: usize = 4000;

/// The decision for every category and service of a config, in config order
/// (each category followed by its services).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choices {
    /// `(id, allowed)` pairs.
    pub items: Vec<(String, bool)>,
}

impl Choices {
    /// Everything set to `allowed`, except that necessary categories are always on.
    pub fn all(config: &Config, allowed: bool) -> Choices {
        let mut items = Vec::new();
        for c in &config.categories {
            let on = allowed || c.required;
            items.push((c.id.clone(), on));
            for s in &c.services {
                items.push((s.id.clone(), on));
            }
        }
        Choices { items }
    }

    /// The decision for a category or service id; `None` if the config has no such id.
    pub fn get(&self, id: &str) -> Option<bool> {
        self.items.iter().find(|(i, _)| i == id).map(|&(_, v)| v)
    }

    /// Sets a category (and with it all its services) or a single service (and
    /// with it its category, which is on exactly when all its services are).
    /// Necessary categories and their services cannot be switched off. Returns
    /// false for an unknown id.
    pub fn set(&mut self, config: &Config, id: &str, allowed: bool) -> bool {
        for c in &config.categories {
            let in_category = c.id == id || c.services.iter().any(|s| s.id == id);
            if !in_category {
                continue;
            }
            let value = allowed || c.required;
            for (item, v) in self.items.iter_mut() {
                if *item == id || (c.id == id && c.services.iter().any(|s| s.id == *item)) {
                    *v = value;
                }
            }
            if !c.services.is_empty() {
                let all_on = c.services.iter().all(|s| self.get(&s.id) == Some(true));
                if let Some(slot) = self.items.iter_mut().find(|(i, _)| *i == c.id) {
                    slot.1 = all_on || c.required;
                }
            }
            return true;
        }
        false
    }

    /// Refuses the categories (and their services) that Global Privacy Control
    /// denies, when the config honours the signal. Returns whether anything changed.
    pub fn deny_for_gpc(&mut self, config: &Config) -> bool {
        let mut changed = false;
        if !config.honour_gpc {
            return false;
        }
        for c in config.categories.iter().filter(|c| c.gpc() && !c.required) {
            for (item, v) in self.items.iter_mut() {
                if *v && (*item == c.id || c.services.iter().any(|s| s.id == *item)) {
                    *v = false;
                    changed = true;
                }
            }
        }
        changed
    }

    /// Whether every non-necessary item is refused.
    pub fn is_reject_all(&self, config: &Config) -> bool {
        *self == Choices::all(config, false)
    }
}

/// A visitor's stored choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    /// Random id of this consent (22 characters of base64url from 16 random bytes),
    /// so that a proof-of-consent log can refer to it.
    pub id: String,
    /// When the choice was made, in Unix seconds.
    pub time: u64,
    /// The config revision the choice was made under.
    pub revision: u32,
    /// Version of the policy text the visitor could read; empty if unknown.
    pub policy: String,
    /// The decisions.
    pub choices: Choices,
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Encodes 16 random bytes as a consent id (base64url without padding).
pub fn consent_id(bytes: &[u8; 16]) -> String {
    let mut out = String::new();
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        acc = (acc << 8) | b as u32;
        bits += 8;
        while bits >= 6 {
            bits -= 6;
            out.push(B64[((acc >> bits) & 63) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(B64[((acc << (6 - bits)) & 63) as usize] as char);
    }
    out
}

impl ConsentRecord {
    /// The cookie value.
    pub fn encode(&self) -> String {
        let mut s = String::from(FORMAT_VERSION);
        s.push('.');
        s.push_str(&self.id);
        s.push('.');
        push_uint(&mut s, self.time);
        s.push('.');
        push_uint(&mut s, self.revision as u64);
        s.push('.');
        s.push_str(if self.policy.is_empty() {
            "-"
        } else {
            &self.policy
        });
        s.push('.');
        for (i, (id, on)) in self.choices.items.iter().enumerate() {
            if i > 0 {
                s.push('~');
            }
            s.push_str(id);
            s.push_str(if *on { ":1" } else { ":0" });
        }
        s
    }

    /// Reads a cookie value. Anything malformed — another format version, a missing
    /// or extra field, a bad number, a duplicate id — is `None`: no valid choice.
    pub fn decode(value: &str) -> Option<ConsentRecord> {
        if value.len() > MAX_COOKIE_LEN {
            return None;
        }
        let mut fields = split_ascii(value, b".");
        if fields.next()? != FORMAT_VERSION {
            return None;
        }
        let id = fields.next()?;
        if id.len() != 22
            || !id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return None;
        }
        let time = parse_uint(fields.next()?, 12)?;
        // Any revision a config may have (1..=u32::MAX) must survive the round trip.
        let revision = u32::try_from(parse_uint(fields.next()?, 10)?).ok()?;
        let policy = fields.next()?;
        let policy = match policy {
            "-" => "",
            p if !p.is_empty() && p.len() <= 16 && p.bytes().all(|b| b.is_ascii_alphanumeric()) => {
                p
            }
            _ => return None,
        };
        let list = fields.next()?;
        if fields.next().is_some() {
            return None;
        }
        let mut items: Vec<(String, bool)> = Vec::new();
        for entry in split_ascii(list, b"~") {
            let (k, v) = split_once_ascii(entry, b':')?;
            let on = match v {
                "1" => true,
                "0" => false,
                _ => return None,
            };
            if !is_id(k) || items.iter().any(|(i, _)| i == k) {
                return None;
            }
            items.push((k.into(), on));
        }
        Some(ConsentRecord {
            id: id.into(),
            time,
            revision,
            policy: policy.into(),
            choices: Choices { items },
        })
    }

    /// Whether the record was made under `config`'s revision and has neither
    /// expired nor come from the future at `now` (Unix seconds). The head
    /// script checks the same before first paint (vectors' `headAsks`).
    pub fn is_current(&self, config: &Config, now: u64) -> bool {
        let max_age = config.cookie.days as u64 * 86_400;
        self.revision == config.revision
            && self.time <= now.saturating_add(FUTURE_TOLERANCE)
            && now.saturating_sub(self.time) <= max_age
    }

    /// The stored choices if they still count under `config` at `now` (Unix
    /// seconds): same revision, not expired, not from the future, and a decision
    /// for exactly the categories and services the config has. Otherwise the
    /// visitor must be asked again.
    pub fn current_choices(&self, config: &Config, now: u64) -> Option<Choices> {
        if !self.is_current(config, now) {
            return None;
        }
        let fresh = Choices::all(config, false);
        if fresh.items.len() != self.choices.items.len() {
            return None;
        }
        let mut out = fresh;
        for (id, v) in &self.choices.items {
            if !out.set(config, id, *v) {
                return None;
            }
        }
        // Re-apply service decisions: a category entry later in the list must not
        // override services that were chosen one by one.
        for (id, v) in &self.choices.items {
            if config.find_service(id).is_some() {
                out.set(config, id, *v);
            }
        }
        Some(out)
    }
}

/// The `Set-Cookie`-style string that stores `record` (for `document.cookie`).
/// `secure` adds `Secure` (pages served over https).
pub fn cookie_string(config: &Config, record: &ConsentRecord, secure: bool) -> String {
    let mut s = String::from(config.cookie.name.as_str());
    s.push('=');
    s.push_str(&record.encode());
    s.push_str("; Path=/; Max-Age=");
    push_uint(&mut s, config.cookie.days as u64 * 86_400);
    s.push_str("; SameSite=Lax");
    if let Some(d) = &config.cookie.domain {
        s.push_str("; Domain=");
        s.push_str(d);
    }
    if secure {
        s.push_str("; Secure");
    }
    s
}

/// The `detail` of `doui:consent` and `doui:change` events, as JSON:
/// `{"categories":{"analytics":true,…},"services":{…},"id":"…","time":…,"revision":…,"policy":"…"}`.
/// Ids are limited to `a-z0-9-_` by the config, so they need no escaping.
pub fn detail_json(config: &Config, record: &ConsentRecord) -> String {
    let mut s = String::from("{\"categories\":{");
    let mut services = String::from("},\"services\":{");
    for (id, on) in &record.choices.items {
        let out = if config.category(id).is_some() {
            &mut s
        } else {
            &mut services
        };
        if !out.ends_with('{') {
            out.push(',');
        }
        out.push('"');
        out.push_str(id);
        out.push_str(if *on { "\":true" } else { "\":false" });
    }
    s.push_str(&services);
    s.push_str("},\"id\":\"");
    s.push_str(&record.id);
    s.push_str("\",\"time\":");
    push_uint(&mut s, record.time);
    s.push_str(",\"revision\":");
    push_uint(&mut s, record.revision as u64);
    s.push_str(",\"policy\":\"");
    s.push_str(&record.policy);
    s.push_str("\"}");
    s
}

/// Finds the value of cookie `name` in a `document.cookie` string.
pub fn find_cookie<'a>(cookies: &'a str, name: &str) -> Option<&'a str> {
    split_ascii(cookies, b";").find_map(|pair| {
        let (k, v) = split_once_ascii(pair, b'=')?;
        (k.trim_ascii() == name).then(|| v.trim_ascii())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    const CONFIG: &str = r#"{
      "revision": 2,
      "categories": [
        { "id": "necessary", "required": true, "title": "N", "description": "d",
          "services": [{ "id": "login", "name": "L", "provider": "P", "purpose": "p" }] },
        { "id": "analytics", "title": "A", "description": "d",
          "services": [
            { "id": "google-analytics", "name": "GA", "provider": "G", "purpose": "p" },
            { "id": "other-stats", "name": "O", "provider": "O", "purpose": "p" } ] },
        { "id": "embeds", "title": "E", "description": "d" }
      ]
    }"#;
    const NOW: u64 = 1_790_000_000;

    fn config() -> Config {
        Config::from_json(CONFIG).unwrap()
    }

    #[test]
    fn gpc_denies_advertising_unless_the_site_opts_out() {
        let text = CONFIG.replace(
            r#"{ "id": "embeds","#,
            r#"{ "id": "advertising", "title": "Ads", "description": "d",
                 "services": [{ "id": "pixel", "name": "P", "provider": "P", "purpose": "p" }] },
               { "id": "embeds","#,
        );
        let c = Config::from_json(&text).unwrap();
        let mut ch = Choices::all(&c, true);
        assert!(ch.deny_for_gpc(&c));
        assert_eq!(ch.get("advertising"), Some(false));
        assert_eq!(ch.get("pixel"), Some(false));
        assert_eq!(ch.get("analytics"), Some(true));
        assert!(!ch.deny_for_gpc(&c), "nothing left to change");
        let off = Config::from_json(&text.replacen("{", r#"{ "honourGpc": false,"#, 1)).unwrap();
        let mut ch = Choices::all(&off, true);
        assert!(!ch.deny_for_gpc(&off));
        assert_eq!(ch.get("pixel"), Some(true));
    }

    fn record(choices: Choices) -> ConsentRecord {
        ConsentRecord {
            id: consent_id(&[7; 16]),
            time: NOW - 100,
            revision: 2,
            policy: "50b5f8ce".into(),
            choices,
        }
    }

    #[test]
    fn consent_ids_are_22_base64url_characters() {
        assert_eq!(consent_id(&[0; 16]), "AAAAAAAAAAAAAAAAAAAAAA");
        assert_eq!(consent_id(&[255; 16]), "_____________________w");
        assert_eq!(consent_id(&[7; 16]).len(), 22);
    }

    #[test]
    fn choices_keep_categories_and_services_consistent() {
        let c = config();
        let mut ch = Choices::all(&c, false);
        assert_eq!(ch.get("necessary"), Some(true));
        assert_eq!(ch.get("login"), Some(true));
        assert_eq!(ch.get("analytics"), Some(false));
        assert!(ch.is_reject_all(&c));
        assert!(ch.set(&c, "analytics", true));
        assert_eq!(ch.get("google-analytics"), Some(true));
        assert_eq!(ch.get("other-stats"), Some(true));
        assert!(ch.set(&c, "other-stats", false));
        assert_eq!(
            ch.get("analytics"),
            Some(false),
            "a category is on only when all its services are"
        );
        assert_eq!(ch.get("google-analytics"), Some(true));
        assert!(ch.set(&c, "other-stats", true));
        assert_eq!(ch.get("analytics"), Some(true));
        assert!(ch.set(&c, "necessary", false));
        assert_eq!(
            ch.get("necessary"),
            Some(true),
            "necessary cannot be refused"
        );
        assert!(ch.set(&c, "embeds", true));
        assert_eq!(
            ch.get("embeds"),
            Some(true),
            "a category without services has its own switch"
        );
        assert!(!ch.set(&c, "nope", true));
    }

    #[test]
    fn every_valid_revision_round_trips() {
        for revision in [1, 999_999_999, 1_000_000_000, u32::MAX] {
            let r = ConsentRecord {
                revision,
                ..record(Choices::all(&config(), true))
            };
            assert_eq!(ConsentRecord::decode(&r.encode()), Some(r));
        }
        let too_big =
            record(Choices::all(&config(), true))
                .encode()
                .replacen(".2.", ".4294967296.", 1);
        assert_eq!(ConsentRecord::decode(&too_big), None);
    }

    #[test]
    fn round_trip() {
        let c = config();
        let mut ch = Choices::all(&c, false);
        ch.set(&c, "google-analytics", true);
        let r = record(ch.clone());
        let encoded = r.encode();
        assert_eq!(
            encoded,
            format!(
                "1.{}.1789999900.2.50b5f8ce.necessary:1~login:1~analytics:0~google-analytics:1~other-stats:0~embeds:0",
                consent_id(&[7; 16])
            )
        );
        let back = ConsentRecord::decode(&encoded).unwrap();
        assert_eq!(back, r);
        assert_eq!(back.current_choices(&c, NOW), Some(ch));
        let mut no_policy = r.clone();
        no_policy.policy.clear();
        assert_eq!(ConsentRecord::decode(&no_policy.encode()), Some(no_policy));
    }

    #[test]
    fn malformed_values_are_no_choice() {
        let good = record(Choices::all(&config(), true)).encode();
        let id = consent_id(&[7; 16]);
        let cases: &[&str] = &[
            "",
            "1",
            "2.x",
            &good[..good.len() - 3], // truncated inside an entry
            &good[..good.find("necessary").unwrap()], // truncated before the list
            &good.replacen('1', "2", 1), // future format version
            &format!("{good}.extra"), // extra field
            &good.replace("necessary:1", "necessary:2"), // bad value
            &good.replace("necessary:1", "necessary"), // missing value
            &good.replace("necessary:1", "Necessary:1"), // bad id
            &good.replace("login:1", "necessary:1"), // duplicate id
            &good.replace(&id, "short"), // bad consent id
            &good.replace(&id, "AAAAAAAAAAAAAAAAAAAA%20"), // escapes in consent id
            &good.replace("1789999900", "17899x9900"), // bad time
            &good.replace("1789999900", "01789999900"), // leading zero
            &good.replace("1789999900", "99999999999999999999"), // overflow
            &good.replace("50b5f8ce", "50b5f8ce!"), // bad policy version
            &good.replace("50b5f8ce", ""), // empty policy field
            &good.replace("~", "~~"), // empty entry
            "1.%E3%81%82.1.1.-.a:1", // percent escapes
            "1.\u{3042}\u{3042}.1.1.-.a:1", // non-ASCII
        ];
        for bad in cases {
            assert_eq!(ConsentRecord::decode(bad), None, "{bad:?}");
        }
        let huge = format!("{good}{}", "~x:1".repeat(2000));
        assert_eq!(ConsentRecord::decode(&huge), None);
    }

    #[test]
    fn stale_choices_are_asked_again() {
        let c = config();
        let r = record(Choices::all(&c, true));
        assert!(r.current_choices(&c, NOW).is_some());
        // A new config revision.
        let mut newer = c.clone();
        newer.revision = 3;
        assert_eq!(r.current_choices(&newer, NOW), None);
        // Expired: the default lifetime is 182 days; refusals expire the same way.
        assert!(r.current_choices(&c, r.time + 182 * 86_400).is_some());
        assert_eq!(r.current_choices(&c, r.time + 182 * 86_400 + 1), None);
        let refused = record(Choices::all(&c, false));
        assert_eq!(
            refused.current_choices(&c, refused.time + 183 * 86_400),
            None
        );
        // From the future (beyond clock skew) and from the far past.
        let mut future = r.clone();
        future.time = NOW + 3600;
        assert_eq!(future.current_choices(&c, NOW), None);
        let mut ancient = r.clone();
        ancient.time = 0;
        assert_eq!(ancient.current_choices(&c, NOW), None);
        // An id the config no longer has, or a missing one.
        let mut extra = r.clone();
        extra.choices.items.push(("ads".into(), true));
        assert_eq!(extra.current_choices(&c, NOW), None);
        let mut missing = r.clone();
        missing.choices.items.pop();
        assert_eq!(missing.current_choices(&c, NOW), None);
        let mut renamed = r.clone();
        renamed.choices.items[5].0 = "videos".into();
        assert_eq!(renamed.current_choices(&c, NOW), None);
    }

    #[test]
    fn tampered_necessary_refusal_is_corrected() {
        let c = config();
        let mut r = record(Choices::all(&c, false));
        r.choices.items[0].1 = false;
        let ch = r.current_choices(&c, NOW).unwrap();
        assert_eq!(ch.get("necessary"), Some(true));
    }

    #[test]
    fn per_service_choices_survive_a_round_trip() {
        let c = config();
        let mut ch = Choices::all(&c, false);
        ch.set(&c, "google-analytics", true);
        let r = record(ch.clone());
        let back = ConsentRecord::decode(&r.encode()).unwrap();
        assert_eq!(
            back.current_choices(&c, NOW)
                .unwrap()
                .get("google-analytics"),
            Some(true)
        );
        assert_eq!(
            back.current_choices(&c, NOW).unwrap().get("other-stats"),
            Some(false)
        );
    }

    #[test]
    fn event_detail_is_json() {
        let c = config();
        let mut ch = Choices::all(&c, false);
        ch.set(&c, "google-analytics", true);
        let r = record(ch);
        assert_eq!(
            detail_json(&c, &r),
            format!(
                "{{\"categories\":{{\"necessary\":true,\"analytics\":false,\"embeds\":false}},\
                 \"services\":{{\"login\":true,\"google-analytics\":true,\"other-stats\":false}},\
                 \"id\":\"{}\",\"time\":1789999900,\"revision\":2,\"policy\":\"50b5f8ce\"}}",
                r.id
            )
        );
    }

    #[test]
    fn cookie_strings() {
        let mut c = config();
        let r = record(Choices::all(&c, true));
        let s = cookie_string(&c, &r, false);
        assert!(s.starts_with("doui_consent=1."));
        assert!(s.ends_with("; Path=/; Max-Age=15724800; SameSite=Lax"));
        c.cookie.domain = Some("example.jp".into());
        let s = cookie_string(&c, &r, true);
        assert!(s.ends_with("; SameSite=Lax; Domain=example.jp; Secure"));
        assert_eq!(
            find_cookie("a=1; doui_consent=1.x; b=2", "doui_consent"),
            Some("1.x")
        );
        assert_eq!(find_cookie("xdoui_consent=1", "doui_consent"), None);
        assert_eq!(find_cookie("", "doui_consent"), None);
    }

    #[test]
    fn stays_small_with_many_services() {
        let mut json = String::from(r#"{"revision":1,"categories":["#);
        for c in 0..5 {
            if c > 0 {
                json.push(',');
            }
            json.push_str(&format!(
                r#"{{"id":"category-{c}","title":"t","description":"d","services":["#
            ));
            for s in 0..12 {
                if s > 0 {
                    json.push(',');
                }
                json.push_str(&format!(
                    r#"{{"id":"service-number-{c}-{s}","name":"n","provider":"p","purpose":"p"}}"#
                ));
            }
            json.push_str("]}");
        }
        json.push_str("]}");
        let c = Config::from_json(&json).unwrap();
        let r = record(Choices::all(&c, true));
        let s = cookie_string(&c, &r, true);
        assert!(s.len() < 1600, "65 decisions take {} bytes", s.len());
    }
}
