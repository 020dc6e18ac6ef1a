"""``nn.MultiheadAttention``, ``nn.TransformerEncoderLayer`` and ``nn.TransformerEncoder``: forward against a
numpy reference built from the modules' own parameters (masks, separate key/value sizes, batch_first,
unbatched inputs, per-head weights, pre- and post-norm) on cpu and wgpu; float64 gradcheck through the
parameters; state_dict keys, initial values and reprs as PyTorch's; PyTorch's errors and warnings. Runs
against PyTorch too (RUSTORCH_TEST_AGAINST=torch)."""
import math

import numpy as np
import pytest

from _backend import torch
from test_nn_functional import NAME, close, make, on, raises, values
from test_nn_layers import build, gradcheck_module, np_layer_norm, np_softmax, params

nn = torch.nn
F = torch.nn.functional

E, H = 6, 2
Q = values((4, 2, E), seed=1) / 4   # (L, N, E)
KV = values((5, 2, E), seed=2) / 4  # (S, N, E)
KPM = np.array([[False, False, False, True, False], [False, True, False, False, False]])  # (N, S), True: ignored
KPMF = np.where(KPM, -np.inf, 0.0)  # the same mask as an additive float mask (masks of one call share a type)
AMASK = np.where(np.triu(np.ones((4, 5), bool), 2), -np.inf, np.arange(20).reshape(4, 5) / 40)  # (L, S) float


def np_mha(q, k, v, p, heads, kpm=None, attn_mask=None, average=True, prefix="", zero_attn=False):
    """Multi-head attention on sequence-first inputs: (output (L, N, E), weights)."""
    g = {name[len(prefix):]: val for name, val in p.items() if name.startswith(prefix)}
    e = q.shape[-1]
    if "in_proj_weight" in g:
        wq, wk, wv = np.split(g["in_proj_weight"], 3)
    else:
        wq, wk, wv = g["q_proj_weight"], g["k_proj_weight"], g["v_proj_weight"]
    bq, bk, bv = np.split(g["in_proj_bias"], 3) if "in_proj_bias" in g else (0, 0, 0)
    qp, kp, vp = q @ wq.T + bq, k @ wk.T + bk, v @ wv.T + bv
    if "bias_k" in g:
        kp = np.concatenate([kp, np.broadcast_to(g["bias_k"], (1,) + kp.shape[1:])])
        vp = np.concatenate([vp, np.broadcast_to(g["bias_v"], (1,) + vp.shape[1:])])
    n, hd = q.shape[1], e // heads

    def split(t):  # (T, N, E) -> (N, heads, T, hd)
        return t.reshape(t.shape[0], n, heads, hd).transpose(1, 2, 0, 3)

    ks, vs = split(kp), split(vp)
    if zero_attn:  # a zero key and value appended to every head
        ks = np.concatenate([ks, np.zeros(ks.shape[:2] + (1, hd))], 2)
        vs = np.concatenate([vs, np.zeros(vs.shape[:2] + (1, hd))], 2)
    scores = split(qp) @ ks.transpose(0, 1, 3, 2) / math.sqrt(hd)
    s = k.shape[0]
    if attn_mask is not None:
        m = np.where(attn_mask, -np.inf, 0.0) if attn_mask.dtype == bool else attn_mask
        scores[..., :s] += m.reshape((n, heads) + m.shape[-2:]) if m.ndim == 3 else m
    if kpm is not None:
        scores[..., :s] += (np.where(kpm, -np.inf, 0.0) if kpm.dtype == bool else kpm)[:, None, None, :]
    w = np_softmax(scores, -1)
    out = (w @ vs).transpose(2, 0, 1, 3).reshape(q.shape[0], n, e)
    out = out @ g["out_proj.weight"].T + g.get("out_proj.bias", 0)
    return out, (w.mean(1) if average else w)


# ---- MultiheadAttention ---------------------------------------------------------------------------------

