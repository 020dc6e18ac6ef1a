"""Installing the derivatives: every differentiable entry point (module function, Tensor method,
operator) replaced by its recorded form (``record.recorded``), in-place forms recorded as their
out-of-place op on the old value (a view's base updated as PyTorch's CopySlices does), ``x[i] = v`` as
an in-place index_put, and every other public entry point guarded so that it raises rather than drop
a gradient. The formulas themselves are in ``derivatives.py``."""

import functools
import math

import rustorch as R

from .._tensor import _GRAD, GradTensor, Tensor
from . import fast
from .grad_mode import _state
from .record import _needs, recorded, tracked
from .derivatives import (
    BINARY,
    REDUCTIONS,
    UNARY,
    _addcdiv_grad,
    _addcmul_grad,
    _arg,
    _as_strided_grad,
    _binary_formula,
    _bmm_grad,
    _cat_grad,
    _clamp_grad,
    _cumprod_grad,
    _cumsum_grad,
    _diagonal_grad,
    _div_grads,
    _flat_add,
    _flip_grad,
    _gather_grad,
    _getitem_grad,
    _in_shape,
    _index_select_grad,
    _kth_grad,
    _lerp_grad,
    _like_input,
    _masked_fill_grad,
    _masked_select_grad,
    _max_formula,
    _max_name,
    _median_grad,
    _movedim_grad,
    _narrow_grad,
    _not_implemented,
    _permute_grad,
    _pow_grads,
    _reduced_arg_raw,
    _repeat_grad,
    _s,
    _scatter_add_grad,
    _scatter_grad,
    _select_grad,
    _sorted_values_grad,
    _stack_grad,
    _to_grad,
    _transpose_grad,
    _tril_grad,
    _triu_grad,
    _where_grad,
)

# ---- installation ------------------------------------------------------------------------------------

_VIEW_NODES = set()


def _replace_everywhere(old, new):
    """Every module of the package that holds ``old`` under some name gets ``new`` there (internal
    compositions then call the recorded op)."""
    import sys

    for mod_name, mod in list(sys.modules.items()):
        if mod is None or not (mod_name == "rustorch" or mod_name.startswith("rustorch.")):
            continue
        if mod_name.startswith("rustorch.autograd"):
            continue
        for k, v in list(vars(mod).items()):
            if v is old:
                setattr(mod, k, new)


def _wrap_function(attr, name, formula, save=(), extra=None):
    impl = getattr(R, attr, None)
    if impl is None:
        return None
    rec = recorded(name, impl, formula, save, extra)
    _replace_everywhere(impl, rec)
    return rec


def _wrap_method(attr, name, formula, save=(), extra=None):
    impl = Tensor.__dict__.get(attr)
    if impl is None:
        return None
    rec = recorded(name, impl, formula, save, extra)
    for other, fn in list(vars(Tensor).items()):
        if fn is impl:  # the method and its aliases (absolute, arcsin, multiply, ...)
            setattr(Tensor, other, rec)
    return rec


def _op(attr, name, formula, save=(), extra=None, function=True, method=True):
    """Records function ``rustorch.attr`` and method ``Tensor.attr`` as ``name`` nodes."""
    rec_f = _wrap_function(attr, name, formula, save, extra) if function else None
    rec_m = _wrap_method(attr, name, formula, save, extra) if method else None
    return rec_f, rec_m


_LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
_VIEW_OF_LEAF = "a view of a leaf Variable that requires grad is being used in an in-place operation."


class _Opaque:
    """An argument the recorder must not look into (an index holding tensors, a view's geometry)."""

    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v


def _view_root(t):
    """The tensor whose memory view ``t`` (an output of a recorded view op) looks into, or None."""
    if t.__class__ not in _GRAD or t._fn is None or type(t._fn).__name__ not in _VIEW_NODES:
        return None
    ctx = t._fn.ctx
    ref = ctx.extra.get("base") if ctx is not None else None
    return ref() if ref is not None else None


