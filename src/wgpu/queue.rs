//! Asynchronous execution: ops record compute passes into one pending command
//! encoder; it is submitted at sync points (reading back, `synchronize()`), before
//! uploads, and every MAX_PENDING dispatches. The host waits only to read data.
//!
//! Uploads flush first because `queue.write_buffer` runs at the next submit *before*
//! that submit's command buffers: a pooled buffer still read by unsubmitted work
//! would otherwise be overwritten too early.

use super::context::Context;
use crate::error::Result;

/// Dispatches recorded before an automatic submit (keeps the GPU fed, bounds memory).
const MAX_PENDING: usize = 256;

#[derive(Default)]
pub struct Pending {
    encoder: Option<wgpu::CommandEncoder>,
    dispatches: usize,
}

impl Context {
    /// Records work into the pending encoder.
    pub fn record(&self, f: impl FnOnce(&mut wgpu::CommandEncoder)) -> Result<()> {
        let full = {
            let mut p = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            let enc = p.encoder.get_or_insert_with(|| {
                self.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("rustorch ops") })
            });
            f(enc);
            p.dispatches += 1;
            p.dispatches >= MAX_PENDING
        };
        if full {
            self.flush()?;
        }
        self.check_errors()
    }

    /// Submits the pending encoder, if any (does not wait).
    pub fn flush(&self) -> Result<()> {
        let enc = {
            let mut p = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            p.dispatches = 0;
            p.encoder.take()
        };
        if let Some(enc) = enc {
            self.queue.submit([enc.finish()]);
        }
        self.check_errors()
    }
}
