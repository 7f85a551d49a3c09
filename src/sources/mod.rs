//! Sources: the edges that bring documents in: a directory (for `arkivar batch`) and a
//! RabbitMQ job queue (for `arkivar worker`); an HTTP endpoint joins later and hands the same
//! bytes to the pipeline.

pub mod amqp;
pub mod dir;
pub mod http;
