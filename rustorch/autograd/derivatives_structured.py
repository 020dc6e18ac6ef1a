"""Derivatives of the structured ops (splitting, rolling, diagonals, index writes, scatter reductions,
matrix products) that ``derivatives.py`` does not hold, in its form: ``formula(ctx, *grads)`` returns one
gradient (or None) per tensor argument, built from rustorch ops, so that a backward recorded with
``create_graph=True`` is itself differentiable. ``install_structured.py`` puts them on the entry points.

Gradients that add up at repeated positions go through ``_positions_grad`` (the op applied to the input's
flat positions says where each output element came from): on wgpu it adds float64 values without the
64-bit atomics WGSL lacks. Counts are int64 for the same reason (scatter_add sums int64 there)."""

import math

import rustorch as R

from .._dtype import int64
from .._tensor import Tensor
from .derivatives import _in_shape, _positions_grad
from .record import recorded, saved_out


def _param(c, pos, name, default=None):
    """Argument ``pos`` of the call, or keyword ``name``: a saved tensor read through its version check."""
    if len(c.args) > pos:
        a = c.args[pos]
        return c.saved(pos) if isinstance(a, Tensor) else a
    return c.kwargs.get(name, default)


def _n_tensors(c):
    return len(c.extra["in"])


# ---- splitting and assembling ------------------------------------------------------------------------

def split_name(args, kwargs):
    sizes = args[1] if len(args) > 1 else kwargs.get("split_size_or_sections")
    return "SplitWithSizesBackward0" if isinstance(sizes, (list, tuple)) else "SplitBackward0"


def split_grad(c, *grads):
    """The pieces' gradients side by side again (the engine gives zeros for pieces that got none)."""
    return (R.cat(list(grads), _param(c, 2, "dim", 0)),)


def unbind_grad(c, *grads):
    return (R.stack(list(grads), _param(c, 1, "dim", 0)),)


def roll_grad(c, g):
    shifts = _param(c, 1, "shifts")
    back = [-s for s in shifts] if isinstance(shifts, (list, tuple)) else -shifts
    return (g.roll(back, _param(c, 2, "dims", None)),)


def repeat_interleave_grad(c, g):
    """Each output slice is a copy of one input slice: the same op on the input's positions names it."""
    repeats, dim = _param(c, 1, "repeats"), _param(c, 2, "dim", None)
    gx = _positions_grad(c, g, lambda p: R.repeat_interleave(p, repeats, dim=dim))
    return (gx,) + (None,) * (_n_tensors(c) - 1)


# ---- diagonals and windows ---------------------------------------------------------------------------

def diag_name(args, kwargs):
    return "DiagEmbedBackward0" if args[0].dim() == 1 else "DiagonalBackward0_copy"


def diag_grad(c, g):
    d = _param(c, 1, "diagonal", 0)
    if len(_in_shape(c)) == 1:  # the vector was put on a diagonal: read it back
        return (g.diagonal(d),)
    return (_positions_grad(c, g, lambda p: p.diagonal(d)),)


def trace_grad(c, g):
    n, m = _in_shape(c)
    return (R.eye(n, m, dtype=g.dtype, device=g.device) * g,)


def unfold_grad(c, g):
    """Overlapping windows (step < size) read an element several times: their gradients add up."""
    dim, size, step = _param(c, 1, "dimension"), _param(c, 2, "size"), _param(c, 3, "step")
    return (_positions_grad(c, g, lambda p: p.unfold(dim, size, step)),)


# ---- index reads and writes --------------------------------------------------------------------------

def take_grad(c, g):
    index = _param(c, 1, "index")
    return (_positions_grad(c, g, lambda p: p.take(index)), None)


def _slices(g, d, index, shape):
    """The slices of ``g`` along ``d`` that ``index`` names, as a tensor of ``shape`` (the source's)."""
    g = g if g.dim() else g.reshape(1)
    return g.index_select(d, index.reshape(-1)).reshape(shape)


def index_add_grad(c, g):
    d, index, alpha = _param(c, 1, "dim"), _param(c, 2, "index"), c.kwargs.get("alpha", 1)
    gs = None
    if c.needs[2]:
        gs = _slices(g, d, index, _in_shape(c, 2))
        gs = gs * alpha if alpha != 1 else gs
    return (g, None, gs)


def index_copy_grad(c, g):
    d, index = _param(c, 1, "dim"), _param(c, 2, "index")
    gx = g.index_fill(d, index, 0.0) if c.needs[0] else None
    return (gx, None, _slices(g, d, index, _in_shape(c, 2)) if c.needs[2] else None)


def index_fill_name(args, kwargs):
    value = args[3] if len(args) > 3 else kwargs.get("value")
    return "IndexFillBackward1" if isinstance(value, Tensor) else "IndexFillBackward0"


def index_fill_grad(c, g):
    """The filled slices no longer depend on the input; a tensor value receives their gradients' sum
    (each filled element once, however often the index names its slice)."""
    gx = g.index_fill(_param(c, 1, "dim"), _param(c, 2, "index"), 0.0)
    if _n_tensors(c) == 2:
        return (gx, None)
    return (gx, None, (g - gx).sum() if c.needs[2] else None)


def masked_scatter_grad(c, g):
    """The source's first k elements (k: the mask's count) went, in order, to the masked places."""
    mask = c.saved(1)
    gx = g.masked_fill(mask, 0.0) if c.needs[0] else None
    gs = None
    if c.needs[2]:
        shape = _in_shape(c, 2)
        picked = g.masked_select(mask)
        rest = R.zeros(math.prod(shape) - picked.shape[0], dtype=g.dtype, device=g.device)
        gs = R.cat([picked, rest]).reshape(shape)
    return (gx, None, gs)


