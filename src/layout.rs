//! Shape, strides (in elements) and offset: every view is arithmetic here; no data moves.

use crate::error::{Error, Result};
use smallvec::SmallVec;

/// Dims stored inline up to 6 (heap beyond): most tensors never allocate for their shape.
pub type Dims = SmallVec<[usize; 6]>;
pub type Strides = SmallVec<[isize; 6]>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub shape: Dims,
    pub strides: Strides,
    pub offset: usize,
}

pub fn contiguous_strides(shape: &[usize]) -> Strides {
    let mut strides: Strides = smallvec::smallvec![0isize; shape.len()];
    let mut acc: isize = 1;
    for i in (0..shape.len()).rev() {
        strides[i] = acc;
        acc = acc.saturating_mul(shape[i].max(1) as isize);
    }
    strides
}

/// Number of elements, or an error when the product overflows.
pub fn checked_numel(shape: &[usize]) -> Result<usize> {
    shape.iter().try_fold(1usize, |acc, &s| acc.checked_mul(s)).ok_or_else(|| {
        Error::OutOfMemory { bytes: shape.iter().fold(1u128, |a, &s| a.saturating_mul(s as u128)) }
    })
}

/// Wraps a possibly negative dim into `[0, ndim)`; 0-d tensors accept -1 and 0.
pub fn wrap_dim(dim: i64, ndim: usize) -> Result<usize> {
    let n = ndim.max(1) as i64;
    if dim < -n || dim >= n {
        return Err(Error::DimOutOfRange { lo: -n, hi: n - 1, got: dim });
    }
    Ok(if dim < 0 { (dim + n) as usize } else { dim as usize })
}

pub fn fmt_shape(shape: &[usize]) -> String {
    let parts: Vec<String> = shape.iter().map(|s| s.to_string()).collect();
    format!("[{}]", parts.join(", "))
}

pub fn fmt_ishape(shape: &[i64]) -> String {
    let parts: Vec<String> = shape.iter().map(|s| s.to_string()).collect();
    format!("[{}]", parts.join(", "))
}

/// Broadcast two shapes (numpy rules), worded as PyTorch on failure.
pub fn broadcast_shapes(a: &[usize], b: &[usize]) -> Result<Vec<usize>> {
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    for i in 0..n {
        let da = if i < a.len() { a[a.len() - 1 - i] } else { 1 };
        let db = if i < b.len() { b[b.len() - 1 - i] } else { 1 };
        out[n - 1 - i] = if da == db || db == 1 {
            da
        } else if da == 1 {
            db
        } else {
            return Err(Error::Broadcast { a: da, b: db, dim: n - 1 - i });
        };
    }
    Ok(out)
}

/// Sizes with one `-1` resolved, as `view`/`reshape` accept them.
pub fn infer_shape(sizes: &[i64], numel: usize) -> Result<Vec<usize>> {
    let invalid = || Error::shape(format!("shape '{}' is invalid for input of size {}", fmt_ishape(sizes), numel));
    let mut infer = None;
    let mut known: usize = 1;
    for (i, &s) in sizes.iter().enumerate() {
        if s == -1 {
            if infer.is_some() {
                return Err(Error::shape("only one dimension can be inferred"));
            }
            infer = Some(i);
        } else if s < 0 {
            return Err(Error::shape(format!("invalid shape dimension {s} at index {i} of shape {}", fmt_ishape(sizes))));
        } else {
            known = known.checked_mul(s as usize).ok_or_else(invalid)?;
        }
    }
    let mut out: Vec<usize> = sizes.iter().map(|&s| s.max(0) as usize).collect();
    match infer {
        Some(i) => {
            if known == 0 {
                if numel != 0 {
                    return Err(invalid());
                }
                // PyTorch: "cannot reshape tensor of 0 elements into shape [0, -1]"
                return Err(Error::shape(format!(
                    "cannot reshape tensor of 0 elements into shape {} because the unspecified dimension size -1 can be any value and is ambiguous",
                    fmt_ishape(sizes)
                )));
            }
            if !numel.is_multiple_of(known) {
                return Err(invalid());
            }
            out[i] = numel / known;
        }
        None => {
            if known != numel {
                return Err(invalid());
            }
        }
    }
    Ok(out)
}

