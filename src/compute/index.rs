//! Index entry points: gather, scatter (assignment and `scatter_reduce`'s reductions) and
//! nonzero, with PyTorch's checks and wording, dispatched to the tensors' device.
//!
//! Index bounds are checked before any kernel writes: on the CPU by a pass over the index
//! tensor, on wgpu by its min and max (reduction kernels) read back to the host (a sync, as
//! PyTorch's own device-side assert reaches the host at a sync). Both devices report the same
//! offending value (the largest when one is too large, else the smallest), so an error reads
//! the same everywhere. The wgpu kernels skip out-of-range positions on their own as well.

use super::{device_of, materialize_on, Arg};
use crate::cpu;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::{fmt_shape, wrap_dim};
use crate::storage::Device;
use crate::tensor::Tensor;

/// How scatter combines a source value with the element it lands on (`scatter_reduce`'s
/// `reduce`; `None` assigns).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScatterReduce {
    None,
    Sum,
    Prod,
    Mean,
    Amax,
    Amin,
}

impl ScatterReduce {
    /// `scatter_reduce`'s names, plus `scatter_`'s older "add" / "multiply".
    pub fn from_name(name: &str) -> Result<ScatterReduce> {
        Ok(match name {
            "none" => ScatterReduce::None,
            "sum" | "add" => ScatterReduce::Sum,
            "prod" | "multiply" => ScatterReduce::Prod,
            "mean" => ScatterReduce::Mean,
            "amax" => ScatterReduce::Amax,
            "amin" => ScatterReduce::Amin,
            other => {
                return Err(Error::runtime(format!(
                    "reduce argument must be either sum, prod, mean, amax or amin, got {other}"
                )))
            }
        })
    }
    pub fn name(self) -> &'static str {
        match self {
            ScatterReduce::None => "none",
            ScatterReduce::Sum => "sum",
            ScatterReduce::Prod => "prod",
            ScatterReduce::Mean => "mean",
            ScatterReduce::Amax => "amax",
            ScatterReduce::Amin => "amin",
        }
    }
}

/// PyTorch's `ensure_nonempty_dim` / `ensure_nonempty_size`: a 0-d tensor counts as `[1]`.
fn size_at(t: &Tensor, d: usize) -> usize {
    if t.ndim() == 0 { 1 } else { t.shape()[d] }
}

/// A 0-d tensor viewed as `[1]` (everything else unchanged).
fn at_least_1d(t: &Tensor) -> Result<Tensor> {
    if t.ndim() == 0 { t.reshape(&[1]) } else { Ok(t.clone()) }
}

fn check_index_dtype(op: &str, index: &Tensor) -> Result<()> {
    if index.numel() != 0 && index.dtype != DType::I64 {
        return Err(Error::runtime(format!("{op}(): Expected dtype int64 for index")));
    }
    Ok(())
}

/// Every value of the int64 `index` in `[low, high)`; otherwise `error(value)` for the smallest
/// value below the range, else the largest above it. Raised here on the CPU; on wgpu at the next
/// synchronisation point, naming `op` (`wgpu/checks.rs`), as CUDA's device-side asserts are.
pub fn check_range(index: &Tensor, low: i64, high: i64, op: &str, error: crate::wgpu::checks::MakeError) -> Result<()> {
    if index.numel() == 0 {
        return Ok(());
    }
    // A broadcast dim repeats the same values: its range is that of one copy (index_select's
    // index expanded to the output's shape would otherwise be scanned whole).
    let mut layout = index.layout.clone();
    for (size, &stride) in layout.shape.iter_mut().zip(&index.layout.strides) {
        if stride == 0 {
            *size = 1;
        }
    }
    let index = &Tensor::from_storage(index.storage().clone(), layout, index.dtype)?;
    match index.device() {
        Device::Cpu => {
            let (lo, hi) = cpu::index::index_range(index)?;
            crate::wgpu::checks::outside(lo, hi, low, high).map_or(Ok(()), |v| Err(error(v)))
        }
        Device::Wgpu(_) => crate::wgpu::checks::check_range(index, low, high, op, error),
    }
}

/// Every index value in `[0, size)`, or gather's and scatter's error naming a negative value first.
fn check_bounds(index: &Tensor, dim: usize, size: usize, op: &str) -> Result<()> {
    check_range(index, 0, size as i64, op, Box::new(move |v| cpu::index::out_of_bounds(v, dim, size)))
}

/// `torch.gather(x, dim, index)`: `out[p] = x[p with coordinate index[p] along dim]`.
pub fn gather(x: &Tensor, dim: i64, index: &Tensor) -> Result<Tensor> {
    let device = device_of(&[Arg::T(x), Arg::T(index)])?;
    let dim = wrap_dim(dim, x.ndim())?;
    check_index_dtype("gather", index)?;
    if index.numel() == 0 {
        return Tensor::empty(index.shape(), x.dtype, device);
    }
    if x.ndim().max(1) != index.ndim().max(1) {
        return Err(Error::runtime("Index tensor must have the same number of dimensions as input tensor"));
    }
    for d in (0..x.ndim().max(1)).filter(|&d| d != dim) {
        if size_at(index, d) > size_at(x, d) {
            return Err(Error::runtime(format!(
                "Size does not match at dimension {d} expected index {} to be no larger than self {} apart from dimension {dim}",
                fmt_shape(index.shape()),
                fmt_shape(x.shape())
            )));
        }
    }
    check_bounds(index, dim, size_at(x, dim), "gather")?;
    let (x1, i1) = (at_least_1d(x)?, at_least_1d(index)?);
    let out = Tensor::empty(i1.shape(), x.dtype, device)?;
    match device {
        Device::Cpu => cpu::index::gather(&x1, dim, &i1, &out)?,
        Device::Wgpu(_) => crate::wgpu::index::gather(&x1, dim, &i1, &out)?,
    }
    out.reshape(&index.shape().iter().map(|&s| s as i64).collect::<Vec<_>>())
}

