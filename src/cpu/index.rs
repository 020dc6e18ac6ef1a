//! The index family on the CPU: gather, scatter (assignment and torch's `scatter_reduce`
//! reductions) and nonzero. Inputs are read through their own strides; callers
//! (`compute::index`) validate shapes, dtypes and index bounds before anything runs, so
//! the kernels only ever see positions inside their tensors.
//!
//! gather and scatter walk the index tensor with `iter::for_each`, the indexed tensor seen as a
//! view whose stride along `dim` is zero (its pointer names position 0 along `dim`; the index
//! value adds `idx * stride`). scatter walks *rows* (every dim but `dim`) in parallel and each
//! row's positions along `dim` in order on one thread: two index elements can only name the
//! same output element when they share a row, so rows write disjoint outputs (no races) and
//! duplicates resolve as a sequential loop would (the last assignment wins).

use super::iter::{for_each, GRAIN};
use crate::compute::index::ScatterReduce;
use crate::dispatch_all;
use crate::element::{Bool, Element};
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::tensor::Tensor;
use half::{bf16, f16};
use rayon::prelude::*;
use std::sync::atomic::{AtomicI64, Ordering};

/// (min, max) of a non-empty int64 tensor (any strides).
pub fn index_range(index: &Tensor) -> Result<(i64, i64)> {
    let lo = AtomicI64::new(i64::MAX);
    let hi = AtomicI64::new(i64::MIN);
    let (ptr, st) = (index.ptr()?, index.byte_strides());
    // SAFETY: the index layout was validated against its storage; nothing is written.
    unsafe {
        for_each(index.shape(), [ptr], [&st], GRAIN, |p, s, n| {
            let (mut a, mut b) = (i64::MAX, i64::MIN);
            for i in 0..n as isize {
                let v = *(p[0].byte_offset(i * s[0]) as *const i64);
                a = a.min(v);
                b = b.max(v);
            }
            lo.fetch_min(a, Ordering::Relaxed);
            hi.fetch_max(b, Ordering::Relaxed);
        });
    }
    Ok((lo.into_inner(), hi.into_inner()))
}

/// `t`'s layout restricted to `shape` (each dim no larger than t's), its stride along `dim`
/// zeroed: the element at a position with coordinate 0 along `dim`.
pub fn base_view(t: &Tensor, shape: &[usize], dim: usize) -> Tensor {
    let mut strides = t.layout.strides.clone();
    strides[dim] = 0;
    t.with_layout(Layout { shape: shape.into(), strides, offset: t.layout.offset })
}

/// Copies one element of `size` bytes.
///
/// # Safety
/// Both pointers must address `size` valid bytes.
#[inline(always)]
unsafe fn copy_elem(dst: *mut u8, src: *const u8, size: usize) {
    match size {
        1 => *dst = *src,
        2 => *(dst as *mut u16) = (src as *const u16).read_unaligned(),
        4 => *(dst as *mut u32) = (src as *const u32).read_unaligned(),
        _ => *(dst as *mut u64) = (src as *const u64).read_unaligned(),
    }
}

/// `out[p] = x[p with coordinate index[p] along dim]`; `out` contiguous of index's shape,
/// indices already checked to lie in `[0, x.size(dim))`.
pub fn gather(x: &Tensor, dim: usize, index: &Tensor, out: &Tensor) -> Result<()> {
    let size = x.dtype.size();
    let step = x.layout.strides[dim] * size as isize;
    let xb = base_view(x, index.shape(), dim);
    let (ptrs, st) = super::operands([out, index, &xb])?;
    // SAFETY: out is fresh and contiguous; index and the x view stay inside their storages
    // for every position of index's shape (index.size(d) <= x.size(d) for d != dim), and each
    // index value was checked to be a valid position along dim.
    unsafe {
        for_each(index.shape(), ptrs, [&st[0], &st[1], &st[2]], GRAIN, |p, s, n| {
            for i in 0..n as isize {
                let idx = *(p[1].byte_offset(i * s[1]) as *const i64) as isize;
                copy_elem(p[0].byte_offset(i * s[0]), p[2].byte_offset(i * s[2] + idx * step), size);
            }
        });
    }
    Ok(())
}

