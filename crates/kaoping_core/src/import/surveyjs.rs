//! SurveyJS survey JSON (<https://surveyjs.io/form-library/documentation/design-survey/create-a-simple-survey>).

use super::expr::{translate, Dialect, RefKind};
use super::{
    constrain, expr_skip, guess_lang, kaoping_id, lang_code, ref_kind, scale_of, skip, ImportError,
    Imported, Skipped,
};
use crate::plan::{
    Choice, Instrument, InstrumentKind, Question, QuestionKind, Scale, ScalePoint, Section,
};
use crate::text::Text;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

const SURVEY_KEYS: &[&str] = &[
    "title",
    "description",
    "pages",
    "elements",
    "questions",
    "locale",
];
const PAGE_KEYS: &[&str] = &[
    "name",
    "title",
    "description",
    "visibleIf",
    "elements",
    "questions",
];
const COMMON: &[&str] = &[
    "type",
    "name",
    "title",
    "description",
    "isRequired",
    "visibleIf",
    "validators",
];

/// A question read from the JSON, its expressions still in SurveyJS's language.
struct Draft {
    path: String,
    section: usize,
    question: Question,
    visible_if: Option<String>,
    /// Expression validators: (path, expression, message).
    checks: Vec<(String, String, Option<Text>)>,
}

struct Reader {
    lang: String,
    sections: Vec<(Section, Vec<String>)>,
    drafts: Vec<Draft>,
    skipped: Vec<Skipped>,
}

/// Reads a SurveyJS survey JSON. See `docs/import.md` for what maps and what is skipped.
pub fn import_surveyjs(json: &str) -> Result<Imported, ImportError> {
    let json = json.strip_prefix('\u{feff}').unwrap_or(json);
    let root: Value = serde_json::from_str(json).map_err(|e| ImportError::Json(e.to_string()))?;
    let Value::Object(survey) = &root else {
        return Err(ImportError::Json("the top level is not an object".into()));
    };
    let lang = match survey.get("locale").and_then(Value::as_str) {
        Some(l) => lang_code(l),
        None => {
            let mut texts = Vec::new();
            plain_texts(&root, &mut texts);
            guess_lang(texts)
        }
    };
    let mut r = Reader {
        lang,
        sections: Vec::new(),
        drafts: Vec::new(),
        skipped: Vec::new(),
    };
    r.unmapped("", survey, SURVEY_KEYS);
    let title = r
        .text(survey.get("title"))
        .unwrap_or_else(|| Text::new("导入的问卷", "Imported form"));
    let intro = r.text(survey.get("description"));
    match survey.get("pages").and_then(Value::as_array) {
        Some(pages) => {
            for (k, page) in pages.iter().enumerate() {
                r.page(page, &format!("/pages/{k}"), k);
            }
        }
        None => {
            let key = if survey.contains_key("elements") {
                "elements"
            } else {
                "questions"
            };
            let els = survey
                .get(key)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let s = r.open("page1".into(), title.clone(), None, Vec::new());
            r.elements(&els, &format!("/{key}"), s);
        }
    }
    r.finish(title, intro)
}

/// The texts of the default language: plain strings of localizable keys, `default` entries.
fn plain_texts<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match x {
                    Value::String(s)
                        if matches!(k.as_str(), "title" | "text" | "description" | "default") =>
                    {
                        out.push(s)
                    }
                    _ => plain_texts(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| plain_texts(x, out)),
        Value::String(s) => out.push(s),
        _ => {}
    }
}

fn num(v: Option<&Value>) -> Option<f64> {
    v.and_then(|v| {
        v.as_f64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    })
}

impl Reader {
    /// A localizable string: `"text"` or `{"default": "text", "zh-cn": "文本"}`.
    fn text(&self, v: Option<&Value>) -> Option<Text> {
        let mut t = Text::default();
        match v? {
            Value::String(s) if !s.trim().is_empty() => {
                t.0.insert(self.lang.clone(), s.clone());
            }
            Value::Object(m) => {
                for (k, s) in m {
                    let Some(s) = s.as_str().filter(|s| !s.trim().is_empty()) else {
                        continue;
                    };
                    let l = if k == "default" {
                        self.lang.clone()
                    } else {
                        lang_code(k)
                    };
                    t.0.insert(l, s.to_owned());
                }
            }
            _ => {}
        }
        (!t.0.is_empty()).then_some(t)
    }

