//! The URL table (SPEC "Pages"): the one place that knows where each page
//! lives. The default locale's pages are at the root, others under
//! `/<locale>/`. Every URL here is root-relative; [`Urls::absolute`] adds
//! the base URL.

use crate::config::SiteConfig;
use crate::model::VersionId;

/// URLs of one site.
#[derive(Debug, Clone)]
pub struct Urls {
    base_url: String,
    default_locale: String,
}

impl Urls {
    pub fn new(config: &SiteConfig, base_url: &str) -> Urls {
        Urls {
            base_url: base_url.trim_end_matches('/').to_string(),
            default_locale: config.default_locale.clone(),
        }
    }

    /// `""` for the default locale, `"/de"` for others.
    pub fn prefix(&self, locale: &str) -> String {
        let mut prefix = String::new();
        self.push_prefix(&mut prefix, locale);
        prefix
    }

    fn push_prefix(&self, url: &mut String, locale: &str) {
        if locale != self.default_locale {
            url.push('/');
            url.push_str(locale);
        }
    }

    /// The portal: `/`, `/de/`.
    pub fn home(&self, locale: &str) -> String {
        format!("{}/", self.prefix(locale))
    }

    /// `/de/<slug>/` (or `/<slug>/`), with room for `more` bytes: the URLs
    /// of versions and comparisons are made ~50 times per page, so they are
    /// built in one buffer rather than formatted from formatted parts.
    fn policy_url(&self, locale: &str, slug: &str, more: usize) -> String {
        let mut url = String::with_capacity(locale.len() + slug.len() + 3 + more);
        self.push_prefix(&mut url, locale);
        url.push('/');
        url.push_str(slug);
        url.push('/');
        url
    }

    /// The current version of a policy: `/privacy/`.
    pub fn policy(&self, locale: &str, slug: &str) -> String {
        self.policy_url(locale, slug, 0)
    }

    /// One version, permanently: `/privacy/2026-05-24/`.
    pub fn version(&self, locale: &str, slug: &str, id: VersionId) -> String {
        let mut url = self.policy_url(locale, slug, 16);
        id.push_to(&mut url);
        url.push('/');
        url
    }

    /// A policy's changelog: `/privacy/changes/`.
    pub fn changes(&self, locale: &str, slug: &str) -> String {
        format!("{}/{slug}/changes/", self.prefix(locale))
    }

    /// Every policy's changes: `/changes/`.
    pub fn site_changes(&self, locale: &str) -> String {
        format!("{}/changes/", self.prefix(locale))
    }

    /// A redline: `/privacy/compare/2025-06-10...2026-05-24/`.
    pub fn compare(&self, locale: &str, slug: &str, old: VersionId, new: VersionId) -> String {
        let mut url = self.policy_url(locale, slug, 44);
        url.push_str("compare/");
        old.push_to(&mut url);
        url.push_str("...");
        new.push_to(&mut url);
        url.push('/');
        url
    }

    /// The side-by-side view of a redline.
    pub fn compare_side_by_side(
        &self,
        locale: &str,
        slug: &str,
        old: VersionId,
        new: VersionId,
    ) -> String {
        format!("{}side-by-side/", self.compare(locale, slug, old, new))
    }

    /// A policy's Atom feed: `/privacy/changes.atom`.
    pub fn policy_feed(&self, locale: &str, slug: &str) -> String {
        format!("{}/{slug}/changes.atom", self.prefix(locale))
    }

    /// The site's Atom feed: `/changes.atom`.
    pub fn site_feed(&self, locale: &str) -> String {
        format!("{}/changes.atom", self.prefix(locale))
    }

    /// A policy's machine-readable history (one for all locales).
    pub fn versions_json(&self, slug: &str) -> String {
        format!("/{slug}/versions.json")
    }

    pub fn policies_json(&self) -> String {
        "/policies.json".to_string()
    }

    /// Notices of upcoming material changes, for the app.
    pub fn notices_json(&self, locale: &str) -> String {
        format!("{}/notices.json", self.prefix(locale))
    }

    /// The email-ready notice of a version.
    pub fn notice(&self, locale: &str, slug: &str, id: VersionId, extension: &str) -> String {
        format!("{}/{slug}/{id}/notice.{extension}", self.prefix(locale))
    }

    pub fn not_found(&self, locale: &str) -> String {
        format!("{}/404.html", self.prefix(locale))
    }

    pub fn sitemap(&self) -> String {
        "/sitemap.xml".to_string()
    }

    /// The absolute form of a root-relative URL.
    pub fn absolute(&self, path: &str) -> String {
        let mut url = String::with_capacity(self.base_url.len() + path.len());
        url.push_str(&self.base_url);
        url.push_str(path);
        url
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

/// The file a URL is served from: `/de/privacy/` → `de/privacy/index.html`.
pub fn output_path(url: &str) -> String {
    let path = url.trim_start_matches('/');
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table() {
        let config = SiteConfig {
            title: "T".into(),
            base_url: "https://hexgen.app".into(),
            default_locale: "en".into(),
            prevailing_locale: "en".into(),
            locales: vec!["en".into(), "de".into()],
            theme: "default".into(),
            notice_days: 30,
            policies: None,
        };
        let urls = Urls::new(&config, "https://hexgen.app/");
        let a = VersionId::parse("2025-06-10").unwrap();
        let b = VersionId::parse("2026-05-24").unwrap();
        assert_eq!(urls.home("en"), "/");
        assert_eq!(urls.home("de"), "/de/");
        assert_eq!(urls.policy("de", "privacy"), "/de/privacy/");
        assert_eq!(urls.version("en", "privacy", b), "/privacy/2026-05-24/");
        let second = VersionId::parse("2026-05-24-2").unwrap();
        assert_eq!(
            urls.version("de", "privacy", second),
            "/de/privacy/2026-05-24-2/"
        );
        assert_eq!(
            urls.compare("de", "terms", b, second),
            "/de/terms/compare/2026-05-24...2026-05-24-2/"
        );
        assert_eq!(
            urls.compare("en", "privacy", a, b),
            "/privacy/compare/2025-06-10...2026-05-24/"
        );
        assert_eq!(
            urls.policy_feed("de", "privacy"),
            "/de/privacy/changes.atom"
        );
        assert_eq!(urls.absolute("/de/"), "https://hexgen.app/de/");
        assert_eq!(output_path("/"), "index.html");
        assert_eq!(output_path("/de/privacy/"), "de/privacy/index.html");
        assert_eq!(output_path("/sitemap.xml"), "sitemap.xml");
    }
}
