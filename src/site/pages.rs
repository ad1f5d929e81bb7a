//! The plan (which pages exist) and the views of each page kind.

use sha2::{Digest, Sha256};

use super::views::*;
use super::{Build, OutputFile, Shown};
use crate::diag::Diagnostic;
use crate::markdown::{Rendered, escape_html};
use crate::model::{Entry, Status, Timeline, Version, VersionId};
use crate::source::display_path;
use crate::theme::Theme;

/// One page of the site.
#[derive(Debug, Clone)]
pub struct Page {
    pub kind: Kind,
    pub locale: String,
    pub url: String,
}

/// What a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Portal,
    /// `/<policy>/`: the version in effect.
    Policy {
        policy: usize,
    },
    /// `/<policy>/<version>/`.
    Version {
        policy: usize,
        version: VersionId,
    },
    /// `/<policy>/changes/`: the policy's changelog.
    Changes {
        policy: usize,
    },
    /// `/changes/`: every policy's changes.
    SiteChanges,
    /// `/<policy>/compare/<old>...<new>/`: a redline (see `compare`).
    Compare {
        policy: usize,
        old: VersionId,
        new: VersionId,
    },
    NotFound,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Portal => "portal",
            Kind::Policy { .. } => "policy",
            Kind::Version { .. } => "version",
            Kind::Changes { .. } => "changes",
            Kind::SiteChanges => "site-changes",
            Kind::Compare { .. } => "compare",
            Kind::NotFound => "404",
        }
    }

    fn template(self) -> &'static str {
        match self {
            Kind::Portal => "portal.html",
            Kind::Policy { .. } | Kind::Version { .. } => "policy.html",
            Kind::Changes { .. } | Kind::SiteChanges => "changes.html",
            Kind::Compare { .. } => "compare.html",
            Kind::NotFound => "404.html",
        }
    }

    /// Listed in the sitemap.
    pub fn in_sitemap(self) -> bool {
        !matches!(self, Kind::NotFound)
    }
}

/// Every page of the site, in every locale.
pub fn plan(build: &Build<'_>) -> Vec<Page> {
    let mut kinds = vec![Kind::Portal, Kind::SiteChanges, Kind::NotFound];
    for (policy, timeline) in build.timelines.iter().enumerate() {
        if timeline.headline().is_some() {
            kinds.push(Kind::Policy { policy });
        }
        if !timeline.entries.is_empty() {
            kinds.push(Kind::Changes { policy });
        }
        for (old, new) in super::compare::pairs(timeline) {
            kinds.push(Kind::Compare { policy, old, new });
        }
        for entry in &timeline.entries {
            kinds.push(Kind::Version {
                policy,
                version: entry.version.id,
            });
        }
    }
    let mut pages = Vec::new();
    for locale in &build.site.config.locales {
        for kind in &kinds {
            pages.push(Page {
                kind: *kind,
                locale: locale.clone(),
                url: url_of(build, *kind, locale),
            });
        }
    }
    pages
}

/// The URL of a page kind in a locale.
pub fn url_of(build: &Build<'_>, kind: Kind, locale: &str) -> String {
    let urls = &build.urls;
    match kind {
        Kind::Portal => urls.home(locale),
        Kind::Policy { policy } => urls.policy(locale, &build.site.policies[policy].slug),
        Kind::Version { policy, version } => {
            urls.version(locale, &build.site.policies[policy].slug, version)
        }
        Kind::Changes { policy } => urls.changes(locale, &build.site.policies[policy].slug),
        Kind::SiteChanges => urls.site_changes(locale),
        Kind::Compare { policy, old, new } => {
            urls.compare(locale, &build.site.policies[policy].slug, old, new)
        }
        Kind::NotFound => urls.not_found(locale),
    }
}

/// True when the page in `locale` is a real translation (not a fallback
/// to the prevailing text): only those are advertised with hreflang.
pub fn translated(build: &Build<'_>, kind: Kind, locale: &str) -> bool {
    match kind {
        Kind::Portal | Kind::NotFound | Kind::SiteChanges | Kind::Changes { .. } => true,
        Kind::Policy { policy } => build.timelines[policy]
            .headline()
            .is_some_and(|e| e.version.text(locale).is_some()),
        Kind::Version { policy, version } => build.timelines[policy]
            .get(version)
            .is_some_and(|e| e.version.text(locale).is_some()),
        Kind::Compare { policy, old, new } => [old, new].iter().all(|id| {
            build.timelines[policy]
                .get(*id)
                .is_some_and(|e| e.version.text(locale).is_some())
        }),
    }
}

