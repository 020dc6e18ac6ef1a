//! rustorch core: tensors, dtypes, layouts, storage and kernels, free of Python.
//! The Python extension module (`rustorch._C`) lives in `py/`, built only with
//! the `python` feature so that `cargo test` runs the core on its own.

pub mod compute;
pub mod cpu;
pub mod dtype;
pub mod element;
pub mod error;
pub mod layout;
pub mod ops;
pub mod storage;
pub mod tensor;
pub mod wgpu;

#[cfg(feature = "python")]
mod py;
