//! `content/site.yaml`: the site's settings, checked for agreement.

use crate::diag::{Code, Diagnostic};
use crate::fields::Fields;
use crate::source::SourceFile;

/// Keys `site.yaml` may have.
pub const KEYS: &[&str] = &[
    "title",
    "base_url",
    "default_locale",
    "prevailing_locale",
    "locales",
    "theme",
    "notice_days",
    "policies",
];

/// The site's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteConfig {
    pub title: String,
    /// Absolute URL without a trailing slash: `https://hexgen.app`.
    pub base_url: String,
    pub default_locale: String,
    /// The legally binding language.
    pub prevailing_locale: String,
    /// Locales in the order the site lists them.
    pub locales: Vec<String>,
    pub theme: String,
    /// Days a material change must be public before it takes effect.
    pub notice_days: u32,
    /// Policy order in the navigation, when given.
    pub policies: Option<Vec<String>>,
}

impl SiteConfig {
    /// The URL prefix of a locale's pages: `""` for the default, `"/de"`.
    pub fn locale_prefix(&self, locale: &str) -> String {
        if locale == self.default_locale {
            String::new()
        } else {
            format!("/{locale}")
        }
    }
}

/// Reads `site.yaml`. Returns `None` when the settings are too broken to
/// build with; every problem found is in `diagnostics`.
pub fn parse(source: &SourceFile, diagnostics: &mut Vec<Diagnostic>) -> Option<SiteConfig> {
    let mut fields = match Fields::parse(source, &source.text, 1, KEYS) {
        Ok(fields) => fields,
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            return None;
        }
    };
    let title = fields.required_string("title", "the site's name, e.g. title: HexGen");
    let base_url = fields
        .required_string(
            "base_url",
            "the address the site is published at, e.g. https://hexgen.app",
        )
        .and_then(|url| check_base_url(&mut fields, url));
    let locales = read_locales(&mut fields);
    let default_locale = fields.required_string("default_locale", "the main language, e.g. en");
    let prevailing_locale = fields.string("prevailing_locale");
    let theme = fields
        .string("theme")
        .unwrap_or_else(|| "default".to_string());
    let notice_days = fields.number("notice_days", 0..=3650).unwrap_or(30);
    let policies = fields.string_list("policies");

    let mut locales_agree = true;
    if let (Some(locales), Some(default_locale)) = (&locales, &default_locale) {
        locales_agree = check_locales_listed(
            &mut fields,
            locales,
            default_locale,
            prevailing_locale.as_deref(),
        );
    }
    check_theme(&mut fields, &theme);
    let config = match (title, base_url, locales, default_locale) {
        (Some(title), Some(base_url), Some(locales), Some(default_locale)) => Some(SiteConfig {
            title,
            base_url,
            prevailing_locale: prevailing_locale.unwrap_or_else(|| default_locale.clone()),
            default_locale,
            locales,
            theme,
            notice_days,
            policies,
        }),
        _ => None,
    };
    diagnostics.extend(fields.finish());
    // Other mistakes (an unknown key, say) are errors the run reports, but
    // content can still be loaded and checked against these settings.
    if locales_agree { config } else { None }
}

fn check_base_url(fields: &mut Fields<'_>, url: String) -> Option<String> {
    let trimmed = url.trim().trim_end_matches('/');
    let valid = (trimmed.starts_with("https://") || trimmed.starts_with("http://"))
        && trimmed.len() > "https://".len()
        && !trimmed.contains(char::is_whitespace)
        && !trimmed.contains(['?', '#']);
    if valid {
        Some(trimmed.to_string())
    } else {
        let diagnostic = fields
            .value_error(
                "base_url",
                Code::ConfigInvalid,
                format!("`base_url` must be an absolute http(s) address, not \"{url}\""),
            )
            .help("for example: base_url: https://hexgen.app");
        fields.push(diagnostic);
        None
    }
}

