//! Batched matrix products on the CPU: out[b] = a[b] @ b[b] with a [B, M, K], b [B, K, N]
//! read through their strides (transposed, sliced and batch-broadcast operands are not copied)
//! into a contiguous out [B, M, N]. float32 goes to our AVX-512 kernel (`gemm_f32`) where the CPU
//! has it and the shape suits it; other floats and shapes to the `gemm` crate's packed SIMD
//! micro-kernels (f32/f64/f16; bfloat16 through f32 copies, as gemm has no bf16 kernel); integers
//! use a plain loop with wrapping arithmetic, as PyTorch's integer matmul wraps.

use crate::dtype::DType;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::tensor::Tensor;
use super::gemm_f32::Mat;
use rayon::prelude::*;

/// The `gemm` crate's path (f64, f16, and f32 where `gemm_f32` does not run) threads by these.
/// Flops of a batch below which it runs on one thread (threads cost more than they save).
const THREAD_FLOPS: usize = 2 * 48 * 48 * 48;
/// Flops of one product from which it is split across threads (gemm's own threading). Measured on
/// 2 cores: one thread is faster up to 256^3 (124 against 113 GFLOP/s split), two win from 512^3
/// (240 against 123).
const BIG_FLOPS: usize = 2 * 300 * 300 * 300;

/// (batch, rows, cols) element strides of a 3-D view, and its first element's pointer.
struct Operand<T> {
    ptr: *const T,
    s: [isize; 3],
}

// SAFETY: the pointers address tensors the caller keeps alive for the whole call; workers only
// read `a`/`b` and write disjoint batches of `out`.
unsafe impl<T> Send for Operand<T> {}
unsafe impl<T> Sync for Operand<T> {}

impl<T> Operand<T> {
    /// The address of element (i, r, c). Closures call this rather than reading the fields, so
    /// they capture the whole (Sync) operand.
    #[inline(always)]
    fn stride(&self, d: usize) -> isize {
        self.s[d]
    }
    #[inline(always)]
    fn at(&self, i: usize, r: usize, c: usize) -> *const T {
        self.ptr.wrapping_offset(i as isize * self.s[0] + r as isize * self.s[1] + c as isize * self.s[2])
    }
}

fn operand<T>(t: &Tensor) -> Result<Operand<T>> {
    let st = &t.layout.strides;
    Ok(Operand { ptr: t.ptr()? as *const T, s: [st[0], st[1], st[2]] })
}

pub fn bmm(a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    match a.dtype {
        DType::F32 => float::<f32>(a, b, out),
        DType::F64 => float::<f64>(a, b, out),
        DType::F16 => float::<half::f16>(a, b, out),
        DType::BF16 => {
            // gemm has no bfloat16 kernel: f32 copies, an f32 product, one rounding at the end.
            let (af, bf) = (crate::compute::to_dtype(a, DType::F32)?, crate::compute::to_dtype(b, DType::F32)?);
            let of = Tensor::empty(out.shape(), DType::F32, out.device())?;
            float::<f32>(&af, &bf, &of)?;
            super::copy::cast_into(&of, out)
        }
        DType::U8 => int::<u8>(a, b, out),
        DType::I8 => int::<i8>(a, b, out),
        DType::I16 => int::<i16>(a, b, out),
        DType::I32 => int::<i32>(a, b, out),
        DType::I64 => int::<i64>(a, b, out),
        DType::Bool => Err(Error::DTypeUnsupported { op: "addmm_impl_cpu_", dtype: DType::Bool }),
    }
}

