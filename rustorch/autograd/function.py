"""Custom differentiable functions: subclass ``Function`` with static ``forward(ctx, ...)`` and
``backward(ctx, *grads)``, call ``MyFn.apply(...)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._tensor import _GRAD, Tensor, _wrap
from .grad_mode import _state
from .record import _needs, record

if TYPE_CHECKING:
    from typing import Any


class FunctionCtx:
    """The ``ctx`` of a custom Function: what ``forward`` keeps for ``backward``."""

    def __init__(self) -> None:
        self._saved: tuple[Any, ...] = ()
        self._versions = ()
        self.needs_input_grad = ()
        self._non_diff = set()
        self.materialize_grads = True

    def save_for_backward(self, *tensors: Tensor | None) -> None:
        self._saved = tuple(tensors)
        self._versions = tuple(t._version if isinstance(t, Tensor) else None for t in tensors)

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        for t, v in zip(self._saved, self._versions):
            if isinstance(t, Tensor) and t._version != v:
                raise RuntimeError("one of the variables needed for gradient computation has been modified by an "
                                   f"inplace operation: is at version {t._version}; expected version {v} instead.")
        return self._saved

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        self._non_diff.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors: Tensor) -> None:
        pass

    def set_materialize_grads(self, value: bool) -> None:
        self.materialize_grads = bool(value)


class Function:
    """Base class of custom autograd functions.

    >>> class Square(rustorch.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x * x
    ...     @staticmethod
    ...     def backward(ctx, g):
    ...         (x,) = ctx.saved_tensors
    ...         return 2 * x * g
    >>> x = rustorch.tensor([3.0], requires_grad=True)
    >>> Square.apply(x).backward(); x.grad
    tensor([6.])
    """

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        tracked = _state.enabled and _needs(args, {})
        prev = _state.enabled
        _state.enabled = False
        try:
            out = cls.forward(ctx, *args, **kwargs)
        finally:
            _state.enabled = prev
        if not tracked:
            return out
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        # An input returned as is becomes a new tensor sharing its memory (its own grad_fn).
        outs = tuple(_wrap(o._c) if any(o is a for a in args) else o for o in outs)
        tensor_pos = [i for i, a in enumerate(args) if isinstance(a, Tensor)]

        def formula(c, *grads):
            res = cls.backward(ctx, *grads)
            if not isinstance(res, tuple):
                res = (res,)
            if len(res) != len(args):
                raise RuntimeError(f"function {cls.__name__}Backward returned an incorrect number of gradients "
                                   f"(expected {len(args)}, got {len(res)})")
            return tuple(res[i] for i in tensor_pos)

        nondiff = [o for o in outs if isinstance(o, Tensor) and id(o) in ctx._non_diff]
        record(f"{cls.__name__}Backward", formula, args, {}, outs)
        for o in nondiff:
            if o.__class__ in _GRAD:
                o._fn = None
                o._rg = False
        return outs[0] if single else outs
