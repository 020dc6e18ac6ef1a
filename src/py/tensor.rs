//! The native tensor handle (`rustorch._C.TensorImpl`): attributes, views and
//! the numpy array interface. The Python `Tensor` class wraps one of these.

use crate::error::Result;
use crate::tensor::Tensor;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

#[pyclass(name = "TensorImpl", module = "rustorch._C", frozen)]
pub struct PyTensor {
    pub t: Tensor,
}

/// Elements from which a kernel releases the GIL: below it, releasing and
/// re-taking the lock costs more than the kernel.
pub const NOGIL_WORK: usize = crate::cpu::iter::GRAIN;

/// Runs `f`, releasing the GIL when `work` (elements touched) is large.
pub fn run<T: Send>(py: Python<'_>, work: usize, f: impl FnOnce() -> Result<T> + Send) -> PyResult<T> {
    if work >= NOGIL_WORK {
        py.detach(f).map_err(Into::into)
    } else {
        f().map_err(Into::into)
    }
}

pub fn wrap<E: Into<PyErr>>(r: std::result::Result<Tensor, E>) -> PyResult<PyTensor> {
    r.map(|t| PyTensor { t }).map_err(Into::into)
}

/// numpy's typestr for a dtype; bfloat16 has none (as in PyTorch).
fn typestr(d: crate::dtype::DType) -> PyResult<&'static str> {
    use crate::dtype::DType::*;
    Ok(match d {
        Bool => "|b1",
        U8 => "|u1",
        I8 => "|i1",
        I16 => "<i2",
        I32 => "<i4",
        I64 => "<i8",
        F16 => "<f2",
        F32 => "<f4",
        F64 => "<f8",
        BF16 => return Err(PyTypeError::new_err("Got unsupported ScalarType BFloat16")),
    })
}

#[pymethods]
impl PyTensor {
    #[getter]
    fn shape<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.t.shape())
    }
    #[getter]
    fn strides<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.t.layout.strides)
    }
    #[getter]
    fn offset(&self) -> usize {
        self.t.layout.offset
    }
    #[getter]
    fn dtype(&self) -> &'static str {
        self.t.dtype.name()
    }
    #[getter]
    fn device(&self) -> String {
        self.t.device().name()
    }
    #[getter]
    fn version(&self) -> u64 {
        self.t.storage().version()
    }
    #[getter]
    fn ndim(&self) -> usize {
        self.t.ndim()
    }
    fn numel(&self) -> usize {
        self.t.numel()
    }
    fn is_contiguous(&self) -> bool {
        self.t.is_contiguous()
    }
    fn data_ptr(&self) -> PyResult<usize> {
        Ok(self.t.ptr()? as usize)
    }
    fn storage_ptr(&self) -> PyResult<usize> {
        Ok(self.t.storage().cpu_ptr()? as usize)
    }
    fn storage_nbytes(&self) -> usize {
        self.t.storage().nbytes()
    }
    fn same_storage(&self, other: &Bound<'_, PyTensor>) -> bool {
        self.t.same_storage(&other.get().t)
    }
    fn bump_version(&self) {
        self.t.bump_version()
    }

    /// numpy's `__array_interface__` for this tensor's memory (zero-copy).
    fn array_interface<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("version", 3)?;
        d.set_item("shape", PyTuple::new(py, self.t.shape())?)?;
        d.set_item("strides", PyTuple::new(py, self.t.byte_strides())?)?;
        d.set_item("typestr", typestr(self.t.dtype)?)?;
        d.set_item("data", (self.t.ptr()? as usize, false))?;
        Ok(d)
    }

    // ---- views --------------------------------------------------------------
    fn view(&self, sizes: Vec<i64>) -> PyResult<PyTensor> {
        wrap(self.t.view(&sizes))
    }
    fn reshape(&self, py: Python<'_>, sizes: Vec<i64>) -> PyResult<PyTensor> {
        wrap(run(py, self.t.numel(), || self.t.reshape(&sizes)))
    }
    fn permute(&self, dims: Vec<i64>) -> PyResult<PyTensor> {
        wrap(self.t.permute(&dims))
    }
    fn transpose(&self, d0: i64, d1: i64) -> PyResult<PyTensor> {
        wrap(self.t.transpose(d0, d1))
    }
    fn expand(&self, sizes: Vec<i64>) -> PyResult<PyTensor> {
        wrap(self.t.expand(&sizes))
    }
    #[pyo3(signature = (dims=None))]
    fn squeeze(&self, dims: Option<Vec<i64>>) -> PyResult<PyTensor> {
        wrap(self.t.squeeze(dims.as_deref()))
    }
    fn unsqueeze(&self, dim: i64) -> PyResult<PyTensor> {
        wrap(self.t.unsqueeze(dim))
    }
    fn narrow(&self, dim: i64, start: i64, length: i64) -> PyResult<PyTensor> {
        wrap(self.t.narrow(dim, start, length))
    }
    fn select(&self, dim: i64, index: i64) -> PyResult<PyTensor> {
        wrap(self.t.select(dim, index))
    }
    fn flatten(&self, py: Python<'_>, start: i64, end: i64) -> PyResult<PyTensor> {
        wrap(run(py, self.t.numel(), || self.t.flatten(start, end)))
    }
    fn unflatten(&self, dim: i64, sizes: Vec<i64>) -> PyResult<PyTensor> {
        wrap(self.t.unflatten(dim, &sizes))
    }
    fn movedim(&self, src: Vec<i64>, dst: Vec<i64>) -> PyResult<PyTensor> {
        wrap(self.t.movedim(&src, &dst))
    }
    #[pyo3(signature = (size, stride, offset=None))]
    fn as_strided(&self, size: Vec<i64>, stride: Vec<i64>, offset: Option<i64>) -> PyResult<PyTensor> {
        wrap(self.t.as_strided(&size, &stride, offset))
    }
    fn contiguous(&self, py: Python<'_>) -> PyResult<PyTensor> {
        wrap(run(py, self.t.numel(), || self.t.contiguous()))
    }
    fn clone(&self, py: Python<'_>) -> PyResult<PyTensor> {
        wrap(run(py, self.t.numel(), || self.t.clone_contiguous()))
    }

    /// PyTorch's clone(): laid out as empty_like lays it out (the strides of a dense tensor).
    fn clone_preserve(&self, py: Python<'_>) -> PyResult<PyTensor> {
        wrap(run(py, self.t.numel(), || self.t.clone_preserve()))
    }
}
