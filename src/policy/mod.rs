//! Markdown → HTML for privacy policies, as a chain of passes over pulldown-cmark's
//! event stream: raw HTML becomes text, links and images are checked, headings get
//! ids and feed the table of contents, `doui-…` blocks become tables from the config.

mod front_matter;
mod headings;
mod links;
mod tables;

use core::fmt;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

pub use front_matter::{FrontMatter, FrontMatterProblem};
pub use headings::{slug, TocEntry};
pub use links::{classify, Target};
pub use tables::Directive;

use crate::config::Config;
use crate::i18n::{Lang, Msg};
use crate::text::{push_escaped, push_hex};
use headings::IdSet;

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
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "policy line {}: ", self.line())?;
        match self {
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
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in source.as_bytes() {
        if b == b'\r' {
            continue;
        }
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut s = String::new();
    push_hex(&mut s, h ^ (h >> 32), 8);
    s
}

/// Whether a list item's text starts with a marker of its own, as Japanese legal
/// texts number their items: `(1)`, `（２）`, `ア `, `①`, `一 `, `1 `.
fn has_own_marker(text: &str) -> bool {
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

/// The Markdown extensions policies are written with: GitHub tables, footnotes,
/// strikethrough and task lists, and `{#id}` after a heading. Smart punctuation stays
/// off: legal texts are quoted as written.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// What the end of a link or image writes.
#[derive(Clone, Copy, PartialEq)]
enum Closing {
    /// Nothing: the link was dropped, or it sits in an image's alt text.
    Nothing,
    /// `</a>`.
    Anchor,
    /// The hidden "opens in a new tab", then `</a>`.
    External,
    /// The image's own end event.
    Image,
}

/// Writes the start tag of a link as pulldown-cmark's HTML writer does (href
/// percent-encoded, title kept), plus doui's attributes for links to other sites.
fn link_start(href: &str, title: &str, target: Target) -> String {
    let mut a = String::from("<a href=\"");
    // Writing into a String cannot fail.
    let _ = escape_href(&mut a, href);
    if !title.is_empty() {
        a.push_str("\" title=\"");
        let _ = escape_html(&mut a, title);
    }
    a.push('"');
    if target == Target::External {
        a.push_str(" target=\"_blank\" rel=\"noopener noreferrer\"");
    }
    a.push('>');
    a
}

/// Renders a policy. `config` fills the `doui-cookies` and `doui-transmissions` tables.
pub fn render(source: &str, config: Option<&Config>) -> Result<Policy, PolicyError> {
    let (fm, body, body_line) = front_matter::split(source)?;
    let lang_tag = fm.lang.clone().unwrap_or_else(|| "ja".into());
    let lang = Lang::from_tag(&lang_tag).unwrap_or(Lang::Ja);
    let text = |m: Msg| config.map_or(m.builtin(lang), |c| c.text(lang, m));
    let version = version(source);

    let opts = options();
    let line_of = |offset: usize| body_line + 1 + body[..offset].matches('\n').count();

    // Pass 1: collect events, escaping raw HTML, checking links, expanding directives.
    let mut events: Vec<Event> = Vec::new();
    // Ids pulldown-cmark writes as they are (footnote labels) and ids written `{#id}`,
    // so that generated heading ids avoid both.
    let mut footnotes: Vec<CowStr> = Vec::new();
    let mut explicit_ids: Vec<CowStr> = Vec::new();
    let mut link_stack: Vec<Closing> = Vec::new();
    // Kept images open: links inside one are its alt text, not markup.
    let mut in_image = 0usize;
    let mut directive: Option<(Directive, usize, String)> = None;
    for (event, range) in Parser::new_ext(body, opts).into_offset_iter() {
        if let Some((d, line, mut block)) = directive.take() {
            match event {
                Event::End(TagEnd::CodeBlock) => {
                    let html = tables::expand(d, &block, line, config, lang)?;
                    events.push(Event::Html(html.into()));
                }
                Event::Text(t) => {
                    block.push_str(&t);
                    directive = Some((d, line, block));
                }
                _ => directive = Some((d, line, block)),
            }
            continue;
        }
        match event {
            Event::Html(s) | Event::InlineHtml(s) => events.push(Event::Text(s)),
            Event::Start(Tag::HtmlBlock) => events.push(Event::Start(Tag::Paragraph)),
            Event::End(TagEnd::HtmlBlock) => events.push(Event::End(TagEnd::Paragraph)),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(ref info))) => {
                match Directive::from_info(info) {
                    None => events.push(event),
                    Some(Ok(d)) => directive = Some((d, line_of(range.start), String::new())),
                    Some(Err(())) => {
                        return Err(PolicyError::UnknownDirective {
                            line: line_of(range.start),
                            name: info.split_whitespace().next().unwrap_or("").to_string(),
                        })
                    }
                }
            }
            Event::Start(Tag::Heading { level, id, .. }) => {
                // Of `{#id .class key=value}` only the id is kept: classes and
                // attributes would carry event handlers and styles into the page.
                if let Some(id) = &id {
                    explicit_ids.push(id.clone());
                }
                events.push(Event::Start(Tag::Heading {
                    level,
                    id,
                    classes: Vec::new(),
                    attrs: Vec::new(),
                }));
            }
            Event::FootnoteReference(ref name)
            | Event::Start(Tag::FootnoteDefinition(ref name)) => {
                footnotes.push(name.clone());
                events.push(event);
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                // pulldown-cmark's writer adds the scheme of an email autolink.
                let href = if link_type == LinkType::Email {
                    CowStr::from(format!("mailto:{dest_url}"))
                } else {
                    dest_url
                };
                let target = classify(&href);
                let closing = if in_image > 0 || target == Target::Unsafe {
                    Closing::Nothing
                } else {
                    events.push(Event::InlineHtml(link_start(&href, &title, target).into()));
                    if target == Target::External {
                        Closing::External
                    } else {
                        Closing::Anchor
                    }
                };
                link_stack.push(closing);
            }
            Event::End(TagEnd::Link) => match link_stack.pop() {
                Some(Closing::External) => {
                    let mut s = String::from("<span class=\"doui-sr\">");
                    push_escaped(&mut s, text(Msg::NewTab));
                    s.push_str("</span></a>");
                    events.push(Event::InlineHtml(s.into()));
                }
                Some(Closing::Anchor) => events.push(Event::InlineHtml("</a>".into())),
                _ => {}
            },
            // Images from other hosts would be requests to third parties before any
            // consent; only local images are shown, others fall back to their alt text.
            Event::Start(Tag::Image { ref dest_url, .. }) => {
                if classify(dest_url) == Target::Local {
                    link_stack.push(Closing::Image);
                    in_image += 1;
                    events.push(event);
                } else {
                    link_stack.push(Closing::Nothing);
                }
            }
            Event::End(TagEnd::Image) => {
                if link_stack.pop() == Some(Closing::Image) {
                    in_image -= 1;
                    events.push(event);
                }
            }
            Event::Start(Tag::Table(_)) => {
                events.push(Event::Html(
                    "<div class=\"doui-table\" tabindex=\"0\">".into(),
                ));
                events.push(event);
            }
            Event::End(TagEnd::Table) => {
                events.push(event);
                events.push(Event::Html("</div>".into()));
            }
            _ => events.push(event),
        }
    }

    // Pass 2: give every heading a unique id and collect the outline; lists whose
    // items carry their own markers lose the bullet.
    let mut ids = IdSet::default();
    ids.reserve(headings::TOC_TITLE_ID);
    for name in &footnotes {
        ids.reserve(name);
    }
    for id in &explicit_ids {
        ids.grant(id);
    }
    let mut headings = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if matches!(events[i], Event::Start(Tag::List(None))) {
            // Only the first item decides; looking further made a document of
            // many empty lists quadratic.
            let first_text = events[i + 1..]
                .iter()
                .take_while(|e| !matches!(e, Event::End(TagEnd::Item)))
                .find_map(|e| match e {
                    Event::Text(t) => Some(t),
                    _ => None,
                });
            if first_text.is_some_and(|t| has_own_marker(t)) {
                events[i] = Event::Html("<ul class=\"doui-marked\">\n".into());
            }
        }
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level = *level as u8;
            let mut plain = String::new();
            let mut j = i + 1;
            while !matches!(events.get(j), Some(Event::End(TagEnd::Heading(_))) | None) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    plain.push_str(t);
                }
                j += 1;
            }
            let id = match id {
                Some(id) => ids.explicit(id),
                None => ids.unique(&slug(&plain)),
            };
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
                *slot = Some(CowStr::from(id.clone()));
            }
            headings.push(TocEntry {
                level,
                id,
                text: plain,
            });
            i = j;
        }
        i += 1;
    }

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

    // The version line and table of contents go after the first `#` heading (or first).
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
    front.push_str(&version);
    front.push_str("</code></span></p>");
    front.push_str(&headings::toc_html(
        &headings,
        fm.toc_depth,
        text(Msg::TocTitle),
    ));
    let insert_at = if matches!(events.first(), Some(Event::Start(Tag::Heading { level, .. })) if *level as u8 == 1)
    {
        events
            .iter()
            .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
            .map_or(0, |p| p + 1)
    } else {
        0
    };
    events.insert(insert_at, Event::Html(front.into()));

    let mut html = String::from("<article class=\"doui-policy\" lang=\"");
    push_escaped(&mut html, &lang_tag);
    html.push_str("\" data-version=\"");
    html.push_str(&version);
    html.push_str("\">");
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html.push_str("</article>");

    Ok(Policy {
        html,
        title,
        lang: lang_tag,
        version,
        headings,
        front_matter: fm,
    })
}

#[cfg(test)]
mod tests;
