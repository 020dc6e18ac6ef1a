"""The derivative of every differentiable op, written once, with rustorch ops (so that a backward run
with ``create_graph=True`` is itself recorded and second derivatives work).

Each entry names the node (PyTorch's ``grad_fn`` name), the public entry points it covers (module
functions, Tensor methods, operators), the formula ``(ctx, grad) -> grads of the tensor arguments``, and
which arguments the formula reads (``save``: positions, ``"out"`` for the result). Broadcasting is undone
by the engine (each gradient is summed to its input's shape there), so formulas return gradients of the
broadcast shape.

``install.py`` puts them on the entry points (in-place forms included).
"""

import math

import rustorch as R

from .._dtype import _BY_NAME as _DT
from .._tensor import Tensor
from .record import saved_out


def _s(ctx, i):
    return ctx.saved(i)


def _out(ctx):
    return saved_out(ctx, 0)


def _zeros(g):
    return R.zeros_like(g)


# ---- unary -------------------------------------------------------------------------------------------

_LN2, _LN10 = math.log(2.0), math.log(10.0)
UNARY = {
    # name: (node, formula(ctx, g), save)
    "neg": ("NegBackward0", lambda c, g: (-g,), ()),
    "abs": ("AbsBackward0", lambda c, g: (g * _s(c, 0).sign(),), (0,)),
    "exp": ("ExpBackward0", lambda c, g: (g * _out(c),), ("out",)),
    "exp2": ("Exp2Backward0", lambda c, g: (g * _out(c) * _LN2,), ("out",)),
    "expm1": ("Expm1Backward0", lambda c, g: (g * (_out(c) + 1),), ("out",)),
    "log": ("LogBackward0", lambda c, g: (g / _s(c, 0),), (0,)),
    "log2": ("Log2Backward0", lambda c, g: (g / (_s(c, 0) * _LN2),), (0,)),
    "log10": ("Log10Backward0", lambda c, g: (g / (_s(c, 0) * _LN10),), (0,)),
    "log1p": ("Log1PBackward0", lambda c, g: (g / (_s(c, 0) + 1),), (0,)),
    "sqrt": ("SqrtBackward0", lambda c, g: (g / (2 * _out(c)),), ("out",)),
    "rsqrt": ("RsqrtBackward0", lambda c, g: (-0.5 * g * _out(c) ** 3,), ("out",)),
    "sin": ("SinBackward0", lambda c, g: (g * _s(c, 0).cos(),), (0,)),
    "cos": ("CosBackward0", lambda c, g: (-g * _s(c, 0).sin(),), (0,)),
    "tan": ("TanBackward0", lambda c, g: (g * (1 + _out(c) ** 2),), ("out",)),
    "asin": ("AsinBackward0", lambda c, g: (g / (1 - _s(c, 0) ** 2).sqrt(),), (0,)),
    "acos": ("AcosBackward0", lambda c, g: (-g / (1 - _s(c, 0) ** 2).sqrt(),), (0,)),
    "atan": ("AtanBackward0", lambda c, g: (g / (1 + _s(c, 0) ** 2),), (0,)),
    "sinh": ("SinhBackward0", lambda c, g: (g * _s(c, 0).cosh(),), (0,)),
    "cosh": ("CoshBackward0", lambda c, g: (g * _s(c, 0).sinh(),), (0,)),
    "tanh": ("TanhBackward0", lambda c, g: (g * (1 - _out(c) ** 2),), ("out",)),
    "sigmoid": ("SigmoidBackward0", lambda c, g: (g * _out(c) * (1 - _out(c)),), ("out",)),
    "relu": ("ReluBackward0", lambda c, g: (g * (_out(c) > 0),), ("out",)),
    "erf": ("ErfBackward0", lambda c, g: (g * (2 / math.sqrt(math.pi)) * (-_s(c, 0) ** 2).exp(),), (0,)),
    "reciprocal": ("ReciprocalBackward0", lambda c, g: (-g * _out(c) ** 2,), ("out",)),
    "square": ("PowBackward0", lambda c, g: (2 * g * _s(c, 0),), (0,)),
    "sign": ("SignBackward0", lambda c, g: (_zeros(g),), ()),
    "floor": ("FloorBackward0", lambda c, g: (_zeros(g),), ()),
    "ceil": ("CeilBackward0", lambda c, g: (_zeros(g),), ()),
    "round": ("RoundBackward0", lambda c, g: (_zeros(g),), ()),
    "trunc": ("TruncBackward0", lambda c, g: (_zeros(g),), ()),
    "frac": ("FracBackward0", lambda c, g: (g,), ()),
}


