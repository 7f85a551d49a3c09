//! A finding's evidence as short `key: value` lines: nested objects flattened into readable
//! keys (`change field: Signatur2`), lists joined, times in the pipeline's zone, confidences
//! as whole percentages, nulls left out.

use std::collections::BTreeMap;

use jiff::tz::TimeZone;
use serde_json::Value;

use super::time;

/// A list longer than this shows its first items and how many more there are.
const MAX_LIST_ITEMS: usize = 8;

/// Nesting deeper than this shows as one compact line: evidence is a few levels deep, and a
/// line per leaf of a deep tree is no longer short.
const MAX_DEPTH: usize = 3;

/// The evidence of a finding (as the record holds it) as `(key, value)` lines, in key order.
pub fn lines(evidence: &BTreeMap<String, Value>, zone: &TimeZone) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (key, value) in evidence {
        push(&mut out, &readable_key(key), key, value, zone, 0);
    }
    out
}

/// The same lines from evidence held as one JSON value (an object, as reports read it back
/// from record files); anything else is one line keyed `evidence`.
pub fn value_lines(evidence: &Value, zone: &TimeZone) -> Vec<(String, String)> {
    let mut out = Vec::new();
    match evidence {
        Value::Object(map) => {
            for (key, value) in map {
                push(&mut out, &readable_key(key), key, value, zone, 0);
            }
        }
        other => push(&mut out, "evidence", "evidence", other, zone, 0),
    }
    out
}

/// `signed_revision` → `signed revision`.
fn readable_key(key: &str) -> String {
    key.replace('_', " ")
}

fn push(
    out: &mut Vec<(String, String)>,
    label: &str,
    key: &str,
    value: &Value,
    zone: &TimeZone,
    depth: usize,
) {
    match value {
        Value::Null => {}
        Value::Object(map) if depth < MAX_DEPTH => {
            for (k, v) in map {
                push(
                    out,
                    &format!("{label} {}", readable_key(k)),
                    k,
                    v,
                    zone,
                    depth + 1,
                );
            }
        }
        Value::Array(items) if depth < MAX_DEPTH && items.iter().any(is_structured) => {
            for (i, v) in items.iter().enumerate() {
                push(out, &format!("{label} {}", i + 1), key, v, zone, depth + 1);
            }
        }
        other => {
            if let Some(text) = scalar(key, other, zone) {
                out.push((label.to_owned(), text));
            }
        }
    }
}

fn is_structured(value: &Value) -> bool {
    matches!(value, Value::Object(_) | Value::Array(_))
}

/// A value on one line; `None` for nothing to show (null, an empty list).
fn scalar(key: &str, value: &Value, zone: &TimeZone) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Bool(true) => Some("yes".into()),
        Value::Bool(false) => Some("no".into()),
        Value::Number(n) => Some(number(key, n)),
        Value::String(s) => Some(time::local_text(s, zone)),
        Value::Array(items) => {
            let shown: Vec<String> = items
                .iter()
                .take(MAX_LIST_ITEMS)
                .filter_map(|v| scalar(key, v, zone))
                .collect();
            if shown.is_empty() {
                return None;
            }
            let mut text = shown.join(", ");
            if items.len() > MAX_LIST_ITEMS {
                text.push_str(&format!(" and {} more", items.len() - MAX_LIST_ITEMS));
            }
            Some(text)
        }
        // Past MAX_DEPTH: compact JSON is still one honest line.
        Value::Object(_) => Some(value.to_string()),
    }
}

/// Integers as they are; a confidence (OCR's 0–100 scale) as a whole percentage; other
/// fractions to two decimals at most, without trailing zeros.
fn number(key: &str, n: &serde_json::Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    let Some(x) = n.as_f64() else {
        return n.to_string();
    };
    if key.ends_with("confidence") {
        return format!("{x:.0} %");
    }
    let text = format!("{x:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stockholm() -> TimeZone {
        TimeZone::get("Europe/Stockholm").expect("bundled tzdb")
    }

    fn map(value: Value) -> BTreeMap<String, Value> {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn nested_objects_become_readable_keys_and_nulls_go() {
        let evidence = map(json!({
            "field": "Signatur2",
            "signed_revision": 1,
            "modification_level": "other",
            "change": {"field": null, "object": [12, 0], "subject": "page"},
        }));
        let lines = lines(&evidence, &stockholm());
        assert_eq!(
            lines,
            vec![
                ("change object".to_owned(), "12, 0".to_owned()),
                ("change subject".to_owned(), "page".to_owned()),
                ("field".to_owned(), "Signatur2".to_owned()),
                ("modification level".to_owned(), "other".to_owned()),
                ("signed revision".to_owned(), "1".to_owned()),
            ]
        );
        for (key, value) in &lines {
            assert!(!value.contains("{\""), "{key}: {value}");
        }
    }

    #[test]
    fn confidence_is_a_whole_percentage_and_times_are_local() {
        let evidence = map(json!({
            "mean_confidence": 95.61578302910688,
            "ratio": 0.5,
            "time": "2022-09-26T08:58:35Z",
            "meeting_date": "2022-09-20",
            "intact": false,
        }));
        let lines = lines(&evidence, &stockholm());
        let get = |k: &str| {
            lines
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("mean confidence"), Some("96 %"));
        assert_eq!(get("ratio"), Some("0.5"));
        assert_eq!(get("time"), Some("2022-09-26 10:58:35 +02:00"));
        assert_eq!(get("meeting date"), Some("2022-09-20"));
        assert_eq!(get("intact"), Some("no"));
    }

    #[test]
    fn lists_of_objects_are_numbered_and_long_lists_cut() {
        let pages: Vec<u32> = (1..=10).collect();
        let evidence = json!({
            "errors": [{"page": 2, "line": 7}, {"page": 3, "line": 1}],
            "pages": pages,
        });
        let lines = value_lines(&evidence, &TimeZone::UTC);
        assert!(lines.contains(&("errors 1 page".to_owned(), "2".to_owned())));
        assert!(lines.contains(&("errors 2 line".to_owned(), "1".to_owned())));
        assert!(lines.contains(&(
            "pages".to_owned(),
            "1, 2, 3, 4, 5, 6, 7, 8 and 2 more".to_owned()
        )));
    }

    #[test]
    fn evidence_that_is_not_an_object_is_one_line() {
        assert_eq!(
            value_lines(&json!("text"), &TimeZone::UTC),
            vec![("evidence".to_owned(), "text".to_owned())]
        );
        assert!(value_lines(&Value::Null, &TimeZone::UTC).is_empty());
    }
}
