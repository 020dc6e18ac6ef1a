//! The optimizers' fused steps (`torch.optim`): one call updates every parameter of a group
//! with its gradient and state in place. Here: validation (nothing is written when an argument
//! is wrong), the host counters (`step`, NAdam's `mu_product`: 0-d tensors advanced as PyTorch
//! advances them, in their own dtype) and the per-parameter scalars in f64, then the kernels:
//! on the CPU one parallel call per dtype for all the group's parameters, on wgpu one dispatch
//! per parameter recorded in the pending command encoder.

use super::{cast_into, to_dtype};
use crate::cpu::optim::{self as kern, flag, Algo, Hyper, Job, NC};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::storage::Device;
use crate::tensor::Tensor;
use std::sync::Arc;

/// One parameter of a step.
pub struct Entry<'a> {
    pub param: &'a Tensor,
    pub grad: &'a Tensor,
    /// The state tensors present under the group's options, in `Algo::positions` order.
    pub states: &'a [Tensor],
    /// `Algo::counters` 0-d CPU tensors: `step`, then NAdam's `mu_product`.
    pub counters: &'a [Tensor],
    /// SGD: the momentum buffer was just created (it takes the gradient itself; its values are
    /// read and ignored, so it must be initialised memory).
    pub fresh: bool,
}

/// A parameter ready for its kernel: contiguous tensors (copies where the originals are not,
/// written back afterwards) and its scalars.
struct Ready {
    param: Tensor,
    grad: Tensor,
    states: [Option<Tensor>; 3],
    flags: u32,
    c: [f64; NC],
}

fn mismatch(algo: Algo, what: &str, got: String, want: String) -> Error {
    Error::runtime(format!("{}: {what} is {got} but its parameter is {want}", algo.name()))
}

fn same_device(a: &Tensor, b: &Tensor) -> Result<()> {
    if a.device() != b.device() {
        return Err(Error::runtime(format!(
            "Expected all tensors to be on the same device, but found at least two devices, {} and {}!",
            a.device().name(),
            b.device().name()
        )));
    }
    Ok(())
}

/// Every argument of one parameter checked before anything is written.
fn validate(algo: Algo, flags: u32, e: &Entry) -> Result<()> {
    let (p, name) = (e.param, algo.name());
    if !p.dtype.is_float() {
        return Err(Error::DTypeUnsupported { op: name, dtype: p.dtype });
    }
    if e.grad.shape() != p.shape() {
        let (g, w) = (crate::layout::fmt_shape(e.grad.shape()), crate::layout::fmt_shape(p.shape()));
        return Err(mismatch(algo, "the gradient's shape", g, w));
    }
    same_device(p, e.grad)?;
    let want = algo.positions(flags).iter().filter(|&&b| b).count();
    if e.states.len() != want {
        return Err(Error::runtime(format!("{name}: expected {want} state tensors per parameter, got {}", e.states.len())));
    }
    for s in e.states {
        if s.shape() != p.shape() {
            let (g, w) = (crate::layout::fmt_shape(s.shape()), crate::layout::fmt_shape(p.shape()));
            return Err(mismatch(algo, "a state tensor's shape", g, w));
        }
        if s.dtype != p.dtype {
            return Err(mismatch(algo, "a state tensor's dtype", s.dtype.name().into(), p.dtype.name().into()));
        }
        same_device(p, s)?;
    }
    for t in std::iter::once(p).chain(e.states) {
        if t.layout.has_internal_overlap() {
            return Err(Error::shape(
                "unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.",
            ));
        }
    }
    if e.counters.len() != algo.counters() {
        return Err(Error::runtime(format!("{name}: expected {} step counters per parameter, got {}", algo.counters(), e.counters.len())));
    }
    for c in e.counters {
        if c.numel() != 1 || c.device() != Device::Cpu || !matches!(c.dtype, DType::F32 | DType::F64) {
            return Err(Error::runtime(format!(
                "{name}: a step counter must be a one-element float32 or float64 CPU tensor, got shape {} {} on {}",
                crate::layout::fmt_shape(c.shape()),
                c.dtype.name(),
                c.device().name()
            )));
        }
    }
    Ok(())
}

