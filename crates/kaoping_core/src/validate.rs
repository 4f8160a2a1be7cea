//! Plan validation: every problem at once, each with its JSON path and line:column.
//!
//! Three passes over the plan text: (1) JSON syntax; (2) shape: unknown keys and wrong types,
//! element by element so that one bad question does not hide the others; (3) meaning:
//! duplicate ids, references, weights, scales, expressions and relevance cycles.

use crate::expr;
use crate::locate::Locator;
use crate::plan::{
    Category, Indicator, Instrument, InstrumentKind, Plan, Question, QuestionKind, Scale, Unit,
};
use crate::text::Text;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One thing wrong with a plan.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Problem {
    /// JSON Pointer (RFC 6901) to the offending value, e.g. `/units/3/category`.
    pub path: String,
    /// 1-based line and column in the plan text, when the path can be found in it.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// A stable machine-readable code, e.g. `unknown_key`, `duplicate_id`.
    pub code: &'static str,
    /// What is wrong, in zh-CN and en.
    pub message: Text,
}

/// The outcome of validating a plan text: the plan when it is usable, and every problem.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PlanReport {
    pub ok: bool,
    #[serde(skip)]
    pub plan: Option<Plan>,
    /// SHA-256 of the canonical plan JSON, when the plan is valid.
    pub sha256: Option<String>,
    pub problems: Vec<Problem>,
}

/// Validate a plan given as JSON text.
pub fn validate_plan(text: &str) -> PlanReport {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut v = Validator {
        problems: Vec::new(),
    };
    let root: Value = match serde_json::from_str(text) {
        Ok(root) => root,
        Err(e) => {
            v.problems.push(Problem {
                path: String::new(),
                line: Some(e.line()),
                column: Some(e.column()),
                code: "json_syntax",
                message: {
                    // The position is in `line`/`column`; the message need not repeat it.
                    let full = e.to_string();
                    let what = full.split(" at line ").next().unwrap_or(&full).to_owned();
                    Text::new(
                        &format!("JSON 格式错误：{what}"),
                        &format!("Invalid JSON: {what}"),
                    )
                },
            });
            return v.finish(text, None);
        }
    };
    // A key given twice in one object: JSON reading keeps the last value without a word, the
    // typed plan refuses it, so it is named here (found by fuzzing: a plan said valid that did
    // not load).
    for path in crate::locate::duplicate_keys(text) {
        let key = path
            .rsplit('/')
            .next()
            .unwrap_or("")
            .replace("~1", "/")
            .replace("~0", "~");
        v.push(
            &path,
            "duplicate_key",
            Text::new(
                &format!("键“{key}”在同一对象中出现了不止一次，请只保留一个。"),
                &format!("The key \"{key}\" appears more than once in the same object; keep one."),
            ),
        );
    }
    v.shape_plan(&root);
    // Unknown and repeated keys do not stop the plan from being read (serde skips the first,
    // the JSON value keeps the last of the second), so the meaning checks still run and every
    // problem is reported in one go.
    let plan: Option<Plan> = if v
        .problems
        .iter()
        .all(|p| matches!(p.code, "unknown_key" | "duplicate_key"))
    {
        let sha256 = crate::canonical::fingerprint_value(&root);
        match serde_json::from_value(root) {
            Ok(plan) => Some(Plan { sha256, ..plan }),
            Err(e) => {
                v.push(
                    "",
                    "invalid_value",
                    Text::new(&format!("方案内容无效：{e}"), &format!("Invalid plan: {e}")),
                );
                None
            }
        }
    } else {
        None
    };
    if let Some(plan) = &plan {
        v.meaning(plan);
    }
    v.finish(text, plan)
}

struct Validator {
    problems: Vec<Problem>,
}

#[derive(Clone, Copy)]
enum JsonType {
    String,
    Integer,
}

/// A number as people write it: at most 6 decimals, no trailing zeros (0.1 + 0.2 → 0.3).
fn num(x: f64) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_owned()
    }
}

