"""``nn.functional`` normalization (batch/instance/layer/group/rms norm, normalize), embedding, one_hot and the
distances: numpy references on cpu and wgpu, float64 gradcheck, running statistics, PyTorch's errors; and
the docstring examples of the ``nn.functional`` modules. Runs against PyTorch too
(RUSTORCH_TEST_AGAINST=torch)."""
import doctest
import importlib

import numpy as np
import pytest

from _backend import IS_REFERENCE, torch
from test_nn_functional import DEVICES, LAYOUTS, F, NAME, as_given, close, gradcheck, make, on, raises, values

X4 = values((4, 3, 5), seed=1) / 2
G3, B3 = np.array([1.0, 2.0, 0.5]), np.array([0.1, -0.2, 0.3])


def np_norm(x, dims, eps=1e-5):
    mean = x.mean(axis=dims, keepdims=True)
    var = x.var(axis=dims, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


def channel(v, ndim):
    return np.asarray(v).reshape([1, -1] + [1] * (ndim - 2))


# ---- batch_norm / instance_norm ------------------------------------------------------------------------

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape", [(4, 3, 5), (6, 3), (2, 3, 2, 2)])
def test_batch_norm_training_and_running_stats(shape, device):
    x = values(shape, seed=len(shape)) / 2
    dims = tuple(d for d in range(len(shape)) if d != 1)
    rm, rv = make(np.array([0.5, 0.0, -0.5]), on(device)), make(np.array([1.0, 2.0, 0.5]), device)
    y = F.batch_norm(make(x, device), rm, rv, make(G3, device), make(B3, device), training=True, momentum=0.2)
    close(y, np_norm(x, dims) * channel(G3, len(shape)) + channel(B3, len(shape)))
    n = x.size // 3
    close(rm, 0.8 * np.array([0.5, 0.0, -0.5]) + 0.2 * x.mean(axis=dims))
    close(rv, 0.8 * np.array([1.0, 2.0, 0.5]) + 0.2 * x.var(axis=dims) * n / (n - 1))


@pytest.mark.parametrize("device", DEVICES)
def test_batch_norm_eval_uses_running_stats(device):
    rm, rv = np.array([0.5, 0.0, -0.5]), np.array([1.0, 2.0, 0.5])
    y = F.batch_norm(make(X4, on(device), "float32"), make(rm, device, "float32"), make(rv, device, "float32"),
                     bias=make(B3, device, "float32"), eps=1e-3)
    close(y, (X4 - channel(rm, 3)) / np.sqrt(channel(rv, 3) + 1e-3) + channel(B3, 3), "float32")
    close(F.batch_norm(make(X4), None, None, training=True), np_norm(X4, (0, 2)))


def test_batch_norm_gradcheck():
    x = X4[:3, :, :2]
    rm, rv = make(np.zeros(3)), make(np.ones(3))
    gradcheck(lambda a, w, b: F.batch_norm(a, rm, rv, w, b, training=True), x, G3, B3)
    gradcheck(lambda a, w: F.batch_norm(a, make([0.1, 0.2, 0.3]), make([1.0, 2.0, 3.0]), w), x, G3)
    gradcheck(lambda a: F.batch_norm(a, None, None, training=True), x, device=on("wgpu"))


def test_batch_norm_errors():
    x, rm, rv = make(X4), make(np.zeros(3)), make(np.ones(3))
    raises(ValueError, f"Expected more than 1 value per channel when training, got input size {NAME}.Size([1, 3])",
           lambda: F.batch_norm(make(np.ones((1, 3))), rm, rv, training=True))
    raises(ValueError, "batch_norm eps must be positive during training, but got 0",
           lambda: F.batch_norm(x, rm, rv, training=True, eps=0))
    raises(ValueError, "batch_norm eps must be non-negative, but got -1", lambda: F.batch_norm(x, rm, rv, eps=-1))
    raises(RuntimeError, "running_mean should contain 3 elements not 4",
           lambda: F.batch_norm(x, make(np.zeros(4)), rv, training=True))
    raises(RuntimeError, "weight should contain 3 elements not 2", lambda: F.batch_norm(x, rm, rv, make([1.0, 2.0])))
    raises(RuntimeError, "running_mean must be defined in evaluation mode", lambda: F.batch_norm(x, None, None))
    raises(TypeError, "batch_norm(): argument 'momentum' (position 7) must be float, not NoneType",
           lambda: F.batch_norm(x, rm, rv, training=True, momentum=None))


@pytest.mark.parametrize("device", DEVICES)
def test_instance_norm(device):
    rm, rv = make(np.zeros(3), on(device)), make(np.ones(3), device)
    y = F.instance_norm(make(X4, device), rm, rv, make(G3, device), make(B3, device), momentum=0.3)
    close(y, np_norm(X4, (2,)) * channel(G3, 3) + channel(B3, 3))
    close(rm, 0.3 * X4.mean(axis=2).mean(axis=0))
    close(rv, 0.7 + 0.3 * X4.var(axis=2, ddof=1).mean(axis=0))
    stats = (make([0.1, 0.2, 0.3], device), make([1.0, 2.0, 3.0], device))
    close(F.instance_norm(make(X4, device), *stats, use_input_stats=False),
          (X4 - channel([0.1, 0.2, 0.3], 3)) / np.sqrt(channel([1.0, 2.0, 3.0], 3) + 1e-5))


def test_instance_norm_gradcheck_and_errors():
    gradcheck(lambda a, w: F.instance_norm(a, weight=w), X4[:2, :, :3], G3)
    raises(ValueError, f"Expected more than 1 spatial element when training, got input size {NAME}.Size([2, 3, 1])",
           lambda: F.instance_norm(make(np.ones((2, 3, 1)))))
    raises(RuntimeError, "weight should contain 12 elements not 8",
           lambda: F.instance_norm(make(X4), weight=make([1.0, 2.0])))
    raises(RuntimeError, "Expected running_mean and running_var to be defined when use_input_stats is false",
           lambda: F.instance_norm(make(X4), use_input_stats=False))


# ---- layer_norm / group_norm / rms_norm / normalize -----------------------------------------------------

@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("device", DEVICES)
def test_layer_norm_forward(device, layout):
    x = make(X4, on(device), "float32", layout)
    v = as_given(X4, layout)
    close(F.layer_norm(x, (5,)), np_norm(v, (2,)), "float32", rtol=1e-5, atol=1e-5)
    w, b = values((3, 5), seed=4), values((3, 5), seed=5)
    close(F.layer_norm(x, (3, 5), make(w, device, "float32"), make(b, device, "float32"), eps=1e-3),
          np_norm(v, (1, 2), 1e-3) * w + b, "float32", rtol=1e-5, atol=1e-5)


def test_layer_norm_half_and_node():
    close(F.layer_norm(make(X4, dtype="float16"), (5,)), np_norm(X4.astype(np.float16).astype(np.float64), (2,)),
          "float16", rtol=2e-3, atol=3e-3)
    y = F.layer_norm(make(X4).requires_grad_(), (5,))
    assert type(y.grad_fn).__name__ == "NativeLayerNormBackward0"


@pytest.mark.parametrize("device", DEVICES)
def test_layer_norm_gradcheck(device):
    x = X4[:2, :2, :3]
    gradcheck(lambda a, w, b: F.layer_norm(a, (3,), w, b), x, G3, B3, device=on(device))
    gradcheck(lambda a, w: F.layer_norm(a, (2, 3), w), x, values((2, 3), seed=6), device=device)
    gradcheck(lambda a: F.layer_norm(a[:, ::2], (3,)), x, device=device)


def test_layer_norm_second_derivatives():
    x = make(X4[:2, :1, :3]).requires_grad_()
    w, b = make(G3).requires_grad_(), make(B3).requires_grad_()
    assert torch.autograd.gradgradcheck(lambda a, g, c: F.layer_norm(a, (3,), g, c), (x, w, b))


def test_layer_norm_errors():
    x = make(X4)
    raises(RuntimeError, "Given normalized_shape=[4], expected input with shape [*, 4], but got input of "
           "size[4, 3, 5]", lambda: F.layer_norm(x, (4,)))
    raises(RuntimeError, "Expected weight to be of same shape as normalized_shape, but got weight of shape [4] and "
           "normalized_shape = [5]", lambda: F.layer_norm(x, (5,), make(np.ones(4))))
    raises(RuntimeError, "Expected bias to be of same shape as normalized_shape, but got bias of shape [4] and "
           "normalized_shape = [5]", lambda: F.layer_norm(x, (5,), None, make(np.ones(4))))
    raises(TypeError, "layer_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not int",
           lambda: F.layer_norm(x, 5))
    raises(RuntimeError, "mixed dtype (CPU): expect parameter to have scalar type of Float",
           lambda: F.layer_norm(x.float(), (5,), make(np.ones(5))))


@pytest.mark.parametrize("device", DEVICES)
def test_group_norm(device):
    x = values((2, 4, 3), seed=2) / 2
    w, b = np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.0, 1.0, 0.0, 1.0])
    groups = np_norm(x.reshape(2, 2, 6), (2,)).reshape(2, 4, 3)
    close(F.group_norm(make(x, on(device)), 2, make(w, device), make(b, device)), groups * channel(w, 3) +
          channel(b, 3))
    close(F.group_norm(make(X4, device), 3), np_norm(X4, (2,)))
    gradcheck(lambda a, g, c: F.group_norm(a, 2, g, c), x[:1], w, b)


