//! Random numbers. The generator is counter-based (SplitMix64 over a
//! (seed, offset) counter): element i of a fill draws from counter offset+i, so
//! large fills run in parallel and still reproduce exactly from a seed.

use super::iter::GRAIN;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::tensor::Tensor;
use rayon::prelude::*;

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

#[inline(always)]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// PyTorch's default seed, so an unseeded process starts from a fixed state too.
pub const DEFAULT_SEED: u64 = 67_280_421_310_721;

#[derive(Clone, Copy, Debug)]
pub struct Generator {
    seed: u64,
    key: u64,
    offset: u64,
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        Generator { seed, key: mix(seed ^ 0x5851_F42D_4C95_7F2D), offset: 0 }
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn offset(&self) -> u64 {
        self.offset
    }
    pub fn set_state(&mut self, seed: u64, offset: u64) {
        *self = Generator { offset, ..Generator::new(seed) };
    }
    /// Claims `n` draws; returns the stream they come from.
    pub fn take(&mut self, n: u64) -> Stream {
        let s = Stream { key: self.key, base: self.offset };
        self.offset = self.offset.wrapping_add(n);
        s
    }
}

#[derive(Clone, Copy)]
pub struct Stream {
    key: u64,
    base: u64,
}

impl Stream {
    /// (key, base): what a device kernel needs to draw the same numbers.
    pub fn parts(self) -> (u64, u64) {
        (self.key, self.base)
    }
    #[inline(always)]
    pub fn bits(self, i: u64) -> u64 {
        mix(self.key.wrapping_add(self.base.wrapping_add(i).wrapping_add(1).wrapping_mul(GOLDEN)))
    }
    /// Uniform in [0, 1) with 53 random bits.
    #[inline(always)]
    pub fn unit(self, i: u64) -> f64 {
        (self.bits(i) >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
    /// Uniform integer in [0, range) (Lemire's multiply-shift).
    #[inline(always)]
    pub fn below(self, i: u64, range: u64) -> u64 {
        ((self.bits(i) as u128 * range as u128) >> 64) as u64
    }
}

/// Writes `f(i)` to element i of a contiguous tensor, in parallel when large.
pub fn fill_indexed<T: Element>(out: &Tensor, f: impl Fn(usize) -> T + Sync) -> Result<()> {
    if !out.is_contiguous() || out.dtype != T::DTYPE {
        return Err(Error::runtime("fill_indexed needs a contiguous output of its dtype"));
    }
    let n = out.numel();
    let base = out.ptr()? as usize;
    let body = |range: std::ops::Range<usize>| {
        let p = base as *mut T;
        for i in range {
            // SAFETY: i < numel of a contiguous tensor.
            unsafe { *p.add(i) = f(i) };
        }
    };
    if n >= 2 * GRAIN {
        let pieces = (n / GRAIN).min(rayon::current_num_threads() * 4);
        (0..pieces).into_par_iter().for_each(|c| body(n * c / pieces..n * (c + 1) / pieces));
    } else {
        body(0..n);
    }
    Ok(())
}

/// Uniform in [lo, hi) converted to `T` (f32 keeps 24 random bits so values stay < hi).
pub fn uniform<T: Element>(out: &Tensor, s: Stream, lo: f64, hi: f64) -> Result<()> {
    let span = hi - lo;
    fill_indexed::<T>(out, |i| {
        let u = if T::DTYPE == crate::dtype::DType::F64 {
            s.unit(i as u64)
        } else {
            (s.bits(i as u64) >> 40) as f64 * (1.0 / (1u64 << 24) as f64)
        };
        T::from_f64(lo + span * u)
    })
}

/// Normal(mean, std) by Box-Muller; element i uses draws 2i and 2i+1.
pub fn normal<T: Element>(out: &Tensor, s: Stream, mean: f64, std: f64) -> Result<()> {
    fill_indexed::<T>(out, |i| {
        let u1 = 1.0 - s.unit(2 * i as u64); // (0, 1]: ln never sees 0
        let u2 = s.unit(2 * i as u64 + 1);
        let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
        T::from_f64(mean + std * z)
    })
}

/// Integers uniform in [lo, hi).
pub fn randint<T: Element>(out: &Tensor, s: Stream, lo: i64, hi: i64) -> Result<()> {
    let range = hi.wrapping_sub(lo) as u64;
    fill_indexed::<T>(out, |i| T::from_i64(lo.wrapping_add(s.below(i as u64, range) as i64)))
}

/// A random permutation of 0..n (Fisher-Yates).
pub fn randperm(n: usize, s: Stream) -> Vec<i64> {
    let mut v: Vec<i64> = (0..n as i64).collect();
    for i in (1..n).rev() {
        let j = s.below(i as u64, i as u64 + 1) as usize;
        v.swap(i, j);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_reproduce_and_differ() {
        let mut a = Generator::new(0);
        let mut b = Generator::new(0);
        let (sa, sb) = (a.take(10), b.take(10));
        assert_eq!(sa.bits(3), sb.bits(3));
        assert_ne!(Generator::new(1).take(1).bits(0), Generator::new(0).take(1).bits(0));
        assert_ne!(a.take(1).bits(0), sa.bits(0)); // the offset advanced
    }

    #[test]
    fn uniform_moments() {
        let s = Generator::new(7).take(100_000);
        let n = 100_000;
        let mean: f64 = (0..n).map(|i| s.unit(i)).sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.01);
        let p = randperm(1000, s);
        let mut q = p.clone();
        q.sort();
        assert_eq!(q, (0..1000).collect::<Vec<i64>>());
    }
}
