"""``rustorch.save`` / ``rustorch.load``: checkpoints in the safetensors format. Nothing is pickled,
so loading a file never runs code from it.

A file written by ``save`` is a standard safetensors file:

* The tensor table holds every tensor of the object, contiguous, in its own dtype (F32, F64, F16,
  BF16, I64, I32, I16, I8, U8, BOOL). A tensor is named by its path in the object, the keys and
  indices joined with ``"."`` (``"state.0.exp_avg"``), so a flat ``{name: tensor}`` state dict keeps
  its keys as the tensor names and any safetensors reader sees the same state dict. A name already
  taken (or ``"__metadata__"``) gets a ``"#1"``, ``"#2"`` ... suffix; the root tensor of
  ``save(tensor, f)`` is named ``"tensor"``.
* ``__metadata__`` holds ``"format": "pt"`` (the layout of PyTorch's safetensors files) and, under
  the key ``"rustorch"``, the structure as JSON: ``{"version": 1, "root": NODE}``, where NODE is

  - ``null``, ``true``/``false``, a JSON integer, a string, or a finite JSON float: that value;
  - ``{"float": "nan" | "inf" | "-inf"}``;
  - a JSON array: a list; ``{"tuple": [NODE, ...]}``: a tuple;
  - ``{"dict": [[KEY, NODE], ...]}`` / ``{"odict": ...}``: a dict / OrderedDict, keys (NODEs without
    tensors: str, int, float, bool, None, tuples of those) keeping their type and order;
  - ``{"tensor": NAME}`` plus optional ``"device"`` (where it was saved, e.g. ``"wgpu:0"``),
    ``"requires_grad": true`` and ``"parameter": true`` (an ``nn.Parameter``);
  - ``{"dtype": "float32"}``, ``{"size": [2, 3]}``, ``{"device": "wgpu:0"}``.

A tensor object that appears several times is stored once and loads as one object again. Distinct
tensors that share memory (views) are stored as separate copies.

A file without the ``"rustorch"`` metadata (``safetensors.torch.save_file(model.state_dict(), path)``)
loads as a flat dict ``{name: tensor}``.
"""

from __future__ import annotations

import io
import json
import math
import os
import stat
import tempfile
from collections import OrderedDict
from typing import TYPE_CHECKING

import numpy as np

from . import _C, _dtype
from ._device import device as _device_cls, resolve as _resolve_device
from ._size import Size
from ._tensor import Tensor, _wrap
from .nn.parameter import Parameter

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import IO, Any, Union

    from ._typing import DeviceLike

    # A path or a binary file object.
    FileLike = Union[str, os.PathLike[str], IO[bytes]]
    # Where loaded tensors go: a device, {saved location: target}, or f(tensor, saved location) -> tensor.
    MapLocation = Union[DeviceLike, dict[str, DeviceLike], Callable[[Tensor, str], Tensor], None]

__all__ = ["save", "load"]

META_KEY = "rustorch"
FORMAT_VERSION = 1

# rustorch dtype name <-> safetensors dtype code.
_CODE = {"float32": "F32", "float64": "F64", "float16": "F16", "bfloat16": "BF16", "int64": "I64",
         "int32": "I32", "int16": "I16", "int8": "I8", "uint8": "U8", "bool": "BOOL"}
_NAME = {code: name for name, code in _CODE.items()}

_NOT_VALID = "is not a valid rustorch/safetensors checkpoint"
_PICKLE_HINT = (
    "pickle checkpoints are not loaded, because unpickling a file can run arbitrary code. Convert it once, "
    "with PyTorch, from a file you trust: `safetensors.torch.save_file(torch.load(path, weights_only=True), "
    "'model.safetensors')` (for a state dict; store other objects as dicts of tensors and plain values)"
)
_TENSOR_KEYS = frozenset(("tensor", "device", "requires_grad", "parameter"))
_MAX_DEPTH = 200  # nesting levels a checkpoint's structure may have (Python's recursion limit is 1000)


def _safetensors():
    try:
        import safetensors
    except ImportError:
        raise ImportError(
            "rustorch.save and rustorch.load store checkpoints in the safetensors format: "
            "pip install 'safetensors>=0.4,<1'"
        ) from None
    return safetensors


