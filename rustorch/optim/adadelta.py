"""``Adadelta``: steps scaled by the ratio of moving averages of squared updates and gradients."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._tensor import Tensor
from ._fused import _check_options, _check_unsupported, _fresh_state, _group_defaults, _step, _with_grads
from .optimizer import Optimizer, _call_closure, _use_grad

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from .._typing import ParamsT

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Adadelta with PyTorch's options (``torch.optim.Adadelta``): ``square_avg`` and ``acc_delta`` are
    moving averages (smoothing ``rho``) of the squared gradient and of the squared update
    ``sqrt(acc_delta + eps) / sqrt(square_avg + eps) * grad``, which is applied scaled by ``lr``. Each
    step is one fused native update per parameter group.

    >>> w = rustorch.nn.Parameter(rustorch.tensor([1.0, -2.0]))
    >>> opt = Adadelta([w], lr=1.0, rho=0.0, eps=1.0)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w.detach()
    tensor([ 0.1056, -1.0299])
    """

    def __init__(self, params: ParamsT, lr: float | Tensor = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach: bool | None = None, *, capturable: bool = False,
                 maximize: bool = False, differentiable: bool = False) -> None:
        _check_options(lr, rho=rho, eps=eps, weight_decay=weight_decay)
        _check_unsupported("Adadelta", capturable, differentiable)
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "capturable": capturable, "foreach": foreach, "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        _group_defaults(self, foreach=None, maximize=False, differentiable=False, capturable=False)

    @_use_grad
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Performs one optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = _call_closure(closure)
        for group in self.param_groups:
            items = _with_grads(self, group, "Adadelta does not support sparse gradients")
            _fresh_state(items, "square_avg", "acc_delta")
            _step("adadelta", items, [[s["square_avg"], s["acc_delta"]] for _, _, s in items],
                  [[s["step"]] for _, _, s in items], lr=group["lr"], rho=group["rho"], eps=group["eps"],
                  weight_decay=group["weight_decay"], maximize=group["maximize"])
        return loss
