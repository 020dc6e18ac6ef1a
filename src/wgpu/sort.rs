//! Sorting and searching on wgpu (`shaders/sort.wgsl`): a bitonic sorting network over keys.
//!
//! Each element becomes a 64-bit key ordered as PyTorch orders the values (the CPU's keys,
//! `cpu/sort.rs`), paired with its position; rows are padded to a power of two and sorted on
//! (key, position), so ties keep their order (stable) and the indices equal the CPU's. The
//! network runs its short steps in workgroup memory, a tile of `TILE` triples per workgroup,
//! and only the steps longer than a tile from global memory (one dispatch each): a row of P
//! elements takes log2(P / TILE) local passes and (log2(P / TILE) + 1) * log2(P / TILE) / 2
//! global ones, every invocation comparing a pair, none walking a row. The values follow the
//! indices through the gather kernel (bits moved by width), so every dtype sorts, float64
//! included on adapters without SHADER_F64 (keys are built from the raw words).
//!
//! searchsorted builds the keys of both operands the same way and binary-searches each value
//! in its row, one invocation per value.

use super::dtypes::{self, Caps, Val};
use super::launch::{buffer, dispatch_groups, pipeline, u32s, Bind};
use super::template::{expand, with_helpers, WORKGROUP};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::tensor::Tensor;

pub const SORT: &str = include_str!("../../shaders/sort.wgsl");

/// Triples a workgroup sorts in workgroup memory (3 x 4 KiB: within WebGPU's 16 KiB minimum).
const TILE: usize = 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Pass {
    Keys,
    Local,
    Global,
    Finish,
    Search,
}

impl Pass {
    fn entry(self) -> &'static str {
        match self {
            Pass::Keys => "keys",
            Pass::Local => "local",
            Pass::Global => "global",
            Pass::Finish => "finish",
            Pass::Search => "search",
        }
    }
    /// The buffers the pass binds, in binding order.
    fn buffers(self) -> &'static [&'static str] {
        match self {
            Pass::Keys => &["src", "khi", "klo", "kid"],
            Pass::Local | Pass::Global => &["khi", "klo", "kid"],
            Pass::Finish => &["kid", "out"],
            Pass::Search => &["bhi", "blo", "vhi", "vlo", "out"],
        }
    }
}

/// `fn key_of(i: u32) -> vec2<u32>`: the key of element i of `src` (bound as u32 words).
fn key_fn(d: DType, caps: Caps) -> String {
    let body = match d {
        DType::F32 => "key_f32(src[i])",
        DType::F64 => "key_f64(src[2u * i + 1u], src[2u * i])",
        DType::I32 => "vec2<u32>(src[i] ^ 0x80000000u, 0u)",
        DType::I64 => "vec2<u32>(src[2u * i + 1u] ^ 0x80000000u, src[2u * i])",
        DType::F16 | DType::BF16 => "key_f32(bitcast<u32>(load_src(i)))",
        DType::I8 | DType::I16 => "vec2<u32>(bitcast<u32>(load_src(i)) ^ 0x80000000u, 0u)",
        DType::U8 | DType::Bool => "vec2<u32>(load_src(i), 0u)",
    };
    let load = if dtypes::is_packed(d) { dtypes::load_fn("load_src", "src", d, caps, false) } else { String::new() };
    format!("{load}fn key_of(i: u32) -> vec2<u32> {{\n    return {body};\n}}\n")
}

/// The module of one pass: `d` the source dtype (Keys), `out` the output dtype (Finish: int64,
/// Search: int64 or int32).
fn source(pass: Pass, d: DType, out: DType, caps: Caps) -> String {
    let own = pass.buffers();
    let mut spare = 16;
    let mut b = String::new();
    for name in ["src", "khi", "klo", "kid", "bhi", "blo", "vhi", "vlo", "out"] {
        let k = match own.iter().position(|n| *n == name) {
            Some(k) => k,
            None => {
                spare += 1;
                spare
            }
        };
        if name == "out" {
            b.push_str(&dtypes::output_decl("out", k, out, caps));
        } else {
            let access = if name == "src" { "read" } else { "read_write" };
            b.push_str(&format!("@group(0) @binding({k}) var<storage, {access}> {name}: array<u32>;\n"));
        }
    }
    let from_u32 = dtypes::convert("r", Val::U32, out, caps);
    let mut f = key_fn(d, caps) + &dtypes::store_fn("store_out", "out", out, caps);
    let helpers = with_helpers(&(f.clone() + &from_u32), Val::F32);
    f.push_str(&helpers);
    expand(SORT, &[
        ("BINDINGS", &b),
        ("PBIND", &own.len().to_string()),
        ("FUNCTIONS", &f),
        ("FROM_U32", &from_u32),
        ("PASS", pass.entry()),
        ("TILE", &TILE.to_string()),
        ("WG", &WORKGROUP.to_string()),
    ])
}

fn launch(pass: Pass, d: DType, out: DType, tensors: &[&Tensor], params: &[u32], groups: usize) -> Result<()> {
    let ctx = super::context()?;
    let caps = Caps::of(&ctx);
    // Only the keys pass reads the source; the others share one module per output dtype.
    let d = if pass == Pass::Keys { d } else { DType::F32 };
    let key = format!("sort/{pass:?}/{}/{}/{}", d.name(), out.name(), caps.int64);
    let p = pipeline(&ctx, &key, || Some(source(pass, d, out, caps)))?;
    let bufs: Vec<Bind> = tensors.iter().map(|t| buffer(&ctx, t).map(Bind::from)).collect::<Result<_>>()?;
    dispatch_groups(&ctx, &p, &bufs, params, groups)
}