def test_group_norm_errors():
    x = make(X4)
    raises(RuntimeError, "Expected number of channels in input to be divisible by num_groups, but got input of shape "
           "[4, 3, 5] and num_groups=2", lambda: F.group_norm(x, 2))
    raises(RuntimeError, "Expected weight to be a vector of size equal to the number of channels in input, but got "
           "weight of shape [2] and input of shape [4, 3, 5]", lambda: F.group_norm(x, 3, make([1.0, 2.0])))
    raises(RuntimeError, "Expected at least 2 dimensions for input tensor but received 1",
           lambda: F.group_norm(make(np.ones(3)), 1))


@pytest.mark.parametrize("device", DEVICES)
def test_rms_norm(device):
    x = make(X4, on(device))
    w = values((5,), seed=3)
    close(F.rms_norm(x, (5,), make(w, device)), X4 / np.sqrt((X4 ** 2).mean(-1, keepdims=True) + 2.220446049250313e-16)
          * w)
    close(F.rms_norm(x, (3, 5), eps=0.1), X4 / np.sqrt((X4 ** 2).mean((1, 2), keepdims=True) + 0.1))
    gradcheck(lambda a, g: F.rms_norm(a, (3,), g), X4[:2, :2, :3], G3, device=device)
    raises(RuntimeError, "Given normalized_shape=[4], expected input with shape [*4], but got input of size[4, 3, 5]",
           lambda: F.rms_norm(x, (4,)))
    raises(RuntimeError, "Given normalized_shape=[2, 5], expected input with shape [*2, 5], but got input of "
           "size[4, 3, 5]", lambda: F.rms_norm(x, (2, 5)))


