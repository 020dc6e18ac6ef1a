//! The matrix-product family of `rustorch._C`: one batched product; the public functions
//! (matmul, mm, mv, dot, addmm, einsum, ...) are views around it in `rustorch/_linalg.py`.

use super::tensor::{run, wrap, PyTensor};
use crate::compute::matmul;
use pyo3::prelude::*;

/// a [B, M, K] @ b [B, K, N] -> [B, M, N]; operands read through their strides.
#[pyfunction]
pub fn bmm(py: Python<'_>, a: &Bound<'_, PyTensor>, b: &Bound<'_, PyTensor>) -> PyResult<PyTensor> {
    let (a, b) = (&a.get().t, &b.get().t);
    let work = a.numel().saturating_mul(b.shape().get(2).copied().unwrap_or(1));
    wrap(run(py, work, || matmul::bmm(a, b)))
}
