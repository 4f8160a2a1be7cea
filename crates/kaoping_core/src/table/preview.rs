//! A response table read whole before ingest, for the office page and the CLI to show what the
//! ingest will do: the header mapping, how each choice and scale column will be read (its
//! [`Reading`], decided from all its cells by the rule in `recode.rs`), and every value that
//! matches no option, with its column and how many cells hold it. The readings are handed back
//! to ingest in the file's options (`FileOptions::readings`), so that it reads each column as
//! the preview decided; the rows holding an unmatched value are still rejected there, each
//! naming the column, the value and the options it could be.
//!
//! A file in the flat layout (no header matched by a tool's convention) whose columns all read
//! as values gives no readings: ingest then reads it exactly as before.

use super::csv::{Row, Tokenizer};
use super::decode::Decoder;
use super::decode::Encoding;
use super::recode::{is_skip, Choices, Reading, Readings, RecodeChoice};
use super::{parse_number, Layout, Mapping, MappingReport, Target};
use crate::plan::{Plan, QuestionKind};
use serde::Serialize;
use std::collections::BTreeMap;

/// How one column of the file will be read.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ColumnReading {
    pub header: String,
    pub key: String,
    pub reading: Reading,
    /// Its non-empty cells (skip markers not counted).
    pub cells: usize,
}

/// A value of a column that matches no option of its question.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct UnmatchedValue {
    pub header: String,
    pub key: String,
    pub value: String,
    /// How many cells hold it.
    pub count: usize,
    /// What it could be (as in the rejection's message).
    pub options: Vec<String>,
    /// What the office may recode it to (`FileOptions::recode`).
    pub choices: Vec<RecodeChoice>,
}

/// What ingest will make of a response table.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Preview {
    pub encoding: &'static str,
    /// The fingerprint of the header row (SHA-256 of the headers, each ended by U+001F): files
    /// a tool exports from one questionnaire share it, so the office can offer the mapping and
    /// recoding it chose for an earlier one.
    pub layout: String,
    /// Data rows read (the header not counted).
    pub rows: usize,
    pub mapping: MappingReport,
    /// To give to ingest as the file's `readings`.
    pub readings: Readings,
    pub columns: Vec<ColumnReading>,
    pub unmatched: Vec<UnmatchedValue>,
}

/// What is known of a column after all its cells.
#[derive(Default)]
struct Stats {
    /// Distinct non-empty cells (skip markers left out) and their counts.
    cells: BTreeMap<String, usize>,
    /// The column of a number question.
    number: bool,
    /// The column of one option of a multiple choice question.
    option: Option<(usize, usize)>,
    /// A number column: holds `-3` or `-2`; holds another number.
    skip_codes: bool,
    numbers: bool,
}

/// What a file is read with: as ingest's file options (`FileOptions`) say.
#[derive(Debug, Clone, Copy)]
pub struct TableOptions<'a> {
    pub encoding: Encoding,
    pub instrument: Option<&'a str>,
    pub mapping: &'a Mapping,
}

/// Reads the table `bytes` (CSV or TSV by `name`; encoding, instrument and mapping as ingest
/// uses them), streaming: only each column's distinct cells are kept. `None` when it has no
/// header or fits no instrument. `ingest::preview_table` calls it with a file's options.
pub fn preview(plan: &Plan, name: &str, bytes: &[u8], options: TableOptions) -> Option<Preview> {
    let delimiter = if name.to_ascii_lowercase().ends_with(".tsv") {
        b'\t'
    } else {
        b','
    };
    let mut decoder = Decoder::new(options.encoding);
    let mut tok = Tokenizer::new(delimiter);
    // None before the header; then the layout (None: no instrument) and the columns' stats.
    let mut state: Option<Option<(Layout, Vec<Stats>)>> = None;
    let mut read = 0usize;
    let mut on_row = |row: &Row| match &mut state {
        None => state = Some(header_layout(plan, row, options)),
        Some(None) => {}
        Some(Some((layout, stats))) => {
            read += 1;
            add_row(layout, stats, row);
        }
    };
    decoder.push(bytes, &mut |b| tok.feed(b, &mut on_row));
    decoder.end(&mut |b| tok.feed(b, &mut on_row));
    tok.finish(&mut on_row);
    let (layout, stats) = state.flatten()?;
    Some(decide(
        plan,
        &layout,
        stats,
        decoder.encoding().name(),
        read,
    ))
}

fn header_layout(plan: &Plan, row: &Row, options: TableOptions) -> Option<(Layout, Vec<Stats>)> {
    let headers: Vec<String> = (0..row.len())
        .map(|i| String::from_utf8_lossy(row.field(i)).trim().to_owned())
        .collect();
    let ins = match options.instrument {
        Some(id) => plan.instruments.iter().position(|i| i.id == id)?,
        None => super::best_instrument(plan, &headers, options.mapping)?,
    };
    let layout = super::resolve(plan, ins, &headers, options.mapping);
    let questions: Vec<_> = plan.instruments[ins].questions().collect();
    let stats = layout
        .targets
        .iter()
        .map(|t| Stats {
            number: matches!(
                t,
                Some(Target::Question(q)) if matches!(questions[*q].kind, QuestionKind::Number { .. })
            ),
            option: match t {
                Some(Target::Option(q, o)) => Some((*q, *o)),
                _ => None,
            },
            ..Stats::default()
        })
        .collect();
    Some((layout, stats))
}

