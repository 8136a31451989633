//! Load benchmark of the receipts server (`./dev bench receipts`).
//!
//! Starts the real `doui-receipts` binary on loopback, on a fresh SQLite file and,
//! when given `--postgres URL`, on a fresh PostgreSQL database, and sends receipts
//! (built with doui's own code, as the banner sends them) from 1, 16 and 256
//! concurrent senders. Each level is bounded in count and in time. Prints
//! receipts/s, p50 and p99 latency, checks that every acknowledged receipt is
//! stored and the chain verifies, and works out how many banner choices a day the
//! machine holds.
//!
//! ```text
//! doui-receipts-bench --server target/server/doui-receipts [--postgres URL] [--seconds 10]
//! ```

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use doui::config::Config;
use doui::consent::{consent_id, detail_json, Choices, ConsentRecord};
use doui::i18n::Lang;
use sha2::{Digest, Sha256};
use sqlx::Row as _;

/// Concurrent senders per level, and the most receipts each level sends.
const LEVELS: [(usize, usize); 3] = [(1, 3_000), (16, 30_000), (256, 60_000)];

struct Options {
    server: PathBuf,
    config: PathBuf,
    postgres: Option<String>,
    seconds: u64,
}

fn options() -> Result<Options, String> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut o = Options {
        server: repo.join("target/server/doui-receipts"),
        config: repo.join("www/doui-config.json"),
        postgres: None,
        seconds: 10,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a}: needs a value"));
        match a.as_str() {
            "--server" => o.server = value()?.into(),
            "--config" => o.config = value()?.into(),
            "--postgres" => o.postgres = Some(value()?),
            "--seconds" => {
                o.seconds = value()?
                    .parse()
                    .map_err(|_| "--seconds: a number".to_string())?
            }
            _ => return Err(format!("unknown option {a}")),
        }
    }
    Ok(o)
}

struct Server(Child, String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(o: &Options, db: &str) -> Result<Server, String> {
    use std::io::BufRead;
    let mut child = Command::new(&o.server)
        .arg("--config")
        .arg(&o.config)
        .args(["--db", db, "--listen", "127.0.0.1:0", "--rate-limit", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("{}: {e}", o.server.display()))?;
    let mut reader = std::io::BufReader::new(child.stdout.take().ok_or("no stdout")?);
    let mut line = String::new();
    let _ = reader.read_line(&mut line);
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .ok_or_else(|| format!("the server did not start: {line}"))?
        .to_string();
    std::thread::spawn(move || for _ in reader.lines() {});
    Ok(Server(child, format!("http://{addr}/v1/receipts")))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The body the banner would send for choice number `n`.
fn body(config: &Config, shown: &[(Lang, String)], n: u64) -> String {
    let lang = if n % 3 == 0 { Lang::En } else { Lang::Ja };
    let digest = Sha256::digest(n.to_le_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    let allowed = n % 2 == 0;
    let record = ConsentRecord {
        id: consent_id(&bytes),
        time: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
        revision: config.revision,
        policy: config
            .policy_version
            .as_ref()
            .map(|v| v.get(lang).to_string())
            .unwrap_or_default(),
        choices: Choices::all(config, allowed),
    };
    let mut v: serde_json::Value =
        serde_json::from_str(&detail_json(config, &record)).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert("v".into(), 1.into());
        o.insert("lang".into(), lang.tag().into());
        o.insert("gpc".into(), false.into());
        o.insert(
            "action".into(),
            if allowed { "accept" } else { "reject" }.into(),
        );
        let hash = shown
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, h)| h.clone());
        o.insert("shown".into(), hash.unwrap_or_default().into());
    }
    v.to_string()
}

/// A database under test: its name and the URL of the fresh database for level `i`.
type Target = (&'static str, Box<dyn Fn(usize) -> String>);

struct Outcome {
    ok: usize,
    failed: usize,
    seconds: f64,
    p50: f64,
    p99: f64,
    stored: i64,
    verified: bool,
}

async fn level(
    o: &Options,
    db: &str,
    senders: usize,
    max: usize,
    config: Arc<Config>,
    shown: Arc<Vec<(Lang, String)>>,
) -> Result<Outcome, String> {
    let server = start(o, db)?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(senders + 8)
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| e.to_string())?;
    let deadline = Instant::now() + Duration::from_secs(o.seconds);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..senders {
        let (client, url, next, config, shown) = (
            client.clone(),
            server.1.clone(),
            next.clone(),
            config.clone(),
            shown.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failed = 0;
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= max || Instant::now() >= deadline {
                    break;
                }
                let b = body(&config, &shown, n as u64);
                let t = Instant::now();
                let r = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(b)
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status().as_u16() == 201 => {
                        let _ = r.bytes().await;
                        latencies.push(t.elapsed().as_micros() as u32);
                    }
                    _ => failed += 1,
                }
            }
            (latencies, failed)
        }));
    }
    let mut all = Vec::new();
    let mut failed = 0;
    for t in tasks {
        let (l, f) = t.await.map_err(|e| e.to_string())?;
        all.extend(l);
        failed += f;
    }
    let seconds = start.elapsed().as_secs_f64();
    drop(server);
    all.sort_unstable();
    let pct = |p: f64| -> f64 {
        if all.is_empty() {
            return 0.0;
        }
        let i = ((all.len() as f64 * p).ceil() as usize).clamp(1, all.len()) - 1;
        f64::from(all[i]) / 1000.0
    };
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(db)
        .await
        .map_err(|e| e.to_string())?;
    let stored: i64 = sqlx::query("SELECT COUNT(*) AS n FROM receipts")
        .fetch_one(&pool)
        .await
        .and_then(|r| r.try_get("n"))
        .map_err(|e| e.to_string())?;
    pool.close().await;
    let verified = Command::new(&o.server)
        .args(["verify", "--db", db])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    Ok(Outcome {
        ok: all.len(),
        failed,
        seconds,
        p50: pct(0.50),
        p99: pct(0.99),
        stored,
        verified,
    })
}

