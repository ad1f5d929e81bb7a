//! Inline content of one block: marks opened and closed by common prefix, the change
//! wrapper innermost, screen-reader cues around change regions, notes after formatting.

use super::Labels;
use super::doc::{Document, Image, Mark, RMark, Style, Tok, TokKind};
use super::words::Op;
use crate::i18n::fill;
use crate::markdown::{is_safe_url, push_escaped};

pub(super) fn space(ws: bool, inside: bool) -> Space {
    match (ws, inside) {
        (false, _) => Space::None,
        (true, true) => Space::Inside,
        (true, false) => Space::Outside,
    }
}

/// A visually hidden cue for screen readers.
pub(super) fn sr(out: &mut String, text: &str, trailing_space: bool) {
    out.push_str("<span class=\"rl-sr rl-note\">");
    if !trailing_space {
        out.push(' ');
    }
    push_escaped(out, text);
    if trailing_space {
        out.push(' ');
    }
    out.push_str("</span>");
}

/// "[bold added] [link changed from …]": what differs between two styles.
pub(super) fn fmt_note(old: &Style, new: &Style, labels: &Labels) -> String {
    let link = |s: &Style| {
        s.marks.iter().find_map(|m| match m {
            Mark::Link { url, .. } => Some(url.clone()),
            _ => None,
        })
    };
    let mut parts = Vec::new();
    match (link(old), link(new)) {
        (Some(a), Some(b)) if a != b => {
            parts.push(fill(&labels.link_changed, &[("old", &a), ("new", &b)]))
        }
        (Some(a), None) => parts.push(fill(&labels.link_removed, &[("url", &a)])),
        (None, Some(b)) => parts.push(fill(&labels.link_added, &[("url", &b)])),
        _ => {}
    }
    let name = |m: &Mark| -> Option<String> {
        Some(match m {
            Mark::Link { .. } => return None,
            Mark::Strong => labels.bold.clone(),
            Mark::Em => labels.italic.clone(),
            Mark::Strike => labels.strikethrough.clone(),
            Mark::Code => labels.code.clone(),
            Mark::Tag(open) => {
                let tag: String = open
                    .trim_start_matches('<')
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect();
                fill(&labels.markup, &[("tag", &tag)])
            }
        })
    };
    for m in &new.marks {
        if !old.marks.contains(m)
            && let Some(n) = name(m)
        {
            parts.push(fill(&labels.style_added, &[("style", &n)]));
        }
    }
    for m in &old.marks {
        if !new.marks.contains(m)
            && let Some(n) = name(m)
        {
            parts.push(fill(&labels.style_removed, &[("style", &n)]));
        }
    }
    parts.join(" ")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Space {
    None,
    /// Before the element (shared by both readings).
    Outside,
    /// Inside the change wrapper (one reading only).
    Inside,
    /// Before the element, marked as deleted / inserted: the other reading glues the word.
    OldOnly,
    NewOnly,
}

/// A token's HTML: escaped text, `<br>` or `<img>`.
fn write_token(out: &mut String, tok: &Tok<'_>, images: &[Image]) {
    match tok.kind {
        TokKind::Break => out.push_str("<br>"),
        TokKind::Image => {
            let img = images.get(tok.aux as usize);
            out.push_str("<img");
            if let Some(img) = img
                && is_safe_url(&img.src)
            {
                out.push_str(" src=\"");
                push_escaped(out, &img.src);
                out.push('"');
            }
            out.push_str(" alt=\"");
            push_escaped(out, &tok.text);
            out.push('"');
            if let Some(img) = img
                && !img.title.is_empty()
            {
                out.push_str(" title=\"");
                push_escaped(out, &img.title);
                out.push('"');
            }
            out.push('>');
        }
        TokKind::Word | TokKind::Punct if tok.esc => push_escaped(out, &tok.text),
        TokKind::Word | TokKind::Punct => out.push_str(&tok.text),
    }
}

/// Tokens of one document written as equal words (what [`Writer`] writes for pieces of
/// [`Op::Eq`] with the tokens' own spaces): marks opened and closed by common prefix, the
/// space between the closing and the opening marks, no space before the first token.
/// `ends` gets where each token's HTML ends in `out`.
pub(super) fn write_plain(
    out: &mut String,
    doc: &Document<'_>,
    toks: &[Tok<'_>],
    ends: &mut Vec<u32>,
) {
    let mut open: &[RMark] = &[];
    let mut last_style = None;
    for (k, tok) in toks.iter().enumerate() {
        let marks = doc.styles[tok.style as usize].rendered.as_slice();
        let keep = if last_style == Some(tok.style) {
            open.len()
        } else {
            open.iter().zip(marks).take_while(|(a, b)| a == b).count()
        };
        for m in open[keep..].iter().rev() {
            out.push_str(&m.close);
        }
        if tok.ws && k > 0 {
            out.push_str(if tok.nb { "\u{a0}" } else { " " });
        }
        for m in &marks[keep..] {
            out.push_str(&m.open);
        }
        open = marks;
        last_style = Some(tok.style);
        write_token(out, tok, &doc.images);
        ends.push(u32::try_from(out.len()).unwrap_or(u32::MAX));
    }
    for m in open.iter().rev() {
        out.push_str(&m.close);
    }
}

/// One token ready to write.
pub(super) struct Piece<'d> {
    pub op: Op,
    pub marks: &'d [RMark],
    pub space: Space,
    pub nb: bool,
    pub tok: Option<&'d Tok<'d>>,
    pub images: &'d [super::doc::Image],
    pub note: Option<String>,
    /// The ¶ marker of a split (true) or merge (false).
    pub ins_break: bool,
}

impl Piece<'_> {
    pub(super) fn sentinel(ins: bool) -> Piece<'static> {
        Piece {
            op: if ins { Op::Ins } else { Op::Del },
            marks: &[],
            space: Space::None,
            nb: false,
            tok: None,
            images: &[],
            note: None,
            ins_break: ins,
        }
    }
}

