"""Index checks on wgpu are deferred, as CUDA's device-side asserts: an op taking indices records a
min/max of them on the device and goes on; the next synchronisation point (a read back or
``synchronize()``) raises the first failing check, naming its op. RUSTORCH_WGPU_SYNC_CHECKS=1 checks
at the call with the CPU's message. A training step with an embedding and a cross-entropy loss
waits for the device nowhere (``rustorch.wgpu.counters()``)."""
import pytest

from _backend import torch
from _wgpu import require


@pytest.fixture(autouse=True)
def _wgpu():
    require()


def _waits():
    return torch.wgpu.counters()["waits"]


def test_error_raised_at_the_next_synchronisation_point():
    x = torch.arange(5.0).to("wgpu")
    bad = torch.tensor([0, 7]).to("wgpu")
    torch.wgpu.synchronize()
    waits = _waits()
    y = x.index_select(0, bad)  # recorded, not read: no error yet, no wait
    z = y * 2
    assert _waits() == waits
    with pytest.raises(IndexError, match=r"^index_select\(\): index out of range in self$"):
        z.cpu()
    # Reported once: the queue goes on, and work after the bad op is safe to run and read.
    good = x.index_select(0, torch.tensor([4, 1]).to("wgpu"))
    assert good.cpu().tolist() == [4.0, 1.0]
    torch.wgpu.synchronize()


@pytest.mark.parametrize("read", ["item", "tolist", "numpy", "synchronize", "bool"])
def test_every_read_back_is_a_synchronisation_point(read):
    x = torch.arange(6.0).view(2, 3).to("wgpu")
    torch.gather(x, 1, torch.tensor([[0], [3]]).to("wgpu"))
    s = x.sum()
    reads = {"item": s.item, "tolist": s.tolist, "numpy": lambda: s.cpu().numpy(),
             "synchronize": torch.wgpu.synchronize, "bool": lambda: bool(s)}
    with pytest.raises(RuntimeError, match=r"^gather\(\): index 3 is out of bounds for dimension 1 with size 3$"):
        reads[read]()


def test_first_failing_check_is_reported():
    x = torch.zeros(4, 3).to("wgpu")
    x.index_fill_(0, torch.tensor([1]).to("wgpu"), 1.0)  # fine
    x.index_add_(0, torch.tensor([9]).to("wgpu"), torch.ones(1, 3).to("wgpu"))  # first bad
    torch.take(x, torch.tensor([-20]).to("wgpu"))  # second bad
    with pytest.raises(RuntimeError, match=r"^index_add_\(\): index 9 is out of bounds for dimension 0 with size 4$"):
        torch.wgpu.synchronize()
    torch.wgpu.synchronize()  # both were consumed


@pytest.mark.parametrize("bad_at", [3, 70])
def test_more_checks_than_slots(bad_at):
    """More pending checks than the device-side slots: the early resolve raises a bad one among the
    first slots at the call that fills them, a later one at the next synchronisation point."""
    x = torch.arange(10.0).to("wgpu")
    ok, bad = torch.tensor([1]).to("wgpu"), torch.tensor([10]).to("wgpu")
    with pytest.raises(IndexError, match=r"^index_select\(\): index out of range in self$"):
        for i in range(80):
            x.index_select(0, bad if i == bad_at else ok)
        torch.wgpu.synchronize()
    assert x.index_select(0, ok).item() == 1.0


def test_synchronous_checks_on_request(monkeypatch):
    monkeypatch.setenv("RUSTORCH_WGPU_SYNC_CHECKS", "1")
    x = torch.arange(5.0).to("wgpu")
    with pytest.raises(IndexError, match=r"^index out of range in self$"):
        x.index_select(0, torch.tensor([5]).to("wgpu"))
    with pytest.raises(RuntimeError, match=r"^index -6 is out of bounds for dimension 0 with size 5$"):
        torch.gather(x, 0, torch.tensor([-6]).to("wgpu"))
    torch.wgpu.synchronize()


def test_loss_target_checked_on_the_device():
    logits = torch.randn(3, 4).to("wgpu")
    loss = torch.nn.functional.cross_entropy(logits, torch.tensor([1, 4, -100]).to("wgpu"))
    with pytest.raises(IndexError, match=r"^nll_loss\(\): Target 4 is out of bounds\.$"):
        loss.item()
    # An ignored target is not out of bounds.
    loss = torch.nn.functional.cross_entropy(logits, torch.tensor([1, -100, 3]).to("wgpu"))
    assert loss.isfinite().item()


def test_training_step_waits_for_nothing():
    """Embedding, attention-free mixing, cross-entropy, clipping and AdamW: the whole step is
    recorded without the host waiting for the device once."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Embedding(11, 16), torch.nn.LayerNorm(16), torch.nn.Linear(16, 11)).to("wgpu")
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    x = torch.randint(0, 11, (4, 8)).to("wgpu")
    y = torch.randint(0, 11, (4, 8)).to("wgpu")

    def step():
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(model(x).view(-1, 11), y.view(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss

    first = step().item()
    before = torch.wgpu.counters()
    for _ in range(3):
        loss = step()
    after = torch.wgpu.counters()
    assert after["waits"] == before["waits"]
    assert after["dispatches"] > before["dispatches"]
    assert loss.item() < first


def test_counters_count_work():
    before = torch.wgpu.counters()
    y = torch.ones(8).to("wgpu") + 1
    mid = torch.wgpu.counters()
    assert mid["dispatches"] > before["dispatches"]
    assert y.sum().item() == 16.0
    assert torch.wgpu.counters()["waits"] > mid["waits"]


def test_advanced_indexing_reads_defer_and_writes_check_at_the_call():
    x = torch.arange(12.0).view(3, 4).to("wgpu")
    idx = torch.tensor([2, 0]).to("wgpu")
    torch.wgpu.synchronize()
    waits = _waits()
    y = x[idx, 1:]  # a read: checked on the device, nothing read back
    assert _waits() == waits
    assert y.cpu().tolist() == [[9.0, 10.0, 11.0], [1.0, 2.0, 3.0]]
    x[torch.tensor([-4]).to("wgpu")]
    with pytest.raises(IndexError, match=r"^index\(\): index -4 is out of bounds for dimension 0 with size 3$"):
        torch.wgpu.synchronize()
    # A write with a bad index would land beside the view: it is refused before anything runs.
    with pytest.raises(IndexError, match=r"^index 3 is out of bounds for dimension 0 with size 3$"):
        x[torch.tensor([3]).to("wgpu")] = 0.0
    assert x.cpu().tolist() == [[float(4 * i + j) for j in range(4)] for i in range(3)]
