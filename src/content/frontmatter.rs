//! Front matter of a version file: found by a line scanner that remembers
//! where the YAML starts, so every YAML error points at the `.md` file's own
//! line and column, then read into typed fields.

use std::ops::Range;

use crate::diag::{Code, Diagnostic};
use crate::fields::{Fields, parse_date};
use crate::model::{Correction, FrontMatter};
use crate::source::SourceFile;
use crate::yaml::Value;

/// Keys a version file's front matter may have.
pub const KEYS: &[&str] = &[
    "title",
    "summary",
    "material",
    "published",
    "draft",
    "description",
    "corrections",
];

/// Where the parts of a version file are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The YAML between the `---` lines.
    pub yaml: Range<usize>,
    /// 1-based line where the YAML starts.
    pub yaml_first_line: usize,
    /// The Markdown body after the closing line.
    pub body: Range<usize>,
}

/// Finds the front matter: a first line `---`, then YAML, then a line `---`
/// (or `...`).
pub fn split(source: &SourceFile) -> Result<Split, Diagnostic> {
    let text = &source.text;
    if text.trim().is_empty() {
        return Err(Diagnostic::error(Code::FrontMatterMissing, "this file is empty")
            .in_file(source.path.clone())
            .help("start with front matter, e.g.\n---\ntitle: Privacy Policy\n---\nthen the policy text"));
    }
    let mut lines = line_ranges(text);
    let Some(first) = lines.next() else {
        return Err(
            Diagnostic::error(Code::FrontMatterMissing, "this file is empty")
                .in_file(source.path.clone()),
        );
    };
    if text[first.clone()].trim_end() != "---" {
        return Err(Diagnostic::error(
            Code::FrontMatterMissing,
            "the file does not start with front matter (a line `---`)",
        )
        .at(source, first.start..first.end.max(first.start + 1))
        .help("add the front matter as the first lines:\n---\ntitle: Privacy Policy\n---"));
    }
    let yaml_start = first.end + 1;
    let mut first_heading = None;
    for (index, line) in lines.enumerate() {
        let content = text[line.clone()].trim_end();
        if content == "---" || content == "..." {
            let body_start = (line.end + 1).min(text.len());
            return Ok(Split {
                yaml: yaml_start.min(line.start)..line.start,
                yaml_first_line: 2,
                body: body_start..text.len(),
            });
        }
        if first_heading.is_none() && content.starts_with('#') {
            first_heading = Some(index + 2);
        }
    }
    let mut diagnostic = Diagnostic::error(
        Code::FrontMatterUnclosed,
        "the front matter that starts here is never closed",
    )
    .at(source, first.start..first.end);
    diagnostic = match first_heading {
        Some(line) => diagnostic.help(format!(
            "add a line `---` after the last key; the policy text seems to start at line {line}"
        )),
        None => diagnostic.help("add a line `---` after the last key"),
    };
    Err(diagnostic)
}

fn line_ranges(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let range = start..end;
        start = end + 1;
        Some(range)
    })
}

/// Reads the front matter of a version file. Returns the typed front matter
/// (if usable) and every problem found.
pub fn parse(source: &SourceFile, split: &Split) -> (Option<FrontMatter>, Vec<Diagnostic>) {
    let yaml = &source.text[split.yaml.clone()];
    let mut fields = match Fields::parse(source, yaml, split.yaml_first_line, KEYS) {
        Ok(fields) => fields,
        Err(diagnostic) => return (None, vec![diagnostic]),
    };
    let title = fields.required_string("title", "the document's title in this language");
    let summary = fields.string("summary").filter(|s| !s.trim().is_empty());
    let material = fields.bool("material");
    let published = fields.date("published");
    let draft = fields.bool("draft");
    let description = fields.string("description");
    let corrections = corrections(&mut fields);
    let usable = !fields.has_errors();
    let diagnostics = fields.finish();
    let front = match (usable, title) {
        (true, Some(title)) => Some(FrontMatter {
            title: title.trim().to_string(),
            summary: summary.map(|s| s.trim().to_string()),
            material,
            published,
            draft,
            description: description.map(|s| s.trim().to_string()),
            corrections,
        }),
        _ => None,
    };
    (front, diagnostics)
}

