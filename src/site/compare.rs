//! Compare pages (`/<policy>/compare/<old>...<new>/`): which pairs get one,
//! in which language each page compares, and their rendering.
//!
//! Work is grouped by policy and text language: each version's text is
//! parsed for the redline once, and every pair it belongs to reuses it.
//! A reader whose language lacks a version reads the comparison of the
//! prevailing texts; that redline is computed once and shown in every such
//! language.

use minijinja::Value;
use pulldown_cmark::CowStr;
use serde::Serialize;

use super::pages::{self, Kind, Page, iso};
use super::units::Compared;
use super::views::*;
use super::{Build, OutputFile};
use crate::diag::Diagnostic;
use crate::i18n::I18n;
use crate::markdown::{self, LinkContext};
use crate::model::{Entry, Status, Timeline, Version, VersionId};
use crate::redline::{self, Document, Labels, Redline, RedlineConfig};
use crate::templates::Html;

/// The pairs of versions of a policy that have a compare page: every
/// consecutive pair, every version against the current one, and the
/// current against each upcoming one. Sorted, each once.
pub fn pairs(timeline: &Timeline<'_>) -> Vec<(VersionId, VersionId)> {
    let mut pairs = Vec::new();
    for window in timeline.entries.windows(2) {
        pairs.push((window[0].version.id, window[1].version.id));
    }
    if let Some(current) = timeline.current() {
        for entry in &timeline.entries {
            let id = entry.version.id;
            if id == current.version.id || entry.status == Status::Draft && id < current.version.id
            {
                continue;
            }
            pairs.push(if id < current.version.id {
                (id, current.version.id)
            } else {
                (current.version.id, id)
            });
        }
    }
    pairs.sort();
    pairs.dedup();
    pairs
}

/// The language whose texts a compare page in `locale` compares: the
/// reader's, when both versions are translated; else the prevailing
/// language (or the default one, which every version has).
pub fn text_language(
    build: &Build<'_>,
    old: &Version,
    new: &Version,
    locale: &str,
) -> Option<String> {
    let config = &build.site.config;
    [
        locale,
        config.prevailing_locale.as_str(),
        config.default_locale.as_str(),
    ]
    .into_iter()
    .find(|l| old.text(l).is_some() && new.text(l).is_some())
    .map(str::to_string)
}

/// The redline's words (screen-reader cues, notes, badges) in a language.
pub fn labels(i18n: &I18n, locale: &str) -> Labels {
    let mut labels = Labels::english();
    let fields: [(&str, &mut String); 39] = [
        ("deleted", &mut labels.deleted),
        ("inserted", &mut labels.inserted),
        ("end_of_change", &mut labels.end_of_change),
        ("moved_away", &mut labels.moved_away),
        ("moved_here", &mut labels.moved_here),
        ("moved_to", &mut labels.moved_to),
        ("moved_from", &mut labels.moved_from),
        ("moved_to_item", &mut labels.moved_to_item),
        ("moved_from_item", &mut labels.moved_from_item),
        ("moved_to_after", &mut labels.moved_to_after),
        ("moved_from_after", &mut labels.moved_from_after),
        ("moved_to_start", &mut labels.moved_to_start),
        ("moved_from_start", &mut labels.moved_from_start),
        ("paragraph_split", &mut labels.paragraph_split),
        ("paragraph_merged", &mut labels.paragraph_merged),
        ("style_added", &mut labels.style_added),
        ("style_removed", &mut labels.style_removed),
        ("bold", &mut labels.bold),
        ("italic", &mut labels.italic),
        ("strikethrough", &mut labels.strikethrough),
        ("code", &mut labels.code),
        ("markup", &mut labels.markup),
        ("link_added", &mut labels.link_added),
        ("link_removed", &mut labels.link_removed),
        ("link_changed", &mut labels.link_changed),
        ("typography", &mut labels.typography),
        ("heading_level", &mut labels.heading_level),
        ("structure_changed", &mut labels.structure_changed),
        ("paragraph", &mut labels.paragraph),
        ("list_item", &mut labels.list_item),
        ("numbered_list_item", &mut labels.numbered_list_item),
        ("list_start", &mut labels.list_start),
        ("quoted", &mut labels.quoted),
        ("nesting_changed", &mut labels.nesting_changed),
        ("rule_added", &mut labels.rule_added),
        ("rule_removed", &mut labels.rule_removed),
        ("html_changed", &mut labels.html_changed),
        ("no_changes", &mut labels.no_changes),
        ("first_version", &mut labels.first_version),
    ];
    for (key, field) in fields {
        if let Some(text) = i18n.get(locale, &format!("rl_{key}")) {
            *field = text.to_string();
        }
    }
    labels
}

