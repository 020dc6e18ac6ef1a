//! Data types and PyTorch's type promotion (`torch.result_type`).

use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum DType {
    Bool,
    U8,
    I8,
    I16,
    I32,
    I64,
    F16,
    BF16,
    F32,
    F64,
}

use DType::*;

pub const ALL_DTYPES: [DType; 10] = [Bool, U8, I8, I16, I32, I64, F16, BF16, F32, F64];

impl DType {
    pub fn size(self) -> usize {
        match self {
            Bool | U8 | I8 => 1,
            I16 | F16 | BF16 => 2,
            I32 | F32 => 4,
            I64 | F64 => 8,
        }
    }

    /// The Python-facing name (`rustorch.float32`).
    pub fn name(self) -> &'static str {
        match self {
            Bool => "bool",
            U8 => "uint8",
            I8 => "int8",
            I16 => "int16",
            I32 => "int32",
            I64 => "int64",
            F16 => "float16",
            BF16 => "bfloat16",
            F32 => "float32",
            F64 => "float64",
        }
    }

    /// The C++ scalar-type name PyTorch uses in error messages ("Float", "Long").
    pub fn torch_name(self) -> &'static str {
        match self {
            Bool => "Bool",
            U8 => "Byte",
            I8 => "Char",
            I16 => "Short",
            I32 => "Int",
            I64 => "Long",
            F16 => "Half",
            BF16 => "BFloat16",
            F32 => "Float",
            F64 => "Double",
        }
    }

    pub fn from_name(name: &str) -> Option<DType> {
        ALL_DTYPES.iter().copied().find(|d| d.name() == name)
    }

    pub fn is_float(self) -> bool {
        matches!(self, F16 | BF16 | F32 | F64)
    }

    /// Integral, bool excluded.
    pub fn is_int(self) -> bool {
        matches!(self, U8 | I8 | I16 | I32 | I64)
    }

    pub fn is_signed(self) -> bool {
        matches!(self, I8 | I16 | I32 | I64 | F16 | BF16 | F32 | F64)
    }
}

/// `torch.promote_types`: the smallest dtype both operands convert to without
/// leaving their category.
pub fn promote_types(a: DType, b: DType) -> DType {
    if a == b {
        return a;
    }
    if a == Bool {
        return b;
    }
    if b == Bool {
        return a;
    }
    match (a.is_float(), b.is_float()) {
        (true, true) => {
            if matches!((a, b), (F16, BF16) | (BF16, F16)) {
                F32
            } else if a.size() >= b.size() {
                a
            } else {
                b
            }
        }
        (true, false) => a,
        (false, true) => b,
        (false, false) => {
            // uint8 mixes with signed ints: int8 needs int16 to hold both ranges.
            if a == U8 || b == U8 {
                let other = if a == U8 { b } else { a };
                if other == I8 {
                    I16
                } else {
                    other
                }
            } else if a.size() >= b.size() {
                a
            } else {
                b
            }
        }
    }
}

/// Kind of a Python number taking part in an op.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
}

impl Scalar {
    pub fn to_f64(self) -> f64 {
        match self {
            Scalar::Bool(b) => b as u8 as f64,
            Scalar::Int(i) => i as f64,
            Scalar::Float(f) => f,
        }
    }
    pub fn to_i64(self) -> i64 {
        match self {
            Scalar::Bool(b) => b as i64,
            Scalar::Int(i) => i,
            Scalar::Float(f) => f as i64,
        }
    }
    /// The dtype a Python number of this kind takes alone.
    pub fn dtype(self) -> DType {
        match self {
            Scalar::Bool(_) => Bool,
            Scalar::Int(_) => I64,
            Scalar::Float(_) => default_float(),
        }
    }
}

/// One participant of `result_type`: tensors with dims outrank 0-d tensors,
/// which outrank Python numbers, unless a lower rank brings a higher category.
#[derive(Clone, Copy, Debug)]
pub enum Operand {
    Tensor { dtype: DType, ndim: usize },
    Scalar(Scalar),
}

