"""nn.init: PyTorch's gains, fans, distributions (checked by statistics on large tensors), errors and
in-place/no_grad behaviour (the file runs against PyTorch too, RUSTORCH_TEST_AGAINST=torch)."""
import math

import numpy as np
import pytest

from _backend import torch
from _wgpu import require

init = torch.nn.init


def _values(t):
    return t.detach().cpu().double().numpy()


def test_calculate_gain():
    assert init.calculate_gain("linear") == 1 and init.calculate_gain("conv2d") == 1
    assert init.calculate_gain("sigmoid") == 1
    assert init.calculate_gain("tanh") == 5.0 / 3
    assert init.calculate_gain("relu") == math.sqrt(2.0)
    assert init.calculate_gain("leaky_relu") == math.sqrt(2.0 / (1 + 0.01 ** 2))
    assert init.calculate_gain("leaky_relu", 0.2) == math.sqrt(2.0 / 1.04)
    assert init.calculate_gain("leaky_relu", 1) == 1.0
    assert init.calculate_gain("selu") == 0.75
    with pytest.raises(ValueError, match="Unsupported nonlinearity gelu"):
        init.calculate_gain("gelu")
    with pytest.raises(ValueError, match="negative_slope True not a valid number"):
        init.calculate_gain("leaky_relu", True)


def test_fans_and_their_errors():
    fan = init._calculate_fan_in_and_fan_out
    assert fan(torch.empty(5, 3)) == (3, 5)
    assert fan(torch.empty(16, 4, 3, 3)) == (36, 144)
    assert fan(torch.empty(8, 2, 5)) == (10, 40)
    with pytest.raises(ValueError, match="Fan in and fan out can not be computed for tensor with fewer than 2 "
                                         "dimensions"):
        init.xavier_uniform_(torch.empty(5))
    with pytest.raises(ValueError, match=r"Mode fan_avg not supported, please use one of \['fan_in', 'fan_out'\]"):
        init.kaiming_normal_(torch.empty(3, 3), mode="fan_avg")


def test_fills_are_in_place_on_parameters_without_recording():
    p = torch.nn.Parameter(torch.empty(4, 6))
    for fn in (init.uniform_, init.normal_, init.xavier_uniform_, init.xavier_normal_, init.kaiming_uniform_,
               init.kaiming_normal_, init.trunc_normal_, init.orthogonal_, init.ones_, init.zeros_, init.eye_):
        out = fn(p)
        assert out is p and p.is_leaf and p.requires_grad and p.grad_fn is None
    assert init.constant_(p, 2.5) is p and p.detach().numpy().tolist() == [[2.5] * 6] * 4
    assert _values(init.ones_(torch.empty(3))).tolist() == [1.0] * 3
    assert _values(init.zeros_(torch.ones(2, 2))).tolist() == [[0.0, 0.0], [0.0, 0.0]]


def test_uniform_and_normal_statistics():
    torch.manual_seed(0)
    u = _values(init.uniform_(torch.empty(200_000), -3.0, 5.0))
    assert u.min() >= -3.0 and u.max() < 5.0
    assert abs(u.mean() - 1.0) < 0.03 and abs(u.std() - 8 / math.sqrt(12)) < 0.03
    n = _values(init.normal_(torch.empty(200_000, dtype=torch.float64), 2.0, 0.5))
    assert abs(n.mean() - 2.0) < 0.01 and abs(n.std() - 0.5) < 0.01


def test_generator_makes_fills_reproducible():
    g = torch.Generator()
    g.manual_seed(7)
    a = _values(init.kaiming_uniform_(torch.empty(20, 10), generator=g))
    b = _values(init.normal_(torch.empty(50), generator=g))
    g.manual_seed(7)
    assert np.array_equal(a, _values(init.kaiming_uniform_(torch.empty(20, 10), generator=g)))
    assert np.array_equal(b, _values(init.normal_(torch.empty(50), generator=g)))


@pytest.mark.parametrize("shape", [(300, 500), (64, 32, 3, 3)])
def test_xavier_statistics(shape):
    torch.manual_seed(1)
    receptive = int(np.prod(shape[2:]))
    fan_in, fan_out = shape[1] * receptive, shape[0] * receptive
    std = 1.5 * math.sqrt(2.0 / (fan_in + fan_out))
    u = _values(init.xavier_uniform_(torch.empty(*shape), gain=1.5))
    bound = math.sqrt(3.0) * std
    assert np.abs(u).max() <= bound * (1 + 1e-6) and np.abs(u).max() > 0.99 * bound
    assert abs(u.std() - std) < 0.02 * std
    n = _values(init.xavier_normal_(torch.empty(*shape), gain=1.5))
    assert abs(n.std() - std) < 0.02 * std and abs(n.mean()) < 0.02 * std


@pytest.mark.parametrize("mode", ["fan_in", "fan_out"])
@pytest.mark.parametrize("nonlinearity,a", [("relu", 0), ("leaky_relu", 0.2), ("leaky_relu", math.sqrt(5)),
                                            ("tanh", 0)])
