//! CPU backend: strided kernels over raw memory, SIMD inner loops, rayon above
//! a size threshold. Everything here is called with validated shapes/dtypes.

pub mod alloc;
pub mod binary;
pub mod conv;
pub mod copy;
pub mod gemm_f32;
pub mod index;
pub mod iter;
pub mod math_f32;
pub mod math_moments;
pub mod matmul;
pub mod optim;
pub mod parallel;
pub mod random;
pub mod reduce;
pub mod scan;
pub mod simd;
pub mod sort;
pub mod ternary;
pub mod unary;

use crate::tensor::Tensor;

/// Runs `f` with a thread-local buffer of at least `len` floats, kept between calls (no allocation
/// per call). The buffer is never borrowed twice (nothing re-enters), but a fresh one keeps this
/// correct without a panic path if that ever changes.
pub(crate) fn scratch(key: &'static std::thread::LocalKey<std::cell::RefCell<Vec<f32>>>, len: usize, f: impl FnOnce(*mut f32)) {
    let mut f = Some(f);
    let mut run = |buf: &mut Vec<f32>| {
        if buf.len() < len {
            buf.resize(len, 0.0);
        }
        if let Some(f) = f.take() {
            f(buf.as_mut_ptr());
        }
    };
    let done = key.try_with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => {
            run(&mut buf);
            true
        }
        Err(_) => false,
    });
    if done != Ok(true) {
        run(&mut Vec::new());
    }
}

/// True when `n`-element inner runs of these byte strides are contiguous.
#[inline(always)]
pub(crate) fn dense(stride: isize, size: usize) -> bool {
    stride == size as isize
}

/// Output first, then inputs: pointers and byte strides for `iter::for_each`.
pub(crate) fn operands<const N: usize>(ts: [&Tensor; N]) -> crate::error::Result<([*mut u8; N], [crate::layout::Strides; N])> {
    let mut ptrs = [std::ptr::null_mut(); N];
    for (p, t) in ptrs.iter_mut().zip(ts.iter()) {
        *p = t.ptr()?;
    }
    Ok((ptrs, std::array::from_fn(|k| ts[k].byte_strides())))
}
