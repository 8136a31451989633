//! The hash chain: each stored receipt carries the hash of the one before it in the
//! same day and shard, and each chain's last hash is kept as its head. Editing a
//! row breaks its own hash, deleting one breaks the next row's link, deleting the
//! last rows leaves the chain short of its head. Pure: the database reads rows.

use sha2::{Digest, Sha256};

use crate::address::hex;

/// The `prev` of a chain's first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One stored receipt with its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// UTC day it was received (`YYYY-MM-DD`).
    pub day: String,
    /// The chain's writer (one per server instance).
    pub shard: String,
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When the server committed it, Unix milliseconds.
    pub received: i64,
    /// The consent id (also inside `body`; a column so history is one index lookup).
    pub consent_id: String,
    /// Keyed hash of the sender's truncated network, when the server has a key.
    pub ip_hash: Option<String>,
    /// The receipt as stored (compact JSON).
    pub body: String,
    /// The previous row's hash, or [`GENESIS`].
    pub prev: String,
    /// This row's hash.
    pub hash: String,
}

/// SHA-256 over every column but `hash` itself, each length-prefixed so that no two
/// different rows can produce the same input.
pub fn link_hash(row: &Row) -> String {
    let mut h = Sha256::new();
    let mut field = |s: &[u8]| {
        h.update((s.len() as u64).to_be_bytes());
        h.update(s);
    };
    field(b"doui-receipts/1");
    field(row.prev.as_bytes());
    field(row.day.as_bytes());
    field(row.shard.as_bytes());
    field(row.seq.to_string().as_bytes());
    field(row.received.to_string().as_bytes());
    field(row.consent_id.as_bytes());
    field(row.ip_hash.as_deref().unwrap_or("").as_bytes());
    field(row.body.as_bytes());
    hex(&h.finalize())
}

/// The first place a chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// The chain's day.
    pub day: String,
    /// The chain's shard.
    pub shard: String,
    /// The sequence number where it breaks.
    pub seq: i64,
    /// What is wrong there.
    pub what: String,
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "chain {} shard {} breaks at seq {}: {}",
            self.day, self.shard, self.seq, self.what
        )
    }
}

/// Checks one chain row by row, in `seq` order, without holding it in memory.
#[derive(Debug)]
pub struct Verifier {
    day: String,
    shard: String,
    prev: String,
    expected: i64,
}

impl Verifier {
    /// A verifier for the chain of `day` and `shard`.
    pub fn new(day: &str, shard: &str) -> Verifier {
        Verifier {
            day: day.into(),
            shard: shard.into(),
            prev: GENESIS.into(),
            expected: 1,
        }
    }

    fn broken(&self, seq: i64, what: String) -> Break {
        Break {
            day: self.day.clone(),
            shard: self.shard.clone(),
            seq,
            what,
        }
    }

    /// How many rows passed so far.
    pub fn count(&self) -> i64 {
        self.expected - 1
    }

    /// The next row.
    pub fn push(&mut self, row: &Row) -> Result<(), Break> {
        if row.seq != self.expected {
            let what = if row.seq > self.expected {
                format!("row missing (the next row is seq {})", row.seq)
            } else {
                "row repeated".into()
            };
            return Err(self.broken(self.expected, what));
        }
        if row.prev != self.prev {
            return Err(self.broken(
                row.seq,
                "its link does not match the previous row's hash (a row before it was deleted or edited)".into(),
            ));
        }
        if link_hash(row) != row.hash {
            return Err(self.broken(
                row.seq,
                "its hash does not match its content (the row was edited)".into(),
            ));
        }
        self.prev.clone_from(&row.hash);
        self.expected += 1;
        Ok(())
    }

    /// The end of the chain, against its recorded head (`(seq, hash)` of the last
    /// committed row).
    pub fn finish(&self, head: Option<(i64, &str)>) -> Result<(), Break> {
        let last = self.count();
        match head {
            None if last == 0 => Ok(()),
            None => Err(self.broken(last, "the chain has no recorded head".into())),
            Some((seq, _)) if seq > last => Err(self.broken(
                last + 1,
                format!("the head records {seq} rows but the chain has {last} (rows at its end were deleted)"),
            )),
            Some((seq, _)) if seq < last => Err(self.broken(
                seq + 1,
                format!("the chain has {last} rows but its head records {seq} (rows were added)"),
            )),
            Some((_, hash)) if hash != self.prev => Err(self.broken(
                last,
                "the last row's hash does not match the recorded head".into(),
            )),
            Some(_) => Ok(()),
        }
    }
}

/// Checks one chain's rows, ordered by `seq`, against its recorded head.
pub fn verify(
    day: &str,
    shard: &str,
    rows: &[Row],
    head: Option<(i64, &str)>,
) -> Result<(), Break> {
    let mut v = Verifier::new(day, shard);
    for row in rows {
        v.push(row)?;
    }
    v.finish(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Row> {
        let mut rows: Vec<Row> = Vec::new();
        let mut prev = GENESIS.to_string();
        for seq in 1..=n {
            let mut row = Row {
                day: "2026-11-30".into(),
                shard: "main".into(),
                seq,
                received: 1_000 + seq,
                consent_id: "q8Xk2mVb8pL0aZ3nYw7cTg".into(),
                ip_hash: None,
                body: format!("{{\"n\":{seq}}}"),
                prev: prev.clone(),
                hash: String::new(),
            };
            row.hash = link_hash(&row);
            prev.clone_from(&row.hash);
            rows.push(row);
        }
        rows
    }

    #[test]
    fn finds_each_kind_of_break() {
        let rows = chain(5);
        let head = (5, rows[4].hash.clone());
        let h = Some((head.0, head.1.as_str()));
        assert_eq!(verify("2026-11-30", "main", &rows, h), Ok(()));

        let mut edited = rows.clone();
        edited[2].body = "{\"n\":99}".into();
        assert_eq!(verify("d", "s", &edited, h).unwrap_err().seq, 3);

        let mut deleted = rows.clone();
        deleted.remove(1);
        let e = verify("d", "s", &deleted, h).unwrap_err();
        assert_eq!(e.seq, 2);
        assert!(e.what.contains("missing"), "{e}");

        let short = &rows[..4];
        let e = verify("d", "s", short, h).unwrap_err();
        assert_eq!(e.seq, 5);

        let mut rehashed = rows.clone();
        rehashed[4].body = "{}".into();
        rehashed[4].hash = link_hash(&rehashed[4]);
        assert_eq!(verify("d", "s", &rehashed, h).unwrap_err().seq, 5);
    }
}
