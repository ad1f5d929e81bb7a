//! Views: what templates see. Made for serialization, separate from the
//! model, so a theme depends on this small contract and not on internals.
//! Dates are ISO strings (`2026-05-24`); templates format them with
//! `|date` in the page's language. HTML we produce is a safe string.

use std::sync::Arc;

use minijinja::Value;
use minijinja::value::{Enumerator, Object, ObjectRepr};
use serde::Serialize;

use crate::model::VersionId;

/// Every page's template context: `lang` (for `t()` and `|date`), the
/// layout shared by all pages, and the page's own data.
#[derive(Debug, Serialize)]
pub struct Context<P: Serialize> {
    pub lang: String,
    pub layout: Layout,
    pub page: P,
}

/// What every page has: head metadata, navigation, language switcher.
#[derive(Debug, Clone, Serialize)]
pub struct Layout {
    pub lang: String,
    pub dir: &'static str,
    /// The kind of page: portal, policy, version, changes, compare, 404.
    pub kind: &'static str,
    pub site_title: String,
    /// The page's own title (the document title, without the site's).
    pub title: String,
    pub description: String,
    /// Root-relative URL of this page.
    pub url: String,
    /// Absolute canonical URL.
    pub canonical: String,
    /// hreflang alternates: real translations of this page, and x-default
    /// (a list of [`Alternate`]).
    pub alternates: minijinja::Value,
    /// Atom feeds this page advertises.
    pub feeds: Vec<Link>,
    pub home_url: String,
    pub site_changes_url: String,
    /// The policies menu, rendered from the theme's `nav.html` (the same for
    /// every page of a language with the same active policy).
    pub nav: minijinja::Value,
    /// The language switcher: this page in every locale.
    pub languages: Vec<LanguageLink>,
    pub stylesheet: String,
    pub favicon: String,
    /// `noindex` for pages search engines should skip (drafts).
    pub robots: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Alternate {
    pub hreflang: String,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub title: String,
    pub href: String,
}

/// What `nav.html` gets.
#[derive(Debug, Serialize)]
pub struct NavContext {
    pub lang: String,
    pub items: Vec<NavItem>,
    pub site_changes_url: String,
    pub site_changes_active: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub title: String,
    /// Language of the title (the prevailing one where untranslated).
    pub lang: String,
    pub url: String,
    pub active: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct LanguageLink {
    pub locale: String,
    /// The language's own name ("Deutsch").
    pub name: String,
    pub url: String,
    pub active: bool,
    /// True when that locale has no translation of this page's text: the
    /// link leads to the prevailing text with a notice.
    pub fallback: bool,
}

/// The portal (`/`).
#[derive(Debug, Serialize)]
pub struct PortalPage {
    pub policies: Vec<PolicyCard>,
    /// Upcoming changes across policies, soonest first.
    pub upcoming: Vec<ChangeItem>,
    /// The newest changes across policies.
    pub recent: Vec<ChangeItem>,
}

/// One policy on the portal.
#[derive(Debug, Serialize)]
pub struct PolicyCard {
    pub slug: String,
    pub title: String,
    /// Language of the title and description.
    pub lang: String,
    pub url: String,
    pub description: Option<String>,
    /// Effective date of the version in effect (None before the first).
    pub last_updated: Option<String>,
    pub changes_url: String,
    /// True when the reader's language has no translation of the text in
    /// effect.
    pub fallback: bool,
}

/// A version in a list of changes (portal, changelogs, feeds).
#[derive(Debug, Clone, Serialize)]
pub struct ChangeItem {
    pub policy_slug: String,
    pub policy_title: String,
    pub policy_title_lang: String,
    pub version: String,
    pub effective: String,
    pub published: String,
    pub status: &'static str,
    /// The status in the page's language, as [`HistoryItem::status_label`].
    pub status_label: String,
    pub material: bool,
    pub summary: Option<String>,
    /// Language of the summary (the default locale's when untranslated).
    pub summary_lang: String,
    pub url: String,
    /// Redline against the previous version, if there is one.
    pub compare_url: Option<String>,
    /// The policy's first version.
    pub first: bool,
    pub draft: bool,
}

/// A changelog: `/<policy>/changes/` or `/changes/`.
#[derive(Debug, Serialize)]
pub struct ChangesPage {
    pub title: String,
    /// The policy, on a policy's changelog.
    pub policy: Option<PolicyRef>,
    /// Newest first.
    pub entries: Vec<ChangeItem>,
    pub feed_url: String,
}

/// A page that shows a policy's text: `/<policy>/` and `/<policy>/<version>/`.
#[derive(Debug, Serialize)]
pub struct PolicyPage {
    pub policy: PolicyRef,
    pub version: VersionView,
    pub text: TextView,
    /// True on `/<policy>/` (the current version's page).
    pub is_current_page: bool,
    /// Set when the reader's language has no translation of this version.
    pub fallback: Option<Fallback>,
    /// Set on translated texts: the prevailing language governs.
    pub prevailing: Option<Prevailing>,
    /// On the current page: the next version that is announced.
    pub upcoming_notice: Option<ChangeItem>,
    /// Every version of the policy, newest first, for the history list: a
    /// sequence of [`HistoryItem`]s ([`History`]).
    pub history: Value,
    /// Redline against the previous version.
    pub compare_previous_url: Option<String>,
    /// Redline against the current version (on archived and upcoming pages).
    pub compare_current_url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicyRef {
    pub slug: String,
    pub title: String,
    pub url: String,
    pub changes_url: String,
    pub feed_url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct VersionView {
    pub id: String,
    pub effective: String,
    pub published: String,
    pub status: &'static str,
    /// The status in the page's language, as [`HistoryItem::status_label`].
    pub status_label: String,
    pub material: bool,
    pub summary: Option<String>,
    pub url: String,
    /// Absolute permanent URL of this version (printed on paper).
    pub permalink: String,
    /// When a later version replaced (or replaces) it.
    pub until: Option<String>,
    pub current_url: String,
    pub corrections: Vec<CorrectionView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CorrectionView {
    pub date: String,
    pub note: String,
}

/// The policy text, ready for `#policy-text`.
#[derive(Debug, Serialize)]
pub struct TextView {
    /// Safe HTML of the Markdown body.
    pub html: Value,
    pub toc: Vec<crate::markdown::TocEntry>,
    /// Language of the text (differs from the page's on fallback pages).
    pub lang: String,
    pub dir: &'static str,
    pub words: usize,
}

/// The reader's language lacks this version.
#[derive(Debug, Serialize)]
pub struct Fallback {
    /// Name of the language of the text shown, in the reader's language.
    pub shown_language: String,
    /// The newest older version translated into the reader's language.
    pub older_translation: Option<HistoryItem>,
}

/// A translation: the prevailing language's text governs.
#[derive(Debug, Serialize)]
pub struct Prevailing {
    /// Name of the prevailing language, in the reader's language.
    pub language: String,
    pub locale: String,
    /// The same version in the prevailing language.
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryItem {
    pub version: String,
    pub effective: String,
    pub status: &'static str,
    /// The status in the page's language (`t("status_" ~ status)`): the
    /// history is on every version page, once per version, and a t() call
    /// per item was a tenth of rendering a version page.
    pub status_label: String,
    pub url: String,
    pub active: bool,
    pub translated: bool,
}

/// A policy's versions in one language as `page.history` lists them: made
/// once per policy and language ([`super::Build::history`]) and shared by
/// their pages, each with its own version active (made per page, at 25
/// versions in ten languages they cost `check` 2 % of its instructions).
#[derive(Debug)]
pub struct HistoryItems {
    /// Newest first, as the items.
    pub ids: Vec<VersionId>,
    /// Each item as a template value, inactive and active.
    pub items: Vec<(Value, Value)>,
}

/// [`HistoryItems`] with the page's own version active: a sequence of
/// [`HistoryItem`]s to templates.
#[derive(Debug)]
pub struct History {
    pub items: Arc<HistoryItems>,
    pub active: Option<usize>,
}

impl Object for History {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let index = key.as_usize()?;
        let (inactive, active) = self.items.items.get(index)?;
        match self.active == Some(index) {
            true => Some(active.clone()),
            false => Some(inactive.clone()),
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.items.items.len())
    }
}

/// The 404 page.
#[derive(Debug, Serialize)]
pub struct NotFoundPage {
    pub policies: Vec<PolicyCard>,
}
