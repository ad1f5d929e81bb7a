//! One version's body, parsed once into leaf blocks of tokens (REDLINE.md A.1, A.2 steps 1–2).
//!
//! Tokens borrow the body text where pulldown-cmark hands out borrowed text (nearly always);
//! styles are interned per document, so a token is a few words of plain data.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use pulldown_cmark::{Alignment, CodeBlockKind, CowStr, Event, Tag, TagEnd};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::{IsNormalized, is_nfc_quick};
use unicode_segmentation::UnicodeSegmentation;

use crate::markdown::{escape_html, is_safe_url, safe_events};

/// A 64-bit FNV-1a hash: tiny, fast on short words, and the same on every machine (J7).
pub(crate) fn hash_bytes(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = seed ^ 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix(h)
}

/// Folds `value` into a running fingerprint (splitmix64 finaliser, order-sensitive).
pub(crate) fn mix(value: u64) -> u64 {
    let mut z = value.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A hasher for the module's maps, whose keys are mostly hashes already: SipHash's
/// guard against chosen keys buys nothing here and cost a fifth of the block diff. (No map
/// of the module is iterated, so output never depends on a map's order.)
#[derive(Clone, Copy, Default)]
pub(crate) struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 32)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = (self.0.rotate_left(5) ^ value).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn write_usize(&mut self, value: usize) {
        self.write_u64(value as u64);
    }

    fn write_u32(&mut self, value: u32) {
        self.write_u64(u64::from(value));
    }
}

/// A `HashMap` with [`KeyHasher`].
pub(crate) type KeyMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<KeyHasher>>;

pub(crate) fn combine(acc: u64, value: u64) -> u64 {
    mix(acc.rotate_left(23) ^ value)
}

/// A cheap [`combine`] for the per-token steps of a block fingerprint, finished by [`mix`]:
/// one multiplication, a bijection of the running value for each input and of each input
/// for the running value (fingerprints are only compared for equality).
fn step(acc: u64, value: u64) -> u64 {
    (acc.rotate_left(23) ^ value).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// Key of the hard-break token (`HardBreak` or `<br>`): it changes the page, so it is a token.
pub(crate) const BREAK_KEY: u64 = 0x6272_6561_6b00_0001;

/// What a token is, for counting and rendering.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokKind {
    /// Has a letter or digit: counted as a word.
    Word,
    /// Punctuation or symbols.
    Punct,
    /// A visible line break (`<br>`).
    Break,
    /// An image, atomic, keyed by `src` and `alt`; `aux` indexes [`Document::images`].
    Image,
}

/// One token: a word, a punctuation mark, a break or an image.
#[derive(Clone, Debug)]
pub(crate) struct Tok<'a> {
    /// The text as typed (a slice of the body unless an escape or entity forced a copy).
    pub text: Cow<'a, str>,
    /// Comparison key: NFC text with typographic quotes and NBSP normalised, case kept.
    pub key: u64,
    /// Whitespace (or a line break) precedes the token.
    pub ws: bool,
    /// That whitespace held a no-break space (a typography detail, shown, not a word change).
    pub nb: bool,
    /// Interned style ([`Document::styles`]).
    pub style: u32,
    pub kind: TokKind,
    /// Image index for [`TokKind::Image`].
    pub aux: u32,
    /// The text holds a character that HTML escapes (`& < > " '`).
    pub esc: bool,
}

/// An inline mark. The derived order is the canonical nesting order (outermost first), so
/// `**_x_**` and `_**x**_` get the same style.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Mark {
    Link {
        url: String,
        title: String,
    },
    Strong,
    Em,
    Strike,
    /// An allowed inline HTML element, by its canonical start tag (`<abbr title="…">`).
    Tag(String),
    Code,
}

impl Mark {
    /// Start and end tag in the redline. Strikethrough is `<s>`: `<del>` means "deleted" here.
    fn rendered(&self) -> RMark {
        let (open, close) = match self {
            Mark::Link { url, title } => {
                let href = if is_safe_url(url) { url.as_str() } else { "#" };
                let mut open = format!("<a href=\"{}\"", escape_html(href));
                if !title.is_empty() {
                    open.push_str(&format!(" title=\"{}\"", escape_html(title)));
                }
                open.push('>');
                (open, "</a>".to_string())
            }
            Mark::Strong => ("<strong>".to_string(), "</strong>".to_string()),
            Mark::Em => ("<em>".to_string(), "</em>".to_string()),
            Mark::Strike => ("<s>".to_string(), "</s>".to_string()),
            Mark::Code => ("<code>".to_string(), "</code>".to_string()),
            Mark::Tag(open) => (open.clone(), format!("</{}>", tag_name(open))),
        };
        // Computed once per style, not per mark written (every link and
        // bold run of a changed block in both columns).
        let sbs_open = super::html::has_id_pattern(&open).then(|| super::html::prefix_ids(&open));
        RMark {
            open,
            close,
            sbs_open,
        }
    }
}

/// A mark as it is written out; two marks from different documents are the same element
/// when their start tags are equal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RMark {
    pub open: String,
    pub close: String,
    /// The start tag in the side-by-side view, where it differs: its ids
    /// prefixed ([`super::html::prefix_ids`]).
    pub sbs_open: Option<String>,
}

impl RMark {
    /// The start tag in a view.
    pub fn open_in(&self, side_by_side: bool) -> &str {
        match &self.sbs_open {
            Some(open) if side_by_side => open,
            _ => &self.open,
        }
    }
}

/// An interned style: the canonical set of marks on a token.
#[derive(Debug)]
pub(crate) struct Style {
    pub marks: Vec<Mark>,
    pub rendered: Vec<RMark>,
    pub hash: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BlockKind {
    Heading(u8),
    Paragraph,
    /// Text of a tight list item (no `Paragraph` event around it).
    ItemText,
    TableRow {
        header: bool,
    },
    Code,
    Html,
    Rule,
    /// The number of a footnote definition, as the page shows it.
    FootnoteLabel,
}

impl BlockKind {
    /// Blocks pair, move and align only within a class (REDLINE.md A.2 step 4).
    pub(crate) fn class(self) -> u8 {
        match self {
            BlockKind::Heading(_) => 0,
            BlockKind::Paragraph | BlockKind::ItemText => 1,
            BlockKind::TableRow { .. } => 2,
            BlockKind::Code => 3,
            BlockKind::Html => 4,
            BlockKind::Rule => 5,
            BlockKind::FootnoteLabel => 6,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ContainerKind {
    List {
        ordered: bool,
        start: u64,
    },
    /// `number` is what an ordered list shows (start + index).
    Item {
        index: u32,
        number: u64,
    },
    Quote,
    Table {
        aligns: Vec<Alignment>,
    },
    Footnote,
}

impl ContainerKind {
    pub(crate) fn class(&self) -> u8 {
        match self {
            ContainerKind::List { .. } => 0,
            ContainerKind::Item { .. } => 1,
            ContainerKind::Quote => 2,
            ContainerKind::Table { .. } => 3,
            ContainerKind::Footnote => 4,
        }
    }
}

/// A leaf block.
#[derive(Debug)]
pub(crate) struct Block<'a> {
    pub kind: BlockKind,
    /// Container ids ([`Document::containers`]) from the root inwards.
    pub path: Vec<u32>,
    pub toks: std::ops::Range<usize>,
    /// Token index where each table cell starts (one entry for other blocks).
    pub cells: Vec<usize>,
    /// Literal text of code and HTML blocks.
    pub raw: Cow<'a, str>,
    /// Info string of a fenced code block.
    pub info: String,
    /// Alignment fingerprint: kind class and token keys (ignores formatting).
    pub fp: u64,
    /// Any difference at all: kind, structure, raw text, styles.
    pub fp_fmt: u64,
    /// Sorted case-folded keys of content tokens (lines for code/HTML), for Dice similarity:
    /// taken the first time a comparison looks at the block (only changed blocks are
    /// compared), see [`Document::bag`].
    pub bag: OnceLock<Vec<u64>>,
    /// Bit `i`: whitespace precedes token `i` of the block.
    pub ws_bits: Vec<u64>,
    /// First leaf of its list item (opens the `<li>`).
    pub item_start: bool,
    /// Index of the nearest heading block at or before this one.
    pub section: Option<usize>,
}

impl Block<'_> {
    /// Token range of cell `k`.
    pub(crate) fn cell_range(&self, k: usize) -> Option<std::ops::Range<usize>> {
        let start = *self.cells.get(k)?;
        let end = self.cells.get(k + 1).copied().unwrap_or(self.toks.end);
        Some(start..end)
    }

    pub(crate) fn cell_ranges(&self) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::with_capacity(self.cells.len());
        for (k, &start) in self.cells.iter().enumerate() {
            let end = self.cells.get(k + 1).copied().unwrap_or(self.toks.end);
            out.push(start..end);
        }
        out
    }
}

/// An image: source and alternative text.
#[derive(Debug)]
pub(crate) struct Image {
    pub src: String,
    pub title: String,
}

/// One version's body, parsed and tokenised once; borrows the body text.
#[derive(Debug)]
pub struct Document<'a> {
    pub(crate) toks: Vec<Tok<'a>>,
    pub(crate) blocks: Vec<Block<'a>>,
    pub(crate) containers: Vec<ContainerKind>,
    pub(crate) styles: Vec<Style>,
    pub(crate) images: Vec<Image>,
    /// Each block's HTML as the page shows it, written the first time a comparison shows
    /// the block unchanged, then reused by every view and every comparison the document is
    /// in (comparisons of one document may run on several threads).
    pub(crate) plain: Vec<OnceLock<PlainBlock>>,
}

/// The HTML of a block's words, marks and spaces, per cell, as the page shows them.
#[derive(Debug)]
pub(crate) struct PlainBlock {
    pub cells: Vec<String>,
    /// For each token of the block, where its HTML ends in its cell's: a stretch of equal
    /// words is copied from here rather than written word by word (`html::Renderer::copy_plain`).
    pub ends: Vec<u32>,
    /// Holds an id or a link that the side-by-side view prefixes (`html::prefix_ids`).
    pub needs_prefix: bool,
}

