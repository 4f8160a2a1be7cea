//! The deployment recipe, run: `cargo xtask test`'s steps "recipe (nginx)" and "recipe (caddy)"
//! (and `cargo xtask recipe`). Each takes its snippet from docs/deploy.md as it is written (the
//! fenced block between the `<!-- xtask recipe … -->` markers), replaces the example values as
//! the doc's section "How these were checked" says (portal origin, listen address on loopback,
//! server name, root = target/www/, the receiver = a dev server started here that sends no
//! headers of its own for other origins), starts the server on a free 127.0.0.1 port and runs the
//! browser tests that depend on the headers through it: the custom element and the iframe on a
//! portal of another origin, the service worker's update, offline use and delivery. So the
//! recipe a deployment copies is the one CI proves, not a note.
//!
//! Everything the server writes stays in `target/recipe/<server>/` (made afresh each run). The
//! server runs in the foreground as this process's child and is stopped when the step ends,
//! whether the tests passed or not.

use std::fs;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::cmd::Cmd;
use crate::{serve, size, web};

/// The browser tests that exercise what the recipe's headers decide (CSP and frame-ancestors,
/// CORS, compression, the caching of hashed and named files, the service worker's caching,
/// the POST through the proxy).
pub const TESTS: [&str; 5] = [
    "tests/e2e/caching.test.mjs",
    "tests/e2e/compression.test.mjs",
    "tests/e2e/crossorigin.test.mjs",
    "tests/e2e/sw-update.test.mjs",
    "tests/e2e/offline.test.mjs",
];

/// How long a server may take to start listening before the step gives up.
const START_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a server may take to stop after being asked before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Server {
    Nginx,
    Caddy,
}

impl Server {
    pub const ALL: [Server; 2] = [Server::Nginx, Server::Caddy];

    pub fn name(self) -> &'static str {
        match self {
            Server::Nginx => "nginx",
            Server::Caddy => "caddy",
        }
    }

    /// The program, as Debian's package installs it.
    pub fn program(self) -> &'static str {
        match self {
            Server::Nginx => "/usr/sbin/nginx",
            Server::Caddy => "/usr/bin/caddy",
        }
    }

    /// The language tag of the snippet's fenced block in docs/deploy.md.
    fn fence(self) -> &'static str {
        match self {
            Server::Nginx => "nginx",
            Server::Caddy => "caddyfile",
        }
    }

    pub fn parse(s: &str) -> Result<Server> {
        Server::ALL
            .into_iter()
            .find(|v| v.name() == s)
            .with_context(|| format!("unknown server {s:?}: expected nginx or caddy"))
    }
}

/// The values that replace the snippet's examples.
struct Values {
    /// The port the server listens on, on 127.0.0.1.
    port: u16,
    /// The portal's origin (`http://localhost:PORT`), in place of `https://www.example.gov.cn`.
    portal: String,
    /// target/www/, absolute.
    site: PathBuf,
    /// The receiver's port on 127.0.0.1, in place of `127.0.0.1:9000`.
    receiver: u16,
}

