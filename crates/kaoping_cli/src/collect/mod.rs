//! `kaoping collect`: the service that receives respondents' records (docs/collect.md), and
//! its tools: `token` (the office's read token), `export` (the files `kaoping aggregate`
//! reads), `backup` (SQLite's online backup).
//!
//! - `server.rs`: `POST /api/responses`, CORS and `Origin`, the answers' shapes;
//! - `read.rs`: `GET /api/records` for the office, `export`, `backup`;
//! - `store.rs`: the `Store` trait and its SQLite implementation; `pg.rs`: PostgreSQL's;
//! - `conn.rs`: the listener (connection cap, idle timeout); `rate.rs`: the rate per client;
//! - `token.rs`: the office token; `limits.rs`: every limit with its reason.

mod conn;
mod limits;
mod pg;
mod rate;
mod read;
mod server;
mod store;
mod token;

use anyhow::{bail, Context, Result};
use axum::routing::{get, post};
use axum::Router;
use kaoping_core::ingest::Receiver;
use server::{Service, Shared};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct CollectArgs {
    #[command(subcommand)]
    cmd: Option<CollectCommand>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(clap::Args)]
struct ServeArgs {
    /// The plan (JSON) whose records are taken; records of other plans are refused.
    #[arg(long, required = true)]
    plan: Option<PathBuf>,
    /// The SQLite database the records are kept in (created if missing), or a PostgreSQL
    /// database's URL (postgres://USER@HOST:PORT/DATABASE; no TLS: docs/collect.md).
    #[arg(long, required = true, value_name = "FILE|URL")]
    db: Option<PathBuf>,
    /// The address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8787")]
    listen: SocketAddr,
    /// A portal origin allowed to post records and to read (e.g. https://www.example.gov.cn);
    /// repeat for several. Requests without an Origin, or from the service's own host, are
    /// allowed too.
    #[arg(long = "origin", value_name = "ORIGIN")]
    origins: Vec<String>,
    /// The office token's hash (from `kaoping collect token`): reading needs the token.
    /// Without it, reading is off.
    #[arg(long, value_name = "FILE")]
    token_file: Option<PathBuf>,
    /// Listen on an address beyond this machine (behind a reverse proxy with TLS, see
    /// docs/deploy.md).
    #[arg(long)]
    public: bool,
    /// A batch of one-time codes the office signed (`kaoping.codes/1` JSON), for the plan's
    /// instruments that take codes; repeat for several.
    #[arg(long = "codes", value_name = "FILE")]
    codes: Vec<PathBuf>,
    /// The header in which a reverse proxy on this machine gives the client's address
    /// (X-Real-IP, or X-Forwarded-For: its last address), for the rate per client; read only
    /// from a loopback peer.
    #[arg(long, value_name = "HEADER")]
    client_header: Option<String>,
    /// Connections served at once; past it a connection is answered 503 (busy) and closed.
    /// The service's file limit (ulimit -n) must allow as many.
    #[arg(long, value_name = "N", default_value_t = limits::MAX_CONNECTIONS,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    max_connections: u32,
}