impl<'a> Document<'a> {
    /// Parses a Markdown body (front matter already removed) in the site's dialect.
    pub fn parse(body: &'a str) -> Document<'a> {
        Document::build(
            safe_events(body).into_iter().map(|(event, _)| event),
            body.len(),
        )
    }

    /// [`Document::parse`] from a body's `safe_events`, when the page that
    /// shows the body has parsed it already.
    pub fn from_events(
        events: &[(pulldown_cmark::Event<'a>, std::ops::Range<usize>)],
    ) -> Document<'a> {
        let source_len = events.last().map_or(0, |(_, range)| range.end);
        Document::build(events.iter().map(|(event, _)| event.clone()), source_len)
    }

    fn build(
        events: impl Iterator<Item = pulldown_cmark::Event<'a>>,
        source_len: usize,
    ) -> Document<'a> {
        let mut parser = DocParser::new();
        // About one token per five bytes of Markdown: grown rarely, copied seldom.
        parser.toks.reserve(source_len / 5);
        parser.extra.reserve(source_len / 5);
        for event in events {
            parser.event(event);
        }
        parser.finish()
    }

    /// True when the body has no blocks at all (an empty previous version).
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    pub(crate) fn block_toks(&self, b: usize) -> &[Tok<'a>] {
        &self.toks[self.blocks[b].toks.clone()]
    }

    /// The similarity bag of block `b` (see [`Block::bag`]).
    pub(crate) fn bag(&self, b: usize) -> &[u64] {
        self.blocks[b].bag.get_or_init(|| {
            let mut bag: Vec<u64> = self
                .block_toks(b)
                .iter()
                .filter(|t| t.kind == TokKind::Word)
                .map(|t| folded_key(&t.text))
                .collect();
            bag.sort_unstable();
            bag
        })
    }

    pub(crate) fn style(&self, tok: &Tok<'_>) -> &Style {
        &self.styles[tok.style as usize]
    }

    /// The plain text of a block, as a reader sees it (headings for section names).
    pub(crate) fn plain_text(&self, b: usize) -> String {
        let mut s = String::new();
        for t in self.block_toks(b) {
            if t.ws && !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&t.text);
        }
        s
    }
}

/// The name of a start tag: `<abbr title="x">` → `abbr`.
fn tag_name(open: &str) -> &str {
    let inner = open.trim_start_matches(['<', '/']);
    let end = inner
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(inner.len());
    &inner[..end]
}

/// The comparison key of a token's text (REDLINE.md A.2 step 2).
#[cfg(test)]
pub(crate) fn token_key(text: &str) -> u64 {
    token_keys(text, false).key
}

/// A token's hashes, taken in one pass where the text allows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Keys {
    /// [`token_key`].
    pub key: u64,
    /// [`folded_key`] (when asked for; else 0).
    pub folded: u64,
    /// The key is the hash of the text as typed (no normalisation changed it): then the key
    /// tells texts apart, and formatting fingerprints need no second hash of the text.
    pub exact: bool,
}

/// First byte of the FNV-1a offset basis after seeding (see [`hash_bytes`]).
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// The key, the case-folded key (if `folded`) and whether the key is exact. Equal to
/// [`token_key`] and [`folded_key`] computed apart (a unit test checks it).
pub(crate) fn token_keys(text: &str, folded: bool) -> Keys {
    if text.is_ascii() {
        let (mut h, mut f) = (1 ^ FNV_OFFSET, 2 ^ FNV_OFFSET);
        for &b in text.as_bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(FNV_PRIME);
            f = (f ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(FNV_PRIME);
        }
        return Keys {
            key: mix(h),
            folded: if folded { mix(f) } else { 0 },
            exact: true,
        };
    }
    // Each character its own NFC, lower case and typographic form (most words of
    // CJK and Arabic texts): the keys hash the text as it is, ASCII lower-cased.
    if text
        .chars()
        .all(|c| c.is_ascii() || char_facts::is_plain(c))
    {
        let (mut h, mut f) = (1 ^ FNV_OFFSET, 2 ^ FNV_OFFSET);
        for &b in text.as_bytes() {
            h = fnv(h, b);
            f = fnv(f, b.to_ascii_lowercase());
        }
        return Keys {
            key: mix(h),
            folded: if folded { mix(f) } else { 0 },
            exact: true,
        };
    }
    token_keys_in_full(text, folded)
}

/// [`token_keys`] for any text: normalized to NFC, typographic forms, full lower case.
fn token_keys_in_full(text: &str, folded: bool) -> Keys {
    // Below U+0300 every character is NFC_Quick_Check=Yes: the text is its own NFC.
    let nfc =
        text.chars().all(|c| c < '\u{300}') || is_nfc_quick(text.chars()) == IsNormalized::Yes;
    if nfc {
        let exact = !text.chars().any(|c| typographic(c) != c);
        Keys {
            key: hash_chars(1, text.chars().map(typographic)),
            folded: if folded {
                hash_chars(
                    2,
                    text.chars().map(typographic).flat_map(char::to_lowercase),
                )
            } else {
                0
            },
            exact,
        }
    } else {
        Keys {
            key: hash_chars(1, text.nfc().map(typographic)),
            folded: if folded {
                hash_chars(2, text.nfc().map(typographic).flat_map(char::to_lowercase))
            } else {
                0
            },
            exact: false,
        }
    }
}

/// What [`scan_simple`] finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scanned {
    /// A whitespace character.
    Space,
    /// A token (byte range) with its key (as `simple_keys` gives it; the case-folded key is
    /// left to [`Document::bag`]), whether it is a word (has a
    /// letter or digit), and whether its first and last characters are alphanumeric.
    Token {
        start: usize,
        end: usize,
        keys: Keys,
        word: bool,
        edges: (bool, bool),
        /// Holds a character that HTML escapes ([`needs_escape`]).
        esc: bool,
    },
}

/// Whether `text` holds a character that HTML escapes (`& < > " '`).
pub(crate) fn needs_escape(text: &str) -> bool {
    text.bytes()
        .any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\''))
}

fn fnv(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(FNV_PRIME)
}

/// Word-break classes of the characters of simple text ([`is_simple`]) for [`scan_simple`]
/// and [`simple_segments`].
mod simple_class {
    pub const OTHER: u8 = 0;
    /// ASCII, Latin and Arabic letters, and `々` (ALetter).
    pub const LETTER: u8 = 1;
    /// ASCII and Arabic-Indic digits (Numeric).
    pub const DIGIT: u8 = 2;
    /// `_` (ExtendNumLet).
    pub const EXTEND: u8 = 3;
    pub const MID_LETTER: u8 = 4;
    pub const MID_NUM: u8 = 5;
    pub const MID_NUM_LET: u8 = 6;
    /// ASCII whitespace.
    pub const SPACE: u8 = 7;
    /// Katakana: joins Katakana and `_` only (WB13, WB13a, WB13b).
    pub const KATAKANA: u8 = 8;
    /// Hiragana and CJK ideographs: UAX #29's Other (a segment each), but alphanumeric.
    pub const IDEOGRAPH: u8 = 9;
    /// A character simple text does not hold ([`super::wide_class`]).
    pub const NOT_SIMPLE: u8 = 10;
}

/// [`simple_class`] of ASCII characters by byte (`OTHER` beyond ASCII: [`class_at`] decodes
/// those; a table of all 256 bytes needs no bounds check).
static SIMPLE_CLASSES: [u8; 256] = {
    use simple_class as C;
    let mut table = [C::OTHER; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = match b as u8 {
            b'a'..=b'z' | b'A'..=b'Z' => C::LETTER,
            b'0'..=b'9' => C::DIGIT,
            b'_' => C::EXTEND,
            b':' => C::MID_LETTER,
            b',' | b';' => C::MID_NUM,
            b'.' | b'\'' => C::MID_NUM_LET,
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => C::SPACE,
            _ => C::OTHER,
        };
        b += 1;
    }
    table
};

/// The class ([`simple_class`]) and UTF-8 width of the character at `i` of text; past the
/// end, `OTHER`; `NOT_SIMPLE` for a character that simple text ([`is_simple`]) does not hold.
#[inline]
fn class_at(bytes: &[u8], i: usize) -> (u8, usize) {
    match bytes.get(i) {
        None => (simple_class::OTHER, 1),
        Some(&b) if b < 0x80 => (SIMPLE_CLASSES[usize::from(b)], 1),
        Some(_) => wide_class(bytes, i).unwrap_or((simple_class::NOT_SIMPLE, 1)),
    }
}

/// The class and UTF-8 width of the non-ASCII character at `i` if simple text may hold it:
/// a Latin letter; an Arabic letter or digit, `،`, `؛` or `؟`; Hiragana, Katakana (but
/// U+30A0 and U+30FF), CJK ideographs (U+4E00 to U+9FFF), `々`, `、。「」『』【】・` and
/// fullwidth `！（）？`. Each is its own NFC, lower case and typographic form, never joins
/// ASCII whitespace, and has the word-break class given here (unit tests check every one
/// against `unicode-segmentation`).
#[inline]
fn wide_class(bytes: &[u8], i: usize) -> Option<(u8, usize)> {
    use simple_class as C;
    let at = |k: usize| bytes.get(i + k).copied().unwrap_or(0);
    let (lead, b1, b2) = (at(0), at(1), at(2));
    let class = match lead {
        0xc3..=0xc9 if is_latin_letter(lead, bytes.get(i + 1)) => C::LETTER,
        // Arabic: `،` is MidNum, `؛` and `؟` Other, U+0620 to U+064A letters.
        0xd8 => match b1 {
            0x8c => C::MID_NUM,
            0x9b | 0x9f => C::OTHER,
            0xa0..=0xbf => C::LETTER,
            _ => return None,
        },
        0xd9 => match b1 {
            0x80..=0x8a => C::LETTER,
            0xa0..=0xa9 => C::DIGIT,
            _ => return None,
        },
        0xe3 => match (b1, b2) {
            (0x80, 0x85) => C::LETTER,
            // `、。「」『』【】` and `・`.
            (0x80, 0x81 | 0x82 | 0x8c..=0x91) | (0x83, 0xbb) => C::OTHER,
            (0x81, 0x81..) | (0x82, ..=0x96) => C::IDEOGRAPH,
            (0x82, 0xa1..) | (0x83, ..=0xbe) => C::KATAKANA,
            _ => return None,
        },
        0xe4 if b1 >= 0xb8 => C::IDEOGRAPH,
        0xe5..=0xe9 => C::IDEOGRAPH,
        0xef if b1 == 0xbc && matches!(b2, 0x81 | 0x88 | 0x89 | 0x9f) => C::OTHER,
        _ => return None,
    };
    Some((class, if lead >= 0xe0 { 3 } else { 2 }))
}

