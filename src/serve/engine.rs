//! Rebuilding on change: runs the pipeline, keeps the last good site when
//! a build fails, re-reads the routing rules, and publishes each new
//! [`Snapshot`] to the server and the browsers.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use tokio::sync::watch;

use super::netlify::{Rules, RulesError};
use super::scope::{self, Previous};
use super::state::{self, SiteFiles, Snapshot};
use super::watch::Changes;
use crate::diag::{Diagnostic, count_line};
use crate::model::Site;
use crate::pipeline::{self, Reuse};
use crate::site::Options;
use crate::site::OutputFile;

/// What every build of this session is asked for.
#[derive(Debug, Clone)]
pub struct Settings {
    pub root: PathBuf,
    /// `--date`; without it "today" is read again for each build, so a
    /// preview left running over midnight follows the calendar.
    pub date: Option<NaiveDate>,
    pub drafts: bool,
    /// The base URL pages are built with (the preview's own address,
    /// unless `--base-url` says otherwise).
    pub base_url: String,
}

impl Settings {
    /// The build options for now.
    pub fn options(&self) -> Result<Options, String> {
        let (today, _) = crate::clock::today(self.date)?;
        Ok(Options {
            today,
            drafts: self.drafts,
            base_url: Some(self.base_url.clone()),
            checking: false,
        })
    }
}

/// What one rebuild did, for the terminal.
#[derive(Debug)]
pub enum Outcome {
    /// The site was built; `changed` files differ from the previous one.
    Built {
        changed: usize,
        files: usize,
        /// `Some(n)`: only the pages of the `n` edited policies were
        /// rendered, the rest kept; `None`: every page.
        scoped: Option<usize>,
        took: Duration,
        warnings: Vec<Diagnostic>,
    },
    /// The build failed; the last good site is still served.
    Failed {
        diagnostics: Vec<Diagnostic>,
        took: Duration,
    },
    /// Only the routing rules were read again.
    Rules,
    /// "Today" could not be determined (a bad SOURCE_DATE_EPOCH).
    NoDate(String),
}

/// Edits not in the served site yet.
#[derive(Debug, Default)]
struct Unbuilt {
    full: bool,
    policies: BTreeSet<String>,
}

/// The rebuild state of one `serve` session.
pub struct Engine {
    settings: Settings,
    /// The last good netlify.toml rules (kept while it is broken).
    config_rules: Rules,
    rules_errors: Vec<RulesError>,
    site: Option<Arc<SiteFiles>>,
    /// What the served site was built from, for scoped rebuilds.
    model: Option<(Site, NaiveDate)>,
    unbuilt: Unbuilt,
    /// The warnings of the last good build, as last shown.
    warnings: Vec<Diagnostic>,
    build_errors: Vec<String>,
    builds: u64,
    publisher: watch::Sender<Arc<Snapshot>>,
}

impl Engine {
    pub fn new(settings: Settings, publisher: watch::Sender<Arc<Snapshot>>) -> Engine {
        Engine {
            settings,
            config_rules: Rules::default(),
            rules_errors: Vec::new(),
            site: None,
            model: None,
            unbuilt: Unbuilt::default(),
            warnings: Vec::new(),
            build_errors: Vec::new(),
            builds: 0,
            publisher,
        }
    }

    /// The first build, with netlify.toml read.
    pub fn start(&mut self) -> Outcome {
        self.read_config_rules();
        self.build(&BTreeSet::new())
    }

    /// Applies a batch of changes: rules re-read and/or a rebuild.
    pub fn apply(&mut self, changes: &Changes) -> Outcome {
        if changes.netlify {
            self.read_config_rules();
        }
        if changes.needs_build() {
            let policies = if changes.full {
                BTreeSet::new()
            } else {
                changes.policies.clone()
            };
            self.build(&policies)
        } else {
            self.refresh_rules();
            self.publish();
            Outcome::Rules
        }
    }

    fn read_config_rules(&mut self) {
        match state::read_netlify_toml(&self.settings.root) {
            Ok(rules) => {
                self.config_rules = rules;
                self.rules_errors.retain(|e| e.origin != "netlify.toml");
            }
            Err(error) => {
                self.rules_errors.retain(|e| e.origin != "netlify.toml");
                self.rules_errors.push(error);
            }
        }
    }

