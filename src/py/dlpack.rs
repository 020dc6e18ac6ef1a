//! DLPack: CPU tensors exchanged with other libraries (numpy, PyTorch, JAX, ...) without a copy, as
//! PyCapsules holding a `DLManagedTensorVersioned` (protocol 1.x, capsule "dltensor_versioned") or
//! the legacy `DLManagedTensor` (capsule "dltensor"). The Python layer (`Tensor.__dlpack__`,
//! `rustorch.from_dlpack`) handles devices, copies and the protocol's keyword arguments.
//!
//! Export: the capsule owns a heap block holding the managed struct, the shape and strides it
//! points to, and a clone of the tensor (an `Arc` to its storage): the memory lives until the
//! consumer calls the deleter, or until the capsule dies unconsumed (its destructor calls it).
//! Import: the capsule is renamed "used_..." (the protocol's mark of consumption) and the storage
//! keeps the producer's managed struct, calling its deleter when the last view is dropped.

use super::tensor::PyTensor;
use crate::dtype::DType;
use crate::layout::Layout;
use crate::storage::{Device, Storage};
use crate::tensor::Tensor;
use pyo3::exceptions::{PyBufferError, PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use std::ffi::{c_void, CStr};
use std::sync::Arc;

#[repr(C)]
#[derive(Clone, Copy)]
struct DLDevice {
    device_type: i32,
    device_id: i32,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct DLDataType {
    code: u8,
    bits: u8,
    lanes: u16,
}

#[repr(C)]
struct DLTensor {
    data: *mut c_void,
    device: DLDevice,
    ndim: i32,
    dtype: DLDataType,
    shape: *mut i64,
    strides: *mut i64,
    byte_offset: u64,
}

#[repr(C)]
struct DLManagedTensor {
    dl_tensor: DLTensor,
    manager_ctx: *mut c_void,
    deleter: Option<unsafe extern "C" fn(*mut DLManagedTensor)>,
}

#[repr(C)]
struct DLPackVersion {
    major: u32,
    minor: u32,
}

#[repr(C)]
struct DLManagedTensorVersioned {
    version: DLPackVersion,
    manager_ctx: *mut c_void,
    deleter: Option<unsafe extern "C" fn(*mut DLManagedTensorVersioned)>,
    flags: u64,
    dl_tensor: DLTensor,
}

/// kDLCPU, and kDLWebGPU (what `__dlpack_device__` reports for wgpu tensors).
pub const DEVICE_CPU: i32 = 1;
pub const DEVICE_WEBGPU: i32 = 15;

const LEGACY: &CStr = c"dltensor";
const VERSIONED: &CStr = c"dltensor_versioned";
const USED_LEGACY: &CStr = c"used_dltensor";
const USED_VERSIONED: &CStr = c"used_dltensor_versioned";

fn dl_dtype(d: DType) -> DLDataType {
    // (kDLInt 0, kDLUInt 1, kDLFloat 2, kDLBfloat 4, kDLBool 6)
    let (code, bits) = match d {
        DType::Bool => (6, 8),
        DType::U8 => (1, 8),
        DType::I8 => (0, 8),
        DType::I16 => (0, 16),
        DType::I32 => (0, 32),
        DType::I64 => (0, 64),
        DType::F16 => (2, 16),
        DType::BF16 => (4, 16),
        DType::F32 => (2, 32),
        DType::F64 => (2, 64),
    };
    DLDataType { code, bits, lanes: 1 }
}

fn from_dl_dtype(t: DLDataType) -> PyResult<DType> {
    Ok(match (t.code, t.bits, t.lanes) {
        (6, 8, 1) => DType::Bool,
        (1, 8, 1) => DType::U8,
        (0, 8, 1) => DType::I8,
        (0, 16, 1) => DType::I16,
        (0, 32, 1) => DType::I32,
        (0, 64, 1) => DType::I64,
        (2, 16, 1) => DType::F16,
        (4, 16, 1) => DType::BF16,
        (2, 32, 1) => DType::F32,
        (2, 64, 1) => DType::F64,
        (code, bits, lanes) => {
            return Err(PyBufferError::new_err(format!(
                "Unsupported DLPack dtype (type code {code}, {bits} bits, {lanes} lanes): rustorch reads bool, \
                 uint8, int8/16/32/64, float16/32/64 and bfloat16"
            )))
        }
    })
}

// ---- export ----------------------------------------------------------------------------------------

/// What an exported capsule owns: the managed struct first (its address is the block's).
#[repr(C)]
struct Export<M> {
    managed: M,
    shape: Vec<i64>,
    strides: Vec<i64>,
    _tensor: Tensor,
}

unsafe extern "C" fn delete_legacy(m: *mut DLManagedTensor) {
    if !m.is_null() {
        // SAFETY: m is the `managed` field at the start of a boxed Export made by `to_dlpack`.
        drop(unsafe { Box::from_raw(m as *mut Export<DLManagedTensor>) });
    }
}

unsafe extern "C" fn delete_versioned(m: *mut DLManagedTensorVersioned) {
    if !m.is_null() {
        // SAFETY: as in `delete_legacy`.
        drop(unsafe { Box::from_raw(m as *mut Export<DLManagedTensorVersioned>) });
    }
}

/// The capsule's destructor: an unconsumed capsule (still under its own name) frees its tensor.
unsafe extern "C" fn capsule_destructor(capsule: *mut ffi::PyObject) {
    // SAFETY: called by Python with the dying capsule; IsValid sets no error.
    unsafe {
        if ffi::PyCapsule_IsValid(capsule, VERSIONED.as_ptr()) == 1 {
            let m = ffi::PyCapsule_GetPointer(capsule, VERSIONED.as_ptr()) as *mut DLManagedTensorVersioned;
            if let Some(d) = (*m).deleter {
                d(m);
            }
        } else if ffi::PyCapsule_IsValid(capsule, LEGACY.as_ptr()) == 1 {
            let m = ffi::PyCapsule_GetPointer(capsule, LEGACY.as_ptr()) as *mut DLManagedTensor;
            if let Some(d) = (*m).deleter {
                d(m);
            }
        }
    }
}

fn dl_tensor(t: &Tensor, shape: &mut [i64], strides: &mut [i64]) -> PyResult<DLTensor> {
    Ok(DLTensor {
        data: t.ptr()? as *mut c_void,
        device: DLDevice { device_type: DEVICE_CPU, device_id: 0 },
        ndim: t.ndim() as i32,
        dtype: dl_dtype(t.dtype),
        shape: shape.as_mut_ptr(),
        strides: strides.as_mut_ptr(),
        byte_offset: 0,
    })
}

/// A DLPack capsule viewing this CPU tensor (no copy); `versioned` chooses the 1.x struct.
#[pyfunction]
pub fn to_dlpack(py: Python<'_>, t: &Bound<'_, PyTensor>, versioned: bool) -> PyResult<Py<PyAny>> {
    let t = t.get().t.clone();
    if t.device() != Device::Cpu {
        return Err(PyBufferError::new_err("to_dlpack: only CPU tensors are exported (move it with .cpu())"));
    }
    let shape: Vec<i64> = t.shape().iter().map(|&s| s as i64).collect();
    let strides: Vec<i64> = t.layout.strides.iter().map(|&s| s as i64).collect();
    let (ptr, name) = if versioned {
        let placeholder = DLManagedTensorVersioned {
            version: DLPackVersion { major: 1, minor: 1 },
            manager_ctx: std::ptr::null_mut(),
            deleter: Some(delete_versioned),
            flags: 0,
            dl_tensor: dl_tensor(&t, &mut [], &mut [])?,
        };
        let mut b = Box::new(Export { managed: placeholder, shape, strides, _tensor: t.clone() });
        b.managed.dl_tensor = dl_tensor(&t, &mut b.shape, &mut b.strides)?;
        let raw = Box::into_raw(b);
        // SAFETY: raw is a live box; the context points at it (the deleter frees it).
        unsafe { (*raw).managed.manager_ctx = raw as *mut c_void };
        (raw as *mut c_void, VERSIONED)
    } else {
        let placeholder = DLManagedTensor { dl_tensor: dl_tensor(&t, &mut [], &mut [])?, manager_ctx: std::ptr::null_mut(), deleter: Some(delete_legacy) };
        let mut b = Box::new(Export { managed: placeholder, shape, strides, _tensor: t.clone() });
        b.managed.dl_tensor = dl_tensor(&t, &mut b.shape, &mut b.strides)?;
        let raw = Box::into_raw(b);
        // SAFETY: as above.
        unsafe { (*raw).managed.manager_ctx = raw as *mut c_void };
        (raw as *mut c_void, LEGACY)
    };
    // SAFETY: a valid pointer and a static name; on failure the block is freed here.
    unsafe {
        let cap = ffi::PyCapsule_New(ptr, name.as_ptr(), Some(capsule_destructor));
        if cap.is_null() {
            if versioned {
                delete_versioned(ptr as *mut DLManagedTensorVersioned);
            } else {
                delete_legacy(ptr as *mut DLManagedTensor);
            }
            return Err(PyErr::fetch(py));
        }
        Ok(Bound::from_owned_ptr(py, cap).unbind())
    }
}

// ---- import ----------------------------------------------------------------------------------------

/// The producer's managed tensor, kept by the storage that views its memory.
enum Producer {
    Legacy(*mut DLManagedTensor),
    Versioned(*mut DLManagedTensorVersioned),
}

// SAFETY: DLPack deleters may be called from any thread (the protocol requires it of producers).
unsafe impl Send for Producer {}
unsafe impl Sync for Producer {}

impl Drop for Producer {
    fn drop(&mut self) {
        // SAFETY: the pointers came from a consumed capsule; each deleter runs once, here.
        unsafe {
            match *self {
                Producer::Legacy(m) => {
                    if let Some(d) = (*m).deleter {
                        d(m)
                    }
                }
                Producer::Versioned(m) => {
                    if let Some(d) = (*m).deleter {
                        d(m)
                    }
                }
            }
        }
    }
}

/// A tensor viewing the memory of a DLPack capsule (consumed: renamed "used_...").
#[pyfunction]
pub fn from_dlpack(capsule: &Bound<'_, PyAny>) -> PyResult<PyTensor> {
    let cap = capsule.as_ptr();
    // SAFETY: IsValid accepts any object and sets no error.
    let (versioned, legacy) = unsafe { (ffi::PyCapsule_IsValid(cap, VERSIONED.as_ptr()) == 1, ffi::PyCapsule_IsValid(cap, LEGACY.as_ptr()) == 1) };
    if !versioned && !legacy {
        let used = capsule.get_type().name().map(|n| n.to_string()).unwrap_or_default() == "PyCapsule";
        return Err(if used {
            pyo3::exceptions::PyRuntimeError::new_err("from_dlpack received an invalid capsule. Note that DLTensor capsules can be consumed only once, so you might have already constructed a tensor from it once.")
        } else {
            PyTypeError::new_err("from_dlpack: expected a DLPack capsule or an object with __dlpack__")
        });
    }
    // SAFETY: the capsule is valid under the name just checked.
    let (producer, t) = unsafe {
        if versioned {
            let m = ffi::PyCapsule_GetPointer(cap, VERSIONED.as_ptr()) as *mut DLManagedTensorVersioned;
            if (*m).version.major != 1 {
                return Err(PyBufferError::new_err(format!("from_dlpack: DLPack version {}.{} is not supported (1.x is)", (*m).version.major, (*m).version.minor)));
            }
            (Producer::Versioned(m), &(*m).dl_tensor as *const DLTensor)
        } else {
            let m = ffi::PyCapsule_GetPointer(cap, LEGACY.as_ptr()) as *mut DLManagedTensor;
            (Producer::Legacy(m), &(*m).dl_tensor as *const DLTensor)
        }
    };
    // SAFETY: the producer keeps the DLTensor alive until its deleter runs.
    let result = view(unsafe { &*t });
    // Consumed either way: the storage calls the deleter when its last view goes, or, on an error,
    // `producer` is dropped here and calls it now.
    // SAFETY: renaming a valid capsule.
    unsafe { ffi::PyCapsule_SetName(cap, if versioned { USED_VERSIONED.as_ptr() } else { USED_LEGACY.as_ptr() }) };
    let (layout, dtype, data, nbytes) = result?;
    if data.is_null() {
        // An empty tensor (its pointer may be null): storage of its own.
        return Ok(PyTensor { t: Tensor::empty(&layout.shape, dtype, Device::Cpu)? });
    }
    // SAFETY: the producer keeps `nbytes` at `data` valid until its deleter runs, which the storage
    // calls when it is dropped.
    let storage = unsafe { Storage::from_external(data, nbytes, Box::new(producer))? };
    Ok(PyTensor { t: Tensor::from_storage(Arc::new(storage), layout, dtype)? })
}

/// The layout, dtype, first element and byte extent of a producer's CPU tensor (a null pointer
/// for an empty one).
/// (A producer's read-only flag is not enforced: the memory is viewed writable, as PyTorch views it.)
fn view(dl: &DLTensor) -> PyResult<(Layout, DType, *mut u8, usize)> {
    if dl.device.device_type != DEVICE_CPU {
        return Err(PyBufferError::new_err(format!(
            "from_dlpack: the tensor is on DLPack device type {} (rustorch reads CPU memory, type 1); move it to the CPU first",
            dl.device.device_type
        )));
    }
    let dtype = from_dl_dtype(dl.dtype)?;
    let nd = usize::try_from(dl.ndim).map_err(|_| PyValueError::new_err("from_dlpack: negative ndim"))?;
    // SAFETY: the protocol gives ndim shape entries, and ndim strides unless strides is null.
    let shape: Vec<i64> = if nd == 0 { vec![] } else { unsafe { std::slice::from_raw_parts(dl.shape, nd).to_vec() } };
    if shape.iter().any(|&s| s < 0) {
        return Err(PyValueError::new_err("from_dlpack: negative size"));
    }
    let shape: Vec<usize> = shape.iter().map(|&s| s as usize).collect();
    let strides: Vec<isize> = if nd > 0 && !dl.strides.is_null() {
        // SAFETY: as above.
        unsafe { std::slice::from_raw_parts(dl.strides, nd).iter().map(|&s| s as isize).collect() }
    } else {
        Layout::contiguous(&shape).strides.to_vec()
    };
    if strides.iter().zip(&shape).any(|(&s, &n)| s < 0 && n > 1) {
        return Err(PyBufferError::new_err("from_dlpack: negative strides are not supported"));
    }
    let numel: usize = shape.iter().product();
    let layout = Layout { shape: shape.as_slice().into(), strides: strides.as_slice().into(), offset: 0 };
    if numel == 0 {
        return Ok((layout, dtype, std::ptr::null_mut(), 0));
    }
    if dl.data.is_null() {
        return Err(PyValueError::new_err("from_dlpack: null data pointer"));
    }
    let extent = shape.iter().zip(&strides).map(|(&n, &s)| (n - 1) * s.max(0) as usize).sum::<usize>() + 1;
    let data = (dl.data as *mut u8).wrapping_add(dl.byte_offset as usize);
    Ok((layout, dtype, data, extent * dtype.size()))
}
