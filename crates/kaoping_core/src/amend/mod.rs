//! Amendments without orphans: two versions of a plan compared (`kaoping plan diff`), and a
//! new version written with its amendment appended to the plan's history (`kaoping plan
//! amend`), so that records made under the earlier version stay valid where their instrument
//! changed only compatibly (see `docs/plan.md`, 修订).
//!
//! Compatible: the form unchanged, or changed only in its texts (labels, hints, messages,
//! titles), by added optional questions, by added options, or in order. Anything else (a
//! question removed, retyped, made required; an option removed or revalued; a relevance,
//! constraint, scale, score or sheet cell changed) is incompatible, with the reason.

mod instrument;
mod sheet;
pub mod trust;

use crate::plan::{Amendment, Plan};
use crate::text::Text;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// One change between two versions of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Change {
    /// What kind of change: `question_added`, `option_removed`, `text_changed`, … (see
    /// `docs/plan.md`).
    pub code: &'static str,
    /// Where, as a JSON Pointer into the new plan (the old one for what was removed).
    pub path: String,
    /// The instrument (or site-check sheet) it changes; none for the plan's other parts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instrument: Option<String>,
    /// Whether records of `instrument` made before the change stay valid after it.
    pub compatible: bool,
    pub message: Text,
}

/// Whether the records of one instrument of the old plan stay valid under the new one.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct InstrumentVerdict {
    pub instrument: String,
    pub compatible: bool,
    /// The first incompatible change, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Text>,
}

/// What changed from one version of a plan to another.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PlanDiff {
    pub old_version: String,
    pub new_version: String,
    pub old_sha256: String,
    pub new_sha256: String,
    pub changes: Vec<Change>,
    /// Every instrument and site-check sheet of the old plan, in its order.
    pub instruments: Vec<InstrumentVerdict>,
    /// Whether every instrument's records stay valid.
    pub compatible: bool,
    /// Whether both versions have the same plan id (an amendment needs it).
    pub same_id: bool,
    /// The new version's languages: an amendment's reason is written in each.
    pub languages: Vec<String>,
}

/// The changes found so far.
#[derive(Default)]
pub(crate) struct Diff {
    changes: Vec<Change>,
}

impl Diff {
    fn change(&mut self, ins: &str, code: &'static str, p: &str, ok: bool, zh: &str, en: &str) {
        self.changes.push(Change {
            code,
            path: p.to_owned(),
            instrument: (!ins.is_empty()).then(|| ins.to_owned()),
            compatible: ok,
            message: Text::new(zh, en),
        });
    }

    fn plan(&mut self, code: &'static str, p: &str, zh: &str, en: &str) {
        self.change("", code, p, true, zh, en);
    }
}

/// What changed from `old` to `new`, and whether each instrument's records stay valid.
pub fn diff_plans(old: &Plan, new: &Plan) -> PlanDiff {
    let mut d = Diff::default();
    d.header(old, new);
    d.units(old, new);
    d.indicators(old, new);
    for (i, ins) in new.instruments.iter().enumerate() {
        let p = format!("/instruments/{i}");
        match old.instrument(&ins.id) {
            Some(o) => d.instrument(o, ins, &p),
            None => d.plan(
                "instrument_added",
                &p,
                &format!("新增问卷 {}", ins.id),
                &format!("instrument {} added", ins.id),
            ),
        }
    }
    for (i, o) in old.instruments.iter().enumerate() {
        if new.instrument(&o.id).is_none() {
            d.change(
                &o.id,
                "instrument_removed",
                &format!("/instruments/{i}"),
                false,
                &format!("删除问卷 {}", o.id),
                &format!("instrument {} removed", o.id),
            );
        }
    }
    d.sheets(old, new);
    d.sections_of_json(old, new);
    let mut ids: Vec<String> = old.instruments.iter().map(|i| i.id.clone()).collect();
    for id in sheet::sheet_ids(old) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let instruments: Vec<InstrumentVerdict> = ids
        .into_iter()
        .map(|id| {
            let reason = d
                .changes
                .iter()
                .find(|c| !c.compatible && c.instrument.as_deref() == Some(id.as_str()))
                .map(|c| c.message.clone());
            InstrumentVerdict {
                compatible: reason.is_none(),
                instrument: id,
                reason,
            }
        })
        .collect();
    PlanDiff {
        old_version: old.version.clone(),
        new_version: new.version.clone(),
        old_sha256: old.sha256.clone(),
        new_sha256: new.sha256.clone(),
        compatible: instruments.iter().all(|v| v.compatible),
        changes: d.changes,
        instruments,
        same_id: old.id == new.id,
        languages: new.languages.clone(),
    }
}

