//! Every index-family module (gather, scatter passes per dtype and reduction, nonzero passes)
//! validated by naga with and without SHADER_INT64 and built as a pipeline on the device; and
//! the kernels run against the CPU on small tensors.

use super::index::test_sources;
use super::test_support::{build_on_device, gpu, validate_all};
use crate::compute::index::{gather, nonzero, scatter_, ScatterReduce};
use crate::compute::{to_device, Arg};
use crate::storage::Device;
use crate::tensor::Tensor;

#[test]
fn every_index_module_validates_with_and_without_int64() {
    validate_all(test_sources, 90);
}

#[test]
fn every_index_module_builds_a_pipeline_on_the_device() {
    build_on_device(test_sources);
}

fn cpu(t: &Tensor) -> Tensor {
    to_device(t, Device::Cpu).unwrap()
}

#[test]
fn kernels_match_the_cpu() {
    let Some(dev) = gpu() else { return };
    let x = Tensor::from_slice(&(0..24).map(|v| v as f32 - 7.0).collect::<Vec<_>>(), &[2, 3, 4]).unwrap();
    let idx = Tensor::from_slice(&[2i64, 0, 1, 1, 0, 2, 2, 2], &[2, 1, 4]).unwrap();
    let (xg, ig) = (to_device(&x, dev).unwrap(), to_device(&idx, dev).unwrap());
    let want = gather(&x, 1, &idx).unwrap().to_vec::<f32>().unwrap();
    assert_eq!(cpu(&gather(&xg, 1, &ig).unwrap()).to_vec::<f32>().unwrap(), want);
    for op in [ScatterReduce::None, ScatterReduce::Sum, ScatterReduce::Amax, ScatterReduce::Mean] {
        let (a, b) = (x.clone_contiguous().unwrap(), xg.clone_contiguous().unwrap());
        let src = Tensor::from_slice(&[1f32, 2., 3., 4., 5., 6., 7., 8.], &[2, 1, 4]).unwrap();
        scatter_(&a, 1, &idx, Arg::T(&src), op, false).unwrap();
        scatter_(&b, 1, &ig, Arg::T(&to_device(&src, dev).unwrap()), op, false).unwrap();
        assert_eq!(cpu(&b).to_vec::<f32>().unwrap(), a.to_vec::<f32>().unwrap(), "{op:?}");
    }
    let nz = nonzero(&xg).unwrap();
    assert_eq!(cpu(&nz).to_vec::<i64>().unwrap(), nonzero(&x).unwrap().to_vec::<i64>().unwrap());
    let bad = to_device(&Tensor::from_slice(&[3i64], &[1, 1, 1]).unwrap(), dev).unwrap();
    super::checks::check_at_the_call();
    let e = gather(&xg, 1, &bad).unwrap_err().to_string();
    assert_eq!(e, "index 3 is out of bounds for dimension 1 with size 3");
}

#[test]
fn kernels_skip_out_of_range_indices_without_the_host_check() {
    // The launchers called directly (compute::index would raise first): positions outside the
    // dim are skipped, so nothing beside the view is read or written.
    let Some(dev) = gpu() else { return };
    let base = to_device(&Tensor::from_slice(&[0f32; 6], &[6]).unwrap(), dev).unwrap();
    let out = base.narrow(0, 1, 3).unwrap();
    let idx = to_device(&Tensor::from_slice(&[5i64, -1, 3, 1, 1 << 32], &[5]).unwrap(), dev).unwrap();
    let src = to_device(&Tensor::from_slice(&[1f32, 2., 3., 4., 5.], &[5]).unwrap(), dev).unwrap();
    for op in [ScatterReduce::None, ScatterReduce::Sum, ScatterReduce::Mean] {
        super::index::scatter(&out, 0, &idx, &src, op, false).unwrap();
        assert_eq!(cpu(&base).to_vec::<f32>().unwrap(), vec![0., 0., 4., 0., 0., 0.], "{op:?}");
    }
    let g = Tensor::empty(&[5], crate::dtype::DType::F32, dev).unwrap();
    let x = to_device(&Tensor::from_slice(&[9f32, 8., 7., 6., 5., 4.], &[6]).unwrap(), dev).unwrap().narrow(0, 1, 3).unwrap();
    super::index::gather(&x, 0, &idx, &g).unwrap();
    assert_eq!(cpu(&g).to_vec::<f32>().unwrap(), vec![0., 0., 0., 7., 0.]);
}