# ---- binary ------------------------------------------------------------------------------------------

def _not_implemented(op):
    """PyTorch records some ops with a node that raises when backward reaches it."""
    def formula(c, *grads):
        raise RuntimeError(f"derivative for {op} is not implemented")
    return formula


def _alpha(c):
    return c.kwargs.get("alpha", 1)


def _pow_grads(c, g):
    a, b = _arg(c, 0), _arg(c, 1)
    ga = gb = None
    if isinstance(a, Tensor) and c.needs[0]:
        if isinstance(b, Tensor):
            ga = R.where(b == 0, 0.0, g * b * a ** (b - 1))
        else:
            ga = g * 0.0 if b == 0 else g * b * a ** (b - 1)
    if isinstance(b, Tensor) and c.needs[-1]:
        base = a if isinstance(a, Tensor) else R.full((), float(a), dtype=b.dtype, device=b.device)
        gb = R.where((base == 0) & (b >= 0), 0.0, g * _out(c) * base.log())
    return tuple(x for x, t in ((ga, a), (gb, b)) if isinstance(t, Tensor))


def _div_grads(c, g):
    a, b = _arg(c, 0), _arg(c, 1)
    rounded = c.kwargs.get("rounding_mode") is not None
    res = []
    for i, t in enumerate((a, b)):
        if isinstance(t, Tensor):
            if not c.needs[len(res)]:
                res.append(None)
            elif rounded:
                res.append(_zeros(g))  # piecewise constant
            else:
                res.append(g / b if i == 0 else -g * a / (b * b))
    return tuple(res)


def _arg(c, i):
    """Argument i: the saved tensor, or the number given."""
    a = c.args[i]
    return _s(c, i) if isinstance(a, Tensor) else a


def _maximum_grad(c, g, first, is_max):
    a, b = _s(c, 0), _s(c, 1)
    x, y = (a, b) if first else (b, a)
    losing = x < y if is_max else x > y
    return R.where(a == b, g / 2, g).masked_fill(losing, 0.0)


BINARY = {
    # name: (node, grad of a, grad of b, save); a grad function is (ctx, g) -> tensor
    "add": ("AddBackward0", lambda c, g: g, lambda c, g: g * _alpha(c) if _alpha(c) != 1 else g, ()),
    "sub": ("SubBackward0", lambda c, g: g, lambda c, g: -g * _alpha(c) if _alpha(c) != 1 else -g, ()),
    "mul": ("MulBackward0", lambda c, g: g * _arg(c, 1), lambda c, g: g * _arg(c, 0), (0, 1)),
    "maximum": ("MaximumBackward0", lambda c, g: _maximum_grad(c, g, True, True),
                lambda c, g: _maximum_grad(c, g, False, True), (0, 1)),
    "minimum": ("MinimumBackward0", lambda c, g: _maximum_grad(c, g, True, False),
                lambda c, g: _maximum_grad(c, g, False, False), (0, 1)),
    "atan2": ("Atan2Backward0", lambda c, g: g * _s(c, 1) / (_s(c, 0) ** 2 + _s(c, 1) ** 2),
              lambda c, g: -g * _s(c, 0) / (_s(c, 0) ** 2 + _s(c, 1) ** 2), (0, 1)),
    "remainder": ("RemainderBackward0", lambda c, g: g,
                  lambda c, g: -g * R.div(_arg(c, 0), _arg(c, 1), rounding_mode="floor"), (0, 1)),
    "fmod": ("FmodBackward0", lambda c, g: g,
             lambda c, g: -g * R.div(_arg(c, 0), _arg(c, 1), rounding_mode="trunc"), (0, 1)),
}


def _binary_formula(ga, gb):
    def formula(c, g):
        res = []
        for i, fn in enumerate((ga, gb)):
            if c.extra["tensor_args"][i]:
                res.append(fn(c, g) if c.needs[len(res)] else None)
        return tuple(res)
    return formula


# ---- reductions --------------------------------------------------------------------------------------

def _in_shape(c, k=0):
    return c.extra["in"][k][0]


