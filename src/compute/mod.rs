//! Device-agnostic entry points: type promotion, broadcasting, output
//! allocation and validation happen here, then the device's kernel runs.
//! Kernels see only their compute dtypes (half types compute in f32).

pub mod creation;
pub mod elementwise;
pub mod index;
pub mod matmul;
pub mod optim;
pub mod reduce;
pub mod scan;
pub mod sort;

use crate::cpu;
use crate::dtype::{DType, Operand, Scalar};
use crate::error::{Error, Result};
use crate::storage::Device;
use crate::tensor::Tensor;

/// An op argument: a tensor or a Python number.
#[derive(Clone, Copy)]
pub enum Arg<'a> {
    T(&'a Tensor),
    S(Scalar),
}

impl<'a> Arg<'a> {
    pub fn operand(&self) -> Operand {
        match self {
            Arg::T(t) => Operand::Tensor { dtype: t.dtype, ndim: t.ndim() },
            Arg::S(s) => Operand::Scalar(*s),
        }
    }
    /// The tensor's layout (None for a Python number).
    pub fn layout(&self) -> Option<&'a crate::layout::Layout> {
        match *self {
            Arg::T(t) => Some(&t.layout),
            Arg::S(_) => None,
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
    let out = Tensor::empty_like(t, dtype, t.device())?;
    cast_into(t, &out)?;
    Ok(out)
}

/// `dst[...] = src[...]` converting dtypes on their (shared) device; `src` already
/// has `dst`'s shape (broadcast views are fine); `dst` does not overlap itself.
pub fn cast_into(src: &Tensor, dst: &Tensor) -> Result<()> {
    match dst.device() {
        Device::Cpu => cpu::copy::cast_into(src, dst),
        Device::Wgpu(_) => {
            use crate::wgpu::map::{run, MapOp};
            run(MapOp::Copy, &[(Arg::T(src), dst.dtype)], dst.dtype, &[], dst)
        }
    }
}

/// Every element of `dst` set to `value` (converted to its dtype) on its device.
pub fn fill_raw(dst: &Tensor, value: Scalar) -> Result<()> {
    match dst.device() {
        Device::Cpu => cpu::copy::fill(dst, value),
        Device::Wgpu(_) => {
            use crate::wgpu::map::{run, MapOp};
            let v = if dst.dtype == DType::Bool { Scalar::Bool(value.to_f64() != 0.0) } else { value };
            run(MapOp::Copy, &[(Arg::S(v), dst.dtype)], dst.dtype, &[], dst)
        }
    }
}

/// A 0-d tensor holding `s` converted to `dtype`.
pub fn scalar_tensor(s: Scalar, dtype: DType) -> Result<Tensor> {
    let t = Tensor::empty(&[], dtype, crate::storage::Device::Cpu)?;
    cpu::copy::fill(&t, s)?;
    Ok(t)
}

/// `a` as a tensor of `dtype` viewed at `shape`.
pub fn materialize(a: Arg, dtype: DType, shape: &[usize]) -> Result<Tensor> {
    materialize_on(a, dtype, shape, Device::Cpu)
}

/// `materialize`, with Python numbers placed on `device`.
pub fn materialize_on(a: Arg, dtype: DType, shape: &[usize], device: Device) -> Result<Tensor> {
    match a {
        Arg::T(t) => to_dtype(t, dtype)?.into_broadcast(shape),
        Arg::S(s) => to_device(&scalar_tensor(s, dtype)?, device)?.into_broadcast(shape),
    }
}

/// All tensor arguments on one device (PyTorch's wording when not), and a
/// device that has a kernel for `op` (no silent fallback to the CPU).
pub fn check_devices(op: &str, args: &[Arg]) -> Result<()> {
    match device_of(args)? {
        d @ Device::Wgpu(_) => Err(no_kernel(op, d)),
        Device::Cpu => Ok(()),
    }
}

/// The one device of the tensor arguments (the CPU when there are none).
pub fn device_of(args: &[Arg]) -> Result<Device> {
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
    Ok(first.unwrap_or(Device::Cpu))
}

/// The error for an op the device has no kernel for yet (as PyTorch's MPS backend words it).
pub fn no_kernel(op: &str, d: Device) -> Error {
    Error::NotImplemented(format!(
        "The operator '{op}' is not currently implemented for the {} device.",
        d.name().split(':').next().unwrap_or("wgpu")
    ))
}

/// `t` on `device`: the same tensor, or a copy across (contiguous on arrival).
pub fn to_device(t: &Tensor, device: Device) -> Result<Tensor> {
    match (t.device(), device) {
        (a, b) if a == b => Ok(t.clone()),
        (Device::Cpu, Device::Wgpu(_)) => crate::wgpu::transfer::upload(t),
        (Device::Wgpu(_), Device::Cpu) => crate::wgpu::transfer::download(t),
        (a, b) => Err(Error::runtime(format!("no copy path from {} to {}", a.name(), b.name()))),
    }
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
        let tmp = Tensor::empty_result(out.shape(), &[Some(&out.layout)], kernel_out, out.device())?;
        kernel(&tmp)?;
        cpu::copy::cast_into(&tmp, out)?;
    }
    Ok(())
}

