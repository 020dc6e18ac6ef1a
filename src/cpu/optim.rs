//! Fused optimizer steps: each algorithm's update of a parameter and its state in one pass over
//! memory, in the operation order of PyTorch's single-tensor implementations
//! (`torch/optim/*.py`) with every operation rounded in the compute dtype as there, and the
//! scalars (bias corrections, step sizes) computed on the host in f64 as Python computes them.
//!
//! Each update is one loop over memory that reads the parameter, the gradient and the state once
//! and writes them once, the algorithm's element function inlined into it (half types widened
//! to f32 in registers); the options are loop-invariant selects, so the compiler vectorises the
//! whole update. The elements of every parameter of a group are split across threads (`parallel`)
//! together, so a step over many small tensors is one call.

use crate::element::Real;
use half::{bf16, f16};
use super::parallel::{parallel, threads};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algo {
    Sgd,
    /// Adam and AdamW (decoupled weight decay).
    Adam,
    Rmsprop,
    Adagrad,
    Adadelta,
    Adamax,
    Nadam,
}

/// Option bits of an update (`Hyper::flags`, plus `FIRST` per parameter).
pub mod flag {
    pub const MAXIMIZE: u32 = 1;
    /// weight_decay != 0
    pub const WEIGHT_DECAY: u32 = 2;
    /// Weight decay applied to the parameter (AdamW, NAdam's decoupled_weight_decay).
    pub const DECOUPLED: u32 = 4;
    pub const AMSGRAD: u32 = 8;
    pub const NESTEROV: u32 = 16;
    /// SGD: momentum != 0; RMSprop: momentum > 0.
    pub const MOMENTUM: u32 = 32;
    pub const CENTERED: u32 = 64;
    /// SGD: the momentum buffer was just created and takes the gradient itself.
    pub const FIRST: u32 = 128;
}

/// Coefficients per update (see `Hyper::coefs` for each algorithm's list).
pub const NC: usize = 9;

impl Algo {
    pub const ALL: [Algo; 7] = [Algo::Sgd, Algo::Adam, Algo::Rmsprop, Algo::Adagrad, Algo::Adadelta, Algo::Adamax, Algo::Nadam];

    pub fn name(self) -> &'static str {
        match self {
            Algo::Sgd => "sgd",
            Algo::Adam => "adam",
            Algo::Rmsprop => "rmsprop",
            Algo::Adagrad => "adagrad",
            Algo::Adadelta => "adadelta",
            Algo::Adamax => "adamax",
            Algo::Nadam => "nadam",
        }
    }

    pub fn from_name(s: &str) -> Option<Algo> {
        Algo::ALL.into_iter().find(|a| a.name() == s)
    }

    /// Which of the three state positions hold a tensor under these flags (the state tensors
    /// of a parameter are given in position order, absent ones left out):
    /// SGD momentum_buffer; Adam exp_avg, exp_avg_sq, max_exp_avg_sq; RMSprop square_avg,
    /// momentum_buffer, grad_avg; Adagrad sum; Adadelta square_avg, acc_delta; Adamax exp_avg,
    /// exp_inf; NAdam exp_avg, exp_avg_sq.
    pub fn positions(self, flags: u32) -> [bool; 3] {
        let on = |f: u32| flags & f != 0;
        match self {
            Algo::Sgd => [on(flag::MOMENTUM), false, false],
            Algo::Adam => [true, true, on(flag::AMSGRAD)],
            Algo::Rmsprop => [true, on(flag::MOMENTUM), on(flag::CENTERED)],
            Algo::Adagrad => [true, false, false],
            Algo::Adadelta | Algo::Adamax | Algo::Nadam => [true, true, false],
        }
    }

    /// The 0-d host counters each parameter keeps: `step` (all but SGD), then NAdam's `mu_product`.
    pub fn counters(self) -> usize {
        match self {
            Algo::Sgd => 0,
            Algo::Nadam => 2,
            _ => 1,
        }
    }
}

