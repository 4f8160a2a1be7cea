//! A small static file server for the site (`target/www/`, see [`crate::web::site`]) on std's `TcpListener` (one thread per connection),
//! plus `POST /api/responses`, the "host" the respondent page delivers submissions to.
//!
//! It sends the headers docs/deploy.md asks of a deployment: the Content-Security-Policy with
//! `frame-ancestors` ('self' plus `--frame-ancestors`), CORS for the scripts, styles, WASM and the
//! POST for the origins of `--cors-origin`, `Cache-Control: no-cache` (the service worker file
//! above all), and JSON bodies for every 4xx: `{"error": code, "message": {"zh-CN", "en"}}`.
//! Text and WASM files go out brotli- or gzip-compressed when the request's `Accept-Encoding`
//! takes it, from the copies `cargo xtask build-web` wrote beside them ([`compress`]).

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde_json::json;

use crate::{compress, hashed, tools, web};

/// Sent on every response, followed by `frame-ancestors` (see [`Options::csp`]). The app must
/// work under it: no inline scripts or styles. The pages carry the same policy in a `<meta>`
/// (minus `frame-ancestors`, which a meta policy cannot set) as a floor for servers that send none.
pub const CSP: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; \
base-uri 'self'; form-action 'self'";

/// The largest record `POST /api/responses` takes (413 above it). A survey record is a few KB;
/// a review sheet of every unit with a written reason for each score stays far below 1 MiB.
pub const MAX_BODY: usize = 2 * 1024 * 1024;
/// A body over [`MAX_BODY`] up to this size is read and dropped so the client gets its 413 (a
/// connection closed on unread data is reset before the client reads the answer); above it the
/// connection is closed after the 413.
const MAX_DRAIN: usize = 64 * 1024 * 1024;
const MAX_HEAD: usize = 64 * 1024;
/// The idempotency key's (and checksum's) longest accepted form.
const MAX_KEY: usize = 256;

/// What `cargo xtask serve` allows from other origins.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Origins that may frame the pages (`frame-ancestors`, besides `'self'`): the portals
    /// that use `embed.html`.
    pub frame_ancestors: Vec<String>,
    /// Origins whose pages may load the scripts, styles and WASM (the custom element) and POST
    /// records: `Access-Control-Allow-Origin` is sent to them.
    pub cors_origins: Vec<String>,
}

impl Options {
    /// The Content-Security-Policy header: [`CSP`] and `frame-ancestors 'self' ORIGINS…`.
    pub fn csp(&self) -> String {
        let mut csp = format!("{CSP}; frame-ancestors 'self'");
        for o in &self.frame_ancestors {
            csp.push(' ');
            csp.push_str(o);
        }
        csp
    }

    fn allows(&self, origin: Option<&str>) -> Option<String> {
        let origin = origin?;
        self.cors_origins
            .iter()
            .any(|o| o == origin)
            .then(|| origin.to_string())
    }
}

/// A list of origins as `--frame-ancestors` and `--cors-origin` take it (separated by commas or
/// spaces): each `scheme://host[:port]`, http or https, no path.
pub fn parse_origins(flag: &str, list: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for item in list.split([',', ' ']).filter(|s| !s.is_empty()) {
        let o = item.strip_suffix('/').unwrap_or(item);
        let rest = o
            .strip_prefix("https://")
            .or_else(|| o.strip_prefix("http://"));
        let ok = rest.is_some_and(|r| {
            !r.is_empty()
                && !r.starts_with(':')
                && r.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        });
        if !ok {
            bail!(
                "{flag}: {item:?} is not an origin; expected scheme://host[:port] \
                 (http or https, no path), e.g. https://portal.example.gov.cn"
            );
        }
        out.push(o.to_ascii_lowercase());
    }
    if out.is_empty() {
        bail!("{flag} expects at least one origin, e.g. https://portal.example.gov.cn");
    }
    Ok(out)
}

/// `cargo xtask serve`.
pub fn run_cli(root: &Path, port: u16, build: bool, options: Options) -> Result<()> {
    if build {
        tools::ensure(root, tools::Needs::WEB)?;
        web::build(root)?;
    } else {
        // No wasm build, but the site is made afresh from `www/` as it is now.
        tools::ensure(root, tools::Needs::NPM)?;
        web::site(root)?;
    }
    let www = root.join(web::SITE);
    let (handle, port) = start_with(&www, port, &received_dir(), options.clone())?;
    println!("kaoping is at http://127.0.0.1:{port}/");
    println!("Content-Security-Policy: {}", options.csp());
    if !options.cors_origins.is_empty() {
        println!("CORS allowed for: {}", options.cors_origins.join(" "));
    }
    println!(
        "(serving {}; submissions go to target/received/; Ctrl-C to stop)",
        www.display()
    );
    handle
        .join()
        .map_err(|_| anyhow::anyhow!("the server thread panicked"))
}

/// Where `POST /api/responses` stores bodies: `<workspace>/target/received/`.
pub fn received_dir() -> PathBuf {
    crate::project_root().join("target/received")
}

/// Start serving `root` on 127.0.0.1:`port` (0 = any free port) in a background thread.
/// Returns the accept loop's handle and the port actually bound.
pub fn start(root: &Path, port: u16) -> Result<(JoinHandle<()>, u16)> {
    start_with(root, port, &received_dir(), Options::default())
}

