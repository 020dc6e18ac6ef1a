"""``Adam`` (and the base of ``AdamW``): adaptive moment estimation, optionally AMSGrad."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import zeros_like
from .._tensor import Tensor
from ._fused import (_check_fused, _check_options, _check_unsupported, _group_defaults, _new_counter,
                     _number, _step, _with_grads)
from .optimizer import Optimizer, _call_closure, _use_grad

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from .._typing import ParamsT

__all__ = ["Adam"]


class Adam(Optimizer):
    """Adam with PyTorch's options (``torch.optim.Adam``): moving averages of the gradient
    (``exp_avg``) and of its square (``exp_avg_sq``; their running maximum ``max_exp_avg_sq`` with
    ``amsgrad``), bias-corrected at each ``step``; ``decoupled_weight_decay=True`` is AdamW. Each step
    is one fused native update per parameter group.

    >>> w = rustorch.nn.Parameter(rustorch.tensor([1.0, -2.0]))
    >>> opt = Adam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w.detach()
    tensor([ 0.9000, -1.9000])
    >>> sorted(opt.state[w]), opt.state[w]["step"]
    (['exp_avg', 'exp_avg_sq', 'step'], tensor(1.))
    """

    def __init__(self, params: ParamsT, lr: float | Tensor = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None, decoupled_weight_decay: bool = False) -> None:
        if isinstance(lr, Tensor) and foreach and not capturable:
            raise ValueError("lr as a Tensor is not supported for capturable=False and foreach=True")
        _check_options(lr, eps=eps, betas=betas, weight_decay=weight_decay)
        if not ((isinstance(betas[0], float) and isinstance(betas[1], float))
                or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
            raise ValueError("betas must be either both floats or both Tensors")
        _check_unsupported(type(self).__name__, capturable, differentiable)
        defaults = {"lr": lr, "betas": (betas[0], betas[1]), "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)
        _check_fused(fused, foreach, differentiable)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        _group_defaults(self, amsgrad=False, maximize=False, foreach=None, capturable=False, differentiable=False,
                        decoupled_weight_decay=False, fused=None)

    @_use_grad
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Performs one optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = _call_closure(closure)
        for group in self.param_groups:
            items = _with_grads(self, group,
                                "Adam does not support sparse gradients, please consider SparseAdam instead")
            amsgrad = group["amsgrad"]
            for p, _, state in items:
                if len(state) == 0:
                    state["step"] = _new_counter(0.0)
                    state["exp_avg"] = zeros_like(p)
                    state["exp_avg_sq"] = zeros_like(p)
                    if amsgrad:
                        state["max_exp_avg_sq"] = zeros_like(p)
            keys = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq") if amsgrad else ("exp_avg", "exp_avg_sq")
            beta1, beta2 = group["betas"]
            _step("adam", items, [[s[k] for k in keys] for _, _, s in items], [[s["step"]] for _, _, s in items],
                  lr=group["lr"], beta1=_number(beta1), beta2=_number(beta2), eps=group["eps"],
                  weight_decay=group["weight_decay"], amsgrad=amsgrad, maximize=group["maximize"],
                  decoupled=group["decoupled_weight_decay"])
        return loss
