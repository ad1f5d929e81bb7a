//! Lints: mistakes in policy texts that load and render fine but would
//! mislead a reader or break the site. `check` runs them on the rendered
//! site (in memory), so links are checked against the pages that exist.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use chrono::NaiveDate;
use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};
use rayon::prelude::*;

use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::markdown::{self, InlineHtml};
use crate::model::{Site, Text};
use crate::site::urls::Urls;
use crate::site::{Ids, PageIndex};

/// What the lints take from one text's parse: taken while the build has
/// the parse (`site::units`), so no text is parsed again to be linted.
/// Its links are checked once every page exists.
#[derive(Debug)]
pub struct Scan<'a> {
    /// Raw HTML and section findings.
    found: Vec<Diagnostic>,
    /// The text's links (their `Start(Link)` events).
    links: Vec<Scanned<'a>>,
    headings: Vec<Heading>,
}

/// Scans with their text's source path.
pub type Scans<'a> = Vec<(String, Scan<'a>)>;

/// Takes what the lints need from a text's raw events (`markdown::raw_events`).
pub fn scan_events<'a>(text: &Text, events: &[Scanned<'a>]) -> Scan<'a> {
    let mut found = raw_html(text, events);
    found.extend(sections(text, events));
    // Kept for every text until the site is rendered: no spare capacity.
    let mut links: Vec<Scanned<'a>> = events
        .iter()
        .filter(|(event, _)| matches!(event, Event::Start(Tag::Link { .. })))
        .cloned()
        .collect();
    links.shrink_to_fit();
    let mut headings = headings(events);
    headings.shrink_to_fit();
    Scan {
        found,
        links,
        headings,
    }
}

/// Every lint of every text of the site, taking each text's [`Scan`] from
/// `scans` when the build made it, else parsing the text (drafts not built,
/// policies a scoped rebuild did not render).
pub fn run(site: &Site, index: &PageIndex, base_url: &str, scans: Scans<'_>) -> Vec<Diagnostic> {
    let pages = Pages { index };
    let mut scans: HashMap<String, Scan<'_>> = scans.into_iter().collect();
    let urls = Urls::new(&site.config, base_url);
    let slugs = site.policy_slugs();
    let mut jobs: Vec<LintJob<'_>> = Vec::new();
    for policy in &site.policies {
        let mut previous: BTreeMap<&str, &Text> = BTreeMap::new();
        for version in &policy.versions {
            let default = version.default_text(&site.config);
            for text in &version.texts {
                let page_url = urls.version(&text.locale, &policy.slug, version.id);
                let source = default.filter(|d| d.locale != text.locale);
                jobs.push(LintJob {
                    text,
                    page_url,
                    effective: version.effective(),
                    previous: previous.get(text.locale.as_str()).copied(),
                    source,
                });
                previous.insert(&text.locale, text);
            }
        }
    }
    // Each text is parsed once, by the build or here; every lint reads the
    // same events, which are dropped as soon as its text is done (a large
    // site's events do not fit in memory at once). Translations are
    // compared with their source's headings afterwards.
    let scanned: Vec<Option<Scan<'_>>> = jobs
        .iter()
        .map(|job| scans.remove(&job.text.source.path))
        .collect();
    let linted: Vec<(Vec<Diagnostic>, Vec<Heading>)> = jobs
        .par_iter()
        .zip(scanned)
        .map(|(job, scan)| {
            let scan = scan
                .unwrap_or_else(|| scan_events(job.text, &markdown::raw_events(job.text.body())));
            let context = TextContext {
                text: job.text,
                page_url: &job.page_url,
                prefix: urls.prefix(&job.text.locale),
                slugs: &slugs,
            };
            let mut found = links(&context, &pages, &scan.links);
            found.extend(date_lines(job.text, job.effective));
            found.extend(scan.found);
            if let Some(before) = job.previous {
                found.extend(identical(before, job.text));
            }
            (found, scan.headings)
        })
        .collect();
    let (found, headings): (Vec<_>, Vec<_>) = linted.into_iter().unzip();
    let headings_of: HashMap<&str, &[Heading]> = jobs
        .iter()
        .zip(&headings)
        .map(|(job, headings)| (job.text.source.path.as_str(), headings.as_slice()))
        .collect();
    let mut diagnostics: Vec<Diagnostic> = found.into_iter().flatten().collect();
    for (job, found_headings) in jobs.iter().zip(&headings) {
        if let Some(source) = job.source {
            let expected = headings_of
                .get(source.source.path.as_str())
                .copied()
                .unwrap_or_default();
            diagnostics.extend(heading_structure(
                source,
                expected,
                job.text,
                found_headings,
            ));
        }
    }
    diagnostics
}

