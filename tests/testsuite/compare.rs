//! Compare pages on the built site: which exist, what they say, and the
//! contract for anyone who checks them (SPEC "Redlines"): stripping the
//! insertions gives the old page's text, stripping the deletions the new.

use std::collections::BTreeSet;

use scraper::{ElementRef, Html, Node, Selector};

use crate::support::{Page, TestSite, collapse};

const DATE: &str = "2026-11-30";

/// The text of `#policy-text`, skipping elements for which `skip` says so.
fn reading(page: &Page, selector: &str, skip: &dyn Fn(&ElementRef<'_>) -> bool) -> String {
    let root = page
        .html
        .select(&Selector::parse(selector).unwrap())
        .next()
        .unwrap();
    let mut text = String::new();
    collect(root, skip, &mut text);
    collapse(&text)
}

fn collect(element: ElementRef<'_>, skip: &dyn Fn(&ElementRef<'_>) -> bool, out: &mut String) {
    for child in element.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(_) => {
                let child = ElementRef::wrap(child).unwrap();
                if !skip(&child) {
                    collect(child, skip, out);
                }
            }
            _ => {}
        }
    }
}

/// A URL fragment as a browser reads it.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match (
            bytes[i],
            text.get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok()),
        ) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

fn is_note(e: &ElementRef<'_>) -> bool {
    e.value().classes().any(|c| c == "rl-note")
}

/// Checks the strip contract of one compare page against its two version pages.
fn check_contract(site: &TestSite, locale_prefix: &str, policy: &str, old: &str, new: &str) {
    let compare = site.page(&format!(
        "{locale_prefix}{policy}/compare/{old}...{new}/index.html"
    ));
    let old_page = site.page(&format!("{locale_prefix}{policy}/{old}/index.html"));
    let new_page = site.page(&format!("{locale_prefix}{policy}/{new}/index.html"));
    let old_reading = reading(&compare, "#policy-text", &|e| {
        e.value().name() == "ins" || is_note(e)
    });
    let new_reading = reading(&compare, "#policy-text", &|e| {
        e.value().name() == "del" || is_note(e)
    });
    assert_eq!(
        old_reading,
        old_page.policy_text(),
        "{policy} {old}...{new}: without insertions"
    );
    assert_eq!(
        new_reading,
        new_page.policy_text(),
        "{policy} {old}...{new}: without deletions"
    );
    // The side-by-side columns read the same.
    let old_column = reading(&compare, "#policy-text-old", &|e| {
        is_note(e) || e.value().classes().any(|c| c == "rl-empty")
    });
    let new_column = reading(&compare, "#policy-text-new", &|e| {
        is_note(e) || e.value().classes().any(|c| c == "rl-empty")
    });
    assert_eq!(
        old_column,
        old_page.policy_text(),
        "{policy} {old}...{new}: old column"
    );
    assert_eq!(
        new_column,
        new_page.policy_text(),
        "{policy} {old}...{new}: new column"
    );
}

fn portal() -> TestSite {
    let site = TestSite::empty();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in ["content", "themes"] {
        for entry in walkdir::WalkDir::new(repo.join(folder))
            .into_iter()
            .flatten()
        {
            if entry.file_type().is_file() {
                let relative = entry.path().strip_prefix(repo).unwrap();
                site.write(
                    &relative.to_string_lossy(),
                    std::fs::read(entry.path()).unwrap(),
                );
            }
        }
    }
    site.build(DATE);
    site
}

#[test]
fn every_required_pair_has_a_compare_page() {
    let site = portal();
    for pair in [
        "2024-09-15...2025-06-10",
        "2025-06-10...2026-05-24",
        "2026-05-24...2027-01-15",
        "2024-09-15...2026-05-24",
    ] {
        for prefix in ["", "de/", "fr/"] {
            assert!(
                site.output_exists(&format!("{prefix}privacy/compare/{pair}/index.html")),
                "{prefix}{pair}"
            );
        }
    }
    let pairs: BTreeSet<String> = site
        .output_tree()
        .into_iter()
        .filter_map(|(p, _)| {
            p.strip_prefix("privacy/compare/")
                .map(|r| r.trim_end_matches("/index.html").to_string())
        })
        .collect();
    assert_eq!(pairs.len(), 4, "{pairs:?}");
}

