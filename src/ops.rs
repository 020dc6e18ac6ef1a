//! The op set: one variant per op, its Python name, the dtype rule it follows,
//! and its scalar function. Kernels (CPU now, WGSL later) are generated from
//! these, so adding an op starts here and the exhaustive matches list the rest.

use crate::element::{Int, Real};

/// Declares an op enum with its names; `NAME::ALL` and `from_name` come with it.
macro_rules! op_enum {
    ($enum:ident { $($v:ident = $n:literal),* $(,)? }) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $enum { $($v),* }
        impl $enum {
            pub const ALL: &'static [$enum] = &[$($enum::$v),*];
            pub fn name(self) -> &'static str {
                match self { $($enum::$v => $n),* }
            }
            pub fn from_name(name: &str) -> Option<$enum> {
                match name { $($n => Some($enum::$v),)* _ => None }
            }
        }
    };
}

op_enum!(UnaryOp {
    Abs = "abs", Neg = "neg", Exp = "exp", Exp2 = "exp2", Expm1 = "expm1", Log = "log", Log2 = "log2",
    Log10 = "log10", Log1p = "log1p", Sqrt = "sqrt", Rsqrt = "rsqrt", Sin = "sin", Cos = "cos", Tan = "tan",
    Asin = "asin", Acos = "acos", Atan = "atan", Sinh = "sinh", Cosh = "cosh", Tanh = "tanh",
    Sigmoid = "sigmoid", Relu = "relu", Erf = "erf", Floor = "floor", Ceil = "ceil", Round = "round",
    Trunc = "trunc", Frac = "frac", Sign = "sign", Reciprocal = "reciprocal", Square = "square",
    BitwiseNot = "bitwise_not", LogicalNot = "logical_not", IsNan = "isnan", IsInf = "isinf",
    IsFinite = "isfinite", Signbit = "signbit",
    // GELU fused (the erf form and the tanh approximation): the activation of transformer MLPs,
    // one pass instead of five ops (`nn.functional.gelu`; no top-level name, as in PyTorch).
    Gelu = "gelu", GeluTanh = "gelu_tanh",
});

/// How an op's output dtype follows from its input dtype.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryKind {
    /// Float maths: integer and bool inputs compute in the default float dtype.
    Float,
    /// Keeps the input dtype; integers computed exactly.
    Same,
    /// Same, but only floats compute anything: integers pass through unchanged.
    Rounding,
    /// Integer/bool only (bitwise).
    Bitwise,
    /// Produces bool.
    Predicate,
}

impl UnaryOp {
    pub fn kind(self) -> UnaryKind {
        use UnaryOp::*;
        match self {
            Abs | Neg | Sign | Square | Relu => UnaryKind::Same,
            Floor | Ceil | Round | Trunc => UnaryKind::Rounding,
            BitwiseNot => UnaryKind::Bitwise,
            LogicalNot | IsNan | IsInf | IsFinite | Signbit => UnaryKind::Predicate,
            Exp | Exp2 | Expm1 | Log | Log2 | Log10 | Log1p | Sqrt | Rsqrt | Sin | Cos | Tan | Asin | Acos
            | Atan | Sinh | Cosh | Tanh | Sigmoid | Erf | Frac | Reciprocal | Gelu | GeluTanh => UnaryKind::Float,
        }
    }
}

