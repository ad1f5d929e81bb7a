//! Block alignment (REDLINE.md A.2 steps 3–5): equal blocks by fingerprint, then inside
//! each changed region split/merge anchors, similarity pairing and a positional fallback,
//! moves over the whole document, and the order in which the result is shown.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use super::RedlineConfig;
use super::doc::{BlockKind, Document, KeyMap};
use super::patience;

/// One entry of the output, in display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Item {
    /// Identical blocks (same `fp_fmt`).
    Same {
        o: usize,
        n: usize,
    },
    /// Blocks to diff word by word.
    Pair {
        o: usize,
        n: usize,
    },
    /// One old block became two new ones.
    Split {
        o: usize,
        n: usize,
    },
    /// Two old blocks became one new one.
    Merge {
        o: usize,
        n: usize,
    },
    Del(usize),
    Ins(usize),
    /// The old place of a moved block; `group` numbers moves in new-document order.
    MovedFrom {
        o: usize,
        n: usize,
        group: usize,
        first: bool,
    },
    MovedTo {
        o: usize,
        n: usize,
        group: usize,
        first: bool,
    },
}

/// A container of the output: new-document ids, or old ones that have no new counterpart.
pub(crate) type CRef = u64;
pub(crate) const OLD_CONTAINER: u64 = 1 << 63;

