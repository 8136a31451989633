//! A small JSON reader for the banner module's config reader
//! (`config::reader`); nothing else uses it.
//!
//! Reading the banner's config with serde costs 5.6 to 29.6 KB gzip more than
//! this reader (docs/sizes.md), so the banner keeps it. It keeps the lines of
//! every value and key, so that the config reader can name the line of any
//! mistake, the same line serde_json would. Numbers are whole numbers: one
//! with a fraction is kept only as such, since float parsing is large and no
//! config value is a fraction.

use alloc::string::String;
use alloc::vec::Vec;

pub use crate::config::SyntaxError;

/// A parsed JSON value with the lines it starts and ends on.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// 1-based line of the value's first character.
    pub line: u32,
    /// Line of an object's or array's closing bracket (where serde_json reports
    /// what is missing from it). For a scalar, its own line, or the line of the
    /// syntax error that cut it short: serde_json reads a scalar before judging
    /// it, so it reports that error, never the scalar.
    pub end: u32,
    /// The value itself.
    pub kind: Kind,
}

/// The shape of a JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number with a fraction or exponent, or too large: never a valid
    /// config value, but valid JSON, so refused as a value of the wrong type.
    Fraction,
    /// A string, escapes resolved.
    Str(String),
    /// An array.
    Array(Vec<Value>),
    /// An object: its keys in document order, each with the line of the colon
    /// after it (where serde_json places a refusal of the key).
    Object(Vec<(String, u32, Value)>),
}

/// A syntax error and the line it was found on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseError {
    /// What is wrong.
    pub error: SyntaxError,
    /// 1-based line.
    pub line: u32,
}

const MAX_DEPTH: u32 = 64;

/// Parses a complete JSON text. On a syntax error, also returns what was read
/// before it: the config reader reports a mistake found there first, as
/// serde_json, which reads as it goes, does.
pub fn parse(text: &str) -> (Value, Option<ParseError>) {
    let mut r = Reader {
        text,
        s: text.as_bytes(),
        i: 0,
        line: 1,
        error: None,
    };
    // A byte-order mark is common in files saved by editors on Windows.
    if r.s.starts_with(&[0xEF, 0xBB, 0xBF]) {
        r.i = 3;
    }
    let v = r.value(0);
    if r.error.is_none() {
        r.ws();
        if r.i < r.s.len() {
            r.fail(SyntaxError::TrailingData);
        }
    }
    (v, r.error)
}

/// Reads JSON, recording the first error and then stopping. No `Result` is
/// passed up through every call: returning at each error would cost the banner
/// module code to drop the half-built arrays and objects on the way out.
struct Reader<'a> {
    text: &'a str,
    s: &'a [u8],
    i: usize,
    line: u32,
    error: Option<ParseError>,
}