#[test]
fn stripping_insertions_or_deletions_gives_each_version() {
    let site = portal();
    for (policy, pairs) in [
        (
            "privacy",
            vec![
                ("2024-09-15", "2025-06-10"),
                ("2025-06-10", "2026-05-24"),
                ("2026-05-24", "2027-01-15"),
                ("2024-09-15", "2026-05-24"),
            ],
        ),
        ("terms", vec![("2024-09-15", "2026-05-24")]),
        ("cookies", vec![("2025-06-10", "2026-05-24")]),
    ] {
        for (old, new) in pairs {
            check_contract(&site, "", policy, old, new);
            check_contract(&site, "de/", policy, old, new);
        }
    }
}

#[test]
fn a_compare_page_opens_with_a_summary_that_links_each_change() {
    let site = portal();
    let page = site.page("privacy/compare/2026-05-24...2027-01-15/index.html");
    assert_eq!(page.text("h1"), "What changed in the Privacy Policy");
    assert!(
        page.text(".stamp")
            .contains("From the version of May 24, 2026 to the version of January 15, 2027")
    );
    let counts = page.texts(".rl-counts li");
    assert!(counts[0].ends_with("sections changed"), "{counts:?}");
    assert!(counts[1].ends_with("words added"), "{counts:?}");
    for href in page.attrs(".rl-change-list a", "href") {
        let id = href.trim_start_matches('#');
        assert_eq!(
            page.count(&format!("#policy-text [id='{id}']")),
            1,
            "{href} leads nowhere"
        );
    }
    assert!(
        page.texts(".rl-change-list li")
            .iter()
            .any(|t| t.starts_with("Data retention"))
    );
    // Every id on the page is unique, though both views are on it.
    let ids = page.attrs("[id]", "id");
    let unique: BTreeSet<_> = ids.iter().collect();
    assert_eq!(ids.len(), unique.len(), "duplicate ids");
    // Both views, a legend, and screen-reader cues.
    assert_eq!(page.count("#side-by-side #policy-text-old"), 1);
    assert_eq!(page.count(".rl-legend del"), 1);
    assert!(page.count("#policy-text .rl-sr") > 0);
}

#[test]
fn translated_comparisons_and_fallbacks() {
    let site = portal();
    let de = site.page("de/privacy/compare/2026-05-24...2027-01-15/index.html");
    assert_eq!(de.attr("#policy-text", "lang").as_deref(), Some("de"));
    assert!(
        de.text(".notice-language")
            .contains("Dies ist eine Übersetzung")
    );
    assert!(de.texts(".rl-counts li")[0].ends_with("Abschnitte geändert"));
    // Each listed change says its kind in the reader's language.
    let kinds = de.texts(".rl-change-list .rl-kind");
    assert!(kinds.contains(&"hinzugefügt".to_string()), "{kinds:?}");
    assert!(kinds.contains(&"geändert".to_string()), "{kinds:?}");
    // French lags on cookies: the comparison of the English texts, said so in French.
    let fr = site.page("fr/cookies/compare/2025-06-10...2026-05-24/index.html");
    assert_eq!(fr.attr("html", "lang").as_deref(), Some("fr"));
    assert_eq!(fr.attr("#policy-text", "lang").as_deref(), Some("en"));
    assert!(
        fr.text(".notice-language")
            .contains("Vous lisez la comparaison des textes en anglais"),
        "{}",
        fr.text(".notice-language")
    );
    assert!(
        !fr.attrs("link[rel=alternate][hreflang]", "hreflang")
            .contains(&"fr".to_string())
    );
    // The screen-reader cues are in the language of the text.
    assert_eq!(fr.text("#policy-text .rl-sr"), "inserted:");
}

