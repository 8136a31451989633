//! Pass `own_markers`: a bulleted list whose first item starts with a marker of its
//! own, as Japanese legal texts number their items (`(1)`, `ア`, `①`), is written
//! `<ul class="doui-marked">`, which the stylesheet shows without bullets.

use std::collections::VecDeque;

use pulldown_cmark::{Event, Tag, TagEnd};

/// Whether a list item's text starts with a marker of its own, as Japanese legal
/// texts number their items: `(1)`, `（２）`, `ア `, `①`, `一 `, `1 `.
pub fn has_own_marker(text: &str) -> bool {
    let mut chars = text.chars();
    let (Some(first), second) = (chars.next(), chars.next()) else {
        return false;
    };
    let spaced = |c: Option<char>| matches!(c, Some(' ' | '\u{3000}' | '、'));
    match first {
        '(' | '（' => text.chars().take(8).any(|c| c == ')' || c == '）'),
        '\u{2460}'..='\u{2473}' => true,
        '\u{30A1}'..='\u{30FA}'
        | '一'
        | '二'
        | '三'
        | '四'
        | '五'
        | '六'
        | '七'
        | '八'
        | '九'
        | '十' => spaced(second),
        '0'..='9' | '０'..='９' => {
            let rest =
                text.trim_start_matches(|c: char| c.is_ascii_digit() || ('０'..='９').contains(&c));
            spaced(rest.chars().next())
        }
        _ => false,
    }
}

/// The pass. Events from a list's start to the first text or item end are held
/// back until that decides the list; only the first item decides, since looking
/// further made a document of many empty lists quadratic.
pub struct OwnMarkers<'a, I> {
    events: I,
    held: VecDeque<Event<'a>>,
    /// Positions in `held` of bulleted list starts not decided yet.
    undecided: Vec<usize>,
}

impl<I> OwnMarkers<'_, I> {
    /// Marks the lists of `events` that number themselves.
    pub fn new(events: I) -> Self {
        OwnMarkers {
            events,
            held: VecDeque::new(),
            undecided: Vec::new(),
        }
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for OwnMarkers<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        // The common case, outside a list's first item: nothing held, and an event
        // that starts no bulleted list goes straight through.
        if self.held.is_empty() {
            // Handed on as it came, not unwrapped and wrapped again: no copy of the event.
            let event = self.events.next();
            if !matches!(event, Some(Event::Start(Tag::List(None)))) {
                return event;
            }
            self.undecided.push(0);
            self.held.extend(event);
        }
        while !self.undecided.is_empty() {
            let Some(event) = self.events.next() else {
                self.undecided.clear();
                break;
            };
            let marked = match &event {
                Event::Start(Tag::List(None)) => {
                    self.undecided.push(self.held.len());
                    None
                }
                Event::Text(t) if !self.undecided.is_empty() => Some(has_own_marker(t)),
                Event::End(TagEnd::Item) if !self.undecided.is_empty() => Some(false),
                _ => None,
            };
            self.held.push_back(event);
            // A text or item end is the first of every list still undecided.
            if marked == Some(true) {
                for &i in &self.undecided {
                    self.held[i] = Event::Html("<ul class=\"doui-marked\">\n".into());
                }
            }
            if marked.is_some() {
                self.undecided.clear();
            }
        }
        self.held.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{html, Parser};

    fn through(markdown: &str) -> String {
        let mut out = String::new();
        let events = Parser::new_ext(markdown, crate::policy::options());
        html::push_html(&mut out, OwnMarkers::new(events));
        out
    }

    #[test]
    fn lists_that_number_themselves_lose_the_bullet() {
        let out = through(
            "- (1) 一つ目\n- (2) 二つ目\n  - ア 細目\n  - イ 細目\n\n段落\n\n- 普通の箇条\n",
        );
        assert_eq!(
            out.matches("<ul class=\"doui-marked\">").count(),
            2,
            "{out}"
        );
        assert!(out.contains("<ul>\n<li>普通の箇条"));
        // A nested list inside the first item: the first text decides both.
        let out = through("- - (1) x\n\n1. (a) ordered lists keep their numbers\n");
        assert_eq!(
            out.matches("<ul class=\"doui-marked\">").count(),
            2,
            "{out}"
        );
        assert!(out.contains("<ol>"));
        // An empty first item decides: no marker.
        assert_eq!(through("- \n- (1) x\n").matches("doui-marked").count(), 0);
    }

    #[test]
    fn markers() {
        for yes in ["(1) x", "（２） x", "ア x", "① x", "一 x", "10 x", "２　x"] {
            assert!(has_own_marker(yes), "{yes}");
        }
        for no in ["アクセス", "一般", "2024年", "Cookie", ""] {
            assert!(!has_own_marker(no), "{no}");
        }
    }
}
