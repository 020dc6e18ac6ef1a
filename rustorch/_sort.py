"""Sorting, selection, uniqueness, searching and counting, on cpu and wgpu.

Four native kernels (``_C.sort``, ``_C.topk``, ``_C.kthvalue``, ``_C.searchsorted``) serve
everything here; median, unique, bincount and histc are compositions of them with the
elementwise, scan and index kernels, so they run on whichever device holds the tensor.

Sorts are stable on both devices (``stable=False`` gives the stable order too, which PyTorch
allows), NaN sorts after everything (first when descending), and -0.0 equals 0.0.
"""

from __future__ import annotations

import builtins
import math
import numbers
from typing import TYPE_CHECKING, overload

import numpy as np

from . import _C, return_types
from ._creation import arange, empty, full, ones, tensor, zeros
from ._dtype import _BY_NAME, TORCH_NAME, bool_, float32, float64, int64
from ._functional import _method
from ._index_ops import _c_type
from ._tensor import Tensor, _other, _wrap, _wrap_dim

if TYPE_CHECKING:
    from typing import Literal

    from ._typing import Number, TensorOrNumber, _bool, _int


def _check_tensor(x, fn, name="input"):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position 1) must be Tensor, not {type(x).__name__}")


def _write_out(out, results, fn):
    """Copies results into the tensors of ``out`` (a tuple), as PyTorch's out= does."""
    if len(out) != len(results):
        raise TypeError(f"{fn}(): argument 'out' must be tuple of {len(results)} Tensors")
    for o, r in zip(out, results):
        if o.shape != r.shape:
            raise RuntimeError(f"{fn}(): out has shape {list(o.shape)}, expected {list(r.shape)}")
        o.copy_(r)
    return out


def _pair(kind, v, i, out, fn):
    if out is not None:
        _write_out(out, (v, i), fn)
        v, i = out
    return kind(v, i)


# ---- sort / argsort: PyTorch's two signatures each ---------------------------------------------
# With ``stable=`` PyTorch binds the keyword-only overload (dim and descending keywords too), else
# the positional one; a call that fits neither raises PyTorch's TypeError, worded by its argument
# parser. A parameter is (type, name, default); "*" starts the keyword-only ones.

_REQUIRED = object()
_TENSOR_IN = ("Tensor", "input", _REQUIRED)
_STABLE = ("bool", "stable", _REQUIRED)  # required, but None is taken (a bool? in PyTorch's schema)
_DIM, _DESCENDING = ("int", "dim", -1), ("bool", "descending", False)
_SIGNATURES = {
    ("sort", False): ([_TENSOR_IN, "*", _STABLE, _DIM, _DESCENDING, ("tuple of Tensors", "out", None)],
                      [_TENSOR_IN, _DIM, _DESCENDING, "*", ("tuple of Tensors", "out", None)]),
    ("argsort", False): ([_TENSOR_IN, "*", _STABLE, _DIM, _DESCENDING, ("Tensor", "out", None)],
                         [_TENSOR_IN, _DIM, _DESCENDING]),
    ("sort", True): (["*", _STABLE, _DIM, _DESCENDING], [_DIM, _DESCENDING]),
    ("argsort", True): (["*", _STABLE, _DIM, _DESCENDING], [_DIM, _DESCENDING]),
}


def _type_matches(kind, v):
    if kind == "Tensor":
        return isinstance(v, Tensor)
    if kind == "bool":
        return isinstance(v, builtins.bool)
    if kind == "int":  # an int (not a bool), a numpy integer or a 0-d integer tensor
        if isinstance(v, Tensor):
            return v.dim() == 0 and not v.is_floating_point() and v.dtype is not bool_
        return isinstance(v, numbers.Integral) and not isinstance(v, (builtins.bool, np.bool_))
    return isinstance(v, (tuple, list)) and builtins.all(isinstance(t, Tensor) for t in v)  # tuple of Tensors


def _typename(v):
    from ._indexing import _type_name

    return "Tensor" if isinstance(v, Tensor) else _type_name(v)


