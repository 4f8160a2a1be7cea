//! `kaoping keys new` and `kaoping keys show`, as a script runs them (`--password-env`).

use std::process::Command;

fn kaoping(args: &[&str], password: &str) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kaoping"))
        .args(args)
        .env("KAOPING_TEST_PASSWORD", password)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_new_key_file_is_shown_and_never_overwritten() {
    let dir = std::env::temp_dir().join(format!("kaoping-cli-keys-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("office-key.json");
    let f = file.to_str().unwrap();
    let new = [
        "--lang",
        "en",
        "keys",
        "new",
        "--out",
        f,
        "--password-env",
        "KAOPING_TEST_PASSWORD",
    ];
    let (ok, _, err) = kaoping(&new, "short");
    assert!(!ok && err.contains("at least 12 characters"), "{err}");
    assert!(!file.exists());
    let (ok, out, err) = kaoping(&new, "a long enough password");
    assert!(ok, "{err}");
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(written["format"], "kaoping.key/1");
    assert_eq!(written["kdf"]["iterations"], 600000);
    let id = written["id"].as_str().unwrap();
    assert!(out.contains(id), "{out}");
    let (ok, shown, err) = kaoping(&["keys", "show", f, "--json"], "");
    assert!(ok, "{err}");
    let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(shown["id"], written["id"]);
    assert_eq!(shown["public"], written["public"]);
    assert_eq!(shown["created"], written["created"]);
    let (ok, shown, _) = kaoping(&["--lang", "zh-CN", "keys", "show", f], "");
    assert!(ok && shown.contains(&format!("编号: {id}")), "{shown}");
    let before = std::fs::read(&file).unwrap();
    let (ok, _, err) = kaoping(&new, "another long password");
    assert!(!ok && err.contains("never overwritten"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), before);
    let (ok, _, err) = kaoping(&["--lang", "zh-CN", "keys", "show", "Cargo.toml"], "");
    assert!(!ok && err.contains("不是 kaoping 密钥文件"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
