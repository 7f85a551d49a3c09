//! Phrase templates with placeholders, as vocabularies write them:
//! `Dokumentet skickades med e-post till {recipient} för signering`.
//!
//! A template is literal text and placeholders, no two placeholders side by side. Matching is
//! on [`Folded`] text, so case, quotes, dashes and spacing do not matter, and a final full stop
//! is optional on both sides. Each literal is found left-most after the previous one, the last
//! one must end the text: no backtracking, so matching is linear in the text for every input.

use thiserror::Error;

use super::text::{Folded, fold_phrase};

/// What a placeholder captures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// Who did it: `Name (e-mail)`, a name or an e-mail address.
    Actor,
    /// To whom: a party, as `Actor`.
    Recipient,
    /// The signer an alternative or delegate stands in for.
    Original,
    /// A name as typed (the name a signer entered).
    Name,
    /// A document title.
    Title,
    /// Anything, not kept.
    Any,
}

/// A vocabulary template that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// `{…}` names no known placeholder.
    #[error("template '{template}': unknown placeholder '{{{name}}}'")]
    UnknownPlaceholder { template: String, name: String },
    /// Two placeholders with no text between them cannot be told apart.
    #[error("template '{template}': two placeholders side by side")]
    AdjacentPlaceholders { template: String },
    /// A `{` with no `}`.
    #[error("template '{template}': unclosed '{{'")]
    Unclosed { template: String },
    /// Nothing to match.
    #[error("template '{template}' is empty")]
    Empty { template: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Lit(Vec<char>),
    Cap(Slot),
}

/// A compiled template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    segments: Vec<Segment>,
}

/// Drops a final full stop and spaces, so "Avtal har slutförts." matches "Avtal har slutförts".
fn trim_end(chars: &[char]) -> &[char] {
    let mut end = chars.len();
    while end > 0 && matches!(chars.get(end - 1), Some('.' | ' ')) {
        end -= 1;
    }
    chars.get(..end).unwrap_or(chars)
}

impl Template {
    /// Compiles `source`; placeholders are `{actor}`, `{recipient}`, `{original}`, `{name}`,
    /// `{title}` and `{_}`.
    pub fn parse(source: &str) -> Result<Template, TemplateError> {
        let err_template = || source.to_string();
        let mut segments = Vec::new();
        let mut rest = source;
        while !rest.is_empty() {
            match rest.split_once('{') {
                None => {
                    segments.push(Segment::Lit(fold_phrase(rest)));
                    rest = "";
                }
                Some((lit, after)) => {
                    if !lit.is_empty() {
                        // Keep the spaces around a literal: they separate it from captures.
                        let mut chars = Vec::new();
                        if lit.starts_with(' ') {
                            chars.push(' ');
                        }
                        chars.extend(fold_phrase(lit));
                        if lit.ends_with(' ') && !lit.trim().is_empty() {
                            chars.push(' ');
                        }
                        segments.push(Segment::Lit(chars));
                    }
                    let Some((name, tail)) = after.split_once('}') else {
                        return Err(TemplateError::Unclosed {
                            template: err_template(),
                        });
                    };
                    let slot = match name.trim() {
                        "actor" => Slot::Actor,
                        "recipient" => Slot::Recipient,
                        "original" => Slot::Original,
                        "name" => Slot::Name,
                        "title" => Slot::Title,
                        "_" => Slot::Any,
                        other => {
                            return Err(TemplateError::UnknownPlaceholder {
                                template: err_template(),
                                name: other.to_string(),
                            });
                        }
                    };
                    if matches!(segments.last(), Some(Segment::Cap(_))) {
                        return Err(TemplateError::AdjacentPlaceholders {
                            template: err_template(),
                        });
                    }
                    segments.push(Segment::Cap(slot));
                    rest = tail;
                }
            }
        }
        // A final full stop is optional in text, so the template must not demand it.
        if let Some(Segment::Lit(last)) = segments.last_mut() {
            let keep = trim_end(last).len();
            last.truncate(keep);
            if last.is_empty() {
                segments.pop();
            }
        }
        segments.retain(|s| !matches!(s, Segment::Lit(l) if l.is_empty()));
        if segments.is_empty() {
            return Err(TemplateError::Empty {
                template: err_template(),
            });
        }
        Ok(Template { segments })
    }

