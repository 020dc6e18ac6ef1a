"""The Tensor's attributes and conversions: shape (torch.Size), size/dim/numel, dtype and device
objects, strides and sizes in bytes, .to()/.float()/..., numpy interop, tolist/item/int/float/
bool, copy_, and the dtype helper functions (result_type, promote_types, can_cast, is_tensor)."""
import numpy as np
import pytest

from _backend import torch
from _util import DTYPE_NAMES, FLOAT_NAMES, dtype_name, to_np

ITEMSIZE = {"float32": 4, "float64": 8, "float16": 2, "bfloat16": 2, "int64": 8, "int32": 4,
            "int16": 2, "int8": 1, "uint8": 1, "bool": 1}
MOD = torch.__name__  # "rustorch" or "torch": printed names carry the module's own name


# ---- shape / Size -------------------------------------------------------------------------------
def test_shape_is_a_size_tuple():
    t = torch.zeros(2, 3)
    assert type(t.shape).__name__ == "Size" and isinstance(t.shape, torch.Size)
    assert isinstance(t.shape, tuple)
    assert t.shape == (2, 3) and t.shape != [2, 3]
    assert torch.Size([2, 3]) == (2, 3) and torch.Size((2, 3)) == torch.Size([2, 3])
    assert t.size() == t.shape and isinstance(t.size(), torch.Size)
    assert tuple(t.shape) == (2, 3) and list(t.shape) == [2, 3]
    assert t.shape[1:] == (3,) and isinstance(t.shape[1:], torch.Size)
    assert isinstance(torch.Size([2, 3]) + (4,), torch.Size)
    assert torch.Size([2, 3]) + (4,) == (2, 3, 4)
    assert torch.Size([2, 3]).numel() == 6 and torch.Size([]).numel() == 1
    assert repr(torch.Size([2, 3])) == f"{MOD}.Size([2, 3])"
    assert repr(torch.zeros(()).shape) == f"{MOD}.Size([])"
    a, b = t.shape  # unpacks like a tuple
    assert (a, b) == (2, 3)


def test_size_dim_numel():
    t = torch.zeros(2, 3, 4)
    assert t.size(0) == 2 and t.size(-1) == 4 and t.size(dim=1) == 3
    assert t.dim() == 3 and t.ndim == 3 and t.ndimension() == 3
    assert t.numel() == 24 and t.nelement() == 24 and torch.numel(t) == 24
    assert torch.zeros(()).dim() == 0 and torch.zeros(()).numel() == 1
    assert torch.zeros(0, 5).numel() == 0
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of "
                                         r"\[-3, 2\], but got 3\)"):
        t.size(3)


def test_len():
    assert len(torch.zeros(5, 2)) == 5 and len(torch.zeros(0, 3)) == 0
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(torch.tensor(1.0))


# ---- dtype objects ------------------------------------------------------------------------------
def test_dtype_aliases():
    assert torch.float == torch.float32
    assert torch.double == torch.float64 and torch.half == torch.float16
    assert torch.long == torch.int64 and torch.int == torch.int32 and torch.short == torch.int16
    assert torch.float64 != torch.float32
    assert {torch.float32: 1}[torch.float] == 1  # hashable, aliases hash alike
    assert isinstance(torch.float32, torch.dtype)
    assert (torch.float32 == "float32") is False


@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_dtype_properties(name):
    d = getattr(torch, name)
    assert d.is_floating_point is (name in FLOAT_NAMES)
    assert d.itemsize == ITEMSIZE[name]
    assert d.is_signed is (name not in ("uint8", "bool"))
    assert repr(d) == str(d) == f"{MOD}.{name}"


def test_default_dtype():
    assert torch.get_default_dtype() == torch.float32
    assert torch.tensor([1.5]).dtype == torch.get_default_dtype()


# ---- device -------------------------------------------------------------------------------------
def test_device():
    t = torch.zeros(2)
    assert t.device == torch.device("cpu") and str(t.device) == "cpu"
    assert repr(t.device) == "device(type='cpu')"
    assert t.device.type == "cpu" and t.device.index is None
    assert torch.device("cpu") == torch.device(type="cpu")
    assert hash(torch.device("cpu")) == hash(torch.device("cpu"))
    assert torch.device("cpu", 0).index == 0
    assert torch.device("cpu:0") != torch.device("cpu")  # index 0 vs no index
    assert t.is_cpu is True
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda"):
        torch.device("gpu")


