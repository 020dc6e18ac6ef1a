"""``nn.RNN``, ``nn.LSTM``, ``nn.GRU`` and their cells: forward against a numpy reference built from the
module's own parameters (every layer, both directions, projections, batch_first, unbatched inputs, given
initial states) on cpu and wgpu; float64 gradcheck through the parameters; parameter names, shapes and
initial distribution as PyTorch's; PyTorch's errors. Runs against PyTorch too (RUSTORCH_TEST_AGAINST=torch)."""
import math

import numpy as np
import pytest

from _backend import torch
from test_nn_functional import DEVICES, NAME, close, make, on, raises, values
from test_nn_layers import build, gradcheck_module, params

nn = torch.nn


def _sig(x):
    return 1 / (1 + np.exp(-x))


def np_cell(mode, x, state, p, sfx):
    """One step of ``mode`` for ``x`` (N, I) from ``state`` with the parameters of suffix ``sfx``."""
    zero = np.zeros(p[f"weight_ih{sfx}"].shape[0])
    gi = x @ p[f"weight_ih{sfx}"].T + p.get(f"bias_ih{sfx}", zero)
    h = state[0] if mode == "LSTM" else state
    gh = h @ p[f"weight_hh{sfx}"].T + p.get(f"bias_hh{sfx}", zero)
    if mode == "LSTM":
        i, f, g, o = np.split(gi + gh, 4, axis=1)
        c = _sig(f) * state[1] + _sig(i) * np.tanh(g)
        h = _sig(o) * np.tanh(c)
        if f"weight_hr{sfx}" in p:
            h = h @ p[f"weight_hr{sfx}"].T
        return h, c
    if mode == "GRU":
        (xr, xz, xn), (hr, hz, hn) = np.split(gi, 3, axis=1), np.split(gh, 3, axis=1)
        r, z = _sig(xr + hr), _sig(xz + hz)
        n = np.tanh(xn + r * hn)
        return (1 - z) * n + z * h
    return np.maximum(gi + gh, 0) if mode == "relu" else np.tanh(gi + gh)


def np_rnn(mode, x, p, num_layers, bidirectional, h0, c0=None):
    """The stacked recurrent layers on a sequence-first ``x`` (L, N, I): (output, h_n[, c_n])."""
    dirs = 2 if bidirectional else 1
    hs, cs = [], []
    for layer in range(num_layers):
        outs = []
        for d in range(dirs):
            k = layer * dirs + d
            state = (h0[k], c0[k]) if mode == "LSTM" else h0[k]
            seq = [None] * len(x)
            for t in (range(len(x) - 1, -1, -1) if d else range(len(x))):
                state = np_cell(mode, x[t], state, p, f"_l{layer}" + ("_reverse" if d else ""))
                seq[t] = state[0] if mode == "LSTM" else state
            outs.append(np.stack(seq))
            hs.append(state[0] if mode == "LSTM" else state)
            if mode == "LSTM":
                cs.append(state[1])
        x = np.concatenate(outs, -1)
    return (x, np.stack(hs), np.stack(cs)) if mode == "LSTM" else (x, np.stack(hs))


def make_module(mode, *args, **kwargs):
    if mode in ("relu", "tanh"):
        return nn.RNN(*args, nonlinearity=mode, **kwargs)
    return getattr(nn, mode)(*args, **kwargs)


CONFIGS = [
    dict(),
    dict(num_layers=2),
    dict(bidirectional=True),
    dict(num_layers=2, bidirectional=True, batch_first=True),
    dict(bias=False, batch_first=True),
]


MODES = ["LSTM", "GRU", "tanh", "relu"]


# wgpu: the plain and the deepest configurations (keeps the file fast)
@pytest.mark.parametrize("mode,config,device", [(m, c, "cpu") for m in MODES for c in range(len(CONFIGS))]
                         + [(m, c, "wgpu") for m in MODES for c in (0, 3)])
