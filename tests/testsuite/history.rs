//! Version history: changelogs, feeds, JSON, the integrity lock, and the
//! editor's `new` and `lock` commands.

use std::fs;

use sha2::{Digest, Sha256};

use crate::support::TestSite;

/// In the basic fixture: privacy 2025-01-10 archived, 2026-03-01 current,
/// 2026-12-15 upcoming (material, published 2026-11-01).
const DATE: &str = "2026-11-15";

#[test]
fn the_changelog_lists_versions_newest_first() {
    let site = TestSite::fixture("basic");
    site.build(DATE);
    let page = site.page("privacy/changes/index.html");
    assert_eq!(page.text("h1"), "History of changes: Privacy Policy");
    assert_eq!(
        page.texts(".change h2 a"),
        [
            "Version of December 15, 2026",
            "Version of March 1, 2026",
            "Version of January 10, 2025"
        ]
    );
    let first = page.text(".change");
    assert!(
        first.contains("Upcoming") && first.contains("Important change"),
        "{first}"
    );
    assert!(first.contains("published November 1, 2026"), "{first}");
    assert!(
        first.contains("Keeps analytics data for 12 months only."),
        "{first}"
    );
    assert_eq!(
        page.attrs(".change-links a", "href"),
        [
            "/privacy/compare/2026-03-01...2026-12-15/",
            "/privacy/compare/2025-01-10...2026-03-01/"
        ]
    );
    assert!(
        page.texts(".change-links")
            .last()
            .unwrap()
            .contains("First version")
    );
    // German: the untranslated summary keeps its language.
    let de = site.page("de/privacy/changes/index.html");
    assert_eq!(de.attr(".change-summary", "lang").as_deref(), Some("en"));
    assert_eq!(de.texts(".change h2 a")[0], "Fassung vom 15. Dezember 2026");
}

#[test]
fn version_pages_list_every_version_with_its_status_in_the_readers_language() {
    let site = TestSite::fixture("basic");
    site.build(DATE);
    let page = site.page("privacy/2025-01-10/index.html");
    assert_eq!(
        page.texts(".history-list .badge"),
        ["Upcoming", "In effect", "Earlier version"]
    );
    // The list is shared by the policy's pages: each marks its own version.
    for version in ["2025-01-10", "2026-03-01", "2026-12-15"] {
        let page = site.page(&format!("privacy/{version}/index.html"));
        assert_eq!(
            page.attrs(".history-list a[aria-current]", "href"),
            [format!("/privacy/{version}/")]
        );
    }
    let de = site.page("de/privacy/2025-01-10/index.html");
    assert_eq!(
        de.texts(".history-list .badge"),
        ["Demnächst", "Gilt", "Frühere Fassung"]
    );
    let changes = site.page("de/privacy/changes/index.html");
    assert_eq!(
        changes.texts(".change .badge-archived"),
        ["Frühere Fassung"]
    );
}

#[test]
fn the_site_changelog_covers_every_policy() {
    let site = TestSite::fixture("basic");
    site.build(DATE);
    let page = site.page("changes/index.html");
    let titles = page.texts(".change-policy");
    assert_eq!(
        titles,
        [
            "Privacy Policy",
            "Privacy Policy",
            "Privacy Policy",
            "Terms of Service"
        ]
    );
    assert_eq!(
        page.attr("link[type='application/atom+xml']", "href")
            .as_deref(),
        Some("/changes.atom")
    );
}

fn feed(site: &TestSite, path: &str) -> String {
    site.output(path)
}