/// Folds `bytes` (if any) into the FNV-1a hash `h`.
fn fnv_all(h: u64, bytes: Option<&[u8]>) -> u64 {
    bytes.unwrap_or_default().iter().fold(h, |h, &b| fnv(h, b))
}

/// Whether UAX #29 joins two characters of simple text in a word: letters and digits
/// (WB5, WB8 to WB10), Katakana (WB13), and `_` with either (WB13a, WB13b).
fn joins_in_word(prev: u8, next: u8) -> bool {
    use simple_class as C;
    match (prev, next) {
        (C::KATAKANA, C::KATAKANA | C::EXTEND) | (C::EXTEND, C::KATAKANA) => true,
        (C::KATAKANA, _) | (_, C::KATAKANA) => false,
        (C::LETTER | C::DIGIT | C::EXTEND, C::LETTER | C::DIGIT | C::EXTEND) => true,
        _ => false,
    }
}

/// A word of simple text as [`scan_word`] finds it.
struct ScannedWord {
    end: usize,
    /// FNV-1a state of its bytes (the key before [`mix`]).
    h: u64,
    /// Holds a letter or a digit.
    word: bool,
    /// Its last character is a letter or a digit.
    last_alnum: bool,
    /// Holds an `'` (the only character of a word that HTML escapes).
    esc: bool,
}

/// The word of simple text that starts at `start` with a letter, a digit, `_` or Katakana:
/// UAX #29's WB5 to WB13b, the middle characters of WB6, WB7, WB11 and WB12 included.
// Inlined into the scan of every word: a call cost a sixth of the scan.
#[inline(always)]
fn scan_word(bytes: &[u8], start: usize) -> ScannedWord {
    use simple_class as C;
    let mut w = ScannedWord {
        end: start,
        h: 1 ^ FNV_OFFSET,
        word: false,
        last_alnum: false,
        esc: false,
    };
    let mut prev = C::OTHER;
    let mut i = start;
    loop {
        // ASCII letters and digits, the bulk of a word, in a tight loop.
        if prev != C::KATAKANA {
            let (next, last, h) = ascii_alnum_run(bytes, i, w.h);
            if next > i {
                (i, prev, w.h) = (next, last, h);
                (w.word, w.last_alnum) = (true, true);
            }
        }
        let Some(&b) = bytes.get(i) else {
            break;
        };
        let (class, width) = match b < 0x80 {
            true => (SIMPLE_CLASSES[usize::from(b)], 1),
            false => class_at(bytes, i),
        };
        match class {
            // Nothing joins them (most words end at a space).
            C::SPACE | C::OTHER | C::IDEOGRAPH | C::NOT_SIMPLE => break,
            C::MID_LETTER | C::MID_NUM | C::MID_NUM_LET => {
                let after = class_at(bytes, i + width).0;
                let letters = prev == C::LETTER && after == C::LETTER;
                let digits = prev == C::DIGIT && after == C::DIGIT;
                let bridged = match class {
                    C::MID_LETTER => letters,
                    C::MID_NUM => digits,
                    _ => letters || digits,
                };
                if !bridged {
                    break;
                }
                w.h = fnv_all(w.h, bytes.get(i..i + width));
                w.esc |= b == b'\'';
                i += width;
            }
            _ if i == start || joins_in_word(prev, class) => {
                w.h = fnv_all(w.h, bytes.get(i..i + width));
                let alnum = class != C::EXTEND;
                (i, prev, w.last_alnum) = (i + width, class, alnum);
                w.word |= alnum;
            }
            _ => break,
        }
    }
    w.end = i;
    w
}

/// Segments and keys simple text ([`is_simple`]) in one pass: the segmentation of
/// [`simple_segments`] and the keys of `simple_keys` (unit tests check both).
/// Whitespace is reported once per run (it makes no token). Stops and returns false at
/// a character simple text does not hold: the text needs the general way.
fn scan_simple(text: &str, mut emit: impl FnMut(Scanned)) -> bool {
    use simple_class as C;
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        let (class, width) = class_at(bytes, i);
        if class == C::NOT_SIMPLE {
            return false;
        }
        if class == C::SPACE {
            while i < n && class_at(bytes, i).0 == C::SPACE {
                i += 1;
            }
            emit(Scanned::Space);
            continue;
        }
        let start = i;
        if matches!(class, C::LETTER | C::DIGIT | C::EXTEND | C::KATAKANA) {
            let w = scan_word(bytes, start);
            i = w.end;
            emit(Scanned::Token {
                start,
                end: i,
                keys: Keys {
                    key: mix(w.h),
                    folded: 0,
                    exact: true,
                },
                word: w.word,
                edges: (class != C::EXTEND, w.last_alnum),
                esc: w.esc,
            });
            continue;
        }
        // Any other character is a segment of its own; Hiragana and ideographs are words.
        i += width;
        let word = class == C::IDEOGRAPH;
        emit(Scanned::Token {
            start,
            end: i,
            keys: Keys {
                key: mix(fnv_all(1 ^ FNV_OFFSET, bytes.get(start..i))),
                folded: 0,
                exact: true,
            },
            word,
            edges: (word, word),
            esc: matches!(bytes[start], b'&' | b'<' | b'>' | b'"' | b'\''),
        });
    }
    true
}

/// Consumes ASCII letters and digits from `i`, hashing them into the key `h`: the end, the
/// class of the last one (or `OTHER`), and the hash.
#[inline(never)]
fn ascii_alnum_run(bytes: &[u8], mut i: usize, mut h: u64) -> (usize, u8, u64) {
    use simple_class as C;
    let mut last = C::OTHER;
    while let Some(&b) = bytes.get(i) {
        let class = SIMPLE_CLASSES[usize::from(b)];
        if !(class == C::LETTER || class == C::DIGIT) {
            break;
        }
        h = fnv(h, b);
        last = class;
        i += 1;
    }
    (i, last, h)
}

/// [`token_keys`] of simple text ([`is_simple`]): NFC, no typographic characters, so the
/// key is the hash of the bytes (exact); ASCII is lower-cased in the same pass.
#[cfg(test)]
fn simple_keys(text: &str, folded: bool) -> Keys {
    if !text.is_ascii() {
        return Keys {
            key: hash_bytes(1, text.as_bytes()),
            folded: if folded {
                hash_chars(2, text.chars().flat_map(char::to_lowercase))
            } else {
                0
            },
            exact: true,
        };
    }
    let (mut h, mut f) = (1 ^ FNV_OFFSET, 2 ^ FNV_OFFSET);
    for &b in text.as_bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(FNV_PRIME);
        f = (f ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(FNV_PRIME);
    }
    Keys {
        key: mix(h),
        folded: if folded { mix(f) } else { 0 },
        exact: true,
    }
}

/// [`hash_bytes`] of the UTF-8 of `chars`, without collecting them.
fn hash_chars(seed: u64, chars: impl Iterator<Item = char>) -> u64 {
    let mut h = seed ^ FNV_OFFSET;
    let mut buffer = [0u8; 4];
    for c in chars {
        for &b in c.encode_utf8(&mut buffer).as_bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(FNV_PRIME);
        }
    }
    mix(h)
}

/// Typographic normalisation for keys: curly quotes and no-break spaces compare equal to
/// their plain forms. Dashes and ellipses are kept: `-` vs `–` can matter in ranges.
fn typographic(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{02bc}' => '\'',
        '\u{201c}' | '\u{201d}' => '"',
        '\u{00a0}' | '\u{202f}' | '\u{2007}' => ' ',
        other => other,
    }
}

/// ASCII whitespace: what separates the chunks of [`for_each_segment`].
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// UAX #29 word segments of `text`, as byte ranges in order. ASCII text (nearly all of an
/// English policy) takes a fast path that implements the rules that matter for ASCII (WB3,
/// WB3d, WB5–WB13b); the unit tests check it against `unicode-segmentation` on random ASCII.
///
/// Other text is cut at ASCII whitespace first: no rule of UAX #29 looks across a space,
/// a tab or a line break except to join it with its neighbour (WB3d joins spaces, WB4 lets
/// an extending character stick to what precedes it). Where a chunk's edge character
/// would join the whitespace next to it, the whole text goes the slow way; else ASCII
/// chunks (spaces, most words) take the fast path and the others `unicode-segmentation`.
/// The unit tests check this against `unicode-segmentation` on random mixed text.
fn for_each_segment(text: &str, mut f: impl FnMut(usize, usize)) {
    if is_simple(text) {
        simple_segments(text, 0, &mut f);
        return;
    }
    if !chunks_are_independent(text) {
        for (i, seg) in text.split_word_bound_indices() {
            f(i, i + seg.len());
        }
        return;
    }
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let space = is_ascii_space(bytes[start]);
        let mut end = start + 1;
        while end < bytes.len() && is_ascii_space(bytes[end]) == space {
            end += 1;
        }
        // Edges are next to an ASCII byte: character boundaries.
        let chunk = &text[start..end];
        if is_simple(chunk) {
            simple_segments(chunk, start, &mut f);
        } else {
            for (i, seg) in chunk.split_word_bound_indices() {
                f(start + i, start + i + seg.len());
            }
        }
        start = end;
    }
}

