// float64 transcendentals in f64 arithmetic: WGSL (and SPIR-V's GLSL.std.450) define exp, log, sin...
// for f32/f16 only. Cody-Waite range reduction, then Taylor/atanh series long enough that truncation
// stays below 1e-17; results within a few ulp. NaN/inf tests use the classify helpers.

fn rt_pow2i(k: i32) -> f64 {
    // 2^k from exact f32 powers of two, in steps of 2^+-120 for large |k|.
    var r = f64(1.0);
    var n = k;
    loop {
        if (n > 120) {
            r = r * f64(bitcast<f32>(247u << 23u));
            n = n - 120;
            continue;
        }
        if (n < -120) {
            r = r * f64(bitcast<f32>(7u << 23u));
            n = n + 120;
            continue;
        }
        break;
    }
    return r * f64(bitcast<f32>(u32(n + 127) << 23u));
}

fn rt_inf64() -> f64 {
    return f64(bitcast<f32>(0x7f800000u));
}

fn rt_nan64() -> f64 {
    return f64(bitcast<f32>(0x7fc00000u));
}

fn rt_exp64(x: f64) -> f64 {
    if (rt_isnan(x)) {
        return x;
    }
    if (x > 709.782712893384) {
        return rt_inf64();
    }
    if (x < -745.1332191019412) {
        return f64(0.0);
    }
    let k = round(x * 1.4426950408889634);
    let r = (x - k * 0.6931471803691238) - k * 1.9082149292705877e-10;
    var p = f64(1.0 / 87178291200.0);
    p = p * r + 1.0 / 6227020800.0;
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    return p * rt_pow2i(i32(k));
}

fn rt_exp2_64(x: f64) -> f64 {
    if (rt_isnan(x)) {
        return x;
    }
    if (x > 1024.0) {
        return rt_inf64();
    }
    if (x < -1075.0) {
        return f64(0.0);
    }
    let k = round(x);
    return rt_exp64((x - k) * 0.6931471805599453) * rt_pow2i(i32(k));
}

fn rt_log64(x: f64) -> f64 {
    if (rt_isnan(x) || x < 0.0) {
        return rt_nan64();
    }
    if (x == 0.0) {
        return -rt_inf64();
    }
    if (rt_isinf(x)) {
        return x;
    }
    // x = m * 2^e, m in [sqrt(1/2), sqrt(2)]: the exponent from f32(x)'s bits, after bringing x
    // into f32's normal range by steps of 2^+-120.
    var y = x;
    var e = 0;
    loop {
        if (y < 1e-30) {
            y = y * rt_pow2i(120);
            e = e - 120;
            continue;
        }
        if (y > 1e30) {
            y = y * rt_pow2i(-120);
            e = e + 120;
            continue;
        }
        break;
    }
    let fe = i32((bitcast<u32>(f32(y)) >> 23u) & 0xffu) - 127;
    var m = y * rt_pow2i(-fe);
    e = e + fe;
    if (m >= 2.0) {
        m = m * 0.5;
        e = e + 1;
    }
    if (m < 1.0) {
        m = m * 2.0;
        e = e - 1;
    }
    if (m > 1.4142135623730951) {
        m = m * 0.5;
        e = e + 1;
    }
    // log(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.172: odd powers to s^25.
    let s = (m - 1.0) / (m + 1.0);
    let z = s * s;
    var q = f64(1.0 / 25.0);
    q = q * z + 1.0 / 23.0;
    q = q * z + 1.0 / 21.0;
    q = q * z + 1.0 / 19.0;
    q = q * z + 1.0 / 17.0;
    q = q * z + 1.0 / 15.0;
    q = q * z + 1.0 / 13.0;
    q = q * z + 1.0 / 11.0;
    q = q * z + 1.0 / 9.0;
    q = q * z + 1.0 / 7.0;
    q = q * z + 1.0 / 5.0;
    q = q * z + 1.0 / 3.0;
    let lm = 2.0 * s + 2.0 * s * z * q;
    let ef = f64(e);
    return ef * 0.6931471803691238 + (ef * 1.9082149292705877e-10 + lm);
}

