//! The HTTP side: `POST /api/responses` (a record checked by the core, then kept), the CORS
//! preflights, and the service's start and graceful stop. Answers are those of the development
//! server (`xtask/src/serve.rs`), which the page's outbox reads: 201 `{"ok":true}`, 200
//! `{"ok":true,"repeat":true}`, and for a refusal `{"error": code, "message": {"zh-CN", "en"}}`.

use super::conn::Peer;
use super::limits::{BODY_TIMEOUT, MAX_BODY, MAX_KEY};
use super::rate::RateLimit;
use super::store::{NewRecord, Put, Store};
use super::token::TokenHash;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use kaoping_core::ingest::{Receiver, Refusal};
use serde_json::json;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

/// Everything a request handler needs.
pub struct Service {
    pub receiver: Receiver<'static>,
    pub store: Box<dyn Store>,
    /// Portal origins allowed to post and read (`scheme://host[:port]`).
    pub origins: Vec<String>,
    /// The office token's hash; `None`: reading is off.
    pub token: Option<TokenHash>,
    pub rate: RateLimit,
    /// The header a reverse proxy on this machine puts the client's address in.
    pub client_header: Option<String>,
}

pub type Shared = Arc<Service>;

/// A JSON refusal: `{"error": code, "message": {"zh-CN": …, "en": …}}`.
pub fn refuse(status: StatusCode, code: &str, zh: &str, en: &str) -> Response {
    let body = json!({ "error": code, "message": { "zh-CN": zh, "en": en } });
    (status, axum::Json(body)).into_response()
}

fn refusal(status: StatusCode, r: &Refusal) -> Response {
    let body = json!({ "error": r.code, "message": r.message });
    (status, axum::Json(body)).into_response()
}

/// Who is calling, by the `Origin` header.
#[derive(Debug, PartialEq)]
pub enum Caller {
    /// No Origin (curl, a script): allowed.
    NoOrigin,
    /// The Origin names this service's own host (as the Host header says).
    SameOrigin,
    /// A portal of `--origin`.
    Allowed(String),
    /// Anything else, `null` included.
    Foreign(String),
}

impl Caller {
    pub fn of(headers: &HeaderMap, origins: &[String]) -> Caller {
        let Some(origin) = headers.get(header::ORIGIN) else {
            return Caller::NoOrigin;
        };
        let origin = String::from_utf8_lossy(origin.as_bytes()).into_owned();
        if origins.contains(&origin) {
            return Caller::Allowed(origin);
        }
        let host = headers.get(header::HOST).map(HeaderValue::as_bytes);
        let authority = origin.split_once("://").map(|(_, a)| a.as_bytes());
        if host.is_some() && host == authority {
            return Caller::SameOrigin;
        }
        Caller::Foreign(origin)
    }

    /// The 403 of a foreign caller, `None` for the others.
    pub fn refused(&self) -> Option<Response> {
        let Caller::Foreign(origin) = self else {
            return None;
        };
        let mut r = refuse(
            StatusCode::FORBIDDEN,
            "origin_not_allowed",
            &format!("来源 {origin} 不在允许列表（--origin）中。"),
            &format!("The origin {origin} is not allowed (--origin)."),
        );
        vary(&mut r);
        Some(r)
    }

    /// `resp` with the CORS headers this caller gets.
    pub fn cors(&self, mut resp: Response) -> Response {
        if let Caller::Allowed(o) = self {
            if let Ok(v) = HeaderValue::from_str(o) {
                let h = resp.headers_mut();
                h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
                h.insert(
                    header::ACCESS_CONTROL_EXPOSE_HEADERS,
                    HeaderValue::from_static(super::read::EXPOSED),
                );
            }
        }
        vary(&mut resp);
        resp
    }
}

fn vary(r: &mut Response) {
    r.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Origin"));
}

/// The preflight of a cross-origin request: allowed origins get the methods and headers of
/// `methods`; others 403.
pub fn preflight(headers: &HeaderMap, origins: &[String], methods: &'static str) -> Response {
    let caller = Caller::of(headers, origins);
    if let Some(r) = caller.refused() {
        return r;
    }
    let mut r = StatusCode::NO_CONTENT.into_response();
    let h = r.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(methods),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Content-Type, Idempotency-Key, Authorization"),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    caller.cors(r)
}

pub async fn preflight_post(State(s): State<Shared>, headers: HeaderMap) -> Response {
    preflight(&headers, &s.origins, "POST")
}

/// The client's address: the peer's, or, from a proxy on this machine, its `--client-header`.
fn client(s: &Service, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
    let from_proxy = s
        .client_header
        .as_deref()
        .filter(|_| peer.is_loopback())
        .and_then(|name| headers.get(name))
        .and_then(|v| v.to_str().ok())
        // X-Forwarded-For: the last address is the one the proxy saw.
        .and_then(|v| v.rsplit(',').next())
        .and_then(|v| v.trim().parse().ok());
    from_proxy.unwrap_or(peer)
}

/// `POST /api/responses`.
pub async fn receive(
    State(s): State<Shared>,
    ConnectInfo(Peer(peer)): ConnectInfo<Peer>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let caller = Caller::of(&headers, &s.origins);
    if let Some(r) = caller.refused() {
        return r;
    }
    let resp = receive_checked(&s, peer.ip(), &headers, body).await;
    caller.cors(resp)
}