def _dims(dim, ndim):
    """The reduced dims, wrapped and sorted (all of them for None or ())."""
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return list(range(ndim))
    if isinstance(dim, int):
        dim = [dim]
    n = max(ndim, 1)
    return sorted({d % n for d in dim}) if ndim else []


def _reduced_arg(c, pos, name, default):
    if len(c.args) > pos:
        return c.args[pos]
    return c.kwargs.get(name, default)


def _expand_back(g, shape, dims, keepdim):
    """A reduction's gradient (or output) broadcast back over the reduced dims."""
    if not keepdim and len(shape):
        for d in dims:
            g = g.unsqueeze(d)
    return g.expand(*shape) if len(shape) else g.reshape(())


def _reduction(c, g, dim_default=None):
    shape = _in_shape(c)
    dims = _dims(_reduced_arg(c, 1, "dim", dim_default), len(shape))
    keep = _reduced_arg(c, 2, "keepdim", False)
    return shape, dims, keep


def _sum_grad(c, g):
    shape, dims, keep = _reduction(c, g)
    return (_expand_back(g, shape, dims, keep),)


def _mean_grad(c, g):
    shape, dims, keep = _reduction(c, g)
    count = math.prod(shape[d] for d in dims) if shape else 1
    return (_expand_back(g, shape, dims, keep) / max(count, 1),)


def _prod_grad(c, g):
    x = _s(c, 0)
    shape, dims, keep = _reduction(c, g)
    # prod of all the others, exactly (zeros included): exclusive products from both ends.
    if len(dims) != 1 or not shape:
        flat = x.reshape(-1)
        gx = _exclusive_prod(flat, 0)
        ge = _expand_back(g, shape, dims, keep) if shape else g
        return ((ge.reshape(-1) * gx).reshape(shape),)
    d = dims[0]
    return (_expand_back(g, shape, dims, keep) * _exclusive_prod(x, d),)


def _exclusive_prod(x, d):
    n = x.shape[d]
    if n == 0:
        return x
    ones = R.ones_like(x.narrow(d, 0, 1))
    before = R.cat([ones, x.narrow(d, 0, n - 1).cumprod(d)], d) if n > 1 else ones
    after = R.cat([x.narrow(d, 1, n - 1).flip([d]).cumprod(d).flip([d]), ones], d) if n > 1 else ones
    return before * after


def _extreme_grad(c, g):
    x = _s(c, 0)
    shape, dims, keep = _reduction(c, g, ())
    out = _expand_back(_out(c), shape, dims, keep)
    mask = (x == out) | (x.isnan() & out.isnan())
    mask = mask.to(g.dtype)
    return (_expand_back(g, shape, dims, keep) * mask / mask.sum(dims, keepdim=True),)


def _full_extreme_grad(c, g):
    x = _s(c, 0)
    mask = ((x == _out(c)) | (x.isnan() & _out(c).isnan())).to(g.dtype)
    return (g * mask / mask.sum(),)


def _indexed_grad(c, g, *_):
    """max/min/kthvalue/median along a dim: the gradient goes to the selected index."""
    shape = _in_shape(c)
    dim = _reduced_arg(c, 1, "dim", None)
    keep = _reduced_arg(c, 2, "keepdim", False)
    idx = saved_out(c, 1)
    if not shape:
        return (g,)
    d = dim % len(shape)
    if not keep:
        g, idx = g.unsqueeze(d), idx.unsqueeze(d)
    return (R.zeros(shape, dtype=g.dtype, device=g.device).scatter(d, idx, g),)


def _var_parts(c):
    from .._functional import _var_args

    dim, unbiased = _reduced_arg(c, 1, "dim", None), _reduced_arg(c, 2, "unbiased", None)
    keepdim = c.args[3] if len(c.args) > 3 else c.kwargs.get("keepdim", False)
    dim, keepdim, corr = _var_args("var", dim, unbiased, keepdim, c.kwargs.get("correction"))
    shape = _in_shape(c)
    dims = _dims(dim, len(shape))
    n = math.prod(shape[d] for d in dims) if shape else 1
    return shape, dims, keepdim, max(n - corr, 0)


def _var_grad(c, g):
    x = _s(c, 0)
    shape, dims, keep, denom = _var_parts(c)
    centered = x - x.mean(dims, keepdim=True) if shape else x - x
    return (_expand_back(g, shape, dims, keep) * 2 * centered / denom,)


