//! Sorting and searching on the CPU: sort, topk, kthvalue (selection) and searchsorted over
//! the rows of contiguous tensors (the compute layer moves the sorted dim last).
//!
//! Every element becomes an unsigned key whose integer order is PyTorch's order of the values:
//! floats by their bits (negatives inverted, -0.0 equal to 0.0, every NaN one key above +inf,
//! as PyTorch sorts NaN last), signed integers with the sign bit flipped. Each key is packed
//! with its index along the row into one integer (key high, index low), so one plain integer
//! sort orders by value and breaks ties by position: the result is the stable order PyTorch's
//! `stable=True` gives, whatever algorithm sorts it; a descending sort inverts the keys, not
//! the index, so equal values keep their order there too. The wgpu kernels build the same keys
//! (`shaders/sort.wgsl`), so both devices give the same indices.

use super::iter::GRAIN;
use crate::dtype::DType;
use crate::element::{Bool, Element};
use crate::error::{Error, Result};
use crate::tensor::Tensor;
use half::{bf16, f16};
use rayon::prelude::*;

/// An element's sort key: unsigned, ordered as PyTorch orders the values.
pub trait SortKey: Element {
    /// Keys need more than 32 bits (8-byte dtypes).
    const WIDE: bool;
    /// NaN's key for float types (every NaN has this one), else None.
    const NAN: Option<u64>;
    fn key(self) -> u64;
}

#[inline(always)]
fn key32(bits: u32) -> u64 {
    let k = if (bits & 0x7fff_ffff) > 0x7f80_0000 {
        u32::MAX // NaN: above +inf
    } else if bits == 0x8000_0000 {
        0x8000_0000 // -0.0 as +0.0
    } else if bits & 0x8000_0000 != 0 {
        !bits
    } else {
        bits | 0x8000_0000
    };
    k as u64
}

#[inline(always)]
fn key64(bits: u64) -> u64 {
    const SIGN: u64 = 1 << 63;
    if (bits & !SIGN) > 0x7ff0_0000_0000_0000 {
        u64::MAX
    } else if bits == SIGN {
        SIGN
    } else if bits & SIGN != 0 {
        !bits
    } else {
        bits | SIGN
    }
}

macro_rules! float_key {
    ($t:ty, $wide:expr, $nan:expr, |$v:ident| $e:expr) => {
        impl SortKey for $t {
            const WIDE: bool = $wide;
            const NAN: Option<u64> = Some($nan);
            #[inline(always)]
            fn key(self) -> u64 {
                let $v = self;
                $e
            }
        }
    };
}
float_key!(f32, false, u32::MAX as u64, |v| key32(v.to_bits()));
float_key!(f16, false, u32::MAX as u64, |v| key32(v.to_f32().to_bits()));
float_key!(bf16, false, u32::MAX as u64, |v| key32(v.to_f32().to_bits()));
float_key!(f64, true, u64::MAX, |v| key64(v.to_bits()));

macro_rules! int_key {
    ($t:ty, $wide:expr, |$v:ident| $e:expr) => {
        impl SortKey for $t {
            const WIDE: bool = $wide;
            const NAN: Option<u64> = None;
            #[inline(always)]
            fn key(self) -> u64 {
                let $v = self;
                $e
            }
        }
    };
}
int_key!(i64, true, |v| (v as u64) ^ (1 << 63));
int_key!(i32, false, |v| ((v as u32) ^ 0x8000_0000) as u64);
int_key!(i16, false, |v| ((v as i32 as u32) ^ 0x8000_0000) as u64);
int_key!(i8, false, |v| ((v as i32 as u32) ^ 0x8000_0000) as u64);
int_key!(u8, false, |v| v as u64);
int_key!(Bool, false, |v| v.0 as u64);

/// (key, index) packed into one integer: u64 for 32-bit keys, u128 for 64-bit ones.
trait Packed: Copy + Ord + Send + Sync {
    fn pack(key: u64, i: usize) -> Self;
    fn index(self) -> usize;
}
impl Packed for u64 {
    #[inline(always)]
    fn pack(key: u64, i: usize) -> u64 {
        (key << 32) | i as u64
    }
    #[inline(always)]
    fn index(self) -> usize {
        (self & 0xffff_ffff) as usize
    }
}
impl Packed for u128 {
    #[inline(always)]
    fn pack(key: u64, i: usize) -> u128 {
        ((key as u128) << 64) | i as u128
    }
    #[inline(always)]
    fn index(self) -> usize {
        self as u64 as usize
    }
}

/// The packed (key, index) pairs of one row; `invert` orders them largest first.
fn packed<T: SortKey, P: Packed>(row: &[T], invert: bool) -> Vec<P> {
    let mask = if T::WIDE { u64::MAX } else { u32::MAX as u64 };
    row.iter().enumerate().map(|(i, v)| P::pack(if invert { !v.key() & mask } else { v.key() }, i)).collect()
}

