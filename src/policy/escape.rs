//! HTML escaping for the text the policy module writes itself (generated tables,
//! the contents). The same output as [`crate::text::push_escaped`], which the banner
//! module shares and whose size it must keep; this one copies the runs between
//! special bytes whole instead of pushing one char at a time, which is what makes
//! the cookie tables cheap to build. A test checks the two agree.

/// Appends `s` with `&`, `<`, `>`, `"` and `'` escaped.
pub fn push_escaped(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // Special bytes are ASCII, so `run..i` and `i + 1..` fall on char boundaries.
        out.push_str(&s[run..i]);
        out.push_str(entity);
        run = i + 1;
    }
    out.push_str(&s[run..]);
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_as_the_shared_escaper_does() {
        for s in [
            "",
            "plain",
            "a&b<c>d\"e'f",
            "&&<<>>",
            "'始め'と「終わり」&",
            "Cookie の利用 <script>",
            "\u{0}\u{7f}é—😀>",
        ] {
            let mut fast = String::new();
            super::push_escaped(&mut fast, s);
            let mut shared = String::new();
            crate::text::push_escaped(&mut shared, s);
            assert_eq!(fast, shared, "{s:?}");
        }
    }
}
