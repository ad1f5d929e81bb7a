//! Redlines: what changed between two versions of a policy, for the compare pages
//! (SPEC.md "Redlines"; the design is `shared/REDLINE.md`).
//!
//! Pure: no I/O, no clock. Work is bounded by input size only, so the output is
//! byte-reproducible. The stages:
//!
//! - `doc`: parse a body once into leaf blocks of tokens (keys, styles, fingerprints);
//! - `align`: align blocks (equal, paired, split, merged, moved, added, deleted);
//! - `patience`: the diff of key sequences both levels use;
//! - `words`: word diff inside paired blocks, with cleanup and the whole-block fallback;
//! - `html`: the inline and side-by-side views and the summary;
//! - `inline`: writing one block's words, marks, wrappers and notes.
//!
//! # Output contract (for the theme and the compare page)
//!
//! - Block status, on the block element (`p`, `h2`, `li`, `tr`, `pre`, ...) in the inline
//!   view and on the cell in the side-by-side view: `rl-same`, `rl-chg`, `rl-add`, `rl-del`,
//!   `rl-movedfrom`, `rl-movedto`. Changed blocks carry `id` = [`Change::id`] in both views.
//! - Words: `<del>` / `<ins>`, always innermost; moved text `<del class="rl-move" id="mf-N">`
//!   (old place) and `<ins class="rl-move" id="mt-N">` (new place) with edits nested.
//!   Spaces that one reading lacks: `<del class="rl-ws">` / `<ins class="rl-ws">`.
//! - Formatting: `<span class="rl-fmt">` (dotted: `rl-fmt rl-typo`) then a note.
//! - Everything that is not policy text has `rl-note`: notes `rl-fmt-note`, badges
//!   `rl-badge`, move links `rl-move-note`, the ¶ of a split/merge (`<ins|del class="rl-break
//!   rl-note">`), and screen-reader cues `rl-sr rl-note` (to be visually hidden by CSS).
//! - Code and changed HTML blocks: `<pre class="rl-lines">` (`rl-html` for HTML source) with
//!   whole lines in `<del>`/`<ins>`.
//! - Side by side: `<div class="rl-sbs">` holding `<div class="rl-col rl-col-old"
//!   id="policy-text-old">` and `rl-col-new` (`policy-text-new`), one `rl-cell` per row in
//!   each; `rl-empty` cells (`aria-hidden`) hold the place of a block on the other side.
//! - The page's own classes are kept: `footnote-reference`, `footnote-definition(-label)`,
//!   `align-start|center|end` on table cells. Block elements get `dir="auto"`.

mod align;
mod doc;
mod html;
mod inline;
mod patience;
mod words;

pub use doc::Document;
pub use html::SIDE_BY_SIDE_ID_PREFIX;

/// Thresholds and work bounds (REDLINE.md A.3).
#[derive(Debug, Clone, PartialEq)]
pub struct RedlineConfig {
    /// Dice on case-folded content words needed to pair two changed blocks.
    pub pair_min: f64,
    /// Dice of a block against two neighbours together for a split or merge...
    pub split_merge_min: f64,
    /// ...which must also beat the best single pairing by this much.
    pub split_merge_gain: f64,
    /// Dice for a move between non-identical blocks...
    pub move_min: f64,
    /// ...of at least this many content words each.
    pub move_min_words: usize,
    /// Share of equal tokens under which a pair is shown as whole-block replace.
    pub inline_min_ratio: f64,
    /// Blocks of at most this many tokens are always diffed inline.
    pub fallback_min_tokens: usize,
    /// Pairing compares a block only with blocks within this distance of its
    /// proportional position...
    pub pair_band: usize,
    /// ...when a changed region has more than this many block pairs.
    pub pair_cells_max: usize,
    /// A word diff whose differing middle has more token pairs than this is shown as
    /// replaced whole (the worst-case guard; it depends on the input only).
    pub word_cells_max: usize,
    /// Bound on the bag comparisons spent looking for moves.
    pub move_work_max: usize,
}

impl Default for RedlineConfig {
    fn default() -> Self {
        RedlineConfig {
            pair_min: 0.50,
            split_merge_min: 0.85,
            split_merge_gain: 0.10,
            move_min: 0.80,
            move_min_words: 8,
            inline_min_ratio: 0.34,
            fallback_min_tokens: 4,
            pair_band: 64,
            pair_cells_max: 250_000,
            word_cells_max: 25_000_000,
            move_work_max: 50_000_000,
        }
    }
}

