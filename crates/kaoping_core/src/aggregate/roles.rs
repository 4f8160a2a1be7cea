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

    /// A whole scoring-inputs-like object: `{"indicators": …}` alone is indicator figures,
    /// `{"history": …}` alone history (as `kaoping demo responses` writes them).
    pub(super) fn by_keys(bytes: &[u8]) -> InputRole {
        let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        let keys: Vec<String> =
            match serde_json::from_slice::<BTreeMap<String, serde::de::IgnoredAny>>(text) {
                Ok(m) => m.into_keys().collect(),
                Err(_) => return InputRole::ScoringInputs,
            };
        match keys.as_slice() {
            [k] if k == "indicators" => InputRole::Indicators,
            [k] if k == "history" => InputRole::History,
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
/// The role and (for record files) the format of a file from its name, the role and options
/// given, and its first bytes; `None` while more bytes are needed.
pub(super) fn decide(
    name: &str,
    role: Option<InputRole>,
    options: &FileOptions,
    held: &[u8],
    end: bool,
) -> Option<(InputRole, Format)> {
    let lower = name.to_ascii_lowercase();
    let by_name = match options.format {
        Format::Auto if lower.ends_with(".csv") || lower.ends_with(".tsv") => Some(Format::Csv),
        Format::Auto if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") => {
            Some(Format::Jsonl)
        }
        Format::Auto if lower.ends_with(".json") => Some(Format::Json),
        Format::Auto => None,
        f => Some(f),
    };
    let body = held.strip_prefix(b"\xef\xbb\xbf").unwrap_or(held);
    let first = body.iter().position(|b| !b.is_ascii_whitespace());
    if first.is_none() && !end {
        return None;
    }
    let c = first.map(|i| body[i]);
    let table =
        by_name == Some(Format::Csv) || (by_name.is_none() && !matches!(c, Some(b'{' | b'[')));
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
