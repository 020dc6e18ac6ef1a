"""The optimizers (SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, NAdam) against references
written here in numpy float64 from PyTorch's single-tensor implementations (torch/optim/*.py):
five steps with fixed gradients over a grid of options on cpu and wgpu, parameters and state
compared (float32 to float32 rounding of the float64 reference); the state's names and layout,
skipped parameters, constructor errors, state_dict round trips, and a small regression that every
optimizer trains. `RUSTORCH_TEST_AGAINST=torch` runs the same file against PyTorch."""
import doctest
import importlib
import re

import numpy as np
import pytest

from _backend import IS_REFERENCE, torch
from _wgpu import require, seed

DEVICES = ["cpu", "wgpu"]
STEPS = 5
# (rtol, atol) against the float64 reference: float32 rounding of values of order one.
TOL = {"float32": (1e-6, 1e-6), "float64": (1e-12, 1e-12)}


# ---- references: PyTorch's update of one parameter, in float64 --------------------------------------

def _lerp(a, b, w):
    return a + w * (b - a)


def _grad(p, g, o, decoupled=False):
    """(parameter, gradient) after maximize and weight decay (L2, or decoupled on the parameter)."""
    g = -g if o.get("maximize", False) else g
    wd = o.get("weight_decay", 0)
    if wd != 0:
        if decoupled:
            p = p * (1 - o["lr"] * wd)
        else:
            g = g + wd * p
    return p, g


def ref_sgd(p, g, st, o):
    p, g = _grad(p, g, o)
    mom = o.get("momentum", 0)
    if mom != 0:
        if "momentum_buffer" not in st:
            st["momentum_buffer"] = g.copy()
        else:
            st["momentum_buffer"] = st["momentum_buffer"] * mom + (1 - o.get("dampening", 0)) * g
        buf = st["momentum_buffer"]
        g = g + mom * buf if o.get("nesterov", False) else buf
    return p - o["lr"] * g


def ref_adam(p, g, st, o, decoupled=False):
    if not st:
        st.update(step=0.0, exp_avg=np.zeros_like(p), exp_avg_sq=np.zeros_like(p))
        if o.get("amsgrad", False):
            st["max_exp_avg_sq"] = np.zeros_like(p)
    st["step"] += 1
    t = st["step"]
    b1, b2 = o.get("betas", (0.9, 0.999))
    p, g = _grad(p, g, o, decoupled or o.get("decoupled_weight_decay", False))
    st["exp_avg"] = _lerp(st["exp_avg"], g, 1 - b1)
    st["exp_avg_sq"] = st["exp_avg_sq"] * b2 + (1 - b2) * g * g
    second = st["exp_avg_sq"]
    if o.get("amsgrad", False):
        st["max_exp_avg_sq"] = np.maximum(st["max_exp_avg_sq"], second)
        second = st["max_exp_avg_sq"]
    denom = np.sqrt(second) / np.sqrt(1 - b2 ** t) + o.get("eps", 1e-8)
    return p - o["lr"] / (1 - b1 ** t) * st["exp_avg"] / denom


def ref_adamw(p, g, st, o):
    return ref_adam(p, g, st, dict(o, weight_decay=o.get("weight_decay", 1e-2)), decoupled=True)


def ref_rmsprop(p, g, st, o):
    alpha, mom, centered = o.get("alpha", 0.99), o.get("momentum", 0), o.get("centered", False)
    if not st:
        st.update(step=0.0, square_avg=np.zeros_like(p))
        if mom > 0:
            st["momentum_buffer"] = np.zeros_like(p)
        if centered:
            st["grad_avg"] = np.zeros_like(p)
    st["step"] += 1
    p, g = _grad(p, g, o)
    st["square_avg"] = st["square_avg"] * alpha + (1 - alpha) * g * g
    avg = st["square_avg"]
    if centered:
        st["grad_avg"] = _lerp(st["grad_avg"], g, 1 - alpha)
        avg = avg - st["grad_avg"] ** 2
    avg = np.sqrt(avg) + o.get("eps", 1e-8)
    if mom > 0:
        st["momentum_buffer"] = st["momentum_buffer"] * mom + g / avg
        return p - o["lr"] * st["momentum_buffer"]
    return p - o["lr"] * g / avg


def ref_adagrad(p, g, st, o):
    if not st:
        st.update(step=0.0, sum=np.full_like(p, o.get("initial_accumulator_value", 0)))
    st["step"] += 1
    p, g = _grad(p, g, o)
    clr = o["lr"] / (1 + (st["step"] - 1) * o.get("lr_decay", 0))
    st["sum"] = st["sum"] + g * g
    return p - clr * g / (np.sqrt(st["sum"]) + o.get("eps", 1e-10))


