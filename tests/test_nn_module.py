"""nn.Module and the containers, Linear/Bilinear/Flatten, nn.functional.linear and nn.utils: PyTorch's
behaviour (the file runs against PyTorch too, RUSTORCH_TEST_AGAINST=torch)."""
import copy
import importlib
import re
from collections import OrderedDict

import numpy as np
import pytest

from _backend import IS_REFERENCE, torch
from _wgpu import require

nn = torch.nn
F = importlib.import_module(torch.__name__ + ".nn.functional")
DEVICES = ["cpu", "wgpu"]
T = torch.__name__  # "torch" or "rustorch" in type names: torch.FloatTensor, torch.Size([2, 3])


def _dev(device, f64=False):
    if device == "wgpu":
        props = require()
        if f64 and props.get("shader_f64") != "true":
            pytest.skip("needs float64 on the device")
    return device


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(1))
        self.body = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
        self.register_buffer("steps", torch.zeros((), dtype=torch.int64))
        self.register_buffer("cache", torch.zeros(2), persistent=False)

    def forward(self, x):
        return self.body(x) * self.scale


# ---- registration ----------------------------------------------------------------------------------


def test_attributes_are_registered_by_kind():
    net = Net()
    assert [n for n, _ in net.named_parameters()] == ["scale", "body.0.weight", "body.0.bias", "body.1.weight",
                                                      "body.1.bias"]
    assert [n for n, _ in net.named_buffers()] == ["steps", "cache"]
    assert [n for n, _ in net.named_children()] == ["body"]
    assert [n for n, _ in net.named_modules()] == ["", "body", "body.0", "body.1"]
    assert [n for n, _ in net.named_parameters(recurse=False)] == ["scale"]
    assert [n for n, _ in net.named_parameters(prefix="model")][1] == "model.body.0.weight"
    assert net.scale is net._parameters["scale"] and net.body is net._modules["body"]
    assert "scale" in dir(net) and "body" in dir(net) and "steps" in dir(net)
    with pytest.raises(AttributeError, match="'Net' object has no attribute 'nope'"):
        net.nope


def test_assignment_errors_and_reassignment():
    net = Net()
    with pytest.raises(TypeError, match=r"cannot assign '\w+\.FloatTensor' as parameter 'scale' "
                                        r"\(torch\.nn\.Parameter or None expected\)"):
        net.scale = torch.ones(1)
    with pytest.raises(TypeError, match=r"cannot assign 'int' as child module 'body' \(torch\.nn\.Module or None "
                                        r"expected\)"):
        net.body = 3
    with pytest.raises(TypeError, match=r"cannot assign 'str' as buffer 'steps' \(torch\.nn\.Buffer, torch\.Tensor or "
                                        r"None expected\)"):
        net.steps = "x"
    net.scale = None  # a parameter slot holding None: kept as a name, skipped by parameters()
    assert net.scale is None and "scale" in net._parameters and len(list(net.parameters())) == 4
    net.steps = torch.ones(())  # a buffer slot takes any tensor
    assert net.steps.item() == 1.0 and "steps" in net.state_dict()
    net.body = nn.Parameter(torch.zeros(2))  # a name moves from modules to parameters
    assert "body" not in net._modules and isinstance(net.body, nn.Parameter)
    del net.body, net.steps, net.cache
    assert "body" not in net._parameters and not list(net.buffers())
    net.plain = 3
    assert net.plain == 3 and "plain" in net.__dict__


