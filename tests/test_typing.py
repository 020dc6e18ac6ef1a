"""The typed surface: the stubs match the modules they describe (``mypy.stubtest``), mypy understands a
training script written against ``import rustorch as torch`` and rejects type errors in one, and every
public name that exists at run time is known to type checkers.

Much of the namespace is made at import (op tables in ``_functional.py``, methods attached to
``Tensor``), so a type checker reading the sources alone would miss it; ``rustorch/_tensor.pyi``,
``_functional.pyi`` and ``return_types.pyi`` declare those modules, ``rustorch/_C.pyi`` the native
one, and these tests keep all of them true as the code changes.

mypy is a test dependency: without it these tests skip locally and fail in CI (``CI`` set)."""
import ast
import importlib
import inspect
import os
import re
import site
import subprocess
import sys
import sysconfig
import textwrap
import types
import zipfile

import pytest

from _backend import IS_REFERENCE

pytestmark = pytest.mark.skipif(IS_REFERENCE, reason="checks rustorch's own type stubs")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALLOWLIST = os.path.join(ROOT, "tests", "stubtest_allowlist.txt")
# Modules whose stub replaces the source for type checkers, because they create names at import.
STUBBED = ["rustorch._tensor", "rustorch._functional", "rustorch.return_types"]
# The public namespaces whose every name must be known to type checkers.
NAMESPACES = ["rustorch", "rustorch.nn", "rustorch.nn.functional", "rustorch.nn.init", "rustorch.nn.utils",
              "rustorch.optim", "rustorch.optim.lr_scheduler", "rustorch.utils.data", "rustorch.autograd",
              "rustorch.wgpu", "rustorch.backends", "rustorch.return_types"]
# Attributes from Python's class machinery (namedtuple's pickling included), not part of an API, and the
# constructors (named through the class, not an instance).
_MACHINERY = {"__module__", "__dict__", "__weakref__", "__slots__", "__doc__", "__annotations__", "__qualname__",
              "__abstractmethods__", "__parameters__", "__orig_bases__", "__firstlineno__", "__static_attributes__",
              "__match_args__", "__getnewargs__", "__init__", "__new__"}


@pytest.fixture(scope="module")
def mypy_env(tmp_path_factory):
    """Where and how mypy runs: on the rustorch these tests import (an installed wheel is found in
    site-packages, through its py.typed, as a user's mypy finds it; a checkout from its folder), with
    a private cache (none written into the work tree)."""
    try:
        importlib.import_module("mypy.stubtest")
    except ImportError:
        msg = "mypy is not installed (pip install 'mypy>=1.10'): the type stubs cannot be checked"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    import rustorch

    parent = os.path.dirname(os.path.dirname(os.path.abspath(rustorch.__file__)))
    installed = parent in {os.path.abspath(p) for p in sysconfig.get_paths().values()} | set(site.getsitepackages())
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    cache = tmp_path_factory.mktemp("mypy_cache")
    env["MYPY_CACHE_DIR"] = str(cache)
    config = cache / "stubtest.ini"  # stubtest takes its cache folder from a config file only
    config.write_text(f"[mypy]\ncache_dir = {cache}\n")
    return {"env": env, "cwd": str(tmp_path_factory.mktemp("run")) if installed else parent, "config": str(config)}


def _run(args, where, timeout=600):
    return subprocess.run([sys.executable, "-m", *args], cwd=where["cwd"], env=where["env"], capture_output=True,
                          text=True, timeout=timeout)


# ---- the stubs match the modules ---------------------------------------------------------------------


def test_native_stub_matches_the_extension(mypy_env):
    """``rustorch/_C.pyi`` declares exactly what the built extension has, with its signatures."""
    r = _run(["mypy.stubtest", "rustorch._C", "--mypy-config-file", mypy_env["config"]], mypy_env)
    assert r.returncode == 0, f"stubtest rustorch._C failed:\n{r.stdout}\n{r.stderr}"


def test_python_stubs_match_the_modules(mypy_env):
    """The stubs of the modules that make names at import declare every one of them; the few known,
    deliberate differences are listed (with why) in tests/stubtest_allowlist.txt."""
    r = _run(["mypy.stubtest", *STUBBED, "--allowlist", ALLOWLIST, "--mypy-config-file", mypy_env["config"]], mypy_env)
    assert r.returncode == 0, f"stubtest {' '.join(STUBBED)} failed:\n{r.stdout}\n{r.stderr}"


# ---- mypy on user code -----------------------------------------------------------------------------

