//! What the fuzz targets check, written once: `fuzz/fuzz_targets/*.rs` call these
//! on every generated input, and `tests/fuzz_corpora.rs` replays the committed
//! corpora and regression inputs through them under plain `cargo test`.
//!
//! Every check takes raw bytes (invalid UTF-8 is replaced, as a browser would
//! hand over a string anyway) and panics when an invariant does not hold.

use std::sync::OnceLock;

use doui::config::Config;
use doui::consent::{cookie_string, detail_json, find_cookie, Choices, ConsentRecord};
use doui::i18n::Lang;
use doui::policy;
use doui::ui::{self, View};

/// The demo site's config: a realistic, valid config for the cookie and policy checks.
pub const DEMO_CONFIG: &str = include_str!("../www/doui-config.json");

/// A policy that uses both table directives, rendered with every config that parses.
const TABLES_POLICY: &str = "---\ntitle: Policy\nlang: ja\ntoc: 3\n---\n# Policy\n\n## Cookies\n\n```doui-cookies\n```\n\n## 外部送信\n\n```doui-transmissions\n```\n";

/// A fixed "now" in Unix seconds (2025-11-23), for records that carry any time.
const NOW: u64 = 1_763_890_000;

/// The demo config, parsed once.
pub fn demo_config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| {
        Config::from_json(DEMO_CONFIG).unwrap_or_else(|e| panic!("demo config: {}", e.describe()))
    })
}

