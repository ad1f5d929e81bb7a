//! `legalsite build` on the `basic` fixture: the pages, what they say on a
//! given day, and how the output is written.

use std::fs;

use crate::support::{TestSite, collapse, tree};

/// In the basic fixture on this day: privacy 2025-01-10 archived,
/// 2026-03-01 current (English only), 2026-12-15 upcoming (published
/// 2026-11-01, material).
const DATE: &str = "2026-11-15";

#[test]
fn the_current_version_is_at_the_policy_url() {
    let site = TestSite::fixture("basic");
    site.build(DATE);
    let page = site.page("privacy/index.html");
    assert_eq!(page.attr("html", "lang").as_deref(), Some("en"));
    assert_eq!(page.text("h1"), "Privacy Policy");
    assert!(
        page.text(".stamp")
            .starts_with("Last updated: March 1, 2026")
    );
    assert_eq!(
        page.attr("link[rel=canonical]", "href").as_deref(),
        Some("https://example.test/privacy/")
    );
    let text = page.policy_text();
    assert!(
        text.starts_with("We collect your email address to run the service, and usage events"),
        "{text}"
    );
    // The policy text is the body and nothing else.
    assert!(
        !text.contains("Privacy Policy") && !text.contains("Last updated"),
        "{text}"
    );
    assert_eq!(
        page.count("#policy-text h2[id=analytics] a.self-link[href='#analytics']"),
        1
    );
    assert_eq!(page.texts(".toc a"), ["Your rights", "Analytics"]);
}

#[test]
fn the_current_page_announces_the_upcoming_version() {
    let site = TestSite::fixture("basic");
    site.build(DATE);
    let page = site.page("privacy/index.html");
    let notice = page.text(".notice-upcoming");
    assert!(
        notice.contains("Important changes take effect on December 15, 2026."),
        "{notice}"
    );
    assert!(
        notice.contains("Keeps analytics data for 12 months only."),
        "{notice}"
    );
    let links = page.attrs(".notice-upcoming a", "href");
    assert_eq!(
        links,
        [
            "/privacy/2026-12-15/",
            "/privacy/compare/2026-03-01...2026-12-15/"
        ]
    );
    let upcoming = site.page("privacy/2026-12-15/index.html");
    assert!(
        upcoming
            .text(".stamp")
            .starts_with("Takes effect on December 15, 2026")
    );
    assert!(
        upcoming
            .text(".notice-upcoming")
            .contains("This version takes effect on December 15, 2026.")
    );
}

#[test]
fn archived_versions_say_when_they_were_in_effect() {
    let site = TestSite::fixture("basic");
    site.build(DATE);
    let page = site.page("privacy/2025-01-10/index.html");
    assert_eq!(
        page.text(".notice-archived p"),
        "This is an earlier version. It was in effect from January 10, 2025 to March 1, 2026 and is kept as a record."
    );
    assert_eq!(
        page.attr(".notice-archived a", "href").as_deref(),
        Some("/privacy/")
    );
    assert_eq!(
        page.policy_text(),
        "We collect your email address to run the service. Your rights You can ask us for a copy of your data. See our terms."
    );
    assert_eq!(
        page.attr("link[rel=canonical]", "href").as_deref(),
        Some("https://example.test/privacy/2025-01-10/")
    );
}

#[test]
fn other_locales_get_their_language_and_dates() {
    let site = TestSite::fixture("basic");
    site.build(DATE);
    let page = site.page("de/privacy/2025-01-10/index.html");
    assert_eq!(page.attr("html", "lang").as_deref(), Some("de"));
    assert_eq!(page.attr("#policy-text", "lang").as_deref(), Some("de"));
    assert!(
        page.text(".notice-archived p")
            .contains("vom 10. Januar 2025 bis zum 1. März 2026")
    );
    // Links between policies stay in the reader's language.
    let terms = site.page("de/terms/index.html");
    assert_eq!(
        terms.attr("#policy-text a", "href").as_deref(),
        Some("/de/privacy/2025-01-10/#ihre-rechte")
    );
    let english_terms = site.page("terms/index.html");
    assert_eq!(
        english_terms.attr("#policy-text a", "href").as_deref(),
        Some("/privacy/#your-rights")
    );
}

