//! Units of work: a policy's texts in one language. Each text is parsed
//! once (`markdown::safe_events`) and the parse is shared by the pages that
//! show it (its version page, the policy page for the current version, in
//! every locale that falls back to it) and by its redlines, which are then
//! computed once per pair for every locale that shows them. Units render
//! in parallel; a unit holds only its own texts' parses.

use std::collections::BTreeMap;
use std::ops::Range;

use pulldown_cmark::Event;

use super::pages::{self, Kind, Page};
use super::{Build, Emitter, OutputFile, compare};
use crate::markdown;
use crate::model::VersionId;
use crate::redline::Document;

/// Two versions, older first.
type Pair = (VersionId, VersionId);

/// A policy's texts in one language: the pages that show them and the
/// comparisons between them, with the page locales that show each pair.
#[derive(Debug)]
pub struct Unit {
    pub policy: usize,
    pub language: String,
    /// Version and policy pages whose text is in `language`.
    pub pages: Vec<Page>,
    pub pairs: Vec<(Pair, Vec<String>)>,
}

/// The units of a build, in a stable order: the plan's version and policy
/// pages by the language of the text they show, and every comparison by
/// the language it compares in (`compare::text_language`).
pub fn units(build: &Build<'_>, plan: &[Page]) -> Vec<Unit> {
    type Work = (Vec<Page>, BTreeMap<Pair, Vec<String>>);
    let mut units: BTreeMap<(usize, String), Work> = BTreeMap::new();
    for page in plan {
        if let Some((policy, version)) = shown_version(build, page)
            && let Some(shown) = build.shown(version, &page.locale)
        {
            units
                .entry((policy, shown.text.locale.clone()))
                .or_default()
                .0
                .push(page.clone());
        }
    }
    for (policy, timeline) in build.timelines.iter().enumerate() {
        for (old, new) in compare::pairs(timeline) {
            let (Some(o), Some(n)) = (timeline.get(old), timeline.get(new)) else {
                continue;
            };
            for locale in &build.site.config.locales {
                if let Some(language) = compare::text_language(build, o.version, n.version, locale)
                {
                    units
                        .entry((policy, language))
                        .or_default()
                        .1
                        .entry((old, new))
                        .or_default()
                        .push(locale.clone());
                }
            }
        }
    }
    units
        .into_iter()
        .map(|((policy, language), (pages, pairs))| Unit {
            policy,
            language,
            pages,
            pairs: pairs.into_iter().collect(),
        })
        .collect()
}

/// The version a version or policy page shows.
fn shown_version<'a>(build: &Build<'a>, page: &Page) -> Option<(usize, &'a crate::model::Version)> {
    match page.kind {
        Kind::Policy { policy } => Some((policy, build.timelines[policy].headline()?.version)),
        Kind::Version { policy, version } => {
            Some((policy, build.timelines[policy].get(version)?.version))
        }
        _ => None,
    }
}

/// Renders a unit: each text parsed once, its pages rendered from the
/// parse, then each comparison (see `Options::sample_compare_pages`).
pub(super) fn render_unit<'a>(build: &Build<'a>, unit: &Unit, emitter: &Emitter<'_>) {
    let timeline = &build.timelines[unit.policy];
    // `check` compares only each unit's first pair (see `Options::sample_compare_pages`).
    let rendered_pairs = match build.options.sample_compare_pages {
        true => &unit.pairs[..unit.pairs.len().min(1)],
        false => &unit.pairs[..],
    };
    let compared: std::collections::BTreeSet<VersionId> = rendered_pairs
        .iter()
        .flat_map(|((a, b), _)| [*a, *b])
        .collect();
    let mut pages_of: BTreeMap<VersionId, Vec<&Page>> = BTreeMap::new();
    for page in &unit.pages {
        if let Some((_, version)) = shown_version(build, page) {
            pages_of.entry(version.id).or_default().push(page);
        }
    }
    let mut documents: BTreeMap<VersionId, Document<'_>> = BTreeMap::new();
    // The redline's words (legend, notes) in the unit's language, once.
    let labels = compare::labels(&build.i18n, &unit.language);
    for entry in &timeline.entries {
        let id = entry.version.id;
        let pages = pages_of.remove(&id).unwrap_or_default();
        if pages.is_empty() && !compared.contains(&id) {
            continue;
        }
        let Some(text) = entry.version.text(&unit.language) else {
            continue;
        };
        // One parse: the lints read the raw events, pages and redlines the
        // safe ones.
        let raw = markdown::raw_events(text.body());
        build.keep_lint_scan(text, crate::lint::scan_events(text, &raw));
        let events: Vec<(Event<'a>, Range<usize>)> = markdown::safe_events_from(&raw);
        drop(raw);
        for page in pages {
            emitter.emit(
                pages::render_with(build, page, Some(&events)).map(|bytes| OutputFile {
                    path: super::urls::output_path(&page.url),
                    bytes,
                }),
            );
        }
        if compared.contains(&id) {
            documents.insert(id, Document::from_events(&events));
        }
    }
    for (nth, ((old, new), locales)) in unit.pairs.iter().enumerate() {
        let (Some(o), Some(n)) = (timeline.get(*old), timeline.get(*new)) else {
            continue;
        };
        if build.options.sample_compare_pages && nth > 0 {
            for locale in locales {
                let url = build
                    .urls
                    .compare(locale, &timeline.policy.slug, *old, *new);
                emitter.list(&super::urls::output_path(&url));
            }
            continue;
        }
        let (Some(old_doc), Some(new_doc)) = (documents.get(old), documents.get(new)) else {
            continue;
        };
        compare::render_pair(
            build,
            unit,
            &labels,
            (old_doc, new_doc),
            (o, n),
            locales,
            emitter,
        );
        // Versions no later pair needs are dropped as the unit moves on.
        let still_needed = |id: VersionId| {
            unit.pairs
                .iter()
                .any(|((a, b), _)| (*a, *b) > (*old, *new) && (*a == id || *b == id))
        };
        documents.retain(|id, _| still_needed(*id));
    }
}