async fn receive_checked(s: &Shared, peer: IpAddr, headers: &HeaderMap, body: Body) -> Response {
    if let Err(wait) = s.rate.take(client(s, peer, headers), Instant::now()) {
        let mut r = refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            &format!("提交过于频繁，请 {wait} 秒后再试。"),
            &format!("Too many submissions: try again in {wait} s."),
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait));
        return r;
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(len) = declared.filter(|&n| n > MAX_BODY as u64) {
        return too_large(Some(len));
    }
    let key = match headers.get("idempotency-key").map(|k| k.to_str()) {
        None => None,
        Some(Ok(k)) if !k.is_empty() && k.len() <= MAX_KEY => Some(k.to_owned()),
        Some(_) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "bad_idempotency_key",
                "Idempotency-Key 须为 1 至 256 个字符。",
                "The Idempotency-Key must be 1 to 256 characters.",
            )
        }
    };
    let bytes = match tokio::time::timeout(BODY_TIMEOUT, read_body(body)).await {
        Err(_) => {
            let secs = BODY_TIMEOUT.as_secs();
            return refuse(
                StatusCode::REQUEST_TIMEOUT,
                "body_timeout",
                &format!("请求体在 {secs} 秒内未传完。"),
                &format!("The body did not arrive within {secs} s."),
            );
        }
        Ok(Err(r)) => return r,
        Ok(Ok(b)) => b,
    };
    let shared = s.clone();
    match tokio::task::spawn_blocking(move || take(&shared, &bytes, key.as_deref())).await {
        Ok(r) => r,
        Err(e) => store_failed(&anyhow::anyhow!("{e}")),
    }
}

/// The body, read to its end: at most [`MAX_BODY`] bytes (413 past it, with or without a
/// `Content-Length`), 400 when the client's stream breaks.
async fn read_body(body: Body) -> Result<Vec<u8>, Response> {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            refuse(
                StatusCode::BAD_REQUEST,
                "bad_body",
                &format!("请求体未能读完：{e}"),
                &format!("The body could not be read: {e}"),
            )
        })?;
        if out.len() + chunk.len() > MAX_BODY {
            return Err(too_large(None));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

fn too_large(len: Option<u64>) -> Response {
    let (zh, en) = match len {
        Some(n) => (
            format!("记录有 {n} 字节，超过 {MAX_BODY} 字节的上限。"),
            format!("The record is {n} bytes, over the limit of {MAX_BODY} bytes."),
        ),
        None => (
            format!("记录超过 {MAX_BODY} 字节的上限。"),
            format!("The record is over the limit of {MAX_BODY} bytes."),
        ),
    };
    refuse(StatusCode::PAYLOAD_TOO_LARGE, "too_large", &zh, &en)
}

fn store_failed(e: &anyhow::Error) -> Response {
    eprintln!("collect: cannot store a record: {e:#}");
    refuse(
        StatusCode::SERVICE_UNAVAILABLE,
        "store_failed",
        &format!("暂时无法保存记录，请稍后重试：{e:#}"),
        &format!("Cannot store the record now, try again later: {e:#}"),
    )
}

/// The core's checks, then the store (on a blocking thread: both take CPU or disk time).
fn take(s: &Service, body: &[u8], key: Option<&str>) -> Response {
    let got = match s.receiver.check(body) {
        Ok(g) => g,
        Err(r) if r.is_malformed() => return refusal(StatusCode::BAD_REQUEST, &r),
        Err(r) => return refusal(StatusCode::UNPROCESSABLE_ENTITY, &r),
    };
    let rec = &got.record;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as f64)
        .unwrap_or(0.0);
    let received_at = kaoping_core::record::rfc3339(now);
    let new = NewRecord {
        body,
        checksum: &rec.checksum,
        instrument: &rec.instrument,
        plan_version: &rec.plan_version,
        plan_sha256: &rec.plan_sha256,
        unit: got.unit.as_deref(),
        respondent: got.respondent.as_deref(),
        code_hash: got.code_hash.as_deref(),
        idempotency_key: key,
        received_at: &received_at,
    };
    let ok =
        |status: StatusCode, body: serde_json::Value| (status, axum::Json(body)).into_response();
    match s.store.put(&new) {
        Ok(Put::Stored(_)) => ok(StatusCode::CREATED, json!({ "ok": true })),
        Ok(Put::Repeat(_)) => ok(StatusCode::OK, json!({ "ok": true, "repeat": true })),
        Ok(Put::Duplicate) => refusal(StatusCode::CONFLICT, &Receiver::duplicate(rec)),
        Ok(Put::CodeReused) => refusal(StatusCode::CONFLICT, &Receiver::code_reused(rec)),
        Err(e) => store_failed(&e),
    }
}

/// Any other address: 404.
pub async fn not_found() -> Response {
    refuse(
        StatusCode::NOT_FOUND,
        "not_found",
        "没有这个地址。",
        "No such address.",
    )
}

/// A method the address does not take: 405.
pub fn method_not_allowed(allow: &'static str) -> Response {
    let mut r = refuse(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        &format!("此地址只接受 {allow} 请求。"),
        &format!("This address takes {allow} requests only."),
    );
    r.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    r
}
