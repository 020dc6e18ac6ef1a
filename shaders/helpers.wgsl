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
