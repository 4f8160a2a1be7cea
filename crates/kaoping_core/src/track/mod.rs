//! Tracking through the year (跟踪管理): period figures of data indicators against their
//! annual targets and time progress, year on year, among peers and against a peer city;
//! project milestones and quarterly site checks; constraint events; and the warnings
//! (通知单, 预警通知单) the plan's rules give. See `docs/tracking.md`.
//!
//! Input files (period figures, project reports, constraint events) are CSV or JSON. Every row
//! read is accepted or rejected with its file, row, column and reason; the counts reconcile.
//! A [`Tracker`] is mergeable: rows added in any order, split over trackers merged in any
//! order, finish to the same [`TrackReport`] (duplicates are settled by file name and row, not
//! by arrival).

mod analyse;
mod demo;
mod export;
mod period;
mod records;
mod rules;
pub mod sheet;

pub use analyse::*;
pub use demo::{demo_periods, DemoPeriods};
#[cfg(feature = "office")]
pub use export::warnings_xlsx;
pub use export::{notice_body, notice_html, warned_units, warnings_csv, warnings_table};
pub use period::{Date, Period, PeriodKind};
pub use rules::*;

use crate::ingest::Rejection;
use crate::plan::{Indicator, IndicatorKind, Plan, Unit};
use crate::text::Text;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Why tracking could not run at all (rows with problems are rejections, not errors).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TrackError {
    #[error("the plan's tracking section is invalid: {0}")]
    Rules(String),
    #[error("\"{0}\" is not a period of the plan's year")]
    Through(String),
}

/// What a file holds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// unit, indicator, period, actual, last_year, peer_city, target.
    Periods,
    /// project, milestone, done_on (a milestone reached) or project, quarter, rater, score
    /// (a site-check rating); or the sealed records of site-check sheets.
    Projects,
    /// unit, indicator, date, veto, evidence, description.
    Events,
}

/// Where a row came from: file name and 1-based row (CSV: the line, the header being line 1;
/// JSON: the position in the array).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub struct Source {
    pub file: String,
    pub row: usize,
}

/// A period figure of one unit and data indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodRow {
    pub unit: String,
    pub indicator: String,
    pub period: Period,
    pub actual: f64,
    pub last_year: Option<f64>,
    pub peer_city: Option<f64>,
    pub target: Option<f64>,
    pub at: Source,
}

/// A milestone reported reached.
#[derive(Debug, Clone, PartialEq)]
pub struct MilestoneReport {
    pub project: String,
    pub milestone: String,
    pub done_on: Date,
    pub at: Source,
}

/// Who rates a project at the quarterly site check.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "SiteCheckRater")]
pub enum RaterGroup {
    /// 专家.
    Expert,
    /// 受益主体.
    Beneficiary,
    /// 项目建设者.
    Builder,
}

impl RaterGroup {
    pub fn name(self) -> Text {
        match self {
            RaterGroup::Expert => Text::new("专家", "experts"),
            RaterGroup::Beneficiary => Text::new("受益主体", "beneficiaries"),
            RaterGroup::Builder => Text::new("项目建设者", "builders"),
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            RaterGroup::Expert => "expert",
            RaterGroup::Beneficiary => "beneficiary",
            RaterGroup::Builder => "builder",
        }
    }

    /// Reads the id or the Chinese name (专家, 受益主体, 建设者, 项目建设者).
    pub fn parse(t: &str) -> Option<RaterGroup> {
        Some(match t.trim().to_ascii_lowercase().as_str() {
            "expert" | "专家" => RaterGroup::Expert,
            "beneficiary" | "受益主体" => RaterGroup::Beneficiary,
            "builder" | "建设者" | "项目建设者" => RaterGroup::Builder,
            _ => return None,
        })
    }
}

/// One rating (0–100) of a project at a quarter's site check.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteRating {
    pub project: String,
    pub quarter: Period,
    pub rater: RaterGroup,
    pub rater_id: Option<String>,
    pub score: f64,
    pub at: Source,
    /// From a site-check record (all the ratings of one record share `at`).
    pub record: bool,
}

