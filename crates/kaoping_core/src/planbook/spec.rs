//! The workbook's sheets and columns, in English and zh-CN: which plan key each column holds.
//! Both names are accepted when reading; the workbook is written in one of them.

use super::value::Kind;

/// A sheet of the workbook (an instrument's own sheets are named in the `instruments` sheet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum SheetKind {
    Settings,
    Categories,
    Units,
    Indicators,
    Instruments,
    Choices,
    Scales,
    Groups,
    Scoring,
    Tracking,
}

/// Each sheet's English and zh-CN names (the first of each is written; more are accepted).
pub(super) const SHEETS: &[(SheetKind, &[&str], &[&str])] = &[
    (SheetKind::Settings, &["settings"], &["设置", "方案"]),
    (
        SheetKind::Categories,
        &["categories"],
        &["类别", "单位类别"],
    ),
    (SheetKind::Units, &["units"], &["单位", "责任单位"]),
    (SheetKind::Indicators, &["indicators"], &["指标"]),
    (
        SheetKind::Instruments,
        &["instruments", "forms"],
        &["表单", "问卷"],
    ),
    (SheetKind::Choices, &["choices"], &["选项"]),
    (SheetKind::Scales, &["scales"], &["量表"]),
    (SheetKind::Groups, &["rater_groups", "groups"], &["评审组"]),
    (SheetKind::Scoring, &["scoring"], &["计分"]),
    (SheetKind::Tracking, &["tracking"], &["跟踪"]),
];

/// The language a workbook is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BookLang {
    /// Sheet and column names in Chinese (the default).
    #[default]
    Zh,
    En,
}

impl BookLang {
    /// `en` (any case) is English; anything else is zh-CN.
    pub fn parse(s: &str) -> BookLang {
        if s.eq_ignore_ascii_case("en") {
            BookLang::En
        } else {
            BookLang::Zh
        }
    }
}

pub(super) fn sheet_title(kind: SheetKind, lang: BookLang) -> &'static str {
    let (_, en, zh) = SHEETS
        .iter()
        .find(|s| s.0 == kind)
        .copied()
        .unwrap_or(SHEETS[0]);
    match lang {
        BookLang::En => en[0],
        BookLang::Zh => zh[0],
    }
}

/// The kind of a sheet by its name, in either language (English ignoring case).
pub(super) fn sheet_kind(name: &str) -> Option<SheetKind> {
    let n = name.trim();
    SHEETS
        .iter()
        .find(|(_, en, zh)| en.iter().any(|e| e.eq_ignore_ascii_case(n)) || zh.contains(&n))
        .map(|s| s.0)
}

/// A column: its English and zh-CN header, the plan key it holds within the row's object
/// (`.`-separated; `{}` is the header's suffix after `::`, a language or a category id) and
/// what it holds.
#[derive(Debug, Clone, Copy)]
pub(super) struct Field {
    pub en: &'static str,
    pub zh: &'static str,
    pub path: &'static str,
    pub kind: Kind,
}

const fn f(en: &'static str, zh: &'static str, path: &'static str, kind: Kind) -> Field {
    Field { en, zh, path, kind }
}

use Kind::{Any, Bool, List, Num, Str};

/// The row's JSON cell: the keys of its object that no column holds.
pub(super) const JSON: Field = f("json", "其他JSON", "", Any);
/// Other names accepted for the JSON column.
pub(super) const JSON_ALIASES: &[&str] = &["JSON", "其他", "其他(JSON)", "其他（JSON）"];

pub(super) const SETTINGS: &[Field] = &[
    f("id", "编号", "id", Str),
    f("version", "版本", "version", Str),
    f("year", "年度", "year", Num),
    f("languages", "语言", "languages", List),
    f("title", "标题", "title.{}", Str),
    f("description", "说明", "description.{}", Str),
];

pub(super) const CATEGORIES: &[Field] = &[
    f("id", "编号", "id", Str),
    f("name", "名称", "name.{}", Str),
    f("indicators", "指标权重", "components.indicators", Num),
    f("expert", "专家评审权重", "components.expert", Num),
    f("public", "公众满意度权重", "components.public", Num),
    f("leadership", "领导评价权重", "components.leadership", Num),
];

pub(super) const UNITS: &[Field] = &[
    f("id", "编号", "id", Str),
    f("name", "名称", "name.{}", Str),
    f("category", "类别", "category", Str),
];

pub(super) const INDICATORS: &[Field] = &[
    f("id", "编号", "id", Str),
    f("name", "名称", "name.{}", Str),
    f("orientation", "导向", "orientation", Str),
    f("kind", "类型", "kind", Str),
    f("weight", "权重", "weights.{}", Num),
    f("veto", "一票否决", "veto", Bool),
    f("measure", "计量单位", "measure.{}", Str),
    f("direction", "方向", "direction", Str),
    f("from_period", "起始期", "from_period", Str),
];

/// The `instruments` sheet; `sheet` and `review_scale` are read by the builder itself.
pub(super) const INSTRUMENTS: &[Field] = &[
    f("id", "编号", "id", Str),
    f("kind", "类型", "kind", Str),
    f("sheet", "工作表", "", Str),
    f("title", "标题", "title.{}", Str),
    f("intro", "引言", "intro.{}", Str),
    f("min_seconds", "最短用时秒", "min_seconds", Num),
    f("review_scale", "评审量表", "", Str),
    f("review_indicators", "评审指标", "review.indicators", List),
    f("review_categories", "评审类别", "review.categories", List),
    f(
        "review_comment_at_or_below",
        "须评语分数线",
        "review.comment_at_or_below",
        Num,
    ),
    f("review_unable", "评审可无法评价", "review.unable", Bool),
];

