//! One CSV file read by several threads (or Web Workers). The session reads the start of the
//! file as usual (the header, the encoding decided: the CLI and the office page give it the
//! first MiB or so); the rest is cut into blocks at line ends,
//! and [`CsvShard`]s, one per thread, prepare blocks in any order, doing everything that does
//! not depend on the rows before them: decoding, tokenizing, parsing, the form's checks, what
//! each row counts. The session takes the prepared blocks strictly in the file's order
//! ([`IngestSession::push_prepared`]) and does the rest: the duplicate check, the counting, and
//! the record path for the rows the compiled path left to it. So the result and every
//! rejection are exactly those of reading the file in one go.
//!
//! **Cuts.** A block starts just after a LF. That is a row boundary unless it is inside a
//! quoted field: the session checks it for the first block ([`IngestSession::shard_point`]:
//! also that the file is UTF-8 and its rows take the compiled path), and a block that ends
//! inside a quoted field says so in its first byte. [`IngestSession::take_prepared`] refuses
//! such a block, and the next ones while the session is not at a row start after their bytes;
//! the caller pushes the bytes of a refused block itself.
//!
//! **Prepared rows** (bytes; written and read by the same build): a first byte (1: the block
//! ended at a row boundary), then per row a tag, the row's number as the shard counted it (its
//! header is row 1), and for a compiled row the id (its bytes, or "FILE:ROW") and its counts
//! ([`Counted`]), for any other row its fields; at the end the shard's next row number.

use super::session::{Open, Reader};
use super::table_rows::{CsvCtx, CsvFile};
use super::{Format, IngestError, IngestSession, Sink};
use crate::ids::{pack, unpack};
use crate::plan::Plan;
use crate::table::compiled::{Counted, RowId};
use crate::table::csv::{CsvProblem, Row, Tokenizer};
use crate::table::decode::Encoding;

use super::FileOptions;

const COMPILED: u8 = 0;
const RAW: u8 = 1;
/// The end of a block: the shard's next row number follows.
const END: u8 = 2;
const ID_FIELD: u8 = 0;
const ID_FILE_ROW: u8 = 1;

/// Prepares blocks of one CSV file (one per thread).
pub struct CsvShard<'p> {
    sink: Sink<'p>,
    file: Box<CsvFile>,
    out: Vec<u8>,
    ready: bool,
}

impl<'p> CsvShard<'p> {
    /// A shard of the file `name` (read with `options`) whose first line, the header, is
    /// `header` (the file's bytes up to and including the first LF).
    pub fn new(
        plan: &'p Plan,
        name: &str,
        options: &FileOptions,
        header: &[u8],
    ) -> Result<CsvShard<'p>, IngestError> {
        let utf8 = matches!(options.encoding, Encoding::Auto | Encoding::Utf8);
        // The session's own CSV reader of the file, decoding as UTF-8 (the session checks
        // that the file is).
        let mut session = IngestSession::scoring(plan)?;
        let csv = FileOptions {
            format: Format::Csv,
            encoding: Encoding::Utf8,
            ..options.clone()
        };
        session.begin(name, csv)?;
        let Some(Open {
            reader: Reader::Csv(mut file),
            ..
        }) = session.open.take()
        else {
            return Err(IngestError::Prepared);
        };
        let mut sink = session.sink;
        let mut rows = 0;
        {
            let CsvFile {
                decoder, tok, ctx, ..
            } = &mut *file;
            decoder.push(header, &mut |bytes| {
                tok.feed(bytes, &mut |row: &Row| {
                    rows += 1;
                    ctx.row(row, &mut sink);
                });
            });
        }
        // The shard's first row after its header is its row 2, whatever line ends the header's
        // bytes held after the header row (lone CRs end lines too: "a,b\r\r\n" is three).
        file.tok.set_next_number(2);
        let ready = utf8
            && rows == 1
            && file.tok.at_row_start()
            && file.ctx.header_seen
            && file.ctx.error.is_none()
            && file.ctx.compiled.is_some()
            && sink.tallies.is_some();
        Ok(CsvShard {
            sink,
            file,
            out: Vec::new(),
            ready,
        })
    }

    /// Whether the shard can prepare rows (the header was read and its rows take the compiled
    /// path); when not, the caller reads the whole file in the session.
    pub fn ready(&self) -> bool {
        self.ready
    }

    /// Prepares a block of the file: bytes from a row start (just after a LF) to just after
    /// a LF, or to the file's end when `last`. The first byte of what it gives says whether the
    /// block ended at a row boundary (1) or inside a quoted field (0: its rows must not be
    /// used, [`IngestSession::take_prepared`]).
    /// The shard is then ready for another block.
    pub fn prepare_block(&mut self, block: &[u8], last: bool) -> Vec<u8> {
        self.out.clear();
        // About a third of the block for compiled rows; more is grown.
        self.out.reserve(block.len() / 3 + 64);
        self.out.push(0);
        if !self.ready {
            return std::mem::take(&mut self.out);
        }
        {
            let CsvFile {
                decoder, tok, ctx, ..
            } = &mut *self.file;
            let (sink, out) = (&mut self.sink, &mut self.out);
            decoder.push(block, &mut |bytes| {
                tok.feed(bytes, &mut |row: &Row| prepare(ctx, sink, row, out));
            });
            if last {
                tok.finish(&mut |row: &Row| prepare(ctx, sink, row, out));
            }
        }
        let tok = &mut self.file.tok;
        self.out[0] = u8::from(last || tok.at_row_start());
        self.out.push(END);
        varint(&mut self.out, tok.next_number());
        // The next block starts after the header again.
        let mut fresh = Tokenizer::new(tok.delimiter());
        fresh.set_next_number(2);
        *tok = fresh;
        std::mem::take(&mut self.out)
    }
}

