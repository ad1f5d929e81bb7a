//! `legalsite serve` on a copy of the `basic` fixture: the real binary on
//! a free port, read with an HTTP client as a browser would, while the
//! test edits the sources. Waits poll with generous bounds; no timing is
//! asserted (the benchmark measures it: `cargo bench --bench serve`).

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::support::{TestSite, tree};

const DATE: &str = "2026-11-15";

/// Every wait polls this long at most before the test fails.
const PATIENCE: Duration = Duration::from_secs(60);

/// netlify.toml for the tests: HexGen's headers, and one redirect rule.
const NETLIFY_TOML: &str = r#"
[build]
  command = "cargo run --release -- build"
  publish = "public"

[[headers]]
  for = "/*"
  [headers.values]
    Content-Security-Policy = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    X-Frame-Options = "DENY"

[[headers]]
  for = "/*.atom"
  [headers.values]
    Content-Type = "application/atom+xml; charset=utf-8"

[[redirects]]
  from = "/legal/*"
  to = "/:splat"
  status = 301
"#;

/// A running `legalsite serve`, killed when dropped.
struct Server {
    child: Child,
    url: String,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    agent: ureq::Agent,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An answer, read whole.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn drain(stream: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&text);
    thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let mut text = sink.lock().unwrap();
            text.push_str(&line);
            text.push('\n');
        }
    });
    text
}

impl Server {
    fn start(site: &TestSite) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_legalsite"))
            .args(["serve", "--port", "0", "--date", DATE, "--root"])
            .arg(site.root())
            .env_remove("SOURCE_DATE_EPOCH")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = drain(child.stdout.take().unwrap());
        let stderr = drain(child.stderr.take().unwrap());
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        let mut server = Server {
            child,
            url: String::new(),
            stdout,
            stderr,
            agent,
        };
        server.url = server.wait_for("the server's address", |s| {
            let out = s.stdout.lock().unwrap();
            out.lines()
                .find_map(|l| l.strip_prefix("Serving the preview at "))
                .and_then(|rest| rest.split_whitespace().next())
                .map(|url| url.trim_end_matches('/').to_string())
        });
        server
    }

    /// Polls `probe` until it gives a value.
    fn wait_for<T>(&mut self, what: &str, mut probe: impl FnMut(&Server) -> Option<T>) -> T {
        let started = Instant::now();
        loop {
            if let Some(value) = probe(self) {
                return value;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "serve exited ({status}) while waiting for {what}\nstdout:\n{}\nstderr:\n{}",
                    self.stdout.lock().unwrap(),
                    self.stderr.lock().unwrap()
                );
            }
            assert!(
                started.elapsed() < PATIENCE,
                "gave up waiting for {what}\nstdout:\n{}\nstderr:\n{}",
                self.stdout.lock().unwrap(),
                self.stderr.lock().unwrap()
            );
            thread::sleep(Duration::from_millis(50));
        }
    }

    fn get(&self, path: &str) -> Answer {
        self.request("GET", path, &[])
    }

    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Answer {
        let url = format!("{}{path}", self.url);
        let mut response = match method {
            "HEAD" => headers
                .iter()
                .fold(self.agent.head(&url), |r, (k, v)| r.header(*k, *v))
                .call(),
            _ => headers
                .iter()
                .fold(self.agent.get(&url), |r, (k, v)| r.header(*k, *v))
                .call(),
        }
        .unwrap();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        Answer {
            status: response.status().as_u16(),
            headers,
            body: response.body_mut().read_to_string().unwrap_or_default(),
        }
    }

    /// Waits until the page at `path` satisfies `test`.
    fn wait_for_page(&mut self, what: &str, path: &str, test: impl Fn(&Answer) -> bool) -> Answer {
        self.wait_for(what, |s| Some(s.get(path)).filter(|a| test(a)))
    }
}

fn site_with_netlify_toml() -> TestSite {
    let site = TestSite::fixture("basic");
    site.write("netlify.toml", NETLIFY_TOML);
    site
}

