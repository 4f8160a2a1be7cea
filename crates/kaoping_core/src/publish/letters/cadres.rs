//! The letter's cadre section, only when a cadre roster named the unit's cadres: each person
//! with post and grade (and when the plan's cap on 优秀 applied), then the talk lists
//! (诫勉谈话, 一对一谈话提醒) by name. The public page never shows cadres.

use super::super::html::{table_close, table_open, Words};
use crate::plan::{Plan, QuestionKind};
use crate::score::{EvaluationResult, TalkEntry, UnitResult};
use crate::text::escape_html as esc;
use std::fmt::Write;

/// The label of a cadre question's row (role) in `w`'s language; the id when there is none.
fn role_name<'a>(plan: &'a Plan, r: &EvaluationResult, role: &'a str, w: &Words) -> &'a str {
    let q = &r.rules.leadership.cadre_question;
    plan.instruments
        .iter()
        .find_map(|i| i.question(q))
        .and_then(|q| match &q.kind {
            QuestionKind::Matrix { rows, .. } => rows.iter().find(|c| c.value == role),
            _ => None,
        })
        .map_or(role, |c| c.label.get(w.lang))
}

fn grade_name<'a>(r: &'a EvaluationResult, grade: &'a str, w: &Words) -> &'a str {
    r.labels
        .get(&format!("cadre.{grade}"))
        .map_or(grade, |t| t.get(w.lang))
}

pub(super) fn cadres(
    out: &mut String,
    plan: &Plan,
    r: &EvaluationResult,
    u: &UnitResult,
    w: &Words,
) {
    let Some(talks) = &u.talks else {
        return;
    };
    let id = if w.en { "en" } else { "zh" };
    let _ = writeln!(
        out,
        "<section aria-labelledby=\"{id}-cadres\">\n<h2 id=\"{id}-cadres\">{}</h2>",
        w.t("领导干部考评", "Appraisal of leading cadres")
    );
    if u.cadres.is_empty() {
        let _ = writeln!(
            out,
            "<p>{}</p>",
            w.t(
                "干部名单未列本单位人员。",
                "The cadre roster lists nobody of your unit."
            )
        );
    } else {
        let headers = [
            (w.t("岗位", "Role"), false),
            (w.t("姓名", "Name"), false),
            (w.t("职务", "Post"), false),
            (w.t("票数", "Votes"), true),
            (w.t("等次", "Grade"), false),
        ];
        table_open(
            out,
            &format!("{id}-cadre-grades"),
            w.t("干部等次", "Cadre grades"),
            &headers,
        );
        for c in &u.cadres {
            let capped = if c.excellent_capped {
                w.t(
                    "（得票达到优秀，因优秀比例限制评为称职）",
                    " (excellent by the votes; competent under the cap on the share of excellent)",
                )
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}{}</td></tr>",
                esc(role_name(plan, r, &c.cadre, w)),
                esc(c.name.as_deref().unwrap_or("")),
                esc(c.post.as_deref().unwrap_or("")),
                c.n,
                esc(grade_name(r, &c.grade, w)),
                esc(capped)
            );
        }
        table_close(out);
    }
    for (title, list) in [
        (w.t("诫勉谈话", "Admonition talks"), &talks.admonition),
        (
            w.t("一对一谈话提醒", "One-to-one reminder talks"),
            &talks.reminder,
        ),
    ] {
        let _ = writeln!(out, "<h3>{}</h3>", esc(title));
        if list.is_empty() {
            let _ = writeln!(out, "<p>{}</p>", w.t("无。", "None."));
            continue;
        }
        out.push_str("<ul class=\"plain\">\n");
        for e in list {
            let _ = writeln!(out, "<li>{}</li>", esc(&talk_line(plan, r, e, w)));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}

/// `张某某（区长，党委（党组）书记）：基本称职`.
fn talk_line(plan: &Plan, r: &EvaluationResult, e: &TalkEntry, w: &Words) -> String {
    let role = role_name(plan, r, &e.cadre, w);
    let grade = grade_name(r, &e.grade, w);
    let what = if e.post.is_empty() {
        role.to_owned()
    } else if w.en {
        format!("{}, {role}", e.post)
    } else {
        format!("{}，{role}", e.post)
    };
    if w.en {
        format!("{} ({what}): {grade}", e.name)
    } else {
        format!("{}（{what}）：{grade}", e.name)
    }
}
