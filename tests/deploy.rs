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
        let out = Command::new(env!("CARGO_BIN_EXE_arkivar"))
            .args(&args)
            .arg("--help")
            .output()
            .unwrap();
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
    let venv = std::env::var_os("ARKIVAR_KUBERNETES_VALIDATE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/opt/kv"));
    let python = venv.join("bin/python");
    let validator = venv.join("bin/kubernetes-validate");
    if !validator.is_file() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but kubernetes-validate is missing (.ci/run installs it in /opt/kv)"
        );
        eprintln!(
            "skipped kubernetes_manifests_validate_offline: no {}",
            validator.display()
        );
        return;
    }
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
    let out = Command::new(env!("CARGO_BIN_EXE_arkivar"))
        .args(&cmd)
        .arg("--help")
        .output()
        .unwrap();
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