fn rt_expm1_64(x: f64) -> f64 {
    // Kahan: exact where exp(x) rounds to 1, and accurate near 0 through the log.
    let u = rt_exp64(x);
    if (u == 1.0) {
        return x;
    }
    if (rt_isinf(u) || rt_isnan(u)) {
        return u;
    }
    let um1 = u - 1.0;
    if (um1 == -1.0) {
        return f64(-1.0);
    }
    return um1 * x / rt_log64(u);
}

fn rt_log1p64(x: f64) -> f64 {
    let u = 1.0 + x;
    if (u == 1.0) {
        return x;
    }
    if (rt_isinf(u) || rt_isnan(u) || u <= 0.0) {
        return rt_log64(u);
    }
    return rt_log64(u) * x / (u - 1.0);
}

fn rt_sincos64(x: f64) -> vec2<f64> {
    // r = x - k pi/2 in three parts (fdlibm's), then series on |r| <= pi/4.
    let k = round(x * 0.6366197723675814);
    let r = ((x - k * 1.5707963267341256) - k * 6.077100506303966e-11) - k * 2.0222662487111665e-21;
    let z = r * r;
    var ps = f64(1.0 / 355687428096000.0);
    ps = ps * z - 1.0 / 1307674368000.0;
    ps = ps * z + 1.0 / 6227020800.0;
    ps = ps * z - 1.0 / 39916800.0;
    ps = ps * z + 1.0 / 362880.0;
    ps = ps * z - 1.0 / 5040.0;
    ps = ps * z + 1.0 / 120.0;
    ps = ps * z - 1.0 / 6.0;
    let s = r + r * z * ps;
    var pc = f64(-1.0 / 6402373705728000.0);
    pc = pc * z + 1.0 / 20922789888000.0;
    pc = pc * z - 1.0 / 87178291200.0;
    pc = pc * z + 1.0 / 479001600.0;
    pc = pc * z - 1.0 / 3628800.0;
    pc = pc * z + 1.0 / 40320.0;
    pc = pc * z - 1.0 / 720.0;
    pc = pc * z + 1.0 / 24.0;
    pc = pc * z - 0.5;
    let c = 1.0 + z * pc;
    let q = i32(k) & 3;
    if (q == 0) {
        return vec2<f64>(s, c);
    }
    if (q == 1) {
        return vec2<f64>(c, -s);
    }
    if (q == 2) {
        return vec2<f64>(-s, -c);
    }
    return vec2<f64>(-c, s);
}

fn rt_tan64(x: f64) -> f64 {
    let sc = rt_sincos64(x);
    return sc.x / sc.y;
}

fn rt_atan64(x: f64) -> f64 {
    let a = abs(x);
    var t = a;
    var flip = false;
    if (a > 1.0) {
        t = 1.0 / a;
        flip = true;
    }
    var base = f64(0.0);
    if (t > 0.2679491924311227) {
        // atan(t) = pi/6 + atan((t sqrt3 - 1) / (t + sqrt3)), the argument now <= tan(pi/12).
        t = (t * 1.7320508075688772 - 1.0) / (t + 1.7320508075688772);
        base = 0.5235987755982989;
    }
    let z = t * t;
    var p = f64(1.0 / 29.0);
    p = p * z - 1.0 / 27.0;
    p = p * z + 1.0 / 25.0;
    p = p * z - 1.0 / 23.0;
    p = p * z + 1.0 / 21.0;
    p = p * z - 1.0 / 19.0;
    p = p * z + 1.0 / 17.0;
    p = p * z - 1.0 / 15.0;
    p = p * z + 1.0 / 13.0;
    p = p * z - 1.0 / 11.0;
    p = p * z + 1.0 / 9.0;
    p = p * z - 1.0 / 7.0;
    p = p * z + 1.0 / 5.0;
    p = p * z - 1.0 / 3.0;
    var r = base + (t + t * z * p);
    if (flip) {
        r = 1.5707963267948966 - r;
    }
    return select(r, -r, x < 0.0);
}