def test_registration_errors():
    m = nn.Module()
    m.register_buffer("b", torch.zeros(1))
    m.x = 1
    with pytest.raises(KeyError, match="attribute 'x' already exists"):
        m.register_buffer("x", torch.zeros(1))
    with pytest.raises(KeyError, match=r'buffer name can.+t contain "\."'):
        m.register_buffer("a.b", torch.zeros(1))
    with pytest.raises(TypeError, match="buffer name should be a string. Got int"):
        m.register_buffer(1, torch.zeros(1))
    with pytest.raises(TypeError, match=r"cannot assign 'list' object to buffer 'c' \(torch Tensor or None required\)"):
        m.register_buffer("c", [1])
    with pytest.raises(KeyError, match=r'parameter name can.+t be empty string ""'):
        m.register_parameter("", None)
    with pytest.raises(TypeError, match=r"cannot assign '\w+\.FloatTensor' object to parameter 'p' "
                                        r"\(torch\.nn\.Parameter or None required\)"):
        m.register_parameter("p", torch.zeros(1))
    with pytest.raises(TypeError, match="int is not a Module subclass"):
        m.add_module("c", 3)
    with pytest.raises(KeyError, match=r'module name can.+t contain "\.", got: a\.b'):
        m.add_module("a.b", nn.Identity())
    m.register_module("child", nn.Identity())
    assert list(dict(m.named_children())) == ["child"]

    class Early(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(torch.ones(1))

    with pytest.raises(AttributeError, match=r"cannot assign parameters before Module.__init__\(\) call"):
        Early()
    with pytest.raises(TypeError, match=r"Module.__init__\(\) got an unexpected keyword argument 'x'"):
        nn.Module(x=1)
    with pytest.raises(NotImplementedError, match='Module \\[Module\\] is missing the required "forward" function'):
        nn.Module()(torch.ones(1))


def test_shared_members_are_listed_once():
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, lin)
    assert len(list(seq.parameters())) == 2 and len(list(seq.modules())) == 2
    assert [n for n, _ in seq.named_parameters(remove_duplicate=False)] == ["0.weight", "0.bias", "1.weight", "1.bias"]
    assert [n for n, _ in seq.named_modules(remove_duplicate=False)] == ["", "0", "1"]
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]


def test_get_submodule_parameter_buffer():
    net = Net()
    assert net.get_submodule("body.1") is net.body[1] and net.get_submodule("") is net
    assert net.get_parameter("body.0.bias") is net.body[0].bias and net.get_buffer("steps") is net.steps
    with pytest.raises(AttributeError, match="Sequential has no attribute `5`"):
        net.get_submodule("body.5")
    with pytest.raises(AttributeError, match="`scale` is not an nn.Module"):
        net.get_submodule("scale.x")
    with pytest.raises(AttributeError, match="Linear has no attribute `nope`"):
        net.get_parameter("body.0.nope")
    with pytest.raises(AttributeError, match="`body` is not an nn.Parameter"):
        net.get_parameter("body")
    with pytest.raises(AttributeError, match="`scale` is not a buffer"):
        net.get_buffer("scale")
    net.set_submodule("body.0", nn.Identity())
    assert isinstance(net.body[0], nn.Identity)


# ---- state dict ------------------------------------------------------------------------------------


def test_state_dict_keys_values_and_sharing():
    net = Net()
    sd = net.state_dict()
    assert isinstance(sd, OrderedDict)
    assert list(sd) == ["scale", "steps", "body.0.weight", "body.0.bias", "body.1.weight", "body.1.bias"]
    for v in sd.values():
        assert not v.requires_grad and v.grad_fn is None and not isinstance(v, nn.Parameter)
    assert sd["body.0.weight"].data_ptr() == net.body[0].weight.data_ptr()
    kept = net.state_dict(keep_vars=True)
    assert kept["scale"] is net.scale
    assert list(net.body.state_dict(prefix="body.")) == ["body.0.weight", "body.0.bias", "body.1.weight",
                                                         "body.1.bias"]


def test_load_state_dict_round_trip_keeps_identity():
    torch.manual_seed(0)
    a, b = Net(), Net()
    with torch.no_grad():
        a.steps.fill_(7)
    params = list(b.parameters())
    ptrs = [p.data_ptr() for p in params]
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == [] and repr(result) == "<All keys matched successfully>"
    assert all(p is q for p, q in zip(params, b.parameters()))
    assert [p.data_ptr() for p in b.parameters()] == ptrs  # copied in place
    assert all(p.requires_grad and p.is_leaf for p in b.parameters())
    assert b.steps.item() == 7
    x = torch.ones(5, 3)
    assert torch.equal(a(x), b(x))
    d = Net().double()
    d.load_state_dict(a.state_dict())  # values cast into the float64 parameters
    assert d.body[0].weight.dtype == torch.float64
    assert np.allclose(d.body[0].weight.detach().numpy(), a.body[0].weight.detach().numpy())


