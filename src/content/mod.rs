//! Loading `content/` into the model: the folder walk, every version file
//! read and parsed (in parallel), and the checks that need a whole version
//! or policy. Every problem becomes a diagnostic; loading carries on so one
//! run reports them all.

pub mod frontmatter;
pub mod lock;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::{self, SiteConfig};
use crate::diag::{Code, Diagnostic};
use crate::model::{FileBytes, Policy, Site, Text, Version, VersionId};
use crate::source::{self, SourceFile, display_path};

/// A policy slug or theme name: `[a-z0-9][a-z0-9-]*`.
pub fn is_slug(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The result of loading a site: the model if it could be built, and every
/// problem found on the way.
pub struct Loaded {
    pub site: Option<Site>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads `<root>/content/`.
pub fn load(root: &Path) -> Loaded {
    let mut diagnostics = Vec::new();
    let content = root.join("content");
    let site_yaml = content.join("site.yaml");
    if !site_yaml.is_file() {
        diagnostics.push(
            Diagnostic::error(Code::SiteMissing, "there is no content/site.yaml here")
                .in_file(display_path(root, &site_yaml))
                .help("run legalsite in the site's folder (the one that holds content/), or pass --root DIR"),
        );
        return Loaded {
            site: None,
            diagnostics,
        };
    }
    let config = match source::read(&site_yaml, "content/site.yaml") {
        Ok(source) => config::parse(&source, &mut diagnostics).map(|c| (c, source)),
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            None
        }
    };
    let walk = walk(root, &content, &mut diagnostics);
    let Some((config, site_source)) = config else {
        return Loaded {
            site: None,
            diagnostics,
        };
    };
    let policies = assemble(&config, walk, &mut diagnostics);
    let policies = order_policies(&config, &site_source, policies, &mut diagnostics);
    Loaded {
        site: Some(Site {
            root: root.to_path_buf(),
            config,
            policies,
        }),
        diagnostics,
    }
}

/// A version file found by the walk, not read yet.
struct FileJob {
    policy: String,
    version: VersionId,
    locale: String,
    path: PathBuf,
    display: String,
}

/// What the folder walk found.
#[derive(Default)]
struct Walk {
    /// policy slug -> version ids (with their folder's display path).
    versions: BTreeMap<String, BTreeMap<VersionId, String>>,
    files: Vec<FileJob>,
}

fn walk(root: &Path, content: &Path, diagnostics: &mut Vec<Diagnostic>) -> Walk {
    let mut walk = Walk::default();
    let canonical_root = fs::canonicalize(content).unwrap_or_else(|_| content.to_path_buf());
    for entry in sorted_entries(root, content, diagnostics) {
        let display = display_path(root, &entry);
        let name = file_name(&entry);
        match kind(&entry, &canonical_root, &display, diagnostics) {
            Kind::Dir if is_slug(&name) => {
                walk.versions.entry(name.clone()).or_default();
                walk_policy(root, &canonical_root, &entry, &name, &mut walk, diagnostics);
            }
            Kind::Dir => diagnostics.push(
                Diagnostic::error(Code::BadPolicyFolder, format!("\"{name}\" is not a valid policy folder name"))
                    .in_file(format!("{display}/"))
                    .help(format!(
                        "policy folders are the URL of the policy: lower-case letters, digits and dashes, e.g. content/{}/",
                        suggest_slug(&name)
                    )),
            ),
            Kind::File if name == "site.yaml" || name == "versions.lock" => {}
            Kind::File => diagnostics.push(
                Diagnostic::warning(Code::BadFileName, format!("unexpected file \"{name}\" in content/"))
                    .in_file(display)
                    .help("content/ holds site.yaml, versions.lock and one folder per policy; move this file out"),
            ),
            Kind::Skip => {}
        }
    }
    walk
}

fn walk_policy(
    root: &Path,
    canonical_root: &Path,
    dir: &Path,
    slug: &str,
    walk: &mut Walk,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for entry in sorted_entries(root, dir, diagnostics) {
        let display = display_path(root, &entry);
        let name = file_name(&entry);
        match kind(&entry, canonical_root, &display, diagnostics) {
            Kind::Dir => match VersionId::parse(&name) {
                Ok(id) => {
                    let versions = walk.versions.entry(slug.to_string()).or_default();
                    if let Some(first) = versions.get(&id) {
                        diagnostics.push(
                            Diagnostic::error(
                                Code::DuplicateVersion,
                                format!("\"{name}\" is the same version as \"{first}\""),
                            )
                            .in_file(format!("{display}/"))
                            .help("keep one folder per version; a second version on the same day is numbered -2"),
                        );
                        continue;
                    }
                    if name != id.to_string() {
                        diagnostics.push(
                            Diagnostic::warning(Code::BadVersionFolder, format!("version folder \"{name}\" is better written \"{id}\""))
                                .in_file(format!("{display}/"))
                                .help(format!("rename it to {id}: that is how its URL is written")),
                        );
                    }
                    versions.insert(id, display.clone());
                    walk_version(root, canonical_root, &entry, slug, id, walk, diagnostics);
                }
                Err(problem) => diagnostics.push(
                    Diagnostic::error(Code::BadVersionFolder, format!("version folder {problem}"))
                        .in_file(format!("{display}/"))
                        .help("name version folders after the date the version takes effect: YYYY-MM-DD, e.g. 2026-05-24"),
                ),
            },
            Kind::File => diagnostics.push(
                Diagnostic::warning(Code::BadFileName, format!("unexpected file \"{name}\" in a policy folder"))
                    .in_file(display)
                    .help(format!("policy texts go in a version folder: content/{slug}/YYYY-MM-DD/<locale>.md")),
            ),
            Kind::Skip => {}
        }
    }
}

fn walk_version(
    root: &Path,
    canonical_root: &Path,
    dir: &Path,
    slug: &str,
    version: VersionId,
    walk: &mut Walk,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for entry in sorted_entries(root, dir, diagnostics) {
        let display = display_path(root, &entry);
        let name = file_name(&entry);
        match kind(&entry, canonical_root, &display, diagnostics) {
            Kind::File => match name.strip_suffix(".md") {
                Some(locale) if config::is_locale_id(locale) => walk.files.push(FileJob {
                    policy: slug.to_string(),
                    version,
                    locale: locale.to_string(),
                    path: entry.clone(),
                    display,
                }),
                _ => diagnostics.push(bad_version_file(&name, display)),
            },
            Kind::Dir => diagnostics.push(
                Diagnostic::warning(
                    Code::BadFileName,
                    format!("unexpected folder \"{name}\" in a version folder"),
                )
                .in_file(format!("{display}/"))
                .help("a version folder holds one <locale>.md per language"),
            ),
            Kind::Skip => {}
        }
    }
}

fn bad_version_file(name: &str, display: String) -> Diagnostic {
    let problem = if name.contains(char::is_whitespace) {
        "contains a space"
    } else if name.contains("..") {
        "contains \"..\""
    } else if !name.ends_with(".md") {
        "is not a Markdown file (.md)"
    } else {
        "is not named after a language code"
    };
    let suggestion = name
        .split(['.', ' ', '_'])
        .next()
        .map(|s| s.to_ascii_lowercase())
        .filter(|s| config::is_locale_id(s))
        .map(|s| format!("rename it to {s}.md"))
        .unwrap_or_else(|| "name it <locale>.md, e.g. en.md or de.md".to_string());
    Diagnostic::error(
        Code::BadFileName,
        format!("the file name \"{name}\" {problem}"),
    )
    .in_file(display)
    .help(format!(
        "a version folder holds one file per language: {suggestion}"
    ))
}

fn suggest_slug(name: &str) -> String {
    let mut slug = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "privacy".to_string()
    } else {
        slug
    }
}

