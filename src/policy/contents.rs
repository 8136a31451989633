//! Pass `contents`: after the `#` title (or first, without one) come the dates, the
//! policy's version and the table of contents, so that a visitor sees which text
//! they read and can jump to any section.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

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

/// The pass: `front` goes after the first event if that is a `#` heading's
/// start (after its end, that is), else before everything.
pub struct Contents<'a, I> {
    events: I,
    front: Option<CowStr<'a>>,
    /// Inside the `#` heading the document starts with.
    in_title: bool,
    /// An event that follows the one just returned.
    next: Option<Event<'a>>,
}

impl<'a, I> Contents<'a, I> {
    /// Puts `front` (see [`front`]) into `events`.
    pub fn new(events: I, front: String) -> Self {
        Contents {
            events,
            front: Some(front.into()),
            in_title: false,
            next: None,
        }
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for Contents<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        // Checked before taking: `take` would copy the whole slot for every event.
        if self.next.is_some() {
            return self.next.take();
        }
        let event = self.events.next();
        if self.front.is_none() {
            return event;
        }
        let front = self.front.take()?;
        match event {
            Some(Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            })) if !self.in_title => {
                self.in_title = true;
                self.front = Some(front);
                event
            }
            Some(Event::End(TagEnd::Heading(_))) if self.in_title => {
                self.next = Some(Event::Html(front));
                event
            }
            Some(_) if self.in_title => {
                self.front = Some(front);
                event
            }
            _ => {
                self.next = event;
                Some(Event::Html(front))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{html, Parser};

    fn through(markdown: &str) -> String {
        let mut out = String::new();
        let events = Parser::new_ext(markdown, crate::policy::options());
        html::push_html(&mut out, Contents::new(events, "<nav>F</nav>".into()));
        out
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
