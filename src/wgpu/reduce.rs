//! The reduction family on wgpu (`shaders/reduce.wgsl`): workgroup tree reductions
//! over strided inputs, in two passes when the reduced extent is large (chunks of
//! each output reduced in parallel, then their partial results combined).

use super::dtypes::{self, convert, val, Caps, Val};
use super::launch::{buffer, Bind, dispatch_groups, pipeline, u32s, MAX_DIMS};
use super::map::coalesce;
use super::template::{expand, with_helpers, WORKGROUP};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::tensor::Tensor;

pub const REDUCE: &str = include_str!("../../shaders/reduce.wgsl");

/// What the kernel folds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Red {
    Sum,
    Prod,
    Max,
    Min,
    /// Values and first indices of the maximum / minimum (NaN counts as the extreme).
    ArgMax,
    ArgMin,
    All,
    Any,
    /// Non-zero elements, into int64.
    Count,
    /// Sum of (x - m)^2 with m the output's mean (variance).
    SumSqDev,
}

/// How a reduction reads and accumulates.
struct Spec {
    /// The dtype inputs are converted to as they are loaded.
    load_to: DType,
    /// The accumulator type.
    acc: Val,
    /// The dtype partial results are stored in between passes.
    partial: DType,
}

fn spec(op: Red, d: DType, caps: Caps) -> Spec {
    let float = |d: DType| if d == DType::F64 { DType::F64 } else { DType::F32 };
    let (load_to, acc_dtype) = match op {
        Red::Sum | Red::Prod => {
            let a = if d.is_float() { float(d) } else { DType::I64 };
            (a, a)
        }
        Red::SumSqDev => (float(d), float(d)),
        Red::Max | Red::Min | Red::ArgMax | Red::ArgMin => (d, d),
        Red::All | Red::Any => (DType::Bool, DType::Bool),
        Red::Count => (DType::Bool, DType::I64),
    };
    let acc = val(acc_dtype, caps);
    let partial = match acc {
        Val::F32 => DType::F32,
        Val::F64 => DType::F64,
        Val::I32 | Val::U32 => DType::I32,
        Val::I64 | Val::E64 => DType::I64,
    };
    Spec { load_to, acc, partial }
}

/// The op's identity in the accumulator type.
fn identity(op: Red, acc: Val) -> &'static str {
    let max = matches!(op, Red::Max | Red::ArgMax);
    match (op, acc) {
        (Red::Sum | Red::Count | Red::SumSqDev | Red::Any, Val::E64) => "vec2<u32>(0u)",
        (Red::Sum | Red::Count | Red::SumSqDev | Red::Any, v) => zero(v),
        (Red::Prod | Red::All, Val::E64) => "vec2<u32>(1u, 0u)",
        (Red::Prod | Red::All, v) => one(v),
        (_, Val::F32) if max => "bitcast<f32>(0xff800000u)",
        (_, Val::F32) => "bitcast<f32>(0x7f800000u)",
        (_, Val::F64) if max => "f64(bitcast<f32>(0xff800000u))",
        (_, Val::F64) => "f64(bitcast<f32>(0x7f800000u))",
        (_, Val::I32) if max => "i32(-2147483647 - 1)",
        (_, Val::I32) => "2147483647",
        (_, Val::U32) if max => "0u",
        (_, Val::U32) => "0xffffffffu",
        (_, Val::I64) if max => "i64(-9223372036854775807) - i64(1)",
        (_, Val::I64) => "i64(9223372036854775807)",
        (_, Val::E64) if max => "vec2<u32>(0u, 0x80000000u)",
        (_, Val::E64) => "vec2<u32>(0xffffffffu, 0x7fffffffu)",
    }
}

fn zero(v: Val) -> &'static str {
    match v {
        Val::F32 => "0.0",
        Val::F64 => "f64(0.0)",
        Val::I32 => "0i",
        Val::U32 => "0u",
        _ => "i64(0)",
    }
}

fn one(v: Val) -> &'static str {
    match v {
        Val::F32 => "1.0",
        Val::F64 => "f64(1.0)",
        Val::I32 => "1i",
        Val::U32 => "1u",
        _ => "i64(1)",
    }
}

