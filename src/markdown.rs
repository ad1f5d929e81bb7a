//! Markdown: the one dialect of policy texts, and its rendering to page HTML.
//!
//! Every consumer of a policy body (the page renderer here, the redline, the
//! lints of `check`) starts from [`safe_events`], so they all see the same
//! text: raw HTML has already been made harmless there, once.

use std::ops::Range;

use pulldown_cmark::{
    Alignment, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

/// The Markdown dialect of policy texts. Every parser in the crate is built
/// with these options, so page, redline and lints agree on what a text says.
///
/// Smart punctuation stays off: the text is what the editor typed.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Inline HTML elements a policy may use, with the attributes each may keep.
const INLINE_TAGS: &[(&str, &[&str])] = &[
    ("abbr", &["title"]),
    ("bdi", &["dir"]),
    ("br", &[]),
    ("kbd", &[]),
    ("mark", &[]),
    ("small", &[]),
    ("span", &["lang", "dir"]),
    ("sub", &[]),
    ("sup", &[]),
    ("wbr", &[]),
];

/// Elements that HTML blocks may keep after sanitizing.
const BLOCK_TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "bdi",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
    "wbr",
];

/// Parses a policy body into events in which raw HTML is safe by construction:
///
/// - inline tags on the allow-list ([`INLINE_TAGS`]) are re-emitted in a
///   canonical form with only their allowed attributes;
/// - any other inline tag becomes `Text`: shown to the reader as typed, never
///   executed (the `check` command reports it);
/// - inline comments are dropped (editors' notes);
/// - an HTML block is passed through the allow-list sanitizer (ammonia) and
///   comes out as one `Html` event between `Start(HtmlBlock)` and `End`.
///
/// Ranges are byte ranges into `body`.
pub fn safe_events(body: &str) -> Vec<(Event<'_>, Range<usize>)> {
    sanitize(
        Parser::new_ext(body, options()).into_offset_iter(),
        body.len(),
    )
}

/// A body's events as the parser gives them, raw HTML included (what the
/// lints read, before [`safe_events_from`] makes them safe).
pub fn raw_events(body: &str) -> Vec<(Event<'_>, Range<usize>)> {
    let mut events = Vec::with_capacity(body.len() / 12 + 16);
    events.extend(Parser::new_ext(body, options()).into_offset_iter());
    events
}

/// [`safe_events`] from a body's [`raw_events`], taken (not copied: a
/// text's events were cloned and dropped once more than needed).
pub fn safe_events_from(raw: Vec<(Event<'_>, Range<usize>)>) -> Vec<(Event<'_>, Range<usize>)> {
    // Most policies hold no HTML at all: their events are safe as parsed,
    // and moving them into a new list was 2 % of `check`.
    let has_html = raw
        .iter()
        .any(|(event, _)| matches!(event, Event::Html(_) | Event::InlineHtml(_)));
    if !has_html {
        return raw;
    }
    let source_len = raw.last().map_or(0, |(_, range)| range.end);
    sanitize(raw.into_iter(), source_len)
}

fn sanitize<'a>(
    events: impl Iterator<Item = (Event<'a>, Range<usize>)>,
    source_len: usize,
) -> Vec<(Event<'a>, Range<usize>)> {
    // Policy prose makes about one event per 12 bytes (text, soft breaks,
    // emphasis, list items); sized up front, the list is not copied as it
    // grows, which profiles showed.
    let mut out = Vec::with_capacity(source_len / 12 + 16);
    let mut html_block: Option<(String, Range<usize>)> = None;
    for (event, range) in events {
        match event {
            Event::Start(Tag::HtmlBlock) => {
                html_block = Some((String::new(), range.clone()));
                out.push((Event::Start(Tag::HtmlBlock), range));
            }
            Event::Html(raw) => match html_block.as_mut() {
                Some((buffer, _)) => buffer.push_str(&raw),
                None => out.push((Event::Html(CowStr::from(sanitize_block(&raw))), range)),
            },
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((raw, block_range)) = html_block.take() {
                    out.push((Event::Html(CowStr::from(sanitize_block(&raw))), block_range));
                }
                out.push((Event::End(TagEnd::HtmlBlock), range));
            }
            Event::InlineHtml(raw) => match inline_tag(&raw) {
                InlineHtml::Allowed(tag) => out.push((Event::InlineHtml(tag.into()), range)),
                InlineHtml::Comment => {}
                InlineHtml::Shown => out.push((Event::Text(raw), range)),
            },
            other => out.push((other, range)),
        }
    }
    out
}