impl Diff {
    fn header(&mut self, old: &Plan, new: &Plan) {
        let pairs = [
            ("id", "编号", &old.id, &new.id),
            ("version", "版本", &old.version, &new.version),
        ];
        for (key, zh, a, b) in pairs {
            if a != b {
                self.plan(
                    if key == "id" {
                        "plan_id_changed"
                    } else {
                        "version_changed"
                    },
                    &format!("/{key}"),
                    &format!("方案{zh} {a} → {b}"),
                    &format!("plan {key} {a} → {b}"),
                );
            }
        }
        if old.year != new.year {
            self.plan(
                "year_changed",
                "/year",
                &format!("年度 {} → {}", old.year, new.year),
                &format!("year {} → {}", old.year, new.year),
            );
        }
        if old.title != new.title || old.description != new.description {
            self.plan(
                "text_changed",
                "/title",
                "方案标题或说明修改",
                "plan title or description edited",
            );
        }
        if old.languages != new.languages {
            self.plan(
                "languages_changed",
                "/languages",
                &format!(
                    "语言 {} → {}",
                    old.languages.join(", "),
                    new.languages.join(", ")
                ),
                &format!(
                    "languages {} → {}",
                    old.languages.join(", "),
                    new.languages.join(", ")
                ),
            );
        }
        for (i, c) in new.categories.iter().enumerate() {
            let p = format!("/categories/{i}");
            match old.category(&c.id) {
                None => self.plan(
                    "category_added",
                    &p,
                    &format!("新增单位类别 {}", c.id),
                    &format!("category {} added", c.id),
                ),
                Some(o) if o.components != c.components => self.plan(
                    "weights_changed",
                    &format!("{p}/components"),
                    &format!("单位类别 {} 的构成权重改变", c.id),
                    &format!("category {}: component weights changed", c.id),
                ),
                Some(o) if o.name != c.name => self.plan(
                    "text_changed",
                    &format!("{p}/name"),
                    &format!("单位类别 {} 的名称修改", c.id),
                    &format!("category {}: name edited", c.id),
                ),
                Some(_) => {}
            }
        }
        for (i, o) in old.categories.iter().enumerate() {
            if new.category(&o.id).is_none() {
                self.plan(
                    "category_removed",
                    &format!("/categories/{i}"),
                    &format!("删除单位类别 {}", o.id),
                    &format!("category {} removed", o.id),
                );
            }
        }
    }

    fn units(&mut self, old: &Plan, new: &Plan) {
        for (i, u) in new.units.iter().enumerate() {
            let p = format!("/units/{i}");
            match old.unit(&u.id) {
                None => self.plan(
                    "unit_added",
                    &p,
                    &format!("新增责任单位 {}", u.id),
                    &format!("unit {} added", u.id),
                ),
                Some(o) if o.category != u.category => self.plan(
                    "unit_changed",
                    &format!("{p}/category"),
                    &format!("责任单位 {} 的类别 {} → {}", u.id, o.category, u.category),
                    &format!("unit {}: category {} → {}", u.id, o.category, u.category),
                ),
                Some(o) if o.name != u.name => self.plan(
                    "text_changed",
                    &format!("{p}/name"),
                    &format!("责任单位 {} 的名称修改", u.id),
                    &format!("unit {}: name edited", u.id),
                ),
                Some(_) => {}
            }
        }
        for (i, o) in old.units.iter().enumerate() {
            if new.unit(&o.id).is_none() {
                // A unit is also an answer (the appraisal's unit, a review sheet's row): records
                // naming it are refused at ingest (unknown_unit) and sheets report their cells.
                self.plan(
                    "unit_removed",
                    &format!("/units/{i}"),
                    &format!("删除责任单位 {}", o.id),
                    &format!("unit {} removed", o.id),
                );
            }
        }
    }