def test_normalize():
    x = values((3, 4), seed=4)
    close(F.normalize(make(x)), x / np.linalg.norm(x, axis=1, keepdims=True))
    close(F.normalize(make(x), p=1, dim=0), x / np.abs(x).sum(0, keepdims=True))
    close(F.normalize(make(np.zeros((2, 3)))), np.zeros((2, 3)))
    out = make(np.zeros((3, 4)))
    assert F.normalize(make(x), out=out) is out
    close(out, x / np.linalg.norm(x, axis=1, keepdims=True))
    gradcheck(lambda a: F.normalize(a, dim=-1), x[:2])
    raises(NotImplementedError, "linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long",
           lambda: F.normalize(torch.tensor([[1, 2]])))


# ---- embedding / one_hot -------------------------------------------------------------------------------

W = values((6, 3), seed=5)
IDS = np.array([[1, 4, 1], [0, 5, 1]])


@pytest.mark.parametrize("device", DEVICES)
def test_embedding_forward_and_gradient(device):
    ids = torch.from_numpy(IDS).to(on(device))
    close(F.embedding(ids, make(W, device)), W[IDS])
    close(F.embedding(ids.to(torch.int32), make(W, device, "float32")), W[IDS], "float32")
    for padding in (None, 1, -5):
        w = make(W, device).requires_grad_()
        y = F.embedding(ids, w, padding_idx=padding)
        assert type(y.grad_fn).__name__ == "EmbeddingBackward0"
        y.backward(make(np.ones(IDS.shape + (3,)), device))
        counts = np.bincount(IDS.reshape(-1), minlength=6).astype(float)
        if padding is not None:
            counts[padding % 6] = 0
        close(w.grad, np.repeat(counts[:, None], 3, axis=1))


