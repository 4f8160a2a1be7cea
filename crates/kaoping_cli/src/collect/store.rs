//! Where the collector keeps records. [`Store`] is what the service needs of a database; SQLite
//! ([`Sqlite`]) is kept here, PostgreSQL (for a city that runs one) in `pg.rs`. Both commit in
//! groups through [`write_groups`].
//!
//! SQLite in WAL mode with `synchronous=FULL`: [`Store::put`] returns only after its
//! transaction committed and the log was synced, so a record acknowledged is on disk. One
//! writer thread owns the writing connection (SQLite has one writer at a time anyway) and
//! commits in groups: the records that arrived while the last commit was syncing go into the
//! next transaction together, each checked against those before it, and each `put` returns
//! when its group committed. One sync then covers many records, which is what bounds the rate
//! with a sync per commit. Each read opens its own connection and sees a committed snapshot.

use super::limits::{BUSY_TIMEOUT, MAX_GROUP};
use anyhow::{anyhow, bail, Context, Result};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Mutex;

/// A record to keep: its bytes as received and the fields the office filters on.
pub struct NewRecord<'a> {
    pub body: &'a [u8],
    pub checksum: &'a str,
    pub instrument: &'a str,
    pub plan_version: &'a str,
    pub plan_sha256: &'a str,
    pub unit: Option<&'a str>,
    /// Held once per instrument (`None` for a signed sheet of an invitation instrument).
    pub respondent: Option<&'a str>,
    /// The one-time code's hash: held once per instrument.
    pub code_hash: Option<&'a str>,
    pub idempotency_key: Option<&'a str>,
    /// RFC 3339, UTC.
    pub received_at: &'a str,
}

/// What [`Store::put`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    /// Kept, with its id (the arrival order).
    Stored(i64),
    /// Already held (same checksum or same idempotency key): nothing written.
    Repeat(i64),
    /// Another record of the same instrument and respondent id is held.
    Duplicate,
    /// Another record of the same instrument used this one-time code.
    CodeReused,
}

/// Which records [`Store::page`] reads: after the id `since`, of one instrument or all, at most
/// `limit`.
#[derive(Debug, Clone)]
pub struct Page {
    pub since: i64,
    pub instrument: Option<String>,
    pub limit: u32,
}

/// A page's extent: how many records, and the id of its last (the next page's `since`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extent {
    pub count: u32,
    pub last: Option<i64>,
}

/// What [`Store::each`] hands each record to: its id and its bytes as received.
pub type Visit<'a> = &'a mut dyn FnMut(i64, &[u8]) -> Result<()>;

/// What the collector needs of a database.
pub trait Store: Send + Sync {
    /// Keeps a record unless held; durable when it returns [`Put::Stored`].
    fn put(&self, rec: &NewRecord) -> Result<Put>;
    /// The extent of a page, fixed before its records are sent (so that the cursor can go in
    /// the answer's headers).
    fn extent(&self, page: &Page) -> Result<Extent>;
    /// Hands each record of the page up to id `last` to `each`, in
    /// arrival order. Records are never changed or removed and ids only grow, so this reads
    /// exactly the records [`Store::extent`] counted.
    fn each(&self, page: &Page, last: i64, each: Visit) -> Result<()>;
    /// Records held.
    fn count(&self) -> Result<u64>;
}