/// Every string the redline shows or announces, so the site can translate it.
///
/// Placeholders in braces are replaced by plain text (escaped on output): `{old}`,
/// `{new}`, `{section}`, `{n}`, `{url}`, `{style}`, `{tag}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    /// Screen-reader cue before deleted words.
    pub deleted: String,
    /// Screen-reader cue before inserted words.
    pub inserted: String,
    /// Screen-reader cue after a change.
    pub end_of_change: String,
    /// Screen-reader cue on a moved block's old place.
    pub moved_away: String,
    /// Screen-reader cue on a moved block's new place.
    pub moved_here: String,
    /// Note on the old place of a moved block: `{section}`.
    pub moved_to: String,
    /// Note on the new place of a moved block: `{section}`.
    pub moved_from: String,
    /// Same for items of numbered lists: `{n}`.
    pub moved_to_item: String,
    pub moved_from_item: String,
    /// A moved heading (a whole section): `{section}` is the section before it.
    pub moved_to_after: String,
    pub moved_from_after: String,
    /// ... or, when nothing comes before it:
    pub moved_to_start: String,
    pub moved_from_start: String,
    /// Screen-reader text of the ¶ marker of a split / merge.
    pub paragraph_split: String,
    pub paragraph_merged: String,
    /// Formatting notes: `{style}` is one of the style names below.
    pub style_added: String,
    pub style_removed: String,
    pub bold: String,
    pub italic: String,
    pub strikethrough: String,
    pub code: String,
    /// Allowed inline HTML elements (`sup`, `abbr`, ...): `{tag}`.
    pub markup: String,
    /// `{url}`
    pub link_added: String,
    /// `{url}`
    pub link_removed: String,
    /// `{old}` (and `{new}`)
    pub link_changed: String,
    /// Quotes, apostrophes, no-break spaces.
    pub typography: String,
    /// `{old}`, `{new}`
    pub heading_level: String,
    /// Other structural changes: `{old}`, `{new}` are block descriptions below.
    pub structure_changed: String,
    pub paragraph: String,
    pub list_item: String,
    pub numbered_list_item: String,
    /// `{n}`: a numbered list now starts at another number.
    pub list_start: String,
    /// `{old}`: a block now in (or out of) a quote.
    pub quoted: String,
    pub nesting_changed: String,
    pub rule_added: String,
    pub rule_removed: String,
    /// Note above the source diff of a changed HTML block.
    pub html_changed: String,
    /// Summary: "No changes to the text".
    pub no_changes: String,
    /// Summary: "First version".
    pub first_version: String,
}

impl Labels {
    pub fn english() -> Labels {
        let s = |x: &str| x.to_string();
        Labels {
            deleted: s("deleted:"),
            inserted: s("inserted:"),
            end_of_change: s("end of change"),
            moved_away: s("moved away:"),
            moved_here: s("moved here:"),
            moved_to: s("Moved to § {section}"),
            moved_from: s("Moved from § {section}"),
            moved_to_item: s("moved to item {n}"),
            moved_from_item: s("moved from item {n}"),
            moved_to_after: s("Moved to after § {section}"),
            moved_from_after: s("Moved from after § {section}"),
            moved_to_start: s("Moved to the beginning"),
            moved_from_start: s("Moved from the beginning"),
            paragraph_split: s("paragraph split"),
            paragraph_merged: s("paragraphs merged"),
            style_added: s("[{style} added]"),
            style_removed: s("[{style} removed]"),
            bold: s("bold"),
            italic: s("italic"),
            strikethrough: s("strikethrough"),
            code: s("code"),
            markup: s("<{tag}>"),
            link_added: s("[link added: {url}]"),
            link_removed: s("[link removed: {url}]"),
            link_changed: s("[link changed from {old}]"),
            typography: s("[typography]"),
            heading_level: s("[heading level {old} → {new}]"),
            structure_changed: s("[{old} → {new}]"),
            paragraph: s("paragraph"),
            list_item: s("list item"),
            numbered_list_item: s("numbered list item"),
            list_start: s("[numbering starts at {n}]"),
            quoted: s("{old} in a quote"),
            nesting_changed: s("[indentation changed]"),
            rule_added: s("[horizontal rule added]"),
            rule_removed: s("[horizontal rule removed]"),
            html_changed: s("[HTML changed: source shown]"),
            no_changes: s("No changes to the text"),
            first_version: s("First version"),
        }
    }
}

/// A comparison of two versions.
#[derive(Debug, Clone, PartialEq)]
pub struct Redline {
    /// The inline view: goes inside `<div id="policy-text">` of the compare page.
    pub inline_html: String,
    /// The side-by-side view: `<div class="rl-sbs">` with an old and a new column.
    pub side_by_side_html: String,
    pub summary: Summary,
}

/// What the compare page's header says, and the JSON outputs carry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Every block is unchanged (e.g. only the front matter changed).
    pub identical_text: bool,
    /// The old version is empty.
    pub first_version: bool,
    /// Content words (with a letter or digit) inserted and deleted, moves apart.
    pub words_added: usize,
    pub words_removed: usize,
    /// Content words of moved blocks.
    pub words_moved: usize,
    /// Formatting notes and structural badges.
    pub formatting_changes: usize,
    /// Typography notes (quotes, apostrophes, no-break spaces).
    pub typography_changes: usize,
    /// Distinct sections (by nearest heading of the new version) with a change.
    pub sections_changed: usize,
    /// One per changed block (a moved group counts once), in document order.
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    /// The element id in both views (`c3`).
    pub id: String,
    /// Text of the nearest heading in the new version ("" before the first heading).
    pub section: String,
    pub kind: ChangeKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
    Moved,
    Formatting,
    Typography,
}

impl ChangeKind {
    /// The theme's interface string that names it (`change_moved`).
    pub fn label_key(self) -> &'static str {
        match self {
            ChangeKind::Added => "change_added",
            ChangeKind::Removed => "change_removed",
            ChangeKind::Changed => "change_changed",
            ChangeKind::Moved => "change_moved",
            ChangeKind::Formatting => "change_formatting",
            ChangeKind::Typography => "change_typography",
        }
    }

    /// The name templates and JSON know it by (`moved`): its key without `change_`.
    pub fn name(self) -> &'static str {
        let key = self.label_key();
        key.strip_prefix("change_").unwrap_or(key)
    }
}

impl serde::Serialize for ChangeKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// Compares two versions. Both documents must outlive the call only.
pub fn compare(
    old: &Document<'_>,
    new: &Document<'_>,
    config: &RedlineConfig,
    labels: &Labels,
) -> Redline {
    let alignment = align::align(old, new, config);
    html::render(old, new, &alignment, config, labels)
}