/// [`start`] storing submissions in `received`, with `options`.
pub fn start_with(
    root: &Path,
    port: u16,
    received: &Path,
    options: Options,
) -> Result<(JoinHandle<()>, u16)> {
    let root = root
        .canonicalize()
        .with_context(|| format!("cannot serve {}: no such directory", root.display()))?;
    let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
        .with_context(|| format!("cannot listen on 127.0.0.1:{port}"))?;
    let port = listener.local_addr()?.port();
    let site = Arc::new(Site {
        root,
        received: received.to_path_buf(),
        counter: AtomicU64::new(0),
        keys: Mutex::new(stored_keys(received)),
        csp: options.csp(),
        options,
    });
    let handle = std::thread::Builder::new()
        .name("xtask-serve".into())
        .spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let site = Arc::clone(&site);
                let _ = std::thread::Builder::new()
                    .name("xtask-conn".into())
                    .spawn(move || {
                        if let Err(e) = site.connection(stream) {
                            eprintln!("serve: {e:#}");
                        }
                    });
            }
        })
        .context("cannot spawn the server thread")?;
    Ok((handle, port))
}

struct Site {
    root: PathBuf,
    received: PathBuf,
    counter: AtomicU64,
    /// The idempotency keys (`checksum:…` and `key:…`) of the records stored, so a repeat is
    /// answered 200 and not stored again. Held while a record is checked and written.
    keys: Mutex<HashSet<String>>,
    csp: String,
    options: Options,
}

/// The checksums of the records already in `received` (from earlier runs), so a record is
/// stored once across restarts too.
fn stored_keys(received: &Path) -> HashSet<String> {
    let mut keys = HashSet::new();
    let Ok(entries) = std::fs::read_dir(received) else {
        return keys;
    };
    for entry in entries.flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        if let Some(sum) = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("checksum")?.as_str().map(str::to_string))
        {
            keys.insert(format!("checksum:{sum}"));
        }
    }
    keys
}

struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// The declared length of a body over [`MAX_BODY`] (not kept).
    too_large: Option<usize>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

struct Response {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    /// `Cache-Control`: [`hashed::REVALIDATE`] but for a file named by its content.
    cache: &'static str,
    extra: Vec<(&'static str, String)>,
}

impl Response {
    fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Response {
            status,
            content_type,
            body: body.into(),
            cache: hashed::REVALIDATE,
            extra: Vec::new(),
        }
    }

    /// A 4xx (or 5xx) as JSON: `{"error": code, "message": {"zh-CN": …, "en": …}}`; pages
    /// show `message[lang]`.
    fn error(status: u16, code: &str, zh: &str, en: &str) -> Self {
        let body = json!({ "error": code, "message": { "zh-CN": zh, "en": en } });
        Response::new(status, "application/json; charset=utf-8", body.to_string())
    }

    fn not_found() -> Self {
        Response::error(404, "not_found", "找不到该文件。", "No such file.")
    }

    fn method_not_allowed(allow: &'static str) -> Self {
        Response::error(
            405,
            "method_not_allowed",
            &format!("此地址只接受 {allow} 请求。"),
            &format!("This address takes {allow} requests only."),
        )
        .with("Allow", allow)
    }

    fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.extra.push((name, value.into()));
        self
    }
}

impl Site {
    fn connection(&self, stream: TcpStream) -> Result<()> {
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut stream = stream;
        // Keep-alive: serve requests on this connection until the client closes it.
        loop {
            let req = match read_request(&mut reader) {
                Ok(Some(req)) => req,
                Ok(None) => return Ok(()),
                Err(e) => {
                    let r = Response::error(
                        400,
                        "bad_request",
                        &format!("请求格式不正确：{e}"),
                        &format!("Malformed request: {e}"),
                    );
                    let _ = write_response(&mut stream, &r, &self.csp, false, true);
                    return Ok(());
                }
            };
            // After a body that was not read whole, the connection cannot be used again.
            let close = req.too_large.is_some_and(|n| n > MAX_DRAIN)
                || req
                    .header("connection")
                    .is_some_and(|v| v.eq_ignore_ascii_case("close"));
            let resp = self.handle(&req);
            write_response(&mut stream, &resp, &self.csp, req.method == "HEAD", close)?;
            if close {
                return Ok(());
            }
        }
    }

    fn handle(&self, req: &Request) -> Response {
        let path = req.path.split(['?', '#']).next().unwrap_or("/");
        let allowed = self.options.allows(req.header("origin"));
        if path == "/api/responses" {
            let resp = match req.method.as_str() {
                "POST" => self.store_response(req),
                "OPTIONS" => return self.preflight(req, allowed),
                _ => Response::method_not_allowed("POST"),
            };
            return cors(resp, allowed);
        }
        match req.method.as_str() {
            "GET" | "HEAD" => {
                let resp = self.file(
                    path,
                    req.header("accept-encoding"),
                    req.header("if-none-match"),
                );
                // The custom element on a portal loads these from here (module scripts, the
                // WASM and fetch() go in CORS mode).
                if matches!(
                    path.rsplit_once('.').map(|(_, e)| e),
                    Some("js" | "mjs" | "css" | "wasm" | "json")
                ) {
                    cors(resp, allowed)
                } else {
                    resp
                }
            }
            _ => Response::method_not_allowed("GET, HEAD"),
        }
    }

