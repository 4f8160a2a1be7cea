//! XLSForm workbooks (`survey`, `choices`, `settings` sheets; <https://xlsform.org>).

use super::expr::{translate, Dialect, RefKind};
use super::{
    constrain, expr_skip, guess_lang, kaoping_id, lang_code, ref_kind, scale_of, skip, ImportError,
    Imported, Skipped,
};
use crate::plan::{Choice, Instrument, InstrumentKind, Question, QuestionKind, Section};
use crate::text::Text;
use std::collections::BTreeMap;

mod sheet;
use sheet::Sheet;

/// A question read from the survey sheet, its expressions still in XLSForm's language.
struct Draft {
    row: usize,
    section: usize,
    question: Question,
    relevant: Option<String>,
    constraint: Option<String>,
    constraint_message: Option<Text>,
}

/// An open `begin_group`.
struct Group {
    name: String,
    title: Option<Text>,
    relevant: Option<String>,
    part: u32,
}

struct Reader<'a> {
    survey: &'a Sheet,
    lang: String,
    lists: BTreeMap<String, Vec<Choice>>,
    title: Text,
    sections: Vec<(Section, Vec<String>)>,
    current: Option<usize>,
    groups: Vec<Group>,
    /// Which part of the top level (outside groups) comes next: `main`, `main-2`, …
    top_part: u32,
    note: Option<Text>,
    drafts: Vec<Draft>,
    skipped: Vec<Skipped>,
}

const SURVEY_COLUMNS: &[&str] = &[
    "type",
    "name",
    "label",
    "hint",
    "required",
    "relevant",
    "constraint",
    "constraint_message",
    "parameters",
    "appearance",
];

/// Reads an XLSForm workbook. See `docs/import.md` for what maps and what is skipped.
pub fn import_xlsform(bytes: &[u8]) -> Result<Imported, ImportError> {
    let names = crate::xlsx::sheet_names(bytes).map_err(ImportError::Workbook)?;
    let find = |n: &str| names.iter().find(|s| s.trim().eq_ignore_ascii_case(n));
    let survey_name = find("survey").ok_or_else(|| ImportError::NoSheet("survey".into()))?;
    let survey = Sheet::read(bytes, survey_name)?;
    for col in ["type", "name"] {
        if !survey.cols.iter().any(|(b, l)| b == col && l.is_none()) {
            return Err(ImportError::NoColumn {
                sheet: survey.name.clone(),
                column: col.into(),
            });
        }
    }
    let mut skipped = Vec::new();
    for n in &names {
        if !["survey", "choices", "settings"].contains(&n.trim().to_lowercase().as_str()) {
            skipped.push(skip(
                format!("sheet {n}"),
                n.clone(),
                "kaoping 只读取 survey、choices、settings 三张表",
                "kaoping reads only the survey, choices and settings sheets",
            ));
        }
    }
    let settings = find("settings")
        .map(|n| Sheet::read(bytes, n))
        .transpose()?;
    let choices = find("choices").map(|n| Sheet::read(bytes, n)).transpose()?;
    let lang = language(&survey, choices.as_ref(), settings.as_ref());
    let (id, title) = settings_row(settings.as_ref(), &lang, &mut skipped);
    let lists = choices
        .as_ref()
        .map(|c| read_lists(c, &lang, &mut skipped))
        .unwrap_or_default();
    let mut r = Reader {
        survey: &survey,
        lang,
        lists,
        title: title.clone(),
        sections: Vec::new(),
        current: None,
        groups: Vec::new(),
        top_part: 1,
        note: None,
        drafts: Vec::new(),
        skipped,
    };
    r.rows();
    r.finish(id, title)
}

/// The language of unlabelled columns: the settings' `default_language`, else a guess from
/// the texts of the plain `label` columns (see [`guess_lang`]).
fn language(survey: &Sheet, choices: Option<&Sheet>, settings: Option<&Sheet>) -> String {
    if let Some(s) = settings {
        if let Some((_, row)) = s.rows.first() {
            let l = s.cell(row, "default_language");
            if !l.is_empty() {
                return lang_code(l);
            }
        }
    }
    let mut texts = Vec::new();
    for sheet in std::iter::once(survey).chain(choices) {
        for (_, row) in &sheet.rows {
            texts.push(sheet.cell(row, "label"));
        }
    }
    guess_lang(texts)
}

