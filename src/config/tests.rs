//! The config rules, through both readers: every case here is read by the
//! banner's small reader and by serde, which must agree exactly.

use super::*;
use crate::i18n::{Lang, Msg, Unit};

const MINIMAL: &str = r#"{
  "revision": 1,
  "categories": [
{ "id": "necessary", "required": true,
  "title": {"ja": "必須", "en": "Necessary"},
  "description": "Needed for the site to work." },
{ "id": "analytics",
  "title": {"ja": "アクセス解析", "en": "Analytics"},
  "description": {"ja": "利用状況の分析", "en": "Usage analysis"},
  "services": [
    { "id": "google-analytics",
      "name": {"ja": "Google アナリティクス", "en": "Google Analytics"},
      "provider": "Google LLC",
      "purpose": {"ja": "アクセス解析", "en": "Visit statistics"},
      "cookies": [
        { "name": "_ga", "lifetime": "2y" },
        { "name": "_ga_*", "lifetime": "2y" }
      ],
      "transmissions": [
        { "data": {"ja": "閲覧したページのURL、Cookie ID（_ga）"},
          "purposeSite": {"ja": "アクセス解析"} }
      ]
    }
  ]
}
  ]
}"#;

/// Reads `json` with both readers, which must give the same config or refuse
/// on the same line (where two mistakes share a line, they may name different
/// ones); the serde reader's answer.
fn read(json: &str) -> Result<Config, ConfigError> {
    let small = reader::read(json);
    let serde = de::read(json);
    match (&small, &serde) {
        (Err(a), Err(b)) => assert_eq!(a.line, b.line, "{a:?} / {b:?} on:\n{json}"),
        _ => assert_eq!(small, serde, "the readers disagree on:\n{json}"),
    }
    serde
}

fn err(json: &str) -> String {
    read(json).unwrap_err().describe()
}

#[test]
fn reads_minimal_config_with_defaults() {
    let c = read(MINIMAL).unwrap();
    assert_eq!(c.revision, 1);
    assert_eq!(c.cookie.name, "doui_consent");
    assert_eq!(c.cookie.days, 182);
    assert!(c.categories[0].required);
    let (cat, ga) = c.find_service("google-analytics").unwrap();
    assert_eq!(cat.id, "analytics");
    assert_eq!(ga.cookies[1].name, "_ga_*");
    assert_eq!(ga.cookies[0].lifetime, Lifetime::Span(2, Unit::Year));
    assert_eq!(ga.cookies[0].party, Party::First);
    assert_eq!(
        ga.transmissions[0].recipient(ga, Lang::Ja),
        "Google LLC（Google アナリティクス）"
    );
    assert_eq!(
        ga.transmissions[0].recipient(ga, Lang::En),
        "Google LLC (Google Analytics)"
    );
    assert_eq!(
        c.categories[0].description.get(Lang::Ja),
        "Needed for the site to work."
    );
}

#[test]
fn errors_name_line_and_field() {
    let bad = MINIMAL.replace("\"2y\" },", "\"2 years\" },");
    assert_eq!(
        err(&bad),
        "config line 16: categories[1].services[0].cookies[0].lifetime: expected a lifetime such as \"session\", \"30min\", \"24h\", \"2d\", \"2w\", \"13mo\" or \"1y\""
    );
    let bad = MINIMAL.replace("\"provider\"", "\"provder\"");
    assert!(
        err(&bad).starts_with("config line 13: categories[1].services[0].provder: unknown field")
    );
    let bad = MINIMAL.replace(
        ",\n          \"purposeSite\": {\"ja\": \"アクセス解析\"} ",
        "",
    );
    assert!(
        err(&bad).contains("transmissions[0].purposeSite: required field is missing"),
        "{}",
        err(&bad)
    );
    let bad = MINIMAL.replace("\"google-analytics\"", "\"analytics\"");
    assert!(err(&bad).contains("categories[1].services[0].id: this id is already used"));
    let bad = MINIMAL.replace("\"necessary\"", "\"Necessary\"");
    assert!(err(&bad).contains("categories[0].id: ids use"));
    assert!(
        err("{\"revision\": 1, \"categories\": []}").contains("categories: at least one category")
    );
    assert_eq!(
        err(&MINIMAL.replace("\"revision\": 1,", "")),
        "config line 27: revision: required field is missing"
    );
    assert!(err("{\"revision\": 1,").starts_with("config line 1: JSON ends too early"));
    let bad = MINIMAL.replace(
        "\"revision\": 1,",
        "\"revision\": 1, \"cookie\": {\"days\": 400},",
    );
    assert!(err(&bad).contains("cookie.days: consent lifetime must be 1 to 395 days"));
    let bad = MINIMAL.replace("\"en\": \"Necessary\"", "\"fr\": \"Nécessaire\"");
    assert!(err(&bad).contains("categories[0].title.fr: unsupported language"));
    let bad = MINIMAL.replace("\"_ga_*\"", "\"_ga;x\"");
    assert!(err(&bad).contains("cookies[1].name: cookie names use"));
    let bad = MINIMAL.replace("\"provider\": \"Google LLC\"", "\"provider\": \"  \"");
    assert!(err(&bad).contains("provider: must not be empty"));
}