    /// `OPTIONS /api/responses`: the preflight of a cross-origin POST with a JSON body and an
    /// `Idempotency-Key`.
    fn preflight(&self, req: &Request, allowed: Option<String>) -> Response {
        let Some(origin) = allowed else {
            let origin = req.header("origin").unwrap_or("(none)");
            return Response::error(
                403,
                "origin_not_allowed",
                &format!("来源 {origin} 不在允许列表（--cors-origin）中。"),
                &format!("The origin {origin} is not allowed (--cors-origin)."),
            )
            .with("Vary", "Origin");
        };
        Response::new(204, "text/plain; charset=utf-8", Vec::new())
            .with("Access-Control-Allow-Origin", origin)
            .with("Access-Control-Allow-Methods", "POST")
            .with(
                "Access-Control-Allow-Headers",
                "Content-Type, Idempotency-Key",
            )
            .with("Access-Control-Max-Age", "600")
            .with("Vary", "Origin")
    }

    /// `POST /api/responses`: 201 when stored, 200 for a record already held (same `checksum`
    /// or same `Idempotency-Key`; stored once), 400 for a body that is not JSON or has no
    /// checksum, 413 over [`MAX_BODY`].
    fn store_response(&self, req: &Request) -> Response {
        if let Some(len) = req.too_large {
            return Response::error(
                413,
                "too_large",
                &format!("记录有 {len} 字节，超过 {MAX_BODY} 字节的上限。"),
                &format!("The record is {len} bytes, over the limit of {MAX_BODY} bytes."),
            );
        }
        let value = match std::str::from_utf8(&req.body)
            .map_err(|e| e.to_string())
            .and_then(|s| serde_json::from_str::<serde_json::Value>(s).map_err(|e| e.to_string()))
        {
            Ok(v) => v,
            Err(e) => {
                return Response::error(
                    400,
                    "not_json",
                    &format!("请求体不是 JSON：{e}"),
                    &format!("The body is not JSON: {e}"),
                )
            }
        };
        let checksum = value.get("checksum").and_then(|c| c.as_str());
        let Some(checksum) = checksum.filter(|c| !c.is_empty() && c.len() <= MAX_KEY) else {
            return Response::error(
                400,
                "no_checksum",
                "记录缺少 checksum 字段（不超过 256 个字符的字符串）。",
                "The record has no checksum field (a string of at most 256 characters).",
            );
        };
        let header_key = req.header("idempotency-key");
        if header_key.is_some_and(|k| k.is_empty() || k.len() > MAX_KEY) {
            return Response::error(
                400,
                "bad_idempotency_key",
                "Idempotency-Key 须为 1 至 256 个字符。",
                "The Idempotency-Key must be 1 to 256 characters.",
            );
        }
        let keys = [
            Some(format!("checksum:{checksum}")),
            header_key.map(|k| format!("key:{k}")),
        ];
        let mut held = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        if keys.iter().flatten().any(|k| held.contains(k)) {
            return Response::new(
                200,
                "application/json",
                json!({ "ok": true, "repeat": true }).to_string(),
            );
        }
        match self.save(&req.body) {
            Ok(path) => {
                held.extend(keys.into_iter().flatten());
                println!("serve: stored a submission in {}", path.display());
                Response::new(201, "application/json", json!({ "ok": true }).to_string())
            }
            Err(e) => Response::error(
                500,
                "store_failed",
                &format!("无法保存记录：{e:#}"),
                &format!("Cannot store the record: {e:#}"),
            ),
        }
    }

    fn save(&self, body: &[u8]) -> Result<PathBuf> {
        std::fs::create_dir_all(&self.received)
            .with_context(|| format!("cannot create {}", self.received.display()))?;
        loop {
            let n = self.counter.fetch_add(1, Ordering::SeqCst) + 1;
            let path = self.received.join(format!("{n}.json"));
            // create_new: never overwrite what an earlier run stored.
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    f.write_all(body)?;
                    return Ok(path);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(e).with_context(|| format!("cannot write {}", path.display()))
                }
            }
        }
    }

    /// The file at `url_path`; for a compressible one, its precompressed copy (`F.br`, `F.gz`,
    /// from [`compress::precompress`]) in the best coding `accept` (`Accept-Encoding`) takes,
    /// with `Content-Encoding`, and `Vary: Accept-Encoding` either way. Cached as its name says
    /// ([`hashed::cache_control`]), with an `ETag`; a 304 without a body when `if_none_match`
    /// names it.
    fn file(&self, url_path: &str, accept: Option<&str>, if_none_match: Option<&str>) -> Response {
        let Some(rel) = safe_relative_path(url_path) else {
            return Response::not_found();
        };
        let mut path = self.root.join(&rel);
        if path.is_dir() {
            if !url_path.ends_with('/') {
                // So that relative URLs in the directory's index.html resolve inside it.
                return Response::new(301, "text/plain; charset=utf-8", "moved\n")
                    .with("Location", format!("{url_path}/"));
            }
            path.push("index.html");
        }
        // Symlinks must not lead out of the root either.
        let Ok(real) = path.canonicalize() else {
            return Response::not_found();
        };
        if !real.starts_with(&self.root) || !real.is_file() {
            return Response::not_found();
        }
        let kind = mime_type(&real);
        let mut sent = (real.clone(), None);
        if compress::compressible(&real) {
            for e in compress::negotiate(accept) {
                let mut copy = real.clone().into_os_string();
                copy.push(e.suffix());
                let copy = PathBuf::from(copy);
                if copy.is_file() {
                    sent = (copy, Some(e));
                    break;
                }
            }
        }
        let (file, encoding) = sent;
        let Some(tag) = etag(&file) else {
            return Response::not_found();
        };
        let resp = if if_none_match.is_some_and(|v| matches_etag(v, &tag)) {
            Response::new(304, kind, Vec::new())
        } else {
            match std::fs::read(&file) {
                Ok(body) => Response::new(200, kind, body),
                Err(_) => return Response::not_found(),
            }
        };
        let mut resp = resp.with("ETag", tag);
        resp.cache = hashed::cache_control(url_path);
        if let Some(e) = encoding {
            resp = resp.with("Content-Encoding", e.token());
        }
        if compress::compressible(&real) {
            resp = resp.with("Vary", "Accept-Encoding");
        }
        resp
    }
}

