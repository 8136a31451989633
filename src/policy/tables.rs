//! Tables generated from the config: the cookie declaration and the external
//! transmission notice (外部送信). Written into the policy where a fenced block
//! ```` ```doui-cookies ```` or ```` ```doui-transmissions ```` stands.

use super::escape::push_escaped;
use super::PolicyError;
use crate::config::{Category, Config, Party};
use crate::i18n::{push_lifetime, Lang, Msg};

/// A fenced block the renderer replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Directive {
    /// ```` ```doui-cookies ````
    Cookies,
    /// ```` ```doui-transmissions ````
    Transmissions,
}

impl Directive {
    /// The directive named by a fenced block's info string, if the block is one of
    /// doui's (`doui-…`). `Err` for a `doui-` name that does not exist.
    pub fn from_info(info: &str) -> Option<Result<Directive, ()>> {
        let name = info.split_whitespace().next()?;
        if !name.starts_with("doui-") {
            return None;
        }
        Some(match name {
            "doui-cookies" => Ok(Directive::Cookies),
            "doui-transmissions" => Ok(Directive::Transmissions),
            _ => Err(()),
        })
    }

    /// The name written in Markdown.
    pub fn name(self) -> &'static str {
        match self {
            Directive::Cookies => "doui-cookies",
            Directive::Transmissions => "doui-transmissions",
        }
    }
}

/// Expands a directive block. `body` holds its option lines; `line` is where it starts.
pub fn expand(
    directive: Directive,
    body: &str,
    line: usize,
    config: Option<&Config>,
    lang: Lang,
) -> Result<String, PolicyError> {
    let config = config.ok_or(PolicyError::NeedsConfig { line, directive })?;
    let categories = select_categories(body, line, config)?;
    let html = match directive {
        Directive::Cookies => cookie_tables(config, &categories, lang),
        Directive::Transmissions => transmission_table(config, &categories, lang),
    };
    if html.is_empty() {
        return Err(PolicyError::NothingToList { line, directive });
    }
    Ok(html)
}

/// Reads `category: a, b` from the block body; no body means every category.
fn select_categories<'c>(
    body: &str,
    line: usize,
    config: &'c Config,
) -> Result<Vec<&'c Category>, PolicyError> {
    let mut ids: Option<Vec<&str>> = None;
    for (i, l) in body.lines().enumerate() {
        let l = l.trim();
        if l.is_empty() {
            continue;
        }
        let option_line = line + 1 + i;
        match l.split_once(':') {
            Some(("category" | "categories", v)) => {
                ids.get_or_insert_with(Vec::new)
                    .extend(v.split(',').map(str::trim).filter(|s| !s.is_empty()));
            }
            _ => return Err(PolicyError::BadOption { line: option_line }),
        }
    }
    let Some(ids) = ids else {
        return Ok(config.categories.iter().collect());
    };
    ids.into_iter()
        .map(|id| {
            config
                .category(id)
                .ok_or_else(|| PolicyError::UnknownCategory {
                    line,
                    id: id.to_string(),
                })
        })
        .collect()
}

fn open_table(out: &mut String, caption: &str, headers: &[&str]) {
    // The same scrolling wrapper as the Markdown tables get.
    out.push_str(super::table_scroll::OPEN);
    out.push_str("<table><caption>");
    push_escaped(out, caption);
    out.push_str("</caption><thead><tr>");
    for h in headers {
        out.push_str("<th scope=\"col\">");
        push_escaped(out, h);
        out.push_str("</th>");
    }
    out.push_str("</tr></thead><tbody>");
}

fn cell(out: &mut String, s: &str) {
    out.push_str("<td>");
    push_escaped(out, s);
    out.push_str("</td>");
}

/// `new_tab` is the hidden text after an external link: the site's `newTab` text.
fn link_or_text(out: &mut String, text: &str, url: Option<&str>, new_tab: &str) {
    match url {
        Some(u) => {
            out.push_str("<a href=\"");
            push_escaped(out, u);
            out.push_str("\" target=\"_blank\" rel=\"noopener noreferrer\">");
            push_escaped(out, text);
            out.push_str("<span class=\"doui-sr\">");
            push_escaped(out, new_tab);
            out.push_str("</span></a>");
        }
        None => push_escaped(out, text),
    }
}

fn cookie_tables(config: &Config, categories: &[&Category], lang: Lang) -> String {
    let t = |m| config.text(lang, m);
    let mut out = String::new();
    for cat in categories {
        if cat.services.iter().all(|s| s.cookies.is_empty()) {
            continue;
        }
        open_table(
            &mut out,
            cat.title.get(lang),
            &[
                t(Msg::ColCookie),
                t(Msg::ColService),
                t(Msg::Purpose),
                t(Msg::ColLifetime),
                t(Msg::ColParty),
            ],
        );
        for s in &cat.services {
            for c in &s.cookies {
                out.push_str("<tr><td><code>");
                push_escaped(&mut out, &c.name);
                out.push_str("</code></td><td>");
                link_or_text(
                    &mut out,
                    s.name.get(lang),
                    s.privacy_url.as_deref(),
                    t(Msg::NewTab),
                );
                out.push_str("<br><span class=\"doui-provider\">");
                push_escaped(&mut out, s.provider.get(lang));
                out.push_str("</span></td>");
                cell(&mut out, c.purpose.as_ref().unwrap_or(&s.purpose).get(lang));
                let mut life = String::new();
                push_lifetime(&mut life, c.lifetime, t(Msg::UntilClosed), lang);
                if let Some(note) = &c.note {
                    life.push_str(if lang == Lang::Ja { "（" } else { " (" });
                    life.push_str(note.get(lang));
                    life.push_str(if lang == Lang::Ja { "）" } else { ")" });
                }
                cell(&mut out, &life);
                cell(
                    &mut out,
                    t(match c.party {
                        Party::First => Msg::FirstParty,
                        Party::Third => Msg::ThirdParty,
                    }),
                );
                out.push_str("</tr>");
            }
        }
        out.push_str("</tbody></table></div>");
    }
    out
}

fn transmission_table(config: &Config, categories: &[&Category], lang: Lang) -> String {
    let t = |m| config.text(lang, m);
    let mut out = String::new();
    for cat in categories {
        for s in &cat.services {
            for tx in &s.transmissions {
                if out.is_empty() {
                    open_table(
                        &mut out,
                        t(Msg::TransmissionsCaption),
                        &[
                            t(Msg::ColRecipient),
                            t(Msg::ColData),
                            t(Msg::ColPurposeSite),
                            t(Msg::ColPurposeRecipient),
                        ],
                    );
                }
                out.push_str("<tr><td>");
                link_or_text(
                    &mut out,
                    &tx.recipient(s, lang),
                    tx.recipient_url.as_deref(),
                    t(Msg::NewTab),
                );
                out.push_str("</td>");
                cell(&mut out, tx.data.get(lang));
                cell(&mut out, tx.purpose_site.get(lang));
                cell(
                    &mut out,
                    tx.purpose_recipient.as_ref().map_or("—", |p| p.get(lang)),
                );
                out.push_str("</tr>");
            }
        }
    }
    if !out.is_empty() {
        out.push_str("</tbody></table></div>");
    }
    out
}
