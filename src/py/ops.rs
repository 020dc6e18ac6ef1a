//! Op functions of `rustorch._C`. Each parses its arguments, then runs the core
//! entry point (without the GIL when the work is large).

use super::convert::{dtype, opt_dtype, scalar, usizes, Val};
use super::tensor::{run, wrap, PyTensor};
use crate::compute::{self, creation, elementwise as ew, reduce as red};
use crate::cpu::ternary::Ternary;
use crate::dtype::{DType, Operand, Scalar};
use crate::ops::{BinaryOp, ReduceOp, UnaryOp};
use crate::storage::{Device, Storage};
use crate::tensor::Tensor;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use std::sync::Arc;

/// An op given by its index in the op table or by name. Hot paths pass the
/// index: under the abi3 API a `str` argument is re-encoded on every call.
fn lookup<T: Copy>(v: &Bound<'_, PyAny>, all: &[T], by_name: fn(&str) -> Option<T>) -> PyResult<T> {
    let found = if v.is_instance_of::<pyo3::types::PyInt>() {
        v.extract::<usize>().ok().and_then(|i| all.get(i).copied())
    } else {
        by_name(&v.extract::<PyBackedStr>()?)
    };
    found.ok_or_else(|| PyValueError::new_err(format!("unknown op {v}")))
}

fn unary_op(v: &Bound<'_, PyAny>) -> PyResult<UnaryOp> {
    lookup(v, UnaryOp::ALL, UnaryOp::from_name)
}

fn binary_op(v: &Bound<'_, PyAny>) -> PyResult<BinaryOp> {
    lookup(v, BinaryOp::ALL, BinaryOp::from_name)
}

#[pyfunction]
pub fn unary(py: Python<'_>, name: &Bound<'_, PyAny>, x: &Bound<'_, PyTensor>) -> PyResult<PyTensor> {
    let (op, x) = (unary_op(name)?, &x.get().t);
    wrap(run(py, x.numel(), || ew::unary(op, x)))
}

/// `out = op(x)`; `out` is `x` for the in-place forms.
#[pyfunction]
pub fn unary_out(py: Python<'_>, name: &Bound<'_, PyAny>, x: &Bound<'_, PyTensor>, out: &Bound<'_, PyTensor>) -> PyResult<()> {
    let (op, x, out) = (unary_op(name)?, &x.get().t, &out.get().t);
    run(py, x.numel(), || ew::unary_into(op, x, out))
}

fn alpha_is_one(alpha: Option<Scalar>) -> bool {
    match alpha {
        None => true,
        Some(s) => !matches!(s, Scalar::Float(_)) && s.to_i64() == 1,
    }
}

#[pyfunction]
#[pyo3(signature = (name, a, b, alpha=None))]
pub fn binary(py: Python<'_>, name: &Bound<'_, PyAny>, a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>, alpha: Option<&Bound<'_, PyAny>>) -> PyResult<PyTensor> {
    let op = binary_op(name)?;
    let (va, vb) = (Val::new(a)?, Val::new(b)?);
    let alpha = alpha.map(scalar).transpose()?;
    let work = va.numel().max(vb.numel());
    let (aa, ab) = (va.arg(), vb.arg());
    wrap(run(py, work, || {
        if alpha_is_one(alpha) {
            return ew::binary(op, aa, ab);
        }
        let mut keep = None;
        let scaled = ew::scale_alpha(aa, ab, alpha.unwrap_or(Scalar::Int(1)), &mut keep)?;
        ew::binary(op, aa, scaled)
    }))
}

/// `out = op(a, b)`; `out` is `a` for the in-place forms (`a.add_(b)`).
#[pyfunction]
#[pyo3(signature = (name, a, b, out, alpha=None))]
pub fn binary_out(
    py: Python<'_>,
    name: &Bound<'_, PyAny>,
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    out: &Bound<'_, PyTensor>,
    alpha: Option<&Bound<'_, PyAny>>,
) -> PyResult<()> {
    let op = binary_op(name)?;
    let (va, vb, out) = (Val::new(a)?, Val::new(b)?, &out.get().t);
    let alpha = alpha.map(scalar).transpose()?;
    let (aa, ab) = (va.arg(), vb.arg());
    run(py, out.numel(), || {
        if alpha_is_one(alpha) {
            return ew::binary_into(op, aa, ab, out);
        }
        let mut keep = None;
        let scaled = ew::scale_alpha(aa, ab, alpha.unwrap_or(Scalar::Int(1)), &mut keep)?;
        ew::binary_into(op, aa, scaled, out)
    })
}

