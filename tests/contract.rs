//! `src/web/contract.js` is generated from `doui::contract`, so the page side
//! of the banner module reads the same codes the Rust side answers with. After
//! an intended change, regenerate with `DOUI_BLESS=1 cargo test --test contract`.

use std::fs;
use std::path::Path;

use doui::contract::{JS, JS_STATES};

fn generated() -> String {
    let mut out = String::from(
        "// Generated from src/contract.rs by tests/contract.rs: do not edit.\n\
         // The codes of the banner module's exports (see src/web/banner.rs).\n",
    );
    for (name, value) in JS {
        out.push_str(&format!("export const {name} = {value};\n"));
    }
    for (name, value) in JS_STATES {
        out.push_str(&format!("export const {name} = '{}';\n", *value as char));
    }
    out
}

#[test]
fn contract_js_is_generated_from_the_rust_codes() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web/contract.js");
    let want = generated();
    if std::env::var_os("DOUI_BLESS").is_some() {
        fs::write(&path, &want).unwrap();
    }
    let have = fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        have, want,
        "src/web/contract.js is stale: run DOUI_BLESS=1 cargo test --test contract"
    );
}

#[test]
fn codes_are_distinct_where_they_share_a_value() {
    // Bits of one export do not overlap; kinds are distinct.
    let group = |names: &[&str]| -> Vec<u32> {
        names
            .iter()
            .map(|n| JS.iter().find(|(k, _)| k == n).unwrap().1)
            .collect()
    };
    for bits in [
        group(&["HTTPS", "COOKIES", "GPC"]),
        group(&[
            "CHOICE",
            "OVERRIDDEN",
            "REOPEN",
            "ADS_DATA_REDACTION",
            "URL_PASSTHROUGH",
            "REBUILD",
        ]),
    ] {
        assert_eq!(bits.iter().fold(0, |a, b| a | b), bits.iter().sum::<u32>());
        assert!(bits.iter().all(|b| b.is_power_of_two()));
    }
    let mut kinds = group(&["REJECT_ALL", "ACCEPT_ALL", "SAVE_DRAFT", "SET_ONE", "KEEP"]);
    kinds.sort_unstable();
    kinds.dedup();
    assert_eq!(kinds.len(), 5);
}

/// `switches` answers with one state per switch, in the order of the
/// preferences' `data-doui-item` inputs, which banner.js pairs by position:
/// each category, then its services, as the config lists them.
#[test]
fn preferences_list_their_switches_in_the_order_switches_answers() {
    use doui::config::Config;
    use doui::consent::Choices;
    use doui::i18n::Lang;
    use doui::ui::{preferences, View};
    let config = Config::from_json(
        r#"{
  "revision": 1,
  "categories": [
    { "id": "necessary", "required": true, "title": "N", "description": "d",
      "services": [{ "id": "login", "name": "L", "provider": "P", "purpose": "p" }] },
    { "id": "embeds", "title": "E", "description": "d" },
    { "id": "stats", "title": "S", "description": "d",
      "services": [
        { "id": "counter", "name": "C", "provider": "P", "purpose": "p" },
        { "id": "heatmap", "name": "H", "provider": "P", "purpose": "p" } ] }
  ]
}"#,
    )
    .unwrap();
    let view = View {
        lang: Lang::En,
        cookies_ok: true,
        gpc: false,
    };
    let html = preferences(&config, view, &Choices::all(&config, false));
    let inputs: Vec<&str> = html
        .split("data-doui-item=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    let order: Vec<&str> = config
        .categories
        .iter()
        .flat_map(|c| std::iter::once(&c.id).chain(c.services.iter().map(|s| &s.id)))
        .map(String::as_str)
        .collect();
    assert_eq!(inputs, order);
    assert_eq!(
        order,
        [
            "necessary",
            "login",
            "embeds",
            "stats",
            "counter",
            "heatmap"
        ]
    );
}
