//! Writing the site: the only module that writes files.
//!
//! A build is written into a staging folder beside the target and swapped
//! in only when complete, so a failed build leaves the previous site as it
//! was. Nothing is written outside the output folder and its staging twin.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::diag::{Code, Diagnostic};
use crate::site::OutputFile;

/// Why the output folder cannot be used or written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("the output folder {0} would replace the site's own sources")]
    Overlaps(PathBuf),
    #[error(
        "{0} exists and does not look like a site legalsite built (no index.html); legalsite will not replace it"
    )]
    Foreign(PathBuf),
    #[error("could not write {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("a page path is not a plain relative path: {0}")]
    BadPath(String),
}

impl OutputError {
    pub fn diagnostic(&self) -> Diagnostic {
        let help = match self {
            OutputError::Overlaps(_) => {
                "choose an output folder outside content/, themes/ and static/, e.g. --out public"
            }
            OutputError::Foreign(_) => "remove the folder yourself or choose another --out",
            OutputError::Io { .. } => {
                "check that you may write there (permissions, disk space), or choose another --out"
            }
            OutputError::BadPath(_) => "this is a bug in legalsite; please report it",
        };
        Diagnostic::error(Code::OutputNotWritable, self.to_string()).help(help)
    }
}

/// Writes `files` as the complete new content of `out`, replacing what was
/// there only once everything is written.
pub fn write_site(root: &Path, out: &Path, files: &[OutputFile]) -> Result<(), OutputError> {
    let staging = Staging::create(root, out)?;
    files.par_iter().try_for_each(|file| staging.write(file))?;
    staging.commit()
}

/// A build being written: a folder beside the output folder that becomes
/// the output folder on [`Staging::commit`], and is removed otherwise.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    parent: PathBuf,
    name: String,
    /// Folders created so far, so each is created once.
    created: Mutex<HashSet<PathBuf>>,
    /// Files and HTML pages written so far.
    written: AtomicUsize,
    pages: AtomicUsize,
    committed: bool,
}

impl Staging {
    /// Checks that `out` may be replaced and creates an empty staging folder.
    pub fn create(root: &Path, out: &Path) -> Result<Staging, OutputError> {
        check_target(root, out)?;
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        fs::create_dir_all(&parent).map_err(|source| OutputError::Io {
            path: parent.clone(),
            source,
        })?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".to_string());
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(|source| OutputError::Io {
                path: dir.clone(),
                source,
            })?;
        }
        fs::create_dir_all(&dir).map_err(|source| OutputError::Io {
            path: dir.clone(),
            source,
        })?;
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            parent,
            name,
            created: Mutex::new(HashSet::new()),
            written: AtomicUsize::new(0),
            pages: AtomicUsize::new(0),
            committed: false,
        })
    }

    /// Writes one file into the staging folder.
    pub fn write(&self, file: &OutputFile) -> Result<(), OutputError> {
        let relative = safe_relative(&file.path)?;
        if let Some(folder) = relative.parent().filter(|p| !p.as_os_str().is_empty()) {
            let folder = self.dir.join(folder);
            let known = self
                .created
                .lock()
                .map(|created| created.contains(&folder))
                .unwrap_or(false);
            if !known {
                fs::create_dir_all(&folder).map_err(|source| OutputError::Io {
                    path: folder.clone(),
                    source,
                })?;
                if let Ok(mut created) = self.created.lock() {
                    created.insert(folder);
                }
            }
        }
        let path = self.dir.join(relative);
        fs::write(&path, &file.bytes).map_err(|source| OutputError::Io { path, source })?;
        self.written.fetch_add(1, Ordering::Relaxed);
        if file.path.ends_with(".html") {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }

    /// Files and HTML pages written so far.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.written.load(Ordering::Relaxed),
            self.pages.load(Ordering::Relaxed),
        )
    }

    /// Puts the staged site in place of the output folder.
    pub fn commit(mut self) -> Result<(), OutputError> {
        self.committed = true;
        let result = swap(&self.dir, &self.out, &self.parent, &self.name);
        if result.is_err() {
            let _ = fs::remove_dir_all(&self.dir);
        }
        result
    }
}