def ref_adadelta(p, g, st, o):
    rho, eps = o.get("rho", 0.9), o.get("eps", 1e-6)
    if not st:
        st.update(step=0.0, square_avg=np.zeros_like(p), acc_delta=np.zeros_like(p))
    st["step"] += 1
    p, g = _grad(p, g, o)
    st["square_avg"] = st["square_avg"] * rho + (1 - rho) * g * g
    delta = np.sqrt(st["acc_delta"] + eps) / np.sqrt(st["square_avg"] + eps) * g
    st["acc_delta"] = st["acc_delta"] * rho + (1 - rho) * delta * delta
    return p - o["lr"] * delta


def ref_adamax(p, g, st, o):
    b1, b2 = o.get("betas", (0.9, 0.999))
    if not st:
        st.update(step=0.0, exp_avg=np.zeros_like(p), exp_inf=np.zeros_like(p))
    st["step"] += 1
    p, g = _grad(p, g, o)
    st["exp_avg"] = _lerp(st["exp_avg"], g, 1 - b1)
    st["exp_inf"] = np.maximum(st["exp_inf"] * b2, np.abs(g) + o.get("eps", 1e-8))
    return p - o["lr"] / (1 - b1 ** st["step"]) * st["exp_avg"] / st["exp_inf"]


def ref_nadam(p, g, st, o):
    b1, b2 = o.get("betas", (0.9, 0.999))
    md = o.get("momentum_decay", 4e-3)
    if not st:
        st.update(step=0.0, mu_product=1.0, exp_avg=np.zeros_like(p), exp_avg_sq=np.zeros_like(p))
    st["step"] += 1
    t = st["step"]
    p, g = _grad(p, g, o, o.get("decoupled_weight_decay", False))
    mu = b1 * (1 - 0.5 * 0.96 ** (t * md))
    mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * md))
    # mu_product is a float32 tensor: multiplied by a Python float in float32.
    st["mu_product"] = float(np.float32(st["mu_product"]) * np.float32(mu))
    st["exp_avg"] = _lerp(st["exp_avg"], g, 1 - b1)
    st["exp_avg_sq"] = st["exp_avg_sq"] * b2 + (1 - b2) * g * g
    denom = np.sqrt(st["exp_avg_sq"] / (1 - b2 ** t)) + o.get("eps", 1e-8)
    p = p - o["lr"] * (1 - mu) / (1 - st["mu_product"]) * g / denom
    return p - o["lr"] * mu_next / (1 - st["mu_product"] * mu_next) * st["exp_avg"] / denom


REFS = {"SGD": ref_sgd, "Adam": ref_adam, "AdamW": ref_adamw, "RMSprop": ref_rmsprop, "Adagrad": ref_adagrad,
        "Adadelta": ref_adadelta, "Adamax": ref_adamax, "NAdam": ref_nadam}

CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "maximize": True}),
    ("SGD", {"lr": 0.1, "weight_decay": 0.2, "maximize": True}),
    ("Adam", {"lr": 0.01, "betas": (0.8, 0.9)}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.02, "betas": (0.5, 0.7), "eps": 1e-3, "maximize": True, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.3, "amsgrad": True, "maximize": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "centered": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.8, "momentum": 0.5, "centered": True, "maximize": True}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.1, "weight_decay": 0.1}),
    ("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.2, "eps": 1e-5, "maximize": True}),
    ("Adadelta", {"lr": 1.0}),
    ("Adadelta", {"lr": 0.5, "rho": 0.5, "eps": 1e-4, "weight_decay": 0.1, "maximize": True}),
    ("Adamax", {"lr": 0.01}),
    ("Adamax", {"lr": 0.01, "betas": (0.7, 0.8), "weight_decay": 0.1, "maximize": True}),
    ("NAdam", {"lr": 0.01}),
    ("NAdam", {"lr": 0.01, "betas": (0.8, 0.9), "weight_decay": 0.1, "momentum_decay": 0.01}),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True}),
]


def _id(case):
    name, opts = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in opts.items() if k != "lr")


def _device(device, dtype="float32"):
    if device == "wgpu":
        props = require()
        if dtype == "float64" and props.get("shader_f64") != "true":
            pytest.skip("no SHADER_F64 on this adapter")