# ---- layout attributes --------------------------------------------------------------------------
@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_sizes_in_bytes(name):
    t = torch.zeros(2, 3, dtype=getattr(torch, name))
    assert t.element_size() == ITEMSIZE[name] and t.itemsize == ITEMSIZE[name]
    assert t.nbytes == 6 * ITEMSIZE[name]
    assert t.is_floating_point() is (name in FLOAT_NAMES)
    assert torch.is_floating_point(t) is (name in FLOAT_NAMES)


def test_nbytes_counts_logical_elements():
    assert torch.ones(3, 1).expand(3, 4).nbytes == 48
    assert torch.ones(4, 4).narrow(0, 0, 2).nbytes == 32
    assert torch.ones(()).nbytes == 4


def test_stride_offset_contiguity():
    t = torch.zeros(2, 3, 4)
    assert t.stride() == (12, 4, 1) and t.stride(1) == 4 and t.stride(dim=-1) == 1
    assert t.storage_offset() == 0 and t.is_contiguous()
    v = t.select(0, 1).t()
    assert v.stride() == (1, 4) and v.storage_offset() == 12 and not v.is_contiguous()


def test_data_ptr():
    t = torch.zeros(3, 4, dtype=torch.float64)
    assert t.data_ptr() != 0
    assert t.t().data_ptr() == t.data_ptr()
    assert t.select(0, 1).data_ptr() - t.data_ptr() == 4 * 8
    assert torch.zeros(3, 4).data_ptr() != t.data_ptr()


# ---- conversions --------------------------------------------------------------------------------
def test_to_dtype_and_device():
    t = torch.tensor([[1.5, -2.5], [3.0, 0.0]])
    assert t.to(torch.int32).dtype == torch.int32
    assert t.to(torch.float32) is t  # nothing to do: the same tensor
    assert t.to("cpu") is t and t.to(torch.device("cpu")) is t and t.cpu() is t
    assert t.to(device="cpu") is t
    assert t.to("cpu", torch.int8).dtype == torch.int8
    assert t.to("cpu", dtype=torch.int8).dtype == torch.int8
    assert t.to(dtype=torch.float64).dtype == torch.float64
    assert t.to(torch.ones(1, dtype=torch.int16)).dtype == torch.int16  # like another tensor
    c = t.to(torch.float64)
    assert c.data_ptr() != t.data_ptr()
    c.fill_(0)
    assert t.tolist() == [[1.5, -2.5], [3.0, 0.0]]  # a converted tensor is a copy


@pytest.mark.parametrize("method,dtype", [
    ("float", "float32"), ("double", "float64"), ("half", "float16"), ("bfloat16", "bfloat16"),
    ("long", "int64"), ("int", "int32"), ("short", "int16"), ("char", "int8"), ("byte", "uint8"),
    ("bool", "bool"),
])
def test_conversion_methods(method, dtype):
    t = torch.tensor([[1.5, -2.5], [0.0, 3.0]]).t()  # non-contiguous source
    out = getattr(t, method)()
    assert dtype_name(out.dtype) == dtype and out.shape == (2, 2)
    expected = {"b": [[True, False], [True, True]],
                "i": [[1, 0], [-2, 3]], "u": [[1, 0], [254, 3]],
                "f": [[1.5, 0.0], [-2.5, 3.0]]}[np.dtype(
                    np.float32 if dtype == "bfloat16" else dtype).kind]
    assert out.tolist() == expected
    assert getattr(out, method)() is out  # already of that dtype


