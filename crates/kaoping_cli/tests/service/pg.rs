//! A throwaway PostgreSQL cluster for the collector's tests against PostgreSQL: made with
//! `initdb` in a temporary directory (as the `postgres` system user when the tests run as
//! root: initdb refuses root), listening on a free loopback port, stopped and removed when
//! dropped. Without PostgreSQL installed the tests say so and pass, unless
//! `KAOPING_REQUIRE_POSTGRES` is set (CI sets it: a missing server fails there).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where PostgreSQL's programs are: where `initdb` on the PATH links to (the directory with
/// `createdb` and `psql` beside it), or Debian's versioned directory.
fn bin_dir() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|p| {
        let d = std::env::split_paths(&p).find(|d| d.join("initdb").is_file())?;
        Some(d.join("initdb").canonicalize().ok()?.parent()?.to_owned())
    });
    if on_path.as_ref().is_some_and(|d| d.join("pg_ctl").is_file()) {
        return on_path;
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| Some(e.ok()?.path().join("bin")))
        .filter(|b| b.join("initdb").is_file())
        .collect();
    versions.sort();
    versions.pop()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A running cluster; stopped and removed when dropped.
pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    pub port: u16,
    as_postgres: bool,
}

impl Cluster {
    /// A new cluster for the test `name`, or `None` (printed why) when PostgreSQL is not
    /// installed and not required.
    pub fn start(name: &str) -> Option<Cluster> {
        let Some(bin) = bin_dir() else {
            assert!(
                std::env::var_os("KAOPING_REQUIRE_POSTGRES").is_none(),
                "KAOPING_REQUIRE_POSTGRES is set but PostgreSQL (initdb, pg_ctl) is not installed"
            );
            eprintln!("{name}: skipped: PostgreSQL (initdb, pg_ctl) is not installed");
            return None;
        };
        let dir = std::env::temp_dir().join(format!("kaoping-pg-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let as_postgres = is_root();
        let mut cluster = Cluster {
            bin,
            dir,
            port: 0,
            as_postgres,
        };
        if as_postgres {
            let chown = Command::new("chown")
                .args(["-R", "postgres:"])
                .arg(&cluster.dir)
                .status()
                .unwrap();
            assert!(chown.success(), "cannot give {:?} to postgres", cluster.dir);
        }
        let data = cluster.dir.join("data");
        cluster.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "kaoping",
                "-A",
                "trust",
                "--no-sync",
            ],
        );
        // A port free now; if another process takes it before the server, start again.
        for _ in 0..5 {
            cluster.port = free_port();
            let opts = cluster.options();
            let log = cluster.dir.join("log");
            if cluster.try_run(
                "pg_ctl",
                &[
                    "-D",
                    data.to_str().unwrap(),
                    "-o",
                    &opts,
                    "-l",
                    log.to_str().unwrap(),
                    "-w",
                    "start",
                ],
            ) {
                return Some(cluster);
            }
        }
        panic!("PostgreSQL did not start: {}", cluster.log());
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        let mut c = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        };
        c.current_dir(&self.dir);
        c
    }

    fn try_run(&self, program: &str, args: &[&str]) -> bool {
        let out = self.command(program).args(args).output().unwrap();
        out.status.success()
    }

    fn run(&self, program: &str, args: &[&str]) {
        let out = self.command(program).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{program} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("log")).unwrap_or_default()
    }

    /// A new empty database, as the URL the collector takes.
    pub fn database(&self, name: &str) -> String {
        self.run(
            "createdb",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "kaoping",
                name,
            ],
        );
        self.url(name)
    }

    pub fn url(&self, name: &str) -> String {
        format!("postgres://kaoping@127.0.0.1:{}/{name}", self.port)
    }

    /// `sql` run in database `db` with psql; its output (unaligned, tuples only).
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let out = self
            .command("psql")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "kaoping",
            ])
            .args([
                "-X",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                db,
                "-c",
                sql,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "psql: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The server crashed: every PostgreSQL process ended at once (`pg_ctl -m immediate`, no
    /// shutdown checkpoint; what was committed is in its log, which it replays at the next
    /// start).
    pub fn crash(&self) {
        let data = self.dir.join("data");
        self.run(
            "pg_ctl",
            &["-D", data.to_str().unwrap(), "-m", "immediate", "stop"],
        );
    }

    /// The server started again on its port after [`Cluster::crash`].
    pub fn restart(&self) {
        let data = self.dir.join("data");
        let opts = self.options();
        let log = self.dir.join("log");
        let args = ["-D", data.to_str().unwrap(), "-o", &opts, "-l"];
        let started = self.try_run(
            "pg_ctl",
            &[&args[..], &[log.to_str().unwrap(), "-w", "start"]].concat(),
        );
        assert!(started, "PostgreSQL did not start again: {}", self.log());
    }

    fn options(&self) -> String {
        format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.display()
        )
    }
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = self
            .command("pg_ctl")
            .args(["-D", data.to_str().unwrap(), "-m", "immediate", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
