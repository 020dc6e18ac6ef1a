//! The elementwise family on wgpu (`shaders/map.wgsl`): unary, binary and ternary ops,
//! `where`, casts/copies and fills, one generated module per (op, operand dtypes,
//! compute dtype, output dtype). Operands and the output are read and written through
//! their own strides with dtype conversions fused into the loads and the store, so
//! views, broadcasts, `out=` tensors of other dtypes and in-place ops need no temporaries.

use super::dtypes::{self, convert, scalar_expr, scalar_words, val, Caps, Val};
use super::launch::{buffer, dispatch_groups, pipeline, u32s, Bind, MAX_DIMS};
use super::template::{expand, with_helpers, WORKGROUP};
use crate::compute::Arg;
use crate::cpu::ternary::Ternary;
use crate::dtype::{DType, Scalar};
use crate::error::{Error, Result};
use crate::ops::{BinaryKind, BinaryOp, UnaryKind, UnaryOp};
use crate::tensor::Tensor;

/// Workgroups of a map kernel over `numel` elements.
fn groups(ctx: &super::Context, numel: usize) -> usize {
    numel.div_ceil(WORKGROUP as usize * ctx.tuning.unroll)
}

pub const MAP: &str = include_str!("../../shaders/map.wgsl");

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MapOp {
    Unary(UnaryOp),
    Binary(BinaryOp),
    /// `value` (addcmul/addcdiv) is the extra scalar e0.
    Ternary(Ternary),
    /// `where(a, b, c)`: `a` computes as bool.
    Where,
    /// Conversion only (casts, copies; a fill is a copy of a Python number).
    Copy,
    /// Extra scalars e0, e1, e2: the replacements of NaN, +inf, -inf.
    NanToNum,
    /// No operands: e0 + e1 * i for element i (e0 start, e1 step).
    Arange,
    /// No operands: from e0 (start) or e1 (end) by e2 (step), the nearer end, as the CPU.
    Linspace,
}

impl MapOp {
    pub fn name(self) -> &'static str {
        match self {
            MapOp::Unary(u) => u.name(),
            MapOp::Binary(b) => b.name(),
            MapOp::Ternary(t) => t.name(),
            MapOp::Where => "where",
            MapOp::Copy => "copy_",
            MapOp::NanToNum => "nan_to_num",
            MapOp::Arange => "arange",
            MapOp::Linspace => "linspace",
        }
    }
    fn arity(self) -> usize {
        match self {
            MapOp::Arange | MapOp::Linspace => 0,
            MapOp::Unary(_) | MapOp::Copy | MapOp::NanToNum => 1,
            MapOp::Binary(_) => 2,
            MapOp::Ternary(_) | MapOp::Where => 3,
        }
    }
}

