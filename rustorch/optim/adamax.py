"""``Adamax``: Adam with the infinity norm of past gradients in place of their second moment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._tensor import Tensor
from ._fused import _check_options, _check_unsupported, _fresh_state, _group_defaults, _step, _with_grads
from .optimizer import Optimizer, _call_closure, _use_grad

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from .._typing import ParamsT

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax with PyTorch's options (``torch.optim.Adamax``): ``exp_avg`` is the gradient's moving
    average, ``exp_inf = max(beta2 * exp_inf, |grad| + eps)``, and the step is
    ``lr / (1 - beta1 ** step) * exp_avg / exp_inf``. Each step is one fused native update per
    parameter group.

    >>> w = rustorch.nn.Parameter(rustorch.tensor([1.0, -2.0]))
    >>> opt = Adamax([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w.detach()
    tensor([ 0.9000, -1.9000])
    """

    def __init__(self, params: ParamsT, lr: float | Tensor = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        _check_options(lr, eps=eps, betas=betas, weight_decay=weight_decay)
        _check_unsupported("Adamax", capturable, differentiable)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        _group_defaults(self, foreach=None, maximize=False, differentiable=False, capturable=False)

    @_use_grad
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Performs one optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = _call_closure(closure)
        for group in self.param_groups:
            items = _with_grads(self, group, "Adamax does not support sparse gradients")
            _fresh_state(items, "exp_avg", "exp_inf")
            beta1, beta2 = group["betas"]
            _step("adamax", items, [[s["exp_avg"], s["exp_inf"]] for _, _, s in items],
                  [[s["step"]] for _, _, s in items], lr=group["lr"], beta1=beta1, beta2=beta2, eps=group["eps"],
                  weight_decay=group["weight_decay"], maximize=group["maximize"])
        return loss