impl UnaryOp {
    /// The op as a WGSL expression of `x` on floats (the `{{OP}}` of `shaders/unary.wgsl`),
    /// with PyTorch's semantics; None where the float template does not serve the op
    /// (predicates write bool and bitwise ops take integers: their own families).
    pub fn wgsl(self) -> Option<&'static str> {
        use UnaryOp::*;
        Some(match self {
            Abs => "abs(x)",
            Neg => "-x",
            Exp => "exp(x)",
            Exp2 => "exp2(x)",
            Expm1 => "exp(x) - 1.0",
            Log => "log(x)",
            Log2 => "log2(x)",
            Log10 => "log(x) * 0.4342944819032518",
            Log1p => "log(1.0 + x)",
            Sqrt => "sqrt(x)",
            Rsqrt => "inverseSqrt(x)",
            Sin => "sin(x)",
            Cos => "cos(x)",
            Tan => "rt_tan(x)",
            // Through atan2: some drivers' asin/acos approximations are off by 1e-4 (lavapipe).
            Asin => "atan2(x, sqrt(1.0 - x * x))",
            Acos => "atan2(sqrt(1.0 - x * x), x)",
            Atan => "atan(x)",
            Sinh => "sinh(x)",
            Cosh => "cosh(x)",
            Tanh => "tanh(x)",
            Sigmoid => "1.0 / (1.0 + exp(-x))",
            Relu => "select(x, 0.0, x < 0.0)",
            Erf => "rt_erf(x)",
            Gelu => "x * (0.5 + 0.5 * rt_erf(x * 0.7071067811865476))",
            // (tanh's argument clamped: tanh(10) is 1 in f32, and some drivers' tanh gives NaN far out)
            GeluTanh => "x * (1.0 + tanh(clamp(0.7978845608028654 * (x + 0.044715 * x * x * x), -10.0, 10.0))) * 0.5",
            Floor => "floor(x)",
            Ceil => "ceil(x)",
            Round => "round(x)",
            Trunc => "trunc(x)",
            Frac => "x - trunc(x)",
            // Typed literals: two abstract ones would make the inner select f32.
            Sign => "select(select({{T}}(0.0), {{T}}(-1.0), x < 0.0), {{T}}(1.0), x > 0.0)",
            Reciprocal => "1.0 / x",
            Square => "x * x",
            BitwiseNot | LogicalNot | IsNan | IsInf | IsFinite | Signbit => return None,
        })
    }

    /// Whether WGSL has the op for f64 (its transcendental built-ins are f32/f16 only).
    pub fn wgsl_f64(self) -> bool {
        use UnaryOp::*;
        matches!(self, Abs | Neg | Sqrt | Floor | Ceil | Round | Trunc | Frac | Sign | Reciprocal | Square | Relu)
    }

    /// The ops WGSL lacks for f64, in f64 arithmetic (shaders/math_f64.wgsl).
    pub fn wgsl_f64_soft(self) -> Option<&'static str> {
        use UnaryOp::*;
        Some(match self {
            Exp => "rt_exp64(x)",
            Exp2 => "rt_exp2_64(x)",
            Expm1 => "rt_expm1_64(x)",
            Log => "rt_log64(x)",
            Log2 => "rt_log64(x) * 1.4426950408889634",
            Log10 => "rt_log64(x) * 0.4342944819032518",
            Log1p => "rt_log1p64(x)",
            Rsqrt => "1.0 / sqrt(x)",
            Sin => "rt_sincos64(x).x",
            Cos => "rt_sincos64(x).y",
            Tan => "rt_tan64(x)",
            Asin => "rt_atan2_64(x, sqrt(1.0 - x * x))",
            Acos => "rt_atan2_64(sqrt(1.0 - x * x), x)",
            Atan => "rt_atan64(x)",
            Sinh => "rt_sinh64(x)",
            Cosh => "rt_cosh64(x)",
            Tanh => "rt_tanh64(x)",
            Sigmoid => "1.0 / (1.0 + rt_exp64(-x))",
            Erf => "rt_erf64(x)",
            Gelu => "x * (0.5 + 0.5 * rt_erf64(x * 0.7071067811865476))",
            GeluTanh => "x * (1.0 + rt_tanh64(0.7978845608028654 * (x + 0.044715 * x * x * x))) * 0.5",
            _ => return None,
        })
    }
}

