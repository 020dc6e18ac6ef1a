//! The matrix-multiplication family on wgpu (`shaders/matmul.wgsl`): batched `a @ b` with
//! workgroup-memory tiles and register blocking, operands read in place through their strides
//! (transposed, sliced and batch-broadcast operands need no copies). Two tile shapes: a large
//! one (128x128 blocks, 8x8 outputs per invocation, K steps of 16, or 8 where workgroup memory
//! is 16 KiB and on CPU adapters) for big products, a small one (64x64 blocks, 4x4 per
//! invocation, K steps of 8) for small products and 64-bit dtypes. float32 operands whose loaded
//! run is contiguous and 16-byte aligned are read a vec4 per global load (`vec4_loads`): on
//! lavapipe that took 1024^3 from 4.5 to 5.5 GFLOP/s. Where the adapter has subgroup operations,
//! a variant with the same blockings shares a's values between lanes in registers instead
//! (`matmul_subgroup.rs`; `select` chooses).

use super::dtypes::{self, val, Caps, Val};
use super::launch::{buffer, capacity, dispatch_groups, pipeline, u32s, Bind};
use super::matmul_subgroup::{self as sg, serves, SgTile};
use super::template::{expand, with_helpers};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::tensor::Tensor;

pub const MATMUL: &str = include_str!("../../shaders/matmul.wgsl");

/// The blocking of one kernel: a workgroup computes a `bm` x `bn` block of the output, walking K
/// in steps of `bk`; each invocation computes `tm` x `tn` outputs (multiples of 4: vec4 columns).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tile {
    pub bm: usize,
    pub bn: usize,
    pub bk: usize,
    pub tm: usize,
    pub tn: usize,
}

/// GPUs, large products: 256 invocations of 8x8 outputs.
pub const LARGE: Tile = Tile { bm: 128, bn: 128, bk: 16, tm: 8, tn: 8 };
/// The same with half the K step: where workgroup memory is short (16 KiB), and on CPU adapters.
pub const LARGE_BK8: Tile = Tile { bk: 8, ..LARGE };
/// Small products and 64-bit dtypes: 256 invocations of 4x4 outputs.
pub const SMALL: Tile = Tile { bm: 64, bn: 64, bk: 8, tm: 4, tn: 4 };

impl Tile {
    /// Invocations along N and M.
    fn wx(self) -> usize {
        self.bn / self.tn
    }
    fn wy(self) -> usize {
        self.bm / self.tm
    }
    fn invocations(self) -> usize {
        self.wx() * self.wy()
    }
    /// vec4s per (padded) tile row of a and of b.
    fn row_a(self) -> usize {
        self.bm / 4 + 1
    }
    fn row_b(self) -> usize {
        self.bn / 4 + 1
    }
    /// Workgroup memory of both tiles, with values of `bytes` bytes.
    fn shared_bytes(self, bytes: usize) -> usize {
        self.bk * (self.row_a() + self.row_b()) * 4 * bytes
    }
}

/// Bytes of a compute value.
fn val_bytes(v: Val) -> usize {
    match v {
        Val::F64 | Val::I64 | Val::E64 => 8,
        _ => 4,
    }
}

const LANES: [&str; 4] = ["x", "y", "z", "w"];

/// Which operands are read a vec4 (four float32 values) per load instead of a value per load:
/// `a` along K, `b` along N, where those runs are contiguous and 16-byte aligned (`vec4_loads`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Vec4 {
    pub a: bool,
    pub b: bool,
}

