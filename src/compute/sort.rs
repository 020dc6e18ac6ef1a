//! Sorting and searching entry points: sort, topk, kthvalue and searchsorted, dispatched by
//! device. The sorted dim is moved last and made contiguous (a copy only when it is not), the
//! kernels work on rows, and the results move back and are made contiguous (PyTorch's outputs
//! are contiguous for contiguous inputs).
//!
//! The CPU selects (topk, kthvalue: O(n) per row); wgpu sorts each row (a bitonic network, see
//! `wgpu/sort.rs`) and keeps the rows' head or k-th column. Both order by the same keys with
//! ties broken by position, so both give the same values and indices.

use super::device_of;
use super::Arg;
use crate::cpu;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::wrap_dim;
use crate::storage::Device;
use crate::tensor::Tensor;

/// `x` with `dim` moved last, contiguous, at least 1-D.
fn rows_of(x: &Tensor, dim: usize) -> Result<Tensor> {
    let x = if x.ndim() == 0 { x.reshape(&[1])? } else { x.movedim(&[dim as i64], &[-1])? };
    x.contiguous()
}

/// A row result ([.., m] with the sorted dim last) moved back to `dim` of an input of
/// `ndim` dims, contiguous.
fn back(t: Tensor, dim: usize, ndim: usize) -> Result<Tensor> {
    if ndim == 0 {
        return t.reshape(&[]);
    }
    t.movedim(&[-1], &[dim as i64])?.contiguous()
}

fn empty_pair(shape: &[usize], dtype: DType, device: Device) -> Result<(Tensor, Tensor)> {
    Ok((Tensor::empty(shape, dtype, device)?, Tensor::empty(shape, DType::I64, device)?))
}

/// Each row of `rows` (contiguous, sorted dim last) sorted: (values, int64 indices).
fn sorted_rows(rows: &Tensor, descending: bool) -> Result<(Tensor, Tensor)> {
    match rows.device() {
        Device::Cpu => {
            let (v, i) = empty_pair(rows.shape(), rows.dtype, rows.device())?;
            cpu::sort::sort(rows, descending, &v, &i)?;
            Ok((v, i))
        }
        Device::Wgpu(_) => crate::wgpu::sort::sort(rows, descending),
    }
}

/// `torch.sort(x, dim, descending)`, stable: (values, indices), contiguous, x's shape.
pub fn sort(x: &Tensor, dim: i64, descending: bool) -> Result<(Tensor, Tensor)> {
    let d = wrap_dim(dim, x.ndim())?;
    let rows = rows_of(x, d)?;
    let (v, i) = if rows.numel() == 0 { empty_pair(rows.shape(), x.dtype, x.device())? } else { sorted_rows(&rows, descending)? };
    Ok((back(v, d, x.ndim())?, back(i, d, x.ndim())?))
}

/// The rows' columns `start..start + len` after sorting (wgpu's topk and kthvalue).
fn sorted_columns(rows: &Tensor, descending: bool, start: usize, len: usize) -> Result<(Tensor, Tensor)> {
    let (v, i) = sorted_rows(rows, descending)?;
    let last = rows.ndim() as i64 - 1;
    Ok((v.narrow(last, start as i64, len as i64)?.contiguous()?, i.narrow(last, start as i64, len as i64)?.contiguous()?))
}

/// `torch.topk(x, k, dim, largest)`: the k largest (smallest) along `dim`, in order.
pub fn topk(x: &Tensor, k: i64, dim: i64, largest: bool) -> Result<(Tensor, Tensor)> {
    let d = wrap_dim(dim, x.ndim())?;
    let n = if x.ndim() == 0 { 1 } else { x.shape()[d] };
    let k = usize::try_from(k).ok().filter(|&k| k <= n).ok_or_else(|| Error::runtime("selected index k out of range"))?;
    let rows = rows_of(x, d)?;
    let mut shape = rows.shape().to_vec();
    if let Some(l) = shape.last_mut() {
        *l = k;
    }
    let (v, i) = if rows.numel() == 0 || k == 0 {
        empty_pair(&shape, x.dtype, x.device())?
    } else {
        match x.device() {
            Device::Cpu => {
                let (v, i) = empty_pair(&shape, x.dtype, x.device())?;
                cpu::sort::topk(&rows, k, largest, &v, &i)?;
                (v, i)
            }
            Device::Wgpu(_) => sorted_columns(&rows, largest, 0, k)?,
        }
    };
    Ok((back(v, d, x.ndim())?, back(i, d, x.ndim())?))
}

/// `torch.kthvalue(x, k, dim, keepdim=True)`: the k-th smallest (1-based) along `dim`, which
/// stays as a dim of size 1.
pub fn kthvalue(x: &Tensor, k: i64, dim: i64) -> Result<(Tensor, Tensor)> {
    let d = wrap_dim(dim, x.ndim())?;
    let n = if x.ndim() == 0 { 1 } else { x.shape()[d] };
    let k = usize::try_from(k)
        .ok()
        .filter(|&k| k >= 1 && k <= n)
        .ok_or_else(|| Error::runtime(format!("kthvalue(): selected number k out of range for dimension {d}")))?;
    let rows = rows_of(x, d)?;
    let mut shape = rows.shape().to_vec();
    if let Some(l) = shape.last_mut() {
        *l = 1;
    }
    let (v, i) = if rows.numel() == 0 {
        empty_pair(&shape, x.dtype, x.device())?
    } else {
        match x.device() {
            Device::Cpu => {
                let (v, i) = empty_pair(&shape, x.dtype, x.device())?;
                cpu::sort::kthvalue(&rows, k, &v, &i)?;
                (v, i)
            }
            Device::Wgpu(_) => sorted_columns(&rows, false, k - 1, 1)?,
        }
    };
    Ok((back(v, d, x.ndim())?, back(i, d, x.ndim())?))
}

/// `torch.searchsorted(seq, values, right=right)`: seq and values of one dtype (the caller
/// promotes), seq 1-D or with values' leading dims; int64 (int32 with `out_int32`) positions
/// of values' shape.
pub fn searchsorted(seq: &Tensor, values: &Tensor, right: bool, out_int32: bool) -> Result<Tensor> {
    let device = device_of(&[Arg::T(seq), Arg::T(values)])?;
    if seq.dtype != values.dtype {
        return Err(Error::runtime("searchsorted: boundaries and values must have one dtype"));
    }
    let (sn, vn) = (seq.ndim(), values.ndim());
    if sn == 0 {
        return Err(Error::runtime("torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 dimension"));
    }
    if sn > 1 && (vn != sn || seq.shape()[..sn - 1] != values.shape()[..vn - 1]) {
        return Err(Error::runtime(format!(
            "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor {} and input value tensor {}",
            crate::layout::fmt_shape(seq.shape()),
            crate::layout::fmt_shape(values.shape())
        )));
    }
    let out = Tensor::empty(values.shape(), if out_int32 { DType::I32 } else { DType::I64 }, device)?;
    if values.numel() == 0 {
        return Ok(out);
    }
    if seq.numel() == 0 {
        super::fill(&out, crate::dtype::Scalar::Int(0))?; // no boundaries: every point is 0
        return Ok(out);
    }
    let (s, v) = (seq.contiguous()?, values.contiguous()?);
    match device {
        Device::Cpu => cpu::sort::searchsorted(&s, &v, right, &out)?,
        Device::Wgpu(_) => crate::wgpu::sort::searchsorted(&s, &v, right, &out)?,
    }
    Ok(out)
}
