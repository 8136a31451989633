//! The receipts server's test suite, run against SQLite and against a real
//! PostgreSQL (started here) with the same cases. Each case starts the real server
//! binary on a fresh database. `cargo test -p doui-receipts --test suite [filter]`.
//! PostgreSQL is skipped, with the reason, only when it is not installed, unless
//! DOUI_REQUIRE_POSTGRES=1 (as `./dev test` sets) makes that a failure.

mod support;

use std::collections::HashSet;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use doui::i18n::Lang;
use futures_util::FutureExt;
use serde_json::{json, Value};
use sqlx::Row as _;
use support::*;

type CaseResult = Result<(), String>;
type Case = fn(Arc<Db>) -> Pin<Box<dyn Future<Output = CaseResult> + Send>>;

macro_rules! check {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

macro_rules! cases {
    ($($name:ident),* $(,)?) => {
        const CASES: &[(&str, Case)] = &[$((stringify!($name), |db| Box::pin($name(db)))),*];
    };
}

cases!(
    accepts_receipts_and_answers_history,
    every_language_and_action,
    hostile_input_is_refused_and_nothing_stored,
    sql_meta_characters_in_every_field,
    cors_for_allowed_origins_only,
    floods_past_the_rate_limit,
    a_stalled_body_times_out,
    stores_only_a_keyed_hash_of_the_network,
    admin_export_and_page_need_the_token,
    tamper_edit_is_found,
    tamper_delete_is_found,
    retention_deletes_whole_old_days,
    several_revisions_and_bad_configs,
    two_instances_share_one_database,
    a_resent_receipt_is_stored_once,
    resends_across_two_instances_are_stored_once,
    an_older_database_gets_its_receipt_keys,
    history_holds_every_choice_in_order,
    crash_safety_under_sigkill,
);

fn main() {
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut dbs = vec![Arc::new(Db::Sqlite)];
    let mut failed_setup = false;
    match Postgres::start() {
        Ok(pg) => dbs.push(Arc::new(Db::Postgres(pg))),
        Err(why) => {
            if std::env::var("DOUI_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                println!("PostgreSQL could not be started: {why}");
                failed_setup = true;
            } else {
                println!("skipping the PostgreSQL run: {why}");
            }
        }
    }
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for db in &dbs {
        for (name, case) in CASES {
            let full = format!("{}::{name}", db.name());
            if !filter.is_empty() && !filter.iter().any(|f| full.contains(f.as_str())) {
                skipped += 1;
                continue;
            }
            let start = Instant::now();
            let outcome = runtime.block_on(AssertUnwindSafe(case(db.clone())).catch_unwind());
            let secs = start.elapsed().as_secs_f64();
            match outcome {
                Ok(Ok(())) => {
                    passed += 1;
                    println!("test {full} ... ok ({secs:.1} s)");
                }
                Ok(Err(e)) => {
                    failed += 1;
                    println!("test {full} ... FAILED ({secs:.1} s)\n    {e}");
                }
                Err(_) => {
                    failed += 1;
                    println!("test {full} ... FAILED (panicked)");
                }
            }
        }
    }
    drop(dbs);
    if failed_setup {
        failed += 1;
    }
    println!("\n{passed} passed, {failed} failed, {skipped} skipped");
    std::process::exit(if failed == 0 { 0 } else { 1 });
}

async fn accepts_receipts_and_answers_history(db: Arc<Db>) -> CaseResult {
    let fresh = db.fresh().await;
    let server = Server::start(&fresh.url, &[]);
    let c = client();
    let config = demo_config();
    let r = receipt(&config, 1, true, Lang::Ja);
    let (status, body) = post(&c, &server.url("/v1/receipts"), &r).await;
    check!(status == 201, "valid receipt: {status} {body}");
    let answer: Value = serde_json::from_str(&body).map_err(|e| e.to_string())?;
    let hash = answer["receipt"].as_str().unwrap_or("").to_string();
    check!(hash.len() == 64, "receipt answer: {body}");

    let id = r["id"].as_str().unwrap();
    let h: Value = c
        .get(server.url(&format!("/v1/receipts/{id}")))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let list = h["receipts"].as_array().cloned().unwrap_or_default();
    check!(list.len() == 1, "history: {h}");
    check!(list[0]["hash"] == hash.as_str(), "history hash: {h}");
    check!(
        list[0]["receipt"] == r,
        "stored receipt differs:\n{}\n{r}",
        list[0]["receipt"]
    );

    // The shown text is kept once, by its hash, and served.
    let shown = r["shown"].as_str().unwrap();
    let text = c
        .get(server.url(&format!("/v1/texts/{shown}")))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .text()
        .await
        .map_err(|e| e.to_string())?;
    check!(
        sha256_hex(&text) == shown,
        "served text does not hash to {shown}"
    );
    check!(text.contains("doui-banner"), "served text: {text}");

    let unknown = id_for(999_999);
    let h: Value = c
        .get(server.url(&format!("/v1/receipts/{unknown}")))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    check!(
        h["receipts"].as_array().is_some_and(|a| a.is_empty()),
        "unknown id: {h}"
    );
    check!(count(&fresh.url).await == 1, "one row");
    let (ok, out) = verify(&fresh.url);
    check!(ok && out.contains("1 receipts"), "verify: {out}");
    Ok(())
}

async fn every_language_and_action(db: Arc<Db>) -> CaseResult {
    let fresh = db.fresh().await;
    let server = Server::start(&fresh.url, &[]);
    let c = client();
    let config = demo_config();
    let mut n = 0;
    for lang in Lang::ALL {
        for (allowed, action) in [
            (true, "accept"),
            (false, "reject"),
            (false, "withdraw"),
            (true, "custom"),
        ] {
            n += 1;
            let mut r = receipt_gpc(&config, n, allowed, lang, n % 2 == 0);
            r["action"] = action.into();
            let (status, body) = post(&c, &server.url("/v1/receipts"), &r).await;
            check!(status == 201, "{} {action}: {status} {body}", lang.tag());
        }
    }
    // A custom choice: one category on, the others off.
    let mut r = receipt(&config, 100, false, Lang::En);
    let cat = config.categories.iter().find(|c| !c.required).unwrap();
    r["categories"][&cat.id] = true.into();
    for s in &cat.services {
        r["services"][&s.id] = true.into();
    }
    r["action"] = "custom".into();
    let (status, body) = post(&c, &server.url("/v1/receipts"), &r).await;
    check!(status == 201, "custom: {status} {body}");
    check!(count(&fresh.url).await == n as i64 + 1, "all stored");
    Ok(())
}

/// Each mutation of a valid receipt, the status it must get, and a word the reason must contain.
fn hostile_receipts() -> Vec<(String, Value, u16, &'static str)> {
    let config = demo_config();
    let good = receipt(&config, 7, true, Lang::Ja);
    let optional = config.categories.iter().find(|c| !c.required).unwrap();
    let necessary = config.categories.iter().find(|c| c.required).unwrap();
    let service = &optional.services[0].id;
    let mut out = Vec::new();
    let mut add = |name: &str, f: &dyn Fn(&mut Value), status: u16, word: &'static str| {
        let mut v = good.clone();
        f(&mut v);
        out.push((name.to_string(), v, status, word));
    };
    add(
        "wrong revision",
        &|v| v["revision"] = 2.into(),
        422,
        "revision",
    );
    add("revision 0", &|v| v["revision"] = 0.into(), 422, "revision");
    add(
        "negative revision",
        &|v| v["revision"] = (-1).into(),
        422,
        "revision",
    );
    add("format 2", &|v| v["v"] = 2.into(), 422, "v:");
    add(
        "unknown category",
        &|v| v["categories"]["tracking"] = true.into(),
        422,
        "tracking",
    );
    add(
        "unknown service",
        &|v| v["services"]["facebook-pixel"] = true.into(),
        422,
        "facebook-pixel",
    );
    add(
        "missing category",
        &|v| {
            v["categories"]
                .as_object_mut()
                .unwrap()
                .remove(&optional.id);
        },
        422,
        "missing",
    );
    add(
        "missing service",
        &|v| {
            v["services"].as_object_mut().unwrap().remove(service);
        },
        422,
        "missing",
    );
    add(
        "necessary refused",
        &|v| v["categories"][&necessary.id] = false.into(),
        422,
        "necessary",
    );
    add(
        "decision not a bool",
        &|v| v["categories"][&optional.id] = "yes".into(),
        422,
        "categories",
    );
    add(
        "unknown field",
        &|v| v["ip"] = "198.51.100.7".into(),
        422,
        "unknown field",
    );
    add(
        "missing shown",
        &|v| {
            v.as_object_mut().unwrap().remove("shown");
        },
        422,
        "shown",
    );
    add(
        "wrong shown",
        &|v| v["shown"] = sha256_hex("other text").into(),
        422,
        "shown",
    );
    add(
        "shown in capitals",
        &|v| v["shown"] = v["shown"].as_str().unwrap().to_uppercase().into(),
        422,
        "shown",
    );
    add(
        "shown of the other language",
        &|v| v["lang"] = "en".into(),
        422,
        "",
    );
    add(
        "unknown language",
        &|v| v["lang"] = "fr".into(),
        422,
        "lang",
    );
    add(
        "language with region",
        &|v| v["lang"] = "ja-JP".into(),
        422,
        "lang",
    );
    add("short id", &|v| v["id"] = "abc".into(), 422, "id");
    add(
        "id with a slash",
        &|v| v["id"] = "q8Xk2mVb8pL0aZ3nYw7c/g".into(),
        422,
        "id",
    );
    add(
        "wrong policy",
        &|v| v["policy"] = "deadbeef".into(),
        422,
        "policy",
    );
    add(
        "time in the future",
        &|v| v["time"] = (now() + 86_400).into(),
        422,
        "time",
    );
    add(
        "time before the consent lifetime",
        &|v| v["time"] = 1_000.into(),
        422,
        "time",
    );
    add("time negative", &|v| v["time"] = (-5).into(), 422, "time");
    add(
        "unknown action",
        &|v| v["action"] = "maybe".into(),
        422,
        "action",
    );
    add("gpc as text", &|v| v["gpc"] = "false".into(), 422, "gpc");
    add(
        "categories as a list",
        &|v| v["categories"] = json!([true]),
        422,
        "categories",
    );
    out
}

