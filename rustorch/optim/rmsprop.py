"""``RMSprop``: steps scaled by a moving average of the squared gradient."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import zeros_like
from .._tensor import Tensor
from ._fused import _check_options, _check_unsupported, _group_defaults, _new_counter, _step, _with_grads
from .optimizer import Optimizer, _call_closure, _use_grad

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from .._typing import ParamsT

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop with PyTorch's options (``torch.optim.RMSprop``): ``square_avg`` is the moving average
    of the squared gradient (``alpha`` its smoothing constant); ``centered`` subtracts the square of
    the gradient's own moving average (``grad_avg``); ``momentum > 0`` keeps a ``momentum_buffer``.
    Each step is one fused native update per parameter group.

    >>> w = rustorch.nn.Parameter(rustorch.tensor([1.0, -2.0]))
    >>> opt = RMSprop([w], lr=0.01, alpha=0.75)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w.detach()
    tensor([ 0.9800, -1.9800])
    """

    def __init__(self, params: ParamsT, lr: float | Tensor = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        _check_options(lr, eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        _check_unsupported("RMSprop", capturable, differentiable)
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
                    "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        _group_defaults(self, momentum=0, centered=False, foreach=None, maximize=False, differentiable=False,
                        capturable=False)

    @_use_grad
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Performs one optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = _call_closure(closure)
        for group in self.param_groups:
            items = _with_grads(self, group, "RMSprop does not support sparse gradients")
            momentum, centered = group["momentum"] > 0, group["centered"]
            for p, _, state in items:
                if len(state) == 0:
                    state["step"] = _new_counter(0.0)
                    state["square_avg"] = zeros_like(p)
                    if momentum:
                        state["momentum_buffer"] = zeros_like(p)
                    if centered:
                        state["grad_avg"] = zeros_like(p)
            keys = ["square_avg"] + ["momentum_buffer"] * momentum + ["grad_avg"] * centered
            _step("rmsprop", items, [[s[k] for k in keys] for _, _, s in items], [[s["step"]] for _, _, s in items],
                  lr=group["lr"], alpha=group["alpha"], eps=group["eps"], weight_decay=group["weight_decay"],
                  momentum=group["momentum"], centered=centered, maximize=group["maximize"])
        return loss
