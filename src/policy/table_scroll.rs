//! Pass `table_scroll`: every Markdown table sits in a focusable wrapper that
//! scrolls sideways, so that a wide table on a phone scrolls inside the policy
//! rather than the page, and keyboard users can scroll it too. The generated tables
//! come with the same wrapper (see `tables`).

use pulldown_cmark::{Event, Tag, TagEnd};

/// The wrapper's start tag.
pub const OPEN: &str = "<div class=\"doui-table\" tabindex=\"0\">";

/// The pass.
pub struct TableScroll<'a, I> {
    events: I,
    /// An event that follows the one just returned.
    next: Option<Event<'a>>,
}

impl<I> TableScroll<'_, I> {
    /// Wraps the tables of `events`.
    pub fn new(events: I) -> Self {
        TableScroll { events, next: None }
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for TableScroll<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        // Checked before taking: `take` would copy the whole event slot for every event.
        if self.next.is_some() {
            return self.next.take();
        }
        // Handed on as it came, not unwrapped and wrapped again: no copy of the event.
        let event = self.events.next();
        if matches!(event, Some(Event::Start(Tag::Table(_)))) {
            self.next = event;
            return Some(Event::Html(OPEN.into()));
        }
        if matches!(event, Some(Event::End(TagEnd::Table))) {
            self.next = Some(Event::Html("</div>".into()));
        }
        event
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{html, Parser};

    #[test]
    fn tables_are_wrapped() {
        let mut out = String::new();
        let events = Parser::new_ext("| a |\n|---|\n| 1 |\n\nx\n", crate::policy::options());
        html::push_html(&mut out, TableScroll::new(events));
        assert_eq!(
            out,
            "<div class=\"doui-table\" tabindex=\"0\"><table><thead><tr><th>a</th></tr></thead>\
             <tbody>\n<tr><td>1</td></tr>\n</tbody></table>\n</div>\n<p>x</p>\n"
        );
    }
}
