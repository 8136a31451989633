//! The database: one schema and one set of queries for SQLite and PostgreSQL
//! (sqlx's `Any` driver, `$n` placeholders, types both understand), the batching
//! writer that extends the hash chain, and the reads behind history, export,
//! chart, retention and verification.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use futures_util::TryStreamExt;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row as _};
use tokio::sync::{mpsc, oneshot};

use crate::chain::{self, Break, Row, Verifier};
use crate::day;
use crate::site::Site;

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file (the default: nothing to install).
    Sqlite,
    /// A PostgreSQL server (several server instances can share it).
    Postgres,
}

/// A connection pool with the schema in place.
#[derive(Debug, Clone)]
pub struct Store {
    /// The pool.
    pub pool: AnyPool,
    /// Which database it is.
    pub backend: Backend,
}

const SCHEMA: [&str; 3] = [
    // `body_sha256` is the idempotency key (see [`receipt_key`]); NULL only on rows
    // stored twice before the key existed (the first copy keeps it).
    "CREATE TABLE IF NOT EXISTS receipts (
        day TEXT NOT NULL,
        shard TEXT NOT NULL,
        seq BIGINT NOT NULL,
        received BIGINT NOT NULL,
        consent_id TEXT NOT NULL,
        ip_hash TEXT,
        body TEXT NOT NULL,
        prev TEXT NOT NULL,
        hash TEXT NOT NULL,
        body_sha256 TEXT,
        PRIMARY KEY (day, shard, seq))",
    "CREATE TABLE IF NOT EXISTS heads (
        day TEXT NOT NULL,
        shard TEXT NOT NULL,
        seq BIGINT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (day, shard))",
    "CREATE TABLE IF NOT EXISTS texts (
        hash TEXT PRIMARY KEY,
        revision BIGINT NOT NULL,
        lang TEXT NOT NULL,
        body TEXT NOT NULL)",
];

const ROW_COLUMNS: &str = "day, shard, seq, received, consent_id, ip_hash, body, prev, hash";

fn row_of(r: &AnyRow) -> Result<Row, sqlx::Error> {
    Ok(Row {
        day: r.try_get("day")?,
        shard: r.try_get("shard")?,
        seq: r.try_get("seq")?,
        received: r.try_get("received")?,
        consent_id: r.try_get("consent_id")?,
        ip_hash: r.try_get("ip_hash")?,
        body: r.try_get("body")?,
        prev: r.try_get("prev")?,
        hash: r.try_get("hash")?,
    })
}

/// A database error as a message (the server logs it; clients see only 503).
fn db(e: sqlx::Error) -> String {
    format!("database: {e}")
}

