//! Host <-> device copies. Uploads write through the queue; downloads copy the
//! bytes a view spans into a mappable staging buffer and wait for it.

use super::pool::Pool;
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::storage::{Device, Storage};
use crate::tensor::Tensor;
use std::sync::{Arc, Mutex};

/// Copy alignment wgpu requires for buffer copies and writes.
const ALIGN: usize = wgpu::COPY_BUFFER_ALIGNMENT as usize;

fn round_up(n: usize) -> usize {
    n.div_ceil(ALIGN) * ALIGN
}

/// A contiguous device copy of a CPU tensor.
pub fn upload(t: &Tensor) -> Result<Tensor> {
    let ctx = super::context()?;
    let c = t.contiguous()?;
    let nbytes = c.numel() * c.dtype.size();
    let buf = Pool::take(&ctx, round_up(nbytes))?;
    // write_buffer runs at the next submit before any recorded work (queue.rs): that work must be
    // submitted first. The flush comes after taking the buffer: a buffer freed by another thread
    // while its last op was still recorded, not submitted, must see that op run before our write
    // (flushing first left a window in which such an op overwrote the upload).
    ctx.flush()?;
    if nbytes > 0 {
        // SAFETY: `c` is a contiguous CPU tensor of exactly `nbytes` bytes.
        let bytes = unsafe { std::slice::from_raw_parts(c.ptr()? as *const u8, nbytes) };
        if nbytes % ALIGN == 0 {
            ctx.queue.write_buffer(buf.buffer()?, 0, bytes);
        } else {
            let mut padded = bytes.to_vec();
            padded.resize(round_up(nbytes), 0);
            ctx.queue.write_buffer(buf.buffer()?, 0, &padded);
        }
    }
    ctx.check_errors()?;
    let storage = Storage::from_wgpu(buf, nbytes);
    Tensor::from_storage(Arc::new(storage), Layout::contiguous(c.shape()), c.dtype)
}

/// A contiguous CPU copy of a device tensor (any view of its storage). A synchronisation point:
/// index checks pending on the device raise here (`checks.rs`).
pub fn download(t: &Tensor) -> Result<Tensor> {
    if t.numel() == 0 {
        return Tensor::empty(t.shape(), t.dtype, Device::Cpu);
    }
    if let Some(wb) = t.storage().wgpu_buffer() {
        super::checks::resolve(wb.context())?;
    }
    read_back(t)
}

/// `download` without resolving the pending index checks (which read their own slots with it).
pub(crate) fn read_back(t: &Tensor) -> Result<Tensor> {
    if t.numel() == 0 {
        return Tensor::empty(t.shape(), t.dtype, Device::Cpu);
    }
    let wb = t.storage().wgpu_buffer().ok_or_else(|| Error::runtime("download of a tensor that is not on wgpu"))?;
    let ctx = wb.context().clone();
    let es = t.dtype.size();
    // The bytes the view spans, widened to the copy alignment.
    let first = t.layout.offset * es;
    let end = t.layout.extent() * es;
    let start = first / ALIGN * ALIGN;
    let len = round_up(end - start).min(wb.capacity() - start);
    let staging = take_staging(&ctx, len);
    ctx.flush()?; // the tensor's producers first
    let mut enc = ctx.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: None });
    enc.copy_buffer_to_buffer(wb.buffer()?, start as u64, &staging, 0, len as u64);
    ctx.queue.submit([enc.finish()]);
    let mapped: Arc<Mutex<Option<std::result::Result<(), wgpu::BufferAsyncError>>>> = Arc::new(Mutex::new(None));
    let slot = mapped.clone();
    let range = staging.slice(..len as u64);
    range.map_async(wgpu::MapMode::Read, move |r| {
        if let Ok(mut s) = slot.lock() {
            *s = Some(r);
        }
    });
    ctx.synchronize()?;
    // Map callbacks run inside whichever thread polls: with several threads, another one may be
    // running ours when our own poll returns. Wait for it (polling again) rather than fail.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let outcome = loop {
        match mapped.lock().map(|mut s| s.take()) {
            Ok(Some(r)) => break Some(r),
            Ok(None) if std::time::Instant::now() < deadline => {
                std::thread::yield_now();
                let _ = ctx.device.poll(wgpu::PollType::Poll);
            }
            _ => break None,
        }
    };
    match outcome {
        Some(Ok(())) => {}
        _ => return Err(Error::runtime("wgpu: reading the tensor back from the device failed")),
    }
    let host = Storage::new_cpu(len)?;
    {
        let view = staging
            .slice(..len as u64)
            .get_mapped_range()
            .map_err(|e| Error::runtime(format!("wgpu: mapping the readback buffer failed: {e}")))?;
        // SAFETY: `host` holds `len` bytes and `view` is `len` bytes long.
        unsafe { std::ptr::copy_nonoverlapping(view.as_ptr(), host.cpu_ptr()?, len) };
    }
    staging.unmap();
    give_staging(&ctx, staging);
    // The same view, now relative to the bytes copied.
    let layout = Layout { offset: (first - start) / es, ..t.layout.clone() };
    Tensor::from_storage(Arc::new(host), layout, t.dtype)?.contiguous()
}

/// Staging buffers up to this size are kept for reuse (larger reads allocate their own).
const STAGING_KEEP: usize = 64 << 20;

/// A mappable readback buffer of at least `len` bytes, reused when one is free.
fn take_staging(ctx: &super::Context, len: usize) -> wgpu::Buffer {
    let class = crate::cpu::alloc::size_class(len.max(4)).unwrap_or(len).max(len);
    let cached = ctx.staging.lock().unwrap_or_else(|e| e.into_inner()).get_mut(&class).and_then(|v| v.pop());
    cached.unwrap_or_else(|| {
        ctx.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("rustorch readback"),
            size: class.div_ceil(ALIGN).saturating_mul(ALIGN) as u64,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        })
    })
}

fn give_staging(ctx: &super::Context, b: wgpu::Buffer) {
    let size = b.size() as usize;
    if size <= STAGING_KEEP {
        let mut cache = ctx.staging.lock().unwrap_or_else(|e| e.into_inner());
        let v = cache.entry(size).or_default();
        if v.len() < 2 {
            v.push(b);
        }
    }
}
