"""What the optimizers share: option checks, and one native fused step per parameter group.

``_C.optimizer_step`` updates every parameter of a group with its gradient and state in place in
one call (one parallel kernel on the CPU, one dispatch per parameter on wgpu), advancing the
``step`` counters as PyTorch does; the state tensors of a parameter are passed in the algorithm's
fixed order (``src/cpu/optim.rs``)."""

from .. import _C
from .._tensor import Tensor
from .optimizer import _get_scalar_dtype


def _number(x):
    """A hyper-parameter given as a one-element tensor, as a Python float."""
    return float(x.item()) if isinstance(x, Tensor) else x


# The options every check below treats as "must not be negative", with PyTorch's message.
_NON_NEGATIVE = {"eps": "Invalid epsilon value", "weight_decay": "Invalid weight_decay value",
                 "momentum": "Invalid momentum value", "lr_decay": "Invalid lr_decay value",
                 "initial_accumulator_value": "Invalid initial_accumulator_value value",
                 "momentum_decay": "Invalid momentum_decay value", "alpha": "Invalid alpha value"}


def _check_options(lr, **options):
    """PyTorch's checks of ``lr`` and then of ``options`` in the order given (each optimizer has its own
    order, which decides the error of several bad values): betas in [0, 1), rho in [0, 1], the rest >= 0."""
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")
    for name, value in options.items():
        if name == "betas":
            for i in (0, 1):
                if not 0.0 <= value[i] < 1.0:
                    raise ValueError(f"Invalid beta parameter at index {i}: {value[i]}")
        elif name == "rho":
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"Invalid rho value: {value}")
        elif not 0.0 <= value:
            raise ValueError(f"{_NON_NEGATIVE[name]}: {value}")


def _group_defaults(optimizer, counters=("step",), **defaults):
    """``__setstate__``'s part: options an older state dict lacks get their defaults, and the state's
    counters become host tensors (``_host_counters``)."""
    for group in optimizer.param_groups:
        for key, value in defaults.items():
            group.setdefault(key, value)
    if counters:
        _host_counters(optimizer, *counters)


def _fresh_state(items, *buffers, counters=(("step", 0.0),)):
    """A parameter's state on its first step: its counters and zero-filled ``buffers`` shaped like it."""
    from .. import zeros_like

    for p, _, state in items:
        if len(state) == 0:
            for name, start in counters:
                state[name] = _new_counter(start)
            for name in buffers:
                state[name] = zeros_like(p)


def _check_unsupported(name, capturable=False, differentiable=False):
    if capturable:
        raise NotImplementedError(
            f"{name}: capturable=True is not supported: the step counters stay on the CPU and each step is one "
            "fused native update (there is no graph capture to take part in)")
    if differentiable:
        raise NotImplementedError(
            f"{name}: differentiable=True is not supported: the fused update writes the parameters in place "
            "outside autograd")


def _check_fused(fused, foreach, differentiable):
    if fused:
        if differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


def _new_counter(value):
    """A 0-d ``step`` (or ``mu_product``) counter as PyTorch keeps it: float32 on the CPU (float64
    under a float64 default dtype)."""
    from .. import tensor

    return tensor(float(value), dtype=_get_scalar_dtype())


def _host_counters(optimizer, *keys):
    """Makes the named counters of every parameter's state 0-d CPU float32/float64 tensors (a float
    from an old state dict, or a tensor that ``load_state_dict`` moved to its parameter's device or
    dtype), keeping their values."""
    from .. import float32, float64, tensor

    for st in optimizer.state.values():
        for key in keys:
            v = st.get(key) if isinstance(st, dict) else None
            if v is None:
                continue
            if not isinstance(v, Tensor):
                st[key] = _new_counter(v)
            elif v.device.type != "cpu" or v.dtype not in (float32, float64) or v.dim() != 0:
                dtype = v.dtype if v.dtype in (float32, float64) else _get_scalar_dtype()
                st[key] = tensor(float(v.item()), dtype=dtype)


def _with_grads(optimizer, group, sparse_message, with_state=True):
    """(parameter, gradient, state dict) of each parameter of the group that has a gradient; the
    state is None (and no entry is made) when ``with_state`` is false."""
    out = []
    for p in group["params"]:
        g = p.grad
        if g is None:
            continue
        if getattr(g, "is_sparse", False):
            raise RuntimeError(sparse_message)
        out.append((p, g, optimizer.state[p] if with_state else None))
    return out


def _step(algo, items, states, counters, fresh=None, **hyper):
    """The native update of ``items`` ((param, grad, state) triples) with their state tensors and
    counters; ``lr`` may be a one-element tensor."""
    if not items:
        return
    hyper["lr"] = _number(hyper["lr"])
    _C.optimizer_step(algo, [p._c for p, _, _ in items], [g._c for _, g, _ in items],
                      [[s._c for s in st] for st in states], [[c._c for c in cs] for cs in counters], fresh,
                      **hyper)