pub(crate) struct Alignment {
    pub items: Vec<Item>,
    /// Old container id → new container id, where their blocks were aligned.
    pub container_map: Vec<Option<u32>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum MatchKind {
    Pair,
    Split,
    Merge,
}

#[derive(Clone, Debug)]
struct Match {
    kind: MatchKind,
    o: Range<usize>,
    n: Range<usize>,
}

/// A stretch of the block diff: equal blocks, or a changed region.
enum Stretch {
    Equal {
        o: usize,
        n: usize,
        len: usize,
    },
    Region {
        o: Range<usize>,
        n: Range<usize>,
        matches: Vec<Match>,
    },
}

/// Dice coefficient of two sorted bags (multisets).
pub(crate) fn dice(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    2.0 * common(a.iter().copied(), b.iter().copied()) as f64 / (a.len() + b.len()) as f64
}

/// Size of the multiset intersection of two sorted sequences.
fn common(mut a: impl Iterator<Item = u64>, mut b: impl Iterator<Item = u64>) -> usize {
    let (mut x, mut y) = (a.next(), b.next());
    let mut n = 0;
    while let (Some(p), Some(q)) = (x, y) {
        match p.cmp(&q) {
            std::cmp::Ordering::Less => x = a.next(),
            std::cmp::Ordering::Greater => y = b.next(),
            std::cmp::Ordering::Equal => {
                n += 1;
                x = a.next();
                y = b.next();
            }
        }
    }
    n
}

/// Dice of `a` against the union of `b` and `c` (for split and merge detection).
fn dice_union(a: &[u64], b: &[u64], c: &[u64]) -> f64 {
    let total = a.len() + b.len() + c.len();
    if a.is_empty() || b.len() + c.len() == 0 {
        return 0.0;
    }
    2.0 * common(a.iter().copied(), merged(b, c)) as f64 / total as f64
}

/// The sorted merge of two sorted slices.
fn merged<'s>(b: &'s [u64], c: &'s [u64]) -> impl Iterator<Item = u64> + 's {
    let (mut i, mut j) = (0, 0);
    std::iter::from_fn(move || match (b.get(i), c.get(j)) {
        (Some(&x), Some(&y)) if x <= y => {
            i += 1;
            Some(x)
        }
        (Some(_), Some(&y)) => {
            j += 1;
            Some(y)
        }
        (Some(&x), None) => {
            i += 1;
            Some(x)
        }
        (None, Some(&y)) => {
            j += 1;
            Some(y)
        }
        (None, None) => None,
    })
}

/// Upper bound of Dice from bag sizes alone: skip pairs that cannot reach a threshold.
fn size_bound(a: usize, b: usize) -> f64 {
    if a + b == 0 {
        0.0
    } else {
        2.0 * a.min(b) as f64 / (a + b) as f64
    }
}

pub(crate) fn align(old: &Document<'_>, new: &Document<'_>, cfg: &RedlineConfig) -> Alignment {
    let ofp: Vec<u64> = old.blocks.iter().map(|b| b.fp).collect();
    let nfp: Vec<u64> = new.blocks.iter().map(|b| b.fp).collect();
    let mut stretches = stretches(&ofp, &nfp, cfg);
    for s in &mut stretches {
        if let Stretch::Region { o, n, matches } = s {
            *matches = region_matches(old, new, o.clone(), n.clone(), cfg);
        }
    }
    let moves = find_moves(old, new, &stretches, cfg);
    let moved = Moved {
        old: moves.iter().map(|&(o, _)| o).collect(),
        new: moves.iter().map(|&(_, n)| n).collect(),
    };
    for s in &mut stretches {
        if let Stretch::Region { o, n, matches } = s {
            positional(old, new, (o, n), matches, &moved);
        }
    }
    let container_map = map_containers(old, new, &stretches);
    let groups = move_groups(&moves);
    let mut out = Output {
        old,
        new,
        container_map: &container_map,
        groups: &groups,
        moved_from: groups
            .iter()
            .map(|(&n, &(o, group, first))| (o, (n, group, first)))
            .collect(),
        items: Vec::with_capacity(old.blocks.len().max(new.blocks.len())),
    };
    for s in &stretches {
        match s {
            Stretch::Equal { o, n, len } => {
                for k in 0..*len {
                    let (o, n) = (o + k, n + k);
                    if old.blocks[o].fp_fmt == new.blocks[n].fp_fmt {
                        out.items.push(Item::Same { o, n });
                    } else {
                        out.items.push(Item::Pair { o, n });
                    }
                }
            }
            Stretch::Region { o, n, matches } => out.region(o.clone(), n.clone(), matches),
        }
    }
    Alignment {
        items: out.items,
        container_map,
    }
}

/// The block diff (Patience on alignment fingerprints), as equal runs and changed regions.
fn stretches(ofp: &[u64], nfp: &[u64], cfg: &RedlineConfig) -> Vec<Stretch> {
    patience::diff(ofp, nfp, cfg.word_cells_max)
        .into_iter()
        .map(|op| match op {
            patience::Op::Equal { a, b, len } => Stretch::Equal { o: a, n: b, len },
            patience::Op::Change { a, b } => Stretch::Region {
                o: a,
                n: b,
                matches: Vec::new(),
            },
        })
        .collect()
}

/// Split/merge anchors, then similarity pairing between them (A.2 step 4.1–4.2).
fn region_matches(
    old: &Document<'_>,
    new: &Document<'_>,
    o: Range<usize>,
    n: Range<usize>,
    cfg: &RedlineConfig,
) -> Vec<Match> {
    if o.is_empty() || n.is_empty() {
        return Vec::new();
    }
    let mut sim = Sim {
        old,
        new,
        cache: KeyMap::default(),
    };
    let mut anchors = split_merge_anchors(&mut sim, o.clone(), n.clone(), cfg);
    anchors.sort_by_key(|m| m.o.start);
    let mut out = Vec::new();
    let (mut oi, mut ni) = (o.start, n.start);
    for a in anchors {
        out.extend(similarity_pairs(
            &mut sim,
            oi..a.o.start,
            ni..a.n.start,
            cfg,
        ));
        oi = a.o.end;
        ni = a.n.end;
        out.push(a);
    }
    out.extend(similarity_pairs(&mut sim, oi..o.end, ni..n.end, cfg));
    out
}

/// The band of new indices compared with old index `i` (proportional position ± band).
/// `width` is `None` when the region is small enough to compare everything.
fn band(i: usize, o: &Range<usize>, n: &Range<usize>, width: Option<usize>) -> Range<usize> {
    let Some(width) = width else {
        return n.clone();
    };
    let center = n.start + (i - o.start) * n.len() / o.len().max(1);
    center.saturating_sub(width).max(n.start)..(center + width + 1).min(n.end)
}

/// The band width for a region: none (compare all) up to `pair_cells_max` block pairs.
fn band_width(o: &Range<usize>, n: &Range<usize>, cfg: &RedlineConfig) -> Option<usize> {
    (o.len() * n.len() > cfg.pair_cells_max).then_some(cfg.pair_band)
}

fn is_prose(kind: BlockKind) -> bool {
    matches!(kind, BlockKind::Paragraph | BlockKind::ItemText)
}

/// Memoised bag intersections of one changed region: split/merge detection and pairing
/// look at the same block pairs.
struct Sim<'d, 'a> {
    old: &'d Document<'a>,
    new: &'d Document<'a>,
    cache: KeyMap<(usize, usize), usize>,
}

impl Sim<'_, '_> {
    fn inter(&mut self, i: usize, j: usize) -> usize {
        let (old, new) = (self.old, self.new);
        *self
            .cache
            .entry((i, j))
            .or_insert_with(|| common(old.bag(i).iter().copied(), new.bag(j).iter().copied()))
    }

