"""``optim.lr_scheduler``: each scheduler's learning-rate sequence equals PyTorch's.

The expected sequences are written as the recursions PyTorch evaluates (so the floats must be equal,
not just close), with the closed forms checked to 1e-12 alongside; the suite passes against PyTorch
itself (RUSTORCH_TEST_AGAINST=torch)."""
import math
import warnings

import pytest

from _backend import torch

lr_scheduler = torch.optim.lr_scheduler
N = 30


class Fixed(torch.optim.Optimizer):
    """An optimizer whose step leaves the parameters alone: only its learning rates matter here."""

    def __init__(self, params, lr=0.1, **defaults):
        super().__init__(params, dict(lr=lr, **defaults))

    def step(self, closure=None):
        return None


def make_opt(*lrs, **defaults):
    """One parameter group per learning rate."""
    lrs = lrs or (0.1,)
    groups = [{"params": [torch.nn.Parameter(torch.zeros(2))], "lr": lr} for lr in lrs]
    return Fixed(groups, **defaults)


def run(opt, sched, n=N):
    """The groups' rates at epochs 0 .. n-1 (one list per group), stepping as a training loop does."""
    seq = []
    for _ in range(n):
        lrs = [g["lr"] for g in opt.param_groups]
        assert sched.get_last_lr() == lrs
        seq.append(lrs)
        opt.step()
        sched.step()
    return [list(col) for col in zip(*seq)]


def chain(base, factor_at, n=N):
    """base, then lr_e = lr_{e-1} * factor_at(e) (None: unchanged) for e = 1 .. n-1."""
    out = [base]
    for e in range(1, n):
        f = factor_at(e)
        out.append(out[-1] if f is None else out[-1] * f)
    return out


def approx(values):
    return pytest.approx(values, rel=1e-12)


# ---- the base class ----------------------------------------------------------------------------
def test_construction_sets_initial_lr_and_steps_once():
    opt = make_opt(0.1, 0.5)
    sched = lr_scheduler.StepLR(opt, step_size=2)
    assert isinstance(sched, lr_scheduler.LRScheduler)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert sched.base_lrs == [0.1, 0.5]
    assert sched.last_epoch == 0 and sched._step_count == 1
    assert sched.get_last_lr() == [0.1, 0.5]
    opt.step()
    sched.step()
    assert sched.last_epoch == 1


def test_not_an_optimizer():
    with pytest.raises(TypeError, match="^list is not an Optimizer$"):
        lr_scheduler.StepLR([], step_size=1)


def test_resume_needs_initial_lr():
    opt = make_opt(0.1)
    with pytest.raises(KeyError, match="param 'initial_lr' is not specified in param_groups\\[0\\] when resuming"):
        lr_scheduler.StepLR(opt, step_size=2, last_epoch=3)


def test_resume_with_last_epoch():
    opt = make_opt(0.4)
    opt.param_groups[0]["initial_lr"] = 0.8
    sched = lr_scheduler.ExponentialLR(opt, gamma=0.5, last_epoch=4)
    assert sched.base_lrs == [0.8] and sched.last_epoch == 5
    assert opt.param_groups[0]["lr"] == 0.4  # the initial step does not move a resumed schedule
    assert run(opt, sched, 3) == [[0.4, 0.2, 0.1]]


def test_warning_when_scheduler_steps_first():
    opt = make_opt(0.1)
    sched = lr_scheduler.StepLR(opt, step_size=2)
    with pytest.warns(UserWarning, match="^Detected call of `lr_scheduler.step\\(\\)` before `optimizer.step\\(\\)`. "
                                         "In PyTorch 1.1.0 and later"):
        sched.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched.step()  # warns once only


def test_warning_when_optimizer_step_replaced():
    opt = make_opt(0.1)
    sched = lr_scheduler.StepLR(opt, step_size=2)
    opt.step = lambda closure=None: None
    with pytest.warns(UserWarning, match="^Seems like `optimizer.step\\(\\)` has been overridden after learning rate "
                                         "scheduler initialization"):
        sched.step()


