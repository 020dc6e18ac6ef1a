//! Reductions, in two shapes:
//! - inner: the reduced dims form one contiguous run per output, so each output
//!   reduces a contiguous row. Many rows run in parallel; a single long row
//!   (`x.sum()`) is split across threads and the partial results combined in order.
//! - outer: the kept dims form a contiguous block (`x.sum(0)` of a matrix), so each
//!   reduced index contributes one contiguous row of all outputs, folded lane-wise
//!   into per-output accumulators; column blocks run in parallel. No copy.
//!
//! Other layouts are copied once into the inner shape.

use super::iter::GRAIN;
#[cfg(target_arch = "x86_64")]
use super::simd::has_avx2;
use crate::element::{Element, Real};
use crate::error::Result;
use crate::layout::Layout;
use crate::tensor::Tensor;
use super::parallel::for_range;

pub use super::math_moments::Var;

/// A reduction over contiguous runs: partial results (`Acc`) from chunks of a
/// row are combined in order, then `finish` writes output `k`.
pub trait Reducer<T: Element>: Sync {
    type Acc: Copy + Send;
    /// Reduces `n` contiguous elements whose first has row index `first`.
    ///
    /// # Safety
    /// `x` must point at `n` readable elements.
    unsafe fn chunk(&self, x: *const T, n: usize, first: usize) -> Self::Acc;
    /// `a` covers earlier indices than `b`.
    fn combine(&self, a: Self::Acc, b: Self::Acc) -> Self::Acc;
    /// The accumulator after one element `v` at row index `i` (outer path).
    fn first(&self, v: T, i: usize) -> Self::Acc;
    /// Folds element `v` at row index `i` (after all smaller ones) into `acc`.
    fn step(&self, acc: Self::Acc, v: T, i: usize) -> Self::Acc;
    /// Writes output element `k` for a row of length `r`.
    ///
    /// # Safety
    /// `k` must be inside the outputs the reducer holds.
    unsafe fn finish(&self, acc: Self::Acc, r: usize, k: usize);
    /// Outer mode, where a reducer has a vectorised fold: reduces rows `row(0)`
    /// .. `row(r - 1)` (each the `c1 - c0` contiguous elements of outputs
    /// `c0..c1`, r >= 1) and writes those outputs. False leaves the block to the
    /// generic fold by `first`/`step`.
    ///
    /// # Safety
    /// Every row must hold `c1 - c0` readable elements; `c0..c1` are outputs.
    unsafe fn outer_block(&self, _row: &dyn Fn(usize) -> *const T, _r: usize, _c0: usize, _c1: usize) -> bool {
        false
    }
}

/// Outputs below which the outer path is not worth it (too narrow to vectorise).
const OUTER_MIN_OUTPUTS: usize = 64;
/// Outputs per outer-path task: their accumulators stay in L1/L2.
const OUTER_BLOCK: usize = 2048;

/// Source rows: kept dims (any strides) over a contiguous reduced run of `r`, or
/// (outer mode) reduced dims of any strides over a contiguous block of outputs.
pub struct Rows {
    pub src: Tensor,
    pub kept_shape: Vec<usize>,
    kept_strides: Vec<isize>, // bytes
    pub r: usize,
    /// Outer mode: the reduced dims' shape and byte strides.
    outer: Option<(Vec<usize>, Vec<isize>)>,
}

impl Rows {
    /// Moves `dims` (sorted, unique) innermost, copying only when needed.
    pub fn new(x: &Tensor, dims: &[usize]) -> Result<Rows> {
        let n = x.ndim();
        let kept: Vec<usize> = (0..n).filter(|d| !dims.contains(d)).collect();
        let perm: Vec<i64> = kept.iter().chain(dims.iter()).map(|&d| d as i64).collect();
        let mut v = x.with_layout(x.layout.permute(&perm)?);
        let nk = kept.len();
        let red = Layout { shape: v.shape()[nk..].into(), strides: v.layout.strides[nk..].into(), offset: 0 };
        let kept_l = Layout { shape: v.shape()[..nk].into(), strides: v.layout.strides[..nk].into(), offset: 0 };
        let es = v.dtype.size() as isize;
        let mut outer = None;
        if !red.is_contiguous() {
            if kept_l.is_contiguous() && kept_l.numel() >= OUTER_MIN_OUTPUTS && red.numel() > 0 {
                outer = Some((red.shape.to_vec(), red.strides.iter().map(|&s| s * es).collect()));
            } else {
                v = v.clone_contiguous()?;
            }
        }
        Ok(Rows {
            kept_shape: v.shape()[..nk].to_vec(),
            kept_strides: v.layout.strides[..nk].iter().map(|&s| s * es).collect(),
            r: red.numel(),
            src: v,
            outer,
        })
    }