/// True when no chunk edge of `text` (see [`for_each_segment`]) joins the ASCII whitespace
/// next to it.
fn chunks_are_independent(text: &str) -> bool {
    let bytes = text.as_bytes();
    for i in 1..bytes.len() {
        let (before, after) = (is_ascii_space(bytes[i - 1]), is_ascii_space(bytes[i]));
        if before == after {
            continue;
        }
        let joined = if before {
            bytes[i] >= 0x80
                && text[i..]
                    .chars()
                    .next()
                    .is_some_and(|c| joins(char::from(bytes[i - 1]), c))
        } else {
            bytes[i - 1] >= 0x80
                && text[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| joins(c, char::from(bytes[i])))
        };
        if joined {
            return false;
        }
    }
    true
}

/// Whether UAX #29 keeps two characters (one ASCII whitespace) in one segment. Latin
/// letters (U+00C0 to U+02FF) never join whitespace: a unit test checks that range.
fn joins(a: char, b: char) -> bool {
    let safe = |c: char| ('\u{c0}'..'\u{300}').contains(&c);
    if safe(a) || safe(b) {
        return false;
    }
    let mut buffer = [0u8; 8];
    let len = a.encode_utf8(&mut buffer).len();
    let len = len + b.encode_utf8(&mut buffer[len..]).len();
    std::str::from_utf8(&buffer[..len]).is_ok_and(|pair| pair.split_word_bounds().count() == 1)
}

/// A Latin letter (U+00C0 to U+024F but `×` and `÷`) by its two UTF-8 bytes. UAX #29 takes
/// them all as ALetter, like ASCII letters (a unit test checks each).
fn is_latin_letter(lead: u8, next: Option<&u8>) -> bool {
    match lead {
        0xc3 => !matches!(next, Some(0x97 | 0xb7)),
        0xc4..=0xc8 => true,
        0xc9 => next.is_some_and(|&n| n < 0x90),
        _ => false,
    }
}

/// Text whose every character is ASCII or one of [`wide_class`]'s (most European
/// policies, and Arabic and Japanese ones of common characters): it takes the fast paths
/// of segmentation and keys.
#[inline]
fn is_simple(text: &str) -> bool {
    text.is_ascii() || is_simple_beyond_ascii(text.as_bytes())
}

/// [`is_simple`] for text that is not all ASCII.
fn is_simple_beyond_ascii(bytes: &[u8]) -> bool {
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            i += 1;
        } else if let Some((_, width)) = wide_class(bytes, i) {
            i += width;
        } else {
            return false;
        }
    }
    true
}

/// The fast path of [`for_each_segment`] for simple text ([`is_simple`]) at byte `offset`
/// of the whole.
fn simple_segments(text: &str, offset: usize, f: &mut impl FnMut(usize, usize)) {
    use simple_class as C;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let (class, width) = class_at(bytes, i);
        match bytes[i] {
            // Spaces join spaces (WB3d), CR joins LF (WB3); other whitespace stands alone.
            b' ' => {
                while bytes.get(i) == Some(&b' ') {
                    i += 1;
                }
            }
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => i += 2,
            _ if matches!(class, C::LETTER | C::DIGIT | C::EXTEND | C::KATAKANA) => {
                i = scan_word(bytes, i).end;
            }
            _ => i += width,
        }
        f(offset + start, offset + i);
    }
}

/// Case-folded key for similarity bags: [`token_keys`]' `folded`, by a fast path for simple
/// text ([`is_simple`]; a unit test checks that they agree).
fn folded_key(text: &str) -> u64 {
    if !is_simple(text) {
        return token_keys(text, true).folded;
    }
    let bytes = text.as_bytes();
    let mut f = 2 ^ FNV_OFFSET;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            f = fnv(f, b.to_ascii_lowercase());
            i += 1;
        } else if b <= 0xc9 {
            let next = bytes.get(i + 1).copied().unwrap_or(0x80);
            f = fold_latin(f, b, next);
            i += 2;
        } else {
            // Arabic and Japanese characters have no case.
            let width = if b >= 0xe0 { 3 } else { 2 };
            f = fnv_all(f, bytes.get(i..i + width));
            i += width;
        }
    }
    mix(f)
}

/// Folds the lower case of the Latin letter `lead`, `next` (two UTF-8 bytes) into `h`.
fn fold_latin(h: u64, lead: u8, next: u8) -> u64 {
    let cp = (u32::from(lead & 0x1f) << 6) | u32::from(next & 0x3f);
    if (0xc0..=0xde).contains(&cp) && cp != 0xd7 {
        // Latin-1 capitals: the small letter is 0x20 further, with the same lead byte.
        fnv(fnv(h, lead), next + 0x20)
    } else if cp < 0x100 {
        fnv(fnv(h, lead), next)
    } else {
        let mut h = h;
        let mut buffer = [0u8; 4];
        for c in char::from_u32(cp).into_iter().flat_map(char::to_lowercase) {
            for &b in c.encode_utf8(&mut buffer).as_bytes() {
                h = fnv(h, b);
            }
        }
        h
    }
}

fn is_nb_space(c: char) -> bool {
    matches!(c, '\u{00a0}' | '\u{202f}' | '\u{2007}')
}

/// What a leaf's fingerprints need of a token's text, taken while it is tokenised.
#[derive(Clone, Copy)]
struct TokExtra {
    /// Tells texts apart: the key where it is exact, else a hash of the text.
    text_hash: u64,
    /// Whether the first and the last character are alphanumeric.
    edges: (bool, bool),
}

/// A segment of whitespace only (ASCII whitespace is checked without decoding).
fn is_space_segment(segment: &str) -> bool {
    for (i, &b) in segment.as_bytes().iter().enumerate() {
        if b >= 0x80 {
            return segment[i..].chars().all(char::is_whitespace);
        }
        if !is_ascii_space(b) {
            return false;
        }
    }
    true
}

fn has_alphanumeric(segment: &str) -> bool {
    for (i, &b) in segment.as_bytes().iter().enumerate() {
        if b >= 0x80 {
            return segment[i..].chars().any(char_facts::is_alphanumeric);
        }
        if b.is_ascii_alphanumeric() {
            return true;
        }
    }
    false
}

fn alphanumeric_edges(text: &str) -> (bool, bool) {
    (
        text.chars().next().is_some_and(char_facts::is_alphanumeric),
        text.chars()
            .next_back()
            .is_some_and(char_facts::is_alphanumeric),
    )
}

/// What tokenizing asks of a character of the Basic Multilingual Plane, from tables made
/// 256 characters at a time the first time a text uses one of them: Unicode's own
/// look-ups (alphanumeric, lower case, normalization) took most of the time of CJK and
/// Arabic texts, whose every word asks them again.
mod char_facts {
    use std::sync::OnceLock;

    use unicode_normalization::char::canonical_combining_class;
    use unicode_normalization::{IsNormalized, is_nfc_quick};

    const ALPHANUMERIC: u8 = 1;
    /// Its own NFC (quick check Yes, combining class 0), lower case and typographic form.
    const PLAIN: u8 = 2;

    static PAGES: [OnceLock<[u8; 256]>; 256] = [const { OnceLock::new() }; 256];

    fn facts(c: char) -> Option<u8> {
        let code = u32::from(c);
        let page = PAGES.get((code >> 8) as usize)?;
        let facts = page.get_or_init(|| make_page(code >> 8));
        facts.get((code & 0xff) as usize).copied()
    }

    fn make_page(page: u32) -> [u8; 256] {
        let mut facts = [0u8; 256];
        for (low, slot) in (0u32..).zip(facts.iter_mut()) {
            if let Some(c) = char::from_u32(page << 8 | low) {
                *slot = facts_of(c);
            }
        }
        facts
    }

    fn facts_of(c: char) -> u8 {
        let mut facts = 0;
        if c.is_alphanumeric() {
            facts |= ALPHANUMERIC;
        }
        let mut lower = c.to_lowercase();
        let plain = super::typographic(c) == c
            && lower.next() == Some(c)
            && lower.next().is_none()
            && canonical_combining_class(c) == 0
            && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes;
        if plain {
            facts |= PLAIN;
        }
        facts
    }

    pub(super) fn is_alphanumeric(c: char) -> bool {
        facts(c).map_or_else(|| c.is_alphanumeric(), |f| f & ALPHANUMERIC != 0)
    }

    pub(super) fn is_plain(c: char) -> bool {
        facts(c).is_some_and(|f| f & PLAIN != 0)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn every_character_of_the_plane_is_described_as_unicode_does() {
            for c in (0..=0xffff).filter_map(char::from_u32) {
                assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
                assert_eq!(is_plain(c), facts_of(c) & PLAIN != 0, "{c:?}");
            }
            // Beyond the plane: Unicode's own answer.
            assert!(is_alphanumeric('\u{20000}'));
            assert!(!is_plain('\u{20000}'));
        }
    }
}

/// A text run waiting to be tokenised: consecutive `Text` events of one style are joined
/// first, so `don\'t` segments like `don't` does on the page.
struct Run<'a> {
    pieces: Vec<CowStr<'a>>,
}

/// A leaf block being built.
struct Leaf {
    kind: BlockKind,
    start: usize,
    cells: Vec<usize>,
}

struct DocParser<'a> {
    toks: Vec<Tok<'a>>,
    blocks: Vec<Block<'a>>,
    containers: Vec<ContainerKind>,
    styles: Vec<Style>,
    style_ids: KeyMap<Vec<Mark>, u32>,
    /// (style, mark opened on it) → resulting style.
    transitions: KeyMap<(u32, Mark), u32>,
    /// The style before each open mark, to restore on close.
    style_stack: Vec<u32>,
    images: Vec<Image>,
    /// Open containers (ids), root first.
    open: Vec<u32>,
    /// Next item index per open list (parallel to the list entries of `open`).
    list_items: Vec<(u32, u32)>,
    leaf: Option<Leaf>,
    /// Inline marks in nesting order, and the interned style they make.
    marks: Vec<Mark>,
    style: u32,
    run: Run<'a>,
    /// Segments of the run being tokenised (a buffer kept between runs).
    segments: Vec<(usize, usize)>,
    /// Per token, parallel to `toks`: what fingerprints need of its text.
    extra: Vec<TokExtra>,
    ws: bool,
    nb: bool,
    in_table_head: bool,
    /// Raw text collection for code blocks, HTML blocks and image alt text.
    raw: Option<(BlockKind, String, String)>,
    image: Option<(String, String, String, usize)>,
    footnote_numbers: Vec<String>,
    item_fresh: bool,
    last_heading: Option<usize>,
}

