//! The XLSX reader: a sheet as rows of strings, as a person sees them in Excel.
//!
//! Row `i` of the result is the sheet's row `i + 1` (empty rows are kept, so that row numbers
//! in messages match Excel's); within a row, cells are placed by their column letters, gaps
//! are empty strings and trailing empty cells are dropped. Shared strings, inline strings and
//! formula strings are text; numbers are written in their shortest round-trip form (Excel's
//! `91.409999999999997` is `91.41`); booleans are `TRUE`/`FALSE`; cells styled as dates or times
//! are ISO 8601 (`2026-03-31`, `2026-03-31T08:30:00`); error cells keep their text (`#N/A`).

use super::sheet::{CellText, SheetRows};
use super::xml::{Event, Reader};
use super::zip::ZipReader;
use super::XlsxError;

/// Excel's own limits of a sheet: rows 1 to 1,048,576, columns A to XFD (16,384). A cell or
/// row past them (`r="ZZZZZZZ1"`, `r="4000000000"`) is an error, not billions of empty cells.
pub const MAX_ROWS: usize = 1 << 20;
pub const MAX_COLUMNS: usize = 1 << 14;
/// The most cell positions of a sheet, the gaps before a cell in its row included (each is an
/// empty string in memory), and of the table [`super::read_csv_text`] makes (every row with a
/// cell as wide as the widest): 4,194,304, e.g. 100,000 respondents × 40 questions (a larger
/// data set comes as CSV, which has no such limit). Empty
/// rows cost nothing here (an empty row is kept, so that row numbers stay Excel's).
pub const MAX_SHEET_CELLS: usize = 1 << 22;
/// The most bytes of text a sheet's cells may hold together (shared strings count once per
/// cell that shows them: a kilobyte string shown by a million cells is a gigabyte).
pub const MAX_SHEET_TEXT: usize = 128 << 20;
/// The most shared strings, and bytes of them, a workbook may have.
pub const MAX_SHARED_STRINGS: usize = 1 << 22;
pub const MAX_SHARED_STRING_BYTES: usize = 128 << 20;

fn text_of(zip: &ZipReader, entry: &str) -> Option<Result<String, XlsxError>> {
    let bytes = match zip.read(entry)? {
        Ok(b) => b,
        Err(e) => return Some(Err(e)),
    };
    let bytes = bytes
        .strip_prefix(b"\xef\xbb\xbf")
        .map(<[u8]>::to_vec)
        .unwrap_or(bytes);
    Some(String::from_utf8(bytes).map_err(|_| XlsxError::NotUtf8 {
        entry: entry.to_owned(),
    }))
}

fn events<'a>(
    entry: &'a str,
    text: &'a str,
) -> impl Iterator<Item = Result<Event<'a>, XlsxError>> + 'a {
    let mut r = Reader::new(text);
    std::iter::from_fn(move || r.next_event()).map(move |e| {
        e.map_err(|why| XlsxError::Xml {
            entry: entry.to_owned(),
            why,
        })
    })
}

pub(super) fn attr<'a>(attrs: &'a [(&str, String)], key: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.as_str())
}

