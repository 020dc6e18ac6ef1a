"""The distribution: one version everywhere, the installed wheel under test (not the checkout), a wheel
within its size limit, an import and CPU work with no GPU driver at all, and a GitHub Actions workflow
that GitHub accepts.

`make test` installs dist/'s wheel outside the checkout and sets RUSTORCH_TEST_INSTALLED=1 and
RUSTORCH_WHEEL (the wheel's path); without them (pytest run by hand on a `maturin develop` build) the
checks that need them skip. The import time is a benchmark figure, not a test: bench/bench_import.py."""
import importlib.metadata
import importlib.util
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import zipfile

import pytest

from _backend import IS_REFERENCE

pytestmark = pytest.mark.skipif(IS_REFERENCE, reason="checks rustorch's own packaging")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKFLOW = os.path.join(ROOT, ".github", "workflows", "wheels.yml")
WHEEL_MAX_BYTES = 20 * 10**6
IN_CI = bool(os.environ.get("CI"))
INSTALLED = os.environ.get("RUSTORCH_TEST_INSTALLED") == "1"


def _read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def _cargo_version():
    path = os.path.join(ROOT, "Cargo.toml")
    if not os.path.exists(path):
        pytest.skip("no Cargo.toml beside tests/")
    package = _read(path).split("[package]", 1)[1].split("\n[", 1)[0]
    return re.search(r'^version\s*=\s*"([^"]+)"', package, re.M).group(1)