const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at TEXT NOT NULL,
    instrument TEXT NOT NULL,
    checksum TEXT NOT NULL UNIQUE,
    plan_version TEXT NOT NULL,
    plan_sha256 TEXT NOT NULL,
    unit TEXT,
    respondent TEXT,
    code_hash TEXT,
    body BLOB NOT NULL,
    UNIQUE (instrument, respondent),
    UNIQUE (instrument, code_hash)
);
CREATE INDEX IF NOT EXISTS records_by_instrument ON records (instrument, id);
CREATE TABLE IF NOT EXISTS idempotency_keys (
    key TEXT PRIMARY KEY,
    record INTEGER NOT NULL REFERENCES records (id)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
";

/// A [`NewRecord`] on its way to the writer thread (owned: the request's thread waits, but
/// the borrow cannot say so), with where its answer goes.
pub(super) struct Job {
    body: Vec<u8>,
    checksum: String,
    instrument: String,
    plan_version: String,
    plan_sha256: String,
    unit: Option<String>,
    respondent: Option<String>,
    code_hash: Option<String>,
    idempotency_key: Option<String>,
    received_at: String,
    reply: mpsc::SyncSender<Result<Put, String>>,
}

impl Job {
    pub(super) fn of(rec: &NewRecord, reply: mpsc::SyncSender<Result<Put, String>>) -> Job {
        let o = |v: Option<&str>| v.map(str::to_owned);
        Job {
            body: rec.body.to_vec(),
            checksum: rec.checksum.to_owned(),
            instrument: rec.instrument.to_owned(),
            plan_version: rec.plan_version.to_owned(),
            plan_sha256: rec.plan_sha256.to_owned(),
            unit: o(rec.unit),
            respondent: o(rec.respondent),
            code_hash: o(rec.code_hash),
            idempotency_key: o(rec.idempotency_key),
            received_at: rec.received_at.to_owned(),
            reply,
        }
    }

    pub(super) fn record(&self) -> NewRecord<'_> {
        NewRecord {
            body: &self.body,
            checksum: &self.checksum,
            instrument: &self.instrument,
            plan_version: &self.plan_version,
            plan_sha256: &self.plan_sha256,
            unit: self.unit.as_deref(),
            respondent: self.respondent.as_deref(),
            code_hash: self.code_hash.as_deref(),
            idempotency_key: self.idempotency_key.as_deref(),
            received_at: &self.received_at,
        }
    }
}

/// The SQLite store of one plan (the plan's id is kept in the file: a database of another plan
/// is refused at start).
pub struct Sqlite {
    path: PathBuf,
    /// To the writer thread; it stops when this is dropped.
    jobs: Mutex<mpsc::Sender<Job>>,
}

fn open(path: &Path, flags: OpenFlags) -> Result<Connection> {
    let c = Connection::open_with_flags(path, flags)
        .with_context(|| format!("cannot open the database {}", path.display()))?;
    c.busy_timeout(BUSY_TIMEOUT)?;
    Ok(c)
}

