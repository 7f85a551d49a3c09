//! `/ByteRange`: which bytes a signature covers, and whether that is the whole file, a whole
//! earlier revision, or something less (ISO 32000-2 §12.8.1, Table 255; PAdES ETSI EN 319
//! 142-1 §5.1 requires exactly one gap, the `/Contents` value).

use schemars::JsonSchema;
use serde::Serialize;

use crate::pdf::Revision;

/// How much of the file a signature covers, on pyHanko's scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Coverage {
    /// Every byte but the `/Contents` value, to the end of the file.
    EntireFile,
    /// Every byte of an earlier revision but the `/Contents` value; later revisions follow.
    EntireRevision,
    /// Anything less: extra gaps, a tail that is not a revision boundary, bad offsets.
    Partial,
}

/// The byte ranges of one signature, checked against the file.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ByteRangeCheck {
    /// The coverage level.
    pub coverage: Coverage,
    /// Why the coverage is `partial`.
    pub reason: Option<String>,
    /// The revision (1-based) the signed bytes end with, when they end at a revision boundary.
    pub revision: Option<usize>,
    /// Offset and length pairs that passed the bounds checks.
    #[serde(skip)]
    pub ranges: Vec<(usize, usize)>,
}

impl ByteRangeCheck {
    /// The signed bytes, range by range, for hashing.
    pub fn slices<'b>(&self, bytes: &'b [u8]) -> Vec<&'b [u8]> {
        self.ranges
            .iter()
            .filter_map(|&(start, len)| bytes.get(start..start.checked_add(len)?))
            .collect()
    }
}

fn partial(reason: String, ranges: Vec<(usize, usize)>) -> ByteRangeCheck {
    ByteRangeCheck {
        coverage: Coverage::Partial,
        reason: Some(reason),
        revision: None,
        ranges,
    }
}

/// The one gap of a two-range `/ByteRange` when it is a hex string `<…>` in `bytes` (where a
/// signature's `/Contents` is), as the `(start, end)` offsets of the hex string.
pub fn contents_gap(byte_range: &[i64], bytes: &[u8]) -> Option<(usize, usize)> {
    let [_, len0, start1, _] = byte_range else {
        return None;
    };
    let (start, end) = (usize::try_from(*len0).ok()?, usize::try_from(*start1).ok()?);
    let len = hex_string_in_gap(bytes.get(start..end)?)?;
    Some((start, start + len))
}

/// The length of the hex string a signature's unsigned gap holds: the whole gap, or a hex
/// string followed by nothing but whitespace (iText 2 reserves the room of a Guardtime KSI
/// seal after its `>`, inside the gap, as in Scrive's older sealed documents). Whitespace
/// between a string and the next token changes nothing a reader sees; anything else in the
/// gap would be unsigned content.
fn hex_string_in_gap(gap: &[u8]) -> Option<usize> {
    let is_whitespace = |b: &u8| matches!(b, 0 | b'\t' | b'\n' | 0x0c | b'\r' | b' ');
    let end = gap.iter().rposition(|b| !is_whitespace(b))? + 1;
    let string = gap.get(..end)?;
    crate::pdf::contents::is_hex_string(string).then_some(end)
}

