//! The kinds of SurveyJS elements: what each question type becomes in kaoping.

use super::{num, Draft, Reader, COMMON};
use crate::import::kaoping_id;
use crate::import::scale_of;
use crate::import::skip;
use crate::plan::{Choice, Question, QuestionKind, Scale, ScalePoint};
use crate::text::Text;
use serde_json::{Map, Value};

impl Reader {
    pub(super) fn element(&mut self, m: &Map<String, Value>, path: &str, section: usize) {
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
