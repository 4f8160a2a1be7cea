//! One instrument of two versions of a plan, compared: sections, questions, options, scales,
//! rules and texts. Each change says whether records made under the old version stay valid:
//! only texts, added optional questions and added options (and order) keep them valid.

use super::Diff;
use crate::plan::{Choice, Constraint, Instrument, Question, QuestionKind, Scale};
use crate::text::Text;
use std::collections::BTreeMap;

/// Where a question sits: (section index, question index, section id).
type Place<'a> = (usize, usize, &'a str);

fn places(ins: &Instrument) -> BTreeMap<&str, (Place<'_>, &Question)> {
    let mut out = BTreeMap::new();
    for (si, s) in ins.sections.iter().enumerate() {
        for (qi, q) in s.questions.iter().enumerate() {
            out.entry(q.id.as_str())
                .or_insert(((si, qi, s.id.as_str()), q));
        }
    }
    out
}

/// The questions of `m` in the instrument's order.
fn in_order<'m, 'a>(
    m: &'m BTreeMap<&'a str, (Place<'a>, &'a Question)>,
) -> Vec<(&'m &'a str, &'m (Place<'a>, &'a Question))> {
    let mut v: Vec<_> = m.iter().collect();
    v.sort_by_key(|(_, ((si, qi, _), _))| (*si, *qi));
    v
}

