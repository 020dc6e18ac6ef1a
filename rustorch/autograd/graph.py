"""The recorded graph and the engine that differentiates it.

A tensor that requires grad, or that an op recorded, is an instance of ``GradTensor`` (a subclass of
``Tensor`` with no state of its own: the autograd slots live on ``Tensor``, unset on plain tensors), so
code that never asks for gradients pays nothing: the plain ``Tensor`` operators stay as they were, and
Python hands ``plain + grad`` to ``GradTensor.__radd__`` first (a subclass's reflected operator wins).

Each recorded op is a ``Node`` (the tensor's ``grad_fn``): the edges to the nodes of its inputs
(``next_functions``), the inputs' shapes and dtypes (the engine sums a broadcast gradient down to its
input's shape and casts it to its dtype, once, here), and a context holding what the op's derivative
needs (saved tensors with their versions, checked when used). Leaves that require grad feed an
``AccumulateGrad`` node, which adds into ``.grad``.
"""

import weakref

from .._dtype import _BY_NAME as _DT
from .._tensor import _GRAD, BINARY_CODE, Tensor, _binary_out, _wrap
from .grad_mode import _state


_FREED = ("Trying to backward through the graph a second time (or directly access saved tensors after they "
          "have already been freed). Saved intermediate values of the graph are freed when you call .backward() "
          "or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time "
          "or if you need to access saved tensors after calling backward.")


def _describe(t):
    from .._dtype import TORCH_NAME

    shape = ", ".join(str(s) for s in t.shape)
    return f"[torch.{TORCH_NAME[t.dtype.name]}Tensor [{shape}]]"


class Ctx:
    """What a derivative sees: ``saved`` (tensors, checked against their versions when read), ``args``
    and ``kwargs`` of the call (tensors not saved are None), and ``needs`` (which inputs need a grad)."""

    __slots__ = ("_saved", "_versions", "args", "kwargs", "needs", "node", "extra")

    def saved(self, i):
        s = self._saved
        if s is None:
            raise RuntimeError(_FREED)
        t = s[i]
        if hasattr(t, "_c") and t._version != self._versions[i]:
            node = self.node
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an inplace operation: "
                f"{_describe(t)}, which is output 0 of {type(node).__name__}, is at version {t._version}; expected "
                f"version {self._versions[i]} instead. Hint: the backtrace further above shows the operation that "
                "failed to compute its gradient. The variable in question was changed in there or anywhere later. "
                "Good luck!")
        return t


class Node:
    """A recorded op (``grad_fn``). Subclasses are named as PyTorch names them (``AddBackward0``...)."""

    __slots__ = ("_next", "_meta", "_formula", "ctx", "_pre", "_retain", "_nout", "_hooks", "__weakref__")

    @property
    def next_functions(self):
        return tuple((n, i) for n, i in self._next)

    def name(self):
        return type(self).__name__

    def register_hook(self, hook):
        """``hook(grad_inputs, grad_outputs)`` after this node ran."""
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return _Handle(self._hooks, hook)

    def register_prehook(self, hook):
        """``hook(grad_outputs)`` before this node runs; may return replacement grads."""
        return self._add_pre(None, hook)

    def _add_pre(self, out_nr, hook):
        if self._pre is None:
            self._pre = []
        entry = (out_nr, hook)
        self._pre.append(entry)
        return _Handle(self._pre, entry)

    def apply(self, grads):
        ctx = self.ctx
        if ctx is None:
            raise RuntimeError(_FREED)
        ctx.node = self  # for the formula's saved outputs; dropped after (no node <-> ctx cycle)
        try:
            return self._formula(ctx, *grads)
        finally:
            ctx.node = None

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"


class AccumulateGrad(Node):
    """Adds the incoming gradient into a leaf's ``.grad``."""

    __slots__ = ("_var",)

    @property
    def variable(self):
        return self._var()

    def apply(self, grads):
        return ()


class _Handle:
    """What ``register_hook`` returns: ``remove()`` takes the hook out."""

    def __init__(self, hooks, entry):
        self._hooks, self._entry = hooks, entry

    def remove(self):
        try:
            self._hooks.remove(self._entry)
        except ValueError:
            pass