async fn hostile_input_is_refused_and_nothing_stored(db: Arc<Db>) -> CaseResult {
    let fresh = db.fresh().await;
    let server = Server::start(
        &fresh.url,
        &["--origin", "http://127.0.0.1:8080", "--rate-limit", "0"],
    );
    let c = client();
    let url = server.url("/v1/receipts");
    let mut tried = 0;
    for (name, body, want, word) in hostile_receipts() {
        let (status, text) = post(&c, &url, &body).await;
        check!(status == want, "{name}: got {status} {text}");
        let reason: Value =
            serde_json::from_str(&text).map_err(|e| format!("{name}: {e}: {text}"))?;
        let reason = reason["error"].as_str().unwrap_or("");
        check!(
            !reason.is_empty() && reason.contains(word),
            "{name}: reason {reason:?} lacks {word:?}"
        );
        tried += 1;
    }
    let good = receipt(&demo_config(), 8, true, Lang::Ja).to_string();
    let raw: Vec<(&str, Option<&str>, Vec<u8>, u16)> = vec![
        (
            "bad JSON",
            Some("application/json"),
            b"{\"v\":1,".to_vec(),
            400,
        ),
        (
            "not JSON at all",
            Some("application/json"),
            b"v=1&id=x".to_vec(),
            400,
        ),
        (
            "trailing garbage",
            Some("application/json"),
            format!("{good} x").into_bytes(),
            400,
        ),
        (
            "two objects",
            Some("application/json"),
            format!("{good}{good}").into_bytes(),
            400,
        ),
        ("an array", Some("application/json"), b"[1,2]".to_vec(), 422),
        ("null", Some("application/json"), b"null".to_vec(), 422),
        ("empty body", Some("application/json"), Vec::new(), 400),
        (
            "invalid UTF-8",
            Some("application/json"),
            b"{\"v\":1,\"id\":\"\xff\xfe\"}".to_vec(),
            400,
        ),
        (
            "duplicate key",
            Some("application/json"),
            good.replacen(
                "\"categories\":{",
                "\"categories\":{\"analytics\":false,",
                1,
            )
            .into_bytes(),
            422,
        ),
        (
            "text/plain",
            Some("text/plain"),
            good.clone().into_bytes(),
            415,
        ),
        (
            "form",
            Some("application/x-www-form-urlencoded"),
            good.clone().into_bytes(),
            415,
        ),
        ("no content type", None, good.clone().into_bytes(), 415),
        (
            "oversized",
            Some("application/json"),
            vec![b' '; 9 * 1024],
            413,
        ),
        (
            "oversized receipt",
            Some("application/json"),
            good.replacen('{', &format!("{{\"pad\":\"{}\",", "x".repeat(9000)), 1)
                .into_bytes(),
            413,
        ),
        (
            "deeply nested",
            Some("application/json"),
            format!("{}{}", "[".repeat(4000), "]".repeat(4000)).into_bytes(),
            422,
        ),
        (
            "deeply nested decisions",
            Some("application/json"),
            good.replacen(
                "\"categories\":{",
                &format!("\"categories\":{}{{", "{\"a\":".repeat(1400)),
                1,
            )
            .into_bytes(),
            422,
        ),
    ];
    for (name, ct, body, want) in raw {
        let (status, text) = post_raw(&c, &url, ct, body).await;
        check!(status == want, "{name}: got {status} {text}");
        check!(text.starts_with("{\"error\":"), "{name}: {text}");
        tried += 1;
    }
    // A body streamed without a length, past the limit.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..20).map(|_| Ok(vec![b' '; 1024])).collect();
    let r = c
        .post(&url)
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    check!(r.status() == 413, "chunked oversized: {}", r.status());
    // A foreign origin: the POST and its preflight.
    let r = c
        .post(&url)
        .header("content-type", "application/json")
        .header("origin", "https://evil.example")
        .body(receipt(&demo_config(), 9, true, Lang::Ja).to_string())
        .send()
        .await
        .map_err(|e| e.to_string())?;
    check!(r.status() == 403, "foreign origin: {}", r.status());
    let r = c
        .request(reqwest::Method::OPTIONS, &url)
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    check!(
        r.status() == 403 && r.headers().get("access-control-allow-origin").is_none(),
        "foreign preflight: {}",
        r.status()
    );
    // Other methods and paths.
    for (method, path, want) in [
        ("DELETE", "/v1/receipts", 405),
        ("PUT", "/v1/receipts", 405),
        ("GET", "/v1/receipts", 405),
        ("GET", "/v1/nothing", 404),
        ("GET", "/v1/receipts/short", 400),
        ("GET", "/v1/texts/xyz", 400),
    ] {
        let r = c
            .request(method.parse().unwrap(), server.url(path))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let s = r.status().as_u16();
        let text = r.text().await.unwrap_or_default();
        check!(
            s == want && text.starts_with("{\"error\":"),
            "{method} {path}: {s} {text}"
        );
        tried += 1;
    }
    check!(count(&fresh.url).await == 0, "something was stored");
    println!("    {tried} hostile requests refused, nothing stored");
    Ok(())
}

