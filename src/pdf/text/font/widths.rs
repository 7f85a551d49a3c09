//! Glyph advances: `/Widths` + `/FirstChar` for simple fonts (ISO 32000-2 §9.6.2.1) and the CID
//! `/W`, `/DW`, `/W2`, `/DW2` arrays (§9.7.4.3). CID ranges are stored as ranges, so
//! `0 65535 500` costs one entry, not 65 536.

use lopdf::{Document, Object};

use super::objects;

/// Most `/W` or `/W2` entries kept.
const MAX_CID_WIDTH_ENTRIES: usize = 0x2_0000;
/// Default CID width when `/DW` is absent (§9.7.4.3).
pub(super) const DEFAULT_CID_WIDTH: f64 = 1000.0;
/// Default vertical advance (w1y of `/DW2 [880 -1000]`), as a positive distance down.
pub(super) const DEFAULT_VERTICAL_ADVANCE: f64 = 1000.0;

/// The 256 advances of a simple font from `/Widths`; codes outside get `missing`.
pub(super) fn simple_widths(
    doc: &Document,
    font: &lopdf::Dictionary,
    missing: f64,
) -> Option<[f64; 256]> {
    let widths = objects::get_array(doc, font, b"Widths")?;
    let first = objects::get_number(doc, font, b"FirstChar").unwrap_or(0.0);
    let mut out = [missing; 256];
    if !(0.0..256.0).contains(&first) {
        return Some(out);
    }
    // In 0..256 (checked above), so the cast is exact.
    let first = first as usize;
    for (slot, w) in out
        .iter_mut()
        .skip(first)
        .zip(objects::numbers(doc, widths))
    {
        if let Some(w) = w {
            *slot = w;
        }
    }
    Some(out)
}

/// One run of CIDs sharing a width (or, for `/W2`, a vertical advance).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Run {
    lo: u32,
    hi: u32,
    value: f64,
}

/// CID → advance.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct CidWidths {
    default: f64,
    runs: Vec<Run>,
}

impl CidWidths {
    /// From a `/W` array (`c [w1 w2 …]` and `cfirst clast w` forms) and a default. For `/W2`
    /// pass `stride` 3: each width is a triple `w1y vx vy` and the advance kept is `-w1y`.
    pub(super) fn parse(
        doc: &Document,
        arr: Option<&[Object]>,
        default: f64,
        stride: usize,
    ) -> CidWidths {
        let mut runs = Vec::new();
        let items: Vec<&Object> = arr
            .unwrap_or_default()
            .iter()
            .filter_map(|o| objects::resolve(doc, o))
            .collect();
        let value_of = |w: f64| if stride == 3 { -w } else { w };
        let mut i = 0;
        while i < items.len() && runs.len() < MAX_CID_WIDTH_ENTRIES {
            let Some(first) = items
                .get(i)
                .copied()
                .and_then(objects::number)
                .and_then(to_cid)
            else {
                i += 1;
                continue;
            };
            match items.get(i + 1).copied() {
                Some(Object::Array(ws)) => {
                    let ws = objects::numbers(doc, ws);
                    for (k, group) in ws.chunks(stride).enumerate() {
                        let (Some(Some(w)), Ok(k)) = (group.first(), u32::try_from(k)) else {
                            continue;
                        };
                        let Some(cid) = first.checked_add(k) else {
                            break;
                        };
                        if runs.len() >= MAX_CID_WIDTH_ENTRIES {
                            break;
                        }
                        runs.push(Run {
                            lo: cid,
                            hi: cid,
                            value: value_of(*w),
                        });
                    }
                    i += 2;
                }
                Some(o) => {
                    let last = objects::number(o).and_then(to_cid);
                    let w = items.get(i + 2).copied().and_then(objects::number);
                    if let (Some(last), Some(w)) = (last, w)
                        && first <= last
                    {
                        runs.push(Run {
                            lo: first,
                            hi: last,
                            value: value_of(w),
                        });
                    }
                    i += 2 + stride;
                }
                None => break,
            }
        }
        // Stable: for overlapping definitions the first one in the array wins, as in pdf.js.
        runs.sort_by_key(|r| r.lo);
        CidWidths { default, runs }
    }

    /// The advance of `cid`.
    pub(super) fn get(&self, cid: u32) -> f64 {
        let idx = self.runs.partition_point(|r| r.lo <= cid);
        // Runs starting at or before `cid`, nearest first; a few steps back cover overlaps.
        self.runs
            .get(..idx)
            .unwrap_or_default()
            .iter()
            .rev()
            .take(8)
            .find(|r| cid <= r.hi)
            .map_or(self.default, |r| r.value)
    }
}

fn to_cid(v: f64) -> Option<u32> {
    (v >= 0.0 && v <= f64::from(u32::MAX)).then_some(v as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::Object::{Array, Integer, Real};

    #[test]
    fn w_both_forms() {
        let doc = Document::new();
        let w = vec![
            Integer(1),
            Array(vec![Integer(500), Real(250.5), Integer(600)]),
            Integer(10),
            Integer(20),
            Integer(333),
            Integer(70000),
            Integer(4_000_000_000),
            Integer(1),
        ];
        let widths = CidWidths::parse(&doc, Some(&w), 1000.0, 1);
        assert_eq!(widths.get(0), 1000.0);
        assert_eq!(widths.get(1), 500.0);
        assert_eq!(widths.get(2), 250.5);
        assert_eq!(widths.get(3), 600.0);
        assert_eq!(widths.get(15), 333.0);
        assert_eq!(widths.get(21), 1000.0);
        assert_eq!(widths.get(1_000_000), 1.0);
    }

    #[test]
    fn w2_vertical() {
        let doc = Document::new();
        let w2 = vec![
            Integer(5),
            Array(vec![Integer(-900), Integer(500), Integer(880)]),
            Integer(10),
            Integer(12),
            Integer(-800),
            Integer(500),
            Integer(880),
        ];
        let widths = CidWidths::parse(&doc, Some(&w2), DEFAULT_VERTICAL_ADVANCE, 3);
        assert_eq!(widths.get(5), 900.0);
        assert_eq!(widths.get(11), 800.0);
        assert_eq!(widths.get(6), 1000.0);
    }

    #[test]
    fn junk_w() {
        let doc = Document::new();
        let w = vec![
            Array(vec![]),
            Integer(-1),
            Integer(3),
            Real(f32::NAN),
            Integer(5),
        ];
        let widths = CidWidths::parse(&doc, Some(&w), 7.0, 1);
        assert_eq!(widths.get(3), 7.0);
    }
}