# ---- save ---------------------------------------------------------------------------------------
class _Encoder:
    """Turns an object into a JSON node, collecting its tensors (contiguous CPU copies) by name."""

    def __init__(self):
        self.tensors = {}  # name -> contiguous CPU tensor, in the order met
        self._names = {}  # id(tensor) -> name
        self._keep = []  # the tensors named above, so their ids stay theirs while saving
        self._open = set()  # ids of the containers being encoded (cycle check)

    def node(self, x, path):
        if x is None or isinstance(x, bool):
            return x
        if isinstance(x, str):
            return str(x)
        if isinstance(x, Tensor):
            return self._tensor(x, path)
        if isinstance(x, int):
            return int(x)
        if isinstance(x, float):
            return float(x) if math.isfinite(x) else {"float": repr(float(x))}
        if isinstance(x, np.generic) and isinstance(x.item(), (bool, int, float)):
            return self.node(x.item(), path)
        if type(x) is _dtype.dtype:
            return {"dtype": x.name}
        if isinstance(x, _device_cls):
            return {"device": str(x)}
        if isinstance(x, Size):
            return {"size": [int(n) for n in x]}
        if isinstance(x, (list, tuple, dict)):
            return self._container(x, path)
        hint = " (save its state_dict() instead)" if callable(getattr(x, "state_dict", None)) else ""
        raise TypeError(
            f"rustorch.save cannot store an object of type {type(x).__name__}{hint}: checkpoints hold tensors, "
            "dicts, lists, tuples, int, float, bool, str, None, dtypes, devices and sizes"
        )

    def _container(self, x, path):
        if id(x) in self._open:
            raise ValueError("rustorch.save: the object contains a reference cycle")
        self._open.add(id(x))
        try:
            if isinstance(x, dict):
                pairs = [[self._key(k), self.node(v, path + (str(k),))] for k, v in x.items()]
                return {"odict" if isinstance(x, OrderedDict) else "dict": pairs}
            items = [self.node(v, path + (str(i),)) for i, v in enumerate(x)]
            return items if isinstance(x, list) else {"tuple": items}
        finally:
            self._open.discard(id(x))

    def _key(self, k):
        if isinstance(k, tuple) and not isinstance(k, Size):
            return {"tuple": [self._key(v) for v in k]}
        if isinstance(k, (Tensor, list, dict)):
            raise TypeError(f"rustorch.save: dict keys must be plain values, not {type(k).__name__}")
        return self.node(k, ())

    def _tensor(self, t, path):
        name = self._names.get(id(t))
        if name is None:
            name = self._fresh(".".join(path) or "tensor")
            self._names[id(t)] = name
            self._keep.append(t)
            self.tensors[name] = Tensor.detach(t).cpu().contiguous()
        node = {"tensor": name}
        if t.device.type != "cpu":
            node["device"] = str(t.device)
        if isinstance(t, Parameter):
            node["parameter"] = True
        if t.requires_grad:
            node["requires_grad"] = True
        return node

    def _fresh(self, name):
        if name not in self.tensors and name != "__metadata__":
            return name
        i = 1
        while f"{name}#{i}" in self.tensors:
            i += 1
        return f"{name}#{i}"


class _HostBytes:
    """The bytes of a contiguous CPU tensor as a read-only uint8 numpy array (no copy); numpy keeps
    this object, and so the tensor, alive as the array's base."""

    __slots__ = ("_t", "__array_interface__")

    def __init__(self, t):
        self._t = t
        self.__array_interface__ = {"version": 3, "shape": (t.nbytes,), "typestr": "|u1",
                                    "data": (t.data_ptr(), True)}


def _specs(st, tensors):
    """The tensor table in the form this safetensors release takes: ``TensorSpec`` pointing at the
    tensors' memory (0.8+; the tensors stay alive in ``tensors`` meanwhile), else dicts of bytes."""
    spec = getattr(st, "TensorSpec", None)
    out = {}
    for name, t in tensors.items():
        shape = list(t.shape)
        if spec is not None:
            out[name] = spec(dtype=t.dtype.name, shape=shape, data_ptr=t.data_ptr(), data_len=t.nbytes)
        else:
            out[name] = {"dtype": t.dtype.name, "shape": shape, "data": np.asarray(_HostBytes(t)).tobytes()}
    return out