/// A constraint event (约束类): e.g. a major ecological accident, with its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct ConstraintEvent {
    pub unit: String,
    pub indicator: String,
    pub date: Date,
    pub veto: bool,
    pub evidence: String,
    pub description: Option<String>,
    pub at: Source,
}

/// Counts per input file.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "TrackFileCount")]
pub struct FileCount {
    pub file: String,
    pub kind: InputKind,
    pub read: usize,
    pub accepted: usize,
    pub rejected: usize,
    /// Columns (or JSON keys) not used by tracking, read past.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored_columns: Vec<String>,
}

/// The rows of a plan's tracking year, collected from files.
#[derive(Debug, Clone)]
pub struct Tracker<'p> {
    plan: &'p Plan,
    rules: TrackingRules,
    files: BTreeMap<String, FileCount>,
    rejected: Vec<Rejection>,
    periods: BTreeMap<(String, String, Period), Vec<PeriodRow>>,
    milestones: BTreeMap<(String, String), Vec<MilestoneReport>>,
    ratings: Vec<SiteRating>,
    events: Vec<ConstraintEvent>,
}

/// One row read from CSV or JSON, with a way to its fields by column name.
struct Row {
    at: Source,
    fields: BTreeMap<String, Value>,
}

const PERIOD_COLUMNS: &[&str] = &[
    "unit",
    "indicator",
    "period",
    "actual",
    "last_year",
    "peer_city",
    "target",
];
const PROJECT_COLUMNS: &[&str] = &[
    "project",
    "milestone",
    "done_on",
    "quarter",
    "rater",
    "rater_id",
    "score",
];
const EVENT_COLUMNS: &[&str] = &[
    "unit",
    "indicator",
    "date",
    "veto",
    "evidence",
    "description",
];

/// Column names as spreadsheets often write them in Chinese.
fn column_alias(name: &str) -> String {
    let n = name.trim();
    let en = match n {
        "单位" | "责任单位" => "unit",
        "指标" => "indicator",
        "期间" | "月份" | "季度期间" => "period",
        "本期值" | "实际值" | "完成值" => "actual",
        "上年同期" => "last_year",
        "同类城市" | "同类城市值" => "peer_city",
        "目标值" | "年度目标" => "target",
        "项目" => "project",
        "节点" => "milestone",
        "完成日期" => "done_on",
        "季度" => "quarter",
        "评价主体" => "rater",
        "评价人" => "rater_id",
        "评分" | "得分" => "score",
        "日期" => "date",
        "否决" | "一票否决" => "veto",
        "证据" | "依据" => "evidence",
        "说明" | "描述" => "description",
        _ => return n.to_ascii_lowercase(),
    };
    en.to_owned()
}