/// Statements combining `a` (index `*ai`) with `b` (index `bi`) into `*acc` / `*ai`.
fn combine(op: Red, acc: Val) -> String {
    let e64 = acc == Val::E64;
    let float = acc.is_float();
    let set = |e: &str| format!("    *acc = {e};");
    match op {
        Red::Sum | Red::Count | Red::SumSqDev if e64 => set("e64_add(a, b)"),
        Red::Sum | Red::Count | Red::SumSqDev => set("a + b"),
        Red::Prod if e64 => set("e64_mul(a, b)"),
        Red::Prod => set("a * b"),
        Red::All => set("a & b"),
        Red::Any => set("a | b"),
        // NaN propagates (from either side), as on the CPU.
        Red::Max if float => set("select(select(select(a, b, b > a), b, rt_isnan(b)), a, rt_isnan(a))"),
        Red::Min if float => set("select(select(select(a, b, b < a), b, rt_isnan(b)), a, rt_isnan(a))"),
        Red::Max if e64 => set("e64_max_s(a, b)"),
        Red::Min if e64 => set("e64_min_s(a, b)"),
        Red::Max => set("max(a, b)"),
        Red::Min => set("min(a, b)"),
        Red::ArgMax | Red::ArgMin => {
            let (gt, eq) = match (op, e64) {
                (Red::ArgMax, true) => ("e64_lt_s(a, b)", "e64_eq(a, b)"),
                (_, true) => ("e64_lt_s(b, a)", "e64_eq(a, b)"),
                (Red::ArgMax, false) => ("b > a", "b == a"),
                _ => ("b < a", "b == a"),
            };
            // The first NaN wins over numbers; among equals the first index wins.
            let better = if float {
                format!("let an = rt_isnan(a);\n    let bn = rt_isnan(b);\n    let better = (bn && !an) || (!an && !bn && {gt}) || (bi < *ai && ((an && bn) || (!an && !bn && {eq})));")
            } else {
                format!("let better = {gt} || ({eq} && bi < *ai);")
            };
            format!("    {better}\n    if (better) {{\n        *acc = b;\n        *ai = bi;\n    }}")
        }
    }
}

/// One pass of a reduction. The first reads the input (and the mean for SumSqDev),
/// later ones read partial results (and their indices for the arg ops); every pass
/// but the last writes partial results at its workgroup's slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Pass {
    op: Red,
    /// The dtype of the buffer read.
    input: DType,
    load_to: DType,
    acc: Val,
    first: bool,
    last: bool,
    values: Option<DType>,
    indices: Option<DType>,
    /// Combine within subgroups first (the adapter has SUBGROUP and the op maps onto one).
    subgroups: bool,
}

/// The subgroup operation doing the op's combine, where one exists with the same result:
/// float sums (not max/min: NaN handling is unspecified there), 32-bit integer extrema, all/any.
fn subgroup_op(op: Red, acc: Val) -> Option<&'static str> {
    match (op, acc) {
        (Red::Sum | Red::SumSqDev, Val::F32) => Some("subgroupAdd"),
        (Red::Max, Val::I32 | Val::U32) => Some("subgroupMax"),
        (Red::Min, Val::I32 | Val::U32) => Some("subgroupMin"),
        (Red::All, Val::U32) => Some("subgroupAnd"),
        (Red::Any, Val::U32) => Some("subgroupOr"),
        _ => None,
    }
}

const TREE: &str = "    sv[lid] = acc;
    si[lid] = ai;
    workgroupBarrier();
    for (var s = {{WG}}u / 2u; s > 0u; s = s >> 1u) {
        if (lid < s) {
            combine(&acc, &ai, sv[lid + s], si[lid + s]);
            sv[lid] = acc;
            si[lid] = ai;
        }
        workgroupBarrier();
    }
    if (lid == 0u) {
{{STORE}}
    }";

const SUBGROUP_TREE: &str = "    let red = {{SUBOP}}(acc);
    if (sgi == 0u) {
        sv[sgid] = red;
    }
    workgroupBarrier();
    if (lid == 0u) {
        acc = sv[0];
        for (var k = 1u; k < nsg; k = k + 1u) {
            combine(&acc, &ai, sv[k], 0u);
        }
{{STORE}}
    }";

