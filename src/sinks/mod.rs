//! Sinks: the edges that take records out: a folder of JSON files, an HTTP archive and the
//! results exchange. A sink confirms a record only once it is durable, so a source may
//! acknowledge the input (design.md: "Nothing is lost").

pub mod amqp;
pub mod fs;
pub mod http;
