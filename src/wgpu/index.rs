//! The index family on wgpu: gather and scatter (`shaders/index.wgsl`), nonzero
//! (`shaders/nonzero.wgsl`), and the index bounds check.
//!
//! gather and scatter's assignment move elements bit for bit, by width (one module per element
//! size: packed 8/16-bit words written with the atomic store helpers, 64-bit elements as u32
//! pairs), so every dtype works on every adapter. Duplicate scatter targets are resolved as on
//! the CPU: a first pass clears a winner slot per targeted element, a second lets every index
//! element claim its target with `atomicMax` of its (row-major) position, a third writes only
//! the winners, so the last index element along `dim` wins, deterministically and never with a
//! torn 64-bit value or a mix of two bytes.
//!
//! scatter's reductions combine with atomics on the output: `atomicAdd` / `atomicMax` /
//! `atomicMin` on int32, a compare-and-swap loop on the f32 bits, and on packed dtypes a
//! compare-and-swap loop on the containing u32 word. int64 sums carry from the low word into
//! the high one; other 64-bit reductions need 64-bit atomics, which WGSL lacks.
//!
//! nonzero is a stream compaction: per-block counts, a multi-level exclusive scan of the
//! counts, and a pass in which each block writes its elements' coordinates at its offset; the
//! total is read back to size the output (PyTorch synchronises there too).

use super::dtypes::{self, val, Caps, Val};
use super::launch::{buffer, dispatch_groups, pipeline, u32s, Bind, MAX_DIMS};
use super::map::coalesce;
use super::template::{expand, with_helpers, WORKGROUP};
use crate::compute::index::ScatterReduce;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::contiguous_strides;
use crate::tensor::Tensor;

pub const INDEX: &str = include_str!("../../shaders/index.wgsl");
pub const NONZERO: &str = include_str!("../../shaders/nonzero.wgsl");

/// Elements each invocation of nonzero's count and write passes looks at.
const ITEMS: usize = 4;
/// Elements per workgroup of nonzero's count and write passes.
const BLOCK: usize = WORKGROUP as usize * ITEMS;

/// `caps` with 64-bit integers read as u32 pairs (the modules that only move bits).
fn pairs(caps: Caps) -> Caps {
    Caps { int64: false, ..caps }
}

/// The dtype whose loads and stores move an element of `d` bit for bit.
fn bits(d: DType) -> DType {
    match d.size() {
        1 => DType::U8,
        2 => DType::I16,
        4 => DType::I32,
        _ => DType::I64,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Pass {
    Gather,
    /// scatter's assignment: winner slots cleared, claimed, then the winners write.
    Clear,
    Claim,
    Assign,
    /// include_self=False: the reduction's identity into every targeted element.
    Init(ScatterReduce),
    Accumulate(ScatterReduce),
}

/// Whether the wgpu kernels reduce `d` with `op` (WGSL has 32-bit atomics only; an int64 mean
/// floor-divides in int64, which emulated int64 lacks).
fn reducible(op: ScatterReduce, d: DType, caps: Caps) -> bool {
    match d {
        DType::F64 => false,
        DType::I64 => op == ScatterReduce::Sum || (op == ScatterReduce::Mean && caps.int64),
        _ => true,
    }
}

/// The value type of a reduction pass: the dtype's compute type; int64 as a u32 pair.
fn red_val(d: DType, caps: Caps) -> Val {
    if d == DType::I64 { Val::E64 } else { val(d, caps) }
}

/// The op's identity as a `red_val(d)` WGSL literal.
fn identity(op: ScatterReduce, d: DType, caps: Caps) -> &'static str {
    let v = red_val(d, caps);
    match (op, v) {
        (ScatterReduce::Prod, Val::F32) => "1.0",
        (ScatterReduce::Prod, Val::I32) => "1i",
        (ScatterReduce::Prod, Val::U32) => "1u",
        (ScatterReduce::Prod, _) => "vec2<u32>(1u, 0u)",
        (ScatterReduce::Amax, Val::F32) => "bitcast<f32>(0xff800000u)",
        (ScatterReduce::Amin, Val::F32) => "bitcast<f32>(0x7f800000u)",
        (ScatterReduce::Amax, _) => match d {
            DType::I32 => "i32(-2147483647 - 1)",
            DType::I16 => "-32768i",
            DType::I8 => "-128i",
            _ => "0u",
        },
        (ScatterReduce::Amin, _) => match d {
            DType::I32 => "2147483647i",
            DType::I16 => "32767i",
            DType::I8 => "127i",
            DType::U8 => "255u",
            _ => "1u",
        },
        (_, Val::F32) => "0.0",
        (_, Val::I32) => "0i",
        (_, Val::U32) => "0u",
        _ => "vec2<u32>(0u)",
    }
}

/// `r = op(a, b)` in the value type (PyTorch: NaN wins amax/amin from either side).
fn combine(op: ScatterReduce, v: Val) -> &'static str {
    match (op, v.is_float()) {
        (ScatterReduce::Prod, _) => "a * b",
        (ScatterReduce::Amax, true) => "select(select(select(a, b, a < b), a, rt_isnan(a)), b, rt_isnan(b))",
        (ScatterReduce::Amin, true) => "select(select(select(a, b, b < a), a, rt_isnan(a)), b, rt_isnan(b))",
        (ScatterReduce::Amax, false) => "max(a, b)",
        (ScatterReduce::Amin, false) => "min(a, b)",
        _ => "a + b",
    }
}

