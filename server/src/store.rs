//! The database: one schema and one set of queries for SQLite and PostgreSQL
//! (sqlx's `Any` driver, `$n` placeholders, types both understand), the batching
//! writer that extends the hash chain, and the reads behind history, export,
//! chart, retention and verification.

use std::collections::BTreeMap;
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

const SCHEMA: [&str; 4] = [
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
        PRIMARY KEY (day, shard, seq))",
    "CREATE INDEX IF NOT EXISTS receipts_consent_id ON receipts (consent_id)",
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
        Ok(store)
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

    /// Every receipt of a consent id, oldest first.
    pub async fn history(&self, consent_id: &str) -> Result<Vec<Row>, String> {
        let rows = sqlx::query(&format!(
            "SELECT {ROW_COLUMNS} FROM receipts WHERE consent_id = $1 ORDER BY received, day, shard, seq"
        ))
        .bind(consent_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(row_of)
            .collect::<Result<_, _>>()
            .map_err(db)
    }

    /// Calls `each` for every receipt of one day, in chain order.
    pub async fn each_of_day<F>(&self, day: &str, mut each: F) -> Result<(), String>
    where
        F: FnMut(Row) -> bool,
    {
        let sql = format!("SELECT {ROW_COLUMNS} FROM receipts WHERE day = $1 ORDER BY shard, seq");
        let mut rows = sqlx::query(&sql).bind(day).fetch(&self.pool);
        while let Some(r) = rows.try_next().await.map_err(db)? {
            if !each(row_of(&r).map_err(db)?) {
                break;
            }
        }
        Ok(())
    }

    /// The receipt bodies received from `from` to `to` (days, inclusive) with their day.
    pub async fn bodies(&self, from: &str, to: &str) -> Result<Vec<(String, String)>, String> {
        let rows = sqlx::query("SELECT day, body FROM receipts WHERE day >= $1 AND day <= $2")
            .bind(from)
            .bind(to)
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter()
            .map(|r| Ok((r.try_get("day")?, r.try_get("body")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(db)
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

/// A receipt waiting to be written, and where to say it was committed.
#[derive(Debug)]
pub struct Job {
    /// The consent id.
    pub consent_id: String,
    /// Keyed hash of the sender's network, if the server has a key.
    pub ip_hash: Option<String>,
    /// The receipt as stored.
    pub body: String,
    /// Gets the row's hash after commit, or an error.
    pub reply: oneshot::Sender<Result<String, String>>,
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
                Ok(hashes) => {
                    for (job, hash) in jobs.drain(..).zip(hashes) {
                        let _ = job.reply.send(Ok(hash));
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

async fn append(
    store: &Store,
    shard: &str,
    head: &mut Option<(String, i64, String)>,
    jobs: &[Job],
) -> Result<Vec<String>, String> {
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
    let mut rows = Vec::with_capacity(jobs.len());
    for job in jobs {
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
        rows.push(row);
    }
    let mut tx = store.pool.begin().await.map_err(db)?;
    // One multi-row INSERT per chunk: 9 parameters a row stays far below both
    // databases' parameter limits.
    for chunk in rows.chunks(256) {
        let mut sql = format!("INSERT INTO receipts ({ROW_COLUMNS}) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            let b = i * 9;
            sql.push_str(&format!(
                "(${},${},${},${},${},${},${},${},${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8,
                b + 9
            ));
        }
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = q
                .bind(&r.day)
                .bind(&r.shard)
                .bind(r.seq)
                .bind(r.received)
                .bind(&r.consent_id)
                .bind(&r.ip_hash)
                .bind(&r.body)
                .bind(&r.prev)
                .bind(&r.hash);
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
    Ok(rows.into_iter().map(|r| r.hash).collect())
}