/// What a row operation produces: the first `k` of the row's order (all, for sort), sorted.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Select {
    /// The whole row, sorted.
    All,
    /// The first k in order, sorted (topk).
    First(usize),
    /// Only the k-th (1-based) in order (kthvalue).
    Kth(usize),
}

/// The `k` first (smallest packed) entries of `row[start..]`, ascending, without packing the whole
/// row: a bounded max-heap that most elements leave after one comparison with its top.
fn first_k<T: SortKey, P: Packed>(row: &[T], start: usize, invert: bool, k: usize) -> Vec<P> {
    let mask = if T::WIDE { u64::MAX } else { u32::MAX as u64 };
    let mut heap = std::collections::BinaryHeap::with_capacity(k + 1);
    for (j, v) in row.iter().enumerate() {
        let key = if invert { !v.key() & mask } else { v.key() };
        let p = P::pack(key, start + j);
        if heap.len() < k {
            heap.push(p);
        } else if heap.peek().is_some_and(|top| p < *top) {
            heap.pop();
            heap.push(p);
        }
    }
    heap.into_sorted_vec()
}

/// topk of a long row by chunks in parallel (each chunk's first k, then the first k of those).
fn topk_row<T: SortKey, P: Packed>(row: &[T], invert: bool, k: usize, par: bool) -> Vec<P> {
    const CHUNK: usize = 1 << 16;
    if !par || row.len() <= CHUNK {
        return first_k::<T, P>(row, 0, invert, k);
    }
    let mut all: Vec<P> = row
        .par_chunks(CHUNK)
        .enumerate()
        .flat_map_iter(|(c, chunk)| first_k::<T, P>(chunk, c * CHUNK, invert, k))
        .collect();
    all.sort_unstable();
    all.truncate(k);
    all
}

/// One row: writes its selected values and indices (`vals.len()` of them).
fn row_select<T: SortKey, P: Packed>(row: &[T], invert: bool, sel: Select, vals: &mut [T], idx: &mut [i64], par: bool) {
    if let Select::First(k) = sel {
        // A few of many: a bounded heap per chunk (no copy of the row's keys, no full selection).
        if k > 0 && k * 64 <= row.len() {
            let picked = topk_row::<T, P>(row, invert, k, par || row.len() >= 4 * GRAIN);
            for ((p, v), ix) in picked.iter().zip(vals.iter_mut()).zip(idx.iter_mut()) {
                let i = p.index();
                *v = row[i];
                *ix = i as i64;
            }
            return;
        }
    }
    let mut buf = packed::<T, P>(row, invert);
    let picked: &[P] = match sel {
        Select::All => {
            if par {
                buf.par_sort_unstable();
            } else {
                buf.sort_unstable();
            }
            &buf
        }
        Select::First(k) => {
            if k < buf.len() && k > 0 {
                buf.select_nth_unstable(k - 1);
            }
            let head = &mut buf[..k];
            head.sort_unstable();
            head
        }
        Select::Kth(k) => {
            buf.select_nth_unstable(k - 1);
            &buf[k - 1..k]
        }
    };
    for ((p, v), ix) in picked.iter().zip(vals.iter_mut()).zip(idx.iter_mut()) {
        let i = p.index();
        *v = row[i];
        *ix = i as i64;
    }
}

fn rows_typed<T: SortKey>(x: &Tensor, invert: bool, sel: Select, vals: &Tensor, idx: &Tensor) -> Result<()> {
    let n = *x.shape().last().unwrap_or(&1);
    let rows = x.numel().checked_div(n).unwrap_or(0);
    let m = match sel {
        Select::All => n,
        Select::First(k) => k,
        Select::Kth(_) => 1,
    };
    if rows == 0 || m == 0 {
        return Ok(());
    }
    // SAFETY: x is contiguous (checked by the caller) with rows * n elements from its pointer;
    // vals and idx are fresh contiguous tensors of rows * m elements of their dtypes.
    let (src, dv, di) = unsafe {
        (
            std::slice::from_raw_parts(x.ptr()? as *const T, rows * n),
            std::slice::from_raw_parts_mut(vals.ptr()? as *mut T, rows * m),
            std::slice::from_raw_parts_mut(idx.ptr()? as *mut i64, rows * m),
        )
    };
    // Keys of 32 bits pack with a 32-bit index; longer rows and 64-bit keys take u128.
    let wide = T::WIDE || n > u32::MAX as usize;
    let one = |(r, (v, i)): (usize, (&mut [T], &mut [i64]))| {
        let row = &src[r * n..(r + 1) * n];
        let par = rows == 1 && n >= 4 * GRAIN;
        if wide {
            row_select::<T, u128>(row, invert, sel, v, i, par)
        } else {
            row_select::<T, u64>(row, invert, sel, v, i, par)
        }
    };
    if rows > 1 && rows * n >= GRAIN {
        dv.par_chunks_mut(m).zip(di.par_chunks_mut(m)).enumerate().with_min_len((GRAIN / n).max(1)).for_each(one);
    } else {
        dv.chunks_mut(m).zip(di.chunks_mut(m)).enumerate().for_each(one);
    }
    Ok(())
}

