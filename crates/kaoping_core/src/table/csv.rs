//! An RFC 4180 CSV tokenizer that is fed UTF-8 bytes in chunks of any size (a field, a quote, a
//! CRLF or a multi-byte character may be split anywhere) and hands out complete rows.
//!
//! A row is a reused byte buffer holding the unescaped fields back to back plus their end
//! offsets, so reading a row allocates nothing once the buffers have grown. Line ends: LF,
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
}

/// A complete row, valid until the next row is handed out.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    /// The spreadsheet row number (the header is row 1).
    pub number: u64,
    buf: &'a [u8],
    ends: &'a [u32],
    /// The first problem in the row and the (0-based) field it is in.
    pub problem: Option<(CsvProblem, usize)>,
}

impl<'a> Row<'a> {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// All fields' bytes, back to back.
    pub fn bytes(&self) -> &'a [u8] {
        self.buf
    }

    /// The unescaped bytes of field `i` (empty when the row has fewer fields).
    #[inline]
    pub fn field(&self, i: usize) -> &'a [u8] {
        if i >= self.ends.len() {
            return &[];
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.buf[start..self.ends[i] as usize]
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
}

/// The streaming tokenizer.
pub struct Tokenizer {
    delimiter: u8,
    state: State,
    /// The previous chunk ended with a CR that ended a row: skip one LF.
    skip_lf: bool,
    buf: Vec<u8>,
    ends: Vec<u32>,
    /// Rows started so far (the number of the row being read).
    number: u64,
    /// Whether the row has any content yet (a field, a delimiter, a quote).
    started: bool,
    problem: Option<(CsvProblem, usize)>,
    /// Bytes that end an unquoted run: delimiter, CR, LF, quote.
    stop: [bool; 256],
}

impl Tokenizer {
    pub fn new(delimiter: u8) -> Tokenizer {
        let mut stop = [false; 256];
        for b in [delimiter, b'\r', b'\n', b'"'] {
            stop[b as usize] = true;
        }
        Tokenizer {
            delimiter,
            state: State::FieldStart,
            skip_lf: false,
            buf: Vec::with_capacity(1024),
            ends: Vec::with_capacity(64),
            number: 1,
            started: false,
            problem: None,
            stop,
        }
    }

    #[inline]
    fn end_field(&mut self) {
        self.ends.push(self.buf.len() as u32);
        self.state = State::FieldStart;
    }

    #[inline]
    fn end_row<F: FnMut(&Row)>(&mut self, on_row: &mut F) {
        if self.started {
            self.ends.push(self.buf.len() as u32);
            // A lone empty field is a blank line: counted, not handed out.
            if !(self.ends.len() == 1 && self.buf.is_empty() && self.problem.is_none()) {
                on_row(&Row {
                    number: self.number,
                    buf: &self.buf,
                    ends: &self.ends,
                    problem: self.problem,
                });
            }
        }
        self.number += 1;
        self.buf.clear();
        self.ends.clear();
        self.problem = None;
        self.started = false;
        self.state = State::FieldStart;
    }

    fn note(&mut self, p: CsvProblem) {
        if self.problem.is_none() {
            self.problem = Some((p, self.ends.len()));
        }
    }

