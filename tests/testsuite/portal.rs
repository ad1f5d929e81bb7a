//! HexGen's own portal (`content/` of this repository) and the shared
//! corpus of a real policy's history, built end to end.

use std::fs;
use std::path::Path;

use crate::support::TestSite;

const DATE: &str = "2026-11-30";

#[test]
fn hexgens_portal_builds_without_warnings() {
    let site = TestSite::empty();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in ["content", "themes", "static"] {
        if repo.join(folder).exists() {
            copy(&repo.join(folder), &site.root().join(folder));
        }
    }
    let check = site.run(&["check", "--date", DATE]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    assert!(
        check.stdout.contains("0 errors, 0 warnings"),
        "{}",
        check.stdout
    );
    site.build(DATE);
    let privacy = site.page("privacy/index.html");
    assert!(
        privacy
            .text(".stamp")
            .starts_with("Last updated: May 24, 2026")
    );
    assert!(
        privacy
            .policy_text()
            .contains("We do not train AI models on your prompts or generations.")
    );
    assert!(
        privacy
            .text(".notice-upcoming")
            .contains("January 15, 2027")
    );
    // The seed's hand-typed stamp is not part of the text.
    assert!(!privacy.policy_text().contains("Last updated: May 24, 2026"));
    // French lags behind on the cookie policy.
    let cookies = site.page("fr/cookies/index.html");
    assert_eq!(cookies.attr("#policy-text", "lang").as_deref(), Some("en"));
    assert!(
        cookies
            .text(".notice-language")
            .contains("pas encore disponible en français")
    );
}

fn copy(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().flatten() {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The shared corpus: 8 versions of GitHub's Community Guidelines, laid
/// out as a site. Their front matter carries keys of GitHub's own site
/// (redirect_from, versions, topics); a legal team importing such history
/// keeps the title and writes a summary, as here from versions.tsv.
pub fn corpus_site() -> Option<TestSite> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/github-site-policy/github-community-guidelines");
    let index = fs::read_to_string(corpus.join("versions.tsv")).ok()?;
    let site = TestSite::empty();
    site.write(
        "content/site.yaml",
        "title: GitHub Docs (corpus)\nbase_url: https://corpus.test\ndefault_locale: en\nlocales: [en]\n",
    );
    for (index, line) in index.lines().skip(1).enumerate() {
        let columns: Vec<&str> = line.split('\t').collect();
        let (subject, file) = (columns[2], columns[4]);
        let version = file.trim_end_matches(".md");
        let source = fs::read_to_string(corpus.join(file)).unwrap();
        let body = source.splitn(3, "---\n").nth(2).unwrap();
        let title = source
            .lines()
            .find_map(|l| l.strip_prefix("title: "))
            .unwrap();
        let summary = if index == 0 {
            String::new()
        } else {
            format!("summary: {:?}\n", subject)
        };
        site.write(
            &format!("content/community-guidelines/{version}/en.md"),
            format!("---\ntitle: {title}\n{summary}---\n{body}"),
        );
    }
    Some(site)
}

#[test]
fn the_shared_corpus_builds_as_a_site() {
    let Some(site) = corpus_site() else {
        eprintln!("../shared/corpus is not here; skipping the corpus build");
        return;
    };
    site.build(DATE);
    let page = site.page("community-guidelines/index.html");
    assert!(
        page.text(".stamp")
            .starts_with("Last updated: September 1, 2022")
    );
    assert_eq!(page.count(".history-list li"), 8);
    // Two versions on one day: the second is numbered.
    assert!(site.output_exists("community-guidelines/2022-02-23-2/index.html"));
    // Liquid tags of GitHub's site are shown as text, never evaluated.
    assert!(
        page.source
            .contains("{% data variables.contact.report_abuse %}")
            || page.policy_text().contains("{% data")
    );
}