/// The module computing `d` with blocking `tile`, `v4` its vec4 operands.
fn source(d: DType, tile: Tile, caps: Caps, v4: Vec4) -> String {
    let v = val(d, caps);
    let t = v.wgsl();
    // Emulated int64 values are already vec2<u32>: no vec4 of them, tiles hold single values.
    let vec = v != Val::E64;
    let tile_t = if vec { format!("vec4<{t}>") } else { t.to_string() };
    let zero = format!("{t}()");
    let (wx, wy, inv) = (tile.wx(), tile.wy(), tile.invocations());
    let (ra_row, rb_row) = (tile.row_a(), tile.row_b());
    let (la, lb) = (tile.bm * tile.bk / inv, tile.bk * tile.bn / inv);
    let (gm, gn) = (tile.tm / 4, tile.tn / 4);
    let Tile { bm, bn, bk, .. } = tile;

    let vec4_decl = |name: &str, k: usize| format!("@group(0) @binding({k}) var<storage, read> {name}: array<vec4<f32>>;\n");
    let mut bind = if v4.a { vec4_decl("a4", 0) } else { dtypes::input_decl("a", 0, d, caps) };
    bind.push_str(&if v4.b { vec4_decl("b4", 1) } else { dtypes::input_decl("bm", 1, d, caps) });
    bind.push_str(&dtypes::output_decl("out", 2, d, caps));
    let mut f = if v4.a { String::new() } else { dtypes::load_fn("load_a", "a", d, caps, false) };
    if !v4.b {
        f.push_str(&dtypes::load_fn("load_b", "bm", d, caps, false));
    }
    f.push_str(&dtypes::store_fn("store", "out", d, caps));

    // Invocation i loads elements i + r * WG (r < la) of a's tile: along K (when p[18] is 1:
    // row i / BK + r * WG / BK, k i % BK) or along M (row i % BM, k i / BM + r * WG / BM). Both
    // advance by a uniform step in r, so one address and one tile index serve every r. Same for b.
    debug_assert!(inv % bk == 0 && inv % bm == 0 && inv % bn == 0 && (inv / bk) % 4 == 0);
    let prep = format!(
        "    let akf = p[18] == 1u;
    let am = select(lid % {bm}u, lid / {bk}u, akf);
    let ak = select(lid / {bm}u, lid % {bk}u, akf);
    let adm = select(0u, {ik}u, akf);
    let adk = select({im}u, 0u, akf);
    let amlim = p[0] - m0;
    let aoff = abase + (m0 + am) * p[8] + ak * p[9];
    let astep = adm * p[8] + adk * p[9];
    let ai = ak * {ra_row}u + am / 4u;
    let aistep = adk * {ra_row}u + adm / 4u;
    let ac = am % 4u;
    let bnf = p[19] == 1u;
    let bn = select(lid / {bk}u, lid % {bn}u, bnf);
    let bk = select(lid % {bk}u, lid / {bn}u, bnf);
    let bdn = select({ik}u, 0u, bnf);
    let bdk = select(0u, {in_}u, bnf);
    let bnlim = p[1] - n0;
    let boff = bbase + bk * p[12] + (n0 + bn) * p[13];
    let bstep = bdk * p[12] + bdn * p[13];
    let bi = bk * {rb_row}u + bn / 4u;
    let bistep = bdk * {rb_row}u + bdn / 4u;
    let bc = bn % 4u;
{regs}",
        ik = inv / bk,
        im = inv / bm,
        in_ = inv / bn,
        regs = (0..la).map(|r| format!("    var ra{r}: {t};\n")).chain((0..lb).map(|r| format!("    var rb{r}: {t};\n"))).collect::<String>(),
    );
    // vec4 operands: invocation i loads the four values at (row i / (BK / 4) + r * step, k 4 * (i % (BK / 4)))
    // of a's tile (at (k i / (BN / 4) + r * step, n 4 * (i % (BN / 4))) of b's), r < la / 4 (lb / 4).
    let (ka4, nb4) = (bk / 4, bn / 4);
    let (ia4, ib4) = (inv / ka4.max(1), inv / nb4.max(1));
    let mut prep = prep;
    if v4.a {
        prep.push_str(&format!(
            "\n    let a4k = (lid % {ka4}u) * 4u;
    let a4m = lid / {ka4}u;
    let a4off = (abase + (m0 + a4m) * p[8] + a4k) / 4u;
    let a4step = ({ia4}u * p[8]) / 4u;
    let a4i = a4m / 4u;
    let a4c = a4m % 4u;\n{}",
            (0..la / 4).map(|r| format!("    var ra4_{r}: vec4<f32>;\n")).collect::<String>()
        ));
    }
    if v4.b {
        prep.push_str(&format!(
            "\n    let b4n = (lid % {nb4}u) * 4u;
    let b4k = lid / {nb4}u;
    let b4off = (bbase + b4k * p[12] + n0 + b4n) / 4u;
    let b4step = ({ib4}u * p[12]) / 4u;\n{}",
            (0..lb / 4).map(|r| format!("    var rb4_{r}: vec4<f32>;\n")).collect::<String>()
        ));
    }

    let mut decls = String::new();
    for i in 0..tile.tm {
        for h in 0..gn {
            if vec {
                decls.push_str(&format!("    var c{i}_{h} = {tile_t}();\n"));
            } else {
                for c in 0..4 {
                    decls.push_str(&format!("    var c{i}_{h}_{c} = {t}();\n"));
                }
            }
        }
    }

    // `reg = value` where `cond` holds (inside the matrix), else `reg = empty`.
    let guarded = |reg: String, cond: String, value: String, empty: &str| {
        format!("        if ({cond}) {{\n            {reg} = {value};\n        }} else {{\n            {reg} = {empty};\n        }}\n")
    };
    let mut load = String::from("        let klim = p[2] - k0;\n        let ka = aoff + k0 * p[9];\n        let kb = boff + k0 * p[12];\n");
    if v4.a {
        // K is a multiple of 4 here, so a vec4 is wholly inside K or wholly outside.
        load.push_str("        let ka4 = a4off + k0 / 4u;\n");
        for r in 0..la / 4 {
            load.push_str(&guarded(format!("ra4_{r}"), format!("a4m + {r}u * {ia4}u < amlim && a4k < klim"), format!("a4[ka4 + {r}u * a4step]"), "vec4<f32>()"));
        }
    } else {
        for r in 0..la {
            load.push_str(&guarded(format!("ra{r}"), format!("am + {r}u * adm < amlim && ak + {r}u * adk < klim"), format!("load_a(ka + {r}u * astep)"), &zero));
        }
    }
    if v4.b {
        // N is a multiple of 4 here: a vec4 is wholly inside N or wholly outside.
        load.push_str("        let kb4 = b4off + (k0 * p[12]) / 4u;\n");
        for r in 0..lb / 4 {
            load.push_str(&guarded(format!("rb4_{r}"), format!("b4n < bnlim && b4k + {r}u * {ib4}u < klim"), format!("b4[kb4 + {r}u * b4step]"), "vec4<f32>()"));
        }
    } else {
        for r in 0..lb {
            load.push_str(&guarded(format!("rb{r}"), format!("bn + {r}u * bdn < bnlim && bk + {r}u * bdk < klim"), format!("load_b(kb + {r}u * bstep)"), &zero));
        }
    }

    let mut to_tiles = String::new();
    if v4.a {
        // Four k rows of one m column: four scalar stores into the k-major tile.
        for r in 0..la / 4 {
            for c in 0..4 {
                to_tiles.push_str(&format!(
                    "        ta[(a4k + {c}u) * {ra_row}u + a4i + {off}u][a4c] = ra4_{r}.{l};\n",
                    off = r * ia4 / 4,
                    l = LANES[c]
                ));
            }
        }
    }
    if v4.b {
        // Four n columns of one k row: one vec4 of the n-major tile.
        for r in 0..lb / 4 {
            to_tiles.push_str(&format!("        tb[(b4k + {r}u * {ib4}u) * {rb_row}u + b4n / 4u] = rb4_{r};\n"));
        }
    }
    for (n, l) in [("a", if v4.a { 0 } else { la }), ("b", if v4.b { 0 } else { lb })] {
        for r in 0..l {
            let at = format!("{n}i + {r}u * {n}istep");
            if vec {
                to_tiles.push_str(&format!("        t{n}[{at}][{n}c] = r{n}{r};\n"));
            } else {
                to_tiles.push_str(&format!("        t{n}[({at}) * 4u + {n}c] = r{n}{r};\n"));
            }
        }
    }

    // The K step unrolled: each k reads this invocation's rows of a and columns of b, then
    // accumulates their outer product.
    let mut inner = String::new();
    for k in 0..bk {
        inner.push_str("        {\n");
        for g in 0..gm {
            let at = format!("{}u + ty", k * ra_row + g * wy);
            if vec {
                inner.push_str(&format!("            let a{g} = ta[{at}];\n"));
            } else {
                for c in 0..4 {
                    inner.push_str(&format!("            let a{g}_{c} = ta[({at}) * 4u + {c}u];\n"));
                }
            }
        }
        for h in 0..gn {
            let at = format!("{}u + tx", k * rb_row + h * wx);
            if vec {
                inner.push_str(&format!("            let b{h} = tb[{at}];\n"));
            } else {
                for c in 0..4 {
                    inner.push_str(&format!("            let b{h}_{c} = tb[({at}) * 4u + {c}u];\n"));
                }
            }
        }
        for i in 0..tile.tm {
            let (g, lane) = (i / 4, i % 4);
            for h in 0..gn {
                let line = match v {
                    Val::F32 | Val::F64 => format!("c{i}_{h} = fma({tile_t}(a{g}.{l}), b{h}, c{i}_{h});", l = LANES[lane]),
                    Val::E64 => (0..4)
                        .map(|c| format!("c{i}_{h}_{c} = e64_add(c{i}_{h}_{c}, e64_mul(a{g}_{lane}, b{h}_{c}));"))
                        .collect::<Vec<_>>()
                        .join("\n            "),
                    _ => format!("c{i}_{h} = c{i}_{h} + a{g}.{l} * b{h};", l = LANES[lane]),
                };
                inner.push_str(&format!("            {line}\n"));
            }
        }
        inner.push_str("        }\n");
    }

    let mut store = String::from("    let cx = n0 + 4u * tx;\n");
    for i in 0..tile.tm {
        let row = (i / 4) * wy * 4 + i % 4;
        store.push_str(&format!("    let row{i} = m0 + 4u * ty + {row}u;\n    if (row{i} < p[0]) {{\n        let o{i} = obase + row{i} * p[16];\n"));
        for h in 0..gn {
            for c in 0..4 {
                let col = h * wx * 4 + c;
                let value = if vec { format!("c{i}_{h}.{}", LANES[c]) } else { format!("c{i}_{h}_{c}") };
                store.push_str(&format!("        if (cx + {col}u < p[1]) {{\n            store(o{i} + (cx + {col}u) * p[17], {value});\n        }}\n"));
            }
        }
        store.push_str("    }\n");
    }

    let helpers = with_helpers(&(f.clone() + &inner), v);
    expand(MATMUL, &[
        ("BINDINGS", &bind),
        ("PBIND", "3"),
        ("TILE_T", &tile_t),
        ("TA_LEN", &(bk * ra_row * if vec { 1 } else { 4 }).to_string()),
        ("TB_LEN", &(bk * rb_row * if vec { 1 } else { 4 }).to_string()),
        ("FUNCTIONS", &(f + &helpers)),
        ("PREP", prep.trim_end()),
        ("DECLS", decls.trim_end()),
        ("LOAD", load.trim_end()),
        ("LOAD_NEXT", &load.trim_end().lines().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")),
        ("TO_TILES", to_tiles.trim_end()),
        ("INNER", inner.trim_end()),
        ("STORE", store.trim_end()),
        ("WG", &inv.to_string()),
        ("WX", &wx.to_string()),
        ("WY4", &(wy * 4).to_string()),
        ("WX4", &(wx * 4).to_string()),
        ("BM", &bm.to_string()),
        ("BN", &bn.to_string()),
        ("BK", &bk.to_string()),
        ("TM", &tile.tm.to_string()),
        ("TN", &tile.tn.to_string()),
    ])
}

/// The blocking for a product of `batches` [m, n] outputs in `d` on this adapter:
/// `RUSTORCH_WGPU_MATMUL_TILE=large|small` forces one (tuning, benchmarks).
fn choose(ctx: &super::Context, d: DType, caps: Caps, batches: usize, m: usize, n: usize) -> Tile {
    let v = val(d, caps);
    let shared = ctx.limits.max_compute_workgroup_storage_size as usize;
    let large = if LARGE.shared_bytes(val_bytes(v)) <= shared { LARGE } else { LARGE_BK8 };
    let usable = |t: Tile| t.shared_bytes(val_bytes(v)) <= shared && t.invocations() <= ctx.limits.max_compute_invocations_per_workgroup as usize;
    match std::env::var("RUSTORCH_WGPU_MATMUL_TILE").as_deref() {
        Ok("large") if usable(large) => return large,
        Ok("small") => return SMALL,
        _ => {}
    }
    // 64-bit values would need twice the registers of the large blocking.
    if val_bytes(v) == 8 || !usable(large) {
        return SMALL;
    }
    if ctx.info.device_type == wgpu::DeviceType::Cpu {
        // lavapipe (2 cores, 1024^3 f32): 143 ms with LARGE_BK8, 179 ms with LARGE, 223 ms with
        // SMALL; small products keep the small blocks (less padding work, faster to compile).
        return if m >= LARGE.bm && n >= LARGE.bn && usable(LARGE_BK8) { LARGE_BK8 } else { SMALL };
    }
    // Large blocks once they are enough to fill a big GPU (about one per multiprocessor).
    // H100 (Vulkan), f32: 4096^3 35.4 TFLOP/s (LARGE) / 34.0 (LARGE_BK8) / 29.7 (SMALL);
    // 2048^3 32.1 / 31.1 / 27.2.
    let blocks = batches.saturating_mul(m.div_ceil(LARGE.bm)).saturating_mul(n.div_ceil(LARGE.bn));
    if blocks >= 128 {
        large
    } else {
        SMALL
    }
}

/// Which operands `tile` can read a vec4 per load: float32, the loaded run contiguous (a along K,
/// b along N), its length, the other strides and the offset multiples of 4 (so every vec4 is
/// 16-byte aligned and wholly inside or outside the matrix), and a tile that gives each
/// invocation whole vec4s. `RUSTORCH_WGPU_MATMUL_VEC4=0` turns them off (tuning, benchmarks).
pub fn vec4_loads(a: &Tensor, b: &Tensor, tile: Tile, a_along_k: bool, b_along_n: bool) -> Vec4 {
    if a.dtype != DType::F32 || std::env::var("RUSTORCH_WGPU_MATMUL_VEC4").as_deref() == Ok("0") {
        return Vec4::default();
    }
    let inv = tile.invocations();
    let (la, lb) = (tile.bm * tile.bk / inv, tile.bk * tile.bn / inv);
    let aligned = |t: &Tensor, run: usize, len: usize| {
        let st = &t.layout.strides;
        st[run] == 1 && len.is_multiple_of(4) && t.layout.offset.is_multiple_of(4) && (0..3).filter(|&i| i != run).all(|i| st[i] >= 0 && st[i] % 4 == 0)
    };
    let (k, n) = (a.shape()[2], b.shape()[2]);
    let fits = |l: usize, along: usize| l.is_multiple_of(4) && inv.is_multiple_of((along / 4).max(1)) && along.is_multiple_of(4);
    Vec4 {
        a: a_along_k && fits(la, tile.bk) && aligned(a, 2, k),
        b: b_along_n && fits(lb, tile.bn) && aligned(b, 2, n),
    }
}

/// Which kernel computes a product: the tiled one with a blocking, or the subgroup variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Blocking {
    Tiled(Tile),
    Subgroup(SgTile),
}