/// What becomes of one inline HTML token.
#[derive(Debug, PartialEq)]
pub enum InlineHtml {
    /// An allowed tag, re-serialized with its allowed attributes only.
    Allowed(String),
    /// An HTML comment: dropped.
    Comment,
    /// Anything else: shown as text.
    Shown,
}

/// Classifies one inline HTML token (`<sup>`, `</abbr>`, `<br/>`, `<!-- x -->`).
pub fn inline_tag(raw: &str) -> InlineHtml {
    if raw.starts_with("<!--") {
        return InlineHtml::Comment;
    }
    let Some(tag) = TagToken::parse(raw) else {
        return InlineHtml::Shown;
    };
    let Some((name, allowed_attrs)) = INLINE_TAGS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(&tag.name))
    else {
        return InlineHtml::Shown;
    };
    if tag.closing {
        return InlineHtml::Allowed(format!("</{name}>"));
    }
    let mut html = format!("<{name}");
    for (attr, value) in &tag.attrs {
        if allowed_attrs.iter().any(|a| a.eq_ignore_ascii_case(attr)) {
            html.push_str(&format!(
                " {}=\"{}\"",
                attr.to_ascii_lowercase(),
                escape_html(value)
            ));
        }
    }
    html.push('>');
    InlineHtml::Allowed(html)
}

/// A parsed start or end tag.
struct TagToken {
    name: String,
    closing: bool,
    attrs: Vec<(String, String)>,
}

impl TagToken {
    /// Parses `<name attr="v" attr2=v2 flag>` or `</name>`; `None` if it is
    /// not a plain tag (pulldown-cmark only emits well-formed inline tags,
    /// declarations and processing instructions, so this stays small).
    fn parse(raw: &str) -> Option<TagToken> {
        let inner = raw.strip_prefix('<')?.strip_suffix('>')?;
        let inner = inner.strip_suffix('/').unwrap_or(inner);
        let (closing, inner) = match inner.strip_prefix('/') {
            Some(rest) => (true, rest),
            None => (false, inner),
        };
        let name_end = inner
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(inner.len());
        let name = &inner[..name_end];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return None;
        }
        Some(TagToken {
            name: name.to_ascii_lowercase(),
            closing,
            attrs: parse_attrs(&inner[name_end..]),
        })
    }
}

fn parse_attrs(mut rest: &str) -> Vec<(String, String)> {
    let mut attrs = Vec::new();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return attrs;
        }
        let name_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '=')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_string();
        rest = rest[name_end..].trim_start();
        let Some(after_eq) = rest.strip_prefix('=') else {
            attrs.push((name, String::new()));
            continue;
        };
        let after_eq = after_eq.trim_start();
        let (value, remaining) = match after_eq.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let body = &after_eq[1..];
                let end = body.find(quote).unwrap_or(body.len());
                (&body[..end], body.get(end + 1..).unwrap_or(""))
            }
            _ => {
                let end = after_eq
                    .find(|c: char| c.is_ascii_whitespace())
                    .unwrap_or(after_eq.len());
                (&after_eq[..end], &after_eq[end..])
            }
        };
        attrs.push((name, value.to_string()));
        rest = remaining;
    }
}

/// Runs an HTML block through the allow-list sanitizer.
pub fn sanitize_block(raw: &str) -> String {
    ammonia::Builder::empty()
        .add_tags(BLOCK_TAGS)
        .add_tag_attributes("a", &["href", "title"])
        .add_tag_attributes("abbr", &["title"])
        .add_tag_attributes("span", &["lang", "dir"])
        .add_tag_attributes("td", &["colspan", "rowspan"])
        .add_tag_attributes("th", &["colspan", "rowspan", "scope"])
        .add_generic_attributes(&["lang", "dir"])
        .url_schemes(SAFE_SCHEMES.iter().copied().collect())
        .link_rel(None)
        .clean(raw)
        .to_string()
}

