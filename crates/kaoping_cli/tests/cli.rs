//! The command line, as a user runs it: each folder of `tests/fixtures/cli/` holds `args` (one
//! command per line, `> FILE` writes stdout to a file in a temporary folder; `{root}` is the
//! repository, `{demo_plan}` the demo plan file), the files it reads, and `expected.txt`: the
//! stdout of the last command, its stderr (each line after `stderr: `) and its exit code. `UPDATE_FIXTURES=1` rewrites `expected.txt`.
//! A line `cp FROM TO` copies a file inside the temporary folder instead (to tamper with an
//! input between two commands), and a line `cat FILE` makes FILE's text the output compared.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run_case(dir: &Path) -> Result<(), String> {
    let name = dir.file_name().unwrap().to_string_lossy().to_string();
    let work = std::env::temp_dir().join(format!("kaoping-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(dir).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        std::fs::copy(&path, work.join(path.file_name().unwrap())).map_err(|e| e.to_string())?;
    }
    let args = std::fs::read_to_string(dir.join("args")).map_err(|e| e.to_string())?;
    let root = root().canonicalize().map_err(|e| e.to_string())?;
    let root_text = root.to_string_lossy().to_string();
    let demo = root.join("crates/kaoping_core/plans/demo.json");
    let mut last = String::new();
    for line in args.lines().filter(|l| !l.trim().is_empty()) {
        let line = line
            .replace("{root}", &root_text)
            .replace("{demo_plan}", &demo.to_string_lossy());
        if let Some(rest) = line.strip_prefix("cp ") {
            let (from, to) = rest.split_once(' ').ok_or("cp FROM TO")?;
            std::fs::copy(work.join(from), work.join(to)).map_err(|e| e.to_string())?;
            continue;
        }
        if let Some(file) = line.strip_prefix("cat ") {
            last = std::fs::read_to_string(work.join(file)).map_err(|e| e.to_string())?;
            continue;
        }
        let (cmd, redirect) = match line.split_once(" > ") {
            Some((c, f)) => (c.to_owned(), Some(f.trim().to_owned())),
            None => (line.clone(), None),
        };
        let out = Command::new(env!("CARGO_BIN_EXE_kaoping"))
            .args(cmd.split_whitespace())
            .current_dir(&work)
            .env("LANG", "C")
            .output()
            .map_err(|e| e.to_string())?;
        match redirect {
            Some(file) => {
                std::fs::write(work.join(file), &out.stdout).map_err(|e| e.to_string())?
            }
            None => {
                let stdout = String::from_utf8_lossy(&out.stdout).replace(&root_text, "{root}");
                let stderr = String::from_utf8_lossy(&out.stderr).replace(&root_text, "{root}");
                let stderr: String = stderr.lines().map(|l| format!("stderr: {l}\n")).collect();
                last = format!(
                    "{stdout}{stderr}exit: {}\n",
                    out.status.code().unwrap_or(-1)
                );
            }
        }
    }
    let expected_path = dir.join("expected.txt");
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(&expected_path, &last).map_err(|e| e.to_string())?;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&work);
    if expected == last {
        Ok(())
    } else {
        Err(format!(
            "{name}:\n--- expected\n{expected}\n--- got\n{last}"
        ))
    }
}

#[test]
fn cli_fixtures() {
    let dir = root().join("tests/fixtures/cli");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    let failures: Vec<String> = cases.iter().filter_map(|c| run_case(c).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
