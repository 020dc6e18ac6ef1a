//! Three-input elementwise kernels: where, lerp, addcmul, addcdiv, clamp.

use super::iter::{for_each, GRAIN};
use super::{dense, operands, simd};
use crate::dtype::DType;
use crate::element::{Bool, Element, Real};
use crate::error::{Error, Result};
use crate::tensor::Tensor;
use std::mem::size_of;

/// `out = f(a, b, c)`; inputs already have `out`'s shape.
pub fn zip3<A: Element, B: Element, C: Element, O: Element, F>(a: &Tensor, b: &Tensor, c: &Tensor, out: &Tensor, f: F) -> Result<()>
where
    F: Fn(A, B, C) -> O + Sync,
{
    let (ptrs, st) = operands([out, a, b, c])?;
    // SAFETY: layouts validated by the caller; the output does not self-overlap.
    unsafe {
        for_each(out.shape(), ptrs, [&st[0], &st[1], &st[2], &st[3]], GRAIN, |p, s, n| {
            let (o, x, y, z) = (p[0] as *mut O, p[1] as *const A, p[2] as *const B, p[3] as *const C);
            if dense(s[0], size_of::<O>()) && dense(s[1], size_of::<A>()) && dense(s[2], size_of::<B>()) && dense(s[3], size_of::<C>()) {
                simd::map3(x, y, z, o, n, &f);
            } else {
                for i in 0..n as isize {
                    *o.byte_offset(i * s[0]) = f(*x.byte_offset(i * s[1]), *y.byte_offset(i * s[2]), *z.byte_offset(i * s[3]));
                }
            }
        });
    }
    Ok(())
}

/// `out = cond ? x : y` (x, y, out share a dtype).
pub fn where_(cond: &Tensor, x: &Tensor, y: &Tensor, out: &Tensor) -> Result<()> {
    crate::dispatch_all!(x.dtype, T => zip3(cond, x, y, out, |c: Bool, a: T, b: T| if c.0 != 0 { a } else { b }))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ternary {
    /// `a + w * (b - a)`, computed from the nearer end as PyTorch does.
    Lerp,
    /// `a + value * b * c`
    Addcmul,
    /// `a + value * b / c`
    Addcdiv,
    /// `min(max(a, b), c)`; NaN in `a` propagates.
    Clamp,
}

impl Ternary {
    pub fn name(self) -> &'static str {
        match self {
            Ternary::Lerp => "lerp",
            Ternary::Addcmul => "addcmul",
            Ternary::Addcdiv => "addcdiv",
            Ternary::Clamp => "clamp",
        }
    }
}

fn real<F: Real>(op: Ternary, value: f64, a: &Tensor, b: &Tensor, c: &Tensor, out: &Tensor) -> Result<()> {
    let v = F::from_f64(value);
    let half = F::from_f64(0.5);
    match op {
        Ternary::Lerp => zip3(a, b, c, out, |s: F, e: F, w: F| {
            if w.abs() < half {
                s + w * (e - s)
            } else {
                e - (e - s) * (F::ONE - w)
            }
        }),
        Ternary::Addcmul => zip3(a, b, c, out, |x: F, y: F, z: F| x + v * y * z),
        Ternary::Addcdiv => zip3(a, b, c, out, |x: F, y: F, z: F| x + v * (y / z)),
        Ternary::Clamp => zip3(a, b, c, out, |x: F, lo: F, hi: F| {
            if x.is_nan() {
                x
            } else {
                let m = if lo.is_nan() || x < lo { lo } else { x };
                if hi.is_nan() || m > hi { hi } else { m }
            }
        }),
    }
}

fn int<T: Element>(op: Ternary, value: f64, a: &Tensor, b: &Tensor, c: &Tensor, out: &Tensor) -> Result<()> {
    let v = value as i64;
    match op {
        Ternary::Addcmul => zip3(a, b, c, out, |x: T, y: T, z: T| {
            T::from_i64(x.to_i64().wrapping_add(v.wrapping_mul(y.to_i64()).wrapping_mul(z.to_i64())))
        }),
        Ternary::Clamp => zip3(a, b, c, out, |x: T, lo: T, hi: T| {
            let m = if x < lo { lo } else { x };
            if m > hi { hi } else { m }
        }),
        _ => Err(Error::DTypeUnsupported { op: op.name(), dtype: T::DTYPE }),
    }
}

/// Runs a float-or-int ternary in the compute dtype (f32/f64 or an integer).
pub fn ternary(op: Ternary, value: f64, a: &Tensor, b: &Tensor, c: &Tensor, out: &Tensor) -> Result<()> {
    match a.dtype {
        DType::F32 => real::<f32>(op, value, a, b, c, out),
        DType::F64 => real::<f64>(op, value, a, b, c, out),
        DType::U8 => int::<u8>(op, value, a, b, c, out),
        DType::I8 => int::<i8>(op, value, a, b, c, out),
        DType::I16 => int::<i16>(op, value, a, b, c, out),
        DType::I32 => int::<i32>(op, value, a, b, c, out),
        DType::I64 => int::<i64>(op, value, a, b, c, out),
        DType::Bool => int::<Bool>(op, value, a, b, c, out),
        d => Err(Error::DTypeUnsupported { op: "ternary", dtype: d }),
    }
}