/// `dst.copy_(src)`: broadcast + dtype conversion.
pub fn copy_into(dst: &Tensor, src: &Tensor) -> Result<()> {
    let moved;
    let src = if dst.device() != src.device() {
        // A copy across devices: bring `src` over, then copy on `dst`'s device.
        moved = to_device(src, dst.device())?;
        &moved
    } else {
        src
    };
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
    cast_into(&s, dst)?;
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
        fill_raw(&base, value)?;
    } else {
        fill_raw(dst, value)?;
    }
    dst.bump_version();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::elementwise::{binary, binary_into, unary};
    use super::reduce::reduce;
    use super::Arg;
    use crate::dtype::{DType, Scalar};
    use crate::error::Error;
    use crate::ops::{BinaryOp, ReduceOp, UnaryOp};
    use crate::tensor::Tensor;

    #[test]
    fn broadcast_promote_and_strided_inputs() {
        let a = Tensor::from_slice(&[1i32, 2, 3, 4, 5, 6], &[2, 3]).unwrap();
        let b = Tensor::from_slice(&[0.5f32, 1.5], &[2, 1]).unwrap();
        let at = a.transpose(0, 1).unwrap(); // [3, 2], strided
        let r = binary(BinaryOp::Add, Arg::T(&at), Arg::T(&b.transpose(0, 1).unwrap())).unwrap();
        assert_eq!(r.dtype, DType::F32);
        assert_eq!(r.to_vec::<f32>().unwrap(), vec![1.5, 5.5, 2.5, 6.5, 3.5, 7.5]);
        let d = binary(BinaryOp::Div, Arg::T(&a), Arg::S(Scalar::Int(2))).unwrap();
        assert_eq!(d.dtype, DType::F32); // int / int is float
    }

    #[test]
    fn in_place_checks_cast_and_zero_division() {
        let a = Tensor::from_slice(&[1i64, 2], &[2]).unwrap();
        let e = binary_into(BinaryOp::Add, Arg::T(&a), Arg::S(Scalar::Float(0.5)), &a).unwrap_err();
        assert!(matches!(e, Error::CannotCast { .. }));
        let z = binary(BinaryOp::FloorDivide, Arg::T(&a), Arg::S(Scalar::Int(0))).unwrap_err();
        assert_eq!(z.to_string(), "ZeroDivisionError");
        binary_into(BinaryOp::Mul, Arg::T(&a), Arg::S(Scalar::Int(3)), &a).unwrap();
        assert_eq!(a.to_vec::<i64>().unwrap(), vec![3, 6]);
        assert_eq!(a.storage().version(), 1);
    }

    #[test]
    fn reductions_over_dims() {
        let x = Tensor::from_slice(&[1f64, 2., 3., 4., 5., 6.], &[2, 3]).unwrap();
        let s = reduce(ReduceOp::Sum, &x, Some(&[0]), false, None, 1.0, false).unwrap();
        assert_eq!(s.to_vec::<f64>().unwrap(), vec![5., 7., 9.]);
        let m = reduce(ReduceOp::Mean, &x, Some(&[-1]), true, None, 1.0, false).unwrap();
        assert_eq!((m.shape().to_vec(), m.to_vec::<f64>().unwrap()), (vec![2, 1], vec![2., 5.]));
        let v = reduce(ReduceOp::Var, &x, None, false, None, 1.0, false).unwrap();
        assert!((v.to_vec::<f64>().unwrap()[0] - 3.5).abs() < 1e-12);
        let e = unary(UnaryOp::Exp, &Tensor::from_slice(&[0i64], &[1]).unwrap()).unwrap();
        assert_eq!(e.to_vec::<f32>().unwrap(), vec![1.0]);
    }
}
