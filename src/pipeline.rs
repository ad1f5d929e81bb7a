//! The whole flow in memory: load `content/`, prepare the theme, plan and
//! render every page. `build` writes the result, `check` only reports,
//! `serve` serves it.

use std::path::Path;

use crate::content;
use crate::diag::Diagnostic;
use crate::model::Site;
use crate::site::{Build, Options, OutputFile};
use crate::theme::Theme;

/// What one run of the flow produced.
pub struct Generated {
    /// The site's files, sorted by path; `None` when there were errors.
    pub files: Option<Vec<OutputFile>>,
    /// Every problem found, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The loaded site, when `content/site.yaml` could be read.
    pub site: Option<Site>,
}

/// Runs the flow. Problems in one stage do not hide those of the next:
/// templates are checked even when content has errors.
pub fn generate(root: &Path, options: &Options) -> Generated {
    let loaded = content::load(root);
    let mut diagnostics = crate::diag::Diagnostics::default();
    diagnostics.extend(loaded.diagnostics);
    let Some(site) = loaded.site else {
        return Generated {
            files: None,
            diagnostics: diagnostics.sorted(),
            site: None,
        };
    };
    let files = render(&site, options, &mut diagnostics);
    let files = if diagnostics.has_errors() {
        None
    } else {
        files
    };
    Generated {
        files,
        diagnostics: diagnostics.sorted(),
        site: Some(site),
    }
}

fn render(
    site: &Site,
    options: &Options,
    diagnostics: &mut crate::diag::Diagnostics,
) -> Option<Vec<OutputFile>> {
    let theme = match Theme::new(&site.root, &site.config) {
        Ok(theme) => theme,
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            return None;
        }
    };
    let build = match Build::new(site, &theme, options.clone()) {
        Ok((build, found)) => {
            diagnostics.extend(found);
            build
        }
        Err(found) => {
            diagnostics.extend(found);
            return None;
        }
    };
    match build.render() {
        Ok(files) => Some(files),
        Err(found) => {
            diagnostics.extend(found);
            None
        }
    }
}
