//! The f32 matrix product with AVX-512: out[i] = a[i] @ b[i] for a batch of strided views, on
//! as many threads as pay.
//!
//! Why our own: the `gemm` crate only has AVX2 kernels unless built with its `x86-v4` feature, so
//! on an AVX-512 machine it reaches half of a core's peak (Zen 5: 126 against 264 GFLOP/s), and
//! its per-call set-up and rayon threading cost more than a 64..256 product takes. This file is
//! the BLIS scheme cut down to what small and medium products need:
//!
//! * B is packed, KC rows by NC columns at a time, into NR-wide k-major panels (zero-padded at
//!   the right edge), read through any strides; the panels are thread-local and reused.
//! * A is not packed: the micro-kernel broadcasts its elements straight from the strided view
//!   (a broadcast is a scalar load, so any strides cost the same). Packing A measured slower at
//!   every size up to 2048 (a scalar transpose of m*k elements per NC columns).
//! * The micro-kernel keeps an MR x NR = 8 x 32 tile of C in 16 zmm registers: per k, 2 loads of
//!   B, 8 broadcasts of A and 16 FMAs. It writes C with masked stores at the right edge, and the
//!   bottom edge runs the same kernel with fewer rows (a const parameter).
//! * Tiles are visited row strip by row strip (all of an NC block's panels for 8 rows of A):
//!   writes to C then run along rows, which matters when k is small and the product is all
//!   stores (1024x1024 with k=4: 67 against 277 us visiting panel by panel).
//! * Threads: parts (whole products, or a product's columns or rows) are claimed from an atomic
//!   counter by the caller and by helper threads that spin a while between products (see
//!   `parallel`); the caller never waits for a helper that has not started (it claims the part
//!   itself), so nothing can deadlock on a busy or missing helper.

// Elsewhere the kernel does not exist (`suits` is false) and the driver is never called.
#![cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]

#[cfg(target_arch = "x86_64")]
use super::parallel::parallel;

/// A batch of matrices: the first element and the (batch, row, column) element strides.
#[derive(Clone, Copy)]
pub struct Mat {
    pub ptr: *const f32,
    pub s: [isize; 3],
}

impl Mat {
    /// The view moved by `off` elements (same strides). A method, so closures capture the whole
    /// (Sync) view rather than its raw pointer field.
    #[inline(always)]
    fn shift(self, off: isize) -> Mat {
        Mat { ptr: self.ptr.wrapping_offset(off), ..self }
    }
}

// SAFETY: the pointers address tensors the caller keeps alive for the whole product; threads
// only read through them.
unsafe impl Send for Mat {}
unsafe impl Sync for Mat {}

/// Rows of C per micro-tile.
const MR: usize = 8;
/// Columns of C per micro-tile: two zmm registers.
const NR: usize = 32;
/// Depth of a packed block of B. Large, so C is read and rewritten few times (k / KC); a panel
/// (KC x NR, 64 KiB) streams from L2 while the A strip (MR x KC, 16 KiB) stays in L1.
const KC: usize = 512;
/// Columns of a packed block of B: KC x NC floats = 512 KiB, half of a Zen 5 core's L2.
const NC: usize = 256;
/// Products of fewer flops than this run on the calling thread alone. Measured (Zen 5, 2
/// threads, rayon workers awake): 64^3 takes 2.1-2.2 us on one thread and 2.0-2.4 on two (a
/// helper needs ~1.5 us to pick its part up); 80^3 takes 5.1 against 3.6, 128^3 17 against 9-10.
const PAR_FLOPS: usize = 2 * 72 * 72 * 72;

/// Whether `bmm` takes this product: AVX-512 present, and a shape where the tile is not mostly
/// padding. Vector-matrix products (m = 1) stay with the `gemm` crate, which streams b once
/// instead of packing it (1 x 1024 x 1024: 53 against 173 us); so do products of fewer than 16
/// columns (matrix-vector included), where the two are level at 16 and gemm leads below.
pub fn suits(m: usize, k: usize, n: usize) -> bool {
    have_kernel() && m >= 2 && n >= 16 && k >= 1
}

#[cfg(target_arch = "x86_64")]
fn have_kernel() -> bool {
    super::simd::has_avx512()
}

#[cfg(not(target_arch = "x86_64"))]
fn have_kernel() -> bool {
    false
}

