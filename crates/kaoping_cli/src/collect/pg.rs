//! The PostgreSQL store (`--db postgres://…`, issue 17): for a city that runs PostgreSQL and
//! backs it up with its own tools. The same tables and checks as the SQLite store, the same
//! group commit: one writer connection, and each record answered only after the statement that
//! stored it committed (with `synchronous_commit` on, PostgreSQL's default and set for the
//! writer's session, that is after the commit reached its log on disk).
//!
//! A group is stored with one statement (its own transaction), not a statement and a savepoint
//! per record: every message to the server and back waits for both processes to be scheduled,
//! and with three of them per record the writer's rate was that of the round trips
//! (docs/collect.md, "Why PostgreSQL was slow"). Should that statement fail, the group is done
//! again a record at a time, each under its own savepoint, so that one record's error fails that
//! record alone. Reads take a connection of their own from a small pool and see committed
//! records only.
//!
//! No TLS: the database is on this machine (loopback or a local socket) or behind a proxy that
//! adds it (docs/collect.md).

use super::limits::{
    PG_BATCH_BYTES, PG_CONNECT_TIMEOUT, PG_EXPORT_BATCH, PG_IDLE_READERS, PG_LOCK_WAIT,
};
use super::store::{put_through, write_groups, Extent, Job, NewRecord, Page, Put, Store, Visit};
use anyhow::{bail, Context, Result};
use postgres::{Client, Config, GenericClient, NoTls, Row, Statement};
use std::collections::HashSet;
use std::ops::Range;
use std::sync::{mpsc, Mutex};

/// `--db` names a PostgreSQL database (a URL); anything else is a SQLite file.
pub fn is_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// The URL with its password (if any) hidden, for messages.
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (auth, host) = match rest.rsplit_once('@') {
        Some((a, h)) if !h.contains('@') => (a, h),
        _ => return url.to_owned(),
    };
    match auth.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

const SCHEMA_VERSION: &str = "1";

const SCHEMA: &str = "
CREATE TABLE records (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at TEXT NOT NULL,
    instrument TEXT NOT NULL,
    checksum TEXT NOT NULL UNIQUE,
    plan_version TEXT NOT NULL,
    plan_sha256 TEXT NOT NULL,
    unit TEXT,
    respondent TEXT,
    code_hash TEXT,
    body BYTEA NOT NULL,
    UNIQUE (instrument, respondent),
    UNIQUE (instrument, code_hash)
);
CREATE INDEX records_by_instrument ON records (instrument, id);
CREATE TABLE idempotency_keys (
    key TEXT PRIMARY KEY,
    record BIGINT NOT NULL REFERENCES records (id)
);
";

/// A key both the writer and a second service would take: one service writes a database (the
/// records' ids are their arrival order only with one writer).
const WRITER_LOCK: i64 = 0x006b_616f_7069_6e67; // "kaoping" in ASCII

fn connect(url: &str) -> Result<Client> {
    let mut config: Config = url
        .parse()
        .with_context(|| format!("{} is not a PostgreSQL URL", redacted(url)))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(PG_CONNECT_TIMEOUT);
    }
    config
        .connect(NoTls)
        .with_context(|| format!("cannot connect to {}", redacted(url)))
}

fn table_exists(c: &mut impl GenericClient, name: &str) -> Result<bool> {
    let row = c.query_one("SELECT to_regclass($1) IS NOT NULL", &[&name])?;
    Ok(row.get(0))
}

