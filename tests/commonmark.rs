//! CommonMark conformance: every example of the CommonMark spec (a copy in
//! `tests/commonmark/spec.json`, generated from the npm package `commonmark-spec` by
//! `tests/commonmark/generate.mjs`) and a few GitHub extensions must render through
//! `policy::render` exactly as pulldown-cmark renders them with doui's options, once
//! what doui adds on purpose is taken out again:
//!
//! - the `<article>` wrapper, the version line and the table of contents;
//! - heading ids (doui gives every heading one) and the table wrapper `div.doui-table`;
//! - on links to other sites, `target`, `rel` and the hidden "opens in a new tab";
//! - `class="doui-marked"` on lists whose items carry their own markers.
//!
//! What doui takes away on purpose is applied to pulldown-cmark's events for the
//! reference instead: raw HTML is shown as text (an HTML block as a paragraph of its
//! text), links with other schemes than http, https, mailto and tel keep only their
//! text, images from other sites show only their alt text, and a heading's `{.class
//! key=value}` is dropped. Anything else that differs is a bug in doui's passes.

use std::fs;
use std::path::Path;

use doui::policy::{self, classify, Target};
use pulldown_cmark::{html, Event, LinkType, Parser, Tag, TagEnd};
use serde_json::Value;

/// What doui's safety rules change in an example, for the counts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// Nothing: doui's output must equal pulldown-cmark's.
    Plain,
    /// It has raw HTML, which doui shows as text.
    RawHtml,
    /// It has a link or image doui does not keep.
    Dropped,
}

/// pulldown-cmark's HTML for `markdown` with doui's options, after doui's safety rules.
fn reference(markdown: &str) -> (String, Kind) {
    let mut kind = Kind::Plain;
    let mut events = Vec::new();
    // For each open link or image: whether its end is written.
    let mut open: Vec<bool> = Vec::new();
    for event in Parser::new_ext(markdown, policy::options()) {
        match event {
            Event::Html(s) | Event::InlineHtml(s) => {
                kind = Kind::RawHtml;
                events.push(Event::Text(s));
            }
            Event::Start(Tag::HtmlBlock) => events.push(Event::Start(Tag::Paragraph)),
            Event::End(TagEnd::HtmlBlock) => events.push(Event::End(TagEnd::Paragraph)),
            Event::Start(Tag::Heading { level, id, .. }) => {
                events.push(Event::Start(Tag::Heading {
                    level,
                    id,
                    classes: Vec::new(),
                    attrs: Vec::new(),
                }))
            }
            Event::Start(Tag::Link {
                link_type,
                ref dest_url,
                ..
            }) => {
                let href = if link_type == LinkType::Email {
                    format!("mailto:{dest_url}")
                } else {
                    dest_url.to_string()
                };
                let keep = classify(&href) != Target::Unsafe;
                open.push(keep);
                if keep {
                    events.push(event);
                } else if kind == Kind::Plain {
                    kind = Kind::Dropped;
                }
            }
            Event::Start(Tag::Image { ref dest_url, .. }) => {
                let keep = classify(dest_url) == Target::Local;
                open.push(keep);
                if keep {
                    events.push(event);
                } else if kind == Kind::Plain {
                    kind = Kind::Dropped;
                }
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if open.pop() == Some(true) {
                    events.push(event);
                }
            }
            _ => events.push(event),
        }
    }
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    (out, kind)
}

/// Removes every `from`…`to` (inclusive) from `s`, and the newline the writer put
/// after it because the removed markup did not end in one.
fn cut_between(s: &mut String, from: &str, to: &str) {
    while let Some(start) = s.find(from) {
        let end = start + s[start..].find(to).expect("unclosed") + to.len();
        let newline = s[end..].starts_with('\n') && (start == 0 || s[..start].ends_with('\n'));
        s.replace_range(start..end + usize::from(newline), "");
    }
}

