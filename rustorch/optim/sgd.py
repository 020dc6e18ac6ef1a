"""``SGD``: stochastic gradient descent, optionally with (Nesterov) momentum."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import zeros_like
from .._tensor import Tensor
from ._fused import _check_fused, _check_unsupported, _step, _with_grads
from .optimizer import Optimizer, _call_closure, _use_grad

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from .._typing import ParamsT

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent with PyTorch's options (``torch.optim.SGD``): weight decay is added
    to the gradient, the momentum buffer starts as the first gradient, then
    ``buf = momentum * buf + (1 - dampening) * grad``; Nesterov steps along ``grad + momentum * buf``.
    Each step is one fused native update per parameter group.

    >>> w = rustorch.nn.Parameter(rustorch.tensor([1.0, -2.0]))
    >>> opt = SGD([w], lr=0.1, momentum=0.9)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w.detach()
    tensor([ 0.8000, -1.6000])
    >>> opt.state[w]["momentum_buffer"]
    tensor([ 2., -4.])
    """

    def __init__(self, params: ParamsT, lr: float | Tensor = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False, fused: bool | None = None) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                    "nesterov": nesterov, "maximize": maximize, "foreach": foreach,
                    "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        _check_unsupported("SGD", differentiable=differentiable)
        super().__init__(params, defaults)
        _check_fused(fused, foreach, differentiable)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("nesterov", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("differentiable", False)
            group.setdefault("fused", False)

    @_use_grad
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Performs one optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = _call_closure(closure)
        for group in self.param_groups:
            momentum = group["momentum"]
            items = _with_grads(self, group, "SGD does not support sparse gradients", momentum != 0)
            states, fresh = [], []
            for p, _, state in items:
                if momentum == 0:
                    states.append([])
                    fresh.append(False)
                    continue
                buf = state.get("momentum_buffer")
                fresh.append(buf is None)
                states.append([zeros_like(p) if buf is None else buf])
            _step("sgd", items, states, [[] for _ in items], fresh, lr=group["lr"], momentum=momentum,
                  dampening=group["dampening"], weight_decay=group["weight_decay"], nesterov=group["nesterov"],
                  maximize=group["maximize"])
            if momentum != 0:
                for (_, _, state), (buf,) in zip(items, states):
                    state["momentum_buffer"] = buf
        return loss
