//! What the suite runs against: the real server binary, a fresh SQLite file or a
//! fresh database on a real PostgreSQL started here (loopback port, own data
//! directory, stopped at the end), and receipts built with doui's own code.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use doui::config::Config;
use doui::consent::{consent_id, detail_json, Choices, ConsentRecord};
use doui::i18n::Lang;
use sha2::{Digest, Sha256};
use sqlx::{AnyPool, Row as _};

/// The server binary cargo built for this test.
pub const BIN: &str = env!("CARGO_BIN_EXE_doui-receipts");

/// The demo site's config, the file the demo banner reads.
pub fn demo_config_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../www/doui-config.json")
}

/// The demo config's text.
pub fn demo_config_text() -> String {
    std::fs::read_to_string(demo_config_path()).expect("www/doui-config.json")
}

/// The demo config, read by doui.
pub fn demo_config() -> Config {
    Config::from_json(&demo_config_text()).expect("the demo config reads")
}

/// A scratch directory removed when dropped.
pub struct Scratch(pub PathBuf);

static SCRATCH: AtomicU32 = AtomicU32::new(0);

impl Scratch {
    /// A new empty directory under the system's temporary directory.
    pub fn new(tag: &str) -> Scratch {
        let n = SCRATCH.fetch_add(1, Ordering::SeqCst);
        let dir =
            std::env::temp_dir().join(format!("doui-receipts-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }
    /// A path inside.
    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A free loopback port (bound, then released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A PostgreSQL server of our own.
pub struct Postgres {
    pub port: u16,
    dir: Scratch,
    bin: PathBuf,
    user: Option<String>,
}

fn pg_bin_dir() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    dirs.sort();
    dirs.pop()
}

impl Postgres {
    /// Starts one, or says why it cannot.
    pub fn start() -> Result<Postgres, String> {
        let bin = pg_bin_dir().ok_or(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); ./dev test installs it",
        )?;
        // PostgreSQL refuses to run as root: run it as an ordinary user.
        let is_root = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false);
        let user = if is_root {
            let name = std::env::var("DOUI_PG_USER").unwrap_or_else(|_| "doui-pg".into());
            let exists = Command::new("id")
                .arg("-u")
                .arg(&name)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if !exists {
                return Err(format!(
                    "running as root and the user {name} is missing (./dev test creates it; or set DOUI_PG_USER)"
                ));
            }
            Some(name)
        } else {
            None
        };
        let dir = Scratch::new("pg");
        let port = free_port();
        let pg = Postgres {
            port,
            dir,
            bin,
            user,
        };
        if let Some(u) = &pg.user {
            run(Command::new("chown").arg("-R").arg(u).arg(&pg.dir.0))?;
        }
        let data = pg.dir.path("data");
        run(pg.command("initdb").arg("-D").arg(&data).args([
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
        ]))?;
        let opts = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200",
            pg.dir.0.display()
        );
        run(pg
            .command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-o")
            .arg(opts)
            .arg("-l")
            .arg(pg.dir.path("log"))
            .args(["-w", "start"]))?;
        Ok(pg)
    }

    fn command(&self, tool: &str) -> Command {
        let path = self.bin.join(tool);
        match &self.user {
            Some(u) => {
                let mut c = Command::new("runuser");
                c.arg("-u").arg(u).arg("--").arg(path);
                c
            }
            None => Command::new(path),
        }
    }

    /// The URL of database `name` on it.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.dir.path("data"))
            .args(["-m", "fast", "-w", "stop"])
            .stdout(Stdio::null())
            .status();
    }
}

