// Exact 64-bit integer arithmetic from 32-bit words, for adapters without SHADER_INT64.
//
// Why: int64 tensors (PyTorch's default integer dtype) must work on every adapter, and the
// random generator's SplitMix64 counter arithmetic (64-bit add, multiply, xor-shift, and
// Lemire's bounded draw, which needs the high half of a 64x64 product) must give the same
// bits everywhere. Where the adapter lacks SHADER_INT64, kernels paste this file in and keep
// each 64-bit value as a vec2<u32>: x = low 32 bits, y = high 32 bits, two's complement
// for signed values.
//
// Plain WGSL only (u32/i32/f32/bool, no `enable`): no bindings, no entry points, and every
// name starts with `e64_`, so it can be concatenated into any module.
// Semantics are those of Rust's wrapping operations on u64/i64 (checked bit for bit by
// src/wgpu/int64_emulated_tests.rs): add/sub/mul/neg/abs wrap, shift amounts are taken
// mod 64 (like wrapping_shl), conversions are as documented on each function.

// ---- construction and truncation ----

fn e64_from_u32(v: u32) -> vec2<u32> {
    return vec2<u32>(v, 0u);
}

// Sign-extends.
fn e64_from_i32(v: i32) -> vec2<u32> {
    return vec2<u32>(bitcast<u32>(v), select(0u, 0xFFFFFFFFu, v < 0));
}

// The low 32 bits as i32 (like `v as i32` in Rust).
fn e64_to_i32(a: vec2<u32>) -> i32 {
    return bitcast<i32>(a.x);
}

// The low 32 bits (like `v as u32` in Rust).
fn e64_to_u32(a: vec2<u32>) -> u32 {
    return a.x;
}

// ---- arithmetic ----

// The full 64-bit product of two u32 (WGSL has no widening multiply: 16-bit halves).
fn e64_mul32(a: u32, b: u32) -> vec2<u32> {
    let al = a & 0xFFFFu;
    let ah = a >> 16u;
    let bl = b & 0xFFFFu;
    let bh = b >> 16u;
    let ll = al * bl;
    let lh = al * bh;
    let hl = ah * bl;
    let hh = ah * bh;
    // Bits 16..47 collected without overflow (each term < 2^16 * 3).
    let mid = (ll >> 16u) + (lh & 0xFFFFu) + (hl & 0xFFFFu);
    let lo = (mid << 16u) | (ll & 0xFFFFu);
    let hi = hh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
    return vec2<u32>(lo, hi);
}

fn e64_add(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
    let lo = a.x + b.x;
    let carry = select(0u, 1u, lo < a.x);
    return vec2<u32>(lo, a.y + b.y + carry);
}

fn e64_sub(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
    let borrow = select(0u, 1u, a.x < b.x);
    return vec2<u32>(a.x - b.x, a.y - b.y - borrow);
}

fn e64_neg(a: vec2<u32>) -> vec2<u32> {
    return e64_sub(vec2<u32>(0u, 0u), a);
}

// The low 64 bits of the product (the same for signed and unsigned operands).
fn e64_mul(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
    let p = e64_mul32(a.x, b.x);
    return vec2<u32>(p.x, p.y + a.x * b.y + a.y * b.x);
}

// The high 64 bits of the unsigned 128-bit product ((a as u128 * b as u128) >> 64),
// e.g. for Lemire's bounded random numbers.
fn e64_mul_hi_u(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
    let ll = e64_mul32(a.x, b.x);
    let lh = e64_mul32(a.x, b.y);
    let hl = e64_mul32(a.y, b.x);
    let hh = e64_mul32(a.y, b.y);
    // Word 1 of the product: only its carries are needed.
    let s1 = ll.y + lh.x;
    var c1 = select(0u, 1u, s1 < lh.x);
    let s2 = s1 + hl.x;
    c1 = c1 + select(0u, 1u, s2 < hl.x);
    // Word 2.
    let t1 = lh.y + hl.y;
    var c2 = select(0u, 1u, t1 < hl.y);
    let t2 = t1 + hh.x;
    c2 = c2 + select(0u, 1u, t2 < hh.x);
    let t3 = t2 + c1;
    c2 = c2 + select(0u, 1u, t3 < c1);
    // Word 3 cannot overflow: the product is below 2^128.
    return vec2<u32>(t3, hh.y + c2);
}

// ---- bitwise ----

fn e64_and(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
    return a & b;
}

fn e64_or(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
    return a | b;
}

fn e64_xor(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
    return a ^ b;
}

fn e64_not(a: vec2<u32>) -> vec2<u32> {
    return ~a;
}

// Shifts take n mod 64, like Rust's wrapping_shl/wrapping_shr. Every 32-bit shift below
// uses an amount in 0..31 (`(x >> 1u) >> (31u - m)` is `x >> (32 - m)`, and 0 for m = 0).

fn e64_shl(a: vec2<u32>, n: u32) -> vec2<u32> {
    let m = n & 31u;
    let spill = (a.x >> 1u) >> (31u - m);
    let small = vec2<u32>(a.x << m, (a.y << m) | spill);
    let big = vec2<u32>(0u, a.x << m);
    return select(small, big, (n & 32u) != 0u);
}

// Logical (unsigned) right shift.
fn e64_shr_u(a: vec2<u32>, n: u32) -> vec2<u32> {
    let m = n & 31u;
    let spill = (a.y << 1u) << (31u - m);
    let small = vec2<u32>((a.x >> m) | spill, a.y >> m);
    let big = vec2<u32>(a.y >> m, 0u);
    return select(small, big, (n & 32u) != 0u);
}