    pub fn outputs(&self) -> usize {
        self.kept_shape.iter().product()
    }

    fn row_offset(&self, mut k: usize) -> isize {
        let mut off = 0isize;
        for d in (0..self.kept_shape.len()).rev() {
            let s = self.kept_shape[d];
            off += (k % s) as isize * self.kept_strides[d];
            k /= s;
        }
        off
    }

    /// Outer mode: folds row after row into accumulators of a block of outputs.
    fn run_outer<T: Element, R: Reducer<T>>(&self, red: &R, rshape: &[usize], rstrides: &[isize]) -> Result<()> {
        let base = self.src.ptr()? as usize;
        let (k_total, r) = (self.outputs(), self.r);
        let row_offset = |mut i: usize| {
            let mut off = 0isize;
            for d in (0..rshape.len()).rev() {
                off += (i % rshape[d]) as isize * rstrides[d];
                i /= rshape[d];
            }
            off
        };
        let block = |b: usize| {
            let (c0, c1) = (b * OUTER_BLOCK, ((b + 1) * OUTER_BLOCK).min(k_total));
            // SAFETY: row offsets come from the validated layout; each row holds the
            // k_total contiguous outputs' elements, and c0..c1 is inside them.
            unsafe {
                let row = |i: usize| ((base as isize + row_offset(i)) as *const T).add(c0);
                if red.outer_block(&row, r, c0, c1) {
                    return;
                }
                let p0 = row(0);
                let mut acc: Vec<R::Acc> = (0..c1 - c0).map(|j| red.first(*p0.add(j), 0)).collect();
                for i in 1..r {
                    let p = row(i);
                    for (j, a) in acc.iter_mut().enumerate() {
                        *a = red.step(*a, *p.add(j), i);
                    }
                }
                for (j, a) in acc.into_iter().enumerate() {
                    red.finish(a, r, c0 + j);
                }
            }
        };
        let blocks = k_total.div_ceil(OUTER_BLOCK);
        if blocks > 1 && k_total.saturating_mul(r) >= 2 * GRAIN {
            for_range(blocks, 1, &block);
        } else {
            (0..blocks).for_each(block);
        }
        Ok(())
    }

