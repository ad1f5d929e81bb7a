//! Theme templates (minijinja): compiled once per build, strict about
//! undefined values, auto-escaping. Our own HTML (rendered Markdown,
//! redlines) enters the views as safe strings; content never passes
//! through `|safe`, and content is never evaluated as a template.

use std::collections::BTreeMap;
use std::sync::Arc;

use minijinja::value::Kwargs;
use minijinja::{
    AutoEscape, Environment, Error, ErrorKind, Output, State, UndefinedBehavior, Value,
};
use serde::Serialize;

use crate::diag::{Code, Diagnostic};
use crate::i18n::{I18n, fill};
use crate::markdown::{escape_html, write_escaped};
use crate::source::SourceFile;
use crate::theme::Theme;

/// The compiled templates of a site.
pub struct Templates {
    env: Environment<'static>,
    /// Template name -> its source, for error locations.
    sources: BTreeMap<String, SourceFile>,
}

impl Templates {
    /// Compiles every template of the theme's layers; reports each syntax
    /// error with its file and line.
    pub fn new(theme: &Theme, i18n: Arc<I18n>) -> (Option<Templates>, Vec<Diagnostic>) {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_keep_trailing_newline(true);
        env.set_formatter(format_value);
        register_i18n(&mut env, i18n);
        let mut sources = BTreeMap::new();
        let mut diagnostics = Vec::new();
        for name in theme.list("templates") {
            let file = match theme.read(&format!("templates/{name}")) {
                Ok(Some(file)) => file,
                Ok(None) => continue,
                Err(diagnostic) => {
                    diagnostics.push(diagnostic);
                    continue;
                }
            };
            let source = match crate::source::decode(&file.display, file.bytes.into_owned()) {
                Ok(source) => source,
                Err(diagnostic) => {
                    diagnostics.push(diagnostic);
                    continue;
                }
            };
            if let Err(error) = env.add_template_owned(name.clone(), source.text.clone()) {
                diagnostics.push(template_diagnostic(
                    &error,
                    Some(&source),
                    Code::TemplateSyntax,
                ));
            }
            sources.insert(name, source);
        }
        let templates = Templates { env, sources };
        if diagnostics.iter().any(Diagnostic::is_error) {
            (None, diagnostics)
        } else {
            (Some(templates), diagnostics)
        }
    }

    /// Renders a template with a view.
    pub fn render(&self, name: &str, view: impl Serialize) -> Result<String, Diagnostic> {
        let template = self
            .env
            .get_template(name)
            .map_err(|e| self.diagnostic(&e))?;
        template.render(view).map_err(|e| self.diagnostic(&e))
    }

    fn diagnostic(&self, error: &Error) -> Diagnostic {
        let code = match error.kind() {
            ErrorKind::TemplateNotFound => Code::TemplateMissing,
            ErrorKind::SyntaxError => Code::TemplateSyntax,
            _ => Code::TemplateRender,
        };
        let source = error.name().and_then(|name| self.sources.get(name));
        template_diagnostic(error, source, code)
    }
}

fn template_diagnostic(error: &Error, source: Option<&SourceFile>, code: Code) -> Diagnostic {
    let detail = error
        .detail()
        .map_or_else(|| error.kind().to_string(), str::to_string);
    let message = match code {
        Code::TemplateMissing => format!("template not found: {detail}"),
        Code::TemplateSyntax => format!("syntax error in a template: {detail}"),
        _ => format!("a template failed: {detail}"),
    };
    let mut diagnostic = Diagnostic::error(code, message);
    if let Some(source) = source {
        diagnostic = match (error.range(), error.line()) {
            (Some(range), _) if range.start <= source.text.len() => diagnostic.at(source, range),
            (_, Some(line)) => diagnostic.in_file(source.path.clone()).at_line_col(
                line,
                1,
                source.line_text(line).to_string(),
                source.line_text(line).chars().count(),
            ),
            _ => diagnostic.in_file(source.path.clone()),
        };
    } else if let Some(name) = error.name() {
        diagnostic = diagnostic.in_file(format!("templates/{name}"));
    }
    diagnostic.help(match code {
        Code::TemplateMissing => {
            "add the template to the theme, or fix the name in the include/extends"
        }
        Code::TemplateSyntax => "fix the template at the line shown (see minijinja's syntax)",
        _ => "fix the template at the line shown; every value a template prints must exist",
    })
}

