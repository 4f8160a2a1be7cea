//! `cargo xtask bench collect`: the collector's figures (issue 17, point 6). The release
//! `kaoping collect` on loopback with a fresh SQLite database per run, fed by a load generator
//! here (one thread and one kept-alive connection per client): records per second and the
//! latency of each POST (p50, p95, p99) for a few client counts, first distinct records (each
//! a real write: 201), then the same records again (the dedup path: 200); the service's peak
//! memory; and the time from a restart after SIGKILL to the first 201. Prints figures; asserts
//! only that every answer was the expected one. With `--pg URL`, PostgreSQL instead: a fresh
//! database per run, made and dropped with `createdb`/`dropdb` through URL's server.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::cmd::Cmd;

pub struct Options {
    /// Distinct records per run.
    pub n: usize,
    /// Client counts, one run each.
    pub clients: Vec<usize>,
    pub build: bool,
    /// Only the rate runs, no recovery, connections or wrk (to compare two builds).
    pub rate_only: bool,
    /// The binary to measure instead of the release build (an earlier build, kept).
    pub bin: Option<PathBuf>,
    /// A PostgreSQL server's URL (its database for `createdb`/`dropdb` to connect to): the
    /// runs' databases are made there instead of SQLite files.
    pub pg: Option<String>,
}

/// A fresh PostgreSQL database `name` on `server`'s cluster; its URL.
fn fresh_pg(server: &str, name: &str) -> Result<String> {
    let maintenance = format!("--maintenance-db={server}");
    Cmd::new("dropdb")
        .args(["--if-exists", &maintenance, name])
        .run()?;
    Cmd::new("createdb").args([&maintenance, name]).run()?;
    let (base, query) = match server.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (server, String::new()),
    };
    let Some((host, _)) = base.rsplit_once('/').filter(|(h, _)| h.contains("://")) else {
        bail!("--pg {server}: expected postgres://USER@HOST:PORT/DATABASE");
    };
    Ok(format!("{host}/{name}{query}"))
}

/// The release binary, in the target directory cargo builds into.
fn kaoping(root: &Path) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    target.join("release/kaoping")
}

pub fn run(root: &Path, o: &Options) -> Result<()> {
    if o.build {
        Cmd::cargo()
            .args(["build", "--release", "-p", "kaoping_cli"])
            .dir(root)
            .run()?;
    }
    let bin = o.bin.clone().unwrap_or_else(|| kaoping(root));
    let dir = root.join("target/bench/collect");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    // One more than n: the record the restart is timed with.
    let records = records(&bin, &dir, o.n + 1)?;
    let (records, spare) = records.split_at(o.n);
    let store = match &o.pg {
        Some(server) => format!("PostgreSQL on {server}"),
        None => format!("SQLite in {}", dir.display()),
    };
    println!(
        "collect: {} distinct public records of the demo plan ({:.1} KB each), {} cores, \
         one database per run, {store}",
        o.n,
        records.iter().map(|r| r.body.len()).sum::<usize>() as f64 / o.n as f64 / 1024.0,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    let mut last_db = None;
    for &c in &o.clients {
        let db = match &o.pg {
            Some(server) => PathBuf::from(fresh_pg(server, &format!("kaoping_bench_c{c}"))?),
            None => dir.join(format!("c{c}.sqlite")),
        };
        let mut svc = Svc::start(&bin, &dir, &db)?;
        let fresh = load(svc.port, records, c, 201)?;
        report(&format!("distinct (201, written), {c:>2} clients"), &fresh);
        let again = load(svc.port, records, c, 200)?;
        report(&format!("repeats  (200, dedup),   {c:>2} clients"), &again);
        println!(
            "  service peak RSS (VmHWM) after both: {:.1} MB",
            svc.peak_rss_kib().unwrap_or(0) as f64 / 1024.0
        );
        svc.child.kill()?;
        svc.child.wait()?;
        last_db = Some(db);
    }
    if o.rate_only {
        return Ok(());
    }
    if let Some(db) = last_db {
        recovery(&bin, &dir, &db, &spare[0], records.len())?;
        silent(&bin, &dir, &db, &spare[0])?;
        wrk(&bin, &dir, &db, &records[0])?;
    }
    Ok(())
}

/// 9,990 connections opened and left silent (just under the service's cap of 10,000; fewer
/// when this process's file limit is lower): the time to open them, the service's memory
/// holding them, and how long a record then takes (a repeat of one held: 200).
fn silent(bin: &Path, dir: &Path, db: &Path, rec: &Record) -> Result<()> {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    let files: usize = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1024);
    let n = 9_990.min(files.saturating_sub(200));
    let svc = Svc::start(bin, dir, db)?;
    let before = svc.peak_rss_kib().unwrap_or(0);
    let t = Instant::now();
    let mut open = Vec::with_capacity(n);
    for _ in 0..n {
        open.push(TcpStream::connect(("127.0.0.1", svc.port))?);
    }
    let opened = t.elapsed();
    std::thread::sleep(Duration::from_millis(500));
    let t = Instant::now();
    let status = Conn::open(svc.port)?.post(rec, "10.255.0.1")?;
    let took = t.elapsed();
    let rss = svc.peak_rss_kib().unwrap_or(0);
    println!(
        "  {n} silent connections (file limit {files}) opened in {:.1} s: service RSS {:.1} MB \
         (from {:.1} MB); a record then answered {status} in {:.1} ms",
        opened.as_secs_f64(),
        rss as f64 / 1024.0,
        before as f64 / 1024.0,
        took.as_secs_f64() * 1000.0
    );
    drop(open);
    Ok(())
}

