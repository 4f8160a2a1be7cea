//! A file's role (records, scoring inputs, indicators, history) and, for record files, its
//! format, from its name, what the caller says and its first bytes.

use crate::ingest::{FileOptions, Format};
use crate::manifest::InputRole;
use std::collections::BTreeMap;

/// How a file's role is found from its bytes (the type is the manifest's).
impl InputRole {
    /// From the whole file: a JSON object whose first key is `records`, `indicators` or
    /// `history` is indicator figures when `indicators` is its only key, history when `history`
    /// is, else scoring inputs; anything else is response records.
    /// A table (CSV text, not JSON) is indicator figures or history when its header row says
    /// so ([`crate::yearend::kind_of_header`]); a workbook is told at its end, by the run.
    pub fn detect(bytes: &[u8]) -> InputRole {
        match InputRole::by_first_key(bytes) {
            InputRole::ScoringInputs => InputRole::by_keys(bytes),
            _ if crate::xlsx::is_workbook("", bytes) => InputRole::Records,
            _ => {
                let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
                match body.iter().find(|b| !b.is_ascii_whitespace()) {
                    Some(b'{' | b'[') | None => InputRole::Records,
                    Some(_) => table_role(bytes, true).unwrap_or(InputRole::Records),
                }
            }
        }
    }

    /// The role a table's header row gives it: indicator figures, history, else records.
    pub fn of_header(header: &[String]) -> InputRole {
        match crate::yearend::kind_of_header(header) {
            Some(crate::yearend::YearEndKind::Figures) => InputRole::Indicators,
            Some(crate::yearend::YearEndKind::History) => InputRole::History,
            None => InputRole::Records,
        }
    }

    /// `ScoringInputs` when the file starts as a JSON object whose first key is `records`,
    /// `indicators` or `history`; otherwise `Records`.
    fn by_first_key(bytes: &[u8]) -> InputRole {
        let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        let mut rest = text.iter().skip_while(|b| b.is_ascii_whitespace());
        if rest.next() != Some(&b'{') {
            return InputRole::Records;
        }
        let rest: Vec<u8> = rest
            .skip_while(|b| b.is_ascii_whitespace())
            .take(16)
            .copied()
            .collect();
        for key in [&b"\"records\""[..], b"\"indicators\"", b"\"history\""] {
            if rest.starts_with(key) {
                return InputRole::ScoringInputs;
            }
        }
        InputRole::Records
    }

    /// A whole scoring-inputs-like object: `{"indicators": …}` without `records` and `history`
    /// is indicator figures (a year-end figures file made from tracking has other keys beside
    /// it), `{"history": …}` alone history (as `kaoping demo responses` writes them).
    pub(super) fn by_keys(bytes: &[u8]) -> InputRole {
        let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        let keys: Vec<String> =
            match serde_json::from_slice::<BTreeMap<String, serde::de::IgnoredAny>>(text) {
                Ok(m) => m.into_keys().collect(),
                Err(_) => return InputRole::ScoringInputs,
            };
        let has = |k: &str| keys.iter().any(|x| x == k);
        match keys.as_slice() {
            [k] if k == "history" => InputRole::History,
            _ if has("indicators") && !has("records") && !has("history") => InputRole::Indicators,
            _ => InputRole::ScoringInputs,
        }
    }
}
/// The most bytes held to find a table's header row; a longer first line is a response table's.
const SNIFF_HEADER: usize = 64 << 10;

/// A table's role from its header row ([`crate::yearend::kind_of_header`]); `None` while the
/// first line is not complete.
fn table_role(held: &[u8], end: bool) -> Option<InputRole> {
    let line_end = held.iter().position(|&b| b == b'\n' || b == b'\r');
    let line = match line_end {
        Some(i) => &held[..i],
        None if end => held,
        None if held.len() >= SNIFF_HEADER => return Some(InputRole::Records),
        None => return None,
    };
    let header = crate::yearend::header_cells(&crate::table::decode::decode_all(line).0);
    Some(InputRole::of_header(&header))
}

/// How many bytes after `{` decide the role (see [`InputRole::detect`]).
const SNIFF_KEY: usize = 16;

/// The format a file's name (or the options) gives it; `None`: its first bytes tell.
fn format_by_name(name: &str, format: Format) -> Option<Format> {
    let lower = name.to_ascii_lowercase();
    match format {
        Format::Auto if lower.ends_with(".csv") || lower.ends_with(".tsv") => Some(Format::Csv),
        Format::Auto if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") => {
            Some(Format::Jsonl)
        }
        Format::Auto if lower.ends_with(".json") => Some(Format::Json),
        Format::Auto => None,
        f => Some(f),
    }
}

/// Whether a file is read as a table (CSV text) from the format its name gives and its first
/// byte that is not blank (after a BOM): by name, else unless it starts like JSON.
fn is_table(by_name: Option<Format>, first: Option<u8>) -> bool {
    by_name == Some(Format::Csv) || (by_name.is_none() && !matches!(first, Some(b'{' | b'[')))
}

