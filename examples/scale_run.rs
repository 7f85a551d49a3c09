//! The scaling run of issue 27 against the real broker: N jobs (4,000 by default), each with a
//! document of its own, and `arkivar worker` processes started, stopped with SIGTERM and killed
//! with SIGKILL while the queue drains. It prints documents/s for each phase and for each number
//! of workers, with where the machine's CPU went, and checks that every job's record reached
//! the test archive exactly once and that nothing was dead-lettered.
//!
//! ```text
//! scale_run --arkivar target/release/arkivar [--jobs 4000] [--kind born-digital|scanned]
//!           [--pages 12] [--concurrency 1] [--prefetch 4] [--single]
//! ```
//!
//! The phases are bounded by the number of records the archive has stored, as thousandths of
//! N: one worker (25 to 250), workers 2 and 3 start (250; measured from 275), three workers
//! to 625, where worker 2 gets SIGTERM, two workers to 800, where worker 3 gets SIGKILL (its
//! unacknowledged jobs go back to the queue), one worker to 875, where worker 4 starts, and two
//! workers to the end. `--single` runs one worker throughout (the sizing runs).
//!
//! Each job needs its own document because the worker's `Idempotency-Key` is the document's
//! SHA-256 with the pipeline: jobs of one file would all be one record at the archive. The
//! documents come from `tests/common/signed_samples.rs` (`Series`), written to a temporary
//! folder, and the archive is the tests' own (`tests/archive_server`), which stores a record
//! once per key and answers 409 to a repeat.
//!
//! Needs the broker at 127.0.0.1:5672 (guest/guest) and `rabbitmqctl`; the run makes a vhost
//! of its own and deletes it afterwards, also when it fails. Exits 0 when every check passed,
//! 1 when one failed, 2 when the run could not be made.

#[path = "../tests/archive_server/mod.rs"]
mod archive_server;
#[path = "../tests/broker/mod.rs"]
mod broker;
#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail, ensure};
use clap::{Parser, ValueEnum};
use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
use lapin::{BasicProperties, Connection, ConnectionProperties};
use sha2::{Digest as _, Sha256};
use tokio::process::{Child, Command};

use archive_server::{Archive, Behaviour};

/// The pipeline every job names; the key the archive sees ends with it.
const PIPELINE: &str = "protokoll-sv";

/// How long the archive may store nothing new before the run counts as stuck.
const STALL: Duration = Duration::from_secs(120);

#[derive(Debug, Parser)]
#[command(about = "The scaling run against the real broker (issue 27)")]
struct Args {
    /// The `arkivar` binary the workers run.
    #[arg(long)]
    arkivar: PathBuf,
    /// Jobs published, each with a document of its own.
    #[arg(long, default_value_t = 4000)]
    jobs: usize,
    /// The documents: born-digital signed minutes (samples 01 to 04 in turn) or scanned,
    /// pen-signed minutes (sample 05, one page through OCR).
    #[arg(long, value_enum, default_value_t = Kind::BornDigital)]
    kind: Kind,
    /// Pages of each born-digital document: the samples' first page of minutes, then pages of
    /// matters (four paragraphs each). Twelve make a document that costs the worker what the
    /// corpus's born-digital minutes (11 to 15 pages) do, about 5 ms; one page is the samples.
    #[arg(long, default_value_t = 12)]
    pages: usize,
    /// Each worker's `--concurrency`.
    #[arg(long, default_value_t = 1)]
    concurrency: usize,
    /// Each worker's `--prefetch`.
    #[arg(long, default_value_t = 4)]
    prefetch: u16,
    /// One worker from start to end instead of the phases (for sizing).
    #[arg(long)]
    single: bool,
    /// The broker without a vhost.
    #[arg(long, default_value = "amqp://guest:guest@127.0.0.1:5672")]
    broker: String,
    /// The anchors the workers trust (the sample CA).
    #[arg(long, default_value = "samples/trust.pem")]
    trust: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Kind {
    BornDigital,
    Scanned,
}

/// One job's document as written for the workers.
struct Doc {
    job_id: String,
    file: String,
    key: String,
    status: &'static str,
}

// One thread: the test archive and the polling are this process's share of the cores, and
// the less of them it takes, the less it stands between the workers and the measurement.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = Args::parse();
    let vhost = format!("arkivar-scale-{}", std::process::id());
    if let Err(e) = rabbitmqctl(&["add_vhost", &vhost])
        .and_then(|()| rabbitmqctl(&["set_permissions", "-p", &vhost, "guest", ".*", ".*", ".*"]))
    {
        eprintln!("scale_run: cannot make the vhost {vhost}: {e:#}");
        return ExitCode::from(2);
    }
    // Deleted on every way out, a panic included; the workers are killed before it (they are
    // dropped first, inside `run`).
    let _vhost = VhostGuard(vhost.clone());
    match run(&args, &vhost).await {
        Ok(failures) if failures.is_empty() => {
            println!("all checks passed");
            ExitCode::SUCCESS
        }
        Ok(failures) => {
            for f in &failures {
                println!("FAILED: {f}");
            }
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("scale_run: {e:#}");
            ExitCode::from(2)
        }
    }
}

