"""Matrix products: matmul/@, mm, bmm, mv, dot, outer, addmm, baddbmm, einsum, tensordot, kron.

Every product is one native batched product (``_C.bmm``: [B, M, K] @ [B, K, N], operands read
through their strides) wrapped in views, so a transposed or sliced operand is never copied and each
device needs one kernel. Errors are worded as PyTorch words them.
"""

from __future__ import annotations

import builtins

import math
from typing import TYPE_CHECKING

from . import _C
from ._dtype import bool_
from ._functional import _method
from ._tensor import Tensor, _wrap

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ._typing import Number

def _bmm(a, b):
    return _wrap(_C.bmm(a._c, b._c))


# The CPU kernel PyTorch names when a product of bool tensors is refused.
_KERNEL = {"mm": "addmm_impl_cpu_", "mv": "addmv_impl_cpu", "dot": "dot", "bmm": "bmm", "baddbmm": "baddbmm"}


def _product(a, b, kind):
    """``a [B, M, K] @ b [B, K, N]`` (one native product) with the dtype rules of the PyTorch kernel
    that ``kind`` stands for ("mm", "mv", "dot": their dtype mismatches are checked by the caller;
    "bmm", "baddbmm"). Bool is refused by name unless the product is empty (no element, or K = 0):
    PyTorch's kernels return zeros before they dispatch on the dtype, "dot" excepted. bmm takes its
    result's dtype from ``b`` and compares the dtypes only when it computes."""
    bsz, m, k = a.shape
    n = b.shape[2]
    empty = bsz * m * n == 0 or k == 0
    if a.device != b.device:  # the native product words that error
        return _bmm(a, b)
    if kind in ("bmm", "baddbmm"):
        if empty:
            return _zeros([bsz, m, n], b.dtype, b.device)
        if a.dtype is bool_:
            raise NotImplementedError(f"\"{_KERNEL[kind]}\" not implemented for 'Bool'")
        if a.dtype != b.dtype:
            raise RuntimeError(f"expected scalar type {_C_NAME[a.dtype]} but found {_C_NAME[b.dtype]}")
    elif a.dtype is bool_ and b.dtype is bool_:
        if kind == "dot" or not empty:
            raise NotImplementedError(f"\"{_KERNEL[kind]}\" not implemented for 'Bool'")
        return _zeros([bsz, m, n], bool_, a.device)
    return _bmm(a, b)


def _zeros(shape, dtype, device):
    from ._creation import zeros

    return zeros(shape, dtype=dtype, device=device)


def _mm_dtypes(a, b):
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_c_type(a.dtype)} != "
                           f"{_c_type(b.dtype)}")


def _c_type(dtype):
    from ._index_ops import _c_type as c_type

    return c_type(dtype)


def _check_tensor(x, fn, name, pos):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be Tensor, not {type(x).__name__}")
    return x


def _into(result, out, fn):
    """``out=``: the result copied into ``out`` (same shape and dtype, as PyTorch requires here)."""
    if out is None:
        return result
    _check_tensor(out, fn, "out", 3)
    if tuple(out.shape) != tuple(result.shape):
        raise RuntimeError(f"{fn}: expected out to have shape {list(result.shape)}, but got {list(out.shape)}")
    if out.dtype != result.dtype:
        raise RuntimeError(f"Expected out tensor to have dtype {result.dtype}, but got {out.dtype} instead")
    return out.copy_(result)


def _mm(a, b, fn="mm"):
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(f"{fn}: mat1 and mat2 shapes cannot be multiplied "
                           f"({a.shape[0]}x{a.shape[1]} and {b.shape[0]}x{b.shape[1]})")
    _mm_dtypes(a, b)
    return _product(a.unsqueeze(0), b.unsqueeze(0), "mm").squeeze(0)


def _mv(a, v):
    if a.shape[1] != v.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x{a.shape[1]}), "
                           f"vec ({v.shape[0]})")
    if a.dtype != v.dtype:  # PyTorch names the result's dtype (the vector's) first
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {_C_NAME[v.dtype]}, "
                           f"{_C_NAME[a.dtype]}, and {_C_NAME[v.dtype]}")
    return _product(a.unsqueeze(0), v.view(1, v.shape[0], 1), "mv").view(a.shape[0])