    fn dice(&mut self, i: usize, j: usize) -> f64 {
        let (la, lb) = (self.old.bag(i).len(), self.new.bag(j).len());
        if la == 0 || lb == 0 {
            return 0.0;
        }
        2.0 * self.inter(i, j) as f64 / (la + lb) as f64
    }
}

fn split_merge_anchors(
    sim: &mut Sim<'_, '_>,
    o: Range<usize>,
    n: Range<usize>,
    cfg: &RedlineConfig,
) -> Vec<Match> {
    let (old, new) = (sim.old, sim.new);
    let width = band_width(&o, &n, cfg);
    let mut cands: Vec<(f64, Match)> = Vec::new();
    for i in o.clone() {
        if !is_prose(old.blocks[i].kind) {
            continue;
        }
        for j in band(i, &o, &n, width) {
            if !is_prose(new.blocks[j].kind) {
                continue;
            }
            // Split: old i → new j, j+1.
            if j + 1 < n.end && is_prose(new.blocks[j + 1].kind) {
                let one = old.bag(i);
                let (b1, b2) = (new.bag(j), new.bag(j + 1));
                let parts = [
                    (sim.dice(i, j), sim.inter(i, j)),
                    (sim.dice(i, j + 1), sim.inter(i, j + 1)),
                ];
                if let Some(score) = union_score(one, [b1, b2], parts, cfg) {
                    cands.push((
                        score,
                        Match {
                            kind: MatchKind::Split,
                            o: i..i + 1,
                            n: j..j + 2,
                        },
                    ));
                }
            }
            // Merge: old i, i+1 → new j.
            if i + 1 < o.end && is_prose(old.blocks[i + 1].kind) {
                let one = new.bag(j);
                let (b1, b2) = (old.bag(i), old.bag(i + 1));
                let parts = [
                    (sim.dice(i, j), sim.inter(i, j)),
                    (sim.dice(i + 1, j), sim.inter(i + 1, j)),
                ];
                if let Some(score) = union_score(one, [b1, b2], parts, cfg) {
                    cands.push((
                        score,
                        Match {
                            kind: MatchKind::Merge,
                            o: i..i + 2,
                            n: j..j + 1,
                        },
                    ));
                }
            }
        }
    }
    cands.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(a.1.o.start.cmp(&b.1.o.start))
            .then(a.1.n.start.cmp(&b.1.n.start))
            .then(a.1.kind.cmp(&b.1.kind))
    });
    let mut accepted: Vec<Match> = Vec::new();
    for (_, m) in cands {
        let fits = accepted.iter().all(|a| {
            (m.o.end <= a.o.start && m.n.end <= a.n.start)
                || (m.o.start >= a.o.end && m.n.start >= a.n.end)
        });
        if fits {
            accepted.push(m);
        }
    }
    accepted
}

