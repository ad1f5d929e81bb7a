//! Notices of upcoming material changes, generated from the content so no
//! one retypes them: `/notices.json` (per locale) for the app's banner, and
//! an email body per version and locale (`notice.html`, `notice.txt`) from
//! the theme's notice templates.

use serde::Serialize;

use super::pages::{iso, policy_title_in, summary};
use super::{Build, OutputFile};
use crate::diag::Diagnostic;
use crate::model::{Entry, Timeline};

/// One notice, in one locale.
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    /// Stable per policy version: `privacy/2027-01-15`.
    pub id: String,
    pub policy: String,
    pub version: String,
    #[serde(skip)]
    pub version_id: crate::model::VersionId,
    /// The reader's locale.
    pub locale: String,
    /// Language of `title` and `summary` (the prevailing one where the
    /// locale has no translation).
    pub lang: String,
    pub title: String,
    pub summary: Option<String>,
    /// Sections that change, by their headings in the new version.
    pub sections: Vec<String>,
    pub effective: String,
    pub published: String,
    /// Show the banner from this day...
    pub show_from: String,
    /// ... through this day (inclusive): the day the version takes effect.
    pub show_until: String,
    /// The new version's page.
    pub url: String,
    /// What changed, word by word.
    pub compare_url: Option<String>,
    /// The version in effect until then.
    pub current_url: String,
    pub email_html_url: String,
    pub email_text_url: String,
}

/// Sections that change between two versions of a policy, in a locale
/// (from the redline); filled in by the compare stage.
pub type SectionsOf<'a> = dyn Fn(&Timeline<'_>, Entry<'_>, &str) -> Vec<String> + Sync + 'a;

/// The notices a locale shows today: one per upcoming material version.
pub fn notices(build: &Build<'_>, locale: &str, sections: &SectionsOf<'_>) -> Vec<Notice> {
    let urls = &build.urls;
    let mut notices = Vec::new();
    for timeline in &build.timelines {
        for entry in timeline.upcoming().filter(|e| e.version.material) {
            let version = entry.version;
            let slug = &timeline.policy.slug;
            let Some(shown) = build.shown(version, locale) else {
                continue;
            };
            let (title, lang) = policy_title_in(build, timeline, locale)
                .filter(|_| !shown.fallback)
                .unwrap_or_else(|| (shown.text.front.title.clone(), shown.text.locale.clone()));
            let previous = timeline.previous(version.id);
            notices.push(Notice {
                id: format!("{slug}/{}", version.id),
                policy: slug.clone(),
                version: version.id.to_string(),
                version_id: version.id,
                locale: locale.to_string(),
                lang,
                title,
                summary: summary(build, version, shown).map(|(text, _)| text),
                sections: sections(timeline, entry, locale),
                effective: iso(version.effective()),
                published: iso(version.published),
                show_from: iso(version.published),
                show_until: iso(version.effective()),
                url: urls.absolute(&urls.version(locale, slug, version.id)),
                compare_url: previous
                    .map(|p| urls.absolute(&urls.compare(locale, slug, p.version.id, version.id))),
                current_url: urls.absolute(&urls.policy(locale, slug)),
                email_html_url: urls.absolute(&urls.notice(locale, slug, version.id, "html")),
                email_text_url: urls.absolute(&urls.notice(locale, slug, version.id, "txt")),
            });
        }
    }
    notices.sort_by(|a, b| (&a.effective, &a.id).cmp(&(&b.effective, &b.id)));
    notices
}

#[derive(Serialize)]
struct NoticesFile<'a> {
    schema: u32,
    locale: &'a str,
    notices: &'a [Notice],
}

#[derive(Serialize)]
struct EmailView<'a> {
    lang: &'a str,
    dir: &'static str,
    site_title: &'a str,
    notice: &'a Notice,
    text_dir: &'static str,
}

/// `notices.json` per locale, and the email bodies of each notice.
pub fn files(build: &Build<'_>, sections: &SectionsOf<'_>) -> Result<Vec<OutputFile>, Diagnostic> {
    let mut files = Vec::new();
    for locale in &build.site.config.locales {
        let notices = notices(build, locale, sections);
        let json = NoticesFile {
            schema: super::json::SCHEMA,
            locale,
            notices: &notices,
        };
        let mut bytes = serde_json::to_vec_pretty(&json).unwrap_or_default();
        bytes.push(b'\n');
        files.push(OutputFile {
            path: build
                .urls
                .notices_json(locale)
                .trim_start_matches('/')
                .to_string(),
            bytes,
        });
        for notice in &notices {
            for extension in ["html", "txt"] {
                let body = email(build, notice, extension)?;
                let path = build
                    .urls
                    .notice(locale, &notice.policy, notice.version_id, extension);
                files.push(OutputFile {
                    path: path.trim_start_matches('/').to_string(),
                    bytes: body.into_bytes(),
                });
            }
        }
    }
    Ok(files)
}

/// The plain-text email body of a notice.
pub fn email_text(build: &Build<'_>, notice: &Notice) -> Result<String, Diagnostic> {
    email(build, notice, "txt")
}

/// A notice's email body from the theme's `notice.<extension>` template.
fn email(build: &Build<'_>, notice: &Notice, extension: &str) -> Result<String, Diagnostic> {
    let view = EmailView {
        lang: &notice.locale,
        dir: build.i18n.dir(&notice.locale),
        site_title: &build.site.config.title,
        notice,
        text_dir: build.i18n.dir(&notice.lang),
    };
    build.templates.render(&format!("notice.{extension}"), view)
}
