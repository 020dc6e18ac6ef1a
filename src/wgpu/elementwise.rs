//! Elementwise launchers: strided inputs, contiguous output, one WGSL template per family.

use super::launch::{buffer, dispatch, dims, into_output, pipeline, u32s};
use super::template::{binary_source, unary_source};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::ops::{BinaryOp, UnaryOp};
use crate::tensor::Tensor;

/// Errors for a dtype the adapter cannot compute in (as PyTorch's MPS backend words it).
pub fn check_dtype(ctx: &super::Context, d: DType) -> Result<()> {
    let ok = match d {
        DType::F32 => true,
        DType::F16 => ctx.features.contains(wgpu::Features::SHADER_F16),
        DType::F64 => ctx.features.contains(wgpu::Features::SHADER_F64),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(Error::Type(format!(
            "Cannot compute in {} on the wgpu device {}: the adapter does not support it",
            d.name(),
            ctx.info.name
        )))
    }
}

/// Whether the float templates have a kernel for this op and dtype.
pub fn has_unary(op: UnaryOp, d: DType) -> bool {
    unary_source(op, d).is_some()
}

pub fn has_binary(op: BinaryOp, d: DType) -> bool {
    binary_source(op, d).is_some()
}

/// `out = op(x)`; `out` contiguous, both of `x`'s dtype.
pub fn unary(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    let ctx = super::context()?;
    check_dtype(&ctx, x.dtype)?;
    let key = format!("unary_{}_{}", op.name(), x.dtype.name());
    let p = pipeline(&ctx, &key, || unary_source(op, x.dtype))?;
    into_output(&ctx, out, &[x], |out| {
        let (shape, strides) = dims(x, out.shape())?;
        let mut params = u32s([out.numel(), out.ndim(), x.layout.offset, out.layout.offset])?;
        params.extend(shape);
        params.extend(strides);
        dispatch(&ctx, &p, &[buffer(&ctx, x)?, buffer(&ctx, out)?], &params, out.numel())
    })
}

/// `out = op(a, b)`; `a`, `b` already broadcast to `out`'s shape; one dtype.
pub fn binary(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    let ctx = super::context()?;
    check_dtype(&ctx, a.dtype)?;
    let key = format!("binary_{}_{}", op.name(), a.dtype.name());
    let p = pipeline(&ctx, &key, || binary_source(op, a.dtype))?;
    into_output(&ctx, out, &[a, b], |out| {
        let (shape, sa) = dims(a, out.shape())?;
        let (_, sb) = dims(b, out.shape())?;
        let mut params = u32s([out.numel(), out.ndim(), a.layout.offset, b.layout.offset, out.layout.offset])?;
        params.extend(shape);
        params.extend(sa);
        params.extend(sb);
        dispatch(&ctx, &p, &[buffer(&ctx, a)?, buffer(&ctx, b)?, buffer(&ctx, out)?], &params, out.numel())
    })
}