/// out[i] = a[i] @ b[i] for i < batch, a [batch, m, k] and b [batch, k, n] read through their
/// strides, out contiguous [batch, m, n]. Call only where `suits(m, k, n)` holds.
///
/// # Safety
/// `a` and `b` must be valid for every (i, r, c) index of their shapes, `out` for batch*m*n
/// writes, and `out` must not overlap `a` or `b`.
pub unsafe fn bmm(batch: usize, m: usize, k: usize, n: usize, a: Mat, b: Mat, out: *mut f32) {
    #[cfg(target_arch = "x86_64")]
    {
        // Threads only where each gets at least half of PAR_FLOPS (many cores, small product).
        let flops = 2 * batch * m * n * k;
        let threads = if flops >= PAR_FLOPS { rayon::current_num_threads().min(flops / (PAR_FLOPS / 2)).max(1) } else { 1 };
        // Whole products per part when they share out evenly; otherwise each product is also
        // cut into `threads` pieces: by columns (each thread packs only its part of b), else by
        // rows, else into as many pieces as there are tiles.
        let (col_pieces, row_pieces) = (n / NR, m / MR);
        let (splits, by_cols) = if threads == 1 || batch.is_multiple_of(threads) || batch >= 4 * threads {
            (1, true)
        } else if col_pieces >= threads {
            (threads, true)
        } else if row_pieces >= threads {
            (threads, false)
        } else if col_pieces >= row_pieces {
            (col_pieces.max(1), true)
        } else {
            (row_pieces, false)
        };
        // Whole products are claimed a few at a time when they are many and small.
        let per_part = if splits == 1 { batch.div_ceil(threads * 8).max(1) } else { 1 };
        let parts = if splits == 1 { batch.div_ceil(per_part) } else { batch * splits };
        let out = OutPtr(out);
        let part = |p: usize| {
            let (first, last, s) = if splits == 1 {
                (p * per_part, ((p + 1) * per_part).min(batch), 0)
            } else {
                (p / splits, p / splits + 1, p % splits)
            };
            for i in first..last {
                let (a, b) = (a.shift(i as isize * a.s[0]), b.shift(i as isize * b.s[0]));
                let c = out.at(i * m * n);
                // SAFETY: (all below) piece `s` of product i addresses rows/columns inside the
                // validated views, and writes a block of out no other part writes.
                if splits == 1 {
                    unsafe { x86::product(m, k, n, a, b, c, n, false) };
                } else if by_cols {
                    let (j0, j1) = piece(n, NR, splits, s);
                    if j1 > j0 {
                        unsafe { x86::product(m, k, j1 - j0, a, b.shift(j0 as isize * b.s[2]), c.add(j0), n, false) };
                    }
                } else {
                    let (r0, r1) = piece(m, MR, splits, s);
                    if r1 > r0 {
                        unsafe { x86::product(r1 - r0, k, n, a.shift(r0 as isize * a.s[1]), b, c.add(r0 * n), n, false) };
                    }
                }
            }
        };
        parallel(parts, threads, &part);
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (batch, m, k, n, a, b, out);
    }
}

/// c[m x n] (row stride ldc) = a[m x k] @ b[k x n], or += with `accumulate`, on the calling thread
/// alone: for callers that share out many small products themselves (the convolutions).
///
/// # Safety
/// As `bmm` for one product, `c` valid for m rows of ldc; call only where `suits(m, k, n)` holds.
#[allow(clippy::too_many_arguments)]
pub unsafe fn product_here(m: usize, k: usize, n: usize, a: Mat, b: Mat, c: *mut f32, ldc: usize, accumulate: bool) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: forwarded.
    unsafe {
        x86::product(m, k, n, a, b, c, ldc, accumulate)
    };
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (m, k, n, a, b, c, ldc, accumulate);
    }
}

/// Piece `s` of `splits` of 0..len, cut at multiples of `align`.
fn piece(len: usize, align: usize, splits: usize, s: usize) -> (usize, usize) {
    let per = len.div_ceil(align).div_ceil(splits) * align;
    ((s * per).min(len), ((s + 1) * per).min(len))
}