/// Every category and service id of `config`, in config order.
fn config_ids(config: &Config) -> Vec<String> {
    Choices::all(config, false)
        .items
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

// ---------------------------------------------------------------------------
// The consent cookie

/// Fuzz target `cookie`: the input as a cookie value and as a whole
/// `document.cookie` string, against the demo config.
pub fn cookie(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let config = demo_config();
    cookie_value(&s, config);
    if let Some(v) = find_cookie(&s, &config.cookie.name) {
        cookie_value(v, config);
    }
}

fn cookie_value(s: &str, config: &Config) {
    let Some(record) = ConsentRecord::decode(s) else {
        return;
    };
    // The format has one spelling per record: what decodes re-encodes to itself.
    let encoded = record.encode();
    assert_eq!(
        encoded, s,
        "a decoded cookie must re-encode to the same value"
    );
    assert_eq!(
        ConsentRecord::decode(&encoded).as_ref(),
        Some(&record),
        "an encoded record must decode to itself"
    );
    let _ = detail_json(config, &record);

    let max_age = config.cookie.days as u64 * 86_400;
    let t = record.time;
    for now in [
        t,
        t.saturating_sub(600),
        t + max_age,
        NOW,
        t.saturating_sub(601),
        t + max_age + 1,
    ] {
        let Some(choices) = record.current_choices(config, now) else {
            continue;
        };
        assert_eq!(
            record.revision, config.revision,
            "a choice from another revision counted"
        );
        assert!(now + 600 >= t, "a choice from the future counted");
        assert!(now <= t + max_age, "an expired choice counted");
        check_choices(config, &choices);
        // A stored choice counts only if it names exactly the config's ids.
        let mut want = config_ids(config);
        let mut have: Vec<String> = record
            .choices
            .items
            .iter()
            .map(|(i, _)| i.clone())
            .collect();
        want.sort();
        have.sort();
        assert_eq!(
            have, want,
            "a choice with other ids than the config's counted"
        );
        // Storing what was read and reading it again changes nothing.
        let again = ConsentRecord {
            choices: choices.clone(),
            ..record.clone()
        };
        let back = ConsentRecord::decode(&again.encode()).expect("a re-stored choice decodes");
        assert_eq!(
            back.current_choices(config, now),
            Some(choices),
            "re-stored choice differs"
        );
    }
}

/// Decisions as the banner enforces them: config order, necessary categories and
/// their services on, and a category with services on exactly when all of them are.
fn check_choices(config: &Config, choices: &Choices) {
    let ids: Vec<&str> = choices.items.iter().map(|(i, _)| i.as_str()).collect();
    assert_eq!(ids, config_ids(config), "choices not in config order");
    for c in &config.categories {
        let cat = choices.get(&c.id).expect("every category has a decision");
        let services: Vec<bool> = c
            .services
            .iter()
            .map(|s| choices.get(&s.id).expect("every service has a decision"))
            .collect();
        if c.required {
            assert!(
                cat && services.iter().all(|&v| v),
                "a necessary category is off"
            );
        }
        if !services.is_empty() {
            assert_eq!(
                cat,
                services.iter().all(|&v| v),
                "category {} disagrees with its services",
                c.id
            );
        }
    }
}

// ---------------------------------------------------------------------------
// The config

/// Fuzz target `config`: parse and validate; a valid config must round-trip a
/// consent through the cookie, and everything built from it must be safe HTML.
pub fn config(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    // The banner's small reader and the serde reader: the same verdict, the
    // same config, the same line (as tests/config_readers.rs checks on fixed sets).
    let small = doui::config::reader::read(&s);
    let serde = doui::config::de::read(&s);
    match (&small, &serde) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "the readers build different configs"),
        (Err(a), Err(b)) => assert_eq!(
            a.line,
            b.line,
            "refused on different lines: small `{}`, serde `{}`",
            a.describe(),
            b.describe()
        ),
        (Ok(_), Err(b)) => panic!("only serde refuses: {}", b.describe()),
        (Err(a), Ok(_)) => panic!("only the small reader refuses: {}", a.describe()),
    }
    let config = match serde {
        Ok(c) => c,
        Err(e) => {
            let d = e.describe();
            assert!(d.starts_with("config line "), "{d}");
            let lines = 1 + s.matches('\n').count();
            assert!(
                e.line >= 1 && e.line as usize <= lines,
                "error line {} of {lines}",
                e.line
            );
            return;
        }
    };
    let _ = config.warnings();
    assert!(config.revision >= 1);
    let ids = config_ids(&config);
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "duplicate ids in a valid config");

    for lang in [Lang::Ja, Lang::En] {
        // A choice the banner stores under this config must count when read back.
        let policy = config
            .policy_version
            .as_ref()
            .map(|t| t.get(lang).to_string())
            .unwrap_or_default();
        for allowed in [true, false] {
            let choices = Choices::all(&config, allowed);
            let record = ConsentRecord {
                id: "q8Xk2mVb8pL0aZ3nYw7cTg".into(),
                time: NOW,
                revision: config.revision,
                policy: policy.clone(),
                choices: choices.clone(),
            };
            let value = record.encode();
            let back = ConsentRecord::decode(&value).unwrap_or_else(|| {
                panic!("the cookie a valid config writes does not decode: {value}")
            });
            assert_eq!(back, record, "cookie round trip");
            assert_eq!(
                back.current_choices(&config, NOW),
                Some(choices.clone()),
                "a fresh choice does not count"
            );
            let set = cookie_string(&config, &record, true);
            assert!(
                !set.contains(['\n', '\r', '\0']),
                "control characters in the cookie string"
            );
            let _ = detail_json(&config, &record);

            for (cookies_ok, gpc) in [(true, false), (false, false), (true, true)] {
                let view = View {
                    lang,
                    cookies_ok,
                    gpc,
                };
                check_html(&ui::banner(&config, view));
                check_html(&ui::preferences(&config, view, &choices));
            }
        }
        check_html(&ui::reopen_button(&config, lang));
        let source = if lang == Lang::En {
            TABLES_POLICY.replace("lang: ja", "lang: en")
        } else {
            TABLES_POLICY.to_string()
        };
        match policy::render(&source, Some(&config)) {
            Ok(p) => check_html(&p.html),
            Err(policy::PolicyError::NothingToList { .. }) => {}
            Err(e) => panic!("the tables policy fails with a valid config: {e}"),
        }
    }
}

// ---------------------------------------------------------------------------
// The policy renderer

/// Fuzz target `policy`: the input as Markdown, without a config and with the demo config.
pub fn policy(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    policy_with(&s, None);
    policy_with(&s, Some(demo_config()));
}

fn policy_with(source: &str, config: Option<&Config>) {
    let lines = 1 + source.matches('\n').count();
    match policy::render(source, config) {
        Ok(p) => {
            check_html(&p.html);
            assert!(p.html.starts_with("<article ") && p.html.ends_with("</article>"));
            assert_eq!(p.version, policy::version(source));
            assert!(
                p.version.len() == 8 && p.version.bytes().all(|b| b.is_ascii_hexdigit()),
                "version {:?}",
                p.version
            );
            for h in &p.headings {
                assert!((1..=6).contains(&h.level));
                assert!(!h.id.is_empty(), "a heading without an id");
            }
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(msg.starts_with("policy line "), "{msg}");
            assert!(
                e.line() >= 1 && e.line() <= lines,
                "error line {} of {lines}",
                e.line()
            );
        }
    }
}

// ---------------------------------------------------------------------------
// HTML safety

