//! A small JSON reader for the site config.
//!
//! serde with serde_json or serde-wasm-bindgen costs 9–20 KB gzip in the banner
//! module, more than the banner's whole budget allows, so the config is read by
//! this reader instead. It keeps the line of every value, so that the config
//! layer can name the line and the field of any mistake. Numbers are whole
//! numbers only: the config has no use for fractions, and float parsing is large.

use alloc::string::String;
use alloc::vec::Vec;

/// A parsed JSON value with the line it started on.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// 1-based line of the value's first character.
    pub line: u32,
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
    /// A string, escapes resolved.
    Str(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, keys in document order.
    Object(Vec<(String, Value)>),
}

/// What is wrong with a JSON text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxError {
    /// The text ended inside a value.
    UnexpectedEnd,
    /// A character that cannot start or continue a value here.
    UnexpectedChar,
    /// A number with a fraction or exponent, or out of range.
    BadNumber,
    /// A bad escape sequence or a control character in a string.
    BadString,
    /// Something follows the top-level value.
    TrailingData,
    /// The same key twice in one object.
    DuplicateKey,
    /// Nesting deeper than the reader allows.
    TooDeep,
}

impl SyntaxError {
    /// A fixed human-readable description.
    pub fn message(self) -> &'static str {
        match self {
            SyntaxError::UnexpectedEnd => "JSON ends too early",
            SyntaxError::UnexpectedChar => "unexpected character in JSON",
            SyntaxError::BadNumber => "numbers must be whole numbers without exponent",
            SyntaxError::BadString => "bad escape or control character in a string",
            SyntaxError::TrailingData => "unexpected text after the JSON value",
            SyntaxError::DuplicateKey => "the same key appears twice in one object",
            SyntaxError::TooDeep => "JSON nested too deeply",
        }
    }
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

/// Parses a complete JSON text.
pub fn parse(text: &str) -> Result<Value, ParseError> {
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
    match r.error {
        Some(e) => Err(e),
        None => Ok(v),
    }
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
                kind: Kind::Null,
            };
        }
        self.ws();
        let line = self.line;
        let kind = match self.peek() {
            b'{' => {
                self.i += 1;
                let mut fields: Vec<(String, Value)> = Vec::new();
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
                        if fields.iter().any(|(k, _)| *k == key) {
                            self.fail(SyntaxError::DuplicateKey);
                            break;
                        }
                        self.eat(b':');
                        if self.failed() {
                            break;
                        }
                        let v = self.value(depth + 1);
                        fields.push((key, v));
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
            b'-' | b'0'..=b'9' => Kind::Int(self.int()),
            _ => {
                self.fail(SyntaxError::UnexpectedChar);
                Kind::Null
            }
        };
        Value { line, kind }
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
        if self.s.get(self.i..).is_some_and(|rest| rest.starts_with(w)) {
            self.i += w.len();
            kind
        } else {
            self.fail(SyntaxError::UnexpectedChar);
            Kind::Null
        }
    }

    fn int(&mut self) -> i64 {
        let neg = self.s.get(self.i) == Some(&b'-');
        if neg {
            self.i += 1;
        }
        let start = self.i;
        let mut n: i64 = 0;
        while let Some(&c) = self.s.get(self.i) {
            if !c.is_ascii_digit() {
                break;
            }
            match n
                .checked_mul(10)
                .and_then(|n| n.checked_add((c - b'0') as i64))
            {
                Some(m) => n = m,
                None => {
                    self.fail(SyntaxError::BadNumber);
                    return 0;
                }
            }
            self.i += 1;
        }
        let digits = self.i - start;
        if digits == 0 {
            self.fail(SyntaxError::UnexpectedChar);
        } else if (digits > 1 && self.s.get(start) == Some(&b'0'))
            || matches!(self.s.get(self.i), Some(b'.' | b'e' | b'E'))
        {
            self.fail(SyntaxError::BadNumber);
        }
        if neg {
            -n
        } else {
            n
        }
    }

    fn hex4(&mut self) -> u32 {
        let mut n = 0u32;
        for _ in 0..4 {
            let Some(&c) = self.s.get(self.i) else {
                self.fail(SyntaxError::UnexpectedEnd);
                return 0;
            };
            let Some(d) = (c as char).to_digit(16) else {
                self.fail(SyntaxError::BadString);
                return 0;
            };
            n = n * 16 + d;
            self.i += 1;
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
                        if self.s.get(self.i..self.i + 2) != Some(b"\\u") {
                            self.fail(SyntaxError::BadString);
                            return out;
                        }
                        self.i += 2;
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
        parse(s).unwrap().kind
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
    fn nested_with_lines() {
        let v = parse("{\n \"a\": [1,\n 2],\n \"b\": {}\n}").unwrap();
        let Kind::Object(f) = v.kind else { panic!() };
        assert_eq!(f[0].0, "a");
        assert_eq!(f[0].1.line, 2);
        assert_eq!(f[1].1.line, 4);
    }

    #[test]
    fn errors_name_line() {
        let e = parse("{\n\"a\": 1,\n}").unwrap_err();
        assert_eq!(
            e,
            ParseError {
                error: SyntaxError::UnexpectedChar,
                line: 3
            }
        );
        assert_eq!(parse("1.5").unwrap_err().error, SyntaxError::BadNumber);
        assert_eq!(parse("1e3").unwrap_err().error, SyntaxError::BadNumber);
        assert_eq!(parse("01").unwrap_err().error, SyntaxError::BadNumber);
        assert_eq!(
            parse("99999999999999999999").unwrap_err().error,
            SyntaxError::BadNumber
        );
        assert_eq!(parse("[1] x").unwrap_err().error, SyntaxError::TrailingData);
        assert_eq!(
            parse("{\"a\":1,\"a\":2}").unwrap_err().error,
            SyntaxError::DuplicateKey
        );
        assert_eq!(parse("\"a\nb\"").unwrap_err().error, SyntaxError::BadString);
        assert_eq!(
            parse("\"\\ud800\"").unwrap_err().error,
            SyntaxError::BadString
        );
        assert_eq!(parse("[").unwrap_err().error, SyntaxError::UnexpectedEnd);
        assert_eq!(parse("").unwrap_err().error, SyntaxError::UnexpectedEnd);
        assert_eq!(parse("tru").unwrap_err().error, SyntaxError::UnexpectedChar);
        assert_eq!(
            parse(&"[".repeat(100)).unwrap_err().error,
            SyntaxError::TooDeep
        );
    }

    #[test]
    fn byte_order_mark_is_skipped() {
        assert_eq!(kind("\u{feff}[]"), Kind::Array(vec![]));
    }
}
