//! The one mapping from core errors to the Python exceptions a PyTorch user expects.

use crate::error::Error;
use pyo3::exceptions::{PyIndexError, PyMemoryError, PyNotImplementedError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::PyErr;

impl From<Error> for PyErr {
    fn from(e: Error) -> PyErr {
        let msg = e.to_string();
        match e {
            Error::Broadcast { .. }
            | Error::Shape(_)
            | Error::CannotCast { .. }
            | Error::Runtime(_) => PyRuntimeError::new_err(msg),
            Error::DimOutOfRange { .. } | Error::Index(_) => PyIndexError::new_err(msg),
            Error::DTypeUnsupported { .. } | Error::NotImplemented(_) => PyNotImplementedError::new_err(msg),
            Error::Type(_) => PyTypeError::new_err(msg),
            Error::Value(_) => PyValueError::new_err(msg),
            Error::OutOfMemory { .. } => PyMemoryError::new_err(msg),
        }
    }
}
