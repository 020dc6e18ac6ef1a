// The matrix-multiplication family, subgroup variant: out[b] = a[b] @ bm[b] for every batch b,
// with a [B, M, K], bm [B, K, N] and out [B, M, N] (the parameters of shaders/matmul.wgsl).
// Each workgroup computes one {{BM}}x{{BN}} block of one batch's output; each of its {{WG}}
// invocations a {{TM}}x{{TN}} sub-block in registers. The invocations form lane groups of
// {{G}} lanes inside subgroups ({{G}} is the adapter's smallest subgroup size, so a group never
// straddles two subgroups whatever size the driver picks); a group owns {{GY}}x{{TM}} rows and
// {{GX}}x{{TN}} columns, its lane (gx, gy) rows gy * {{TM}} + (0..{{TM}}) and columns
// 4 * gx + {{GX4}} * h + (0..4).
// a never passes through workgroup memory: for each K step of {{BK}} the lanes of a group load
// their rows' {{BK}} values of a straight into registers, one value per lane and register,
// consecutive lanes along K (coalesced where a's K stride is 1), and the inner product takes
// each value from the lane that holds it with a subgroup broadcast or shuffle. bm's
// {{BK}}x{{BN}} tile is shared through workgroup memory as in the tiled kernel (one barrier pair per
// step), read as vec4 rows that lanes of one column share. The next step's values are loaded
// while the current one computes.
// Lanes are numbered subgroup_id * subgroup_size + subgroup_invocation_id: the host takes this
// kernel only where the workgroup is a whole number of the largest subgroups, so subgroups are
// full and the numbering covers 0..{{WG}}. Loads and stores are guarded as in the tiled kernel.
{{BINDINGS}}
@group(0) @binding({{PBIND}}) var<storage, read> p: array<u32>;

// bm's tile: {{BK}} rows of {{BN}} values as vec4s, padded by one vec4.
var<workgroup> tb: array<{{TILE_T}}, {{TB_LEN}}>;

{{FUNCTIONS}}

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32, @builtin(subgroup_id) sgid: u32,
        @builtin(subgroup_invocation_id) sgi: u32, @builtin(subgroup_size) sgsize: u32) {
    // (block along N, block along M, batch) flattened into a two-dimensional grid.
    let w = wid.x + wid.y * nwg.x;
    let blocks = p[4] * p[5];
    if (w >= blocks * p[3]) {
        return; // a whole workgroup past the end (uniform)
    }
    let batch = w / blocks;
    let t = w % blocks;
    let m0 = (t / p[4]) * {{BM}}u;
    let n0 = (t % p[4]) * {{BN}}u;
    let abase = p[6] + batch * p[7];
    let bbase = p[10] + batch * p[11];
    // This lane's group, its place in the group, and the lead lane of the group.
    let lane = sgid * sgsize + sgi;
    let grp = lane / {{G}}u;
    let l = lane % {{G}}u;
    let lead = sgi - sgi % {{G}}u;
    let gy = l % {{GY}}u;
    let gx = l / {{GY}}u;
    // The group's block: rows rm + (0..{{GY}} * {{TM}}), tile columns cn + (0..{{GX}} * {{TN}}).
    let rm = (grp / {{SUB_N}}u) * {{GY}}u * {{TM}}u;
    let cn = (grp % {{SUB_N}}u) * {{GX}}u * {{TN}}u;
    let amlim = p[0] - m0;
{{PREP}}
    // Accumulators: rows rm + gy * {{TM}} + i, columns cn + 4 * gx + {{GX4}} * h + (0..4).
{{DECLS}}
    let steps = (p[2] + {{BK}}u - 1u) / {{BK}}u;
    {
        let k0 = 0u;
{{LOAD}}
    }
    for (var s = 0u; s < steps; s = s + 1u) {
{{TO_TILES}}
        workgroupBarrier();
{{TAKE}}
        if (s + 1u < steps) {
            let k0 = (s + 1u) * {{BK}}u;
{{LOAD_NEXT}}
        }
{{INNER}}
        workgroupBarrier();
    }
    let obase = p[14] + batch * p[15];
{{STORE}}
}
