//! Netlify's routing, emulated for the preview: the `[[headers]]` and
//! `[[redirects]]` of `netlify.toml`, and the `_headers` / `_redirects`
//! files of the built site (the build writes `_redirects`).
//!
//! The semantics follow Netlify's documentation and its own local
//! emulator (Netlify Dev): `_redirects` rules come before those of
//! netlify.toml; redirect rules are tried in order and the first match
//! wins; a rule that is not forced (`!`, `force = true`) does not apply
//! where a file exists (shadowing); a trailing slash does not matter when
//! matching; `*` at the end of `from` is the splat, `:name` a placeholder
//! for one segment; `query` binds parameters; `Language` is matched
//! against the browser's first language. Every matching header rule
//! applies, later ones overriding the same header.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The routing rules of a site, in the order Netlify applies them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rules {
    pub redirects: Vec<Redirect>,
    pub headers: Vec<HeaderRule>,
}

/// One redirect, rewrite or custom-404 rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub from: String,
    /// Query parameters the request must have: name and value, the value
    /// either literal or a `:placeholder` that binds it.
    pub query: Vec<(String, String)>,
    pub to: String,
    pub status: u16,
    pub force: bool,
    pub conditions: Conditions,
    /// Where the rule was written, for messages: `_redirects:4`.
    pub origin: String,
}

/// `conditions` of a rule: every listed kind must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conditions {
    pub language: Vec<String>,
    pub country: Vec<String>,
    pub role: Vec<String>,
    pub cookie: Vec<String>,
}

/// Headers for the paths matching `pattern` (the `for` of a rule).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderRule {
    pub pattern: String,
    pub values: Vec<(String, String)>,
}

/// What a request brings that rules can test.
#[derive(Debug, Clone, Default)]
pub struct RequestFacts<'a> {
    /// The decoded path, starting with `/`.
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: &'a str,
    pub accept_language: Option<&'a str>,
    pub cookie: Option<&'a str>,
}

/// A rule that matched, with its target filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched<'r> {
    pub rule: &'r Redirect,
    /// `to` with placeholders and splat substituted, and the request's
    /// query appended when the target has none (as Netlify does).
    pub target: String,
}

impl Rules {
    /// The rules of a site: `_redirects` and `_headers` of the built site
    /// first, then netlify.toml's.
    pub fn combine(file: Rules, config: Rules) -> Rules {
        let mut rules = file;
        rules.redirects.extend(config.redirects);
        rules.headers.extend(config.headers);
        rules
    }

    /// The first rule that applies to the request. `exists` says whether
    /// the site has a file for the path: then only forced rules apply.
    pub fn find_redirect<'r>(
        &'r self,
        request: &RequestFacts<'_>,
        exists: bool,
    ) -> Option<Matched<'r>> {
        self.redirects
            .iter()
            .filter(|rule| rule.force || !exists)
            .find_map(|rule| rule.matches(request))
    }

    /// The custom headers for a path: every matching rule, in order, a
    /// later value replacing an earlier one of the same name.
    pub fn headers_for(&self, path: &str) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for rule in self
            .headers
            .iter()
            .filter(|r| header_pattern_matches(&r.pattern, path))
        {
            for (name, value) in &rule.values {
                out.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
                out.push((name.clone(), value.clone()));
            }
        }
        out
    }
}

