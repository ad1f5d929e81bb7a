//! From the model to the files of the site: which pages exist (the plan),
//! what each shows (views), and their rendering. Nothing here touches the
//! disk; `output` writes what this returns.

pub mod feeds;
pub mod json;
pub mod pages;
pub mod redirects;
pub mod sitemap;
pub mod urls;
pub mod views;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

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
    /// Rendered bodies: (policy, version, text locale, page locale).
    bodies: HashMap<BodyKey, Rendered>,
    /// Static assets by path, with the URL (cache-busted) pages link.
    pub assets: Vec<OutputFile>,
    pub stylesheet_url: String,
    pub policy_slugs: Vec<String>,
    /// Render only these policies' bodies and pages (by index), with the
    /// pages and files that list every policy: `serve`'s scoped rebuilds
    /// (see `pipeline::generate_reusing`). `None`: everything.
    only: Option<BTreeSet<usize>>,
}

type BodyKey = (usize, VersionId, String, String);

/// The text a page in `page_locale` shows for a version: its translation,
/// or the prevailing text when there is none yet.
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a> {
    pub text: &'a Text,
    /// True when the page's locale has no translation of this version.
    pub fallback: bool,
}

impl<'a> Build<'a> {
    /// Prepares a build: strings, templates, timelines, every body rendered
    /// once (in parallel). Returns the problems found on the way.
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
        let mut build = Build {
            site,
            options,
            urls,
            i18n,
            templates,
            timelines,
            bodies: HashMap::new(),
            assets,
            stylesheet_url,
            policy_slugs: site.policy_slugs(),
            only,
        };
        build.bodies = build.render_bodies();
        Ok((build, diagnostics))
    }

    /// Renders, once, every body any page will show.
    fn render_bodies(&self) -> HashMap<BodyKey, Rendered> {
        let mut jobs: Vec<(usize, &Version, &Text, &str)> = Vec::new();
        for (policy, timeline) in self.timelines.iter().enumerate() {
            if !self.renders_policy(policy) {
                continue;
            }
            for entry in &timeline.entries {
                for locale in &self.site.config.locales {
                    if let Some(shown) = self.shown(entry.version, locale) {
                        jobs.push((policy, entry.version, shown.text, locale));
                    }
                }
            }
        }
        jobs.par_iter()
            .map(|(policy, version, text, page_locale)| {
                let prefix = self.urls.prefix(page_locale);
                let links = LinkContext {
                    locale_prefix: &prefix,
                    policy_slugs: &self.policy_slugs,
                };
                let key = (
                    *policy,
                    version.id,
                    text.locale.clone(),
                    page_locale.to_string(),
                );
                (key, markdown::render(text.body(), links))
            })
            .collect()
    }

    /// The rendered body a page in `page_locale` shows for `shown`.
    pub fn body(
        &self,
        policy: usize,
        version: VersionId,
        shown: Shown<'_>,
        page_locale: &str,
    ) -> Option<&Rendered> {
        self.bodies.get(&(
            policy,
            version,
            shown.text.locale.clone(),
            page_locale.to_string(),
        ))
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

    /// True when this build renders the pages of policy `index`.
    fn renders_policy(&self, index: usize) -> bool {
        self.only.as_ref().is_none_or(|only| only.contains(&index))
    }

    /// True when this build renders pages of this kind. No `_` arm: a new
    /// kind must say whether it belongs to one policy or lists them all.
    pub fn renders(&self, kind: pages::Kind) -> bool {
        use pages::Kind;
        match kind {
            Kind::Policy { policy } | Kind::Version { policy, .. } | Kind::Changes { policy } => {
                self.renders_policy(policy)
            }
            Kind::Portal | Kind::SiteChanges | Kind::NotFound => true,
        }
    }

    /// Renders the whole site into memory (with `only`, those policies'
    /// pages, the pages listing every policy, and every non-page file).
    pub fn render(&self) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        let plan = pages::plan(self);
        let rendered: Vec<Result<OutputFile, Diagnostic>> = plan
            .par_iter()
            .filter(|page| self.renders(page.kind))
            .map(|page| {
                pages::render(self, page).map(|bytes| OutputFile {
                    path: urls::output_path(&page.url),
                    bytes,
                })
            })
            .collect();
        let mut files = Vec::with_capacity(rendered.len() + self.assets.len() + 2);
        let mut errors = Vec::new();
        for result in rendered {
            match result {
                Ok(file) => files.push(file),
                Err(diagnostic) => errors.push(diagnostic),
            }
        }
        if !errors.is_empty() {
            errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
            errors.dedup_by(|a, b| a.file == b.file && a.line == b.line && a.message == b.message);
            return Err(errors);
        }
        files.extend(feeds::feeds(self));
        files.extend(json::json_files(self));
        files.push(sitemap::sitemap(self, &plan));
        files.push(sitemap::robots(self));
        files.push(redirects::netlify_redirects(self));
        files.extend(self.assets.iter().cloned());
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }
}