async fn sql_meta_characters_in_every_field(db: Arc<Db>) -> CaseResult {
    let fresh = db.fresh().await;
    let server = Server::start(&fresh.url, &["--rate-limit", "0"]);
    let c = client();
    let url = server.url("/v1/receipts");
    let config = demo_config();
    let good = receipt(&config, 11, true, Lang::Ja);
    let nasty = [
        "'; DROP TABLE receipts; --",
        "\" OR 1=1 --",
        "x'); DELETE FROM heads; --",
        "\\'; SELECT pg_sleep(5); --",
        "%' OR '%'='",
        "\0",
        "$1",
        "?",
    ];
    let mut tried = 0;
    for s in nasty {
        for field in ["id", "policy", "lang", "action", "shown"] {
            let mut v = good.clone();
            v[field] = s.into();
            let (status, text) = post(&c, &url, &v).await;
            check!(
                (400..500).contains(&status),
                "{field}={s:?}: {status} {text}"
            );
            tried += 1;
        }
        for map in ["categories", "services"] {
            let mut v = good.clone();
            v[map][s] = true.into();
            let (status, text) = post(&c, &url, &v).await;
            check!(status == 422, "{map} key {s:?}: {status} {text}");
            tried += 1;
        }
        let mut v = good.clone();
        v[s] = 1.into();
        let (status, _) = post(&c, &url, &v).await;
        check!(status == 422, "field name {s:?}: {status}");
        let path = format!(
            "/v1/receipts/{}",
            s.replace('%', "%25")
                .replace(' ', "%20")
                .replace('?', "%3F")
                .replace('\0', "%00")
        );
        let r = c
            .get(server.url(&path))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        check!(
            (400..500).contains(&r.status().as_u16()),
            "history {path}: {}",
            r.status()
        );
        tried += 2;
    }
    check!(count(&fresh.url).await == 0, "something was stored");
    let (status, text) = post(&c, &url, &good).await;
    check!(
        status == 201,
        "the good receipt after them: {status} {text}"
    );
    check!(count(&fresh.url).await == 1, "tables intact");
    println!("    {tried} requests with SQL meta-characters refused");
    Ok(())
}

async fn cors_for_allowed_origins_only(db: Arc<Db>) -> CaseResult {
    let fresh = db.fresh().await;
    let origin = "http://127.0.0.1:8080";
    let server = Server::start(
        &fresh.url,
        &["--origin", origin, "--origin", "https://example.jp"],
    );
    let c = client();
    let url = server.url("/v1/receipts");
    let r = c
        .request(reqwest::Method::OPTIONS, &url)
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let allow = r
        .headers()
        .get("access-control-allow-origin")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    check!(
        r.status().is_success() && allow == origin,
        "preflight: {} {allow:?}",
        r.status()
    );
    let r = c
        .post(&url)
        .header("content-type", "application/json")
        .header("origin", origin)
        .body(receipt(&demo_config(), 21, true, Lang::Ja).to_string())
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let allow = r
        .headers()
        .get("access-control-allow-origin")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    check!(
        r.status() == 201 && allow == origin,
        "POST from the site: {} {allow:?}",
        r.status()
    );
    for foreign in [
        "http://127.0.0.2:8080",
        "https://example.jp.evil.example",
        "null",
    ] {
        let r = c
            .post(&url)
            .header("content-type", "application/json")
            .header("origin", foreign)
            .body(receipt(&demo_config(), 22, true, Lang::Ja).to_string())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        check!(r.status() == 403, "{foreign}: {}", r.status());
    }
    check!(
        count(&fresh.url).await == 1,
        "only the allowed origin's receipt"
    );
    Ok(())
}

async fn floods_past_the_rate_limit(db: Arc<Db>) -> CaseResult {
    let fresh = db.fresh().await;
    let server = Server::start(&fresh.url, &["--rate-limit", "30", "--rate-burst", "5"]);
    let c = client();
    let url = server.url("/v1/receipts");
    let config = demo_config();
    let (mut created, mut limited) = (0, 0);
    for n in 0..40 {
        let r = c
            .post(&url)
            .header("content-type", "application/json")
            .body(receipt(&config, 300 + n, true, Lang::Ja).to_string())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        match r.status().as_u16() {
            201 => created += 1,
            429 => {
                check!(
                    r.headers().contains_key("retry-after"),
                    "429 without Retry-After"
                );
                let t = r.text().await.unwrap_or_default();
                check!(t.contains("rate limit"), "429 reason: {t}");
                limited += 1;
            }
            s => return Err(format!("flood: unexpected {s}")),
        }
    }
    check!(
        (5..=7).contains(&created) && limited == 40 - created,
        "flood: {created} created, {limited} limited"
    );
    check!(
        count(&fresh.url).await == created,
        "stored {} of {created} created",
        count(&fresh.url).await
    );
    // X-Forwarded-For from an untrusted peer changes nothing.
    let r = c
        .post(&url)
        .header("content-type", "application/json")
        .header("x-forwarded-for", "198.51.100.9")
        .body(receipt(&config, 400, true, Lang::Ja).to_string())
        .send()
        .await
        .map_err(|e| e.to_string())?;
    check!(
        r.status() == 429,
        "spoofed X-Forwarded-For escaped the limit: {}",
        r.status()
    );
    drop(server);

    // Behind a trusted proxy each client has its own budget.
    let fresh = db.fresh().await;
    let server = Server::start(
        &fresh.url,
        &[
            "--rate-limit",
            "30",
            "--rate-burst",
            "3",
            "--trusted-proxy",
            "127.0.0.1",
        ],
    );
    let url = server.url("/v1/receipts");
    let mut by_client = [0; 2];
    for n in 0..10u64 {
        for (i, ip) in ["198.51.100.7", "203.0.113.9"].iter().enumerate() {
            let r = c
                .post(&url)
                .header("content-type", "application/json")
                .header("x-forwarded-for", *ip)
                .body(receipt(&config, 500 + n * 2 + i as u64, true, Lang::Ja).to_string())
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if r.status() == 201 {
                by_client[i] += 1;
            }
        }
    }
    check!(
        by_client.iter().all(|&n| (3..=4).contains(&n)),
        "per-client budgets: {by_client:?}"
    );
    Ok(())
}

