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

/// Random texts of delimiters, quotes, line ends and other bytes: the rows are the same
/// whole (rows without quotes read in one pass) as byte by byte or in 3-byte chunks
/// (mostly the state machine).
#[test]
fn random_texts_read_the_same_in_any_chunking() {
    let alphabet: &[u8] = b",,,,\"\r\n\naaab\xC3\xA9 ";
    let mut x: u64 = 7;
    for _ in 0..4000 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let len = (x >> 58) as usize + (x >> 40) as usize % 40;
        let text: Vec<u8> = (0..len)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                alphabet[(x >> 33) as usize % alphabet.len()]
            })
            .collect();
        let whole = rows(&text, text.len());
        assert_eq!(
            rows(&text, 1),
            whole,
            "{:?}",
            String::from_utf8_lossy(&text)
        );
        assert_eq!(
            rows(&text, 3),
            whole,
            "{:?}",
            String::from_utf8_lossy(&text)
        );
    }
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
fn long_fields_in_every_chunking() {
    // Fields of every length from 0 to 20 (the scan reads 8 bytes at a time), some with
    // multi-byte characters or quoted delimiters.
    let mut text = String::new();
    for r in 0..4 {
        let fields: Vec<String> = (0..21)
            .map(|k| match (r + k) % 3 {
                0 => "x".repeat(k),
                1 => "意".repeat(k / 3 + 1),
                _ => format!("\"{}\"", ",".repeat(k)),
            })
            .collect();
        text.push_str(&fields.join(","));
        text.push_str("\r\n");
    }
    let got = same_in_every_chunking(text.as_bytes());
    assert_eq!(got.len(), 4);
    assert!(got.iter().all(|(_, f, p)| f.len() == 21 && p.is_none()));
    assert_eq!(got[1].1[20], "x".repeat(20));
    assert_eq!(got[0].1[20], ",".repeat(20));
    assert_eq!(got[2].1[20], "意".repeat(7));
}

#[test]
fn multibyte_characters_split_across_chunks() {
    let text = "区,意见\n江岸,\"很好，\"\"满意\"\"\"\n".as_bytes();
    let got = same_in_every_chunking(text);
    assert_eq!(got[1].1, s(&["江岸", "很好，\"满意\""]));
}

fn same_in_these_chunkings(text: &[u8]) -> Rows {
    let whole = rows(text, text.len());
    for c in [1, 7, 1000, 65_537, MAX_ROW_BYTES] {
        assert!(rows(text, c) == whole, "chunk {c}");
    }
    whole
}

#[test]
fn a_row_over_the_limit_is_dropped_and_reading_goes_on_after_a_line_end() {
    // A stray quote in row 2: without the cap, the rest of the file is one row.
    let line = "3,plain\n";
    let lines = MAX_ROW_BYTES / line.len() + 10;
    let text = format!("a,b\n1,\"stray\n{}9,last\n", line.repeat(lines));
    let got = same_in_these_chunkings(text.as_bytes());
    assert_eq!(got[0], (1, s(&["a", "b"]), None));
    assert_eq!(got[1], (2, vec![], Some((CsvProblem::TooLong, 0))));
    // The row's byte past the limit falls in plain line k (from 1, physical line k + 2);
    // reading goes on with the next line, numbered by lines.
    let k = (MAX_ROW_BYTES - "1,\"stray\n".len()) / line.len() + 1;
    let first = k + 3;
    assert_eq!(got[2], (first as u64, s(&["3", "plain"]), None));
    let last = got.last().unwrap();
    assert_eq!(last, &(3 + lines as u64, s(&["9", "last"]), None));
    assert_eq!(got.len(), 2 + (last.0 as usize - first) + 1);

    // Rows of exactly the limit are read; one byte more is not (unquoted, quoted, CRLF).
    for (end, quoted) in [("\n", false), ("\r\n", false), ("\r", true)] {
        let field = |n: usize| {
            if quoted {
                format!("\"{}\"", "x".repeat(n - 1))
            } else {
                "x".repeat(n)
            }
        };
        let text = format!(
            "{}{end}{}{end}ok{end}",
            field(MAX_ROW_BYTES),
            field(MAX_ROW_BYTES + 1)
        );
        let got = same_in_these_chunkings(text.as_bytes());
        assert_eq!(got.len(), 3, "{end:?} {quoted}");
        assert_eq!(got[0].2, None);
        assert_eq!(got[1], (2, vec![], Some((CsvProblem::TooLong, 0))));
        assert_eq!(got[2], (3, s(&["ok"]), None));
    }
    // A row of delimiters only, in one chunk: its field ends stop at the limit too.
    let text = format!("a\n\"q\",{}\nok\n", ",".repeat(MAX_ROW_BYTES + 100));
    let got = same_in_these_chunkings(text.as_bytes());
    assert_eq!(got[1], (2, vec![], Some((CsvProblem::TooLong, 0))));
    assert_eq!(got[2], (3, s(&["ok"]), None));
    // An over-long last row without a line end.
    let got = same_in_these_chunkings(format!("a\n\"{}", "y".repeat(MAX_ROW_BYTES)).as_bytes());
    assert_eq!(got[1], (2, vec![], Some((CsvProblem::TooLong, 0))));
}