fn settings_row(s: Option<&Sheet>, lang: &str, skipped: &mut Vec<Skipped>) -> (String, Text) {
    let Some(s) = s else {
        return ("imported".into(), Text::new("导入的问卷", "Imported form"));
    };
    let Some((n, row)) = s.rows.first() else {
        return ("imported".into(), Text::new("导入的问卷", "Imported form"));
    };
    s.unmapped(
        *n,
        row,
        &["form_title", "form_id", "default_language"],
        skipped,
    );
    let id = match s.cell(row, "form_id") {
        "" => "imported".to_owned(),
        id => kaoping_id(id),
    };
    let title = s
        .text(row, "form_title", lang)
        .unwrap_or_else(|| Text::new(&id, &id));
    (id, title)
}

fn read_lists(c: &Sheet, lang: &str, skipped: &mut Vec<Skipped>) -> BTreeMap<String, Vec<Choice>> {
    let mut lists: BTreeMap<String, Vec<Choice>> = BTreeMap::new();
    let list_col = if c.cols.iter().any(|(b, _)| b == "list_name") {
        "list_name"
    } else {
        "list name"
    };
    for (n, row) in &c.rows {
        c.unmapped(*n, row, &[list_col, "name", "label"], skipped);
        let value = c.cell(row, "name").to_owned();
        let label = c
            .text(row, "label", lang)
            .unwrap_or_else(|| Text::new(&value, &value));
        lists
            .entry(c.cell(row, list_col).to_owned())
            .or_default()
            .push(Choice { value, label });
    }
    lists
}

