//! The whole flow: load `content/`, check the lock, prepare the theme, plan
//! and render every page into a sink, lint the result. `build` streams the
//! files into its staging folder, `check` discards them, `serve` and the
//! tests keep them in memory.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use chrono::NaiveDate;

use crate::content::{self, lock};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::site::{Build, Collect, Options, OutputFile, PageIndex, Sink, json};
use crate::theme::Theme;

/// What one run of the flow produced.
pub struct Generated {
    /// The site's files, sorted by path, when they were kept in memory
    /// ([`generate`]) and there were no errors.
    pub files: Option<Vec<OutputFile>>,
    /// Every file was rendered and no error was found.
    pub succeeded: bool,
    /// Every problem found, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The loaded site, when `content/site.yaml` could be read.
    pub site: Option<Site>,
    /// When the built site goes stale by itself.
    pub schedule: Schedule,
}

/// Dates on which the site changes without an edit, for `build` to say.
#[derive(Debug, Default, Clone)]
pub struct Schedule {
    /// (policy, version, effective date) of upcoming versions, soonest first.
    pub upcoming: Vec<(String, String, NaiveDate)>,
    /// The next day a rebuild changes the site.
    pub next_rebuild: Option<NaiveDate>,
}

/// A previous build whose pages a run keeps (see [`generate_reusing`]).
pub struct Reuse<'p> {
    /// The previous build's files, complete.
    pub files: &'p [OutputFile],
    /// The policies (by index in `Site::policies`) whose pages are
    /// rendered again, with the pages and files that list every policy.
    pub policies: BTreeSet<usize>,
}

/// Runs the flow and keeps the files in memory.
pub fn generate(root: &Path, options: &Options) -> Generated {
    generate_reusing(root, options, |_| None)
}

/// [`generate`], keeping pages of a previous build: once the site is
/// loaded, `reuse` may name a previous build and the policies whose pages
/// must be rendered again; every other page is taken from that build.
/// `serve` does this when an edit changed only some policies' texts.
/// `files` is the complete site all the same.
pub fn generate_reusing<'p>(
    root: &Path,
    options: &Options,
    reuse: impl FnOnce(&Site) -> Option<Reuse<'p>>,
) -> Generated {
    let collect = Collect::default();
    let (mut generated, reused) = flow(root, options, &collect, reuse);
    if generated.succeeded {
        let fresh = collect.into_sorted();
        generated.files = Some(match reused {
            Some(reuse) => lay_over(reuse.files, fresh),
            None => fresh,
        });
    }
    generated
}

/// `rendered` in place of the same paths of `previous`, sorted by path.
fn lay_over(previous: &[OutputFile], rendered: Vec<OutputFile>) -> Vec<OutputFile> {
    let fresh: HashSet<&str> = rendered.iter().map(|f| f.path.as_str()).collect();
    let mut files: Vec<OutputFile> = previous
        .iter()
        .filter(|f| !fresh.contains(f.path.as_str()))
        .cloned()
        .collect();
    files.extend(rendered);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// Runs the flow, putting every file into `sink`. Problems in one stage do
/// not hide those of the next: templates are checked even when content has
/// errors.
pub fn generate_into(root: &Path, options: &Options, sink: &dyn Sink) -> Generated {
    flow(root, options, sink, |_| None).0
}

/// The flow, rendering everything, or (with `reuse`) the chosen policies'
/// pages and every page and file that lists all policies.
fn flow<'p>(
    root: &Path,
    options: &Options,
    sink: &dyn Sink,
    reuse: impl FnOnce(&Site) -> Option<Reuse<'p>>,
) -> (Generated, Option<Reuse<'p>>) {
    let mut stopwatch = Stopwatch::start();
    let loaded = content::load(root);
    stopwatch.mark("load");
    let mut diagnostics = Diagnostics::default();
    diagnostics.extend(loaded.diagnostics);
    let Some(site) = loaded.site else {
        let generated = Generated {
            files: None,
            succeeded: false,
            diagnostics: diagnostics.sorted(),
            site: None,
            schedule: Schedule::default(),
        };
        return (generated, None);
    };
    let (lock_source, lock, lock_diagnostics) = lock::Lock::read(root);
    diagnostics.extend(lock_diagnostics);
    // Locking is opt-in: a site starts recording published versions with
    // its first `legalsite lock`.
    if lock_source.is_some() {
        diagnostics.extend(lock::verify(
            &site,
            &lock,
            lock_source.as_ref(),
            options.today,
        ));
    }
    stopwatch.mark("lock");
    let reuse = reuse(&site);
    let only = reuse.as_ref().map(|r| r.policies.clone());
    let mut rendered = render(&site, options, only, sink, &mut diagnostics, &mut stopwatch);
    // Pages kept from the previous build are pages of the site too.
    if let (Some((index, _, _)), Some(reuse)) = (&mut rendered, &reuse) {
        index.add_missing(reuse.files);
    }
    // Lints read the rendered site (links are checked against the pages
    // that exist), so they run once it renders.
    if let Some((index, _, scans)) = &mut rendered {
        let base_url = options.base_url.as_deref().unwrap_or(&site.config.base_url);
        diagnostics.extend(crate::lint::run(
            &site,
            index,
            base_url,
            std::mem::take(scans),
        ));
        stopwatch.mark("lint");
    }
    stopwatch.report();
    let succeeded = rendered.is_some() && !diagnostics.has_errors();
    // The scans borrow the site's texts: done with before the site moves.
    let schedule = match rendered {
        Some((index, schedule, _)) => {
            // Freeing the index (an id set for each of 30,000 pages) took
            // 10 ms of a check's end: done on another thread meanwhile.
            rayon::spawn(move || drop(index));
            schedule
        }
        None => Schedule::default(),
    };
    let generated = Generated {
        files: None,
        succeeded,
        diagnostics: diagnostics.sorted(),
        site: Some(site),
        schedule,
    };
    (generated, reuse)
}

