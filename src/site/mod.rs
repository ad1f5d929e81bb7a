//! From the model to the files of the site: which pages exist (the plan),
//! what each shows (views), and their rendering. Nothing here touches the
//! disk; `output` writes what this returns.

pub mod compare;
pub mod feeds;
pub mod json;
pub mod notices;
pub mod pages;
pub mod redirects;
pub mod sitemap;
pub mod units;
pub mod urls;
pub mod views;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::i18n::I18n;
use crate::markdown::{self, LinkContext, Rendered};
use crate::model::{Site, Text, Timeline, Version, VersionId};
use crate::templates::Templates;
use crate::theme::Theme;
use urls::Urls;

/// What a build is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub today: NaiveDate,
    /// Include drafts (deploy previews).
    pub drafts: bool,
    /// Overrides `base_url` of site.yaml (deploy previews).
    pub base_url: Option<String>,
    /// Make only what can hold a problem, and list the rest (`check`,
    /// which needs every template exercised and every page's address):
    /// one comparison of each policy and text language is rendered (in
    /// every locale that shows it), the others are listed (redlines are
    /// nine tenths of a build's work, and no link is checked inside a
    /// compare page); the feeds, sitemaps and JSON files, made from the
    /// content without templates, are listed without their text.
    pub checking: bool,
}

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path inside the output folder, `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Everything the pages of one build share.
pub struct Build<'a> {
    pub site: &'a Site,
    pub options: Options,
    pub urls: Urls,
    pub i18n: Arc<I18n>,
    pub templates: Templates,
    /// One per policy, in site order.
    pub timelines: Vec<Timeline<'a>>,
    /// Static assets by path, with the URL (cache-busted) pages link.
    pub assets: Vec<OutputFile>,
    pub stylesheet_url: String,
    pub policy_slugs: Vec<String>,
    /// Render only these policies' bodies and pages (by index), with the
    /// pages and files that list every policy: `serve`'s scoped rebuilds
    /// (see `pipeline::generate_reusing`). `None`: everything.
    only: Option<BTreeSet<usize>>,
    /// What the lints take from each text's parse, gathered as the units
    /// parse the texts (see [`Build::into_lint_scans`]).
    lint_scans: Mutex<Vec<(String, crate::lint::Scan<'a>)>>,
    /// Rendered policy menus, by (locale, active policy, on /changes/).
    nav_cache: Mutex<HashMap<NavKey, minijinja::Value>>,
    /// Version histories, by (policy, locale).
    history_cache: Mutex<HashMap<(usize, String), Arc<views::HistoryItems>>>,
    /// hreflang alternates, by page kind (the same in every language).
    alternates_cache: Mutex<HashMap<pages::Kind, minijinja::Value>>,
}

/// A policies menu: (locale, active policy, on the site's changelog).
type NavKey = (String, Option<usize>, bool);

/// The text a page in `page_locale` shows for a version: its translation,
/// or the prevailing text when there is none yet.
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a> {
    pub text: &'a Text,
    /// True when the page's locale has no translation of this version.
    pub fallback: bool,
}

impl<'a> Build<'a> {
    /// Prepares a build: strings, templates, timelines. Returns the problems found on the way.
    pub fn new(
        site: &'a Site,
        theme: &Theme,
        options: Options,
    ) -> Result<(Build<'a>, Vec<Diagnostic>), Vec<Diagnostic>> {
        Build::new_for(site, theme, options, None)
    }

    /// [`Build::new`] for the policies in `only` (see [`Build::renders`]).
    pub fn new_for(
        site: &'a Site,
        theme: &Theme,
        options: Options,
        only: Option<BTreeSet<usize>>,
    ) -> Result<(Build<'a>, Vec<Diagnostic>), Vec<Diagnostic>> {
        let (i18n, mut diagnostics) = I18n::load(theme, &site.config);
        let i18n = Arc::new(i18n);
        let (templates, template_diagnostics) = Templates::new(theme, Arc::clone(&i18n));
        diagnostics.extend(template_diagnostics);
        let (assets, asset_diagnostics) = pages::static_files(site, theme);
        diagnostics.extend(asset_diagnostics);
        let Some(templates) = templates else {
            return Err(diagnostics);
        };
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(diagnostics);
        }
        let base_url = options
            .base_url
            .clone()
            .unwrap_or_else(|| site.config.base_url.clone());
        let urls = Urls::new(&site.config, &base_url);
        let timelines = site
            .policies
            .iter()
            .map(|p| Timeline::new(p, options.today, options.drafts))
            .collect();
        let stylesheet_url = pages::asset_url(&assets, "style.css");
        let build = Build {
            site,
            options,
            urls,
            i18n,
            templates,
            timelines,
            lint_scans: Mutex::new(Vec::new()),
            assets,
            stylesheet_url,
            policy_slugs: site.policy_slugs(),
            only,
            nav_cache: Mutex::new(HashMap::new()),
            history_cache: Mutex::new(HashMap::new()),
            alternates_cache: Mutex::new(HashMap::new()),
        };
        Ok((build, diagnostics))
    }

    /// Keeps what the lints need from a text's parse.
    pub(crate) fn keep_lint_scan(&self, text: &Text, scan: crate::lint::Scan<'a>) {
        lock(&self.lint_scans).push((text.source.path.clone(), scan));
    }

    /// What the lints need from every text the build parsed, by source path.
    pub fn into_lint_scans(self) -> crate::lint::Scans<'a> {
        self.lint_scans
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Renders a body, from its text's safe events, for pages in
    /// `page_locale` (its links keep the reader's language).
    pub fn body(
        &self,
        events: &[(pulldown_cmark::Event<'_>, std::ops::Range<usize>)],
        page_locale: &str,
    ) -> Rendered {
        let prefix = self.urls.prefix(page_locale);
        let links = LinkContext {
            locale_prefix: &prefix,
            policy_slugs: &self.policy_slugs,
        };
        markdown::render_events(events, links)
    }

    /// What a page in `locale` shows for `version` (SPEC "Languages").
    /// `None` only for a version without texts, which the loader never
    /// makes (every version has its default-locale text).
    pub fn shown<'v>(&self, version: &'v Version, locale: &str) -> Option<Shown<'v>> {
        if let Some(text) = version.text(locale) {
            return Some(Shown {
                text,
                fallback: false,
            });
        }
        let config = &self.site.config;
        version
            .text(&config.prevailing_locale)
            .or_else(|| version.text(&config.default_locale))
            .or_else(|| version.texts.first())
            .map(|text| Shown {
                text,
                fallback: true,
            })
    }

    /// The sections that change between a version and the one before it,
    /// for notices (from the redline).
    pub fn changed_sections(
        &self,
    ) -> impl Fn(&Timeline<'_>, crate::model::Entry<'_>, &str) -> Vec<String> + Sync + '_ {
        |timeline, entry, locale| {
            let Some(summary) = compare::summary_against_previous(self, timeline, entry, locale)
            else {
                return Vec::new();
            };
            let mut sections: Vec<String> = Vec::new();
            for change in summary.changes {
                if !change.section.is_empty() && !sections.contains(&change.section) {
                    sections.push(change.section);
                }
            }
            sections
        }
    }

    /// The policies menu of a language with `active` marked (see
    /// `pages::nav_html`): rendered once per combination, then reused.
    pub fn nav_html(
        &self,
        locale: &str,
        active: Option<usize>,
        site_changes: bool,
    ) -> Result<minijinja::Value, Diagnostic> {
        let key = (locale.to_string(), active, site_changes);
        memo(&self.nav_cache, key, || {
            pages::nav_html(self, locale, active, site_changes)
                .map(minijinja::Value::from_safe_string)
        })
    }

    /// `layout.alternates` of a page of `kind`: the same list in every
    /// language, so made once for the page's ten or so translations.
    pub fn alternates(&self, kind: pages::Kind) -> minijinja::Value {
        let made = memo(&self.alternates_cache, kind, || {
            Ok::<_, std::convert::Infallible>(minijinja::Value::from_serialize(pages::alternates(
                self, kind,
            )))
        });
        let Ok(alternates) = made;
        alternates
    }

    /// `page.history` of a version page: the policy's versions in `locale`,
    /// made once per policy and language, with `active` marked.
    pub fn history(&self, policy: usize, locale: &str, active: VersionId) -> minijinja::Value {
        let key = (policy, locale.to_string());
        let made = memo(&self.history_cache, key, || {
            Ok::<_, std::convert::Infallible>(Arc::new(pages::history_items(self, policy, locale)))
        });
        let Ok(items) = made;
        let active = items.ids.iter().position(|id| *id == active);
        minijinja::Value::from_object(views::History { items, active })
    }

    /// True when this build renders the pages of policy `index`.
    fn renders_policy(&self, index: usize) -> bool {
        self.only.as_ref().is_none_or(|only| only.contains(&index))
    }

    /// True when this build renders pages of this kind. No `_` arm: a new
    /// kind must say whether it belongs to one policy or lists them all.
    pub fn renders(&self, kind: pages::Kind) -> bool {
        use pages::Kind;
        match kind {
            Kind::Policy { policy }
            | Kind::Version { policy, .. }
            | Kind::Changes { policy }
            | Kind::Compare { policy, .. } => self.renders_policy(policy),
            Kind::Portal | Kind::SiteChanges | Kind::NotFound => true,
        }
    }

    /// Renders the whole site into memory, sorted by path.
    pub fn render(&self) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        let collect = Collect::default();
        self.render_into(&collect)?;
        Ok(collect.into_sorted())
    }

    /// Renders every file of the site into `sink` (in parallel, in no
    /// particular order), and returns the index of the pages written.
    pub fn render_into(&self, sink: &dyn Sink) -> Result<PageIndex, Vec<Diagnostic>> {
        let plan = pages::plan(self);
        let emitter = Emitter::new(sink);
        // The site-wide files (feeds, notices, JSON, sitemap) are made on
        // one thread while the pages take the others.
        rayon::join(
            || self.render_pages(&plan, &emitter),
            || self.render_site_files(&plan, &emitter),
        );
        emitter.finish()
    }

    /// Every page of the plan: pages that show a policy's text are rendered
    /// with its comparisons, by unit, sharing each text's parse (see
    /// `units`); the rest one by one.
    fn render_pages(&self, plan: &[pages::Page], emitter: &Emitter<'_>) {
        use pages::Kind;
        plan.par_iter()
            .filter(|page| {
                !matches!(
                    page.kind,
                    Kind::Compare { .. } | Kind::Version { .. } | Kind::Policy { .. }
                ) && self.renders(page.kind)
            })
            .for_each(|page| {
                emitter.emit(pages::render(self, page).map(|bytes| OutputFile {
                    path: urls::output_path(&page.url),
                    bytes,
                }));
            });
        units::units(self, plan)
            .par_iter()
            .filter(|unit| self.renders_policy(unit.policy))
            .for_each(|unit| units::render_unit(self, unit, emitter));
    }

    /// Emits a feed, sitemap or JSON file, or lists it when checking (see
    /// [`Options::checking`]: it was made without its text).
    fn emit_made(&self, emitter: &Emitter<'_>, file: OutputFile) {
        match self.options.checking {
            true => emitter.list(&file.path),
            false => emitter.emit(Ok(file)),
        }
    }

    /// The files of the whole site: feeds, notices, JSON, sitemap, robots,
    /// redirects and the theme's assets.
    fn render_site_files(&self, plan: &[pages::Page], emitter: &Emitter<'_>) {
        for file in feeds::feeds(self) {
            self.emit_made(emitter, file);
        }
        match notices::files(self, &self.changed_sections()) {
            Ok(files) => files.into_iter().for_each(|f| emitter.emit(Ok(f))),
            Err(diagnostic) => emitter.emit(Err(diagnostic)),
        }
        for file in json::json_files(self) {
            self.emit_made(emitter, file);
        }
        for file in sitemap::sitemap(self, plan) {
            self.emit_made(emitter, file);
        }
        emitter.emit(Ok(sitemap::robots(self)));
        emitter.emit(Ok(redirects::netlify_redirects(self)));
        for file in &self.assets {
            emitter.emit(Ok(file.clone()));
        }
    }
}

/// Where rendered files go: into memory, or straight into the staging
/// folder of a build (see `output::Staging`), so a large site is never
/// held in memory whole.
pub trait Sink: Sync {
    fn put(&self, file: OutputFile) -> Result<(), Diagnostic>;
}

/// Collects files in memory (check, serve, tests).
#[derive(Default)]
pub struct Collect(Mutex<Vec<OutputFile>>);

impl Sink for Collect {
    fn put(&self, file: OutputFile) -> Result<(), Diagnostic> {
        lock(&self.0).push(file);
        Ok(())
    }
}

impl Collect {
    pub fn into_sorted(self) -> Vec<OutputFile> {
        let mut files = self
            .0
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

/// Discards files (check writes nothing).
pub struct Discard;

impl Sink for Discard {
    fn put(&self, _file: OutputFile) -> Result<(), Diagnostic> {
        Ok(())
    }
}

/// The value `cache` holds for `key`, made by `make` (and kept) the first
/// time. Two threads asking at once may both make it; either is kept.
fn memo<K: Eq + std::hash::Hash, V: Clone, E>(
    cache: &Mutex<HashMap<K, V>>,
    key: K,
    make: impl FnOnce() -> Result<V, E>,
) -> Result<V, E> {
    if let Some(value) = lock(cache).get(&key) {
        return Ok(value.clone());
    }
    let value = make()?;
    lock(cache).insert(key, value.clone());
    Ok(value)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The pages of a build and the ids each defines, for the link lints.
/// Compare pages and email notices are listed without their ids: they are
/// large, and no link points into them.
#[derive(Debug, Default)]
pub struct PageIndex {
    /// URL path (`/de/terms/`, `/sitemap.xml`) → ids, when indexed.
    pub pages: BTreeMap<String, Option<Ids>>,
}

impl PageIndex {
    /// Adds the pages of `files` the index does not have yet (pages kept
    /// from a previous build).
    pub fn add_missing(&mut self, files: &[OutputFile]) {
        for file in files {
            let (url, ids) = PageIndex::entry(file);
            self.pages.entry(url).or_insert(ids);
        }
    }

    fn entry(file: &OutputFile) -> (String, Option<Ids>) {
        let url = PageIndex::url(&file.path);
        let indexed = file.path.ends_with(".html")
            && !file.path.contains("/compare/")
            && !file.path.ends_with("notice.html");
        let ids = indexed.then(|| Ids::of_bytes(&file.bytes));
        (url, ids)
    }

    /// The address of the file at `path` in the output folder.
    fn url(path: &str) -> String {
        match path.strip_suffix("index.html") {
            Some(dir) => format!("/{dir}"),
            None => format!("/{path}"),
        }
    }
}

/// The ids an HTML page defines (`id="…"`; our own output, so a scan
/// suffices), sorted and each once, in one string: a page defines dozens,
/// and the index of a 30,000-page site held a String and a tree entry for
/// each.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Ids {
    text: String,
    /// Where each id is in `text`, in order.
    spans: Vec<(usize, usize)>,
}

impl Ids {
    pub fn of(html: &str) -> Ids {
        Ids::of_bytes(html.as_bytes())
    }

    fn of_bytes(html: &[u8]) -> Ids {
        let finder = memchr::memmem::Finder::new(" id=\"");
        let mut found: Vec<Cow<'_, str>> = Vec::new();
        let mut rest = html;
        while let Some(start) = finder.find(rest) {
            rest = &rest[start + 5..];
            if let Some(end) = memchr::memchr(b'"', rest) {
                let id = String::from_utf8_lossy(&rest[..end]);
                found.push(if id.contains('&') {
                    Cow::Owned(
                        id.replace("&quot;", "\"")
                            .replace("&#39;", "'")
                            .replace("&lt;", "<")
                            .replace("&gt;", ">")
                            .replace("&amp;", "&"),
                    )
                } else {
                    id
                });
                rest = &rest[end..];
            }
        }
        found.sort_unstable();
        found.dedup();
        let mut ids = Ids {
            text: String::with_capacity(found.iter().map(|id| id.len()).sum()),
            spans: Vec::with_capacity(found.len()),
        };
        for id in found {
            let start = ids.text.len();
            ids.text.push_str(&id);
            ids.spans.push((start, ids.text.len()));
        }
        ids
    }

    /// The ids in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.spans
            .iter()
            .map(|&(start, end)| &self.text[start..end])
    }

    pub fn contains(&self, id: &str) -> bool {
        self.spans
            .binary_search_by(|&(start, end)| self.text[start..end].cmp(id))
            .is_ok()
    }
}

/// Puts rendered files into a sink, indexing them and keeping the errors.
struct Emitter<'s> {
    sink: &'s dyn Sink,
    index: Mutex<Vec<(String, Option<Ids>)>>,
    errors: Mutex<Vec<Diagnostic>>,
}

impl<'s> Emitter<'s> {
    fn new(sink: &'s dyn Sink) -> Emitter<'s> {
        Emitter {
            sink,
            index: Mutex::new(Vec::new()),
            errors: Mutex::new(Vec::new()),
        }
    }

    fn emit(&self, file: Result<OutputFile, Diagnostic>) {
        let result = file.and_then(|file| {
            let entry = PageIndex::entry(&file);
            self.sink.put(file)?;
            lock(&self.index).push(entry);
            Ok(())
        });
        if let Err(diagnostic) = result {
            lock(&self.errors).push(diagnostic);
        }
    }

    /// Records a file that exists in the site without making it (see
    /// [`Options::checking`]); its ids are not indexed.
    fn list(&self, path: &str) {
        lock(&self.index).push((PageIndex::url(path), None));
    }

    fn finish(self) -> Result<PageIndex, Vec<Diagnostic>> {
        let mut errors = self
            .errors
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !errors.is_empty() {
            errors
                .sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
            errors.dedup_by(|a, b| a.file == b.file && a.line == b.line && a.message == b.message);
            return Err(errors);
        }
        let index = self
            .index
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(PageIndex {
            pages: index.into_iter().collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::Ids;

    proptest! {
        /// The ids of a page are found, sorted and each once, and a lookup
        /// finds exactly those: a prefix, an extension or a neighbour of an
        /// id is not one.
        #[test]
        fn a_page_has_the_ids_it_defines_and_no_others(
            defined in proptest::collection::vec("[a-c]{0,3}", 0..12),
            asked in proptest::collection::vec("[a-c]{0,4}", 0..12),
        ) {
            let html: String = defined
                .iter()
                .map(|id| format!("<h2 id=\"{id}\">{id}</h2><a href=\"#{id}\">x</a>"))
                .collect();
            let ids = Ids::of(&html);
            let expected: BTreeSet<&str> = defined.iter().map(String::as_str).collect();
            prop_assert_eq!(ids.iter().collect::<Vec<_>>(), expected.iter().copied().collect::<Vec<_>>());
            for id in defined.iter().chain(&asked) {
                prop_assert_eq!(ids.contains(id), expected.contains(id.as_str()), "{}", id);
            }
        }
    }

    #[test]
    fn escaped_ids_are_read_as_written() {
        let ids = Ids::of(r#"<p id="a&amp;b"></p><p id="&quot;q&quot;"></p><p id="x"></p>"#);
        assert_eq!(ids.iter().collect::<Vec<_>>(), ["\"q\"", "a&b", "x"]);
        assert!(ids.contains("a&b") && !ids.contains("a&amp;b"));
    }
}