struct VhostGuard(String);

impl Drop for VhostGuard {
    fn drop(&mut self) {
        if let Err(e) = rabbitmqctl(&["delete_vhost", &self.0]) {
            eprintln!("scale_run: cannot delete the vhost {}: {e:#}", self.0);
        }
    }
}

fn rabbitmqctl(args: &[&str]) -> anyhow::Result<()> {
    broker::rabbitmqctl(args)
        .map(drop)
        .map_err(|e| anyhow::anyhow!("rabbitmqctl {}: {}", args.join(" "), e.trim()))
}

/// Ready and unacknowledged messages of each queue of the vhost.
fn queue_depths(vhost: &str) -> anyhow::Result<BTreeMap<String, u64>> {
    let out = std::process::Command::new("rabbitmqctl")
        .args(["-q", "list_queues", "-p", vhost, "--no-table-headers"])
        .args(["name", "messages"])
        .output()
        .context("running rabbitmqctl list_queues")?;
    ensure!(out.status.success(), "rabbitmqctl list_queues failed");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut depths = BTreeMap::new();
    for line in text.lines() {
        let mut cols = line.split_whitespace();
        if let (Some(name), Some(n)) = (cols.next(), cols.next())
            && let Ok(n) = n.parse()
        {
            depths.insert(name.to_owned(), n);
        }
    }
    Ok(depths)
}

/// The broker's OS process, for its CPU time.
fn broker_pid() -> Option<u32> {
    let out = std::process::Command::new("rabbitmqctl")
        .args(["-q", "eval", "os:getpid()."])
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .trim_matches('"')
        .parse()
        .ok()
}

/// Writes the N documents and says what each job's key and status will be.
fn write_documents(dir: &Path, n: usize, kind: Kind, pages: usize) -> anyhow::Result<Vec<Doc>> {
    let series = common::signed_samples::Series::with_pages(pages);
    let mut docs = Vec::with_capacity(n);
    for i in 0..n {
        let (status, bytes) = match kind {
            Kind::BornDigital => series.born_digital(i),
            Kind::Scanned => series.scanned(i),
        };
        let file = format!("doc-{i:05}.pdf");
        std::fs::write(dir.join(&file), &bytes).with_context(|| format!("writing {file}"))?;
        let key = format!("{}:{PIPELINE}", hex::encode(Sha256::digest(&bytes)));
        docs.push(Doc {
            job_id: format!("scale-{i:05}"),
            file,
            key,
            status,
        });
    }
    Ok(docs)
}

/// What each worker process is started with.
struct WorkerSpec {
    arkivar: PathBuf,
    url: String,
    root: PathBuf,
    archive: String,
    trust: PathBuf,
    concurrency: usize,
    prefetch: u16,
    logs: PathBuf,
}

/// A worker process and what is known of it.
struct Worker {
    n: usize,
    child: Child,
    pid: u32,
    log: PathBuf,
    /// CPU ticks when last read (kept once the process is gone).
    ticks: u64,
    /// Peak resident set when last read, in KiB.
    hwm_kib: u64,
    /// Largest resident set of it and its children together seen by the sampling, in KiB.
    tree_peak_kib: u64,
    /// How it ended.
    exit: Option<String>,
}

