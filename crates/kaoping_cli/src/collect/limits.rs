//! Every limit of the collector, with its reason (listed in docs/limits.md).

use std::time::Duration;

/// The largest request body taken (bytes); over it: 413. The same as the development server's
/// (`xtask/src/serve.rs`): a review sheet of every unit and indicator with long comments stays
/// far below, and no record comes near it.
pub const MAX_BODY: usize = 2 * 1024 * 1024;

/// The longest `Idempotency-Key` header (characters), as the development server: the page sends
/// a record's checksum (64 hex digits).
pub const MAX_KEY: usize = 256;

/// Records a client may send in a burst before it is slowed down (429): a classroom or office
/// behind one address submitting at the same moment.
pub const RATE_BURST: f64 = 60.0;

/// Records a second a client may send after its burst (the bucket's refill): far more than a
/// person submits, far less than a script flooding the store. The page retries a 429 later.
pub const RATE_PER_SECOND: f64 = 10.0;

/// Clients whose rate is tracked at once: past this, buckets full again are dropped first, and
/// when none is, a new client waits (429) rather than memory growing with addresses (about
/// 64 bytes a client: 6.4 MB at most).
pub const MAX_CLIENTS: usize = 100_000;

/// Connections served at once; past it a connection is answered 503 `busy` and closed (the
/// page retries). A silent connection costs about 2 KB (9,990 held: the service's memory went
/// from 10 to 29 MB, `cargo xtask bench collect`), so the cap is set where a flood of silent
/// connections (10,000, issue 17) is still held and cut after [`IDLE_TIMEOUT`] while others
/// are answered.
/// The service's file limit (`ulimit -n`, systemd's `LimitNOFILE`) must allow as many.
pub const MAX_CONNECTIONS: u32 = 10_000;

/// Connections the system holds waiting to be accepted (the listen backlog; the system caps
/// it at `net.core.somaxconn`, 4,096 on Debian 12). With the 128 of a plain bind, a burst of
/// new connections while the service is busy for a moment overflowed it, and each connection
/// dropped there waited a second for its client's retry.
pub const ACCEPT_BACKLOG: u32 = 1024;

/// How long a connection refused as busy is kept to read what its client sent, so that
/// closing it does not reset it before the client read the 503.
pub const BUSY_LINGER: Duration = Duration::from_secs(1);

/// A connection with nothing read or written for this long is closed, so that clients that
/// open connections and send nothing (or stop halfway) do not hold the places of others.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// A connection that has written nothing for this long since it opened or last answered is
/// closed: a client trickling its request head a byte at a time is never idle, and hyper as
/// axum runs it has no timer for the head. A request's head and body ([`BODY_TIMEOUT`]) take
/// less; between requests, [`IDLE_TIMEOUT`] closes a kept-alive connection first.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

/// How long reading one request body may take in all (408 past it): 2 MiB at 70 KB/s, a slow
/// mobile line.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// Records in one answer of `GET /api/records` at most (the default too); the office asks again
/// from the cursor for the next. Bounds one answer's time and the read transaction's length.
pub const PAGE_SIZE: u32 = 10_000;

/// Records committed together at most (one transaction, one sync): those that arrived while
/// the last commit was syncing. Bounds how long one commit holds the writer and how many
/// answers wait on it; far above the records that arrive during one sync at the aim of
/// 5,000 a second.
pub const MAX_GROUP: usize = 256;

/// How long a write waits for SQLite's lock (held by a backup or another process reading the
/// file) before the POST fails with 503 and the page retries.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How long connecting to PostgreSQL may take (unless the URL gives `connect_timeout`) before
/// the service refuses to start or a write or read fails with 503: the database is on this
/// machine or near it, and a page waiting longer would rather retry.
pub const PG_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Rows fetched from PostgreSQL at a time when a page of `GET /api/records` or an export is
/// read (through a cursor), so that a page of [`PAGE_SIZE`] records of up to [`MAX_BODY`] each
/// is never held in memory at once.
pub const PG_EXPORT_BATCH: i32 = 500;

/// Reading connections to PostgreSQL kept open between reads; more are opened while the office
/// reads at the same time, then closed.
pub const PG_IDLE_READERS: usize = 4;

/// Bodies' bytes stored by one PostgreSQL statement at most (a group's records go in one
/// statement, their columns as arrays): past it the group takes another statement. Bounds the
/// message to the server and its copy there; far above a group of the records pages send
/// ([`MAX_GROUP`] records of about 1 KB), and any one record ([`MAX_BODY`]) fits.
pub const PG_BATCH_BYTES: usize = 16 * 1024 * 1024;

/// How long a starting service waits for another's hold on a PostgreSQL database (one writer
/// per database) to end before refusing to start: a service killed and restarted at once
/// holds it until PostgreSQL has seen its connection close, a moment later.
pub const PG_LOCK_WAIT: Duration = Duration::from_secs(5);