/// Run docs/deploy.md's snippet for `server` on loopback and the browser tests [`TESTS`] through
/// it. Needs target/www/ built (`cargo xtask build-web`) and the server installed.
pub fn run(root: &Path, server: Server) -> Result<()> {
    let site = root
        .join(web::SITE)
        .canonicalize()
        .with_context(|| format!("no {}: run `cargo xtask build-web` first", web::SITE))?;
    if !Path::new(server.program()).exists() {
        bail!(
            "{} is missing: install Debian's `{}` (`cargo xtask test` does in \"ensure tools\")",
            server.program(),
            server.name()
        );
    }
    let doc_path = root.join("docs/deploy.md");
    let doc = fs::read_to_string(&doc_path)
        .with_context(|| format!("cannot read {}", doc_path.display()))?;
    let snippet = snippet(&doc, server)?;

    let dir = root.join("target/recipe").join(server.name());
    if dir.exists() {
        fs::remove_dir_all(&dir).with_context(|| format!("cannot empty {}", dir.display()))?;
    }
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;

    // The receiver: a dev server with no portal allowed, so every header a portal needs on the
    // POST comes from the recipe (which hides the receiver's own). Its thread lives on until
    // xtask exits, as the e2e step's server does.
    let (_receiver, receiver) =
        serve::start_with(&site, 0, &serve::received_dir(), serve::Options::default())?;
    let portal_port = free_port()?;
    let mut port = free_port()?;
    while port == portal_port {
        port = free_port()?;
    }
    let values = Values {
        port,
        portal: format!("http://localhost:{portal_port}"),
        site,
        receiver,
    };
    let mut running = match server {
        Server::Nginx => start_nginx(&dir, &snippet, &values)?,
        Server::Caddy => start_caddy(&dir, &snippet, &values)?,
    };
    running.wait_listening(values.port)?;
    let url = format!("http://127.0.0.1:{}/", values.port);
    println!(
        "{} (docs/deploy.md's snippet, config in {}) at {url}: portal {}, receiver 127.0.0.1:{receiver}",
        server.name(),
        dir.display(),
        values.portal
    );
    let tests = Cmd::new("node")
        .args(["--test", "--test-reporter=spec", "--test-timeout=300000"])
        .args(TESTS)
        .env("KAOPING_URL", &url)
        .env("KAOPING_PORTAL_PORT", portal_port.to_string())
        .env("KAOPING_RECEIVED_DIR", serve::received_dir())
        .env("CHROMIUM", size::chromium())
        .dir(root)
        .run();
    let stopped = running.stop();
    tests.with_context(|| {
        format!(
            "the browser tests failed through {} under docs/deploy.md's snippet (config and log in {})",
            server.name(),
            dir.display()
        )
    })?;
    stopped
}

/// The fenced block of `server`'s language between its markers
/// `<!-- xtask recipe NAME: begin … -->` and `<!-- xtask recipe NAME: end -->`.
fn snippet(doc: &str, server: Server) -> Result<String> {
    let name = server.name();
    let begin = format!("<!-- xtask recipe {name}: begin");
    let end = format!("<!-- xtask recipe {name}: end -->");
    let missing = |what: &str| {
        anyhow::anyhow!(
            "docs/deploy.md: {what}; the {name} snippet must be one ```{} block between \
             `{begin} … -->` and `{end}`",
            server.fence()
        )
    };
    let start = doc
        .find(&begin)
        .ok_or_else(|| missing(&format!("no `{begin}` marker")))?;
    let len = doc[start..]
        .find(&end)
        .ok_or_else(|| missing(&format!("no `{end}` marker after the begin marker")))?;
    let between = &doc[start..start + len];
    let open = format!("```{}\n", server.fence());
    let body = between
        .find(&open)
        .map(|i| &between[i + open.len()..])
        .ok_or_else(|| missing(&format!("no {open:?} between the markers")))?;
    let close = body
        .find("\n```")
        .ok_or_else(|| missing("the block is not closed before the end marker"))?;
    Ok(body[..=close].to_string())
}

/// Replace each `(example, value)` in `text`; every example must be there (else the doc changed
/// and this step would test something else than it says).
fn replace_all(server: Server, text: &str, pairs: &[(&str, String)]) -> Result<String> {
    let mut out = text.to_string();
    for (from, to) in pairs {
        if !out.contains(from) {
            bail!(
                "docs/deploy.md's {} snippet no longer contains the example value `{from}`: \
                 update the replacements in xtask/src/recipe.rs and the doc's \"How these were \
                 checked\"",
                server.name()
            );
        }
        out = out.replace(from, to);
    }
    for example in ["example.gov.cn", "/srv/kaoping", ":9000"] {
        if let Some(line) = out.lines().find(|l| l.contains(example)) {
            bail!(
                "docs/deploy.md's {} snippet has an example value the step does not replace: \
                 `{}`: add it to xtask/src/recipe.rs",
                server.name(),
                line.trim()
            );
        }
    }
    Ok(out)
}