/// The byte range a tensor's elements span in its storage.
fn span(t: &Tensor) -> (usize, usize, usize) {
    let es = t.dtype.size();
    (Arc::as_ptr(t.storage()) as usize, t.layout.offset * es, t.layout.extent() * es)
}

/// Errors when two written tensors (parameters, states) share memory: their updates would race.
fn check_disjoint(entries: &[Entry]) -> Result<()> {
    let mut spans: Vec<(usize, usize, usize)> = entries
        .iter()
        .flat_map(|e| std::iter::once(e.param).chain(e.states))
        .filter(|t| t.numel() > 0)
        .map(span)
        .collect();
    spans.sort_unstable();
    if spans.windows(2).any(|w| w[0].0 == w[1].0 && w[1].1 < w[0].2) {
        return Err(Error::runtime(
            "optimizer step: parameters and state tensors must not share memory (their updates would overwrite each other)",
        ));
    }
    Ok(())
}

fn read(c: &Tensor) -> Result<f64> {
    let ptr = c.ptr()?;
    // SAFETY: a one-element CPU tensor of this dtype (validated); `ptr` is its element.
    Ok(unsafe {
        match c.dtype {
            DType::F32 => (ptr as *const f32).read_unaligned() as f64,
            _ => (ptr as *const f64).read_unaligned(),
        }
    })
}

/// Stores `v` rounded to the counter's dtype, and returns the stored value.
fn write(c: &Tensor, v: f64) -> Result<f64> {
    let ptr = c.ptr()?;
    // SAFETY: as in `read`.
    let stored = unsafe {
        match c.dtype {
            DType::F32 => {
                (ptr as *mut f32).write_unaligned(v as f32);
                v as f32 as f64
            }
            _ => {
                (ptr as *mut f64).write_unaligned(v);
                v
            }
        }
    };
    c.bump_version();
    Ok(stored)
}

/// Advances the counters of one parameter as PyTorch does (`step_t += 1`, `mu_product *= mu`
/// on tensors of their dtype) and returns its scalars.
fn advance(algo: Algo, h: &Hyper, counters: &[Tensor]) -> Result<[f64; NC]> {
    let Some(step_t) = counters.first() else {
        return Ok(h.coefs(algo, 0.0, 1.0));
    };
    let step = write(step_t, read(step_t)? + 1.0)?;
    let mut mu_product = 1.0;
    if let Some(mp) = counters.get(1) {
        let mu = h.nadam_mu(step);
        let old = read(mp)?;
        // A Python float times a float32 tensor computes in float32.
        let product = if mp.dtype == DType::F32 { ((old as f32) * (mu as f32)) as f64 } else { old * mu };
        mu_product = write(mp, product)?;
    }
    Ok(h.coefs(algo, step, mu_product))
}

/// A contiguous tensor to update in place of `t` (itself when contiguous).
fn dense(t: &Tensor) -> Result<Tensor> {
    if t.is_contiguous() {
        Ok(t.clone())
    } else {
        t.clone_contiguous()
    }
}

