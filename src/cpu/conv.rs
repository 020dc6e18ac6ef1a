//! float32 convolutions on the CPU, image by image: each image's columns (im2col) are built in a
//! thread-local buffer that stays in L2 and multiplied there, instead of one columns tensor for
//! the whole batch written to memory and read back (the Python path's shape, kept for the other
//! dtypes, devices and create_graph backwards).
//!
//! * forward: y[n, group] = w[group] @ cols(x[n, group]);
//! * input gradient: cols = w[group]^T @ g[n, group], added back into dx[n, group] (col2im);
//! * weight gradient: dw[group] = sum over n of g[n, group] @ cols(x[n, group])^T, each thread
//!   accumulating its images into its own partial sum (the product's `accumulate`), the partials
//!   then added in a fixed order (the result does not depend on which thread took which image).
//!
//! Images (times groups) are the parts shared between threads; a 1x1 kernel with unit stride and
//! no padding reads and writes the images themselves (its columns are the image).
//!
//! Spatial dims are 1 to 3, held as 3 (leading dims of size 1), so one traversal serves
//! conv1d/2d/3d. Returns None (the caller takes the general path) where the kernel does not fit:
//! no AVX-512, products too thin for the micro-kernel, or fewer parts than threads.

use super::gemm_f32::{product_here, suits, Mat};
use super::parallel::{parallel, threads};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::storage::Device;
use crate::tensor::Tensor;
use std::cell::RefCell;

/// A convolution's geometry, spatial dims padded to 3 at the front.
#[derive(Clone, Copy, Debug)]
pub struct Geom {
    pub kernel: [usize; 3],
    pub dilation: [usize; 3],
    /// Padding before each dim (the padding after is implied by `output`).
    pub pad: [usize; 3],
    pub stride: [usize; 3],
    pub input: [usize; 3],
    pub output: [usize; 3],
}

impl Geom {
    fn kk(&self) -> usize {
        self.kernel.iter().product()
    }
    fn ll(&self) -> usize {
        self.output.iter().product()
    }
    fn spatial(&self) -> usize {
        self.input.iter().product()
    }
    /// Whether the columns are the image itself.
    fn pointwise(&self) -> bool {
        self.kk() == 1 && self.stride == [1; 3] && self.pad == [0; 3] && self.input == self.output
    }
}

/// The outputs o in [lo, hi) along one dim whose input position o*s + off - p lies in [0, len).
fn valid(out: usize, s: usize, off: usize, p: usize, len: usize) -> (usize, usize) {
    let lo = if p > off { (p - off).div_ceil(s) } else { 0 };
    if len + p <= off {
        return (0, 0);
    }
    let hi = ((len - 1 + p - off) / s + 1).min(out);
    (lo.min(hi), hi)
}

/// Visits every row (channel, kernel offset) and output line (the outputs along the last dim
/// for fixed leading output indices) of one image's columns: `line(col, src, w0, w1, step)` with
/// `col` the line's first element in the columns, `src` the input element of output w0 (None when
/// the line falls in the padding), [w0, w1) the outputs that read the input, and `step` the input
/// stride between consecutive outputs.
fn lines(g: &Geom, ch: usize, mut line: impl FnMut(usize, Option<usize>, usize, usize, usize)) {
    let ([od, oh, ow], [id, ih, iw]) = (g.output, g.input);
    let (s, d, p) = (g.stride, g.dilation, g.pad);
    let ll = g.ll();
    let mut row = 0;
    for c in 0..ch {
        let base = c * id * ih * iw;
        for a in 0..g.kernel[0] {
            for b in 0..g.kernel[1] {
                for e in 0..g.kernel[2] {
                    let (w0, w1) = valid(ow, s[2], e * d[2], p[2], iw);
                    for z in 0..od {
                        let iz = (z * s[0] + a * d[0]).wrapping_sub(p[0]);
                        for y in 0..oh {
                            let iy = (y * s[1] + b * d[1]).wrapping_sub(p[1]);
                            let col = row * ll + (z * oh + y) * ow;
                            if iz >= id || iy >= ih || w0 >= w1 {
                                line(col, None, 0, 0, s[2]);
                            } else {
                                let ix = w0 * s[2] + e * d[2] - p[2];
                                line(col, Some(base + (iz * ih + iy) * iw + ix), w0, w1, s[2]);
                            }
                        }
                    }
                    row += 1;
                }
            }
        }
    }
}

