"""``optim.Optimizer``: parameter groups, errors, zero_grad, state_dict/load_state_dict (also through
save/load), hooks and repr, exercised with a small optimizer defined here."""
import copy
import doctest
import importlib

import pytest

from _backend import IS_REFERENCE, torch

Optimizer = torch.optim.Optimizer
optimizer_module = importlib.import_module(torch.__name__ + ".optim.optimizer")
_use_grad = optimizer_module._use_grad_for_differentiable


class GD(Optimizer):
    """Gradient descent with a momentum buffer and a tensor step count: enough state to save."""

    def __init__(self, params, lr=0.1, momentum=0.0, differentiable=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, differentiable=differentiable))

    @_use_grad
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        self.grad_enabled_in_step = torch.is_grad_enabled()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if "step" not in state:
                    state["step"] = torch.tensor(0.0)
                state["step"] += 1
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = p.grad.clone()
                    state["momentum_buffer"] = buf
                else:
                    buf.mul_(group["momentum"]).add_(p.grad)
                p.add_(buf, alpha=-group["lr"])
        return loss


def param(*values, dtype=None):
    return torch.nn.Parameter(torch.tensor(list(values), dtype=dtype or torch.float32))


def backward_square(*params):
    """Sets each parameter's gradient to 2 * p (the gradient of sum(p * p))."""
    loss = sum((p * p).sum() for p in params)
    loss.backward()
    return loss


# ---- construction ------------------------------------------------------------------------------
def test_params_list_makes_one_group_with_defaults():
    w, b = param(1.0, 2.0), param(3.0)
    opt = GD([w, b], lr=0.5)
    assert opt.defaults == {"lr": 0.5, "momentum": 0.0, "differentiable": False}
    assert len(opt.param_groups) == 1
    group = opt.param_groups[0]
    assert group["params"][0] is w and group["params"][1] is b
    assert {k: v for k, v in group.items() if k != "params"} == opt.defaults
    assert len(opt.state) == 0 and isinstance(opt.state[w], dict) and len(opt.state) == 1


def test_generator_of_parameters():
    lin = torch.nn.Linear(3, 2)
    opt = GD(lin.parameters())
    assert [p is q for p, q in zip(opt.param_groups[0]["params"], lin.parameters())] == [True, True]


def test_named_parameters_give_param_names():
    lin = torch.nn.Linear(3, 2)
    opt = GD(lin.named_parameters(), lr=0.2)
    group = opt.param_groups[0]
    assert group["param_names"] == ["weight", "bias"]
    assert group["params"][0] is lin.weight and group["params"][1] is lin.bias
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["weight", "bias"]


def test_group_dicts_keep_their_own_options():
    w, b, c = param(1.0), param(2.0), param(3.0)
    opt = GD([{"params": [w, b]}, {"params": c, "lr": 0.01}], lr=0.5, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.5, 0.01]
    assert [g["momentum"] for g in opt.param_groups] == [0.9, 0.9]
    assert isinstance(opt.param_groups[1]["params"], list) and len(opt.param_groups[1]["params"]) == 1
    assert opt.param_groups[1]["params"][0] is c


def test_add_param_group():
    w, b = param(1.0), param(2.0)
    opt = GD([w], lr=0.5)
    opt.add_param_group({"params": [b], "lr": 0.25})
    assert len(opt.param_groups) == 2
    assert opt.param_groups[1]["lr"] == 0.25 and opt.param_groups[1]["momentum"] == 0.0
    with pytest.raises(ValueError, match="^some parameters appear in more than one parameter group$"):
        opt.add_param_group({"params": [w]})
    with pytest.raises(TypeError, match="^param_group must be a dict, but got <class 'list'>$"):
        opt.add_param_group([param(1.0)])
    with pytest.raises(TypeError, match="organized in ordered collections"):
        opt.add_param_group({"params": {param(1.0)}})