fn check(x: &Tensor, vals: &Tensor, idx: &Tensor) -> Result<()> {
    if !x.is_contiguous() || !vals.is_contiguous() || !idx.is_contiguous() || vals.dtype != x.dtype || idx.dtype != DType::I64 {
        return Err(Error::runtime("sort: contiguous input and outputs expected"));
    }
    Ok(())
}

/// Sorts each row (the last dim) of contiguous `x` into `vals` / `idx` (contiguous, x's shape):
/// ascending, or descending with `descending`; equal values keep their order (stable).
pub fn sort(x: &Tensor, descending: bool, vals: &Tensor, idx: &Tensor) -> Result<()> {
    check(x, vals, idx)?;
    crate::dispatch_all!(x.dtype, T => rows_typed::<T>(x, descending, Select::All, vals, idx))
}

/// The `k` largest (or smallest) of each row of contiguous `x`, in order, into `vals` / `idx`
/// of shape [.., k]: a selection (O(n)) then a sort of the k.
pub fn topk(x: &Tensor, k: usize, largest: bool, vals: &Tensor, idx: &Tensor) -> Result<()> {
    check(x, vals, idx)?;
    crate::dispatch_all!(x.dtype, T => rows_typed::<T>(x, largest, Select::First(k), vals, idx))
}

/// The `k`-th smallest (1-based, 1 <= k <= n) of each row of contiguous `x` into `vals` / `idx`
/// of shape [.., 1]: a selection, no sort.
pub fn kthvalue(x: &Tensor, k: usize, vals: &Tensor, idx: &Tensor) -> Result<()> {
    check(x, vals, idx)?;
    crate::dispatch_all!(x.dtype, T => rows_typed::<T>(x, false, Select::Kth(k), vals, idx))
}

