// The matrix-multiplication family: out[b] = a[b] @ bm[b] for every batch b, with a [B, M, K],
// bm [B, K, N] and out [B, M, N]. Each workgroup computes one {{BM}}x{{BN}} block of one batch's
// output; each of its {{WG}} invocations a {{TM}}x{{TN}} sub-block held in registers (register
// blocking). The K extent is walked in steps of {{BK}}: the invocations load the step's
// {{BM}}x{{BK}} tile of a and {{BK}}x{{BN}} tile of bm cooperatively into workgroup memory
// (stored k-major, as rows of vec4s padded by one vec4 against bank conflicts), then every
// invocation accumulates the outer products of its rows and columns. The next step's tiles
// are loaded from global memory into registers while the current step computes.
// Operands are read through their own offsets and strides, so transposed, sliced and
// batch-broadcast (stride 0) operands need no copies; each load is guarded (0 outside the
// matrix: edge tiles, K not a multiple of {{BK}}) and each store too. Values accumulate in the
// compute type of the dtype (f32 for f16/bf16, wrapping i32/u32/i64 for integers).
// Params (u32): [0] M, [1] N, [2] K, [3] batches, [4] blocks along N, [5] blocks along M,
// [6..10] a offset, batch, row (M) and K strides, [10..14] bm offset, batch, K and column (N)
// strides, [14..18] out offset, batch, row and column strides, [18] 1 when a's tile loads run
// along K (a's K stride is the smaller), [19] 1 when bm's run along N.
{{BINDINGS}}
@group(0) @binding({{PBIND}}) var<storage, read> p: array<u32>;

// Tiles of a (BK rows of BM values) and bm (BK rows of BN values), rows padded by one vec4.
var<workgroup> ta: array<{{TILE_T}}, {{TA_LEN}}>;
var<workgroup> tb: array<{{TILE_T}}, {{TB_LEN}}>;

{{FUNCTIONS}}

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
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
    let tx = lid % {{WX}}u;
    let ty = lid / {{WX}}u;
    let abase = p[6] + batch * p[7];
    let bbase = p[10] + batch * p[11];
    // The elements of each tile this invocation loads: (row or column, k) and where they go.
{{PREP}}
    // Accumulators: rows g * {{WY4}} + 4 * ty + (0..4), columns h * {{WX4}} + 4 * tx + (0..4).
{{DECLS}}
    let steps = (p[2] + {{BK}}u - 1u) / {{BK}}u;
    {
        let k0 = 0u;
{{LOAD}}
    }
    for (var s = 0u; s < steps; s = s + 1u) {
{{TO_TILES}}
        workgroupBarrier();
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
