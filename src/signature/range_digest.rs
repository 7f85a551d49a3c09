//! Digests of several signatures' byte ranges over one file, sharing the work of their common
//! prefix.
//!
//! Every signature of an incrementally signed PDF covers `[0, a)` and a short tail `[b, e)`, and
//! a later signature's `[0, a)` contains every earlier one's. Hashed separately, a file with
//! `n` signatures is hashed about `n` times over; here the prefix is hashed once per algorithm,
//! in order of `a`, and each signature clones the hasher state at its own `a` and adds its
//! tail. The result is exactly [`DigestAlgorithm::digest_parts`] of the same slices.

use std::cell::RefCell;

use super::algorithm::{DigestAlgorithm, Hasher};

/// Most signatures whose digests one [`RangeDigests`] shares; beyond it, each is hashed alone.
const MAX_SIGNATURES: usize = 4096;

/// One algorithm's prefix states: the hasher after `[0, cut)` for each cut reached so far.
struct Prefixes {
    algorithm: DigestAlgorithm,
    /// Ascending by cut.
    states: Vec<(usize, Hasher)>,
}

/// The byte ranges of a file's signatures, hashed on demand with the shared prefix hashed once
/// per algorithm.
pub struct RangeDigests<'b> {
    bytes: &'b [u8],
    /// Per signature, its `(start, len)` ranges as checked by [`super::byte_range::check`].
    ranges: Vec<Vec<(usize, usize)>>,
    /// The distinct ends of first ranges that start at 0, ascending: where states are kept.
    cuts: Vec<usize>,
    prefixes: RefCell<Vec<Prefixes>>,
}

impl std::fmt::Debug for RangeDigests<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RangeDigests")
            .field("ranges", &self.ranges)
            .field("cuts", &self.cuts)
            .finish_non_exhaustive()
    }
}

/// The first range of `ranges` when it is a prefix `[0, a)` inside `bytes`.
fn prefix_end(ranges: &[(usize, usize)], file_len: usize) -> Option<usize> {
    match ranges.first() {
        Some(&(0, len)) if len <= file_len => Some(len),
        _ => None,
    }
}

impl<'b> RangeDigests<'b> {
    /// Digests for signatures with these `(start, len)` ranges (one list per signature) over
    /// `bytes`. Nothing is hashed until asked.
    pub fn new(bytes: &'b [u8], ranges: Vec<Vec<(usize, usize)>>) -> Self {
        let mut cuts: Vec<usize> = if ranges.len() <= MAX_SIGNATURES {
            ranges
                .iter()
                .filter_map(|r| prefix_end(r, bytes.len()))
                .collect()
        } else {
            Vec::new()
        };
        cuts.sort_unstable();
        cuts.dedup();
        Self {
            bytes,
            ranges,
            cuts,
            prefixes: RefCell::new(Vec::new()),
        }
    }

    /// The digest of signature `index`'s ranges (those within the file, in order), as
    /// [`DigestAlgorithm::digest_parts`] of them would give; `None` for an unknown index.
    pub fn digest(&self, index: usize, algorithm: DigestAlgorithm) -> Option<Vec<u8>> {
        let ranges = self.ranges.get(index)?;
        let slice = |&(start, len): &(usize, usize)| self.bytes.get(start..start.checked_add(len)?);
        let (mut hasher, rest) = match prefix_end(ranges, self.bytes.len()) {
            Some(cut) if self.cuts.binary_search(&cut).is_ok() => (
                self.prefix(algorithm, cut)?,
                ranges.get(1..).unwrap_or_default(),
            ),
            _ => (algorithm.hasher(), ranges.as_slice()),
        };
        for part in rest.iter().filter_map(slice) {
            hasher.update(part);
        }
        Some(hasher.finalize())
    }