fn source(pass: Pass, caps: Caps) -> String {
    let Pass { op, input, load_to, acc, first, last, values, indices, subgroups } = pass;
    let mut b = dtypes::input_decl("x", 0, input, caps);
    let mut f = dtypes::load_fn("load_x_raw", "x", input, caps, false);
    f.push_str(&format!(
        "fn load_x(i: u32) -> {} {{\n    return {};\n}}\n",
        val(load_to, caps).wgsl(),
        convert("load_x_raw(i)", val(input, caps), load_to, caps)
    ));
    let mut k = 1;
    let mut prelude = String::new();
    // An element folds in two steps, its loads (`v`, `j`) then its combine, so that an unrolled
    // step issues every load before the first combine waits on one.
    let (load, fold): (String, String) = if first && op == Red::SumSqDev {
        let m = if acc == Val::F64 { DType::F64 } else { DType::F32 };
        b.push_str(&dtypes::input_decl("m", k, m, caps));
        k += 1;
        f.push_str(&dtypes::load_fn("load_m", "m", m, caps, false));
        prelude.push_str("    let m = load_m(p[7] + o);\n");
        ("let v# = load_x(off#);".into(), "combine(&acc, &ai, (v# - m) * (v# - m), r#);".into())
    } else if !first && indices.is_some() {
        b.push_str(&dtypes::input_decl("xi", k, DType::I32, caps));
        k += 1;
        f.push_str(&dtypes::load_fn("load_xi", "xi", DType::I32, caps, false));
        ("let v# = load_x(off#);\n        let j# = bitcast<u32>(load_xi(off#));".into(), "combine(&acc, &ai, v#, j#);".into())
    } else if op == Red::Count {
        (format!("let v# = {};", convert("load_x(off#)", Val::U32, DType::I64, caps)), "combine(&acc, &ai, v#, r#);".into())
    } else {
        ("let v# = load_x(off#);".into(), "combine(&acc, &ai, v#, r#);".into())
    };
    let mut unrolled = String::new();
    for u in 0..caps.unroll {
        unrolled.push_str(&format!("        let r{u} = r + {u}u * {WORKGROUP}u;\n        let off{u} = at(base, r{u});\n"));
    }
    for step in [&load, &fold] {
        for u in 0..caps.unroll {
            unrolled.push_str(&format!("        {}\n", step.replace('#', &u.to_string())));
        }
    }
    let fold_one = format!("        {}\n        {}", load.replace('#', ""), fold.replace("r#", "r").replace('#', ""));
    let at = if last { "o" } else { "w" };
    let mut store = String::new();
    if let Some(d) = values {
        b.push_str(&dtypes::output_decl("out", k, d, caps));
        k += 1;
        f.push_str(&dtypes::store_fn("store", "out", d, caps));
        store.push_str(&format!("        store(p[40] + {at}, {});\n", convert("acc", acc, d, caps)));
    }
    if let Some(d) = indices {
        b.push_str(&dtypes::output_decl("outi", k, d, caps));
        k += 1;
        f.push_str(&dtypes::store_fn("store_i", "outi", d, caps));
        store.push_str(&format!("        store_i(p[41] + {at}, {});\n", convert("ai", Val::U32, d, caps)));
    }
    let comb = combine(op, acc);
    let helpers = with_helpers(&(f.clone() + &fold_one + &comb + &store), acc);
    let wg = WORKGROUP.to_string();
    let sub = subgroup_op(op, acc).filter(|_| subgroups);
    let (tree, sg_args) = match sub {
        Some(f) => (
            expand(SUBGROUP_TREE, &[("SUBOP", f)]),
            ",\n        @builtin(subgroup_invocation_id) sgi: u32, @builtin(subgroup_id) sgid: u32, @builtin(num_subgroups) nsg: u32",
        ),
        None => (TREE.to_string(), ""),
    };
    let src = expand(REDUCE, &[("TREE", &tree), ("SG_ARGS", sg_args)]);
    expand(&src, &[
        ("BINDINGS", &b),
        ("PBIND", &k.to_string()),
        ("ACC", acc.wgsl()),
        ("FUNCTIONS", &(f + &helpers)),
        ("COMBINE", &comb),
        ("PRELUDE", &prelude),
        ("IDENTITY", identity(op, acc)),
        ("FOLD", &fold_one),
        ("FOLD_UNROLLED", unrolled.trim_end()),
        ("UNROLL", &caps.unroll.to_string()),
        ("STORE", &store),
        ("WG", &wg),
    ])
}