/// The op's WGSL expression in `compute`, and whether it yields a WGSL bool.
/// None: no kernel for this dtype on this adapter.
pub fn expression(op: MapOp, compute: DType, caps: Caps) -> Option<(String, bool)> {
    let v = val(compute, caps);
    let (e, is_bool): (&str, bool) = match op {
        MapOp::Copy => ("x", false),
        MapOp::Where => ("select(c, b, a != 0u)", false),
        MapOp::NanToNum => (if v.is_float() { "rt_nan_to_num(x, e0, e1, e2)" } else { "x" }, false),
        // `gi`: the element's index in the whole output (p[6] is the window's first, p[7] the count).
        MapOp::Arange if v == Val::E64 => ("e64_add(e0, e64_mul(e1, e64_from_u32(gi)))", false),
        MapOp::Arange => ("e0 + e1 * {{T}}(gi)", false),
        MapOp::Linspace if v.is_float() => {
            ("select(e1 - e2 * {{T}}(p[7] - 1u - gi), e0 + e2 * {{T}}(gi), gi < p[7] / 2u || p[7] == 1u)", false)
        }
        MapOp::Linspace => return None,
        MapOp::Unary(u) => {
            let pred = u.kind() == UnaryKind::Predicate;
            let e = match v {
                Val::F32 | Val::F64 if pred => u.wgsl_float_pred(),
                Val::F64 if !u.wgsl_f64() => u.wgsl_f64_soft(),
                Val::F32 | Val::F64 => u.wgsl(),
                _ if compute == DType::Bool && u == UnaryOp::BitwiseNot => Some("x ^ 1u"),
                Val::E64 => u.wgsl_e64(),
                _ => u.wgsl_int(),
            };
            (e?, pred)
        }
        MapOp::Binary(b) => {
            let boolean = matches!(b.kind(), BinaryKind::Compare | BinaryKind::Logical);
            let e = match v {
                Val::E64 => b.wgsl_e64(),
                // `!=` is unordered (true with a NaN), which drivers that assume no NaN miss.
                Val::F32 | Val::F64 if b == BinaryOp::Ne => Some("a != b || rt_isnan(a) || rt_isnan(b)"),
                _ if boolean => b.wgsl_compare(),
                Val::F64 if !b.wgsl_f64() => b.wgsl_f64_soft(),
                Val::F32 | Val::F64 => b.wgsl(),
                _ => b.wgsl_int(),
            };
            (e?, boolean)
        }
        MapOp::Ternary(t) => {
            let e = match (t, v) {
                (Ternary::Lerp, Val::F32 | Val::F64) => "rt_lerp(a, b, c)",
                (Ternary::Addcdiv, Val::F32 | Val::F64) => "a + e0 * (b / c)",
                (Ternary::Clamp, Val::F32 | Val::F64) => "rt_clamp(a, b, c)",
                (Ternary::Addcmul, Val::E64) => "e64_add(a, e64_mul(e64_mul(e0, b), c))",
                (Ternary::Clamp, Val::E64) => "e64_min_s(e64_max_s(a, b), c)",
                (Ternary::Addcmul, _) => "a + e0 * b * c",
                (Ternary::Clamp, _) => "min(max(a, b), c)",
                _ => return None,
            };
            (e, false)
        }
    };
    let neg1 = match v {
        Val::U32 => "0xffffffffu",
        Val::I64 => "i64(-1)",
        _ => "-1",
    };
    let e = expand(e, &[("NZA", &v.nonzero("a")), ("NZB", &v.nonzero("b")), ("NEG1", neg1), ("T", v.wgsl())]);
    Some((e, is_bool))
}

/// An operand as the kernel sees it: a tensor's storage dtype, or a Python number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Source {
    Tensor(DType),
    /// Read through the output's binding (the same storage: one dispatch may not bind
    /// a buffer both read-only and writable).
    Output(DType),
    Scalar,
}

