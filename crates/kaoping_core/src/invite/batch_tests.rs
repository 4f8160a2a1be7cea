//! A roster made into invitations: payloads, signatures, links and QR codes that open on the
//! review page with the roster's units; the list and the printed sheet; and the refusals
//! (no dates, a bad row: nothing issued; signatures that do not match).

use super::*;
use crate::trust::keys::{b64u, format_public, key_id, public_from_seed, sign};
use serde_json::json;

const OFFICE: [u8; 32] = [7; 32];
/// 2026-12-10T00:00:00Z.
const NOW: f64 = 1_796_860_800_000.0;
const ROSTER: &str = "rater,name,group,units\nX1,Ann,industry,dept\nX2,Bob,,\"ndrc, health\"\n";
const SEED: &str = "00112233445566ff";

fn plan() -> Plan {
    let mut plan = crate::plan::demo_plan();
    let public = public_from_seed(&OFFICE);
    plan.trust = json!({
        "keys": [{"id": key_id(&public), "public": format_public(&public)}],
        "instruments": {"expert": "invitation"}
    });
    plan
}

fn options(from: Option<&str>) -> crate::roster::RosterOptions {
    crate::roster::RosterOptions {
        instrument: Some("expert".into()),
        valid_from: from.map(str::to_owned),
        valid_until: Some("2026-12-15".into()),
    }
}

fn key() -> String {
    key_id(&public_from_seed(&OFFICE))
}

fn issued(plan: &Plan) -> (RosterPayloads, Vec<PrintedInvitation>) {
    let read = roster_payloads(
        plan,
        "roster.csv",
        ROSTER.as_bytes(),
        &options(Some("2026-12-01")),
        &key(),
        SEED,
    )
    .unwrap();
    let payloads: Vec<Vec<u8>> = read.payloads.iter().map(|p| p.payload.clone()).collect();
    let sigs: Vec<String> = payloads.iter().map(|p| b64u(&sign(&OFFICE, p))).collect();
    let printed =
        roster_invitations(plan, &payloads, &sigs, "https://kp.example/", "plan.json").unwrap();
    (read, printed)
}

#[test]
fn china_days_are_written_as_utc_instants() {
    assert_eq!(
        day_start_utc("2026-12-01").unwrap(),
        "2026-11-30T16:00:00.000Z"
    );
    assert_eq!(
        day_end_utc("2026-12-31").unwrap(),
        "2026-12-31T15:59:59.999Z"
    );
    assert_eq!(day_start_utc("2026-12-32"), None);
    assert_eq!(day_end_utc("tomorrow"), None);
}

