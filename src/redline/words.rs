//! Word diff of a block pair (REDLINE.md A.2 step 6): Patience on token keys, change
//! regions, token-level semantic cleanup, display order, formatting/typography segments,
//! and the whole-block fallback.
//!
//! REDLINE.md asks for Histogram; `similar` 2 (the crate's diff library) has none, and a
//! second major version of it only for this would duplicate the crate. Patience
//! ([`super::patience`]) anchors on tokens that occur once on each side, which is what
//! Histogram's preference for rare tokens buys (no lining up on "the"/"of"); the cleanup
//! below removes what chaff is left.

use std::ops::Range;

use super::RedlineConfig;
use super::doc::{Document, Tok};
use super::patience;

/// Index used for "no token on this side".
pub(crate) const NONE: usize = usize::MAX;
/// Index of the paragraph-break sentinel of a split or merge.
pub(crate) const SENTINEL: usize = usize::MAX - 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Del,
    Ins,
    /// Same text, different formatting (marks or link target).
    Fmt,
    /// Same key, different characters (quotes, apostrophes, no-break spaces).
    Typo,
}

/// One output token: `o`/`n` are token indices into the old/new document (or [`NONE`],
/// [`SENTINEL`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Seg {
    pub op: Op,
    pub o: usize,
    pub n: usize,
    /// Which reading has the space before an equal token.
    pub ws: Ws,
}

/// The space before an equal token. Usually both readings have it or the difference is
/// invisible (a space next to punctuation). But where one reading glues the token to the
/// word before it (`we<code>x</code>` vs `we <code>x</code>`), a shared space would split
/// a word of that reading in two: the space is then shown as changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ws {
    Both,
    OldOnly,
    NewOnly,
}

impl Seg {
    pub(crate) fn new(op: Op, o: usize, n: usize) -> Seg {
        Seg {
            op,
            o,
            n,
            ws: Ws::Both,
        }
    }
}

/// An equal run or a change region of the diff, as index ranges into the two inputs.
#[derive(Clone, Debug)]
struct Chunk {
    eq: bool,
    o: Range<usize>,
    n: Range<usize>,
}

/// Keys that never match anything (the split/merge sentinel on each side).
const OLD_SENTINEL_KEY: u64 = 0x5e47_0000_0000_0001;
const NEW_SENTINEL_KEY: u64 = 0x5e47_0000_0000_0002;

pub(crate) struct WordDiff<'d, 'a> {
    pub old: &'d Document<'a>,
    pub new: &'d Document<'a>,
    pub cfg: &'d RedlineConfig,
}