impl Blocking {
    /// The output block of one workgroup (rows, columns).
    fn block(self) -> (usize, usize) {
        match self {
            Blocking::Tiled(t) => (t.bm, t.bn),
            Blocking::Subgroup(t) => (t.bm(), t.bn()),
        }
    }
}

/// `RUSTORCH_WGPU_MATMUL_SUBGROUP`: `0` never takes the subgroup variant, `1` takes it wherever
/// it can run (tests, benchmarks), anything else leaves the choice to `select`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Switch {
    Auto,
    On,
    Off,
}

impl Switch {
    pub fn from_env() -> Switch {
        match std::env::var("RUSTORCH_WGPU_MATMUL_SUBGROUP").as_deref() {
            Ok("0") => Switch::Off,
            Ok("1") => Switch::On,
            _ => Switch::Auto,
        }
    }
}

/// The lanes that share a's values on this adapter, and whether they are a whole subgroup: the
/// smallest subgroup size the adapter may run, where it has SUBGROUP and its largest subgroup
/// divides the subgroup kernel's workgroup (so subgroups are full). None: no subgroup kernel.
pub fn subgroup_lanes(ctx: &super::Context) -> Option<(usize, bool)> {
    let (lo, hi) = (ctx.info.subgroup_min_size as usize, ctx.info.subgroup_max_size as usize);
    let ok = ctx.features.contains(wgpu::Features::SUBGROUP) && lo.is_power_of_two() && (4..=128).contains(&lo) && hi >= lo && sg::WG.is_multiple_of(hi);
    ok.then_some((lo, lo == hi))
}