def test_load_state_dict_strict_errors():
    lin = nn.Linear(3, 2)
    sd = lin.state_dict()
    with pytest.raises(RuntimeError) as e:
        lin.load_state_dict({"weight": sd["weight"]})
    assert str(e.value) == 'Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias". '
    with pytest.raises(RuntimeError) as e:
        lin.load_state_dict({"weight": sd["weight"], "b": sd["bias"]})
    assert str(e.value) == ('Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias". '
                            '\n\tUnexpected key(s) in state_dict: "b". ')
    with pytest.raises(RuntimeError) as e:
        lin.load_state_dict({"weight": torch.ones(3, 3), "bias": sd["bias"]})
    assert str(e.value) == (f"Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight: copying a param "
                            f"with shape {T}.Size([3, 3]) from checkpoint, the shape in current model is "
                            f"{T}.Size([2, 3]).")
    with pytest.raises(RuntimeError) as e:
        lin.load_state_dict({"weight": sd["weight"], "bias": 3})
    assert str(e.value) == ("Error(s) in loading state_dict for Linear:\n\tWhile copying the parameter named \"bias\", "
                            "expected torch.Tensor or Tensor-like object from checkpoint but received <class 'int'>")
    seq = nn.Sequential(nn.Linear(1, 1))
    with pytest.raises(RuntimeError, match=re.escape('Unexpected key(s) in state_dict: "1.weight", "0.extra". ')):
        seq.load_state_dict({**seq.state_dict(), "1.weight": torch.ones(1), "0.extra": torch.ones(1)})
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like, got <class 'list'>."):
        lin.load_state_dict([1])