def _std_grad(c, g):
    x = _s(c, 0)
    shape, dims, keep, denom = _var_parts(c)
    centered = x - x.mean(dims, keepdim=True) if shape else x - x
    return (_expand_back(g, shape, dims, keep) * centered / (denom * _expand_back(_out(c), shape, dims, keep)),)


def _logsumexp_grad(c, g):
    x = _s(c, 0)
    shape, dims, keep = _reduction(c, g)
    return (_expand_back(g, shape, dims, keep) * (x - _expand_back(_out(c), shape, dims, keep)).exp(),)


def _norm_grad(c, g):
    x = _s(c, 0)
    p = _reduced_arg(c, 1, "p", "fro")
    shape = _in_shape(c)
    dims = _dims(_reduced_arg(c, 2, "dim", None), len(shape))
    keep = _reduced_arg(c, 3, "keepdim", False)
    ge = _expand_back(g, shape, dims, keep)
    out = _expand_back(_out(c), shape, dims, keep)
    if p in ("fro", 2, 2.0):
        return (R.where(out == 0, 0.0, ge * x / out),)
    if p in (1, 1.0):
        return (ge * x.sign(),)
    if p == math.inf or p == -math.inf:
        a = x.abs()
        mask = (a == out).to(g.dtype)
        return (ge * x.sign() * mask / mask.sum(dims, keepdim=True),)
    if p == 0:
        return (_zeros(x),)
    return (R.where(out == 0, 0.0, ge * x * x.abs() ** (p - 2) / out ** (p - 1)),)


REDUCTIONS = {
    "sum": (lambda a, k: "SumBackward0" if _reduced_arg_raw(a, k, 1, "dim") is None else "SumBackward1", _sum_grad, ()),
    "mean": (lambda a, k: "MeanBackward0" if _reduced_arg_raw(a, k, 1, "dim") is None else "MeanBackward1",
             _mean_grad, ()),
    "prod": (lambda a, k: "ProdBackward0" if _reduced_arg_raw(a, k, 1, "dim") is None else "ProdBackward1",
             _prod_grad, (0,)),
    "amax": ("AmaxBackward0", _extreme_grad, (0, "out")),
    "amin": ("AminBackward0", _extreme_grad, (0, "out")),
    "var": ("VarBackward0", _var_grad, (0,)),
    "std": ("StdBackward0", _std_grad, (0, "out")),
    "logsumexp": ("LogsumexpBackward0", _logsumexp_grad, (0, "out")),
    "norm": ("NormBackward1", _norm_grad, (0, "out")),
}


def _reduced_arg_raw(args, kwargs, pos, name):
    return args[pos] if len(args) > pos else kwargs.get(name)


def _max_formula(is_max):
    def formula(c, g, *rest):
        other = c.args[1] if len(c.args) > 1 else c.kwargs.get("dim", c.kwargs.get("other"))
        if isinstance(other, Tensor):  # max(input, other): maximum
            return tuple(_maximum_grad(c, g, k == 0, is_max) if c.needs[k] else None for k in range(2))
        if other is None:
            return _full_extreme_grad(c, g)
        return _indexed_grad(c, g)
    return formula


def _max_name(is_max):
    base = "Max" if is_max else "Min"

    def name(args, kwargs):
        other = args[1] if len(args) > 1 else kwargs.get("dim", kwargs.get("other"))
        if isinstance(other, Tensor):
            return "MaximumBackward0" if is_max else "MinimumBackward0"
        return f"{base}Backward1" if other is None else f"{base}Backward0"
    return name


# ---- views and shape ---------------------------------------------------------------------------------

def _like_input(c, g):
    return (g.reshape(_in_shape(c)),)


def _permute_grad(c, g):
    dims = c.args[1:] if len(c.args) > 2 or (len(c.args) == 2 and isinstance(c.args[1], int)) else c.args[1]
    dims = [d % max(len(dims), 1) for d in dims]
    inverse = [0] * len(dims)
    for i, d in enumerate(dims):
        inverse[d] = i
    return (g.permute(*inverse),)


def _transpose_grad(c, g):
    return (g.transpose(c.args[1], c.args[2]),)


def _movedim_grad(c, g):
    return (g.movedim(c.args[2], c.args[1]),)