impl<'p> Tracker<'p> {
    pub fn new(plan: &'p Plan) -> Result<Tracker<'p>, TrackError> {
        let rules = TrackingRules::of(plan).map_err(TrackError::Rules)?;
        Ok(Tracker {
            plan,
            rules,
            files: BTreeMap::new(),
            rejected: Vec::new(),
            periods: BTreeMap::new(),
            milestones: BTreeMap::new(),
            ratings: Vec::new(),
            events: Vec::new(),
        })
    }

    pub fn rules(&self) -> &TrackingRules {
        &self.rules
    }

    /// Reads one file's bytes: an encoding is detected (UTF-8 with or without BOM, UTF-16 with
    /// BOM, else GB18030/GBK as Excel writes it on Chinese Windows; see
    /// [`crate::table::decode`]), then as [`Tracker::add_file`]. A CSV row with bytes that are
    /// not text in that encoding is rejected (`encoding`).
    pub fn add_bytes(&mut self, kind: InputKind, file: &str, bytes: &[u8]) {
        let (text, _) = crate::table::decode::decode_all(bytes);
        self.add_file(kind, file, &text);
    }

    /// Reads one file: JSON when it starts with `[` or `{` (an array of objects, one object,
    /// or JSON Lines: one object a line), else CSV with a header row. Project files may hold
    /// site-check records (see `docs/tracking.md`).
    pub fn add_file(&mut self, kind: InputKind, file: &str, text: &str) {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let allowed = match kind {
            InputKind::Periods => PERIOD_COLUMNS,
            InputKind::Projects => PROJECT_COLUMNS,
            InputKind::Events => EVENT_COLUMNS,
        };
        let mut ignored = BTreeSet::new();
        let mut rows = Vec::new();
        let mut read = 0;
        let t = text.trim_start();
        if t.starts_with('[') || t.starts_with('{') {
            for (row, item) in json_items(text) {
                read += 1;
                let at = Source {
                    file: file.to_owned(),
                    row,
                };
                match item {
                    Ok(Value::Object(m)) if records::is_record(&m) => {
                        if kind == InputKind::Projects {
                            match records::site_check_ratings(
                                self.plan,
                                &self.rules,
                                Value::Object(m),
                                &at,
                            ) {
                                Ok(ratings) => self.ratings.extend(ratings),
                                Err(b) => self.bad(&at, b),
                            }
                        } else {
                            self.reject(
                                &at,
                                None,
                                "not_a_row",
                                "这是答卷记录，不是一行数据（现场查核记录应作为项目文件读入）",
                                "a response record, not a row (site-check records are read as project files)",
                            );
                        }
                    }
                    Ok(Value::Object(m)) => {
                        let mut fields = BTreeMap::new();
                        for (k, v) in m {
                            let k = column_alias(&k);
                            if allowed.contains(&k.as_str()) {
                                fields.insert(k, v);
                            } else {
                                ignored.insert(k);
                            }
                        }
                        rows.push(Row { at, fields });
                    }
                    Ok(_) => self.reject(
                        &at,
                        None,
                        "not_a_row",
                        "不是一行数据（应为 JSON 对象）",
                        "not a row (a JSON object is expected)",
                    ),
                    Err((zh, en)) => self.reject(&at, None, "json_syntax", &zh, &en),
                }
            }
        } else {
            read += self.csv_rows(file, text, allowed, &mut ignored, &mut rows);
        }
        for row in rows {
            match kind {
                InputKind::Periods => self.period_row(row),
                InputKind::Projects => self.project_row(row),
                InputKind::Events => self.event_row(row),
            }
        }
        let entry = self.files.entry(file.to_owned()).or_insert(FileCount {
            file: file.to_owned(),
            kind,
            read: 0,
            accepted: 0,
            rejected: 0,
            ignored_columns: Vec::new(),
        });
        entry.read += read;
        let mut cols: BTreeSet<String> = entry.ignored_columns.drain(..).collect();
        cols.extend(ignored);
        entry.ignored_columns = cols.into_iter().collect();
    }

    /// The rows of a CSV text with a header row, read by the shared tokenizer
    /// ([`crate::table::csv`]); rows are numbered as a spreadsheet shows them (the header is
    /// row 1). Returns how many rows were read (the header is not one).
    fn csv_rows(
        &mut self,
        file: &str,
        text: &str,
        allowed: &[&str],
        ignored: &mut BTreeSet<String>,
        rows: &mut Vec<Row>,
    ) -> usize {
        use crate::table::csv::{CsvProblem, Tokenizer};
        let mut header: Option<Vec<String>> = None;
        let mut read = 0;
        let mut tok = Tokenizer::new(b',');
        let mut on_row = |r: &crate::table::csv::Row| {
            let fields: Vec<String> = (0..r.len())
                .map(|i| String::from_utf8_lossy(r.field(i)).into_owned())
                .collect();
            let Some(head) = &header else {
                let head: Vec<String> = fields.iter().map(|h| column_alias(h)).collect();
                for h in &head {
                    if !allowed.contains(&h.as_str()) {
                        ignored.insert(h.clone());
                    }
                }
                header = Some(head);
                return;
            };
            read += 1;
            let at = Source {
                file: file.to_owned(),
                row: r.number as usize,
            };
            if let Some((problem, field)) = r.problem {
                let (zh, en) = match problem {
                    CsvProblem::UnterminatedQuote => (
                        "引号未闭合，其后内容无法读取",
                        "a quote is not closed; the rest of the file cannot be read",
                    ),
                    CsvProblem::TextAfterQuote => {
                        ("右引号后还有文字", "text after a closing quote")
                    }
                    CsvProblem::TooLong => ("此行超过 1 MiB", "the row is over 1 MiB"),
                };
                let column = head
                    .get(field)
                    .cloned()
                    .unwrap_or_else(|| (field + 1).to_string());
                self.rejected.push(Rejection {
                    file: at.file,
                    row: at.row,
                    column: Some(column),
                    code: "csv_syntax",
                    message: Text::new(
                        &format!("CSV 格式错误：{zh}"),
                        &format!("CSV syntax: {en}"),
                    ),
                });
                return;
            }
            if let Some(i) = fields.iter().position(|f| f.contains('\u{fffd}')) {
                let column = head.get(i).cloned().unwrap_or_else(|| (i + 1).to_string());
                self.rejected.push(Rejection {
                    file: at.file,
                    row: at.row,
                    column: Some(column),
                    code: "encoding",
                    message: Text::new(
                        "该行有无法识别的字符：文件的编码与检测到的不同",
                        "the row has bytes that are not text in the file's detected encoding",
                    ),
                });
                return;
            }
            if fields.len() != head.len() {
                self.rejected.push(Rejection {
                    file: at.file,
                    row: at.row,
                    column: None,
                    code: "csv_columns",
                    message: Text::new(
                        &format!("该行有 {} 个字段，表头有 {} 列", fields.len(), head.len()),
                        &format!(
                            "the row has {} fields, the header {} columns",
                            fields.len(),
                            head.len()
                        ),
                    ),
                });
                return;
            }
            let fields = head
                .iter()
                .zip(fields)
                .filter(|(h, _)| allowed.contains(&h.as_str()))
                .map(|(h, f)| (h.clone(), Value::String(f)))
                .collect();
            rows.push(Row { at, fields });
        };
        tok.feed(text.as_bytes(), &mut on_row);
        tok.finish(&mut on_row);
        read
    }

    /// Adds the rows of another tracker of the same plan.
    pub fn merge(&mut self, other: Tracker<'_>) {
        for (name, f) in other.files {
            let e = self.files.entry(name).or_insert(FileCount {
                file: f.file.clone(),
                kind: f.kind,
                read: 0,
                accepted: 0,
                rejected: 0,
                ignored_columns: Vec::new(),
            });
            e.read += f.read;
            let mut cols: BTreeSet<String> = e.ignored_columns.drain(..).collect();
            cols.extend(f.ignored_columns);
            e.ignored_columns = cols.into_iter().collect();
        }
        self.rejected.extend(other.rejected);
        for (k, v) in other.periods {
            self.periods.entry(k).or_default().extend(v);
        }
        for (k, v) in other.milestones {
            self.milestones.entry(k).or_default().extend(v);
        }
        self.ratings.extend(other.ratings);
        self.events.extend(other.events);
    }

    fn reject(
        &mut self,
        at: &Source,
        column: Option<String>,
        code: &'static str,
        zh: &str,
        en: &str,
    ) {
        self.rejected.push(Rejection {
            file: at.file.clone(),
            row: at.row,
            column,
            code,
            message: Text::new(zh, en),
        });
    }

    fn period_row(&mut self, row: Row) {
        let r = (|| {
            let unit = self.unit(&row)?;
            let (ind, tracked) = self.data_indicator(&row, unit)?;
            let kind = self.rules.period;
            let period = row.period(kind, self.plan.year)?;
            let start = start_of(self.plan, tracked, ind, kind);
            if period < start {
                return Err(Bad::new(
                    "period",
                    "before_start",
                    &format!("指标“{}”自 {start} 起考核（追加下达），此前各期不计", ind.name.get("zh-CN")),
                    &format!("indicator \"{}\" applies from {start} (added during the year); earlier periods are not counted", ind.name.get("en")),
                ));
            }
            let actual = row
                .number("actual")?
                .ok_or_else(|| Bad::missing("actual"))?;
            let last_year = row.number("last_year")?;
            let peer_city = row.number("peer_city")?;
            let target = row.number("target")?;
            if let Some(t) = target {
                if t <= 0.0 {
                    return Err(Bad::new(
                        "target",
                        "bad_value",
                        &format!("目标值 {t} 应大于 0"),
                        &format!("target {t} must be greater than 0"),
                    ));
                }
            }
            Ok(PeriodRow {
                unit: unit.id.clone(),
                indicator: ind.id.clone(),
                period,
                actual,
                last_year,
                peer_city,
                target,
                at: row.at.clone(),
            })
        })();
        match r {
            Ok(p) => self
                .periods
                .entry((p.unit.clone(), p.indicator.clone(), p.period))
                .or_default()
                .push(p),
            Err(b) => self.bad(&row.at, b),
        }
    }

    fn project_row(&mut self, row: Row) {
        enum Got {
            Milestone(MilestoneReport),
            Rating(SiteRating),
        }
        let r = (|| {
            let id = row.text("project").ok_or_else(|| Bad::missing("project"))?;
            let project = self.rules.project(&id).ok_or_else(|| {
                Bad::new(
                    "project",
                    "unknown_project",
                    &format!("方案的跟踪部分没有项目“{id}”"),
                    &format!("the plan's tracking section has no project \"{id}\""),
                )
            })?;
            if let Some(m) = row.text("milestone") {
                if !project.milestones.iter().any(|x| x.id == m) {
                    return Err(Bad::new(
                        "milestone",
                        "unknown_milestone",
                        &format!("项目“{id}”没有节点“{m}”"),
                        &format!("project \"{id}\" has no milestone \"{m}\""),
                    ));
                }
                let done_on = row.date("done_on")?;
                return Ok(Got::Milestone(MilestoneReport {
                    project: id,
                    milestone: m,
                    done_on,
                    at: row.at.clone(),
                }));
            }
            if let Some(g) = row.text("rater") {
                let rater = RaterGroup::parse(&g).ok_or_else(|| {
                    Bad::new(
                        "rater",
                        "bad_value",
                        &format!("评价主体“{g}”无效；可用：expert（专家）、beneficiary（受益主体）、builder（项目建设者）"),
                        &format!("rater \"{g}\" is not expert, beneficiary or builder"),
                    )
                })?;
                let q = row.text("quarter").ok_or_else(|| Bad::missing("quarter"))?;
                let quarter = match Period::parse(&q, PeriodKind::Quarter) {
                    Some(p) if p.year == self.plan.year => p,
                    _ => {
                        return Err(Bad::new(
                            "quarter",
                            "bad_period",
                            &format!(
                                "季度“{q}”无效：应为 {} 年内的季度（如 {}-Q1）",
                                self.plan.year, self.plan.year
                            ),
                            &format!(
                                "quarter \"{q}\" is not a quarter of {} (e.g. {}-Q1)",
                                self.plan.year, self.plan.year
                            ),
                        ))
                    }
                };
                let score = row.number("score")?.ok_or_else(|| Bad::missing("score"))?;
                if !(0.0..=100.0).contains(&score) {
                    return Err(Bad::new(
                        "score",
                        "bad_value",
                        &format!("评分 {score} 应在 0 到 100 之间"),
                        &format!("score {score} must be between 0 and 100"),
                    ));
                }
                return Ok(Got::Rating(SiteRating {
                    project: id,
                    quarter,
                    rater,
                    rater_id: row.text("rater_id"),
                    score,
                    at: row.at.clone(),
                    record: false,
                }));
            }
            Err(Bad::new(
                "milestone",
                "not_a_row",
                "项目行应填写节点（milestone 与 done_on）或现场评价（quarter、rater 与 score）",
                "a project row names a milestone (with done_on) or a site-check rating (quarter, rater and score)",
            ))
        })();
        match r {
            Ok(Got::Milestone(m)) => self
                .milestones
                .entry((m.project.clone(), m.milestone.clone()))
                .or_default()
                .push(m),
            Ok(Got::Rating(s)) => self.ratings.push(s),
            Err(b) => self.bad(&row.at, b),
        }
    }

    fn event_row(&mut self, row: Row) {
        let r = (|| {
            let unit = self.unit(&row)?;
            let name = row
                .text("indicator")
                .ok_or_else(|| Bad::missing("indicator"))?;
            let ind = find_indicator(self.plan, &name)
                .filter(|i| i.kind == IndicatorKind::Constraint)
                .ok_or_else(|| {
                    Bad::new(
                        "indicator",
                        "unknown_indicator",
                        &format!("“{name}”不是方案中的约束类指标"),
                        &format!("\"{name}\" is not a constraint indicator of the plan"),
                    )
                })?;
            applies(ind, unit)?;
            let date = row.date("date")?;
            let veto = row.flag("veto")?;
            if veto && !ind.veto {
                return Err(Bad::new(
                    "veto",
                    "bad_value",
                    &format!("指标“{}”不是一票否决指标", ind.name.get("zh-CN")),
                    &format!("indicator \"{}\" has no veto", ind.name.get("en")),
                ));
            }
            let evidence = row
                .text("evidence")
                .ok_or_else(|| Bad::missing("evidence"))?;
            Ok(ConstraintEvent {
                unit: unit.id.clone(),
                indicator: ind.id.clone(),
                date,
                veto,
                evidence,
                description: row.text("description"),
                at: row.at.clone(),
            })
        })();
        match r {
            Ok(e) => self.events.push(e),
            Err(b) => self.bad(&row.at, b),
        }
    }

    fn bad(&mut self, at: &Source, b: Bad) {
        self.rejected.push(Rejection {
            file: at.file.clone(),
            row: at.row,
            column: Some(b.column).filter(|c| !c.is_empty()),
            code: b.code,
            message: b.message,
        });
    }

    fn unit(&self, row: &Row) -> Result<&'p Unit, Bad> {
        let name = row.text("unit").ok_or_else(|| Bad::missing("unit"))?;
        let plan: &'p Plan = self.plan;
        plan.units
            .iter()
            .find(|u| u.id == name)
            .or_else(|| {
                plan.units
                    .iter()
                    .find(|u| u.name.0.values().any(|n| *n == name))
            })
            .ok_or_else(|| {
                Bad::new(
                    "unit",
                    "unknown_unit",
                    &format!("方案中没有责任单位“{name}”"),
                    &format!("the plan has no unit \"{name}\""),
                )
            })
    }

