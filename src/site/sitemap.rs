//! `sitemap.xml` (with hreflang alternates) and `robots.txt`.

use rustc_hash::FxHashMap;

use super::pages::{Kind, Page, alternates};
use super::{Build, OutputFile};
use crate::markdown::push_escaped;

/// What one sitemap file may hold (sitemaps.org): 50,000 URLs and 50 MiB
/// uncompressed. Search engines ignore a larger file entirely, and a large
/// portal reaches the size first: each URL carries a link per language
/// (~1 KB with ten languages; 42 MB for 40 policies x 25 versions x 10
/// languages).
const LIMITS: Limits = Limits {
    urls: 50_000,
    bytes: 52_428_800,
};

#[derive(Clone, Copy)]
struct Limits {
    urls: usize,
    bytes: usize,
}

const URLSET_OPEN: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n";
const URLSET_CLOSE: &str = "</urlset>\n";

/// Every indexable page with its real translations as `xhtml:link`
/// alternates. Fallback pages are not listed as translations, and are
/// left out: their canonical is the prevailing page.
///
/// One `sitemap.xml` while the pages fit in one file; beyond that,
/// `sitemap-1.xml`, `sitemap-2.xml`... and `sitemap.xml` is their index,
/// so robots.txt names the same file either way.
pub fn sitemap(build: &Build<'_>, plan: &[Page]) -> Vec<OutputFile> {
    // A page's alternates are the same in every language it is listed in:
    // made once per page kind (at ten languages, 300,000 links for 30,000
    // pages came from 3,000 lists).
    let mut alternates_of: FxHashMap<Kind, String> = FxHashMap::default();
    let entries = plan
        .iter()
        .filter(|page| page.kind.in_sitemap())
        .filter(|page| super::pages::translated(build, page.kind, &page.locale))
        .filter(|page| !is_draft(build, page))
        .map(|page| {
            let links = alternates_of
                .entry(page.kind)
                .or_insert_with(|| alternate_links(build, page.kind));
            url_entry(build, page, links)
        });
    split(entries, LIMITS, build.options.checking, |name| {
        build.urls.absolute(&format!("/{name}"))
    })
}

/// One `<url>` element, with its page's `alternate_links`.
fn url_entry(build: &Build<'_>, page: &Page, alternate_links: &str) -> String {
    let mut xml = String::with_capacity(64 + page.url.len() + alternate_links.len());
    xml.push_str("  <url>\n    <loc>");
    push_escaped(&mut xml, &build.urls.absolute(&page.url));
    xml.push_str("</loc>\n");
    xml.push_str(alternate_links);
    xml.push_str("  </url>\n");
    xml
}

/// The `<xhtml:link>` lines of a page kind: none when it has no translation.
fn alternate_links(build: &Build<'_>, kind: Kind) -> String {
    let alternates = alternates(build, kind);
    let mut xml = String::new();
    if alternates.len() > 1 {
        for alternate in alternates {
            xml.push_str("    <xhtml:link rel=\"alternate\" hreflang=\"");
            push_escaped(&mut xml, &alternate.hreflang);
            xml.push_str("\" href=\"");
            push_escaped(&mut xml, &alternate.href);
            xml.push_str("\"/>\n");
        }
    }
    xml
}

