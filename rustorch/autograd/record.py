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

from .._tensor import _GRAD, GradTensor, Tensor, _wrap
from .graph import Ctx, edge, grad_accumulator, node_class

_new = object.__new__
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
        if a.__class__ in _GRAD and (a._fn is not None or a._rg):
            return True
        if isinstance(a, (list, tuple)):
            for x in a:
                if x.__class__ in _GRAD and (x._fn is not None or x._rg):
                    return True
    for a in kwargs.values():
        if a.__class__ in _GRAD and (a._fn is not None or a._rg):
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


_NONE = (None, 0)  # the edge of an input that needs no grad


def record(name, formula, args, kwargs, result, save=(), extra=None, cls=None):
    """Attaches a ``name`` node computing ``formula`` to ``result`` (a tensor or a tuple of them).
    ``name`` may be a function of (args, kwargs) (ops whose node name depends on the call); ``cls``, the
    node class when the caller has it already. (The per-op cost of autograd: one pass over the
    arguments, plain loops, no generator expressions.)"""
    if cls is None:
        cls = node_class(name(args, kwargs) if callable(name) else name)
    nxt, meta, kept, is_t, versions, needs = [], [], [], [], [], []
    first = None
    for i, a in enumerate(args):
        if isinstance(a, _T):
            is_t.append(True)
            if i in save:
                kept.append(a)
                versions.append(a._c.version)
            else:
                kept.append(None)
                versions.append(0)
            items = (a,)
        else:
            is_t.append(False)
            kept.append(a)
            versions.append(0)
            if a.__class__ is not list and a.__class__ is not tuple:
                continue
            items = a
        for t in items:
            if not isinstance(t, _T):
                continue
            if first is None:
                first = t
            c = t._c
            meta.append((c.shape, c.dtype))
            if t.__class__ in _GRAD:
                fn = t._fn
                if fn is not None:
                    nxt.append((fn, t._out))
                    needs.append(True)
                    continue
                if t._rg:
                    acc = t._acc
                    nxt.append((acc if acc is not None else grad_accumulator(t), 0))
                    needs.append(True)
                    continue
            nxt.append(_NONE)
            needs.append(False)
    if kwargs:
        for t in kwargs.values():
            if isinstance(t, _T):
                if first is None:
                    first = t
                c = t._c
                meta.append((c.shape, c.dtype))
                e = edge(t)
                nxt.append(e)
                needs.append(e[0] is not None)
    node = _new(cls)
    node._next = nxt
    node._meta = meta
    node._formula = formula
    node._pre = node._retain = node._hooks = None
    single = not isinstance(result, tuple)
    outs = (result,) if single else result
    node._nout = len(outs)
    ctx = _new(Ctx)
    ctx.args = kept = tuple(kept)
    if save:
        ctx._saved = kept
        ctx._versions = versions
    else:
        ctx._saved = ctx._versions = ()
    ctx.kwargs = kwargs
    ctx.needs = needs
    ctx.node = None
    x = {"in": meta, "tensor_args": is_t}
    if not single:
        x["outs"] = [(tuple(o.shape), o.dtype, o.device) if isinstance(o, _T) else None for o in outs]
    if extra:
        x.update(extra)
        if "device" in extra:
            x["device"] = first.device
        if extra.get("view"):
            # The tensor whose memory this view looks into (a view of a view: the first one's base),
            # for in-place ops on the view (install._rebase).
            fn = first._fn if first.__class__ in _GRAD else None
            fctx = fn.ctx if fn is not None else None
            ref = fctx.extra.get("base") if fctx.__class__ is Ctx else None  # (operator nodes hold a tuple)
            base = ref() if ref is not None else None
            x["base"] = weakref.ref(base if base is not None else first)
    if save and "out" in save:
        if single:
            c = result._c
            x["out"] = ((c, c.version),)
        else:
            x["out"] = [(o._c, o._c.version) if isinstance(o, _T) else None for o in outs]
    ctx.extra = x
    node.ctx = ctx
    nr = 0
    for o in outs:
        if isinstance(o, _T) and o._c.dtype in _FLOATS:
            o.__class__ = GradTensor
            o._fn = node
            o._out = nr
            o._rg = False
            o._g = None
            o._hooks = None
            o._acc = None
        nr += 1
    return result


def tracked(args, kwargs):
    """Whether a call must be recorded: grad mode on and an argument (or a tensor in a list argument)
    requires grad. One pass over the arguments' classes; every recorded or guarded entry point pays
    this, on plain tensors too."""
    for a in args:
        cls = a.__class__
        if cls in _GRAD:
            if a._fn is not None or a._rg:
                return _state.enabled
        elif cls is list or cls is tuple:
            for x in a:
                if x.__class__ in _GRAD and (x._fn is not None or x._rg):
                    return _state.enabled
    if kwargs:
        for a in kwargs.values():
            if a.__class__ in _GRAD and (a._fn is not None or a._rg):
                return _state.enabled
    return False


def recorded(name, impl, formula, save=(), extra=None):
    """``impl`` wrapped: recorded as a ``name`` node when grad mode is on and an argument requires grad."""
    cls = None if callable(name) else node_class(name)

    def call(*args, **kwargs):
        if not tracked(args, kwargs):
            return impl(*args, **kwargs)
        if kwargs and kwargs.get("out") is not None:
            raise RuntimeError(f"{getattr(impl, '__name__', name)}(): functions with out=... arguments don't support "
                               "automatic differentiation, but one of the arguments requires grad.")
        _state.enabled = False
        try:
            result = impl(*args, **kwargs)
        finally:
            _state.enabled = True
        for a in args:
            if result is a:
                return result  # the op returned its input itself (contiguous() of a contiguous tensor)
        return record(name, formula, args, kwargs, result, save, extra, cls)

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