def test_no_warning_in_the_right_order():
    opt = make_opt(0.1)
    sched = lr_scheduler.StepLR(opt, step_size=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
        sched.step()
    assert getattr(opt.step, "_wrapped_by_lr_sched", False)
    assert opt._opt_called


def test_get_lr_outside_step_warns():
    opt = make_opt(0.1)
    sched = lr_scheduler.ExponentialLR(opt, gamma=0.5)
    with pytest.warns(UserWarning, match="^To get the last learning rate computed by the scheduler, please use "
                                         "`get_last_lr\\(\\)`.$"):
        assert sched.get_lr() == [0.05]


def test_step_with_epoch_uses_closed_form_and_warns():
    opt = make_opt(1.0)
    sched = lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    opt.step()
    with pytest.warns(UserWarning, match="^The epoch parameter in `scheduler.step\\(\\)` was not necessary"):
        sched.step(7)
    assert sched.last_epoch == 7 and sched.get_last_lr() == [0.25]


def test_tensor_lr_is_filled_in_place():
    lr = torch.tensor(0.5)
    opt = Fixed([torch.nn.Parameter(torch.zeros(2))], lr=lr)
    sched = lr_scheduler.ExponentialLR(opt, gamma=0.5)
    for _ in range(3):
        opt.step()
        sched.step()
    assert opt.param_groups[0]["lr"] is lr and lr.item() == 0.0625
    last = sched.get_last_lr()[0]
    assert last is not lr and last.item() == 0.0625
    assert sched.base_lrs[0] is not lr and sched.base_lrs[0].item() == 0.5


# ---- chainable schedulers ------------------------------------------------------------------------
def test_step_lr():
    opt = make_opt(0.1, 0.7)
    sched = lr_scheduler.StepLR(opt, step_size=3, gamma=0.3)
    seq = run(opt, sched)
    for base, got in zip((0.1, 0.7), seq):
        assert got == chain(base, lambda e: 0.3 if e % 3 == 0 else None)
        assert got == approx([base * 0.3 ** (e // 3) for e in range(N)])


def test_multistep_lr():
    opt = make_opt(0.5)
    sched = lr_scheduler.MultiStepLR(opt, milestones=[2, 5, 5, 9], gamma=0.5)
    counts = {2: 1, 5: 2, 9: 1}
    (got,) = run(opt, sched)
    assert got == chain(0.5, lambda e: 0.5 ** counts[e] if e in counts else None)
    assert got[:3] == [0.5, 0.5, 0.25] and got[5] == 0.0625 and got[-1] == 0.03125


def test_exponential_lr():
    opt = make_opt(0.1, 1.0)
    sched = lr_scheduler.ExponentialLR(opt, gamma=0.9)
    seq = run(opt, sched)
    for base, got in zip((0.1, 1.0), seq):
        assert got == chain(base, lambda e: 0.9)
        assert got == approx([base * 0.9 ** e for e in range(N)])


def test_lambda_lr():
    opt = make_opt(0.1, 0.2)
    sched = lr_scheduler.LambdaLR(opt, lr_lambda=[lambda e: 0.95 ** e, lambda e: 1.0 / (e + 1)])
    a, b = run(opt, sched)
    assert a == [0.1 * 0.95 ** e for e in range(N)]
    assert b == [0.2 * (1.0 / (e + 1)) for e in range(N)]
    with pytest.raises(ValueError, match="^Expected 2 lr_lambdas, but got 1$"):
        lr_scheduler.LambdaLR(make_opt(0.1, 0.2), lr_lambda=[lambda e: 1.0])


def test_multiplicative_lr():
    opt = make_opt(0.3)
    sched = lr_scheduler.MultiplicativeLR(opt, lr_lambda=lambda e: 0.9 if e % 2 else 1.05)
    (got,) = run(opt, sched)
    assert got == chain(0.3, lambda e: 0.9 if e % 2 else 1.05)
    with pytest.raises(TypeError, match="^lr_lambda should be a function, but got int$"):
        lr_scheduler.MultiplicativeLR(make_opt(), lr_lambda=3)


def test_constant_lr():
    opt = make_opt(0.1)
    sched = lr_scheduler.ConstantLR(opt, factor=0.3, total_iters=4)
    (got,) = run(opt, sched)
    expected = chain(0.1 * 0.3, lambda e: (1.0 / 0.3) if e == 4 else None)
    assert got == expected
    assert got[:4] == [0.1 * 0.3] * 4 and got[4:] == approx([0.1] * (N - 4))
    with pytest.raises(ValueError, match="^Constant multiplicative factor expected to be between 0 and 1.$"):
        lr_scheduler.ConstantLR(make_opt(), factor=1.5)


@pytest.mark.parametrize("start,end,total", [(0.25, 1.0, 8), (1.0, 0.1, 10), (1.0 / 3, 1.0, 5)])
def test_linear_lr(start, end, total):
    opt = make_opt(0.1)
    sched = lr_scheduler.LinearLR(opt, start_factor=start, end_factor=end, total_iters=total)
    (got,) = run(opt, sched)
    d = end - start
    expected = chain(0.1 * start, lambda e: 1.0 + d / (total * start + (e - 1) * d) if e <= total else None)
    assert got == expected
    assert got == approx([0.1 * (start + d * min(total, e) / total) for e in range(N)])


def test_linear_lr_errors():
    with pytest.raises(ValueError, match="^Starting multiplicative factor expected to be greater than 0 and less "
                                         "or equal to 1.$"):
        lr_scheduler.LinearLR(make_opt(), start_factor=0)
    with pytest.raises(ValueError, match="^Ending multiplicative factor expected to be between 0 and 1.$"):
        lr_scheduler.LinearLR(make_opt(), end_factor=2.0)


def test_polynomial_lr():
    opt = make_opt(0.1)
    sched = lr_scheduler.PolynomialLR(opt, total_iters=10, power=2.0)
    (got,) = run(opt, sched)
    expected = chain(0.1, lambda e: ((1.0 - e / 10) / (1.0 - (e - 1) / 10)) ** 2.0 if e <= 10 else None)
    assert got == expected
    assert got[:10] == approx([0.1 * (1.0 - e / 10) ** 2.0 for e in range(10)])
    assert got[10:] == [0.0] * (N - 10)


@pytest.mark.parametrize("t_max,eta_min", [(10, 0.001), (7, 0.01)])
def test_cosine_annealing_lr(t_max, eta_min):
    base = 0.1
    opt = make_opt(base)
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=t_max, eta_min=eta_min)
    (got,) = run(opt, sched)
    expected = [base]
    for e in range(1, N):
        lr = expected[-1]
        if (e - 1 - t_max) % (2 * t_max) == 0:
            expected.append(lr + (base - eta_min) * (1 - math.cos(math.pi / t_max)) / 2)
        else:
            expected.append((1 + math.cos(math.pi * e / t_max)) / (1 + math.cos(math.pi * (e - 1) / t_max))
                            * (lr - eta_min) + eta_min)
    assert got == expected
    closed = [eta_min + (base - eta_min) * (1 + math.cos(math.pi * e / t_max)) / 2 for e in range(N)]
    assert got == approx(closed)
    assert got[t_max] == eta_min


# ---- composite schedulers ------------------------------------------------------------------------
def test_sequential_lr():
    opt = make_opt(0.1)
    warm = lr_scheduler.ConstantLR(opt, factor=0.1, total_iters=20)
    decay = lr_scheduler.ExponentialLR(opt, gamma=0.9)
    sched = lr_scheduler.SequentialLR(opt, schedulers=[warm, decay], milestones=[5])
    (got,) = run(opt, sched)
    assert got[:5] == [0.1 * 0.1] * 5
    assert got[5:] == chain(0.1, lambda e: 0.9, N - 5)


def test_sequential_linear_warmup_then_cosine():
    opt = make_opt(0.1)
    warm = lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=4)
    cos = lr_scheduler.CosineAnnealingLR(opt, T_max=12, eta_min=0.0)
    sched = lr_scheduler.SequentialLR(opt, schedulers=[warm, cos], milestones=[6])
    (got,) = run(opt, sched)
    expected = chain(0.1 * 0.5, lambda e: 1.0 + 0.5 / (4 * 0.5 + (e - 1) * 0.5) if e <= 4 else None, 6)
    assert got[:6] == expected
    cosine = [0.1]
    for e in range(1, N - 6):
        lr = cosine[-1]
        if (e - 1 - 12) % 24 == 0:
            cosine.append(lr + 0.1 * (1 - math.cos(math.pi / 12)) / 2)
        else:
            cosine.append((1 + math.cos(math.pi * e / 12)) / (1 + math.cos(math.pi * (e - 1) / 12)) * lr)
    assert got[6:] == cosine


def test_sequential_lr_errors():
    opt = make_opt(0.1)
    a = lr_scheduler.ExponentialLR(opt, gamma=0.9)
    b = lr_scheduler.StepLR(opt, step_size=2)
    with pytest.raises(ValueError, match="^SequentialLR expects at least one scheduler, but got no scheduler.$"):
        lr_scheduler.SequentialLR(opt, schedulers=[], milestones=[])
    with pytest.raises(ValueError, match="^Sequential Schedulers expects number of schedulers provided to be one "
                                         "more than the number of milestone points, but got number of schedulers 2 "
                                         "and the number of milestones to be equal to 2$"):
        lr_scheduler.SequentialLR(opt, schedulers=[a, b], milestones=[3, 4])
    plateau = lr_scheduler.ReduceLROnPlateau(opt)
    with pytest.raises(ValueError, match="does not support `ReduceLROnPlateau` scheduler"):
        lr_scheduler.SequentialLR(opt, schedulers=[a, plateau], milestones=[3])
    other = lr_scheduler.StepLR(make_opt(0.1), step_size=2)
    with pytest.raises(ValueError, match="^SequentialLR expects all schedulers to belong to the same optimizer"):
        lr_scheduler.SequentialLR(opt, schedulers=[a, other], milestones=[3])


def test_chained_scheduler():
    opt = make_opt(0.1)
    const = lr_scheduler.ConstantLR(opt, factor=0.1, total_iters=20)
    exp = lr_scheduler.ExponentialLR(opt, gamma=0.9)
    sched = lr_scheduler.ChainedScheduler([const, exp], optimizer=opt)
    (got,) = run(opt, sched)
    expected = [0.1 * 0.1]
    for e in range(1, N):
        lr = expected[-1]
        if e == 20:
            lr = lr * (1.0 / 0.1)
        expected.append(lr * 0.9)
    assert got == expected
    assert sched.optimizer is opt
    with pytest.raises(ValueError, match="^ChainedScheduler expects at least one scheduler to be chained"):
        lr_scheduler.ChainedScheduler([])


# ---- ReduceLROnPlateau ---------------------------------------------------------------------------
def plateau_run(sched, opt, metrics):
    lrs = []
    for m in metrics:
        opt.step()
        sched.step(m)
        assert sched.get_last_lr() == [g["lr"] for g in opt.param_groups]
        lrs.append(opt.param_groups[0]["lr"])
    return lrs


def test_reduce_lr_on_plateau_min_rel_with_cooldown_and_min_lr():
    opt = make_opt(1.0)
    sched = lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2, threshold=0.1, cooldown=1,
                                           min_lr=0.1)
    metrics = [10, 9.5, 9.2, 9.1, 9.0, 9.0, 9.0, 9.0, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5]
    lrs = plateau_run(sched, opt, metrics)
    assert lrs == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.125, 0.125, 0.125, 0.125, 0.1,
                   0.1, 0.1, 0.1, 0.1]
    assert sched.best == 5 and sched.last_epoch == len(metrics)