    fn unmapped(&mut self, path: &str, m: &Map<String, Value>, known: &[&str]) {
        for (k, v) in m {
            if known.contains(&k.as_str()) {
                continue;
            }
            self.skipped.push(skip(
                if path.is_empty() {
                    "/".into()
                } else {
                    path.to_owned()
                },
                format!("{k} = {v}"),
                &format!("kaoping 不使用“{k}”属性"),
                &format!("kaoping has no use for the \"{k}\" property"),
            ));
        }
    }

    fn page(&mut self, page: &Value, path: &str, k: usize) {
        let Value::Object(m) = page else { return };
        self.unmapped(path, m, PAGE_KEYS);
        let name = m
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| format!("page{}", k + 1), str::to_owned);
        let title = self
            .text(m.get("title"))
            .unwrap_or_else(|| Text::new(&name, &name));
        let visible: Vec<String> = m
            .get("visibleIf")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .into_iter()
            .collect();
        let s = self.open(
            kaoping_id(&name),
            title,
            self.text(m.get("description")),
            visible,
        );
        let key = if m.contains_key("elements") {
            "elements"
        } else {
            "questions"
        };
        let els = m
            .get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        self.elements(&els, &format!("{path}/{key}"), s);
    }

    fn open(
        &mut self,
        id: String,
        title: Text,
        description: Option<Text>,
        visible: Vec<String>,
    ) -> usize {
        self.sections.push((
            Section {
                id,
                title,
                description,
                relevant: None,
                questions: Vec::new(),
            },
            visible,
        ));
        self.sections.len() - 1
    }

    /// A page's or panel's elements into section `s`; a panel gets a section of its own and
    /// what follows it a new part of `s`.
    fn elements(&mut self, els: &[Value], path: &str, mut s: usize) {
        let mut part = 1;
        for (k, el) in els.iter().enumerate() {
            let p = format!("{path}/{k}");
            let Value::Object(m) = el else { continue };
            if m.get("type").and_then(Value::as_str) == Some("panel") {
                self.panel(m, &p, s);
                part += 1;
                let (base, visible) = (&self.sections[s].0, self.sections[s].1.clone());
                let (id, title) = (format!("{}-{part}", base.id), base.title.clone());
                s = self.open(id, title, None, visible);
                continue;
            }
            self.element(m, &p, s);
        }
    }

    fn panel(&mut self, m: &Map<String, Value>, path: &str, outer: usize) {
        self.unmapped(
            path,
            m,
            &[
                "type",
                "name",
                "title",
                "description",
                "visibleIf",
                "elements",
                "questions",
            ],
        );
        let name = m.get("name").and_then(Value::as_str).unwrap_or("panel");
        let title = self
            .text(m.get("title"))
            .unwrap_or_else(|| self.sections[outer].0.title.clone());
        let mut visible = self.sections[outer].1.clone();
        visible.extend(
            m.get("visibleIf")
                .and_then(Value::as_str)
                .map(str::to_owned),
        );
        let s = self.open(
            kaoping_id(name),
            title,
            self.text(m.get("description")),
            visible,
        );
        let key = if m.contains_key("elements") {
            "elements"
        } else {
            "questions"
        };
        let els = m
            .get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        self.elements(&els, &format!("{path}/{key}"), s);
    }
}

impl Reader {
    fn element(&mut self, m: &Map<String, Value>, path: &str, section: usize) {
        let ty = m
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_lowercase();
        let name = m
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let what = format!("{ty} {name}").trim().to_owned();
        let (kind, used) = match self.kind(m, &ty, path) {
            Ok(k) => k,
            Err((zh, en)) => {
                self.skipped.push(skip(path.to_owned(), what, &zh, &en));
                return;
            }
        };
        let known: Vec<&str> = COMMON.iter().chain(used).copied().collect();
        self.unmapped(path, m, &known);
        let mut q = Question {
            id: kaoping_id(&name),
            kind,
            label: self
                .text(m.get("title"))
                .unwrap_or_else(|| Text::new(&name, &name)),
            help: self.text(m.get("description")),
            required: m
                .get("isRequired")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            relevant: None,
            constraints: Vec::new(),
            unable: false,
            reason: None,
        };
        let checks = self.validators(m.get("validators"), &format!("{path}/validators"), &mut q);
        self.drafts.push(Draft {
            path: path.to_owned(),
            section,
            question: q,
            visible_if: m
                .get("visibleIf")
                .and_then(Value::as_str)
                .map(str::to_owned),
            checks,
        });
    }

