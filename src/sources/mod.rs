//! Sources: the edges that bring documents in: a directory (for `arkivar batch`), a RabbitMQ
//! job queue (for `arkivar worker`) and an HTTP API (for `arkivar serve`). Each hands the same
//! bytes to the same pipeline. [`fetch`] is the download of a document from an allow-listed
//! URL that the worker and the HTTP API share; [`open`] is the reading of a document's file
//! that the CLI, `batch` and the worker share.

pub mod amqp;
pub mod dir;
pub mod fetch;
pub mod http;
pub mod open;
