//! Reduction entry points: dim handling, dtype rules, keepdim, empty inputs.

use super::{kernel_dtype, to_dtype};
use crate::cpu::reduce::{Count, CountMode, Extremum, FloatSum, IntSum, Out, Prod, Reducer, Rows, Var};
use crate::dispatch_all;
use crate::dtype::DType;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::layout::wrap_dim;
use crate::ops::ReduceOp;
use crate::storage::Device;
use crate::tensor::Tensor;

/// Sorted unique dims; None or empty means all dims.
pub fn normalize_dims(dims: Option<&[i64]>, ndim: usize) -> Result<Vec<usize>> {
    let dims = match dims {
        None | Some([]) => return Ok((0..ndim).collect()),
        Some(d) => d,
    };
    let mut out = Vec::with_capacity(dims.len());
    for &d in dims {
        let w = wrap_dim(d, ndim)?;
        if out.contains(&w) {
            return Err(Error::runtime(format!("dim {w} appears multiple times in the list of dims")));
        }
        out.push(w);
    }
    out.retain(|&d| d < ndim); // a 0-d tensor accepts dim 0/-1 and reduces nothing
    out.sort_unstable();
    Ok(out)
}

/// Output shape: kept dims, with 1s where reduced dims were when `keepdim`.
fn out_shape(shape: &[usize], dims: &[usize], keepdim: bool) -> Vec<usize> {
    (0..shape.len())
        .filter_map(|d| if dims.contains(&d) { if keepdim { Some(1) } else { None } } else { Some(shape[d]) })
        .collect()
}

/// Runs `red` (built for the kernel's output `out`) over the rows of `x`.
fn run_rows<T: Element, R: Reducer<T>>(rows: &Rows, red: R) -> Result<()> {
    rows.run::<T, R>(&red)
}

/// Reductions without an identity refuse empty input, worded (and typed) as PyTorch.
fn check_nonempty(op: &str, x: &Tensor, dims: &[usize], all: bool) -> Result<()> {
    if x.numel() != 0 {
        return Ok(());
    }
    if all {
        if op.starts_with("arg") {
            return Err(Error::Index(format!(
                "{op}(): Expected reduction dim to be specified for input.numel() == 0."
            )));
        }
        return Err(Error::runtime(format!(
            "{op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument."
        )));
    }
    if let Some(&d) = dims.iter().find(|&&d| x.shape()[d] == 0) {
        return Err(Error::Index(format!("{op}(): Expected reduction dim {d} to have non-zero size.")));
    }
    Ok(())
}