/// Elements doui and pulldown-cmark's HTML writer produce.
const TAGS: &[&str] = &[
    "a",
    "article",
    "b",
    "blockquote",
    "br",
    "button",
    "caption",
    "code",
    "dd",
    "del",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "input",
    "label",
    "li",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "span",
    "strong",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "time",
    "tr",
    "ul",
];

/// Attributes doui and pulldown-cmark's HTML writer produce (plus `data-*`, `aria-*`).
const ATTRS: &[&str] = &[
    "alt", "checked", "class", "colspan", "datetime", "disabled", "for", "hidden", "href", "id",
    "lang", "name", "open", "rel", "role", "scope", "src", "start", "style", "tabindex", "target",
    "title", "type", "value",
];

/// Asserts that `html` is markup doui could have meant: every `<` opens a known
/// element, attributes are known and double-quoted, no event handler, no inline
/// style beyond table alignment, and no link or image with a dangerous scheme.
pub fn check_html(html: &str) {
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        let start = i + off;
        let ctx = || html[start..].chars().take(100).collect::<String>();
        i = start + 1;
        if b.get(i) == Some(&b'/') {
            i += 1;
        }
        let name_start = i;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let name = html[name_start..i].to_ascii_lowercase();
        assert!(
            TAGS.contains(&name.as_str()),
            "unexpected markup: {:?}",
            ctx()
        );
        loop {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            match b.get(i) {
                None => panic!("unterminated tag: {:?}", ctx()),
                Some(b'>') => {
                    i += 1;
                    break;
                }
                Some(b'/') if b.get(i + 1) == Some(&b'>') => {
                    i += 2;
                    break;
                }
                _ => {}
            }
            let attr_start = i;
            while i < b.len() && !b" \t\n\r\x0c=>/\"'<".contains(&b[i]) {
                i += 1;
            }
            let attr = html[attr_start..i].to_ascii_lowercase();
            assert!(!attr.is_empty(), "malformed tag: {:?}", ctx());
            assert!(
                !attr.starts_with("on"),
                "event handler attribute: {:?}",
                ctx()
            );
            assert!(
                ATTRS.contains(&attr.as_str())
                    || attr.starts_with("data-")
                    || attr.starts_with("aria-"),
                "unexpected attribute {attr:?}: {:?}",
                ctx()
            );
            if b.get(i) != Some(&b'=') {
                continue;
            }
            i += 1;
            assert_eq!(
                b.get(i),
                Some(&b'"'),
                "unquoted attribute value: {:?}",
                ctx()
            );
            i += 1;
            let value_end = i + html[i..].find('"').expect("unterminated attribute value");
            let value = unescape(&html[i..value_end]);
            assert!(
                !html[i..value_end].contains('<'),
                "'<' in an attribute: {:?}",
                ctx()
            );
            i = value_end + 1;
            match attr.as_str() {
                "href" => assert!(
                    !dangerous_url(&value),
                    "dangerous link {value:?}: {:?}",
                    ctx()
                ),
                "src" => assert!(
                    !dangerous_url(&value)
                        && url_scheme(&value).is_none()
                        && !value.starts_with("//"),
                    "image from elsewhere {value:?}: {:?}",
                    ctx()
                ),
                "style" => assert!(is_alignment(&value), "inline style {value:?}: {:?}", ctx()),
                _ => {}
            }
        }
    }
}

fn is_alignment(style: &str) -> bool {
    matches!(
        style,
        "text-align: left" | "text-align: center" | "text-align: right"
    )
}

/// Decodes the character references HTML writers use in attribute values.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let Some(semi) = rest.bytes().take(12).position(|b| b == b';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let ch = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "Tab" => Some('\t'),
            "NewLine" => Some('\n'),
            "colon" => Some(':'),
            _ if entity.starts_with("#x") || entity.starts_with("#X") => {
                u32::from_str_radix(&entity[2..], 16)
                    .ok()
                    .and_then(char::from_u32)
            }
            _ if entity.starts_with('#') => entity[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The scheme a browser reads from a URL attribute, lowercased, if it has one
/// (WHATWG URL: leading and trailing C0 controls and spaces are stripped, tabs and
/// newlines removed anywhere; a scheme is a letter followed by letters, digits,
/// `+`, `-`, `.`, then `:`).
fn url_scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let colon = cleaned.find(':')?;
    let scheme = &cleaned[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
        .then(|| scheme.to_ascii_lowercase())
}

fn dangerous_url(url: &str) -> bool {
    url_scheme(url).is_some_and(|s| !matches!(s.as_str(), "http" | "https" | "mailto" | "tel"))
}
