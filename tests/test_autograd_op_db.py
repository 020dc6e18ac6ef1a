"""gradcheck (float64 finite differences) of every differentiable elementwise op in tests/op_db.py,
with non-contiguous operands and a broadcast second operand, on cpu and wgpu (float64 where the
adapter has it, as lavapipe does). The file runs against PyTorch too."""
import numpy as np
import pytest

import op_db
from _backend import torch
from _util import sample
from _wgpu import require

DEVICES = ["cpu", "wgpu"]
SPECS = [s for s in op_db.OPS if "float64" in s.dtypes and s.result != "bool"]


def _operand(spec, k, shape, device, rng):
    dtype = spec.operand_dtypes[k] if spec.operand_dtypes and spec.operand_dtypes[k] else "float64"
    vals = sample(op_db.DOMAINS[spec.domain[k]], dtype, shape, rng)
    if dtype == "float64":
        # Finite differences need room on both sides: keep off the points where an op jumps or
        # is undefined (integers for rounding ops, 0 for sign/abs/relu, the clamp bounds).
        vals = vals + np.where(np.isfinite(vals), 0.0123, 0.0)
    t = torch.from_numpy(np.ascontiguousarray(np.asarray(vals).T)).to(device).t() if len(shape) == 2 else \
        torch.from_numpy(np.asarray(vals)).to(device)
    return t.requires_grad_() if dtype == "float64" else t


def _device(device):
    if device == "wgpu" and require().get("shader_f64") != "true":
        pytest.skip("the adapter has no float64")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_gradcheck(device, spec):
    _device(device)
    rng = np.random.default_rng(len(spec.id))
    shapes = [(3, 4)] + [(4,)] * (spec.arity - 1)  # later operands broadcast along dim 0
    ops = [_operand(spec, k, shapes[k], device, rng) for k in range(spec.arity)]
    fn = getattr(torch, spec.name)
    if spec.name == "floor_divide":  # recorded, but PyTorch has no derivative for it
        with pytest.raises(RuntimeError, match="derivative for aten::floor_divide is not implemented"):
            fn(*ops, **spec.kwargs).sum().backward()
        return
    assert torch.autograd.gradcheck(lambda *xs: fn(*xs, **spec.kwargs), tuple(ops))


REDUCTIONS = [s for s in op_db.REDUCTIONS if "float64" in s.dtypes and op_db.reduction_result_dtype(s, "float64")
              == "float64"]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("spec", REDUCTIONS, ids=lambda s: s.id)
def test_reduction_gradcheck(device, spec):
    _device(device)
    rng = np.random.default_rng(len(spec.id) + 7)
    x = torch.from_numpy(np.ascontiguousarray(rng.uniform(-2, 2, (4, 3)).T)).to(device).t().requires_grad_()
    fn = getattr(torch, spec.name)
    forms = [dict(dim=1), dict(dim=0, keepdim=True)]
    if not spec.needs_dim:
        forms.append({})
    if spec.multi_dim:
        forms.append(dict(dim=(0, 1)))
    for form in forms:
        assert torch.autograd.gradcheck(lambda t: fn(t, **form, **spec.kwargs), (x,)), form