/// Renders the compare pages of one pair (one per locale that shows it),
/// from the parsed texts of its unit (a policy in one language), with the
/// redline's labels in that language.
pub(super) fn render_pair(
    build: &Build<'_>,
    unit: &super::units::Unit,
    labels: &Labels,
    sides: [(Entry<'_>, &Compared<'_>); 2],
    locales: &[String],
    emitter: &super::Emitter<'_>,
) {
    let [(old, old_text), (new, new_text)] = sides;
    let (policy, language) = (unit.policy, unit.language.as_str());
    let timeline = &build.timelines[policy];
    let redline = redline::compare(
        &old_text.document,
        &new_text.document,
        &RedlineConfig::default(),
        labels,
    );
    for locale in locales {
        let page = Page {
            kind: Kind::Compare {
                policy,
                old: old.version.id,
                new: new.version.id,
            },
            locale: locale.clone(),
            url: build.urls.compare(
                locale,
                &timeline.policy.slug,
                old.version.id,
                new.version.id,
            ),
        };
        let html = render_page(build, &page, timeline, sides, language, &redline);
        emitter.emit(html.map(|bytes| OutputFile {
            path: super::urls::output_path(&page.url),
            bytes,
        }));
    }
}

/// The summary of the redline between a version and the one before it, in
/// a page locale's text language (for notices).
pub fn summary_against_previous(
    build: &Build<'_>,
    timeline: &Timeline<'_>,
    entry: Entry<'_>,
    locale: &str,
) -> Option<redline::Summary> {
    let previous = timeline.previous(entry.version.id)?;
    let language = text_language(build, previous.version, entry.version, locale)?;
    let old = Document::parse(previous.version.text(&language)?.body());
    let new = Document::parse(entry.version.text(&language)?.body());
    let labels = labels(&build.i18n, &language);
    Some(redline::compare(&old, &new, &RedlineConfig::default(), &labels).summary)
}

/// A side of a comparison.
#[derive(Debug, Serialize)]
struct Side {
    id: String,
    effective: String,
    status: &'static str,
    url: String,
}

/// The summary, with what the template needs to link each change.
#[derive(Debug, Serialize)]
struct SummaryView {
    identical_text: bool,
    words_added: usize,
    words_removed: usize,
    words_moved: usize,
    formatting_changes: usize,
    typography_changes: usize,
    sections_changed: usize,
    changes: Vec<ChangeView>,
}

#[derive(Debug, Serialize)]
struct ChangeView {
    id: String,
    section: String,
    kind: &'static str,
    /// The kind in the page's language (`t("change_" ~ kind)`): a compare
    /// page lists a dozen changes and more, and a t() call per item cost
    /// the 10,000-version corpus's build 0.7 % of its instructions.
    kind_label: String,
}

#[derive(Debug, Serialize)]
struct ComparePage {
    policy: PolicyRef,
    old: Side,
    new: Side,
    summary: SummaryView,
    inline_html: Value,
    side_by_side_html: Value,
    /// Language and direction of the compared texts.
    text_lang: String,
    text_dir: &'static str,
    /// The reader's language lacks one of the versions: the name of the
    /// language shown instead.
    fallback: Option<String>,
    /// On translated comparisons: the prevailing language's comparison.
    prevailing: Option<Prevailing>,
    /// Other comparisons of the policy that involve one of these versions.
    related: Vec<Link>,
}

