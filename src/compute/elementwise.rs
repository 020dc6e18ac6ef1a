//! Elementwise entry points: dtype rules per op kind, broadcasting, in-place
//! and out= validation, then the kernel.

use super::{broadcast_all, check_out, kernel_dtype, materialize, to_dtype, write_via, Arg};
use crate::cpu;
use crate::cpu::ternary::Ternary;
use crate::dtype::{default_float, result_type, DType, Scalar};
use crate::error::{Error, Result};
use crate::ops::{BinaryKind, BinaryOp, UnaryKind, UnaryOp};
use crate::storage::Device;
use crate::tensor::Tensor;
use crate::wgpu::map::{self, MapOp};

const NEG_BOOL: &str = "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.";

/// (compute dtype, result dtype) of a unary op on `d`.
fn unary_dtypes(op: UnaryOp, d: DType) -> Result<(DType, DType)> {
    Ok(match op.kind() {
        UnaryKind::Float => {
            if op == UnaryOp::Frac && !d.is_float() {
                return Err(Error::DTypeUnsupported { op: "frac_cpu", dtype: d });
            }
            let c = if d.is_float() { d } else { default_float() };
            (c, c)
        }
        UnaryKind::Same | UnaryKind::Rounding => {
            if d == DType::Bool {
                match op {
                    UnaryOp::Neg => return Err(Error::NotImplemented(NEG_BOOL.into())),
                    UnaryOp::Relu => return Err(Error::NotImplemented("Boolean inputs not supported for relu".into())),
                    UnaryOp::Abs => return Err(Error::DTypeUnsupported { op: "abs_cpu", dtype: d }),
                    UnaryOp::Floor => return Err(Error::DTypeUnsupported { op: "floor_vml_cpu", dtype: d }),
                    UnaryOp::Ceil => return Err(Error::DTypeUnsupported { op: "ceil_vml_cpu", dtype: d }),
                    UnaryOp::Round => return Err(Error::DTypeUnsupported { op: "round_vml_cpu", dtype: d }),
                    UnaryOp::Trunc => return Err(Error::DTypeUnsupported { op: "trunc_vml_cpu", dtype: d }),
                    _ => {}
                }
            }
            if d == DType::Bool && matches!(op, UnaryOp::Square) {
                (DType::I64, DType::I64)
            } else {
                (d, d)
            }
        }
        UnaryKind::Bitwise => {
            if d.is_float() {
                return Err(Error::DTypeUnsupported { op: "bitwise_not_cpu", dtype: d });
            }
            (d, d)
        }
        UnaryKind::Predicate => (d, DType::Bool),
    })
}

pub fn unary(op: UnaryOp, x: &Tensor) -> Result<Tensor> {
    let (_, res) = unary_dtypes(op, x.dtype)?;
    let out = Tensor::empty_result(x.shape(), &[Some(&x.layout)], res, x.device())?;
    unary_write(op, x, &out)?;
    Ok(out)
}

/// `out = op(x)`; `out` may be `x` (in place) or any tensor of `x`'s shape.
pub fn unary_into(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    super::check_partial_overlap(out, &[Arg::T(x)])?;
    unary_write(op, x, out)?;
    out.bump_version();
    Ok(())
}

fn unary_write(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    let device = super::device_of(&[Arg::T(x), Arg::T(out)])?;
    let (compute, res) = unary_dtypes(op, x.dtype)?;
    check_out(out, x.shape(), res)?;
    if device != Device::Cpu {
        return map::run(MapOp::Unary(op), &[(Arg::T(x), compute)], compute, &[], out);
    }
    // Rounding ops leave integers as they are.
    if op.kind() == UnaryKind::Rounding && !compute.is_float() {
        return crate::cpu::copy::cast_into(&x.clone(), out);
    }
    let kd = kernel_dtype(compute);
    let xin = to_dtype(x, kd)?;
    let kout = if res == DType::Bool { DType::Bool } else { kd };
    write_via(out, kout, &[&xin], |o| cpu::unary::unary(op, &xin, o))
}