def test_reduce_lr_on_plateau_max_abs_and_tensor_metric():
    opt = make_opt(0.2, 0.04)
    sched = lr_scheduler.ReduceLROnPlateau(opt, mode="max", factor=0.1, patience=0, threshold=0.5,
                                           threshold_mode="abs", min_lr=[0.0, 0.01])
    lrs = []
    for m in [1.0, 1.4, 2.0, 2.0, 1.0]:
        opt.step()
        sched.step(torch.tensor(m))
        lrs.append([g["lr"] for g in opt.param_groups])
    assert lrs == [[0.2, 0.04], [0.2 * 0.1, 0.01], [0.2 * 0.1, 0.01], [0.2 * 0.1 * 0.1, 0.01],
                   [0.2 * 0.1 * 0.1 * 0.1, 0.01]]
    assert sched.best == 2.0


def test_reduce_lr_on_plateau_eps_and_errors():
    opt = make_opt(1e-8)
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=0)
    assert plateau_run(sched, opt, [1.0, 2.0, 3.0]) == [1e-8] * 3  # a reduction below eps is skipped
    with pytest.raises(ValueError, match="^Factor should be < 1.0.$"):
        lr_scheduler.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="^mode avg is unknown!$"):
        lr_scheduler.ReduceLROnPlateau(opt, mode="avg")
    with pytest.raises(ValueError, match="^threshold mode rel2 is unknown!$"):
        lr_scheduler.ReduceLROnPlateau(opt, threshold_mode="rel2")
    with pytest.raises(ValueError, match="^expected 1 min_lrs, got 2$"):
        lr_scheduler.ReduceLROnPlateau(opt, min_lr=[0.1, 0.2])


