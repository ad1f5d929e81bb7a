//! Typed values out of YAML key/value files (front matter, `site.yaml`),
//! with a diagnostic at the file's own line and column for every key that
//! is unknown, mistyped or impossible, all reported in one pass.

use chrono::{Datelike, NaiveDate};

use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::source::SourceFile;
use crate::yaml::{self, Entry, Value};

/// The entries of one YAML mapping inside a source file.
pub struct Fields<'a> {
    source: &'a SourceFile,
    /// 1-based line of the file where the YAML text starts.
    first_line: usize,
    entries: Vec<Entry>,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Fields<'a> {
    /// Parses `yaml` (which starts at `first_line` of `source`), reporting a
    /// syntax error, or every key not in `known` with a suggestion.
    pub fn parse(
        source: &'a SourceFile,
        yaml_text: &str,
        first_line: usize,
        known: &[&str],
    ) -> Result<Fields<'a>, Diagnostic> {
        let entries = yaml::parse_mapping(yaml_text).map_err(|error| {
            let line = first_line + error.line - 1;
            let code = if error.tab {
                Code::YamlTab
            } else {
                Code::YamlSyntax
            };
            Diagnostic::error(code, error.message)
                .in_file(source.path.clone())
                .at_line_col(line, error.column, source.line_text(line).to_string(), 1)
                .help(error.help)
        })?;
        let mut fields = Fields {
            source,
            first_line,
            entries,
            diagnostics: Vec::new(),
        };
        fields.report_unknown(known);
        Ok(fields)
    }

    fn report_unknown(&mut self, known: &[&str]) {
        let unknown: Vec<(String, usize, usize)> = self
            .entries
            .iter()
            .filter(|e| !known.contains(&e.key.as_str()))
            .map(|e| (e.key.clone(), e.line, e.column))
            .collect();
        for (key, line, column) in unknown {
            let help = match did_you_mean(&key, known) {
                Some(suggestion) => format!("did you mean `{suggestion}`?"),
                None => format!("the keys allowed here are: {}", known.join(", ")),
            };
            let diagnostic = self
                .diagnostic_at(
                    Code::UnknownKey,
                    format!("unknown key `{key}`"),
                    line,
                    column,
                    key.chars().count(),
                )
                .help(help);
            self.diagnostics.push(diagnostic);
        }
    }

    /// The diagnostics found so far; call after reading every field.
    pub fn finish(self) -> Vec<Diagnostic> {
        self.diagnostics
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.entry(key).is_some()
    }

    fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    /// The raw value of a key, for callers with their own shape.
    pub fn value(&self, key: &str) -> Option<&Value> {
        self.entry(key).map(|e| &e.value)
    }

    /// A diagnostic at a 1-based line and column of the YAML text.
    fn diagnostic_at(
        &self,
        code: Code,
        message: String,
        yaml_line: usize,
        column: usize,
        span: usize,
    ) -> Diagnostic {
        let line = self.first_line + yaml_line - 1;
        Diagnostic::error(code, message)
            .in_file(self.source.path.clone())
            .at_line_col(line, column, self.source.line_text(line).to_string(), span)
    }

    /// A diagnostic pointing at a key's value.
    pub fn value_error(&self, key: &str, code: Code, message: String) -> Diagnostic {
        match self.entry(key) {
            Some(entry) => {
                let line = self.first_line + entry.line - 1;
                let text = self.source.line_text(line);
                let rest: String = text.chars().skip(entry.value_column - 1).collect();
                let span = rest.trim_end().chars().count().max(1);
                self.diagnostic_at(code, message, entry.line, entry.value_column, span)
            }
            None => Diagnostic::error(code, message).in_file(self.source.path.clone()),
        }
    }

    /// A diagnostic pointing at the first line of the YAML (for a missing key).
    pub fn missing_error(&self, key: &str, what: &str) -> Diagnostic {
        let line = self.first_line.saturating_sub(1).max(1);
        Diagnostic::error(Code::MissingKey, format!("`{key}` is missing"))
            .in_file(self.source.path.clone())
            .at_line_col(line, 1, self.source.line_text(line).to_string(), 3)
            .help(format!("add a line `{key}: ...` with {what}"))
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn wrong_type(&mut self, key: &str, expected: &str, example: &str) {
        let Some(value) = self.value(key) else {
            return;
        };
        let message = format!("`{key}` must be {expected}, not {}", value.describe());
        let diagnostic = self
            .value_error(key, Code::WrongType, message)
            .help(format!("for example: {key}: {example}"));
        self.push(diagnostic);
    }

    /// Text. Numbers and booleans are read as the text they are written as.
    pub fn string(&mut self, key: &str) -> Option<String> {
        match self.value(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null => None,
            _ => {
                self.wrong_type(key, "text", "some words");
                None
            }
        }
    }

    /// Text that must be present and not blank.
    pub fn required_string(&mut self, key: &str, what: &str) -> Option<String> {
        if !self.contains(key) {
            let diagnostic = self.missing_error(key, what);
            self.push(diagnostic);
            return None;
        }
        match self.string(key) {
            Some(s) if !s.trim().is_empty() => Some(s),
            Some(_) | None if self.has_type_error_for(key) => None,
            _ => {
                let diagnostic = self
                    .value_error(key, Code::EmptyValue, format!("`{key}` is empty"))
                    .help(format!("write {what}"));
                self.push(diagnostic);
                None
            }
        }
    }

    fn has_type_error_for(&self, key: &str) -> bool {
        matches!(self.value(key), Some(Value::List(_) | Value::Map(_)))
    }

    pub fn bool(&mut self, key: &str) -> Option<bool> {
        match self.value(key)? {
            Value::Bool(b) => Some(*b),
            Value::Null => None,
            _ => {
                self.wrong_type(key, "true or false", "true");
                None
            }
        }
    }

    /// A whole number in `range`.
    pub fn number(&mut self, key: &str, range: std::ops::RangeInclusive<u32>) -> Option<u32> {
        let value = self.value(key)?.clone();
        match value {
            Value::Number(n) => match n.parse::<u32>() {
                Ok(v) if range.contains(&v) => Some(v),
                _ => {
                    let message = format!(
                        "`{key}` must be a whole number from {} to {}, not {n}",
                        range.start(),
                        range.end()
                    );
                    let diagnostic = self.value_error(key, Code::WrongType, message);
                    self.push(diagnostic);
                    None
                }
            },
            Value::Null => None,
            _ => {
                self.wrong_type(key, "a whole number", &range.start().to_string());
                None
            }
        }
    }

    pub fn date(&mut self, key: &str) -> Option<NaiveDate> {
        let value = self.value(key)?.clone();
        match value {
            Value::String(text) => match parse_date(&text) {
                Ok(date) => Some(date),
                Err(problem) => {
                    let diagnostic = self
                        .value_error(key, Code::BadDate, format!("`{key}`: {problem}"))
                        .help("write a real calendar date as YYYY-MM-DD, e.g. 2026-05-24");
                    self.push(diagnostic);
                    None
                }
            },
            Value::Null => None,
            _ => {
                self.wrong_type(key, "a date", "2026-05-24");
                None
            }
        }
    }

    pub fn string_list(&mut self, key: &str) -> Option<Vec<String>> {
        let value = self.value(key)?.clone();
        match value {
            Value::List(items) => {
                let mut out = Vec::new();
                for item in items {
                    match item {
                        Value::String(s) | Value::Number(s) => out.push(s),
                        other => {
                            let message = format!(
                                "`{key}` must be a list of words, but one item is {}",
                                other.kind()
                            );
                            let diagnostic = self.value_error(key, Code::WrongType, message);
                            self.push(diagnostic);
                            return None;
                        }
                    }
                }
                Some(out)
            }
            Value::Null => None,
            _ => {
                self.wrong_type(key, "a list", "[en, de, fr]");
                None
            }
        }
    }

    /// 1-based line in the file of a key (or of the YAML's first line).
    pub fn line_of(&self, key: &str) -> usize {
        self.entry(key)
            .map_or(self.first_line, |e| self.first_line + e.line - 1)
    }

    pub fn source(&self) -> &SourceFile {
        self.source
    }
}

