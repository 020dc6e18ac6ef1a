//! Binary elementwise kernels: a strided zip with fast paths for the shapes that
//! dominate real programs (both contiguous, or one side a broadcast scalar).

use super::iter::{for_each, GRAIN};
use super::math_f32 as m32;
use super::{dense, operands, simd};
use crate::dtype::DType;
use crate::element::{Bool, Element, Int, Real};
use crate::error::{Error, Result};
use crate::ops::{binary_int, binary_real, compare, logical, BinaryKind, BinaryOp};
use crate::tensor::Tensor;
use std::mem::size_of;

/// `out = f(a, b)` elementwise; `a` and `b` already have `out`'s shape.
pub fn zip<A: Element, B: Element, O: Element, F: Fn(A, B) -> O + Sync>(a: &Tensor, b: &Tensor, out: &Tensor, f: F) -> Result<()> {
    let (ptrs, st) = operands([out, a, b])?;
    // SAFETY: layouts validated by the caller; the output does not self-overlap.
    unsafe {
        for_each(out.shape(), ptrs, [&st[0], &st[1], &st[2]], GRAIN, |p, s, n| {
            let (o, x, y) = (p[0] as *mut O, p[1] as *const A, p[2] as *const B);
            let (od, xd, yd) = (dense(s[0], size_of::<O>()), dense(s[1], size_of::<A>()), dense(s[2], size_of::<B>()));
            if od && xd && yd {
                simd::map2(x, y, o, n, &f);
            } else if od && xd && s[2] == 0 {
                simd::map2_rs(x, *y, o, n, &f);
            } else if od && s[1] == 0 && yd {
                simd::map2_ls(*x, y, o, n, &f);
            } else {
                for i in 0..n as isize {
                    *o.byte_offset(i * s[0]) = f(*x.byte_offset(i * s[1]), *y.byte_offset(i * s[2]));
                }
            }
        });
    }
    Ok(())
}

macro_rules! const_op {
    ($op:expr, [$($v:ident),*], $O:ident => $body:expr) => {
        match $op {
            $(BinaryOp::$v => { const $O: BinaryOp = BinaryOp::$v; $body })*
            #[allow(unreachable_patterns)]
            other => Err(Error::runtime(format!("binary op {} has no CPU kernel for this dtype", other.name()))),
        }
    };
}

fn predicate<T: Element>(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    if op.kind() == BinaryKind::Logical {
        return const_op!(op, [LogicalAnd, LogicalOr, LogicalXor], O =>
            zip(a, b, out, |x: T, y: T| Bool(logical(O, x.is_nonzero(), y.is_nonzero()) as u8)));
    }
    const_op!(op, [Eq, Ne, Lt, Le, Gt, Ge], O => zip(a, b, out, |x: T, y: T| Bool(compare(O, x, y) as u8)))
}

fn real<F: Real>(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    const_op!(op, [Add, Sub, Mul, Div, DivTrunc, FloorDivide, Remainder, Fmod, Pow, Atan2, Maximum, Minimum,
        GeluBackward, GeluTanhBackward], O =>
        zip(a, b, out, |x: F, y: F| binary_real(O, x, y)))
}

fn int<I: Int>(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    const_op!(op, [Add, Sub, Mul, DivTrunc, FloorDivide, Remainder, Fmod, Pow, Maximum, Minimum, BitwiseAnd,
        BitwiseOr, BitwiseXor, BitwiseLeftShift, BitwiseRightShift], O =>
        zip(a, b, out, |x: I, y: I| binary_int(O, x, y)))
}

fn boolean(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    use BinaryOp::*;
    match op {
        Add | Maximum | BitwiseOr => zip(a, b, out, |x: Bool, y: Bool| Bool(x.0 | y.0)),
        Mul | Minimum | BitwiseAnd => zip(a, b, out, |x: Bool, y: Bool| Bool(x.0 & y.0)),
        BitwiseXor => zip(a, b, out, |x: Bool, y: Bool| Bool(x.0 ^ y.0)),
        BitwiseLeftShift => Err(Error::DTypeUnsupported { op: "lshift_cpu", dtype: DType::Bool }),
        BitwiseRightShift => Err(Error::DTypeUnsupported { op: "rshift_cpu", dtype: DType::Bool }),
        _ => Err(Error::DTypeUnsupported { op: op.name(), dtype: DType::Bool }),
    }
}

