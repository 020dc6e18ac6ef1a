//! The scan family of `rustorch._C`: cumulative sums and products (`cumsum`, `cumprod` and
//! their in-place forms are built on this one function in the Python package).

use super::convert::dtype;
use super::tensor::{run, wrap, PyTensor};
use crate::compute::scan::{self, Scan};
use crate::layout::wrap_dim;
use pyo3::prelude::*;

/// The cumulative `op` ("sum" or "prod") of x along `dim` in dtype `dtype_name` (x cast first).
#[pyfunction]
pub fn cumulative(py: Python<'_>, x: &Bound<'_, PyTensor>, dim: i64, op: &str, dtype_name: &str) -> PyResult<PyTensor> {
    let x = &x.get().t;
    let op = Scan::from_name(op)?;
    let d = dtype(dtype_name)?;
    let dim = wrap_dim(dim, x.ndim())?;
    wrap(run(py, x.numel(), || scan::cumulative(op, x, dim, d)))
}
