//! Storage: a device buffer shared by every view of it, plus the version
//! counter autograd uses to detect in-place changes. This is the one place that
//! matches on device.

use crate::cpu::alloc;
use crate::error::{Error, Result};
use std::any::Any;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Device {
    Cpu,
    /// A WebGPU adapter (the process-wide one; the index is for `wgpu:N`).
    Wgpu(u32),
}

impl Device {
    pub fn name(self) -> String {
        match self {
            Device::Cpu => "cpu".to_string(),
            Device::Wgpu(i) => format!("wgpu:{i}"),
        }
    }

    pub fn parse(s: &str) -> Option<Device> {
        match s {
            "cpu" => Some(Device::Cpu),
            "wgpu" | "wgpu:0" => Some(Device::Wgpu(0)),
            _ => None,
        }
    }
}

enum Owner {
    /// From the caching allocator, returned to it on drop.
    Pool { class: usize },
    /// Memory owned by someone else (a numpy array), kept alive by this handle.
    External(#[allow(dead_code)] Box<dyn Any + Send + Sync>),
}

pub struct CpuBuffer {
    ptr: NonNull<u8>,
    owner: Owner,
}

// SAFETY: the buffer is plain memory; concurrent writes from several Python
// threads are a data race in the user's program exactly as in PyTorch, never a
// use-after-free, because every user holds an Arc to the storage.
unsafe impl Send for CpuBuffer {}
unsafe impl Sync for CpuBuffer {}

impl Drop for CpuBuffer {
    fn drop(&mut self) {
        if let Owner::Pool { class } = self.owner {
            alloc::release(self.ptr, class);
        }
    }
}

enum Data {
    Cpu(CpuBuffer),
    Wgpu(crate::wgpu::WgpuBuffer),
}

pub struct Storage {
    data: Data,
    nbytes: usize,
    version: AtomicU64,
}

impl Storage {
    /// Uninitialised CPU storage of `nbytes`.
    pub fn new_cpu(nbytes: usize) -> Result<Storage> {
        let (ptr, class) = alloc::allocate(nbytes)?;
        Ok(Storage { data: Data::Cpu(CpuBuffer { ptr, owner: Owner::Pool { class } }), nbytes, version: AtomicU64::new(0) })
    }

    /// Wraps memory owned elsewhere (zero-copy from numpy).
    ///
    /// # Safety
    /// `ptr` must stay valid for `nbytes` bytes for as long as `owner` lives.
    pub unsafe fn from_external(ptr: *mut u8, nbytes: usize, owner: Box<dyn Any + Send + Sync>) -> Result<Storage> {
        let ptr = NonNull::new(ptr).ok_or_else(|| Error::runtime("from_numpy: null data pointer"))?;
        Ok(Storage { data: Data::Cpu(CpuBuffer { ptr, owner: Owner::External(owner) }), nbytes, version: AtomicU64::new(0) })
    }

    /// Device storage holding `nbytes` (the buffer may be larger).
    pub fn from_wgpu(buf: crate::wgpu::WgpuBuffer, nbytes: usize) -> Storage {
        Storage { data: Data::Wgpu(buf), nbytes, version: AtomicU64::new(0) }
    }

    pub fn device(&self) -> Device {
        match self.data {
            Data::Cpu(_) => Device::Cpu,
            Data::Wgpu(_) => Device::Wgpu(0),
        }
    }

    pub fn wgpu_buffer(&self) -> Option<&crate::wgpu::WgpuBuffer> {
        match &self.data {
            Data::Wgpu(b) => Some(b),
            Data::Cpu(_) => None,
        }
    }

    pub fn nbytes(&self) -> usize {
        self.nbytes
    }

    /// Base pointer of CPU memory.
    pub fn cpu_ptr(&self) -> Result<*mut u8> {
        match &self.data {
            Data::Cpu(b) => Ok(b.ptr.as_ptr()),
            Data::Wgpu(_) => Err(Error::NotImplemented(
                "this operation is not currently implemented for the wgpu device".into(),
            )),
        }
    }

    pub fn version(&self) -> u64 {
        self.version.load(Ordering::Relaxed)
    }

    pub fn bump_version(&self) {
        self.version.fetch_add(1, Ordering::Relaxed);
    }
}