def test_load_state_dict_non_strict_and_assign():
    lin = nn.Linear(3, 2)
    before = lin.bias.detach().clone()
    result = lin.load_state_dict({"weight": torch.ones(2, 3), "extra": torch.ones(1)}, strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["extra"]
    assert result == (["bias"], ["extra"])
    assert repr(result) == "_IncompatibleKeys(missing_keys=['bias'], unexpected_keys=['extra'])"
    assert lin.weight.tolist() == [[1.0] * 3] * 2 and torch.equal(lin.bias, before)
    src = torch.full((2, 3), 2.0)
    lin.load_state_dict({"weight": src, "bias": torch.zeros(2)}, assign=True)
    assert isinstance(lin.weight, nn.Parameter) and lin.weight.requires_grad
    assert lin.weight.data_ptr() == src.data_ptr()  # the given tensor itself, not a copy


def test_extra_state_and_hooks_of_state_dict():
    class WithState(nn.Module):
        def __init__(self):
            super().__init__()
            self.value = 1

        def get_extra_state(self):
            return {"value": self.value}

        def set_extra_state(self, state):
            self.value = state["value"]

    m = WithState()
    m.value = 5
    sd = m.state_dict()
    assert sd["_extra_state"] == {"value": 5}
    fresh = WithState()
    fresh.load_state_dict(sd)
    assert fresh.value == 5
    seen = []
    h = fresh.register_load_state_dict_post_hook(lambda mod, keys: seen.append(list(keys.missing_keys)))
    fresh.load_state_dict({}, strict=False)
    h.remove()
    fresh.load_state_dict({}, strict=False)
    assert seen == [["_extra_state"]]


# ---- modes, conversion, gradients ----------------------------------------------------------------


def test_train_eval_propagate():
    net = Net()
    assert net.training and net.body[0].training
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.body.train()
    assert not net.training and net.body.training and net.body[1].training
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        net.train("yes")


def test_to_dtype_keeps_parameter_identity():
    net = Net()
    net(torch.ones(2, 3)).sum().backward()
    params = list(net.parameters())
    grads = [p.grad for p in params]
    assert net.to(torch.float64) is net
    assert all(p is q for p, q in zip(params, net.parameters()))
    assert all(p.dtype == torch.float64 and p.grad.dtype == torch.float64 for p in params)
    assert all(p.grad is g for p, g in zip(params, grads))  # the gradient tensors too
    assert net.steps.dtype == torch.int64  # integer buffers keep their dtype
    assert net.cache.dtype == torch.float64
    assert all(p.is_leaf and p.requires_grad for p in params)
    net.float()
    assert net.scale.dtype == torch.float32 and net.body[0].bias.dtype == torch.float32
    net.half()
    assert net.body[1].weight.dtype == torch.float16
    net.to(torch.ones(1, dtype=torch.float64))
    assert net.body[1].weight.dtype == torch.float64
    net.to(dtype=torch.float32)
    assert net.body[1].weight.dtype == torch.float32
    with pytest.raises(TypeError, match=r"nn.Module.to only accepts floating point or complex dtypes, but got desired "
                                        r"dtype=\w+\.int64"):
        net.to(torch.int64)
    assert net.cpu() is net and net.scale.device.type == "cpu"


def test_zero_grad_and_requires_grad_():
    lin = nn.Linear(2, 2)
    lin(torch.ones(1, 2)).sum().backward()
    g = lin.weight.grad
    lin.zero_grad(set_to_none=False)
    assert lin.weight.grad is g and g.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    lin.zero_grad()
    assert lin.weight.grad is None and lin.bias.grad is None
    assert lin.requires_grad_(False) is lin
    assert not any(p.requires_grad for p in lin.parameters())
    assert lin(torch.ones(1, 2)).grad_fn is None


def test_apply_order_and_deepcopy():
    net = Net()
    seen = []
    assert net.apply(lambda m: seen.append(type(m).__name__)) is net
    assert seen == ["Linear", "Linear", "Sequential", "Net"]
    twin = copy.deepcopy(net)
    assert twin.body[0].weight is not net.body[0].weight
    assert twin.body[0].weight.data_ptr() != net.body[0].weight.data_ptr()
    assert torch.equal(twin.body[0].weight, net.body[0].weight) and isinstance(twin.body[0].weight, nn.Parameter)
    assert list(twin.state_dict()) == list(net.state_dict())


# ---- calling and hooks ---------------------------------------------------------------------------------


def test_forward_hooks_order_replacement_and_removal():
    m = nn.Identity()
    calls = []
    h1 = m.register_forward_pre_hook(lambda mod, args: calls.append("pre1"))
    h2 = m.register_forward_pre_hook(lambda mod, args: args[0] + 1)  # a single value: wrapped into args
    h0 = m.register_forward_pre_hook(lambda mod, args: calls.append("pre0"), prepend=True)
    h3 = m.register_forward_hook(lambda mod, args, out: calls.append(("post", args[0].tolist(), out.tolist())))
    h4 = m.register_forward_hook(lambda mod, args, out: out * 10)
    assert m(torch.zeros(1)).tolist() == [10.0]
    assert calls == ["pre0", "pre1", ("post", [1.0], [1.0])]
    for h in (h0, h1, h2, h3):
        h.remove()
    h.remove()  # removing twice is harmless
    assert m(torch.zeros(1)).tolist() == [0.0]
    with h4:
        pass
    assert m(torch.zeros(1)).tolist() == [0.0]


def test_forward_hooks_with_kwargs_and_always_call():
    class Scale(nn.Module):
        def forward(self, x, factor=1.0):
            if factor < 0:
                raise ValueError("negative")
            return x * factor

    m = Scale()
    m.register_forward_pre_hook(lambda mod, args, kwargs: (args, {"factor": kwargs["factor"] * 2}), with_kwargs=True)
    seen = []
    m.register_forward_hook(lambda mod, args, kwargs, out: seen.append(kwargs["factor"]), with_kwargs=True)
    assert m(torch.ones(1), factor=3.0).tolist() == [6.0] and seen == [6.0]
    ran = []
    m.register_forward_hook(lambda mod, args, out: ran.append(out), always_call=True)
    with pytest.raises(ValueError, match="negative"):
        m(torch.ones(1), factor=-1.0)
    assert ran == [None]


# ---- printing ------------------------------------------------------------------------------------------


def test_repr_of_nested_modules():
    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 4, bias=False)
            self.norm = nn.Identity()

        def extra_repr(self):
            return "width=4"

    net = nn.Sequential(OrderedDict([("embed", nn.Linear(3, 4)), ("blocks", nn.ModuleList([Block(), Block()])),
                                     ("flat", nn.Flatten()), ("head", nn.Bilinear(4, 4, 2)),
                                     ("out", nn.Unflatten(1, (1, 2)))]))
    assert repr(net) == """Sequential(
  (embed): Linear(in_features=3, out_features=4, bias=True)
  (blocks): ModuleList(
    (0-1): 2 x Block(
      width=4
      (fc): Linear(in_features=4, out_features=4, bias=False)
      (norm): Identity()
    )
  )
  (flat): Flatten(start_dim=1, end_dim=-1)
  (head): Bilinear(in1_features=4, in2_features=4, out_features=2, bias=True)
  (out): Unflatten(dim=1, unflattened_size=(1, 2))
)"""
    assert repr(nn.Module()) == "Module()" and repr(nn.ModuleList()) == "ModuleList()"
    mixed = nn.ModuleList([nn.Identity(), nn.Identity(), nn.Linear(1, 1), nn.Identity()])
    assert repr(mixed) == ("ModuleList(\n  (0-1): 2 x Identity()\n  (2): Linear(in_features=1, out_features=1, "
                           "bias=True)\n  (3): Identity()\n)")


