// Transcendental scalar helpers, for f32 and f16 only: WGSL (and SPIR-V's GLSL.std.450)
// have exp/pow for those types, not for f64.

fn rt_erf(v: {{T}}) -> {{T}} {
    // Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), always in f32: in f16 the
    // 1 - p * exp(-x^2) cancellation loses most digits near zero.
    let x = f32(v);
    let s = sign(x);
    let a = abs(x);
    let t = 1.0 / (1.0 + 0.3275911 * a);
    let y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-a * a);
    return {{T}}(s * y);
}

fn rt_pow(a: {{T}}, b: {{T}}) -> {{T}} {
    // WGSL's pow is undefined for a < 0; PyTorch's is defined for integral exponents.
    if (a >= 0.0 || b != trunc(b)) {
        return pow(a, b);
    }
    let m = pow(-a, b);
    return select(m, -m, (b * 0.5) != trunc(b * 0.5));
}