/// nginx's snippet with the example values replaced (docs/deploy.md, "How these were checked").
fn nginx_site(snippet: &str, v: &Values) -> Result<String> {
    replace_all(
        Server::Nginx,
        snippet,
        &[
            ("listen 80;", format!("listen 127.0.0.1:{};", v.port)),
            (
                "server_name kaoping.example.gov.cn;",
                "server_name localhost;".into(),
            ),
            ("https://www.example.gov.cn", v.portal.clone()),
            (
                "root /srv/kaoping/www;",
                format!("root {};", quoted(&v.site)?),
            ),
            (
                "proxy_pass http://127.0.0.1:9000;",
                format!("proxy_pass http://127.0.0.1:{};", v.receiver),
            ),
        ],
    )
}

/// Caddy's snippet with the example values replaced: the site address on loopback (plain HTTP,
/// under both host names the tests use) with `bind 127.0.0.1`.
fn caddy_site(snippet: &str, v: &Values) -> Result<String> {
    replace_all(
        Server::Caddy,
        snippet,
        &[
            (
                "kaoping.example.gov.cn {",
                format!(
                    "http://localhost:{p}, http://127.0.0.1:{p} {{\n\tbind 127.0.0.1",
                    p = v.port
                ),
            ),
            ("https://www.example.gov.cn", v.portal.clone()),
            (
                "root * /srv/kaoping/www",
                format!("root * {}", quoted(&v.site)?),
            ),
            (
                "reverse_proxy 127.0.0.1:9000",
                format!("reverse_proxy 127.0.0.1:{}", v.receiver),
            ),
        ],
    )
}

/// nginx: the snippet as `site.conf` in a minimal `nginx.conf`, checked with `nginx -t`, then run
/// in the foreground as one process (`master_process off`: no workers that switch to another
/// user, who might not read target/www/, and nothing left behind if this process dies).
fn start_nginx(dir: &Path, snippet: &str, v: &Values) -> Result<Running> {
    let site_conf = nginx_site(snippet, v)?;
    let at = |name: &str| quoted(&dir.join(name));
    let conf = format!(
        "# Written by xtask/src/recipe.rs: docs/deploy.md's nginx snippet (site.conf) on loopback.\n\
         daemon off;\n\
         master_process off;\n\
         pid {};\n\
         error_log {} warn;\n\
         events {{\n    worker_connections 256;\n}}\n\
         http {{\n\
         \x20   include /etc/nginx/mime.types;\n\
         \x20   default_type application/octet-stream;\n\
         \x20   access_log {};\n\
         \x20   client_body_temp_path {};\n\
         \x20   proxy_temp_path {};\n\
         \x20   fastcgi_temp_path {};\n\
         \x20   uwsgi_temp_path {};\n\
         \x20   scgi_temp_path {};\n\
         \x20   include {};\n\
         }}\n",
        at("nginx.pid")?,
        at("error.log")?,
        at("access.log")?,
        at("body")?,
        at("proxy")?,
        at("fastcgi")?,
        at("uwsgi")?,
        at("scgi")?,
        at("site.conf")?,
    );
    fs::write(dir.join("site.conf"), site_conf)?;
    let conf_path = dir.join("nginx.conf");
    fs::write(&conf_path, conf)?;
    let nginx = |extra: &[&str]| {
        let mut c = Command::new(Server::Nginx.program());
        c.args(extra)
            .arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(&conf_path)
            .arg("-e")
            .arg(dir.join("error.log"));
        c
    };
    let test = nginx(&["-t"]).output().context("cannot start nginx -t")?;
    if !test.status.success() {
        bail!(
            "`nginx -t` rejects docs/deploy.md's snippet ({}):\n{}",
            conf_path.display(),
            String::from_utf8_lossy(&test.stderr).trim_end()
        );
    }
    println!("nginx -t: {}", conf_path.display());
    let stop = nginx(&["-s", "stop"]);
    Running::spawn("nginx", nginx(&[]), Some(stop), dir)
}