/// Parameter words (13 used) from the named slots.
fn params(slots: &[(usize, usize)]) -> Result<Vec<u32>> {
    let mut v = vec![0usize; 16];
    for &(k, x) in slots {
        v[k] = x;
    }
    u32s(v)
}

/// Sort keys of the `rows` rows of `n` elements of contiguous `x` (from its offset), each row
/// padded to `pad` (a power of two): three u32 tensors (high words, low words, positions).
fn keys(x: &Tensor, n: usize, pad: usize, rows: usize, invert: bool) -> Result<[Tensor; 3]> {
    let total = rows.checked_mul(pad).ok_or_else(|| Error::NotImplemented("sort: tensor too large for wgpu".into()))?;
    let mk = || Tensor::empty(&[total], DType::I32, x.device());
    let k = [mk()?, mk()?, mk()?];
    let prm = params(&[(0, n), (1, pad), (2, total), (3, x.layout.offset), (6, invert as usize)])?;
    launch(Pass::Keys, x.dtype, DType::I64, &[x, &k[0], &k[1], &k[2]], &prm, total.div_ceil(WORKGROUP as usize))?;
    Ok(k)
}

/// Each row (last dim) of contiguous `x` (not empty) sorted: (values, int64 indices), stable.
pub fn sort(x: &Tensor, descending: bool) -> Result<(Tensor, Tensor)> {
    let n = *x.shape().last().unwrap_or(&1);
    let rows = x.numel() / n.max(1);
    let pad = n.next_power_of_two();
    let k = keys(x, n, pad, rows, descending)?;
    let total = rows * pad;
    let kt = [&k[0], &k[1], &k[2]];
    let base = [(0, n), (1, pad), (2, total)];
    // Every tile sorted in workgroup memory, then each longer stage: its steps longer than a
    // tile from global memory, the rest in workgroup memory again.
    let tiles = total.div_ceil(TILE);
    launch(Pass::Local, x.dtype, DType::I64, &kt, &params(&base)?, tiles)?;
    let mut stage = 2 * TILE;
    while stage <= pad {
        let mut step = stage / 2;
        while step >= TILE {
            let prm = params(&[base[0], base[1], base[2], (4, stage), (5, step)])?;
            launch(Pass::Global, x.dtype, DType::I64, &kt, &prm, (total / 2).div_ceil(WORKGROUP as usize))?;
            step /= 2;
        }
        let prm = params(&[base[0], base[1], base[2], (4, stage), (7, 1)])?;
        launch(Pass::Local, x.dtype, DType::I64, &kt, &prm, tiles)?;
        stage *= 2;
    }
    let idx = Tensor::empty(x.shape(), DType::I64, x.device())?;
    let prm = params(&[base[0], base[1], base[2], (12, x.numel())])?;
    launch(Pass::Finish, x.dtype, DType::I64, &[&k[2], &idx], &prm, x.numel().div_ceil(WORKGROUP as usize))?;
    let vals = Tensor::empty(x.shape(), x.dtype, x.device())?;
    super::index::gather(x, x.ndim() - 1, &idx, &vals)?;
    Ok((vals, idx))
}

/// `out[j]` = the insertion point of `values[j]` in its row of the ascending `seq` (both
/// contiguous, one dtype; `seq` 1-D or one row per row of `values`).
pub fn searchsorted(seq: &Tensor, values: &Tensor, right: bool, out: &Tensor) -> Result<()> {
    let n = *seq.shape().last().unwrap_or(&1);
    let seq_rows = seq.numel() / n.max(1);
    let nv = values.numel();
    let m = *values.shape().last().unwrap_or(&1);
    if nv == 0 || n == 0 {
        return Ok(());
    }
    let [bh, bl, _] = keys(seq, n, n, seq_rows, false)?;
    let [vh, vl, _] = keys(values, nv, nv, 1, false)?;
    let prm = params(&[
        (0, n),
        (8, if seq_rows > 1 { m } else { nv }),
        (9, (seq_rows > 1) as usize),
        (10, right as usize),
        (11, values.dtype.is_float() as usize),
        (12, nv),
    ])?;
    launch(Pass::Search, values.dtype, out.dtype, &[&bh, &bl, &vh, &vl, out], &prm, nv.div_ceil(WORKGROUP as usize))
}

/// Every module of the family, for the tests.
#[cfg(test)]
pub fn test_sources(caps: Caps) -> Vec<(String, String)> {
    use DType::*;
    let mut out = vec![];
    for d in [Bool, U8, I8, I16, I32, I64, F16, BF16, F32, F64] {
        out.push((format!("Keys {}", d.name()), source(Pass::Keys, d, I64, caps)));
    }
    for pass in [Pass::Local, Pass::Global, Pass::Finish] {
        out.push((format!("{pass:?}"), source(pass, F32, I64, caps)));
    }
    for o in [I64, I32] {
        out.push((format!("Search -> {}", o.name()), source(Pass::Search, F32, o, caps)));
    }
    out
}
