//! Watching the site's sources: which paths matter, what a change to one
//! affects (a pure function, tested without a file system), the watcher
//! that feeds the rebuild loop, and its debouncing.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::event::{EventKind, ModifyKind};
use notify::{Event, RecommendedWatcher, RecursiveMode, Watcher};

/// Folders under the root whose changes rebuild the site. `templates/`
/// is the site's own template layer (see `theme`).
pub const WATCHED_DIRS: &[&str] = &["content", "themes", "static", "templates"];

/// How long the sources must be quiet before a rebuild starts. Editors
/// save in bursts (write a temporary file, rename, touch a backup) that
/// last about a millisecond; 10 ms joins a burst without being felt.
pub const DEBOUNCE: Duration = Duration::from_millis(10);

/// What a changed path affects.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// netlify.toml: the routing rules only, no rebuild.
    Netlify,
    /// Files of one policy (`content/<slug>/...`).
    Policy(String),
    /// Anything that can change every page: site.yaml, versions.lock,
    /// the theme, templates, static files.
    Full,
}

/// What a batch of changes asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub netlify: bool,
    /// Policies whose files changed.
    pub policies: BTreeSet<String>,
    pub full: bool,
    /// The paths, relative to the root, for the terminal.
    pub paths: Vec<String>,
}

impl Changes {
    /// Adds one changed path (relative to the site root).
    pub fn add(&mut self, relative: &Path) {
        let Some(scope) = classify(relative) else {
            return;
        };
        match scope {
            Scope::Netlify => self.netlify = true,
            Scope::Policy(slug) => {
                self.policies.insert(slug);
            }
            Scope::Full => self.full = true,
        }
        let display = relative.to_string_lossy().replace('\\', "/");
        if !self.paths.contains(&display) {
            self.paths.push(display);
        }
    }

    pub fn is_empty(&self) -> bool {
        !self.netlify && !self.full && self.policies.is_empty()
    }

    /// True when the site must be rebuilt (not only the rules re-read).
    pub fn needs_build(&self) -> bool {
        self.full || !self.policies.is_empty()
    }

    pub fn merge(&mut self, other: Changes) {
        self.netlify |= other.netlify;
        self.full |= other.full;
        self.policies.extend(other.policies);
        for path in other.paths {
            if !self.paths.contains(&path) {
                self.paths.push(path);
            }
        }
    }
}

/// What a change to `relative` (a path under the site root) affects, or
/// `None` when it affects nothing: editors' swap and backup files, hidden
/// files, the output folder, anything outside the watched sources.
pub fn classify(relative: &Path) -> Option<Scope> {
    let parts: Vec<String> = relative
        .components()
        .map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    let name = parts.last()?;
    if parts.iter().any(|p| p.starts_with('.')) || is_editor_junk(name) {
        return None;
    }
    match parts.first()?.as_str() {
        "netlify.toml" if parts.len() == 1 => Some(Scope::Netlify),
        "content" => match parts.len() {
            // content/ itself (created, removed).
            1 => Some(Scope::Full),
            // site.yaml, versions.lock, or a file that does not belong
            // (reported by the build): everything may change.
            2 if !is_dir_like(name) => Some(Scope::Full),
            _ => Some(Scope::Policy(parts[1].clone())),
        },
        dir if WATCHED_DIRS.contains(&dir) => Some(Scope::Full),
        _ => None,
    }
}

/// `content/privacy` (a policy folder) rather than `content/site.yaml`.
fn is_dir_like(name: &str) -> bool {
    !name.contains('.')
}

/// Files editors write beside the one being edited.
pub fn is_editor_junk(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with('~')                                   // vim, emacs, gedit backups
        || lower == "4913"                                  // vim's probe of the folder
        || (lower.starts_with('#') && lower.ends_with('#')) // emacs auto-save
        || lower.starts_with("~$")                          // office lock files
        || [".swp", ".swo", ".swx", ".swpx", ".tmp", ".bak", ".orig", ".kate-swp", ".crswap", "___jb_tmp___", "___jb_old___"]
            .iter()
            .any(|suffix| lower.ends_with(suffix))
        || lower == "thumbs.db"
}

/// True for events that say a file's content, name or existence changed.
/// Reads are not changes: the build itself opens every source, and
/// counting that would rebuild forever.
pub fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Any => true,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Modify(_) => true,
        EventKind::Access(_) | EventKind::Other => false,
    }
}

/// The changes one watcher event brings.
fn changes_of(event: &Event, root: &Path) -> Changes {
    let mut changes = Changes::default();
    if is_change(&event.kind) {
        for path in &event.paths {
            if let Ok(relative) = path.strip_prefix(root) {
                changes.add(relative);
            }
        }
    }
    changes
}

/// Waits for the next batch of changes: the first one, then every one
/// that follows until the sources are quiet for [`DEBOUNCE`]. `None` when
/// `wait` passed without a change, or the watcher is gone.
pub fn next_batch(receiver: &mpsc::Receiver<Changes>, wait: Duration) -> Option<Changes> {
    let mut batch = receiver.recv_timeout(wait).ok()?;
    while let Ok(more) = receiver.recv_timeout(DEBOUNCE) {
        batch.merge(more);
    }
    Some(batch)
}