#[test]
fn versions_and_changelogs_link_their_comparisons() {
    let site = portal();
    let archived = site.page("privacy/2025-06-10/index.html");
    let links = archived.attrs(".doc-actions a, .notice a", "href");
    assert!(
        links.contains(&"/privacy/compare/2024-09-15...2025-06-10/".to_string()),
        "{links:?}"
    );
    assert!(
        links.contains(&"/privacy/compare/2025-06-10...2026-05-24/".to_string()),
        "{links:?}"
    );
    let changes = site.page("privacy/changes/index.html");
    for href in changes.attrs(".change-links a", "href") {
        assert!(
            site.output_exists(&format!("{}index.html", href.trim_start_matches('/'))),
            "{href}"
        );
    }
}

#[test]
fn only_the_front_matter_changed_means_no_changes_to_the_text() {
    let site = TestSite::fixture("minimal");
    site.write(
        "content/privacy/2026-06-01/en.md",
        "---\ntitle: Privacy Policy\nsummary: New title only.\n---\n\nWe collect your email address.\n\n## Your rights\n\nYou may ask for a copy of your data.\n",
    );
    let run = site.run(&["build", "--date", DATE]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = site.page("privacy/compare/2026-01-01...2026-06-01/index.html");
    assert!(page.text(".rl-summary").contains("No changes to the text"));
    assert_eq!(
        page.count("#policy-text ins, #policy-text del, #policy-text .rl-fmt"),
        0
    );
}

#[test]
fn every_internal_link_of_the_portal_resolves() {
    let site = portal();
    let files = site.output_tree();
    let exists = |path: &str| files.iter().any(|(p, _)| p == path);
    for (path, bytes) in &files {
        if !path.ends_with(".html") || path.ends_with("notice.html") {
            continue;
        }
        let html = Html::parse_document(&String::from_utf8_lossy(bytes));
        for href in html
            .select(&Selector::parse("a[href], link[href]").unwrap())
            .filter_map(|e| e.value().attr("href"))
        {
            let href = href.strip_prefix("https://hexgen.app").unwrap_or(href);
            if !href.starts_with('/') {
                continue;
            }
            let (target, fragment) = href.split_once('#').unwrap_or((href, ""));
            let target = target.split('?').next().unwrap();
            let file = if target.ends_with('/') {
                format!("{}index.html", &target[1..])
            } else {
                target[1..].to_string()
            };
            assert!(
                exists(&file),
                "{path} links to {href}, which does not exist"
            );
            let fragment = percent_decode(fragment);
            if !fragment.is_empty() && file.ends_with(".html") {
                let target_html =
                    String::from_utf8_lossy(&files.iter().find(|(p, _)| *p == file).unwrap().1)
                        .into_owned();
                assert!(
                    target_html.contains(&format!("id=\"{fragment}\"")),
                    "{path} links to {href}: no #{fragment}"
                );
            }
        }
    }
}

/// `check` renders one comparison per policy and language (the redlines
/// are a build's main cost and cannot fail) but knows every compare page:
/// a link to one it did not render is not reported, a link to a
/// comparison that does not exist is, as `build` reports it.
#[test]
fn check_knows_every_compare_page_without_rendering_each() {
    let site = TestSite::fixture("basic");
    let terms = "content/terms/2025-01-10/en.md";
    site.edit(terms, |body| {
        format!(
            "{body}\nSee [the coming change](/privacy/compare/2026-03-01...2026-12-15/) \
             and [an old one](/privacy/compare/2024-01-01...2026-03-01/).\n"
        )
    });
    site.assert_check_and_build_report_only(DATE, "2024-01-01...2026-03-01");
}
