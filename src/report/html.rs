//! `report.html`: one self-contained page over a batch, for an archivist working offline.
//!
//! Everything is inline: the CSS, the script, and the rows as JSON in a
//! `<script type="application/json">` element. The page loads nothing from the network (its
//! Content-Security-Policy says so: `default-src 'none'`, only inline style and script).
//! The script builds the table with `textContent`, never `innerHTML`, because names, file
//! names and messages come from untrusted documents; and the embedded JSON has `<`, `>` and
//! `&` escaped as `\u003c` etc., so no document text can close the script element.
//!
//! The filter state lives in the URL fragment (`#q=lövgren&status=failed`), so a filtered view
//! can be bookmarked or handed on, and a headless browser test can ask for one.

use jiff::Timestamp;
use serde::Serialize;

use super::{Context, MeetingRow, Row};

/// The page's title and heading.
const TITLE: &str = "arkivar batch report";

/// One document as the page shows it: every text already in the words and the zone people
/// read, so the page's script only lays out what it is given.
#[derive(Debug, Serialize)]
struct Doc<'a> {
    file: String,
    sha256: &'a str,
    status: &'a str,
    pages: Option<u64>,
    meeting: Option<&'a MeetingRow>,
    signing: Vec<Signed<'a>>,
    findings: Vec<Found<'a>>,
    error: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct Signed<'a> {
    name: &'a str,
    role: String,
    /// Empty when no source dated the signing.
    time: String,
    source: String,
}

#[derive(Debug, Serialize)]
struct Found<'a> {
    code: &'a str,
    severity: &'a str,
    message: &'a str,
    /// `key: value` lines.
    evidence: Vec<String>,
}

impl<'a> Doc<'a> {
    fn new(row: &'a Row, context: &Context<'_>) -> Doc<'a> {
        Doc {
            file: context.file(row),
            sha256: &row.sha256,
            status: &row.status,
            pages: row.pages,
            meeting: row.meeting.as_ref(),
            signing: row
                .signing
                .iter()
                .map(|s| Signed {
                    name: &s.name,
                    role: super::role_words(&s.role),
                    time: s
                        .time
                        .as_deref()
                        .map(|t| context.time(t))
                        .unwrap_or_default(),
                    source: super::source_words(&s.source),
                })
                .collect(),
            findings: row
                .findings
                .iter()
                .map(|f| Found {
                    code: &f.code,
                    severity: &f.severity,
                    message: &f.message,
                    evidence: super::evidence_lines(&f.evidence, context.zone),
                })
                .collect(),
            error: row.error.as_deref(),
        }
    }
}

/// Renders the page for `rows`; `generated` is shown under the heading, in the context's zone.
pub fn render(rows: &[Row], context: &Context<'_>, generated: Timestamp) -> String {
    let docs: Vec<Doc<'_>> = rows.iter().map(|r| Doc::new(r, context)).collect();
    // Serializing plain strings, numbers and lists cannot fail; an empty list keeps the page
    // valid should it ever.
    let data = serde_json::to_string(&docs).unwrap_or_else(|_| "[]".to_owned());
    let data = escape_script_json(&data);
    let generated = escape_html(&context.time(&generated.to_string()));
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{TITLE}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<h1>{TITLE}</h1>
<p class="meta">Generated {generated} · <span id="counts"></span></p>
<div class="controls">
<input id="q" type="search" placeholder="Filter: file, signer, finding code, organ…" aria-label="Filter">
<select id="status" aria-label="Status">
<option value="">all statuses</option>
<option>verified</option><option>warnings</option><option>failed</option><option>unsigned</option><option>error</option>
</select>
<select id="sort" aria-label="Sort by">
<option value="file">by file</option><option value="status">by status</option><option value="pages">by pages</option>
<option value="date">by meeting date</option><option value="signers">by signer</option><option value="findings">by findings</option>
</select>
<span id="shown"></span>
</div>
</header>
<main>
<table id="docs">
<thead><tr>
<th data-key="file">File</th><th data-key="status">Status</th><th data-key="pages">Pages</th>
<th data-key="date">Meeting</th><th data-key="signers">Signed by</th><th data-key="findings">Findings</th>
</tr></thead>
<tbody></tbody>
</table>
<p class="hint">Click a document for who signed when, the findings with their evidence, and the meeting facts. Click a column heading to sort.</p>
</main>
<script type="application/json" id="arkivar-data">{data}</script>
<script>{SCRIPT}</script>
</body>
</html>
"#
    )
}

