//! Sources: the edges that bring documents in: a directory (for `arkivar batch`), a RabbitMQ
//! job queue (for `arkivar worker`) and an HTTP API (for `arkivar serve`). Each hands the same
//! bytes to the same pipeline.

pub mod amqp;
pub mod dir;
pub mod http;