fn read_locales(fields: &mut Fields<'_>) -> Option<Vec<String>> {
    if !fields.contains("locales") {
        let diagnostic = fields.missing_error(
            "locales",
            "the site's languages, e.g. locales: [en, de, fr]",
        );
        fields.push(diagnostic);
        return None;
    }
    let locales = fields.string_list("locales")?;
    if locales.is_empty() {
        let diagnostic = fields
            .value_error(
                "locales",
                Code::EmptyValue,
                "`locales` is empty".to_string(),
            )
            .help("list at least one language, e.g. locales: [en]");
        fields.push(diagnostic);
        return None;
    }
    for locale in &locales {
        if !is_locale_id(locale) {
            let diagnostic = fields
                .value_error(
                    "locales",
                    Code::ConfigInvalid,
                    format!("\"{locale}\" is not a language code"),
                )
                .help("use language codes such as en, de, fr, pt-br (lower case)");
            fields.push(diagnostic);
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for locale in &locales {
        if !seen.insert(locale) {
            let diagnostic = fields
                .value_error(
                    "locales",
                    Code::ConfigInvalid,
                    format!("\"{locale}\" is listed twice"),
                )
                .help("list each language once");
            fields.push(diagnostic);
        }
    }
    Some(locales)
}

/// A language code as used in URLs and file names: `en`, `de`, `pt-br`.
pub fn is_locale_id(text: &str) -> bool {
    let mut parts = text.split('-');
    let language = parts.next().unwrap_or("");
    (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| {
            (2..=8).contains(&p.len())
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// True when the default and prevailing locales are among `locales`.
fn check_locales_listed(
    fields: &mut Fields<'_>,
    locales: &[String],
    default_locale: &str,
    prevailing: Option<&str>,
) -> bool {
    let mut agree = true;
    let mut listed = vec![("default_locale", default_locale)];
    // Unset, the prevailing locale is the default one, checked already.
    listed.extend(prevailing.map(|p| ("prevailing_locale", p)));
    for (key, locale) in listed {
        if !locales.iter().any(|l| l == locale) {
            let diagnostic = fields
                .value_error(
                    key,
                    Code::ConfigInvalid,
                    format!("`{key}` is \"{locale}\", which is not in `locales`"),
                )
                .help(format!(
                    "add {locale} to locales, or pick one of: {}",
                    locales.join(", ")
                ));
            fields.push(diagnostic);
            agree = false;
        }
    }
    agree
}

fn check_theme(fields: &mut Fields<'_>, theme: &str) {
    if !crate::content::is_slug(theme) {
        let diagnostic = fields
            .value_error(
                "theme",
                Code::ConfigInvalid,
                format!("\"{theme}\" is not a theme folder name"),
            )
            .help("name a folder of themes/, e.g. theme: default");
        fields.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> (Option<SiteConfig>, Vec<Diagnostic>) {
        let source = SourceFile::new("content/site.yaml", text);
        let mut diagnostics = Vec::new();
        let config = parse(&source, &mut diagnostics);
        (config, diagnostics)
    }

    #[test]
    fn defaults_fill_optional_settings() {
        let (config, diagnostics) = parse_text(
            "title: HexGen\nbase_url: https://hexgen.app/\ndefault_locale: en\nlocales: [en, de]\n",
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let config = config.unwrap();
        assert_eq!(config.base_url, "https://hexgen.app");
        assert_eq!(config.prevailing_locale, "en");
        assert_eq!(config.theme, "default");
        assert_eq!(config.notice_days, 30);
        assert_eq!(config.locale_prefix("de"), "/de");
        assert_eq!(config.locale_prefix("en"), "");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let (config, diagnostics) = parse_text(
            "title: HexGen\nbase_url: hexgen.app\ndefault_locale: it\nlocales: [en, DE]\nnotice_day: 3\n",
        );
        assert!(config.is_none());
        let codes: Vec<_> = diagnostics.iter().map(|d| (d.code, d.line)).collect();
        assert!(codes.contains(&(Code::ConfigInvalid, Some(2))), "{codes:?}");
        assert!(codes.contains(&(Code::ConfigInvalid, Some(3))), "{codes:?}");
        assert!(codes.contains(&(Code::ConfigInvalid, Some(4))), "{codes:?}");
        assert!(codes.contains(&(Code::UnknownKey, Some(5))), "{codes:?}");
    }

    #[test]
    fn locale_ids() {
        assert!(is_locale_id("en"));
        assert!(is_locale_id("pt-br"));
        assert!(!is_locale_id("EN"));
        assert!(!is_locale_id("e"));
        assert!(!is_locale_id("en_US"));
    }
}