/// How many first bytes of a file [`reads_as_table`] is given: a workbook's signature is its
/// first four, and a text file's first byte that is not blank comes after a BOM and at most a
/// few blank lines. A file with more blank bytes than this before its first is taken as blank
/// (not a table) by the check, though the run, reading on, still tells it from what follows.
pub const TABLE_HEAD_BYTES: usize = 1024;

/// Whether a run reads the file `name` as a table (CSV or TSV text, or an XLSX workbook): the
/// page's question before it checks a file's columns ([`preview_file`](super::preview_file)).
/// `head` is the file's first bytes (at most [`TABLE_HEAD_BYTES`] are looked at, so the caller
/// need not read a large file whole). As a run decides it ([`decide`]): a workbook by its name
/// or its zip signature; a file named `.csv` or `.tsv`; not one named `.json`, `.jsonl` or
/// `.ndjson`; any other by its first byte that is not blank: a table unless `{` or `[` (JSON).
/// A blank file is not a table: a run reads it as JSON.
pub fn reads_as_table(name: &str, head: &[u8]) -> bool {
    let head = &head[..head.len().min(TABLE_HEAD_BYTES)];
    if crate::xlsx::is_workbook(name, head) {
        return true;
    }
    let body = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let first = body.iter().copied().find(|b| !b.is_ascii_whitespace());
    let by_name = format_by_name(name, Format::Auto);
    by_name == Some(Format::Csv) || (first.is_some() && is_table(by_name, first))
}
/// The role and (for record files) the format of a file from its name, the role and options
/// given, and its first bytes; `None` while more bytes are needed.
pub(super) fn decide(
    name: &str,
    role: Option<InputRole>,
    options: &FileOptions,
    held: &[u8],
    end: bool,
) -> Option<(InputRole, Format)> {
    let by_name = format_by_name(name, options.format);
    let body = held.strip_prefix(b"\xef\xbb\xbf").unwrap_or(held);
    let first = body.iter().position(|b| !b.is_ascii_whitespace());
    if first.is_none() && !end {
        return None;
    }
    let c = first.map(|i| body[i]);
    let table = is_table(by_name, c);
    let role = match role {
        Some(r) => r,
        // A table: its header row tells year-end figures and history from responses.
        None if table && c.is_some() => table_role(held, end)?,
        None if by_name == Some(Format::Csv) => InputRole::Records,
        None if c == Some(b'{') => {
            let at = first.unwrap_or(0) + 1;
            let after = body[at..].iter().position(|b| !b.is_ascii_whitespace());
            match after {
                Some(k) if body.len() - at - k >= SNIFF_KEY || end => InputRole::by_first_key(held),
                _ if end => InputRole::by_first_key(held),
                _ => return None,
            }
        }
        None => InputRole::Records,
    };
    // Record files whose name does not tell: JSON when they start like JSON, else CSV.
    let format = by_name.unwrap_or(match c {
        Some(b'{') | Some(b'[') | None => Format::Json,
        _ => Format::Csv,
    });
    Some((role, format))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names and first bytes of files, tables or not as a run reads them.
    const CASES: &[(&str, &[u8], bool)] = &[
        ("a.csv", b"unit,q1\nA,5\n", true),
        ("a.TSV", b"unit\tq1\n", true),
        ("a.csv", b"", true),
        ("a.csv", b"[{\"x\":1}]", true),
        ("a.txt", b"unit,q1\n", true),
        ("export", b"\xef\xbb\xbf  \nunit,q1\n", true),
        ("a.txt", b"  [{\"x\":1}]", false),
        ("a.dat", b"\xef\xbb\xbf{\"records\":[]}", false),
        ("a.json", b"unit,q1\n", false),
        ("a.jsonl", b"unit,q1\n", false),
        ("a.ndjson", b"{}\n", false),
        ("a.txt", b"", false),
        ("a.txt", b" \r\n\t", false),
        ("a.XLSX", b"", true),
        ("book", b"PK\x03\x04\x14\x00", true),
        ("a.json", b"PK\x03\x04", true),
    ];

    #[test]
    fn tables_are_told_from_name_and_first_bytes() {
        for (name, head, table) in CASES {
            assert_eq!(reads_as_table(name, head), *table, "{name} {head:?}");
        }
    }

    /// The check agrees with the run: a table is what the run reads as CSV or a workbook.
    #[test]
    fn the_check_agrees_with_the_run() {
        for (name, head, _) in CASES {
            let run = crate::xlsx::is_workbook(name, head)
                || decide(name, None, &FileOptions::default(), head, true)
                    .is_some_and(|(_, format)| format == Format::Csv);
            assert_eq!(reads_as_table(name, head), run, "{name} {head:?}");
        }
    }

    /// Only the first [`TABLE_HEAD_BYTES`] are looked at: blank beyond them is not read on.
    #[test]
    fn only_the_head_is_read() {
        let mut bytes = vec![b' '; TABLE_HEAD_BYTES];
        bytes.extend_from_slice(b"unit,q1\n");
        assert!(!reads_as_table("a.txt", &bytes));
        assert!(reads_as_table("a.txt", &bytes[TABLE_HEAD_BYTES - 8..]));
    }
}