/// A row prepared: on the compiled path when it takes it (an export's row recoded first, as
/// the session does), else its own fields for the session's record path.
fn prepare(ctx: &mut CsvCtx, sink: &mut Sink, row: &Row, out: &mut Vec<u8>) {
    let mut recoder = ctx.recoder.take();
    let recoded = match (recoder.as_mut(), ctx.layout.as_ref()) {
        (Some(r), Some(layout)) => r.recode(row, layout),
        _ => None,
    };
    let joined = ctx.layout.as_ref().is_some_and(|l| !l.joined.is_empty());
    let compiled = match &recoded {
        None if joined => false,
        None => prepare_compiled(ctx, sink, row, out),
        Some(Ok(recoded)) => prepare_compiled(ctx, sink, recoded, out),
        Some(Err(_)) => false,
    };
    drop(recoded);
    ctx.recoder = recoder;
    if !compiled {
        prepare_raw(row, out);
    }
}

/// A compiled row's counts as [`prepare_compiled`] wrote them.
fn read_counted(input: &mut Input, counted: &mut Counted) -> Result<(), IngestError> {
    let unit = input.bytes(2)?;
    counted.unit = u16::from_le_bytes([unit[0], unit[1]]);
    let cell = input.bytes(4)?;
    counted.cell = u32::from_le_bytes([cell[0], cell[1], cell[2], cell[3]]);
    let n = input.len()?;
    counted.items.clear();
    counted.items.extend_from_slice(input.bytes(n)?);
    counted.sat = input.u8()?;
    counted.nps = input.u8()?;
    let n = input.len()?;
    counted.used.clear();
    counted.used.extend_from_slice(input.bytes(n)?);
    counted.pri = match input.u8()? {
        0 => None,
        1 => {
            let mut bits = [0u8; 8];
            bits.copy_from_slice(input.bytes(8)?);
            Some(u64::from_le_bytes(bits))
        }
        _ => return Err(IngestError::Prepared),
    };
    Ok(())
}

/// The row on the compiled path, if it takes it.
fn prepare_compiled(ctx: &CsvCtx, sink: &mut Sink, row: &Row, out: &mut Vec<u8>) -> bool {
    if let (Some(c), Some(d), Some(layout)) = (
        ctx.compiled.as_ref(),
        sink.tallies.as_mut(),
        ctx.layout.as_ref(),
    ) {
        if let Some(id) = c.prepare(sink.plan, row, layout, d) {
            d.count_row(c);
            out.push(COMPILED);
            varint(out, row.number);
            match id {
                RowId::Field(f) => {
                    let id = row.field(f);
                    out.push(ID_FIELD);
                    varint(out, id.len() as u64);
                    out.extend_from_slice(id);
                }
                RowId::FileRow => out.push(ID_FILE_ROW),
            }
            let k = d.counted();
            out.extend_from_slice(&k.unit.to_le_bytes());
            out.extend_from_slice(&k.cell.to_le_bytes());
            varint(out, k.items.len() as u64);
            out.extend_from_slice(&k.items);
            out.push(k.sat);
            out.push(k.nps);
            varint(out, k.used.len() as u64);
            out.extend_from_slice(&k.used);
            match k.pri {
                Some(bits) => {
                    out.push(1);
                    out.extend_from_slice(&bits.to_le_bytes());
                }
                None => out.push(0),
            }
            return true;
        }
    }
    false
}