/// Reduces `x` over `dims` (sorted, unique) into contiguous outputs shaped like the kept
/// dims: `values` (any dtype: the accumulator is converted) and, for the arg ops,
/// `indices` (int64). `mean` (SumSqDev) holds each output's mean in the accumulator dtype.
/// A view larger than one storage binding is reduced in slices of its outermost dim.
pub fn reduce(op: Red, x: &Tensor, dims: &[usize], mean: Option<&Tensor>, values: Option<&Tensor>, indices: Option<&Tensor>) -> Result<()> {
    let ctx = super::context()?;
    let caps = Caps::of(&ctx);
    let max_bind = ctx.limits.max_storage_buffer_binding_size as usize;
    let align = (ctx.limits.min_storage_buffer_offset_alignment as usize).max(4);
    let budget = (max_bind - align) / x.dtype.size();
    let span = |t: &Tensor| t.layout.extent().saturating_sub(t.layout.offset);
    if x.ndim() == 0 || span(x) <= budget {
        return reduce_fitting(op, x, dims, mean, values, indices);
    }
    // Slices of dim 0 small enough for one binding each.
    let rest = span(&x.narrow(0, 0, 1)?);
    let s0 = x.layout.strides[0].max(0) as usize;
    let too_wide = || Error::NotImplemented(format!(
        "a slice of this wgpu view spans more than one storage binding ({max_bind} bytes on {})", ctx.info.name
    ));
    if rest > budget {
        return Err(too_wide());
    }
    let rows = (budget - rest).checked_div(s0).map_or(x.shape()[0], |r| r + 1).max(1);
    let n0 = x.shape()[0];
    let slice = |t: &Tensor, r0: usize, r: usize| t.narrow(0, r0 as i64, r as i64);
    if !dims.contains(&0) {
        // Dim 0 is kept: each slice of x fills its own slice of the outputs.
        let mut r0 = 0;
        while r0 < n0 {
            let r = rows.min(n0 - r0);
            let (m, v, i) = (mean.map(|t| slice(t, r0, r)).transpose()?, values.map(|t| slice(t, r0, r)).transpose()?, indices.map(|t| slice(t, r0, r)).transpose()?);
            reduce_fitting(op, &slice(x, r0, r)?, dims, m.as_ref(), v.as_ref(), i.as_ref())?;
            r0 += r;
        }
        return Ok(());
    }
    // Dim 0 is reduced: each slice's partial results, in the accumulator dtype, combined.
    use crate::compute::Arg;
    use crate::ops::BinaryOp;
    let combine = match op {
        Red::Sum | Red::Count | Red::SumSqDev => BinaryOp::Add,
        Red::Prod => BinaryOp::Mul,
        Red::Max => BinaryOp::Maximum,
        Red::Min => BinaryOp::Minimum,
        Red::All => BinaryOp::LogicalAnd,
        Red::Any => BinaryOp::LogicalOr,
        Red::ArgMax | Red::ArgMin => return arg_in_slices(op, x, dims, values, indices, rows),
    };
    let Some(values) = values else { return Ok(()) };
    let part = spec(op, x.dtype, caps).partial;
    let part = if matches!(op, Red::All | Red::Any) { DType::Bool } else { part };
    let total = Tensor::empty(values.shape(), part, x.device())?;
    let piece = Tensor::empty(values.shape(), part, x.device())?;
    let mut r0 = 0;
    while r0 < n0 {
        let r = rows.min(n0 - r0);
        let target = if r0 == 0 { &total } else { &piece };
        reduce_fitting(op, &slice(x, r0, r)?, dims, mean, Some(target), None)?;
        if r0 > 0 {
            let c = if part == DType::Bool { DType::Bool } else { part };
            super::map::run(super::map::MapOp::Binary(combine), &[(Arg::T(&total), c), (Arg::T(&piece), c)], c, &[], &total)?;
        }
        r0 += r;
    }
    super::map::run(super::map::MapOp::Copy, &[(Arg::T(&total), values.dtype)], values.dtype, &[], values)
}