#[pyfunction]
pub fn where_(py: Python<'_>, cond: &Bound<'_, PyTensor>, x: &Bound<'_, PyAny>, y: &Bound<'_, PyAny>) -> PyResult<PyTensor> {
    let (c, vx, vy) = (&cond.get().t, Val::new(x)?, Val::new(y)?);
    let (ax, ay) = (vx.arg(), vy.arg());
    wrap(run(py, c.numel(), || ew::where_(c, ax, ay)))
}

#[pyfunction]
#[pyo3(signature = (name, a, b, c, value, out=None))]
pub fn ternary(
    py: Python<'_>,
    name: PyBackedStr,
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    c: &Bound<'_, PyAny>,
    value: &Bound<'_, PyAny>,
    out: Option<&Bound<'_, PyTensor>>,
) -> PyResult<PyTensor> {
    let op = match &*name {
        "lerp" => Ternary::Lerp,
        "addcmul" => Ternary::Addcmul,
        "addcdiv" => Ternary::Addcdiv,
        other => return Err(PyValueError::new_err(format!("unknown ternary op {other}"))),
    };
    let (va, vb, vc, value) = (Val::new(a)?, Val::new(b)?, Val::new(c)?, scalar(value)?);
    let out = out.map(|o| &o.get().t);
    let work = va.numel().max(vb.numel()).max(vc.numel());
    let (aa, ab, ac) = (va.arg(), vb.arg(), vc.arg());
    wrap(run(py, work, || ew::ternary(op, aa, ab, ac, value, out)))
}

#[pyfunction]
#[pyo3(signature = (x, min=None, max=None, out=None))]
pub fn clamp(
    py: Python<'_>,
    x: &Bound<'_, PyTensor>,
    min: Option<&Bound<'_, PyAny>>,
    max: Option<&Bound<'_, PyAny>>,
    out: Option<&Bound<'_, PyTensor>>,
) -> PyResult<PyTensor> {
    let x = &x.get().t;
    let (lo, hi) = (min.map(Val::new).transpose()?, max.map(Val::new).transpose()?);
    let out = out.map(|o| &o.get().t);
    let (al, ah) = (lo.as_ref().map(|v| v.arg()), hi.as_ref().map(|v| v.arg()));
    wrap(run(py, x.numel(), || ew::clamp(x, al, ah, out)))
}

#[pyfunction]
#[pyo3(signature = (x, nan, posinf=None, neginf=None, out=None))]
pub fn nan_to_num(
    py: Python<'_>,
    x: &Bound<'_, PyTensor>,
    nan: f64,
    posinf: Option<f64>,
    neginf: Option<f64>,
    out: Option<&Bound<'_, PyTensor>>,
) -> PyResult<PyTensor> {
    let (x, out) = (&x.get().t, out.map(|o| &o.get().t));
    wrap(run(py, x.numel(), || ew::nan_to_num(x, nan, posinf, neginf, out)))
}

#[pyfunction]
#[pyo3(signature = (name, x, dims=None, keepdim=false, dtype=None, correction=1.0, sqrt=false))]
#[allow(clippy::too_many_arguments)]
pub fn reduce(
    py: Python<'_>,
    name: PyBackedStr,
    x: &Bound<'_, PyTensor>,
    dims: Option<Vec<i64>>,
    keepdim: bool,
    dtype: Option<&str>,
    correction: f64,
    sqrt: bool,
) -> PyResult<PyTensor> {
    let op = ReduceOp::from_name(&name).ok_or_else(|| PyValueError::new_err(format!("unknown reduction {}", &*name)))?;
    let (x, dt) = (&x.get().t, opt_dtype(dtype)?);
    wrap(run(py, x.numel(), || red::reduce(op, x, dims.as_deref(), keepdim, dt, correction, sqrt)))
}