impl Reader<'_> {
    fn rows(&mut self) {
        let survey = self.survey;
        let mut in_repeat: Vec<String> = Vec::new();
        for (n, row) in &survey.rows {
            let n = *n;
            let ty = survey.cell(row, "type");
            let (ty, arg) = match ty.split_once(char::is_whitespace) {
                Some((t, a)) => (t.to_lowercase(), a.trim().to_owned()),
                None => (ty.to_lowercase(), String::new()),
            };
            let name = survey.cell(row, "name").to_owned();
            let item = format!("{} row {n}", survey.name);
            let what = format!("{ty} {name}").trim().to_owned();
            let ty = match (ty.as_str(), arg.as_str()) {
                ("begin", "group") => "begin_group".to_owned(),
                ("end", "group") => "end_group".to_owned(),
                ("begin", "repeat") => "begin_repeat".to_owned(),
                ("end", "repeat") => "end_repeat".to_owned(),
                _ => ty,
            };
            // pyxform's aliases `select one [from] L`, `select all that apply [from] L`, …
            let (ty, arg) = match (ty.as_str(), old_select(&arg)) {
                ("select", Some((t, list))) => (t.to_owned(), list.to_owned()),
                _ => (ty, arg),
            };
            if let Some(repeat) = in_repeat.first().cloned() {
                match ty.as_str() {
                    "begin_repeat" => in_repeat.push(name),
                    "end_repeat" => drop(in_repeat.pop()),
                    _ => {}
                }
                self.skipped.push(skip(
                    item,
                    what,
                    &format!("位于重复组“{repeat}”中；kaoping 的问卷没有重复组"),
                    &format!("inside repeat \"{repeat}\"; kaoping forms have no repeats"),
                ));
                continue;
            }
            match ty.as_str() {
                "begin_repeat" => {
                    in_repeat.push(name.clone());
                    self.skipped.push(skip(
                        item,
                        what,
                        "kaoping 的问卷没有重复组（同一组题多次作答）",
                        "kaoping forms have no repeats (a group answered several times)",
                    ));
                }
                "begin_group" => self.begin_group(n, row, name),
                "end_group" => self.end_group(),
                "note" => self.note(n, row, item, what),
                _ => self.question(n, row, &ty, &arg, name, item, what),
            }
        }
    }

    fn begin_group(&mut self, n: usize, row: &[String], name: String) {
        let s = self.survey;
        s.unmapped(
            n,
            row,
            &["type", "name", "label", "relevant", "appearance"],
            &mut self.skipped,
        );
        self.appearance(n, row, &[]);
        let relevant = Some(s.cell(row, "relevant").to_owned()).filter(|r| !r.is_empty());
        self.groups.push(Group {
            name,
            title: s.text(row, "label", &self.lang),
            relevant,
            part: 1,
        });
        self.current = None;
    }

    fn end_group(&mut self) {
        self.groups.pop();
        match self.groups.last_mut() {
            Some(g) => g.part += 1,
            None => self.top_part += 1,
        }
        self.current = None;
    }

    /// A note that opens a section becomes its description; any other is skipped.
    fn note(&mut self, n: usize, row: &[String], item: String, what: String) {
        let s = self.survey;
        s.unmapped(
            n,
            row,
            &["type", "name", "label", "hint", "relevant"],
            &mut self.skipped,
        );
        let Some(label) = s.text(row, "label", &self.lang) else {
            return;
        };
        let opens = match self.current {
            None => true,
            Some(k) => self.drafts.iter().all(|d| d.section != k),
        };
        if !opens {
            self.skipped.push(skip(
                item,
                what,
                "kaoping 的问卷在题目之间没有说明文字；只有一节开头的说明会成为该节的说明",
                "kaoping forms have no text between questions; only notes that open a section become its description",
            ));
            return;
        }
        let target = match self.current {
            Some(k) => self.sections[k]
                .0
                .description
                .get_or_insert_with(Text::default),
            None => self.note.get_or_insert_with(Text::default),
        };
        for (l, t) in label.0 {
            let e = target.0.entry(l).or_default();
            if !e.is_empty() {
                e.push('\n');
            }
            e.push_str(&t);
        }
    }

    /// Presentation (`appearance`) is not imported; `multiline` is read by the caller.
    fn appearance(&mut self, n: usize, row: &[String], used: &[&str]) {
        let a = self.survey.cell(row, "appearance");
        if !a.is_empty() && !used.contains(&a) {
            self.skipped.push(skip(
                format!("{} row {n}", self.survey.name),
                format!("appearance = {a}"),
                "kaoping 按题型决定显示方式，不导入 appearance",
                "kaoping shows each type its own way and does not import appearance",
            ));
        }
    }

    fn section(&mut self) -> usize {
        if let Some(k) = self.current {
            return k;
        }
        let (id, title) = match self.groups.last() {
            None if self.top_part > 1 => (format!("main-{}", self.top_part), self.title.clone()),
            None => ("main".to_owned(), self.title.clone()),
            Some(g) => {
                let id = if g.part > 1 {
                    format!("{}-{}", kaoping_id(&g.name), g.part)
                } else {
                    kaoping_id(&g.name)
                };
                let title = g
                    .title
                    .clone()
                    .unwrap_or_else(|| Text::new(&g.name, &g.name));
                (id, title)
            }
        };
        let relevant = self
            .groups
            .iter()
            .filter_map(|g| g.relevant.clone())
            .collect();
        self.sections.push((
            Section {
                id,
                title,
                description: self.note.take(),
                relevant: None,
                questions: Vec::new(),
            },
            relevant,
        ));
        self.current = Some(self.sections.len() - 1);
        self.sections.len() - 1
    }
}

const METADATA: &[&str] = &[
    "start",
    "end",
    "today",
    "deviceid",
    "phonenumber",
    "username",
    "email",
    "audit",
    "simserial",
    "subscriberid",
    "start-geopoint",
    "background-audio",
];