async fn a_stalled_body_times_out(db: Arc<Db>) -> CaseResult {
    use std::io::{Read, Write};
    let fresh = db.fresh().await;
    let server = Server::start(&fresh.url, &["--request-timeout", "1"]);
    let addr = server.base.trim_start_matches("http://").to_string();
    let answer = tokio::task::spawn_blocking(move || -> Result<(String, f64), String> {
        let mut s = std::net::TcpStream::connect(&addr).map_err(|e| e.to_string())?;
        s.set_read_timeout(Some(Duration::from_secs(10))).map_err(|e| e.to_string())?;
        let start = Instant::now();
        // Headers announce 300 bytes; one arrives, then nothing.
        s.write_all(b"POST /v1/receipts HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 300\r\n\r\n{")
            .map_err(|e| e.to_string())?;
        let mut buf = [0u8; 1024];
        let n = s.read(&mut buf).map_err(|e| e.to_string())?;
        Ok((String::from_utf8_lossy(&buf[..n]).to_string(), start.elapsed().as_secs_f64()))
    })
    .await
    .map_err(|e| e.to_string())??;
    check!(
        answer.0.starts_with("HTTP/1.1 408") && answer.0.contains("not received in time"),
        "stalled body: {:?}",
        answer.0
    );
    let fast = answer.1 <= 5.0;
    check!(fast, "answered after {:.1} s", answer.1);
    check!(count(&fresh.url).await == 0, "something was stored");
    Ok(())
}

async fn stores_only_a_keyed_hash_of_the_network(db: Arc<Db>) -> CaseResult {
    let scratch = Scratch::new("key");
    let key_file = scratch.path("ip.key");
    std::fs::write(&key_file, "0123456789abcdef0123456789abcdef\n").map_err(|e| e.to_string())?;
    let fresh = db.fresh().await;
    let server = Server::start(&fresh.url, &["--ip-key-file", key_file.to_str().unwrap()]);
    let c = client();
    let (status, _) = post(
        &c,
        &server.url("/v1/receipts"),
        &receipt(&demo_config(), 31, true, Lang::Ja),
    )
    .await;
    check!(status == 201, "post: {status}");
    let pool = connect(&fresh.url).await;
    let row = sqlx::query("SELECT ip_hash, body, consent_id, prev, hash, shard, day FROM receipts")
        .fetch_one(&pool)
        .await
        .map_err(|e| e.to_string())?;
    let ip_hash: Option<String> = row.try_get("ip_hash").map_err(|e| e.to_string())?;
    let want = doui_receipts::address::keyed_hash(
        b"0123456789abcdef0123456789abcdef",
        "127.0.0.1".parse().unwrap(),
    );
    check!(
        ip_hash.as_deref() == Some(want.as_str()),
        "ip_hash {ip_hash:?}, want the HMAC of 127.0.0.0/24"
    );
    for col in ["body", "consent_id", "prev", "hash", "shard", "day"] {
        let v: String = row.try_get(col).map_err(|e| e.to_string())?;
        check!(!v.contains("127.0.0"), "{col} holds the address");
    }
    pool.close().await;
    drop(server);

    // Without a key, nothing about the address is stored.
    let fresh = db.fresh().await;
    let server = Server::start(&fresh.url, &[]);
    let (status, _) = post(
        &c,
        &server.url("/v1/receipts"),
        &receipt(&demo_config(), 32, true, Lang::Ja),
    )
    .await;
    check!(status == 201, "post: {status}");
    let pool = connect(&fresh.url).await;
    let row = sqlx::query("SELECT ip_hash FROM receipts")
        .fetch_one(&pool)
        .await
        .map_err(|e| e.to_string())?;
    let ip_hash: Option<String> = row.try_get("ip_hash").map_err(|e| e.to_string())?;
    check!(ip_hash.is_none(), "ip_hash without a key: {ip_hash:?}");
    pool.close().await;
    // A short key is refused at start.
    std::fs::write(&key_file, "short").map_err(|e| e.to_string())?;
    let err = Server::try_start(
        &fresh.url,
        &["--ip-key-file", key_file.to_str().unwrap()],
        &[],
    )
    .err()
    .unwrap_or_default();
    check!(err.contains("at least 16"), "short key: {err:?}");
    Ok(())
}

async fn admin_export_and_page_need_the_token(db: Arc<Db>) -> CaseResult {
    let fresh = db.fresh().await;
    let token = "s3cret-admin-token-for-tests";
    let server = Server::try_start(&fresh.url, &[], &[("DOUI_RECEIPTS_ADMIN_TOKEN", token)])?;
    let c = client();
    let config = demo_config();
    for n in 0..6 {
        let (status, _) = post(
            &c,
            &server.url("/v1/receipts"),
            &receipt(&config, 40 + n, n % 2 == 0, Lang::Ja),
        )
        .await;
        check!(status == 201, "post {n}");
    }
    let today = doui_receipts::day::day_of_ms(doui_receipts::day::now_ms());
    let export = |q: String, auth: Option<String>| {
        let mut r = c.get(server.url(&format!("/v1/admin/export?{q}")));
        if let Some(a) = auth {
            r = r.header("authorization", a);
        }
        r.send()
    };
    let range = format!("from={today}&to={today}");
    for auth in [
        None,
        Some("Bearer wrong-token-wrong-token".to_string()),
        Some(format!("Basic {token}")),
    ] {
        let r = export(range.clone(), auth.clone())
            .await
            .map_err(|e| e.to_string())?;
        check!(r.status() == 401, "export with {auth:?}: {}", r.status());
    }
    let r = export(
        format!("{range}&format=ndjson"),
        Some(format!("Bearer {token}")),
    )
    .await
    .map_err(|e| e.to_string())?;
    check!(r.status() == 200, "ndjson export: {}", r.status());
    let text = r.text().await.map_err(|e| e.to_string())?;
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or(Value::Null))
        .collect();
    check!(
        lines.len() == 6
            && lines
                .iter()
                .all(|l| l["receipt"]["id"].is_string() && l["hash"].is_string()),
        "ndjson: {text}"
    );
    let r = export(
        format!("{range}&format=csv"),
        Some(format!("Bearer {token}")),
    )
    .await
    .map_err(|e| e.to_string())?;
    let text = r.text().await.map_err(|e| e.to_string())?;
    check!(
        text.lines().count() == 7 && text.starts_with("day,shard,seq"),
        "csv: {text}"
    );
    check!(
        text.lines()
            .nth(1)
            .is_some_and(|l| l.split(',').count() == 17),
        "csv columns: {text}"
    );
    for (q, why) in [
        (format!("from={today}"), "to"),
        ("from=2026-02-30&to=2026-03-01".into(), "from"),
        ("from=2026-03-02&to=2026-03-01".into(), "before"),
        (format!("{range}&format=xml"), "format"),
        ("from=2000-01-01&to=2030-01-01".into(), "at most"),
    ] {
        let r = export(q.clone(), Some(format!("Bearer {token}")))
            .await
            .map_err(|e| e.to_string())?;
        let s = r.status();
        let t = r.text().await.unwrap_or_default();
        check!(s == 400 && t.contains(why), "export {q}: {s} {t}");
    }
    // The page: Basic authentication (a browser's prompt), a strict CSP, no inline style or script.
    let r = c
        .get(server.url("/admin"))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    check!(
        r.status() == 401
            && r.headers()
                .get_all("www-authenticate")
                .iter()
                .any(|v| v.to_str().unwrap_or("").starts_with("Basic")),
        "admin page without token: {}",
        r.status()
    );
    let r = c
        .get(server.url("/admin"))
        .basic_auth("admin", Some(token))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    check!(r.status() == 200, "admin page: {}", r.status());
    let csp = r
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    check!(
        csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"),
        "CSP: {csp}"
    );
    let html = r.text().await.map_err(|e| e.to_string())?;
    check!(
        html.contains("<svg") && html.contains("class=\"yes\"") && html.contains("6 receipts"),
        "admin page: {html}"
    );
    check!(
        !html.contains("style=") && !html.contains("<script") && !html.contains("<style"),
        "inline style or script in the page"
    );
    check!(
        html.contains("50.0% allowed"),
        "acceptance rate missing: {html}"
    );
    let css = c
        .get(server.url("/admin/admin.css"))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    check!(css.status() == 200, "stylesheet: {}", css.status());
    drop(server);
    // Without a token the admin endpoints are off.
    let server = Server::start(&fresh.url, &[]);
    let r = c
        .get(server.url("/admin"))
        .basic_auth("admin", Some(token))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    check!(
        r.status() == 404,
        "admin without a configured token: {}",
        r.status()
    );
    Ok(())
}