#[test]
fn a_missing_translation_shows_the_prevailing_text_marked_as_such() {
    let site = TestSite::fixture("basic");
    site.build(DATE);
    let page = site.page("de/privacy/index.html");
    assert_eq!(page.attr("html", "lang").as_deref(), Some("de"));
    assert_eq!(page.attr("#policy-text", "lang").as_deref(), Some("en"));
    assert!(
        page.policy_text()
            .starts_with("We collect your email address")
    );
    let notice = page.text(".notice-language");
    assert!(
        notice.contains(
            "Dieses Dokument liegt noch nicht auf Deutsch vor. Sie lesen den Text auf Englisch"
        ),
        "{notice}"
    );
    assert_eq!(
        page.attr(".notice-language a", "href").as_deref(),
        Some("/de/privacy/2025-01-10/")
    );
    // Not advertised as a translation; canonical is the prevailing page.
    assert_eq!(
        page.attr("link[rel=canonical]", "href").as_deref(),
        Some("https://example.test/privacy/")
    );
    assert!(
        !page
            .attrs("link[rel=alternate][hreflang]", "hreflang")
            .contains(&"de".to_string())
    );
}

#[test]
fn translations_say_which_language_prevails() {
    let site = TestSite::fixture("basic");
    site.build(DATE);
    let page = site.page("de/terms/index.html");
    let notice = page.text(".notice-language");
    assert!(notice.contains("Dies ist eine Übersetzung"), "{notice}");
    assert_eq!(
        page.attr(".notice-language a", "href").as_deref(),
        Some("/terms/2025-01-10/")
    );
    assert_eq!(site.page("terms/index.html").count(".notice-language"), 0);
}

#[test]
fn the_portal_lists_policies_and_upcoming_changes() {
    let site = TestSite::fixture("basic");
    site.build(DATE);
    let page = site.page("index.html");
    assert_eq!(
        page.texts(".card h3"),
        ["Privacy Policy", "Terms of Service"]
    );
    assert!(
        page.text(".notice-upcoming")
            .contains("Keeps analytics data for 12 months only.")
    );
    let de = site.page("de/index.html");
    assert_eq!(
        de.texts(".card h3"),
        ["Privacy Policy", "Nutzungsbedingungen"]
    );
}

#[test]
fn versions_not_yet_published_are_built_only_with_drafts() {
    let site = TestSite::fixture("basic");
    site.build("2026-10-01");
    assert!(!site.output_exists("privacy/2026-12-15/index.html"));
    assert!(
        !site
            .page("privacy/index.html")
            .source
            .contains("2026-12-15")
    );
    assert!(site.output("robots.txt").contains("Allow: /"));

    let run = site.run(&["build", "--date", "2026-10-01", "--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let draft = site.page("privacy/2026-12-15/index.html");
    assert!(draft.text(".notice-draft").contains("not published"));
    assert_eq!(
        draft.attr("meta[name=robots]", "content").as_deref(),
        Some("noindex")
    );
    assert!(site.output("robots.txt").contains("Disallow: /"));
}

#[test]
fn today_comes_from_source_date_epoch_without_date() {
    let site = TestSite::fixture("basic");
    // 2025-06-01: only the first privacy version is in effect.
    let run = site.run_env(&["build"], &[("SOURCE_DATE_EPOCH", "1748736000")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        site.page("privacy/index.html")
            .text(".stamp")
            .starts_with("Last updated: January 10, 2025")
    );
}

#[test]
fn the_same_sources_and_date_give_identical_bytes() {
    let a = TestSite::fixture("basic");
    let b = TestSite::fixture("basic");
    a.build(DATE);
    b.build(DATE);
    let first = a.output_tree();
    assert!(first.len() >= 20);
    assert_eq!(first, b.output_tree());
    // Building again in place changes nothing either.
    a.build(DATE);
    assert_eq!(first, a.output_tree());
}

#[test]
fn nothing_is_written_outside_the_output_folder() {
    let site = TestSite::fixture("basic");
    let before = tree(site.root());
    site.build(DATE);
    let after: Vec<_> = tree(site.root())
        .into_iter()
        .filter(|(p, _)| !p.starts_with("public/"))
        .collect();
    assert_eq!(before, after);
}

#[test]
fn sitemap_robots_404_and_assets_exist() {
    let site = TestSite::fixture("basic");
    site.build(DATE);
    let sitemap = site.output("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.test/privacy/</loc>"));
    assert!(sitemap.contains("<loc>https://example.test/de/terms/</loc>"));
    assert!(sitemap.contains(
        r#"<xhtml:link rel="alternate" hreflang="de" href="https://example.test/de/terms/"/>"#
    ));
    // The German privacy page shows English text: not a translation.
    assert!(!sitemap.contains("<loc>https://example.test/de/privacy/</loc>"));
    assert!(
        site.output("robots.txt")
            .contains("Sitemap: https://example.test/sitemap.xml")
    );
    assert!(site.page("404.html").text("h1").contains("Page not found"));
    assert!(
        site.page("de/404.html")
            .text("h1")
            .contains("Seite nicht gefunden")
    );
    assert!(site.output_exists("style.css") && site.output_exists("favicon.svg"));
    let stylesheet = site
        .page("index.html")
        .attr("link[rel=stylesheet]", "href")
        .unwrap();
    assert!(stylesheet.starts_with("/style.css?v="), "{stylesheet}");
}

#[test]
fn raw_html_is_sanitized_and_template_syntax_is_text() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/terms/2025-01-10/en.md",
        "---\ntitle: Terms\n---\n\nH<sub>2</sub>O and {{ site.title }} {% raw %} <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n<div onclick=\"steal()\"><iframe src=\"https://evil.test\"></iframe>Hello</div>\n\n[x](javascript:alert(1))\n",
    );
    site.build(DATE);
    let page = site.page("terms/index.html");
    let html = page
        .html
        .select(&scraper::Selector::parse("#policy-text").unwrap())
        .next()
        .unwrap()
        .inner_html();
    assert!(html.contains("<sub>2</sub>"), "{html}");
    // What a browser would run: elements and attributes, not text.
    for forbidden in [
        "#policy-text script",
        "#policy-text iframe",
        "#policy-text img",
        "[onerror]",
        "[onclick]",
        "a[href^='javascript']",
    ] {
        assert_eq!(page.count(forbidden), 0, "{forbidden} in {html}");
    }
    // Shown as typed, so a reader sees what the editor wrote.
    assert!(page.policy_text().contains("<script>alert(1)</script>"));
    assert!(page.policy_text().contains("{{ site.title }} {% raw %}"));
}

