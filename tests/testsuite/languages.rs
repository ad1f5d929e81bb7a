//! Languages (SPEC "Languages") on the `multilingual` fixture: en, de, fr,
//! es and ar (right to left). On this day privacy 2026-03-01 is in effect,
//! translated into fr and ar; de has only 2025-01-10; es has none. Terms
//! exist in en and es.

use crate::support::TestSite;

const DATE: &str = "2026-11-30";

fn built() -> TestSite {
    let site = TestSite::fixture("multilingual");
    site.build(DATE);
    site
}

#[test]
fn a_full_translation_says_which_language_prevails() {
    let site = built();
    let page = site.page("fr/privacy/index.html");
    assert_eq!(page.attr("#policy-text", "lang").as_deref(), Some("fr"));
    assert!(page.policy_text().starts_with("Nous collectons"));
    assert!(
        page.text(".stamp")
            .starts_with("Dernière mise à jour : 1 mars 2026")
    );
    let notice = page.text(".notice-language");
    assert!(notice.contains("Ceci est une traduction. En cas de divergence avec le texte en anglais, le texte en anglais prévaut."), "{notice}");
    assert_eq!(
        page.attr(".notice-language a", "href").as_deref(),
        Some("/privacy/2026-03-01/")
    );
    assert_eq!(
        page.attr(".notice-language a", "hreflang").as_deref(),
        Some("en")
    );
}

#[test]
fn a_lagging_translation_shows_the_prevailing_text_and_links_the_older_one() {
    let site = built();
    let page = site.page("de/privacy/index.html");
    assert_eq!(page.attr("html", "lang").as_deref(), Some("de"));
    assert_eq!(page.attr("#policy-text", "lang").as_deref(), Some("en"));
    assert_eq!(
        page.policy_text(),
        "We collect your email address. Your rights You can ask for a copy of your data, or for its deletion."
    );
    assert!(page.text(".notice-language").contains("Dieses Dokument liegt noch nicht auf Deutsch vor. Sie lesen den Text auf Englisch; er ist die geltende Fassung."));
    assert_eq!(
        page.attr(".notice-language a", "href").as_deref(),
        Some("/de/privacy/2025-01-10/")
    );
    assert!(
        page.text(".notice-language a")
            .contains("Fassung vom 10. Januar 2025")
    );
    // The older translation says it is an earlier version.
    let older = site.page("de/privacy/2025-01-10/index.html");
    assert_eq!(older.attr("#policy-text", "lang").as_deref(), Some("de"));
    assert!(older.text(".notice-archived").contains(
        "Dies ist eine frühere Fassung. Sie galt vom 10. Januar 2025 bis zum 1. März 2026"
    ));
}

#[test]
fn a_missing_translation_is_explained_in_the_readers_language() {
    let site = built();
    let page = site.page("es/privacy/index.html");
    assert_eq!(page.attr("#policy-text", "lang").as_deref(), Some("en"));
    assert!(page.text(".notice-language").contains("Este documento aún no está disponible en español. Está leyendo el texto en inglés, que es la versión aplicable."));
    assert_eq!(
        page.count(".notice-language a"),
        0,
        "no older Spanish translation to link"
    );
    assert_eq!(
        page.attr("nav.site-nav a[href='/es/privacy/']", "lang")
            .as_deref(),
        Some("en")
    );
    assert_eq!(page.attr("nav.site-nav a[href='/es/terms/']", "lang"), None);
}

#[test]
fn right_to_left_locales_are_marked() {
    let site = built();
    let page = site.page("ar/privacy/index.html");
    assert_eq!(page.attr("html", "lang").as_deref(), Some("ar"));
    assert_eq!(page.attr("html", "dir").as_deref(), Some("rtl"));
    assert_eq!(page.attr("#policy-text", "dir").as_deref(), Some("rtl"));
    assert!(
        page.text(".stamp").starts_with("آخر تحديث: 1 مارس 2026"),
        "{}",
        page.text(".stamp")
    );
    // English text on an Arabic page keeps its own direction.
    let terms = site.page("ar/terms/index.html");
    assert_eq!(terms.attr("html", "dir").as_deref(), Some("rtl"));
    assert_eq!(terms.attr("#policy-text", "lang").as_deref(), Some("en"));
    assert_eq!(terms.attr("#policy-text", "dir").as_deref(), Some("ltr"));
}

#[test]
fn the_theme_mirrors_with_logical_properties_only() {
    let css = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/themes/default/static/style.css"
    ))
    .unwrap();
    for physical in [
        "margin-left",
        "margin-right",
        "padding-left",
        "padding-right",
        "text-align: left",
        "text-align: right",
        // Floats only to a logical side (inline-start/end).
        "float: left",
        "float: right",
        "border-left",
        "border-right",
        " left:",
        " right:",
    ] {
        assert!(!css.contains(physical), "the theme uses {physical}");
    }
}

#[test]
fn every_page_exists_in_every_locale() {
    let site = built();
    let english: Vec<String> = site
        .output_tree()
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| {
            p.ends_with(".html")
                && !["de/", "fr/", "es/", "ar/"]
                    .iter()
                    .any(|l| p.starts_with(l))
        })
        .collect();
    assert!(english.len() > 8);
    for locale in ["de", "fr", "es", "ar"] {
        for page in &english {
            assert!(
                site.output_exists(&format!("{locale}/{page}")),
                "{locale}/{page} is missing"
            );
        }
    }
}

