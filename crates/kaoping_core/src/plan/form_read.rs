//! The plan's forms (its instruments) read from the plan's JSON value by hand: the forms part
//! ([`FormPlan`]) for [`super::load_form_plan`] (the respondent's WASM), and the whole plan,
//! its other parts by serde, for [`super::load_plan_from_value`] (the review page's WASM).
//! Those builds then carry these few non-generic functions instead of serde's value
//! deserializer instantiated for every type of the forms (measured in `docs/size.md`).
//!
//! What it accepts and the errors it gives are serde's for the same types, word for word
//! (`crate::json_read` has the rules and the one difference): `tests` compares the two on
//! every value of the demo plan replaced by values of every JSON type. The types keep their
//! `Deserialize` (the office reads the plan's text).

use super::keys;
use super::raw::RawQuestion;
use super::{
    Choice, Constraint, FormPlan, Instrument, InstrumentKind, Plan, Question, RaterGroup,
    ReasonRule, ReviewSheet, Scale, ScalePoint, Section,
};
use crate::json_read::{
    boolean, float, opt, seq, string, text, type_error, uint, value_error, Fields, R,
};
use crate::text::Text;
use serde::de::{DeserializeOwned, Error as _};
use serde_json::{Error, Value};

/// The forms part of a plan from its JSON value (the `sha256` and `coded` fields left empty).
pub(super) fn form_plan(v: &Value) -> R<FormPlan> {
    let s = Fields::of(v, "FormPlan", &["id", "version", "instruments"])?;
    let (mut id, mut version, mut instruments) = (None, None, None);
    for (i, v) in s.present() {
        match i {
            0 => id = Some(string(v)?),
            1 => version = Some(string(v)?),
            _ => instruments = Some(seq(v, instrument)?),
        }
    }
    let plan = FormPlan {
        id: s.need(id, 0)?,
        version: s.need(version, 1)?,
        sha256: String::new(),
        instruments: s.need(instruments, 2)?,
        coded: Vec::new(),
    };
    s.end(plan)
}