impl UnaryOp {
    /// The op on an integer compute type `{{T}}` (i32, u32 or native i64); predicates give
    /// a WGSL bool. `{{NEG1}}` is the type's -1 (all ones for u32).
    pub fn wgsl_int(self) -> Option<&'static str> {
        use UnaryOp::*;
        Some(match self {
            Abs => "abs(x)",
            Neg => "{{T}}(0) - x",
            Sign => "select(select({{T}}(0), {{NEG1}}, x < {{T}}(0)), {{T}}(1), x > {{T}}(0))",
            Square => "x * x",
            Relu => "max(x, {{T}}(0))",
            // Integers pass through the rounding ops.
            Floor | Ceil | Round | Trunc => "x",
            BitwiseNot => "~x",
            LogicalNot => "x == {{T}}(0)",
            IsNan | IsInf => "false",
            IsFinite => "true",
            Signbit => "x < {{T}}(0)",
            _ => return None,
        })
    }

    /// The op on emulated int64 (`vec2<u32>`, shaders/int64_emulated.wgsl).
    pub fn wgsl_e64(self) -> Option<&'static str> {
        use UnaryOp::*;
        Some(match self {
            Abs => "e64_abs(x)",
            Neg => "e64_neg(x)",
            Sign => "e64_sign(x)",
            Square => "e64_mul(x, x)",
            Relu => "e64_max_s(x, vec2<u32>(0u))",
            Floor | Ceil | Round | Trunc => "x",
            BitwiseNot => "e64_not(x)",
            LogicalNot => "all(x == vec2<u32>(0u))",
            IsNan | IsInf => "false",
            IsFinite => "true",
            Signbit => "e64_is_neg(x)",
            _ => return None,
        })
    }

    /// The predicates on floats, through the classify helpers (shaders/classify_*.wgsl).
    pub fn wgsl_float_pred(self) -> Option<&'static str> {
        use UnaryOp::*;
        Some(match self {
            IsNan => "rt_isnan(x)",
            IsInf => "rt_isinf(x)",
            IsFinite => "!rt_isnan(x) && !rt_isinf(x)",
            Signbit => "rt_signbit(x)",
            LogicalNot => "x == 0.0",
            _ => return None,
        })
    }
}

/// The op's value on floats.
#[inline(always)]
pub fn unary_real<F: Real>(op: UnaryOp, x: F) -> F {
    use UnaryOp::*;
    match op {
        Abs => x.abs(),
        Neg => -x,
        Exp => x.exp(),
        Exp2 => x.exp2(),
        Expm1 => x.exp_m1(),
        Log => x.ln(),
        Log2 => x.log2(),
        Log10 => x.log10(),
        Log1p => x.ln_1p(),
        Sqrt => x.sqrt(),
        Rsqrt => F::ONE / x.sqrt(),
        Sin => x.sin(),
        Cos => x.cos(),
        Tan => x.tan(),
        Asin => x.asin(),
        Acos => x.acos(),
        Atan => x.atan(),
        Sinh => x.sinh(),
        Cosh => x.cosh(),
        Tanh => x.tanh(),
        Sigmoid => F::ONE / (F::ONE + (-x).exp()),
        // NaN and -0.0 pass through, as in PyTorch's clamp_min-based relu.
        Relu => {
            if x < F::ZERO {
                F::ZERO
            } else {
                x
            }
        }
        Erf => x.erf(),
        Gelu => gelu(x),
        GeluTanh => gelu_tanh(x),
        Floor => x.floor(),
        Ceil => x.ceil(),
        Round => x.round_even(),
        Trunc => x.trunc(),
        Frac => x - x.trunc(),
        // (0 < x) - (x < 0), as PyTorch: NaN and -0.0 give +0.0.
        Sign => {
            if x > F::ZERO {
                F::ONE
            } else if x < F::ZERO {
                -F::ONE
            } else {
                F::ZERO
            }
        }
        Reciprocal => F::ONE / x,
        Square => x * x,
        BitwiseNot | LogicalNot | IsNan | IsInf | IsFinite | Signbit => x, // handled by their own kinds
    }
}

/// GELU, x * Phi(x) (Phi: the standard normal CDF), written as PyTorch's kernel writes it.
#[inline(always)]
pub fn gelu<F: Real>(x: F) -> F {
    x * (F::from_f64(0.5) + F::from_f64(0.5) * (x * F::from_f64(std::f64::consts::FRAC_1_SQRT_2)).erf())
}

/// GELU's tanh approximation: x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2.
#[inline(always)]
pub fn gelu_tanh<F: Real>(x: F) -> F {
    let u = F::from_f64(GELU_K) * (x + F::from_f64(GELU_C) * x * x * x);
    x * (F::ONE + u.tanh()) * F::from_f64(0.5)
}

