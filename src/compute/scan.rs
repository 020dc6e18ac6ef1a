//! cumsum / cumprod entry points: dim checks, PyTorch's dtype rules (the input cast to the
//! result dtype first; half types accumulate in f32 and round each output; small integer
//! results are computed in int32, which wraps to the same bits), dispatched by device.

use super::to_dtype;
use crate::cpu;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::storage::Device;
use crate::tensor::Tensor;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scan {
    Sum,
    Prod,
}

impl Scan {
    pub fn from_name(name: &str) -> Result<Scan> {
        match name {
            "sum" => Ok(Scan::Sum),
            "prod" => Ok(Scan::Prod),
            other => Err(Error::runtime(format!("cumulative: unknown op {other}"))),
        }
    }
}

/// PyTorch's default result dtype: integer and bool inputs give int64, floats keep theirs.
pub fn default_dtype(d: DType) -> DType {
    if d.is_float() { d } else { DType::I64 }
}

/// The dtype the kernels scan a `d` result in.
fn scan_dtype(d: DType, device: Device) -> DType {
    match d {
        DType::F16 | DType::BF16 if device == Device::Cpu => DType::F32,
        DType::U8 | DType::I8 | DType::I16 | DType::Bool => DType::I32,
        d => d,
    }
}

/// `torch.cumsum(x, dim, dtype=dtype)` (Sum) or `torch.cumprod` (Prod): a new contiguous tensor
/// of x's shape in `dtype`; `dim` already wrapped (0 for a 0-d tensor).
pub fn cumulative(op: Scan, x: &Tensor, dim: usize, dtype: DType) -> Result<Tensor> {
    let nd = x.ndim();
    if dim >= nd.max(1) {
        let n = nd.max(1) as i64;
        return Err(Error::DimOutOfRange { lo: -n, hi: n - 1, got: dim as i64 });
    }
    if dtype == DType::Bool {
        let name = if op == Scan::Sum { "cumsum" } else { "cumprod" };
        return Err(Error::NotImplemented(format!("\"{name}_out_cpu\" not implemented for 'Bool'")));
    }
    let device = x.device();
    if nd == 0 || x.numel() == 0 {
        let out = Tensor::empty(x.shape(), dtype, device)?;
        super::cast_into(x, &out)?;
        return Ok(out);
    }
    let kd = scan_dtype(dtype, device);
    // Cast to the result dtype first (its rounding is PyTorch's), then to the scan dtype.
    let xin = to_dtype(&to_dtype(x, dtype)?, kd)?;
    let res = match device {
        Device::Cpu => {
            let out = Tensor::empty(x.shape(), kd, device)?;
            cpu::scan::cumulative(op, &xin, dim, &out)?;
            out
        }
        Device::Wgpu(_) => crate::wgpu::scan::cumulative(op, &xin, dim)?,
    };
    to_dtype(&res, dtype)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strided_rows_wrap_and_halves() {
        let x = Tensor::from_slice(&[1i32, 2, 3, 4, 5, 6], &[2, 3]).unwrap();
        let t = x.transpose(0, 1).unwrap(); // [3, 2]
        let s = cumulative(Scan::Sum, &t, 0, DType::I64).unwrap();
        assert_eq!(s.to_vec::<i64>().unwrap(), vec![1, 4, 3, 9, 6, 15]);
        let p = cumulative(Scan::Prod, &x, 1, DType::I64).unwrap();
        assert_eq!(p.to_vec::<i64>().unwrap(), vec![1, 2, 6, 4, 20, 120]);
        let u = Tensor::from_slice(&[200u8, 100], &[2]).unwrap();
        assert_eq!(cumulative(Scan::Sum, &u, 0, DType::U8).unwrap().to_vec::<u8>().unwrap(), vec![200, 44]);
        let e = cumulative(Scan::Sum, &x, 2, DType::I64).unwrap_err().to_string();
        assert_eq!(e, "Dimension out of range (expected to be in range of [-2, 1], but got 2)");
    }
}