/// The kernel for `a` [B, M, K] @ `b` [B, K, N] on this adapter. The subgroup variant takes the
/// tiled kernel's blocking where the adapter has subgroups (`subgroup_lanes`), the dtype computes
/// in 32 bits or f64 and b's tile fits workgroup memory; `switch` On takes it there, Off never,
/// Auto where `subgroup_pays`.
pub fn select(ctx: &super::Context, a: &Tensor, b: &Tensor, caps: Caps, switch: Switch) -> Blocking {
    let d = a.dtype;
    let (batches, m, n) = (a.shape()[0], a.shape()[1], b.shape()[2]);
    let tile = choose(ctx, d, caps, batches, m, n);
    let v = val(d, caps);
    let sub = subgroup_lanes(ctx).map(|(g, whole)| SgTile::like(tile, g, whole)).filter(|t| {
        t.valid() && serves(v) && t.shared_bytes(val_bytes(v)) <= ctx.limits.max_compute_workgroup_storage_size as usize
    });
    let take = match switch {
        Switch::Off => false,
        Switch::On => true,
        Switch::Auto => subgroup_pays(ctx),
    };
    match sub {
        Some(t) if take => Blocking::Subgroup(t),
        _ => Blocking::Tiled(tile),
    }
}

/// Where the subgroup variant is the automatic choice: CPU adapters, for every product (lavapipe
/// on 2 shared cores, float32 1024^3 in alternating runs: 19.5 against 16.8 GFLOP/s on a quiet
/// machine, 6.2 against 5.5 under load, 11-15% less CPU time per product; 13-40% less from 128^3
/// to 512^3, batched, float64, float16, single rows, transposed a). GPUs keep the tiled kernel
/// (35 TFLOP/s on the H100) until the subgroup one is measured there: `bash bench/gpu_matmul.sh`
/// reports both, and RUSTORCH_WGPU_MATMUL_SUBGROUP=1 forces it.
fn subgroup_pays(ctx: &super::Context) -> bool {
    ctx.info.device_type == wgpu::DeviceType::Cpu
}