    fn choices(&self, v: Option<&Value>) -> Vec<Choice> {
        let items = v.and_then(Value::as_array).cloned().unwrap_or_default();
        items
            .iter()
            .map(|c| {
                let (value, text) = match c {
                    Value::Object(o) => (o.get("value").unwrap_or(&Value::Null), o.get("text")),
                    other => (other, None),
                };
                let value = match value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let label = self.text(text).unwrap_or_else(|| Text::new(&value, &value));
                Choice { value, label }
            })
            .collect()
    }

    /// The kaoping kind of an element and the properties it used, or why there is none.
    fn kind(
        &mut self,
        m: &Map<String, Value>,
        ty: &str,
        path: &str,
    ) -> Result<(QuestionKind, &'static [&'static str]), (String, String)> {
        let err = |zh: String, en: String| Err((zh, en));
        let count = |k: &str| m.get(k).and_then(Value::as_u64).map(|n| n as u32);
        Ok(match ty {
            "radiogroup" | "dropdown" => {
                let options = self.choices(m.get("choices"));
                let kind = scale_of(&options)
                    .map(|scale| QuestionKind::Rating { scale })
                    .unwrap_or(QuestionKind::Single { options });
                (kind, &["choices"])
            }
            "checkbox" | "tagbox" => (
                QuestionKind::Multiple {
                    options: self.choices(m.get("choices")),
                    min_select: count("minSelectedChoices"),
                    max_select: count("maxSelectedChoices"),
                },
                &["choices", "minSelectedChoices", "maxSelectedChoices"],
            ),
            "ranking" => (
                QuestionKind::Ranking {
                    options: self.choices(m.get("choices")),
                },
                &["choices"],
            ),
            "rating" => (
                QuestionKind::Rating {
                    scale: self.rating(m)?,
                },
                &[
                    "rateMin",
                    "rateMax",
                    "rateStep",
                    "rateCount",
                    "rateValues",
                    "minRateDescription",
                    "maxRateDescription",
                ],
            ),
            "matrix" => {
                let columns = self.choices(m.get("columns"));
                let Some(scale) = numeric_scale(&columns) else {
                    return err(
                        "矩阵的列值不全是数字；kaoping 的矩阵题按数字量表作答".into(),
                        "the matrix columns are not all numbers; kaoping matrices are answered on a numeric scale".into(),
                    );
                };
                let each = m
                    .get("isAllRowRequired")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                (
                    QuestionKind::Matrix {
                        rows: self.choices(m.get("rows")),
                        scale,
                        each_row_required: each,
                    },
                    &["rows", "columns", "isAllRowRequired"],
                )
            }
            "text" => self.text_kind(m, path),
            "comment" => (
                QuestionKind::Text {
                    min_length: None,
                    max_length: count("maxLength"),
                    long: true,
                    pattern: None,
                    pattern_message: None,
                },
                &["maxLength"],
            ),
            "boolean" => {
                let yes = self
                    .text(m.get("labelTrue"))
                    .unwrap_or_else(|| Text::new("是", "Yes"));
                let no = self
                    .text(m.get("labelFalse"))
                    .unwrap_or_else(|| Text::new("否", "No"));
                let options = vec![
                    Choice {
                        value: "true".into(),
                        label: yes,
                    },
                    Choice {
                        value: "false".into(),
                        label: no,
                    },
                ];
                (
                    QuestionKind::Single { options },
                    &["labelTrue", "labelFalse"],
                )
            }
            "" => return err("元素没有类型".into(), "the element has no type".into()),
            t => {
                return err(
                    format!("kaoping 没有“{t}”题型"),
                    format!("kaoping has no \"{t}\" question type"),
                )
            }
        })
    }

    fn text_kind(
        &mut self,
        m: &Map<String, Value>,
        path: &str,
    ) -> (QuestionKind, &'static [&'static str]) {
        let input = m.get("inputType").and_then(Value::as_str).unwrap_or("text");
        if matches!(input, "number" | "range") {
            let kind = QuestionKind::Number {
                min: num(m.get("min")),
                max: num(m.get("max")),
                step: num(m.get("step")),
                decimals: None,
            };
            return (kind, &["inputType", "min", "max", "step"]);
        }
        if input != "text" {
            self.skipped.push(skip(
                path.to_owned(),
                format!("inputType = {input}"),
                &format!("kaoping 没有“{input}”输入类型；按普通文本导入"),
                &format!("kaoping has no \"{input}\" input type; imported as plain text"),
            ));
        }
        let max = m.get("maxLength").and_then(Value::as_u64).map(|n| n as u32);
        let kind = QuestionKind::Text {
            min_length: None,
            max_length: max,
            long: false,
            pattern: None,
            pattern_message: None,
        };
        (kind, &["inputType", "maxLength"])
    }

    /// `rateValues` (numbers, or objects with a numeric `value`), else `rateMin`..`rateMax`
    /// (or `rateCount` points) by `rateStep`, SurveyJS's defaults 1, 5, 1.
    fn rating(&self, m: &Map<String, Value>) -> Result<Scale, (String, String)> {
        if let Some(values) = m
            .get("rateValues")
            .filter(|v| v.as_array().is_some_and(|a| !a.is_empty()))
        {
            return numeric_scale(&self.choices(Some(values))).ok_or_else(|| {
                (
                    "rateValues 的值不全是数字".to_owned(),
                    "the rateValues are not all numbers".to_owned(),
                )
            });
        }
        let min = num(m.get("rateMin")).unwrap_or(1.0);
        let step = num(m.get("rateStep")).unwrap_or(1.0);
        let max = match num(m.get("rateCount")) {
            Some(n) if m.get("rateMax").is_none() => min + (n - 1.0) * step,
            _ => num(m.get("rateMax")).unwrap_or(5.0),
        };
        let mut points = Vec::new();
        let anchor = |v: f64, t: Option<Text>| {
            t.map(|label| ScalePoint {
                value: v,
                label,
                score: None,
            })
        };
        points.extend(anchor(min, self.text(m.get("minRateDescription"))));
        points.extend(anchor(max, self.text(m.get("maxRateDescription"))));
        let scale = Scale {
            min,
            max,
            step,
            points,
        };
        if scale.points.is_empty() {
            let values = scale.values().unwrap_or_default();
            if values.len() <= 11 {
                let points = values
                    .into_iter()
                    .map(|v| {
                        let t = crate::cells::format_number(v);
                        ScalePoint {
                            value: v,
                            label: Text::new(&t, &t),
                            score: None,
                        }
                    })
                    .collect();
                return Ok(Scale { points, ..scale });
            }
        }
        Ok(scale)
    }
}