/// URL schemes that may become live links.
pub const SAFE_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// True when `url` may become a live `href` or `src`: one of
/// [`SAFE_SCHEMES`], or relative (path, query or fragment).
pub fn is_safe_url(url: &str) -> bool {
    let trimmed = url.trim_start();
    match trimmed.find([':', '/', '?', '#']) {
        Some(i) if trimmed.as_bytes()[i] == b':' => {
            let scheme = &trimmed[..i];
            SAFE_SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(scheme))
        }
        _ => true,
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    push_escaped(&mut out, text);
    out
}

/// Appends `text` to `out`, escaping `& < > " '`.
pub fn push_escaped(out: &mut String, text: &str) {
    // Writing to a String cannot fail.
    let _ = write_escaped(out, text);
}

/// Writes `text` escaped (`& < > " '`) without building a copy first:
/// into a String, or straight into a template's output.
pub fn write_escaped(out: &mut impl std::fmt::Write, text: &str) -> std::fmt::Result {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let replacement = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&text[last..i])?;
        out.write_str(replacement)?;
        last = i + 1;
    }
    out.write_str(&text[last..])
}

/// How links in a body are resolved for the page being rendered.
#[derive(Debug, Clone, Copy)]
pub struct LinkContext<'a> {
    /// URL prefix of the page's locale: `""` for the default locale, `"/de"`.
    pub locale_prefix: &'a str,
    /// Slugs of the site's policies: root-relative links to them (`/terms/`)
    /// are kept in the reader's language (`/de/terms/`).
    pub policy_slugs: &'a [String],
}

/// One entry of a page's table of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A body rendered for a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// The policy text as HTML: what goes inside `#policy-text`.
    pub html: String,
    /// Headings of levels 2 and 3, for the table of contents.
    pub toc: Vec<TocEntry>,
    /// Every `id` the body defines (headings, footnotes), for link checks.
    pub anchors: Vec<String>,
    /// Number of words, for reading-time and summary figures.
    pub words: usize,
}

/// Renders a policy body to page HTML: headings get stable ids and a
/// self-link, links are kept in the reader's language, tables align by
/// class (a strict CSP forbids inline styles), unsafe URLs lose their link.
pub fn render(body: &str, links: LinkContext<'_>) -> Rendered {
    render_events(&safe_events(body), links)
}

/// [`render`] from a body's [`safe_events`], parsed once and shared by the
/// pages and redlines that show the body.
pub fn render_events(events: &[(Event<'_>, Range<usize>)], links: LinkContext<'_>) -> Rendered {
    let mut ids = IdAllocator::default();
    let mut out = Vec::with_capacity(events.len());
    let mut toc = Vec::new();
    let mut words = 0;
    let mut table = TableState::default();
    let mut index = 0;
    while index < events.len() {
        let (event, _) = &events[index];
        index += 1;
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let end = heading_end(events, index);
                let inner: Vec<Event<'_>> = events[index..end]
                    .iter()
                    .map(|(e, _)| rewrite_inline(e.clone(), links))
                    .collect();
                index = end + 1;
                let text = plain_text(&inner);
                words += count_words(&text);
                let anchor = ids.allocate(id.as_deref(), &text);
                push_heading(&mut out, *level, &anchor, inner);
                if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
                    toc.push(TocEntry {
                        level: *level as u8,
                        id: anchor,
                        text,
                    });
                }
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                ids.reserve(name);
                out.push(event.clone());
            }
            Event::Text(text) => {
                words += count_words(text);
                table.observe(text);
                out.push(event.clone());
            }
            Event::Code(code) => {
                table.observe(code);
                out.push(rewrite_inline(event.clone(), links));
            }
            Event::Start(Tag::Table(aligns)) => out.push(table.start(aligns)),
            Event::Start(Tag::TableHead) => out.push(table.head()),
            Event::End(TagEnd::TableHead) => out.push(table.end_head()),
            Event::Start(Tag::TableRow) => out.push(table.row()),
            Event::End(TagEnd::TableRow) => out.push(Event::Html("</tr>\n".into())),
            Event::Start(Tag::TableCell) => out.push(table.cell()),
            Event::End(TagEnd::TableCell) => out.push(table.end_cell()),
            Event::End(TagEnd::Table) => out.push(table.end()),
            other => out.push(rewrite_inline(other.clone(), links)),
        }
    }
    // About as long as the Markdown: the source span of the events, plus tags.
    let source_len = events.last().map_or(0, |(_, range)| range.end);
    let mut html = String::with_capacity(source_len * 5 / 4);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    Rendered {
        html,
        toc,
        anchors: ids.into_ids(),
        words,
    }
}