/// Writes inline pieces: marks opened and closed by common prefix, the change wrapper
/// innermost, screen-reader cues around change regions, notes after formatting groups.
pub(super) struct Writer<'w, 'd> {
    out: &'w mut String,
    labels: &'d Labels,
    marks: Vec<&'d RMark>,
    wrap: Option<Op>,
    wrap_note: Option<String>,
    pending_note: Option<String>,
    region: Option<Op>,
    /// A typography change was shown: one note at the end.
    typography: bool,
    /// Something was written: a space before the first token is dropped.
    started: bool,
    /// Writing the side-by-side view: the policy's own markup gets its ids prefixed.
    sbs: bool,
}

impl<'w, 'd> Writer<'w, 'd> {
    pub(super) fn new(out: &'w mut String, labels: &'d Labels, sbs: bool) -> Self {
        Writer {
            out,
            labels,
            marks: Vec::new(),
            wrap: None,
            wrap_note: None,
            pending_note: None,
            region: None,
            typography: false,
            started: false,
            sbs,
        }
    }

    pub(super) fn piece(&mut self, p: &Piece<'d>) {
        if p.tok.is_none() {
            self.paragraph_mark(p.ins_break);
            return;
        }
        let target = (p.op != Op::Eq).then_some(p.op);
        let same_marks =
            self.marks.len() == p.marks.len() && self.kept_marks(p.marks) == p.marks.len();
        let continues = target.is_some()
            && self.wrap == target
            && same_marks
            && self.wrap_note == p.note
            && matches!(p.space, Space::None | Space::Inside);
        // An equal word where nothing is open but its marks: closing and opening would
        // write nothing (what follows is the general path without those no-ops).
        let quiet = target.is_none()
            && same_marks
            && self.wrap.is_none()
            && self.region.is_none()
            && self.pending_note.is_none()
            && p.note.is_none();
        if quiet {
            match p.space {
                Space::Outside => self.space(p.nb),
                Space::OldOnly if self.started => self.out.push_str("<del class=\"rl-ws\"> </del>"),
                Space::NewOnly if self.started => self.out.push_str("<ins class=\"rl-ws\"> </ins>"),
                _ => {}
            }
            self.wrap_note = None;
        } else if !continues {
            self.close_wrap(p.op, p.note.as_deref());
            let keep = self.kept_marks(p.marks);
            self.close_marks(keep);
            self.flush_note();
            match p.space {
                Space::Outside => self.space(p.nb),
                Space::OldOnly if self.started => self.out.push_str("<del class=\"rl-ws\"> </del>"),
                Space::NewOnly if self.started => self.out.push_str("<ins class=\"rl-ws\"> </ins>"),
                _ => {}
            }
            self.open_marks(&p.marks[keep..]);
            self.open_wrap(p);
        }
        if p.space == Space::Inside {
            self.space(p.nb);
        }
        self.token(p);
    }

    /// What [`Self::piece`] writes for an equal token with no note and its own space
    /// (`ws`), after an equal piece: nothing is open then but marks.
    #[inline]
    pub(super) fn equal(&mut self, tok: &Tok<'_>, marks: &'d [RMark], ws: bool, images: &[Image]) {
        debug_assert!(self.wrap.is_none() && self.region.is_none() && self.pending_note.is_none());
        let keep = self.kept_marks(marks);
        self.close_marks(keep);
        if ws {
            self.space(tok.nb);
        }
        self.open_marks(&marks[keep..]);
        self.started = true;
        write_token(self.out, tok, images);
    }