/// A strong validator of the file as it is on disk: its length and modification time (each
/// precompressed copy is a file of its own, so each coding has its own tag).
fn etag(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    Some(format!("\"{:x}-{mtime:x}\"", meta.len()))
}

/// Whether an `If-None-Match` value (`*` or a list of tags, weak or not) names `tag`.
fn matches_etag(header: &str, tag: &str) -> bool {
    header
        .split(',')
        .map(str::trim)
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == tag)
}

/// `resp` with `Access-Control-Allow-Origin` for an allowed origin, and `Vary: Origin` either way
/// (the answer depends on the Origin header, so no cache may hand one origin's copy to another).
fn cors(resp: Response, allowed: Option<String>) -> Response {
    let resp = resp.with("Vary", "Origin");
    match allowed {
        Some(origin) => resp.with("Access-Control-Allow-Origin", origin),
        None => resp,
    }
}

/// The URL path as a relative filesystem path, or `None` for anything that could escape the
/// root (`..`, absolute components, backslashes, NUL) or is not valid percent-encoded UTF-8.
fn safe_relative_path(url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    if decoded.contains('\\') || decoded.contains('\0') || !decoded.starts_with('/') {
        return None;
    }
    let mut out = PathBuf::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => {
                let mut comps = Path::new(s).components();
                match (comps.next(), comps.next()) {
                    (Some(Component::Normal(_)), None) => out.push(s),
                    _ => return None,
                }
            }
        }
    }
    Some(out)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

pub fn mime_type(path: &Path) -> &'static str {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("webmanifest") => "application/manifest+json",
        Some("wasm") => "application/wasm",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("ttf") => "font/ttf",
        Some("otf") => "font/otf",
        Some("txt" | "md" | "ts") => "text/plain; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("xml") => "application/xml",
        _ => "application/octet-stream",
    }
}