    fn data_indicator(
        &self,
        row: &Row,
        unit: &Unit,
    ) -> Result<(&'p Indicator, &TrackedIndicator), Bad> {
        let name = row
            .text("indicator")
            .ok_or_else(|| Bad::missing("indicator"))?;
        let plan: &'p Plan = self.plan;
        let ind = find_indicator(plan, &name).ok_or_else(|| {
            Bad::new(
                "indicator",
                "unknown_indicator",
                &format!("方案中没有指标“{name}”"),
                &format!("the plan has no indicator \"{name}\""),
            )
        })?;
        let tracked = self.rules.indicator(&ind.id).ok_or_else(|| {
            Bad::new(
                "indicator",
                "not_tracked",
                &format!("指标“{}”不在方案的按期跟踪指标中", ind.name.get("zh-CN")),
                &format!(
                    "indicator \"{}\" is not tracked by period in the plan",
                    ind.name.get("en")
                ),
            )
        })?;
        applies(ind, unit)?;
        Ok((ind, tracked))
    }
}

/// A JSON item, or its syntax error in zh-CN and en.
type JsonItem = Result<Value, (String, String)>;

/// The items of a JSON text with their row: an array's elements (1-based position), one
/// value (row 1), or JSON Lines (the line; blank lines skipped). A text that is none of these
/// is one syntax error, at its line.
fn json_items(text: &str) -> Vec<(usize, JsonItem)> {
    let syntax = |e: &serde_json::Error, line: usize, column: usize| {
        let what = e.to_string();
        let what = what.split(" at line ").next().unwrap_or(&what).to_owned();
        (
            format!("JSON 格式错误：{what}（第 {line} 行第 {column} 列）"),
            format!("invalid JSON: {what} (line {line}, column {column})"),
        )
    };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (i + 1, Ok(v)))
            .collect(),
        Ok(v) => vec![(1, Ok(v))],
        Err(e) => {
            // JSON Lines, when the first line is a JSON object on its own
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            let jsonl = !text.trim_start().starts_with('[')
                && serde_json::from_str::<Value>(first).is_ok_and(|v| v.is_object());
            if !jsonl {
                return vec![(e.line(), Err(syntax(&e, e.line(), e.column())))];
            }
            text.lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, l)| {
                    let item =
                        serde_json::from_str::<Value>(l).map_err(|e| syntax(&e, i + 1, e.column()));
                    (i + 1, item)
                })
                .collect()
        }
    }
}