MHA_CONFIGS = [dict(), dict(bias=False), dict(kdim=3, vdim=4), dict(batch_first=True), dict(add_bias_kv=True)]


@pytest.mark.parametrize("config,device", [(c, "cpu") for c in range(len(MHA_CONFIGS))] + [(0, "wgpu"), (2, "wgpu")])
@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_forward_with_masks(config, need_weights, device):
    kw = MHA_CONFIGS[config]
    m = build(lambda: nn.MultiheadAttention(E, H, **kw), on(device))
    p = params(m)
    if "bias_k" not in p and "in_proj_bias" in p:  # non-zero biases, so that the reference checks them
        rng = np.random.default_rng(3)
        p["in_proj_bias"] = rng.uniform(-0.5, 0.5, 3 * E)
        m.in_proj_bias.data = make(p["in_proj_bias"], device, "float32")
    k, v = KV[..., :kw.get("kdim", E)], KV[..., :kw.get("vdim", E)]
    want, want_w = np_mha(Q, k, v, p, H, KPMF, AMASK)
    bf = kw.get("batch_first", False)

    def arg(a):
        return make(a.transpose(1, 0, 2) if bf else a, device, "float32")

    out, w = m(arg(Q), arg(k), arg(v), key_padding_mask=make(KPMF, device, "float32"), need_weights=need_weights,
               attn_mask=make(AMASK, device, "float32"))
    close(out, want.transpose(1, 0, 2) if bf else want, "float32")
    if need_weights:
        close(w, want_w, "float32")
    else:
        assert w is None


@pytest.mark.parametrize("device", ["cpu", "wgpu"])
def test_mha_self_attention_per_head_weights_and_unbatched(device):
    m = build(lambda: nn.MultiheadAttention(E, 3, add_zero_attn=False), on(device))
    p = params(m)
    x = make(Q, device, "float32")
    mask3 = np.tile(np.triu(np.ones((4, 4), bool), 1), (2 * 3, 1, 1))  # (N * heads, L, S) bool
    out, w = m(x, x, x, attn_mask=make(mask3, device, "bool"), average_attn_weights=False)
    want, want_w = np_mha(Q, Q, Q, p, 3, attn_mask=mask3, average=False)
    close(out, want, "float32")
    close(w, want_w, "float32")
    assert tuple(w.shape) == (2, 3, 4, 4)
    out, w = m(make(Q[:, 1], device, "float32"), make(KV[:, 1], device, "float32"), make(KV[:, 1], device, "float32"))
    want, want_w = np_mha(Q[:, 1:2], KV[:, 1:2], KV[:, 1:2], p, 3)
    close(out, want[:, 0], "float32")
    close(w, want_w[0], "float32")


def test_mha_causal_and_zero_attention():
    m = nn.MultiheadAttention(E, H).double()
    x = make(Q)
    causal = np.triu(np.full((4, 4), -np.inf), 1)
    want = np_mha(Q, Q, Q, params(m), H, attn_mask=causal)[0]
    out, w = m(x, x, x, attn_mask=make(causal), is_causal=True, need_weights=False)
    close(out, want)
    assert w is None
    out, _ = m(x, x, x, attn_mask=make(causal), is_causal=True)
    close(out, want)
    raises(RuntimeError, "Need attn_mask if specifying the is_causal hint.", lambda: m(x, x, x, is_causal=True))
    z = nn.MultiheadAttention(E, H, add_zero_attn=True).double()
    out, w = z(x, make(KV), make(KV), key_padding_mask=make(KPM, dtype="bool"))
    want, want_w = np_mha(Q, KV, KV, params(z), H, KPM, zero_attn=True)
    close(out, want)
    close(w, want_w)
    assert tuple(w.shape) == (2, 4, 6)