    /// The hasher state after `[0, cut)`, `cut` being one of `self.cuts`: resumed from the
    /// furthest state before it, keeping the states at the cuts passed on the way.
    fn prefix(&self, algorithm: DigestAlgorithm, cut: usize) -> Option<Hasher> {
        let mut all = self.prefixes.borrow_mut();
        let at = match all.iter().position(|p| p.algorithm == algorithm) {
            Some(at) => at,
            None => {
                all.push(Prefixes {
                    algorithm,
                    states: Vec::new(),
                });
                all.len() - 1
            }
        };
        let prefixes = all.get_mut(at)?;
        let reached = prefixes.states.partition_point(|(c, _)| *c <= cut);
        if let Some((c, state)) = reached.checked_sub(1).and_then(|i| prefixes.states.get(i))
            && *c == cut
        {
            return Some(state.clone());
        }
        let (mut from, mut hasher) =
            match reached.checked_sub(1).and_then(|i| prefixes.states.get(i)) {
                Some((c, state)) => (*c, state.clone()),
                None => (0, algorithm.hasher()),
            };
        let first = self.cuts.partition_point(|c| *c <= from);
        let mut new_states = Vec::new();
        for &next in self.cuts.get(first..).unwrap_or_default() {
            if next > cut {
                break;
            }
            hasher.update(self.bytes.get(from..next)?);
            new_states.push((next, hasher.clone()));
            from = next;
        }
        // The states passed lie between the furthest kept one and `cut`, so they go right
        // after it and keep the list ascending.
        let tail = prefixes.states.split_off(reached);
        prefixes.states.extend(new_states);
        prefixes.states.extend(tail);
        Some(hasher)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> Vec<u8> {
        (0..10_000u32).map(|i| (i * 7 % 251) as u8).collect()
    }

    fn expected(bytes: &[u8], ranges: &[(usize, usize)], algorithm: DigestAlgorithm) -> Vec<u8> {
        let parts: Vec<&[u8]> = ranges
            .iter()
            .filter_map(|&(s, l)| bytes.get(s..s.checked_add(l)?))
            .collect();
        algorithm.digest_parts(&parts)
    }

    #[test]
    fn shared_prefixes_give_the_separate_digests_in_any_order() {
        let bytes = file();
        let ranges = vec![
            vec![(0, 4000), (4100, 900)],
            vec![(0, 6000), (6200, 800)],
            vec![(0, 2000), (2100, 100)],
            vec![(0, 6000), (6200, 800)],
            vec![(10, 20)],
            vec![(0, 9000), (9100, 900)],
        ];
        let digests = RangeDigests::new(&bytes, ranges.clone());
        for order in [[1, 5, 0, 2, 3, 4], [2, 0, 4, 3, 5, 1]] {
            for algorithm in [DigestAlgorithm::Sha256, DigestAlgorithm::Sha1] {
                for &i in &order {
                    assert_eq!(
                        digests.digest(i, algorithm),
                        Some(expected(&bytes, &ranges[i], algorithm)),
                        "signature {i} with {algorithm:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_algorithm_agrees_with_digest_parts() {
        let bytes = file();
        let ranges = vec![vec![(0, 3000), (3500, 6500)], vec![(0, 1000), (1200, 300)]];
        let digests = RangeDigests::new(&bytes, ranges.clone());
        for algorithm in DigestAlgorithm::ALL {
            for (i, r) in ranges.iter().enumerate() {
                assert_eq!(
                    digests.digest(i, algorithm),
                    Some(expected(&bytes, r, algorithm))
                );
            }
        }
    }

    #[test]
    fn out_of_bounds_ranges_and_indexes_are_safe() {
        let bytes = file();
        let ranges = vec![
            vec![(0, 20_000), (5, 5)],
            vec![(0, 100), (usize::MAX, 2)],
            vec![],
        ];
        let digests = RangeDigests::new(&bytes, ranges.clone());
        for (i, r) in ranges.iter().enumerate() {
            assert_eq!(
                digests.digest(i, DigestAlgorithm::Sha256),
                Some(expected(&bytes, r, DigestAlgorithm::Sha256))
            );
        }
        assert_eq!(digests.digest(3, DigestAlgorithm::Sha256), None);
    }
}
