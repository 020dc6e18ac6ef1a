//! cumsum / cumprod on wgpu (`shaders/scan.wgsl`): a parallel scan. Each workgroup scans one
//! block of one row (rows batched in the grid) and writes the block's total; the totals of a
//! row are scanned by the same two passes one level up (recursively, until a row fits one
//! block), and a last pass combines each block's prefix into its elements. No invocation
//! walks more than its few elements of a row, except on rows of at most 16 elements, where one
//! invocation scans each row (many short rows: a workgroup each would sit mostly idle).
//!
//! Inputs arrive contiguous in one of float16, bfloat16, float32, float64, int32, int64 (the
//! entry point casts the rest); half types compute and keep their intermediate levels in f32
//! and round each output once. int64 computes in i64 with SHADER_INT64 and as u32 pairs
//! (`e64_add` / `e64_mul`) without it. Integers wrap.

use super::dtypes::{self, val, Caps, Val};
use super::launch::{buffer, dispatch_groups, pipeline, u32s, Bind};
use super::template::{expand, with_helpers, WORKGROUP};
use crate::compute::kernel_dtype;
use crate::compute::scan::Scan;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::tensor::Tensor;

pub const SCAN: &str = include_str!("../../shaders/scan.wgsl");

/// Elements each invocation scans in registers.
const ITEMS: usize = 4;
/// Elements per workgroup (one block of one row).
const BLOCK: usize = WORKGROUP as usize * ITEMS;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Pass {
    /// Block-local scan of `src` (dtype `ds`) into `dst` (dtype `dd`), block totals into `sums`.
    Scan,
    /// `out` (dtype `dd`) = the block's prefix combined with `tmp` (the kernel dtype).
    Add,
    /// Short rows (at most `SHORT` elements): one invocation scans a whole row of `src` into `dst`.
    Rows,
}

/// Rows this short or shorter are scanned one per invocation (a workgroup per row would
/// leave most of its invocations idle when there are many short rows).
const SHORT: usize = 16;

/// The dtypes whose scans have a kernel here.
fn served(d: DType) -> bool {
    matches!(d, DType::F16 | DType::BF16 | DType::F32 | DType::F64 | DType::I32 | DType::I64)
}

fn identity(op: Scan, v: Val) -> &'static str {
    match (op, v) {
        (Scan::Sum, Val::F32) => "0.0",
        (Scan::Prod, Val::F32) => "1.0",
        (Scan::Sum, Val::F64) => "f64(0.0)",
        (Scan::Prod, Val::F64) => "f64(1.0)",
        (Scan::Sum, Val::I32) => "0i",
        (Scan::Prod, Val::I32) => "1i",
        (Scan::Sum, Val::U32) => "0u",
        (Scan::Prod, Val::U32) => "1u",
        (Scan::Sum, Val::I64) => "i64(0)",
        (Scan::Prod, Val::I64) => "i64(1)",
        (Scan::Sum, Val::E64) => "vec2<u32>(0u)",
        (Scan::Prod, Val::E64) => "vec2<u32>(1u, 0u)",
    }
}

fn combine(op: Scan, v: Val) -> &'static str {
    match (op, v) {
        (Scan::Sum, Val::E64) => "e64_add(a, b)",
        (Scan::Prod, Val::E64) => "e64_mul(a, b)",
        (Scan::Sum, _) => "a + b",
        (Scan::Prod, _) => "a * b",
    }
}

/// The module of one pass: `ds` the source dtype (Scan), `dd` the destination dtype.
fn source(pass: Pass, op: Scan, ds: DType, dd: DType, caps: Caps) -> String {
    let kd = kernel_dtype(dd);
    let v = val(kd, caps);
    // The module holds both passes; the other pass's buffers sit at bindings the pipeline's
    // layout never sees (only the entry point's own ones are bound).
    let (ks, ka, entry) = match pass {
        Pass::Scan => (0, 16, "scan_block"),
        Pass::Add => (16, 0, "add_block"),
        Pass::Rows => (0, 16, "scan_short"),
    };
    let ksums = if pass == Pass::Rows { 20 } else { ks + 2 };
    let b = dtypes::input_decl("src", ks, ds, caps)
        + &dtypes::output_decl("dst", ks + 1, dd, caps)
        + &dtypes::output_decl("sums", ksums, kd, caps)
        + &dtypes::input_decl("tmp", ka, kd, caps)
        + &dtypes::input_decl("pre", ka + 1, kd, caps)
        + &dtypes::output_decl("out", ka + 2, dd, caps);
    let mut f = dtypes::load_fn("load_src", "src", ds, caps, false)
        + &dtypes::store_fn("store_dst", "dst", dd, caps)
        + &dtypes::store_fn("store_sums", "sums", kd, caps)
        + &dtypes::load_fn("load_tmp", "tmp", kd, caps, false)
        + &dtypes::load_fn("load_pre", "pre", kd, caps, false)
        + &dtypes::store_fn("store_out", "out", dd, caps);
    let helpers = with_helpers(&(f.clone() + combine(op, v)), v);
    f.push_str(&helpers);
    expand(SCAN, &[
        ("BINDINGS", &b),
        ("PBIND", if pass == Pass::Rows { "2" } else { "3" }),
        ("FUNCTIONS", &f),
        ("T", v.wgsl()),
        ("COMBINE", combine(op, v)),
        ("IDENT", identity(op, v)),
        ("PASS", entry),
        ("BLOCK", &BLOCK.to_string()),
        ("ITEMS", &ITEMS.to_string()),
        ("WG", &WORKGROUP.to_string()),
    ])
}

