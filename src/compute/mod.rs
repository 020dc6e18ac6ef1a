//! Device-agnostic entry points: type promotion, broadcasting, output
//! allocation and validation happen here, then the device's kernel runs.
//! Kernels see only their compute dtypes (half types compute in f32).

pub mod creation;
pub mod elementwise;
pub mod reduce;

use crate::cpu;
use crate::dtype::{DType, Operand, Scalar};
use crate::error::{Error, Result};
use crate::tensor::Tensor;

/// An op argument: a tensor or a Python number.
#[derive(Clone, Copy)]
pub enum Arg<'a> {
    T(&'a Tensor),
    S(Scalar),
}

impl Arg<'_> {
    pub fn operand(&self) -> Operand {
        match self {
            Arg::T(t) => Operand::Tensor { dtype: t.dtype, ndim: t.ndim() },
            Arg::S(s) => Operand::Scalar(*s),
        }
    }
    pub fn shape(&self) -> &[usize] {
        match self {
            Arg::T(t) => t.shape(),
            Arg::S(_) => &[],
        }
    }
    pub fn dtype(&self) -> Option<DType> {
        match self {
            Arg::T(t) => Some(t.dtype),
            Arg::S(_) => None,
        }
    }
}

/// The dtype a kernel runs in: half types widen to f32.
pub fn kernel_dtype(d: DType) -> DType {
    match d {
        DType::F16 | DType::BF16 => DType::F32,
        d => d,
    }
}

/// `t` in `dtype`; a copy only when the dtype differs.
pub fn to_dtype(t: &Tensor, dtype: DType) -> Result<Tensor> {
    if t.dtype == dtype {
        return Ok(t.clone());
    }
    let out = Tensor::empty(t.shape(), dtype, t.device())?;
    cpu::copy::cast_into(t, &out)?;
    Ok(out)
}

/// A 0-d tensor holding `s` converted to `dtype`.
pub fn scalar_tensor(s: Scalar, dtype: DType) -> Result<Tensor> {
    let t = Tensor::empty(&[], dtype, crate::storage::Device::Cpu)?;
    cpu::copy::fill(&t, s)?;
    Ok(t)
}

/// `a` as a tensor of `dtype` viewed at `shape`.
pub fn materialize(a: Arg, dtype: DType, shape: &[usize]) -> Result<Tensor> {
    match a {
        Arg::T(t) => to_dtype(t, dtype)?.into_broadcast(shape),
        Arg::S(s) => scalar_tensor(s, dtype)?.into_broadcast(shape),
    }
}

/// All tensor arguments on one device (PyTorch's wording when not).
pub fn check_devices(args: &[Arg]) -> Result<()> {
    let mut first = None;
    for a in args {
        if let Arg::T(t) = a {
            match first {
                None => first = Some(t.device()),
                Some(d) if d != t.device() => {
                    return Err(Error::runtime(format!(
                        "Expected all tensors to be on the same device, but found at least two devices, {} and {}!",
                        d.name(),
                        t.device().name()
                    )))
                }
                _ => {}
            }
        }
    }
    Ok(())
}

pub fn broadcast_all(args: &[Arg]) -> Result<Vec<usize>> {
    let mut shape: Vec<usize> = vec![];
    for a in args {
        shape = crate::layout::broadcast_shapes(&shape, a.shape())?;
    }
    Ok(shape)
}

/// Writing `src` into `out` needs a temporary when they share memory through
/// different layouts (a plain in-place op shares the exact layout and is fine).
pub fn clashes(out: &Tensor, inputs: &[&Tensor]) -> bool {
    inputs.iter().any(|t| out.same_storage(t) && (t.layout != out.layout))
}

/// PyTorch refuses in-place ops whose input partially overlaps the output
/// (same memory, different layout): the result would depend on loop order.
pub fn check_partial_overlap(out: &Tensor, inputs: &[Arg]) -> Result<()> {
    let es = out.dtype.size();
    let span = |t: &Tensor| {
        let s = t.layout.offset * t.dtype.size();
        (s, s + t.layout.extent().saturating_sub(t.layout.offset) * t.dtype.size())
    };
    let (o0, o1) = span(out);
    for a in inputs {
        if let Arg::T(t) = a {
            if !out.same_storage(t) || t.numel() == 0 || out.numel() == 0 {
                continue;
            }
            let identical = t.layout == out.layout && t.dtype.size() == es;
            let (i0, i1) = span(t);
            if !identical && i0 < o1 && o0 < i1 {
                return Err(Error::shape(
                    "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. Please clone() the tensor before performing the operation.",
                ));
            }
        }
    }
    Ok(())
}

/// Errors for an output that aliases itself (an expanded tensor) or has the wrong shape.
pub fn check_out(out: &Tensor, shape: &[usize], result: DType) -> Result<()> {
    if !crate::dtype::can_cast(result, out.dtype) {
        return Err(Error::CannotCast { from: result, to: out.dtype });
    }
    if out.shape() != shape {
        return Err(Error::shape(format!(
            "output with shape {} doesn't match the broadcast shape {}",
            crate::layout::fmt_shape(out.shape()),
            crate::layout::fmt_shape(shape)
        )));
    }
    if out.layout.has_internal_overlap() {
        return Err(Error::shape(
            "unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.",
        ));
    }
    Ok(())
}

/// Runs `kernel(out')` where `out'` is `out` itself when it has the kernel's
/// dtype and no clash with the inputs, else a temporary copied into `out`.
pub fn write_via(out: &Tensor, kernel_out: DType, inputs: &[&Tensor], kernel: impl FnOnce(&Tensor) -> Result<()>) -> Result<()> {
    if out.dtype == kernel_out && !clashes(out, inputs) {
        kernel(out)?;
    } else {
        let tmp = Tensor::empty(out.shape(), kernel_out, out.device())?;
        kernel(&tmp)?;
        cpu::copy::cast_into(&tmp, out)?;
    }
    Ok(())
}

/// `dst.copy_(src)`: broadcast + dtype conversion.
pub fn copy_into(dst: &Tensor, src: &Tensor) -> Result<()> {
    check_devices(&[Arg::T(dst), Arg::T(src)])?;
    if dst.layout.has_internal_overlap() {
        return Err(Error::shape(
            "unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.",
        ));
    }
    let s = src.broadcast_to(dst.shape()).map_err(|_| {
        Error::shape(format!(
            "The size of tensor a ({}) must match the size of tensor b ({}) at non-singleton dimension {}",
            dst.shape().last().copied().unwrap_or(1),
            src.shape().last().copied().unwrap_or(1),
            dst.ndim().saturating_sub(1)
        ))
    })?;
    let s = if clashes(dst, &[&s]) { s.clone_contiguous()? } else { s };
    cpu::copy::cast_into(&s, dst)?;
    dst.bump_version();
    Ok(())
}

pub fn fill(dst: &Tensor, value: Scalar) -> Result<()> {
    if dst.layout.has_internal_overlap() {
        // Every alias receives the same value: well defined, unlike other writes.
        let base = dst.with_layout(crate::layout::Layout {
            shape: dst.shape().iter().zip(&dst.layout.strides).map(|(&n, &s)| if s == 0 { 1.min(n) } else { n }).collect(),
            strides: dst.layout.strides.clone(),
            offset: dst.layout.offset,
        });
        cpu::copy::fill(&base, value)?;
    } else {
        cpu::copy::fill(dst, value)?;
    }
    dst.bump_version();
    Ok(())
}
