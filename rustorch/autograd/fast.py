"""The hot path of recording: the arithmetic operators of ``GradTensor`` (``+ - * /`` and their reflected
forms), the ops of every training step. They record inline, in one function per operator, with a node
class of their own whose ``apply`` computes the gradients directly (native calls when the backward pass
is not itself recorded), instead of going through the generic ``record.recorded`` wrapper and a formula
table. Semantics are the generic path's and PyTorch's: a Python number operand is a 0-d tensor that
needs no grad (an edge ``(None, 0)``), ``1 - x`` is ``RsubBackward1`` and ``2 / x`` is
``reciprocal(x) * 2``; saved operands are checked against their versions when backward reads them.
"""

from .. import _C
from .._tensor import _GRAD, BINARY_CODE, GradTensor, Tensor, _NUMBER, _binary, _new, _other
from .graph import _FREED, Ctx, Node, grad_accumulator
from .grad_mode import _state

_ADD, _SUB, _MUL, _DIV = (BINARY_CODE[n] for n in ("add", "sub", "mul", "div"))


def _edge(t):
    """Where a gradient for ``t`` goes, and its (shape, dtype) for the engine's fitting."""
    c = t._c
    meta = (c.shape, c.dtype)
    if t.__class__ in _GRAD:
        fn = t._fn
        if fn is not None:
            return (fn, t._out), meta
        if t._rg:
            acc = t._acc
            return (acc if acc is not None else grad_accumulator(t), 0), meta
    return (None, 0), meta


def _needs(t):
    return t.__class__ in _GRAD and (t._fn is not None or t._rg)


def _output(c, node):
    t = _new(GradTensor)
    t._c = c
    t._fn = node
    t._out = 0
    t._rg = False
    t._g = None
    t._hooks = None
    t._acc = None
    return t


def _plain(c):
    t = _new(Tensor)
    t._c = c
    return t


def _saved(t, version, node):
    """A saved operand, checked against the version it had when the op ran."""
    if t._c.version != version:
        ctx = Ctx()
        ctx._saved, ctx._versions, ctx.node = [t], [version], node
        ctx.saved(0)  # raises PyTorch's error
    return t


class _Fast(Node):
    """A node recorded by an operator. ``ctx`` holds what its gradient needs (a tuple), None once freed."""

    __slots__ = ()

    def apply(self, grads):
        ctx = self.ctx
        if ctx is None:
            raise RuntimeError(_FREED)
        return self._grads(ctx, grads[0])


def _mul(g, x):
    """g * x: native when the backward pass is not recorded (x is a tensor or a number)."""
    if _state.enabled:
        return g * x
    return _plain(_binary(_MUL, g._c, x._c if isinstance(x, Tensor) else x))


def _div(g, x):
    if _state.enabled:
        return g / x
    return _plain(_binary(_DIV, g._c, x._c if isinstance(x, Tensor) else x))


class AddBackward0(_Fast):
    __slots__ = ()

    def _grads(self, ctx, g):
        return (g, g)


class SubBackward0(_Fast):
    __slots__ = ()

    def _grads(self, ctx, g):
        # ctx: (whether the second operand's gradient is wanted,)
        return (g, -g if ctx[0] else None)


class RsubBackward1(_Fast):
    __slots__ = ()

    def _grads(self, ctx, g):
        return (-g,)


class MulBackward0(_Fast):
    __slots__ = ()

    def _grads(self, ctx, g):
        # ctx: (a, version of a, b, version of b); a tensor operand not needing grad is saved only as the
        # other's factor, a number is saved as itself (version None).
        a, va, b, vb = ctx
        (ea, _), (eb, _) = self._next
        ga = gb = None
        if ea is not None:
            ga = _mul(g, b if vb is None else _saved(b, vb, self))
        if eb is not None:
            gb = _mul(g, a if va is None else _saved(a, va, self))
        return (ga, gb)


class DivBackward0(_Fast):
    __slots__ = ()

    def _grads(self, ctx, g):
        a, va, b, vb = ctx
        (ea, _), (eb, _) = self._next
        ga = gb = None
        if vb is not None:
            b = _saved(b, vb, self)
        if ea is not None:
            ga = _div(g, b)
        if eb is not None:
            a = _saved(a, va, self)
            gb = -g * a / (b * b)
        return (ga, gb)


_NONE = (None, 0)  # the edge of an operand that needs no grad


