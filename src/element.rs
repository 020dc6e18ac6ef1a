//! Element types: one Rust type per DType, conversions with PyTorch's casting
//! semantics, and the float maths the kernels are written against.

use crate::dtype::DType;
use bytemuck::{Pod, Zeroable};
use half::{bf16, f16};

/// `bool` is not `Pod` (only 0 and 1 are valid), so bool tensors store bytes
/// that kernels keep normalised to 0/1.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd, Pod, Zeroable)]
pub struct Bool(pub u8);

pub trait Element: Copy + Send + Sync + 'static + PartialOrd + Default + Pod + std::fmt::Debug {
    const DTYPE: DType;
    const IS_FLOAT: bool;
    fn to_f64(self) -> f64;
    fn to_i64(self) -> i64;
    /// Float -> this type; for integers, truncation toward zero (C cast).
    fn from_f64(v: f64) -> Self;
    /// Integer -> this type; wrapping for narrower integers.
    fn from_i64(v: i64) -> Self;
    fn from_bool(b: bool) -> Self;
    fn is_nonzero(self) -> bool;
}

macro_rules! int_element {
    ($t:ty, $d:ident) => {
        impl Element for $t {
            const DTYPE: DType = DType::$d;
            const IS_FLOAT: bool = false;
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn to_i64(self) -> i64 {
                self as i64
            }
            #[inline(always)]
            fn from_f64(v: f64) -> Self {
                // Through i64 so that e.g. 300.0 -> uint8 wraps like PyTorch's CPU cast.
                (v as i64) as $t
            }
            #[inline(always)]
            fn from_i64(v: i64) -> Self {
                v as $t
            }
            #[inline(always)]
            fn from_bool(b: bool) -> Self {
                b as $t
            }
            #[inline(always)]
            fn is_nonzero(self) -> bool {
                self != 0
            }
        }
    };
}
int_element!(u8, U8);
int_element!(i8, I8);
int_element!(i16, I16);
int_element!(i32, I32);
int_element!(i64, I64);

impl Element for Bool {
    const DTYPE: DType = DType::Bool;
    const IS_FLOAT: bool = false;
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self.0 as f64
    }
    #[inline(always)]
    fn to_i64(self) -> i64 {
        self.0 as i64
    }
    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        Bool((v != 0.0) as u8)
    }
    #[inline(always)]
    fn from_i64(v: i64) -> Self {
        Bool((v != 0) as u8)
    }
    #[inline(always)]
    fn from_bool(b: bool) -> Self {
        Bool(b as u8)
    }
    #[inline(always)]
    fn is_nonzero(self) -> bool {
        self.0 != 0
    }
}

impl Element for f32 {
    const DTYPE: DType = DType::F32;
    const IS_FLOAT: bool = true;
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self as f64
    }
    #[inline(always)]
    fn to_i64(self) -> i64 {
        self as i64
    }
    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    #[inline(always)]
    fn from_i64(v: i64) -> Self {
        v as f32
    }
    #[inline(always)]
    fn from_bool(b: bool) -> Self {
        b as u8 as f32
    }
    #[inline(always)]
    fn is_nonzero(self) -> bool {
        self != 0.0
    }
}

impl Element for f64 {
    const DTYPE: DType = DType::F64;
    const IS_FLOAT: bool = true;
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline(always)]
    fn to_i64(self) -> i64 {
        self as i64
    }
    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v
    }
    #[inline(always)]
    fn from_i64(v: i64) -> Self {
        v as f64
    }
    #[inline(always)]
    fn from_bool(b: bool) -> Self {
        b as u8 as f64
    }
    #[inline(always)]
    fn is_nonzero(self) -> bool {
        self != 0.0
    }
}

macro_rules! half_element {
    ($t:ty, $d:ident) => {
        impl Element for $t {
            const DTYPE: DType = DType::$d;
            const IS_FLOAT: bool = true;
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self.to_f64()
            }
            #[inline(always)]
            fn to_i64(self) -> i64 {
                self.to_f32() as i64
            }
            // Through f32, as PyTorch converts doubles to half types (and correctly
            // rounded: half's from_f64 drops the low mantissa bits before rounding).
            #[inline(always)]
            fn from_f64(v: f64) -> Self {
                <$t>::from_f32(v as f32)
            }
            #[inline(always)]
            fn from_i64(v: i64) -> Self {
                <$t>::from_f32(v as f32)
            }
            #[inline(always)]
            fn from_bool(b: bool) -> Self {
                <$t>::from_f32(b as u8 as f32)
            }
            #[inline(always)]
            fn is_nonzero(self) -> bool {
                self.to_f32() != 0.0
            }
        }
    };
}
half_element!(f16, F16);
half_element!(bf16, BF16);

/// Conversion with PyTorch's `.to(dtype)` semantics.
#[inline(always)]
pub fn cast<S: Element, D: Element>(s: S) -> D {
    if D::DTYPE == DType::Bool {
        D::from_bool(s.is_nonzero())
    } else if S::IS_FLOAT {
        D::from_f64(s.to_f64())
    } else {
        D::from_i64(s.to_i64())
    }
}

