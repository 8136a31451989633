//! Which link and image targets a rendered policy may use.

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

#[cfg(test)]
mod tests {
    use super::*;

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