impl<'a> DocParser<'a> {
    fn new() -> Self {
        let mut parser = DocParser {
            toks: Vec::new(),
            blocks: Vec::new(),
            containers: Vec::new(),
            styles: Vec::new(),
            style_ids: KeyMap::default(),
            transitions: KeyMap::default(),
            style_stack: Vec::new(),
            images: Vec::new(),
            open: Vec::new(),
            list_items: Vec::new(),
            leaf: None,
            marks: Vec::new(),
            style: 0,
            run: Run { pieces: Vec::new() },
            segments: Vec::new(),
            extra: Vec::new(),
            ws: false,
            nb: false,
            in_table_head: false,
            raw: None,
            image: None,
            footnote_numbers: Vec::new(),
            item_fresh: false,
            last_heading: None,
        };
        parser.style = parser.intern(Vec::new());
        parser
    }

    fn intern(&mut self, marks: Vec<Mark>) -> u32 {
        if let Some(&id) = self.style_ids.get(&marks) {
            return id;
        }
        let id = self.styles.len() as u32;
        let mut hash = 0;
        let rendered: Vec<RMark> = marks.iter().map(Mark::rendered).collect();
        for r in &rendered {
            hash = combine(hash, hash_bytes(3, r.open.as_bytes()));
        }
        self.styles.push(Style {
            marks: marks.clone(),
            rendered,
            hash,
        });
        self.style_ids.insert(marks, id);
        id
    }

    /// Recomputes the style from the open marks (after an out-of-order close).
    fn restyle(&mut self) {
        self.flush_run();
        self.style_stack.clear();
        let mut style = 0;
        for k in 0..self.marks.len() {
            self.style_stack.push(style);
            let mut set = self.marks[..=k].to_vec();
            set.sort();
            set.dedup();
            style = self.intern(set);
        }
        self.style = style;
    }

    /// Opens a mark. The style it makes is cached per (style, mark): a policy has few.
    fn push_mark(&mut self, mark: Mark) {
        self.flush_run();
        let key = (self.style, mark);
        let next = match self.transitions.get(&key) {
            Some(&id) => id,
            None => {
                let mut set = self.styles[self.style as usize].marks.clone();
                set.push(key.1.clone());
                set.sort();
                set.dedup();
                let id = self.intern(set);
                self.transitions.insert(key.clone(), id);
                id
            }
        };
        self.marks.push(key.1);
        self.style_stack.push(self.style);
        self.style = next;
    }

    /// Closes the innermost mark matching `pred` (Markdown closes in order; inline HTML
    /// may not).
    fn pop_mark(&mut self, pred: impl Fn(&Mark) -> bool) {
        let Some(pos) = self.marks.iter().rposition(pred) else {
            return;
        };
        self.flush_run();
        self.marks.remove(pos);
        if pos == self.marks.len() {
            self.style = self.style_stack.pop().unwrap_or(0);
        } else {
            self.restyle();
        }
    }

    fn clear_marks(&mut self) {
        self.marks.clear();
        self.style_stack.clear();
        self.style = 0;
    }

    /// Footnote numbers as pulldown-cmark's HTML writer gives them: by first appearance of
    /// the name among references and definitions.
    fn footnote_number(&mut self, name: &str) -> usize {
        match self.footnote_numbers.iter().position(|n| n == name) {
            Some(i) => i + 1,
            None => {
                self.footnote_numbers.push(name.to_string());
                self.footnote_numbers.len()
            }
        }
    }