    /// What [`Self::equal`] writes for a stretch of equal tokens, already written as
    /// `html` (the document's own HTML of them, from after the token before them);
    /// `marks` are the last one's.
    pub(super) fn copied(&mut self, html: &str, marks: &'d [RMark]) {
        debug_assert!(self.wrap.is_none() && self.region.is_none() && self.pending_note.is_none());
        self.out.push_str(html);
        self.marks.clear();
        self.marks.extend(marks);
        self.started = true;
    }

    /// What [`Self::piece`] writes for a word of a change that continues the open wrapper
    /// (same change, same marks, no note): its own space, then the word.
    pub(super) fn continued(&mut self, tok: &Tok<'_>, images: &[Image]) {
        debug_assert!(matches!(self.wrap, Some(Op::Del | Op::Ins)));
        if tok.ws {
            self.space(tok.nb);
        }
        self.started = true;
        write_token(self.out, tok, images);
    }

    /// How many of the open marks `marks` keeps (their common prefix).
    #[inline]
    fn kept_marks(&self, marks: &[RMark]) -> usize {
        self.marks
            .iter()
            .zip(marks)
            .take_while(|(a, b)| std::ptr::eq(**a, *b) || **a == *b)
            .count()
    }

    #[inline]
    fn open_marks(&mut self, marks: &'d [RMark]) {
        for m in marks {
            self.out.push_str(m.open_in(self.sbs));
            self.marks.push(m);
        }
    }

    fn space(&mut self, nb: bool) {
        if self.started {
            self.out.push_str(if nb { "\u{a0}" } else { " " });
        }
    }

    fn token(&mut self, p: &Piece<'_>) {
        let Some(tok) = p.tok else {
            return;
        };
        self.started = true;
        write_token(self.out, tok, p.images);
    }

    fn open_wrap(&mut self, p: &Piece<'_>) {
        match p.op {
            Op::Eq => {}
            Op::Del | Op::Ins => {
                if self.region != Some(p.op) {
                    let cue = if p.op == Op::Del {
                        &self.labels.deleted
                    } else {
                        &self.labels.inserted
                    };
                    sr(self.out, cue, true);
                    self.region = Some(p.op);
                }
                self.out
                    .push_str(if p.op == Op::Del { "<del>" } else { "<ins>" });
            }
            Op::Fmt => self.out.push_str("<span class=\"rl-fmt\">"),
            Op::Typo => self.out.push_str("<span class=\"rl-fmt rl-typo\">"),
        }
        self.wrap = (p.op != Op::Eq).then_some(p.op);
        self.wrap_note = p.note.clone();
    }

    /// Closes the change wrapper before a piece of op `next`.
    fn close_wrap(&mut self, next: Op, next_note: Option<&str>) {
        match self.wrap.take() {
            Some(Op::Del) => self.out.push_str("</del>"),
            Some(Op::Ins) => self.out.push_str("</ins>"),
            Some(Op::Typo) => {
                // Typography is noted once, at the end of the block: it changes nothing
                // legally, and a note per quote mark would be noise.
                self.out.push_str("</span>");
                self.wrap_note = None;
                self.typography = true;
            }
            Some(op) => {
                self.out.push_str("</span>");
                let note = self.wrap_note.take();
                if next != op || note.as_deref() != next_note {
                    self.pending_note = note.filter(|n| !n.is_empty());
                }
            }
            _ => {}
        }
        if self.region.is_some() && !matches!(next, Op::Del | Op::Ins) {
            sr(self.out, &self.labels.end_of_change, false);
            self.region = None;
        }
    }

    fn close_marks(&mut self, keep: usize) {
        while self.marks.len() > keep {
            if let Some(m) = self.marks.pop() {
                self.out.push_str(&m.close);
            }
        }
    }

    fn flush_note(&mut self) {
        if let Some(note) = self.pending_note.take() {
            self.out.push_str("<span class=\"rl-note rl-fmt-note\"> ");
            push_escaped(self.out, &note);
            self.out.push_str("</span>");
        }
    }

    /// The ¶ of a split (inserted) or a merge (deleted): a note, not policy text.
    fn paragraph_mark(&mut self, ins: bool) {
        self.close_wrap(Op::Eq, None);
        self.flush_note();
        let (tag, label) = if ins {
            ("ins", &self.labels.paragraph_split)
        } else {
            ("del", &self.labels.paragraph_merged)
        };
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push_str(" class=\"rl-break rl-note\">");
        sr(self.out, label, true);
        self.out.push_str("¶</");
        self.out.push_str(tag);
        self.out.push('>');
    }

    pub(super) fn finish(&mut self) {
        self.close_wrap(Op::Eq, None);
        self.close_marks(0);
        self.flush_note();
        if self.typography {
            self.pending_note = Some(self.labels.typography.clone());
            self.flush_note();
        }
    }
}
