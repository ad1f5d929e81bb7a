//! How long an editor waits: the time from saving a source file to the
//! rebuilt page being servable by `legalsite serve`.
//!
//! ```sh
//! cargo bench --bench serve
//! ```
//!
//! Runs the real (release) binary on two sites in temporary folders:
//! - HexGen's portal (this repository's content/, themes/, netlify.toml),
//!   editing a new draft version of the privacy policy the way an editor
//!   does after `legalsite new privacy` (serve --drafts);
//! - a generated portal of 1,000+ pages (25 policies x 10 versions x 4
//!   languages, about 1,500 words each), editing one version of one policy.
//!
//! Each save writes the file and notes the time; the benchmark listens to
//! serve's event stream (`/__legalsite/events`), whose state changes the
//! moment the new site is swapped in, and then checks with a GET that the
//! page shows the edit. Reported: median, 90th percentile and worst of
//! save -> servable, and the share of it spent in the build itself (from
//! serve's own "Built ... in N ms" lines); the rest is the file-system
//! notification, the 10 ms debounce and the swap.
//!
//! `LEGALSITE_BENCH_SITE=DIR LEGALSITE_BENCH_FILE=content/p/v/en.md
//! LEGALSITE_BENCH_PAGE=/p/v/` benchmarks another site instead (a copy is
//! edited, never DIR itself).

// A benchmark is a program of its own: failing loudly is what it should do.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