/// out[b] = a[b] @ b_[b] for every batch b. a: [B, M, K], b: [B, K, N], out: [B, M, N], all wgpu tensors of one dtype.
pub fn matmul(a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    run(a, b, out, None)
}

/// `matmul` with a given kernel and blocking (the tests run every one on the device).
#[cfg(test)]
pub fn matmul_with(a: &Tensor, b: &Tensor, out: &Tensor, blocking: Blocking) -> Result<()> {
    run(a, b, out, Some(blocking))
}

fn run(a: &Tensor, b: &Tensor, out: &Tensor, blocking: Option<Blocking>) -> Result<()> {
    debug_assert!(a.ndim() == 3 && b.ndim() == 3 && out.ndim() == 3);
    debug_assert!(a.dtype == b.dtype && a.dtype == out.dtype);
    let (batches, m, k) = (a.shape()[0], a.shape()[1], a.shape()[2]);
    let n = b.shape()[2];
    debug_assert!(b.shape()[0] == batches && b.shape()[1] == k && out.shape() == [batches, m, n]);
    let d = out.dtype;
    if d == DType::Bool {
        return Err(Error::DTypeUnsupported { op: "addmm_impl_cpu_", dtype: d });
    }
    let ctx = super::context()?;
    let caps = Caps::of(&ctx);
    super::map::check_dtype(&ctx, d, caps)?;
    if out.numel() == 0 {
        return Ok(());
    }
    let max_bind = ctx.limits.max_storage_buffer_binding_size;
    for t in [a, b, out] {
        if capacity(t)? as u64 > max_bind {
            return Err(Error::NotImplemented(format!(
                "matmul of a tensor larger than one storage binding ({max_bind} bytes on {}) is not supported yet on the wgpu device",
                ctx.info.name
            )));
        }
    }
    let blocking = blocking.unwrap_or_else(|| select(&ctx, a, b, caps, Switch::from_env()));
    let s = |t: &Tensor, i: usize| t.layout.strides[i].max(0) as usize;
    // Tile loads run along the operand's smaller stride (coalesced); a lone row or column
    // has no stride to speak of.
    let a_along_k = m == 1 || (k > 1 && s(a, 2) <= s(a, 1));
    let b_along_n = k == 1 || (n > 1 && s(b, 2) <= s(b, 1));
    let (bm, bn) = blocking.block();
    let (blocks_n, blocks_m) = (n.div_ceil(bn), m.div_ceil(bm));
    let mut params = u32s([
        m, n, k, batches, blocks_n, blocks_m,
        a.layout.offset, s(a, 0), s(a, 1), s(a, 2),
        b.layout.offset, s(b, 0), s(b, 1), s(b, 2),
        out.layout.offset, s(out, 0), s(out, 1), s(out, 2),
        a_along_k as usize, b_along_n as usize,
    ])?;
    params.resize(24, 0);
    let groups = blocks_n.checked_mul(blocks_m).and_then(|g| g.checked_mul(batches));
    let groups = groups.ok_or_else(|| Error::NotImplemented("matmul too large for one wgpu dispatch".into()))?;
    u32s([groups])?;
    let wgsl = val(d, caps).wgsl();
    let p = match blocking {
        Blocking::Tiled(tile) => {
            let v4 = vec4_loads(a, b, tile, a_along_k, b_along_n);
            pipeline(&ctx, &format!("matmul/{d:?}/{tile:?}/{v4:?}/{wgsl}"), || Some(source(d, tile, caps, v4)))?
        }
        Blocking::Subgroup(t) if !serves(val(d, caps)) || !t.valid() => {
            return Err(Error::NotImplemented(format!("the subgroup matmul kernel does not compute {} with {t:?}", d.name())));
        }
        Blocking::Subgroup(t) => {
            let v4b = vec4_loads(a, b, t.tile(), false, b_along_n).b;
            pipeline(&ctx, &format!("matmul_subgroup/{d:?}/{t:?}/{v4b}/{wgsl}"), || Some(sg::source(d, t, caps, v4b)))?
        }
    };
    let bufs: [Bind; 3] = [buffer(&ctx, a)?.into(), buffer(&ctx, b)?.into(), buffer(&ctx, out)?.into()];
    dispatch_groups(&ctx, &p, &bufs, &params, groups)
}