impl Redirect {
    fn matches(&self, request: &RequestFacts<'_>) -> Option<Matched<'_>> {
        let mut bound = match_path(&self.from, request.path)?;
        let params = parse_query(request.query);
        for (name, expected) in &self.query {
            let value = params.iter().find(|(k, _)| k == name).map(|(_, v)| v)?;
            match expected.strip_prefix(':') {
                Some(placeholder) => bound.push((placeholder.to_string(), value.clone())),
                None if expected == value => {}
                None => return None,
            }
        }
        if !self.conditions.hold(request) {
            return None;
        }
        let mut target = substitute(&self.to, &bound);
        if !target.contains('?') && !request.query.is_empty() {
            target.push('?');
            target.push_str(request.query);
        }
        Some(Matched { rule: self, target })
    }

    /// True when the target is another site (a proxy when the status is 200).
    pub fn is_external(&self) -> bool {
        self.to.starts_with("http://") || self.to.starts_with("https://")
    }
}

impl Conditions {
    fn hold(&self, request: &RequestFacts<'_>) -> bool {
        let cookies = parse_cookies(request.cookie.unwrap_or(""));
        let cookie = |name: &str| cookies.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
        if !self.language.is_empty() {
            // Netlify Dev's rule: the `nf_lang` cookie, else the first
            // language the browser asks for, else English.
            let language = cookie("nf_lang")
                .map(str::to_string)
                .unwrap_or_else(|| first_language(request.accept_language));
            if !self
                .language
                .iter()
                .any(|l| primary_subtag(l) == primary_subtag(&language))
            {
                return false;
            }
        }
        if !self.country.is_empty() {
            // No geolocation here: only the `nf_country` cookie says where
            // the visitor is, as in Netlify Dev.
            let Some(country) = cookie("nf_country") else {
                return false;
            };
            if !self.country.iter().any(|c| c.eq_ignore_ascii_case(country)) {
                return false;
            }
        }
        if !self.role.is_empty() {
            // Roles come from Netlify Identity tokens, which a local
            // preview does not have: such rules never apply.
            return false;
        }
        self.cookie.is_empty() || self.cookie.iter().any(|c| cookie(c).is_some())
    }
}

fn first_language(accept_language: Option<&str>) -> String {
    accept_language
        .and_then(|h| h.split(',').next())
        .map(|l| l.split(';').next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty() && l != "*")
        .unwrap_or_else(|| "en".to_string())
}

fn primary_subtag(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Matches a redirect's `from` against a path; returns the bound
/// placeholders and `splat`. A trailing slash matters on neither side.
fn match_path(from: &str, path: &str) -> Option<Vec<(String, String)>> {
    if !from.starts_with('/') {
        // A rule for a whole URL (another domain): never this preview's.
        return None;
    }
    let pattern: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut bound = Vec::new();
    for (index, part) in pattern.iter().enumerate() {
        if *part == "*" && index == pattern.len() - 1 {
            let mut rest = segments.get(index..).unwrap_or(&[]).join("/");
            // The splat is the rest of the path as requested, slash included.
            if !rest.is_empty() && path.ends_with('/') {
                rest.push('/');
            }
            bound.push(("splat".to_string(), rest));
            return Some(bound);
        }
        let segment = segments.get(index)?;
        match part.strip_prefix(':') {
            Some(name) => bound.push((name.to_string(), segment.to_string())),
            None if part == segment => {}
            None => return None,
        }
    }
    (segments.len() == pattern.len()).then_some(bound)
}

/// Replaces `:name` (and `:splat`) in a target with bound values; other
/// colons (`https:`, ports) stay as they are.
fn substitute(to: &str, bound: &[(String, String)]) -> String {
    let mut out = String::with_capacity(to.len());
    let mut rest = to;
    while let Some(colon) = rest.find(':') {
        out.push_str(&rest[..colon]);
        let after = &rest[colon + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..name_len];
        match bound.iter().find(|(k, _)| k == name) {
            Some((_, value)) if !name.is_empty() => out.push_str(value),
            _ => {
                out.push(':');
                out.push_str(name);
            }
        }
        rest = &after[name_len..];
    }
    out.push_str(rest);
    out
}

/// Netlify's `for` patterns: `:name` is one segment, `*` anything
/// (slashes too), a trailing slash is optional, case does not matter.
pub fn header_pattern_matches(pattern: &str, path: &str) -> bool {
    let parts: Vec<&str> = pattern
        .split('/')
        .map(str::trim_end)
        .filter(|p| !p.is_empty())
        .collect();
    let path = path.to_ascii_lowercase();
    let path = if path.len() > 1 {
        path.trim_end_matches('/')
    } else {
        &path
    };
    let mut tokens = Vec::new();
    for (index, part) in parts.iter().enumerate() {
        let standalone_star = *part == "*";
        if !(standalone_star && index > 0) {
            tokens.push(Token::Lit("/".to_string()));
        }
        if standalone_star {
            // `/de/*` covers `/de` itself too.
            tokens.push(if index > 0 {
                Token::SlashRest
            } else {
                Token::Any
            });
        } else if let Some(_name) = part.strip_prefix(':') {
            tokens.push(Token::Segment);
        } else {
            let lower = part.to_ascii_lowercase();
            let mut pieces = lower.split('*').peekable();
            while let Some(piece) = pieces.next() {
                if !piece.is_empty() {
                    tokens.push(Token::Lit(piece.to_string()));
                }
                if pieces.peek().is_some() {
                    tokens.push(Token::Any);
                }
            }
        }
    }
    if tokens.is_empty() {
        return path == "/";
    }
    glob(&tokens, path.as_bytes())
}

#[derive(Debug)]
enum Token {
    Lit(String),
    /// One or more characters other than `/`.
    Segment,
    /// Any characters, slashes included.
    Any,
    /// Nothing, or `/` followed by anything.
    SlashRest,
}

fn glob(tokens: &[Token], text: &[u8]) -> bool {
    let Some((first, rest)) = tokens.split_first() else {
        return text.is_empty();
    };
    match first {
        Token::Lit(lit) => text
            .strip_prefix(lit.as_bytes())
            .is_some_and(|after| glob(rest, after)),
        Token::Segment => (1..=text.len())
            .take_while(|&n| text[n - 1] != b'/')
            .any(|n| glob(rest, &text[n..])),
        Token::Any => (0..=text.len()).any(|n| glob(rest, &text[n..])),
        Token::SlashRest => {
            glob(rest, text)
                || text
                    .strip_prefix(b"/")
                    .is_some_and(|after| (0..=after.len()).any(|n| glob(rest, &after[n..])))
        }
    }
}

/// `a=1&b=%C3%A9` as decoded pairs.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (
                percent_decode(&k.replace('+', " ")),
                percent_decode(&v.replace('+', " ")),
            )
        })
        .collect()
}

