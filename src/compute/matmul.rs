//! The matrix-product family's device-agnostic entry: checks, output allocation, then the
//! device's batched kernel. Every public product (matmul, mm, bmm, mv, dot, addmm, einsum, ...)
//! is built in Python from this one batched product and views, so each device has one kernel.

use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::storage::Device;
use crate::tensor::Tensor;

/// a [B, M, K] @ b [B, K, N] -> a new contiguous [B, M, N] of their (common) dtype. Operands are
/// read through their strides: transposes, slices and batch broadcasts (stride 0) cost no copy.
pub fn bmm(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    if a.ndim() != 3 || b.ndim() != 3 {
        return Err(Error::runtime(if a.ndim() != 3 { "batch1 must be a 3D tensor" } else { "batch2 must be a 3D tensor" }));
    }
    let (sa, sb) = (a.shape(), b.shape());
    if sa[0] != sb[0] || sa[2] != sb[1] {
        return Err(Error::runtime(format!(
            "Expected size for first two dimensions of batch2 tensor to be: [{}, {}] but got: [{}, {}].",
            sa[0], sa[2], sb[0], sb[1]
        )));
    }
    if a.dtype != b.dtype {
        return Err(Error::runtime(format!("expected m1 and m2 to have the same dtype, but got: {} != {}", c_name(a.dtype), c_name(b.dtype))));
    }
    crate::compute::device_of(&[crate::compute::Arg::T(a), crate::compute::Arg::T(b)])?;
    if a.dtype == DType::Bool {
        return Err(Error::DTypeUnsupported { op: "addmm_impl_cpu_", dtype: DType::Bool });
    }
    let out = Tensor::empty(&[sa[0], sa[1], sb[2]], a.dtype, a.device())?;
    if out.numel() == 0 {
        return Ok(out);
    }
    match a.device() {
        Device::Cpu => crate::cpu::matmul::bmm(a, b, &out)?,
        Device::Wgpu(_) => crate::wgpu::matmul::matmul(a, b, &out)?,
    }
    Ok(out)
}

/// The C++ type name PyTorch's matmul errors print ("float != double").
fn c_name(d: DType) -> &'static str {
    match d {
        DType::Bool => "bool",
        DType::U8 => "unsigned char",
        DType::I8 => "signed char",
        DType::I16 => "short int",
        DType::I32 => "int",
        DType::I64 => "long int",
        DType::F16 => "c10::Half",
        DType::BF16 => "c10::BFloat16",
        DType::F32 => "float",
        DType::F64 => "double",
    }
}