fn heading_end(events: &[(Event<'_>, Range<usize>)], from: usize) -> usize {
    events[from..]
        .iter()
        .position(|(e, _)| matches!(e, Event::End(TagEnd::Heading(_))))
        .map_or(events.len(), |offset| from + offset)
}

fn push_heading<'a>(
    out: &mut Vec<Event<'a>>,
    level: HeadingLevel,
    id: &str,
    inner: Vec<Event<'a>>,
) {
    let has_link = inner
        .iter()
        .any(|e| matches!(e, Event::Start(Tag::Link { .. })));
    let id = escape_html(id);
    let open = if has_link {
        format!("<{level} id=\"{id}\">")
    } else {
        format!("<{level} id=\"{id}\"><a class=\"self-link\" href=\"#{id}\">")
    };
    out.push(Event::Html(open.into()));
    out.extend(inner);
    let close = if has_link {
        format!("</{level}>\n")
    } else {
        format!("</a></{level}>\n")
    };
    out.push(Event::Html(close.into()));
}

/// Keeps links in the reader's language and drops unsafe URLs.
fn rewrite_inline<'a>(event: Event<'a>, links: LinkContext<'_>) -> Event<'a> {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = if is_safe_url(&dest_url) {
                localize_link(dest_url, links)
            } else {
                CowStr::from("#")
            };
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) if !is_safe_url(&dest_url) => Event::Start(Tag::Image {
            link_type: if link_type == LinkType::Autolink {
                LinkType::Inline
            } else {
                link_type
            },
            dest_url: CowStr::from(""),
            title,
            id,
        }),
        other => other,
    }
}

/// `/terms/#x` on a German page becomes `/de/terms/#x`.
pub fn localize_link<'a>(dest: CowStr<'a>, links: LinkContext<'_>) -> CowStr<'a> {
    if links.locale_prefix.is_empty() {
        return dest;
    }
    let Some(path) = dest.strip_prefix('/') else {
        return dest;
    };
    let first = path.split(['/', '#', '?']).next().unwrap_or("");
    if links.policy_slugs.iter().any(|slug| slug == first) || first == "changes" {
        CowStr::from(format!("{}{}", links.locale_prefix, dest))
    } else {
        dest
    }
}

/// Applies [`localize_link`] to every `href="…"` of HTML we wrote (the
/// redline renders links as the source has them; a compare page keeps them
/// in its reader's language, as the version pages do). Our HTML escapes
/// every text, so `href="` only occurs in markup.
pub fn localize_hrefs(html: &str, links: LinkContext<'_>) -> String {
    if links.locale_prefix.is_empty() {
        return html.to_string();
    }
    rewrite_hrefs(html, |href| {
        Some(localize_link(CowStr::from(href), links).into_string())
    })
}

