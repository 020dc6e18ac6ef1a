//! WGSL templates: one file per op family in `shaders/`, filled by a small
//! substituter (`{{KEY}}` placeholders), and helper libraries from which a module
//! takes only the functions it calls (so f64 or int64 helpers never reach a module
//! on an adapter that lacks them).

use super::dtypes::Val;

pub const HELPERS: &str = include_str!("../../shaders/helpers.wgsl");
pub const HELPERS_TRANSCENDENTAL: &str = include_str!("../../shaders/helpers_transcendental.wgsl");
pub const HELPERS_INT: &str = include_str!("../../shaders/helpers_int.wgsl");
pub const CLASSIFY_F32: &str = include_str!("../../shaders/classify_f32.wgsl");
pub const CLASSIFY_F64: &str = include_str!("../../shaders/classify_f64.wgsl");
pub const MATH_F64: &str = include_str!("../../shaders/math_f64.wgsl");
/// `offsets(i)`: the strided offsets of element i in four streams (map and index families).
pub const OFFSETS: &str = include_str!("../../shaders/offsets.wgsl");
pub const PACKING: &str = include_str!("../../shaders/packing.wgsl");
pub const INT64_EMULATED: &str = include_str!("../../shaders/int64_emulated.wgsl");

/// Invocations per workgroup of the elementwise families.
pub const WORKGROUP: u32 = 256;

/// Per-adapter tuning of the map and reduce families, chosen when the context is created
/// (measured: bench/RESULTS.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tuning {
    /// Elements each invocation loads before it stores or folds any. A GPU needs several loads
    /// in flight per invocation to reach its memory bandwidth (H100: 1 reaches 37%, 8 reaches
    /// 84%); on a CPU adapter (lavapipe) 1 is fastest and compiles fastest.
    pub unroll: usize,
    /// Workgroups a large reduction's first pass is split over (a second combines them):
    /// about one resident wave on a large GPU.
    pub reduce_groups: usize,
}

impl Tuning {
    /// The defaults for an adapter of `device_type`, then `RUSTORCH_WGPU_UNROLL` (1 to 16) and
    /// `RUSTORCH_WGPU_REDUCE_GROUPS` (64 to 65,536) where set, for tuning a new adapter.
    pub fn for_adapter(device_type: wgpu::DeviceType) -> Tuning {
        let cpu = device_type == wgpu::DeviceType::Cpu;
        let knob = |name: &str, default: usize, range: std::ops::RangeInclusive<usize>| {
            std::env::var(name).ok().and_then(|v| v.parse().ok()).filter(|u| range.contains(u)).unwrap_or(default)
        };
        Tuning {
            unroll: knob("RUSTORCH_WGPU_UNROLL", if cpu { 1 } else { 8 }, 1..=16),
            reduce_groups: knob("RUSTORCH_WGPU_REDUCE_GROUPS", if cpu { 4096 } else { 1024 }, 64..=65536),
        }
    }
}

/// Replaces every `{{KEY}}` with its value.
pub fn expand(template: &str, subs: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (k, v) in subs {
        out = out.replace(&format!("{{{{{k}}}}}"), v);
    }
    out
}

/// The top-level functions of a helper file: (name, text with the comment lines
/// just above it). Functions start at `fn ` and end at a `}` in column 0.
fn functions(src: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![];
    let mut pending = String::new();
    let mut inside = false;
    for line in src.lines() {
        if let Some(rest) = line.strip_prefix("fn ") {
            let name = rest.split('(').next().unwrap_or("").trim().to_string();
            out.push((name, std::mem::take(&mut pending)));
            inside = true;
        }
        if inside {
            if let Some((_, text)) = out.last_mut() {
                text.push_str(line);
                text.push('\n');
            }
            inside = line != "}";
        } else if line.starts_with("//") {
            pending.push_str(line);
            pending.push('\n');
        } else if line.trim().is_empty() {
            pending.clear(); // a header comment, not a function's
        }
    }
    out
}

/// The helper functions that `code` calls, directly or through other helpers, for a
/// module computing in `cv`.
pub fn with_helpers(code: &str, cv: Val) -> String {
    let mut libs = vec![PACKING.to_string(), INT64_EMULATED.to_string()];
    match cv {
        Val::F32 => {
            libs.push(CLASSIFY_F32.to_string());
            libs.push(expand(HELPERS, &[("T", "f32")]));
            libs.push(expand(HELPERS_TRANSCENDENTAL, &[("T", "f32")]));
        }
        Val::F64 => {
            libs.push(CLASSIFY_F64.to_string());
            libs.push(MATH_F64.to_string());
            libs.push(expand(HELPERS, &[("T", "f64")]));
        }
        Val::I32 => libs.push(expand(HELPERS_INT, &[("T", "i32"), ("BITS", "32"), ("NEG1", "-1")])),
        Val::U32 => libs.push(expand(HELPERS_INT, &[("T", "u32"), ("BITS", "32"), ("NEG1", "0xffffffffu")])),
        Val::I64 => libs.push(expand(HELPERS_INT, &[("T", "i64"), ("BITS", "64"), ("NEG1", "i64(-1)")])),
        Val::E64 => {}
    }
    let all: Vec<(String, String)> = libs.iter().flat_map(|l| functions(l)).collect();
    let mut taken = vec![false; all.len()];
    let mut scope = code.to_string();
    let mut out = String::new();
    loop {
        let mut added = false;
        for (i, (name, text)) in all.iter().enumerate() {
            if !taken[i] && scope.contains(&format!("{name}(")) {
                taken[i] = true;
                added = true;
                scope.push_str(text);
                out.push_str(text);
                out.push('\n');
            }
        }
        if !added {
            return out;
        }
    }
}

