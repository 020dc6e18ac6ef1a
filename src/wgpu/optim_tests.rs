//! Every optimizer module validated by naga and built as a pipeline on the device; and each
//! algorithm's steps on wgpu against the same steps on the CPU.

use super::optim::test_sources;
use super::test_support::{build_on_device, gpu, validate_all};
use crate::compute::optim::{step, Entry};
use crate::compute::{to_device, to_dtype};
use crate::cpu::optim::{Algo, Hyper};
use crate::dtype::DType;
use crate::storage::Device;
use crate::tensor::Tensor;

#[test]
fn every_optim_module_validates() {
    validate_all(test_sources, 100);
}

#[test]
fn every_optim_module_builds_a_pipeline_on_the_device() {
    build_on_device(test_sources);
}

/// Three steps of `algo` on `device` from the same start; the parameter and states in f64.
fn steps(algo: Algo, h: &Hyper, dtype: DType, device: Device) -> Vec<Vec<f64>> {
    let n = 1000;
    let vals = |seed: usize| -> Vec<f32> { (0..n).map(|i| (((i * 31 + seed * 7) % 19) as f32 - 9.0) / 5.0).collect() };
    let make = |v: &[f32]| to_device(&to_dtype(&Tensor::from_slice(v, &[v.len()]).unwrap(), dtype).unwrap(), device).unwrap();
    // The parameter is a view at an offset of its storage (the kernels index from it).
    let padded = [vec![7.0; 3], vals(0)].concat();
    let param = make(&padded).narrow(0, 3, n as i64).unwrap();
    let flags = h.flags(algo);
    let states: Vec<Tensor> = algo.positions(flags).iter().filter(|&&b| b).map(|_| make(&vec![0.0; n])).collect();
    let counters: Vec<Tensor> = [0.0f32, 1.0][..algo.counters()].iter().map(|&v| Tensor::from_slice(&[v], &[]).unwrap()).collect();
    for k in 0..3 {
        let grad = make(&vals(k + 1));
        let e = Entry { param: &param, grad: &grad, states: &states, counters: &counters, fresh: k == 0 };
        step(algo, h, &[e]).unwrap();
    }
    std::iter::once(&param)
        .chain(&states)
        .map(|t| to_dtype(&to_device(t, Device::Cpu).unwrap(), DType::F64).unwrap().to_vec::<f64>().unwrap())
        .collect()
}

#[test]
fn optimizer_steps_match_the_cpu() {
    let Some(dev) = gpu() else { return };
    let base = Hyper { lr: 0.05, beta1: 0.8, beta2: 0.95, eps: 1e-6, alpha: 0.9, rho: 0.85, momentum_decay: 0.004, ..Hyper::default() };
    let cases = [
        (Algo::Sgd, Hyper { momentum: 0.9, dampening: 0.1, weight_decay: 0.1, ..base }),
        (Algo::Sgd, Hyper { momentum: 0.9, nesterov: true, maximize: true, ..base }),
        (Algo::Adam, Hyper { amsgrad: true, weight_decay: 0.1, ..base }),
        (Algo::Adam, Hyper { decoupled: true, weight_decay: 0.1, ..base }),
        (Algo::Rmsprop, Hyper { centered: true, momentum: 0.5, ..base }),
        (Algo::Adagrad, Hyper { lr_decay: 0.1, maximize: true, ..base }),
        (Algo::Adadelta, Hyper { weight_decay: 0.1, ..base }),
        (Algo::Adamax, base),
        (Algo::Nadam, Hyper { decoupled: true, weight_decay: 0.1, ..base }),
    ];
    let ctx = crate::wgpu::context().unwrap();
    let f64_ok = ctx.features.contains(wgpu::Features::SHADER_F64);
    for (algo, h) in cases {
        for (dtype, tol) in [(DType::F32, 1e-5), (DType::F64, 1e-12), (DType::F16, 1e-2)] {
            if dtype == DType::F64 && !f64_ok {
                continue;
            }
            let want = steps(algo, &h, dtype, Device::Cpu);
            let got = steps(algo, &h, dtype, dev);
            for (t, (g, w)) in got.iter().zip(&want).enumerate() {
                for (i, (a, b)) in g.iter().zip(w).enumerate() {
                    assert!((a - b).abs() <= tol * (1.0 + b.abs()), "{algo:?} {dtype:?} tensor {t} [{i}]: {a} vs {b}");
                }
            }
        }
    }
}