/// argmax / argmin over a reduced dim 0 in slices: each slice's (value, index), its index
/// shifted to the whole tensor's reduced numbering, replaces the running result where it is
/// strictly better (NaN counts as the extreme), so the first index wins ties as on the CPU.
fn arg_in_slices(op: Red, x: &Tensor, dims: &[usize], values: Option<&Tensor>, indices: Option<&Tensor>, rows: usize) -> Result<()> {
    use super::map::{run, MapOp};
    use crate::compute::Arg;
    use crate::dtype::Scalar;
    use crate::ops::{BinaryOp, UnaryOp};
    let kept: Vec<usize> = (0..x.ndim()).filter(|d| !dims.contains(d)).map(|d| x.shape()[d]).collect();
    let dev = x.device();
    let (tv, ti) = (Tensor::empty(&kept, x.dtype, dev)?, Tensor::empty(&kept, DType::I64, dev)?);
    let (pv, pi) = (Tensor::empty(&kept, x.dtype, dev)?, Tensor::empty(&kept, DType::I64, dev)?);
    let (m1, m2) = (Tensor::empty(&kept, DType::Bool, dev)?, Tensor::empty(&kept, DType::Bool, dev)?);
    // Reduced elements per step of dim 0 (dim 0 is the outermost reduced dim).
    let inner: usize = dims.iter().filter(|&&d| d != 0).map(|&d| x.shape()[d]).product();
    let unary = |u: UnaryOp, a: &Tensor, out: &Tensor| run(MapOp::Unary(u), &[(Arg::T(a), a.dtype)], a.dtype, &[], out);
    let binary = |b: BinaryOp, a: Arg, c: Arg, d: DType, out: &Tensor| run(MapOp::Binary(b), &[(a, d), (c, d)], d, &[], out);
    let n0 = x.shape()[0];
    let mut r0 = 0;
    while r0 < n0 {
        let r = rows.min(n0 - r0);
        let part = x.narrow(0, r0 as i64, r as i64)?;
        let (v, i) = if r0 == 0 { (&tv, &ti) } else { (&pv, &pi) };
        reduce_fitting(op, &part, dims, None, Some(v), Some(i))?;
        if r0 > 0 {
            binary(BinaryOp::Add, Arg::T(&pi), Arg::S(Scalar::Int((r0 * inner) as i64)), DType::I64, &pi)?;
            // better = (piece beats total) or (piece is NaN and total is not)
            let cmp = if op == Red::ArgMax { BinaryOp::Gt } else { BinaryOp::Lt };
            binary(cmp, Arg::T(&pv), Arg::T(&tv), x.dtype, &m1)?;
            unary(UnaryOp::IsNan, &pv, &m2)?;
            binary(BinaryOp::LogicalOr, Arg::T(&m1), Arg::T(&m2), DType::Bool, &m1)?;
            unary(UnaryOp::IsNan, &tv, &m2)?;
            unary(UnaryOp::LogicalNot, &m2, &m2)?;
            binary(BinaryOp::LogicalAnd, Arg::T(&m1), Arg::T(&m2), DType::Bool, &m1)?;
            run(MapOp::Where, &[(Arg::T(&m1), DType::Bool), (Arg::T(&pv), x.dtype), (Arg::T(&tv), x.dtype)], x.dtype, &[], &tv)?;
            run(MapOp::Where, &[(Arg::T(&m1), DType::Bool), (Arg::T(&pi), DType::I64), (Arg::T(&ti), DType::I64)], DType::I64, &[], &ti)?;
        }
        r0 += r;
    }
    if let Some(v) = values {
        run(MapOp::Copy, &[(Arg::T(&tv), v.dtype)], v.dtype, &[], v)?;
    }
    if let Some(i) = indices {
        run(MapOp::Copy, &[(Arg::T(&ti), DType::I64)], DType::I64, &[], i)?;
    }
    Ok(())
}