def _bind(fn, params, args, kwargs, raise_):
    """The arguments bound to one signature as a dict; None (or PyTorch's TypeError, ``raise_``)
    when they do not fit it."""
    star = params.index("*") if "*" in params else len(params)
    params = [p for p in params if p != "*"]
    required = builtins.sum(1 for p in params if p[2] is _REQUIRED)
    if len(args) > star:
        if not raise_:
            return None
        if required != star:
            raise TypeError(f"{fn}() takes from {required} to {star} positional arguments but {len(args)} were given")
        raise TypeError(f"{fn}() takes {star} positional argument{'' if star == 1 else 's'} but {len(args)} "
                        f"{'was' if len(args) == 1 else 'were'} given")
    bound = {}
    for i, (kind, name, default) in enumerate(params):
        positional = i < len(args)
        v = args[i] if positional else kwargs.get(name, _REQUIRED)
        if v is _REQUIRED:
            if default is _REQUIRED:
                if not raise_:
                    return None
                missing = [p[1] for p in params[i:] if p[2] is _REQUIRED]
                raise TypeError(f"{fn}() missing {len(missing)} required positional argument"
                                f"{'s' if len(missing) == 1 else ''}: " + ", ".join(f'"{m}"' for m in missing))
            v = default
        elif not (v is None and (default is None or name == "stable")) and not _type_matches(kind, v):
            if not raise_:
                return None
            where = f" (position {i + 1})" if positional else ""
            raise TypeError(f"{fn}(): argument '{name}'{where} must be {kind}, not {_typename(v)}")
        bound[name] = v
    for k in kwargs:
        if k not in bound or builtins.any(k == p[1] for p in params[:len(args)]):
            if not raise_:
                return None
            raise TypeError(f"{fn}() got an unexpected keyword argument '{k}'" if k not in bound else
                            f"{fn}() got multiple values for argument '{k}'")
    return bound


def _signature_text(params):
    return ", ".join(p if p == "*" else f"{p[0]} {p[1]}" + ("" if p[2] is _REQUIRED else f" = {p[2]}")
                     for p in params)


def _given(args, kwargs, marks=None):
    """The arguments as PyTorch's error lists them: "(Tensor, int, stable=bool)"."""
    parts = [_typename(a) if marks is None or marks[i] else f"!{_typename(a)}!" for i, a in enumerate(args)]
    parts += [f"{k}={_typename(v)}" for k, v in kwargs.items()]
    return "(" + ", ".join(parts) + (", " if kwargs and not args else "") + ")"


def _sort_args(fn, method, args, kwargs):
    """(input, dim, descending, out) of a sort/argsort call, bound as PyTorch binds it."""
    signatures = _SIGNATURES[(fn, method)]
    for params in signatures:
        bound = _bind(fn, params, args, kwargs, False)
        if bound is not None:
            return bound
    n = len(args) + len(kwargs)
    fits = [p for p in signatures
            if builtins.sum(1 for q in p if q != "*" and q[2] is _REQUIRED) <= n <= len(p) - ("*" in p)]
    if len(fits) == 1:
        _bind(fn, fits[0], args, kwargs, True)
    # PyTorch's listing; its note on an overload of as many parameters ("*" counted, as PyTorch's
    # parser of the listing counts it) matches no defaulted parameter, by name or by type.
    msg = f"{fn}() received an invalid combination of arguments - got {_given(args, kwargs)}, but expected one of:\n"
    for params in signatures:
        msg += f" * ({_signature_text(params)})\n"
        if len(params) != n:
            continue
        plain = {p[1]: p for p in params if p != "*" and p[2] is _REQUIRED}
        wrong = [k for k in kwargs if k not in plain]
        if wrong:
            msg += "      didn't match because some of the keywords were incorrect: " + ", ".join(wrong) + "\n"
        else:
            marks = [params[i] != "*" and params[i][2] is _REQUIRED and _type_matches(params[i][0], a)
                     for i, a in enumerate(args)]
            msg += ("      didn't match because some of the arguments have invalid types: "
                    f"{_given(args, kwargs, marks)}\n")
    raise TypeError(msg)