def test_kaiming_statistics(mode, nonlinearity, a):
    torch.manual_seed(2)
    shape = (128, 64, 3, 3)
    fan = (64 if mode == "fan_in" else 128) * 9
    gain = math.sqrt(2.0 / (1 + a ** 2)) if nonlinearity == "leaky_relu" else init.calculate_gain(nonlinearity)
    std = gain / math.sqrt(fan)
    u = _values(init.kaiming_uniform_(torch.empty(*shape), a=a, mode=mode, nonlinearity=nonlinearity))
    bound = math.sqrt(3.0) * std
    assert np.abs(u).max() <= bound * (1 + 1e-6) and np.abs(u).max() > 0.99 * bound
    assert abs(u.std() - std) < 0.02 * std
    n = _values(init.kaiming_normal_(torch.empty(*shape), a=a, mode=mode, nonlinearity=nonlinearity))
    assert abs(n.std() - std) < 0.02 * std and abs(n.mean()) < 0.02 * std


def test_kaiming_on_an_empty_tensor_warns():
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        t = init.kaiming_uniform_(torch.empty(0, 3))
    assert t.shape == (0, 3)


def _truncated_moments(mean, std, a, b):
    """Mean and standard deviation of N(mean, std^2) truncated to [a, b]."""
    alpha, beta = (a - mean) / std, (b - mean) / std

    def pdf(x):
        return math.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)

    def cdf(x):
        return 0.5 * (1 + math.erf(x / math.sqrt(2)))

    z = cdf(beta) - cdf(alpha)
    m = (pdf(alpha) - pdf(beta)) / z
    var = 1 + (alpha * pdf(alpha) - beta * pdf(beta)) / z - m * m
    return mean + std * m, std * math.sqrt(var)


@pytest.mark.parametrize("mean,std,a,b", [(0.0, 1.0, -2.0, 2.0),  # most draws accepted: redraw the rest
                                          (0.5, 2.0, 0.0, 1.0),  # a narrow window: uniform proposals
                                          (0.0, 1.0, 1.0, 1.5)])  # a window in the tail
def test_trunc_normal_statistics(mean, std, a, b):
    torch.manual_seed(3)
    v = _values(init.trunc_normal_(torch.empty(100_000), mean, std, a, b))
    want_mean, want_std = _truncated_moments(mean, std, a, b)
    assert v.min() >= a and v.max() <= b
    assert abs(v.mean() - want_mean) < 0.01 * (b - a) and abs(v.std() - want_std) < 0.01 * (b - a)


def test_trunc_normal_warns_when_mean_is_far():
    with pytest.warns(UserWarning, match=r"mean is more than 2 std from \[a, b\] in nn.init.trunc_normal_"):
        v = init.trunc_normal_(torch.empty(100), mean=10.0, std=1.0, a=-1.0, b=1.0)
    assert _values(v).min() >= -1.0 and _values(v).max() <= 1.0


def test_eye_and_dirac():
    e = _values(init.eye_(torch.empty(3, 4)))
    assert e.tolist() == np.eye(3, 4).tolist()
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions are supported"):
        init.eye_(torch.empty(2, 2, 2))
    w = _values(init.dirac_(torch.empty(4, 3, 3, 5)))
    want = np.zeros((4, 3, 3, 5))
    for d in range(3):
        want[d, d, 1, 2] = 1
    assert np.array_equal(w, want)
    g = _values(init.dirac_(torch.empty(4, 2, 3), groups=2))
    want = np.zeros((4, 2, 3))
    for grp in range(2):
        for d in range(2):
            want[grp * 2 + d, d, 1] = 1
    assert np.array_equal(g, want)
    with pytest.raises(ValueError, match="Only tensors with 3, 4, or 5 dimensions are supported"):
        init.dirac_(torch.empty(3, 3))
    with pytest.raises(ValueError, match="dim 0 must be divisible by groups"):
        init.dirac_(torch.empty(3, 2, 3), groups=2)


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (5, 2, 3), (8, 8)])
def test_orthogonal(shape):
    torch.manual_seed(4)
    q = _values(init.orthogonal_(torch.empty(*shape), gain=2.0)).reshape(shape[0], -1) / 2.0
    rows, cols = q.shape
    gram = q @ q.T if rows <= cols else q.T @ q
    np.testing.assert_allclose(gram, np.eye(min(rows, cols)), atol=1e-5)
    with pytest.raises(ValueError, match="Only tensors with 2 or more dimensions are supported"):
        init.orthogonal_(torch.empty(3))


def test_sparse():
    torch.manual_seed(5)
    w = _values(init.sparse_(torch.empty(10, 20), sparsity=0.3, std=0.5))
    assert ((w == 0).sum(0) >= 3).all()  # ceil(0.3 * 10) entries of each column
    assert ((w != 0).sum() >= 120) and abs(w[w != 0].std() - 0.5) < 0.15
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions are supported"):
        init.sparse_(torch.empty(3), 0.5)


def test_deprecated_names_warn():
    with pytest.warns(FutureWarning, match=r"`nn.init.normal` is now deprecated in favor of `nn.init.normal_`."):
        init.normal(torch.empty(3))
    with pytest.warns(FutureWarning, match="nn.init.xavier_uniform_"):
        init.xavier_uniform(torch.empty(3, 3))


@pytest.mark.parametrize("fn", ["uniform_", "normal_", "kaiming_uniform_", "trunc_normal_", "orthogonal_", "eye_"])
def test_fills_on_wgpu(fn):
    require()
    t = torch.empty(64, 32).to("wgpu")
    out = getattr(init, fn)(t)
    assert out is t and t.device.type == "wgpu"
    v = _values(t)
    assert np.isfinite(v).all() and v.std() > 0
    if fn == "trunc_normal_":
        assert v.min() >= -2.0 and v.max() <= 2.0
    if fn == "orthogonal_":
        np.testing.assert_allclose(v.T @ v, np.eye(32), atol=1e-5)
