//! Asynchronous execution: ops record dispatches into one compute pass kept open in a
//! pending command encoder; it is submitted at sync points (reading back,
//! `synchronize()`), before uploads, and every MAX_PENDING dispatches. The host waits
//! only to read data.
//!
//! Parameters go into slots of one arena buffer per batch, written once at submit
//! (no buffer is created per op). `queue.write_buffer` runs at the next submit *before*
//! that submit's command buffers, which is what the arena needs, and also why uploads
//! flush first: a pooled buffer still read by unsubmitted work would otherwise be
//! overwritten too early. One open pass matters on lavapipe, where a pass per dispatch
//! costs about four times as much (docs/WGPU_NOTES.md).

use super::context::Context;
use crate::error::Result;
use std::num::NonZeroU64;

/// Dispatches recorded before an automatic submit (keeps the GPU fed, bounds memory).
const MAX_PENDING: usize = 256;

/// Bytes of parameters a dispatch may use (64 u32s).
pub const PARAM_BYTES: usize = 256;

#[derive(Default)]
pub struct Pending {
    encoder: Option<wgpu::CommandEncoder>,
    pass: Option<wgpu::ComputePass<'static>>,
    /// This batch's parameter slots, written to `arena` at submit.
    params: Vec<u8>,
    arena: Option<wgpu::Buffer>,
    dispatches: usize,
}

impl Context {
    /// Bytes between parameter slots (the binding offset alignment, at least PARAM_BYTES).
    fn slot(&self) -> usize {
        PARAM_BYTES.max(self.limits.min_storage_buffer_offset_alignment as usize)
    }

    /// Records a dispatch of `groups` (x, y) workgroups with these buffers bound in
    /// order, then the parameters.
    pub fn dispatch(&self, pipeline: &wgpu::ComputePipeline, buffers: &[super::launch::Bind], params: &[u32], groups: (u32, u32)) -> Result<()> {
        let slot = self.slot();
        let full = {
            let mut guard = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            let p = &mut *guard;
            let arena = p
                .arena
                .get_or_insert_with(|| {
                    self.device.create_buffer(&wgpu::BufferDescriptor {
                        label: Some("rustorch params"),
                        size: (slot * MAX_PENDING) as u64,
                        usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST,
                        mapped_at_creation: false,
                    })
                })
                .clone();
            let offset = p.dispatches * slot;
            let bytes: &[u8] = bytemuck::cast_slice(params);
            p.params.resize(offset + slot, 0);
            p.params[offset..offset + bytes.len().min(slot)].copy_from_slice(&bytes[..bytes.len().min(slot)]);
            let layout = pipeline.get_bind_group_layout(0);
            let mut entries: Vec<wgpu::BindGroupEntry> = buffers
                .iter()
                .enumerate()
                .map(|(i, b)| wgpu::BindGroupEntry {
                    binding: i as u32,
                    resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding { buffer: b.buffer, offset: b.offset, size: b.size }),
                })
                .collect();
            entries.push(wgpu::BindGroupEntry {
                binding: buffers.len() as u32,
                resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                    buffer: &arena,
                    offset: offset as u64,
                    size: NonZeroU64::new(PARAM_BYTES as u64),
                }),
            });
            let bind = self.device.create_bind_group(&wgpu::BindGroupDescriptor { label: None, layout: &layout, entries: &entries });
            if p.pass.is_none() {
                let enc = p.encoder.get_or_insert_with(|| {
                    self.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("rustorch ops") })
                });
                p.pass = Some(enc.begin_compute_pass(&wgpu::ComputePassDescriptor { label: None, timestamp_writes: None }).forget_lifetime());
            }
            if let Some(pass) = p.pass.as_mut() {
                pass.set_pipeline(pipeline);
                pass.set_bind_group(0, &bind, &[]);
                pass.dispatch_workgroups(groups.0, groups.1, 1);
            }
            p.dispatches += 1;
            self.count(super::context::Counter::Dispatches);
            p.dispatches >= MAX_PENDING
        };
        if full {
            self.flush()?;
        }
        self.check_errors()
    }

    /// Records encoder work (buffer copies) after the open pass, which it closes.
    pub fn record(&self, f: impl FnOnce(&mut wgpu::CommandEncoder)) -> Result<()> {
        {
            let mut p = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            p.pass = None; // ends the pass: the encoder is usable again
            let enc = p.encoder.get_or_insert_with(|| {
                self.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("rustorch ops") })
            });
            f(enc);
        }
        self.check_errors()
    }

    /// Submits the pending encoder, if any (does not wait).
    pub fn flush(&self) -> Result<()> {
        {
            // The lock is held through the submit: threads flushing at once would otherwise submit
            // (and write the shared parameter arena) out of recording order.
            let mut p = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            p.pass = None;
            p.dispatches = 0;
            let params = std::mem::take(&mut p.params);
            if let Some(enc) = p.encoder.take() {
                if let (false, Some(arena)) = (params.is_empty(), p.arena.as_ref()) {
                    self.queue.write_buffer(arena, 0, &params);
                }
                self.queue.submit([enc.finish()]);
                self.count(super::context::Counter::Submits);
            }
        }
        self.check_errors()
    }
}