    fn indicators(&mut self, old: &Plan, new: &Plan) {
        for (i, n) in new.indicators.iter().enumerate() {
            let p = format!("/indicators/{i}");
            let Some(o) = old.indicator(&n.id) else {
                self.plan(
                    "indicator_added",
                    &p,
                    &format!("新增指标 {}", n.id),
                    &format!("indicator {} added", n.id),
                );
                continue;
            };
            let id = &n.id;
            if o.weights != n.weights {
                self.plan(
                    "weights_changed",
                    &format!("{p}/weights"),
                    &format!("指标 {id} 的权重改变"),
                    &format!("indicator {id}: weights changed"),
                );
            }
            if (o.orientation, o.kind, o.veto, o.direction)
                != (n.orientation, n.kind, n.veto, n.direction)
            {
                self.plan(
                    "indicator_changed",
                    &p,
                    &format!("指标 {id} 的导向、类型、否决或方向改变"),
                    &format!("indicator {id}: orientation, kind, veto or direction changed"),
                );
            }
            if o.from_period != n.from_period {
                self.plan(
                    "indicator_changed",
                    &format!("{p}/from_period"),
                    &format!("指标 {id} 的起始期改变（追加下达）"),
                    &format!("indicator {id}: from_period changed (追加下达)"),
                );
            }
            if o.name != n.name || o.measure != n.measure {
                self.plan(
                    "text_changed",
                    &format!("{p}/name"),
                    &format!("指标 {id} 的名称或计量单位修改"),
                    &format!("indicator {id}: name or measure edited"),
                );
            }
        }
        for (i, o) in old.indicators.iter().enumerate() {
            if new.indicator(&o.id).is_none() {
                self.plan(
                    "indicator_removed",
                    &format!("/indicators/{i}"),
                    &format!("删除指标 {}", o.id),
                    &format!("indicator {} removed", o.id),
                );
            }
        }
    }

    /// The sections kept as JSON (scoring, tracking): changed or not.
    fn sections_of_json(&mut self, old: &Plan, new: &Plan) {
        if old.scoring != new.scoring {
            self.plan(
                "scoring_changed",
                "/scoring",
                "计分规则（scoring）改变",
                "the scoring section changed",
            );
        }
        if old.tracking != new.tracking {
            self.plan(
                "tracking_changed",
                "/tracking",
                "跟踪设置（tracking）改变",
                "the tracking section changed",
            );
        }
        self.trust(old, new);
    }
}

/// What changed from the plan `old_text` to `new_text` (both must be valid plans): the
/// office page's and `kaoping plan diff`'s comparison from the two files.
pub fn diff_plan_texts(old_text: &str, new_text: &str) -> Result<PlanDiff, AmendError> {
    Ok(diff_plans(
        &valid("old", old_text)?,
        &valid("new", new_text)?,
    ))
}

/// The plan `text`, when it is valid; else its first problem.
pub(crate) fn valid(which: &'static str, text: &str) -> Result<Plan, AmendError> {
    let report = crate::validate::validate_plan(text);
    match report.plan {
        Some(plan) if report.ok => Ok(plan),
        _ => Err(AmendError::NotAPlan {
            which,
            message: report
                .problems
                .first()
                .map(|p| format!("{} {}", p.path, p.message.get("en")))
                .unwrap_or_default(),
        }),
    }
}

/// The new version of a plan with its amendment appended.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Amended {
    /// The new plan's JSON (as written, with `amendments`), pretty-printed.
    pub json: String,
    pub amendment: Amendment,
    pub diff: PlanDiff,
}

