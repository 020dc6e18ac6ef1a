//! The matrix-product family of `rustorch._C`: one batched product; the public functions
//! (matmul, mm, mv, dot, addmm, einsum, ...) are views around it in `rustorch/_linalg.py`.

use super::tensor::{run, wrap, PyTensor};
use crate::compute::matmul;
use crate::cpu::conv;
use pyo3::prelude::*;

/// a [B, M, K] @ b [B, K, N] -> [B, M, N]; operands read through their strides.
#[pyfunction]
pub fn bmm(py: Python<'_>, a: &Bound<'_, PyTensor>, b: &Bound<'_, PyTensor>) -> PyResult<PyTensor> {
    let (a, b) = (&a.get().t, &b.get().t);
    let work = a.numel().saturating_mul(b.shape().get(2).copied().unwrap_or(1));
    wrap(run(py, work, || matmul::bmm(a, b)))
}

/// The float32 CPU convolution kernels (`cpu::conv`): each returns None where they do not apply
/// (another dtype or device, a non-contiguous operand, shapes the micro-kernel does not suit), and
/// the caller takes the general path. Geometry: per spatial dim (1 to 3), kernel, dilation,
/// padding before, stride, input size and output size.
type GeomArgs = (Vec<usize>, Vec<usize>, Vec<usize>, Vec<usize>, Vec<usize>, Vec<usize>);

fn geom(g: GeomArgs) -> PyResult<conv::Geom> {
    let (k, d, p, s, i, o) = g;
    let nd = k.len();
    if !(1..=3).contains(&nd) || [&d, &p, &s, &i, &o].iter().any(|v| v.len() != nd) {
        return Err(pyo3::exceptions::PyValueError::new_err("convolution geometry: 1 to 3 values per field, the same count"));
    }
    if k.iter().chain(&d).chain(&s).any(|&v| v == 0) {
        return Err(pyo3::exceptions::PyValueError::new_err("convolution geometry: kernel, dilation and stride must be positive"));
    }
    let three = |v: &[usize], fill: usize| -> [usize; 3] { std::array::from_fn(|j| if j < 3 - nd { fill } else { v[j - (3 - nd)] }) };
    // (No rule ties the sizes together here: the kernels bounds-check every input position.)
    Ok(conv::Geom { kernel: three(&k, 1), dilation: three(&d, 1), pad: three(&p, 0), stride: three(&s, 1), input: three(&i, 1), output: three(&o, 1) })
}

#[pyfunction]
pub fn conv_forward(py: Python<'_>, x: &Bound<'_, PyTensor>, w: &Bound<'_, PyTensor>, g: GeomArgs, groups: usize) -> PyResult<Option<PyTensor>> {
    let (x, w, g) = (&x.get().t, &w.get().t, geom(g)?);
    Ok(run(py, usize::MAX, || conv::forward(x, w, &g, groups))?.map(|t| PyTensor { t }))
}

#[pyfunction]
pub fn conv_backward_input(py: Python<'_>, gy: &Bound<'_, PyTensor>, w: &Bound<'_, PyTensor>, g: GeomArgs, groups: usize, channels: usize) -> PyResult<Option<PyTensor>> {
    let (gy, w, g) = (&gy.get().t, &w.get().t, geom(g)?);
    Ok(run(py, usize::MAX, || conv::backward_input(gy, w, &g, groups, channels))?.map(|t| PyTensor { t }))
}

#[pyfunction]
pub fn conv_backward_weight(py: Python<'_>, gy: &Bound<'_, PyTensor>, x: &Bound<'_, PyTensor>, g: GeomArgs, groups: usize, w_shape: Vec<usize>) -> PyResult<Option<PyTensor>> {
    let (gy, x, g) = (&gy.get().t, &x.get().t, geom(g)?);
    Ok(run(py, usize::MAX, || conv::backward_weight(gy, x, &g, groups, &w_shape))?.map(|t| PyTensor { t }))
}
