//! Heading ids: readable slugs and a set that keeps them unique. The pass that
//! hands them out is `heading_ids`.

use crate::text::push_uint;
use core::hash::{BuildHasherDefault, Hasher};
use std::collections::{HashMap, HashSet};

/// One heading as listed in the table of contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocEntry {
    /// Heading level, 1–6.
    pub level: u8,
    /// The id its anchor points to.
    pub id: String,
    /// Its plain text.
    pub text: String,
}

/// The id of the contents' own title, which no heading may take.
pub const TOC_TITLE_ID: &str = "doui-toc-title";

/// Makes a readable id from heading text: letters and digits of any script are
/// kept (so Japanese headings keep their Japanese), runs of spaces and dashes
/// become one `-`, other punctuation is dropped.
pub fn slug(text: &str) -> String {
    // Never longer than the text (lowercasing keeps ASCII's length): no regrowing.
    let mut out = String::with_capacity(text.len().max("section".len()));
    let mut dash = false;
    for c in text.chars() {
        if is_kana_or_kanji(c) || c.is_alphanumeric() || c == '_' {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '\u{3000}' {
            dash = true;
        }
    }
    if out.is_empty() {
        out.push_str("section");
    }
    out
}

/// Kana and the CJK ideographs, most of a Japanese heading: letters all, known
/// without searching the Unicode tables as `char::is_alphanumeric` does for every
/// character beyond ASCII. A test checks each of them against it.
fn is_kana_or_kanji(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | '\u{4E00}'..='\u{9FFF}')
}

/// Hands out ids that are unique within one document, in time linear in the
/// number of headings however many share a title.
#[derive(Default)]
pub struct IdSet {
    used: HashSet<String, IdHash>,
    /// Ids written `{#id}` that their first heading may still take as written.
    granted: HashSet<String, IdHash>,
    /// The next suffix to try per base, so that the thousandth "概要" does not
    /// walk past the 999 before it.
    next: HashMap<String, u64, IdHash>,
}

/// A plain multiplicative hash for the id sets, eight bytes a turn (as rustc's
/// own FxHash): the ids come from the document itself, so std's SipHash, which
/// resists chosen keys, only costs time here. A document crafted to collide makes
/// its own render slower, nothing else.
type IdHash = BuildHasherDefault<WordHasher>;

/// The state of [`IdHash`].
#[derive(Default)]
pub struct WordHasher(u64);

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().unwrap_or_default()));
        }
        let mut last = [0u8; 8];
        let rest = chunks.remainder();
        last[..rest.len()].copy_from_slice(rest);
        // The length too, so that trailing zero bytes still count.
        self.add(u64::from_le_bytes(last) ^ (rest.len() as u64) << 59);
    }

    fn write_u8(&mut self, b: u8) {
        self.add(b as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl IdSet {
    /// Room for `n` ids in use before the set of them grows.
    pub fn with_capacity(n: usize) -> Self {
        IdSet {
            used: HashSet::with_capacity_and_hasher(n, IdHash::default()),
            ..IdSet::default()
        }
    }

    /// Marks `id` as taken by something other than a heading: the contents' title,
    /// a footnote (pulldown-cmark writes its label as the id).
    pub fn reserve(&mut self, id: &str) {
        self.used.insert(id.to_string());
    }

    /// Keeps an id written `{#id}` for the first heading that asks for it with
    /// [`IdSet::explicit`], so that generated ids of earlier headings avoid it.
    /// Call after every [`IdSet::reserve`]: an id reserved already is not granted.
    pub fn grant(&mut self, id: &str) {
        if self.used.insert(id.to_string()) {
            self.granted.insert(id.to_string());
        }
    }

    /// The id for a heading written `{#id}`: as written for the first such heading
    /// if it was granted, else made unique as [`IdSet::unique`] does.
    pub fn explicit(&mut self, id: &str) -> String {
        if self.granted.remove(id) {
            id.to_string()
        } else {
            self.unique(id.to_string())
        }
    }

    /// `base`, or `base-2`, `base-3`… if taken.
    pub fn unique(&mut self, base: String) -> String {
        if !self.used.contains(&base) {
            self.used.insert(base.clone());
            return base;
        }
        let n = self.next.entry(base.clone()).or_insert(2);
        loop {
            let mut id = base.clone();
            id.push('-');
            push_uint(&mut id, *n);
            *n += 1;
            if self.used.insert(id.clone()) {
                return id;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("第1条（目的）"), "第1条目的");
        assert_eq!(slug("1 目的"), "1-目的");
        assert_eq!(slug("  Hello, World! "), "hello-world");
        assert_eq!(slug("Cookie の利用"), "cookie-の利用");
        assert_eq!(slug("第1章　総　則"), "第1章-総-則");
        assert_eq!(slug("!!!"), "section");
        assert_eq!(slug("a -- b"), "a-b");
    }

    #[test]
    fn kana_and_kanji_are_letters() {
        for c in ('\u{3000}'..='\u{ffff}').filter(|&c| is_kana_or_kanji(c)) {
            assert!(c.is_alphanumeric(), "{c:?}");
        }
        assert!(!is_kana_or_kanji('・') && !is_kana_or_kanji('、'));
    }

    #[test]
    fn unique_ids() {
        let mut ids = IdSet::default();
        ids.reserve("x-2");
        assert_eq!(ids.unique("x".into()), "x");
        assert_eq!(ids.unique("x".into()), "x-3");
        assert_eq!(ids.unique("x".into()), "x-4");
    }

    #[test]
    fn explicit_ids_are_kept_once_and_yield_to_reserved_ones() {
        let mut ids = IdSet::default();
        ids.reserve("fn");
        for id in ["dup", "dup", "later", "fn"] {
            ids.grant(id);
        }
        // A generated id never takes an id granted to a later heading.
        assert_eq!(ids.unique("later".into()), "later-2");
        assert_eq!(ids.explicit("dup"), "dup");
        assert_eq!(ids.explicit("dup"), "dup-2");
        assert_eq!(ids.explicit("later"), "later");
        assert_eq!(ids.explicit("fn"), "fn-2");
    }
}
