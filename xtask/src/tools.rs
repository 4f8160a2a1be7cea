//! "Ensure tools": install what the build and the tests need, skipping what is already there.
//! Each check prints one line saying what it did.

use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::cmd::Cmd;

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// `nginx` and `caddy`: the test step "recipe" runs docs/deploy.md's snippets under them.
/// `postgresql`: the collector's tests run against PostgreSQL too (tests/service/pg.rs starts
/// a cluster of its own with its `initdb`).
const APT_PACKAGES: [&str; 6] = [
    "chromium",
    "chromium-driver",
    "fonts-noto-cjk",
    "nginx",
    "caddy",
    "postgresql",
];
pub const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// From `fonts-noto-cjk`: without it, screenshots of the zh-CN pages show boxes.
const CJK_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

/// Which tools a task needs.
#[derive(Clone, Copy)]
pub struct Needs {
    /// rustup target + wasm-bindgen-cli.
    pub wasm: bool,
    /// npm packages (binaryen's wasm-opt, esbuild, playwright-core, axe; react, react-dom and
    /// vue for the framework host pages of tests/e2e/portal-frameworks.test.mjs).
    pub npm: bool,
    /// Debian's chromium, chromedriver and CJK fonts, and nginx and Caddy (the deploy recipe's).
    pub browser: bool,
}

impl Needs {
    pub const WEB: Needs = Needs {
        wasm: true,
        npm: true,
        browser: false,
    };
    pub const NPM: Needs = Needs {
        wasm: false,
        npm: true,
        browser: false,
    };
    pub const BROWSER: Needs = Needs {
        wasm: false,
        npm: true,
        browser: true,
    };
    pub const ALL: Needs = Needs {
        wasm: true,
        npm: true,
        browser: true,
    };
}

pub fn ensure(root: &Path, needs: Needs) -> Result<()> {
    if needs.wasm {
        ensure_wasm_target()?;
        ensure_wasm_bindgen(root)?;
    }
    if needs.browser {
        ensure_browser()?;
    }
    if needs.npm {
        ensure_npm(root)?;
    }
    Ok(())
}

fn ensure_wasm_target() -> Result<()> {
    let installed = Cmd::new("rustup")
        .args(["target", "list", "--installed"])
        .read()
        .context("cannot list the installed rustup targets")?;
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        println!("tools: rustup target {WASM_TARGET} already installed");
        return Ok(());
    }
    println!("tools: installing rustup target {WASM_TARGET}");
    Cmd::new("rustup")
        .args(["target", "add", WASM_TARGET])
        .run()
}

/// The version of the `wasm-bindgen` crate in Cargo.lock: the CLI must match it exactly.
pub fn locked_wasm_bindgen_version(root: &Path) -> Result<String> {
    let path = root.join("Cargo.lock");
    let lock = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    parse_locked_version(&lock, "wasm-bindgen")
        .with_context(|| format!("no `wasm-bindgen` package in {}", path.display()))
}

fn parse_locked_version(lock: &str, package: &str) -> Option<String> {
    let mut lines = lock.lines().map(str::trim);
    while let Some(line) = lines.next() {
        if line.strip_prefix("name = ").map(unquote) == Some(package) {
            for next in lines.by_ref() {
                if let Some(v) = next.strip_prefix("version = ") {
                    return Some(unquote(v).to_string());
                }
                if next.is_empty() || next.starts_with('[') {
                    break;
                }
            }
        }
    }
    None
}

fn unquote(s: &str) -> &str {
    s.trim().trim_matches('"')
}

fn ensure_wasm_bindgen(root: &Path) -> Result<()> {
    let want = locked_wasm_bindgen_version(root)?;
    let version_of = |program: &str| {
        Cmd::new(program)
            .arg("--version")
            .try_read()
            .and_then(|s| s.split_whitespace().nth(1).map(str::to_string))
    };
    let have_version = version_of("wasm-bindgen");
    // The test runner comes from the same package and must match too.
    let runner_version = version_of("wasm-bindgen-test-runner");
    if have_version.as_deref() == Some(want.as_str())
        && runner_version.as_deref() == Some(want.as_str())
    {
        println!("tools: wasm-bindgen {want} already installed (matches Cargo.lock)");
        return Ok(());
    }
    match have_version {
        Some(v) => println!("tools: wasm-bindgen is {v}, Cargo.lock wants {want}: installing wasm-bindgen-cli {want}"),
        None => println!("tools: installing wasm-bindgen-cli {want} (matches Cargo.lock)"),
    }
    // Not `--locked`: one of the CLI's locked dependencies is missing from the registry mirror.
    // `--force`: replace a mismatched wasm-bindgen even if cargo did not install it.
    Cmd::cargo()
        .args(["install", "wasm-bindgen-cli", "--force", "--version", &want])
        .run()
}