/// Reads `YYYY-MM-DD`, explaining what is wrong with an impossible date.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let text = text.trim();
    let parts: Vec<&str> = text.split('-').collect();
    let shaped = parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if !shaped {
        return Err(format!("\"{text}\" is not a date written as YYYY-MM-DD"));
    }
    let year: i32 = parts[0]
        .parse()
        .map_err(|_| format!("\"{text}\" has no valid year"))?;
    let month: u32 = parts[1]
        .parse()
        .map_err(|_| format!("\"{text}\" has no valid month"))?;
    let day: u32 = parts[2]
        .parse()
        .map_err(|_| format!("\"{text}\" has no valid day"))?;
    if !(1..=12).contains(&month) {
        return Err(format!("{text} is not a date: there is no month {month}"));
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
        let days = days_in_month(year, month);
        let name = NaiveDate::from_ymd_opt(year, month, 1)
            .map(|d| d.format("%B %Y").to_string())
            .unwrap_or_default();
        format!("{text} is not a date: {name} has {days} days")
    })
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    next.and_then(|d| d.pred_opt()).map_or(31, |d| d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_dates_are_explained() {
        assert_eq!(
            parse_date("2026-02-30").unwrap_err(),
            "2026-02-30 is not a date: February 2026 has 28 days"
        );
        assert_eq!(
            parse_date("2026-13-01").unwrap_err(),
            "2026-13-01 is not a date: there is no month 13"
        );
        assert!(parse_date("24.05.2026").unwrap_err().contains("YYYY-MM-DD"));
        assert_eq!(
            parse_date("2024-02-29").unwrap(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
    }

    #[test]
    fn unknown_keys_get_suggestions_at_their_line() {
        let source = SourceFile::new("f.md", "---\ntitle: T\nsumary: x\n---\n");
        let fields =
            Fields::parse(&source, "title: T\nsumary: x\n", 2, &["title", "summary"]).unwrap();
        let diagnostics = fields.finish();
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, Code::UnknownKey);
        assert_eq!(diagnostics[0].line, Some(3));
        assert_eq!(
            diagnostics[0].help.as_deref(),
            Some("did you mean `summary`?")
        );
    }

    #[test]
    fn every_type_error_is_reported() {
        let yaml = "material: maybe\npublished: 2026-02-30\ndraft: [x]\n";
        let source = SourceFile::new("f.md", format!("---\n{yaml}---\n"));
        let mut fields =
            Fields::parse(&source, yaml, 2, &["material", "published", "draft"]).unwrap();
        assert_eq!(fields.bool("material"), None);
        assert_eq!(fields.date("published"), None);
        assert_eq!(fields.bool("draft"), None);
        let diagnostics = fields.finish();
        let found: Vec<_> = diagnostics
            .iter()
            .map(|d| (d.code, d.line, d.column))
            .collect();
        assert_eq!(
            found,
            [
                (Code::WrongType, Some(2), Some(11)),
                (Code::BadDate, Some(3), Some(12)),
                (Code::WrongType, Some(4), Some(8)),
            ]
        );
    }
}