/// sqrt(2 / pi) and the cubic coefficient of GELU's tanh approximation.
pub const GELU_K: f64 = 0.797_884_560_802_865_4;
pub const GELU_C: f64 = 0.044_715;
/// 1 / sqrt(2 pi): the normal density's factor.
pub const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// d gelu(x) / dx times g: Phi(x) + x phi(x).
#[inline(always)]
pub fn gelu_backward<F: Real>(g: F, x: F) -> F {
    let cdf = F::from_f64(0.5) + F::from_f64(0.5) * (x * F::from_f64(std::f64::consts::FRAC_1_SQRT_2)).erf();
    let pdf = (F::from_f64(-0.5) * x * x).exp() * F::from_f64(INV_SQRT_2PI);
    g * (cdf + x * pdf)
}

/// d gelu_tanh(x) / dx times g.
#[inline(always)]
pub fn gelu_tanh_backward<F: Real>(g: F, x: F) -> F {
    let (k, c) = (F::from_f64(GELU_K), F::from_f64(GELU_C));
    let t = (k * (x + c * x * x * x)).tanh();
    let half = F::from_f64(0.5);
    let d = (t + F::ONE) * half + x * half * (F::ONE - t * t) * k * (F::from_f64(3.0) * c * x * x + F::ONE);
    g * d
}

/// The op's value on integers (kinds Same, Rounding, Bitwise).
#[inline(always)]
pub fn unary_int<I: Int>(op: UnaryOp, x: I) -> I {
    use UnaryOp::*;
    match op {
        Abs => {
            if x < I::zero() {
                x.wneg()
            } else {
                x
            }
        }
        Neg => x.wneg(),
        Sign => {
            if x > I::zero() {
                I::one()
            } else if x < I::zero() {
                I::one().wneg()
            } else {
                I::zero()
            }
        }
        Square => x.wmul(x),
        Relu => {
            if x > I::zero() {
                x
            } else {
                I::zero()
            }
        }
        BitwiseNot => x.bnot(),
        _ => x,
    }
}

/// The predicate ops on floats.
#[inline(always)]
pub fn unary_pred<F: Real>(op: UnaryOp, x: F) -> bool {
    match op {
        UnaryOp::IsNan => x.is_nan(),
        UnaryOp::IsInf => x.is_infinite(),
        UnaryOp::IsFinite => x.is_finite(),
        UnaryOp::Signbit => x.is_sign_negative(),
        _ => x == F::ZERO, // logical_not
    }
}

op_enum!(BinaryOp {
    Add = "add", Sub = "sub", Mul = "mul", Div = "div", DivTrunc = "div_trunc", FloorDivide = "floor_divide",
    Remainder = "remainder", Fmod = "fmod", Pow = "pow", Atan2 = "atan2", Maximum = "maximum",
    Minimum = "minimum", Eq = "eq", Ne = "ne", Lt = "lt", Le = "le", Gt = "gt", Ge = "ge",
    BitwiseAnd = "bitwise_and", BitwiseOr = "bitwise_or", BitwiseXor = "bitwise_xor",
    BitwiseLeftShift = "bitwise_left_shift", BitwiseRightShift = "bitwise_right_shift",
    LogicalAnd = "logical_and", LogicalOr = "logical_or", LogicalXor = "logical_xor",
    // GELU's derivatives times the incoming gradient (a = grad, b = x): the activation's backward in
    // one pass.
    GeluBackward = "gelu_backward", GeluTanhBackward = "gelu_tanh_backward",
});

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryKind {
    /// Promoted dtype; integers wrap.
    Arith,
    /// Promoted dtype, but integer inputs compute in the default float dtype.
    Float,
    /// Compared in the promoted dtype, bool result.
    Compare,
    /// Integer/bool only.
    Bitwise,
    /// Truthiness of each side, bool result.
    Logical,
}

