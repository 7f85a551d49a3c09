//! Digests of several signatures' byte ranges over one file, sharing the work of their common
//! prefix.
//!
//! Every signature of an incrementally signed PDF covers `[0, a)` and a short tail `[b, e)`, and
//! a later signature's `[0, a)` contains every earlier one's. Hashed separately, a file with
//! `n` signatures is hashed about `n` times over; here the prefix is hashed once per algorithm,
//! in order of `a`, and each signature clones the hasher state at its own `a` and adds its
//! tail. The result is exactly [`DigestAlgorithm::digest_parts`] of the same slices.
//!
//! The whole file is hashed once more for the record's identity. [`FileSha256`] keeps the
//! states of that pass at regular offsets, so the SHA-256 prefixes resume from the nearest one
//! instead of hashing the file again from its first byte.

use std::cell::RefCell;

use sha2::{Digest, Sha256};

use super::algorithm::{DigestAlgorithm, Hasher};

/// Least distance between two kept states of a [`FileSha256`], in bytes (a multiple of the
/// 64-byte block, so no state holds a partial block).
const MIN_STATE_STEP: usize = 4096;
/// Most states a [`FileSha256`] keeps: beyond `MIN_STATE_STEP × MAX_STATES` bytes the step
/// grows with the file, so the states take at most ~30 KiB and a prefix hashes at most a
/// 256th of the file again.
const MAX_STATES: usize = 256;

/// A file's SHA-256 (the record's identity), with the hasher's state kept every few
/// kilobytes on the way.
pub struct FileSha256 {
    /// The SHA-256 of the whole file.
    pub digest: [u8; 32],
    /// `(offset, state after [0, offset))`, ascending, every `step` bytes.
    states: Vec<(usize, Sha256)>,
}

impl std::fmt::Debug for FileSha256 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileSha256")
            .field("digest", &hex::encode(self.digest))
            .field("states", &self.states.len())
            .finish()
    }
}

impl FileSha256 {
    /// Hashes `bytes` once, keeping the states on the way.
    pub fn of(bytes: &[u8]) -> FileSha256 {
        let step = bytes
            .len()
            .div_ceil(MAX_STATES)
            .next_multiple_of(64)
            .max(MIN_STATE_STEP);
        let mut hasher = Sha256::new();
        let mut states = Vec::with_capacity(bytes.len() / step);
        let mut offset = 0;
        for chunk in bytes.chunks(step) {
            hasher.update(chunk);
            offset += chunk.len();
            if offset < bytes.len() {
                states.push((offset, hasher.clone()));
            }
        }
        FileSha256 {
            digest: hasher.finalize().into(),
            states,
        }
    }

    /// The furthest kept state at or before `offset`, with its offset.
    fn resume(&self, offset: usize) -> Option<&(usize, Sha256)> {
        let reached = self.states.partition_point(|(o, _)| *o <= offset);
        self.states.get(reached.checked_sub(1)?)
    }
}

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
    /// The identity pass over the same bytes, where SHA-256 prefixes may resume.
    file: Option<&'b FileSha256>,
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
            file: None,
        }
    }

    /// The same digests, with SHA-256 prefixes resumed from `file`'s states; `file` must be
    /// [`FileSha256::of`] these bytes.
    pub fn resuming(mut self, file: &'b FileSha256) -> Self {
        debug_assert_eq!(file.digest, <[u8; 32]>::from(Sha256::digest(self.bytes)));
        self.file = Some(file);
        self
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
        if algorithm == DigestAlgorithm::Sha256
            && let Some((offset, state)) = self.file.and_then(|f| f.resume(cut))
            && *offset > from
        {
            (from, hasher) = (*offset, Hasher::Sha256(state.clone()));
        }
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

    /// Asks `digests` for every signature in each order, with each algorithm, and checks each
    /// against [`DigestAlgorithm::digest_parts`] of its ranges.
    fn assert_digests(
        digests: &RangeDigests<'_>,
        bytes: &[u8],
        ranges: &[Vec<(usize, usize)>],
        orders: &[&[usize]],
        algorithms: &[DigestAlgorithm],
    ) {
        for order in orders {
            for &algorithm in algorithms {
                for &i in *order {
                    assert_eq!(
                        digests.digest(i, algorithm),
                        Some(expected(bytes, &ranges[i], algorithm)),
                        "signature {i} with {algorithm:?}"
                    );
                }
            }
        }
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
        assert_digests(
            &digests,
            &bytes,
            &ranges,
            &[&[1, 5, 0, 2, 3, 4], &[2, 0, 4, 3, 5, 1]],
            &[DigestAlgorithm::Sha256, DigestAlgorithm::Sha1],
        );
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
    fn file_sha256_is_the_files_digest_at_any_size() {
        for len in [0, 1, 63, 64, 4095, 4096, 4097, 10_000, 4096 * 300 + 17] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 13 % 251) as u8).collect();
            let file = FileSha256::of(&bytes);
            assert_eq!(
                file.digest,
                <[u8; 32]>::from(Sha256::digest(&bytes)),
                "{len}"
            );
            assert!(file.states.len() <= MAX_STATES, "{len}");
            assert!(file.states.iter().all(|(o, _)| *o > 0 && *o < len), "{len}");
        }
    }

    #[test]
    fn prefixes_resumed_from_the_identity_pass_give_the_same_digests() {
        // Cuts before the first kept state, on one, between two, past the last, and ranges
        // that do not start at 0.
        let bytes: Vec<u8> = (0..30_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let file = FileSha256::of(&bytes);
        let ranges = vec![
            vec![(0, 1000), (1100, 50)],
            vec![(0, 4096), (4200, 100)],
            vec![(0, 9000), (9100, 900)],
            vec![(0, 29_000), (29_500, 500)],
            vec![(0, 30_000)],
            vec![(7, 20)],
        ];
        let orders: [&[usize]; 2] = [&[0, 1, 2, 3, 4, 5], &[4, 2, 5, 0, 3, 1]];
        let algorithms = [DigestAlgorithm::Sha256, DigestAlgorithm::Sha384];
        let resumed = RangeDigests::new(&bytes, ranges.clone()).resuming(&file);
        assert_digests(&resumed, &bytes, &ranges, &orders, &algorithms);
        let plain = RangeDigests::new(&bytes, ranges.clone());
        assert_digests(&plain, &bytes, &ranges, &orders, &algorithms);
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
