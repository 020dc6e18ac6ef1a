// Sorting and searching by keys: every element becomes a 64-bit key (hi, lo) ordered as
// PyTorch orders the values (floats by their bits with negatives inverted, -0.0 equal to 0.0,
// every NaN above +inf; integers with the sign bit flipped), paired with its index in its row.
// Rows are padded to a power of two P with sentinels (all ones, index 0xffffffff, after
// everything) and sorted by a bitonic network on (hi, lo, index): the index breaks ties, so
// the result is the stable order on every adapter, and equals the CPU's.
//   keys:   element g of the padded rows -> (khi, klo, kid); p[6] != 0 inverts the keys
//           (descending order, indices still ascending among equal values).
//   local:  a workgroup sorts a tile of {{TILE}} (hi, lo, id) triples in workgroup memory:
//           p[7] == 0: every stage k up to min(P, {{TILE}}); p[7] == 1: stage p[4]'s steps
//           j = {{TILE}}/2 .. 1 (the tail of a merge whose longer steps ran globally).
//   global: one step (stage p[4], distance p[5] >= {{TILE}}) of the network, a pair per invocation.
//   finish: the sorted indices of the first n of each padded row, as int64.
//   search: each value's insertion point in its row of the sorted sequence (searchsorted),
//           with PyTorch's comparisons: a NaN on either side moves right.
// Params (u32): [0] n, [1] P, [2] rows * P, [3] source offset, [4] stage k, [5] step j,
// [6] invert, [7] local mode, [8] values per row (search), [9] batched sequence, [10] right,
// [11] float keys (NaN checks), [12] values.
{{BINDINGS}}
@group(0) @binding({{PBIND}}) var<storage, read> p: array<u32>;

var<workgroup> sh: array<u32, {{TILE}}>;
var<workgroup> sl: array<u32, {{TILE}}>;
var<workgroup> si: array<u32, {{TILE}}>;

{{FUNCTIONS}}

const NAN_KEY = vec2<u32>(0xffffffffu, 0xffffffffu);

// The key of a float32 from its bits (NaN: the all-ones key).
fn key_f32(b: u32) -> vec2<u32> {
    if ((b & 0x7fffffffu) > 0x7f800000u) {
        return NAN_KEY;
    }
    if (b == 0x80000000u) {
        return vec2<u32>(0x80000000u, 0u);
    }
    if ((b & 0x80000000u) != 0u) {
        return vec2<u32>(~b, 0u);
    }
    return vec2<u32>(b | 0x80000000u, 0u);
}

// The key of a float64 from its (high, low) words.
fn key_f64(h: u32, l: u32) -> vec2<u32> {
    let mag = h & 0x7fffffffu;
    if (mag > 0x7ff00000u || (mag == 0x7ff00000u && l != 0u)) {
        return NAN_KEY;
    }
    if (h == 0x80000000u && l == 0u) {
        return vec2<u32>(0x80000000u, 0u);
    }
    if ((h & 0x80000000u) != 0u) {
        return vec2<u32>(~h, ~l);
    }
    return vec2<u32>(h | 0x80000000u, l);
}

// a > b for (hi, lo, index) triples.
fn after(ah: u32, al: u32, ai: u32, bh: u32, bl: u32, bi: u32) -> bool {
    if (ah != bh) {
        return ah > bh;
    }
    if (al != bl) {
        return al > bl;
    }
    return ai > bi;
}

// The first element of pair q at distance j (a power of two): q's low bits stay, the rest
// shift up one place past the partners.
fn pair_lo(q: u32, j: u32) -> u32 {
    return (q & (j - 1u)) + ((q & ~(j - 1u)) << 1u);
}

// Ascending block: position g's block of stage k (positions within a padded row of P).
fn ascending(g: u32, k: u32) -> bool {
    return ((g & (p[1] - 1u)) & k) == 0u;
}

fn keys(w: u32, lid: u32) {
    let g = w * {{WG}}u + lid;
    if (g >= p[2]) {
        return;
    }
    let i = g % p[1];
    var k = vec2<u32>(0xffffffffu, 0xffffffffu);
    var id = 0xffffffffu;
    if (i < p[0]) {
        k = key_of(p[3] + (g / p[1]) * p[0] + i);
        if (p[6] != 0u) {
            k = ~k;
        }
        id = i;
    }
    khi[g] = k.x;
    klo[g] = k.y;
    kid[g] = id;
}

