//! The HTTP face: receipts in, history out, the admin export and page, and the
//! guards in front of them (rate limit, origin, CORS, body size). Every refusal is
//! a 4xx with `{"error": "<field>: <reason>"}`; a storage failure is a 503 the
//! banner retries on the next page view.

// Guards return the refusal itself as their error: it is answered at once, so a
// box would only add an allocation to the rare path.
#![allow(clippy::result_large_err)]

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sha2::{Digest, Sha256};
use tokio::sync::oneshot;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::address;
use crate::admin;
use crate::day;
use crate::receipt::{self, MAX_BODY};
use crate::site::Site;
use crate::store::{self, Job, Store, Writer};

/// Everything a request handler needs.
pub struct App {
    /// Accepted config revisions by number.
    pub sites: BTreeMap<u32, Site>,
    /// The database.
    pub store: Store,
    /// The writer task's mailbox.
    pub writer: Writer,
    /// Origins whose pages may send receipts (`https://example.jp`).
    pub origins: Vec<String>,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// Key of the address hash; without it no trace of the address is stored.
    pub ip_key: Option<Vec<u8>>,
    /// SHA-256 of the admin token; without it the admin endpoints are off.
    pub admin_token: Option<[u8; 32]>,
    /// Requests per address (IPv4) or /64 (IPv6); `None` when off.
    pub limiter: Option<DefaultKeyedRateLimiter<IpAddr>>,
}

/// Settings of the guards, from the command line.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Requests a minute per address; 0 turns the limit off.
    pub per_minute: u32,
    /// Requests an address may send at once before the rate applies.
    pub burst: u32,
}

/// The keyed rate limiter for `limits`, or `None` when off.
pub fn limiter(limits: &Limits) -> Option<DefaultKeyedRateLimiter<IpAddr>> {
    let per_minute = NonZeroU32::new(limits.per_minute)?;
    let burst = NonZeroU32::new(limits.burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Some(RateLimiter::keyed(
        Quota::per_minute(per_minute).allow_burst(burst),
    ))
}

/// A JSON error answer.
pub fn error(status: StatusCode, reason: impl Into<String>) -> Response {
    let body = serde_json::json!({ "error": reason.into() }).to_string();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn json(status: StatusCode, value: serde_json::Value) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        value.to_string(),
    )
        .into_response()
}

/// The address a request is counted and hashed under.
#[derive(Debug, Clone, Copy)]
struct Client(IpAddr);

/// The router with all its layers. `timeout` bounds a request from its headers to
/// its answer, so a client that sends its body slowly cannot hold a connection.
pub fn router(app: Arc<App>, timeout: Duration) -> Router {
    let origins: Vec<HeaderValue> = app
        .origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE])
        .max_age(Duration::from_secs(86_400));
    Router::new()
        .route("/v1/receipts", post(post_receipt))
        .route("/v1/receipts/{id}", get(history))
        .route("/v1/texts/{hash}", get(text))
        .route("/v1/admin/export", get(export))
        .route("/admin", get(admin_page))
        .route("/admin/admin.css", get(admin_css))
        .route("/healthz", get(healthz))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "path: no such endpoint") })
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(cors)
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .layer(middleware::from_fn(json_errors))
        .with_state(app)
}

/// Rate limit per address, then refuse foreign origins outright: CORS alone would
/// only hide the answer from the page, after the receipt was stored.
async fn guard(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut req: Request,
    next: Next,
) -> Response {
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    let ip = address::client(peer.ip(), forwarded, &app.trusted_proxies);
    if req.uri().path() != "/healthz" {
        if let Some(limiter) = &app.limiter {
            if let Err(not_until) = limiter.check_key(&address::rate_key(ip)) {
                let wait = not_until
                    .wait_time_from(limiter.clock().now())
                    .as_secs()
                    .max(1);
                let mut r = error(
                    StatusCode::TOO_MANY_REQUESTS,
                    format!("rate limit: too many requests from this address; retry in {wait} s"),
                );
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(wait));
                return r;
            }
        }
    }
    if let Some(origin) = req.headers().get(header::ORIGIN) {
        let allowed = origin
            .to_str()
            .is_ok_and(|o| app.origins.iter().any(|a| a == o));
        if !allowed {
            return error(
                StatusCode::FORBIDDEN,
                "origin: this server does not accept requests from that origin",
            );
        }
    }
    req.extensions_mut().insert(Client(ip));
    next.run(req).await
}