fn find_indicator<'p>(plan: &'p Plan, name: &str) -> Option<&'p Indicator> {
    plan.indicators.iter().find(|i| i.id == name).or_else(|| {
        plan.indicators
            .iter()
            .find(|i| i.name.0.values().any(|n| n == name))
    })
}

fn applies(ind: &Indicator, unit: &Unit) -> Result<(), Bad> {
    if ind.weights.contains_key(&unit.category) {
        Ok(())
    } else {
        Err(Bad::new(
            "indicator",
            "not_applicable",
            &format!(
                "{}的类别不考核指标“{}”",
                unit.name.get("zh-CN"),
                ind.name.get("zh-CN")
            ),
            &format!(
                "{} is in a category without indicator \"{}\"",
                unit.name.get("en"),
                ind.name.get("en")
            ),
        ))
    }
}

/// The first period an indicator counts from (validated with the plan).
pub(crate) fn start_of(
    plan: &Plan,
    t: &TrackedIndicator,
    ind: &Indicator,
    kind: PeriodKind,
) -> Period {
    t.start
        .as_deref()
        .or(ind.from_period.as_deref())
        .and_then(|s| Period::parse(s, kind))
        .filter(|p| p.year == plan.year)
        .unwrap_or(Period::new(plan.year, kind, 1))
}

