//! float32 transcendental functions without libm calls, so that the elementwise
//! loops vectorise: every branch is computed and chosen per lane with selects,
//! integers come from float bit patterns, and nothing calls `mul_add` (a libm
//! call in the portable build). Special values (NaN, +-inf, -0.0, subnormals)
//! match libm. Accuracy, measured against float64 references over dense sweeps,
//! is in this file's tests.

use super::simd::{exp_f32, exp_reduce};

const LN2_HI: f32 = 0.693_359_4; // few mantissa bits: n * LN2_HI is exact
const LN2_LO: f32 = -2.121_944_4e-4;

/// 2^n for n in [-126, 127], from exponent bits.
#[inline(always)]
fn pow2i(n: i32) -> f32 {
    f32::from_bits(((n + 127) as u32) << 23)
}

/// `exp(x) - 1`: x = n ln2 + r with |r| <= ln2/2, expm1(r) by Cephes' exp
/// polynomial without its leading 1, then expm1(x) = 2^n (expm1(r) + 1 - 2^-n),
/// where 1 - 2^-n is exact for the n that matter (|n| <= 24).
#[inline(always)]
pub fn expm1_f32(x: f32) -> f32 {
    // Below -30 the result is -1 in f32; above 89 it overflows (2^128 is built in two factors).
    let (n, p) = exp_reduce(x.clamp(-30.0, 89.0));
    let c = 1.0 - pow2i(-(n.min(25)));
    let n1 = n >> 1;
    let res = (p + c) * pow2i(n1) * pow2i(n - n1);
    // x == 0 keeps the sign of zero; NaN passes through.
    if x == 0.0 || x.is_nan() {
        x
    } else {
        res
    }
}

/// `tanh`: for |x| < 0.8, x + x^3 P(x^2) (a minimax fit, relative error 2e-10);
/// above, 1 - 2 / (exp(2|x|) + 1), which rounds to exactly 1 once exp(2|x|)
/// passes 2^25 and stays 1 when it overflows.
#[inline(always)]
pub fn tanh_f32(x: f32) -> f32 {
    let a = x.abs();
    let s = a * a;
    let mut p = -5.696_457e-4f32;
    p = p * s + 2.847_712_5e-3;
    p = p * s - 8.504_902e-3;
    p = p * s + 2.177_058_2e-2;
    p = p * s - 5.395_333e-2;
    p = p * s + 1.333_322_5e-1;
    p = p * s - 3.333_333e-1;
    let small = a + a * (s * p);
    let large = 1.0 - 2.0 / (exp_f32(a + a) + 1.0);
    // NaN fails the comparison and comes out of the exp branch as NaN.
    let r = if a < 0.8 { small } else { large };
    r.copysign(x)
}

/// `sigmoid` as 1 / (1 + e) or e / (1 + e) with e = exp(-|x|) <= 1: no overflow,
/// so very negative inputs give their (subnormal) value instead of 0.
#[inline(always)]
pub fn sigmoid_f32(x: f32) -> f32 {
    let e = exp_f32(-x.abs());
    let num = if x < 0.0 { e } else { 1.0 };
    num / (1.0 + e)
}

/// `erf`: for |x| < 1, x + x Q(x^2) (minimax, relative error 1.2e-9; adding x
/// last keeps Q's rounding small against the result); for 1 <= |x| < 4,
/// 1 - exp(R(|x|)) with R a minimax fit of log(erfc) (error 2e-11 relative
/// to erf); at 4 and above, 1 - exp(R(4)) rounds to exactly 1.
#[inline(always)]
pub fn erf_f32(x: f32) -> f32 {
    let a = x.abs();
    let s = a * a;
    let mut q = 7.854_212e-5f32;
    q = q * s - 8.010_309e-4;
    q = q * s + 5.188_342e-3;
    q = q * s - 2.685_382e-2;
    q = q * s + 1.128_358_5e-1;
    q = q * s - 3.761_262_6e-1;
    q = q * s + 1.283_791_7e-1; // 2/sqrt(pi) - 1
    let small = a + a * q;
    let t = if a < 4.0 { a } else { 4.0 };
    let mut r = -2.169_787_3e-5f32;
    r = r * t + 4.414_757_7e-4;
    r = r * t - 4.205_300_5e-3;
    r = r * t + 2.521_038_2e-2;
    r = r * t - 1.084_221_7e-1;
    r = r * t - 6.332_163e-1;
    r = r * t - 1.129_580_4;
    r = r * t + 1.884_751_3e-4;
    let large = 1.0 - exp_f32(r);
    let v = if a < 1.0 { small } else { large };
    if x.is_nan() {
        x
    } else {
        v.copysign(x)
    }
}