/// Score of a split/merge candidate (`one` against `a` and `b` together), if it passes
/// `split_merge_min` and beats the best single pairing by `split_merge_gain`. `parts` are
/// the single Dice values and intersections: their sum bounds the union's intersection,
/// so most candidates are dismissed without merging bags.
fn union_score(
    one: &[u64],
    [a, b]: [&[u64]; 2],
    parts: [(f64, usize); 2],
    cfg: &RedlineConfig,
) -> Option<f64> {
    let total = one.len() + a.len() + b.len();
    if a.is_empty() || b.is_empty() || one.is_empty() {
        return None;
    }
    let bound = 2.0 * one.len().min(parts[0].1 + parts[1].1) as f64 / total as f64;
    let single = parts[0].0.max(parts[1].0);
    if bound < cfg.split_merge_min || bound < single + cfg.split_merge_gain {
        return None;
    }
    let u = dice_union(one, a, b);
    (u >= cfg.split_merge_min && u >= single + cfg.split_merge_gain).then_some(u)
}

/// Maximum-weight non-crossing pairing by Dice (a weighted LCS), over the band.
fn similarity_pairs(
    sim: &mut Sim<'_, '_>,
    o: Range<usize>,
    n: Range<usize>,
    cfg: &RedlineConfig,
) -> Vec<Match> {
    if o.is_empty() || n.is_empty() {
        return Vec::new();
    }
    let (old, new) = (sim.old, sim.new);
    let width = band_width(&o, &n, cfg);
    // Candidate edges, by old index ascending and new index descending, so that a chain
    // never takes two edges of one old block.
    let mut edges: Vec<(usize, usize, f64)> = Vec::new();
    for i in o.clone() {
        let bi = &old.blocks[i];
        let start = edges.len();
        for j in band(i, &o, &n, width) {
            let bj = &new.blocks[j];
            if bi.kind.class() != bj.kind.class()
                || size_bound(old.bag(i).len(), new.bag(j).len()) < cfg.pair_min
            {
                continue;
            }
            let d = sim.dice(i, j);
            if d >= cfg.pair_min {
                edges.push((i, j, d));
            }
        }
        edges[start..].reverse();
    }
    // Best chain ending before new index j: a Fenwick tree of prefix maxima.
    let width = n.len() + 1;
    let mut tree: Vec<(f64, usize)> = vec![(0.0, usize::MAX); width + 1];
    let mut prev: Vec<usize> = vec![usize::MAX; edges.len()];
    let mut score: Vec<f64> = vec![0.0; edges.len()];
    let (mut best, mut best_edge) = (0.0, usize::MAX);
    for (e, &(_, j, w)) in edges.iter().enumerate() {
        let pos = j - n.start + 1;
        // Query prefix [1, pos - 1].
        let (mut q, mut k) = ((0.0, usize::MAX), pos - 1);
        while k > 0 {
            if tree[k].0 > q.0 {
                q = tree[k];
            }
            k &= k - 1;
        }
        score[e] = q.0 + w;
        prev[e] = q.1;
        if score[e] > best {
            best = score[e];
            best_edge = e;
        }
        let mut k = pos;
        while k <= width {
            if score[e] > tree[k].0 {
                tree[k] = (score[e], e);
            }
            k += k & k.wrapping_neg();
        }
    }
    let mut out = Vec::new();
    let mut e = best_edge;
    while e != usize::MAX {
        let (i, j, _) = edges[e];
        out.push(Match {
            kind: MatchKind::Pair,
            o: i..i + 1,
            n: j..j + 1,
        });
        e = prev[e];
    }
    out.reverse();
    out
}