def _pad_back(c, g, d, start, length):
    """A slice's gradient placed back among zeros along d."""
    shape = list(_in_shape(c))
    parts = []
    if start:
        parts.append(R.zeros(shape[:d] + [start] + shape[d + 1:], dtype=g.dtype, device=g.device))
    parts.append(g)
    rest = shape[d] - start - length
    if rest:
        parts.append(R.zeros(shape[:d] + [rest] + shape[d + 1:], dtype=g.dtype, device=g.device))
    return R.cat(parts, d) if len(parts) > 1 else g


def _narrow_grad(c, g):
    shape = _in_shape(c)
    d = c.args[1] % len(shape)
    start = c.args[2] if not isinstance(c.args[2], Tensor) else int(c.args[2])
    start = start % shape[d] if start < 0 else start
    return (_pad_back(c, g, d, start, c.args[3]),)


def _select_grad(c, g):
    shape = _in_shape(c)
    d = c.args[1] % len(shape)
    i = c.args[2] % shape[d]
    return (_pad_back(c, g.unsqueeze(d), d, i, 1),)


def _flat_add(n, pos, vals):
    """zeros(n) with ``vals`` added at ``pos`` (1-D; repeated positions add up)."""
    z = R.zeros(n, dtype=vals.dtype, device=vals.device)
    if vals.numel() == 0:
        return z
    if vals.dtype is R.float64 and vals.device.type == "wgpu":
        # WGSL has no 64-bit atomics: sort the positions, sum each run of equal ones by prefix sums,
        # and write each run's sum once (an assignment scatter).
        p, order = R.sort(pos)
        prefix = R.cat([R.zeros(1, dtype=vals.dtype, device=vals.device), vals.index_select(0, order).cumsum(0)])
        last = R.ones(p.shape[0], dtype=R.bool, device=p.device)
        if p.shape[0] > 1:
            last[:-1] = p[1:] != p[:-1]
        ends = last.nonzero().reshape(-1)
        starts = R.cat([R.zeros(1, dtype=R.int64, device=p.device), ends[:-1] + 1])
        return z.scatter(0, p.index_select(0, ends), prefix.index_select(0, ends + 1) - prefix.index_select(0, starts))
    return z.scatter_add(0, pos, vals)


def _getitem_grad(c, g):
    """Every element of the result came from one position of the input: the positions are the input's
    flat indices put through the same index, and the gradient is added at them (repeats add up)."""
    shape = _in_shape(c)
    n = math.prod(shape)
    positions = R.arange(n, device=g.device).reshape(shape)[c.args[1]]
    return (_flat_add(n, positions.reshape(-1), g.reshape(-1)).reshape(shape),)


def _diagonal_grad(c, g):
    shape = _in_shape(c)
    off = _reduced_arg(c, 1, "offset", 0)
    d1 = _reduced_arg(c, 2, "dim1", 0) % len(shape)
    d2 = _reduced_arg(c, 3, "dim2", 1) % len(shape)
    n = math.prod(shape)
    positions = R.arange(n, device=g.device).reshape(shape).diagonal(off, d1, d2)
    return (_flat_add(n, positions.reshape(-1), g.reshape(-1)).reshape(shape),)


def _as_strided_grad(c, g):
    """Each output element read the input's storage at one offset: the gradient is added at those
    offsets of a storage-sized buffer, then read at the input's own offsets."""
    x = _s(c, 0)
    size, stride = list(c.args[1]), list(c.args[2])
    offset = c.args[3] if len(c.args) > 3 and c.args[3] is not None else x.storage_offset()
    span = lambda sh, st, o: o + sum((s - 1) * abs(t) for s, t in zip(sh, st) if s > 0) + 1  # noqa: E731
    n = max(span(size, stride, offset), span(list(x.shape), list(x.stride()), x.storage_offset()))
    cells = R.arange(n, device=g.device)
    out_pos = cells.as_strided(size, stride, offset).reshape(-1)
    in_pos = cells.as_strided(list(x.shape), list(x.stride()), x.storage_offset()).reshape(-1)
    buf = _flat_add(n, out_pos, g.reshape(-1))
    if _overlaps(x.shape, x.stride()):
        # The input reads some storage cells several times (an expanded input): each read gets its
        # share of the cell's gradient, as in PyTorch's as_strided_backward.
        reads = _flat_add(n, in_pos, R.ones(in_pos.shape, dtype=g.dtype, device=g.device))
        buf = buf / reads.clamp(min=1)
    return (buf.index_select(0, in_pos).reshape(x.shape),)


