"""``Optimizer``: the base class of every optimizer, with PyTorch's public behaviour.

Writing an optimizer
--------------------
A subclass passes its hyper-parameters to the base class and implements ``step``::

    class SGD(Optimizer):
        def __init__(self, params, lr=1e-3, momentum=0, differentiable=False):
            if lr < 0.0:
                raise ValueError(f"Invalid learning rate: {lr}")
            defaults = dict(lr=lr, momentum=momentum, differentiable=differentiable)
            super().__init__(params, defaults)

        @_use_grad
        def step(self, closure=None):
            loss = None
            if closure is not None:
                with rustorch.enable_grad():
                    loss = closure()
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    state = self.state[p]          # a dict, created empty on first use
                    ...                            # update p in place (p.add_(...))
            return loss

The interface the base class gives a subclass:

* ``self.param_groups``: a list of dicts, each with ``"params"`` (a list of tensors) and every key of
  ``defaults`` (a group's own value wins); ``"param_names"`` when the parameters came as
  ``(name, tensor)`` pairs.
* ``self.defaults``: the dict given to ``__init__``. A default equal to ``required`` must be given by
  every group.
* ``self.state``: a ``defaultdict(dict)`` keyed by parameter tensor; the per-parameter state
  (``"step"``, ``"momentum_buffer"``, ``"exp_avg"`` ...) that ``state_dict`` saves.
* ``_use_grad``: decorates ``step``: the body runs with grad mode set to
  ``self.defaults.get("differentiable", False)`` (off, in the usual case) and the previous mode comes back
  afterwards. The closure is the subclass's to call under ``rustorch.enable_grad()``, as above
  (``_call_closure(closure)`` does exactly that).
* ``step`` is wrapped once per class so that the step pre- and post-hooks run around it.
* ``load_state_dict`` casts floating state tensors to their parameter's dtype and device, except
  ``"step"``, which keeps its dtype (float32, unless a group has ``fused`` or ``capturable`` set).
* ``_get_value(x)``, ``_to_scalar(x)``, ``_get_scalar_dtype()``: the small helpers PyTorch's
  optimizers use for ``step`` counters and tensor hyper-parameters.
"""

from __future__ import annotations

import functools
import warnings
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from copy import deepcopy
from itertools import chain
from typing import TYPE_CHECKING

from .. import _dtype
from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad, is_grad_enabled, set_grad_enabled
from ..nn._hooks import RemovableHandle
from ..nn.module import _typename

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    from .._typing import ParamsT

    _F = TypeVar("_F", bound=Callable[..., Any])

__all__ = ["Optimizer", "register_optimizer_step_pre_hook", "register_optimizer_step_post_hook"]

_global_optimizer_pre_hooks = OrderedDict()
_global_optimizer_post_hooks = OrderedDict()


class _RequiredParameter:
    """The default of a hyper-parameter that every parameter group must specify."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def _use_grad(func: _F) -> _F:
    """Decorates an optimizer's ``step``: runs it with grad mode set to ``defaults["differentiable"]``
    (False unless given), then restores the caller's grad mode.

    >>> class Plain(rustorch.optim.Optimizer):
    ...     @_use_grad
    ...     def step(self, closure=None):
    ...         return rustorch.is_grad_enabled()
    >>> Plain([rustorch.ones(1, requires_grad=True)], {}).step(), rustorch.is_grad_enabled()
    (False, True)
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        self = args[0]
        prev = is_grad_enabled()
        try:
            set_grad_enabled(bool(self.defaults.get("differentiable", False)))
            return func(*args, **kwargs)
        finally:
            set_grad_enabled(prev)

    return wrapper


_use_grad_for_differentiable = _use_grad


def _call_closure(closure):
    """``closure()`` with grad mode on (None when there is no closure): the loss a ``step`` returns."""
    if closure is None:
        return None
    with enable_grad():
        return closure()


def _get_value(x):
    """A Python number from a one-element tensor (``step`` counters); other values as they are."""
    return x.item() if isinstance(x, Tensor) else x


def _to_scalar(x):
    """A one-element tensor hyper-parameter as a 0-dim tensor; anything else as it is."""
    if isinstance(x, Tensor) and x.dim() != 0:
        return x.squeeze()
    return x


def _get_scalar_dtype(is_fused=None):
    """The dtype of tensor ``step`` counters: float64 under a float64 default dtype, else float32."""
    if is_fused:
        return _dtype.float32
    return _dtype.float64 if _dtype.get_default_dtype() is _dtype.float64 else _dtype.float32


def register_optimizer_step_pre_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """Registers ``hook(optimizer, args, kwargs) -> None or (args, kwargs)`` to run before the
    ``step`` of every optimizer. Returns a handle whose ``remove()`` unregisters it."""
    handle = RemovableHandle(_global_optimizer_pre_hooks)
    _global_optimizer_pre_hooks[handle.id] = hook
    return handle