fn parse_cookies(header: &str) -> Vec<(&str, &str)> {
    header
        .split(';')
        .filter_map(|c| c.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect()
}

/// Decodes `%XX` escapes; invalid UTF-8 is replaced, never an error.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|b| hex(*b)),
                bytes.get(i + 2).and_then(|b| hex(*b)),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A problem in a rules file, for the terminal and the overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesError {
    /// `netlify.toml`, `_redirects:3`.
    pub origin: String,
    pub message: String,
}

impl std::fmt::Display for RulesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error: {}: {}", self.origin, self.message)
    }
}

#[derive(Deserialize)]
struct NetlifyToml {
    #[serde(default)]
    headers: Vec<TomlHeaders>,
    #[serde(default)]
    redirects: Vec<TomlRedirect>,
}

#[derive(Deserialize)]
struct TomlHeaders {
    #[serde(rename = "for")]
    pattern: String,
    #[serde(default)]
    values: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct TomlRedirect {
    from: String,
    to: Option<String>,
    status: Option<u16>,
    #[serde(default)]
    force: bool,
    #[serde(default)]
    query: BTreeMap<String, String>,
    #[serde(default)]
    conditions: BTreeMap<String, toml::Value>,
}

/// Reads netlify.toml's rules. Keys serve does not use (`[build]`,
/// `[context.*]`, ...) are ignored, as Netlify ignores what it does not
/// know here.
pub fn parse_netlify_toml(text: &str) -> Result<Rules, RulesError> {
    let error = |message: String| RulesError {
        origin: "netlify.toml".to_string(),
        message,
    };
    let parsed: NetlifyToml =
        toml::from_str(text).map_err(|e| error(e.to_string().trim_end().to_string()))?;
    let mut rules = Rules::default();
    for header in parsed.headers {
        let values = header
            .values
            .into_iter()
            // A multi-line value (a long CSP) is one header line.
            .map(|(name, value)| (name, value.split_whitespace().collect::<Vec<_>>().join(" ")))
            .collect();
        rules.headers.push(HeaderRule {
            pattern: header.pattern,
            values,
        });
    }
    for (index, redirect) in parsed.redirects.into_iter().enumerate() {
        rules
            .redirects
            .push(redirect.into_rule(index + 1).map_err(error)?);
    }
    Ok(rules)
}

impl TomlRedirect {
    /// The `number`th `[[redirects]]` table as a rule.
    fn into_rule(self, number: usize) -> Result<Redirect, String> {
        let Some(to) = self.to else {
            return Err(format!(
                "[[redirects]] #{number} (from = \"{}\") has no `to`",
                self.from
            ));
        };
        let mut conditions = Conditions::default();
        for (name, value) in self.conditions {
            let list = match value {
                toml::Value::String(s) => split_list(&s),
                toml::Value::Array(items) => items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
                _ => {
                    return Err(format!(
                        "[[redirects]] #{number}: conditions.{name} must be a list of strings"
                    ));
                }
            };
            conditions.set(&name, list);
        }
        Ok(Redirect {
            from: self.from,
            query: self.query.into_iter().collect(),
            to,
            status: self.status.unwrap_or(301),
            force: self.force,
            conditions,
            origin: format!("netlify.toml [[redirects]] #{number}"),
        })
    }
}

impl Conditions {
    fn set(&mut self, name: &str, list: Vec<String>) {
        match name.to_ascii_lowercase().as_str() {
            "language" => self.language = list,
            "country" => self.country = list,
            "role" => self.role = list,
            "cookie" => self.cookie = list,
            // Unknown conditions (and `Sign`) do not restrict the preview.
            _ => {}
        }
    }
}

fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Reads a `_redirects` file: `from [key=value ...] to [status[!]] [Cond=a,b ...]`
/// per line, `#` comments. Lines that cannot be read are reported and
/// skipped, as Netlify does.
pub fn parse_redirects_file(text: &str) -> (Vec<Redirect>, Vec<RulesError>) {
    let mut redirects = Vec::new();
    let mut errors = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let origin = format!("_redirects:{}", number + 1);
        let mut parts: Vec<&str> = line.split_whitespace().collect();
        if let Some(comment) = parts.iter().position(|p| p.starts_with('#')) {
            parts.truncate(comment);
        }
        let Some((from, rest)) = parts.split_first() else {
            continue;
        };
        let Some(to_index) = rest.iter().position(|p| {
            p.starts_with('/') || p.starts_with("http://") || p.starts_with("https://")
        }) else {
            errors.push(RulesError {
                origin,
                message: format!("`{line}`: the destination must start with /, http: or https:"),
            });
            continue;
        };
        let query = rest[..to_index]
            .iter()
            .map(|p| p.split_once('=').unwrap_or((p, "")))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut status = 301;
        let mut force = false;
        let mut conditions = Conditions::default();
        for part in &rest[to_index + 1..] {
            if let Ok(code) = part.trim_end_matches('!').parse::<u16>() {
                status = code;
                force = part.ends_with('!');
            } else if let Some((name, value)) = part.split_once('=') {
                conditions.set(name, split_list(value));
            }
        }
        redirects.push(Redirect {
            from: from.to_string(),
            query,
            to: rest[to_index].to_string(),
            status,
            force,
            conditions,
            origin,
        });
    }
    (redirects, errors)
}

