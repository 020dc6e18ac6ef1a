//! Tests of `shaders/int64_emulated.wgsl`, the 64-bit integer library for adapters
//! without SHADER_INT64: naga validation of the file alone and with a harness entry point
//! that calls every function, then a run on the device compared bit for bit with Rust's
//! wrapping u64/i64 operations.

const LIBRARY: &str = include_str!("../../shaders/int64_emulated.wgsl");

/// Outputs (vec2<u32>) the harness writes per case.
const K: usize = 24;

/// The harness: for case i, inputs are three vec2<u32> (a, b, c) with c.x the shift
/// amount and c.y the bits of an f32; outputs are K vec2<u32>, in the order `expected` uses.
const HARNESS: &str = r#"
@group(0) @binding(0) var<storage, read> inp: array<vec2<u32>>;
@group(0) @binding(1) var<storage, read_write> outp: array<vec2<u32>>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= arrayLength(&inp) / 3u) {
        return;
    }
    let a = inp[3u * i];
    let b = inp[3u * i + 1u];
    let c = inp[3u * i + 2u];
    let n = c.x;
    let f = bitcast<f32>(c.y);
    let o = 24u * i;
    outp[o + 0u] = e64_add(a, b);
    outp[o + 1u] = e64_sub(a, b);
    outp[o + 2u] = e64_neg(a);
    outp[o + 3u] = e64_mul(a, b);
    outp[o + 4u] = e64_mul_hi_u(a, b);
    outp[o + 5u] = e64_and(a, b);
    outp[o + 6u] = e64_or(a, b);
    outp[o + 7u] = e64_xor(a, b);
    outp[o + 8u] = e64_not(a);
    outp[o + 9u] = e64_shl(a, n);
    outp[o + 10u] = e64_shr_u(a, n);
    outp[o + 11u] = e64_sar(a, n);
    var flags = 0u;
    flags = flags | select(0u, 1u, e64_eq(a, b));
    flags = flags | select(0u, 2u, e64_lt_s(a, b));
    flags = flags | select(0u, 4u, e64_lt_u(a, b));
    flags = flags | select(0u, 8u, e64_le_s(a, b));
    flags = flags | select(0u, 16u, e64_is_neg(a));
    outp[o + 12u] = vec2<u32>(flags, 0u);
    outp[o + 13u] = e64_max_s(a, b);
    outp[o + 14u] = e64_min_s(a, b);
    outp[o + 15u] = e64_abs(a);
    outp[o + 16u] = e64_sign(a);
    outp[o + 17u] = vec2<u32>(bitcast<u32>(e64_to_f32(a)), bitcast<u32>(e64_to_f32_u(a)));
    outp[o + 18u] = e64_from_f32(f);
    outp[o + 19u] = e64_from_u32(a.x);
    outp[o + 20u] = e64_from_i32(bitcast<i32>(a.x));
    outp[o + 21u] = vec2<u32>(bitcast<u32>(e64_to_i32(a)), e64_to_u32(a));
    outp[o + 22u] = e64_mul32(a.x, b.x);
    outp[o + 23u] = e64_mul32(a.y, b.y);
}
"#;

/// Names of the K outputs, for messages.
const NAMES: [&str; K] = [
    "add", "sub", "neg", "mul", "mul_hi_u", "and", "or", "xor", "not", "shl", "shr_u", "sar", "flags(eq,lt_s,lt_u,le_s,is_neg)",
    "max_s", "min_s", "abs", "sign", "(to_f32, to_f32_u) bits", "from_f32", "from_u32", "from_i32", "(to_i32, to_u32)", "mul32(lo,lo)",
    "mul32(hi,hi)",
];

/// The functions the library promises (more may exist; all must be e64_ and tested).
const REQUIRED: [&str; 29] = [
    "e64_from_u32", "e64_from_i32", "e64_to_i32", "e64_to_u32", "e64_mul32", "e64_add", "e64_sub", "e64_neg", "e64_mul",
    "e64_mul_hi_u", "e64_and", "e64_or", "e64_xor", "e64_not", "e64_shl", "e64_shr_u", "e64_sar", "e64_eq", "e64_is_neg",
    "e64_lt_u", "e64_lt_s", "e64_le_s", "e64_max_s", "e64_min_s", "e64_abs", "e64_sign", "e64_to_f32_u", "e64_to_f32",
    "e64_from_f32",
];

