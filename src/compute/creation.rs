//! Creation ops: full, arange, linspace, eye and the random fills.

use super::{copy_into, kernel_dtype};
use crate::cpu::random::{self, fill_indexed, Generator};
use crate::wgpu::map::MapOp;
use crate::wgpu::random::Draw;
use crate::dispatch_all;
use crate::dtype::{DType, Scalar};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::storage::Device;
use crate::tensor::Tensor;

pub fn full(shape: &[usize], value: Scalar, dtype: DType, device: Device) -> Result<Tensor> {
    let t = Tensor::empty(shape, dtype, device)?;
    super::fill_raw(&t, value)?;
    Ok(t)
}

/// Number of elements of `arange(start, end, step)`, with PyTorch's checks.
pub fn arange_len(start: f64, end: f64, step: f64) -> Result<usize> {
    if step == 0.0 {
        return Err(Error::runtime("step must be nonzero"));
    }
    if !start.is_finite() || !end.is_finite() {
        return Err(Error::runtime(format!("unsupported range: {start} -> {end}")));
    }
    if (step > 0.0 && end < start) || (step < 0.0 && end > start) {
        return Err(Error::runtime("upper bound and lower bound inconsistent with step sign"));
    }
    let n = ((end - start) / step).ceil();
    if n >= usize::MAX as f64 / 8.0 {
        return Err(Error::OutOfMemory { bytes: n as u128 * 8 });
    }
    Ok(n.max(0.0) as usize)
}

pub fn arange(start: Scalar, end: Scalar, step: Scalar, dtype: DType, device: Device) -> Result<Tensor> {
    let n = arange_len(start.to_f64(), end.to_f64(), step.to_f64())?;
    let t = Tensor::empty(&[n], dtype, device)?;
    let all_int = [start, end, step].iter().all(|s| !matches!(s, Scalar::Float(_)));
    if device != Device::Cpu {
        let compute = if all_int { DType::I64 } else { device_float(device)? };
        let (s, st) = if all_int { (start, step) } else { (Scalar::Float(start.to_f64()), Scalar::Float(step.to_f64())) };
        crate::wgpu::map::run(MapOp::Arange, &[], compute, &[s, st], &t)?;
        return Ok(t);
    }
    if all_int {
        let (s, st) = (start.to_i64(), step.to_i64());
        dispatch_all!(dtype, T => fill_indexed::<T>(&t, |i| T::from_i64(s.wrapping_add(st.wrapping_mul(i as i64)))))?;
    } else {
        let (s, st) = (start.to_f64(), step.to_f64());
        dispatch_all!(dtype, T => fill_indexed::<T>(&t, |i| T::from_f64(s + st * i as f64)))?;
    }
    Ok(t)
}

/// `steps` points from start to end; the second half is computed from the end
/// so that the last value is exactly `end` (as PyTorch does).
pub fn linspace(start: f64, end: f64, steps: i64, dtype: DType, device: Device) -> Result<Tensor> {
    if steps < 0 {
        return Err(Error::runtime("linspace(): number of steps must be non-negative"));
    }
    let n = steps as usize;
    let t = Tensor::empty(&[n], dtype, device)?;
    let step = if n > 1 { (end - start) / (n - 1) as f64 } else { 0.0 };
    if device != Device::Cpu {
        let extras = [Scalar::Float(start), Scalar::Float(end), Scalar::Float(step)];
        crate::wgpu::map::run(MapOp::Linspace, &[], device_float(device)?, &extras, &t)?;
        return Ok(t);
    }
    let half = n / 2;
    dispatch_all!(dtype, T => fill_indexed::<T>(&t, |i| {
        let v = if i < half || n == 1 { start + step * i as f64 } else { end - step * (n - 1 - i) as f64 };
        T::from_f64(v)
    }))?;
    Ok(t)
}

pub fn eye(n: usize, m: usize, dtype: DType, device: Device) -> Result<Tensor> {
    let t = full(&[n, m], Scalar::Int(0), dtype, device)?;
    let diag = t.with_layout(Layout { shape: smallvec::smallvec![n.min(m)], strides: smallvec::smallvec![m as isize + 1], offset: 0 });
    super::fill_raw(&diag, Scalar::Int(1))?;
    Ok(t)
}

/// The float type a device computes creation values in: f64 as the CPU does, where
/// the adapter has it (lavapipe does), else f32.
fn device_float(device: Device) -> Result<DType> {
    match device {
        Device::Cpu => Ok(DType::F64),
        Device::Wgpu(_) => {
            let ctx = crate::wgpu::context()?;
            Ok(if ctx.features.contains(wgpu::Features::SHADER_F64) { DType::F64 } else { DType::F32 })
        }
    }
}