/// A parameter group's hyper-parameters (the ones an algorithm does not use are ignored).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Hyper {
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    pub weight_decay: f64,
    pub momentum: f64,
    pub dampening: f64,
    pub alpha: f64,
    pub rho: f64,
    pub lr_decay: f64,
    pub momentum_decay: f64,
    pub nesterov: bool,
    pub maximize: bool,
    pub amsgrad: bool,
    pub centered: bool,
    pub decoupled: bool,
}

impl Hyper {
    /// The option bits of `algo` under these hyper-parameters.
    pub fn flags(&self, algo: Algo) -> u32 {
        let bit = |on: bool, f: u32| if on { f } else { 0 };
        let momentum = match algo {
            Algo::Sgd => self.momentum != 0.0,
            Algo::Rmsprop => self.momentum > 0.0,
            _ => false,
        };
        bit(self.maximize, flag::MAXIMIZE)
            | bit(self.weight_decay != 0.0, flag::WEIGHT_DECAY)
            | bit(self.decoupled && matches!(algo, Algo::Adam | Algo::Nadam), flag::DECOUPLED)
            | bit(self.amsgrad && algo == Algo::Adam, flag::AMSGRAD)
            | bit(self.nesterov && algo == Algo::Sgd, flag::NESTEROV)
            | bit(momentum, flag::MOMENTUM)
            | bit(self.centered && algo == Algo::Rmsprop, flag::CENTERED)
    }

    /// NAdam's momentum coefficient mu at `step` (what `mu_product` is multiplied by).
    pub fn nadam_mu(&self, step: f64) -> f64 {
        self.beta1 * (1.0 - 0.5 * 0.96f64.powf(step * self.momentum_decay))
    }

    /// The coefficients of one update at `step` (after its increment); `mu_product` is NAdam's
    /// stored running product including this step's mu. Every value is computed in f64 as
    /// Python computes it, and rounded to the compute dtype by the kernel:
    /// SGD [wd, momentum, 1 - dampening, -lr]; Adam [wd, 1 - lr wd, 1 - beta1, beta2, 1 - beta2,
    /// sqrt(bias_correction2), eps, -lr / bias_correction1]; RMSprop [wd, alpha, 1 - alpha, eps,
    /// momentum, -lr]; Adagrad [wd, eps, -clr]; Adadelta [wd, rho, 1 - rho, eps, -lr]; Adamax
    /// [wd, 1 - beta1, beta2, eps, -lr / bias_correction]; NAdam [wd, 1 - lr wd, 1 - beta1,
    /// beta2, 1 - beta2, bias_correction2, eps, gradient's and exp_avg's step coefficients].
    pub fn coefs(&self, algo: Algo, step: f64, mu_product: f64) -> [f64; NC] {
        let (lr, wd) = (self.lr, self.weight_decay);
        let mut c = [0.0; NC];
        let v: &[f64] = match algo {
            Algo::Sgd => &[wd, self.momentum, 1.0 - self.dampening, -lr],
            Algo::Adam => {
                let bc1 = 1.0 - self.beta1.powf(step);
                let bc2 = 1.0 - self.beta2.powf(step);
                &[wd, 1.0 - lr * wd, 1.0 - self.beta1, self.beta2, 1.0 - self.beta2, bc2.powf(0.5), self.eps, -(lr / bc1)]
            }
            Algo::Rmsprop => &[wd, self.alpha, 1.0 - self.alpha, self.eps, self.momentum, -lr],
            Algo::Adagrad => &[wd, self.eps, -(lr / (1.0 + (step - 1.0) * self.lr_decay))],
            Algo::Adadelta => &[wd, self.rho, 1.0 - self.rho, self.eps, -lr],
            Algo::Adamax => &[wd, 1.0 - self.beta1, self.beta2, self.eps, -(lr / (1.0 - self.beta1.powf(step)))],
            Algo::Nadam => {
                let bc2 = 1.0 - self.beta2.powf(step);
                let mu = self.nadam_mu(step);
                let mu_next = self.nadam_mu(step + 1.0);
                let c_grad = -lr * (1.0 - mu) / (1.0 - mu_product);
                let c_avg = (-lr * mu_next) / (1.0 - mu_product * mu_next);
                &[wd, 1.0 - lr * wd, 1.0 - self.beta1, self.beta2, 1.0 - self.beta2, bc2, self.eps, c_grad, c_avg]
            }
        };
        c[..v.len()].copy_from_slice(v);
        c
    }
}