def _binary_op(code, cls, saves, plain_forward):
    """``self (op) other`` for GradTensor ``self``; ``saves``: the node keeps the operands (mul, div).
    (The edges are worked out inline: this is the cost of every recorded ``+ - * /``.)"""

    def forward(self, other):
        if not _state.enabled:
            return plain_forward(self, other)
        ocls = other.__class__
        fn = self._fn
        if fn is not None:
            e1 = (fn, self._out)
        elif self._rg:
            acc = self._acc
            e1 = (acc if acc is not None else grad_accumulator(self), 0)
        else:
            e1 = _NONE
        if ocls in _GRAD or ocls is Tensor:
            e2 = _NONE
            if ocls in _GRAD:
                fn = other._fn
                if fn is not None:
                    e2 = (fn, other._out)
                elif other._rg:
                    acc = other._acc
                    e2 = (acc if acc is not None else grad_accumulator(other), 0)
            if e1 is _NONE and e2 is _NONE:
                return plain_forward(self, other)
            sc = self._c
            oc = other._c
            c = _binary(code, sc, oc)
            node = _new(cls)
            node._next = (e1, e2)
            node._meta = ((sc.shape, sc.dtype), (oc.shape, oc.dtype))
            if saves:
                node.ctx = (self, sc.version, other, oc.version)
            else:
                node.ctx = (e2 is not _NONE,)
        else:
            o = other if ocls in _NUMBER else _other(other)
            if o is NotImplemented:
                return o
            if e1 is _NONE:
                return plain_forward(self, other)
            sc = self._c
            c = _binary(code, sc, o)
            node = _new(cls)
            node._next = (e1, _NONE)
            node._meta = ((sc.shape, sc.dtype), None)
            node.ctx = (self, sc.version, o, None) if saves else (False,)
        node._pre = node._retain = node._hooks = None
        node._nout = 1
        return _output(c, node)

    forward.__name__ = plain_forward.__name__
    forward.__doc__ = plain_forward.__doc__
    return forward


def _reflected(code, cls, saves, plain_reflected):
    """``other (op) self`` where ``other`` is not a GradTensor (a number or a plain tensor)."""

    def reflected(self, other):
        if not _state.enabled or not _needs(self):
            return plain_reflected(self, other)
        if other.__class__ is Tensor:
            c = _binary(code, other._c, self._c)
            e2, m2 = _edge(self)
            c_other = other._c
            node = _new(cls)
            node._next = ((None, 0), e2)
            node._meta = ((c_other.shape, c_other.dtype), m2)
            node.ctx = (other, c_other.version, self, self._c.version) if saves else (True,)
        else:
            o = other if other.__class__ in _NUMBER else _other(other)
            if o is NotImplemented:
                return o
            # A number: the op commutes (add, mul), recorded as ``self (op) number`` as PyTorch does.
            c = _binary(code, o, self._c)
            e1, m1 = _edge(self)
            node = _new(cls)
            node._next = (e1, (None, 0))
            node._meta = (m1, None)
            node.ctx = (self, self._c.version, o, None) if saves else (False,)
        node._pre = node._retain = node._hooks = None
        node._nout = 1
        return _output(c, node)

    reflected.__name__ = plain_reflected.__name__
    return reflected


def _rsub(self, other):
    if other.__class__ is Tensor:
        return _REFLECTED_SUB(self, other)  # plain - grad: SubBackward0, as PyTorch records it
    if not _state.enabled or not _needs(self):
        return Tensor.__rsub__(self, other)
    o = other if other.__class__ in _NUMBER else _other(other)
    if o is NotImplemented:
        return o
    c = _binary(_SUB, o, self._c)
    e, m = _edge(self)
    node = _new(RsubBackward1)
    node._next = (e,)
    node._meta = (m,)
    node.ctx = (True,)
    node._pre = node._retain = node._hooks = None
    node._nout = 1
    return _output(c, node)


def _rtruediv(self, other):
    if not _state.enabled or not _needs(self):
        return Tensor.__rtruediv__(self, other)
    if other.__class__ is Tensor:
        return _REFLECTED_DIV(self, other)
    return self.reciprocal() * other  # as PyTorch records it: MulBackward0 of ReciprocalBackward0


_REFLECTED_SUB = _reflected(_SUB, SubBackward0, False, Tensor.__rsub__)
_REFLECTED_DIV = _reflected(_DIV, DivBackward0, True, Tensor.__rtruediv__)


class SumBackward0(_Fast):
    __slots__ = ()

    def _grads(self, ctx, g):
        # ctx: (input shape, 1 for sum or the element count for mean)
        shape, n = ctx
        if _state.enabled:
            g = g.expand(shape)
            return (g / n if n != 1 else g,)
        c = g._c.expand(list(shape))
        return (_plain(_binary(_DIV, c, n) if n != 1 else c),)