/// One optimizer step over a group's parameters.
pub fn step(algo: Algo, h: &Hyper, entries: &[Entry]) -> Result<()> {
    let group_flags = h.flags(algo);
    for e in entries {
        validate(algo, group_flags, e)?;
    }
    check_disjoint(entries)?;
    let written: std::collections::HashSet<usize> =
        entries.iter().flat_map(|e| std::iter::once(e.param).chain(e.states)).map(|t| span(t).0).collect();
    let mut ready = Vec::with_capacity(entries.len());
    for e in entries {
        let pos = algo.positions(group_flags);
        // The gradient in the parameter's dtype, contiguous, and not sharing memory with
        // anything the step writes.
        let mut grad = to_dtype(e.grad, e.param.dtype)?;
        if !grad.is_contiguous() || written.contains(&span(&grad).0) {
            grad = grad.clone_contiguous()?;
        }
        let mut states: [Option<Tensor>; 3] = [None, None, None];
        let mut given = e.states.iter();
        for k in 0..3 {
            if pos[k] {
                states[k] = given.next().map(dense).transpose()?;
            }
        }
        let fresh = if e.fresh { flag::FIRST } else { 0 };
        ready.push(Ready { param: dense(e.param)?, grad, states, flags: group_flags | fresh, c: [0.0; NC] });
    }
    for (r, e) in ready.iter_mut().zip(entries) {
        r.c = advance(algo, h, e.counters)?;
    }
    run_cpu(algo, &ready)?;
    for r in ready.iter().filter(|r| r.param.device() != Device::Cpu) {
        let [a, b, c] = &r.states;
        crate::wgpu::optim::update(algo, r.flags, &r.c, &r.param, &r.grad, [a.as_ref(), b.as_ref(), c.as_ref()])?;
    }
    // Copies back into non-contiguous originals; every written tensor is a new version.
    for (r, e) in ready.iter().zip(entries) {
        let given = r.states.iter().flatten();
        for (work, orig) in std::iter::once(&r.param).chain(given).zip(std::iter::once(e.param).chain(e.states)) {
            if !work.same_storage(orig) {
                cast_into(work, orig)?;
            }
            orig.bump_version();
        }
    }
    Ok(())
}