/// Checks a `/ByteRange` against the file's bytes and revisions.
pub fn check(byte_range: &[i64], bytes: &[u8], revisions: &[Revision]) -> ByteRangeCheck {
    if byte_range.is_empty() {
        return partial("no /ByteRange".into(), Vec::new());
    }
    if !byte_range.len().is_multiple_of(2) {
        return partial(
            format!("/ByteRange has {} numbers, not pairs", byte_range.len()),
            Vec::new(),
        );
    }
    let mut ranges = Vec::with_capacity(byte_range.len() / 2);
    for (i, pair) in byte_range.chunks_exact(2).enumerate() {
        let (Ok(start), Ok(len)) = (usize::try_from(pair[0]), usize::try_from(pair[1])) else {
            return partial(format!("range {i} has a negative offset or length"), ranges);
        };
        match start.checked_add(len) {
            Some(end) if end <= bytes.len() => ranges.push((start, len)),
            _ => {
                return partial(
                    format!(
                        "range {i} ({start}+{len}) runs past the end of the file ({} bytes)",
                        bytes.len()
                    ),
                    ranges,
                );
            }
        }
    }
    if ranges.first().map(|r| r.0) != Some(0) {
        return partial("signed bytes do not start at byte 0".into(), ranges);
    }
    for (i, w) in ranges.windows(2).enumerate() {
        let (a, b) = (w[0], w[1]);
        let a_end = a.0 + a.1;
        if b.0 < a_end {
            return partial(
                format!("ranges {i} and {} overlap or go backwards", i + 1),
                ranges,
            );
        }
    }
    if ranges.len() != 2 {
        return partial(
            format!(
                "{} ranges: a signature leaves exactly one gap, its /Contents",
                ranges.len()
            ),
            ranges,
        );
    }
    let gap_start = ranges[0].0 + ranges[0].1;
    let gap_end = ranges[1].0;
    if bytes
        .get(gap_start..gap_end)
        .and_then(hex_string_in_gap)
        .is_none()
    {
        return partial(
            format!("the unsigned gap {gap_start}..{gap_end} is not just the /Contents hex string"),
            ranges,
        );
    }
    let end = ranges[1].0 + ranges[1].1;
    let revision = revision_ending_at(end, bytes, revisions);
    if end == bytes.len() {
        return ByteRangeCheck {
            coverage: Coverage::EntireFile,
            reason: None,
            revision: revision.or(revisions.last().map(|r| r.number)),
            ranges,
        };
    }
    match revision {
        Some(n) => ByteRangeCheck {
            coverage: Coverage::EntireRevision,
            reason: None,
            revision: Some(n),
            ranges,
        },
        None => partial(
            format!(
                "signed bytes end at {end}, which is not the end of a revision; {} bytes after it are not signed",
                bytes.len() - end
            ),
            ranges,
        ),
    }
}

