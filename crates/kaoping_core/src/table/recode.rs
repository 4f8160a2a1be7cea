//! Recoding the cells of a survey tool's export (问卷星/wjx, 腾讯问卷) to the flat layout's
//! values, before anything else reads the row: the compiled path and the record path then read
//! the same recoded row, so they agree by construction.
//!
//! **When.** Only for a layout that is an *export* (a header was matched by a tool's
//! convention, [`super::Layout::export`]) or when the file's options give [`Readings`]; a file
//! in the flat layout is read exactly as before.
//!
//! **Choice and scale columns** (single, multiple, ranking, rating, NPS, matrix rows) are read
//! by their column's [`Reading`]:
//! - `values`: the flat layout's values (a scale cell: any number from the scale's min to max);
//! - `labels`: an option's (or a scale point's) label in any of the plan's languages, else a
//!   value;
//! - `numbers`: the option's 1-based number in the plan's order (a scale's labelled points;
//!   on a question that allows it, the number after them is "unable to judge", which the
//!   tools list last);
//! - none given (an export read without a preview): per cell, a value, else a label, else a
//!   number.
//!
//! [`super::preview`] decides each column's reading from all its cells (skip markers left
//! out; a multiple choice cell's items as split below), deterministically: if every item is a
//! value, `values`; else if every item is a whole number from 1 to the number of options (or a
//! whole number out of that range that is neither a value nor a label: a wrong number, listed
//! as unmatched), `numbers`; else `labels`. A cell that still matches no option rejects its row
//! (`unknown_option`, naming the column, the value and the options it could be): never dropped.
//! Without a preview the per-cell order (value, label, number) reads a column as the preview
//! would except where one column mixes spellings (say option numbers beside a value that is
//! also a number): give the preview's readings to read such a file exactly by the rule.
//!
//! Multiple choice and ranking items are joined by `┋`, `;`, `；`, `|`, `,`, `，` or `→`: a
//! cell that is one option as a whole is that option; else the first of those separators
//! whose every item is an option; the items are written back as values joined by `;`.
//!
//! **Skip markers**: `(跳过)` and `(空)` (either kind of parentheses) are empty cells in every
//! column; `-3` and `-2` (SPSS-style codes) are empty in choice and scale columns unless they
//! are one of the question's values, in text and reason columns always, and in a number column
//! only when its reading is `skips` (the preview gives it to a column holding them and no other
//! number: otherwise `-3` is the number -3, and the form's checks judge it).

use super::csv::Row;
use super::{is_unable, parse_number, Layout, Target};
use crate::cells::format_number;
use crate::plan::{Instrument, Question, QuestionKind, Scale};
use crate::text::Text;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// How the cells of a column are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reading {
    Values,
    Labels,
    Numbers,
    /// A number column whose `-3` and `-2` are skip markers.
    Skips,
}

/// Column key → how its cells are read ([`super::preview`] decides them).
pub type Readings = BTreeMap<String, Reading>;

pub use super::recodes::Recodes;

/// What an unmatched value may be recoded to ([`Recodes`]): a value of the question and its
/// labels (in an option column `1`, chosen); `value` `""` is an empty answer (not chosen),
/// with no label: the page names it in its own language.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RecodeChoice {
    pub value: String,
    pub label: String,
}

impl RecodeChoice {
    fn empty() -> RecodeChoice {
        RecodeChoice {
            value: String::new(),
            label: String::new(),
        }
    }
}

/// A cell matching no option of its question.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "{column}: \"{value}\" is not an option of this question (it could be: {})",
    options.join("; ")
)]
pub struct NotAnOption {
    pub column: String,
    pub value: String,
    /// What the cell could be: `value = label = label`, after the option's number (`N = `)
    /// unless the column is read by values or labels.
    pub options: Vec<String>,
}

/// How one item of a cell reads.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Class {
    pub(crate) value: bool,
    pub(crate) label: Option<usize>,
    pub(crate) number: Option<usize>,
}

/// The options of a choice question, or the labelled points of a scale.
pub(crate) struct Choices {
    values: Vec<String>,
    labels: Vec<Vec<String>>,
    by_value: HashMap<String, usize>,
    by_label: HashMap<String, usize>,
    /// A scale's range: any number on it is a value.
    scale: Option<(f64, f64)>,
    /// A scale question that may be answered "unable to judge": the number after its points
    /// is `unable` (the tools list 无法评价 last).
    unable: bool,
    pub(crate) multiple: bool,
}

