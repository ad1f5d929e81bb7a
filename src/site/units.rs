//! Units of work: a policy's texts in one language. Each text is parsed
//! once (`markdown::raw_events`, which the lints read, made safe by
//! `markdown::safe_events_from`) and the parse is shared by the pages that
//! show it (its version page, the policy page for the current version, in
//! every locale that falls back to it) and by its redlines, which are then
//! computed once per pair for every locale that shows them. Units render
//! in parallel; a unit holds only its own texts' parses.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use pulldown_cmark::Event;
use rayon::prelude::*;

use super::pages::{self, Kind, Page};
use super::{Build, Emitter, OutputFile, compare};
use crate::markdown::{self, Rendered};
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

/// A text of a unit that is compared: its redline document, and the ids
/// its version page defines (compare pages link sections there).
pub(super) struct Compared<'a> {
    pub document: Document<'a>,
    pub anchors: Vec<String>,
}

/// Renders a unit: each text parsed once, its pages rendered from the
/// parse, then its comparisons. Texts, then comparisons, render in
/// parallel: a policy with a long history in one language is one unit, and
/// would otherwise keep one core busy and the others idle. `check` renders
/// each unit's first pair and only lists the others (see
/// `Options::checking`).
pub(super) fn render_unit<'a>(build: &Build<'a>, unit: &Unit, emitter: &Emitter<'_>) {
    let timeline = &build.timelines[unit.policy];
    let rendered = match build.options.checking {
        true => unit.pairs.len().min(1),
        false => unit.pairs.len(),
    };
    let (pairs, listed) = unit.pairs.split_at(rendered);
    for ((old, new), locales) in listed {
        for locale in locales {
            let url = build
                .urls
                .compare(locale, &timeline.policy.slug, *old, *new);
            emitter.list(&super::urls::output_path(&url));
        }
    }
    let compared: BTreeSet<VersionId> = pairs.iter().flat_map(|((a, b), _)| [*a, *b]).collect();
    let mut pages_of: BTreeMap<VersionId, Vec<&Page>> = BTreeMap::new();
    for page in &unit.pages {
        if let Some((_, version)) = shown_version(build, page) {
            pages_of.entry(version.id).or_default().push(page);
        }
    }
    let texts: BTreeMap<VersionId, Compared<'a>> = timeline
        .entries
        .par_iter()
        .filter_map(|entry| {
            let id = entry.version.id;
            let text = entry.version.text(&unit.language)?;
            let pages = pages_of.get(&id).map_or(&[][..], Vec::as_slice);
            let compared = render_text(build, text, pages, compared.contains(&id), emitter)?;
            Some((id, compared))
        })
        .collect();
    // The redline's words (legend, notes) in the unit's language, once.
    let labels = compare::labels(&build.i18n, &unit.language);
    pairs.par_iter().for_each(|((old, new), locales)| {
        let (Some(o), Some(n)) = (timeline.get(*old), timeline.get(*new)) else {
            return;
        };
        let (Some(old_text), Some(new_text)) = (texts.get(old), texts.get(new)) else {
            return;
        };
        compare::render_pair(
            build,
            unit,
            &labels,
            [(o, old_text), (n, new_text)],
            locales,
            emitter,
        );
    });
}

/// Parses one text of a unit, renders the pages that show it, and returns
/// what its comparisons need when it is `compared`.
fn render_text<'a>(
    build: &Build<'a>,
    text: &'a crate::model::Text,
    pages: &[&Page],
    compared: bool,
    emitter: &Emitter<'_>,
) -> Option<Compared<'a>> {
    if pages.is_empty() && !compared {
        return None;
    }
    // One parse: the lints read the raw events, pages and redlines the
    // safe ones.
    let raw = markdown::raw_events(text.body());
    build.keep_lint_scan(text, crate::lint::scan_events(text, &raw));
    let events: Vec<(Event<'a>, Range<usize>)> = markdown::safe_events_from(raw);
    // A body is rendered once per page locale (its links keep the
    // reader's language): the policy page shares its current version's.
    let mut bodies: BTreeMap<&str, Rendered> = BTreeMap::new();
    for page in pages {
        let body = bodies
            .entry(page.locale.as_str())
            .or_insert_with(|| build.body(&events, &page.locale));
        emitter.emit(
            pages::render_text_page(build, page, body).map(|bytes| OutputFile {
                path: super::urls::output_path(&page.url),
                bytes,
            }),
        );
    }
    if !compared {
        return None;
    }
    // Heading and footnote ids are the same in every locale.
    let anchors = match bodies.into_values().next() {
        Some(body) => body.anchors,
        None => build.body(&events, &text.locale).anchors,
    };
    let document = Document::from_events(&events);
    Some(Compared { document, anchors })
}