def _new_file_mode(path):
    """The mode ``open(path, "wb")`` would leave: the target's own, or 0o666 less the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def _write_atomic(st, path, specs, metadata):
    """Writes a temporary file beside ``path``, syncs it and renames it onto ``path``: a crash leaves
    either the old file or the new one. On any error the temporary file is removed."""
    path = os.path.realpath(path)  # through a symlink to its target, as open() writes
    directory = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=directory)
    try:
        os.close(fd)
        st.serialize_file(specs, tmp, metadata=metadata)
        os.chmod(tmp, _new_file_mode(path))
        with open(tmp, "r+b") as h:
            os.fsync(h.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if os.name == "posix":  # the rename itself survives a power loss once the directory is synced
        try:
            dfd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError:
            pass


def save(obj: object, f: FileLike, pickle_module: Any = None, pickle_protocol: int | None = None,
         _use_new_zipfile_serialization: bool = True, _disable_byteorder_record: bool = False) -> None:
    """Saves ``obj`` (a tensor, or dicts/lists/tuples of tensors and plain values, such as a
    ``state_dict()`` or an optimizer's state) to ``f``, a path or a binary file object, in the
    safetensors format. A path is written atomically: a temporary file in the same directory,
    synced, then renamed onto ``f``. ``pickle_module`` and the other PyTorch arguments are accepted
    and unused: nothing is pickled.

    >>> import io
    >>> buf = io.BytesIO()
    >>> rustorch.save({"w": rustorch.ones(2), "step": 3}, buf)
    >>> _ = buf.seek(0)
    >>> rustorch.load(buf)
    {'w': tensor([1., 1.]), 'step': 3}
    """
    st = _safetensors()
    enc = _Encoder()
    root = enc.node(obj, ())
    structure = json.dumps({"version": FORMAT_VERSION, "root": root}, allow_nan=False, separators=(",", ":"))
    metadata = {"format": "pt", META_KEY: structure}
    specs = _specs(st, enc.tensors)  # raw pointers into enc.tensors, alive until the end of this call
    if isinstance(f, (str, bytes, os.PathLike)):
        _write_atomic(st, os.fsdecode(os.fspath(f)), specs, metadata)
    elif callable(getattr(f, "write", None)):
        f.write(bytes(st.serialize(specs, metadata=metadata)))
    else:
        raise TypeError(f"rustorch.save: expected a path or a binary file object, got {type(f).__name__}")


# ---- load ---------------------------------------------------------------------------------------
def _bad(where, why):
    return RuntimeError(f"rustorch.load: {where} {_NOT_VALID}: {why}")


def _read(f):
    """(a description for messages, the file's bytes)."""
    if isinstance(f, (str, bytes, os.PathLike)):
        path = os.fspath(f)
        with open(path, "rb") as h:
            return repr(os.fsdecode(path)), h.read()
    if not callable(getattr(f, "read", None)):
        raise TypeError(f"rustorch.load: expected a path or a binary file object, got {type(f).__name__}")
    if isinstance(f, io.TextIOBase):
        raise TypeError("rustorch.load: the file object must be opened in binary mode ('rb')")
    data = f.read()
    if isinstance(data, str):
        raise TypeError("rustorch.load: the file object must be opened in binary mode ('rb')")
    return "the file object", bytes(data)


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def _parse_json(text):
    return json.loads(text, parse_constant=_reject_constant)


def _header(data, where):
    """The JSON header as a dict, with the checks that give the clearest message for a file that is
    not safetensors at all; the safetensors parser then validates the whole file."""
    if data[:4] == b"PK\x03\x04":
        raise _bad(where, "it is a zip archive, the format of torch.save; " + _PICKLE_HINT)
    if len(data) >= 2 and data[0] == 0x80 and 2 <= data[1] <= 5:
        raise _bad(where, "it is a pickle file (torch.save's legacy format); " + _PICKLE_HINT)
    if len(data) < 8:
        raise _bad(where, f"it is {len(data)} bytes long, too short to hold the 8-byte header length (truncated?)")
    n = int.from_bytes(data[:8], "little")
    if n > len(data) - 8:
        raise _bad(where, f"the header length {n} runs past the end of the file ({len(data)} bytes): "
                          "the file is truncated or not a safetensors file")
    try:
        header = _parse_json(data[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise _bad(where, f"the header is not valid JSON ({e})") from None
    if not isinstance(header, dict):
        raise _bad(where, f"the header is a JSON {type(header).__name__}, not an object")
    meta = header.get("__metadata__")
    if meta is not None and not (isinstance(meta, dict) and all(isinstance(v, str) for v in meta.values())):
        raise _bad(where, "__metadata__ is not an object of strings")
    ends = [e["data_offsets"][1] for k, e in header.items()
            if k != "__metadata__" and isinstance(e, dict) and isinstance(e.get("data_offsets"), list)
            and len(e["data_offsets"]) == 2 and type(e["data_offsets"][1]) is int]
    if ends and max(ends) > len(data) - 8 - n:
        raise _bad(where, f"the file is truncated: its header describes {max(ends)} bytes of tensor data, "
                          f"the file holds {len(data) - 8 - n}")
    return header


def _contiguous_strides(shape):
    strides, n = [], 1
    for s in reversed(shape):
        strides.append(n)
        n *= s
    return strides[::-1]


def _tensor_from_entry(name, info, where):
    """A CPU tensor owning the bytes of one table entry (zero-copy when they are writable and aligned)."""
    dname = _NAME.get(info["dtype"])
    if dname is None:
        raise _bad(where, f"tensor {name!r} has dtype {info['dtype']}, which rustorch does not support "
                          f"(supported: {', '.join(_NAME)})")
    d = _dtype._BY_NAME[dname]
    shape = [int(s) for s in info["shape"]]
    numel = math.prod(shape)
    buf = info["data"]
    if len(buf) != numel * d.itemsize:
        raise _bad(where, f"tensor {name!r} holds {len(buf)} bytes, its shape {shape} needs {numel * d.itemsize}")
    if numel == 0:
        return _wrap(_C.empty(shape, dname, "cpu"))
    arr = np.frombuffer(buf, dtype=np.uint8)
    if not arr.flags.writeable or arr.ctypes.data % d.itemsize:
        arr = arr.copy()
    if dname == "bool" and arr.max() > 1:
        raise _bad(where, f"bool tensor {name!r} holds bytes other than 0 and 1")
    return _wrap(_C.from_buffer(arr.ctypes.data, arr.nbytes, shape, _contiguous_strides(shape), 0, dname, arr))


class _Decoder:
    """Rebuilds the object from its JSON node, checking every node (the file may be hostile)."""

    def __init__(self, entries, where, place):
        self.entries = entries
        self.where = where
        self.place = place
        self._done = {}  # name -> the loaded tensor, so a tensor saved once loads as one object

    def bad(self, why):
        return _bad(self.where, why)

    def node(self, n, depth=0):
        if n is None or isinstance(n, (bool, int, float, str)):
            return n
        if depth > _MAX_DEPTH:
            raise self.bad(f"the structure is nested more than {_MAX_DEPTH} levels deep")
        depth += 1
        if isinstance(n, list):
            return [self.node(v, depth) for v in n]
        if not isinstance(n, dict):
            raise self.bad(f"unexpected structure node of type {type(n).__name__}")
        if "tensor" in n:
            return self.tensor(n)
        if len(n) != 1:
            raise self.bad(f"structure node with keys {sorted(n)[:4]} is not one of the known forms")
        (tag, v), = n.items()
        if tag == "tuple" and isinstance(v, list):
            return tuple([self.node(x, depth) for x in v])
        if tag in ("dict", "odict") and isinstance(v, list):
            out = OrderedDict() if tag == "odict" else {}
            for pair in v:
                if not (isinstance(pair, list) and len(pair) == 2):
                    raise self.bad("a dict entry is not a [key, value] pair")
                k = self.key(pair[0], depth)
                out[k] = self.node(pair[1], depth)
            return out
        if tag == "float" and v in ("nan", "inf", "-inf"):
            return float(v)
        if tag == "dtype" and v in _dtype._BY_NAME:
            return _dtype._BY_NAME[v]
        if tag == "size" and isinstance(v, list) and all(type(s) is int and s >= 0 for s in v):
            return Size(v)
        if tag == "device" and isinstance(v, str):
            try:
                return _device_cls(v)
            except (RuntimeError, TypeError) as e:
                raise self.bad(f"bad device {v!r}: {e}") from None
        raise self.bad(f"unknown structure node {tag!r}")

    def key(self, n, depth):
        if isinstance(n, dict) and "tensor" in n:
            raise self.bad("a dict key is a tensor")
        k = self.node(n, depth)
        try:
            hash(k)
        except TypeError:
            raise self.bad(f"a dict key of type {type(k).__name__} is not hashable") from None
        return k

    def tensor(self, n):
        name = n["tensor"]
        if not isinstance(name, str) or not set(n) <= _TENSOR_KEYS:
            raise self.bad(f"bad tensor node {sorted(n)[:5]}")
        if name in self._done:
            return self._done[name]
        info = self.entries.get(name)
        if info is None:
            raise self.bad(f"the structure names tensor {name!r}, which is not in the tensor table")
        location = n.get("device", "cpu")
        if not isinstance(location, str):
            raise self.bad(f"tensor {name!r} has a device that is not a string")
        t = self.place(_tensor_from_entry(name, info, self.where), location)
        requires_grad = n.get("requires_grad", False)
        if not isinstance(requires_grad, bool) or not isinstance(n.get("parameter", False), bool):
            raise self.bad(f"tensor {name!r} has flags that are not booleans")
        if requires_grad and not t.dtype.is_floating_point:
            raise self.bad(f"tensor {name!r} of dtype {t.dtype} cannot require grad")
        if n.get("parameter"):
            t = Parameter(t, requires_grad=requires_grad)
        elif requires_grad:
            t = Tensor.detach(t).requires_grad_(True)
        self._done[name] = t
        return t


def _placer(map_location):
    """``place(cpu_tensor, saved_location) -> tensor`` for torch's forms of ``map_location``: None or
    'cpu' (CPU), a device or device string, a dict {saved location: target} (locations not listed stay
    on the CPU), or a callable ``f(tensor, saved_location)`` returning a tensor (None: keep the CPU one)."""
    if map_location is None:
        return lambda t, location: t
    if isinstance(map_location, (str, _device_cls)) or type(map_location) is int:
        target = _resolve_device(map_location)
        return lambda t, location: t if target.type == "cpu" else t.to(target)
    if isinstance(map_location, dict):
        table = {str(k): v for k, v in map_location.items()}

        def by_table(t, location):
            target = table.get(location, table.get(location.partition(":")[0]))
            return t if target is None else t.to(_resolve_device(target))

        return by_table
    if callable(map_location):
        def by_call(t, location):
            r = map_location(t, location)
            if r is None:
                return t
            if not isinstance(r, Tensor):
                raise TypeError(f"map_location returned {type(r).__name__}, expected a Tensor or None")
            return r

        return by_call
    raise TypeError(f"map_location must be None, a device, a dict or a callable, not {type(map_location).__name__}")


def load(f: FileLike, map_location: MapLocation = None, pickle_module: Any = None, *, weights_only: bool | None = None,
         mmap: bool | None = None, **pickle_load_args: Any) -> Any:
    """Loads what ``save`` wrote to ``f`` (a path or a binary file object), or any safetensors file
    (a file without rustorch's metadata, e.g. from ``safetensors.torch.save_file``, loads as a flat
    dict ``{name: tensor}``). Tensors load on the CPU unless ``map_location`` says otherwise ('cpu',
    'wgpu', a ``rustorch.device``, a dict ``{saved location: target}`` or a callable
    ``f(tensor, saved_location)``). Nothing in the file is ever executed: ``weights_only``, ``mmap``,
    ``pickle_module`` and unpickler arguments are accepted for PyTorch's signature and change nothing.
    A truncated, corrupted or pickle file raises RuntimeError saying why.

    >>> import io
    >>> buf = io.BytesIO()
    >>> rustorch.save({"state": {0: {"step": 2}}, "betas": (0.9, 0.999)}, buf)
    >>> _ = buf.seek(0)
    >>> rustorch.load(buf, map_location="cpu")
    {'state': {0: {'step': 2}}, 'betas': (0.9, 0.999)}
    """
    st = _safetensors()
    place = _placer(map_location)
    where, data = _read(f)
    header = _header(data, where)
    try:
        table = st.deserialize(data)
    except MemoryError:
        raise
    except Exception as e:  # the safetensors parser's verdict on offsets, dtypes, shapes, coverage
        raise _bad(where, str(e)) from None
    del data
    entries = {name: info for name, info in table}
    meta = header.get("__metadata__") or {}
    if META_KEY not in meta:
        return {name: place(_tensor_from_entry(name, info, where), "cpu") for name, info in entries.items()}
    try:
        structure = _parse_json(meta[META_KEY])
    except (ValueError, RecursionError) as e:
        raise _bad(where, f"the {META_KEY!r} metadata is not valid JSON ({e})") from None
    if not (isinstance(structure, dict) and "root" in structure and type(structure.get("version")) is int):
        raise _bad(where, f"the {META_KEY!r} metadata is not an object with 'version' and 'root'")
    if structure["version"] > FORMAT_VERSION:
        raise _bad(where, f"it was written by a newer rustorch (checkpoint format {structure['version']}; "
                          f"this one reads up to {FORMAT_VERSION})")
    return _Decoder(entries, where, place).node(structure["root"])