/// Prints a value into a template. HTML escaping as minijinja's default,
/// minus `/`: URLs stay readable in the output (`/de/privacy/`, not
/// `&#x2f;de&#x2f;privacy&#x2f;`), which escaping `/` does not make safer.
fn format_value(out: &mut Output, state: &State, value: &Value) -> Result<(), Error> {
    let html = matches!(state.auto_escape(), AutoEscape::Html);
    match value.as_str() {
        Some(text) if html && !value.is_safe() => {
            write_escaped(out, text).map_err(|e| Error::new(ErrorKind::WriteFailure, e.to_string()))
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// `t("key", name=value)`, `|date` and `|time`, all in the language of the
/// page being rendered (the view's `lang`).
///
/// `t` escapes the translated text and each argument, except arguments that
/// are already safe HTML (such as `x|time`), and returns safe HTML: a
/// translator can put a date element in the middle of a sentence without
/// ever writing HTML.
fn register_i18n(env: &mut Environment<'static>, i18n: Arc<I18n>) {
    let strings = Arc::clone(&i18n);
    // Strings without arguments are the same on every page: escaped once.
    let constant = ConstantStrings::new(&i18n);
    env.add_function(
        "t",
        move |state: &State, key: &str, kwargs: Kwargs| -> Result<Value, Error> {
            let locale = page_locale(state)?;
            if kwargs.args().next().is_none()
                && matches!(state.auto_escape(), AutoEscape::Html)
                && let Some(value) = constant.get(&locale, key)
            {
                return Ok(value);
            }
            // With `count=n`, the string follows the language's plural rules.
            let count: Option<u64> = kwargs.get("count").ok();
            let found = match count {
                Some(n) => strings.plural(&locale, key, n),
                None => strings.get(&locale, key),
            };
            let template = found.ok_or_else(|| {
                Error::new(
                    ErrorKind::UndefinedError,
                    format!("the interface string `{key}` is not in the theme's i18n files"),
                )
            })?;
            // In plain-text templates (notice.txt) nothing is escaped.
            let html = matches!(state.auto_escape(), AutoEscape::Html);
            let mut args = Vec::new();
            for name in kwargs.args() {
                let value: Value = kwargs.get(name)?;
                let text = if value.is_safe() || !html {
                    value.to_string()
                } else {
                    escape_html(&value.to_string())
                };
                args.push((name.to_string(), text));
            }
            let args: Vec<(&str, &str)> =
                args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            if html {
                Ok(Value::from_safe_string(fill(&escape_html(template), &args)))
            } else {
                Ok(Value::from(fill(template, &args)))
            }
        },
    );
    let dates = Arc::new(DateMemo::new(Arc::clone(&i18n)));
    let date_memo = Arc::clone(&dates);
    env.add_filter(
        "date",
        move |state: &State, value: &str| -> Result<String, Error> {
            let locale = page_locale(state)?;
            Ok(date_memo.format(&locale, parse_iso(value)?))
        },
    );
    env.add_filter(
        "time",
        move |state: &State, value: &str| -> Result<Value, Error> {
            let locale = page_locale(state)?;
            let date = parse_iso(value)?;
            Ok(Value::from_safe_string(format!(
                "<time datetime=\"{}\">{}</time>",
                crate::model::IsoDate(date),
                escape_html(&dates.format(&locale, date))
            )))
        },
    );
}

/// Every interface string that has no placeholder, per locale, escaped.
struct ConstantStrings {
    by_locale: std::collections::HashMap<String, std::collections::HashMap<String, Value>>,
}

impl ConstantStrings {
    fn new(i18n: &I18n) -> ConstantStrings {
        let mut by_locale = std::collections::HashMap::new();
        for locale in i18n.locales() {
            let strings: std::collections::HashMap<String, Value> = i18n
                .keys()
                .into_iter()
                .filter_map(|key| {
                    let text = i18n.get(locale, key)?;
                    (!text.contains('{'))
                        .then(|| (key.to_string(), Value::from_safe_string(escape_html(text))))
                })
                .collect();
            by_locale.insert(locale.to_string(), strings);
        }
        ConstantStrings { by_locale }
    }

    fn get(&self, locale: &str, key: &str) -> Option<Value> {
        self.by_locale.get(locale)?.get(key).cloned()
    }
}

/// Dates formatted per locale, remembered: a site shows the same few
/// version dates on thousands of pages, and localized formatting is slow.
struct DateMemo {
    i18n: Arc<I18n>,
    formatted: std::sync::RwLock<std::collections::HashMap<(String, chrono::NaiveDate), String>>,
}

impl DateMemo {
    fn new(i18n: Arc<I18n>) -> DateMemo {
        DateMemo {
            i18n,
            formatted: std::sync::RwLock::new(std::collections::HashMap::new()),
        }
    }

    fn format(&self, locale: &str, date: chrono::NaiveDate) -> String {
        let key = (locale.to_string(), date);
        if let Some(text) = self
            .formatted
            .read()
            .ok()
            .and_then(|m| m.get(&key).cloned())
        {
            return text;
        }
        let text = self.i18n.format_date(locale, date);
        if let Ok(mut memo) = self.formatted.write() {
            memo.insert(key, text.clone());
        }
        text
    }
}

fn parse_iso(value: &str) -> Result<chrono::NaiveDate, Error> {
    crate::fields::parse_date(value)
        .map_err(|problem| Error::new(ErrorKind::InvalidOperation, problem))
}

fn page_locale(state: &State) -> Result<String, Error> {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().map(str::to_string))
        .ok_or_else(|| Error::new(ErrorKind::UndefinedError, "the view has no `lang`"))
}