/// A row's problem.
struct Bad {
    column: String,
    code: &'static str,
    message: Text,
}

impl Bad {
    fn new(column: &str, code: &'static str, zh: &str, en: &str) -> Bad {
        Bad {
            column: column.to_owned(),
            code,
            message: Text::new(zh, en),
        }
    }

    fn missing(column: &str) -> Bad {
        Bad::new(
            column,
            "missing_value",
            &format!("缺少“{column}”"),
            &format!("\"{column}\" is missing"),
        )
    }
}

impl Row {
    /// A non-empty text field (numbers are taken as written).
    fn text(&self, name: &str) -> Option<String> {
        match self.fields.get(name)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    fn number(&self, name: &str) -> Result<Option<f64>, Bad> {
        let not = |shown: &str| {
            Bad::new(
                name,
                "not_numeric",
                &format!("“{name}”应为数值，现为“{shown}”"),
                &format!("\"{name}\" must be a number, not \"{shown}\""),
            )
        };
        match self.fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n.as_f64().map(Some).ok_or_else(|| not(&n.to_string())),
            Some(Value::String(s)) => {
                let t = s.trim();
                if t.is_empty() {
                    return Ok(None);
                }
                match t.parse::<f64>() {
                    Ok(v) if v.is_finite() && !t.eq_ignore_ascii_case("nan") => Ok(Some(v)),
                    _ => Err(not(t)),
                }
            }
            Some(other) => Err(not(&other.to_string())),
        }
    }

