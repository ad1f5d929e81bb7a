//! Atom feeds of changes (RFC 4287): one per policy and one for the site,
//! in every locale. Everything in a feed comes from the content: its
//! `updated` is the newest publication or correction, never the clock, so
//! rebuilding changes nothing for subscribers.

use std::fmt::Write;

use chrono::NaiveDate;
use rayon::prelude::*;

use super::pages::{policy_title, summary};
use super::urls::output_path;
use super::{Build, OutputFile};
use crate::markdown::escape_html;
use crate::model::{Entry, IsoDate, Status, Timeline};

/// Namespace of legalsite's Atom extension elements (`legal:effective`,
/// `legal:material`), for readers that want the facts without parsing text.
pub const NAMESPACE: &str = "https://legalsite.dev/ns/atom/1";

/// Every feed of the site, the locales' in parallel.
pub fn feeds(build: &Build<'_>) -> Vec<OutputFile> {
    build
        .site
        .config
        .locales
        .par_iter()
        .map(|locale| feeds_in(build, locale))
        .flatten_iter()
        .collect()
}

/// The feeds of one locale: the site's, then each policy's that has
/// versions. When checking (`Options::checking`) they are made without
/// their text: their addresses are all a link lint needs.
fn feeds_in(build: &Build<'_>, locale: &str) -> Vec<OutputFile> {
    let policies = build
        .timelines
        .iter()
        .enumerate()
        .filter(|(_, timeline)| !timeline.entries.is_empty());
    if build.options.checking {
        let policy_feeds =
            policies.map(|(_, timeline)| build.urls.policy_feed(locale, &timeline.policy.slug));
        return std::iter::once(build.urls.site_feed(locale))
            .chain(policy_feeds)
            .map(|url| OutputFile {
                path: output_path(&url),
                bytes: Vec::new(),
            })
            .collect();
    }
    // An entry reads the same in the site's feed and in its policy's:
    // each is written once.
    let written: Vec<Vec<String>> = build
        .timelines
        .iter()
        .map(|timeline| {
            timeline
                .entries
                .iter()
                .map(|entry| {
                    let mut xml = String::new();
                    if entry.status != Status::Draft {
                        write_entry(&mut xml, build, locale, timeline, *entry);
                    }
                    xml
                })
                .collect()
        })
        .collect();
    let mut files = Vec::with_capacity(build.timelines.len() + 1);
    let all: Vec<FeedEntry<'_, '_>> = build
        .timelines
        .iter()
        .zip(&written)
        .flat_map(|(timeline, written)| entries_of(timeline, written))
        .collect();
    let title = build
        .i18n
        .text(locale, "all_changes", &[])
        .unwrap_or_default();
    let site_title = format!("{}: {title}", build.site.config.title);
    files.push(feed(
        build,
        locale,
        &site_title,
        &build.urls.site_feed(locale),
        &build.urls.site_changes(locale),
        all,
    ));
    for (index, timeline) in policies {
        let slug = &timeline.policy.slug;
        let policy = policy_title(build, timeline, locale).unwrap_or_else(|| slug.clone());
        let title = build
            .i18n
            .text(locale, "changes_of", &[("title", &policy)])
            .unwrap_or(policy);
        files.push(feed(
            build,
            locale,
            &title,
            &build.urls.policy_feed(locale, slug),
            &build.urls.changes(locale, slug),
            entries_of(timeline, &written[index]).collect(),
        ));
    }
    files
}

/// A timeline's entries with their `<entry>` elements.
fn entries_of<'t, 'b>(
    timeline: &'t Timeline<'b>,
    written: &'t [String],
) -> impl Iterator<Item = FeedEntry<'t, 'b>> {
    timeline
        .entries
        .iter()
        .zip(written)
        .map(move |(entry, xml)| FeedEntry {
            timeline,
            entry: *entry,
            xml,
        })
}

/// A version in a feed, with its `<entry>` element.
struct FeedEntry<'t, 'b> {
    timeline: &'t Timeline<'b>,
    entry: Entry<'b>,
    xml: &'t str,
}

fn feed(
    build: &Build<'_>,
    locale: &str,
    title: &str,
    self_url: &str,
    html_url: &str,
    mut entries: Vec<FeedEntry<'_, '_>>,
) -> OutputFile {
    entries.retain(|e| e.entry.status != Status::Draft);
    entries.sort_by(|a, b| {
        (
            updated(b.entry),
            b.entry.version.id,
            &b.timeline.policy.slug,
        )
            .cmp(&(
                updated(a.entry),
                a.entry.version.id,
                &a.timeline.policy.slug,
            ))
    });
    let newest = entries
        .iter()
        .map(|e| updated(e.entry))
        .max()
        .unwrap_or_default();
    let urls = &build.urls;
    let mut xml = String::with_capacity(2048 + entries.iter().map(|e| e.xml.len()).sum::<usize>());
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        xml,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:legal=\"{NAMESPACE}\" xml:lang=\"{}\">",
        escape_html(locale)
    );
    let _ = writeln!(xml, "  <id>{}</id>", escape_html(&urls.absolute(self_url)));
    let _ = writeln!(xml, "  <title>{}</title>", escape_html(title));
    let _ = writeln!(xml, "  <updated>{}</updated>", timestamp(newest));
    let _ = writeln!(
        xml,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        escape_html(&urls.absolute(self_url))
    );
    let _ = writeln!(
        xml,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape_html(&urls.absolute(html_url))
    );
    let _ = writeln!(
        xml,
        "  <author><name>{}</name></author>",
        escape_html(&build.site.config.title)
    );
    let _ = writeln!(
        xml,
        "  <generator uri=\"https://legalsite.dev\">legalsite</generator>"
    );
    for entry in &entries {
        xml.push_str(entry.xml);
    }
    xml.push_str("</feed>\n");
    OutputFile {
        path: output_path(self_url),
        bytes: xml.into_bytes(),
    }
}