/// The keys each kind of object may have.
const PLAN_KEYS: &[&str] = &[
    "$schema",
    "id",
    "version",
    "year",
    "title",
    "description",
    "languages",
    "categories",
    "units",
    "indicators",
    "instruments",
    "scoring",
    "tracking",
];
const CATEGORY_KEYS: &[&str] = &["id", "name", "components"];
const COMPONENT_KEYS: &[&str] = &["indicators", "expert", "public", "leadership"];
const UNIT_KEYS: &[&str] = &["id", "name", "category"];
const INDICATOR_KEYS: &[&str] = &[
    "id",
    "name",
    "orientation",
    "kind",
    "weights",
    "veto",
    "measure",
    "direction",
    "from_period",
];
const INSTRUMENT_KEYS: &[&str] = &[
    "id",
    "kind",
    "title",
    "intro",
    "min_seconds",
    "sections",
    "review",
];
const SECTION_KEYS: &[&str] = &["id", "title", "description", "relevant", "questions"];
const QUESTION_COMMON_KEYS: &[&str] = &[
    "id",
    "type",
    "label",
    "help",
    "required",
    "relevant",
    "constraints",
    "unable",
    "reason",
];
const CHOICE_KEYS: &[&str] = &["value", "label"];
const SCALE_KEYS: &[&str] = &["min", "max", "step", "points"];
const POINT_KEYS: &[&str] = &["value", "label", "score"];
const CONSTRAINT_KEYS: &[&str] = &["expr", "message"];
const REASON_KEYS: &[&str] = &["at_or_below", "label", "min_length"];
const REVIEW_KEYS: &[&str] = &[
    "scale",
    "indicators",
    "categories",
    "comment_at_or_below",
    "groups",
    "unable",
];
const GROUP_KEYS: &[&str] = &["id", "name", "weight"];

fn type_keys(ty: &str) -> Option<&'static [&'static str]> {
    Some(match ty {
        "single" | "ranking" => &["options"],
        "multiple" => &["options", "min_select", "max_select"],
        "rating" => &["scale"],
        "matrix" => &["rows", "scale", "each_row_required"],
        "number" => &["min", "max", "step", "decimals"],
        "text" => &[
            "min_length",
            "max_length",
            "long",
            "pattern",
            "pattern_message",
        ],
        "nps" => &[],
        _ => return None,
    })
}

const QUESTION_TYPES: &str = "single, multiple, rating, matrix, number, text, ranking, nps";

fn ptr(base: &str, key: impl std::fmt::Display) -> String {
    let key = key.to_string().replace('~', "~0").replace('/', "~1");
    format!("{base}/{key}")
}

impl Validator {
    fn push(&mut self, path: &str, code: &'static str, message: Text) {
        self.problems.push(Problem {
            path: path.to_owned(),
            line: None,
            column: None,
            code,
            message,
        });
    }

