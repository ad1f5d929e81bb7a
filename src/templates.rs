//! Theme templates (minijinja): compiled once per build, strict about
//! undefined values, auto-escaping. Our own HTML (rendered Markdown,
//! redlines) enters the views as safe strings; content never passes
//! through `|safe`, and content is never evaluated as a template.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use minijinja::value::{Kwargs, Object, ObjectRepr};
use minijinja::{
    AutoEscape, Environment, Error, ErrorKind, Output, State, UndefinedBehavior, Value,
};
use rustc_hash::FxHashMap;
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
            let source = match crate::source::decode(&file.display, &file.bytes) {
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

    /// Renders a template with a view into bytes, in a buffer made for
    /// `size_hint` bytes: a page that carries a long text says so, rather
    /// than have its buffer grow (and be copied) a few times over.
    pub fn render_bytes(
        &self,
        name: &str,
        view: impl Serialize,
        size_hint: usize,
    ) -> Result<Vec<u8>, Diagnostic> {
        let template = self
            .env
            .get_template(name)
            .map_err(|e| self.diagnostic(&e))?;
        let mut out = Vec::with_capacity(size_hint);
        template
            .render_captured_to(view, &mut out)
            .map_err(|e| self.diagnostic(&e))?;
        Ok(out)
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

/// HTML we made (a policy text, a redline view), handed to a template
/// without copying it into a string value: a compare page carries 50 KB
/// of it. It prints as it is, like a safe string; string filters see its
/// text.
#[derive(Debug)]
pub struct Html(pub String);

impl Html {
    pub fn value(html: String) -> Value {
        Value::from_object(Html(html))
    }
}

impl Object for Html {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn is_true(self: &Arc<Self>) -> bool {
        !self.0.is_empty()
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Prints a value into a template. HTML escaping as minijinja's default,
/// minus `/`: URLs stay readable in the output (`/de/privacy/`, not
/// `&#x2f;de&#x2f;privacy&#x2f;`), which escaping `/` does not make safer.
fn format_value(out: &mut Output, state: &State, value: &Value) -> Result<(), Error> {
    if let Some(html) = value.downcast_object_ref::<Html>() {
        return out
            .write_str(&html.0)
            .map_err(|e| Error::new(ErrorKind::WriteFailure, e.to_string()));
    }
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
    let escaped = EscapedStrings::new(&i18n);
    env.add_function(
        "t",
        move |state: &State, key: &str, kwargs: Kwargs| -> Result<Value, Error> {
            let lang = page_locale(state)?;
            let locale = lang.as_str().unwrap_or_default();
            // In plain-text templates (notice.txt) nothing is escaped.
            let html = matches!(state.auto_escape(), AutoEscape::Html);
            // With `count=n`, the string follows the language's plural rules.
            // (Asked only when given: a missing argument is an error value,
            // and making one costs more than the rest of the call.)
            let count: Option<u64> = match kwargs.has("count") {
                true => kwargs.get("count").ok(),
                false => None,
            };
            let template = match count {
                None if html => escaped.get(locale, key),
                _ => None,
            };
            if let Some((template, false)) = template
                && kwargs.args().next().is_none()
            {
                return Ok(template.clone());
            }
            let found = match (template, count) {
                (Some((template, _)), _) => template.as_str().map(Cow::Borrowed),
                (None, Some(n)) => strings.plural(locale, key, n).map(|t| escaped_if(t, html)),
                (None, None) => strings.get(locale, key).map(|t| escaped_if(t, html)),
            };
            let template = found.ok_or_else(|| {
                Error::new(
                    ErrorKind::UndefinedError,
                    format!("the interface string `{key}` is not in the theme's i18n files"),
                )
            })?;
            let filled = fill_kwargs(&template, &kwargs, html)?;
            Ok(match html {
                true => Value::from_safe_string(filled),
                false => Value::from(filled),
            })
        },
    );
    let dates = Arc::clone(&i18n);
    env.add_filter(
        "date",
        move |state: &State, value: &str| -> Result<String, Error> {
            let lang = page_locale(state)?;
            Ok(dates.format_date(lang.as_str().unwrap_or_default(), parse_iso(value)?))
        },
    );
    let times = TimeElements::new(i18n);
    env.add_filter(
        "time",
        move |state: &State, value: &str| -> Result<Value, Error> {
            let lang = page_locale(state)?;
            times.get(lang.as_str().unwrap_or_default(), value)
        },
    );
}

/// A string's placeholders filled from `t()`'s named arguments, escaped
/// for HTML unless already safe (or the template is plain text).
fn fill_kwargs(template: &str, kwargs: &Kwargs, html: bool) -> Result<String, Error> {
    let mut args = Vec::new();
    for name in kwargs.args() {
        let value: Value = kwargs.get(name)?;
        let text = match value.as_str() {
            Some(text) if value.is_safe() || !html => text.to_string(),
            Some(text) => escape_html(text),
            None if html && !value.is_safe() => escape_html(&value.to_string()),
            None => value.to_string(),
        };
        args.push((name, text));
    }
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Ok(fill(template, &args))
}

fn escaped_if(text: &str, html: bool) -> Cow<'_, str> {
    match html {
        true => Cow::Owned(escape_html(text)),
        false => Cow::Borrowed(text),
    }
}

/// Every interface string per locale (with the default locale's where a
/// locale lacks one), escaped once for all pages, and whether it has
/// placeholders: one without is the same on every page.
struct EscapedStrings {
    by_locale: FxHashMap<String, FxHashMap<String, (Value, bool)>>,
    /// For a locale the theme has no strings for.
    default_locale: String,
}

impl EscapedStrings {
    fn new(i18n: &I18n) -> EscapedStrings {
        let mut by_locale = FxHashMap::default();
        for locale in i18n.locales() {
            let strings: FxHashMap<String, (Value, bool)> = i18n
                .keys()
                .into_iter()
                .filter_map(|key| {
                    let text = i18n.get(locale, key)?;
                    let escaped = Value::from_safe_string(escape_html(text));
                    Some((key.to_string(), (escaped, text.contains('{'))))
                })
                .collect();
            by_locale.insert(locale.to_string(), strings);
        }
        EscapedStrings {
            by_locale,
            default_locale: i18n.default_locale().to_string(),
        }
    }

    fn get(&self, locale: &str, key: &str) -> Option<&(Value, bool)> {
        let strings = self
            .by_locale
            .get(locale)
            .or_else(|| self.by_locale.get(&self.default_locale))?;
        strings.get(key)
    }
}

/// Dates as `<time>` elements, per locale, remembered by the ISO date the
/// view gives: a site shows the same few version dates on thousands of
/// pages, so each is parsed and wrapped once (the text itself is
/// remembered by `I18n::format_date`).
struct TimeElements {
    i18n: Arc<I18n>,
    made: RwLock<FxHashMap<String, FxHashMap<String, Value>>>,
}

impl TimeElements {
    fn new(i18n: Arc<I18n>) -> TimeElements {
        TimeElements {
            i18n,
            made: RwLock::new(FxHashMap::default()),
        }
    }

    /// `<time datetime="2026-05-24">May 24, 2026</time>` (safe HTML) for
    /// `2026-05-24`.
    fn get(&self, locale: &str, iso: &str) -> Result<Value, Error> {
        if let Ok(made) = self.made.read()
            && let Some(element) = made.get(locale).and_then(|dates| dates.get(iso))
        {
            return Ok(element.clone());
        }
        let date = parse_iso(iso)?;
        let element = Value::from_safe_string(format!(
            "<time datetime=\"{}\">{}</time>",
            crate::model::IsoDate(date),
            escape_html(&self.i18n.format_date(locale, date))
        ));
        if let Ok(mut made) = self.made.write() {
            made.entry(locale.to_string())
                .or_default()
                .insert(iso.to_string(), element.clone());
        }
        Ok(element)
    }
}

fn parse_iso(value: &str) -> Result<chrono::NaiveDate, Error> {
    crate::fields::parse_date(value)
        .map_err(|problem| Error::new(ErrorKind::InvalidOperation, problem))
}

fn page_locale(state: &State) -> Result<Value, Error> {
    state
        .lookup("lang")
        .filter(|v| v.as_str().is_some())
        .ok_or_else(|| Error::new(ErrorKind::UndefinedError, "the view has no `lang`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_html_prints_as_it_is_and_filters_see_its_text() {
        let mut env = Environment::new();
        env.set_formatter(format_value);
        env.add_template(
            "page.html",
            "{{ h }}|{{ h|replace('b>', 'i>') }}|{% if e %}full{% else %}empty{% endif %}",
        )
        .unwrap();
        let view = minijinja::context! {
            h => Html::value("<b>1 & 2</b>".to_string()),
            e => Html::value(String::new()),
        };
        let out = env.get_template("page.html").unwrap().render(view).unwrap();
        assert_eq!(out, "<b>1 & 2</b>|&lt;i&gt;1 &amp; 2&lt;/i&gt;|empty");
    }
}
