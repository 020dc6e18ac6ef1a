// The index family: gather and scatter (assignment and reductions), one invocation per element of
// `index`. Each index element names a position t along `dim`: its int64 value, read as two u32
// words so that the same module serves adapters with and without SHADER_INT64. A value outside
// [0, p[6]) names no position and the element is skipped (gather stores zero), so a kernel never
// reads or writes outside a tensor, even before the host's bounds check raises.
// Four offset streams over the index's merged shape, each through its own strides:
//   x: the index element;  y: src (gather: x, its stride along dim zeroed);
//   z: out (scatter: out, its stride along dim zeroed);  w: lin, the row-major position in out
//   (scatter's per-element winner and count buffers; its stride along dim zeroed).
// The targeted element is z + t * p[7] (gather reads y + t * p[7]); its lin position w + t * p[48].
// Params (u32): [0] elements, [1] merged ndim, [2..6] offsets of index, src, out, lin, [6] size of
// dim in the indexed tensor, [7] its stride there, [8..16] shape, [16..24] [24..32] [32..40]
// [40..48] strides of index, src, out, lin, [48] lin's stride along dim.
{{BINDINGS}}
@group(0) @binding({{PBIND}}) var<storage, read> p: array<u32>;

const NONE: u32 = 0xffffffffu;

{{FUNCTIONS}}

{{OFFSETS}}

// The position along dim that the index element at `io` names; NONE outside [0, p[6]).
fn position(io: u32) -> u32 {
    let lo = idx[2u * io];
    let hi = idx[2u * io + 1u];
    if (hi != 0u || lo >= p[6]) {
        return NONE;
    }
    return lo;
}

// This pass's work for element i (offsets o) naming position t.
fn work(i: u32, o: vec4<u32>, t: u32) {
{{PASS}}
}

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let i = (wid.x + wid.y * nwg.x) * {{WG}}u + lid;
    if (i >= p[0]) {
        return;
    }
    let o = offsets(i);
    let t = position(o.x);
    if (t != NONE) {
        work(i, o, t);
    } else {
{{SKIPPED}}
    }
}