/// max(dim) / min(dim) -> (values, indices).
#[pyfunction]
pub fn extremum(py: Python<'_>, x: &Bound<'_, PyTensor>, dim: i64, keepdim: bool, max: bool) -> PyResult<(PyTensor, PyTensor)> {
    let x = &x.get().t;
    let (v, i) = run(py, x.numel(), || {
        let d = crate::layout::wrap_dim(dim, x.ndim())?;
        red::extremum(max, x, d, keepdim, true, true)
    })?;
    Ok((PyTensor { t: v }, PyTensor { t: i }))
}

#[pyfunction]
pub fn to_dtype(py: Python<'_>, x: &Bound<'_, PyTensor>, dtype_name: &str) -> PyResult<PyTensor> {
    let (x, d) = (&x.get().t, dtype(dtype_name)?);
    wrap(run(py, x.numel(), || compute::to_dtype(x, d)))
}

#[pyfunction]
pub fn copy_(py: Python<'_>, dst: &Bound<'_, PyTensor>, src: &Bound<'_, PyTensor>) -> PyResult<()> {
    let (d, s) = (&dst.get().t, &src.get().t);
    run(py, d.numel(), || compute::copy_into(d, s))
}

#[pyfunction]
pub fn fill_(py: Python<'_>, dst: &Bound<'_, PyTensor>, value: &Bound<'_, PyAny>) -> PyResult<()> {
    let (d, v) = (&dst.get().t, scalar(value)?);
    run(py, d.numel(), || compute::fill(d, v))
}

pub fn device(name: &str) -> PyResult<Device> {
    Device::parse(name).ok_or_else(|| PyValueError::new_err(format!("unknown device {name}")))
}

#[pyfunction]
#[pyo3(signature = (shape, dtype_name, device_name="cpu"))]
pub fn empty(shape: Vec<i64>, dtype_name: &str, device_name: &str) -> PyResult<PyTensor> {
    wrap(Tensor::empty(&usizes(&shape)?, dtype(dtype_name)?, device(device_name)?))
}

/// Uninitialised, shaped and laid out as PyTorch's `empty_like(x)` (preserve_format): x's strides
/// where x is dense, else dense in x's dim order; on `device_name` (default: x's device).
#[pyfunction]
#[pyo3(signature = (x, dtype_name, device_name=None))]
pub fn empty_like(x: &Bound<'_, PyTensor>, dtype_name: &str, device_name: Option<&str>) -> PyResult<PyTensor> {
    let x = &x.get().t;
    let d = match device_name {
        Some(n) => device(n)?,
        None => x.device(),
    };
    wrap(Tensor::empty_like(x, dtype(dtype_name)?, d))
}

/// A copy of `x` on another device (`x` itself when already there).
#[pyfunction]
pub fn to_device(py: Python<'_>, x: &Bound<'_, PyTensor>, device_name: &str) -> PyResult<PyTensor> {
    let (x, d) = (&x.get().t, device(device_name)?);
    wrap(run(py, NOGIL_ALWAYS, || compute::to_device(x, d)))
}

/// (available, adapter name or the reason there is none).
#[pyfunction]
pub fn wgpu_status(py: Python<'_>) -> (bool, String) {
    match py.detach(crate::wgpu::status) {
        Ok(name) => (true, name),
        Err(reason) => (false, reason),
    }
}

#[pyfunction]
pub fn wgpu_synchronize(py: Python<'_>) -> PyResult<()> {
    run(py, NOGIL_ALWAYS, || crate::wgpu::context()?.synchronize_checked())
}

/// Whether the wgpu context has been made (asking does not make it).
#[pyfunction]
pub fn wgpu_has_context() -> bool {
    crate::wgpu::created()
}

/// (dispatches recorded, submits, host waits for the device) since the context was made.
#[pyfunction]
pub fn wgpu_counters() -> PyResult<(u64, u64, u64)> {
    Ok(crate::wgpu::context()?.counts())
}

