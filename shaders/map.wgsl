// The elementwise family: out[o] = OP(a[ia], b[ib], c[ic]) over the N-d index of each output
// element. Every operand (and the output) is read through its own offset and strides, so views,
// broadcasts and non-contiguous outputs need no copies; dtype conversions happen in the loads
// and the store (see src/wgpu/dtypes.rs). Operands that are Python numbers are parameters.
// Params (u32): [0] numel, [1] ndim, [2..6] offsets of a, b, c, out, [6] index of the first
// element (when a large tensor runs in windows), [7] numel of the whole output, [8..16] shape,
// [16..24] [24..32] [32..40] strides of a, b, c, [40..48] out strides, [48..56] scalars.
{{BINDINGS}}
@group(0) @binding({{PBIND}}) var<storage, read> p: array<u32>;

{{FUNCTIONS}}

{{OFFSETS}}

// The value element i stores (gi: its index in the whole output, for arange/linspace).
fn value(i: u32, o: vec4<u32>) -> {{OUT_T}} {
    let gi = i + p[6];
{{BODY}}
}

// Each invocation computes {{UNROLL}} elements, {{WG}} apart (coalesced), loading all of them
// before storing any: several loads in flight per invocation are what a GPU needs to reach its
// memory bandwidth (one per invocation leaves an H100 at about 60%).
@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    // Two-dimensional grids carry more than 65,535 workgroups.
    let i0 = (wid.x + wid.y * nwg.x) * ({{WG}}u * {{UNROLL}}u) + lid;
    if (i0 + ({{UNROLL}}u - 1u) * {{WG}}u < p[0]) {
{{UNROLLED}}
    } else {
        for (var k = 0u; k < {{UNROLL}}u; k = k + 1u) {
            let i = i0 + k * {{WG}}u;
            if (i < p[0]) {
                let o = offsets(i);
                store(o.w, value(i, o));
            }
        }
    }
}
