"""Automatic differentiation with PyTorch's semantics: ``rustorch.autograd``.

Ops on tensors that require grad are recorded as they run (a dynamic graph of ``grad_fn`` nodes);
``Tensor.backward`` and ``autograd.grad`` differentiate it. See ``graph.py`` (nodes, engine),
``record.py`` (how an op is recorded), ``derivatives.py`` (every op's derivative) and ``install.py``
(putting them on the entry points)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._tensor import _GRAD, GradTensor, Tensor
from . import graph
from .function import Function  # noqa: F401
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled  # noqa: F401
from .gradcheck import gradcheck, gradgradcheck  # noqa: F401

if TYPE_CHECKING:
    from collections.abc import Sequence


def _as_list(x):
    if x is None:
        return None
    if isinstance(x, Tensor):
        return [x]
    return list(x)


def _ones_like(t):
    from .._tensor import _wrap
    from .. import _C

    return _wrap(_C.full(list(t._c.shape), 1, t._c.dtype, t._c.device))


def _seed(outputs, grad_outputs, fn):
    ones_like = _ones_like
    grads = _as_list(grad_outputs) if grad_outputs is not None else [None] * len(outputs)
    if len(grads) != len(outputs):
        raise RuntimeError("grad can be implicitly created only for scalar outputs" if not grads else
                           f"Mismatch in number of outputs: {len(grads)} grad_outputs for {len(outputs)} outputs")
    seeds = []
    for t, g in zip(outputs, grads):
        if g is None:
            if t.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            g = ones_like(t)
        elif isinstance(g, Tensor):
            if tuple(g.shape) != tuple(t.shape):
                raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of {g.shape} and output[0] has a "
                                   f"shape of {t.shape}.")
        else:
            g = ones_like(t) * g
        seeds.append(g)
    return seeds


def backward(tensors: Tensor | Sequence[Tensor], grad_tensors: Tensor | Sequence[Tensor | None] | None = None,
             retain_graph: bool | None = None, create_graph: bool = False,
             grad_variables: Tensor | Sequence[Tensor | None] | None = None,
             inputs: Tensor | Sequence[Tensor] | None = None) -> None:
    """Accumulates the gradients of ``tensors`` into the ``.grad`` of the leaves (``inputs`` only, when
    given)."""
    outputs = _as_list(tensors)
    for t in outputs:
        if not (t.__class__ in _GRAD and (t._fn is not None or t._rg)):
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    seeds = _seed(outputs, grad_tensors if grad_tensors is not None else grad_variables, "backward")
    if retain_graph is None:
        retain_graph = create_graph
    ins = _as_list(inputs)
    if ins is not None and not ins:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    graph.run_backward(outputs, seeds, retain_graph, create_graph, inputs=ins, accumulate=True)


def grad(outputs: Tensor | Sequence[Tensor], inputs: Tensor | Sequence[Tensor],
         grad_outputs: Tensor | Sequence[Tensor | None] | None = None, retain_graph: bool | None = None,
         create_graph: bool = False, only_inputs: bool = True, allow_unused: bool | None = None,
         is_grads_batched: bool = False, materialize_grads: bool = False) -> tuple[Tensor | None, ...]:
    """The gradients of ``outputs`` with respect to ``inputs`` (a tuple), without touching ``.grad``."""
    outs = _as_list(outputs)
    ins = _as_list(inputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    for t in outs:
        if not (t.__class__ in _GRAD and (t._fn is not None or t._rg)):
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    seeds = _seed(outs, grad_outputs, "grad")
    if retain_graph is None:
        retain_graph = create_graph
    res = graph.run_backward(outs, seeds, retain_graph, create_graph, inputs=ins, accumulate=False,
                             allow_unused=allow_unused)
    if materialize_grads:
        from .._creation import zeros_like

        res = tuple(zeros_like(i) if r is None else r for r, i in zip(res, ins))
    return res


def _creation_with_grad():
    """Creation functions take ``requires_grad=``: the result becomes a leaf that requires grad."""
    import functools
    import inspect

    import rustorch

    from . import install

    for name in dir(rustorch):
        fn = getattr(rustorch, name)
        if not callable(fn) or isinstance(fn, type) or name.startswith("_"):
            continue
        try:
            params = inspect.signature(fn).parameters
        except (TypeError, ValueError):
            continue
        if "requires_grad" not in params:
            continue

        def make(fn):
            @functools.wraps(fn)
            def create(*args, requires_grad=False, **kwargs):
                t = fn(*args, **kwargs)
                return t.requires_grad_() if requires_grad else t
            return create

        install._replace_everywhere(fn, make(fn))


def _install():
    from . import install, install_structured

    install.install()
    install_structured.install()
    _creation_with_grad()
    install.guard_the_rest()
    GradTensor.backward = _tensor_backward
    Tensor.backward = _plain_backward


def _tensor_backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    """Computes the gradient of this tensor with respect to the graph's leaves, adding it into ``.grad``."""
    backward(self, gradient, retain_graph, create_graph, inputs=inputs)


def _plain_backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")


_install()

__all__ = ["backward", "grad", "Function", "gradcheck", "gradgradcheck", "no_grad", "enable_grad",
           "set_grad_enabled", "inference_mode", "is_grad_enabled"]