#[test]
fn texts_override_builtins() {
    let json = MINIMAL.replace(
        "\"revision\": 1,",
        "\"revision\": 1, \"texts\": {\"en\": {\"acceptAll\": \"Allow all\"}},",
    );
    let c = read(&json).unwrap();
    assert_eq!(c.text(Lang::En, Msg::AcceptAll), "Allow all");
    assert_eq!(c.text(Lang::Ja, Msg::AcceptAll), "すべて同意する");
    let bad = MINIMAL.replace(
        "\"revision\": 1,",
        "\"revision\": 1, \"texts\": {\"en\": {\"acceptEverything\": \"x\"}},",
    );
    assert!(err(&bad).contains("texts.en.acceptEverything: unknown text key"));
}

#[test]
fn lifetimes() {
    assert_eq!(Lifetime::parse("session"), Some(Lifetime::Session));
    assert_eq!(
        Lifetime::parse("30min"),
        Some(Lifetime::Span(30, Unit::Minute))
    );
    assert_eq!(
        Lifetime::parse("13mo"),
        Some(Lifetime::Span(13, Unit::Month))
    );
    for bad in ["", "y", "0d", "01d", "2", "2 d", "2days", "-1d", "9999999d"] {
        assert_eq!(Lifetime::parse(bad), None, "{bad}");
    }
}

#[test]
fn warns_about_vague_transmission_data() {
    let json = MINIMAL
        .replace("Cookie ID（_ga）", "Cookie ID等")
        .replace("\"2y\"", "\"13mo\"");
    let c = read(&json).unwrap();
    assert_eq!(c.warnings().len(), 1, "{:?}", c.warnings());
    assert!(c.warnings()[0].starts_with("categories[1].services[0].transmissions[0].data"));
}

#[test]
fn warns_about_texts_japanese_pages_would_show_in_english() {
    let json = MINIMAL
        .replace("\"2y\"", "\"13mo\"")
        .replace(
            "\"revision\": 1,",
            "\"revision\": 1, \"siteName\": {\"en\": \"Demo\"}, \"policyUrl\": {\"en\": \"/en/privacy.html\"},",
        )
        .replace(
            "\"description\": {\"ja\": \"利用状況の分析\", \"en\": \"Usage analysis\"}",
            "\"description\": {\"en\": \"Usage analysis\"}",
        );
    let c = read(&json).unwrap();
    let w = c.warnings();
    assert_eq!(w.len(), 3, "{w:?}");
    assert!(w[0].starts_with("siteName: only in English"), "{w:?}");
    assert!(w[1].starts_with("policyUrl: only in English"), "{w:?}");
    assert!(w[2].starts_with("categories[1].description: only in English, so Japanese pages show it in English; add \"ja\""), "{w:?}");
    // A text given once for every language, or only in Japanese, is fine.
    assert!(read(&MINIMAL.replace("\"2y\"", "\"13mo\""))
        .unwrap()
        .warnings()
        .is_empty());
}