/// A compare-and-swap loop replacing word `w` of `out` with `new` (a WGSL expression of `old`).
fn cas_loop(w: &str, prelude: &str, new: &str) -> String {
    format!(
        "    var old = atomicLoad(&out[{w}]);\n    loop {{\n{prelude}        let n = {new};\n        if (n == old) {{\n            break;\n        }}\n        \
         let x = atomicCompareExchangeWeak(&out[{w}], old, n);\n        if (x.exchanged) {{\n            break;\n        }}\n        old = x.old_value;\n    }}\n"
    )
}

/// `fn reduce_out(i, v)`: out[i] = op(out[i], v), atomically.
fn reduce_fn(op: ScatterReduce, d: DType, caps: Caps) -> String {
    let v = red_val(d, caps);
    let head = format!("fn reduce_out(i: u32, b: {}) {{\n", v.wgsl());
    let op_expr = combine(op, v);
    let body = match d {
        DType::I32 => match op {
            ScatterReduce::Sum | ScatterReduce::Mean => "    atomicAdd(&out[i], b);\n".to_string(),
            ScatterReduce::Amax => "    atomicMax(&out[i], b);\n".to_string(),
            ScatterReduce::Amin => "    atomicMin(&out[i], b);\n".to_string(),
            _ => cas_loop("i", "        let a = old;\n", op_expr),
        },
        DType::I64 => "    let lo = atomicAdd(&out[2u * i], b.x);\n    let carry = select(0u, 1u, lo + b.x < lo);\n    \
                       atomicAdd(&out[2u * i + 1u], b.y + carry);\n"
            .to_string(),
        DType::F32 => cas_loop("i", "        let a = bitcast<f32>(old);\n", &format!("bitcast<u32>({op_expr})")),
        _ => {
            // A packed field of the word: its lanes, width, mask; how it reads and how it packs.
            let (shift, lanes, width, mask) = if d.size() == 1 { ("2u", "3u", "8u", "0xffu") } else { ("1u", "1u", "16u", "0xffffu") };
            let (get, put) = match d {
                DType::F16 => ("rt_f16_to_f32((old >> sh) & 0xffffu)", "rt_f32_to_f16(r)"),
                DType::BF16 => ("bitcast<f32>(((old >> sh) & 0xffffu) << 16u)", "rt_f32_to_bf16(r)"),
                DType::I8 => ("bitcast<i32>(old << (24u - sh)) >> 24u", "(bitcast<u32>(r) & 0xffu)"),
                DType::I16 => ("bitcast<i32>(old << (16u - sh)) >> 16u", "(bitcast<u32>(r) & 0xffffu)"),
                DType::Bool => ("(old >> sh) & 0xffu", "select(0u, 1u, r != 0u)"),
                _ => ("(old >> sh) & 0xffu", "(r & 0xffu)"),
            };
            let prelude = format!("        let a = {get};\n        let r = {op_expr};\n");
            format!(
                "    let w = i >> {shift};\n    let sh = (i & {lanes}) * {width};\n{}",
                cas_loop("w", &prelude, &format!("(old & ~({mask} << sh)) | ({put} << sh)"))
            )
        }
    };
    format!("{head}{body}}}\n")
}

