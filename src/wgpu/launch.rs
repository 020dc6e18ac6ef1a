//! Launchers: cached pipelines, buffer bindings (whole or windows) and dispatches sized
//! for the adapter (two-dimensional beyond 65,535 workgroups).

use super::context::Context;
use super::template::WORKGROUP;
use crate::error::{Error, Result};
use crate::tensor::Tensor;
use std::sync::Arc;

/// The pipeline for `key`, compiled from `source()` on first use.
pub fn pipeline(ctx: &Context, key: &str, source: impl FnOnce() -> Option<String>) -> Result<Arc<wgpu::ComputePipeline>> {
    if let Some(p) = ctx.pipelines.lock().unwrap_or_else(|e| e.into_inner()).get(key) {
        return Ok(p.clone());
    }
    let src = source().ok_or_else(|| Error::runtime(format!("no WGSL source for {key}")))?;
    let desc = wgpu::ShaderModuleDescriptor { label: Some(key), source: wgpu::ShaderSource::Wgsl(src.into()) };
    // Runtime bounds checks off: every index these kernels compute is in range by construction
    // (views are validated against their storage when made; parameters are sized by the host;
    // workgroup arrays are indexed below their length). RUSTORCH_WGPU_CHECKED=1 keeps the checks.
    let module = if std::env::var("RUSTORCH_WGPU_CHECKED").as_deref() == Ok("1") {
        ctx.device.create_shader_module(desc)
    } else {
        // SAFETY: indices in range by construction, as above.
        unsafe { ctx.device.create_shader_module_trusted(desc, wgpu::ShaderRuntimeChecks::unchecked()) }
    };
    let p = Arc::new(ctx.device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: Some(key),
        layout: None,
        module: &module,
        entry_point: Some("main"),
        compilation_options: Default::default(),
        cache: None,
    }));
    ctx.check_errors()?;
    ctx.pipelines.lock().unwrap_or_else(|e| e.into_inner()).insert(key.to_string(), p.clone());
    Ok(p)
}

/// The device buffer of a wgpu tensor, checked against the binding-size limit.
pub fn buffer<'a>(ctx: &Context, t: &'a Tensor) -> Result<&'a wgpu::Buffer> {
    let wb = t.storage().wgpu_buffer().ok_or_else(|| Error::runtime("expected a wgpu tensor"))?;
    if wb.capacity() as u64 > ctx.limits.max_storage_buffer_binding_size {
        return Err(Error::NotImplemented(format!(
            "wgpu tensors over one storage binding ({} bytes on {}) are not supported yet",
            ctx.limits.max_storage_buffer_binding_size, ctx.info.name
        )));
    }
    wb.buffer()
}

/// Bytes of a wgpu tensor's buffer.
pub fn capacity(t: &Tensor) -> Result<usize> {
    Ok(t.storage().wgpu_buffer().ok_or_else(|| Error::runtime("expected a wgpu tensor"))?.capacity())
}

/// Sizes, strides and offsets as the u32 kernel parameters (an error beyond 32 bits).
pub fn u32s(values: impl IntoIterator<Item = usize>) -> Result<Vec<u32>> {
    values
        .into_iter()
        .map(|v| u32::try_from(v).map_err(|_| Error::NotImplemented("wgpu kernels index with 32 bits; this tensor is too large".into())))
        .collect()
}

pub const MAX_DIMS: usize = 8;

/// A buffer bound whole, or a window of it (tensors larger than one binding).
#[derive(Clone, Copy)]
pub struct Bind<'a> {
    pub buffer: &'a wgpu::Buffer,
    pub offset: u64,
    pub size: Option<std::num::NonZeroU64>,
}

impl<'a> From<&'a wgpu::Buffer> for Bind<'a> {
    fn from(buffer: &'a wgpu::Buffer) -> Bind<'a> {
        Bind { buffer, offset: 0, size: None }
    }
}

/// Records one dispatch of `pipeline` over `numel` elements (one invocation each) with
/// these buffers bound in order, followed by the parameter buffer.
pub fn dispatch(ctx: &Context, pipeline: &wgpu::ComputePipeline, buffers: &[Bind], params: &[u32], numel: usize) -> Result<()> {
    dispatch_groups(ctx, pipeline, buffers, params, numel.div_ceil(WORKGROUP as usize))
}

/// Records one dispatch of `groups` workgroups (a 2-D grid beyond the per-dimension limit).
pub fn dispatch_groups(ctx: &Context, pipeline: &wgpu::ComputePipeline, buffers: &[Bind], params: &[u32], groups: usize) -> Result<()> {
    if groups == 0 {
        return Ok(());
    }
    let max = ctx.limits.max_compute_workgroups_per_dimension as usize;
    // The fewest rows, then the narrowest rows that hold every workgroup: (65535, 2) for 65,536
    // groups would launch 65,534 idle ones, which on lavapipe cost as much as working ones.
    let y = groups.div_ceil(max);
    let x = groups.div_ceil(y);
    if y > max {
        return Err(Error::NotImplemented("tensor too large for one wgpu dispatch".into()));
    }
    ctx.dispatch(pipeline, buffers, params, (x as u32, y as u32))
}
