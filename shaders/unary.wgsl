// out[i] = OP(x[strided index of i]) for a contiguous output; x read through its strides.
// Params (u32): numel, ndim, x offset, out offset, shape[8], x strides[8] (elements).
{{ENABLE}}
@group(0) @binding(0) var<storage, read> x: array<{{T}}>;
@group(0) @binding(1) var<storage, read_write> out: array<{{T}}>;
@group(0) @binding(2) var<storage, read> p: array<u32>;

{{HELPERS}}

fn x_index(i: u32) -> u32 {
    var rem = i;
    var off = p[2];
    for (var d = i32(p[1]) - 1; d >= 0; d = d - 1) {
        let s = p[4u + u32(d)];
        off = off + (rem % s) * p[12u + u32(d)];
        rem = rem / s;
    }
    return off;
}

@compute @workgroup_size({{WG}})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    // Two-dimensional grids carry more than 65,535 workgroups.
    let i = gid.x + gid.y * nwg.x * {{WG}}u;
    if (i >= p[0]) {
        return;
    }
    let x = x[x_index(i)];
    out[p[3] + i] = {{OP}};
}