#[test]
fn the_switcher_goes_to_the_same_page_in_each_language() {
    let site = built();
    let page = site.page("de/privacy/2025-01-10/index.html");
    let targets = page.attrs(".languages a", "href");
    assert_eq!(
        targets,
        [
            "/privacy/2025-01-10/",
            "/de/privacy/2025-01-10/",
            "/fr/privacy/2025-01-10/",
            "/es/privacy/2025-01-10/",
            "/ar/privacy/2025-01-10/"
        ]
    );
    assert_eq!(
        page.attrs(".languages a", "lang"),
        ["en", "de", "fr", "es", "ar"]
    );
    assert_eq!(page.text(".languages a[aria-current]"), "Deutsch");
    for target in targets {
        assert!(site.output_exists(&format!("{}index.html", target.trim_start_matches('/'))));
    }
    // On the portal, choosing English must not be undone by the language
    // redirect of "/".
    let portal = site.page("de/index.html");
    assert_eq!(
        portal.attr(".languages a[lang=en]", "href").as_deref(),
        Some("/?lang=en")
    );
}

#[test]
fn hreflang_lists_real_translations_only() {
    let site = built();
    let page = site.page("privacy/index.html");
    let alternates: Vec<(String, String)> = page
        .attrs("link[rel=alternate][hreflang]", "hreflang")
        .into_iter()
        .zip(page.attrs("link[rel=alternate][hreflang]", "href"))
        .collect();
    let expect = |l: &str, u: &str| (l.to_string(), u.to_string());
    assert_eq!(
        alternates,
        [
            expect("en", "https://example.test/privacy/"),
            expect("fr", "https://example.test/fr/privacy/"),
            expect("ar", "https://example.test/ar/privacy/"),
            expect("x-default", "https://example.test/privacy/"),
        ]
    );
    // The portal is translated everywhere.
    assert_eq!(
        site.page("index.html")
            .count("link[rel=alternate][hreflang]"),
        6
    );
    let sitemap = site.output("sitemap.xml");
    let block = sitemap
        .split("<url>")
        .find(|u| u.contains("<loc>https://example.test/fr/privacy/</loc>"))
        .unwrap();
    assert!(block.contains(r#"hreflang="ar" href="https://example.test/ar/privacy/""#));
    assert!(!block.contains("hreflang=\"de\""), "{block}");
    assert!(!sitemap.contains("<loc>https://example.test/es/privacy/</loc>"));
}

#[test]
fn check_prints_the_translation_table() {
    let site = TestSite::fixture("multilingual");
    let run = site.run(&["check", "--date", DATE]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    insta::assert_snapshot!("translation_table", run.stdout);
    let json = site.run(&["check", "--date", DATE, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let privacy = &report["translations"][0];
    assert_eq!(privacy["policy"], "privacy");
    assert_eq!(
        privacy["locales"][1],
        serde_json::json!({"locale": "de", "status": "outdated", "version": "2025-01-10", "upcoming_missing": []})
    );
    assert_eq!(privacy["locales"][3]["status"], "missing");
}

#[test]
fn netlify_redirects_only_the_portal_by_language() {
    let site = built();
    let redirects = site.output("_redirects");
    let rules: Vec<&str> = redirects.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        rules,
        [
            "/  lang=:lang  /index.html  200!",
            "/  /de/  302!  Language=de",
            "/  /fr/  302!  Language=fr",
            "/  /es/  302!  Language=es",
            "/  /ar/  302!  Language=ar",
            "/de/*  /de/404.html  404",
            "/fr/*  /fr/404.html  404",
            "/es/*  /es/404.html  404",
            "/ar/*  /ar/404.html  404",
        ]
    );
    assert!(
        site.page("ar/404.html")
            .text("h1")
            .contains("الصفحة غير موجودة")
    );
}

#[test]
fn interface_string_problems_are_reported() {
    let site = TestSite::fixture("multilingual");
    site.write(
        "themes/default/i18n/de.yaml",
        "last_updatd: \"Stand: {date}\"\n",
    );
    site.write("content/site.yaml", "title: Example\nbase_url: https://example.test\ndefault_locale: en\nlocales: [en, de, fr, es, ar, it]\n");
    let run = site.run(&["check", "--date", DATE]);
    assert_eq!(run.code, 0, "warnings only:\n{}", run.stdout);
    assert!(
        run.stdout
            .contains("warning[i18n-unknown-key]: unknown interface string `last_updatd`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("help: did you mean `last_updated`?"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("warning[i18n-missing-file]: the theme has no interface strings for \"it\""),
        "{}",
        run.stdout
    );
    // A theme's own file lacking keys: they fall back to English.
    let custom = TestSite::fixture("multilingual");
    custom.write("content/site.yaml", "title: Example\nbase_url: https://example.test\ndefault_locale: en\nlocales: [en, de]\ntheme: plain\n");
    custom.write(
        "themes/plain/i18n/en.yaml",
        std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/themes/default/i18n/en.yaml"
        ))
        .unwrap()
        .replace(
            "skip_to_content: Skip to content\n",
            "skip_to_content: Skip to content\nextra_note: Only in English\n",
        ),
    );
    let run = custom.run(&["check", "--date", DATE]);
    assert!(run.stdout.contains("warning[i18n-missing-key]: 1 interface string is missing in \"de\" (the en text is shown instead): extra_note"), "{}", run.stdout);
}