impl Store {
    /// Connects (creating an SQLite file when missing) and creates the schema.
    pub async fn open(url: &str) -> Result<Store, String> {
        sqlx::any::install_default_drivers();
        let (backend, url) = if let Some(rest) = url.strip_prefix("sqlite:") {
            // An SQLite file is created on first start unless the URL says otherwise.
            let url = if rest.contains("mode=") {
                url.to_string()
            } else if rest.contains('?') {
                format!("{url}&mode=rwc")
            } else {
                format!("{url}?mode=rwc")
            };
            (Backend::Sqlite, url)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_string())
        } else {
            return Err(format!(
                "--db: expected sqlite://FILE or postgres://…, got {:?}",
                url.split(':').next().unwrap_or("")
            ));
        };
        let mut options = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 8 })
            .acquire_timeout(Duration::from_secs(10));
        if backend == Backend::Sqlite {
            options = options.after_connect(|conn, _| {
                Box::pin(async move {
                    // WAL lets history and export read while the writer commits; FULL
                    // makes a commit durable before the receipt is acknowledged.
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA synchronous = FULL").await?;
                    conn.execute("PRAGMA busy_timeout = 5000").await?;
                    Ok(())
                })
            });
        }
        let pool = options.connect(&url).await.map_err(db)?;
        let store = Store { pool, backend };
        for ddl in SCHEMA {
            store.pool.execute(ddl).await.map_err(db)?;
        }
        store.add_receipt_keys().await.map_err(db)?;
        Ok(store)
    }

    /// Creates the one index on receipts, unique on `(consent_id, body_sha256)`:
    /// history reads it by its first column, the writer's idempotency check by
    /// both (the body holds the id, so this is as unique as the key alone), and a
    /// second index on random keys would double the index pages each commit
    /// writes. A database made before receipts were idempotent gets the key column
    /// first and loses its plain `consent_id` index. Its rows are keyed oldest
    /// first; a later copy of a receipt already keyed keeps a NULL key (it stays
    /// in its chain, untouched). On PostgreSQL an advisory lock keeps instances
    /// starting together in turn.
    async fn add_receipt_keys(&self) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let has_column = match self.backend {
            Backend::Sqlite => {
                "SELECT COUNT(*) AS n FROM pragma_table_info('receipts') WHERE name = 'body_sha256'"
            }
            Backend::Postgres => {
                sqlx::query("SELECT pg_advisory_xact_lock(7366110)")
                    .execute(&mut *tx)
                    .await?;
                "SELECT COUNT(*) AS n FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = 'receipts'
                 AND column_name = 'body_sha256'"
            }
        };
        let n: i64 = sqlx::query(has_column)
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        if n == 0 {
            tx.execute("ALTER TABLE receipts ADD COLUMN body_sha256 TEXT")
                .await?;
        }
        tx.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS receipts_key ON receipts (consent_id, body_sha256)",
        )
        .await?;
        tx.execute("DROP INDEX IF EXISTS receipts_consent_id")
            .await?;
        if n == 0 {
            let mut after = (String::new(), String::new(), 0i64);
            loop {
                let rows = sqlx::query(
                    "SELECT day, shard, seq, consent_id, body FROM receipts WHERE (day, shard, seq) > ($1, $2, $3)
                     ORDER BY day, shard, seq LIMIT 1000",
                )
                .bind(&after.0)
                .bind(&after.1)
                .bind(after.2)
                .fetch_all(&mut *tx)
                .await?;
                let Some(last) = rows.last() else { break };
                after = (
                    last.try_get("day")?,
                    last.try_get("shard")?,
                    last.try_get("seq")?,
                );
                for r in &rows {
                    let key = receipt_key(&r.try_get::<String, _>("body")?);
                    sqlx::query(
                        "UPDATE receipts SET body_sha256 = $1 WHERE day = $2 AND shard = $3 AND seq = $4
                         AND NOT EXISTS (SELECT 1 FROM receipts WHERE consent_id = $5 AND body_sha256 = $1)",
                    )
                    .bind(&key)
                    .bind(r.try_get::<String, _>("day")?)
                    .bind(r.try_get::<String, _>("shard")?)
                    .bind(r.try_get::<i64, _>("seq")?)
                    .bind(r.try_get::<String, _>("consent_id")?)
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
        tx.commit().await
    }

    /// Stores each distinct shown text once, keyed by its hash.
    pub async fn save_texts(&self, sites: &BTreeMap<u32, Site>) -> Result<(), String> {
        for site in sites.values() {
            for shown in &site.shown {
                let (lang, text, hash) = (shown.lang, &shown.text, &shown.hash);
                sqlx::query(
                    "INSERT INTO texts (hash, revision, lang, body) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (hash) DO NOTHING",
                )
                .bind(hash)
                .bind(i64::from(site.config.revision))
                .bind(lang.tag())
                .bind(text)
                .execute(&self.pool)
                .await
                .map_err(db)?;
            }
        }
        Ok(())
    }

    /// A stored shown text by its hash.
    pub async fn text(&self, hash: &str) -> Result<Option<String>, String> {
        let row = sqlx::query("SELECT body FROM texts WHERE hash = $1")
            .bind(hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.map(|r| r.try_get::<String, _>("body"))
            .transpose()
            .map_err(db)
    }

    /// Every receipt of a consent id in the order the choices were made: by the
    /// receipt's own `time` (a receipt sent late, on a later page view, still
    /// lands in its place), then in the order the server stored them.
    pub async fn history(&self, consent_id: &str) -> Result<Vec<Row>, String> {
        let rows = sqlx::query(&format!(
            "SELECT {ROW_COLUMNS} FROM receipts WHERE consent_id = $1 ORDER BY received, day, shard, seq"
        ))
        .bind(consent_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        let mut rows: Vec<Row> = rows
            .iter()
            .map(row_of)
            .collect::<Result<_, _>>()
            .map_err(db)?;
        // One visitor's history is a handful of rows: sorting here needs no
        // column of its own. The sort is stable, so equal times keep server order.
        rows.sort_by_cached_key(|r| {
            serde_json::from_str::<serde_json::Value>(&r.body)
                .ok()
                .and_then(|v| v["time"].as_u64())
                .unwrap_or(0)
        });
        Ok(rows)
    }

    /// Up to `limit` receipts received on days up to `to`, in chain order (day,
    /// shard, seq), after the cursor `after` (a row's day, shard and seq; start
    /// with `(from, "", 0)`). Paging keeps a year's export or chart out of memory.
    pub async fn page(
        &self,
        after: (&str, &str, i64),
        to: &str,
        limit: i64,
    ) -> Result<Vec<Row>, String> {
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM receipts WHERE (day, shard, seq) > ($1, $2, $3) AND day <= $4
             ORDER BY day, shard, seq LIMIT $5"
        );
        let rows = sqlx::query(&sql)
            .bind(after.0)
            .bind(after.1)
            .bind(after.2)
            .bind(to)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter()
            .map(row_of)
            .collect::<Result<_, _>>()
            .map_err(db)
    }

    /// Calls `each` for every receipt received from `from` to `to` (days, inclusive),
    /// in chain order, a page at a time; `each` returns false to stop.
    pub async fn each_between<F, Fut>(
        &self,
        from: &str,
        to: &str,
        mut each: F,
    ) -> Result<(), String>
    where
        F: FnMut(Vec<Row>) -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let mut cursor = (from.to_string(), String::new(), 0);
        loop {
            let rows = self
                .page((&cursor.0, &cursor.1, cursor.2), to, 2_000)
                .await?;
            let Some(last) = rows.last() else {
                return Ok(());
            };
            cursor = (last.day.clone(), last.shard.clone(), last.seq);
            if !each(rows).await {
                return Ok(());
            }
        }
    }

    /// How many receipts are stored.
    pub async fn count(&self) -> Result<i64, String> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM receipts")
            .fetch_one(&self.pool)
            .await
            .map_err(db)?;
        row.try_get("n").map_err(db)
    }

    async fn head(&self, day: &str, shard: &str) -> Result<Option<(i64, String)>, sqlx::Error> {
        let row = sqlx::query("SELECT seq, hash FROM heads WHERE day = $1 AND shard = $2")
            .bind(day)
            .bind(shard)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok((r.try_get("seq")?, r.try_get("hash")?)))
            .transpose()
    }

    /// Deletes every day before `day` (receipts and chain heads), in one transaction.
    /// Returns how many receipts went.
    pub async fn delete_before(&self, day: &str) -> Result<u64, String> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let gone = sqlx::query("DELETE FROM receipts WHERE day < $1")
            .bind(day)
            .execute(&mut *tx)
            .await
            .map_err(db)?
            .rows_affected();
        sqlx::query("DELETE FROM heads WHERE day < $1")
            .bind(day)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(gone)
    }

    /// Checks every chain. `Ok` holds the chains checked as `(day, shard, rows)`;
    /// the error is the first break, or a database error.
    pub async fn verify(&self) -> Result<Result<Vec<(String, String, i64)>, Break>, String> {
        let chains = sqlx::query(
            "SELECT day, shard FROM heads UNION SELECT day, shard FROM receipts ORDER BY day, shard",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        let mut checked = Vec::new();
        for c in &chains {
            let day: String = c.try_get("day").map_err(db)?;
            let shard: String = c.try_get("shard").map_err(db)?;
            // The writer commits rows and head together; a commit between reading the
            // rows and the head (today's chain, while serving) is read again.
            let mut attempt = 0;
            loop {
                let mut v = Verifier::new(&day, &shard);
                let mut broken = None;
                let sql = format!(
                    "SELECT {ROW_COLUMNS} FROM receipts WHERE day = $1 AND shard = $2 ORDER BY seq"
                );
                let mut rows = sqlx::query(&sql).bind(&day).bind(&shard).fetch(&self.pool);
                while let Some(r) = rows.try_next().await.map_err(db)? {
                    if let Err(b) = v.push(&row_of(&r).map_err(db)?) {
                        broken = Some(b);
                        break;
                    }
                }
                drop(rows);
                if let Some(b) = broken {
                    return Ok(Err(b));
                }
                let head = self.head(&day, &shard).await.map_err(db)?;
                match v.finish(head.as_ref().map(|(s, h)| (*s, h.as_str()))) {
                    Ok(()) => {
                        checked.push((day.clone(), shard.clone(), v.count()));
                        break;
                    }
                    Err(_) if attempt < 3 && head.is_some_and(|(s, _)| s > v.count()) => {
                        attempt += 1;
                    }
                    Err(b) => return Ok(Err(b)),
                }
            }
        }
        Ok(Ok(checked))
    }
}