// Arithmetic (signed) right shift.
fn e64_sar(a: vec2<u32>, n: u32) -> vec2<u32> {
    let m = n & 31u;
    let hi = bitcast<i32>(a.y);
    let spill = (a.y << 1u) << (31u - m);
    let small = vec2<u32>((a.x >> m) | spill, bitcast<u32>(hi >> m));
    let big = vec2<u32>(bitcast<u32>(hi >> m), bitcast<u32>(hi >> 31u));
    return select(small, big, (n & 32u) != 0u);
}

// ---- comparisons ----

fn e64_eq(a: vec2<u32>, b: vec2<u32>) -> bool {
    return a.x == b.x && a.y == b.y;
}

fn e64_is_neg(a: vec2<u32>) -> bool {
    return (a.y & 0x80000000u) != 0u;
}

// Unsigned a < b.
fn e64_lt_u(a: vec2<u32>, b: vec2<u32>) -> bool {
    return a.y < b.y || (a.y == b.y && a.x < b.x);
}

// Signed a < b.
fn e64_lt_s(a: vec2<u32>, b: vec2<u32>) -> bool {
    return bitcast<i32>(a.y) < bitcast<i32>(b.y) || (a.y == b.y && a.x < b.x);
}

// Signed a <= b.
fn e64_le_s(a: vec2<u32>, b: vec2<u32>) -> bool {
    return !e64_lt_s(b, a);
}

fn e64_max_s(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
    return select(a, b, e64_lt_s(a, b));
}

fn e64_min_s(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
    return select(a, b, e64_lt_s(b, a));
}

// Wrapping: abs(i64::MIN) = i64::MIN.
fn e64_abs(a: vec2<u32>) -> vec2<u32> {
    return select(a, e64_neg(a), e64_is_neg(a));
}

// -1, 0 or 1.
fn e64_sign(a: vec2<u32>) -> vec2<u32> {
    if (e64_is_neg(a)) {
        return vec2<u32>(0xFFFFFFFFu, 0xFFFFFFFFu);
    }
    return vec2<u32>(select(0u, 1u, (a.x | a.y) != 0u), 0u);
}

// ---- floating-point conversions ----

// Unsigned value to f32, correctly rounded (nearest, ties to even) for EVERY u64, i.e.
// exactly Rust's `v as f32`. The bits are assembled with integer operations only, so the
// result does not depend on the adapter's float rounding or denormal handling.
fn e64_to_f32_u(a: vec2<u32>) -> f32 {
    if ((a.x | a.y) == 0u) {
        return 0.0;
    }
    // Normalize so that the leading 1 is bit 63.
    let lz = select(32u + countLeadingZeros(a.x), countLeadingZeros(a.y), a.y != 0u);
    let v = e64_shl(a, lz);
    let top = v.y >> 8u; // the 24 significant bits, leading 1 included
    let round = (v.y & 0x80u) != 0u;
    let sticky = (v.y & 0x7Fu) != 0u || v.x != 0u;
    let up = select(0u, 1u, round && (sticky || (top & 1u) != 0u));
    let e = 63u - lz; // the value is in [2^e, 2^(e+1)), e <= 63
    // A carry out of the mantissa correctly bumps the exponent (at most to 2^64: finite).
    return bitcast<f32>(((e + 127u) << 23u) + (top & 0x7FFFFFu) + up);
}

// Signed value to f32, correctly rounded (nearest, ties to even) for EVERY i64, i.e.
// exactly Rust's `v as f32` (not only for |v| < 2^53).
fn e64_to_f32(a: vec2<u32>) -> f32 {
    let mag = e64_to_f32_u(e64_abs(a)); // abs(MIN) = 2^63 read as unsigned: still right
    return bitcast<f32>(bitcast<u32>(mag) | (a.y & 0x80000000u));
}

// f32 to i64, truncating toward zero, exactly Rust's `f as i64`: every finite value in
// (-2^63 - 1, 2^63) converts exactly (-0.0, denormals and |f| < 1 give 0); NaN gives 0;
// values >= 2^63 and +inf saturate to i64::MAX, values < -2^63 and -inf to i64::MIN.
// Only integer operations on the bits, so denormal flushing cannot change the result.
fn e64_from_f32(f: f32) -> vec2<u32> {
    let b = bitcast<u32>(f);
    let neg = (b & 0x80000000u) != 0u;
    let biased = (b >> 23u) & 0xFFu;
    let frac = b & 0x7FFFFFu;
    if (biased == 0xFFu && frac != 0u) {
        return vec2<u32>(0u, 0u); // NaN
    }
    if (biased < 127u) {
        return vec2<u32>(0u, 0u); // |f| < 1
    }
    let e = biased - 127u; // f = m * 2^(e - 23)
    if (e >= 63u) {
        // |f| >= 2^63 (or infinite); -2^63 itself is exactly i64::MIN.
        return select(vec2<u32>(0xFFFFFFFFu, 0x7FFFFFFFu), vec2<u32>(0u, 0x80000000u), neg);
    }
    let m = frac | 0x800000u;
    var mag: vec2<u32>;
    if (e >= 23u) {
        mag = e64_shl(vec2<u32>(m, 0u), e - 23u);
    } else {
        mag = vec2<u32>(m >> (23u - e), 0u);
    }
    return select(mag, e64_neg(mag), neg);
}
