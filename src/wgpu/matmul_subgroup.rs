//! The subgroup variant of the matrix-multiplication family (`shaders/matmul_subgroup.wgsl`):
//! the blocks and register tiles of the tiled kernel, but a's values go from global memory
//! straight into registers and reach the lanes that need them through subgroup broadcasts or
//! shuffles (no round trip through workgroup memory, half the workgroup memory per step); b's
//! tile stays in workgroup memory. Taken where the adapter has SUBGROUP (see `matmul::select`).

use super::dtypes::{self, val, Caps, Val};
use super::matmul::Tile;
use super::template::{expand, with_helpers};
use crate::dtype::DType;

pub const MATMUL_SUBGROUP: &str = include_str!("../../shaders/matmul_subgroup.wgsl");

/// Invocations per workgroup: 16 x 16 lanes, each computing `tm` x `tn` outputs.
pub const WG: usize = 256;

/// The blocking of one subgroup kernel: a workgroup computes a `16 tm` x `16 tn` block of the
/// output (the tiled kernel's `bm` x `bn`), walking K in steps of `bk`. Lanes share a's values in
/// groups of `g` (a power of two no larger than the smallest subgroup the adapter may run), laid
/// out `gx` columns of lanes by `g / gx` rows of lanes. `whole`: every subgroup is exactly one
/// group (the adapter's subgroup size is fixed at `g`), so lane indices are compile-time constants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SgTile {
    pub g: usize,
    pub gx: usize,
    pub tm: usize,
    pub tn: usize,
    pub bk: usize,
    pub whole: bool,
}

impl SgTile {
    /// The blocking of `tile` in groups of `g` lanes (8 columns of lanes where there are as many).
    pub fn like(tile: Tile, g: usize, whole: bool) -> SgTile {
        SgTile { g, gx: g.min(8), tm: tile.tm, tn: tile.tn, bk: tile.bk, whole }
    }
    fn gy(self) -> usize {
        self.g / self.gx
    }
    pub fn bm(self) -> usize {
        16 * self.tm
    }
    pub fn bn(self) -> usize {
        16 * self.tn
    }
    /// The tiled kernel's blocking with the same blocks (for `matmul::vec4_loads`).
    pub fn tile(self) -> Tile {
        Tile { bm: self.bm(), bn: self.bn(), bk: self.bk, tm: self.tm, tn: self.tn }
    }
    /// Registers of a per lane per K step: the group's `gy tm` rows times `bk` values over `g` lanes.
    fn regs(self) -> usize {
        (self.gy() * self.tm * self.bk).div_ceil(self.g)
    }
    /// vec4s per (padded) row of b's tile.
    fn row_b(self) -> usize {
        self.bn() / 4 + 1
    }
    /// Workgroup memory of b's tile, with values of `bytes` bytes.
    pub fn shared_bytes(self, bytes: usize) -> usize {
        self.bk * self.row_b() * 4 * bytes
    }
    /// The layout constraints the generated code relies on.
    pub fn valid(self) -> bool {
        let (g, gx) = (self.g, self.gx);
        g.is_power_of_two()
            && (4..=128).contains(&g)
            && gx.is_power_of_two()
            && gx <= g
            && gx <= 16
            && self.gy() <= 16
            && self.tm.is_multiple_of(4)
            && self.tn.is_multiple_of(4)
            && WG.is_multiple_of(self.bn())
            && WG.is_multiple_of(self.bk)
            && (WG / self.bk).is_multiple_of(4)
            && (self.bk * self.bn()).is_multiple_of(WG)
    }
}

/// Whether the subgroup kernel computes in `v`: 32-bit values and f64. 64-bit integers (native
/// ones would need subgroup operations on them, an extension of its own; emulated ones are
/// pairs) stay on the tiled kernel.
pub fn serves(v: Val) -> bool {
    matches!(v, Val::F32 | Val::F64 | Val::I32 | Val::U32)
}

const LANES: [&str; 4] = ["x", "y", "z", "w"];