const PRIVACY_EN: &str = "content/privacy/2026-03-01/en.md";
const TERMS_EN: &str = "content/terms/2025-01-10/en.md";

#[test]
fn an_edit_shows_up_in_the_served_page() {
    let site = site_with_netlify_toml();
    let mut server = Server::start(&site);
    let page = server.get("/privacy/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("We collect your email address"));
    assert!(page.body.contains("<script src=\"/__legalsite/reload.js\""));
    site.edit(PRIVACY_EN, |source| {
        source.replace(
            "We collect your email address",
            "We collect only your email address",
        )
    });
    server.wait_for_page("the edit", "/privacy/", |page| {
        page.body.contains("We collect only your email address")
    });
    // The reload script and its events are served by serve itself.
    let script = server.get("/__legalsite/reload.js");
    assert_eq!(script.status, 200);
    assert!(
        script
            .header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(script.body.contains("EventSource"));
    // Nothing was written into the site's folder: no public/, no staging.
    assert!(!site.root().join("public").exists());
}

#[test]
fn a_broken_edit_keeps_the_site_and_shows_the_errors() {
    let site = site_with_netlify_toml();
    let mut server = Server::start(&site);
    let source = std::fs::read_to_string(site.root().join(PRIVACY_EN)).unwrap();
    site.write(
        PRIVACY_EN,
        source.replace("title: Privacy Policy", "titel: Privacy Policy"),
    );
    let broken = server.wait_for_page("the overlay", "/privacy/", |page| {
        page.body.contains("id=\"legalsite-overlay\"")
    });
    // The last good site is still served, with the errors over it.
    assert_eq!(broken.status, 200);
    assert!(broken.body.contains("We collect your email address"));
    assert!(broken.body.contains("role=\"alert\""));
    assert!(
        broken
            .body
            .contains("error[unknown-key]: unknown key `titel`")
    );
    assert!(
        broken
            .body
            .contains("--&gt; content/privacy/2026-03-01/en.md:2:1")
    );
    assert!(broken.body.contains("href=\"/__legalsite/overlay.css\""));
    // Every page shows it, and the terminal too.
    assert!(
        server
            .get("/terms/")
            .body
            .contains("id=\"legalsite-overlay\"")
    );
    server.wait_for("the errors in the terminal", |s| {
        s.stderr
            .lock()
            .unwrap()
            .contains("unknown key `titel`")
            .then_some(())
    });
    let css = server.get("/__legalsite/overlay.css");
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    // Fixing the file clears it.
    site.write(PRIVACY_EN, source.replace("We collect", "We now collect"));
    let fixed = server.wait_for_page("the fix", "/privacy/", |page| {
        page.body.contains("We now collect")
    });
    assert!(!fixed.body.contains("legalsite-overlay"));
}

#[test]
fn netlify_headers_redirects_and_404_pages_apply() {
    let site = site_with_netlify_toml();
    let server = Server::start(&site);
    let page = server.get("/privacy/");
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    // The CSP is netlify.toml's, plus serve's own files and nothing else.
    let host = server.url.trim_start_matches("http://");
    assert_eq!(
        page.header("content-security-policy").unwrap(),
        format!(
            "default-src 'none'; style-src 'self' http://{host}/__legalsite/overlay.css; img-src 'self'; \
             base-uri 'none'; form-action 'none'; frame-ancestors 'none'; \
             script-src http://{host}/__legalsite/reload.js; connect-src http://{host}/__legalsite/events"
        )
    );
    // Feeds get their header rule; other files keep theirs, untouched.
    let feed = server.get("/changes.atom");
    assert_eq!(
        feed.header("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    assert!(feed.body.starts_with("<?xml"));
    let sitemap = server.get("/sitemap.xml");
    assert_eq!(sitemap.header("content-type"), Some("application/xml"));
    assert_eq!(
        sitemap.header("content-security-policy"),
        Some(
            "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        )
    );

    // Pretty URLs: the trailing-slash redirect, as on Netlify.
    let bare = server.get("/privacy?x=1");
    assert_eq!(
        (bare.status, bare.header("location")),
        (301, Some("/privacy/?x=1"))
    );
    // netlify.toml's redirect rule, with its splat.
    let legal = server.get("/legal/terms/");
    assert_eq!(
        (legal.status, legal.header("location")),
        (301, Some("/terms/"))
    );
    // The generated _redirects: the portal follows the browser's language...
    let german = server.request(
        "GET",
        "/",
        &[("Accept-Language", "de-DE,de;q=0.9,en;q=0.5")],
    );
    assert_eq!(
        (german.status, german.header("location")),
        (302, Some("/de/"))
    );
    // ...unless the reader chose one; policy pages never redirect.
    let chosen = server.request("GET", "/?lang=en", &[("Accept-Language", "de")]);
    assert_eq!(chosen.status, 200);
    let policy = server.request("GET", "/privacy/", &[("Accept-Language", "de")]);
    assert_eq!(policy.status, 200);
    // _redirects itself is not published.
    assert_eq!(server.get("/_redirects").status, 404);

    // The site's own 404 page, per locale.
    let missing = server.get("/no-such-page/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("<html lang=\"en\""),
        "{}",
        missing.body
    );
    assert_eq!(missing.header("x-frame-options"), Some("DENY"));
    let fehlt = server.get("/de/no-such-page/");
    assert_eq!(fehlt.status, 404);
    assert!(fehlt.body.contains("<html lang=\"de\""), "{}", fehlt.body);
}

#[test]
fn head_and_etags() {
    let site = site_with_netlify_toml();
    let server = Server::start(&site);
    let page = server.get("/privacy/");
    let etag = page.header("etag").unwrap().to_string();
    let head = server.request("HEAD", "/privacy/", &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("etag"), Some(etag.as_str()));
    assert_eq!(
        head.header("content-length"),
        Some(page.body.len().to_string().as_str())
    );
    let cached = server.request("GET", "/privacy/", &[("If-None-Match", &etag)]);
    assert_eq!(cached.status, 304);
    assert!(cached.body.is_empty());
    assert_eq!(cached.header("etag"), Some(etag.as_str()));
    let stale = server.request("GET", "/privacy/", &[("If-None-Match", "\"old\"")]);
    assert_eq!(stale.status, 200);
}

/// The guard of incremental rebuilds: what serve serves after edits is
/// byte for byte what a full build of the edited sources writes (less
/// serve's script tag in HTML).
#[test]
fn served_files_are_identical_to_a_full_build() {
    let site = site_with_netlify_toml();
    let mut server = Server::start(&site);
    let source = std::fs::read_to_string(site.root().join(PRIVACY_EN)).unwrap();
    let edited = source.replace("## Analytics", "## Analytics and metrics");
    site.write(PRIVACY_EN, &edited);
    server.wait_for_page("the edit", "/privacy/", |page| {
        page.body.contains("Analytics and metrics")
    });
    // A text edit renders only its policy's pages.
    server.wait_for("a scoped rebuild", |s| {
        let out = s.stdout.lock().unwrap();
        out.contains("(one policy's pages, the rest kept)")
            .then_some(())
    });
    // An edit to another policy while the site is broken is not lost when
    // the break is fixed.
    site.write(
        PRIVACY_EN,
        edited.replace("title: Privacy Policy", "titel: x"),
    );
    server.wait_for_page("the overlay", "/privacy/", |page| {
        page.body.contains("legalsite-overlay")
    });
    site.edit(TERMS_EN, |terms| {
        format!("{}\nAn added sentence.\n", terms.trim_end())
    });
    site.write(PRIVACY_EN, &edited);
    server.wait_for_page("the fix", "/privacy/", |page| {
        !page.body.contains("legalsite-overlay")
    });
    let page = server.get("/privacy/");
    let script = page
        .body
        .lines()
        .find(|l| l.starts_with("<script src=\"/__legalsite/reload.js\""))
        .unwrap()
        .to_string();
    let out = tempfile::tempdir().unwrap();
    let run = site.run(&[
        "build",
        "--date",
        DATE,
        "--base-url",
        &server.url,
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let built = tree(out.path());
    assert!(built.len() > 20);
    for (path, bytes) in built {
        if path == "_redirects" {
            continue;
        }
        let served = server.get(&format!("/{path}"));
        assert_eq!(served.status, 200, "{path}");
        let body = if path.ends_with(".html") {
            served.body.replacen(&format!("{script}\n"), "", 1)
        } else {
            served.body
        };
        assert!(
            body.as_bytes() == bytes.as_slice(),
            "{path} differs from the full build"
        );
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_leaves_nothing_behind() {
    let site = site_with_netlify_toml();
    let before: Vec<_> = tree(site.root()).into_iter().map(|(p, _)| p).collect();
    let mut server = Server::start(&site);
    assert_eq!(server.get("/").status, 200);
    let pid = server.child.id().to_string();
    let kill = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(kill.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < PATIENCE, "serve did not stop on Ctrl-C");
        thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0), "{}", server.stderr.lock().unwrap());
    // The reader thread may still be copying the last line.
    server.wait_for("the goodbye", |s| {
        s.stdout.lock().unwrap().contains("Stopped.").then_some(())
    });
    let after: Vec<_> = tree(site.root()).into_iter().map(|(p, _)| p).collect();
    assert_eq!(before, after, "serve left files in the site's folder");
    let hidden: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') || n == "public")
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
}

#[test]
fn a_site_that_never_built_shows_its_errors_until_fixed() {
    let site = site_with_netlify_toml();
    let source = std::fs::read_to_string(site.root().join(PRIVACY_EN)).unwrap();
    site.write(
        PRIVACY_EN,
        source.replace("title: Privacy Policy", "titel: x"),
    );
    let mut server = Server::start(&site);
    let page = server.get("/privacy/");
    assert_eq!(page.status, 503);
    assert!(
        page.body
            .contains("id=\"legalsite-overlay\" role=\"alert\"")
    );
    assert!(page.body.contains("unknown key `titel`"));
    site.write(PRIVACY_EN, &source);
    let fixed = server.wait_for_page("the first good build", "/privacy/", |page| {
        page.status == 200
    });
    assert!(fixed.body.contains("We collect your email address"));
}

#[test]
fn rules_files_and_netlify_toml_changes_apply_without_a_restart() {
    let site = site_with_netlify_toml();
    // A site's own _headers (from static/) applies with netlify.toml's.
    site.write("static/_headers", "/privacy/*\n  X-Robots-Tag: noarchive\n");
    let mut server = Server::start(&site);
    let page = server.get("/privacy/");
    assert_eq!(page.header("x-robots-tag"), Some("noarchive"));
    assert_eq!(server.get("/terms/").header("x-robots-tag"), None);
    assert_eq!(server.get("/_headers").status, 404);
    // A new rule in netlify.toml applies at once...
    site.write(
        "netlify.toml",
        format!("{NETLIFY_TOML}\n[[redirects]]\n  from = \"/agb\"\n  to = \"/de/terms/\"\n  status = 302\n"),
    );
    let moved = server.wait_for_page("the new rule", "/agb", |a| a.status == 302);
    assert_eq!(moved.header("location"), Some("/de/terms/"));
    // ...and a broken netlify.toml keeps the last good rules, and says so.
    site.write(
        "netlify.toml",
        format!("{NETLIFY_TOML}\n[[redirects]]\nfrom = \n"),
    );
    let broken = server.wait_for_page("the overlay", "/privacy/", |page| {
        page.body.contains("legalsite-overlay")
    });
    assert!(
        broken.body.contains("error: netlify.toml:"),
        "{}",
        broken.body
    );
    assert_eq!(server.get("/agb").status, 302);
    assert_eq!(broken.header("x-frame-options"), Some("DENY"));
}