def test_mha_gradcheck():
    m = nn.MultiheadAttention(4, 2)
    q, kv = values((3, 1, 4), seed=5) / 4, values((2, 1, 4), seed=6) / 4
    gradcheck_module(m, ["in_proj_weight", "in_proj_bias", "out_proj.weight"], q, kv, kv)


def test_mha_dropout_in_training_only():
    m = nn.MultiheadAttention(E, H, dropout=0.5).double()
    x = make(Q)
    torch.manual_seed(0)
    a = m(x, x, x)[0].detach().numpy()
    torch.manual_seed(1)
    b = m(x, x, x)[0].detach().numpy()
    assert not np.allclose(a, b)
    m.eval()
    close(m(x, x, x)[0], np_mha(Q, Q, Q, params(m), H)[0])


def test_mha_state_dict_and_initial_values():
    assert list(nn.MultiheadAttention(4, 2).state_dict()) == ["in_proj_weight", "in_proj_bias", "out_proj.weight",
                                                              "out_proj.bias"]
    assert list(nn.MultiheadAttention(4, 2, kdim=3, vdim=5, bias=False).state_dict()) == [
        "q_proj_weight", "k_proj_weight", "v_proj_weight", "out_proj.weight"]
    assert list(nn.MultiheadAttention(4, 2, add_bias_kv=True).state_dict()) == [
        "in_proj_weight", "in_proj_bias", "bias_k", "bias_v", "out_proj.weight", "out_proj.bias"]
    m = nn.MultiheadAttention(8, 2, kdim=3)
    assert m.in_proj_weight is None and tuple(m.k_proj_weight.shape) == (8, 3) and m.head_dim == 4
    torch.manual_seed(0)
    m = nn.MultiheadAttention(16, 4)
    w = m.in_proj_weight.detach().numpy()
    bound = math.sqrt(6 / (16 + 48))  # xavier_uniform_ of the (3E, E) weight
    assert w.min() >= -bound and w.max() <= bound and w.max() > 0.9 * bound
    close(m.in_proj_bias, np.zeros(48), "float32")
    close(m.out_proj.bias, np.zeros(16), "float32")
    assert type(m.out_proj).__name__ == "NonDynamicallyQuantizableLinear" and isinstance(m.out_proj, nn.Linear)
    assert repr(nn.MultiheadAttention(4, 2)) == ("MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear("
                                                 "in_features=4, out_features=4, bias=True)\n)")


def test_mha_errors_and_warnings():
    raises(AssertionError, "embed_dim must be divisible by num_heads", lambda: nn.MultiheadAttention(5, 2))
    raises(ValueError, "embed_dim and num_heads must be greater than 0, got embed_dim=0 and num_heads=2 instead",
           lambda: nn.MultiheadAttention(0, 2))
    m = nn.MultiheadAttention(E, H).double()
    x, kv = make(Q), make(KV)
    raises(AssertionError, "only bool and floating types of key_padding_mask are supported",
           lambda: m(x, kv, kv, key_padding_mask=make(KPM, dtype="int64")))
    raises(RuntimeError, f"The shape of the 2D attn_mask is {NAME}.Size([4, 4]), but should be (4, 5).",
           lambda: m(x, kv, kv, attn_mask=make(np.zeros((4, 4)))))
    raises(AssertionError, "For batched (3-D) `query`, expected `key` and `value` to be 3-D but found 2-D and 3-D "
           "tensors respectively", lambda: m(x, make(KV[:, 0]), kv))
    raises(AssertionError, "query should be unbatched 2D or batched 3D tensor but received 4-D query tensor",
           lambda: m(x[None], kv, kv))
    raises(AssertionError, "was expecting embedding dimension of 6, but got 4", lambda: m(x[..., :4], kv, kv))
    raises(AssertionError, "Expected key_padded_mask.shape[1] to be 5, but got 4",
           lambda: m(x, kv, kv, key_padding_mask=make(KPM[:, :4], dtype="bool")))
    with pytest.warns(UserWarning, match="Support for mismatched key_padding_mask and attn_mask is deprecated"):
        m(x, kv, kv, key_padding_mask=make(KPM, dtype="bool"), attn_mask=make(AMASK))