fn launch(pass: Pass, op: Scan, ds: DType, dd: DType, tensors: &[&Tensor], params: &[u32], groups: usize) -> Result<()> {
    let ctx = super::context()?;
    let caps = Caps::of(&ctx);
    let key = format!("scan/{pass:?}/{op:?}/{}/{}/{}", ds.name(), dd.name(), caps.int64);
    let p = pipeline(&ctx, &key, || Some(source(pass, op, ds, dd, caps)))?;
    let bufs: Vec<Bind> = tensors.iter().map(|t| buffer(&ctx, t).map(Bind::from)).collect::<Result<_>>()?;
    dispatch_groups(&ctx, &p, &bufs, params, groups)
}

/// Scans `rows` rows of `n` elements of `src` (contiguous from its offset, laid out as
/// [outer, n, inner]) into `dst` (fresh, contiguous, same layout).
fn scan_rows(op: Scan, src: &Tensor, n: usize, inner: usize, rows: usize, dst: &Tensor) -> Result<()> {
    let (ds, dd) = (src.dtype, dst.dtype);
    let kd = kernel_dtype(dd);
    let dev = dst.device();
    if n <= SHORT {
        let groups = rows.div_ceil(WORKGROUP as usize);
        let mut prm = u32s([n, inner, rows, 1, src.layout.offset, groups])?;
        prm.resize(8, 0);
        return launch(Pass::Rows, op, ds, dd, &[src, dst], &prm, groups);
    }
    let nb = n.div_ceil(BLOCK);
    let groups = rows.checked_mul(nb).ok_or_else(|| Error::NotImplemented("cumulative: too many blocks".into()))?;
    let mut prm = u32s([n, inner, rows, nb, src.layout.offset, groups])?;
    prm.resize(8, 0);
    let sums = Tensor::empty(&[groups], kd, dev)?;
    if nb == 1 {
        return launch(Pass::Scan, op, ds, dd, &[src, dst, &sums], &prm, groups);
    }
    let tmp = Tensor::empty(dst.shape(), kd, dev)?;
    launch(Pass::Scan, op, ds, kd, &[src, &tmp, &sums], &prm, groups)?;
    // The block totals of each row, scanned one level up: [rows, nb] with inner 1.
    let pre = Tensor::empty(&[groups], kd, dev)?;
    scan_rows(op, &sums, nb, 1, rows, &pre)?;
    prm[4] = 0;
    launch(Pass::Add, op, kd, dd, &[&tmp, &pre, dst], &prm, groups)
}

/// The cumulative sum / product of `x` along `dim` (ndim >= 1, not empty) in x's dtype, as a
/// new contiguous tensor.
pub fn cumulative(op: Scan, x: &Tensor, dim: usize) -> Result<Tensor> {
    let ctx = super::context()?;
    let caps = Caps::of(&ctx);
    super::map::check_dtype(&ctx, x.dtype, caps)?;
    if !served(x.dtype) {
        return Err(Error::DTypeUnsupported { op: if op == Scan::Sum { "cumsum" } else { "cumprod" }, dtype: x.dtype });
    }
    let out = Tensor::empty(x.shape(), x.dtype, x.device())?;
    if x.numel() == 0 {
        return Ok(out);
    }
    let x = x.contiguous()?;
    let n = x.shape()[dim];
    let inner: usize = x.shape()[dim + 1..].iter().product();
    scan_rows(op, &x, n, inner, x.numel() / n, &out)?;
    Ok(out)
}

/// Every module of the family (each pass, op and dtype pair), for the tests.
#[cfg(test)]
pub fn test_sources(caps: Caps) -> Vec<(String, String)> {
    use DType::*;
    let mut out = vec![];
    for op in [Scan::Sum, Scan::Prod] {
        for d in [F16, BF16, F32, F64, I32, I64] {
            let kd = kernel_dtype(d);
            let pairs = [
                (Pass::Scan, d, d),
                (Pass::Scan, d, kd),
                (Pass::Scan, kd, kd),
                (Pass::Add, kd, d),
                (Pass::Add, kd, kd),
                (Pass::Rows, d, d),
                (Pass::Rows, kd, kd),
            ];
            for (pass, ds, dd) in pairs {
                out.push((format!("{pass:?} {op:?} {} -> {}", ds.name(), dd.name()), source(pass, op, ds, dd, caps)));
            }
        }
    }
    out
}
