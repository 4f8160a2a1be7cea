//! A large CSV file read by every core: from a row start on, the file is cut into blocks of
//! about [`BLOCK`] bytes at line ends; worker threads and the main thread prepare blocks
//! ([`CsvShard::prepare_block`]: decoding, parsing, checks) in any order, and the main thread
//! gives them to the session strictly in order ([`IngestSession::take_prepared`]: duplicates,
//! counting, the record path). So the result is exactly that of one pass, and memory stays flat:
//! at most [`AHEAD`] prepared blocks wait at any time. A block whose end fell inside a quoted
//! field is given to the session as bytes, and so are the next ones until one ends at a row
//! start; prepared blocks are used again from there.

use anyhow::{Context, Result};
use kaoping_core::aggregate::AggregateRun;
use kaoping_core::ingest::{CsvShard, FileOptions, IngestSession};
use kaoping_core::plan::Plan;
use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::{Condvar, Mutex};

/// What takes the blocks: an ingest session, or an aggregation (which also hashes the bytes).
pub trait Target<'p> {
    fn plan(&self) -> &'p Plan;
    fn shard_point(&self) -> bool;
    /// A prepared block, and its bytes.
    /// A prepared block, and its bytes: false when its rows cannot be used (then push its
    /// bytes).
    fn take_prepared(&mut self, bytes: &[u8], rows: &[u8]) -> Result<bool>;
    fn push(&mut self, bytes: &[u8]) -> Result<()>;
    /// Whether `take_prepared` needs the block's bytes.
    fn wants_bytes(&self) -> bool;
    /// Bytes of the file taken so far (progress).
    fn taken(&mut self, _bytes: u64) {}
}

impl<'p> Target<'p> for IngestSession<'p> {
    fn plan(&self) -> &'p Plan {
        IngestSession::plan(self)
    }
    fn shard_point(&self) -> bool {
        IngestSession::shard_point(self)
    }
    fn take_prepared(&mut self, _bytes: &[u8], rows: &[u8]) -> Result<bool> {
        Ok(IngestSession::take_prepared(self, rows)?)
    }
    fn push(&mut self, bytes: &[u8]) -> Result<()> {
        Ok(IngestSession::push(self, bytes)?)
    }
    fn wants_bytes(&self) -> bool {
        false
    }
}

/// An aggregation with a progress callback.
pub struct Aggregating<'r, 'p, F: FnMut(&AggregateRun<'p>)> {
    pub run: &'r mut AggregateRun<'p>,
    pub progress: F,
}

impl<'p, F: FnMut(&AggregateRun<'p>)> Target<'p> for Aggregating<'_, 'p, F> {
    fn plan(&self) -> &'p Plan {
        self.run.plan()
    }
    fn shard_point(&self) -> bool {
        self.run.shard_point()
    }
    fn take_prepared(&mut self, bytes: &[u8], rows: &[u8]) -> Result<bool> {
        Ok(self.run.take_prepared(bytes, rows)?)
    }
    fn push(&mut self, bytes: &[u8]) -> Result<()> {
        Ok(self.run.push(bytes)?)
    }
    fn wants_bytes(&self) -> bool {
        true
    }
    fn taken(&mut self, _bytes: u64) {
        (self.progress)(self.run);
    }
}

