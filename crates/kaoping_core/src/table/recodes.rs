//! The office's recoding of values that match no option (`FileOptions::recode`): the table
//! type, and reading it from a CSV file (`kaoping ingest --recode FILE.csv`). The recoder
//! (`recode.rs`) applies it to a cell before reading the cell by its column's rule.

use super::csv::Row;
use std::collections::BTreeMap;

/// Column key → {a value of the file → what it is read as}: the office's answer to the
/// preview's unmatched values. The target is a value of the question (an option's value, a
/// scale point), `""` for an empty (skipped) answer; in an option column (`question[option]`)
/// `1` (chosen) or `""` (not chosen). A value recoded to something that is still no option
/// rejects its row as any unmatched value does.
pub type Recodes = BTreeMap<String, BTreeMap<String, String>>;

/// A recoding table's problem (`kaoping ingest --recode FILE.csv`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RecodeFileError {
    #[error("the recoding table's header must name the columns column, value and to")]
    Header,
    #[error("row {row}: the CSV text is not well formed (a quote not closed, or text after one)")]
    Csv { row: u64 },
    #[error("row {row}: {column} \"{value}\" is recoded twice")]
    Twice {
        row: u64,
        column: String,
        value: String,
    },
}

/// Reads a recoding table (CSV or TSV text in any of ingest's encodings): a header naming the
/// columns `column` (列), `value` (值, 原值) and `to` (改为), then one row per value: the
/// column key (as the preview lists it), the file's value and what it is read as (a value of
/// the question, `1` in an option column, empty for an empty answer). Empty rows are skipped.
pub fn parse_recodes(bytes: &[u8]) -> Result<Recodes, RecodeFileError> {
    let mut text = Vec::new();
    let mut decoder = super::decode::Decoder::new(super::decode::Encoding::Auto);
    decoder.push(bytes, &mut |b| text.extend_from_slice(b));
    decoder.end(&mut |b| text.extend_from_slice(b));
    let first_line = text.split(|b| *b == b'\n').next().unwrap_or_default();
    let delimiter = if first_line.contains(&b'\t') {
        b'\t'
    } else {
        b','
    };
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    let mut bad = None;
    let mut on_row = |row: &Row| {
        if row.problem.is_some() {
            bad.get_or_insert(row.number);
        }
        let cells = (0..row.len())
            .map(|i| String::from_utf8_lossy(row.field(i)).trim().to_owned())
            .collect();
        rows.push((row.number, cells));
    };
    let mut tok = super::csv::Tokenizer::new(delimiter);
    tok.feed(&text, &mut on_row);
    tok.finish(&mut on_row);
    if let Some(row) = bad {
        return Err(RecodeFileError::Csv { row });
    }
    let Some(((_, header), body)) = rows.split_first() else {
        return Err(RecodeFileError::Header);
    };
    let find = |names: &[&str]| {
        header.iter().position(|h| {
            let h = h.trim_start_matches('\u{feff}').to_lowercase();
            names.contains(&h.as_str())
        })
    };
    let (Some(c), Some(v), Some(t)) = (
        find(&["column", "列", "题目列"]),
        find(&["value", "值", "原值"]),
        find(&["to", "改为", "目标"]),
    ) else {
        return Err(RecodeFileError::Header);
    };
    let mut out = Recodes::new();
    for (row, cells) in body {
        let cell = |i: usize| cells.get(i).map_or("", String::as_str);
        if cells.iter().all(String::is_empty) {
            continue;
        }
        let (column, value) = (cell(c).to_owned(), cell(v).to_owned());
        let map = out.entry(column.clone()).or_default();
        if map.insert(value.clone(), cell(t).to_owned()).is_some() {
            return Err(RecodeFileError::Twice {
                row: *row,
                column,
                value,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recoding_tables() {
        let t = "column,value,to\ndistrict,汉口区,jianghan\n\npriorities,飞行,\n";
        let r = parse_recodes(t.as_bytes()).unwrap();
        assert_eq!(r["district"]["汉口区"], "jianghan");
        assert_eq!(r["priorities"]["飞行"], "");
        let zh = "列\t值\t改为\r\ndistrict\t汉口区\tjianghan\r\n";
        assert_eq!(parse_recodes(zh.as_bytes()).unwrap()["district"].len(), 1);
        assert_eq!(parse_recodes(b"a,b\n"), Err(RecodeFileError::Header));
        assert_eq!(
            parse_recodes("column,value,to\nd,x,1\nd,x,2\n".as_bytes()),
            Err(RecodeFileError::Twice {
                row: 3,
                column: "d".into(),
                value: "x".into()
            })
        );
        assert_eq!(
            parse_recodes(b"column,value,to\nd,\"x,1\n"),
            Err(RecodeFileError::Csv { row: 2 })
        );
    }
}