/// sum / mean / prod / amax / amin / all / any / count_nonzero / var (and std via `sqrt`).
pub fn reduce(op: ReduceOp, x: &Tensor, dims: Option<&[i64]>, keepdim: bool, dtype: Option<DType>, correction: f64, sqrt: bool) -> Result<Tensor> {
    let all = dims.is_none_or(|d| d.is_empty());
    let dims = normalize_dims(dims, x.ndim())?;
    let x = match dtype {
        Some(d) => to_dtype(x, d)?,
        None => x.clone(),
    };
    let res = match op {
        ReduceOp::Sum | ReduceOp::Prod => match dtype {
            Some(d) => d,
            None if x.dtype.is_float() => x.dtype,
            None => DType::I64,
        },
        ReduceOp::Mean | ReduceOp::Var => {
            if !x.dtype.is_float() {
                return Err(if op == ReduceOp::Mean {
                    Error::NotImplemented(format!(
                        "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: {}",
                        x.dtype.torch_name()
                    ))
                } else {
                    Error::NotImplemented("std and var only support floating point and complex dtypes".into())
                });
            }
            x.dtype
        }
        ReduceOp::Amax | ReduceOp::Amin => {
            check_nonempty(op.name(), &x, &dims, all)?;
            x.dtype
        }
        ReduceOp::All | ReduceOp::Any => {
            if x.dtype == DType::U8 { DType::U8 } else { DType::Bool }
        }
        ReduceOp::CountNonzero => DType::I64,
        ReduceOp::ArgMax | ReduceOp::ArgMin if x.dtype == DType::Bool => {
            return Err(Error::NotImplemented(format!("{}(): does not support bool input", op.name())))
        }
        ReduceOp::ArgMax | ReduceOp::ArgMin => return arg_extremum(op == ReduceOp::ArgMax, &x, dims.first().copied(), all, keepdim),
    };
    if x.device() != Device::Cpu {
        let out = wgpu_reduce(op, &x, &dims, res, correction, sqrt)?;
        return out.reshape(&out_shape(x.shape(), &dims, keepdim).iter().map(|&s| s as i64).collect::<Vec<_>>());
    }
    // Half types reduce in f32; everything else in its own type.
    let kin = match op {
        ReduceOp::Amax | ReduceOp::Amin | ReduceOp::All | ReduceOp::Any | ReduceOp::CountNonzero => x.dtype,
        _ => kernel_dtype(x.dtype),
    };
    let xin = to_dtype(&x, kin)?;
    let rows = Rows::new(&xin, &dims)?;
    let kout = match op {
        ReduceOp::All | ReduceOp::Any => DType::Bool,
        // Integer sums accumulate into int64 (IntSum writes i64), then cast to `res`.
        ReduceOp::Sum if !kin.is_float() => DType::I64,
        ReduceOp::Sum | ReduceOp::Prod | ReduceOp::Mean | ReduceOp::Var => kernel_dtype(res),
        _ => res,
    };
    let out = Tensor::empty(&rows.kept_shape, kout, x.device())?;
    let o = Out(out.ptr()?);
    match op {
        ReduceOp::Sum | ReduceOp::Mean if kin.is_float() => float_kernel(kin, |r| match r {
            FloatKind::F32 => run_rows::<f32, _>(&rows, FloatSum::<f32>::new(o, op == ReduceOp::Mean)),
            FloatKind::F64 => run_rows::<f64, _>(&rows, FloatSum::<f64>::new(o, op == ReduceOp::Mean)),
        })?,
        ReduceOp::Sum => dispatch_all!(kin, T => run_rows::<T, _>(&rows, IntSum(o)))?,
        ReduceOp::Prod => dispatch_all!(kin, T => dispatch_all!(kout, O => run_rows::<T, _>(&rows, Prod::<O>(o, std::marker::PhantomData))))?,
        ReduceOp::Var => float_kernel(kin, |r| match r {
            FloatKind::F32 => run_rows::<f32, _>(&rows, Var::<f32>::new(o, correction, sqrt)),
            FloatKind::F64 => run_rows::<f64, _>(&rows, Var::<f64>::new(o, correction, sqrt)),
        })?,
        ReduceOp::Amax | ReduceOp::Amin => {
            let red = Extremum { max: op == ReduceOp::Amax, values: Some(o), indices: None };
            dispatch_all!(kin, T => run_rows::<T, _>(&rows, red))?
        }
        ReduceOp::All | ReduceOp::Any | ReduceOp::CountNonzero => {
            let mode = match op {
                ReduceOp::All => CountMode::All,
                ReduceOp::Any => CountMode::Any,
                _ => CountMode::Count,
            };
            dispatch_all!(kin, T => run_rows::<T, _>(&rows, Count(o, mode)))?
        }
        _ => return Err(Error::runtime(format!("reduction {} has no kernel", op.name()))),
    }
    let out = to_dtype(&out, res)?;
    out.reshape(&out_shape(x.shape(), &dims, keepdim).iter().map(|&s| s as i64).collect::<Vec<_>>())
}

/// A reduction on wgpu into a contiguous tensor of the kept dims: the kernel's
/// accumulations, finished (mean, var, std) with elementwise kernels.
fn wgpu_reduce(op: ReduceOp, x: &Tensor, dims: &[usize], res: DType, correction: f64, sqrt: bool) -> Result<Tensor> {
    use super::Arg;
    use crate::dtype::Scalar;
    use crate::ops::{BinaryOp, UnaryOp};
    use crate::wgpu::map::{run, MapOp};
    use crate::wgpu::reduce::{reduce, Red};
    let kept: Vec<usize> = (0..x.ndim()).filter(|d| !dims.contains(d)).map(|d| x.shape()[d]).collect();
    let dev = x.device();
    let n = dims.iter().map(|&d| x.shape()[d]).product::<usize>() as f64;
    let direct = |red: Red| -> Result<Tensor> {
        let out = Tensor::empty(&kept, res, dev)?;
        reduce(red, x, dims, None, Some(&out), None)?;
        Ok(out)
    };
    let acc = kernel_dtype(res);
    // x / d in the accumulator dtype, into `out`.
    let divide = |t: &Tensor, d: f64, out: &Tensor| {
        run(MapOp::Binary(BinaryOp::Div), &[(Arg::T(t), acc), (Arg::S(Scalar::Float(d)), acc)], acc, &[], out)
    };
    match op {
        ReduceOp::Sum => direct(Red::Sum),
        ReduceOp::Prod => direct(Red::Prod),
        ReduceOp::Amax => direct(Red::Max),
        ReduceOp::Amin => direct(Red::Min),
        ReduceOp::All => direct(Red::All),
        ReduceOp::Any => direct(Red::Any),
        ReduceOp::CountNonzero => direct(Red::Count),
        ReduceOp::Mean | ReduceOp::Var => {
            let sum = Tensor::empty(&kept, acc, dev)?;
            reduce(Red::Sum, x, dims, None, Some(&sum), None)?;
            if op == ReduceOp::Mean {
                let out = Tensor::empty(&kept, res, dev)?;
                divide(&sum, n, &out)?;
                return Ok(out);
            }
            divide(&sum, n, &sum)?; // the mean, in place
            let ss = Tensor::empty(&kept, acc, dev)?;
            reduce(Red::SumSqDev, x, dims, Some(&sum), Some(&ss), None)?;
            divide(&ss, (n - correction).max(0.0), &ss)?;
            let out = Tensor::empty(&kept, res, dev)?;
            if sqrt {
                run(MapOp::Unary(UnaryOp::Sqrt), &[(Arg::T(&ss), acc)], acc, &[], &out)?;
            } else {
                super::cast_into(&ss, &out)?;
            }
            Ok(out)
        }
        ReduceOp::ArgMax | ReduceOp::ArgMin => Err(Error::runtime("arg reductions go through extremum")),
    }
}

