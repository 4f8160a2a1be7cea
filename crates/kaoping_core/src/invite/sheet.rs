//! The printed sheet of invitations for a panel meeting (issue 16): one HTML page, a card per
//! rater (name, id, group, the assigned units' names, the QR code of the link and the link in
//! small print), A4 with cards never split across pages. The office page opens it to print;
//! `kaoping invite` writes it as `invitations.html`. No script, no outside resource.

use super::batch::{group_name, unit_names, PrintedInvitation};
use crate::plan::Plan;
use crate::text::escape_html as esc;

/// The sheet's CSS: inlined in the file `kaoping invite` writes; the office page (whose
/// Content-Security-Policy allows no inline style) links the same text as
/// `www/css/invite-sheet.css` (a test keeps the two equal).
pub const SHEET_STYLE: &str = "\
*{box-sizing:border-box}\
body{font-family:system-ui,'PingFang SC','Microsoft YaHei',sans-serif;margin:1rem;color:#111;background:#fff}\
h1{font-size:1.25rem;margin:0 0 .25rem}\
.hint{margin:0 0 1rem;color:#333}\
.cards{list-style:none;padding:0;margin:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:.75rem}\
.card{border:1px solid #555;border-radius:4px;padding:.75rem;break-inside:avoid;page-break-inside:avoid}\
.card h2{font-size:1.1rem;margin:0 0 .25rem}\
.card dl{margin:0 0 .5rem;display:grid;grid-template-columns:auto 1fr;gap:.1rem .5rem}\
.card dt{font-weight:600}.card dd{margin:0;overflow-wrap:anywhere}\
.qr{display:block;width:100%;max-width:12rem;margin:0 auto}\
.qr svg{display:block;width:100%;height:auto}\
.link{font-family:ui-monospace,monospace;font-size:.6rem;overflow-wrap:anywhere;word-break:break-all;margin:.5rem 0 0}\
@media print{@page{size:A4;margin:12mm}body{margin:0}.hint{display:none}\
.cards{grid-template-columns:repeat(2,1fr);gap:6mm}.card{border-color:#000}.qr{max-width:55mm}}";

/// The printable HTML page of `invitations`, its text in `lang` (zh-CN unless `en`), with
/// [`SHEET_STYLE`] inline, or linked from `stylesheet` (an absolute URL) when given.
pub fn print_sheet(
    plan: &Plan,
    invitations: &[PrintedInvitation],
    lang: &str,
    stylesheet: Option<&str>,
) -> String {
    let en = lang == "en";
    let t = |zh: &'static str, e: &'static str| if en { e } else { zh };
    let title = format!(
        "{} — {}",
        t("评审邀请", "Review invitations"),
        plan.title.get(lang)
    );
    let n = invitations.len();
    let hint = if en {
        format!("{n} invitations. Print with Ctrl+P (A4); each card is one rater's invitation: scan the code or open the link.")
    } else {
        format!("共 {n} 份邀请。按 Ctrl+P 打印（A4）；每张卡片是一位评审人的邀请：扫码或打开链接。")
    };
    let mut out = format!(
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n{}\n</head>\n<body>\n<main>\n<h1>{}</h1>\n\
         <p class=\"hint\">{}</p>\n<ul class=\"cards\" role=\"list\">\n",
        if en { "en" } else { "zh-CN" },
        esc(&title),
        match stylesheet {
            Some(href) => format!("<link rel=\"stylesheet\" href=\"{}\">", esc(href)),
            None => format!("<style>{SHEET_STYLE}</style>"),
        },
        esc(&title),
        esc(&hint),
    );
    for x in invitations {
        card(&mut out, plan, x, lang);
    }
    out.push_str("</ul>\n</main>\n</body>\n</html>\n");
    out
}

fn card(out: &mut String, plan: &Plan, x: &PrintedInvitation, lang: &str) {
    let en = lang == "en";
    let t = |zh: &'static str, e: &'static str| if en { e } else { zh };
    let p = &x.invitation.payload;
    let heading = if p.name.is_empty() { &p.rater } else { &p.name };
    out.push_str(&format!(
        "<li class=\"card\">\n<h2>{}</h2>\n<dl>\n<dt>{}</dt><dd>{}</dd>\n",
        esc(heading),
        t("编号", "ID"),
        esc(&p.rater)
    ));
    if let Some(g) = &p.group {
        out.push_str(&format!(
            "<dt>{}</dt><dd>{}</dd>\n",
            t("组别", "Group"),
            esc(&group_name(plan, &p.instrument, g, lang))
        ));
    }
    let units = unit_names(plan, &p.units, lang).join(if en { ", " } else { "、" });
    out.push_str(&format!(
        "<dt>{}</dt><dd>{}</dd>\n<dt>{}</dt><dd>{} – {}</dd>\n</dl>\n",
        t("评审对象", "Units"),
        esc(&units),
        t("有效期（北京时间）", "Valid (China time)"),
        esc(&china_day(&p.valid_from)),
        esc(&china_day(&p.valid_until)),
    ));
    out.push_str(&format!(
        "<div class=\"qr\">{}</div>\n<p class=\"link\">{}</p>\n</li>\n",
        x.qr_svg,
        esc(&x.invitation.link)
    ));
}

/// The China-time day (`YYYY-MM-DD`) of an RFC 3339 instant: a rater reads the days the
/// office chose, not UTC instants. The text itself when it is no such instant.
fn china_day(instant: &str) -> String {
    match crate::trust::parse_instant(instant) {
        Some(ms) => {
            let days = (ms + 8 * 3_600_000).div_euclid(86_400_000);
            let (y, m, d) = crate::date::civil_from_days(days);
            format!("{y:04}-{m:02}-{d:02}")
        }
        None => instant.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    /// The office page links `www/css/invite-sheet.css`: the same style as the CLI's file.
    #[test]
    fn the_web_stylesheet_is_the_sheet_style() {
        let web = include_str!("../../../../www/css/invite-sheet.css");
        assert_eq!(web.trim_end(), super::SHEET_STYLE);
    }
}
