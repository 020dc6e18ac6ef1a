//! WebGPU backend (wgpu: Vulkan, Metal, DX12, GL). This first part holds the
//! device model: a lazily created process-wide context, a caching buffer pool and
//! host<->device transfers. Kernels arrive op family by op family; until an op has
//! one, it raises NotImplementedError on this device (never a silent CPU fallback).

pub mod checks;
pub mod context;
pub mod dtypes;
pub mod index;
#[cfg(test)]
mod index_tests;
#[cfg(test)]
mod int64_emulated_tests;
pub mod launch;
pub mod map;
#[cfg(test)]
mod map_tests;
pub mod matmul;
pub mod matmul_subgroup;
#[cfg(test)]
mod matmul_tests;
pub mod optim;
#[cfg(test)]
mod optim_tests;
pub mod pool;
pub mod queue;
pub mod random;
pub mod reduce;
#[cfg(test)]
mod reduce_tests;
pub mod scan;
#[cfg(test)]
mod scan_tests;
pub mod sort;
#[cfg(test)]
mod sort_tests;
pub mod template;
#[cfg(test)]
mod test_support;
pub mod transfer;

pub use context::{context, created, status, Context};
pub use pool::WgpuBuffer;