class MeanBackward0(SumBackward0):
    __slots__ = ()


_REDUCE = _C.reduce


def _whole(name, cls, generic):
    """``t.sum()`` / ``t.mean()`` over every element (a loss): recorded inline."""

    def reduce(self, *args, **kwargs):
        if args or kwargs or not _state.enabled:
            return generic(self, *args, **kwargs)
        if not _needs(self):
            return generic(self)
        e, meta = _edge(self)
        sc = self._c
        c = _REDUCE(name, sc, None, False, None, 1.0, False)
        node = _new(cls)
        node._next = (e,)
        node._meta = (meta,)
        shape = meta[0]
        node.ctx = (shape, 1 if cls is SumBackward0 else max(sc.numel(), 1) if shape else 1)
        node._pre = node._retain = node._hooks = None
        node._nout = 1
        return _output(c, node)

    reduce.__name__ = generic.__name__
    reduce.__doc__ = generic.__doc__
    return reduce


class MmBackward0(_Fast):
    __slots__ = ()

    def _grads(self, ctx, g):
        # ctx: (a, version of a, b, version of b); d(a @ b) = (g @ b^T, a^T @ g)
        a, va, b, vb = ctx
        (ea, _), (eb, _) = self._next
        ga = gb = None
        if _state.enabled:
            if ea is not None:
                ga = g @ _saved(b, vb, self).mT
            if eb is not None:
                gb = _saved(a, va, self).mT @ g
            return (ga, gb)
        gc = g._c.unsqueeze(0)
        if ea is not None:
            ga = _plain(_BMM(gc, _saved(b, vb, self)._c.transpose(0, 1).unsqueeze(0)).squeeze([0]))
        if eb is not None:
            gb = _plain(_BMM(_saved(a, va, self)._c.transpose(0, 1).unsqueeze(0), gc).squeeze([0]))
        return (ga, gb)


_BMM = _C.bmm
_MM_DTYPES = frozenset(("float32", "float64", "float16", "bfloat16"))


def _matmul(generic):
    """``a @ b`` of two matrices of one float dtype and device (a layer's product): recorded inline;
    every other case (vectors, batches, mixed dtypes, errors) through the general matmul."""

    def matmul(self, other):
        ocls = other.__class__
        if not _state.enabled or not (ocls in _GRAD or ocls is Tensor):
            return generic(self, other)
        sc, oc = self._c, other._c
        sa, sb = sc.shape, oc.shape
        if not (len(sa) == 2 and len(sb) == 2 and sa[1] == sb[0] and sa[0] and sb[1] and sa[1]
                and sc.dtype == oc.dtype and sc.dtype in _MM_DTYPES and sc.device == oc.device):
            return generic(self, other)
        e1, m1 = _edge(self)
        e2, m2 = _edge(other)
        if e1[0] is None and e2[0] is None:
            return generic(self, other)
        c = _BMM(sc.unsqueeze(0), oc.unsqueeze(0)).squeeze([0])
        node = _new(MmBackward0)
        node._next = (e1, e2)
        node._meta = (m1, m2)
        node.ctx = (self, sc.version, other, oc.version)
        node._pre = node._retain = node._hooks = None
        node._nout = 1
        return _output(c, node)

    matmul.__name__ = generic.__name__
    matmul.__doc__ = generic.__doc__
    return matmul


def install():
    """Puts the recorded operators on GradTensor (in-place forms stay on the generic path)."""
    GradTensor.__matmul__ = _matmul(Tensor.__matmul__)
    GradTensor.sum = _whole("sum", SumBackward0, Tensor.sum)
    GradTensor.mean = _whole("mean", MeanBackward0, Tensor.mean)
    for py, code, cls, saves in (("add", _ADD, AddBackward0, False), ("sub", _SUB, SubBackward0, False),
                                 ("mul", _MUL, MulBackward0, True), ("truediv", _DIV, DivBackward0, True)):
        fwd = _binary_op(code, cls, saves, Tensor.__dict__[f"__{py}__"])
        setattr(GradTensor, f"__{py}__", fwd)
    GradTensor.__radd__ = _reflected(_ADD, AddBackward0, False, Tensor.__radd__)
    GradTensor.__rmul__ = _reflected(_MUL, MulBackward0, True, Tensor.__rmul__)
    GradTensor.__rsub__ = _rsub
    GradTensor.__rtruediv__ = _rtruediv