/// The revision whose end is `end`, allowing for the end-of-line after `%%EOF` that a signer
/// may or may not have counted.
fn revision_ending_at(end: usize, bytes: &[u8], revisions: &[Revision]) -> Option<usize> {
    revisions.iter().find_map(|r| {
        let rev_end = usize::try_from(r.end).ok()?;
        let (lo, hi) = (end.min(rev_end), end.max(rev_end));
        let between = bytes.get(lo..hi)?;
        (between.len() <= 2 && between.iter().all(|b| matches!(b, b'\r' | b'\n')))
            .then_some(r.number)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn contents_gap_is_the_hex_string_between_the_ranges() {
        let bytes = b"%PDF-1.7 /Contents <30820a> rest";
        let (start, end) = (19, 27);
        assert_eq!(&bytes[start..end], b"<30820a>");
        let br = [0, start as i64, end as i64, (bytes.len() - end) as i64];
        assert_eq!(super::contents_gap(&br, bytes), Some((start, end)));
        // Not a hex string there, three ranges, offsets past the end: no gap.
        assert_eq!(super::contents_gap(&[0, 10, 20, 5], bytes), None);
        assert_eq!(super::contents_gap(&[0, 1, 2, 3, 4, 5], bytes), None);
        assert_eq!(super::contents_gap(&[0, 19, 400, 5], bytes), None);
        assert_eq!(super::contents_gap(&[0, -1, 27, 5], bytes), None);
    }

    use super::*;
    use crate::pdf::XrefKind;

    fn file() -> Vec<u8> {
        // 0..10 signed, 10..16 the hex string, 16..30 signed.
        let mut b = b"%PDF-1.7\n/C".to_vec();
        b.truncate(10);
        b.extend_from_slice(b"<0a0b>");
        b.extend_from_slice(b" trailer %%EOF\n");
        b
    }

    fn rev(number: usize, end: u64) -> Revision {
        Revision {
            number,
            xref_offset: 0,
            end,
            xref_kind: XrefKind::Table,
        }
    }

    #[test]
    fn whole_file_but_contents_is_entire_file() {
        let b = file();
        let len = b.len() as i64;
        let c = check(&[0, 10, 16, len - 16], &b, &[rev(1, len as u64)]);
        assert_eq!(c.coverage, Coverage::EntireFile, "{:?}", c.reason);
        assert_eq!(c.revision, Some(1));
        assert_eq!(c.slices(&b).concat().len(), b.len() - 6);
    }

    #[test]
    fn earlier_revision_is_entire_revision() {
        let mut b = file();
        let first_end = b.len();
        b.extend_from_slice(b"1 0 obj\n<<>>\nendobj\n%%EOF\n");
        let c = check(
            &[0, 10, 16, first_end as i64 - 16],
            &b,
            &[rev(1, first_end as u64), rev(2, b.len() as u64)],
        );
        assert_eq!(c.coverage, Coverage::EntireRevision);
        assert_eq!(c.revision, Some(1));
    }

    #[test]
    fn uncovered_tail_inside_a_revision_is_partial() {
        let b = file();
        let len = b.len() as i64;
        let c = check(&[0, 10, 16, len - 20], &b, &[rev(1, len as u64)]);
        assert_eq!(c.coverage, Coverage::Partial);
        assert!(c.reason.unwrap().contains("not the end of a revision"));
    }

    #[test]
    fn whitespace_after_the_hex_string_in_the_gap_is_still_the_contents() {
        // 0..10 signed, 10..16 the hex string, 16..22 spaces, 22.. signed.
        let mut b = b"%PDF-1.7\n/".to_vec();
        b.extend_from_slice(b"<0a0b>      ");
        b.extend_from_slice(b"/SubFilter/ETSI.RFC#203161 trailer %%EOF\n");
        let len = b.len() as i64;
        let c = check(&[0, 10, 22, len - 22], &b, &[rev(1, len as u64)]);
        assert_eq!(c.coverage, Coverage::EntireFile, "{:?}", c.reason);
        assert_eq!(contents_gap(&[0, 10, 22, len - 22], &b), Some((10, 16)));
        // Near miss: anything but whitespace after the string is unsigned content.
        let mut b = b"%PDF-1.7\n/".to_vec();
        b.extend_from_slice(b"<0a0b> /X 1 ");
        b.extend_from_slice(b"/SubFilter/ETSI.RFC#203161 trailer %%EOF\n");
        let len = b.len() as i64;
        let c = check(&[0, 10, 22, len - 22], &b, &[rev(1, len as u64)]);
        assert_eq!(c.coverage, Coverage::Partial);
        assert_eq!(contents_gap(&[0, 10, 22, len - 22], &b), None);
    }

    #[test]
    fn gap_wider_than_contents_is_partial() {
        let b = file();
        let len = b.len() as i64;
        let c = check(&[0, 9, 17, len - 17], &b, &[rev(1, len as u64)]);
        assert_eq!(c.coverage, Coverage::Partial);
    }

    #[test]
    fn range_past_end_of_file_is_partial_not_a_panic() {
        let b = file();
        for br in [
            vec![0, 10, 16, 1_000_000],
            vec![0, i64::MAX, 16, 2],
            vec![-5, 10, 16, 2],
            vec![0, 10, 16],
            vec![],
            vec![10, 5, 0, 2],
        ] {
            assert_eq!(check(&br, &b, &[]).coverage, Coverage::Partial, "{br:?}");
        }
    }

    #[test]
    fn not_starting_at_zero_is_partial() {
        let b = file();
        let len = b.len() as i64;
        let c = check(&[1, 9, 16, len - 16], &b, &[]);
        assert_eq!(c.coverage, Coverage::Partial);
    }
}
