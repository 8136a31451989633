//! Markdown → HTML for privacy policies. `front_matter` splits off the `---` block;
//! then pulldown-cmark's events run through a chain of passes, each an iterator
//! adapter in a file of its own with its own tests (see [`render`]):
//!
//! | pass | does |
//! |---|---|
//! | `safety` | raw HTML becomes text, headings keep only their id |
//! | `directives` | `doui-…` blocks become tables from the config (`tables`) |
//! | `links` | links written as the reference writes them, unsafe ones dropped, remote images not loaded |
//! | `own_markers` | lists that number themselves lose the bullet |
//! | `table_scroll` | tables scroll sideways inside a focusable wrapper |
//! | `heading_ids` | unique, readable heading ids; the outline |
//! | `contents` | dates, version and table of contents after the title |

mod contents;
mod directives;
mod escape;
mod front_matter;
mod heading_ids;
mod headings;
mod links;
mod options;
mod own_markers;
mod safety;
mod table_scroll;
mod tables;

use core::cell::Cell;
use core::fmt;

use pulldown_cmark::Parser;

pub use front_matter::{FrontMatter, FrontMatterProblem};
pub use headings::{slug, TocEntry};
pub use links::{classify, Target};
pub use options::options;
pub use tables::Directive;

use crate::config::Config;
use crate::i18n::{Lang, Msg};
use crate::text::push_hex;
use contents::Contents;
use directives::{Directives, Lines};
use escape::push_escaped;
use heading_ids::HeadingIds;
use links::Links;
use own_markers::OwnMarkers;
use table_scroll::TableScroll;

/// A rendered policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// The whole `<article>`, safe to insert as HTML.
    pub html: String,
    /// Title from the front matter, else the first `#` heading.
    pub title: String,
    /// Language tag of the text (front matter `lang`, default `ja`).
    pub lang: String,
    /// Short hash of the source, so that a consent record can say which text was shown.
    pub version: String,
    /// Every heading with its id.
    pub headings: Vec<TocEntry>,
    /// What the front matter declared.
    pub front_matter: FrontMatter,
}

/// Why a policy could not be rendered. Every variant names a source line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyError {
    /// The front matter is malformed.
    FrontMatter {
        /// 1-based source line.
        line: usize,
        /// What is wrong.
        problem: FrontMatterProblem,
    },
    /// A ```` ```doui-… ```` block with a name doui does not know.
    UnknownDirective {
        /// 1-based source line.
        line: usize,
        /// The name as written.
        name: String,
    },
    /// A directive needs the site config and none was given.
    NeedsConfig {
        /// 1-based source line.
        line: usize,
        /// Which directive.
        directive: Directive,
    },
    /// The config has nothing for the directive to list.
    NothingToList {
        /// 1-based source line.
        line: usize,
        /// Which directive.
        directive: Directive,
    },
    /// A directive names a category the config does not have.
    UnknownCategory {
        /// 1-based source line.
        line: usize,
        /// The id as written.
        id: String,
    },
    /// A directive option line other than `category: id, id`.
    BadOption {
        /// 1-based source line.
        line: usize,
    },
}

impl PolicyError {
    /// The source line the error is about.
    pub fn line(&self) -> usize {
        match self {
            PolicyError::FrontMatter { line, .. }
            | PolicyError::UnknownDirective { line, .. }
            | PolicyError::NeedsConfig { line, .. }
            | PolicyError::NothingToList { line, .. }
            | PolicyError::UnknownCategory { line, .. }
            | PolicyError::BadOption { line } => *line,
        }
    }

    /// What is wrong, without the place: `unknown block `doui-x` (…)`.
    pub fn problem(&self) -> Problem<'_> {
        Problem(self)
    }
}

/// The problem part of a [`PolicyError`]'s message, without `policy line N: `.
pub struct Problem<'a>(&'a PolicyError);

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "policy line {}: {}", self.line(), self.problem())
    }
}

impl fmt::Display for Problem<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            PolicyError::FrontMatter { problem, .. } => f.write_str(problem.message()),
            PolicyError::UnknownDirective { name, .. } => write!(
                f,
                "unknown block `{name}` (doui knows doui-cookies and doui-transmissions)"
            ),
            PolicyError::NeedsConfig { directive, .. } => write!(
                f,
                "`{}` builds its table from the site config, but no config was given",
                directive.name()
            ),
            PolicyError::NothingToList { directive, .. } => match directive {
                Directive::Cookies => {
                    f.write_str("`doui-cookies`: the config declares no cookies for the selected categories")
                }
                Directive::Transmissions => f.write_str(
                    "`doui-transmissions`: the config declares no transmissions for the selected categories",
                ),
            },
            PolicyError::UnknownCategory { id, .. } => {
                write!(f, "the config has no category `{id}`")
            }
            PolicyError::BadOption { .. } => {
                f.write_str("directive options are written `category: id, id`")
            }
        }
    }
}

impl std::error::Error for PolicyError {}

