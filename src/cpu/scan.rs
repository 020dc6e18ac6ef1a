//! Cumulative sums and products (`cumsum` / `cumprod`) on the CPU: the input read in place
//! through its strides (any view), the output contiguous. Rows (every position of the other
//! dims) run in parallel above a size threshold; each row is scanned in order on one thread,
//! so results match a sequential loop exactly. Integers wrap; NaN propagates.

use super::iter::GRAIN;
use crate::compute::scan::Scan;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::tensor::Tensor;
use super::parallel::for_range;

/// The arithmetic a scan needs (wrapping for integers).
trait Acc: Copy + Send + Sync + 'static {
    const ZERO: Self;
    const ONE: Self;
    fn add(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
}

macro_rules! acc_float {
    ($($t:ty),*) => {$(
        impl Acc for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            #[inline(always)]
            fn add(self, o: Self) -> Self { self + o }
            #[inline(always)]
            fn mul(self, o: Self) -> Self { self * o }
        }
    )*};
}
macro_rules! acc_int {
    ($($t:ty),*) => {$(
        impl Acc for $t {
            const ZERO: Self = 0;
            const ONE: Self = 1;
            #[inline(always)]
            fn add(self, o: Self) -> Self { self.wrapping_add(o) }
            #[inline(always)]
            fn mul(self, o: Self) -> Self { self.wrapping_mul(o) }
        }
    )*};
}
acc_float!(f32, f64);
acc_int!(i32, i64);

/// Byte offset in `x` of the first element of row `r` (rows in row-major order over the
/// dims other than `dim`).
fn row_offset(shape: &[usize], strides: &[isize], dim: usize, mut r: usize) -> isize {
    let mut off = 0isize;
    for d in (0..shape.len()).rev().filter(|&d| d != dim) {
        let n = shape[d].max(1);
        off += (r % n) as isize * strides[d];
        r /= n;
    }
    off
}

fn scan_typed<T: Acc>(op: Scan, x: &Tensor, dim: usize, out: &Tensor) -> Result<()> {
    let shape = x.shape().to_vec();
    let n = shape[dim];
    let numel = x.numel();
    if numel == 0 {
        return Ok(());
    }
    let rows = numel / n;
    let inner: usize = shape[dim + 1..].iter().product();
    let xs = x.byte_strides();
    let step = xs[dim];
    let (xp, op_) = (x.ptr()? as usize, out.ptr()? as usize);
    let row = |r: usize| {
        let src = (xp as *const u8).wrapping_offset(row_offset(&shape, &xs, dim, r));
        // Output row r: (outer, inner) = (r / inner, r % inner), contiguous.
        let first = (r / inner) * n * inner + r % inner;
        let dst = (op_ as *mut T).wrapping_add(first);
        let mut acc = if op == Scan::Sum { T::ZERO } else { T::ONE };
        for i in 0..n {
            // SAFETY: x's layout was validated against its storage when made; `out` is a fresh
            // contiguous tensor of x's shape and dtype, and each row writes only its own elements.
            unsafe {
                let v = *(src.wrapping_offset(i as isize * step) as *const T);
                acc = if op == Scan::Sum { acc.add(v) } else { acc.mul(v) };
                *dst.add(i * inner) = acc;
            }
        }
    };
    if numel >= GRAIN && rows > 1 {
        for_range(rows, (GRAIN / n).max(1), &row);
    } else {
        (0..rows).for_each(row);
    }
    Ok(())
}

/// `out[.., i, ..] = x[.., 0, ..] op ... op x[.., i, ..]` along `dim`; `x` and `out` of one
/// kernel dtype (float32, float64, int32, int64), `out` contiguous with x's shape, ndim >= 1.
pub fn cumulative(op: Scan, x: &Tensor, dim: usize, out: &Tensor) -> Result<()> {
    if x.dtype != out.dtype || x.shape() != out.shape() || !out.is_contiguous() || dim >= x.ndim() {
        return Err(Error::runtime("cumulative: output must be contiguous with the input's shape and dtype"));
    }
    match x.dtype {
        DType::F32 => scan_typed::<f32>(op, x, dim, out),
        DType::F64 => scan_typed::<f64>(op, x, dim, out),
        DType::I32 => scan_typed::<i32>(op, x, dim, out),
        DType::I64 => scan_typed::<i64>(op, x, dim, out),
        d => Err(Error::DTypeUnsupported { op: if op == Scan::Sum { "cumsum" } else { "cumprod" }, dtype: d }),
    }
}
