//! When a rebuild may render only some policies' pages.
//!
//! An edit inside `content/<policy>/` that leaves every front matter and
//! the set of versions and translations as they were changes only that
//! policy's texts. Other policies' pages show nothing of those texts: they
//! see a policy only through its metadata (titles in the navigation,
//! dates, statuses). So the pages of the edited policies, the pages that
//! list every policy, and the non-page files (feeds, JSON, sitemap) are
//! rendered again, and every other page is kept from the previous build.
//!
//! The comparison destructures the model's structs without `..`: a field
//! added to `Policy`, `Version` or `Text` stops the compilation here, so
//! whoever adds it decides whether it is metadata (compared) or text.
//! The guard of the whole mechanism is the test that compares served
//! files with a full build (`tests/testsuite/serve.rs`).

use std::collections::BTreeSet;

use chrono::NaiveDate;

use crate::model::{Policy, Site, Text, Version};

/// What the previous good build was made from.
pub struct Previous<'a> {
    pub site: &'a Site,
    pub today: NaiveDate,
}

/// The policies (by index in the newly loaded `site`) whose pages must be
/// rendered again after edits to the policies named `changed` (their
/// folder names), or `None` when every page must be.
pub fn policies_to_render(
    previous: Option<&Previous<'_>>,
    today: NaiveDate,
    site: &Site,
    changed: &BTreeSet<String>,
) -> Option<BTreeSet<usize>> {
    let previous = previous?;
    if changed.is_empty()
        || previous.today != today
        || previous.site.config != site.config
        || !same_metadata(previous.site, site)
    {
        return None;
    }
    changed
        .iter()
        // A folder that is not a policy (yet): the full build says why.
        .map(|slug| site.policies.iter().position(|p| &p.slug == slug))
        .collect()
}

/// True when two loads of a site differ at most in their texts' bodies.
fn same_metadata(old: &Site, new: &Site) -> bool {
    old.policies.len() == new.policies.len()
        && old
            .policies
            .iter()
            .zip(&new.policies)
            .all(|(a, b)| same_policy(a, b))
}

fn same_policy(old: &Policy, new: &Policy) -> bool {
    let Policy { slug, versions } = old;
    *slug == new.slug
        && versions.len() == new.versions.len()
        && versions
            .iter()
            .zip(&new.versions)
            .all(|(a, b)| same_version(a, b))
}

fn same_version(old: &Version, new: &Version) -> bool {
    let Version {
        id,
        published,
        material,
        draft,
        texts,
    } = old;
    *id == new.id
        && *published == new.published
        && *material == new.material
        && *draft == new.draft
        && texts.len() == new.texts.len()
        && texts.iter().zip(&new.texts).all(|(a, b)| same_text(a, b))
}

fn same_text(old: &Text, new: &Text) -> bool {
    // The body (in `source`, at `body`) and its hash are what may change.
    let Text {
        locale,
        source,
        front,
        body: _,
        file: _,
    } = old;
    *locale == new.locale && source.path == new.source.path && *front == new.front
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::Options;

    fn load(root: &std::path::Path) -> Site {
        crate::content::load(root).site.unwrap()
    }

    fn fixture() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        for entry in walkdir::WalkDir::new(&from).into_iter().flatten() {
            let target = dir.path().join(entry.path().strip_prefix(&from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
        dir
    }

    const EN: &str = "content/privacy/2026-03-01/en.md";

    fn edit(dir: &std::path::Path, from: &str, to: &str) {
        let path = dir.join(EN);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from));
        std::fs::write(&path, text.replace(from, to)).unwrap();
    }

    #[test]
    fn a_body_edit_renders_its_policy_only() {
        let dir = fixture();
        let today = NaiveDate::from_ymd_opt(2026, 11, 15).unwrap();
        let old = load(dir.path());
        edit(dir.path(), "We collect", "We now collect");
        let new = load(dir.path());
        let previous = Previous { site: &old, today };
        let changed = BTreeSet::from(["privacy".to_string()]);
        let policies = policies_to_render(Some(&previous), today, &new, &changed);
        assert_eq!(policies, Some(BTreeSet::from([0])));
        // Another day, no previous build, or an unknown folder: everything.
        let tomorrow = today.succ_opt().unwrap();
        assert_eq!(
            policies_to_render(Some(&previous), tomorrow, &new, &changed),
            None
        );
        assert_eq!(policies_to_render(None, today, &new, &changed), None);
        let stray = BTreeSet::from(["Privacy Policy".to_string()]);
        assert_eq!(
            policies_to_render(Some(&previous), today, &new, &stray),
            None
        );
    }

    #[test]
    fn a_front_matter_edit_renders_everything() {
        let dir = fixture();
        let today = NaiveDate::from_ymd_opt(2026, 11, 15).unwrap();
        let old = load(dir.path());
        edit(dir.path(), "title: Privacy Policy", "title: Privacy Notice");
        let new = load(dir.path());
        let previous = Previous { site: &old, today };
        let changed = BTreeSet::from(["privacy".to_string()]);
        assert_eq!(
            policies_to_render(Some(&previous), today, &new, &changed),
            None
        );
    }

    /// A build that keeps the previous build's other pages is the full
    /// build, file for file.
    #[test]
    fn a_scoped_build_is_the_full_build() {
        let dir = fixture();
        let options = Options {
            today: NaiveDate::from_ymd_opt(2026, 11, 15).unwrap(),
            drafts: false,
            base_url: None,
            checking: false,
        };
        let before = crate::pipeline::generate(dir.path(), &options);
        let old = before.site.unwrap();
        let old_files = before.files.unwrap();
        edit(dir.path(), "## Analytics", "## Analytics and metrics");
        let previous = Previous {
            site: &old,
            today: options.today,
        };
        let changed = BTreeSet::from(["privacy".to_string()]);
        let mut scoped = false;
        let reused = crate::pipeline::generate_reusing(dir.path(), &options, |site| {
            let policies = policies_to_render(Some(&previous), options.today, site, &changed)?;
            scoped = true;
            Some(crate::pipeline::Reuse {
                files: &old_files,
                policies,
            })
        });
        assert!(scoped);
        let full = crate::pipeline::generate(dir.path(), &options);
        assert_eq!(reused.files.unwrap(), full.files.unwrap());
    }
}