/// A parsed event of a body, with its byte range.
type Scanned<'a> = (Event<'a>, Range<usize>);

/// A heading: level, text, byte range.
type Heading = (u8, String, Range<usize>);

/// One text to lint, with what it is compared with: its previous version
/// in the same language, and its version's default-language text.
struct LintJob<'a> {
    text: &'a Text,
    /// The version page the text is shown on in its own language.
    page_url: String,
    effective: NaiveDate,
    previous: Option<&'a Text>,
    source: Option<&'a Text>,
}

/// The built pages, for link checks.
struct Pages<'i> {
    index: &'i PageIndex,
}

impl Pages<'_> {
    /// Whether a page exists at `path` (accepting `/terms` for `/terms/`),
    /// and its ids when they were indexed.
    fn get(&self, path: &str) -> Option<Option<&Ids>> {
        let pages = &self.index.pages;
        pages
            .get(path)
            .or_else(|| pages.get(&format!("{path}/")))
            .or_else(|| path.strip_suffix("index.html").and_then(|p| pages.get(p)))
            .map(Option::as_ref)
    }
}

struct TextContext<'a> {
    text: &'a Text,
    /// The version page the text is shown on in its own language.
    page_url: &'a str,
    prefix: String,
    slugs: &'a [String],
}

impl TextContext<'_> {
    /// True for paths the portal itself serves: its policies, changelogs,
    /// locale folders and files at the root such as /policies.json; and
    /// near misses of a policy's name (`/term/`), which are typos.
    fn in_portal(&self, path: &str) -> bool {
        let mut segments = path.trim_start_matches('/').split('/');
        let first = segments.next().unwrap_or("");
        let first = if !self.prefix.is_empty() && format!("/{first}") == self.prefix {
            segments.next().unwrap_or("")
        } else {
            first
        };
        let slugs: Vec<&str> = self.slugs.iter().map(String::as_str).collect();
        first.is_empty()
            || first == "changes"
            || first.contains('.')
            || slugs.contains(&first)
            || slugs
                .iter()
                .any(|slug| first.len() >= 3 && strsim::levenshtein(first, slug) <= 2)
    }
}

/// A diagnostic at a byte range of a text's body.
fn at_body(
    text: &Text,
    code: Code,
    warning: bool,
    message: String,
    range: Range<usize>,
) -> Diagnostic {
    let start = text.body.start + range.start;
    let end = text.body.start + range.end;
    let diagnostic = if warning {
        Diagnostic::warning(code, message)
    } else {
        Diagnostic::error(code, message)
    };
    diagnostic.at(&text.source, start..end)
}

