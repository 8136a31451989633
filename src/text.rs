//! String building without `core::fmt`, which would cost kilobytes in the banner module.

use alloc::string::String;

/// Appends the decimal digits of `n`.
pub fn push_uint(out: &mut String, n: u64) {
    // The largest power of ten not above n, then one digit per power: no
    // indexing, so no bounds checks (whose panics pull in core::fmt).
    let mut p = 1u64;
    while p <= n / 10 {
        p *= 10;
    }
    loop {
        out.push((b'0' + (n / p % 10) as u8) as char);
        if p == 1 {
            break;
        }
        p /= 10;
    }
}

/// Appends `s` with the characters that are special in HTML text and attribute values escaped.
pub fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// Appends lowercase hexadecimal digits of `n`, `digits` of them.
pub fn push_hex(out: &mut String, n: u64, digits: u32) {
    for i in (0..digits).rev() {
        let d = ((n >> (i * 4)) & 0xF) as u8;
        out.push((if d < 10 { b'0' + d } else { b'a' + d - 10 }) as char);
    }
}

/// Splits `s` at every byte of `seps` (ASCII), like `str::split` with a set of
/// chars. Written out because core's pattern searchers cost the banner module
/// about a kilobyte; cutting at ASCII bytes always leaves valid UTF-8.
pub fn split_ascii<'a>(s: &'a str, seps: &'a [u8]) -> SplitAscii<'a> {
    SplitAscii {
        rest: Some(s),
        seps,
    }
}

/// The iterator of [`split_ascii`].
pub struct SplitAscii<'a> {
    rest: Option<&'a str>,
    seps: &'a [u8],
}

impl<'a> Iterator for SplitAscii<'a> {
    type Item = &'a str;

    // Not `seps.contains`: for bytes it is memchr, which is larger.
    #[allow(clippy::manual_contains)]
    fn next(&mut self) -> Option<&'a str> {
        let s = self.rest?;
        match s.bytes().position(|b| self.seps.iter().any(|&c| c == b)) {
            Some(i) => {
                self.rest = s.get(i + 1..);
                s.get(..i)
            }
            None => {
                self.rest = None;
                Some(s)
            }
        }
    }
}

/// `s` split at the first `sep` (ASCII), without it.
pub fn split_once_ascii(s: &str, sep: u8) -> Option<(&str, &str)> {
    let i = s.bytes().position(|b| b == sep)?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// `s` split at the last `sep` (ASCII), without it.
pub fn rsplit_once_ascii(s: &str, sep: u8) -> Option<(&str, &str)> {
    let i = s.bytes().rposition(|b| b == sep)?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// A whole number written in at most `max_len` digits without a leading zero
/// (`0` itself is fine): the one number rule of the consent cookie and of
/// cookie lifetimes in the config.
pub fn parse_uint(s: &str, max_len: usize) -> Option<u64> {
    if s.is_empty() || s.len() > max_len || (s.len() > 1 && s.starts_with('0')) {
        return None;
    }
    s.bytes().try_fold(0u64, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + (b - b'0') as u64)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_escapes() {
        let mut s = String::new();
        push_uint(&mut s, 0);
        s.push(' ');
        push_uint(&mut s, 18446744073709551615);
        assert_eq!(s, "0 18446744073709551615");
        let mut s = String::new();
        push_escaped(&mut s, r#"<a href="x" onclick='y'>&</a>"#);
        assert_eq!(
            s,
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
        let mut s = String::new();
        push_hex(&mut s, 0xabc, 6);
        assert_eq!(s, "000abc");
    }

    #[test]
    fn splitting_matches_core() {
        let cases = [
            "",
            ";",
            "a",
            "a;b",
            ";a;;b;",
            "あ;い=う",
            "k=v=w",
            "=",
            "a=",
            "=b",
            "/x/y/z",
            "no sep",
        ];
        for c in cases {
            let mine: Vec<&str> = split_ascii(c, b";=").collect();
            let core: Vec<&str> = c.split([';', '=']).collect();
            assert_eq!(mine, core, "{c:?}");
            assert_eq!(split_once_ascii(c, b'='), c.split_once('='), "{c:?}");
            assert_eq!(rsplit_once_ascii(c, b'/'), c.rsplit_once('/'), "{c:?}");
        }
    }
}