/// A page in one language: its URL and whether it is a real translation
/// there.
struct InLocale<'b> {
    locale: &'b str,
    url: String,
    translated: bool,
}

/// The page of `kind` in every language of the site. The language menu,
/// the alternates and the canonical of a page all read these, computed
/// once per page (each made every language's URL before: ~40 URLs a page
/// at ten).
fn in_locales<'b>(build: &'b Build<'_>, kind: Kind) -> Vec<InLocale<'b>> {
    build
        .site
        .config
        .locales
        .iter()
        .map(|locale| InLocale {
            locale,
            url: url_of(build, kind, locale),
            translated: translated(build, kind, locale),
        })
        .collect()
}

/// hreflang alternates of a page: its real translations and x-default.
pub fn alternates(build: &Build<'_>, kind: Kind) -> Vec<Alternate> {
    alternates_of(build, &in_locales(build, kind))
}

fn alternates_of(build: &Build<'_>, pages: &[InLocale<'_>]) -> Vec<Alternate> {
    let default = build.site.config.default_locale.as_str();
    let mut alternates: Vec<Alternate> = pages
        .iter()
        .filter(|p| p.translated)
        .map(|p| Alternate {
            hreflang: p.locale.to_string(),
            href: build.urls.absolute(&p.url),
        })
        .collect();
    // The default locale is one of the locales (the config says so).
    if let Some(page) = pages.iter().find(|p| p.locale == default && p.translated) {
        alternates.push(Alternate {
            hreflang: "x-default".to_string(),
            href: build.urls.absolute(&page.url),
        });
    }
    alternates
}

/// Renders one page that does not show a policy's text.
pub fn render(build: &Build<'_>, page: &Page) -> Result<Vec<u8>, Diagnostic> {
    let html = match page.kind {
        Kind::Portal => {
            let view = portal(build, &page.locale);
            let layout = layout(build, page, build.site.config.title.clone(), String::new())?;
            render_view(build, page, layout, view, 0)?
        }
        Kind::Changes { policy } => render_changes(build, page, Some(policy))?,
        Kind::SiteChanges => render_changes(build, page, None)?,
        // Pages that show a policy's text are rendered in groups that share
        // each text's parse (`units::render_unit`, `render_text_page`).
        Kind::Compare { .. } | Kind::Policy { .. } | Kind::Version { .. } => Vec::new(),
        Kind::NotFound => {
            let view = NotFoundPage {
                policies: policy_cards(build, &page.locale),
            };
            let title = build
                .i18n
                .get(&page.locale, "not_found_title")
                .unwrap_or("Not found")
                .to_string();
            let layout = layout(build, page, title, String::new())?;
            render_view(build, page, layout, view, 0)?
        }
    };
    Ok(html)
}

/// Renders a version page, or a policy page (its current version), with
/// the body it shows (rendered for the page's locale, see `Build::body`).
pub fn render_text_page(
    build: &Build<'_>,
    page: &Page,
    body: &Rendered,
) -> Result<Vec<u8>, Diagnostic> {
    let (policy, entry, is_current_page) = match page.kind {
        Kind::Policy { policy } => (policy, build.timelines[policy].headline(), true),
        Kind::Version { policy, version } => (policy, build.timelines[policy].get(version), false),
        _ => return Ok(Vec::new()),
    };
    match entry {
        Some(entry) => render_policy_page(build, page, (policy, entry), is_current_page, body),
        None => Ok(Vec::new()),
    }
}

/// Renders a page's template with its layout and view; `text_bytes` is
/// the length of the policy text or redline HTML the view carries.
pub(super) fn render_view<P: serde::Serialize>(
    build: &Build<'_>,
    page: &Page,
    layout: Layout,
    view: P,
    text_bytes: usize,
) -> Result<Vec<u8>, Diagnostic> {
    let context = Context {
        lang: page.locale.clone(),
        layout,
        page: view,
    };
    // What a page adds around its text: header, menus, history, footer.
    const PAGE_CHROME_BYTES: usize = 16 * 1024;
    let size_hint = text_bytes + PAGE_CHROME_BYTES;
    build
        .templates
        .render_bytes(page.kind.template(), context, size_hint)
}

