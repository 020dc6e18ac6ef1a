"""Interop: numpy zero-copy both ways (``from_numpy``, ``.numpy()``, ``np.asarray``) with memory kept alive
whichever side is dropped first, PyTorch's handling of non-writeable and non-native-byte-order arrays, and
DLPack (``__dlpack__``/``__dlpack_device__``, versioned and legacy capsules, ``rustorch.from_dlpack``,
``rustorch.utils.dlpack``) with numpy here, and with PyTorch and JAX in a subprocess each (their LLVM builds
must not share a process with Mesa's lavapipe) where they are installed."""

import gc
import importlib.util
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import rustorch as torch
from _wgpu import require


# ---- numpy ---------------------------------------------------------------------------------------------

def test_from_numpy_shares_memory_and_outlives_the_array():
    a = np.arange(6.0).reshape(2, 3)
    t = torch.from_numpy(a)
    t.add_(1)
    assert a[1, 2] == 6.0
    del a
    gc.collect()
    assert t.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]


def test_numpy_of_a_tensor_shares_memory_and_outlives_the_tensor():
    t = torch.arange(4, dtype=torch.float32)
    n, m = t.numpy(), np.asarray(t)
    assert np.shares_memory(n, m)
    n[0] = 10
    assert t[0].item() == 10
    del t
    gc.collect()
    assert n.tolist() == [10.0, 1.0, 2.0, 3.0] and m[0] == 10


def test_strided_views_both_ways():
    a = np.arange(24, dtype=np.int32).reshape(4, 6)[::2, 1::2]
    t = torch.from_numpy(a)
    assert t.stride() == (12, 2) and t.tolist() == a.tolist()
    base = torch.arange(12.0).reshape(3, 4)
    v = base.t()
    assert v.numpy().strides == (4, 16) and np.shares_memory(v.numpy(), base.numpy())
    assert v.numpy().tolist() == v.tolist()


def test_non_writeable_array_warns_once_and_shares():
    import rustorch._creation as creation

    creation._warned_not_writable.clear()
    a = np.arange(3.0)
    a.flags.writeable = False
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        t = torch.from_numpy(a)
        torch.from_numpy(a)
        torch.as_tensor(a)
    assert [str(x.message).startswith("The given NumPy array is not writable") for x in w] == [True]
    assert t.data_ptr() == a.__array_interface__["data"][0]


@pytest.mark.parametrize("fn", ["from_numpy", "as_tensor", "tensor"])
@pytest.mark.parametrize("dt", [">i4", ">f8", ">f2"])
def test_non_native_byte_order_is_refused(fn, dt):
    with pytest.raises(ValueError, match="given numpy array has byte order different from the native byte order"):
        getattr(torch, fn)(np.arange(3).astype(dt))


def test_unsupported_numpy_dtype():
    with pytest.raises(TypeError, match="can't convert np.ndarray of type numpy.complex128"):
        torch.from_numpy(np.zeros(2, dtype=np.complex128))


# ---- DLPack with numpy ------------------------------------------------------------------------------------

NUMPY2 = int(np.__version__.split(".")[0]) >= 2


class _Asking:
    """A consumer's request made by hand (numpy 1's ``from_dlpack`` passes no keywords): exports ``t``
    with ``kw`` and presents the result as a CPU tensor."""

    def __init__(self, t, **kw):
        self.t, self.kw = t, kw

    def __dlpack__(self, **_):
        return self.t.__dlpack__(**self.kw)

    def __dlpack_device__(self):
        return (1, 0)


DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


@pytest.mark.parametrize("dt", DTYPES)
def test_numpy_reads_rustorch_without_a_copy(dt):
    t = torch.arange(12).reshape(3, 4).to(getattr(torch, dt if dt != "bool" else "bool"))[:, 1::2]
    a = np.from_dlpack(t)
    assert a.dtype == np.dtype(dt) and a.tolist() == t.tolist()
    assert a.__array_interface__["data"][0] == t.data_ptr() and a.strides == tuple(s * t.element_size() for s in t.stride())
    del t
    gc.collect()
    assert a.shape == (3, 2)  # still readable: the capsule's owner keeps the storage


@pytest.mark.parametrize("dt", DTYPES)
def test_rustorch_reads_numpy_without_a_copy(dt):
    a = (np.arange(12) % 3).astype(dt).reshape(4, 3)[1:, ::2]
    t = torch.from_dlpack(a)
    assert str(t.dtype) == f"rustorch.{dt}" and t.tolist() == a.tolist()
    assert t.data_ptr() == a.__array_interface__["data"][0]
    if dt != "bool":
        t.add_(1)
        assert t.tolist() == a.tolist()  # one memory
    del a
    gc.collect()
    assert t.shape == (3, 2)