/// The labels of an option, zh-CN first, then the others.
fn label_texts(t: &Text) -> Vec<String> {
    let zh = t.0.get("zh-CN").into_iter();
    let others = t.0.iter().filter(|(l, _)| *l != "zh-CN").map(|(_, s)| s);
    let mut v: Vec<String> = zh
        .chain(others)
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    v.dedup();
    v
}

impl Choices {
    pub(crate) fn of(q: &Question) -> Option<Choices> {
        let (pairs, scale, multiple): (Vec<(String, Vec<String>)>, _, _) = match &q.kind {
            QuestionKind::Single { options } => (
                options
                    .iter()
                    .map(|o| (o.value.clone(), label_texts(&o.label)))
                    .collect(),
                None,
                false,
            ),
            QuestionKind::Multiple { options, .. } | QuestionKind::Ranking { options, .. } => (
                options
                    .iter()
                    .map(|o| (o.value.clone(), label_texts(&o.label)))
                    .collect(),
                None,
                true,
            ),
            QuestionKind::Rating { .. } | QuestionKind::Nps | QuestionKind::Matrix { .. } => {
                let s: Scale = q.kind.scale()?;
                (
                    s.points
                        .iter()
                        .map(|p| (format_number(p.value), label_texts(&p.label)))
                        .collect(),
                    Some((s.min, s.max)),
                    false,
                )
            }
            _ => return None,
        };
        let mut by_value = HashMap::new();
        let mut by_label = HashMap::new();
        for (i, (v, ls)) in pairs.iter().enumerate() {
            by_value.entry(v.clone()).or_insert(i);
            for l in ls {
                by_label.entry(l.clone()).or_insert(i);
            }
        }
        let (values, labels) = pairs.into_iter().unzip();
        Some(Choices {
            values,
            labels,
            by_value,
            by_label,
            unable: scale.is_some() && q.unable,
            scale,
            multiple,
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }

    fn is_value(&self, item: &str) -> bool {
        match self.scale {
            Some((min, max)) => {
                is_unable(item)
                    || parse_number(item)
                        .and_then(|n| n.as_f64())
                        .is_some_and(|x| x >= min && x <= max)
            }
            None => self.by_value.contains_key(item),
        }
    }

    pub(crate) fn classify(&self, item: &str) -> Class {
        let number =
            (!item.is_empty() && item.len() <= 4 && item.bytes().all(|b| b.is_ascii_digit()))
                .then(|| item.parse::<usize>().ok())
                .flatten()
                .filter(|k| (1..=self.len() + usize::from(self.unable)).contains(k))
                .map(|k| k - 1);
        Class {
            value: self.is_value(item),
            label: self.by_label.get(item).copied(),
            number,
        }
    }

    /// The value an item reads as (`""`: recoded to empty), `None` when it matches nothing.
    fn read_item<'a>(
        &'a self,
        item: &'a str,
        reading: Option<Reading>,
        recode: Option<&'a BTreeMap<String, String>>,
    ) -> Option<&'a str> {
        if let Some(to) = recode.and_then(|r| r.get(item)) {
            let to = to.trim();
            return (to.is_empty() || self.is_value(to)).then_some(to);
        }
        let c = self.classify(item);
        let value = c.value.then_some(item);
        let label = c.label.map(|i| self.values[i].as_str());
        let number = c.number.map(|i| {
            self.values
                .get(i)
                .map_or(crate::form::UNABLE, String::as_str)
        });
        match reading {
            Some(Reading::Values) | Some(Reading::Skips) => value,
            Some(Reading::Labels) => label.or(value),
            Some(Reading::Numbers) => number,
            None => value.or(label).or(number),
        }
    }

    /// Whether a cell is a skip marker for this question (`-3`, `-2` unless they are values).
    pub(crate) fn skip_code(&self, cell: &str) -> bool {
        matches!(cell, "-3" | "-2") && !self.is_value(cell)
    }