@pytest.mark.parametrize("device", DEVICES)
def test_embedding_gradcheck_and_frequency_scaling(device):
    ids = torch.from_numpy(IDS).to(on(device))
    gradcheck(lambda w: F.embedding(ids, w), W, device=device)
    w = make(W, device).requires_grad_()
    g = values(IDS.shape + (3,), seed=8)
    F.embedding(ids, w, scale_grad_by_freq=True).backward(make(g, device))
    counts = np.bincount(IDS.reshape(-1), minlength=6)
    want = np.zeros((6, 3))
    np.add.at(want, IDS.reshape(-1), g.reshape(-1, 3) / counts[IDS.reshape(-1)][:, None])
    close(w.grad, want)


def test_embedding_max_norm_and_second_derivatives():
    w = make(W * 3)
    F.embedding(torch.tensor([1, 2, 1]), w, max_norm=1.5)
    norms = np.linalg.norm(w.numpy(), axis=1)
    np.testing.assert_allclose(norms[[1, 2]], 1.5, rtol=1e-6)
    close(w[[0, 3, 4, 5]], (W * 3)[[0, 3, 4, 5]])
    weight = make(W).requires_grad_()
    assert torch.autograd.gradgradcheck(lambda a: F.embedding(torch.from_numpy(IDS), a) ** 2, (weight,))


def test_embedding_errors():
    w = make(W)
    raises(IndexError, "index out of range in self", lambda: F.embedding(torch.tensor([1, 6]), w))
    raises(IndexError, "index out of range in self", lambda: F.embedding(torch.tensor([1, -1]), w))
    raises(RuntimeError, "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, "
           "Int; but got torch.FloatTensor instead (while checking arguments for embedding)",
           lambda: F.embedding(torch.tensor([1.0]), w))
    raises(AssertionError, "Padding_idx must be within num_embeddings", lambda: F.embedding(torch.tensor([1]), w, 6))
    raises(AssertionError, "Padding_idx must be within num_embeddings", lambda: F.embedding(torch.tensor([1]), w, -7))
    raises(RuntimeError, "'weight' must be 2-D", lambda: F.embedding(torch.tensor([1]), make(np.ones(6))))


@pytest.mark.parametrize("device", DEVICES)
def test_one_hot(device):
    t = torch.tensor([[0, 2], [1, 2]]).to(on(device))
    r = F.one_hot(t)
    assert r.dtype == torch.int64 and r.device.type == device
    assert r.cpu().tolist() == np.eye(3, dtype=int)[[[0, 2], [1, 2]]].tolist()
    assert F.one_hot(t, 5).shape == (2, 2, 5)
    assert F.one_hot(torch.tensor(1), 3).tolist() == [0, 1, 0]
    assert F.one_hot(torch.zeros(0, dtype=torch.int64), 4).shape == (0, 4)