/// (bytes held by live device tensors, peak, bytes cached for reuse).
#[pyfunction]
pub fn wgpu_memory_stats() -> PyResult<(usize, usize, usize)> {
    Ok(crate::wgpu::context()?.pool.stats())
}

#[pyfunction]
pub fn wgpu_reset_peak_memory_stats() -> PyResult<()> {
    crate::wgpu::context()?.pool.reset_peak();
    Ok(())
}

#[pyfunction]
pub fn wgpu_empty_cache() -> PyResult<()> {
    crate::wgpu::context()?.pool.empty_cache();
    Ok(())
}

/// Adapter facts: name, backend, device type, driver, the features used and key limits.
#[pyfunction]
pub fn wgpu_info() -> PyResult<Vec<(String, String)>> {
    let c = crate::wgpu::context()?;
    let f = c.features;
    Ok(vec![
        ("name".into(), c.info.name.clone()),
        ("backend".into(), format!("{:?}", c.info.backend)),
        ("device_type".into(), format!("{:?}", c.info.device_type)),
        ("driver".into(), format!("{} {}", c.info.driver, c.info.driver_info)),
        ("shader_f64".into(), f.contains(wgpu::Features::SHADER_F64).to_string()),
        ("shader_f16".into(), f.contains(wgpu::Features::SHADER_F16).to_string()),
        ("shader_int64".into(), f.contains(wgpu::Features::SHADER_INT64).to_string()),
        ("subgroup".into(), f.contains(wgpu::Features::SUBGROUP).to_string()),
        ("max_storage_buffer_binding_size".into(), c.limits.max_storage_buffer_binding_size.to_string()),
        ("max_buffer_size".into(), c.limits.max_buffer_size.to_string()),
        ("max_compute_workgroups_per_dimension".into(), c.limits.max_compute_workgroups_per_dimension.to_string()),
        ("unroll".into(), c.tuning.unroll.to_string()),
        ("reduce_groups".into(), c.tuning.reduce_groups.to_string()),
    ])
}

#[pyfunction]
#[pyo3(signature = (shape, value, dtype_name, device_name="cpu"))]
pub fn full(py: Python<'_>, shape: Vec<i64>, value: &Bound<'_, PyAny>, dtype_name: &str, device_name: &str) -> PyResult<PyTensor> {
    let (shape, v, d, dev) = (usizes(&shape)?, scalar(value)?, dtype(dtype_name)?, device(device_name)?);
    let n = shape.iter().product::<usize>();
    wrap(run(py, n, || creation::full(&shape, v, d, dev)))
}

#[pyfunction]
#[pyo3(signature = (start, end, step, dtype_name, device_name="cpu"))]
pub fn arange(py: Python<'_>, start: &Bound<'_, PyAny>, end: &Bound<'_, PyAny>, step: &Bound<'_, PyAny>, dtype_name: &str, device_name: &str) -> PyResult<PyTensor> {
    let (s, e, st, d, dev) = (scalar(start)?, scalar(end)?, scalar(step)?, dtype(dtype_name)?, device(device_name)?);
    wrap(run(py, NOGIL_ALWAYS, || creation::arange(s, e, st, d, dev)))
}

/// Work size that always releases the GIL (the size is only known inside).
const NOGIL_ALWAYS: usize = usize::MAX;

#[pyfunction]
#[pyo3(signature = (start, end, steps, dtype_name, device_name="cpu"))]
pub fn linspace(py: Python<'_>, start: f64, end: f64, steps: i64, dtype_name: &str, device_name: &str) -> PyResult<PyTensor> {
    let (d, dev) = (dtype(dtype_name)?, device(device_name)?);
    wrap(run(py, steps.max(0) as usize, || creation::linspace(start, end, steps, d, dev)))
}

#[pyfunction]
#[pyo3(signature = (n, m, dtype_name, device_name="cpu"))]
pub fn eye(n: i64, m: i64, dtype_name: &str, device_name: &str) -> PyResult<PyTensor> {
    if n < 0 || m < 0 {
        return Err(PyRuntimeError::new_err(format!("n must be greater or equal to 0, got {}", n.min(m))));
    }
    wrap(creation::eye(n as usize, m as usize, dtype(dtype_name)?, device(device_name)?))
}

