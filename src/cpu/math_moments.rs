//! var / std: the Var reducer and the moment sums behind it (float64 lanes,
//! float32 rows with AVX2 intrinsics), for both paths of `reduce::Rows`.

#[cfg(target_arch = "x86_64")]
use super::simd::has_avx2;
use super::reduce::{float_sum, Out, Reducer};
use crate::element::Real;

/// Sums of `x - k` and `(x - k)^2` over `n` elements, in float64 lanes.
#[inline(always)]
unsafe fn moments_body<F: Real>(x: *const F, n: usize, k: f64) -> (f64, f64) {
    const L: usize = 16;
    let (mut s1, mut s2) = ([0f64; L], [0f64; L]);
    let full = n / L;
    for c in 0..full {
        let p = x.add(c * L);
        for j in 0..L {
            let d = (*p.add(j)).to_f64() - k;
            s1[j] += d;
            s2[j] += d * d;
        }
    }
    let (mut t1, mut t2) = (0f64, 0f64);
    for i in full * L..n {
        let d = (*x.add(i)).to_f64() - k;
        t1 += d;
        t2 += d * d;
    }
    (s1.iter().sum::<f64>() + t1, s2.iter().sum::<f64>() + t2)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn moments_avx2<F: Real>(x: *const F, n: usize, k: f64) -> (f64, f64) {
    moments_body(x, n, k)
}

/// The float32 moments with intrinsics: LLVM vectorises the widening lane loop
/// above poorly (var(dim) of 256x1000 took 3x longer with it). Four independent
/// float64 accumulators per sum hide the add/FMA latency.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn moments_f32_avx2(x: *const f32, n: usize, k: f64) -> (f64, f64) {
    use std::arch::x86_64::*;
    let kv = _mm256_set1_pd(k);
    let mut s1 = [_mm256_setzero_pd(); 4];
    let mut s2 = [_mm256_setzero_pd(); 4];
    let full = n / 16;
    for c in 0..full {
        let p = x.add(c * 16);
        for (q, (a1, a2)) in s1.iter_mut().zip(s2.iter_mut()).enumerate() {
            let d = _mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(p.add(4 * q))), kv);
            *a1 = _mm256_add_pd(*a1, d);
            *a2 = _mm256_fmadd_pd(d, d, *a2);
        }
    }
    let fold = |v: [__m256d; 4]| {
        let t = _mm256_add_pd(_mm256_add_pd(v[0], v[1]), _mm256_add_pd(v[2], v[3]));
        let mut l = [0f64; 4];
        _mm256_storeu_pd(l.as_mut_ptr(), t);
        (l[0] + l[2]) + (l[1] + l[3])
    };
    let (mut t1, mut t2) = (fold(s1), fold(s2));
    for i in full * 16..n {
        let d = *x.add(i) as f64 - k;
        t1 += d;
        t2 += d * d;
    }
    (t1, t2)
}

unsafe fn moments<F: Real>(x: *const F, n: usize, k: f64) -> (f64, f64) {
    #[cfg(target_arch = "x86_64")]
    if F::DTYPE == crate::dtype::DType::F32 && has_avx2() {
        return moments_f32_avx2(x as *const f32, n, k);
    }
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        return moments_avx2(x, n, k);
    }
    moments_body(x, n, k)
}

/// One outer-path row into per-output sums of `x - k` and `(x - k)^2`.
#[inline(always)]
unsafe fn fold_moments_body<F: Real>(s1: &mut [f64], s2: &mut [f64], k: &[f64], p: *const F) {
    let w = s1.len().min(s2.len()).min(k.len());
    for j in 0..w {
        let d = (*p.add(j)).to_f64() - k[j];
        s1[j] += d;
        s2[j] += d * d;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn fold_moments_avx2<F: Real>(s1: &mut [f64], s2: &mut [f64], k: &[f64], p: *const F) {
    fold_moments_body(s1, s2, k, p)
}

unsafe fn fold_moments<F: Real>(s1: &mut [f64], s2: &mut [f64], k: &[f64], p: *const F) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        return fold_moments_avx2(s1, s2, k, p);
    }
    fold_moments_body(s1, s2, k, p)
}

