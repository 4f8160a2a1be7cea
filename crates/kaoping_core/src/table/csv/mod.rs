//! An RFC 4180 CSV tokenizer that is fed UTF-8 bytes in chunks of any size (a field, a quote, a
//! CRLF or a multi-byte character may be split anywhere) and hands out complete rows.
//!
//! A row is its bytes plus the start and end of each field, so reading a row allocates nothing
//! once the buffers have grown. A row with no quote that ends within the chunk is read in one
//! pass and handed out where it lies (line end and delimiters found eight bytes at a time);
//! any other row goes through the state machine, which copies it once into a reused buffer
//! (quoted fields unescaped in place) and scans unquoted text eight bytes at a time. Line ends: LF,
//! CRLF or CR. Quoted fields may hold delimiters, line ends and doubled quotes. A quote inside
//! an unquoted field is kept as text (as Excel does). Rows are numbered as a spreadsheet shows
//! them: the first line (the header) is row 1, a quoted field with line breaks stays one row,
//! and blank lines are counted but not handed out.

/// A problem with the CSV text of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvProblem {
    /// The file ends inside a quoted field.
    UnterminatedQuote,
    /// Text after the closing quote of a field (`"ab"c`); the text is kept.
    TextAfterQuote,
    /// The row is longer than [`MAX_ROW_BYTES`] (most often a stray quote that never closes):
    /// its fields are dropped and reading goes on after the first line end past the limit.
    TooLong,
}

/// The most bytes a row may hold (its fields and delimiters, a doubled quote counted once;
/// a field is at most a row). A survey row is a few hundred bytes and Excel's largest cell
/// 32,767 characters; without a cap one stray quote makes the rest of a file one row held
/// in memory. A longer row is a `csv_syntax` rejection and the reader goes on after the
/// first line end (CR or LF, quotes not counted) past the limit.
pub const MAX_ROW_BYTES: usize = 1 << 20;

/// A complete row, valid until the next row is handed out.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    /// The spreadsheet row number (the header is row 1).
    pub number: u64,
    buf: &'a [u8],
    starts: &'a [u32],
    ends: &'a [u32],
    /// The first problem in the row and the (0-based) field it is in.
    pub problem: Option<(CsvProblem, usize)>,
}

impl<'a> Row<'a> {
    /// A row from its parts: `buf` holds the fields, field `i` is `buf[starts[i]..ends[i]]`.
    pub(crate) fn from_parts(
        number: u64,
        buf: &'a [u8],
        starts: &'a [u32],
        ends: &'a [u32],
        problem: Option<(CsvProblem, usize)>,
    ) -> Row<'a> {
        Row {
            number,
            buf,
            starts,
            ends,
            problem,
        }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The row's bytes (its fields with what lies between them): ASCII when every field is.
    pub fn bytes(&self) -> &'a [u8] {
        self.buf
    }

    /// The unescaped bytes of field `i` (empty when the row has fewer fields).
    #[inline]
    pub fn field(&self, i: usize) -> &'a [u8] {
        match (self.starts.get(i), self.ends.get(i)) {
            (Some(s), Some(e)) => &self.buf[*s as usize..*e as usize],
            _ => &[],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a field.
    FieldStart,
    /// Inside an unquoted field.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field: a doubled quote, or the closing one.
    QuoteInQuoted,
    /// After a row went over [`MAX_ROW_BYTES`]: up to the next CR or LF.
    Skip,
}

/// The streaming tokenizer. The bytes of a row are copied once into a buffer (the raw row,
/// with quoted fields unescaped in place); fields are ranges of it.
pub struct Tokenizer {
    delimiter: u8,
    state: State,
    /// The previous chunk ended with a CR that ended a row: skip one LF.
    skip_lf: bool,
    buf: Vec<u8>,
    starts: Vec<u32>,
    ends: Vec<u32>,
    /// Rows started so far (the number of the row being read).
    number: u64,
    /// Whether the row has any content yet (a field, a delimiter, a quote).
    started: bool,
    problem: Option<(CsvProblem, usize)>,
    /// The delimiter, CR, LF and quote repeated in every byte of a word (the SWAR scan).
    splat: [u64; 4],
    /// In [`State::Skip`]: the line ends inside the over-long row so far.
    skipped_lines: u64,
}