/// `fn store_init(i, v)`: out[i] = v on the atomic output of a reduction.
fn store_init_fn(d: DType, caps: Caps) -> String {
    let body = match d {
        DType::F32 => "atomicStore(&out[i], bitcast<u32>(v));",
        DType::I32 => "atomicStore(&out[i], v);",
        DType::I64 => "atomicStore(&out[2u * i], v.x);\n    atomicStore(&out[2u * i + 1u], v.y);",
        _ => return dtypes::store_fn("store_init", "out", d, caps),
    };
    format!("fn store_init(i: u32, v: {}) {{\n    {body}\n}}\n", red_val(d, caps).wgsl())
}

/// The module of one pass; `d` the element dtype (the bits dtype for Gather and Assign).
fn source(pass: Pass, d: DType, caps: Caps) -> String {
    let pc = pairs(caps);
    let rc = if d == DType::I64 { pc } else { caps };
    let mut b = "@group(0) @binding(0) var<storage, read> idx: array<u32>;\n".to_string();
    let mut f = String::new();
    let mut k = 1;
    let mut bind = |b: &mut String, decl: &dyn Fn(usize) -> String| {
        b.push_str(&decl(k));
        k += 1;
    };
    let win = |k: usize| format!("@group(0) @binding({k}) var<storage, read_write> win: array<atomic<u32>>;\n");
    let atomic_out = |k: usize| {
        let ty = if d == DType::I32 { "i32" } else { "u32" };
        format!("@group(0) @binding({k}) var<storage, read_write> out: array<atomic<{ty}>>;\n")
    };
    let target = "o.z + t * p[7]";
    let lin = "o.w + t * p[48]";
    let (work, skipped) = match pass {
        Pass::Gather | Pass::Assign => {
            bind(&mut b, &|k| dtypes::input_decl("src", k, d, pc));
            bind(&mut b, &|k| dtypes::output_decl("out", k, d, pc));
            f.push_str(&dtypes::load_fn("load_src", "src", d, pc, false));
            f.push_str(&dtypes::store_fn("store_out", "out", d, pc));
            if pass == Pass::Gather {
                let zero = match val(d, pc) {
                    Val::U32 => "0u",
                    Val::E64 => "vec2<u32>(0u)",
                    _ => "0i",
                };
                ("    store_out(o.z, load_src(o.y + t * p[7]));".to_string(), format!("        store_out(o.z, {zero});"))
            } else {
                bind(&mut b, &win);
                (format!("    if (atomicLoad(&win[{lin}]) == i + 1u) {{\n        store_out({target}, load_src(o.y));\n    }}"), String::new())
            }
        }
        Pass::Clear | Pass::Claim => {
            bind(&mut b, &win);
            let w = if pass == Pass::Clear { format!("atomicStore(&win[{lin}], 0u);") } else { format!("atomicMax(&win[{lin}], i + 1u);") };
            (format!("    {w}"), String::new())
        }
        Pass::Init(op) => {
            bind(&mut b, &atomic_out);
            f.push_str(&store_init_fn(d, caps));
            (format!("    store_init({target}, {});", identity(op, d, caps)), String::new())
        }
        Pass::Accumulate(op) => {
            bind(&mut b, &|k| dtypes::input_decl("src", k, d, rc));
            bind(&mut b, &atomic_out);
            f.push_str(&dtypes::load_fn("load_src", "src", d, rc, false));
            f.push_str(&reduce_fn(op, d, caps));
            let mut w = format!("    reduce_out({target}, load_src(o.y));");
            if op == ScatterReduce::Mean {
                bind(&mut b, &|k| format!("@group(0) @binding({k}) var<storage, read_write> cnt: array<atomic<i32>>;\n"));
                w.push_str(&format!("\n    atomicAdd(&cnt[{lin}], 1i);"));
            }
            (w, String::new())
        }
    };
    let cv = if d == DType::I64 { Val::E64 } else { val(d, caps) };
    let helpers = with_helpers(&(f.clone() + &work), cv);
    expand(INDEX, &[
        ("BINDINGS", &b),
        ("PBIND", &k.to_string()),
        ("FUNCTIONS", &(f + &helpers)),
        ("PASS", &work),
        ("SKIPPED", &skipped),
        ("OFFSETS", super::template::OFFSETS),
        ("WG", &WORKGROUP.to_string()),
    ])
}

