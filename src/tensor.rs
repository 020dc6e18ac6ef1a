//! The core tensor: shared storage + a layout + a dtype. Views share the
//! storage (and so its version counter); nothing here copies unless asked.

use crate::dtype::DType;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::layout::{checked_numel, contiguous_strides, infer_shape, wrap_dim, Layout};
use crate::storage::{Device, Storage};
use std::sync::Arc;

#[derive(Clone)]
pub struct Tensor {
    storage: Arc<Storage>,
    pub layout: Layout,
    pub dtype: DType,
}

impl std::fmt::Debug for Tensor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tensor(shape={:?}, strides={:?}, offset={}, dtype={}, device={})", self.shape(),
            &self.layout.strides[..], self.layout.offset, self.dtype.name(), self.device().name())
    }
}

impl Tensor {
    /// Uninitialised contiguous tensor.
    pub fn empty(shape: &[usize], dtype: DType, device: Device) -> Result<Tensor> {
        let numel = checked_numel(shape)?;
        let nbytes = numel
            .checked_mul(dtype.size())
            .filter(|&n| n <= isize::MAX as usize)
            .ok_or(Error::OutOfMemory { bytes: numel as u128 * dtype.size() as u128 })?;
        let storage = match device {
            Device::Cpu => Storage::new_cpu(nbytes)?,
            Device::Wgpu(_) => {
                let ctx = crate::wgpu::context()?;
                Storage::from_wgpu(crate::wgpu::pool::Pool::take(&ctx, nbytes.div_ceil(4) * 4)?, nbytes)
            }
        };
        Ok(Tensor { storage: Arc::new(storage), layout: Layout::contiguous(shape), dtype })
    }

    /// Uninitialised tensor with a dense `layout` (offset 0, every slot used once, any dim order).
    pub fn empty_dense(layout: Layout, dtype: DType, device: Device) -> Result<Tensor> {
        let t = Tensor::empty(&layout.shape, dtype, device)?;
        if layout.offset != 0 || !(layout.is_dense() || layout.numel() == 0) {
            return Err(Error::runtime("empty_dense: the layout is not dense"));
        }
        Ok(Tensor { layout, ..t })
    }

    /// Uninitialised tensor laid out as PyTorch's `empty_like(t)` (preserve_format): `t`'s strides
    /// where it is dense, else dense in `t`'s dim order.
    pub fn empty_like(t: &Tensor, dtype: DType, device: Device) -> Result<Tensor> {
        if t.layout.is_dense() && t.layout.strides != contiguous_strides(t.shape()) {
            let layout = Layout { offset: 0, ..t.layout.clone() };
            return Tensor::empty_dense(layout, dtype, device);
        }
        Tensor::empty_result(t.shape(), &[Some(&t.layout)], dtype, device)
    }

    /// Uninitialised result of an elementwise op of `shape` laid out as PyTorch lays it out from
    /// these operands (`layout::result_layout`).
    pub fn empty_result(shape: &[usize], operands: &[Option<&Layout>], dtype: DType, device: Device) -> Result<Tensor> {
        let layout = crate::layout::result_layout(shape, operands);
        if layout.strides == contiguous_strides(shape) {
            return Tensor::empty(shape, dtype, device);
        }
        Tensor::empty_dense(layout, dtype, device)
    }

    pub fn from_storage(storage: Arc<Storage>, layout: Layout, dtype: DType) -> Result<Tensor> {
        if layout.extent() * dtype.size() > storage.nbytes() {
            return Err(Error::runtime("layout exceeds its storage"));
        }
        Ok(Tensor { storage, layout, dtype })
    }

    pub fn from_slice<T: Element>(data: &[T], shape: &[usize]) -> Result<Tensor> {
        if checked_numel(shape)? != data.len() {
            return Err(Error::shape(format!("{} values do not fill shape {:?}", data.len(), shape)));
        }
        let t = Tensor::empty(shape, T::DTYPE, Device::Cpu)?;
        let bytes: &[u8] = bytemuck::cast_slice(data);
        // SAFETY: `t` was just allocated with exactly `bytes.len()` bytes.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), t.ptr()?, bytes.len()) };
        Ok(t)
    }

    /// Values in logical (row-major) order; the dtype must be `T`'s.
    pub fn to_vec<T: Element>(&self) -> Result<Vec<T>> {
        if self.dtype != T::DTYPE {
            return Err(Error::Type(format!("to_vec: tensor is {}", self.dtype.name())));
        }
        let c = self.contiguous()?;
        let n = c.numel();
        let mut v = vec![T::default(); n];
        // SAFETY: `c` is contiguous with `n` elements of T.
        unsafe { std::ptr::copy_nonoverlapping(c.ptr()? as *const T, v.as_mut_ptr(), n) };
        Ok(v)
    }

