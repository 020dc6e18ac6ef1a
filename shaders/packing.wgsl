// Conversions for packed and emulated storage, exact and identical to the CPU's:
// f32 -> f16 / bf16 bits with round-to-nearest-even (pack2x16float leaves rounding and
// overflow to the driver), and emulated int64 <-> f64.

fn rt_f32_to_f16(f: f32) -> u32 {
    let x = bitcast<u32>(f);
    let sign = (x >> 16u) & 0x8000u;
    let a = x & 0x7fffffffu;
    if (a > 0x7f800000u) {
        return sign | 0x7e00u; // NaN
    }
    if (a >= 0x477ff000u) {
        return sign | 0x7c00u; // 65520 and above round to infinity
    }
    if (a >= 0x38800000u) {
        // Normal in f16: rebias the exponent, round the 13 dropped bits to nearest even.
        let r = a - 0x38000000u;
        return sign | ((r + 0xfffu + ((r >> 13u) & 1u)) >> 13u);
    }
    // Subnormal (or zero) in f16: units of 2^-24; the scaling is exact, round() ties to even.
    return sign | u32(round(bitcast<f32>(a) * 16777216.0));
}

fn rt_f32_to_bf16(f: f32) -> u32 {
    let x = bitcast<u32>(f);
    if ((x & 0x7fffffffu) > 0x7f800000u) {
        return ((x >> 16u) | 0x40u) & 0xffffu; // quiet NaN
    }
    return ((x + 0x7fffu + ((x >> 16u) & 1u)) >> 16u) & 0xffffu;
}

fn rt_e64_to_f64(a: vec2<u32>) -> f64 {
    return f64(bitcast<i32>(a.y)) * 4294967296.0 + f64(a.x);
}

fn rt_f64_to_e64(f: f64) -> vec2<u32> {
    let t = trunc(f);
    let hi = floor(t / 4294967296.0);
    return vec2<u32>(u32(t - hi * 4294967296.0), bitcast<u32>(i32(hi)));
}

fn rt_f16_to_f32(h: u32) -> f32 {
    // Integer-only (unpack2x16float needs a capability some adapters lack); exact.
    let sign = (h & 0x8000u) << 16u;
    let e = (h >> 10u) & 0x1fu;
    let m = h & 0x3ffu;
    if (e == 0u) {
        // Zero or subnormal: m * 2^-24, exact in f32.
        return bitcast<f32>(sign | bitcast<u32>(f32(m) * 5.9604644775390625e-8));
    }
    if (e == 31u) {
        return bitcast<f32>(sign | 0x7f800000u | (m << 13u));
    }
    return bitcast<f32>(sign | ((e + 112u) << 23u) | (m << 13u));
}

fn rt_e64_to_i64(a: vec2<u32>) -> i64 {
    // Through u64: i64(u32) may sign-extend the low word on some compilers.
    return bitcast<i64>((u64(a.y) << 32u) | u64(a.x));
}

// x != 0 with NaN counted as non-zero, as a bit test: drivers may assume floats are never NaN and
// compile `x != 0.0` as an ordered compare (lavapipe: NaN != 0 is false).
fn rt_nonzero_f32(x: f32) -> bool {
    return (bitcast<u32>(x) & 0x7fffffffu) != 0u;
}

// The same for f64 (no f64 bitcast without 64-bit integers): NaN survives the conversion to f32.
fn rt_nonzero_f64(x: f64) -> bool {
    return x != 0.0 || (bitcast<u32>(f32(x)) & 0x7fffffffu) != 0u;
}
