//! Pass `directives`: a fenced block whose info string is a doui directive
//! (```` ```doui-cookies ````, ```` ```doui-transmissions ````) becomes the table
//! built from the config (see `tables`). Any other fenced block stays code.
//!
//! It reads source offsets to name the line of a broken directive. On the first
//! error the stream ends and the error waits in the `failure` slot the caller
//! checks: an adapter cannot return it through `Iterator::next`.

use core::cell::Cell;
use core::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};

use super::tables::{self, Directive};
use super::PolicyError;
use crate::config::Config;
use crate::i18n::Lang;

/// Where the Markdown body sits in the source, to turn offsets into line numbers.
#[derive(Clone, Copy)]
pub struct Lines<'a> {
    /// The Markdown after the front matter.
    pub body: &'a str,
    /// How many source lines come before it.
    pub before: usize,
}

impl Lines<'_> {
    /// The 1-based source line of a byte offset into the body.
    pub fn of(self, offset: usize) -> usize {
        self.before
            + 1
            + self.body.as_bytes()[..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
    }
}

/// The pass, over events with their source ranges; yields events without them.
pub struct Directives<'a, 'r, I> {
    events: I,
    lines: Lines<'a>,
    config: Option<&'r Config>,
    lang: Lang,
    failure: &'r Cell<Option<PolicyError>>,
}

impl<'a, 'r, I> Directives<'a, 'r, I> {
    /// Expands directives in `events` with `config`'s tables in `lang`; an error ends
    /// the stream and is left in `failure`.
    pub fn new(
        events: I,
        lines: Lines<'a>,
        config: Option<&'r Config>,
        lang: Lang,
        failure: &'r Cell<Option<PolicyError>>,
    ) -> Self {
        Directives {
            events,
            lines,
            config,
            lang,
            failure,
        }
    }
}

impl<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> Iterator for Directives<'a, '_, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        let item = self.events.next();
        // Anything but a fenced block's start goes on with one move, out of the pair.
        if !matches!(
            item,
            Some((Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))), _))
        ) {
            return item.map(|(event, _)| event);
        }
        let (event, range) = item?;
        let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) = &event else {
            return Some(event);
        };
        let directive = match Directive::from_info(info) {
            None => return Some(event),
            Some(Ok(d)) => d,
            Some(Err(())) => {
                let line = self.lines.of(range.start);
                let name = info.split_whitespace().next().unwrap_or("").to_string();
                self.failure
                    .set(Some(PolicyError::UnknownDirective { line, name }));
                return None;
            }
        };
        let mut options = String::new();
        for (event, _) in self.events.by_ref() {
            match event {
                Event::End(TagEnd::CodeBlock) => break,
                Event::Text(t) => options.push_str(&t),
                _ => {}
            }
        }
        // The line only names an error, and counting it means reading the body up to
        // the block: a table that builds is never told it. One that does not is built
        // again with its line, which gives the same error with the place in it.
        let expand = |line| tables::expand(directive, &options, line, self.config, self.lang);
        match expand(0).or_else(|_| expand(self.lines.of(range.start))) {
            Ok(html) => Some(Event::Html(html.into())),
            Err(e) => {
                self.failure.set(Some(e));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{html, Parser};

    fn through(markdown: &str, before: usize) -> Result<String, PolicyError> {
        let failure = Cell::new(None);
        let lines = Lines {
            body: markdown,
            before,
        };
        let events = Parser::new_ext(markdown, crate::policy::options()).into_offset_iter();
        let mut out = String::new();
        html::push_html(
            &mut out,
            Directives::new(events, lines, None, Lang::Ja, &failure),
        );
        failure.take().map_or(Ok(out), Err)
    }

    #[test]
    fn other_code_blocks_stay_code() {
        assert_eq!(
            through("```rust\nfn main() {}\n```\n", 0).unwrap(),
            "<pre><code class=\"language-rust\">fn main() {}\n</code></pre>\n"
        );
    }

    #[test]
    fn errors_name_the_source_line_and_end_the_stream() {
        assert_eq!(
            through("text\n\n```doui-cookie\n```\n\nmore\n", 4),
            Err(PolicyError::UnknownDirective {
                line: 7,
                name: "doui-cookie".into()
            })
        );
        assert_eq!(
            through("\n```doui-transmissions\n```\n", 0),
            Err(PolicyError::NeedsConfig {
                line: 2,
                directive: Directive::Transmissions
            })
        );
    }
}