def test_rnn_forward(mode, config, device):
    kw = CONFIGS[config]
    m = build(lambda: make_module(mode, 3, 4, **kw), on(device))
    p = params(m)
    x = values((4, 2, 3), seed=config) / 4  # (L, N, I)
    dirs = 2 if kw.get("bidirectional") else 1
    z = np.zeros((kw.get("num_layers", 1) * dirs, 2, 4))
    want = np_rnn(mode, x, p, kw.get("num_layers", 1), dirs == 2, z, z)
    xin = x.transpose(1, 0, 2) if kw.get("batch_first") else x
    out = m(make(xin, device, "float32"))
    got = (out[0],) + (tuple(out[1]) if mode == "LSTM" else (out[1],))
    expected_out = want[0].transpose(1, 0, 2) if kw.get("batch_first") else want[0]
    close(got[0], expected_out, "float32")
    for g, w in zip(got[1:], want[1:]):
        assert g.device.type == device
        close(g, w, "float32")


@pytest.mark.filterwarnings("ignore:LSTM with projections is not supported with oneDNN")  # PyTorch's CPU kernel
@pytest.mark.parametrize("device", DEVICES)
def test_lstm_projection_and_initial_state(device):
    m = build(lambda: nn.LSTM(3, 5, num_layers=2, proj_size=2), on(device))
    p = params(m)
    assert p["weight_hr_l0"].shape == (2, 5) and p["weight_hh_l1"].shape == (20, 2)
    assert p["weight_ih_l1"].shape == (20, 2)
    x = values((3, 2, 3), seed=4) / 4
    h0, c0 = values((2, 2, 2), seed=5) / 8, values((2, 2, 5), seed=6) / 8
    out, (h, c) = m(make(x, device, "float32"), (make(h0, device, "float32"), make(c0, device, "float32")))
    want = np_rnn("LSTM", x, p, 2, False, h0, c0)
    close(out, want[0], "float32")
    close(h, want[1], "float32")
    close(c, want[2], "float32")


def test_unbatched_inputs_and_given_hidden_states():
    x = values((4, 3), seed=7) / 4
    lstm = nn.LSTM(3, 4, num_layers=2).double()
    p = params(lstm)
    h0, c0 = values((2, 4), seed=8) / 8, values((2, 4), seed=9) / 8
    out, (h, c) = lstm(make(x), (make(h0), make(c0)))
    want = np_rnn("LSTM", x[:, None], p, 2, False, h0[:, None], c0[:, None])
    close(out, want[0][:, 0])
    close(h, want[1][:, 0])
    close(c, want[2][:, 0])
    gru = nn.GRU(3, 4, bidirectional=True, batch_first=True).double()
    out, h = gru(make(x), make(h0))
    want = np_rnn("GRU", x[:, None], params(gru), 1, True, h0[:, None])
    close(out, want[0][:, 0])
    close(h, want[1][:, 0])


@pytest.mark.parametrize("device", DEVICES)
def test_cells(device):
    x, h0, c0 = values((2, 3), seed=1) / 4, values((2, 4), seed=2) / 8, values((2, 4), seed=3) / 8
    lstm = build(lambda: nn.LSTMCell(3, 4), on(device))
    h, c = lstm(make(x, device, "float32"), (make(h0, device, "float32"), make(c0, device, "float32")))
    want = np_cell("LSTM", x, (h0, c0), {k + "_c": v for k, v in params(lstm).items()}, "_c")
    close(h, want[0], "float32")
    close(c, want[1], "float32")
    gru = build(lambda: nn.GRUCell(3, 4, bias=False), device)
    p = {k + "_c": v for k, v in params(gru).items()}
    close(gru(make(x, device, "float32"), make(h0, device, "float32")), np_cell("GRU", x, h0, p, "_c"), "float32")
    close(gru(make(x[0], device, "float32")), np_cell("GRU", x[:1], np.zeros((1, 4)), p, "_c")[0], "float32")
    rnn = build(lambda: nn.RNNCell(3, 4, nonlinearity="relu"), device)
    p = {k + "_c": v for k, v in params(rnn).items()}
    close(rnn(make(x, device, "float32")), np_cell("relu", x, np.zeros((2, 4)), p, "_c"), "float32")


class _StateArgs(nn.Module):
    """An LSTMCell called as ``f(x, h, c)``: gradcheck passes tensors, not tuples."""

    def __init__(self, cell):
        super().__init__()
        self.cell = cell

    def forward(self, x, h, c):
        return self.cell(x, (h, c))


