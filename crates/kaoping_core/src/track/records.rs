//! Site-check records (现场查核评价表 submitted on the review page) as project reports: each
//! sealed record is checked like ingest checks records (plan id and fingerprint, checksum), then
//! against its sheet with the review page's own checks, and gives one 0–100 rating per project
//! it rates (see `docs/tracking.md`, "Site-check records").

use super::sheet::{evaluate_review, sheet};
use super::{Bad, Period, PeriodKind, RaterGroup, SiteRating, Source, TrackingRules};
use crate::plan::{incompatible_message, Plan, RecordVersion};
use crate::record::{verify_record, ResponseRecord};
use crate::review::{ReviewAnswers, ReviewIssue, ReviewSheetLayout};
use crate::text::Text;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Whether a JSON object is a response record rather than a row (it carries the record
/// format tag, or a checksum with answers).
pub(super) fn is_record(m: &Map<String, Value>) -> bool {
    m.get("format")
        .and_then(Value::as_str)
        .is_some_and(|f| f.starts_with("kaoping.response/"))
        || (m.contains_key("checksum") && m.contains_key("answers"))
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

/// An accepted site-check record: the ratings it gives and the plan version it answered.
pub(super) struct SiteCheck {
    pub ratings: Vec<SiteRating>,
    pub version: String,
}

/// The ratings a site-check record gives (one per project rated; a project whose every
/// criterion is "unable to judge" gives none) and its plan version, or why it is rejected.
pub(super) fn site_check_ratings(
    plan: &Plan,
    rules: &TrackingRules,
    value: Value,
    at: &Source,
) -> Result<SiteCheck, Bad> {
    let rec = read_record(plan, value)?;
    let version = plan
        .version_of(&rec.plan_sha256)
        .unwrap_or(&plan.version)
        .to_owned();
    let Some(sc) = rules.site_check(&rec.instrument) else {
        return Err(Bad::new(
            "instrument",
            "unknown_instrument",
            &format!(
                "“{}”不是方案跟踪部分的现场查核表（专家评审表、问卷的记录用于年度考评汇总）",
                rec.instrument
            ),
            &format!(
                "\"{}\" is not a site-check sheet of the plan's tracking section (review and survey records go to the annual aggregation)",
                rec.instrument
            ),
        ));
    };
    let layout = sheet(plan, &sc.id).map_err(|e| Bad::unknown_instrument(&e))?;
    // The answers as the page had them; anything not on the sheet is named first.
    let by_project = scores_on_sheet(rules, &sc.id, &layout, &rec)?;
    let answers = review_answers(&rec, by_project);
    check_as_the_page(plan, &sc.id, &answers)?;
    let (Some(group), Some(quarter)) = (
        answers.group.as_deref().and_then(RaterGroup::parse),
        answers
            .quarter
            .as_deref()
            .and_then(|q| Period::parse(q, PeriodKind::Quarter)),
    ) else {
        // (the checks above make both present and valid)
        return Err(Bad::missing("answers/quarter"));
    };
    let rating = |project: &str, score: f64| SiteRating {
        project: project.to_owned(),
        quarter,
        rater: group,
        rater_id: Some(answers.reviewer.trim().to_owned()),
        score,
        at: at.clone(),
        record: true,
    };
    Ok(SiteCheck {
        ratings: project_scores(&layout, &answers)
            .into_iter()
            .map(|(project, score)| rating(project, score))
            .collect(),
        version,
    })
}

/// The record in `value`, if it is one of this plan (id and fingerprint) with a good checksum.
fn read_record(plan: &Plan, value: Value) -> Result<ResponseRecord, Bad> {
    let rec: ResponseRecord = serde_json::from_value(value).map_err(|e| {
        Bad::new(
            "",
            "not_a_record",
            &format!("不是答卷记录：{}", crate::text::serde_zh(&e.to_string())),
            &format!("not a response record: {e}"),
        )
    })?;
    let version = if rec.plan_id == plan.id {
        plan.record_version(&rec.plan_sha256, &rec.instrument)
    } else {
        RecordVersion::Unknown
    };
    if let RecordVersion::Incompatible { version, by, why } = version {
        let (zh, en) = incompatible_message(&rec.instrument, version, by, why);
        return Err(Bad::new("plan_sha256", "incompatible_version", &zh, &en));
    }
    if version == RecordVersion::Unknown {
        return Err(Bad::new(
            "plan_sha256",
            "another_plan",
            &format!(
                "记录属于另一方案（{} {}），不是本方案（{} {}）",
                rec.plan_id,
                short(&rec.plan_sha256),
                plan.id,
                short(&plan.sha256)
            ),
            &format!(
                "the record is for another plan ({} {}), not this one ({} {})",
                rec.plan_id,
                short(&rec.plan_sha256),
                plan.id,
                short(&plan.sha256)
            ),
        ));
    }
    if !verify_record(&rec) {
        return Err(Bad::new(
            "checksum",
            "checksum_mismatch",
            "答卷校验码与内容不符",
            "the record's checksum does not match its content",
        ));
    }
    Ok(rec)
}

/// The record's scores by project and criterion, once every project and criterion is on the
/// sheet `sheet_id`.
fn scores_on_sheet(
    rules: &TrackingRules,
    sheet_id: &str,
    layout: &ReviewSheetLayout,
    rec: &ResponseRecord,
) -> Result<BTreeMap<String, BTreeMap<String, Value>>, Bad> {
    let rows: BTreeMap<&str, &[String]> = layout
        .categories
        .iter()
        .flat_map(|c| c.units.iter())
        .map(|u| (u.id.as_str(), u.indicators.as_slice()))
        .collect();
    let scores = match rec.answers.get("scores") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => {
            return Err(Bad::new(
                "answers/scores",
                "bad_value",
                "“scores”应为按项目、查核内容给出的分数",
                "\"scores\" must hold the scores by project and criterion",
            ))
        }
    };
    let mut by_project = BTreeMap::new();
    for (project, row) in &scores {
        let Some(criteria) = rows.get(project.as_str()) else {
            let known = rules.project(project).is_some();
            return Err(Bad::new(
                &format!("answers/scores/{project}"),
                "unknown_project",
                &if known {
                    format!("项目“{project}”不在现场查核表“{sheet_id}”上")
                } else {
                    format!("方案的跟踪部分没有项目“{project}”")
                },
                &if known {
                    format!("project \"{project}\" is not on site-check sheet \"{sheet_id}\"")
                } else {
                    format!("the plan's tracking section has no project \"{project}\"")
                },
            ));
        };
        let Value::Object(cells) = row else {
            return Err(Bad::new(
                &format!("answers/scores/{project}"),
                "bad_value",
                &format!("项目“{project}”的分数应按查核内容给出"),
                &format!("the scores of project \"{project}\" must be given by criterion"),
            ));
        };
        for criterion in cells.keys() {
            if !criteria.contains(criterion) {
                return Err(Bad::new(
                    &format!("answers/scores/{project}/{criterion}"),
                    "unknown_criterion",
                    &format!("现场查核表“{sheet_id}”没有查核内容“{criterion}”"),
                    &format!("site-check sheet \"{sheet_id}\" has no criterion \"{criterion}\""),
                ));
            }
        }
        by_project.insert(
            project.clone(),
            cells
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
        );
    }
    Ok(by_project)
}

/// The record's answers as the review page had them.
fn review_answers(
    rec: &ResponseRecord,
    by_project: BTreeMap<String, BTreeMap<String, Value>>,
) -> ReviewAnswers {
    let text = |key: &str| {
        rec.answers
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    ReviewAnswers {
        reviewer: rec.respondent_id.clone(),
        group: text("group"),
        quarter: text("quarter"),
        recused: rec
            .answers
            .get("recused")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        scores: by_project,
        comments: rec.reasons.clone(),
    }
}

/// The review page's checks, in both languages: the first issue rejects the record.
fn check_as_the_page(plan: &Plan, sheet_id: &str, answers: &ReviewAnswers) -> Result<(), Bad> {
    let state = evaluate_review(plan, sheet_id, answers, "zh-CN")
        .map_err(|e| Bad::unknown_instrument(&e))?;
    if let Some(first) = state.issues.first() {
        let en = evaluate_review(plan, sheet_id, answers, "en")
            .ok()
            .and_then(|s| s.issues.into_iter().next())
            .map(|i| i.message)
            .unwrap_or_default();
        return Err(issue_to_bad(first, &en));
    }
    Ok(())
}

/// Each project rated (not recused, some criterion scored): the mean of its criteria on 0–100.
fn project_scores<'a>(
    layout: &'a ReviewSheetLayout,
    answers: &ReviewAnswers,
) -> Vec<(&'a str, f64)> {
    let (lo, hi) = (layout.scale.min, layout.scale.max);
    let mut out = Vec::new();
    for row in layout.categories.iter().flat_map(|c| c.units.iter()) {
        if answers.recused.contains(&row.id) {
            continue;
        }
        let Some(cells) = answers.scores.get(&row.id) else {
            continue;
        };
        let points: Vec<f64> = row
            .indicators
            .iter()
            .filter_map(|c| cells.get(c).and_then(Value::as_f64))
            .map(|x| (x - lo) / (hi - lo) * 100.0)
            .collect();
        if points.is_empty() {
            continue;
        }
        let mean = points.iter().sum::<f64>() / points.len() as f64;
        out.push((row.id.as_str(), crate::score::round_to(mean, 6) + 0.0));
    }
    out
}

/// A review-sheet issue as a rejection: the tracking code and the field of the record.
fn issue_to_bad(issue: &ReviewIssue, en: &str) -> Bad {
    let cell = match (&issue.unit, &issue.indicator) {
        (Some(u), Some(i)) => format!("{u}/{i}"),
        _ => String::new(),
    };
    let (code, column) = match issue.code.as_str() {
        "reviewer_required" => ("missing_value", "respondent_id".to_owned()),
        "group_required" => ("missing_value", "answers/group".to_owned()),
        "unknown_group" => ("bad_value", "answers/group".to_owned()),
        "quarter_required" => ("missing_value", "answers/quarter".to_owned()),
        "bad_quarter" => ("bad_period", "answers/quarter".to_owned()),
        "unknown_unit" => ("unknown_project", "answers/recused".to_owned()),
        "nothing_rated" => ("missing_value", "answers/scores".to_owned()),
        "comment_required" => ("missing_value", format!("reasons/{cell}")),
        "score_required" => ("missing_value", format!("answers/scores/{cell}")),
        _ => ("bad_value", format!("answers/scores/{cell}")),
    };
    Bad {
        column,
        code,
        message: Text::new(&issue.message, en),
    }
}