/// Threads to read a large CSV file with: `KAOPING_THREADS` when set (1: one thread), else
/// the cores available.
pub fn threads() -> usize {
    std::env::var("KAOPING_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// CSV files from this size are read in blocks.
pub const FROM: u64 = 8 << 20;
/// The session reads the file up to the first line end past this many bytes on its own (the
/// header read, the encoding decided) before the blocks start.
pub const FIRST: u64 = 1 << 20;

/// Reads the rest of the file `f` (of `len` bytes, the first `pushed` of which `target` has)
/// in blocks, when it is large enough and there is more than one thread: its first [`FIRST`]
/// bytes or so as bytes (the header read, the encoding decided), the rest prepared by every
/// thread. False, and
/// nothing read, when not.
pub fn read_file<'p>(
    target: &mut impl Target<'p>,
    f: &mut std::fs::File,
    path: &Path,
    name: &str,
    options: &FileOptions,
    pushed: u64,
    len: u64,
) -> Result<bool> {
    let threads = threads();
    if threads < 2 || len < FROM {
        return Ok(false);
    }
    // The first line (with its LF), within the first MiB.
    let mut head = vec![0u8; 1 << 20];
    f.seek(SeekFrom::Start(0))
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut n = 0;
    while n < head.len() {
        let k = f
            .read(&mut head[n..])
            .with_context(|| format!("cannot read {}", path.display()))?;
        if k == 0 {
            break;
        }
        n += k;
    }
    let Some(h) = head[..n].iter().position(|b| *b == b'\n') else {
        return Ok(false);
    };
    let header = &head[..=h];
    let start = line_start_at(f, FIRST.max(h as u64 + 1), len, path)?;
    if start >= len {
        return Ok(false);
    }
    copy_range(target, f, pushed, start, path)?;
    let go_on = if target.shard_point() {
        read(target, path, name, options, header, start, len, threads)?
    } else {
        start
    };
    copy_range(target, f, go_on, u64::MAX, path)?;
    Ok(true)
}

/// Bytes in a block (before moving its end to a line end).
pub const BLOCK: u64 = 4 << 20;
/// Blocks prepared ahead of the one the session takes next, at most.
const AHEAD: usize = 6;

struct Prepared {
    from: u64,
    to: u64,
    bytes: Option<Vec<u8>>,
    rows: Vec<u8>,
}

struct Shared {
    /// The next block to prepare.
    claim: usize,
    /// The next block the session takes.
    take: usize,
    /// Prepared blocks: where each starts and ends, its bytes (when the target wants them),
    /// and its prepared rows.
    ready: BTreeMap<usize, Prepared>,
    /// Stop preparing (the session stopped taking blocks, or an error).
    stop: bool,
    error: Option<anyhow::Error>,
}

/// Reads the file from `start` (a row start) to `len` in blocks; the session takes the
/// prepared rows, or the bytes of blocks whose cuts were not row boundaries (inside a quoted
/// field). Gives where the session must go on reading bytes itself: `start` when no rows could
/// be prepared (the header does not fit the compiled path), else `len`.
#[allow(clippy::too_many_arguments)]
fn read<'p>(
    session: &mut impl Target<'p>,
    path: &Path,
    name: &str,
    options: &FileOptions,
    header: &[u8],
    start: u64,
    len: u64,
    threads: usize,
) -> Result<u64> {
    let plan = session.plan();
    let keep = session.wants_bytes();
    let n_blocks = usize::try_from((len - start).div_ceil(BLOCK)).unwrap_or(usize::MAX);
    let shared = Mutex::new(Shared {
        claim: 0,
        take: 0,
        ready: BTreeMap::new(),
        stop: false,
        error: None,
    });
    let changed = Condvar::new();
    let lock = || shared.lock().unwrap_or_else(|e| e.into_inner());
    // One shard per thread; the main thread's first, to learn whether rows can be prepared.
    let mut mine = CsvShard::new(plan, name, options, header)?;
    if !mine.ready() {
        return Ok(start);
    }
    // `buf`: the thread's block buffer, used again unless the block's bytes are kept.
    let prepare = |shard: &mut CsvShard, f: &mut std::fs::File, buf: &mut Vec<u8>, k: usize| {
        let r = block(f, path, start, len, k, buf).map(|(from, last)| {
            let rows = shard.prepare_block(buf, last);
            let to = from + buf.len() as u64;
            Prepared {
                from,
                to,
                bytes: keep.then(|| std::mem::take(buf)),
                rows,
            }
        });
        let mut s = lock();
        match r {
            Ok(done) => {
                s.ready.insert(k, done);
            }
            Err(e) => {
                s.error.get_or_insert(e);
                s.stop = true;
            }
        }
        changed.notify_all();
    };
    // Claims the next block to prepare, when there is one and room for it.
    let claim = |s: &mut Shared| -> Option<usize> {
        (!s.stop && s.claim < n_blocks && s.claim < s.take + AHEAD).then(|| {
            s.claim += 1;
            s.claim - 1
        })
    };
    std::thread::scope(|scope| -> Result<u64> {
        for _ in 1..threads {
            scope.spawn(|| {
                let mut f = match std::fs::File::open(path) {
                    Ok(f) => f,
                    Err(_) => return,
                };
                let Ok(mut shard) = CsvShard::new(plan, name, options, header) else {
                    return;
                };
                let mut buf = Vec::new();
                loop {
                    let k = {
                        let mut s = lock();
                        loop {
                            if s.stop || s.claim >= n_blocks {
                                return;
                            }
                            if let Some(k) = claim(&mut s) {
                                break k;
                            }
                            s = changed.wait(s).unwrap_or_else(|e| e.into_inner());
                        }
                    };
                    prepare(&mut shard, &mut f, &mut buf, k);
                }
            });
        }
        let mut f =
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        let mut buf = Vec::new();
        let result = (|| -> Result<()> {
            loop {
                let mut s = lock();
                if let Some(e) = s.error.take() {
                    return Err(e);
                }
                if s.take >= n_blocks {
                    return Ok(());
                }
                let next = s.take;
                if let Some(Prepared {
                    from,
                    to,
                    bytes,
                    rows,
                }) = s.ready.remove(&next)
                {
                    drop(s);
                    if !session.take_prepared(bytes.as_deref().unwrap_or_default(), &rows)? {
                        // A cut inside a quoted field (this block's end, or its start): the
                        // block's bytes as they are.
                        match bytes {
                            Some(b) => session.push(&b)?,
                            None => copy_range(session, &mut f, from, to, path)?,
                        }
                    }
                    session.taken(to);
                    let mut s = lock();
                    s.take += 1;
                    changed.notify_all();
                    continue;
                }
                if let Some(k) = claim(&mut s) {
                    drop(s);
                    prepare(&mut mine, &mut f, &mut buf, k);
                    continue;
                }
                drop(changed.wait(s).unwrap_or_else(|e| e.into_inner()));
            }
        })();
        let mut s = lock();
        s.stop = true;
        changed.notify_all();
        drop(s);
        result.map(|()| len)
    })
}