/// The WGSL module for `op`, operands `(source, compute dtype)`, the op's compute
/// dtype and the output dtype.
fn source(op: MapOp, operands: &[(Source, DType)], compute: DType, out: DType, extras: usize, f64_scalars: bool, caps: Caps) -> Option<String> {
    let (expr, is_bool) = expression(op, compute, caps)?;
    let cv = val(compute, caps);
    let names = if op.arity() == 1 { ["x", "", ""] } else { ["a", "b", "c"] };
    let comps = ["x", "y", "z"];
    let (mut bindings, mut functions, mut body) = (String::new(), String::new(), String::new());
    let mut k = 0;
    for (j, &(src, d)) in operands.iter().enumerate() {
        let load = format!("load{j}");
        match src {
            Source::Tensor(sd) | Source::Output(sd) => {
                // Operands sharing the output's storage are read through its binding.
                let buf = if let Source::Tensor(_) = src {
                    bindings.push_str(&dtypes::input_decl(&format!("in{j}"), k, sd, caps));
                    k += 1;
                    format!("in{j}")
                } else {
                    "out".to_string()
                };
                functions.push_str(&dtypes::load_fn(&format!("{load}_raw"), &buf, sd, caps, buf == "out"));
                functions.push_str(&format!(
                    "fn {load}(i: u32) -> {} {{\n    return {};\n}}\n",
                    val(d, caps).wgsl(),
                    convert(&format!("{load}_raw(i)"), val(sd, caps), d, caps)
                ));
            }
            Source::Scalar => {
                let e = scalar_expr(j, val(d, caps));
                functions.push_str(&format!("fn {load}(i: u32) -> {} {{\n    return {e};\n}}\n", val(d, caps).wgsl()));
            }
        }
        body.push_str(&format!("    let {} = {load}(o.{});\n", names[j], comps[j]));
    }
    bindings.push_str(&dtypes::output_decl("out", k, out, caps));
    k += 1;
    if f64_scalars {
        bindings.push_str(&format!("@group(0) @binding({k}) var<storage, read> sc: array<f64>;\n"));
        k += 1;
    }
    for e in 0..extras {
        body.push_str(&format!("    let e{e} = {};\n", scalar_expr(op.arity() + e, cv)));
    }
    let mut functions = functions + &dtypes::store_fn("store", "out", out, caps);
    let (result, rv) = if is_bool { (format!("select(0u, 1u, {expr})"), Val::U32) } else { (expr, cv) };
    body.push_str(&format!("    return {};", convert(&result, rv, out, caps)));
    let helpers = with_helpers(&(functions.clone() + &body), cv);
    functions.push_str(&helpers);
    let wg = WORKGROUP.to_string();
    let mut unrolled = String::new();
    for step in ["offsets", "value", "store"] {
        for u in 0..caps.unroll {
            unrolled.push_str(&match step {
                "offsets" => format!("        let i{u} = i0 + {u}u * {wg}u;\n        let o{u} = offsets(i{u});\n"),
                "value" => format!("        let v{u} = value(i{u}, o{u});\n"),
                _ => format!("        store(o{u}.w, v{u});\n"),
            });
        }
    }
    Some(expand(MAP, &[
        ("BINDINGS", &bindings),
        ("PBIND", &k.to_string()),
        ("FUNCTIONS", &functions),
        ("BODY", &body),
        ("OUT_T", val(out, caps).wgsl()),
        ("OFFSETS", super::template::OFFSETS),
        ("UNROLLED", unrolled.trim_end()),
        ("UNROLL", &caps.unroll.to_string()),
        ("WG", &wg),
    ]))
}

/// Merges dims that every operand walks contiguously, and drops size-1 dims: fewer
/// index steps per element (a contiguous op becomes one dim).
pub fn coalesce(shape: &[usize], strides: &mut [Vec<usize>]) -> Vec<usize> {
    let keep: Vec<usize> = (0..shape.len()).filter(|&d| shape[d] != 1).collect();
    let mut sh: Vec<usize> = keep.iter().map(|&d| shape[d]).collect();
    for s in strides.iter_mut() {
        *s = keep.iter().map(|&d| s[d]).collect();
    }
    let mut d = sh.len();
    while d > 1 {
        d -= 1;
        if strides.iter().all(|s| s[d - 1] == s[d] * sh[d]) {
            sh[d - 1] *= sh[d];
            sh.remove(d);
            for s in strides.iter_mut() {
                let inner = s.remove(d);
                s[d - 1] = inner;
            }
        }
    }
    sh
}