/// The output's base pointer, shared by the threads that write disjoint blocks of it.
#[derive(Clone, Copy)]
struct OutPtr(*mut f32);
// SAFETY: parts write disjoint blocks (see `bmm`).
unsafe impl Send for OutPtr {}
unsafe impl Sync for OutPtr {}
impl OutPtr {
    #[inline(always)]
    fn at(self, off: usize) -> *mut f32 {
        self.0.wrapping_add(off)
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{Mat, KC, MR, NC, NR};
    use std::arch::x86_64::*;
    use std::cell::RefCell;

    thread_local! {
        /// Packed panels of B, kept between calls (no allocation per product).
        static PACK: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
    }

    /// c[m x n] (row stride ldc) = a[m x k] @ b[k x n] (+= with `acc`) on this thread, a and b
    /// read through their row and column strides (s[1], s[2]).
    ///
    /// # Safety
    /// As `super::bmm` for one product; the CPU must have AVX-512F.
    #[allow(clippy::too_many_arguments)]
    pub unsafe fn product(m: usize, k: usize, n: usize, a: Mat, b: Mat, c: *mut f32, ldc: usize, acc: bool) {
        let need = KC.min(k) * NC.min(n).div_ceil(NR) * NR + 16;
        crate::cpu::scratch(&PACK, need, |base| {
            // Aligned panels: the kernel's loads of B never split a cache line.
            let skip = (64 - base as usize % 64) % 64 / std::mem::size_of::<f32>();
            // SAFETY: the buffer has 16 floats of slack for this alignment (skip < 16); the
            // caller's contract; bp holds `need - 16` floats.
            unsafe { blocked(m, k, n, a, b, c, ldc, base.add(skip), acc) }
        });
    }

    #[target_feature(enable = "avx512f")]
    #[allow(clippy::too_many_arguments)]
    unsafe fn blocked(m: usize, k: usize, n: usize, a: Mat, b: Mat, c: *mut f32, ldc: usize, bp: *mut f32, acc: bool) {
        if k == 0 {
            if acc {
                return;
            }
            for i in 0..m {
                std::ptr::write_bytes(c.add(i * ldc), 0, n);
            }
            return;
        }
        let mut jc = 0;
        while jc < n {
            let nc = (n - jc).min(NC);
            let panels = nc.div_ceil(NR);
            let mut pc = 0;
            while pc < k {
                let kc = (k - pc).min(KC);
                pack_b(b.shift(pc as isize * b.s[1] + jc as isize * b.s[2]), kc, nc, bp);
                let mut i = 0;
                while i < m {
                    let rows = (m - i).min(MR);
                    let ai = a.shift(i as isize * a.s[1] + pc as isize * a.s[2]);
                    for q in 0..panels {
                        let w = (nc - q * NR).min(NR);
                        let ci = c.add(i * ldc + jc + q * NR);
                        tile(rows, kc, ai, bp.add(q * kc * NR), ci, ldc, w, acc || pc > 0);
                    }
                    i += MR;
                }
                pc += KC;
            }
            jc += NC;
        }
    }

    /// Packs kc rows by nc columns of b into NR-wide k-major panels at dst, zero-padded.
    #[target_feature(enable = "avx512f")]
    unsafe fn pack_b(b: Mat, kc: usize, nc: usize, dst: *mut f32) {
        let (rs, cs) = (b.s[1], b.s[2]);
        for q in 0..nc.div_ceil(NR) {
            let w = (nc - q * NR).min(NR);
            let d = dst.add(q * kc * NR);
            let col = b.ptr.wrapping_offset((q * NR) as isize * cs);
            if cs == 1 {
                // Rows of b are contiguous: two (masked) vector copies per row.
                let (m0, m1) = (lanes(w), lanes(w.saturating_sub(16)));
                for p in 0..kc {
                    let src = col.offset(p as isize * rs);
                    _mm512_store_ps(d.add(p * NR), _mm512_maskz_loadu_ps(m0, src));
                    // (wrapping: with fewer than 17 columns the address may pass the end of b;
                    // the all-false mask reads nothing there.)
                    _mm512_store_ps(d.add(p * NR + 16), _mm512_maskz_loadu_ps(m1, src.wrapping_add(16)));
                }
            } else if rs == 1 {
                // b is a transpose (x @ w.T): its columns are contiguous. 16 columns by 16 rows
                // at a time: one vector load per column, a transpose in registers, one store
                // per row (gathers measured 30% slower for a 64^3 product).
                for half in 0..2 {
                    let cols = w.saturating_sub(half * 16).min(16);
                    let src = col.wrapping_offset((half * 16) as isize * cs);
                    let mut p = 0;
                    while p < kc {
                        let depth = (kc - p).min(16);
                        let mask = lanes(depth);
                        let mut r = [_mm512_setzero_ps(); 16];
                        for (j, r) in r.iter_mut().enumerate().take(cols) {
                            *r = _mm512_maskz_loadu_ps(mask, src.offset(j as isize * cs + p as isize));
                        }
                        let t = transpose16(r);
                        for (pp, t) in t.iter().enumerate().take(depth) {
                            _mm512_store_ps(d.add((p + pp) * NR + half * 16), *t);
                        }
                        p += 16;
                    }
                }
            } else if w == NR && cs.unsigned_abs() * NR < i32::MAX as usize / 8 {
                // Neither rows nor columns are contiguous: gather 16 columns of one row per
                // instruction (offsets fit the gather's i32 indices).
                let idx = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), _mm512_set1_epi32(cs as i32));
                let hi = col.offset(16 * cs);
                for p in 0..kc {
                    let off = p as isize * rs;
                    _mm512_store_ps(d.add(p * NR), _mm512_i32gather_ps::<4>(idx, col.offset(off)));
                    _mm512_store_ps(d.add(p * NR + 16), _mm512_i32gather_ps::<4>(idx, hi.offset(off)));
                }
            } else {
                for p in 0..kc {
                    let src = col.offset(p as isize * rs);
                    for j in 0..NR {
                        *d.add(p * NR + j) = if j < w { *src.offset(j as isize * cs) } else { 0.0 };
                    }
                }
            }
        }
    }

    /// The 16 x 16 transpose: out[p] lane j = r[j] lane p. Pairs of rows interleave, then
    /// quadruples (within 128-bit lanes), then 128-bit lanes move across registers.
    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn transpose16(r: [__m512; 16]) -> [__m512; 16] {
        let mut t = [_mm512_setzero_ps(); 16];
        for i in 0..8 {
            t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
            t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
        }
        // u[4i + e], 128-bit lane l: rows 4i..4i+3 at element 4l + e.
        let mut u = [_mm512_setzero_ps(); 16];
        for i in 0..4 {
            u[4 * i] = _mm512_shuffle_ps::<0x44>(t[4 * i], t[4 * i + 2]);
            u[4 * i + 1] = _mm512_shuffle_ps::<0xEE>(t[4 * i], t[4 * i + 2]);
            u[4 * i + 2] = _mm512_shuffle_ps::<0x44>(t[4 * i + 1], t[4 * i + 3]);
            u[4 * i + 3] = _mm512_shuffle_ps::<0xEE>(t[4 * i + 1], t[4 * i + 3]);
        }
        let mut out = [_mm512_setzero_ps(); 16];
        for e in 0..4 {
            let s0 = _mm512_shuffle_f32x4::<0x44>(u[e], u[4 + e]);
            let s1 = _mm512_shuffle_f32x4::<0xEE>(u[e], u[4 + e]);
            let s2 = _mm512_shuffle_f32x4::<0x44>(u[8 + e], u[12 + e]);
            let s3 = _mm512_shuffle_f32x4::<0xEE>(u[8 + e], u[12 + e]);
            out[e] = _mm512_shuffle_f32x4::<0x88>(s0, s2);
            out[4 + e] = _mm512_shuffle_f32x4::<0xDD>(s0, s2);
            out[8 + e] = _mm512_shuffle_f32x4::<0x88>(s1, s3);
            out[12 + e] = _mm512_shuffle_f32x4::<0xDD>(s1, s3);
        }
        out
    }

    /// The mask of the first `n` (at most 16) lanes.
    #[inline(always)]
    fn lanes(n: usize) -> __mmask16 {
        if n >= 16 {
            0xFFFF
        } else {
            ((1u32 << n) - 1) as __mmask16
        }
    }

    /// c[0..rows, 0..w] (+)= a[0..rows, 0..kc] @ the packed panel bp, rows <= MR.
    #[target_feature(enable = "avx512f")]
    #[allow(clippy::too_many_arguments)]
    unsafe fn tile(rows: usize, kc: usize, a: Mat, bp: *const f32, c: *mut f32, ldc: usize, w: usize, add: bool) {
        match rows {
            8 => kernel::<8>(kc, a, bp, c, ldc, w, add),
            7 => kernel::<7>(kc, a, bp, c, ldc, w, add),
            6 => kernel::<6>(kc, a, bp, c, ldc, w, add),
            5 => kernel::<5>(kc, a, bp, c, ldc, w, add),
            4 => kernel::<4>(kc, a, bp, c, ldc, w, add),
            3 => kernel::<3>(kc, a, bp, c, ldc, w, add),
            2 => kernel::<2>(kc, a, bp, c, ldc, w, add),
            _ => kernel::<1>(kc, a, bp, c, ldc, w, add),
        }
    }

    /// The R x 32 micro-kernel: accumulators in registers over the whole depth kc, then one
    /// (masked) store per row, adding what C holds when `add` (a later block of k).
    #[target_feature(enable = "avx512f")]
    #[inline]
    #[allow(clippy::too_many_arguments)]
    unsafe fn kernel<const R: usize>(kc: usize, a: Mat, bp: *const f32, c: *mut f32, ldc: usize, w: usize, add: bool) {
        let mut acc = [[_mm512_setzero_ps(); 2]; R];
        let mut rows = [a.ptr; R];
        for (i, r) in rows.iter_mut().enumerate() {
            *r = a.ptr.offset(i as isize * a.s[1]);
        }
        let mut b = bp;
        // Two copies of the loop: with unit column stride LLVM folds the broadcasts into the
        // FMAs' memory operands; other strides pay an address computation per row.
        if a.s[2] == 1 {
            for p in 0..kc {
                let (b0, b1) = (_mm512_load_ps(b), _mm512_load_ps(b.add(16)));
                for i in 0..R {
                    let x = _mm512_set1_ps(*rows[i].add(p));
                    acc[i][0] = _mm512_fmadd_ps(x, b0, acc[i][0]);
                    acc[i][1] = _mm512_fmadd_ps(x, b1, acc[i][1]);
                }
                b = b.add(NR);
            }
        } else {
            let cs = a.s[2];
            for p in 0..kc {
                let (b0, b1) = (_mm512_load_ps(b), _mm512_load_ps(b.add(16)));
                for i in 0..R {
                    let x = _mm512_set1_ps(*rows[i].offset(p as isize * cs));
                    acc[i][0] = _mm512_fmadd_ps(x, b0, acc[i][0]);
                    acc[i][1] = _mm512_fmadd_ps(x, b1, acc[i][1]);
                }
                b = b.add(NR);
            }
        }
        let (m0, m1) = (lanes(w), lanes(w.saturating_sub(16)));
        for (i, acc) in acc.iter().enumerate() {
            // The second half's address may pass the end of out when w <= 16 (masked off).
            let (row, row_hi) = (c.add(i * ldc), c.add(i * ldc).wrapping_add(16));
            let (mut x0, mut x1) = (acc[0], acc[1]);
            if add {
                x0 = _mm512_add_ps(x0, _mm512_maskz_loadu_ps(m0, row));
                x1 = _mm512_add_ps(x1, _mm512_maskz_loadu_ps(m1, row_hi));
            }
            if w == NR {
                _mm512_storeu_ps(row, x0);
                _mm512_storeu_ps(row_hi, x1);
            } else {
                _mm512_mask_storeu_ps(row, m0, x0);
                _mm512_mask_storeu_ps(row_hi, m1, x1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic pseudo-random float in [-1, 1).
    fn val(i: usize) -> f32 {
        ((i.wrapping_mul(2654435761) >> 7) % 2001) as f32 / 1000.0 - 1.0
    }

    /// Checks bmm against a naive f64 loop on operands laid out by (batch, row, col) strides
    /// inside buffers of `len_a`/`len_b` elements.
    #[allow(clippy::too_many_arguments)]
    fn check(batch: usize, m: usize, k: usize, n: usize, sa: [isize; 3], sb: [isize; 3], len_a: usize, len_b: usize) {
        let a: Vec<f32> = (0..len_a).map(val).collect();
        let b: Vec<f32> = (0..len_b).map(|i| val(i + 12345)).collect();
        let mut out = vec![f32::NAN; batch * m * n];
        let (ma, mb) = (Mat { ptr: a.as_ptr(), s: sa }, Mat { ptr: b.as_ptr(), s: sb });
        if suits(m, k, n) {
            // SAFETY: the strides keep every index inside a and b (the callers size them so).
            unsafe { bmm(batch, m, k, n, ma, mb, out.as_mut_ptr()) };
        } else {
            return;
        }
        let at = |v: &[f32], s: [isize; 3], i: usize, r: usize, c: usize| v[(i as isize * s[0] + r as isize * s[1] + c as isize * s[2]) as usize] as f64;
        for i in 0..batch {
            for r in 0..m {
                for c in 0..n {
                    let want: f64 = (0..k).map(|p| at(&a, sa, i, r, p) * at(&b, sb, i, p, c)).sum();
                    let got = out[(i * m + r) * n + c] as f64;
                    assert!((got - want).abs() <= 1e-4 * (k as f64).sqrt().max(1.0), "{batch}x{m}x{k}x{n} [{i},{r},{c}]: {got} != {want}");
                }
            }
        }
    }

    /// Contiguous [batch, m, k] @ [batch, k, n].
    fn dense(batch: usize, m: usize, k: usize, n: usize) {
        check(batch, m, k, n, [(m * k) as isize, k as isize, 1], [(k * n) as isize, n as isize, 1], batch * m * k, batch * k * n);
    }

    #[test]
    fn edges_of_the_tile() {
        if !suits(8, 8, 32) {
            return; // no AVX-512 here: the gemm crate serves every product
        }
        for &(m, k, n) in &[(2, 1, 16), (5, 2, 20), (2, 4, 16), (8, 4, 32), (9, 5, 33), (7, 31, 47), (17, 64, 65), (64, 64, 64), (3, 600, 40), (33, 1030, 70), (100, 7, 300)] {
            dense(1, m, k, n);
        }
    }

    #[test]
    fn threaded_and_batched() {
        if !suits(8, 8, 32) {
            return;
        }
        // One product cut by columns, one by rows (n too narrow), one too small to cut, odd
        // batches cut per product, even ones not.
        for &(batch, m, k, n) in &[(1, 130, 120, 200), (1, 600, 200, 16), (1, 12, 2000, 40), (3, 97, 101, 103), (64, 20, 30, 40), (2, 100, 100, 100)] {
            dense(batch, m, k, n);
        }
    }

    #[test]
    fn strided_operands() {
        if !suits(8, 8, 32) {
            return;
        }
        let (m, k, n) = (37, 45, 50);
        // a transposed (column-major), b transposed: gathers, and the strided broadcast loop.
        check(2, m, k, n, [(m * k) as isize, 1, m as isize], [(k * n) as isize, 1, k as isize], 2 * m * k, 2 * k * n);
        // b's batch broadcast (stride 0), a with padded rows and every other column.
        check(3, m, k, n, [(m * 2 * k + 1) as isize, (2 * k) as isize + 1, 2], [0, n as isize, 1], 3 * (m * (2 * k + 1) + 1), k * n);
        // Negative strides (a flipped view): rows read backwards.
        let len = m * k;
        let a: Vec<f32> = (0..len).map(val).collect();
        let b: Vec<f32> = (0..k * n).map(val).collect();
        let mut out = vec![0f32; m * n];
        let ma = Mat { ptr: a[(m - 1) * k..].as_ptr(), s: [0, -(k as isize), 1] };
        // SAFETY: row r of the flipped view is row m-1-r of a, inside it.
        unsafe { bmm(1, m, k, n, ma, Mat { ptr: b.as_ptr(), s: [0, n as isize, 1] }, out.as_mut_ptr()) };
        for r in 0..m {
            for c in 0..n {
                let want: f64 = (0..k).map(|p| a[(m - 1 - r) * k + p] as f64 * b[p * n + c] as f64).sum();
                assert!((out[r * n + c] as f64 - want).abs() < 1e-4);
            }
        }
    }

    #[test]
    fn depth_zero_writes_zeros() {
        // k = 0 is not taken by `suits` (the gemm crate handles it); the kernel still zeroes.
        #[cfg(target_arch = "x86_64")]
        if have_kernel() {
            let mut out = vec![f32::NAN; 9 * 40];
            let z = Mat { ptr: std::ptr::null(), s: [0, 0, 0] };
            // SAFETY: with k = 0 neither operand is read.
            unsafe { x86::product(9, 0, 40, z, z, out.as_mut_ptr(), 40, false) };
            assert!(out.iter().all(|&v| v == 0.0));
        }
    }

    #[test]
    fn threaded_products_from_several_threads() {
        if !suits(8, 8, 32) {
            return;
        }
        std::thread::scope(|s| {
            for t in 0..3 {
                s.spawn(move || {
                    for _ in 0..5 {
                        dense(1 + t % 2, 90 + t, 80, 100);
                    }
                });
            }
        });
    }

    #[test]
    fn pieces_cover_the_range() {
        for &(len, align, splits) in &[(100, 32, 2), (16, 32, 2), (65, 8, 3), (7, 8, 2)] {
            let mut next = 0;
            for s in 0..splits {
                let (a, b) = piece(len, align, splits, s);
                assert!(a == next || a == b, "{len} {align} {splits} {s}");
                next = next.max(b);
            }
            assert_eq!(next, len);
        }
    }
}