def register_optimizer_step_post_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """Registers ``hook(optimizer, args, kwargs)`` to run after the ``step`` of every optimizer.
    Returns a handle whose ``remove()`` unregisters it."""
    handle = RemovableHandle(_global_optimizer_post_hooks)
    _global_optimizer_post_hooks[handle.id] = hook
    return handle


def _register(hooks, hook, prepend=False):
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


class Optimizer:
    """Base class for all optimizers.

    ``params`` is an iterable of tensors, of ``(name, tensor)`` pairs (``named_parameters()``), or of
    dicts that define parameter groups (``{"params": [...], "lr": 0.1}``); ``defaults`` holds the
    hyper-parameters a group takes when it does not give its own. Give parameters in an ordered
    collection (a list, not a set): ``state_dict`` identifies them by position.

    >>> class GD(rustorch.optim.Optimizer):
    ...     def __init__(self, params, lr=0.1):
    ...         super().__init__(params, {"lr": lr})
    ...     @_use_grad
    ...     def step(self, closure=None):
    ...         for group in self.param_groups:
    ...             for p in group["params"]:
    ...                 p.sub_(p.grad * group["lr"])
    >>> w = rustorch.nn.Parameter(rustorch.tensor([1.0, 2.0]))
    >>> opt = GD([w], lr=0.5)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w.detach()
    tensor([0., 0.])
    >>> opt
    GD (
    Parameter Group 0
        lr: 0.5
    )
    """

    defaults: dict[str, Any]
    state: defaultdict[Tensor, dict[str, Any]]  # per parameter: its buffers (momentum, ...) and step
    param_groups: list[dict[str, Any]]

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        self._optimizer_state_dict_pre_hooks = OrderedDict()
        self._optimizer_state_dict_post_hooks = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks = OrderedDict()
        self._optimizer_load_state_dict_post_hooks = OrderedDict()
        self._patch_step_function()

        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got " + _typename(params))
        if isinstance(params, set):
            warnings.warn("optimizer parameters need to be organized in ordered collections, but the ordering of "
                          "tensors in sets will change between runs. Please use a list instead. This will be an "
                          "error in a future release.", FutureWarning, stacklevel=2)

        self.state = defaultdict(dict)
        self.param_groups = []

        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __getstate__(self) -> dict[str, Any]:
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        for name in ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks", "_optimizer_state_dict_pre_hooks",
                     "_optimizer_state_dict_post_hooks", "_optimizer_load_state_dict_pre_hooks",
                     "_optimizer_load_state_dict_post_hooks"):
            if name not in self.__dict__:
                setattr(self, name, OrderedDict())
        self._patch_step_function()
        self.defaults.setdefault("differentiable", False)

    def __repr__(self) -> str:
        out = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            out += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    out += f"    {key}: {group[key]}\n"
        return out + ")"

    # ---- step and its hooks -----------------------------------------------------------------------
    @staticmethod
    def profile_hook_step(func: _F) -> _F:
        """Wraps a ``step`` so that the global and per-optimizer pre/post hooks run around it."""

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            self = args[0]
            for pre_hook in chain(_global_optimizer_pre_hooks.values(), self._optimizer_step_pre_hooks.values()):
                result = pre_hook(self, args, kwargs)
                if result is not None:
                    if isinstance(result, tuple) and len(result) == 2:
                        args, kwargs = result
                    else:
                        raise RuntimeError(
                            f"{func} must return None or a tuple of (new_args, new_kwargs), but got {result}.")
            out = func(*args, **kwargs)
            for post_hook in chain(self._optimizer_step_post_hooks.values(), _global_optimizer_post_hooks.values()):
                post_hook(self, args, kwargs)
            return out

        return wrapper

    def _patch_step_function(self):
        if not getattr(self.__class__.step, "hooked", None):
            self.__class__.step = self.profile_hook_step(self.__class__.step)
            self.__class__.step.hooked = True

    def register_step_pre_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Registers ``hook(optimizer, args, kwargs) -> None or (new_args, new_kwargs)``, called before
        each ``step``; returns a handle whose ``remove()`` unregisters it."""
        return _register(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Registers ``hook(optimizer, args, kwargs)``, called after each ``step``; returns a handle."""
        return _register(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook: Callable[..., Any], prepend: bool = False) -> RemovableHandle:
        """Registers ``hook(optimizer)``, called at the start of ``state_dict()``."""
        return _register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook: Callable[..., Any], prepend: bool = False) -> RemovableHandle:
        """Registers ``hook(optimizer, state_dict) -> state_dict or None``, called at the end of
        ``state_dict()``; a returned dict replaces the result."""
        return _register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook: Callable[..., Any], prepend: bool = False) -> RemovableHandle:
        """Registers ``hook(optimizer, state_dict) -> state_dict or None``, called before
        ``load_state_dict`` loads (with a shallow copy of the given dict); a returned dict is loaded."""
        return _register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook: Callable[..., Any], prepend: bool = False) -> RemovableHandle:
        """Registers ``hook(optimizer)``, called after ``load_state_dict`` has loaded."""
        return _register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Performs one optimization step; ``closure`` re-evaluates the model and returns the loss."""
        raise NotImplementedError

    # ---- parameters ----------------------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Resets the gradients of the optimized tensors: sets them to None (default), or with
        ``set_to_none=False`` detaches them and fills them with zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if p.grad.grad_fn is not None:
                        p.grad.detach_()
                    else:
                        p.grad.requires_grad_(False)
                    p.grad.zero_()

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Adds a parameter group (a dict with ``"params"`` and optional hyper-parameters) to
        ``param_groups``, e.g. to train layers that were frozen until now."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")

        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering of "
                            "tensors in sets will change between runs. Please use a list instead.")
        else:
            param_group["params"] = list(params)

        tensors, names = [], []
        for param in param_group["params"]:
            if isinstance(param, tuple):
                names.append(param[0])
                tensors.append(param[1])
            else:
                tensors.append(param)
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["param_names"] = names

        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + _typename(param))
            if not self.defaults.get("differentiable", None) and not (
                    param.is_leaf or getattr(param, "retains_grad", False)):
                raise ValueError("can't optimize a non-leaf Tensor")

        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(
                    f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)

        params = param_group["params"]
        if len(params) != len({id(p) for p in params}):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will cause "
                          "an error; see github.com/pytorch/pytorch/issues/40967 for more information", stacklevel=3)

        seen = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if not seen.isdisjoint(id(p) for p in params):
            raise ValueError("some parameters appear in more than one parameter group")

        self.param_groups.append(param_group)

    # ---- state dict ----------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state as a dict with two entries, parameters named by their position
        across the groups (0, 1, ...) and not saved themselves:

        * ``"state"``: ``{index: {"momentum_buffer": tensor, ...}}`` for the parameters that have state;
        * ``"param_groups"``: one dict per group, its hyper-parameters plus ``"params": [indices]``
          (and ``"param_names"`` when the group has names).

        The values are the optimizer's own (not copies), as in PyTorch.
        """
        for pre_hook in self._optimizer_state_dict_pre_hooks.values():
            pre_hook(self)

        index = {}
        start = 0

        def pack_group(group):
            nonlocal start
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                index.setdefault(id(p), i)
            packed["params"] = [index[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {(index[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        state_dict = {"state": packed_state, "param_groups": param_groups}

        for post_hook in self._optimizer_state_dict_post_hooks.values():
            result = post_hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    @staticmethod
    def _process_value_according_to_param_policy(param, value, param_id, param_groups, key=None):
        # Floating state follows its parameter's dtype; "step" keeps its own (PyTorch issue 74424),
        # unless the group is fused or capturable, where it is a float32 tensor on the parameter's device.
        fused = capturable = False
        for pg in param_groups:
            if param_id in pg["params"]:
                fused = pg.get("fused", False)
                capturable = pg.get("capturable", False)
                break
        if key == "step":
            if capturable or fused:
                return value.to(dtype=_dtype.float32, device=param.device)
            return value
        if param.is_floating_point():
            return value.to(dtype=param.dtype, device=param.device)
        return value.to(device=param.device)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Loads a state from ``state_dict()`` (the parameters matched by position).

        Raises ``ValueError`` when the number of groups or the size of a group differs. Floating state
        tensors are cast to their parameter's dtype and device (``"step"`` is kept as it is); the
        hyper-parameters of each group are replaced by the loaded ones. Create a learning-rate
        scheduler before loading: its construction resets the groups' ``"lr"``.
        """
        state_dict = state_dict.copy()
        for pre_hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = pre_hook(self, state_dict)
            if result is not None:
                state_dict = result

        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")

        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))

        def _cast(param, value, param_id, param_groups, key=None):
            if isinstance(value, Tensor):
                return Optimizer._process_value_according_to_param_policy(param, value, param_id, param_groups, key)
            if isinstance(value, dict):
                return {k: _cast(param, v, param_id, param_groups, key=k) for k, v in value.items()}
            if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
                return type(value)(_cast(param, v, param_id, param_groups) for v in value)
            return value

        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = _cast(param, v, k, state_dict["param_groups"])
            else:
                state[k] = v

        def update_group(group, new_group):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups)]
        self.__setstate__({"state": state, "param_groups": param_groups})

        for post_hook in self._optimizer_load_state_dict_post_hooks.values():
            post_hook(self)
