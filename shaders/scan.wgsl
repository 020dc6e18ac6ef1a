// cumsum / cumprod along one dim: a two-pass parallel scan, applied level by level.
// Each row is an [outer, n, inner] slice (element i of row r at
// base + (r / inner) * n * inner + i * inner + r % inner); a workgroup takes one block of
// {{BLOCK}} consecutive elements of one row ({{ITEMS}} per invocation, scanned in registers, then
// a Hillis-Steele scan of the invocations' totals in workgroup memory). Rows are batched in
// the grid: workgroup g scans block g % blocks of row g / blocks.
//   scan: block-local inclusive scan of src into dst, each block's total into sums[row, block];
//   add:  the (scanned) totals of the blocks before each block combined into its elements;
//   short: rows of a few elements, one invocation per row (p[3] = 1, so g is the group).
// Params (u32): [0] n, [1] inner, [2] rows, [3] blocks per row, [4] src offset, [5] workgroups.
{{BINDINGS}}
@group(0) @binding({{PBIND}}) var<storage, read> p: array<u32>;

var<workgroup> part: array<{{T}}, {{WG}}>;

{{FUNCTIONS}}

fn combine(a: {{T}}, b: {{T}}) -> {{T}} {
    return {{COMBINE}};
}

fn at(base: u32, r: u32, i: u32) -> u32 {
    let inner = p[1];
    return base + (r / inner) * p[0] * inner + i * inner + r % inner;
}

fn scan_block(row: u32, b: u32, lid: u32) {
    let first = b * {{BLOCK}}u + lid * {{ITEMS}}u;
    var v: array<{{T}}, {{ITEMS}}>;
    var t = {{IDENT}};
    for (var k = 0u; k < {{ITEMS}}u; k = k + 1u) {
        let i = first + k;
        if (i < p[0]) {
            t = combine(t, load_src(at(p[4], row, i)));
        }
        v[k] = t;
    }
    part[lid] = t;
    workgroupBarrier();
    for (var s = 1u; s < {{WG}}u; s = s << 1u) {
        var prev = {{IDENT}};
        let has = lid >= s;
        if (has) {
            prev = part[lid - s];
        }
        workgroupBarrier();
        if (has) {
            part[lid] = combine(prev, part[lid]);
        }
        workgroupBarrier();
    }
    var excl = {{IDENT}};
    if (lid > 0u) {
        excl = part[lid - 1u];
    }
    for (var k = 0u; k < {{ITEMS}}u; k = k + 1u) {
        let i = first + k;
        if (i < p[0]) {
            store_dst(at(0u, row, i), combine(excl, v[k]));
        }
    }
    if (lid == {{WG}}u - 1u) {
        store_sums(row * p[3] + b, part[lid]);
    }
}

fn add_block(row: u32, b: u32, lid: u32) {
    var pre = {{IDENT}};
    if (b > 0u) {
        pre = load_pre(row * p[3] + b - 1u);
    }
    for (var k = 0u; k < {{ITEMS}}u; k = k + 1u) {
        let i = b * {{BLOCK}}u + k * {{WG}}u + lid;
        if (i < p[0]) {
            let o = at(0u, row, i);
            store_out(o, combine(pre, load_tmp(o)));
        }
    }
}

// Short rows: invocation g * {{WG}} + lid scans row g * {{WG}} + lid alone, in order.
fn scan_short(g: u32, b: u32, lid: u32) {
    let r = g * {{WG}}u + lid;
    if (r >= p[2]) {
        return;
    }
    var t = {{IDENT}};
    for (var i = 0u; i < p[0]; i = i + 1u) {
        t = combine(t, load_src(at(p[4], r, i)));
        store_dst(at(0u, r, i), t);
    }
}

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let g = wid.x + wid.y * nwg.x;
    if (g >= p[5]) {
        return; // a whole workgroup past the last block (uniform)
    }
    {{PASS}}(g / p[3], g % p[3], lid);
}