/// `out.scatter_(dim, index, src)` / `out.scatter_reduce_(dim, index, src, reduce, include_self)`
/// in place; `src` a tensor of out's dtype or a Python number (converted to out's dtype).
pub fn scatter_(out: &Tensor, dim: i64, index: &Tensor, src: Arg, reduce: ScatterReduce, include_self: bool) -> Result<()> {
    let op = if reduce == ScatterReduce::None { "scatter" } else { "scatter_reduce" };
    let device = device_of(&[Arg::T(out), Arg::T(index), src])?;
    let dim = wrap_dim(dim, out.ndim())?;
    check_index_dtype(op, index)?;
    if reduce == ScatterReduce::Mean && out.dtype == DType::Bool {
        return Err(Error::DTypeUnsupported { op: "scatter_reduce", dtype: DType::Bool });
    }
    if let Arg::T(s) = src {
        if s.dtype != out.dtype {
            return Err(Error::runtime(format!("{op}(): Expected self.dtype to be equal to src.dtype")));
        }
    }
    if index.numel() == 0 {
        return Ok(());
    }
    let nd = out.ndim().max(1);
    if nd != index.ndim().max(1) {
        return Err(Error::runtime("Index tensor must have the same number of dimensions as self tensor"));
    }
    let wrong_self = (0..nd).any(|d| d != dim && size_at(index, d) > size_at(out, d));
    match src {
        Arg::T(s) => {
            if nd != s.ndim().max(1) {
                return Err(Error::runtime("Index tensor must have the same number of dimensions as src tensor"));
            }
            if wrong_self || (0..nd).any(|d| size_at(index, d) > size_at(s, d)) {
                return Err(Error::runtime(format!(
                    "Expected index {} to be no larger than self {} apart from dimension {dim} and to be no larger size than src {}",
                    fmt_shape(index.shape()),
                    fmt_shape(out.shape()),
                    fmt_shape(s.shape())
                )));
            }
        }
        Arg::S(_) if wrong_self => {
            return Err(Error::runtime(format!(
                "Expected index {} to be no larger than self {} apart from dimension {dim}",
                fmt_shape(index.shape()),
                fmt_shape(out.shape())
            )));
        }
        Arg::S(_) => {}
    }
    if out.layout.has_internal_overlap() {
        return Err(Error::shape(
            "unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.",
        ));
    }
    check_bounds(index, dim, size_at(out, dim), op)?;
    let (o1, i1) = (at_least_1d(out)?, at_least_1d(index)?);
    // Inputs that share out's memory are read from a copy (the writes must not change them).
    let own = |t: &Tensor| if t.same_storage(out) { t.clone_contiguous() } else { Ok(t.clone()) };
    let i1 = own(&i1)?;
    let s1 = match src {
        Arg::T(s) => own(&at_least_1d(s)?)?,
        Arg::S(v) => materialize_on(Arg::S(v), out.dtype, i1.shape(), device)?,
    };
    match device {
        Device::Cpu => cpu::index::scatter(&o1, dim, &i1, &s1, reduce, include_self)?,
        Device::Wgpu(_) => crate::wgpu::index::scatter(&o1, dim, &i1, &s1, reduce, include_self)?,
    }
    out.bump_version();
    Ok(())
}

/// `torch.nonzero(x)`: the row-major coordinates of x's non-zero elements (NaN counts), `[n, ndim]` int64.
pub fn nonzero(x: &Tensor) -> Result<Tensor> {
    if x.numel() == 0 {
        return Tensor::empty(&[0, x.ndim()], DType::I64, x.device());
    }
    match x.device() {
        Device::Cpu => cpu::index::nonzero(x),
        Device::Wgpu(_) => crate::wgpu::index::nonzero(x),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtype::Scalar;

    #[test]
    fn errors_are_worded_as_pytorch() {
        let x = Tensor::from_slice(&[1f32, 2., 3.], &[3]).unwrap();
        let bad = Tensor::from_slice(&[0i64, 5], &[2]).unwrap();
        assert_eq!(gather(&x, 0, &bad).unwrap_err().to_string(), "index 5 is out of bounds for dimension 0 with size 3");
        let neg = Tensor::from_slice(&[-1i64], &[1]).unwrap();
        let e = scatter_(&x, 0, &neg, Arg::S(Scalar::Int(1)), ScatterReduce::None, true).unwrap_err();
        assert!(matches!(e, Error::Runtime(_)));
        assert_eq!(x.to_vec::<f32>().unwrap(), vec![1., 2., 3.]);
        let i32_index = Tensor::from_slice(&[0i32], &[1]).unwrap();
        assert_eq!(gather(&x, 0, &i32_index).unwrap_err().to_string(), "gather(): Expected dtype int64 for index");
        assert!(ScatterReduce::from_name("max").is_err());
    }

    #[test]
    fn zero_d_inputs() {
        let x = Tensor::from_slice(&[7i32], &[]).unwrap();
        let i = Tensor::from_slice(&[0i64], &[]).unwrap();
        let g = gather(&x, 0, &i).unwrap();
        assert_eq!((g.shape().len(), g.to_vec::<i32>().unwrap()), (0, vec![7]));
        scatter_(&x, -1, &i, Arg::S(Scalar::Int(3)), ScatterReduce::Sum, true).unwrap();
        assert_eq!(x.to_vec::<i32>().unwrap(), vec![10]);
        let nz = nonzero(&x).unwrap();
        assert_eq!(nz.shape(), &[1, 0]);
    }
}