def test_conversion_values():
    assert torch.tensor([-1.5, 2.7, -0.2]).to(torch.int32).tolist() == [-1, 2, 0]  # truncation
    assert torch.tensor([0.0, -0.0, 0.1, float("nan")]).bool().tolist() == [False, False, True,
                                                                             True]
    assert torch.tensor([70000.0, 1e-8]).half().tolist() == [float("inf"), 0.0]
    assert torch.tensor([2 ** 24 + 1]).float().tolist() == [16777216.0]
    assert torch.tensor([300, -1]).to(torch.uint8).tolist() == [44, 255]  # ints wrap
    assert torch.tensor([300, -129]).to(torch.int8).tolist() == [44, 127]
    assert torch.tensor([True, False]).float().tolist() == [1.0, 0.0]
    # float32 -> bfloat16 rounds to nearest, ties to even (not truncation)
    assert torch.tensor([1.00390625, 1.01171875, 1.0078125 + 2 ** -8 + 2 ** -12]
                        ).bfloat16().tolist() == [1.0, 1.015625, 1.015625]
    assert torch.tensor([1.0 + 2 ** -11, 1.0 + 3 * 2 ** -11]).half().tolist() == [1.0,
                                                                                    1.001953125]


# ---- numpy interop ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [n for n in DTYPE_NAMES if n != "bfloat16"])
def test_numpy_dtype_and_sharing(name):
    t = torch.zeros(2, 3, dtype=getattr(torch, name))
    a = t.numpy()
    assert a.dtype == np.dtype(name) and a.shape == (2, 3)
    assert a.ctypes.data == t.data_ptr()  # zero-copy
    b = np.asarray(t)  # __array__
    assert b.dtype == np.dtype(name) and b.ctypes.data == t.data_ptr()
    assert np.asarray(t, dtype=np.float64).dtype == np.float64


def test_numpy_of_bfloat16_is_refused():
    t = torch.zeros(2, dtype=torch.bfloat16)
    with pytest.raises(TypeError, match="Got unsupported ScalarType BFloat16"):
        t.numpy()
    with pytest.raises(TypeError, match="Got unsupported ScalarType BFloat16"):
        np.asarray(t)
    assert t.float().numpy().dtype == np.float32


def test_numpy_zero_dim_and_views():
    assert torch.tensor(2.5).numpy().shape == ()
    v = torch.arange(12.0).reshape(3, 4).t()
    a = v.numpy()
    assert a.shape == (4, 3) and a.strides == (4, 16)
    np.testing.assert_array_equal(a, np.arange(12.0).reshape(3, 4).T)


# ---- Python values ------------------------------------------------------------------------------
def test_tolist():
    assert torch.tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]
    assert torch.tensor(3).tolist() == 3
    assert torch.zeros(2, 0).tolist() == [[], []] and torch.zeros(0, 2).tolist() == []
    for name, pytype in [("float32", float), ("float16", float), ("bfloat16", float),
                         ("float64", float), ("int8", int), ("uint8", int), ("int64", int),
                         ("bool", bool)]:
        values = torch.tensor([[1, 0]]).to(getattr(torch, name)).tolist()
        assert all(type(v) is pytype for v in values[0]), name
    assert torch.tensor([0.1]).tolist() == [0.10000000149011612]  # float32 value, widened


def test_item():
    assert torch.tensor([[5]]).item() == 5
    assert type(torch.tensor(2, dtype=torch.int8).item()) is int
    assert type(torch.tensor(True).item()) is bool
    assert type(torch.tensor(2.5, dtype=torch.float16).item()) is float
    assert torch.tensor(2.5, dtype=torch.bfloat16).item() == 2.5
    assert torch.tensor(2 ** 62).item() == 2 ** 62
    assert torch.tensor(0.1, dtype=torch.float64).item() == 0.1
    with pytest.raises(RuntimeError, match="a Tensor with 6 elements cannot be converted to "
                                           "Scalar"):
        torch.zeros(2, 3).item()
    with pytest.raises(RuntimeError, match="a Tensor with 0 elements cannot be converted to "
                                           "Scalar"):
        torch.tensor([]).item()


def test_python_number_protocols():
    assert int(torch.tensor(3.7)) == 3 and int(torch.tensor([[7]])) == 7
    assert float(torch.tensor(3)) == 3.0 and float(torch.tensor(2, dtype=torch.int8)) == 2.0
    assert bool(torch.tensor([0])) is False and bool(torch.tensor(0.5)) is True
    assert [10, 20, 30][torch.tensor(1)] == 20  # __index__ for integer tensors
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with more than one value is "
                                           "ambiguous"):
        bool(torch.tensor([1, 2]))
    with pytest.raises(ValueError, match="only one element tensors can be converted to Python "
                                         "scalars"):
        int(torch.ones(2))
    with pytest.raises(TypeError, match="only integer tensors of a single element can be "
                                        "converted to an index"):
        [1, 2, 3][torch.tensor(1.0)]