    pub fn storage(&self) -> &Arc<Storage> {
        &self.storage
    }
    pub fn device(&self) -> Device {
        self.storage.device()
    }
    pub fn shape(&self) -> &[usize] {
        &self.layout.shape
    }
    pub fn ndim(&self) -> usize {
        self.layout.ndim()
    }
    pub fn numel(&self) -> usize {
        self.layout.numel()
    }
    pub fn is_contiguous(&self) -> bool {
        self.layout.is_contiguous()
    }
    pub fn same_storage(&self, other: &Tensor) -> bool {
        Arc::ptr_eq(&self.storage, &other.storage)
    }

    /// Pointer to the first element (CPU).
    pub fn ptr(&self) -> Result<*mut u8> {
        let base = self.storage.cpu_ptr()?;
        Ok(base.wrapping_add(self.layout.offset * self.dtype.size()))
    }

    pub fn byte_strides(&self) -> crate::layout::Strides {
        let s = self.dtype.size() as isize;
        self.layout.strides.iter().map(|&x| x * s).collect()
    }

    /// A view with another layout over the same storage.
    pub fn with_layout(&self, layout: Layout) -> Tensor {
        Tensor { storage: self.storage.clone(), layout, dtype: self.dtype }
    }

    pub fn bump_version(&self) {
        self.storage.bump_version();
    }

    // ---- views -------------------------------------------------------------

    pub fn view(&self, sizes: &[i64]) -> Result<Tensor> {
        Ok(self.with_layout(self.layout.view(sizes)?))
    }

    /// A view when the strides allow one, a copy otherwise.
    pub fn reshape(&self, sizes: &[i64]) -> Result<Tensor> {
        let shape = infer_shape(sizes, self.numel())?;
        match self.layout.view_strides(&shape) {
            Some(strides) => Ok(self.with_layout(Layout { shape: shape.into(), strides, offset: self.layout.offset })),
            None => {
                let c = self.contiguous()?;
                Ok(c.with_layout(Layout::contiguous(&shape)))
            }
        }
    }

    pub fn permute(&self, dims: &[i64]) -> Result<Tensor> {
        Ok(self.with_layout(self.layout.permute(dims)?))
    }

    pub fn transpose(&self, d0: i64, d1: i64) -> Result<Tensor> {
        Ok(self.with_layout(self.layout.transpose(d0, d1)?))
    }

    pub fn expand(&self, sizes: &[i64]) -> Result<Tensor> {
        Ok(self.with_layout(self.layout.expand(sizes)?))
    }

    pub fn broadcast_to(&self, shape: &[usize]) -> Result<Tensor> {
        self.clone().into_broadcast(shape)
    }

    /// `broadcast_to` that reuses this handle (no layout copy when the shape already matches).
    pub fn into_broadcast(self, shape: &[usize]) -> Result<Tensor> {
        if self.shape() == shape {
            return Ok(self);
        }
        let layout = self.layout.broadcast_to(shape)?;
        Ok(Tensor { layout, ..self })
    }

    pub fn squeeze(&self, dims: Option<&[i64]>) -> Result<Tensor> {
        Ok(self.with_layout(self.layout.squeeze(dims)?))
    }

    pub fn unsqueeze(&self, dim: i64) -> Result<Tensor> {
        Ok(self.with_layout(self.layout.unsqueeze(dim)?))
    }

    pub fn narrow(&self, dim: i64, start: i64, length: i64) -> Result<Tensor> {
        Ok(self.with_layout(self.layout.narrow(dim, start, length)?))
    }

    pub fn select(&self, dim: i64, index: i64) -> Result<Tensor> {
        Ok(self.with_layout(self.layout.select(dim, index)?))
    }

    pub fn flatten(&self, start: i64, end: i64) -> Result<Tensor> {
        let n = self.ndim();
        if n == 0 {
            return self.reshape(&[1]);
        }
        let (s, e) = (wrap_dim(start, n)?, wrap_dim(end, n)?);
        if s > e {
            return Err(Error::shape("flatten() has invalid args: start_dim cannot come after end_dim"));
        }
        let mut sizes: Vec<i64> = self.shape()[..s].iter().map(|&x| x as i64).collect();
        sizes.push(self.shape()[s..=e].iter().product::<usize>() as i64);
        sizes.extend(self.shape()[e + 1..].iter().map(|&x| x as i64));
        self.reshape(&sizes)
    }

