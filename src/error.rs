//! One error type for the whole core. Each variant carries what a user needs to
//! see (op, shapes, dtypes); `py/errors.rs` maps them to Python exceptions with
//! PyTorch's wording.

use crate::dtype::DType;

pub type Result<T> = std::result::Result<T, Error>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Broadcasting failure, worded exactly as PyTorch words it.
    #[error("The size of tensor a ({a}) must match the size of tensor b ({b}) at non-singleton dimension {dim}")]
    Broadcast { a: usize, b: usize, dim: usize },

    /// `dim` outside `[-ndim, ndim-1]` (IndexError in Python).
    #[error("Dimension out of range (expected to be in range of [{lo}, {hi}], but got {got})")]
    DimOutOfRange { lo: i64, hi: i64, got: i64 },

    /// An index outside a dimension's size (IndexError in Python).
    #[error("{0}")]
    Index(String),

    /// Invalid shapes, views, sizes (RuntimeError in Python).
    #[error("{0}")]
    Shape(String),

    /// A dtype an op does not support (NotImplementedError in Python, as
    /// PyTorch's "not implemented for 'Bool'").
    #[error("\"{op}\" not implemented for '{}'", .dtype.torch_name())]
    DTypeUnsupported { op: &'static str, dtype: DType },

    /// An op PyTorch declares unsupported for these inputs (NotImplementedError).
    #[error("{0}")]
    NotImplemented(String),

    /// An in-place or `out=` result whose dtype cannot hold the computed type.
    #[error("result type {} can't be cast to the desired output type {}", .from.torch_name(), .to.torch_name())]
    CannotCast { from: DType, to: DType },

    /// Bad argument types/values that PyTorch reports as TypeError.
    #[error("{0}")]
    Type(String),

    /// Bad argument values that PyTorch reports as ValueError.
    #[error("{0}")]
    Value(String),

    /// Everything else PyTorch reports as RuntimeError.
    #[error("{0}")]
    Runtime(String),

    /// The allocator could not provide the memory (MemoryError in Python).
    #[error("DefaultCPUAllocator: can't allocate memory: you tried to allocate {bytes} bytes.")]
    OutOfMemory { bytes: u128 },
}

impl Error {
    pub fn shape(msg: impl Into<String>) -> Self {
        Error::Shape(msg.into())
    }
    pub fn runtime(msg: impl Into<String>) -> Self {
        Error::Runtime(msg.into())
    }
}