    /// Reads a chunk; complete rows go to `on_row`.
    pub fn feed<F: FnMut(&Row)>(&mut self, data: &[u8], on_row: &mut F) {
        let mut i = 0;
        let n = data.len();
        if self.skip_lf && n > 0 {
            self.skip_lf = false;
            if data[0] == b'\n' {
                i = 1;
            }
        }
        while i < n {
            match self.state {
                State::FieldStart | State::Unquoted => {
                    if self.state == State::FieldStart && data[i] == b'"' {
                        self.state = State::Quoted;
                        self.started = true;
                        i += 1;
                        continue;
                    }
                    // The run up to the next delimiter, line end or quote.
                    let start = i;
                    while i < n && !self.stop[data[i] as usize] {
                        i += 1;
                    }
                    if i > start {
                        self.buf.extend_from_slice(&data[start..i]);
                        self.started = true;
                        self.state = State::Unquoted;
                    }
                    if i == n {
                        break;
                    }
                    let b = data[i];
                    i += 1;
                    if b == self.delimiter {
                        self.started = true;
                        self.end_field();
                    } else if b == b'\n' {
                        self.end_row(on_row);
                    } else if b == b'\r' {
                        self.end_row(on_row);
                        if i < n {
                            if data[i] == b'\n' {
                                i += 1;
                            }
                        } else {
                            self.skip_lf = true;
                        }
                    } else {
                        // A quote inside an unquoted field: kept as text.
                        self.buf.push(b);
                        self.started = true;
                        self.state = State::Unquoted;
                    }
                }
                State::Quoted => {
                    let start = i;
                    while i < n && data[i] != b'"' {
                        i += 1;
                    }
                    self.buf.extend_from_slice(&data[start..i]);
                    if i < n {
                        i += 1;
                        self.state = State::QuoteInQuoted;
                    }
                }
                State::QuoteInQuoted => {
                    let b = data[i];
                    if b == b'"' {
                        self.buf.push(b'"');
                        self.state = State::Quoted;
                        i += 1;
                    } else if b == self.delimiter || b == b'\n' || b == b'\r' {
                        // The closing quote; the delimiter or line end is read as unquoted.
                        self.state = State::Unquoted;
                    } else {
                        self.note(CsvProblem::TextAfterQuote);
                        self.state = State::Unquoted;
                    }
                }
            }
        }
    }

    /// The end of the data: the last row, if it did not end with a line break.
    pub fn finish<F: FnMut(&Row)>(&mut self, on_row: &mut F) {
        if self.state == State::Quoted {
            self.note(CsvProblem::UnterminatedQuote);
        }
        self.skip_lf = false;
        if self.started {
            self.end_row(on_row);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Rows = Vec<(u64, Vec<String>, Option<(CsvProblem, usize)>)>;

    fn rows(text: &[u8], chunk: usize) -> Rows {
        let mut t = Tokenizer::new(b',');
        let mut out = Vec::new();
        let mut f = |r: &Row| {
            out.push((
                r.number,
                (0..r.len())
                    .map(|i| String::from_utf8_lossy(r.field(i)).into_owned())
                    .collect(),
                r.problem,
            ))
        };
        for c in text.chunks(chunk.max(1)) {
            t.feed(c, &mut f);
        }
        t.finish(&mut f);
        out
    }

    fn same_in_every_chunking(text: &[u8]) -> Rows {
        let whole = rows(text, text.len());
        for c in 1..=text.len().min(9) {
            assert_eq!(rows(text, c), whole, "chunk {c}");
        }
        whole
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn rfc4180_cases() {
        let got = same_in_every_chunking(
            b"a,b,c\r\n1,\"x,y\",\"he said \"\"hi\"\"\"\r\n\"multi\r\nline\",,3\r\n",
        );
        assert_eq!(
            got,
            vec![
                (1, s(&["a", "b", "c"]), None),
                (2, s(&["1", "x,y", "he said \"hi\""]), None),
                (3, s(&["multi\r\nline", "", "3"]), None),
            ]
        );
        // LF, CR, blank lines counted, no final line break, empty trailing field.
        let got = same_in_every_chunking(b"a,b\n\n1,\r2,x\r\r\n3,");
        assert_eq!(
            got,
            vec![
                (1, s(&["a", "b"]), None),
                (3, s(&["1", ""]), None),
                (4, s(&["2", "x"]), None),
                (6, s(&["3", ""]), None),
            ]
        );
    }

    #[test]
    fn problems_name_the_field() {
        let got = same_in_every_chunking(b"a,b\n1,\"open\n2,3\n");
        assert_eq!(
            got,
            vec![
                (1, s(&["a", "b"]), None),
                (
                    2,
                    s(&["1", "open\n2,3\n"]),
                    Some((CsvProblem::UnterminatedQuote, 1))
                ),
            ]
        );
        let got = same_in_every_chunking(b"\"ab\"c,d\nx\"y,z");
        assert_eq!(
            got,
            vec![
                (1, s(&["abc", "d"]), Some((CsvProblem::TextAfterQuote, 0))),
                (2, s(&["x\"y", "z"]), None),
            ]
        );
    }

    #[test]
    fn multibyte_characters_split_across_chunks() {
        let text = "区,意见\n江岸,\"很好，\"\"满意\"\"\"\n".as_bytes();
        let got = same_in_every_chunking(text);
        assert_eq!(got[1].1, s(&["江岸", "很好，\"满意\""]));
    }
}