/// Wraps memory owned by `owner` (a numpy array): zero-copy, kept alive by the tensor.
#[pyfunction]
pub fn from_buffer(
    ptr: usize,
    nbytes: usize,
    shape: Vec<i64>,
    strides: Vec<i64>,
    offset: usize,
    dtype_name: &str,
    owner: Py<PyAny>,
) -> PyResult<PyTensor> {
    let d = dtype(dtype_name)?;
    // SAFETY: the Python caller passes the buffer of `owner`, which this storage
    // keeps alive; its size is checked against the layout below.
    let storage = unsafe { Storage::from_external(ptr as *mut u8, nbytes, Box::new(owner))? };
    let layout = crate::layout::Layout {
        shape: usizes(&shape)?.into(),
        strides: strides.iter().map(|&s| s as isize).collect(),
        offset,
    };
    wrap(Tensor::from_storage(Arc::new(storage), layout, d))
}

fn operand(v: &Bound<'_, PyAny>) -> PyResult<Operand> {
    Ok(match v.cast::<PyTensor>() {
        Ok(t) => Operand::Tensor { dtype: t.get().t.dtype, ndim: t.get().t.ndim() },
        Err(_) => Operand::Scalar(scalar(v)?),
    })
}

#[pyfunction]
pub fn result_type(args: Vec<Bound<'_, PyAny>>) -> PyResult<&'static str> {
    let ops: Vec<Operand> = args.iter().map(operand).collect::<PyResult<_>>()?;
    Ok(crate::dtype::result_type(&ops).name())
}

#[pyfunction]
pub fn promote_types(a: &str, b: &str) -> PyResult<&'static str> {
    Ok(crate::dtype::promote_types(dtype(a)?, dtype(b)?).name())
}

#[pyfunction]
pub fn can_cast(from: &str, to: &str) -> PyResult<bool> {
    Ok(crate::dtype::can_cast(dtype(from)?, dtype(to)?))
}

#[pyfunction]
pub fn set_default_dtype(name: &str) -> PyResult<()> {
    if crate::dtype::set_default_float(dtype(name)?) {
        Ok(())
    } else {
        Err(pyo3::exceptions::PyTypeError::new_err("only floating-point types are supported as the default type"))
    }
}

#[pyfunction]
pub fn get_default_dtype() -> &'static str {
    crate::dtype::default_float().name()
}

/// (bytes held by live CPU tensors, bytes cached for reuse).
#[pyfunction]
pub fn cpu_memory_stats() -> (usize, usize) {
    crate::cpu::alloc::stats()
}

#[pyfunction]
pub fn cpu_empty_cache() {
    crate::cpu::alloc::empty_cache()
}

/// (op name, has an f64 kernel) for each op of a family with a wgpu kernel.
type KernelList = Vec<(&'static str, bool)>;

/// The elementwise ops on wgpu: (unary, binary), each (name, has a float64 kernel).
/// Every op has kernels for the other dtypes; WGSL has no f64 transcendentals.
#[pyfunction]
pub fn wgpu_ops() -> (KernelList, KernelList) {
    use crate::wgpu::dtypes::Caps;
    use crate::wgpu::map::{expression, MapOp};
    let f64 = |op| expression(op, DType::F64, Caps { int64: true, unroll: 1 }).is_some();
    (
        UnaryOp::ALL.iter().map(|&o| (o.name(), f64(MapOp::Unary(o)))).collect(),
        BinaryOp::ALL.iter().map(|&o| (o.name(), f64(MapOp::Binary(o)))).collect(),
    )
}

/// Names of the native ops, for the Python layer to check its tables against.
#[pyfunction]
pub fn op_names() -> (Vec<&'static str>, Vec<&'static str>, Vec<&'static str>) {
    (
        UnaryOp::ALL.iter().map(|o| o.name()).collect(),
        BinaryOp::ALL.iter().map(|o| o.name()).collect(),
        ReduceOp::ALL.iter().map(|o| o.name()).collect(),
    )
}