# ---- TransformerEncoderLayer / TransformerEncoder -------------------------------------------------------

def np_encoder_layer(x, p, prefix, heads, norm_first=False, act=lambda t: np.maximum(t, 0), kpm=None, mask=None,
                     eps=1e-5):
    def ln(t, name):
        return np_layer_norm(t, 1, p[f"{prefix}{name}.weight"], p.get(f"{prefix}{name}.bias"), eps)

    def lin(t, name):
        return t @ p[f"{prefix}{name}.weight"].T + p.get(f"{prefix}{name}.bias", 0)

    def sa(t):
        return np_mha(t, t, t, p, heads, kpm, mask, prefix=prefix + "self_attn.")[0]

    def ff(t):
        return lin(act(lin(t, "linear1")), "linear2")

    if norm_first:
        x = x + sa(ln(x, "norm1"))
        return x + ff(ln(x, "norm2"))
    x = ln(x + sa(x), "norm1")
    return ln(x + ff(x), "norm2")


def _gelu(t):
    return 0.5 * t * (1 + np.vectorize(math.erf)(t / math.sqrt(2)))


LAYER_CONFIGS = [
    (dict(), lambda t: np.maximum(t, 0)),
    (dict(norm_first=True, activation="gelu"), _gelu),
    (dict(batch_first=True, bias=False), lambda t: np.maximum(t, 0)),
    (dict(activation=F.silu, layer_norm_eps=1e-3), lambda t: t / (1 + np.exp(-t))),
]


@pytest.mark.parametrize("config,device", [(c, "cpu") for c in range(len(LAYER_CONFIGS))] + [(1, "wgpu")])
def test_encoder_layer_forward(config, device):
    kw, act = LAYER_CONFIGS[config]
    m = build(lambda: nn.TransformerEncoderLayer(E, H, dim_feedforward=8, **kw), on(device)).eval()
    p = params(m)
    causal = np.triu(np.full((4, 4), -np.inf), 1)
    bf = kw.get("batch_first", False)
    x = Q.transpose(1, 0, 2) if bf else Q
    kpm = KPMF[:, :4]
    y = m(make(x, device, "float32"), src_mask=make(causal, device, "float32"),
          src_key_padding_mask=make(kpm, device, "float32"))
    want = np_encoder_layer(Q, p, "", H, kw.get("norm_first", False), act, kpm, causal, kw.get("layer_norm_eps", 1e-5))
    close(y, want.transpose(1, 0, 2) if bf else want, "float32", rtol=1e-4, atol=1e-5)


def test_encoder_stack_with_final_norm():
    layer = nn.TransformerEncoderLayer(E, H, dim_feedforward=8, batch_first=True)
    enc = nn.TransformerEncoder(layer, num_layers=2, norm=nn.LayerNorm(E)).double().eval()
    assert enc.use_nested_tensor and enc.layers[0] is not layer and enc.layers[0] is not enc.layers[1]
    close(enc.layers[1].linear1.weight, layer.linear1.weight.detach().numpy())  # copies of the same layer
    with torch.no_grad():
        enc.layers[1].linear1.weight.mul_(0.5)
    p = params(enc)
    x = Q.transpose(1, 0, 2)
    kpm = KPM[:, :4]
    y = enc(make(x), src_key_padding_mask=make(kpm, dtype="bool"))
    want = np_encoder_layer(Q, p, "layers.0.", H, kpm=kpm)
    want = np_encoder_layer(want, p, "layers.1.", H, kpm=kpm)
    close(y, np_layer_norm(want, 1, p["norm.weight"], p["norm.bias"]).transpose(1, 0, 2), rtol=1e-9, atol=1e-10)
    causal = np.triu(np.full((4, 4), -np.inf), 1)
    y = enc(make(x), mask=make(causal))
    want = np_encoder_layer(np_encoder_layer(Q, p, "layers.0.", H, mask=causal), p, "layers.1.", H, mask=causal)
    close(y, np_layer_norm(want, 1, p["norm.weight"], p["norm.bias"]).transpose(1, 0, 2), rtol=1e-9, atol=1e-10)


