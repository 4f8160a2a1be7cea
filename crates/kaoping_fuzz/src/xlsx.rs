//! The XLSX reader and the ZIP container under it.

use std::sync::OnceLock;

use kaoping_core::cells::Cell;
use kaoping_core::xlsx::zip::{ZipReader, ZipWriter};
use kaoping_core::xlsx::{read_csv_text, read_rows, sheet_names, write_workbook, Sheet};

/// The parts of a small valid workbook written by kaoping (name, bytes), in order.
pub(crate) fn parts() -> &'static [(String, Vec<u8>)] {
    static PARTS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    PARTS.get_or_init(|| {
        let sheet = Sheet {
            name: "表1".into(),
            headers: vec!["respondent_id".into(), "district".into(), "overall".into()],
            rows: vec![
                vec![
                    Cell::Text("r1".into()),
                    Cell::Text("jiangan".into()),
                    Cell::Number(4.0),
                ],
                vec![Cell::Text("r2".into()), Cell::Empty, Cell::Number(0.5)],
            ],
        };
        let bytes = write_workbook(&[sheet]);
        let zip = ZipReader::new(&bytes).expect("kaoping's workbook is a ZIP");
        PART_NAMES
            .iter()
            .map(|n| {
                let b = zip
                    .read(n)
                    .expect("kaoping writes this part")
                    .expect("and it reads back");
                (n.to_string(), b)
            })
            .collect()
    })
}

/// The parts the fuzzer may replace, first to last (the input's NUL-separated pieces).
const PART_NAMES: [&str; 6] = [
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "[Content_Types].xml",
    "_rels/.rels",
];

/// Reads a workbook as ingest does (`read_rows` of the first sheet, the CSV text of it) and
/// every sheet by name.
fn read_all(bytes: &[u8]) {
    let first = read_rows(bytes, None);
    // The CSV text of the rows (it may refuse a sheet whose table, every row as wide as the
    // widest, is over a limit).
    if let (Ok(rows), Ok(csv)) = (&first, read_csv_text(bytes, None)) {
        // One line per row (a row's cells may hold line breaks, so at least that many).
        assert!(csv.matches('\n').count() >= rows.len());
    }
    if let Ok(names) = sheet_names(bytes) {
        for name in names.iter().take(4) {
            let _ = read_rows(bytes, Some(name));
        }
    }
    let _ = read_rows(bytes, Some("no such sheet"));
}

/// The first byte chooses: even, the rest is a file read as a workbook; odd, the rest is split
/// at NUL bytes into the XML parts of a valid workbook (sheet, shared strings, workbook,
/// relationships, content types; parts not given are kaoping's own), zipped, and read.
pub fn xlsx(data: &[u8]) {
    let Some((&ctl, body)) = data.split_first() else {
        return;
    };
    if ctl & 1 == 0 {
        read_all(body);
        return;
    }
    let mut given = body.split(|b| *b == 0);
    let mut zip = ZipWriter::default();
    for (name, default) in parts() {
        match given.next() {
            Some(part) => zip.add(name, part),
            None => zip.add(name, default),
        }
    }
    read_all(&zip.finish());
}

/// Names of the central directory entries found in bytes (as a ZIP reader would see them), to
/// ask the reader for each.
fn entry_names(data: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    let mut at = 0;
    while let Some(p) = data[at..].windows(4).position(|w| w == b"PK\x01\x02") {
        let start = at + p;
        if let Some(len) = data.get(start + 28..start + 30) {
            let len = usize::from(u16::from_le_bytes([len[0], len[1]]));
            if let Some(name) = data.get(start + 46..start + 46 + len) {
                names.push(String::from_utf8_lossy(name).replace('\\', "/"));
            }
        }
        at = start + 4;
        if names.len() >= 16 {
            break;
        }
    }
    names
}

/// The first byte chooses: even, the rest is read as a ZIP archive (every entry named in it
/// read, inflated and checked); odd, the rest is split at NUL bytes into pairs of entry name
/// and content, written with the ZIP writer and read back: each entry must come back as
/// written (the first of the names that are equal ignoring ASCII case).
pub fn zip(data: &[u8]) {
    let Some((&ctl, body)) = data.split_first() else {
        return;
    };
    if ctl & 1 == 0 {
        if let Ok(zip) = ZipReader::new(body) {
            for name in entry_names(body) {
                assert_eq!(zip.has(&name), zip.read(&name).is_some(), "{name:?}");
            }
            let _ = zip.read("xl/workbook.xml");
        }
        return;
    }
    let pieces: Vec<&[u8]> = body.split(|b| *b == 0).collect();
    let entries: Vec<(String, &[u8])> = pieces
        .chunks(2)
        .map(|c| {
            (
                String::from_utf8_lossy(c[0]).replace('\\', "/"),
                c.get(1).copied().unwrap_or_default(),
            )
        })
        .take(64)
        .collect();
    let mut w = ZipWriter::default();
    for (name, bytes) in &entries {
        w.add(name, bytes);
    }
    let archive = w.finish();
    let zip = ZipReader::new(&archive).expect("a written archive reads");
    for (i, (name, bytes)) in entries.iter().enumerate() {
        let first = entries
            .iter()
            .position(|e| e.0.eq_ignore_ascii_case(name))
            .expect("the entry itself");
        let got = zip
            .read(name)
            .expect("a written entry is found")
            .expect("a written entry reads");
        if first == i {
            assert_eq!(&got, bytes, "entry {name:?}");
        }
    }
}