fn read_request(reader: &mut impl BufRead) -> Result<Option<Request>> {
    let mut line = String::new();
    let mut head_len = 0;
    // Tolerate blank lines before a request line (RFC 9112 §2.2).
    loop {
        line.clear();
        let n = reader.read_line(&mut line)?;
        if n == 0 {
            return Ok(None);
        }
        head_len += n;
        if !line.trim().is_empty() {
            break;
        }
        anyhow::ensure!(head_len < MAX_HEAD, "request head too large");
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(path), Some(_version)) = (parts.next(), parts.next(), parts.next())
    else {
        anyhow::bail!("malformed request line {:?}", line.trim_end());
    };
    let (method, path) = (method.to_string(), path.to_string());
    let mut headers = Vec::new();
    loop {
        line.clear();
        let n = reader.read_line(&mut line)?;
        anyhow::ensure!(n > 0, "connection closed inside the request head");
        head_len += n;
        anyhow::ensure!(head_len < MAX_HEAD, "request head too large");
        let l = line.trim_end_matches(['\r', '\n']);
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let mut req = Request {
        method,
        path,
        headers,
        body: Vec::new(),
        too_large: None,
    };
    anyhow::ensure!(
        req.header("transfer-encoding").is_none(),
        "chunked request bodies are not supported"
    );
    if let Some(len) = req.header("content-length") {
        let len: usize = len.parse().context("bad Content-Length")?;
        if len > MAX_BODY {
            req.too_large = Some(len);
            if len <= MAX_DRAIN {
                std::io::copy(&mut reader.take(len as u64), &mut std::io::sink())?;
            }
        } else {
            let mut body = vec![0; len];
            reader.read_exact(&mut body)?;
            req.body = body;
        }
    }
    Ok(Some(req))
}

fn write_response(
    w: &mut impl Write,
    r: &Response,
    csp: &str,
    head_only: bool,
    close: bool,
) -> Result<()> {
    let reason = match r.status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        _ => "Internal Server Error",
    };
    // no-cache on everything but the files named by their content, the service worker file
    // (sw.js) above all: the browser asks again each time (a 304 when its ETag still holds).
    // A 304 has no body and no Content-Length (it would have to be the stored body's).
    let length = if r.status == 304 {
        String::new()
    } else {
        format!("Content-Length: {}\r\n", r.body.len())
    };
    let mut head = format!(
        "HTTP/1.1 {} {reason}\r\n\
         Content-Type: {}\r\n\
         {length}\
         Cache-Control: {}\r\n\
         Content-Security-Policy: {csp}\r\n\
         X-Content-Type-Options: nosniff\r\n\
         Referrer-Policy: no-referrer\r\n",
        r.status, r.content_type, r.cache,
    );
    for (k, v) in &r.extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    w.write_all(head.as_bytes())?;
    if !head_only {
        w.write_all(&r.body)?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn rejects_traversal() {
        for p in [
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/etc/passwd",
            "/a/%2E%2E/%2e%2e/x",
            "/..%2fetc",
            "/a\\..\\b",
            "/%00",
            "/%zz",
            "relative",
        ] {
            assert_eq!(safe_relative_path(p), None, "{p}");
        }
        assert_eq!(safe_relative_path("/"), Some(PathBuf::new()));
        assert_eq!(
            safe_relative_path("/pkg/./kaoping_wasm.js"),
            Some(PathBuf::from("pkg/kaoping_wasm.js"))
        );
        assert_eq!(
            safe_relative_path("/a%20b.html"),
            Some(PathBuf::from("a b.html"))
        );
    }

    #[test]
    fn mime_types() {
        assert_eq!(mime_type(Path::new("x/k_bg.wasm")), "application/wasm");
        assert_eq!(
            mime_type(Path::new("a.mjs")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            mime_type(Path::new("m.webmanifest")),
            "application/manifest+json"
        );
        assert_eq!(mime_type(Path::new("noext")), "application/octet-stream");
    }

    fn fetch(port: u16, raw: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(raw.as_bytes()).unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn serves_files_and_stores_submissions() {
        let dir = std::env::temp_dir().join(format!("xtask-serve-test-{}", std::process::id()));
        let www = dir.join("www");
        std::fs::create_dir_all(www.join("sub")).unwrap();
        std::fs::write(www.join("index.html"), "<!doctype html><title>t</title>").unwrap();
        std::fs::write(www.join("sub/index.html"), "sub").unwrap();
        std::fs::write(www.join("m.wasm"), b"\0asm").unwrap();
        std::fs::write(dir.join("secret.txt"), "no").unwrap();
        let received = dir.join("received");
        let (_h, port) = start_with(&www, 0, &received, Options::default()).unwrap();

        let r = fetch(
            port,
            "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        );
        assert!(r.starts_with("HTTP/1.1 200 OK\r\n"), "{r}");
        assert!(r.contains("Content-Type: text/html"), "{r}");
        assert!(
            r.contains("Content-Security-Policy: default-src 'self'"),
            "{r}"
        );
        assert!(r.contains("; frame-ancestors 'self'\r\n"), "{r}");
        assert!(r.contains("Cache-Control: no-cache"), "{r}");
        assert!(r.ends_with("<title>t</title>"), "{r}");

        let r = fetch(port, "HEAD /m.wasm HTTP/1.1\r\nConnection: close\r\n\r\n");
        assert!(r.contains("Content-Type: application/wasm\r\n"), "{r}");
        assert!(r.contains("Content-Length: 4\r\n"), "{r}");
        assert!(r.ends_with("\r\n\r\n"), "HEAD has no body: {r}");

        let r = fetch(port, "GET /sub HTTP/1.1\r\nConnection: close\r\n\r\n");
        assert!(
            r.starts_with("HTTP/1.1 301") && r.contains("Location: /sub/\r\n"),
            "{r}"
        );
        let r = fetch(port, "GET /sub/ HTTP/1.1\r\nConnection: close\r\n\r\n");
        assert!(r.ends_with("sub"), "{r}");

        for bad in ["/../secret.txt", "/%2e%2e/secret.txt", "/nope.js"] {
            let r = fetch(
                port,
                &format!("GET {bad} HTTP/1.1\r\nConnection: close\r\n\r\n"),
            );
            assert!(r.starts_with("HTTP/1.1 404"), "{bad}: {r}");
            assert!(r.ends_with(r#"{"error":"not_found","message":{"en":"No such file.","zh-CN":"找不到该文件。"}}"#), "{bad}: {r}");
        }

        let body = r#"{"answers":{"q1":3},"checksum":"abc"}"#;
        let r = fetch(
            port,
            &format!(
                "POST /api/responses HTTP/1.1\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            ),
        );
        assert!(r.starts_with("HTTP/1.1 201 Created"), "{r}");
        assert!(r.ends_with(r#"{"ok":true}"#), "{r}");
        assert_eq!(
            std::fs::read_to_string(received.join("1.json")).unwrap(),
            body
        );

        let r = fetch(
            port,
            "POST /api/responses HTTP/1.1\r\nContent-Length: 3\r\nConnection: close\r\n\r\nnot",
        );
        assert!(r.starts_with("HTTP/1.1 400"), "{r}");
        assert!(r.contains("Content-Type: application/json"), "{r}");
        assert!(r.contains(r#""error":"not_json""#), "{r}");
        let r = fetch(port, "DELETE / HTTP/1.1\r\nConnection: close\r\n\r\n");
        assert!(r.starts_with("HTTP/1.1 405"), "{r}");
        assert!(r.contains(r#""error":"method_not_allowed""#), "{r}");

        // Keep-alive: two requests on one connection.
        let r = fetch(
            port,
            "GET /m.wasm HTTP/1.1\r\n\r\nGET /m.wasm HTTP/1.1\r\nConnection: close\r\n\r\n",
        );
        assert_eq!(r.matches("HTTP/1.1 200 OK").count(), 2, "{r}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The head (as text) and the body (as bytes) of one answer.
    fn fetch_bytes(port: u16, raw: &str) -> (String, Vec<u8>) {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(raw.as_bytes()).unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).unwrap();
        let at = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        let body = out.split_off(at);
        (String::from_utf8(out).unwrap(), body)
    }

    #[test]
    fn sends_the_precompressed_copy_the_request_takes() {
        let (dir, www) = temp_site("encoding");
        let text = "export const x = 1;\n".repeat(400);
        std::fs::write(www.join("js/app.js"), &text).unwrap();
        crate::compress::precompress(&www).unwrap();
        let (_h, port) = start_with(&www, 0, &dir.join("received"), Options::default()).unwrap();
        let get = |accept: &str| {
            fetch_bytes(
                port,
                &format!("GET /js/app.js HTTP/1.1\r\n{accept}Connection: close\r\n\r\n"),
            )
        };
        let (head, body) = get("Accept-Encoding: gzip, deflate, br\r\n");
        assert!(head.contains("Content-Encoding: br\r\n"), "{head}");
        assert!(head.contains("Vary: Accept-Encoding\r\n"), "{head}");
        assert!(head.contains("Content-Type: text/javascript"), "{head}");
        assert!(
            head.contains(&format!("Content-Length: {}\r\n", body.len())),
            "{head}"
        );
        assert!(
            head.contains("Content-Security-Policy: default-src"),
            "{head}"
        );
        assert!(head.contains("Cache-Control: no-cache"), "{head}");
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &body[..], &mut back).unwrap();
        assert_eq!(back, text.as_bytes());

        let (head, body) = get("Accept-Encoding: gzip, br;q=0\r\n");
        assert!(head.contains("Content-Encoding: gzip\r\n"), "{head}");
        let mut back = String::new();
        flate2::read::GzDecoder::new(&body[..])
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, text);

        for accept in ["", "Accept-Encoding: identity\r\n"] {
            let (head, body) = get(accept);
            assert!(!head.contains("Content-Encoding"), "{accept}: {head}");
            assert!(head.contains("Vary: Accept-Encoding\r\n"), "{head}");
            assert_eq!(body, text.as_bytes());
        }
        // No copy (too small to gain): sent as it is, whatever the request takes.
        let (head, body) = fetch_bytes(
            port,
            "GET /js/embed.js HTTP/1.1\r\nAccept-Encoding: br, gzip\r\nConnection: close\r\n\r\n",
        );
        assert!(!head.contains("Content-Encoding"), "{head}");
        assert_eq!(body, b"export {};");
        // HEAD: the copy's length, no body.
        let (head, body) = fetch_bytes(
            port,
            "HEAD /js/app.js HTTP/1.1\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n",
        );
        let gz = std::fs::read(www.join("js/app.js.gz")).unwrap();
        assert!(
            head.contains(&format!("Content-Length: {}\r\n", gz.len())),
            "{head}"
        );
        assert!(body.is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The value of the header `name` in a response head.
    fn header_of<'a>(head: &'a str, name: &str) -> Option<&'a str> {
        head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    #[test]
    fn hashed_files_are_cached_for_a_year_the_rest_revalidated() {
        let (dir, www) = temp_site("cache");
        std::fs::create_dir_all(www.join("pkg")).unwrap();
        let hashed = "/pkg/kaoping_wasm.0123456789ab.js";
        std::fs::write(www.join(&hashed[1..]), "export const y = 2;\n".repeat(400)).unwrap();
        crate::compress::precompress(&www).unwrap();
        let (_h, port) = start_with(&www, 0, &dir.join("received"), Options::default()).unwrap();
        let get = |path: &str, extra: &str| {
            fetch_bytes(
                port,
                &format!("GET {path} HTTP/1.1\r\n{extra}Connection: close\r\n\r\n"),
            )
        };
        let mut tags = Vec::new();
        for accept in ["", "Accept-Encoding: gzip\r\n", "Accept-Encoding: br\r\n"] {
            let (head, body) = get(hashed, accept);
            assert!(head.starts_with("HTTP/1.1 200"), "{head}");
            assert_eq!(
                header_of(&head, "cache-control"),
                Some("public, max-age=31536000, immutable"),
                "{head}"
            );
            assert_eq!(header_of(&head, "vary"), Some("Accept-Encoding"), "{head}");
            let tag = header_of(&head, "etag").expect("an ETag").to_string();
            assert!(!body.is_empty());
            let (again, body) = get(hashed, &format!("{accept}If-None-Match: {tag}\r\n"));
            assert!(
                again.starts_with("HTTP/1.1 304 Not Modified\r\n"),
                "{again}"
            );
            assert!(
                body.is_empty() && header_of(&again, "content-length").is_none(),
                "{again}"
            );
            assert_eq!(header_of(&again, "etag"), Some(tag.as_str()));
            tags.push(tag);
        }
        tags.dedup();
        assert_eq!(tags.len(), 3, "one tag per coding: {tags:?}");

        for page in ["/embed.html", "/js/embed.js"] {
            let (head, _) = get(page, "");
            assert_eq!(
                header_of(&head, "cache-control"),
                Some("no-cache"),
                "{head}"
            );
            let tag = header_of(&head, "etag").expect("an ETag").to_string();
            let (again, _) = get(page, &format!("If-None-Match: \"other\", W/{tag}\r\n"));
            assert!(again.starts_with("HTTP/1.1 304"), "{again}");
            let (other, body) = get(page, "If-None-Match: \"other\"\r\n");
            assert!(
                other.starts_with("HTTP/1.1 200") && !body.is_empty(),
                "{other}"
            );
        }
        // A changed file is another tag.
        let (head, _) = get("/embed.html", "");
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(www.join("embed.html"), "<!doctype html><p>new").unwrap();
        let (again, _) = get("/embed.html", "");
        assert_ne!(header_of(&head, "etag"), header_of(&again, "etag"));
        // Not a file: no validators, and not cached for long.
        let (head, _) = get("/nope.js", "");
        assert!(head.starts_with("HTTP/1.1 404") && header_of(&head, "etag").is_none());
        assert_eq!(header_of(&head, "cache-control"), Some("no-cache"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn post(port: u16, body: &str, extra: &str) -> String {
        fetch(
            port,
            &format!(
                "POST /api/responses HTTP/1.1\r\nContent-Type: application/json\r\n{extra}\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            ),
        )
    }

    fn temp_site(name: &str) -> (PathBuf, PathBuf) {
        let dir = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let www = dir.join("www");
        std::fs::create_dir_all(www.join("js")).unwrap();
        std::fs::write(www.join("js/embed.js"), "export {};").unwrap();
        std::fs::write(www.join("k.wasm"), b"\0asm").unwrap();
        std::fs::write(www.join("embed.html"), "<!doctype html>").unwrap();
        (dir, www)
    }

    fn count_files(dir: &Path) -> usize {
        std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
    }

    #[test]
    fn a_record_is_stored_once() {
        let (dir, www) = temp_site("idem");
        let received = dir.join("received");
        // A record stored by an earlier run counts as held.
        std::fs::create_dir_all(&received).unwrap();
        std::fs::write(received.join("7.json"), r#"{"checksum":"old"}"#).unwrap();
        let (_h, port) = start_with(&www, 0, &received, Options::default()).unwrap();

        let rec = r#"{"answers":{},"checksum":"c1"}"#;
        assert!(post(port, rec, "").starts_with("HTTP/1.1 201 Created"));
        let r = post(port, rec, "");
        assert!(r.starts_with("HTTP/1.1 200 OK"), "{r}");
        assert!(r.ends_with(r#"{"ok":true,"repeat":true}"#), "{r}");
        assert!(post(port, r#"{"checksum":"old"}"#, "").starts_with("HTTP/1.1 200 OK"));
        assert_eq!(count_files(&received), 2);

        // The Idempotency-Key header: a second body under the same key is a repeat too.
        let k = "Idempotency-Key: k-1\r\n";
        assert!(post(port, r#"{"checksum":"c2"}"#, k).starts_with("HTTP/1.1 201"));
        assert!(post(port, r#"{"checksum":"c3"}"#, k).starts_with("HTTP/1.1 200"));
        assert_eq!(count_files(&received), 3);

        // Ten at once with one checksum: one 201, nine 200, one file.
        let answers: Vec<String> = (0..10)
            .map(|_| std::thread::spawn(move || post(port, r#"{"checksum":"c4"}"#, "")))
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect();
        let created = answers
            .iter()
            .filter(|r| r.starts_with("HTTP/1.1 201"))
            .count();
        let repeats = answers
            .iter()
            .filter(|r| r.starts_with("HTTP/1.1 200"))
            .count();
        assert_eq!((created, repeats), (1, 9), "{answers:?}");
        assert_eq!(count_files(&received), 4);

        for (body, code) in [
            (r#"{"answers":{}}"#, "no_checksum"),
            (r#"{"checksum":""}"#, "no_checksum"),
            (r#"{"checksum":7}"#, "no_checksum"),
            ("[1,2", "not_json"),
        ] {
            let r = post(port, body, "");
            assert!(r.starts_with("HTTP/1.1 400"), "{body}: {r}");
            let json = r.split("\r\n\r\n").nth(1).unwrap();
            let v: serde_json::Value = serde_json::from_str(json).unwrap();
            assert_eq!(v["error"], code, "{body}");
            assert!(v["message"]["zh-CN"]
                .as_str()
                .is_some_and(|m| !m.is_empty()));
            assert!(v["message"]["en"].as_str().is_some_and(|m| !m.is_empty()));
        }
        assert_eq!(count_files(&received), 4);

        // Over the limit: 413 with its JSON reason, after the body was read.
        let big = format!(r#"{{"checksum":"big","pad":"{}"}}"#, "x".repeat(MAX_BODY));
        let r = post(port, &big, "");
        assert!(r.starts_with("HTTP/1.1 413"), "{}", &r[..200.min(r.len())]);
        assert!(r.contains(r#""error":"too_large""#), "{r}");
        assert_eq!(count_files(&received), 4);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn cross_origin_headers() {
        let (dir, www) = temp_site("cors");
        let portal = "http://localhost:9999";
        let options = Options {
            frame_ancestors: vec![portal.into()],
            cors_origins: vec![portal.into()],
        };
        let (_h, port) = start_with(&www, 0, &dir.join("received"), options).unwrap();
        let get = |path: &str, origin: &str| {
            fetch(
                port,
                &format!("GET {path} HTTP/1.1\r\nOrigin: {origin}\r\nConnection: close\r\n\r\n"),
            )
        };

        let r = get("/embed.html", portal);
        assert!(
            r.contains("; frame-ancestors 'self' http://localhost:9999\r\n"),
            "{r}"
        );
        assert!(
            !r.contains("Access-Control-Allow-Origin"),
            "pages need no CORS: {r}"
        );
        for path in ["/js/embed.js", "/k.wasm"] {
            let r = get(path, portal);
            assert!(
                r.contains("Access-Control-Allow-Origin: http://localhost:9999\r\n"),
                "{r}"
            );
            assert!(r.contains("Vary: Origin\r\n"), "{r}");
            let r = get(path, "http://evil.example");
            assert!(!r.contains("Access-Control-Allow-Origin"), "{r}");
            assert!(r.contains("Vary: Origin\r\n"), "{r}");
        }

        let preflight = |origin: &str| {
            fetch(
                port,
                &format!(
                    "OPTIONS /api/responses HTTP/1.1\r\nOrigin: {origin}\r\n\
                     Access-Control-Request-Method: POST\r\n\
                     Access-Control-Request-Headers: content-type, idempotency-key\r\n\
                     Connection: close\r\n\r\n"
                ),
            )
        };
        let r = preflight(portal);
        assert!(r.starts_with("HTTP/1.1 204"), "{r}");
        assert!(
            r.contains("Access-Control-Allow-Origin: http://localhost:9999\r\n"),
            "{r}"
        );
        assert!(r.contains("Access-Control-Allow-Methods: POST\r\n"), "{r}");
        assert!(
            r.contains("Access-Control-Allow-Headers: Content-Type, Idempotency-Key\r\n"),
            "{r}"
        );
        let r = preflight("http://evil.example");
        assert!(r.starts_with("HTTP/1.1 403"), "{r}");
        assert!(!r.contains("Access-Control-Allow-Origin"), "{r}");

        let r = post(
            port,
            r#"{"checksum":"x"}"#,
            &format!("Origin: {portal}\r\n"),
        );
        assert!(r.starts_with("HTTP/1.1 201"), "{r}");
        assert!(
            r.contains("Access-Control-Allow-Origin: http://localhost:9999\r\n"),
            "{r}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn origin_lists() {
        assert_eq!(
            parse_origins("--cors-origin", "https://a.example, http://b.example:8080/").unwrap(),
            ["https://a.example", "http://b.example:8080"]
        );
        for bad in [
            "",
            "a.example",
            "https://a.example/path",
            "ftp://a",
            "https://",
            "*",
        ] {
            let e = parse_origins("--cors-origin", bad).unwrap_err().to_string();
            assert!(e.starts_with("--cors-origin"), "{bad}: {e}");
        }
        assert_eq!(
            Options::default().csp(),
            format!("{CSP}; frame-ancestors 'self'")
        );
    }

    /// Every page carries the server's policy in a meta tag (minus frame-ancestors, which a meta
    /// policy cannot set), so a server that sends no CSP still has this floor.
    #[test]
    fn every_page_has_the_meta_policy() {
        let www = crate::project_root().join("www");
        let tag = format!(r#"<meta http-equiv="Content-Security-Policy" content="{CSP}">"#);
        let mut pages = 0;
        for entry in std::fs::read_dir(&www).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("html") {
                continue;
            }
            let html = std::fs::read_to_string(&path).unwrap();
            let at = html
                .find(&tag)
                .unwrap_or_else(|| panic!("{}: no {tag}", path.display()));
            // Before anything it governs.
            for first in ["<script", "<link", "<style"] {
                assert!(
                    html.find(first).is_none_or(|i| i > at),
                    "{}",
                    path.display()
                );
            }
            pages += 1;
        }
        assert!(pages >= 9, "{pages} pages");
    }

    /// The deployment recipe's snippets send this server's policy, so the doc cannot drift
    /// from what the tests run under.
    #[test]
    fn the_deploy_snippets_send_this_policy() {
        let doc = std::fs::read_to_string(crate::project_root().join("docs/deploy.md")).unwrap();
        let policy = format!("{CSP}; frame-ancestors 'self' https://www.example.gov.cn");
        for (block, line) in [
            (
                "```nginx\n",
                format!(r#"add_header Content-Security-Policy "{policy}" always;"#),
            ),
            (
                "```caddyfile\n",
                format!(r#"Content-Security-Policy "{policy}""#),
            ),
        ] {
            let start = doc.find(block).unwrap_or_else(|| panic!("no {block}")) + block.len();
            let snippet = &doc[start..start + doc[start..].find("```").unwrap()];
            assert!(snippet.contains(&line), "{block}: no {line}");
            for needle in [
                "Access-Control-Allow-Origin",
                "Content-Type, Idempotency-Key",
                "Cache-Control",
                "\"no-cache\"",
                hashed::IMMUTABLE,
                "[0-9a-f]{12}\\.(js|wasm)$",
                "X-Content-Type-Options nosniff",
                "Referrer-Policy no-referrer",
                "Vary Origin",
            ] {
                assert!(snippet.contains(needle), "{block}: no {needle}");
            }
        }
    }
}