/// The layout of a page.
pub(super) fn layout(
    build: &Build<'_>,
    page: &Page,
    title: String,
    description: String,
) -> Result<Layout, Diagnostic> {
    let config = &build.site.config;
    let i18n = &build.i18n;
    let active_policy = match page.kind {
        Kind::Policy { policy }
        | Kind::Version { policy, .. }
        | Kind::Changes { policy }
        | Kind::Compare { policy, .. } => Some(policy),
        _ => None,
    };
    let nav = build.nav_html(&page.locale, active_policy, page.kind == Kind::SiteChanges)?;
    let in_locales = in_locales(build, page.kind);
    let languages = in_locales
        .iter()
        .map(|other| LanguageLink {
            locale: other.locale.to_string(),
            name: i18n.language_name(other.locale),
            url: match page.kind {
                Kind::Portal => chosen_home(build, other.locale),
                _ => other.url.clone(),
            },
            active: other.locale == page.locale,
            fallback: !other.translated,
        })
        .collect();
    let in_locale = |locale: &str| in_locales.iter().find(|p| p.locale == locale);
    // A page that shows the prevailing text for lack of a translation is a
    // copy of the prevailing page: point search engines there. (Both
    // locales are among the site's: the config says so.)
    let canonical_url = match in_locale(&page.locale) {
        Some(here) if here.translated => page.url.clone(),
        _ => {
            in_locale(&config.prevailing_locale).map_or_else(|| page.url.clone(), |p| p.url.clone())
        }
    };
    let description = if description.is_empty() {
        i18n.text(&page.locale, "site_description", &[("site", &config.title)])
            .unwrap_or_default()
    } else {
        description
    };
    let robots = match page.kind {
        Kind::Version { policy, version }
            if build.timelines[policy]
                .get(version)
                .is_some_and(|e| e.status == Status::Draft) =>
        {
            Some("noindex")
        }
        Kind::NotFound => Some("noindex"),
        _ => None,
    };
    Ok(Layout {
        lang: page.locale.clone(),
        dir: i18n.dir(&page.locale),
        kind: page.kind.name(),
        site_title: config.title.clone(),
        title,
        description,
        url: page.url.clone(),
        canonical: build.urls.absolute(&canonical_url),
        alternates: build.alternates(page.kind),
        feeds: Vec::new(),
        home_url: chosen_home(build, &page.locale),
        site_changes_url: build.urls.site_changes(&page.locale),
        nav,
        languages,
        stylesheet: build.stylesheet_url.clone(),
        favicon: asset_url(&build.assets, "favicon.svg"),
        robots,
    })
}

/// The policies menu of a language with `active` marked, from the theme's
/// `nav.html`. An error renders an empty menu; the template's problem is
/// reported by the render of the page itself when it uses the same values.
pub(super) fn nav_html(
    build: &Build<'_>,
    locale: &str,
    active: Option<usize>,
    site_changes_active: bool,
) -> Result<String, Diagnostic> {
    let items = build
        .timelines
        .iter()
        .enumerate()
        .filter_map(|(index, timeline)| {
            let entry = timeline
                .headline()
                .or_else(|| timeline.entries.last().copied())?;
            let shown = build.shown(entry.version, locale)?;
            Some(NavItem {
                title: shown.text.front.title.clone(),
                lang: shown.text.locale.clone(),
                url: build.urls.policy(locale, &timeline.policy.slug),
                active: active == Some(index),
            })
        })
        .collect();
    let view = NavContext {
        lang: locale.to_string(),
        items,
        site_changes_url: build.urls.site_changes(locale),
        site_changes_active,
    };
    build.templates.render("nav.html", view)
}

/// The portal as a link a reader follows by choice: for the default
/// locale it carries `?lang=`, so the language redirect of `/` (see
/// `redirects`) does not send the reader back to their browser's language.
fn chosen_home(build: &Build<'_>, locale: &str) -> String {
    let config = &build.site.config;
    let home = build.urls.home(locale);
    if locale == config.default_locale && config.locales.len() > 1 {
        format!("{home}?{}={locale}", super::redirects::CHOICE_PARAM)
    } else {
        home
    }
}

/// A policy's title in a locale: its text in effect (or first upcoming),
/// translated where a translation exists.
pub fn policy_title(build: &Build<'_>, timeline: &Timeline<'_>, locale: &str) -> Option<String> {
    policy_title_in(build, timeline, locale).map(|(title, _)| title)
}

