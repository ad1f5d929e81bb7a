//! Interface strings and dates in the reader's language.
//!
//! Strings come from the theme's `i18n/<locale>.yaml`: flat `key: text`
//! lines, `{name}` placeholders. Four keys describe the language itself:
//! `language_name` (its own name: "Deutsch"), `dir` (`ltr`/`rtl`),
//! `date_format` (chrono's strftime: `%-d. %B %Y`) and `chrono_locale`
//! (`de_DE`, for month names). A key missing in a locale falls back to the
//! default locale's file, which defines the set of keys.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;
use rustc_hash::FxHashMap;

use crate::config::SiteConfig;
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::source::SourceFile;
use crate::theme::Theme;
use crate::yaml::{self, Value};

/// The interface strings of every locale of a site.
#[derive(Debug, Clone)]
pub struct I18n {
    default_locale: String,
    locales: BTreeMap<String, Strings>,
    /// Dates already formatted, per locale: a site shows the same few
    /// version dates on thousands of pages (changelogs, feeds, the links
    /// between comparisons), and localized formatting is slow.
    formatted_dates: Arc<RwLock<FormattedDates>>,
}

type FormattedDates = FxHashMap<String, FxHashMap<NaiveDate, String>>;

/// One locale's strings.
#[derive(Debug, Clone, Default)]
struct Strings {
    map: BTreeMap<String, String>,
}

impl I18n {
    /// Loads the theme's strings for every site locale (every layer of the
    /// theme, merged key by key) and reports what is missing, unknown or
    /// mistyped.
    pub fn load(theme: &Theme, config: &SiteConfig) -> (I18n, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let mut locales = BTreeMap::new();
        let mut sources: BTreeMap<String, Vec<SourceFile>> = BTreeMap::new();
        for locale in &config.locales {
            let layers = match theme.read_layers(&format!("i18n/{locale}.yaml")) {
                Ok(layers) => layers,
                Err(diagnostic) => {
                    diagnostics.push(diagnostic);
                    continue;
                }
            };
            if layers.is_empty() {
                diagnostics.push(
                    Diagnostic::warning(
                        Code::I18nMissingFile,
                        format!(
                            "the theme has no interface strings for \"{locale}\"; pages in {locale} use the {} strings",
                            config.default_locale
                        ),
                    )
                    .in_file(format!("themes/{}/i18n/{locale}.yaml", config.theme))
                    .help(format!(
                        "copy i18n/{}.yaml of the theme to i18n/{locale}.yaml and translate it",
                        config.default_locale
                    )),
                );
                continue;
            }
            let mut merged = Strings::default();
            for layer in layers {
                if let Some((source, strings)) =
                    parse_file(&layer.display, &layer.bytes, &mut diagnostics)
                {
                    merged.map.extend(strings.map);
                    sources.entry(locale.clone()).or_default().push(source);
                }
            }
            locales.insert(locale.clone(), merged);
        }
        let i18n = I18n {
            default_locale: config.default_locale.clone(),
            locales,
            formatted_dates: Arc::default(),
        };
        diagnostics.extend(i18n.compare_keys(&sources));
        (i18n, diagnostics)
    }

    /// Builds strings directly (tests and tools).
    pub fn from_maps(
        default_locale: &str,
        maps: BTreeMap<String, BTreeMap<String, String>>,
    ) -> I18n {
        I18n {
            default_locale: default_locale.to_string(),
            locales: maps
                .into_iter()
                .map(|(l, map)| (l, Strings { map }))
                .collect(),
            formatted_dates: Arc::default(),
        }
    }

    /// The locales with interface strings.
    pub fn locales(&self) -> impl Iterator<Item = &str> {
        self.locales.keys().map(String::as_str)
    }