/// The module computing `d` with blocking `t`; `v4b`: b is read a vec4 per load (float32, run
/// along N contiguous and 16-byte aligned: `matmul::vec4_loads`).
pub fn source(d: DType, t: SgTile, caps: Caps, v4b: bool) -> String {
    debug_assert!(t.valid());
    let v = val(d, caps);
    let ty = v.wgsl();
    let tile_t = format!("vec4<{ty}>");
    let zero = format!("{ty}()");
    let (g, gx, gy, tm, bk, bn) = (t.g, t.gx, t.gy(), t.tm, t.bk, t.bn());
    let gn = t.tn / 4;
    let rb_row = t.row_b();

    let mut bind = dtypes::input_decl("a", 0, d, caps);
    bind.push_str(&if v4b {
        "@group(0) @binding(1) var<storage, read> b4: array<vec4<f32>>;\n".to_string()
    } else {
        dtypes::input_decl("bm", 1, d, caps)
    });
    bind.push_str(&dtypes::output_decl("out", 2, d, caps));
    let mut f = dtypes::load_fn("load_a", "a", d, caps, false);
    if !v4b {
        f.push_str(&dtypes::load_fn("load_b", "bm", d, caps, false));
    }
    f.push_str(&dtypes::store_fn("store", "out", d, caps));

    // a: register j of lane l holds slot s = j g + l of the group's (row i, k) values, slot
    // (i bk + k) gy + row group, so that one register holds a given (i, k) for every row group.
    let slots = gy * tm * bk;
    let mut prep = String::new();
    for j in 0..t.regs() {
        prep.push_str(&format!(
            "    let as{j} = {}u + l;
    let ak{j} = (as{j} / {gy}u) % {bk}u;
    let am{j} = rm + (as{j} % {gy}u) * {tm}u + as{j} / {gk}u;
    let av{j} = as{j} < {slots}u && am{j} < amlim;
    let ao{j} = abase + (m0 + am{j}) * p[8] + ak{j} * p[9];
    var ra{j}: {ty};\n",
            j * g,
            gk = gy * bk,
        ));
    }
    // b's tile: invocation i loads elements i + r WG, along N (when p[19] is 1: k i / BN + r WG / BN,
    // n i % BN) or along K (k i % BK, n i / BK + r WG / BK), as in the tiled kernel.
    let lb = bk * bn / WG;
    prep.push_str(&format!(
        "    let qf = p[19] == 1u;
    let qn = select(lid / {bk}u, lid % {bn}u, qf);
    let qk = select(lid % {bk}u, lid / {bn}u, qf);
    let qdn = select({ik}u, 0u, qf);
    let qdk = select(0u, {in_}u, qf);
    let bnlim = p[1] - n0;
    let qoff = bbase + qk * p[12] + (n0 + qn) * p[13];
    let qstep = qdk * p[12] + qdn * p[13];
    let qi = qk * {rb_row}u + qn / 4u;
    let qistep = qdk * {rb_row}u + qdn / 4u;
    let qc = qn % 4u;\n",
        ik = WG / bk,
        in_ = WG / bn,
    ));
    let (nb4, ib4) = (bn / 4, WG / (bn / 4));
    if v4b {
        prep.push_str(&format!(
            "    let b4n = (lid % {nb4}u) * 4u;
    let b4k = lid / {nb4}u;
    let b4off = (bbase + b4k * p[12] + n0 + b4n) / 4u;
    let b4step = ({ib4}u * p[12]) / 4u;\n"
        ));
        for r in 0..lb / 4 {
            prep.push_str(&format!("    var rb4_{r}: vec4<f32>;\n"));
        }
    } else {
        for r in 0..lb {
            prep.push_str(&format!("    var rb{r}: {ty};\n"));
        }
    }

    let mut decls = String::new();
    for i in 0..tm {
        for h in 0..gn {
            decls.push_str(&format!("    var c{i}_{h} = {tile_t}();\n"));
        }
    }

    let guarded = |reg: String, cond: String, value: String, empty: &str| {
        format!("        if ({cond}) {{\n            {reg} = {value};\n        }} else {{\n            {reg} = {empty};\n        }}\n")
    };
    let mut load = String::from("        let klim = p[2] - k0;\n");
    for j in 0..t.regs() {
        load.push_str(&guarded(format!("ra{j}"), format!("av{j} && ak{j} < klim"), format!("load_a(ao{j} + k0 * p[9])"), &zero));
    }
    if v4b {
        // N is a multiple of 4 here: a vec4 is wholly inside N or wholly outside.
        load.push_str("        let kb4 = b4off + (k0 * p[12]) / 4u;\n");
        for r in 0..lb / 4 {
            load.push_str(&guarded(format!("rb4_{r}"), format!("b4n < bnlim && b4k + {r}u * {ib4}u < klim"), format!("b4[kb4 + {r}u * b4step]"), "vec4<f32>()"));
        }
    } else {
        load.push_str("        let kb = qoff + k0 * p[12];\n");
        for r in 0..lb {
            load.push_str(&guarded(format!("rb{r}"), format!("qn + {r}u * qdn < bnlim && qk + {r}u * qdk < klim"), format!("load_b(kb + {r}u * qstep)"), &zero));
        }
    }

    let mut to_tiles = String::new();
    if v4b {
        for r in 0..lb / 4 {
            to_tiles.push_str(&format!("        tb[(b4k + {r}u * {ib4}u) * {rb_row}u + b4n / 4u] = rb4_{r};\n"));
        }
    } else {
        for r in 0..lb {
            to_tiles.push_str(&format!("        tb[qi + {r}u * qistep][qc] = rb{r};\n"));
        }
    }
    // This step's a values, so that the next step's loads can go into the registers meanwhile.
    let take: String = (0..t.regs()).map(|j| format!("        let a{j} = ra{j};\n")).collect();

    // The K step unrolled: b's vec4s for this lane's columns from the tile, a's value of each row
    // from the lane holding it, then their products.
    let fetch = |reg: usize, src: usize| match (t.whole, gy) {
        (true, 1) => format!("subgroupBroadcast(a{reg}, {src}u)"),
        (true, _) => format!("subgroupShuffle(a{reg}, {src}u + gy)"),
        (false, 1) => format!("subgroupShuffle(a{reg}, lead + {src}u)"),
        (false, _) => format!("subgroupShuffle(a{reg}, lead + {src}u + gy)"),
    };
    let mut inner = String::from("        let bc = cn / 4u + gx;\n");
    for k in 0..bk {
        inner.push_str("        {\n");
        for h in 0..gn {
            inner.push_str(&format!("            let b{h} = tb[{}u + bc];\n", k * rb_row + h * gx));
        }
        for i in 0..tm {
            let s = (i * bk + k) * gy;
            inner.push_str(&format!("            let x{i} = {};\n", fetch(s / g, s % g)));
            for h in 0..gn {
                let line = if v.is_float() {
                    format!("c{i}_{h} = fma({tile_t}(x{i}), b{h}, c{i}_{h});")
                } else {
                    format!("c{i}_{h} = c{i}_{h} + x{i} * b{h};")
                };
                inner.push_str(&format!("            {line}\n"));
            }
        }
        inner.push_str("        }\n");
    }

    let mut store = String::from("    let cx = n0 + cn + 4u * gx;\n");
    for i in 0..tm {
        store.push_str(&format!("    let row{i} = m0 + rm + gy * {tm}u + {i}u;\n    if (row{i} < p[0]) {{\n        let o{i} = obase + row{i} * p[16];\n"));
        for h in 0..gn {
            for (c, lane) in LANES.iter().enumerate() {
                let col = h * gx * 4 + c;
                store.push_str(&format!("        if (cx + {col}u < p[1]) {{\n            store(o{i} + (cx + {col}u) * p[17], c{i}_{h}.{lane});\n        }}\n"));
            }
        }
        store.push_str("    }\n");
    }

    let helpers = with_helpers(&f, v);
    expand(MATMUL_SUBGROUP, &[
        ("BINDINGS", &bind),
        ("PBIND", "3"),
        ("TILE_T", &tile_t),
        ("TB_LEN", &(bk * rb_row).to_string()),
        ("FUNCTIONS", &(f + &helpers)),
        ("PREP", prep.trim_end()),
        ("DECLS", decls.trim_end()),
        ("LOAD", load.trim_end()),
        ("LOAD_NEXT", &load.trim_end().lines().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")),
        ("TO_TILES", to_tiles.trim_end()),
        ("TAKE", take.trim_end()),
        ("INNER", inner.trim_end()),
        ("STORE", store.trim_end()),
        ("WG", &WG.to_string()),
        ("G", &g.to_string()),
        ("GX", &gx.to_string()),
        ("GY", &gy.to_string()),
        ("GX4", &(gx * 4).to_string()),
        ("SUB_N", &(16 / gx).to_string()),
        ("BM", &t.bm().to_string()),
        ("BN", &bn.to_string()),
        ("BK", &bk.to_string()),
        ("TM", &tm.to_string()),
        ("TN", &t.tn.to_string()),
    ])
}