/// Answers that axum or tower-http wrote as plain text (413, 405, bad query…)
/// become JSON errors like every other refusal.
async fn json_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let reason = match status {
        StatusCode::PAYLOAD_TOO_LARGE => format!("body: larger than {MAX_BODY} bytes"),
        StatusCode::METHOD_NOT_ALLOWED => "method: not allowed on this path".to_string(),
        StatusCode::NOT_FOUND => "path: no such endpoint".to_string(),
        StatusCode::REQUEST_TIMEOUT => "request: not received in time".to_string(),
        _ => {
            let (parts, body) = res.into_parts();
            let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
            let mut r = error(
                parts.status,
                String::from_utf8_lossy(&text).trim().to_string(),
            );
            for (k, v) in parts.headers.iter() {
                if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
                    r.headers_mut().append(k.clone(), v.clone());
                }
            }
            return r;
        }
    };
    let mut r = error(status, reason);
    if let Some(allow) = res.headers().get(header::ALLOW) {
        r.headers_mut().insert(header::ALLOW, allow.clone());
    }
    r
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

async fn post_receipt(
    State(app): State<Arc<App>>,
    client: Option<axum::Extension<Client>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if !is_json(&headers) {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "content-type: expected application/json",
        );
    }
    let body = match body {
        Ok(b) => b,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return error(e.status(), format!("body: larger than {MAX_BODY} bytes"))
        }
        Err(e) => return error(e.status(), format!("body: {}", e.body_text())),
    };
    if body.len() > MAX_BODY {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("body: larger than {MAX_BODY} bytes"),
        );
    }
    let now = (day::now_ms() / 1000) as u64;
    let r = match receipt::parse(&body).and_then(|r| receipt::check(r, &app.sites, now)) {
        Ok(r) => r,
        Err(refusal) => {
            let status =
                StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            return error(status, refusal.reason);
        }
    };
    let ip_hash = match (&app.ip_key, client) {
        (Some(key), Some(axum::Extension(Client(ip)))) => Some(address::keyed_hash(key, ip)),
        _ => None,
    };
    let (reply, answer) = oneshot::channel();
    let body = r.to_json();
    let job = Job {
        consent_id: r.id.clone(),
        ip_hash,
        key: store::receipt_key(&body),
        body,
        reply,
    };
    let busy = || {
        let mut r = error(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage: the receipt was not stored; send it again later",
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        r
    };
    if tokio::time::timeout(Duration::from_secs(5), app.writer.send(job))
        .await
        .map_or(true, |sent| sent.is_err())
    {
        return busy();
    }
    match tokio::time::timeout(Duration::from_secs(20), answer).await {
        // A resend of a stored receipt is answered like its first copy, with 200:
        // the banner drops it, and nothing new is stored.
        Ok(Ok(Ok(stored))) => json(
            if stored.new {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            },
            serde_json::json!({ "receipt": stored.hash }),
        ),
        _ => busy(),
    }
}

async fn history(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    if !receipt::is_consent_id(&id) {
        return error(
            StatusCode::BAD_REQUEST,
            "id: expected 22 characters of base64url",
        );
    }
    match app.store.history(&id).await {
        Ok(rows) => {
            let receipts: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "received": r.received,
                        "day": r.day,
                        "shard": r.shard,
                        "seq": r.seq,
                        "hash": r.hash,
                        "receipt": serde_json::from_str::<serde_json::Value>(&r.body)
                            .unwrap_or(serde_json::Value::Null),
                    })
                })
                .collect();
            json(
                StatusCode::OK,
                serde_json::json!({ "id": id, "receipts": receipts }),
            )
        }
        Err(e) => storage_error(e),
    }
}

async fn text(State(app): State<Arc<App>>, Path(hash): Path<String>) -> Response {
    if hash.len() != 64 || !hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return error(
            StatusCode::BAD_REQUEST,
            "hash: expected 64 lowercase hex digits",
        );
    }
    match app.store.text(&hash).await {
        Ok(Some(t)) => (
            [
                (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            t,
        )
            .into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, "hash: no text with that hash"),
        Err(e) => storage_error(e),
    }
}

fn storage_error(e: String) -> Response {
    eprintln!("doui-receipts: {e}");
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "storage: the database did not answer; try again later",
    )
}

async fn healthz(State(app): State<Arc<App>>) -> Response {
    match app.store.count().await {
        Ok(_) => json(StatusCode::OK, serde_json::json!({ "status": "ok" })),
        Err(e) => storage_error(e),
    }
}