struct Record {
    body: Vec<u8>,
    checksum: String,
}

/// `n` distinct public records from `kaoping demo inputs` (and the demo plan in `dir`).
fn records(bin: &Path, dir: &Path, n: usize) -> Result<Vec<Record>> {
    let out = Cmd::new(bin)
        .args(["demo", "inputs", "--seed", "1", "--n", &n.to_string()])
        .read()?;
    let inputs: serde_json::Value = serde_json::from_str(&out)?;
    let recs: Vec<Record> = inputs["records"]
        .as_array()
        .context("no records in the demo inputs")?
        .iter()
        .filter(|r| r["instrument"] == "public")
        .take(n)
        .map(|r| Record {
            body: r.to_string().into_bytes(),
            checksum: r["checksum"].as_str().unwrap_or_default().to_owned(),
        })
        .collect();
    if recs.len() < n {
        bail!("the demo made {} public records, not {n}", recs.len());
    }
    let plan = Cmd::new(bin).args(["demo", "plan"]).read()?;
    std::fs::write(dir.join("plan.json"), plan)?;
    Ok(recs)
}

/// A running `kaoping collect`, killed when dropped.
struct Svc {
    child: Child,
    port: u16,
}

impl Svc {
    fn start(bin: &Path, dir: &Path, db: &Path) -> Result<Svc> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("service.log"))?;
        let mut child = Command::new(bin)
            .args(["--lang", "en", "collect", "--listen", "127.0.0.1:0"])
            .args(["--client-header", "X-Real-IP", "--plan"])
            .arg(dir.join("plan.json"))
            .arg("--db")
            .arg(db)
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .with_context(|| format!("cannot run {}", bin.display()))?;
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            BufReader::new(out).read_line(&mut line)?;
        }
        let Some(port) = line
            .trim()
            .strip_prefix("listening on http://127.0.0.1:")
            .and_then(|p| p.parse().ok())
        else {
            let _ = child.kill();
            bail!(
                "the collector did not start ({line:?}): see {}/service.log",
                dir.display()
            );
        };
        Ok(Svc { child, port })
    }

    fn peak_rss_kib(&self) -> Option<u64> {
        let s = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }
}

impl Drop for Svc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One client's kept-alive connection.
struct Conn {
    stream: BufReader<TcpStream>,
    port: u16,
}

