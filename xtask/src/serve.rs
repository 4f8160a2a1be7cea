//! A small static file server for the site (`target/www/`, see [`crate::web::site`]) on std's `TcpListener` (one thread per connection),
//! plus `POST /api/responses`, the "host" the respondent page delivers submissions to.

use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::{tools, web};

/// Sent on every response. The app must work under it: no inline scripts or styles.
pub const CSP: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; frame-ancestors 'self'; \
base-uri 'self'; form-action 'self'";

const MAX_BODY: usize = 16 * 1024 * 1024;
const MAX_HEAD: usize = 64 * 1024;

/// `cargo xtask serve`.
pub fn run_cli(root: &Path, port: u16, build: bool) -> Result<()> {
    if build {
        tools::ensure(root, tools::Needs::WEB)?;
        web::build(root)?;
    } else {
        // No wasm build, but the site is made afresh from `www/` as it is now.
        tools::ensure(root, tools::Needs::NPM)?;
        web::site(root)?;
    }
    let www = root.join(web::SITE);
    let (handle, port) = start(&www, port)?;
    println!("kaoping is at http://127.0.0.1:{port}/");
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
    start_with(root, port, &received_dir())
}

pub fn start_with(root: &Path, port: u16, received: &Path) -> Result<(JoinHandle<()>, u16)> {
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
}

struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
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
    extra: Vec<(&'static str, String)>,
}

impl Response {
    fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Response {
            status,
            content_type,
            body: body.into(),
            extra: Vec::new(),
        }
    }

    fn text(status: u16, msg: &str) -> Self {
        Response::new(status, "text/plain; charset=utf-8", format!("{msg}\n"))
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
                    let r = Response::text(400, &format!("bad request: {e}"));
                    let _ = write_response(&mut stream, &r, false, true);
                    return Ok(());
                }
            };
            let close = req
                .header("connection")
                .is_some_and(|v| v.eq_ignore_ascii_case("close"));
            let resp = self.handle(&req);
            write_response(&mut stream, &resp, req.method == "HEAD", close)?;
            if close {
                return Ok(());
            }
        }
    }

    fn handle(&self, req: &Request) -> Response {
        let path = req.path.split(['?', '#']).next().unwrap_or("/");
        if path == "/api/responses" {
            return match req.method.as_str() {
                "POST" => self.store_response(&req.body),
                _ => Response::text(405, "method not allowed").with("Allow", "POST"),
            };
        }
        match req.method.as_str() {
            "GET" | "HEAD" => self.file(path),
            _ => Response::text(405, "method not allowed").with("Allow", "GET, HEAD"),
        }
    }

    fn store_response(&self, body: &[u8]) -> Response {
        if let Err(e) = std::str::from_utf8(body)
            .map_err(|e| e.to_string())
            .and_then(|s| serde_json::from_str::<serde_json::Value>(s).map_err(|e| e.to_string()))
        {
            return Response::text(400, &format!("body is not JSON: {e}"));
        }
        match self.save(body) {
            Ok(path) => {
                println!("serve: stored a submission in {}", path.display());
                Response::new(201, "application/json", &b"{\"ok\":true}"[..])
            }
            Err(e) => Response::text(500, &format!("cannot store the submission: {e:#}")),
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

    fn file(&self, url_path: &str) -> Response {
        let Some(rel) = safe_relative_path(url_path) else {
            return Response::text(404, "not found");
        };
        let mut path = self.root.join(&rel);
        if path.is_dir() {
            if !url_path.ends_with('/') {
                // So that relative URLs in the directory's index.html resolve inside it.
                return Response::text(301, "moved").with("Location", format!("{url_path}/"));
            }
            path.push("index.html");
        }
        // Symlinks must not lead out of the root either.
        let Ok(real) = path.canonicalize() else {
            return Response::text(404, "not found");
        };
        if !real.starts_with(&self.root) || !real.is_file() {
            return Response::text(404, "not found");
        }
        match std::fs::read(&real) {
            Ok(body) => Response::new(200, mime_type(&real), body),
            Err(_) => Response::text(404, "not found"),
        }
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
    };
    anyhow::ensure!(
        req.header("transfer-encoding").is_none(),
        "chunked request bodies are not supported"
    );
    if let Some(len) = req.header("content-length") {
        let len: usize = len.parse().context("bad Content-Length")?;
        anyhow::ensure!(len <= MAX_BODY, "request body larger than {MAX_BODY} bytes");
        let mut body = vec![0; len];
        reader.read_exact(&mut body)?;
        req.body = body;
    }
    Ok(Some(req))
}

fn write_response(w: &mut impl Write, r: &Response, head_only: bool, close: bool) -> Result<()> {
    let reason = match r.status {
        200 => "OK",
        201 => "Created",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Internal Server Error",
    };
    let mut head = format!(
        "HTTP/1.1 {} {reason}\r\n\
         Content-Type: {}\r\n\
         Content-Length: {}\r\n\
         Cache-Control: no-cache\r\n\
         Content-Security-Policy: {CSP}\r\n\
         X-Content-Type-Options: nosniff\r\n\
         Referrer-Policy: no-referrer\r\n",
        r.status,
        r.content_type,
        r.body.len(),
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
        let (_h, port) = start_with(&www, 0, &received).unwrap();

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
        }

        let body = r#"{"answers":{"q1":3}}"#;
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
        let r = fetch(port, "DELETE / HTTP/1.1\r\nConnection: close\r\n\r\n");
        assert!(r.starts_with("HTTP/1.1 405"), "{r}");

        // Keep-alive: two requests on one connection.
        let r = fetch(
            port,
            "GET /m.wasm HTTP/1.1\r\n\r\nGET /m.wasm HTTP/1.1\r\nConnection: close\r\n\r\n",
        );
        assert_eq!(r.matches("HTTP/1.1 200 OK").count(), 2, "{r}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