def _copy_slices_grad(c, g):
    """The base after a view of it was written: the written region's gradient goes to the new values,
    the rest to the base as it was."""
    shape = _in_shape(c)
    size, stride, offset = c.args[1].v
    bsize, bstride, boffset = c.extra["bgeom"]
    span = max(boffset + sum((s - 1) * t for s, t in zip(bsize, bstride) if s > 0),
               offset + sum((s - 1) * t for s, t in zip(size, stride) if s > 0)) + 1
    cells = R.arange(span, device=g.device)
    b_pos = cells.as_strided(bsize, bstride, boffset).reshape(-1)
    v_pos = cells.as_strided(size, stride, offset).reshape(-1)
    buf = R.zeros(span, dtype=g.dtype, device=g.device).scatter(0, b_pos, g.reshape(-1))
    res = [None, None]
    if c.needs[0]:
        region = R.zeros(span, dtype=R.bool, device=g.device).scatter(0, v_pos, True)
        res[0] = g.masked_fill(region.index_select(0, b_pos).reshape(shape), 0.0)
    if c.needs[1]:
        res[1] = buf.index_select(0, v_pos).reshape(size)
    return tuple(res)


def _view_of_grad(c, g):
    """A view re-attached to its base's new identity: as_strided of the base, by geometry alone."""
    size, stride, offset = c.args[1].v
    bsize, bstride, boffset = c.extra["bgeom"]
    span = max(boffset + sum((s - 1) * t for s, t in zip(bsize, bstride) if s > 0),
               offset + sum((s - 1) * t for s, t in zip(size, stride) if s > 0)) + 1
    cells = R.arange(span, device=g.device)
    buf = _flat_add(span, cells.as_strided(size, stride, offset).reshape(-1), g.reshape(-1))
    return (buf.index_select(0, cells.as_strided(bsize, bstride, boffset).reshape(-1)).reshape(bsize),)


def _geom(t):
    return (tuple(t.shape), tuple(t.stride()), t.storage_offset())


def _rebase(view, root, res):
    """After ``view`` (a view of ``root``) was overwritten with ``res``: root becomes the output of a
    CopySlices node (its old self, with the view's region from res), and the view a view of that."""
    from .record import record

    geom = _Opaque(_geom(view))
    bgeom = _geom(root)
    record("CopySlices", _copy_slices_grad, (root, geom, res), {}, root, extra={"bgeom": bgeom})
    record("AsStridedBackward0", _view_of_grad, (root, geom), {}, view, extra={"bgeom": bgeom})


def _inplace(attr, functional):
    """``Tensor.attr`` (an in-place op) recorded as ``functional`` applied to the tensor's old value; on a
    view, its base is updated too (CopySlices, as in PyTorch)."""
    impl = Tensor.__dict__.get(attr)
    if impl is None or functional is None:
        return
    copy = Tensor.copy_

    def call(self, *args, **kwargs):
        if not _state.enabled or not _needs((self,) + args, kwargs):
            return impl(self, *args, **kwargs)
        root = _view_root(self)
        if self.__class__ in _GRAD and self._fn is None and self._rg:
            raise RuntimeError(_LEAF_INPLACE)
        multi = _MULTI_VIEWS.get(type(self._fn).__name__) if self.__class__ in _GRAD else None
        if multi is not None:
            raise RuntimeError(f"Output {self._out} of {multi} is a view and is being modified inplace. This view is "
                               "the output of a function that returns multiple views. Such functions do not allow the "
                               "output views to be modified inplace. You should replace the inplace operation by an "
                               "out-of-place one.")
        if root is not None and root.__class__ in _GRAD and root._fn is None and root._rg:
            raise RuntimeError(_VIEW_OF_LEAF)
        old = self.clone() if _needs((self,), {}) else self
        res = functional(old, *args, **kwargs)
        _state.enabled = False
        try:
            copy(self, res)
        finally:
            _state.enabled = True
        if res.__class__ in _GRAD and res._fn is not None:
            from .record import make_output

            if root is not None:
                _rebase(self, root, res)
            else:
                make_output(self, res._fn, res._out)
        return self

    functools.update_wrapper(call, impl)
    for other, fn in list(vars(Tensor).items()):
        if fn is impl:  # the method and its aliases (sub_ and subtract_, ...)
            setattr(Tensor, other, call)