/// (id, updated, title) of each entry, and the feed's updated.
fn entries(xml: &str) -> (String, Vec<(String, String, String)>) {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let root = doc.root_element();
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    let child = |node: roxmltree::Node, name: &str| {
        node.children()
            .find(|c| {
                c.tag_name().name() == name
                    && c.tag_name().namespace() == Some("http://www.w3.org/2005/Atom")
            })
            .and_then(|c| c.text())
            .map(str::to_string)
            .unwrap_or_else(|| panic!("no <{name}>"))
    };
    // RFC 4287: a feed has id, title, updated, an author and a self link.
    child(root, "id");
    child(root, "title");
    assert!(root.children().any(|c| c.tag_name().name() == "author"));
    assert!(
        root.children()
            .any(|c| c.tag_name().name() == "link" && c.attribute("rel") == Some("self"))
    );
    let updated = child(root, "updated");
    let list =
        root.children()
            .filter(|c| c.tag_name().name() == "entry")
            .map(|entry| {
                assert!(
                    entry.children().any(|c| c.tag_name().name() == "link"
                        && c.attribute("rel") == Some("alternate"))
                );
                (
                    child(entry, "id"),
                    child(entry, "updated"),
                    child(entry, "title"),
                )
            })
            .collect();
    (updated, list)
}

