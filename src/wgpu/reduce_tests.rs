//! Every reduction and random-fill module validated by naga (with and without SHADER_INT64) and built
//! as a pipeline on the device.

use super::dtypes::Caps;
use super::test_support::{build_on_device, validate};
use super::reduce::test_sources as reduce_sources;

fn test_sources(caps: Caps) -> Vec<(String, String)> {
    let mut v = reduce_sources(caps);
    v.extend(super::random::test_sources(caps));
    v
}

#[test]
fn every_reduce_module_validates_with_and_without_int64() {
    // Both unroll shapes: one element per invocation (CPU adapters) and the GPUs' eight.
    for (int64, unroll) in [(true, 1), (false, 1), (true, 8), (false, 8)] {
        let mods = test_sources(Caps { int64, unroll });
        assert!(mods.len() > 250, "only {} modules", mods.len());
        for (label, src) in mods {
            assert!(!src.contains("{{"), "unfilled placeholder in {label}");
            validate(&src, int64).unwrap_or_else(|e| panic!("{label} (int64={int64}): {e}\n{src}"));
        }
    }
}

#[test]
fn every_reduce_module_builds_a_pipeline_on_the_device() {
    build_on_device(test_sources);
}