_CLASSES = {}


def node_class(name):
    """The Node subclass called ``name`` (one per op, made once)."""
    cls = _CLASSES.get(name)
    if cls is None:
        cls = _CLASSES[name] = type(name, (Node,), {"__slots__": ()})
    return cls


def grad_accumulator(t):
    """The AccumulateGrad node of leaf ``t``: made once, held by the leaf; it holds the leaf weakly (no
    cycle), so a leaf and its node live as long as the leaf is referenced."""
    acc = t._acc
    if acc is None:
        acc = t._acc = AccumulateGrad()
        acc._next, acc._meta, acc._formula, acc.ctx = (), (), None, None
        acc._pre = acc._retain = acc._hooks = None
        acc._nout = 1
        acc._var = weakref.ref(t)
    return acc


def edge(t):
    """(node, output index) that a gradient for tensor ``t`` flows into; (None, 0) when none."""
    if t.__class__ not in _GRAD:
        return (None, 0)
    fn = t._fn
    if fn is not None:
        return (fn, t._out)
    if t._rg:
        return (grad_accumulator(t), 0)
    return (None, 0)


_ADD = BINARY_CODE["add"]


def _sum_to(g, shape):
    """``g`` summed down to ``shape`` (the reverse of broadcasting)."""
    shape = tuple(shape)
    if tuple(g.shape) == shape:
        return g
    lead = g.dim() - len(shape)
    dims = list(range(lead)) + [lead + i for i, s in enumerate(shape) if s == 1 and g.shape[lead + i] != 1]
    if dims:
        g = g.sum(dims, keepdim=True)
    return g.reshape(shape) if lead or tuple(g.shape) != shape else g


def _fit(g, meta, node=None, k=0):
    """Gradient ``g`` made the shape and dtype of input ``k`` of ``node`` (broadcasting undone)."""
    shape, dtype = meta
    c = g._c
    if c.shape != shape:
        got = c.shape
        lead = len(got) - len(shape)
        if lead < 0 or any(s != 1 and s != d for s, d in zip(shape, got[lead:])):
            raise RuntimeError(f"Function {type(node).__name__} returned an invalid gradient at index {k} - got "
                               f"{list(got)} but expected shape compatible with {list(shape)}")
        g = _sum_to(g, shape)
    if c.dtype != dtype:
        g = g.to(_DT[dtype])
    return g


def _add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def _dependencies(start_nodes):
    """How many edges lead into each node reachable from ``start_nodes`` (each node walked once)."""
    deps = {}
    stack = list(start_nodes)
    pop, push = stack.pop, stack.append
    while stack:
        for nxt, _ in pop()._next:
            if nxt is not None:
                if nxt in deps:
                    deps[nxt] += 1
                else:
                    deps[nxt] = 1
                    push(nxt)
    return deps