/// The whole plan from its JSON value (`sha256` left empty): the instruments read by hand,
/// the other parts by serde.
pub(super) fn plan(v: &Value) -> R<Plan> {
    const NAMES: &[&str] = &[
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
    /// The fields without a default, in their order.
    const REQUIRED: [usize; 9] = [0, 1, 2, 3, 5, 6, 7, 8, 9];
    let s = Fields::of(v, "Plan", NAMES)?;
    let mut p = Plan {
        id: String::new(),
        version: String::new(),
        year: 0,
        title: Text::default(),
        description: None,
        languages: Vec::new(),
        categories: Vec::new(),
        units: Vec::new(),
        indicators: Vec::new(),
        instruments: Vec::new(),
        scoring: Value::Null,
        tracking: Value::Null,
        trust: Value::Null,
        amendments: Vec::new(),
        publication: None,
        sha256: String::new(),
    };
    for (i, v) in s.present() {
        match i {
            0 => p.id = string(v)?,
            1 => p.version = string(v)?,
            2 => p.year = by_serde(v)?,
            3 => p.title = text(v)?,
            4 => p.description = opt(v, text)?,
            5 => p.languages = seq(v, string)?,
            6 => p.categories = by_serde(v)?,
            7 => p.units = by_serde(v)?,
            8 => p.indicators = by_serde(v)?,
            9 => p.instruments = seq(v, instrument)?,
            // A JSON value read as a JSON value is itself.
            10 => p.scoring = v.clone(),
            11 => p.tracking = v.clone(),
            12 => p.trust = v.clone(),
            13 => p.amendments = by_serde(v)?,
            _ => p.publication = by_serde(v)?,
        }
    }
    if let Some(&i) = REQUIRED.iter().find(|&&i| s.given[i].is_none()) {
        return Err(s.missing(i));
    }
    s.end(p)
}

fn by_serde<T: DeserializeOwned>(v: &Value) -> R<T> {
    T::deserialize(v)
}

fn instrument(v: &Value) -> R<Instrument> {
    let s = Fields::of(v, "Instrument", keys::INSTRUMENT_KEYS)?;
    let (mut id, mut kind, mut title) = (None, None, None);
    let mut ins = Instrument {
        id: String::new(),
        kind: InstrumentKind::Survey,
        title: Text::default(),
        intro: None,
        min_seconds: None,
        sections: Vec::new(),
        review: None,
    };
    for (i, v) in s.present() {
        match i {
            0 => id = Some(string(v)?),
            1 => kind = Some(instrument_kind(v)?),
            2 => title = Some(text(v)?),
            3 => ins.intro = opt(v, text)?,
            4 => ins.min_seconds = opt(v, uint)?,
            5 => ins.sections = seq(v, section)?,
            _ => ins.review = opt(v, review_sheet)?,
        }
    }
    ins.id = s.need(id, 0)?;
    ins.kind = s.need(kind, 1)?;
    ins.title = s.need(title, 2)?;
    s.end(ins)
}

/// A unit variant as serde_json reads an enum from a value: its name as a string, or an
/// object of one key (the name) whose value is null.
fn instrument_kind(v: &Value) -> R<InstrumentKind> {
    const VARIANTS: &[&str] = &["survey", "review", "appraisal"];
    let (name, content) = match v {
        Value::String(s) => (s, None),
        Value::Object(map) => {
            let mut entries = map.iter();
            match (entries.next(), entries.next()) {
                (Some((k, v)), None) => (k, Some(v)),
                _ => return Err(value_error("map", "map with a single key")),
            }
        }
        other => return Err(type_error(other, "string or map")),
    };
    let kind = match name.as_str() {
        "survey" => InstrumentKind::Survey,
        "review" => InstrumentKind::Review,
        "appraisal" => InstrumentKind::Appraisal,
        other => return Err(Error::unknown_variant(other, VARIANTS)),
    };
    match content {
        Some(c) if !c.is_null() => Err(type_error(c, "unit")),
        _ => Ok(kind),
    }
}

fn section(v: &Value) -> R<Section> {
    let s = Fields::of(v, "Section", keys::SECTION_KEYS)?;
    let (mut id, mut title, mut description, mut relevant, mut questions) =
        (None, None, None, None, None);
    for (i, v) in s.present() {
        match i {
            0 => id = Some(string(v)?),
            1 => title = Some(text(v)?),
            2 => description = opt(v, text)?,
            3 => relevant = opt(v, string)?,
            _ => questions = Some(seq(v, question)?),
        }
    }
    let section = Section {
        id: s.need(id, 0)?,
        title: s.need(title, 1)?,
        description,
        relevant,
        questions: s.need(questions, 4)?,
    };
    s.end(section)
}

fn question(v: &Value) -> R<Question> {
    Question::try_from(raw_question(v)?).map_err(Error::custom)
}

fn raw_question(v: &Value) -> R<RawQuestion> {
    const NAMES: &[&str] = &[
        "id",
        "type",
        "label",
        "help",
        "required",
        "relevant",
        "constraints",
        "unable",
        "reason",
        "options",
        "min_select",
        "max_select",
        "scale",
        "rows",
        "each_row_required",
        "min",
        "max",
        "step",
        "decimals",
        "min_length",
        "max_length",
        "long",
        "pattern",
        "pattern_message",
    ];
    let s = Fields::of(v, "RawQuestion", NAMES)?;
    let (mut id, mut kind, mut label) = (None, None, None);
    let mut q = RawQuestion {
        id: String::new(),
        kind: String::new(),
        label: Text::default(),
        help: None,
        required: false,
        relevant: None,
        constraints: Vec::new(),
        unable: false,
        reason: None,
        options: None,
        min_select: None,
        max_select: None,
        scale: None,
        rows: None,
        each_row_required: None,
        min: None,
        max: None,
        step: None,
        decimals: None,
        min_length: None,
        max_length: None,
        long: None,
        pattern: None,
        pattern_message: None,
    };
    for (i, v) in s.present() {
        match i {
            0 => id = Some(string(v)?),
            1 => kind = Some(string(v)?),
            2 => label = Some(text(v)?),
            3 => q.help = opt(v, text)?,
            4 => q.required = boolean(v)?,
            5 => q.relevant = opt(v, string)?,
            6 => q.constraints = seq(v, constraint)?,
            7 => q.unable = boolean(v)?,
            8 => q.reason = opt(v, reason_rule)?,
            9 => q.options = opt(v, choices)?,
            10 => q.min_select = opt(v, uint)?,
            11 => q.max_select = opt(v, uint)?,
            12 => q.scale = opt(v, scale)?,
            13 => q.rows = opt(v, choices)?,
            14 => q.each_row_required = opt(v, boolean)?,
            15 => q.min = opt(v, float)?,
            16 => q.max = opt(v, float)?,
            17 => q.step = opt(v, float)?,
            18 => q.decimals = opt(v, uint)?,
            19 => q.min_length = opt(v, uint)?,
            20 => q.max_length = opt(v, uint)?,
            21 => q.long = opt(v, boolean)?,
            22 => q.pattern = opt(v, string)?,
            _ => q.pattern_message = opt(v, text)?,
        }
    }
    q.id = s.need(id, 0)?;
    q.kind = s.need(kind, 1)?;
    q.label = s.need(label, 2)?;
    s.end(q)
}

fn choices(v: &Value) -> R<Vec<Choice>> {
    seq(v, choice)
}

fn choice(v: &Value) -> R<Choice> {
    let s = Fields::of(v, "Choice", keys::CHOICE_KEYS)?;
    let (mut value, mut label) = (None, None);
    for (i, v) in s.present() {
        match i {
            0 => value = Some(string(v)?),
            _ => label = Some(text(v)?),
        }
    }
    let c = Choice {
        value: s.need(value, 0)?,
        label: s.need(label, 1)?,
    };
    s.end(c)
}

fn constraint(v: &Value) -> R<Constraint> {
    let s = Fields::of(v, "Constraint", keys::CONSTRAINT_KEYS)?;
    let (mut expr, mut message) = (None, None);
    for (i, v) in s.present() {
        match i {
            0 => expr = Some(string(v)?),
            _ => message = Some(text(v)?),
        }
    }
    let c = Constraint {
        expr: s.need(expr, 0)?,
        message: s.need(message, 1)?,
    };
    s.end(c)
}

fn reason_rule(v: &Value) -> R<ReasonRule> {
    let s = Fields::of(v, "ReasonRule", keys::REASON_KEYS)?;
    let (mut at_or_below, mut label, mut min_length) = (None, None, None);
    for (i, v) in s.present() {
        match i {
            0 => at_or_below = Some(float(v)?),
            1 => label = Some(text(v)?),
            _ => min_length = opt(v, uint)?,
        }
    }
    let r = ReasonRule {
        at_or_below: s.need(at_or_below, 0)?,
        label: s.need(label, 1)?,
        min_length,
    };
    s.end(r)
}

fn scale(v: &Value) -> R<Scale> {
    let s = Fields::of(v, "Scale", keys::SCALE_KEYS)?;
    let (mut min, mut max, mut step, mut points) = (None, None, None, None);
    for (i, v) in s.present() {
        match i {
            0 => min = Some(float(v)?),
            1 => max = Some(float(v)?),
            2 => step = Some(float(v)?),
            _ => points = Some(seq(v, scale_point)?),
        }
    }
    let sc = Scale {
        min: s.need(min, 0)?,
        max: s.need(max, 1)?,
        step: step.unwrap_or(1.0),
        points: s.need(points, 3)?,
    };
    s.end(sc)
}

fn scale_point(v: &Value) -> R<ScalePoint> {
    let s = Fields::of(v, "ScalePoint", keys::POINT_KEYS)?;
    let (mut value, mut label, mut score) = (None, None, None);
    for (i, v) in s.present() {
        match i {
            0 => value = Some(float(v)?),
            1 => label = Some(text(v)?),
            _ => score = opt(v, float)?,
        }
    }
    let p = ScalePoint {
        value: s.need(value, 0)?,
        label: s.need(label, 1)?,
        score,
    };
    s.end(p)
}

fn review_sheet(v: &Value) -> R<ReviewSheet> {
    let s = Fields::of(v, "ReviewSheet", keys::REVIEW_KEYS)?;
    let (mut sc, mut indicators) = (None, None);
    let mut sheet = ReviewSheet {
        scale: Scale::nps(),
        indicators: Vec::new(),
        categories: Vec::new(),
        comment_at_or_below: None,
        groups: Vec::new(),
        unable: false,
    };
    for (i, v) in s.present() {
        match i {
            0 => sc = Some(scale(v)?),
            1 => indicators = Some(seq(v, string)?),
            2 => sheet.categories = seq(v, string)?,
            3 => sheet.comment_at_or_below = opt(v, float)?,
            4 => sheet.groups = seq(v, rater_group)?,
            _ => sheet.unable = boolean(v)?,
        }
    }
    sheet.scale = s.need(sc, 0)?;
    sheet.indicators = s.need(indicators, 1)?;
    s.end(sheet)
}

fn rater_group(v: &Value) -> R<RaterGroup> {
    let s = Fields::of(v, "RaterGroup", keys::GROUP_KEYS)?;
    let (mut id, mut name, mut weight) = (None, None, None);
    for (i, v) in s.present() {
        match i {
            0 => id = Some(string(v)?),
            1 => name = Some(text(v)?),
            _ => weight = Some(float(v)?),
        }
    }
    let g = RaterGroup {
        id: s.need(id, 0)?,
        name: s.need(name, 1)?,
        weight: s.need(weight, 2)?,
    };
    s.end(g)
}

#[cfg(test)]
mod tests;