def test_errors():
    w = param(1.0, 2.0)
    with pytest.raises(ValueError, match="^optimizer got an empty parameter list$"):
        GD([])
    with pytest.raises(TypeError) as info:
        GD(w)
    assert str(info.value) == ("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                               f"but got {torch.__name__}.FloatTensor")
    with pytest.raises(ValueError, match="^some parameters appear in more than one parameter group$"):
        GD([{"params": [w]}, {"params": [w]}])
    x = torch.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match="^can't optimize a non-leaf Tensor$"):
        GD([x * 2])
    with pytest.raises(TypeError, match="^optimizer can only optimize Tensors, but one of the params is int$"):
        GD([w, 3])
    with pytest.raises(ValueError, match="^all optimizer params should be with/without names. Some param names"):
        GD([("w", w), param(1.0)])
    with pytest.raises(ValueError, match="cannot add param group with names to the optimizer$"):
        GD([{"params": [param(1.0)]}, {"params": [("w", w)]}])


def test_non_leaf_allowed_when_differentiable():
    x = torch.ones(2, requires_grad=True)
    opt = GD([x * 2], differentiable=True)
    assert len(opt.param_groups[0]["params"]) == 1


def test_required_default_must_be_given():
    required = optimizer_module.required
    assert repr(required) == "<required parameter>"
    with pytest.raises(ValueError, match="^parameter group didn't specify a value of required optimization "
                                         "parameter lr$"):
        Optimizer([param(1.0)], {"lr": required})
    opt = Optimizer([{"params": [param(1.0)], "lr": 0.3}], {"lr": required})
    assert opt.param_groups[0]["lr"] == 0.3


def test_set_of_params_and_duplicates_warn():
    w = param(1.0)
    with pytest.warns(FutureWarning, match="optimizer parameters need to be organized in ordered collections"):
        GD({w})
    with pytest.warns(UserWarning, match="optimizer contains a parameter group with duplicate parameters"):
        GD([w, w])


# ---- step, closure, zero_grad ------------------------------------------------------------------
def test_step_updates_parameters_without_recording():
    w = param(1.0, 2.0)
    opt = GD([w], lr=0.25)
    backward_square(w)
    assert opt.step() is None
    assert opt.grad_enabled_in_step is False and torch.is_grad_enabled()
    assert w.detach().tolist() == [0.5, 1.0]
    assert w.is_leaf and w.grad_fn is None and w.requires_grad
    assert opt.state[w]["step"].item() == 1.0
    assert opt.state[w]["momentum_buffer"].tolist() == [2.0, 4.0]


def test_step_with_closure_returns_loss():
    w = param(3.0)
    opt = GD([w], lr=0.5)
    seen = []

    def closure():
        opt.zero_grad()
        seen.append(torch.is_grad_enabled())
        return backward_square(w)

    loss = opt.step(closure)
    assert loss.item() == 9.0 and seen == [True]
    assert w.item() == 0.0


def test_step_restores_grad_mode_on_error():
    w = param(1.0)
    opt = GD([w])

    def closure():
        raise KeyError("boom")

    with pytest.raises(KeyError):
        opt.step(closure)
    assert torch.is_grad_enabled()


def test_differentiable_step_records():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1.0
    opt = GD([y], lr=0.5, differentiable=True)
    y.grad = torch.tensor([1.0, 1.0])
    opt.step()
    assert opt.grad_enabled_in_step is True


def test_base_step_is_abstract():
    with pytest.raises(NotImplementedError):
        Optimizer([param(1.0)], {}).step()


def test_zero_grad():
    w, b = param(1.0, 2.0), param(3.0)
    opt = GD([w, b])
    backward_square(w, b)
    opt.zero_grad()
    assert w.grad is None and b.grad is None
    backward_square(w)
    grad = w.grad
    opt.zero_grad(set_to_none=False)
    assert w.grad is grad and w.grad.tolist() == [0.0, 0.0]
    assert b.grad is None


# ---- state dict ----------------------------------------------------------------------------------
def two_group_optimizer(lr=0.1):
    w, b, c = param(1.0, 2.0), param(3.0), param(-1.0, 0.5)
    opt = GD([{"params": [w]}, {"params": [b, c], "lr": 0.05}], lr=lr, momentum=0.9)
    return opt, (w, b, c)


def train(opt, params, steps):
    for _ in range(steps):
        opt.zero_grad()
        backward_square(*params)
        opt.step()


