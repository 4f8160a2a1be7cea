//! The result tables, one function each (ranking, components, indicators, expert and public
//! detail, lists, agreement, cadres, teams, warnings), built in the language of a [`Ctx`].

use super::{interval_cells, Ctx};
use crate::cells::{Cell, Table};
use crate::score::{ComponentSummary, QualityResult, UnitResult};

pub(super) fn build(cx: &Ctx, id: &str) -> Table {
    let (title, headers, rows) = match id {
        "ranking" => ranking(cx),
        "components" => components(cx),
        "indicators" => indicators(cx),
        "expert" => expert(cx),
        "public" => public(cx),
        "public_items" => public_items(cx),
        "lists" => lists(cx),
        "agreement" => agreement(cx),
        "cadres" => super::cadre_tables::cadres(cx),
        super::TALKS_TABLE => super::cadre_tables::talks(cx),
        "teams" => teams(cx),
        super::QUALITY_TABLE => quality(cx),
        super::COMMENTS_TABLE => comments(cx),
        super::PRIORITIES_TABLE => priorities(cx),
        _ => warnings(cx),
    };
    Table {
        id: id.to_owned(),
        title,
        headers,
        rows,
    }
}

pub(super) type Parts = (String, Vec<String>, Vec<Vec<Cell>>);

fn unit_of<'a>(cx: &Ctx<'a>, id: &str) -> Option<&'a UnitResult> {
    cx.result.units.iter().find(|u| u.unit == id)
}

