//! The built `kaoping collect` as the collector's tests run it: started on a free loopback port
//! (read from the first line of its stdout), stopped with SIGTERM or killed with SIGKILL.

// Each test file uses its own part of this module.
#![allow(dead_code)]

pub mod pg;

use super::http::{request, try_request, Reply};
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_kaoping");

pub fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("kaoping-collect-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub fn kaoping(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(BIN)
        .args(["--lang", "en"])
        .args(args)
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (out.status.success(), text(out.stdout), text(out.stderr))
}

/// A running service; killed when dropped.
pub struct Service {
    pub child: Child,
    pub port: u16,
}

impl Service {
    /// Started with its stderr kept for [`Service::stop`].
    pub fn start(plan: &Path, db: &Path, extra: &[&str]) -> Service {
        Service::spawn(plan, db, extra, Stdio::piped())
    }

    /// Started with its stderr appended to `log`: for a service that may write much there
    /// (each failed store is a line) and is never read through a pipe that could fill.
    pub fn start_logged(plan: &Path, db: &Path, extra: &[&str], log: &Path) -> Service {
        let f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .unwrap();
        Service::spawn(plan, db, extra, Stdio::from(f))
    }

    fn spawn(plan: &Path, db: &Path, extra: &[&str], stderr: Stdio) -> Service {
        let mut child = Command::new(BIN)
            .args([
                "--lang",
                "en",
                "collect",
                "--listen",
                "127.0.0.1:0",
                "--plan",
            ])
            .arg(plan)
            .arg("--db")
            .arg(db)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let Some(port) = line
            .trim()
            .strip_prefix("listening on http://127.0.0.1:")
            .and_then(|p| p.parse().ok())
        else {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            let _ = child.kill();
            panic!("the service did not start: {line:?} {err}");
        };
        Service { child, port }
    }

    /// SIGTERM, then its exit status and stderr.
    pub fn stop(mut self) -> (bool, String) {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
        let mut err = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            e.read_to_string(&mut err).unwrap();
        }
        let ok = self.child.wait().unwrap().success();
        (ok, err)
    }

    /// SIGKILL: no chance to finish anything.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    pub fn post(&self, body: &[u8], headers: &[(&str, &str)]) -> Reply {
        request(self.port, "POST", "/api/responses", headers, Some(body))
    }

    pub fn try_post(&self, body: &[u8], headers: &[(&str, &str)]) -> io::Result<Reply> {
        try_request(self.port, "POST", "/api/responses", headers, Some(body))
    }

    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        request(self.port, "GET", path, headers, None)
    }

    /// Peak resident memory so far (VmHWM), in KiB.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let s = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