    /// Runs `red` over every row.
    pub fn run<T: Element, R: Reducer<T>>(&self, red: &R) -> Result<()> {
        if let Some((rshape, rstrides)) = &self.outer {
            return self.run_outer(red, rshape, rstrides);
        }
        let base = self.src.ptr()? as usize;
        let (k_total, r) = (self.outputs(), self.r);
        let threads = super::parallel::threads();
        // SAFETY (all three arms): row offsets come from the validated layout and
        // each row holds `r` contiguous elements; output indices are < k_total.
        let row = |k: usize| unsafe {
            let p = (base as *const u8).offset(self.row_offset(k)) as *const T;
            red.finish(red.chunk(p, r, 0), r, k);
        };
        if k_total == 0 {
            return Ok(());
        }
        if k_total >= threads && k_total.saturating_mul(r) >= 2 * GRAIN && threads > 1 {
            for_range(k_total, (GRAIN / r.max(1)).max(1), &row);
        } else if r >= 2 * GRAIN && threads > 1 {
            // One piece per thread, each streaming one long run; the calling thread
            // reduces the first piece itself while pool workers take the rest.
            let pieces = (r / GRAIN).min(threads);
            for k in 0..k_total {
                let p = base as isize + self.row_offset(k);
                let piece = |c: usize| {
                    let (s, e) = (r * c / pieces, r * (c + 1) / pieces);
                    unsafe { red.chunk((p as *const T).add(s), e - s, s) }
                };
                let mut accs: Vec<Option<R::Acc>> = vec![None; pieces];
                rayon::in_place_scope(|scope| {
                    let (first, rest) = accs.split_at_mut(1);
                    for (i, slot) in rest.iter_mut().enumerate() {
                        scope.spawn(move |_| *slot = Some(piece(i + 1)));
                    }
                    first[0] = Some(piece(0));
                });
                let mut it = accs.into_iter().flatten();
                if let Some(mut acc) = it.next() {
                    for a in it {
                        acc = red.combine(acc, a);
                    }
                    unsafe { red.finish(acc, r, k) };
                }
            }
        } else {
            (0..k_total).for_each(row);
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
pub struct Out(pub *mut u8);
// SAFETY: reducers write disjoint output elements (one per row).
unsafe impl Send for Out {}
unsafe impl Sync for Out {}

impl Out {
    #[inline(always)]
    pub(crate) unsafe fn put<O: Element>(self, k: usize, v: O) {
        *(self.0 as *mut O).add(k) = v;
    }
}

// ---- sums ------------------------------------------------------------------

/// Sum of `n` floats in 32 independent lanes (vectorisable without reassociating
/// one accumulator), lanes folded pairwise.
#[inline(always)]
unsafe fn lane_sum_body<F: Real>(x: *const F, n: usize) -> F {
    const L: usize = 32;
    let mut acc = [F::ZERO; L];
    let full = n / L;
    for c in 0..full {
        let p = x.add(c * L);
        for j in 0..L {
            acc[j] = acc[j] + *p.add(j);
        }
    }
    let mut tail = F::ZERO;
    for i in full * L..n {
        tail = tail + *x.add(i);
    }
    let mut w = L;
    while w > 1 {
        w /= 2;
        for j in 0..w {
            acc[j] = acc[j] + acc[j + w];
        }
    }
    acc[0] + tail
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn lane_sum_avx2<F: Real>(x: *const F, n: usize) -> F {
    lane_sum_body(x, n)
}

/// Float sum accumulated per 4096-element block in the element type, blocks in f64.
pub(crate) unsafe fn float_sum<F: Real>(x: *const F, n: usize) -> f64 {
    #[cfg(target_arch = "x86_64")]
    if F::DTYPE == crate::dtype::DType::F32 && super::simd::has_avx512() {
        return sum_f32_avx512(x as *const f32, n);
    }
    #[cfg(target_arch = "x86_64")]
    if F::DTYPE == crate::dtype::DType::F32 && has_avx2() {
        return sum_f32_avx2(x as *const f32, n);
    }
    let mut total = 0f64;
    let mut i = 0;
    while i < n {
        let m = BLOCK.min(n - i);
        #[cfg(target_arch = "x86_64")]
        let s = if has_avx2() { lane_sum_avx2(x.add(i), m) } else { lane_sum_body(x.add(i), m) };
        #[cfg(not(target_arch = "x86_64"))]
        let s = lane_sum_body(x.add(i), m);
        total += s.to_f64();
        i += m;
    }
    total
}

const BLOCK: usize = 4096;

/// The f32 sum with AVX-512: as the AVX2 version, with 16-lane registers.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn sum_f32_avx512(x: *const f32, n: usize) -> f64 {
    use std::arch::x86_64::*;
    let mut total = 0f64;
    let mut i = 0;
    while i < n {
        let m = BLOCK.min(n - i);
        let p = x.add(i);
        let (mut a0, mut a1, mut a2, mut a3) = (_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps());
        let (mut a4, mut a5, mut a6, mut a7) = (_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps());
        let full = m / 128;
        for c in 0..full {
            let q = p.add(c * 128);
            // Prefetch ~4 KiB ahead: a single core's sequential stream is limited by
            // misses in flight, and the hardware prefetcher alone keeps too few.
            for line in 0..8 {
                _mm_prefetch::<_MM_HINT_T0>(q.add(1024 + line * 16) as *const i8);
            }
            a0 = _mm512_add_ps(a0, _mm512_loadu_ps(q));
            a1 = _mm512_add_ps(a1, _mm512_loadu_ps(q.add(16)));
            a2 = _mm512_add_ps(a2, _mm512_loadu_ps(q.add(32)));
            a3 = _mm512_add_ps(a3, _mm512_loadu_ps(q.add(48)));
            a4 = _mm512_add_ps(a4, _mm512_loadu_ps(q.add(64)));
            a5 = _mm512_add_ps(a5, _mm512_loadu_ps(q.add(80)));
            a6 = _mm512_add_ps(a6, _mm512_loadu_ps(q.add(96)));
            a7 = _mm512_add_ps(a7, _mm512_loadu_ps(q.add(112)));
        }
        let v = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)), _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)));
        let mut s = _mm512_reduce_add_ps(v);
        for j in full * 128..m {
            s += *p.add(j);
        }
        total += s as f64;
        i += m;
    }
    total
}

