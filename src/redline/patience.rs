//! Patience diff on `u64` keys, for blocks (fingerprints) and words (token keys).
//!
//! `similar`'s "Patience" runs Myers over the unique items, which is O(N·D): on a long
//! policy where most paragraphs changed a little, that was a tenth of the compare time.
//! This is the classic algorithm: anchors are keys that occur once on each side, the
//! longest chain of them in order (patience sorting, O(n log n)) splits the problem, and
//! the gaps are solved the same way. A gap without unique keys falls back to Myers, bounded
//! by `cells_max` (beyond it the gap is left unmatched: shown as replaced).

use std::ops::Range;

use similar::{Algorithm, DiffOp, capture_diff_slices};

use super::doc::KeyMap;

/// Equal runs and changed regions, in order, covering both inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Equal { a: usize, b: usize, len: usize },
    Change { a: Range<usize>, b: Range<usize> },
}

/// Diffs two key sequences.
pub(crate) fn diff(a: &[u64], b: &[u64], cells_max: usize) -> Vec<Op> {
    let mut solver = Solver {
        a,
        b,
        cells_max,
        pairs: Vec::new(),
        stack: vec![(0..a.len(), 0..b.len())],
    };
    while let Some((ra, rb)) = solver.stack.pop() {
        solver.solve(ra, rb);
    }
    solver.pairs.sort_unstable();
    ops(&solver.pairs, a.len(), b.len())
}

/// The work list of a diff: matched pairs found so far and range pairs still to solve
/// (a stack, not recursion: gaps can nest as deep as the input is long).
struct Solver<'k> {
    a: &'k [u64],
    b: &'k [u64],
    cells_max: usize,
    pairs: Vec<(usize, usize)>,
    stack: Vec<(Range<usize>, Range<usize>)>,
}

impl Solver<'_> {
    /// One range pair: equal prefix and suffix, then unique anchors (pushing the gaps on the
    /// stack), or Myers when there are none.
    fn solve(&mut self, ra: Range<usize>, rb: Range<usize>) {
        let (a, b, cells_max) = (self.a, self.b, self.cells_max);
        let (pairs, stack) = (&mut self.pairs, &mut self.stack);
        let (mut sa, mut sb) = (ra.start, rb.start);
        while sa < ra.end && sb < rb.end && a[sa] == b[sb] {
            pairs.push((sa, sb));
            sa += 1;
            sb += 1;
        }
        let (mut ea, mut eb) = (ra.end, rb.end);
        while ea > sa && eb > sb && a[ea - 1] == b[eb - 1] {
            ea -= 1;
            eb -= 1;
            pairs.push((ea, eb));
        }
        if sa == ea || sb == eb {
            return;
        }
        let anchors = unique_chain(a, b, sa..ea, sb..eb);
        if anchors.is_empty() {
            if (ea - sa).saturating_mul(eb - sb) <= cells_max {
                for op in capture_diff_slices(Algorithm::Myers, &a[sa..ea], &b[sb..eb]) {
                    if let DiffOp::Equal {
                        old_index,
                        new_index,
                        len,
                    } = op
                    {
                        pairs.extend((0..len).map(|k| (sa + old_index + k, sb + new_index + k)));
                    }
                }
            }
            return;
        }
        let (mut pa, mut pb) = (sa, sb);
        for (i, j) in anchors {
            pairs.push((i, j));
            if pa < i || pb < j {
                stack.push((pa..i, pb..j));
            }
            pa = i + 1;
            pb = j + 1;
        }
        if pa < ea || pb < eb {
            stack.push((pa..ea, pb..eb));
        }
    }
}