enum FloatKind {
    F32,
    F64,
}

/// Runs `f` with the float kernel type of `d` (reductions that only exist for floats).
fn float_kernel(d: DType, f: impl FnOnce(FloatKind) -> Result<()>) -> Result<()> {
    match d {
        DType::F32 => f(FloatKind::F32),
        DType::F64 => f(FloatKind::F64),
        d => Err(Error::DTypeUnsupported { op: "reduce", dtype: d }),
    }
}

/// argmax / argmin: over the flattened tensor when `dim` is None.
fn arg_extremum(max: bool, x: &Tensor, dim: Option<usize>, all: bool, keepdim: bool) -> Result<Tensor> {
    let name = if max { "argmax" } else { "argmin" };
    if all {
        check_nonempty(name, x, &[], true)?;
        let flat = x.reshape(&[-1])?;
        let (_, idx) = extremum(max, &flat, 0, false, false, true)?;
        if keepdim {
            return idx.reshape(&vec![1i64; x.ndim()]);
        }
        return Ok(idx);
    }
    let d = dim.unwrap_or(0);
    let (_, idx) = extremum(max, x, d, keepdim, false, true)?;
    Ok(idx)
}

/// max(dim) / min(dim): (values, indices). Either output can be skipped.
pub fn extremum(max: bool, x: &Tensor, dim: usize, keepdim: bool, want_values: bool, want_indices: bool) -> Result<(Tensor, Tensor)> {
    let name = if max { "max" } else { "min" };
    let dims: Vec<usize> = if x.ndim() == 0 { vec![] } else { vec![dim] };
    check_nonempty(name, x, &dims, false)?;
    if x.device() != Device::Cpu {
        use crate::wgpu::reduce::{reduce, Red};
        let kept: Vec<usize> = (0..x.ndim()).filter(|d| !dims.contains(d)).map(|d| x.shape()[d]).collect();
        let values = Tensor::empty(&kept, x.dtype, x.device())?;
        let indices = Tensor::empty(&kept, DType::I64, x.device())?;
        let op = if max { Red::ArgMax } else { Red::ArgMin };
        reduce(op, x, &dims, None, want_values.then_some(&values), want_indices.then_some(&indices))?;
        let shape: Vec<i64> = out_shape(x.shape(), &dims, keepdim).iter().map(|&s| s as i64).collect();
        return Ok((values.reshape(&shape)?, indices.reshape(&shape)?));
    }
    let rows = Rows::new(x, &dims)?;
    let values = Tensor::empty(&rows.kept_shape, x.dtype, x.device())?;
    let indices = Tensor::empty(&rows.kept_shape, DType::I64, x.device())?;
    let red = Extremum {
        max,
        values: if want_values { Some(Out(values.ptr()?)) } else { None },
        indices: if want_indices { Some(Out(indices.ptr()?)) } else { None },
    };
    dispatch_all!(x.dtype, T => run_rows::<T, _>(&rows, red))?;
    let shape: Vec<i64> = out_shape(x.shape(), &dims, keepdim).iter().map(|&s| s as i64).collect();
    Ok((values.reshape(&shape)?, indices.reshape(&shape)?))
}
