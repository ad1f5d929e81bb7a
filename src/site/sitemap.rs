//! `sitemap.xml` (with hreflang alternates) and `robots.txt`.

use std::fmt::Write;

use super::pages::{Page, alternates};
use super::{Build, OutputFile};
use crate::markdown::escape_html;

/// Every indexable page with its real translations as `xhtml:link`
/// alternates. Fallback pages are not listed as translations, and are
/// left out: their canonical is the prevailing page.
pub fn sitemap(build: &Build<'_>, plan: &[Page]) -> OutputFile {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for page in plan {
        if !page.kind.in_sitemap() || !super::pages::translated(build, page.kind, &page.locale) {
            continue;
        }
        if is_draft(build, page) {
            continue;
        }
        let _ = writeln!(
            xml,
            "  <url>\n    <loc>{}</loc>",
            escape_html(&build.urls.absolute(&page.url))
        );
        let alternates = alternates(build, page.kind);
        if alternates.len() > 1 {
            for alternate in alternates {
                let _ = writeln!(
                    xml,
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    escape_html(&alternate.hreflang),
                    escape_html(&alternate.href)
                );
            }
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    OutputFile {
        path: "sitemap.xml".to_string(),
        bytes: xml.into_bytes(),
    }
}

fn is_draft(build: &Build<'_>, page: &Page) -> bool {
    match page.kind {
        super::pages::Kind::Version { policy, version } => build.timelines[policy]
            .get(version)
            .is_some_and(|e| e.status == crate::model::Status::Draft),
        _ => false,
    }
}

/// Allows everything and names the sitemap. A drafts build (deploy
/// previews) disallows everything: previews must not be indexed.
pub fn robots(build: &Build<'_>) -> OutputFile {
    let text = if build.options.drafts {
        "User-agent: *\nDisallow: /\n".to_string()
    } else {
        format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}\n",
            build.urls.absolute(&build.urls.sitemap())
        )
    };
    OutputFile {
        path: "robots.txt".to_string(),
        bytes: text.into_bytes(),
    }
}
