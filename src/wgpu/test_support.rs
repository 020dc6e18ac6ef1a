//! Shared by the module tests: naga validation of generated WGSL, and building modules as
//! pipelines on the device (lavapipe in CI), which catches what naga accepts but a
//! driver's compiler does not.

/// Parses and validates `src` as wgpu would (f64 and subgroups on; int64 when asked).
pub fn validate(src: &str, int64: bool) -> Result<(), String> {
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

/// Builds every (label, source) the device supports as a compute pipeline; returns early
/// when no adapter opens (failing instead under RUSTORCH_REQUIRE_WGPU=1).
pub fn build_on_device(sources: impl FnOnce(super::dtypes::Caps) -> Vec<(String, String)>) {
    let ctx = match crate::wgpu::context() {
        Ok(c) => c,
        Err(e) => {
            assert!(std::env::var("RUSTORCH_REQUIRE_WGPU").as_deref() != Ok("1"), "{e}");
            return; // no adapter on this machine
        }
    };
    for (label, src) in sources(super::dtypes::Caps::of(&ctx)) {
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