impl BinaryOp {
    pub fn kind(self) -> BinaryKind {
        use BinaryOp::*;
        match self {
            Add | Sub | Mul | DivTrunc | FloorDivide | Remainder | Fmod | Pow | Maximum | Minimum => BinaryKind::Arith,
            Div | Atan2 | GeluBackward | GeluTanhBackward => BinaryKind::Float,
            Eq | Ne | Lt | Le | Gt | Ge => BinaryKind::Compare,
            BitwiseAnd | BitwiseOr | BitwiseXor | BitwiseLeftShift | BitwiseRightShift => BinaryKind::Bitwise,
            LogicalAnd | LogicalOr | LogicalXor => BinaryKind::Logical,
        }
    }

    /// Integer ops that fail on a zero divisor.
    pub fn divides(self) -> bool {
        matches!(self, BinaryOp::DivTrunc | BinaryOp::FloorDivide | BinaryOp::Remainder | BinaryOp::Fmod)
    }
}

impl BinaryOp {
    /// The op as a WGSL expression of `a` and `b` on floats (the `{{OP}}` of
    /// `shaders/binary.wgsl`); None for ops with bool or integer results (own families).
    pub fn wgsl(self) -> Option<&'static str> {
        use BinaryOp::*;
        Some(match self {
            Add => "a + b",
            Sub => "a - b",
            Mul => "a * b",
            Div => "a / b",
            DivTrunc => "trunc(a / b)",
            FloorDivide => "rt_floor_divide(a, b)",
            Remainder => "rt_remainder(a, b)",
            Fmod => "a % b",
            Pow => "rt_pow(a, b)",
            Atan2 => "rt_atan2(a, b)",
            // NaN propagates from either side; ties give b (as the CPU kernel).
            Maximum => "select(b, a, a > b || rt_isnan(a))",
            Minimum => "select(b, a, a < b || rt_isnan(a))",
            GeluBackward => {
                "a * (0.5 + 0.5 * rt_erf(b * 0.7071067811865476) + b * exp(-0.5 * b * b) * 0.3989422804014327)"
            }
            GeluTanhBackward => "a * rt_gelu_tanh_grad(b)",
            Eq | Ne | Lt | Le | Gt | Ge | BitwiseAnd | BitwiseOr | BitwiseXor | BitwiseLeftShift
            | BitwiseRightShift | LogicalAnd | LogicalOr | LogicalXor => return None,
        })
    }

    /// Whether WGSL has the op for f64.
    pub fn wgsl_f64(self) -> bool {
        use BinaryOp::*;
        matches!(self, Add | Sub | Mul | Div | DivTrunc | FloorDivide | Remainder | Fmod | Maximum | Minimum)
    }

    /// The ops WGSL lacks for f64, in f64 arithmetic (shaders/math_f64.wgsl).
    pub fn wgsl_f64_soft(self) -> Option<&'static str> {
        match self {
            BinaryOp::Pow => Some("rt_pow64(a, b)"),
            BinaryOp::Atan2 => Some("rt_atan2_64(a, b)"),
            BinaryOp::GeluBackward => {
                Some("a * (0.5 + 0.5 * rt_erf64(b * 0.7071067811865476) + b * rt_exp64(-0.5 * b * b) * 0.3989422804014327)")
            }
            BinaryOp::GeluTanhBackward => Some("a * rt_gelu_tanh_grad64(b)"),
            _ => None,
        }
    }
}