def test_state_dict_layout():
    opt, (w, b, c) = two_group_optimizer()
    opt.zero_grad()
    backward_square(w, c)  # b gets no gradient and so no state
    opt.step()
    sd = opt.state_dict()
    assert list(sd) == ["state", "param_groups"]
    assert sd["param_groups"] == [
        {"lr": 0.1, "momentum": 0.9, "differentiable": False, "params": [0]},
        {"lr": 0.05, "momentum": 0.9, "differentiable": False, "params": [1, 2]},
    ]
    assert sorted(sd["state"]) == [0, 2]
    assert sorted(sd["state"][0]) == ["momentum_buffer", "step"]
    assert sd["state"][0]["momentum_buffer"] is opt.state[w]["momentum_buffer"]
    assert sd["state"][2]["momentum_buffer"].tolist() == [-2.0, 1.0]
    assert sd["state"][2]["step"].item() == 1.0


def test_load_state_dict_continues_identically():
    opt, params = two_group_optimizer()
    train(opt, params, 3)
    sd = copy.deepcopy(opt.state_dict())

    opt2, params2 = two_group_optimizer(lr=0.7)
    with torch.no_grad():
        for p, q in zip(params, params2):
            q.copy_(p)
    opt2.load_state_dict(sd)
    assert [g["lr"] for g in opt2.param_groups] == [0.1, 0.05]
    assert opt2.param_groups[0]["params"][0] is params2[0]
    assert sd["param_groups"][0]["params"] == [0]  # the loaded dict keeps its indices
    for p, q in zip(params, params2):
        assert opt2.state[q]["momentum_buffer"].tolist() == opt.state[p]["momentum_buffer"].tolist()
        assert opt2.state[q]["step"].item() == 3.0

    train(opt, params, 2)
    train(opt2, params2, 2)
    for p, q in zip(params, params2):
        assert p.detach().tolist() == q.detach().tolist()
    assert opt2.state_dict()["param_groups"] == opt.state_dict()["param_groups"]


def test_load_state_dict_casts_state_but_not_step():
    w = param(1.0, 2.0)
    opt = GD([w], momentum=0.9)
    train(opt, [w], 1)
    w64 = param(1.0, 2.0, dtype=torch.float64)
    opt64 = GD([w64], momentum=0.9)
    opt64.load_state_dict(opt.state_dict())
    assert opt64.state[w64]["momentum_buffer"].dtype == torch.float64
    assert opt64.state[w64]["momentum_buffer"].tolist() == [2.0, 4.0]
    assert opt64.state[w64]["step"].dtype == torch.float32


def test_load_state_dict_errors():
    opt, _ = two_group_optimizer()
    sd = opt.state_dict()
    one_group = GD([param(1.0)])
    with pytest.raises(ValueError, match="^loaded state dict has a different number of parameter groups$"):
        one_group.load_state_dict(sd)
    other, _ = two_group_optimizer()
    other.param_groups[1]["params"].pop()
    with pytest.raises(ValueError, match="^loaded state dict contains a parameter group that doesn't match the "
                                         "size of optimizer's group$"):
        other.load_state_dict(sd)


def test_state_dict_round_trip_through_save_and_load(tmp_path):
    opt, params = two_group_optimizer()
    train(opt, params, 2)
    path = tmp_path / "optimizer.pt"
    torch.save(opt.state_dict(), path)
    loaded = torch.load(path)
    assert loaded["param_groups"] == opt.state_dict()["param_groups"]
    assert sorted(loaded["state"]) == [0, 1, 2]

    opt2, params2 = two_group_optimizer(lr=0.3)
    with torch.no_grad():
        for p, q in zip(params, params2):
            q.copy_(p)
    opt2.load_state_dict(loaded)
    train(opt, params, 2)
    train(opt2, params2, 2)
    for p, q in zip(params, params2):
        assert p.detach().tolist() == q.detach().tolist()
        assert opt2.state[q]["step"].item() == opt.state[p]["step"].item() == 4.0


