//! Questionnaires from other tools: an XLSForm workbook ([`import_xlsform`], office feature)
//! or a SurveyJS JSON ([`import_surveyjs`]) become a kaoping [`Instrument`].
//!
//! What maps is mapped — question types, choices, relevance and constraints translated into
//! kaoping's expression language, labels in every language — and what does not is listed in
//! [`Imported::skipped`], item by item, with its reason in zh-CN and English. Nothing is
//! dropped without an entry there. The rules are in `docs/import.md`.

mod expr;
mod file;
mod surveyjs;
mod xlsform;

use crate::plan::{Choice, Constraint, Instrument, Question, QuestionKind, Scale, ScalePoint};
use crate::text::Text;
use expr::RefKind;
use serde::Serialize;

pub use file::{import_form, FormImport, ImportOptions};
pub use surveyjs::import_surveyjs;
pub use xlsform::import_xlsform;

/// An imported instrument and what could not be brought over.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Imported {
    pub instrument: Instrument,
    pub skipped: Vec<Skipped>,
}

impl Imported {
    /// The instrument as plan JSON: without the `null` of options it does not set (such as
    /// `review`), which a plan does not accept.
    pub fn instrument_json(&self) -> serde_json::Value {
        fn strip(v: &mut serde_json::Value) {
            match v {
                serde_json::Value::Object(m) => {
                    m.retain(|_, x| !x.is_null());
                    m.values_mut().for_each(strip);
                }
                serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
                _ => {}
            }
        }
        let mut v = serde_json::to_value(&self.instrument).unwrap_or_default();
        strip(&mut v);
        v
    }
}

/// One thing of the source form that is not in the instrument, or not wholly.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Skipped {
    /// Where it is: `survey row 12` (XLSForm) or a JSON path such as `/pages/0/elements/3`.
    pub item: String,
    /// What it is: a type, a column, a property, with its value.
    pub what: String,
    /// Why it is not imported.
    pub reason: Text,
}

/// Why a file cannot be imported at all.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportError {
    #[error("not an XLSForm workbook: {0}")]
    Workbook(crate::xlsx::XlsxError),
    #[error("the workbook has no \"{0}\" sheet")]
    NoSheet(String),
    #[error("the \"{sheet}\" sheet has no \"{column}\" column")]
    NoColumn { sheet: String, column: String },
    #[error("not SurveyJS JSON: {0}")]
    Json(String),
    #[error("neither an XLSForm workbook nor UTF-8 text: {0}")]
    NotUtf8(String),
    #[error("the form has no question that kaoping can use ({skipped} item(s) skipped)")]
    NoQuestions { skipped: usize },
    #[error("not a plan: {0}")]
    NotAPlan(String),
    #[error("the plan already has an instrument \"{0}\"; choose another id")]
    DuplicateInstrument(String),
}

/// The plan with an imported instrument added: its JSON (pretty, with a final newline) and
/// how many texts were copied into plan languages the form lacks (they need translating).
#[derive(Debug, Clone, PartialEq)]
pub struct WithInstrument {
    pub json: String,
    pub texts_filled: usize,
}

/// Adds the imported instrument to the plan `plan_json`, under `id` when given, with its texts
/// completed in the plan's languages ([`complete_languages`]). Refuses an id the plan already
/// has. The result is not validated here: run [`crate::validate::validate_plan`] on it.
pub fn add_to_plan(
    plan_json: &str,
    imported: &Imported,
    id: Option<&str>,
) -> Result<WithInstrument, ImportError> {
    let plan_json = plan_json.strip_prefix('\u{feff}').unwrap_or(plan_json);
    let mut plan: serde_json::Value =
        serde_json::from_str(plan_json).map_err(|e| ImportError::NotAPlan(e.to_string()))?;
    let obj = plan
        .as_object_mut()
        .ok_or_else(|| ImportError::NotAPlan("the top level is not an object".into()))?;
    let langs: Vec<String> = obj
        .get("languages")
        .and_then(|l| serde_json::from_value(l.clone()).ok())
        .unwrap_or_else(|| vec![crate::text::DEFAULT_LANG.to_owned()]);
    let mut imported = imported.clone();
    if let Some(id) = id {
        imported.instrument.id = id.to_owned();
    }
    let texts_filled = complete_languages(&mut imported.instrument, &langs);
    let list = obj
        .entry("instruments")
        .or_insert_with(|| serde_json::Value::Array(Vec::new()))
        .as_array_mut()
        .ok_or_else(|| ImportError::NotAPlan("\"instruments\" is not an array".into()))?;
    let new_id = imported.instrument.id.as_str();
    if list
        .iter()
        .any(|i| i.get("id").and_then(|v| v.as_str()) == Some(new_id))
    {
        return Err(ImportError::DuplicateInstrument(new_id.to_owned()));
    }
    list.push(imported.instrument_json());
    let json = serde_json::to_string_pretty(&plan).unwrap_or_default() + "\n";
    Ok(WithInstrument { json, texts_filled })
}

