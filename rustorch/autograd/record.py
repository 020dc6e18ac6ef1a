"""Recording ops: the wrapper every differentiable entry point is replaced by.

``recorded(name, impl, formula, save)`` returns a function that calls ``impl`` unchanged when grad mode is
off or no argument requires grad (one pass over the arguments), and otherwise runs ``impl`` without
recording, then makes its floating outputs ``GradTensor``s whose ``grad_fn`` is a new ``name`` node. The
node keeps the arguments the formula needs (``save``: positions, or ``"out"`` for the outputs) with their
versions; the others are dropped, so the graph holds no more than the derivative uses.

``formula(ctx, *grads)`` returns one gradient (or None) per tensor argument, in order: positional
arguments (tensors inside list arguments in their places), then keyword arguments.
"""

import functools
import weakref

from .._tensor import GradTensor, Tensor, _wrap
from .graph import Ctx, grad_accumulator, node_class
from .grad_mode import _state

_T = Tensor


def _tensors(args, kwargs):
    """The tensor arguments in order (list arguments flattened)."""
    out = []
    for a in args:
        if isinstance(a, _T):
            out.append(a)
        elif isinstance(a, (list, tuple)):
            out.extend(x for x in a if isinstance(x, _T))
    for a in kwargs.values():
        if isinstance(a, _T):
            out.append(a)
    return out


def _needs(args, kwargs):
    for a in args:
        if a.__class__ is GradTensor and (a._fn is not None or a._rg):
            return True
        if isinstance(a, (list, tuple)):
            for x in a:
                if x.__class__ is GradTensor and (x._fn is not None or x._rg):
                    return True
    for a in kwargs.values():
        if a.__class__ is GradTensor and (a._fn is not None or a._rg):
            return True
    return False


def make_output(t, node, nr):
    """``t`` becomes output ``nr`` of ``node``."""
    t.__class__ = GradTensor
    t._fn = node
    t._out = nr
    t._rg = False
    t._g = None
    t._hooks = None
    t._acc = None
    return t


_FLOATS = frozenset(("float32", "float64", "float16", "bfloat16"))


def record(name, formula, args, kwargs, result, save=(), extra=None):
    """Attaches a ``name`` node computing ``formula`` to ``result`` (a tensor or a tuple of them).
    ``name`` may be a function of (args, kwargs) (ops whose node name depends on the call).
    (The per-op cost of autograd: kept to plain loops and native fields.)"""
    tin = _tensors(args, kwargs)
    if callable(name):
        name = name(args, kwargs)
    node = node_class(name)()
    nxt, meta = [], []
    for t in tin:
        c = t._c
        meta.append((c.shape, c.dtype))
        if t.__class__ is GradTensor:
            fn = t._fn
            if fn is not None:
                nxt.append((fn, t._out))
            elif t._rg:
                nxt.append((grad_accumulator(t), 0))
            else:
                nxt.append((None, 0))
        else:
            nxt.append((None, 0))
    node._next = nxt
    node._meta = meta
    node._formula = formula
    node._pre = node._retain = node._hooks = None
    single = not isinstance(result, tuple)
    outs = (result,) if single else result
    node._nout = len(outs)
    ctx = Ctx()
    if save:
        keep = set(save)
        ctx.args = tuple(a if i in keep or not isinstance(a, _T) else None for i, a in enumerate(args))
        ctx._saved = [a if i in keep else None for i, a in enumerate(args)]
        ctx._versions = [a._version if i in keep and isinstance(a, _T) else 0 for i, a in enumerate(args)]
    else:
        ctx.args = tuple(None if isinstance(a, _T) else a for a in args)
        ctx._saved = ctx._versions = ()
    ctx.kwargs = kwargs
    ctx.needs = tuple(e[0] is not None for e in nxt)
    ctx.node = None
    x = {"in": meta, "tensor_args": tuple(isinstance(a, _T) for a in args)}
    if not single:
        x["outs"] = [(tuple(o.shape), o.dtype, o.device) if isinstance(o, _T) else None for o in outs]
    if extra:
        x.update(extra)
        if "device" in extra:
            x["device"] = tin[0].device
        if extra.get("view"):
            # The tensor whose memory this view looks into (a view of a view: the first one's base),
            # for in-place ops on the view (install._rebase).
            src = tin[0]
            fn = src._fn if src.__class__ is GradTensor else None
            fctx = fn.ctx if fn is not None else None
            ref = fctx.extra.get("base") if fctx.__class__ is Ctx else None  # (operator nodes hold a tuple)
            base = ref() if ref is not None else None
            x["base"] = weakref.ref(base if base is not None else src)
    if save and "out" in save:
        x["out"] = [(o._c, o._version) if isinstance(o, _T) else None for o in outs]
    ctx.extra = x
    node.ctx = ctx
    for nr, o in enumerate(outs):
        if isinstance(o, _T) and o._c.dtype in _FLOATS:
            make_output(o, node, nr)
    return result


def tracked(args, kwargs):
    """Whether a call must be recorded: grad mode on and an argument requires grad. The common case,
    no GradTensor and no sequence that may hold one among the arguments, is one pass over their
    classes (every recorded or guarded entry point pays this on plain tensors)."""
    for a in args:
        cls = a.__class__
        if cls is GradTensor or cls is list or cls is tuple:
            break
    else:
        if not kwargs or not _needs((), kwargs):
            return False
    return _state.enabled and _needs(args, kwargs)


def recorded(name, impl, formula, save=(), extra=None):
    """``impl`` wrapped: recorded as a ``name`` node when grad mode is on and an argument requires grad."""

    def call(*args, **kwargs):
        if not tracked(args, kwargs):
            return impl(*args, **kwargs)
        if kwargs.get("out") is not None:
            raise RuntimeError(f"{getattr(impl, '__name__', name)}(): functions with out=... arguments don't support "
                               "automatic differentiation, but one of the arguments requires grad.")
        _state.enabled = False
        try:
            result = impl(*args, **kwargs)
        finally:
            _state.enabled = True
        if any(result is a for a in args):
            return result  # the op returned its input itself (contiguous() of a contiguous tensor)
        return record(name, formula, args, kwargs, result, save, extra)

    functools.update_wrapper(call, impl)  # name, docstring, module (doctests find it), __wrapped__
    return call


def saved_out(ctx, k=0):
    """Output ``k`` of the node, as the formula may use it (with its grad_fn when recording a backward)."""
    c, version = ctx.extra["out"][k]
    if c.version != version:
        raise RuntimeError(
            "one of the variables needed for gradient computation has been modified by an inplace operation: "
            f"output {k} of {type(ctx.node).__name__} is at version {c.version}; expected version {version} instead.")
    t = _wrap(c)
    if _state.enabled and ctx.node is not None and t.dtype.is_floating_point:
        make_output(t, ctx.node, k)
    return t
