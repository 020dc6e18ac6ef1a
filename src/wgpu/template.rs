//! WGSL templates: one file per op family in `shaders/`, filled by a small
//! substituter (`{{T}}` element type, `{{OP}}` the op's expression, `{{WG}}` the
//! workgroup size, `{{ENABLE}}` extensions, `{{HELPERS}}` shared scalar functions).

use crate::dtype::DType;
use crate::ops::{BinaryOp, UnaryOp};

pub const UNARY: &str = include_str!("../../shaders/unary.wgsl");
pub const BINARY: &str = include_str!("../../shaders/binary.wgsl");
pub const HELPERS: &str = include_str!("../../shaders/helpers.wgsl");
pub const HELPERS_TRANSCENDENTAL: &str = include_str!("../../shaders/helpers_transcendental.wgsl");

/// Invocations per workgroup of the elementwise families.
pub const WORKGROUP: u32 = 256;

/// The WGSL scalar type of a float dtype the templates compute in natively.
pub fn wgsl_float(d: DType) -> Option<&'static str> {
    match d {
        DType::F32 => Some("f32"),
        DType::F16 => Some("f16"),
        DType::F64 => Some("f64"),
        _ => None,
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

fn family(template: &str, ty: &str, op: &str) -> String {
    let enable = if ty == "f16" { "enable f16;" } else { "" };
    let mut helpers = expand(HELPERS, &[("T", ty)]);
    if ty != "f64" {
        helpers.push_str(&expand(HELPERS_TRANSCENDENTAL, &[("T", ty)]));
    }
    let wg = WORKGROUP.to_string();
    // OP goes in before T: op expressions may name the element type.
    expand(template, &[("ENABLE", enable), ("HELPERS", &helpers), ("OP", op), ("T", ty), ("WG", &wg)])
}

/// The WGSL module computing `op` on `dtype`, where the float template serves it.
pub fn unary_source(op: UnaryOp, dtype: DType) -> Option<String> {
    let ty = wgsl_float(dtype)?;
    if dtype == DType::F64 && !op.wgsl_f64() {
        return None;
    }
    Some(family(UNARY, ty, op.wgsl()?))
}

/// The WGSL module computing `op` on `dtype`, where the float template serves it.
pub fn binary_source(op: BinaryOp, dtype: DType) -> Option<String> {
    let ty = wgsl_float(dtype)?;
    if dtype == DType::F64 && !op.wgsl_f64() {
        return None;
    }
    Some(family(BINARY, ty, op.wgsl()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses and validates a module as wgpu would, with f64 and f16 enabled.
    fn validate(src: &str) -> Result<(), String> {
        let module = naga::front::wgsl::parse_str(src).map_err(|e| e.emit_to_string(src))?;
        let caps = naga::valid::Capabilities::FLOAT64 | naga::valid::Capabilities::SHADER_FLOAT16;
        naga::valid::Validator::new(naga::valid::ValidationFlags::all(), caps)
            .validate(&module)
            .map(|_| ())
            .map_err(|e| format!("{e:?}"))
    }

    #[test]
    fn every_elementwise_template_expands_and_validates() {
        let mut count = 0;
        for dtype in [DType::F32, DType::F16, DType::F64] {
            for &op in UnaryOp::ALL {
                if let Some(src) = unary_source(op, dtype) {
                    assert!(!src.contains("{{"), "unfilled placeholder in unary {}", op.name());
                    validate(&src).unwrap_or_else(|e| panic!("unary {} {}: {e}", op.name(), dtype.name()));
                    count += 1;
                }
            }
            for &op in BinaryOp::ALL {
                if let Some(src) = binary_source(op, dtype) {
                    validate(&src).unwrap_or_else(|e| panic!("binary {} {}: {e}", op.name(), dtype.name()));
                    count += 1;
                }
            }
        }
        // 31 unary + 12 binary float ops on f32 and f16, and the f64 subset.
        assert!(count >= 2 * (31 + 12) + 12 + 10, "only {count} modules expanded");
    }

    /// Every module becomes a pipeline on the real device (lavapipe in CI): this catches
    /// what naga accepts but this driver's compiler does not. (lavapipe also accepts
    /// things other drivers refuse, e.g. f64 `exp`, hence the conservative f64 op subset.)
    #[test]
    fn every_elementwise_module_builds_a_pipeline_on_the_device() {
        let ctx = match crate::wgpu::context() {
            Ok(c) => c,
            Err(e) => {
                assert!(std::env::var("RUSTORCH_REQUIRE_WGPU").as_deref() != Ok("1"), "{e}");
                return; // no adapter on this machine
            }
        };
        for dtype in [DType::F32, DType::F16, DType::F64] {
            let supported = match dtype {
                DType::F16 => ctx.features.contains(wgpu::Features::SHADER_F16),
                DType::F64 => ctx.features.contains(wgpu::Features::SHADER_F64),
                _ => true,
            };
            if !supported {
                continue;
            }
            let sources = UnaryOp::ALL
                .iter()
                .filter_map(|&op| unary_source(op, dtype).map(|s| (op.name(), s)))
                .chain(BinaryOp::ALL.iter().filter_map(|&op| binary_source(op, dtype).map(|s| (op.name(), s))));
            for (name, src) in sources {
                let module = ctx.device.create_shader_module(wgpu::ShaderModuleDescriptor {
                    label: Some(name),
                    source: wgpu::ShaderSource::Wgsl(src.into()),
                });
                let _pipeline = ctx.device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                    label: Some(name),
                    layout: None,
                    module: &module,
                    entry_point: Some("main"),
                    compilation_options: Default::default(),
                    cache: None,
                });
                ctx.check_errors().unwrap_or_else(|e| panic!("{name} {}: {e}", dtype.name()));
            }
        }
    }

    #[test]
    fn no_float_template_for_other_dtypes() {
        assert!(unary_source(UnaryOp::Exp, DType::I64).is_none());
        assert!(unary_source(UnaryOp::Exp, DType::F64).is_none()); // WGSL has no f64 exp
        assert!(binary_source(BinaryOp::Eq, DType::F32).is_none());
    }
}
