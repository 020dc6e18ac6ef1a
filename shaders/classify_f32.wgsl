// NaN/inf/sign tests on f32 bits: Vulkan lets drivers assume no NaN or inf in float
// arithmetic (lavapipe folds x != x to false), so comparisons cannot be trusted for them.

fn rt_isnan(x: f32) -> bool {
    return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

fn rt_isinf(x: f32) -> bool {
    return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u;
}

fn rt_signbit(x: f32) -> bool {
    return (bitcast<u32>(x) >> 31u) == 1u;
}