    /// The cell as the flat layout writes it (empty when skipped), or the items matching no
    /// option.
    pub(crate) fn read_cell<'a>(
        &'a self,
        cell: &'a str,
        reading: Option<Reading>,
        recode: Option<&'a BTreeMap<String, String>>,
    ) -> Result<Cow<'a, str>, Vec<String>> {
        let t = cell.trim();
        if t.is_empty() || is_skip(t) || self.skip_code(t) {
            return Ok(Cow::Borrowed(""));
        }
        if let Some(v) = self.read_item(t, reading, recode) {
            return Ok(Cow::Borrowed(v));
        }
        if !self.multiple {
            return Err(vec![t.to_owned()]);
        }
        let mut first_bad = None;
        for sep in SEPARATORS {
            if !t.contains(sep) {
                continue;
            }
            let items: Vec<&str> = t
                .split(sep)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            let read: Vec<Option<&str>> = items
                .iter()
                .map(|i| self.read_item(i, reading, recode))
                .collect();
            if read.iter().all(Option::is_some) {
                return Ok(Cow::Owned(
                    read.into_iter()
                        .flatten()
                        .filter(|v| !v.is_empty())
                        .collect::<Vec<_>>()
                        .join(";"),
                ));
            }
            first_bad.get_or_insert_with(|| {
                items
                    .iter()
                    .zip(&read)
                    .filter(|(_, r)| r.is_none())
                    .map(|(i, _)| (*i).to_owned())
                    .collect()
            });
        }
        Err(first_bad.unwrap_or_else(|| vec![t.to_owned()]))
    }

    /// Whether the cell of option `o`'s own column chooses it (`1`, its value or a label), or
    /// not (empty, `0`, a skip marker); `None` when it is neither. A recoded cell is read as
    /// its target (`1` or empty).
    pub(crate) fn option_cell(
        &self,
        o: usize,
        cell: &str,
        recode: Option<&BTreeMap<String, String>>,
    ) -> Option<bool> {
        let t = cell.trim();
        let t = recode.and_then(|r| r.get(t)).map_or(t, |to| to.trim());
        if t.is_empty() || t == "0" || is_skip(t) || t == "-2" || t == "-3" {
            return Some(false);
        }
        let chosen = t == "1"
            || self.values.get(o).is_some_and(|v| v == t)
            || self.labels[o].iter().any(|l| l == t);
        chosen.then_some(true)
    }

    /// What the cell of option `o`'s own column could be, for a message.
    pub(crate) fn describe_option(&self, o: usize) -> Vec<String> {
        let names = std::iter::once(self.values[o].as_str())
            .chain(self.labels[o].iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" = ");
        vec![format!("1 = {names}"), "0".to_owned(), "(空)".to_owned()]
    }

    /// What an unmatched value may be recoded to: each option (scale point) by value, with
    /// its labels; "unable to judge" when the question allows it; `""`, an empty answer.
    pub(crate) fn targets(&self) -> Vec<RecodeChoice> {
        let mut out: Vec<RecodeChoice> = self
            .values
            .iter()
            .zip(&self.labels)
            .map(|(v, l)| RecodeChoice {
                value: v.clone(),
                label: l.join(" = "),
            })
            .collect();
        if self.unable {
            out.push(RecodeChoice {
                value: crate::form::UNABLE.to_owned(),
                label: "无法评价 = Unable to judge".to_owned(),
            });
        }
        out.push(RecodeChoice::empty());
        out
    }

    /// What an option column's unmatched value may be recoded to: chosen or not.
    pub(crate) fn option_targets(&self, o: usize) -> Vec<RecodeChoice> {
        vec![
            RecodeChoice {
                value: "1".to_owned(),
                label: self.labels[o].join(" = "),
            },
            RecodeChoice::empty(),
        ]
    }

    /// What a cell could be, for a message.
    pub(crate) fn describe(&self, reading: Option<Reading>) -> Vec<String> {
        const MAX: usize = 12;
        let mut out: Vec<String> = (0..self.len().min(MAX))
            .map(|i| {
                let names = std::iter::once(self.values[i].as_str())
                    .chain(self.labels[i].iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join(" = ");
                match reading {
                    Some(Reading::Numbers) | None => format!("{} = {names}", i + 1),
                    _ => names,
                }
            })
            .collect();
        if self.len() > MAX {
            out.push(format!("… (+{})", self.len() - MAX));
        }
        if self.unable {
            out.push(match reading {
                Some(Reading::Numbers) | None => {
                    format!("{} = {}", self.len() + 1, crate::form::UNABLE)
                }
                _ => crate::form::UNABLE.to_owned(),
            });
        }
        out
    }
}

pub(crate) const SEPARATORS: [char; 7] = ['┋', ';', '；', '|', ',', '，', '→'];

/// `(跳过)` and `(空)`: the tools' marks of a question skipped or left empty.
pub(crate) fn is_skip(t: &str) -> bool {
    let inner = t
        .strip_prefix(['(', '（'])
        .and_then(|s| s.strip_suffix([')', '）']));
    matches!(inner, Some("跳过" | "空"))
}

/// How a field is recoded.
enum Rule {
    Keep,
    /// Text and reasons: skip markers are empty.
    Text,
    Number {
        skips: bool,
    },
    Choice {
        question: usize,
        reading: Option<Reading>,
    },
    /// A joined field: the options chosen in its option columns ([`super::Layout::joined`]).
    Joined(usize),
}