    /// Every key the default locale defines.
    pub fn keys(&self) -> Vec<&str> {
        self.locales
            .get(&self.default_locale)
            .map(|s| s.map.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// Keys missing in a locale (they fall back to the default locale's)
    /// and keys the default locale does not have (typos).
    fn compare_keys(&self, sources: &BTreeMap<String, Vec<SourceFile>>) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        let Some(reference) = self.locales.get(&self.default_locale) else {
            return diagnostics;
        };
        let reference_keys: Vec<&str> = reference.map.keys().map(String::as_str).collect();
        for (locale, strings) in &self.locales {
            if *locale == self.default_locale {
                continue;
            }
            let files = sources.get(locale).map(Vec::as_slice).unwrap_or_default();
            let display = files.last().map_or_else(String::new, |f| f.path.clone());
            // A language may have fewer plural forms (`_one`) than the
            // default one, as long as it has `_other`.
            let missing: Vec<&str> = reference_keys
                .iter()
                .copied()
                .filter(|k| !strings.map.contains_key(*k) && !is_plural_sibling(k, &strings.map))
                .collect();
            if !missing.is_empty() {
                diagnostics.push(
                    Diagnostic::warning(
                        Code::I18nMissingKey,
                        format!(
                            "{} interface string{} missing in \"{locale}\" (the {} text is shown instead): {}",
                            missing.len(),
                            if missing.len() == 1 { " is" } else { "s are" },
                            self.default_locale,
                            missing.join(", ")
                        ),
                    )
                    .in_file(display.clone())
                    .help(format!("add the keys with their translation; see i18n/{}.yaml", self.default_locale)),
                );
            }
            for key in strings.map.keys().filter(|k| {
                !reference.map.contains_key(*k) && !is_plural_sibling(k, &reference.map)
            }) {
                let help = match did_you_mean(key, &reference_keys) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "i18n/{}.yaml has no such key; remove it",
                        self.default_locale
                    ),
                };
                let mut diagnostic = Diagnostic::warning(
                    Code::I18nUnknownKey,
                    format!("unknown interface string `{key}`"),
                )
                .in_file(display.clone())
                .help(help);
                let found = files
                    .iter()
                    .rev()
                    .find_map(|source| find_key(&source.text, key).map(|offset| (source, offset)));
                if let Some((source, offset)) = found {
                    diagnostic = diagnostic.at(source, offset..offset + key.len());
                }
                diagnostics.push(diagnostic);
            }
        }
        diagnostics
    }

    /// The locale whose strings stand in for missing ones.
    pub fn default_locale(&self) -> &str {
        &self.default_locale
    }

    fn strings(&self, locale: &str) -> Option<&Strings> {
        self.locales.get(locale)
    }

    /// A string in `locale`, else in the default locale.
    pub fn get(&self, locale: &str, key: &str) -> Option<&str> {
        self.strings(locale)
            .and_then(|s| s.map.get(key))
            .or_else(|| {
                self.strings(&self.default_locale)
                    .and_then(|s| s.map.get(key))
            })
            .map(String::as_str)
    }

    /// A string for a count, by the plural rules of `locale`: the
    /// `<key>_<category>` string (`words_added_one`, `words_added_other`;
    /// Arabic also has `_zero`, `_two`, `_few`, `_many`), else `<key>_other`,
    /// else `<key>`; in `locale`, else in the default locale.
    pub fn plural(&self, locale: &str, key: &str, count: u64) -> Option<&str> {
        let category = plural_category(locale, count);
        let candidates = [
            format!("{key}_{category}"),
            format!("{key}_other"),
            key.to_string(),
        ];
        [locale, self.default_locale.as_str()].iter().find_map(|l| {
            let strings = self.strings(l)?;
            candidates
                .iter()
                .find_map(|k| strings.map.get(k))
                .map(String::as_str)
        })
    }

    /// A string with its `{name}` placeholders filled.
    pub fn text(&self, locale: &str, key: &str, args: &[(&str, &str)]) -> Option<String> {
        self.get(locale, key).map(|template| fill(template, args))
    }

    /// `rtl` or `ltr`.
    pub fn dir(&self, locale: &str) -> &'static str {
        if self.get(locale, "dir") == Some("rtl") || is_rtl(locale) {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// The language's name in itself ("Deutsch").
    pub fn language_name(&self, locale: &str) -> String {
        self.strings(locale)
            .and_then(|s| s.map.get("language_name"))
            .cloned()
            .unwrap_or_else(|| locale.to_string())
    }

    /// The name of language `of` in the reader's language `reader`
    /// ("Englisch" for German readers): the `name_of_<locale>` string,
    /// else the language's own name.
    pub fn language_name_in(&self, reader: &str, of: &str) -> String {
        self.get(reader, &format!("name_of_{of}"))
            .map_or_else(|| self.language_name(of), str::to_string)
    }

    /// A date as readers of `locale` write it: "May 24, 2026", "24. Mai 2026".
    pub fn format_date(&self, locale: &str, date: NaiveDate) -> String {
        if let Ok(formatted) = self.formatted_dates.read()
            && let Some(text) = formatted.get(locale).and_then(|dates| dates.get(&date))
        {
            return text.clone();
        }
        let text = self.format_date_uncached(locale, date);
        if let Ok(mut formatted) = self.formatted_dates.write() {
            formatted
                .entry(locale.to_string())
                .or_default()
                .insert(date, text.clone());
        }
        text
    }

    fn format_date_uncached(&self, locale: &str, date: NaiveDate) -> String {
        let format = self.get(locale, "date_format").unwrap_or("%Y-%m-%d");
        let chrono_locale = self
            .get(locale, "chrono_locale")
            .and_then(|name| chrono::Locale::try_from(name).ok())
            .unwrap_or(chrono::Locale::POSIX);
        let mut out = String::new();
        use std::fmt::Write;
        // An invalid format string in a theme file must not abort the build:
        // fall back to ISO dates, which every reader understands.
        if write!(out, "{}", date.format_localized(format, chrono_locale)).is_err() {
            out = date.format("%Y-%m-%d").to_string();
        }
        out
    }
}

/// The CLDR plural category of a count in a language (integers only).
pub fn plural_category(locale: &str, n: u64) -> &'static str {
    match locale.split('-').next().unwrap_or(locale) {
        "ar" => match n {
            0 => "zero",
            1 => "one",
            2 => "two",
            _ if (3..=10).contains(&(n % 100)) => "few",
            _ if (11..=99).contains(&(n % 100)) => "many",
            _ => "other",
        },
        "fr" | "pt" => {
            if n <= 1 {
                "one"
            } else {
                "other"
            }
        }
        "ja" | "zh" | "ko" => "other",
        _ => {
            if n == 1 {
                "one"
            } else {
                "other"
            }
        }
    }
}