impl Reader<'_> {
    /// Records `error` at the current line, unless an earlier one was found.
    fn fail(&mut self, error: SyntaxError) {
        if self.error.is_none() {
            self.error = Some(ParseError {
                error,
                line: self.line,
            });
        }
    }

    fn failed(&self) -> bool {
        self.error.is_some()
    }

    fn ws(&mut self) {
        while let Some(&c) = self.s.get(self.i) {
            match c {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => return,
            }
            self.i += 1;
        }
    }

    /// The next byte, or 0 (after recording the error) at the end of the text.
    fn peek(&mut self) -> u8 {
        match self.s.get(self.i) {
            Some(&c) => c,
            None => {
                self.fail(SyntaxError::UnexpectedEnd);
                0
            }
        }
    }

    fn eat(&mut self, c: u8) {
        self.ws();
        if self.peek() == c {
            self.i += 1;
        } else {
            self.fail(SyntaxError::UnexpectedChar);
        }
    }

    fn value(&mut self, depth: u32) -> Value {
        if depth > MAX_DEPTH {
            self.fail(SyntaxError::TooDeep);
            return Value {
                line: self.line,
                end: self.line,
                kind: Kind::Null,
            };
        }
        self.ws();
        let line = self.line;
        let kind = match self.peek() {
            b'{' => {
                self.i += 1;
                let mut fields: Vec<(String, u32, Value)> = Vec::new();
                self.ws();
                if self.peek() == b'}' {
                    self.i += 1;
                } else {
                    while !self.failed() {
                        self.ws();
                        if self.peek() != b'"' {
                            self.fail(SyntaxError::UnexpectedChar);
                            break;
                        }
                        let key = self.string();
                        if self.failed() {
                            break;
                        }
                        self.eat(b':');
                        // serde_json places a refusal of a key at the colon after it.
                        let key_line = self.line;
                        if self.failed() {
                            break;
                        }
                        let v = self.value(depth + 1);
                        fields.push((key, key_line, v));
                        if self.failed() || self.list_end(b'}') {
                            break;
                        }
                    }
                }
                Kind::Object(fields)
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.peek() == b']' {
                    self.i += 1;
                } else {
                    while !self.failed() {
                        items.push(self.value(depth + 1));
                        if self.failed() || self.list_end(b']') {
                            break;
                        }
                    }
                }
                Kind::Array(items)
            }
            b'"' => Kind::Str(self.string()),
            b't' => self.word(b"true", Kind::Bool(true)),
            b'f' => self.word(b"false", Kind::Bool(false)),
            b'n' => self.word(b"null", Kind::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => {
                self.fail(SyntaxError::UnexpectedChar);
                Kind::Null
            }
        };
        // Closed, or where reading stopped: for a scalar cut short by an error,
        // the error's line (see `Value::end`).
        let end = self.error.map_or(self.line, |e| e.line);
        Value { line, end, kind }
    }

    /// After an item: `,` continues (returns false), `close` or an error ends (true).
    fn list_end(&mut self, close: u8) -> bool {
        self.ws();
        let c = self.peek();
        if c == b',' {
            self.i += 1;
            return false;
        }
        if c == close {
            self.i += 1;
        } else {
            self.fail(SyntaxError::UnexpectedChar);
        }
        true
    }

    fn word(&mut self, w: &[u8], kind: Kind) -> Kind {
        for &want in w {
            if !self.expect_byte(want) {
                return Kind::Null;
            }
        }
        kind
    }

    /// Reads one byte and fails unless it is `want`. The byte is read either
    /// way, as serde_json does, so a wrong line break puts the error on the
    /// next line, where serde_json puts it.
    fn expect_byte(&mut self, want: u8) -> bool {
        let Some(&c) = self.s.get(self.i) else {
            self.fail(SyntaxError::UnexpectedEnd);
            return false;
        };
        self.i += 1;
        self.line += (c == b'\n') as u32;
        if c != want {
            self.fail(if want == b'u' || want == b'\\' {
                SyntaxError::BadString
            } else {
                SyntaxError::UnexpectedChar
            });
        }
        c == want
    }

    /// A number as JSON writes it: a whole number that fits is an `Int`; one
    /// with a fraction or exponent, or too large, a `Fraction`.
    fn number(&mut self) -> Kind {
        let neg = self.s.get(self.i) == Some(&b'-');
        if neg {
            self.i += 1;
        }
        let start = self.i;
        let mut n: Option<i64> = Some(0);
        while let Some(&c) = self.s.get(self.i) {
            if !c.is_ascii_digit() {
                break;
            }
            n = n
                .and_then(|n| n.checked_mul(10))
                .and_then(|n| n.checked_add((c - b'0') as i64));
            self.i += 1;
        }
        let digits = self.i - start;
        if digits == 0 {
            // serde_json reads the byte that is not a digit first.
            self.line += (self.s.get(self.i) == Some(&b'\n')) as u32;
            self.fail(SyntaxError::UnexpectedChar);
        } else if digits > 1 && self.s.get(start) == Some(&b'0') {
            self.fail(SyntaxError::BadNumber);
        }
        let mut whole = true;
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            whole = false;
            self.digits();
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            whole = false;
            if matches!(self.s.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            self.digits();
        }
        match n {
            Some(n) if whole => Kind::Int(if neg { -n } else { n }),
            _ => Kind::Fraction,
        }
    }

    /// One or more digits, else a syntax error.
    fn digits(&mut self) {
        let start = self.i;
        while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        if self.i == start {
            // serde_json places this error after the byte it peeked at.
            self.line += (self.s.get(self.i) == Some(&b'\n')) as u32;
            self.fail(SyntaxError::BadNumber);
        }
    }

    /// Four hex digits. Like serde_json, reads all four before judging them,
    /// so that an error is placed after them (a line break among them counts).
    fn hex4(&mut self) -> u32 {
        let mut n = 0u32;
        let mut bad = false;
        for _ in 0..4 {
            let Some(&c) = self.s.get(self.i) else {
                self.fail(SyntaxError::UnexpectedEnd);
                return 0;
            };
            self.i += 1;
            self.line += (c == b'\n') as u32;
            match (c as char).to_digit(16) {
                Some(d) => n = n * 16 + d,
                None => bad = true,
            }
        }
        if bad {
            self.fail(SyntaxError::BadString);
        }
        n
    }

    /// A string starting at its opening quote; on an error, what was read so far.
    fn string(&mut self) -> String {
        self.i += 1; // opening quote
        let mut out = String::new();
        // Runs of plain characters are copied as slices of the input: they start
        // and end next to ASCII bytes, so on character boundaries, and need no
        // UTF-8 check (which would cost the banner module its own code).
        let mut run = self.i;
        loop {
            let Some(&c) = self.s.get(self.i) else {
                self.fail(SyntaxError::UnexpectedEnd);
                return out;
            };
            match c {
                b'"' | b'\\' => out.push_str(self.text.get(run..self.i).unwrap_or_default()),
                0..=0x1F => {
                    // serde_json counts a raw line break as the start of the next line.
                    self.line += (c == b'\n') as u32;
                    self.fail(SyntaxError::BadString);
                    return out;
                }
                _ => {}
            }
            self.i += 1;
            if c == b'"' {
                return out;
            }
            if c != b'\\' {
                continue;
            }
            let Some(&e) = self.s.get(self.i) else {
                self.fail(SyntaxError::UnexpectedEnd);
                return out;
            };
            self.i += 1;
            // A line break after `\` is an error placed on the next line.
            self.line += (e == b'\n') as u32;
            let ch = match e {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    let hi = self.hex4();
                    let code = if (0xD800..0xDC00).contains(&hi) {
                        // `\u` must follow; like serde_json, the byte that
                        // is not it is read before the error is placed.
                        for want in [b'\\', b'u'] {
                            if !self.expect_byte(want) {
                                return out;
                            }
                        }
                        let lo = self.hex4();
                        if !(0xDC00..0xE000).contains(&lo) {
                            self.fail(SyntaxError::BadString);
                            return out;
                        }
                        0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                    } else {
                        hi
                    };
                    if self.failed() {
                        return out;
                    }
                    match char::from_u32(code) {
                        Some(ch) => ch,
                        None => {
                            self.fail(SyntaxError::BadString);
                            return out;
                        }
                    }
                }
                _ => {
                    self.fail(SyntaxError::BadString);
                    return out;
                }
            };
            out.push(ch);
            run = self.i;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> Kind {
        let (v, e) = parse(s);
        assert_eq!(e, None, "{s}");
        v.kind
    }

    fn error(s: &str) -> SyntaxError {
        parse(s).1.expect(s).error
    }

    #[test]
    fn scalars() {
        assert_eq!(kind("null"), Kind::Null);
        assert_eq!(kind(" true "), Kind::Bool(true));
        assert_eq!(kind("-42"), Kind::Int(-42));
        assert_eq!(kind("0"), Kind::Int(0));
        assert_eq!(
            kind(r#""a\"b\u00e9\ud83d\ude00""#),
            Kind::Str("a\"bé😀".into())
        );
        assert_eq!(kind("\"同意\""), Kind::Str("同意".into()));
    }

    #[test]
    fn numbers_that_are_not_whole_are_values_of_their_own() {
        for s in ["1.5", "1e3", "-0.0", "2E-2", "99999999999999999999"] {
            assert_eq!(kind(s), Kind::Fraction, "{s}");
        }
    }

    #[test]
    fn nested_with_lines() {
        let (v, _) = parse("{\n \"a\": [1,\n 2],\n \"b\": {}\n}");
        assert_eq!((v.line, v.end), (1, 5));
        let Kind::Object(f) = v.kind else { panic!() };
        assert_eq!(f[0].0, "a");
        assert_eq!((f[0].1, f[0].2.line, f[0].2.end), (2, 2, 3));
        assert_eq!(f[1].2.line, 4);
    }

    #[test]
    fn errors_name_line_and_keep_what_was_read() {
        let (v, e) = parse("{\n\"a\": 1,\n}");
        assert_eq!(
            e,
            Some(ParseError {
                error: SyntaxError::UnexpectedChar,
                line: 3
            })
        );
        let Kind::Object(f) = v.kind else { panic!() };
        assert_eq!(f.len(), 1);
        assert_eq!(v.end, 3);
        assert_eq!(error("01"), SyntaxError::BadNumber);
        assert_eq!(error("1."), SyntaxError::BadNumber);
        assert_eq!(error("1e"), SyntaxError::BadNumber);
        assert_eq!(error("[1] x"), SyntaxError::TrailingData);
        assert_eq!(error("\"a\nb\""), SyntaxError::BadString);
        // A raw line break is counted on the next line, as serde_json counts it.
        assert_eq!(parse("\"a\nb\"").1.unwrap().line, 2);
        assert_eq!(error("\"\\ud800\""), SyntaxError::BadString);
        assert_eq!(error("["), SyntaxError::UnexpectedEnd);
        assert_eq!(error(""), SyntaxError::UnexpectedEnd);
        assert_eq!(error("tru"), SyntaxError::UnexpectedEnd);
        assert_eq!(error("trux"), SyntaxError::UnexpectedChar);
        // As in serde_json, the wrong byte is read first: a line break counts.
        assert_eq!(parse("[tru\ne]").1.unwrap().line, 2);
        assert_eq!(error(&"[".repeat(100)), SyntaxError::TooDeep);
    }

    #[test]
    fn duplicate_keys_are_left_to_the_reader() {
        let Kind::Object(f) = kind("{\"a\":1,\"a\":2}") else {
            panic!()
        };
        assert_eq!(f.len(), 2);
    }

    #[test]
    fn byte_order_mark_is_skipped() {
        assert_eq!(kind("\u{feff}[]"), Kind::Array(vec![]));
    }
}
