//! The `---` block at the top of a policy: title, language, organisation, dates.

use super::PolicyError;

/// Metadata a policy declares about itself.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FrontMatter {
    /// Document title.
    pub title: Option<String>,
    /// BCP 47 language tag of the text.
    pub lang: Option<String>,
    /// The organisation that issued it.
    pub organization: Option<String>,
    /// Date it took effect, `YYYY-MM-DD`.
    pub effective: Option<String>,
    /// Revision dates, oldest first.
    pub revised: Vec<String>,
    /// Deepest heading level listed in the table of contents; 0 for none.
    pub toc_depth: u8,
}

/// What is wrong in the front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrontMatterProblem {
    /// A key the format does not know.
    UnknownKey,
    /// The same key twice.
    DuplicateKey,
    /// A date not written `YYYY-MM-DD`.
    BadDate,
    /// A language tag that is not letters, digits and hyphens.
    BadLang,
    /// `toc` other than true, false, 2, 3, 4, 5 or 6.
    BadToc,
}

impl FrontMatterProblem {
    /// A fixed description.
    pub fn message(self) -> &'static str {
        match self {
            Self::UnknownKey => {
                "unknown front matter key (use title, lang, organization, effective, revised, toc)"
            }
            Self::DuplicateKey => "front matter key given twice",
            Self::BadDate => "dates must be written YYYY-MM-DD",
            Self::BadLang => "lang must be a language tag such as ja or en-US",
            Self::BadToc => "toc must be true, false, or the deepest heading level (2 to 6)",
        }
    }
}

fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&s[5..7].parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u8>().unwrap_or(0))
}

/// Whether a line reads as `key: value`, the key a word of ASCII letters, digits,
/// `_` or `-`. Only such lines make a `---` block front matter: anything else there
/// is Markdown (a thematic break, a setext heading).
fn key_value_shaped(line: &str) -> bool {
    line.split_once(':').is_some_and(|(key, _)| {
        let key = key.trim_end();
        key.starts_with(|c: char| c.is_ascii_alphabetic())
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    })
}