    /// A key whose value must be one of a few words.
    fn one_of(&mut self, obj: &Value, p: &str, key: &str, allowed: &[&str]) {
        match obj.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::String(v)) if allowed.contains(&v.as_str()) => {}
            Some(other) => {
                let shown = other.to_string();
                self.push(
                    &ptr(p, key),
                    "invalid_value",
                    Text::new(
                        &format!(
                            "“{key}”的取值 {shown} 无效；可用取值：{}",
                            allowed.join(", ")
                        ),
                        &format!(
                            "\"{key}\" cannot be {shown}; allowed: {}",
                            allowed.join(", ")
                        ),
                    ),
                );
            }
        }
    }

    /// A key whose value must be of one JSON type.
    fn scalar(&mut self, obj: &Value, p: &str, key: &str, ty: JsonType) {
        let Some(v) = obj.get(key) else { return };
        let (ok, zh, en) = match ty {
            JsonType::String => (v.is_string(), "文字", "a string"),
            JsonType::Integer => (v.is_i64() || v.is_u64(), "整数", "a whole number"),
        };
        if !ok {
            self.push(
                &ptr(p, key),
                "wrong_type",
                Text::new(
                    &format!("“{key}”应为{zh}，现为 {v}"),
                    &format!("\"{key}\" must be {en}, not {v}"),
                ),
            );
        }
    }

    fn finish(mut self, text: &str, plan: Option<Plan>) -> PlanReport {
        let locator = Locator::new(text);
        for p in &mut self.problems {
            if p.line.is_none() {
                if let Some(pos) = locator.position(&p.path) {
                    p.line = Some(pos.line);
                    p.column = Some(pos.column);
                }
            }
        }
        let ok = self.problems.is_empty() && plan.is_some();
        let sha256 = if ok {
            plan.as_ref().map(|p| p.sha256.clone())
        } else {
            None
        };
        PlanReport {
            ok,
            plan: if ok { plan } else { None },
            sha256,
            problems: self.problems,
        }
    }

    // ---- pass 2: shape ------------------------------------------------------------------

    fn keys(&mut self, value: &Value, path: &str, allowed: &[&str], what: (&str, &str)) -> bool {
        let Some(map) = value.as_object() else {
            self.push(
                path,
                "wrong_type",
                Text::new(
                    &format!("{}应为对象", what.0),
                    &format!("{} must be an object", what.1),
                ),
            );
            return false;
        };
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) {
                self.push(
                    &ptr(path, key),
                    "unknown_key",
                    Text::new(
                        &format!(
                            "{}中有未知字段“{key}”；可用字段：{}",
                            what.0,
                            allowed.join(", ")
                        ),
                        &format!(
                            "Unknown key \"{key}\" in {}; allowed: {}",
                            what.1,
                            allowed.join(", ")
                        ),
                    ),
                );
            }
        }
        true
    }

    /// Check an element's type by deserialising it alone, so each bad element is reported.
    fn typed<T: DeserializeOwned>(&mut self, value: &Value, path: &str) {
        if let Err(e) = serde_json::from_value::<T>(value.clone()) {
            self.push(
                path,
                "invalid_value",
                Text::new(&format!("取值无效：{e}"), &format!("Invalid value: {e}")),
            );
        }
    }

    fn each<'v>(&mut self, value: &'v Value, key: &str, path: &str) -> Vec<(String, &'v Value)> {
        match value.get(key) {
            None => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| (ptr(&ptr(path, key), i), item))
                .collect(),
            Some(_) => {
                self.push(
                    &ptr(path, key),
                    "wrong_type",
                    Text::new(
                        &format!("“{key}”应为数组"),
                        &format!("\"{key}\" must be an array"),
                    ),
                );
                Vec::new()
            }
        }
    }

    fn shape_plan(&mut self, root: &Value) {
        if !self.keys(root, "", PLAN_KEYS, ("方案", "the plan")) {
            return;
        }
        for key in [
            "id",
            "version",
            "year",
            "title",
            "languages",
            "categories",
            "units",
            "indicators",
            "instruments",
        ] {
            if root.get(key).is_none() {
                self.push(
                    "",
                    "missing_key",
                    Text::new(
                        &format!("方案缺少必填字段“{key}”"),
                        &format!("The plan lacks the required key \"{key}\""),
                    ),
                );
            }
        }
        self.scalar(root, "", "id", JsonType::String);
        self.scalar(root, "", "version", JsonType::String);
        self.scalar(root, "", "year", JsonType::Integer);
        if let Some(langs) = root.get("languages") {
            if !langs
                .as_array()
                .is_some_and(|a| a.iter().all(Value::is_string))
            {
                self.push(
                    "/languages",
                    "wrong_type",
                    Text::new(
                        "“languages”应为语言代码的数组，如 [\"zh-CN\", \"en\"]",
                        "\"languages\" must be an array of language tags, e.g. [\"zh-CN\", \"en\"]",
                    ),
                );
            }
        }
        for (p, c) in self.each(root, "categories", "") {
            if self.keys(c, &p, CATEGORY_KEYS, ("单位类别", "a category")) {
                if let Some(comp) = c.get("components") {
                    self.keys(
                        comp,
                        &ptr(&p, "components"),
                        COMPONENT_KEYS,
                        ("构成权重", "components"),
                    );
                }
                self.typed::<Category>(c, &p);
            }
        }
        for (p, u) in self.each(root, "units", "") {
            if self.keys(u, &p, UNIT_KEYS, ("责任单位", "a unit")) {
                self.typed::<Unit>(u, &p);
            }
        }
        for (p, i) in self.each(root, "indicators", "") {
            let before = self.problems.len();
            self.one_of(i, &p, "orientation", &["goal", "duty", "problem"]);
            self.one_of(i, &p, "kind", &["data", "project", "constraint"]);
            self.one_of(i, &p, "direction", &["higher_is_better", "lower_is_better"]);
            if self.keys(i, &p, INDICATOR_KEYS, ("指标", "an indicator"))
                && self.problems.len() == before
            {
                self.typed::<Indicator>(i, &p);
            }
        }
        for (p, ins) in self.each(root, "instruments", "") {
            self.shape_instrument(ins, &p);
        }
    }

    fn shape_instrument(&mut self, ins: &Value, p: &str) {
        let before = self.problems.len();
        self.one_of(ins, p, "kind", &["survey", "review", "appraisal"]);
        if !self.keys(ins, p, INSTRUMENT_KEYS, ("问卷", "an instrument")) {
            return;
        }
        for (sp, s) in self.each(ins, "sections", p) {
            if !self.keys(s, &sp, SECTION_KEYS, ("分节", "a section")) {
                continue;
            }
            for (qp, q) in self.each(s, "questions", &sp) {
                self.shape_question(q, &qp);
            }
        }
        if let Some(review) = ins.get("review") {
            let rp = ptr(p, "review");
            if self.keys(review, &rp, REVIEW_KEYS, ("评审表", "a review sheet")) {
                if let Some(scale) = review.get("scale") {
                    self.shape_scale(scale, &ptr(&rp, "scale"));
                }
                for (gp, g) in self.each(review, "groups", &rp) {
                    self.keys(g, &gp, GROUP_KEYS, ("评审组", "a rater group"));
                }
            }
        }
        // Checked as a whole only when its parts are sound, to avoid repeating their problems.
        if self.problems.len() == before {
            let mut shallow = ins.clone();
            if let Some(obj) = shallow.as_object_mut() {
                obj.insert("sections".into(), Value::Array(Vec::new()));
                obj.remove("review");
            }
            self.typed::<Instrument>(&shallow, p);
        }
    }

    fn shape_scale(&mut self, scale: &Value, p: &str) {
        if self.keys(scale, p, SCALE_KEYS, ("量表", "a scale")) {
            for (pp, point) in self.each(scale, "points", p) {
                self.keys(point, &pp, POINT_KEYS, ("量表刻度", "a scale point"));
            }
        }
    }

    fn shape_question(&mut self, q: &Value, p: &str) {
        let Some(obj) = q.as_object() else {
            self.keys(q, p, &[], ("题目", "a question"));
            return;
        };
        let ty = obj.get("type").and_then(Value::as_str).unwrap_or("");
        let Some(extra) = type_keys(ty) else {
            self.push(
                &ptr(p, "type"),
                "unknown_question_type",
                Text::new(
                    &format!("未知题型“{ty}”；可用题型：{QUESTION_TYPES}"),
                    &format!("Unknown question type \"{ty}\"; known types: {QUESTION_TYPES}"),
                ),
            );
            return;
        };
        let allowed: Vec<&str> = QUESTION_COMMON_KEYS.iter().chain(extra).copied().collect();
        let before = self.problems.len();
        self.keys(q, p, &allowed, ("题目", "a question"));
        for key in ["options", "rows"] {
            for (cp, c) in self.each(q, key, p) {
                self.keys(c, &cp, CHOICE_KEYS, ("选项", "an option"));
            }
        }
        if let Some(scale) = q.get("scale") {
            self.shape_scale(scale, &ptr(p, "scale"));
        }
        for (cp, c) in self.each(q, "constraints", p) {
            self.keys(c, &cp, CONSTRAINT_KEYS, ("约束", "a constraint"));
        }
        if let Some(r) = q.get("reason") {
            self.keys(
                r,
                &ptr(p, "reason"),
                REASON_KEYS,
                ("理由要求", "a reason rule"),
            );
        }
        if self.problems.len() == before {
            self.typed::<Question>(q, p);
        }
    }

    // ---- pass 3: meaning ----------------------------------------------------------------

    fn meaning(&mut self, plan: &Plan) {
        for p in crate::score::validate_rules(plan) {
            self.push(&p.path, p.code, p.message);
        }
        for p in crate::track::validate_tracking(plan) {
            self.push(&p.path, p.code, p.message);
        }
        let langs = &plan.languages;
        if let Ok(t) = crate::track::TrackingRules::of(plan) {
            if let Some(name) = &t.peer_city {
                self.text(name, "/tracking/peer_city", langs);
            }
            for (i, pj) in t.projects.iter().enumerate() {
                self.text(&pj.name, &format!("/tracking/projects/{i}/name"), langs);
                for (j, m) in pj.milestones.iter().enumerate() {
                    self.text(
                        &m.name,
                        &format!("/tracking/projects/{i}/milestones/{j}/name"),
                        langs,
                    );
                }
            }
            for (i, sc) in t.site_checks.iter().enumerate() {
                let p = format!("/tracking/site_checks/{i}");
                self.text(&sc.title, &ptr(&p, "title"), langs);
                if let Some(intro) = &sc.intro {
                    self.text(intro, &ptr(&p, "intro"), langs);
                }
                self.scale(&sc.scale, &ptr(&p, "scale"), langs);
                for (j, c) in sc.criteria.iter().enumerate() {
                    self.text(&c.name, &format!("{p}/criteria/{j}/name"), langs);
                }
            }
        }
        if langs.is_empty() {
            self.push(
                "/languages",
                "no_language",
                Text::new("至少需要一种语言", "At least one language is required"),
            );
        }
        self.text(&plan.title, "/title", langs);
        self.unique(
            plan.categories.iter().map(|c| c.id.as_str()),
            "/categories",
            "id",
        );
        self.unique(plan.units.iter().map(|u| u.id.as_str()), "/units", "id");
        self.unique(
            plan.indicators.iter().map(|i| i.id.as_str()),
            "/indicators",
            "id",
        );
        self.unique(
            plan.instruments.iter().map(|i| i.id.as_str()),
            "/instruments",
            "id",
        );
        let categories: BTreeSet<&str> = plan.categories.iter().map(|c| c.id.as_str()).collect();

        for (ci, c) in plan.categories.iter().enumerate() {
            let p = format!("/categories/{ci}");
            self.text(&c.name, &ptr(&p, "name"), langs);
            let sum = c.components.sum();
            if (sum - 1.0).abs() > 1e-6 {
                let sum = num(sum);
                self.push(
                    &ptr(&p, "components"),
                    "weights_sum",
                    Text::new(
                        &format!("类别“{}”的构成权重之和为 {}，应为 1", c.id, sum),
                        &format!(
                            "The component weights of category \"{}\" add up to {}, not 1",
                            c.id, sum
                        ),
                    ),
                );
            }
            let ind_sum: f64 = plan
                .indicators
                .iter()
                .filter_map(|i| i.weights.get(&c.id))
                .sum();
            if (ind_sum - 1.0).abs() > 1e-6 {
                let ind_sum = num(ind_sum);
                self.push(
                    "/indicators",
                    "weights_sum",
                    Text::new(
                        &format!("类别“{}”的指标权重之和为 {ind_sum}，应为 1", c.id),
                        &format!(
                            "The indicator weights of category \"{}\" add up to {ind_sum}, not 1",
                            c.id
                        ),
                    ),
                );
            }
        }
        for (ui, u) in plan.units.iter().enumerate() {
            let p = format!("/units/{ui}");
            self.text(&u.name, &ptr(&p, "name"), langs);
            if !categories.contains(u.category.as_str()) {
                self.missing_ref(&ptr(&p, "category"), "类别", "category", &u.category);
            }
        }
        for (ii, ind) in plan.indicators.iter().enumerate() {
            let p = format!("/indicators/{ii}");
            self.text(&ind.name, &ptr(&p, "name"), langs);
            for (cat, w) in &ind.weights {
                let wp = ptr(&ptr(&p, "weights"), cat);
                if !categories.contains(cat.as_str()) {
                    self.missing_ref(&wp, "类别", "category", cat);
                }
                if !(0.0..=1.0).contains(w) {
                    self.push(
                        &wp,
                        "weight_range",
                        Text::new(
                            &format!("权重 {w} 应在 0 到 1 之间"),
                            &format!("Weight {w} must be between 0 and 1"),
                        ),
                    );
                }
            }
        }
        for (ii, ins) in plan.instruments.iter().enumerate() {
            self.instrument(plan, ins, &format!("/instruments/{ii}"));
        }
    }

    fn instrument(&mut self, plan: &Plan, ins: &Instrument, p: &str) {
        let langs = &plan.languages;
        self.text(&ins.title, &ptr(p, "title"), langs);
        self.unique(
            ins.sections.iter().map(|s| s.id.as_str()),
            &ptr(p, "sections"),
            "id",
        );
        // Question ids are unique across the whole instrument.
        let mut seen: BTreeMap<&str, String> = BTreeMap::new();
        let mut ids = BTreeSet::new();
        for (si, s) in ins.sections.iter().enumerate() {
            for (qi, q) in s.questions.iter().enumerate() {
                let qp = format!("{p}/sections/{si}/questions/{qi}");
                if let Some(first) = seen.get(q.id.as_str()) {
                    self.push(
                        &ptr(&qp, "id"),
                        "duplicate_id",
                        Text::new(
                            &format!("题目编号“{}”重复（首次出现于 {first}）", q.id),
                            &format!("Duplicate question id \"{}\" (first at {first})", q.id),
                        ),
                    );
                } else {
                    seen.insert(&q.id, qp.clone());
                }
                ids.insert(q.id.as_str());
            }
        }
        let mut relevance: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (si, s) in ins.sections.iter().enumerate() {
            let sp = format!("{p}/sections/{si}");
            self.text(&s.title, &ptr(&sp, "title"), langs);
            if let Some(rel) = &s.relevant {
                self.expression(rel, &ptr(&sp, "relevant"), &ids, false);
            }
            for (qi, q) in s.questions.iter().enumerate() {
                let qp = format!("{sp}/questions/{qi}");
                self.question(q, &qp, &ids, langs);
                if let Some(rel) = &q.relevant {
                    if let Some(refs) = self.expression(rel, &ptr(&qp, "relevant"), &ids, false) {
                        relevance.insert(q.id.clone(), refs);
                    }
                }
            }
        }
        self.cycles(&relevance, ins, p);
        if let Some(review) = &ins.review {
            let rp = ptr(p, "review");
            self.scale(&review.scale, &ptr(&rp, "scale"), langs);
            for (k, id) in review.indicators.iter().enumerate() {
                if plan.indicator(id).is_none() {
                    self.missing_ref(&format!("{rp}/indicators/{k}"), "指标", "indicator", id);
                }
            }
            for (k, id) in review.categories.iter().enumerate() {
                if plan.category(id).is_none() {
                    self.missing_ref(&format!("{rp}/categories/{k}"), "类别", "category", id);
                }
            }
            if !review.groups.is_empty() {
                let sum: f64 = review.groups.iter().map(|g| g.weight).sum();
                if (sum - 1.0).abs() > 1e-6 {
                    let sum = num(sum);
                    self.push(
                        &ptr(&rp, "groups"),
                        "weights_sum",
                        Text::new(
                            &format!("评审组权重之和为 {sum}，应为 1"),
                            &format!("The rater group weights add up to {sum}, not 1"),
                        ),
                    );
                }
            }
        } else if ins.kind == InstrumentKind::Review {
            self.push(
                p,
                "missing_key",
                Text::new(
                    "评审类问卷须有“review”评审表",
                    "A review instrument needs a \"review\" sheet",
                ),
            );
        }
    }

    fn question(&mut self, q: &Question, p: &str, ids: &BTreeSet<&str>, langs: &[String]) {
        self.text(&q.label, &ptr(p, "label"), langs);
        match &q.kind {
            QuestionKind::Single { options } | QuestionKind::Ranking { options } => {
                self.choices(options, &ptr(p, "options"), langs);
            }
            QuestionKind::Multiple {
                options,
                min_select,
                max_select,
            } => {
                self.choices(options, &ptr(p, "options"), langs);
                let n = options.len() as u32;
                let lo = min_select.unwrap_or(0);
                let hi = max_select.unwrap_or(n);
                if lo > hi || hi > n {
                    self.push(
                        p,
                        "select_bounds",
                        Text::new(
                            &format!("最少/最多选择数（{lo}/{hi}）与选项数 {n} 不符"),
                            &format!(
                                "min_select/max_select ({lo}/{hi}) do not fit the {n} options"
                            ),
                        ),
                    );
                }
            }
            QuestionKind::Rating { scale } => self.scale(scale, &ptr(p, "scale"), langs),
            QuestionKind::Matrix { rows, scale, .. } => {
                self.choices(rows, &ptr(p, "rows"), langs);
                self.scale(scale, &ptr(p, "scale"), langs);
            }
            QuestionKind::Number { min, max, step, .. } => {
                if let (Some(lo), Some(hi)) = (min, max) {
                    if lo > hi {
                        self.push(
                            p,
                            "range",
                            Text::new(
                                &format!("最小值 {lo} 大于最大值 {hi}"),
                                &format!("min {lo} is greater than max {hi}"),
                            ),
                        );
                    }
                }
                if step.is_some_and(|s| s <= 0.0) {
                    self.push(
                        &ptr(p, "step"),
                        "range",
                        Text::new("步长必须大于 0", "step must be greater than 0"),
                    );
                }
            }
            QuestionKind::Text {
                min_length,
                max_length,
                pattern,
                pattern_message,
                ..
            } => {
                if let Some(Err(e)) = pattern.as_deref().map(crate::pattern::Pattern::parse) {
                    self.push(
                        &ptr(p, "pattern"),
                        "pattern_syntax",
                        Text::new(
                            &format!("格式模式有误（第 {} 个字符）：{}", e.column, e.message),
                            &format!("Invalid pattern at character {}: {}", e.column, e.message),
                        ),
                    );
                }
                if let Some(m) = pattern_message {
                    self.text(m, &ptr(p, "pattern_message"), langs);
                }
                if let (Some(lo), Some(hi)) = (min_length, max_length) {
                    if lo > hi {
                        self.push(
                            p,
                            "range",
                            Text::new(
                                &format!("最短长度 {lo} 大于最长长度 {hi}"),
                                &format!("min_length {lo} is greater than max_length {hi}"),
                            ),
                        );
                    }
                }
            }
            QuestionKind::Nps => {}
        }
        if q.reason.is_some() && q.kind.scale().is_none() {
            self.push(
                &ptr(p, "reason"),
                "reason_needs_scale",
                Text::new(
                    "只有评分类题目可设置“不满意须说明理由”",
                    "A reason rule needs a rating, matrix or NPS question",
                ),
            );
        }
        if let Some(reason) = &q.reason {
            self.text(&reason.label, &format!("{p}/reason/label"), langs);
        }
        for (ci, c) in q.constraints.iter().enumerate() {
            let cp = format!("{p}/constraints/{ci}");
            self.text(&c.message, &ptr(&cp, "message"), langs);
            self.expression(&c.expr, &ptr(&cp, "expr"), ids, true);
        }
    }

    fn choices(&mut self, choices: &[crate::plan::Choice], p: &str, langs: &[String]) {
        if choices.is_empty() {
            self.push(
                p,
                "no_options",
                Text::new("至少需要一个选项", "At least one option is required"),
            );
        }
        self.unique(choices.iter().map(|c| c.value.as_str()), p, "value");
        for (i, c) in choices.iter().enumerate() {
            self.text(&c.label, &format!("{p}/{i}/label"), langs);
        }
    }

    fn scale(&mut self, scale: &Scale, p: &str, langs: &[String]) {
        if scale.min.partial_cmp(&scale.max) != Some(std::cmp::Ordering::Less)
            || scale.step.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater)
        {
            self.push(
                p,
                "scale_range",
                Text::new(
                    &format!(
                        "量表范围无效：最小 {}，最大 {}，步长 {}",
                        scale.min, scale.max, scale.step
                    ),
                    &format!(
                        "Invalid scale: min {}, max {}, step {}",
                        scale.min, scale.max, scale.step
                    ),
                ),
            );
            return;
        }
        if scale.points.is_empty() {
            self.push(
                &ptr(p, "points"),
                "scale_no_labels",
                Text::new("量表没有任何刻度标签", "The scale has no labelled points"),
            );
        }
        for (i, point) in scale.points.iter().enumerate() {
            let pp = format!("{p}/points/{i}");
            if !scale.contains(point.value) {
                self.push(
                    &ptr(&pp, "value"),
                    "scale_point",
                    Text::new(
                        &format!("刻度值 {} 不在量表上", point.value),
                        &format!("Point {} is not on the scale", point.value),
                    ),
                );
            }
            self.text(&point.label, &ptr(&pp, "label"), langs);
        }
        self.unique_f64(scale.points.iter().map(|pt| pt.value), &ptr(p, "points"));
    }

    /// Parse an expression and check its references; returns them when it parses.
    fn expression(
        &mut self,
        src: &str,
        p: &str,
        ids: &BTreeSet<&str>,
        allow_self: bool,
    ) -> Option<Vec<String>> {
        match expr::parse(src) {
            Err(e) => {
                self.push(
                    p,
                    "expression_syntax",
                    Text::new(
                        &format!("表达式错误（第 {} 列）：{}", e.column, e.message),
                        &format!("Expression error at column {}: {}", e.column, e.message),
                    ),
                );
                None
            }
            Ok(parsed) => {
                if parsed.uses_self() && !allow_self {
                    self.push(
                        p,
                        "expression_self",
                        Text::new(
                            "显示条件中不能使用“.”（当前题目）",
                            "A relevance condition cannot use \".\" (the current question)",
                        ),
                    );
                }
                let refs = parsed.references();
                for r in &refs {
                    if !ids.contains(r.as_str()) {
                        self.push(
                            p,
                            "unknown_question",
                            Text::new(&format!("表达式引用了不存在的题目“{r}”"), &format!("The expression refers to a question \"{r}\" that does not exist")),
                        );
                    }
                }
                Some(refs)
            }
        }
    }

    fn cycles(&mut self, graph: &BTreeMap<String, Vec<String>>, ins: &Instrument, p: &str) {
        // Depth-first search with colours; each cycle reported once, at its first question.
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            Open,
            Done,
        }
        fn visit(
            node: &str,
            graph: &BTreeMap<String, Vec<String>>,
            marks: &mut BTreeMap<String, Mark>,
            stack: &mut Vec<String>,
            found: &mut Vec<Vec<String>>,
        ) {
            match marks.get(node) {
                Some(Mark::Done) => return,
                Some(Mark::Open) => {
                    if let Some(start) = stack.iter().position(|n| n == node) {
                        found.push(stack[start..].to_vec());
                    }
                    return;
                }
                None => {}
            }
            marks.insert(node.to_owned(), Mark::Open);
            stack.push(node.to_owned());
            for next in graph.get(node).into_iter().flatten() {
                visit(next, graph, marks, stack, found);
            }
            stack.pop();
            marks.insert(node.to_owned(), Mark::Done);
        }
        let mut marks = BTreeMap::new();
        let mut found = Vec::new();
        for node in graph.keys() {
            visit(node, graph, &mut marks, &mut Vec::new(), &mut found);
        }
        for cycle in found {
            let first = &cycle[0];
            let path = ins
                .sections
                .iter()
                .enumerate()
                .find_map(|(si, s)| {
                    s.questions
                        .iter()
                        .position(|q| &q.id == first)
                        .map(|qi| format!("{p}/sections/{si}/questions/{qi}/relevant"))
                })
                .unwrap_or_else(|| p.to_owned());
            let chain = cycle
                .iter()
                .chain(std::iter::once(first))
                .cloned()
                .collect::<Vec<_>>()
                .join(" → ");
            self.push(
                &path,
                "relevance_cycle",
                Text::new(
                    &format!("显示条件循环依赖：{chain}"),
                    &format!("Relevance conditions form a cycle: {chain}"),
                ),
            );
        }
    }

    fn unique<'a>(&mut self, ids: impl Iterator<Item = &'a str>, p: &str, key: &str) {
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, id) in ids.enumerate() {
            if id.trim().is_empty() {
                self.push(
                    &format!("{p}/{i}/{key}"),
                    "empty_id",
                    Text::new("编号不能为空", "The id must not be empty"),
                );
            } else if let Some(first) = seen.get(id) {
                self.push(
                    &format!("{p}/{i}/{key}"),
                    "duplicate_id",
                    Text::new(
                        &format!("“{id}”重复（首次出现于 {p}/{first}）"),
                        &format!("Duplicate \"{id}\" (first at {p}/{first})"),
                    ),
                );
            } else {
                seen.insert(id, i);
            }
        }
    }

    fn unique_f64(&mut self, values: impl Iterator<Item = f64>, p: &str) {
        let mut seen = Vec::new();
        for (i, v) in values.enumerate() {
            if seen.contains(&v) {
                self.push(
                    &format!("{p}/{i}/value"),
                    "duplicate_id",
                    Text::new(&format!("刻度值 {v} 重复"), &format!("Duplicate point {v}")),
                );
            }
            seen.push(v);
        }
    }

    fn missing_ref(&mut self, p: &str, zh: &str, en: &str, id: &str) {
        self.push(
            p,
            "unknown_reference",
            Text::new(
                &format!("引用了不存在的{zh}“{id}”"),
                &format!("Refers to a {en} \"{id}\" that does not exist"),
            ),
        );
    }

    fn text(&mut self, text: &Text, p: &str, langs: &[String]) {
        for lang in text.missing(langs) {
            self.push(
                p,
                "missing_translation",
                Text::new(
                    &format!("缺少“{lang}”语言的文字"),
                    &format!("Missing the \"{lang}\" text"),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_plan_is_valid() {
        let report = validate_plan(crate::plan::DEMO_PLAN_JSON);
        assert_eq!(report.problems, vec![], "demo plan problems");
        assert!(report.ok);
        assert_eq!(report.sha256.as_deref().map(str::len), Some(64));
    }
}

#[cfg(test)]
mod fingerprint_tests {
    /// The wasm test suite checks the same fingerprint inside WASM (bit-identical results).
    /// Validation, loading and the demo plan agree on it; `UPDATE_FIXTURES=1` rewrites it.
    #[test]
    fn demo_plan_fingerprint_matches_fixture() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/determinism/demo_plan.sha256"
        );
        let report = super::validate_plan(crate::plan::DEMO_PLAN_JSON);
        let now = report.sha256.clone().unwrap_or_default();
        if std::env::var_os("UPDATE_FIXTURES").is_some() {
            std::fs::write(path, format!("{now}\n")).unwrap();
        }
        let expected = std::fs::read_to_string(path).unwrap_or_default();
        assert_eq!(
            now,
            expected.trim(),
            "the demo plan changed: run with UPDATE_FIXTURES=1 after an intended change"
        );
        assert_eq!(crate::plan::demo_plan().sha256, now);
        let source = crate::plan::load_plan(crate::plan::DEMO_PLAN_SOURCE).unwrap();
        assert_eq!(
            source.sha256, now,
            "indentation does not change the fingerprint"
        );
    }
}

/// The (JSON path, English message) of each problem of the demo plan with its top-level
/// `key` replaced by `value` (tests of the sections' validation).
#[cfg(test)]
pub(crate) fn demo_problems_with(key: &str, value: serde_json::Value) -> Vec<(String, String)> {
    let mut plan: serde_json::Value =
        serde_json::from_str(crate::plan::DEMO_PLAN_JSON).expect("demo plan is JSON");
    plan[key] = value;
    validate_plan(&plan.to_string())
        .problems
        .into_iter()
        .map(|p| (p.path, p.message.get("en").to_owned()))
        .collect()
}
