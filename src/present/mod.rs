//! Record facts in words people read: what the CLI's `verify`, `signatures` and `batch`
//! print, and what the HTML and CSV reports show.
//!
//! Every enum the human output shows gets its word or phrase here, by a `match` on the type
//! (never on its serialised name), so a new variant does not build until it has words. The
//! record's JSON keeps the stable codes and UTC times; this module is only for people.
//!
//! - [`words`]: statuses, severities, finding codes, roles, sources, check failures.
//! - [`evidence`]: a finding's evidence as short `key: value` lines.
//! - [`level`]: a signature's PAdES baseline level and what the next level lacks.
//! - [`time`]: times in the pipeline's zone with their offset.
//! - [`signing`]: whether a signing or a signature holds, and how to mark one that does not.
//! - [`colour`]: whether to colour (`--color`, `NO_COLOR`, a terminal) and the escape codes.
//!
//! One language: English, with the Swedish legal terms where they are the names of the thing
//! (justering, justerare, sammanträdesprotokoll, anslag).

pub mod colour;
pub mod evidence;
pub mod level;
pub mod signing;
pub mod time;
pub mod words;