/// `ln` for x > 0 finite (subnormals included): x = m 2^e with m in
/// [sqrt(1/2), sqrt(2)), then Cephes' logf polynomial in m - 1 (about 1 ulp).
/// Other inputs give unspecified values: `log_f32` adds the special cases.
#[inline(always)]
fn log_core(x: f32) -> f32 {
    const SQRT_HALF_BITS: i32 = 0x3f35_04f3;
    // Subnormals are scaled into the normal range first.
    let tiny = x < f32::MIN_POSITIVE;
    let xs = if tiny { x * 16_777_216.0 } else { x };
    let bias = if tiny { -24 } else { 0 };
    let d = (xs.to_bits() as i32).wrapping_sub(SQRT_HALF_BITS); // negative inputs wrap; their result is replaced
    let e = (d >> 23) + bias;
    let m = f32::from_bits(((d & 0x007f_ffff) + SQRT_HALF_BITS) as u32);
    let f = m - 1.0;
    let z = f * f;
    let mut y = 7.037_683_6e-2f32;
    y = y * f - 1.151_461e-1;
    y = y * f + 1.167_699_9e-1;
    y = y * f - 1.242_014_1e-1;
    y = y * f + 1.424_932_3e-1;
    y = y * f - 1.666_805_8e-1;
    y = y * f + 2.000_071_5e-1;
    y = y * f - 2.499_999_4e-1;
    y = y * f + 3.333_333e-1;
    let ef = e as f32;
    let y = y * f * z + ef * LN2_LO - 0.5 * z;
    f + y + ef * LN2_HI
}

/// GELU (`ops::gelu`) with the vectorised erf.
#[inline(always)]
pub fn gelu_f32(x: f32) -> f32 {
    x * (0.5 + 0.5 * erf_f32(x * std::f32::consts::FRAC_1_SQRT_2))
}

/// GELU's tanh approximation (`ops::gelu_tanh`) with the vectorised tanh.
#[inline(always)]
pub fn gelu_tanh_f32(x: f32) -> f32 {
    let u = GELU_K * (x + GELU_C * x * x * x);
    x * (1.0 + tanh_f32(u)) * 0.5
}

const GELU_K: f32 = crate::ops::GELU_K as f32;
const GELU_C: f32 = crate::ops::GELU_C as f32;

/// gelu'(x) = Phi(x) + x phi(x) (`ops::gelu_backward` without the incoming gradient) from
/// `e = erf(x / sqrt(2))`, computed apart: one loop body with both erf and exp stays scalar.
#[inline(always)]
pub fn gelu_grad_f32(x: f32, e: f32) -> f32 {
    0.5 + 0.5 * e + x * exp_f32(-0.5 * x * x) * crate::ops::INV_SQRT_2PI as f32
}

/// erf(x / sqrt(2)): `gelu_grad_f32`'s first part.
#[inline(always)]
pub fn erf_scaled_f32(x: f32) -> f32 {
    erf_f32(x * std::f32::consts::FRAC_1_SQRT_2)
}

/// tanh(sqrt(2/pi) (x + 0.044715 x^3)): `gelu_tanh_grad_f32`'s first part.
#[inline(always)]
pub fn gelu_tanh_inner_f32(x: f32) -> f32 {
    tanh_f32(GELU_K * (x + GELU_C * x * x * x))
}

/// gelu_tanh'(x) (`ops::gelu_tanh_backward` without the incoming gradient) from t (above).
#[inline(always)]
pub fn gelu_tanh_grad_f32(x: f32, t: f32) -> f32 {
    (t + 1.0) * 0.5 + x * 0.5 * (1.0 - t * t) * GELU_K * (3.0 * GELU_C * x * x + 1.0)
}

/// `ln` with libm's special values: ln(0) = -inf, ln(x < 0) = NaN, ln(inf) = inf.
#[inline(always)]
pub fn log_f32(x: f32) -> f32 {
    let v = log_core(x);
    if x == 0.0 {
        f32::NEG_INFINITY
    } else if x < 0.0 {
        f32::NAN
    } else if x == f32::INFINITY || x.is_nan() {
        x
    } else {
        v
    }
}