/// A policy's title in a locale, with the language it is in (the
/// prevailing one where the locale has no translation).
pub fn policy_title_in(
    build: &Build<'_>,
    timeline: &Timeline<'_>,
    locale: &str,
) -> Option<(String, String)> {
    let entry = timeline
        .headline()
        .or_else(|| timeline.entries.last().copied())?;
    build
        .shown(entry.version, locale)
        .map(|s| (s.text.front.title.clone(), s.text.locale.clone()))
}

fn policy_cards(build: &Build<'_>, locale: &str) -> Vec<PolicyCard> {
    build
        .timelines
        .iter()
        .filter_map(|timeline| {
            let entry = timeline.headline()?;
            let shown = build.shown(entry.version, locale)?;
            let slug = &timeline.policy.slug;
            Some(PolicyCard {
                slug: slug.clone(),
                title: shown.text.front.title.clone(),
                lang: shown.text.locale.clone(),
                url: build.urls.policy(locale, slug),
                description: shown.text.front.description.clone(),
                last_updated: timeline.current().map(|e| iso(e.version.effective())),
                changes_url: build.urls.changes(locale, slug),
                fallback: shown.fallback,
            })
        })
        .collect()
}

fn portal(build: &Build<'_>, locale: &str) -> PortalPage {
    let mut upcoming = Vec::new();
    let mut recent = Vec::new();
    for timeline in &build.timelines {
        for entry in &timeline.entries {
            let item = change_item(build, timeline, *entry, locale);
            match entry.status {
                Status::Upcoming => upcoming.push(item),
                Status::Current | Status::Archived => recent.push(item),
                Status::Draft => {}
            }
        }
    }
    upcoming.sort_by(|a, b| (&a.effective, &a.policy_slug).cmp(&(&b.effective, &b.policy_slug)));
    recent.sort_by(|a, b| (&b.effective, &a.policy_slug).cmp(&(&a.effective, &b.policy_slug)));
    recent.truncate(5);
    PortalPage {
        policies: policy_cards(build, locale),
        upcoming,
        recent,
    }
}

/// A version as an item in a list of changes.
pub fn change_item(
    build: &Build<'_>,
    timeline: &Timeline<'_>,
    entry: Entry<'_>,
    locale: &str,
) -> ChangeItem {
    let slug = &timeline.policy.slug;
    let version = entry.version;
    let shown = build.shown(version, locale);
    let previous = timeline.previous(version.id);
    let (title, title_lang) = policy_title_in(build, timeline, locale)
        .unwrap_or_else(|| (slug.clone(), locale.to_string()));
    let (summary, summary_lang) = match shown.and_then(|s| summary(build, version, s)) {
        Some((text, lang)) => (Some(text), lang),
        None => (None, locale.to_string()),
    };
    ChangeItem {
        policy_slug: slug.clone(),
        policy_title: title,
        policy_title_lang: title_lang,
        version: version.id.string(),
        effective: iso(version.effective()),
        published: iso(version.published),
        status: entry.status.as_str(),
        status_label: status_label(build, entry.status, locale),
        material: version.material,
        summary,
        summary_lang,
        url: build.urls.version(locale, slug, version.id),
        compare_url: previous.map(|p| build.urls.compare(locale, slug, p.version.id, version.id)),
        first: previous.is_none(),
        draft: entry.status == Status::Draft,
    }
}

/// A version's summary in the shown text's language, or the default
/// locale's when the translation has none; with the language it is in.
pub fn summary(build: &Build<'_>, version: &Version, shown: Shown<'_>) -> Option<(String, String)> {
    shown
        .text
        .front
        .summary
        .clone()
        .map(|s| (s, shown.text.locale.clone()))
        .or_else(|| {
            version
                .default_text(&build.site.config)
                .and_then(|t| t.front.summary.clone().map(|s| (s, t.locale.clone())))
        })
}