/// An existing database, for reading (export, backup): never created.
pub fn open_existing(path: &Path) -> Result<Connection> {
    if !path.is_file() {
        bail!("{} is not a file (a collector's database)", path.display());
    }
    let c = open(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if v != SCHEMA_VERSION {
        bail!(
            "{} is not a collector's database (schema version {v}, expected {SCHEMA_VERSION})",
            path.display()
        );
    }
    Ok(c)
}

impl Sqlite {
    /// Opens (or creates) the database of plan `plan_id`.
    pub fn open(path: &Path, plan_id: &str) -> Result<Sqlite> {
        let c = open(path, OpenFlags::default())?;
        let mode: String = c
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .with_context(|| format!("{} is not a SQLite database", path.display()))?;
        if !mode.eq_ignore_ascii_case("wal") {
            bail!("{}: SQLite refused WAL mode ({mode})", path.display());
        }
        c.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")?;
        let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let tables: i64 = c.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        if v == 0 && tables > 0 {
            bail!(
                "{} is a database of something else, not a collector's",
                path.display()
            );
        }
        if v > SCHEMA_VERSION {
            bail!(
                "{} was made by a newer kaoping (schema version {v})",
                path.display()
            );
        }
        c.execute_batch(SCHEMA)?;
        c.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        let held: Option<String> = c
            .query_row("SELECT value FROM meta WHERE key = 'plan_id'", [], |r| {
                r.get(0)
            })
            .optional()?;
        match held {
            Some(p) if p != plan_id => bail!(
                "{} holds the records of plan {p}, not of plan {plan_id}: give another --db",
                path.display()
            ),
            Some(_) => {}
            None => {
                c.execute(
                    "INSERT INTO meta (key, value) VALUES ('plan_id', ?1)",
                    [plan_id],
                )?;
            }
        }
        let (jobs, queue) = mpsc::channel();
        std::thread::Builder::new()
            .name("collect-writer".into())
            .spawn(move || write_groups(c, &queue, commit_group))
            .context("cannot start the writer thread")?;
        Ok(Sqlite {
            path: path.to_owned(),
            jobs: Mutex::new(jobs),
        })
    }

    fn reader(&self) -> Result<Connection> {
        open(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
    }
}

fn page_where(page: &Page) -> &'static str {
    if page.instrument.is_some() {
        "id > ?1 AND instrument = ?2"
    } else {
        "id > ?1 AND ?2 IS NULL"
    }
}

/// The writer thread: takes the jobs waiting (at most [`MAX_GROUP`]), stores them in one
/// transaction with `commit` (each record's answer, or the error of the whole group), answers
/// each once it committed; until the store is dropped.
pub(super) fn write_groups<C>(
    mut c: C,
    queue: &mpsc::Receiver<Job>,
    commit: impl Fn(&mut C, &[Job]) -> Result<Vec<Result<Put>>>,
) {
    while let Ok(first) = queue.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match queue.try_recv() {
                Ok(j) => group.push(j),
                Err(_) => break,
            }
        }
        match commit(&mut c, &group) {
            Ok(puts) => {
                for (job, put) in group.iter().zip(puts) {
                    let _ = job.reply.send(put.map_err(|e| format!("{e:#}")));
                }
            }
            // Nothing of the group is kept: each is answered 503 and sent again by its page.
            Err(e) => {
                for job in &group {
                    let _ = job.reply.send(Err(format!("{e:#}")));
                }
            }
        }
    }
}

/// Sends a record to the writer thread and waits for its answer.
pub(super) fn put_through(jobs: &Mutex<mpsc::Sender<Job>>, rec: &NewRecord) -> Result<Put> {
    let (reply, answer) = mpsc::sync_channel(1);
    let sent = {
        let jobs = jobs.lock().unwrap_or_else(|e| e.into_inner());
        jobs.send(Job::of(rec, reply))
    };
    sent.map_err(|_| anyhow!("the writer thread has stopped"))?;
    answer
        .recv()
        .map_err(|_| anyhow!("the writer thread has stopped"))?
        .map_err(|e| anyhow!(e))
}

/// One transaction for the group; each record under its own savepoint, so that one failing
/// (an error, not a refusal) leaves the others. The outer error: the commit failed.
fn commit_group(c: &mut Connection, group: &[Job]) -> Result<Vec<Result<Put>>> {
    let mut tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut puts = Vec::with_capacity(group.len());
    for job in group {
        let sp = tx.savepoint()?;
        let put = put_one(&sp, &job.record());
        if put.is_ok() {
            sp.commit()?;
        }
        puts.push(put);
    }
    tx.commit()?;
    Ok(puts)
}

/// A record's checks against those held (and those before it in its group), then its rows.
fn put_one(tx: &Connection, rec: &NewRecord) -> Result<Put> {
    let held = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> Result<Option<i64>> {
        Ok(tx.query_row(sql, p, |r| r.get(0)).optional()?)
    };
    let mut repeat = held(
        "SELECT id FROM records WHERE checksum = ?1",
        &[&rec.checksum],
    )?;
    if let (None, Some(k)) = (repeat, rec.idempotency_key) {
        repeat = held("SELECT record FROM idempotency_keys WHERE key = ?1", &[&k])?;
    }
    if let Some(id) = repeat {
        return Ok(Put::Repeat(id));
    }
    if let Some(r) = rec.respondent {
        let sql = "SELECT id FROM records WHERE instrument = ?1 AND respondent = ?2";
        if held(sql, &[&rec.instrument, &r])?.is_some() {
            return Ok(Put::Duplicate);
        }
    }
    if let Some(h) = rec.code_hash {
        let sql = "SELECT id FROM records WHERE instrument = ?1 AND code_hash = ?2";
        if held(sql, &[&rec.instrument, &h])?.is_some() {
            return Ok(Put::CodeReused);
        }
    }
    tx.execute(
        "INSERT INTO records (received_at, instrument, checksum, plan_version, \
         plan_sha256, unit, respondent, code_hash, body) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            rec.received_at,
            rec.instrument,
            rec.checksum,
            rec.plan_version,
            rec.plan_sha256,
            rec.unit,
            rec.respondent,
            rec.code_hash,
            rec.body
        ],
    )?;
    let id = tx.last_insert_rowid();
    if let Some(k) = rec.idempotency_key {
        tx.execute(
            "INSERT OR IGNORE INTO idempotency_keys (key, record) VALUES (?1, ?2)",
            params![k, id],
        )?;
    }
    Ok(Put::Stored(id))
}

