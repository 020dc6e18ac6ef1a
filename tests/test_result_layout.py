"""The memory layout of elementwise results follows PyTorch's TensorIterator: contiguous when the
inputs are; the inputs' strides when they all share one dense layout (channels-last included);
otherwise dense in the inputs' memory order, the first input with distinct strides for two dims
deciding. `.to(dtype)` and `nan_to_num` keep the input's layout as PyTorch's preserve_format does.
The expected strides were read from PyTorch (`RUSTORCH_TEST_AGAINST=torch` runs this file against
it); values are checked against numpy on every device."""
import numpy as np
import pytest

from _backend import IS_REFERENCE, torch
from _wgpu import require

DEVICES = ["cpu", "wgpu"]


def _dev(device):
    if device == "wgpu":
        require()
    return device


def _base(device, *shape, dtype=None):
    n = int(np.prod(shape))
    return torch.arange(n, dtype=dtype or torch.float32).reshape(*shape).to(device) / 7 - 1


# (name, fn(device) -> (result, numpy reference), expected strides)
CASES = [
    ("t_plus_scalar", lambda d: (lambda x: (x.t() + 1, x.cpu().numpy().T + 1))(_base(d, 3, 4)), (1, 4)),
    ("t_plus_t", lambda d: (lambda x: (x.t() + x.t(), 2 * x.cpu().numpy().T))(_base(d, 3, 4)), (1, 4)),
    ("exp_t", lambda d: (lambda x: (x.t().exp(), np.exp(x.cpu().numpy().T)))(_base(d, 3, 4)), (1, 4)),
    ("t_plus_contig", lambda d: (lambda x, y: (x.t() + y, x.cpu().numpy().T + y.cpu().numpy()))(
        _base(d, 3, 4), _base(d, 4, 3)), (1, 4)),
    ("contig_plus_t", lambda d: (lambda x, y: (y + x.t(), y.cpu().numpy() + x.cpu().numpy().T))(
        _base(d, 3, 4), _base(d, 4, 3)), (3, 1)),
    ("permuted3d", lambda d: (lambda y: (y * 2, y.cpu().numpy() * 2))(_base(d, 2, 3, 4).permute(2, 0, 1)),
     (1, 12, 4)),
    ("sliced_permuted", lambda d: (lambda y: (y * 2, y.cpu().numpy() * 2))(
        _base(d, 2, 3, 4).permute(2, 0, 1)[:, :, 1:]), (1, 8, 4)),
    ("permuted_plus_row", lambda d: (lambda y, r: (y + r, y.cpu().numpy() + r.cpu().numpy()))(
        _base(d, 2, 3, 4).permute(2, 0, 1), _base(d, 3)), (1, 12, 4)),
    ("row_plus_permuted", lambda d: (lambda y, r: (r + y, r.cpu().numpy() + y.cpu().numpy()))(
        _base(d, 2, 3, 4).permute(2, 0, 1), _base(d, 3)), (1, 12, 4)),
    ("channels_last", lambda d: (lambda x: (x.relu() + x, np.maximum(x.cpu().numpy(), 0) + x.cpu().numpy()))(
        _base(d, 2, 3, 4, 5).permute(0, 3, 1, 2)), (60, 1, 20, 5)),
    ("channels_last_plus_scalar", lambda d: (lambda x: (x * 3, x.cpu().numpy() * 3))(
        _base(d, 2, 3, 4, 5).permute(0, 3, 1, 2)), (60, 1, 20, 5)),
    ("dense_permuted4d", lambda d: (lambda x: (x.relu() + x, np.maximum(x.cpu().numpy(), 0) + x.cpu().numpy()))(
        _base(d, 2, 4, 5, 3).permute(0, 2, 3, 1)), (60, 3, 1, 15)),
    ("expanded", lambda d: (lambda x: (x.expand(3, 4) * 2, np.broadcast_to(x.cpu().numpy(), (3, 4)) * 2))(
        _base(d, 1, 4)), (4, 1)),
    ("size_one_dim", lambda d: (lambda x: (x.neg(), -x.cpu().numpy()))(_base(d, 4, 1, 3).permute(2, 1, 0)),
     (1, 3, 3)),
    ("compare_t", lambda d: (lambda x: (x.t() > 0, x.cpu().numpy().T > 0))(_base(d, 3, 4)), (1, 4)),
    ("int_t_plus_float", lambda d: (lambda x, y: (x.t() + y, x.cpu().numpy().T + y.cpu().numpy()))(
        torch.arange(12).reshape(3, 4).to(d), _base(d, 4, 3)), (1, 4)),
    ("where_t", lambda d: (lambda x: (torch.where(x.t() > 0, x.t(), 0.0), np.where(x.cpu().numpy().T > 0,
                                                                                    x.cpu().numpy().T, 0.0)))(
        _base(d, 3, 4)), (1, 4)),
    ("lerp_t", lambda d: (lambda x: (torch.lerp(x.t(), x.t() * 3, 0.5), x.cpu().numpy().T * 2))(_base(d, 3, 4)),
     (1, 4)),
    ("clamp_t", lambda d: (lambda x: (x.t().clamp(-0.5, 0.5), np.clip(x.cpu().numpy().T, -0.5, 0.5)))(
        _base(d, 3, 4)), (1, 4)),
    ("to_double_t", lambda d: (lambda x: (x.t().to(torch.float32 if d == "wgpu" else torch.float64).to(torch.int32),
                                          x.cpu().numpy().T.astype(np.int32)))(_base(d, 3, 4) * 7), (1, 4)),
    ("nan_to_num_t", lambda d: (lambda x: (x.t().nan_to_num(), x.cpu().numpy().T))(_base(d, 3, 4)), (1, 4)),
    ("zero_d", lambda d: (lambda x: (x + 1, x.cpu().numpy() + 1))(_base(d, 1).reshape(())), ()),
    ("empty_exp_t", lambda d: (lambda x: (x.t().exp(), np.exp(x.cpu().numpy().T)))(_base(d, 0, 4)), (1, 1)),
    ("empty_t", lambda d: (lambda x: (x.t() + 1, x.cpu().numpy().T + 1))(_base(d, 0, 4)), (1, 4)),
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name,fn,strides", CASES, ids=[c[0] for c in CASES])
def test_result_layout(device, name, fn, strides):
    _dev(device)
    if IS_REFERENCE and device == "wgpu":
        pytest.skip("PyTorch has no wgpu device")
    r, want = fn(device)
    assert tuple(r.stride()) == strides
    np.testing.assert_allclose(r.cpu().numpy(), want, rtol=1e-6, atol=1e-6)


def test_views_of_results_follow_pytorch():
    """A permuted result is not contiguous: .view() across its dims fails as in PyTorch, .reshape() copies."""
    x = _base("cpu", 3, 4)
    r = x.t() * 2
    assert not r.is_contiguous()
    with pytest.raises(RuntimeError, match="view size is not compatible with input tensor's size and stride"):
        r.view(12)
    np.testing.assert_allclose(r.reshape(12).numpy(), (x.numpy().T * 2).reshape(12), rtol=1e-6)