/// Float maths the kernels use, so one generic body serves f32 and f64.
pub trait Real: Element + std::ops::Add<Output = Self> + std::ops::Sub<Output = Self>
    + std::ops::Mul<Output = Self> + std::ops::Div<Output = Self> + std::ops::Neg<Output = Self>
    + std::ops::Rem<Output = Self>
{
    const ZERO: Self;
    const ONE: Self;
    const NAN: Self;
    const INFINITY: Self;
    const MAX: Self;
    fn exp(self) -> Self;
    fn exp2(self) -> Self;
    fn exp_m1(self) -> Self;
    fn ln(self) -> Self;
    fn log2(self) -> Self;
    fn log10(self) -> Self;
    fn ln_1p(self) -> Self;
    fn sqrt(self) -> Self;
    fn sin(self) -> Self;
    fn cos(self) -> Self;
    fn tan(self) -> Self;
    fn asin(self) -> Self;
    fn acos(self) -> Self;
    fn atan(self) -> Self;
    fn sinh(self) -> Self;
    fn cosh(self) -> Self;
    fn tanh(self) -> Self;
    fn erf(self) -> Self;
    fn floor(self) -> Self;
    fn ceil(self) -> Self;
    fn round_even(self) -> Self;
    fn trunc(self) -> Self;
    fn abs(self) -> Self;
    fn powf(self, e: Self) -> Self;
    fn atan2(self, o: Self) -> Self;
    fn is_nan(self) -> bool;
    fn is_infinite(self) -> bool;
    fn is_finite(self) -> bool;
    fn copysign(self, s: Self) -> Self;
    fn is_sign_negative(self) -> bool;
}

macro_rules! real_impl {
    ($t:ident, $erf:path, $exp:path) => {
        impl Real for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const NAN: Self = $t::NAN;
            const INFINITY: Self = $t::INFINITY;
            const MAX: Self = $t::MAX;
            #[inline(always)] fn exp(self) -> Self { $exp(self) }
            #[inline(always)] fn exp2(self) -> Self { $t::exp2(self) }
            #[inline(always)] fn exp_m1(self) -> Self { $t::exp_m1(self) }
            #[inline(always)] fn ln(self) -> Self { $t::ln(self) }
            #[inline(always)] fn log2(self) -> Self { $t::log2(self) }
            #[inline(always)] fn log10(self) -> Self { $t::log10(self) }
            #[inline(always)] fn ln_1p(self) -> Self { $t::ln_1p(self) }
            #[inline(always)] fn sqrt(self) -> Self { $t::sqrt(self) }
            #[inline(always)] fn sin(self) -> Self { $t::sin(self) }
            #[inline(always)] fn cos(self) -> Self { $t::cos(self) }
            #[inline(always)] fn tan(self) -> Self { $t::tan(self) }
            #[inline(always)] fn asin(self) -> Self { $t::asin(self) }
            #[inline(always)] fn acos(self) -> Self { $t::acos(self) }
            #[inline(always)] fn atan(self) -> Self { $t::atan(self) }
            #[inline(always)] fn sinh(self) -> Self { $t::sinh(self) }
            #[inline(always)] fn cosh(self) -> Self { $t::cosh(self) }
            #[inline(always)] fn tanh(self) -> Self { $t::tanh(self) }
            #[inline(always)] fn erf(self) -> Self { $erf(self) }
            #[inline(always)] fn floor(self) -> Self { $t::floor(self) }
            #[inline(always)] fn ceil(self) -> Self { $t::ceil(self) }
            #[inline(always)] fn round_even(self) -> Self { $t::round_ties_even(self) }
            #[inline(always)] fn trunc(self) -> Self { $t::trunc(self) }
            #[inline(always)] fn abs(self) -> Self { $t::abs(self) }
            #[inline(always)] fn powf(self, e: Self) -> Self { $t::powf(self, e) }
            #[inline(always)] fn atan2(self, o: Self) -> Self { $t::atan2(self, o) }
            #[inline(always)] fn is_nan(self) -> bool { $t::is_nan(self) }
            #[inline(always)] fn is_infinite(self) -> bool { $t::is_infinite(self) }
            #[inline(always)] fn is_finite(self) -> bool { $t::is_finite(self) }
            #[inline(always)] fn copysign(self, s: Self) -> Self { $t::copysign(self, s) }
            #[inline(always)] fn is_sign_negative(self) -> bool { $t::is_sign_negative(self) }
        }
    };
}
// f32 exp is the vectorisable polynomial (libm's expf is a call per element);
// f64 keeps the correctly rounded libm version.
real_impl!(f32, libm::erff, crate::cpu::simd::exp_f32);
real_impl!(f64, libm::erf, f64::exp);