/// Caddy: the snippet with the site address on loopback (plain HTTP, both host names the tests
/// use), `bind 127.0.0.1`, and a global block without the admin endpoint or automatic HTTPS;
/// checked with `caddy validate`, then `caddy run`.
fn start_caddy(dir: &Path, snippet: &str, v: &Values) -> Result<Running> {
    let site = caddy_site(snippet, v)?;
    let conf = format!(
        "# Written by xtask/src/recipe.rs: docs/deploy.md's Caddy snippet on loopback.\n\
         {{\n\tadmin off\n\tauto_https off\n}}\n\n{site}"
    );
    let path = dir.join("Caddyfile");
    fs::write(&path, conf)?;
    let caddy = |verb: &str| {
        let mut c = Command::new(Server::Caddy.program());
        c.arg(verb)
            .arg("--config")
            .arg(&path)
            .args(["--adapter", "caddyfile"])
            // Caddy keeps its state under $XDG_DATA_HOME and $XDG_CONFIG_HOME: here, not in $HOME.
            .env("XDG_DATA_HOME", dir.join("data"))
            .env("XDG_CONFIG_HOME", dir.join("config"));
        c
    };
    let check = caddy("validate")
        .output()
        .context("cannot start caddy validate")?;
    if !check.status.success() {
        bail!(
            "`caddy validate` rejects docs/deploy.md's snippet ({}):\n{}",
            path.display(),
            tail(&String::from_utf8_lossy(&check.stderr), 20)
        );
    }
    println!("caddy validate: {}", path.display());
    Running::spawn("caddy", caddy("run"), None, dir)
}

/// A server started by this step: its output goes to `server.log`; stopped on [`Running::stop`]
/// or when dropped (an error or a panic on the way).
struct Running {
    name: &'static str,
    child: Child,
    /// The command that asks it to stop (else it is killed).
    stop: Option<Command>,
    log: PathBuf,
    stopped: bool,
}

impl Running {
    fn spawn(
        name: &'static str,
        mut cmd: Command,
        stop: Option<Command>,
        dir: &Path,
    ) -> Result<Running> {
        let log = dir.join("server.log");
        let out = fs::File::create(&log)?;
        let child = cmd
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .with_context(|| format!("cannot start {name}"))?;
        println!("{name}: started, pid {}", child.id());
        Ok(Running {
            name,
            child,
            stop,
            log,
            stopped: false,
        })
    }

