//! Parts of a job shared between the calling thread and helper threads that stay awake between
//! jobs: the CPU kernels' threading (elementwise loops, reductions, products, optimizer steps).
//!
//! Why not rayon: called from a thread outside its pool (the Python thread), `par_iter` parks the
//! caller on a condition variable while pool workers do all the parts, and idle workers sleep
//! after some 10 us, so an op called every few tens of microseconds pays two wake-ups per call:
//! a 131K-element add measured 15 us on two threads through rayon against 14 on one, and a
//! broadcast multiply 31 against 11. Here the caller works too, helpers spin a while after a job,
//! and a helper that comes late finds nothing left, so nothing waits on a helper that never came.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

/// Threads a job may use: rayon's count (RAYON_NUM_THREADS, else the CPUs), the caller included.
pub fn threads() -> usize {
    rayon::current_num_threads()
}

/// `f(i)` for every i in 0..n, in runs of at least `min_len` indices: one run per part, up to
/// four parts per thread (so a part held up by a busy core leaves the others to share).
pub fn for_range(n: usize, min_len: usize, f: &(dyn Fn(usize) + Sync)) {
    let threads = threads();
    let parts = (n / min_len.max(1)).clamp(1, threads * 4);
    if parts == 1 || threads == 1 {
        (0..n).for_each(f);
        return;
    }
    parallel(parts, threads, &|p: usize| (n * p / parts..n * (p + 1) / parts).for_each(f));
}