/// `out = op(inputs...)`: each input an `Arg` with the dtype it computes in (already
/// broadcast to `out`'s shape); `compute` the op's dtype; `extras` its extra scalars.
pub fn run(op: MapOp, inputs: &[(Arg, DType)], compute: DType, extras: &[Scalar], out: &Tensor) -> Result<()> {
    let ctx = super::context()?;
    let caps = Caps::of(&ctx);
    if out.numel() == 0 {
        // Nothing to compute, but an op without a kernel still says so.
        return match expression(op, compute, caps) {
            Some(_) => Ok(()),
            None => Err(no_kernel_for(&ctx, op.name(), compute, caps)),
        };
    }
    for &(a, d) in inputs {
        check_dtype(&ctx, a.dtype().unwrap_or(d), caps)?;
    }
    check_dtype(&ctx, out.dtype, caps)?;
    let sources: Vec<(Source, DType)> = inputs
        .iter()
        .map(|&(a, d)| match a {
            Arg::T(t) if t.same_storage(out) => (Source::Output(t.dtype), d),
            Arg::T(t) => (Source::Tensor(t.dtype), d),
            Arg::S(_) => (Source::Scalar, d),
        })
        .collect();
    let mut key = format!("map/{}/{}/{}", op.name(), compute.name(), out.dtype.name());
    for (s, d) in &sources {
        key.push_str(&format!("/{s:?}:{}", d.name()));
    }
    let f64_scalars = f64_scalars(inputs, compute, extras, caps);
    // The op's expression is built only when its pipeline is (not on every call); no source
    // means no kernel for this op and dtype.
    let p = match pipeline(&ctx, &key, || source(op, &sources, compute, out.dtype, extras.len(), f64_scalars, caps)) {
        Err(_) if expression(op, compute, caps).is_none() => return Err(no_kernel_for(&ctx, op.name(), compute, caps)),
        p => p?,
    };
    // Strides (in elements) of each operand and the output, then coalesced dims.
    let nd = out.ndim();
    let mut strides: Vec<Vec<usize>> = Vec::with_capacity(4);
    let mut offsets = [0usize; 4];
    for (j, &(a, _)) in inputs.iter().enumerate() {
        match a {
            Arg::T(t) => {
                strides.push(t.layout.strides.iter().map(|&s| s.max(0) as usize).collect());
                offsets[j] = t.layout.offset;
            }
            Arg::S(_) => strides.push(vec![0; nd]),
        }
    }
    while strides.len() < 3 {
        strides.push(vec![0; nd]);
    }
    strides.push(out.layout.strides.iter().map(|&s| s.max(0) as usize).collect());
    offsets[3] = out.layout.offset;
    // Any visiting order computes an elementwise op; visiting the dims in the output's memory
    // order (outermost first) lets a permuted output merge with operands laid out alike, so
    // `x.t() + 1` (whose result is laid out as x.t()) is one dim, as `x + 1` is.
    let mut order: Vec<usize> = (0..nd).collect();
    order.sort_by_key(|&d| std::cmp::Reverse(strides[3][d]));
    let shape: Vec<usize> = order.iter().map(|&d| out.shape()[d]).collect();
    for s in strides.iter_mut() {
        *s = order.iter().map(|&d| s[d]).collect();
    }
    let shape = coalesce(&shape, &mut strides);
    if shape.len() > MAX_DIMS {
        return Err(Error::NotImplemented(format!("wgpu kernels take at most {MAX_DIMS} dimensions after merging")));
    }
    let mut params = vec![0u32; 56];
    params[0] = u32s([out.numel()])?[0];
    params[7] = params[0];
    params[1] = shape.len() as u32;
    for (j, &o) in offsets.iter().enumerate() {
        params[2 + j] = u32s([o])?[0];
    }
    for (d, &s) in shape.iter().enumerate() {
        params[8 + d] = u32s([s])?[0];
    }
    for (j, st) in strides.iter().enumerate() {
        for (d, &s) in st.iter().enumerate() {
            params[16 + 8 * j + d] = u32s([s])?[0];
        }
    }
    // Python numbers: operand j in slot j, the extras after the operands.
    let mut f64s = [0f64; 4];
    let mut slot = |k: usize, s: Scalar, d: DType| {
        let [lo, hi] = scalar_words(s, val(d, caps));
        params[48 + 2 * k] = lo;
        params[49 + 2 * k] = hi;
        f64s[k] = s.to_f64();
    };
    for (j, &(a, d)) in inputs.iter().enumerate() {
        if let Arg::S(s) = a {
            slot(j, s, d);
        }
    }
    for (e, &s) in extras.iter().enumerate() {
        slot(op.arity() + e, s, compute);
    }
    let sc = if f64_scalars { Some(crate::wgpu::transfer::upload(&Tensor::from_slice(&f64s, &[4])?)?) } else { None };
    // The tensors bound (operand slot, tensor): inputs not read through the output, then it.
    let mut bound: Vec<(usize, &Tensor)> = inputs
        .iter()
        .enumerate()
        .filter_map(|(j, &(a, _))| match a {
            Arg::T(t) if !t.same_storage(out) => Some((j, t)),
            _ => None,
        })
        .collect();
    bound.push((3, out));
    let max_bind = ctx.limits.max_storage_buffer_binding_size as usize;
    let mut too_big = false;
    for (_, t) in &bound {
        too_big |= super::launch::capacity(t)? > max_bind;
    }
    if !too_big {
        let mut bufs: Vec<Bind> = Vec::with_capacity(5);
        for (_, t) in &bound {
            bufs.push(buffer(&ctx, t)?.into());
        }
        if let Some(sc) = &sc {
            bufs.push(buffer(&ctx, sc)?.into());
        }
        return dispatch_groups(&ctx, &p, &bufs, &params, groups(&ctx, out.numel()));
    }
    windows(&ctx, &p, inputs, out, &bound, &shape, &strides, &offsets, params, sc.as_ref())
}