/// Internal links and anchors that lead nowhere.
fn links(context: &TextContext<'_>, pages: &Pages, events: &[Scanned<'_>]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let text = context.text;
    for (event, range) in events.iter().cloned() {
        let Event::Start(Tag::Link {
            dest_url,
            link_type,
            ..
        }) = event
        else {
            continue;
        };
        if link_type == pulldown_cmark::LinkType::Email {
            continue;
        }
        let dest = dest_url.trim();
        if dest.is_empty()
            || dest.contains("://")
            || dest.contains(':') && !dest.starts_with('/') && !dest.starts_with('#')
        {
            continue;
        }
        let resolved = resolve(context, dest);
        let (path, fragment) = match resolved.split_once('#') {
            Some((path, fragment)) => (path.to_string(), Some(fragment.to_string())),
            None => (resolved.clone(), None),
        };
        let path = path.split('?').next().unwrap_or("").to_string();
        if !context.in_portal(&path) {
            // The portal is often part of a larger site (hexgen.app/settings):
            // only links into the portal's own pages can be checked.
            continue;
        }
        let Some(ids) = pages.get(&path) else {
            diagnostics.push(
                at_body(
                    text,
                    Code::BrokenLink,
                    false,
                    format!("this link leads to {path}, which is not a page of the site"),
                    range,
                )
                .help(suggest_page(pages, &path)),
            );
            continue;
        };
        if let (Some(fragment), Some(ids)) = (fragment.filter(|f| !f.is_empty()), ids) {
            let fragment = percent_decode(&fragment);
            if !ids.contains(&fragment) {
                let candidates: Vec<&str> =
                    ids.iter().filter(|id| !id.starts_with("ls-")).collect();
                let help = match did_you_mean(&fragment, &candidates) {
                    Some(id) => {
                        format!("did you mean #{id}? Section links use the id of a heading")
                    }
                    None => format!(
                        "the sections of {path} are: {}",
                        candidates
                            .iter()
                            .take(12)
                            .map(|id| format!("#{id}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                diagnostics.push(
                    at_body(
                        text,
                        Code::BrokenAnchor,
                        false,
                        format!("{path} has no section #{fragment}"),
                        range,
                    )
                    .help(help),
                );
            }
        }
    }
    diagnostics
}

/// The root-relative URL a link leads to from the text's page, with the
/// page's language kept, as the renderer does.
fn resolve(context: &TextContext<'_>, dest: &str) -> String {
    if dest.starts_with('#') {
        return format!("{}{dest}", context.page_url);
    }
    if dest.starts_with('/') {
        let first = dest
            .trim_start_matches('/')
            .split(['/', '#', '?'])
            .next()
            .unwrap_or("");
        let localize = !context.prefix.is_empty()
            && (context.slugs.iter().any(|s| s == first) || first == "changes");
        return if localize {
            format!("{}{dest}", context.prefix)
        } else {
            dest.to_string()
        };
    }
    // A relative path, against the page's folder.
    let mut segments: Vec<&str> = context
        .page_url
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let (path, rest) = match dest.find(['#', '?']) {
        Some(i) => (&dest[..i], &dest[i..]),
        None => (dest, ""),
    };
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let trailing = if path.ends_with('/') || path.is_empty() {
        "/"
    } else {
        ""
    };
    format!("/{}{trailing}{rest}", segments.join("/"))
}

fn suggest_page(pages: &Pages<'_>, path: &str) -> String {
    let candidates: Vec<&str> = pages
        .index
        .pages
        .keys()
        .map(String::as_str)
        .filter(|p| p.ends_with('/'))
        .collect();
    match did_you_mean(path, &candidates) {
        Some(page) => format!("did you mean {page}?"),
        None => {
            "links to policies look like /terms/, /terms/2026-05-24/ or /terms/changes/".to_string()
        }
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(value) = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(value);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Labels that start a hand-typed date line, in the languages legalsite
/// ships (lower case, without the colon).
const DATE_LABELS: &[&str] = &[
    "last updated",
    "last modified",
    "last revised",
    "effective",
    "effective date",
    "effective as of",
    "updated",
    "zuletzt aktualisiert",
    "stand",
    "gültig ab",
    "inkrafttreten",
    "dernière mise à jour",
    "date d'entrée en vigueur",
    "en vigueur",
    "última actualización",
    "fecha de entrada en vigor",
    "vigente desde",
    "آخر تحديث",
    "تاريخ السريان",
];

/// Bytes of the longest of [`DATE_LABELS`].
const LONGEST_DATE_LABEL: usize = {
    let mut longest = 0;
    let mut i = 0;
    while i < DATE_LABELS.len() {
        if DATE_LABELS[i].len() > longest {
            longest = DATE_LABELS[i].len();
        }
        i += 1;
    }
    longest
};

/// chrono locales whose month names a hand-typed date may use.
const MONTH_LOCALES: &[&str] = &[
    "en_US", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_PT", "ar_EG",
];

/// A hand-typed "Last updated: …" line: the site stamps the date itself, so
/// such a line is at best redundant and at worst wrong.
fn date_lines(text: &Text, effective: NaiveDate) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let body = text.body();
    let bytes = body.as_bytes();
    // Only a line with a colon can be a date line: each is found from its
    // first colon (most lines have none, and are not looked at).
    let mut next_line = 0;
    for colon in memchr::memchr_iter(b':', bytes) {
        if colon < next_line {
            continue;
        }
        let line_start = memchr::memrchr(b'\n', &bytes[..colon]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &bytes[colon..]).map_or(bytes.len(), |i| colon + i + 1);
        next_line = end;
        let Some(line) = body.get(line_start..end) else {
            continue;
        };
        let content = line
            .trim_end()
            .trim_start_matches(['*', '_', '#', ' ', '>']);
        let Some((label, rest)) = content.split_once(':') else {
            continue;
        };
        let label = label.trim().trim_end_matches(['*', '_']);
        // Most lines with a colon are prose: longer than any label even in
        // lower case (which at most thirds a character's bytes), so they
        // are not lowered into a new String to be compared.
        if label.len() > 3 * LONGEST_DATE_LABEL {
            continue;
        }
        let label = label.to_lowercase();
        if !DATE_LABELS.contains(&label.as_str()) {
            continue;
        }
        let Some(date) = find_date(rest) else {
            continue;
        };
        let range = line_start..line_start + line.trim_end().len();
        let diagnostic = if date == effective {
            at_body(text, Code::StaleDateLine, true, "a hand-typed date line repeats what the page stamps".to_string(), range)
                .help("remove the line: the site stamps \"Last updated\" from the version's date, in every language")
        } else {
            at_body(
                text,
                Code::StaleDateLine,
                false,
                format!("this line says {date}, but the version takes effect on {effective}"),
                range,
            )
            .help("remove the line: the site stamps \"Last updated\" from the version's date (the folder name)")
        };
        diagnostics.push(diagnostic);
    }
    diagnostics
}

/// A date written in a line: ISO, or day/month-name/year in a known
/// language, or month-name day, year (English).
fn find_date(text: &str) -> Option<NaiveDate> {
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c == ',' || c == '.' || c == '*' || c == '_')
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect();
    for word in &words {
        if let Ok(date) = crate::fields::parse_date(word) {
            return Some(date);
        }
    }
    let month = |w: &str| month_number(w);
    let number = |w: &str| w.trim_start_matches('0').parse::<u32>().ok();
    for window in 0..words.len() {
        let take = |i: usize| words.get(window + i).map(String::as_str).unwrap_or("");
        // "May 24 2026" / "24 May 2026" / "24 de mayo de 2026"
        let patterns = [
            (month(take(0)), number(take(1)), number(take(2))),
            (month(take(1)), number(take(0)), number(take(2))),
            (month(take(2)), number(take(0)), number(take(4))),
        ];
        for (m, d, y) in patterns {
            if let (Some(m), Some(d), Some(y)) = (m, d, y)
                && y > 1900
                && let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d)
            {
                return Some(date);
            }
        }
    }
    None
}

fn month_number(word: &str) -> Option<u32> {
    use std::sync::OnceLock;
    static NAMES: OnceLock<Vec<(String, u32)>> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        let mut names = Vec::new();
        for locale in MONTH_LOCALES {
            let Ok(locale) = chrono::Locale::try_from(*locale) else {
                continue;
            };
            for month in 1..=12 {
                if let Some(date) = NaiveDate::from_ymd_opt(2000, month, 1) {
                    for pattern in ["%B", "%b"] {
                        let name = date
                            .format_localized(pattern, locale)
                            .to_string()
                            .to_lowercase();
                        names.push((name.trim_end_matches('.').to_string(), month));
                    }
                }
            }
        }
        names
    });
    names.iter().find(|(name, _)| name == word).map(|(_, m)| *m)
}