/// Parts 0..parts, claimed from a shared counter by the caller and up to `threads - 1` helpers.
///
/// Not rayon: from a thread outside the pool, join/scope park the caller on a condition
/// variable while pool threads work; and rayon's idle workers sleep after some 10 us, so a
/// product called every few tens of microseconds finds its helper asleep, and waking a halted
/// virtual CPU costs more than the part (bmm of 64 x 64^3 measured 150 us a call, the helper
/// doing 1 part in 16, against 76 us with helpers that stay awake). The helpers here spin for
/// `SPIN` after their last part, as OpenMP's do, then park. The caller works too and spins
/// only while a helper finishes a part it has claimed; a helper that comes late finds no part
/// left, so a missing helper (none started, a forked child) only costs speed.
pub fn parallel(parts: usize, threads: usize, f: &(dyn Fn(usize) + Sync)) {
    let pool = if threads > 1 && parts > 1 { helpers() } else { None };
    let Some(pool) = pool else {
        (0..parts).for_each(f);
        return;
    };
    let task: *const (dyn Fn(usize) + Sync + '_) = f;
    // SAFETY: only the lifetime is erased. `f` is called only for a claimed part index below
    // `parts`, and this function returns only once `done` counts every such call, so no call
    // outlives the borrow.
    let task: *const (dyn Fn(usize) + Sync + 'static) = unsafe { std::mem::transmute(task) };
    let claims = Arc::new(Claims { next: AtomicUsize::new(0), done: AtomicUsize::new(0), parts, task: TaskPtr(task) });
    pool.publish(&claims);
    claims.work();
    let mut spins = 0u32;
    while claims.done.load(Ordering::Acquire) < parts {
        if spins < 1 << 12 {
            std::hint::spin_loop();
            spins += 1;
        } else {
            // A helper was descheduled mid-part: let it have this core.
            std::thread::yield_now();
        }
    }
}

/// How long an idle helper spins for the next product before it parks.
const SPIN: Duration = Duration::from_micros(200);

/// The helper threads (rayon's thread count less one: the caller is the other) and the one
/// job they serve, replaced by each `parallel` call.
struct Helpers {
    job: Mutex<Option<Arc<Claims>>>,
    /// Bumped (under `job`'s lock) with each new job; helpers spin on it.
    epoch: AtomicUsize,
    /// Helpers waiting on `wake` (counted under `job`'s lock).
    parked: AtomicUsize,
    wake: Condvar,
}

impl Helpers {
    /// Offers `claims` to the helpers. A lock held elsewhere (a helper taking the previous job,
    /// or one that did not survive a fork) is not waited for: the caller then works alone.
    fn publish(&self, claims: &Arc<Claims>) {
        for _ in 0..64 {
            if let Ok(mut job) = self.job.try_lock() {
                *job = Some(Arc::clone(claims));
                self.epoch.fetch_add(1, Ordering::Release);
                drop(job);
                if self.parked.load(Ordering::Acquire) > 0 {
                    self.wake.notify_all();
                }
                return;
            }
            std::hint::spin_loop();
        }
    }

    fn serve(&self) {
        let mut seen = self.epoch.load(Ordering::Acquire);
        loop {
            let start = Instant::now();
            let mut spins = 0u32;
            while self.epoch.load(Ordering::Acquire) == seen {
                spins = spins.wrapping_add(1);
                if spins.is_multiple_of(64) {
                    if start.elapsed() > SPIN {
                        break;
                    }
                    // Let a runnable thread (a rayon worker) have this core meanwhile.
                    std::thread::yield_now();
                }
                std::hint::spin_loop();
            }
            let mut job = self.job.lock().unwrap_or_else(PoisonError::into_inner);
            if self.epoch.load(Ordering::Acquire) == seen {
                self.parked.fetch_add(1, Ordering::AcqRel);
                while self.epoch.load(Ordering::Acquire) == seen {
                    job = self.wake.wait(job).unwrap_or_else(PoisonError::into_inner);
                }
                self.parked.fetch_sub(1, Ordering::AcqRel);
            }
            seen = self.epoch.load(Ordering::Acquire);
            let claims = job.clone();
            drop(job);
            if let Some(claims) = claims {
                claims.work();
            }
        }
    }
}

/// The helpers, started on first use (None where rayon has one thread or none could start).
fn helpers() -> Option<&'static Helpers> {
    static POOL: OnceLock<Option<&'static Helpers>> = OnceLock::new();
    *POOL.get_or_init(|| {
        let n = rayon::current_num_threads().saturating_sub(1);
        if n == 0 {
            return None;
        }
        // Leaked: the helpers live as long as the process.
        let pool: &'static Helpers = Box::leak(Box::new(Helpers {
            job: Mutex::new(None),
            epoch: AtomicUsize::new(0),
            parked: AtomicUsize::new(0),
            wake: Condvar::new(),
        }));
        let started = (0..n).filter(|i| std::thread::Builder::new().name(format!("rustorch-gemm-{i}")).spawn(move || pool.serve()).is_ok()).count();
        (started > 0).then_some(pool)
    })
}

struct TaskPtr(*const (dyn Fn(usize) + Sync + 'static));

struct Claims {
    next: AtomicUsize,
    done: AtomicUsize,
    parts: usize,
    task: TaskPtr,
}

// SAFETY: the task is Sync and is called only while `parallel` keeps it alive (see there).
unsafe impl Send for TaskPtr {}
unsafe impl Sync for TaskPtr {}

impl Claims {
    fn work(&self) {
        loop {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            if i >= self.parts {
                return;
            }
            // SAFETY: i < parts, so `parallel` is still waiting and the task is alive.
            unsafe { (*self.task.0)(i) };
            self.done.fetch_add(1, Ordering::Release);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_runs_once() {
        // Back to back (helpers spinning), after a pause (helpers parked), and from several
        // threads at once (jobs replacing each other in the helpers' slot).
        let run = || {
            for parts in [2, 3, 17, 64] {
                let hits: Vec<AtomicUsize> = (0..parts).map(|_| AtomicUsize::new(0)).collect();
                parallel(parts, 2, &|i| {
                    hits[i].fetch_add(1, Ordering::Relaxed);
                });
                assert!(hits.iter().all(|h| h.load(Ordering::Relaxed) == 1));
            }
        };
        for _ in 0..200 {
            run();
        }
        std::thread::sleep(Duration::from_millis(5));
        run();
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..200 {
                        run();
                    }
                });
            }
        });
    }
}
