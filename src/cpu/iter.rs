//! The strided loop every elementwise kernel runs on (a small TensorIterator):
//! operands are seen through their own byte strides, dims that are contiguous
//! for all operands are merged, and the flat index range is split across threads
//! (`parallel`) above a size threshold. Kernels only write the inner loop.

use super::parallel::{parallel, threads};
use smallvec::SmallVec;

/// Coalesced dims: (size, byte stride per operand), innermost first; inline up to 6.
type Dims<const N: usize> = SmallVec<[(usize, [isize; N]); 6]>;

/// Elements below which a kernel stays on the calling thread.
pub const GRAIN: usize = 32 * 1024;

#[derive(Clone, Copy)]
struct SendPtr(*mut u8);
// SAFETY: the pointers address tensor memory kept alive by the caller for the
// whole call; chunks write disjoint output elements.
unsafe impl Send for SendPtr {}
unsafe impl Sync for SendPtr {}

/// Merges dims (skipping size-1 ones) where every operand is contiguous across
/// the pair. Returns (size, byte strides per operand), innermost first.
///
/// Dims are visited in the output's memory order (smallest stride innermost), as PyTorch's
/// TensorIterator does, where that makes the operands' inner steps shorter: an in-place op on a
/// transposed tensor (a weight's gradient, which the products leave transposed) then runs along
/// memory instead of striding across it (512x128 transposed `mul_`: 207 -> 4 us). For an output
/// laid out in dim order nothing changes.
fn coalesce<const N: usize>(shape: &[usize], strides: [&[isize]; N]) -> Dims<N> {
    let natural: SmallVec<[usize; 6]> = (0..shape.len()).rev().collect();
    let mut order = natural.clone();
    // (stable: dims of equal output stride, such as size-1 ones, keep their order)
    order.sort_by_key(|&d| strides[0][d].unsigned_abs());
    // Kept only where it shortens the operands' inner steps: a copy into a strided window view (a
    // pool's gradient) would otherwise read its source across rows to write along memory.
    let inner_cost = |o: &[usize]| -> usize {
        o.iter().find(|&&d| shape[d] != 1).map_or(0, |&d| (0..N).map(|k| strides[k][d].unsigned_abs()).sum())
    };
    if inner_cost(&order) >= inner_cost(&natural) {
        order = natural;
    }
    let mut dims: Dims<N> = SmallVec::new();
    for d in order {
        if shape[d] == 1 {
            continue;
        }
        let st: [isize; N] = std::array::from_fn(|k| strides[k][d]);
        if let Some(last) = dims.last_mut() {
            if (0..N).all(|k| st[k] == last.1[k] * last.0 as isize) {
                last.0 *= shape[d];
                continue;
            }
        }
        dims.push((shape[d], st));
    }
    dims
}

/// Runs `f(pointers, inner byte strides, count)` over every element of `shape`.
/// `ptrs[k]` points at operand k's first element; `strides[k]` are its byte
/// strides per dim of `shape` (0 for broadcast dims).
///
/// # Safety
/// Every pointer/stride combination must stay inside its operand's memory for
/// all indices of `shape`, and operand 0 (the output) must not overlap itself.
pub unsafe fn for_each<const N: usize, F>(shape: &[usize], ptrs: [*mut u8; N], strides: [&[isize]; N], grain: usize, f: F)
where
    F: Fn([*mut u8; N], [isize; N], usize) + Sync,
{
    let numel: usize = shape.iter().product();
    if numel == 0 {
        return;
    }
    let dims = coalesce(shape, strides);
    if dims.is_empty() {
        f(ptrs, [0; N], 1);
        return;
    }
    let base: [SendPtr; N] = std::array::from_fn(|k| SendPtr(ptrs[k]));
    let threads = threads();
    let chunks = if numel >= grain.saturating_mul(2) && threads > 1 { (numel / grain).min(threads * 4) } else { 1 };
    let run = |c: usize| {
        let start = numel * c / chunks;
        let end = numel * (c + 1) / chunks;
        // SAFETY: forwarded from the caller's contract.
        unsafe { run_range(&dims, &base, start, end, &f) }
    };
    if chunks == 1 {
        run(0);
    } else {
        parallel(chunks, threads, &run);
    }
}

unsafe fn run_range<const N: usize, F>(dims: &[(usize, [isize; N])], base: &[SendPtr; N], start: usize, end: usize, f: &F)
where
    F: Fn([*mut u8; N], [isize; N], usize),
{
    let nd = dims.len();
    let mut idx: SmallVec<[usize; 6]> = smallvec::smallvec![0usize; nd];
    let mut p: [*mut u8; N] = std::array::from_fn(|k| base[k].0);
    let mut rem = start;
    for d in 0..nd {
        idx[d] = rem % dims[d].0;
        rem /= dims[d].0;
        for k in 0..N {
            p[k] = p[k].wrapping_offset(idx[d] as isize * dims[d].1[k]);
        }
    }
    let (inner, inner_st) = dims[0];
    let mut pos = start;
    while pos < end {
        let n = (inner - idx[0]).min(end - pos);
        f(p, inner_st, n);
        pos += n;
        if pos >= end {
            break;
        }
        // The row is done: back to its first element, then carry into the outer dims.
        for k in 0..N {
            p[k] = p[k].wrapping_offset(-(idx[0] as isize) * inner_st[k]);
        }
        idx[0] = 0;
        let mut d = 1;
        while d < nd {
            idx[d] += 1;
            for k in 0..N {
                p[k] = p[k].wrapping_offset(dims[d].1[k]);
            }
            if idx[d] < dims[d].0 {
                break;
            }
            for k in 0..N {
                p[k] = p[k].wrapping_offset(-(dims[d].0 as isize) * dims[d].1[k]);
            }
            idx[d] = 0;
            d += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(shape: &[usize], strides: &[isize], grain: usize) -> Vec<isize> {
        let out = std::sync::Mutex::new(Vec::new());
        let base = 1usize << 20;
        unsafe {
            for_each(shape, [base as *mut u8], [strides], grain, |p, s, n| {
                let mut v = out.lock().unwrap();
                for i in 0..n as isize {
                    v.push(p[0] as isize - base as isize + i * s[0]);
                }
            });
        }
        let mut v = out.into_inner().unwrap();
        v.sort();
        v
    }

    #[test]
    fn visits_every_strided_offset_once() {
        // A transposed 3x4 view (strides in bytes of 1-byte elements).
        let v = collect(&[4, 3], &[1, 4], usize::MAX);
        let mut want: Vec<isize> = (0..12).collect();
        want.sort();
        assert_eq!(v, want);
        // Sliced with steps, split in many chunks.
        let v = collect(&[5, 7], &[20, 2], 3);
        let mut want: Vec<isize> = (0..5).flat_map(|i| (0..7).map(move |j| i * 20 + j * 2)).collect();
        want.sort();
        assert_eq!(v, want);
    }

    #[test]
    fn zero_d_and_empty() {
        assert_eq!(collect(&[], &[], 1), vec![0]);
        assert!(collect(&[0, 3], &[3, 1], 1).is_empty());
    }

    #[test]
    fn coalesces_contiguous_dims() {
        let d = coalesce(&[2, 3, 4], [&[12, 4, 1]]);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].0, 24);
    }
}
