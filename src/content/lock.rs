//! `content/versions.lock`: the integrity record of published versions
//! (SPEC "Integrity"). Published versions are legal records: a file that
//! changes after publication must say so under `corrections`.
//!
//! One line per published file, sorted by path, diff-friendly:
//!
//! ```text
//! content/privacy/2026-05-24/en.md sha256=1f0c… corrections=0
//! ```
//!
//! `corrections` is how many corrections the file recorded when it was
//! locked: a changed file is accepted only if it records a new one.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::diag::{Code, Diagnostic};
use crate::model::{Site, Text, Timeline};
use crate::source::SourceFile;

/// Where the lock lives, relative to the root.
pub const PATH: &str = "content/versions.lock";

const HEADER: &str = "# Fingerprints of published versions: legal records that never change silently.\n# Written by `legalsite lock`, checked by `legalsite check` and `legalsite build`.\n";

/// One locked file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub sha256: String,
    pub corrections: usize,
    /// 1-based line in the lock file (0 for entries not read from disk).
    pub line: usize,
}

/// The lock: path → entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lock {
    pub entries: BTreeMap<String, Entry>,
}

impl Lock {
    /// Reads `content/versions.lock`; a missing file is an empty lock.
    pub fn read(root: &Path) -> (Option<SourceFile>, Lock, Vec<Diagnostic>) {
        let path = root.join(PATH);
        if !path.exists() {
            return (None, Lock::default(), Vec::new());
        }
        match crate::source::read(&path, PATH) {
            Ok(source) => {
                let (lock, diagnostics) = Lock::parse(&source);
                (Some(source), lock, diagnostics)
            }
            Err(diagnostic) => (None, Lock::default(), vec![diagnostic]),
        }
    }

    /// Parses the lock's text; bad lines are diagnostics.
    pub fn parse(source: &SourceFile) -> (Lock, Vec<Diagnostic>) {
        let mut lock = Lock::default();
        let mut diagnostics = Vec::new();
        for (index, line) in source.text.lines().enumerate() {
            let number = index + 1;
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            match parse_line(line) {
                Some((path, sha256, corrections)) => {
                    lock.entries.insert(
                        path,
                        Entry {
                            sha256,
                            corrections,
                            line: number,
                        },
                    );
                }
                None => diagnostics.push(
                    Diagnostic::error(Code::LockSyntax, "this line of the lock cannot be read")
                        .in_file(PATH)
                        .at_line_col(number, 1, line.to_string(), line.chars().count())
                        .help("each line is `<path> sha256=<64 hex digits> corrections=<n>`; restore the file from version control, or delete the line and run `legalsite lock`"),
                ),
            }
        }
        (lock, diagnostics)
    }

    /// The lock as written to disk: sorted, one line per file.
    pub fn render(&self) -> String {
        let mut out = String::from(HEADER);
        for (path, entry) in &self.entries {
            let _ = writeln!(
                out,
                "{path} sha256={} corrections={}",
                entry.sha256, entry.corrections
            );
        }
        out
    }
}

fn parse_line(line: &str) -> Option<(String, String, usize)> {
    let mut parts = line.split_whitespace();
    let path = parts.next()?;
    let sha256 = parts.next()?.strip_prefix("sha256=")?;
    let corrections = parts.next()?.strip_prefix("corrections=")?.parse().ok()?;
    let valid_hash = sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    if parts.next().is_some() || !valid_hash || !path.starts_with("content/") {
        return None;
    }
    Some((path.to_string(), sha256.to_string(), corrections))
}

/// Every published file of the site (not drafts, not published after
/// `today`), whatever the build includes.
pub fn published_texts(site: &Site, today: NaiveDate) -> Vec<&Text> {
    let mut texts = Vec::new();
    for policy in &site.policies {
        let timeline = Timeline::new(policy, today, false);
        for entry in &timeline.entries {
            texts.extend(entry.version.texts.iter());
        }
    }
    texts.sort_by(|a, b| a.source.path.cmp(&b.source.path));
    texts
}

/// What comparing the site with its lock found.
#[derive(Debug, Default)]
pub struct Comparison<'a> {
    /// Published files the lock does not know.
    pub new: Vec<&'a Text>,
    /// Files that changed and record a new correction: `lock` accepts them.
    pub corrected: Vec<&'a Text>,
    /// Files that changed without a new correction.
    pub changed: Vec<(&'a Text, &'a Entry)>,
    /// Locked files that no longer exist.
    pub missing: Vec<(&'a String, &'a Entry)>,
}