/// The layout PyTorch's TensorIterator gives a new elementwise result of `shape` (dense, offset 0),
/// from the operands in order (`None`: a Python number): contiguous when they all are; their common
/// strides when they all have `shape`, are dense and share strides (channels-last included); else
/// dense in the operands' memory order, the first operand with distinct non-zero strides for two
/// dims deciding their order. So `x.t() + 1` is laid out as `x.t()`, and a loop over it is linear.
pub fn result_layout(shape: &[usize], operands: &[Option<&Layout>]) -> Layout {
    let n = shape.len();
    if n <= 1 {
        return Layout::contiguous(shape);
    }
    let full: Option<Vec<&Layout>> = operands.iter().map(|o| o.filter(|l| l.shape[..] == *shape)).collect();
    if let Some(full) = full.filter(|f| !f.is_empty()) {
        if full.iter().all(|l| l.is_contiguous()) {
            return Layout::contiguous(shape);
        }
        if full.iter().all(|l| l.is_channels_last()) {
            return Layout::channels_last(shape);
        }
        if full.iter().all(|l| l.is_dense() && l.strides == full[0].strides) {
            return Layout { shape: shape.into(), strides: full[0].strides.clone(), offset: 0 };
        }
    }
    // Each operand's strides at `shape`: 0 where it broadcasts.
    let strides: Vec<Strides> = operands
        .iter()
        .flatten()
        .map(|l| {
            let lead = n - l.ndim().min(n);
            (0..n)
                .map(|i| match i.checked_sub(lead) {
                    Some(j) if !(l.shape[j] == 1 && shape[i] != 1) => l.strides[j],
                    _ => 0,
                })
                .collect()
        })
        .collect();
    // 1: dim0 goes after dim1 in memory; -1: before; 0: no operand says (TensorIterator's should_swap).
    let order = |d0: usize, d1: usize| -> i32 {
        for st in &strides {
            let (s0, s1) = (st[d0], st[d1]);
            if s0 == 0 || s1 == 0 {
                continue;
            }
            if s0 != s1 {
                return if s0 < s1 { -1 } else { 1 };
            }
            if shape[d0] > shape[d1] {
                return 1;
            }
        }
        0
    };
    // perm[0] the fastest-moving dim; an insertion sort that leaves undecided pairs in place.
    let mut perm: Dims = (0..n).rev().collect();
    for i in 1..n {
        let mut d1 = i;
        for d0 in (0..i).rev() {
            match order(perm[d0], perm[d1]) {
                c if c > 0 => {
                    perm.swap(d0, d1);
                    d1 = d0;
                }
                c if c < 0 => break,
                _ => {}
            }
        }
    }
    if perm.iter().rev().copied().eq(0..n) {
        return Layout::contiguous(shape);
    }
    let mut out: Strides = smallvec::smallvec![0isize; n];
    let mut acc = 1isize;
    for &d in &perm {
        out[d] = acc;
        acc *= shape[d] as isize;
    }
    Layout { shape: shape.into(), strides: out, offset: 0 }
}

impl Layout {
    pub fn contiguous(shape: &[usize]) -> Layout {
        Layout { shape: shape.into(), strides: contiguous_strides(shape), offset: 0 }
    }

    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    pub fn numel(&self) -> usize {
        self.shape.iter().product()
    }

    /// PyTorch's definition: size-1 dims may have any stride; empty tensors are contiguous.
    pub fn is_contiguous(&self) -> bool {
        if self.numel() == 0 {
            return true;
        }
        let mut expected: isize = 1;
        for i in (0..self.ndim()).rev() {
            if self.shape[i] != 1 {
                if self.strides[i] != expected {
                    return false;
                }
                expected *= self.shape[i] as isize;
            }
        }
        true
    }

    /// PyTorch's channels-last contiguity (4-D: C fastest, then W, H, N; size-1 dims ignored).
    pub fn is_channels_last(&self) -> bool {
        if self.ndim() != 4 {
            return false;
        }
        let mut expected: isize = 1;
        for d in [1, 3, 2, 0] {
            if self.shape[d] != 1 {
                if self.strides[d] != expected {
                    return false;
                }
                expected *= self.shape[d] as isize;
            }
        }
        true
    }

