//! Caching allocator for device buffers: freed buffers are kept by size class and
//! reused. Reuse is safe for GPU-side work because the queue runs commands in
//! submission order and wgpu orders accesses to one buffer.

use super::context::Context;
use crate::error::{Error, Result};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct Pool {
    free: Mutex<HashMap<usize, Vec<wgpu::Buffer>>>,
    allocated: AtomicUsize,
    peak: AtomicUsize,
    cached: AtomicUsize,
}

/// A device buffer that returns to its pool when dropped.
pub struct WgpuBuffer {
    buffer: Option<wgpu::Buffer>,
    class: usize,
    ctx: Arc<Context>,
}

impl WgpuBuffer {
    pub fn buffer(&self) -> Result<&wgpu::Buffer> {
        self.buffer.as_ref().ok_or_else(|| Error::runtime("wgpu buffer already released"))
    }
    pub fn context(&self) -> &Arc<Context> {
        &self.ctx
    }
    pub fn capacity(&self) -> usize {
        self.class
    }
}

impl Drop for WgpuBuffer {
    fn drop(&mut self) {
        if let Some(b) = self.buffer.take() {
            self.ctx.pool.give(b, self.class);
        }
    }
}

impl Pool {
    /// A buffer of at least `nbytes` (a multiple of 4, as copies require).
    pub fn take(ctx: &Arc<Context>, nbytes: usize) -> Result<WgpuBuffer> {
        let oom = || Error::OutOfMemory { bytes: nbytes as u128 };
        let class = crate::cpu::alloc::size_class(nbytes.max(4)).ok_or_else(oom)?;
        if class as u64 > ctx.limits.max_buffer_size {
            return Err(oom());
        }
        let pool = &ctx.pool;
        let reused = pool.free.lock().unwrap_or_else(|e| e.into_inner()).get_mut(&class).and_then(|v| v.pop());
        let buffer = match reused {
            Some(b) => {
                pool.cached.fetch_sub(class, Ordering::Relaxed);
                b
            }
            None => ctx.device.create_buffer(&wgpu::BufferDescriptor {
                label: None,
                size: class as u64,
                usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            }),
        };
        ctx.check_errors()?;
        let now = pool.allocated.fetch_add(class, Ordering::Relaxed) + class;
        pool.peak.fetch_max(now, Ordering::Relaxed);
        Ok(WgpuBuffer { buffer: Some(buffer), class, ctx: ctx.clone() })
    }

    fn give(&self, b: wgpu::Buffer, class: usize) {
        self.allocated.fetch_sub(class, Ordering::Relaxed);
        self.cached.fetch_add(class, Ordering::Relaxed);
        self.free.lock().unwrap_or_else(|e| e.into_inner()).entry(class).or_default().push(b);
    }

    /// (bytes held by live tensors, peak of that, bytes cached for reuse).
    pub fn stats(&self) -> (usize, usize, usize) {
        (self.allocated.load(Ordering::Relaxed), self.peak.load(Ordering::Relaxed), self.cached.load(Ordering::Relaxed))
    }

    pub fn reset_peak(&self) {
        self.peak.store(self.allocated.load(Ordering::Relaxed), Ordering::Relaxed);
    }

    /// Releases every cached buffer to the driver. Dropped, not destroyed: recorded work
    /// that has not run yet may still use one, and wgpu frees it once that work is done.
    pub fn empty_cache(&self) {
        self.free.lock().unwrap_or_else(|e| e.into_inner()).clear();
        self.cached.store(0, Ordering::Relaxed);
    }
}