fn source() -> String {
    format!("{LIBRARY}\n{HARNESS}")
}

fn validate(src: &str) -> Result<naga::Module, String> {
    let module = naga::front::wgsl::parse_str(src).map_err(|e| e.emit_to_string(src))?;
    // No capabilities: plain WGSL only (no int64, f16, f64, subgroups).
    naga::valid::Validator::new(naga::valid::ValidationFlags::all(), naga::valid::Capabilities::empty())
        .validate(&module)
        .map_err(|e| format!("{e:?}"))?;
    Ok(module)
}

fn split(v: u64) -> [u32; 2] {
    [v as u32, (v >> 32) as u32]
}

fn join(w: [u32; 2]) -> u64 {
    u64::from(w[0]) | (u64::from(w[1]) << 32)
}

/// What the K outputs must be, per Rust's semantics.
fn expected(a: u64, b: u64, n: u32, fbits: u32) -> [u64; K] {
    let (sa, sb) = (a as i64, b as i64);
    let flags = u64::from(a == b)
        | (u64::from(sa < sb) << 1)
        | (u64::from(a < b) << 2)
        | (u64::from(sa <= sb) << 3)
        | (u64::from(sa < 0) << 4);
    let to_f32 = join([(sa as f32).to_bits(), (a as f32).to_bits()]);
    let lo = a as u32;
    [
        a.wrapping_add(b),
        a.wrapping_sub(b),
        a.wrapping_neg(),
        a.wrapping_mul(b),
        ((u128::from(a) * u128::from(b)) >> 64) as u64,
        a & b,
        a | b,
        a ^ b,
        !a,
        a.wrapping_shl(n),
        a.wrapping_shr(n),
        sa.wrapping_shr(n) as u64,
        flags,
        sa.max(sb) as u64,
        sa.min(sb) as u64,
        sa.wrapping_abs() as u64,
        sa.signum() as u64,
        to_f32,
        f32::from_bits(fbits) as i64 as u64, // Rust: truncating, saturating, NaN -> 0
        u64::from(lo),
        i64::from(lo as i32) as u64,
        join([lo, lo]),
        u64::from(lo) * u64::from(b as u32),
        (a >> 32) * (b >> 32),
    ]
}

struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Edge values: the named ones, then 2^k, 2^k - 1, 2^k + 1 and -2^k for every k.
fn edges() -> Vec<u64> {
    let mut v: Vec<u64> = [
        0i64,
        1,
        2,
        3,
        -1,
        -2,
        -3,
        i64::MIN,
        i64::MIN + 1,
        i64::MAX,
        i64::MAX - 1,
        u32::MAX as i64,
        1 << 32,
        (1 << 32) + 1,
        (1 << 32) - 1,
        -(1 << 32),
        1 << 31,
        (1 << 31) - 1,
        (1 << 31) + 1,
        -(1 << 31),
        -(1 << 31) - 1,
        1 << 53,
        (1 << 53) + 1,
        (1 << 53) - 1,
        -(1 << 53),
        -(1 << 53) - 1,
        (1 << 24) + 1,
        0xFFFF,
        0x1_0000,
        0xFFFF_FFFF_0000_0000u64 as i64,
        0x8000_0000_8000_0000u64 as i64,
        0x1234_5678_9ABC_DEF0,
        0x9E37_79B9_7F4A_7C15u64 as i64,
        0x7FFF_FF80_0000_0000, // the largest f32 below 2^63
        0x7FFF_FFC0_0000_0000, // halfway between it and 2^63: ties to even, 2^63
        0x0000_0100_0000_0080, // 2^40 + 2^7: a tie below 2^41, to even
        0x0000_0100_0000_0180, // 2^40 + 3 * 2^7: a tie, to even (up)
        0x0000_0100_0000_0081, // just above a tie
    ]
    .iter()
    .map(|&x| x as u64)
    .collect();
    for k in 0..64 {
        let p = 1u64 << k;
        v.extend([p, p.wrapping_sub(1), p.wrapping_add(1), p.wrapping_neg()]);
    }
    v.sort_unstable();
    v.dedup();
    v
}

