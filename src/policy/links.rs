//! Pass `links`: which link and image targets a rendered policy may use, and how
//! links are written. Links keep pulldown-cmark's href and title, as its writer
//! writes them; links to other sites open in a new tab, say so to screen readers,
//! and send no opener or referrer; unsafe schemes lose their link and keep their
//! text. Only local images load: one from another host would be a request to a
//! third party before any consent, so it shows its alt text instead.

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

use super::escape::push_escaped;

/// What a URL in the Markdown may become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A path, fragment or relative reference on this site.
    Local,
    /// An absolute http(s) URL: opened in a new tab without `window.opener` or referrer.
    External,
    /// `mailto:` or `tel:`.
    Contact,
    /// `javascript:`, `data:`, `vbscript:`, `file:` or anything else: not linked.
    Unsafe,
}

/// Classifies a link destination. The scheme is read the way browsers read it:
/// tabs, newlines and leading spaces are ignored and case does not matter, so
/// `java\tscript:` and ` JavaScript:` are caught too.
pub fn classify(url: &str) -> Target {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let end = cleaned.find(['/', '?', '#']).unwrap_or(cleaned.len());
    let Some(colon) = cleaned[..end].find(':') else {
        // No scheme: relative. `//host/…` is protocol-relative, i.e. external.
        return if cleaned.starts_with("//") {
            Target::External
        } else {
            Target::Local
        };
    };
    let scheme = cleaned[..colon].to_ascii_lowercase();
    match scheme.as_str() {
        "http" | "https" => Target::External,
        "mailto" | "tel" => Target::Contact,
        _ => Target::Unsafe,
    }
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

/// The pass.
pub struct Links<I> {
    events: I,
    /// One entry per open link or image.
    open: Vec<Closing>,
    /// Kept images open: links inside one are its alt text, not markup.
    in_image: usize,
    /// The end of a link to another site: the hidden note, then `</a>`.
    external_end: String,
}

impl<I> Links<I> {
    /// Checks the links and images of `events`; `new_tab` is the hidden text
    /// "(opens in a new tab)" in the policy's language.
    pub fn new(events: I, new_tab: &str) -> Self {
        let mut external_end = String::from("<span class=\"doui-sr\">");
        push_escaped(&mut external_end, new_tab);
        external_end.push_str("</span></a>");
        Links {
            events,
            open: Vec::new(),
            in_image: 0,
            external_end,
        }
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for Links<I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            let event = self.events.next();
            // Anything but a link or an image is handed on as it came, without
            // unwrapping it: no copy of the event.
            if !matches!(
                event,
                Some(
                    Event::Start(Tag::Link { .. } | Tag::Image { .. })
                        | Event::End(TagEnd::Link | TagEnd::Image)
                )
            ) {
                return event;
            }
            let event = event?;
            match event {
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
                    if self.in_image > 0 || target == Target::Unsafe {
                        self.open.push(Closing::Nothing);
                        continue;
                    }
                    self.open.push(if target == Target::External {
                        Closing::External
                    } else {
                        Closing::Anchor
                    });
                    return Some(Event::InlineHtml(link_start(&href, &title, target).into()));
                }
                Event::End(TagEnd::Link) => match self.open.pop() {
                    Some(Closing::External) => {
                        return Some(Event::InlineHtml(self.external_end.clone().into()))
                    }
                    Some(Closing::Anchor) => return Some(Event::InlineHtml("</a>".into())),
                    _ => {}
                },
                Event::Start(Tag::Image { ref dest_url, .. }) => {
                    if classify(dest_url) == Target::Local {
                        self.open.push(Closing::Image);
                        self.in_image += 1;
                        return Some(event);
                    }
                    self.open.push(Closing::Nothing);
                }
                Event::End(TagEnd::Image) => {
                    if self.open.pop() == Some(Closing::Image) {
                        self.in_image -= 1;
                        return Some(event);
                    }
                }
                _ => return Some(event),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{html, Parser};

    fn through(markdown: &str) -> String {
        let events = Parser::new_ext(markdown, crate::policy::options());
        let mut out = String::new();
        html::push_html(&mut out, Links::new(events, "(new tab)"));
        out
    }

    #[test]
    fn links_are_written_as_the_reference_writes_them() {
        assert_eq!(
            through("[a](/x \"t\") <i@example.jp> [b](foo\\bar)\n"),
            "<p><a href=\"/x\" title=\"t\">a</a> <a href=\"mailto:i@example.jp\">i@example.jp</a> \
             <a href=\"foo%5Cbar\">b</a></p>\n"
        );
    }

    #[test]
    fn external_links_open_safely_and_unsafe_ones_are_text() {
        assert_eq!(
            through("[e](https://example.com/) [j](javascript:alert(1))\n"),
            "<p><a href=\"https://example.com/\" target=\"_blank\" rel=\"noopener noreferrer\">e\
             <span class=\"doui-sr\">(new tab)</span></a> j</p>\n"
        );
    }

    #[test]
    fn images_load_only_from_the_site_and_their_alt_text_stays_text() {
        assert_eq!(
            through("![a [b](https://example.com/)](/i.png) ![p](https://t.example/p.gif)\n"),
            "<p><img src=\"/i.png\" alt=\"a b\" /> p</p>\n"
        );
    }

    #[test]
    fn classifies() {
        for (url, t) in [
            ("/privacy", Target::Local),
            ("#第1条", Target::Local),
            ("policy.html?x=a:b", Target::Local),
            ("https://example.com/a:b", Target::External),
            ("HTTP://example.com", Target::External),
            ("//evil.example/x", Target::External),
            ("mailto:info@example.jp", Target::Contact),
            ("tel:0120-000-000", Target::Contact),
            ("javascript:alert(1)", Target::Unsafe),
            (" JaVaScRiPt:alert(1)", Target::Unsafe),
            ("java\tscript:alert(1)", Target::Unsafe),
            ("java\nscript:alert(1)", Target::Unsafe),
            ("\u{1}javascript:alert(1)", Target::Unsafe),
            ("data:text/html,<script>alert(1)</script>", Target::Unsafe),
            ("vbscript:msgbox", Target::Unsafe),
            ("file:///etc/passwd", Target::Unsafe),
        ] {
            assert_eq!(classify(url), t, "{url:?}");
        }
    }
}