    pub fn unflatten(&self, dim: i64, sizes: &[i64]) -> Result<Tensor> {
        let n = self.ndim();
        if n == 0 {
            return Err(Error::Index("Dimension specified as 0 but tensor has no dimensions".into()));
        }
        let d = wrap_dim(dim, n)?;
        if sizes.is_empty() {
            return Err(Error::shape("unflatten: sizes must be non-empty"));
        }
        let inner = infer_shape(sizes, self.shape()[d]).map_err(|_| {
            Error::shape(format!(
                "unflatten: Provided sizes {} don't multiply up to the size of dim {} ({}) in the input tensor",
                crate::layout::fmt_ishape(sizes),
                dim,
                self.shape()[d]
            ))
        })?;
        let mut shape: Vec<i64> = self.shape()[..d].iter().map(|&x| x as i64).collect();
        shape.extend(inner.iter().map(|&x| x as i64));
        shape.extend(self.shape()[d + 1..].iter().map(|&x| x as i64));
        self.view(&shape)
    }

    pub fn movedim(&self, src: &[i64], dst: &[i64]) -> Result<Tensor> {
        let n = self.ndim();
        if src.len() != dst.len() {
            return Err(Error::shape(format!(
                "movedim: Invalid source or destination dims: source ({:?} dims) should contain the same number of dims as destination ({:?} dims)",
                src, dst
            )));
        }
        let (src_given, dst_given) = (src, dst);
        let src: Vec<usize> = src.iter().map(|&d| wrap_dim(d, n)).collect::<Result<_>>()?;
        let dst: Vec<usize> = dst.iter().map(|&d| wrap_dim(d, n)).collect::<Result<_>>()?;
        if n == 0 {
            return Ok(self.clone()); // a 0-d tensor has one position for dim 0/-1: nothing moves
        }
        for (name, dims, given) in [("source", &src, src_given), ("destination", &dst, dst_given)] {
            if (1..dims.len()).any(|i| dims[..i].contains(&dims[i])) {
                return Err(Error::shape(format!(
                    "movedim: repeated dim in `{name}` ({})",
                    crate::layout::fmt_ishape(given)
                )));
            }
        }
        let mut order: Vec<Option<usize>> = vec![None; n];
        for (&s, &d) in src.iter().zip(&dst) {
            order[d] = Some(s);
        }
        let mut rest = (0..n).filter(|i| !src.contains(i));
        let perm: Vec<i64> = order.iter().map(|o| o.or_else(|| rest.next()).unwrap_or(0) as i64).collect();
        self.permute(&perm)
    }

    pub fn as_strided(&self, shape: &[i64], strides: &[i64], offset: Option<i64>) -> Result<Tensor> {
        let l = self.layout.as_strided(shape, strides, offset, self.storage.nbytes(), self.dtype.size())?;
        Ok(self.with_layout(l))
    }

    /// Self when contiguous, else a contiguous copy.
    pub fn contiguous(&self) -> Result<Tensor> {
        if self.is_contiguous() {
            return Ok(self.clone());
        }
        self.clone_contiguous()
    }

    /// Always a new contiguous copy (`clone()`).
    pub fn clone_contiguous(&self) -> Result<Tensor> {
        let out = Tensor::empty(self.shape(), self.dtype, self.device())?;
        crate::compute::cast_into(self, &out)?;
        Ok(out)
    }

    /// PyTorch's `clone()` (preserve_format): laid out as `empty_like` lays it out. A dense tensor
    /// fills one run of its storage, copied flat (a memcpy; an element-by-element strided copy
    /// is several times slower) and viewed with the same strides.
    pub fn clone_preserve(&self) -> Result<Tensor> {
        let l = &self.layout;
        if l.numel() > 0 && l.is_dense() && l.strides.iter().all(|&s| s >= 0) {
            let run = Tensor { storage: self.storage.clone(), layout: Layout { shape: [l.numel()][..].into(), strides: [1][..].into(), offset: l.offset }, dtype: self.dtype };
            let copy = run.clone_contiguous()?;
            return Ok(Tensor { layout: Layout { offset: 0, ..l.clone() }, ..copy });
        }
        let out = Tensor::empty_like(self, self.dtype, self.device())?;
        crate::compute::cast_into(self, &out)?;
        Ok(out)
    }

    /// Contiguous strides for this shape (what `clone_contiguous()` gives).
    pub fn contiguous_strides(&self) -> crate::layout::Strides {
        contiguous_strides(self.shape())
    }
}