/// Recodes the rows of one file's layout.
pub struct Recoder {
    rules: Vec<Rule>,
    /// Per question: its choices, if it has options or a scale.
    choices: Vec<Option<Choices>>,
    readings: Vec<Option<Reading>>,
    /// Per field: its recoding table, if the file's options give one.
    recodes: Vec<Option<BTreeMap<String, String>>>,
    buf: Vec<u8>,
    starts: Vec<u32>,
    ends: Vec<u32>,
}

impl Recoder {
    /// The recoder of `layout`, when it is an export, has joined fields, or `readings` or
    /// `recodes` are given.
    pub fn new(
        ins: &Instrument,
        layout: &Layout,
        readings: &Readings,
        recodes: &Recodes,
    ) -> Option<Recoder> {
        if !layout.export && readings.is_empty() && recodes.is_empty() && layout.joined.is_empty() {
            return None;
        }
        let questions: Vec<&Question> = ins.questions().collect();
        let choices: Vec<Option<Choices>> = questions.iter().map(|q| Choices::of(q)).collect();
        let key = |f: usize| layout.report.headers.get(f).and_then(|m| m.key.as_ref());
        let field_readings: Vec<Option<Reading>> = (0..layout.targets.len())
            .map(|f| key(f).and_then(|k| readings.get(k)).copied())
            .collect();
        let field_recodes = (0..layout.targets.len())
            .map(|f| key(f).and_then(|k| recodes.get(k)).cloned())
            .collect();
        let rules = layout
            .targets
            .iter()
            .zip(&field_readings)
            .enumerate()
            .map(|(f, (t, r))| match t {
                _ if f >= layout.file_fields => layout
                    .joined
                    .iter()
                    .position(|j| j.field == f)
                    .map_or(Rule::Keep, Rule::Joined),
                Some(Target::Question(q) | Target::MatrixRow(q, _)) => match &questions[*q].kind {
                    QuestionKind::Number { .. } => Rule::Number {
                        skips: *r == Some(Reading::Skips),
                    },
                    QuestionKind::Text { .. } => Rule::Text,
                    _ if choices[*q].is_some() => Rule::Choice {
                        question: *q,
                        reading: *r,
                    },
                    _ => Rule::Keep,
                },
                Some(Target::Reason(_)) => Rule::Text,
                _ => Rule::Keep,
            })
            .collect();
        Some(Recoder {
            rules,
            choices,
            readings: field_readings,
            recodes: field_recodes,
            buf: Vec::new(),
            starts: Vec::new(),
            ends: Vec::new(),
        })
    }

