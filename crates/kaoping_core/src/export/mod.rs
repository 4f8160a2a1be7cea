//! Exports: the tables an evaluation office publishes, built from an [`EvaluationResult`] (and
//! the ingest report), written as CSV ([`csv`]), XLSX (`crate::xlsx`, feature `office`) or
//! JSON ([`json`]).
//!
//! A [`Table`] is language-bound: its title, headers and words (grades, yes/no, names of
//! units, indicators, groups) are in the language asked for; ids stay beside the names so
//! that a table can be joined back to the JSON. Numbers are [`Cell::Number`]s, written as
//! numbers; scores, weights and contributions are rounded to 4 decimals, statistics
//! (α, W, ICC) to 4 and p-values to 4 significant digits. The JSON export keeps every number
//! in full.

pub mod csv;

use crate::cells::{Cell, Table};
use crate::ingest::IngestReport;
use crate::plan::{Plan, QuestionKind};
use crate::score::{round_to, ComponentSummary, EvaluationResult, Status, UnitResult};
use crate::stats::interval::Interval;
use crate::text::Text;
use serde::Serialize;

/// The export's ways of making a cell (the type is [`crate::cells`]'s).
impl Cell {
    fn num(x: Option<f64>) -> Cell {
        match x {
            Some(v) if v.is_finite() => Cell::Number(v),
            _ => Cell::Empty,
        }
    }

    /// A score, weight or contribution, rounded to 4 decimals.
    fn score(x: Option<f64>) -> Cell {
        Cell::num(x.map(|v| round_to(v, 4)))
    }

    /// A p-value, to 4 significant digits.
    fn p(x: Option<f64>) -> Cell {
        // `{:.3e}` then parse: decimal rounding without float noise.
        Cell::num(x.map(|v| format!("{v:.3e}").parse::<f64>().unwrap_or(v)))
    }

    fn count<T: Into<f64>>(n: T) -> Cell {
        Cell::Number(n.into())
    }

    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn opt_text(s: Option<impl Into<String>>) -> Cell {
        s.map_or(Cell::Empty, |s| Cell::Text(s.into()))
    }
}

/// The ids of the result tables, in the order [`tables`] returns them.
pub const RESULT_TABLES: [&str; 11] = [
    "ranking",
    "components",
    "indicators",
    "expert",
    "public",
    "public_items",
    "lists",
    "agreement",
    "cadres",
    "teams",
    "warnings",
];

/// The id of the ingest rejection table ([`rejections_table`]).
pub const REJECTIONS_TABLE: &str = "rejections";
/// The id of the per-file ingest counts ([`ingest_files_table`]).
pub const INGEST_FILES_TABLE: &str = "ingest_files";

/// Why an export could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExportError {
    #[error("unknown table {0:?}; the tables are: {tables}", tables = RESULT_TABLES.join(", "))]
    UnknownTable(String),
    #[error("the result is of plan {result:?} but the plan loaded is {plan:?}")]
    PlanMismatch { result: String, plan: String },
}

struct Ctx<'a> {
    plan: &'a Plan,
    result: &'a EvaluationResult,
    lang: &'a str,
}

