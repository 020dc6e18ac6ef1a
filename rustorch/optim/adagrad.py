"""``Adagrad``: steps scaled by the accumulated squared gradients."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import full_like
from .._tensor import Tensor
from ._fused import _check_fused, _check_options, _check_unsupported, _group_defaults, _new_counter, _step, _with_grads
from .optimizer import Optimizer, _call_closure, _use_grad

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from .._typing import ParamsT

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad with PyTorch's options (``torch.optim.Adagrad``): ``sum`` accumulates the squared
    gradients from ``initial_accumulator_value``; the learning rate decays as
    ``lr / (1 + (step - 1) * lr_decay)``. The state is created with the optimizer, as in PyTorch. Each
    step is one fused native update per parameter group.

    >>> w = rustorch.nn.Parameter(rustorch.tensor([1.0, -2.0]))
    >>> opt = Adagrad([w], lr=0.5)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w.detach()
    tensor([ 0.5000, -1.5000])
    """

    def __init__(self, params: ParamsT, lr: float | Tensor = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False, fused: bool | None = None) -> None:
        _check_options(lr, lr_decay=lr_decay, weight_decay=weight_decay,
                       initial_accumulator_value=initial_accumulator_value, eps=eps)
        _check_unsupported("Adagrad", differentiable=differentiable)
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        _check_fused(fused, foreach, differentiable)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(self.state[p], p)

    def _init_state(self, state, p):
        state["step"] = _new_counter(0.0)
        state["sum"] = full_like(p, self.defaults["initial_accumulator_value"])

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        _group_defaults(self, foreach=None, maximize=False, differentiable=False, fused=None)

    @_use_grad
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Performs one optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = _call_closure(closure)
        for group in self.param_groups:
            items = _with_grads(self, group, "Adagrad: sparse gradients are not supported")
            for p, _, state in items:
                if len(state) == 0:
                    self._init_state(state, p)
            _step("adagrad", items, [[s["sum"]] for _, _, s in items], [[s["step"]] for _, _, s in items],
                  lr=group["lr"], lr_decay=group["lr_decay"], eps=group["eps"],
                  weight_decay=group["weight_decay"], maximize=group["maximize"])
        return loss