def test_reduce_lr_on_plateau_state_dict():
    opt = make_opt(1.0)
    sched = lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1)
    plateau_run(sched, opt, [3.0, 4.0])
    sd = sched.state_dict()
    assert "optimizer" not in sd and sd["num_bad_epochs"] == 1 and sd["best"] == 3.0
    opt2 = make_opt(1.0)
    sched2 = lr_scheduler.ReduceLROnPlateau(opt2)
    sched2.load_state_dict(sd)
    assert plateau_run(sched2, opt2, [4.0]) == [0.5]


# ---- cyclical schedulers -------------------------------------------------------------------------
def cos_anneal(start, end, pct):
    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)


def lin_anneal(start, end, pct):
    return (end - start) * pct + start


def one_cycle_expected(total, max_lr, pct_start, anneal, three_phase, div=25.0, final_div=1e4,
                       base_m=0.85, max_m=0.95):
    initial = max_lr / div
    min_lr = initial / final_div
    if three_phase:
        phases = [(float(pct_start * total) - 1, initial, max_lr, max_m, base_m),
                  (float(2 * pct_start * total) - 2, max_lr, initial, base_m, max_m),
                  (total - 1, initial, min_lr, max_m, max_m)]
    else:
        phases = [(float(pct_start * total) - 1, initial, max_lr, max_m, base_m),
                  (total - 1, max_lr, min_lr, base_m, max_m)]
    lrs, moms = [], []
    for step in range(total):
        start = 0.0
        for i, (end, lr0, lr1, m0, m1) in enumerate(phases):
            if step <= end or i == len(phases) - 1:
                pct = (step - start) / (end - start)
                lrs.append(anneal(lr0, lr1, pct))
                moms.append(anneal(m0, m1, pct))
                break
            start = end
    return lrs, moms