/// Element arithmetic of the scatter reductions, with PyTorch's semantics: integers wrap,
/// NaN propagates through amax/amin, half types compute in f32 and round every step, bool
/// sums are `or` and products `and`.
pub trait ScatterElem: Element {
    fn add_with(self, o: Self) -> Self;
    fn mul_with(self, o: Self) -> Self;
    fn max_with(self, o: Self) -> Self;
    fn min_with(self, o: Self) -> Self;
    /// Division of a mean's sum by its count (floor division for integers).
    fn div_count(self, c: u32) -> Self;
    fn lowest() -> Self;
    fn highest() -> Self;
}

macro_rules! int_scatter {
    ($($t:ty),*) => {$(
        impl ScatterElem for $t {
            fn add_with(self, o: Self) -> Self { self.wrapping_add(o) }
            fn mul_with(self, o: Self) -> Self { self.wrapping_mul(o) }
            fn max_with(self, o: Self) -> Self { Ord::max(self, o) }
            fn min_with(self, o: Self) -> Self { Ord::min(self, o) }
            fn div_count(self, c: u32) -> Self { (self as i64).div_euclid(c as i64) as $t }
            fn lowest() -> Self { <$t>::MIN }
            fn highest() -> Self { <$t>::MAX }
        }
    )*};
}
int_scatter!(u8, i8, i16, i32, i64);

macro_rules! float_scatter {
    ($t:ty, $c:ty, $up:path, $down:path) => {
        impl ScatterElem for $t {
            fn add_with(self, o: Self) -> Self { $down($up(self) + $up(o)) }
            fn mul_with(self, o: Self) -> Self { $down($up(self) * $up(o)) }
            // PyTorch: `isnan(src) ? src : std::max(self, src)`, so NaN wins from either side.
            fn max_with(self, o: Self) -> Self { if $up(o).is_nan() || $up(o) > $up(self) { o } else { self } }
            fn min_with(self, o: Self) -> Self { if $up(o).is_nan() || $up(o) < $up(self) { o } else { self } }
            fn div_count(self, c: u32) -> Self { $down($up(self) / c as $c) }
            fn lowest() -> Self { $down(<$c>::NEG_INFINITY) }
            fn highest() -> Self { $down(<$c>::INFINITY) }
        }
    };
}
float_scatter!(f32, f32, std::convert::identity, std::convert::identity);
float_scatter!(f64, f64, std::convert::identity, std::convert::identity);
float_scatter!(f16, f32, f16::to_f32, f16::from_f32);
float_scatter!(bf16, f32, bf16::to_f32, bf16::from_f32);

impl ScatterElem for Bool {
    fn add_with(self, o: Self) -> Self { Bool(self.0 | o.0) }
    fn mul_with(self, o: Self) -> Self { Bool(self.0 & o.0) }
    fn max_with(self, o: Self) -> Self { Bool(self.0 | o.0) }
    fn min_with(self, o: Self) -> Self { Bool(self.0 & o.0) }
    fn div_count(self, _c: u32) -> Self { self }
    fn lowest() -> Self { Bool(0) }
    fn highest() -> Self { Bool(1) }
}

/// The value `include_self=False` starts a reduced element from.
fn identity<T: ScatterElem>(op: ScatterReduce) -> T {
    match op {
        ScatterReduce::Prod => T::from_i64(1),
        ScatterReduce::Amax => T::lowest(),
        ScatterReduce::Amin => T::highest(),
        _ => T::from_i64(0),
    }
}

fn combine<T: ScatterElem>(op: ScatterReduce, a: T, b: T) -> T {
    match op {
        ScatterReduce::None => b,
        ScatterReduce::Sum | ScatterReduce::Mean => a.add_with(b),
        ScatterReduce::Prod => a.mul_with(b),
        ScatterReduce::Amax => a.max_with(b),
        ScatterReduce::Amin => a.min_with(b),
    }
}

/// The rows of a scatter: index's shape without `dim` (a 1-element shape when that is all).
struct Rows {
    shape: Vec<usize>,
    /// Byte strides along the rows of out, index and src, then their byte strides along dim.
    strides: [Vec<isize>; 3],
    along: [isize; 3],
    len: usize,
}