/// A stored element type and the type its updates compute in.
pub trait Slot: Copy + Send + Sync + 'static {
    type F: Real;
    fn get(self) -> Self::F;
    fn put(v: Self::F) -> Self;
}

impl Slot for f32 {
    type F = f32;
    #[inline(always)]
    fn get(self) -> f32 {
        self
    }
    #[inline(always)]
    fn put(v: f32) -> f32 {
        v
    }
}

impl Slot for f64 {
    type F = f64;
    #[inline(always)]
    fn get(self) -> f64 {
        self
    }
    #[inline(always)]
    fn put(v: f64) -> f64 {
        v
    }
}

impl Slot for f16 {
    type F = f32;
    #[inline(always)]
    fn get(self) -> f32 {
        self.to_f32()
    }
    #[inline(always)]
    fn put(v: f32) -> f16 {
        f16::from_f32(v)
    }
}

impl Slot for bf16 {
    type F = f32;
    #[inline(always)]
    fn get(self) -> f32 {
        self.to_f32()
    }
    #[inline(always)]
    fn put(v: f32) -> bf16 {
        bf16::from_f32(v)
    }
}

/// One parameter's update: its memory (contiguous, `n` elements of one dtype) and scalars.
#[derive(Clone, Copy, Debug)]
pub struct Job {
    pub p: *mut u8,
    pub g: *const u8,
    /// The state tensors at their positions (`Algo::positions`); null where absent.
    pub s: [*mut u8; 3],
    pub n: usize,
    pub flags: u32,
    pub c: [f64; NC],
}

// SAFETY: a job addresses tensor memory its caller keeps alive for the whole call; the written
// buffers of distinct jobs are disjoint (checked by the caller), and threads write disjoint ranges.
unsafe impl Send for Job {}
unsafe impl Sync for Job {}

/// Runs every job of `algo` over elements of type `S`, in parallel above `iter::GRAIN` elements:
/// the group's elements, concatenated, are split into a few equal ranges (as the elementwise
/// kernels split one tensor), each range running the jobs it covers.
///
/// # Safety
/// Each job's pointers are valid for `n` elements of `S` (states where `positions` says so);
/// the parameter and state buffers of all jobs are pairwise disjoint, and no gradient overlaps them.
pub unsafe fn run<S: Slot>(algo: Algo, jobs: &[Job]) {
    let total: usize = jobs.iter().map(|j| j.n).sum();
    let threads = threads();
    let tasks = if total >= 2 * super::iter::GRAIN && threads > 1 { (total / super::iter::GRAIN).min(threads * 4) } else { 1 };
    let starts: Vec<usize> = jobs.iter().scan(0, |acc, j| Some(std::mem::replace(acc, *acc + j.n))).collect();
    let task = |t: usize| {
        let (lo, hi) = (total * t / tasks, total * (t + 1) / tasks);
        for (j, &s) in jobs.iter().zip(&starts) {
            let (a, b) = (lo.max(s), hi.min(s + j.n));
            if a < b {
                // SAFETY: forwarded from the caller; tasks cover disjoint ranges.
                unsafe { range::<S>(algo, j, a - s, b - a) }
            }
        }
    };
    if tasks == 1 {
        task(0);
    } else {
        parallel(tasks, threads, &task);
    }
}