/// Why an amendment could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AmendError {
    #[error("the {which} plan is not a valid plan: {message}")]
    NotAPlan {
        which: &'static str,
        message: String,
    },
    #[error("the plans have different ids ({old}, {new}): an amendment keeps the plan's id")]
    OtherPlan { old: String, new: String },
    #[error("the new plan has the old one's version {0}: give it a new version")]
    SameVersion(String),
    #[error("version {0} is already in the plan's history")]
    RepeatedVersion(String),
    #[error("the date {0} is not a date YYYY-MM-DD")]
    BadDate(String),
    #[error("the reason lacks the language(s) {0} of the plan")]
    Reason(String),
    #[error(
        "the new plan's amendments are not the old plan's: start the new plan from the old one"
    )]
    History,
    #[error("nothing changed but the version")]
    Unchanged,
}

/// The plan `new_text` as an amendment of `old_text`: the diff, and the new plan written with
/// the old plan's amendments and this one (made on `date`, for `reason`).
pub fn amend_plan(
    old_text: &str,
    new_text: &str,
    date: &str,
    reason: Text,
) -> Result<Amended, AmendError> {
    // The new plan is read without its history: copied from the old one, it still ends at
    // the old version (the amendment made here completes it).
    let mut value: Value = serde_json::from_str(
        new_text.strip_prefix('\u{feff}').unwrap_or(new_text),
    )
    .map_err(|e| AmendError::NotAPlan {
        which: "new",
        message: e.to_string(),
    })?;
    let written: Vec<Amendment> = match value.as_object_mut().and_then(|o| o.remove("amendments")) {
        Some(a) => serde_json::from_value(a).map_err(|e| AmendError::NotAPlan {
            which: "new",
            message: format!("/amendments {e}"),
        })?,
        None => Vec::new(),
    };
    let old = valid("old", old_text)?;
    let new = valid("new", &value.to_string())?;
    if old.id != new.id {
        return Err(AmendError::OtherPlan {
            old: old.id,
            new: new.id,
        });
    }
    if old.version == new.version {
        return Err(AmendError::SameVersion(new.version));
    }
    if old
        .amendments
        .iter()
        .any(|a| a.replaces_version == new.version || a.version == new.version)
    {
        return Err(AmendError::RepeatedVersion(new.version));
    }
    if !crate::date::is_iso_date(date) {
        return Err(AmendError::BadDate(date.to_owned()));
    }
    let missing = reason.missing(&new.languages);
    if !missing.is_empty() {
        return Err(AmendError::Reason(missing.join(", ")));
    }
    if !written.is_empty() && written != old.amendments {
        return Err(AmendError::History);
    }
    let mut diff = diff_plans(&old, &new);
    if diff.changes.iter().all(|c| c.code == "version_changed") {
        return Err(AmendError::Unchanged);
    }
    let amendment = Amendment {
        version: new.version.clone(),
        date: date.to_owned(),
        reason,
        replaces_version: old.version.clone(),
        replaces_sha256: old.sha256.clone(),
        compatible: diff
            .instruments
            .iter()
            .filter(|v| v.compatible)
            .map(|v| v.instrument.clone())
            .collect(),
        incompatible: diff
            .instruments
            .iter()
            .filter_map(|v| Some((v.instrument.clone(), v.reason.clone()?)))
            .collect::<BTreeMap<_, _>>(),
        changes: diff.changes.iter().map(|c| c.message.clone()).collect(),
    };
    let mut history = old.amendments.clone();
    history.push(amendment.clone());
    if let Some(obj) = value.as_object_mut() {
        obj.insert(
            "amendments".into(),
            serde_json::to_value(&history).expect("amendments serialise"),
        );
    }
    // The fingerprint of the plan as written now, history included: the new records' own.
    diff.new_sha256 = crate::canonical::fingerprint_value(&value);
    let json = serde_json::to_string_pretty(&value).expect("a JSON value serialises") + "\n";
    Ok(Amended {
        json,
        amendment,
        diff,
    })
}

#[cfg(test)]
mod tests;
