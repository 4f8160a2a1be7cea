//! `kaoping codes new` as a script runs it: a key made by `kaoping keys new`, a plan whose trust
//! holds that key and says `cadre` takes codes; the batch verifies, and the codes printed are
//! exactly the codes whose hashes it holds.

use kaoping_core::trust::codes::{code_hash, normalize_code, verify_batch, CodeBatch};
use kaoping_core::trust::TrustRules;
use std::path::Path;
use std::process::Command;

const PASSWORD: &str = "a long enough password";

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

fn setup(dir: &Path) -> (String, String) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let key = dir.join("office-key.json").to_str().unwrap().to_owned();
    let pw = ["--password-env", "KAOPING_TEST_PASSWORD"];
    let (ok, _, err) = kaoping(&[&["keys", "new", "--out", &key][..], &pw].concat());
    assert!(ok, "{err}");
    let (ok, shown, err) = kaoping(&["keys", "show", &key, "--json"]);
    assert!(ok, "{err}");
    let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
    let mut plan: serde_json::Value =
        serde_json::from_str(kaoping_core::plan::DEMO_PLAN_SOURCE).unwrap();
    plan["trust"] = serde_json::json!({
        "keys": [{"id": shown["id"], "public": shown["public"]}],
        "instruments": {"cadre": "code"}
    });
    let plan_path = dir.join("plan.json").to_str().unwrap().to_owned();
    std::fs::write(&plan_path, serde_json::to_string(&plan).unwrap()).unwrap();
    (plan_path, key)
}

#[test]
fn a_batch_is_signed_and_its_slips_hold_its_codes() {
    let dir = std::env::temp_dir().join(format!("kaoping-cli-codes-{}", std::process::id()));
    let (plan, key) = setup(&dir);
    let out = dir.join("out");
    let o = out.to_str().unwrap();
    let base = [
        "--lang",
        "en",
        "codes",
        "new",
        "--plan",
        &plan,
        "--key",
        &key,
        "--batch",
        "2026-12 会议",
        "--out",
        o,
        "--password-env",
        "KAOPING_TEST_PASSWORD",
    ];
    let (ok, _, err) = kaoping(&[&base[..], &["--instrument", "public", "--count", "3"]].concat());
    assert!(!ok && err.contains("does not take one-time codes"), "{err}");
    assert!(!out.exists(), "nothing written for a refused batch");
    let args = [&base[..], &["--instrument", "cadre", "--count", "25"]].concat();
    let (ok, stdout, err) = kaoping(&args);
    assert!(ok, "{err}");
    assert!(err.contains("keep them secret"), "{err}");
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    let json = std::fs::read_to_string(out.join("codes-2026-12_会议.json")).unwrap();
    let batch: CodeBatch = serde_json::from_str(&json).unwrap();
    let plan_value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    let rules = TrustRules::of_value(&plan_value["trust"]).unwrap();
    verify_batch(&rules, &batch).unwrap();
    assert_eq!(
        (batch.instrument.as_str(), batch.batch.as_str()),
        ("cadre", "2026-12 会议")
    );
    let csv = std::fs::read_to_string(out.join("codes-2026-12_会议.csv")).unwrap();
    let codes: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(codes.len(), 25);
    let mut hashes: Vec<String> = codes
        .iter()
        .map(|c| code_hash(&normalize_code(c).unwrap()))
        .collect();
    hashes.sort();
    assert_eq!(hashes, batch.hashes);
    let html = std::fs::read_to_string(out.join("codes-2026-12_会议.html")).unwrap();
    assert!(codes.iter().all(|c| html.contains(c)));
    assert!(!json.contains(codes[0]), "the batch holds hashes only");
    let (ok, _, err) = kaoping(&args);
    assert!(!ok && err.contains("not overwritten"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_test_random_gives_the_same_batch_and_a_wrong_password_nothing() {
    let dir = std::env::temp_dir().join(format!("kaoping-cli-codes-r-{}", std::process::id()));
    let (plan, key) = setup(&dir);
    let hex = "00112233445566778899aabbccddeeff";
    let run = |out: &str, var: &str| {
        kaoping(&[
            "--lang",
            "en",
            "codes",
            "new",
            "--plan",
            &plan,
            "--key",
            &key,
            "--instrument",
            "cadre",
            "--count",
            "2",
            "--batch",
            "b1",
            "--out",
            out,
            "--password-env",
            var,
            "--random-hex",
            hex,
            "--created",
            "2026-12-01T08:00:00.000Z",
        ])
    };
    let (a, b) = (dir.join("a"), dir.join("b"));
    assert!(run(a.to_str().unwrap(), "KAOPING_TEST_PASSWORD").0);
    assert!(run(b.to_str().unwrap(), "KAOPING_TEST_PASSWORD").0);
    let read = |d: &Path, f: &str| std::fs::read_to_string(d.join(f)).unwrap();
    assert_eq!(read(&a, "codes-b1.json"), read(&b, "codes-b1.json"));
    let csv = read(&a, "codes-b1.csv");
    assert!(csv.contains("1,008J-4CT4-ANK7,"), "{csv}");
    let (ok, _, err) = run(dir.join("c").to_str().unwrap(), "PATH");
    assert!(!ok && err.contains("wrong password"), "{err}");
    assert!(!dir.join("c").join("codes-b1.json").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