fn strides(t: &Tensor) -> Vec<usize> {
    t.layout.strides.iter().map(|&s| s.max(0) as usize).collect()
}

/// `strides` with the one along `dim` zeroed.
fn zeroed(mut s: Vec<usize>, dim: usize) -> Vec<usize> {
    s[dim] = 0;
    s
}

/// The parameters of index.wgsl for the elements of `index`: the other streams' (strides,
/// offset), then the indexed dim's size and stride and lin's stride along it.
fn params(index: &Tensor, streams: [(Vec<usize>, usize); 3], size: usize, stride: usize, lin_dim: usize) -> Result<Vec<u32>> {
    let [(ss, so), (os, oo), (ls, lo)] = streams;
    let mut st = vec![strides(index), ss, os, ls];
    let shape = coalesce(index.shape(), &mut st);
    if shape.len() > MAX_DIMS {
        return Err(Error::NotImplemented(format!("wgpu index kernels take at most {MAX_DIMS} dimensions after merging")));
    }
    let mut p = vec![0u32; 49];
    p[..8].copy_from_slice(&u32s([index.numel(), shape.len(), index.layout.offset, so, oo, lo, size, stride])?);
    for (d, &s) in shape.iter().enumerate() {
        p[8 + d] = u32s([s])?[0];
        for (j, sj) in st.iter().enumerate() {
            p[16 + 8 * j + d] = u32s([sj[d]])?[0];
        }
    }
    p[48] = u32s([lin_dim])?[0];
    Ok(p)
}

/// Records one pass over the elements of the index (`numel`), `tensors` bound in order.
fn launch(pass: Pass, d: DType, tensors: &[&Tensor], params: &[u32], numel: usize) -> Result<()> {
    let ctx = super::context()?;
    let caps = Caps::of(&ctx);
    let key = match pass {
        Pass::Clear | Pass::Claim => format!("index/{pass:?}"),
        _ => format!("index/{pass:?}/{}/{}", d.name(), caps.int64),
    };
    let p = pipeline(&ctx, &key, || Some(source(pass, d, caps)))?;
    let bufs: Vec<Bind> = tensors.iter().map(|t| buffer(&ctx, t).map(Bind::from)).collect::<Result<_>>()?;
    dispatch_groups(&ctx, &p, &bufs, params, numel.div_ceil(WORKGROUP as usize))
}