/// The `<url>` entries as sitemap files within `limits`; `absolute` gives
/// a file's URL for the index. When `checking` (`Options::checking`), the
/// files are only measured: a check needs their names, not their text.
fn split(
    entries: impl Iterator<Item = String>,
    limits: Limits,
    checking: bool,
    absolute: impl Fn(&str) -> String,
) -> Vec<OutputFile> {
    let room = limits.bytes - URLSET_OPEN.len() - URLSET_CLOSE.len();
    // Each file's text (none when checking), its entries' bytes, and their number.
    let open = || match checking {
        true => String::new(),
        false => String::from(URLSET_OPEN),
    };
    let mut files: Vec<(String, usize, usize)> = vec![(open(), 0, 0)];
    for entry in entries {
        let full = files.last().is_some_and(|(_, bytes, urls)| {
            *urls > 0 && (*urls == limits.urls || bytes + entry.len() > room)
        });
        if full {
            files.push((open(), 0, 0));
        }
        if let Some((xml, bytes, urls)) = files.last_mut() {
            if !checking {
                xml.push_str(&entry);
            }
            *bytes += entry.len();
            *urls += 1;
        }
    }
    let mut files: Vec<OutputFile> = files
        .into_iter()
        .map(|(mut xml, _, _)| {
            if !checking {
                xml.push_str(URLSET_CLOSE);
            }
            OutputFile {
                path: "sitemap.xml".to_string(),
                bytes: xml.into_bytes(),
            }
        })
        .collect();
    if files.len() == 1 {
        return files;
    }
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (number, file) in files.iter_mut().enumerate() {
        file.path = format!("sitemap-{}.xml", number + 1);
        index.push_str("  <sitemap>\n    <loc>");
        push_escaped(&mut index, &absolute(&file.path));
        index.push_str("</loc>\n  </sitemap>\n");
    }
    index.push_str("</sitemapindex>\n");
    files.push(OutputFile {
        path: "sitemap.xml".to_string(),
        bytes: index.into_bytes(),
    });
    files
}

fn is_draft(build: &Build<'_>, page: &Page) -> bool {
    match page.kind {
        Kind::Version { policy, version } => build.timelines[policy]
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

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(n: usize) -> impl Iterator<Item = String> {
        (1..=n).map(|i| format!("  <url>\n    <loc>https://example.test/p{i}/</loc>\n  </url>\n"))
    }

    fn absolute(name: &str) -> String {
        format!("https://example.test/{name}")
    }

    fn text(file: &OutputFile) -> &str {
        std::str::from_utf8(&file.bytes).unwrap_or_default()
    }

    #[test]
    fn pages_that_fit_make_one_sitemap() {
        let files = split(entries(3), LIMITS, false, absolute);
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].path, "sitemap.xml");
        assert!(text(&files[0]).starts_with(URLSET_OPEN));
        assert_eq!(text(&files[0]).matches("<url>").count(), 3);
    }

    #[test]
    fn more_urls_than_a_file_may_hold_make_an_index() {
        let limits = Limits {
            urls: 2,
            bytes: LIMITS.bytes,
        };
        let files = split(entries(5), limits, false, absolute);
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml",
                "sitemap.xml"
            ]
        );
        let counts: Vec<usize> = files[..3]
            .iter()
            .map(|f| text(f).matches("<url>").count())
            .collect();
        assert_eq!(counts, [2, 2, 1]);
        let index = text(&files[3]);
        assert!(index.contains("<sitemapindex"));
        assert!(index.contains("<loc>https://example.test/sitemap-3.xml</loc>"));
        assert!(!index.contains("<url>"));
        // Every page is listed once, in order.
        let all: String = files[..3].iter().map(text).collect();
        let order: Vec<usize> = (1..=5)
            .filter_map(|i| all.find(&format!("/p{i}/")))
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]) && order.len() == 5);
    }

    #[test]
    fn a_check_names_the_same_files_without_their_text() {
        let limits = Limits {
            urls: 2,
            bytes: LIMITS.bytes,
        };
        let paths = |files: &[OutputFile]| files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
        let built = split(entries(5), limits, false, absolute);
        let checked = split(entries(5), limits, true, absolute);
        assert_eq!(paths(&checked), paths(&built));
        assert_eq!(paths(&built).len(), 4);
        let sitemaps = &checked[..checked.len() - 1];
        assert!(sitemaps.iter().all(|f| f.bytes.is_empty()));
        let one = split(entries(1), LIMITS, true, absolute);
        assert_eq!(paths(&one), ["sitemap.xml"]);
    }

    #[test]
    fn no_file_passes_the_byte_limit() {
        let entry = entries(1).next().unwrap_or_default().len();
        let bytes = URLSET_OPEN.len() + URLSET_CLOSE.len() + 3 * entry;
        let limits = Limits { urls: 100, bytes };
        let files = split(entries(7), limits, false, absolute);
        assert_eq!(files.len(), 4, "3 + 3 + 1 pages and the index");
        assert!(files[..3].iter().all(|f| f.bytes.len() <= bytes));
        assert_eq!(text(&files[0]).matches("<url>").count(), 3);
    }
}
