//! The whole flow in memory: load `content/`, check the lock, prepare the
//! theme, plan and render every page. `build` writes the result, `check`
//! only reports, `serve` serves it.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::NaiveDate;

use crate::content::{self, lock};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::site::pages::{Kind, Page};
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

/// Which pages a run renders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pages {
    All,
    /// The pages of these policies (by index in `Site::policies`), the
    /// pages that list every policy (portals, site changes, 404), and
    /// every file that is not a page. `serve` uses it when an edit
    /// changed only these policies' texts, and keeps the other pages of
    /// its previous build.
    Policies(BTreeSet<usize>),
}

/// Runs the flow. Problems in one stage do not hide those of the next:
/// templates are checked even when content has errors.
pub fn generate(root: &Path, options: &Options) -> Generated {
    generate_pages(root, options, |_| Pages::All)
}

/// [`generate`], rendering the pages `choose` picks once it has seen the
/// loaded site; with [`Pages::Policies`], `files` holds only what was
/// rendered.
pub fn generate_pages(
    root: &Path,
    options: &Options,
    choose: impl FnOnce(&Site) -> Pages,
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
    let pages = choose(&site);
    let rendered = render(&site, options, &pages, &mut diagnostics);
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

fn render(
    site: &Site,
    options: &Options,
    pages: &Pages,
    diagnostics: &mut Diagnostics,
) -> Option<(Vec<OutputFile>, Schedule)> {
    let theme = match Theme::new(&site.root, &site.config) {
        Ok(theme) => theme,
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            return None;
        }
    };
    let only = match pages {
        Pages::All => None,
        Pages::Policies(only) => Some(only),
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
    // No `_` arm: a new page kind must say whether it belongs to one
    // policy (and is rendered with that policy only) or lists them all.
    let keep = |page: &Page| match page.kind {
        Kind::Policy { policy } | Kind::Version { policy, .. } | Kind::Changes { policy } => {
            only.is_none_or(|only| only.contains(&policy))
        }
        Kind::Portal | Kind::SiteChanges | Kind::NotFound => true,
    };
    match build.render_pages(keep) {
        Ok(files) => Some((files, schedule)),
        Err(found) => {
            diagnostics.extend(found);
            None
        }
    }
}