/// (compute dtype, result dtype) of a binary op.
fn binary_dtypes(op: BinaryOp, a: Arg, b: Arg) -> Result<(DType, DType)> {
    let common = result_type(&[a.operand(), b.operand()]);
    let bool_tensor = |x: Arg| x.dtype() == Some(DType::Bool);
    Ok(match op.kind() {
        BinaryKind::Arith => {
            if op == BinaryOp::Sub && (bool_tensor(a) || bool_tensor(b)) {
                return Err(Error::NotImplemented(if bool_tensor(a) && bool_tensor(b) {
                    "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead."
                } else {
                    "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
                }.into()));
            }
            if common == DType::Bool && !matches!(op, BinaryOp::Add | BinaryOp::Mul | BinaryOp::Maximum | BinaryOp::Minimum) {
                let name = match op {
                    BinaryOp::FloorDivide => "div_floor_cpu",
                    BinaryOp::DivTrunc => "div_trunc_cpu",
                    BinaryOp::Remainder => "remainder_cpu",
                    BinaryOp::Fmod => "fmod_cpu",
                    _ => "pow",
                };
                return Err(Error::DTypeUnsupported { op: name, dtype: common });
            }
            (common, common)
        }
        BinaryKind::Float => {
            let c = if common.is_float() { common } else { default_float() };
            (c, c)
        }
        BinaryKind::Compare | BinaryKind::Logical => (common, DType::Bool),
        BinaryKind::Bitwise => {
            if common.is_float() {
                let name = match op {
                    BinaryOp::BitwiseAnd => "bitwise_and_cpu",
                    BinaryOp::BitwiseOr => "bitwise_or_cpu",
                    BinaryOp::BitwiseXor => "bitwise_xor_cpu",
                    BinaryOp::BitwiseLeftShift => "lshift_cpu",
                    _ => "rshift_cpu",
                };
                return Err(Error::DTypeUnsupported { op: name, dtype: common });
            }
            // Checked here rather than in the kernel: every device refuses the same way.
            if common == DType::Bool && matches!(op, BinaryOp::BitwiseLeftShift | BinaryOp::BitwiseRightShift) {
                let name = if op == BinaryOp::BitwiseLeftShift { "lshift_cpu" } else { "rshift_cpu" };
                return Err(Error::DTypeUnsupported { op: name, dtype: common });
            }
            (common, common)
        }
    })
}

pub fn binary(op: BinaryOp, a: Arg, b: Arg) -> Result<Tensor> {
    super::device_of(&[a, b])?;
    let (_, res) = binary_dtypes(op, a, b)?;
    let shape = broadcast_all(&[a, b])?;
    let out = Tensor::empty_result(&shape, &[a.layout(), b.layout()], res, super::device_of(&[a, b])?)?;
    binary_write(op, a, b, &out)?;
    Ok(out)
}

/// `out = op(a, b)`; `out` may be `a` (in place: `a.add_(b)`).
pub fn binary_into(op: BinaryOp, a: Arg, b: Arg, out: &Tensor) -> Result<()> {
    super::check_partial_overlap(out, &[a, b])?;
    binary_write(op, a, b, out)?;
    out.bump_version();
    Ok(())
}

fn binary_write(op: BinaryOp, a: Arg, b: Arg, out: &Tensor) -> Result<()> {
    let device = super::device_of(&[a, b, Arg::T(out)])?;
    let (compute, res) = binary_dtypes(op, a, b)?;
    let shape = broadcast_all(&[a, b])?;
    check_out(out, &shape, res)?;
    if device != Device::Cpu {
        if !compute.is_float() && op == BinaryOp::Pow && matches!(b, Arg::S(s) if s.to_i64() < 0) {
            return Err(Error::runtime("Integers to negative integer powers are not allowed."));
        }
        // Integer division by zero is not checked here: that would wait for the device
        // (CUDA does not check either); WGSL defines x / 0 as x.
        let (ba, bb) = (broadcast_arg(a, &shape)?, broadcast_arg(b, &shape)?);
        return map::run(MapOp::Binary(op), &[(arg(&ba, a), compute), (arg(&bb, b), compute)], compute, &[], out);
    }
    let kd = kernel_dtype(compute);
    let (ta, tb) = (materialize(a, kd, &shape)?, materialize(b, kd, &shape)?);
    if !kd.is_float() {
        if op.divides() && cpu::binary::any_zero(&tb)? {
            return Err(Error::runtime("ZeroDivisionError"));
        }
        // Only a Python-number exponent is checked, as in PyTorch; tensor exponents
        // give 0 (or +-1 for bases +-1) like integer division.
        if op == BinaryOp::Pow && matches!(b, Arg::S(_)) && cpu::binary::any_negative(&tb)? {
            return Err(Error::runtime("Integers to negative integer powers are not allowed."));
        }
    }
    let kout = if matches!(op.kind(), BinaryKind::Compare | BinaryKind::Logical) { DType::Bool } else { kd };
    write_via(out, kout, &[&ta, &tb], |o| cpu::binary::binary(op, &ta, &tb, o))
}

/// A tensor argument viewed at `shape` (None for Python numbers).
fn broadcast_arg(a: Arg, shape: &[usize]) -> Result<Option<Tensor>> {
    match a {
        Arg::T(t) => Ok(Some(t.broadcast_to(shape)?)),
        Arg::S(_) => Ok(None),
    }
}

