//! Consent-cookie test vectors: a `Cookie` header, a config and a time, and the
//! decision doui's own codec reaches (`find_cookie`, `ConsentRecord::decode`,
//! `current_choices`). Servers that read the consent cookie in another language
//! (the WordPress plugin's PHP reader) are checked against
//! `tests/vectors/consent-cookie.json`, so the readers cannot drift apart.
//! After an intended change, regenerate with
//! `DOUI_BLESS=1 cargo test --test consent_vectors` and review the diff.

use std::fs;
use std::path::Path;

use doui::config::Config;
use doui::consent::{consent_id, find_cookie, Choices, ConsentRecord};
use doui::ui;

/// Three categories: a required one with a service, one with two services, one
/// without services. Consent lasts 182 days (the default).
const SMALL: &str = r#"{
  "revision": 2,
  "categories": [
    { "id": "necessary", "required": true, "title": "N", "description": "d",
      "services": [{ "id": "login", "name": "L", "provider": "P", "purpose": "p" }] },
    { "id": "preferences", "title": "P", "description": "d",
      "services": [
        { "id": "comments", "name": "C", "provider": "P", "purpose": "p",
          "cookies": [{ "name": "comment_author_*", "lifetime": "1y" }] },
        { "id": "screen-options", "name": "S", "provider": "P", "purpose": "p" } ] },
    { "id": "embeds", "title": "E", "description": "d" }
  ]
}"#;

/// Another cookie name and a 30-day lifetime.
const RENAMED: &str = r#"{
  "revision": 7,
  "cookie": { "name": "site_choice", "days": 30 },
  "categories": [
    { "id": "necessary", "required": true, "title": "N", "description": "d" },
    { "id": "analytics", "title": "A", "description": "d",
      "services": [{ "id": "stats", "name": "S", "provider": "P", "purpose": "p" }] }
  ]
}"#;

/// Global Privacy Control: categories refused by the signal by default (an
/// advertising id, an `ad_*` consent type) or by choice, and one exempted.
const GPC: &str = r#"{
  "revision": 1,
  "categories": [
    { "id": "necessary", "required": true, "title": "N", "description": "d" },
    { "id": "preferences", "title": "P", "description": "d" },
    { "id": "advertising", "title": "A", "description": "d",
      "services": [{ "id": "pixel", "name": "P", "provider": "P", "purpose": "p" }] },
    { "id": "partners", "title": "S", "description": "d", "consentTypes": ["ad_user_data"] },
    { "id": "marketing", "title": "M", "description": "d", "gpc": false },
    { "id": "embeds", "title": "E", "description": "d", "gpc": true }
  ]
}"#;

/// The same, for a site the signal has no legal force for.
const GPC_IGNORED: &str = r#"{
  "revision": 1,
  "honourGpc": false,
  "categories": [
    { "id": "necessary", "required": true, "title": "N", "description": "d" },
    { "id": "advertising", "title": "A", "description": "d" }
  ]
}"#;

const NOW: u64 = 1_790_000_000;

struct Case {
    name: String,
    config: &'static str,
    header: String,
    now: u64,
    gpc: bool,
}

fn record(config: &Config, choices: Choices, time: u64) -> ConsentRecord {
    ConsentRecord {
        id: consent_id(&[42; 16]),
        time,
        revision: config.revision,
        policy: "50b5f8ce".into(),
        choices,
    }
}

