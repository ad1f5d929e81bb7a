//! The whole flow in memory: load `content/`, check the lock, prepare the
//! theme, plan and render every page. `build` writes the result, `check`
//! only reports, `serve` serves it.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use chrono::NaiveDate;

use crate::content::{self, lock};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::site::{Build, Options, OutputFile, json};
use crate::theme::Theme;

/// What one run of the flow produced.
pub struct Generated {
    /// The site's files, sorted by path; `None` when there were errors.
    pub files: Option<Vec<OutputFile>>,
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

/// Runs the flow. Problems in one stage do not hide those of the next:
/// templates are checked even when content has errors.
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
    let loaded = content::load(root);
    let mut diagnostics = Diagnostics::default();
    diagnostics.extend(loaded.diagnostics);
    let Some(site) = loaded.site else {
        return Generated {
            files: None,
            diagnostics: diagnostics.sorted(),
            site: None,
            schedule: Schedule::default(),
        };
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
    let reuse = reuse(&site);
    let only = reuse.as_ref().map(|r| r.policies.clone());
    let rendered =
        render(&site, options, only, &mut diagnostics).map(|(files, schedule)| match &reuse {
            Some(reuse) => (lay_over(reuse.files, files), schedule),
            None => (files, schedule),
        });
    let (files, schedule) = match rendered {
        Some((files, schedule)) if !diagnostics.has_errors() => (Some(files), schedule),
        Some((_, schedule)) => (None, schedule),
        None => (None, Schedule::default()),
    };
    Generated {
        files,
        diagnostics: diagnostics.sorted(),
        site: Some(site),
        schedule,
    }
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

fn render(
    site: &Site,
    options: &Options,
    only: Option<BTreeSet<usize>>,
    diagnostics: &mut Diagnostics,
) -> Option<(Vec<OutputFile>, Schedule)> {
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
    let schedule = Schedule {
        upcoming: json::upcoming(&build),
        next_rebuild: json::next_rebuild(&build),
    };
    match build.render() {
        Ok(files) => Some((files, schedule)),
        Err(found) => {
            diagnostics.extend(found);
            None
        }
    }
}