impl Conn {
    fn open(port: u16) -> Result<Conn> {
        let s = TcpStream::connect(("127.0.0.1", port))?;
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(Duration::from_secs(60)))?;
        Ok(Conn {
            stream: BufReader::new(s),
            port,
        })
    }

    /// POSTs a record (from its own address, as one respondent each); the answer's status.
    fn post(&mut self, rec: &Record, ip: &str) -> Result<u16> {
        let head = format!(
            "POST /api/responses HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\n\
             Idempotency-Key: {}\r\nX-Real-IP: {ip}\r\nContent-Length: {}\r\n\r\n",
            self.port,
            rec.checksum,
            rec.body.len()
        );
        let s = self.stream.get_mut();
        s.write_all(head.as_bytes())?;
        s.write_all(&rec.body)?;
        let mut status = 0;
        let mut len = 0usize;
        let mut line = String::new();
        loop {
            line.clear();
            if self.stream.read_line(&mut line)? == 0 {
                bail!("the connection closed mid-answer");
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if status == 0 {
                status = l
                    .split(' ')
                    .nth(1)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
            } else if let Some((n, v)) = l.split_once(':') {
                if n.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; len];
        self.stream.read_exact(&mut body)?;
        Ok(status)
    }
}

/// A run's latencies (each POST's, sorted) and its wall time.
struct Figures {
    latencies: Vec<Duration>,
    wall: Duration,
}

/// All `records` POSTed by `clients` threads (client c sends records c, c + clients, …), each
/// answer expected to be `want`.
fn load(port: u16, records: &[Record], clients: usize, want: u16) -> Result<Figures> {
    let start = Instant::now();
    let per: Vec<Result<Vec<Duration>>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                s.spawn(move || -> Result<Vec<Duration>> {
                    let mut conn = Conn::open(port)?;
                    let mut lat = Vec::new();
                    for i in (c..records.len()).step_by(clients) {
                        let ip = format!("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255);
                        let t = Instant::now();
                        let status = conn.post(&records[i], &ip)?;
                        lat.push(t.elapsed());
                        if status != want {
                            bail!("record {i}: {status}, expected {want}");
                        }
                    }
                    Ok(lat)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| bail!("a client panicked")))
            .collect()
    });
    let wall = start.elapsed();
    let mut latencies = Vec::new();
    for p in per {
        latencies.extend(p?);
    }
    latencies.sort_unstable();
    Ok(Figures { latencies, wall })
}

fn report(what: &str, f: &Figures) {
    let n = f.latencies.len();
    let pct = |p: f64| {
        let i = ((n as f64 * p).ceil() as usize).clamp(1, n) - 1;
        f.latencies[i].as_secs_f64() * 1000.0
    };
    println!(
        "  {what}: {n} in {:.2} s = {:.0} records/s; latency p50 {:.1} ms, p95 {:.1} ms, \
         p99 {:.1} ms, max {:.1} ms",
        f.wall.as_secs_f64(),
        n as f64 / f.wall.as_secs_f64(),
        pct(0.50),
        pct(0.95),
        pct(0.99),
        pct(1.0)
    );
}

/// The service killed with SIGKILL while holding `held` records, restarted on the same
/// database: the time to its `listening` line and to the first 201.
fn recovery(bin: &Path, dir: &Path, db: &Path, rec: &Record, held: usize) -> Result<()> {
    let svc = Svc::start(bin, dir, db)?;
    let pid = svc.child.id().to_string();
    Cmd::new("kill").args(["-KILL", &pid]).run()?;
    drop(svc);
    let t = Instant::now();
    let svc = Svc::start(bin, dir, db)?;
    let listening = t.elapsed();
    let mut conn = Conn::open(svc.port)?;
    let status = conn.post(rec, "10.255.0.1")?;
    let first = t.elapsed();
    if status != 201 {
        bail!("the first record after the restart: {status}, expected 201");
    }
    println!(
        "  recovery after SIGKILL ({held} records held): listening after {:.0} ms, \
         first 201 after {:.0} ms",
        listening.as_secs_f64() * 1000.0,
        first.as_secs_f64() * 1000.0
    );
    Ok(())
}

/// wrk's script: the same record each time (a repeat: the dedup path, 200), each request from
/// a random address (one respondent each, for the rate per client).
const WRK_SCRIPT: &str = r#"
local f = assert(io.open(os.getenv("KAOPING_RECORD"), "rb"))
local body = f:read("*a")
f:close()
request = function()
  local ip = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(0, 255))
  return wrk.format("POST", "/api/responses", { ["Content-Type"] = "application/json", ["X-Real-IP"] = ip }, body)
end
"#;

/// A cross-check by another load generator, when `wrk` is installed: 64 connections on 2
/// threads for 10 s, one record held sent again and again (200).
fn wrk(bin: &Path, dir: &Path, db: &Path, rec: &Record) -> Result<()> {
    if Command::new("wrk").arg("--version").output().is_err() {
        println!("  (wrk is not installed: no cross-check)");
        return Ok(());
    }
    let script = dir.join("repeat.lua");
    std::fs::write(&script, WRK_SCRIPT)?;
    let record = dir.join("record.json");
    std::fs::write(&record, &rec.body)?;
    let svc = Svc::start(bin, dir, db)?;
    let url = format!("http://127.0.0.1:{}/api/responses", svc.port);
    println!("  wrk -t2 -c64 -d10s --latency -s repeat.lua (repeats, 200):");
    let out = Cmd::new("wrk")
        .args(["-t2", "-c64", "-d10s", "--latency", "-s"])
        .arg(&script)
        .arg(&url)
        .env("KAOPING_RECORD", &record)
        .read()?;
    for line in out.lines() {
        println!("    {line}");
    }
    Ok(())
}