/// Makes JSON safe inside a `<script>` element: `</script>` or `<!--` in a string must not
/// end it. The escapes are valid JSON, so `JSON.parse` reads the same values.
fn escape_script_json(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str = r#"
:root { --ok:#1b7f3b; --warn:#a86400; --bad:#b3261e; --mute:#666; --line:#ddd; }
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #222; }
header { position: sticky; top: 0; z-index: 1; background: #fafafa; border-bottom: 1px solid var(--line); padding: 8px 16px; }
h1 { font-size: 18px; margin: 0 0 2px; }
.meta { margin: 0 0 6px; color: var(--mute); }
.controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
#q { flex: 1 1 12em; max-width: 420px; min-width: 0; padding: 4px 6px; }
#sort { display: none; }
#shown { color: var(--mute); }
main { padding: 8px 16px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: break-word; }
th { cursor: pointer; user-select: none; background: #f0f0f0; white-space: nowrap; }
.num { white-space: nowrap; }
th.asc::after { content: " ▲"; } th.desc::after { content: " ▼"; }
tr.doc { cursor: pointer; } tr.doc:hover { background: #f5f8ff; }
.file { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
td.file { width: 30%; }
.status { white-space: nowrap; font-weight: 600; padding: 1px 6px; border-radius: 8px; color: #fff; font-size: 12px; }
.s-verified { background: var(--ok); } .s-warnings { background: var(--warn); }
.s-failed, .s-error { background: var(--bad); } .s-unsigned { background: var(--mute); }
.code { font-family: ui-monospace, monospace; font-size: 12px; display: inline-block; margin-right: 6px; overflow-wrap: break-word; max-width: 100%; }
.sev-error { color: var(--bad); } .sev-warning { color: var(--warn); } .sev-info { color: var(--mute); }
tr.detail > td { background: #fcfcfc; padding: 8px 16px 12px; }
.detail h3 { font-size: 13px; margin: 8px 0 4px; }
.detail table { width: auto; max-width: 100%; }
.detail th { cursor: default; }
.detail pre { margin: 2px 0 6px; font-size: 12px; background: #f4f4f4; padding: 4px 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
.finding { margin: 4px 0; }
.evidence { margin: 2px 0 6px; padding: 4px 6px 4px 20px; font-size: 12px; background: #f4f4f4; }
.evidence li, .message { overflow-wrap: anywhere; }
.hint { color: var(--mute); }
/* A phone or a narrow window: one card per document instead of a table six columns wide,
   which below this width would break names and finding codes inside words. */
@media (max-width: 899px) {
  header { position: static; padding: 8px 10px; }
  main { padding: 4px 10px; }
  #q { flex-basis: 100%; max-width: none; }
  #sort { display: inline-block; }
  #docs, #docs > tbody, #docs > tbody > tr, #docs > tbody > tr > td { display: block; width: auto; }
  #docs > thead { display: none; }
  #docs > tbody > tr.doc { border: 1px solid var(--line); border-radius: 6px; margin-top: 8px; padding: 6px 8px; }
  #docs > tbody > tr.doc > td { border: 0; padding: 1px 0; }
  #docs > tbody > tr.doc > td:empty { display: none; }
  #docs > tbody > tr.doc > td[data-label]::before { content: attr(data-label) ": "; color: var(--mute); }
  #docs > tbody > tr.detail { border: 1px solid var(--line); border-top: 0; border-radius: 0 0 6px 6px; }
  #docs > tbody > tr.detail > td { padding: 4px 8px 8px; border: 0; }
  .detail table, .detail tbody, .detail tr, .detail th, .detail td { display: block; width: auto; }
  .detail tr { padding: 2px 0; border-bottom: 1px solid var(--line); }
  .detail th, .detail td { border: 0; padding: 0; background: none; }
  .detail tr.head { display: none; }
  .detail td[data-label]::before { content: attr(data-label) ": "; color: var(--mute); }
  .detail th { display: inline; color: var(--mute); font-weight: normal; }
  .detail th::after { content: ": "; }
  .detail th + td { display: inline; }
}
"#;

const SCRIPT: &str = r##"
"use strict";
(function () {
  var rows = JSON.parse(document.getElementById("arkivar-data").textContent);
  var tbody = document.querySelector("#docs tbody");
  var q = document.getElementById("q");
  var statusSel = document.getElementById("status");
  var sortSel = document.getElementById("sort");
  var sortKey = "file", sortDir = 1, open = {};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function signers(r) { return r.signing.map(function (s) { return s.name; }).join(", "); }
  function codes(r) {
    var seen = [];
    r.findings.forEach(function (f) { if (seen.indexOf(f.code) < 0) seen.push(f.code); });
    return seen;
  }
  function sortValue(r, key) {
    if (key === "pages") return r.pages === null ? -1 : r.pages;
    if (key === "signers") return signers(r).toLowerCase();
    if (key === "findings") return r.findings.length;
    if (key === "date") return r.meeting && r.meeting.date ? r.meeting.date : "";
    return String(r[key] || "").toLowerCase();
  }
  function haystack(r) {
    var m = r.meeting || {};
    return [r.file, r.sha256, r.status, signers(r), codes(r).join(" "), m.organ, m.date, m.place, r.error]
      .join(" ").toLowerCase();
  }
  function readHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    q.value = params.get("q") || "";
    statusSel.value = params.get("status") || "";
    if (params.get("sort")) { sortKey = params.get("sort"); sortDir = params.get("dir") === "desc" ? -1 : 1; }
  }
  function writeHash() {
    var params = new URLSearchParams();
    if (q.value) params.set("q", q.value);
    if (statusSel.value) params.set("status", statusSel.value);
    if (sortKey !== "file" || sortDir !== 1) { params.set("sort", sortKey); params.set("dir", sortDir < 0 ? "desc" : "asc"); }
    var hash = params.toString();
    history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
  }
  function labelled(tag, label, text, cls) {
    var e = el(tag, cls, text);
    e.dataset.label = label;
    return e;
  }
  function detail(r) {
    var td = el("td"); td.colSpan = 6;
    var box = el("div", "detail");
    box.appendChild(el("div", "file", r.sha256));
    if (r.error) { box.appendChild(el("h3", null, "Could not be processed")); box.appendChild(el("pre", null, r.error)); }
    box.appendChild(el("h3", null, "Signed"));
    if (r.signing.length === 0) box.appendChild(el("p", null, "No signatures."));
    else {
      var t = el("table"), head = el("tr", "head"), labels = ["Time", "Name", "Role", "Source"];
      labels.forEach(function (h) { head.appendChild(el("th", null, h)); });
      t.appendChild(head);
      r.signing.forEach(function (s) {
        var tr = el("tr");
        [s.time || "no time", s.name, s.role, s.source].forEach(function (v, i) { tr.appendChild(labelled("td", labels[i], v)); });
        t.appendChild(tr);
      });
      box.appendChild(t);
    }
    box.appendChild(el("h3", null, "Findings"));
    if (r.findings.length === 0) box.appendChild(el("p", null, "None."));
    r.findings.forEach(function (f) {
      var p = el("div", "finding");
      p.appendChild(el("span", "code sev-" + f.severity, f.severity + " " + f.code));
      p.appendChild(el("span", "message", f.message));
      box.appendChild(p);
      if (f.evidence.length) {
        var ul = el("ul", "evidence");
        f.evidence.forEach(function (line) { ul.appendChild(el("li", null, line)); });
        box.appendChild(ul);
      }
    });
    if (r.meeting) {
      var m = r.meeting;
      box.appendChild(el("h3", null, "Meeting"));
      var facts = [["Organ", m.organ], ["Date", m.date], ["Time", [m.start, m.end].filter(Boolean).join("–")],
        ["Place", m.place], ["Participants", m.participants], ["Chair", m.chair.join(", ")],
        ["Secretary", m.secretary.join(", ")], ["Adjusters", m.adjusters.join(", ")]];
      var ft = el("table");
      facts.forEach(function (kv) {
        var tr = el("tr"); tr.appendChild(el("th", null, kv[0])); tr.appendChild(el("td", null, kv[1] === undefined || kv[1] === null ? "" : kv[1]));
        ft.appendChild(tr);
      });
      box.appendChild(ft);
    }
    td.appendChild(box);
    var tr = el("tr", "detail"); tr.appendChild(td);
    return tr;
  }
  function render() {
    var needle = q.value.trim().toLowerCase(), want = statusSel.value;
    var shown = rows.filter(function (r) {
      return (!want || r.status === want) && (!needle || haystack(r).indexOf(needle) >= 0);
    });
    shown.sort(function (a, b) {
      var x = sortValue(a, sortKey), y = sortValue(b, sortKey);
      return (x < y ? -1 : x > y ? 1 : 0) * sortDir;
    });
    while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
    shown.forEach(function (r) {
      var tr = el("tr", "doc");
      tr.dataset.sha256 = r.sha256;
      tr.dataset.status = r.status;
      tr.appendChild(el("td", "file", r.file));
      var st = el("td"); st.appendChild(el("span", "status s-" + r.status, r.status)); tr.appendChild(st);
      tr.appendChild(labelled("td", "Pages", r.pages === null ? "" : r.pages, "num"));
      var m = r.meeting;
      tr.appendChild(labelled("td", "Meeting", m ? [m.date, m.organ].filter(Boolean).join(" · ") : ""));
      tr.appendChild(labelled("td", "Signed by", signers(r)));
      var fc = labelled("td", "Findings");
      // One badge per code, worst severity first as the record lists them; repeats counted.
      var seen = {};
      r.findings.forEach(function (f) {
        if (seen[f.code]) { seen[f.code].n += 1; seen[f.code].span.textContent = f.code + " \u00d7" + seen[f.code].n; return; }
        var span = el("span", "code sev-" + f.severity, f.code);
        seen[f.code] = { n: 1, span: span };
        fc.appendChild(span);
      });
      tr.appendChild(fc);
      tr.addEventListener("click", function () { open[r.sha256] = !open[r.sha256]; render(); });
      tbody.appendChild(tr);
      if (open[r.sha256]) tbody.appendChild(detail(r));
    });
    document.querySelectorAll("#docs thead th").forEach(function (th) {
      th.className = th.dataset.key === sortKey ? (sortDir > 0 ? "asc" : "desc") : "";
    });
    sortSel.value = sortKey;
    document.getElementById("shown").textContent = shown.length + " of " + rows.length + " shown";
    document.body.dataset.shown = String(shown.length);
  }
  var counts = {};
  rows.forEach(function (r) { counts[r.status] = (counts[r.status] || 0) + 1; });
  document.getElementById("counts").textContent = rows.length + " documents: " +
    Object.keys(counts).sort().map(function (k) { return counts[k] + " " + k; }).join(", ");
  document.querySelectorAll("#docs thead th").forEach(function (th) {
    th.addEventListener("click", function () {
      if (sortKey === th.dataset.key) sortDir = -sortDir; else { sortKey = th.dataset.key; sortDir = 1; }
      writeHash(); render();
    });
  });
  q.addEventListener("input", function () { writeHash(); render(); });
  statusSel.addEventListener("change", function () { writeHash(); render(); });
  sortSel.addEventListener("change", function () { sortKey = sortSel.value; sortDir = 1; writeHash(); render(); });
  window.addEventListener("hashchange", function () { readHash(); render(); });
  readHash();
  if (new URLSearchParams(location.hash.replace(/^#/, "")).get("open") === "all") rows.forEach(function (r) { open[r.sha256] = true; });
  render();
  document.body.dataset.ready = "true";
})();
"##;

#[cfg(test)]
mod tests {
    use std::path::Path;

    use jiff::tz::TimeZone;
    use serde_json::json;

    use super::*;
    use crate::report::{FindingRow, SigningRow};

    fn page(rows: &[Row]) -> String {
        let zone = TimeZone::get("Europe/Stockholm").unwrap();
        let context = Context {
            root: Path::new("/srv/arkiv/in"),
            zone: &zone,
        };
        let generated: Timestamp = "2022-09-26T08:58:35.123456789Z".parse().unwrap();
        render(rows, &context, generated)
    }

    /// The rows as the page's script receives them.
    fn data(page: &str) -> serde_json::Value {
        let start = page.find("id=\"arkivar-data\">").unwrap() + "id=\"arkivar-data\">".len();
        let end = start + page[start..].find("</script>").unwrap();
        serde_json::from_str(&page[start..end]).unwrap()
    }

    #[test]
    fn document_text_cannot_close_the_data_script() {
        let row = Row {
            file: "</script><script>alert(1)</script>.pdf".into(),
            ..Row::default()
        };
        let page = page(&[row]);
        assert!(!page.contains("</script><script>alert(1)"));
        assert!(page.contains("\\u003c/script\\u003e"));
        // Exactly the two script elements the page has.
        assert_eq!(page.matches("</script>").count(), 2);
    }

    #[test]
    fn page_loads_nothing_from_the_network() {
        let page = page(&[]);
        assert!(page.contains("default-src 'none'"));
        assert!(
            !page.contains("http://") && !page.contains("https://"),
            "no remote URLs"
        );
        assert!(!page.contains("src="), "no external script or image");
    }

    /// Issue 25: absolute paths took a third of the width, evidence was JSON, times were UTC
    /// with nanoseconds.
    #[test]
    fn paths_are_relative_times_local_and_evidence_is_text() {
        let row = Row {
            file: "/srv/arkiv/in/2022/ks/protokoll.pdf".into(),
            signing: vec![SigningRow {
                name: "Åsa Öberg".into(),
                role: "adjuster".into(),
                time: Some("2022-09-27T07:00:00.5Z".into()),
                source: "pades".into(),
            }],
            findings: vec![FindingRow {
                code: "time.late_adjustment".into(),
                severity: "warning".into(),
                message: "m".into(),
                evidence: json!({"signed_at": "2022-10-20T12:00:00Z", "days": 24,
                                 "change": {"field": "Signatur2", "page": null}}),
            }],
            ..Row::default()
        };
        let page = page(&[row]);
        assert!(
            page.contains("Generated 2022-09-26 10:58:35 +02:00 ·"),
            "the header's time is local, in whole seconds"
        );
        assert!(!page.contains("/srv/arkiv/in"), "no absolute path");
        let doc = &data(&page)[0];
        assert_eq!(doc["file"], "2022/ks/protokoll.pdf");
        assert_eq!(doc["signing"][0]["time"], "2022-09-27 09:00:00 +02:00");
        assert_eq!(doc["signing"][0]["role"], "justerare");
        assert_eq!(doc["signing"][0]["source"], "PDF signature");
        assert_eq!(
            doc["findings"][0]["evidence"],
            json!([
                "change field: Signatur2",
                "days: 24",
                "signed at: 2022-10-20 14:00:00 +02:00"
            ])
        );
    }
}
