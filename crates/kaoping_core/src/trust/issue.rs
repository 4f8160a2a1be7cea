//! A new batch of one-time codes for an instrument of the plan (the office's side of
//! `docs/trust.md`): the codes from the caller's random bytes, the unsigned batch of their
//! hashes and the bytes the office key signs, and the slips to print (HTML) or keep (CSV).
//! The CLI (`kaoping codes new`) and the office page both call [`issue_codes`] and
//! [`slips_html`], so the two make the same files.

use super::codes::{batch_message, generate_codes, CodeBatch};
use super::{Access, TrustError, TrustRules, MAX_BATCH_CODES, MAX_BATCH_NAME_CHARS};
use crate::plan::Plan;
use crate::text::escape_html as esc;
use serde::Serialize;

/// An instrument that takes codes: its id and its title in the language asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CodedInstrument {
    pub id: String,
    pub title: String,
}

/// The plan's instruments that take one-time codes (`trust.instruments` says `code`), in
/// plan order; none when the trust section is invalid.
pub fn coded_instruments(plan: &Plan, lang: &str) -> Vec<CodedInstrument> {
    let rules = TrustRules::of(plan).unwrap_or_default();
    plan.instruments
        .iter()
        .filter(|i| rules.instruments.get(&i.id) == Some(&Access::Code))
        .map(|i| CodedInstrument {
            id: i.id.clone(),
            title: i.title.get(lang).to_owned(),
        })
        .collect()
}

/// A new batch: the codes (secret until handed out), the batch of their hashes (unsigned)
/// and the bytes to sign ([`batch_message`]).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct CodeIssue {
    /// `XXXX-XXXX-XXXX`, in the order made (duplicates, at 60 random bits, dropped).
    pub codes: Vec<String>,
    pub batch: CodeBatch,
    /// The UTF-8 bytes the office key signs.
    pub message: Vec<u8>,
}

/// Makes `random.len() / 8` codes for `instrument`, which must take codes, in a batch named
/// `batch` created at `created` (RFC 3339) for the office key `key` (an id of the plan's
/// `trust.keys`, not revoked). The caller gives random bytes from the OS.
pub fn issue_codes(
    plan: &Plan,
    instrument: &str,
    batch: &str,
    created: &str,
    key: &str,
    random: &[u8],
) -> Result<CodeIssue, TrustError> {
    let rules = TrustRules::of(plan)?;
    if !plan.instruments.iter().any(|i| i.id == instrument) {
        return Err(TrustError::UnknownInstrument(instrument.to_owned()));
    }
    if rules.instruments.get(instrument) != Some(&Access::Code) {
        return Err(TrustError::NotCoded(instrument.to_owned()));
    }
    let count = random.len() / 8;
    if count == 0 || count > MAX_BATCH_CODES {
        return Err(TrustError::CodeCount {
            count,
            max: MAX_BATCH_CODES,
        });
    }
    let name = batch.trim();
    if name.is_empty() || name.chars().count() > MAX_BATCH_NAME_CHARS {
        return Err(TrustError::BatchName {
            max: MAX_BATCH_NAME_CHARS,
        });
    }
    if super::parse_instant(created).is_none() {
        return Err(TrustError::BadTime(created.to_owned()));
    }
    match rules.key(key) {
        None => return Err(TrustError::UnknownKey(key.to_owned())),
        Some(k) if k.revoked => return Err(TrustError::RevokedKey(key.to_owned())),
        Some(_) => {}
    }
    let mut seen = std::collections::BTreeSet::new();
    let codes: Vec<String> = generate_codes(random)
        .into_iter()
        .filter(|c| seen.insert(c.clone()))
        .collect();
    let batch = CodeBatch::of_codes(&plan.id, instrument, name, created, key, &codes)?;
    let message = batch_message(&batch);
    Ok(CodeIssue {
        codes,
        batch,
        message,
    })
}

/// The files of a batch the office key signed: the batch (JSON, public: hashes only) and the
/// codes as CSV and printable slips (secret until handed out).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CodeFiles {
    /// `codes-<batch>` with characters other than letters, digits, `-`, `_` as `_`.
    pub stem: String,
    pub batch_json: String,
    pub csv: String,
    pub html: String,
}

/// A batch from [`issue_codes`] with its signature (base64url of the office key's signature
/// of [`CodeIssue::message`]) put in and checked against the plan's keys, and its files.
pub fn sign_issue(
    plan: &Plan,
    issue: &CodeIssue,
    signature: &str,
    respond_url: Option<&str>,
) -> Result<CodeFiles, TrustError> {
    let batch = CodeBatch {
        signature: signature.to_owned(),
        ..issue.batch.clone()
    };
    super::codes::verify_batch(&TrustRules::of(plan)?, &batch)?;
    Ok(CodeFiles {
        stem: file_stem(&batch.batch),
        batch_json: serde_json::to_string_pretty(&batch).unwrap_or_default() + "\n",
        csv: slips_csv(&batch, &issue.codes),
        html: slips_html(plan, &batch, &issue.codes, respond_url),
    })
}

