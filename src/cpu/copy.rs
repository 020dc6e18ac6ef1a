//! Copies with dtype conversion (`.to(dtype)`, `copy_`, `contiguous`) and fills.

use super::iter::{for_each, GRAIN};
use super::{dense, operands, simd};
use crate::dispatch_all;
use crate::dtype::Scalar;
use crate::element::{cast, Element};
use crate::error::Result;
use crate::tensor::Tensor;
use std::mem::size_of;

/// `dst[...] = src[...]` converting dtypes; `src` must already have `dst`'s shape
/// (broadcast views are fine). `dst` must not overlap itself.
pub fn cast_into(src: &Tensor, dst: &Tensor) -> Result<()> {
    dispatch_all!(src.dtype, S => dispatch_all!(dst.dtype, D => cast_typed::<S, D>(src, dst)))
}

fn cast_typed<S: Element, D: Element>(src: &Tensor, dst: &Tensor) -> Result<()> {
    let (ptrs, st) = operands([dst, src])?;
    let same = S::DTYPE == D::DTYPE;
    // SAFETY: both layouts were validated against their storages; dst does not self-overlap.
    unsafe {
        for_each(dst.shape(), ptrs, [&st[0], &st[1]], GRAIN, |p, s, n| {
            let (o, a) = (p[0] as *mut D, p[1] as *const S);
            if dense(s[0], size_of::<D>()) && dense(s[1], size_of::<S>()) {
                if same {
                    std::ptr::copy(a as *const u8, o as *mut u8, n * size_of::<D>());
                } else {
                    simd::map1(a, o, n, &|v: S| cast::<S, D>(v));
                }
            } else {
                for i in 0..n as isize {
                    *o.byte_offset(i * s[0]) = cast::<S, D>(*a.byte_offset(i * s[1]));
                }
            }
        });
    }
    Ok(())
}

/// Sets every element of `dst` to `value` (converted to its dtype).
pub fn fill(dst: &Tensor, value: Scalar) -> Result<()> {
    dispatch_all!(dst.dtype, D => {
        let v: D = match value {
            Scalar::Bool(b) => D::from_bool(b),
            Scalar::Int(i) => D::from_i64(i),
            Scalar::Float(f) => D::from_f64(f),
        };
        fill_typed(dst, v)
    })
}

fn fill_typed<D: Element>(dst: &Tensor, v: D) -> Result<()> {
    let (ptrs, st) = operands([dst])?;
    // SAFETY: dst's layout was validated; it does not self-overlap.
    unsafe {
        for_each(dst.shape(), ptrs, [&st[0]], GRAIN, |p, s, n| {
            let o = p[0] as *mut D;
            for i in 0..n as isize {
                *o.byte_offset(i * s[0]) = v;
            }
        });
    }
    Ok(())
}