/// The row's own fields, for the session's record path.
fn prepare_raw(row: &Row, out: &mut Vec<u8>) {
    out.push(RAW);
    varint(out, row.number);
    match row.problem {
        None => out.push(0),
        Some((p, field)) => {
            out.push(match p {
                CsvProblem::UnterminatedQuote => 1,
                CsvProblem::TextAfterQuote => 2,
                CsvProblem::TooLong => 3,
            });
            varint(out, field as u64);
        }
    }
    varint(out, row.len() as u64);
    for i in 0..row.len() {
        let f = row.field(i);
        varint(out, f.len() as u64);
        out.extend_from_slice(f);
    }
}

fn varint(out: &mut Vec<u8>, mut x: u64) {
    while x >= 0x80 {
        out.push((x as u8) | 0x80);
        x >>= 7;
    }
    out.push(x as u8);
}

/// Reads prepared rows.
struct Input<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Input<'a> {
    fn u8(&mut self) -> Result<u8, IngestError> {
        let b = *self.data.get(self.at).ok_or(IngestError::Prepared)?;
        self.at += 1;
        Ok(b)
    }

    fn bytes(&mut self, n: usize) -> Result<&'a [u8], IngestError> {
        let end = self.at.checked_add(n).ok_or(IngestError::Prepared)?;
        let b = self.data.get(self.at..end).ok_or(IngestError::Prepared)?;
        self.at = end;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64, IngestError> {
        let mut x = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            x |= u64::from(b & 0x7F) << shift;
            if b < 0x80 {
                return Ok(x);
            }
        }
        Err(IngestError::Prepared)
    }

    fn len(&mut self) -> Result<usize, IngestError> {
        usize::try_from(self.varint()?).map_err(|_| IngestError::Prepared)
    }
}