    fn event(&mut self, event: Event<'a>) {
        if let Some(image) = self.image.as_mut() {
            match event {
                Event::Start(_) => image.3 += 1,
                Event::End(_) if image.3 > 0 => image.3 -= 1,
                Event::End(_) => {
                    self.end_image();
                }
                Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) => image.2.push_str(&t),
                Event::SoftBreak | Event::HardBreak => image.2.push(' '),
                _ => {}
            }
            return;
        }
        if let Some(raw) = self.raw.as_mut() {
            match event {
                Event::Text(t) | Event::Html(t) => raw.1.push_str(&t),
                Event::End(TagEnd::CodeBlock | TagEnd::HtmlBlock) => self.end_raw(),
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                self.ensure_leaf();
                self.run.pieces.push(t);
            }
            Event::Code(t) => {
                self.ensure_leaf();
                self.push_mark(Mark::Code);
                self.run.pieces.push(t);
                self.pop_mark(|m| *m == Mark::Code);
            }
            Event::InlineHtml(tag) => self.inline_html(&tag),
            Event::FootnoteReference(name) => {
                self.ensure_leaf();
                let number = self.footnote_number(&name).to_string();
                let sup = Mark::Tag("<sup class=\"footnote-reference\">".to_string());
                self.push_mark(sup.clone());
                self.run.pieces.push(CowStr::from(number));
                self.pop_mark(|m| *m == sup);
            }
            Event::SoftBreak => {
                self.flush_run();
                self.ws = true;
            }
            Event::HardBreak => {
                self.ensure_leaf();
                self.push_break();
            }
            Event::Rule => {
                self.close_leaf();
                self.open_leaf(BlockKind::Rule);
                self.close_leaf();
            }
            Event::Html(raw) => {
                // Only inside HTML blocks in practice; treat a stray one as an HTML block.
                self.close_leaf();
                self.raw = Some((BlockKind::Html, raw.to_string(), String::new()));
                self.end_raw();
            }
            _ => {}
        }
    }

    fn inline_html(&mut self, tag: &str) {
        let name = tag_name(tag).to_ascii_lowercase();
        match name.as_str() {
            "br" => {
                self.ensure_leaf();
                self.push_break();
            }
            "wbr" => {}
            _ if tag.starts_with("</") => self.pop_mark(|m| match m {
                Mark::Tag(open) => tag_name(open).eq_ignore_ascii_case(&name),
                _ => false,
            }),
            _ => {
                self.ensure_leaf();
                self.push_mark(Mark::Tag(tag.to_string()));
            }
        }
    }

    fn push_break(&mut self) {
        self.flush_run();
        let tok = Tok {
            text: Cow::Borrowed(""),
            key: BREAK_KEY,
            ws: self.ws,
            nb: self.nb,
            style: self.style,
            kind: TokKind::Break,
            aux: 0,
            esc: false,
        };
        let extra = TokExtra {
            text_hash: hash_bytes(8, b""),
            edges: (false, false),
        };
        self.push_tok(tok, extra);
        // The page writes a newline after a hard break: the next word is a new word.
        self.ws = true;
        self.nb = false;
    }

    fn start(&mut self, tag: Tag<'a>) {
        match tag {
            Tag::Paragraph => {
                self.close_leaf();
                self.open_leaf(BlockKind::Paragraph);
            }
            Tag::Heading { level, .. } => {
                self.close_leaf();
                self.open_leaf(BlockKind::Heading(level as u8));
            }
            Tag::BlockQuote(_) => self.open_container(ContainerKind::Quote),
            Tag::List(start) => {
                let kind = ContainerKind::List {
                    ordered: start.is_some(),
                    start: start.unwrap_or(1),
                };
                self.open_container(kind);
                let id = self.containers.len() as u32 - 1;
                self.list_items.push((id, 0));
            }
            Tag::Item => {
                let (index, number) = match (self.list_items.last_mut(), self.open.last()) {
                    (Some((list, next)), _) => {
                        let index = *next;
                        *next += 1;
                        let start = match self.containers.get(*list as usize) {
                            Some(ContainerKind::List { start, .. }) => *start,
                            _ => 1,
                        };
                        (index, start + u64::from(index))
                    }
                    _ => (0, 1),
                };
                self.open_container(ContainerKind::Item { index, number });
                self.item_fresh = true;
            }
            Tag::FootnoteDefinition(name) => {
                self.open_container(ContainerKind::Footnote);
                let number = self.footnote_number(&name).to_string();
                self.open_leaf(BlockKind::FootnoteLabel);
                self.run.pieces.push(CowStr::from(number));
                self.close_leaf();
            }
            Tag::Table(aligns) => self.open_container(ContainerKind::Table { aligns }),
            Tag::TableHead => {
                self.in_table_head = true;
                self.close_leaf();
                self.open_leaf(BlockKind::TableRow { header: true });
            }
            Tag::TableRow => {
                self.close_leaf();
                self.open_leaf(BlockKind::TableRow { header: false });
            }
            Tag::TableCell => {
                self.flush_run();
                self.clear_marks();
                self.ws = false;
                self.nb = false;
                let at = self.toks.len();
                if let Some(leaf) = self.leaf.as_mut() {
                    leaf.cells.push(at);
                }
            }
            Tag::CodeBlock(kind) => {
                self.close_leaf();
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.raw = Some((BlockKind::Code, String::new(), info));
            }
            Tag::HtmlBlock => {
                self.close_leaf();
                self.raw = Some((BlockKind::Html, String::new(), String::new()));
            }
            Tag::Emphasis => self.push_mark(Mark::Em),
            Tag::Strong => self.push_mark(Mark::Strong),
            Tag::Strikethrough => self.push_mark(Mark::Strike),
            Tag::Link {
                dest_url, title, ..
            } => {
                self.ensure_leaf();
                self.push_mark(Mark::Link {
                    url: dest_url.to_string(),
                    title: title.to_string(),
                });
            }
            Tag::Image {
                dest_url, title, ..
            } => {
                self.ensure_leaf();
                self.flush_run();
                self.image = Some((dest_url.to_string(), title.to_string(), String::new(), 0));
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableRow => self.close_leaf(),
            TagEnd::TableHead => {
                self.close_leaf();
                self.in_table_head = false;
            }
            TagEnd::BlockQuote(_) | TagEnd::Item | TagEnd::FootnoteDefinition | TagEnd::Table => {
                self.close_container()
            }
            TagEnd::List(_) => {
                self.close_container();
                self.list_items.pop();
            }
            TagEnd::Emphasis => self.pop_mark(|m| *m == Mark::Em),
            TagEnd::Strong => self.pop_mark(|m| *m == Mark::Strong),
            TagEnd::Strikethrough => self.pop_mark(|m| *m == Mark::Strike),
            TagEnd::Link => self.pop_mark(|m| matches!(m, Mark::Link { .. })),
            _ => {}
        }
    }

    fn end_image(&mut self) {
        if let Some((src, title, alt, _)) = self.image.take() {
            let key = combine(hash_bytes(4, src.as_bytes()), hash_bytes(5, alt.as_bytes()));
            let aux = self.images.len() as u32;
            self.images.push(Image { src, title });
            let extra = TokExtra {
                text_hash: hash_bytes(8, alt.as_bytes()),
                edges: alphanumeric_edges(&alt),
            };
            let tok = Tok {
                text: Cow::Owned(alt),
                key,
                ws: self.ws,
                nb: self.nb,
                style: self.style,
                kind: TokKind::Image,
                aux,
                esc: true,
            };
            self.push_tok(tok, extra);
            self.ws = false;
            self.nb = false;
        }
    }

    fn end_raw(&mut self) {
        if let Some((kind, raw, info)) = self.raw.take() {
            self.open_leaf(kind);
            let bag = line_bag(&raw);
            let fp = combine(u64::from(kind.class()) + 100, hash_bytes(6, raw.as_bytes()));
            let fp_fmt = combine(fp, hash_bytes(7, info.as_bytes()));
            self.leaf = None;
            self.blocks.push(Block {
                kind,
                path: self.open.clone(),
                toks: self.toks.len()..self.toks.len(),
                cells: vec![self.toks.len()],
                raw: Cow::Owned(raw),
                info,
                fp,
                fp_fmt,
                bag: OnceLock::from(bag),
                ws_bits: Vec::new(),
                item_start: std::mem::take(&mut self.item_fresh),
                section: self.last_heading,
            });
        }
    }

    fn open_container(&mut self, kind: ContainerKind) {
        self.close_leaf();
        self.containers.push(kind);
        self.open.push(self.containers.len() as u32 - 1);
    }

    fn close_container(&mut self) {
        self.close_leaf();
        self.item_fresh = false;
        self.open.pop();
    }

    /// Inline content outside a paragraph: the text of a tight list item.
    fn ensure_leaf(&mut self) {
        if self.leaf.is_none() {
            self.open_leaf(BlockKind::ItemText);
        }
    }

    fn open_leaf(&mut self, kind: BlockKind) {
        let start = self.toks.len();
        self.clear_marks();
        self.ws = false;
        self.nb = false;
        // Table rows get their cell starts from `TableCell` events.
        let cells = if matches!(kind, BlockKind::TableRow { .. }) {
            Vec::new()
        } else {
            vec![start]
        };
        self.leaf = Some(Leaf { kind, start, cells });
    }

    fn flush_run(&mut self) {
        let mut pieces = std::mem::take(&mut self.run.pieces);
        match pieces.len() {
            0 => {}
            1 => {
                if let Some(piece) = pieces.pop() {
                    match piece {
                        CowStr::Borrowed(s) => self.tokenize(Text::Borrowed(s)),
                        other => self.tokenize(Text::Owned(other.to_string())),
                    }
                }
            }
            _ => {
                let joined: String = pieces.iter().map(|p| p.as_ref()).collect();
                self.tokenize(Text::Owned(joined));
            }
        }
        // The buffer is kept for the next run.
        pieces.clear();
        self.run.pieces = pieces;
    }

    /// Appends a token with what [`Self::close_leaf`] needs of its text.
    fn push_tok(&mut self, tok: Tok<'a>, extra: TokExtra) {
        self.toks.push(tok);
        self.extra.push(extra);
    }

    fn tokenize(&mut self, text: Text<'a>) {
        // Simple text (nearly all) in one pass; the pass stops at the first character
        // simple text does not hold, and what it made is taken back.
        let (toks, ws, nb) = (self.toks.len(), self.ws, self.nb);
        if self.tokenize_simple(&text) {
            return;
        }
        self.toks.truncate(toks);
        self.extra.truncate(toks);
        (self.ws, self.nb) = (ws, nb);
        self.tokenize_general(&text);
    }

    /// [`Self::tokenize`] for any text: UAX #29 segments, then each one's keys.
    fn tokenize_general(&mut self, text: &Text<'a>) {
        let source = text.as_str();
        let mut segments = std::mem::take(&mut self.segments);
        segments.clear();
        for_each_segment(source, |start, end| segments.push((start, end)));
        for &(start, end) in &segments {
            let segment = &source[start..end];
            if is_space_segment(segment) {
                self.ws = true;
                self.nb |= !segment.is_ascii() && segment.chars().any(is_nb_space);
                continue;
            }
            let kind = if has_alphanumeric(segment) {
                TokKind::Word
            } else {
                TokKind::Punct
            };
            let keys = token_keys(segment, kind == TokKind::Word);
            let extra = TokExtra {
                text_hash: if keys.exact {
                    keys.key
                } else {
                    hash_bytes(8, segment.as_bytes())
                },
                edges: alphanumeric_edges(segment),
            };
            let text: Cow<'a, str> = match text {
                // Re-slice the body to keep its lifetime.
                Text::Borrowed(s) => Cow::Borrowed(&s[start..end]),
                Text::Owned(_) => Cow::Owned(segment.to_string()),
            };
            let tok = Tok {
                key: keys.key,
                esc: needs_escape(&text),
                text,
                ws: self.ws,
                nb: self.nb,
                style: self.style,
                kind,
                aux: 0,
            };
            self.push_tok(tok, extra);
            self.ws = false;
            self.nb = false;
        }
        self.segments = segments;
    }

    /// [`Self::tokenize`] for simple text ([`is_simple`]): segments are all spaces or all
    /// not, letters are alphanumeric, and keys are exact. False (some tokens pushed) when
    /// the text is not simple.
    fn tokenize_simple(&mut self, text: &Text<'a>) -> bool {
        let source = text.as_str();
        scan_simple(source, |item| {
            let Scanned::Token {
                start,
                end,
                keys,
                word,
                edges,
                esc,
            } = item
            else {
                self.ws = true;
                return;
            };
            let text: Cow<'a, str> = match text {
                // Re-slice the body to keep its lifetime.
                Text::Borrowed(s) => Cow::Borrowed(&s[start..end]),
                Text::Owned(_) => Cow::Owned(source[start..end].to_string()),
            };
            let tok = Tok {
                key: keys.key,
                text,
                ws: self.ws,
                nb: self.nb,
                style: self.style,
                kind: if word { TokKind::Word } else { TokKind::Punct },
                aux: 0,
                esc,
            };
            let extra = TokExtra {
                text_hash: keys.key,
                edges,
            };
            self.push_tok(tok, extra);
            self.ws = false;
            self.nb = false;
        })
    }

    fn close_leaf(&mut self) {
        self.flush_run();
        let Some(leaf) = self.leaf.take() else {
            return;
        };
        self.clear_marks();
        let end = self.toks.len();
        let toks = &self.toks[leaf.start..end];
        if toks.is_empty() && leaf.kind == BlockKind::ItemText {
            return;
        }
        let extra = &self.extra[leaf.start..end];
        let header = matches!(leaf.kind, BlockKind::TableRow { header: true });
        let class = u64::from(leaf.kind.class());
        let mut fp = combine(class, u64::from(header) + 2 * leaf.cells.len() as u64);
        let mut fp_fmt = combine(kind_code(leaf.kind), self.structure_signature());
        let mut next_cell = 1;
        let mut ws_bits = vec![0u64; toks.len().div_ceil(64)];
        for (i, (t, x)) in toks.iter().zip(extra).enumerate() {
            while leaf.cells.get(next_cell) == Some(&(leaf.start + i)) {
                fp = combine(fp, 0xce11);
                fp_fmt = combine(fp_fmt, 0xce11);
                next_cell += 1;
            }
            ws_bits[i / 64] |= u64::from(t.ws) << (i % 64);
            fp = step(fp, t.key);
            // The text as typed: its key where that is exact, else its own hash (only
            // equality of `fp_fmt` matters).
            fp_fmt = step(fp_fmt, x.text_hash);
            // A token glued to the previous word (`we<code>x</code>`) reads differently from
            // a spaced one: see `words::Ws`.
            let glued = i > 0 && !t.ws && extra[i - 1].edges.1 && x.edges.0;
            fp_fmt = step(fp_fmt, u64::from(glued));
            fp_fmt = step(fp_fmt, self.styles[t.style as usize].hash ^ u64::from(t.nb));
            if t.kind == TokKind::Image {
                let img = &self.images[t.aux as usize];
                fp_fmt = step(fp_fmt, hash_bytes(9, img.title.as_bytes()));
            }
        }
        for _ in next_cell..leaf.cells.len() {
            fp = combine(fp, 0xce11);
            fp_fmt = combine(fp_fmt, 0xce11);
        }
        let (fp, fp_fmt) = (mix(fp), mix(fp_fmt));
        let index = self.blocks.len();
        if matches!(leaf.kind, BlockKind::Heading(_)) {
            self.last_heading = Some(index);
        }
        self.blocks.push(Block {
            kind: leaf.kind,
            path: self.open.clone(),
            toks: leaf.start..end,
            cells: leaf.cells,
            raw: Cow::Borrowed(""),
            info: String::new(),
            fp,
            fp_fmt,
            bag: OnceLock::new(),
            ws_bits,
            item_start: std::mem::take(&mut self.item_fresh),
            section: self.last_heading,
        });
    }

    /// What of the containers shows on the page: list kinds (and a list's start number on its
    /// first item), quotes, tables. Ids are left out: they differ between documents.
    fn structure_signature(&self) -> u64 {
        let mut h = 0;
        for &id in &self.open {
            let kind = &self.containers[id as usize];
            h = combine(h, u64::from(kind.class()));
            match kind {
                ContainerKind::List { ordered, start } => {
                    h = combine(h, u64::from(*ordered));
                    let first_item = self.item_fresh
                        && self
                            .open
                            .last()
                            .map(|&last| {
                                matches!(
                                    self.containers[last as usize],
                                    ContainerKind::Item { index: 0, .. }
                                )
                            })
                            .unwrap_or(false);
                    // Only a non-default start is shown: reordering items must not make
                    // the new first item look changed.
                    if *ordered && first_item && *start != 1 {
                        h = combine(h, *start);
                    }
                }
                ContainerKind::Item { .. } => {}
                _ => {}
            }
        }
        h
    }

    fn finish(mut self) -> Document<'a> {
        self.end_image();
        self.close_leaf();
        self.end_raw();
        Document {
            plain: self.blocks.iter().map(|_| OnceLock::new()).collect(),
            toks: self.toks,
            blocks: self.blocks,
            containers: self.containers,
            styles: self.styles,
            images: self.images,
        }
    }
}