/// The broadcast view when there is one, else the original argument.
fn arg<'a>(b: &'a Option<Tensor>, a: Arg<'a>) -> Arg<'a> {
    b.as_ref().map(Arg::T).unwrap_or(a)
}

/// `alpha * b` for add/sub's `alpha=`, with PyTorch's checks.
pub fn scale_alpha<'a>(a: Arg, b: Arg, alpha: Scalar, keep: &'a mut Option<Tensor>) -> Result<Arg<'a>> {
    let common = result_type(&[a.operand(), b.operand()]);
    if matches!(alpha, Scalar::Float(_)) && !common.is_float() {
        return Err(Error::runtime("For integral input tensors, argument alpha must not be a floating point number."));
    }
    if matches!(alpha, Scalar::Bool(_)) && common != DType::Bool {
        return Err(Error::runtime("Boolean alpha only supported for Boolean results."));
    }
    let bt = super::materialize_on(b, common, b.shape(), super::device_of(&[a, b])?)?;
    *keep = Some(binary(BinaryOp::Mul, Arg::T(&bt), Arg::S(alpha))?);
    Ok(keep.as_ref().map(Arg::T).unwrap_or(Arg::S(alpha)))
}

/// `torch.where(cond, x, y)`.
pub fn where_(cond: &Tensor, x: Arg, y: Arg) -> Result<Tensor> {
    let device = super::device_of(&[Arg::T(cond), x, y])?;
    if cond.dtype != DType::Bool && cond.dtype != DType::U8 {
        return Err(Error::runtime(format!(
            "where expected condition to be a boolean tensor, but got a tensor with dtype {}",
            cond.dtype.torch_name()
        )));
    }
    let res = result_type(&[x.operand(), y.operand()]);
    let shape = broadcast_all(&[Arg::T(cond), x, y])?;
    let out = Tensor::empty_result(&shape, &[Some(&cond.layout), x.layout(), y.layout()], res, device)?;
    if device != Device::Cpu {
        let (bc, bx, by) = (cond.broadcast_to(&shape)?, broadcast_arg(x, &shape)?, broadcast_arg(y, &shape)?);
        map::run(MapOp::Where, &[(Arg::T(&bc), DType::Bool), (arg(&bx, x), res), (arg(&by, y), res)], res, &[], &out)?;
        return Ok(out);
    }
    let c = materialize(Arg::T(cond), DType::Bool, &shape)?;
    let (tx, ty) = (materialize(x, res, &shape)?, materialize(y, res, &shape)?);
    cpu::ternary::where_(&c, &tx, &ty, &out)?;
    Ok(out)
}

/// lerp / addcmul / addcdiv / clamp with tensor bounds, into `out` (or a new tensor).
pub fn ternary(op: Ternary, a: Arg, b: Arg, c: Arg, value: Scalar, out: Option<&Tensor>) -> Result<Tensor> {
    let device = super::device_of(&[a, b, c])?;
    let mut operands = vec![a.operand(), b.operand(), c.operand()];
    if op == Ternary::Lerp {
        operands.truncate(2); // weight does not promote start/end
    }
    let res = result_type(&operands);
    if op == Ternary::Lerp && !res.is_float() {
        return Err(Error::DTypeUnsupported { op: "lerp_kernel_scalar", dtype: res });
    }
    if op == Ternary::Addcdiv && !res.is_float() {
        return Err(Error::runtime(
            "Integer division with addcdiv is no longer supported, and in a future release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.",
        ));
    }
    if matches!(op, Ternary::Addcmul | Ternary::Addcdiv) && matches!(value, Scalar::Float(_)) && !res.is_float() {
        return Err(Error::runtime("For integral input tensors, argument value must not be a floating point number."));
    }
    if res == DType::Bool && matches!(op, Ternary::Addcmul | Ternary::Clamp) {
        let name = if op == Ternary::Clamp { "clamp_cpu" } else { "addcmul_cpu_out" };
        return Err(Error::DTypeUnsupported { op: name, dtype: res });
    }
    let shape = broadcast_all(&[a, b, c])?;
    let existing = out.is_some();
    let out = match out {
        Some(o) => {
            super::device_of(&[a, b, c, Arg::T(o)])?;
            super::check_partial_overlap(o, &[a, b, c])?;
            check_out(o, &shape, res)?;
            o.clone()
        }
        None => Tensor::empty_result(&shape, &[a.layout(), b.layout(), c.layout()], res, device)?,
    };
    if device != Device::Cpu {
        let (ba, bb, bc) = (broadcast_arg(a, &shape)?, broadcast_arg(b, &shape)?, broadcast_arg(c, &shape)?);
        let inputs = [(arg(&ba, a), res), (arg(&bb, b), res), (arg(&bc, c), res)];
        let extras: &[Scalar] = if matches!(op, Ternary::Addcmul | Ternary::Addcdiv) { &[value] } else { &[] };
        map::run(MapOp::Ternary(op), &inputs, res, extras, &out)?;
    } else {
        let kd = kernel_dtype(res);
        let (ta, tb, tc) = (materialize(a, kd, &shape)?, materialize(b, kd, &shape)?, materialize(c, kd, &shape)?);
        write_via(&out, kd, &[&ta, &tb, &tc], |o| cpu::ternary::ternary(op, value.to_f64(), &ta, &tb, &tc, o))?;
    }
    if existing {
        out.bump_version();
    }
    Ok(out)
}

