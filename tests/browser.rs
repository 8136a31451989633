//! wasm tests in headless Chromium: the policy module and the banner module's
//! exports against a real DOM and cookie jar.
//! Run by `./dev test` (`cargo test --target wasm32-unknown-unknown --features banner,policy --test browser`).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;
use web_sys::{Document, Element};

wasm_bindgen_test_configure!(run_in_browser);

const CONFIG: &str = include_str!("../www/doui-config.json");

fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

fn fresh_div() -> Element {
    let doc = document();
    let el = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&el).unwrap();
    el
}

#[wasm_bindgen_test]
fn policy_export_renders_into_the_page() {
    let el = fresh_div();
    let md = "---\nlang: ja\n---\n# 方針\n\n## 第1条（目的）\n\n<script>window.pwned = 1</script>\n\n```doui-cookies\ncategory: analytics\n```\n";
    let version = doui::web::policy::mount_policy(&el, md, Some(CONFIG.into()))
        .unwrap_or_else(|_| panic!("renders"));
    assert_eq!(version, doui::policy::version(md));
    assert_eq!(
        el.get_attribute("data-doui-version").as_deref(),
        Some(version.as_str())
    );
    let doc = document();
    assert_eq!(doc.get_element_by_id("第1条目的").unwrap().tag_name(), "H2");
    let toc_link = el.query_selector("nav.doui-toc a").unwrap().unwrap();
    assert_eq!(
        toc_link.get_attribute("href").as_deref(),
        Some("#第1条目的")
    );
    // The raw script is text, not an element.
    assert!(el.query_selector("script").unwrap().is_none());
    assert!(el.text_content().unwrap().contains("<script>"));
    // The cookie table comes from the config.
    let caption = el.query_selector("caption").unwrap().unwrap();
    assert_eq!(caption.text_content().as_deref(), Some("アクセス解析"));
    assert!(el.inner_html().contains("<code>_ga</code>"));
    el.remove();
}

#[wasm_bindgen_test]
fn policy_errors_are_thrown_and_leave_the_target_alone() {
    let el = fresh_div();
    el.set_inner_html("<p>before</p>");
    let err = doui::web::policy::render_policy("```doui-nope\n```\n", None).err();
    assert!(err.is_some());
    let mounted = doui::web::policy::mount_policy(&el, "```doui-cookies\n```\n", None);
    assert!(mounted.is_err());
    assert_eq!(el.inner_html(), "<p>before</p>");
    el.remove();
}

/// The banner module's exports, as banner.js drives them: start, decide,
/// confirm against the real `document.cookie`, then the gate and deletions.
#[wasm_bindgen_test]
fn banner_exports_record_a_choice_in_the_real_cookie_jar() {
    use doui::web::banner;
    use wasm_bindgen::JsCast;
    let doc: web_sys::HtmlDocument = document().unchecked_into();
    let problem = banner::start(
        CONFIG,
        "en",
        "en-GB,ja",
        "",
        1_790_000_000.0,
        doui::contract::COOKIES,
        "localhost".into(),
        "/".into(),
    );
    assert_eq!(problem, "");
    assert_eq!(banner::state() & doui::contract::CHOICE, 0);
    assert!(banner::banner_html().contains(">Accept all<"));
    assert!(!banner::allows("analytics"));
    assert!(banner::allows("!analytics"));
    let line = banner::decide(
        doui::contract::SET_ONE,
        "analytics",
        true,
        &[7; 16],
        1_790_000_000.0,
    );
    assert!(
        line.starts_with("doui_consent=1.BwcHBwcHBwcHBwcHBwcHBw.1790000000.1."),
        "{line}"
    );
    doc.set_cookie(&line).unwrap();
    assert_eq!(
        banner::confirm(&doc.cookie().unwrap()),
        "Your choices have been saved."
    );
    assert!(banner::accepted("google-analytics"));
    assert!(banner::allows("analytics") && !banner::allows("advertising"));
    assert!(banner::consent_mode().contains("\"analytics_storage\":\"granted\""));
    // Refusing analytics deletes its cookies, on the paths a page could have set them.
    doc.set_cookie("_ga=GA1.1; Path=/").unwrap();
    assert!(!banner::decide(
        doui::contract::SET_ONE,
        "analytics",
        false,
        &[8; 16],
        1_790_000_001.0
    )
    .is_empty());
    let deletions = banner::deletions(&doc.cookie().unwrap());
    assert!(
        deletions.contains("_ga=; Max-Age=0; Path=/\n"),
        "{deletions}"
    );
    assert_eq!(
        banner::decide(doui::contract::SET_ONE, "no-such-id", true, &[9; 16], 1.0),
        ""
    );
    doc.set_cookie("doui_consent=; Max-Age=0; Path=/").unwrap();
    doc.set_cookie("_ga=; Max-Age=0; Path=/").unwrap();
}

#[wasm_bindgen_test]
fn banner_start_reports_the_line_of_an_invalid_config() {
    let problem = doui::web::banner::start(
        "{\n \"revision\": 0\n}",
        "ja",
        "",
        "",
        0.0,
        0,
        String::new(),
        String::new(),
    );
    assert!(problem.starts_with("config line 2"), "{problem}");
    assert!(!doui::web::banner::accepted("necessary"));
}