/// The CPU parameters of the group, one parallel kernel call per dtype.
fn run_cpu(algo: Algo, ready: &[Ready]) -> Result<()> {
    for dtype in [DType::F32, DType::F64, DType::F16, DType::BF16] {
        let mut jobs = vec![];
        for r in ready.iter().filter(|r| r.param.device() == Device::Cpu && r.param.dtype == dtype && r.param.numel() > 0) {
            let mut s = [std::ptr::null_mut(); 3];
            for (k, st) in r.states.iter().enumerate() {
                if let Some(t) = st {
                    s[k] = t.ptr()?;
                }
            }
            jobs.push(Job { p: r.param.ptr()?, g: r.grad.ptr()? as *const u8, s, n: r.param.numel(), flags: r.flags, c: r.c });
        }
        if jobs.is_empty() {
            continue;
        }
        // SAFETY: every tensor is contiguous with `n` elements of `dtype` (validated and made
        // dense above); parameters and states are pairwise disjoint (`check_disjoint`) and the
        // gradients share no storage with them.
        unsafe {
            match dtype {
                DType::F32 => kern::run::<f32>(algo, &jobs),
                DType::F64 => kern::run::<f64>(algo, &jobs),
                DType::F16 => kern::run::<half::f16>(algo, &jobs),
                _ => kern::run::<half::bf16>(algo, &jobs),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! The kernels against a plain f64 transcription of PyTorch's single-tensor loops (one
    //! element at a time, every option), on float64 (agreement to rounding) and float32.
    use super::*;

    /// PyTorch's update of one element, in f64; `s` the state positions, `k` the step (1-based).
    fn reference(algo: Algo, h: &Hyper, k: f64, mu_product: &mut f64, p: &mut f64, g: f64, s: &mut [f64; 3]) {
        let mut g = if h.maximize { -g } else { g };
        let lerp = |a: f64, b: f64, w: f64| a + w * (b - a);
        let wd = h.weight_decay;
        let decoupled = h.decoupled && matches!(algo, Algo::Adam | Algo::Nadam);
        if wd != 0.0 {
            if decoupled {
                *p *= 1.0 - h.lr * wd;
            } else {
                g += wd * *p;
            }
        }
        match algo {
            Algo::Sgd => {
                if h.momentum != 0.0 {
                    s[0] = if k == 1.0 { g } else { s[0] * h.momentum + (1.0 - h.dampening) * g };
                    g = if h.nesterov { g + h.momentum * s[0] } else { s[0] };
                }
                *p -= h.lr * g;
            }
            Algo::Adam => {
                s[0] = lerp(s[0], g, 1.0 - h.beta1);
                s[1] = s[1] * h.beta2 + (1.0 - h.beta2) * g * g;
                s[2] = s[2].max(s[1]);
                let v = if h.amsgrad { s[2] } else { s[1] };
                let denom = v.sqrt() / (1.0 - h.beta2.powf(k)).sqrt() + h.eps;
                *p -= h.lr / (1.0 - h.beta1.powf(k)) * s[0] / denom;
            }
            Algo::Rmsprop => {
                s[0] = s[0] * h.alpha + (1.0 - h.alpha) * g * g;
                let mut avg = s[0];
                if h.centered {
                    s[2] = lerp(s[2], g, 1.0 - h.alpha);
                    avg -= s[2] * s[2];
                }
                let avg = avg.sqrt() + h.eps;
                if h.momentum > 0.0 {
                    s[1] = s[1] * h.momentum + g / avg;
                    *p -= h.lr * s[1];
                } else {
                    *p -= h.lr * g / avg;
                }
            }
            Algo::Adagrad => {
                s[0] += g * g;
                *p -= h.lr / (1.0 + (k - 1.0) * h.lr_decay) * g / (s[0].sqrt() + h.eps);
            }
            Algo::Adadelta => {
                s[0] = s[0] * h.rho + (1.0 - h.rho) * g * g;
                let delta = (s[1] + h.eps).sqrt() / (s[0] + h.eps).sqrt() * g;
                s[1] = s[1] * h.rho + (1.0 - h.rho) * delta * delta;
                *p -= h.lr * delta;
            }
            Algo::Adamax => {
                s[0] = lerp(s[0], g, 1.0 - h.beta1);
                s[1] = (s[1] * h.beta2).max(g.abs() + h.eps);
                *p -= h.lr / (1.0 - h.beta1.powf(k)) * s[0] / s[1];
            }
            Algo::Nadam => {
                let mu = h.nadam_mu(k);
                let mu_next = h.nadam_mu(k + 1.0);
                // The float32 counter times a Python float, in float32 (as PyTorch computes it).
                *mu_product = ((*mu_product as f32) * (mu as f32)) as f64;
                s[0] = lerp(s[0], g, 1.0 - h.beta1);
                s[1] = s[1] * h.beta2 + (1.0 - h.beta2) * g * g;
                let denom = (s[1] / (1.0 - h.beta2.powf(k))).sqrt() + h.eps;
                *p -= h.lr * (1.0 - mu) / (1.0 - *mu_product) * g / denom;
                *p -= h.lr * mu_next / (1.0 - *mu_product * mu_next) * s[0] / denom;
            }
        }
    }

    fn hyper() -> Hyper {
        Hyper {
            lr: 0.05,
            beta1: 0.8,
            beta2: 0.95,
            eps: 1e-6,
            alpha: 0.9,
            rho: 0.85,
            lr_decay: 0.1,
            momentum_decay: 0.004,
            ..Hyper::default()
        }
    }

    /// Option sets worth covering per algorithm.
    fn variants(algo: Algo) -> Vec<Hyper> {
        let base = hyper();
        let mut out = vec![base, Hyper { weight_decay: 0.1, maximize: true, ..base }];
        match algo {
            Algo::Sgd => {
                out.push(Hyper { momentum: 0.9, dampening: 0.2, weight_decay: 0.05, ..base });
                out.push(Hyper { momentum: 0.9, nesterov: true, maximize: true, ..base });
            }
            Algo::Adam => {
                out.push(Hyper { amsgrad: true, weight_decay: 0.1, ..base });
                out.push(Hyper { decoupled: true, weight_decay: 0.1, amsgrad: true, ..base });
            }
            Algo::Rmsprop => {
                out.push(Hyper { momentum: 0.5, ..base });
                out.push(Hyper { centered: true, ..base });
                out.push(Hyper { centered: true, momentum: 0.5, weight_decay: 0.1, ..base });
            }
            Algo::Nadam => out.push(Hyper { decoupled: true, weight_decay: 0.1, ..base }),
            _ => {}
        }
        out
    }

    fn run_case(algo: Algo, h: &Hyper, dtype: DType, n: usize, steps: usize) -> (Vec<f64>, Vec<f64>) {
        // Parameters and gradients on incommensurate grids: no gradient cancels its weight decay
        // term (a near-zero Adam gradient makes the update's sign a matter of rounding).
        let vals = |seed: usize, scale: f64| -> Vec<f64> {
            (0..n).map(|i| (((i * 37 + seed * 11) % 23) as f64 - 11.0) / scale + 0.031 * seed as f64).collect()
        };
        let (p0, grads): (Vec<f64>, Vec<Vec<f64>>) = (vals(1, 7.3), (0..steps).map(|k| vals(k + 2, 5.1)).collect());
        let make = |v: &[f64]| to_dtype(&Tensor::from_slice(v, &[n]).unwrap(), dtype).unwrap();
        let param = make(&p0);
        let flags = h.flags(algo);
        let pos = algo.positions(flags);
        let states: Vec<Tensor> = pos.iter().filter(|&&b| b).map(|_| make(&vec![0.0; n])).collect();
        let counters: Vec<Tensor> = [0.0, 1.0][..algo.counters()].iter().map(|&v| Tensor::from_slice(&[v as f32], &[]).unwrap()).collect();
        for (k, g) in grads.iter().enumerate() {
            let grad = make(g);
            let e = Entry { param: &param, grad: &grad, states: &states, counters: &counters, fresh: k == 0 };
            step(algo, h, &[e]).unwrap();
        }
        // The reference, element by element, with the values stored in `dtype` rounded as the
        // kernel stores them.
        let rnd = |x: f64| match dtype {
            DType::F32 => x as f32 as f64,
            DType::F16 => half::f16::from_f64(x).to_f64(),
            _ => x,
        };
        let mut want: Vec<f64> = p0.iter().map(|&x| rnd(x)).collect();
        for (i, w) in want.iter_mut().enumerate() {
            let (mut s, mut mp) = ([0.0; 3], 1.0);
            for (k, g) in grads.iter().enumerate() {
                reference(algo, h, (k + 1) as f64, &mut mp, w, rnd(g[i]), &mut s);
                *w = rnd(*w);
                s = s.map(rnd);
            }
        }
        let got = to_dtype(&param, DType::F64).unwrap().to_vec::<f64>().unwrap();
        (got, want)
    }

    #[test]
    fn every_algorithm_and_option_matches_the_reference() {
        for algo in Algo::ALL {
            for h in variants(algo) {
                let cases = [(3, DType::F64, 1e-12), (3, DType::F32, 2e-5), (3, DType::F16, 2e-2), (1001, DType::F32, 2e-5)];
                for (n, dtype, tol) in cases {
                    let (got, want) = run_case(algo, &h, dtype, n, 4);
                    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                        assert!((g - w).abs() <= tol * (1.0 + w.abs()), "{algo:?} {h:?} {dtype:?} n={n} [{i}]: {g} vs {w}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_group_split_across_threads_matches_its_parameters_one_by_one() {
        // Sizes whose concatenation the parallel split cuts inside and between parameters.
        let sizes = [5usize, 40_000, 1, 33_333, 7, 20_000];
        let h = Hyper { lr: 0.01, beta1: 0.9, beta2: 0.99, eps: 1e-8, weight_decay: 0.1, amsgrad: true, ..Hyper::default() };
        let make = |n: usize, seed: usize| {
            let v: Vec<f32> = (0..n).map(|i| ((i * 13 + seed) % 17) as f32 / 4.0 - 2.0).collect();
            Tensor::from_slice(&v, &[n]).unwrap()
        };
        let run = |together: bool| -> Vec<Vec<f32>> {
            let params: Vec<Tensor> = sizes.iter().enumerate().map(|(k, &n)| make(n, k)).collect();
            let grads: Vec<Tensor> = sizes.iter().enumerate().map(|(k, &n)| make(n, k + 5)).collect();
            let zeros = |n: usize| Tensor::from_slice(&vec![0f32; n], &[n]).unwrap();
            let states: Vec<Vec<Tensor>> = sizes.iter().map(|&n| (0..3).map(|_| zeros(n)).collect()).collect();
            let counters: Vec<Vec<Tensor>> = sizes.iter().map(|_| vec![Tensor::from_slice(&[0f32], &[]).unwrap()]).collect();
            let entries: Vec<Entry> = (0..sizes.len())
                .map(|k| Entry { param: &params[k], grad: &grads[k], states: &states[k], counters: &counters[k], fresh: false })
                .collect();
            for _ in 0..2 {
                if together {
                    step(Algo::Adam, &h, &entries).unwrap();
                } else {
                    for e in &entries {
                        step(Algo::Adam, &h, std::slice::from_ref(e)).unwrap();
                    }
                }
            }
            params.iter().chain(states.iter().flatten()).map(|t| t.to_vec::<f32>().unwrap()).collect()
        };
        assert_eq!(run(true), run(false));
    }

    #[test]
    fn counters_advance_and_errors_leave_state_alone() {
        let p = Tensor::from_slice(&[1.0f32, 2.0], &[2]).unwrap();
        let g = Tensor::from_slice(&[0.5f32, 0.5], &[2]).unwrap();
        let st = [Tensor::from_slice(&[0f32; 2], &[2]).unwrap(), Tensor::from_slice(&[0f32; 2], &[2]).unwrap()];
        let step_t = Tensor::from_slice(&[0f32], &[]).unwrap();
        let h = Hyper { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, ..Hyper::default() };
        step(Algo::Adam, &h, &[Entry { param: &p, grad: &g, states: &st, counters: std::slice::from_ref(&step_t), fresh: false }]).unwrap();
        assert_eq!(step_t.to_vec::<f32>().unwrap(), vec![1.0]);
        // The first Adam step moves each element by lr.
        let got = p.to_vec::<f32>().unwrap();
        assert!((got[0] - 0.9).abs() < 1e-6 && (got[1] - 1.9).abs() < 1e-6, "{got:?}");
        // A wrong state count, dtype, shape or shared memory: an error, nothing written.
        let bad_dtype = Tensor::from_slice(&[0f64; 2], &[2]).unwrap();
        let cases: Vec<Vec<Tensor>> = vec![vec![st[0].clone()], vec![st[0].clone(), bad_dtype], vec![st[0].clone(), p.clone()]];
        for states in &cases {
            let r = step(Algo::Adam, &h, &[Entry { param: &p, grad: &g, states, counters: std::slice::from_ref(&step_t), fresh: false }]);
            assert!(r.is_err());
        }
        let short = Tensor::from_slice(&[0.5f32], &[1]).unwrap();
        let e = Entry { param: &p, grad: &short, states: &st, counters: std::slice::from_ref(&step_t), fresh: false };
        assert!(step(Algo::Adam, &h, &[e]).is_err());
        assert_eq!(step_t.to_vec::<f32>().unwrap(), vec![1.0]);
        assert_eq!(p.to_vec::<f32>().unwrap(), got);
    }

    #[test]
    fn non_contiguous_parameters_are_written_back() {
        let base = Tensor::from_slice(&[1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).unwrap();
        let p = base.transpose(0, 1).unwrap();
        let g = Tensor::from_slice(&[1.0f64; 6], &[3, 2]).unwrap();
        let h = Hyper { lr: 0.5, ..Hyper::default() };
        step(Algo::Sgd, &h, &[Entry { param: &p, grad: &g, states: &[], counters: &[], fresh: false }]).unwrap();
        assert_eq!(base.to_vec::<f64>().unwrap(), vec![0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);
        assert_eq!(base.storage().version(), 1);
    }
}