def _dot(a, b):
    if a.dim() != 1 or b.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.dim()}D and {b.dim()}D tensors")
    if a.dtype != b.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                           f"{_C_NAME[a.dtype]} and {_C_NAME[b.dtype]}")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to "
                           f"have the same number of elements, but got {a.shape[0]} and {b.shape[0]} elements "
                           "respectively")
    return _product(a.view(1, 1, a.shape[0]), b.view(1, b.shape[0], 1), "dot").view(())


def _foldable(t):
    """PyTorch's test for folding the batch dims of ``t`` into the rows of one mm/mv: a view with
    no copy (the leading dims nest), or no elements."""
    st = t.stride()
    return t.numel() == 0 or builtins.all(st[i] == st[i + 1] * t.shape[i + 1] for i in range(t.dim() - 2))


_FAST_DTYPES = frozenset(("float32", "float64", "float16", "bfloat16"))


def _fast_mm(a, b):
    """The common product, two plain float matrices of one dtype and device with no empty dim, straight
    to the native product (no checks it could fail; the per-call cost is what small products pay).
    None when the general path must decide."""
    if a.__class__ is not Tensor or b.__class__ is not Tensor:
        return None  # GradTensor operands: the recorded path
    ac, bc = a._c, b._c
    sa, sb = ac.shape, bc.shape
    if (len(sa) == 2 and len(sb) == 2 and sa[1] == sb[0] and sa[0] and sb[1] and sa[1] and ac.dtype == bc.dtype
            and ac.dtype in _FAST_DTYPES and ac.device == bc.device):
        return _wrap(_C.bmm(ac.unsqueeze(0), bc.unsqueeze(0)).squeeze([0]))
    return None


def matmul(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """matmul(input, other, *, out=None) -> Tensor

    Matrix product with PyTorch's rank rules: 1-D . 1-D is a dot product, 2-D @ 1-D a matrix-vector
    product, a 1-D first argument is a row vector, and leading (batch) dims broadcast.

    >>> a = rustorch.ones(2, 3, 4)
    >>> (a @ rustorch.ones(4, 5)).shape
    rustorch.Size([2, 3, 5])
    """
    if out is None:
        r = _fast_mm(input, other)
        if r is not None:
            return r
    a = _check_tensor(input, "matmul", "input", 1)
    b = _check_tensor(other, "matmul", "other", 2)
    da, db = a.dim(), b.dim()
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D")
    if da == 1 and db == 1:
        r = _dot(a, b)
    elif da == 2 and db == 1:
        r = _mv(a, b)
    elif da == 1 and db == 2:
        r = _mm(a.unsqueeze(0), b).squeeze(0)
    elif da == 2 and db == 2:
        r = _mm(a, b)
    elif da >= 3 and db <= 2 and _foldable(a):
        # [..., n, m] @ [m(, p)]: the batch folds into the rows of one product (no broadcast copy).
        rows = a.reshape(math.prod(a.shape[:-1]), a.shape[-1])
        if db == 1:
            r = _mv(rows, b).view(a.shape[:-1])
        else:
            r = _mm(rows, b).view(*a.shape[:-1], b.shape[-1])
    elif da == 1 and db >= 3 and _foldable(b.mT):
        # [k] @ [..., k, p] as ([..., p, k] folded) @ [k], where that fold is a view (PyTorch's choice)
        t = b.mT
        r = _mv(t.reshape(math.prod(t.shape[:-1]), t.shape[-1]), a).view(t.shape[:-1])
    else:
        r = _batched(a, b)
    return _into(r, out, "matmul")


def _batched(a, b):
    """matmul with at least one operand of 3 or more dims (and the other not folded)."""
    a2 = a.unsqueeze(0) if a.dim() == 1 else a
    b2 = b.unsqueeze(-1) if b.dim() == 1 else b
    n, k = a2.shape[-2], a2.shape[-1]
    k2, p = b2.shape[-2], b2.shape[-1]
    batch = list(_broadcast_shapes(a2.shape[:-2], b2.shape[:-2]))
    nb = math.prod(batch)
    if k != k2:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{nb}, {k}] but got: [{nb}, {k2}].")
    # Expanded operands are views (stride 0 on broadcast dims); reshape keeps them views when the
    # batch dims merge, and the kernel reads a batch stride of 0 in place.
    ae = a2.expand(*batch, n, k).reshape(nb, n, k)
    be = b2.expand(*batch, k, p).reshape(nb, k, p)
    r = _product(ae, be, "bmm").view(*batch, n, p)
    if a.dim() == 1:
        r = r.squeeze(-2)
    if b.dim() == 1:
        r = r.squeeze(-1)
    return r