/// Compares the published files with the lock.
pub fn compare<'a>(site: &'a Site, lock: &'a Lock, today: NaiveDate) -> Comparison<'a> {
    let mut comparison = Comparison::default();
    let published = published_texts(site, today);
    // Each text is hashed when first asked: here, all at once in parallel.
    published.par_iter().for_each(|text| {
        text.sha256();
    });
    for text in &published {
        match lock.entries.get(&text.source.path) {
            None => comparison.new.push(text),
            Some(entry) if entry.sha256 == text.sha256() => {}
            Some(entry) if text.front.corrections.len() > entry.corrections => {
                comparison.corrected.push(text)
            }
            Some(entry) => comparison.changed.push((text, entry)),
        }
    }
    let all_texts: Vec<&str> = site
        .policies
        .iter()
        .flat_map(|p| p.versions.iter())
        .flat_map(|v| v.texts.iter())
        .map(|t| t.source.path.as_str())
        .collect();
    for (path, entry) in &lock.entries {
        if !all_texts.contains(&path.as_str()) && !site.root.join(path).exists() {
            comparison.missing.push((path, entry));
        }
    }
    comparison
}

/// The diagnostics `check` and `build` report for the lock.
pub fn verify(
    site: &Site,
    lock: &Lock,
    lock_source: Option<&SourceFile>,
    today: NaiveDate,
) -> Vec<Diagnostic> {
    let comparison = compare(site, lock, today);
    let mut diagnostics = Vec::new();
    for (text, _) in &comparison.changed {
        let published = site
            .policies
            .iter()
            .flat_map(|p| p.versions.iter())
            .find(|v| v.texts.iter().any(|t| t.source.path == text.source.path))
            .map_or_else(String::new, |v| v.published.to_string());
        diagnostics.push(
            Diagnostic::error(
                Code::LockChanged,
                format!(
                    "{} was published on {published} and has changed since: published versions are legal records and must not change silently",
                    text.source.path
                ),
            )
            .in_file(text.source.path.clone())
            .help("undo the change (git checkout the file); or, for an editorial fix, record it in the front matter:\ncorrections:\n  - date: YYYY-MM-DD\n    note: What was fixed.\nthen run `legalsite lock`"),
        );
    }
    for text in &comparison.corrected {
        diagnostics.push(
            Diagnostic::warning(
                Code::LockChanged,
                format!(
                    "{} records a correction that the lock has not accepted yet",
                    text.source.path
                ),
            )
            .in_file(text.source.path.clone())
            .help("run `legalsite lock` and commit content/versions.lock"),
        );
    }
    for text in &comparison.new {
        diagnostics.push(
            Diagnostic::warning(
                Code::LockMissing,
                format!(
                    "{} is published but not in content/versions.lock",
                    text.source.path
                ),
            )
            .in_file(text.source.path.clone())
            .help("run `legalsite lock` and commit content/versions.lock"),
        );
    }
    for (path, entry) in &comparison.missing {
        let mut diagnostic = Diagnostic::error(
            Code::LockStale,
            format!("{path} was published and locked, but the file is gone"),
        )
        .help("restore the file from version control: published versions are legal records");
        diagnostic = match lock_source {
            Some(source) => diagnostic.in_file(PATH).at_line_col(
                entry.line,
                1,
                source.line_text(entry.line).to_string(),
                path.chars().count(),
            ),
            None => diagnostic.in_file(PATH),
        };
        diagnostics.push(diagnostic);
    }
    diagnostics
}

/// The lock after accepting new files and recorded corrections. Files
/// that changed without a correction keep their old line.
pub fn updated(lock: &Lock, comparison: &Comparison<'_>) -> Lock {
    let mut next = lock.clone();
    for text in comparison.new.iter().chain(comparison.corrected.iter()) {
        next.entries.insert(
            text.source.path.clone(),
            Entry {
                sha256: text.sha256().to_string(),
                corrections: text.front.corrections.len(),
                line: 0,
            },
        );
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    #[test]
    fn lines_round_trip() {
        let text =
            format!("{HEADER}content/privacy/2026-05-24/en.md sha256={HASH} corrections=1\n");
        let (lock, diagnostics) = Lock::parse(&SourceFile::new(PATH, text.clone()));
        assert!(diagnostics.is_empty());
        assert_eq!(
            lock.entries["content/privacy/2026-05-24/en.md"].corrections,
            1
        );
        let mut rendered = lock.clone();
        for entry in rendered.entries.values_mut() {
            entry.line = 0;
        }
        assert_eq!(rendered.render(), text);
    }

    #[test]
    fn bad_lines_are_named() {
        let text = format!(
            "content/a.md sha256={HASH} corrections=0\ncontent/b.md {HASH}\ncontent/c.md sha256=XYZ corrections=0\n"
        );
        let (lock, diagnostics) = Lock::parse(&SourceFile::new(PATH, text));
        assert_eq!(lock.entries.len(), 1);
        let lines: Vec<_> = diagnostics.iter().map(|d| d.line).collect();
        assert_eq!(lines, [Some(2), Some(3)]);
    }
}
