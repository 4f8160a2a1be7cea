//! Pass 3, meaning, for one instrument: unique question ids, texts in every language,
//! question kinds, scales, expressions and their references, relevance cycles, the review sheet.

use super::{num, ptr, Validator};
use crate::expr;
use crate::plan::{Instrument, InstrumentKind, Plan, Question, QuestionKind, Scale};
use crate::text::Text;
use std::collections::{BTreeMap, BTreeSet};

impl Validator {
    pub(super) fn instrument(&mut self, plan: &Plan, ins: &Instrument, p: &str) {
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

    pub(super) fn scale(&mut self, scale: &Scale, p: &str, langs: &[String]) {
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
}