def test_state_dict_and_load_hooks():
    opt, params = two_group_optimizer()
    calls = []
    opt.register_state_dict_pre_hook(lambda o: calls.append(("pre", o is opt)))

    def add_key(o, sd):
        sd["extra"] = 1

    opt.register_state_dict_post_hook(add_key)
    sd = opt.state_dict()
    assert calls == [("pre", True)] and sd["extra"] == 1

    def set_lr(o, sd):
        sd = dict(sd)
        sd["param_groups"] = [dict(g, lr=0.125) for g in sd["param_groups"]]
        return sd

    opt.register_load_state_dict_pre_hook(set_lr)
    opt.register_load_state_dict_post_hook(lambda o: calls.append("post-load"))
    opt.load_state_dict(sd)
    assert [g["lr"] for g in opt.param_groups] == [0.125, 0.125]
    assert calls[-1] == "post-load"


# ---- step hooks ----------------------------------------------------------------------------------
def test_step_hooks():
    w = param(1.0)
    opt = GD([w], lr=0.5)
    calls = []

    def pre(o, args, kwargs):
        calls.append(("pre", o is opt, args[1:], dict(kwargs)))

    def post(o, args, kwargs):
        calls.append(("post", o is opt))

    h1 = opt.register_step_pre_hook(pre)
    h2 = opt.register_step_post_hook(post)
    backward_square(w)
    opt.step()
    assert calls == [("pre", True, (), {}), ("post", True)]
    h1.remove()
    h2.remove()
    opt.step()
    assert len(calls) == 2


def test_step_pre_hook_may_replace_arguments():
    w = param(2.0)
    opt = GD([w], lr=0.5)
    opt.register_step_pre_hook(lambda o, args, kwargs: (args, {"closure": lambda: 42}))
    assert opt.step() == 42

    bad = GD([param(1.0)])
    bad.register_step_pre_hook(lambda o, args, kwargs: 5)
    with pytest.raises(RuntimeError, match="must return None or a tuple of \\(new_args, new_kwargs\\), but got 5"):
        bad.step()


def test_global_step_hooks():
    mod = optimizer_module
    w = param(1.0)
    opt = GD([w])
    calls = []
    h1 = mod.register_optimizer_step_pre_hook(lambda o, a, k: calls.append("global-pre"))
    h2 = mod.register_optimizer_step_post_hook(lambda o, a, k: calls.append("global-post"))
    opt.register_step_pre_hook(lambda o, a, k: calls.append("pre"))
    opt.register_step_post_hook(lambda o, a, k: calls.append("post"))
    try:
        opt.step()
    finally:
        h1.remove()
        h2.remove()
    assert calls == ["global-pre", "pre", "post", "global-post"]
    opt.step()
    assert calls[4:] == ["pre", "post"]


# ---- repr ----------------------------------------------------------------------------------------
def test_repr():
    opt = GD([{"params": [param(1.0)]}, {"params": [param(2.0)], "lr": 0.01}], lr=0.5)
    assert repr(opt) == ("GD (\n"
                         "Parameter Group 0\n"
                         "    differentiable: False\n"
                         "    lr: 0.5\n"
                         "    momentum: 0.0\n"
                         "\n"
                         "Parameter Group 1\n"
                         "    differentiable: False\n"
                         "    lr: 0.01\n"
                         "    momentum: 0.0\n"
                         ")")


@pytest.mark.skipif(IS_REFERENCE, reason="rustorch's own docstrings")
@pytest.mark.parametrize("name", ["optimizer", "lr_scheduler"])
def test_docstring_examples(name):
    mod = importlib.import_module("rustorch.optim." + name)
    result = doctest.testmod(mod, extraglobs={"rustorch": torch}, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_load_state_dict_moves_state_to_the_parameters_device():
    from _wgpu import require

    require()
    w = param(1.0, 2.0)
    opt = GD([w], momentum=0.9)
    train(opt, [w], 2)
    wg = torch.nn.Parameter(torch.tensor([1.0, 2.0], device="wgpu"))
    opt_g = GD([wg], momentum=0.9)
    opt_g.load_state_dict(opt.state_dict())
    buf = opt_g.state[wg]["momentum_buffer"]
    assert buf.device == wg.device and buf.cpu().tolist() == opt.state[w]["momentum_buffer"].tolist()
    assert opt_g.state[wg]["step"].device.type == "cpu"  # "step" stays where it was
    with torch.no_grad():
        wg.copy_(w.to("wgpu"))
    train(opt, [w], 1)
    train(opt_g, [wg], 1)
    assert wg.detach().cpu().tolist() == pytest.approx(w.detach().tolist(), rel=1e-6)
