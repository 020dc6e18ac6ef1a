//! Unary elementwise kernels: one generic strided map, instantiated per op and
//! dtype with the op fixed at compile time (so the op's `match` folds away).

use super::iter::{for_each, GRAIN};
use super::math_f32 as m32;
use super::simd::Guarded;
use super::{dense, operands, simd};
use crate::dtype::DType;
use crate::element::{Bool, Element, Int, Real};
use crate::error::{Error, Result};
use crate::ops::{unary_int, unary_pred, unary_real, UnaryOp, UnaryKind};
use crate::tensor::Tensor;
use std::mem::size_of;

/// `out = f(x)` elementwise; `x` already has `out`'s shape.
pub fn map<I: Element, O: Element, F: Fn(I) -> O + Sync>(x: &Tensor, out: &Tensor, f: F) -> Result<()> {
    let (ptrs, st) = operands([out, x])?;
    // SAFETY: layouts validated by the caller; the output does not self-overlap.
    unsafe {
        for_each(out.shape(), ptrs, [&st[0], &st[1]], GRAIN, |p, s, n| {
            let (o, a) = (p[0] as *mut O, p[1] as *const I);
            if dense(s[0], size_of::<O>()) && dense(s[1], size_of::<I>()) {
                simd::map1(a, o, n, &f);
            } else {
                for i in 0..n as isize {
                    *o.byte_offset(i * s[0]) = f(*a.byte_offset(i * s[1]));
                }
            }
        });
    }
    Ok(())
}

/// A float32 function with a fast form for |x| <= `m32::TRIG_FAST_MAX` and libm beyond.
struct Trig<F: Fn(f32) -> f32 + Sync>(F, fn(f32) -> f32);
impl<F: Fn(f32) -> f32 + Sync> Guarded<f32, f32> for Trig<F> {
    #[inline(always)]
    fn fast(&self, a: f32) -> f32 {
        (self.0)(a)
    }
    #[inline(always)]
    fn fast_ok(&self, a: f32) -> bool {
        m32::trig_fast_ok(a)
    }
    fn slow(&self, a: f32) -> f32 {
        (self.1)(a)
    }
}

/// `map` for a `Trig` function: contiguous runs take the blocked fast path.
fn map_trig<F: Fn(f32) -> f32 + Sync>(x: &Tensor, out: &Tensor, f: Trig<F>) -> Result<()> {
    let (ptrs, st) = operands([out, x])?;
    // SAFETY: as in `map`.
    unsafe {
        for_each(out.shape(), ptrs, [&st[0], &st[1]], GRAIN, |p, s, n| {
            let (o, a) = (p[0] as *mut f32, p[1] as *const f32);
            if dense(s[0], 4) && dense(s[1], 4) {
                simd::map1_guarded(a, o, n, &f);
            } else {
                for i in 0..n as isize {
                    let v = *a.byte_offset(i * s[1]);
                    *o.byte_offset(i * s[0]) = if f.fast_ok(v) { f.fast(v) } else { f.slow(v) };
                }
            }
        });
    }
    Ok(())
}

/// float32 ops with kernels of their own (libm calls do not vectorise);
/// None for the rest.
fn real_f32(op: UnaryOp, x: &Tensor, out: &Tensor) -> Option<Result<()>> {
    Some(match op {
        UnaryOp::Tanh => map(x, out, m32::tanh_f32),
        UnaryOp::Erf => map(x, out, m32::erf_f32),
        UnaryOp::Sigmoid => map(x, out, m32::sigmoid_f32),
        UnaryOp::Expm1 => map(x, out, m32::expm1_f32),
        UnaryOp::Log => map(x, out, m32::log_f32),
        UnaryOp::Log1p => map(x, out, m32::log1p_f32),
        UnaryOp::Sin => map_trig(x, out, Trig(m32::sin_fast, f32::sin)),
        UnaryOp::Cos => map_trig(x, out, Trig(m32::cos_fast, f32::cos)),
        UnaryOp::Tan => map_trig(x, out, Trig(m32::tan_fast, f32::tan)),
        UnaryOp::Gelu => map(x, out, m32::gelu_f32),
        UnaryOp::GeluTanh => map(x, out, m32::gelu_tanh_f32),
        _ => return None,
    })
}

/// Expands `$body` once per listed variant with `$O` a constant of that variant.
macro_rules! const_op {
    ($op:expr, [$($v:ident),*], $O:ident => $body:expr) => {
        match $op {
            $(UnaryOp::$v => { const $O: UnaryOp = UnaryOp::$v; $body })*
            #[allow(unreachable_patterns)]
            other => Err(Error::runtime(format!("unary op {} has no CPU kernel for this dtype", other.name()))),
        }
    };
}

fn real<F: Real>(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    if op.kind() == UnaryKind::Predicate {
        return const_op!(op, [LogicalNot, IsNan, IsInf, IsFinite, Signbit], O =>
            map(x, out, |v: F| Bool(unary_pred(O, v) as u8)));
    }
    const_op!(op, [Abs, Neg, Exp, Exp2, Expm1, Log, Log2, Log10, Log1p, Sqrt, Rsqrt, Sin, Cos, Tan, Asin, Acos,
        Atan, Sinh, Cosh, Tanh, Sigmoid, Relu, Erf, Floor, Ceil, Round, Trunc, Frac, Sign, Reciprocal, Square, Gelu,
        GeluTanh], O => map(x, out, |v: F| unary_real(O, v)))
}

fn int<I: Int>(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    match op.kind() {
        UnaryKind::Predicate => const_op!(op, [LogicalNot, IsNan, IsInf, IsFinite, Signbit], O =>
            map(x, out, |v: I| Bool(match O {
                UnaryOp::LogicalNot => !v.is_nonzero(),
                UnaryOp::IsFinite => true,
                UnaryOp::Signbit => v < I::zero(),
                _ => false,
            } as u8))),
        _ => const_op!(op, [Abs, Neg, Sign, Square, Relu, BitwiseNot, Floor, Ceil, Round, Trunc], O =>
            map(x, out, |v: I| unary_int(O, v))),
    }
}

fn boolean(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    match op {
        UnaryOp::BitwiseNot | UnaryOp::LogicalNot => map(x, out, |v: Bool| Bool(1 - v.0)),
        UnaryOp::IsFinite => map(x, out, |_: Bool| Bool(1)),
        UnaryOp::IsNan | UnaryOp::IsInf | UnaryOp::Signbit => map(x, out, |_: Bool| Bool(0)),
        UnaryOp::Abs | UnaryOp::Relu | UnaryOp::Floor | UnaryOp::Ceil | UnaryOp::Round | UnaryOp::Trunc | UnaryOp::Sign => {
            map(x, out, |v: Bool| v)
        }
        _ => Err(Error::DTypeUnsupported { op: op.name(), dtype: DType::Bool }),
    }
}

/// Runs `op` on `x` (already in the compute dtype: f32/f64, an integer or bool)
/// into `out` (same dtype, or bool for predicates).
pub fn unary(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    match x.dtype {
        DType::F32 => real_f32(op, x, out).unwrap_or_else(|| real::<f32>(op, x, out)),
        DType::F64 => real::<f64>(op, x, out),
        DType::Bool => boolean(op, x, out),
        DType::U8 => int::<u8>(op, x, out),
        DType::I8 => int::<i8>(op, x, out),
        DType::I16 => int::<i16>(op, x, out),
        DType::I32 => int::<i32>(op, x, out),
        DType::I64 => int::<i64>(op, x, out),
        d @ (DType::F16 | DType::BF16) => Err(Error::DTypeUnsupported { op: op.name(), dtype: d }),
    }
}