def run_backward(roots, grads, retain_graph, create_graph, inputs=None, accumulate=True, allow_unused=False):
    """Differentiates from ``roots`` (tensors) seeded with ``grads``. ``accumulate``: add into the leaves'
    ``.grad`` (``backward``; only the leaves in ``inputs`` when given); else return the gradients of
    ``inputs`` (``autograd.grad``). (Every training step runs this loop: plain locals, no per-node
    allocation beyond the gradient buffers.)"""
    mode = _state
    # Where each root's gradient enters the graph.
    start = []
    for t, g in zip(roots, grads):
        if t.__class__ not in _GRAD or not (t._fn is not None or t._rg):
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        start.append((edge(t), g))
    # Capture points for autograd.grad / backward(inputs=...).
    targets = {}
    if inputs is not None:
        for k, t in enumerate(inputs):
            if t.__class__ not in _GRAD or not (t._fn is not None or t._rg):
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            targets.setdefault(edge(t), []).append(k)
    start_nodes = list({id(e[0]): e[0] for e, _ in start}.values())
    deps = _dependencies(start_nodes)
    buffers = {}
    for (n, i), g in start:
        buf = buffers.get(n)
        if buf is None:
            buf = buffers[n] = [None] * n._nout
        buf[i] = g if buf[i] is None else buf[i] + g
    ready = [n for n in start_nodes if n not in deps]
    captured = [None] * (len(inputs) if inputs is not None else 0)
    prev = mode.enabled
    mode.enabled = bool(create_graph)
    try:
        while ready:
            node = ready.pop()
            g = buffers.pop(node, None) or [None] * node._nout
            if node._pre:
                g = _run_pre_hooks(node, g)
            if node._retain:
                _retain(node, g, create_graph)
            if targets:
                for out_nr in range(node._nout):
                    for k in targets.get((node, out_nr), ()):
                        captured[k] = _add(captured[k], g[out_nr])
            if node.__class__ is AccumulateGrad:
                if accumulate and g[0] is not None and (inputs is None or (node, 0) in targets):
                    leaf = node._var()
                    if leaf is not None:  # (a leaf nobody holds any more has no .grad to fill)
                        _accumulate(leaf, g[0], create_graph)
                continue
            if node._nout == 1:
                if g[0] is None:
                    outs = None
                else:
                    outs = node.apply(g)
            elif all(x is None for x in g):
                outs = None
            else:
                if None in g:
                    g = [x if x is not None else _zeros_for(node, i) for i, x in enumerate(g)]
                outs = node.apply(g)
            if outs is not None and node._hooks:
                for hook in node._hooks:
                    hook(tuple(outs), tuple(g))
            if not retain_graph:
                node.ctx = None
            k = 0
            nouts = len(outs) if outs is not None else 0
            for nxt, i in node._next:
                if nxt is not None:
                    gi = outs[k] if k < nouts else None
                    if gi is not None:
                        shape, dtype = node._meta[k]
                        c = gi._c
                        if c.shape != shape or c.dtype != dtype:
                            gi = _fit(gi, node._meta[k], node, k)
                        buf = buffers.get(nxt)
                        if buf is None:
                            buf = buffers[nxt] = [None] * nxt._nout
                        buf[i] = gi if buf[i] is None else buf[i] + gi
                    left = deps[nxt] - 1
                    deps[nxt] = left
                    if not left:
                        ready.append(nxt)
                k += 1
    finally:
        mode.enabled = prev
    if inputs is not None and not accumulate:
        for k, c in enumerate(captured):
            if c is None and not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {k} appears to not have been used in the "
                                   "graph. Set allow_unused=True if this is the desired behavior.")
        return tuple(c if c is None or create_graph else c.detach() for c in captured)
    return None


def _run_pre_hooks(node, g):
    for out_nr, hook in list(node._pre):
        if out_nr is None:
            r = hook(tuple(g))
            if r is not None:
                g = list(r)
        elif g[out_nr] is not None:
            r = hook(g[out_nr])
            if r is not None:
                g[out_nr] = r
    return g


def _retain(node, g, create_graph):
    """``.grad`` of the non-leaf tensors that asked for it (``retain_grad``)."""
    for out_nr, ref in node._retain.items():
        t = ref()
        if t is not None and g[out_nr] is not None:
            gg = g[out_nr] if create_graph else g[out_nr].detach()
            t._g = gg if t._g is None else t._g + gg


def _zeros_for(node, i):
    from .._creation import zeros

    shape, dtype, device = node.ctx.extra["outs"][i]
    return zeros(shape, dtype=dtype, device=device)


def _accumulate(t, g, create_graph):
    if t._hooks:
        for hook in list(t._hooks):
            r = hook(g)
            if r is not None:
                g = r
    old = t._g
    if create_graph:
        t._g = g if old is None else old + g
    elif old is None:
        # A fresh tensor of its own (the incoming gradient may be shared with other leaves or be a view),
        # detached: a plain clone.
        t._g = Tensor.clone(_wrap(g._c))
    elif old.__class__ in _GRAD:
        t._g = old + g.detach()
    else:
        _binary_out(_ADD, old._c, g._c, old._c)  # .grad += g, in place as in PyTorch