def test_encoder_layer_gradcheck_and_train_mode():
    m = nn.TransformerEncoderLayer(4, 2, dim_feedforward=4, dropout=0.0)
    gradcheck_module(m, ["self_attn.in_proj_weight", "linear1.weight", "norm2.weight"], values((2, 1, 4), seed=3) / 4)
    m = nn.TransformerEncoderLayer(E, H, dim_feedforward=8, dropout=0.5).double()
    torch.manual_seed(0)
    a = m(make(Q)).detach().numpy()
    torch.manual_seed(1)
    b = m(make(Q)).detach().numpy()
    assert not np.allclose(a, b)
    close(m.eval()(make(Q)), np_encoder_layer(Q, params(m), "", H))


def test_encoder_state_dict_repr_and_errors():
    layer = nn.TransformerEncoderLayer(4, 2, dim_feedforward=8)
    keys = ["self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
            "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
            "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"]
    assert list(layer.state_dict()) == keys
    assert list(nn.TransformerEncoderLayer(4, 2, 8, bias=False).state_dict()) == [
        "self_attn.in_proj_weight", "self_attn.out_proj.weight", "linear1.weight", "linear2.weight", "norm1.weight",
        "norm2.weight"]
    with pytest.warns(UserWarning, match=r"enable_nested_tensor is True, but self.use_nested_tensor is False because "
                                         r"encoder_layer.self_attn.batch_first was not True\(use batch_first for "
                                         r"better inference performance\)"):
        enc = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(4))
    assert list(enc.state_dict()) == [f"layers.{i}.{k}" for i in range(2) for k in keys] + ["norm.weight",
                                                                                            "norm.bias"]
    assert repr(layer) == """TransformerEncoderLayer(
  (self_attn): MultiheadAttention(
    (out_proj): NonDynamicallyQuantizableLinear(in_features=4, out_features=4, bias=True)
  )
  (linear1): Linear(in_features=4, out_features=8, bias=True)
  (dropout): Dropout(p=0.1, inplace=False)
  (linear2): Linear(in_features=8, out_features=4, bias=True)
  (norm1): LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)
  (norm2): LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)
  (dropout1): Dropout(p=0.1, inplace=False)
  (dropout2): Dropout(p=0.1, inplace=False)
)"""
    assert layer.self_attn.dropout == 0.1 and layer.activation_relu_or_gelu == 1
    assert nn.TransformerEncoderLayer(4, 2, activation="gelu").activation_relu_or_gelu == 2
    raises(RuntimeError, "activation should be relu/gelu, not tanh",
           lambda: nn.TransformerEncoderLayer(4, 2, activation="tanh"))
    raises(AssertionError, "embed_dim must be divisible by num_heads", lambda: nn.TransformerEncoderLayer(5, 2))


def test_gradients_on_wgpu_match_the_cpu():
    on("wgpu")
    causal = np.triu(np.full((4, 4), -np.inf), 1)
    grads = {}
    for device in ("cpu", "wgpu"):
        m = build(lambda: nn.TransformerEncoderLayer(E, H, dim_feedforward=8, dropout=0.0, norm_first=True), device)
        x = make(Q, device, "float32").requires_grad_()
        y = m(x, src_mask=make(causal, device, "float32"))
        (y * y).sum().backward()
        grads[device] = [x.grad] + [p.grad for p in m.parameters()]
    for g, w in zip(grads["wgpu"], grads["cpu"]):
        assert g.device.type == "wgpu"
        close(g, w.numpy(), "float32", rtol=1e-4, atol=1e-5)
