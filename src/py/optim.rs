//! The optimizers' fused steps in `rustorch._C` (the classes are in `rustorch/optim/`): one call
//! updates a whole parameter group in place, without the GIL when the work is large.

use super::tensor::{run, PyTensor};
use crate::compute::optim::{step, Entry};
use crate::cpu::optim::{Algo, Hyper};
use crate::tensor::Tensor;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

fn tensors(v: &[Bound<'_, PyTensor>]) -> Vec<Tensor> {
    v.iter().map(|t| t.get().t.clone()).collect()
}

/// One step of `algo` ("sgd", "adam" (AdamW: `decoupled=True`), "rmsprop", "adagrad",
/// "adadelta", "adamax", "nadam") over a group: `params[i]` is updated with `grads[i]` and its
/// state tensors `states[i]` (the algorithm's state in its fixed order, absent ones left out),
/// advancing its 0-d CPU counters `counters[i]` (`step`, then NAdam's `mu_product`); `fresh[i]`
/// marks an SGD momentum buffer created for this step.
#[pyfunction]
#[pyo3(signature = (algo, params, grads, states, counters, fresh=None, *, lr, beta1=0.9, beta2=0.999, eps=1e-8,
    weight_decay=0.0, momentum=0.0, dampening=0.0, alpha=0.99, rho=0.9, lr_decay=0.0, momentum_decay=4e-3,
    nesterov=false, maximize=false, amsgrad=false, centered=false, decoupled=false))]
#[allow(clippy::too_many_arguments)]
pub fn optimizer_step(
    py: Python<'_>,
    algo: &str,
    params: Vec<Bound<'_, PyTensor>>,
    grads: Vec<Bound<'_, PyTensor>>,
    states: Vec<Vec<Bound<'_, PyTensor>>>,
    counters: Vec<Vec<Bound<'_, PyTensor>>>,
    fresh: Option<Vec<bool>>,
    lr: f64,
    beta1: f64,
    beta2: f64,
    eps: f64,
    weight_decay: f64,
    momentum: f64,
    dampening: f64,
    alpha: f64,
    rho: f64,
    lr_decay: f64,
    momentum_decay: f64,
    nesterov: bool,
    maximize: bool,
    amsgrad: bool,
    centered: bool,
    decoupled: bool,
) -> PyResult<()> {
    let algo = Algo::from_name(algo).ok_or_else(|| PyValueError::new_err(format!("unknown optimizer algorithm {algo:?}")))?;
    let n = params.len();
    let fresh = fresh.unwrap_or_else(|| vec![false; n]);
    if grads.len() != n || states.len() != n || counters.len() != n || fresh.len() != n {
        return Err(PyValueError::new_err(format!(
            "optimizer_step: {n} params but {} grads, {} state lists, {} counter lists and {} fresh flags",
            grads.len(),
            states.len(),
            counters.len(),
            fresh.len()
        )));
    }
    let h = Hyper {
        lr,
        beta1,
        beta2,
        eps,
        weight_decay,
        momentum,
        dampening,
        alpha,
        rho,
        lr_decay,
        momentum_decay,
        nesterov,
        maximize,
        amsgrad,
        centered,
        decoupled,
    };
    let (params, grads) = (tensors(&params), tensors(&grads));
    let states: Vec<Vec<Tensor>> = states.iter().map(|s| tensors(s)).collect();
    let counters: Vec<Vec<Tensor>> = counters.iter().map(|c| tensors(c)).collect();
    let work: usize = params.iter().map(|p| p.numel()).sum();
    run(py, work, || {
        let entries: Vec<Entry> = (0..n)
            .map(|i| Entry { param: &params[i], grad: &grads[i], states: &states[i], counters: &counters[i], fresh: fresh[i] })
            .collect();
        step(algo, &h, &entries)
    })
}
