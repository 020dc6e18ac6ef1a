//! Every sort module validated by naga with and without SHADER_INT64 and built as a pipeline
//! on the device; sorts (local tiles, global steps, padding, several rows) and searches
//! against the CPU's, which use the same keys and ties, so indices must be equal.

use super::sort::test_sources;
use super::test_support::{build_on_device, gpu, validate_all};
use crate::compute::sort::{searchsorted, sort, topk};
use crate::compute::{to_device, to_dtype};
use crate::dtype::DType;
use crate::storage::Device;
use crate::tensor::Tensor;

#[test]
fn every_sort_module_validates_with_and_without_int64() {
    validate_all(test_sources, 15);
}

#[test]
fn every_sort_module_builds_a_pipeline_on_the_device() {
    build_on_device(test_sources);
}

fn cpu(t: &Tensor) -> Tensor {
    to_device(t, Device::Cpu).unwrap()
}

#[test]
fn sorts_match_the_cpu() {
    let Some(dev) = gpu() else { return };
    // Rows of 5 (padded, many per tile), 1,000 (one tile) and 5,000 (global steps), with
    // repeated values, NaN and signed zeros.
    for (rows, n) in [(7, 5), (3, 1000), (2, 5000), (1, 70_000)] {
        let vals: Vec<f32> = (0..rows * n)
            .map(|i| match i % 13 {
                0 => f32::NAN,
                1 => -0.0,
                2 => 0.0,
                _ => ((i * 7919) % 101) as f32 - 50.0,
            })
            .collect();
        let x = Tensor::from_slice(&vals, &[rows, n]).unwrap();
        for d in [DType::F32, DType::F64, DType::I64, DType::I16, DType::F16, DType::U8] {
            let xd = to_dtype(&x, d).unwrap();
            let xg = to_device(&xd, dev).unwrap();
            for desc in [false, true] {
                let (wv, wi) = sort(&xd, 1, desc).unwrap();
                let (gv, gi) = sort(&xg, 1, desc).unwrap();
                assert_eq!(cpu(&gi).to_vec::<i64>().unwrap(), wi.to_vec::<i64>().unwrap(), "{rows}x{n} {} desc={desc}", d.name());
                let (a, b) = (to_dtype(&cpu(&gv), DType::F64).unwrap(), to_dtype(&wv, DType::F64).unwrap());
                let (a, b) = (a.to_vec::<f64>().unwrap(), b.to_vec::<f64>().unwrap());
                assert!(a.iter().zip(&b).all(|(p, q)| p.to_bits() == q.to_bits() || (p.is_nan() && q.is_nan())));
            }
        }
        let (wv, wi) = topk(&x, 3, 1, true).unwrap();
        let (gv, gi) = topk(&to_device(&x, dev).unwrap(), 3, 1, true).unwrap();
        assert_eq!(cpu(&gi).to_vec::<i64>().unwrap(), wi.to_vec::<i64>().unwrap());
        assert_eq!(cpu(&gv).to_vec::<f32>().unwrap().len(), wv.numel());
    }
}

#[test]
fn searches_match_the_cpu() {
    let Some(dev) = gpu() else { return };
    let seq = Tensor::from_slice(&[1.0f64, 3.0, 3.0, 5.0, f64::NAN, -2.0, 0.0, 0.0, 4.0, 9.0], &[2, 5]).unwrap();
    let vals = Tensor::from_slice(&[3.0f64, f64::NAN, -0.0, 10.0, 0.0, 4.0, -5.0, 9.0], &[2, 4]).unwrap();
    for right in [false, true] {
        for i32_out in [false, true] {
            let want = to_dtype(&searchsorted(&seq, &vals, right, i32_out).unwrap(), DType::I64).unwrap();
            let got = searchsorted(&to_device(&seq, dev).unwrap(), &to_device(&vals, dev).unwrap(), right, i32_out).unwrap();
            assert_eq!(to_dtype(&cpu(&got), DType::I64).unwrap().to_vec::<i64>().unwrap(), want.to_vec::<i64>().unwrap());
        }
    }
}
