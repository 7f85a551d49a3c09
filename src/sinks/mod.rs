//! Sinks: the edges that take records out. Today a folder of JSON files; HTTP archives, a
//! results exchange and archival packages join later. A sink confirms a record only once it
//! is durable, so a source may acknowledge the input (design.md: "Nothing is lost").

pub mod fs;
