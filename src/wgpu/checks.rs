//! Deferred index checks, as CUDA's device-side asserts: an op that takes indices records a
//! min/max reduction of them into a slot of a small device tensor and goes on; the host reads
//! the slots at the next synchronisation point (a read back or `synchronize()`) and raises the
//! first failing check's error there, naming the op. Reading the bounds back at the call instead
//! stalled the host until the GPU had run everything recorded before it (an embedding or a
//! cross-entropy loss drained the queue twice per training step).
//!
//! The kernels never touch memory for an index outside the indexed dimension (they skip it, see
//! `shaders/index.wgsl`), so work recorded between a bad index and its report is safe; its results
//! are meaningless, as they are under CUDA. `RUSTORCH_WGPU_SYNC_CHECKS=1` checks at the call (as
//! `CUDA_LAUNCH_BLOCKING=1` does), with the CPU's exact message.

use super::context::Context;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::tensor::Tensor;

/// Checks pending at once before one is resolved early (bounds the slot tensor: 1 KiB).
const CAPACITY: usize = 64;

/// The error for the first value outside the range (the smallest below it, else the largest above).
pub type MakeError = Box<dyn FnOnce(i64) -> Error + Send>;

struct Check {
    low: i64,
    high: i64,
    op: String,
    error: MakeError,
}

/// The checks recorded since the last synchronisation point and their slots.
#[derive(Default)]
pub struct Checks {
    pending: Vec<Check>,
    /// `[2 * CAPACITY]` int64: check i's minimum at 2i, maximum at 2i + 1.
    slots: Option<Tensor>,
}

/// The value a range `(lo, hi)` of indices has outside `[low, high)`, if any.
pub fn outside(lo: i64, hi: i64, low: i64, high: i64) -> Option<i64> {
    if lo < low {
        Some(lo)
    } else if hi >= high {
        Some(hi)
    } else {
        None
    }
}

/// Checks at the call for the whole process (the crate's tests: they share one context across
/// threads, and a deferred error would surface in whichever test synchronises next).
static SYNCHRONOUS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

#[cfg(test)]
pub fn check_at_the_call() {
    SYNCHRONOUS.store(true, std::sync::atomic::Ordering::Relaxed);
}

fn synchronous() -> bool {
    SYNCHRONOUS.load(std::sync::atomic::Ordering::Relaxed) || std::env::var("RUSTORCH_WGPU_SYNC_CHECKS").is_ok_and(|v| v == "1")
}

/// Every value of the non-empty int64 device tensor `index` in `[low, high)`: recorded now,
/// raised at the next synchronisation point (or here, under RUSTORCH_WGPU_SYNC_CHECKS=1).
pub fn check_range(index: &Tensor, low: i64, high: i64, op: &str, error: MakeError) -> Result<()> {
    use super::reduce::{reduce, Red};
    if synchronous() {
        let (lo, hi) = super::index::index_range(index)?;
        return outside(lo, hi, low, high).map_or(Ok(()), |v| Err(error(v)));
    }
    let ctx = super::context()?;
    let dims: Vec<usize> = (0..index.ndim()).collect();
    let full = {
        // Held while the reductions are recorded: a resolve from another thread must not read
        // this slot before its reductions are in the queue.
        let mut c = ctx.checks.lock().unwrap_or_else(|e| e.into_inner());
        let slots = match &c.slots {
            Some(s) => s.clone(),
            None => {
                let s = Tensor::empty(&[2 * CAPACITY], DType::I64, index.device())?;
                c.slots = Some(s.clone());
                s
            }
        };
        let at = 2 * c.pending.len() as i64;
        reduce(Red::Min, index, &dims, None, Some(&slots.select(0, at)?), None)?;
        reduce(Red::Max, index, &dims, None, Some(&slots.select(0, at + 1)?), None)?;
        c.pending.push(Check { low, high, op: op.to_string(), error });
        c.pending.len() >= CAPACITY
    };
    if full {
        resolve(&ctx)?;
    }
    Ok(())
}

/// Reads the pending checks' slots back (one read) and returns the first failing check's error,
/// its message naming the op; every pending check is done with either way.
pub fn resolve(ctx: &Context) -> Result<()> {
    let mut c = ctx.checks.lock().unwrap_or_else(|e| e.into_inner());
    if c.pending.is_empty() {
        return Ok(());
    }
    let pending = std::mem::take(&mut c.pending);
    let slots = match &c.slots {
        Some(s) => s.narrow(0, 0, 2 * pending.len() as i64)?,
        None => return Err(Error::runtime("index checks: pending checks without their slots")),
    };
    let values = super::transfer::read_back(&slots)?.to_vec::<i64>()?;
    for (check, v) in pending.into_iter().zip(values.chunks_exact(2)) {
        if let Some(bad) = outside(v[0], v[1], check.low, check.high) {
            return Err(named((check.error)(bad), &check.op));
        }
    }
    Ok(())
}

/// `error` with `op()` leading its message (unless it already does): reported later than the
/// call, the error must say which op it belongs to.
fn named(error: Error, op: &str) -> Error {
    let lead = |m: String| if m.starts_with(&format!("{op}(")) { m } else { format!("{op}(): {m}") };
    match error {
        Error::Index(m) => Error::Index(lead(m)),
        Error::Runtime(m) => Error::Runtime(lead(m)),
        Error::Shape(m) => Error::Shape(lead(m)),
        other => other,
    }
}