fn rows(out: &Tensor, index: &Tensor, src: &Tensor, dim: usize) -> Rows {
    let drop = |t: &Tensor| -> Vec<isize> {
        t.byte_strides().iter().enumerate().filter(|&(d, _)| d != dim).map(|(_, &s)| s).collect()
    };
    let shape: Vec<usize> = index.shape().iter().enumerate().filter(|&(d, _)| d != dim).map(|(_, &s)| s).collect();
    Rows {
        shape,
        strides: [drop(out), drop(index), drop(src)],
        along: [out.byte_strides()[dim], index.byte_strides()[dim], src.byte_strides()[dim]],
        len: index.shape()[dim],
    }
}

/// `out[.., index[p], ..] op= src[p]` in place; `src` is out's dtype (a broadcast view of a
/// number is fine) and covers index's shape; indices already checked against out.size(dim).
pub fn scatter(out: &Tensor, dim: usize, index: &Tensor, src: &Tensor, op: ScatterReduce, include_self: bool) -> Result<()> {
    if op == ScatterReduce::None {
        return scatter_assign(out, dim, index, src);
    }
    dispatch_all!(out.dtype, T => scatter_reduce::<T>(out, dim, index, src, op, include_self))
}

fn scatter_assign(out: &Tensor, dim: usize, index: &Tensor, src: &Tensor) -> Result<()> {
    let r = rows(out, index, src, dim);
    let size = out.dtype.size();
    let ptrs = [out.ptr()?, index.ptr()?, src.ptr()?];
    let [so, si, ss] = r.along;
    // SAFETY: rows write disjoint elements of out (out does not overlap itself and rows differ
    // in a coordinate other than dim); every index value was checked against out.size(dim);
    // index and src cover index's shape.
    unsafe {
        for_each(&r.shape, ptrs, [&r.strides[0], &r.strides[1], &r.strides[2]], (GRAIN / r.len.max(1)).max(1), |p, s, n| {
            for i in 0..n as isize {
                let (o, x, v) = (p[0].byte_offset(i * s[0]), p[1].byte_offset(i * s[1]), p[2].byte_offset(i * s[2]));
                for k in 0..r.len as isize {
                    let idx = *(x.byte_offset(k * si) as *const i64) as isize;
                    copy_elem(o.byte_offset(idx * so), v.byte_offset(k * ss), size);
                }
            }
        });
    }
    Ok(())
}

fn scatter_reduce<T: ScatterElem>(out: &Tensor, dim: usize, index: &Tensor, src: &Tensor, op: ScatterReduce, include_self: bool) -> Result<()> {
    let r = rows(out, index, src, dim);
    let ptrs = [out.ptr()?, index.ptr()?, src.ptr()?];
    let [so, si, ss] = r.along;
    let (mean, positions) = (op == ScatterReduce::Mean, out.shape()[dim]);
    // SAFETY: as in scatter_assign.
    unsafe {
        for_each(&r.shape, ptrs, [&r.strides[0], &r.strides[1], &r.strides[2]], (GRAIN / r.len.max(1)).max(1), |p, s, n| {
            // Per-row counts of a mean, by position along dim (zeroed again after each row).
            let mut counts = if mean { vec![0u32; positions] } else { vec![] };
            for i in 0..n as isize {
                let (o, x, v) = (p[0].byte_offset(i * s[0]), p[1].byte_offset(i * s[1]), p[2].byte_offset(i * s[2]));
                let idx = |k: usize| *(x.byte_offset(k as isize * si) as *const i64) as usize;
                let at = |j: usize| o.byte_offset(j as isize * so) as *mut T;
                if !include_self {
                    for k in 0..r.len {
                        *at(idx(k)) = identity::<T>(op);
                    }
                }
                for k in 0..r.len {
                    let j = idx(k);
                    *at(j) = combine(op, *at(j), *(v.byte_offset(k as isize * ss) as *const T));
                    if mean {
                        counts[j] += 1;
                    }
                }
                if mean {
                    for k in 0..r.len {
                        let j = idx(k);
                        if counts[j] > 0 {
                            *at(j) = (*at(j)).div_count(counts[j] + include_self as u32);
                            counts[j] = 0;
                        }
                    }
                }
            }
        });
    }
    Ok(())
}

/// Elements per nonzero task.
const NZ_CHUNK: usize = 64 * 1024;