# Ops returning several views of their input (PyTorch names the function in the in-place error).
_MULTI_VIEWS = {"SplitBackward0": "Split", "SplitWithSizesBackward0": "SplitWithSizes", "UnbindBackward0": "Unbind"}


def _getitem_name(args, kwargs):
    """PyTorch's node for basic indexing: the last op its index applies (select for an int, unsqueeze for
    None, slice for a slice that is not the whole dim); a lone slice is a slice, nothing else an alias."""
    index = args[1]
    if isinstance(index, slice):
        return "SliceBackward0"  # a lone slice always slices (x[:] too)
    items = index if isinstance(index, tuple) else (index,)
    name = None
    for i in items:
        if i is None:
            name = "UnsqueezeBackward0"
        elif isinstance(i, slice):
            if not (i.start in (None, 0) and i.stop is None and i.step in (None, 1)):
                name = "SliceBackward0"
        elif i is not Ellipsis:
            name = "SelectBackward0"
    return name or "AliasBackward0"  # x[...], x[:, :]: the tensor itself, aliased


def _scatter_name(args, kwargs):
    value = args[3] if len(args) > 3 else kwargs.get("value", kwargs.get("src"))
    return "ScatterBackward0" if isinstance(value, Tensor) else "ScatterBackward1"


def _masked_fill_name(args, kwargs):
    value = args[2] if len(args) > 2 else kwargs.get("value")
    return "MaskedFillBackward1" if isinstance(value, Tensor) else "MaskedFillBackward0"


def _is_basic(index):
    items = index if isinstance(index, tuple) else (index,)
    return all(i is None or i is Ellipsis or isinstance(i, slice) or (isinstance(i, int) and not isinstance(i, bool))
               for i in items)


def _index_put_impl(base, index, value):
    out = base.clone()
    _SETITEM[0](out, index.v, value)
    return out


def _index_put_grad(c, g):
    shape = _in_shape(c)
    pos = R.arange(math.prod(shape), device=g.device).reshape(shape)[c.args[1].v]
    res = [g.reshape(-1).scatter(0, pos.reshape(-1), 0.0).reshape(shape) if c.needs[0] else None]
    if c.extra["tensor_args"][2]:
        res.append(g.reshape(-1).index_select(0, pos.reshape(-1)).reshape(pos.shape) if c.needs[1] else None)
    return tuple(res)


_SETITEM = [None]  # Tensor.__setitem__ as the indexing module defines it
_COPY = [None]  # Tensor.copy_ unrecorded


def _copy_impl(old, src, non_blocking=False):
    """``old.copy_(src)`` as a new value: src broadcast into old's shape, dtype and device."""
    out = R.empty_like(old)
    _COPY[0](out, src)
    return out


def _copy_grad(c, g):
    src = _s(c, 1)
    return (R.zeros_like(g) if c.needs[0] else None, g.to(device=src.device) if c.needs[1] else None)


def _reflected(rec):
    def call(self, other):
        return rec(other, self)
    return call