/// Updates elements `start..start + len` of one job (an AVX2 copy where the CPU has it).
unsafe fn range<S: Slot>(algo: Algo, j: &Job, start: usize, len: usize) {
    #[cfg(target_arch = "x86_64")]
    if super::simd::has_avx2() {
        return range_avx2::<S>(algo, j, start, len);
    }
    range_body::<S>(algo, j, start, len)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn range_avx2<S: Slot>(algo: Algo, j: &Job, start: usize, len: usize) {
    range_body::<S>(algo, j, start, len)
}

#[inline(always)]
unsafe fn range_body<S: Slot>(algo: Algo, j: &Job, start: usize, len: usize) {
    let c: [S::F; NC] = j.c.map(<S::F as crate::element::Element>::from_f64);
    let fl = Flags::of(j.flags, &c);
    let pos = algo.positions(j.flags);
    let slice = |ptr: *mut u8| -> &mut [S] {
        if ptr.is_null() {
            &mut []
        } else {
            // SAFETY: `ptr` is valid for `start + len` elements (the caller's contract).
            unsafe { std::slice::from_raw_parts_mut((ptr as *mut S).add(start), len) }
        }
    };
    let (p, g) = (slice(j.p), std::slice::from_raw_parts((j.g as *const S).add(start), len));
    let [s0, s1, s2] = j.s.map(slice);
    match algo {
        Algo::Sgd => each(pos, p, g, s0, s1, s2, sgd(&c, fl)),
        Algo::Adam => each(pos, p, g, s0, s1, s2, adam(&c, fl)),
        Algo::Rmsprop => each(pos, p, g, s0, s1, s2, rmsprop(&c, fl)),
        Algo::Adagrad => each(pos, p, g, s0, s1, s2, adagrad(&c, fl)),
        Algo::Adadelta => each(pos, p, g, s0, s1, s2, adadelta(&c, fl)),
        Algo::Adamax => each(pos, p, g, s0, s1, s2, adamax(&c, fl)),
        Algo::Nadam => each(pos, p, g, s0, s1, s2, nadam(&c, fl)),
    }
}

/// `p[i] = f(p[i], g[i], s)` over the elements, `s` holding the element of each present state
/// (written back after): one loop over memory per structural variant, in which the compiler
/// vectorises the whole update (the slices do not alias, and the options are loop-invariant).
#[inline(always)]
fn each<S: Slot, E>(pos: [bool; 3], p: &mut [S], g: &[S], s0: &mut [S], s1: &mut [S], s2: &mut [S], f: E)
where
    E: Fn(S::F, S::F, &mut [S::F; 3]) -> S::F,
{
    let n = p.len();
    let g = &g[..n];
    let z = S::F::ZERO;
    match pos {
        [true, true, true] => {
            let (s0, s1, s2) = (&mut s0[..n], &mut s1[..n], &mut s2[..n]);
            for i in 0..n {
                let mut s = [s0[i].get(), s1[i].get(), s2[i].get()];
                p[i] = S::put(f(p[i].get(), g[i].get(), &mut s));
                (s0[i], s1[i], s2[i]) = (S::put(s[0]), S::put(s[1]), S::put(s[2]));
            }
        }
        [true, true, false] => {
            let (s0, s1) = (&mut s0[..n], &mut s1[..n]);
            for i in 0..n {
                let mut s = [s0[i].get(), s1[i].get(), z];
                p[i] = S::put(f(p[i].get(), g[i].get(), &mut s));
                (s0[i], s1[i]) = (S::put(s[0]), S::put(s[1]));
            }
        }
        [true, false, true] => {
            let (s0, s2) = (&mut s0[..n], &mut s2[..n]);
            for i in 0..n {
                let mut s = [s0[i].get(), z, s2[i].get()];
                p[i] = S::put(f(p[i].get(), g[i].get(), &mut s));
                (s0[i], s2[i]) = (S::put(s[0]), S::put(s[2]));
            }
        }
        [true, false, false] => {
            let s0 = &mut s0[..n];
            for i in 0..n {
                let mut s = [s0[i].get(), z, z];
                p[i] = S::put(f(p[i].get(), g[i].get(), &mut s));
                s0[i] = S::put(s[0]);
            }
        }
        _ => {
            for i in 0..n {
                p[i] = S::put(f(p[i].get(), g[i].get(), &mut [z; 3]));
            }
        }
    }
}

/// The options as the element functions use them (loop-invariant selects).
#[derive(Clone, Copy)]
struct Flags<F> {
    maximize: bool,
    /// L2 weight decay added to the gradient.
    coupled: bool,
    /// What the parameter is scaled by first: `1 - lr * wd` (decoupled weight decay) or exactly 1.
    decay: F,
    amsgrad: bool,
    nesterov: bool,
    momentum: bool,
    centered: bool,
    first: bool,
}

impl<F: Real> Flags<F> {
    fn of(bits: u32, c: &[F; NC]) -> Flags<F> {
        let on = |f: u32| bits & f != 0;
        let wd = on(flag::WEIGHT_DECAY);
        Flags {
            maximize: on(flag::MAXIMIZE),
            coupled: wd && !on(flag::DECOUPLED),
            // c[1] is 1 - lr * wd for the algorithms that decouple (Adam, NAdam).
            decay: if wd && on(flag::DECOUPLED) { c[1] } else { F::ONE },
            amsgrad: on(flag::AMSGRAD),
            nesterov: on(flag::NESTEROV),
            momentum: on(flag::MOMENTUM),
            centered: on(flag::CENTERED),
            first: on(flag::FIRST),
        }
    }

    /// (parameter, gradient) as the update sees them: negated for `maximize`, plus `wd * p`
    /// (L2 weight decay), or the parameter scaled by `decay` (decoupled weight decay).
    #[inline(always)]
    fn grad(&self, wd: F, p: F, g: F) -> (F, F) {
        let g = if self.maximize { -g } else { g };
        let p = p * self.decay;
        (p, if self.coupled { g + wd * p } else { g })
    }
}

/// `torch.lerp` from the nearer end.
#[inline(always)]
fn lerp<F: Real>(s: F, e: F, w: F) -> F {
    if w.abs() < F::from_f64(0.5) {
        s + w * (e - s)
    } else {
        e - (e - s) * (F::ONE - w)
    }
}

/// `torch.maximum`: NaN wins.
#[inline(always)]
fn maximum<F: Real>(a: F, b: F) -> F {
    if a > b || a.is_nan() {
        a
    } else {
        b
    }
}

// The element functions: PyTorch's single-tensor update of one element, each operation rounded in
// F as there (addcmul is `s + (v * a) * b`, addcdiv `s + (v * a) / b`); state positions as in
// `Algo::positions`, coefficients as in `Hyper::coefs`.

#[inline(always)]
fn sgd<F: Real>(c: &[F; NC], fl: Flags<F>) -> impl Fn(F, F, &mut [F; 3]) -> F {
    let (wd, m, d1, nlr) = (c[0], c[1], c[2], c[3]);
    move |p, g, s| {
        let (p, g) = fl.grad(wd, p, g);
        let g = if fl.momentum {
            // A new buffer takes the gradient; then buf = buf * momentum + (1 - dampening) * g.
            let buf = if fl.first { g } else { s[0] * m + d1 * g };
            s[0] = buf;
            if fl.nesterov { g + m * buf } else { buf }
        } else {
            g
        };
        p + nlr * g
    }
}

#[inline(always)]
fn adam<F: Real>(c: &[F; NC], fl: Flags<F>) -> impl Fn(F, F, &mut [F; 3]) -> F {
    let (wd, w1, b2, omb2, bc2s, eps, nss) = (c[0], c[2], c[3], c[4], c[5], c[6], c[7]);
    move |p, g, s| {
        let (p, g) = fl.grad(wd, p, g);
        let m = lerp(s[0], g, w1);
        let v = s[1] * b2 + (omb2 * g) * g;
        let second = if fl.amsgrad { maximum(s[2], v) } else { v };
        (s[0], s[1], s[2]) = (m, v, second);
        p + (nss * m) / (second.sqrt() / bc2s + eps)
    }
}

#[inline(always)]
fn rmsprop<F: Real>(c: &[F; NC], fl: Flags<F>) -> impl Fn(F, F, &mut [F; 3]) -> F {
    let (wd, alpha, oma, eps, mom, nlr) = (c[0], c[1], c[2], c[3], c[4], c[5]);
    move |p, g, s| {
        let (p, g) = fl.grad(wd, p, g);
        let sq = s[0] * alpha + (oma * g) * g;
        let ga = lerp(s[2], g, oma);
        let avg = if fl.centered { (sq + (-ga) * ga).sqrt() } else { sq.sqrt() } + eps;
        let buf = s[1] * mom + g / avg;
        (s[0], s[1], s[2]) = (sq, buf, ga);
        if fl.momentum {
            p + nlr * buf
        } else {
            p + (nlr * g) / avg
        }
    }
}

#[inline(always)]
fn adagrad<F: Real>(c: &[F; NC], fl: Flags<F>) -> impl Fn(F, F, &mut [F; 3]) -> F {
    let (wd, eps, nclr) = (c[0], c[1], c[2]);
    move |p, g, s| {
        let (p, g) = fl.grad(wd, p, g);
        let sum = s[0] + g * g;
        s[0] = sum;
        p + (nclr * g) / (sum.sqrt() + eps)
    }
}

#[inline(always)]
fn adadelta<F: Real>(c: &[F; NC], fl: Flags<F>) -> impl Fn(F, F, &mut [F; 3]) -> F {
    let (wd, rho, omr, eps, nlr) = (c[0], c[1], c[2], c[3], c[4]);
    move |p, g, s| {
        let (p, g) = fl.grad(wd, p, g);
        let sq = s[0] * rho + (omr * g) * g;
        // delta = sqrt(acc_delta + eps) / sqrt(square_avg + eps) * grad
        let delta = (s[1] + eps).sqrt() / (sq + eps).sqrt() * g;
        (s[0], s[1]) = (sq, s[1] * rho + (omr * delta) * delta);
        p + nlr * delta
    }
}

#[inline(always)]
fn adamax<F: Real>(c: &[F; NC], fl: Flags<F>) -> impl Fn(F, F, &mut [F; 3]) -> F {
    let (wd, w1, b2, eps, nclr) = (c[0], c[1], c[2], c[3], c[4]);
    move |p, g, s| {
        let (p, g) = fl.grad(wd, p, g);
        let m = lerp(s[0], g, w1);
        let u = maximum(s[1] * b2, g.abs() + eps);
        (s[0], s[1]) = (m, u);
        p + (nclr * m) / u
    }
}

#[inline(always)]
fn nadam<F: Real>(c: &[F; NC], fl: Flags<F>) -> impl Fn(F, F, &mut [F; 3]) -> F {
    let (wd, w1, b2, omb2, bc2, eps, cg, ca) = (c[0], c[2], c[3], c[4], c[5], c[6], c[7], c[8]);
    move |p, g, s| {
        let (p, g) = fl.grad(wd, p, g);
        let m = lerp(s[0], g, w1);
        let v = s[1] * b2 + (omb2 * g) * g;
        (s[0], s[1]) = (m, v);
        let denom = (v / bc2).sqrt() + eps;
        let p = p + (cg * g) / denom;
        p + (ca * m) / denom
    }
}