/// Decode SpreadsheetML's `_xHHHH_` escapes of characters XML cannot hold.
pub(super) fn decode_escapes(s: &str) -> String {
    if !s.contains("_x") {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("_x") {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let hex = tail.get(2..6);
        let code = hex
            .filter(|h| h.chars().all(|c| c.is_ascii_hexdigit()))
            .filter(|_| tail.get(6..7) == Some("_"))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32);
        match code {
            Some(c) => {
                out.push(c);
                rest = &tail[7..];
            }
            None => {
                out.push_str("_x");
                rest = &tail[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Where the workbook part is (from `_rels/.rels`, else the usual place).
fn workbook_path(zip: &ZipReader) -> Result<String, XlsxError> {
    if let Some(text) = text_of(zip, "_rels/.rels") {
        let text = text?;
        for e in events("_rels/.rels", &text) {
            if let Event::Start {
                name: "Relationship",
                attrs,
                ..
            } = e?
            {
                let t = attr(&attrs, "Type").unwrap_or("");
                if t.ends_with("/officeDocument") {
                    let target = attr(&attrs, "Target").unwrap_or("");
                    return Ok(target.trim_start_matches('/').to_owned());
                }
            }
        }
    }
    Ok("xl/workbook.xml".into())
}

struct Workbook {
    /// (name, part path) per sheet, in workbook order.
    sheets: Vec<(String, String)>,
    date1904: bool,
    /// Directory of the workbook part, with a trailing `/`.
    dir: String,
}

fn resolve(dir: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_owned();
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for p in target.split('/') {
        match p {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn workbook(zip: &ZipReader) -> Result<Workbook, XlsxError> {
    let path = workbook_path(zip)?;
    let text = text_of(zip, &path).ok_or(XlsxError::NoWorkbook)??;
    let dir = match path.rfind('/') {
        Some(i) => path[..=i].to_owned(),
        None => String::new(),
    };
    let mut sheets = Vec::new();
    let mut date1904 = false;
    for e in events(&path, &text) {
        if let Event::Start { name, attrs, .. } = e? {
            match name {
                "sheet" => sheets.push((
                    attr(&attrs, "name").unwrap_or("").to_owned(),
                    attr(&attrs, "id").unwrap_or("").to_owned(),
                )),
                "workbookPr" => {
                    date1904 = matches!(attr(&attrs, "date1904"), Some("1" | "true"));
                }
                _ => {}
            }
        }
    }
    let file = path.rsplit('/').next().unwrap_or(&path);
    let rels_path = format!("{dir}_rels/{file}.rels");
    let mut targets = std::collections::HashMap::new();
    if let Some(text) = text_of(zip, &rels_path) {
        let text = text?;
        for e in events(&rels_path, &text) {
            if let Event::Start {
                name: "Relationship",
                attrs,
                ..
            } = e?
            {
                targets.insert(
                    attr(&attrs, "Id").unwrap_or("").to_owned(),
                    resolve(&dir, attr(&attrs, "Target").unwrap_or("")),
                );
            }
        }
    }
    let sheets = sheets
        .into_iter()
        .enumerate()
        .map(|(i, (name, rid))| {
            let part = targets
                .get(&rid)
                .cloned()
                .unwrap_or_else(|| format!("{dir}worksheets/sheet{}.xml", i + 1));
            (name, part)
        })
        .collect();
    Ok(Workbook {
        sheets,
        date1904,
        dir,
    })
}

/// The names of the workbook's sheets, in order.
pub fn sheet_names(bytes: &[u8]) -> Result<Vec<String>, XlsxError> {
    let zip = ZipReader::new(bytes)?;
    Ok(workbook(&zip)?.sheets.into_iter().map(|s| s.0).collect())
}

fn shared_strings(zip: &ZipReader, dir: &str) -> Result<Vec<String>, XlsxError> {
    let path = format!("{dir}sharedStrings.xml");
    let Some(text) = text_of(zip, &path) else {
        return Ok(Vec::new());
    };
    strings_of(&path, &text?, (MAX_SHARED_STRINGS, MAX_SHARED_STRING_BYTES))
}

/// The strings of a shared strings part, at most `max.0` of them and `max.1` bytes.
fn strings_of(path: &str, text: &str, max: (usize, usize)) -> Result<Vec<String>, XlsxError> {
    let mut out = Vec::new();
    let (mut cur, mut in_t, mut phonetic) = (String::new(), false, 0);
    let mut bytes = 0usize;
    for e in events(path, text) {
        match e? {
            Event::Start { name: "si", .. } => cur.clear(),
            Event::End { name: "si" } => {
                bytes += cur.len();
                if out.len() == max.0 || bytes > max.1 {
                    return Err(XlsxError::TooLarge {
                        entry: path.to_owned(),
                        why: format!(
                            "more than {} shared strings or {} bytes of them (at string {})",
                            max.0,
                            max.1,
                            out.len() + 1
                        ),
                    });
                }
                out.push(decode_escapes(&cur))
            }
            Event::Start {
                name: "t",
                empty: false,
                ..
            } => in_t = true,
            Event::End { name: "t" } => in_t = false,
            Event::Start {
                name: "rPh",
                empty: false,
                ..
            } => phonetic += 1,
            Event::End { name: "rPh" } => phonetic -= 1,
            Event::Text(t) if in_t && phonetic == 0 => cur.push_str(&t),
            _ => {}
        }
    }
    Ok(out)
}

/// Built-in number formats that are dates or times (ECMA-376 §18.8.30, and the CJK ones).
fn builtin_date(id: u32) -> bool {
    matches!(id, 14..=22 | 27..=36 | 45..=47 | 50..=58)
}

/// Whether a format code shows a date or time: d, m, y, h or s outside quotes and brackets.
fn code_is_date(code: &str) -> bool {
    let (mut quoted, mut bracket, mut escaped) = (false, false, false);
    for c in code.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            'd' | 'D' | 'm' | 'M' | 'y' | 'Y' | 'h' | 'H' | 's' | 'S' if !quoted && !bracket => {
                return true
            }
            _ => {}
        }
    }
    false
}

/// For each cell style index: whether it formats a date.
fn date_styles(zip: &ZipReader, dir: &str) -> Result<Vec<bool>, XlsxError> {
    let path = format!("{dir}styles.xml");
    let Some(text) = text_of(zip, &path) else {
        return Ok(Vec::new());
    };
    let text = text?;
    let mut custom = std::collections::HashMap::new();
    let mut out = Vec::new();
    let mut in_xfs = false;
    for e in events(&path, &text) {
        match e? {
            Event::Start {
                name: "numFmt",
                attrs,
                ..
            } => {
                let id: u32 = attr(&attrs, "numFmtId")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                custom.insert(id, code_is_date(attr(&attrs, "formatCode").unwrap_or("")));
            }
            Event::Start {
                name: "cellXfs",
                empty: false,
                ..
            } => in_xfs = true,
            Event::End { name: "cellXfs" } => in_xfs = false,
            Event::Start {
                name: "xf", attrs, ..
            } if in_xfs => {
                let id: u32 = attr(&attrs, "numFmtId")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                out.push(custom.get(&id).copied().unwrap_or_else(|| builtin_date(id)));
            }
            _ => {}
        }
    }
    Ok(out)
}

/// An Excel serial date as ISO 8601: a date, or a date and time when it has a time of day.
pub(super) fn serial_to_iso(serial: f64, date1904: bool) -> Option<String> {
    if !serial.is_finite() || !(0.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let seconds = (serial * 86_400.0).round() as i64;
    let (mut days, secs) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    // 1900 system: serial 1 = 1900-01-01, and Excel counts a 1900-02-29 that did not exist
    // (serial 60); from serial 61 on, day 0 is 1899-12-30.
    let epoch = if date1904 {
        -24_107 // 1904-01-01
    } else {
        if days < 61 {
            days += 1;
        }
        -25_569 // 1899-12-30
    };
    let (y, m, d) = crate::date::civil_from_days(epoch + days);
    if time_only(serial) {
        return Some(format!(
            "{:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        ));
    }
    Some(if secs == 0 {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    })
}

fn time_only(serial: f64) -> bool {
    serial < 1.0 && serial > 0.0
}

/// The rows of a sheet (by name, or the first), as text.
pub fn read_rows(bytes: &[u8], sheet: Option<&str>) -> Result<Vec<Vec<String>>, XlsxError> {
    read_sheet(bytes, sheet).map(|(_, rows)| rows)
}

/// The sheet's name and its rows (see [`read_rows`]).
pub(crate) fn read_sheet(
    bytes: &[u8],
    sheet: Option<&str>,
) -> Result<(String, Vec<Vec<String>>), XlsxError> {
    let zip = ZipReader::new(bytes)?;
    if !zip.has("[Content_Types].xml") && !zip.has("xl/workbook.xml") {
        return Err(XlsxError::NoWorkbook);
    }
    let wb = workbook(&zip)?;
    let (sheet_name, part) = pick_sheet(&wb, sheet)?;
    let strings = shared_strings(&zip, &wb.dir)?;
    let dates = date_styles(&zip, &wb.dir)?;
    let text = text_of(&zip, &part).ok_or_else(|| XlsxError::Corrupt {
        entry: part.clone(),
        why: "the sheet's part is missing".into(),
    })??;
    let cells = CellText {
        strings: &strings,
        dates: &dates,
        date1904: wb.date1904,
    };
    let mut rows = SheetRows::new(&sheet_name, cells);
    for e in events(&part, &text) {
        rows.event(e?)?;
    }
    let rows = rows.rows;
    Ok((sheet_name, rows))
}

/// The sheet `sheet` names (exactly, else ignoring case), or the first: its name and part.
fn pick_sheet(wb: &Workbook, sheet: Option<&str>) -> Result<(String, String), XlsxError> {
    let Some(name) = sheet else {
        return wb.sheets.first().cloned().ok_or(XlsxError::NoSheets);
    };
    wb.sheets
        .iter()
        .find(|s| s.0 == name)
        .or_else(|| {
            wb.sheets
                .iter()
                .find(|s| s.0.to_lowercase() == name.to_lowercase())
        })
        .cloned()
        .ok_or_else(|| XlsxError::SheetMissing {
            name: name.to_owned(),
            available: wb.sheets.iter().map(|s| s.0.clone()).collect(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_dates_follow_excel() {
        assert_eq!(serial_to_iso(1.0, false).unwrap(), "1900-01-01");
        assert_eq!(serial_to_iso(59.0, false).unwrap(), "1900-02-28");
        assert_eq!(serial_to_iso(61.0, false).unwrap(), "1900-03-01");
        assert_eq!(serial_to_iso(46112.0, false).unwrap(), "2026-03-31");
        assert_eq!(
            serial_to_iso(46112.5, false).unwrap(),
            "2026-03-31T12:00:00"
        );
        assert_eq!(serial_to_iso(0.25, false).unwrap(), "06:00:00");
        assert_eq!(serial_to_iso(0.0, true).unwrap(), "1904-01-01");
    }

    #[test]
    fn date_format_codes() {
        assert!(code_is_date("yyyy\\-mm\\-dd"));
        assert!(code_is_date("[$-F800]dddd, mmmm dd, yyyy"));
        assert!(!code_is_date("0.00"));
        assert!(!code_is_date("[Red]0.00;\"days\""));
        assert!(!code_is_date("#,##0"));
    }

    #[test]
    fn ooxml_escapes_are_decoded() {
        assert_eq!(decode_escapes("a_x000D_b_x_c"), "a\rb_x_c");
    }

    #[test]
    fn shared_strings_are_counted_and_measured() {
        let text = "<sst><si><t>ab</t></si><si><t>cd</t></si><si><t>e</t></si></sst>";
        assert_eq!(
            strings_of("s.xml", text, (3, 5)).unwrap(),
            ["ab", "cd", "e"]
        );
        for max in [(2, 100), (100, 4)] {
            let e = strings_of("s.xml", text, max).unwrap_err().to_string();
            assert!(e.contains("s.xml") && e.contains("at string 3"), "{e}");
        }
    }
}
