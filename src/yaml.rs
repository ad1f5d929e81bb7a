//! YAML, behind one small door. This is the only module that uses
//! `serde_yaml` (unmaintained upstream), so it can be swapped for another
//! parser without touching the rest of the crate.
//!
//! It parses into a small value tree of its own and reports errors in plain
//! words with 1-based line and column within the YAML text. Callers add the
//! offset of the YAML inside its file.

use std::fmt;

/// A YAML value, reduced to what site files use.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// Kept as written (`30`, `1.5`), so callers decide what a number means.
    Number(String),
    String(String),
    List(Vec<Value>),
    Map(Vec<(String, Value)>),
}

impl Value {
    /// What kind of value this is, for messages ("a list", "text").
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing",
            Value::Bool(_) => "true/false",
            Value::Number(_) => "a number",
            Value::String(_) => "text",
            Value::List(_) => "a list",
            Value::Map(_) => "a group of keys",
        }
    }

    /// The value as a reader would write it, for messages.
    pub fn describe(&self) -> String {
        match self {
            Value::Null => "nothing".to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.clone(),
            Value::String(s) => format!("\"{s}\""),
            Value::List(_) => "a list".to_string(),
            Value::Map(_) => "a group of keys".to_string(),
        }
    }
}

/// A key of the top-level mapping, with where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    /// 1-based line of the key within the YAML text.
    pub line: usize,
    /// 1-based column of the key.
    pub column: usize,
    /// 1-based column where the value starts on the key's line (or the
    /// column after the colon when the value is on later lines).
    pub value_column: usize,
    pub value: Value,
}

/// A YAML document that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// Plain-words explanation.
    pub message: String,
    /// What to do about it.
    pub help: String,
    /// 1-based line within the YAML text.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// True when the problem is a tab used for indentation.
    pub tab: bool,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (line {}, column {})",
            self.message, self.line, self.column
        )
    }
}

/// Parses a YAML mapping (front matter, `site.yaml`, a theme's i18n file)
/// into its top-level entries, in the order written. An empty document is
/// an empty mapping.
pub fn parse_mapping(text: &str) -> Result<Vec<Entry>, YamlError> {
    if let Some(error) = tab_indentation(text) {
        return Err(error);
    }
    let value: serde_yaml::Value = if text.trim().is_empty() {
        serde_yaml::Value::Null
    } else {
        serde_yaml::from_str(text).map_err(|e| explain(&e))?
    };
    let mapping = match value {
        serde_yaml::Value::Null => serde_yaml::Mapping::new(),
        serde_yaml::Value::Mapping(mapping) => mapping,
        other => {
            return Err(YamlError {
                message: format!(
                    "expected `key: value` lines, found {}",
                    convert(other).kind()
                ),
                help: "write one `key: value` per line".to_string(),
                line: 1,
                column: 1,
                tab: false,
            });
        }
    };
    let positions = key_positions(text);
    Ok(mapping
        .into_iter()
        .map(|(key, value)| {
            let key = scalar_text(&key);
            let (line, column, value_column) = positions
                .iter()
                .find(|p| p.0 == key)
                .map_or((1, 1, 1), |p| (p.1, p.2, p.3));
            Entry {
                key,
                line,
                column,
                value_column,
                value: convert(value),
            }
        })
        .collect())
}

/// Where each top-level key is written: (key, line, column, value column).
fn key_positions(text: &str) -> Vec<(String, usize, usize, usize)> {
    let mut positions = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.starts_with([' ', '\t', '#', '-']) || line.trim().is_empty() {
            continue;
        }
        let Some(colon) = find_key_colon(line) else {
            continue;
        };
        let key = line[..colon]
            .trim()
            .trim_matches(|c| c == '"' || c == '\'')
            .to_string();
        let after = &line[colon + 1..];
        let value_offset = colon + 1 + (after.len() - after.trim_start().len());
        let value_column = line[..value_offset].chars().count() + 1;
        positions.push((key, index + 1, 1, value_column));
    }
    positions
}