impl<'a> WordDiff<'_, 'a> {
    fn otok(&self, i: usize) -> Option<&Tok<'a>> {
        self.old.toks.get(i)
    }

    fn ntok(&self, i: usize) -> Option<&Tok<'a>> {
        self.new.toks.get(i)
    }

    /// Diffs two token index lists. `None` means: too little is shared, show the old block
    /// deleted and the new one inserted (only when `fallback` allows it).
    pub(crate) fn diff(&self, oidx: &[usize], nidx: &[usize], fallback: bool) -> Option<Vec<Seg>> {
        let okeys: Vec<u64> = oidx
            .iter()
            .map(|&i| self.otok(i).map_or(OLD_SENTINEL_KEY, |t| t.key))
            .collect();
        let nkeys: Vec<u64> = nidx
            .iter()
            .map(|&i| self.ntok(i).map_or(NEW_SENTINEL_KEY, |t| t.key))
            .collect();
        let longest = oidx.len().max(nidx.len());
        let too_different = |equal: usize| {
            fallback
                && longest > self.cfg.fallback_min_tokens
                && (equal as f64) < self.cfg.inline_min_ratio * longest as f64
        };
        // The multiset of shared keys bounds the equal tokens of any diff: when even that
        // is too little, skip the diff (unrelated paragraphs are its worst case). The common
        // prefix and suffix are shared keys too: when they are enough, so is the multiset,
        // and it need not be counted.
        if too_different(affix_len(&okeys, &nkeys)) && too_different(shared_keys(&okeys, &nkeys)) {
            return None;
        }
        let mut chunks = self.chunks(&okeys, &nkeys);
        if chunks.len() >= 3 {
            // Cleanup measures change regions and equalities of at most 3 tokens, and
            // merges only those: the characters of longer equal runs are never counted.
            let mut ochars = vec![0; oidx.len()];
            let mut nchars = vec![0; nidx.len()];
            for c in chunks.iter().filter(|c| !c.eq || c.o.len() <= 3) {
                for p in c.o.clone() {
                    ochars[p] = self.chars_old(oidx[p]);
                }
                for q in c.n.clone() {
                    nchars[q] = self.chars_new(nidx[q]);
                }
            }
            cleanup(&mut chunks, &ochars, &nchars);
        }
        let equal: usize = chunks.iter().filter(|c| c.eq).map(|c| c.o.len()).sum();
        if too_different(equal) {
            return None;
        }
        let mut segs = Vec::with_capacity(longest + 4);
        for c in &chunks {
            if c.eq {
                for (p, q) in c.o.clone().zip(c.n.clone()) {
                    let (o, n) = (oidx[p], nidx[q]);
                    let mut seg = Seg::new(self.equal_op(o, n), o, n);
                    seg.ws = self.glue(oidx, p, nidx, q);
                    if seg.ws != Ws::Both && seg.op == Op::Eq {
                        seg.op = Op::Typo;
                    }
                    segs.push(seg);
                }
            } else {
                segs.extend(
                    oidx[c.o.clone()]
                        .iter()
                        .map(|&o| Seg::new(Op::Del, o, NONE)),
                );
                segs.extend(
                    nidx[c.n.clone()]
                        .iter()
                        .map(|&n| Seg::new(Op::Ins, NONE, n)),
                );
            }
        }
        Some(segs)
    }

    fn chars_old(&self, i: usize) -> usize {
        self.otok(i).map_or(1, |t| t.text.chars().count().max(1))
    }

    fn chars_new(&self, i: usize) -> usize {
        self.ntok(i).map_or(1, |t| t.text.chars().count().max(1))
    }

    /// Whether the space before an equal token at `p`/`q` must be shown on one side only:
    /// one reading has it, the other glues the token to the previous one.
    fn glue(&self, oidx: &[usize], p: usize, nidx: &[usize], q: usize) -> Ws {
        let (Some(a), Some(b)) = (self.otok(oidx[p]), self.ntok(nidx[q])) else {
            return Ws::Both;
        };
        if a.ws == b.ws {
            return Ws::Both;
        }
        let glued = |toks: &[Tok<'_>], idx: &[usize], k: usize, t: &Tok<'_>| {
            k > 0
                && toks.get(idx[k - 1]).is_some_and(|prev| {
                    prev.text.chars().last().is_some_and(char::is_alphanumeric)
                        && t.text.chars().next().is_some_and(char::is_alphanumeric)
                })
        };
        if a.ws && glued(&self.new.toks, nidx, q, b) {
            Ws::OldOnly
        } else if b.ws && glued(&self.old.toks, oidx, p, a) {
            Ws::NewOnly
        } else {
            Ws::Both
        }
    }

    /// Eq, Fmt or Typo for two tokens with equal keys.
    fn equal_op(&self, o: usize, n: usize) -> Op {
        let (Some(a), Some(b)) = (self.otok(o), self.ntok(n)) else {
            return Op::Eq;
        };
        if self.old.style(a).hash != self.new.style(b).hash
            || self.old.style(a).marks != self.new.style(b).marks
        {
            Op::Fmt
        } else if a.text != b.text || (a.ws && b.ws && a.nb != b.nb) {
            Op::Typo
        } else {
            Op::Eq
        }
    }

    /// Equal runs and change regions (adjacent non-equal ops merged: A.2 step 6.1).
    fn chunks(&self, okeys: &[u64], nkeys: &[u64]) -> Vec<Chunk> {
        let prefix = okeys.iter().zip(nkeys).take_while(|(a, b)| a == b).count();
        let suffix = okeys[prefix..]
            .iter()
            .rev()
            .zip(nkeys[prefix..].iter().rev())
            .take_while(|(a, b)| a == b)
            .count();
        let (oe, ne) = (okeys.len() - suffix, nkeys.len() - suffix);
        let mut chunks = Vec::new();
        push_chunk(&mut chunks, true, 0..prefix, 0..prefix);
        let (om, nm) = (&okeys[prefix..oe], &nkeys[prefix..ne]);
        if om.len().saturating_mul(nm.len()) > self.cfg.word_cells_max {
            // Work bound: a huge, different middle is shown replaced, whatever the clock.
            push_chunk(&mut chunks, false, prefix..oe, prefix..ne);
        } else {
            for op in patience::diff(om, nm, self.cfg.word_cells_max) {
                let (eq, o, n) = match op {
                    patience::Op::Equal { a, b, len } => (true, a..a + len, b..b + len),
                    patience::Op::Change { a, b } => (false, a, b),
                };
                push_chunk(
                    &mut chunks,
                    eq,
                    o.start + prefix..o.end + prefix,
                    n.start + prefix..n.end + prefix,
                );
            }
        }
        push_chunk(&mut chunks, true, oe..okeys.len(), ne..nkeys.len());
        chunks
    }
}

/// Length of the common prefix plus the common suffix (not overlapping) of two key lists.
fn affix_len(a: &[u64], b: &[u64]) -> usize {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    prefix + suffix
}