fn ranking(cx: &Ctx) -> Parts {
    let headers = cx.headers(&[
        ("类别", "Category"),
        ("名次", "Rank"),
        ("单位编号", "Unit id"),
        ("单位", "Unit"),
        ("综合得分", "Composite"),
        ("等次", "Grade"),
        ("立功", "Merit"),
        ("一票否决", "Veto"),
        ("书面整改", "Rectification report"),
        ("连续不达标年数", "Non-compliant years running"),
        ("领导班子", "Leadership team"),
        ("状态", "Status"),
    ]);
    let mut rows = Vec::new();
    for cat in &cx.result.categories {
        for e in &cat.ranking {
            let u = unit_of(cx, &e.unit);
            let vetoes = u.map_or(String::new(), |u| {
                u.vetoes
                    .iter()
                    .map(|v| {
                        let name = cx.indicator_name(&v.indicator);
                        match &v.reason {
                            Some(r) if cx.en() => format!("{name} ({})", cx.text(r)),
                            Some(r) => format!("{name}（{}）", cx.text(r)),
                            None => name,
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(if cx.en() { "; " } else { "；" })
            });
            let team = u.map_or(String::new(), |u| {
                if u.team.reorganisation {
                    cx.t("组织调整", "reorganisation")
                } else if u.team.admonition_talk {
                    cx.t("诫勉谈话", "admonition talk")
                } else {
                    String::new()
                }
            });
            rows.push(vec![
                Cell::text(cx.category_name(&cat.category)),
                Cell::num(e.rank.map(f64::from)),
                Cell::text(&e.unit),
                Cell::text(cx.unit_name(&e.unit)),
                Cell::num(e.score),
                Cell::text(cx.label("unit", &e.grade)),
                u.map_or(Cell::Empty, |u| cx.yes_no(u.merit)),
                if vetoes.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(vetoes)
                },
                u.map_or(Cell::Empty, |u| cx.yes_no(u.rectification_required)),
                u.map_or(Cell::Empty, |u| Cell::count(u.non_compliant_years_running)),
                if team.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(team)
                },
                u.map_or(Cell::Empty, |u| Cell::text(cx.status(u.status))),
            ]);
        }
    }
    (cx.t("排名", "Ranking"), headers, rows)
}

fn summary_cells(cx: &Ctx, name: String, s: &ComponentSummary) -> Vec<Cell> {
    let [lo, hi] = interval_cells(s.interval.as_ref());
    vec![
        Cell::Text(name),
        Cell::score(Some(s.weight)),
        Cell::score(s.weight_used),
        Cell::text(cx.status(s.status)),
        Cell::score(s.value),
        Cell::score(s.contribution),
        Cell::count(s.n as f64),
        Cell::count(s.unable_to_judge as f64),
        Cell::score(s.n_eff),
        lo,
        hi,
    ]
}

fn components(cx: &Ctx) -> Parts {
    let headers = cx.headers(&[
        ("单位编号", "Unit id"),
        ("单位", "Unit"),
        ("组成部分", "Component"),
        ("权重", "Weight"),
        ("实际权重", "Weight used"),
        ("状态", "Status"),
        ("得分", "Score"),
        ("贡献", "Contribution"),
        ("样本量", "n"),
        ("无法评价", "Unable to judge"),
        ("有效样本量", "Effective n"),
        ("区间下限", "Interval lower"),
        ("区间上限", "Interval upper"),
    ]);
    let mut rows = Vec::new();
    for u in &cx.result.units {
        let c = &u.components;
        for (name, s) in [
            (cx.t("指标考核", "Indicators"), &c.indicators.summary),
            (cx.t("专家评审", "Expert panel"), &c.expert.summary),
            (cx.t("公众满意度", "Public satisfaction"), &c.public.summary),
            (cx.t("领导评价", "Leadership"), &c.leadership),
        ] {
            let mut row = vec![Cell::text(&u.unit), Cell::text(cx.unit_name(&u.unit))];
            row.extend(summary_cells(cx, name, s));
            rows.push(row);
        }
    }
    (cx.t("得分构成", "Components"), headers, rows)
}

fn indicators(cx: &Ctx) -> Parts {
    use crate::score::IndicatorValue;
    let headers = cx.headers(&[
        ("单位编号", "Unit id"),
        ("单位", "Unit"),
        ("指标编号", "Indicator id"),
        ("指标", "Indicator"),
        ("权重", "Weight"),
        ("实际权重", "Weight used"),
        ("赋权方法", "Weight method"),
        ("实际值", "Actual"),
        ("目标值", "Target"),
        ("完成节点", "Milestones done"),
        ("节点总数", "Milestones total"),
        ("约束达标", "Constraint passed"),
        ("完成比", "Ratio"),
        ("专家评分", "Expert score"),
        ("得分", "Score"),
        ("贡献", "Contribution"),
    ]);
    let mut rows = Vec::new();
    for u in &cx.result.units {
        for i in &u.components.indicators.items {
            let (actual, target, done, total, passed) = match &i.input {
                Some(IndicatorValue::Data { actual, target, .. }) => (
                    Cell::num(Some(*actual)),
                    Cell::num(Some(*target)),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                ),
                Some(IndicatorValue::Project {
                    milestones_done,
                    milestones_total,
                }) => (
                    Cell::Empty,
                    Cell::Empty,
                    Cell::count(*milestones_done),
                    Cell::count(*milestones_total),
                    Cell::Empty,
                ),
                Some(IndicatorValue::Constraint { passed, .. }) => (
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    cx.yes_no(*passed),
                ),
                None => (
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                ),
            };
            let method = match i.weight_method.as_deref() {
                Some("ahp") => cx.t("层次分析法", "AHP"),
                Some("entropy") => cx.t("熵权法", "entropy"),
                Some(other) => other.to_owned(),
                None => cx.t("直接赋权", "direct"),
            };
            rows.push(vec![
                Cell::text(&u.unit),
                Cell::text(cx.unit_name(&u.unit)),
                Cell::text(&i.indicator),
                Cell::text(cx.indicator_name(&i.indicator)),
                Cell::score(Some(i.weight)),
                Cell::score(i.weight_used),
                Cell::Text(method),
                actual,
                target,
                done,
                total,
                passed,
                Cell::score(i.ratio),
                Cell::score(i.expert),
                Cell::score(i.score),
                Cell::score(i.contribution),
            ]);
        }
    }
    (cx.t("指标得分", "Indicator scores"), headers, rows)
}

fn expert(cx: &Ctx) -> Parts {
    let headers = cx.headers(&[
        ("单位编号", "Unit id"),
        ("单位", "Unit"),
        ("指标", "Indicator"),
        ("评审组", "Rater group"),
        ("组权重", "Group weight"),
        ("实际权重", "Weight used"),
        ("状态", "Status"),
        ("评分数", "n"),
        ("无法评价", "Unable to judge"),
        ("平均分", "Mean"),
        ("组得分", "Group score"),
        ("专家得分", "Panel score"),
    ]);
    let mut rows = Vec::new();
    for u in &cx.result.units {
        let e = &u.components.expert;
        let all = cx.t("（全部指标）", "(all indicators)");
        let blocks = std::iter::once((all, e.summary.value, &e.groups)).chain(
            e.indicators
                .iter()
                .map(|i| (cx.indicator_name(&i.indicator), i.value, &i.groups)),
        );
        for (ind, value, groups) in blocks {
            for g in groups {
                rows.push(vec![
                    Cell::text(&u.unit),
                    Cell::text(cx.unit_name(&u.unit)),
                    Cell::text(ind.clone()),
                    Cell::text(cx.group_name(&g.group)),
                    Cell::score(Some(g.weight)),
                    Cell::score(g.weight_used),
                    Cell::text(cx.status(g.status)),
                    Cell::count(g.n as f64),
                    Cell::count(g.unable_to_judge as f64),
                    Cell::score(g.mean),
                    Cell::score(g.value),
                    Cell::score(value),
                ]);
            }
        }
    }
    (cx.t("专家评审明细", "Expert panel detail"), headers, rows)
}

fn public(cx: &Ctx) -> Parts {
    let headers = cx.headers(&[
        ("单位编号", "Unit id"),
        ("单位", "Unit"),
        ("状态", "Status"),
        ("有效问卷", "Respondents"),
        ("满意度指数", "Satisfaction index"),
        ("指数区间下限", "Index interval lower"),
        ("指数区间上限", "Index interval upper"),
        ("满意率", "Satisfaction rate"),
        ("满意率下限", "Rate lower (Wilson)"),
        ("满意率上限", "Rate upper (Wilson)"),
        ("NPS", "NPS"),
        ("推荐者", "Promoters"),
        ("中立者", "Passives"),
        ("贬损者", "Detractors"),
        ("克朗巴赫α", "Cronbach's alpha"),
        ("α样本量", "Alpha n"),
        ("加权方法", "Weighting"),
        ("设计效应", "Design effect"),
        ("有效样本量", "Effective n"),
        ("未加权指数", "Unweighted index"),
    ]);
    let mut rows = Vec::new();
    for u in &cx.result.units {
        let p = &u.components.public;
        let [lo, hi] = interval_cells(p.summary.interval.as_ref());
        let rate = p.satisfaction_rate.as_ref();
        let w = p.weighting.as_ref();
        rows.push(vec![
            Cell::text(&u.unit),
            Cell::text(cx.unit_name(&u.unit)),
            Cell::text(cx.status(p.summary.status)),
            Cell::count(p.summary.n as f64),
            Cell::score(p.summary.value),
            lo,
            hi,
            Cell::score(rate.map(|r| r.estimate)),
            Cell::score(rate.map(|r| r.lower)),
            Cell::score(rate.map(|r| r.upper)),
            Cell::score(p.nps.as_ref().map(|n| n.nps)),
            Cell::num(p.nps.as_ref().map(|n| n.promoters as f64)),
            Cell::num(p.nps.as_ref().map(|n| n.passives as f64)),
            Cell::num(p.nps.as_ref().map(|n| n.detractors as f64)),
            Cell::score(p.cronbach_alpha),
            Cell::count(p.cronbach_n as f64),
            Cell::opt_text(w.map(|w| match (w.method.as_str(), w.status.as_str()) {
                ("rake", "ok") => cx.t("迭代加权", "raking"),
                ("post_stratify", "ok") => cx.t("事后分层", "post-stratification"),
                (m, s) => format!("{m} ({s})"),
            })),
            Cell::score(w.and_then(|w| w.design_effect)),
            Cell::score(w.and_then(|w| w.effective_n)),
            Cell::score(w.and_then(|w| w.unweighted_value)),
        ]);
    }
    (cx.t("公众满意度", "Public satisfaction"), headers, rows)
}

fn public_items(cx: &Ctx) -> Parts {
    let headers = cx.headers(&[
        ("单位编号", "Unit id"),
        ("单位", "Unit"),
        ("题目编号", "Item id"),
        ("题目", "Item"),
        ("回答数", "n"),
        ("无法评价", "Unable to judge"),
        ("平均分", "Mean"),
    ]);
    let mut rows = Vec::new();
    for u in &cx.result.units {
        for i in &u.components.public.items {
            rows.push(vec![
                Cell::text(&u.unit),
                Cell::text(cx.unit_name(&u.unit)),
                Cell::text(&i.item),
                Cell::text(cx.item_name(&i.item)),
                Cell::count(i.n as f64),
                Cell::count(i.unable_to_judge as f64),
                Cell::score(i.mean),
            ]);
        }
    }
    (cx.t("公众满意度分项", "Public items"), headers, rows)
}

fn lists(cx: &Ctx) -> Parts {
    let headers = cx.headers(&[
        ("单位编号", "Unit id"),
        ("单位", "Unit"),
        ("清单", "List"),
        ("指标", "Indicator"),
        ("得分", "Score"),
        ("类别平均", "Category mean"),
        ("差值", "Difference"),
    ]);
    let mut rows = Vec::new();
    for u in &cx.result.units {
        for (list, items) in [
            (cx.t("正向清单", "positive"), &u.positive),
            (cx.t("反向清单", "negative"), &u.negative),
        ] {
            for i in items {
                rows.push(vec![
                    Cell::text(&u.unit),
                    Cell::text(cx.unit_name(&u.unit)),
                    Cell::text(list.clone()),
                    Cell::text(cx.indicator_name(&i.indicator)),
                    Cell::score(Some(i.score)),
                    Cell::score(Some(i.category_mean)),
                    Cell::score(Some(i.difference)),
                ]);
            }
        }
    }
    (
        cx.t("正反向清单", "Positive and negative lists"),
        headers,
        rows,
    )
}

fn agreement(cx: &Ctx) -> Parts {
    let headers = cx.headers(&[
        ("类别", "Category"),
        ("指标", "Indicator"),
        ("评审人数", "Raters"),
        ("单位数", "Units"),
        ("Krippendorff α", "Krippendorff's alpha"),
        ("Kendall W", "Kendall's W"),
        ("W 的 p 值", "W p-value"),
        ("W 评审人数", "W raters"),
        ("ICC(2,1)", "ICC(2,1)"),
        ("ICC(2,k)", "ICC(2,k)"),
        ("一致性偏低", "Low agreement"),
        ("说明", "Note"),
    ]);
    let rows = cx
        .result
        .agreement
        .iter()
        .map(|a| {
            vec![
                Cell::text(cx.category_name(&a.category)),
                Cell::text(cx.indicator_name(&a.indicator)),
                Cell::count(a.raters as f64),
                Cell::count(a.units as f64),
                Cell::score(a.alpha),
                Cell::score(a.kendall_w),
                Cell::p(a.kendall_p),
                Cell::count(a.kendall_raters as f64),
                Cell::score(a.icc_single),
                Cell::score(a.icc_average),
                cx.yes_no(a.low_agreement),
                Cell::opt_text(a.note.clone()),
            ]
        })
        .collect();
    (cx.t("评审一致性", "Panel agreement"), headers, rows)
}

fn teams(cx: &Ctx) -> Parts {
    let headers = cx.headers(&[
        ("单位编号", "Unit id"),
        ("单位", "Unit"),
        ("班子得分", "Team score"),
        ("班子等次", "Team grade"),
        ("上年等次", "Previous grade"),
        ("诫勉谈话", "Admonition talk"),
        ("组织调整", "Reorganisation"),
    ]);
    let rows = cx
        .result
        .units
        .iter()
        .map(|u| {
            vec![
                Cell::text(&u.unit),
                Cell::text(cx.unit_name(&u.unit)),
                Cell::score(u.team.score),
                Cell::text(cx.label("team", &u.team.grade)),
                Cell::opt_text(u.team.previous_grade.as_ref().map(|g| cx.label("team", g))),
                cx.yes_no(u.team.admonition_talk),
                cx.yes_no(u.team.reorganisation),
            ]
        })
        .collect();
    (cx.t("领导班子", "Leadership teams"), headers, rows)
}

fn warnings(cx: &Ctx) -> Parts {
    let headers = cx.headers(&[
        ("代码", "Code"),
        ("单位", "Unit"),
        ("对象", "Subject"),
        ("说明", "Message"),
    ]);
    let rows = cx
        .result
        .warnings
        .iter()
        .map(|w| {
            vec![
                Cell::text(&w.code),
                Cell::opt_text(w.unit.as_ref().map(|u| cx.unit_name(u))),
                Cell::opt_text(w.subject.clone()),
                Cell::text(cx.text(&w.message)),
            ]
        })
        .collect();
    (cx.t("提示", "Warnings"), headers, rows)
}

/// What the plan's quality rules did: per instrument, over all units (unit columns empty),
/// then per unit; one row per rule (a record with two flags is touched by two rules).
fn quality(cx: &Ctx) -> Parts {
    let headers = cx.headers(&[
        ("单位编号", "Unit id"),
        ("单位", "Unit"),
        ("问卷", "Instrument"),
        ("答卷数", "Records"),
        ("规则", "Rule"),
        ("处理", "Action"),
        ("权重", "Weight"),
        ("涉及答卷", "Records touched"),
        ("剔除答卷", "Records excluded"),
        ("降权答卷", "Records down-weighted"),
    ]);
    let all = cx.result.quality.iter().map(|q| (None, q));
    let by_unit =
        (cx.result.units.iter()).flat_map(|u| u.quality.iter().map(move |q| (Some(u), q)));
    let rows = all
        .chain(by_unit)
        .flat_map(|(u, q): (Option<&UnitResult>, &QualityResult)| {
            q.rules.iter().map(move |r| {
                vec![
                    Cell::opt_text(u.map(|u| u.unit.clone())),
                    Cell::text(
                        u.map_or_else(|| cx.t("全部单位", "All units"), |u| cx.unit_name(&u.unit)),
                    ),
                    Cell::text(cx.instrument_name(&q.instrument)),
                    Cell::count(q.records as f64),
                    Cell::text(match r.rule.as_str() {
                        "speeder" => cx.t("过快作答", "Speeders"),
                        "straight_lining" => cx.t("直线作答", "Straight-lining"),
                        "repeat" => cx.t("重复提交", "Repeats"),
                        other => other.to_owned(),
                    }),
                    Cell::text(match r.action.as_str() {
                        "count" => cx.t("照常计入", "counted"),
                        "down_weight" => cx.t("降权", "down-weighted"),
                        "exclude" => cx.t("剔除", "excluded"),
                        other => other.to_owned(),
                    }),
                    Cell::score(r.weight),
                    Cell::count(r.touched as f64),
                    Cell::count(q.excluded as f64),
                    Cell::count(q.down_weighted as f64),
                ]
            })
        })
        .collect();
    (cx.t("答卷质量规则", "Quality rules"), headers, rows)
}

/// The expert panel's comments, unit by unit in plan order; no reviewer is named.
fn comments(cx: &Ctx) -> Parts {
    let headers = cx.headers(&[
        ("单位编号", "Unit id"),
        ("单位", "Unit"),
        ("指标编号", "Indicator id"),
        ("指标", "Indicator"),
        ("评审组", "Rater group"),
        ("评分", "Score"),
        ("意见", "Comment"),
    ]);
    let rows = cx
        .result
        .units
        .iter()
        .flat_map(|u| {
            u.comments.iter().map(move |c| {
                vec![
                    Cell::text(&u.unit),
                    Cell::text(cx.unit_name(&u.unit)),
                    Cell::text(&c.indicator),
                    Cell::text(cx.indicator_name(&c.indicator)),
                    Cell::text(cx.group_name(&c.group)),
                    Cell::score(c.score),
                    Cell::text(&c.text),
                ]
            })
        })
        .collect();
    (cx.t("专家意见", "Expert comments"), headers, rows)
}

/// Each resident unit's answers to the priorities question, most chosen first.
fn priorities(cx: &Ctx) -> Parts {
    let headers = cx.headers(&[
        ("单位编号", "Unit id"),
        ("单位", "Unit"),
        ("作答人数", "Answered"),
        ("选项编号", "Option id"),
        ("选项", "Option"),
        ("选择人数", "Chosen by"),
        ("占作答人数比例", "Share of those who answered"),
    ]);
    let mut rows = Vec::new();
    for u in &cx.result.units {
        let Some(p) = &u.components.public.priorities else {
            continue;
        };
        for o in &p.options {
            rows.push(vec![
                Cell::text(&u.unit),
                Cell::text(cx.unit_name(&u.unit)),
                Cell::count(p.n as f64),
                Cell::text(&o.option),
                Cell::text(o.label.get(cx.lang)),
                Cell::count(o.count as f64),
                Cell::score(Some(o.share)),
            ]);
        }
    }
    (
        cx.t("群众最希望改进的方面", "What residents most want improved"),
        headers,
        rows,
    )
}