fn float<T: Element + gemm_scalar::GemmScalar>(a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    let (batch, m, k, n) = (out.shape()[0], out.shape()[1], a.shape()[2], out.shape()[2]);
    if batch * m * n == 0 {
        return Ok(());
    }
    let (pa, pb) = (operand::<T>(a)?, operand::<T>(b)?);
    let po = Operand { ptr: out.ptr()? as *const T, s: [(m * n) as isize, n as isize, 1] };
    if T::DTYPE == DType::F32 && super::gemm_f32::suits(m, k, n) {
        let (ma, mb) = (Mat { ptr: pa.ptr as *const f32, s: pa.s }, Mat { ptr: pb.ptr as *const f32, s: pb.s });
        // SAFETY: T is f32; the views were validated against their storage when made, and out
        // is a fresh contiguous [batch, m, n] tensor that overlaps neither operand.
        unsafe { super::gemm_f32::bmm(batch, m, k, n, ma, mb, po.ptr as *mut f32) };
        return Ok(());
    }
    let flops = 2 * m * n * k.max(1);
    // Batch i's product (on gemm's own threads with `par`).
    let run = |i: usize, par: gemm::Parallelism| {
        // SAFETY: every offset stays inside its tensor (the views were validated against their
        // storage when made; i < batch by construction); out is contiguous and batch i's block is
        // written by this call alone.
        unsafe {
            gemm::gemm(
                m,
                n,
                k,
                po.at(i, 0, 0) as *mut T,
                1,
                n as isize,
                false,
                pa.at(i, 0, 0),
                pa.stride(2),
                pa.stride(1),
                pb.at(i, 0, 0),
                pb.stride(2),
                pb.stride(1),
                T::zero(),
                T::one(),
                false,
                false,
                false,
                par,
            )
        }
    };
    let threads = rayon::current_num_threads();
    if flops >= BIG_FLOPS {
        (0..batch).for_each(|i| run(i, gemm::Parallelism::Rayon(threads)));
    } else if batch > 1 && batch * flops >= THREAD_FLOPS && threads > 1 {
        // Many smaller products: one thread each (bmm of 64 x (64x64): 184 against 112 GFLOP/s).
        (0..batch).into_par_iter().for_each(|i| run(i, gemm::Parallelism::None));
    } else {
        (0..batch).for_each(|i| run(i, gemm::Parallelism::None));
    }
    Ok(())
}

fn int<T: Element>(a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    let (batch, m, k, n) = (out.shape()[0], out.shape()[1], a.shape()[2], out.shape()[2]);
    let (pa, pb) = (operand::<T>(a)?, operand::<T>(b)?);
    let po = Operand { ptr: out.ptr()? as *const T, s: [(m * n) as isize, n as isize, 1] };
    // One output row per task: a row of a against all of b, accumulated in i64 (wrapping; the
    // low bits equal T's own wrapping arithmetic).
    (0..batch * m).into_par_iter().with_min_len((4096 / (n * k).max(1)).max(1)).for_each(|row| {
        let (i, r) = (row / m.max(1), row % m.max(1));
        let mut acc = vec![0i64; n];
        for kk in 0..k {
            // SAFETY: indices are within the validated views (see `float`).
            let av = unsafe { *pa.at(i, r, kk) }.to_i64();
            if av == 0 {
                continue;
            }
            for (j, acc) in acc.iter_mut().enumerate() {
                let bv = unsafe { *pb.at(i, kk, j) }.to_i64();
                *acc = acc.wrapping_add(av.wrapping_mul(bv));
            }
        }
        let orow = po.at(i, r, 0) as *mut T;
        for (j, &v) in acc.iter().enumerate() {
            // SAFETY: out is contiguous [batch, m, n]; this task alone writes row (i, r).
            unsafe { *orow.add(j) = T::from_i64(v) };
        }
    });
    Ok(())
}

/// The constants gemm's alpha/beta take, per float type.
mod gemm_scalar {
    pub trait GemmScalar: Copy + 'static {
        fn zero() -> Self;
        fn one() -> Self;
    }
    impl GemmScalar for f32 {
        fn zero() -> Self {
            0.0
        }
        fn one() -> Self {
            1.0
        }
    }
    impl GemmScalar for f64 {
        fn zero() -> Self {
            0.0
        }
        fn one() -> Self {
            1.0
        }
    }
    impl GemmScalar for half::f16 {
        fn zero() -> Self {
            half::f16::ZERO
        }
        fn one() -> Self {
            half::f16::ONE
        }
    }
}
