//! Pass `safety`: nothing in the Markdown becomes markup doui did not write itself.
//! Raw HTML is shown as text (an HTML block as a paragraph of its text), and of a
//! heading's `{#id .class key=value}` only the id is kept: classes and attributes
//! would carry styles and event handlers into the page.
//!
//! It runs first, on pulldown-cmark's own events, so that the markup later passes
//! write (links, generated tables) is never mistaken for the author's.

use core::mem;
use core::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// Raw HTML as text, headings without classes and attributes: see the module.
pub fn raw_html_as_text<'a>(
    events: impl Iterator<Item = (Event<'a>, Range<usize>)>,
) -> impl Iterator<Item = (Event<'a>, Range<usize>)> {
    RawHtmlAsText(events)
}

/// The pass. It changes events where they lie rather than building new ones, so
/// that the event it hands on is the one it was handed, not a copy.
struct RawHtmlAsText<I>(I);

impl<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> Iterator for RawHtmlAsText<I> {
    type Item = (Event<'a>, Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        let mut item = self.0.next();
        if let Some((event, _)) = &mut item {
            match event {
                Event::Html(s) | Event::InlineHtml(s) => {
                    let s = mem::replace(s, CowStr::Borrowed(""));
                    *event = Event::Text(s);
                }
                Event::Start(Tag::HtmlBlock) => *event = Event::Start(Tag::Paragraph),
                Event::End(TagEnd::HtmlBlock) => *event = Event::End(TagEnd::Paragraph),
                Event::Start(Tag::Heading { classes, attrs, .. }) => {
                    *classes = Vec::new();
                    *attrs = Vec::new();
                }
                _ => {}
            }
        }
        item
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{html, Parser};

    fn through(markdown: &str) -> String {
        let events = Parser::new_ext(markdown, crate::policy::options()).into_offset_iter();
        let mut out = String::new();
        html::push_html(&mut out, raw_html_as_text(events).map(|(e, _)| e));
        out
    }

    #[test]
    fn raw_html_is_text() {
        assert_eq!(
            through("<script>alert(1)</script>\n\nA <b onclick=x>b</b>\n"),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;\n</p>\n<p>A &lt;b onclick=x&gt;b&lt;/b&gt;</p>\n"
        );
    }

    #[test]
    fn headings_keep_only_their_id() {
        assert_eq!(
            through("## A {#a .x onclick=alert(1)}\n"),
            "<h2 id=\"a\">A</h2>\n"
        );
    }

    #[test]
    fn everything_else_is_untouched() {
        let md = "# T\n\n- [a](/b)\n\n```\n<i>\n```\n";
        let mut want = String::new();
        html::push_html(&mut want, Parser::new_ext(md, crate::policy::options()));
        assert_eq!(through(md), want);
    }
}
