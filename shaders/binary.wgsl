// out[i] = OP(a[...], b[...]) for a contiguous output; a and b read through their own
// (broadcast) strides. Params (u32): numel, ndim, a offset, b offset, out offset, shape[8],
// a strides[8], b strides[8].
{{ENABLE}}
@group(0) @binding(0) var<storage, read> sa: array<{{T}}>;
@group(0) @binding(1) var<storage, read> sb: array<{{T}}>;
@group(0) @binding(2) var<storage, read_write> out: array<{{T}}>;
@group(0) @binding(3) var<storage, read> p: array<u32>;

{{HELPERS}}

@compute @workgroup_size({{WG}})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let i = gid.x + gid.y * nwg.x * {{WG}}u;
    if (i >= p[0]) {
        return;
    }
    var rem = i;
    var ia = p[2];
    var ib = p[3];
    for (var d = i32(p[1]) - 1; d >= 0; d = d - 1) {
        let s = p[5u + u32(d)];
        let k = rem % s;
        ia = ia + k * p[13u + u32(d)];
        ib = ib + k * p[21u + u32(d)];
        rem = rem / s;
    }
    let a = sa[ia];
    let b = sb[ib];
    out[p[4] + i] = {{OP}};
}