/// Integer maths with PyTorch's wrapping semantics.
pub trait Int: Element + Ord {
    const BITS: u32;
    const SIGNED: bool;
    fn wadd(self, o: Self) -> Self;
    fn wsub(self, o: Self) -> Self;
    fn wmul(self, o: Self) -> Self;
    fn wneg(self) -> Self;
    /// Division truncating toward zero; `o != 0` is checked by the caller.
    fn tdiv(self, o: Self) -> Self;
    fn trem(self, o: Self) -> Self;
    fn band(self, o: Self) -> Self;
    fn bor(self, o: Self) -> Self;
    fn bxor(self, o: Self) -> Self;
    fn bnot(self) -> Self;
    fn shl(self, s: Self) -> Self;
    fn shr(self, s: Self) -> Self;
    fn zero() -> Self;
    fn one() -> Self;
}

macro_rules! int_impl {
    ($t:ty, $signed:expr) => {
        impl Int for $t {
            const BITS: u32 = <$t>::BITS;
            const SIGNED: bool = $signed;
            #[inline(always)] fn wadd(self, o: Self) -> Self { self.wrapping_add(o) }
            #[inline(always)] fn wsub(self, o: Self) -> Self { self.wrapping_sub(o) }
            #[inline(always)] fn wmul(self, o: Self) -> Self { self.wrapping_mul(o) }
            #[inline(always)] fn wneg(self) -> Self { self.wrapping_neg() }
            #[inline(always)] fn tdiv(self, o: Self) -> Self { if o == 0 { 0 } else { self.wrapping_div(o) } }
            #[inline(always)] fn trem(self, o: Self) -> Self { if o == 0 { 0 } else { self.wrapping_rem(o) } }
            #[inline(always)] fn band(self, o: Self) -> Self { self & o }
            #[inline(always)] fn bor(self, o: Self) -> Self { self | o }
            #[inline(always)] fn bxor(self, o: Self) -> Self { self ^ o }
            #[inline(always)] fn bnot(self) -> Self { !self }
            #[inline(always)]
            fn shl(self, s: Self) -> Self {
                // Shifts by the bit width or more (or negative) give 0, as in PyTorch.
                if (s as i64) < 0 || (s as i64) >= Self::BITS as i64 { 0 } else { self.wrapping_shl(s as u32) }
            }
            #[inline(always)]
            fn shr(self, s: Self) -> Self {
                if (s as i64) < 0 || (s as i64) >= Self::BITS as i64 {
                    if $signed && (self as i64) < 0 { (0 as $t).wrapping_sub(1) } else { 0 }
                } else {
                    self.wrapping_shr(s as u32)
                }
            }
            #[inline(always)] fn zero() -> Self { 0 }
            #[inline(always)] fn one() -> Self { 1 }
        }
    };
}
int_impl!(u8, false);
int_impl!(i8, true);
int_impl!(i16, true);
int_impl!(i32, true);
int_impl!(i64, true);

/// Calls `$body` with `$T` bound to the element type of `$dtype`.
#[macro_export]
macro_rules! dispatch_all {
    ($dtype:expr, $T:ident => $body:expr) => {
        match $dtype {
            $crate::dtype::DType::Bool => { type $T = $crate::element::Bool; $body }
            $crate::dtype::DType::U8 => { type $T = u8; $body }
            $crate::dtype::DType::I8 => { type $T = i8; $body }
            $crate::dtype::DType::I16 => { type $T = i16; $body }
            $crate::dtype::DType::I32 => { type $T = i32; $body }
            $crate::dtype::DType::I64 => { type $T = i64; $body }
            $crate::dtype::DType::F16 => { type $T = half::f16; $body }
            $crate::dtype::DType::BF16 => { type $T = half::bf16; $body }
            $crate::dtype::DType::F32 => { type $T = f32; $body }
            $crate::dtype::DType::F64 => { type $T = f64; $body }
        }
    };
}

/// Like `dispatch_all!` for the integer types (bool excluded); `$else` otherwise.
#[macro_export]
macro_rules! dispatch_int {
    ($dtype:expr, $T:ident => $body:expr, _ => $else:expr) => {
        match $dtype {
            $crate::dtype::DType::U8 => { type $T = u8; $body }
            $crate::dtype::DType::I8 => { type $T = i8; $body }
            $crate::dtype::DType::I16 => { type $T = i16; $body }
            $crate::dtype::DType::I32 => { type $T = i32; $body }
            $crate::dtype::DType::I64 => { type $T = i64; $body }
            _ => $else,
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casts_follow_torch() {
        assert_eq!(cast::<f32, i32>(-2.7), -2);
        assert_eq!(cast::<f32, Bool>(0.5), Bool(1));
        assert_eq!(cast::<f64, Bool>(f64::NAN), Bool(1));
        assert_eq!(cast::<i64, u8>(257), 1);
        assert_eq!(cast::<f32, u8>(300.0), 44);
        assert_eq!(cast::<Bool, f32>(Bool(1)), 1.0);
        assert_eq!(cast::<f32, f16>(1.0), f16::ONE);
    }

    #[test]
    fn shifts_saturate() {
        assert_eq!(Int::shl(1i32, 40), 0);
        assert_eq!(Int::shr(-8i32, 40), -1);
        assert_eq!(Int::shr(-8i32, 1), -4);
    }
}