/// float32 ops with kernels of their own (erf, exp and tanh without libm calls, so that the loops
/// vectorise); None for the rest.
fn real_f32(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) -> Option<Result<()>> {
    Some(match op {
        BinaryOp::GeluBackward => scaled_by(a, b, out, m32::erf_scaled_f32, m32::gelu_grad_f32),
        BinaryOp::GeluTanhBackward => scaled_by(a, b, out, m32::gelu_tanh_inner_f32, m32::gelu_tanh_grad_f32),
        _ => return None,
    })
}

/// `out = g * d(x, pre(x))` in float32 (an activation's backward), a block at a time: `pre` (the
/// transcendental) by the one-input map, then `d` and the product by two-input maps. One loop with
/// erf and exp in its body measured 12x slower (LLVM left it scalar); these loops vectorise.
fn scaled_by<P, D>(g: &Tensor, x: &Tensor, out: &Tensor, pre: P, d: D) -> Result<()>
where
    P: Fn(f32) -> f32 + Sync,
    D: Fn(f32, f32) -> f32 + Sync,
{
    const BLOCK: usize = 256;
    let (ptrs, st) = operands([out, g, x])?;
    // SAFETY: layouts validated by the caller; the output does not self-overlap.
    unsafe {
        for_each(out.shape(), ptrs, [&st[0], &st[1], &st[2]], GRAIN, |p, s, n| {
            let (o, gp, xp) = (p[0] as *mut f32, p[1] as *const f32, p[2] as *const f32);
            if dense(s[0], 4) && dense(s[1], 4) && dense(s[2], 4) {
                let mut buf = [0f32; BLOCK];
                let b = buf.as_mut_ptr();
                for start in (0..n).step_by(BLOCK) {
                    let m = BLOCK.min(n - start);
                    simd::map1(xp.add(start), b, m, &pre);
                    simd::map2(xp.add(start), b, b, m, &d);
                    simd::map2(gp.add(start), b, o.add(start), m, &|u: f32, v: f32| u * v);
                }
            } else {
                for i in 0..n as isize {
                    let v = *xp.byte_offset(i * s[2]);
                    *o.byte_offset(i * s[0]) = *gp.byte_offset(i * s[1]) * d(v, pre(v));
                }
            }
        });
    }
    Ok(())
}

/// Runs `op` on `a`, `b` (both in the compute dtype: f32/f64, an integer or bool)
/// into `out` (the compute dtype, or bool for comparisons and logical ops).
pub fn binary(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    if matches!(op.kind(), BinaryKind::Compare | BinaryKind::Logical) {
        return crate::dispatch_all!(a.dtype, T => predicate::<T>(op, a, b, out));
    }
    match a.dtype {
        DType::F32 => real_f32(op, a, b, out).unwrap_or_else(|| real::<f32>(op, a, b, out)),
        DType::F64 => real::<f64>(op, a, b, out),
        DType::Bool => boolean(op, a, b, out),
        DType::U8 => int::<u8>(op, a, b, out),
        DType::I8 => int::<i8>(op, a, b, out),
        DType::I16 => int::<i16>(op, a, b, out),
        DType::I32 => int::<i32>(op, a, b, out),
        DType::I64 => int::<i64>(op, a, b, out),
        d @ (DType::F16 | DType::BF16) => Err(Error::DTypeUnsupported { op: op.name(), dtype: d }),
    }
}

/// True when any element is zero (integer division guard).
pub fn any_zero(t: &Tensor) -> Result<bool> {
    crate::dispatch_all!(t.dtype, T => any_where::<T>(t, |v| !v.is_nonzero()))
}

/// True when any element is negative.
pub fn any_negative(t: &Tensor) -> Result<bool> {
    crate::dispatch_all!(t.dtype, T => any_where::<T>(t, |v| v.to_f64() < 0.0))
}

fn any_where<T: Element>(t: &Tensor, pred: impl Fn(T) -> bool + Sync) -> Result<bool> {
    let found = std::sync::atomic::AtomicBool::new(false);
    let (ptrs, st) = operands([t])?;
    // SAFETY: read-only traversal of a validated layout.
    unsafe {
        for_each(t.shape(), ptrs, [&st[0]], GRAIN, |p, s, n| {
            let x = p[0] as *const T;
            if (0..n as isize).any(|i| pred(*x.byte_offset(i * s[0]))) {
                found.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        });
    }
    Ok(found.into_inner())
}
