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
    /// The opening `---` has no closing `---`.
    Unterminated,
    /// A line that is not `key: value`.
    NotKeyValue,
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
            Self::Unterminated => "front matter opened with --- is never closed with ---",
            Self::NotKeyValue => "front matter lines must be `key: value`",
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

/// Splits front matter off `source`; returns it, the body, and the number of lines
/// before the body (so that errors in the body can name source lines).
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
    let mut seen: Vec<&str> = Vec::new();
    let mut offset = source.len() - rest.len();
    for (i, raw) in rest.split_inclusive('\n').enumerate() {
        let line_no = i + 2;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if line == "---" {
            return Ok((fm, &source[offset..], line_no));
        }
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(err(line_no, FrontMatterProblem::NotKeyValue));
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
    Err(err(1, FrontMatterProblem::Unterminated))
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

    #[test]
    fn errors_name_line() {
        let e = |s: &str| match split(s).unwrap_err() {
            PolicyError::FrontMatter { line, problem } => (line, problem),
            _ => unreachable!(),
        };
        assert_eq!(e("---\ntitle: x\n"), (1, FrontMatterProblem::Unterminated));
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
        assert_eq!(e("---\ntitle\n---\n"), (2, FrontMatterProblem::NotKeyValue));
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
