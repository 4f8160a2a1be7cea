//! `kaoping plan add-key`: the office's public key into the plan as an amendment, then an
//! instrument's access and a revocation.

use std::process::Command;

fn kaoping(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kaoping"))
        .args(args)
        .env("KAOPING_TEST_PASSWORD", "a long enough password")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_office_key_goes_into_the_plan_as_an_amendment() {
    let dir = std::env::temp_dir().join(format!("kaoping-cli-addkey-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (key, plan) = (dir.join("office-key.json"), dir.join("plan.json"));
    let (k, p) = (key.to_str().unwrap(), plan.to_str().unwrap());
    let (ok, demo, _) = kaoping(&["demo", "plan"]);
    assert!(ok);
    std::fs::write(&plan, demo).unwrap();
    let new = [
        "keys",
        "new",
        "--out",
        k,
        "--password-env",
        "KAOPING_TEST_PASSWORD",
    ];
    let (ok, _, err) = kaoping(&new);
    assert!(ok, "{err}");
    let id = json(&key)["id"].as_str().unwrap().to_owned();
    let reason = [
        "--date",
        "2026-12-02",
        "--reason",
        "写入公钥",
        "--reason-en",
        "key in",
    ];
    // The demo plan is also in English: without --reason-en the refusal names the option,
    // and the plan is left as it was.
    let no_en = ["plan", "add-key", p, "--key", k, "--date", "2026-12-02"];
    let (ok, _, err) = kaoping(&[&no_en[..], &["--reason", "写入公钥"]].concat());
    assert!(!ok && err.contains("--reason-en"), "{err}");
    assert!(json(&plan)["trust"]["keys"]
        .as_array()
        .is_none_or(Vec::is_empty));
    let add = [
        &["--lang", "en", "plan", "add-key", p, "--key", k][..],
        &reason,
    ]
    .concat();
    let (ok, out, err) = kaoping(&add);
    assert!(ok, "{err}");
    assert!(out.contains("key_added") && out.contains(&id), "{out}");
    let v = json(&plan);
    assert_eq!(v["trust"]["keys"][0]["id"], id);
    assert_eq!(v["trust"]["keys"][0]["public"], json(&key)["public"]);
    assert_eq!(v["amendments"][0]["reason"]["en"], "key in");
    let (ok, _, err) = kaoping(&["validate", p]);
    assert!(ok, "{err}");
    // The same key again: nothing changed, said in Chinese by default.
    let (ok, _, err) = kaoping(&[&["plan", "add-key", p, "--key", k][..], &reason].concat());
    assert!(!ok && err.contains("除版本号外没有任何改动"), "{err}");
    // The expert panel by invitation: the diff says earlier unsigned sheets will be rejected.
    let access = [
        "--lang",
        "en",
        "plan",
        "add-key",
        p,
        "--access",
        "expert=invitation",
    ];
    let (ok, out, err) = kaoping(&[&access[..], &reason].concat());
    assert!(ok, "{err}");
    assert!(
        out.contains("access_restricted") && out.contains("rejected at ingest"),
        "{out}"
    );
    assert_eq!(json(&plan)["trust"]["instruments"]["expert"], "invitation");
    let bad = [
        "--lang",
        "en",
        "plan",
        "add-key",
        p,
        "--access",
        "expert=maybe",
    ];
    let (ok, _, err) = kaoping(&[&bad[..], &reason].concat());
    assert!(!ok && err.contains("open, invitation or code"), "{err}");
    // The only key revoked while the panel needs invitations: the new plan is refused.
    let revoke = ["plan", "add-key", p, "--revoke", &id];
    let (ok, _, err) = kaoping(&[&revoke[..], &reason].concat());
    assert!(
        !ok && err.contains("这样修改后的方案不成立：/trust/keys：")
            && err.contains("须有至少一把未吊销的考评办密钥"),
        "{err}"
    );
    let reopen = ["--access", "expert=open"];
    let (ok, _, err) = kaoping(&[&revoke[..], &reopen, &reason].concat());
    assert!(ok, "{err}");
    let v = json(&plan);
    assert_eq!(v["trust"]["keys"][0]["revoked"], true);
    assert_eq!(v["amendments"].as_array().unwrap().len(), 3);
    let _ = std::fs::remove_dir_all(&dir);
}
