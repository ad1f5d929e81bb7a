//! Notices of upcoming material changes: notices.json for the app, email
//! bodies per version and locale, and `legalsite notices` for a mailer.

use crate::support::TestSite;

/// Basic fixture: privacy 2026-12-15 is material, published 2026-11-01.
const ANNOUNCED: &str = "2026-11-15";

fn notices_json(site: &TestSite, path: &str) -> serde_json::Value {
    serde_json::from_str(&site.output(path)).unwrap()
}

#[test]
fn an_upcoming_material_change_has_a_notice_in_every_locale() {
    let site = TestSite::fixture("basic");
    site.build(ANNOUNCED);
    let en = notices_json(&site, "notices.json");
    assert_eq!(en["locale"], "en");
    let notice = &en["notices"][0];
    assert_eq!(en["notices"].as_array().unwrap().len(), 1);
    assert_eq!(notice["id"], "privacy/2026-12-15");
    assert_eq!(notice["title"], "Privacy Policy");
    assert_eq!(
        notice["summary"],
        "Keeps analytics data for 12 months only."
    );
    assert_eq!(notice["effective"], "2026-12-15");
    assert_eq!(notice["show_from"], "2026-11-01");
    assert_eq!(notice["show_until"], "2026-12-15");
    assert_eq!(notice["url"], "https://example.test/privacy/2026-12-15/");
    assert_eq!(
        notice["compare_url"],
        "https://example.test/privacy/compare/2026-03-01...2026-12-15/"
    );
    assert_eq!(
        notice["email_text_url"],
        "https://example.test/privacy/2026-12-15/notice.txt"
    );

    // German readers get the notice in German words around the English text,
    // which is the only one of this version.
    let de = notices_json(&site, "de/notices.json");
    assert_eq!(de["notices"][0]["id"], "privacy/2026-12-15");
    assert_eq!(de["notices"][0]["lang"], "en");
    assert_eq!(
        de["notices"][0]["url"],
        "https://example.test/de/privacy/2026-12-15/"
    );

    let text = site.output("de/privacy/2026-12-15/notice.txt");
    assert!(
        text.contains("Die neue Fassung gilt ab dem 15. Dezember 2026."),
        "{text}"
    );
    assert!(
        text.contains("Keeps analytics data for 12 months only."),
        "{text}"
    );
    assert!(
        text.contains("Nichts, wenn Sie einverstanden sind"),
        "{text}"
    );
    assert!(
        text.contains("https://example.test/de/privacy/compare/2026-03-01...2026-12-15/"),
        "{text}"
    );
    assert!(
        !text.contains("&amp;") && !text.contains("&#"),
        "plain text is not escaped: {text}"
    );

    let html = site.page("privacy/2026-12-15/notice.html");
    assert_eq!(html.attr("html", "lang").as_deref(), Some("en"));
    assert_eq!(html.text("h1"), "We are updating our Privacy Policy");
    // Email-safe: no scripts, stylesheets or images, only absolute links.
    assert_eq!(html.count("script, link, img, style, iframe"), 0);
    for href in html.attrs("a", "href") {
        assert!(href.starts_with("https://example.test/"), "{href}");
    }
}

#[test]
fn a_change_that_is_not_material_has_no_notice() {
    let site = TestSite::fixture("basic");
    let path = site.root().join("content/privacy/2026-12-15/en.md");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("material: true\n", "");
    site.write("content/privacy/2026-12-15/en.md", text);
    site.build(ANNOUNCED);
    assert_eq!(
        notices_json(&site, "notices.json")["notices"],
        serde_json::json!([])
    );
    assert!(!site.output_exists("privacy/2026-12-15/notice.html"));
}

#[test]
fn a_change_in_effect_has_no_notice() {
    let site = TestSite::fixture("basic");
    site.build("2026-12-20");
    assert_eq!(
        notices_json(&site, "notices.json")["notices"],
        serde_json::json!([])
    );
    assert_eq!(
        notices_json(&site, "de/notices.json")["notices"],
        serde_json::json!([])
    );
    let run = site.run(&["notices", "--date", "2026-12-20"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("No notices on 2026-12-20"),
        "{}",
        run.stdout
    );
}

#[test]
fn notices_are_the_same_on_every_build() {
    let a = TestSite::fixture("basic");
    let b = TestSite::fixture("basic");
    a.build(ANNOUNCED);
    b.build("2026-11-20");
    for path in [
        "notices.json",
        "de/notices.json",
        "privacy/2026-12-15/notice.html",
        "de/privacy/2026-12-15/notice.txt",
    ] {
        assert_eq!(a.output(path), b.output(path), "{path}");
    }
}

#[test]
fn the_notices_command_prints_what_a_mailer_needs() {
    let site = TestSite::fixture("basic");
    let run = site.run(&["notices", "--date", ANNOUNCED, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let locales: Vec<_> = report["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["locale"].as_str().unwrap())
        .collect();
    assert_eq!(locales, ["en", "de"]);
    let text = site.run(&["notices", "--date", ANNOUNCED]);
    assert!(
        text.stdout
            .starts_with("=== privacy/2026-12-15 (en) ===\nWe are updating our Privacy Policy"),
        "{}",
        text.stdout
    );
    assert_eq!(
        text.stdout,
        site.run(&["notices", "--date", ANNOUNCED]).stdout
    );
}