impl Reader<'_> {
    #[allow(clippy::too_many_arguments)]
    fn question(
        &mut self,
        n: usize,
        row: &[String],
        ty: &str,
        arg: &str,
        name: String,
        item: String,
        what: String,
    ) {
        let s = self.survey;
        let kind = match self.kind(n, row, ty, arg) {
            Ok(kind) => kind,
            Err((zh, en)) => {
                self.skipped.push(skip(item, what, &zh, &en));
                return;
            }
        };
        s.unmapped(n, row, SURVEY_COLUMNS, &mut self.skipped);
        let required = match s.cell(row, "required").to_lowercase().as_str() {
            "yes" | "true" | "true()" | "1" => true,
            "" | "no" | "false" | "false()" | "0" => false,
            other => {
                self.skipped.push(skip(
                    item.clone(),
                    format!("required = {other}"),
                    "kaoping 的必答只能是“是”或“否”，不能随条件变化；按非必答导入",
                    "kaoping's required is yes or no, not a condition; imported as not required",
                ));
                false
            }
        };
        let label = s
            .text(row, "label", &self.lang)
            .unwrap_or_else(|| Text::new(&name, &name));
        let section = self.section();
        let opt = |c: &str| Some(s.cell(row, c).to_owned()).filter(|v| !v.is_empty());
        self.drafts.push(Draft {
            row: n,
            section,
            question: Question {
                id: kaoping_id(&name),
                kind,
                label,
                help: s.text(row, "hint", &self.lang),
                required,
                relevant: None,
                constraints: Vec::new(),
                unable: false,
                reason: None,
            },
            relevant: opt("relevant"),
            constraint: opt("constraint"),
            constraint_message: s.text(row, "constraint_message", &self.lang),
        });
    }

    /// The kaoping kind of a survey row's type, or why there is none.
    fn kind(
        &mut self,
        n: usize,
        row: &[String],
        ty: &str,
        arg: &str,
    ) -> Result<QuestionKind, (String, String)> {
        let simple = |zh: &str, en: &str| Err((zh.to_owned(), en.to_owned()));
        let kind = match ty {
            "select_one" | "select_multiple" | "rank" => {
                let (list, rest) = match arg.split_once(char::is_whitespace) {
                    Some((l, r)) => (l, r.trim()),
                    None => (arg, ""),
                };
                if rest == "or_other" {
                    return simple(
                        "旧式“or_other”（其他，请注明）没有对应；请改为一个“other”选项和一道文本题",
                        "the old \"or_other\" has no equivalent; use an \"other\" choice and a text question",
                    );
                }
                let Some(options) = self.lists.get(list).cloned() else {
                    return Err((
                        format!("choices 表中没有选项列表“{list}”"),
                        format!("the choices sheet has no list \"{list}\""),
                    ));
                };
                match ty {
                    "select_one" => scale_of(&options)
                        .map(|scale| QuestionKind::Rating { scale })
                        .unwrap_or(QuestionKind::Single { options }),
                    "select_multiple" => QuestionKind::Multiple {
                        options,
                        min_select: None,
                        max_select: None,
                    },
                    _ => QuestionKind::Ranking { options },
                }
            }
            "integer" | "decimal" => QuestionKind::Number {
                min: None,
                max: None,
                step: None,
                decimals: (ty == "integer").then_some(0),
            },
            "range" => range(self.survey.cell(row, "parameters"))?,
            "text" => {
                let long = self.survey.cell(row, "appearance") == "multiline";
                QuestionKind::Text {
                    min_length: None,
                    max_length: None,
                    long,
                    pattern: None,
                    pattern_message: None,
                }
            }
            "" => return simple("没有题型", "the row has no type"),
            "calculate" | "hidden" => {
                return simple(
                    "计算字段不是题目；kaoping 的问卷不做计算",
                    "a calculation is not a question; kaoping forms do not compute values",
                )
            }
            t if METADATA.contains(&t) => {
                return simple(
                    "设备自动记录的元数据，不是题目",
                    "metadata recorded by the device, not a question",
                )
            }
            t => {
                return Err((
                    format!("kaoping 没有“{t}”题型"),
                    format!("kaoping has no \"{t}\" question type"),
                ))
            }
        };
        let used: &[&str] = if ty == "text" { &["multiline"] } else { &[] };
        self.appearance(n, row, used);
        Ok(kind)
    }

    fn finish(mut self, id: String, title: Text) -> Result<Imported, ImportError> {
        let kinds: BTreeMap<String, RefKind> = self
            .drafts
            .iter()
            .map(|d| (d.question.id.clone(), ref_kind(&d.question.kind)))
            .collect();
        let kind = |r: &str| kinds.get(r).copied().unwrap_or(RefKind::Other);
        let known = |r: &str| {
            let id = kaoping_id(r);
            kinds.contains_key(&id).then_some(id)
        };
        let tr = |src: &str| translate(src, Dialect::XlsForm, &kind, &known);
        let name = self.survey.name.clone();
        for d in std::mem::take(&mut self.drafts) {
            let item = format!("{name} row {}", d.row);
            let mut q = d.question;
            if let Some(src) = &d.relevant {
                match tr(src) {
                    Ok(e) => q.relevant = Some(e),
                    Err(why) => self
                        .skipped
                        .push(expr_skip(&item, "relevant", src, &why, true)),
                }
            }
            if let Some(src) = &d.constraint {
                if let (
                    Some(p),
                    QuestionKind::Text {
                        pattern,
                        pattern_message,
                        ..
                    },
                ) = (regex_of(src), &mut q.kind)
                {
                    *pattern = Some(p);
                    *pattern_message = d.constraint_message;
                    self.sections[d.section].0.questions.push(q);
                    continue;
                }
                match tr(src) {
                    Ok(e) => constrain(&mut q, e, d.constraint_message),
                    Err(why) => self
                        .skipped
                        .push(expr_skip(&item, "constraint", src, &why, false)),
                }
            }
            self.sections[d.section].0.questions.push(q);
        }
        let mut sections = Vec::new();
        for (mut s, rel) in std::mem::take(&mut self.sections) {
            let mut parts = Vec::new();
            for src in &rel {
                match tr(src) {
                    Ok(e) => parts.push(format!("({e})")),
                    Err(why) => {
                        let item = format!("group {}", s.id);
                        self.skipped
                            .push(expr_skip(&item, "relevant", src, &why, true));
                    }
                }
            }
            if !parts.is_empty() {
                s.relevant = Some(parts.join(" and "));
            }
            sections.push(s);
        }
        if sections.iter().all(|s| s.questions.is_empty()) {
            return Err(ImportError::NoQuestions {
                skipped: self.skipped.len(),
            });
        }
        Ok(Imported {
            instrument: Instrument {
                id,
                kind: InstrumentKind::Survey,
                title,
                intro: None,
                min_seconds: None,
                sections,
                review: None,
            },
            skipped: self.skipped,
        })
    }
}