fn promote_opt(a: Option<DType>, b: DType) -> Option<DType> {
    Some(match a {
        None => b,
        Some(a) => promote_types(a, b),
    })
}

/// PyTorch's category-aware combination: a lower-priority group only changes the
/// result when it brings a higher category (bool < integer < float).
fn combine(higher: Option<DType>, lower: Option<DType>) -> Option<DType> {
    match (higher, lower) {
        (None, l) => l,
        (h, None) => h,
        (Some(h), Some(l)) => {
            if h.is_float() {
                Some(h)
            } else if h == Bool || l.is_float() {
                Some(promote_types(h, l))
            } else {
                Some(h)
            }
        }
    }
}

/// `torch.result_type` over any mix of tensors and Python numbers.
pub fn result_type(operands: &[Operand]) -> DType {
    let (mut dim, mut zero, mut wrapped) = (None, None, None);
    for op in operands {
        match *op {
            Operand::Tensor { dtype, ndim } if ndim > 0 => dim = promote_opt(dim, dtype),
            Operand::Tensor { dtype, .. } => zero = promote_opt(zero, dtype),
            Operand::Scalar(s) => wrapped = promote_opt(wrapped, s.dtype()),
        }
    }
    combine(dim, combine(zero, wrapped)).unwrap_or_else(default_float)
}

/// `torch.can_cast`: no float -> integral, no non-bool -> bool.
pub fn can_cast(from: DType, to: DType) -> bool {
    if from.is_float() && !to.is_float() {
        return false;
    }
    if from != Bool && to == Bool {
        return false;
    }
    true
}

static DEFAULT_FLOAT: AtomicU8 = AtomicU8::new(8); // index of F32 in ALL_DTYPES

pub fn default_float() -> DType {
    ALL_DTYPES[DEFAULT_FLOAT.load(Ordering::Relaxed) as usize]
}

pub fn set_default_float(d: DType) -> bool {
    if !d.is_float() {
        return false;
    }
    let idx = ALL_DTYPES.iter().position(|&x| x == d).unwrap_or(8);
    DEFAULT_FLOAT.store(idx as u8, Ordering::Relaxed);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promotion_table_matches_torch() {
        assert_eq!(promote_types(U8, I8), I16);
        assert_eq!(promote_types(U8, I32), I32);
        assert_eq!(promote_types(Bool, U8), U8);
        assert_eq!(promote_types(F16, BF16), F32);
        assert_eq!(promote_types(I64, F16), F16);
        assert_eq!(promote_types(F64, F16), F64);
        assert_eq!(promote_types(I32, I64), I64);
        for &a in &ALL_DTYPES {
            for &b in &ALL_DTYPES {
                assert_eq!(promote_types(a, b), promote_types(b, a));
            }
        }
    }

    #[test]
    fn result_type_priorities() {
        let t = |dtype, ndim| Operand::Tensor { dtype, ndim };
        // A 0-d tensor does not upcast within a category ...
        assert_eq!(result_type(&[t(I8, 1), t(I64, 0)]), I8);
        // ... but a higher category wins.
        assert_eq!(result_type(&[t(I32, 1), t(F64, 0)]), F64);
        assert_eq!(result_type(&[t(I32, 1), Operand::Scalar(Scalar::Float(2.5))]), F32);
        assert_eq!(result_type(&[t(F16, 1), Operand::Scalar(Scalar::Float(2.5))]), F16);
        assert_eq!(result_type(&[t(Bool, 1), Operand::Scalar(Scalar::Int(2))]), I64);
        assert_eq!(result_type(&[t(U8, 1), Operand::Scalar(Scalar::Int(1000))]), U8);
        assert_eq!(result_type(&[t(Bool, 1), t(Bool, 0)]), Bool);
    }

    #[test]
    fn casting_rules() {
        assert!(!can_cast(F32, I64));
        assert!(!can_cast(I64, Bool));
        assert!(can_cast(Bool, F16));
        assert!(can_cast(I64, I8));
    }
}
