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
    };
    // A byte-order mark is common in files saved by editors on Windows.
    if r.s.starts_with(&[0xEF, 0xBB, 0xBF]) {
        r.i = 3;
    }
    let v = r.value(0)?;
    r.ws();
    if r.i < r.s.len() {
        return Err(r.err(SyntaxError::TrailingData));
    }
    Ok(v)
}

struct Reader<'a> {
    text: &'a str,
    s: &'a [u8],
    i: usize,
    line: u32,
}

impl Reader<'_> {
    fn err(&self, error: SyntaxError) -> ParseError {
        ParseError {
            error,
            line: self.line,
        }
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

    fn peek(&self) -> Result<u8, ParseError> {
        self.s
            .get(self.i)
            .copied()
            .ok_or(self.err(SyntaxError::UnexpectedEnd))
    }

    fn eat(&mut self, c: u8) -> Result<(), ParseError> {
        self.ws();
        if self.peek()? == c {
            self.i += 1;
            Ok(())
        } else {
            Err(self.err(SyntaxError::UnexpectedChar))
        }
    }

    fn value(&mut self, depth: u32) -> Result<Value, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.err(SyntaxError::TooDeep));
        }
        self.ws();
        let line = self.line;
        let kind = match self.peek()? {
            b'{' => {
                self.i += 1;
                let mut fields: Vec<(String, Value)> = Vec::new();
                self.ws();
                if self.peek()? == b'}' {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        if self.peek()? != b'"' {
                            return Err(self.err(SyntaxError::UnexpectedChar));
                        }
                        let key = self.string()?;
                        if fields.iter().any(|(k, _)| *k == key) {
                            return Err(self.err(SyntaxError::DuplicateKey));
                        }
                        self.eat(b':')?;
                        let v = self.value(depth + 1)?;
                        fields.push((key, v));
                        if self.list_end(b'}')? {
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
                if self.peek()? == b']' {
                    self.i += 1;
                } else {
                    loop {
                        items.push(self.value(depth + 1)?);
                        if self.list_end(b']')? {
                            break;
                        }
                    }
                }
                Kind::Array(items)
            }
            b'"' => Kind::Str(self.string()?),
            b't' => self.word(b"true", Kind::Bool(true))?,
            b'f' => self.word(b"false", Kind::Bool(false))?,
            b'n' => self.word(b"null", Kind::Null)?,
            b'-' | b'0'..=b'9' => Kind::Int(self.int()?),
            _ => return Err(self.err(SyntaxError::UnexpectedChar)),
        };
        Ok(Value { line, kind })
    }

    /// After an item: `,` continues (returns false), `close` ends (returns true).
    fn list_end(&mut self, close: u8) -> Result<bool, ParseError> {
        self.ws();
        let c = self.peek()?;
        self.i += 1;
        if c == b',' {
            Ok(false)
        } else if c == close {
            Ok(true)
        } else {
            self.i -= 1;
            Err(self.err(SyntaxError::UnexpectedChar))
        }
    }

    fn word(&mut self, w: &[u8], kind: Kind) -> Result<Kind, ParseError> {
        if self.s.get(self.i..).is_some_and(|rest| rest.starts_with(w)) {
            self.i += w.len();
            Ok(kind)
        } else {
            Err(self.err(SyntaxError::UnexpectedChar))
        }
    }

    fn int(&mut self) -> Result<i64, ParseError> {
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
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_add((c - b'0') as i64))
                .ok_or(self.err(SyntaxError::BadNumber))?;
            self.i += 1;
        }
        let digits = self.i - start;
        if digits == 0 {
            return Err(self.err(SyntaxError::UnexpectedChar));
        }
        if digits > 1 && self.s.get(start) == Some(&b'0') {
            return Err(self.err(SyntaxError::BadNumber));
        }
        if matches!(self.s.get(self.i), Some(b'.' | b'e' | b'E')) {
            return Err(self.err(SyntaxError::BadNumber));
        }
        Ok(if neg { -n } else { n })
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let mut n = 0u32;
        for _ in 0..4 {
            let c = *self
                .s
                .get(self.i)
                .ok_or(self.err(SyntaxError::UnexpectedEnd))?;
            let d = (c as char)
                .to_digit(16)
                .ok_or(self.err(SyntaxError::BadString))?;
            n = n * 16 + d;
            self.i += 1;
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.i += 1; // opening quote
        let mut out = String::new();
        // Runs of plain characters are copied as slices of the input: they start
        // and end next to ASCII bytes, so on character boundaries, and need no
        // UTF-8 check (which would cost the banner module its own code).
        let mut run = self.i;
        loop {
            let c = *self
                .s
                .get(self.i)
                .ok_or(self.err(SyntaxError::UnexpectedEnd))?;
            match c {
                b'"' | b'\\' => out.push_str(self.text.get(run..self.i).unwrap_or_default()),
                0..=0x1F => return Err(self.err(SyntaxError::BadString)),
                _ => {}
            }
            self.i += 1;
            if c == b'"' {
                return Ok(out);
            }
            if c != b'\\' {
                continue;
            }
            let e = *self
                .s
                .get(self.i)
                .ok_or(self.err(SyntaxError::UnexpectedEnd))?;
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
                    let hi = self.hex4()?;
                    let code = if (0xD800..0xDC00).contains(&hi) {
                        if self.s.get(self.i..self.i + 2) != Some(b"\\u") {
                            return Err(self.err(SyntaxError::BadString));
                        }
                        self.i += 2;
                        let lo = self.hex4()?;
                        if !(0xDC00..0xE000).contains(&lo) {
                            return Err(self.err(SyntaxError::BadString));
                        }
                        0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                    } else {
                        hi
                    };
                    char::from_u32(code).ok_or(self.err(SyntaxError::BadString))?
                }
                _ => return Err(self.err(SyntaxError::BadString)),
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
