//! The threads that verify documents for `POST /v1/verify`: a fixed set, fed in arrival order.
//!
//! Not `spawn_blocking` behind a semaphore: there a thread that finished a document handed its
//! permit to the next waiting task, which had to be woken on the runtime, spawn onto the
//! blocking pool and wake a pool thread before its core worked again. Under load the cores sat
//! idle in those hand-overs (15% with one permit per core), and a second permit per core that
//! hid them made the documents share cores, which spread the latencies. Here a thread that
//! finishes takes the next document from the queue itself, so `--concurrency` threads are
//! busy while documents wait, and documents are taken in the order they were queued.

use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};

/// A unit of work for a verifier thread.
type Work = Box<dyn FnOnce() + Send>;

/// A fixed set of named threads running queued work in arrival order.
#[derive(Debug)]
pub struct Verifiers {
    queue: mpsc::Sender<Work>,
}

impl Verifiers {
    /// Starts `threads` threads with `stack_bytes` of stack each. They stop when the
    /// `Verifiers` is dropped and the queue is empty.
    pub fn start(threads: usize, stack_bytes: usize) -> std::io::Result<Self> {
        // At least one: a channel of capacity 0 panics.
        let threads = threads.max(1);
        // One document ready per thread: a thread that finishes finds the next one queued
        // without waiting for the runtime; the rest wait in `send`, in order.
        let (queue, work) = mpsc::channel::<Work>(threads);
        let work = Arc::new(Mutex::new(work));
        for n in 0..threads {
            let work = Arc::clone(&work);
            std::thread::Builder::new()
                .name(format!("arkivar-verify-{n}"))
                .stack_size(stack_bytes)
                .spawn(move || run(&work))?;
        }
        Ok(Self { queue })
    }

    /// Runs `job` on a verifier thread once the ones queued before it have started; `None` when
    /// it could not run to the end (it panicked, or the threads are gone).
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        let (answer, answered) = oneshot::channel();
        let work: Work = Box::new(move || {
            // The caller may have gone (its client hung up); the answer is then dropped.
            let _ = answer.send(job());
        });
        self.queue.send(work).await.ok()?;
        answered.await.ok()
    }
}

/// A verifier thread's loop: take the next work, run it, until the queue closes.
fn run(work: &Mutex<mpsc::Receiver<Work>>) {
    loop {
        // The lock is held only while waiting for work, never while running it, so a panic
        // cannot poison it; were it poisoned anyway, the receiver inside is still sound.
        let next = work
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .blocking_recv();
        let Some(job) = next else { return };
        // A panicking job drops its answer sender, so its caller sees `None`; the thread
        // lives on for the next document.
        let _ = crate::contain::contain(job);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// Runs `jobs` through `verifiers` from tasks spawned in order on a one-thread runtime
    /// (which first polls them in that order, so they queue in that order); the answers in
    /// the order of `jobs`.
    fn run_all<T: Send + 'static>(
        verifiers: &Arc<Verifiers>,
        jobs: Vec<Box<dyn FnOnce() -> T + Send>>,
    ) -> Vec<Option<T>> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let handles: Vec<_> = jobs
                .into_iter()
                .map(|job| {
                    let verifiers = Arc::clone(verifiers);
                    tokio::spawn(async move { verifiers.run(job).await })
                })
                .collect();
            let mut answers = Vec::new();
            for handle in handles {
                answers.push(handle.await.unwrap());
            }
            answers
        })
    }

    #[test]
    fn work_runs_on_a_named_verifier_thread_and_answers() {
        let verifiers = Arc::new(Verifiers::start(2, 1 << 20).unwrap());
        let job: Box<dyn FnOnce() -> Option<String> + Send> =
            Box::new(|| std::thread::current().name().map(str::to_owned));
        let name = run_all(&verifiers, vec![job]).pop().flatten().flatten();
        let name = name.unwrap();
        assert!(name.starts_with("arkivar-verify-"), "{name}");
    }

    #[test]
    fn no_more_than_the_threads_run_at_once() {
        let verifiers = Arc::new(Verifiers::start(2, 1 << 20).unwrap());
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let jobs = (0..8usize)
            .map(|i| {
                let (running, most) = (Arc::clone(&running), Arc::clone(&most));
                Box::new(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                    i
                }) as Box<dyn FnOnce() -> usize + Send>
            })
            .collect();
        let answers = run_all(&verifiers, jobs);
        assert_eq!(answers, (0..8).map(Some).collect::<Vec<_>>());
        // Both threads worked (8 jobs of 20 ms overlap), and never a third document.
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn work_is_taken_in_the_order_it_was_queued() {
        let verifiers = Arc::new(Verifiers::start(1, 1 << 20).unwrap());
        let order = Arc::new(Mutex::new(Vec::new()));
        let jobs = (0..6)
            .map(|i| {
                let order = Arc::clone(&order);
                Box::new(move || {
                    std::thread::sleep(Duration::from_millis(5));
                    order.lock().unwrap().push(i);
                }) as Box<dyn FnOnce() + Send>
            })
            .collect();
        run_all(&verifiers, jobs);
        assert_eq!(*order.lock().unwrap(), vec![0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn a_panicking_job_answers_none_and_the_thread_lives_on() {
        let verifiers = Arc::new(Verifiers::start(1, 1 << 20).unwrap());
        let jobs: Vec<Box<dyn FnOnce() -> u8 + Send>> =
            vec![Box::new(|| panic!("hostile input")), Box::new(|| 7)];
        assert_eq!(run_all(&verifiers, jobs), vec![None, Some(7)]);
    }
}