@pytest.mark.parametrize("strategy,anneal", [("cos", cos_anneal), ("linear", lin_anneal)])
@pytest.mark.parametrize("three_phase", [False, True])
def test_one_cycle_lr_with_momentum(strategy, anneal, three_phase):
    opt = make_opt(0.1, momentum=0.9)
    sched = lr_scheduler.OneCycleLR(opt, max_lr=0.5, total_steps=N, pct_start=0.3, anneal_strategy=strategy,
                                    three_phase=three_phase)
    lrs, moms = one_cycle_expected(N, 0.5, 0.3, anneal, three_phase)
    got_lrs, got_moms = [], []
    for _ in range(N):
        got_lrs.append(opt.param_groups[0]["lr"])
        got_moms.append(opt.param_groups[0]["momentum"])
        opt.step()
        sched.step()
    assert got_lrs == lrs and got_moms == moms
    group = opt.param_groups[0]
    assert group["initial_lr"] == 0.5 / 25.0 and group["max_lr"] == 0.5 and group["min_lr"] == 0.5 / 25.0 / 1e4
    assert group["max_momentum"] == 0.95 and group["base_momentum"] == 0.85
    assert got_lrs[0] == approx(group["initial_lr"]) and got_lrs[-1] == approx(group["min_lr"])
    assert max(got_lrs) == approx(0.5) and min(got_moms) == approx(0.85)
    with pytest.raises(ValueError, match=f"^Tried to step {N + 1} times. The specified number of total steps is "
                                         f"{N}$"):
        sched.step()


def test_one_cycle_lr_with_betas_and_epochs():
    opt = make_opt(0.1, 0.2, betas=(0.9, 0.999))
    sched = lr_scheduler.OneCycleLR(opt, max_lr=[0.5, 1.0], epochs=5, steps_per_epoch=4, base_momentum=0.8,
                                    max_momentum=0.9)
    assert sched.total_steps == 20
    seqs = [one_cycle_expected(20, m, 0.3, cos_anneal, False, base_m=0.8, max_m=0.9) for m in (0.5, 1.0)]
    for step in range(20):
        for g, (lrs, moms) in zip(opt.param_groups, seqs):
            assert g["lr"] == lrs[step] and g["betas"] == (moms[step], 0.999)
        opt.step()
        sched.step()