impl Ctx<'_> {
    fn en(&self) -> bool {
        self.lang == "en"
    }

    fn t(&self, zh: &str, en: &str) -> String {
        if self.en() { en } else { zh }.to_owned()
    }

    fn headers(&self, cols: &[(&str, &str)]) -> Vec<String> {
        cols.iter().map(|(zh, en)| self.t(zh, en)).collect()
    }

    fn yes_no(&self, b: bool) -> Cell {
        Cell::Text(if b {
            self.t("是", "yes")
        } else {
            self.t("否", "no")
        })
    }

    fn unit_name(&self, id: &str) -> String {
        self.plan
            .unit(id)
            .map_or(id, |u| u.name.get(self.lang))
            .to_owned()
    }

    fn category_name(&self, id: &str) -> String {
        self.plan
            .category(id)
            .map_or(id, |c| c.name.get(self.lang))
            .to_owned()
    }

    fn indicator_name(&self, id: &str) -> String {
        self.plan
            .indicator(id)
            .map_or(id, |i| i.name.get(self.lang))
            .to_owned()
    }

    fn group_name(&self, id: &str) -> String {
        self.plan
            .instruments
            .iter()
            .filter_map(|i| i.review.as_ref())
            .flat_map(|r| r.groups.iter())
            .find(|g| g.id == id)
            .map_or(id, |g| g.name.get(self.lang))
            .to_owned()
    }

    /// `question` or `question/row` → the words of the question (and row).
    fn item_name(&self, item: &str) -> String {
        let (q, row) = match item.split_once('/') {
            Some((q, r)) => (q, Some(r)),
            None => (item, None),
        };
        let question = self.plan.instruments.iter().find_map(|i| i.question(q));
        let Some(question) = question else {
            return item.to_owned();
        };
        match (row, &question.kind) {
            (Some(r), QuestionKind::Matrix { rows, .. }) => rows
                .iter()
                .find(|c| c.value == r)
                .map_or(item.to_owned(), |c| {
                    let sep = if self.en() { ": " } else { "：" };
                    let q = question.label.get(self.lang);
                    format!("{q}{sep}{}", c.label.get(self.lang))
                }),
            (None, _) => question.label.get(self.lang).to_owned(),
            _ => item.to_owned(),
        }
    }

    fn cadre_name(&self, id: &str) -> String {
        let q = &self.result.rules.leadership.cadre_question;
        self.plan
            .instruments
            .iter()
            .find_map(|i| i.question(q))
            .and_then(|q| match &q.kind {
                QuestionKind::Matrix { rows, .. } => rows.iter().find(|c| c.value == id),
                _ => None,
            })
            .map_or(id, |c| c.label.get(self.lang))
            .to_owned()
    }

    fn label(&self, prefix: &str, id: &str) -> String {
        self.result
            .labels
            .get(&format!("{prefix}.{id}"))
            .map_or(id, |t| t.get(self.lang))
            .to_owned()
    }

    fn status(&self, s: Status) -> String {
        match s {
            Status::Ok => self.t("正常", "ok"),
            Status::Insufficient => self.t("样本不足", "insufficient"),
            Status::Missing => self.t("无数据", "missing"),
            Status::Incomplete => self.t("不完整", "incomplete"),
            Status::NotApplicable => self.t("不适用", "not applicable"),
        }
    }

    fn text(&self, t: &Text) -> String {
        t.get(self.lang).to_owned()
    }
}

fn interval_cells(i: Option<&Interval>) -> [Cell; 2] {
    [
        Cell::score(i.map(|i| i.lower)),
        Cell::score(i.map(|i| i.upper)),
    ]
}

/// Every result table, in the order of [`RESULT_TABLES`].
pub fn tables(plan: &Plan, result: &EvaluationResult, lang: &str) -> Vec<Table> {
    let cx = Ctx { plan, result, lang };
    RESULT_TABLES.iter().map(|id| build(&cx, id)).collect()
}

/// One result table by id (see [`RESULT_TABLES`]).
pub fn table(
    plan: &Plan,
    result: &EvaluationResult,
    id: &str,
    lang: &str,
) -> Result<Table, ExportError> {
    if !RESULT_TABLES.contains(&id) {
        return Err(ExportError::UnknownTable(id.to_owned()));
    }
    Ok(build(&Ctx { plan, result, lang }, id))
}

/// Every result table, then, with an ingest report, its rejections and per-file counts.
pub fn tables_with_ingest(
    plan: &Plan,
    result: &EvaluationResult,
    ingest: Option<&IngestSummary>,
    lang: &str,
) -> Vec<Table> {
    let mut t = tables(plan, result, lang);
    if let Some(i) = ingest {
        t.push(rejections_table(i, lang));
        t.push(ingest_files_table(i, lang));
    }
    t
}