/// cols [ch * kk, ll] = the columns of one image's `ch` channels x [ch, *input].
///
/// # Safety
/// x valid for ch * spatial reads, cols for ch * kk * ll writes.
unsafe fn im2col(g: &Geom, x: *const f32, ch: usize, cols: *mut f32) {
    let ow = g.output[2];
    lines(g, ch, |col, src, w0, w1, step| {
        // SAFETY: `lines` keeps col + ow inside the columns and the read positions inside x.
        unsafe {
            let dst = cols.add(col);
            let Some(src) = src else {
                std::ptr::write_bytes(dst, 0, ow);
                return;
            };
            std::ptr::write_bytes(dst, 0, w0);
            let from = x.add(src);
            if step == 1 {
                std::ptr::copy_nonoverlapping(from, dst.add(w0), w1 - w0);
            } else {
                for i in 0..w1 - w0 {
                    *dst.add(w0 + i) = *from.add(i * step);
                }
            }
            std::ptr::write_bytes(dst.add(w1), 0, ow - w1);
        }
    });
}

/// dx [ch, *input] += the columns cols [ch * kk, ll] added back at their places (im2col's adjoint).
///
/// # Safety
/// As `im2col`, with dx written instead of read.
unsafe fn col2im(g: &Geom, cols: *const f32, ch: usize, dx: *mut f32) {
    lines(g, ch, |col, dst, w0, w1, step| {
        let Some(dst) = dst else { return };
        // SAFETY: as in `im2col`.
        unsafe {
            let (src, to) = (cols.add(col + w0), dx.add(dst));
            for i in 0..w1 - w0 {
                *to.add(i * step) += *src.add(i);
            }
        }
    });
}

thread_local! {
    /// One image's columns, kept between calls.
    static COLS: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

fn with_cols(len: usize, f: impl FnOnce(*mut f32)) {
    super::scratch(&COLS, len, f);
}

/// A raw pointer shared by the parts, which touch disjoint elements through it.
#[derive(Clone, Copy)]
struct Shared(*mut f32);
// SAFETY: see each use: parts write disjoint blocks, and the tensors outlive the call.
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}
impl Shared {
    #[inline(always)]
    fn at(self, off: usize) -> *mut f32 {
        self.0.wrapping_add(off)
    }
}

fn mat(ptr: *const f32, rows: usize, cols: usize) -> Mat {
    Mat { ptr, s: [0, rows as isize, cols as isize] }
}

/// The operands' common checks: CPU float32, contiguous.
fn fits(ts: &[&Tensor]) -> bool {
    ts.iter().all(|t| t.dtype == DType::F32 && t.device() == Device::Cpu && t.is_contiguous())
}

/// Batch, channels and the checks every entry makes: x [n, c, *input] against the geometry.
fn batch_of(x_shape: &[usize], g: &Geom) -> Result<(usize, usize)> {
    let nd = x_shape.len().saturating_sub(2);
    if !(1..=3).contains(&nd) || x_shape[2..] != g.input[3 - nd..] {
        return Err(Error::runtime(format!("convolution: input of shape {x_shape:?} does not match {g:?}")));
    }
    Ok((x_shape[0], x_shape[1]))
}

/// Rejects operands whose sizes do not agree with the geometry (memory safety for the kernels).
fn agree(ok: bool) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(Error::runtime("convolution: operand sizes do not match the geometry"))
    }
}