    /// The dense channels-last layout of a 4-D shape.
    pub fn channels_last(shape: &[usize]) -> Layout {
        let mut strides: Strides = smallvec::smallvec![0isize; 4];
        strides[1] = 1;
        strides[3] = shape[1] as isize;
        strides[2] = strides[3] * shape[3] as isize;
        strides[0] = strides[2] * shape[2] as isize;
        Layout { shape: shape.into(), strides, offset: 0 }
    }

    /// PyTorch's is_non_overlapping_and_dense: the elements fill `numel` consecutive slots, in some
    /// order of the dims (size-1 dims ignored).
    pub fn is_dense(&self) -> bool {
        if self.is_contiguous() {
            return true; // empty tensors included, as PyTorch has it
        }
        if self.ndim() == 1 {
            return self.shape[0] < 2 || self.strides[0] == 1;
        }
        let mut dims: Dims = (0..self.ndim()).filter(|&d| self.shape[d] >= 2).collect();
        dims.sort_by_key(|&d| self.strides[d]);
        let mut expected: isize = 1;
        for d in dims {
            if self.strides[d] != expected {
                return false;
            }
            expected *= self.shape[d] as isize;
        }
        true
    }

    /// One past the largest element offset the layout reaches (0 when empty).
    pub fn extent(&self) -> usize {
        if self.numel() == 0 {
            return 0;
        }
        let mut max = self.offset as isize;
        for (&s, &st) in self.shape.iter().zip(&self.strides) {
            max += (s as isize - 1) * st.max(0);
        }
        max as usize + 1
    }

    /// True when no two indices address the same element (writes are well defined).
    pub fn has_internal_overlap(&self) -> bool {
        self.numel() > 0 && self.shape.iter().zip(&self.strides).any(|(&s, &st)| s > 1 && st == 0)
    }

