// Scalar helpers shared by the elementwise templates, written for one element type {{T}}.
// They give PyTorch's semantics where WGSL's built-ins differ (Python-style remainder and
// floor division). The transcendental ones are in helpers_transcendental.wgsl.

fn rt_remainder(a: {{T}}, b: {{T}}) -> {{T}} {
    let m = a % b; // WGSL's float % truncates, like C's fmod
    return select(m, m + b, m != 0.0 && ((m < 0.0) != (b < 0.0)));
}

fn rt_floor_divide(a: {{T}}, b: {{T}}) -> {{T}} {
    if (b == 0.0) {
        return a / b;
    }
    let m = a % b;
    var d = (a - m) / b;
    if (m != 0.0 && ((b < 0.0) != (m < 0.0))) {
        d = d - 1.0;
    }
    if (d == 0.0) {
        return 0.0 * (a / b); // keeps the sign of the quotient
    }
    let f = floor(d);
    return select(f, f + 1.0, d - f > 0.5);
}

fn rt_clamp(x: {{T}}, lo: {{T}}, hi: {{T}}) -> {{T}} {
    // NaN in x stays; a NaN bound wins (as the CPU kernel).
    if (rt_isnan(x)) {
        return x;
    }
    let m = select(x, lo, rt_isnan(lo) || x < lo);
    return select(m, hi, rt_isnan(hi) || m > hi);
}

fn rt_lerp(s: {{T}}, e: {{T}}, w: {{T}}) -> {{T}} {
    // From the nearer end, as PyTorch computes it.
    return select(e - (e - s) * (1.0 - w), s + w * (e - s), abs(w) < 0.5);
}

fn rt_nan_to_num(x: {{T}}, nan: {{T}}, posinf: {{T}}, neginf: {{T}}) -> {{T}} {
    if (rt_isnan(x)) {
        return nan;
    }
    if (rt_isinf(x)) {
        return select(neginf, posinf, x > 0.0);
    }
    return x;
}

fn rt_atan2(a: {{T}}, b: {{T}}) -> {{T}} {
    // Both zero: C's atan2 (and PyTorch) give +-0 or +-pi by the zeros' signs; WGSL leaves it undefined.
    if (a == 0.0 && b == 0.0) {
        let m = select(0.0, 3.141592653589793, rt_signbit(b));
        return select(m, -m, rt_signbit(a));
    }
    return atan2(a, b);
}
