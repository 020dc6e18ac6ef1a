// The reduction family: one workgroup per (output element, chunk of the reduced elements).
// Each invocation folds a strided slice of its chunk into an accumulator, then the workgroup
// combines the accumulators: in a tree in workgroup memory, or, where the adapter has subgroup
// operations and the op maps onto one, within each subgroup first. With several chunks
// per output (large reductions) this pass writes partial results that a second pass of the
// same template combines. Inputs are read through their strides (kept dims, then reduced
// dims), so transposed and sliced inputs reduce without a copy.
// Params (u32): [0] outputs, [1] reduced elements per output, [2] chunks per output,
// [3] elements per chunk, [4] kept ndim, [5] reduced ndim, [6] x offset, [7] m offset,
// [8..16] kept shape, [16..24] kept strides, [24..32] reduced shape, [32..40] reduced strides,
// [40] [41] offsets of the values and indices outputs (last pass).
{{BINDINGS}}
@group(0) @binding({{PBIND}}) var<storage, read> p: array<u32>;

var<workgroup> sv: array<{{ACC}}, {{WG}}>;
var<workgroup> si: array<u32, {{WG}}>;

{{FUNCTIONS}}

// (acc, ai) combined with (b, bi): the op's combine, with the index of the kept value.
fn combine(acc: ptr<function, {{ACC}}>, ai: ptr<function, u32>, b: {{ACC}}, bi: u32) {
    let a = *acc;
{{COMBINE}}
}

// Offset of linear index i over nd dims whose sizes start at p[sh], strides at p[st].
fn offset(i: u32, nd: u32, sh: u32, st: u32) -> u32 {
    var off = 0u;
    var rem = i;
    for (var d = i32(nd) - 1; d >= 0; d = d - 1) {
        let u = u32(d);
        off = off + (rem % p[sh + u]) * p[st + u];
        rem = rem / p[sh + u];
    }
    return off;
}

// Offset of reduced element r of the output whose first element is at base.
fn at(base: u32, r: u32) -> u32 {
    if (p[5] > 1u) {
        return base + offset(r, p[5], 24u, 32u);
    }
    return base + r * p[32];
}

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32{{SG_ARGS}}) {
    let w = wid.x + wid.y * nwg.x;
    if (w >= p[0] * p[2]) {
        return; // a whole workgroup past the end (uniform)
    }
    let o = w / p[2];
    let g = w % p[2];
    // Offset of output o's first element: o over the kept dims.
    let base = p[6] + offset(o, p[4], 8u, 16u);
{{PRELUDE}}
    var acc: {{ACC}} = {{IDENTITY}};
    var ai: u32 = 0xffffffffu;
    let start = g * p[3];
    let end = min(start + p[3], p[1]);
    var r = start + lid;
    // {{UNROLL}} loads in flight per step before they are folded in order (see map.wgsl).
    for (; r + ({{UNROLL}}u - 1u) * {{WG}}u < end; r = r + {{UNROLL}}u * {{WG}}u) {
{{FOLD_UNROLLED}}
    }
    for (; r < end; r = r + {{WG}}u) {
        let off = at(base, r);
{{FOLD}}
    }
{{TREE}}
}