/// Keys occurring once in each range, as index pairs, reduced to their longest chain that
/// is increasing on both sides.
fn unique_chain(a: &[u64], b: &[u64], ra: Range<usize>, rb: Range<usize>) -> Vec<(usize, usize)> {
    // key -> (count in a, index in a, count in b, index in b)
    let mut seen: KeyMap<u64, (u32, usize, u32, usize)> =
        KeyMap::with_capacity_and_hasher(ra.len(), Default::default());
    for i in ra.clone() {
        let e = seen.entry(a[i]).or_insert((0, i, 0, 0));
        e.0 += 1;
    }
    for j in rb {
        if let Some(e) = seen.get_mut(&b[j]) {
            e.2 += 1;
            e.3 = j;
        }
    }
    // In the order of `a` (deterministic, whatever the map's order).
    let mut cands: Vec<(usize, usize)> = ra
        .filter_map(|i| match seen.get(&a[i]) {
            Some(&(1, ia, 1, jb)) if ia == i => Some((i, jb)),
            _ => None,
        })
        .collect();
    if cands.len() <= 1 {
        return cands;
    }
    // Longest increasing subsequence of the b indices (patience sorting).
    let mut tails: Vec<usize> = Vec::new(); // index into cands of the smallest tail per length
    let mut prev: Vec<usize> = vec![usize::MAX; cands.len()];
    for (k, &(_, j)) in cands.iter().enumerate() {
        let pos = tails.partition_point(|&t| cands[t].1 < j);
        if pos > 0 {
            prev[k] = tails[pos - 1];
        }
        if pos == tails.len() {
            tails.push(k);
        } else {
            tails[pos] = k;
        }
    }
    let mut chain = Vec::with_capacity(tails.len());
    let mut k = tails.last().copied().unwrap_or(usize::MAX);
    while k != usize::MAX {
        chain.push(cands[k]);
        k = prev[k];
    }
    chain.reverse();
    cands.clear();
    chain
}

/// Sorted matched pairs to ops.
fn ops(pairs: &[(usize, usize)], la: usize, lb: usize) -> Vec<Op> {
    let mut out = Vec::new();
    let (mut ia, mut ib) = (0, 0);
    let mut k = 0;
    while k < pairs.len() {
        let (pa, pb) = pairs[k];
        if pa > ia || pb > ib {
            out.push(Op::Change {
                a: ia..pa,
                b: ib..pb,
            });
        }
        let mut len = 1;
        while k + len < pairs.len() && pairs[k + len] == (pa + len, pb + len) {
            len += 1;
        }
        out.push(Op::Equal { a: pa, b: pb, len });
        ia = pa + len;
        ib = pb + len;
        k += len;
    }
    if ia < la || ib < lb {
        out.push(Op::Change {
            a: ia..la,
            b: ib..lb,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn lcs_len(a: &[u64], b: &[u64]) -> usize {
        let mut dp = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for i in 0..a.len() {
            for j in 0..b.len() {
                dp[i + 1][j + 1] = if a[i] == b[j] {
                    dp[i][j] + 1
                } else {
                    dp[i][j + 1].max(dp[i + 1][j])
                };
            }
        }
        dp[a.len()][b.len()]
    }

    #[test]
    fn anchors_on_unique_keys() {
        let got = diff(&[1, 9, 2, 3], &[1, 2, 8, 3], 1000);
        assert_eq!(
            got,
            [
                Op::Equal { a: 0, b: 0, len: 1 },
                Op::Change { a: 1..2, b: 1..1 },
                Op::Equal { a: 2, b: 1, len: 1 },
                Op::Change { a: 3..3, b: 2..3 },
                Op::Equal { a: 3, b: 3, len: 1 },
            ]
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn ops_cover_both_sides_and_match_only_equal_keys(
            a in proptest::collection::vec(0u64..6, 0..30),
            b in proptest::collection::vec(0u64..6, 0..30),
        ) {
            let ops = diff(&a, &b, usize::MAX);
            let (mut ia, mut ib, mut equal) = (0, 0, 0);
            for op in &ops {
                match op {
                    Op::Equal { a: pa, b: pb, len } => {
                        prop_assert_eq!((*pa, *pb), (ia, ib));
                        prop_assert_eq!(&a[*pa..pa + len], &b[*pb..pb + len]);
                        ia += len;
                        ib += len;
                        equal += len;
                    }
                    Op::Change { a: ra, b: rb } => {
                        prop_assert_eq!((ra.start, rb.start), (ia, ib));
                        ia = ra.end;
                        ib = rb.end;
                    }
                }
            }
            prop_assert_eq!((ia, ib), (a.len(), b.len()));
            prop_assert!(equal <= lcs_len(&a, &b));
        }
    }
}