async fn fill(url: &str, n: u64) -> Result<(), String> {
    let server = Server::start(url, &[]);
    let c = client();
    let config = demo_config();
    for i in 0..n {
        let (status, _) = post(
            &c,
            &server.url("/v1/receipts"),
            &receipt(&config, 600 + i, i % 3 == 0, Lang::Ja),
        )
        .await;
        check!(status == 201, "fill {i}: {status}");
    }
    Ok(())
}

async fn tamper_edit_is_found(db: Arc<Db>) -> CaseResult {
    let fresh = db.fresh().await;
    fill(&fresh.url, 6).await?;
    let (ok, out) = verify(&fresh.url);
    check!(ok, "before tampering: {out}");
    let pool = connect(&fresh.url).await;
    // Turn a refusal into an acceptance, as someone rewriting history would.
    sqlx::query("UPDATE receipts SET body = REPLACE(body, '\"analytics\":false', '\"analytics\":true') WHERE seq = 3")
        .execute(&pool)
        .await
        .map_err(|e| e.to_string())?;
    let (ok, out) = verify(&fresh.url);
    check!(
        !ok && out.contains("seq 3") && out.contains("edited"),
        "after editing seq 3: {out}"
    );
    pool.close().await;
    Ok(())
}

async fn tamper_delete_is_found(db: Arc<Db>) -> CaseResult {
    let fresh = db.fresh().await;
    fill(&fresh.url, 6).await?;
    let pool = connect(&fresh.url).await;
    sqlx::query("DELETE FROM receipts WHERE seq = 4")
        .execute(&pool)
        .await
        .map_err(|e| e.to_string())?;
    let (ok, out) = verify(&fresh.url);
    check!(
        !ok && out.contains("seq 4") && out.contains("missing"),
        "after deleting seq 4: {out}"
    );
    // Deleting the last row is found through the chain's head.
    let fresh2 = db.fresh().await;
    fill(&fresh2.url, 5).await?;
    let pool2 = connect(&fresh2.url).await;
    sqlx::query("DELETE FROM receipts WHERE seq = 5")
        .execute(&pool2)
        .await
        .map_err(|e| e.to_string())?;
    let (ok, out) = verify(&fresh2.url);
    check!(
        !ok && out.contains("seq 5"),
        "after deleting the last row: {out}"
    );
    pool.close().await;
    pool2.close().await;
    Ok(())
}