/// A key's plural siblings count as known keys: `x_few` is fine wherever
/// `x_other` is.
fn is_plural_sibling(key: &str, known: &BTreeMap<String, String>) -> bool {
    ["_zero", "_one", "_two", "_few", "_many", "_other"]
        .iter()
        .any(|suffix| {
            key.strip_suffix(suffix)
                .is_some_and(|base| known.contains_key(&format!("{base}_other")))
        })
}

/// Scripts written right to left, for locales whose theme file says nothing.
fn is_rtl(locale: &str) -> bool {
    matches!(
        locale.split('-').next(),
        Some("ar" | "he" | "fa" | "ur" | "yi" | "ps" | "dv" | "ckb")
    )
}

/// Replaces each `{name}` with its value, in one pass: a value is never
/// read as a template, so a title that contains `{date}` stays as written.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let extra: usize = args.iter().map(|(_, value)| value.len()).sum();
    let mut out = String::with_capacity(template.len() + extra);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let named = after.find('}').and_then(|end| {
            let value = args.iter().find(|(name, _)| *name == &after[..end])?.1;
            Some((end, value))
        });
        match named {
            Some((end, value)) => {
                out.push_str(value);
                rest = &after[end + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn find_key(text: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with(key) && line[key.len()..].starts_with(':') {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

fn parse_file(
    display: &str,
    bytes: &[u8],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(SourceFile, Strings)> {
    let source = match crate::source::decode(display, bytes) {
        Ok(source) => source,
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            return None;
        }
    };
    let entries = match yaml::parse_mapping(&source.text) {
        Ok(entries) => entries,
        Err(error) => {
            diagnostics.push(
                Diagnostic::error(
                    if error.tab {
                        Code::YamlTab
                    } else {
                        Code::YamlSyntax
                    },
                    error.message,
                )
                .in_file(display.to_string())
                .at_line_col(
                    error.line,
                    error.column,
                    source.line_text(error.line).to_string(),
                    1,
                )
                .help(error.help),
            );
            return None;
        }
    };
    let mut map = BTreeMap::new();
    for entry in entries {
        match entry.value {
            Value::String(text) | Value::Number(text) => {
                map.insert(entry.key, text);
            }
            other => {
                let line = source.line_text(entry.line).to_string();
                let span = line.chars().count().saturating_sub(entry.value_column - 1);
                diagnostics.push(
                    Diagnostic::error(
                        Code::I18nWrongType,
                        format!("`{}` must be text, not {}", entry.key, other.kind()),
                    )
                    .in_file(display.to_string())
                    .at_line_col(entry.line, entry.value_column, line, span)
                    .help(format!(
                        "write it as one line of text: {}: \"...\"",
                        entry.key
                    )),
                );
            }
        }
    }
    Some((source, Strings { map }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn i18n() -> I18n {
        let mut maps = BTreeMap::new();
        for (locale, format, chrono) in [
            ("en", "%B %-d, %Y", "en_US"),
            ("de", "%-d. %B %Y", "de_DE"),
            ("fr", "%-d %B %Y", "fr_FR"),
            ("es", "%-d de %B de %Y", "es_ES"),
        ] {
            let mut map = BTreeMap::new();
            map.insert("date_format".to_string(), format.to_string());
            map.insert("chrono_locale".to_string(), chrono.to_string());
            maps.insert(locale.to_string(), map);
        }
        maps.get_mut("en")
            .unwrap()
            .insert("hello".into(), "Hello {name}".into());
        I18n::from_maps("en", maps)
    }

    #[test]
    fn placeholders_are_filled_once_and_values_are_not_templates() {
        let args = [("title", "Terms {date}"), ("date", "May 24")];
        assert_eq!(
            fill("{title} changed on {date} ({unknown}) {{date}}", &args),
            "Terms {date} changed on May 24 ({unknown}) {May 24}"
        );
        assert_eq!(fill("no placeholders {", &args), "no placeholders {");
    }

    #[test]
    fn dates_read_as_each_language_writes_them() {
        let date = NaiveDate::from_ymd_opt(2026, 5, 24).unwrap();
        let i18n = i18n();
        assert_eq!(i18n.format_date("en", date), "May 24, 2026");
        assert_eq!(i18n.format_date("de", date), "24. Mai 2026");
        assert_eq!(i18n.format_date("fr", date), "24 mai 2026");
        assert_eq!(i18n.format_date("es", date), "24 de mayo de 2026");
    }

    #[test]
    fn missing_strings_fall_back_to_the_default_locale() {
        let i18n = i18n();
        assert_eq!(
            i18n.text("de", "hello", &[("name", "Ana")]).as_deref(),
            Some("Hello Ana")
        );
        assert_eq!(i18n.get("de", "nothing"), None);
        assert_eq!(i18n.dir("ar"), "rtl");
        assert_eq!(i18n.dir("de"), "ltr");
    }
}