/// Reads a `_headers` file: a path line, then indented `Name: value`
/// lines; a repeated name joins its values with `, `.
pub fn parse_headers_file(text: &str) -> (Vec<HeaderRule>, Vec<RulesError>) {
    let mut rules: Vec<HeaderRule> = Vec::new();
    let mut errors = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('/') {
            rules.push(HeaderRule {
                pattern: line.to_string(),
                values: Vec::new(),
            });
            continue;
        }
        let origin = format!("_headers:{}", number + 1);
        let (Some(rule), Some((name, value))) = (rules.last_mut(), line.split_once(':')) else {
            errors.push(RulesError {
                origin,
                message: format!("`{line}` is neither a path nor a `Name: value` header under one"),
            });
            continue;
        };
        let (name, value) = (name.trim(), value.trim());
        match rule.values.iter_mut().find(|(n, _)| n == name) {
            Some((_, existing)) => {
                existing.push_str(", ");
                existing.push_str(value);
            }
            None => rule.values.push((name.to_string(), value.to_string())),
        }
    }
    (rules, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(path: &'a str, query: &'a str, language: Option<&'a str>) -> RequestFacts<'a> {
        RequestFacts {
            path,
            query,
            accept_language: language,
            cookie: None,
        }
    }

    const GENERATED: &str = "# Generated\n/  lang=:lang  /index.html  200!\n/  /de/  302!  Language=de\n/de/*  /de/404.html  404\n";

    #[test]
    fn the_generated_language_rules_behave_like_netlify() {
        let (redirects, errors) = parse_redirects_file(GENERATED);
        assert!(errors.is_empty(), "{errors:?}");
        let rules = Rules {
            redirects,
            headers: Vec::new(),
        };
        // A reader who chose a language keeps it.
        let chosen = rules
            .find_redirect(&facts("/", "lang=en", Some("de-DE,de;q=0.9")), true)
            .unwrap();
        assert_eq!(
            (chosen.rule.status, chosen.target.as_str()),
            (200, "/index.html?lang=en")
        );
        // A German browser is sent to the German portal, even though / exists.
        let german = rules
            .find_redirect(&facts("/", "", Some("de-DE,en;q=0.5")), true)
            .unwrap();
        assert_eq!((german.rule.status, german.target.as_str()), (302, "/de/"));
        // Others stay; an English first choice wins over a later German one.
        assert!(
            rules
                .find_redirect(&facts("/", "", Some("en-US,de;q=0.8")), true)
                .is_none()
        );
        assert!(rules.find_redirect(&facts("/", "", None), true).is_none());
        // Policy pages never redirect.
        assert!(
            rules
                .find_redirect(&facts("/privacy/", "", Some("de")), true)
                .is_none()
        );
        // The 404 rule is shadowed by existing pages.
        assert!(
            rules
                .find_redirect(&facts("/de/privacy/", "", None), true)
                .is_none()
        );
        let missing = rules
            .find_redirect(&facts("/de/nope/", "", None), false)
            .unwrap();
        assert_eq!(
            (missing.rule.status, missing.target.as_str()),
            (404, "/de/404.html")
        );
    }

    #[test]
    fn splats_placeholders_and_trailing_slashes() {
        let (redirects, _) = parse_redirects_file(
            "/old/*  /new/:splat  301\n/news/:year/:month  /archive/:month-:year/ 302\n/exact /there\n",
        );
        let rules = Rules {
            redirects,
            headers: Vec::new(),
        };
        let find = |path| {
            rules
                .find_redirect(&facts(path, "", None), false)
                .map(|m| m.target)
        };
        assert_eq!(find("/old/a/b").as_deref(), Some("/new/a/b"));
        assert_eq!(find("/old/a/").as_deref(), Some("/new/a/"));
        assert_eq!(find("/old").as_deref(), Some("/new/"));
        assert_eq!(find("/news/2026/05/").as_deref(), Some("/archive/05-2026/"));
        assert_eq!(find("/news/2026").as_deref(), None);
        assert_eq!(find("/exact/").as_deref(), Some("/there"));
        assert_eq!(find("/Exact").as_deref(), None);
        let with_query = rules
            .find_redirect(&facts("/exact", "a=1", None), false)
            .unwrap();
        assert_eq!(with_query.target, "/there?a=1");
    }

    #[test]
    fn header_patterns() {
        assert!(header_pattern_matches("/*", "/"));
        assert!(header_pattern_matches("/*", "/de/privacy/"));
        assert!(header_pattern_matches("/*.atom", "/privacy/changes.atom"));
        assert!(!header_pattern_matches("/*.atom", "/privacy/changes.json"));
        assert!(header_pattern_matches("/de/*", "/de"));
        assert!(header_pattern_matches("/de/*", "/de/x/y"));
        assert!(!header_pattern_matches("/de/*", "/dex"));
        assert!(header_pattern_matches("/privacy/", "/Privacy"));
        assert!(header_pattern_matches("/:locale/privacy", "/fr/privacy/"));
        assert!(!header_pattern_matches("/:locale/privacy", "/privacy/"));
        assert!(header_pattern_matches("/", "/"));
        assert!(!header_pattern_matches("/", "/a"));
    }

    #[test]
    fn netlify_toml_rules_and_header_merging() {
        let rules = parse_netlify_toml(
            r#"
[build]
  command = "x"
[[headers]]
  for = "/*"
  [headers.values]
    X-Frame-Options = "DENY"
    Content-Security-Policy = '''
      default-src 'none';
      style-src 'self'
    '''
[[headers]]
  for = "/*.json"
  [headers.values]
    X-Frame-Options = "SAMEORIGIN"
[[redirects]]
  from = "/legal/*"
  to = "/:splat"
  status = 301
  force = true
  conditions = { Language = ["fr"] }
"#,
        )
        .unwrap();
        let headers = rules.headers_for("/policies.json");
        assert_eq!(
            headers,
            vec![
                (
                    "Content-Security-Policy".to_string(),
                    "default-src 'none'; style-src 'self'".to_string()
                ),
                ("X-Frame-Options".to_string(), "SAMEORIGIN".to_string()),
            ]
        );
        let french = rules
            .find_redirect(&facts("/legal/terms/", "", Some("fr-CA")), true)
            .unwrap();
        assert_eq!(french.target, "/terms/");
        assert!(
            rules
                .find_redirect(&facts("/legal/terms/", "", Some("en")), true)
                .is_none()
        );
        let error = parse_netlify_toml("[[headers]]\nfor = 3\n").unwrap_err();
        assert!(
            error.to_string().starts_with("error: netlify.toml: "),
            "{error}"
        );
    }

    #[test]
    fn headers_files() {
        let (rules, errors) = parse_headers_file(
            "# c\n/*\n  Link: </a.css>; rel=preload\n  Link: </b.css>; rel=preload\n/x\n  X-A: 1\noops\n",
        );
        assert_eq!(rules.len(), 2);
        assert_eq!(
            rules[0].values,
            vec![(
                "Link".to_string(),
                "</a.css>; rel=preload, </b.css>; rel=preload".to_string()
            )]
        );
        assert_eq!(errors.len(), 1);
    }

    #[test]
    fn queries_and_cookies() {
        assert_eq!(
            parse_query("a=1&b=%C3%A9+x&c"),
            vec![
                ("a".to_string(), "1".to_string()),
                ("b".to_string(), "é x".to_string()),
                ("c".to_string(), String::new()),
            ]
        );
        let rules = Rules {
            redirects: parse_redirects_file(
                "/  /fr/  302  Language=fr\n/c  /yes  302  Cookie=beta\n",
            )
            .0,
            headers: Vec::new(),
        };
        let mut request = facts("/", "", Some("en"));
        request.cookie = Some("nf_lang=fr; other=1");
        assert!(rules.find_redirect(&request, false).is_some());
        let mut cookie = facts("/c", "", None);
        assert!(rules.find_redirect(&cookie, false).is_none());
        cookie.cookie = Some("beta=1");
        assert!(rules.find_redirect(&cookie, false).is_some());
    }
}