def test_capsules_legacy_and_versioned():
    t = torch.ones(2, 3)
    legacy, versioned = t.__dlpack__(), t.__dlpack__(max_version=(1, 0))
    assert 'capsule object "dltensor"' in repr(legacy) and 'capsule object "dltensor_versioned"' in repr(versioned)
    for cap in (legacy, versioned):
        u = torch.from_dlpack(cap)
        assert u.data_ptr() == t.data_ptr()
        with pytest.raises(RuntimeError, match="can be consumed only once"):
            torch.from_dlpack(cap)
    assert t.__dlpack_device__() == (1, 0)
    assert torch.utils.dlpack.from_dlpack(torch.utils.dlpack.to_dlpack(t)).tolist() == t.tolist()
    del legacy, versioned  # consumed capsules free nothing twice
    gc.collect()


def test_unconsumed_capsule_and_scalars_and_empty():
    cap = torch.arange(3.0).__dlpack__()
    del cap  # the capsule's destructor frees the export
    gc.collect()
    assert torch.from_dlpack(np.float32(2.5)).item() == 2.5 if hasattr(np.float32(0), "__dlpack__") else True
    z = torch.from_dlpack(np.zeros((0, 3), dtype=np.float32))
    assert tuple(z.shape) == (0, 3)
    assert np.from_dlpack(torch.zeros(0, 2)).shape == (0, 2)
    assert torch.from_dlpack(np.array(7, dtype=np.int64)).item() == 7


def test_copy_and_errors():
    t = torch.arange(3.0)
    copies = [np.from_dlpack(_Asking(t, copy=True))] + ([np.from_dlpack(t, copy=True)] if NUMPY2 else [])
    t.add_(1)  # the copies keep the values of the export
    assert [c.tolist() for c in copies] == [[0.0, 1.0, 2.0]] * len(copies)
    with pytest.raises(RuntimeError, match="Can't export tensors that require gradient, use tensor.detach()"):
        t.requires_grad_().__dlpack__()
    with pytest.raises(TypeError, match="expected a DLPack capsule or an object with __dlpack__"):
        torch.from_dlpack([1, 2])
    with pytest.raises(BufferError, match="not supported"):
        torch.ones(2).__dlpack__(dl_device=(2, 0))


def test_many_round_trips_free_their_memory():
    def rss():
        with open("/proc/self/status") as f:
            return int(next(line for line in f if line.startswith("VmRSS")).split()[1])

    for _ in range(200):
        torch.from_dlpack(np.ones(25000))
        np.from_dlpack(torch.ones(25000))
    gc.collect()
    before = rss()
    for _ in range(2000):  # 200 KB each way per round: a leak would show as hundreds of MB
        torch.from_dlpack(np.ones(25000))
        np.from_dlpack(torch.ones(25000))
        torch.ones(25000).__dlpack__(max_version=(1, 0))
    gc.collect()
    assert rss() - before < 50_000


def test_wgpu_tensors_report_their_device_and_copy_only_when_asked():
    require()
    w = torch.arange(3.0, device="wgpu")
    assert w.__dlpack_device__() == (15, 0)
    with pytest.raises(BufferError, match="move it to the CPU first"):
        w.__dlpack__()
    with pytest.raises(BufferError, match="must be moved to the CPU|only by a copy"):
        w.__dlpack__(dl_device=(1, 0), copy=False)
    assert np.from_dlpack(_Asking(w, dl_device=(1, 0))).tolist() == [0.0, 1.0, 2.0]
    if NUMPY2:  # numpy 2 asks for the CPU itself
        assert np.from_dlpack(w, device="cpu").tolist() == [0.0, 1.0, 2.0]


# ---- PyTorch and JAX, each in its own process --------------------------------------------------------------

