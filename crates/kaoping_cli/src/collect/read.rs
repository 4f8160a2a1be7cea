//! The office's side: `GET /api/records` (JSON Lines, behind the office token), and the files
//! `kaoping collect export` and `kaoping collect backup` write.
//!
//! Each record goes out as the bytes received, on one line: a JSON text has line breaks only
//! between its tokens (inside a string they are escaped), so each `\r` or `\n` becomes a space,
//! which leaves the same JSON value (and checksum).

use super::limits::PAGE_SIZE;
use super::pg;
use super::server::{refuse, Caller, Shared};
use super::store::{open_existing, Page};
use anyhow::{bail, Context, Result};
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The answer's headers a portal's script may read.
pub const EXPOSED: &str = "Kaoping-Next-Since, Kaoping-Count, Kaoping-More";

/// Bytes gathered before a piece of the answer is sent.
const CHUNK: usize = 64 * 1024;

/// The record's bytes as one line of JSON Lines (with its line end).
pub fn line_of(body: &[u8], out: &mut Vec<u8>) {
    out.extend(
        body.iter()
            .map(|&b| if b == b'\n' || b == b'\r' { b' ' } else { b }),
    );
    out.push(b'\n');
}

#[derive(serde::Deserialize)]
pub struct ReadQuery {
    instrument: Option<String>,
    since: Option<String>,
    limit: Option<String>,
}

fn bad_query(code: &str, zh: &str, en: &str) -> Response {
    refuse(StatusCode::BAD_REQUEST, code, zh, en)
}

/// The page a query asks for, or its 400.
fn page_of(q: ReadQuery) -> Result<Page, Response> {
    let since = match q.since.as_deref() {
        None | Some("") => 0,
        Some(s) => s.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
            bad_query(
                "bad_since",
                &format!("since 须为上一页给出的编号（非负整数），不是“{s}”。"),
                &format!(
                    "since must be the id a previous page gave (a whole number ≥ 0), not \"{s}\"."
                ),
            )
        })?,
    };
    let limit = match q.limit.as_deref() {
        None | Some("") => PAGE_SIZE,
        Some(s) => s
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=PAGE_SIZE).contains(n))
            .ok_or_else(|| {
                bad_query(
                    "bad_limit",
                    &format!("limit 须为 1 至 {PAGE_SIZE} 的整数，不是“{s}”。"),
                    &format!("limit must be a whole number from 1 to {PAGE_SIZE}, not \"{s}\"."),
                )
            })?,
    };
    Ok(Page {
        since,
        instrument: q.instrument.filter(|i| !i.is_empty()),
        limit,
    })
}

