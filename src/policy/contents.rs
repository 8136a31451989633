//! Pass `contents`: after the `#` title (or first, without one) come the dates, the
//! policy's version and the table of contents, so that a visitor sees which text
//! they read and can jump to any section.

use core::cell::Cell;

use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};

use super::escape::push_escaped;
use super::front_matter::FrontMatter;
use super::headings::TocEntry;
use crate::i18n::Msg;

/// The dates, the version and the table of contents, as HTML. `text` gives the
/// labels in the policy's language.
pub fn front<'t>(
    fm: &FrontMatter,
    version: &str,
    headings: &[TocEntry],
    text: impl Fn(Msg) -> &'t str,
) -> String {
    let mut front = String::from("<p class=\"doui-policy-meta\">");
    for (label, date) in fm
        .effective
        .iter()
        .map(|d| (Msg::Effective, d))
        .chain(fm.revised.iter().map(|d| (Msg::Revised, d)))
    {
        front.push_str("<span>");
        push_escaped(&mut front, text(label));
        front.push_str(" <time datetime=\"");
        push_escaped(&mut front, date);
        front.push_str("\">");
        push_escaped(&mut front, date);
        front.push_str("</time></span> ");
    }
    front.push_str("<span>");
    push_escaped(&mut front, text(Msg::PolicyVersion));
    front.push_str(" <code class=\"doui-policy-version\">");
    front.push_str(version);
    front.push_str("</code></span></p>");
    front.push_str(&toc_html(headings, fm.toc_depth, text(Msg::TocTitle)));
    front
}

/// Writes the table of contents as nested lists, levels 2..=`depth`.
pub fn toc_html(entries: &[TocEntry], depth: u8, title: &str) -> String {
    let listed: Vec<&TocEntry> = entries
        .iter()
        .filter(|e| e.level >= 2 && e.level <= depth)
        .collect();
    if listed.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<nav class=\"doui-toc\" aria-labelledby=\"doui-toc-title\"><h2 id=\"doui-toc-title\" class=\"doui-toc-title\">",
    );
    push_escaped(&mut out, title);
    out.push_str("</h2>");
    // `open` holds the levels of the lists currently open.
    let mut open: Vec<u8> = Vec::new();
    for e in listed {
        match open.last() {
            Some(&top) if e.level > top => {
                out.push_str("<ul>");
                open.push(e.level);
            }
            Some(_) => {
                while open.len() > 1 && e.level < *open.last().unwrap_or(&0) {
                    out.push_str("</li></ul>");
                    open.pop();
                }
                out.push_str("</li>");
            }
            None => {
                out.push_str("<ul>");
                open.push(e.level);
            }
        }
        out.push_str("<li><a href=\"#");
        push_escaped(&mut out, &e.id);
        out.push_str("\">");
        push_escaped(&mut out, &e.text);
        out.push_str("</a>");
    }
    for _ in open {
        out.push_str("</li></ul>");
    }
    out.push_str("</nav>");
    out
}

/// Where the pass stands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Nothing passed yet.
    Start,
    /// Inside the `#` heading the document starts with.
    InTitle,
    /// The title has ended: the front comes next.
    Due,
    /// The front came before the event held.
    Holding,
    /// The front is placed.
    Placed,
}

/// What the front stands in for until the headings are known: one byte that does
/// not end a line, so the writer goes on as it would after the front itself.
pub const PLACEHOLDER: &str = " ";

/// The pass: the front (see [`front`]) goes after the first event if that is a `#`
/// heading's start (after its end, that is), else before everything. The table of
/// contents lists headings further down, so the pass writes [`PLACEHOLDER`] and
/// notes where; `render` puts the front there once every heading has its id.
pub struct Contents<'a, 'w, I> {
    events: I,
    written: &'w Cell<usize>,
    state: State,
    /// HTML bytes written before the placeholder.
    at: Option<usize>,
    /// The event that follows the placeholder.
    held: Option<Event<'a>>,
}

impl<'a, 'w, I> Contents<'a, 'w, I> {
    /// Places the front into `events`; `written` counts the HTML bytes written so far.
    pub fn new(events: I, written: &'w Cell<usize>) -> Self {
        Contents {
            events,
            written,
            state: State::Start,
            at: None,
            held: None,
        }
    }

    /// The pass it wraps, and the byte offset of the placeholder in the HTML (none
    /// if the stream was cut short).
    pub fn finish(self) -> (I, Option<usize>) {
        (self.events, self.at)
    }

    fn place(&mut self, then: State) -> Option<Event<'a>> {
        self.state = then;
        self.at = Some(self.written.get());
        Some(Event::Html(PLACEHOLDER.into()))
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for Contents<'a, '_, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        match self.state {
            State::Placed => self.events.next(),
            State::Holding => {
                self.state = State::Placed;
                self.held.take()
            }
            State::Due => self.place(State::Placed),
            State::Start => {
                let event = self.events.next();
                if let Some(Event::Start(Tag::Heading {
                    level: HeadingLevel::H1,
                    ..
                })) = event
                {
                    self.state = State::InTitle;
                    return event;
                }
                self.held = event;
                self.place(State::Holding)
            }
            State::InTitle => match self.events.next() {
                Some(event @ Event::End(TagEnd::Heading(_))) => {
                    self.state = State::Due;
                    Some(event)
                }
                Some(event) => Some(event),
                None => self.place(State::Placed),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    fn through(markdown: &str) -> String {
        let written = Cell::new(0);
        let mut pass = Contents::new(
            Parser::new_ext(markdown, crate::policy::options()),
            &written,
        );
        let mut html = String::new();
        crate::policy::write_html(&mut html, &written, &mut pass);
        let at = pass.finish().1.unwrap();
        assert_eq!(&html[at..at + 1], PLACEHOLDER);
        html.replace_range(at..at + 1, "<nav>F</nav>");
        html
    }

    #[test]
    fn the_front_follows_the_title_or_comes_first() {
        assert_eq!(
            through("# T *x*\n\n## A\n"),
            "<h1>T <em>x</em></h1>\n<nav>F</nav>\n<h2>A</h2>\n"
        );
        assert_eq!(
            through("## A\n\n# T\n"),
            "<nav>F</nav>\n<h2>A</h2>\n<h1>T</h1>\n"
        );
        assert_eq!(through(""), "<nav>F</nav>");
    }

    #[test]
    fn nested_toc() {
        let e = |level, id: &str| TocEntry {
            level,
            id: id.into(),
            text: id.into(),
        };
        let html = toc_html(
            &[
                e(1, "t"),
                e(2, "a"),
                e(3, "a1"),
                e(4, "deep"),
                e(2, "b"),
                e(3, "b1"),
                e(3, "b2"),
            ],
            3,
            "目次",
        );
        assert_eq!(
            html,
            "<nav class=\"doui-toc\" aria-labelledby=\"doui-toc-title\"><h2 id=\"doui-toc-title\" class=\"doui-toc-title\">目次</h2>\
             <ul><li><a href=\"#a\">a</a><ul><li><a href=\"#a1\">a1</a></li></ul></li>\
             <li><a href=\"#b\">b</a><ul><li><a href=\"#b1\">b1</a></li><li><a href=\"#b2\">b2</a></li></ul></li></ul></nav>"
        );
        // A document that starts deeper than level 2 still nests correctly.
        let html = toc_html(&[e(3, "x"), e(2, "y")], 3, "T");
        assert!(
            html.contains("<ul><li><a href=\"#x\">x</a></li><li><a href=\"#y\">y</a></li></ul>")
        );
        assert_eq!(toc_html(&[e(1, "only")], 3, "T"), "");
    }
}