/// (min, max) of a non-empty int64 tensor: two reduction kernels and one read back.
pub fn index_range(index: &Tensor) -> Result<(i64, i64)> {
    use super::reduce::{reduce, Red};
    let dims: Vec<usize> = (0..index.ndim()).collect();
    let both = Tensor::empty(&[2], DType::I64, index.device())?;
    reduce(Red::Min, index, &dims, None, Some(&both.select(0, 0)?), None)?;
    reduce(Red::Max, index, &dims, None, Some(&both.select(0, 1)?), None)?;
    match super::transfer::download(&both)?.to_vec::<i64>()?[..] {
        [lo, hi] => Ok((lo, hi)),
        _ => Err(Error::runtime("index bounds: expected two values")),
    }
}

/// `out[p] = x[p with coordinate index[p] along dim]` (out contiguous, bounds checked).
pub fn gather(x: &Tensor, dim: usize, index: &Tensor, out: &Tensor) -> Result<()> {
    let ctx = super::context()?;
    super::map::check_dtype(&ctx, x.dtype, Caps::of(&ctx))?;
    if index.numel() == 0 {
        return Ok(());
    }
    let nd = index.ndim();
    let streams = [(zeroed(strides(x), dim), x.layout.offset), (strides(out), out.layout.offset), (vec![0; nd], 0)];
    let prm = params(index, streams, x.shape()[dim], strides(x)[dim], 0)?;
    launch(Pass::Gather, bits(x.dtype), &[index, x, out], &prm, index.numel())
}

/// `out[.., index[p], ..] op= src[p]` in place (src of out's dtype, not sharing its memory).
pub fn scatter(out: &Tensor, dim: usize, index: &Tensor, src: &Tensor, op: ScatterReduce, include_self: bool) -> Result<()> {
    let ctx = super::context()?;
    super::map::check_dtype(&ctx, out.dtype, Caps::of(&ctx))?;
    let d = out.dtype;
    if op != ScatterReduce::None && !reducible(op, d, Caps::of(&ctx)) {
        return Err(Error::NotImplemented(format!(
            "scatter_reduce(reduce='{}') is not implemented for {} on the wgpu device (WGSL has no 64-bit atomics)",
            op.name(),
            d.name()
        )));
    }
    let n = index.numel();
    if n == 0 {
        return Ok(());
    }
    let lin: Vec<usize> = contiguous_strides(out.shape()).iter().map(|&s| s as usize).collect();
    let streams = [(strides(src), src.layout.offset), (zeroed(strides(out), dim), out.layout.offset), (zeroed(lin.clone(), dim), 0)];
    let prm = params(index, streams, out.shape()[dim], strides(out)[dim], lin[dim])?;
    let dev = out.device();
    if op == ScatterReduce::None {
        let win = Tensor::empty(&[out.numel()], DType::I32, dev)?;
        launch(Pass::Clear, d, &[index, &win], &prm, n)?;
        launch(Pass::Claim, d, &[index, &win], &prm, n)?;
        return launch(Pass::Assign, bits(d), &[index, src, out, &win], &prm, n);
    }
    if !include_self {
        launch(Pass::Init(op), d, &[index, out], &prm, n)?;
    }
    if op != ScatterReduce::Mean {
        return launch(Pass::Accumulate(op), d, &[index, src, out], &prm, n);
    }
    let cnt = Tensor::empty(out.shape(), DType::I32, dev)?;
    crate::compute::fill_raw(&cnt, crate::dtype::Scalar::Int(0))?;
    launch(Pass::Accumulate(op), d, &[index, src, out, &cnt], &prm, n)?;
    finish_mean(out, &cnt, include_self)
}