/// The colon that ends a key: the first `:` followed by a space or the end
/// of the line, outside quotes.
fn find_key_colon(line: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') if i == 0 => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ':') => {
                let next = line[i + 1..].chars().next();
                if next.is_none_or(|n| n == ' ' || n == '\t') {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn tab_indentation(text: &str) -> Option<YamlError> {
    for (index, line) in text.lines().enumerate() {
        let indent: &str = &line[..line.len() - line.trim_start().len()];
        if let Some(position) = indent.find('\t') {
            return Some(YamlError {
                message: "a tab is used to indent this line; YAML allows only spaces".to_string(),
                help:
                    "replace the tab with spaces (most editors: \"Convert indentation to spaces\")"
                        .to_string(),
                line: index + 1,
                column: indent[..position].chars().count() + 1,
                tab: true,
            });
        }
    }
    None
}

/// Turns a serde_yaml error into plain words for editors.
fn explain(error: &serde_yaml::Error) -> YamlError {
    let (line, column) = error.location().map_or((1, 1), |l| (l.line(), l.column()));
    let raw = error.to_string();
    let raw = raw
        .split(" at line ")
        .next()
        .unwrap_or(&raw)
        .trim()
        .to_string();
    let (message, help) = if raw.contains("mapping values are not allowed") {
        (
            "a value contains `: ` so YAML reads it as a new key",
            "put the whole value in quotes: title: \"Privacy: our promise\"",
        )
    } else if raw.contains("did not find expected key") {
        (
            "this line does not line up with the keys above it",
            "check the indentation: top-level keys start at the beginning of the line",
        )
    } else if raw.contains("cannot start any token") {
        (
            "this character cannot start a value",
            "put the value in quotes",
        )
    } else if raw.contains("unexpected end of stream") || raw.contains("did not find expected") {
        (
            "a quote, bracket or list is not closed",
            "close the quote or bracket that starts on this line or the one above",
        )
    } else if raw.contains("duplicate entry") {
        ("this key appears twice", "keep one of the two lines")
    } else {
        (
            "this is not valid YAML",
            "check the line shown against the examples in the README",
        )
    };
    YamlError {
        message: format!("{message} (YAML: {raw})"),
        help: help.to_string(),
        line,
        column,
        tab: false,
    }
}

fn scalar_text(value: &serde_yaml::Value) -> String {
    match value {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Null => String::new(),
        other => format!("{other:?}"),
    }
}

fn convert(value: serde_yaml::Value) -> Value {
    match value {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => Value::Number(n.to_string()),
        serde_yaml::Value::String(s) => Value::String(s),
        serde_yaml::Value::Sequence(items) => Value::List(items.into_iter().map(convert).collect()),
        serde_yaml::Value::Mapping(mapping) => Value::Map(
            mapping
                .into_iter()
                .map(|(k, v)| (scalar_text(&k), convert(v)))
                .collect(),
        ),
        serde_yaml::Value::Tagged(tagged) => convert(tagged.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_keep_order_and_position() {
        let entries = parse_mapping("title: Privacy\n\nmaterial:   true\nlist:\n  - a\n").unwrap();
        let keys: Vec<_> = entries
            .iter()
            .map(|e| (e.key.as_str(), e.line, e.value_column))
            .collect();
        assert_eq!(keys, [("title", 1, 8), ("material", 3, 13), ("list", 4, 6)]);
        assert_eq!(entries[1].value, Value::Bool(true));
        assert_eq!(
            entries[2].value,
            Value::List(vec![Value::String("a".into())])
        );
    }

    #[test]
    fn dates_stay_text() {
        let entries = parse_mapping("published: 2026-02-30\n").unwrap();
        assert_eq!(entries[0].value, Value::String("2026-02-30".into()));
    }

    #[test]
    fn syntax_errors_are_explained_with_position() {
        let error = parse_mapping("title: ok\nsummary: Privacy: our promise\n").unwrap_err();
        assert!(
            error.message.starts_with("a value contains `: `"),
            "{error}"
        );
        assert_eq!(error.line, 2);
        assert!(error.help.contains("quotes"));
    }

    #[test]
    fn tabs_are_named() {
        let error = parse_mapping("corrections:\n\t- date: x\n").unwrap_err();
        assert!(error.tab);
        assert_eq!((error.line, error.column), (2, 1));
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let error = parse_mapping("title: a\ntitle: b\n").unwrap_err();
        assert!(error.message.contains("appears twice"), "{error}");
    }

    #[test]
    fn a_list_is_not_a_mapping() {
        assert!(parse_mapping("- a\n- b\n").is_err());
        assert_eq!(parse_mapping("").unwrap(), vec![]);
        assert_eq!(parse_mapping("# only a comment\n").unwrap(), vec![]);
    }
}
