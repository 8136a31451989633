//! Pass `heading_ids`: every heading gets an id unique in the document, readable
//! (see [`slug`]) or as written `{#id}`, and is listed for the table of contents.
//!
//! Ids must not collide with footnote labels (pulldown-cmark writes them as ids),
//! with the contents' own title, or with an explicit id written further down, so
//! no id is known before the whole document is read. Rather than hold every event
//! until then, the pass lets headings through without an id, notes where each one
//! is written (the `written` count the HTML sink keeps), and [`HeadingIds::finish`]
//! hands out the ids; `render` writes them in at those places.

use core::cell::Cell;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::headings::{slug, IdSet, TocEntry, TOC_TITLE_ID};

/// A heading as it went by.
struct Seen<'a> {
    level: u8,
    /// As written `{#id}`.
    id: Option<CowStr<'a>>,
    text: String,
    /// HTML bytes written before it.
    at: usize,
}

/// The pass: notes the headings, footnote labels and explicit ids going by.
pub struct HeadingIds<'a, 'w, I> {
    events: I,
    written: &'w Cell<usize>,
    headings: Vec<Seen<'a>>,
    footnotes: Vec<CowStr<'a>>,
    in_heading: bool,
}

/// The headings of a document with their ids, and where each id goes.
pub struct Outline {
    /// Every heading in document order, with its id and plain text.
    pub headings: Vec<TocEntry>,
    /// Per heading, the byte offset in the HTML where ` id="…"` belongs: just
    /// after `<hN`.
    pub at: Vec<usize>,
}

impl<'a, 'w, I> HeadingIds<'a, 'w, I> {
    /// Watches `events`; `written` counts the HTML bytes written so far.
    pub fn new(events: I, written: &'w Cell<usize>) -> Self {
        HeadingIds {
            events,
            written,
            headings: Vec::new(),
            footnotes: Vec::new(),
            in_heading: false,
        }
    }

    /// Gives every heading its id, once all events have been written into `html`.
    pub fn finish(self, html: &str) -> Outline {
        let mut ids = IdSet::with_capacity(self.headings.len() + self.footnotes.len() + 1);
        ids.reserve(TOC_TITLE_ID);
        for name in &self.footnotes {
            ids.reserve(name);
        }
        for id in self.headings.iter().filter_map(|h| h.id.as_deref()) {
            ids.grant(id);
        }
        let mut headings = Vec::with_capacity(self.headings.len());
        let mut at = Vec::with_capacity(self.headings.len());
        for h in self.headings {
            let id = match &h.id {
                Some(id) => ids.explicit(id),
                None => ids.unique(slug(&h.text)),
            };
            // The writer wrote `<hN` there, after a newline unless one ended the
            // HTML before it, and after the contents' placeholder when the pass that
            // places it has read the heading ahead.
            let start = html[h.at..].find('<').map_or(html.len(), |i| h.at + i);
            at.push((start + 3).min(html.len()));
            headings.push(TocEntry {
                level: h.level,
                id,
                text: h.text,
            });
        }
        Outline { headings, at }
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for HeadingIds<'a, '_, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        // Looked at where it lies and handed on as it came: no copy of the event.
        let mut event = self.events.next();
        match &mut event {
            Some(Event::Text(t) | Event::Code(t)) if self.in_heading => {
                if let Some(h) = self.headings.last_mut() {
                    h.text.push_str(t);
                }
            }
            Some(Event::Start(Tag::Heading { level, id, .. })) => {
                self.in_heading = true;
                self.headings.push(Seen {
                    level: *level as u8,
                    id: id.take(),
                    text: String::new(),
                    at: self.written.get(),
                });
            }
            Some(Event::End(TagEnd::Heading(_))) => self.in_heading = false,
            Some(Event::FootnoteReference(name) | Event::Start(Tag::FootnoteDefinition(name))) => {
                self.footnotes.push(name.clone())
            }
            _ => {}
        }
        event
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    fn outline(markdown: &str) -> (String, Outline) {
        let written = Cell::new(0);
        let mut pass = HeadingIds::new(
            Parser::new_ext(markdown, crate::policy::options()),
            &written,
        );
        let mut html = String::new();
        crate::policy::write_html(&mut html, &written, &mut pass);
        let outline = pass.finish(&html);
        (html, outline)
    }

    fn ids(markdown: &str) -> Vec<String> {
        outline(markdown)
            .1
            .headings
            .into_iter()
            .map(|h| h.id)
            .collect()
    }

    #[test]
    fn ids_are_readable_and_unique() {
        assert_eq!(
            ids("# 方針\n## 第1条（目的）\n## 第1条（目的）\n### Cookie の`利用`\n"),
            ["方針", "第1条目的", "第1条目的-2", "cookie-の利用"]
        );
    }

    #[test]
    fn footnotes_the_contents_and_explicit_ids_keep_theirs() {
        assert_eq!(
            ids("## 1\n## doui-toc-title\n## later\n## x {#later}\n## y {#later}\n\n[^1]\n\n[^1]: n\n"),
            ["1-2", "doui-toc-title-2", "later-2", "later", "later-3"]
        );
    }

    #[test]
    fn ids_are_written_into_the_headings() {
        let (html, outline) = outline("## A & B\n\ntext\n\n### C {#c\"d}\n");
        assert_eq!(
            crate::policy::stitch(&html, None, &outline),
            "<h2 id=\"a-b\">A &amp; B</h2>\n<p>text</p>\n<h3 id=\"c&quot;d\">C</h3>\n"
        );
        // After HTML that does not end a line, the writer starts the heading with one.
        let written = Cell::new(0);
        let events = std::iter::once(Event::Html("<hr>".into()))
            .chain(Parser::new_ext("## A\n", crate::policy::options()));
        let mut pass = HeadingIds::new(events, &written);
        let mut html = String::new();
        crate::policy::write_html(&mut html, &written, &mut pass);
        let outline = pass.finish(&html);
        assert_eq!(
            crate::policy::stitch(&html, None, &outline),
            "<hr>\n<h2 id=\"a\">A</h2>\n"
        );
    }
}