#[test]
fn feeds_are_atom_with_stable_ids_and_content_dates() {
    let site = TestSite::fixture("basic");
    site.build(DATE);
    let (updated, list) = entries(&feed(&site, "privacy/changes.atom"));
    // The newest publication, not the build's clock.
    assert_eq!(updated, "2026-11-01T00:00:00Z");
    assert_eq!(list.len(), 3);
    assert_eq!(
        list[0].0,
        "tag:example.test,2026-12-15:privacy/2026-12-15/en"
    );
    assert_eq!(
        list[0].2,
        "Privacy Policy: Version of December 15, 2026 (Important change)"
    );
    let xml = feed(&site, "privacy/changes.atom");
    assert!(xml.contains("<legal:effective>2026-12-15</legal:effective>"));
    assert!(xml.contains("<legal:material>true</legal:material>"));
    assert!(xml.contains(r#"<link rel="related" type="text/html" title="What changed" href="https://example.test/privacy/compare/2026-03-01...2026-12-15/"/>"#));

    // Another day with the same versions public: the same feed, byte for byte.
    let later = TestSite::fixture("basic");
    later.build("2026-11-20");
    assert_eq!(feed(&later, "privacy/changes.atom"), xml);

    let (_, german) = entries(&feed(&site, "de/privacy/changes.atom"));
    assert_eq!(
        german[0].0,
        "tag:example.test,2026-12-15:privacy/2026-12-15/de"
    );
    let (_, all) = entries(&feed(&site, "changes.atom"));
    assert_eq!(all.len(), 4);
}

#[test]
fn pages_link_their_feeds() {
    let site = TestSite::fixture("basic");
    site.build(DATE);
    let page = site.page("de/privacy/index.html");
    assert_eq!(
        page.attr("link[rel=alternate][type='application/atom+xml']", "href")
            .as_deref(),
        Some("/de/privacy/changes.atom")
    );
}

#[test]
fn versions_json_records_every_version_with_its_hashes() {
    let site = TestSite::fixture("basic");
    site.build(DATE);
    let json: serde_json::Value =
        serde_json::from_str(&site.output("privacy/versions.json")).unwrap();
    assert_eq!(json["current"], "2026-03-01");
    assert_eq!(json["next_change"]["effective"], "2026-12-15");
    let versions = json["versions"].as_array().unwrap();
    let ids: Vec<_> = versions.iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["2026-12-15", "2026-03-01", "2025-01-10"]);
    let statuses: Vec<_> = versions
        .iter()
        .map(|v| v["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["upcoming", "current", "archived"]);
    assert_eq!(versions[0]["material"], true);
    assert_eq!(versions[0]["published"], "2026-11-01");
    assert_eq!(versions[2]["locales"], serde_json::json!(["en", "de"]));
    for version in versions {
        for source in version["sources"].as_array().unwrap() {
            let bytes = fs::read(site.root().join(source["path"].as_str().unwrap())).unwrap();
            let expected: String = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(source["sha256"], expected.as_str());
        }
    }
    let index: serde_json::Value = serde_json::from_str(&site.output("policies.json")).unwrap();
    assert_eq!(index["next_rebuild"], "2026-12-15");
    assert_eq!(index["policies"][0]["next_change"]["version"], "2026-12-15");
    assert_eq!(index["policies"][1]["current"]["version"], "2025-01-10");
}

#[test]
fn build_says_when_the_next_version_takes_effect() {
    let site = TestSite::fixture("basic");
    let run = site.build(DATE);
    assert!(
        run.stdout
            .contains("Upcoming: privacy 2026-12-15 takes effect on 2026-12-15."),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Next rebuild needed on 2026-12-15"),
        "{}",
        run.stdout
    );
    // Before publication the version is secret, but its publication day
    // still changes the site.
    let early = TestSite::fixture("basic");
    let run = early.build("2026-10-01");
    assert!(!run.stdout.contains("2026-12-15"), "{}", run.stdout);
    assert!(
        run.stdout.contains("Next rebuild needed on 2026-11-01"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_lock_catches_silent_changes_and_accepts_recorded_corrections() {
    let site = TestSite::fixture("basic");
    let lock = site.run(&["lock", "--date", DATE]);
    assert_eq!(lock.code, 0, "{}", lock.stderr);
    assert!(
        lock.stdout.contains("6 published files locked (6 added"),
        "{}",
        lock.stdout
    );
    let locked = fs::read_to_string(site.root().join("content/versions.lock")).unwrap();
    assert!(locked.contains("content/privacy/2025-01-10/en.md sha256="));
    // Announced versions are published, hence records, before they take effect.
    assert!(locked.contains("content/privacy/2026-12-15/en.md sha256="));
    assert_eq!(site.run(&["check", "--date", DATE]).code, 0);

    // A silent edit of a published version.
    let path = "content/privacy/2025-01-10/en.md";
    let original = fs::read_to_string(site.root().join(path)).unwrap();
    site.write(
        path,
        original.replace("copy of your data", "copy of your personal data"),
    );
    let check = site.run(&["check", "--date", DATE]);
    assert_eq!(check.code, 1);
    assert!(
        check.stdout.contains("error[lock-changed]: content/privacy/2025-01-10/en.md was published on 2025-01-10 and has changed since"),
        "{}",
        check.stdout
    );
    assert_eq!(site.run(&["build", "--date", DATE]).code, 1);
    let refused = site.run(&["lock", "--date", DATE]);
    assert_eq!(refused.code, 1);
    assert_eq!(
        fs::read_to_string(site.root().join("content/versions.lock")).unwrap(),
        locked
    );

    // The same edit, recorded as a correction.
    let corrected = original
        .replace("copy of your data", "copy of your personal data")
        .replace("description: How Example handles your data.\n", "description: How Example handles your data.\ncorrections:\n  - date: 2026-11-14\n    note: Clarified \"personal data\".\n");
    site.write(path, corrected);
    let check = site.run(&["check", "--date", DATE]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    assert!(
        check.stdout.contains("warning[lock-changed]"),
        "{}",
        check.stdout
    );
    let accepted = site.run(&["lock", "--date", DATE]);
    assert_eq!(accepted.code, 0, "{}", accepted.stderr);
    assert!(
        accepted.stdout.contains(
            "corrected content/privacy/2025-01-10/en.md (2026-11-14: Clarified \"personal data\".)"
        ),
        "{}",
        accepted.stdout
    );
    let check = site.run(&["check", "--date", DATE]);
    assert!(
        check.stdout.contains("0 errors, 0 warnings"),
        "{}",
        check.stdout
    );
    site.build(DATE);
    let page = site.page("privacy/2025-01-10/index.html");
    assert_eq!(
        page.text(".notice-correction"),
        "Corrected on November 14, 2026: Clarified \"personal data\"."
    );
}

#[test]
fn a_deleted_published_file_is_an_error() {
    let site = TestSite::fixture("basic");
    assert_eq!(site.run(&["lock", "--date", DATE]).code, 0);
    site.remove("content/privacy/2025-01-10/de.md");
    let check = site.run(&["check", "--date", DATE]);
    assert_eq!(check.code, 1);
    assert!(check.stdout.contains("error[lock-stale]: content/privacy/2025-01-10/de.md was published and locked, but the file is gone"), "{}", check.stdout);
    assert!(
        check.stdout.contains("--> content/versions.lock:"),
        "{}",
        check.stdout
    );
}

#[test]
fn a_new_translation_of_a_published_version_asks_to_be_locked() {
    let site = TestSite::fixture("basic");
    assert_eq!(site.run(&["lock", "--date", DATE]).code, 0);
    site.write(
        "content/privacy/2026-03-01/de.md",
        "---\ntitle: Datenschutzerklärung\nsummary: Analyse mit PostHog.\n---\n\nText.\n",
    );
    let check = site.run(&["check", "--date", DATE]);
    assert_eq!(check.code, 0);
    assert!(check.stdout.contains("warning[lock-missing]: content/privacy/2026-03-01/de.md is published but not in content/versions.lock"), "{}", check.stdout);
    assert_eq!(site.run(&["check", "--date", DATE, "--strict"]).code, 1);
}

#[test]
fn new_starts_a_draft_from_the_latest_version() {
    let site = TestSite::fixture("basic");
    let run = site.run(&["new", "terms", "--date", "2027-02-01"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("Created content/terms/2027-02-01/ (en, de) from 2025-01-10, as a draft."),
        "{}",
        run.stdout
    );
    let en = fs::read_to_string(site.root().join("content/terms/2027-02-01/en.md")).unwrap();
    assert!(
        en.starts_with("---\ntitle: \"Terms of Service\"\nsummary: \"\""),
        "{en}"
    );
    assert!(en.contains("draft: true\n---\n"), "{en}");
    assert!(en.ends_with(
        "Use Example kindly. Our [privacy policy](/privacy/#your-rights) explains your rights.\n"
    ));
    assert!(site.root().join("content/terms/2027-02-01/de.md").exists());
    // The draft is valid content: check passes, and drafts-only builds show it.
    let check = site.run(&["check", "--date", DATE]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    assert_eq!(site.run(&["build", "--date", DATE, "--drafts"]).code, 0);
    assert!(site.output_exists("terms/2027-02-01/index.html"));

    // Never overwrites; never goes back in time.
    let again = site.run(&["new", "terms", "--date", "2027-02-01"]);
    assert_eq!(again.code, 2);
    assert!(
        again.stderr.contains("is not after the latest version")
            || again.stderr.contains("already exists"),
        "{}",
        again.stderr
    );
    let earlier = site.run(&["new", "privacy", "--date", "2026-01-01"]);
    assert_eq!(earlier.code, 2);
    assert!(
        earlier
            .stderr
            .contains("2026-01-01 is not after the latest version of privacy (2026-12-15)"),
        "{}",
        earlier.stderr
    );
    let typo = site.run(&["new", "privacyy", "--date", "2027-02-01"]);
    assert_eq!(typo.code, 2);
    assert!(
        typo.stderr.contains("did you mean `privacy`?"),
        "{}",
        typo.stderr
    );
}

#[test]
fn new_refuses_to_overwrite_an_existing_folder() {
    let site = TestSite::fixture("basic");
    site.write("content/terms/2027-03-01/notes.txt", "work in progress");
    let run = site.run(&["new", "terms", "--date", "2027-03-01"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("content/terms/2027-03-01/ already exists"),
        "{}",
        run.stderr
    );
    assert_eq!(
        fs::read_to_string(site.root().join("content/terms/2027-03-01/notes.txt")).unwrap(),
        "work in progress"
    );
}
