//! The public results page as one HTML file: no script, no outside resource, its CSS inline.
//! Both languages on one page: the whole page in zh-CN, then the whole page in English
//! (`lang` on each half), with a link at the top to the other half, so that one file is
//! published and read anywhere, and a reader of either language gets every figure.
//! Phone first (one column, tables that fit 320 px or scroll inside their own region); printed
//! on A4, each language starts on a new page and table rows do not split.

use super::{Figure, PublicResults, PublicVeto};
use crate::plan::Plan;
use crate::text::escape_html as esc;
use std::fmt::Write;

/// The page's CSS (inline in the page; a test checks the page needs nothing else).
pub const PAGE_STYLE: &str = "\
*{box-sizing:border-box}\
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\
body{font-family:system-ui,-apple-system,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;\
margin:0;color:#1a1a1a;background:#fff;line-height:1.55;font-size:1rem}\
.page{max-width:48rem;margin:0 auto;padding:1rem .75rem 2rem}\
.skip{position:absolute;left:-999px;top:0}.skip:focus{left:.5rem;top:.5rem;background:#fff;padding:.25rem .5rem;z-index:1}\
.langs{margin:0 0 1rem;text-align:right}\
a{color:#0b4f94}a:focus{outline:3px solid #0b4f94;outline-offset:2px}\
h1{font-size:1.35rem;line-height:1.3;margin:.25rem 0 .5rem}\
h2{font-size:1.15rem;margin:2rem 0 .5rem;padding-top:.5rem;border-top:2px solid #1a1a1a}\
h3{font-size:1rem;margin:1.25rem 0 .4rem}\
.meta,.note{color:#444;font-size:.875rem}\
.table{overflow-x:auto;margin:0 0 1rem}\
.table:focus{outline:3px solid #0b4f94}\
table{border-collapse:collapse;width:100%;font-size:.875rem}\
caption{text-align:left;font-weight:600;padding:.25rem 0}\
th,td{border-bottom:1px solid #bbb;padding:.35rem .3rem;text-align:left;vertical-align:top}\
thead th{border-bottom:2px solid #1a1a1a;font-weight:600}\
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
tfoot th,tfoot td{border-top:2px solid #1a1a1a;font-weight:600}\
.ci{display:block;color:#444;font-size:.8rem;font-weight:400}\
.mark{font-weight:600}\
ul.plain{padding-left:1.25rem;margin:.25rem 0 1rem}\
article+article{margin-top:3rem;border-top:4px double #1a1a1a}\
@media (min-width:40rem){.page{padding:1.5rem 1.5rem 3rem}h1{font-size:1.6rem}table{font-size:.95rem}}\
@media print{@page{size:A4;margin:16mm 14mm}\
body{font-size:10.5pt;color:#000}.page{max-width:none;padding:0}\
.langs,.skip{display:none}a{color:#000;text-decoration:none}\
article+article{break-before:page;page-break-before:always;border-top:0;margin-top:0}\
h2,h3,caption{break-after:avoid;page-break-after:avoid}\
tr{break-inside:avoid;page-break-inside:avoid}thead{display:table-header-group}\
.table{overflow:visible}.ci{color:#000}}";

/// One language's words of the page.
pub(super) struct Words {
    pub(super) lang: &'static str,
    pub(super) en: bool,
}

/// The two languages, zh-CN first.
pub(super) const LANGS: [Words; 2] = [
    Words {
        lang: "zh-CN",
        en: false,
    },
    Words {
        lang: "en",
        en: true,
    },
];

impl Words {
    pub(super) fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        if self.en {
            en
        } else {
            zh
        }
    }
}

/// The public results page of `results` (from [`super::publication`]) with the names of
/// `plan`, in zh-CN then English.
pub fn public_page(plan: &Plan, results: &PublicResults) -> String {
    let [zh, en] = &LANGS;
    let title = format!("{} · {}", heading(plan, zh), heading(plan, en));
    let mut out = String::with_capacity(32 * 1024);
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{PAGE_STYLE}</style>\n</head>\n<body>\n\
         <a class=\"skip\" href=\"#zh\">跳到正文</a>\n<div class=\"page\">\n\
         <nav class=\"langs\" aria-label=\"语言 · Language\"><a href=\"#en\" lang=\"en\" hreflang=\"en\">English version</a></nav>\n\
         <main>\n",
        esc(&title)
    );
    article(&mut out, plan, results, zh);
    article(&mut out, plan, results, en);
    out.push_str("</main>\n</div>\n</body>\n</html>\n");
    out
}

fn heading(plan: &Plan, w: &Words) -> String {
    let title = plan.title.get(w.lang);
    if w.en {
        format!("{title}: public results")
    } else if title.ends_with("考评") {
        format!("{title}结果公示")
    } else {
        format!("{title}考评结果公示")
    }
}

fn article(out: &mut String, plan: &Plan, r: &PublicResults, w: &Words) {
    let id = if w.en { "en" } else { "zh" };
    let _ = write!(
        out,
        "<article id=\"{id}\" lang=\"{}\" aria-labelledby=\"{id}-title\">\n\
         <h1 id=\"{id}-title\">{}</h1>\n<p class=\"meta\">{}</p>\n",
        w.lang,
        esc(&heading(plan, w)),
        esc(&meta(r, w)),
    );
    if w.en {
        out.push_str(
            "<p class=\"meta\"><a href=\"#zh\" lang=\"zh-CN\" hreflang=\"zh-CN\">中文版</a></p>\n",
        );
    }
    rankings(out, plan, r, w);
    orientations(out, plan, r, w);
    merit(out, plan, r, w);
    vetoes(out, plan, &r.vetoes, w);
    satisfaction(out, plan, r, w);
    priorities(out, plan, r, w);
    notes(out, r, w);
    out.push_str("</article>\n");
}

fn meta(r: &PublicResults, w: &Words) -> String {
    let sha = r.plan_sha256.get(..12).unwrap_or("");
    if w.en {
        format!(
            "Evaluation year {}. Plan {} version {} (SHA-256 {sha}…).",
            r.year, r.plan_id, r.plan_version
        )
    } else {
        format!(
            "考评年度：{} 年。方案 {} 第 {} 版（SHA-256 {sha}…）。",
            r.year, r.plan_id, r.plan_version
        )
    }
}

pub(super) fn unit_name<'a>(plan: &'a Plan, id: &'a str, w: &Words) -> &'a str {
    plan.unit(id).map_or(id, |u| u.name.get(w.lang))
}

pub(super) fn category_name<'a>(plan: &'a Plan, id: &'a str, w: &Words) -> &'a str {
    plan.category(id).map_or(id, |c| c.name.get(w.lang))
}

pub(super) fn indicator_name<'a>(plan: &'a Plan, id: &'a str, w: &Words) -> &'a str {
    plan.indicator(id).map_or(id, |i| i.name.get(w.lang))
}

/// A table in its own scrolling region (it scrolls only where the screen is narrower).
pub(super) fn table_open(out: &mut String, id: &str, caption: &str, headers: &[(&str, bool)]) {
    let _ = write!(
        out,
        "<div class=\"table\" role=\"region\" aria-labelledby=\"{id}\" tabindex=\"0\">\n<table>\n\
         <caption id=\"{id}\">{}</caption>\n<thead><tr>",
        esc(caption)
    );
    for (h, num) in headers {
        let cls = if *num { " class=\"num\"" } else { "" };
        let _ = write!(out, "<th scope=\"col\"{cls}>{}</th>", esc(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
}

pub(super) fn table_close(out: &mut String) {
    out.push_str("</tbody>\n</table>\n</div>\n");
}

pub(super) fn fixed(x: f64, decimals: u32) -> String {
    format!("{x:.prec$}", prec = decimals as usize)
}

fn rankings(out: &mut String, plan: &Plan, r: &PublicResults, w: &Words) {
    let id = if w.en { "en" } else { "zh" };
    let _ = writeln!(
        out,
        "<section aria-labelledby=\"{id}-ranking\">\n<h2 id=\"{id}-ranking\">{}</h2>",
        w.t("排名与等次", "Rankings and grades")
    );
    for (ci, cat) in r.categories.iter().enumerate() {
        let name = category_name(plan, &cat.category, w);
        let caption = if w.en {
            format!("{name}: ranking")
        } else {
            format!("{name}排名")
        };
        let headers = [
            (w.t("名次", "Rank"), true),
            (w.t("单位", "Unit"), false),
            (w.t("综合得分", "Score"), true),
            (w.t("等次", "Grade"), false),
        ];
        table_open(out, &format!("{id}-rank-{ci}"), &caption, &headers);
        for e in &cat.ranking {
            let rank = e.rank.map_or_else(|| "—".to_owned(), |x| x.to_string());
            let score = e
                .score
                .map_or_else(|| "—".to_owned(), |s| fixed(s, r.precision));
            let mut grade = esc(e.grade_name.get(w.lang));
            if e.vetoed {
                let _ = write!(
                    grade,
                    "<span class=\"ci\">{}</span>",
                    w.t("一票否决", "vetoed")
                );
            }
            let _ = writeln!(
                out,
                "<tr><td class=\"num\">{rank}</td><th scope=\"row\">{}</th><td class=\"num\">{score}</td><td>{grade}</td></tr>",
                esc(unit_name(plan, &e.unit, w))
            );
        }
        table_close(out);
    }
    out.push_str("</section>\n");
}

/// Per category, each unit's indicator subtotals by orientation and the category's mean.
fn orientations(out: &mut String, plan: &Plan, r: &PublicResults, w: &Words) {
    let id = if w.en { "en" } else { "zh" };
    if r.categories.iter().all(|c| c.orientations.is_empty()) {
        return;
    }
    let _ = writeln!(
        out,
        "<section aria-labelledby=\"{id}-orient\">\n<h2 id=\"{id}-orient\">{}</h2>\n<p>{}</p>",
        w.t("按导向小计", "Subtotals by orientation"),
        w.t(
            "各单位在目标导向、职责导向、问题导向指标上的得分：同一导向内各项指标得分按其在考评方案中所占比重的平均分。",
            "Each unit's score on its goal-, duty- and problem-oriented indicators: the mean of the indicator scores within each orientation, each counted by its share in the plan.",
        )
    );
    let label = |o: &crate::plan::Orientation| match o {
        crate::plan::Orientation::Goal => w.t("目标导向", "Goal-oriented"),
        crate::plan::Orientation::Duty => w.t("职责导向", "Duty-oriented"),
        crate::plan::Orientation::Problem => w.t("问题导向", "Problem-oriented"),
    };
    let cell = |x: &Option<f64>| x.map_or_else(|| "—".to_owned(), |v| fixed(v, r.precision));
    for (ci, cat) in r.categories.iter().enumerate() {
        if cat.orientations.is_empty() {
            continue;
        }
        let name = category_name(plan, &cat.category, w);
        let caption = if w.en {
            format!("{name}: subtotals by orientation")
        } else {
            format!("{name}按导向小计")
        };
        let mut headers = vec![(w.t("单位", "Unit"), false)];
        headers.extend(cat.orientations.iter().map(|o| (label(o), true)));
        table_open(out, &format!("{id}-orient-{ci}"), &caption, &headers);
        for row in &cat.orientation_rows {
            let _ = write!(
                out,
                "<tr><th scope=\"row\">{}</th>",
                esc(unit_name(plan, &row.unit, w))
            );
            for x in &row.scores {
                let _ = write!(out, "<td class=\"num\">{}</td>", cell(x));
            }
            out.push_str("</tr>\n");
        }
        let _ = write!(
            out,
            "</tbody>\n<tfoot>\n<tr><th scope=\"row\">{}</th>",
            w.t("类别平均", "Category mean")
        );
        for x in &cat.orientation_means {
            let _ = write!(out, "<td class=\"num\">{}</td>", cell(x));
        }
        out.push_str("</tr>\n</tfoot>\n</table>\n</div>\n");
    }
    out.push_str("</section>\n");
}

fn merit(out: &mut String, plan: &Plan, r: &PublicResults, w: &Words) {
    let id = if w.en { "en" } else { "zh" };
    let _ = writeln!(
        out,
        "<section aria-labelledby=\"{id}-merit\">\n<h2 id=\"{id}-merit\">{}</h2>",
        w.t("立功单位", "Merit units")
    );
    if r.merit.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", w.t("本年度无。", "None this year."));
    } else {
        out.push_str("<ul class=\"plain\">\n");
        for u in &r.merit {
            let cat = plan
                .unit(u)
                .map_or("", |x| category_name(plan, &x.category, w));
            let _ = writeln!(
                out,
                "<li>{}{}</li>",
                esc(unit_name(plan, u, w)),
                esc(&if w.en {
                    format!(" ({cat})")
                } else {
                    format!("（{cat}）")
                })
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}

fn vetoes(out: &mut String, plan: &Plan, vetoes: &[PublicVeto], w: &Words) {
    let id = if w.en { "en" } else { "zh" };
    let _ = writeln!(
        out,
        "<section aria-labelledby=\"{id}-veto\">\n<h2 id=\"{id}-veto\">{}</h2>",
        w.t("一票否决", "One-vote vetoes")
    );
    if vetoes.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", w.t("本年度无。", "None this year."));
    } else {
        let _ = writeln!(
            out,
            "<p>{}</p>",
            w.t(
                "以下单位因一票否决事项，本年度评定为不达标单位，不论得分。",
                "These units are graded non-compliant for the year, whatever their score."
            )
        );
        let headers = [
            (w.t("单位", "Unit"), false),
            (w.t("否决事项", "Veto"), false),
            (w.t("原因", "Reason"), false),
        ];
        table_open(
            out,
            &format!("{id}-veto-t"),
            w.t("一票否决事项", "Vetoes"),
            &headers,
        );
        for v in vetoes {
            let reason = v.reason.as_ref().map_or("—", |t| t.get(w.lang));
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>",
                esc(unit_name(plan, &v.unit, w)),
                esc(indicator_name(plan, &v.indicator, w)),
                esc(reason)
            );
        }
        table_close(out);
    }
    out.push_str("</section>\n");
}

/// A figure's cell: the value, its interval below it, or why there is none.
fn figure(f: &Figure, percent: bool, w: &Words) -> String {
    let show = |x: f64| {
        if percent {
            format!("{:.1}%", x * 100.0)
        } else {
            format!("{x:.1}")
        }
    };
    match f {
        Figure::Value {
            estimate,
            lower,
            upper,
        } => {
            let ci = match (lower, upper) {
                (Some(l), Some(u)) => {
                    format!("<span class=\"ci\">{}–{}</span>", show(*l), show(*u))
                }
                _ => String::new(),
            };
            format!("<td class=\"num\">{}{ci}</td>", show(*estimate))
        }
        Figure::NoData => format!("<td>{}</td>", w.t("无答卷", "no answers")),
        Figure::TooFew => format!("<td>{}</td>", w.t("答卷过少", "too few answers")),
        Figure::Withheld => format!("<td>{}</td>", w.t("不公布*", "withheld*")),
    }
}

fn satisfaction(out: &mut String, plan: &Plan, r: &PublicResults, w: &Words) {
    let id = if w.en { "en" } else { "zh" };
    let level = format!("{}%", fixed(r.confidence * 100.0, 0));
    let _ = writeln!(
        out,
        "<section aria-labelledby=\"{id}-public\">\n<h2 id=\"{id}-public\">{}</h2>\n<p>{}</p>",
        w.t("社会公众满意度", "Public satisfaction"),
        esc(&if w.en {
            format!("Satisfaction rate: the share of respondents satisfied; satisfaction index: 0–100. Below each figure, its {level} confidence interval. A figure from fewer than {} answers is not shown.", r.min_publish_n)
        } else {
            format!("满意率：表示满意的答卷所占比例；满意度指数：0–100 分。数值下方为其 {level} 置信区间。答卷少于 {} 份的数值不予公布。", r.min_publish_n)
        })
    );
    let headers = [
        (w.t("单位", "Unit"), false),
        (w.t("答卷", "Answers"), true),
        (w.t("满意率", "Rate"), true),
        (w.t("满意度指数", "Index"), true),
    ];
    for (ci, cat) in r.categories.iter().enumerate() {
        let name = category_name(plan, &cat.category, w);
        if cat.total == Figure::NoData && cat.satisfaction.iter().all(|s| s.respondents == 0) {
            let _ = writeln!(
                out,
                "<p>{}</p>",
                esc(&if w.en {
                    format!("{name}: no public survey answers.")
                } else {
                    format!("{name}：无公众满意度调查答卷。")
                })
            );
            continue;
        }
        let caption = if w.en {
            format!("{name}: public satisfaction")
        } else {
            format!("{name}公众满意度")
        };
        table_open(out, &format!("{id}-public-{ci}"), &caption, &headers);
        for s in &cat.satisfaction {
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td>{}{}</tr>",
                esc(unit_name(plan, &s.unit, w)),
                s.respondents,
                figure(&s.rate, true, w),
                figure(&s.index, false, w)
            );
        }
        out.push_str("</tbody>\n<tfoot>\n");
        let total: u64 = cat.satisfaction.iter().map(|s| s.respondents).sum();
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{total}</td>{}<td>—</td></tr>\n</tfoot>",
            w.t("类别合计", "Category total"),
            figure(&cat.total, true, w)
        );
        out.push_str("</table>\n</div>\n");
    }
    out.push_str("</section>\n");
}

/// Per category with resident units, what their respondents most want improved.
fn priorities(out: &mut String, plan: &Plan, r: &PublicResults, w: &Words) {
    if r.categories.iter().all(|c| c.priorities.is_empty()) {
        return;
    }
    let id = if w.en { "en" } else { "zh" };
    let _ = writeln!(
        out,
        "<section aria-labelledby=\"{id}-priorities\">\n<h2 id=\"{id}-priorities\">{}</h2>\n<p>{}</p>",
        w.t("群众最希望改进的方面", "What residents most want improved"),
        esc(&if w.en {
            format!("The options most often chosen by each unit's respondents, with the share of those who answered that chose each (several could be chosen). Not shown for fewer than {} answers.", r.min_publish_n)
        } else {
            format!("各单位受访群众选择最多的方面，及选择该项的人数占作答人数的比例（可多选）。作答少于 {} 人的不予公布。", r.min_publish_n)
        })
    );
    let headers = [
        (w.t("单位", "Unit"), false),
        (w.t("作答人数", "Answers"), true),
        (w.t("第一", "First"), false),
        (w.t("第二", "Second"), false),
        (w.t("第三", "Third"), false),
    ];
    for (ci, cat) in r.categories.iter().enumerate() {
        if cat.priorities.is_empty() {
            continue;
        }
        let name = category_name(plan, &cat.category, w);
        let caption = if w.en {
            format!("{name}: what residents most want improved")
        } else {
            format!("{name}群众最希望改进的方面")
        };
        table_open(out, &format!("{id}-priorities-{ci}"), &caption, &headers);
        for p in &cat.priorities {
            let _ = write!(
                out,
                "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td>",
                esc(unit_name(plan, &p.unit, w)),
                p.respondents
            );
            if p.too_few {
                let _ = write!(
                    out,
                    "<td colspan=\"{}\">{}</td>",
                    super::TOP_PRIORITIES,
                    w.t("答卷过少", "too few answers")
                );
            } else {
                for k in 0..super::TOP_PRIORITIES {
                    match p.top.get(k) {
                        Some(o) => {
                            let _ = write!(
                                out,
                                "<td>{}<span class=\"ci\">{:.1}%</span></td>",
                                esc(o.label.get(w.lang)),
                                o.share * 100.0
                            );
                        }
                        None => out.push_str("<td>—</td>"),
                    }
                }
            }
            out.push_str("</tr>\n");
        }
        table_close(out);
    }
    out.push_str("</section>\n");
}

fn notes(out: &mut String, r: &PublicResults, w: &Words) {
    let id = if w.en { "en" } else { "zh" };
    let n = r.min_publish_n;
    let text = if w.en {
        format!("“Too few answers”: fewer than {n} respondents, too few for a figure that speaks for a unit. *“Withheld”: enough answers, but shown it would let the figure of a unit with too few answers be worked out from the category total; it is withheld for that reason alone. The category total is the share of satisfied respondents among all the category's respondents.")
    } else {
        format!("“答卷过少”：答卷少于 {n} 份，不足以代表该单位。*“不公布”：答卷足够，但若公布，可从类别合计推算出答卷过少单位的数值，因此不予公布。类别合计为该类别全部答卷中表示满意的比例。")
    };
    let _ = writeln!(
        out,
        "<section aria-labelledby=\"{id}-notes\">\n<h2 id=\"{id}-notes\">{}</h2>\n<p class=\"note\">{}</p>\n</section>",
        w.t("说明", "Notes"),
        esc(&text)
    );
}