/// The pattern of a whole constraint `regex(., 'p')`, when kaoping's pattern language reads
/// it (see [`crate::pattern`]).
fn regex_of(src: &str) -> Option<String> {
    let inner = src.trim().strip_prefix("regex(")?.strip_suffix(')')?.trim();
    let quoted = inner.strip_prefix('.')?.trim().strip_prefix(',')?.trim();
    let q = quoted.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let p = quoted.strip_prefix(q)?.strip_suffix(q)?;
    crate::pattern::Pattern::parse(p).ok()?;
    Some(p.to_owned())
}

fn old_select(arg: &str) -> Option<(&'static str, &str)> {
    [
        ("one from ", "select_one"),
        ("all that apply from ", "select_multiple"),
        ("one ", "select_one"),
        ("all that apply ", "select_multiple"),
        ("multiple ", "select_multiple"),
    ]
    .into_iter()
    .find_map(|(p, t)| arg.strip_prefix(p).map(|rest| (t, rest.trim())))
}

/// `range` with `parameters` such as `start=0 end=10 step=1` (XLSForm's defaults 1, 10, 1).
fn range(params: &str) -> Result<QuestionKind, (String, String)> {
    let (mut start, mut end, mut step) = (1.0, 10.0, 1.0);
    for p in params.split([' ', ';', ',']).filter(|p| !p.is_empty()) {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        let v: f64 = v.trim().parse().map_err(|_| {
            (
                format!("无法读取 range 的参数“{p}”"),
                format!("cannot read the range parameter \"{p}\""),
            )
        })?;
        match k.trim() {
            "start" => start = v,
            "end" => end = v,
            "step" => step = v,
            _ => {
                return Err((
                    format!("无法读取 range 的参数“{p}”"),
                    format!("cannot read the range parameter \"{p}\""),
                ))
            }
        }
    }
    Ok(QuestionKind::Number {
        min: Some(start.min(end)),
        max: Some(start.max(end)),
        step: Some(step.abs()),
        decimals: None,
    })
}

#[cfg(test)]
mod tests {
    use super::regex_of;

    #[test]
    fn a_whole_regex_constraint_is_a_pattern() {
        assert_eq!(regex_of("regex(., '[0-9]+')").as_deref(), Some("[0-9]+"));
        assert_eq!(
            regex_of(" regex(. , \"[a-z]*\") ").as_deref(),
            Some("[a-z]*")
        );
        assert_eq!(regex_of("regex(${q}, '[0-9]+')"), None);
        assert_eq!(regex_of("regex(., '[0-9]+') and . != '0'"), None);
    }
}