async fn retention_deletes_whole_old_days(db: Arc<Db>) -> CaseResult {
    let fresh = db.fresh().await;
    fill(&fresh.url, 3).await?;
    let pool = connect(&fresh.url).await;
    // Move the chain 40 days back, as if it had been written then.
    let old =
        doui_receipts::day::from_days(doui_receipts::day::now_ms().div_euclid(86_400_000) - 40);
    for table in ["receipts", "heads"] {
        sqlx::query(&format!("UPDATE {table} SET day = $1"))
            .bind(&old)
            .execute(&pool)
            .await
            .map_err(|e| e.to_string())?;
    }
    pool.close().await;
    let server = Server::start(&fresh.url, &["--retention-days", "30"]);
    let c = client();
    let (status, _) = post(
        &c,
        &server.url("/v1/receipts"),
        &receipt(&demo_config(), 700, true, Lang::Ja),
    )
    .await;
    check!(status == 201, "post: {status}");
    // The first daily run happens at start.
    let mut n = -1;
    for _ in 0..100 {
        n = count(&fresh.url).await;
        if n == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    check!(n == 1, "after retention: {n} rows (want today's 1)");
    let (ok, out) = verify(&fresh.url);
    check!(
        ok && out.contains("1 chains"),
        "verify after retention: {out}"
    );
    drop(server);
    // 0 keeps everything.
    let fresh = db.fresh().await;
    fill(&fresh.url, 2).await?;
    let pool = connect(&fresh.url).await;
    for table in ["receipts", "heads"] {
        sqlx::query(&format!("UPDATE {table} SET day = '2001-01-01'"))
            .execute(&pool)
            .await
            .map_err(|e| e.to_string())?;
    }
    pool.close().await;
    let server = Server::start(&fresh.url, &["--retention-days", "0"]);
    let _ = c.get(server.url("/healthz")).send().await;
    check!(count(&fresh.url).await == 2, "retention 0 deleted rows");
    Ok(())
}

async fn several_revisions_and_bad_configs(db: Arc<Db>) -> CaseResult {
    let scratch = Scratch::new("configs");
    let text = demo_config_text();
    check!(
        text.contains("\"revision\": 1,"),
        "the demo config's revision line moved"
    );
    let rev2 = scratch.path("rev2.json");
    std::fs::write(
        &rev2,
        text.replacen("\"revision\": 1,", "\"revision\": 2,", 1),
    )
    .map_err(|e| e.to_string())?;
    let fresh = db.fresh().await;
    let demo = demo_config_path();
    let server = Server::start(
        &fresh.url,
        &[
            "--config",
            demo.to_str().unwrap(),
            "--config",
            rev2.to_str().unwrap(),
        ],
    );
    let c = client();
    let config1 = demo_config();
    let config2 =
        doui::config::Config::from_json(&std::fs::read_to_string(&rev2).unwrap()).unwrap();
    for (n, config) in [(1, &config1), (2, &config2)] {
        let (status, body) = post(
            &c,
            &server.url("/v1/receipts"),
            &receipt(config, 800 + n, true, Lang::En),
        )
        .await;
        check!(status == 201, "revision {n}: {status} {body}");
    }
    let mut r3 = receipt(&config2, 803, true, Lang::En);
    r3["revision"] = 3.into();
    let (status, body) = post(&c, &server.url("/v1/receipts"), &r3).await;
    check!(
        status == 422 && body.contains("1, 2"),
        "revision 3: {status} {body}"
    );
    drop(server);
    // Two files with one revision, a broken config, a missing one: the server does not start.
    let broken = scratch.path("broken.json");
    std::fs::write(
        &broken,
        text.replacen("\"revision\": 1,", "\"revision\": \"one\",", 1),
    )
    .map_err(|e| e.to_string())?;
    for (args, want) in [
        (
            vec![
                "--config",
                demo.to_str().unwrap(),
                "--config",
                demo.to_str().unwrap(),
            ],
            "two configs have revision 1",
        ),
        (
            vec!["--config", broken.to_str().unwrap()],
            "line 3: revision",
        ),
        (
            vec!["--config", "/nonexistent/site.json"],
            "--config /nonexistent/site.json",
        ),
        (vec!["--origin", "example.jp"], "--origin"),
    ] {
        let err = Server::try_start(&fresh.url, &args, &[])
            .err()
            .unwrap_or_default();
        check!(err.contains(want), "{args:?}: {err:?}");
    }
    let err = Server::try_start("mysql://x", &[], &[])
        .err()
        .unwrap_or_default();
    check!(err.contains("--db"), "mysql: {err:?}");
    Ok(())
}

async fn two_instances_share_one_database(db: Arc<Db>) -> CaseResult {
    if matches!(*db, Db::Sqlite) {
        // One SQLite file belongs to one server; sharing is what PostgreSQL is for.
        return Ok(());
    }
    let fresh = db.fresh().await;
    // Two shards, and two instances mistakenly on one shard: nothing lost, chains intact.
    let servers = [
        Server::start(&fresh.url, &["--shard", "a", "--rate-limit", "0"]),
        Server::start(&fresh.url, &["--shard", "b", "--rate-limit", "0"]),
        Server::start(&fresh.url, &["--shard", "c", "--rate-limit", "0"]),
        Server::start(&fresh.url, &["--shard", "c", "--rate-limit", "0"]),
    ];
    let c = client();
    let config = Arc::new(demo_config());
    let mut tasks = Vec::new();
    for t in 0..32u64 {
        let url = servers[(t % 4) as usize].url("/v1/receipts");
        let c = c.clone();
        let config = config.clone();
        tasks.push(tokio::spawn(async move {
            let mut ok = 0;
            for i in 0..10 {
                let (s, _) = post(
                    &c,
                    &url,
                    &receipt(&config, 10_000 + t * 100 + i, true, Lang::Ja),
                )
                .await;
                if s == 201 {
                    ok += 1;
                }
            }
            ok
        }));
    }
    let mut created = 0;
    for t in tasks {
        created += t.await.map_err(|e| e.to_string())?;
    }
    check!(created == 320, "{created} of 320 created");
    check!(count(&fresh.url).await == 320, "stored");
    let (ok, out) = verify(&fresh.url);
    check!(
        ok && out.contains("320 receipts in 3 chains"),
        "verify: {out}"
    );
    Ok(())
}

/// The `receipt` of a POST answer.
fn answer_hash(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v["receipt"].as_str().map(str::to_string))
        .unwrap_or_default()
}

async fn a_resent_receipt_is_stored_once(db: Arc<Db>) -> CaseResult {
    let fresh = db.fresh().await;
    let server = Server::start(&fresh.url, &["--rate-limit", "0"]);
    let c = client();
    let url = server.url("/v1/receipts");
    let config = demo_config();
    // Twice in a row: 201, then 200 with the same reference.
    let r = receipt(&config, 40, true, Lang::Ja);
    let (s1, b1) = post(&c, &url, &r).await;
    let (s2, b2) = post(&c, &url, &r).await;
    check!(
        s1 == 201 && s2 == 200,
        "twice in a row: {s1} {b1} / {s2} {b2}"
    );
    let first = answer_hash(&b1);
    check!(
        first.len() == 64 && answer_hash(&b2) == first,
        "references differ: {b1} / {b2}"
    );
    // The key is the stored form: the same receipt with its fields and decisions
    // in another order and other spacing is the same receipt.
    let o = r.as_object().unwrap();
    let mut keys: Vec<&String> = o.keys().collect();
    keys.reverse();
    let mut text = String::from("{ ");
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            text.push_str(" ,\n ");
        }
        let v = if o[*k].is_object() {
            let m = o[*k].as_object().unwrap();
            let mut parts: Vec<String> = m.iter().map(|(id, on)| format!("{id:?}: {on}")).collect();
            parts.reverse();
            format!("{{{}}}", parts.join(", "))
        } else {
            o[*k].to_string()
        };
        text.push_str(&format!("{k:?}: {v}"));
    }
    text.push_str(" }");
    check!(
        serde_json::from_str::<Value>(&text).ok().as_ref() == Some(&r)
            && !text.contains(&r["categories"].to_string()),
        "the reordered text: {text}"
    );
    let (s, b) = post_raw(&c, &url, Some("application/json"), text.into_bytes()).await;
    check!(
        s == 200 && answer_hash(&b) == first,
        "reordered resend: {s} {b}"
    );
    // Same id and time, another decision: another receipt.
    let mut other = r.clone();
    other["action"] = "withdraw".into();
    let (s, b) = post(&c, &url, &other).await;
    check!(
        s == 201 && answer_hash(&b) != first,
        "same id and time, other action: {s} {b}"
    );
    check!(count(&fresh.url).await == 2, "two rows after the resends");

    // 16 copies at once: all 2xx, one stored, every answer the same reference.
    let r2 = receipt(&config, 41, false, Lang::En);
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (c, url, r2) = (c.clone(), url.clone(), r2.clone());
        tasks.push(tokio::spawn(async move { post(&c, &url, &r2).await }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.map_err(|e| e.to_string())?);
    }
    let created = answers.iter().filter(|(s, _)| *s == 201).count();
    let refs: HashSet<String> = answers.iter().map(|(_, b)| answer_hash(b)).collect();
    check!(
        answers.iter().all(|(s, _)| *s == 200 || *s == 201) && created == 1 && refs.len() == 1,
        "16 at once: {answers:?}"
    );
    check!(count(&fresh.url).await == 3, "16 copies stored once");

    // Across a restart.
    let r3 = receipt(&config, 42, true, Lang::En);
    let (s, b3) = post(&c, &url, &r3).await;
    check!(s == 201, "before the restart: {s} {b3}");
    drop(server);
    let server = Server::start(&fresh.url, &["--rate-limit", "0"]);
    let url = server.url("/v1/receipts");
    for (name, r, want) in [("r3", &r3, answer_hash(&b3)), ("r", &r, first.clone())] {
        let (s, b) = post(&c, &url, r).await;
        check!(
            s == 200 && answer_hash(&b) == want,
            "{name} after the restart: {s} {b}"
        );
    }
    check!(count(&fresh.url).await == 4, "rows after the restart");
    // The history shows each receipt once; the chain has no gap and no extra row.
    let h: Value = c
        .get(server.url(&format!("/v1/receipts/{}", r["id"].as_str().unwrap())))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    check!(
        h["receipts"].as_array().map(Vec::len) == Some(2),
        "history after resends: {h}"
    );
    let (ok, out) = verify(&fresh.url);
    check!(ok && out.contains("4 receipts"), "verify: {out}");
    Ok(())
}