/// A scale from choices whose values are all numbers, each point labelled with its text.
fn numeric_scale(choices: &[Choice]) -> Option<Scale> {
    let mut points = Vec::new();
    for c in choices {
        let value: f64 = c.value.trim().parse().ok()?;
        points.push(ScalePoint {
            value,
            label: c.label.clone(),
            score: None,
        });
    }
    let min = points.iter().map(|p| p.value).fold(f64::INFINITY, f64::min);
    let max = points
        .iter()
        .map(|p| p.value)
        .fold(f64::NEG_INFINITY, f64::max);
    if points.len() < 2 {
        return None;
    }
    let mut sorted: Vec<f64> = points.iter().map(|p| p.value).collect();
    sorted.sort_by(f64::total_cmp);
    let step = sorted
        .windows(2)
        .map(|w| w[1] - w[0])
        .fold(f64::INFINITY, f64::min);
    let scale = Scale {
        min,
        max,
        step,
        points,
    };
    scale
        .points
        .iter()
        .all(|p| scale.contains(p.value))
        .then_some(scale)
}

impl Reader {
    /// Numeric, text-length, answer-count and regex validators become the question's own
    /// limits; expression validators are translated later; others are skipped.
    fn validators(
        &mut self,
        v: Option<&Value>,
        path: &str,
        q: &mut Question,
    ) -> Vec<(String, String, Option<Text>)> {
        let mut checks = Vec::new();
        let list = v.and_then(Value::as_array).cloned().unwrap_or_default();
        for (k, val) in list.iter().enumerate() {
            let p = format!("{path}/{k}");
            let Value::Object(m) = val else { continue };
            let ty = m.get("type").and_then(Value::as_str).unwrap_or("");
            let message = self.text(m.get("text"));
            let count = |k: &str| m.get(k).and_then(Value::as_u64).map(|n| n as u32);
            let done = match (ty, &mut q.kind) {
                ("numeric", QuestionKind::Number { min, max, .. }) => {
                    *min = num(m.get("minValue")).or(*min);
                    *max = num(m.get("maxValue")).or(*max);
                    true
                }
                (
                    "text",
                    QuestionKind::Text {
                        min_length,
                        max_length,
                        ..
                    },
                ) => {
                    *min_length = count("minLength").or(*min_length);
                    *max_length = count("maxLength").or(*max_length);
                    true
                }
                (
                    "answercount",
                    QuestionKind::Multiple {
                        min_select,
                        max_select,
                        ..
                    },
                ) => {
                    *min_select = count("minCount").or(*min_select);
                    *max_select = count("maxCount").or(*max_select);
                    true
                }
                (
                    "regex",
                    QuestionKind::Text {
                        pattern,
                        pattern_message,
                        ..
                    },
                ) => {
                    let re = m.get("regex").and_then(Value::as_str).unwrap_or("");
                    if crate::pattern::Pattern::parse(re).is_ok() {
                        *pattern = Some(re.to_owned());
                        *pattern_message = message.clone();
                        true
                    } else {
                        false
                    }
                }
                ("expression", _) => {
                    let e = m
                        .get("expression")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned();
                    checks.push((p.clone(), e, message.clone()));
                    true
                }
                _ => false,
            };
            if !done {
                self.skipped.push(skip(
                    p,
                    format!("validator {val}"),
                    &format!("kaoping 无法对“{}”题表达这一“{ty}”校验", q.kind.name()),
                    &format!(
                        "kaoping cannot express this \"{ty}\" validator on a {} question",
                        q.kind.name()
                    ),
                ));
            }
        }
        checks
    }