/// Blocks of a region that no match covers.
fn unmatched(range: &Range<usize>, matches: &[Match], old_side: bool) -> Vec<usize> {
    let mut covered = vec![false; range.len()];
    for m in matches {
        let r = if old_side { &m.o } else { &m.n };
        for i in r.clone() {
            covered[i - range.start] = true;
        }
    }
    range
        .clone()
        .filter(|&i| !covered[i - range.start])
        .collect()
}

/// Moves over the whole document (A.2 step 5): exact fingerprint with a content word, or
/// Dice ≥ `move_min` with enough words; 1:1, best first. Only headings and prose move:
/// table rows, code and HTML stay in place (a moved row shows as deleted and inserted).
///
/// This runs before the positional fallback (the spec has it after): otherwise a moved
/// paragraph would be paired by position with whatever new paragraph took its place.
fn find_moves(
    old: &Document<'_>,
    new: &Document<'_>,
    stretches: &[Stretch],
    cfg: &RedlineConfig,
) -> Vec<(usize, usize)> {
    let mut dels = Vec::new();
    let mut inss = Vec::new();
    for s in stretches {
        if let Stretch::Region { o, n, matches } = s {
            dels.extend(unmatched(o, matches, true));
            inss.extend(unmatched(n, matches, false));
        }
    }
    let movable = |k: BlockKind| matches!(k.class(), 0 | 1);
    dels.retain(|&i| movable(old.blocks[i].kind) && !old.bag(i).is_empty());
    inss.retain(|&j| movable(new.blocks[j].kind) && !new.bag(j).is_empty());
    if dels.is_empty() || inss.is_empty() {
        return Vec::new();
    }
    let mut by_fp: BTreeMap<(u64, u8), Vec<usize>> = BTreeMap::new();
    for &j in &inss {
        let b = &new.blocks[j];
        by_fp.entry((b.fp, b.kind.class())).or_default().push(j);
    }
    // Candidates for Dice ≥ move_min come from an index of inserted blocks by word: a
    // block can reach the bar only if it shares one of the deleted block's rarest words
    // (see `rare_candidates`), so unrelated texts cost little.
    let mut postings: KeyMap<u64, Vec<usize>> = KeyMap::default();
    for &j in &inss {
        let bag = new.bag(j);
        if bag.len() >= cfg.move_min_words {
            for (k, &key) in bag.iter().enumerate() {
                if k == 0 || bag[k - 1] != key {
                    postings.entry(key).or_default().push(j);
                }
            }
        }
    }
    let mut cands: Vec<(f64, usize, usize)> = Vec::new();
    let mut work = 0usize;
    for &i in &dels {
        let bi = &old.blocks[i];
        if let Some(js) = by_fp.get(&(bi.fp, bi.kind.class())) {
            cands.extend(js.iter().map(|&j| (2.0, i, j)));
        }
        if old.bag(i).len() < cfg.move_min_words {
            continue;
        }
        for j in rare_candidates(old.bag(i), &postings, cfg.move_min) {
            let bj = &new.blocks[j];
            if bj.kind.class() != bi.kind.class()
                || bj.fp == bi.fp
                || size_bound(old.bag(i).len(), new.bag(j).len()) < cfg.move_min
            {
                continue;
            }
            work += old.bag(i).len() + new.bag(j).len();
            if work > cfg.move_work_max {
                break;
            }
            let d = dice(old.bag(i), new.bag(j));
            if d >= cfg.move_min {
                cands.push((d, i, j));
            }
        }
    }
    cands.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut used_old = BTreeMap::new();
    let mut used_new = BTreeMap::new();
    let mut moves = Vec::new();
    for (_, i, j) in cands {
        if used_old.contains_key(&i) || used_new.contains_key(&j) {
            continue;
        }
        used_old.insert(i, j);
        used_new.insert(j, i);
        moves.push((i, j));
    }
    moves.sort_by_key(|&(_, j)| j);
    moves
}

