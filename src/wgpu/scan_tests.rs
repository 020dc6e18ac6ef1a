//! Every scan module validated by naga with and without SHADER_INT64 and built as a pipeline
//! on the device; and the kernels run against the CPU, across several blocks and levels.

use super::scan::test_sources;
use super::test_support::{build_on_device, gpu, validate_all};
use crate::compute::scan::{cumulative, Scan};
use crate::compute::to_device;
use crate::dtype::DType;
use crate::storage::Device;
use crate::tensor::Tensor;

#[test]
fn every_scan_module_validates_with_and_without_int64() {
    validate_all(test_sources, 80);
}

#[test]
fn every_scan_module_builds_a_pipeline_on_the_device() {
    build_on_device(test_sources);
}

#[test]
fn scans_match_the_cpu() {
    let Some(dev) = gpu() else { return };
    // 3 rows of 300,000 along dim 1 (293 blocks: two levels), and 300,000 short rows along dims 0 and 2.
    let n = 3 * 300_000;
    let vals: Vec<i64> = (0..n).map(|i| (i % 7) as i64 - 3).collect();
    let x = Tensor::from_slice(&vals, &[3, 300_000, 1]).unwrap();
    let xg = to_device(&x, dev).unwrap();
    for (op, dim) in [(Scan::Sum, 1), (Scan::Sum, 0), (Scan::Prod, 0), (Scan::Sum, 2)] {
        for d in [DType::I64, DType::I32, DType::F32] {
            let want = cumulative(op, &x, dim, d).unwrap();
            let got = to_device(&cumulative(op, &xg, dim, d).unwrap(), Device::Cpu).unwrap();
            let w = crate::compute::to_dtype(&want, DType::F64).unwrap().to_vec::<f64>().unwrap();
            let g = crate::compute::to_dtype(&got, DType::F64).unwrap().to_vec::<f64>().unwrap();
            assert_eq!(g, w, "{op:?} dim {dim} {}", d.name());
        }
    }
}