impl BinaryOp {
    /// The op on an integer compute type `{{T}}` (i32, u32 or native i64); comparisons and
    /// logical ops give a WGSL bool. Divisions by zero give WGSL's value (no trap on a GPU).
    pub fn wgsl_int(self) -> Option<&'static str> {
        use BinaryOp::*;
        Some(match self {
            Add => "a + b",
            Sub => "a - b",
            Mul => "a * b",
            DivTrunc => "a / b",
            Fmod => "a % b",
            FloorDivide => "rt_floor_divide(a, b)",
            Remainder => "rt_remainder(a, b)",
            Pow => "rt_pow(a, b)",
            Maximum => "max(a, b)",
            Minimum => "min(a, b)",
            BitwiseAnd => "a & b",
            BitwiseOr => "a | b",
            BitwiseXor => "a ^ b",
            BitwiseLeftShift => "rt_shl(a, b)",
            BitwiseRightShift => "rt_shr(a, b)",
            Div | Atan2 | GeluBackward | GeluTanhBackward => return None,
            Eq | Ne | Lt | Le | Gt | Ge | LogicalAnd | LogicalOr | LogicalXor => return self.wgsl_compare(),
        })
    }

    /// Comparisons (any compute type but emulated int64) and logical ops (`{{NZA}}`,
    /// `{{NZB}}`: each side's `!= 0`), as WGSL bools.
    pub fn wgsl_compare(self) -> Option<&'static str> {
        use BinaryOp::*;
        Some(match self {
            Eq => "a == b",
            Ne => "a != b",
            Lt => "a < b",
            Le => "a <= b",
            Gt => "a > b",
            Ge => "a >= b",
            LogicalAnd => "{{NZA}} && {{NZB}}",
            LogicalOr => "{{NZA}} || {{NZB}}",
            LogicalXor => "{{NZA}} != {{NZB}}",
            _ => return None,
        })
    }

    /// The op on emulated int64; None where the emulation has no exact version (division,
    /// remainder, power, shifts): those raise a TypeError naming the adapter.
    pub fn wgsl_e64(self) -> Option<&'static str> {
        use BinaryOp::*;
        Some(match self {
            Add => "e64_add(a, b)",
            Sub => "e64_sub(a, b)",
            Mul => "e64_mul(a, b)",
            Maximum => "e64_max_s(a, b)",
            Minimum => "e64_min_s(a, b)",
            BitwiseAnd => "e64_and(a, b)",
            BitwiseOr => "e64_or(a, b)",
            BitwiseXor => "e64_xor(a, b)",
            Eq => "e64_eq(a, b)",
            Ne => "!e64_eq(a, b)",
            Lt => "e64_lt_s(a, b)",
            Le => "e64_le_s(a, b)",
            Gt => "e64_lt_s(b, a)",
            Ge => "e64_le_s(b, a)",
            LogicalAnd | LogicalOr | LogicalXor => return self.wgsl_compare(),
            _ => return None,
        })
    }
}

/// Python's floor division on floats, computed as PyTorch does (through fmod,
/// so that `a // b` and `a % b` agree).
#[inline(always)]
fn div_floor_real<F: Real>(a: F, b: F) -> F {
    if b == F::ZERO {
        return a / b;
    }
    let m = a % b;
    let mut div = (a - m) / b;
    if m != F::ZERO && ((b < F::ZERO) != (m < F::ZERO)) {
        div = div - F::ONE;
    }
    if div != F::ZERO {
        let fl = div.floor();
        if div - fl > F::ONE / (F::ONE + F::ONE) {
            fl + F::ONE
        } else {
            fl
        }
    } else {
        F::ZERO.copysign(a / b)
    }
}

#[inline(always)]
pub fn binary_real<F: Real>(op: BinaryOp, a: F, b: F) -> F {
    use BinaryOp::*;
    match op {
        Add => a + b,
        Sub => a - b,
        Mul => a * b,
        Div => a / b,
        DivTrunc => (a / b).trunc(),
        FloorDivide => div_floor_real(a, b),
        Remainder => {
            let m = a % b;
            if m != F::ZERO && ((b < F::ZERO) != (m < F::ZERO)) {
                m + b
            } else {
                m
            }
        }
        Fmod => a % b,
        Pow => a.powf(b),
        Atan2 => a.atan2(b),
        GeluBackward => gelu_backward(a, b),
        GeluTanhBackward => gelu_tanh_backward(a, b),
        // NaN propagates from either side; ties (including -0.0 vs 0.0) give `b`,
        // as PyTorch's vectorised kernels do.
        Maximum => {
            if a.is_nan() || a > b {
                a
            } else {
                b
            }
        }
        Minimum => {
            if a.is_nan() || a < b {
                a
            } else {
                b
            }
        }
        _ => F::NAN, // compare/bitwise/logical kinds have their own kernels
    }
}