def test_one_cycle_lr_without_momentum_and_errors():
    opt = make_opt(0.1)
    sched = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10, cycle_momentum=False)
    assert "momentum" not in opt.param_groups[0] and sched.get_last_lr() == approx([1.0 / 25.0])
    with pytest.raises(ValueError, match="^optimizer must support momentum or beta1 with `cycle_momentum` option"):
        lr_scheduler.OneCycleLR(make_opt(), max_lr=1.0, total_steps=10)
    with pytest.raises(ValueError, match="^You must define either total_steps OR \\(epochs AND steps_per_epoch\\)$"):
        lr_scheduler.OneCycleLR(opt, max_lr=1.0, epochs=3)
    with pytest.raises(ValueError, match="^Expected positive integer total_steps, but got 0$"):
        lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=0)
    with pytest.raises(ValueError, match="^Expected float between 0 and 1 pct_start, but got 1.5$"):
        lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10, pct_start=1.5, cycle_momentum=False)
    with pytest.raises(ValueError, match="^anneal_strategy must be one of 'cos' or 'linear', instead got exp$"):
        lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10, anneal_strategy="exp", cycle_momentum=False)
    with pytest.raises(ValueError, match="^max_lr must have the same length as optimizer.param_groups. max_lr has "
                                         "2 values, param_groups has 1.$"):
        lr_scheduler.OneCycleLR(opt, max_lr=[1.0, 2.0], total_steps=10, cycle_momentum=False)


@pytest.mark.parametrize("mode", ["triangular", "triangular2", "exp_range"])
def test_cyclic_lr(mode):
    opt = make_opt(0.5, momentum=0.9)
    sched = lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=4, step_size_down=2, mode=mode,
                                  gamma=0.97)
    scale = {"triangular": lambda c, e: 1.0, "triangular2": lambda c, e: 1 / (2.0 ** (c - 1)),
             "exp_range": lambda c, e: 0.97 ** e}[mode]
    for e in range(N):
        cycle = math.floor(1 + e / 6.0)
        x = 1.0 + e / 6.0 - cycle
        factor = x / (4 / 6.0) if x <= 4 / 6.0 else (x - 1) / (4 / 6.0 - 1)
        s = scale(cycle, e)
        assert opt.param_groups[0]["lr"] == 0.01 + (0.1 - 0.01) * factor * s
        assert opt.param_groups[0]["momentum"] == 0.9 - (0.9 - 0.8) * factor * s
        opt.step()
        sched.step()
    assert sched.base_lrs == [0.01]


def test_cyclic_lr_custom_scale_fn_and_betas():
    opt = make_opt(0.5, betas=(0.95, 0.99))
    sched = lr_scheduler.CyclicLR(opt, base_lr=0.1, max_lr=1.0, step_size_up=2, scale_fn=lambda x: 0.5,
                                  scale_mode="iterations", base_momentum=0.8, max_momentum=0.9)
    got = [opt.param_groups[0]["lr"]]
    for _ in range(5):
        opt.step()
        sched.step()
        got.append(opt.param_groups[0]["lr"])
    assert got == [0.1, 0.1 + 0.9 * 0.5 * 0.5, 0.1 + 0.9 * 1.0 * 0.5, 0.1 + 0.9 * 0.5 * 0.5, 0.1,
                   0.1 + 0.9 * 0.5 * 0.5]
    assert opt.param_groups[0]["betas"] == (0.9 - (0.9 - 0.8) * 0.5 * 0.5, 0.99)
    assert sched.state_dict()["_scale_fn_custom"] is None
    with pytest.raises(ValueError, match="^mode is invalid and scale_fn is None$"):
        lr_scheduler.CyclicLR(opt, base_lr=0.1, max_lr=1.0, mode="sawtooth")


@pytest.mark.parametrize("t_0,t_mult", [(5, 1), (3, 2)])
def test_cosine_annealing_warm_restarts(t_0, t_mult):
    base, eta_min = 0.1, 0.001
    opt = make_opt(base)
    sched = lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=t_0, T_mult=t_mult, eta_min=eta_min)
    (got,) = run(opt, sched)
    expected, t_cur, t_i = [], 0, t_0
    for e in range(N):
        expected.append(eta_min + (base - eta_min) * (1 + math.cos(math.pi * t_cur / t_i)) / 2)
        t_cur += 1
        if t_cur >= t_i:
            t_cur, t_i = t_cur % t_i, t_i * t_mult
    assert got == expected