/// Rewrites every `href="…"` of HTML we wrote in one pass: `rewrite` gets
/// the value as written and returns the new one, or `None` to keep it.
pub fn rewrite_hrefs(html: &str, mut rewrite: impl FnMut(&str) -> Option<String>) -> String {
    let finder =
        memchr::memmem::FinderBuilder::new().build_forward_with_ranker(InMarkup, "href=\"");
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(start) = finder.find(rest.as_bytes()) {
        let (before, after) = rest.split_at(start + 6);
        out.push_str(before);
        let end = after.find('"').unwrap_or(after.len());
        match rewrite(&after[..end]) {
            Some(new) => out.push_str(&new),
            None => out.push_str(&after[..end]),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// How often bytes occur in our HTML, for finding `href="` in it: memchr
/// looks first for the two rarest bytes of a needle at their distance, and
/// its own ranking (for text in general) takes `=` and `"`, which begin
/// every attribute's value. `h` four bytes before `=` is rare in markup
/// (`class=`, `dir=`, `id=`) and in text alike: the searches of the
/// 1,000-version corpus's compare pages took 86M instructions, now 38M.
struct InMarkup;

impl memchr::arch::all::packedpair::HeuristicFrequencyRank for InMarkup {
    fn rank(&self, byte: u8) -> u8 {
        match byte {
            b'=' => 0,
            b'h' => 1,
            _ => 255,
        }
    }
}

/// The text of inline events, as a reader sees it.
pub fn plain_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

/// The words of a text as `split_whitespace` counts them. Every body
/// passes through here, and asking of each character whether it is a
/// space took as long as the rest of the rendering, so 8 bytes are looked
/// at together; only a chunk holding the first byte of a space beyond
/// ASCII goes a character at a time.
fn count_words(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut words = 0;
    let mut after_space = true;
    let mut i = 0;
    while i < bytes.len() {
        let chunk = match bytes.get(i..i + 8) {
            Some(eight) => eight.try_into().map_or(0, u64::from_le_bytes),
            None => {
                // The last bytes padded with spaces, which start no word.
                let mut tail = [b' '; 8];
                tail[..bytes.len() - i].copy_from_slice(&bytes[i..]);
                u64::from_le_bytes(tail)
            }
        };
        if may_hold_unicode_space(chunk) {
            i = count_word_at(text, i, &mut after_space, &mut words);
            continue;
        }
        let space = ascii_spaces(chunk);
        // A word starts at a byte that is not a space after one that is.
        let before = (space << 8) | u64::from(after_space) << 7;
        // One bit per byte: their sum gathers in the top byte.
        let starts = (!space & HIGH & before) >> 7;
        words += (starts.wrapping_mul(LOW) >> 56) as usize;
        after_space = space >> 63 == 1;
        i += 8;
    }
    words
}

const LOW: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `chunk` that equals `b`.
fn bytes_equal(chunk: u64, b: u8) -> u64 {
    let x = chunk ^ (u64::from(b) * LOW);
    !(((x & !HIGH) + !HIGH) | x | !HIGH)
}

/// The high bit of each byte that is an ASCII space (0x20, 0x09..=0x0D).
fn ascii_spaces(chunk: u64) -> u64 {
    // Bytes of 0x80 and up drop their high bit, so the sums cannot carry,
    // and are left out by `!chunk`.
    let low = chunk & !HIGH;
    let from_09 = low + (0x80 - 0x09) * LOW;
    let from_0e = low + (0x80 - 0x0E) * LOW;
    (bytes_equal(chunk, b' ') | (from_09 & !from_0e & !chunk)) & HIGH
}

/// Whether `chunk` may hold the first byte of a space beyond ASCII:
/// U+0085 and U+00A0 start with 0xC2, U+1680 with 0xE1, U+2000..U+205F
/// with 0xE2, U+3000 with 0xE3 0x80 (most kana and Japanese punctuation
/// start with 0xE3 too, so the next byte is looked at; a last byte 0xE3
/// counts).
fn may_hold_unicode_space(chunk: u64) -> bool {
    if chunk & HIGH == 0 {
        return false;
    }
    let e3 = bytes_equal(chunk, 0xE3);
    let next_80 = (bytes_equal(chunk, 0x80) >> 8) | (1 << 63);
    bytes_equal(chunk, 0xC2) | bytes_equal(chunk, 0xE1) | bytes_equal(chunk, 0xE2) | (e3 & next_80)
        != 0
}

/// [`count_words`] for the character at byte `i`: the byte after it.
fn count_word_at(text: &str, i: usize, after_space: &mut bool, words: &mut usize) -> usize {
    let b = text.as_bytes()[i];
    // Only these bytes start a space beyond ASCII (U+0085, U+00A0,
    // U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
    if matches!(b, 0xC2 | 0xE1 | 0xE2 | 0xE3)
        && let Some(c) = text[i..].chars().next()
        && c.is_whitespace()
    {
        *after_space = true;
        return i + c.len_utf8();
    }
    let space = matches!(b, b'\t'..=b'\r' | b' ');
    *words += usize::from(*after_space && !space);
    *after_space = space;
    i + 1
}

/// Makes heading ids: a slug of the text (or the `{#id}` the editor gave),
/// unique within the page.
#[derive(Default)]
struct IdAllocator {
    ids: Vec<String>,
    taken: rustc_hash::FxHashSet<String>,
}

impl IdAllocator {
    fn allocate(&mut self, explicit: Option<&str>, text: &str) -> String {
        let base = match explicit {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => slugify(text),
        };
        let mut candidate = base.clone();
        let mut n = 1;
        while self.taken.contains(&candidate) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        self.add(candidate.clone());
        candidate
    }

    /// Takes an id the page defines otherwise (a footnote's).
    fn reserve(&mut self, id: &str) {
        if !self.taken.contains(id) {
            self.add(id.to_string());
        }
    }

    /// Records an id known to be free.
    fn add(&mut self, id: String) {
        self.taken.insert(id.clone());
        self.ids.push(id);
    }

    fn into_ids(self) -> Vec<String> {
        self.ids
    }
}

/// A URL fragment for a heading: lower case, letters and digits of any
/// script kept, runs of anything else become one `-`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            // `to_lowercase` goes through Unicode's tables and an iterator
            // (~80 instructions a character); ASCII needs neither.
            match c.is_ascii() {
                true => slug.push(c.to_ascii_lowercase()),
                false => slug.extend(c.to_lowercase()),
            }
        } else if c.is_whitespace() || matches!(c, '-' | '_' | '/' | '.') {
            dash = true;
        }
    }
    if slug.is_empty() {
        "section".to_string()
    } else {
        slug
    }
}