def _sort(input, dim, descending):
    v, i = _C.sort(input._c, _as_int(dim), descending)
    return _wrap(v), _wrap(i)


def _as_int(v):
    return builtins.int(v.item()) if isinstance(v, Tensor) else builtins.int(v)


@overload
def sort(input: Tensor, dim: _int = -1, descending: _bool = False, *,
         out: tuple[Tensor, Tensor] | None = None) -> return_types.sort: ...
@overload
def sort(input: Tensor, *, stable: _bool | None, dim: _int = -1, descending: _bool = False,
         out: tuple[Tensor, Tensor] | None = None) -> return_types.sort: ...
def sort(*args, **kwargs):
    """sort(input, dim=-1, descending=False, *, out=None) -> (values, indices)
    sort(input, *, stable, dim=-1, descending=False, out=None) -> (values, indices)

    Sorts along ``dim``. The order is stable (equal values keep their order) on every device; with
    ``stable=``, ``dim`` and ``descending`` are keywords (PyTorch's signatures).

    >>> rustorch.sort(rustorch.tensor([3, 1, 2])).indices
    tensor([1, 2, 0])
    """
    a = _sort_args("sort", False, args, kwargs)
    v, i = _sort(a["input"], a["dim"], a["descending"])
    return _pair(return_types.sort, v, i, a["out"], "sort")


@overload
def argsort(input: Tensor, dim: _int = -1, descending: _bool = False) -> Tensor: ...
@overload
def argsort(input: Tensor, *, stable: _bool | None, dim: _int = -1, descending: _bool = False,
            out: Tensor | None = None) -> Tensor: ...
def argsort(*args, **kwargs):
    """argsort(input, dim=-1, descending=False) -> Tensor
    argsort(input, *, stable, dim=-1, descending=False, out=None) -> Tensor

    The indices that sort ``input`` (with ``stable=``, ``dim`` and ``descending`` are keywords).

    >>> rustorch.argsort(rustorch.tensor([3, 1, 2]), descending=True)
    tensor([0, 2, 1])
    """
    a = _sort_args("argsort", False, args, kwargs)
    i = _sort(a["input"], a["dim"], a["descending"])[1]
    if a.get("out") is not None:
        _write_out((a["out"],), (i,), "argsort")
        return a["out"]
    return i


def _sort_method(self, *args, **kwargs):
    a = _sort_args("sort", True, args, kwargs)
    return return_types.sort(*_sort(self, a["dim"], a["descending"]))


def _argsort_method(self, *args, **kwargs):
    a = _sort_args("argsort", True, args, kwargs)
    return _sort(self, a["dim"], a["descending"])[1]