/// `corrections:` is a list of `{date, note}`.
fn corrections(fields: &mut Fields<'_>) -> Vec<Correction> {
    let Some(value) = fields.value("corrections").cloned() else {
        return Vec::new();
    };
    let items = match value {
        Value::List(items) => items,
        Value::Null => return Vec::new(),
        other => {
            let diagnostic = fields
                .value_error(
                    "corrections",
                    Code::WrongType,
                    format!("`corrections` must be a list, not {}", other.kind()),
                )
                .help("write:\ncorrections:\n  - date: 2026-06-02\n    note: Fixed a typo in \"Cookies\".");
            fields.push(diagnostic);
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let line = item_line(fields, index);
        match correction(&item) {
            Ok(correction) => out.push(correction),
            Err((code, problem)) => {
                let source = fields.source();
                let diagnostic = Diagnostic::error(code, format!("correction {}: {problem}", index + 1))
                    .in_file(source.path.clone())
                    .at_line_col(line, 1, source.line_text(line).to_string(), source.line_text(line).chars().count())
                    .help("each correction has a date and a note:\n  - date: 2026-06-02\n    note: Fixed a typo.");
                fields.push(diagnostic);
            }
        }
    }
    out
}

fn correction(item: &Value) -> Result<Correction, (Code, String)> {
    let Value::Map(entries) = item else {
        return Err((
            Code::WrongType,
            format!("expected `date` and `note`, found {}", item.kind()),
        ));
    };
    let mut date = None;
    let mut note = None;
    for (key, value) in entries {
        match (key.as_str(), value) {
            ("date", Value::String(text)) => {
                date = Some(parse_date(text).map_err(|p| (Code::BadDate, p))?);
            }
            ("note", Value::String(text)) if !text.trim().is_empty() => {
                note = Some(text.trim().to_string())
            }
            ("date" | "note", other) => {
                return Err((
                    Code::WrongType,
                    format!("`{key}` must be text, not {}", other.describe()),
                ));
            }
            (other, _) => {
                let hint = crate::diag::did_you_mean(other, &["date", "note"])
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err((Code::UnknownKey, format!("unknown key `{other}`{hint}")));
            }
        }
    }
    match (date, note) {
        (Some(date), Some(note)) => Ok(Correction { date, note }),
        (None, _) => Err((Code::MissingKey, "`date` is missing".to_string())),
        (_, None) => Err((Code::MissingKey, "`note` is missing".to_string())),
    }
}

/// The file line of the `index`-th item of `corrections`.
fn item_line(fields: &Fields<'_>, index: usize) -> usize {
    let start = fields.line_of("corrections");
    let source = fields.source();
    let mut seen = 0;
    let mut line = start + 1;
    while line <= source.line_col(source.text.len()).0 {
        let text = source.line_text(line);
        if !text.starts_with([' ', '-']) && !text.trim().is_empty() {
            break;
        }
        if text.trim_start().starts_with('-') {
            if seen == index {
                return line;
            }
            seen += 1;
        }
        line += 1;
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Option<FrontMatter>, Vec<Diagnostic>, Option<Split>) {
        let source = SourceFile::new("content/privacy/2026-05-24/en.md", text);
        match split(&source) {
            Ok(split) => {
                let (front, diagnostics) = parse(&source, &split);
                (front, diagnostics, Some(split))
            }
            Err(d) => (None, vec![d], None),
        }
    }

    #[test]
    fn reads_every_key() {
        let (front, diagnostics, split) = read(
            "---\ntitle: Privacy Policy\nsummary: Adds PostHog.\nmaterial: true\npublished: 2026-04-01\ncorrections:\n  - date: 2026-06-01\n    note: Fixed a typo.\n---\n## Body\n",
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let front = front.unwrap();
        assert_eq!(front.title, "Privacy Policy");
        assert_eq!(front.material, Some(true));
        assert_eq!(front.corrections.len(), 1);
        let split = split.unwrap();
        assert_eq!(split.yaml_first_line, 2);
        assert!(split.body.end - split.body.start == "## Body\n".len());
    }

    #[test]
    fn yaml_errors_point_at_the_md_files_own_line() {
        let (_, diagnostics, _) = read("---\ntitle: ok\nsummary: Privacy: changed\n---\ntext\n");
        assert_eq!(diagnostics[0].code, Code::YamlSyntax);
        assert_eq!(diagnostics[0].line, Some(3));
    }

    #[test]
    fn unclosed_front_matter_says_where_the_text_starts() {
        let (_, diagnostics, _) = read("---\ntitle: ok\n\n## What we collect\ntext\n");
        assert_eq!(diagnostics[0].code, Code::FrontMatterUnclosed);
        assert!(diagnostics[0].help.as_deref().unwrap().contains("line 4"));
    }

    #[test]
    fn missing_front_matter_and_empty_files() {
        assert_eq!(read("## Privacy\n").1[0].code, Code::FrontMatterMissing);
        assert_eq!(read("").1[0].code, Code::FrontMatterMissing);
    }

    #[test]
    fn bad_corrections_point_at_their_item() {
        let (_, diagnostics, _) = read(
            "---\ntitle: T\ncorrections:\n  - date: 2026-06-01\n    note: ok\n  - date: 2026-02-30\n    note: bad\n---\ntext\n",
        );
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0].code, Code::BadDate);
        assert_eq!(diagnostics[0].line, Some(6));
    }

    #[test]
    fn empty_title_is_named() {
        let (front, diagnostics, _) = read("---\ntitle: \"  \"\n---\ntext\n");
        assert!(front.is_none());
        assert_eq!(diagnostics[0].code, Code::EmptyValue);
        assert_eq!(diagnostics[0].line, Some(2));
    }
}