    /// Builds the site after edits to `policies` (their folder names; none
    /// for a site-wide edit): only their pages when `scope` finds that
    /// enough. Edits since the last good build count too: a failed build
    /// rendered nothing.
    fn build(&mut self, policies: &BTreeSet<String>) -> Outcome {
        self.unbuilt.full |= policies.is_empty();
        self.unbuilt.policies.extend(policies.iter().cloned());
        let policies = if self.unbuilt.full {
            BTreeSet::new()
        } else {
            self.unbuilt.policies.clone()
        };
        let started = Instant::now();
        let options = match self.settings.options() {
            Ok(options) => options,
            Err(problem) => return Outcome::NoDate(problem),
        };
        let previous = match (&self.model, &self.site) {
            (Some((site, today)), Some(_)) => Some(Previous {
                site,
                today: *today,
            }),
            _ => None,
        };
        let served = self.site.clone();
        let mut scoped = None;
        let generated = pipeline::generate_reusing(&self.settings.root, &options, |site| {
            let policies =
                scope::policies_to_render(previous.as_ref(), options.today, site, &policies)?;
            scoped = Some(policies.len());
            Some(Reuse {
                files: &served.as_ref()?.files,
                policies,
            })
        });
        let Some(files) = generated.files else {
            self.build_errors = state::render_errors(&generated.diagnostics);
            self.publish();
            return Outcome::Failed {
                diagnostics: generated.diagnostics,
                took: started.elapsed(),
            };
        };
        let changed = match &self.site {
            Some(old) => changed_files(&old.files, &files),
            None => files.len(),
        };
        let count = files.len();
        self.model = generated.site.map(|site| (site, options.today));
        self.unbuilt = Unbuilt::default();
        self.build_errors.clear();
        self.install(files, changed);
        self.publish();
        Outcome::Built {
            changed,
            files: count,
            scoped,
            took: started.elapsed(),
            warnings: self.new_warnings(generated.diagnostics),
        }
    }

    /// Serves the new files, unless nothing changed (then the pages keep
    /// their build id and browsers do not reload).
    fn install(&mut self, files: Vec<OutputFile>, changed: usize) {
        if changed == 0 && self.site.is_some() {
            self.refresh_rules();
            return;
        }
        self.builds += 1;
        let (file_rules, errors) = state::file_rules(&files);
        self.rules_errors.retain(|e| e.origin == "netlify.toml");
        self.rules_errors.extend(errors);
        self.site = Some(Arc::new(SiteFiles {
            files,
            rules: Rules::combine(file_rules, self.config_rules.clone()),
        }));
    }

    /// The warnings of a build, unless the previous build had the same:
    /// the terminal shows them once, not at every save.
    fn new_warnings(&mut self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        if diagnostics == self.warnings {
            return Vec::new();
        }
        self.warnings.clone_from(&diagnostics);
        diagnostics
    }

    /// Puts the current netlify.toml rules into the served site.
    fn refresh_rules(&mut self) {
        if let Some(site) = &self.site {
            let (file_rules, _) = state::file_rules(&site.files);
            let rules = Rules::combine(file_rules, self.config_rules.clone());
            if rules != site.rules {
                self.builds += 1;
                self.site = Some(Arc::new(SiteFiles {
                    files: site.files.clone(),
                    rules,
                }));
            }
        }
    }

    fn publish(&self) {
        let snapshot = Snapshot {
            site: self.site.clone(),
            build: format!("{}-{}", std::process::id(), self.builds),
            build_errors: self.build_errors.clone(),
            rules_errors: self.rules_errors.iter().map(ToString::to_string).collect(),
        };
        self.publisher.send_replace(Arc::new(snapshot));
    }

    /// The errors now shown, for the terminal.
    pub fn rules_errors(&self) -> &[RulesError] {
        &self.rules_errors
    }
}

/// How many files differ between two builds (added, removed or changed).
fn changed_files(old: &[OutputFile], new: &[OutputFile]) -> usize {
    let changed_or_added = new
        .iter()
        .filter(|f| state::find(old, &f.path) != Some(f.bytes.as_slice()))
        .count();
    let removed = old
        .iter()
        .filter(|f| state::find(new, &f.path).is_none())
        .count();
    changed_or_added + removed
}

/// One line for the terminal after a rebuild.
pub fn summary(outcome: &Outcome, changes: Option<&Changes>) -> String {
    let cause = changes
        .map(|c| match c.paths.as_slice() {
            [] => String::new(),
            [one] => format!(" ({one})"),
            [one, rest @ ..] => format!(" ({one} and {} more)", rest.len()),
        })
        .unwrap_or_default();
    match outcome {
        Outcome::Built {
            changed,
            files,
            scoped,
            took,
            warnings,
        } => {
            let warnings = warnings.iter().filter(|d| !d.is_error()).count();
            let warnings = if warnings > 0 {
                format!(
                    ", {}",
                    count_line(0, warnings).trim_start_matches("0 errors, ")
                )
            } else {
                String::new()
            };
            let scope = match scoped {
                None => String::new(),
                Some(1) => " (one policy's pages, the rest kept)".to_string(),
                Some(n) => format!(" ({n} policies' pages, the rest kept)"),
            };
            format!(
                "Built {files} files in {} ms{scope}, {changed} changed{warnings}{cause}",
                took.as_millis()
            )
        }
        Outcome::Failed { diagnostics, took } => {
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            format!(
                "Build failed in {} ms: {}; still serving the last good site{cause}",
                took.as_millis(),
                count_line(errors, diagnostics.len() - errors)
            )
        }
        Outcome::Rules => format!("Routing rules reloaded{cause}"),
        Outcome::NoDate(problem) => format!("error: {problem}"),
    }
}
