//! Rebuilding on change: runs the pipeline, keeps the last good site when
//! a build fails, re-reads the routing rules, and publishes each new
//! [`Snapshot`] to the server and the browsers.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use chrono::NaiveDate;
use tokio::sync::watch;

use super::netlify::{Rules, RulesError};
use super::state::{self, SiteFiles, Snapshot};
use super::watch::Changes;
use crate::diag::{Diagnostic, count_line};
use crate::pipeline;
use crate::site::Options;

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

/// The rebuild state of one `serve` session.
pub struct Engine {
    settings: Settings,
    /// The last good netlify.toml rules (kept while it is broken).
    config_rules: Rules,
    rules_errors: Vec<RulesError>,
    site: Option<Arc<SiteFiles>>,
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
            build_errors: Vec::new(),
            builds: 0,
            publisher,
        }
    }

    /// The first build, with netlify.toml read.
    pub fn start(&mut self) -> Outcome {
        self.read_config_rules();
        self.build()
    }

    /// Applies a batch of changes: rules re-read and/or a rebuild.
    pub fn apply(&mut self, changes: &Changes) -> Outcome {
        if changes.netlify {
            self.read_config_rules();
        }
        if changes.needs_build() {
            // The pipeline rebuilds the whole site: it does not yet reuse
            // the work of unchanged policies (see README, "serve"). The
            // classification is kept so that a scoped build can use it.
            self.build()
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

    fn build(&mut self) -> Outcome {
        let started = Instant::now();
        let options = match self.settings.options() {
            Ok(options) => options,
            Err(problem) => return Outcome::NoDate(problem),
        };
        let generated = pipeline::generate(&self.settings.root, &options);
        let Some(files) = generated.files else {
            self.build_errors = state::render_errors(&generated.diagnostics);
            self.publish();
            return Outcome::Failed {
                diagnostics: generated.diagnostics,
                took: started.elapsed(),
            };
        };
        let count = files.len();
        let files = state::index_files(files);
        let changed = self
            .site
            .as_ref()
            .map_or(count, |old| changed_files(&old.files, &files));
        self.build_errors.clear();
        if changed > 0 || self.site.is_none() {
            self.builds += 1;
            let (file_rules, errors) = state::file_rules(&files);
            self.rules_errors.retain(|e| e.origin == "netlify.toml");
            self.rules_errors.extend(errors);
            self.site = Some(Arc::new(SiteFiles {
                files,
                rules: Rules::combine(file_rules, self.config_rules.clone()),
            }));
        } else {
            self.refresh_rules();
        }
        self.publish();
        Outcome::Built {
            changed,
            files: count,
            took: started.elapsed(),
            warnings: generated.diagnostics,
        }
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
fn changed_files(old: &HashMap<String, Bytes>, new: &HashMap<String, Bytes>) -> usize {
    let changed_or_added = new
        .iter()
        .filter(|(path, bytes)| old.get(*path) != Some(bytes))
        .count();
    let removed = old.keys().filter(|path| !new.contains_key(*path)).count();
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
            format!(
                "Built {files} files in {} ms, {changed} changed{warnings}{cause}",
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