/// A language tag of another tool as kaoping writes it: `zh`, `zh-cn`, `Chinese (zh)`,
/// `中文` → `zh-CN`; `English (en)`, `en-US`, `English` → `en`; others as written (the code in
/// parentheses when there is one).
pub(crate) fn lang_code(tag: &str) -> String {
    let tag = tag.trim();
    let code = match (tag.rfind('('), tag.rfind(')')) {
        (Some(a), Some(b)) if a < b => tag[a + 1..b].trim(),
        _ => tag,
    };
    let lower = code.to_ascii_lowercase();
    let zh = lower == "zh" || lower.starts_with("zh-cn") || lower.starts_with("zh-hans");
    if zh || lower == "chinese" || code == "中文" || code == "简体中文" {
        "zh-CN".into()
    } else if lower == "en" || lower.starts_with("en-") || lower == "english" {
        "en".into()
    } else {
        code.to_owned()
    }
}

/// The language of texts whose source names none: zh-CN when any of them has a Chinese
/// character, else English.
pub(crate) fn guess_lang<'a>(texts: impl IntoIterator<Item = &'a str>) -> String {
    let cjk = |c: char| matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF);
    if texts.into_iter().any(|t| t.chars().any(cjk)) {
        "zh-CN".into()
    } else {
        "en".into()
    }
}

/// A kaoping id from another tool's name: characters other than letters, digits, `_` and `-`
/// become `_`, and a name not starting with a letter or `_` gets `q_` in front.
pub(crate) fn kaoping_id(name: &str) -> String {
    let mut id: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !id.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        id.insert_str(0, "q_");
    }
    id
}

pub(crate) fn skip(item: String, what: String, zh: &str, en: &str) -> Skipped {
    Skipped {
        item,
        what,
        reason: Text::new(zh, en),
    }
}

/// Fills every text of `ins` that lacks one of `langs` with its text in the first of `langs`
/// it has (else any it has), so that the instrument validates in a plan of those languages.
/// Returns how many texts were filled: they still need translating.
pub fn complete_languages(ins: &mut Instrument, langs: &[String]) -> usize {
    let mut n = 0;
    let mut fill = |t: &mut Text| {
        let missing: Vec<String> = t.missing(langs).into_iter().map(str::to_owned).collect();
        if missing.is_empty() {
            return;
        }
        let from = langs
            .iter()
            .find_map(|l| t.0.get(l).filter(|s| !s.trim().is_empty()))
            .or_else(|| t.0.values().find(|s| !s.trim().is_empty()))
            .cloned();
        let Some(from) = from else { return };
        for l in missing {
            t.0.insert(l, from.clone());
        }
        n += 1;
    };
    fill(&mut ins.title);
    ins.intro.iter_mut().for_each(&mut fill);
    for s in &mut ins.sections {
        fill(&mut s.title);
        s.description.iter_mut().for_each(&mut fill);
        for q in &mut s.questions {
            fill(&mut q.label);
            q.help.iter_mut().for_each(&mut fill);
            q.constraints.iter_mut().for_each(|c| fill(&mut c.message));
            match &mut q.kind {
                QuestionKind::Single { options }
                | QuestionKind::Multiple { options, .. }
                | QuestionKind::Ranking { options } => {
                    options.iter_mut().for_each(|c| fill(&mut c.label));
                }
                QuestionKind::Rating { scale } => {
                    scale.points.iter_mut().for_each(|p| fill(&mut p.label));
                }
                QuestionKind::Matrix { rows, scale, .. } => {
                    rows.iter_mut().for_each(|c| fill(&mut c.label));
                    scale.points.iter_mut().for_each(|p| fill(&mut p.label));
                }
                QuestionKind::Text {
                    pattern_message, ..
                } => pattern_message.iter_mut().for_each(&mut fill),
                QuestionKind::Number { .. } | QuestionKind::Nps => {}
            }
        }
    }
    n
}