const ITERATIONS: usize = 30;
const DATE: &str = "2026-11-30";

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` runs this with
    // no such flag: then one quick round is enough to know it works.
    let quick = !std::env::args().any(|a| a == "--bench");
    let iterations = if quick { 2 } else { ITERATIONS };
    let mut scenarios = Vec::new();
    if let Ok(dir) = std::env::var("LEGALSITE_BENCH_SITE") {
        let site = tempfile::tempdir().expect("temp dir");
        copy_dir(Path::new(&dir), site.path());
        scenarios.push(Scenario {
            name: format!("site at {dir}"),
            site,
            file: std::env::var("LEGALSITE_BENCH_FILE").expect("LEGALSITE_BENCH_FILE"),
            page: std::env::var("LEGALSITE_BENCH_PAGE").expect("LEGALSITE_BENCH_PAGE"),
            drafts: true,
        });
    } else {
        scenarios.push(hexgen());
        scenarios.push(generated(25, 10, 4));
    }
    println!("save -> servable, {iterations} saves each (after one warm-up save)\n");
    for scenario in &scenarios {
        let result = run(scenario, iterations);
        println!("{}", result.report(&scenario.name));
    }
}

struct Scenario {
    name: String,
    site: tempfile::TempDir,
    /// The file edited, relative to the site.
    file: String,
    /// The page that shows it.
    page: String,
    drafts: bool,
}

fn hexgen() -> Scenario {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = tempfile::tempdir().expect("temp dir");
    for part in ["content", "themes"] {
        copy_dir(&repo.join(part), &site.path().join(part));
    }
    fs::copy(repo.join("netlify.toml"), site.path().join("netlify.toml")).expect("netlify.toml");
    let status = Command::new(env!("CARGO_BIN_EXE_legalsite"))
        .args(["new", "privacy", "--date", "2027-03-01", "--root"])
        .arg(site.path())
        .stdout(Stdio::null())
        .status()
        .expect("legalsite new");
    assert!(status.success(), "legalsite new failed");
    Scenario {
        name: "HexGen's portal (edit a draft of privacy)".to_string(),
        site,
        file: "content/privacy/2027-03-01/en.md".to_string(),
        page: "/privacy/2027-03-01/".to_string(),
        drafts: true,
    }
}

struct Timing {
    total: Vec<Duration>,
    build: Vec<Duration>,
    pages: usize,
    files: usize,
}

impl Timing {
    fn report(&self, name: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{name}: {} pages, {} files", self.pages, self.files);
        let _ = writeln!(
            out,
            "  save -> servable: median {:>4} ms   p90 {:>4} ms   max {:>4} ms",
            percentile(&self.total, 50).as_millis(),
            percentile(&self.total, 90).as_millis(),
            percentile(&self.total, 100).as_millis()
        );
        let _ = writeln!(
            out,
            "  of which build:   median {:>4} ms   p90 {:>4} ms   max {:>4} ms",
            percentile(&self.build, 50).as_millis(),
            percentile(&self.build, 90).as_millis(),
            percentile(&self.build, 100).as_millis()
        );
        out
    }
}

fn percentile(values: &[Duration], p: usize) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort();
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() - 1) * p).div_ceil(100);
    sorted[index.min(sorted.len() - 1)]
}

/// A running serve, killed when dropped.
struct Serve {
    child: Child,
    url: String,
    stdout: Arc<Mutex<Vec<String>>>,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(scenario: &Scenario) -> Serve {
    let mut command = Command::new(env!("CARGO_BIN_EXE_legalsite"));
    command
        .args(["serve", "--port", "0", "--date", DATE, "--root"])
        .arg(scenario.site.path())
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if scenario.drafts {
        command.arg("--drafts");
    }
    let mut child = command.spawn().expect("start serve");
    let stdout = Arc::new(Mutex::new(Vec::new()));
    let lines = Arc::clone(&stdout);
    let out = child.stdout.take().expect("stdout");
    thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            lines.lock().expect("lines").push(line);
        }
    });
    let started = Instant::now();
    let url = loop {
        let found = stdout
            .lock()
            .expect("lines")
            .iter()
            .find_map(|l| l.strip_prefix("Serving the preview at "))
            .and_then(|rest| rest.split_whitespace().next())
            .map(|u| u.trim_end_matches('/').to_string());
        if let Some(url) = found {
            break url;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "serve did not start"
        );
        thread::sleep(Duration::from_millis(20));
    };
    Serve { child, url, stdout }
}

/// Listens to the event stream: each state's build id, when it arrived.
fn listen(agent: &ureq::Agent, url: &str) -> mpsc::Receiver<(Instant, String)> {
    let (sender, receiver) = mpsc::channel();
    let response = agent
        .get(format!("{url}/__legalsite/events"))
        .call()
        .expect("event stream");
    thread::spawn(move || {
        let reader = BufReader::new(response.into_body().into_reader());
        for line in reader.lines().map_while(Result::ok) {
            if let Some(data) = line.strip_prefix("data: ") {
                let now = Instant::now();
                let state: serde_json::Value = serde_json::from_str(data).unwrap_or_default();
                let build = state["build"].as_str().unwrap_or_default().to_string();
                if sender.send((now, build)).is_err() {
                    return;
                }
            }
        }
    });
    receiver
}

fn run(scenario: &Scenario, iterations: usize) -> Timing {
    let serve = start(scenario);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let events = listen(&agent, &serve.url);
    let (_, mut build) = events
        .recv_timeout(Duration::from_secs(30))
        .expect("first state");
    let path = scenario.site.path().join(&scenario.file);
    let original = fs::read_to_string(&path).expect("the edited file");
    let mut timing = Timing {
        total: Vec::new(),
        build: Vec::new(),
        pages: 0,
        files: 0,
    };
    for round in 0..=iterations {
        let marker = format!("Benchmark edit number {round}.");
        let text = format!("{}\n{marker}\n", original.trim_end());
        let lines_before = serve.stdout.lock().expect("lines").len();
        let saved = Instant::now();
        fs::write(&path, text).expect("save");
        let servable = loop {
            let (at, new_build) = events
                .recv_timeout(Duration::from_secs(60))
                .expect("a new state after the save");
            if new_build != build {
                build = new_build;
                break at;
            }
        };
        let page = agent
            .get(format!("{}{}", serve.url, scenario.page))
            .call()
            .expect("page")
            .body_mut()
            .read_to_string()
            .expect("page body");
        assert!(page.contains(&marker), "the page does not show the edit");
        let built = wait_for_build_line(&serve, lines_before);
        if round > 0 {
            timing.total.push(servable - saved);
            timing.build.push(built);
        }
        // Let the file system settle so that saves do not overlap.
        thread::sleep(Duration::from_millis(50));
    }
    fs::write(&path, original).expect("restore");
    let (pages, files) = count_output(scenario);
    timing.pages = pages;
    timing.files = files;
    timing
}

/// The build time serve printed for the save: "Built N files in X ms".
fn wait_for_build_line(serve: &Serve, after: usize) -> Duration {
    let started = Instant::now();
    loop {
        let lines = serve.stdout.lock().expect("lines");
        let found = lines[after.min(lines.len())..].iter().rev().find_map(|l| {
            let rest = l.strip_prefix("Built ")?;
            let ms = rest.split(" in ").nth(1)?.split(" ms").next()?;
            ms.parse::<u64>().ok()
        });
        if let Some(ms) = found {
            return Duration::from_millis(ms);
        }
        drop(lines);
        assert!(started.elapsed() < Duration::from_secs(30), "no build line");
        thread::sleep(Duration::from_millis(5));
    }
}

/// Pages and files of a full build of the scenario's site.
fn count_output(scenario: &Scenario) -> (usize, usize) {
    let out = tempfile::tempdir().expect("temp dir");
    let mut command = Command::new(env!("CARGO_BIN_EXE_legalsite"));
    command
        .args(["build", "--date", DATE, "--root"])
        .arg(scenario.site.path())
        .arg("--out")
        .arg(out.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if scenario.drafts {
        command.arg("--drafts");
    }
    let _ = command.status();
    let mut pages = 0;
    let mut files = 0;
    for entry in walk(out.path()) {
        files += 1;
        if entry.extension().is_some_and(|e| e == "html") {
            pages += 1;
        }
    }
    (pages, files)
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create dir");
    for entry in fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

// ---- the generated portal ----

/// A portal of `policies` x `versions` x `locales` documents of about
/// 1,500 words, each version differing from the previous by a few
/// sentences, as policies change. Deterministic.
fn generated(policies: usize, versions: usize, locales: usize) -> Scenario {
    let site = tempfile::tempdir().expect("temp dir");
    let all_locales = ["en", "de", "fr", "es", "it", "nl"];
    let locales = &all_locales[..locales.min(all_locales.len())];
    let slugs: Vec<String> = (0..policies).map(|i| format!("policy-{i:02}")).collect();
    let content = site.path().join("content");
    fs::create_dir_all(&content).expect("content");
    fs::write(
        content.join("site.yaml"),
        format!(
            "title: Example Legal\nbase_url: https://legal.example.com\ndefault_locale: en\nlocales: [{}]\npolicies: [{}]\n",
            locales.join(", "),
            slugs.join(", ")
        ),
    )
    .expect("site.yaml");
    let mut random = Lcg(7);
    for slug in &slugs {
        let mut sections: Vec<Vec<String>> = (0..12).map(|_| section(&mut random)).collect();
        for version in 0..versions {
            if version > 0 {
                // A revision: one sentence rewritten, one added.
                let at = random.below(sections.len());
                let para = random.below(sections[at].len());
                sections[at][para] = sentence(&mut random, 18);
                sections[at].push(sentence(&mut random, 22));
            }
            let date = format!("20{:02}-{:02}-15", 16 + version / 2, 1 + 6 * (version % 2));
            for locale in locales {
                let dir = content.join(slug).join(&date);
                fs::create_dir_all(&dir).expect("version dir");
                let mut text = format!("---\ntitle: Policy {slug} ({locale})\n");
                if version > 0 {
                    text.push_str("summary: Rewrites a sentence and adds another.\n");
                }
                text.push_str("---\n\n");
                for (index, section) in sections.iter().enumerate() {
                    let _ = writeln!(text, "## Section {} of {slug}\n", index + 1);
                    for paragraph in section.chunks(3) {
                        let _ = writeln!(text, "{}\n", paragraph.join(" "));
                    }
                    if index % 4 == 1 {
                        for item in 0..4 {
                            let _ =
                                writeln!(text, "- {}", sentence(&mut Lcg(item + index as u64), 8));
                        }
                        text.push('\n');
                    }
                }
                fs::write(dir.join(format!("{locale}.md")), text).expect("version file");
            }
        }
    }
    let middle = format!(
        "20{:02}-{:02}-15",
        16 + (versions / 2) / 2,
        1 + 6 * ((versions / 2) % 2)
    );
    Scenario {
        name: format!(
            "generated portal ({policies} policies x {versions} versions x {} languages)",
            locales.len()
        ),
        site,
        file: format!("content/{}/{middle}/en.md", slugs[policies / 2]),
        page: format!("/{}/{middle}/", slugs[policies / 2]),
        drafts: false,
    }
}

fn section(random: &mut Lcg) -> Vec<String> {
    (0..9)
        .map(|_| {
            let words = 12 + random.below(10);
            sentence(random, words)
        })
        .collect()
}

fn sentence(random: &mut Lcg, words: usize) -> String {
    const WORDS: &[&str] = &[
        "we",
        "process",
        "personal",
        "data",
        "only",
        "where",
        "the",
        "law",
        "allows",
        "it",
        "you",
        "may",
        "ask",
        "for",
        "a",
        "copy",
        "of",
        "your",
        "information",
        "and",
        "its",
        "deletion",
        "our",
        "service",
        "providers",
        "act",
        "on",
        "instructions",
        "retention",
        "period",
        "account",
        "controller",
        "consent",
        "withdraw",
        "any",
        "time",
        "security",
        "measures",
        "include",
        "encryption",
        "access",
        "controls",
        "transfer",
        "outside",
        "european",
        "union",
        "safeguards",
        "contract",
        "legitimate",
        "interest",
        "analytics",
    ];
    let mut text = String::new();
    for index in 0..words {
        let word = WORDS[random.below(WORDS.len())];
        if index == 0 {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                text.extend(first.to_uppercase());
                text.push_str(chars.as_str());
            }
        } else {
            text.push(' ');
            text.push_str(word);
        }
    }
    text.push('.');
    text
}

/// A tiny deterministic generator: same portal on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}