# ---- scatter_reduce ----------------------------------------------------------------------------------

def _lead(t, shape):
    """The leading block of ``t`` of ``shape`` (the part of a source that an index reads)."""
    for d, n in enumerate(shape):
        if t.shape[d] != n:
            t = t.narrow(d, 0, n)
    return t


def _counts(shape, d, index, start, device):
    """How many values each position of a scatter_reduce combines (``start``: 1 with self, else 0)."""
    n = R.full(shape, start, dtype=int64, device=device)
    return n.scatter_add(d, index, R.ones(index.shape, dtype=int64, device=device))


def scatter_reduce_grad(c, g):
    """PyTorch's rules: sum and mean pass the gradient through (divided by the count); prod divides the
    result by the factor (exactly, zeros included); amax and amin share it evenly among the values equal
    to the result. Without include_self, the scattered positions of self get nothing."""
    x, d, index, src = c.saved(0), _param(c, 1, "dim"), _param(c, 2, "index"), _param(c, 3, "src")
    reduce = _param(c, 4, "reduce")
    reduce = {"max": "amax", "min": "amin"}.get(reduce, reduce)
    incl = c.kwargs.get("include_self", True)
    src = _lead(src, index.shape)
    if reduce == "sum":
        gx, gs = g, g.gather(d, index)
    elif reduce == "mean":
        n = _counts(x.shape, d, index, 1 if incl else 0, g.device)
        gx = g / n.masked_fill(n == 0, 1).to(g.dtype)
        gs = gx.gather(d, index)
    elif reduce == "prod":
        gx, gs = _scatter_prod_grads(c, g, x, d, index, src, incl)
    else:
        out = saved_out(c)
        value = out.gather(d, index)
        x_is, src_is = x == out, src == value
        n = x_is.to(int64).scatter_add(d, index, src_is.to(int64)).to(g.dtype)
        share = g / n
        gx = share * x_is
        gs = share.gather(d, index) * src_is
    if not incl:
        gx = gx.scatter(d, index, 0.0)
    return (gx if c.needs[0] else None, None, gs if c.needs[2] else None)


def _scatter_prod_grads(c, g, x, d, index, src, incl):
    out = saved_out(c)
    # self: the product of the others, recomputed with self's zeros as ones (result / self elsewhere)
    safe_x = x.masked_fill(x == 0, 1.0)
    gx = g * safe_x.scatter_reduce(d, index, src, "prod", include_self=incl) / safe_x
    # src: result / src, but where src is the only zero among its position's sources, the product of
    # the others (recomputed with it as one); two or more zeros leave nothing
    zero = src == 0
    zeros_at = R.zeros(x.shape, dtype=int64, device=g.device).scatter_add(d, index, zero.to(int64))
    single = zero & (zeros_at.gather(d, index) == 1)
    others = x.scatter_reduce(d, index, src.masked_fill(single, 1.0), "prod", include_self=incl)
    gs = R.where(single, (g * others).gather(d, index), (g * out).gather(d, index) / src.masked_fill(zero, 1.0))
    if R.is_grad_enabled() and bool((zeros_at > 1).any()):
        # (the formula above is no derivative of itself there: PyTorch raises if a second backward comes)
        gs = _double_backward_error(gs)
    return gx, gs


def _raise_double_backward(c, g):
    raise RuntimeError("scatter_reduce(): Double backward is unsupported for src when >1 zeros in src are scattered "
                       "to the same position in self")


_double_backward_error = recorded("DelayedError", lambda t: t.clone(), _raise_double_backward)


# ---- products ----------------------------------------------------------------------------------------

def mm_grad(c, g):
    a, b = c.saved(0), c.saved(1)
    return (g.mm(b.t()) if c.needs[0] else None, a.t().mm(g) if c.needs[1] else None)


def mv_grad(c, g):
    a, v = c.saved(0), c.saved(1)
    return (R.outer(g, v) if c.needs[0] else None, a.t().mv(g) if c.needs[1] else None)


def dot_grad(c, g):
    a, b = c.saved(0), c.saved(1)
    return (g * b if c.needs[0] else None, g * a if c.needs[1] else None)


def _scaled(t, k):
    return t if k == 1 else t * k


def addmm_grad(c, g):
    """beta * input + alpha * mat1 @ mat2 (input broadcast to the product: the engine sums it back)."""
    a, b = c.saved(1), c.saved(2)
    beta, alpha = c.kwargs.get("beta", 1), c.kwargs.get("alpha", 1)
    return (_scaled(g, beta) if c.needs[0] else None, _scaled(g.mm(b.t()), alpha) if c.needs[1] else None,
            _scaled(a.t().mm(g), alpha) if c.needs[2] else None)


def baddbmm_grad(c, g):
    a, b = c.saved(1), c.saved(2)
    beta, alpha = c.kwargs.get("beta", 1), c.kwargs.get("alpha", 1)
    return (_scaled(g, beta) if c.needs[0] else None,
            _scaled(g.bmm(b.transpose(1, 2)), alpha) if c.needs[1] else None,
            _scaled(a.transpose(1, 2).bmm(g), alpha) if c.needs[2] else None)


# ---- sorting, and ops PyTorch records without a derivative --------------------------------------------

def msort_grad(c, g):
    """msort returns no indices: the saved input's (stable) sort order gives them again."""
    order = R.argsort(c.saved(0).detach(), dim=0, stable=True)
    return (R.zeros(_in_shape(c), dtype=g.dtype, device=g.device).scatter(0, order, g),)


def not_implemented(op):
    """A node that raises when backward reaches it, with PyTorch's words for ``op``."""
    def formula(c, *grads):
        raise RuntimeError(f"the derivative for '{op}' is not implemented.")
    return formula
