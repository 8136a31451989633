//! wasm tests in headless Chromium: the web layer against a real DOM.
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
        .ok()
        .expect("renders");
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
