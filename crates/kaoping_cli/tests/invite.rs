//! `kaoping invite`: a roster fixture signed into invitations with a key file made here
//! (`--password-env`); every link opens on the review page's terms (`invited_sheet`) with the
//! roster's units; a roster with problems lists them by cell and writes nothing.

use kaoping_core::invite::invited_sheet;
use std::path::{Path, PathBuf};
use std::process::Command;

const PASSWORD: &str = "a long enough password";
/// 2026-12-10T00:00:00Z, inside 2026-12-01..2026-12-15 China time.
const NOW: f64 = 1_796_860_800_000.0;

fn kaoping(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kaoping"))
        .args(args)
        .env("KAOPING_TEST_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/roster")
        .join(name)
}

/// A key file and the demo plan listing its public key, in `dir`.
fn key_and_plan(dir: &Path) -> (kaoping_core::plan::Plan, PathBuf, PathBuf) {
    let key = dir.join("office-key.json");
    let k = key.to_str().unwrap();
    let (ok, _, err) = kaoping(&[
        "keys",
        "new",
        "--out",
        k,
        "--password-env",
        "KAOPING_TEST_PASSWORD",
    ]);
    assert!(ok, "{err}");
    let kf: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&key).unwrap()).unwrap();
    let (ok, demo, err) = kaoping(&["demo", "plan"]);
    assert!(ok, "{err}");
    let mut plan: serde_json::Value = serde_json::from_str(&demo).unwrap();
    plan["trust"] = serde_json::json!({
        "keys": [{"id": kf["id"], "public": kf["public"]}],
        "instruments": {"expert": "invitation"}
    });
    let text = serde_json::to_string(&plan).unwrap();
    let plan_file = dir.join("plan.json");
    std::fs::write(&plan_file, &text).unwrap();
    let plan = kaoping_core::validate::validate_plan(&text).plan.unwrap();
    (plan, key, plan_file)
}

#[test]
fn a_roster_is_signed_into_invitations_that_open_with_its_units() {
    let dir = std::env::temp_dir().join(format!("kaoping-cli-invite-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (plan, key, plan_file) = key_and_plan(&dir);
    let out = dir.join("out");
    let run = |roster: &Path, out: &Path| {
        kaoping(&[
            "--lang",
            "en",
            "invite",
            "--plan",
            plan_file.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
            roster.to_str().unwrap(),
            "--base",
            "https://portal/kaoping/",
            "--plan-url",
            "plan.json",
            "--instrument",
            "expert",
            "--valid-from",
            "2026-12-01",
            "--valid-until",
            "2026-12-15",
            "--out",
            out.to_str().unwrap(),
            "--password-env",
            "KAOPING_TEST_PASSWORD",
        ])
    };
    let (ok, stdout, err) = run(&fixture("english_options/roster.csv"), &out);
    assert!(ok, "{err}");
    assert!(stdout.contains("wrote 2 invitations"), "{stdout}");

    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("english_options/expected.json")).unwrap(),
    )
    .unwrap();
    let csv = std::fs::read_to_string(out.join("invitations.csv")).unwrap();
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[0].starts_with("\u{feff}rater,name,group,instrument,units"),
        "{}",
        lines[0]
    );
    for (line, entry) in lines[1..]
        .iter()
        .zip(expected["roster"]["entries"].as_array().unwrap())
    {
        let link = line.rsplit(',').next().unwrap();
        assert!(
            link.starts_with(
                "https://portal/kaoping/review.html?plan=plan.json&instrument=expert#invite="
            ),
            "{link}"
        );
        let token = link.split("#invite=").nth(1).unwrap();
        let sheet = invited_sheet(&plan, "expert", token, NOW).unwrap();
        let p = &sheet.invitation.payload;
        assert_eq!(p.rater, entry["rater"]);
        assert_eq!(p.name, entry["name"]);
        assert_eq!(p.valid_from, "2026-11-30T16:00:00.000Z");
        assert_eq!(p.valid_until, "2026-12-15T15:59:59.999Z");
        let mut want: Vec<String> = entry["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u.as_str().unwrap().to_owned())
            .collect();
        want.sort();
        let mut shown: Vec<String> = sheet
            .layout
            .categories
            .iter()
            .flat_map(|c| c.units.iter().map(|u| u.id.clone()))
            .collect();
        shown.sort();
        assert_eq!(shown, want);
        assert_eq!(p.units, want);
        // Outside its validity the same token is refused.
        assert!(invited_sheet(&plan, "expert", token, NOW + 10.0 * 86_400_000.0).is_err());
    }
    let html = std::fs::read_to_string(out.join("invitations.html")).unwrap();
    assert_eq!(html.matches("<li class=\"card\">").count(), 2);
    assert_eq!(html.matches("role=\"img\"").count(), 2);
    assert!(html.contains("Ann") && html.contains("Bob"));

    // A roster with problems: each by cell, exit 1, nothing written.
    let bad_out = dir.join("bad");
    let (ok, _, err) = run(&fixture("bad_rows/roster.csv"), &bad_out);
    assert!(!ok);
    assert!(
        err.contains("roster.csv: A3 (评审人编号)") || err.contains("roster.csv: A3"),
        "{err}"
    );
    assert!(err.contains("no invitation written"), "{err}");
    assert!(!bad_out.exists());

    // A wrong password: nothing written either.
    let wrong = Command::new(env!("CARGO_BIN_EXE_kaoping"))
        .args([
            "--lang",
            "en",
            "invite",
            "--plan",
            plan_file.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
            fixture("english_options/roster.csv").to_str().unwrap(),
            "--base",
            "/",
            "--plan-url",
            "p.json",
            "--instrument",
            "expert",
            "--valid-from",
            "2026-12-01",
            "--valid-until",
            "2026-12-15",
            "--out",
            dir.join("wrong").to_str().unwrap(),
            "--password-env",
            "WRONG_PASSWORD",
        ])
        .env("WRONG_PASSWORD", "not the password at all")
        .output()
        .unwrap();
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("wrong password"));
    assert!(!dir.join("wrong").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
