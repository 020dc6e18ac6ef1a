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