    fn flag(&self, name: &str) -> Result<bool, Bad> {
        match self.fields.get(name) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(v) => {
                let t = match v {
                    Value::String(s) => s.trim().to_ascii_lowercase(),
                    other => other.to_string(),
                };
                match t.as_str() {
                    "" | "false" | "0" | "no" | "否" => Ok(false),
                    "true" | "1" | "yes" | "是" => Ok(true),
                    _ => Err(Bad::new(
                        name,
                        "bad_value",
                        &format!("“{name}”应为 true/false（是/否），现为“{t}”"),
                        &format!("\"{name}\" must be true or false, not \"{t}\""),
                    )),
                }
            }
        }
    }

    fn date(&self, name: &str) -> Result<Date, Bad> {
        let t = self.text(name).ok_or_else(|| Bad::missing(name))?;
        Date::parse(&t).ok_or_else(|| {
            Bad::new(
                name,
                "bad_date",
                &format!("日期“{t}”无效（应为 YYYY-MM-DD）"),
                &format!("date \"{t}\" is not a date (YYYY-MM-DD)"),
            )
        })
    }

    fn period(&self, kind: PeriodKind, year: i32) -> Result<Period, Bad> {
        let t = self.text("period").ok_or_else(|| Bad::missing("period"))?;
        match Period::parse(&t, kind) {
            Some(p) if p.year == year => Ok(p),
            _ => Err(Bad::new(
                "period",
                "bad_period",
                &format!("期间“{t}”无效：应为 {year} 年内的{}", rules::kind_zh(kind)),
                &format!("period \"{t}\" is not a {} of {year}", rules::kind_en(kind)),
            )),
        }
    }
}

