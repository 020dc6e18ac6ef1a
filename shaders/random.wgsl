// Random fills, identical to the CPU's counter-based generator (src/cpu/random.rs): element
// i draws SplitMix64(key + (base + c + 1) * golden) for its counter c, in emulated 64-bit
// integer arithmetic (shaders/int64_emulated.wgsl), so every adapter gives the CPU's bits.
// Params (u32): [0] numel, [1] out offset, [2..4] key, [4..6] base, [6..8] randint range,
// [8..10] randint low, [10] f32 low or mean, [11] f32 span or std.
{{BINDINGS}}
@group(0) @binding({{PBIND}}) var<storage, read> p: array<u32>;

{{FUNCTIONS}}

fn draw(c: u32) -> vec2<u32> {
    let golden = vec2<u32>(0x7f4a7c15u, 0x9e3779b9u);
    let n = e64_add(e64_add(vec2<u32>(p[4], p[5]), e64_from_u32(c)), vec2<u32>(1u, 0u));
    var z = e64_add(vec2<u32>(p[2], p[3]), e64_mul(n, golden));
    z = e64_mul(e64_xor(z, e64_shr_u(z, 30u)), vec2<u32>(0x1ce4e5b9u, 0xbf58476du));
    z = e64_mul(e64_xor(z, e64_shr_u(z, 27u)), vec2<u32>(0x133111ebu, 0x94d049bbu));
    return e64_xor(z, e64_shr_u(z, 31u));
}

@compute @workgroup_size({{WG}})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let i = gid.x + gid.y * nwg.x * {{WG}}u;
    if (i >= p[0]) {
        return;
    }
{{BODY}}
}