/// The f32 sum written with intrinsics: eight independent 8-lane accumulators
/// hide the add latency so the loop runs at load bandwidth (the generic body
/// above leaves LLVM to discover this and it does not always).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn sum_f32_avx2(x: *const f32, n: usize) -> f64 {
    use std::arch::x86_64::*;
    let mut total = 0f64;
    let mut i = 0;
    while i < n {
        let m = BLOCK.min(n - i);
        let p = x.add(i);
        let (mut a0, mut a1, mut a2, mut a3) = (_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps());
        let (mut a4, mut a5, mut a6, mut a7) = (_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps());
        let full = m / 64;
        for c in 0..full {
            let q = p.add(c * 64);
            a0 = _mm256_add_ps(a0, _mm256_loadu_ps(q));
            a1 = _mm256_add_ps(a1, _mm256_loadu_ps(q.add(8)));
            a2 = _mm256_add_ps(a2, _mm256_loadu_ps(q.add(16)));
            a3 = _mm256_add_ps(a3, _mm256_loadu_ps(q.add(24)));
            a4 = _mm256_add_ps(a4, _mm256_loadu_ps(q.add(32)));
            a5 = _mm256_add_ps(a5, _mm256_loadu_ps(q.add(40)));
            a6 = _mm256_add_ps(a6, _mm256_loadu_ps(q.add(48)));
            a7 = _mm256_add_ps(a7, _mm256_loadu_ps(q.add(56)));
        }
        let v = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)), _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
        let mut lanes = [0f32; 8];
        _mm256_storeu_ps(lanes.as_mut_ptr(), v);
        let mut s = ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
        for j in full * 64..m {
            s += *p.add(j);
        }
        total += s as f64;
        i += m;
    }
    total
}

/// sum / mean over floats: output in the same float type.
pub struct FloatSum<F> {
    pub out: Out,
    pub mean: bool,
    _t: std::marker::PhantomData<F>,
}
impl<F> FloatSum<F> {
    pub fn new(out: Out, mean: bool) -> Self {
        FloatSum { out, mean, _t: std::marker::PhantomData }
    }
}
impl<F: Real> Reducer<F> for FloatSum<F> {
    type Acc = f64;
    unsafe fn chunk(&self, x: *const F, n: usize, _: usize) -> f64 {
        float_sum(x, n)
    }
    fn combine(&self, a: f64, b: f64) -> f64 {
        a + b
    }
    fn first(&self, v: F, _: usize) -> f64 {
        v.to_f64()
    }
    fn step(&self, acc: f64, v: F, _: usize) -> f64 {
        acc + v.to_f64()
    }
    unsafe fn finish(&self, acc: f64, r: usize, k: usize) {
        let v = if self.mean { acc / r as f64 } else { acc };
        self.out.put(k, F::from_f64(v));
    }
}

/// sum of integers/bools into int64 (wrapping, as PyTorch).
pub struct IntSum(pub Out);
impl<T: Element> Reducer<T> for IntSum {
    type Acc = i64;
    unsafe fn chunk(&self, x: *const T, n: usize, _: usize) -> i64 {
        (0..n).fold(0i64, |a, i| a.wrapping_add((*x.add(i)).to_i64()))
    }
    fn combine(&self, a: i64, b: i64) -> i64 {
        a.wrapping_add(b)
    }
    fn first(&self, v: T, _: usize) -> i64 {
        v.to_i64()
    }
    fn step(&self, acc: i64, v: T, _: usize) -> i64 {
        acc.wrapping_add(v.to_i64())
    }
    unsafe fn finish(&self, acc: i64, _: usize, k: usize) {
        self.0.put(k, acc);
    }
}