/// y [n, o, *output] = conv(x [n, c, *input], w [o, c / groups, *kernel]), no bias.
pub fn forward(x: &Tensor, w: &Tensor, g: &Geom, groups: usize) -> Result<Option<Tensor>> {
    let (n, c) = batch_of(x.shape(), g)?;
    let o = w.shape()[0];
    let (cg, og, kk, ll) = (c / groups, o / groups, g.kk(), g.ll());
    let ck = cg * kk;
    agree(groups > 0 && c.is_multiple_of(groups) && o.is_multiple_of(groups) && w.numel() == o * ck)?;
    if !fits(&[x, w]) || !suits(og, ck, ll) || n * groups < threads() {
        return Ok(None);
    }
    let mut shape = vec![n, o];
    shape.extend_from_slice(&g.output[3 - (x.ndim() - 2)..]);
    let y = Tensor::empty(&shape, DType::F32, Device::Cpu)?;
    let (xp, wp, yp) = (Shared(x.ptr()? as *mut f32), Shared(w.ptr()? as *mut f32), Shared(y.ptr()? as *mut f32));
    let sp = g.spatial();
    let part = |p: usize| {
        let (img, gi) = (p / groups, p % groups);
        let xs = xp.at((img * c + gi * cg) * sp);
        let (wg, yg) = (mat(wp.at(gi * og * ck), ck, 1), yp.at((img * o + gi * og) * ll));
        // SAFETY: the shapes were checked above; part p writes only y[img, group gi].
        if g.pointwise() {
            unsafe { product_here(og, ck, ll, wg, mat(xs, ll, 1), yg, ll, false) };
        } else {
            with_cols(ck * ll, |cols| unsafe {
                im2col(g, xs, cg, cols);
                product_here(og, ck, ll, wg, mat(cols, ll, 1), yg, ll, false);
            });
        }
    };
    parallel(n * groups, threads(), &part);
    Ok(Some(y))
}

/// dx [n, c, *input] from gy [n, o, *output] and w [o, c / groups, *kernel].
pub fn backward_input(gy: &Tensor, w: &Tensor, g: &Geom, groups: usize, channels: usize) -> Result<Option<Tensor>> {
    let n = gy.shape()[0];
    let o = w.shape()[0];
    let (cg, og, kk, ll) = (channels / groups, o / groups, g.kk(), g.ll());
    let ck = cg * kk;
    agree(groups > 0 && channels.is_multiple_of(groups) && o.is_multiple_of(groups) && w.numel() == o * ck)?;
    agree(gy.ndim() >= 3 && gy.shape()[1] == o && gy.numel() == n * o * ll)?;
    if !fits(&[gy, w]) || !suits(ck, og, ll) || n * groups < threads() {
        return Ok(None);
    }
    let mut shape = vec![n, channels];
    shape.extend_from_slice(&g.input[3 - (gy.ndim() - 2)..]);
    batch_of(&shape, g)?;
    let dx = Tensor::empty(&shape, DType::F32, Device::Cpu)?;
    let (gp, wp, dp) = (Shared(gy.ptr()? as *mut f32), Shared(w.ptr()? as *mut f32), Shared(dx.ptr()? as *mut f32));
    let sp = g.spatial();
    let part = |p: usize| {
        let (img, gi) = (p / groups, p % groups);
        // w[group]^T: its rows are w's columns.
        let wt = Mat { ptr: wp.at(gi * og * ck), s: [0, 1, ck as isize] };
        let (gg, dxs) = (mat(gp.at((img * o + gi * og) * ll), ll, 1), dp.at((img * channels + gi * cg) * sp));
        // SAFETY: the shapes were checked above; part p writes only dx[img, group gi].
        if g.pointwise() {
            unsafe { product_here(ck, og, ll, wt, gg, dxs, ll, false) };
        } else {
            with_cols(ck * ll, |cols| unsafe {
                product_here(ck, og, ll, wt, gg, cols, ll, false);
                std::ptr::write_bytes(dxs, 0, cg * sp);
                col2im(g, cols, cg, dxs);
            });
        }
    };
    parallel(n * groups, threads(), &part);
    Ok(Some(dx))
}