/// A changelog: one policy's (`policy` given) or the whole site's.
fn render_changes(
    build: &Build<'_>,
    page: &Page,
    policy: Option<usize>,
) -> Result<Vec<u8>, Diagnostic> {
    let locale = page.locale.as_str();
    let timelines: Vec<&Timeline<'_>> = match policy {
        Some(index) => vec![&build.timelines[index]],
        None => build.timelines.iter().collect(),
    };
    let mut entries: Vec<ChangeItem> = timelines
        .iter()
        .flat_map(|timeline| {
            timeline
                .entries
                .iter()
                .map(|e| change_item(build, timeline, *e, locale))
        })
        .collect();
    entries.sort_by(|a, b| {
        (&b.effective, &b.version, &a.policy_slug).cmp(&(&a.effective, &a.version, &b.policy_slug))
    });
    let policy_ref = policy.map(|index| {
        let timeline = &build.timelines[index];
        let slug = &timeline.policy.slug;
        PolicyRef {
            slug: slug.clone(),
            title: policy_title(build, timeline, locale).unwrap_or_else(|| slug.clone()),
            url: build.urls.policy(locale, slug),
            changes_url: build.urls.changes(locale, slug),
            feed_url: build.urls.policy_feed(locale, slug),
        }
    });
    let feed_url = policy_ref
        .as_ref()
        .map_or_else(|| build.urls.site_feed(locale), |p| p.feed_url.clone());
    let title = match &policy_ref {
        Some(p) => build
            .i18n
            .text(locale, "changes_of", &[("title", &p.title)]),
        None => build.i18n.text(locale, "all_changes", &[]),
    }
    .unwrap_or_default();
    let mut layout = layout(build, page, title.clone(), String::new())?;
    layout.feeds.push(Link {
        title: title.clone(),
        href: feed_url.clone(),
    });
    let view = ChangesPage {
        title,
        policy: policy_ref,
        entries,
        feed_url,
    };
    render_view(build, page, layout, view, 0)
}