/// Emits tables with alignment as classes instead of `style` attributes,
/// and each body cell with its column's header text (`data-label`), which
/// the stylesheet shows above the cell where a phone stacks each row
/// into a card instead of squeezing the columns.
#[derive(Default)]
struct TableState {
    aligns: Vec<Alignment>,
    in_head: bool,
    column: usize,
    /// The header text of each column, as read so far.
    labels: Vec<String>,
    /// Each column's `<td>` with its label, made once the header is read
    /// (the same on every row).
    cell_tags: Vec<String>,
}

impl TableState {
    fn start(&mut self, aligns: &[Alignment]) -> Event<'static> {
        self.aligns = aligns.to_vec();
        self.labels.clear();
        self.cell_tags.clear();
        Event::Html("<div class=\"table-scroll\"><table>\n".into())
    }

    /// ` class="align-…"` of a column, or nothing.
    fn class(&self, column: usize) -> &'static str {
        match self.aligns.get(column) {
            Some(Alignment::Left) => " class=\"align-start\"",
            Some(Alignment::Center) => " class=\"align-center\"",
            Some(Alignment::Right) => " class=\"align-end\"",
            _ => "",
        }
    }

    fn head(&mut self) -> Event<'static> {
        self.in_head = true;
        self.column = 0;
        Event::Html("<thead><tr>".into())
    }

    fn end_head(&mut self) -> Event<'static> {
        self.in_head = false;
        self.cell_tags = (0..self.labels.len())
            .map(|column| {
                let class = self.class(column);
                match self.labels[column].trim() {
                    "" => format!("<td{class}>"),
                    label => format!("<td{class} data-label=\"{}\">", escape_html(label)),
                }
            })
            .collect();
        Event::Html("</tr></thead>\n<tbody>\n".into())
    }

    fn row(&mut self) -> Event<'static> {
        self.column = 0;
        Event::Html("<tr>".into())
    }

    /// Text inside the table: a header cell's text becomes its column's label.
    fn observe(&mut self, text: &str) {
        if self.in_head
            && let Some(label) = self.labels.last_mut()
        {
            label.push_str(text);
        }
    }

    fn cell(&mut self) -> Event<'static> {
        let column = self.column;
        self.column += 1;
        if self.in_head {
            self.labels.push(String::new());
            return Event::Html(format!("<th scope=\"col\"{}>", self.class(column)).into());
        }
        match self.cell_tags.get(column) {
            Some(tag) => Event::Html(tag.clone().into()),
            None => Event::Html(format!("<td{}>", self.class(column)).into()),
        }
    }

    fn end_cell(&self) -> Event<'static> {
        Event::Html(if self.in_head { "</th>" } else { "</td>" }.into())
    }

    fn end(&self) -> Event<'static> {
        Event::Html("</tbody></table></div>\n".into())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn words_are_counted_as_split_whitespace_counts_them(
            text in "[a-z !\t\n\r\u{b}\u{c}\u{8}\u{e}\u{1f}\u{a0}\u{3000}\u{2003}\u{2028}\u{202f}\u{85}\u{201c}éあ,.-]{0,80}"
        ) {
            prop_assert_eq!(count_words(&text), text.split_whitespace().count());
        }

        #[test]
        fn ascii_words_are_counted_eight_bytes_at_a_time(
            text in "[a-z !\t\n\r\u{b}\u{c}\u{8}\u{e}\u{1f}]{0,80}"
        ) {
            prop_assert_eq!(count_words(&text), text.split_whitespace().count());
        }

        // Bytes whose low seven bits look like a space (0x89, 0xA0: U+0409,
        // U+00E0, U+2009...), kana and CJK punctuation around U+3000, Arabic.
        #[test]
        fn words_beyond_ascii_are_counted_as_split_whitespace_counts_them(
            text in "[a-z \t\n\u{85}\u{a0}\u{e0}\u{409}\u{589}\u{627}\u{1680}\u{2009}\u{2019}\u{205f}\u{3000}\u{3001}\u{3002}\u{3042}\u{30a2}\u{4e00}]{0,40}"
        ) {
            prop_assert_eq!(count_words(&text), text.split_whitespace().count());
        }
    }

    use super::*;

    fn page(body: &str) -> Rendered {
        render(
            body,
            LinkContext {
                locale_prefix: "",
                policy_slugs: &[],
            },
        )
    }

    #[test]
    fn headings_get_unique_ids_and_self_links() {
        let r = page("## Your rights\n\ntext\n\n## Your rights\n\n### Cookies {#c}\n");
        assert!(r.html.contains(r##"<h2 id="your-rights"><a class="self-link" href="#your-rights">Your rights</a></h2>"##));
        assert!(r.html.contains(r#"<h2 id="your-rights-1">"#));
        assert!(r.html.contains(r#"<h3 id="c">"#));
        let ids: Vec<_> = r.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["your-rights", "your-rights-1", "c"]);
    }

    #[test]
    fn slugs_keep_letters_of_any_script() {
        assert_eq!(slugify("Ihre Rechte & Pflichten"), "ihre-rechte-pflichten");
        assert_eq!(slugify("Données personnelles"), "données-personnelles");
        assert_eq!(slugify("حقوقك"), "حقوقك");
        assert_eq!(slugify("!!!"), "section");
    }

    #[test]
    fn slugs_follow_the_unicode_rules_on_the_ascii_path_too() {
        // The rules as written for any character, without the ASCII path.
        fn by_unicode_rules(text: &str) -> String {
            let mut slug = String::new();
            let mut dash = false;
            for c in text.chars() {
                if c.is_alphanumeric() {
                    if dash && !slug.is_empty() {
                        slug.push('-');
                    }
                    dash = false;
                    slug.extend(c.to_lowercase());
                } else if c.is_whitespace() || matches!(c, '-' | '_' | '/' | '.') {
                    dash = true;
                }
            }
            slug
        }
        // Every ASCII character, and spaces, letters (one lowering to two
        // characters), digits and dashes beyond it.
        let beyond = ['\u{a0}', '\u{3000}', 'É', 'İ', 'ß', '٣', '—', '語'];
        for c in (0..128u8).map(char::from).chain(beyond) {
            for text in [format!("A{c}b"), format!("{c}x{c}{c}Y{c}")] {
                assert_eq!(slugify(&text), by_unicode_rules(&text), "{text:?}");
            }
        }
    }

    #[test]
    fn allowed_inline_html_survives_with_allowed_attributes_only() {
        let r = page(
            "H<sub>2</sub>O <abbr title=\"General Data Protection Regulation\" onclick=\"x()\">GDPR</abbr><br>next",
        );
        assert!(r.html.contains("H<sub>2</sub>O"));
        assert!(
            r.html
                .contains("<abbr title=\"General Data Protection Regulation\">GDPR</abbr>")
        );
        assert!(r.html.contains("<br>next"));
        assert!(!r.html.contains("onclick"));
    }

    #[test]
    fn other_inline_html_is_shown_not_executed() {
        let r = page("Never paste <script>alert(1)</script> & co. <iframe src=x></iframe>");
        assert!(!r.html.contains("<script"));
        assert!(!r.html.contains("<iframe"));
        assert!(r.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }

    #[test]
    fn html_blocks_are_sanitized() {
        let r = page(
            "<div onclick=\"x()\">Hi <a href=\"javascript:alert(1)\">there</a></div>\n\n<script>alert(1)</script>\n",
        );
        assert!(!r.html.contains("onclick"));
        assert!(!r.html.contains("javascript:"));
        assert!(!r.html.contains("<script"));
        assert!(r.html.contains("Hi"));
    }

    #[test]
    fn the_shared_parse_is_made_as_safe_as_a_fresh_one() {
        // Pages render from the lints' parse made safe; a body with raw
        // HTML and one without must come out as a fresh safe parse does.
        for body in [
            "# Terms\n\nPlain *prose* with [a link](/terms/).\n",
            "Hi <sup>1</sup> <script>x()</script> <!-- note -->\n\n<div onclick=\"x()\">b</div>\n",
        ] {
            assert_eq!(
                safe_events_from(raw_events(body)),
                safe_events(body),
                "{body}"
            );
        }
        let shown = safe_events_from(raw_events("a <script>x()</script>"));
        assert!(
            !shown
                .iter()
                .any(|(event, _)| matches!(event, Event::InlineHtml(h) if h.contains("script")))
        );
    }

    #[test]
    fn template_syntax_is_plain_text() {
        let r = page("Use {{ site.title }} and {% if x %}");
        assert!(r.html.contains("{{ site.title }} and {% if x %}"));
    }

    #[test]
    fn unsafe_link_targets_are_dropped() {
        let r = page("[click](javascript:alert(1)) [mail](mailto:a@b.c) [rel](/terms/)");
        assert!(!r.html.contains("javascript:"));
        assert!(r.html.contains("href=\"mailto:a@b.c\""));
        assert!(r.html.contains("href=\"/terms/\""));
    }

    #[test]
    fn links_to_policies_stay_in_the_readers_language() {
        let slugs = vec!["terms".to_string()];
        let r = render(
            "[t](/terms/#law) [x](/other/) [a](#x) [e](https://e.test/terms/)",
            LinkContext {
                locale_prefix: "/de",
                policy_slugs: &slugs,
            },
        );
        assert!(r.html.contains("href=\"/de/terms/#law\""));
        assert!(r.html.contains("href=\"/other/\""));
        assert!(r.html.contains("href=\"#x\""));
        assert!(r.html.contains("href=\"https://e.test/terms/\""));
    }

    #[test]
    fn hrefs_in_written_html_are_localized() {
        let slugs = vec!["terms".to_string()];
        let links = LinkContext {
            locale_prefix: "/de",
            policy_slugs: &slugs,
        };
        let html = r##"<a href="/terms/#x">/terms/</a> <a href="/shop/">s</a> <a href="#y">y</a>"##;
        assert_eq!(
            localize_hrefs(html, links),
            r##"<a href="/de/terms/#x">/terms/</a> <a href="/shop/">s</a> <a href="#y">y</a>"##
        );
    }

    #[test]
    fn tables_align_by_class_not_style() {
        let r = page("| a | b |\n|:--|--:|\n| 1 | 2 |\n");
        assert!(!r.html.contains("style="));
        assert!(
            r.html
                .contains("<th scope=\"col\" class=\"align-start\">a</th>")
        );
        assert!(
            r.html
                .contains("<td class=\"align-end\" data-label=\"b\">2</td>")
        );
    }

    #[test]
    fn table_cells_carry_their_column_header_for_phones() {
        let r = page(
            "| Name | `Speicher`*dauer* | |\n|---|---|---|\n| `hg_session` | 30 Tage | x |\n\n\
             | A & \"B\" |\n|---|\n| 1 |\n",
        );
        assert!(
            r.html
                .contains("<td data-label=\"Name\"><code>hg_session</code></td>")
        );
        assert!(
            r.html
                .contains("<td data-label=\"Speicherdauer\">30 Tage</td>")
        );
        // A column without a header has no label; labels are per table.
        assert!(r.html.contains("<td>x</td>"));
        assert!(
            r.html
                .contains("<td data-label=\"A &amp; &quot;B&quot;\">1</td>")
        );
    }

    #[test]
    fn safe_url_schemes() {
        assert!(is_safe_url("https://x"));
        assert!(is_safe_url("/a:b"));
        assert!(is_safe_url("#frag"));
        assert!(is_safe_url("MAILTO:x@y"));
        assert!(!is_safe_url("javascript:alert(1)"));
        assert!(!is_safe_url(" data:text/html,x"));
    }
}
