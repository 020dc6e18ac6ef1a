//! The index family of `rustorch._C`: gather, scatter (assignment and reductions), nonzero
//! and the index range check;
//! the public functions (gather, scatter, scatter_add, scatter_reduce, index_select, nonzero,
//! ...) are built on these three in the Python package.

use super::convert::Val;
use super::tensor::{run, wrap, PyTensor};
use crate::compute::index::{self, ScatterReduce};
use pyo3::prelude::*;

/// out[p] = x[p with coordinate index[p] along dim]; out has index's shape.
#[pyfunction]
pub fn gather(py: Python<'_>, x: &Bound<'_, PyTensor>, dim: i64, index: &Bound<'_, PyTensor>) -> PyResult<PyTensor> {
    let (x, index) = (&x.get().t, &index.get().t);
    wrap(run(py, index.numel(), || index::gather(x, dim, index)))
}

/// out[.., index[p], ..] = src[p] (reduce "none"), or combined with it ("sum", "prod", "mean",
/// "amax", "amin"; include_self as torch's scatter_reduce_), in place; src a tensor of out's
/// dtype or a number.
#[pyfunction]
#[pyo3(signature = (out, dim, index, src, reduce="none", include_self=true))]
pub fn scatter_(
    py: Python<'_>,
    out: &Bound<'_, PyTensor>,
    dim: i64,
    index: &Bound<'_, PyTensor>,
    src: &Bound<'_, PyAny>,
    reduce: &str,
    include_self: bool,
) -> PyResult<()> {
    let (out, index) = (&out.get().t, &index.get().t);
    let op = ScatterReduce::from_name(reduce)?;
    let src = Val::new(src)?;
    let arg = src.arg();
    run(py, index.numel(), || index::scatter_(out, dim, index, arg, op, include_self))
}

/// Every value of the int64 `index` in `[low, high)`, else `exc` ("index": IndexError, "runtime":
/// RuntimeError) with `message`, its `{}` replaced by the smallest value below the range or else
/// the largest above it. Raised now on the CPU; on wgpu at the next synchronisation point, the
/// message led by `op` (device-side, as CUDA's asserts).
#[pyfunction]
pub fn check_range(py: Python<'_>, index: &Bound<'_, PyTensor>, low: i64, high: i64, op: &str, exc: &str, message: String) -> PyResult<()> {
    let index = &index.get().t;
    let make: fn(String) -> crate::error::Error = match exc {
        "index" => crate::error::Error::Index,
        "runtime" => crate::error::Error::Runtime,
        other => return Err(pyo3::exceptions::PyValueError::new_err(format!("check_range: unknown exception kind {other:?}"))),
    };
    let error = Box::new(move |v: i64| make(message.replace("{}", &v.to_string())));
    run(py, index.numel(), || index::check_range(index, low, high, op, error))
}

/// The coordinates of x's non-zero elements in row-major order, [n, ndim] int64.
#[pyfunction]
pub fn nonzero(py: Python<'_>, x: &Bound<'_, PyTensor>) -> PyResult<PyTensor> {
    let x = &x.get().t;
    wrap(run(py, x.numel(), || index::nonzero(x)))
}
