//! Diagnostics: every problem legalsite finds in a site, as data.
//!
//! Loaders collect diagnostics and carry on, so one run reports every
//! problem. Each has a stable code, a plain-words message, the file, line
//! and column where there is one, and help that says how to fix it. This
//! module also renders them: text (rustc style), JSON and GitHub annotations.

use std::fmt;
use std::io::IsTerminal;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use serde::Serialize;

/// How bad a problem is: errors stop a build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

macro_rules! codes {
    ($($variant:ident = $name:literal: $summary:literal, example $example:literal, fix $fix:literal;)*) => {
        /// The stable code of each kind of problem. The README documents each
        /// one (a test keeps it in step with this list).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as printed: `error[unknown-key]`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// One line saying what the problem is.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)*
                }
            }

            /// A one-line example of content that has the problem.
            pub fn example(self) -> &'static str {
                match self {
                    $(Code::$variant => $example,)*
                }
            }

            /// How to fix it.
            pub fn fix(self) -> &'static str {
                match self {
                    $(Code::$variant => $fix,)*
                }
            }
        }
    };
}

codes! {
    SiteMissing = "site-missing":
        "`content/site.yaml` does not exist",
        example "legalsite build --root an-empty-folder",
        fix "run legalsite in the site's folder, or create content/site.yaml";
    YamlSyntax = "yaml-syntax":
        "front matter or a YAML file is not valid YAML",
        example "title: Privacy: our promise",
        fix "quote values that contain `: ` or start with a special character";
    YamlTab = "yaml-tab":
        "a tab character is used for indentation in YAML",
        example "corrections:\n\t- date: 2026-01-01",
        fix "indent YAML with spaces only";
    UnknownKey = "unknown-key":
        "a key that legalsite does not know (often a typo)",
        example "sumary: Adds PostHog",
        fix "use the suggested key, or remove the line";
    WrongType = "wrong-type":
        "a value of the wrong kind (text where true/false is expected, ...)",
        example "material: maybe",
        fix "write the kind of value the help names";
    BadDate = "bad-date":
        "a date that does not exist or is not written YYYY-MM-DD",
        example "published: 2026-02-30",
        fix "write a real calendar date as YYYY-MM-DD";
    MissingKey = "missing-key":
        "a required key is missing",
        example "a version file without `title:`",
        fix "add the key to the front matter";
    EmptyValue = "empty-value":
        "a required value is empty",
        example "title: \"\"",
        fix "write the value";
    FrontMatterMissing = "front-matter-missing":
        "a policy file does not start with front matter",
        example "a file whose first line is `## Privacy`",
        fix "start the file with `---`, the keys, and `---`";
    FrontMatterUnclosed = "front-matter-unclosed":
        "the front matter has no closing `---` line",
        example "---\ntitle: Privacy\n## What we collect",
        fix "add a line `---` after the last key";
    BadPolicyFolder = "bad-policy-folder":
        "a folder in content/ is not a valid policy slug",
        example "content/Privacy Policy/",
        fix "name policy folders with lower-case letters, digits and dashes: content/privacy/";
    BadVersionFolder = "bad-version-folder":
        "a version folder is not named after a date",
        example "content/privacy/latest/",
        fix "name version folders YYYY-MM-DD (the effective date), with -2, -3 for later versions that day";
    DuplicateVersion = "duplicate-version":
        "two folders name the same version",
        example "content/privacy/2026-05-24/ and content/privacy/2026-05-24-1/",
        fix "remove one of them, or number the later one -2";
    BadFileName = "bad-file-name":
        "a file whose name legalsite cannot use",
        example "content/privacy/2026-05-24/en copy.md",
        fix "name version files <locale>.md (en.md, de.md) and keep other files out of content/";
    UnknownLocale = "unknown-locale":
        "a translation file for a locale that site.yaml does not list",
        example "content/privacy/2026-05-24/it.md with locales: [en, de]",
        fix "add the locale to `locales` in content/site.yaml, or rename the file";
    MissingDefaultLocale = "missing-default-locale":
        "a version has no file in the default locale",
        example "content/privacy/2026-05-24/ with only de.md",
        fix "add the default locale's file (en.md): every version needs it";
    EmptyBody = "empty-body":
        "a policy file has front matter but no text",
        example "---\ntitle: Privacy\n---",
        fix "write the policy text below the front matter";
    NotUtf8 = "not-utf8":
        "a file is not UTF-8 text",
        example "a file saved as Windows-1252",
        fix "save the file as UTF-8";
    FileTooLarge = "file-too-large":
        "a file is too large to be a policy text",
        example "a 50 MB en.md",
        fix "check that the right file was saved";
    SymlinkOutside = "symlink-outside":
        "a symbolic link in content/ points outside the site",
        example "content/privacy/2026-05-24/en.md -> /etc/passwd",
        fix "copy the file into content/ instead of linking to it";
    Io = "io":
        "a file or folder could not be read or written",
        example "a folder without read permission",
        fix "check that the path exists and that you may read and write it";
    ConfigInvalid = "config-invalid":
        "a setting in site.yaml is not valid",
        example "default_locale: en with locales: [de, fr]",
        fix "follow the help: the settings must agree with each other";
    MissingSummary = "missing-summary":
        "a version after the first has no `summary`",
        example "content/privacy/2026-05-24/en.md without summary:",
        fix "add `summary:` with one line saying what changed";
    NoticePeriod = "notice-period":
        "a material change is published too late before it takes effect",
        example "material: true, published: 2026-05-20 for a version effective 2026-05-24",
        fix "publish earlier, or move the effective date (the folder name) later";
    MetadataMismatch = "metadata-mismatch":
        "translations of one version disagree on `material`, `published` or `draft`",
        example "en.md has material: true, de.md has material: false",
        fix "use the same value in every translation of the version";
    PublishedAfterEffective = "published-after-effective":
        "a version is published after its effective date",
        example "published: 2026-06-01 in content/privacy/2026-05-24/",
        fix "a version cannot take effect before the public can read it: fix the dates";
    LockSyntax = "lock-syntax":
        "a line of content/versions.lock cannot be read",
        example "content/privacy/2026-05-24/en.md abc",
        fix "restore the file from version control, or delete the line and run `legalsite lock`";
    LockChanged = "lock-changed":
        "a published version's file changed after it was locked",
        example "a word edited in content/privacy/2025-01-10/en.md",
        fix "undo the edit, or record it under `corrections` and run `legalsite lock`";
    LockMissing = "lock-missing":
        "a published version is not in content/versions.lock",
        example "a new version took effect and nobody ran `legalsite lock`",
        fix "run `legalsite lock` and commit content/versions.lock";
    LockStale = "lock-stale":
        "content/versions.lock records a file that no longer exists",
        example "content/privacy/2025-01-10/fr.md was deleted",
        fix "restore the file: published versions are legal records";
    TemplateSyntax = "template-syntax":
        "a theme template has a syntax error",
        example "{% if page.title %} without {% endif %}",
        fix "fix the template at the line shown";
    TemplateMissing = "template-missing":
        "a template the site needs is missing",
        example "themes/mytheme/templates/ without policy.html",
        fix "add the template, or remove the empty override so the built-in one is used";
    TemplateRender = "template-render":
        "a template failed while rendering a page",
        example "{{ page.titel }} (an undefined value)",
        fix "fix the template at the line shown";
    ThemeMissing = "theme-missing":
        "the theme named in site.yaml does not exist",
        example "theme: fancy without themes/fancy/",
        fix "create themes/<theme>/ or use theme: default";
    I18nWrongType = "i18n-wrong-type":
        "a theme translation file is not a list of `key: text` lines",
        example "last_updated: [a, b]",
        fix "write every value as text";
    I18nMissingKey = "i18n-missing-key":
        "a theme translation lacks a string (the default language's is used)",
        example "themes/default/i18n/de.yaml without `last_updated`",
        fix "add the key with its translation";
    I18nUnknownKey = "i18n-unknown-key":
        "a theme translation has a string the default language does not",
        example "last_update: ... (typo) in de.yaml",
        fix "rename it to the key of the default language's file, or remove it";
    I18nMissingFile = "i18n-missing-file":
        "a site locale has no theme translation file",
        example "locales: [en, it] without themes/default/i18n/it.yaml",
        fix "add themes/<theme>/i18n/<locale>.yaml";
    OutputNotWritable = "output-not-writable":
        "the output folder cannot be written",
        example "public/ owned by another user",
        fix "choose another --out folder, or fix its permissions";
    BrokenLink = "broken-link":
        "a link to a page of this site that does not exist",
        example "[terms](/term/)",
        fix "correct the path; links to policies look like /terms/ or /terms/2026-05-24/";
    BrokenAnchor = "broken-anchor":
        "a link to a section (#anchor) that does not exist",
        example "[rights](#your-right)",
        fix "use the id of an existing heading (shown in the help)";
    StaleDateLine = "stale-date-line":
        "a hand-typed \"Last updated\" or \"Effective\" line disagrees with the version",
        example "Last updated: May 1, 2026 in content/privacy/2026-05-24/en.md",
        fix "remove the line: the site stamps the date from the version";
    IdenticalVersion = "identical-version":
        "a version's text is identical to the previous version's",
        example "content/privacy/2026-05-24/en.md copied without changes",
        fix "edit the text, or remove the version";
    HeadingStructure = "heading-structure":
        "a translation's sections differ from its source",
        example "de.md lacks the \"Cookies\" section that en.md has",
        fix "translate the missing section, or remove the extra one";
    RawHtml = "raw-html":
        "raw HTML that the page will not render as HTML",
        example "<script>track()</script> or <iframe src=...>",
        fix "use Markdown; only <br>, <sup>, <sub>, <abbr title> and a few more are allowed";
    EmptySection = "empty-section":
        "a heading with no text under it",
        example "## Cookies directly followed by ## Children",
        fix "write the section or remove the heading";
    ImageAlt = "image-alt":
        "an image without alternative text",
        example "![](chart.png)",
        fix "describe the image: ![Data flow between HexGen and its providers](chart.png)";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One problem, self-contained: it carries the source line it points at, so
/// it can be rendered after the file is gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    /// Path relative to the site root (`content/privacy/2026-05-24/en.md`).
    pub file: Option<String>,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column, in characters.
    pub column: Option<usize>,
    /// The text of `line`, for the snippet.
    #[serde(skip)]
    pub source_line: Option<String>,
    /// How many characters the caret underlines.
    #[serde(skip)]
    pub span_chars: usize,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, code, message)
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, code, message)
    }

    fn new(severity: Severity, code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            file: None,
            line: None,
            column: None,
            source_line: None,
            span_chars: 0,
            help: None,
        }
    }

    /// Names the file the problem is in.
    pub fn in_file(mut self, file: impl Into<String>) -> Diagnostic {
        self.file = Some(file.into());
        self
    }

    /// Points at a byte range of a source file.
    pub fn at(
        self,
        source: &crate::source::SourceFile,
        span: std::ops::Range<usize>,
    ) -> Diagnostic {
        let (line, column) = source.line_col(span.start);
        let line_text = source.line_text(line);
        let line_start = source.line_start(line);
        let line_end = line_start + line_text.len();
        let end = span.end.clamp(span.start, line_end);
        let chars = source
            .text
            .get(span.start.min(end)..end)
            .map_or(1, |s| s.chars().count().max(1));
        self.in_file(source.path.clone())
            .at_line_col(line, column, line_text.to_string(), chars)
    }

    /// Points at a line and column, with that line's text.
    pub fn at_line_col(
        mut self,
        line: usize,
        column: usize,
        source_line: String,
        span_chars: usize,
    ) -> Diagnostic {
        self.line = Some(line);
        self.column = Some(column);
        self.source_line = Some(source_line);
        self.span_chars = span_chars.max(1);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic as text, rustc style:
    /// `error[code]: message`, `--> file:line:col`, the line, a caret, `help:`.
    pub fn render_text(&self, color: bool) -> String {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level.primary_title(&self.message).id(self.code.as_str());
        let mut group = Group::with_title(title);
        match (&self.file, self.line, self.column, &self.source_line) {
            (Some(file), Some(line), Some(column), Some(text)) => {
                let start = char_to_byte(text, column - 1);
                let end = char_to_byte(text, column - 1 + self.span_chars).max(start);
                group = group.element(
                    Snippet::source(text.as_str())
                        .line_start(line)
                        .path(file.as_str())
                        .annotation(AnnotationKind::Primary.span(start..end)),
                );
            }
            (Some(file), _, _, _) => {
                group = group.element(Origin::path(file.as_str()));
            }
            _ => {}
        }
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        renderer.render(&[group])
    }

    /// One GitHub Actions workflow command, so the problem shows on the line
    /// of the pull request.
    pub fn render_github(&self) -> String {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut properties = Vec::new();
        if let Some(file) = &self.file {
            properties.push(format!("file={}", github_property(file)));
        }
        if let Some(line) = self.line {
            properties.push(format!("line={line}"));
        }
        if let Some(column) = self.column {
            properties.push(format!("col={column}"));
        }
        properties.push(format!("title={}", github_property(self.code.as_str())));
        let mut message = self.message.clone();
        if let Some(help) = &self.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        format!(
            "::{kind} {}::{}",
            properties.join(","),
            github_data(&message)
        )
    }
}

fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i)
}

fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The diagnostics of one run, in a stable order.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.list.push(diagnostic);
    }

    pub fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.list.extend(diagnostics);
    }

    pub fn has_errors(&self) -> bool {
        self.list.iter().any(Diagnostic::is_error)
    }

    pub fn errors(&self) -> usize {
        self.list.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.list.len() - self.errors()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Sorted by file, line, column, then code: the same every run,
    /// whatever order parallel loading found them in.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.list.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.code, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.code, &b.message))
        });
        self.list.dedup();
        self.list
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.list.iter()
    }
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// For people: rustc-style messages with the source line.
    #[default]
    Text,
    /// For programs: one JSON document.
    Json,
    /// For GitHub Actions: annotations on the pull request's lines.
    Github,
}

/// Renders a whole report in the given format, ending with a count.
pub fn render_report(diagnostics: &[Diagnostic], format: Format, color: bool) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    match format {
        Format::Text => {
            let mut out = String::new();
            for diagnostic in diagnostics {
                out.push_str(&diagnostic.render_text(color));
                out.push_str("\n\n");
            }
            out.push_str(&count_line(errors, warnings));
            out.push('\n');
            out
        }
        Format::Github => {
            let mut out = String::new();
            for diagnostic in diagnostics {
                out.push_str(&diagnostic.render_github());
                out.push('\n');
            }
            out.push_str(&count_line(errors, warnings));
            out.push('\n');
            out
        }
        Format::Json => {
            let report = serde_json::json!({
                "version": 1,
                "errors": errors,
                "warnings": warnings,
                "diagnostics": diagnostics,
            });
            let mut out = serde_json::to_string_pretty(&report).unwrap_or_default();
            out.push('\n');
            out
        }
    }
}