#[derive(clap::Subcommand)]
enum CollectCommand {
    /// Make the office's read token: the secret in OUT (keep it), its SHA-256 in OUT.hash
    /// (give that to the service with --token-file).
    Token {
        #[arg(long)]
        out: PathBuf,
    },
    /// Write the records of a collector's database as JSON Lines, one file per instrument
    /// (INSTRUMENT.jsonl), as `kaoping aggregate` reads them.
    Export {
        /// The SQLite file or the PostgreSQL URL the service was given.
        #[arg(long, value_name = "FILE|URL")]
        db: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Copy a collector's database with SQLite's online backup (while the service runs).
    Backup {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
}

fn t(lang: &str, zh: &str, en: &str) -> String {
    if lang == "en" {
        en.to_owned()
    } else {
        zh.to_owned()
    }
}

pub fn run(args: CollectArgs, lang: &str) -> Result<ExitCode> {
    match args.cmd {
        None => serve(args.serve, lang),
        Some(CollectCommand::Token { out }) => {
            let hash = token::make(&out)?;
            eprintln!(
                "{}",
                t(
                    lang,
                    &format!(
                        "令牌已写入 {}（请保密，读取时用）；其散列写入 {}（交给服务：--token-file）",
                        out.display(),
                        hash.display()
                    ),
                    &format!(
                        "token written to {} (keep it secret; the office reads with it); its hash to {} (for the service: --token-file)",
                        out.display(),
                        hash.display()
                    )
                )
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(CollectCommand::Export { db, out }) => {
            for (path, n) in read::export(&db, &out)? {
                println!("{}\t{n}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(CollectCommand::Backup { db, out }) => {
            if db.to_str().is_some_and(pg::is_url) {
                bail!(t(
                    lang,
                    "collect backup 只复制 SQLite 数据库；PostgreSQL 数据库请用 pg_dump 备份（如 pg_dump --format=custom --file=records.dump 数据库名，见 docs/collect.md）",
                    "collect backup copies SQLite databases only: back a PostgreSQL database up with pg_dump (e.g. pg_dump --format=custom --file=records.dump DATABASE, docs/collect.md)"
                ));
            }
            let n = read::backup(&db, &out)?;
            println!(
                "{}",
                t(
                    lang,
                    &format!("{} 已备份（{n} 份答卷）", out.display()),
                    &format!("{}: backed up ({n} records)", out.display())
                )
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// An origin as browsers send it: `scheme://host[:port]`, nothing after.
fn check_origin(o: &str) -> Result<String> {
    let o = o.trim_end_matches('/');
    let ok = o.split_once("://").is_some_and(|(scheme, rest)| {
        matches!(scheme, "http" | "https") && !rest.is_empty() && !rest.contains(['/', '?', '#'])
    });
    if !ok {
        bail!(
            "--origin {o}: not an origin (scheme://host[:port], e.g. https://www.example.gov.cn)"
        );
    }
    // Browsers send the scheme and host in lower case.
    Ok(o.to_ascii_lowercase())
}

/// The service's checks of one plan, with its code batches.
fn receiver(args: &ServeArgs, plan_path: &std::path::Path) -> Result<Receiver<'static>> {
    let plan = crate::load_plan_arg(Some(plan_path.to_owned()))?;
    // The service keeps its plan until it stops.
    let plan: &'static kaoping_core::plan::Plan = Box::leak(Box::new(plan));
    let mut r = Receiver::new(plan);
    for f in &args.codes {
        let bytes = std::fs::read(f).with_context(|| format!("cannot read {}", f.display()))?;
        if let Err(e) = r.add_code_batch(&f.display().to_string(), &bytes) {
            bail!("{}: {} {}", f.display(), e.code, e.message.get("en"));
        }
    }
    let coded = r.code_instruments();
    if !coded.is_empty() && args.codes.is_empty() {
        bail!(
            "the plan's instrument(s) {} take one-time codes: give their batches with --codes FILE",
            coded.join(", ")
        );
    }
    Ok(r)
}

fn serve(args: ServeArgs, lang: &str) -> Result<ExitCode> {
    let (Some(plan_path), Some(db)) = (args.plan.clone(), args.db.clone()) else {
        bail!("--plan and --db are needed");
    };
    if !args.listen.ip().is_loopback() && !args.public {
        bail!(
            "{} is beyond this machine: add --public to listen there (behind a reverse proxy with TLS, docs/deploy.md)",
            args.listen
        );
    }
    let origins = args
        .origins
        .iter()
        .map(|o| check_origin(o))
        .collect::<Result<Vec<_>>>()?;
    let token = args
        .token_file
        .as_deref()
        .map(token::TokenHash::read)
        .transpose()?;
    let receiver = receiver(&args, &plan_path)?;
    let plan = receiver.plan();
    let (store, shown): (Box<dyn store::Store>, String) = match db.to_str() {
        Some(url) if pg::is_url(url) => (
            Box::new(pg::Postgres::open(url, &plan.id)?),
            pg::redacted(url),
        ),
        _ => (
            Box::new(store::Sqlite::open(&db, &plan.id)?),
            db.display().to_string(),
        ),
    };
    // Counted outside the runtime: PostgreSQL's client runs one of its own.
    let held = store.count()?;
    let service = Arc::new(Service {
        receiver,
        store,
        origins,
        token,
        rate: rate::RateLimit::default(),
        client_header: args.client_header.clone(),
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the runtime")?;
    rt.block_on(listen(service.clone(), &args, &shown, held, lang))?;
    drop(rt);
    let held = service.store.count()?;
    eprintln!(
        "{}",
        t(
            lang,
            &format!("收集服务已停止（{held} 份答卷）"),
            &format!("collector stopped ({held} records held)")
        )
    );
    Ok(ExitCode::SUCCESS)
}

fn app(service: Shared) -> Router {
    Router::new()
        .route(
            "/api/responses",
            post(server::receive)
                .options(server::preflight_post)
                .fallback(|| async { server::method_not_allowed("POST") }),
        )
        .route(
            "/api/records",
            get(read::records)
                .options(read::preflight_get)
                .fallback(|| async { server::method_not_allowed("GET") }),
        )
        .route(
            "/api/health",
            get(|| async { axum::Json(serde_json::json!({ "ok": true })) }),
        )
        .fallback(server::not_found)
        .with_state(service)
}

/// The listening socket, with room for [`limits::ACCEPT_BACKLOG`] connections waiting to be
/// accepted (`TcpListener::bind` gives 128).
fn bind(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(limits::ACCEPT_BACKLOG)
}

async fn listen(service: Shared, args: &ServeArgs, db: &str, held: u64, lang: &str) -> Result<()> {
    let addr = args.listen;
    let listener = bind(addr).with_context(|| format!("cannot listen on {addr}"))?;
    let bound = listener.local_addr()?;
    let plan = service.receiver.plan();
    // The first line on stdout: scripts and tests read the port from it.
    println!("listening on http://{bound}");
    eprintln!(
        "{}",
        t(
            lang,
            &format!(
                "收集服务：方案 {} {}（sha256 {}），数据库 {}（已有 {held} 份答卷）；Ctrl-C 或 SIGTERM 停止",
                plan.id, plan.version, plan.sha256, db
            ),
            &format!(
                "collector: plan {} {} (sha256 {}), database {} ({held} records held); Ctrl-C or SIGTERM stops it",
                plan.id, plan.version, plan.sha256, db
            )
        )
    );
    let make = app(service.clone()).into_make_service_with_connect_info::<conn::Peer>();
    axum::serve(
        conn::Limited::new(listener, args.max_connections as usize),
        make,
    )
    .with_graceful_shutdown(stopped())
    .await
    .context("the service failed")?;
    Ok(())
}

/// Ctrl-C or SIGTERM: stop taking connections, finish the requests under way.
async fn stopped() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{header, HeaderMap, HeaderValue};
    use server::Caller;

    #[test]
    fn origins_are_checked_and_written_as_browsers_send_them() {
        assert_eq!(
            check_origin("https://Portal.Example/").unwrap(),
            "https://portal.example"
        );
        assert_eq!(
            check_origin("http://127.0.0.1:8474").unwrap(),
            "http://127.0.0.1:8474"
        );
        for bad in [
            "portal.example",
            "https://",
            "https://a.example/path",
            "ftp://a.example",
        ] {
            assert!(check_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn callers_by_origin_and_host() {
        let allowed = vec!["https://portal.example".to_owned()];
        let with = |origin: Option<&str>| {
            let mut h = HeaderMap::new();
            h.insert(
                header::HOST,
                HeaderValue::from_static("records.example:8443"),
            );
            if let Some(o) = origin {
                h.insert(header::ORIGIN, HeaderValue::from_str(o).unwrap());
            }
            Caller::of(&h, &allowed)
        };
        assert_eq!(with(None), Caller::NoOrigin);
        assert_eq!(
            with(Some("https://portal.example")),
            Caller::Allowed("https://portal.example".into())
        );
        assert_eq!(
            with(Some("https://records.example:8443")),
            Caller::SameOrigin
        );
        assert!(with(Some("https://records.example")).refused().is_some());
        assert!(with(Some("null")).refused().is_some());
        assert!(with(Some("https://portal.example.evil"))
            .refused()
            .is_some());
    }

    #[test]
    fn a_record_becomes_one_line_with_the_same_value() {
        let body = b"{\r\n  \"a\": \"x\\ny\",\n  \"b\": [1,\n2]\n}";
        let mut out = Vec::new();
        read::line_of(body, &mut out);
        assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1);
        assert_eq!(out.last(), Some(&b'\n'));
        let a: serde_json::Value = serde_json::from_slice(body).unwrap();
        let b: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(a, b);
    }
}