def _run_with(lib, code):
    if importlib.util.find_spec(lib) is None:
        pytest.skip(f"{lib} is not installed")
    import os

    import rustorch

    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.dirname(os.path.dirname(rustorch.__file__))] + os.environ.get("PYTHONPATH", "").split(os.pathsep)))
    r = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env,
                       timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def test_pytorch_both_ways():
    out = _run_with("torch", """
        import gc, torch, rustorch
        t = rustorch.arange(12, dtype=rustorch.float32).reshape(3, 4)[:, 1:]
        x = torch.from_dlpack(t)
        assert x.data_ptr() == t.data_ptr() and x.stride() == t.stride() and x.tolist() == t.tolist()
        x.mul_(2); assert t.tolist() == x.tolist()
        del t; gc.collect(); assert x.sum().item() == 2 * sum(i for i in range(12) if i % 4)
        y = torch.arange(10, dtype=torch.int64)[::3]
        r = rustorch.from_dlpack(y)
        assert r.data_ptr() == y.data_ptr() and r.tolist() == y.tolist() and r.stride() == (3,)
        del y; gc.collect(); assert r.tolist() == [0, 3, 6, 9]
        for dt in (torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.float16, torch.bfloat16,
                   torch.float64):
            a = torch.ones(2, 2, dtype=dt)
            assert rustorch.from_dlpack(a).tolist() == a.tolist()
            b = torch.from_dlpack(rustorch.ones(2, 2, dtype=getattr(rustorch, str(dt).split(".")[1])))
            assert b.dtype == dt
        print("ok")
    """)
    assert out.strip().endswith("ok")


def test_jax_both_ways():
    out = _run_with("jax", """
        import jax, jax.numpy as jnp, numpy as np, rustorch
        t = rustorch.arange(6, dtype=rustorch.float32).reshape(2, 3)
        j = jax.dlpack.from_dlpack(t)
        assert j.tolist() == t.tolist()
        r = rustorch.from_dlpack(jnp.arange(4, dtype=jnp.int32))
        assert r.tolist() == [0, 1, 2, 3]
        print("ok")
    """)
    assert out.strip().endswith("ok")


def test_result_layouts_agree_with_pytorch():
    """Random views (permuted, sliced with steps, expanded, empty) through unary, binary (both orders, with
    broadcasting), where, .to(dtype), clone, empty_like and zeros_like: rustorch's result strides and values
    are PyTorch's (tests/test_result_layout.py holds fixed cases for runs without PyTorch)."""
    out = _run_with("torch", """
        import random
        import numpy as np
        import torch, rustorch as rt
        random.seed(0)

        def make(lib, shape, perm, sl, exp):
            x = lib.arange(int(np.prod(shape)), dtype=lib.float32).reshape(*shape).permute(*perm)
            x = x[tuple(slice(a, None, s) for a, s in sl)]
            return x if exp is None else x.expand(*exp)

        def spec():
            nd = random.randint(1, 4)
            shape = [random.choice([1, 2, 3, 4]) for _ in range(nd)]
            perm = random.sample(range(nd), nd)
            sl = [(random.choice([0, 0, 1]), random.choice([1, 1, 2])) for _ in range(nd)]
            sizes = [len(range(a, shape[p], s)) for (a, s), p in zip(sl, perm)]
            exp = [random.choice([2, 3]) if s == 1 else s for s in sizes] if random.random() < 0.2 else None
            return shape, perm, sl, exp

        ops = {
            "exp": lambda L, x, y: x.exp(), "mul2": lambda L, x, y: x * 2, "double": lambda L, x, y: x.double(),
            "clone": lambda L, x, y: x.clone(), "zeros_like": lambda L, x, y: L.zeros_like(x),
            "empty_like": lambda L, x, y: L.empty_like(x).zero_(), "add": lambda L, x, y: x + y,
            "radd": lambda L, x, y: y + x, "where": lambda L, x, y: L.where(x > 3, x, y),
        }
        checked = bad = 0
        for _ in range(2000):
            s1, s2, name = spec(), spec(), random.choice(sorted(ops))
            if name in ("add", "radd", "where") and random.random() < 0.5:  # a trailing-broadcast operand
                k = random.randint(1, len(s1[0]))
                tail = [len(range(a, s1[0][p], s)) for (a, s), p in zip(s1[2], s1[1])][-k:]
                s2 = (tail, list(range(k)), [(0, 1)] * k, None)
            try:
                want = ops[name](torch, make(torch, *s1), make(torch, *s2))
            except RuntimeError:  # shapes that do not broadcast
                continue
            got = ops[name](rt, make(rt, *s1), make(rt, *s2))
            checked += 1
            if tuple(got.stride()) != tuple(want.stride()) or not np.allclose(got.numpy(), want.numpy(), rtol=1e-6):
                bad += 1
                print("mismatch", name, s1, s2, tuple(want.stride()), tuple(got.stride()))
        print(checked, bad)
    """)
    checked, bad = map(int, out.split()[-2:])
    assert checked > 1000 and bad == 0, out