/// f32 bit patterns worth converting: fractions, exact and inexact integers, the i64
/// bounds, out-of-range values, infinities, NaNs, denormals.
fn interesting_f32() -> Vec<u32> {
    let two63 = 9_223_372_036_854_775_808.0f32;
    let mut v: Vec<u32> = [
        0.0f32,
        -0.0,
        0.5,
        -0.5,
        0.999_999_94,
        -0.999_999_94,
        1.0,
        -1.0,
        1.5,
        -1.5,
        2.5,
        -2.5,
        8_388_607.5,
        -8_388_607.5,
        8_388_608.0,
        16_777_216.0,
        16_777_218.0,
        2_147_483_648.0,
        -2_147_483_648.0,
        4_294_967_296.0,
        4_503_599_627_370_496.0,
        9_007_199_254_740_992.0,
        -9_007_199_254_740_992.0,
        4_611_686_018_427_387_904.0,
        two63,
        -two63,
        18_446_744_073_709_551_616.0,
        -18_446_744_073_709_551_616.0,
        f32::MAX,
        f32::MIN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::MIN_POSITIVE,
        -f32::MIN_POSITIVE,
        1e10,
        -1e10,
        123_456.79,
        -123_456.79,
    ]
    .iter()
    .map(|f| f.to_bits())
    .collect();
    v.extend([
        f32::NAN.to_bits(),
        f32::NAN.to_bits() | 0x8000_0000,
        0x7F80_0001, // signalling NaN
        0xFFC1_2345, // negative NaN with a payload
        1,           // smallest denormal
        0x8000_0001,
        0x007F_FFFF, // largest denormal
        two63.to_bits() - 1, // the largest f32 below 2^63
        (-two63).to_bits() - 1,
        (-two63).to_bits() + 1, // just beyond -2^63: saturates
    ]);
    v
}

/// The cases: every edge value crossed with every edge value, edge values against random
/// ones, random pairs, and random pairs of related values (equal high or low words,
/// narrow magnitudes). Each case is [a, b, c] with c = (shift amount, f32 bits).
fn cases() -> Vec<[u64; 3]> {
    let e = edges();
    let floats = interesting_f32();
    let mut rng = SplitMix64(0x5EED_1234_ABCD_0001);
    let mut pairs: Vec<(u64, u64)> = Vec::new();
    for &a in &e {
        for &b in &e {
            pairs.push((a, b));
        }
    }
    for &a in &e {
        for _ in 0..8 {
            let r = rng.next();
            pairs.push((a, r));
            pairs.push((r, a));
        }
    }
    for _ in 0..8192 {
        let (a, b) = (rng.next(), rng.next());
        pairs.push((a, b));
        let narrow = |x: u64, s: u64| -> u64 {
            let m = x >> (s % 64);
            if s & 64 != 0 {
                m.wrapping_neg()
            } else {
                m
            }
        };
        let s = rng.next();
        pairs.push((narrow(a, s), narrow(b, s >> 8)));
        pairs.push((a, (b & 0xFFFF_FFFF) | (a & 0xFFFF_FFFF_0000_0000))); // equal high words
        pairs.push((a, (b & 0xFFFF_FFFF_0000_0000) | (a & 0xFFFF_FFFF))); // equal low words
    }
    pairs
        .iter()
        .enumerate()
        .map(|(i, &(a, b))| {
            let n = (i % 130) as u32; // 0..63 and beyond (masked, like wrapping_shl)
            let fbits = match i % 4 {
                0 => rng.next() as u32,
                1 => floats[(i / 4) % floats.len()],
                2 => (a as i64 as f32).to_bits(),
                _ => {
                    // A random f32 with |f| in [2^-2, 2^66): mostly in the i64 range.
                    let r = rng.next();
                    let biased = 125 + (r % 68) as u32;
                    ((r >> 8) as u32 & 0x8000_0000) | (biased << 23) | ((r >> 32) as u32 & 0x7F_FFFF)
                }
            };
            [a, b, join([n, fbits])]
        })
        .collect()
}

