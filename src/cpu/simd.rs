//! Contiguous inner loops compiled twice: for AVX2+FMA (chosen at run time on
//! x86-64) and for the baseline target (SSE2 on x86-64, NEON on aarch64, or
//! scalar elsewhere). The generic bodies are written so LLVM vectorises them;
//! the closures they take are inlined into the AVX2 copies.

#[cfg(target_arch = "x86_64")]
pub fn has_avx2() -> bool {
    use std::sync::OnceLock;
    static FLAG: OnceLock<bool> = OnceLock::new();
    *FLAG.get_or_init(|| {
        std::env::var_os("RUSTORCH_NO_AVX2").is_none()
            && std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("fma")
    })
}

#[cfg(not(target_arch = "x86_64"))]
pub fn has_avx2() -> bool {
    false
}

/// AVX-512F, used by the few kernels written with intrinsics (RUSTORCH_NO_AVX512 turns it off).
#[cfg(target_arch = "x86_64")]
pub fn has_avx512() -> bool {
    use std::sync::OnceLock;
    static FLAG: OnceLock<bool> = OnceLock::new();
    *FLAG.get_or_init(|| {
        has_avx2() && std::env::var_os("RUSTORCH_NO_AVX512").is_none() && std::arch::is_x86_feature_detected!("avx512f")
    })
}

