"""Every lr scheduler against PyTorch's: the lr sequence over 30 epochs, and state_dict."""

import math
import warnings

import numpy as np
import pytest
import torch

import ember

EPOCHS = 30


def _optimizer(T, kind="SGD"):
    a = T.tensor([1.0, 2.0], requires_grad=True)
    b = T.tensor([3.0], requires_grad=True)
    groups = [{"params": [a]}, {"params": [b], "lr": 0.3}]
    if kind == "Adam":
        return T.optim.Adam(groups, lr=0.1)
    return T.optim.SGD(groups, lr=0.1, momentum=0.9)


def _scale(epoch):
    return 0.95**epoch


def _scale2(epoch):
    return 1.0 / (epoch + 1)


def _mult(epoch):
    return 0.9 if epoch % 3 else 1.05


SCHEDULERS = {
    "StepLR": lambda S, opt: S.StepLR(opt, step_size=4, gamma=0.5),
    "MultiStepLR": lambda S, opt: S.MultiStepLR(opt, milestones=[3, 7, 7, 15], gamma=0.3),
    "ExponentialLR": lambda S, opt: S.ExponentialLR(opt, gamma=0.9),
    "CosineAnnealingLR": lambda S, opt: S.CosineAnnealingLR(opt, T_max=7, eta_min=0.001),
    "CosineAnnealingWarmRestarts": lambda S, opt: S.CosineAnnealingWarmRestarts(
        opt, T_0=4, T_mult=2, eta_min=0.01
    ),
    "CosineAnnealingWarmRestarts-T_mult1": lambda S, opt: S.CosineAnnealingWarmRestarts(opt, T_0=5),
    "LinearLR": lambda S, opt: S.LinearLR(opt, start_factor=0.25, end_factor=0.9, total_iters=8),
    "ConstantLR": lambda S, opt: S.ConstantLR(opt, factor=0.5, total_iters=4),
    "LambdaLR": lambda S, opt: S.LambdaLR(opt, _scale),
    "LambdaLR-list": lambda S, opt: S.LambdaLR(opt, [_scale, _scale2]),
    "MultiplicativeLR": lambda S, opt: S.MultiplicativeLR(opt, _mult),
    "PolynomialLR": lambda S, opt: S.PolynomialLR(opt, total_iters=10, power=2.0),
    "OneCycleLR": lambda S, opt: S.OneCycleLR(opt, max_lr=[0.5, 1.0], total_steps=EPOCHS + 1),
    "OneCycleLR-linear-3phase": lambda S, opt: S.OneCycleLR(
        opt, max_lr=0.8, epochs=4, steps_per_epoch=8, anneal_strategy="linear", three_phase=True
    ),
    "OneCycleLR-no-momentum": lambda S, opt: S.OneCycleLR(
        opt, max_lr=0.8, total_steps=40, pct_start=0.5, cycle_momentum=False
    ),
    "CyclicLR": lambda S, opt: S.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=3),
    "CyclicLR-triangular2": lambda S, opt: S.CyclicLR(
        opt,
        base_lr=[0.01, 0.02],
        max_lr=0.1,
        step_size_up=2,
        step_size_down=5,
        mode="triangular2",
    ),
    "CyclicLR-exp_range": lambda S, opt: S.CyclicLR(
        opt,
        base_lr=0.01,
        max_lr=0.2,
        step_size_up=4,
        mode="exp_range",
        gamma=0.9,
        base_momentum=0.7,
        max_momentum=0.95,
    ),
    "CyclicLR-scale_fn": lambda S, opt: S.CyclicLR(
        opt,
        base_lr=0.01,
        max_lr=0.2,
        step_size_up=4,
        scale_fn=_scale,
        scale_mode="iterations",
        cycle_momentum=False,
    ),
    "SequentialLR": lambda S, opt: S.SequentialLR(
        opt,
        [S.LinearLR(opt, start_factor=0.1, total_iters=5), S.ExponentialLR(opt, gamma=0.8)],
        milestones=[5],
    ),
    "SequentialLR-three": lambda S, opt: S.SequentialLR(
        opt,
        [
            S.ConstantLR(opt, factor=0.5, total_iters=3),
            S.CosineAnnealingLR(opt, T_max=6),
            S.StepLR(opt, step_size=3, gamma=0.5),
        ],
        milestones=[4, 12],
    ),
    "ChainedScheduler": lambda S, opt: S.ChainedScheduler(
        [S.ConstantLR(opt, factor=0.2, total_iters=5), S.ExponentialLR(opt, gamma=0.9)]
    ),
}
ADAM_SCHEDULERS = {"OneCycleLR", "CyclicLR-exp_range"}


def _sequence(T, name, epochs=EPOCHS, kind=None):
    kind = kind or ("Adam" if name in ADAM_SCHEDULERS else "SGD")
    opt = _optimizer(T, kind)
    sched = SCHEDULERS[name](T.optim.lr_scheduler, opt)
    seen = [_snapshot(sched, opt)]
    for _ in range(epochs):
        opt.step()
        sched.step()
        seen.append(_snapshot(sched, opt))
    return seen, sched, opt