/// The files' name without extension: `codes-` and the batch's name, with characters other
/// than letters, digits, `-` and `_` as `_`.
pub fn file_stem(batch: &str) -> String {
    let name: String = batch
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("codes-{name}")
}

/// The codes as CSV (BOM, CRLF): number, code, batch, instrument.
pub fn slips_csv(batch: &CodeBatch, codes: &[String]) -> String {
    let mut out = String::from(crate::cells::BOM);
    out.push_str("序号 No.,评价码 Code,批次 Batch,问卷 Instrument\r\n");
    let quoted = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    for (i, c) in codes.iter().enumerate() {
        out.push_str(&format!(
            "{},{c},{},{}\r\n",
            i + 1,
            quoted(&batch.batch),
            quoted(&batch.instrument)
        ));
    }
    out
}

const SLIPS_CSS: &str = "body{font-family:system-ui,sans-serif;margin:1rem;color:#111}\
header{margin-bottom:1rem}\
.secret{border:2px solid #8a1c1c;padding:.5rem;color:#8a1c1c}\
ol{list-style:none;padding:0;margin:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr))}\
li{border:1px dashed #555;padding:.75rem;break-inside:avoid}\
.code{font:700 1.5rem/1.4 ui-monospace,monospace;letter-spacing:.08em;margin:.3rem 0}\
.where,.plan{font-size:.85rem;margin:0}\
.qr svg{width:7.5rem;height:7.5rem;display:block;margin:.4rem 0}\
@media print{header{display:none}body{margin:0}}";