fn local(w: u32, lid: u32) {
    let base = w * {{TILE}}u;
    if (base >= p[2]) {
        return; // past the last tile (uniform)
    }
    for (var e = 0u; e < {{TILE}}u / {{WG}}u; e = e + 1u) {
        let t = e * {{WG}}u + lid;
        if (base + t < p[2]) {
            sh[t] = khi[base + t];
            sl[t] = klo[base + t];
            si[t] = kid[base + t];
        } else {
            sh[t] = 0xffffffffu;
            sl[t] = 0xffffffffu;
            si[t] = 0xffffffffu;
        }
    }
    var k = 2u;
    var last = min(p[1], {{TILE}}u);
    if (p[7] != 0u) {
        k = p[4];
        last = p[4];
    }
    for (; k <= last; k = k << 1u) {
        var j = k >> 1u;
        if (p[7] != 0u) {
            j = {{TILE}}u / 2u;
        }
        for (; j > 0u; j = j >> 1u) {
            workgroupBarrier();
            for (var e = 0u; e < {{TILE}}u / (2u * {{WG}}u); e = e + 1u) {
                let a = pair_lo(e * {{WG}}u + lid, j);
                let b = a + j;
                if (after(sh[a], sl[a], si[a], sh[b], sl[b], si[b]) == ascending(base + a, k)) {
                    let th = sh[a];
                    let tl = sl[a];
                    let ti = si[a];
                    sh[a] = sh[b];
                    sl[a] = sl[b];
                    si[a] = si[b];
                    sh[b] = th;
                    sl[b] = tl;
                    si[b] = ti;
                }
            }
        }
    }
    workgroupBarrier();
    for (var e = 0u; e < {{TILE}}u / {{WG}}u; e = e + 1u) {
        let t = e * {{WG}}u + lid;
        if (base + t < p[2]) {
            khi[base + t] = sh[t];
            klo[base + t] = sl[t];
            kid[base + t] = si[t];
        }
    }
}

fn global(w: u32, lid: u32) {
    let q = w * {{WG}}u + lid;
    if (q >= p[2] / 2u) {
        return;
    }
    let a = pair_lo(q, p[5]);
    let b = a + p[5];
    let ah = khi[a];
    let al = klo[a];
    let ai = kid[a];
    let bh = khi[b];
    let bl = klo[b];
    let bi = kid[b];
    if (after(ah, al, ai, bh, bl, bi) == ascending(a, p[4])) {
        khi[a] = bh;
        klo[a] = bl;
        kid[a] = bi;
        khi[b] = ah;
        klo[b] = al;
        kid[b] = ai;
    }
}

fn finish(w: u32, lid: u32) {
    let f = w * {{WG}}u + lid;
    if (f >= p[12]) {
        return;
    }
    let r = kid[(f / p[0]) * p[1] + f % p[0]];
    store_out(f, {{FROM_U32}});
}

fn is_nan(k: vec2<u32>) -> bool {
    return p[11] != 0u && all(k == NAN_KEY);
}

fn search(w: u32, lid: u32) {
    let v = w * {{WG}}u + lid;
    if (v >= p[12]) {
        return;
    }
    var base = 0u;
    if (p[9] != 0u) {
        base = (v / p[8]) * p[0];
    }
    let x = vec2<u32>(vhi[v], vlo[v]);
    let xnan = is_nan(x);
    var lo = 0u;
    var hi = p[0];
    while (lo < hi) {
        let mid = lo + (hi - lo) / 2u;
        let m = vec2<u32>(bhi[base + mid], blo[base + mid]);
        // m < x (m <= x with right): on (hi, lo) words.
        var right = m.x < x.x || (m.x == x.x && m.y < x.y);
        if (p[10] != 0u) {
            right = right || all(m == x);
        }
        if (xnan || is_nan(m) || right) {
            lo = mid + 1u;
        } else {
            hi = mid;
        }
    }
    let r = lo;
    store_out(v, {{FROM_U32}});
}

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    {{PASS}}(wid.x + wid.y * nwg.x, lid);
}
