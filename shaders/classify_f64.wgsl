// NaN/inf/sign tests for f64 through f32 bits (WGSL cannot bitcast an f64 without 64-bit
// integers): the conversion keeps NaN, infinities and the sign (tiny values become +-0);
// scaling by 1e-300 first keeps finite values beyond f32's range from reading as inf.

fn rt_isnan(x: f64) -> bool {
    return (bitcast<u32>(f32(x)) & 0x7fffffffu) > 0x7f800000u;
}

fn rt_isinf(x: f64) -> bool {
    return (bitcast<u32>(f32(x * 1e-300)) & 0x7fffffffu) == 0x7f800000u;
}

fn rt_signbit(x: f64) -> bool {
    return (bitcast<u32>(f32(x)) >> 31u) == 1u;
}