#[test]
fn a_site_template_overrides_the_theme() {
    let site = TestSite::fixture("basic");
    site.write("templates/404.html", "{% extends \"base.html\" %}{% block main %}<h1>Lost? {{ layout.site_title }}</h1>{% endblock %}");
    site.build(DATE);
    assert_eq!(site.page("404.html").text("h1"), "Lost? Example");
}

#[test]
fn a_failed_build_leaves_the_previous_site() {
    let site = TestSite::fixture("basic");
    site.build(DATE);
    let before = site.output_tree();
    site.write(
        "content/privacy/2026-03-01/en.md",
        "---\ntitle: [broken\n---\ntext\n",
    );
    let run = site.run(&["build", "--date", DATE]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("left as it was"), "{}", run.stderr);
    assert_eq!(before, site.output_tree());
}

#[test]
fn the_summary_line_counts_pages() {
    let site = TestSite::fixture("basic");
    let run = site.build(DATE);
    assert!(run.stdout.starts_with("Built "), "{}", run.stdout);
    assert!(
        collapse(&run.stdout).contains("for 2026-11-15 in"),
        "{}",
        run.stdout
    );
    let _ = fs::metadata(site.root().join("public")).unwrap();
}

/// Lints read the parse the build makes of each text it shows; a text the
/// build does not show (a version not yet published, without --drafts) is
/// linted all the same.
#[test]
fn texts_that_are_not_built_are_still_linted() {
    let site = TestSite::fixture("basic");
    let path = "content/privacy/2026-12-15/en.md";
    site.edit(path, |source| {
        format!(
            "{source}\nSee [the old policy](/privacy/2020-01-01/).\n\n<script>track()</script>\n"
        )
    });
    for args in [
        &["check", "--date", "2026-10-01"][..],
        &["check", "--date", "2026-10-01", "--drafts"][..],
    ] {
        let run = site.run(args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stdout);
        for code in ["error[broken-link]", "warning[raw-html]"] {
            let line = run
                .stdout
                .lines()
                .position(|l| l.starts_with(code))
                .unwrap_or_else(|| panic!("{args:?}: no {code} in\n{}", run.stdout));
            let at = run.stdout.lines().nth(line + 1).unwrap_or_default();
            assert!(at.contains(path), "{args:?}: {code} at {at}");
        }
    }
}

/// `check` makes the feeds, sitemap and JSON files without their text
/// (they cannot hold a problem) but knows their addresses: links to them
/// are not reported, a link to a feed that does not exist is, as `build`
/// reports it.
#[test]
fn check_knows_the_feeds_sitemap_and_json_without_writing_them() {
    let site = TestSite::fixture("basic");
    let terms = "content/terms/2025-01-10/en.md";
    site.edit(terms, |body| {
        format!(
            "{body}\nFollow [the privacy policy](/privacy/changes.atom), \
             [everything](/de/changes.atom), [the map](/sitemap.xml), \
             [the data](/privacy/versions.json) and [the index](/policies.json), \
             not [this](/privacy/feed.atom).\n"
        )
    });
    site.assert_check_and_build_report_only(DATE, "/privacy/feed.atom");
}