/// Runs a map kernel over tensors larger than one storage binding: in pieces of the
/// outermost merged dim, each tensor bound through a window holding that piece.
#[allow(clippy::too_many_arguments)]
fn windows(
    ctx: &super::Context,
    p: &wgpu::ComputePipeline,
    inputs: &[(Arg, DType)],
    out: &Tensor,
    bound: &[(usize, &Tensor)],
    shape: &[usize],
    strides: &[Vec<usize>],
    offsets: &[usize; 4],
    params: Vec<u32>,
    sc: Option<&Tensor>,
) -> Result<()> {
    let (shape, strides): (Vec<usize>, Vec<Vec<usize>>) =
        if shape.is_empty() { (vec![1], strides.iter().map(|_| vec![0]).collect()) } else { (shape.to_vec(), strides.to_vec()) };
    let max_bind = ctx.limits.max_storage_buffer_binding_size as usize;
    let align = (ctx.limits.min_storage_buffer_offset_alignment as usize).max(4);
    let inner: usize = shape[1..].iter().product();
    // Elements one outer row of operand k spans.
    let extent = |k: usize| shape[1..].iter().zip(&strides[k][1..]).map(|(&n, &s)| (n - 1) * s).sum::<usize>() + 1;
    let too_wide = || Error::NotImplemented(format!(
        "one row of this wgpu view spans more than one storage binding ({max_bind} bytes on {})", ctx.info.name
    ));
    // In-place operands must read exactly the output's window.
    for (j, &(a, _)) in inputs.iter().enumerate() {
        if matches!(a, Arg::T(t) if t.same_storage(out)) && (strides[j] != strides[3] || offsets[j] != offsets[3]) {
            return Err(too_wide());
        }
    }
    let mut rows = shape[0];
    for &(k, t) in bound {
        let budget = (max_bind - align) / t.dtype.size();
        if extent(k) > budget {
            return Err(too_wide());
        }
        if let Some(fit) = (budget - extent(k)).checked_div(strides[k][0]) {
            rows = rows.min(fit + 1);
        }
    }
    let mut r0 = 0;
    while r0 < shape[0] {
        let r = rows.min(shape[0] - r0);
        let mut prm = params.clone();
        prm[0] = u32s([r * inner])?[0];
        prm[6] = u32s([r0 * inner])?[0];
        prm[8] = u32s([r])?[0];
        let mut binds: Vec<Bind> = Vec::with_capacity(5);
        let mut out_shift = 0;
        for &(k, t) in bound {
            let es = t.dtype.size();
            let first = offsets[k] + r0 * strides[k][0];
            let start = first * es / align * align;
            let end = (first + (r - 1) * strides[k][0] + extent(k)) * es;
            let cap = super::launch::capacity(t)?;
            let size = (end - start).div_ceil(4) * 4;
            let size = size.min(cap - start);
            prm[2 + k] = u32s([first - start / es])?[0];
            if k == 3 {
                out_shift = start / es;
            }
            let buffer = t.storage().wgpu_buffer().ok_or_else(|| Error::runtime("expected a wgpu tensor"))?.buffer()?;
            binds.push(Bind { buffer, offset: start as u64, size: std::num::NonZeroU64::new(size as u64) });
        }
        for (j, &(a, _)) in inputs.iter().enumerate() {
            if matches!(a, Arg::T(t) if t.same_storage(out)) {
                prm[2 + j] = u32s([offsets[j] + r0 * strides[j][0] - out_shift])?[0];
            }
        }
        if let Some(sc) = sc {
            binds.push(buffer(ctx, sc)?.into());
        }
        dispatch_groups(ctx, p, &binds, &prm, groups(ctx, r * inner))?;
        r0 += r;
    }
    Ok(())
}

