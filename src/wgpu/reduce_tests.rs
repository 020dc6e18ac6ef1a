//! Every reduction and random-fill module validated by naga (with and without SHADER_INT64) and built
//! as a pipeline on the device.

use super::dtypes::Caps;
use super::test_support::{build_on_device, validate_all};
use super::reduce::test_sources as reduce_sources;

fn test_sources(caps: Caps) -> Vec<(String, String)> {
    let mut v = reduce_sources(caps);
    v.extend(super::random::test_sources(caps));
    v
}

#[test]
fn every_reduce_module_validates_with_and_without_int64() {
    validate_all(test_sources, 250);
}

#[test]
fn every_reduce_module_builds_a_pipeline_on_the_device() {
    build_on_device(test_sources);
}