enum Text<'a> {
    Borrowed(&'a str),
    Owned(String),
}

impl Text<'_> {
    fn as_str(&self) -> &str {
        match self {
            Text::Borrowed(s) => s,
            Text::Owned(s) => s,
        }
    }
}

fn kind_code(kind: BlockKind) -> u64 {
    match kind {
        BlockKind::Heading(level) => 10 + u64::from(level),
        BlockKind::TableRow { header } => 20 + u64::from(header),
        other => u64::from(other.class()),
    }
}

/// Similarity bag of a code or HTML block: its non-blank lines.
fn line_bag(raw: &str) -> Vec<u64> {
    let mut bag: Vec<u64> = raw
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| hash_bytes(10, l.as_bytes()))
        .collect();
    bag.sort_unstable();
    bag
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(doc: &Document<'_>, b: usize) -> Vec<String> {
        doc.block_toks(b)
            .iter()
            .map(|t| t.text.to_string())
            .collect()
    }

    #[test]
    fn numbers_and_possessives_stay_whole_and_punctuation_splits() {
        let doc = Document::parse("The fee is $35,000,000 for HexGen's 3.5 plans.");
        assert_eq!(
            texts(&doc, 0),
            [
                "The",
                "fee",
                "is",
                "$",
                "35,000,000",
                "for",
                "HexGen's",
                "3.5",
                "plans",
                "."
            ]
        );
    }

    proptest::proptest! {
        #[test]
        fn keys_taken_in_one_pass_are_the_keys_in_full(
            text in "[a-zA-Z'\u{2019}\u{201c}\u{e9}\u{c9}\u{301}\u{3042}\u{30a2}\u{6211}\u{4eec}\u{627}\u{644}\u{64e}\u{391}\u{3b1}\u{130}\u{df}\u{ff21}\u{1e9e}]{1,6}",
            folded in proptest::bool::ANY,
        ) {
            proptest::prop_assert_eq!(token_keys(&text, folded), token_keys_in_full(&text, folded));
        }
    }

    #[test]
    fn typographic_quotes_share_a_key_but_case_does_not() {
        assert_eq!(token_key("HexGen's"), token_key("HexGen\u{2019}s"));
        assert_eq!(token_key("\""), token_key("\u{201c}"));
        assert_ne!(token_key("Data"), token_key("data"));
        assert_ne!(token_key("-"), token_key("\u{2013}"));
        // NFC: a decomposed é equals the composed one.
        assert_eq!(token_key("caf\u{e9}"), token_key("cafe\u{301}"));
    }

    #[test]
    fn cjk_is_one_token_per_character_without_spaces() {
        let doc = Document::parse("我们不会使用");
        let toks = doc.block_toks(0);
        assert_eq!(toks.len(), 6);
        assert!(toks.iter().all(|t| !t.ws));
    }

    #[test]
    fn rewrapping_and_bullets_do_not_change_fingerprints() {
        let a = Document::parse("- We collect only what we need to run the\n  Service for you.\n");
        let b = Document::parse("* We collect only what we need\n  to run the Service for you.\n");
        assert_eq!(a.blocks[0].fp, b.blocks[0].fp);
        assert_eq!(a.blocks[0].fp_fmt, b.blocks[0].fp_fmt);
    }

    #[test]
    fn emphasis_order_is_canonical_and_formatting_changes_fp_fmt_only() {
        let a = Document::parse("**_x_** y");
        let b = Document::parse("_**x**_ y");
        let c = Document::parse("x y");
        assert_eq!(a.blocks[0].fp_fmt, b.blocks[0].fp_fmt);
        assert_eq!(a.blocks[0].fp, c.blocks[0].fp);
        assert_ne!(a.blocks[0].fp_fmt, c.blocks[0].fp_fmt);
    }

    #[test]
    fn tight_items_nested_lists_and_tables_make_leaves() {
        let doc = Document::parse("- a\n  - b\n- c\n\n| h | i |\n|---|---|\n| 1 | 2 |\n");
        let kinds: Vec<BlockKind> = doc.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            [
                BlockKind::ItemText,
                BlockKind::ItemText,
                BlockKind::ItemText,
                BlockKind::TableRow { header: true },
                BlockKind::TableRow { header: false }
            ]
        );
        assert_eq!(doc.blocks[1].path.len(), 4);
        assert_eq!(doc.blocks[4].cells.len(), 2);
    }

    fn segments(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        for_each_segment(text, |start, end| out.push(&text[start..end]));
        out
    }

    #[test]
    fn ascii_fast_path_segments_like_uax29() {
        use proptest::prelude::*;
        let alphabet: Vec<char> = "aZ09_:,;.'  \t\r\n$-\"*<&".chars().collect();
        proptest!(ProptestConfig::with_cases(2000), |(idx in proptest::collection::vec(0..alphabet.len(), 0..24))| {
            let text: String = idx.iter().map(|&i| alphabet[i]).collect();
            let slow: Vec<&str> = text.split_word_bounds().collect();
            prop_assert_eq!(segments(&text), slow, "{:?}", text);
        });
    }

    #[test]
    fn mixed_text_segments_like_uax29() {
        use proptest::prelude::*;
        // Latin letters, CJK, Arabic, Hebrew, Katakana, combining marks, ZWJ, a soft hyphen,
        // no-break and other spaces (U+3000 and U+2003 are WSegSpace), a word joiner,
        // an emoji, regional indicators, a line separator and NEL among ASCII.
        let alphabet: Vec<char> = "aZ09.,:' \t\n\r\u{b}_-\"éßÄçÿĀžǅȸ中文ب\u{5d0}\u{30a2}\u{301}\u{903}\u{200d}\u{ad}\u{a0}\u{3000}\u{2003}\u{2060}\u{1F600}\u{1F1E6}\u{2028}\u{85}\u{2019}«"
            .chars()
            .collect();
        proptest!(ProptestConfig::with_cases(6000), |(idx in proptest::collection::vec(0..alphabet.len(), 0..24))| {
            let text: String = idx.iter().map(|&i| alphabet[i]).collect();
            let slow: Vec<&str> = text.split_word_bounds().collect();
            prop_assert_eq!(segments(&text), slow, "{:?}", text);
        });
    }

    #[test]
    fn latin_text_segments_like_uax29() {
        use proptest::prelude::*;
        let alphabet: Vec<char> = "aZ09_:,;.' \t\r\n-\"éÉßäÿĀžǅȸɏ".chars().collect();
        proptest!(ProptestConfig::with_cases(4000), |(idx in proptest::collection::vec(0..alphabet.len(), 0..24))| {
            let text: String = idx.iter().map(|&i| alphabet[i]).collect();
            prop_assert!(is_simple(&text));
            prop_assert_eq!(folded_key(&text), token_keys(&text, true).folded, "{:?}", text);
            let slow: Vec<&str> = text.split_word_bounds().collect();
            prop_assert_eq!(segments(&text), slow.clone(), "{:?}", text);
            for (start, end) in slow.iter().scan(0, |at, s| { *at += s.len(); Some((*at - s.len(), *at)) }) {
                let seg = &text[start..end];
                let keys = simple_keys(seg, true);
                prop_assert_eq!(keys, token_keys(seg, true), "{:?}", seg);
            }
        });
    }

    /// What `tokenize` made of simple text before `scan_simple`: segments, then keys.
    fn scanned_reference(text: &str) -> Vec<Scanned> {
        let mut out = Vec::new();
        for_each_segment(text, |start, end| {
            let seg = &text[start..end];
            if seg.chars().all(char::is_whitespace) {
                // One per run of whitespace.
                if out.last() != Some(&Scanned::Space) {
                    out.push(Scanned::Space);
                }
                return;
            }
            let word = seg.chars().any(char::is_alphanumeric);
            out.push(Scanned::Token {
                start,
                end,
                keys: simple_keys(seg, false),
                word,
                edges: alphanumeric_edges(seg),
                esc: needs_escape(seg),
            });
        });
        out
    }

    #[test]
    fn scanning_simple_text_equals_segmenting_and_keying() {
        use proptest::prelude::*;
        let alphabet: Vec<char> = "aZz09_:,;.'  \t\r\n-\"*éÉßäÀÞÿĀİžǅȸɏ".chars().collect();
        proptest!(ProptestConfig::with_cases(4000), |(idx in proptest::collection::vec(0..alphabet.len(), 0..24))| {
            let text: String = idx.iter().map(|&i| alphabet[i]).collect();
            let mut scanned = Vec::new();
            prop_assert!(scan_simple(&text, |s| scanned.push(s)));
            prop_assert_eq!(scanned, scanned_reference(&text), "{:?}", text);
        });
    }

    #[test]
    fn every_latin_letter_is_a_letter_to_uax29() {
        let templates = [
            "{c}", "a{c}", "{c}a", "{c}'{c}", "a'{c}", "{c}:a", "a:{c}", "1{c}", "{c}1", "{c}.1",
            "1.{c}", "_{c}", "{c}_", " {c} ", "{c},{c}", "{c}'s", "x.{c}.y", "{c}{c}",
        ];
        for c in '\u{c0}'..'\u{250}' {
            let mut buffer = [0u8; 4];
            let bytes = c.encode_utf8(&mut buffer).as_bytes();
            let latin = is_latin_letter(bytes[0], bytes.get(1));
            assert_eq!(latin, !matches!(c, '\u{d7}' | '\u{f7}'), "{c:?}");
            if !latin {
                continue;
            }
            for t in templates {
                let text = t.replace("{c}", &c.to_string());
                let slow: Vec<&str> = text.split_word_bounds().collect();
                assert_eq!(segments(&text), slow, "{text:?}");
            }
        }
        assert!(!is_simple("\u{250}") && !is_simple("\u{a0}") && !is_simple("\u{2019}"));
    }

    #[test]
    fn arabic_and_japanese_text_segments_and_keys_like_uax29() {
        use proptest::prelude::*;
        let alphabet: Vec<char> =
            "aZ09_:,;.' \t\r\n-\"éÄبتـي٠٣،؛؟あがゖアガーヾ・中国鿿々、。「」【】！（）？"
                .chars()
                .collect();
        proptest!(ProptestConfig::with_cases(6000), |(idx in proptest::collection::vec(0..alphabet.len(), 0..24))| {
            let text: String = idx.iter().map(|&i| alphabet[i]).collect();
            prop_assert!(is_simple(&text));
            let slow: Vec<&str> = text.split_word_bounds().collect();
            prop_assert_eq!(segments(&text), slow.clone(), "{:?}", text);
            prop_assert_eq!(folded_key(&text), token_keys(&text, true).folded, "{:?}", text);
            for seg in slow {
                prop_assert_eq!(simple_keys(seg, true), token_keys(seg, true), "{:?}", seg);
            }
            let mut scanned = Vec::new();
            prop_assert!(scan_simple(&text, |s| scanned.push(s)));
            prop_assert_eq!(scanned, scanned_reference(&text), "{:?}", text);
        });
    }

    /// Text with a character the fast pass does not take, anywhere: the pass gives the text
    /// back and the tokens are those of the general way alone.
    #[test]
    fn text_the_fast_pass_gives_back_is_tokenized_the_general_way() {
        use proptest::prelude::*;
        let alphabet: Vec<char> = "aZ09_.,' \tébあア中\u{301}\u{a0}\u{2019}ǅ\u{5d0}\u{1F600}"
            .chars()
            .collect();
        // Each token's text, key and spaces, and what fingerprints take of it.
        let tokens = |p: &DocParser<'_>| -> Vec<String> {
            p.toks
                .iter()
                .zip(&p.extra)
                .map(|(t, x)| format!("{:?}", (&t.text, t.key, t.ws, t.nb, x.text_hash, x.edges)))
                .collect()
        };
        proptest!(ProptestConfig::with_cases(3000), |(idx in proptest::collection::vec(0..alphabet.len(), 0..24), ws: bool)| {
            let text: String = idx.iter().map(|&i| alphabet[i]).collect();
            let (mut both, mut general) = (DocParser::new(), DocParser::new());
            // A space before the text (from the run before) is the first token's.
            (both.ws, general.ws) = (ws, ws);
            both.tokenize(Text::Borrowed(&text));
            general.tokenize_general(&Text::Borrowed(&text));
            prop_assert_eq!(tokens(&both), tokens(&general), "{:?}", text);
            prop_assert_eq!((both.ws, both.nb), (general.ws, general.nb));
        });
    }

    /// Every character the fast paths take beyond ASCII: its class agrees with UAX #29 next
    /// to each kind of neighbour, it is alphanumeric exactly when its class says so, its
    /// keys are those of its bytes, and it never joins ASCII whitespace.
    #[test]
    fn every_character_of_simple_text_is_classed_as_uax29_classes_it() {
        use simple_class as C;
        let neighbours = [
            "a", "1", "_", "ア", "あ", "中", "ب", "٣", "'", ".", ":", ",", "،", " ", "々", "-",
        ];
        let mut fast = 0;
        for c in ('\u{80}'..='\u{ffff}').filter(|c| is_simple(&c.to_string())) {
            fast += 1;
            let s = c.to_string();
            let (class, width) = class_at(s.as_bytes(), 0);
            assert_eq!(width, c.len_utf8(), "{c:?}");
            let alnum = matches!(class, C::LETTER | C::DIGIT | C::KATAKANA | C::IDEOGRAPH);
            assert_eq!(alnum, c.is_alphanumeric(), "{c:?}");
            let keys = token_keys(&s, true);
            assert!(
                keys.exact && keys.key == hash_bytes(1, s.as_bytes()),
                "{c:?}"
            );
            assert_eq!(folded_key(&s), keys.folded, "{c:?}");
            for w in [' ', '\t', '\n', '\r', '\u{b}', '\u{c}'] {
                for pair in [format!("{w}{c}"), format!("{c}{w}")] {
                    assert_eq!(pair.split_word_bounds().count(), 2, "{pair:?}");
                }
            }
            // The 20,992 ideographs share one class: a few neighbours each suffice.
            let around = if class == C::IDEOGRAPH && c >= '\u{4e00}' {
                &neighbours[..4]
            } else {
                &neighbours[..]
            };
            for x in around {
                for text in [
                    format!("{x}{s}"),
                    format!("{s}{x}"),
                    format!("{x}{s}{x}"),
                    format!("{s}{x}{s}"),
                ] {
                    let slow: Vec<&str> = text.split_word_bounds().collect();
                    assert_eq!(segments(&text), slow, "{text:?}");
                    let mut scanned = Vec::new();
                    assert!(scan_simple(&text, |s| scanned.push(s)));
                    assert_eq!(scanned, scanned_reference(&text), "{text:?}");
                }
            }
        }
        // Latin letters; Arabic letters, digits and punctuation; Hiragana; Katakana and
        // `・`; ideographs; `々、。「」『』【】` and fullwidth `！（）？`.
        assert_eq!(
            fast,
            398 + 56 + 86 + 94 + 20_992 + 13,
            "characters taken fast"
        );
    }

    #[test]
    fn latin_letters_never_join_whitespace() {
        for c in '\u{c0}'..'\u{300}' {
            for w in [' ', '\t', '\n', '\r', '\u{b}', '\u{c}'] {
                for pair in [format!("{w}{c}"), format!("{c}{w}")] {
                    assert_eq!(pair.split_word_bounds().count(), 2, "{pair:?}");
                }
            }
        }
    }

    /// The keys as they were first written (allocating), to check the one-pass version.
    fn reference_keys(text: &str) -> (u64, u64) {
        let nfc: String = text.nfc().collect();
        let key = if text.is_ascii() {
            hash_bytes(1, text.as_bytes())
        } else {
            let normalised: String = nfc.chars().map(typographic).collect();
            hash_bytes(1, normalised.as_bytes())
        };
        let lower: String = text
            .nfc()
            .map(typographic)
            .flat_map(char::to_lowercase)
            .collect();
        (key, hash_bytes(2, lower.as_bytes()))
    }

    #[test]
    fn one_pass_keys_equal_the_reference() {
        use proptest::prelude::*;
        for c in '\u{0}'..'\u{300}' {
            assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "{c:?}");
        }
        let alphabet: Vec<char> =
            "aZ09'\"-éÉßẞÄİıǅΣσς中\u{301}\u{2019}\u{201c}\u{a0}\u{212b}\u{1f600}"
                .chars()
                .collect();
        proptest!(ProptestConfig::with_cases(3000), |(idx in proptest::collection::vec(0..alphabet.len(), 1..12))| {
            let text: String = idx.iter().map(|&i| alphabet[i]).collect();
            let keys = token_keys(&text, true);
            prop_assert_eq!((keys.key, keys.folded), reference_keys(&text), "{:?}", text);
            prop_assert_eq!(folded_key(&text), keys.folded, "{:?}", text);
            if keys.exact {
                prop_assert_eq!(keys.key, hash_bytes(1, text.as_bytes()));
            }
        });
    }

    #[test]
    fn start_tags_carry_the_side_by_side_prefix_of_their_ids() {
        let link = |url: &str| {
            Mark::Link {
                url: url.to_string(),
                title: String::new(),
            }
            .rendered()
        };
        let to_move = link("#mt-2");
        assert_eq!(to_move.open_in(false), "<a href=\"#mt-2\">");
        assert_eq!(to_move.open_in(true), "<a href=\"#sbs-mt-2\">");
        let elsewhere = link("/privacy/#contact");
        assert_eq!(elsewhere.open_in(true), elsewhere.open_in(false));
        assert_eq!(Mark::Strong.rendered().open_in(true), "<strong>");
    }

    #[test]
    fn folded_keys_ignore_case() {
        assert_eq!(folded_key("Data"), folded_key("data"));
        assert_eq!(folded_key("DATA"), folded_key("data"));
    }

    #[test]
    fn escapes_are_joined_before_segmenting() {
        let doc = Document::parse("don\\'t");
        assert_eq!(texts(&doc, 0), ["don't"]);
    }

    #[test]
    fn footnotes_are_numbered_like_the_page() {
        let doc = Document::parse("A[^b] B[^a].\n\n[^a]: first\n[^b]: second\n");
        assert_eq!(texts(&doc, 0), ["A", "1", "B", "2", "."]);
        assert_eq!(doc.blocks[1].kind, BlockKind::FootnoteLabel);
        assert_eq!(texts(&doc, 1), ["2"]);
    }
}
