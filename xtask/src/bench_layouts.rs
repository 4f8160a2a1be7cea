//! The layouts `cargo xtask bench` times: the demo's public survey (written by `kaoping demo
//! responses`) and the plans of `xtask/bench/plans/`, whose rows are generated here from a
//! fixed seed, one layout also encoded in GB18030. Each layout comes with a column spec
//! (`spec.json`): what the JavaScript baselines check in each column, read from the plan's
//! public survey, so that they check what the engine checks.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use crate::cmd::Cmd;

/// A layout: its name, the plan file (`None`: the built-in demo plan) and the encoding.
pub struct Layout {
    pub name: &'static str,
    pub plan: Option<&'static str>,
    pub gb18030: bool,
    /// Shown in the table: what the layout is.
    pub about: &'static str,
}

pub const LAYOUTS: [Layout; 5] = [
    Layout {
        name: "demo",
        plan: None,
        gb18030: false,
        about: "the demo's public survey, 19 columns",
    },
    Layout {
        name: "survey20",
        plan: Some("survey20"),
        gb18030: false,
        about: "20 single ratings, the unit, a comment",
    },
    Layout {
        name: "wide",
        plan: Some("wide"),
        gb18030: false,
        about: "a 64-row matrix, 67 columns",
    },
    Layout {
        name: "text",
        plan: Some("text"),
        gb18030: false,
        about: "6 ratings, two long texts: quoted line breaks, quotes, zh-CN, emoji",
    },
    Layout {
        name: "gb18030",
        plan: Some("text"),
        gb18030: true,
        about: "the text layout encoded in GB18030",
    },
];

/// The layouts named (all when `names` is empty).
pub fn select(names: &[String]) -> Result<Vec<&'static Layout>> {
    if names.is_empty() {
        return Ok(LAYOUTS.iter().collect());
    }
    names
        .iter()
        .map(|n| {
            LAYOUTS.iter().find(|l| l.name == n).with_context(|| {
                let all: Vec<_> = LAYOUTS.iter().map(|l| l.name).collect();
                format!("no layout {n:?}; the layouts: {}", all.join(", "))
            })
        })
        .collect()
}

/// A generated layout's files.
pub struct Data {
    pub csv: PathBuf,
    pub plan: PathBuf,
    pub spec: PathBuf,
}

/// The unable words the engine reads (README: `unable`, `无法评价`, `Unable to judge`).
const UNABLE: [&str; 3] = ["unable", "无法评价", "Unable to judge"];

/// The layout's files for `n` rows, generated once into `target/bench/LAYOUT-nN/`.
pub fn data(root: &Path, kaoping: &Path, l: &Layout, n: usize) -> Result<Data> {
    let dir = root.join(format!("target/bench/{}-n{n}", l.name));
    let data = Data {
        csv: dir.join(format!("{}.csv", l.name)),
        plan: dir.join("plan.json"),
        spec: dir.join("spec.json"),
    };
    if data.csv.is_file() && data.spec.is_file() && data.plan.is_file() {
        return Ok(data);
    }
    println!(
        "generating {n} rows of layout {} into {}",
        l.name,
        dir.display()
    );
    std::fs::create_dir_all(&dir)?;
    let plan_text = match l.plan {
        Some(p) => std::fs::read_to_string(root.join(format!("xtask/bench/plans/{p}.json")))?,
        None => Cmd::new(kaoping).args(["demo", "plan"]).read()?,
    };
    let plan: Value = serde_json::from_str(&plan_text)?;
    let spec = spec(&plan, l.gb18030, l.plan.is_none())?;
    if l.plan.is_none() {
        Cmd::new(kaoping)
            .args([
                "demo",
                "responses",
                "--seed",
                "1",
                "--n",
                &n.to_string(),
                "--out",
            ])
            .arg(&dir)
            .run()?;
        std::fs::rename(dir.join("public.csv"), &data.csv)?;
    } else {
        generate(&spec, n, l.gb18030, &data.csv)?;
    }
    std::fs::write(&data.plan, plan_text)?;
    std::fs::write(&data.spec, serde_json::to_string_pretty(&spec)?)?;
    Ok(data)
}

/// The bytes of `s` in the layout's encoding.
fn encode(s: &str, gb18030: bool) -> Vec<u8> {
    if gb18030 {
        encoding_rs::GB18030.encode(s).0.into_owned()
    } else {
        s.as_bytes().to_vec()
    }
}