/// A named file's text, as a page or a worker passes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NamedFile {
    pub name: String,
    pub text: String,
}

/// Everything one tracking run reads (the office page's input).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TrackFiles {
    #[serde(default)]
    pub periods: Vec<NamedFile>,
    #[serde(default)]
    pub projects: Vec<NamedFile>,
    #[serde(default)]
    pub events: Vec<NamedFile>,
    /// The period analysed; default the latest with a figure.
    #[serde(default)]
    pub through: Option<String>,
    /// Language of the exports: zh-CN (default) or en.
    #[serde(default)]
    pub lang: Option<String>,
}

/// A unit's printable notice.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Notice {
    pub unit: String,
    pub level: Level,
    /// A whole page (for download and print).
    pub html: String,
    /// The same content as a fragment, to show inside a page.
    pub body: String,
}

/// A tracking run with its exports: the report, the warning list as CSV and a notice per
/// warned unit (plan order).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TrackOutput {
    pub report: TrackReport,
    pub warnings_csv: String,
    pub notices: Vec<Notice>,
}

/// Reads the files, analyses the year up to `through` and makes the exports.
pub fn track_files(plan: &Plan, files: &TrackFiles) -> Result<TrackOutput, TrackError> {
    let mut t = Tracker::new(plan)?;
    for (kind, list) in [
        (InputKind::Periods, &files.periods),
        (InputKind::Projects, &files.projects),
        (InputKind::Events, &files.events),
    ] {
        for f in list {
            t.add_file(kind, &f.name, &f.text);
        }
    }
    let report = t.finish(files.through.as_deref())?;
    let lang = crate::text::ui_lang(files.lang.as_deref().unwrap_or("zh-CN"));
    let notices = warned_units(plan, &report)
        .into_iter()
        .filter_map(|u| {
            let level = report
                .warnings
                .iter()
                .filter(|w| w.unit == u)
                .map(|w| w.level)
                .max()?;
            let html = notice_html(plan, &report, &u, lang)?;
            let (_, body) = notice_body(plan, &report, &u, lang)?;
            Some(Notice {
                unit: u,
                level,
                html,
                body,
            })
        })
        .collect();
    Ok(TrackOutput {
        warnings_csv: warnings_csv(plan, &report, lang),
        notices,
        report,
    })
}