/// A mean's sums divided by their counts (plus one for the element itself when included;
/// elements that received nothing divide by one): true division for floats, floor division
/// for integers, as PyTorch.
fn finish_mean(out: &Tensor, cnt: &Tensor, include_self: bool) -> Result<()> {
    use super::map::{run, MapOp};
    use crate::compute::Arg;
    use crate::dtype::Scalar;
    use crate::ops::BinaryOp;
    let bump = if include_self { BinaryOp::Add } else { BinaryOp::Maximum };
    run(MapOp::Binary(bump), &[(Arg::T(cnt), DType::I32), (Arg::S(Scalar::Int(1)), DType::I32)], DType::I32, &[], cnt)?;
    let (div, c) = if out.dtype.is_float() {
        (BinaryOp::Div, crate::compute::kernel_dtype(out.dtype))
    } else {
        (BinaryOp::FloorDivide, out.dtype)
    };
    run(MapOp::Binary(div), &[(Arg::T(out), c), (Arg::T(cnt), c)], c, &[], out)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum NzPass {
    Count,
    Scan,
    Add,
    Write,
}

/// The module of one nonzero pass over an `x` of dtype `d` (Scan and Add do not read x).
fn nonzero_source(pass: NzPass, d: DType, caps: Caps) -> String {
    let (used, entry): (&[&str], &str) = match pass {
        NzPass::Count => (&["x", "cnt"], "nz_count"),
        NzPass::Scan => (&["data", "sums"], "nz_scan"),
        NzPass::Add => (&["data", "sums"], "nz_add"),
        NzPass::Write => (&["x", "offs", "out"], "nz_write"),
    };
    // Every buffer is declared (the module holds every pass); the pass's own ones at 0, 1, ...
    // in order, the others at bindings the pipeline's layout never sees.
    let mut b = String::new();
    for (j, name) in ["x", "cnt", "data", "sums", "offs", "out"].iter().enumerate() {
        let k = used.iter().position(|u| u == name).unwrap_or(16 + j);
        b.push_str(&match *name {
            "x" => dtypes::input_decl("x", k, d, caps),
            "offs" => format!("@group(0) @binding({k}) var<storage, read> offs: array<u32>;\n"),
            n => format!("@group(0) @binding({k}) var<storage, read_write> {n}: array<u32>;\n"),
        });
    }
    let v = val(d, caps);
    let mut f = dtypes::load_fn("load_x", "x", d, caps, false);
    // NaN counts: tested on its bits (drivers may fold a comparison with NaN to false).
    let test = if v.is_float() { format!("{} || rt_isnan(v)", v.nonzero("v")) } else { v.nonzero("v") };
    f.push_str(&format!("fn is_nonzero(off: u32) -> bool {{\n    let v = load_x(off);\n    return {test};\n}}\n"));
    let helpers = with_helpers(&f, v);
    expand(NONZERO, &[
        ("BINDINGS", &b),
        ("PBIND", &used.len().to_string()),
        ("FUNCTIONS", &(f + &helpers)),
        ("PASS", entry),
        ("BLOCK", &BLOCK.to_string()),
        ("ITEMS", &ITEMS.to_string()),
        ("WG", &WORKGROUP.to_string()),
    ])
}

fn nz_launch(pass: NzPass, d: DType, tensors: &[&Tensor], params: &[u32], groups: usize) -> Result<()> {
    let ctx = super::context()?;
    let caps = Caps::of(&ctx);
    let d = if matches!(pass, NzPass::Scan | NzPass::Add) { DType::I32 } else { d };
    let key = format!("nonzero/{pass:?}/{}/{}", d.name(), caps.int64);
    let p = pipeline(&ctx, &key, || Some(nonzero_source(pass, d, caps)))?;
    let bufs: Vec<Bind> = tensors.iter().map(|t| buffer(&ctx, t).map(Bind::from)).collect::<Result<_>>()?;
    let mut prm = params.to_vec();
    prm[5] = u32s([groups])?[0];
    dispatch_groups(&ctx, &p, &bufs, &prm, groups)
}

/// Row-major coordinates of x's non-zero elements (x not empty), `[n, ndim]` int64.
pub fn nonzero(x: &Tensor) -> Result<Tensor> {
    let ctx = super::context()?;
    super::map::check_dtype(&ctx, x.dtype, Caps::of(&ctx))?;
    let (numel, nd, dev) = (x.numel(), x.ndim(), x.device());
    if nd > MAX_DIMS {
        return Err(Error::NotImplemented(format!("nonzero on the wgpu device takes at most {MAX_DIMS} dimensions")));
    }
    let mut ms = vec![strides(x)];
    let merged = coalesce(x.shape(), &mut ms);
    let mut prm = vec![0u32; 40];
    prm[..5].copy_from_slice(&u32s([numel, nd, x.layout.offset, 0, merged.len()])?);
    for (d, &s) in x.shape().iter().enumerate() {
        prm[8 + d] = u32s([s])?[0];
    }
    for (d, (&s, &st)) in merged.iter().zip(&ms[0]).enumerate() {
        prm[24 + d] = u32s([s])?[0];
        prm[32 + d] = u32s([st])?[0];
    }
    let blocks = numel.div_ceil(BLOCK);
    let mut levels = vec![Tensor::empty(&[blocks], DType::I32, dev)?];
    nz_launch(NzPass::Count, x.dtype, &[x, &levels[0]], &prm, blocks)?;
    // Scanned level by level until one block holds everything; the last level is the total.
    let wg = WORKGROUP as usize;
    loop {
        let len = levels.last().map_or(0, |t| t.numel());
        let groups = len.div_ceil(wg);
        let sums = Tensor::empty(&[groups], DType::I32, dev)?;
        let mut sp = vec![0u32; 8];
        sp[0] = u32s([len])?[0];
        if let Some(data) = levels.last() {
            nz_launch(NzPass::Scan, x.dtype, &[data, &sums], &sp, groups)?;
        }
        levels.push(sums);
        if groups == 1 {
            break;
        }
    }
    for k in (0..levels.len() - 2).rev() {
        let len = levels[k].numel();
        let mut sp = vec![0u32; 8];
        sp[0] = u32s([len])?[0];
        nz_launch(NzPass::Add, x.dtype, &[&levels[k], &levels[k + 1]], &sp, len.div_ceil(wg))?;
    }
    let total = match levels.last() {
        Some(t) => super::transfer::download(t)?.to_vec::<i32>()?.first().map_or(0, |&v| v as u32 as usize),
        None => 0,
    };
    let out = Tensor::empty(&[total, nd], DType::I64, dev)?;
    if total == 0 || nd == 0 {
        return Ok(out);
    }
    u32s([total * nd * 2])?;
    prm[3] = u32s([total])?[0];
    nz_launch(NzPass::Write, x.dtype, &[x, &levels[0], &out], &prm, blocks)?;
    Ok(out)
}

/// Every module of the family (each pass, dtype and reduction), for the tests.
#[cfg(test)]
pub fn test_sources(caps: Caps) -> Vec<(String, String)> {
    use DType::*;
    let all = [Bool, U8, I8, I16, I32, I64, F16, BF16, F32, F64];
    let mut out = vec![];
    for d in [U8, I16, I32, I64] {
        for pass in [Pass::Gather, Pass::Assign] {
            out.push((format!("{pass:?} {}", d.name()), source(pass, d, caps)));
        }
    }
    for pass in [Pass::Clear, Pass::Claim] {
        out.push((format!("{pass:?}"), source(pass, I32, caps)));
    }
    let ops = [ScatterReduce::Sum, ScatterReduce::Prod, ScatterReduce::Mean, ScatterReduce::Amax, ScatterReduce::Amin];
    for d in all {
        for op in ops.into_iter().filter(|&op| reducible(op, d, caps)) {
            for pass in [Pass::Init(op), Pass::Accumulate(op)] {
                out.push((format!("{pass:?} {}", d.name()), source(pass, d, caps)));
            }
        }
        for pass in [NzPass::Count, NzPass::Scan, NzPass::Add, NzPass::Write] {
            out.push((format!("nonzero {pass:?} {}", d.name()), nonzero_source(pass, d, caps)));
        }
    }
    out
}
