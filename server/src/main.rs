//! `doui-receipts`: the receipts server, and `doui-receipts verify`, which checks
//! the stored hash chains. See docs/receipts.md.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use doui_receipts::day;
use doui_receipts::http::{self, App, Limits};
use doui_receipts::site::{self, Site};
use doui_receipts::store::{self, Store};
use sha2::{Digest, Sha256};

/// Stores the consent receipts doui's banner sends, checked against the site config,
/// in a tamper-evident hash chain on SQLite or PostgreSQL.
#[derive(Parser, Debug)]
#[command(
    name = "doui-receipts",
    version,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: Serve,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check every stored hash chain and report the first break (exit status 1).
    Verify {
        /// The database: sqlite://FILE or postgres://USER@HOST/DB.
        #[arg(long, env = "DOUI_RECEIPTS_DB", default_value = "sqlite://receipts.db")]
        db: String,
    },
}

#[derive(Args, Debug)]
struct Serve {
    /// The site config the banner uses (the same file). Repeat it to keep accepting
    /// receipts made under an earlier revision.
    #[arg(long, value_name = "FILE")]
    config: Vec<PathBuf>,
    /// The database: sqlite://FILE (created when missing) or postgres://USER@HOST/DB.
    #[arg(long, env = "DOUI_RECEIPTS_DB", default_value = "sqlite://receipts.db")]
    db: String,
    /// Address and port to listen on (behind a reverse proxy: loopback).
    #[arg(long, env = "DOUI_RECEIPTS_LISTEN", default_value = "127.0.0.1:8787")]
    listen: SocketAddr,
    /// An origin whose pages may send receipts, e.g. https://example.jp (repeat, or
    /// separate with commas).
    #[arg(long = "origin", env = "DOUI_RECEIPTS_ORIGINS", value_delimiter = ',')]
    origins: Vec<String>,
    /// Delete receipts older than this many days (whole days, checked daily); 0 keeps them.
    #[arg(long, env = "DOUI_RECEIPTS_RETENTION_DAYS", default_value_t = 1095)]
    retention_days: u32,
    /// Requests a minute per client address (IPv6: per /64); 0 turns the limit off.
    #[arg(long, env = "DOUI_RECEIPTS_RATE_LIMIT", default_value_t = 60)]
    rate_limit: u32,
    /// Requests a client may send at once before the per-minute rate applies.
    #[arg(long, env = "DOUI_RECEIPTS_RATE_BURST", default_value_t = 20)]
    rate_burst: u32,
    /// A reverse proxy whose X-Forwarded-For header names the client (repeat, or
    /// separate with commas). Requests from anywhere else are counted by their own address.
    #[arg(
        long = "trusted-proxy",
        env = "DOUI_RECEIPTS_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    trusted_proxies: Vec<IpAddr>,
    /// File holding the secret key of the address hash (at least 16 bytes). Without
    /// it (or DOUI_RECEIPTS_IP_KEY) no trace of the address is stored.
    #[arg(long, value_name = "FILE", env = "DOUI_RECEIPTS_IP_KEY_FILE")]
    ip_key_file: Option<PathBuf>,
    /// File holding the admin token (at least 16 characters). Without it (or
    /// DOUI_RECEIPTS_ADMIN_TOKEN) the export and the admin page are off.
    #[arg(long, value_name = "FILE", env = "DOUI_RECEIPTS_ADMIN_TOKEN_FILE")]
    admin_token_file: Option<PathBuf>,
    /// This instance's chain name; give each instance sharing one PostgreSQL its own.
    #[arg(long, env = "DOUI_RECEIPTS_SHARD", default_value = "main")]
    shard: String,
    /// Most receipts committed in one transaction.
    #[arg(long, default_value_t = 512)]
    batch: usize,
}

/// A secret from a file or, failing that, an environment variable.
fn secret(file: &Option<PathBuf>, var: &str, what: &str) -> Result<Option<Vec<u8>>, String> {
    let value = match file {
        Some(path) => {
            Some(std::fs::read(path).map_err(|e| format!("{what} file {}: {e}", path.display()))?)
        }
        None => std::env::var_os(var).map(|v| v.into_encoded_bytes()),
    };
    let Some(mut v) = value else {
        return Ok(None);
    };
    while v.last().is_some_and(|b| b.is_ascii_whitespace()) {
        v.pop();
    }
    if v.len() < 16 {
        return Err(format!(
            "{what}: at least 16 bytes, please (e.g. openssl rand -hex 32)"
        ));
    }
    Ok(Some(v))
}

