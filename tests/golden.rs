//! Golden output: every policy in `policies/` rendered with the demo site's config
//! must match `tests/golden/<name>.html`. After an intended change, regenerate with
//! `DOUI_BLESS=1 cargo test --test golden` and review the diff.

use std::fs;
use std::path::Path;

use doui::config::Config;
use doui::policy;

#[test]
fn policies_match_golden_html() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = Config::from_json(&fs::read_to_string(root.join("www/doui-config.json")).unwrap())
        .unwrap_or_else(|e| panic!("{}", e.describe()));
    let bless = std::env::var_os("DOUI_BLESS").is_some();
    let mut checked = 0;
    let mut entries: Vec<_> = fs::read_dir(root.join("policies"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    entries.sort();
    for md in entries {
        let name = md.file_stem().unwrap().to_string_lossy().into_owned();
        let source = fs::read_to_string(&md).unwrap();
        let html = policy::render(&source, Some(&config))
            .unwrap_or_else(|e| panic!("{name}.md: {e}"))
            .html;
        let golden = root.join("tests/golden").join(format!("{name}.html"));
        if bless {
            fs::write(&golden, &html).unwrap();
        } else {
            let want = fs::read_to_string(&golden).unwrap_or_else(|_| {
                panic!("{} is missing: run with DOUI_BLESS=1", golden.display())
            });
            assert!(
                want == html,
                "{name}.md renders differently from {}",
                golden.display()
            );
        }
        checked += 1;
    }
    assert!(
        checked >= 7,
        "expected the five seed policies and the demo policy in two languages, found {checked}"
    );
}

/// The demo config names the versions of the demo policies, so that a consent
/// record says which text the visitor could read; they must not drift apart.
#[test]
fn demo_config_names_the_current_policy_versions() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config =
        Config::from_json(&fs::read_to_string(root.join("www/doui-config.json")).unwrap()).unwrap();
    let declared = config
        .policy_version
        .expect("policyVersion in www/doui-config.json");
    for (lang, file) in [
        (doui::i18n::Lang::Ja, "demo-site.ja.md"),
        (doui::i18n::Lang::En, "demo-site.en.md"),
    ] {
        let actual =
            policy::version(&fs::read_to_string(root.join("policies").join(file)).unwrap());
        assert_eq!(
            declared.exact(lang),
            Some(actual.as_str()),
            "policies/{file} changed: set policyVersion.{} in www/doui-config.json to {actual} (and consider bumping revision)",
            lang.tag()
        );
    }
}
