//! Python values -> core arguments (scalars, dtypes, tensor-or-number).

use super::tensor::PyTensor;
use crate::compute::Arg;
use crate::dtype::{DType, Scalar};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt};

pub fn dtype(name: &str) -> PyResult<DType> {
    DType::from_name(name).ok_or_else(|| PyTypeError::new_err(format!("unknown dtype {name}")))
}

pub fn opt_dtype(name: Option<&str>) -> PyResult<Option<DType>> {
    name.map(dtype).transpose()
}

/// A Python bool/int/float (or a numpy scalar that converts to one).
pub fn scalar(v: &Bound<'_, PyAny>) -> PyResult<Scalar> {
    if v.is_instance_of::<PyBool>() {
        return Ok(Scalar::Bool(v.extract::<bool>()?));
    }
    if v.is_instance_of::<PyInt>() {
        return v.extract::<i64>().map(Scalar::Int).map_err(|_| {
            pyo3::exceptions::PyRuntimeError::new_err(format!("Overflow when unpacking long: {v}"))
        });
    }
    if v.is_instance_of::<PyFloat>() {
        return Ok(Scalar::Float(v.extract::<f64>()?));
    }
    // numpy scalars and other number-likes: ints stay ints.
    if v.hasattr("__index__")? {
        if let Ok(i) = v.call_method0("__index__").and_then(|i| i.extract::<i64>()) {
            return Ok(Scalar::Int(i));
        }
    }
    if let Ok(f) = v.extract::<f64>() {
        return Ok(Scalar::Float(f));
    }
    Err(PyTypeError::new_err(format!(
        "expected a Tensor or a number, but got {}",
        v.get_type().name()?
    )))
}

/// A tensor handle or a number, borrowed for one call.
pub enum Val<'py> {
    T(Bound<'py, PyTensor>),
    S(Scalar),
}

impl<'py> Val<'py> {
    pub fn new(v: &Bound<'py, PyAny>) -> PyResult<Val<'py>> {
        match v.cast::<PyTensor>() {
            Ok(t) => Ok(Val::T(t.clone())),
            Err(_) => Ok(Val::S(scalar(v)?)),
        }
    }
    pub fn arg(&self) -> Arg<'_> {
        match self {
            Val::T(t) => Arg::T(&t.get().t),
            Val::S(s) => Arg::S(*s),
        }
    }
    pub fn numel(&self) -> usize {
        match self {
            Val::T(t) => t.get().t.numel(),
            Val::S(_) => 1,
        }
    }
}

pub fn usizes(shape: &[i64]) -> PyResult<Vec<usize>> {
    shape
        .iter()
        .map(|&s| {
            if s < 0 {
                Err(pyo3::exceptions::PyRuntimeError::new_err(format!(
                    "Trying to create tensor with negative dimension {}: {:?}",
                    s, shape
                )))
            } else {
                Ok(s as usize)
            }
        })
        .collect()
}