fn write_entry(
    xml: &mut String,
    build: &Build<'_>,
    locale: &str,
    timeline: &Timeline<'_>,
    entry: Entry<'_>,
) {
    let urls = &build.urls;
    let i18n = &build.i18n;
    let version = entry.version;
    let slug = &timeline.policy.slug;
    let Some(shown) = build.shown(version, locale) else {
        return;
    };
    let policy = shown.text.front.title.clone();
    let effective = i18n.format_date(locale, version.effective());
    let version_title = i18n
        .text(locale, "version_of", &[("date", &effective)])
        .unwrap_or_default();
    let mut title = format!("{policy}: {version_title}");
    if version.material {
        let _ = write!(
            title,
            " ({})",
            i18n.get(locale, "material_badge").unwrap_or("material")
        );
    }
    let page = urls.absolute(&urls.version(locale, slug, version.id));
    let compare = timeline
        .previous(version.id)
        .map(|p| urls.absolute(&urls.compare(locale, slug, p.version.id, version.id)));
    let summary = summary(build, version, shown);
    let host = urls
        .base_url()
        .split("://")
        .nth(1)
        .unwrap_or("localhost")
        .split('/')
        .next()
        .unwrap_or("localhost");

    let _ = writeln!(
        xml,
        "  <entry xml:lang=\"{}\">",
        escape_html(&shown.text.locale)
    );
    let _ = writeln!(
        xml,
        "    <id>tag:{},{}:{}/{}/{}</id>",
        escape_html(host),
        IsoDate(version.id.date),
        escape_html(slug),
        version.id,
        escape_html(locale)
    );
    let _ = writeln!(xml, "    <title>{}</title>", escape_html(&title));
    let _ = writeln!(
        xml,
        "    <published>{}</published>",
        timestamp(version.published)
    );
    let _ = writeln!(xml, "    <updated>{}</updated>", timestamp(updated(entry)));
    let _ = writeln!(
        xml,
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape_html(&page)
    );
    if let Some(compare) = &compare {
        let label = i18n.get(locale, "what_changed").unwrap_or("What changed");
        let _ = writeln!(
            xml,
            "    <link rel=\"related\" type=\"text/html\" title=\"{}\" href=\"{}\"/>",
            escape_html(label),
            escape_html(compare)
        );
    }
    if let Some((text, _)) = &summary {
        let _ = writeln!(xml, "    <summary>{}</summary>", escape_html(text));
    }
    let content = entry_html(
        build,
        locale,
        entry,
        summary.as_ref().map(|(s, _)| s.as_str()),
        &page,
        compare.as_deref(),
    );
    let _ = writeln!(
        xml,
        "    <content type=\"html\">{}</content>",
        escape_html(&content)
    );
    if version.material {
        let label = i18n.get(locale, "material_badge").unwrap_or("material");
        let _ = writeln!(
            xml,
            "    <category term=\"material\" label=\"{}\"/>",
            escape_html(label)
        );
    }
    let _ = writeln!(
        xml,
        "    <legal:effective>{}</legal:effective>",
        IsoDate(version.effective())
    );
    let _ = writeln!(
        xml,
        "    <legal:material>{}</legal:material>",
        version.material
    );
    xml.push_str("  </entry>\n");
}

/// The entry's body: when it takes effect, the summary, and links.
fn entry_html(
    build: &Build<'_>,
    locale: &str,
    entry: Entry<'_>,
    summary: Option<&str>,
    page: &str,
    compare: Option<&str>,
) -> String {
    let i18n = &build.i18n;
    let date = i18n.format_date(locale, entry.version.effective());
    let when = match entry.status {
        Status::Upcoming => i18n.text(locale, "takes_effect_on", &[("date", &date)]),
        _ => i18n.text(locale, "effective_since", &[("date", &date)]),
    }
    .unwrap_or_default();
    let mut html = format!("<p>{}</p>", escape_html(&when));
    if let Some(summary) = summary {
        let _ = write!(html, "<p>{}</p>", escape_html(summary));
    }
    if entry.version.material {
        let _ = write!(
            html,
            "<p><strong>{}</strong></p>",
            escape_html(i18n.get(locale, "material_badge").unwrap_or(""))
        );
    }
    let _ = write!(
        html,
        "<p><a href=\"{}\">{}</a>",
        escape_html(page),
        escape_html(
            i18n.get(locale, "read_version")
                .unwrap_or("Read this version")
        )
    );
    if let Some(compare) = compare {
        let _ = write!(
            html,
            " · <a href=\"{}\">{}</a>",
            escape_html(compare),
            escape_html(i18n.get(locale, "what_changed").unwrap_or("What changed"))
        );
    }
    html.push_str("</p>");
    html
}

/// When an entry last changed: its publication, or its newest correction.
fn updated(entry: Entry<'_>) -> NaiveDate {
    let corrections = entry
        .version
        .texts
        .iter()
        .flat_map(|t| t.front.corrections.iter().map(|c| c.date));
    corrections.fold(entry.version.published, NaiveDate::max)
}

/// RFC 3339 at midnight UTC.
fn timestamp(date: NaiveDate) -> String {
    format!("{}T00:00:00Z", IsoDate(date))
}