/// Defines `$name` running `$body` (an unsafe block over the parameters) in an
/// AVX-512 copy when the CPU has it (16 lanes: exp, tanh and GELU on 512K floats took half
/// the time of the AVX2 copy), an AVX2 copy, or the portable copy otherwise.
macro_rules! multiversion {
    ($(#[$m:meta])* $vis:vis unsafe fn $name:ident<$($g:ident $(: $b:path)?),*>($($p:ident : $t:ty),*) where F: $fb:path $body:block) => {
        $(#[$m])*
        ///
        /// # Safety
        /// Every pointer must be valid for `n` elements; the output may alias an
        /// input only exactly (in place), never partially.
        #[inline]
        $vis unsafe fn $name<$($g $(: $b)?),*>($($p: $t),*) where F: $fb {
            #[inline(always)]
            unsafe fn body<$($g $(: $b)?),*>($($p: $t),*) where F: $fb $body
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2,fma")]
            unsafe fn avx2<$($g $(: $b)?),*>($($p: $t),*) where F: $fb { body($($p),*) }
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx512f,avx2,fma")]
            unsafe fn avx512<$($g $(: $b)?),*>($($p: $t),*) where F: $fb { body($($p),*) }
            #[cfg(target_arch = "x86_64")]
            if has_avx512() {
                return avx512($($p),*);
            }
            #[cfg(target_arch = "x86_64")]
            if has_avx2() {
                return avx2($($p),*);
            }
            body($($p),*)
        }
    };
}

// In-place calls (`x.exp_()`, `x.div_(y)`) pass the same address as output and
// input. Through two pointer arguments LLVM cannot prove the loop safe, so its
// vectorised loop sits behind a run-time overlap test, and exact aliasing fails
// that test and runs the scalar fallback (5-7x slower). Each map therefore has an
// in-place body that reads and writes through one pointer, which LLVM vectorises
// without a test, and the public function picks it when the addresses match.

/// True when `o` is `a` and the element sizes match (the in-place case).
#[inline(always)]
fn same<A, O>(a: *const A, o: *mut O) -> bool {
    a as *const u8 == o as *const u8 && std::mem::size_of::<A>() == std::mem::size_of::<O>()
}

multiversion! {
    unsafe fn map1_apart<A: Copy, O: Copy, F>(a: *const A, o: *mut O, n: usize, f: &F) where F: Fn(A) -> O {
        for i in 0..n {
            *o.add(i) = f(*a.add(i));
        }
    }
}

multiversion! {
    unsafe fn map1_inplace<A: Copy, O: Copy, F>(p: *mut u8, n: usize, f: &F) where F: Fn(A) -> O {
        for i in 0..n {
            *(p as *mut O).add(i) = f(*(p as *const A).add(i));
        }
    }
}

/// `o[i] = f(a[i])`; `o` may be `a` (in place).
///
/// # Safety
/// Every pointer must be valid for `n` elements; the output may alias an input
/// only exactly (in place), never partially.
#[inline]
pub unsafe fn map1<A: Copy, O: Copy, F: Fn(A) -> O>(a: *const A, o: *mut O, n: usize, f: &F) {
    if same(a, o) {
        map1_inplace::<A, O, F>(o as *mut u8, n, f)
    } else {
        map1_apart(a, o, n, f)
    }
}

multiversion! {
    unsafe fn map2_apart<A: Copy, B: Copy, O: Copy, F>(a: *const A, b: *const B, o: *mut O, n: usize, f: &F) where F: Fn(A, B) -> O {
        for i in 0..n {
            *o.add(i) = f(*a.add(i), *b.add(i));
        }
    }
}

multiversion! {
    /// `p[i] = f(p[i], b[i])`, or `f(b[i], p[i])` with `swap`.
    unsafe fn map2_inplace<A: Copy, B: Copy, O: Copy, F>(p: *mut u8, b: *const u8, swap: bool, n: usize, f: &F) where F: Fn(A, B) -> O {
        if swap {
            for i in 0..n {
                *(p as *mut O).add(i) = f(*(b as *const A).add(i), *(p as *const B).add(i));
            }
        } else {
            for i in 0..n {
                *(p as *mut O).add(i) = f(*(p as *const A).add(i), *(b as *const B).add(i));
            }
        }
    }
}

/// `o[i] = f(a[i], b[i])`; `o` may be `a` or `b` (in place).
///
/// # Safety
/// As `map1`.
#[inline]
pub unsafe fn map2<A: Copy, B: Copy, O: Copy, F: Fn(A, B) -> O>(a: *const A, b: *const B, o: *mut O, n: usize, f: &F) {
    if same(a, o) {
        map2_inplace::<A, B, O, F>(o as *mut u8, b as *const u8, false, n, f)
    } else if same(b, o) {
        map2_inplace::<A, B, O, F>(o as *mut u8, a as *const u8, true, n, f)
    } else {
        map2_apart(a, b, o, n, f)
    }
}

multiversion! {
    unsafe fn map2_rs_apart<A: Copy, B: Copy, O: Copy, F>(a: *const A, s: B, o: *mut O, n: usize, f: &F) where F: Fn(A, B) -> O {
        for i in 0..n {
            *o.add(i) = f(*a.add(i), s);
        }
    }
}

/// `o[i] = f(a[i], s)`: the right operand is broadcast (a Python number); `o` may be `a`.
///
/// # Safety
/// As `map1`.
#[inline]
pub unsafe fn map2_rs<A: Copy, B: Copy, O: Copy, F: Fn(A, B) -> O>(a: *const A, s: B, o: *mut O, n: usize, f: &F) {
    if same(a, o) {
        map1_inplace::<A, O, _>(o as *mut u8, n, &|v: A| f(v, s))
    } else {
        map2_rs_apart(a, s, o, n, f)
    }
}

multiversion! {
    unsafe fn map2_ls_apart<A: Copy, B: Copy, O: Copy, F>(s: A, b: *const B, o: *mut O, n: usize, f: &F) where F: Fn(A, B) -> O {
        for i in 0..n {
            *o.add(i) = f(s, *b.add(i));
        }
    }
}

/// `o[i] = f(s, b[i])`: the left operand is broadcast; `o` may be `b`.
///
/// # Safety
/// As `map1`.
#[inline]
pub unsafe fn map2_ls<A: Copy, B: Copy, O: Copy, F: Fn(A, B) -> O>(s: A, b: *const B, o: *mut O, n: usize, f: &F) {
    if same(b, o) {
        map1_inplace::<B, O, _>(o as *mut u8, n, &|v: B| f(s, v))
    } else {
        map2_ls_apart(s, b, o, n, f)
    }
}

multiversion! {
    unsafe fn map3_apart<A: Copy, B: Copy, C: Copy, O: Copy, F>(a: *const A, b: *const B, c: *const C, o: *mut O, n: usize, f: &F) where F: Fn(A, B, C) -> O {
        for i in 0..n {
            *o.add(i) = f(*a.add(i), *b.add(i), *c.add(i));
        }
    }
}

multiversion! {
    unsafe fn map3_inplace<A: Copy, B: Copy, C: Copy, O: Copy, F>(p: *mut u8, b: *const B, c: *const C, n: usize, f: &F) where F: Fn(A, B, C) -> O {
        for i in 0..n {
            *(p as *mut O).add(i) = f(*(p as *const A).add(i), *b.add(i), *c.add(i));
        }
    }
}

/// `o[i] = f(a[i], b[i], c[i])`; `o` may be `a` (`x.addcmul_(y, z)`).
///
/// # Safety
/// As `map1`.
#[inline]
pub unsafe fn map3<A: Copy, B: Copy, C: Copy, O: Copy, F: Fn(A, B, C) -> O>(a: *const A, b: *const B, c: *const C, o: *mut O, n: usize, f: &F) {
    if same(a, o) {
        map3_inplace::<A, B, C, O, F>(o as *mut u8, b, c, n, f)
    } else {
        map3_apart(a, b, c, o, n, f)
    }
}

/// A function with a vectorisable form that is valid where `fast_ok` holds
/// (the common inputs) and a scalar form (a libm call) for the rest.
pub trait Guarded<A, O>: Sync {
    fn fast(&self, a: A) -> O;
    fn fast_ok(&self, a: A) -> bool;
    fn slow(&self, a: A) -> O;
}

/// Elements per block of `map1_guarded`: large enough that the check is cheap,
/// small enough for a stack copy.
const GUARD_BLOCK: usize = 256;

multiversion! {
    /// `o[i] = f(a[i])` through the fast form, block by block; a block holding an
    /// input outside the fast form's range is redone with the scalar form from a
    /// copy of its inputs (so `o` may be `a`).
    pub unsafe fn map1_guarded<A: Copy, O: Copy, F>(a: *const A, o: *mut O, n: usize, f: &F) where F: Guarded<A, O> {
        let mut i = 0;
        while i < n {
            let m = GUARD_BLOCK.min(n - i);
            let mut buf = [std::mem::MaybeUninit::<A>::uninit(); GUARD_BLOCK];
            std::ptr::copy_nonoverlapping(a.add(i), buf.as_mut_ptr() as *mut A, m);
            let src = buf.as_ptr() as *const A;
            let dst = o.add(i);
            let mut all_ok = true;
            for k in 0..m {
                let v = *src.add(k);
                all_ok &= f.fast_ok(v);
                *dst.add(k) = f.fast(v);
            }
            if !all_ok {
                for k in 0..m {
                    let v = *src.add(k);
                    if !f.fast_ok(v) {
                        *dst.add(k) = f.slow(v);
                    }
                }
            }
            i += m;
        }
    }
}

/// The shared part of `exp_f32` and `math_f32::expm1_f32`: x = n ln2 + r with |r| <= ln2/2 (x already
/// clamped to where 2^n stays in range), and expm1(r) by Cephes' exp polynomial without its leading 1.
#[inline(always)]
pub(crate) fn exp_reduce(x: f32) -> (i32, f32) {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_359_4; // few mantissa bits: n * LN2_HI is exact
    const LN2_LO: f32 = -2.121_944_4e-4;
    const MAGIC: f32 = 12_582_912.0; // 1.5 * 2^23: adding it rounds to an integer
    let t = x * LOG2E + MAGIC;
    let nf = t - MAGIC;
    let n = t.to_bits() as i32 - MAGIC.to_bits() as i32;
    let r = x - nf * LN2_HI - nf * LN2_LO;
    let mut y = 1.987_569_2e-4f32;
    y = y * r + 1.398_2e-3;
    y = y * r + 8.333_452e-3;
    y = y * r + 4.166_579_6e-2;
    y = y * r + 0.166_666_65;
    y = y * r + 0.5;
    (n, y * r * r + r)
}

/// `exp` for f32 without a libm call, so that it vectorises: Cody-Waite range
/// reduction to r in [-ln2/2, ln2/2] and Cephes' degree-6 polynomial (about
/// 1 ulp), then scaling by 2^n built from exponent bits.
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    let (ni, p) = exp_reduce(x.clamp(-104.0, 89.0));
    let y = p + 1.0;
    // 2^n as two factors keeps both exponents normal for n in [-150, 128],
    // so overflow gives inf and underflow gives denormals/0 as it should.
    let n1 = ni >> 1;
    let n2 = ni - n1;
    let s1 = f32::from_bits(((n1 + 127) as u32) << 23);
    let s2 = f32::from_bits(((n2 + 127) as u32) << 23);
    let res = y * s1 * s2;
    if x.is_nan() {
        x
    } else {
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_f32_is_accurate_and_handles_specials() {
        let mut worst = 0.0f64;
        let mut x = -103.0f32;
        while x < 88.7 {
            let want = (x as f64).exp();
            let got = exp_f32(x) as f64;
            if want > 1.2e-38 {
                worst = worst.max(((got - want) / want).abs());
            }
            x += 0.0137;
        }
        assert!(worst < 2.5e-7, "max relative error {worst}");
        assert_eq!(exp_f32(f32::INFINITY), f32::INFINITY);
        assert_eq!(exp_f32(f32::NEG_INFINITY), 0.0);
        assert_eq!(exp_f32(89.0), f32::INFINITY);
        assert!(exp_f32(f32::NAN).is_nan());
        assert_eq!(exp_f32(0.0), 1.0);
    }

    #[test]
    fn maps_agree_with_scalar_loops() {
        let a: Vec<f32> = (0..1000).map(|i| i as f32 * 0.01 - 5.0).collect();
        let b: Vec<f32> = (0..1000).map(|i| i as f32 * 0.03).collect();
        let mut o = vec![0f32; 1000];
        unsafe { map2(a.as_ptr(), b.as_ptr(), o.as_mut_ptr(), 1000, &|x, y| x * y + 1.0) };
        for i in 0..1000 {
            assert_eq!(o[i], a[i] * b[i] + 1.0);
        }
        unsafe { map1(a.as_ptr(), o.as_mut_ptr(), 1000, &|x: f32| exp_f32(x)) };
        for i in 0..1000 {
            assert!((o[i] - a[i].exp()).abs() <= 2e-7 * a[i].exp());
        }
    }
}