/// A short, stable hash of a policy's text: 64-bit FNV-1a over the source with
/// line endings normalised, as 8 hex digits. Not a security measure: it tells
/// which text a visitor saw.
pub fn version(source: &str) -> String {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let step = |h: u64, b: u8| (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    // Eight bytes a turn when none is `\r` (the common case): the same hash in
    // about half the instructions of a byte-by-byte loop.
    let mut chunks = source.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        let c: [u8; 8] = chunk.try_into().unwrap_or([b'\r'; 8]);
        let x = u64::from_le_bytes(c) ^ (ONES * b'\r' as u64);
        if x.wrapping_sub(ONES) & !x & (ONES << 7) != 0 {
            h = c
                .iter()
                .filter(|&&b| b != b'\r')
                .fold(h, |h, &b| step(h, b));
            continue;
        }
        // Written out: the size-optimised build does not unroll a loop.
        h = step(step(step(step(h, c[0]), c[1]), c[2]), c[3]);
        h = step(step(step(step(h, c[4]), c[5]), c[6]), c[7]);
    }
    h = chunks
        .remainder()
        .iter()
        .filter(|&&b| b != b'\r')
        .fold(h, |h, &b| step(h, b));
    let mut s = String::new();
    push_hex(&mut s, h ^ (h >> 32), 8);
    s
}

/// Renders a policy. `config` fills the `doui-cookies` and `doui-transmissions` tables.
///
/// The front matter is split off, then pulldown-cmark's events run through the
/// passes below, one file each, in this order; a new pass is one more line.
pub fn render(source: &str, config: Option<&Config>) -> Result<Policy, PolicyError> {
    let (fm, body, before) = front_matter::split(source)?;
    let lang_tag = fm.lang.clone().unwrap_or_else(|| "ja".into());
    let lang = Lang::from_tag(&lang_tag).unwrap_or(Lang::Ja);
    let text = |m: Msg| config.map_or(m.builtin(lang), |c| c.text(lang, m));
    let version = version(source);
    let failure = Cell::new(None);

    // HTML runs about half as long again as its Markdown: one allocation instead of
    // a dozen doublings, each copying everything written so far.
    let mut raw = String::with_capacity(body.len() + body.len() / 2 + 4096);
    raw.push_str("<article class=\"doui-policy\" lang=\"");
    push_escaped(&mut raw, &lang_tag);
    raw.push_str("\" data-version=\"");
    raw.push_str(&version);
    raw.push_str("\">");

    let written = Cell::new(0);
    let events = Parser::new_ext(body, options()).into_offset_iter();
    let events = safety::raw_html_as_text(events);
    let events = Directives::new(events, Lines { body, before }, config, lang, &failure);
    let events = Links::new(events, text(Msg::NewTab));
    let events = OwnMarkers::new(events);
    let events = TableScroll::new(events);
    let events = HeadingIds::new(events, &written);
    let mut events = Contents::new(events, &written);
    write_html(&mut raw, &written, &mut events);
    if let Some(e) = failure.take() {
        return Err(e);
    }
    let (events, front_at) = events.finish();
    let outline = events.finish(&raw);
    let front = contents::front(&fm, &version, &outline.headings, text);
    let mut html = stitch(&raw, front_at.map(|at| (at, front.as_str())), &outline);
    html.push_str("</article>");
    let headings = outline.headings;

    let title = fm
        .title
        .clone()
        .or_else(|| {
            headings
                .iter()
                .find(|h| h.level == 1)
                .map(|h| h.text.clone())
        })
        .unwrap_or_default();
    Ok(Policy {
        html,
        title,
        lang: lang_tag,
        version,
        headings,
        front_matter: fm,
    })
}

/// Writes `events` as pulldown-cmark's writer does, keeping `written` at the number
/// of bytes in `out`, so that passes can note where an event's HTML begins.
fn write_html<'a>(
    out: &mut String,
    written: &Cell<usize>,
    events: impl Iterator<Item = pulldown_cmark::Event<'a>>,
) {
    struct Sink<'o> {
        out: &'o mut String,
        written: &'o Cell<usize>,
    }
    impl fmt::Write for Sink<'_> {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.out.push_str(s);
            self.written.set(self.out.len());
            Ok(())
        }
    }
    written.set(out.len());
    // Writing into a String cannot fail.
    let _ = pulldown_cmark::html::write_html_fmt(Sink { out, written }, events);
}

/// The HTML with what only the whole document tells written in: each heading's id
/// (see `heading_ids`), and the front in place of the contents' placeholder.
fn stitch(raw: &str, front: Option<(usize, &str)>, outline: &heading_ids::Outline) -> String {
    let extra = front.map_or(0, |(_, f)| f.len())
        + outline
            .headings
            .iter()
            .map(|h| h.id.len() + 8)
            .sum::<usize>();
    let mut html = String::with_capacity(raw.len() + extra + "</article>".len());
    let mut from = 0;
    let mut front = front;
    for (h, &at) in outline.headings.iter().zip(&outline.at) {
        if let Some((f, text)) = front.filter(|&(f, _)| f < at) {
            html.push_str(&raw[from..f]);
            html.push_str(text);
            from = f + contents::PLACEHOLDER.len();
            front = None;
        }
        html.push_str(&raw[from..at]);
        html.push_str(" id=\"");
        // As pulldown-cmark's writer escapes the ids it writes.
        let _ = pulldown_cmark_escape::escape_html(&mut html, &h.id);
        html.push('"');
        from = at;
    }
    if let Some((f, text)) = front {
        html.push_str(&raw[from..f]);
        html.push_str(text);
        from = f + contents::PLACEHOLDER.len();
    }
    html.push_str(&raw[from..]);
    html
}

#[cfg(test)]
mod tests;