def test_cosine_annealing_warm_restarts_fractional_epoch():
    opt = make_opt(0.1)
    sched = lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=5, T_mult=2)
    opt.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched.step(7.5)  # no deprecation warning for this scheduler
    assert sched.T_i == 10 and sched.T_cur == 2.5 and sched.last_epoch == 7
    assert sched.get_last_lr() == [0.1 * (1 + math.cos(math.pi * 2.5 / 10)) / 2]
    with pytest.raises(ValueError, match="^Expected non-negative epoch, but got -1$"):
        sched.step(-1)
    with pytest.raises(ValueError, match="^Expected positive integer T_0, but got 0$"):
        lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=0)
    with pytest.raises(ValueError, match="^Expected integer T_mult >= 1, but got 1.5$"):
        lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=1.5)


# ---- state dicts ---------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda o: lr_scheduler.StepLR(o, step_size=3, gamma=0.5),
    lambda o: lr_scheduler.MultiStepLR(o, milestones=[4, 9, 12], gamma=0.5),
    lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=8, eta_min=0.01),
    lambda o: lr_scheduler.LinearLR(o, start_factor=0.2, total_iters=10),
    lambda o: lr_scheduler.OneCycleLR(o, max_lr=1.0, total_steps=25, cycle_momentum=False),
    lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=4, T_mult=2),
    lambda o: lr_scheduler.SequentialLR(o, [lr_scheduler.ConstantLR(o, factor=0.5, total_iters=3),
                                            lr_scheduler.ExponentialLR(o, gamma=0.8)], milestones=[5]),
], ids=["step", "multistep", "cosine", "linear", "onecycle", "warm_restarts", "sequential"])
def test_state_dict_resume_continues_the_sequence(make):
    opt = make_opt(0.1)
    sched = make(opt)
    full = run(opt, sched, 20)

    opt1 = make_opt(0.1)
    sched1 = make(opt1)
    run(opt1, sched1, 8)
    opt_sd, sched_sd = opt1.state_dict(), sched1.state_dict()
    assert "optimizer" not in sched_sd and sched_sd["last_epoch"] == 8

    opt2 = make_opt(0.1)
    sched2 = make(opt2)  # the scheduler first, then the optimizer's state (which holds the current lr)
    opt2.load_state_dict(opt_sd)
    sched2.load_state_dict(sched_sd)
    assert sched2.get_last_lr() == [full[0][8]]
    assert run(opt2, sched2, 12) == [full[0][8:]]


def test_scheduler_state_dict_through_save_and_load(tmp_path):
    opt = make_opt(0.1, 0.3)
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=10)
    full = run(opt, sched, 15)

    opt1 = make_opt(0.1, 0.3)
    sched1 = lr_scheduler.CosineAnnealingLR(opt1, T_max=10)
    run(opt1, sched1, 6)
    torch.save({"optimizer": opt1.state_dict(), "scheduler": sched1.state_dict()}, tmp_path / "ckpt.pt")
    ckpt = torch.load(tmp_path / "ckpt.pt")

    opt2 = make_opt(0.1, 0.3)
    sched2 = lr_scheduler.CosineAnnealingLR(opt2, T_max=10)
    opt2.load_state_dict(ckpt["optimizer"])
    sched2.load_state_dict(ckpt["scheduler"])
    assert run(opt2, sched2, 9) == [col[6:] for col in full]


class Halve:
    def __init__(self):
        self.factor = 0.5

    def __call__(self, epoch):
        return self.factor ** epoch


def test_lambda_lr_state_dict_keeps_callable_objects_only():
    opt = make_opt(0.1, 0.2)
    fn = Halve()
    sched = lr_scheduler.LambdaLR(opt, lr_lambda=[lambda e: 1.0, fn])
    fn.factor = 0.25
    sd = sched.state_dict()
    assert sd["lr_lambdas"] == [None, {"factor": 0.25}]
    fn2 = Halve()
    sched2 = lr_scheduler.LambdaLR(make_opt(0.1, 0.2), lr_lambda=[lambda e: 1.0, fn2])
    sched2.load_state_dict(sd)
    assert fn2.factor == 0.25 and "lr_lambdas" in sd