def test_repr_of_parameter_containers():
    plist = nn.ParameterList([torch.ones(2, 3), torch.zeros(4, dtype=torch.float64), 3])
    assert repr(plist) == (f"ParameterList(\n    (0): Parameter containing: [{T}.float32 of size 2x3]\n"
                           f"    (1): Parameter containing: [{T}.float64 of size 4]\n"
                           "    (2): Object of type: int\n)")
    pdict = nn.ParameterDict({"b": torch.ones(2), "a": "text"})
    assert repr(pdict) == ("ParameterDict(\n    (a): Object of type: str\n"
                           f"    (b): Parameter containing: [{T}.FloatTensor of size 2]\n)")


# ---- containers ------------------------------------------------------------------------------------------


def test_sequential():
    layers = [nn.Linear(2, 3), nn.Identity(), nn.Linear(3, 1)]
    seq = nn.Sequential(*layers)
    assert len(seq) == 3 and list(seq) == layers and seq[-1] is layers[2] and seq[0] is layers[0]
    tail = seq[1:]
    assert isinstance(tail, nn.Sequential) and list(tail) == layers[1:]
    assert list(dict(tail.named_children())) == ["1", "2"]
    with pytest.raises(IndexError, match="index 3 is out of range"):
        seq[3]
    x = torch.ones(4, 2)
    assert torch.equal(seq(x), layers[2](layers[0](x)))
    seq.append(nn.Flatten(0))
    assert seq(x).shape == (4,)
    del seq[1]
    assert list(dict(seq.named_children())) == ["0", "1", "2"] and seq[1] is layers[2]
    seq[0] = nn.Identity()
    assert isinstance(seq[0], nn.Identity)
    seq.insert(0, layers[0])
    assert seq[0] is layers[0] and len(seq) == 4
    assert len(seq + nn.Sequential(nn.Identity())) == 5 and len(seq * 2) == 8
    named = nn.Sequential(OrderedDict([("a", nn.Identity()), ("b", nn.Linear(1, 1))]))
    assert list(named.state_dict()) == ["b.weight", "b.bias"] and named.a is named[0]
    assert seq.pop(0) is layers[0] and len(seq) == 3


def test_module_list():
    ml = nn.ModuleList([nn.Linear(1, 1) for _ in range(3)])
    assert len(ml) == 3 and len(list(ml.parameters())) == 6
    assert ml[-1] is ml[2] and isinstance(ml[:2], nn.ModuleList) and len(ml[:2]) == 2
    ml.append(nn.Identity()).extend([nn.Identity()])
    ml.insert(0, nn.Flatten())
    assert [type(m).__name__ for m in ml] == ["Flatten", "Linear", "Linear", "Linear", "Identity", "Identity"]
    del ml[0]
    assert list(dict(ml.named_children())) == ["0", "1", "2", "3", "4"] and isinstance(ml[0], nn.Linear)
    ml += [nn.Identity()]
    assert len(ml) == 6
    with pytest.raises(IndexError, match="index 6 is out of range"):
        ml[6]
    with pytest.raises(TypeError, match="ModuleList.extend should be called with an iterable, but got int"):
        ml.extend(3)


def test_module_dict():
    md = nn.ModuleDict({"fc": nn.Linear(2, 2), "act": nn.Identity()})
    assert list(md.keys()) == ["fc", "act"] and "fc" in md and len(md) == 2
    md.update([("out", nn.Linear(2, 1))])
    md["act"] = nn.Flatten()
    assert list(md) == ["fc", "act", "out"] and isinstance(md["act"], nn.Flatten)
    assert list(md.state_dict()) == ["fc.weight", "fc.bias", "out.weight", "out.bias"]
    assert isinstance(md.pop("fc"), nn.Linear) and "fc" not in md
    assert [k for k, _ in md.items()] == ["act", "out"] and len(list(md.values())) == 2
    with pytest.raises(ValueError, match="ModuleDict update sequence element #0 has length 1; 2 is required"):
        md.update([("x",)])
    md.clear()
    assert len(md) == 0