/// prod: floats multiply in f64, integers in wrapping int64; output type `O`.
pub struct Prod<O>(pub Out, pub std::marker::PhantomData<O>);
impl<T: Element, O: Element> Reducer<T> for Prod<O> {
    type Acc = (f64, i64);
    unsafe fn chunk(&self, x: *const T, n: usize, _: usize) -> (f64, i64) {
        if T::IS_FLOAT {
            ((0..n).fold(1f64, |a, i| a * (*x.add(i)).to_f64()), 0)
        } else {
            (0.0, (0..n).fold(1i64, |a, i| a.wrapping_mul((*x.add(i)).to_i64())))
        }
    }
    fn combine(&self, a: (f64, i64), b: (f64, i64)) -> (f64, i64) {
        (a.0 * b.0, a.1.wrapping_mul(b.1))
    }
    fn first(&self, v: T, _: usize) -> (f64, i64) {
        (v.to_f64(), v.to_i64())
    }
    fn step(&self, acc: (f64, i64), v: T, _: usize) -> (f64, i64) {
        (acc.0 * v.to_f64(), acc.1.wrapping_mul(v.to_i64()))
    }
    unsafe fn finish(&self, acc: (f64, i64), _: usize, k: usize) {
        let v = if T::IS_FLOAT { O::from_f64(acc.0) } else { O::from_i64(acc.1) };
        self.0.put(k, v);
    }
}

// ---- extrema -----------------------------------------------------------------

#[inline(always)]
#[allow(clippy::eq_op)]
fn is_nan<T: PartialEq>(v: T) -> bool {
    v != v
}

/// `a`, or `v` when `v` is beyond it or NaN. A NaN accumulator stays (every
/// comparison with it is false), so NaN propagates; written as a select, so
/// lane loops over it vectorise.
#[inline(always)]
fn pick<T: PartialOrd + Copy, const MAX: bool>(a: T, v: T) -> T {
    if (if MAX { v > a } else { v < a }) || is_nan(v) {
        v
    } else {
        a
    }
}

/// The extremum of `n >= 1` elements, in 32 independent lanes.
#[inline(always)]
unsafe fn extreme_body<T: Element, const MAX: bool>(x: *const T, n: usize) -> T {
    const L: usize = 32;
    let mut acc = [*x; L];
    let full = n / L;
    for c in 0..full {
        let p = x.add(c * L);
        for j in 0..L {
            acc[j] = pick::<T, MAX>(acc[j], *p.add(j));
        }
    }
    let mut best = acc[0];
    for a in acc.iter().skip(1) {
        best = pick::<T, MAX>(best, *a);
    }
    for i in full * L..n {
        best = pick::<T, MAX>(best, *x.add(i));
    }
    best
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn extreme_avx2<T: Element, const MAX: bool>(x: *const T, n: usize) -> T {
    extreme_body::<T, MAX>(x, n)
}

unsafe fn extreme<T: Element, const MAX: bool>(x: *const T, n: usize) -> T {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        return extreme_avx2::<T, MAX>(x, n);
    }
    extreme_body::<T, MAX>(x, n)
}

/// Index of the first element equal to `m` (the first NaN when `m` is NaN), one
/// of the `n` elements: whole blocks are tested without early exit (which would
/// stop vectorisation), then the hit block is searched.
unsafe fn first_index<T: Element>(x: *const T, n: usize, m: T) -> usize {
    const B: usize = 64;
    let nan = is_nan(m);
    let hit = |v: T| (v == m) | (nan & is_nan(v));
    let mut i = 0;
    while i < n {
        let e = (i + B).min(n);
        let mut any = false;
        for k in i..e {
            any |= hit(*x.add(k));
        }
        if any {
            return (i..e).find(|&k| hit(*x.add(k))).unwrap_or(i);
        }
        i = e;
    }
    0
}