fn run(c: &mut Command) -> Result<(), String> {
    let out = c.output().map_err(|e| format!("{c:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{c:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Which database a run of the suite uses.
pub enum Db {
    /// A new SQLite file per case.
    Sqlite,
    /// A new database per case on one PostgreSQL server.
    Postgres(Postgres),
}

static DBS: AtomicU32 = AtomicU32::new(0);

/// A fresh, empty database for one case.
pub struct Fresh {
    pub url: String,
    _dir: Option<Scratch>,
}

impl Db {
    /// The name shown in test lines.
    pub fn name(&self) -> &'static str {
        match self {
            Db::Sqlite => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// A new empty database.
    pub async fn fresh(&self) -> Fresh {
        match self {
            Db::Sqlite => {
                let dir = Scratch::new("sqlite");
                let url = format!("sqlite://{}", dir.path("receipts.db").display());
                Fresh {
                    url,
                    _dir: Some(dir),
                }
            }
            Db::Postgres(pg) => {
                let name = format!("t{}", DBS.fetch_add(1, Ordering::SeqCst));
                let admin = connect(&pg.url("postgres")).await;
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&admin)
                    .await
                    .expect("create database");
                admin.close().await;
                Fresh {
                    url: pg.url(&name),
                    _dir: None,
                }
            }
        }
    }
}

/// A pool on a database URL (for looking at what the server stored).
pub async fn connect(url: &str) -> AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::any::AnyPoolOptions::new()
        .max_connections(2)
        .connect(url)
        .await
        .expect("connect to the test database")
}

/// How many receipts the database holds.
pub async fn count(url: &str) -> i64 {
    let pool = connect(url).await;
    let n = match sqlx::query("SELECT COUNT(*) AS n FROM receipts")
        .fetch_one(&pool)
        .await
    {
        Ok(r) => r.try_get::<i64, _>("n").unwrap_or(-1),
        // No table yet: nothing stored.
        Err(_) => 0,
    };
    pool.close().await;
    n
}

/// A running server process, killed when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Server {
    /// Starts the binary on a free port with the demo config unless `args` names one.
    pub fn start(db: &str, args: &[&str]) -> Server {
        Server::try_start(db, args, &[]).expect("the server starts")
    }

    /// Starts it with extra environment variables; the error is its stderr.
    pub fn try_start(db: &str, args: &[&str], env: &[(&str, &str)]) -> Result<Server, String> {
        let mut c = Command::new(BIN);
        c.arg("--db").arg(db).arg("--listen").arg("127.0.0.1:0");
        if !args.contains(&"--config") {
            c.arg("--config").arg(demo_config_path());
        }
        c.args(args)
            .env_remove("DOUI_RECEIPTS_ADMIN_TOKEN")
            .env_remove("DOUI_RECEIPTS_IP_KEY")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().map_err(|e| e.to_string())?;
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        let mut reader = BufReader::new(stdout);
        let _ = reader.read_line(&mut line);
        let Some(rest) = line.split("http://").nth(1) else {
            let _ = child.wait();
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                use std::io::Read;
                let _ = e.read_to_string(&mut err);
            }
            return Err(err);
        };
        let addr = rest.split_whitespace().next().unwrap_or("").to_string();
        // Keep draining its output so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in reader.lines() {});
        if let Some(err) = child.stderr.take() {
            std::thread::spawn(move || {
                for line in BufReader::new(err).lines().map_while(Result::ok) {
                    if std::env::var_os("DOUI_TEST_VERBOSE").is_some() {
                        eprintln!("server: {line}");
                    }
                }
            });
        }
        Ok(Server {
            child,
            base: format!("http://{addr}"),
        })
    }

    /// A URL on it.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// SIGKILL, and wait for it to be gone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `doui-receipts verify` on a database: (passed, output).
pub fn verify(db: &str) -> (bool, String) {
    let out = Command::new(BIN)
        .arg("verify")
        .arg("--db")
        .arg(db)
        .output()
        .expect("run verify");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A consent id from a number (distinct numbers, distinct ids).
pub fn id_for(n: u64) -> String {
    let digest = Sha256::digest(n.to_le_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    consent_id(&bytes)
}

/// Unix seconds now.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The receipt the banner sends for a choice: `consent::detail_json` of the record
/// (the very JSON of the doui:consent event) plus the fields the client adds.
pub fn receipt(config: &Config, n: u64, allowed: bool, lang: Lang) -> serde_json::Value {
    receipt_gpc(config, n, allowed, lang, false)
}

/// [`receipt`] from a browser that sent Global Privacy Control or not.
pub fn receipt_gpc(
    config: &Config,
    n: u64,
    allowed: bool,
    lang: Lang,
    gpc: bool,
) -> serde_json::Value {
    let policy = config
        .policy_version
        .as_ref()
        .map(|v| v.get(lang).to_string())
        .unwrap_or_default();
    let record = ConsentRecord {
        id: id_for(n),
        time: now(),
        revision: config.revision,
        policy,
        choices: Choices::all(config, allowed),
    };
    let mut v: serde_json::Value =
        serde_json::from_str(&detail_json(config, &record)).expect("detail_json is JSON");
    let o = v.as_object_mut().unwrap();
    o.insert("v".into(), 1.into());
    o.insert("lang".into(), lang.tag().into());
    o.insert("gpc".into(), gpc.into());
    o.insert(
        "action".into(),
        if allowed { "accept" } else { "reject" }.into(),
    );
    o.insert(
        "shown".into(),
        sha256_hex(&doui::ui::shown_text(config, lang, gpc)).into(),
    );
    v
}

/// An HTTP client that never follows redirects and times out.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(64)
        .build()
        .expect("client")
}

/// POSTs a JSON value; (status, body).
pub async fn post(c: &reqwest::Client, url: &str, v: &serde_json::Value) -> (u16, String) {
    post_raw(c, url, Some("application/json"), v.to_string().into_bytes()).await
}

/// POSTs bytes with a content type; (status, body).
pub async fn post_raw(
    c: &reqwest::Client,
    url: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> (u16, String) {
    let mut req = c.post(url).body(body);
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    match req.send().await {
        Ok(r) => {
            let s = r.status().as_u16();
            (s, r.text().await.unwrap_or_default())
        }
        Err(e) => (0, e.to_string()),
    }
}

/// Waits until `f` is true or `limit` has passed.
pub fn wait_until(limit: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}
