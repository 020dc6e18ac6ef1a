//! How each dtype lives in a wgpu buffer, and the WGSL that reads, converts and
//! writes it. Kernels compute in 32 bits (or 64 where the dtype is 64-bit):
//! f16/bf16 are stored packed two to a u32 word and computed in f32; int8/int16/
//! uint8/bool are stored packed four (two) to a word and computed in i32/u32;
//! int64 is `i64` with SHADER_INT64 and a `vec2<u32>` pair (emulated, see
//! `shaders/int64_emulated.wgsl`) without it. Packed stores use atomics on the
//! containing word, so neighbouring invocations never lose each other's bytes,
//! whatever the output's strides.

use crate::dtype::DType;

/// What a kernel computes with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Val {
    F32,
    F64,
    I32,
    U32,
    /// Native 64-bit integers (SHADER_INT64).
    I64,
    /// 64-bit integers as (low, high) u32 pairs.
    E64,
}

impl Val {
    pub fn wgsl(self) -> &'static str {
        match self {
            Val::F32 => "f32",
            Val::F64 => "f64",
            Val::I32 => "i32",
            Val::U32 => "u32",
            Val::I64 => "i64",
            Val::E64 => "vec2<u32>",
        }
    }
    pub fn is_float(self) -> bool {
        matches!(self, Val::F32 | Val::F64)
    }
    /// `e != 0` in WGSL for a value of this type.
    pub fn nonzero(self, e: &str) -> String {
        match self {
            Val::E64 => format!("any(({e}) != vec2<u32>(0u))"),
            // NaN is non-zero; drivers may assume floats are never NaN and compile `!=` as an
            // ordered compare (lavapipe: NaN != 0 is false), so NaN is tested on its bits.
            Val::F32 => format!("rt_nonzero_f32({e})"),
            Val::F64 => format!("rt_nonzero_f64({e})"),
            v => format!("(({e}) != {}(0))", v.wgsl()),
        }
    }
}

/// The adapter capabilities that change the generated code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Caps {
    pub int64: bool,
    /// Elements per invocation of the map and reduce kernels (`Tuning::unroll`).
    pub unroll: usize,
}

impl Caps {
    pub fn of(ctx: &super::Context) -> Caps {
        Caps { int64: ctx.features.contains(wgpu::Features::SHADER_INT64), unroll: ctx.tuning.unroll }
    }
}

/// The type kernels compute `d` in.
pub fn val(d: DType, caps: Caps) -> Val {
    match d {
        DType::F32 | DType::F16 | DType::BF16 => Val::F32,
        DType::F64 => Val::F64,
        DType::I32 | DType::I16 | DType::I8 => Val::I32,
        DType::U8 | DType::Bool => Val::U32,
        DType::I64 if caps.int64 => Val::I64,
        DType::I64 => Val::E64,
    }
}

/// Stored below 32 bits: written with atomics on the containing word.
pub fn is_packed(d: DType) -> bool {
    d.size() < 4
}

/// The WGSL element type a buffer of `d` is bound as.
fn word(d: DType, caps: Caps) -> &'static str {
    match d {
        DType::F32 => "f32",
        DType::F64 => "f64",
        DType::I32 => "i32",
        DType::I64 if caps.int64 => "i64",
        _ => "u32",
    }
}

/// `@binding(k)`: a read-only buffer `name` of dtype `d`.
pub fn input_decl(name: &str, k: usize, d: DType, caps: Caps) -> String {
    format!("@group(0) @binding({k}) var<storage, read> {name}: array<{}>;\n", word(d, caps))
}

/// `@binding(k)`: the writable buffer `name` of dtype `d` (atomic words when packed).
pub fn output_decl(name: &str, k: usize, d: DType, caps: Caps) -> String {
    let ty = if is_packed(d) { "atomic<u32>".to_string() } else { word(d, caps).to_string() };
    format!("@group(0) @binding({k}) var<storage, read_write> {name}: array<{ty}>;\n")
}

/// `fn fname(i: u32) -> val(d)`: element `i` of buffer `buf` (dtype `d`). `atomic`: `buf` is
/// the writable binding of the same dtype, whose packed words are atomics (in-place ops).
pub fn load_fn(fname: &str, buf: &str, d: DType, caps: Caps, atomic: bool) -> String {
    let w = |idx: &str| if atomic && is_packed(d) { format!("atomicLoad(&{buf}[{idx}])") } else { format!("{buf}[{idx}]") };
    let body = match d {
        DType::F32 | DType::F64 | DType::I32 => format!("{buf}[i]"),
        DType::I64 if caps.int64 => format!("{buf}[i]"),
        DType::I64 => format!("vec2<u32>({buf}[2u * i], {buf}[2u * i + 1u])"),
        DType::F16 => format!("rt_f16_to_f32(({} >> ((i & 1u) * 16u)) & 0xffffu)", w("i >> 1u")),
        DType::BF16 => format!("bitcast<f32>((({} >> ((i & 1u) * 16u)) & 0xffffu) << 16u)", w("i >> 1u")),
        DType::U8 => format!("({} >> ((i & 3u) * 8u)) & 0xffu", w("i >> 2u")),
        DType::Bool => format!("select(0u, 1u, (({} >> ((i & 3u) * 8u)) & 0xffu) != 0u)", w("i >> 2u")),
        // Sign extension: the byte to the top, then an arithmetic shift down.
        DType::I8 => format!("bitcast<i32>({} << (24u - (i & 3u) * 8u)) >> 24u", w("i >> 2u")),
        DType::I16 => format!("bitcast<i32>({} << (16u - (i & 1u) * 16u)) >> 16u", w("i >> 1u")),
    };
    format!("fn {fname}(i: u32) -> {} {{\n    return {body};\n}}\n", val(d, caps).wgsl())
}

