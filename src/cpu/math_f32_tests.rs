//! Accuracy of the float32 kernels against float64 libm references, in ulps of
//! the float32 result, over every 509th float (both signs: zero, subnormals,
//! normals, up to inf) and a dense sweep of the range where each function varies.

use super::*;

/// Spacing of f32 values at |v| (v a float64 reference).
fn ulp_at(v: f64) -> f64 {
    let e = if v == 0.0 { -126 } else { (v.abs().log2().floor() as i32).max(-126) };
    2f64.powi(e - 23)
}

/// Error of `got` against the float64 reference `want`, in float32 ulps; an
/// overflowing reference must give inf of its sign, NaN must give NaN.
fn ulps(got: f32, want: f64) -> f64 {
    if want.is_nan() {
        return if got.is_nan() { 0.0 } else { f64::INFINITY };
    }
    if want.abs() > f32::MAX as f64 * (1.0 + 2f64.powi(-25)) {
        return if got as f64 == want.signum() * f64::INFINITY { 0.0 } else { f64::INFINITY };
    }
    ((got as f64) - want).abs() / ulp_at(want)
}

/// Inputs: every 509th bit pattern of both signs, the specials, and a dense
/// linear sweep of [-lim, lim].
fn inputs(lim: f32) -> Vec<f32> {
    let mut v: Vec<f32> = (0..0x7f80_0000u32).step_by(509).flat_map(|b| [f32::from_bits(b), -f32::from_bits(b)]).collect();
    v.extend([0.0, -0.0, f32::INFINITY, f32::NEG_INFINITY, f32::MIN_POSITIVE, 1e-45, f32::MAX, -f32::MAX]);
    let n = 400_000;
    v.extend((0..=n).map(|i| -lim + 2.0 * lim * i as f32 / n as f32));
    v
}

/// Largest ulp error of `f` against `reference` over `xs` (and where).
fn worst(xs: &[f32], f: impl Fn(f32) -> f32, reference: impl Fn(f64) -> f64) -> (f64, f32) {
    let mut w = (0.0, 0.0);
    for &x in xs {
        let e = ulps(f(x), reference(x as f64));
        if e > w.0 || e.is_nan() {
            w = (e, x);
        }
    }
    w
}

fn same_bits(a: f32, b: f32) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

#[test]
fn tanh_within_2_ulp_and_saturates() {
    let (e, at) = worst(&inputs(12.0), tanh_f32, f64::tanh);
    assert!(e <= 2.0, "tanh: {e} ulp at {at}");
    for (x, want) in [(0.0, 0.0), (-0.0, -0.0), (9.5, 1.0), (-20.0, -1.0), (f32::INFINITY, 1.0), (f32::NEG_INFINITY, -1.0), (1e-40, 1e-40)] {
        assert!(same_bits(tanh_f32(x), want), "tanh({x}) = {}", tanh_f32(x));
    }
    assert!(tanh_f32(f32::NAN).is_nan());
}

#[test]
fn sigmoid_within_3_ulp_without_overflow() {
    let (e, at) = worst(&inputs(110.0), sigmoid_f32, |x| 1.0 / (1.0 + (-x).exp()));
    assert!(e <= 3.0, "sigmoid: {e} ulp at {at}");
    for (x, want) in [(0.0, 0.5), (-0.0, 0.5), (f32::INFINITY, 1.0), (f32::NEG_INFINITY, 0.0), (20.0, 1.0)] {
        assert!(same_bits(sigmoid_f32(x), want), "sigmoid({x}) = {}", sigmoid_f32(x));
    }
    assert!(sigmoid_f32(-100.0) > 0.0 && sigmoid_f32(f32::NAN).is_nan());
}

#[test]
fn erf_within_2_ulp() {
    let (e, at) = worst(&inputs(6.0), erf_f32, libm::erf);
    assert!(e <= 2.0, "erf: {e} ulp at {at}");
    for (x, want) in [(0.0, 0.0), (-0.0, -0.0), (4.0, 1.0), (-7.0, -1.0), (f32::INFINITY, 1.0), (f32::NEG_INFINITY, -1.0)] {
        assert!(same_bits(erf_f32(x), want), "erf({x}) = {}", erf_f32(x));
    }
    assert!(erf_f32(f32::NAN).is_nan());
}

#[test]
fn expm1_within_2_ulp() {
    let (e, at) = worst(&inputs(90.0), expm1_f32, f64::exp_m1);
    assert!(e <= 2.0, "expm1: {e} ulp at {at}");
    for (x, want) in [(0.0, 0.0), (-0.0, -0.0), (-40.0, -1.0), (89.0, f32::INFINITY), (f32::INFINITY, f32::INFINITY), (f32::NEG_INFINITY, -1.0), (1e-40, 1e-40)] {
        assert!(same_bits(expm1_f32(x), want), "expm1({x}) = {}", expm1_f32(x));
    }
    assert!(expm1_f32(f32::NAN).is_nan());
}

#[test]
fn log_and_log1p_within_2_ulp() {
    let (e, at) = worst(&inputs(10.0), log_f32, f64::ln);
    assert!(e <= 2.0, "log: {e} ulp at {at}");
    let (e, at) = worst(&inputs(10.0), log1p_f32, f64::ln_1p);
    assert!(e <= 2.0, "log1p: {e} ulp at {at}");
    assert!(same_bits(log_f32(0.0), f32::NEG_INFINITY) && same_bits(log_f32(-0.0), f32::NEG_INFINITY));
    assert!(log_f32(-1.0).is_nan() && log_f32(f32::NAN).is_nan() && log_f32(f32::NEG_INFINITY).is_nan());
    assert!(same_bits(log_f32(f32::INFINITY), f32::INFINITY) && same_bits(log_f32(1.0), 0.0));
    assert!(same_bits(log1p_f32(-0.0), -0.0) && same_bits(log1p_f32(-1.0), f32::NEG_INFINITY));
    assert!(log1p_f32(-2.0).is_nan() && log1p_f32(f32::NAN).is_nan() && log1p_f32(f32::NEG_INFINITY).is_nan());
    assert!(same_bits(log1p_f32(f32::INFINITY), f32::INFINITY) && same_bits(log1p_f32(1e-40), 1e-40));
}

#[test]
fn trig_within_1_ulp_in_the_fast_range() {
    let xs: Vec<f32> = inputs(40.0).into_iter().filter(|&x| trig_fast_ok(x)).collect();
    let (e, at) = worst(&xs, sin_fast, f64::sin);
    assert!(e <= 1.0, "sin: {e} ulp at {at}");
    let (e, at) = worst(&xs, cos_fast, f64::cos);
    assert!(e <= 1.0, "cos: {e} ulp at {at}");
    let (e, at) = worst(&xs, tan_fast, f64::tan);
    assert!(e <= 1.0, "tan: {e} ulp at {at}");
    assert!(same_bits(sin_fast(-0.0), -0.0) && same_bits(tan_fast(-0.0), -0.0) && same_bits(cos_fast(-0.0), 1.0));
    assert!(!trig_fast_ok(f32::NAN) && !trig_fast_ok(f32::INFINITY) && !trig_fast_ok(2e6));
}