def test_one_hot_errors():
    raises(RuntimeError, "Class values must be smaller than num_classes.", lambda: F.one_hot(torch.tensor([0, 3]), 3))
    raises(RuntimeError, "Class values must be non-negative.", lambda: F.one_hot(torch.tensor([0, -1])))
    raises(RuntimeError, "one_hot is only applicable to index tensor of type LongTensor.",
           lambda: F.one_hot(torch.tensor([0, 1], dtype=torch.int32)))
    raises(RuntimeError, "Can not infer total number of classes from empty tensor.",
           lambda: F.one_hot(torch.zeros(0, dtype=torch.int64)))


# ---- distances -----------------------------------------------------------------------------------------

A, B = values((3, 4), seed=6), values((3, 4), seed=7)


def np_cos(a, b, dim=1, eps=1e-8):
    na = np.maximum(np.linalg.norm(a, axis=dim, keepdims=True), eps)
    nb = np.maximum(np.linalg.norm(b, axis=dim, keepdims=True), eps)
    return ((a / na) * (b / nb)).sum(dim)


@pytest.mark.parametrize("device", DEVICES)
def test_cosine_similarity(device):
    a, b = make(A, on(device), "float32"), make(B, device, "float32")
    close(F.cosine_similarity(a, b), np_cos(A, B), "float32")
    close(F.cosine_similarity(a, b, dim=0), np_cos(A, B, 0), "float32")
    close(F.cosine_similarity(a, b[0], dim=-1), np_cos(A, np.broadcast_to(B[0], A.shape)), "float32")
    close(F.cosine_similarity(make(np.zeros(3), device), make(np.ones(3), device), dim=0), 0.0)
    close(F.cosine_similarity(torch.tensor([1, 2]), make([1.0, 2.0], dtype="float32"), dim=0), 1.0, "float32")
    gradcheck(lambda x, y: F.cosine_similarity(x, y), A[:2], B[:2], device=device)


def test_cosine_similarity_errors():
    raises(RuntimeError, "expected common dtype to be floating point, yet common dtype is Long",
           lambda: F.cosine_similarity(torch.tensor([1, 2]), torch.tensor([1, 2]), dim=0))
    raises(RuntimeError, "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0",
           lambda: F.cosine_similarity(make(A), make(B[:2])))
    raises(IndexError, "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
           lambda: F.cosine_similarity(make(A), make(B), dim=2))


@pytest.mark.parametrize("device", DEVICES)
def test_pairwise_distance(device):
    a, b = make(A, on(device)), make(B, device)
    close(F.pairwise_distance(a, b), np.linalg.norm(A - B + 1e-6, axis=-1))
    close(F.pairwise_distance(a, b[0], p=1, keepdim=True), np.abs(A - B[0] + 1e-6).sum(-1, keepdims=True))
    close(F.pairwise_distance(a[0], b[0], eps=0.0), np.linalg.norm(A[0] - B[0]))
    close(F.pairwise_distance(make(1.0, device), make(2.0, device)), 1 - 1e-6)
    gradcheck(lambda x, y: F.pairwise_distance(x, y, p=3), A[:2], B[:2], device=device)


# ---- the docstring examples of the nn.functional modules -----------------------------------------------

@pytest.mark.skipif(IS_REFERENCE, reason="rustorch's own docstrings")
@pytest.mark.parametrize("name", ["activation", "dropout", "loss", "normalization", "sparse", "distance", "attention"])
def test_docstring_examples(name):
    mod = importlib.import_module(f"rustorch.nn.functional.{name}")
    result = doctest.testmod(mod, extraglobs={"rustorch": torch, "np": np}, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