/// `fn fname(i: u32, v: val(d))`: writes element `i` of buffer `buf` (dtype `d`).
pub fn store_fn(fname: &str, buf: &str, d: DType, caps: Caps) -> String {
    let ty = val(d, caps).wgsl();
    let plain = |body: String| format!("fn {fname}(i: u32, v: {ty}) {{\n    {body}\n}}\n");
    let (bits, per_word) = match d {
        DType::F32 | DType::F64 | DType::I32 => return plain(format!("{buf}[i] = v;")),
        DType::I64 if caps.int64 => return plain(format!("{buf}[i] = v;")),
        DType::I64 => return plain(format!("{buf}[2u * i] = v.x;\n    {buf}[2u * i + 1u] = v.y;")),
        DType::F16 => ("rt_f32_to_f16(v)", 2),
        DType::BF16 => ("rt_f32_to_bf16(v)", 2),
        DType::U8 | DType::Bool => ("v & 0xffu", 4),
        DType::I8 => ("bitcast<u32>(v) & 0xffu", 4),
        DType::I16 => ("bitcast<u32>(v) & 0xffffu", 2),
    };
    let (lanes, width, mask) = if per_word == 4 { ("3u", "8u", "0xffu") } else { ("1u", "16u", "0xffffu") };
    let shift = if per_word == 4 { "2u" } else { "1u" };
    plain(format!(
        "let sh = (i & {lanes}) * {width};\n    let w = i >> {shift};\n    \
         atomicAnd(&{buf}[w], ~({mask} << sh));\n    atomicOr(&{buf}[w], ({bits}) << sh);"
    ))
}

/// WGSL converting `e` (a `from` value) to `val(to)` with PyTorch's cast semantics:
/// bool is `!= 0`, floats truncate toward zero, integers wrap.
pub fn convert(e: &str, from: Val, to: DType, caps: Caps) -> String {
    if to == DType::Bool {
        return format!("select(0u, 1u, {})", from.nonzero(e));
    }
    let target = val(to, caps);
    if from == target {
        return e.to_string();
    }
    use Val::*;
    match (from, target) {
        (F32 | I32 | U32 | I64, F64) => format!("f64({e})"),
        (F64 | I32 | U32 | I64, F32) => format!("f32({e})"),
        (F32 | F64 | I64, I32) => format!("i32({e})"),
        // Through i32: negative floats wrap into uint8 as they do on the CPU.
        (F32 | F64, U32) => format!("bitcast<u32>(i32({e}))"),
        (I32, U32) => format!("bitcast<u32>({e})"),
        (U32, I32) => format!("bitcast<i32>({e})"),
        (I64, U32) => format!("u32({e})"),
        (F32 | F64 | I32 | U32, I64) => format!("i64({e})"),
        (F32, E64) => format!("e64_from_f32({e})"),
        (F64, E64) => format!("rt_f64_to_e64({e})"),
        (I32, E64) => format!("e64_from_i32({e})"),
        (U32, E64) => format!("e64_from_u32({e})"),
        (E64, F32) => format!("e64_to_f32({e})"),
        (E64, F64) => format!("rt_e64_to_f64({e})"),
        (E64, I32) => format!("e64_to_i32({e})"),
        (E64, U32) => format!("e64_to_u32({e})"),
        (E64, I64) => format!("rt_e64_to_i64({e})"),
        // Unreachable: native int64 is never converted to the emulated form.
        _ => e.to_string(),
    }
}

/// A Python number as the parameter words of a `val` scalar (two words; the
/// second is the high half of 64-bit integers). f64 scalars travel in their own
/// buffer instead (see `map.rs`), so they are not encoded here.
pub fn scalar_words(s: crate::dtype::Scalar, v: Val) -> [u32; 2] {
    use crate::dtype::Scalar;
    match v {
        Val::F32 | Val::F64 => [(s.to_f64() as f32).to_bits(), 0],
        _ => {
            let i = match s {
                Scalar::Float(f) => f as i64,
                _ => s.to_i64(),
            };
            [i as u64 as u32, ((i as u64) >> 32) as u32]
        }
    }
}

/// The WGSL reading scalar slot `k` (words p[48 + 2k], p[49 + 2k]) as a `v`.
pub fn scalar_expr(k: usize, v: Val) -> String {
    let (lo, hi) = (48 + 2 * k, 49 + 2 * k);
    match v {
        Val::F32 => format!("bitcast<f32>(p[{lo}])"),
        Val::F64 => format!("sc[{k}]"),
        Val::I32 => format!("bitcast<i32>(p[{lo}])"),
        Val::U32 => format!("p[{lo}]"),
        Val::I64 => format!("rt_e64_to_i64(vec2<u32>(p[{lo}], p[{hi}]))"),
        Val::E64 => format!("vec2<u32>(p[{lo}], p[{hi}])"),
    }
}
