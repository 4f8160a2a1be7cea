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

/// A CSV file large enough to be read in blocks by several threads gives, byte for byte, the
/// outputs of one thread (`KAOPING_THREADS=1`): `kaoping ingest --json` and every file of
/// `kaoping aggregate`, with duplicates, a broken row and quoted line breaks in it.
#[test]
fn several_threads_give_the_outputs_of_one() {
    let dir = std::env::temp_dir().join(format!("kaoping-threads-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let kaoping = env!("CARGO_BIN_EXE_kaoping");
    let ok = |c: &mut Command| {
        let out = c.output().unwrap();
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    ok(Command::new(kaoping)
        .args(["demo", "responses", "--n", "100000", "--seed", "3", "--out"])
        .arg(&dir));
    let csv = std::fs::read_to_string(dir.join("public.csv")).unwrap();
    let mut lines: Vec<String> = csv.lines().map(String::from).collect();
    let n = lines.len();
    // Duplicates across the file, a broken row, quoted line breaks near every 4 MiB cut.
    for (i, j) in [(n - 10, 20), (n / 2, 30), (n / 3 + 7, n / 3)] {
        lines[i] = lines[j].clone();
    }
    lines[n / 4] = "R-broken,only two".into();
    for k in (1..n).step_by(97) {
        if lines[k].ends_with(',') && !lines[k].contains('"') {
            lines[k].push_str("\"a comment\nwith a line break, and a comma\"");
        }
    }
    // The second cut (blocks: the session's part ends at the first LF past 1 MiB, the first
    // block at the first LF past that + 4 MiB) inside a quoted comment with a line break.
    let row_at = |lines: &[String], pos: usize| {
        let mut at = 0;
        for (i, l) in lines.iter().enumerate() {
            if at + l.len() + 1 > pos {
                return (i, at + l.len() + 1);
            }
            at += l.len() + 1;
        }
        unreachable!()
    };
    let start = row_at(&lines, 1 << 20).1;
    let (q, _) = row_at(&lines, start + (4 << 20));
    let keep = lines[q].rfind(',').unwrap();
    lines[q] = format!("{},\"{}\nsecond line\"", &lines[q][..keep], "x".repeat(300));
    let text = lines.join("\n") + "\n";
    let cut = start
        + (4 << 20)
        + text.as_bytes()[start + (4 << 20)..]
            .iter()
            .position(|b| *b == b'\n')
            .unwrap()
        + 1;
    let quotes = text.as_bytes()[..cut]
        .iter()
        .filter(|b| **b == b'"')
        .count();
    assert_eq!(
        quotes % 2,
        1,
        "the cut after the first block is inside a quoted field"
    );
    let big = dir.join("public.csv");
    std::fs::write(&big, text).unwrap();
    assert!(
        std::fs::metadata(&big).unwrap().len() > 9 << 20,
        "large enough for blocks"
    );
    let ingest = |threads: &str| {
        ok(Command::new(kaoping)
            .env("KAOPING_THREADS", threads)
            .args(["ingest", "--json"])
            .arg(&big))
        .stdout
    };
    let one = ingest("1");
    assert!(String::from_utf8_lossy(&one).contains("duplicate_response"));
    assert_eq!(ingest("2"), one, "kaoping ingest --json");
    let plan = dir.join("plan.json");
    std::fs::write(
        &plan,
        ok(Command::new(kaoping).args(["demo", "plan"])).stdout,
    )
    .unwrap();
    for threads in ["1", "2"] {
        let mut c = Command::new(kaoping);
        c.env("KAOPING_THREADS", threads)
            .arg("aggregate")
            .arg("--plan")
            .arg(&plan)
            .arg(&big)
            .arg(dir.join("expert.jsonl"))
            .arg(dir.join("cadre.csv"))
            .arg("--out")
            .arg(dir.join(format!("out{threads}")));
        ok(&mut c);
    }
    let mut names: Vec<_> = std::fs::read_dir(dir.join("out1"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(names.len() > 10);
    for name in names {
        assert_eq!(
            std::fs::read(dir.join("out2").join(&name)).unwrap(),
            std::fs::read(dir.join("out1").join(&name)).unwrap(),
            "{name:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
