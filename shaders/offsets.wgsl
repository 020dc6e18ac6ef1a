// Offsets of element i into four strided streams (a family's operands and output), with the shared
// parameter layout of map.wgsl and index.wgsl: [1] merged ndim, [2..6] the streams' offsets,
// [8..16] shape, [16..24] [24..32] [32..40] [40..48] the streams' strides.
fn offsets(i: u32) -> vec4<u32> {
    var o = vec4<u32>(p[2], p[3], p[4], p[5]);
    if (p[1] == 1u) {
        // One dim after merging (contiguous or evenly strided): no divisions.
        return o + i * vec4<u32>(p[16], p[24], p[32], p[40]);
    }
    var rem = i;
    for (var d = i32(p[1]) - 1; d >= 0; d = d - 1) {
        let u = u32(d);
        let s = p[8u + u];
        o = o + (rem % s) * vec4<u32>(p[16u + u], p[24u + u], p[32u + u], p[40u + u]);
        rem = rem / s;
    }
    return o;
}