def _broadcast_shapes(s1, s2):
    s1, s2 = list(s1), list(s2)
    nd = max(len(s1), len(s2))
    s1 = [1] * (nd - len(s1)) + s1
    s2 = [1] * (nd - len(s2)) + s2
    for i in range(nd - 1, -1, -1):  # PyTorch names the innermost mismatch
        x, y = s1[i], s2[i]
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                               f"non-singleton dimension {i}")
    return [builtins.max(x, y) if x != 0 and y != 0 else 0 for x, y in zip(s1, s2)]


def mm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    """mm(input, mat2, *, out=None) -> Tensor

    Product of two matrices.

    >>> rustorch.mm(rustorch.ones(2, 3), rustorch.ones(3, 4)).shape
    rustorch.Size([2, 4])
    """
    a = _check_tensor(input, "mm", "input", 1)
    b = _check_tensor(mat2, "mm", "mat2", 2)
    if a.dim() != 2:
        raise RuntimeError(f"mm: self must be a matrix, got {a.dim()}-D tensor")
    if b.dim() != 2:
        raise RuntimeError(f"mm: mat2 must be a matrix, got {b.dim()}-D tensor")
    return _into(_mm(a, b), out, "mm")


def bmm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    """bmm(input, mat2, *, out=None) -> Tensor

    Batched product of [B, n, m] and [B, m, p] tensors.

    >>> rustorch.bmm(rustorch.ones(5, 2, 3), rustorch.ones(5, 3, 4)).shape
    rustorch.Size([5, 2, 4])
    """
    a = _check_tensor(input, "bmm", "input", 1)
    b = _check_tensor(mat2, "bmm", "mat2", 2)
    return _into(_bmm3(a, b, "bmm"), out, "bmm")


def _bmm3(a, b, kind):
    for name, t in (("batch1", a), ("batch2", b)):
        if t.dim() != 3:
            raise RuntimeError(f"{name} must be a 3D tensor")
    if b.shape[0] != a.shape[0] or b.shape[1] != a.shape[2]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}].")
    return _product(a, b, kind)


def mv(input: Tensor, vec: Tensor, *, out: Tensor | None = None) -> Tensor:
    """mv(input, vec, *, out=None) -> Tensor

    Matrix-vector product.

    >>> rustorch.mv(rustorch.ones(2, 3), rustorch.ones(3)).tolist()
    [3.0, 3.0]
    """
    a = _check_tensor(input, "mv", "input", 1)
    v = _check_tensor(vec, "mv", "vec", 2)
    if a.dim() != 2 or v.dim() != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.dim()}, {v.dim()}")
    return _into(_mv(a, v), out, "mv")


def dot(input: Tensor, tensor: Tensor, *, out: Tensor | None = None) -> Tensor:
    """dot(input, tensor, *, out=None) -> Tensor

    Dot product of two 1-D tensors (no broadcasting).

    >>> rustorch.dot(rustorch.tensor([2, 3]), rustorch.tensor([2, 1])).item()
    7
    """
    a = _check_tensor(input, "dot", "input", 1)
    b = _check_tensor(tensor, "dot", "tensor", 2)
    return _into(_dot(a, b), out, "dot")


