//! `kaoping`: the command line on the same core as the browser.

mod addkey;
mod aggregate;
mod ahp;
mod amend;
mod blocks;
mod close;
mod codes;
mod collect;
mod demo_responses;
mod import_form;
mod ingest;
mod invite;
mod keys;
mod notices;
mod planbook;
mod publish;
mod report;
mod stats;
mod track;
mod yearend;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use kaoping_core::text::ui_lang;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "kaoping",
    version,
    about = "kaoping (考评): evaluation plans, responses, scores and audits"
)]
struct Cli {
    /// Language of messages: zh-CN or en (default: from LANG, else zh-CN).
    #[arg(long, global = true)]
    lang: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a plan and print every problem with its line:column and JSON path (a plan
    /// workbook, .xlsx: with its cell).
    Validate {
        plan: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Agreement, reliability, interval and weighting statistics.
    Stats {
        #[command(subcommand)]
        cmd: stats::StatsCommand,
    },
    /// Score a plan: composite per unit, ranks, grades, vetoes, lists (a readable table, or --json).
    Evaluate {
        /// The plan (JSON); the built-in demo plan when omitted.
        #[arg(long)]
        plan: Option<PathBuf>,
        /// Scoring inputs (JSON: records, indicators, history), e.g. from `kaoping demo inputs`.
        inputs: PathBuf,
        /// More response record files (JSON, arrays, JSON Lines) to score with the inputs; they
        /// pass through the same checks as `kaoping ingest`, and rejections are listed on stderr.
        #[arg(long = "records", num_args = 1..)]
        records: Vec<PathBuf>,
        /// Print the whole result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Read response files (records as JSON, arrays or JSON Lines; tables as CSV), streamed:
    /// every row accepted or rejected with its file, row, column and reason; exit 1 when any is
    /// rejected.
    Ingest(ingest::IngestArgs),
    /// Aggregate a year: plan + record and input files → result.json, one CSV per table,
    /// rejections.csv and the audit manifest.json in --out; exit 1 when records were rejected.
    Aggregate(aggregate::AggregateArgs),
    /// Recompute an aggregation from its manifest.json and say whether everything is identical
    /// (exit 0) or exactly what differs (exit 1).
    Verify(aggregate::VerifyArgs),
    /// Write a year-end table to fill in Excel: indicator figures (one row per unit and
    /// indicator) or history (one row per unit); `kaoping aggregate` reads them back.
    Template(yearend::TemplateArgs),
    /// Next year's history from this year's result.json and this year's history files.
    CarryForward(yearend::CarryForwardArgs),
    /// Plans: next year's plan from this year's, a questionnaire imported, two versions
    /// compared (diff), a new version with its amendment (amend).
    Plan {
        #[command(subcommand)]
        cmd: yearend::PlanCommand,
    },
    /// The public results page (公示) of a result.json: rankings and grades, merit units,
    /// vetoes with their reason, public satisfaction with its interval (small cells withheld);
    /// one HTML file in zh-CN and English, no script, printable on A4.
    Publish(publish::PublishArgs),
    /// Each unit's feedback letter (结果反馈函) from a result.json, all in one ZIP: its score
    /// against its category, positive and negative lists, the experts' comments (without
    /// their names), what to rectify and by when; HTML in zh-CN and English, printable.
    Letters(publish::LettersArgs),
    /// Tracking through the year: figures against targets and time progress, projects,
    /// events, warnings; writes tracking.json, warnings.csv and a notice per warned unit.
    Track(track::TrackArgs),
    /// The office's signing key (docs/trust.md): make one with its password-protected backup
    /// file, or show a key file's id and public key.
    Keys {
        #[command(subcommand)]
        cmd: keys::KeysCommand,
    },
    /// One-time codes for an instrument that takes them (docs/trust.md): a signed batch of
    /// their hashes, and the codes as slips to print.
    Codes {
        #[command(subcommand)]
        cmd: codes::CodesCommand,
    },
    /// Sign a roster (CSV or XLSX) into invitations with the office key: invitations.csv
    /// (one link per rater) and invitations.html (a printable sheet of QR codes) in --out;
    /// every roster problem listed with its row and cell, and then nothing written (exit 1).
    Invite(invite::InviteArgs),
    /// The collector: an HTTP service that takes respondents' records (POST /api/responses),
    /// checks each as ingest does and keeps it in SQLite; the office reads them back
    /// (docs/collect.md). Also `token`, `export`, `backup`.
    Collect(collect::CollectArgs),
    /// The built-in demo (Wuhan's annual comprehensive evaluation).
    Demo {
        #[command(subcommand)]
        what: DemoCommand,
    },
}

#[derive(Subcommand)]
enum DemoCommand {
    /// Print the demo plan's JSON.
    Plan,
    /// Print a synthetic, deterministic data set for the demo plan (scoring inputs JSON).
    Inputs {
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Number of public survey responses.
        #[arg(long, default_value_t = 2000)]
        n: usize,
    },
    /// Write synthetic tracking files for the demo plan (periods.csv, projects.json,
    /// site-checks.jsonl: the quarterly site-check records, events.json).
    Periods {
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// The last month written, e.g. 2026-09 (default: the whole year).
        #[arg(long)]
        through: Option<String>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Write the demo data set as files into a folder: public.csv (the public survey in the
    /// flat layout), expert.jsonl (review sheets), cadre.csv, indicators.json, history.json.
    Responses(demo_responses::ResponsesArgs),
}

/// `kaoping … | head` closes stdout early: stop quietly instead of printing a panic (Rust
/// ignores SIGPIPE, so `println!` panics on a closed pipe).
fn quiet_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if text.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

fn main() -> ExitCode {
    quiet_on_broken_pipe();
    let cli = Cli::parse();
    let lang = cli
        .lang
        .clone()
        .or_else(|| {
            std::env::var("LANG").ok().map(|l| {
                if l.starts_with("en") {
                    "en".into()
                } else {
                    "zh-CN".into()
                }
            })
        })
        .unwrap_or_else(|| "zh-CN".into());
    match run(cli.command, ui_lang(&lang)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("kaoping: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command, lang: &str) -> Result<ExitCode> {
    match command {
        Command::Validate { plan, json } => {
            let bytes =
                std::fs::read(&plan).with_context(|| format!("cannot read {}", plan.display()))?;
            if kaoping_core::xlsx::is_workbook(&plan.display().to_string(), &bytes) {
                return planbook::validate_book(&plan, &bytes, json, lang);
            }
            let text = String::from_utf8(bytes)
                .with_context(|| format!("{} is not UTF-8 text", plan.display()))?;
            let report = kaoping_core::validate::validate_plan(&text);
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                for p in &report.problems {
                    let at = match (p.line, p.column) {
                        (Some(l), Some(c)) => format!("{}:{l}:{c}", plan.display()),
                        _ => plan.display().to_string(),
                    };
                    let path = if p.path.is_empty() { "/" } else { &p.path };
                    println!("{at}: {} [{}] {}", p.code, path, p.message.get(lang));
                }
                if report.ok {
                    let sha = report.sha256.unwrap_or_default();
                    if lang == "en" {
                        println!("{}: valid plan (sha256 {sha})", plan.display());
                    } else {
                        println!("{}：方案有效（sha256 {sha}）", plan.display());
                    }
                } else if lang == "en" {
                    println!("{} problem(s)", report.problems.len());
                } else {
                    println!("共 {} 个问题", report.problems.len());
                }
            }
            Ok(if report.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Stats { cmd } => {
            stats::run(cmd)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Ingest(args) => {
            let plan = load_plan_arg(args.plan.clone())?;
            ingest::run(args, &plan, lang)
        }
        Command::Evaluate {
            plan,
            inputs,
            records,
            json,
        } => {
            let plan = load_plan_arg(plan)?;
            let text = std::fs::read_to_string(&inputs)
                .with_context(|| format!("cannot read {}", inputs.display()))?;
            let mut inputs: kaoping_core::score::ScoringInputs = serde_json::from_str(&text)
                .with_context(|| format!("{} is not scoring inputs JSON", inputs.display()))?;
            if !records.is_empty() {
                let mut ingest = kaoping_core::ingest::Ingest::new(&plan);
                for f in &records {
                    let bytes =
                        std::fs::read(f).with_context(|| format!("cannot read {}", f.display()))?;
                    ingest.add_bytes(&f.display().to_string(), &bytes, Default::default());
                }
                let report = ingest.finish();
                for r in &report.rejected {
                    eprintln!("{}:{}: {} {}", r.file, r.row, r.code, r.message.get(lang));
                }
                eprintln!(
                    "records: read {}, accepted {}, rejected {}",
                    report.read,
                    report.accepted,
                    report.rejected.len()
                );
                inputs.records.extend(report.records);
            }
            let result = kaoping_core::score::evaluate(&plan, &inputs)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&result)?);
            } else {
                print!("{}", report::evaluation_table(&plan, &result, lang));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Aggregate(args) => aggregate::run_aggregate(args, lang),
        Command::Template(args) => {
            let plan = load_plan_arg(args.plan.clone())?;
            yearend::template(args, &plan, lang)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::CarryForward(args) => {
            let plan = load_plan_arg(args.plan.clone())?;
            yearend::carry_forward(args, &plan, lang)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Plan { cmd } => yearend::plan(cmd, lang),
        Command::Publish(args) => {
            let plan = load_plan_arg(args.plan.clone())?;
            publish::run(args, &plan, lang)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Letters(args) => {
            let plan = load_plan_arg(args.plan.clone())?;
            publish::run_letters(args, &plan, lang)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Keys { cmd } => keys::run(cmd, lang),
        Command::Codes { cmd } => codes::run(cmd, lang),
        Command::Invite(args) => {
            let plan = load_plan_arg(Some(args.plan_path().to_owned()))?;
            invite::run(args, &plan, lang)
        }
        Command::Verify(args) => aggregate::run_verify(args, lang),
        Command::Collect(args) => collect::run(args, lang),
        Command::Demo {
            what: DemoCommand::Inputs { seed, n },
        } => {
            let inputs = kaoping_core::score::demo_inputs(seed, n);
            println!("{}", serde_json::to_string(&inputs)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Track(args) => {
            let plan = load_plan_arg(args.plan.clone())?;
            track::run(args, plan, lang)
        }
        Command::Demo {
            what: DemoCommand::Periods { seed, through, out },
        } => {
            track::demo(seed, through, &out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo {
            what: DemoCommand::Responses(args),
        } => {
            demo_responses::run(args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo {
            what: DemoCommand::Plan,
        } => {
            print!("{}", kaoping_core::plan::DEMO_PLAN_SOURCE);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The plan named on the command line (validated), or the built-in demo plan.
fn load_plan_arg(path: Option<PathBuf>) -> Result<kaoping_core::plan::Plan> {
    let Some(path) = path else {
        return Ok(kaoping_core::plan::demo_plan());
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let report = kaoping_core::validate::validate_plan(&text);
    report.plan.ok_or_else(|| {
        anyhow::anyhow!(
            "{} is not a valid plan ({} problem(s)); run `kaoping validate {}`",
            path.display(),
            report.problems.len(),
            path.display()
        )
    })
}