#[test]
fn warns_about_analytics_and_advertising_cookies_longer_than_13_months() {
    let c = read(MINIMAL).unwrap();
    assert_eq!(
        c.warnings(),
        [
            "categories[1].services[0].cookies[0].lifetime: 2 years is longer than 13 months, the longest European regulators accept for analytics and advertising cookies",
            "categories[1].services[0].cookies[1].lifetime: 2 years is longer than 13 months, the longest European regulators accept for analytics and advertising cookies",
        ]
    );
    for ok in ["13mo", "1y", "395d", "session"] {
        let c = read(&MINIMAL.replace("\"2y\"", &format!("\"{ok}\""))).unwrap();
        assert!(c.warnings().is_empty(), "{ok}: {:?}", c.warnings());
    }
    let c = read(&MINIMAL.replace("\"2y\"", "\"396d\"")).unwrap();
    assert_eq!(c.warnings().len(), 2);
    // Other categories may keep a cookie longer: a login, a preference.
    let c = read(&MINIMAL.replace("\"analytics\",", "\"comments\",")).unwrap();
    assert!(c.warnings().is_empty(), "{:?}", c.warnings());
}

#[test]
fn warns_about_a_banner_body_that_does_not_list_the_categories() {
    let ok = MINIMAL.replace("\"2y\"", "\"13mo\"");
    let json = ok.replace(
        "\"revision\": 1,",
        "\"revision\": 1, \"texts\": {\"ja\": {\"bannerBody\": \"広告のためにCookieを使います。\"}, \"en\": {\"bannerBody\": \"Used for: {}.\"}},",
    );
    let c = read(&json).unwrap();
    assert_eq!(
        c.warnings(),
        ["texts.ja.bannerBody: has no {} for the list of categories; check that it names exactly these purposes: アクセス解析"]
    );
}

#[test]
fn receipts_url_is_https_or_http_to_this_machine() {
    let with = |url: &str| {
        MINIMAL.replace(
            "\"revision\": 1,",
            &format!("\"revision\": 1, \"receipts\": {{ \"url\": \"{url}\" }},"),
        )
    };
    assert_eq!(read(MINIMAL).unwrap().receipts, None);
    for ok in [
        "https://receipts.example.jp/v1/receipts",
        "https://receipts.example.jp:8443/v1/receipts?site=1#x",
        "https://receipts.example.jp",
        "http://127.0.0.1:8787/v1/receipts",
        "http://localhost:1/x",
        "http://localhost:/x",
        "http://[::1]:65535/v1/receipts",
        "http://[::1]",
    ] {
        let c = read(&with(ok)).unwrap_or_else(|e| panic!("{ok}: {}", e.describe()));
        assert_eq!(c.receipts.unwrap().url, ok);
    }
    for bad in [
        "http://receipts.example.jp/v1/receipts",
        "http://127.0.0.1.example.jp/",
        "http://127.0.0.2/",
        "http://127.0.0.1000/",
        "http://localhost.example.jp/x",
        "http://localhost:80x/x",
        "http://[::2]/x",
        "http://127.0.0.1@evil.example/",
        "https://user@receipts.example.jp/",
        "https:///v1/receipts",
        "https://receipts.example.jp/a b",
        "/v1/receipts",
        "//receipts.example.jp/v1/receipts",
        "HTTPS://receipts.example.jp/",
        "javascript:alert(1)",
        "ftp://receipts.example.jp/",
    ] {
        assert_eq!(
            err(&with(bad)),
            "config line 2: receipts.url: expected an https URL (http only to localhost, 127.0.0.1 or [::1]) without spaces or a user name",
            "{bad}"
        );
    }
    let missing = MINIMAL.replace("\"revision\": 1,", "\"revision\": 1, \"receipts\": {},");
    assert_eq!(
        err(&missing),
        "config line 2: receipts.url: required field is missing"
    );
    let typo = MINIMAL.replace(
        "\"revision\": 1,",
        "\"revision\": 1, \"receipts\": { \"uri\": \"https://r.example/\" },",
    );
    assert!(err(&typo).starts_with("config line 2: receipts.uri: unknown field"));
    let not_object = MINIMAL.replace(
        "\"revision\": 1,",
        "\"revision\": 1, \"receipts\": \"https://r.example/\",",
    );
    assert_eq!(
        err(&not_object),
        "config line 2: receipts: expected an object"
    );
}