    pub fn expand(&self, sizes: &[i64]) -> Result<Layout> {
        let n = sizes.len();
        if n < self.ndim() {
            return Err(Error::shape(format!(
                "expand(torch.FloatTensor{{{}}}, size=[{}]): the number of sizes provided ({}) must be greater or equal to the number of dimensions in the tensor ({})",
                self.shape.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", "),
                sizes.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", "),
                n,
                self.ndim()
            )));
        }
        let lead = n - self.ndim();
        let mut shape = vec![0usize; n];
        let mut strides = vec![0isize; n];
        for i in 0..n {
            let want = sizes[i];
            if i < lead {
                if want < 0 {
                    return Err(Error::shape(format!(
                        "The expanded size of the tensor ({want}) isn't allowed in a leading, non-existing dimension {i}"
                    )));
                }
                shape[i] = want as usize;
                strides[i] = 0;
                continue;
            }
            let j = i - lead;
            let have = self.shape[j];
            if want == -1 || want as usize == have {
                shape[i] = have;
                strides[i] = self.strides[j];
            } else if have == 1 && want >= 0 {
                shape[i] = want as usize;
                strides[i] = 0;
            } else {
                return Err(Error::shape(format!(
                    "The expanded size of the tensor ({}) must match the existing size ({}) at non-singleton dimension {}.  Target sizes: {}.  Tensor sizes: {}",
                    want, have, i, fmt_ishape(sizes), fmt_shape(&self.shape)
                )));
            }
        }
        Ok(Layout { shape: shape.into(), strides: strides.into(), offset: self.offset })
    }

    pub fn broadcast_to(&self, shape: &[usize]) -> Result<Layout> {
        let sizes: Vec<i64> = shape.iter().map(|&s| s as i64).collect();
        self.expand(&sizes)
    }

    pub fn permute(&self, dims: &[i64]) -> Result<Layout> {
        let n = self.ndim();
        if dims.len() != n {
            return Err(Error::shape(format!(
                "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = {} is not equal to len(dims) = {}",
                n,
                dims.len()
            )));
        }
        let mut seen = vec![false; n];
        let mut shape = Vec::with_capacity(n);
        let mut strides = Vec::with_capacity(n);
        for &d in dims {
            let d = wrap_dim(d, n)?;
            if seen[d] {
                return Err(Error::shape("permute(): duplicate dims are not allowed."));
            }
            seen[d] = true;
            shape.push(self.shape[d]);
            strides.push(self.strides[d]);
        }
        Ok(Layout { shape: shape.into(), strides: strides.into(), offset: self.offset })
    }

    pub fn transpose(&self, d0: i64, d1: i64) -> Result<Layout> {
        let n = self.ndim();
        let (a, b) = (wrap_dim(d0, n)?, wrap_dim(d1, n)?);
        let mut out = self.clone();
        if n > 0 {
            out.shape.swap(a, b);
            out.strides.swap(a, b);
        }
        Ok(out)
    }

    pub fn narrow(&self, dim: i64, start: i64, length: i64) -> Result<Layout> {
        if self.ndim() == 0 {
            return Err(Error::shape("narrow() cannot be applied to a 0-dim tensor."));
        }
        let d = wrap_dim(dim, self.ndim())?;
        let size = self.shape[d] as i64;
        let start = if start < 0 { start + size } else { start };
        if start < 0 || start > size {
            return Err(Error::Index(format!(
                "start out of range (expected to be in range of [{}, {}], but got {})",
                -size, size, start
            )));
        }
        if length < 0 || start + length > size {
            return Err(Error::shape(format!("start ({start}) + length ({length}) exceeds dimension size ({size}).")));
        }
        let mut out = self.clone();
        out.offset = (self.offset as isize + start as isize * self.strides[d]) as usize;
        out.shape[d] = length as usize;
        Ok(out)
    }

    pub fn select(&self, dim: i64, index: i64) -> Result<Layout> {
        if self.ndim() == 0 {
            return Err(Error::Index("select() cannot be applied to a 0-dim tensor.".into()));
        }
        let d = wrap_dim(dim, self.ndim())?;
        let size = self.shape[d] as i64;
        if index < -size || index >= size {
            return Err(Error::Index(format!(
                "select(): index {index} out of range for tensor of size {} at dimension {d}",
                fmt_shape(&self.shape)
            )));
        }
        let i = if index < 0 { index + size } else { index };
        let mut out = self.clone();
        out.offset = (self.offset as isize + i as isize * self.strides[d]) as usize;
        out.shape.remove(d);
        out.strides.remove(d);
        Ok(out)
    }

    /// Removes the given dims when they have size 1 (all size-1 dims when `dims` is None).
    pub fn squeeze(&self, dims: Option<&[i64]>) -> Result<Layout> {
        let n = self.ndim();
        let mut drop = vec![false; n];
        match dims {
            None => drop.iter_mut().zip(&self.shape).for_each(|(d, &s)| *d = s == 1),
            Some(ds) => {
                for &d in ds {
                    let d = wrap_dim(d, n)?;
                    if n > 0 && self.shape[d] == 1 {
                        drop[d] = true;
                    }
                }
            }
        }
        let mut out = Layout { shape: Dims::new(), strides: Strides::new(), offset: self.offset };
        for i in 0..n {
            if !drop[i] {
                out.shape.push(self.shape[i]);
                out.strides.push(self.strides[i]);
            }
        }
        Ok(out)
    }

    pub fn unsqueeze(&self, dim: i64) -> Result<Layout> {
        let d = wrap_dim(dim, self.ndim() + 1)?;
        let mut out = self.clone();
        let stride = if d < self.ndim() { self.strides[d] * self.shape[d] as isize } else { 1 };
        out.shape.insert(d, 1);
        out.strides.insert(d, stride);
        Ok(out)
    }

    /// The strides `shape` would have as a view of this layout, if one exists
    /// (PyTorch's `computeStride`): dims may split and merge only inside
    /// chunks that are contiguous in memory.
    pub fn view_strides(&self, shape: &[usize]) -> Option<Strides> {
        if self.numel() == 0 || self.ndim() == 0 {
            return Some(contiguous_strides(shape));
        }
        let (old_shape, old_strides) = (&self.shape, &self.strides);
        let mut new_strides: Strides = smallvec::smallvec![0isize; shape.len()];
        let mut view_d = shape.len() as isize - 1;
        let mut chunk_base = *old_strides.last()?;
        let (mut tensor_numel, mut view_numel) = (1usize, 1usize);
        for td in (0..old_shape.len()).rev() {
            tensor_numel *= old_shape[td];
            let boundary = td == 0
                || (old_shape[td - 1] != 1 && old_strides[td - 1] != tensor_numel as isize * chunk_base);
            if boundary {
                while view_d >= 0 && (view_numel < tensor_numel || shape[view_d as usize] == 1) {
                    new_strides[view_d as usize] = view_numel as isize * chunk_base;
                    view_numel *= shape[view_d as usize];
                    view_d -= 1;
                }
                if view_numel != tensor_numel {
                    return None;
                }
                if td > 0 {
                    chunk_base = old_strides[td - 1];
                    tensor_numel = 1;
                    view_numel = 1;
                }
            }
        }
        if view_d != -1 {
            return None;
        }
        Some(new_strides)
    }

    pub fn view(&self, sizes: &[i64]) -> Result<Layout> {
        let shape = infer_shape(sizes, self.numel())?;
        match self.view_strides(&shape) {
            Some(strides) => Ok(Layout { shape: shape.into(), strides, offset: self.offset }),
            None => Err(Error::shape(
                "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
            )),
        }
    }

    pub fn as_strided(&self, shape: &[i64], strides: &[i64], offset: Option<i64>, storage_bytes: usize, itemsize: usize) -> Result<Layout> {
        if shape.len() != strides.len() {
            return Err(Error::shape("mismatch in length of strides and shape"));
        }
        if let Some(&s) = shape.iter().find(|&&s| s < 0) {
            return Err(Error::shape(format!("Trying to create tensor with negative dimension {s}: {}", fmt_ishape(shape))));
        }
        if strides.iter().any(|&s| s < 0) {
            return Err(Error::shape("as_strided: Negative strides are not supported at the moment, got strides: ".to_string() + &fmt_ishape(strides)));
        }
        let offset = offset.unwrap_or(self.offset as i64);
        if offset < 0 {
            return Err(Error::shape(format!("Tensor: invalid storage offset {offset}")));
        }
        let out = Layout {
            shape: shape.iter().map(|&s| s as usize).collect(),
            strides: strides.iter().map(|&s| s as isize).collect(),
            offset: offset as usize,
        };
        let needed = out.extent() * itemsize;
        if needed > storage_bytes {
            return Err(Error::shape(format!(
                "setStorage: sizes {}, strides {}, storage offset {}, and itemsize {} requiring a storage size of {} are out of bounds for storage of size {}",
                fmt_ishape(shape), fmt_ishape(strides), offset, itemsize, needed, storage_bytes
            )));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strided(shape: &[usize], strides: &[isize]) -> Layout {
        Layout { shape: shape.into(), strides: strides.into(), offset: 0 }
    }

    #[test]
    fn results_are_laid_out_as_pytorch_lays_them_out() {
        let t = strided(&[4, 3], &[1, 4]); // a 3x4 tensor transposed
        let c = Layout::contiguous(&[4, 3]);
        let strides = |ops: &[Option<&Layout>], shape: &[usize]| result_layout(shape, ops).strides.to_vec();
        assert_eq!(strides(&[Some(&t), None], &[4, 3]), vec![1, 4]);
        assert_eq!(strides(&[Some(&t), Some(&t)], &[4, 3]), vec![1, 4]);
        assert_eq!(strides(&[Some(&t), Some(&c)], &[4, 3]), vec![1, 4]);
        assert_eq!(strides(&[Some(&c), Some(&t)], &[4, 3]), vec![3, 1]);
        // A permuted, sliced 3-D view: dense in its dim order.
        let p = strided(&[4, 2, 2], &[1, 12, 4]);
        assert_eq!(strides(&[Some(&p)], &[4, 2, 2]), vec![1, 8, 4]);
        // A broadcast row decides nothing; the permuted operand does.
        let row = Layout::contiguous(&[3]);
        assert_eq!(strides(&[Some(&row), Some(&strided(&[4, 2, 3], &[1, 12, 4]))], &[4, 2, 3]), vec![1, 12, 4]);
        // Channels-last stays channels-last; an expanded input gives a contiguous result.
        let cl = strided(&[2, 5, 3, 4], &[60, 1, 20, 5]);
        assert_eq!(strides(&[Some(&cl), Some(&cl)], &[2, 5, 3, 4]), vec![60, 1, 20, 5]);
        assert_eq!(strides(&[Some(&strided(&[3, 4], &[0, 1]))], &[3, 4]), vec![4, 1]);
        assert!(strided(&[4, 3], &[1, 4]).is_dense() && !strided(&[4, 2], &[1, 8]).is_dense());
        assert!(strided(&[3, 4], &[0, 1]).has_internal_overlap());
        assert!(!strided(&[0, 4], &[0, 0]).has_internal_overlap());
    }

    #[test]
    fn broadcasting() {
        assert_eq!(broadcast_shapes(&[3, 1], &[4]).unwrap(), vec![3, 4]);
        assert_eq!(broadcast_shapes(&[], &[2, 2]).unwrap(), vec![2, 2]);
        let e = broadcast_shapes(&[2, 3], &[2, 4]).unwrap_err().to_string();
        assert_eq!(e, "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1");
    }

    #[test]
    fn views_split_and_merge_only_contiguous_chunks() {
        let l = Layout::contiguous(&[2, 3, 4]);
        assert_eq!(l.view(&[6, 4]).unwrap().strides.to_vec(), vec![4, 1]);
        assert_eq!(l.view(&[-1]).unwrap().shape.to_vec(), vec![24]);
        let t = l.transpose(0, 1).unwrap(); // [3, 2, 4] strides [4, 12, 1]
        assert!(t.view(&[24]).is_err());
        assert_eq!(t.view(&[3, 2, 2, 2]).unwrap().strides.to_vec(), vec![4, 12, 2, 1]);
        assert!(l.view(&[5, 5]).is_err());
    }

    #[test]
    fn contiguity_ignores_unit_dims() {
        let l = Layout { shape: smallvec::smallvec![1, 3], strides: smallvec::smallvec![99, 1], offset: 0 };
        assert!(l.is_contiguous());
        assert!(!Layout::contiguous(&[2, 3]).transpose(0, 1).unwrap().is_contiguous());
    }

    #[test]
    fn dims_wrap_and_fail_like_torch() {
        assert_eq!(wrap_dim(-1, 3).unwrap(), 2);
        assert_eq!(wrap_dim(0, 0).unwrap(), 0);
        let e = wrap_dim(2, 2).unwrap_err().to_string();
        assert_eq!(e, "Dimension out of range (expected to be in range of [-2, 1], but got 2)");
    }

    #[test]
    fn narrow_select_squeeze() {
        let l = Layout::contiguous(&[4, 5]);
        let n = l.narrow(1, 1, 3).unwrap();
        assert_eq!((n.shape.to_vec(), n.offset), (vec![4, 3], 1));
        let s = l.select(0, -1).unwrap();
        assert_eq!((s.shape.to_vec(), s.offset), (vec![5], 15));
        let u = l.unsqueeze(0).unwrap().unsqueeze(-1).unwrap();
        assert_eq!(u.shape.to_vec(), vec![1, 4, 5, 1]);
        assert_eq!(u.squeeze(None).unwrap().shape.to_vec(), vec![4, 5]);
        assert_eq!(u.squeeze(Some(&[0])).unwrap().shape.to_vec(), vec![4, 5, 1]);
    }

    #[test]
    fn expand_uses_zero_strides() {
        let l = Layout::contiguous(&[3, 1]);
        let e = l.expand(&[2, 3, 4]).unwrap();
        assert_eq!(e.strides.to_vec(), vec![0, 1, 0]);
        assert!(e.has_internal_overlap());
        assert!(l.expand(&[3, 2, 2]).is_err());
    }
}
