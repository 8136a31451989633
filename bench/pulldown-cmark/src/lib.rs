//! Bare pulldown-cmark behind wasm-bindgen, built as doui's policy module is built
//! (`./dev bench`): the browser benchmark renders with it beside doui and
//! markdown-it, so that its figures show what the Markdown engine and the string
//! boundary alone cost, without doui's passes, ids, contents and tables.

use pulldown_cmark::{html, Parser};
use wasm_bindgen::prelude::*;

// doui's own Markdown options, from the file the policy module compiles.
#[path = "../../../src/policy/options.rs"]
mod options;
use options::options;

/// Markdown to HTML with pulldown-cmark's own writer, into a string sized as doui
/// sizes its own.
#[wasm_bindgen(js_name = renderBare)]
pub fn render_bare(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() + markdown.len() / 2 + 4096);
    html::push_html(&mut out, Parser::new_ext(markdown, options()));
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn renders_as_pulldown_cmark_does() {
        assert_eq!(
            super::render_bare("# T\n\n*a*\n"),
            "<h1>T</h1>\n<p><em>a</em></p>\n"
        );
    }
}
