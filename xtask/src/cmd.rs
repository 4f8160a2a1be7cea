//! Running external commands with useful error messages.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

/// A command line, remembered for error messages.
pub struct Cmd {
    inner: Command,
    display: String,
}

impl Cmd {
    pub fn new(program: impl AsRef<OsStr>) -> Self {
        let display = program.as_ref().to_string_lossy().into_owned();
        Cmd {
            inner: Command::new(program),
            display,
        }
    }

    /// `cargo`, honouring `$CARGO` (set when run through `cargo xtask`).
    pub fn cargo() -> Self {
        let mut c = Cmd::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        c.display = "cargo".into();
        c
    }

    pub fn arg(mut self, a: impl AsRef<OsStr>) -> Self {
        self.display.push(' ');
        self.display.push_str(&quote(&a.as_ref().to_string_lossy()));
        self.inner.arg(a);
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        for a in args {
            self = self.arg(a);
        }
        self
    }

    pub fn env(mut self, k: impl AsRef<OsStr>, v: impl AsRef<OsStr>) -> Self {
        self.inner.env(k, v);
        self
    }

    pub fn dir(mut self, d: &Path) -> Self {
        self.inner.current_dir(d);
        self
    }

    /// Run with inherited stdio; error (with the command line and exit status) unless it succeeds.
    pub fn run(mut self) -> Result<()> {
        println!("$ {}", self.display);
        let status = self.inner.status().with_context(|| {
            format!(
                "cannot start `{}` (is it installed and on PATH?)",
                self.display
            )
        })?;
        if !status.success() {
            bail!("`{}` failed: {status}", self.display);
        }
        Ok(())
    }

    /// Like [`Cmd::run`], but also returns what it printed on stdout (still echoed live).
    pub fn run_tee(mut self) -> Result<String> {
        use std::io::{BufRead, BufReader, Write};
        println!("$ {}", self.display);
        let mut child = self.inner.stdout(Stdio::piped()).spawn().with_context(|| {
            format!(
                "cannot start `{}` (is it installed and on PATH?)",
                self.display
            )
        })?;
        let mut captured = String::new();
        if let Some(out) = child.stdout.take() {
            let mut stdout = std::io::stdout();
            for line in BufReader::new(out).split(b'\n') {
                let line = line?;
                stdout.write_all(&line)?;
                stdout.write_all(b"\n")?;
                stdout.flush()?;
                captured.push_str(&String::from_utf8_lossy(&line));
                captured.push('\n');
            }
        }
        let status = child.wait()?;
        if !status.success() {
            bail!("`{}` failed: {status}", self.display);
        }
        Ok(captured)
    }

    /// Run with stderr read line by line (still echoed live) and shown to `watch`; when `watch`
    /// answers `false` the whole process group gets SIGINT (a graceful stop for libFuzzer and
    /// the processes it forked) and the run counts as a success.
    pub fn run_watched(mut self, mut watch: impl FnMut(&str) -> bool) -> Result<()> {
        use std::io::{BufRead, BufReader, Write};
        use std::os::unix::process::CommandExt;
        println!("$ {}", self.display);
        let mut child = self
            .inner
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .with_context(|| {
                format!(
                    "cannot start `{}` (is it installed and on PATH?)",
                    self.display
                )
            })?;
        let mut stopped = false;
        if let Some(err) = child.stderr.take() {
            let mut stderr = std::io::stderr();
            for line in BufReader::new(err).split(b'\n') {
                let line = line?;
                stderr.write_all(&line)?;
                stderr.write_all(b"\n")?;
                if !stopped && !watch(&String::from_utf8_lossy(&line)) {
                    stopped = true;
                    let group = format!("-{}", child.id());
                    let _ = Command::new("kill").args(["-INT", "--", &group]).status();
                }
            }
        }
        let status = child.wait()?;
        if !status.success() && !stopped {
            bail!("`{}` failed: {status}", self.display);
        }
        Ok(())
    }

    /// Run quietly and return stdout; error unless it succeeds.
    pub fn read(mut self) -> Result<String> {
        let out = self.inner.stdin(Stdio::null()).output().with_context(|| {
            format!(
                "cannot start `{}` (is it installed and on PATH?)",
                self.display
            )
        })?;
        if !out.status.success() {
            bail!(
                "`{}` failed: {}\n{}",
                self.display,
                out.status,
                String::from_utf8_lossy(&out.stderr).trim_end()
            );
        }
        String::from_utf8(out.stdout)
            .with_context(|| format!("`{}` printed non-UTF-8", self.display))
    }

    /// Run quietly; `None` when the program cannot be started or fails.
    pub fn try_read(self) -> Option<String> {
        self.read().ok()
    }
}

fn quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}