fn reduce_fitting(op: Red, x: &Tensor, dims: &[usize], mean: Option<&Tensor>, values: Option<&Tensor>, indices: Option<&Tensor>) -> Result<()> {
    let ctx = super::context()?;
    let caps = Caps::of(&ctx);
    super::map::check_dtype(&ctx, x.dtype, caps)?;
    let spec = spec(op, x.dtype, caps);
    // Kept dims (output order) and reduced dims, each merged where contiguous.
    let kept: Vec<usize> = (0..x.ndim()).filter(|d| !dims.contains(d)).collect();
    let stride = |d: usize| x.layout.strides[d].max(0) as usize;
    let (n_out, n_red) = (kept.iter().map(|&d| x.shape()[d]).product::<usize>(), dims.iter().map(|&d| x.shape()[d]).product::<usize>());
    if n_out == 0 {
        return Ok(());
    }
    let mut ks = vec![kept.iter().map(|&d| stride(d)).collect::<Vec<_>>()];
    let kshape = coalesce(&kept.iter().map(|&d| x.shape()[d]).collect::<Vec<_>>(), &mut ks);
    let mut rs = vec![dims.iter().map(|&d| stride(d)).collect::<Vec<_>>()];
    let rshape = coalesce(&dims.iter().map(|&d| x.shape()[d]).collect::<Vec<_>>(), &mut rs);
    if kshape.len() > MAX_DIMS || rshape.len() > MAX_DIMS {
        return Err(Error::NotImplemented(format!("wgpu reductions take at most {MAX_DIMS} dimensions after merging")));
    }
    // Chunks per output: enough workgroups to fill the device, at least 2,048 elements each.
    let per = WORKGROUP as usize * 8;
    let chunks = if n_red <= 2 * per { 1 } else { n_red.div_ceil(per).min(ctx.tuning.reduce_groups.div_ceil(n_out)).max(1) };
    let chunk = n_red.div_ceil(chunks).max(1);
    let arg = matches!(op, Red::ArgMax | Red::ArgMin);
    let mut params = vec![0u32; 48];
    let (xbind, xoff) = window(&ctx, x)?;
    let head = u32s([n_out, n_red, chunks, chunk, kshape.len(), rshape.len(), xoff, mean.map_or(0, |m| m.layout.offset)])?;
    params[..8].copy_from_slice(&head);
    for (j, (&s, &st)) in kshape.iter().zip(&ks[0]).enumerate() {
        params[8 + j] = u32s([s])?[0];
        params[16 + j] = u32s([st])?[0];
    }
    for (j, (&s, &st)) in rshape.iter().zip(&rs[0]).enumerate() {
        params[24 + j] = u32s([s])?[0];
        params[32 + j] = u32s([st])?[0];
    }
    // Final outputs may be slices of larger outputs (a reduction in slices): their offsets.
    let (vo, io) = (values.map_or(0, |t| t.layout.offset), indices.map_or(0, |t| t.layout.offset));
    let launch = |pass: Pass, input: Bind, params: &[u32], vals: Option<&Tensor>, idx: Option<&Tensor>, extra: Option<&Tensor>, groups: usize| -> Result<()> {
        let key = format!("reduce/{pass:?}");
        let p = pipeline(&ctx, &key, || Some(source(pass, caps)))?;
        let mut params = params.to_vec();
        if pass.last {
            params[40] = u32s([vo])?[0];
            params[41] = u32s([io])?[0];
        }
        let mut bufs: Vec<Bind> = vec![input];
        for t in [extra, vals, idx].into_iter().flatten() {
            bufs.push(buffer(&ctx, t)?.into());
        }
        dispatch_groups(&ctx, &p, &bufs, &params, groups)
    };
    let subgroups = ctx.features.contains(wgpu::Features::SUBGROUP) && std::env::var("RUSTORCH_WGPU_NO_SUBGROUPS").as_deref() != Ok("1");
    let first = Pass {
        subgroups,
        op,
        input: x.dtype,
        load_to: spec.load_to,
        acc: spec.acc,
        first: true,
        last: chunks == 1,
        values: if chunks == 1 { values.map(|t| t.dtype) } else { Some(spec.partial) },
        indices: if !arg { None } else if chunks == 1 { indices.map(|t| t.dtype) } else { Some(DType::I32) },
    };
    if chunks == 1 {
        return launch(first, xbind, &params, values, indices, mean, n_out);
    }
    let pv = Tensor::empty(&[n_out * chunks], spec.partial, x.device())?;
    let pi = if arg { Some(Tensor::empty(&[n_out * chunks], DType::I32, x.device())?) } else { None };
    launch(first, xbind, &params, Some(&pv), pi.as_ref(), mean, n_out * chunks)?;
    // Second pass: each output's partials are one contiguous row.
    let op2 = if matches!(op, Red::Count | Red::SumSqDev) { Red::Sum } else { op };
    let load_to = if op2 != op { spec.partial } else { spec.load_to };
    let second = Pass {
        subgroups,
        op: op2,
        input: spec.partial,
        load_to,
        acc: spec.acc,
        first: false,
        last: true,
        values: values.map(|t| t.dtype),
        indices: if arg { indices.map(|t| t.dtype) } else { None },
    };
    let second = if arg && second.values.is_none() { Pass { values: None, ..second } } else { second };
    let mut p2 = vec![0u32; 48];
    p2[..6].copy_from_slice(&u32s([n_out, chunks, 1, chunks, 1, 1])?);
    p2[8] = u32s([n_out])?[0];
    p2[16] = u32s([chunks])?[0];
    p2[24] = u32s([chunks])?[0];
    p2[32] = 1;
    launch(second, buffer(&ctx, &pv)?.into(), &p2, values, indices, pi.as_ref(), n_out)
}