def _snapshot(sched, opt):
    momenta = [g.get("betas", (g.get("momentum"),))[0] for g in opt.param_groups]
    return list(sched.get_last_lr()), [g["lr"] for g in opt.param_groups], momenta


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_scheduler_lr_sequence_matches_torch(name):
    ours, _, _ = _sequence(ember, name)
    theirs, _, _ = _sequence(torch, name)
    assert ours == theirs  # exact: the same float operations in the same order


def _plain(value):
    """Scheduler state without callables (which PyTorch keeps in state_dict as is)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    return None if callable(value) else value


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_scheduler_state_dict_matches_torch_and_resumes(name):
    _, sched_e, opt_e = _sequence(ember, name, epochs=EPOCHS // 2)
    _, sched_t, _ = _sequence(torch, name, epochs=EPOCHS // 2)
    state = sched_e.state_dict()
    assert _plain(state) == _plain(sched_t.state_dict())
    # Resume: a fresh PyTorch scheduler loads ember's state (and optimizer groups) and goes on
    # exactly as the ember scheduler does.
    kind = "Adam" if name in ADAM_SCHEDULERS else "SGD"
    opt_t = _optimizer(torch, kind)
    resumed = SCHEDULERS[name](torch.optim.lr_scheduler, opt_t)
    groups = opt_e.state_dict()["param_groups"]
    opt_t.load_state_dict({"state": {}, "param_groups": groups})
    resumed.load_state_dict(state)
    for _ in range(EPOCHS // 2 - 1):
        opt_e.step()
        opt_t.step()
        sched_e.step()
        resumed.step()
        assert _snapshot(sched_e, opt_e) == _snapshot(resumed, opt_t)


def test_scheduler_load_state_dict_from_torch():
    _, sched_t, opt_t = _sequence(torch, "SequentialLR", epochs=7)
    opt_e = _optimizer(ember)
    S = ember.optim.lr_scheduler
    sched_e = S.SequentialLR(
        opt_e,
        [S.LinearLR(opt_e, start_factor=0.1, total_iters=5), S.ExponentialLR(opt_e, gamma=0.8)],
        milestones=[5],
    )
    opt_e.load_state_dict({"state": {}, "param_groups": opt_t.state_dict()["param_groups"]})
    sched_e.load_state_dict(sched_t.state_dict())
    for _ in range(10):
        opt_e.step()
        opt_t.step()
        sched_e.step()
        sched_t.step()
        assert sched_e.get_last_lr() == sched_t.get_last_lr()


def test_initial_lr_and_base_lrs():
    opt = _optimizer(ember)
    sched = ember.optim.lr_scheduler.StepLR(opt, step_size=2)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.3]
    assert sched.base_lrs == [0.1, 0.3]
    assert sched.last_epoch == 0
    with pytest.raises(KeyError, match="param 'initial_lr' is not specified in param_groups"):
        ember.optim.lr_scheduler.StepLR(_optimizer(ember), step_size=2, last_epoch=3)


def _fractional_run(T):
    opt = _optimizer(T)
    sched = T.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2, eta_min=0.01)
    lrs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for epoch in np.arange(0, 20, 0.35):
            opt.step()
            sched.step(float(epoch))
            lrs.append((sched.get_last_lr(), sched.T_cur, sched.T_i, sched.last_epoch))
    return lrs


def test_warm_restarts_fractional_epochs_match_torch():
    assert _fractional_run(ember) == _fractional_run(torch)


def _closed_form_run(T, name):
    opt = _optimizer(T)
    sched = SCHEDULERS[name](T.optim.lr_scheduler, opt)
    lrs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for epoch in [3, 1, 8, 8, 12, 5, 20]:
            opt.step()
            sched.step(epoch)
            lrs.append(sched.get_last_lr())
    return lrs


CLOSED_FORM = [
    "StepLR",
    "MultiStepLR",
    "ExponentialLR",
    "CosineAnnealingLR",
    "LinearLR",
    "ConstantLR",
    "PolynomialLR",
    "LambdaLR",
]


@pytest.mark.parametrize("name", CLOSED_FORM)
def test_step_with_epoch_uses_closed_form_as_torch(name):
    assert _closed_form_run(ember, name) == _closed_form_run(torch, name)


def test_step_with_epoch_warns():
    opt = _optimizer(ember)
    sched = ember.optim.lr_scheduler.StepLR(opt, step_size=2)
    opt.step()
    with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)`"):
        sched.step(3)


def test_scheduler_step_before_optimizer_step_warns():
    sched = ember.optim.lr_scheduler.StepLR(_optimizer(ember), step_size=2)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sched.step()


# ---- ReduceLROnPlateau ----------------------------------------------------------------------

PLATEAU = [
    {},
    {"mode": "max", "factor": 0.5, "patience": 2},
    {"patience": 1, "threshold": 0.1, "threshold_mode": "abs", "cooldown": 2},
    {"mode": "max", "threshold_mode": "abs", "patience": 0, "min_lr": [0.02, 0.05]},
    {"patience": 0, "factor": 0.5, "min_lr": 0.01, "eps": 0.02},
]


def _plateau_run(T, kwargs):
    opt = _optimizer(T)
    sched = T.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    metrics = [1.0, 0.9, 0.95, 0.91, 0.905, 0.9, 0.9, 0.85, 0.86, 0.87, 0.88, 0.8, 0.8, 0.8]
    lrs = []
    for m in metrics * 3:
        opt.step()
        sched.step(m)
        lrs.append((sched.get_last_lr(), sched.num_bad_epochs, sched.cooldown_counter, sched.best))
    return lrs, sched


@pytest.mark.parametrize("kwargs", PLATEAU, ids=[str(k) for k in PLATEAU])
def test_reduce_lr_on_plateau_matches_torch(kwargs):
    ours, sched_e = _plateau_run(ember, kwargs)
    theirs, sched_t = _plateau_run(torch, kwargs)
    assert ours == theirs
    assert sched_e.state_dict() == sched_t.state_dict()


def test_reduce_lr_on_plateau_metric_tensor_and_state_round_trip():
    _, sched_e = _plateau_run(ember, {"patience": 2})
    opt = _optimizer(ember)
    other = ember.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max")
    other.load_state_dict(sched_e.state_dict())
    assert other.mode == "min" and other.mode_worse == math.inf
    other.step(ember.tensor(0.1))
    assert other.best == pytest.approx(0.1)


# ---- errors ---------------------------------------------------------------------------------

ERRORS = [
    (lambda S, opt: S.StepLR(object(), 3), TypeError),
    (lambda S, opt: S.ConstantLR(opt, factor=1.5), ValueError),
    (lambda S, opt: S.LinearLR(opt, start_factor=0), ValueError),
    (lambda S, opt: S.LinearLR(opt, end_factor=2), ValueError),
    (lambda S, opt: S.LambdaLR(opt, [_scale]), ValueError),
    (lambda S, opt: S.MultiplicativeLR(opt, 0.9), TypeError),
    (lambda S, opt: S.CosineAnnealingWarmRestarts(opt, T_0=0), ValueError),
    (lambda S, opt: S.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=0), ValueError),
    (lambda S, opt: S.CosineAnnealingWarmRestarts(opt, T_0=2, eta_min="x"), ValueError),
    (lambda S, opt: S.OneCycleLR(opt, max_lr=1.0), ValueError),
    (lambda S, opt: S.OneCycleLR(opt, max_lr=1.0, total_steps=0), ValueError),
    (lambda S, opt: S.OneCycleLR(opt, max_lr=1.0, total_steps=5, pct_start=1), ValueError),
    (lambda S, opt: S.OneCycleLR(opt, max_lr=1.0, total_steps=5, anneal_strategy="x"), ValueError),
    (lambda S, opt: S.OneCycleLR(opt, max_lr=[1.0], total_steps=5), ValueError),
    (lambda S, opt: S.CyclicLR(opt, 0.1, 1.0, mode="square"), ValueError),
    (lambda S, opt: S.ReduceLROnPlateau(opt, factor=1.0), ValueError),
    (lambda S, opt: S.ReduceLROnPlateau(opt, mode="mid"), ValueError),
    (lambda S, opt: S.ReduceLROnPlateau(opt, threshold_mode="x"), ValueError),
    (lambda S, opt: S.ReduceLROnPlateau(opt, min_lr=[0.1]), ValueError),
    (lambda S, opt: S.SequentialLR(opt, [], milestones=[]), ValueError),
    (lambda S, opt: S.SequentialLR(opt, [S.StepLR(opt, 2)], milestones=[3]), ValueError),
    (lambda S, opt: S.ChainedScheduler([]), ValueError),
    (lambda S, opt: S.ChainedScheduler([S.ReduceLROnPlateau(opt)]), ValueError),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_scheduler_errors_match_torch(case):
    build, exc = ERRORS[case]
    messages = []
    for T in (ember, torch):
        with pytest.raises(exc) as info:
            build(T.optim.lr_scheduler, _optimizer(T))
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_one_cycle_past_total_steps_raises():
    for T in (ember, torch):
        opt = _optimizer(T)
        sched = T.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=2)
        opt.step()
        sched.step()
        sched.step()
        with pytest.raises(ValueError, match="Tried to step 3 times"):
            sched.step()


def test_cycle_momentum_requires_momentum():
    for T in (ember, torch):
        opt = T.optim.Adagrad([T.tensor([1.0], requires_grad=True)])
        with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
            T.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=5)