def _np(t):
    return t.detach().cpu().numpy()


def _run(name, opts, dtype, device, steps=STEPS):
    """The optimizer after `steps` steps on two parameters (a third never has a gradient), with
    the inputs it saw (float64 copies of the values in `dtype`)."""
    rng = np.random.default_rng(seed(name, sorted(opts.items()), dtype))
    shapes = [(3, 4), (5,)]
    p0 = [rng.standard_normal(s).astype(dtype) for s in shapes]
    grads = [[rng.standard_normal(s).astype(dtype) for s in shapes] for _ in range(steps)]
    params = [torch.nn.Parameter(torch.tensor(v, device=device)) for v in p0]
    frozen = torch.nn.Parameter(torch.ones(3, dtype=getattr(torch, dtype), device=device))
    opt = getattr(torch.optim, name)([params[0], frozen, params[1]], **opts)
    for k in range(steps):
        for p, g in zip(params, grads[k]):
            p.grad = torch.tensor(g, device=device)
        opt.step()
    as64 = lambda a: a.astype(np.float64)  # noqa: E731
    return opt, params, frozen, [as64(v) for v in p0], [[as64(g) for g in gs] for gs in grads]


def _reference(name, opts, p0, grads):
    params, states = [], []
    for i, p in enumerate(p0):
        st = {}
        for gs in grads:
            p = REFS[name](p, gs[i], st, opts)
        params.append(p)
        states.append(st)
    return params, states


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", CASES, ids=_id)
def test_steps_match_the_reference(case, dtype, device):
    _device(device, dtype)
    name, opts = case
    opt, params, frozen, p0, grads = _run(name, opts, dtype, device)
    want_params, want_states = _reference(name, opts, p0, grads)
    rtol, atol = TOL[dtype]
    for p, want, st_want in zip(params, want_params, want_states):
        assert p.dtype == getattr(torch, dtype) and p.device.type == device
        np.testing.assert_allclose(_np(p), want, rtol=rtol, atol=atol)
        st = opt.state[p]
        assert sorted(st) == sorted(st_want)
        for key, value in st_want.items():
            got = st[key]
            if key in ("step", "mu_product"):
                # 0-d float32 counters on the CPU, as PyTorch keeps them.
                assert got.shape == () and got.dtype == torch.float32 and got.device.type == "cpu"
                np.testing.assert_allclose(got.item(), value, rtol=1e-7)
            else:
                assert got.dtype == p.dtype and got.device == p.device and got.shape == p.shape
                np.testing.assert_allclose(_np(got), value, rtol=rtol, atol=atol, err_msg=key)
    # The parameter without a gradient: untouched, and without state unless the optimizer
    # creates it up front (Adagrad).
    np.testing.assert_array_equal(_np(frozen), np.ones(3))
    assert (len(opt.state[frozen]) > 0) == (name == "Adagrad")