/// The binding of `t`'s buffer a kernel reads it through, and `t`'s offset within it: the
/// whole buffer, or for a buffer larger than one binding a window holding the view.
fn window<'a>(ctx: &super::Context, t: &'a Tensor) -> Result<(Bind<'a>, usize)> {
    let wb = t.storage().wgpu_buffer().ok_or_else(|| Error::runtime("expected a wgpu tensor"))?;
    let max_bind = ctx.limits.max_storage_buffer_binding_size as usize;
    if wb.capacity() <= max_bind {
        return Ok((wb.buffer()?.into(), t.layout.offset));
    }
    let es = t.dtype.size();
    let align = (ctx.limits.min_storage_buffer_offset_alignment as usize).max(4);
    let start = t.layout.offset * es / align * align;
    let end = t.layout.extent().max(t.layout.offset + 1) * es;
    let size = ((end - start).div_ceil(4) * 4).min(wb.capacity() - start);
    if size > max_bind {
        return Err(Error::NotImplemented(format!("this wgpu view spans more than one storage binding ({max_bind} bytes)")));
    }
    let bind = Bind { buffer: wb.buffer()?, offset: start as u64, size: std::num::NonZeroU64::new(size as u64) };
    Ok((bind, t.layout.offset - start / es))
}

/// Every pass module (first / second / single, each op and input dtype), for the tests.
#[cfg(test)]
pub fn test_sources(caps: Caps) -> Vec<(String, String)> {
    use DType::*;
    let mut out = vec![];
    let ops = [Red::Sum, Red::Prod, Red::Max, Red::Min, Red::ArgMax, Red::ArgMin, Red::All, Red::Any, Red::Count, Red::SumSqDev];
    for op in ops {
        for d in [Bool, U8, I8, I16, I32, I64, F16, BF16, F32, F64] {
            if op == Red::SumSqDev && !d.is_float() {
                continue;
            }
            let s = spec(op, d, caps);
            let arg = matches!(op, Red::ArgMax | Red::ArgMin);
            let result = match op {
                Red::Sum | Red::Prod if !d.is_float() => I64,
                Red::Count => I64,
                Red::All | Red::Any => Bool,
                _ => d,
            };
            let indices = if arg { Some(I64) } else { None };
            for subgroups in [false, true] {
                let single = Pass { op, input: d, load_to: s.load_to, acc: s.acc, first: true, last: true, values: Some(result), indices, subgroups };
                let first = Pass { last: false, values: Some(s.partial), indices: arg.then_some(I32), ..single };
                let op2 = if matches!(op, Red::Count | Red::SumSqDev) { Red::Sum } else { op };
                let load_to = if op2 != op { s.partial } else { s.load_to };
                let second = Pass { op: op2, input: s.partial, load_to, first: false, ..single };
                for (label, pass) in [("single", single), ("first", first), ("second", second)] {
                    if subgroups && subgroup_op(pass.op, pass.acc).is_none() {
                        continue;
                    }
                    out.push((format!("{op:?} {} {label} subgroups={subgroups}", d.name()), source(pass, caps)));
                }
            }
        }
    }
    out
}