/// Size of the multiset intersection of two key lists.
fn shared_keys(a: &[u64], b: &[u64]) -> usize {
    let (mut a, mut b) = (a.to_vec(), b.to_vec());
    a.sort_unstable();
    b.sort_unstable();
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Appends a chunk, merging it into the previous one of the same kind.
fn push_chunk(chunks: &mut Vec<Chunk>, eq: bool, o: Range<usize>, n: Range<usize>) {
    if o.is_empty() && n.is_empty() {
        return;
    }
    if let Some(last) = chunks.last_mut()
        && last.eq == eq
        && last.o.end == o.start
        && last.n.end == n.start
    {
        last.o.end = o.end;
        last.n.end = n.end;
        return;
    }
    chunks.push(Chunk { eq, o, n });
}

/// Semantic cleanup (A.2 step 6.2): an equality of at most 3 tokens between two change
/// regions is folded into them when it is short next to both (`2·chars(E) ≤ min(maxside)`).
/// Repeats until nothing changes.
fn cleanup(chunks: &mut Vec<Chunk>, ochars: &[usize], nchars: &[usize]) {
    let chars = |r: &Range<usize>, side: &[usize]| -> usize { side[r.clone()].iter().sum() };
    let maxside = |c: &Chunk| chars(&c.o, ochars).max(chars(&c.n, nchars));
    loop {
        let mut changed = false;
        let mut k = 1;
        while k + 1 < chunks.len() {
            let (l, e, r) = (&chunks[k - 1], &chunks[k], &chunks[k + 1]);
            if e.eq
                && !l.eq
                && !r.eq
                && e.o.len() <= 3
                && 2 * chars(&e.o, ochars) <= maxside(l).min(maxside(r))
            {
                let merged = Chunk {
                    eq: false,
                    o: l.o.start..r.o.end,
                    n: l.n.start..r.n.end,
                };
                chunks.splice(k - 1..k + 2, [merged]);
                changed = true;
            } else {
                k += 1;
            }
        }
        if !changed {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(a: &str, b: &str) -> String {
        render_with(a, b, true)
    }

    fn render_with(a: &str, b: &str, fallback: bool) -> String {
        let (old, new) = (Document::parse(a), Document::parse(b));
        let cfg = RedlineConfig::default();
        let wd = WordDiff {
            old: &old,
            new: &new,
            cfg: &cfg,
        };
        let oidx: Vec<usize> = old.blocks[0].toks.clone().collect();
        let nidx: Vec<usize> = new.blocks[0].toks.clone().collect();
        let Some(segs) = wd.diff(&oidx, &nidx, fallback) else {
            return "REPLACE".to_string();
        };
        let mut out = String::new();
        let mut last = Op::Eq;
        for s in segs {
            if s.op != last && last != Op::Eq {
                out.push(']');
            }
            if s.op != last && s.op != Op::Eq {
                out.push_str(match s.op {
                    Op::Del => "-[",
                    Op::Ins => "+[",
                    Op::Fmt => "f[",
                    _ => "t[",
                });
            }
            let t = if s.op == Op::Del {
                &old.toks[s.o]
            } else {
                &new.toks[s.n]
            };
            if t.ws {
                out.push(' ');
            }
            out.push_str(&t.text);
            last = s.op;
        }
        if last != Op::Eq {
            out.push(']');
        }
        out
    }

    #[test]
    fn short_insertion_is_not_merged_away() {
        assert_eq!(
            render("We sell your data.", "We do not sell your data."),
            "We+[ do not] sell your data."
        );
    }

    #[test]
    fn coincidental_short_equality_is_folded() {
        let (a, b) = (
            "We may share the data with our partners for marketing.",
            "You must delete the records from your systems for marketing.",
        );
        // 3 of 11 tokens shared: under inline_min_ratio, shown replaced whole...
        assert_eq!(render(a, b), "REPLACE");
        // ...and inline, "the" does not survive as confetti.
        assert_eq!(
            render_with(a, b, false),
            "-[We may share the data with our partners]+[You must delete the records from your systems] for marketing."
        );
    }

    #[test]
    fn long_equality_between_changes_survives() {
        assert_eq!(
            render("We share your data.", "We sell your information."),
            "We-[ share]+[ sell] your-[ data]+[ information]."
        );
    }

    #[test]
    fn numbers_are_replaced_whole() {
        assert_eq!(
            render("The fee is $35,000,000.", "The fee is $55,000,000."),
            "The fee is $-[35,000,000]+[55,000,000]."
        );
    }

    #[test]
    fn unrelated_sentences_fall_back_to_whole_block() {
        assert_eq!(
            render(
                "Alpha beta gamma delta epsilon zeta.",
                "One two three four five six seven."
            ),
            "REPLACE"
        );
    }

    #[test]
    fn formatting_and_typography_are_their_own_ops() {
        assert_eq!(
            render("You may not sell.", "You may **not** sell."),
            "You mayf[ not] sell."
        );
        assert_eq!(render("HexGen's", "HexGen\u{2019}s"), "t[HexGen\u{2019}s]");
    }
}