/// Where the first row starting at or after `at` starts: just after the first LF from `at`,
/// or `len` (the end of the file) when there is none.
fn line_start_at(f: &mut std::fs::File, at: u64, len: u64, path: &Path) -> Result<u64> {
    if at >= len {
        return Ok(len);
    }
    f.seek(SeekFrom::Start(at))
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut buf = [0u8; 64 * 1024];
    let mut pos = at;
    loop {
        let n = f
            .read(&mut buf)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            return Ok(len);
        }
        if let Some(p) = buf[..n].iter().position(|b| *b == b'\n') {
            return Ok((pos + p as u64 + 1).min(len));
        }
        pos += n as u64;
    }
}

/// Block `k` into `bytes` (without zeroing it first): its start, and whether it is the file's
/// last. Blocks start just after the first LF at or past `start + k·BLOCK` (block 0 at
/// `start`) and end where the next starts.
fn block(
    f: &mut std::fs::File,
    path: &Path,
    start: u64,
    len: u64,
    k: usize,
    bytes: &mut Vec<u8>,
) -> Result<(u64, bool)> {
    let nominal = |k: usize| start.saturating_add(BLOCK.saturating_mul(k as u64));
    let read_err = || format!("cannot read {}", path.display());
    let from = if k == 0 {
        start
    } else {
        line_start_at(f, nominal(k), len, path)?
    };
    let to = line_start_at(f, nominal(k + 1), len, path)?;
    let n = usize::try_from(to - from).context("block too large")?;
    bytes.clear();
    bytes.reserve(n);
    f.seek(SeekFrom::Start(from)).with_context(read_err)?;
    let got = (&mut *f)
        .take(to - from)
        .read_to_end(bytes)
        .with_context(read_err)?;
    if got != n {
        anyhow::bail!(
            "cannot read {}: it changed while being read",
            path.display()
        );
    }
    Ok((from, to >= len))
}

/// Pushes the bytes `from..to` of the file (to its end at most) into the session (or aggregation).
pub fn copy_range<'p>(
    session: &mut impl Target<'p>,
    f: &mut std::fs::File,
    from: u64,
    to: u64,
    path: &Path,
) -> Result<()> {
    f.seek(SeekFrom::Start(from))
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut buf = vec![0u8; 1 << 20];
    let mut left = to.saturating_sub(from);
    while left > 0 {
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = f
            .read(&mut buf[..want])
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        session.push(&buf[..n])?;
        left -= n as u64;
        session.taken(to.min(from + (to.saturating_sub(from) - left)));
    }
    Ok(())
}