/// dw [o, c / groups, *kernel] from gy [n, o, *output] and x [n, c, *input].
pub fn backward_weight(gy: &Tensor, x: &Tensor, g: &Geom, groups: usize, w_shape: &[usize]) -> Result<Option<Tensor>> {
    let (n, c) = batch_of(x.shape(), g)?;
    let o = gy.shape()[1];
    let (cg, og, kk, ll) = (c / groups, o / groups, g.kk(), g.ll());
    let ck = cg * kk;
    // dw[group] = g @ cols^T [og, ck], or its transpose cols @ g^T [ck, og] where that suits the
    // micro-kernel better (few output channels, or a weight of few columns such as a 1-channel 3x3).
    agree(groups > 0 && c.is_multiple_of(groups) && o.is_multiple_of(groups))?;
    agree(gy.ndim() == x.ndim() && gy.shape()[0] == n && gy.numel() == n * o * ll)?;
    agree(w_shape.len() == x.ndim() && w_shape.iter().product::<usize>() == o * ck && w_shape[0] == o)?;
    let transposed = !suits(og, ll, ck);
    if !fits(&[gy, x]) || (transposed && !suits(ck, ll, og)) || n < threads() {
        return Ok(None);
    }
    let tc = threads().min(n);
    let per = groups * og * ck;
    let mut partial = vec![0f32; tc * per];
    let (gp, xp, pp) = (Shared(gy.ptr()? as *mut f32), Shared(x.ptr()? as *mut f32), Shared(partial.as_mut_ptr()));
    let sp = g.spatial();
    let part = |t: usize| {
        for img in n * t / tc..n * (t + 1) / tc {
            for gi in 0..groups {
                let acc = pp.at(t * per + gi * og * ck);
                let gg = gp.at((img * o + gi * og) * ll);
                let xs = xp.at((img * c + gi * cg) * sp);
                let run = |cols: *const f32| {
                    // SAFETY: shapes checked above; part t accumulates into its own partial only.
                    unsafe {
                        if transposed {
                            // cols [ck, ll] @ g^T [ll, og]
                            product_here(ck, ll, og, mat(cols, ll, 1), Mat { ptr: gg, s: [0, 1, ll as isize] }, acc, og, true);
                        } else {
                            // g [og, ll] @ cols^T [ll, ck]
                            product_here(og, ll, ck, mat(gg, ll, 1), Mat { ptr: cols, s: [0, 1, ll as isize] }, acc, ck, true);
                        }
                    }
                };
                if g.pointwise() {
                    run(xs);
                } else {
                    // SAFETY: as above.
                    with_cols(ck * ll, |cols| unsafe {
                        im2col(g, xs, cg, cols);
                        run(cols);
                    });
                }
            }
        }
    };
    parallel(tc, tc, &part);
    let dw = Tensor::empty(w_shape, DType::F32, Device::Cpu)?;
    // SAFETY: dw is a new contiguous tensor of `per` floats.
    let out = unsafe { std::slice::from_raw_parts_mut(dw.ptr()? as *mut f32, per) };
    for (i, v) in out.iter_mut().enumerate() {
        // The partials in thread order; a transposed partial is read across.
        let at = if transposed {
            let (gi, r) = (i / (og * ck), i % (og * ck));
            gi * og * ck + (r % ck) * og + r / ck
        } else {
            i
        };
        *v = (0..tc).map(|t| partial[t * per + at]).sum();
    }
    Ok(Some(dw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_ranges() {
        // 5 outputs, stride 1, kernel offset 0, padding 1, input 5: output 0 reads the padding.
        assert_eq!(valid(5, 1, 0, 1, 5), (1, 5));
        // offset 2 with padding 1: output 4 reads position 5, past the end.
        assert_eq!(valid(5, 1, 2, 1, 5), (0, 4));
        // stride 2: outputs read 0, 2, 4, 6 (-1 shifted by padding).
        assert_eq!(valid(4, 2, 0, 1, 7), (1, 4));
        // everything in the padding: an empty range
        let (lo, hi) = valid(3, 1, 0, 9, 2);
        assert!(lo >= hi);
    }
}
