//! `cargo xtask …`: kaoping's developer tasks (rust-analyzer style).
//!
//! ```text
//! cargo xtask serve [--port 8080] [--no-build] [--frame-ancestors ORIGINS] [--cors-origin ORIGINS]
//!                                                build the front end, serve it (target/www/)
//! cargo xtask build-web                          wasm builds + wasm-bindgen + wasm-opt into www/pkg,
//!                                                www/pkg-review and www/pkg-office, then target/www/:
//!                                                www/ with JS and CSS minified, .br and .gz beside
//! cargo xtask package [--no-build]               the npm tarball of @kaoping/embed and the static
//!                                                bundle dist/kaoping-VERSION/ in target/package/
//! cargo xtask test                               the whole suite, with a summary table
//! cargo xtask tidy                             the core's layers and sizes, the dictionaries' keys
//! cargo xtask size [--budget-kb 143.5] [--review-budget-kb 238.5] [--no-build]
//!                                                gzip (and brotli) size of what respond.html and
//!                                                review.html load
//! cargo xtask lighthouse [--runs 3] [--confirm] [--no-build] [--page PAGE…]
//!                                                Lighthouse mobile: score, LCP, TBT, transfer of
//!                                                every page respondents and reviewers open
//! cargo xtask bench [--rows 200000] [--layouts demo,survey20,wide,text,gb18030] [--native 1000000,10000000]
//!                   [--runs 3] [--no-build] [--no-browser] [--no-history]   ingest speed per layout
//! cargo xtask bench collect [--n 10000] [--clients 1,16,64] [--no-build] [--rate-only] [--bin PATH]
//!                          [--pg URL]            the collector's records/s, latency, memory, recovery
//!                                                (--pg: PostgreSQL, a fresh database per run)
//! cargo xtask bench live [--rounds 20] [--no-build]  live validation per answer: full, incremental,
//!                                                SurveyJS (Node, forms build)
//! cargo xtask fuzz [--seconds 600] [--quiet MIN] [TARGET…]  cargo-fuzz targets (nightly), one after another
//! cargo xtask recipe [--no-build] [nginx|caddy…]  docs/deploy.md's snippets, run with the browser
//!                                                tests through them (a step of `test`)
//! ```

mod bench;
mod bench_collect;
mod bench_layouts;
mod bench_live;
mod cmd;
mod compress;
mod fuzz;
mod hashed;
mod package;
mod recipe;
mod serve;
mod size;
mod test;
mod tidy;
mod tools;
mod web;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

const USAGE: &str = "\
usage: cargo xtask <task> [options]