async fn resends_across_two_instances_are_stored_once(db: Arc<Db>) -> CaseResult {
    if matches!(*db, Db::Sqlite) {
        // One SQLite file belongs to one server; sharing is what PostgreSQL is for.
        return Ok(());
    }
    let fresh = db.fresh().await;
    let servers = [
        Server::start(&fresh.url, &["--shard", "a", "--rate-limit", "0"]),
        Server::start(&fresh.url, &["--shard", "b", "--rate-limit", "0"]),
    ];
    let c = client();
    let config = demo_config();
    // 20 receipts, each sent 8 times to each instance, all at once.
    const RECEIPTS: u64 = 20;
    let mut tasks = Vec::new();
    for n in 0..RECEIPTS {
        let r = receipt(&config, 20_000 + n, n % 2 == 0, Lang::Ja);
        for copy in 0..16 {
            let (c, r) = (c.clone(), r.clone());
            let url = servers[copy % 2].url("/v1/receipts");
            tasks.push(tokio::spawn(async move {
                let (s, b) = post(&c, &url, &r).await;
                (n, s, answer_hash(&b))
            }));
        }
    }
    let mut created = 0;
    let mut refs: Vec<HashSet<String>> = vec![HashSet::new(); RECEIPTS as usize];
    for t in tasks {
        let (n, s, hash) = t.await.map_err(|e| e.to_string())?;
        check!(s == 200 || s == 201, "receipt {n}: {s}");
        created += usize::from(s == 201);
        refs[n as usize].insert(hash);
    }
    check!(
        created == RECEIPTS as usize,
        "{created} answered 201 (want {RECEIPTS})"
    );
    check!(
        refs.iter().all(|r| r.len() == 1),
        "copies answered with different references: {refs:?}"
    );
    check!(
        count(&fresh.url).await == RECEIPTS as i64,
        "stored {} (want {RECEIPTS})",
        count(&fresh.url).await
    );
    let (ok, out) = verify(&fresh.url);
    check!(
        ok && out.contains(&format!("{RECEIPTS} receipts in")),
        "verify: {out}"
    );
    Ok(())
}

async fn an_older_database_gets_its_receipt_keys(db: Arc<Db>) -> CaseResult {
    // A database written before receipts had a key, holding a receipt stored twice.
    let fresh = db.fresh().await;
    fill(&fresh.url, 2).await?;
    let pool = connect(&fresh.url).await;
    let run = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query(sql)
                .execute(&pool)
                .await
                .map(|_| ())
                .map_err(|e| format!("{sql}: {e}"))
        }
    };
    run("DROP INDEX receipts_key").await?;
    run("CREATE INDEX receipts_consent_id ON receipts (consent_id)").await?;
    run("ALTER TABLE receipts DROP COLUMN body_sha256").await?;
    let last = sqlx::query(
        "SELECT day, shard, seq, received, consent_id, body, hash FROM receipts ORDER BY seq DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .map_err(|e| e.to_string())?;
    let get = |c: &str| last.try_get::<String, _>(c).unwrap_or_default();
    let first_copy = get("hash");
    let mut row = doui_receipts::chain::Row {
        day: get("day"),
        shard: get("shard"),
        seq: last.try_get::<i64, _>("seq").unwrap_or(0) + 1,
        received: last.try_get::<i64, _>("received").unwrap_or(0) + 5,
        consent_id: get("consent_id"),
        ip_hash: None,
        body: get("body"),
        prev: first_copy.clone(),
        hash: String::new(),
    };
    row.hash = doui_receipts::chain::link_hash(&row);
    sqlx::query(
        "INSERT INTO receipts (day, shard, seq, received, consent_id, ip_hash, body, prev, hash)
         VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $8)",
    )
    .bind(&row.day)
    .bind(&row.shard)
    .bind(row.seq)
    .bind(row.received)
    .bind(&row.consent_id)
    .bind(&row.body)
    .bind(&row.prev)
    .bind(&row.hash)
    .execute(&pool)
    .await
    .map_err(|e| e.to_string())?;
    sqlx::query("UPDATE heads SET seq = $1, hash = $2")
        .bind(row.seq)
        .bind(&row.hash)
        .execute(&pool)
        .await
        .map_err(|e| e.to_string())?;
    let (ok, out) = verify(&fresh.url);
    check!(
        ok && out.contains("3 receipts"),
        "the older database: {out}"
    );
    // The server adds the key: the first copy keeps it, the second stays as it was.
    let server = Server::start(&fresh.url, &[]);
    let keyed: Vec<(i64, Option<String>)> =
        sqlx::query("SELECT seq, body_sha256 FROM receipts ORDER BY seq")
            .fetch_all(&pool)
            .await
            .map_err(|e| e.to_string())?
            .iter()
            .map(|r| (r.try_get("seq").unwrap_or(0), r.try_get("body_sha256").ok()))
            .collect();
    let want = doui_receipts::store::receipt_key(&row.body);
    check!(
        keyed.len() == 3
            && keyed[0]
                .1
                .as_ref()
                .is_some_and(|k| k.len() == 64 && *k != want)
            && keyed[1].1.as_deref() == Some(want.as_str())
            && keyed[2].1.is_none(),
        "keys after the upgrade: {keyed:?}"
    );
    pool.close().await;
    let c = client();
    let body: Value = serde_json::from_str(&row.body).map_err(|e| e.to_string())?;
    let (s, b) = post(&c, &server.url("/v1/receipts"), &body).await;
    check!(
        s == 200 && answer_hash(&b) == first_copy,
        "a resend after the upgrade: {s} {b}"
    );
    let (ok, out) = verify(&fresh.url);
    check!(ok && out.contains("3 receipts"), "after the upgrade: {out}");
    Ok(())
}