/// Fills `t` through a contiguous buffer of its kernel dtype when it is not one.
fn fill_random(t: &Tensor, f: impl FnOnce(&Tensor) -> Result<()>) -> Result<()> {
    // The wgpu kernels store every dtype directly; the CPU's compute in f32/f64.
    let kd = if t.device() == Device::Cpu { kernel_dtype(t.dtype) } else { t.dtype };
    if t.is_contiguous() && t.dtype == kd {
        f(t)?;
        t.bump_version();
        Ok(())
    } else {
        let tmp = Tensor::empty(t.shape(), kd, t.device())?;
        f(&tmp)?;
        copy_into(t, &tmp)
    }
}

pub fn uniform_(t: &Tensor, lo: f64, hi: f64, gen: &mut Generator) -> Result<()> {
    if !t.dtype.is_float() {
        return Err(Error::DTypeUnsupported { op: "check_uniform_bounds", dtype: t.dtype });
    }
    if lo > hi {
        return Err(Error::runtime(format!("uniform_ expects to return a [from, to) range, but found from={lo} > to={hi}")));
    }
    let s = gen.take(t.numel() as u64);
    fill_random(t, |o| match o.device() {
        Device::Cpu => dispatch_all!(o.dtype, T => random::uniform::<T>(o, s, lo, hi)),
        Device::Wgpu(_) => crate::wgpu::random::fill(o, s, Draw::Uniform { lo, hi }),
    })
}

pub fn normal_(t: &Tensor, mean: f64, std: f64, gen: &mut Generator) -> Result<()> {
    if !t.dtype.is_float() {
        return Err(Error::DTypeUnsupported { op: "normal_kernel_cpu", dtype: t.dtype });
    }
    if std < 0.0 {
        return Err(Error::runtime(format!("normal expects std >= 0.0, but found std {std}")));
    }
    let s = gen.take(2 * t.numel() as u64);
    fill_random(t, |o| match o.device() {
        Device::Cpu => dispatch_all!(o.dtype, T => random::normal::<T>(o, s, mean, std)),
        Device::Wgpu(_) => crate::wgpu::random::fill(o, s, Draw::Normal { mean, std }),
    })
}

pub fn randint_(t: &Tensor, lo: i64, hi: i64, gen: &mut Generator) -> Result<()> {
    if lo >= hi {
        return Err(Error::runtime(format!("random_ expects 'from' to be less than 'to', but got from={lo} >= to={hi}")));
    }
    let s = gen.take(t.numel() as u64);
    fill_random(t, |o| match o.device() {
        Device::Cpu => dispatch_all!(o.dtype, T => random::randint::<T>(o, s, lo, hi)),
        Device::Wgpu(_) => crate::wgpu::random::fill(o, s, Draw::Int { lo, hi }),
    })
}

pub fn randperm(n: i64, dtype: DType, gen: &mut Generator) -> Result<Tensor> {
    if n < 0 {
        return Err(Error::runtime(format!("Trying to create tensor with negative dimension {n}: [{n}]")));
    }
    let s = gen.take(n as u64);
    let v = random::randperm(n as usize, s);
    let t = Tensor::from_slice(&v, &[n as usize])?;
    super::to_dtype(&t, dtype)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arange_and_linspace_values() {
        let a = arange(Scalar::Int(0), Scalar::Int(5), Scalar::Int(2), DType::I64, Device::Cpu).unwrap();
        assert_eq!(a.to_vec::<i64>().unwrap(), vec![0, 2, 4]);
        let f = arange(Scalar::Float(1.0), Scalar::Float(0.0), Scalar::Float(-0.25), DType::F32, Device::Cpu).unwrap();
        assert_eq!(f.to_vec::<f32>().unwrap(), vec![1.0, 0.75, 0.5, 0.25]);
        let l = linspace(0.0, 1.0, 5, DType::F64, Device::Cpu).unwrap();
        assert_eq!(l.to_vec::<f64>().unwrap(), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        assert!(arange_len(0.0, 1.0, 0.0).is_err());
    }

    #[test]
    fn eye_has_ones_on_the_diagonal() {
        let e = eye(2, 3, DType::F32, Device::Cpu).unwrap();
        assert_eq!(e.to_vec::<f32>().unwrap(), vec![1.0, 0.0, 0.0, 0.0, 1.0, 0.0]);
    }
}