    /// The row with its cells recoded; a cell matching no option is a problem. A row with a
    /// CSV problem or the wrong number of fields is not recoded (`None`: read it as it is, its
    /// rejection comes first).
    pub fn recode<'s>(
        &'s mut self,
        row: &Row,
        layout: &Layout,
    ) -> Option<Result<Row<'s>, NotAnOption>> {
        if row.problem.is_some() || row.len() != layout.file_fields {
            return None;
        }
        self.buf.clear();
        self.starts.clear();
        self.ends.clear();
        for (i, rule) in self.rules.iter().enumerate() {
            if let Rule::Joined(j) = rule {
                self.starts.push(self.buf.len() as u32);
                let joined = &layout.joined[*j];
                let c = self.choices[joined.question].as_ref().expect("choices");
                let mut first = true;
                for &(f, o) in &joined.options {
                    let cell = std::str::from_utf8(row.field(f)).unwrap_or("\u{FFFD}");
                    match c.option_cell(o, cell, self.recodes[f].as_ref()) {
                        Some(false) => {}
                        Some(true) => {
                            if !first {
                                self.buf.push(b';');
                            }
                            first = false;
                            self.buf.extend_from_slice(c.values[o].as_bytes());
                        }
                        None => {
                            return Some(Err(NotAnOption {
                                column: layout.header(f),
                                value: cell.trim().to_owned(),
                                options: c.describe_option(o),
                            }))
                        }
                    }
                }
                self.ends.push(self.buf.len() as u32);
                continue;
            }
            let bytes = row.field(i);
            self.starts.push(self.buf.len() as u32);
            let text = std::str::from_utf8(bytes).ok();
            match (rule, text) {
                (Rule::Keep | Rule::Joined(_), _) | (_, None) => self.buf.extend_from_slice(bytes),
                (Rule::Text, Some(t)) => {
                    let x = t.trim();
                    if !(is_skip(x) || x == "-3" || x == "-2") {
                        self.buf.extend_from_slice(bytes);
                    }
                }
                (Rule::Number { skips }, Some(t)) => {
                    let x = t.trim();
                    if !(is_skip(x) || (*skips && (x == "-3" || x == "-2"))) {
                        self.buf.extend_from_slice(bytes);
                    }
                }
                (Rule::Choice { question, reading }, Some(t)) => {
                    let c = self.choices[*question].as_ref().expect("choices");
                    match c.read_cell(t, *reading, self.recodes[i].as_ref()) {
                        Ok(v) => self.buf.extend_from_slice(v.as_bytes()),
                        Err(bad) => {
                            return Some(Err(NotAnOption {
                                column: layout.header(i),
                                value: bad.into_iter().next().unwrap_or_default(),
                                options: c.describe(self.readings[i]),
                            }))
                        }
                    }
                }
            }
            self.ends.push(self.buf.len() as u32);
        }
        Some(Ok(Row::from_parts(
            row.number,
            &self.buf,
            &self.starts,
            &self.ends,
            None,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::demo_plan;

    fn q(id: &str) -> Choices {
        let plan = demo_plan();
        let q = plan.instruments[0]
            .questions()
            .find(|q| q.id == id)
            .unwrap()
            .clone();
        Choices::of(&q).unwrap()
    }

    #[test]
    fn cells_read_by_value_label_and_number() {
        let d = q("district");
        assert_eq!(d.read_cell("jiangan", None, None), Ok("jiangan".into()));
        assert_eq!(d.read_cell("江岸区", None, None), Ok("jiangan".into()));
        assert_eq!(
            d.read_cell("Jiang'an District", Some(Reading::Labels), None),
            Ok("jiangan".into())
        );
        assert_eq!(
            d.read_cell("2", Some(Reading::Numbers), None),
            Ok("jianghan".into())
        );
        assert_eq!(
            d.read_cell("2", Some(Reading::Labels), None),
            Err(vec!["2".into()])
        );
        assert_eq!(d.read_cell("(跳过)", None, None), Ok("".into()));
        assert_eq!(d.read_cell("-3", None, None), Ok("".into()));
        let s = q("overall");
        assert_eq!(s.read_cell("满意", None, None), Ok("4".into()));
        assert_eq!(
            s.read_cell("Satisfied", Some(Reading::Labels), None),
            Ok("4".into())
        );
        assert_eq!(
            s.read_cell("4", Some(Reading::Values), None),
            Ok("4".into())
        );
        assert_eq!(
            s.read_cell("9", Some(Reading::Values), None),
            Err(vec!["9".into()])
        );
        let m = q("priorities");
        assert_eq!(
            m.read_cell("交通出行┋生态环境", None, None),
            Ok("traffic;environment".into())
        );
        assert_eq!(
            m.read_cell("1┋2", Some(Reading::Numbers), None),
            Ok("traffic;environment".into())
        );
        assert_eq!(
            m.read_cell("traffic|environment", None, None),
            Ok("traffic;environment".into())
        );
        assert_eq!(
            m.read_cell("交通出行┋飞行", None, None),
            Err(vec!["飞行".into()])
        );
        // The office's recoding: 飞行 is read as 交通出行, 无 as nothing; a target that is no
        // option is still unmatched.
        let r: BTreeMap<String, String> = [("飞行", "traffic"), ("无", ""), ("x", "flying")]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
            .into();
        assert_eq!(
            m.read_cell("生态环境┋飞行", None, Some(&r)),
            Ok("environment;traffic".into())
        );
        assert_eq!(m.read_cell("无", None, Some(&r)), Ok("".into()));
        assert_eq!(m.read_cell("x", None, Some(&r)), Err(vec!["x".into()]));
        assert_eq!(
            d.read_cell("汉口区", None, Some(&r)),
            Err(vec!["汉口区".into()])
        );
        // One column per option.
        assert_eq!(m.option_cell(0, "1", None), Some(true));
        assert_eq!(m.option_cell(0, "交通出行", None), Some(true));
        assert_eq!(m.option_cell(0, "0", None), Some(false));
        assert_eq!(m.option_cell(0, "(跳过)", None), Some(false));
        assert_eq!(m.option_cell(0, "生态环境", None), None);
        assert_eq!(m.option_cell(0, "是", None), None);
        let yes: BTreeMap<String, String> = [("是".to_owned(), "1".to_owned())].into();
        assert_eq!(m.option_cell(0, "是", Some(&yes)), Some(true));
    }
}