/// [`tables_with_ingest`] for a result that came from elsewhere (the office page): refused
/// unless it was computed from `plan` ([`check_plan`]).
pub fn checked_tables(
    plan: &Plan,
    result: &EvaluationResult,
    ingest: Option<&IngestSummary>,
    lang: &str,
) -> Result<Vec<Table>, ExportError> {
    check_plan(plan, result)?;
    Ok(tables_with_ingest(plan, result, ingest, lang))
}

/// One result table as CSV text ([`csv::to_csv`]), for a result checked as in
/// [`checked_tables`].
pub fn checked_csv(
    plan: &Plan,
    result: &EvaluationResult,
    id: &str,
    lang: &str,
) -> Result<String, ExportError> {
    check_plan(plan, result)?;
    Ok(csv::to_csv(&table(plan, result, id, lang)?))
}

/// The workbook ([`xlsx`]), for a result checked as in [`checked_tables`].
#[cfg(feature = "office")]
pub fn checked_xlsx(
    plan: &Plan,
    result: &EvaluationResult,
    ingest: Option<&IngestSummary>,
    lang: &str,
) -> Result<Vec<u8>, ExportError> {
    check_plan(plan, result)?;
    Ok(xlsx(plan, result, ingest, lang))
}

/// Whether `result` was computed from `plan` (same id and fingerprint).
pub fn check_plan(plan: &Plan, result: &EvaluationResult) -> Result<(), ExportError> {
    if plan.id == result.plan_id && plan.sha256 == result.plan_sha256 {
        Ok(())
    } else {
        Err(ExportError::PlanMismatch {
            result: format!("{} {}", result.plan_id, result.plan_sha256),
            plan: format!("{} {}", plan.id, plan.sha256),
        })
    }
}

fn build(cx: &Ctx, id: &str) -> Table {
    let (title, headers, rows) = match id {
        "ranking" => ranking(cx),
        "components" => components(cx),
        "indicators" => indicators(cx),
        "expert" => expert(cx),
        "public" => public(cx),
        "public_items" => public_items(cx),
        "lists" => lists(cx),
        "agreement" => agreement(cx),
        "cadres" => cadres(cx),
        "teams" => teams(cx),
        _ => warnings(cx),
    };
    Table {
        id: id.to_owned(),
        title,
        headers,
        rows,
    }
}

type Parts = (String, Vec<String>, Vec<Vec<Cell>>);

fn unit_of<'a>(cx: &Ctx<'a>, id: &str) -> Option<&'a UnitResult> {
    cx.result.units.iter().find(|u| u.unit == id)
}