def install():
    """Replaces the differentiable entry points with their recorded forms (once, at import)."""
    for n, (node, formula, save) in UNARY.items():
        rec_f, rec_m = _op(n, node, formula, save)
        _inplace(n + "_", rec_f)
    GradTensor.__neg__ = recorded("NegBackward0", Tensor.__neg__, UNARY["neg"][1])
    GradTensor.__abs__ = recorded("AbsBackward0", Tensor.__abs__, UNARY["abs"][1], (0,))

    binary = {n: (node, _binary_formula(ga, gb), save) for n, (node, ga, gb, save) in BINARY.items()}
    binary["pow"] = ("PowBackward1", _pow_grads, (0, 1, "out"))
    binary["div"] = ("DivBackward0", _div_grads, (0, 1))
    binary["true_divide"] = binary["div"]
    recs = {}
    for n, (node, formula, save) in binary.items():
        rec_f, rec_m = _op(n, node, formula, save)
        recs[n] = rec_f
        _inplace(n + "_", rec_f)
    for py, n in (("add", "add"), ("sub", "sub"), ("mul", "mul"), ("truediv", "div"), ("pow", "pow"),
                  ("mod", "remainder")):
        rec = recs[n]
        # The forward operator records around Tensor's own (the fastest path to the native op).
        node, formula, save = binary[n]
        setattr(GradTensor, f"__{py}__", recorded(node, Tensor.__dict__[f"__{py}__"], formula, save))
        setattr(GradTensor, f"__r{py}__", _reflected(rec))
        _inplace(f"__i{py}__", rec)
    _op("floor_divide", "NotImplemented", _not_implemented("aten::floor_divide"))

    others = {
        "where": ("WhereBackward0", _where_grad, (0,)),
        "clamp": ("ClampBackward1", _clamp_grad, (0, 1, 2)),
        "clip": ("ClampBackward1", _clamp_grad, (0, 1, 2)),
        "clamp_min": ("ClampMinBackward0", _clamp_grad, (0, 1)),
        "lerp": ("LerpBackward1", _lerp_grad, (0, 1, 2)),
        "addcmul": ("AddcmulBackward0", _addcmul_grad, (1, 2)),
        "addcdiv": ("AddcdivBackward0", _addcdiv_grad, (1, 2)),
        "nan_to_num": ("NanToNumBackward0", lambda c, g: (R.where(_s(c, 0).isfinite(), g, 0.0),), (0,)),
    }
    for n, (node, formula, save) in others.items():
        rec_f, _ = _op(n, node, formula, save)
        _inplace(n + "_", rec_f)
    rec_f, _ = _op("clamp_max", "ClampMaxBackward0", _clamp_max_grad, (0, 1))
    _inplace("clamp_max_", rec_f)

    for n, (node, formula, save) in REDUCTIONS.items():
        _op(n, node, formula, save)
    for n, is_max in (("max", True), ("min", False)):
        _op(n, _max_name(is_max), _max_formula(is_max), (0, 1, "out"))

    views = {
        "view": ("ViewBackward0", _like_input), "reshape": ("ViewBackward0", _like_input),
        "view_as": ("ViewBackward0", _like_input), "reshape_as": ("ViewBackward0", _like_input),
        "flatten": ("ViewBackward0", _like_input), "unflatten": ("ViewBackward0", _like_input),
        "ravel": ("ViewBackward0", _like_input), "squeeze": ("SqueezeBackward1", _like_input),
        "unsqueeze": ("UnsqueezeBackward0", _like_input), "permute": ("PermuteBackward0", _permute_grad),
        "transpose": ("TransposeBackward0", _transpose_grad), "swapaxes": ("TransposeBackward0", _transpose_grad),
        "swapdims": ("TransposeBackward0", _transpose_grad), "t": ("TBackward0", lambda c, g: (g.t(),)),
        "expand": ("ExpandBackward0", lambda c, g: (g,)), "expand_as": ("ExpandBackward0", lambda c, g: (g, None)),
        "broadcast_to": ("ExpandBackward0", lambda c, g: (g,)),
        "narrow": ("SliceBackward0", _narrow_grad), "select": ("SelectBackward0", _select_grad),
        "movedim": ("PermuteBackward0", _movedim_grad), "moveaxis": ("PermuteBackward0", _movedim_grad),
        "diagonal": ("DiagonalBackward0", _diagonal_grad),
    }
    _VIEW_NODES.add("AsStridedBackward0")
    _op("as_strided", "AsStridedBackward0", _as_strided_grad, (0,), extra={"view": True})
    for n, (node, formula) in views.items():
        _VIEW_NODES.add(node)
        _op(n, node, formula, extra={"view": True})
    for n, (node, formula) in {"contiguous": ("CloneBackward0", lambda c, g: (g,)),
                               "clone": ("CloneBackward0", lambda c, g: (g,))}.items():
        _op(n, node, formula)
    GradTensor.T = property(lambda self: self.permute(*reversed(range(self.dim()))))
    GradTensor.mT = property(lambda self: self.transpose(-2, -1))
    # Basic indexing (ints, slices, None, ...) gives views (in-place writes through them reach the
    # base); advanced indexing gives copies.
    get_view = recorded(_getitem_name, Tensor.__getitem__, _getitem_grad, (1,), extra={"view": True})
    _VIEW_NODES.update(("SelectBackward0", "UnsqueezeBackward0", "AliasBackward0"))
    get_copy = recorded("IndexBackward0", Tensor.__getitem__, _getitem_grad, (1,))
    _VIEW_NODES.add("SliceBackward0")

    def getitem(self, index):
        return (get_view if _is_basic(index) else get_copy)(self, index)

    functools.update_wrapper(getitem, Tensor.__getitem__)
    GradTensor.__getitem__ = getitem
    # x[i] = v: an in-place index_put (IndexPutBackward0) on the tensor's old value.
    _SETITEM[0] = Tensor.__setitem__
    put = recorded("IndexPutBackward0", _index_put_impl, _index_put_grad, (1,))
    Tensor.setitem_ = lambda self, index, value: _SETITEM[0](self, index.v, value)
    _inplace("setitem_", put)
    inplace_put = Tensor.__dict__["setitem_"]
    del Tensor.setitem_

    def setitem(self, index, value):
        if not _state.enabled or not _needs((self, value), {}):
            return _SETITEM[0](self, index, value)
        if self.__class__ in _GRAD and self._fn is None and self._rg and _is_basic(index):
            raise RuntimeError(_VIEW_OF_LEAF)  # x[1:] = v writes through a view of x, as PyTorch sees it
        inplace_put(self, _Opaque(index), value)

    functools.update_wrapper(setitem, _SETITEM[0])
    Tensor.__setitem__ = setitem
    for n in ("to", "float", "double", "half", "bfloat16", "cpu", "type"):
        _op(n, "ToCopyBackward0", _to_grad, extra={"device": None}, function=False)

    from .. import _linalg

    _linalg._bmm = recorded("BmmBackward0", _linalg._bmm, _bmm_grad, (0, 1))
    _op("bmm", "BmmBackward0", _bmm_grad, (0, 1))

    shape_ops = {
        "cat": ("CatBackward0", _cat_grad), "concat": ("CatBackward0", _cat_grad),
        "concatenate": ("CatBackward0", _cat_grad), "stack": ("StackBackward0", _stack_grad),
        "flip": ("FlipBackward0", _flip_grad), "tril": ("TrilBackward0", _tril_grad),
        "triu": ("TriuBackward0", _triu_grad), "repeat": ("RepeatBackward0", _repeat_grad),
    }
    for n, (node, formula) in shape_ops.items():
        rec_f, _ = _op(n, node, formula)
        _inplace(n + "_", rec_f)
    _op("gather", "GatherBackward0", _gather_grad, (2,))
    _op("index_select", "IndexSelectBackward0", _index_select_grad, (2,))
    rec_f, _ = _op("masked_fill", _masked_fill_name, _masked_fill_grad, (1,))
    _inplace("masked_fill_", rec_f)
    _op("masked_select", "MaskedSelectBackward0", _masked_select_grad, (1,))
    rec_f, _ = _op("scatter", _scatter_name, _scatter_grad, (2,))
    _inplace("scatter_", rec_f)
    rec_f, _ = _op("scatter_add", "ScatterAddBackward0", _scatter_add_grad, (2,))
    _inplace("scatter_add_", rec_f)
    rec_f, _ = _op("cumsum", "CumsumBackward0", _cumsum_grad)
    _inplace("cumsum_", rec_f)
    rec_f, _ = _op("cumprod", "CumprodBackward0", _cumprod_grad, (0, "out"))
    _inplace("cumprod_", rec_f)
    _op("sort", lambda a, k: "SortBackward1" if k.get("stable") is not None else "SortBackward0",
        _sorted_values_grad, ("out",), {"op": "sort"})
    _op("topk", "TopkBackward0", _sorted_values_grad, ("out",), {"op": "topk"})
    _op("kthvalue", "KthvalueBackward0", _kth_grad, ("out",))
    for n, base in (("median", "Median"), ("nanmedian", "Nanmedian")):
        _op(n, (lambda b: lambda a, k: f"{b}Backward0" if _reduced_arg_raw(a, k, 1, "dim") is None else
                f"{b}Backward1")(base), _median_grad, (0, "out"))


    _COPY[0] = Tensor.copy_
    _inplace("copy_", recorded("CopyBackwards", _copy_impl, _copy_grad, (1,)))  # last: _inplace copies with it
    fast.install()  # + - * /, sum() and mean() on GradTensor: recorded inline (the per-op hot path)