/// (count, mean, sum of squared deviations) from sums about a shift `k`:
/// m2 = s2 - s1^2 / n, exact when k is the mean and accurate to about
/// eps64 * ((mean - k) / std)^2 otherwise.
fn shifted(n: f64, k: f64, s1: f64, s2: f64) -> (f64, f64, f64) {
    let m2 = s2 - s1 * s1 / n;
    (n, k + s1 / n, if m2 < 0.0 { 0.0 } else { m2 }) // rounding can go below 0; NaN stays
}

/// var / std with Bessel-style `correction`, accumulated in float64 and merged
/// across pieces with Chan's formula. float32 rows take one pass about their
/// first element (k): a data point is within sqrt(n) standard deviations of the
/// mean, so float64 keeps m2 to ~n * eps64. float64 rows take two passes (the
/// mean, then deviations from it).
pub struct Var<F> {
    pub out: Out,
    pub correction: f64,
    pub sqrt: bool,
    _t: std::marker::PhantomData<F>,
}
impl<F> Var<F> {
    pub fn new(out: Out, correction: f64, sqrt: bool) -> Self {
        Var { out, correction, sqrt, _t: std::marker::PhantomData }
    }
}
impl<F: Real> Reducer<F> for Var<F> {
    type Acc = (f64, f64, f64); // count, mean, sum of squared deviations
    unsafe fn chunk(&self, x: *const F, n: usize, _: usize) -> (f64, f64, f64) {
        if n == 0 {
            return (0.0, 0.0, 0.0);
        }
        let k = if F::DTYPE == crate::dtype::DType::F32 { (*x).to_f64() } else { float_sum(x, n) / n as f64 };
        let (s1, s2) = moments(x, n, k);
        shifted(n as f64, k, s1, s2)
    }
    fn combine(&self, a: (f64, f64, f64), b: (f64, f64, f64)) -> (f64, f64, f64) {
        let n = a.0 + b.0;
        if n == 0.0 {
            return a;
        }
        let d = b.1 - a.1;
        (n, a.1 + d * b.0 / n, a.2 + b.2 + d * d * a.0 * b.0 / n)
    }
    fn first(&self, v: F, _: usize) -> (f64, f64, f64) {
        (1.0, v.to_f64(), 0.0)
    }
    /// Welford's update: stable in one pass.
    fn step(&self, acc: (f64, f64, f64), v: F, _: usize) -> (f64, f64, f64) {
        let (n, mean, m2) = acc;
        let x = v.to_f64();
        let n1 = n + 1.0;
        let d = x - mean;
        let mean1 = mean + d / n1;
        (n1, mean1, m2 + d * (x - mean1))
    }
    unsafe fn finish(&self, acc: (f64, f64, f64), r: usize, k: usize) {
        let dof = r as f64 - self.correction;
        let var = if dof > 0.0 { acc.2 / dof } else if acc.2 == 0.0 || r == 0 { f64::NAN } else { f64::INFINITY };
        let var = if r == 0 { f64::NAN } else { var };
        self.out.put(k, F::from_f64(if self.sqrt { var.sqrt() } else { var }));
    }
    /// Rows folded lane-wise into per-output sums, with the same shifts as `chunk`:
    /// the first row for float32, the column means (a first pass) for float64.
    unsafe fn outer_block(&self, row: &dyn Fn(usize) -> *const F, r: usize, c0: usize, c1: usize) -> bool {
        let w = c1 - c0;
        let (mut s1, mut s2) = (vec![0f64; w], vec![0f64; w]);
        let p0 = std::slice::from_raw_parts(row(0), w);
        let mut k: Vec<f64> = p0.iter().map(|v| v.to_f64()).collect();
        if F::DTYPE != crate::dtype::DType::F32 {
            let zero = vec![0f64; w];
            for i in 0..r {
                fold_moments(&mut s1, &mut s2, &zero, row(i));
            }
            k = s1.iter().map(|s| s / r as f64).collect();
            s1.fill(0.0);
            s2.fill(0.0);
        }
        for i in 0..r {
            fold_moments(&mut s1, &mut s2, &k, row(i));
        }
        for j in 0..w {
            self.finish(shifted(r as f64, k[j], s1[j], s2[j]), r, c0 + j);
        }
        true
    }
}