def _overlaps(shape, stride):
    """Whether a geometry reads some storage cell twice (PyTorch's maybe-overlapping test: each dim's
    stride, in increasing order, must exceed the reach of the smaller ones)."""
    reach = 0
    for st, size in sorted((abs(t), s) for s, t in zip(shape, stride) if s > 1):
        if st <= reach:
            return True
        reach += (size - 1) * st
    return False


def _to_grad(c, g):
    shape, dtype = c.extra["in"][0]
    return (g.to(dtype=_DT[dtype], device=c.extra["device"]),)


def _cat_grad(c, g):
    shapes = [m[0] for m in c.extra["in"]]
    dim = _reduced_arg(c, 1, "dim", 0)
    nd = max(len(s) for s in shapes)
    d = dim % nd
    out, start = [], 0
    for sh in shapes:
        if len(sh) == 1 and sh[0] == 0 and nd > 1:  # legacy: empty 1-D inputs are skipped
            out.append(None)
            continue
        out.append(g.narrow(d, start, sh[d]))
        start += sh[d]
    return tuple(out)


def _stack_grad(c, g):
    dim = _reduced_arg(c, 1, "dim", 0)
    d = dim % g.dim()
    return tuple(g.select(d, i) for i in range(len(c.extra["in"])))


def _flip_grad(c, g):
    return (g.flip(_reduced_arg(c, 1, "dims", None)),)


def _tril_grad(c, g):
    return (g.tril(_reduced_arg(c, 1, "diagonal", 0)),)


def _triu_grad(c, g):
    return (g.triu(_reduced_arg(c, 1, "diagonal", 0)),)


def _repeat_grad(c, g):
    shape = list(_in_shape(c))
    reps = c.args[1:] if len(c.args) > 2 or isinstance(c.args[1], int) else list(c.args[1])
    reps = list(reps)
    shape = [1] * (len(reps) - len(shape)) + shape
    split = []
    for r, s in zip(reps, shape):
        split += [r, s]
    summed = g.reshape(split).sum(list(range(0, 2 * len(reps), 2))) if split else g
    return (summed.reshape(_in_shape(c)),)


def _bmm_grad(c, g):
    a, b = _s(c, 0), _s(c, 1)
    return (g.bmm(b.transpose(1, 2)) if c.needs[0] else None, a.transpose(1, 2).bmm(g) if c.needs[1] else None)


# ---- selection, index and scan ops -------------------------------------------------------------------

def _where_grad(c, g):
    cond = _s(c, 0)
    res = [None]
    for k, pick in ((1, True), (2, False)):
        if c.extra["tensor_args"][k]:
            res.append((R.where(cond, g, 0.0) if pick else R.where(cond, 0.0, g)) if c.needs[len(res)] else None)
    return tuple(res)


def _clamp_grad(c, g):
    x = _s(c, 0)
    lo = _reduced_arg(c, 1, "min", None)
    hi = _reduced_arg(c, 2, "max", None)
    lo = _s(c, 1) if isinstance(lo, Tensor) else lo
    hi = _s(c, 2) if isinstance(hi, Tensor) else hi
    keep = R.ones_like(x, dtype=R.bool)
    if lo is not None:
        keep = keep & (x >= lo)
    if hi is not None:
        keep = keep & (x <= hi)
    res = [g * keep]
    if isinstance(lo, Tensor):
        res.append(g * (x < lo) if hi is None else g * ((x < lo) & (lo <= hi)))
    if isinstance(hi, Tensor):
        res.append(g * (x > hi) if lo is None else g * ((x > hi) | (lo > hi)))
    return tuple(res)


def _lerp_grad(c, g):
    a, b = _s(c, 0), _s(c, 1)
    w = _arg(c, 2) if len(c.args) > 2 else c.kwargs["weight"]
    res = [g * (1 - w), g * w]
    if isinstance(w, Tensor):
        res.append(g * (b - a))
    return tuple(res)


def _addcmul_grad(c, g):
    v = c.kwargs.get("value", 1)
    t1, t2 = _s(c, 1), _s(c, 2)
    return (g, g * v * t2, g * v * t1)


