"""Checks of analytical gradients against finite differences (float64), as ``torch.autograd.gradcheck``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._tensor import Tensor

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any


class GradcheckError(RuntimeError):
    pass


def _outputs(func, inputs):
    out = func(*inputs)
    return (out,) if isinstance(out, Tensor) else tuple(out)


def _numerical(func, inputs, k, eps):
    """d outputs / d inputs[k] by central differences, one column per element of inputs[k]: perturbed in
    place (the layout, strides included, stays the input's own)."""
    x = inputs[k]
    d = x.detach()
    cols = []
    # ``d`` is a plain alias of x: writing it is not recorded. func itself runs with grad mode as the
    # caller has it (gradgradcheck's function differentiates inside).
    for idx in _indices(tuple(x.shape)):
        orig = d[idx].item()
        d[idx] = orig + eps
        plus = [o.detach().clone().reshape(-1).double() for o in _outputs(func, inputs)]
        d[idx] = orig - eps
        minus = [o.detach().clone().reshape(-1).double() for o in _outputs(func, inputs)]
        d[idx] = orig
        cols.append([(p - m) / (2 * eps) for p, m in zip(plus, minus)])
    return cols


def _indices(shape):
    if not shape:
        yield ()
        return
    import itertools

    yield from itertools.product(*(range(s) for s in shape))


def gradcheck(func: Callable[..., Any], inputs: Tensor | Sequence[Any], *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, nondet_tol: float = 0.0,
              check_undefined_grad: bool = True, check_grad_dtypes: bool = False, check_batched_grad: bool = False,
              check_batched_forward_grad: bool = False, check_forward_ad: bool = False, check_backward_ad: bool = True,
              fast_mode: bool = False, masked: bool | None = None) -> bool:
    """True when the gradients autograd computes for ``func`` at ``inputs`` match finite differences
    (``|analytical - numerical| <= atol + rtol * |numerical|``); raises (or returns False) otherwise."""
    from . import grad as autograd_grad

    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    diff = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of the them "
                         "have requires_grad=True.")
    # Finite differences first (they perturb the inputs in place, bumping their versions), then the
    # graph the analytical gradients come from.
    nums = {k: _numerical(func, inputs, k, eps) for k in diff}  # nums[k][col][out]: a column per input element
    outs = _outputs(func, inputs)
    for k in diff:
        num = nums[k]
        for oi, o in enumerate(outs):
            if not o.is_floating_point():
                continue
            n_out = o.numel()
            for j in range(n_out):
                seed = o.detach().clone().reshape(-1) * 0
                seed[j] = 1
                g = autograd_grad(o, [inputs[k]], grad_outputs=seed.reshape(o.shape), retain_graph=True,
                                  allow_unused=True)[0]
                row = g.reshape(-1).double() if g is not None else None
                for col, entry in enumerate(num):
                    want = entry[oi][j].item()
                    got = row[col].item() if row is not None else 0.0
                    if not abs(got - want) <= atol + rtol * abs(want):
                        msg = (f"Jacobian mismatch for output {oi} with respect to input {k},\n"
                               f"numerical:{want}\nanalytical:{got}\n(element {col} of the input, {j} of the output)")
                        if raise_exception:
                            raise GradcheckError(msg)
                        return False
    return True


def gradgradcheck(func: Callable[..., Any], inputs: Tensor | Sequence[Any],
                  grad_outputs: Tensor | Sequence[Tensor] | None = None, *, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3, gen_non_contig_grad_outputs: bool = False, raise_exception: bool = True,
                  nondet_tol: float = 0.0, check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
                  check_batched_grad: bool = False, check_fwd_over_rev: bool = False, check_rev_over_rev: bool = True,
                  fast_mode: bool = False, masked: bool = False) -> bool:
    """gradcheck of the first derivatives: their own gradients (second derivatives, through a backward
    recorded with ``create_graph=True``) against finite differences of them."""
    from . import grad as autograd_grad
    from .._random import randn

    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    outs = _outputs(func, inputs)
    if grad_outputs is None:
        grad_outputs = tuple(randn(*o.shape, dtype=o.dtype, device=o.device).requires_grad_() for o in outs)
    else:
        grad_outputs = (grad_outputs,) if isinstance(grad_outputs, Tensor) else tuple(grad_outputs)
    n_in = len(inputs)

    def first_derivatives(*args):
        ins, gos = args[:n_in], args[n_in:]
        o = _outputs(func, ins)
        req = [t for t in ins if isinstance(t, Tensor) and t.requires_grad]
        grads = autograd_grad(o, req, grad_outputs=list(gos), create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)  # an input the outputs do not use: no derivative

    return gradcheck(first_derivatives, tuple(inputs) + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