impl WorkerSpec {
    fn start(&self, n: usize) -> anyhow::Result<Worker> {
        let log = self.logs.join(format!("worker-{n}.log"));
        let file = std::fs::File::create(&log).context("creating a worker's log")?;
        let child = Command::new(&self.arkivar)
            .arg("worker")
            .args(["--amqp", &self.url])
            .arg("--document-root")
            .arg(&self.root)
            .args(["--archive-url", &self.archive])
            .arg("--trust")
            .arg(&self.trust)
            .args(["--concurrency", &self.concurrency.to_string()])
            .args(["--prefetch", &self.prefetch.to_string()])
            .args(["--metrics-addr", "127.0.0.1:0"])
            // Each job's "job done" line carries `redelivered`, which is how redeliveries
            // are counted.
            .arg("-v")
            .stdout(Stdio::null())
            .stderr(file)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", self.arkivar.display()))?;
        let pid = child.id().context("the worker has no pid")?;
        println!("  worker {n} started (pid {pid})");
        Ok(Worker {
            n,
            child,
            pid,
            log,
            ticks: 0,
            hwm_kib: 0,
            tree_peak_kib: 0,
            exit: None,
        })
    }
}

impl Worker {
    /// Reads its CPU time and peak RSS while it runs.
    fn sample(&mut self) {
        if self.exit.is_some() {
            return;
        }
        if let Some(t) = proc_ticks(self.pid, true) {
            self.ticks = t;
        }
        if let Some(h) = vm_hwm_kib(self.pid) {
            self.hwm_kib = h;
        }
        self.sample_tree();
    }

    fn sample_tree(&mut self) {
        if self.exit.is_none() {
            self.tree_peak_kib = self.tree_peak_kib.max(tree_rss_kib(self.pid));
        }
    }

    fn signal(&mut self, signal: &str) -> anyhow::Result<()> {
        self.sample();
        let status = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &self.pid.to_string()])
            .status()?;
        ensure!(status.success(), "kill -{signal} {} failed", self.pid);
        println!("  worker {} sent SIG{signal}", self.n);
        Ok(())
    }

    async fn wait(&mut self, limit: Duration) -> anyhow::Result<()> {
        let status = tokio::time::timeout(limit, self.child.wait())
            .await
            .with_context(|| format!("worker {} did not exit", self.n))??;
        self.exit = Some(match status.code() {
            Some(code) => format!("exit {code}"),
            None => {
                use std::os::unix::process::ExitStatusExt as _;
                format!("signal {}", status.signal().unwrap_or(0))
            }
        });
        Ok(())
    }
}

/// CPU time of a process (all threads), with `children` also of the children it waited for
/// (a worker's tesseract runs; not for this process, whose reaped children are the workers),
/// in clock ticks.
fn proc_ticks(pid: u32, children: bool) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces; fields count from after it.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    let cutime: u64 = fields.get(13)?.parse().ok()?;
    let cstime: u64 = fields.get(14)?.parse().ok()?;
    Some(utime + stime + if children { cutime + cstime } else { 0 })
}

/// Resident set of a process and every process below it (a worker and its tesseract runs),
/// in KiB: what a container's memory limit sees at this moment.
fn tree_rss_kib(pid: u32) -> u64 {
    let own = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0);
    let mut children = 0;
    if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
        for task in tasks.flatten() {
            let list = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
            for child in list.split_whitespace().filter_map(|c| c.parse().ok()) {
                children += tree_rss_kib(child);
            }
        }
    }
    own + children
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Busy and total ticks of the whole machine (`/proc/stat`).
fn machine_ticks() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let v: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    let get = |i: usize| v.get(i).copied().unwrap_or(0);
    // user nice system idle iowait irq softirq steal
    let busy = get(0) + get(1) + get(2) + get(5) + get(6) + get(7);
    (busy, busy + get(3) + get(4))
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn clock_ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// Where things stood when the archive's count crossed a boundary.
#[derive(Clone)]
struct Mark {
    stored: usize,
    at: Instant,
    machine: (u64, u64),
    workers: u64,
    broker: u64,
    this: u64,
}