fn cases(small: &Config, renamed: &Config, gpc: &Config, gpc_ignored: &Config) -> Vec<Case> {
    let mut out = Vec::new();
    let mut add_gpc = |name: &str, config: &'static str, header: String, now: u64, gpc: bool| {
        out.push(Case {
            name: name.into(),
            config,
            header,
            now,
            gpc,
        })
    };
    // Global Privacy Control overrides an opt-in for the categories it covers.
    let all_gpc = record(gpc, Choices::all(gpc, true), NOW - 100).encode();
    let all_ignored = record(gpc_ignored, Choices::all(gpc_ignored, true), NOW - 100).encode();
    add_gpc(
        "accept all, no signal",
        "gpc",
        format!("doui_consent={all_gpc}"),
        NOW,
        false,
    );
    add_gpc(
        "accept all, with the signal",
        "gpc",
        format!("doui_consent={all_gpc}"),
        NOW,
        true,
    );
    add_gpc(
        "the signal where the site does not honour it",
        "gpc-ignored",
        format!("doui_consent={all_ignored}"),
        NOW,
        true,
    );
    add_gpc("the signal and no choice", "gpc", String::new(), NOW, true);
    let mut add = |name: &str, config: &'static str, header: String, now: u64| {
        add_gpc(name, config, header, now, false)
    };
    let all = record(small, Choices::all(small, true), NOW - 100).encode();
    let none = record(small, Choices::all(small, false), NOW - 100).encode();
    let mut only_comments = Choices::all(small, false);
    only_comments.set(small, "comments", true);
    let only_comments = record(small, only_comments, NOW - 100).encode();
    let mut no_comments = Choices::all(small, true);
    no_comments.set(small, "comments", false);
    let no_comments = record(small, no_comments, NOW - 100).encode();
    let c = |v: &str| format!("doui_consent={v}");

    add("accept all", "small", c(&all), NOW);
    add("reject all", "small", c(&none), NOW);
    add("one service accepted", "small", c(&only_comments), NOW);
    add("one service refused", "small", c(&no_comments), NOW);
    add(
        "among other cookies, with spaces",
        "small",
        format!("wp_lang=ja; comment_author_x=Hanako ;  doui_consent= {all} ; other=1"),
        NOW,
    );
    add(
        "the first of two consent cookies counts",
        "small",
        format!("doui_consent={none}; doui_consent={all}"),
        NOW,
    );
    add("no consent cookie", "small", "wp_lang=ja".into(), NOW);
    add("empty header", "small", String::new(), NOW);
    add(
        "a longer name is another cookie",
        "small",
        format!("xdoui_consent={all}"),
        NOW,
    );
    add(
        "a prefix is another cookie",
        "small",
        format!("doui={all}"),
        NOW,
    );
    add("empty value", "small", "doui_consent=".into(), NOW);
    add(
        "a category entry before its services",
        "small",
        c(&all.replace("preferences:1", "preferences:0")),
        NOW,
    );
    add(
        "necessary refused by hand is still on",
        "small",
        c(&none
            .replace("necessary:1", "necessary:0")
            .replace("login:1", "login:0")),
        NOW,
    );

    // Time: the boundaries of expiry and of the clock tolerance.
    let made = NOW - 100;
    add(
        "expires after 182 days: last second",
        "small",
        c(&all),
        made + 182 * 86_400,
    );
    add(
        "expired one second later",
        "small",
        c(&all),
        made + 182 * 86_400 + 1,
    );
    add(
        "600 s in the future is clock skew",
        "small",
        c(&all),
        made - 600,
    );
    add("601 s in the future is not", "small", c(&all), made - 601);
    add(
        "made at time 0",
        "small",
        c(&record(small, Choices::all(small, true), 0).encode()),
        NOW,
    );

    // Revision and ids.
    let mut other_revision = record(small, Choices::all(small, true), NOW - 100);
    other_revision.revision = 1;
    add(
        "another revision",
        "small",
        c(&other_revision.encode()),
        NOW,
    );
    other_revision.revision = 22;
    add(
        "a revision that starts like this one",
        "small",
        c(&other_revision.encode()),
        NOW,
    );
    add(
        "an id the config does not have",
        "small",
        c(&format!("{all}~ads:1")),
        NOW,
    );
    add(
        "a missing id",
        "small",
        c(all.strip_suffix("~embeds:1").unwrap()),
        NOW,
    );
    add(
        "a renamed id",
        "small",
        c(&all.replace("embeds:1", "videos:1")),
        NOW,
    );
    add(
        "a duplicate id",
        "small",
        c(&all.replace("login:1", "necessary:1")),
        NOW,
    );

    // Malformed values.
    let malformed: &[(&str, String)] = &[
        ("another format version", all.replacen('1', "2", 1)),
        ("an extra field", format!("{all}.extra")),
        ("truncated", all[..all.len() - 3].to_string()),
        (
            "a value other than 0 or 1",
            all.replace("embeds:1", "embeds:2"),
        ),
        ("a missing value", all.replace("embeds:1", "embeds")),
        ("an upper-case id", all.replace("embeds:1", "Embeds:1")),
        (
            "a short consent id",
            all.replace(&consent_id(&[42; 16]), "short"),
        ),
        (
            "a bad time",
            all.replace(&(NOW - 100).to_string(), "17899x9900"),
        ),
        (
            "a time with a leading zero",
            all.replace(&(NOW - 100).to_string(), "01789999900"),
        ),
        (
            "a time that overflows",
            all.replace(&(NOW - 100).to_string(), "99999999999999999999"),
        ),
        ("a bad policy version", all.replace("50b5f8ce", "50b5f8ce!")),
        ("an empty policy version", all.replace("50b5f8ce", "")),
        ("an empty entry", all.replace('~', "~~")),
        ("percent escapes", "1.%E3%81%82.1.1.-.a:1".into()),
        ("a plus sign", all.replace("embeds:1", "embeds:+1")),
        (
            "a revision over 32 bits",
            all.replacen(".2.", ".4294967298.", 1),
        ),
        ("far too long", format!("{all}{}", "~x:1".repeat(1000))),
    ];
    for (name, value) in malformed {
        add(name, "small", c(value), NOW);
    }

    // Another cookie name and lifetime.
    let r = record(renamed, Choices::all(renamed, true), NOW - 100).encode();
    add(
        "a renamed cookie",
        "renamed",
        format!("site_choice={r}"),
        NOW,
    );
    add(
        "the default name under a renamed cookie",
        "renamed",
        format!("doui_consent={r}"),
        NOW,
    );
    add(
        "30 days: expired",
        "renamed",
        format!("site_choice={r}"),
        NOW - 100 + 30 * 86_400 + 1,
    );
    out
}

fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || !c.is_ascii() => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The vectors file as the codec produces it today.
fn generate() -> String {
    let small = Config::from_json(SMALL).unwrap();
    let renamed = Config::from_json(RENAMED).unwrap();
    let gpc = Config::from_json(GPC).unwrap();
    let gpc_ignored = Config::from_json(GPC_IGNORED).unwrap();
    let mut out = String::from("{\n  \"about\": ");
    push_json_string(
        &mut out,
        "Generated by tests/consent_vectors.rs from doui's consent codec. Each case: the Cookie \
         header, the config (by name), the time in Unix seconds, whether the browser sends \
         Global Privacy Control, and the decision for every category and service in config \
         order, or null when there is no valid choice. headAsks: what the head script's check \
         before first paint must answer: true (show the banner: no cookie of that name, or a \
         record from another revision, expired or from the future), false (hide it: the \
         choice is valid), null (either: the record is malformed or names other ids, which \
         doui.js refuses later). heads: each config's head script tag.",
    );
    out.push_str(",\n  \"configs\": {\n    \"small\": ");
    out.push_str(SMALL);
    out.push_str(",\n    \"renamed\": ");
    out.push_str(RENAMED);
    out.push_str(",\n    \"gpc\": ");
    out.push_str(GPC);
    out.push_str(",\n    \"gpc-ignored\": ");
    out.push_str(GPC_IGNORED);
    out.push_str("\n  },\n  \"heads\": {");
    for (i, (name, config)) in [
        ("small", &small),
        ("renamed", &renamed),
        ("gpc", &gpc),
        ("gpc-ignored", &gpc_ignored),
    ]
    .iter()
    .enumerate()
    {
        out.push_str(if i == 0 { "\n    " } else { ",\n    " });
        push_json_string(&mut out, name);
        out.push_str(": ");
        push_json_string(
            &mut out,
            &ui::head_script(config, "doui-consent-default.js"),
        );
    }
    out.push_str("\n  },\n  \"cases\": [");
    for (i, case) in cases(&small, &renamed, &gpc, &gpc_ignored)
        .iter()
        .enumerate()
    {
        let config = match case.config {
            "small" => &small,
            "renamed" => &renamed,
            "gpc" => &gpc,
            _ => &gpc_ignored,
        };
        let decision = find_cookie(&case.header, &config.cookie.name)
            .and_then(ConsentRecord::decode)
            .and_then(|r| r.current_choices(config, case.now))
            .map(|mut choices| {
                if case.gpc {
                    choices.deny_for_gpc(config);
                }
                choices
            });
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str("    { \"name\": ");
        push_json_string(&mut out, &case.name);
        out.push_str(", \"config\": ");
        push_json_string(&mut out, case.config);
        out.push_str(&format!(", \"now\": {}, \"gpc\": {}", case.now, case.gpc));
        out.push_str(",\n      \"header\": ");
        push_json_string(&mut out, &case.header);
        let head_asks = match find_cookie(&case.header, &config.cookie.name) {
            None => Some(true),
            Some(value) => match ConsentRecord::decode(value) {
                Some(r) if !r.is_current(config, case.now) => Some(true),
                _ if decision.is_some() => Some(false),
                _ => None,
            },
        };
        out.push_str(&format!(
            ", \"headAsks\": {}",
            head_asks.map_or("null".into(), |a| a.to_string())
        ));
        out.push_str(",\n      \"decision\": ");
        match decision {
            None => out.push_str("null"),
            Some(choices) => {
                out.push('{');
                for (j, (id, on)) in choices.items.iter().enumerate() {
                    if j > 0 {
                        out.push_str(", ");
                    }
                    push_json_string(&mut out, id);
                    out.push_str(if *on { ": true" } else { ": false" });
                }
                out.push('}');
            }
        }
        out.push_str(" }");
    }
    out.push_str("\n  ]\n}\n");
    out
}

#[test]
fn vectors_match_the_codec() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/consent-cookie.json");
    let text = generate();
    if std::env::var_os("DOUI_BLESS").is_some() {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, &text).unwrap();
        return;
    }
    let stored = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored == text,
        "{} is not what the codec produces; regenerate with DOUI_BLESS=1 cargo test --test consent_vectors",
        path.display()
    );
}

#[test]
fn vectors_cover_valid_and_refused_choices() {
    let text = generate();
    let valid = text.matches("\"decision\": {").count();
    let none = text.matches("\"decision\": null").count();
    assert!(
        valid >= 8 && none >= 25,
        "{valid} valid, {none} without a choice"
    );
    // The head script's check is held to both sides: it must ask, and must not.
    let asks = text.matches("\"headAsks\": true").count();
    let hides = text.matches("\"headAsks\": false").count();
    assert!(asks >= 8 && hides == valid, "{asks} ask, {hides} hide");
}