impl Drop for Staging {
    /// A build that did not commit leaves nothing behind.
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

impl crate::site::Sink for Staging {
    fn put(&self, file: OutputFile) -> Result<(), crate::diag::Diagnostic> {
        self.write(&file).map_err(|error| error.diagnostic())
    }
}

/// Refuses targets whose replacement would destroy sources or someone's
/// unrelated folder.
fn check_target(root: &Path, out: &Path) -> Result<(), OutputError> {
    let absolute = |p: &Path| -> PathBuf {
        let joined = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        normalize(&joined)
    };
    let out_abs = absolute(out);
    let root_abs = absolute(root);
    let protected = ["content", "themes", "static", "templates", "src", ".git"];
    if root_abs.starts_with(&out_abs)
        || protected
            .iter()
            .any(|p| out_abs.starts_with(root_abs.join(p)))
    {
        return Err(OutputError::Overlaps(out.to_path_buf()));
    }
    if out.is_dir() {
        let empty = fs::read_dir(out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty && !out.join("index.html").is_file() && !out.join("404.html").is_file() {
            return Err(OutputError::Foreign(out.to_path_buf()));
        }
    }
    Ok(())
}

/// Resolves `.` and `..` without touching the disk.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// A page path as a relative path with no way out of the output folder.
fn safe_relative(path: &str) -> Result<PathBuf, OutputError> {
    let relative = PathBuf::from(path);
    let plain = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    if plain && !path.is_empty() {
        Ok(relative)
    } else {
        Err(OutputError::BadPath(path.to_string()))
    }
}

/// Puts the staged tree in place of `out`.
fn swap(staging: &Path, out: &Path, parent: &Path, name: &str) -> Result<(), OutputError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| OutputError::Io { path, source }
    };
    if !out.exists() {
        return fs::rename(staging, out).map_err(io(out));
    }
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    if old.exists() {
        fs::remove_dir_all(&old).map_err(io(&old))?;
    }
    fs::rename(out, &old).map_err(io(out))?;
    if let Err(error) = fs::rename(staging, out) {
        // Put the previous site back before reporting.
        let _ = fs::rename(&old, out);
        return Err(OutputError::Io {
            path: out.to_path_buf(),
            source: error,
        });
    }
    remove_tree(&old).map_err(io(&old))
}

/// Removes a folder and everything in it, its entries in parallel: unlinking the
/// previous site's files is kernel work, and on one core it was 5 % of a build
/// (0.47 s for the 30,000 files of the 10,000-version corpus). Links are removed,
/// never followed.
fn remove_tree(dir: &Path) -> io::Result<()> {
    let entries = fs::read_dir(dir)?.collect::<io::Result<Vec<_>>>()?;
    entries.par_iter().try_for_each(|entry| {
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(entry.path())
        } else {
            fs::remove_file(entry.path())
        }
    })?;
    fs::remove_dir(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.to_string(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn replaces_the_previous_site_completely() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(
            dir.path(),
            &out,
            &[file("index.html", "1"), file("a/index.html", "a")],
        )
        .unwrap();
        write_site(dir.path(), &out, &[file("index.html", "2")]).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "2");
        assert!(!out.join("a").exists());
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }

    #[cfg(unix)]
    #[test]
    fn replacing_a_site_removes_its_links_but_not_what_they_point_to() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("elsewhere");
        fs::create_dir(&elsewhere).unwrap();
        fs::write(elsewhere.join("keep.txt"), "kept").unwrap();
        let out = dir.path().join("public");
        write_site(
            dir.path(),
            &out,
            &[file("index.html", "1"), file("a/b/c.html", "c")],
        )
        .unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("link")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("a/link")).unwrap();
        write_site(dir.path(), &out, &[file("index.html", "2")]).unwrap();
        assert!(!out.join("a").exists() && !out.join("link").exists());
        assert_eq!(
            fs::read_to_string(elsewhere.join("keep.txt")).unwrap(),
            "kept"
        );
    }

    #[test]
    fn refuses_to_replace_sources_or_foreign_folders() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("content")).unwrap();
        assert!(matches!(
            write_site(dir.path(), dir.path(), &[file("index.html", "x")]),
            Err(OutputError::Overlaps(_))
        ));
        assert!(matches!(
            write_site(
                dir.path(),
                &dir.path().join("content"),
                &[file("index.html", "x")]
            ),
            Err(OutputError::Overlaps(_))
        ));
        let foreign = dir.path().join("photos");
        fs::create_dir_all(&foreign).unwrap();
        fs::write(foreign.join("cat.jpg"), "meow").unwrap();
        assert!(matches!(
            write_site(dir.path(), &foreign, &[file("index.html", "x")]),
            Err(OutputError::Foreign(_))
        ));
        assert_eq!(fs::read_to_string(foreign.join("cat.jpg")).unwrap(), "meow");
    }

    #[test]
    fn page_paths_cannot_escape() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        assert!(write_site(dir.path(), &out, &[file("../evil", "x")]).is_err());
        assert!(!dir.path().join("evil").exists());
        assert!(!out.exists());
    }
}