fn render_page(
    build: &Build<'_>,
    page: &Page,
    timeline: &Timeline<'_>,
    [(old, old_text), (new, new_text)]: [(Entry<'_>, &Compared<'_>); 2],
    language: &str,
    redline: &Redline,
) -> Result<Vec<u8>, Diagnostic> {
    let locale = page.locale.as_str();
    let slug = &timeline.policy.slug;
    let urls = &build.urls;
    let config = &build.site.config;
    let title = new
        .version
        .text(language)
        .map_or_else(|| slug.clone(), |t| t.front.title.clone());
    let side = |entry: Entry<'_>| Side {
        id: entry.version.id.string(),
        effective: iso(entry.version.effective()),
        status: entry.status.as_str(),
        url: urls.version(locale, slug, entry.version.id),
    };
    let summary = &redline.summary;
    let prefix = urls.prefix(locale);
    let links = LinkContext {
        locale_prefix: &prefix,
        policy_slugs: &build.policy_slugs,
    };
    // The redline's headings carry change anchors, not the sections' ids:
    // a link to a section (`#contact`) leads to the version that has it.
    let targets: Vec<(String, &[String])> = [(new, new_text), (old, old_text)]
        .into_iter()
        .map(|(entry, text)| {
            (
                urls.version(language, slug, entry.version.id),
                text.anchors.as_slice(),
            )
        })
        .collect();
    let view = ComparePage {
        policy: PolicyRef {
            slug: slug.clone(),
            title: title.clone(),
            url: urls.policy(locale, slug),
            changes_url: urls.changes(locale, slug),
            feed_url: urls.policy_feed(locale, slug),
        },
        old: side(old),
        new: side(new),
        summary: SummaryView {
            identical_text: summary.identical_text,
            words_added: summary.words_added,
            words_removed: summary.words_removed,
            words_moved: summary.words_moved,
            formatting_changes: summary.formatting_changes,
            typography_changes: summary.typography_changes,
            sections_changed: summary.sections_changed,
            changes: change_list(&build.i18n, summary, locale),
        },
        inline_html: Html::value(page_hrefs(&redline.inline_html, links, &targets)),
        side_by_side_html: Html::value(page_hrefs(&redline.side_by_side_html, links, &targets)),
        text_lang: language.to_string(),
        text_dir: build.i18n.dir(language),
        fallback: (language != locale).then(|| build.i18n.language_name_in(locale, language)),
        prevailing: (language == locale
            && locale != config.prevailing_locale
            && text_language(build, old.version, new.version, &config.prevailing_locale)
                .as_deref()
                == Some(config.prevailing_locale.as_str()))
        .then(|| Prevailing {
            language: build
                .i18n
                .language_name_in(locale, &config.prevailing_locale),
            locale: config.prevailing_locale.clone(),
            url: urls.compare(
                &config.prevailing_locale,
                slug,
                old.version.id,
                new.version.id,
            ),
        }),
        related: related(build, timeline, (old, new), locale),
    };
    let page_title = build
        .i18n
        .text(locale, "compare_title", &[("title", &title)])
        .unwrap_or_else(|| title.clone());
    let mut layout = pages::layout(build, page, page_title, String::new())?;
    layout.feeds.push(Link {
        title: view.policy.title.clone(),
        href: view.policy.feed_url.clone(),
    });
    let text_bytes = redline.inline_html.len() + redline.side_by_side_html.len();
    pages::render_view(build, page, layout, view, text_bytes)
}

/// The links of a redline as the compare page needs them, in one pass:
/// links to policies kept in the reader's language, and `href="#id"`
/// pointed at the section of a version page (`targets`: each version's URL
/// and anchors, the newer first) where the id is not one of the page's own
/// (the redline's change anchors stay in the page).
fn page_hrefs(html: &str, links: LinkContext<'_>, targets: &[(String, &[String])]) -> String {
    let mut own: Option<super::Ids> = None;
    markdown::rewrite_hrefs(html, |href| match href.strip_prefix('#') {
        Some(id) => {
            let own = own.get_or_insert_with(|| super::Ids::of(html));
            if own.contains(id) {
                return None;
            }
            let (url, _) = targets
                .iter()
                .find(|(_, anchors)| anchors.iter().any(|a| a == id))?;
            Some(format!("{url}{href}"))
        }
        None if links.locale_prefix.is_empty() => None,
        None => Some(markdown::localize_link(CowStr::from(href), links).into_string()),
    })
}

/// The summary's list of changes: consecutive changes of one kind in one
/// section (the paragraphs of an added section) are one entry, linked to
/// the first.
fn change_list(i18n: &I18n, summary: &redline::Summary, locale: &str) -> Vec<ChangeView> {
    let mut list: Vec<ChangeView> = Vec::new();
    for change in &summary.changes {
        let kind = change.kind.name();
        if list
            .last()
            .is_some_and(|last| last.section == change.section && last.kind == kind)
        {
            continue;
        }
        list.push(ChangeView {
            id: change.id.clone(),
            section: change.section.clone(),
            kind,
            kind_label: i18n
                .get(locale, change.kind.label_key())
                .unwrap_or_default()
                .to_string(),
        });
    }
    list
}

/// Other comparisons with the same versions: the previous step and the
/// comparison with the version in effect.
fn related(
    build: &Build<'_>,
    timeline: &Timeline<'_>,
    (old, new): (Entry<'_>, Entry<'_>),
    locale: &str,
) -> Vec<Link> {
    let slug = &timeline.policy.slug;
    let all = pairs(timeline);
    let mut links = Vec::new();
    for (a, b) in all {
        if (a, b) == (old.version.id, new.version.id)
            || !(a == new.version.id
                || b == new.version.id
                || a == old.version.id
                || b == old.version.id)
        {
            continue;
        }
        let date = |id: VersionId| build.i18n.format_date(locale, id.date);
        links.push(Link {
            title: format!("{} → {}", date(a), date(b)),
            href: build.urls.compare(locale, slug, a, b),
        });
    }
    links
}
