//! What the server serves at one moment: the last good site (its files in
//! memory and its routing rules) and the problems of the latest attempt.
//! A rebuild makes a new [`Snapshot`]; requests read whichever is current.

use std::path::Path;
use std::sync::Arc;

use super::netlify::{self, Rules, RulesError};
use crate::diag::Diagnostic;
use crate::site::OutputFile;

/// A built site, ready to serve.
#[derive(Debug, Default)]
pub struct SiteFiles {
    /// The complete site, sorted by path (as the pipeline makes it).
    pub files: Vec<OutputFile>,
    /// `_redirects` / `_headers` of the site, then netlify.toml's.
    pub rules: Rules,
}

impl SiteFiles {
    /// The bytes of the file at `path` inside the site (`privacy/index.html`).
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        find(&self.files, path)
    }
}

/// A file of a sorted list of files.
pub fn find<'f>(files: &'f [OutputFile], path: &str) -> Option<&'f [u8]> {
    files
        .binary_search_by(|f| f.path.as_str().cmp(path))
        .ok()
        .map(|index| files[index].bytes.as_slice())
}

/// The state every request and every browser sees.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// The last good site; `None` until a build succeeds.
    pub site: Option<Arc<SiteFiles>>,
    /// Changes whenever the served site changes: pages carry it, and the
    /// reload script reloads when the server's differs from its page's.
    pub build: String,
    /// Errors of the latest build, rendered as text (empty when it
    /// succeeded).
    pub build_errors: Vec<String>,
    /// Errors in netlify.toml, `_redirects` or `_headers`.
    pub rules_errors: Vec<String>,
}

impl Snapshot {
    /// Every error to show in the overlay.
    pub fn errors(&self) -> Vec<String> {
        self.build_errors
            .iter()
            .chain(&self.rules_errors)
            .cloned()
            .collect()
    }

    /// The JSON the reload script receives.
    pub fn state_json(&self) -> String {
        serde_json::json!({
            "build": self.build,
            "errors": self.errors(),
        })
        .to_string()
    }
}

/// netlify.toml's rules: none when it does not exist.
pub fn read_netlify_toml(root: &Path) -> Result<Rules, RulesError> {
    let path = root.join("netlify.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => netlify::parse_netlify_toml(&text),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Rules::default()),
        Err(error) => Err(RulesError {
            origin: "netlify.toml".to_string(),
            message: error.to_string(),
        }),
    }
}

/// The rules of a built site's `_redirects` and `_headers`, with the
/// problems found in them.
pub fn file_rules(files: &[OutputFile]) -> (Rules, Vec<RulesError>) {
    let text = |name: &str| {
        find(files, name)
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default()
    };
    let (redirects, mut errors) = netlify::parse_redirects_file(&text("_redirects"));
    let (headers, header_errors) = netlify::parse_headers_file(&text("_headers"));
    errors.extend(header_errors);
    (Rules { redirects, headers }, errors)
}

/// Errors of a failed build as the terminal shows them, without colour.
pub fn render_errors(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.render_text(false))
        .collect()
}