def _run_python(code, env=None, timeout=120):
    """Runs `code` in a fresh interpreter outside the checkout (so the import is the one under test)."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=env, cwd=tempfile.gettempdir(), timeout=timeout)


def test_version_is_the_same_everywhere():
    import rustorch

    version = _cargo_version()
    assert rustorch.__version__ == version, "rustorch/__init__.py's __version__ differs from Cargo.toml's"
    # pyproject.toml takes its version from Cargo.toml (maturin): no second copy to drift
    pyproject = _read(os.path.join(ROOT, "pyproject.toml"))
    project = pyproject.split("[project]", 1)[1].split("\n[", 1)[0]
    assert re.search(r'^dynamic\s*=\s*\[[^]]*"version"', project, re.M)
    assert not re.search(r"^version\s*=", project, re.M)
    try:
        installed = importlib.metadata.version("rustorch")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("rustorch is not installed as a distribution (imported from a path)")
    assert installed == version


@pytest.mark.skipif(not INSTALLED, reason="make test sets RUSTORCH_TEST_INSTALLED=1 for its installed wheel")
def test_the_suite_runs_against_the_installed_wheel():
    import rustorch

    where = os.path.realpath(rustorch.__file__)
    assert not where.startswith(os.path.realpath(ROOT) + os.sep), f"rustorch imported from the checkout: {where}"
    dist = importlib.metadata.distribution("rustorch")
    # a wheel install, not an editable one (pip records `dir_info.editable` for those)
    direct = json.loads(dist.read_text("direct_url.json") or "{}")
    assert not direct.get("dir_info", {}).get("editable"), direct
    assert os.path.realpath(str(dist.locate_file("rustorch/__init__.py"))) == where
    # a child process (as the subprocess tests start) finds the same package
    r = _run_python("import rustorch; print(rustorch.__file__)")
    assert r.returncode == 0, r.stderr
    assert os.path.realpath(r.stdout.strip()) == where


@pytest.mark.skipif(not os.environ.get("RUSTORCH_WHEEL"), reason="make test sets RUSTORCH_WHEEL to the wheel")
def test_the_wheel_under_test():
    wheel = os.environ["RUSTORCH_WHEEL"]
    name = os.path.basename(wheel)
    assert os.path.getsize(wheel) <= WHEEL_MAX_BYTES, f"{name}: {os.path.getsize(wheel) / 1e6:.1f} MB > 20 MB"
    assert name.startswith(f"rustorch-{_cargo_version()}-cp39-abi3-"), name
    with zipfile.ZipFile(wheel) as z:
        assert any(n in z.namelist() for n in ("rustorch/_C.abi3.so", "rustorch/_C.pyd"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="hides the Linux Vulkan/EGL loaders")
def test_import_and_cpu_work_without_any_gpu_driver(tmp_path):
    """As on a machine with no Vulkan loader, no EGL and no driver: an empty file named like each loader
    comes first on LD_LIBRARY_PATH, so opening it fails ("file too short") and the search stops there.
    The extension links none of them: it imports, the CPU works, and the wgpu device reports why it is
    unavailable instead of failing the import."""
    for lib in ("libvulkan.so.1", "libvulkan.so", "libEGL.so.1", "libEGL.so", "libGLESv2.so.2", "libGL.so.1"):
        (tmp_path / lib).write_bytes(b"")
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = os.pathsep.join([str(tmp_path)] + [p for p in [env.get("LD_LIBRARY_PATH")] if p])
    env["VK_ICD_FILENAMES"] = env["VK_DRIVER_FILES"] = str(tmp_path / "none.json")
    for k in ("RUSTORCH_WGPU_BACKEND", "RUSTORCH_WGPU_ADAPTER"):
        env.pop(k, None)
    r = _run_python("""
        import ctypes
        try:
            ctypes.CDLL("libvulkan.so.1")
            print("LOADER-LOADED")
        except OSError:
            pass
        import rustorch
        x = rustorch.ones(2) + 1
        assert x.tolist() == [2.0, 2.0], x
        assert (rustorch.arange(6.0).reshape(2, 3) @ rustorch.ones(3)).tolist() == [3.0, 12.0]
        assert rustorch.wgpu.is_available() is False
        reason = rustorch.wgpu.unavailable_reason()
        assert isinstance(reason, str) and reason, reason
        try:
            rustorch.ones(2, device="wgpu")
        except RuntimeError as e:
            assert "not available" in str(e), e
        else:
            raise AssertionError("a wgpu tensor without an adapter")
        print("REASON", reason)
        """, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "LOADER-LOADED" not in r.stdout, "the empty stand-in did not hide the Vulkan loader"
    assert "REASON no adapter found" in r.stdout, r.stdout


def _workflow_linter():
    """check-jsonschema (PyPI), with its copy of SchemaStore's GitHub Actions workflow schema; None when
    it is not installed beside this interpreter."""
    if importlib.util.find_spec("check_jsonschema") is None:
        return None
    return [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows"]


def _load_yaml(path):
    try:
        from ruamel.yaml import YAML  # check-jsonschema's own YAML parser
    except ImportError:
        pytest.skip("no YAML parser (ruamel.yaml comes with check-jsonschema)")
    with open(path, encoding="utf-8") as f:
        return YAML(typ="safe").load(f)


def test_the_wheels_workflow_is_valid_for_github_actions():
    if not os.path.exists(WORKFLOW):
        pytest.skip("no .github/ beside tests/ (an sdist)")
    linter = _workflow_linter()
    if linter is None:
        msg = "check-jsonschema is not installed (pip install check-jsonschema; make test installs it)"
        if IN_CI:
            pytest.fail(msg + ": CI must lint the workflow")
        pytest.skip(msg)
    # the schema (offline: the builtin copy): keys, types, events, permissions, matrix and step shapes
    r = subprocess.run(linter + [WORKFLOW], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    # what the schema cannot see: every `needs` names a job, every matrix reference exists in every
    # matrix entry of its job, and every action is pinned to a release line
    wf = _load_yaml(WORKFLOW)
    jobs = wf["jobs"]
    for name, job in jobs.items():
        needs = job.get("needs", [])
        for dep in [needs] if isinstance(needs, str) else needs:
            assert dep in jobs, f"{name}: needs unknown job {dep!r}"
        text = json.dumps(job)
        matrix = job.get("strategy", {}).get("matrix", {})
        axes = {k: v for k, v in matrix.items() if isinstance(v, list) and k not in ("include", "exclude")}
        entries = [dict(zip(axes, combo)) for combo in itertools.product(*axes.values())] if axes else []
        entries = [dict(e, **inc) for e in entries or [{}] for inc in matrix.get("include") or [{}]]
        for ref in set(re.findall(r"matrix\.([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)", text)):
            for entry in entries:
                value = entry
                for key in ref.split("."):
                    assert isinstance(value, dict) and key in value, f"{name}: matrix.{ref} missing in {entry}"
                    value = value[key]
        for step in job.get("steps", []):
            if "uses" in step:
                assert re.search(r"@(v\d+|release/v\d+|[0-9a-f]{40})$", step["uses"]), step["uses"]


def test_the_wheels_workflow_covers_every_platform_and_publishes_on_tags():
    if not os.path.exists(WORKFLOW):
        pytest.skip("no .github/ beside tests/ (an sdist)")
    text = _read(WORKFLOW)
    for needed in ("PyO3/maturin-action@", "pypa/gh-action-pypi-publish@", "id-token: write", "x86_64",
                   "aarch64", "macos", "windows", "sdist", "refs/tags/", "pytest"):
        assert needed in text, needed