    fn finish(mut self, title: Text, intro: Option<Text>) -> Result<Imported, ImportError> {
        let kinds: BTreeMap<String, RefKind> = self
            .drafts
            .iter()
            .map(|d| (d.question.id.clone(), ref_kind(&d.question.kind)))
            .collect();
        let kind = |r: &str| {
            let base = r.split('.').next().unwrap_or(r);
            match kinds.get(base).copied() {
                Some(_) if base != r => RefKind::Numeric,
                Some(k) => k,
                None => RefKind::Other,
            }
        };
        let known = |r: &str| {
            let (base, row) = match r.split_once('.') {
                Some((b, row)) => (b, Some(row)),
                None => (r, None),
            };
            let id = kaoping_id(base);
            kinds.contains_key(&id).then(|| match row {
                Some(row) => format!("{id}.{row}"),
                None => id,
            })
        };
        let tr = |src: &str| translate(src, Dialect::SurveyJs, &kind, &known);
        for d in std::mem::take(&mut self.drafts) {
            let mut q = d.question;
            if let Some(src) = &d.visible_if {
                match tr(src) {
                    Ok(e) => q.relevant = Some(e),
                    Err(why) => self
                        .skipped
                        .push(expr_skip(&d.path, "visibleIf", src, &why, true)),
                }
            }
            for (p, src, message) in d.checks {
                match tr(&src) {
                    Ok(e) => constrain(&mut q, e, message),
                    Err(why) => self
                        .skipped
                        .push(expr_skip(&p, "expression", &src, &why, false)),
                }
            }
            self.sections[d.section].0.questions.push(q);
        }
        let mut sections = Vec::new();
        for (mut s, visible) in std::mem::take(&mut self.sections) {
            if s.questions.is_empty() {
                continue;
            }
            let mut parts = Vec::new();
            for src in &visible {
                match tr(src) {
                    Ok(e) => parts.push(format!("({e})")),
                    Err(why) => {
                        let item = format!("page {}", s.id);
                        self.skipped
                            .push(expr_skip(&item, "visibleIf", src, &why, true));
                    }
                }
            }
            if !parts.is_empty() {
                s.relevant = Some(parts.join(" and "));
            }
            sections.push(s);
        }
        if sections.is_empty() {
            return Err(ImportError::NoQuestions {
                skipped: self.skipped.len(),
            });
        }
        Ok(Imported {
            instrument: Instrument {
                id: "imported".into(),
                kind: InstrumentKind::Survey,
                title,
                intro,
                min_seconds: None,
                sections,
                review: None,
            },
            skipped: self.skipped,
        })
    }
}
