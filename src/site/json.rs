//! Machine-readable history: `/<policy>/versions.json` and
//! `/policies.json` (schema in the README). One file for all locales:
//! titles, summaries and URLs are given per locale.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::pages::iso;
use super::urls::output_path;
use super::{Build, OutputFile};
use crate::model::{Status, Timeline};

/// Version of the JSON schema; bumped on incompatible changes.
pub const SCHEMA: u32 = 1;

#[derive(Serialize)]
struct VersionsFile {
    schema: u32,
    policy: String,
    title: BTreeMap<String, String>,
    url: String,
    /// The version in effect.
    current: Option<String>,
    /// The next version to take effect.
    next_change: Option<NextChange>,
    /// Newest first.
    versions: Vec<VersionJson>,
}

#[derive(Serialize, Clone)]
struct NextChange {
    version: String,
    effective: String,
    material: bool,
    url: String,
}

#[derive(Serialize)]
struct VersionJson {
    id: String,
    effective: String,
    published: String,
    status: &'static str,
    material: bool,
    summary: BTreeMap<String, String>,
    locales: Vec<String>,
    url: String,
    urls: BTreeMap<String, String>,
    /// Redline against the previous version.
    compare_url: Option<String>,
    sources: Vec<SourceJson>,
    corrections: Vec<CorrectionJson>,
}

#[derive(Serialize)]
struct SourceJson {
    locale: String,
    path: String,
    sha256: String,
}

#[derive(Serialize)]
struct CorrectionJson {
    locale: String,
    date: String,
    note: String,
}

#[derive(Serialize)]
struct PoliciesFile {
    schema: u32,
    site: String,
    base_url: String,
    locales: Vec<String>,
    default_locale: String,
    prevailing_locale: String,
    /// The next day the site's content changes by itself (a version takes
    /// effect or becomes public): rebuild then.
    next_rebuild: Option<String>,
    policies: Vec<PolicyJson>,
}

#[derive(Serialize)]
struct PolicyJson {
    slug: String,
    title: BTreeMap<String, String>,
    url: String,
    versions_url: String,
    changes_feed: String,
    current: Option<CurrentJson>,
    next_change: Option<NextChange>,
}

#[derive(Serialize)]
struct CurrentJson {
    version: String,
    effective: String,
    url: String,
}

/// `versions.json` for each policy and `policies.json`.
pub fn json_files(build: &Build<'_>) -> Vec<OutputFile> {
    if build.options.checking {
        return json_paths(build);
    }
    let mut files = Vec::new();
    let mut policies = Vec::new();
    for timeline in &build.timelines {
        let file = versions_file(build, timeline);
        let slug = &timeline.policy.slug;
        policies.push(PolicyJson {
            slug: slug.clone(),
            title: file.title.clone(),
            url: file.url.clone(),
            versions_url: build.urls.absolute(&build.urls.versions_json(slug)),
            changes_feed: build.urls.absolute(
                &build
                    .urls
                    .policy_feed(&build.site.config.default_locale, slug),
            ),
            current: timeline.current().map(|e| CurrentJson {
                version: e.version.id.to_string(),
                effective: iso(e.version.effective()),
                url: build.urls.absolute(&build.urls.version(
                    &build.site.config.default_locale,
                    slug,
                    e.version.id,
                )),
            }),
            next_change: file.next_change.clone(),
        });
        files.push(OutputFile {
            path: output_path(&build.urls.versions_json(slug)),
            bytes: to_json(&file),
        });
    }
    let config = &build.site.config;
    let index = PoliciesFile {
        schema: SCHEMA,
        site: config.title.clone(),
        base_url: build.urls.base_url().to_string(),
        locales: config.locales.clone(),
        default_locale: config.default_locale.clone(),
        prevailing_locale: config.prevailing_locale.clone(),
        next_rebuild: next_rebuild(build).map(iso),
        policies,
    };
    files.push(OutputFile {
        path: output_path(&build.urls.policies_json()),
        bytes: to_json(&index),
    });
    files
}