def msort(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """msort(input) -> Tensor: ``input`` sorted along its first dim."""
    _check_tensor(input, "msort")
    res = _sort(input, 0, False)[0]
    if out is not None:
        _write_out((out,), (res,), "msort")
        return out
    return res


def topk(input: Tensor, k: _int, dim: _int = -1, largest: _bool = True, sorted: _bool = True, *,
         out: tuple[Tensor, Tensor] | None = None) -> return_types.topk:
    """topk(input, k, dim=-1, largest=True, sorted=True) -> (values, indices)

    The ``k`` largest (``largest=False``: smallest) elements along ``dim``, in order.

    >>> rustorch.topk(rustorch.tensor([1., 5., 3.]), 2).values
    tensor([5., 3.])
    """
    _check_tensor(input, "topk")
    if input.dtype is bool_:
        raise NotImplementedError("topk does not support bool dtypes on CPU")
    v, i = _C.topk(input._c, int(k), dim, builtins.bool(largest))
    return _pair(return_types.topk, _wrap(v), _wrap(i), out, "topk")


def _squeeze_unless(t, dim, keepdim):
    return t if keepdim or t.dim() == 0 else t.squeeze(dim)


def kthvalue(input: Tensor, k: _int, dim: _int = -1, keepdim: _bool = False, *,
             out: tuple[Tensor, Tensor] | None = None) -> return_types.kthvalue:
    """kthvalue(input, k, dim=-1, keepdim=False) -> (values, indices): the ``k``-th smallest along ``dim``.

    >>> rustorch.kthvalue(rustorch.tensor([3., 1., 2.]), 2)
    rustorch.return_types.kthvalue(
    values=tensor(2.),
    indices=tensor(2))
    """
    _check_tensor(input, "kthvalue")
    _no_bool(input, "kthvalue_cpu")
    d = _wrap_dim(dim, input.dim())
    v, i = _C.kthvalue(input._c, int(k), d)
    v, i = _squeeze_unless(_wrap(v), d, keepdim), _squeeze_unless(_wrap(i), d, keepdim)
    return _pair(return_types.kthvalue, v, i, out, "kthvalue")


def _no_bool(input, kernel):
    if input.dtype is bool_:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _median_dim(input, dim, keepdim, ignore_nan):
    d = _wrap_dim(dim, input.dim())
    n = input.shape[d] if input.dim() else 1
    if n == 0:
        raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
    if not input.is_floating_point():
        v, i = _C.kthvalue(input._c, (n - 1) // 2 + 1, d)
        return _squeeze_unless(_wrap(v), d, keepdim), _squeeze_unless(_wrap(i), d, keepdim)
    nan = input.isnan()
    if ignore_nan:
        # The lower median of each row's non-NaN values: NaN sorts last, so it sits at
        # (count - 1) // 2 of the sorted row (0 for a row of NaN: its first NaN).
        count = (~nan).sum(d, keepdim=True)
        pos = ((count - 1).clamp(min=0) // 2) if input.dim() else (count - 1).clamp(min=0) // 2
        sv, si = _C.sort(input._c, d, False)
        sv, si = _wrap(sv), _wrap(si)
        if input.dim() == 0:
            return sv, si
        v, i = sv.gather(d, pos), si.gather(d, pos)
    else:
        # A row with a NaN has median NaN at its first NaN (PyTorch's result).
        v, i = _C.kthvalue(input._c, (n - 1) // 2 + 1, d)
        v, i = _wrap(v), _wrap(i)
        if input.dim() == 0:
            return v, i
        has = nan.any(d, keepdim=True)
        first = nan.to(int64).argmax(d, keepdim=True)
        v = v.masked_fill(has, math.nan)
        i = i.where(~has, first)
    return _squeeze_unless(v, d, keepdim), _squeeze_unless(i, d, keepdim)


def _median(input, dim, keepdim, out, ignore_nan):
    fn = "nanmedian" if ignore_nan else "median"
    _check_tensor(input, fn)
    _no_bool(input, "median_cpu" if dim is None else "median_out")
    if dim is None:
        if input.numel() == 0:
            return full((), math.nan, dtype=input.dtype, device=input.device)
        return _median_dim(input.reshape(-1), 0, False, ignore_nan)[0]
    v, i = _median_dim(input, dim, keepdim, ignore_nan)
    return _pair(getattr(return_types, fn), v, i, out, fn)


@overload
def median(input: Tensor) -> Tensor: ...
@overload
def median(input: Tensor, dim: _int, keepdim: _bool = False, *,
           out: tuple[Tensor, Tensor] | None = None) -> return_types.median: ...
def median(input, dim=None, keepdim=False, *, out=None):
    """median(input) -> Tensor; median(input, dim, keepdim=False) -> (values, indices)

    The lower median (of an even count, the smaller middle value); NaN when a NaN is present.

    >>> rustorch.median(rustorch.tensor([1., 4., 2., 3.]))
    tensor(2.)
    """
    return _median(input, dim, keepdim, out, False)


@overload
def nanmedian(input: Tensor) -> Tensor: ...
@overload
def nanmedian(input: Tensor, dim: _int, keepdim: _bool = False, *,
              out: tuple[Tensor, Tensor] | None = None) -> return_types.nanmedian: ...
def nanmedian(input, dim=None, keepdim=False, *, out=None):
    """nanmedian(input) -> Tensor; nanmedian(input, dim, keepdim=False) -> (values, indices)

    The median of the non-NaN values (NaN only where all are NaN).

    >>> rustorch.nanmedian(rustorch.tensor([1., float('nan'), 3., 2.]))
    tensor(2.)
    """
    return _median(input, dim, keepdim, out, True)


def _arange(n, device):
    return arange(n, dtype=int64, device=device)


def _runs(rows, n):
    """For ``rows`` ([n, m], consecutive rows compared): a bool [n], True where a run of equal
    rows starts (NaN equals nothing, as in PyTorch's unique)."""
    start = full((n,), True, dtype=bool_, device=rows.device)
    if n > 1:
        diff = rows[1:] != rows[:-1]
        start[1:] = diff.any(1) if rows.dim() > 1 and rows.shape[1] > 0 else diff.reshape(n - 1, -1).any(1)
    return start


def _from_runs(start, order, n, shape, return_inverse, return_counts, device):
    """inverse (in input order, of ``shape``) and counts from run starts in sorted order."""
    res = []
    if return_inverse:
        group = start.to(int64).cumsum(0) - 1
        inv = empty((n,), dtype=int64, device=device)
        if n:
            inv = inv.scatter(0, order, group) if order is not None else group
        res.append(inv.reshape(shape))
    if return_counts:
        first = start.nonzero().reshape(-1)
        ends = full((first.numel(),), n, dtype=int64, device=device)
        if first.numel() > 1:
            ends[:-1] = first[1:]
        res.append(ends - first)
    return res


def _unique(input, dim, consecutive, return_inverse, return_counts, fn):
    _check_tensor(input, fn)
    device = input.device
    if dim is None:
        flat = input.reshape(-1)
        n = flat.numel()
        if consecutive:
            vals, order = flat, None
        else:
            v, o = _C.sort(flat._c, 0, False)
            vals, order = _wrap(v), _wrap(o)
        start = _runs(vals, n)
        out = [vals[start]]
        shape = input.shape
    else:
        d = _wrap_dim(dim, input.dim())
        moved = input.movedim(d, 0)
        n = moved.shape[0] if input.dim() else 1
        rows = moved.reshape(n, -1)
        order = None
        if not consecutive:
            # Lexicographic order of the rows: stable sorts by each column, last column first.
            order = _arange(n, device)
            for c in reversed(range(rows.shape[1])):
                _, o = _C.sort(rows[:, c].index_select(0, order)._c, 0, False)
                order = order.index_select(0, _wrap(o))
            rows = rows.index_select(0, order)
        start = _runs(rows, n)
        keep = start.nonzero().reshape(-1)
        src = order.index_select(0, keep) if order is not None else keep
        out = [input.index_select(d, src)]
        shape = (n,)
    out += _from_runs(start, order, n, shape, return_inverse, return_counts, device)
    return out[0] if len(out) == 1 else tuple(out)


@overload
def unique(input: Tensor, sorted: _bool = True, return_inverse: Literal[False] = False,
           return_counts: Literal[False] = False, dim: _int | None = None) -> Tensor: ...
@overload
def unique(input: Tensor, sorted: _bool = True, return_inverse: _bool = False, return_counts: _bool = False,
           dim: _int | None = None) -> tuple[Tensor, ...]: ...
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None)

    The distinct elements (``dim``: distinct slices along ``dim``), sorted; with
    ``return_inverse`` each input element's position in them, with ``return_counts`` how often
    each occurs. NaNs are all distinct, as in PyTorch.

    >>> rustorch.unique(rustorch.tensor([3, 1, 3, 2]), return_counts=True)
    (tensor([1, 2, 3]), tensor([1, 1, 2]))
    """
    return _unique(input, dim, False, return_inverse, return_counts, "unique")


@overload
def unique_consecutive(input: Tensor, return_inverse: Literal[False] = False, return_counts: Literal[False] = False,
                       dim: _int | None = None) -> Tensor: ...
@overload
def unique_consecutive(input: Tensor, return_inverse: _bool = False, return_counts: _bool = False,
                       dim: _int | None = None) -> tuple[Tensor, ...]: ...
def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """unique_consecutive(input, return_inverse=False, return_counts=False, dim=None)

    Collapses runs of equal consecutive elements (slices along ``dim``) to one.

    >>> rustorch.unique_consecutive(rustorch.tensor([1, 1, 2, 1]))
    tensor([1, 2, 1])
    """
    return _unique(input, dim, True, return_inverse, return_counts, "unique_consecutive")


def _as_tensor(v, like):
    if isinstance(v, Tensor):
        return v
    return tensor(v, device=like.device)


def searchsorted(sorted_sequence: Tensor, input: TensorOrNumber, *, out_int32: _bool = False, right: _bool = False,
                 side: Literal["left", "right"] | None = None, sorter: Tensor | None = None,
                 out: Tensor | None = None) -> Tensor:
    """searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None)

    Where each value of ``input`` would be inserted into the ascending innermost rows of
    ``sorted_sequence`` to keep them sorted: the first such position, or the last with
    ``right=True`` / ``side='right'``.

    >>> rustorch.searchsorted(rustorch.tensor([1, 3, 5, 7]), rustorch.tensor([3, 6]))
    tensor([1, 3])
    """
    _check_tensor(sorted_sequence, "searchsorted", "sorted_sequence")
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError(
                "torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True")
        right = side == "right"
    values = _as_tensor(input, sorted_sequence)
    seq = sorted_sequence
    if sorter is not None:
        if sorter.shape != seq.shape:
            raise RuntimeError("torch.searchsorted(): boundary and sorter must have the same size, but got boundary "
                               f"tensor {list(seq.shape)}and got sorter tensor {list(sorter.shape)}")
        if sorter.dtype is not int64:
            raise RuntimeError(f"torch.searchsorted(): sorter must be a tensor of long dtype but got dtype {_c_type(sorter.dtype)}")
        seq = seq.gather(-1, sorter)
    common = _BY_NAME[_C.result_type([_other(seq), _other(values)])]
    if common is bool_:
        raise NotImplementedError("\"searchsorted_out_cpu\" not implemented for 'Bool'")
    seq, vals = seq.to(common), values.to(common)
    res = _wrap(_C.searchsorted(seq._c, vals._c, builtins.bool(right), builtins.bool(out_int32)))
    if out is not None:
        _write_out((out,), (res,), "searchsorted")
        return out
    return res


def bucketize(input: TensorOrNumber, boundaries: Tensor, *, out_int32: _bool = False, right: _bool = False,
              out: Tensor | None = None) -> Tensor:
    """bucketize(input, boundaries, *, out_int32=False, right=False) -> Tensor

    The bucket of each value among the ascending 1-D ``boundaries`` (``searchsorted`` with the
    arguments swapped).

    >>> rustorch.bucketize(rustorch.tensor([1, 5, 9]), rustorch.tensor([2, 6]))
    tensor([0, 1, 2])
    """
    _check_tensor(boundaries, "bucketize", "boundaries")
    if boundaries.dim() != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.dim()})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)


def _item(t):
    return t.item()


def _segment_sums(input, weights, size):
    """Per-value sums of float64 ``weights`` without atomics: sort by value, a prefix sum of
    the weights in that order, and each value's [first, last) span found by searchsorted."""
    sv, order = _C.sort(input._c, 0, False)
    sv = _wrap(sv)
    prefix = weights.to(float64).index_select(0, _wrap(order)).cumsum(0)
    edges = _arange(size, input.device)
    lo = _wrap(_C.searchsorted(sv._c, edges._c, False, False))
    hi = _wrap(_C.searchsorted(sv._c, edges._c, True, False))
    zero = zeros(1, dtype=float64, device=input.device)
    from ._shape import cat
    padded = cat([zero, prefix])
    return padded.index_select(0, hi) - padded.index_select(0, lo)


def bincount(input: Tensor, weights: Tensor | None = None, minlength: _int = 0) -> Tensor:
    """bincount(input, weights=None, minlength=0) -> Tensor

    How often each value 0..max occurs in the 1-D non-negative integer ``input`` (with
    ``weights``: their sums; float32 weights give float32, others float64).

    >>> rustorch.bincount(rustorch.tensor([0, 1, 1, 3]))
    tensor([1, 2, 0, 1])
    """
    _check_tensor(input, "bincount")
    if input.is_floating_point() or input.dtype is bool_:
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{TORCH_NAME[input.dtype.name]}'")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    n = input.numel()
    if input.dim() == 1 and n == 0:  # PyTorch: int64 zeros, whatever the weights (unchecked)
        return zeros(int(minlength), dtype=int64, device=input.device)
    if input.dim() != 1 or _item(input.min()) < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and (weights.dim() != 1 or weights.shape[0] != input.shape[0]):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    size = builtins.max(_item(input.max()) + 1, int(minlength))
    device = input.device
    idx = input.to(int64)
    if weights is None:
        return zeros(size, dtype=int64, device=device).scatter_add_(0, idx, ones(n, dtype=int64, device=device))
    dtype = float32 if weights.dtype is float32 else float64
    out = zeros(size, dtype=dtype, device=device)
    if dtype is float64 and device.type == "wgpu":
        return _segment_sums(idx, weights, size)  # WGSL has no 64-bit atomics to add with
    return out.scatter_add_(0, idx, weights.to(dtype))


def _fmt(v):
    return f"{v:g}"


def histc(input: Tensor, bins: _int = 100, min: Number = 0, max: Number = 0, *, out: Tensor | None = None) -> Tensor:
    """histc(input, bins=100, min=0, max=0) -> Tensor

    A histogram of ``bins`` equal-width bins over [min, max] (the data's own range when
    ``min == max``); elements outside it and NaN are ignored.

    >>> rustorch.histc(rustorch.tensor([1., 2., 1.]), bins=4, min=0, max=3)
    tensor([0., 2., 1., 0.])
    """
    _check_tensor(input, "histc")
    if not input.is_floating_point():
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{TORCH_NAME[input.dtype.name]}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    lo, hi = float(min), float(max)
    if lo == hi and input.numel():
        lo, hi = float(_item(input.min())), float(_item(input.max()))
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{_fmt(lo)}, {_fmt(hi)}] is not finite")
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    device = input.device
    counts = zeros(bins, dtype=int64, device=device)
    if input.numel():
        x = input.reshape(-1)
        # The edges in the input's dtype, then PyTorch's bin: trunc((x - lo) * bins / (hi - lo)).
        edges = tensor([lo, hi], dtype=input.dtype, device=device)
        lo_t, hi_t = edges[0], edges[1]
        inside = (x >= lo_t) & (x <= hi_t) & ~x.isnan()
        pos = ((x - lo_t) * bins / (hi_t - lo_t)).masked_fill(~inside, 0).to(int64).clamp(0, bins - 1)
        counts.scatter_add_(0, pos, inside.to(int64))
    res = counts.to(input.dtype)
    if out is not None:
        _write_out((out,), (res,), "histc")
        return out
    return res


_sort_method.__name__, _sort_method.__doc__ = "sort", sort.__doc__
_argsort_method.__name__, _argsort_method.__doc__ = "argsort", argsort.__doc__
Tensor.sort, Tensor.argsort = _sort_method, _argsort_method
for _fn in (msort, topk, kthvalue, median, nanmedian, unique, unique_consecutive, bincount, histc):
    setattr(Tensor, _fn.__name__, _method(_fn))

__all__ = ["sort", "argsort", "msort", "topk", "kthvalue", "median", "nanmedian", "unique", "unique_consecutive",
           "searchsorted", "bucketize", "bincount", "histc"]
