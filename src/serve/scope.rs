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
use crate::pipeline::Pages;

/// What the previous good build was made from.
pub struct Previous<'a> {
    pub site: &'a Site,
    pub today: NaiveDate,
}

/// The pages to render for a change to the policies named `changed` (their
/// folder names), given the newly loaded site.
pub fn pages_to_render(
    previous: Option<&Previous<'_>>,
    today: NaiveDate,
    site: &Site,
    changed: &BTreeSet<String>,
) -> Pages {
    let Some(previous) = previous else {
        return Pages::All;
    };
    if changed.is_empty()
        || previous.today != today
        || previous.site.config != site.config
        || !same_metadata(previous.site, site)
    {
        return Pages::All;
    }
    let mut indices = BTreeSet::new();
    for slug in changed {
        match site.policies.iter().position(|p| &p.slug == slug) {
            Some(index) => {
                indices.insert(index);
            }
            // A folder that is not a policy (yet): let the full build say.
            None => return Pages::All,
        }
    }
    Pages::Policies(indices)
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
        sha256: _,
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
        let pages = pages_to_render(Some(&previous), today, &new, &changed);
        assert_eq!(pages, Pages::Policies(BTreeSet::from([0])));
        // Another day, or no previous build: everything.
        let tomorrow = today.succ_opt().unwrap();
        assert_eq!(
            pages_to_render(Some(&previous), tomorrow, &new, &changed),
            Pages::All
        );
        assert_eq!(pages_to_render(None, today, &new, &changed), Pages::All);
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
            pages_to_render(Some(&previous), today, &new, &changed),
            Pages::All
        );
    }

    /// The scoped build's pages, laid over the previous build, are the full
    /// build's files.
    #[test]
    fn a_scoped_build_over_the_previous_one_is_the_full_build() {
        let dir = fixture();
        let options = Options {
            today: NaiveDate::from_ymd_opt(2026, 11, 15).unwrap(),
            drafts: false,
            base_url: None,
        };
        let before = crate::pipeline::generate(dir.path(), &options);
        let old = before.site.unwrap();
        edit(dir.path(), "## Analytics", "## Analytics and metrics");
        let previous = Previous {
            site: &old,
            today: options.today,
        };
        let changed = BTreeSet::from(["privacy".to_string()]);
        let mut chosen = Pages::All;
        let scoped = crate::pipeline::generate_pages(dir.path(), &options, |site| {
            chosen = pages_to_render(Some(&previous), options.today, site, &changed);
            chosen.clone()
        });
        assert!(matches!(chosen, Pages::Policies(_)));
        let mut merged: std::collections::BTreeMap<String, Vec<u8>> = before
            .files
            .unwrap()
            .into_iter()
            .map(|f| (f.path, f.bytes))
            .collect();
        let scoped_files = scoped.files.unwrap();
        let full = crate::pipeline::generate(dir.path(), &options)
            .files
            .unwrap();
        assert!(scoped_files.len() < full.len());
        merged.extend(scoped_files.into_iter().map(|f| (f.path, f.bytes)));
        let full: std::collections::BTreeMap<String, Vec<u8>> =
            full.into_iter().map(|f| (f.path, f.bytes)).collect();
        assert_eq!(merged, full);
    }
}