/// The idempotency key of a receipt: the lowercase hex SHA-256 of its stored form
/// (compact JSON, fields in a fixed order, decisions in config order; see
/// `Receipt::to_json`). Two receipts with the same key say exactly the same thing:
/// same consent id, record time, revision, policy, language, GPC, action,
/// decisions and shown text. The sender's address is not part of it.
pub fn receipt_key(body: &str) -> String {
    use sha2::{Digest, Sha256};
    crate::address::hex(&Sha256::digest(body.as_bytes()))
}

/// A receipt waiting to be written, and where to say it was committed.
#[derive(Debug)]
pub struct Job {
    /// The consent id.
    pub consent_id: String,
    /// Keyed hash of the sender's network, if the server has a key.
    pub ip_hash: Option<String>,
    /// The receipt as stored.
    pub body: String,
    /// [`receipt_key`] of `body`.
    pub key: String,
    /// Gets the stored row's hash after commit, or an error.
    pub reply: oneshot::Sender<Result<Stored, String>>,
}

/// Where a receipt is, once committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The hash of its row in the chain.
    pub hash: String,
    /// False when the same receipt was already stored (this one was a resend).
    pub new: bool,
}

/// The writer's mailbox.
pub type Writer = mpsc::Sender<Job>;

/// Starts the one task that writes: it takes whatever receipts are waiting (up to
/// `batch_max`), appends them to the day's chain for `shard` in one transaction, and
/// answers each only after the commit.
pub fn spawn_writer(store: Store, shard: String, batch_max: usize) -> Writer {
    let (tx, mut rx) = mpsc::channel::<Job>(batch_max.max(1) * 8);
    tokio::spawn(async move {
        let mut head: Option<(String, i64, String)> = None;
        let mut jobs: Vec<Job> = Vec::with_capacity(batch_max);
        while let Some(first) = rx.recv().await {
            jobs.push(first);
            while jobs.len() < batch_max {
                match rx.try_recv() {
                    Ok(j) => jobs.push(j),
                    Err(_) => break,
                }
            }
            let mut attempt = 0;
            let outcome = loop {
                match append(&store, &shard, &mut head, &jobs).await {
                    Ok(hashes) => break Ok(hashes),
                    Err(e) => {
                        // Another instance wrote the same chain position, or the
                        // database was busy: read the head again and retry.
                        head = None;
                        attempt += 1;
                        if attempt >= 8 {
                            break Err(e);
                        }
                        tokio::time::sleep(Duration::from_millis(5 << attempt.min(6))).await;
                    }
                }
            };
            match outcome {
                Ok(stored) => {
                    for (job, stored) in jobs.drain(..).zip(stored) {
                        let _ = job.reply.send(Ok(stored));
                    }
                }
                Err(e) => {
                    eprintln!(
                        "doui-receipts: could not store {} receipts: {e}",
                        jobs.len()
                    );
                    for job in jobs.drain(..) {
                        let _ = job.reply.send(Err(e.clone()));
                    }
                }
            }
        }
    });
    tx
}