# ---- copy_ --------------------------------------------------------------------------------------
def test_copy_broadcasts_and_converts():
    x = torch.zeros(2, 3)
    assert x.copy_(torch.tensor([1, 2, 3])) is x
    assert x.tolist() == [[1, 2, 3], [1, 2, 3]]
    assert torch.zeros(3).copy_(torch.tensor(2.0)).tolist() == [2.0, 2.0, 2.0]
    i = torch.zeros(2, 3, dtype=torch.int32).copy_(torch.tensor([1.7, -2.7, 3.0]))
    assert i.tolist() == [[1, -2, 3], [1, -2, 3]]
    b = torch.zeros(2, 2, dtype=torch.bool).copy_(torch.tensor([0.0, 0.5]))
    assert b.tolist() == [[False, True], [False, True]]
    h = torch.zeros(2, dtype=torch.float16).copy_(torch.tensor([1e5, 0.5], dtype=torch.float64))
    assert h.tolist() == [float("inf"), 0.5]


def test_copy_errors():
    with pytest.raises(RuntimeError, match=r"The size of tensor a \(3\) must match the size of "
                                           r"tensor b \(2\) at non-singleton dimension 1"):
        torch.zeros(2, 3).copy_(torch.ones(2))
    with pytest.raises(TypeError):
        torch.ones(2).copy_(np.ones(2))


# ---- dtype helper functions ---------------------------------------------------------------------
def test_result_type_examples():
    i8 = torch.tensor([1], dtype=torch.int8)
    assert torch.result_type(i8, torch.tensor(1000)) == torch.int8
    assert torch.result_type(i8, 1.5) == torch.float32
    assert torch.result_type(torch.tensor(1, dtype=torch.int8),
                             torch.tensor([1], dtype=torch.int16)) == torch.int16
    assert torch.result_type(2, torch.tensor([1], dtype=torch.uint8)) == torch.uint8
    assert torch.result_type(2.5, torch.tensor([1], dtype=torch.float16)) == torch.float16
    assert torch.result_type(torch.tensor(1.0), torch.tensor(1)) == torch.float32
    assert torch.result_type(torch.tensor(5), torch.tensor([True])) == torch.int64
    assert torch.result_type(2, 3.0) == torch.float32
    assert torch.result_type(True, False) == torch.bool
    assert torch.result_type(1, True) == torch.int64


def test_promote_types_and_can_cast_examples():
    assert torch.promote_types(torch.uint8, torch.int8) == torch.int16
    assert torch.promote_types(torch.float16, torch.bfloat16) == torch.float32
    assert torch.promote_types(torch.int64, torch.float16) == torch.float16
    assert torch.promote_types(torch.bool, torch.bool) == torch.bool
    assert torch.can_cast(torch.int32, torch.float16) is True
    assert torch.can_cast(torch.float32, torch.int32) is False
    assert torch.can_cast(torch.int32, torch.bool) is False
    assert torch.can_cast(torch.float64, torch.float16) is True  # same category: allowed


def test_is_tensor():
    assert torch.is_tensor(torch.zeros(1)) is True
    assert torch.is_tensor(np.ones(2)) is False
    assert torch.is_tensor(3) is False and torch.is_tensor([1]) is False
    assert isinstance(torch.zeros(1), torch.Tensor)


def test_numpy_values_roundtrip_exactly():
    rng = np.random.default_rng(0)
    for name in ("float32", "float64", "float16", "int64", "int8", "uint8"):
        a = (rng.standard_normal((5, 7)) * 50).astype(name)
        np.testing.assert_array_equal(torch.from_numpy(a).numpy(), a)
        np.testing.assert_array_equal(to_np(torch.tensor(a.tolist(), dtype=getattr(torch, name))),
                                      a)
