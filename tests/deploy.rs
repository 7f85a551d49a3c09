//! The systemd units in `deploy/`: `systemd-analyze verify` accepts them (with the built binary
//! in place of `/usr/local/bin/arkivar`), every option their `ExecStart` passes is one arkivar
//! takes, and systemd waits longer for a stop than arkivar's own shutdown deadline. The
//! Kubernetes manifests and `deploy/Dockerfile` likewise: their arguments are ones arkivar
//! takes, and the image's user, pipelines folder and health-check ports are the manifests'.
//! (`scripts/container-smoke.sh` builds and runs the image itself.)

use std::path::{Path, PathBuf};
use std::process::Command;

const UNITS: [&str; 4] = [
    "arkivar-batch.service",
    "arkivar-batch.timer",
    "arkivar-worker.service",
    "arkivar-serve.service",
];

fn deploy() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy")
}

fn unit(name: &str) -> String {
    std::fs::read_to_string(deploy().join(name)).unwrap()
}

/// The value of `key=` in a unit (the first one).
fn setting<'u>(unit: &'u str, key: &str) -> Option<&'u str> {
    unit.lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
        .map(str::trim)
}

/// `ExecStart`'s words with the built binary for arkivar and a path for `%d` (the
/// credentials folder).
fn exec_start(unit: &str) -> Vec<String> {
    setting(unit, "ExecStart")
        .unwrap()
        .split_whitespace()
        .map(|w| {
            w.replace("/usr/local/bin/arkivar", env!("CARGO_BIN_EXE_arkivar"))
                .replace("%d", "/run/credentials/x")
        })
        .collect()
}

#[test]
fn systemd_accepts_the_units() {
    if Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but systemd-analyze is missing (.ci/run installs systemd)"
        );
        eprintln!("skipped systemd_accepts_the_units: no systemd-analyze");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for name in UNITS {
        let text = unit(name).replace("/usr/local/bin/arkivar", env!("CARGO_BIN_EXE_arkivar"));
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .args(UNITS.map(|u| dir.path().join(u)))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.trim().is_empty(), "{stderr}");
}

