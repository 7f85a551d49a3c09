//! The real RabbitMQ at 127.0.0.1:5672 for integration tests: a vhost of its own per test,
//! made and removed with `rabbitmqctl`.
//!
//! Without a broker a test says why and skips; with `CI=true` it fails instead.

#![allow(dead_code)]

use std::process::Command;
use std::time::Duration;

/// Where the broker listens.
pub const BROKER: &str = "127.0.0.1:5672";

/// A vhost for one test; deleted on drop.
pub struct Vhost {
    pub name: String,
}

impl Vhost {
    /// A fresh vhost, or `None` (after saying why) when there is no broker to test against.
    pub fn create() -> Option<Vhost> {
        // Asked once per test process: each rabbitmqctl call starts an Erlang VM (~1 s).
        static BROKER_USABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        let usable = *BROKER_USABLE.get_or_init(|| {
            std::net::TcpStream::connect_timeout(&BROKER.parse().unwrap(), Duration::from_secs(2))
                .is_ok()
                && rabbitmqctl(&["status"]).is_ok()
        });
        if !usable {
            let why = format!("no RabbitMQ at {BROKER} with a working rabbitmqctl");
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{why}; CI=true requires the broker");
            }
            crate::common::skip(&why);
            return None;
        }
        let name = format!("arkivar-test-{}", uuid::Uuid::new_v4().simple());
        rabbitmqctl(&["add_vhost", &name]).unwrap();
        rabbitmqctl(&["set_permissions", "-p", &name, "guest", ".*", ".*", ".*"]).unwrap();
        Some(Vhost { name })
    }

    /// The AMQP URL of this vhost as guest.
    pub fn url(&self) -> String {
        format!("amqp://guest:guest@{BROKER}/{}", self.name)
    }

    /// Takes the test user's permissions away: connections to the vhost are refused.
    pub fn revoke(&self) {
        rabbitmqctl(&["clear_permissions", "-p", &self.name, "guest"]).unwrap();
    }

    /// Gives the test user its permissions back.
    pub fn grant(&self) {
        rabbitmqctl(&[
            "set_permissions",
            "-p",
            &self.name,
            "guest",
            ".*",
            ".*",
            ".*",
        ])
        .unwrap();
    }

    /// Closes every client connection to this vhost, as a broker restart would.
    pub fn cut_connections(&self) {
        rabbitmqctl(&[
            "close_all_connections",
            "-p",
            &self.name,
            "test cuts the connection",
        ])
        .unwrap();
    }
}

impl Drop for Vhost {
    fn drop(&mut self) {
        let _ = rabbitmqctl(&["delete_vhost", &self.name]);
    }
}

/// Runs `rabbitmqctl` with `args`: its stdout, or its stderr as the error.
pub fn rabbitmqctl(args: &[&str]) -> Result<String, String> {
    let out = Command::new("rabbitmqctl")
        .args(args)
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Waits up to `within` for a worker to have declared its topology (the job queue exists, as
/// a passive declare on a fresh channel says); whether it did.
pub async fn job_queue_declared(conn: &lapin::Connection, within: Duration) -> bool {
    let deadline = std::time::Instant::now() + within;
    loop {
        if let Ok(probe) = conn.create_channel().await {
            let passive = lapin::options::QueueDeclareOptions {
                passive: true,
                ..Default::default()
            };
            let declared = probe
                .queue_declare(
                    "arkivar.jobs".into(),
                    passive,
                    lapin::types::FieldTable::default(),
                )
                .await
                .is_ok();
            if declared {
                return true;
            }
        }
        if std::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