def vdot(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """vdot(input, other, *, out=None) -> Tensor

    Dot product (the first argument conjugated; real tensors have nothing to conjugate).

    >>> rustorch.vdot(rustorch.tensor([1.0, 2.0]), rustorch.tensor([3.0, 4.0])).item()
    11.0
    """
    a = _check_tensor(input, "vdot", "input", 1)
    b = _check_tensor(other, "vdot", "other", 2)
    return _into(_dot(a, b), out, "vdot")  # PyTorch's vdot words its errors as dot


def outer(input: Tensor, vec2: Tensor, *, out: Tensor | None = None) -> Tensor:
    """outer(input, vec2, *, out=None) -> Tensor

    Outer product of two 1-D tensors.

    >>> rustorch.outer(rustorch.tensor([1, 2]), rustorch.tensor([1, 10, 100])).tolist()
    [[1, 10, 100], [2, 20, 200]]
    """
    a = _check_tensor(input, "outer", "input", 1)
    b = _check_tensor(vec2, "outer", "vec2", 2)
    if a.dim() != 1 or b.dim() != 1:
        raise RuntimeError(f"outer: Expected 1-D argument self, but got {a.dim()}-D" if a.dim() != 1 else
                           f"outer: Expected 1-D argument vec2, but got {b.dim()}-D")
    return _into(a.view(-1, 1) * b.view(1, -1), out, "outer")


ger = outer


def _scaled_sum(name, input, product, beta, alpha):
    """beta * input + alpha * product, PyTorch's add*mm rule: beta = 0 ignores input (NaN included)."""
    from ._shape import _expand

    inp = _expand(input, product.shape)
    if input.dtype is bool_ and product.numel() and beta != 0 and not isinstance(beta, builtins.bool):
        # (a bool product that is computed has been refused; an empty sum scales input by beta)
        raise RuntimeError(f"result type {'Float' if isinstance(beta, float) else 'Long'} can't be cast to the "
                           f"desired output type Bool")
    if not input.is_floating_point() and (isinstance(beta, float) or isinstance(alpha, float)):
        raise RuntimeError("For integral input tensors, argument beta must not be a floating point number.")
    r = product if alpha == 1 else product * alpha
    if beta == 0:
        return r
    return r + (inp if beta == 1 else inp * beta)


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Number = 1, alpha: Number = 1,
          out: Tensor | None = None) -> Tensor:
    """addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None) -> Tensor

    ``beta * input + alpha * (mat1 @ mat2)``; ``input`` broadcasts to the product's shape.

    >>> rustorch.addmm(rustorch.ones(3), rustorch.ones(2, 4), rustorch.ones(4, 3)).tolist()
    [[5.0, 5.0, 5.0], [5.0, 5.0, 5.0]]
    """
    inp = _check_tensor(input, "addmm", "input", 1)
    a = _check_tensor(mat1, "addmm", "mat1", 2)
    b = _check_tensor(mat2, "addmm", "mat2", 3)
    for name, t in (("self", inp), ("mat1", a)):
        if t.dtype != b.dtype:
            raise RuntimeError(f"{name} and mat2 must have the same dtype, but got {_C_NAME[t.dtype]} and "
                               f"{_C_NAME[b.dtype]}")
    for name, t in (("self", a), ("mat2", b)):
        if t.dim() != 2:
            raise RuntimeError(f"addmm: {name} must be a matrix, got {t.dim()}-D tensor")
    return _into(_scaled_sum("addmm", inp, _mm(a, b, "addmm"), beta, alpha), out, "addmm")


def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Number = 1, alpha: Number = 1,
            out: Tensor | None = None) -> Tensor:
    """baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None) -> Tensor

    ``beta * input + alpha * bmm(batch1, batch2)``.

    >>> rustorch.baddbmm(rustorch.zeros(2, 1, 1), rustorch.ones(2, 1, 3), rustorch.ones(2, 3, 1)).view(-1).tolist()
    [3.0, 3.0]
    """
    inp = _check_tensor(input, "baddbmm", "input", 1)
    a = _check_tensor(batch1, "baddbmm", "batch1", 2)
    b = _check_tensor(batch2, "baddbmm", "batch2", 3)
    if inp.dtype != a.dtype:
        raise RuntimeError(f"Input dtypes must be the same, got: input {_c_type(inp.dtype)}, batch1: "
                           f"{_c_type(a.dtype)}, batch2: {_c_type(b.dtype)}")
    return _into(_scaled_sum("baddbmm", inp, _bmm3(a, b, "baddbmm"), beta, alpha), out, "baddbmm")