/// `ln(1 + x)`: ln(u) for u = 1 + x, plus (x - (u - 1)) / u, the first-order
/// correction for the rounding of u (exact to first order, so tiny x give x).
#[inline(always)]
pub fn log1p_f32(x: f32) -> f32 {
    let u = 1.0 + x;
    let c = (x - (u - 1.0)) / u;
    let v = log_core(u) + c;
    if x == 0.0 || x == f32::INFINITY || x.is_nan() {
        x // keeps -0.0
    } else if u == 0.0 {
        f32::NEG_INFINITY
    } else if u < 0.0 {
        f32::NAN
    } else {
        v
    }
}

/// Largest |x| for the fast sin/cos/tan: j * PIO2_HI below is exact while
/// |j| < 2^21, and 2^20 keeps a margin. Larger inputs, inf and NaN go to libm.
pub const TRIG_FAST_MAX: f32 = 1_048_576.0;

/// x = j pi/2 + r in float64 (exact to ~2^-64 for |x| <= TRIG_FAST_MAX, far below
/// the smallest |r| an f32 input reaches), and sin(r), cos(r) by Taylor series in
/// float64 (truncation under 1e-10 relative on |r| <= pi/4): the result is the
/// float64 value rounded once to f32, so about 0.5 ulp.
#[inline(always)]
fn sincos_parts(x: f32) -> (f64, f64, i64) {
    const TWO_OVER_PI: f64 = std::f64::consts::FRAC_2_PI;
    const PIO2_HI: f64 = 1.570_796_326_734_125_6; // pi/2 to 33 bits
    const PIO2_LO: f64 = 6.077_100_506_506_192e-11; // pi/2 - PIO2_HI
    const MAGIC64: f64 = 6_755_399_441_055_744.0; // 1.5 * 2^52
    let xd = x as f64;
    let t = xd * TWO_OVER_PI + MAGIC64;
    let j = t - MAGIC64;
    let q = t.to_bits() as i64; // low bits: j mod 4
    let r = (xd - j * PIO2_HI) - j * PIO2_LO;
    let z = r * r;
    let mut sp = -1.0 / 39_916_800.0;
    sp = sp * z + 1.0 / 362_880.0;
    sp = sp * z - 1.0 / 5040.0;
    sp = sp * z + 1.0 / 120.0;
    sp = sp * z - 1.0 / 6.0;
    // r * (1 + ...) rather than r + r * (...): keeps -0.0 and is as accurate in f64.
    let s = r * (1.0 + z * sp);
    let mut cp = -1.0 / 3_628_800.0;
    cp = cp * z + 1.0 / 40_320.0;
    cp = cp * z - 1.0 / 720.0;
    cp = cp * z + 1.0 / 24.0;
    let c = 1.0 - 0.5 * z + z * z * cp;
    (s, c, q)
}

/// sin(x) for |x| <= TRIG_FAST_MAX.
#[inline(always)]
pub fn sin_fast(x: f32) -> f32 {
    let (s, c, q) = sincos_parts(x);
    let v = if q & 1 == 0 { s } else { c };
    (if q & 2 == 0 { v } else { -v }) as f32
}

/// cos(x) for |x| <= TRIG_FAST_MAX: sin(x + pi/2), one quadrant on.
#[inline(always)]
pub fn cos_fast(x: f32) -> f32 {
    let (s, c, q) = sincos_parts(x);
    let q = q + 1;
    let v = if q & 1 == 0 { s } else { c };
    (if q & 2 == 0 { v } else { -v }) as f32
}

/// tan(x) for |x| <= TRIG_FAST_MAX: s/c, or -c/s in odd quadrants.
#[inline(always)]
pub fn tan_fast(x: f32) -> f32 {
    let (s, c, q) = sincos_parts(x);
    (if q & 1 == 0 { s / c } else { -c / s }) as f32
}

/// Whether the fast trigonometric forms apply (false for NaN and inf).
#[inline(always)]
pub fn trig_fast_ok(x: f32) -> bool {
    x.abs() <= TRIG_FAST_MAX
}

#[cfg(test)]
#[path = "math_f32_tests.rs"]
mod tests;