#[test]
fn a_roster_gives_invitations_that_open_with_its_units() {
    let plan = plan();
    let (read, printed) = issued(&plan);
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    assert_eq!(read.payloads.len(), 2);
    assert_eq!(printed.len(), 2);
    for (p, x) in read.payloads.iter().zip(&printed) {
        let sheet = invited_sheet(&plan, "expert", &x.invitation.token, NOW).unwrap();
        let shown: Vec<&str> = sheet
            .layout
            .categories
            .iter()
            .flat_map(|c| c.units.iter().map(|u| u.id.as_str()))
            .collect();
        assert_eq!(shown, p.draft.units);
        assert_eq!(sheet.invitation.payload.rater, p.draft.rater);
        assert_eq!(
            sheet.invitation.payload.valid_from,
            "2026-11-30T16:00:00.000Z"
        );
        assert_eq!(
            sheet.invitation.payload.valid_until,
            "2026-12-15T15:59:59.999Z"
        );
        assert!(x.qr_svg.starts_with("<svg"), "{}", x.qr_svg);
        assert!(x.qr_svg.contains(&p.draft.rater));
    }
    assert_eq!(read.payloads[0].draft.group.as_deref(), Some("industry"));
    assert_ne!(read.payloads[0].draft.serial, read.payloads[1].draft.serial);
    // Another seed: new tokens for the same raters.
    let again = roster_payloads(
        &plan,
        "r.csv",
        ROSTER.as_bytes(),
        &options(Some("2026-12-01")),
        &key(),
        "ffffffffffffffff",
    )
    .unwrap();
    assert_ne!(
        again.payloads[0].draft.serial,
        read.payloads[0].draft.serial
    );

    let links: Vec<InvitationLink> = printed.iter().map(|x| x.invitation.clone()).collect();
    let csv = invitations_csv(&plan, &links, "zh-CN");
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("\u{feff}评审人编号,姓名,组别,问卷,评审对象"));
    assert!(lines[1].starts_with("X1,Ann,"), "{}", lines[1]);
    assert!(lines[1].ends_with(&links[0].link));
    assert!(invitations_csv(&plan, &links, "en").starts_with("\u{feff}rater,name,group"));

    let html = print_sheet(&plan, &printed, "en", None);
    assert_eq!(html.matches("<li class=\"card\">").count(), 2);
    assert_eq!(html.matches("<svg").count(), 2);
    assert_eq!(html.matches("role=\"img\"").count(), 2);
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("break-inside:avoid"));
    assert!(html.contains("size:A4"));
    assert!(html.contains("Invitation: X2 Bob"));
    assert!(html.contains("<dt>Valid (China time)</dt><dd>2026-12-01 – 2026-12-15</dd>"));
    assert!(html.contains("<style>"));
    let linked = print_sheet(
        &plan,
        &printed,
        "zh-CN",
        Some("https://kp.example/css/invite-sheet.css"),
    );
    assert!(linked.contains("评审对象"));
    assert!(linked
        .contains("<link rel=\"stylesheet\" href=\"https://kp.example/css/invite-sheet.css\">"));
    assert!(!linked.contains("<style>"));
}

#[test]
fn without_dates_or_with_a_bad_row_nothing_is_issued() {
    let plan = plan();
    let read = roster_payloads(
        &plan,
        "r.csv",
        ROSTER.as_bytes(),
        &options(None),
        &key(),
        SEED,
    )
    .unwrap();
    assert!(read.payloads.is_empty());
    assert_eq!(read.problems.len(), 2);
    assert!(read.problems.iter().all(|p| p.code == "missing_dates"));
    assert_eq!(read.problems[0].row, 2);
    assert!(read.problems[0].message.get("zh-CN").contains("有效期"));

    let bad = format!("{ROSTER}X3,Cy,,no-such-unit\n");
    let read = roster_payloads(
        &plan,
        "r.csv",
        bad.as_bytes(),
        &options(Some("2026-12-01")),
        &key(),
        SEED,
    )
    .unwrap();
    assert!(
        read.payloads.is_empty(),
        "a good row is not issued beside a bad one"
    );
    assert_eq!(read.problems.len(), 1);
    assert_eq!(read.problems[0].row, 4);
    assert_eq!(read.problems[0].code, "unknown_unit");

    // A key the plan does not list: every row refused with the trust check's code.
    let read = roster_payloads(
        &plan,
        "r.csv",
        ROSTER.as_bytes(),
        &options(Some("2026-12-01")),
        "0000000000000000",
        SEED,
    )
    .unwrap();
    assert!(read.payloads.is_empty());
    assert_eq!(read.problems.len(), 2);
    assert_eq!(read.problems[0].code, "unknown_key");
}

#[test]
fn signatures_must_match_the_payloads() {
    let plan = plan();
    let (read, _) = issued(&plan);
    let payloads: Vec<Vec<u8>> = read.payloads.iter().map(|p| p.payload.clone()).collect();
    let one = vec![b64u(&sign(&OFFICE, &payloads[0]))];
    assert_eq!(
        roster_invitations(&plan, &payloads, &one, "/", "p.json").unwrap_err(),
        BatchError::Count {
            payloads: 2,
            signatures: 1
        }
    );
    // The first payload's signature on the second: refused as the review page would.
    let swapped = vec![one[0].clone(), one[0].clone()];
    let err = roster_invitations(&plan, &payloads, &swapped, "/", "p.json").unwrap_err();
    assert!(
        matches!(
            err,
            BatchError::Trust {
                index: 1,
                error: TrustError::BadToken(_)
            }
        ),
        "{err:?}"
    );
}