/// For `cargo xtask fuzz`: the nightly toolchain (cargo-fuzz needs it) and cargo-fuzz.
pub fn ensure_fuzz() -> Result<()> {
    let toolchains = Cmd::new("rustup")
        .args(["toolchain", "list"])
        .read()
        .context("cannot list the rustup toolchains")?;
    if toolchains.lines().any(|l| l.starts_with("nightly")) {
        println!("tools: nightly toolchain already installed");
    } else {
        println!("tools: installing the nightly toolchain (cargo-fuzz needs it)");
        Cmd::new("rustup")
            .args(["toolchain", "install", "nightly", "--profile", "minimal"])
            .run()
            .context(
                "cargo-fuzz needs the nightly toolchain and `rustup toolchain install nightly` \
                 failed: install it by hand, then run this again",
            )?;
    }
    if Cmd::new("cargo")
        .args(["+nightly", "fuzz", "--version"])
        .try_read()
        .is_some()
    {
        println!("tools: cargo-fuzz already installed");
        return Ok(());
    }
    println!("tools: installing cargo-fuzz");
    Cmd::cargo().args(["install", "cargo-fuzz"]).run()
}

/// Debian's PostgreSQL server programs (any version): `/usr/lib/postgresql/VERSION/bin/initdb`.
fn postgres_installed() -> bool {
    std::fs::read_dir("/usr/lib/postgresql").is_ok_and(|d| {
        d.filter_map(|e| e.ok())
            .any(|e| e.path().join("bin/initdb").is_file())
    })
}

fn ensure_browser() -> Result<()> {
    let servers = crate::recipe::Server::ALL.map(|s| s.program());
    if [CHROMIUM, CHROMEDRIVER, CJK_FONT]
        .iter()
        .chain(&servers)
        .all(|p| Path::new(p).exists())
        && postgres_installed()
    {
        println!(
            "tools: {CHROMIUM}, {CHROMEDRIVER}, the CJK fonts, {}, PostgreSQL already installed",
            servers.join(", ")
        );
        return Ok(());
    }
    println!(
        "tools: installing Debian packages {}",
        APT_PACKAGES.join(" ")
    );
    let root = Cmd::new("id").arg("-u").try_read().map(|s| s.trim() == "0");
    let sudo = root != Some(true);
    let apt = |args: &[&str]| {
        let c = if sudo {
            Cmd::new("sudo").arg("apt-get")
        } else {
            Cmd::new("apt-get")
        };
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive").run()
    };
    apt(&["update"])?;
    let mut install = vec!["install", "-y", "--no-install-recommends"];
    install.extend(APT_PACKAGES);
    apt(&install)?;
    for program in [CHROMIUM].iter().chain(&servers) {
        if !Path::new(program).exists() {
            bail!(
                "{program} is still missing after installing {}",
                APT_PACKAGES.join(" ")
            );
        }
    }
    if !postgres_installed() {
        bail!("PostgreSQL's initdb is still missing after installing postgresql");
    }
    Ok(())
}

fn ensure_npm(root: &Path) -> Result<()> {
    let lock = root.join("package-lock.json");
    let lock_bytes =
        std::fs::read(&lock).with_context(|| format!("{} is missing", lock.display()))?;
    let modules = root.join("node_modules");
    // A copy of the package-lock.json that the last `npm ci` installed: the content decides,
    // not file dates (a fresh checkout or worktree has a new package-lock.json date).
    let stamp = modules.join(".kaoping-package-lock.json");
    let installed = std::fs::read(&stamp).ok();
    let legacy_fresh = || {
        let mtime = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        matches!(
            (mtime(&modules.join(".package-lock.json")), mtime(&lock)),
            (Some(t), Some(l)) if t >= l
        )
    };
    let fresh = match &installed {
        Some(bytes) => *bytes == lock_bytes,
        None => legacy_fresh(),
    };
    let linked = std::fs::symlink_metadata(&modules).is_ok_and(|m| m.file_type().is_symlink());
    if fresh {
        println!("tools: node_modules up to date with package-lock.json");
        if installed.is_none() && !linked {
            std::fs::write(&stamp, &lock_bytes).ok();
        }
        return Ok(());
    }
    if linked {
        // `npm ci` empties node_modules first: through a link it would empty another
        // checkout's folder.
        bail!(
            "node_modules is a link to another folder and does not match package-lock.json; \
             run `npm ci` where it points, or remove the link"
        );
    }
    println!("tools: node_modules missing or not from this package-lock.json: npm ci");
    Cmd::new("npm")
        .arg("ci")
        .arg("--no-audit")
        .arg("--no-fund")
        .dir(root)
        .run()?;
    std::fs::write(&stamp, &lock_bytes).with_context(|| format!("cannot write {}", stamp.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_locked_version() {
        let lock = r#"
[[package]]
name = "wasm-bindgen-futures"
version = "0.4.80"

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;
        assert_eq!(
            parse_locked_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(parse_locked_version(lock, "serde"), None);
    }
}
