"""Derivatives of the shape, index and sort ops of the structured op table (``tests/op_db_structured.py``)
that ``install.py`` does not cover; their formulas are in ``derivatives_structured.py``.

An op whose implementation calls native code (or writes into a buffer it allocated) gets a node of its
own; an op composed of recorded ops needs none (hstack, kron, einsum, tensordot, ... are recorded through
their parts). Node names are PyTorch's."""

import functools

import rustorch as R

from .. import _linalg, _shape
from .._tensor import Tensor
from .derivatives import _not_implemented, _repeat_grad
from .derivatives_structured import (
    addmm_grad,
    baddbmm_grad,
    diag_grad,
    diag_name,
    dot_grad,
    index_add_grad,
    index_copy_grad,
    index_fill_grad,
    index_fill_name,
    masked_scatter_grad,
    mm_grad,
    msort_grad,
    mv_grad,
    not_implemented,
    repeat_interleave_grad,
    roll_grad,
    scatter_reduce_grad,
    split_grad,
    split_name,
    take_grad,
    trace_grad,
    unbind_grad,
    unfold_grad,
)
from .grad_mode import no_grad
from .install import _VIEW_NODES, _inplace, _op, _replace_everywhere, recorded


def _views():
    """Ops whose outputs share the input's memory: an in-place write through one reaches the input
    (``install._rebase``), as through any other view."""
    _VIEW_NODES.update(("SplitBackward0", "SplitWithSizesBackward0", "UnbindBackward0", "UnfoldBackward0"))
    _op("split", split_name, split_grad, extra={"view": True})  # chunk splits through it
    _op("unbind", "UnbindBackward0", unbind_grad, extra={"view": True})
    _op("unfold", "UnfoldBackward0", unfold_grad, extra={"view": True}, function=False)


def _shapes():
    # tile repeats through the module's own Tensor.repeat (PyTorch's tile is repeat too)
    _shape._repeat = recorded("RepeatBackward0", _shape._repeat, _repeat_grad)
    _op("roll", "RollBackward0", roll_grad)
    _op("diag", diag_name, diag_grad)
    _op("trace", "TraceBackward0", trace_grad)
    _repeat_interleave()


def _repeat_interleave():
    """Tensor repeats copy slices by a computed index (PyTorch: an index_select); int repeats are views
    and a reshape of them, recorded through those."""
    impl = R.repeat_interleave
    rec = recorded("IndexSelectBackward0", impl, repeat_interleave_grad, (1,))

    def repeat_interleave(input, *args, **kwargs):
        repeats = args[0] if args else kwargs.get("repeats")
        return (rec if isinstance(repeats, Tensor) else impl)(input, *args, **kwargs)

    functools.update_wrapper(repeat_interleave, impl)
    _replace_everywhere(impl, repeat_interleave)

    def method(self, *args, **kwargs):
        return repeat_interleave(self, *args, **kwargs)

    Tensor.repeat_interleave = functools.update_wrapper(method, Tensor.__dict__["repeat_interleave"])


def _index_ops():
    for attr, name, formula, save in (
        ("index_add", "IndexAddBackward0", index_add_grad, (2,)),
        ("index_copy", "IndexCopyBackward0", index_copy_grad, (2,)),
        ("index_fill", index_fill_name, index_fill_grad, (2,)),
        ("masked_scatter", "MaskedScatterBackward0", masked_scatter_grad, (1,)),
        ("scatter_reduce", "ScatterReduceBackward0", scatter_reduce_grad, (0, 2, 3, "out")),
    ):
        rec_f, _ = _op(attr, name, formula, save)
        _inplace(attr + "_", rec_f)
    _op("take", "TakeBackward0", take_grad, (1,))


def _products():
    # matmul, mm, mv, dot, tensordot reach the native product through these three: one node each
    _linalg._mm = recorded("MmBackward0", _linalg._mm, mm_grad, (0, 1))
    _linalg._mv = recorded("MvBackward0", _linalg._mv, mv_grad, (0, 1))
    _linalg._dot = recorded("DotBackward0", _linalg._dot, dot_grad, (0, 1))
    _op("vdot", "VdotBackward0", dot_grad, (0, 1))
    for attr, name, formula in (("addmm", "AddmmBackward0", addmm_grad),
                                ("baddbmm", "BaddbmmBackward0", baddbmm_grad)):
        rec_f, _ = _op(attr, name, formula, (1, 2))
        _inplace(attr + "_", rec_f)


def _no_derivative():
    """PyTorch's treatment of ops without a derivative: msort is a sort; unique and bincount (weights)
    record a node that raises when backward reaches it; histc's result does not require grad."""
    _op("msort", "SortBackward0", msort_grad, (0,))
    _op("unique", "Unique2Backward0", not_implemented("_unique2"))
    _op("unique_consecutive", "UniqueConsecutiveBackward0", not_implemented("unique_consecutive"))
    _op("bincount", "NotImplemented", _not_implemented("aten::bincount"))
    impl = R.histc

    def histc(*args, **kwargs):
        with no_grad():
            return impl(*args, **kwargs)

    functools.update_wrapper(histc, impl)
    _replace_everywhere(impl, histc)

    def method(self, *args, **kwargs):
        return histc(self, *args, **kwargs)

    Tensor.histc = functools.update_wrapper(method, Tensor.__dict__["histc"])


def install():
    """Records the structured ops' entry points (called after ``install.install()``)."""
    _views()
    _shapes()
    _index_ops()
    _products()
    _no_derivative()
