// nonzero: the row-major coordinates of x's non-zero elements as an [n, ndim] int64 tensor, in
// four passes (the host picks one per module with {{PASS}}, binding only that pass's buffers):
//   count: the non-zero elements of each block of {{BLOCK}} elements, into cnt[block];
//   scan:  an exclusive prefix sum of `data` within each block of {{WG}} entries, each block's
//          total into sums[block] (applied level by level until one block remains);
//   add:   each block of `data` plus its block's scanned total in `sums` (back down the levels);
//   write: each block recounts its elements, {{ITEMS}} consecutive ones per invocation, ranks
//          them with a workgroup scan and writes their coordinates from row offs[block] on, so
//          rows come out in row-major order.
// Params (u32): [0] elements (x's numel, or the entries of `data`), [1] ndim, [2] x offset,
// [3] rows of the output, [4] merged ndim, [5] blocks (workgroups), [8..16] shape, [24..32] merged shape, [32..40] merged
// strides of x.
{{BINDINGS}}
@group(0) @binding({{PBIND}}) var<storage, read> p: array<u32>;

var<workgroup> part: array<u32, {{WG}}>;

{{FUNCTIONS}}

// Offset in x of element e (row-major over x's shape), through the merged dims.
fn x_offset(e: u32) -> u32 {
    if (p[4] == 1u) {
        return p[2] + e * p[32];
    }
    var off = p[2];
    var rem = e;
    for (var d = i32(p[4]) - 1; d >= 0; d = d - 1) {
        let u = u32(d);
        off = off + (rem % p[24u + u]) * p[32u + u];
        rem = rem / p[24u + u];
    }
    return off;
}

fn nonzero_at(e: u32) -> bool {
    return e < p[0] && is_nonzero(x_offset(e));
}

// The exclusive prefix sum of v over the workgroup's invocations (in order); the workgroup's
// total is left in part[{{WG}} - 1] until the next call. Called in uniform control flow.
fn scan_wg(lid: u32, v: u32) -> u32 {
    part[lid] = v;
    workgroupBarrier();
    for (var s = 1u; s < {{WG}}u; s = s << 1u) {
        var prev = 0u;
        if (lid >= s) {
            prev = part[lid - s];
        }
        workgroupBarrier();
        part[lid] = part[lid] + prev;
        workgroupBarrier();
    }
    return part[lid] - v;
}

fn nz_count(g: u32, lid: u32) {
    var c = 0u;
    // Any order will do for a count: consecutive invocations read consecutive elements.
    for (var k = 0u; k < {{ITEMS}}u; k = k + 1u) {
        if (nonzero_at(g * {{BLOCK}}u + k * {{WG}}u + lid)) {
            c = c + 1u;
        }
    }
    _ = scan_wg(lid, c);
    if (lid == 0u) {
        cnt[g] = part[{{WG}}u - 1u];
    }
}

fn nz_scan(g: u32, lid: u32) {
    let e = g * {{WG}}u + lid;
    var v = 0u;
    if (e < p[0]) {
        v = data[e];
    }
    let excl = scan_wg(lid, v);
    if (e < p[0]) {
        data[e] = excl;
    }
    if (lid == 0u) {
        sums[g] = part[{{WG}}u - 1u];
    }
}

fn nz_add(g: u32, lid: u32) {
    let e = g * {{WG}}u + lid;
    if (e < p[0]) {
        data[e] = data[e] + sums[g];
    }
}

fn nz_write(g: u32, lid: u32) {
    let first = g * {{BLOCK}}u + lid * {{ITEMS}}u;
    var flags = 0u;
    var c = 0u;
    for (var k = 0u; k < {{ITEMS}}u; k = k + 1u) {
        if (nonzero_at(first + k)) {
            flags = flags | (1u << k);
            c = c + 1u;
        }
    }
    var row = offs[g] + scan_wg(lid, c);
    let nd = p[1];
    for (var k = 0u; k < {{ITEMS}}u; k = k + 1u) {
        if ((flags & (1u << k)) != 0u) {
            // Past the rows the host sized the output for (never, unless x changed): skipped.
            if (row < p[3]) {
                var rem = first + k;
                for (var d = i32(nd) - 1; d >= 0; d = d - 1) {
                    let u = u32(d);
                    let w = 2u * (row * nd + u);
                    out[w] = rem % p[8u + u];
                    out[w + 1u] = 0u;
                    rem = rem / p[8u + u];
                }
            }
            row = row + 1u;
        }
    }
}

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let g = wid.x + wid.y * nwg.x;
    if (g >= p[5]) {
        return; // a whole workgroup past the last block (uniform)
    }
    {{PASS}}(g, lid);
}