/// Whether any Python number of the op is an f64: those travel in a small buffer
/// (`sc`) rather than in the u32 parameters.
fn f64_scalars(inputs: &[(Arg, DType)], compute: DType, extras: &[Scalar], caps: Caps) -> bool {
    (val(compute, caps) == Val::F64 && !extras.is_empty())
        || inputs.iter().any(|&(a, d)| matches!(a, Arg::S(_)) && val(d, caps) == Val::F64)
}

/// Errors for a dtype the adapter cannot store (as PyTorch's MPS backend words it).
pub fn check_dtype(ctx: &super::Context, d: DType, _caps: Caps) -> Result<()> {
    if d == DType::F64 && !ctx.features.contains(wgpu::Features::SHADER_F64) {
        return Err(Error::Type(format!(
            "Cannot compute in {} on the wgpu device {}: the adapter does not support it (no SHADER_F64)",
            d.name(),
            ctx.info.name
        )));
    }
    Ok(())
}

/// The error for an op the templates do not serve in this dtype.
fn no_kernel_for(ctx: &super::Context, op: &str, compute: DType, caps: Caps) -> Error {
    if val(compute, caps) == Val::E64 {
        return Error::Type(format!(
            "'{op}' on int64 needs SHADER_INT64, which the wgpu device {} does not have (int64 is emulated there)",
            ctx.info.name
        ));
    }
    crate::compute::no_kernel(op, crate::storage::Device::Wgpu(0))
}

/// Test access to module generation: `variant` 0 = tensor operands, 1 = the last
/// operand a Python number, 2 = the first operand read through the output (in place).
#[cfg(test)]
pub fn test_source(op: MapOp, compute: DType, res: DType, variant: usize, caps: Caps) -> Option<String> {
    let n = op.arity();
    let operand_dtype = |j: usize| if op == MapOp::Where && j == 0 { DType::Bool } else { compute };
    let mut ops: Vec<(Source, DType)> = (0..n).map(|j| (Source::Tensor(operand_dtype(j)), operand_dtype(j))).collect();
    match variant {
        _ if n == 0 && variant > 0 => return None,
        1 => ops[n - 1].0 = Source::Scalar,
        2 if res == compute => ops[0].0 = Source::Output(compute),
        2 => return None,
        _ => {}
    }
    let extras = match op {
        MapOp::Ternary(Ternary::Addcmul | Ternary::Addcdiv) => 1,
        MapOp::Arange => 2,
        MapOp::NanToNum | MapOp::Linspace => 3,
        _ => 0,
    };
    let f64s = val(compute, caps) == Val::F64 && (extras > 0 || variant == 1);
    source(op, &ops, compute, res, extras, f64s, caps)
}

#[cfg(test)]
pub fn test_cast_source(from: DType, to: DType, caps: Caps) -> Option<String> {
    source(MapOp::Copy, &[(Source::Tensor(from), to)], to, to, 0, false, caps)
}