def test_lstm_step_gradcheck():
    x = values((2, 3), seed=4) / 4
    names = ["cell.weight_ih", "cell.weight_hh", "cell.bias_ih", "cell.bias_hh"]
    gradcheck_module(_StateArgs(nn.LSTMCell(3, 2)), names, x, values((2, 2), seed=5) / 8, values((2, 2), seed=6) / 8)


def test_lstm_and_gru_gradcheck_through_time():
    x = values((3, 2, 2), seed=7) / 4
    lstm = nn.LSTM(2, 2, bidirectional=True)
    gradcheck_module(lstm, ["weight_ih_l0", "weight_hh_l0_reverse", "bias_hh_l0"], x)
    gru = nn.GRU(2, 2, num_layers=2)
    gradcheck_module(gru, ["weight_hh_l0", "bias_ih_l1"], x)


def test_dropout_between_layers_only_in_training():
    x = make(values((5, 2, 3), seed=3) / 4, dtype="float32")
    m = nn.GRU(3, 8, num_layers=2, dropout=0.5)
    torch.manual_seed(1)
    a = m(x)[0]
    torch.manual_seed(2)
    b = m(x)[0]
    assert not np.allclose(a.detach().numpy(), b.detach().numpy())
    m.eval()
    want = np_rnn("GRU", x.numpy().astype(np.float64), params(m), 2, False, np.zeros((2, 2, 8)))[0]
    close(m(x)[0], want, "float32")
    close(m(x)[0], m(x)[0].detach().numpy(), "float32")


def test_parameter_names_shapes_and_initialisation():
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    assert list(lstm.state_dict()) == [
        "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
        "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
        "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
        "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse"]
    assert tuple(lstm.weight_ih_l1.shape) == (16, 8) and tuple(lstm.weight_hh_l0.shape) == (16, 4)
    assert list(nn.GRU(3, 4, bias=False).state_dict()) == ["weight_ih_l0", "weight_hh_l0"]
    assert tuple(nn.GRU(3, 4).weight_ih_l0.shape) == (12, 3)
    assert list(nn.LSTM(3, 4, proj_size=2).state_dict()) == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0",
                                                              "bias_hh_l0", "weight_hr_l0"]
    assert list(nn.LSTMCell(3, 4).state_dict()) == ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    assert list(nn.RNNCell(3, 4, bias=False).state_dict()) == ["weight_ih", "weight_hh"]
    assert [[tuple(w.shape) for w in ws] for ws in nn.GRU(2, 3, bias=False).all_weights] == [[(9, 2), (9, 3)]]
    torch.manual_seed(0)
    w = np.concatenate([p.detach().numpy().ravel() for p in nn.LSTM(3, 16, num_layers=2).parameters()])
    bound = 1 / math.sqrt(16)
    assert w.min() >= -bound and w.max() <= bound
    assert w.min() < -0.9 * bound and w.max() > 0.9 * bound and abs(w.mean()) < 0.02


def test_reprs():
    assert repr(nn.LSTM(3, 4)) == "LSTM(3, 4)"
    assert repr(nn.LSTM(3, 4, 2, bidirectional=True, batch_first=True)) == \
        "LSTM(3, 4, num_layers=2, batch_first=True, bidirectional=True)"
    assert repr(nn.GRU(3, 4, bias=False, num_layers=2, dropout=0.5)) == \
        "GRU(3, 4, num_layers=2, bias=False, dropout=0.5)"
    assert repr(nn.LSTM(3, 4, proj_size=2)) == "LSTM(3, 4, proj_size=2)"
    assert repr(nn.RNN(3, 4, nonlinearity="relu")) == "RNN(3, 4)"
    assert repr(nn.LSTMCell(3, 4)) == "LSTMCell(3, 4)"
    assert repr(nn.GRUCell(3, 4, bias=False)) == "GRUCell(3, 4, bias=False)"
    assert repr(nn.RNNCell(3, 4, nonlinearity="relu")) == "RNNCell(3, 4, nonlinearity=relu)"