/// Checks that the database is a collector's of plan `plan_id`, or makes it one.
fn prepare_database(c: &mut Client, url: &str, plan_id: &str) -> Result<()> {
    let shown = redacted(url);
    let mut tx = c.transaction()?;
    if table_exists(&mut tx, "meta")? {
        let get = |tx: &mut postgres::Transaction, key: &str| -> Result<Option<String>> {
            let row = tx.query_opt("SELECT value FROM meta WHERE key = $1", &[&key])?;
            Ok(row.map(|r| r.get(0)))
        };
        match get(&mut tx, "schema_version")?.as_deref() {
            Some(SCHEMA_VERSION) => {}
            Some(v) => bail!("{shown} was made by another kaoping (schema version {v})"),
            None => bail!("{shown} is a database of something else, not a collector's"),
        }
        match get(&mut tx, "plan_id")? {
            Some(p) if p != plan_id => bail!(
                "{shown} holds the records of plan {p}, not of plan {plan_id}: give another --db"
            ),
            Some(_) => {}
            None => bail!("{shown}: the collector's tables have no plan id"),
        }
    } else {
        if table_exists(&mut tx, "records")? || table_exists(&mut tx, "idempotency_keys")? {
            bail!("{shown} is a database of something else, not a collector's");
        }
        tx.batch_execute(SCHEMA)
            .with_context(|| format!("cannot create the collector's tables in {shown}"))?;
        tx.batch_execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', $1), ('plan_id', $2)",
            &[&SCHEMA_VERSION, &plan_id],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// The writer's connection with its statements prepared once.
struct Writer {
    url: String,
    client: Option<(Client, Statements)>,
}

struct Statements {
    /// One record ([`PUT`]), for a group done again a record at a time.
    one: Statement,
    /// A batch of records ([`PUT_BATCH`]).
    batch: Statement,
}

/// A record's checks against those held (and those before it in its group) and, when none
/// holds, its rows: one statement, one round trip (each took one before, and the writer's rate
/// was bounded by them). Its columns: the id held with the same checksum, with the same key,
/// with the same respondent, with the same code; the id stored.
const PUT: &str = "
WITH held AS (
    SELECT (SELECT id FROM records WHERE checksum = $3::TEXT) AS checksum,
           (SELECT record FROM idempotency_keys WHERE key = $10::TEXT) AS key,
           (SELECT id FROM records WHERE instrument = $2::TEXT AND respondent = $7::TEXT)
               AS respondent,
           (SELECT id FROM records WHERE instrument = $2::TEXT AND code_hash = $8::TEXT)
               AS code
), stored AS (
    INSERT INTO records (received_at, instrument, checksum, plan_version, plan_sha256, unit,
                         respondent, code_hash, body)
    SELECT $1::TEXT, $2::TEXT, $3::TEXT, $4::TEXT, $5::TEXT, $6::TEXT, $7::TEXT, $8::TEXT,
           $9::BYTEA
    FROM held
    WHERE checksum IS NULL AND key IS NULL AND respondent IS NULL AND code IS NULL
    RETURNING id
), keyed AS (
    INSERT INTO idempotency_keys (key, record)
    SELECT $10::TEXT, id FROM stored WHERE $10::TEXT IS NOT NULL
    ON CONFLICT DO NOTHING
)
SELECT checksum, key, respondent, code, (SELECT id FROM stored) FROM held";

/// [`PUT`] for a batch of records, in one statement: its parameters are the batch's columns as
/// arrays, in arrival order. No two records of a batch share a checksum, a key, a respondent or a
/// code ([`batches`]), so each is checked against the records held before the statement, as
/// [`PUT`] checks it after those before it. Those that none holds are inserted in arrival order
/// (the ids stay the arrival order). A row per record, in order: the ids held with the same
/// checksum, key, respondent, code; the id stored. No `ON CONFLICT`: it would only repeat those
/// checks. Should a unique constraint be hit all the same (something held not seen; it cannot be
/// with one writer), the statement fails, keeps nothing, and the group is done again a record
/// at a time.
const PUT_BATCH: &str = "
WITH input AS (
    SELECT * FROM unnest($1::TEXT[], $2::TEXT[], $3::TEXT[], $4::TEXT[], $5::TEXT[],
                         $6::TEXT[], $7::TEXT[], $8::TEXT[], $9::BYTEA[], $10::TEXT[])
        WITH ORDINALITY AS i (received_at, instrument, checksum, plan_version, plan_sha256,
                              unit, respondent, code_hash, body, key, n)
), held AS MATERIALIZED (
    SELECT i.*,
           (SELECT id FROM records r WHERE r.checksum = i.checksum) AS by_checksum,
           (SELECT record FROM idempotency_keys k WHERE k.key = i.key) AS by_key,
           (SELECT id FROM records r
            WHERE r.instrument = i.instrument AND r.respondent = i.respondent) AS by_respondent,
           (SELECT id FROM records r
            WHERE r.instrument = i.instrument AND r.code_hash = i.code_hash) AS by_code
    FROM input i
), stored AS (
    INSERT INTO records (received_at, instrument, checksum, plan_version, plan_sha256, unit,
                         respondent, code_hash, body)
    SELECT received_at, instrument, checksum, plan_version, plan_sha256, unit, respondent,
           code_hash, body
    FROM held
    WHERE by_checksum IS NULL AND by_key IS NULL AND by_respondent IS NULL AND by_code IS NULL
    ORDER BY n
    RETURNING id, checksum
), keyed AS (
    INSERT INTO idempotency_keys (key, record)
    SELECT h.key, s.id FROM stored s JOIN held h USING (checksum) WHERE h.key IS NOT NULL
)
SELECT h.by_checksum, h.by_key, h.by_respondent, h.by_code, s.id
FROM held h LEFT JOIN stored s USING (checksum)
ORDER BY h.n";

/// The group cut into batches for [`PUT_BATCH`], in order: a batch ends before a record that
/// shares its checksum, key, respondent or code with one already in it (that record must be
/// checked against it, so after it is stored), or that would take the batch's bodies past
/// [`PG_BATCH_BYTES`]. A group from pages is one batch.
fn batches(group: &[Job]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    let mut seen: HashSet<(u8, &str, &str)> = HashSet::new();
    for (i, job) in group.iter().enumerate() {
        let r = job.record();
        let mut keys = vec![(0, "", r.checksum)];
        keys.extend(r.idempotency_key.map(|k| (1, "", k)));
        keys.extend(r.respondent.map(|p| (2, r.instrument, p)));
        keys.extend(r.code_hash.map(|c| (3, r.instrument, c)));
        let full = i > start && bytes + r.body.len() > PG_BATCH_BYTES;
        if full || keys.iter().any(|k| seen.contains(k)) {
            out.push(start..i);
            start = i;
            bytes = 0;
            seen.clear();
        }
        bytes += r.body.len();
        seen.extend(keys);
    }
    if start < group.len() {
        out.push(start..group.len());
    }
    out
}

/// What a row of [`PUT`] or [`PUT_BATCH`] says of its record.
fn put_of(row: &Row) -> Result<Put> {
    let id = |i: usize| row.get::<_, Option<i64>>(i);
    Ok(if let Some(held) = id(0).or(id(1)) {
        Put::Repeat(held)
    } else if id(2).is_some() {
        Put::Duplicate
    } else if id(3).is_some() {
        Put::CodeReused
    } else if let Some(stored) = id(4) {
        Put::Stored(stored)
    } else {
        bail!("the record was neither held nor stored")
    })
}

impl Writer {
    /// The writer's session: durable commits, and the only writer of the database.
    fn open(url: &str) -> Result<(Client, Statements)> {
        let mut c = connect(url)?;
        // A service restarted at once after being killed: its old session may take a moment
        // to end (and free the lock) after PostgreSQL sees the connection closed.
        let since = std::time::Instant::now();
        let locked = loop {
            let locked: bool = c
                .query_one("SELECT pg_try_advisory_lock($1)", &[&WRITER_LOCK])?
                .get(0);
            if locked || since.elapsed() >= PG_LOCK_WAIT {
                break locked;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        if !locked {
            bail!(
                "another kaoping collect writes {} already (one service per database)",
                redacted(url)
            );
        }
        let sync: String = c.query_one("SHOW synchronous_commit", &[])?.get(0);
        if sync == "off" {
            c.batch_execute("SET synchronous_commit TO on")?;
        }
        // Planned at each execution, for the table as it is then. A plan made once and kept
        // (PostgreSQL's choice for a prepared statement after a few executions) was made when
        // the table was empty or small, and looked a record's respondent and code up through
        // the index by instrument, reading every record of the instrument, until autovacuum's
        // next ANALYZE (at most once a minute) had it planned again (docs/collect.md).
        c.batch_execute("SET plan_cache_mode TO force_custom_plan")?;
        let one = c.prepare(PUT)?;
        let batch = c.prepare(PUT_BATCH)?;
        Ok((c, Statements { one, batch }))
    }

    /// The group in one statement a batch ([`batches`]: one for a group from pages), each its
    /// own transaction; if one fails, the batches not yet committed are done again a record at a
    /// time. A lost connection is opened again for the next group.
    fn commit_group(&mut self, group: &[Job]) -> Result<Vec<Result<Put>>> {
        if self.client.as_ref().is_none_or(|(c, _)| c.is_closed()) {
            self.client = None;
            self.client = Some(Writer::open(&self.url)?);
        }
        let Some((c, s)) = self.client.as_mut() else {
            bail!("no connection to the database");
        };
        let mut puts = Vec::with_capacity(group.len());
        for range in batches(group) {
            let start = range.start;
            match put_batch(c, &s.batch, &group[range]) {
                Ok(done) => puts.extend(done),
                Err(e) if c.is_closed() => return Err(e),
                Err(_) => {
                    puts.extend(one_by_one(c, &s.one, &group[start..])?);
                    break;
                }
            }
        }
        Ok(puts)
    }
}

/// A batch in one statement, committed when it returns (no transaction is open around it: the
/// statement is its own). The outer error: the statement failed, and nothing of it was kept.
fn put_batch<'a>(c: &mut Client, put: &Statement, batch: &'a [Job]) -> Result<Vec<Result<Put>>> {
    let recs: Vec<NewRecord> = batch.iter().map(Job::record).collect();
    let col = |f: fn(&NewRecord<'a>) -> &'a str| recs.iter().map(f).collect::<Vec<_>>();
    let opt = |f: fn(&NewRecord<'a>) -> Option<&'a str>| recs.iter().map(f).collect::<Vec<_>>();
    let bodies: Vec<&[u8]> = recs.iter().map(|r| r.body).collect();
    let rows = c.query(
        put,
        &[
            &col(|r| r.received_at),
            &col(|r| r.instrument),
            &col(|r| r.checksum),
            &col(|r| r.plan_version),
            &col(|r| r.plan_sha256),
            &opt(|r| r.unit),
            &opt(|r| r.respondent),
            &opt(|r| r.code_hash),
            &bodies,
            &opt(|r| r.idempotency_key),
        ],
    )?;
    // Committed now: should the answer not account for every record, each is answered 503
    // (its page sends it again and is then told what is held).
    if rows.len() != batch.len() {
        let e = format!("{} answers for a batch of {}", rows.len(), batch.len());
        return Ok(batch
            .iter()
            .map(|_| Err(anyhow::anyhow!(e.clone())))
            .collect());
    }
    Ok(rows.iter().map(put_of).collect())
}

/// One transaction for the records, a savepoint per record (as the SQLite store), so that one
/// failing (an error, not a refusal) leaves the others.
fn one_by_one(c: &mut Client, put: &Statement, group: &[Job]) -> Result<Vec<Result<Put>>> {
    let mut tx = c.transaction()?;
    let mut puts = Vec::with_capacity(group.len());
    for job in group {
        let mut sp = tx.transaction()?;
        let done = put_one(&mut sp, put, &job.record());
        if done.is_ok() {
            sp.commit()?;
        }
        puts.push(done);
    }
    tx.commit()?;
    Ok(puts)
}

fn put_one(tx: &mut postgres::Transaction, put: &Statement, rec: &NewRecord) -> Result<Put> {
    let row = tx.query_one(
        put,
        &[
            &rec.received_at,
            &rec.instrument,
            &rec.checksum,
            &rec.plan_version,
            &rec.plan_sha256,
            &rec.unit,
            &rec.respondent,
            &rec.code_hash,
            &rec.body,
            &rec.idempotency_key,
        ],
    )?;
    put_of(&row)
}

/// The PostgreSQL store of one plan (the plan's id is kept in the database's `meta` table: a
/// database of another plan is refused at start).
pub struct Postgres {
    url: String,
    /// To the writer thread; it stops when this is dropped.
    jobs: Mutex<mpsc::Sender<Job>>,
    /// Reading connections not in use (at most [`PG_IDLE_READERS`] kept).
    readers: Mutex<Vec<Client>>,
}

impl Postgres {
    /// Connects to the database at `url` and makes it (or checks it is) plan `plan_id`'s.
    pub fn open(url: &str, plan_id: &str) -> Result<Postgres> {
        let mut c = connect(url)?;
        prepare_database(&mut c, url, plan_id)?;
        let writer = Writer {
            url: url.to_owned(),
            client: Some(Writer::open(url)?),
        };
        let (jobs, queue) = mpsc::channel();
        std::thread::Builder::new()
            .name("collect-writer".into())
            .spawn(move || write_groups(writer, &queue, Writer::commit_group))
            .context("cannot start the writer thread")?;
        Ok(Postgres {
            url: url.to_owned(),
            jobs: Mutex::new(jobs),
            readers: Mutex::new(vec![c]),
        })
    }

    /// Runs `f` on a reading connection; the connection goes back to the pool if it worked.
    fn read<T>(&self, f: impl FnOnce(&mut Client) -> Result<T>) -> Result<T> {
        let idle = self.readers.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut c = match idle {
            Some(c) if !c.is_closed() => c,
            _ => connect(&self.url)?,
        };
        let out = f(&mut c)?;
        let mut idle = self.readers.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < PG_IDLE_READERS {
            idle.push(c);
        }
        Ok(out)
    }
}

fn page_where(page: &Page) -> &'static str {
    if page.instrument.is_some() {
        "id > $1 AND instrument = $2"
    } else {
        "id > $1 AND $2::TEXT IS NULL"
    }
}

impl Store for Postgres {
    fn put(&self, rec: &NewRecord) -> Result<Put> {
        put_through(&self.jobs, rec)
    }

    fn extent(&self, page: &Page) -> Result<Extent> {
        let sql = format!(
            "SELECT count(*), max(id) FROM \
             (SELECT id FROM records WHERE {} ORDER BY id LIMIT $3) AS p",
            page_where(page)
        );
        self.read(|c| {
            let row = c.query_one(
                &sql,
                &[&page.since, &page.instrument, &i64::from(page.limit)],
            )?;
            let count: i64 = row.get(0);
            Ok(Extent {
                count: u32::try_from(count)?,
                last: row.get(1),
            })
        })
    }

    fn each(&self, page: &Page, last: i64, each: Visit) -> Result<()> {
        let sql = format!(
            "SELECT id, body FROM records WHERE {} AND id <= $3 ORDER BY id",
            page_where(page)
        );
        self.read(|c| {
            in_batches(c, &sql, &[&page.since, &page.instrument, &last], |row| {
                each(row.get(0), row.get(1))
            })
        })
    }

    fn count(&self) -> Result<u64> {
        self.read(|c| {
            let n: i64 = c.query_one("SELECT count(*) FROM records", &[])?.get(0);
            Ok(u64::try_from(n)?)
        })
    }
}

/// The rows of `sql` handed to `f` [`PG_EXPORT_BATCH`] at a time (a cursor in a read-only
/// transaction), so that a large page or export is never all in memory.
fn in_batches(
    c: &mut Client,
    sql: &str,
    params: &[&(dyn postgres::types::ToSql + Sync)],
    mut f: impl FnMut(&postgres::Row) -> Result<()>,
) -> Result<()> {
    let mut tx = c.build_transaction().read_only(true).start()?;
    let portal = tx.bind(sql, params)?;
    loop {
        let rows = tx.query_portal(&portal, PG_EXPORT_BATCH)?;
        for row in &rows {
            f(row)?;
        }
        if rows.len() < PG_EXPORT_BATCH as usize {
            break;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Each record of the database at `url` in arrival order, with its instrument (for export).
pub fn each_record(url: &str, f: &mut dyn FnMut(&str, &[u8]) -> Result<()>) -> Result<()> {
    let mut c = connect(url)?;
    let shown = redacted(url);
    if !table_exists(&mut c, "meta")? || !table_exists(&mut c, "records")? {
        bail!("{shown} is not a collector's database (no records table)");
    }
    in_batches(
        &mut c,
        "SELECT instrument, body FROM records ORDER BY id",
        &[],
        |row| f(row.get(0), row.get(1)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(checksum: &str, key: Option<&str>, respondent: Option<&str>, body: &[u8]) -> Job {
        let (reply, _) = mpsc::sync_channel(1);
        let rec = NewRecord {
            body,
            checksum,
            instrument: "public",
            plan_version: "1",
            plan_sha256: "00",
            unit: None,
            respondent,
            code_hash: None,
            idempotency_key: key,
            received_at: "2026-12-07T00:00:00.000Z",
        };
        Job::of(&rec, reply)
    }

    /// A group is one batch unless a record shares a checksum, key or respondent with one before
    /// it in the batch (it must see that one stored), or the bodies pass the byte bound.
    #[test]
    fn a_group_is_cut_where_a_record_must_see_an_earlier_one() {
        let group = [
            job("a", Some("k1"), Some("P1"), b"."),
            job("b", Some("k2"), Some("P2"), b"."),
            job("c", Some("k1"), Some("P3"), b"."), // key of a
            job("d", None, Some("P1"), b"."),       // respondent of a, in a new batch: no clash
            job("d", None, Some("P4"), b"."),       // checksum of the one before
            job("e", None, None, b"."),
        ];
        assert_eq!(batches(&group), [0..2, 2..4, 4..6]);
        let big = vec![b'x'; PG_BATCH_BYTES / 2 + 1];
        let group = [
            job("a", None, None, &big),
            job("b", None, None, &big),
            job("c", None, None, b"."),
        ];
        assert_eq!(batches(&group), [0..1, 1..3]);
        // A record larger than the bound alone is still a batch.
        let huge = vec![b'x'; PG_BATCH_BYTES + 1];
        assert_eq!(batches(&[job("a", None, None, &huge)]), vec![0..1]);
        assert!(batches(&[]).is_empty());
    }

    #[test]
    fn urls_are_told_from_files_and_passwords_hidden() {
        assert!(is_url("postgres://kaoping@127.0.0.1:5432/records"));
        assert!(is_url("postgresql://kaoping@/records?host=/run/postgresql"));
        assert!(!is_url("records.sqlite"));
        assert!(!is_url("./postgres://x"));
        assert_eq!(
            redacted("postgres://kaoping:s3cret@db.local:5432/r"),
            "postgres://kaoping:***@db.local:5432/r"
        );
        assert_eq!(
            redacted("postgres://kaoping@127.0.0.1/r"),
            "postgres://kaoping@127.0.0.1/r"
        );
    }
}