async fn run() -> Result<(), String> {
    let o = options()?;
    sqlx::any::install_default_drivers();
    let text =
        std::fs::read_to_string(&o.config).map_err(|e| format!("{}: {e}", o.config.display()))?;
    let config = Config::from_json(&text).map_err(|e| e.describe())?;
    let shown: Vec<(Lang, String)> = Lang::ALL
        .iter()
        .map(|&l| {
            (
                l,
                hex(&Sha256::digest(
                    doui::ui::shown_text(&config, l, false).as_bytes(),
                )),
            )
        })
        .collect();
    let (config, shown) = (Arc::new(config), Arc::new(shown));
    let scratch = std::env::temp_dir().join(format!("doui-receipts-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    let mut dbs: Vec<Target> = Vec::new();
    let dir = scratch.clone();
    dbs.push((
        "SQLite",
        Box::new(move |i| format!("sqlite://{}", dir.join(format!("bench-{i}.db")).display())),
    ));
    if let Some(url) = &o.postgres {
        let admin = sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .connect(url)
            .await
            .map_err(|e| format!("--postgres: {e}"))?;
        for i in 0..LEVELS.len() {
            sqlx::query(&format!("DROP DATABASE IF EXISTS doui_bench_{i}"))
                .execute(&admin)
                .await
                .map_err(|e| e.to_string())?;
            sqlx::query(&format!("CREATE DATABASE doui_bench_{i}"))
                .execute(&admin)
                .await
                .map_err(|e| e.to_string())?;
        }
        admin.close().await;
        let base = url
            .rsplit_once('/')
            .map_or(url.clone(), |(b, _)| b.to_string());
        dbs.push((
            "PostgreSQL",
            Box::new(move |i| format!("{base}/doui_bench_{i}")),
        ));
    }
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "Receipts server load: loopback, {cores} cores shared by the server, its database and the senders; at most {} s per level",
        o.seconds
    );
    println!();
    println!("| database | senders | receipts | failed | receipts/s | p50 ms | p99 ms | stored | chain |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---|");
    let mut best: Vec<(&str, f64)> = Vec::new();
    for (name, url_of) in &dbs {
        let mut top: f64 = 0.0;
        for (i, (senders, max)) in LEVELS.iter().enumerate() {
            let url = url_of(i);
            let r = level(&o, &url, *senders, *max, config.clone(), shown.clone()).await?;
            let rate = r.ok as f64 / r.seconds;
            top = top.max(rate);
            println!(
                "| {name} | {senders} | {} | {} | {rate:.0} | {:.2} | {:.2} | {} | {} |",
                r.ok,
                r.failed,
                r.p50,
                r.p99,
                r.stored,
                if r.verified { "verified" } else { "BROKEN" }
            );
            if r.stored < r.ok as i64 || !r.verified {
                return Err(format!(
                    "{name}: acknowledged receipts missing or chain broken"
                ));
            }
        }
        best.push((name, top));
    }
    let _ = std::fs::remove_dir_all(&scratch);
    println!();
    for (name, rate) in best {
        let per_day = rate * 86_400.0;
        println!(
            "{name}: at most {rate:.0} receipts/s, {:.1} million choices a day at a steady rate; \
             {:.1} million a day if the busiest hour brings 10 times the average rate.",
            per_day / 1e6,
            per_day / 10.0 / 1e6
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("doui-receipts-bench: {e}");
        std::process::exit(1);
    }
}