def _clamp_max_grad(c, g):
    x, b = _s(c, 0), _arg(c, 1)
    return (g * (x <= b), g * (x > b)) if isinstance(b, Tensor) else (g * (x <= b),)


# ---- the rest: no silent wrong gradients -------------------------------------------------------------

# Entry points that never make a differentiable result from their arguments (metadata, conversion to
# Python or numpy, creation of new leaves, comparisons, the autograd API itself).
_NOT_DIFFERENTIABLE = {
    "detach", "detach_", "numpy", "tolist", "item", "data_ptr", "requires_grad_", "retain_grad", "register_hook",
    "backward", "size", "dim", "stride", "numel", "element_size", "storage_offset", "is_contiguous",
    "is_floating_point", "is_complex", "is_signed", "is_nonzero", "equal", "allclose", "isclose", "tensor",
    "as_tensor", "from_numpy", "asarray", "result_type", "can_cast", "promote_types", "is_tensor", "numel",
    "manual_seed", "seed", "initial_seed", "get_default_dtype", "set_default_dtype", "set_printoptions",
    "get_printoptions", "is_grad_enabled", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
    "__repr__", "__str__", "__format__", "__array__", "__bool__", "__float__", "__int__", "__index__", "__len__",
    "__iter__", "__hash__", "__reduce_ex__", "__deepcopy__", "__init__", "__getattribute__", "__setattr__",
    "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__invert__", "__and__", "__or__", "__xor__",
    "__lshift__", "__rshift__", "_values", "_wrap_dim", "new_tensor", "new_zeros", "new_ones", "new_full",
    "new_empty", "type_as",
}


