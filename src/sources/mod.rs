//! Sources: the edges that bring documents in. Today a directory (for `arkivar batch`); a
//! message queue and an HTTP endpoint join later and hand the same bytes to the pipeline.

pub mod dir;
pub mod http;