fn ranking(cx: &Ctx) -> Parts {
    let headers = cx.headers(&[
        ("类别", "Category"),
        ("名次", "Rank"),
        ("单位编号", "Unit id"),
        ("单位", "Unit"),
        ("综合得分", "Composite"),
        ("等次", "Grade"),
        ("立功", "Merit"),
        ("一票否决", "Veto"),
        ("书面整改", "Rectification report"),
        ("连续不达标年数", "Non-compliant years running"),
        ("领导班子", "Leadership team"),
        ("状态", "Status"),
    ]);
    let mut rows = Vec::new();
    for cat in &cx.result.categories {
        for e in &cat.ranking {
            let u = unit_of(cx, &e.unit);
            let vetoes = u.map_or(String::new(), |u| {
                u.vetoes
                    .iter()
                    .map(|v| {
                        let name = cx.indicator_name(&v.indicator);
                        match &v.reason {
                            Some(r) if cx.en() => format!("{name} ({})", cx.text(r)),
                            Some(r) => format!("{name}（{}）", cx.text(r)),
                            None => name,
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(if cx.en() { "; " } else { "；" })
            });
            let team = u.map_or(String::new(), |u| {
                if u.team.reorganisation {
                    cx.t("组织调整", "reorganisation")
                } else if u.team.admonition_talk {
                    cx.t("诫勉谈话", "admonition talk")
                } else {
                    String::new()
                }
            });
            rows.push(vec![
                Cell::text(cx.category_name(&cat.category)),
                Cell::num(e.rank.map(f64::from)),
                Cell::text(&e.unit),
                Cell::text(cx.unit_name(&e.unit)),
                Cell::num(e.score),
                Cell::text(cx.label("unit", &e.grade)),
                u.map_or(Cell::Empty, |u| cx.yes_no(u.merit)),
                if vetoes.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(vetoes)
                },
                u.map_or(Cell::Empty, |u| cx.yes_no(u.rectification_required)),
                u.map_or(Cell::Empty, |u| Cell::count(u.non_compliant_years_running)),
                if team.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(team)
                },
                u.map_or(Cell::Empty, |u| Cell::text(cx.status(u.status))),
            ]);
        }
    }
    (cx.t("排名", "Ranking"), headers, rows)
}

fn summary_cells(cx: &Ctx, name: String, s: &ComponentSummary) -> Vec<Cell> {
    let [lo, hi] = interval_cells(s.interval.as_ref());
    vec![
        Cell::Text(name),
        Cell::score(Some(s.weight)),
        Cell::score(s.weight_used),
        Cell::text(cx.status(s.status)),
        Cell::score(s.value),
        Cell::score(s.contribution),
        Cell::count(s.n as f64),
        Cell::count(s.unable_to_judge as f64),
        Cell::score(s.n_eff),
        lo,
        hi,
    ]
}

fn components(cx: &Ctx) -> Parts {
    let headers = cx.headers(&[
        ("单位编号", "Unit id"),
        ("单位", "Unit"),
        ("组成部分", "Component"),
        ("权重", "Weight"),
        ("实际权重", "Weight used"),
        ("状态", "Status"),
        ("得分", "Score"),
        ("贡献", "Contribution"),
        ("样本量", "n"),
        ("无法评价", "Unable to judge"),
        ("有效样本量", "Effective n"),
        ("区间下限", "Interval lower"),
        ("区间上限", "Interval upper"),
    ]);
    let mut rows = Vec::new();
    for u in &cx.result.units {
        let c = &u.components;
        for (name, s) in [
            (cx.t("指标考核", "Indicators"), &c.indicators.summary),
            (cx.t("专家评审", "Expert panel"), &c.expert.summary),
            (cx.t("公众满意度", "Public satisfaction"), &c.public.summary),
            (cx.t("领导评价", "Leadership"), &c.leadership),
        ] {
            let mut row = vec![Cell::text(&u.unit), Cell::text(cx.unit_name(&u.unit))];
            row.extend(summary_cells(cx, name, s));
            rows.push(row);
        }
    }
    (cx.t("得分构成", "Components"), headers, rows)
}

fn indicators(cx: &Ctx) -> Parts {
    use crate::score::IndicatorValue;
    let headers = cx.headers(&[
        ("单位编号", "Unit id"),
        ("单位", "Unit"),
        ("指标编号", "Indicator id"),
        ("指标", "Indicator"),
        ("权重", "Weight"),
        ("实际权重", "Weight used"),
        ("赋权方法", "Weight method"),
        ("实际值", "Actual"),
        ("目标值", "Target"),
        ("完成节点", "Milestones done"),
        ("节点总数", "Milestones total"),
        ("约束达标", "Constraint passed"),
        ("完成比", "Ratio"),
        ("专家评分", "Expert score"),
        ("得分", "Score"),
        ("贡献", "Contribution"),
    ]);
    let mut rows = Vec::new();
    for u in &cx.result.units {
        for i in &u.components.indicators.items {
            let (actual, target, done, total, passed) = match &i.input {
                Some(IndicatorValue::Data { actual, target, .. }) => (
                    Cell::num(Some(*actual)),
                    Cell::num(Some(*target)),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                ),
                Some(IndicatorValue::Project {
                    milestones_done,
                    milestones_total,
                }) => (
                    Cell::Empty,
                    Cell::Empty,
                    Cell::count(*milestones_done),
                    Cell::count(*milestones_total),
                    Cell::Empty,
                ),
                Some(IndicatorValue::Constraint { passed, .. }) => (
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    cx.yes_no(*passed),
                ),
                None => (
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                ),
            };
            let method = match i.weight_method.as_deref() {
                Some("ahp") => cx.t("层次分析法", "AHP"),
                Some("entropy") => cx.t("熵权法", "entropy"),
                Some(other) => other.to_owned(),
                None => cx.t("直接赋权", "direct"),
            };
            rows.push(vec![
                Cell::text(&u.unit),
                Cell::text(cx.unit_name(&u.unit)),
                Cell::text(&i.indicator),
                Cell::text(cx.indicator_name(&i.indicator)),
                Cell::score(Some(i.weight)),
                Cell::score(i.weight_used),
                Cell::Text(method),
                actual,
                target,
                done,
                total,
                passed,
                Cell::score(i.ratio),
                Cell::score(i.expert),
                Cell::score(i.score),
                Cell::score(i.contribution),
            ]);
        }
    }
    (cx.t("指标得分", "Indicator scores"), headers, rows)
}

fn expert(cx: &Ctx) -> Parts {
    let headers = cx.headers(&[
        ("单位编号", "Unit id"),
        ("单位", "Unit"),
        ("指标", "Indicator"),
        ("评审组", "Rater group"),
        ("组权重", "Group weight"),
        ("实际权重", "Weight used"),
        ("状态", "Status"),
        ("评分数", "n"),
        ("无法评价", "Unable to judge"),
        ("平均分", "Mean"),
        ("组得分", "Group score"),
        ("专家得分", "Panel score"),
    ]);
    let mut rows = Vec::new();
    for u in &cx.result.units {
        let e = &u.components.expert;
        let all = cx.t("（全部指标）", "(all indicators)");
        let blocks = std::iter::once((all, e.summary.value, &e.groups)).chain(
            e.indicators
                .iter()
                .map(|i| (cx.indicator_name(&i.indicator), i.value, &i.groups)),
        );
        for (ind, value, groups) in blocks {
            for g in groups {
                rows.push(vec![
                    Cell::text(&u.unit),
                    Cell::text(cx.unit_name(&u.unit)),
                    Cell::text(ind.clone()),
                    Cell::text(cx.group_name(&g.group)),
                    Cell::score(Some(g.weight)),
                    Cell::score(g.weight_used),
                    Cell::text(cx.status(g.status)),
                    Cell::count(g.n as f64),
                    Cell::count(g.unable_to_judge as f64),
                    Cell::score(g.mean),
                    Cell::score(g.value),
                    Cell::score(value),
                ]);
            }
        }
    }
    (cx.t("专家评审明细", "Expert panel detail"), headers, rows)
}

fn public(cx: &Ctx) -> Parts {
    let headers = cx.headers(&[
        ("单位编号", "Unit id"),
        ("单位", "Unit"),
        ("状态", "Status"),
        ("有效问卷", "Respondents"),
        ("满意度指数", "Satisfaction index"),
        ("指数区间下限", "Index interval lower"),
        ("指数区间上限", "Index interval upper"),
        ("满意率", "Satisfaction rate"),
        ("满意率下限", "Rate lower (Wilson)"),
        ("满意率上限", "Rate upper (Wilson)"),
        ("NPS", "NPS"),
        ("推荐者", "Promoters"),
        ("中立者", "Passives"),
        ("贬损者", "Detractors"),
        ("克朗巴赫α", "Cronbach's alpha"),
        ("α样本量", "Alpha n"),
        ("加权方法", "Weighting"),
        ("设计效应", "Design effect"),
        ("有效样本量", "Effective n"),
        ("未加权指数", "Unweighted index"),
    ]);
    let mut rows = Vec::new();
    for u in &cx.result.units {
        let p = &u.components.public;
        let [lo, hi] = interval_cells(p.summary.interval.as_ref());
        let rate = p.satisfaction_rate.as_ref();
        let w = p.weighting.as_ref();
        rows.push(vec![
            Cell::text(&u.unit),
            Cell::text(cx.unit_name(&u.unit)),
            Cell::text(cx.status(p.summary.status)),
            Cell::count(p.summary.n as f64),
            Cell::score(p.summary.value),
            lo,
            hi,
            Cell::score(rate.map(|r| r.estimate)),
            Cell::score(rate.map(|r| r.lower)),
            Cell::score(rate.map(|r| r.upper)),
            Cell::score(p.nps.as_ref().map(|n| n.nps)),
            Cell::num(p.nps.as_ref().map(|n| n.promoters as f64)),
            Cell::num(p.nps.as_ref().map(|n| n.passives as f64)),
            Cell::num(p.nps.as_ref().map(|n| n.detractors as f64)),
            Cell::score(p.cronbach_alpha),
            Cell::count(p.cronbach_n as f64),
            Cell::opt_text(w.map(|w| match (w.method.as_str(), w.status.as_str()) {
                ("rake", "ok") => cx.t("迭代加权", "raking"),
                ("post_stratify", "ok") => cx.t("事后分层", "post-stratification"),
                (m, s) => format!("{m} ({s})"),
            })),
            Cell::score(w.and_then(|w| w.design_effect)),
            Cell::score(w.and_then(|w| w.effective_n)),
            Cell::score(w.and_then(|w| w.unweighted_value)),
        ]);
    }
    (cx.t("公众满意度", "Public satisfaction"), headers, rows)
}

fn public_items(cx: &Ctx) -> Parts {
    let headers = cx.headers(&[
        ("单位编号", "Unit id"),
        ("单位", "Unit"),
        ("题目编号", "Item id"),
        ("题目", "Item"),
        ("回答数", "n"),
        ("无法评价", "Unable to judge"),
        ("平均分", "Mean"),
    ]);
    let mut rows = Vec::new();
    for u in &cx.result.units {
        for i in &u.components.public.items {
            rows.push(vec![
                Cell::text(&u.unit),
                Cell::text(cx.unit_name(&u.unit)),
                Cell::text(&i.item),
                Cell::text(cx.item_name(&i.item)),
                Cell::count(i.n as f64),
                Cell::count(i.unable_to_judge as f64),
                Cell::score(i.mean),
            ]);
        }
    }
    (cx.t("公众满意度分项", "Public items"), headers, rows)
}

fn lists(cx: &Ctx) -> Parts {
    let headers = cx.headers(&[
        ("单位编号", "Unit id"),
        ("单位", "Unit"),
        ("清单", "List"),
        ("指标", "Indicator"),
        ("得分", "Score"),
        ("类别平均", "Category mean"),
        ("差值", "Difference"),
    ]);
    let mut rows = Vec::new();
    for u in &cx.result.units {
        for (list, items) in [
            (cx.t("正向清单", "positive"), &u.positive),
            (cx.t("反向清单", "negative"), &u.negative),
        ] {
            for i in items {
                rows.push(vec![
                    Cell::text(&u.unit),
                    Cell::text(cx.unit_name(&u.unit)),
                    Cell::text(list.clone()),
                    Cell::text(cx.indicator_name(&i.indicator)),
                    Cell::score(Some(i.score)),
                    Cell::score(Some(i.category_mean)),
                    Cell::score(Some(i.difference)),
                ]);
            }
        }
    }
    (
        cx.t("正反向清单", "Positive and negative lists"),
        headers,
        rows,
    )
}

fn agreement(cx: &Ctx) -> Parts {
    let headers = cx.headers(&[
        ("类别", "Category"),
        ("指标", "Indicator"),
        ("评审人数", "Raters"),
        ("单位数", "Units"),
        ("Krippendorff α", "Krippendorff's alpha"),
        ("Kendall W", "Kendall's W"),
        ("W 的 p 值", "W p-value"),
        ("W 评审人数", "W raters"),
        ("ICC(2,1)", "ICC(2,1)"),
        ("ICC(2,k)", "ICC(2,k)"),
        ("一致性偏低", "Low agreement"),
        ("说明", "Note"),
    ]);
    let rows = cx
        .result
        .agreement
        .iter()
        .map(|a| {
            vec![
                Cell::text(cx.category_name(&a.category)),
                Cell::text(cx.indicator_name(&a.indicator)),
                Cell::count(a.raters as f64),
                Cell::count(a.units as f64),
                Cell::score(a.alpha),
                Cell::score(a.kendall_w),
                Cell::p(a.kendall_p),
                Cell::count(a.kendall_raters as f64),
                Cell::score(a.icc_single),
                Cell::score(a.icc_average),
                cx.yes_no(a.low_agreement),
                Cell::opt_text(a.note.clone()),
            ]
        })
        .collect();
    (cx.t("评审一致性", "Panel agreement"), headers, rows)
}

fn cadres(cx: &Ctx) -> Parts {
    let headers = cx.headers(&[
        ("单位编号", "Unit id"),
        ("单位", "Unit"),
        ("干部", "Cadre"),
        ("不称职票", "Votes: incompetent"),
        ("基本称职票", "Votes: basically competent"),
        ("称职票", "Votes: competent"),
        ("优秀票", "Votes: excellent"),
        ("票数", "Votes"),
        ("等次", "Grade"),
        ("诫勉谈话", "Admonition talk"),
    ]);
    let mut rows = Vec::new();
    for u in &cx.result.units {
        for c in &u.cadres {
            rows.push(vec![
                Cell::text(&u.unit),
                Cell::text(cx.unit_name(&u.unit)),
                Cell::text(cx.cadre_name(&c.cadre)),
                Cell::count(c.votes[0] as f64),
                Cell::count(c.votes[1] as f64),
                Cell::count(c.votes[2] as f64),
                Cell::count(c.votes[3] as f64),
                Cell::count(c.n as f64),
                Cell::text(cx.label("cadre", &c.grade)),
                cx.yes_no(c.admonition_talk),
            ]);
        }
    }
    (cx.t("干部等次", "Cadre grades"), headers, rows)
}

fn teams(cx: &Ctx) -> Parts {
    let headers = cx.headers(&[
        ("单位编号", "Unit id"),
        ("单位", "Unit"),
        ("班子得分", "Team score"),
        ("班子等次", "Team grade"),
        ("上年等次", "Previous grade"),
        ("诫勉谈话", "Admonition talk"),
        ("组织调整", "Reorganisation"),
    ]);
    let rows = cx
        .result
        .units
        .iter()
        .map(|u| {
            vec![
                Cell::text(&u.unit),
                Cell::text(cx.unit_name(&u.unit)),
                Cell::score(u.team.score),
                Cell::text(cx.label("team", &u.team.grade)),
                Cell::opt_text(u.team.previous_grade.as_ref().map(|g| cx.label("team", g))),
                cx.yes_no(u.team.admonition_talk),
                cx.yes_no(u.team.reorganisation),
            ]
        })
        .collect();
    (cx.t("领导班子", "Leadership teams"), headers, rows)
}

fn warnings(cx: &Ctx) -> Parts {
    let headers = cx.headers(&[
        ("代码", "Code"),
        ("单位", "Unit"),
        ("对象", "Subject"),
        ("说明", "Message"),
    ]);
    let rows = cx
        .result
        .warnings
        .iter()
        .map(|w| {
            vec![
                Cell::text(&w.code),
                Cell::opt_text(w.unit.as_ref().map(|u| cx.unit_name(u))),
                Cell::opt_text(w.subject.clone()),
                Cell::text(cx.text(&w.message)),
            ]
        })
        .collect();
    (cx.t("提示", "Warnings"), headers, rows)
}

/// What the ingest tables need of an ingest report; reads the JSON of an [`IngestReport`] too
/// (the office page hands it back for export).
#[derive(Debug, Clone, PartialEq, Default, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct IngestSummary {
    #[serde(default)]
    pub files: Vec<FileRow>,
    #[serde(default)]
    pub rejected: Vec<RejectionRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct FileRow {
    pub file: String,
    pub read: usize,
    pub accepted: usize,
    pub rejected: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct RejectionRow {
    pub file: String,
    pub row: usize,
    #[serde(default)]
    pub column: Option<String>,
    pub code: String,
    pub message: Text,
}

impl IngestSummary {
    pub fn of(report: &IngestReport) -> IngestSummary {
        IngestSummary {
            files: report
                .files
                .iter()
                .map(|f| FileRow {
                    file: f.file.clone(),
                    read: f.read,
                    accepted: f.accepted,
                    rejected: f.rejected,
                })
                .collect(),
            rejected: report
                .rejected
                .iter()
                .map(|r| RejectionRow {
                    file: r.file.clone(),
                    row: r.row,
                    column: r.column.clone(),
                    code: r.code.to_owned(),
                    message: r.message.clone(),
                })
                .collect(),
        }
    }
}

/// The rejection report of an ingest: file, row, column, code and reason of every record
/// not accepted.
pub fn rejections_table(report: &IngestSummary, lang: &str) -> Table {
    let en = lang == "en";
    let h = |zh: &str, e: &str| if en { e } else { zh }.to_owned();
    Table {
        id: REJECTIONS_TABLE.into(),
        title: h("拒收记录", "Rejected records"),
        headers: vec![
            h("文件", "File"),
            h("行", "Row"),
            h("列", "Column"),
            h("代码", "Code"),
            h("原因", "Reason"),
        ],
        rows: report
            .rejected
            .iter()
            .map(|r| {
                vec![
                    Cell::text(&r.file),
                    Cell::count(r.row as f64),
                    Cell::opt_text(r.column.clone()),
                    Cell::text(&r.code),
                    Cell::text(r.message.get(lang)),
                ]
            })
            .collect(),
    }
}

/// Counts per file of an ingest: read, accepted, rejected.
pub fn ingest_files_table(report: &IngestSummary, lang: &str) -> Table {
    let en = lang == "en";
    let h = |zh: &str, e: &str| if en { e } else { zh }.to_owned();
    Table {
        id: INGEST_FILES_TABLE.into(),
        title: h("读取文件", "Files read"),
        headers: vec![
            h("文件", "File"),
            h("读取", "Read"),
            h("接受", "Accepted"),
            h("拒收", "Rejected"),
        ],
        rows: report
            .files
            .iter()
            .map(|f| {
                vec![
                    Cell::text(&f.file),
                    Cell::count(f.read as f64),
                    Cell::count(f.accepted as f64),
                    Cell::count(f.rejected as f64),
                ]
            })
            .collect(),
    }
}

/// The workbook of an evaluation (feature `office`): one sheet per result table, then the rejections and the
/// per-file counts when an ingest report is given.
#[cfg(feature = "office")]
pub fn xlsx(
    plan: &Plan,
    result: &EvaluationResult,
    ingest: Option<&IngestSummary>,
    lang: &str,
) -> Vec<u8> {
    crate::xlsx::write_tables(&tables_with_ingest(plan, result, ingest, lang))
}

/// The JSON export: the canonical JSON of the result (sorted keys, no whitespace), whose
/// SHA-256 is the result fingerprint of the manifest.
pub fn json(result: &EvaluationResult) -> String {
    crate::canonical::to_canonical_string(result)
}