/// The watcher: keep it alive as long as changes should be seen.
pub struct SourceWatcher {
    watcher: RecommendedWatcher,
    root: PathBuf,
    watched: BTreeSet<String>,
}

impl SourceWatcher {
    /// Watches `root` (canonical): its top level for netlify.toml and for
    /// watched folders that appear later, and each watched folder whole.
    /// Changes that matter arrive on `sender`, undebounced.
    pub fn start(root: &Path, sender: mpsc::Sender<Changes>) -> notify::Result<SourceWatcher> {
        let base = root.to_path_buf();
        let watcher = notify::recommended_watcher(move |result: notify::Result<Event>| {
            if let Ok(event) = result {
                let changes = changes_of(&event, &base);
                if !changes.is_empty() {
                    let _ = sender.send(changes);
                }
            }
        })?;
        let mut watcher = SourceWatcher {
            watcher,
            root: root.to_path_buf(),
            watched: BTreeSet::new(),
        };
        watcher.watcher.watch(root, RecursiveMode::NonRecursive)?;
        watcher.watch_new_dirs();
        Ok(watcher)
    }

    /// Starts watching watched folders that exist now but did not before
    /// (`static/` created while serving).
    pub fn watch_new_dirs(&mut self) {
        for dir in WATCHED_DIRS {
            let path = self.root.join(dir);
            if path.is_dir() && !self.watched.contains(*dir) {
                if self.watcher.watch(&path, RecursiveMode::Recursive).is_ok() {
                    self.watched.insert(dir.to_string());
                }
            } else if !path.is_dir() {
                self.watched.remove(*dir);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(path: &str) -> Option<Scope> {
        classify(Path::new(path))
    }

    #[test]
    fn a_policy_file_affects_its_policy() {
        assert_eq!(
            scope("content/privacy/2026-05-24/en.md"),
            Some(Scope::Policy("privacy".into()))
        );
        assert_eq!(
            scope("content/privacy/2027-01-15"),
            Some(Scope::Policy("privacy".into()))
        );
        assert_eq!(
            scope("content/privacy"),
            Some(Scope::Policy("privacy".into()))
        );
    }

    #[test]
    fn site_wide_sources_affect_everything() {
        for path in [
            "content/site.yaml",
            "content/versions.lock",
            "themes/default/templates/base.html",
            "themes/default/i18n/de.yaml",
            "static/logo.svg",
            "templates/404.html",
            "content",
        ] {
            assert_eq!(scope(path), Some(Scope::Full), "{path}");
        }
        assert_eq!(scope("netlify.toml"), Some(Scope::Netlify));
    }

    #[test]
    fn editor_files_and_other_folders_are_ignored() {
        for path in [
            "content/privacy/2026-05-24/.en.md.swp",
            "content/privacy/2026-05-24/en.md~",
            "content/privacy/2026-05-24/4913",
            "content/privacy/2026-05-24/#en.md#",
            "content/privacy/2026-05-24/.#en.md",
            "content/privacy/2026-05-24/en.md___jb_tmp___",
            "themes/default/.DS_Store",
            "public/index.html",
            "target/debug/legalsite",
            ".git/index",
            "README.md",
            "sub/netlify.toml",
        ] {
            assert_eq!(scope(path), None, "{path}");
        }
    }

    #[test]
    fn reads_are_not_changes() {
        use notify::event::{AccessKind, CreateKind, DataChange, MetadataKind};
        assert!(!is_change(&EventKind::Access(AccessKind::Any)));
        assert!(!is_change(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::Any
        ))));
        assert!(is_change(&EventKind::Modify(ModifyKind::Data(
            DataChange::Any
        ))));
        assert!(is_change(&EventKind::Create(CreateKind::File)));
        let root = Path::new("/site");
        let event = Event::new(EventKind::Modify(ModifyKind::Any))
            .add_path(PathBuf::from("/site/content/privacy/2026-05-24/en.md"))
            .add_path(PathBuf::from("/elsewhere/x"));
        assert_eq!(
            changes_of(&event, root).paths,
            ["content/privacy/2026-05-24/en.md"]
        );
    }

    #[test]
    fn a_burst_is_one_batch() {
        let (sender, receiver) = mpsc::channel();
        for path in ["content/a/1/en.md", "content/b/1/en.md"] {
            let mut changes = Changes::default();
            changes.add(Path::new(path));
            sender.send(changes).unwrap();
        }
        let batch = next_batch(&receiver, Duration::from_millis(1)).unwrap();
        assert_eq!(batch.policies.len(), 2);
        assert!(next_batch(&receiver, Duration::from_millis(1)).is_none());
    }

    #[test]
    fn changes_merge() {
        let mut changes = Changes::default();
        changes.add(Path::new("content/terms/2025-01-10/en.md"));
        changes.add(Path::new("content/terms/2025-01-10/en.md~"));
        assert!(changes.needs_build() && !changes.full);
        let mut more = Changes::default();
        more.add(Path::new("netlify.toml"));
        changes.merge(more);
        assert!(changes.netlify);
        assert_eq!(
            changes.paths,
            ["content/terms/2025-01-10/en.md", "netlify.toml"]
        );
    }
}
