//! `docs/verdict.md` is the contract registrar systems route on, so it must list exactly the
//! codes the record's schema allows: a code the schema gains without a line in the doc is an
//! undocumented API, and a line the schema does not allow documents something a record can
//! never say.
//!
//! Each closed set of codes in the schema (`record_schema()`, what `arkivar schema` prints)
//! has one table in the doc whose header's first cell is the code's place in the record
//! (`findings[].code`, `error.kind`, …); the first column of that table, one backticked code
//! per row, must be the schema's set.

use std::collections::BTreeSet;

use arkivar::pipeline::config::{BUILTIN, builtin};
use arkivar::record::{FindingCode, RECORD_VERSION, Severity, record_schema};
use serde_json::Value;

const VERDICT_MD: &str = include_str!("../docs/verdict.md");

/// Which schema definition each table of `docs/verdict.md` documents, by the table's first
/// header cell (the field's place in the record) and the definition in the schema's `$defs`.
const CODE_TABLES: &[(&str, &str)] = &[
    ("`status`", "Status"),
    ("`findings[].severity`", "Severity"),
    ("`findings[].code`", "FindingCode"),
    ("`error.kind`", "ErrorKind"),
    ("`signatures[].error.code`", "CheckErrorKind"),
    ("`signatures[].warnings[].code`", "CmsWarning"),
    (
        "`signatures[].revocation.certificates[].status`",
        "RevocationStatus",
    ),
    (
        "`signatures[].revocation.certificates[].source`",
        "RevocationSource",
    ),
    (
        "`signatures[].revocation.certificates[].refused[].reason`",
        "RefusalReason",
    ),
    ("`signatures[].level`", "PadesLevel"),
    (
        "`signatures[].signer.qualified.status`",
        "QualificationStatus",
    ),
    ("`signatures[].level_missing[].code`", "LevelGap"),
    (
        "`signatures[].proof_of_existence.source`",
        "ExistenceSource",
    ),
    (
        "`signatures[].proof_of_existence.refused[].reason`",
        "TimestampRefusal",
    ),
    ("`signatures[].indication.main`", "MainIndication"),
    ("`signatures[].indication.sub`", "SubIndication"),
    ("`signing[].source`", "SigningSource"),
    ("`signing[].role`", "SignerRole"),
    ("`signing[].matched`", "MatchState"),
    ("`signing[].times[].uncovered`", "Uncovered"),
    ("`pages[].warnings[].kind`", "TextWarning"),
];

/// One row of a markdown table, as trimmed cells (the outer pipes dropped).
fn cells(line: &str) -> Vec<&str> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(str::trim).collect()
}

/// The body rows of the one table in `doc` whose first header cell is `header`. Panics, naming
/// the header, when there is no such table or more than one: the test must not pass by reading
/// nothing.
fn table_rows<'a>(doc: &'a str, header: &str) -> Vec<Vec<&'a str>> {
    let lines: Vec<&str> = doc.lines().collect();
    let starts: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with('|') && cells(l).first() == Some(&header))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(
        starts.len(),
        1,
        "docs/verdict.md should have exactly one table whose first header cell is {header}"
    );
    lines[starts[0] + 2..]
        .iter()
        .take_while(|l| l.trim_start().starts_with('|'))
        .map(|l| cells(l))
        .collect()
}

/// The code a table row documents: its first cell, which must be one backticked code.
fn row_code<'a>(header: &str, row: &[&'a str]) -> &'a str {
    let first = row.first().copied().unwrap_or_default();
    first
        .strip_prefix('`')
        .and_then(|s| s.strip_suffix('`'))
        .filter(|s| !s.is_empty() && !s.contains('`'))
        .unwrap_or_else(|| {
            panic!("in the {header} table, a row's first cell should be one `code`, not {first:?}")
        })
}

/// The string values a schema definition allows: an `enum`, `const`s, or for tagged unions of
/// objects the tag property's `const` (`kind`, `code`).
fn schema_values(schema: &Value, def: &str) -> BTreeSet<String> {
    let node = &schema["$defs"][def];
    assert!(node.is_object(), "the record schema has no $defs/{def}");
    let mut values = BTreeSet::new();
    if let Some(list) = node["enum"].as_array() {
        values.extend(list.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    for variant in node["oneOf"].as_array().into_iter().flatten() {
        if let Some(c) = variant["const"].as_str() {
            values.insert(c.to_owned());
        } else if let Some(list) = variant["enum"].as_array() {
            values.extend(list.iter().filter_map(Value::as_str).map(str::to_owned));
        } else {
            let tags = ["kind", "code"]
                .iter()
                .filter_map(|tag| variant["properties"][tag]["const"].as_str())
                .collect::<Vec<_>>();
            assert_eq!(
                tags.len(),
                1,
                "a variant of $defs/{def} has no const, enum or tag this test knows: {variant}"
            );
            values.insert(tags[0].to_owned());
        }
    }
    assert!(!values.is_empty(), "$defs/{def} allows no values");
    values
}

#[test]
fn verdict_md_lists_exactly_the_codes_the_schema_allows() {
    let schema = record_schema();
    let mut problems = Vec::new();
    for (header, def) in CODE_TABLES {
        let rows = table_rows(VERDICT_MD, header);
        let mut documented = BTreeSet::new();
        for row in &rows {
            let code = row_code(header, row);
            if !documented.insert(code.to_owned()) {
                problems.push(format!("{header}: `{code}` is listed twice"));
            }
            if row.iter().skip(1).all(|c| c.is_empty() || *c == "—") {
                problems.push(format!("{header}: `{code}` has no meaning"));
            }
        }
        let allowed = schema_values(&schema, def);
        for code in allowed.difference(&documented) {
            problems.push(format!(
                "{header}: the schema allows `{code}` ($defs/{def}), docs/verdict.md does not list it"
            ));
        }
        for code in documented.difference(&allowed) {
            problems.push(format!(
                "{header}: docs/verdict.md lists `{code}`, the schema ($defs/{def}) does not allow it"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The finding table's `default` column is the severity a finding has under the built-in
/// pipelines, which is what a registrar sees unless it writes its own policy.
#[test]
fn verdict_md_default_severities_are_the_built_in_pipelines() {
    let header = "`findings[].code`";
    let rows = table_rows(VERDICT_MD, header);
    let mut problems = Vec::new();
    for row in &rows {
        let name = row_code(header, row);
        let Some(code) = FindingCode::from_name(name) else {
            // Unknown codes are the other test's to report.
            continue;
        };
        let documented = row.get(1).copied().unwrap_or_default();
        let default = severity_name(code.default_severity());
        if documented != default {
            problems.push(format!(
                "`{name}`: docs/verdict.md says {documented:?}, the default is {default:?}"
            ));
        }
        for (pipeline, _) in BUILTIN {
            let config = builtin(pipeline).expect("built-in pipelines load");
            let used = severity_name(config.verify.severity(code));
            if used != default {
                problems.push(format!(
                    "`{name}`: pipeline {pipeline} makes it {used:?}, not the documented {default:?}"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn severity_name(severity: Severity) -> String {
    match serde_json::to_value(severity) {
        Ok(Value::String(s)) => s,
        other => panic!("a severity serialises as a string, not {other:?}"),
    }
}

/// The contract is versioned with the record: the doc names the version the code writes.
#[test]
fn verdict_md_names_the_record_version() {
    let line = format!("`record_version` is `{RECORD_VERSION}`");
    assert!(
        VERDICT_MD.contains(&line),
        "docs/verdict.md should say {line} (RECORD_VERSION in src/record.rs)"
    );
}