impl IngestSession<'_> {
    /// Whether the open CSV file can go on with a shard's prepared rows: the bytes pushed so
    /// far end at the start of a row, the file is UTF-8 and its rows take the compiled path.
    /// Once [`IngestSession::push_prepared`] has been called, the file's rows continue with
    /// prepared rows only.
    pub fn shard_point(&self) -> bool {
        match self.open.as_ref().map(|o| &o.reader) {
            Some(Reader::Csv(csv)) => self.sink.tallies.is_some() && at_shard_point(csv),
            _ => false,
        }
    }

    /// A block prepared by a [`CsvShard`] ([`CsvShard::prepare_block`]) of the open file, the
    /// blocks in order, when [`IngestSession::shard_point`] said true before the first of them.
    /// A block whose first byte is 0 is refused (call [`IngestSession::resume_bytes`]).
    pub fn push_prepared(&mut self, data: &[u8]) -> Result<(), IngestError> {
        let mut open = self.open.take().ok_or(IngestError::NoFile)?;
        let r = self.prepared_to(&mut open.reader, open.file, data);
        self.open = Some(open);
        r
    }

    fn prepared_to(
        &mut self,
        reader: &mut Reader,
        file: usize,
        data: &[u8],
    ) -> Result<(), IngestError> {
        let Reader::Csv(csv) = reader else {
            return Err(IngestError::Prepared);
        };
        if data.first() != Some(&1) {
            return Err(IngestError::Prepared);
        }
        if csv.shard_offset.is_none() {
            if self.sink.tallies.is_none() || !at_shard_point(csv) {
                return Err(IngestError::Prepared);
            }
            // The shard's first row after its header is its row 2.
            csv.shard_offset = Some(csv.tok.next_number().saturating_sub(2));
        }
        let offset = csv.shard_offset.ok_or(IngestError::Prepared)?;
        let sink = &mut self.sink;
        let ctx = &mut csv.ctx;
        let mut input = Input { data, at: 1 };
        let mut counted = Counted::default();
        let (mut buf, mut starts, mut ends) = (Vec::new(), Vec::new(), Vec::new());
        while input.at < data.len() {
            let tag = input.u8()?;
            let number = input.varint()? + offset;
            match tag {
                END => {
                    // The next block's row 2 is the row after this one's last.
                    csv.shard_offset = Some(number - 2);
                    if input.at != data.len() {
                        return Err(IngestError::Prepared);
                    }
                }
                COMPILED => {
                    let id_kind = input.u8()?;
                    let id: std::borrow::Cow<[u8]> = match id_kind {
                        ID_FIELD => {
                            let n = input.len()?;
                            input.bytes(n)?.into()
                        }
                        ID_FILE_ROW => format!("{}:{number}", sink.files[file]).into_bytes().into(),
                        _ => return Err(IngestError::Prepared),
                    };
                    read_counted(&mut input, &mut counted)?;
                    let (Some(c), Some(layout)) = (ctx.compiled.as_ref(), ctx.layout.as_ref())
                    else {
                        return Err(IngestError::Prepared);
                    };
                    let instrument = sink.plan.instruments[c.instrument()].id.as_bytes();
                    sink.report.read += 1;
                    match sink.seen.first_seen(instrument, &id, pack(file, number)) {
                        Some(first) => {
                            // What the record path says of it (it passed every other check).
                            let id = String::from_utf8_lossy(&id).into_owned();
                            sink.duplicate(file, number as usize, &id, unpack(first));
                            if let (Some(f), Some(last)) =
                                (layout.respondent_field, sink.report.rejected.last_mut())
                            {
                                last.column = Some(layout.header(f));
                            }
                        }
                        None => {
                            let d = sink.tallies.as_mut().ok_or(IngestError::Prepared)?;
                            d.apply(&counted);
                            sink.report.accepted += 1;
                            sink.fast_rows += 1;
                        }
                    }
                }
                RAW => {
                    let problem = match input.u8()? {
                        0 => None,
                        p => {
                            let field = input.len()?;
                            let p = match p {
                                1 => CsvProblem::UnterminatedQuote,
                                2 => CsvProblem::TextAfterQuote,
                                3 => CsvProblem::TooLong,
                                _ => return Err(IngestError::Prepared),
                            };
                            Some((p, field))
                        }
                    };
                    let n = input.len()?;
                    buf.clear();
                    starts.clear();
                    ends.clear();
                    for _ in 0..n {
                        let len = input.len()?;
                        starts.push(buf.len() as u32);
                        buf.extend_from_slice(input.bytes(len)?);
                        ends.push(buf.len() as u32);
                    }
                    let row = Row::from_parts(number, &buf, &starts, &ends, problem);
                    ctx.row(&row, sink);
                }
                _ => return Err(IngestError::Prepared),
            }
        }
        if let Some(e) = ctx.error.take() {
            return Err(e);
        }
        Ok(())
    }
}

impl IngestSession<'_> {
    /// The next block of the open file, prepared by a [`CsvShard`]: taken when its rows can be
    /// used here (it ended at a row boundary, and the session is at its start: after prepared
    /// blocks, or at a row start after bytes). False when not (a cut inside a quoted field):
    /// then give the block's bytes with [`IngestSession::push`].
    pub fn take_prepared(&mut self, prepared: &[u8]) -> Result<bool, IngestError> {
        let tallies = self.sink.tallies.is_some();
        let usable = prepared.first() == Some(&1)
            && match self.open.as_ref().map(|o| &o.reader) {
                Some(Reader::Csv(csv)) => {
                    csv.shard_offset.is_some() || (tallies && at_shard_point(csv))
                }
                _ => false,
            };
        if usable {
            self.push_prepared(prepared)?;
        } else {
            self.resume_bytes()?;
        }
        Ok(usable)
    }

    /// After prepared blocks, the rest of the open file as bytes again (from the start of the
    /// block that could not be used, or of the first block not prepared).
    pub fn resume_bytes(&mut self) -> Result<(), IngestError> {
        let Some(Reader::Csv(csv)) = self.open.as_mut().map(|o| &mut o.reader) else {
            return Err(IngestError::NoFile);
        };
        if let Some(offset) = csv.shard_offset.take() {
            csv.tok.set_next_number(offset + 2);
        }
        Ok(())
    }
}

fn at_shard_point(csv: &CsvFile) -> bool {
    csv.shard_offset.is_none()
        && csv.tok.at_row_start()
        && csv.decoder.encoding() == Encoding::Utf8
        && csv.ctx.header_seen
        && csv.ctx.compiled.is_some()
}
