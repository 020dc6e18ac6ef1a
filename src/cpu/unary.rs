//! Unary elementwise kernels: one generic strided map, instantiated per op and
//! dtype with the op fixed at compile time (so the op's `match` folds away).

use super::iter::{for_each, GRAIN};
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
        Atan, Sinh, Cosh, Tanh, Sigmoid, Relu, Erf, Floor, Ceil, Round, Trunc, Frac, Sign, Reciprocal, Square], O =>
        map(x, out, |v: F| unary_real(O, v)))
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
        DType::F32 => real::<f32>(op, x, out),
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
