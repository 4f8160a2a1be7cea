//! The cadre tables: each cadre's votes and grade (with the person's name and post, and the
//! flags of the plan's cap on 优秀 and of the reminder talks when the plan has them), and the
//! talk lists by name when a cadre roster was given.

use super::result_tables::Parts;
use super::Ctx;
use crate::cells::Cell;

/// One row per cadre; 姓名 and 职务 only when a roster named the cadres, the cap's and the
/// reminder talk's columns only when the plan's rules have them.
pub(super) fn cadres(cx: &Ctx) -> Parts {
    let named = cx
        .result
        .units
        .iter()
        .flat_map(|u| &u.cadres)
        .any(|c| c.name.is_some());
    let capped = cx.result.rules.cadre.excellent_max_share.is_some();
    let reminder = cx.result.rules.cadre.reminder_talk_above.is_some();
    let mut cols = vec![("单位编号", "Unit id"), ("单位", "Unit"), ("干部", "Cadre")];
    if named {
        cols.extend([("姓名", "Name"), ("职务", "Post")]);
    }
    cols.extend([
        ("不称职票", "Votes: incompetent"),
        ("基本称职票", "Votes: basically competent"),
        ("称职票", "Votes: competent"),
        ("优秀票", "Votes: excellent"),
        ("票数", "Votes"),
        ("等次", "Grade"),
    ]);
    if capped {
        cols.push(("优秀比例限制", "Excellent cap applied"));
    }
    cols.push(("诫勉谈话", "Admonition talk"));
    if reminder {
        cols.push(("一对一谈话提醒", "Reminder talk"));
    }
    let headers = cx.headers(&cols);
    let mut rows = Vec::new();
    for u in &cx.result.units {
        for c in &u.cadres {
            let mut row = vec![
                Cell::text(&u.unit),
                Cell::text(cx.unit_name(&u.unit)),
                Cell::text(cx.cadre_name(&c.cadre)),
            ];
            if named {
                row.push(Cell::text(c.name.clone().unwrap_or_default()));
                row.push(Cell::text(c.post.clone().unwrap_or_default()));
            }
            row.extend(c.votes.iter().map(|&v| Cell::count(v as f64)));
            row.push(Cell::count(c.n as f64));
            row.push(Cell::text(cx.label("cadre", &c.grade)));
            if capped {
                row.push(cx.yes_no(c.excellent_capped));
            }
            row.push(cx.yes_no(c.admonition_talk));
            if reminder {
                row.push(cx.yes_no(c.reminder_talk));
            }
            rows.push(row);
        }
    }
    (cx.t("干部等次", "Cadre grades"), headers, rows)
}

/// The talk lists by name: per unit, 诫勉谈话 then 一对一谈话提醒, each in the cadre
/// question's row order.
pub(super) fn talks(cx: &Ctx) -> Parts {
    let headers = cx.headers(&[
        ("单位编号", "Unit id"),
        ("单位", "Unit"),
        ("谈话", "Talk"),
        ("干部", "Cadre"),
        ("姓名", "Name"),
        ("职务", "Post"),
        ("等次", "Grade"),
    ]);
    let mut rows = Vec::new();
    for u in &cx.result.units {
        let Some(t) = &u.talks else { continue };
        let kinds = [
            (&t.admonition, cx.t("诫勉谈话", "Admonition talk")),
            (
                &t.reminder,
                cx.t("一对一谈话提醒", "One-to-one reminder talk"),
            ),
        ];
        for (list, kind) in kinds {
            for e in list {
                rows.push(vec![
                    Cell::text(&u.unit),
                    Cell::text(cx.unit_name(&u.unit)),
                    Cell::text(kind.clone()),
                    Cell::text(cx.cadre_name(&e.cadre)),
                    Cell::text(&e.name),
                    Cell::text(&e.post),
                    Cell::text(cx.label("cadre", &e.grade)),
                ]);
            }
        }
    }
    (cx.t("谈话名单", "Talk lists"), headers, rows)
}