def test_parameter_list_and_dict():
    pl = nn.ParameterList([torch.ones(2), nn.Parameter(torch.zeros(3))])
    pl.append(torch.ones(1))
    assert len(pl) == 3 and all(isinstance(p, nn.Parameter) for p in pl)
    assert [n for n, _ in pl.named_parameters()] == ["0", "1", "2"] and pl[-1].shape == (1,)
    assert len(pl[1:]) == 2
    with pytest.raises(RuntimeError, match="ParameterList should not be called."):
        pl(1)
    pd = nn.ParameterDict({"w": torch.ones(2), "b": torch.zeros(1)})
    assert list(pd) == ["b", "w"]  # a plain dict is added in sorted key order
    pd["a"] = torch.ones(3)
    assert list(pd.keys()) == ["b", "w", "a"] and isinstance(pd["a"], nn.Parameter)
    assert len(list(pd.parameters())) == 3 and pd.get("zz") is None and "w" in pd
    assert pd.pop("w").shape == (2,) and list(pd) == ["b", "a"]
    assert pd.setdefault("c", torch.ones(1)).shape == (1,) and list(pd) == ["b", "a", "c"]
    with pytest.raises(TypeError, match="Index given to ParameterDict cannot be used as a key as it is not a string"):
        pd[1]


