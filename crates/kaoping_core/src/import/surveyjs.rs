//! SurveyJS survey JSON (<https://surveyjs.io/form-library/documentation/design-survey/create-a-simple-survey>).

use super::expr::{translate, Dialect, RefKind};
use super::{
    constrain, expr_skip, guess_lang, kaoping_id, lang_code, ref_kind, skip, ImportError, Imported,
    Skipped,
};
use crate::plan::{Instrument, InstrumentKind, Question, QuestionKind, Section};
use crate::text::Text;
use serde_json::{Map, Value};

mod kinds;
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
    /// Each section with the `visibleIf`s that apply to it and the page's or panel's path
    /// (none for the part of a page after a panel).
    sections: Vec<(Section, Vec<String>, Option<String>)>,
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
            let (key, els) = element_list(survey);
            let s = r.open(
                "page1".into(),
                title.clone(),
                None,
                Vec::new(),
                Some("/".into()),
            );
            r.elements(&els, &format!("/{key}"), s);
        }
    }
    r.finish(title, intro)
}

/// A survey's, page's or panel's questions: `elements`, or in older JSON `questions`, with
/// the key they were under.
fn element_list(m: &Map<String, Value>) -> (&'static str, Vec<Value>) {
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
    (key, els)
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
        self.container(m, kaoping_id(&name), title, visible, path);
    }

    /// A page or a panel: a section of its own, then its `elements` (or, in older JSON,
    /// `questions`) into it.
    fn container(
        &mut self,
        m: &Map<String, Value>,
        id: String,
        title: Text,
        visible: Vec<String>,
        path: &str,
    ) {
        let description = self.text(m.get("description"));
        let s = self.open(id, title, description, visible, Some(path.to_owned()));
        let (key, els) = element_list(m);
        self.elements(&els, &format!("{path}/{key}"), s);
    }

    fn open(
        &mut self,
        id: String,
        title: Text,
        description: Option<Text>,
        visible: Vec<String>,
        path: Option<String>,
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
            path,
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
                s = self.open(id, title, None, visible, None);
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
        self.container(m, kaoping_id(name), title, visible, path);
    }
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
        let mut direct = Vec::new();
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
                    if message.is_some() {
                        self.skipped.push(skip(
                            p.clone(),
                            "text".into(),
                            "数值范围已导入为最小值/最大值；kaoping 对此显示自己的提示",
                            "the range is imported as min/max, for which kaoping shows its own message",
                        ));
                    }
                    true
                }
                ("numeric", QuestionKind::Text { .. }) => {
                    let lo = num(m.get("minValue"))
                        .map(|v| format!("number(.) >= {}", crate::cells::format_number(v)));
                    let hi = num(m.get("maxValue"))
                        .map(|v| format!("number(.) <= {}", crate::cells::format_number(v)));
                    let e: Vec<String> = lo.into_iter().chain(hi).collect();
                    if !e.is_empty() {
                        direct.push((e.join(" and "), message.clone()));
                    }
                    !e.is_empty()
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
        self.cap_max_select(path, q);
        for (e, message) in direct {
            constrain(q, e, message);
        }
        checks
    }

    /// A most-answers count above the number of choices says nothing: it is dropped, listed.
    fn cap_max_select(&mut self, path: &str, q: &mut Question) {
        if let QuestionKind::Multiple {
            options,
            max_select,
            ..
        } = &mut q.kind
        {
            let n = options.len() as u32;
            if max_select.is_some_and(|m| m > n) {
                self.skipped.push(skip(
                    path.to_owned(),
                    format!("maxCount = {}", max_select.unwrap_or_default()),
                    &format!("最多选择数大于选项数 {n}，不起作用"),
                    &format!(
                        "the most answers allowed exceed the {n} choices, so it has no effect"
                    ),
                ));
                *max_select = None;
            }
        }
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
        for (mut s, visible, path) in std::mem::take(&mut self.sections) {
            if s.questions.is_empty() {
                if let Some(path) = path {
                    self.skipped.push(skip(
                        path,
                        format!("page/panel {}", s.id),
                        "其中没有可导入的题目，不成为一节",
                        "it has no question that could be imported, so it is no section",
                    ));
                }
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
