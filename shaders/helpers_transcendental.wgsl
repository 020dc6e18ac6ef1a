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


fn rt_tan(v: {{T}}) -> {{T}} {
    // Drivers' tan is sin/cos with absolute errors, so near its poles the relative error reaches
    // 1e-4 (NVIDIA: tan(11) off by 0.02). Cody-Waite reduction by pi/4 in three parts, then the
    // Cephes minimax polynomial on [-pi/4, pi/4] (relative error ~1e-7) for |x| <= 8192.
    let x = f32(v);
    let ax = abs(x);
    if (!(ax <= 8192.0)) {
        return {{T}}(tan(x)); // NaN, inf and the huge arguments
    }
    var j = u32(ax * 1.2732395447351628);
    var y = f32(j);
    if ((j & 1u) != 0u) {
        j = j + 1u;
        y = y + 1.0;
    }
    let z = ((ax - y * 0.78515625) - y * 2.4187564849853515625e-4) - y * 3.77489497744594108e-8;
    let zz = z * z;
    var t = z;
    if (ax > 1e-4) {
        t = (((((9.38540185543e-3 * zz + 3.11992232697e-3) * zz + 2.44301354525e-2) * zz
            + 5.34112807005e-2) * zz + 1.33387994085e-1) * zz + 3.33331568548e-1) * zz * z + z;
    }
    if ((j & 2u) != 0u) {
        t = -1.0 / t;
    }
    // tan is odd; the sign bit keeps tan(-0.0) = -0.0.
    return {{T}}(select(t, -t, (bitcast<u32>(x) >> 31u) == 1u));
}

fn rt_gelu_tanh_grad(x: {{T}}) -> {{T}} {
    // d/dx of x (1 + tanh(u)) / 2, u = sqrt(2/pi) (x + 0.044715 x^3); u clamped as in the forward.
    let t = tanh(clamp(0.7978845608028654 * (x + 0.044715 * x * x * x), -10.0, 10.0));
    return (t + 1.0) * 0.5 + x * 0.5 * (1.0 - t * t) * 0.7978845608028654 * (0.134145 * x * x + 1.0);
}
