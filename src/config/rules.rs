//! The rules a valid config follows, written once: the value rules both readers
//! apply to each string they read (the JSON Schema's patterns, in `schema`, say
//! the same in regular expressions), and the rule over the whole model that
//! every id is used once, which both readers check on the finished [`Config`].

use alloc::string::String;
use alloc::vec::Vec;

use super::{Config, Problem};
use crate::text::push_uint;

impl Config {
    /// The first category or service id used twice, in config order: the path of
    /// the second use (`["categories", "[2]", "services", "[0]", "id"]`) and
    /// [`Problem::DuplicateId`]. A JSON Schema cannot say this, so the readers
    /// check it on the model they built.
    pub fn duplicate_id(&self) -> Option<(Vec<String>, Problem)> {
        let mut seen: Vec<&str> = Vec::new();
        for (ci, c) in self.categories.iter().enumerate() {
            let ids = core::iter::once((None, c.id.as_str())).chain(
                c.services
                    .iter()
                    .enumerate()
                    .map(|(si, s)| (Some(si), s.id.as_str())),
            );
            for (si, id) in ids {
                if seen.contains(&id) {
                    let mut path = Vec::new();
                    path.push(String::from("categories"));
                    path.push(index(ci));
                    if let Some(si) = si {
                        path.push(String::from("services"));
                        path.push(index(si));
                    }
                    path.push(String::from("id"));
                    return Some((path, Problem::DuplicateId));
                }
                seen.push(id);
            }
        }
        None
    }
}

/// `[i]`, a path segment.
pub fn index(i: usize) -> String {
    let mut s = String::from("[");
    push_uint(&mut s, i as u64);
    s.push(']');
    s
}

/// Empty or only whitespace: not a text. Not `trim`: the same test, with less
/// code in the banner module.
pub fn is_blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

/// An id: a lowercase letter, then up to 63 of `a-z 0-9 - _`.
pub fn is_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.first().is_some_and(u8::is_ascii_lowercase)
        && b.len() <= 64
        && b.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'_')
}

/// Characters RFC 6265 allows in a cookie name, plus `*` for patterns when `pattern`.
pub fn is_cookie_name(s: &str, pattern: bool) -> bool {
    s.bytes().all(|b| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            )
            || (pattern && b == b'*')
    })
}

/// An http(s) URL or a site path, without spaces or control characters.
pub fn is_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://") || s.starts_with('/'))
        && !s.starts_with("//")
        && !s.bytes().any(|b| b <= b' ' || b == 0x7f)
}

/// Where receipts may go: an `https://` URL with a host and no user name
/// (`https://a@b/` hides the real host), or, for testing, `http://` to this
/// machine (`localhost`, `127.0.0.1` or `[::1]`, with an optional port); no
/// spaces or control characters. A proof of consent must not cross the network
/// in clear.
pub fn is_receipts_url(s: &str) -> bool {
    // Bytes, not `str` slicing and searching: those would bring core's panic and
    // memchr code into the banner module (about 0.8 KB before wasm-opt).
    let (secure, rest) = match (s.strip_prefix("https://"), s.strip_prefix("http://")) {
        (Some(rest), _) => (true, rest.as_bytes()),
        (_, Some(rest)) => (false, rest.as_bytes()),
        _ => return false,
    };
    let end = rest
        .iter()
        .position(|&b| b == b'/' || b == b'?' || b == b'#')
        .unwrap_or(rest.len());
    let authority = rest.get(..end).unwrap_or_default();
    if !is_url(s) || authority.is_empty() {
        return false;
    }
    if secure {
        // Not `contains`: for bytes it is a memchr, more code in the banner module.
        #[allow(clippy::manual_contains)]
        return !authority.iter().any(|&b| b == b'@');
    }
    // This machine by name or address, then nothing or `:` and a port.
    [&b"localhost"[..], b"127.0.0.1", b"[::1]"]
        .iter()
        .any(|host| {
            authority.strip_prefix(*host).is_some_and(|port| {
                port.is_empty()
                    || port
                        .strip_prefix(b":")
                        .is_some_and(|digits| digits.iter().all(u8::is_ascii_digit))
            })
        })
}

/// A cookie `Path`: starts with `/`, no spaces, `;`, `,` or control characters.
pub fn is_cookie_path(p: &str) -> bool {
    p.starts_with('/')
        && !p
            .bytes()
            .any(|b| b <= b' ' || b == b';' || b == b',' || b == 0x7f)
}

/// A cookie `Domain`: letters, digits, dots and hyphens.
pub fn is_domain(d: &str) -> bool {
    d.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

/// The short hash `doui version` prints: up to 16 letters and digits.
pub fn is_policy_version(s: &str) -> bool {
    s.len() <= 16 && s.bytes().all(|b| b.is_ascii_alphanumeric())
}