def _untracked(res):
    """A floating tensor among ``res`` that no node produced."""
    items = res if isinstance(res, (tuple, list)) else (res,)
    for t in items:
        if isinstance(t, Tensor) and t.dtype.is_floating_point and (t.__class__ not in _GRAD or t._fn is None and
                                                                    not t._rg):
            return True
    return False


def _guard(name, impl, inplace):
    msg = (f"the derivative for '{name}' is not implemented yet in rustorch; compute it under no_grad() or on "
           "detach()ed tensors")

    def call(*args, **kwargs):
        if not tracked(args, kwargs):
            return impl(*args, **kwargs)
        if inplace:
            raise NotImplementedError(msg)
        res = impl(*args, **kwargs)
        if _untracked(res):
            raise NotImplementedError(msg)
        return res

    functools.update_wrapper(call, impl)
    call.__guarded__ = impl
    return call


def guard_the_rest():
    """Every other public function and Tensor method: called with tensors that require grad (grad mode
    on), it either returns results the recorded ops produced (a composition of them) or raises
    NotImplementedError naming it, never a result whose gradient would silently be missing."""
    import inspect

    for name in dir(R):
        fn = getattr(R, name)
        if name.startswith("_") or name in _NOT_DIFFERENTIABLE or not inspect.isfunction(fn):
            continue
        if hasattr(fn, "__wrapped__") or hasattr(fn, "__guarded__") or name.endswith("_like"):
            continue
        if getattr(fn, "_composite", False):
            continue  # declared a composition of recorded ops by its module (broadcast_tensors, ...)
        if getattr(fn, "__module__", "").startswith("rustorch.autograd"):
            continue
        _replace_everywhere(fn, _guard(name, fn, False))
    for name, fn in list(vars(Tensor).items()):
        if name in _NOT_DIFFERENTIABLE or not inspect.isfunction(fn) or hasattr(fn, "__wrapped__"):
            continue
        if hasattr(fn, "__guarded__") or (name.startswith("_") and not name.startswith("__i")):
            continue  # operators: plain ones never see a GradTensor operand first (see _tensor.GradTensor)
        inplace = (name.endswith("_") and not name.endswith("__")) or name.startswith("__i") and name != "__init__"
        setattr(Tensor, name, _guard(name, fn, inplace))