/// Inserted blocks that may reach Dice ≥ `min` with `bag` (sorted, with repeats).
///
/// Dice ≥ m needs a shared multiset of at least s = m·|a|/(2−m) words (the other bag is
/// at least m/(2−m) times as large), so at most |a| − s words of `bag` go unmatched. Taking
/// its distinct words rarest first until their count exceeds that, any qualifying block
/// contains one of them: the union of their postings holds every candidate.
fn rare_candidates(bag: &[u64], postings: &KeyMap<u64, Vec<usize>>, min: f64) -> Vec<usize> {
    let need = (min * bag.len() as f64 / (2.0 - min)).ceil() as usize;
    let slack = bag.len().saturating_sub(need);
    let mut distinct: Vec<(usize, u64, usize)> = Vec::new();
    for (k, &key) in bag.iter().enumerate() {
        if k > 0 && bag[k - 1] == key {
            if let Some(last) = distinct.last_mut() {
                last.2 += 1;
            }
            continue;
        }
        let df = postings.get(&key).map_or(0, Vec::len);
        distinct.push((df, key, 1));
    }
    distinct.sort_unstable();
    let mut out = Vec::new();
    let mut covered = 0;
    for (_, key, count) in distinct {
        if let Some(js) = postings.get(&key) {
            out.extend_from_slice(js);
        }
        covered += count;
        if covered > slack {
            break;
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Groups consecutive moved blocks (a whole section) into one move: `(group, first)` per
/// new index.
fn move_groups(moves: &[(usize, usize)]) -> BTreeMap<usize, (usize, usize, bool)> {
    let mut out = BTreeMap::new();
    let mut group = 0;
    let mut last: Option<(usize, usize)> = None;
    for &(o, n) in moves {
        let continues = last.is_some_and(|(lo, ln)| lo + 1 == o && ln + 1 == n);
        if !continues && last.is_some() {
            group += 1;
        }
        out.insert(n, (o, group, !continues));
        last = Some((o, n));
    }
    out
}

/// Blocks that moved, by old and by new index.
struct Moved {
    old: BTreeSet<usize>,
    new: BTreeSet<usize>,
}

/// Positional fallback (A.2 step 4.3): in each gap between matches, k unpaired deletions
/// and k unpaired insertions whose kind classes match one by one are paired in order.
fn positional(
    old: &Document<'_>,
    new: &Document<'_>,
    (o, n): (&Range<usize>, &Range<usize>),
    matches: &mut Vec<Match>,
    moved: &Moved,
) {
    let mut added = Vec::new();
    let (mut oi, mut ni) = (o.start, n.start);
    let bounds: Vec<(usize, usize)> = matches
        .iter()
        .map(|m| (m.o.start, m.n.start))
        .chain(std::iter::once((o.end, n.end)))
        .collect();
    let ends: Vec<(usize, usize)> = matches.iter().map(|m| (m.o.end, m.n.end)).collect();
    for (k, &(oe, ne)) in bounds.iter().enumerate() {
        let dels: Vec<usize> = (oi..oe).filter(|i| !moved.old.contains(i)).collect();
        let inss: Vec<usize> = (ni..ne).filter(|j| !moved.new.contains(j)).collect();
        if !dels.is_empty()
            && dels.len() == inss.len()
            && dels
                .iter()
                .zip(&inss)
                .all(|(&i, &j)| old.blocks[i].kind.class() == new.blocks[j].kind.class())
        {
            for (&i, &j) in dels.iter().zip(&inss) {
                added.push(Match {
                    kind: MatchKind::Pair,
                    o: i..i + 1,
                    n: j..j + 1,
                });
            }
        }
        if let Some(&(e_o, e_n)) = ends.get(k) {
            oi = e_o;
            ni = e_n;
        }
    }
    matches.extend(added);
    matches.sort_by_key(|m| (m.o.start, m.n.start));
}

/// Old container → new container, from the paths of aligned blocks, outermost first.
fn map_containers(
    old: &Document<'_>,
    new: &Document<'_>,
    stretches: &[Stretch],
) -> Vec<Option<u32>> {
    let mut omap: Vec<Option<u32>> = vec![None; old.containers.len()];
    let mut taken = vec![false; new.containers.len()];
    let mut link = |o: usize, n: usize| {
        let (po, pn) = (&old.blocks[o].path, &new.blocks[n].path);
        for (&co, &cn) in po.iter().zip(pn) {
            if old.containers[co as usize].class() != new.containers[cn as usize].class() {
                break;
            }
            match omap[co as usize] {
                Some(m) if m == cn => continue,
                None if !taken[cn as usize] => {
                    omap[co as usize] = Some(cn);
                    taken[cn as usize] = true;
                }
                _ => break,
            }
        }
    };
    for s in stretches {
        match s {
            Stretch::Equal { o, n, len } => {
                for k in 0..*len {
                    link(o + k, n + k);
                }
            }
            Stretch::Region { matches, .. } => {
                for m in matches {
                    link(m.o.start, m.n.start);
                    link(m.o.end - 1, m.n.end - 1);
                }
            }
        }
    }
    omap
}

/// Builds the display order of a region.
struct Output<'d, 'a> {
    old: &'d Document<'a>,
    new: &'d Document<'a>,
    container_map: &'d [Option<u32>],
    groups: &'d BTreeMap<usize, (usize, usize, bool)>,
    /// The same moves by old index: `(new index, group, first)`.
    moved_from: BTreeMap<usize, (usize, usize, bool)>,
    items: Vec<Item>,
}

impl Output<'_, '_> {
    fn region(&mut self, o: Range<usize>, n: Range<usize>, matches: &[Match]) {
        let (mut oi, mut ni) = (o.start, n.start);
        for m in matches {
            self.gap(oi..m.o.start, ni..m.n.start);
            self.items.push(match m.kind {
                MatchKind::Pair => Item::Pair {
                    o: m.o.start,
                    n: m.n.start,
                },
                MatchKind::Split => Item::Split {
                    o: m.o.start,
                    n: m.n.start,
                },
                MatchKind::Merge => Item::Merge {
                    o: m.o.start,
                    n: m.n.start,
                },
            });
            oi = m.o.end;
            ni = m.n.end;
        }
        self.gap(oi..o.end, ni..n.end);
    }

    /// Unpaired blocks between two matches: deletions first, unless the first insertion
    /// continues the previous block's container more deeply than the first deletion does.
    fn gap(&mut self, o: Range<usize>, n: Range<usize>) {
        let dels: Vec<Item> = o.clone().map(|i| self.old_item(i)).collect();
        let inss: Vec<Item> = n.clone().map(|j| self.new_item(j)).collect();
        let ins_first = match (self.items.last(), o.is_empty(), n.is_empty()) {
            (Some(&last), false, false) => {
                let prev = self.render_path(last);
                let d = common_prefix(&prev, &self.old_path(o.start));
                let i = common_prefix(&prev, &self.new_path(n.start));
                i > d
            }
            _ => false,
        };
        if ins_first {
            self.items.extend(inss);
            self.items.extend(dels);
        } else {
            self.items.extend(dels);
            self.items.extend(inss);
        }
    }

    fn old_item(&self, i: usize) -> Item {
        match self.moved_from.get(&i) {
            Some(&(n, group, first)) => Item::MovedFrom {
                o: i,
                n,
                group,
                first,
            },
            None => Item::Del(i),
        }
    }

    fn new_item(&self, j: usize) -> Item {
        match self.groups.get(&j) {
            Some(&(o, group, first)) => Item::MovedTo {
                o,
                n: j,
                group,
                first,
            },
            None => Item::Ins(j),
        }
    }

    fn render_path(&self, item: Item) -> Vec<CRef> {
        match item {
            Item::Del(o) | Item::MovedFrom { o, .. } => self.old_path(o),
            Item::Same { n, .. }
            | Item::Pair { n, .. }
            | Item::Split { n, .. }
            | Item::Merge { n, .. }
            | Item::Ins(n)
            | Item::MovedTo { n, .. } => self.new_path(n),
        }
    }

    fn new_path(&self, n: usize) -> Vec<CRef> {
        new_path(self.new, n)
    }

    fn old_path(&self, o: usize) -> Vec<CRef> {
        old_path(self.old, self.container_map, o)
    }
}

pub(crate) fn new_path(new: &Document<'_>, n: usize) -> Vec<CRef> {
    new.blocks[n].path.iter().map(|&c| u64::from(c)).collect()
}

/// The containers of an old block in the output: mapped to new ones while they were
/// aligned, its own old ones from the first that was not.
pub(crate) fn old_path(old: &Document<'_>, map: &[Option<u32>], o: usize) -> Vec<CRef> {
    let mut mapped = true;
    old.blocks[o]
        .path
        .iter()
        .map(|&c| {
            if mapped && let Some(n) = map[c as usize] {
                return u64::from(n);
            }
            mapped = false;
            u64::from(c) | OLD_CONTAINER
        })
        .collect()
}

pub(crate) fn common_prefix(a: &[CRef], b: &[CRef]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(a: &str, b: &str) -> Vec<Item> {
        let (old, new) = (Document::parse(a), Document::parse(b));
        align(&old, &new, &RedlineConfig::default()).items
    }

    #[test]
    fn dice_counts_multiset_overlap() {
        assert_eq!(dice(&[1, 2, 2, 3], &[2, 2, 4, 5]), 0.5);
        assert_eq!(dice(&[], &[1]), 0.0);
        assert_eq!(dice_union(&[1, 2, 3, 4], &[1, 2], &[3, 4]), 1.0);
    }

    #[test]
    fn inserted_paragraph_does_not_cascade() {
        let got = items("A one.\n\nB two.\n", "A one.\n\nNew text here.\n\nB two.\n");
        assert_eq!(
            got,
            [
                Item::Same { o: 0, n: 0 },
                Item::Ins(1),
                Item::Same { o: 1, n: 2 }
            ]
        );
    }

    #[test]
    fn similar_paragraphs_pair_and_unrelated_ones_do_not() {
        let got = items(
            "We keep your data for thirty days after you leave.\n\nUnrelated words entirely here.\n",
            "We keep your data for sixty days after you leave.\n\nSomething else completely different now.\n",
        );
        assert_eq!(got[0], Item::Pair { o: 0, n: 0 });
        // Positional fallback pairs the second ones; the word diff decides how to show them.
        assert_eq!(got[1], Item::Pair { o: 1, n: 1 });
    }

    #[test]
    fn split_and_merge_are_detected() {
        let a = "We keep logs for 30 days. After that they are deleted automatically.\n";
        let b = "We keep logs for 30 days.\n\nAfter that they are deleted automatically.\n";
        assert_eq!(items(a, b), [Item::Split { o: 0, n: 0 }]);
        assert_eq!(items(b, a), [Item::Merge { o: 0, n: 0 }]);
    }

    #[test]
    fn reordered_item_is_a_move() {
        let got = items(
            "1. Access\n2. Correction\n3. Deletion\n",
            "1. Deletion\n2. Access\n3. Correction\n",
        );
        assert_eq!(
            got,
            [
                Item::MovedTo {
                    o: 2,
                    n: 0,
                    group: 0,
                    first: true
                },
                Item::Same { o: 0, n: 1 },
                Item::Same { o: 1, n: 2 },
                Item::MovedFrom {
                    o: 2,
                    n: 0,
                    group: 0,
                    first: true
                },
            ]
        );
    }
}
