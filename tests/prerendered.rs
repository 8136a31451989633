//! The demo's home pages carry the prerendered banner and the head script's tag
//! exactly as `doui snippet` prints them for the demo config, so `./dev serve`
//! shows the banner in the first paint and the markup can never be hand-edited
//! out of step. After a change to the config or the banner's markup, rewrite
//! them with `DOUI_BLESS=1 cargo test --test prerendered` and review the diff.

use std::fs;
use std::path::Path;

use doui::config::Config;
use doui::i18n::Lang;
use doui::ui;

/// The consent head script as the demo pages load it.
const HEAD_SRC: &str = "/dist/doui-consent-default.js";

/// `page` with its head script tag and its banner root (one line each) replaced
/// by what `doui snippet` prints, or `None` when the page lacks either.
fn regenerated(page: &str, config: &Config, lang: Lang) -> Option<String> {
    let mut head = false;
    let mut root = false;
    let mut out = String::new();
    for line in page.lines() {
        if line.starts_with(&format!("<script src=\"{HEAD_SRC}\"")) {
            out.push_str(&ui::head_script(config, HEAD_SRC));
            head = true;
        } else if line.starts_with("<div class=\"doui\" ") {
            out.push_str(&ui::snippet(config, lang));
            root = true;
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    (head && root).then_some(out)
}

#[test]
fn demo_pages_carry_the_snippet_doui_prints() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config =
        Config::from_json(&fs::read_to_string(dir.join("www/doui-config.json")).unwrap()).unwrap();
    for (file, lang) in [
        ("www/index.html", Lang::Ja),
        ("www/en/index.html", Lang::En),
    ] {
        let path = dir.join(file);
        let page = fs::read_to_string(&path).unwrap();
        let want = regenerated(&page, &config, lang).unwrap_or_else(|| {
            panic!("{file}: needs a line <script src=\"{HEAD_SRC}\" …> and a line <div class=\"doui\" …>")
        });
        if std::env::var_os("DOUI_BLESS").is_some() {
            fs::write(&path, want).unwrap();
        } else {
            assert!(
                page == want,
                "{file} does not carry what `doui snippet` prints; rewrite it with DOUI_BLESS=1 cargo test --test prerendered"
            );
        }
    }
}