/// Whether the request carries the admin token, as `Bearer <token>` (scripts) or
/// as the password of HTTP Basic authentication (a browser opening /admin).
fn authorized(app: &App, headers: &HeaderMap) -> Result<(), Response> {
    let Some(want) = app.admin_token else {
        return Err(error(
            StatusCode::NOT_FOUND,
            "admin: off (start the server with an admin token to turn it on)",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            if let Some(t) = v.strip_prefix("Bearer ") {
                Some(t.trim().to_string())
            } else {
                let decoded = base64_decode(v.strip_prefix("Basic ")?.trim())?;
                let text = String::from_utf8(decoded).ok()?;
                Some(text.split_once(':')?.1.to_string())
            }
        });
    // Comparing digests: the time taken says nothing about the token itself.
    if given.is_some_and(|g| Sha256::digest(g.as_bytes()).as_slice() == want) {
        return Ok(());
    }
    let mut r = error(
        StatusCode::UNAUTHORIZED,
        "authorization: admin token required",
    );
    r.headers_mut().append(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"doui receipts\", charset=\"UTF-8\""),
    );
    r.headers_mut()
        .append(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    Err(r)
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// The longest export range, in days.
const MAX_EXPORT_DAYS: i64 = 3_660;

fn day_param(q: &HashMap<String, String>, name: &str) -> Result<(String, i64), Response> {
    let Some(v) = q.get(name) else {
        return Err(error(
            StatusCode::BAD_REQUEST,
            format!("{name}: missing (YYYY-MM-DD)"),
        ));
    };
    day::to_days(v).map(|d| (v.clone(), d)).ok_or_else(|| {
        error(
            StatusCode::BAD_REQUEST,
            format!("{name}: expected a date as YYYY-MM-DD"),
        )
    })
}

async fn export(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = authorized(&app, &headers) {
        return r;
    }
    let (from, to) = match (day_param(&q, "from"), day_param(&q, "to")) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    if from.1 > to.1 {
        return error(StatusCode::BAD_REQUEST, "to: before from");
    }
    if to.1 - from.1 >= MAX_EXPORT_DAYS {
        return error(
            StatusCode::BAD_REQUEST,
            format!("to: a range is at most {MAX_EXPORT_DAYS} days"),
        );
    }
    let csv = match q.get("format").map(String::as_str) {
        None | Some("ndjson") => false,
        Some("csv") => true,
        Some(_) => return error(StatusCode::BAD_REQUEST, "format: expected ndjson or csv"),
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(8);
    let store = app.store.clone();
    let range = (from.0.clone(), to.0.clone());
    tokio::spawn(async move {
        if csv
            && tx
                .send(Bytes::from_static(admin::CSV_HEADER.as_bytes()))
                .await
                .is_err()
        {
            return;
        }
        let result = store
            .each_between(&range.0, &range.1, |rows| {
                let tx = tx.clone();
                async move {
                    let mut chunk = String::new();
                    for row in &rows {
                        chunk.push_str(&if csv {
                            admin::csv_line(row)
                        } else {
                            admin::ndjson_line(row)
                        });
                    }
                    tx.send(Bytes::from(chunk)).await.is_ok()
                }
            })
            .await;
        if let Err(e) = result {
            // The body ends short; the log says why.
            eprintln!("doui-receipts: export stopped: {e}");
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<_, Infallible>(b), rx))
    });
    let (kind, ext) = if csv {
        ("text/csv; charset=utf-8", "csv")
    } else {
        ("application/x-ndjson", "ndjson")
    };
    let disposition = format!(
        "attachment; filename=\"receipts-{}-{}.{ext}\"",
        from.0, to.0
    );
    Response::builder()
        .header(header::CONTENT_TYPE, kind)
        .header(header::CACHE_CONTROL, "no-store")
        .header(header::CONTENT_DISPOSITION, disposition)
        .body(Body::from_stream(stream))
        .unwrap_or_else(|_| error(StatusCode::BAD_REQUEST, "export: could not start"))
}

async fn admin_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = authorized(&app, &headers) {
        return r;
    }
    let days = match q.get("days").map(|d| d.parse::<i64>()) {
        None => 30,
        Some(Ok(d)) if (1..=366).contains(&d) => d,
        Some(_) => return error(StatusCode::BAD_REQUEST, "days: expected 1 to 366"),
    };
    let today = day::now_ms().div_euclid(86_400_000);
    let from = day::from_days(today - days + 1);
    let to = day::from_days(today);
    let mut chart = admin::Chart::new(today - days + 1, days);
    let result = app
        .store
        .each_between(&from, &to, |rows| {
            for row in &rows {
                chart.add(row);
            }
            std::future::ready(true)
        })
        .await;
    if let Err(e) = result {
        return storage_error(e);
    }
    let html = admin::page(&app.sites, &chart);
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        html,
    )
        .into_response()
}

async fn admin_css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        admin::CSS,
    )
        .into_response()
}