/// Raw HTML that will not reach the page as HTML.
fn raw_html(text: &Text, events: &[Scanned<'_>]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut block: Option<(String, Range<usize>)> = None;
    for (event, range) in events {
        let range = range.clone();
        match event {
            Event::InlineHtml(raw) if markdown::inline_tag(raw) == InlineHtml::Shown => {
                diagnostics.push(
                    at_body(text, Code::RawHtml, true, format!("`{raw}` is shown as text, not used as HTML"), range)
                        .help("use Markdown instead; the HTML allowed in policies is <br>, <sup>, <sub>, <abbr title>, <small>, <mark>, <kbd>, <span lang dir>"),
                );
            }
            Event::Start(Tag::HtmlBlock) => block = Some((String::new(), range)),
            Event::Html(raw) => {
                if let Some((buffer, _)) = block.as_mut() {
                    buffer.push_str(raw);
                }
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((raw, range)) = block.take() {
                    let cleaned = markdown::sanitize_block(&raw);
                    if squash(&cleaned) != squash(&strip_comments(&raw)) {
                        diagnostics.push(
                            at_body(text, Code::RawHtml, true, "this HTML block loses elements or attributes that are not allowed (scripts, styles, event handlers, frames, ...)".to_string(), range.start..range.start + raw.find('\n').unwrap_or(raw.len()))
                                .help("write the block in Markdown; what the page shows is the HTML without the parts that are not allowed"),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    diagnostics
}

fn strip_comments(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("-->")
            .map_or("", |end| &rest[start + end + 3..]);
    }
    out.push_str(rest);
    out
}

/// HTML compared without whitespace and quoting differences.
fn squash(html: &str) -> String {
    html.chars()
        .filter(|c| !c.is_whitespace() && *c != '"' && *c != '\'' && *c != '/')
        .collect::<String>()
        .to_lowercase()
}

/// Headings with nothing under them, and images without alternative text.
fn sections(text: &Text, events: &[Scanned<'_>]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut open: Option<(HeadingLevel, Range<usize>, String)> = None;
    let mut in_heading = false;
    let mut heading_text = String::new();
    let mut image: Option<(Range<usize>, String)> = None;
    for (event, range) in events {
        let range = range.clone();
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                if let Some((previous, previous_range, title)) = open.take()
                    && *level <= previous
                {
                    diagnostics.push(empty_section(text, &title, previous_range));
                }
                in_heading = true;
                heading_text.clear();
                open = Some((*level, range.clone(), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                in_heading = false;
                if let Some((_, _, title)) = open.as_mut() {
                    *title = heading_text.trim().to_string();
                }
            }
            Event::Text(t) | Event::Code(t) if in_heading => heading_text.push_str(t),
            Event::Start(Tag::Image { .. }) => image = Some((range.clone(), String::new())),
            Event::Text(t) if image.is_some() => {
                if let Some((_, alt)) = image.as_mut() {
                    alt.push_str(t);
                }
            }
            Event::End(TagEnd::Image) => {
                if let Some((range, alt)) = image.take()
                    && alt.trim().is_empty()
                {
                    diagnostics.push(
                        at_body(text, Code::ImageAlt, true, "this image has no alternative text".to_string(), range)
                            .help("describe the image for readers who cannot see it: ![What the image shows](file.png)"),
                    );
                }
            }
            // Anything but the end of a container closes the open heading:
            // its section has content.
            Event::End(_) | Event::SoftBreak | Event::HardBreak => {}
            _ if !in_heading => open = None,
            _ => {}
        }
    }
    if let Some((_, range, title)) = open {
        diagnostics.push(empty_section(text, &title, range));
    }
    diagnostics
}

fn empty_section(text: &Text, title: &str, heading: Range<usize>) -> Diagnostic {
    at_body(
        text,
        Code::EmptySection,
        true,
        format!("the section \"{title}\" is empty"),
        heading,
    )
    .help("write the section's text, or remove the heading")
}

/// A version whose text is the previous version's, unchanged.
fn identical(previous: &Text, text: &Text) -> Vec<Diagnostic> {
    if !same_words(previous.body(), text.body()) {
        return Vec::new();
    }
    let line = text.body_first_line().saturating_sub(1).max(1);
    vec![
        Diagnostic::warning(
            Code::IdenticalVersion,
            format!("this text is identical to {}", previous.source.path),
        )
        .in_file(text.source.path.clone())
        .at_line_col(line, 1, text.source.line_text(line).to_string(), 3)
        .help("edit the text for this version, or remove the version if nothing changed"),
    ]
}

/// Whether two texts have the same words, whatever the spaces between
/// them. Versions usually share a long beginning: it is skipped at memcmp
/// speed, up to its last ASCII space (a word boundary in both texts), and
/// the rest is compared word by word up to the first difference.
fn same_words(a: &str, b: &str) -> bool {
    let (a_bytes, b_bytes) = (a.as_bytes(), b.as_bytes());
    let shorter = a_bytes.len().min(b_bytes.len());
    let mut common = 0;
    while common + 64 <= shorter && a_bytes[common..common + 64] == b_bytes[common..common + 64] {
        common += 64;
    }
    common += a_bytes[common..shorter]
        .iter()
        .zip(&b_bytes[common..shorter])
        .take_while(|(x, y)| x == y)
        .count();
    let start = a_bytes[..common]
        .iter()
        .rposition(u8::is_ascii_whitespace)
        .map_or(0, |i| i + 1);
    a[start..]
        .split_whitespace()
        .eq(b[start..].split_whitespace())
}

/// Headings of a text, as (level, text, byte range).
fn headings(events: &[Scanned<'_>]) -> Vec<Heading> {
    let mut out = Vec::new();
    let mut current: Option<Heading> = None;
    for (event, range) in events {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                current = Some((*level as u8, String::new(), range.clone()))
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, title, _)) = current.as_mut() {
                    title.push_str(t);
                }
            }
            Event::End(TagEnd::Heading(_)) => out.extend(current.take()),
            _ => {}
        }
    }
    out
}

/// A translation whose sections do not match its source's: a section was
/// left out, or one was added.
fn heading_structure(
    source: &Text,
    expected: &[Heading],
    translation: &Text,
    found: &[Heading],
) -> Vec<Diagnostic> {
    let levels = |h: &[Heading]| h.iter().map(|(l, _, _)| *l).collect::<Vec<_>>();
    if levels(expected) == levels(found) {
        return Vec::new();
    }
    let first_difference = expected
        .iter()
        .zip(found.iter())
        .position(|(a, b)| a.0 != b.0)
        .unwrap_or(expected.len().min(found.len()));
    let (message, range) = if found.len() < expected.len() {
        let missing = &expected[first_difference];
        (
            format!(
                "this translation has {} where {} has {}; the first one without a counterpart is \"{}\" ({})",
                headings_count(found.len()),
                source.source.path,
                expected.len(),
                missing.1.trim(),
                "#".repeat(missing.0 as usize)
            ),
            found.get(first_difference).map_or(0..0, |h| h.2.clone()),
        )
    } else {
        let extra = found
            .get(first_difference)
            .cloned()
            .unwrap_or((0, String::new(), 0..0));
        (
            format!(
                "this translation's sections differ from {}: its heading \"{}\" has no counterpart there",
                source.source.path,
                extra.1.trim()
            ),
            extra.2,
        )
    };
    let diagnostic = if range.is_empty() {
        let line = translation.body_first_line();
        Diagnostic::warning(Code::HeadingStructure, message)
            .in_file(translation.source.path.clone())
            .at_line_col(line, 1, translation.source.line_text(line).to_string(), 1)
    } else {
        at_body(translation, Code::HeadingStructure, true, message, range)
    };
    vec![diagnostic.help("translate the missing section (or remove the extra one) so readers of every language find the same sections")]
}

fn headings_count(n: usize) -> String {
    if n == 1 {
        "1 heading".to_string()
    } else {
        format!("{n} headings")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        crate::fields::parse_date(s).unwrap()
    }

    #[test]
    fn dates_in_several_languages() {
        assert_eq!(find_date(" May 24, 2026"), Some(date("2026-05-24")));
        assert_eq!(find_date(" 24. Mai 2026"), Some(date("2026-05-24")));
        assert_eq!(find_date(" 24 mai 2026"), Some(date("2026-05-24")));
        assert_eq!(find_date(" 24 de mayo de 2026"), Some(date("2026-05-24")));
        assert_eq!(find_date(" 2026-05-24"), Some(date("2026-05-24")));
        assert_eq!(find_date(" soon"), None);
    }

    #[test]
    fn date_lines_are_found_by_their_first_colon_on_any_line() {
        let file = "---\ntitle: T\n---\nNote: see 1 May 2026.\n\n**Last updated:** 1 May 2026\nPlain line\n> Effective date: June 1, 2026 (see: below)\nLast updated: 2026-06-01";
        let body = file.find("Note").unwrap()..file.len();
        let text = Text {
            locale: "en".into(),
            source: crate::source::SourceFile::new("content/p/2026-06-01/en.md", file),
            front: Default::default(),
            body,
            file: Default::default(),
        };
        let found: Vec<(usize, usize, bool)> = date_lines(&text, date("2026-06-01"))
            .iter()
            .map(|d| (d.line.unwrap(), d.column.unwrap(), d.is_error()))
            .collect();
        // "Note:" is no date label; a differing date is an error, the
        // version's own a warning; the last line has no line break.
        assert_eq!(found, [(6, 1, true), (8, 1, false), (9, 1, false)]);
    }

    #[test]
    fn ids_are_read_from_pages() {
        let ids = Ids::of(r##"<h2 id="a"><a href="#a">A</a></h2><p id="b&amp;c">"##);
        assert_eq!(ids.iter().collect::<Vec<_>>(), ["a", "b&c"]);
    }

    #[test]
    fn fragments_are_decoded() {
        assert_eq!(percent_decode("donn%C3%A9es"), "données");
    }

    #[test]
    fn texts_with_the_same_words_are_the_same_whatever_their_spacing() {
        let long = "word ".repeat(40);
        for (a, b, same) in [
            ("a b c", "a b c", true),
            ("a  b\nc", "a b c\n", true),
            ("a\u{a0}b", "a b", true),
            ("a b", "a bc", false),
            ("a bc", "a b c", false),
            ("ab c", "a bc", false),
            ("xa b", "xab", false),
            ("", "  ", true),
            ("x", "", false),
        ] {
            assert_eq!(same_words(a, b), same, "{a:?} {b:?}");
            let (a, b) = (format!("{long}{a}"), format!("{long}{b}"));
            assert_eq!(
                same_words(&a, &b),
                same,
                "after a long shared beginning: {a:?}"
            );
            let (a, b) = (format!("{a} end"), format!("{b} end"));
            assert_eq!(same_words(&a, &b), same, "with a shared end: {a:?}");
        }
    }
}