fn render_policy_page(
    build: &Build<'_>,
    page: &Page,
    (policy, entry): (usize, Entry<'_>),
    is_current_page: bool,
    body: &Rendered,
) -> Result<Vec<u8>, Diagnostic> {
    let view = policy_page(build, page, (policy, entry), is_current_page, body);
    let Some(view) = view else {
        return Ok(Vec::new());
    };
    let description = build
        .shown(entry.version, &page.locale)
        .and_then(|s| s.text.front.description.clone())
        .unwrap_or_default();
    let title = view.policy.title.clone();
    let mut layout = layout(build, page, title, description)?;
    layout.feeds.push(Link {
        title: view.policy.title.clone(),
        href: view.policy.feed_url.clone(),
    });
    render_view(build, page, layout, view, body.html.len())
}

fn policy_page(
    build: &Build<'_>,
    page: &Page,
    (policy, entry): (usize, Entry<'_>),
    is_current_page: bool,
    rendered: &Rendered,
) -> Option<PolicyPage> {
    let locale = page.locale.as_str();
    let timeline = &build.timelines[policy];
    let config = &build.site.config;
    let slug = &timeline.policy.slug;
    let version = entry.version;
    let shown = build.shown(version, locale)?;
    let current = timeline.headline();
    let current_url = build.urls.policy(locale, slug);
    let policy_ref = PolicyRef {
        slug: slug.clone(),
        title: shown.text.front.title.clone(),
        url: current_url.clone(),
        changes_url: build.urls.changes(locale, slug),
        feed_url: build.urls.policy_feed(locale, slug),
    };
    let version_view = VersionView {
        id: version.id.string(),
        effective: iso(version.effective()),
        published: iso(version.published),
        status: entry.status.as_str(),
        status_label: status_label(build, entry.status, locale),
        material: version.material,
        summary: summary(build, version, shown).map(|(text, _)| text),
        url: build.urls.version(locale, slug, version.id),
        permalink: build
            .urls
            .absolute(&build.urls.version(locale, slug, version.id)),
        until: entry
            .until
            .filter(|_| entry.status == Status::Archived)
            .map(iso),
        current_url: current_url.clone(),
        corrections: shown
            .text
            .front
            .corrections
            .iter()
            .map(|c| CorrectionView {
                date: iso(c.date),
                note: c.note.clone(),
            })
            .collect(),
    };
    let text = TextView {
        html: crate::templates::Html::value(rendered.html.clone()),
        toc: rendered.toc.clone(),
        lang: shown.text.locale.clone(),
        dir: build.i18n.dir(&shown.text.locale),
        words: rendered.words,
    };
    let fallback = shown.fallback.then(|| Fallback {
        shown_language: build.i18n.language_name_in(locale, &shown.text.locale),
        older_translation: timeline
            .entries
            .iter()
            .rev()
            .filter(|e| e.version.id < version.id && e.status != Status::Draft)
            .find(|e| e.version.text(locale).is_some())
            .map(|e| history_item(build, slug, *e, locale)),
    });
    let prevailing =
        (!shown.fallback && shown.text.locale != config.prevailing_locale).then(|| Prevailing {
            language: build
                .i18n
                .language_name_in(locale, &config.prevailing_locale),
            locale: config.prevailing_locale.clone(),
            url: build
                .urls
                .version(&config.prevailing_locale, slug, version.id),
        });
    let upcoming_notice = if is_current_page || entry.status == Status::Current {
        timeline
            .upcoming()
            .find(|e| e.version.id > version.id)
            .map(|e| change_item(build, timeline, e, locale))
    } else {
        None
    };
    let history = build.history(policy, locale, version.id);
    let previous = timeline.previous(version.id);
    let compare_current_url = match current {
        Some(c) if c.version.id != version.id && entry.status != Status::Draft => {
            let (old, new) = if c.version.id < version.id {
                (c.version.id, version.id)
            } else {
                (version.id, c.version.id)
            };
            Some(build.urls.compare(locale, slug, old, new))
        }
        _ => None,
    };
    Some(PolicyPage {
        policy: policy_ref,
        version: version_view,
        text,
        is_current_page,
        fallback,
        prevailing,
        upcoming_notice,
        history,
        compare_previous_url: previous
            .map(|p| build.urls.compare(locale, slug, p.version.id, version.id)),
        compare_current_url,
    })
}

/// A policy's versions in `locale`, newest first, for [`Build::history`].
pub(super) fn history_items(build: &Build<'_>, policy: usize, locale: &str) -> HistoryItems {
    let timeline = &build.timelines[policy];
    let slug = &timeline.policy.slug;
    let entries = || timeline.entries.iter().rev();
    let items = entries()
        .map(|e| {
            let mut item = history_item(build, slug, *e, locale);
            let inactive = minijinja::Value::from_serialize(&item);
            item.active = true;
            (inactive, minijinja::Value::from_serialize(&item))
        })
        .collect();
    HistoryItems {
        ids: entries().map(|e| e.version.id).collect(),
        items,
    }
}

/// A version as the history lists it, not active (a page marks its own:
/// [`Build::history`]).
fn history_item(build: &Build<'_>, slug: &str, entry: Entry<'_>, locale: &str) -> HistoryItem {
    HistoryItem {
        version: entry.version.id.string(),
        effective: iso(entry.version.effective()),
        status: entry.status.as_str(),
        status_label: status_label(build, entry.status, locale),
        url: build.urls.version(locale, slug, entry.version.id),
        active: false,
        translated: entry.version.text(locale).is_some(),
    }
}

/// A status in a language, as `t("status_" ~ status)` gives it.
fn status_label(build: &Build<'_>, status: Status, locale: &str) -> String {
    build
        .i18n
        .get(locale, status.label_key())
        .unwrap_or_default()
        .to_string()
}

/// `2026-05-24`.
pub fn iso(date: chrono::NaiveDate) -> String {
    crate::model::IsoDate(date).string()
}

/// The theme's static files, then the site's `static/` over them.
pub fn static_files(
    site: &crate::model::Site,
    theme: &Theme,
) -> (Vec<OutputFile>, Vec<Diagnostic>) {
    let mut files: Vec<OutputFile> = Vec::new();
    let mut diagnostics = Vec::new();
    for name in theme.list("static") {
        match theme.read(&format!("static/{name}")) {
            Ok(Some(file)) => files.push(OutputFile {
                path: name,
                bytes: file.bytes.into_owned(),
            }),
            Ok(None) => {}
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    let static_dir = site.root.join("static");
    for entry in walkdir::WalkDir::new(&static_dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let path = display_path(&static_dir, entry.path());
        if path.split('/').any(|part| part.starts_with('.')) {
            continue;
        }
        let display = display_path(&site.root, entry.path());
        match crate::source::read_bytes(entry.path(), &display) {
            Ok(bytes) => {
                files.retain(|f| f.path != path);
                files.push(OutputFile { path, bytes });
            }
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    (files, diagnostics)
}

/// The URL of a static asset, with a content hash so browsers never keep
/// a stale copy: `/style.css?v=3f2a9c1d`.
pub fn asset_url(assets: &[OutputFile], path: &str) -> String {
    match assets.iter().find(|f| f.path == path) {
        Some(file) => {
            let digest = Sha256::digest(&file.bytes);
            format!("/{path}?v={}", &crate::model::hex(&digest)[..10])
        }
        None => format!("/{path}"),
    }
}

/// Escapes text for XML/HTML we write by hand.
pub fn xml_escape(text: &str) -> String {
    escape_html(text)
}