fn origin_ok(o: &str) -> bool {
    let rest = o
        .strip_prefix("https://")
        .or_else(|| o.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.contains('/') && !r.contains(char::is_whitespace))
}

async fn serve(args: Serve) -> Result<(), String> {
    if args.config.is_empty() {
        return Err("--config: the site config file is required (e.g. --config site.json)".into());
    }
    if args.shard.is_empty()
        || args.shard.len() > 32
        || !args
            .shard
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err("--shard: 1 to 32 letters, digits, - or _".into());
    }
    for o in &args.origins {
        if !origin_ok(o) {
            return Err(format!(
                "--origin {o:?}: expected scheme and host, e.g. https://example.jp (no path)"
            ));
        }
    }
    let mut sites = Vec::new();
    for path in &args.config {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("--config {}: {e}", path.display()))?;
        sites.push(Site::from_json(&path.display().to_string(), &text)?);
    }
    let sites = site::by_revision(sites)?;
    let ip_key = secret(
        &args.ip_key_file,
        "DOUI_RECEIPTS_IP_KEY",
        "address hash key",
    )?;
    let admin_token = secret(
        &args.admin_token_file,
        "DOUI_RECEIPTS_ADMIN_TOKEN",
        "admin token",
    )?
    .map(|t| Sha256::digest(&t).into());
    let store = Store::open(&args.db).await?;
    store.save_texts(&sites).await?;
    let writer = store::spawn_writer(store.clone(), args.shard.clone(), args.batch.max(1));
    let limiter = http::limiter(&Limits {
        per_minute: args.rate_limit,
        burst: args.rate_burst,
    });
    let app = Arc::new(App {
        sites,
        store: store.clone(),
        writer,
        origins: args.origins.clone(),
        trusted_proxies: args.trusted_proxies.clone(),
        ip_key,
        admin_token,
        limiter,
    });

    if args.retention_days > 0 {
        let store = store.clone();
        let keep = i64::from(args.retention_days);
        tokio::spawn(async move {
            let mut daily = tokio::time::interval(Duration::from_secs(86_400));
            loop {
                daily.tick().await;
                let today = day::now_ms().div_euclid(86_400_000);
                let cutoff = day::from_days(today - keep);
                match store.delete_before(&cutoff).await {
                    Ok(0) => {}
                    Ok(n) => eprintln!(
                        "doui-receipts: retention deleted {n} receipts from before {cutoff}"
                    ),
                    Err(e) => eprintln!("doui-receipts: retention: {e}"),
                }
            }
        });
    }
    if app.limiter.is_some() {
        let app = app.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(60));
            loop {
                every.tick().await;
                if let Some(l) = &app.limiter {
                    l.retain_recent();
                    l.shrink_to_fit();
                }
            }
        });
    }

    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("--listen {}: {e}", args.listen))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let revisions: Vec<String> = app.sites.keys().map(|r| r.to_string()).collect();
    println!(
        "doui-receipts listening on http://{local} ({:?}, revision {}, shard {})",
        store.backend,
        revisions.join(", "),
        args.shard
    );
    let router = http::router(app);
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let term = async {
            #[cfg(unix)]
            if let Ok(mut s) =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            {
                s.recv().await;
                return;
            }
            std::future::pending::<()>().await
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = term => {},
        }
    })
    .await
    .map_err(|e| e.to_string())
}

async fn verify(db: &str) -> Result<bool, String> {
    let store = Store::open(db).await?;
    match store.verify().await? {
        Ok(chains) => {
            let mut total = 0;
            for (day, shard, n) in &chains {
                println!("{day} {shard}: {n} receipts, chain intact");
                total += n;
            }
            println!(
                "verified: {total} receipts in {} chains, no break",
                chains.len()
            );
            Ok(true)
        }
        Err(b) => {
            println!("BROKEN: {b}");
            Ok(false)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("doui-receipts: {e}");
            return ExitCode::from(2);
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Some(Command::Verify { db }) => verify(&db).await,
            None => serve(cli.serve).await.map(|()| true),
        }
    });
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("doui-receipts: {e}");
            ExitCode::from(2)
        }
    }
}
