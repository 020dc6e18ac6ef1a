"""``NAdam``: Adam with Nesterov momentum."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._tensor import Tensor
from ._fused import _check_options, _check_unsupported, _fresh_state, _group_defaults, _step, _with_grads
from .optimizer import Optimizer, _call_closure, _use_grad

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from .._typing import ParamsT

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """NAdam with PyTorch's options (``torch.optim.NAdam``): Adam's moving averages, with the momentum
    coefficient ``mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))`` and its running product
    ``mu_product`` weighting the gradient and ``exp_avg`` in each step; ``decoupled_weight_decay=True``
    scales the parameters as AdamW does. Each step is one fused native update per parameter group.

    >>> w = rustorch.nn.Parameter(rustorch.tensor([1.0, -2.0]))
    >>> opt = NAdam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w.detach()
    tensor([ 0.8944, -1.8944])
    >>> sorted(opt.state[w])
    ['exp_avg', 'exp_avg_sq', 'mu_product', 'step']
    """

    def __init__(self, params: ParamsT, lr: float | Tensor = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False) -> None:
        _check_options(lr, eps=eps, betas=betas, weight_decay=weight_decay, momentum_decay=momentum_decay)
        _check_unsupported("NAdam", capturable, differentiable)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay, "decoupled_weight_decay": decoupled_weight_decay,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        _group_defaults(self, counters=("step", "mu_product"), maximize=False, foreach=None, capturable=False,
                        differentiable=False, decoupled_weight_decay=False)

    @_use_grad
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Performs one optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = _call_closure(closure)
        for group in self.param_groups:
            items = _with_grads(self, group, "NAdam does not support sparse gradients")
            _fresh_state(items, "exp_avg", "exp_avg_sq", counters=(("step", 0.0), ("mu_product", 1.0)))
            beta1, beta2 = group["betas"]
            _step("nadam", items, [[s["exp_avg"], s["exp_avg_sq"]] for _, _, s in items],
                  [[s["step"], s["mu_product"]] for _, _, s in items], lr=group["lr"], beta1=beta1, beta2=beta2,
                  eps=group["eps"], weight_decay=group["weight_decay"], momentum_decay=group["momentum_decay"],
                  decoupled=group["decoupled_weight_decay"], maximize=group["maximize"])
        return loss