#[test]
fn every_option_a_unit_passes_is_one_arkivar_takes() {
    for name in UNITS.iter().filter(|u| u.ends_with(".service")) {
        let words = exec_start(&unit(name));
        // `--help` after every other option: clap refuses an unknown option before it
        // reaches the help.
        let out = Command::new(&words[0])
            .args(&words[1..])
            .arg("--help")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn systemd_waits_longer_than_the_shutdown_deadline() {
    for name in ["arkivar-worker.service", "arkivar-serve.service"] {
        let text = unit(name);
        let words = exec_start(&text);
        let deadline: u64 = words
            .iter()
            .position(|w| w == "--shutdown-timeout")
            .and_then(|i| words.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(60);
        let stop: u64 = setting(&text, "TimeoutStopSec")
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{name}: no TimeoutStopSec in seconds"));
        assert!(
            stop > deadline,
            "{name}: TimeoutStopSec {stop} <= {deadline}"
        );
        // Exit 3 (the deadline cut work off, which is redelivered) is not a failed unit.
        assert_eq!(setting(&text, "SuccessExitStatus"), Some("3"), "{name}");
    }
}

/// The `args:` list of the first container in a manifest, one `- value` per line.
fn container_args(manifest: &str) -> Vec<String> {
    let mut lines = manifest.lines().skip_while(|l| l.trim() != "args:").skip(1);
    let mut args = Vec::new();
    for line in lines.by_ref() {
        let Some(value) = line.trim().strip_prefix("- ") else {
            break;
        };
        args.push(value.trim_matches('"').to_owned());
    }
    args
}

/// The number after `key:` in a manifest.
fn number(manifest: &str, key: &str) -> u64 {
    manifest
        .lines()
        .find_map(|l| l.trim().strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_matches('"').parse().ok())
        .unwrap_or_else(|| panic!("no {key}"))
}

fn value_after(args: &[String], option: &str) -> u64 {
    args.iter()
        .position(|a| a == option)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {option} in {args:?}"))
}

#[test]
fn kubernetes_containers_run_commands_arkivar_takes_and_stop_in_time() {
    let dir = deploy().join("kubernetes");
    for name in ["worker.yaml", "serve.yaml"] {
        let manifest = std::fs::read_to_string(dir.join(name)).unwrap();
        let args: Vec<String> = container_args(&manifest)
            .into_iter()
            .map(|a| a.replace("$(ARKIVAR_ARCHIVE_URL)", "https://archive.invalid/records"))
            .collect();
        let out = help_with(&args);
        assert!(
            out.status.success(),
            "{name}: {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let grace = number(&manifest, "terminationGracePeriodSeconds");
        let deadline = value_after(&args, "--shutdown-timeout");
        assert!(grace > deadline, "{name}: grace {grace} <= {deadline}");
    }
    // KEDA adds a worker per `value` waiting jobs: what one worker takes at once.
    let worker = std::fs::read_to_string(dir.join("worker.yaml")).unwrap();
    let keda = std::fs::read_to_string(dir.join("keda.yaml")).unwrap();
    assert_eq!(
        number(&keda, "value"),
        value_after(&container_args(&worker), "--prefetch")
    );
}

/// `scripts/validate-kubernetes.py` with kubernetes-validate (PyPI) from the virtualenv
/// `ARKIVAR_KUBERNETES_VALIDATE` names, or `/opt/kv` that `.ci/run` makes; KEDA's CRDs from
/// `ARKIVAR_KEDA_CRDS` when set (a checkout of kedacore/keda's `config/crd/bases`).
#[test]
fn kubernetes_manifests_validate_offline() {
    let test = "kubernetes_manifests_validate_offline";
    let (Some(validator), Some(python)) = (
        validator_tool(test, "kubernetes-validate"),
        validator_tool(test, "python"),
    ) else {
        return;
    };
    let mut command = Command::new(python);
    command
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/validate-kubernetes.py"))
        .arg(deploy().join("kubernetes"))
        .arg("--kubernetes-validate")
        .arg(&validator);
    match std::env::var_os("ARKIVAR_KEDA_CRDS") {
        Some(crds) => {
            command.arg("--keda-crds").arg(crds);
        }
        None => eprintln!(
            "kubernetes_manifests_validate_offline: KEDA's ScaledObject not checked \
             (set ARKIVAR_KEDA_CRDS to kedacore/keda's config/crd/bases)"
        ),
    }
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `arkivar ARGS --help`: whether a deployment's command is one arkivar takes (clap checks
/// every option before it prints the help).
fn help_with(args: &[String]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_arkivar"))
        .args(args)
        .arg("--help")
        .output()
        .unwrap()
}

/// The program `name` of the validators' virtualenv, `/opt/kv` that `.ci/run` makes (or
/// `ARKIVAR_KUBERNETES_VALIDATE`): kubernetes-validate, and a Python with PyYAML and
/// jsonschema. `None` (after saying so) where it is missing outside CI; with CI=true a
/// missing one fails the test.
fn validator_tool(test: &str, name: &str) -> Option<PathBuf> {
    let venv = std::env::var_os("ARKIVAR_KUBERNETES_VALIDATE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/opt/kv"));
    let tool = venv.join("bin").join(name);
    if tool.is_file() {
        return Some(tool);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but {} is missing (.ci/run makes it)",
        tool.display()
    );
    eprintln!("skipped {test}: no {}", tool.display());
    None
}

/// `scripts/validate-compose.py` on `deploy/compose.yaml`: the Compose Specification's schema
/// (from `ARKIVAR_COMPOSE_SCHEMA`, compose-spec/compose-spec's `schema/compose-spec.json`,
/// when set), bind mounts that exist, health checks behind every `service_healthy`, and stop
/// grace periods above arkivar's shutdown deadlines.
#[test]
fn compose_file_validates_offline() {
    let Some(python) = validator_tool("compose_file_validates_offline", "python") else {
        return;
    };
    let mut command = Command::new(python);
    command
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/validate-compose.py"))
        .arg(deploy().join("compose.yaml"));
    match std::env::var_os("ARKIVAR_COMPOSE_SCHEMA") {
        Some(schema) => {
            command.arg("--schema").arg(schema);
        }
        None => eprintln!(
            "compose_file_validates_offline: the Compose Specification schema not checked \
             (set ARKIVAR_COMPOSE_SCHEMA to compose-spec's schema/compose-spec.json)"
        ),
    }
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every arkivar service in `deploy/compose.yaml` runs a command arkivar takes, and its health
/// check asks that command's own port for `/readyz`.
#[test]
fn compose_services_run_commands_arkivar_takes() {
    let Some(python) = validator_tool("compose_services_run_commands_arkivar_takes", "python")
    else {
        return;
    };
    let out = Command::new(python)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/validate-compose.py"))
        .arg(deploy().join("compose.yaml"))
        .arg("--print-commands")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let services: Vec<serde_json::Value> = stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let names: Vec<&str> = services
        .iter()
        .filter_map(|s| s["service"].as_str())
        .collect();
    assert_eq!(names, ["worker", "serve"], "{stdout}");
    let words = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap().to_owned())
            .collect()
    };
    for service in &services {
        let command = words(&service["command"]);
        let out = help_with(&command);
        assert!(
            out.status.success(),
            "{}: {}",
            service["service"],
            String::from_utf8_lossy(&out.stderr)
        );
        // The image's curl asks the port the command listens on.
        let check = words(&service["healthcheck"]);
        assert_eq!(
            check.get(..2),
            Some(&["CMD".to_owned(), "curl".to_owned()][..])
        );
        let url = check.last().unwrap();
        let listen = ["--metrics-addr", "--listen"]
            .iter()
            .find_map(|o| Some(&command[command.iter().position(|w| w == o)? + 1]))
            .unwrap();
        let port = listen.rsplit(':').next().unwrap();
        assert!(
            url.starts_with(&format!("http://127.0.0.1:{port}/")) && url.ends_with("/readyz"),
            "{}: health check {url} is not the readiness of {listen}",
            service["service"]
        );
    }
}

/// A RabbitMQ node of our own, started with Compose's broker configuration, stopped on drop.
struct ComposeBroker {
    node: String,
    dir: tempfile::TempDir,
}

impl ComposeBroker {
    fn ctl(&self, args: &[&str]) -> std::process::Output {
        Command::new("rabbitmqctl")
            .args(["-q", "-n", &self.node])
            .args(args)
            .output()
            .unwrap()
    }
}

impl Drop for ComposeBroker {
    fn drop(&mut self) {
        let _ = self.ctl(&["stop"]);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Compose's RabbitMQ (`deploy/compose/rabbitmq.conf` and the two definition files it mounts)
/// boots a real node with the worker's queues and the `arkivar` user, whose password is the one
/// `compose.yaml`'s AMQP URL carries: a node that imports definitions at boot makes no
/// `guest` user, so a missing user would only show at `docker compose up`.
#[test]
fn compose_broker_imports_the_definitions_at_boot() {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    let server = Command::new("sh")
        .args(["-c", "command -v rabbitmq-server"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !root || !server {
        eprintln!(
            "skipped compose_broker_imports_the_definitions_at_boot: needs rabbitmq-server and root"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().to_path_buf();
    let base = base.as_path();
    let definitions = base.join("definitions.d");
    std::fs::create_dir(&definitions).unwrap();
    std::fs::copy(
        deploy().join("compose/rabbitmq-access.json"),
        definitions.join("10-access.json"),
    )
    .unwrap();
    std::fs::copy(
        deploy().join("rabbitmq/definitions.json"),
        definitions.join("20-topology.json"),
    )
    .unwrap();
    // The committed configuration, with the folder the container mounts moved here.
    let conf = std::fs::read_to_string(deploy().join("compose/rabbitmq.conf"))
        .unwrap()
        .replace("/etc/rabbitmq/definitions.d", definitions.to_str().unwrap());
    assert!(conf.contains(definitions.to_str().unwrap()), "{conf}");
    let port = free_port();
    std::fs::write(
        base.join("rabbitmq.conf"),
        format!("{conf}\nlisteners.tcp.default = 127.0.0.1:{port}\n"),
    )
    .unwrap();
    std::fs::write(base.join("enabled_plugins"), "[].\n").unwrap();
    // The Debian server script runs the node as the rabbitmq user.
    let _ = Command::new("chown")
        .args(["-R", "rabbitmq:rabbitmq"])
        .arg(base)
        .status();
    let node = format!("arkivar-compose-{}@localhost", std::process::id());
    let broker = ComposeBroker {
        node: node.clone(),
        dir,
    };
    let mut server = Command::new("timeout")
        .args(["120", "rabbitmq-server"])
        .env("RABBITMQ_NODENAME", &node)
        .env("RABBITMQ_NODE_PORT", port.to_string())
        .env("RABBITMQ_DIST_PORT", free_port().to_string())
        .env("RABBITMQ_MNESIA_BASE", base.join("mnesia"))
        .env("RABBITMQ_LOG_BASE", base.join("log"))
        .env("RABBITMQ_CONFIG_FILE", base.join("rabbitmq.conf"))
        .env(
            "RABBITMQ_ENABLED_PLUGINS_FILE",
            base.join("enabled_plugins"),
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !broker.ctl(&["await_startup"]).status.success() {
        if let Ok(Some(status)) = server.try_wait() {
            panic!(
                "the node did not boot ({status}); its log: {}",
                std::fs::read_to_string(broker.dir.path().join(format!("log/{node}.log")))
                    .unwrap_or_default()
            );
        }
        assert!(
            started.elapsed().as_secs() < 90,
            "the node did not boot in 90 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    let users = broker.ctl(&["list_users"]);
    let users = String::from_utf8_lossy(&users.stdout);
    assert!(users.contains("arkivar"), "{users}");
    assert!(!users.contains("guest"), "{users}");
    // The password of compose.yaml's ARKIVAR_AMQP_URL.
    let compose = std::fs::read_to_string(deploy().join("compose.yaml")).unwrap();
    let url = compose
        .lines()
        .find_map(|l| l.trim().strip_prefix("ARKIVAR_AMQP_URL:"))
        .unwrap()
        .trim();
    let (user, password) = url
        .strip_prefix("amqp://")
        .and_then(|rest| rest.split_once('@'))
        .and_then(|(credentials, _)| credentials.split_once(':'))
        .unwrap();
    let auth = broker.ctl(&["authenticate_user", user, password]);
    assert!(
        auth.status.success(),
        "{}",
        String::from_utf8_lossy(&auth.stderr)
    );
    let queues = broker.ctl(&["list_queues", "name"]);
    let mut queues: Vec<String> = String::from_utf8_lossy(&queues.stdout)
        .lines()
        .filter(|l| l.starts_with("arkivar."))
        .map(str::to_owned)
        .collect();
    queues.sort();
    let topology: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(deploy().join("rabbitmq/definitions.json")).unwrap(),
    )
    .unwrap();
    let mut wanted: Vec<String> = topology["queues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["name"].as_str().unwrap().to_owned())
        .collect();
    wanted.sort();
    assert_eq!(queues, wanted);
    drop(broker);
    let _ = server.wait();
}

/// Compose's archive (`deploy/compose/archive-receiver.py`) behind arkivar's own HTTP sink:
/// `batch` over the samples stores one record per document, and a second `batch` (another
/// ledger, so every record is sent again) is answered 409 for each and stores nothing more.
#[test]
fn compose_archive_stores_each_record_once() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("skipped compose_archive_stores_each_record_once: no python3");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let stored = dir.path().join("archive");
    let port = free_port();
    let mut archive = Command::new("python3")
        .arg(deploy().join("compose/archive-receiver.py"))
        .env("ARCHIVE_DIR", &stored)
        .env("ARCHIVE_HOST", "127.0.0.1")
        .env("ARCHIVE_PORT", port.to_string())
        .stderr(std::fs::File::create(dir.path().join("archive.log")).unwrap())
        .spawn()
        .unwrap();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            archive.try_wait().unwrap().is_none(),
            "the archive exited at start"
        );
        assert!(
            started.elapsed().as_secs() < 30,
            "the archive did not listen"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let archive = Kill(archive);
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let pdfs = std::fs::read_dir(&samples)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "pdf")
        })
        .count();
    let records = || {
        std::fs::read_dir(&stored)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "json")
            })
            .count()
    };
    for run in ["first", "again"] {
        let out = Command::new(env!("CARGO_BIN_EXE_arkivar"))
            .arg("batch")
            .arg(&samples)
            .arg("--trust")
            .arg(samples.join("trust.pem"))
            .arg("--out")
            .arg(dir.path().join(run))
            .arg("--archive-url")
            .arg(format!("http://127.0.0.1:{port}/records"))
            .output()
            .unwrap();
        // 3: a sample fails verification on purpose; 2 would be an archive that did not confirm.
        assert!(
            matches!(out.status.code(), Some(0 | 1 | 3)),
            "{run}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(records(), pdfs, "{run}");
    }
    drop(archive);
    // Each document stored once (201), then refused once as a repeat (409).
    let log = std::fs::read_to_string(dir.path().join("archive.log")).unwrap();
    for status in ["\" 201 ", "\" 409 "] {
        assert_eq!(log.matches(status).count(), pdfs, "{status}: {log}");
    }
}

/// The instructions of `deploy/Dockerfile`, continuation lines joined, comments left out:
/// (`KEYWORD`, the rest).
fn dockerfile() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(deploy().join("Dockerfile")).unwrap();
    let mut instructions = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(part) => current.push_str(part),
            None => {
                current.push_str(line);
                let joined = std::mem::take(&mut current);
                if let Some((keyword, rest)) = joined.trim().split_once(char::is_whitespace) {
                    instructions.push((keyword.to_owned(), rest.trim().to_owned()));
                }
            }
        }
    }
    instructions
}

/// The last `KEYWORD` instruction's rest (the runtime stage's, for a multi-stage file).
fn instruction(instructions: &[(String, String)], keyword: &str) -> String {
    instructions
        .iter()
        .rev()
        .find(|(k, _)| k == keyword)
        .map(|(_, rest)| rest.clone())
        .unwrap_or_else(|| panic!("no {keyword} in deploy/Dockerfile"))
}

/// An exec-form (JSON array) instruction's words.
fn exec_form(instructions: &[(String, String)], keyword: &str) -> Vec<String> {
    let rest = instruction(instructions, keyword);
    serde_json::from_str(&rest).unwrap_or_else(|e| panic!("{keyword} {rest}: {e}"))
}

#[test]
fn the_image_runs_arkivar_as_the_manifests_expect() {
    let instructions = dockerfile();
    // tini as PID 1 passes SIGTERM on, so that the worker's drain runs.
    assert_eq!(
        exec_form(&instructions, "ENTRYPOINT"),
        ["tini", "--", "arkivar"]
    );
    let cmd = exec_form(&instructions, "CMD");
    let out = help_with(&cmd);
    assert!(
        out.status.success(),
        "CMD {cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let dir = deploy().join("kubernetes");
    let worker = std::fs::read_to_string(dir.join("worker.yaml")).unwrap();
    let serve = std::fs::read_to_string(dir.join("serve.yaml")).unwrap();
    // The image's user is the one the pods run as.
    let user = format!(
        "{}:{}",
        number(&worker, "runAsUser"),
        number(&worker, "runAsGroup")
    );
    assert_eq!(instruction(&instructions, "USER"), user);
    // The pipelines the image carries are where the worker's manifest and CMD look.
    let pipelines = |args: &[String]| {
        args.iter()
            .position(|a| a == "--pipelines-dir")
            .and_then(|i| args.get(i + 1))
            .cloned()
            .unwrap_or_else(|| panic!("no --pipelines-dir in {args:?}"))
    };
    let dir = pipelines(&container_args(&worker));
    assert_eq!(pipelines(&cmd), dir);
    assert!(
        instructions
            .iter()
            .any(|(k, rest)| k == "COPY" && rest.trim_end_matches('/').ends_with(&dir)),
        "no COPY to {dir}"
    );
    // Without ARKIVAR_HEALTHZ_URL the HEALTHCHECK asks the ports the manifests probe.
    let healthcheck = instruction(&instructions, "HEALTHCHECK");
    for manifest in [&worker, &serve] {
        let port = number(manifest, "containerPort");
        assert!(
            healthcheck.contains(&format!("http://127.0.0.1:{port}/healthz")),
            "HEALTHCHECK does not ask port {port}: {healthcheck}"
        );
    }
}