/// What happens at a boundary.
#[derive(Clone, Copy)]
enum Action {
    Nothing,
    /// Start this many workers.
    Start(usize),
    /// SIGTERM this worker (graceful: in-flight jobs finish).
    Term(usize),
    /// SIGKILL this worker (its unacknowledged jobs are redelivered).
    Kill(usize),
}

/// The phase that follows a boundary: its name, the workers running, and whether it counts
/// towards the per-worker-count figures (not while workers start).
type Next = Option<(&'static str, usize, bool)>;

/// A boundary: its count, what is done there, and the phase that follows it.
struct Boundary {
    stored: usize,
    action: Action,
    next: Next,
}

fn plan(n: usize, single: bool) -> Vec<Boundary> {
    let at = |permille: usize| n * permille / 1000;
    let b = |stored, action, next| Boundary {
        stored,
        action,
        next,
    };
    if single {
        return vec![
            b(at(50), Action::Nothing, Some(("one worker", 1, true))),
            b(n, Action::Nothing, None),
        ];
    }
    vec![
        b(at(25), Action::Nothing, Some(("1: one worker", 1, true))),
        b(
            at(250),
            Action::Start(2),
            Some(("2a: workers 2 and 3 start", 3, false)),
        ),
        b(
            at(275),
            Action::Nothing,
            Some(("2: three workers", 3, true)),
        ),
        b(
            at(625),
            Action::Term(2),
            Some(("3: worker 2 SIGTERM, two workers", 2, true)),
        ),
        b(
            at(800),
            Action::Kill(3),
            Some(("4: worker 3 SIGKILL, one worker", 1, true)),
        ),
        b(
            at(875),
            Action::Start(1),
            Some(("5: worker 4 starts, two workers drain", 2, true)),
        ),
        b(n, Action::Nothing, None),
    ]
}

async fn run(args: &Args, vhost: &str) -> anyhow::Result<Vec<String>> {
    let n = args.jobs;
    ensure!(
        n >= 40,
        "--jobs must be at least 40 for the phases to mean anything"
    );
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let hz = clock_ticks_per_second();
    println!(
        "scale run: {n} {:?} jobs ({} pages each), --concurrency {} --prefetch {}, {cores} cores, load average {}",
        args.kind,
        match args.kind {
            Kind::BornDigital => args.pages,
            Kind::Scanned => 1,
        },
        args.concurrency,
        args.prefetch,
        load_average()
    );

    let dir = tempfile::tempdir().context("making a temporary folder")?;
    let root = dir.path().join("documents");
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(&root)?;
    std::fs::create_dir_all(&logs)?;
    let made = Instant::now();
    let docs = write_documents(&root, n, args.kind, args.pages)?;
    // The kernel writes the documents back to disk in the background; done now, that work
    // does not fall into the first phase's measurement.
    std::process::Command::new("sync")
        .status()
        .context("running sync")?;
    println!(
        "  {n} documents written in {:.1} s",
        made.elapsed().as_secs_f64()
    );

    let archive = Archive::start(Behaviour::default()).await;
    let broker = broker_pid();
    let url = format!("{}/{vhost}", args.broker.trim_end_matches('/'));
    let trust = std::fs::canonicalize(&args.trust)
        .with_context(|| format!("the trust anchors {}", args.trust.display()))?;
    let spec = WorkerSpec {
        arkivar: args.arkivar.clone(),
        url: url.clone(),
        root: root.clone(),
        archive: archive.url(),
        trust,
        concurrency: args.concurrency,
        prefetch: args.prefetch,
        logs: logs.clone(),
    };

    let mut workers = vec![spec.start(1)?];
    let conn = Connection::connect(&url, ConnectionProperties::default()).await?;
    ensure!(
        broker::job_queue_declared(&conn, Duration::from_secs(30)).await,
        "no worker declared arkivar.jobs within 30 s"
    );
    let published = Instant::now();
    publish(&conn, &docs).await?;
    println!(
        "  {n} jobs published and confirmed in {:.1} s",
        published.elapsed().as_secs_f64()
    );

    // The phases, driven by the archive's count.
    let snapshot = |workers: &mut Vec<Worker>, stored: usize| {
        for w in workers.iter_mut() {
            w.sample();
        }
        Mark {
            stored,
            at: Instant::now(),
            machine: machine_ticks(),
            workers: workers.iter().map(|w| w.ticks).sum(),
            broker: broker.and_then(|pid| proc_ticks(pid, false)).unwrap_or(0),
            this: proc_ticks(std::process::id(), false).unwrap_or(0),
        }
    };
    let mut marks: Vec<(Mark, Next)> = Vec::new();
    let mut last_count = (0, Instant::now());
    let mut polls = 0u64;
    for boundary in plan(n, args.single) {
        loop {
            polls += 1;
            if polls.is_multiple_of(10) {
                workers.iter_mut().for_each(Worker::sample_tree);
            }
            let stored = archive.stored();
            if stored >= boundary.stored {
                break;
            }
            if stored != last_count.0 {
                last_count = (stored, Instant::now());
            }
            if last_count.1.elapsed() > STALL {
                bail!(
                    "the archive stored nothing new for {} s at {stored} of {n}",
                    STALL.as_secs()
                );
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let mark = snapshot(&mut workers, archive.stored());
        match boundary.action {
            Action::Nothing => {}
            Action::Start(k) => {
                for _ in 0..k {
                    let next = workers.len() + 1;
                    workers.push(spec.start(next)?);
                }
            }
            Action::Term(w) => workers[w - 1].signal("TERM")?,
            Action::Kill(w) => {
                workers[w - 1].signal("KILL")?;
                workers[w - 1].wait(Duration::from_secs(10)).await?;
            }
        }
        marks.push((mark, boundary.next));
    }

    // Every record is stored; the acks follow. Stop the workers that still run.
    let drained = wait_for_empty_job_queue(vhost).await;
    for w in workers.iter_mut().filter(|w| w.exit.is_none()) {
        if w.child.try_wait()?.is_none() {
            w.signal("TERM")?;
        }
    }
    for w in workers.iter_mut().filter(|w| w.exit.is_none()) {
        w.wait(Duration::from_secs(90)).await?;
    }

    report_phases(&marks, cores, hz);
    let mut failures = Vec::new();
    if let Err(e) = drained {
        failures.push(format!("{e:#}"));
    }
    check_archive(&archive, &docs, &mut failures);
    check_queues(vhost, &mut failures)?;
    report_workers(&workers, args.single, n, &mut failures)?;
    println!("load average at the end: {}", load_average());
    Ok(failures)
}

/// Publishes every job, persistent, and waits for the broker to confirm each.
async fn publish(conn: &Connection, docs: &[Doc]) -> anyhow::Result<()> {
    let ch = conn.create_channel().await?;
    ch.confirm_select(ConfirmSelectOptions::default()).await?;
    let mut confirms = Vec::with_capacity(docs.len());
    for doc in docs {
        let body = serde_json::json!({
            "version": 1, "job_id": doc.job_id, "document": {"path": doc.file},
            "pipeline": PIPELINE
        });
        let confirm = ch
            .basic_publish(
                "".into(),
                "arkivar.jobs".into(),
                BasicPublishOptions::default(),
                body.to_string().as_bytes(),
                BasicProperties::default().with_delivery_mode(2),
            )
            .await?;
        confirms.push(confirm);
    }
    for confirm in confirms {
        ensure!(confirm.await?.is_ack(), "the broker refused a job (nack)");
    }
    Ok(())
}

/// Waits until `arkivar.jobs` holds no message, ready or unacknowledged.
async fn wait_for_empty_job_queue(vhost: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = queue_depths(vhost)?
            .get("arkivar.jobs")
            .copied()
            .unwrap_or(0);
        if left == 0 {
            return Ok(());
        }
        ensure!(
            Instant::now() < deadline,
            "arkivar.jobs still holds {left} messages 60 s after the last record was stored"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn report_phases(marks: &[(Mark, Next)], cores: usize, hz: f64) {
    println!();
    println!(
        "{:<40} {:>6} {:>7} {:>8} | CPU in cores: {:>5} {:>7} {:>6} {:>6} {:>6} | {:>9}",
        "phase", "docs", "s", "docs/s", "busy", "workers", "broker", "run", "other", "worker ms"
    );
    let mut by_count: BTreeMap<usize, (usize, f64)> = BTreeMap::new();
    for pair in marks.windows(2) {
        let [(from, Some((name, workers, counted))), (to, _)] = pair else {
            continue;
        };
        let docs = to.stored - from.stored;
        let secs = (to.at - from.at).as_secs_f64();
        let (busy, total) = (to.machine.0 - from.machine.0, to.machine.1 - from.machine.1);
        let busy_cores = busy as f64 / total.max(1) as f64 * cores as f64;
        let cpu = |a: u64, b: u64| (b.saturating_sub(a)) as f64 / hz / secs;
        let (w, br, me) = (
            cpu(from.workers, to.workers),
            cpu(from.broker, to.broker),
            cpu(from.this, to.this),
        );
        let worker_ms =
            (to.workers.saturating_sub(from.workers)) as f64 / hz * 1000.0 / docs.max(1) as f64;
        println!(
            "{name:<40} {docs:>6} {secs:>7.2} {:>8.1} | {:>19.2} {w:>7.2} {br:>6.2} {me:>6.2} {:>6.2} | {worker_ms:>9.1}",
            docs as f64 / secs,
            busy_cores,
            (busy_cores - w - br - me).max(0.0),
        );
        if *counted {
            let e = by_count.entry(*workers).or_default();
            e.0 += docs;
            e.1 += secs;
        }
    }
    println!();
    for (workers, (docs, secs)) in &by_count {
        println!(
            "{workers} worker(s): {docs} documents in {secs:.2} s = {:.1} documents/s",
            *docs as f64 / secs
        );
    }
    if let (Some((d1, s1)), Some((d3, s3))) = (by_count.get(&1), by_count.get(&3)) {
        let (one, three) = (*d1 as f64 / s1, *d3 as f64 / s3);
        println!(
            "three workers / one worker = {:.2} (issue 27 asks >= 1.6)",
            three / one
        );
    }
}

/// Every job's record stored exactly once, under its own document's key, with the verdict
/// that document gets.
fn check_archive(archive: &Archive, docs: &[Doc], failures: &mut Vec<String>) {
    let inner = archive.inner.lock().unwrap_or_else(|p| p.into_inner());
    let by_key: HashMap<&str, &Doc> = docs.iter().map(|d| (d.key.as_str(), d)).collect();
    let mut per_job: HashMap<&str, usize> = HashMap::new();
    let mut wrong = Vec::new();
    for (key, record) in &inner.stored {
        let job_id = record["job"]["job_id"].as_str().unwrap_or_default();
        let status = record["status"].as_str().unwrap_or_default();
        match by_key.get(key.as_str()) {
            Some(doc) if doc.job_id == job_id => {
                *per_job.entry(job_id).or_default() += 1;
                if doc.status != status {
                    wrong.push(format!("{job_id}: {status}, not {}", doc.status));
                }
            }
            Some(doc) => wrong.push(format!(
                "key of {} stored with job id {job_id:?}",
                doc.job_id
            )),
            None => wrong.push(format!("unknown key {key} (job id {job_id:?})")),
        }
    }
    let lost: Vec<&str> = docs
        .iter()
        .filter(|d| !per_job.contains_key(d.job_id.as_str()))
        .map(|d| d.job_id.as_str())
        .collect();
    let twice = per_job.values().filter(|&&c| c > 1).count();
    let mut answers: BTreeMap<u16, usize> = BTreeMap::new();
    let mut posts: HashMap<&str, usize> = HashMap::new();
    for seen in &inner.seen {
        *answers.entry(seen.answered).or_default() += 1;
        *posts.entry(seen.key.as_str()).or_default() += 1;
    }
    let created = answers.get(&201).copied().unwrap_or(0);
    let mut statuses: BTreeMap<&str, usize> = BTreeMap::new();
    for record in inner.stored.values() {
        *statuses
            .entry(record["status"].as_str().unwrap_or("?"))
            .or_default() += 1;
    }
    println!();
    println!(
        "archive: {} records stored for {} jobs; {} requests, answers {answers:?}; statuses {statuses:?}",
        inner.stored.len(),
        docs.len(),
        inner.seen.len()
    );
    println!(
        "  lost {}, stored twice {twice}, 409 (a repeat the archive refused) {}, jobs posted more than once {}",
        lost.len(),
        inner.duplicates,
        posts.values().filter(|&&c| c > 1).count()
    );
    if !lost.is_empty() {
        failures.push(format!(
            "{} jobs lost, e.g. {:?}",
            lost.len(),
            &lost[..lost.len().min(5)]
        ));
    }
    if twice > 0 || created != inner.stored.len() {
        failures.push(format!(
            "{twice} jobs stored twice; {created} answers 201 for {} records",
            inner.stored.len()
        ));
    }
    if !wrong.is_empty() {
        failures.push(format!(
            "{} records not as expected, e.g. {:?}",
            wrong.len(),
            &wrong[..wrong.len().min(5)]
        ));
    }
    let other: usize = answers
        .iter()
        .filter(|(code, _)| !matches!(code, 201 | 409))
        .map(|(_, n)| n)
        .sum();
    if other > 0 {
        failures.push(format!(
            "{other} archive answers other than 201 and 409: {answers:?}"
        ));
    }
}

/// The job queue empty, nothing dead-lettered, nothing waiting in a retry queue.
fn check_queues(vhost: &str, failures: &mut Vec<String>) -> anyhow::Result<()> {
    let depths = queue_depths(vhost)?;
    println!("queues at the end: {depths:?}");
    for (name, n) in &depths {
        if *n > 0 {
            failures.push(format!("{name} holds {n} messages"));
        }
    }
    if !depths.contains_key("arkivar.dead") {
        failures.push("no arkivar.dead queue to check".to_owned());
    }
    Ok(())
}

/// Each worker's jobs, redeliveries, peak RSS and how it ended; the ends the plan expects.
fn report_workers(
    workers: &[Worker],
    single: bool,
    n: usize,
    failures: &mut Vec<String>,
) -> anyhow::Result<()> {
    let mut done_total = 0;
    let mut redelivered_total = 0;
    for w in workers {
        let log = std::fs::read_to_string(&w.log).unwrap_or_default();
        let done: Vec<&str> = log.lines().filter(|l| l.contains("job done")).collect();
        let redelivered = done
            .iter()
            .filter(|l| l.contains("redelivered=true"))
            .count();
        let problems: Vec<&str> = log
            .lines()
            .filter(|l| l.contains(" WARN ") || l.contains(" ERROR "))
            .collect();
        done_total += done.len();
        redelivered_total += redelivered;
        println!(
            "worker {} (pid {}): {} jobs done, {redelivered} of them redelivered, peak RSS {:.1} MiB (with its children, sampled every 0.1 s: {:.1} MiB), {} warnings/errors logged, ended with {}",
            w.n,
            w.pid,
            done.len(),
            w.hwm_kib as f64 / 1024.0,
            w.tree_peak_kib as f64 / 1024.0,
            problems.len(),
            w.exit.as_deref().unwrap_or("?")
        );
        for line in problems.iter().take(3) {
            println!("    {line}");
        }
        let expected = match (single, w.n) {
            (false, 3) => "signal 9",
            _ => "exit 0",
        };
        if w.exit.as_deref() != Some(expected) {
            failures.push(format!(
                "worker {} ended with {}, not {expected}",
                w.n,
                w.exit.as_deref().unwrap_or("?")
            ));
        }
    }
    // A killed worker may have done a job and died before the ack (the job is done again) or
    // after the ack but before its log line (the job is not counted here).
    println!(
        "jobs done by the workers, by their logs: {done_total} for {n} jobs; {redelivered_total} of them on redelivery"
    );
    Ok(())
}
