//! The small inputs, read whole: scoring-inputs files (their records through the same ingest
//! checks), indicator figures and history.

use super::{bad, AggregateError, AggregateRun, ListOr};
use crate::ingest::{FileCount, FileOptions, Format};
use crate::manifest::{InputRole, TableRowCounts};
use crate::score::{HistoryEntry, IndicatorInput};
use crate::yearend::IndicatorOverride;

impl AggregateRun<'_> {
    /// A scoring-inputs, indicator or history file, whole: indicator figures and history as
    /// JSON, or as a table (CSV or XLSX, [`crate::yearend`]).
    pub(super) fn read_small(
        &mut self,
        name: &str,
        role: InputRole,
        bytes: &[u8],
    ) -> Result<SmallRead, AggregateError> {
        let json = {
            let b = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
            matches!(
                b.iter().find(|b| !b.is_ascii_whitespace()),
                Some(b'[' | b'{')
            )
        };
        match role {
            InputRole::Indicators if !json => {
                let read = crate::yearend::read_figures(self.plan(), name, bytes)?;
                let rows = TableRowCounts {
                    used: read.entries.len(),
                    blank: read.blank_rows.len(),
                };
                self.indicators.extend(read.entries);
                Ok(SmallRead::Table(rows))
            }
            InputRole::History if !json => {
                let read = crate::yearend::read_history(self.plan(), name, bytes)?;
                let rows = TableRowCounts {
                    used: read.entries.len(),
                    blank: read.blank_rows.len(),
                };
                self.history.extend(read.entries);
                Ok(SmallRead::Table(rows))
            }
            InputRole::Records => unreachable!("record files are streamed"),
            InputRole::CadreRoster => {
                let unreadable = |e| AggregateError::CadreRosterUnreadable(e, name.to_owned());
                let read = crate::roster::read_cadre_roster(self.plan(), name, bytes)
                    .map_err(unreadable)?;
                if !read.problems.is_empty() {
                    return Err(AggregateError::CadreRoster {
                        file: name.to_owned(),
                        problems: read.problems,
                    });
                }
                if self.cadres.is_some() {
                    return Err(bad(
                        name,
                        "the only cadre roster",
                        "a cadre roster was given before",
                    ));
                }
                let rows = TableRowCounts {
                    used: read.roster.people.len(),
                    blank: 0,
                };
                self.cadres = Some(read.roster);
                Ok(SmallRead::Table(rows))
            }
            InputRole::CodeBatch => {
                self.session.add_code_batch(name, bytes)?;
                Ok(SmallRead::Json)
            }
            InputRole::ScoringInputs => {
                // Checked whole first (nothing kept), then read once: each record of `records`
                // goes to the ingest session as it is parsed (row = its position), so the
                // records are never all in memory; indicators and history are kept.
                serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
                    .map_err(|e| bad(name, "scoring inputs JSON", e))?;
                let options = FileOptions {
                    format: Format::Json,
                    ..FileOptions::default()
                };
                self.session.begin(name, options)?;
                let mut pushed = Ok(());
                let session = &mut self.session;
                let read = serde::Deserializer::deserialize_map(
                    &mut serde_json::Deserializer::from_slice(bytes),
                    InputsVisitor {
                        on_record: |row, v: Result<serde_json::Value, serde_json::Error>| {
                            if pushed.is_ok() {
                                pushed = match v {
                                    Ok(v) => session.push_value(row, v),
                                    Err(e) => session.push_invalid(row, &e),
                                };
                            }
                        },
                        indicators: &mut self.indicators,
                        history: &mut self.history,
                    },
                );
                read.map_err(|e| bad(name, "scoring inputs JSON", e))?;
                pushed?;
                Ok(SmallRead::Records(self.session.end()?))
            }
            InputRole::Indicators => {
                let list: ListOr<IndicatorInput> = serde_json::from_slice(bytes)
                    .map_err(|e| bad(name, "indicator figures (a JSON array)", e))?;
                self.indicators.extend(list.into_vec());
                self.overrides = overrides(name, bytes)?;
                Ok(SmallRead::Json)
            }
            InputRole::History => {
                let list: ListOr<HistoryEntry> = serde_json::from_slice(bytes)
                    .map_err(|e| bad(name, "history (a JSON array)", e))?;
                self.history.extend(list.into_vec());
                Ok(SmallRead::Json)
            }
        }
    }
}

/// The `overrides` of an indicator-figures object (a year-end figures file made from
/// tracking), for the manifest; each must say why.
fn overrides(name: &str, bytes: &[u8]) -> Result<Vec<IndicatorOverride>, AggregateError> {
    #[derive(serde::Deserialize)]
    struct Overrides {
        #[serde(default)]
        overrides: Vec<IndicatorOverride>,
    }
    let what = "indicator figures' overrides ({unit, indicator, field, original, value, reason})";
    let list = match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(v @ serde_json::Value::Object(_)) => {
            serde_json::from_value::<Overrides>(v)
                .map_err(|e| bad(name, what, e))?
                .overrides
        }
        _ => Vec::new(),
    };
    if let Some(o) = list.iter().find(|o| o.reason.trim().is_empty()) {
        let why = format!("{} {} {}: no reason", o.unit, o.indicator, o.field);
        return Err(bad(name, what, why));
    }
    Ok(list)
}

/// What reading a small file gave beside its entries.
pub(super) enum SmallRead {
    /// A scoring-inputs file's record counts.
    Records(FileCount),
    /// A year-end table's rows.
    Table(TableRowCounts),
    /// Indicator figures or history as JSON.
    Json,
}

impl SmallRead {
    /// The file's record counts and table rows, for its manifest entry.
    pub(super) fn counts(self) -> (Option<FileCount>, Option<TableRowCounts>) {
        match self {
            SmallRead::Records(c) => (Some(c), None),
            SmallRead::Table(t) => (None, Some(t)),
            SmallRead::Json => (None, None),
        }
    }
}

/// The keys of a scoring-inputs file ([`ScoringInputs`](crate::score::ScoringInputs)): `records` element by element to
/// `on_record`, `indicators` and `history` appended; other keys read past.
struct InputsVisitor<'a, F> {
    on_record: F,
    indicators: &'a mut Vec<IndicatorInput>,
    history: &'a mut Vec<HistoryEntry>,
}

impl<'de, F: FnMut(usize, Result<serde_json::Value, serde_json::Error>)> serde::de::Visitor<'de>
    for InputsVisitor<'_, F>
{
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object with records, indicators and history")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "records" => {
                    map.next_value_seed(crate::ingest::EachElement(&mut self.on_record))?;
                }
                "indicators" => self
                    .indicators
                    .extend(map.next_value::<Vec<IndicatorInput>>()?),
                "history" => self.history.extend(map.next_value::<Vec<HistoryEntry>>()?),
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}
