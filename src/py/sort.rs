//! The sorting family of `rustorch._C`: sort, topk, kthvalue and searchsorted; argsort, msort,
//! median, unique, bincount, histc and bucketize are built on them in the Python package.

use super::tensor::{run, wrap, PyTensor};
use crate::compute::sort as ops;
use crate::tensor::Tensor;
use pyo3::prelude::*;

fn pair(r: PyResult<(Tensor, Tensor)>) -> PyResult<(PyTensor, PyTensor)> {
    let (v, i) = r?;
    Ok((PyTensor { t: v }, PyTensor { t: i }))
}

/// (values, indices) of x sorted along dim (stable; descending keeps equal values in order).
#[pyfunction]
pub fn sort(py: Python<'_>, x: &Bound<'_, PyTensor>, dim: i64, descending: bool) -> PyResult<(PyTensor, PyTensor)> {
    let x = &x.get().t;
    pair(run(py, x.numel(), || ops::sort(x, dim, descending)))
}

/// (values, indices) of the k largest (smallest) along dim, in order.
#[pyfunction]
pub fn topk(py: Python<'_>, x: &Bound<'_, PyTensor>, k: i64, dim: i64, largest: bool) -> PyResult<(PyTensor, PyTensor)> {
    let x = &x.get().t;
    pair(run(py, x.numel(), || ops::topk(x, k, dim, largest)))
}

/// (values, indices) of the k-th smallest along dim, kept as a dim of size 1.
#[pyfunction]
pub fn kthvalue(py: Python<'_>, x: &Bound<'_, PyTensor>, k: i64, dim: i64) -> PyResult<(PyTensor, PyTensor)> {
    let x = &x.get().t;
    pair(run(py, x.numel(), || ops::kthvalue(x, k, dim)))
}

/// Insertion points of values in the ascending seq (one dtype), int64 or int32.
#[pyfunction]
pub fn searchsorted(py: Python<'_>, seq: &Bound<'_, PyTensor>, values: &Bound<'_, PyTensor>, right: bool, out_int32: bool) -> PyResult<PyTensor> {
    let (s, v) = (&seq.get().t, &values.get().t);
    wrap(run(py, v.numel(), || ops::searchsorted(s, v, right, out_int32)))
}