/// Whether the request carries the office token: `None` when it does, else the refusal.
fn unauthorized(s: &Shared, headers: &HeaderMap) -> Option<Response> {
    let Some(hash) = &s.token else {
        return Some(refuse(
            StatusCode::FORBIDDEN,
            "reading_off",
            "此收集服务启动时未给 --token-file，不提供读取。",
            "This collector was started without --token-file: reading is off.",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if given.is_some_and(|t| hash.admits(t)) {
        return None;
    }
    let mut r = refuse(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "读取记录须带评价办的令牌（Authorization: Bearer …）。",
        "Reading records needs the office's token (Authorization: Bearer …).",
    );
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    Some(r)
}

pub async fn preflight_get(State(s): State<Shared>, headers: HeaderMap) -> Response {
    super::server::preflight(&headers, &s.origins, "GET")
}

/// `GET /api/records?instrument=…&since=…&limit=…`: the records after id `since`, in arrival
/// order, as JSON Lines; `Kaoping-Next-Since` is the `since` of the next page, `Kaoping-More`
/// `1` when the page is full (more may follow).
pub async fn records(
    State(s): State<Shared>,
    headers: HeaderMap,
    query: Result<Query<ReadQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let caller = Caller::of(&headers, &s.origins);
    if let Some(r) = caller.refused() {
        return r;
    }
    let resp = match (unauthorized(&s, &headers), query) {
        (Some(r), _) => r,
        (None, Err(e)) => bad_query(
            "bad_query",
            &format!("查询参数无法读取：{e}"),
            &format!("The query cannot be read: {e}"),
        ),
        (None, Ok(Query(q))) => match page_of(q) {
            Err(r) => r,
            Ok(page) => stream_page(s, page).await,
        },
    };
    caller.cors(resp)
}

async fn stream_page(s: Shared, page: Page) -> Response {
    let (s2, p2) = (s.clone(), page.clone());
    let extent = match tokio::task::spawn_blocking(move || s2.store.extent(&p2)).await {
        Ok(Ok(e)) => e,
        Ok(Err(e)) => return read_failed(&e),
        Err(e) => return read_failed(&anyhow::anyhow!("{e}")),
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    if let Some(last) = extent.last {
        let page = page.clone();
        tokio::task::spawn_blocking(move || {
            let mut buf = Vec::with_capacity(CHUNK * 2);
            let sent = s.store.each(&page, last, &mut |_, body| {
                line_of(body, &mut buf);
                if buf.len() >= CHUNK {
                    let chunk = Bytes::from(std::mem::take(&mut buf));
                    tx.blocking_send(Ok(chunk))
                        .map_err(|_| anyhow::anyhow!("the client went away"))?;
                }
                Ok(())
            });
            let end = match sent {
                Ok(()) => Ok(Bytes::from(buf)),
                // The answer is cut short (no final chunk): the client sees it incomplete.
                Err(e) => Err(std::io::Error::other(format!("{e:#}"))),
            };
            let _ = tx.blocking_send(end);
        });
    }
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let next = extent.last.unwrap_or(page.since);
    let more = if extent.count >= page.limit { "1" } else { "0" };
    let mut r = Body::from_stream(stream).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/jsonl; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("kaoping-next-since", HeaderValue::from(next));
    h.insert("kaoping-count", HeaderValue::from(extent.count));
    h.insert("kaoping-more", HeaderValue::from_static(more));
    r
}

fn read_failed(e: &anyhow::Error) -> Response {
    eprintln!("collect: cannot read records: {e:#}");
    refuse(
        StatusCode::SERVICE_UNAVAILABLE,
        "read_failed",
        &format!("暂时无法读取记录：{e:#}"),
        &format!("Cannot read the records now: {e:#}"),
    )
}

/// A file name for an instrument id: its letters, digits, `-` and `_`, others as `_`.
fn file_name(instrument: &str) -> String {
    let safe: String = instrument
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.jsonl")
}

/// `kaoping collect export`: one JSON Lines file per instrument in `out`, records in arrival
/// order, as `kaoping aggregate` and `kaoping ingest` read them; the count per file.
pub fn export(db: &Path, out: &Path) -> Result<BTreeMap<PathBuf, u64>> {
    let url = db.to_str().filter(|d| pg::is_url(d));
    let c = match url {
        Some(_) => None,
        None => Some(open_existing(db)?),
    };
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut files: BTreeMap<String, (PathBuf, std::io::BufWriter<std::fs::File>, u64)> =
        BTreeMap::new();
    let mut line = Vec::new();
    let mut write = |instrument: &str, body: &[u8]| -> Result<()> {
        let name = file_name(instrument);
        if !files.contains_key(&name) {
            let p = out.join(&name);
            let f = std::fs::File::create(&p)
                .with_context(|| format!("cannot write {}", p.display()))?;
            files.insert(name.clone(), (p, std::io::BufWriter::new(f), 0));
        }
        let Some((p, w, n)) = files.get_mut(&name) else {
            bail!("{name} was not opened");
        };
        line.clear();
        line_of(body, &mut line);
        w.write_all(&line)
            .with_context(|| format!("cannot write {}", p.display()))?;
        *n += 1;
        Ok(())
    };
    match (url, c) {
        (Some(url), _) => pg::each_record(url, &mut write)?,
        (None, Some(c)) => {
            let mut stmt = c.prepare("SELECT instrument, body FROM records ORDER BY id")?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                write(row.get_ref(0)?.as_str()?, row.get_ref(1)?.as_blob()?)?;
            }
        }
        (None, None) => bail!("no database"),
    }
    let mut counts = BTreeMap::new();
    for (_, (p, w, n)) in files {
        let f = w
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|f| f.sync_all().map(|()| f))
            .with_context(|| format!("cannot write {}", p.display()))?;
        drop(f);
        counts.insert(p, n);
    }
    Ok(counts)
}

/// `kaoping collect backup`: a consistent copy of the database (SQLite's online backup, while
/// the service may be writing); the records in it.
pub fn backup(db: &Path, out: &Path) -> Result<u64> {
    if out.exists() {
        bail!(
            "{} exists already (a backup never replaces a file)",
            out.display()
        );
    }
    let src = open_existing(db)?;
    let mut dst = rusqlite::Connection::open(out)
        .with_context(|| format!("cannot create {}", out.display()))?;
    {
        let b = rusqlite::backup::Backup::new(&src, &mut dst)?;
        b.run_to_completion(1024, std::time::Duration::ZERO, None)
            .with_context(|| format!("cannot copy {} to {}", db.display(), out.display()))?;
    }
    // The copy in one file (no WAL beside it), so that it can be moved as it is.
    dst.pragma_update(None, "journal_mode", "DELETE")?;
    Ok(dst.query_row("SELECT count(*) FROM records", [], |r| r.get(0))?)
}