/// Row-major coordinates of the non-zero elements of `x` (contiguous), as `[n, ndim]` int64.
pub fn nonzero(x: &Tensor) -> Result<Tensor> {
    dispatch_all!(x.dtype, T => nonzero_typed::<T>(x))
}

fn nonzero_typed<T: Element>(x: &Tensor) -> Result<Tensor> {
    let x = x.contiguous()?;
    let (numel, shape) = (x.numel(), x.shape().to_vec());
    let nd = shape.len();
    let base = x.ptr()? as usize;
    let chunks = numel.div_ceil(NZ_CHUNK);
    let range = |c: usize| (c * NZ_CHUNK, ((c + 1) * NZ_CHUNK).min(numel));
    // SAFETY (both passes): x is contiguous with `numel` elements of T.
    let elem = |i: usize| unsafe { *(base as *const T).add(i) };
    let counts: Vec<usize> = (0..chunks)
        .into_par_iter()
        .map(|c| {
            let (a, b) = range(c);
            (a..b).filter(|&i| elem(i).is_nonzero()).count()
        })
        .collect();
    let mut offsets = Vec::with_capacity(chunks);
    let mut total = 0usize;
    for c in &counts {
        offsets.push(total);
        total += c;
    }
    let out = Tensor::empty(&[total, nd], crate::dtype::DType::I64, crate::storage::Device::Cpu)?;
    if total == 0 || nd == 0 {
        return Ok(out);
    }
    let o = out.ptr()? as usize;
    (0..chunks).into_par_iter().for_each(|c| {
        let (a, b) = range(c);
        // Coordinates of element `a`, then stepped like an odometer.
        let mut coord = vec![0usize; nd];
        let mut rem = a;
        for d in (0..nd).rev() {
            coord[d] = rem % shape[d];
            rem /= shape[d];
        }
        let mut row = offsets[c];
        for i in a..b {
            if elem(i).is_nonzero() {
                for (d, &v) in coord.iter().enumerate() {
                    // SAFETY: chunk c owns rows offsets[c] .. offsets[c] + counts[c] of out.
                    unsafe { *(o as *mut i64).add(row * nd + d) = v as i64 };
                }
                row += 1;
            }
            let mut d = nd;
            while d > 0 {
                d -= 1;
                coord[d] += 1;
                if coord[d] < shape[d] {
                    break;
                }
                coord[d] = 0;
            }
        }
    });
    Ok(out)
}

/// The error for an index outside `[0, size)` along `dim`, worded as PyTorch's gather and scatter
/// word it (a RuntimeError, where the index ops built on them raise IndexError themselves).
pub fn out_of_bounds(value: i64, dim: usize, size: usize) -> Error {
    Error::Runtime(format!("index {value} is out of bounds for dimension {dim} with size {size}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtype::DType;

    #[test]
    fn gather_scatter_and_nonzero_on_small_tensors() {
        let x = Tensor::from_slice(&[1f32, 2., 3., 4., 5., 6.], &[2, 3]).unwrap();
        let idx = Tensor::from_slice(&[2i64, 0, 1, 1], &[2, 2]).unwrap();
        let out = Tensor::empty(&[2, 2], DType::F32, crate::storage::Device::Cpu).unwrap();
        gather(&x, 1, &idx, &out).unwrap();
        assert_eq!(out.to_vec::<f32>().unwrap(), vec![3., 1., 5., 5.]);
        let dst = Tensor::from_slice(&[0f32; 6], &[2, 3]).unwrap();
        let src = Tensor::from_slice(&[1f32, 2., 3., 4.], &[2, 2]).unwrap();
        scatter(&dst, 1, &idx, &src, ScatterReduce::Sum, true).unwrap();
        assert_eq!(dst.to_vec::<f32>().unwrap(), vec![2., 0., 1., 0., 7., 0.]);
        scatter(&dst, 1, &idx, &src, ScatterReduce::Mean, false).unwrap();
        assert_eq!(dst.to_vec::<f32>().unwrap(), vec![2., 0., 1., 0., 3.5, 0.]);
        let nz = nonzero(&dst).unwrap();
        assert_eq!((nz.shape().to_vec(), nz.to_vec::<i64>().unwrap()), (vec![3, 2], vec![0, 0, 0, 2, 1, 1]));
        assert_eq!(index_range(&idx).unwrap(), (0, 2));
    }
}