USER_SCRIPT = '''
"""A training script as a PyTorch user writes it."""
from __future__ import annotations

import io

import rustorch as torch
import rustorch.nn.functional as F
from rustorch import nn
from rustorch.optim.lr_scheduler import StepLR
from rustorch.utils.data import DataLoader, TensorDataset


class MLP(nn.Module):
    def __init__(self, n_in: int, n_hidden: int, n_out: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(n_in, n_hidden)
        self.norm = nn.LayerNorm(n_hidden)
        self.drop = nn.Dropout(0.1)
        self.fc2 = nn.Linear(n_hidden, n_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.drop(F.relu(self.norm(self.fc1(x)))))


def accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    return (logits.argmax(dim=1) == labels).float().mean().item()


def train() -> float:
    torch.manual_seed(0)
    x, y = torch.randn(64, 4), torch.randint(0, 3, (64,))
    loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True)
    model = MLP(4, 32, 3)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.01)
    sched = StepLR(opt, step_size=10, gamma=0.5)
    loss_fn = nn.CrossEntropyLoss()
    total = 0.0
    for _ in range(2):
        model.train()
        for xb, yb in loader:
            opt.zero_grad()
            out: torch.Tensor = model(xb)
            loss = loss_fn(out, yb) + 0.0 * F.mse_loss(out.softmax(-1), F.one_hot(yb, 3).float())
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            opt.step()
            total += loss.item()
        sched.step()
    lrs: list[float] = sched.get_last_lr()
    model.eval()
    with torch.no_grad():
        logits = model(x)
        values, indices = torch.max(logits, dim=1)
        top: torch.Tensor = torch.topk(logits, 2, dim=1).values
        z = torch.zeros(2, 3, dtype=torch.float64) + torch.ones((2, 3)) * 2 - 1
        w = torch.cat([z, z], dim=0).reshape(-1, 3).T @ torch.eye(6)
        size: torch.Size = w.shape
        n: int = size[0] + w.size(1) + w.dim()
        pieces: tuple[torch.Tensor, ...] = torch.split(w, 2, dim=1)
        clipped = torch.where(w > 0, w, 0.0).clamp(min=-1, max=1).sum(dim=(0, 1), keepdim=True)
        a = torch.arange(10).view(2, 5)[:, 1:3]
        a[0, 0] = 5
        print(a.numpy(), values, indices, top, n, pieces, clipped, lrs)
    buf = io.BytesIO()
    torch.save({"model": model.state_dict(), "opt": opt.state_dict()}, buf)
    buf.seek(0)
    state = torch.load(buf)
    model.load_state_dict(state["model"])
    params: list[nn.Parameter] = list(model.parameters())
    model.to(torch.device("cpu"))
    t = torch.tensor([[1.0, 2.0]], requires_grad=True)
    (grad,) = torch.autograd.grad((t * t).sum(), t)
    print(params, grad)
    return total + accuracy(logits, y)
'''

# Each line must draw the mypy error code after "# E:" (and no other line may draw one).
USER_MISTAKES = '''
import rustorch as torch
import rustorch.nn.functional as F

x = torch.ones(3)
F.relu("x")  # E: arg-type
torch.exp("x")  # E: arg-type
x.sum(dim="rows")  # E: arg-type
y: str = x.sum()  # E: assignment
torch.nn.Linear(3, 4, bias="yes")  # E: arg-type
torch.optim.SGD([x], lr="fast")  # E: arg-type
torch.no_such_function(x)  # E: attr-defined
x.no_such_method()  # E: attr-defined
'''


def _coverage_script():
    """A file that names every public name of NAMESPACES and every public attribute of their classes, as
    user code would reach them; returns (source, {line: the name it names})."""
    lines = [f"import {m}" for m in NAMESPACES]
    names = {}
    seen = set()

    def add(text, name):
        lines.append(text)
        names[len(lines)] = name

    for mod_name in NAMESPACES:
        mod = importlib.import_module(mod_name)
        for name in sorted(dir(mod)):
            if name.startswith("_") or not _is_own(mod, name):
                continue
            value = getattr(mod, name)
            add(f"{mod_name}.{name}", f"{mod_name}.{name}")
            if inspect.isclass(value) and value.__module__.startswith("rustorch") and value not in seen:
                seen.add(value)
                attrs = [a for a in sorted(dir(value)) if _is_api_attribute(value, a)]
                if attrs:
                    lines.append(f"def _use_{len(seen)}(x: {mod_name}.{name}) -> None:")
                    for a in attrs:
                        add(f"    x.{a}", f"{mod_name}.{name}.{a}")
    return "\n".join(lines) + "\n", names


