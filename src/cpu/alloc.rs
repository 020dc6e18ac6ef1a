//! Caching allocator for CPU buffers. Freed blocks are kept by size class and
//! handed out again, so a new output of a size seen before costs no page faults
//! (the OS would otherwise hand back fresh, unmapped pages on every large op).

use crate::error::{Error, Result};
use std::alloc::{alloc, dealloc, Layout};
use std::collections::HashMap;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

pub const ALIGN: usize = 64;

struct Pool {
    free: HashMap<usize, Vec<usize>>, // class -> block addresses
    cached: usize,
}

fn pool() -> MutexGuard<'static, Pool> {
    static POOL: OnceLock<Mutex<Pool>> = OnceLock::new();
    let m = POOL.get_or_init(|| Mutex::new(Pool { free: HashMap::new(), cached: 0 }));
    // A poisoned lock only means another thread panicked mid-push; the map is still valid.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Bytes the pool may keep for reuse (RUSTORCH_CPU_CACHE_MB, default 2048).
fn cache_limit() -> usize {
    static LIMIT: OnceLock<usize> = OnceLock::new();
    *LIMIT.get_or_init(|| {
        std::env::var("RUSTORCH_CPU_CACHE_MB").ok().and_then(|v| v.parse::<usize>().ok()).unwrap_or(2048) << 20
    })
}

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

/// Size classes: powers of two up to 4 KiB, then 8 classes per doubling
/// (at most 12.5% slack) so similar sizes share blocks.
pub fn size_class(nbytes: usize) -> Option<usize> {
    if nbytes <= ALIGN {
        return Some(ALIGN);
    }
    if nbytes <= 4096 {
        return nbytes.checked_next_power_of_two();
    }
    let top = nbytes.checked_next_power_of_two()?;
    let step = (top / 16).max(4096);
    nbytes.checked_add(step - 1).map(|n| n / step * step)
}

/// A block of `class` bytes, 64-byte aligned.
pub fn allocate(nbytes: usize) -> Result<(NonNull<u8>, usize)> {
    let oom = || Error::OutOfMemory { bytes: nbytes as u128 };
    let class = size_class(nbytes).ok_or_else(oom)?;
    {
        let mut p = pool();
        if let Some(addr) = p.free.get_mut(&class).and_then(|v| v.pop()) {
            p.cached -= class;
            ALLOCATED.fetch_add(class, Ordering::Relaxed);
            // SAFETY: addresses in the pool came from `alloc` with this class and are non-null.
            return Ok((unsafe { NonNull::new_unchecked(addr as *mut u8) }, class));
        }
    }
    let layout = Layout::from_size_align(class, ALIGN).map_err(|_| oom())?;
    // SAFETY: class >= ALIGN > 0, so the layout has non-zero size.
    let mut ptr = unsafe { alloc(layout) };
    if ptr.is_null() {
        // The cache may be what stands between us and success.
        empty_cache();
        // SAFETY: as above.
        ptr = unsafe { alloc(layout) };
    }
    let ptr = NonNull::new(ptr).ok_or_else(oom)?;
    ALLOCATED.fetch_add(class, Ordering::Relaxed);
    Ok((ptr, class))
}

/// Returns a block to the cache (or to the OS once the cache is full).
pub fn release(ptr: NonNull<u8>, class: usize) {
    ALLOCATED.fetch_sub(class, Ordering::Relaxed);
    {
        let mut p = pool();
        if p.cached + class <= cache_limit() {
            p.cached += class;
            p.free.entry(class).or_default().push(ptr.as_ptr() as usize);
            return;
        }
    }
    // SAFETY: `ptr` was returned by `allocate` with this class and alignment.
    unsafe { dealloc(ptr.as_ptr(), Layout::from_size_align_unchecked(class, ALIGN)) }
}

/// Frees every cached block.
pub fn empty_cache() {
    let blocks: Vec<(usize, Vec<usize>)> = {
        let mut p = pool();
        p.cached = 0;
        p.free.drain().collect()
    };
    for (class, addrs) in blocks {
        for a in addrs {
            // SAFETY: each cached address came from `alloc` with this class.
            unsafe { dealloc(a as *mut u8, Layout::from_size_align_unchecked(class, ALIGN)) }
        }
    }
}

/// Bytes held by live tensors / by the cache.
pub fn stats() -> (usize, usize) {
    (ALLOCATED.load(Ordering::Relaxed), pool().cached)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_bound_the_slack() {
        for n in [1usize, 65, 4097, 100_000, 64 << 20, (64 << 20) + 1] {
            let c = size_class(n).unwrap();
            assert!(c >= n && (c as f64) <= (n as f64) * 1.125 + 4096.0, "{n} -> {c}");
            assert_eq!(c % ALIGN, 0);
        }
        assert!(size_class(usize::MAX).is_none());
    }

    #[test]
    fn blocks_are_reused() {
        let (p, c) = allocate(1 << 20).unwrap();
        release(p, c);
        let (q, c2) = allocate(1 << 20).unwrap();
        assert_eq!((p, c), (q, c2));
        release(q, c2);
    }

    #[test]
    fn huge_requests_fail_cleanly() {
        assert!(matches!(allocate(1 << 60), Err(Error::OutOfMemory { .. })));
    }
}