/// Removes ` id="…"` from every heading start tag.
fn strip_heading_ids(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("<h") {
        let tag = &rest[i..];
        let is_heading = tag
            .as_bytes()
            .get(2)
            .is_some_and(|b| (b'1'..=b'6').contains(b))
            && tag[3..].starts_with(" id=\"");
        if is_heading {
            out.push_str(&rest[..i + 3]);
            let value = &tag[" id=\"".len() + 3..];
            rest = &value[value.find('"').unwrap() + 1..];
        } else {
            out.push_str(&rest[..i + 2]);
            rest = &rest[i + 2..];
        }
    }
    out.push_str(rest);
    out
}

/// doui's HTML for `markdown` without what doui adds on purpose.
fn doui_without_additions(markdown: &str) -> Result<String, String> {
    let html = policy::render(markdown, None)
        .map_err(|e| e.to_string())?
        .html;
    let open_end = html.find('>').unwrap() + 1;
    assert!(html.starts_with("<article class=\"doui-policy\""));
    let mut s = html[open_end..html.len() - "</article>".len()].to_string();
    cut_between(&mut s, "<p class=\"doui-policy-meta\">", "</p>");
    cut_between(&mut s, "<nav class=\"doui-toc\"", "</nav>");
    cut_between(&mut s, "<div class=\"doui-table\" tabindex=\"0\">", ">");
    s = s.replace("</table>\n</div>\n", "</table>\n");
    s = s.replace("</table>\n</div>", "</table>\n");
    s = s.replace(" target=\"_blank\" rel=\"noopener noreferrer\"", "");
    s = s.replace(
        "<span class=\"doui-sr\">（新しいタブで開きます）</span>",
        "",
    );
    s = s.replace("<ul class=\"doui-marked\">", "<ul>");
    Ok(strip_heading_ids(&s))
}

struct Outcome {
    passed: Vec<(u64, Kind)>,
    failed: Vec<String>,
}

fn check(cases: impl IntoIterator<Item = (u64, String)>) -> Outcome {
    let mut outcome = Outcome {
        passed: Vec::new(),
        failed: Vec::new(),
    };
    for (number, markdown) in cases {
        let (want, kind) = reference(&markdown);
        let want = strip_heading_ids(&want);
        match doui_without_additions(&markdown) {
            Ok(got) if got == want => outcome.passed.push((number, kind)),
            Ok(got) => outcome.failed.push(format!(
                "example {number} ({kind:?}) {markdown:?}\n  want {want:?}\n  got  {got:?}"
            )),
            Err(e) => outcome
                .failed
                .push(format!("example {number} {markdown:?}: refused: {e}")),
        }
    }
    outcome
}

fn spec() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/commonmark/spec.json");
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn every_spec_example_renders_as_pulldown_cmark_does() {
    let spec = spec();
    let examples = spec["examples"].as_array().unwrap();
    assert_eq!(examples.len(), 652, "CommonMark 0.31.2 has 652 examples");
    let outcome = check(examples.iter().map(|e| {
        (
            e["number"].as_u64().unwrap(),
            e["markdown"].as_str().unwrap().to_string(),
        )
    }));
    let count = |k| outcome.passed.iter().filter(|(_, kind)| *kind == k).count();
    println!(
        "CommonMark {}: {} of {} examples render as pulldown-cmark does \
         ({} plain, {} with raw HTML shown as text, {} with a link or image doui drops)",
        spec["version"].as_str().unwrap(),
        outcome.passed.len(),
        examples.len(),
        count(Kind::Plain),
        count(Kind::RawHtml),
        count(Kind::Dropped),
    );
    assert!(
        outcome.failed.is_empty(),
        "{} examples differ:\n{}",
        outcome.failed.len(),
        outcome.failed.join("\n")
    );
}

/// GitHub extensions doui turns on, beyond the CommonMark spec.
const GFM: &[(&str, &str)] = &[
    (
        "| left | centre | right | none |\n|:-----|:------:|------:|------|\n| a | b | c | d |\n",
        "style=\"text-align: right\"",
    ),
    (
        "| a | b |\n|---|---|\n| `x \\| y` | **b** |\n\nafter\n",
        "<td><code>x | y</code></td>",
    ),
    ("~~old~~ and ~one~ new\n", "<del>old</del>"),
    (
        "Text[^note] and again[^note].\n\n[^note]: The note,\n    on two lines.\n",
        "<div class=\"footnote-definition\" id=\"note\">",
    ),
    (
        "- [ ] open\n- [x] done\n  - [X] nested\n\n1. [ ] numbered\n",
        "<input disabled=\"\" type=\"checkbox\" checked=\"\"/>",
    ),
    (
        "# Title\n\n## Part {#part .wide lang=en}\n\n| x |\n|---|\n| 1 |\n",
        "<h2 id=\"part\">Part</h2>",
    ),
];

