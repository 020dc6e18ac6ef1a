// Integer scalar helpers for one compute type {{T}} (i32, u32 or i64), with PyTorch's
// semantics: Python-style floor division and remainder, shifts by the bit width or more
// give 0 (or -1 for negative values shifted right), integer powers by squaring.

fn rt_floor_divide(a: {{T}}, b: {{T}}) -> {{T}} {
    let q = a / b;
    return select(q, q - {{T}}(1), (a % b) != {{T}}(0) && ((a < {{T}}(0)) != (b < {{T}}(0))));
}

fn rt_remainder(a: {{T}}, b: {{T}}) -> {{T}} {
    let r = a % b;
    return select(r, r + b, r != {{T}}(0) && ((r < {{T}}(0)) != (b < {{T}}(0))));
}

fn rt_shl(a: {{T}}, b: {{T}}) -> {{T}} {
    if (b < {{T}}(0) || b >= {{T}}({{BITS}})) {
        return {{T}}(0);
    }
    return a << u32(b);
}

fn rt_shr(a: {{T}}, b: {{T}}) -> {{T}} {
    if (b < {{T}}(0) || b >= {{T}}({{BITS}})) {
        return select({{T}}(0), {{NEG1}}, a < {{T}}(0));
    }
    return a >> u32(b);
}

fn rt_pow(a: {{T}}, b: {{T}}) -> {{T}} {
    // Negative exponents: 1 / a truncated toward zero, as PyTorch computes it.
    if (b < {{T}}(0)) {
        if (a == {{T}}(1)) {
            return a;
        }
        if (a == {{NEG1}}) {
            return select({{T}}(1), a, (b & {{T}}(1)) == {{T}}(1));
        }
        return {{T}}(0);
    }
    var acc = {{T}}(1);
    var base = a;
    var e = b;
    loop {
        if (e <= {{T}}(0)) {
            break;
        }
        if ((e & {{T}}(1)) == {{T}}(1)) {
            acc = acc * base;
        }
        base = base * base;
        e = e >> 1u;
    }
    return acc;
}