/// The ids of `m` that `other` also has, in `m`'s order.
fn kept_order(
    m: &BTreeMap<&str, (Place<'_>, &Question)>,
    other: &BTreeMap<&str, (Place<'_>, &Question)>,
) -> Vec<String> {
    let mut v: Vec<(Place<'_>, &str)> = m
        .iter()
        .filter(|(k, _)| other.contains_key(*k))
        .map(|(k, (pl, _))| (*pl, *k))
        .collect();
    v.sort();
    v.into_iter().map(|(_, k)| k.to_owned()).collect()
}

impl Diff {
    /// Compare instrument `old` with `new` (same id), at `p` (its pointer in the new plan).
    pub(super) fn instrument(&mut self, old: &Instrument, new: &Instrument, p: &str) {
        let id = new.id.as_str();
        if old.kind != new.kind {
            return self.change(
                id,
                "instrument_retyped",
                &format!("{p}/kind"),
                false,
                &format!("问卷 {id} 的类型改变"),
                &format!("instrument {id}: its kind changed"),
            );
        }
        self.text(
            id,
            &old.title,
            &new.title,
            &format!("{p}/title"),
            "标题",
            "title",
        );
        self.opt_text(
            id,
            &old.intro,
            &new.intro,
            &format!("{p}/intro"),
            "说明",
            "intro",
        );
        if old.min_seconds != new.min_seconds {
            self.change(
                id,
                "settings_changed",
                &format!("{p}/min_seconds"),
                false,
                &format!("问卷 {id} 的最短用时改变"),
                &format!("instrument {id}: min_seconds changed"),
            );
        }
        self.sections(old, new, p);
        let (was, now) = (places(old), places(new));
        for (qid, ((si, qi, sid), q)) in in_order(&now) {
            let qp = format!("{p}/sections/{si}/questions/{qi}");
            match was.get(qid) {
                None => {
                    let (zh, en) = if q.required {
                        ("（必答）", " (required)")
                    } else {
                        ("（选答）", " (optional)")
                    };
                    self.change(
                        id,
                        "question_added",
                        &qp,
                        !q.required,
                        &format!("问卷 {id} 新增题目 {qid}{zh}"),
                        &format!("instrument {id}: question {qid} added{en}"),
                    );
                }
                Some(((osi, _, osid), oq)) => {
                    if osid != sid {
                        let same = old.sections[*osi].relevant == new.sections[*si].relevant;
                        self.change(
                            id,
                            "question_moved",
                            &qp,
                            same,
                            &format!("问卷 {id} 题目 {qid} 从分节 {osid} 移到 {sid}"),
                            &format!("instrument {id}: question {qid} moved from section {osid} to {sid}"),
                        );
                    }
                    self.question(id, oq, q, &qp);
                }
            }
        }
        for (qid, ((si, qi, _), _)) in in_order(&was) {
            if !now.contains_key(qid) {
                self.change(
                    id,
                    "question_removed",
                    &format!("{p}/sections/{si}/questions/{qi}"),
                    false,
                    &format!("问卷 {id} 删除题目 {qid}"),
                    &format!("instrument {id}: question {qid} removed"),
                );
            }
        }
        if kept_order(&was, &now) != kept_order(&now, &was) {
            self.change(
                id,
                "order_changed",
                &format!("{p}/sections"),
                true,
                &format!("问卷 {id} 的题目顺序改变"),
                &format!("instrument {id}: the order of its questions changed"),
            );
        }
        match (&old.review, &new.review) {
            (None, None) => {}
            (Some(_), Some(_)) => {} // compared as laid out, with the units (`sheet.rs`)
            _ => self.change(
                id,
                "sheet_changed",
                &format!("{p}/review"),
                false,
                &format!("问卷 {id} 的评审表增删"),
                &format!("instrument {id}: its review sheet was added or removed"),
            ),
        }
    }

    fn sections(&mut self, old: &Instrument, new: &Instrument, p: &str) {
        let id = new.id.as_str();
        for (si, s) in new.sections.iter().enumerate() {
            let sp = format!("{p}/sections/{si}");
            let Some(o) = old.sections.iter().find(|o| o.id == s.id) else {
                self.change(
                    id,
                    "section_added",
                    &sp,
                    true,
                    &format!("问卷 {id} 新增分节 {}", s.id),
                    &format!("instrument {id}: section {} added", s.id),
                );
                continue;
            };
            self.text(
                id,
                &o.title,
                &s.title,
                &format!("{sp}/title"),
                "分节标题",
                "section title",
            );
            self.opt_text(
                id,
                &o.description,
                &s.description,
                &format!("{sp}/description"),
                "分节说明",
                "section description",
            );
            if o.relevant != s.relevant {
                self.change(
                    id,
                    "relevance_changed",
                    &format!("{sp}/relevant"),
                    false,
                    &format!("问卷 {id} 分节 {} 的显示条件改变", s.id),
                    &format!("instrument {id}: the relevance of section {} changed", s.id),
                );
            }
        }
        for (si, o) in old.sections.iter().enumerate() {
            if !new.sections.iter().any(|s| s.id == o.id) {
                // Its questions are reported one by one (removed, or moved).
                self.change(
                    id,
                    "section_removed",
                    &format!("{p}/sections/{si}"),
                    true,
                    &format!("问卷 {id} 删除分节 {}", o.id),
                    &format!("instrument {id}: section {} removed", o.id),
                );
            }
        }
    }

    fn question(&mut self, ins: &str, old: &Question, new: &Question, p: &str) {
        let q = new.id.as_str();
        if old.kind.name() != new.kind.name() {
            return self.change(
                ins,
                "question_retyped",
                &format!("{p}/type"),
                false,
                &format!(
                    "问卷 {ins} 题目 {q} 题型由 {} 改为 {}",
                    old.kind.name(),
                    new.kind.name()
                ),
                &format!(
                    "instrument {ins}: question {q} changed from {} to {}",
                    old.kind.name(),
                    new.kind.name()
                ),
            );
        }
        let what =
            |zh: &str, en: &str| (format!("题目 {q} 的{zh}"), format!("question {q}'s {en}"));
        let (zh, en) = what("题干", "label");
        self.text(ins, &old.label, &new.label, &format!("{p}/label"), &zh, &en);
        let (zh, en) = what("提示", "help");
        self.opt_text(ins, &old.help, &new.help, &format!("{p}/help"), &zh, &en);
        let rule = |this: &mut Self, key: &str, code: &'static str, zh: &str, en: &str| {
            this.change(
                ins,
                code,
                &format!("{p}/{key}"),
                false,
                &format!("问卷 {ins} 题目 {q} 的{zh}改变"),
                &format!("instrument {ins}: question {q}'s {en} changed"),
            )
        };
        if old.required != new.required {
            rule(self, "required", "required_changed", "必答设置", "required");
        }
        if old.relevant != new.relevant {
            rule(
                self,
                "relevant",
                "relevance_changed",
                "显示条件",
                "relevance",
            );
        }
        let exprs = |c: &[Constraint]| c.iter().map(|c| c.expr.clone()).collect::<Vec<_>>();
        if exprs(&old.constraints) != exprs(&new.constraints) {
            rule(
                self,
                "constraints",
                "constraint_changed",
                "约束",
                "constraints",
            );
        } else if old.constraints != new.constraints {
            let (zh, en) = what("约束提示", "constraint messages");
            self.changed_text(ins, &format!("{p}/constraints"), &zh, &en);
        }
        if old.unable != new.unable {
            rule(
                self,
                "unable",
                "unable_changed",
                "“无法评价”设置",
                "\"unable to judge\"",
            );
        }
        match (&old.reason, &new.reason) {
            (Some(a), Some(b))
                if a.at_or_below == b.at_or_below && a.min_length == b.min_length =>
            {
                let (zh, en) = what("理由提示", "reason label");
                self.text(
                    ins,
                    &a.label,
                    &b.label,
                    &format!("{p}/reason/label"),
                    &zh,
                    &en,
                );
            }
            (None, None) => {}
            _ => rule(self, "reason", "reason_changed", "理由要求", "reason rule"),
        }
        self.kind(ins, q, &old.kind, &new.kind, new.required, p);
    }

    fn kind(
        &mut self,
        ins: &str,
        q: &str,
        old: &QuestionKind,
        new: &QuestionKind,
        required: bool,
        p: &str,
    ) {
        use QuestionKind as K;
        let settings = |this: &mut Self| {
            this.change(
                ins,
                "settings_changed",
                p,
                false,
                &format!("问卷 {ins} 题目 {q} 的作答限制改变"),
                &format!("instrument {ins}: question {q}'s answer limits changed"),
            )
        };
        match (old, new) {
            (K::Single { options: a }, K::Single { options: b })
            | (K::Ranking { options: a }, K::Ranking { options: b }) => {
                self.choices(ins, q, a, b, &format!("{p}/options"), false)
            }
            (
                K::Multiple {
                    options: a,
                    min_select: x1,
                    max_select: y1,
                },
                K::Multiple {
                    options: b,
                    min_select: x2,
                    max_select: y2,
                },
            ) => {
                if (x1, y1) != (x2, y2) {
                    settings(self);
                }
                self.choices(ins, q, a, b, &format!("{p}/options"), false)
            }
            (K::Rating { scale: a }, K::Rating { scale: b }) => self.scale(
                ins,
                &format!("题目 {q}"),
                &format!("question {q}"),
                a,
                b,
                &format!("{p}/scale"),
            ),
            (
                K::Matrix {
                    rows: a,
                    scale: s1,
                    each_row_required: e1,
                },
                K::Matrix {
                    rows: b,
                    scale: s2,
                    each_row_required: e2,
                },
            ) => {
                if e1 != e2 {
                    settings(self);
                }
                self.choices(ins, q, a, b, &format!("{p}/rows"), required && *e2);
                self.scale(
                    ins,
                    &format!("题目 {q}"),
                    &format!("question {q}"),
                    s1,
                    s2,
                    &format!("{p}/scale"),
                );
            }
            (
                K::Text {
                    min_length: a1,
                    max_length: b1,
                    pattern: c1,
                    pattern_message: m1,
                    ..
                },
                K::Text {
                    min_length: a2,
                    max_length: b2,
                    pattern: c2,
                    pattern_message: m2,
                    ..
                },
            ) => {
                if (a1, b1, c1) != (a2, b2, c2) {
                    settings(self);
                }
                let (zh, en) = (
                    format!("题目 {q} 的格式提示"),
                    format!("question {q}'s pattern message"),
                );
                self.opt_text(ins, m1, m2, &format!("{p}/pattern_message"), &zh, &en);
            }
            _ if old != new => settings(self),
            _ => {}
        }
    }

    /// Options (or matrix rows, `added_required`: a row added to a required matrix whose every
    /// row is required) by value: added, removed, revalued (a removed value's label under a
    /// new value), relabelled, reordered.
    fn choices(
        &mut self,
        ins: &str,
        q: &str,
        old: &[Choice],
        new: &[Choice],
        p: &str,
        added_required: bool,
    ) {
        let mut added: Vec<(usize, &Choice)> = new
            .iter()
            .enumerate()
            .filter(|(_, c)| !old.iter().any(|o| o.value == c.value))
            .collect();
        for (i, o) in old.iter().enumerate() {
            match new.iter().position(|c| c.value == o.value) {
                Some(j) => {
                    let (zh, en) = (
                        format!("题目 {q} 选项 {} 的文字", o.value),
                        format!("question {q}'s option {} label", o.value),
                    );
                    self.text(
                        ins,
                        &o.label,
                        &new[j].label,
                        &format!("{p}/{j}/label"),
                        &zh,
                        &en,
                    );
                }
                None => match added.iter().position(|(_, c)| c.label == o.label) {
                    Some(k) => {
                        let (j, c) = added.remove(k);
                        self.change(
                            ins,
                            "option_revalued",
                            &format!("{p}/{j}/value"),
                            false,
                            &format!("问卷 {ins} 题目 {q} 选项取值 {} 改为 {}", o.value, c.value),
                            &format!(
                                "instrument {ins}: question {q}'s option value {} became {}",
                                o.value, c.value
                            ),
                        );
                    }
                    None => self.change(
                        ins,
                        "option_removed",
                        &format!("{p}/{i}"),
                        false,
                        &format!("问卷 {ins} 题目 {q} 删除选项 {}", o.value),
                        &format!(
                            "instrument {ins}: question {q}'s option {} removed",
                            o.value
                        ),
                    ),
                },
            }
        }
        for (j, c) in added {
            self.change(
                ins,
                "option_added",
                &format!("{p}/{j}"),
                !added_required,
                &format!("问卷 {ins} 题目 {q} 新增选项 {}", c.value),
                &format!("instrument {ins}: question {q}'s option {} added", c.value),
            );
        }
        let kept = |a: &[Choice], b: &[Choice]| {
            a.iter()
                .filter(|c| b.iter().any(|o| o.value == c.value))
                .map(|c| c.value.clone())
                .collect::<Vec<_>>()
        };
        if kept(old, new) != kept(new, old) {
            self.change(
                ins,
                "order_changed",
                p,
                true,
                &format!("问卷 {ins} 题目 {q} 的选项顺序改变"),
                &format!("instrument {ins}: the order of question {q}'s options changed"),
            );
        }
    }

    /// A scale: its range and step, each point's score (changes), each point's label (text).
    pub(super) fn scale(
        &mut self,
        ins: &str,
        zh_of: &str,
        en_of: &str,
        old: &Scale,
        new: &Scale,
        p: &str,
    ) {
        if (old.min, old.max, old.step) != (new.min, new.max, new.step) {
            return self.change(
                ins,
                "scale_changed",
                p,
                false,
                &format!("问卷 {ins} {zh_of}的量表范围或步长改变"),
                &format!("instrument {ins}: {en_of}'s scale range or step changed"),
            );
        }
        let key = |v: f64| v.to_bits();
        let scores = |s: &Scale| {
            s.points
                .iter()
                .filter_map(|pt| pt.score.map(|x| (key(pt.value), key(x))))
                .collect::<Vec<_>>()
        };
        if scores(old) != scores(new) {
            self.change(
                ins,
                "scale_changed",
                &format!("{p}/points"),
                false,
                &format!("问卷 {ins} {zh_of}的刻度计分改变"),
                &format!("instrument {ins}: {en_of}'s point scores changed"),
            );
        }
        let labels = |s: &Scale| {
            s.points
                .iter()
                .map(|pt| (key(pt.value), pt.label.clone()))
                .collect::<Vec<_>>()
        };
        if labels(old) != labels(new) {
            self.changed_text(
                ins,
                &format!("{p}/points"),
                &format!("{zh_of}的刻度文字"),
                &format!("{en_of}'s point labels"),
            );
        }
    }

    fn text(&mut self, ins: &str, old: &Text, new: &Text, p: &str, zh: &str, en: &str) {
        if old != new {
            self.changed_text(ins, p, zh, en);
        }
    }

    fn opt_text(
        &mut self,
        ins: &str,
        old: &Option<Text>,
        new: &Option<Text>,
        p: &str,
        zh: &str,
        en: &str,
    ) {
        if old != new {
            self.changed_text(ins, p, zh, en);
        }
    }

    fn changed_text(&mut self, ins: &str, p: &str, zh: &str, en: &str) {
        self.change(
            ins,
            "text_changed",
            p,
            true,
            &format!("问卷 {ins} {zh}修改（仅文字）"),
            &format!("instrument {ins}: {en} edited (text only)"),
        );
    }
}