/// Adds a row's cells to the stats of the question columns. Rows that ingest rejects before
/// their cells are read (CSV problems, the wrong number of fields) say nothing of the columns.
fn add_row(layout: &Layout, stats: &mut [Stats], row: &Row) {
    if row.problem.is_some() || row.len() != layout.file_fields {
        return;
    }
    for (f, t) in layout.targets.iter().enumerate().take(layout.file_fields) {
        if !matches!(
            t,
            Some(Target::Question(_) | Target::MatrixRow(..) | Target::Option(..))
        ) {
            continue;
        }
        let Ok(cell) = std::str::from_utf8(row.field(f)) else {
            continue;
        };
        let cell = cell.trim();
        if cell.is_empty() || is_skip(cell) {
            continue;
        }
        let s = &mut stats[f];
        if s.number {
            match cell {
                "-3" | "-2" => s.skip_codes = true,
                _ => s.numbers |= parse_number(cell).is_some(),
            }
            continue;
        }
        match s.cells.get_mut(cell) {
            Some(n) => *n += 1,
            None => {
                s.cells.insert(cell.to_owned(), 1);
            }
        }
    }
}

/// The items of a cell as the reading rule sees them: the cell, when it is an option as a
/// whole, else split at the first separator it holds (multiple choice only).
fn items<'a>(c: &Choices, cell: &'a str) -> Vec<&'a str> {
    let whole = c.classify(cell);
    if !c.multiple || whole.value || whole.label.is_some() || whole.number.is_some() {
        return vec![cell];
    }
    match super::recode::SEPARATORS
        .iter()
        .find(|s| cell.contains(**s))
    {
        Some(sep) => cell
            .split(*sep)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect(),
        None => vec![cell],
    }
}

/// Each column's reading, and the values matching no option under it.
fn decide(
    plan: &Plan,
    layout: &Layout,
    stats: Vec<Stats>,
    encoding: &'static str,
    rows: usize,
) -> Preview {
    let ins = &plan.instruments[layout.instrument];
    let choices: Vec<Option<Choices>> = ins.questions().map(Choices::of).collect();
    let (mut readings, mut columns, mut unmatched) = (Readings::new(), Vec::new(), Vec::new());
    let mut plain = !layout.export;
    for (f, s) in stats.into_iter().enumerate() {
        if let (Some((q, o)), Some(key)) = (
            s.option,
            layout.report.headers.get(f).and_then(|m| m.key.clone()),
        ) {
            let Some(c) = choices[q].as_ref() else {
                continue;
            };
            let header = layout.header(f);
            unmatched.extend(
                s.cells
                    .iter()
                    .filter(|(cell, _)| c.option_cell(o, cell, None).is_none())
                    .map(|(value, count)| UnmatchedValue {
                        header: header.clone(),
                        key: key.clone(),
                        value: value.clone(),
                        count: *count,
                        options: c.describe_option(o),
                        choices: c.option_targets(o),
                    }),
            );
            continue;
        }
        let (Some(Target::Question(q) | Target::MatrixRow(q, _)), Some(key)) = (
            layout.targets[f],
            layout.report.headers.get(f).and_then(|m| m.key.clone()),
        ) else {
            continue;
        };
        let header = layout.header(f);
        let Some(c) = choices[q].as_ref() else {
            if s.skip_codes && !s.numbers {
                readings.insert(key.clone(), Reading::Skips);
                plain = false;
            }
            continue;
        };
        let (mut all_values, mut all_numbers) = (true, true);
        for cell in s.cells.keys().filter(|cell| !c.skip_code(cell)) {
            for item in items(c, cell) {
                let k = c.classify(item);
                all_values &= k.value;
                // A whole number out of range that is no label is a wrong number, listed.
                let digits = item.len() <= 9 && item.bytes().all(|b| b.is_ascii_digit());
                all_numbers &= k.number.is_some() || (digits && k.label.is_none() && !k.value);
            }
        }
        let reading = if all_values {
            Reading::Values
        } else if all_numbers {
            Reading::Numbers
        } else {
            Reading::Labels
        };
        plain &= reading == Reading::Values;
        let mut bad: BTreeMap<String, usize> = BTreeMap::new();
        let mut cells = 0;
        for (cell, n) in &s.cells {
            if c.skip_code(cell) {
                continue;
            }
            cells += n;
            if let Err(items) = c.read_cell(cell, Some(reading), None) {
                for item in items {
                    *bad.entry(item).or_default() += n;
                }
            }
        }
        let options = c.describe(Some(reading));
        let targets = c.targets();
        unmatched.extend(bad.into_iter().map(|(value, count)| UnmatchedValue {
            header: header.clone(),
            key: key.clone(),
            value,
            count,
            options: options.clone(),
            choices: targets.clone(),
        }));
        readings.insert(key.clone(), reading);
        columns.push(ColumnReading {
            header,
            key,
            reading,
            cells,
        });
    }
    if plain {
        readings.clear();
    }
    let mut header_row = String::new();
    for h in &layout.headers[..layout.file_fields] {
        header_row.push_str(h);
        header_row.push('\u{1f}');
    }
    Preview {
        encoding,
        layout: crate::canonical::sha256_hex(header_row.as_bytes()),
        rows,
        mapping: layout.report.clone(),
        readings,
        columns,
        unmatched,
    }
}