def tensordot(a: Tensor, b: Tensor, dims: builtins.int | Sequence[Sequence[builtins.int]] = 2,
              out: Tensor | None = None) -> Tensor:
    """tensordot(a, b, dims=2, out=None) -> Tensor

    Contraction over the last ``dims`` dims of ``a`` and the first of ``b`` (an int), or over
    the listed pairs (``([1, 0], [0, 1])``).

    >>> rustorch.tensordot(rustorch.ones(3, 4, 5), rustorch.ones(4, 5, 2), dims=2).shape
    rustorch.Size([3, 2])
    """
    a = _check_tensor(a, "tensordot", "a", 1)
    b = _check_tensor(b, "tensordot", "b", 2)
    if isinstance(dims, int) or (isinstance(dims, Tensor) and dims.dim() == 0):
        n = int(dims)
        if n < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={n}")
        if n > a.dim() or n > b.dim():
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={n}")
        given_a, given_b = list(range(-n, 0)), list(range(n))  # as PyTorch words them
    else:
        given_a, given_b = dims
        for name, pos, d in (("dims_self", 3, given_a), ("dims_other", 4, given_b)):
            if not isinstance(d, (list, tuple, Tensor)):
                raise TypeError(f"tensordot(): argument '{name}' (position {pos}) must be tuple of ints, not "
                                f"{type(d).__name__}")
        given_a, given_b = ([int(x) for x in d] for d in (given_a, given_b))
        if len(given_a) != len(given_b):
            raise RuntimeError(f"both dimension lists should have same length, got {len(given_a)} and "
                               f"{len(given_b)}")
    if a.dtype != b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    da = [d % a.dim() if a.dim() else d for d in given_a]
    db = [d % b.dim() if b.dim() else d for d in given_b]
    for x, y, gx, gy in zip(da, db, given_a, given_b):
        if a.shape[x] != b.shape[y]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[x]} in dim "
                               f"{gx} and second has size {b.shape[y]} in dim {gy}")
    fa = [d for d in range(a.dim()) if d not in da]
    fb = [d for d in range(b.dim()) if d not in db]
    k = math.prod(a.shape[d] for d in da)
    am = a.permute(*fa, *da).reshape(math.prod(a.shape[d] for d in fa), k)
    bm = b.permute(*db, *fb).reshape(k, math.prod(b.shape[d] for d in fb))
    r = _mm(am, bm).view(*[a.shape[d] for d in fa], *[b.shape[d] for d in fb])
    return _into(r, out, "tensordot")


def kron(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """kron(input, other, *, out=None) -> Tensor

    Kronecker product.

    >>> rustorch.kron(rustorch.eye(2), rustorch.ones(2, 2)).tolist()[0]
    [1.0, 1.0, 0.0, 0.0]
    """
    a = _check_tensor(input, "kron", "input", 1)
    b = _check_tensor(other, "kron", "other", 2)
    nd = builtins.max(a.dim(), b.dim())
    sa = [1] * (nd - a.dim()) + list(a.shape)
    sb = [1] * (nd - b.dim()) + list(b.shape)
    # a[i0, None, i1, None, ...] * b[None, j0, None, j1, ...] then merge each (i, j) pair.
    av = a.reshape(*[s for x in sa for s in (x, 1)])
    bv = b.reshape(*[s for x in sb for s in (1, x)])
    return _into((av * bv).reshape(*[x * y for x, y in zip(sa, sb)]), out, "kron")


_C_NAME = {}  # filled below: dtype -> PyTorch's C++ scalar-type name ("Float")


def _fill_names():
    from . import _dtype

    for name, c in (("bool", "Bool"), ("uint8", "Byte"), ("int8", "Char"), ("int16", "Short"), ("int32", "Int"),
                    ("int64", "Long"), ("float16", "Half"), ("bfloat16", "BFloat16"), ("float32", "Float"),
                    ("float64", "Double")):
        _C_NAME[_dtype._BY_NAME[name]] = c


_fill_names()

from ._einsum import einsum  # noqa: E402,F401  (built on the products above)


# ---- Tensor methods ----------------------------------------------------------------------------

for _fn in (matmul, mm, bmm, mv, dot, vdot, outer, ger, addmm, baddbmm, kron):
    setattr(Tensor, _fn.__name__ if _fn is not ger else "ger", _method(_fn))
del _fn


def _matmul_dunder(self, other):
    r = _fast_mm(self, other)
    if r is not None:
        return r
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(self, other)


def _rmatmul_dunder(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(other, self)


def _inplace(fn):
    def method(self, *args, **kwargs):
        return self.copy_(fn(self, *args, **kwargs))

    method.__name__ = fn.__name__ + "_"
    return method


Tensor.__matmul__ = _matmul_dunder
Tensor.__rmatmul__ = _rmatmul_dunder
Tensor.addmm_ = _inplace(addmm)
Tensor.baddbmm_ = _inplace(baddbmm)

__all__ = ["matmul", "mm", "bmm", "mv", "dot", "vdot", "outer", "ger", "addmm", "baddbmm", "tensordot", "kron",
           "einsum"]