/// `torch.clamp(x, min, max)` (either bound may be absent, not both).
pub fn clamp(x: &Tensor, min: Option<Arg>, max: Option<Arg>, out: Option<&Tensor>) -> Result<Tensor> {
    let mut all = vec![Arg::T(x)];
    all.extend(min.iter().chain(max.iter()).copied());
    super::device_of(&all)?;
    let run = |op: BinaryOp, bound: Arg| -> Result<Tensor> {
        match out {
            Some(o) => binary_into(op, Arg::T(x), bound, o).map(|_| o.clone()),
            None => binary(op, Arg::T(x), bound),
        }
    };
    let mut operands = vec![Arg::T(x).operand()];
    operands.extend(min.iter().chain(max.iter()).map(|a| a.operand()));
    let float = result_type(&operands).is_float();
    match (min, max) {
        (None, None) => Err(Error::runtime("torch.clamp: At least one of 'min' or 'max' must not be None")),
        // Floats go through the clamp kernel (`x < lo ? lo : x`), which keeps -0.0
        // where maximum would not; an absent bound is an infinite one.
        (lo, hi) if float => {
            let lo = lo.unwrap_or(Arg::S(Scalar::Float(f64::NEG_INFINITY)));
            let hi = hi.unwrap_or(Arg::S(Scalar::Float(f64::INFINITY)));
            ternary(Ternary::Clamp, Arg::T(x), lo, hi, Scalar::Int(0), out)
        }
        (Some(lo), None) => run(BinaryOp::Maximum, lo),
        (None, Some(hi)) => run(BinaryOp::Minimum, hi),
        (Some(lo), Some(hi)) => ternary(Ternary::Clamp, Arg::T(x), lo, hi, Scalar::Int(0), out),
    }
}

/// `torch.nan_to_num`: NaN and +-inf replaced; integers pass through.
pub fn nan_to_num(x: &Tensor, nan: f64, posinf: Option<f64>, neginf: Option<f64>, out: Option<&Tensor>) -> Result<Tensor> {
    let existing = out.is_some();
    let out = match out {
        Some(o) => {
            super::device_of(&[Arg::T(x), Arg::T(o)])?;
            check_out(o, x.shape(), x.dtype)?;
            o.clone()
        }
        None => Tensor::empty_result(x.shape(), &[Some(&x.layout)], x.dtype, x.device())?,
    };
    if !x.dtype.is_float() {
        super::copy_into(&out, x)?;
        return Ok(out);
    }
    if existing {
        out.bump_version();
    }
    // The largest finite value of the tensor's own dtype.
    let max = match x.dtype {
        DType::F16 => 65504.0,
        DType::BF16 => 3.3895313892515355e38,
        DType::F32 => f32::MAX as f64,
        _ => f64::MAX,
    };
    let (pi, ni) = (posinf.unwrap_or(max), neginf.unwrap_or(-max));
    if x.device() != Device::Cpu {
        let extras = [Scalar::Float(nan), Scalar::Float(pi), Scalar::Float(ni)];
        map::run(MapOp::NanToNum, &[(Arg::T(x), x.dtype)], x.dtype, &extras, &out)?;
        return Ok(out);
    }
    let kd = kernel_dtype(x.dtype);
    let xin = to_dtype(x, kd)?;
    write_via(&out, kd, &[&xin], |o| match kd {
        DType::F32 => cpu::unary::map(&xin, o, |v: f32| {
            if v.is_nan() { nan as f32 } else if v == f32::INFINITY { pi as f32 } else if v == f32::NEG_INFINITY { ni as f32 } else { v }
        }),
        _ => cpu::unary::map(&xin, o, |v: f64| {
            if v.is_nan() { nan } else if v == f64::INFINITY { pi } else if v == f64::NEG_INFINITY { ni } else { v }
        }),
    })?;
    Ok(out)
}