/// Number bounds from a translated constraint made only of `. >= a`, `. <= b` (also `>`, `<`
/// for integers) joined by `and`; `None` when it says anything else.
pub(crate) fn bounds(expr: &str, integer: bool) -> Option<(Option<f64>, Option<f64>)> {
    let (mut lo, mut hi) = (None, None);
    for part in expr.split(" and ") {
        let mut w = part.split_whitespace();
        let (Some("."), Some(op), Some(n), None) = (w.next(), w.next(), w.next(), w.next()) else {
            return None;
        };
        let n: f64 = n.parse().ok()?;
        match op {
            ">=" => lo = Some(n),
            "<=" => hi = Some(n),
            ">" if integer && n.fract() == 0.0 => lo = Some(n + 1.0),
            "<" if integer && n.fract() == 0.0 => hi = Some(n - 1.0),
            _ => return None,
        }
    }
    Some((lo, hi))
}

pub(crate) fn ref_kind(k: &QuestionKind) -> RefKind {
    match k {
        QuestionKind::Single { .. }
        | QuestionKind::Multiple { .. }
        | QuestionKind::Ranking { .. } => RefKind::Choice,
        QuestionKind::Text { .. } => RefKind::Other,
        _ => RefKind::Numeric,
    }
}

pub(crate) fn expr_skip(item: &str, col: &str, src: &str, why: &Text, shown: bool) -> Skipped {
    let (zh, en) = if shown {
        ("该题（节）总是显示", "it is always shown")
    } else {
        ("答案不受此限制", "answers are not checked against it")
    };
    skip(
        item.to_owned(),
        format!("{col} = {src}"),
        &format!("无法译为 kaoping 表达式（{}）；{zh}", why.get("zh-CN")),
        &format!(
            "cannot be translated to a kaoping expression ({}); {en}",
            why.get("en")
        ),
    )
}

/// A translated constraint: number bounds when it is only bounds, else a constraint.
pub(crate) fn constrain(q: &mut Question, e: String, message: Option<Text>) {
    if let QuestionKind::Number {
        min, max, decimals, ..
    } = &mut q.kind
    {
        if let Some((lo, hi)) = bounds(&e, *decimals == Some(0)) {
            *min = lo.or(*min);
            *max = hi.or(*max);
            if message.is_none() {
                return;
            }
        }
    }
    q.constraints.push(Constraint {
        expr: e,
        message: message.unwrap_or_else(|| Text::new("答案不符合要求", "The answer is not valid")),
    });
}

/// A `select_one` whose choice names are, in order, the whole numbers 0 or 1 up to at most 10
/// (3 to 11 points) is a rating on that scale, each point with its choice's label.
pub(crate) fn scale_of(options: &[Choice]) -> Option<Scale> {
    let first: i64 = options.first()?.value.trim().parse().ok()?;
    if !(first == 0 || first == 1) || !(3..=11).contains(&options.len()) {
        return None;
    }
    for (k, o) in options.iter().enumerate() {
        if o.value.trim() != (first + k as i64).to_string() {
            return None;
        }
    }
    Some(Scale {
        min: first as f64,
        max: (first + options.len() as i64 - 1) as f64,
        step: 1.0,
        points: options
            .iter()
            .enumerate()
            .map(|(k, o)| ScalePoint {
                value: (first + k as i64) as f64,
                label: o.label.clone(),
                score: None,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        assert_eq!(lang_code("English (en)"), "en");
        assert_eq!(lang_code("Chinese (zh)"), "zh-CN");
        assert_eq!(lang_code("zh-cn"), "zh-CN");
        assert_eq!(lang_code("French (fr)"), "fr");
        assert_eq!(lang_code("中文"), "zh-CN");
        assert_eq!(guess_lang(["Age", "年龄"]), "zh-CN");
        assert_eq!(guess_lang(["Age"]), "en");
        assert_eq!(kaoping_id("What is your name?"), "What_is_your_name_");
        assert_eq!(kaoping_id("1st"), "q_1st");
    }

    #[test]
    fn simple_bounds() {
        assert_eq!(
            bounds(". >= 0 and . <= 120", true),
            Some((Some(0.0), Some(120.0)))
        );
        assert_eq!(bounds(". > 0", true), Some((Some(1.0), None)));
        assert_eq!(bounds(". > 0", false), None);
        assert_eq!(bounds(". >= 0 or . <= 1", true), None);
    }
}