enum Kind {
    Dir,
    File,
    Skip,
}

/// What an entry is, following symbolic links only inside `content/`.
fn kind(
    path: &Path,
    canonical_root: &Path,
    display: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Kind {
    if file_name(path).starts_with('.') {
        return Kind::Skip;
    }
    let Ok(metadata) = fs::symlink_metadata(path) else {
        return Kind::Skip;
    };
    let metadata = if metadata.file_type().is_symlink() {
        match fs::canonicalize(path) {
            Ok(target) if target.starts_with(canonical_root) => match fs::metadata(&target) {
                Ok(m) => m,
                Err(_) => return Kind::Skip,
            },
            Ok(target) => {
                diagnostics.push(
                    Diagnostic::error(
                        Code::SymlinkOutside,
                        format!("this is a link to {}, outside content/", target.display()),
                    )
                    .in_file(display.to_string())
                    .help("copy the file into content/ instead of linking to it; a site builds only from its own files"),
                );
                return Kind::Skip;
            }
            Err(_) => {
                diagnostics.push(
                    Diagnostic::error(Code::Io, "this is a link to a file that does not exist")
                        .in_file(display.to_string())
                        .help("remove the broken link"),
                );
                return Kind::Skip;
            }
        }
    } else {
        metadata
    };
    if metadata.is_dir() {
        Kind::Dir
    } else if metadata.is_file() {
        Kind::File
    } else {
        Kind::Skip
    }
}

fn sorted_entries(root: &Path, dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    match fs::read_dir(dir) {
        Ok(entries) => {
            let mut paths: Vec<PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            paths
        }
        Err(error) => {
            diagnostics.push(source::io_error(
                &display_path(root, dir),
                "read the folder",
                &error,
            ));
            Vec::new()
        }
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Reads and parses every version file (in parallel), then groups them
/// into versions and checks each version as a whole.
fn assemble(config: &SiteConfig, walk: Walk, diagnostics: &mut Vec<Diagnostic>) -> Vec<Policy> {
    let read: Vec<(FileJob, Result<Text, Vec<Diagnostic>>)> = walk
        .files
        .into_par_iter()
        .map(|job| {
            let text = read_text(&job);
            (job, text)
        })
        .collect();
    // Texts of each version, and every locale that has a file (even a
    // broken one, so a broken en.md is not also reported as missing).
    let mut by_version: BTreeMap<(String, VersionId), (Vec<Text>, Vec<String>)> = BTreeMap::new();
    for (job, text) in read {
        if !config.locales.contains(&job.locale) {
            diagnostics.push(
                Diagnostic::error(
                    Code::UnknownLocale,
                    format!(
                        "\"{}\" is not one of the site's locales ({})",
                        job.locale,
                        config.locales.join(", ")
                    ),
                )
                .in_file(job.display.clone())
                .help(format!(
                    "add {} to `locales` in content/site.yaml, or rename the file",
                    job.locale
                )),
            );
            continue;
        }
        let (texts, locales) = by_version.entry((job.policy, job.version)).or_default();
        locales.push(job.locale);
        match text {
            Ok(text) => texts.push(text),
            Err(found) => diagnostics.extend(found),
        }
    }
    let mut policies = Vec::new();
    for (slug, ids) in walk.versions {
        let mut versions = Vec::new();
        for (id, folder) in ids {
            let (texts, locales) = by_version.remove(&(slug.clone(), id)).unwrap_or_default();
            if !locales.contains(&config.default_locale) {
                diagnostics.push(missing_default(config, &folder));
                continue;
            }
            if let Some(version) = make_version(config, id, texts, diagnostics) {
                versions.push(version);
            }
        }
        check_policy(config, &versions, diagnostics);
        if versions.is_empty() {
            continue;
        }
        policies.push(Policy { slug, versions });
    }
    policies
}

fn read_text(job: &FileJob) -> Result<Text, Vec<Diagnostic>> {
    let bytes = source::read_bytes(&job.path, &job.display).map_err(|d| vec![d])?;
    let source = source::decode(&job.display, &bytes).map_err(|d| vec![d])?;
    let file = FileBytes::new(&bytes, &source.text);
    let split = frontmatter::split(&source).map_err(|d| vec![d])?;
    let (front, mut diagnostics) = frontmatter::parse(&source, &split);
    if source.text[split.body.clone()].trim().is_empty() {
        diagnostics.push(empty_body(&source));
    }
    match front {
        Some(front) if diagnostics.iter().all(|d| !d.is_error()) => Ok(Text {
            locale: job.locale.clone(),
            body: split.body,
            source,
            front,
            file,
        }),
        _ => Err(diagnostics),
    }
}

fn empty_body(source: &SourceFile) -> Diagnostic {
    let last = source.line_col(source.text.len()).0;
    Diagnostic::error(Code::EmptyBody, "this version has a title but no text")
        .in_file(source.path.clone())
        .at_line_col(last, 1, source.line_text(last).to_string(), 1)
        .help("write the policy text below the closing `---`")
}

/// Builds one version from its translations; `None` (with a diagnostic)
/// when its default-locale file is missing or broken.
fn make_version(
    config: &SiteConfig,
    id: VersionId,
    mut texts: Vec<Text>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Version> {
    texts.sort_by_key(|t| config.locales.iter().position(|l| *l == t.locale));
    // A broken default-locale file was reported where it is broken.
    let default = texts.iter().find(|t| t.locale == config.default_locale)?;
    let front = &default.front;
    let version = Version {
        id,
        published: front.published.unwrap_or(id.date),
        material: front.material.unwrap_or(false),
        draft: front.draft.unwrap_or(false),
        texts: Vec::new(),
    };
    for text in &texts {
        check_translation_metadata(&version, text, diagnostics);
    }
    if version.published > id.date {
        diagnostics.push(date_diagnostic(
            default,
            "published",
            Code::PublishedAfterEffective,
            format!(
                "this version is published on {} but takes effect earlier, on {}",
                version.published, id.date
            ),
            "a version cannot take effect before the public can read it: publish it earlier or rename the folder to a later date",
        ));
    }
    Some(Version { texts, ..version })
}

fn missing_default(config: &SiteConfig, folder: &str) -> Diagnostic {
    Diagnostic::error(
        Code::MissingDefaultLocale,
        format!(
            "this version has no {}.md, the default locale's text",
            config.default_locale
        ),
    )
    .in_file(format!("{folder}/"))
    .help(format!(
        "every version needs {folder}/{}.md; other languages may follow later",
        config.default_locale
    ))
}

/// Translations of a version must agree with the default locale on the
/// facts of the version: a notice period cannot depend on the language.
fn check_translation_metadata(version: &Version, text: &Text, diagnostics: &mut Vec<Diagnostic>) {
    let checks = [
        (
            "material",
            text.front.material.is_some_and(|m| m != version.material),
            version.material.to_string(),
        ),
        (
            "draft",
            text.front.draft.is_some_and(|d| d != version.draft),
            version.draft.to_string(),
        ),
        (
            "published",
            text.front.published.is_some_and(|p| p != version.published),
            version.published.to_string(),
        ),
    ];
    for (key, differs, expected) in checks {
        if differs {
            diagnostics.push(date_diagnostic(
                text,
                key,
                Code::MetadataMismatch,
                format!("`{key}` differs from the default locale's file, which says {expected}"),
                &format!("use `{key}: {expected}` in every translation, or remove the line (the default locale's value applies)"),
            ));
        }
    }
}

/// A diagnostic at a front-matter key's line of `text`.
fn date_diagnostic(text: &Text, key: &str, code: Code, message: String, help: &str) -> Diagnostic {
    let line = (1..text.body_first_line())
        .find(|&l| text.source.line_text(l).starts_with(&format!("{key}:")))
        .unwrap_or(1);
    let line_text = text.source.line_text(line).to_string();
    let value_start = line_text.find(':').map_or(0, |colon| {
        let after = &line_text[colon + 1..];
        colon + 1 + (after.len() - after.trim_start().len())
    });
    let column = line_text[..value_start].chars().count() + 1;
    let span = line_text.chars().count().saturating_sub(column - 1);
    let diagnostic = match code {
        Code::MetadataMismatch => Diagnostic::warning(code, message),
        _ => Diagnostic::error(code, message),
    };
    diagnostic
        .in_file(text.source.path.clone())
        .at_line_col(line, column, line_text, span)
        .help(help)
}

/// Checks that need the whole history: summaries and notice periods.
fn check_policy(config: &SiteConfig, versions: &[Version], diagnostics: &mut Vec<Diagnostic>) {
    for (index, version) in versions.iter().enumerate() {
        if index > 0 {
            for text in &version.texts {
                if text.front.summary.is_none() {
                    // A draft may still be missing its summary (`new` leaves
                    // it to fill in); a published version may not.
                    let is_default = text.locale == config.default_locale;
                    let message = "this version has no `summary` saying what changed".to_string();
                    let diagnostic = if is_default && !version.draft {
                        Diagnostic::error(Code::MissingSummary, message)
                    } else {
                        Diagnostic::warning(Code::MissingSummary, message)
                    };
                    let line = text.body_first_line().saturating_sub(1).max(1);
                    diagnostics.push(
                        diagnostic
                            .in_file(text.source.path.clone())
                            .at_line_col(line, 1, text.source.line_text(line).to_string(), 3)
                            .help("add a line before the closing `---`: summary: One line on what changed (it goes to the changelog and feeds)"),
                    );
                }
            }
        }
        if version.material && !version.draft {
            check_notice_period(config, version, diagnostics);
        }
    }
}

fn check_notice_period(config: &SiteConfig, version: &Version, diagnostics: &mut Vec<Diagnostic>) {
    let notice = chrono::Days::new(u64::from(config.notice_days));
    let Some(deadline) = version.published.checked_add_days(notice) else {
        return;
    };
    if deadline <= version.effective() {
        return;
    }
    let Some(default) = version.default_text(config) else {
        return;
    };
    let latest_publication = version
        .effective()
        .checked_sub_days(notice)
        .map_or_else(String::new, |d| d.to_string());
    let key = if default.front.published.is_some() {
        "published"
    } else {
        "material"
    };
    diagnostics.push(date_diagnostic(
        default,
        key,
        Code::NoticePeriod,
        format!(
            "this material change is published on {} and takes effect on {}: {} days of notice, {} required",
            version.published,
            version.effective(),
            (version.effective() - version.published).num_days(),
            config.notice_days
        ),
        &format!(
            "publish it by {latest_publication} (published: {latest_publication}), or move the effective date to {deadline} or later by renaming the folder"
        ),
    ));
}

/// Puts policies in navigation order and reports `policies` entries that
/// name no policy.
fn order_policies(
    config: &SiteConfig,
    site_source: &SourceFile,
    mut policies: Vec<Policy>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Policy> {
    let Some(order) = &config.policies else {
        return policies;
    };
    for slug in order {
        if !policies.iter().any(|p| &p.slug == slug) {
            let offset = site_source
                .text
                .find("policies")
                .and_then(|start| {
                    site_source.text[start..]
                        .find(slug.as_str())
                        .map(|i| start + i)
                })
                .unwrap_or(0);
            diagnostics.push(
                Diagnostic::error(
                    Code::ConfigInvalid,
                    format!("`policies` lists \"{slug}\", but content/{slug}/ has no versions"),
                )
                .at(site_source, offset..offset + slug.len())
                .help("remove it from `policies`, or add content/<slug>/<date>/<locale>.md"),
            );
        }
    }
    policies.sort_by_key(|p| {
        (
            order
                .iter()
                .position(|s| *s == p.slug)
                .unwrap_or(usize::MAX),
            p.slug.clone(),
        )
    });
    policies
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_slug("privacy"));
        assert!(is_slug("policy-005"));
        assert!(!is_slug("-privacy"));
        assert!(!is_slug("Privacy"));
        assert!(!is_slug(""));
        assert_eq!(suggest_slug("Privacy Policy"), "privacy-policy");
    }
}