tasks:
  serve [--port 8080] [--no-build]   ensure tools, build the front end, serve target/www/ on 127.0.0.1
        [--frame-ancestors ORIGINS]  (--no-build: no wasm build; target/www/ is still made from www/;
        [--cors-origin ORIGINS]      --frame-ancestors: portals that may frame embed.html, besides 'self';
                                     --cors-origin: portals whose pages may load the scripts, CSS and
                                     WASM and POST records; ORIGINS: scheme://host[:port], comma-separated)
  build-web                          cargo build (wasm32) + wasm-bindgen + wasm-opt -> www/pkg (forms),
                                     www/pkg-review (review page), www/pkg-office; then target/www/ =
                                     www/ with .js/.css minified (esbuild), .br and .gz copies beside
  package [--no-build]               the npm package @kaoping/embed (element, iframe page, forms WASM,
                                     declarations, README) as target/package/kaoping-embed-VERSION.tgz
                                     (npm pack), and target/package/dist/kaoping-VERSION/ for portals
                                     without npm, with SRI hashes; prints their size over the wire
                                     (--no-build: no wasm build; target/www/ is still made from www/)
  test                               ensure tools, fmt, clippy, tests (native, wasm, browser), the
                                     element's TypeScript types (tests/portal-ts), size, lighthouse
  tidy                               the core's modules import only lower layers (no cycles), no core
                                     file over 700 lines or fn over 120 (except listed ones), and
                                     node tests/tidy/dictionaries.mjs (see ARCHITECTURE.md, Layers)
  size [--budget-kb 143.5] [--review-budget-kb 238.5] [--no-build]
                                     gzip (and brotli) size of everything respond.html and
                                     review.html load, each against its budget
  lighthouse [--runs 3] [--confirm] [--no-build] [--page PAGE]...
                                     Lighthouse's mobile run (slow 4G, mid-range phone) on respond.html,
                                     review.html (expert and site-check sheets), embed.html and
                                     host-example.html, served compressed: median score, LCP, TBT
                                     and transfer per page; fails under 90 or over 2.5 s LCP
                                     (--confirm with --runs 1: a page that misses gets two more runs
                                     and the median of three decides; a step of `test` so)
  bench [--rows 200000] [--layouts demo,survey20,wide,text,gb18030] [--native 1000000,10000000]
        [--runs 3] [--no-build] [--no-browser] [--no-history]
                                     ingest speed per layout (plans in xtask/bench/plans/, rows
                                     generated from a seed, cached in target/bench/): WASM vs
                                     PapaParse fastMode and quote-aware vs a JS byte loop in
                                     Chromium, all counting the same rows, and the native CLI;
                                     a table, and a line in xtask/bench/history.jsonl
                                     (--n: --rows; --native: the demo natively at those sizes too)
  bench collect [--n 10000] [--clients 1,16,64] [--no-build] [--rate-only] [--bin PATH] [--pg URL]
                                     the release `kaoping collect` on loopback: records/s and POST
                                     latency (p50/p95/p99) per client count, distinct records (201)
                                     then the same again (200), peak RSS, time to the first 201;
                                     --pg postgres://USER@HOST:PORT/DB: PostgreSQL instead of
                                     SQLite (DB for createdb/dropdb, a kaoping_bench_cN per run)
                                     after SIGKILL and restart, 9,990 silent connections, wrk
                                     (--rate-only: the rates alone; --bin: another kaoping build)
  bench live [--rounds 20] [--no-build]
                                     live validation in Node with the forms build: a 200-question
                                     form answered one question at a time, median and p95 per
                                     answer and plan load, for the full evaluation, the form
                                     session and SurveyJS (xtask/bench/live/, its own npm package)
  fuzz [--seconds 600] [--quiet MIN] [TARGET...]
                                     build the cargo-fuzz targets of fuzz/ (nightly, installs cargo-fuzz)
                                     and run each (all when none named) for that long, or until its
                                     coverage has not grown for MIN minutes, growing fuzz/corpus/;
                                     crashes land in fuzz/artifacts/ (see fuzz/README.md)
  recipe [--no-build] [nginx|caddy...]  run docs/deploy.md's nginx/Caddy snippet (both when none named)
                                     on loopback in front of the dev server and the browser tests
                                     crossorigin, sw-update and offline through it (a step of `test`;
                                     --no-build: no wasm build; target/www/ is still made from www/)
  help                               this text
";

fn main() {
    if let Err(err) = run() {
        eprintln!("xtask: error: {err:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let mut args = Args::new(std::env::args().skip(1).collect());
    let task = args.next_positional();
    let root = project_root();
    std::env::set_current_dir(&root)
        .with_context(|| format!("cannot enter the project root {}", root.display()))?;
    match task.as_deref() {
        Some("serve") => {
            let port = args.value("--port")?.map(|p| parse_port(&p)).transpose()?;
            let no_build = args.flag("--no-build");
            let origins = |flag: &str, v: Option<String>| {
                v.map(|v| serve::parse_origins(flag, &v))
                    .transpose()
                    .map(Option::unwrap_or_default)
            };
            let options = serve::Options {
                frame_ancestors: origins("--frame-ancestors", args.value("--frame-ancestors")?)?,
                cors_origins: origins("--cors-origin", args.value("--cors-origin")?)?,
            };
            args.finish()?;
            serve::run_cli(&root, port.unwrap_or(8080), !no_build, options)
        }
        Some("build-web") => {
            args.finish()?;
            tools::ensure(&root, tools::Needs::WEB)?;
            web::build(&root)
        }
        Some("package") => {
            let no_build = args.flag("--no-build");
            args.finish()?;
            if no_build {
                tools::ensure(&root, tools::Needs::NPM)?;
                web::site(&root)?;
            } else {
                tools::ensure(&root, tools::Needs::WEB)?;
                web::build(&root)?;
            }
            package::run(&root)
        }
        Some("test") => {
            args.finish()?;
            test::run(&root)
        }
        Some("tidy") => {
            args.finish()?;
            tidy::run(&root)
        }
        Some("size") => {
            let budget = args
                .value("--budget-kb")?
                .map(|b| {
                    b.parse::<f64>()
                        .with_context(|| format!("--budget-kb expects a number, got {b:?}"))
                })
                .transpose()?
                .unwrap_or(size::DEFAULT_BUDGET_KB);
            let review_budget = args
                .value("--review-budget-kb")?
                .map(|b| {
                    b.parse::<f64>()
                        .with_context(|| format!("--review-budget-kb expects a number, got {b:?}"))
                })
                .transpose()?
                .unwrap_or(size::REVIEW_BUDGET_KB);
            let no_build = args.flag("--no-build");
            args.finish()?;
            if !no_build {
                tools::ensure(&root, tools::Needs::WEB)?;
                web::build(&root)?;
            }
            tools::ensure(&root, tools::Needs::BROWSER)?;
            size::run(&root, budget, review_budget)
        }
        Some("lighthouse") => {
            let runs = args
                .value("--runs")?
                .map(|r| match r.parse::<u32>() {
                    Ok(n) if n > 0 => Ok(n),
                    _ => bail!("--runs expects a whole number above 0, got {r:?}"),
                })
                .transpose()?
                .unwrap_or(size::LIGHTHOUSE_RUNS);
            let mut pages = Vec::new();
            while let Some(p) = args.value("--page")? {
                pages.push(p);
            }
            let confirm = args.flag("--confirm");
            let no_build = args.flag("--no-build");
            args.finish()?;
            if !no_build {
                tools::ensure(&root, tools::Needs::WEB)?;
                web::build(&root)?;
            }
            tools::ensure(&root, tools::Needs::BROWSER)?;
            size::lighthouse(&root, runs, confirm, &pages)
        }
        Some("bench") => {
            let num = |v: &str| {
                v.replace('_', "")
                    .parse::<usize>()
                    .with_context(|| format!("expected a number of rows, got {v:?}"))
            };
            if args.rest.first().map(String::as_str) == Some("collect") {
                args.rest.remove(0);
                let n = args.value("--n")?.map(|v| num(&v)).transpose()?;
                let clients = match args.value("--clients")? {
                    Some(v) => v.split(',').map(num).collect::<Result<Vec<_>>>()?,
                    None => vec![1, 16, 64],
                };
                let no_build = args.flag("--no-build");
                let rate_only = args.flag("--rate-only");
                let bin = args.value("--bin")?.map(PathBuf::from);
                let pg = args.value("--pg")?;
                args.finish()?;
                return bench_collect::run(
                    &root,
                    &bench_collect::Options {
                        n: n.unwrap_or(10_000),
                        clients,
                        build: !no_build && bin.is_none(),
                        rate_only,
                        bin,
                        pg,
                    },
                );
            }
            if args.rest.first().map(String::as_str) == Some("live") {
                args.rest.remove(0);
                let rounds = args.value("--rounds")?.map(|v| num(&v)).transpose()?;
                let no_build = args.flag("--no-build");
                args.finish()?;
                return bench_live::run(&root, rounds.unwrap_or(20), !no_build);
            }
            // --n: the option's earlier name.
            let n = match args.value("--rows")? {
                Some(v) => Some(v),
                None => args.value("--n")?,
            };
            let n = n.map(|v| num(&v)).transpose()?;
            let layouts = match args.value("--layouts")? {
                Some(v) => v.split(',').map(str::to_owned).collect(),
                None => Vec::new(),
            };
            let native = match args.value("--native")? {
                Some(v) => v.split(',').map(num).collect::<Result<Vec<_>>>()?,
                None => Vec::new(),
            };
            let runs = args.value("--runs")?.map(|v| num(&v)).transpose()?;
            let no_build = args.flag("--no-build");
            let no_browser = args.flag("--no-browser");
            let no_history = args.flag("--no-history");
            args.finish()?;
            bench::run(
                &root,
                &bench::Options {
                    n: n.unwrap_or(200_000),
                    layouts,
                    native,
                    runs: runs.unwrap_or(3),
                    build: !no_build,
                    browser: !no_browser,
                    history: !no_history,
                },
            )
        }
        Some("fuzz") => {
            let seconds = args
                .value("--seconds")?
                .map(|s| {
                    s.parse::<u64>()
                        .with_context(|| format!("--seconds expects a number, got {s:?}"))
                })
                .transpose()?
                .unwrap_or(600);
            let quiet = args
                .value("--quiet")?
                .map(|s| {
                    s.parse::<u64>()
                        .with_context(|| format!("--quiet expects minutes, got {s:?}"))
                })
                .transpose()?;
            let mut targets = Vec::new();
            while let Some(t) = args.next_positional() {
                targets.push(t);
            }
            args.finish()?;
            fuzz::run(&root, seconds, quiet, &targets)
        }
        Some("recipe") => {
            let no_build = args.flag("--no-build");
            let mut servers = Vec::new();
            while let Some(s) = args.next_positional() {
                servers.push(recipe::Server::parse(&s)?);
            }
            args.finish()?;
            if servers.is_empty() {
                servers = recipe::Server::ALL.to_vec();
            }
            if no_build {
                tools::ensure(&root, tools::Needs::BROWSER)?;
                web::site(&root)?;
            } else {
                tools::ensure(&root, tools::Needs::ALL)?;
                web::build(&root)?;
            }
            for server in servers {
                let started = std::time::Instant::now();
                recipe::run(&root, server)?;
                let took = started.elapsed().as_secs_f64();
                println!("recipe ({}): passed in {took:.1}s", server.name());
            }
            Ok(())
        }
        Some("help" | "--help" | "-h") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => bail!("unknown task {other:?}\n\n{USAGE}"),
    }
}

/// The workspace root (the parent of `xtask/`).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

fn parse_port(s: &str) -> Result<u16> {
    s.parse::<u16>()
        .with_context(|| format!("--port expects a number 0-65535, got {s:?}"))
}

/// A tiny argument parser: `--flag`, `--key value`, `--key=value`, positionals.
struct Args {
    rest: Vec<String>,
}

impl Args {
    fn new(rest: Vec<String>) -> Self {
        Args { rest }
    }

    fn next_positional(&mut self) -> Option<String> {
        let i = self.rest.iter().position(|a| !a.starts_with('-'))?;
        Some(self.rest.remove(i))
    }

    fn flag(&mut self, name: &str) -> bool {
        let before = self.rest.len();
        self.rest.retain(|a| a != name);
        self.rest.len() != before
    }

    fn value(&mut self, name: &str) -> Result<Option<String>> {
        let prefix = format!("{name}=");
        if let Some(i) = self.rest.iter().position(|a| a.starts_with(&prefix)) {
            let a = self.rest.remove(i);
            return Ok(Some(a[prefix.len()..].to_string()));
        }
        match self.rest.iter().position(|a| a == name) {
            None => Ok(None),
            Some(i) if i + 1 < self.rest.len() => {
                let v = self.rest.remove(i + 1);
                self.rest.remove(i);
                Ok(Some(v))
            }
            Some(_) => bail!("{name} expects a value"),
        }
    }

    fn finish(self) -> Result<()> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            bail!("unexpected arguments: {}\n\n{USAGE}", self.rest.join(" "))
        }
    }
}