def _addcdiv_grad(c, g):
    v = c.kwargs.get("value", 1)
    t1, t2 = _s(c, 1), _s(c, 2)
    return (g, g * v / t2, -g * v * t1 / (t2 * t2))


def _positions_grad(c, g, pick):
    """The gradient of an op that reads input elements (some several times): ``pick`` applied to the
    input's flat positions names the element each output read."""
    shape = _in_shape(c)
    n = math.prod(shape)
    positions = pick(R.arange(n, device=g.device).reshape(shape))
    return _flat_add(n, positions.reshape(-1), g.reshape(-1)).reshape(shape)


def _gather_grad(c, g):
    d, idx = c.args[1], _s(c, 2)
    return (_positions_grad(c, g, lambda p: p.gather(d, idx)), None)


def _index_select_grad(c, g):
    d, idx = c.args[1], _s(c, 2)
    return (_positions_grad(c, g, lambda p: p.index_select(d, idx)), None)


def _masked_fill_grad(c, g):
    mask = _s(c, 1)
    res = [g.masked_fill(mask, 0.0), None]
    if c.extra["tensor_args"][2]:
        res.append(R.where(mask, g, 0.0).sum() if c.needs[2] else None)
    return tuple(res)


def _masked_select_grad(c, g):
    mask = _s(c, 1)
    shape = _in_shape(c)
    z = R.zeros(shape, dtype=g.dtype, device=g.device)
    return (z.masked_scatter(mask.expand(*shape) if tuple(mask.shape) != tuple(shape) else mask, g), None)


def _scatter_grad(c, g):
    d, idx = c.args[1], _s(c, 2)
    res = [g.scatter(d, idx, 0.0), None]
    if c.extra["tensor_args"][3]:
        res.append(g.gather(d, idx) if c.needs[2] else None)
    return tuple(res)


def _scatter_add_grad(c, g):
    d, idx = c.args[1], _s(c, 2)
    return (g, None, g.gather(d, idx))


def _cumsum_grad(c, g):
    d = _reduced_arg(c, 1, "dim", None)
    return (g.flip([d]).cumsum(d).flip([d]),)


def _cumprod_grad(c, g):
    """Exact with zeros: before a row's first zero, (reverse cumsum of g * out) / x; at the first zero,
    the reverse cumsum of g times the products that skip it; after it, nothing reaches the input."""
    x = _s(c, 0)
    d = _reduced_arg(c, 1, "dim", None)
    if x.dim() == 0:
        return (g,)
    rev = lambda t: t.flip([d]).cumsum(d).flip([d])  # noqa: E731
    zeros = (x == 0).to(R.int64).cumsum(d)
    before = zeros == 0
    first = (zeros == 1) & (x == 0)
    out = _out(c)
    part = R.where(before, rev(g * out) / R.where(before, x, 1.0), 0.0)
    skip = R.where(first, 1.0, x).cumprod(d)
    at_zero = rev(g * skip * (zeros >= 1))
    return (part + R.where(first, at_zero, 0.0),)


def _sorted_values_grad(c, g, *rest):
    """sort / topk: the values' gradient goes back to where each value came from."""
    d = _reduced_arg(c, 1, "dim", -1) if c.extra["op"] == "sort" else _reduced_arg(c, 2, "dim", -1)
    idx = saved_out(c, 1)
    shape = _in_shape(c)
    if not shape:
        return (g,)
    z = R.zeros(shape, dtype=g.dtype, device=g.device)
    return (z.scatter(d, idx, g),)


def _median_grad(c, g, *rest):
    """median(): shared evenly among the elements equal to it (PyTorch's rule); median(dim): to the
    index it returned."""
    if _reduced_arg(c, 1, "dim", None) is None:
        return _full_extreme_grad(c, g)
    return _indexed_grad(c, g)


def _kth_grad(c, g, *rest):
    shape = _in_shape(c)
    idx = saved_out(c, 1)
    if not shape:
        return (g,)
    d = _reduced_arg(c, 2, "dim", -1) % len(shape)
    keep = _reduced_arg(c, 3, "keepdim", False)
    if not keep:
        g, idx = g.unsqueeze(d), idx.unsqueeze(d)
    return (R.zeros(shape, dtype=g.dtype, device=g.device).scatter(d, idx, g),)