/// Word-at-a-time scans (here and in `compiled/`): a byte repeated in every byte of a word, and
/// the high bit of every byte.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
pub(crate) const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The eight bytes of `b` from `i`, as a little-endian word.
#[inline]
pub(crate) fn word(b: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"))
}

/// High bits marking the bytes of `w` equal to `splat`'s byte (`byte·ONES`): the classic
/// `(v - ONES) & !v & HIGHS` test, whose lowest set bit is always exact (bits above it may
/// not be).
#[inline]
pub(crate) fn equal_bytes(w: u64, splat: u64) -> u64 {
    let v = w ^ splat;
    v.wrapping_sub(ONES) & !v & HIGHS
}

/// Index of the first of `data[i..]` that is one of the four bytes in `splat`, or `data.len()`.
/// Eight bytes at a time: a byte equal to `b` is a zero byte of `w ^ b·ONES`, found with the
/// classic `(v - ONES) & !v & HIGHS` test, whose lowest set bit is always exact.
#[inline]
fn next_stop(data: &[u8], mut i: usize, splat: &[u64; 4]) -> usize {
    let n = data.len();
    while i + 8 <= n {
        let w = word(data, i);
        let mut hit = 0;
        for s in splat {
            hit |= equal_bytes(w, *s);
        }
        if hit != 0 {
            return i + (hit.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < n {
        let b = data[i];
        if splat.iter().any(|s| *s as u8 == b) {
            return i;
        }
        i += 1;
    }
    n
}

/// A row that starts at `data[i]` and ends in `data` with no quote in it, read in one pass:
/// its fields go to `starts` and `ends` (positions in the row), and it gives where its line
/// end starts and where the next row starts (LF, CRLF, or a CR; a CR at the end of `data` ends
/// the row too, the caller skips an LF that follows). `None` when the row has a quote or does
/// not end in `data` (then `starts` and `ends` are left empty).
///
/// Eight bytes at a time: the delimiters are the zero bytes of `w ^ delimiter·ONES`, found
/// exactly (no borrow between bytes); the first CR, LF or quote is the lowest bit of the
/// classic `(v - ONES) & !v & HIGHS` test, which is always exact.
#[inline]
fn plain_row(
    data: &[u8],
    i: usize,
    splat: &[u64; 4],
    starts: &mut Vec<u32>,
    ends: &mut Vec<u32>,
) -> Option<(usize, usize)> {
    const LOWS: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    // A row longer than the limit is the state machine's (which rejects it).
    let n = data.len().min(i + MAX_ROW_BYTES + 1);
    let mut j = i;
    // The delimiters go to `ends`; the starts follow from them at the row's end.
    let mut delimiters = |mut zero: u64, at: usize| {
        while zero != 0 {
            ends.push((at + (zero.trailing_zeros() / 8) as usize - i) as u32);
            zero &= zero - 1;
        }
    };
    let mut stop = None;
    while j + 8 <= n {
        let w = word(data, j);
        let v = w ^ splat[0];
        let zero = !(((v & LOWS) + LOWS) | v | LOWS);
        let mut end = 0;
        for s in &splat[1..] {
            end |= equal_bytes(w, *s);
        }
        if end != 0 {
            let k = end.trailing_zeros() / 8;
            // The delimiters before the stop (k < 8).
            delimiters(zero & ((1u64 << (k * 8)) - 1), j);
            stop = Some(j + k as usize);
            break;
        }
        delimiters(zero, j);
        j += 8;
    }
    if stop.is_none() {
        while j < n {
            let b = data[j];
            if u64::from(b) == splat[0] & 0xFF {
                delimiters(0x80, j);
            } else if b == b'\r' || b == b'\n' || b == b'"' {
                stop = Some(j);
                break;
            }
            j += 1;
        }
    }
    let next = match stop.map(|p| (p, data[p])) {
        Some((p, b'\n')) => Some((p, p + 1)),
        Some((p, b'\r')) if data.get(p + 1) == Some(&b'\n') => Some((p, p + 2)),
        Some((p, b'\r')) => Some((p, p + 1)),
        _ => None,
    };
    match next {
        Some((p, _)) => {
            starts.push(0);
            starts.extend(ends.iter().map(|d| d + 1));
            ends.push((p - i) as u32);
        }
        None => ends.clear(),
    }
    next
}

/// The buffer position of `data[j]` when `data[seg..j]` is not yet copied into the row.
macro_rules! pos {
    ($t:expr, $seg:expr, $j:expr) => {
        ($t.buf.len() + $j - $seg) as u32
    };
}

impl Tokenizer {
    pub fn new(delimiter: u8) -> Tokenizer {
        Tokenizer {
            delimiter,
            state: State::FieldStart,
            skip_lf: false,
            buf: Vec::with_capacity(1024),
            starts: Vec::with_capacity(64),
            ends: Vec::with_capacity(64),
            number: 1,
            started: false,
            problem: None,
            splat: [delimiter, b'\r', b'\n', b'"'].map(|b| u64::from(b) * ONES),
            skipped_lines: 0,
        }
    }

    fn note(&mut self, p: CsvProblem) {
        if self.problem.is_none() {
            self.problem = Some((p, self.ends.len()));
        }
    }

    /// Ends the row whose last field ends at buffer position `end`.
    #[inline]
    fn end_row<F: FnMut(&Row)>(&mut self, end: u32, on_row: &mut F) {
        if self.started {
            self.ends.push(end);
            // A lone empty field is a blank line: counted, not handed out.
            let blank = self.ends.len() == 1 && end == self.starts[0] && self.problem.is_none();
            if !blank {
                on_row(&Row {
                    number: self.number,
                    buf: &self.buf,
                    starts: &self.starts,
                    ends: &self.ends,
                    problem: self.problem,
                });
            }
        }
        self.number += 1;
        self.buf.clear();
        self.starts.clear();
        self.ends.clear();
        self.problem = None;
        self.started = false;
        self.state = State::FieldStart;
    }

    /// Whether the bytes read so far end exactly at the start of a row (not inside one, not
    /// inside a quoted field, not between the CR and LF of a line end).
    pub fn at_row_start(&self) -> bool {
        self.state == State::FieldStart && !self.started && !self.skip_lf
    }

    /// The number the next row will have.
    pub fn next_number(&self) -> u64 {
        self.number
    }

    /// Numbers the rows from `n` on (for reading a file from the middle, at a row start).
    pub fn set_next_number(&mut self, n: u64) {
        self.number = n;
    }

    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// Reads a chunk; complete rows go to `on_row`.
    pub fn feed<F: FnMut(&Row)>(&mut self, data: &[u8], on_row: &mut F) {
        let n = data.len();
        let mut i = 0;
        if self.skip_lf && n > 0 {
            self.skip_lf = false;
            if data[0] == b'\n' {
                i = 1;
            }
        }
        // Bytes data[seg..i] are part of the row but not yet copied; the buffer position of
        // data[j] is buf.len() + j - seg (`pos!`).
        let mut seg = i;
        while i < n {
            // A whole row in this chunk with no quote in it: its fields found in one pass,
            // handed out without a copy.
            if self.state == State::FieldStart && !self.started {
                if let Some(next) = self.plain_row(data, i, on_row) {
                    i = next;
                    seg = i;
                    continue;
                }
            }
            (i, seg) = match self.state {
                State::FieldStart => self.field_start(data, i, seg),
                State::Unquoted => self.unquoted(data, i, seg, on_row),
                State::Quoted => self.quoted(data, i, seg),
                State::QuoteInQuoted => (self.quote_in_quoted(data, i), seg),
                State::Skip => self.skip_line(data, i, on_row),
            };
        }
        // Keep the rest of the row for the next chunk.
        if self.state != State::Skip && self.copy(data, seg, n) {
            let i = self.over(data, seg);
            self.feed(&data[i..], on_row);
        }
        // A delimiter at the very end of a chunk leaves the next field unstarted; a field
        // that starts in the next chunk begins at the buffer's end, as FieldStart will note.
    }

    /// A row from `data[i..]` that ends in this chunk and has no quote: handed out as it lies
    /// in `data`; the position after its line end, or `None` when there is no such row.
    #[inline(always)]
    fn plain_row<F: FnMut(&Row)>(
        &mut self,
        data: &[u8],
        i: usize,
        on_row: &mut F,
    ) -> Option<usize> {
        let n = data.len();
        let splat = self.splat;
        if let Some((end, next)) = plain_row(data, i, &splat, &mut self.starts, &mut self.ends) {
            let row = &data[i..end];
            // A lone empty field is a blank line: counted, not handed out.
            if !row.is_empty() {
                on_row(&Row {
                    number: self.number,
                    buf: row,
                    starts: &self.starts,
                    ends: &self.ends,
                    problem: None,
                });
            }
            self.number += 1;
            self.starts.clear();
            self.ends.clear();
            if next == n && data[n - 1] == b'\r' {
                // A CR at the chunk's end: an LF that starts the next one is its.
                self.skip_lf = true;
            }
            return Some(next);
        }
        None
    }

    /// At the start of a field: quoted or not. Returns the new `(i, seg)` (as all the steps
    /// of [`Tokenizer::feed`] do).
    #[inline(always)]
    fn field_start(&mut self, data: &[u8], mut i: usize, mut seg: usize) -> (usize, usize) {
        self.starts.push(pos!(self, seg, i));
        self.started = true;
        if data[i] == b'"' {
            // Copy up to the quote; the field's content starts after it.
            if self.copy(data, seg, i + 1) {
                i = self.over(data, seg);
                seg = i;
                return (i, seg);
            }
            i += 1;
            seg = i;
            *self.starts.last_mut().expect("pushed") = self.buf.len() as u32;
            self.state = State::Quoted;
        } else {
            self.state = State::Unquoted;
        }
        (i, seg)
    }

    /// Inside an unquoted field: up to the next delimiter or line end.
    #[inline(always)]
    fn unquoted<F: FnMut(&Row)>(
        &mut self,
        data: &[u8],
        mut i: usize,
        mut seg: usize,
        on_row: &mut F,
    ) -> (usize, usize) {
        let n = data.len();
        let splat = self.splat;
        let delim = self.delimiter;
        loop {
            i = next_stop(data, i, &splat);
            if i == n {
                break;
            }
            let b = data[i];
            if b == delim {
                self.ends.push(pos!(self, seg, i));
                i += 1;
                if self.buf.len() + i - seg > MAX_ROW_BYTES {
                    // Fields and their ends grow with no copy: bounded here.
                    i = self.over(data, seg);
                    seg = i;
                    break;
                }
                if i < n && data[i] != b'"' {
                    // The next field starts here, unquoted: read on.
                    self.starts.push(pos!(self, seg, i));
                    continue;
                }
                // The next field starts with a quote, or in the next chunk.
                self.state = State::FieldStart;
                break;
            } else if b == b'\n' || b == b'\r' {
                let end = pos!(self, seg, i);
                if self.copy(data, seg, i) {
                    i = self.over(data, seg);
                    seg = i;
                    break;
                }
                self.end_row(end, on_row);
                i += 1;
                if b == b'\r' {
                    if i < n {
                        if data[i] == b'\n' {
                            i += 1;
                        }
                    } else {
                        self.skip_lf = true;
                    }
                }
                seg = i;
                break;
            } else {
                // A quote inside an unquoted field: kept as text.
                i += 1;
            }
        }
        (i, seg)
    }

    /// Inside a quoted field: up to the next quote.
    #[inline(always)]
    fn quoted(&mut self, data: &[u8], mut i: usize, mut seg: usize) -> (usize, usize) {
        let n = data.len();
        while i < n && data[i] != b'"' {
            i += 1;
        }
        if i < n {
            // Copy the content; drop the quote.
            if self.copy(data, seg, i) {
                i = self.over(data, seg);
                seg = i;
                return (i, seg);
            }
            i += 1;
            seg = i;
            self.state = State::QuoteInQuoted;
        }
        (i, seg)
    }

    /// Just after a quote inside a quoted field: a doubled quote, or the closing one.
    #[inline(always)]
    fn quote_in_quoted(&mut self, data: &[u8], mut i: usize) -> usize {
        let delim = self.delimiter;
        let b = data[i];
        if b == b'"' {
            // A doubled quote: this one is content (copied from seg).
            i += 1;
            self.state = State::Quoted;
        } else if b == delim || b == b'\n' || b == b'\r' {
            // The closing quote; the delimiter or line end is read as unquoted.
            self.state = State::Unquoted;
        } else {
            self.note(CsvProblem::TextAfterQuote);
            self.state = State::Unquoted;
        }
        i
    }

    /// After an over-long row: up to the next line end, which ends it.
    #[inline(always)]
    fn skip_line<F: FnMut(&Row)>(
        &mut self,
        data: &[u8],
        mut i: usize,
        on_row: &mut F,
    ) -> (usize, usize) {
        let n = data.len();
        let Some(p) = data[i..].iter().position(|&b| b == b'\n' || b == b'\r') else {
            return (n, n);
        };
        i += p + 1;
        if data[i - 1] == b'\r' {
            if i < n {
                i += usize::from(data[i] == b'\n');
            } else {
                self.skip_lf = true;
            }
        }
        self.end_skip(on_row);
        (i, i)
    }

    /// Appends `data[from..to]` to the row, unless that makes it longer than
    /// [`MAX_ROW_BYTES`]: then nothing is appended and the answer is `true`.
    #[inline]
    fn copy(&mut self, data: &[u8], from: usize, to: usize) -> bool {
        if self.buf.len() + (to - from) > MAX_ROW_BYTES {
            return true;
        }
        self.buf.extend_from_slice(&data[from..to]);
        false
    }

    /// The row would go over the limit with `data[from..]`: drop it, and skip from its first
    /// byte past the limit (the position returned) to the next line end. The line ends inside
    /// it are counted, so that the rows after it are numbered by lines.
    #[cold]
    fn over(&mut self, data: &[u8], from: usize) -> usize {
        let past = from + (MAX_ROW_BYTES - self.buf.len());
        // LF, and CR not followed by LF (the byte at `past` exists: past < to <= len).
        let held = self.buf.iter().chain(&data[from..past]);
        let next = held.clone().skip(1).chain(&data[past..=past]);
        self.skipped_lines = held
            .zip(next)
            .filter(|&(&c, &d)| c == b'\n' || (c == b'\r' && d != b'\n'))
            .count() as u64;
        self.buf.clear();
        self.starts.clear();
        self.ends.clear();
        self.started = true;
        self.state = State::Skip;
        past
    }

    /// The line end after an over-long row: it is handed out with no fields.
    #[cold]
    fn end_skip<F: FnMut(&Row)>(&mut self, on_row: &mut F) {
        on_row(&Row {
            number: self.number,
            buf: &[],
            starts: &[],
            ends: &[],
            problem: Some((CsvProblem::TooLong, 0)),
        });
        self.number += self.skipped_lines + 1;
        self.skipped_lines = 0;
        self.problem = None;
        self.started = false;
        self.state = State::FieldStart;
    }

    /// The end of the data: the last row, if it did not end with a line break.
    pub fn finish<F: FnMut(&Row)>(&mut self, on_row: &mut F) {
        if self.state == State::Skip {
            self.skip_lf = false;
            return self.end_skip(on_row);
        }
        if self.state == State::Quoted {
            self.note(CsvProblem::UnterminatedQuote);
        }
        self.skip_lf = false;
        if self.state == State::FieldStart && self.started {
            // A trailing delimiter: an empty last field.
            let end = self.buf.len() as u32;
            self.starts.push(end);
        }
        if self.started {
            let end = self.buf.len() as u32;
            self.end_row(end, on_row);
        }
    }
}

#[cfg(test)]
mod tests;
