"""The examples run a short configuration on both devices and reach the same numbers (float32 tolerance);
with PyTorch installed, the same files run unchanged on it (``--lib torch``)."""
import importlib.util
import os
import sys

import pytest

from _backend import IS_REFERENCE
from _wgpu import require

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "examples"))

pytestmark = pytest.mark.skipif(IS_REFERENCE, reason="runs the examples on rustorch (and on torch below)")
HAS_TORCH = importlib.util.find_spec("torch") is not None
HAS_SKLEARN = importlib.util.find_spec("sklearn") is not None


def _digits(device, tmp_path, lib="rustorch"):
    import digits

    return digits.main(["--device", device, "--epochs", "1", "--no-progress", "--lib", lib, "--out", str(tmp_path)])


def _gpt(device, lib="rustorch"):
    import char_gpt

    return char_gpt.main(["--device", device, "--steps", "6", "--n-layer", "1", "--n-embd", "32", "--n-head", "2",
                          "--block-size", "16", "--batch-size", "4", "--chars", "20000", "--sample", "20",
                          "--warmup", "2", "--log-every", "3", "--lib", lib])


@pytest.mark.skipif(not HAS_SKLEARN, reason="the digits example needs scikit-learn's bundled dataset")
def test_digits_on_both_devices(tmp_path):
    cpu = _digits("cpu", tmp_path / "cpu")
    assert cpu["accuracy"] > 0.5 and cpu["reloaded_accuracy"] == cpu["accuracy"]
    assert os.path.exists(cpu["checkpoint"])
    require()
    gpu = _digits("wgpu", tmp_path / "wgpu")
    assert gpu["reloaded_accuracy"] == gpu["accuracy"]
    assert gpu["final_loss"] == pytest.approx(cpu["final_loss"], rel=1e-3)
    assert abs(gpu["accuracy"] - cpu["accuracy"]) <= 0.01


def test_char_gpt_on_both_devices():
    cpu = _gpt("cpu")
    assert cpu["last_loss"] < cpu["first_loss"]
    require()
    gpu = _gpt("wgpu")
    assert gpu["first_loss"] == pytest.approx(cpu["first_loss"], rel=1e-4)
    assert gpu["last_loss"] == pytest.approx(cpu["last_loss"], rel=1e-3)


@pytest.mark.skipif(not (HAS_TORCH and HAS_SKLEARN), reason="PyTorch (and scikit-learn) not installed")
def test_examples_run_unchanged_on_torch(tmp_path):
    # In a process of their own: PyTorch's compiler stack bundles an LLVM that must not meet the one a
    # software Vulkan driver (lavapipe) loaded into this process.
    import subprocess

    def run(*args):
        r = subprocess.run([sys.executable, *args, "--lib", "torch"], capture_output=True, text=True, cwd=ROOT,
                           timeout=600)
        assert r.returncode == 0, r.stderr[-2000:]
        return r.stdout

    out = run("examples/digits.py", "--device", "cpu", "--epochs", "1", "--no-progress", "--out", str(tmp_path))
    assert "reloaded from the checkpoint" in out and "(same)" in out
    out = run("examples/char_gpt.py", "--device", "cpu", "--steps", "6", "--n-layer", "1", "--n-embd", "32",
              "--n-head", "2", "--block-size", "16", "--batch-size", "4", "--chars", "20000", "--sample", "20",
              "--warmup", "2", "--log-every", "3")
    losses = [float(line.split()[3]) for line in out.splitlines() if line.startswith("step")]
    assert len(losses) >= 2 and losses[-1] < losses[0]