/// An instrument's own sheet, one row per question, in the manner of XLSForm's `survey`
/// sheet; `begin_group`/`end_group` rows are its sections (`name`, `label`, `hint` and
/// `relevant` of a `begin_group` row are the section's id, title, description and relevance).
/// `choices`, `rows` and `scale` name lists of the `choices` and `scales` sheets.
pub(super) const QUESTIONS: &[Field] = &[
    f("type", "题型", "type", Str),
    f("name", "编号", "id", Str),
    f("label", "标签", "label.{}", Str),
    f("hint", "提示", "help.{}", Str),
    f("required", "必答", "required", Bool),
    f("relevant", "显示条件", "relevant", Str),
    f("constraint", "约束", "constraints.0.expr", Str),
    f(
        "constraint_message",
        "约束提示",
        "constraints.0.message.{}",
        Str,
    ),
    f("unable", "可无法评价", "unable", Bool),
    f("reason", "说明理由分数线", "reason.at_or_below", Num),
    f("reason_label", "理由标签", "reason.label.{}", Str),
    f(
        "reason_min_length",
        "理由最短字数",
        "reason.min_length",
        Num,
    ),
    f("choices", "选项列表", "", Str),
    f("rows", "矩阵行列表", "", Str),
    f("scale", "量表", "", Str),
    f("min", "最小值", "min", Num),
    f("max", "最大值", "max", Num),
    f("step", "步长", "step", Num),
    f("decimals", "小数位", "decimals", Num),
    f("min_select", "最少选", "min_select", Num),
    f("max_select", "最多选", "max_select", Num),
    f("min_length", "最短字数", "min_length", Num),
    f("max_length", "最长字数", "max_length", Num),
    f("long", "长文本", "long", Bool),
    f("pattern", "格式", "pattern", Str),
    f("pattern_message", "格式提示", "pattern_message.{}", Str),
    f("each_row_required", "每行必答", "each_row_required", Bool),
];

/// The columns a `begin_group` row uses (the rest must be empty).
pub(super) const SECTION: &[Field] = &[
    f("type", "题型", "", Str),
    f("name", "编号", "id", Str),
    f("label", "标签", "title.{}", Str),
    f("hint", "提示", "description.{}", Str),
    f("relevant", "显示条件", "relevant", Str),
];

pub(super) const BEGIN_GROUP: &[&str] = &["begin_group", "begin group", "开始分组", "分组开始"];
pub(super) const END_GROUP: &[&str] = &["end_group", "end group", "结束分组", "分组结束"];

pub(super) const CHOICES: &[Field] = &[
    f("list_name", "列表名", "", Str),
    f("name", "值", "value", Str),
    f("label", "标签", "label.{}", Str),
];

/// One row per labelled point; a list's `min`, `max` and `step` are on its first row (a row
/// without `value` is a scale with no labelled point).
pub(super) const SCALES: &[Field] = &[
    f("list_name", "列表名", "", Str),
    f("min", "最小值", "", Num),
    f("max", "最大值", "", Num),
    f("step", "步长", "", Num),
    f("value", "分值", "value", Num),
    f("label", "标签", "label.{}", Str),
    f("score", "得分", "score", Num),
];

pub(super) const GROUPS: &[Field] = &[
    f("instrument", "表单", "", Str),
    f("id", "编号", "id", Str),
    f("name", "名称", "name.{}", Str),
    f("weight", "权重", "weight", Num),
];

/// `scoring` and `tracking`: one row per key of the section; the value is a number or a text
/// as itself, anything else (a list, an object) as JSON text.
pub(super) const KEYS: &[Field] = &[f("key", "键", "", Str), f("value", "值", "", Any)];

/// The header of a column with a suffix (`label::zh-CN`), or without.
pub(super) fn header(field: &Field, suffix: Option<&str>, lang: BookLang) -> String {
    let base = match lang {
        BookLang::En => field.en,
        BookLang::Zh => field.zh,
    };
    match suffix {
        Some(s) => format!("{base}::{s}"),
        None => base.to_owned(),
    }
}

/// The field a header names among `fields` (or the JSON column), and its suffix.
pub(super) fn field_of<'a>(
    header: &str,
    fields: &'a [Field],
) -> Option<(&'a Field, Option<String>)> {
    let h = header.trim();
    if h.eq_ignore_ascii_case(JSON.en) || h == JSON.zh || JSON_ALIASES.contains(&h) {
        return Some((&JSON, None));
    }
    let (base, suffix) = match h.split_once("::") {
        Some((b, s)) => (b.trim(), Some(s.trim().to_owned())),
        None => (h, None),
    };
    let field = fields.iter().find(|f| {
        (f.en.eq_ignore_ascii_case(base) || f.zh == base)
            && f.path.contains("{}") == suffix.is_some()
    })?;
    Some((field, suffix))
}

/// The path a field holds with its suffix.
pub(super) fn path_of(field: &Field, suffix: Option<&str>) -> Vec<String> {
    field
        .path
        .split('.')
        .map(|s| {
            if s == "{}" {
                suffix.unwrap_or("").to_owned()
            } else {
                s.to_owned()
            }
        })
        .collect()
}