def test_errors():
    lstm = nn.LSTM(3, 4)
    x = make(np.zeros((5, 2, 3)), dtype="float32")
    raises(RuntimeError, "input.size(-1) must be equal to input_size. Expected 3, got 2",
           lambda: lstm(make(np.zeros((5, 2, 2)), dtype="float32")))
    raises(ValueError, "LSTM: Expected input to be 2D or 3D, got 4D instead",
           lambda: lstm(make(np.zeros((1, 5, 2, 3)), dtype="float32")))
    h = make(np.zeros((1, 3, 4)), dtype="float32")
    raises(RuntimeError, "Expected hidden[0] size (1, 2, 4), got [1, 3, 4]", lambda: lstm(x, (h, h)))
    h2 = make(np.zeros((2, 4)), dtype="float32")
    raises(RuntimeError, "For batched 3-D input, hx and cx should also be 3-D but got (2-D, 2-D) tensors",
           lambda: lstm(x, (h2, h2)))
    raises(ValueError, f"RNN input dtype ({NAME}.float64) does not match weight dtype ({NAME}.float32)",
           lambda: lstm(make(np.zeros((5, 2, 3)))))
    gru = nn.GRU(3, 4)
    raises(RuntimeError, "Expected hidden size (1, 2, 4), got [1, 3, 4]", lambda: gru(x, h))
    raises(RuntimeError, "For unbatched 2-D input, hx should also be 2-D but got 3-D tensor", lambda: gru(x[0], h))
    raises(ValueError, "proj_size argument is only supported for LSTM, not RNN or GRU",
           lambda: nn.GRU(3, 4, proj_size=2))
    raises(ValueError, "Unknown nonlinearity 'sigmoid'. Select from 'tanh' or 'relu'.",
           lambda: nn.RNN(3, 4, nonlinearity="sigmoid"))
    raises(ValueError, "proj_size has to be smaller than hidden_size", lambda: nn.LSTM(3, 4, proj_size=4))
    raises(ValueError, "hidden_size must be greater than zero", lambda: nn.LSTM(3, 0))
    raises(TypeError, "input_size should be of type int, got: float", lambda: nn.LSTM(3.0, 4))
    raises(ValueError, "dropout should be a number in range [0, 1]", lambda: nn.GRU(3, 4, dropout=2))
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1, but got dropout=0.5 "
                                         "and num_layers=1"):
        nn.LSTM(3, 4, dropout=0.5)
    raises(ValueError, "GRU: Expected input to be 2D or 3D, got 4D instead", lambda: gru(x[None]))
    raises(ValueError, "RNN: Expected input to be 2D or 3D, got 1D tensor instead", lambda: nn.RNN(3, 4)(x[0, 0]))
    raises(ValueError, "LSTMCell: Expected input to be 1D or 2D, got 3D instead", lambda: nn.LSTMCell(3, 4)(x))
    cell, h23, h24 = nn.LSTMCell(3, 4), make(np.zeros((2, 3)), dtype="float32"), make(np.zeros((2, 4)), dtype="float32")
    raises(RuntimeError, "input has inconsistent input_size: got 2 expected 3", lambda: cell(x[0, :, :2]))
    raises(RuntimeError, "Input batch size 2 doesn't match hidden0 batch size 3", lambda: cell(x[0], (h[0], h[0])))
    raises(RuntimeError, "hidden1 has inconsistent hidden_size: got 3, expected 4", lambda: cell(x[0], (h24, h23)))
    raises(RuntimeError, "hidden0 has inconsistent hidden_size: got 3, expected 4",
           lambda: nn.GRUCell(3, 4)(x[0], h23))
    raises(ValueError, "GRUCell: Expected hidden to be 1D or 2D, got 3D instead", lambda: nn.GRUCell(3, 4)(x[0], h))


def test_gradients_on_wgpu_match_the_cpu():
    on("wgpu")
    x = values((4, 2, 3), seed=11) / 4
    grads = {}
    for device in ("cpu", "wgpu"):
        m = build(lambda: nn.LSTM(3, 4, num_layers=2, bidirectional=True), device)
        xt = make(x, device, "float32").requires_grad_()
        out, (h, c) = m(xt)
        (out.sum() + (h * c).sum()).backward()
        grads[device] = [xt.grad] + [p.grad for p in m.parameters()]
    for g, w in zip(grads["wgpu"], grads["cpu"]):
        assert g.device.type == "wgpu"
        close(g, w.numpy(), "float32", rtol=1e-4, atol=1e-6)