/// The printable slips: one per code, each with the plan's title, the instrument's title,
/// the code, and where to enter it, in Chinese and English. With `respond_url` (the
/// questionnaire page's address, which may carry `?plan=…`), the slip shows that address with
/// `instrument=…` and a QR code of it with `#code=` and the code, which opens the page with the
/// code filled in (a fragment: the code reaches no server log). No names anywhere.
pub fn slips_html(
    plan: &Plan,
    batch: &CodeBatch,
    codes: &[String],
    respond_url: Option<&str>,
) -> String {
    let instrument = plan.instruments.iter().find(|i| i.id == batch.instrument);
    let title = |t: &crate::text::Text, lang: &str| esc(t.get(lang));
    let (ins_zh, ins_en) = instrument
        .map(|i| (title(&i.title, "zh-CN"), title(&i.title, "en")))
        .unwrap_or_else(|| (esc(&batch.instrument), esc(&batch.instrument)));
    let (plan_zh, plan_en) = (title(&plan.title, "zh-CN"), title(&plan.title, "en"));
    let link = respond_url.map(|u| {
        let join = if u.contains('?') { '&' } else { '?' };
        format!("{u}{join}instrument={}", batch.instrument)
    });
    let address = link
        .as_ref()
        .map(|a| format!("<br><span class=\"addr\">{}</span>", esc(a)))
        .unwrap_or_default();
    let mut slips = String::new();
    for (i, code) in codes.iter().enumerate() {
        // A link of a few hundred bytes always fits a QR code; one that does not is left out.
        let qr = link
            .as_ref()
            .and_then(|l| {
                let label = format!("评价码 {n} 的二维码 QR code of code {n}", n = i + 1);
                crate::qr::qr_svg(&format!("{l}#code={code}"), &label).ok()
            })
            .map(|svg| format!("<div class=\"qr\">{svg}</div>"))
            .unwrap_or_default();
        slips.push_str(&format!(
            "<li><p class=\"plan\">{plan_zh} · {ins_zh}<br><span lang=\"en\">{plan_en} · {ins_en}</span></p>\
<p class=\"code\" aria-label=\"评价码 {n} Code {n}\">{code}</p>{qr}\
<p class=\"where\">请在问卷页面输入此码，每码只能使用一次。<br><span lang=\"en\">Enter this code on the questionnaire page; it counts once.</span>{address}</p></li>\n",
            n = i + 1
        ));
    }
    format!(
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>一次性评价码 One-time codes · {batch_name}</title><style>{SLIPS_CSS}</style></head>\n<body>\
<header><h1>一次性评价码 <span lang=\"en\">One-time codes</span></h1>\
<p>{plan_zh} · {ins_zh} · {batch_name} · {count} 个 <span lang=\"en\">codes</span></p>\
<p class=\"secret\">发放前请妥善保管：持码即可评价一次。裁开后每人随机取一张，不登记姓名。\
<br><span lang=\"en\">Keep this page secret until the slips are handed out: each code casts one appraisal. \
Cut the slips and let each person take one at random; never write down who took which.</span></p></header>\n\
<main><ol>\n{slips}</ol></main></body></html>\n",
        batch_name = esc(&batch.batch),
        count = codes.len(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::codes::{normalize_code, verify_batch};
    use crate::trust::keys::{format_public, key_id, public_from_seed};

    const SEED: [u8; 32] = [7; 32];

    fn plan() -> (Plan, String) {
        let mut plan = crate::plan::demo_plan();
        let public = public_from_seed(&SEED);
        let id = key_id(&public);
        plan.trust = serde_json::json!({
            "keys": [{"id": id, "public": format_public(&public)}],
            "instruments": {"cadre": "code", "expert": "invitation"}
        });
        (plan, id)
    }

    #[test]
    fn batch_names_become_file_names() {
        assert_eq!(file_stem("2026-12 会议"), "codes-2026-12_会议");
        assert_eq!(file_stem("../x"), "codes-___x");
    }

    #[test]
    fn only_coded_instruments_are_offered() {
        let (plan, _) = plan();
        let ids: Vec<_> = coded_instruments(&plan, "en")
            .into_iter()
            .map(|i| i.id)
            .collect();
        assert_eq!(ids, ["cadre"]);
        assert!(coded_instruments(&crate::plan::demo_plan(), "en").is_empty());
    }

    #[test]
    fn a_batch_is_made_signed_and_verified() {
        let (plan, key) = plan();
        let random: Vec<u8> = (0u8..40).collect();
        let issue = issue_codes(
            &plan,
            "cadre",
            " 2026-12 会议 ",
            "2026-12-01T08:00:00.000Z",
            &key,
            &random,
        )
        .unwrap();
        assert_eq!(issue.codes.len(), 5);
        assert_eq!(issue.batch.batch, "2026-12 会议");
        assert_eq!(issue.message, batch_message(&issue.batch));
        let signed = issue.batch.clone().signed(&SEED);
        verify_batch(&TrustRules::of(&plan).unwrap(), &signed).unwrap();
        for c in &issue.codes {
            assert!(normalize_code(c).is_some(), "{c}");
        }
        let html = slips_html(
            &plan,
            &signed,
            &issue.codes,
            Some("https://x.cn/respond.html"),
        );
        assert_eq!(html.matches("<li>").count(), 5);
        assert!(html.contains(&issue.codes[4]));
        assert!(html.contains("https://x.cn/respond.html?instrument=cadre"));
        // Each slip's QR code opens the page with its code.
        let svgs: Vec<&str> = html.split("<svg").skip(1).collect();
        assert_eq!(svgs.len(), 5);
        let first = format!("<svg{}", &svgs[0][..svgs[0].find("</svg>").unwrap() + 6]);
        assert_eq!(
            crate::qr::tests::decode(&first),
            format!(
                "https://x.cn/respond.html?instrument=cadre#code={}",
                issue.codes[0]
            )
        );
        // An address that names the plan keeps it.
        let with_plan = slips_html(
            &plan,
            &signed,
            &issue.codes[..1],
            Some("r.html?plan=p.json"),
        );
        assert!(
            with_plan.contains("r.html?plan=p.json&amp;instrument=cadre"),
            "{with_plan}"
        );
        // Without an address: no QR code.
        assert!(!slips_html(&plan, &signed, &issue.codes, None).contains("<svg"));
        assert!(html.contains("2026-12 会议"));
        let sig = crate::trust::keys::b64u(&crate::trust::keys::sign(&SEED, &issue.message));
        let files = sign_issue(&plan, &issue, &sig, None).unwrap();
        assert_eq!(files.stem, "codes-2026-12_会议");
        let back: crate::trust::codes::CodeBatch = serde_json::from_str(&files.batch_json).unwrap();
        assert_eq!(back, signed);
        assert!(
            files.html.contains(&issue.codes[0]) && !files.batch_json.contains(&issue.codes[0])
        );
        let other = crate::trust::keys::b64u(&crate::trust::keys::sign(&[8; 32], &issue.message));
        assert_eq!(
            sign_issue(&plan, &issue, &other, None).unwrap_err().code(),
            "code_batch_invalid"
        );
        let csv = slips_csv(&signed, &issue.codes);
        assert_eq!(csv.lines().count(), 6);
        assert!(csv.contains(&format!("5,{},", issue.codes[4])));
    }

    #[test]
    fn a_wrong_request_is_refused_with_its_reason() {
        let (plan, key) = plan();
        let at = "2026-12-01T08:00:00Z";
        let r = [1u8; 16];
        let code = |res: Result<CodeIssue, TrustError>| res.unwrap_err().code();
        assert_eq!(
            code(issue_codes(&plan, "expert", "b", at, &key, &r)),
            "not_coded"
        );
        assert_eq!(
            code(issue_codes(&plan, "nope", "b", at, &key, &r)),
            "unknown_instrument"
        );
        assert_eq!(
            code(issue_codes(&plan, "cadre", "b", at, &key, &[1; 7])),
            "code_count"
        );
        assert_eq!(
            code(issue_codes(&plan, "cadre", " ", at, &key, &r)),
            "batch_name"
        );
        assert_eq!(
            code(issue_codes(&plan, "cadre", "b", "today", &key, &r)),
            "bad_time"
        );
        assert_eq!(
            code(issue_codes(&plan, "cadre", "b", at, "0000", &r)),
            "unknown_key"
        );
        let mut revoked = plan.clone();
        revoked.trust["keys"][0]["revoked"] = true.into();
        assert_eq!(
            code(issue_codes(&revoked, "cadre", "b", at, &key, &r)),
            "revoked_key"
        );
    }
}