/// The insertion point of `v` in the ascending `row`: the first position whose element is not
/// below `v` (`right`: not at most `v`), with PyTorch's comparisons (`!(row[mid] >= v)` moves
/// right, so a NaN on either side moves right; keys order everything else).
#[inline]
pub fn bound(row: &[u64], v: u64, nan: Option<u64>, right: bool) -> usize {
    let is_nan = |k: u64| nan == Some(k);
    let (mut lo, mut hi) = (0usize, row.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let m = row[mid];
        let go_right = is_nan(m) || is_nan(v) || if right { m <= v } else { m < v };
        if go_right {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

fn search_typed<T: SortKey>(seq: &Tensor, values: &Tensor, right: bool, out: &Tensor) -> Result<()> {
    let n = *seq.shape().last().unwrap_or(&1);
    let (nv, rows) = (values.numel(), seq.numel() / n.max(1));
    if nv == 0 {
        return Ok(());
    }
    // Values per row of the sequence (all of them for a 1-D sequence).
    let per = if rows <= 1 { nv } else { nv / rows };
    // SAFETY: both inputs are contiguous with their numel elements from their pointers.
    let (s, v) = unsafe {
        (std::slice::from_raw_parts(seq.ptr()? as *const T, seq.numel()), std::slice::from_raw_parts(values.ptr()? as *const T, nv))
    };
    let keys: Vec<u64> = s.iter().map(|e| e.key()).collect();
    let pos = |j: usize| {
        let r = j / per.max(1);
        bound(&keys[r * n..(r + 1) * n], v[j].key(), T::NAN, right)
    };
    let write = |dst: &mut [i64]| dst.par_iter_mut().with_min_len(GRAIN / 8).enumerate().for_each(|(j, o)| *o = pos(j) as i64);
    match out.dtype {
        DType::I64 => {
            // SAFETY: out is a fresh contiguous tensor of nv elements of its dtype.
            write(unsafe { std::slice::from_raw_parts_mut(out.ptr()? as *mut i64, nv) });
        }
        DType::I32 => {
            let dst = unsafe { std::slice::from_raw_parts_mut(out.ptr()? as *mut i32, nv) };
            dst.par_iter_mut().with_min_len(GRAIN / 8).enumerate().for_each(|(j, o)| *o = pos(j) as i32);
        }
        d => return Err(Error::DTypeUnsupported { op: "searchsorted", dtype: d }),
    }
    Ok(())
}

/// `out[j]` = the insertion point of `values[j]` in its row of the ascending `seq` (contiguous,
/// one dtype): the row is `j / (values per row)` for a batched `seq`, the only row for a 1-D one.
pub fn searchsorted(seq: &Tensor, values: &Tensor, right: bool, out: &Tensor) -> Result<()> {
    if !seq.is_contiguous() || !values.is_contiguous() || !out.is_contiguous() || seq.dtype != values.dtype {
        return Err(Error::runtime("searchsorted: contiguous inputs of one dtype expected"));
    }
    crate::dispatch_all!(seq.dtype, T => search_typed::<T>(seq, values, right, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_order_like_torch() {
        let xs = [f32::NEG_INFINITY, -2.5, -0.0, 0.0, 1e-45, 3.0, f32::INFINITY, f32::NAN, -f32::NAN];
        let k: Vec<u64> = xs.iter().map(|v| v.key()).collect();
        assert!(k[0] < k[1] && k[1] < k[2] && k[2] == k[3] && k[3] < k[4] && k[5] < k[6] && k[6] < k[7]);
        assert_eq!(k[7], k[8]);
        assert_eq!(Some(k[7]), <f32 as SortKey>::NAN);
        let ints = [i64::MIN, -1, 0, 1, i64::MAX];
        assert!(ints.windows(2).all(|w| w[0].key() < w[1].key()));
        assert!((-1i8).key() < 0i8.key() && 0u8.key() < 255u8.key());
    }

    #[test]
    fn sort_is_stable_and_selects() {
        let x = Tensor::from_slice(&[3.0f32, f32::NAN, 1.0, -0.0, 0.0, 1.0], &[6]).unwrap();
        let (v, i) = (Tensor::empty(&[6], DType::F32, x.device()).unwrap(), Tensor::empty(&[6], DType::I64, x.device()).unwrap());
        sort(&x, false, &v, &i).unwrap();
        assert_eq!(i.to_vec::<i64>().unwrap(), vec![3, 4, 2, 5, 0, 1]);
        sort(&x, true, &v, &i).unwrap();
        assert_eq!(i.to_vec::<i64>().unwrap(), vec![1, 0, 2, 5, 3, 4]);
        let (v2, i2) = (Tensor::empty(&[2], DType::F32, x.device()).unwrap(), Tensor::empty(&[2], DType::I64, x.device()).unwrap());
        topk(&x, 2, false, &v2, &i2).unwrap();
        assert_eq!(i2.to_vec::<i64>().unwrap(), vec![3, 4]);
        let (v1, i1) = (Tensor::empty(&[1], DType::F32, x.device()).unwrap(), Tensor::empty(&[1], DType::I64, x.device()).unwrap());
        kthvalue(&x, 4, &v1, &i1).unwrap();
        assert_eq!((v1.to_vec::<f32>().unwrap()[0], i1.to_vec::<i64>().unwrap()[0]), (1.0, 5));
    }

    #[test]
    fn topk_of_long_rows_by_chunks_matches_a_full_sort() {
        let n = 300_000usize;
        let vals: Vec<f32> = (0..n).map(|i| ((i * 7919) % 1000) as f32 - 500.0).collect();
        let x = Tensor::from_slice(&vals, &[n]).unwrap();
        for largest in [false, true] {
            let (v, i) = (Tensor::empty(&[n], DType::F32, x.device()).unwrap(), Tensor::empty(&[n], DType::I64, x.device()).unwrap());
            sort(&x, largest, &v, &i).unwrap();
            let (tv, ti) = (Tensor::empty(&[7], DType::F32, x.device()).unwrap(), Tensor::empty(&[7], DType::I64, x.device()).unwrap());
            topk(&x, 7, largest, &tv, &ti).unwrap();
            assert_eq!(ti.to_vec::<i64>().unwrap(), i.to_vec::<i64>().unwrap()[..7].to_vec(), "largest={largest}");
        }
    }

    #[test]
    fn bounds_follow_torch_comparisons() {
        let row: Vec<u64> = [1.0f32, 3.0, f32::NAN].iter().map(|v| v.key()).collect();
        let nan = <f32 as SortKey>::NAN;
        assert_eq!(bound(&row, f32::NAN.key(), nan, false), 3);
        assert_eq!(bound(&row, 2.0f32.key(), nan, false), 1);
        assert_eq!(bound(&row, 5.0f32.key(), nan, false), 3);
        assert_eq!(bound(&row, 3.0f32.key(), nan, false), 1);
        assert_eq!(bound(&row, 3.0f32.key(), nan, true), 3); // !(NaN > 3): right again
    }
}