/// `acc[j] = pick(acc[j], p[j])` for one row of the outer path.
#[inline(always)]
unsafe fn fold_extreme_body<T: Element, const MAX: bool>(acc: &mut [T], p: *const T) {
    for (j, a) in acc.iter_mut().enumerate() {
        *a = pick::<T, MAX>(*a, *p.add(j));
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn fold_extreme_avx2<T: Element, const MAX: bool>(acc: &mut [T], p: *const T) {
    fold_extreme_body::<T, MAX>(acc, p)
}

unsafe fn fold_extreme<T: Element, const MAX: bool>(acc: &mut [T], p: *const T) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        return fold_extreme_avx2::<T, MAX>(acc, p);
    }
    fold_extreme_body::<T, MAX>(acc, p)
}

/// amax / amin / max(dim) / min(dim) / argmax / argmin. NaN wins (propagates),
/// ties keep the first index. Writes values and/or indices.
pub struct Extremum {
    pub max: bool,
    pub values: Option<Out>,
    pub indices: Option<Out>,
}
impl<T: Element> Reducer<T> for Extremum {
    type Acc = (T, usize);
    /// The value in lanes, then (when indices are wanted) its first position:
    /// two passes over a cache-resident run beat one pass that carries indices.
    unsafe fn chunk(&self, x: *const T, n: usize, first: usize) -> (T, usize) {
        let m = if self.max { extreme::<T, true>(x, n) } else { extreme::<T, false>(x, n) };
        if self.indices.is_none() {
            return (m, first);
        }
        let i = first_index(x, n, m);
        (*x.add(i), first + i)
    }
    fn combine(&self, a: (T, usize), b: (T, usize)) -> (T, usize) {
        if is_nan(a.0) {
            a
        } else if is_nan(b.0) || (self.max && b.0 > a.0) || (!self.max && b.0 < a.0) {
            b
        } else {
            a
        }
    }
    fn first(&self, v: T, i: usize) -> (T, usize) {
        (v, i)
    }
    fn step(&self, acc: (T, usize), v: T, i: usize) -> (T, usize) {
        self.combine(acc, (v, i))
    }
    unsafe fn finish(&self, acc: (T, usize), _: usize, k: usize) {
        if let Some(v) = self.values {
            v.put(k, acc.0);
        }
        if let Some(i) = self.indices {
            i.put(k, acc.1 as i64);
        }
    }
    /// Values only (amax/amin): whole rows folded lane-wise.
    unsafe fn outer_block(&self, row: &dyn Fn(usize) -> *const T, r: usize, c0: usize, c1: usize) -> bool {
        let (Some(out), None) = (self.values, self.indices) else { return false };
        let mut acc: Vec<T> = std::slice::from_raw_parts(row(0), c1 - c0).to_vec();
        for i in 1..r {
            if self.max {
                fold_extreme::<T, true>(&mut acc, row(i));
            } else {
                fold_extreme::<T, false>(&mut acc, row(i));
            }
        }
        for (j, v) in acc.into_iter().enumerate() {
            out.put(c0 + j, v);
        }
        true
    }
}

/// Counts nonzero elements; all / any / count_nonzero read the count.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum CountMode {
    All,
    Any,
    Count,
}
pub struct Count(pub Out, pub CountMode);
impl<T: Element> Reducer<T> for Count {
    type Acc = usize;
    unsafe fn chunk(&self, x: *const T, n: usize, _: usize) -> usize {
        (0..n).filter(|&i| (*x.add(i)).is_nonzero()).count()
    }
    fn combine(&self, a: usize, b: usize) -> usize {
        a + b
    }
    fn first(&self, v: T, _: usize) -> usize {
        v.is_nonzero() as usize
    }
    fn step(&self, acc: usize, v: T, _: usize) -> usize {
        acc + v.is_nonzero() as usize
    }
    unsafe fn finish(&self, acc: usize, r: usize, k: usize) {
        match self.1 {
            CountMode::All => self.0.put(k, crate::element::Bool((acc == r) as u8)),
            CountMode::Any => self.0.put(k, crate::element::Bool((acc > 0) as u8)),
            CountMode::Count => self.0.put(k, acc as i64),
        }
    }
}

#[cfg(test)]
#[path = "reduce_tests.rs"]
mod tests;