DEFAULTS = {
    "SGD": dict(lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False, foreach=None,
                differentiable=False, fused=None),
    "Adam": dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, maximize=False,
                 foreach=None, capturable=False, differentiable=False, fused=None, decoupled_weight_decay=False),
    "AdamW": dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, maximize=False,
                  foreach=None, capturable=False, differentiable=False, fused=None, decoupled_weight_decay=True),
    "RMSprop": dict(lr=1e-2, momentum=0, alpha=0.99, eps=1e-8, centered=False, weight_decay=0, capturable=False,
                    foreach=None, maximize=False, differentiable=False),
    "Adagrad": dict(lr=1e-2, lr_decay=0, eps=1e-10, weight_decay=0, initial_accumulator_value=0, foreach=None,
                    maximize=False, differentiable=False, fused=None),
    "Adadelta": dict(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, maximize=False, capturable=False, foreach=None,
                     differentiable=False),
    "Adamax": dict(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, maximize=False,
                   differentiable=False, capturable=False),
    "NAdam": dict(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                  decoupled_weight_decay=False, maximize=False, foreach=None, capturable=False,
                  differentiable=False),
}


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_defaults_and_state_dict_layout(name):
    w = torch.nn.Parameter(torch.zeros(2))
    opt = getattr(torch.optim, name)([w])
    assert opt.defaults == DEFAULTS[name]
    group = opt.state_dict()["param_groups"][0]
    assert group == dict(DEFAULTS[name], params=[0])
    w.grad = torch.tensor([0.5, -1.0])
    opt.step()
    state = opt.state_dict()["state"]
    # SGD without momentum keeps no state at all.
    assert list(state) == ([] if name == "SGD" else [0])
    want = {"SGD": [], "Adam": ["exp_avg", "exp_avg_sq", "step"], "AdamW": ["exp_avg", "exp_avg_sq", "step"],
            "RMSprop": ["square_avg", "step"], "Adagrad": ["step", "sum"],
            "Adadelta": ["acc_delta", "square_avg", "step"],
            "Adamax": ["exp_avg", "exp_inf", "step"], "NAdam": ["exp_avg", "exp_avg_sq", "mu_product", "step"]}
    assert sorted(state.get(0, {})) == want[name]
    if "step" in state.get(0, {}):
        assert state[0]["step"].item() == 1.0 and state[0]["step"].dtype == torch.float32


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", list({name: (name, opts) for name, opts in CASES}.values()), ids=_id)
def test_state_dict_round_trip_continues_the_same_steps(case, device):
    """Two steps, the state saved and loaded into a fresh optimizer, three more steps: the same as five."""
    _device(device)
    name, opts = case
    straight, params, _, p0, grads = _run(name, opts, "float32", device)
    fresh = [torch.nn.Parameter(torch.tensor(v.astype(np.float32), device=device)) for v in p0]
    frozen = torch.nn.Parameter(torch.ones(3, device=device))
    first = getattr(torch.optim, name)([fresh[0], frozen, fresh[1]], **opts)
    for k in range(2):
        for p, g in zip(fresh, grads[k]):
            p.grad = torch.tensor(g.astype(np.float32), device=device)
        first.step()
    second = getattr(torch.optim, name)([fresh[0], frozen, fresh[1]], **opts)
    second.load_state_dict(first.state_dict())
    for k in range(2, STEPS):
        for p, g in zip(fresh, grads[k]):
            p.grad = torch.tensor(g.astype(np.float32), device=device)
        second.step()
    for a, b in zip(fresh, params):
        np.testing.assert_array_equal(_np(a), _np(b))


def test_param_groups_step_with_their_own_options():
    a = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    b = torch.nn.Parameter(torch.tensor([3.0]))
    opt = torch.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5, "momentum": 0.9}], lr=0.1)
    for _ in range(2):
        a.grad, b.grad = torch.tensor([1.0, -1.0]), torch.tensor([2.0])
        opt.step()
    np.testing.assert_allclose(_np(a), [0.8, 2.2], rtol=1e-6)
    # b: buf = 2, then 0.9 * 2 + 2 = 3.8; 3 - 0.5 * 2 - 0.5 * 3.8
    np.testing.assert_allclose(_np(b), [0.1], rtol=1e-5)
    assert "momentum_buffer" not in opt.state[a] and "momentum_buffer" in opt.state[b]


def test_closure_runs_with_grad_and_its_loss_is_returned():
    w = torch.nn.Parameter(torch.tensor([2.0, -1.0]))
    opt = torch.optim.Adam([w], lr=0.1)

    def closure():
        opt.zero_grad()
        assert torch.is_grad_enabled()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with torch.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 5.0
    np.testing.assert_allclose(_np(w), [1.9, -0.9], rtol=1e-6)


ERRORS = [
    ("SGD", {"lr": -1.0}, ValueError, "Invalid learning rate: -1.0"),
    ("SGD", {"momentum": -0.5}, ValueError, "Invalid momentum value: -0.5"),
    ("SGD", {"weight_decay": -1}, ValueError, "Invalid weight_decay value: -1"),
    ("SGD", {"lr": 0.1, "nesterov": True}, ValueError, "Nesterov momentum requires a momentum and zero dampening"),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "nesterov": True}, ValueError,
     "Nesterov momentum requires a momentum and zero dampening"),
    ("SGD", {"fused": True, "foreach": True}, RuntimeError, "`fused` and `foreach` cannot be `True` together."),
    ("Adam", {"lr": -0.5}, ValueError, "Invalid learning rate: -0.5"),
    ("Adam", {"eps": -1.0}, ValueError, "Invalid epsilon value: -1.0"),
    ("Adam", {"betas": (1.0, 0.999)}, ValueError, "Invalid beta parameter at index 0: 1.0"),
    ("Adam", {"betas": (0.9, -0.1)}, ValueError, "Invalid beta parameter at index 1: -0.1"),
    ("Adam", {"betas": (0, 0.999)}, ValueError, "betas must be either both floats or both Tensors"),
    ("Adam", {"weight_decay": -0.1}, ValueError, "Invalid weight_decay value: -0.1"),
    ("Adam", {"fused": True, "foreach": True}, RuntimeError, "`fused` and `foreach` cannot be `True` together."),
    ("AdamW", {"betas": (0.9, 1.5)}, ValueError, "Invalid beta parameter at index 1: 1.5"),
    ("RMSprop", {"alpha": -0.5}, ValueError, "Invalid alpha value: -0.5"),
    ("RMSprop", {"momentum": -1.0}, ValueError, "Invalid momentum value: -1.0"),
    ("Adagrad", {"lr_decay": -1.0}, ValueError, "Invalid lr_decay value: -1.0"),
    ("Adagrad", {"initial_accumulator_value": -1.0}, ValueError,
     "Invalid initial_accumulator_value value: -1.0"),
    ("Adadelta", {"rho": 1.5}, ValueError, "Invalid rho value: 1.5"),
    ("Adadelta", {"lr": -1.0}, ValueError, "Invalid learning rate: -1.0"),
    ("Adamax", {"betas": (0.9, 1.0)}, ValueError, "Invalid beta parameter at index 1: 1.0"),
    ("NAdam", {"momentum_decay": -1.0}, ValueError, "Invalid momentum_decay value: -1.0"),
    ("NAdam", {"eps": -1e-8}, ValueError, "Invalid epsilon value: -1e-08"),
]