#[inline(always)]
fn ipow<I: Int>(mut base: I, mut exp: I) -> I {
    // Negative exponents: 1/base truncated toward zero, as PyTorch computes it.
    if exp < I::zero() {
        if base == I::one() {
            return base;
        }
        if I::SIGNED && base == I::one().wneg() {
            return if exp.band(I::one()) == I::one() { base } else { I::one() };
        }
        return I::zero();
    }
    let mut acc = I::one();
    while exp > I::zero() {
        if exp.band(I::one()) == I::one() {
            acc = acc.wmul(base);
        }
        base = base.wmul(base);
        exp = exp.shr(I::one());
    }
    acc
}

/// Arith and bitwise ops on integers; divisions by zero were rejected before.
#[inline(always)]
pub fn binary_int<I: Int>(op: BinaryOp, a: I, b: I) -> I {
    use BinaryOp::*;
    match op {
        Add => a.wadd(b),
        Sub => a.wsub(b),
        Mul => a.wmul(b),
        DivTrunc => a.tdiv(b),
        FloorDivide => {
            let q = a.tdiv(b);
            if b != I::zero() && a.trem(b) != I::zero() && ((a < I::zero()) != (b < I::zero())) {
                q.wsub(I::one())
            } else {
                q
            }
        }
        Remainder => {
            let r = a.trem(b);
            if r != I::zero() && ((r < I::zero()) != (b < I::zero())) {
                r.wadd(b)
            } else {
                r
            }
        }
        Fmod => a.trem(b),
        Pow => ipow(a, b),
        Maximum => {
            if a > b {
                a
            } else {
                b
            }
        }
        Minimum => {
            if a < b {
                a
            } else {
                b
            }
        }
        BitwiseAnd => a.band(b),
        BitwiseOr => a.bor(b),
        BitwiseXor => a.bxor(b),
        BitwiseLeftShift => a.shl(b),
        BitwiseRightShift => a.shr(b),
        _ => I::zero(),
    }
}

#[inline(always)]
pub fn compare<T: PartialOrd>(op: BinaryOp, a: T, b: T) -> bool {
    use BinaryOp::*;
    match op {
        Eq => a == b,
        Ne => a != b,
        Lt => a < b,
        Le => a <= b,
        Gt => a > b,
        Ge => a >= b,
        _ => false,
    }
}

#[inline(always)]
pub fn logical(op: BinaryOp, a: bool, b: bool) -> bool {
    match op {
        BinaryOp::LogicalAnd => a && b,
        BinaryOp::LogicalOr => a || b,
        _ => a != b,
    }
}

op_enum!(ReduceOp {
    Sum = "sum", Prod = "prod", Mean = "mean", Amax = "amax", Amin = "amin", ArgMax = "argmax",
    ArgMin = "argmin", All = "all", Any = "any", CountNonzero = "count_nonzero", Var = "var",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for &op in UnaryOp::ALL {
            assert_eq!(UnaryOp::from_name(op.name()), Some(op));
        }
        for &op in BinaryOp::ALL {
            assert_eq!(BinaryOp::from_name(op.name()), Some(op));
        }
    }

    #[test]
    fn python_division_semantics() {
        assert_eq!(binary_int::<i64>(BinaryOp::FloorDivide, -7, 2), -4);
        assert_eq!(binary_int::<i64>(BinaryOp::Remainder, -7, 2), 1);
        assert_eq!(binary_int::<i64>(BinaryOp::Fmod, -7, 2), -1);
        assert_eq!(binary_real::<f64>(BinaryOp::FloorDivide, -7.0, 2.0), -4.0);
        assert_eq!(binary_real::<f64>(BinaryOp::Remainder, -7.5, 2.0), 0.5);
        assert_eq!(binary_int::<i32>(BinaryOp::Pow, 3, 4), 81);
    }

    #[test]
    fn extrema_propagate_nan() {
        assert!(binary_real::<f32>(BinaryOp::Maximum, f32::NAN, 1.0).is_nan());
        assert!(binary_real::<f32>(BinaryOp::Minimum, 1.0, f32::NAN).is_nan());
    }
}