/// Appends one batch in one transaction. A receipt whose key is already stored
/// (an earlier batch, another instance) or earlier in the batch gets no row of its
/// own: it is answered with the stored row. The keys are looked up inside the
/// transaction with one indexed query per 256 consent ids; a copy committed by another
/// instance after that lookup makes the insert fail on the unique index, the whole
/// transaction rolls back, and the retry finds it. So the chain only ever grows by
/// receipts stored once.
async fn append(
    store: &Store,
    shard: &str,
    head: &mut Option<(String, i64, String)>,
    jobs: &[Job],
) -> Result<Vec<Stored>, String> {
    let received = day::now_ms();
    let today = day::day_of_ms(received);
    let (mut seq, mut prev) = match head {
        Some((d, s, h)) if *d == today => (*s, h.clone()),
        _ => store
            .head(&today, shard)
            .await
            .map_err(db)?
            .unwrap_or((0, chain::GENESIS.to_string())),
    };
    let mut tx = store.pool.begin().await.map_err(db)?;
    let mut known: HashMap<&str, String> = HashMap::new();
    let keys: HashSet<&str> = jobs.iter().map(|j| j.key.as_str()).collect();
    let ids: Vec<&str> = {
        let mut seen = HashSet::new();
        jobs.iter()
            .map(|j| j.consent_id.as_str())
            .filter(|id| seen.insert(*id))
            .collect()
    };
    // By consent id, through the unique index's first column: an id has a
    // handful of receipts, and those whose key is in this batch are resends. The
    // list has the batch's length: a fixed-length list padded with repeats was
    // slower on PostgreSQL (its generic plan for the long list).
    for chunk in ids.chunks(256) {
        let mut sql = String::from(
            "SELECT body_sha256, hash FROM receipts WHERE body_sha256 IS NOT NULL AND consent_id IN (",
        );
        for i in 1..=chunk.len() {
            if i > 1 {
                sql.push(',');
            }
            sql.push_str(&format!("${i}"));
        }
        sql.push(')');
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&mut *tx).await.map_err(db)? {
            let key: String = r.try_get("body_sha256").map_err(db)?;
            if let Some(k) = keys.get(key.as_str()) {
                known.insert(k, r.try_get("hash").map_err(db)?);
            }
        }
    }
    // Rows go into the chain in key order (all of a batch share one `received`):
    // two instances inserting the same new keys then meet them in the same order
    // and wait on each other at most once, instead of deadlocking.
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by(|a, b| jobs[*a].key.cmp(&jobs[*b].key));
    let mut rows = Vec::with_capacity(jobs.len());
    let mut stored: Vec<Option<Stored>> = vec![None; jobs.len()];
    for i in order {
        let job = &jobs[i];
        if let Some(hash) = known.get(job.key.as_str()) {
            stored[i] = Some(Stored {
                hash: hash.clone(),
                new: false,
            });
            continue;
        }
        seq += 1;
        let mut row = Row {
            day: today.clone(),
            shard: shard.to_string(),
            seq,
            received,
            consent_id: job.consent_id.clone(),
            ip_hash: job.ip_hash.clone(),
            body: job.body.clone(),
            prev: prev.clone(),
            hash: String::new(),
        };
        row.hash = chain::link_hash(&row);
        prev.clone_from(&row.hash);
        known.insert(&job.key, row.hash.clone());
        stored[i] = Some(Stored {
            hash: row.hash.clone(),
            new: true,
        });
        rows.push((row, job.key.as_str()));
    }
    // Every job got its answer above.
    let stored: Vec<Stored> = stored.into_iter().flatten().collect();
    if rows.is_empty() {
        // Every receipt was a resend: nothing to write, the chain is untouched.
        tx.rollback().await.map_err(db)?;
        return Ok(stored);
    }
    // One multi-row INSERT per chunk: 10 parameters a row stays far below both
    // databases' parameter limits.
    for chunk in rows.chunks(256) {
        let mut sql = format!("INSERT INTO receipts ({ROW_COLUMNS}, body_sha256) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            for p in 1..=10 {
                if p > 1 {
                    sql.push(',');
                }
                sql.push_str(&format!("${}", i * 10 + p));
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for (r, key) in chunk {
            q = q
                .bind(&r.day)
                .bind(&r.shard)
                .bind(r.seq)
                .bind(r.received)
                .bind(&r.consent_id)
                .bind(&r.ip_hash)
                .bind(&r.body)
                .bind(&r.prev)
                .bind(&r.hash)
                .bind(*key);
        }
        q.execute(&mut *tx).await.map_err(db)?;
    }
    sqlx::query(
        "INSERT INTO heads (day, shard, seq, hash) VALUES ($1, $2, $3, $4)
         ON CONFLICT (day, shard) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
    )
    .bind(&today)
    .bind(shard)
    .bind(seq)
    .bind(&prev)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)?;
    *head = Some((today, seq, prev));
    Ok(stored)
}