impl Store for Sqlite {
    fn put(&self, rec: &NewRecord) -> Result<Put> {
        put_through(&self.jobs, rec)
    }

    fn extent(&self, page: &Page) -> Result<Extent> {
        let c = self.reader()?;
        let sql = format!(
            "SELECT count(*), max(id) FROM (SELECT id FROM records WHERE {} ORDER BY id LIMIT ?3)",
            page_where(page)
        );
        let (count, last) = c.query_row(
            &sql,
            params![page.since, page.instrument, page.limit],
            |r| Ok((r.get::<_, u32>(0)?, r.get::<_, Option<i64>>(1)?)),
        )?;
        Ok(Extent { count, last })
    }

    fn each(&self, page: &Page, last: i64, each: Visit) -> Result<()> {
        let c = self.reader()?;
        let sql = format!(
            "SELECT id, body FROM records WHERE {} AND id <= ?3 ORDER BY id",
            page_where(page)
        );
        let mut stmt = c.prepare(&sql)?;
        let mut rows = stmt.query(params![page.since, page.instrument, last])?;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            each(id, row.get_ref(1)?.as_blob()?)?;
        }
        Ok(())
    }

    fn count(&self) -> Result<u64> {
        let c = self.reader()?;
        Ok(c.query_row("SELECT count(*) FROM records", [], |r| r.get(0))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec<'a>(checksum: &'a str, respondent: &'a str, key: Option<&'a str>) -> NewRecord<'a> {
        NewRecord {
            body: checksum.as_bytes(),
            checksum,
            instrument: "public",
            plan_version: "1",
            plan_sha256: "00",
            unit: None,
            respondent: Some(respondent),
            code_hash: None,
            idempotency_key: key,
            received_at: "2026-12-07T00:00:00.000Z",
        }
    }

    /// Records committed in one group are checked against each other as against those held.
    #[test]
    fn a_group_sees_its_own_records() {
        let dir = std::env::temp_dir().join(format!("kaoping-store-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let store = Sqlite::open(&dir.join("r.sqlite"), "plan").unwrap();
        let mut c = open(&dir.join("r.sqlite"), OpenFlags::default()).unwrap();
        let (reply, _answers) = mpsc::sync_channel(8);
        let jobs: Vec<Job> = [
            rec("a", "P1", Some("k1")),
            rec("a", "P1", None),
            rec("b", "P1", None),
            rec("c", "P2", Some("k1")),
            rec("d", "P3", None),
        ]
        .iter()
        .map(|r| Job::of(r, reply.clone()))
        .collect();
        let puts: Vec<Put> = commit_group(&mut c, &jobs)
            .unwrap()
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            puts,
            [
                Put::Stored(1),
                Put::Repeat(1),
                Put::Duplicate,
                Put::Repeat(1),
                Put::Stored(2)
            ]
        );
        // Committed: the writer thread's connection sees them.
        assert_eq!(store.put(&rec("d", "P3", None)).unwrap(), Put::Repeat(2));
        assert_eq!(store.put(&rec("e", "P4", None)).unwrap(), Put::Stored(3));
        assert_eq!(store.count().unwrap(), 3);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