def _is_own(mod, name):
    """Whether ``mod.name`` is part of rustorch's API: not an import of another library's object, and for
    a submodule, one its package imports at the top (a submodule imported inside a function is an
    implementation detail, which type checkers rightly do not see as an attribute)."""
    value = getattr(mod, name)
    if isinstance(value, types.ModuleType):
        return value.__name__.startswith("rustorch.") and name in _top_level_submodules(mod)
    owner = getattr(value, "__module__", None)
    return not isinstance(owner, str) or owner.split(".")[0] in ("rustorch", "builtins")


def _top_level_submodules(mod):
    path = getattr(mod, "__file__", None)
    if not path or not path.endswith("__init__.py"):
        return set()
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    found = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found.update([node.module.split(".")[0]] if node.module else [a.asname or a.name for a in node.names])
    return found


def _is_api_attribute(cls, attr):
    """Public attributes, and the dunders (operators, protocols) that a rustorch class defines."""
    if attr in _MACHINERY:
        return False
    if not attr.startswith("_"):
        return True
    if not (attr.startswith("__") and attr.endswith("__")):
        return False
    return any(attr in vars(k) for k in cls.__mro__ if k.__module__.startswith("rustorch"))


@pytest.fixture(scope="module")
def mypy_errors(mypy_env, tmp_path_factory):
    """One mypy run over the user script, the mistakes and the coverage file, with the settings a user
    has by default: {file name: [(line, error code, message)]} for those files (errors mypy finds inside
    rustorch's own function bodies are the library's business, not the user's, as for an installed
    package)."""
    d = tmp_path_factory.mktemp("user_code")
    coverage, _ = _coverage_script()
    files = {"script.py": USER_SCRIPT, "mistakes.py": USER_MISTAKES, "coverage.py": coverage}
    for name, text in files.items():
        (d / name).write_text(textwrap.dedent(text).lstrip("\n") if name != "coverage.py" else text)
    r = _run(["mypy", "--show-error-codes", "--no-error-summary", "--no-pretty", *[str(d / n) for n in files]],
             mypy_env)
    if "error: " not in r.stdout and r.returncode not in (0, 1):
        pytest.fail(f"mypy did not run:\n{r.stdout}\n{r.stderr}")
    found = {name: [] for name in files}
    for line in r.stdout.splitlines():
        m = re.match(r"(.+?):(\d+):(?:\d+:)? error: (.*?)\s+\[([a-z-]+)\]$", line)
        if m and os.path.basename(m.group(1)) in found and os.path.dirname(os.path.abspath(m.group(1))) == str(d):
            found[os.path.basename(m.group(1))].append((int(m.group(2)), m.group(4), m.group(3)))
    return found


def test_mypy_accepts_a_training_script(mypy_errors):
    errors = mypy_errors["script.py"]
    assert not errors, "mypy rejects correct user code:\n" + "\n".join(f"line {n}: {msg} [{c}]" for n, c, msg in errors)


def test_mypy_reports_type_errors_in_user_code(mypy_errors):
    expected = {}
    for n, line in enumerate(textwrap.dedent(USER_MISTAKES).lstrip("\n").splitlines(), 1):
        if "# E: " in line:
            expected[n] = line.split("# E: ")[1].strip()
    got = {}
    for n, code, _ in mypy_errors["mistakes.py"]:
        got.setdefault(n, code)
    assert got == expected, f"mypy's errors (line: code) differ from the expected ones: {got} != {expected}"


def test_every_public_name_is_known_to_type_checkers(mypy_errors):
    _, names = _coverage_script()
    unknown = sorted({names.get(n, f"line {n}") for n, code, _ in mypy_errors["coverage.py"]
                      if code == "attr-defined"})
    assert not unknown, (
        "names that exist at run time but that type checkers do not know (declare them: a Tensor method in "
        "rustorch/_tensor.pyi, a function made from an op table in rustorch/_functional.pyi, a native one in "
        "rustorch/_C.pyi):\n" + "\n".join(unknown))
    others = [f"line {n}: {msg} [{code}]" for n, code, msg in mypy_errors["coverage.py"] if code != "attr-defined"]
    assert not others, "\n".join(others)


def test_the_wheel_ships_the_stubs():
    """maturin puts every file of the package in the wheel: the marker and the stubs included."""
    wheel = os.environ.get("RUSTORCH_WHEEL")
    if not wheel:
        pytest.skip("make test sets RUSTORCH_WHEEL to the wheel")
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = {"rustorch/py.typed", "rustorch/_C.pyi", "rustorch/_typing.pyi"} | {
        m.replace(".", "/") + ".pyi" for m in STUBBED}
    assert wanted <= names, f"missing from the wheel: {sorted(wanted - names)}"
