//! CPU backend: strided kernels over raw memory, SIMD inner loops, rayon above
//! a size threshold. Everything here is called with validated shapes/dtypes.

pub mod alloc;
pub mod binary;
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
