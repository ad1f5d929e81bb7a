//! Themes: where templates, static assets and interface strings come from.
//!
//! Files are looked up in layers: the site's own `templates/` (templates
//! only), then `themes/<theme>/`, then the default theme built into the
//! binary, so a site without a `themes/` folder still builds and a theme
//! only has to carry what it changes.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::config::SiteConfig;
use crate::diag::{Code, Diagnostic};
use crate::source::display_path;

macro_rules! builtin {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!("../themes/default/", $path)))),*]
    };
}

/// The default theme, compiled in: (path inside the theme, bytes).
pub const BUILTIN: &[(&str, &[u8])] = builtin![
    "templates/base.html",
    "templates/macros.html",
    "templates/nav.html",
    "templates/portal.html",
    "templates/policy.html",
    "templates/changes.html",
    "templates/compare.html",
    "templates/404.html",
    "templates/notice.html",
    "templates/notice.txt",
    "static/style.css",
    "static/favicon.svg",
    "i18n/en.yaml",
    "i18n/de.yaml",
    "i18n/fr.yaml",
    "i18n/es.yaml",
    "i18n/ar.yaml",
];

/// One file of the theme.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    pub bytes: Cow<'static, [u8]>,
    /// Where it came from, for messages: `themes/default/templates/base.html`
    /// or `(built-in) templates/base.html`.
    pub display: String,
}

/// The layered theme of a site.
#[derive(Debug, Clone)]
pub struct Theme {
    /// The site's `templates/` folder (overrides templates only).
    site_templates: PathBuf,
    /// `themes/<theme>/`.
    theme_dir: PathBuf,
    root: PathBuf,
}

impl Theme {
    /// The site's theme. A theme other than `default` must exist on disk.
    pub fn new(root: &Path, config: &SiteConfig) -> Result<Theme, Diagnostic> {
        let theme_dir = root.join("themes").join(&config.theme);
        if config.theme != "default" && !theme_dir.is_dir() {
            return Err(Diagnostic::error(
                Code::ThemeMissing,
                format!("the theme \"{}\" does not exist", config.theme),
            )
            .in_file("content/site.yaml")
            .help(format!(
                "create themes/{}/ or set theme: default in content/site.yaml",
                config.theme
            )));
        }
        Ok(Theme {
            site_templates: root.join("templates"),
            theme_dir,
            root: root.to_path_buf(),
        })
    }

    /// A file by its path inside the theme (`templates/base.html`): the
    /// one of the highest layer that has it.
    pub fn read(&self, path: &str) -> Result<Option<ThemeFile>, Diagnostic> {
        Ok(self.read_layers(path)?.pop())
    }

    /// Every layer's copy of a file, lowest first (built-in, theme, site).
    /// Interface strings merge key by key, so a site can change one string
    /// of the default theme without copying the others.
    pub fn read_layers(&self, path: &str) -> Result<Vec<ThemeFile>, Diagnostic> {
        let mut layers: Vec<ThemeFile> = BUILTIN
            .iter()
            .filter(|(p, _)| *p == path)
            .map(|(p, bytes)| ThemeFile {
                bytes: Cow::Borrowed(*bytes),
                display: format!("(built-in theme) {p}"),
            })
            .collect();
        for candidate in self.disk_candidates(path).into_iter().rev() {
            if candidate.is_file() {
                let display = display_path(&self.root, &candidate);
                let bytes = crate::source::read_bytes(&candidate, &display)?;
                layers.push(ThemeFile {
                    bytes: Cow::Owned(bytes),
                    display,
                });
            }
        }
        Ok(layers)
    }

    fn disk_candidates(&self, path: &str) -> Vec<PathBuf> {
        let mut candidates = Vec::new();
        if let Some(name) = path.strip_prefix("templates/") {
            candidates.push(self.site_templates.join(name));
        }
        candidates.push(self.theme_dir.join(path));
        candidates
    }

    /// Names of every file under a theme folder (`templates`, `static`,
    /// `i18n`), from all layers, sorted.
    pub fn list(&self, folder: &str) -> Vec<String> {
        let prefix = format!("{folder}/");
        let mut names: Vec<String> = BUILTIN
            .iter()
            .filter_map(|(p, _)| p.strip_prefix(&prefix).map(str::to_string))
            .collect();
        let mut dirs = vec![self.theme_dir.join(folder)];
        if folder == "templates" {
            dirs.push(self.site_templates.clone());
        }
        for dir in dirs {
            for entry in walkdir::WalkDir::new(&dir)
                .sort_by_file_name()
                .into_iter()
                .flatten()
            {
                if entry.file_type().is_file() {
                    let relative = display_path(&dir, entry.path());
                    if !relative.split('/').any(|part| part.starts_with('.')) {
                        names.push(relative);
                    }
                }
            }
        }
        names.sort();
        names.dedup();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn config(theme: &str) -> SiteConfig {
        SiteConfig {
            title: "T".into(),
            base_url: "https://x.test".into(),
            default_locale: "en".into(),
            prevailing_locale: "en".into(),
            locales: vec!["en".into()],
            theme: theme.into(),
            notice_days: 30,
            policies: None,
        }
    }

    #[test]
    fn site_files_override_the_built_in_theme() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("templates")).unwrap();
        fs::write(dir.path().join("templates/404.html"), "mine").unwrap();
        let theme = Theme::new(dir.path(), &config("default")).unwrap();
        let file = theme.read("templates/404.html").unwrap().unwrap();
        assert_eq!(&*file.bytes, b"mine");
        assert_eq!(file.display, "templates/404.html");
        let base = theme.read("templates/base.html").unwrap().unwrap();
        assert!(base.display.starts_with("(built-in theme)"));
        assert!(theme.list("templates").contains(&"base.html".to_string()));
    }

    #[test]
    fn a_missing_custom_theme_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let error = Theme::new(dir.path(), &config("fancy")).unwrap_err();
        assert_eq!(error.code, Code::ThemeMissing);
    }
}