fn rt_atan2_64(y: f64, x: f64) -> f64 {
    let pi = f64(3.141592653589793);
    if (rt_isnan(x) || rt_isnan(y)) {
        return rt_nan64();
    }
    if (y == 0.0 && x == 0.0) {
        let m = select(f64(0.0), pi, rt_signbit(x));
        return select(m, -m, rt_signbit(y));
    }
    if (rt_isinf(x) && rt_isinf(y)) {
        let m = select(0.25 * pi, 0.75 * pi, x < 0.0);
        return select(m, -m, y < 0.0);
    }
    if (x == 0.0 || rt_isinf(y)) {
        return select(-0.5 * pi, 0.5 * pi, y > 0.0);
    }
    if (rt_isinf(x)) {
        let m = select(f64(0.0), pi, x < 0.0);
        return select(m, -m, rt_signbit(y));
    }
    let r = rt_atan64(y / x);
    if (x > 0.0) {
        return r;
    }
    return select(r - pi, r + pi, !rt_signbit(y));
}

fn rt_sinh64(x: f64) -> f64 {
    let e = rt_expm1_64(abs(x));
    let r = 0.5 * (e + e / (e + 1.0));
    return select(r, -r, x < 0.0);
}

fn rt_cosh64(x: f64) -> f64 {
    let e = rt_exp64(abs(x));
    return 0.5 * (e + 1.0 / e);
}

fn rt_tanh64(x: f64) -> f64 {
    if (abs(x) > 22.0) {
        return select(f64(1.0), f64(-1.0), x < 0.0);
    }
    let e = rt_expm1_64(2.0 * abs(x));
    let r = e / (e + 2.0);
    return select(r, -r, x < 0.0);
}

fn rt_erf64(x: f64) -> f64 {
    if (rt_isnan(x)) {
        return x;
    }
    let a = abs(x);
    if (a > 6.0) {
        return select(f64(1.0), f64(-1.0), x < 0.0);
    }
    var r: f64;
    if (a < 2.5) {
        // Maclaurin series: 2/sqrt(pi) sum (-1)^n a^(2n+1) / (n! (2n+1)).
        let z = a * a;
        var term = a;
        var sum = a;
        for (var n = 1; n < 80; n = n + 1) {
            term = -term * z / f64(n);
            let add = term / f64(2 * n + 1);
            sum = sum + add;
            if (abs(add) < 1e-17 * abs(sum)) {
                break;
            }
        }
        r = sum * 1.1283791670955126;
    } else {
        // erfc by its continued fraction, evaluated from the tail.
        var f = a;
        for (var k = 60; k >= 1; k = k - 1) {
            f = a + (0.5 * f64(k)) / f;
        }
        r = 1.0 - rt_exp64(-a * a) / (1.7724538509055159 * f);
    }
    return select(r, -r, x < 0.0);
}

fn rt_pow64(a: f64, b: f64) -> f64 {
    if (b == 0.0) {
        return f64(1.0);
    }
    if (rt_isnan(a) || rt_isnan(b)) {
        return rt_nan64();
    }
    let integral = b == trunc(b);
    // Small integral exponents by squaring: exact where the result is (2 ** 3 == 8).
    if (integral && abs(b) <= 64.0) {
        var e = i32(abs(b));
        var base = a;
        var acc = f64(1.0);
        loop {
            if (e == 0) {
                break;
            }
            if ((e & 1) == 1) {
                acc = acc * base;
            }
            base = base * base;
            e = e >> 1u;
        }
        return select(acc, 1.0 / acc, b < 0.0);
    }
    if (a < 0.0 && !integral) {
        return rt_nan64();
    }
    if (a == 0.0) {
        return select(f64(0.0), rt_inf64(), b < 0.0);
    }
    let m = rt_exp64(b * rt_log64(abs(a)));
    let odd = integral && (b * 0.5) != trunc(b * 0.5);
    return select(m, -m, a < 0.0 && odd);
}

fn rt_gelu_tanh_grad64(x: f64) -> f64 {
    // d/dx of x (1 + tanh(u)) / 2, u = sqrt(2/pi) (x + 0.044715 x^3).
    let t = rt_tanh64(0.7978845608028654 * (x + 0.044715 * x * x * x));
    return (t + 1.0) * 0.5 + x * 0.5 * (1.0 - t * t) * 0.7978845608028654 * (0.134145 * x * x + 1.0);
}