/// Splits front matter off `source`; returns it, the body, and the number of lines
/// before the body (so that errors in the body can name source lines).
///
/// Front matter is a first line `---`, then `key: value` lines (blank lines and `#`
/// comments allowed, at least one key), then a line `---`. Anything else that
/// starts with `---`, an unclosed block included, is Markdown, as CommonMark reads it.
pub fn split(source: &str) -> Result<(FrontMatter, &str, usize), PolicyError> {
    let mut fm = FrontMatter {
        toc_depth: 3,
        ..FrontMatter::default()
    };
    let Some(rest) = source
        .strip_prefix("---\n")
        .or_else(|| source.strip_prefix("---\r\n"))
    else {
        return Ok((fm, source, 0));
    };
    let err = |line: usize, problem| PolicyError::FrontMatter { line, problem };
    let comment = |line: &str| line.trim().is_empty() || line.starts_with('#');

    // First find out whether this is front matter at all.
    let mut keys = 0;
    let mut end = None;
    let mut offset = source.len() - rest.len();
    for (i, raw) in rest.split_inclusive('\n').enumerate() {
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if line == "---" {
            end = Some((offset, i + 2));
            break;
        }
        if comment(line) {
            continue;
        }
        if !key_value_shaped(line) {
            return Ok((fm, source, 0));
        }
        keys += 1;
    }
    let Some((body_start, body_line)) = end.filter(|_| keys > 0) else {
        return Ok((fm, source, 0));
    };

    let mut seen: Vec<&str> = Vec::new();
    for (i, line) in source[..body_start].lines().enumerate().skip(1) {
        let line_no = i + 1;
        if line == "---" {
            break;
        }
        if comment(line) {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        if seen.contains(&key) {
            return Err(err(line_no, FrontMatterProblem::DuplicateKey));
        }
        seen.push(key);
        let text = (!value.is_empty()).then(|| value.to_string());
        match key {
            "title" => fm.title = text,
            "organization" => fm.organization = text,
            "lang" => {
                let ok = !value.is_empty()
                    && value.len() <= 35
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-');
                if !ok {
                    return Err(err(line_no, FrontMatterProblem::BadLang));
                }
                fm.lang = text;
            }
            "effective" => {
                if !valid_date(value) {
                    return Err(err(line_no, FrontMatterProblem::BadDate));
                }
                fm.effective = text;
            }
            "revised" => {
                for d in value.split(',').map(str::trim) {
                    if !valid_date(d) {
                        return Err(err(line_no, FrontMatterProblem::BadDate));
                    }
                    fm.revised.push(d.to_string());
                }
            }
            "toc" => {
                fm.toc_depth = match value {
                    "true" => 3,
                    "false" => 0,
                    "2" | "3" | "4" | "5" | "6" => value.as_bytes()[0] - b'0',
                    _ => return Err(err(line_no, FrontMatterProblem::BadToc)),
                }
            }
            _ => return Err(err(line_no, FrontMatterProblem::UnknownKey)),
        }
    }
    Ok((fm, &source[body_start..], body_line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_and_body() {
        let src = "---\ntitle: 方針\nlang: ja\neffective: 2023-09-04\nrevised: 2024-01-01, 2025-08-26\n---\n# 方針\n";
        let (fm, body, lines) = split(src).unwrap();
        assert_eq!(fm.title.as_deref(), Some("方針"));
        assert_eq!(fm.revised, ["2024-01-01", "2025-08-26"]);
        assert_eq!(body, "# 方針\n");
        assert_eq!(lines, 6);
        assert_eq!(fm.toc_depth, 3);
    }

    #[test]
    fn no_front_matter() {
        let (fm, body, lines) = split("# x").unwrap();
        assert_eq!((fm.title, body, lines), (None, "# x", 0));
    }

    /// A `---` block without `key: value` lines is Markdown: a thematic break, a
    /// setext heading (CommonMark examples 96 and 98), or an empty pair of rules.
    #[test]
    fn rules_and_setext_headings_are_not_front_matter() {
        for src in [
            "---\nFoo\n---\nBar\n---\nBaz\n",
            "---\n---\n",
            "---\ntitle\n---\n",
            "---\n\nText after a rule.\n",
            "---\ntitle: x\nNot a key line\n---\n",
            "---\ntitle: never closed\n",
            "---\n# Heading\n---\n",
        ] {
            let (fm, body, lines) = split(src).unwrap_or_else(|e| panic!("{src:?}: {e}"));
            assert_eq!((body, lines), (src, 0), "{src:?}");
            assert_eq!(fm.title, None);
        }
        // Comments and blank lines may sit among the keys.
        let (fm, body, lines) = split("---\n# c\n\ntitle: T\n---\nx").unwrap();
        assert_eq!((fm.title.as_deref(), body, lines), (Some("T"), "x", 5));
    }

    #[test]
    fn errors_name_line() {
        let e = |s: &str| match split(s).unwrap_err() {
            PolicyError::FrontMatter { line, problem } => (line, problem),
            _ => unreachable!(),
        };
        assert_eq!(
            e("---\ntitle: x\nauthor: y\n---\n"),
            (3, FrontMatterProblem::UnknownKey)
        );
        assert_eq!(
            e("---\neffective: 2023/09/04\n---\n"),
            (2, FrontMatterProblem::BadDate)
        );
        assert_eq!(
            e("---\neffective: 2023-13-04\n---\n"),
            (2, FrontMatterProblem::BadDate)
        );
        assert_eq!(
            e("---\nlang: ja jp\n---\n"),
            (2, FrontMatterProblem::BadLang)
        );
        assert_eq!(e("---\ntoc: 9\n---\n"), (2, FrontMatterProblem::BadToc));
        assert_eq!(
            e("---\ntitle: a\ntitle: b\n---\n"),
            (3, FrontMatterProblem::DuplicateKey)
        );
    }
}