async fn history_holds_every_choice_in_order(db: Arc<Db>) -> CaseResult {
    let fresh = db.fresh().await;
    let server = Server::start(&fresh.url, &["--rate-limit", "0"]);
    let c = client();
    let url = server.url("/v1/receipts");
    let config = demo_config();
    // One visitor, one cookie, one id: accept, then a custom choice, then a
    // withdrawal and a rejection in the same second.
    let t = now();
    let accept = receipt(&config, 50, true, Lang::Ja);
    let mut custom = accept.clone();
    let cat = config.categories.iter().find(|c| !c.required).unwrap();
    let mut choices = receipt(&config, 50, false, Lang::Ja);
    choices["categories"][&cat.id] = true.into();
    for s in &cat.services {
        choices["services"][&s.id] = true.into();
    }
    custom["categories"] = choices["categories"].clone();
    custom["services"] = choices["services"].clone();
    custom["action"] = "custom".into();
    let mut withdraw = receipt(&config, 50, false, Lang::Ja);
    withdraw["action"] = "withdraw".into();
    let mut reject = receipt(&config, 50, false, Lang::Ja);
    reject["action"] = "reject".into();
    let mut accept = accept;
    accept["time"] = (t - 120).into();
    custom["time"] = (t - 60).into();
    withdraw["time"] = t.into();
    reject["time"] = t.into();
    // The custom choice's receipt arrives last (its answer was lost; it was sent
    // again on a later page view), and the accept is sent twice.
    for (name, r, want) in [
        ("accept", &accept, 201),
        ("withdraw", &withdraw, 201),
        ("reject", &reject, 201),
        ("accept again", &accept, 200),
        ("custom", &custom, 201),
    ] {
        let (s, b) = post(&c, &url, r).await;
        check!(s == want, "{name}: {s} {b}");
    }
    let id = accept["id"].as_str().unwrap();
    let h: Value = c
        .get(server.url(&format!("/v1/receipts/{id}")))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let got: Vec<Value> = h["receipts"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|e| e["receipt"].clone())
        .collect();
    let want = vec![accept, custom, withdraw, reject];
    check!(
        got == want,
        "history out of order or incomplete:\n{}\nwant\n{}",
        Value::Array(got.clone()),
        Value::Array(want.clone())
    );
    let (ok, out) = verify(&fresh.url);
    check!(ok && out.contains("4 receipts"), "verify: {out}");
    Ok(())
}

async fn crash_safety_under_sigkill(db: Arc<Db>) -> CaseResult {
    const KILLS: u32 = 12;
    const SENDERS: u64 = 16;
    let fresh = db.fresh().await;
    let server = Arc::new(Mutex::new(Server::start(
        &fresh.url,
        &["--rate-limit", "0"],
    )));
    let base = Arc::new(Mutex::new(server.lock().unwrap().base.clone()));
    let acked = Arc::new(Mutex::new(HashSet::<String>::new()));
    let sent = Arc::new(Mutex::new(HashSet::<String>::new()));
    // Resends answered 200: the first copy was committed but its answer was lost.
    let resent_stored = Arc::new(Mutex::new(0u64));
    let stop = Arc::new(AtomicBool::new(false));
    let config = Arc::new(demo_config());
    let c = client();
    let mut tasks = Vec::new();
    for t in 0..SENDERS {
        let (base, acked, sent, resent_stored, stop, config, c) = (
            base.clone(),
            acked.clone(),
            sent.clone(),
            resent_stored.clone(),
            stop.clone(),
            config.clone(),
            c.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(Ordering::SeqCst) && i < 100_000 {
                i += 1;
                let r = receipt(&config, 1_000_000 * (t + 1) + i, i % 2 == 0, Lang::Ja);
                let id = r["id"].as_str().unwrap().to_string();
                sent.lock().unwrap().insert(id.clone());
                // As the banner does: the same receipt again until it is acknowledged.
                let mut tries = 0;
                while !stop.load(Ordering::SeqCst) {
                    tries += 1;
                    let url = format!("{}/v1/receipts", base.lock().unwrap());
                    let (s, _) = post(&c, &url, &r).await;
                    if s == 200 || s == 201 {
                        acked.lock().unwrap().insert(id.clone());
                        if s == 200 && tries > 1 {
                            *resent_stored.lock().unwrap() += 1;
                        }
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            }
        }));
    }
    // A small deterministic generator for the kill moments (seeded by the clock, printed).
    let mut seed = (now() ^ u64::from(std::process::id())) | 1;
    println!("    kill timing seed {seed}");
    let mut rand = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..KILLS {
        tokio::time::sleep(Duration::from_millis(150 + rand() % 450)).await;
        let mut s = server.lock().unwrap();
        s.kill();
        *s = Server::start(&fresh.url, &["--rate-limit", "0"]);
        *base.lock().unwrap() = s.base.clone();
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::SeqCst);
    for t in tasks {
        t.await.map_err(|e| e.to_string())?;
    }
    server.lock().unwrap().kill();
    let acked = acked.lock().unwrap().clone();
    check!(
        acked.len() > 100,
        "too little load: {} acknowledged",
        acked.len()
    );
    let pool = connect(&fresh.url).await;
    let rows: Vec<String> = sqlx::query("SELECT consent_id FROM receipts")
        .fetch_all(&pool)
        .await
        .map_err(|e| e.to_string())?
        .iter()
        .map(|r| r.try_get::<String, _>("consent_id").unwrap_or_default())
        .collect();
    pool.close().await;
    let stored: HashSet<String> = rows.iter().cloned().collect();
    let sent = sent.lock().unwrap().clone();
    let lost = acked.difference(&stored).count();
    let (ok, out) = verify(&fresh.url);
    println!(
        "    {KILLS} SIGKILLs: {} sent, {} acknowledged, {} rows, {} distinct, {lost} lost, {} resends found already stored",
        sent.len(),
        acked.len(),
        rows.len(),
        stored.len(),
        resent_stored.lock().unwrap()
    );
    check!(lost == 0, "{lost} acknowledged receipts lost");
    check!(
        rows.len() == stored.len(),
        "{} receipts stored twice",
        rows.len() - stored.len()
    );
    check!(stored.is_subset(&sent), "rows that were never sent");
    check!(ok, "verify after the kills: {out}");
    // Paging by (day, shard, seq) visits every row once, in small pages too.
    let store = doui_receipts::store::Store::open(&fresh.url).await?;
    let today = doui_receipts::day::day_of_ms(doui_receipts::day::now_ms());
    let mut cursor = (today.clone(), String::new(), 0);
    let mut paged = Vec::new();
    loop {
        let rows = store
            .page((&cursor.0, &cursor.1, cursor.2), &today, 300)
            .await?;
        let Some(last) = rows.last() else { break };
        cursor = (last.day.clone(), last.shard.clone(), last.seq);
        paged.extend(rows.into_iter().map(|r| r.consent_id));
    }
    store.pool.close().await;
    let distinct: HashSet<String> = paged.iter().cloned().collect();
    check!(
        paged.len() == stored.len() && distinct == stored,
        "paging: {} rows, {} stored",
        paged.len(),
        stored.len()
    );
    // The export streams them all, each once.
    let token = "export-token-export-token";
    let server = Server::try_start(&fresh.url, &[], &[("DOUI_RECEIPTS_ADMIN_TOKEN", token)])?;
    let text = c
        .get(server.url(&format!("/v1/admin/export?from={today}&to={today}")))
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .text()
        .await
        .map_err(|e| e.to_string())?;
    let exported: HashSet<String> = text
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap_or(Value::Null);
            v["receipt"]["id"].as_str().unwrap_or("").to_string()
        })
        .collect();
    check!(
        text.lines().count() == stored.len() && exported == stored,
        "export: {} lines, {} distinct, {} stored",
        text.lines().count(),
        exported.len(),
        stored.len()
    );
    Ok(())
}
