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

/// Validates every module `sources` generates for both unroll shapes (1: CPU adapters, 8: GPUs),
/// with and without SHADER_INT64: no placeholder left unfilled, no `i64` where the adapter lacks
/// it, and naga accepts it. At least `min` modules per setting.
pub fn validate_all(sources: impl Fn(super::dtypes::Caps) -> Vec<(String, String)>, min: usize) {
    for (int64, unroll) in [(true, 1), (false, 1), (true, 8), (false, 8)] {
        let mods = sources(super::dtypes::Caps { int64, unroll });
        assert!(mods.len() >= min, "only {} modules", mods.len());
        for (label, src) in mods {
            assert!(!src.contains("{{"), "unfilled placeholder in {label}");
            if !int64 {
                let code: String = src.lines().filter(|l| !l.trim_start().starts_with("//")).collect();
                assert!(!code.contains("i64"), "{label} uses i64 without SHADER_INT64");
            }
            validate(&src, int64).unwrap_or_else(|e| panic!("{label} (int64={int64}, unroll={unroll}): {e}\n{src}"));
        }
    }
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

/// The wgpu device, or None (a skip) where no adapter opens (failing instead under
/// RUSTORCH_REQUIRE_WGPU=1).
pub fn gpu() -> Option<crate::storage::Device> {
    match crate::wgpu::context() {
        Ok(_) => Some(crate::storage::Device::Wgpu(0)),
        Err(e) => {
            assert!(std::env::var("RUSTORCH_REQUIRE_WGPU").as_deref() != Ok("1"), "{e}");
            None
        }
    }
}