/// "2 errors, 1 warning".
pub fn count_line(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

/// True when stderr is a terminal that wants colour.
pub fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// The closest of `candidates` to a misspelled `word`, if one is close.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|candidate| (strsim::jaro_winkler(word, candidate), *candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn text_rendering_shows_file_line_caret_and_help() {
        let source = SourceFile::new("content/privacy/2026-05-24/en.md", "---\nsumary: x\n---\n");
        let d = Diagnostic::error(Code::UnknownKey, "unknown key `sumary`")
            .at(&source, 4..10)
            .help("did you mean `summary`?");
        let text = d.render_text(false);
        assert!(
            text.starts_with("error[unknown-key]: unknown key `sumary`"),
            "{text}"
        );
        assert!(
            text.contains("--> content/privacy/2026-05-24/en.md:2:1"),
            "{text}"
        );
        assert!(text.contains("2 | sumary: x"), "{text}");
        assert!(text.contains("^^^^^^"), "{text}");
        assert!(text.contains("help: did you mean `summary`?"), "{text}");
    }

    #[test]
    fn github_annotations_escape_their_data() {
        let d = Diagnostic::warning(Code::RawHtml, "a: b, 100%\nc")
            .in_file("content/a,b.md")
            .at_line_col(3, 4, String::new(), 1);
        assert_eq!(
            d.render_github(),
            "::warning file=content/a%2Cb.md,line=3,col=4,title=raw-html::a: b, 100%25%0Ac"
        );
    }

    #[test]
    fn suggestions_only_for_close_words() {
        let keys = ["title", "summary", "material"];
        assert_eq!(did_you_mean("sumary", &keys), Some("summary"));
        assert_eq!(did_you_mean("Title", &keys), Some("title"));
        assert_eq!(did_you_mean("colour", &keys), None);
    }

    #[test]
    fn codes_are_unique_kebab_case() {
        let mut names: Vec<_> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert!(names.iter().all(|n| {
            n.chars()
                .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())
        }));
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len());
    }
}
