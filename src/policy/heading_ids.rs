//! Pass `heading_ids`: every heading gets an id unique in the document, readable
//! (see [`slug`]) or as written `{#id}`, and is listed for the table of contents.
//!
//! Ids must not collide with footnote labels (pulldown-cmark writes them as ids),
//! with the contents' own title, or with an explicit id written further down, so
//! this pass reads the whole document before it hands out the first event.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::headings::{slug, IdSet, TocEntry, TOC_TITLE_ID};

/// The pass: holds the document with ids given, and the headings found.
pub struct HeadingIds<'a> {
    events: std::vec::IntoIter<Event<'a>>,
    headings: Vec<TocEntry>,
}

impl<'a> HeadingIds<'a> {
    /// Reads all of `events` and gives every heading its id.
    pub fn new(events: impl Iterator<Item = Event<'a>>) -> Self {
        let mut events: Vec<Event<'a>> = events.collect();
        let mut ids = IdSet::default();
        ids.reserve(TOC_TITLE_ID);
        let mut explicit: Vec<CowStr> = Vec::new();
        for event in &events {
            match event {
                Event::FootnoteReference(name) | Event::Start(Tag::FootnoteDefinition(name)) => {
                    ids.reserve(name)
                }
                Event::Start(Tag::Heading { id: Some(id), .. }) => explicit.push(id.clone()),
                _ => {}
            }
        }
        for id in &explicit {
            ids.grant(id);
        }

        let mut headings = Vec::new();
        let mut i = 0;
        while i < events.len() {
            if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
                let level = *level as u8;
                let mut text = String::new();
                let mut j = i + 1;
                while !matches!(events.get(j), Some(Event::End(TagEnd::Heading(_))) | None) {
                    if let Event::Text(t) | Event::Code(t) = &events[j] {
                        text.push_str(t);
                    }
                    j += 1;
                }
                let id = match id {
                    Some(id) => ids.explicit(id),
                    None => ids.unique(&slug(&text)),
                };
                if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
                    *slot = Some(CowStr::from(id.clone()));
                }
                headings.push(TocEntry { level, id, text });
                i = j;
            }
            i += 1;
        }
        HeadingIds {
            events: events.into_iter(),
            headings,
        }
    }

    /// Every heading in document order, with its id and plain text.
    pub fn headings(&self) -> &[TocEntry] {
        &self.headings
    }
}

impl<'a> Iterator for HeadingIds<'a> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        self.events.next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{html, Parser};

    fn ids(markdown: &str) -> Vec<String> {
        let pass = HeadingIds::new(Parser::new_ext(markdown, crate::policy::options()));
        pass.headings().iter().map(|h| h.id.clone()).collect()
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
        let pass = HeadingIds::new(Parser::new_ext("## A\n", crate::policy::options()));
        let mut out = String::new();
        html::push_html(&mut out, pass);
        assert_eq!(out, "<h2 id=\"a\">A</h2>\n");
    }
}