fn render<'s>(
    site: &'s Site,
    options: &Options,
    only: Option<BTreeSet<usize>>,
    sink: &dyn Sink,
    diagnostics: &mut Diagnostics,
    stopwatch: &mut Stopwatch,
) -> Option<(PageIndex, Schedule, crate::lint::Scans<'s>)> {
    let theme = match Theme::new(&site.root, &site.config) {
        Ok(theme) => theme,
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            return None;
        }
    };
    let build = match Build::new_for(site, &theme, options.clone(), only) {
        Ok((build, found)) => {
            diagnostics.extend(found);
            build
        }
        Err(found) => {
            diagnostics.extend(found);
            return None;
        }
    };
    stopwatch.mark("prepare (strings, templates)");
    let schedule = Schedule {
        upcoming: json::upcoming(&build),
        next_rebuild: json::next_rebuild(&build),
    };
    let rendered = build.render_into(sink);
    stopwatch.mark("render and write pages");
    match rendered {
        Ok(index) => Some((index, schedule, build.into_lint_scans())),
        Err(found) => {
            diagnostics.extend(found);
            None
        }
    }
}

/// Stage timings, printed to stderr when `LEGALSITE_TIMINGS` is set (for
/// profiling; never part of the output): wall time, CPU time of all
/// threads (CPU / wall shows how parallel a stage is) and resident memory
/// after the stage (Linux only).
pub struct Stopwatch {
    enabled: bool,
    last: std::time::Instant,
    last_cpu: f64,
    marks: Vec<(&'static str, f64, f64, Option<f64>)>,
}

impl Stopwatch {
    pub fn start() -> Stopwatch {
        Stopwatch {
            enabled: std::env::var_os("LEGALSITE_TIMINGS").is_some(),
            last: std::time::Instant::now(),
            last_cpu: process_cpu_seconds().unwrap_or(0.0),
            marks: Vec::new(),
        }
    }

    pub fn mark(&mut self, stage: &'static str) {
        if self.enabled {
            let now = std::time::Instant::now();
            let cpu = process_cpu_seconds().unwrap_or(0.0);
            let wall = (now - self.last).as_secs_f64();
            self.marks
                .push((stage, wall, cpu - self.last_cpu, resident_mib()));
            (self.last, self.last_cpu) = (now, cpu);
        }
    }

    pub fn report(&self) {
        for (stage, wall, cpu, rss) in &self.marks {
            let rss = rss
                .map(|m| format!(", {m:.0} MiB resident"))
                .unwrap_or_default();
            eprintln!(
                "timing: {stage:<40} {:>8.1} ms (cpu {:>8.1} ms{rss})",
                wall * 1000.0,
                cpu * 1000.0
            );
        }
    }
}

/// User + system time of the whole process, from /proc (Linux).
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) in ")".
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // USER_HZ is 100 on every Linux target Rust supports.
    Some(ticks / 100.0)
}

/// Resident set size in MiB, from /proc (Linux).
fn resident_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
