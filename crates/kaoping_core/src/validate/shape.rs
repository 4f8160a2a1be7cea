//! Pass 2, shape: unknown keys and wrong types, element by element, so that one bad question
//! does not hide the others.

use super::{ptr, Validator};
use crate::plan::keys::{
    CHOICE_KEYS, CONSTRAINT_KEYS, GROUP_KEYS, INSTRUMENT_KEYS, POINT_KEYS, REASON_KEYS,
    REVIEW_KEYS, SCALE_KEYS, SECTION_KEYS,
};
use crate::plan::{Amendment, Category, Indicator, Instrument, Question, Unit};
use crate::text::Text;
use serde::de::DeserializeOwned;
use serde_json::Value;

#[derive(Clone, Copy)]
enum JsonType {
    String,
    Integer,
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
    "trust",
    "amendments",
    "publication",
];
const PUBLICATION_KEYS: &[&str] = &["min_publish_n", "rectify_within_days"];
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
const AMENDMENT_KEYS: &[&str] = &[
    "version",
    "date",
    "reason",
    "replaces_version",
    "replaces_sha256",
    "compatible",
    "incompatible",
    "changes",
];

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
impl Validator {
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
            let e = e.to_string();
            self.push(
                path,
                "invalid_value",
                Text::new(
                    &format!("取值无效：{}", crate::text::serde_zh(&e)),
                    &format!("Invalid value: {e}"),
                ),
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

    pub(super) fn shape_plan(&mut self, root: &Value) {
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
        if let Some(p) = root.get("publication") {
            if self.keys(
                p,
                "/publication",
                PUBLICATION_KEYS,
                ("公示设置", "publication"),
            ) {
                self.min_publish_n(p);
                self.rectify_within_days(p);
            }
        }
        for (p, a) in self.each(root, "amendments", "") {
            if self.keys(a, &p, AMENDMENT_KEYS, ("修订记录", "an amendment")) {
                self.typed::<Amendment>(a, &p);
            }
        }
    }

    /// `publication.min_publish_n`: a whole number from 1 (0 would publish a share of no
    /// one) within `u32`.
    fn min_publish_n(&mut self, publication: &Value) {
        let Some(v) = publication.get("min_publish_n") else {
            return;
        };
        if v.as_u64()
            .is_some_and(|n| n >= 1 && n <= u64::from(u32::MAX))
        {
            return;
        }
        self.push(
            "/publication/min_publish_n",
            "invalid_min_publish_n",
            Text::new(
                &format!("“min_publish_n”应为不小于 1 的整数（公示一个比例或平均值至少需要的答卷数），现为 {v}"),
                &format!("\"min_publish_n\" must be a whole number of at least 1 (the answers a published share or mean needs), not {v}"),
            ),
        );
    }

    /// `publication.rectify_within_days`: whole days from 1 to
    /// [`crate::plan::MAX_RECTIFY_WITHIN_DAYS`].
    fn rectify_within_days(&mut self, publication: &Value) {
        let Some(v) = publication.get("rectify_within_days") else {
            return;
        };
        let max = crate::plan::MAX_RECTIFY_WITHIN_DAYS;
        if v.as_u64().is_some_and(|n| n >= 1 && n <= u64::from(max)) {
            return;
        }
        self.push(
            "/publication/rectify_within_days",
            "invalid_rectify_within_days",
            Text::new(
                &format!("“rectify_within_days”应为 1 到 {max} 之间的整数（反馈函要求报送整改情况的天数），现为 {v}"),
                &format!("\"rectify_within_days\" must be a whole number from 1 to {max} (the days a feedback letter gives for the rectification report), not {v}"),
            ),
        );
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
}
