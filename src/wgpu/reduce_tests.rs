//! Every reduction and random-fill module validated by naga (with and without SHADER_INT64) and built
//! as a pipeline on the device.

use super::dtypes::Caps;
use super::reduce::test_sources as reduce_sources;

fn test_sources(caps: Caps) -> Vec<(String, String)> {
    let mut v = reduce_sources(caps);
    v.extend(super::random::test_sources(caps));
    v
}

fn validate(src: &str, int64: bool) -> Result<(), String> {
    let module = naga::front::wgsl::parse_str(src).map_err(|e| e.emit_to_string(src))?;
    let mut caps = naga::valid::Capabilities::FLOAT64 | naga::valid::Capabilities::SUBGROUP;
    if int64 {
        caps |= naga::valid::Capabilities::SHADER_INT64;
    }
    naga::valid::Validator::new(naga::valid::ValidationFlags::all(), caps)
        .validate(&module)
        .map(|_| ())
        .map_err(|e| format!("{e:?}"))
}

#[test]
fn every_reduce_module_validates_with_and_without_int64() {
    for int64 in [true, false] {
        let mods = test_sources(Caps { int64 });
        assert!(mods.len() > 250, "only {} modules", mods.len());
        for (label, src) in mods {
            assert!(!src.contains("{{"), "unfilled placeholder in {label}");
            validate(&src, int64).unwrap_or_else(|e| panic!("{label} (int64={int64}): {e}\n{src}"));
        }
    }
}

#[test]
fn every_reduce_module_builds_a_pipeline_on_the_device() {
    let ctx = match crate::wgpu::context() {
        Ok(c) => c,
        Err(e) => {
            assert!(std::env::var("RUSTORCH_REQUIRE_WGPU").as_deref() != Ok("1"), "{e}");
            return;
        }
    };
    for (label, src) in test_sources(Caps::of(&ctx)) {
        if src.contains("f64") && !ctx.features.contains(wgpu::Features::SHADER_F64) {
            continue;
        }
        if src.contains("subgroup_id") && !ctx.features.contains(wgpu::Features::SUBGROUP) {
            continue;
        }
        let module = ctx.device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some(&label),
            source: wgpu::ShaderSource::Wgsl(src.into()),
        });
        let _pipeline = ctx.device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some(&label),
            layout: None,
            module: &module,
            entry_point: Some("main"),
            compilation_options: Default::default(),
            cache: None,
        });
        ctx.check_errors().unwrap_or_else(|e| panic!("{label}: {e}"));
    }
}