@pytest.mark.parametrize("name,kwargs,exc,message", ERRORS, ids=lambda v: str(v) if isinstance(v, str) else None)
def test_constructor_errors(name, kwargs, exc, message):
    w = torch.nn.Parameter(torch.zeros(2))
    with pytest.raises(exc, match="^" + re.escape(message) + "$"):
        getattr(torch.optim, name)([w], **kwargs)


@pytest.mark.skipif(IS_REFERENCE, reason="rustorch's own limits")
@pytest.mark.parametrize("name,kwargs", [("Adam", {"capturable": True}), ("AdamW", {"differentiable": True}),
                                         ("SGD", {"differentiable": True}), ("RMSprop", {"capturable": True}),
                                         ("NAdam", {"capturable": True}), ("Adagrad", {"differentiable": True})])
def test_capturable_and_differentiable_are_refused(name, kwargs):
    w = torch.nn.Parameter(torch.zeros(2))
    with pytest.raises(NotImplementedError, match=next(iter(kwargs)) + "=True is not supported"):
        getattr(torch.optim, name)([w], **kwargs)


@pytest.mark.skipif(IS_REFERENCE, reason="rustorch's native entry")
def test_native_step_errors_leave_parameters_alone():
    w = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    opt = torch.optim.Adam([w], lr=0.1)
    w.grad = torch.tensor([1.0, 1.0])
    opt.step()
    before = _np(w).copy()
    opt.state[w]["exp_avg"] = torch.zeros(3)
    with pytest.raises(RuntimeError, match="shape"):
        opt.step()
    np.testing.assert_array_equal(_np(w), before)
    assert opt.state[w]["step"].item() == 1.0


TRAIN = [("SGD", {"lr": 0.1, "momentum": 0.9}), ("Adam", {"lr": 0.05}), ("AdamW", {"lr": 0.05}),
         ("RMSprop", {"lr": 0.03}), ("Adagrad", {"lr": 0.3}), ("Adadelta", {"lr": 20.0}), ("Adamax", {"lr": 0.1}),
         ("NAdam", {"lr": 0.05})]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name,opts", TRAIN, ids=[n for n, _ in TRAIN])
def test_linear_regression_trains(name, opts, device):
    _device(device)
    rng = np.random.default_rng(seed("regression", name))
    x = rng.standard_normal((64, 3)).astype(np.float32)
    y = (x @ np.array([[1.5], [-2.0], [0.5]]) + 0.3).astype(np.float32)
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1).to(device)
    xt, yt = torch.tensor(x, device=device), torch.tensor(y, device=device)
    opt = getattr(torch.optim, name)(model.parameters(), **opts)
    losses = []
    for _ in range(40):
        opt.zero_grad()
        loss = ((model(xt) - yt) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.25 * losses[0], losses


MODULES = ["sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam"]


@pytest.mark.skipif(IS_REFERENCE, reason="rustorch's own docstrings")
@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples(module):
    mod = importlib.import_module(f"rustorch.optim.{module}")
    result = doctest.testmod(mod, extraglobs={"rustorch": torch}, optionflags=doctest.ELLIPSIS, report=True,
                             verbose=False)
    assert result.failed == 0 and result.attempted >= 5