/// What each column of the public survey's flat layout is checked for, in header order.
fn spec(plan: &Value, gb18030: bool, demo: bool) -> Result<Value> {
    let ins = plan["instruments"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["id"] == "public"))
        .context("the plan has no public instrument")?;
    let unit_q = plan["scoring"]["public"]["unit_question"].as_str();
    let mut cols = vec![json!({"key": "respondent_id", "kind": "id"})];
    if demo {
        // `kaoping demo responses` writes the submission time; nothing is checked there.
        cols.push(json!({"key": "submitted_at", "kind": "skip"}));
    }
    let questions = ins["sections"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["questions"].as_array().into_iter().flatten());
    for q in questions {
        let id = q["id"].as_str().context("a question without id")?;
        let required = q["required"].as_bool().unwrap_or(false);
        let options = |q: &Value| -> Vec<String> {
            q["options"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|o| o["value"].as_str().map(str::to_owned))
                .collect()
        };
        let rating = |key: String| {
            json!({"key": key, "kind": "rating", "required": required,
                "min": q["scale"]["min"], "max": q["scale"]["max"],
                "unable": q["unable"].as_bool().unwrap_or(false)})
        };
        match q["type"].as_str().unwrap_or_default() {
            "single" => {
                let kind = if Some(id) == unit_q { "unit" } else { "single" };
                cols.push(json!({"key": id, "kind": kind, "required": required, "options": options(q)}));
            }
            "multiple" => cols.push(json!({"key": id, "kind": "multiple", "required": required,
                "options": options(q), "min_select": q["min_select"], "max_select": q["max_select"]})),
            "number" => cols.push(json!({"key": id, "kind": "number", "required": required,
                "min": q["min"], "max": q["max"]})),
            "nps" => cols.push(json!({"key": id, "kind": "rating", "required": required,
                "min": 0, "max": 10, "unable": false})),
            "rating" => cols.push(rating(id.to_owned())),
            "matrix" => {
                for r in options(&json!({"options": q["rows"]})) {
                    cols.push(rating(format!("{id}.{r}")));
                }
            }
            "text" => {
                let mut c = json!({"key": id, "kind": "text", "required": required,
                    "max_length": q["max_length"]});
                if let Some(rel) = q["relevant"].as_str() {
                    // The one relevance form the bench plans use: selected(QUESTION, 'VALUE').
                    let inner = rel
                        .strip_prefix("selected(")
                        .and_then(|r| r.strip_suffix("')"))
                        .and_then(|r| r.split_once(", '"))
                        .with_context(|| format!("{id}: relevance {rel:?} is not selected(q, 'v')"))?;
                    c["if_selected"] = json!([inner.0, inner.1]);
                }
                cols.push(c);
            }
            t => bail!("{id}: question type {t:?} is not in the bench's baselines"),
        }
        if q["reason"].is_object() {
            // A written reason is asked for, never required by the ingest.
            cols.push(json!({"key": format!("{id}.reason"), "kind": "skip"}));
        }
    }
    // Byte forms of every string the byte loop compares, in the file's encoding.
    for c in &mut cols {
        if let Some(o) = c["options"].as_array() {
            let b: Vec<Vec<u8>> = o
                .iter()
                .map(|v| encode(v.as_str().unwrap_or_default(), gb18030))
                .collect();
            c["option_bytes"] = json!(b);
        }
    }
    let unable: Vec<Vec<u8>> = UNABLE.iter().map(|w| encode(w, gb18030)).collect();
    Ok(json!({
        "encoding": if gb18030 { "gb18030" } else { "utf-8" },
        // `kaoping demo responses` ends lines with LF, the generated files with CRLF.
        "newline": if demo { "\n" } else { "\r\n" },
        "unable": UNABLE,
        "unable_bytes": unable,
        "columns": cols,
    }))
}

/// splitmix64: a fixed sequence from the seed, with no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// True with probability `per_mille`/1000.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.next() % 1000 < per_mille
    }
}

/// Pieces of free text: Chinese, English, punctuation that needs quoting, line breaks, emoji.
const PIECES: [&str; 16] = [
    "小区门口的道路经常拥堵，",
    "希望增加公交班次。",
    "垃圾清运不及时，有异味；",
    "办事窗口的工作人员态度很好！",
    "The bus stop near the school has no shelter, ",
    "please add more parking, ",
    "“老旧小区改造”进度太慢",
    "he said \"wait\" twice, ",
    "\n",
    "\r\n",
    "绿道建设很好 🌳 点赞👍",
    "社区医院排队时间长，建议预约。",
    "Straße, café, naïve — ",
    "夜间施工噪声扰民（22:00以后）",
    "养老服务中心的饭菜价格合理，",
    "停车难，收费标准不透明",
];

/// Free text of about `len` characters.
fn text(r: &mut Rng, len: usize) -> String {
    let mut s = String::new();
    while s.chars().count() < len {
        s.push_str(PIECES[r.below(PIECES.len())]);
    }
    s
}