    /// Wait until something accepts connections on 127.0.0.1:`port`, or the server exits.
    fn wait_listening(&mut self, port: u16) -> Result<()> {
        let started = Instant::now();
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        loop {
            if let Some(status) = self.child.try_wait()? {
                self.stopped = true;
                bail!(
                    "{} exited before listening on {addr} ({status}):\n{}",
                    self.name,
                    self.log_tail()
                );
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                println!(
                    "{}: listening on {addr} after {:.1}s",
                    self.name,
                    started.elapsed().as_secs_f64()
                );
                return Ok(());
            }
            if started.elapsed() > START_TIMEOUT {
                bail!(
                    "{} is not listening on {addr} after {}s:\n{}",
                    self.name,
                    START_TIMEOUT.as_secs(),
                    self.log_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Ask the server to stop, wait for it (killing it after [`STOP_TIMEOUT`]).
    fn stop(mut self) -> Result<()> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<()> {
        if self.stopped {
            return Ok(());
        }
        self.stopped = true;
        if let Some(status) = self.child.try_wait()? {
            bail!(
                "{} had stopped by itself ({status}) before the tests ended:\n{}",
                self.name,
                self.log_tail()
            );
        }
        let asked = match self.stop.as_mut() {
            Some(cmd) => cmd
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success()),
            None => false,
        };
        if asked {
            let until = Instant::now() + STOP_TIMEOUT;
            while Instant::now() < until {
                if self.child.try_wait()?.is_some() {
                    println!("{}: stopped", self.name);
                    return Ok(());
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        self.child
            .kill()
            .with_context(|| format!("cannot kill {}", self.name))?;
        self.child.wait()?;
        println!("{}: stopped (killed, pid {})", self.name, self.child.id());
        Ok(())
    }

    fn log_tail(&self) -> String {
        let mut text = fs::read_to_string(&self.log).unwrap_or_default();
        // nginx writes its errors to error.log next to server.log.
        if let Ok(errors) = fs::read_to_string(self.log.with_file_name("error.log")) {
            text.push_str(&errors);
        }
        tail(&text, 20)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Err(e) = self.shutdown() {
            eprintln!("{}: {e:#}", self.name);
        }
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// A path as one quoted nginx/Caddy token.
fn quoted(path: &Path) -> Result<String> {
    let s = path
        .to_str()
        .with_context(|| format!("{} is not UTF-8", path.display()))?;
    if s.contains(['"', '\\', '\n']) {
        bail!("{s:?}: a path with quotes, backslashes or line breaks cannot go into the config");
    }
    Ok(format!("\"{s}\""))
}

/// A port free on 127.0.0.1 now (bound and released).
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    Ok(listener.local_addr()?.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Values {
        Values {
            port: 18480,
            portal: "http://localhost:18474".into(),
            site: PathBuf::from("/work/site"),
            receiver: 18473,
        }
    }

    /// Both snippets are found between their markers and every example value is replaced.
    #[test]
    fn the_snippets_are_found_and_filled_in() {
        let doc = fs::read_to_string(crate::project_root().join("docs/deploy.md")).unwrap();
        for server in Server::ALL {
            let s = snippet(&doc, server).unwrap();
            assert!(s.contains("Content-Security-Policy"), "{server:?}");
            assert!(!s.contains("```"), "{server:?}");
        }
        let v = values();
        let site = nginx_site(&snippet(&doc, Server::Nginx).unwrap(), &v).unwrap();
        for line in [
            "listen 127.0.0.1:18480;",
            "server_name localhost;",
            "frame-ancestors 'self' http://localhost:18474\"",
            "\"http://localhost:18474\" $http_origin;",
            "root \"/work/site\";",
            "proxy_pass http://127.0.0.1:18473;",
        ] {
            assert!(site.contains(line), "nginx: no {line}");
        }
        let site = caddy_site(&snippet(&doc, Server::Caddy).unwrap(), &v).unwrap();
        for line in [
            "http://localhost:18480, http://127.0.0.1:18480 {\n\tbind 127.0.0.1\n",
            "frame-ancestors 'self' http://localhost:18474\"",
            "header Origin http://localhost:18474",
            "root * \"/work/site\"",
            "reverse_proxy 127.0.0.1:18473 {",
        ] {
            assert!(site.contains(line), "caddy: no {line}");
        }
    }

    #[test]
    fn a_missing_marker_or_example_is_named() {
        let err = snippet("no markers here", Server::Nginx).unwrap_err();
        assert!(
            err.to_string().contains("<!-- xtask recipe nginx: begin"),
            "{err}"
        );
        let doc = "<!-- xtask recipe nginx: begin -->\n```nginx\nlisten 80;\n```\n<!-- xtask recipe nginx: end -->\n";
        assert_eq!(snippet(doc, Server::Nginx).unwrap(), "listen 80;\n");
        let err = replace_all(
            Server::Nginx,
            "listen 8080;\n",
            &[("listen 80;", "x".into())],
        )
        .unwrap_err();
        assert!(err.to_string().contains("`listen 80;`"), "{err}");
        let err = replace_all(
            Server::Nginx,
            "listen 80;\nserver_name b.example.gov.cn;\n",
            &[("listen 80;", "x".into())],
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("server_name b.example.gov.cn;"),
            "{err}"
        );
    }
}