/// The JSON files without their text, for `check` (see
/// `Options::checking`): their addresses are all a link lint needs.
fn json_paths(build: &Build<'_>) -> Vec<OutputFile> {
    let versions = build
        .timelines
        .iter()
        .map(|timeline| build.urls.versions_json(&timeline.policy.slug));
    versions
        .chain(std::iter::once(build.urls.policies_json()))
        .map(|url| OutputFile {
            path: output_path(&url),
            bytes: Vec::new(),
        })
        .collect()
}

fn versions_file(build: &Build<'_>, timeline: &Timeline<'_>) -> VersionsFile {
    let urls = &build.urls;
    let config = &build.site.config;
    let slug = &timeline.policy.slug;
    let title = config
        .locales
        .iter()
        .filter_map(|l| super::pages::policy_title_in(build, timeline, l))
        .filter(|(_, lang)| config.locales.contains(lang))
        .map(|(title, lang)| (lang, title))
        .collect();
    let mut versions: Vec<VersionJson> = timeline
        .entries
        .iter()
        .map(|entry| {
            let version = entry.version;
            let previous = timeline.previous(version.id);
            VersionJson {
                id: version.id.to_string(),
                effective: iso(version.effective()),
                published: iso(version.published),
                status: entry.status.as_str(),
                material: version.material,
                summary: version
                    .texts
                    .iter()
                    .filter_map(|t| t.front.summary.clone().map(|s| (t.locale.clone(), s)))
                    .collect(),
                locales: version.texts.iter().map(|t| t.locale.clone()).collect(),
                url: urls.absolute(&urls.version(&config.default_locale, slug, version.id)),
                urls: config
                    .locales
                    .iter()
                    .map(|l| (l.clone(), urls.absolute(&urls.version(l, slug, version.id))))
                    .collect(),
                compare_url: previous.map(|p| {
                    urls.absolute(&urls.compare(
                        &config.default_locale,
                        slug,
                        p.version.id,
                        version.id,
                    ))
                }),
                sources: version
                    .texts
                    .iter()
                    .map(|t| SourceJson {
                        locale: t.locale.clone(),
                        path: t.source.path.clone(),
                        sha256: t.sha256().to_string(),
                    })
                    .collect(),
                corrections: version
                    .texts
                    .iter()
                    .flat_map(|t| {
                        t.front.corrections.iter().map(|c| CorrectionJson {
                            locale: t.locale.clone(),
                            date: iso(c.date),
                            note: c.note.clone(),
                        })
                    })
                    .collect(),
            }
        })
        .collect();
    versions.reverse();
    VersionsFile {
        schema: SCHEMA,
        policy: slug.clone(),
        title,
        url: urls.absolute(&urls.policy(&config.default_locale, slug)),
        current: timeline.current().map(|e| e.version.id.to_string()),
        next_change: timeline.upcoming().next().map(|e| NextChange {
            version: e.version.id.to_string(),
            effective: iso(e.version.effective()),
            material: e.version.material,
            url: urls.absolute(&urls.version(&config.default_locale, slug, e.version.id)),
        }),
        versions,
    }
}

/// The next day after today on which the site changes without an edit:
/// an upcoming version takes effect, or a version's publication date comes.
pub fn next_rebuild(build: &Build<'_>) -> Option<NaiveDate> {
    let today = build.options.today;
    build
        .site
        .policies
        .iter()
        .flat_map(|p| p.versions.iter())
        .filter(|v| !v.draft)
        .flat_map(|v| [v.effective(), v.published])
        .filter(|d| *d > today)
        .min()
}

/// The upcoming versions of every policy, soonest first, for `build`'s
/// closing message.
pub fn upcoming(build: &Build<'_>) -> Vec<(String, String, NaiveDate)> {
    let mut upcoming: Vec<_> = build
        .timelines
        .iter()
        .flat_map(|t| {
            t.entries
                .iter()
                .filter(|e| e.status == Status::Upcoming)
                .map(|e| {
                    (
                        t.policy.slug.clone(),
                        e.version.id.to_string(),
                        e.version.effective(),
                    )
                })
        })
        .collect();
    upcoming.sort_by_key(|(slug, _, date)| (*date, slug.clone()));
    upcoming
}

fn to_json(value: &impl Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}