/// A CSV field, quoted when it must be.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// One generated row's cells. About 1 row in 100 is wrong in one way the engine rejects: an
/// unknown unit, a rating off the scale or not a number, a required answer missing, a text over
/// its limit, or a respondent id used before.
fn row(r: &mut Rng, cols: &[Value], i: usize) -> Vec<String> {
    let bad = if r.chance(10) { Some(r.below(5)) } else { None };
    let ratings: Vec<usize> = (0..cols.len())
        .filter(|&k| cols[k]["kind"] == "rating")
        .collect();
    let spoilt = ratings.get(r.below(ratings.len().max(1))).copied();
    let mut out = Vec::with_capacity(cols.len());
    for (k, c) in cols.iter().enumerate() {
        let cell = match c["kind"].as_str().unwrap_or_default() {
            "id" if bad == Some(4) && i > 1000 => format!("R{:08}", i - 1000),
            "id" => format!("R{i:08}"),
            "unit" if bad == Some(0) => "nowhere".to_owned(),
            "unit" => {
                let o = c["options"]
                    .as_array()
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                o[r.below(o.len())].as_str().unwrap_or_default().to_owned()
            }
            "rating" if spoilt == Some(k) && bad == Some(1) => {
                ["7", "x", "0", "3.5"][r.below(4)].to_owned()
            }
            "rating" if spoilt == Some(k) && bad == Some(2) => String::new(),
            "rating" if r.chance(40) => "unable".to_owned(),
            "rating" => ["5", "4", "4", "3", "5", "2", "1", "4"][r.below(8)].to_owned(),
            "text" => {
                let max = c["max_length"].as_u64().unwrap_or(500) as usize;
                if bad == Some(3) && k == cols.len() - 1 {
                    text(r, max * 2 + 10)
                } else if r.chance(if max > 500 { 450 } else { 250 }) {
                    // Well under the limit, however a character is counted.
                    let len = 5 + r.below(max / 5);
                    text(r, len)
                } else {
                    String::new()
                }
            }
            _ => String::new(),
        };
        out.push(cell);
    }
    out
}

/// `n` rows of the spec's layout, seeded, CRLF, as `csv` (GB18030 when asked).
fn generate(spec: &Value, n: usize, gb18030: bool, csv: &Path) -> Result<()> {
    let cols = spec["columns"].as_array().context("spec without columns")?;
    let f =
        std::fs::File::create(csv).with_context(|| format!("cannot write {}", csv.display()))?;
    let mut w = std::io::BufWriter::new(f);
    let header: Vec<&str> = cols
        .iter()
        .map(|c| c["key"].as_str().unwrap_or_default())
        .collect();
    w.write_all(encode(&format!("{}\r\n", header.join(",")), gb18030).as_slice())?;
    let mut r = Rng(2026);
    let mut line = String::new();
    for i in 0..n {
        line.clear();
        for (k, cell) in row(&mut r, cols, i).iter().enumerate() {
            if k > 0 {
                line.push(',');
            }
            line.push_str(&field(cell));
        }
        line.push_str("\r\n");
        w.write_all(&encode(&line, gb18030))?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(name: &str) -> Value {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("bench/plans/{name}.json"));
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    }

    fn keys(spec: &Value) -> Vec<String> {
        spec["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["key"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn the_spec_lists_the_flat_layouts_columns() {
        let s = spec(&plan("survey20"), false, false).unwrap();
        let mut want = vec!["respondent_id".to_owned(), "district".to_owned()];
        want.extend((1..=20).map(|k| format!("q{k:02}")));
        want.push("comment".to_owned());
        assert_eq!(keys(&s), want);
        assert_eq!(s["columns"][1]["kind"], "unit");
        let w = spec(&plan("wide"), false, false).unwrap();
        assert_eq!(keys(&w).len(), 67);
        assert_eq!(keys(&w)[2], "grid.r01");
    }

    #[test]
    fn rows_are_the_same_from_the_same_seed_in_either_encoding() {
        let dir = std::env::temp_dir().join(format!("kaoping-bench-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let s = spec(&plan("text"), false, false).unwrap();
        let (a, b, g) = (dir.join("a.csv"), dir.join("b.csv"), dir.join("g.csv"));
        generate(&s, 3000, false, &a).unwrap();
        generate(&s, 3000, false, &b).unwrap();
        generate(&spec(&plan("text"), true, false).unwrap(), 3000, true, &g).unwrap();
        let utf8 = std::fs::read(&a).unwrap();
        assert_eq!(utf8, std::fs::read(&b).unwrap());
        let gb = std::fs::read(&g).unwrap();
        let (decoded, _, bad) = encoding_rs::GB18030.decode(&gb);
        assert!(!bad);
        assert_eq!(decoded.as_bytes(), utf8.as_slice());
        // Quoted line breaks and non-ASCII text are there, as the layout means them to be.
        let text = String::from_utf8(utf8).unwrap();
        assert!(text.split("\r\n").any(|l| l.contains('\n')));
        assert!(text.contains('👍') && text.contains("绿道"));
        assert!(text.contains("\"\"wait\"\""));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