/// Every module (each dtype the family serves, each blocking), for the tests.
#[cfg(test)]
pub fn test_sources(caps: Caps) -> Vec<(String, String)> {
    use DType::*;
    let mut out = vec![];
    for d in [U8, I8, I16, I32, I64, F16, BF16, F32, F64] {
        for tile in [LARGE, LARGE_BK8, SMALL] {
            out.push((format!("matmul {} {tile:?}", d.name()), source(d, tile, caps, Vec4::default())));
        }
    }
    for tile in [LARGE, LARGE_BK8] {
        for (a, b) in [(true, false), (false, true), (true, true)] {
            out.push((format!("matmul f32 {tile:?} vec4 a={a} b={b}"), source(F32, tile, caps, Vec4 { a, b })));
        }
    }
    for t in test_sg_tiles() {
        for d in [U8, I8, I16, I32, F16, BF16, F32, F64] {
            out.push((format!("matmul_subgroup {} {t:?}", d.name()), sg::source(d, t, caps, false)));
        }
        if (t.bk * t.bn() / sg::WG).is_multiple_of(4) {
            out.push((format!("matmul_subgroup f32 {t:?} vec4 b"), sg::source(F32, t, caps, true)));
        }
    }
    out
}

/// Subgroup blockings the tests build and run: every tiled blocking in the groups of real GPUs
/// (32 lanes: NVIDIA, Apple; 64: AMD) and of lavapipe (8), one row of lanes per group or several
/// (shuffles instead of broadcasts), groups that are whole subgroups or parts of them.
#[cfg(test)]
pub fn test_sg_tiles() -> Vec<SgTile> {
    let mut out = vec![];
    for tile in [LARGE, LARGE_BK8, SMALL] {
        for (g, gx, whole) in [(8, 8, true), (8, 4, true), (4, 4, false), (4, 2, false), (32, 8, true), (64, 8, false), (16, 16, true)] {
            out.push(SgTile { gx, ..SgTile::like(tile, g, whole) });
        }
    }
    out
}