#[test]
fn github_extensions_render_as_pulldown_cmark_does() {
    let outcome = check((1..).zip(GFM.iter().map(|(md, _)| md.to_string())));
    assert!(
        outcome.failed.is_empty(),
        "GFM cases differ:\n{}",
        outcome.failed.join("\n")
    );
    // The extensions are on: each case shows its feature in doui's own output.
    for (markdown, feature) in GFM {
        let html = policy::render(markdown, None).unwrap().html;
        assert!(html.contains(feature), "{feature} missing from {html}");
    }
    println!("GFM: {} of {} cases", outcome.passed.len(), GFM.len());
}

/// The normalisation must not hide differences: a doui output that differs from the
/// reference in any other way fails.
#[test]
fn the_comparison_sees_differences() {
    let (want, kind) = reference("[a](/x \"t\") <b>x</b>\n");
    assert_eq!(kind, Kind::RawHtml);
    assert_eq!(
        want,
        "<p><a href=\"/x\" title=\"t\">a</a> &lt;b&gt;x&lt;/b&gt;</p>\n"
    );
    assert_eq!(
        doui_without_additions("[a](https://example.com/)\n").unwrap(),
        "<p><a href=\"https://example.com/\">a</a></p>\n"
    );
    assert_eq!(
        strip_heading_ids("<h2 id=\"a\">x</h2><hr /><h3>y</h3>"),
        "<h2>x</h2><hr /><h3>y</h3>"
    );
    let mut s = String::from("<p>a</p>\n<nav class=\"doui-toc\"><h2>x</h2></nav>\n<p>b</p>\n");
    cut_between(&mut s, "<nav class=\"doui-toc\"", "</nav>");
    assert_eq!(s, "<p>a</p>\n<p>b</p>\n");
}

/// Extracts the examples from the spec text as commonmark-spec's `index.js` does:
/// a line of 32 backticks and ` example`, the Markdown, a line `.`, the HTML, a
/// line of 32 backticks; `→` stands for a tab.
fn extract(spec_txt: &str) -> Vec<(String, String)> {
    let fence = "`".repeat(32);
    let text = spec_txt.split("\n<!-- END TESTS -->").next().unwrap();
    let mut examples = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line != format!("{fence} example") {
            continue;
        }
        let (mut markdown, mut html) = (String::new(), String::new());
        for l in lines.by_ref().take_while(|l| *l != ".") {
            markdown.push_str(l);
            markdown.push('\n');
        }
        for l in lines.by_ref().take_while(|l| *l != fence) {
            html.push_str(l);
            html.push('\n');
        }
        examples.push((markdown.replace('→', "\t"), html.replace('→', "\t")));
    }
    examples
}

#[test]
fn the_spec_copy_matches_the_pinned_package() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let package = root.join("node_modules/commonmark-spec");
    if !package.join("spec.txt").exists() {
        println!(
            "skipped: node_modules/commonmark-spec is not installed (npm ci), \
             so tests/commonmark/spec.json cannot be compared with it"
        );
        return;
    }
    let manifest: Value =
        serde_json::from_str(&fs::read_to_string(package.join("package.json")).unwrap()).unwrap();
    let spec = spec();
    assert_eq!(
        manifest["version"], spec["version"],
        "commonmark-spec was updated: run node tests/commonmark/generate.mjs"
    );
    let fresh = extract(&fs::read_to_string(package.join("spec.txt")).unwrap());
    let copy: Vec<(String, String)> = spec["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["markdown"].as_str().unwrap().to_string(),
                e["html"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        fresh == copy,
        "tests/commonmark/spec.json is stale: run node tests/commonmark/generate.mjs"
    );
}