# ---- layers and nn.functional.linear --------------------------------------------------------------------


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape", [(5, 3), (2, 4, 3), (3,), (2, 3, 4, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_forward_backward_against_numpy(device, shape, bias):
    _dev(device)
    rng = np.random.default_rng(0)
    x_np = rng.uniform(-1, 1, shape).astype(np.float32)
    w_np = rng.uniform(-1, 1, (2, 3)).astype(np.float32)
    b_np = rng.uniform(-1, 1, (2,)).astype(np.float32)
    lin = nn.Linear(3, 2, bias=bias)
    lin.load_state_dict({"weight": torch.from_numpy(w_np), **({"bias": torch.from_numpy(b_np)} if bias else {})})
    lin.to(device)
    x = torch.from_numpy(x_np).to(device).requires_grad_()
    y = lin(x)
    want = x_np.astype(np.float64) @ w_np.T.astype(np.float64) + (b_np if bias else 0)
    assert y.device.type == device and y.shape == want.shape
    np.testing.assert_allclose(y.detach().cpu().numpy(), want, rtol=1e-5, atol=1e-5)
    g_np = rng.uniform(-1, 1, want.shape).astype(np.float32)
    y.backward(torch.from_numpy(g_np).to(device))
    g2, x2 = g_np.reshape(-1, 2).astype(np.float64), x_np.reshape(-1, 3).astype(np.float64)
    np.testing.assert_allclose(lin.weight.grad.cpu().numpy(), g2.T @ x2, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(x.grad.cpu().numpy(), (g_np.astype(np.float64) @ w_np).reshape(shape), rtol=1e-5,
                               atol=1e-5)
    if bias:
        np.testing.assert_allclose(lin.bias.grad.cpu().numpy(), g2.sum(0), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("device", DEVICES)
def test_linear_and_bilinear_gradcheck(device):
    _dev(device, f64=True)
    rng = np.random.default_rng(1)

    def leaf(*shape):
        return torch.from_numpy(rng.uniform(-1, 1, shape)).to(device).requires_grad_()

    x, w, b = leaf(4, 3), leaf(2, 3), leaf(2)
    assert torch.autograd.gradcheck(F.linear, (x, w, b))
    assert torch.autograd.gradcheck(lambda x, w: F.linear(x, w), (leaf(2, 2, 3), w))
    # a non-contiguous batch with a bias: the matmul path, then the bias added
    assert torch.autograd.gradcheck(lambda x, w, b: F.linear(x.transpose(0, 1), w, b), (leaf(2, 2, 3), w, b))
    x1, x2, wb = leaf(3, 2), leaf(3, 4), leaf(5, 2, 4)
    assert torch.autograd.gradcheck(F.bilinear, (x1, x2, wb, leaf(5)))


def test_linear_errors():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 5x4\)"):
        F.linear(torch.ones(2, 3), torch.ones(4, 5))
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(14x3 and 5x4\)"):
        F.linear(torch.ones(2, 7, 3), torch.ones(4, 5), torch.ones(4))
    with pytest.raises(RuntimeError, match="both arguments to linear need to be at least 1D, but they are 0D and 2D"):
        F.linear(torch.ones(()), torch.ones(4, 3))
    with pytest.raises(TypeError, match=r"linear\(\): argument 'input' \(position 1\) must be Tensor, not list"):
        F.linear([1.0], torch.ones(4, 3))
    with pytest.raises(TypeError, match=r"linear\(\): argument 'bias' \(position 3\) must be Tensor, not int"):
        F.linear(torch.ones(2, 3), torch.ones(4, 3), 3)
    assert F.linear(torch.ones(2, 3), torch.ones(3)).shape == (2,)
    assert F.linear(torch.ones(0, 3), torch.ones(4, 3), torch.ones(4)).shape == (0, 4)
    assert F.linear(torch.ones(2, 3, dtype=torch.int64), torch.ones(4, 3, dtype=torch.int64)).dtype == torch.int64


def test_bilinear_against_numpy_and_errors():
    rng = np.random.default_rng(2)
    x1, x2 = rng.uniform(-1, 1, (2, 3, 4)), rng.uniform(-1, 1, (2, 3, 5))
    w, b = rng.uniform(-1, 1, (6, 4, 5)), rng.uniform(-1, 1, (6,))
    m = nn.Bilinear(4, 5, 6).double()
    m.load_state_dict({"weight": torch.from_numpy(w), "bias": torch.from_numpy(b)})
    y = m(torch.from_numpy(x1), torch.from_numpy(x2))
    np.testing.assert_allclose(y.detach().numpy(), np.einsum("...i,oij,...j->...o", x1, w, x2) + b, rtol=1e-12)
    assert F.bilinear(torch.ones(3), torch.ones(5), torch.ones(4, 3, 5)).shape == (4,)
    with pytest.raises(RuntimeError, match=r"bilinear\(\): input batch dimensions do not match at dim 0: got 2 and 3"):
        F.bilinear(torch.ones(2, 3), torch.ones(3, 5), torch.ones(4, 3, 5))
    with pytest.raises(RuntimeError, match=r"bilinear\(\): input2 size does not match weight size: got 6 but expected 5"):
        F.bilinear(torch.ones(2, 3), torch.ones(2, 6), torch.ones(4, 3, 5))
    with pytest.raises(RuntimeError, match=r"bilinear\(\): bias size does not match weight size: got 3 but expected 4"):
        F.bilinear(torch.ones(2, 3), torch.ones(2, 5), torch.ones(4, 3, 5), torch.ones(3))
    with pytest.raises(RuntimeError, match="All tensors must have the same dtype, got input1: double, input2: float, "
                                           "weight: float"):
        F.bilinear(torch.ones(2, 3, dtype=torch.float64), torch.ones(2, 5), torch.ones(4, 3, 5))


def test_linear_init_and_construction():
    torch.manual_seed(0)
    lin = nn.Linear(400, 300)
    bound = 1 / 20
    w = lin.weight.detach().numpy()
    assert lin.weight.shape == (300, 400) and lin.bias.shape == (300,)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    assert abs(w.std() - bound / np.sqrt(3)) < 0.01 * bound and abs(w.mean()) < 0.01 * bound
    assert np.abs(lin.bias.detach().numpy()).max() <= bound
    assert repr(lin) == "Linear(in_features=400, out_features=300, bias=True)"
    d = nn.Linear(2, 3, bias=False, dtype=torch.float64)
    assert d.weight.dtype == torch.float64 and d.bias is None and list(d.state_dict()) == ["weight"]
    bl = nn.Bilinear(10, 2, 3)
    assert np.abs(bl.weight.detach().numpy()).max() <= 1 / np.sqrt(10)
    with pytest.raises(ValueError, match=r"in1_features must be > 0, but got \(in1_features=0\)"):
        nn.Bilinear(0, 2, 3)


def test_flatten_unflatten_identity():
    x = torch.ones(2, 3, 4, 5)
    assert nn.Flatten()(x).shape == (2, 60) and nn.Flatten(0, 2)(x).shape == (24, 5)
    assert nn.Unflatten(1, (3, 1))(torch.ones(2, 3)).shape == (2, 3, 1)
    assert nn.Identity(3, a=1)(x) is x
    with pytest.raises(TypeError, match="unflattened_size must be tuple of ints, but found element of type float at pos 1"):
        nn.Unflatten(1, (2, 2.0))
    with pytest.raises(TypeError, match="unflattened_size must be a tuple of ints, but found type int"):
        nn.Unflatten(1, 4)


@pytest.mark.parametrize("device", ["wgpu"])
def test_module_to_device_keeps_identity(device):
    _dev(device)
    torch.manual_seed(0)
    net = Net()
    x = torch.ones(2, 3)
    want = net(x).detach().numpy()
    net(x).sum().backward()
    params = list(net.parameters())
    assert net.to(device) is net
    assert all(p is q for p, q in zip(params, net.parameters()))
    assert all(p.device.type == device and p.grad.device.type == device for p in params)
    assert net.steps.device.type == device and net.steps.dtype == torch.int64
    y = net(x.to(device))
    np.testing.assert_allclose(y.detach().cpu().numpy(), want, rtol=1e-5, atol=1e-6)
    net.zero_grad()
    y.sum().backward()
    assert net.body[0].weight.grad.device.type == device
    net.cpu()
    assert all(p.device.type == "cpu" for p in net.parameters())


# ---- nn.utils ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, float("inf")])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
def test_clip_grad_norm_against_numpy(norm_type, max_norm):
    rng = np.random.default_rng(3)
    grads = [rng.uniform(-1, 1, s).astype(np.float32) for s in [(3, 4), (5,), (2, 2, 2)]]
    params = [nn.Parameter(torch.zeros(*g.shape)) for g in grads]
    for p, g in zip(params, grads):
        p.grad = torch.from_numpy(g.copy())
    params.append(nn.Parameter(torch.zeros(2)))  # no gradient: skipped
    flat = np.concatenate([g.reshape(-1) for g in grads]).astype(np.float64)
    want = np.abs(flat).max() if norm_type == float("inf") else (np.abs(flat) ** norm_type).sum() ** (1 / norm_type)
    total = nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
    assert isinstance(total, torch.Tensor) and total.dim() == 0
    np.testing.assert_allclose(total.item(), want, rtol=1e-5)
    coef = min(max_norm / (want + 1e-6), 1.0)
    for p, g in zip(params, grads):
        np.testing.assert_allclose(p.grad.numpy(), g * coef, rtol=1e-5, atol=1e-7)
    assert params[-1].grad is None


def test_clip_grad_value_errors_and_vectors():
    p = nn.Parameter(torch.zeros(3))
    p.grad = torch.tensor([float("nan"), 1.0, 2.0])
    with pytest.raises(RuntimeError, match="The total norm of order 2.0 for gradients from `parameters` is non-finite"):
        nn.utils.clip_grad_norm_(p, 1.0, error_if_nonfinite=True)
    assert nn.utils.clip_grad_norm_([], 1.0).item() == 0.0
    p.grad = torch.tensor([-3.0, 0.25, 3.0])
    assert nn.utils.clip_grad_value_([p], 1.0) is None
    assert p.grad.tolist() == [-1.0, 0.25, 1.0]
    lin = nn.Linear(3, 2)
    vec = nn.utils.parameters_to_vector(lin.parameters())
    assert vec.shape == (8,) and vec.grad_fn is not None
    assert vec.tolist()[:6] == lin.weight.reshape(-1).tolist()
    weight = lin.weight
    nn.utils.vector_to_parameters(torch.arange(8.0), lin.parameters())
    assert lin.weight is weight and lin.weight.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert lin.bias.tolist() == [6.0, 7.0]
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
        nn.utils.vector_to_parameters([1.0], lin.parameters())


@pytest.mark.skipif(IS_REFERENCE, reason="rustorch's own docstrings")
@pytest.mark.parametrize("name", ["module", "container", "linear", "flatten", "init", "functional.linear",
                                  "utils.clip_grad", "utils.convert_parameters"])
def test_nn_docstring_examples(name):
    import doctest

    import rustorch

    mod = importlib.import_module("rustorch.nn." + name)
    result = doctest.testmod(mod, extraglobs={"rustorch": rustorch, "np": np}, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
