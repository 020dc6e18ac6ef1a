//! `rustorch.Generator` and the random fills that take one.

use super::convert::dtype;
use super::tensor::{run, wrap, PyTensor};
use crate::compute::creation;
use crate::cpu::random::{Generator, DEFAULT_SEED};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use std::sync::{Mutex, MutexGuard, OnceLock};

fn default_gen() -> &'static Mutex<Generator> {
    static G: OnceLock<Mutex<Generator>> = OnceLock::new();
    G.get_or_init(|| Mutex::new(Generator::new(DEFAULT_SEED)))
}

/// A generator object: its own stream, or a handle on the process default.
#[pyclass(name = "Generator", module = "rustorch._C", frozen)]
pub struct PyGenerator {
    own: Option<Mutex<Generator>>,
}

impl PyGenerator {
    fn lock(&self) -> MutexGuard<'_, Generator> {
        let m = self.own.as_ref().unwrap_or_else(|| default_gen());
        m.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn to_seed(seed: i128) -> PyResult<u64> {
    if !(-(1i128 << 63)..(1i128 << 64)).contains(&seed) {
        return Err(PyRuntimeError::new_err(format!("Overflow when unpacking long: {seed}")));
    }
    Ok(seed as u64) // negative seeds wrap, as in PyTorch
}

#[pymethods]
impl PyGenerator {
    #[new]
    #[pyo3(signature = (device="cpu"))]
    fn new(device: &str) -> PyResult<Self> {
        if device != "cpu" {
            return Err(PyRuntimeError::new_err(format!("Generator: unsupported device {device}")));
        }
        Ok(PyGenerator { own: Some(Mutex::new(Generator::new(DEFAULT_SEED))) })
    }
    fn manual_seed<'py>(slf: Bound<'py, Self>, seed: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Self>> {
        let s = to_seed(long_seed(seed)?)?;
        slf.get().lock().set_state(s, 0);
        Ok(slf)
    }
    fn initial_seed(&self) -> u64 {
        self.lock().seed()
    }
    /// Re-seeds from a non-deterministic source and returns the seed.
    fn seed(&self) -> u64 {
        let s = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(DEFAULT_SEED)
            ^ (std::process::id() as u64).rotate_left(32);
        self.lock().set_state(s, 0);
        s
    }
    fn get_state(&self) -> (u64, u64) {
        let g = self.lock();
        (g.seed(), g.offset())
    }
    fn set_state(&self, state: (u64, u64)) {
        self.lock().set_state(state.0, state.1);
    }
    #[getter]
    fn device(&self) -> &'static str {
        "cpu"
    }
}

/// The handle returned as `rustorch.default_generator`.
pub fn default_handle() -> PyGenerator {
    PyGenerator { own: None }
}

fn with_gen<T>(gen: Option<&Bound<'_, PyGenerator>>, f: impl FnOnce(&mut Generator) -> T) -> T {
    match gen {
        Some(g) => f(&mut g.get().lock()),
        None => f(&mut default_gen().lock().unwrap_or_else(|e| e.into_inner())),
    }
}

#[pyfunction]
#[pyo3(signature = (t, lo, hi, generator=None))]
pub fn uniform_(py: Python<'_>, t: &Bound<'_, PyTensor>, lo: f64, hi: f64, generator: Option<&Bound<'_, PyGenerator>>) -> PyResult<()> {
    let t = &t.get().t;
    with_gen(generator, |g| run(py, t.numel(), || creation::uniform_(t, lo, hi, g)))
}

#[pyfunction]
#[pyo3(signature = (t, mean, std, generator=None))]
pub fn normal_(py: Python<'_>, t: &Bound<'_, PyTensor>, mean: f64, std: f64, generator: Option<&Bound<'_, PyGenerator>>) -> PyResult<()> {
    let t = &t.get().t;
    with_gen(generator, |g| run(py, t.numel(), || creation::normal_(t, mean, std, g)))
}

#[pyfunction]
#[pyo3(signature = (t, lo, hi, generator=None))]
pub fn randint_(py: Python<'_>, t: &Bound<'_, PyTensor>, lo: i64, hi: i64, generator: Option<&Bound<'_, PyGenerator>>) -> PyResult<()> {
    let t = &t.get().t;
    with_gen(generator, |g| run(py, t.numel(), || creation::randint_(t, lo, hi, g)))
}

#[pyfunction]
#[pyo3(signature = (n, dtype_name, generator=None))]
pub fn randperm(n: i64, dtype_name: &str, generator: Option<&Bound<'_, PyGenerator>>) -> PyResult<PyTensor> {
    let d = dtype(dtype_name)?;
    wrap(with_gen(generator, |g| creation::randperm(n, d, g)))
}

/// A seed must be a Python int (PyTorch refuses floats with this wording).
fn long_seed(seed: &Bound<'_, PyAny>) -> PyResult<i128> {
    if !seed.is_instance_of::<pyo3::types::PyInt>() {
        return Err(PyRuntimeError::new_err(format!(
            "manual_seed expected a long, but got {}",
            seed.get_type().name()?
        )));
    }
    seed.extract::<i128>()
}

#[pyfunction]
pub fn manual_seed(seed: &Bound<'_, PyAny>) -> PyResult<()> {
    let s = to_seed(long_seed(seed)?)?;
    default_gen().lock().unwrap_or_else(|e| e.into_inner()).set_state(s, 0);
    Ok(())
}