#[test]
fn int64_emulated_library_is_plain_prefixed_and_validates() {
    let module = validate(LIBRARY).unwrap_or_else(|e| panic!("int64_emulated.wgsl alone: {e}"));
    assert!(module.entry_points.is_empty(), "the library must have no entry points");
    assert!(module.global_variables.is_empty(), "the library must have no bindings or globals");
    for line in LIBRARY.lines() {
        assert!(!line.trim_start().starts_with("enable"), "the library must use no extension: {line}");
    }
    let names: Vec<String> = module.functions.iter().filter_map(|(_, f)| f.name.clone()).collect();
    for want in REQUIRED {
        assert!(names.iter().any(|n| n == want), "the library lacks {want}");
    }
    for name in &names {
        assert!(name.starts_with("e64_"), "{name} lacks the e64_ prefix");
        assert!(HARNESS.contains(&format!("{name}(")), "the harness does not call {name}");
    }
    validate(&source()).unwrap_or_else(|e| panic!("int64_emulated.wgsl with its harness: {e}"));
}

#[test]
fn int64_emulated_matches_rust_on_the_device() {
    use wgpu::util::DeviceExt;
    let ctx = match crate::wgpu::context() {
        Ok(c) => c,
        Err(e) => {
            assert!(std::env::var("RUSTORCH_REQUIRE_WGPU").as_deref() != Ok("1"), "{e}");
            return; // no adapter on this machine
        }
    };
    let cases = cases();
    let input: Vec<u32> = cases.iter().flat_map(|c| c.iter().flat_map(|&v| split(v))).collect();
    let out_bytes = (cases.len() * K * 8) as u64;
    let device = &ctx.device;

    let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
    let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some("int64_emulated test"),
        source: wgpu::ShaderSource::Wgsl(source().into()),
    });
    let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: Some("int64_emulated test"),
        layout: None,
        module: &module,
        entry_point: Some("main"),
        compilation_options: Default::default(),
        cache: None,
    });
    let inbuf = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some("int64_emulated in"),
        contents: bytemuck::cast_slice(&input),
        usage: wgpu::BufferUsages::STORAGE,
    });
    let outbuf = device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("int64_emulated out"),
        size: out_bytes,
        usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
        mapped_at_creation: false,
    });
    let staging = device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("int64_emulated staging"),
        size: out_bytes,
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    let bind = device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: None,
        layout: &pipeline.get_bind_group_layout(0),
        entries: &[
            wgpu::BindGroupEntry { binding: 0, resource: inbuf.as_entire_binding() },
            wgpu::BindGroupEntry { binding: 1, resource: outbuf.as_entire_binding() },
        ],
    });
    let mut enc = device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: None });
    {
        let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor { label: None, timestamp_writes: None });
        pass.set_pipeline(&pipeline);
        pass.set_bind_group(0, &bind, &[]);
        pass.dispatch_workgroups(cases.len().div_ceil(64) as u32, 1, 1);
    }
    enc.copy_buffer_to_buffer(&outbuf, 0, &staging, 0, out_bytes);
    ctx.queue.submit([enc.finish()]);
    if let Some(e) = pollster::block_on(scope.pop()) {
        panic!("wgpu validation error: {e}");
    }

    let (tx, rx) = std::sync::mpsc::channel();
    staging.slice(..).map_async(wgpu::MapMode::Read, move |r| {
        let _ = tx.send(r);
    });
    device.poll(wgpu::PollType::wait_indefinitely()).expect("poll");
    rx.recv().expect("map callback").expect("map_async");
    let got: Vec<u32> = {
        let view = staging.slice(..).get_mapped_range().expect("mapped range");
        view.chunks_exact(4).map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]])).collect()
    };
    staging.unmap();

    let mut failures: Vec<String> = Vec::new();
    let (mut checked, mut mismatches) = (0usize, 0usize);
    for (i, c) in cases.iter().enumerate() {
        let (a, b) = (c[0], c[1]);
        let [n, fbits] = split(c[2]);
        let want = expected(a, b, n, fbits);
        for k in 0..K {
            let g = join([got[2 * (i * K + k)], got[2 * (i * K + k) + 1]]);
            checked += 1;
            if g != want[k] {
                mismatches += 1;
            }
            if g != want[k] && failures.len() < 40 {
                failures.push(format!(
                    "{}: a={a:#018x} b={b:#018x} n={n} f={:e} ({fbits:#010x}): got {g:#018x}, want {:#018x}",
                    NAMES[k],
                    f32::from_bits(fbits),
                    want[k]
                ));
            }
        }
    }
    println!(
        "int64_emulated on {}: {} cases x {K} outputs = {} checks",
        ctx.info.name,
        cases.len(),
        checked
    );
    assert!(mismatches == 0, "{mismatches} mismatches (first 40):\n{}", failures.join("\n"));
}