    /// Matches the whole of `text`; returns the captures (trimmed, as written) in order.
    pub fn matches(&self, text: &Folded) -> Option<Vec<(Slot, String)>> {
        let end = trim_end(&text.chars).len();
        let mut pos = 0usize;
        let mut open: Option<(Slot, usize)> = None;
        let mut spans: Vec<(Slot, usize, usize)> = Vec::new();
        let last = self.segments.len().saturating_sub(1);
        for (i, seg) in self.segments.iter().enumerate() {
            match seg {
                Segment::Cap(slot) => open = Some((*slot, pos)),
                Segment::Lit(lit) => {
                    if let Some((slot, start)) = open.take() {
                        let at = if i == last {
                            let at = end.checked_sub(lit.len())?;
                            (at > start && text.has_at(lit, at)).then_some(at)?
                        } else {
                            let at = text.find(lit, start + 1)?;
                            (at + lit.len() <= end).then_some(at)?
                        };
                        spans.push((slot, start, at));
                        pos = at + lit.len();
                    } else {
                        // A literal that begins the template, or follows one: must be here.
                        if !text.has_at(lit, pos) {
                            // Leading spaces of a literal may be absent at the very start.
                            let trimmed: Vec<char> =
                                lit.iter().copied().skip_while(|c| *c == ' ').collect();
                            if pos == 0 && text.has_at(&trimmed, 0) {
                                pos = trimmed.len();
                                continue;
                            }
                            return None;
                        }
                        pos += lit.len();
                    }
                }
            }
        }
        if let Some((slot, start)) = open {
            if start >= end {
                return None;
            }
            spans.push((slot, start, end));
        } else if pos != end {
            return None;
        }
        let mut out = Vec::with_capacity(spans.len());
        for (slot, a, b) in spans {
            let s = text.original(a, b);
            if s.is_empty() {
                return None;
            }
            out.push((slot, s));
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(t: &str, s: &str) -> Option<Vec<(Slot, String)>> {
        Template::parse(t).unwrap().matches(&Folded::new(s))
    }

    #[test]
    fn captures_parties() {
        let got = m(
            "Dokumentet skickades med e-post till {recipient} för signering",
            "Dokumentet skickades med e-post till Annelie Ledin (annelie.ledin@kfvn.se) för signering",
        )
        .unwrap();
        assert_eq!(
            got,
            vec![(
                Slot::Recipient,
                "Annelie Ledin (annelie.ledin@kfvn.se)".into()
            )]
        );
    }

    #[test]
    fn three_captures_and_optional_full_stop() {
        let t = "{actor} har lagt till en alternativ signerare, {recipient}. Den ursprungliga \
                 signeraren, {original}, kan fortfarande signera.";
        let got = m(
            t,
            "Inger Lind (inger.lind@kfvn.se) har lagt till en alternativ signerare, \
             johan.andersson@solleftea.se. Den ursprungliga signeraren, johan.andersson@kfvn.se, \
             kan fortfarande signera",
        )
        .unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got[1].1, "johan.andersson@solleftea.se");
        assert_eq!(got[2].1, "johan.andersson@kfvn.se");
    }

    #[test]
    fn anchored_at_both_ends() {
        assert!(m("Email viewed by {actor}", "Document Email viewed by x@y.se").is_none());
        assert!(m("Agreement completed.", "Agreement completed. Extra").is_none());
        assert!(m("Agreement completed.", "AGREEMENT  COMPLETED").is_some());
        assert!(m("Email viewed by {actor}", "Email viewed by ").is_none());
    }

    #[test]
    fn bad_templates_are_errors() {
        assert!(matches!(
            Template::parse("{actor}{recipient}"),
            Err(TemplateError::AdjacentPlaceholders { .. })
        ));
        assert!(matches!(
            Template::parse("by {who}"),
            Err(TemplateError::UnknownPlaceholder { .. })
        ));
        assert!(matches!(
            Template::parse("by {actor"),
            Err(TemplateError::Unclosed { .. })
        ));
        assert!(matches!(
            Template::parse(" . "),
            Err(TemplateError::Empty { .. })
        ));
    }
}
