"""ember.optim against PyTorch beyond the per-algorithm tests: constructor signatures, every
option's validation, state_dict hand-over in both directions for every configuration, steps
free of parameter-sized temporaries in every configuration, and schedulers (subclasses, long
runs, state_dicts through checkpoint files)."""

import inspect
import io
import warnings

import numpy as np
import pytest
import torch

import ember
from tests.optim._harness import make_params, quadratic_grads, set_grads, to_numpy
from tests.optim.test_lr_scheduler import SCHEDULERS, _plain, _sequence
from tests.optim.test_optimizers import GRID, _id

OPTIMIZERS = ["SGD", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSprop", "Adagrad"]
OPTIMIZERS += ["Adadelta", "LBFGS"]


def _signature(cls):
    return [
        (p.name, p.kind, p.default) for p in inspect.signature(cls.__init__).parameters.values()
    ]


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_optimizer_signature_matches_torch(name):
    assert _signature(getattr(ember.optim, name)) == _signature(getattr(torch.optim, name))


def test_scheduler_signatures_match_torch():
    for name in torch.optim.lr_scheduler.__all__:
        theirs = getattr(torch.optim.lr_scheduler, name)
        ours = getattr(ember.optim.lr_scheduler, name)
        if inspect.isclass(theirs):
            assert _signature(ours) == _signature(theirs), name


# ---- validation -----------------------------------------------------------------------------

BAD_OPTIONS = {
    "lr": [-0.1, 0.0],
    "eps": [-1e-8],
    "weight_decay": [-0.1],
    "momentum": [-0.5],
    "betas": [(1.0, 0.9), (0.9, 1.0), (-0.1, 0.9), (0.9, -0.1)],
    "alpha": [-0.1],
    "rho": [-0.1, 1.1],
    "lr_decay": [-0.1],
    "initial_accumulator_value": [-0.1],
    "momentum_decay": [-0.1],
    "dampening": [0.5],
    "nesterov": [True],
    "line_search_fn": ["x"],
}
BAD_PARAMS = {
    "empty": lambda T, p: [],
    "non-leaf": lambda T, p: [p * 2],
    "duplicate": lambda T, p: [p, p],
    "two groups": lambda T, p: [{"params": [p]}, {"params": [p]}],
    "a tensor": lambda T, p: p,
    "a set": lambda T, p: {p},
    "a generator": lambda T, p: (x for x in [p]),
    "empty group": lambda T, p: [{"params": []}],
}


def _outcome(T, name, options, params=None):
    """What constructing the optimizer does: the error, or the warnings it emits."""
    p = T.tensor([1.0, 2.0], requires_grad=True)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            getattr(T.optim, name)([p] if params is None else params(T, p), **options)
    except Exception as e:  # noqa: BLE001  (the outcome under comparison)
        return type(e).__name__, str(e).replace("torch.", "ember.")
    return "ok", [(w.category.__name__, str(w.message)) for w in caught]


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_every_option_is_validated_as_torch(name):
    accepted = inspect.signature(getattr(torch.optim, name).__init__).parameters
    for option, values in BAD_OPTIONS.items():
        if option not in accepted:
            continue
        for value in values:
            ours = _outcome(ember, name, {option: value})
            assert ours == _outcome(torch, name, {option: value}), (option, value)
    for label, params in BAD_PARAMS.items():
        assert _outcome(ember, name, {}, params) == _outcome(torch, name, {}, params), label


def test_error_texts_named_in_the_issue():
    assert _outcome(ember, "Adam", {"lr": -0.1}) == ("ValueError", "Invalid learning rate: -0.1")
    assert _outcome(ember, "SGD", {}, BAD_PARAMS["empty"]) == (
        "ValueError",
        "optimizer got an empty parameter list",
    )
    assert _outcome(ember, "SGD", {}, BAD_PARAMS["non-leaf"]) == (
        "ValueError",
        "can't optimize a non-leaf Tensor",
    )


# ---- state_dict hand-over -------------------------------------------------------------------


def _groups(T, params, kwargs):
    """Two groups: the configuration, and a second one with its own lr."""
    second = dict(kwargs, lr=kwargs.get("lr", 1.0) * 0.5)
    return [{"params": params[:2]}, {"params": params[2:], **second}]


def _convert(value, T):
    if isinstance(value, (ember.Tensor, torch.Tensor)):
        return T.tensor(to_numpy(value).copy())
    if isinstance(value, dict):
        return {k: _convert(v, T) for k, v in value.items()}
    if isinstance(value, list):
        return [_convert(v, T) for v in value]
    return value


def _fresh(T, name, kwargs, arrays):
    params = [T.tensor(a.copy(), requires_grad=True) for a in arrays]
    return getattr(T.optim, name)(_groups(T, params, kwargs), **kwargs), params


def _steps(opt, params, T, start, n):
    for step in range(start, start + n):
        set_grads(params, quadratic_grads([to_numpy(p) for p in params], step), T)
        opt.step()


def _arrays(params):
    return [to_numpy(p).copy() for p in params]


@pytest.mark.parametrize("case", GRID, ids=[_id(c) for c in GRID])
def test_state_dict_hand_over_both_ways_continues_identically(case):
    name, kwargs = case
    # Loading casts NAdam's float32 mu_product to the parameter's dtype (PyTorch's rule), so
    # the loaded copy rounds differently from the optimizer it came from.
    rtol = 1e-6 if name == "NAdam" else 1e-10
    start, _ = make_params()
    # ember -> torch: both continue from ember's state and agree.
    opt_e, ours = _fresh(ember, name, kwargs, _arrays(start))
    _steps(opt_e, ours, ember, 0, 3)
    opt_t, theirs = _fresh(torch, name, kwargs, _arrays(ours))
    opt_t.load_state_dict(_convert(opt_e.state_dict(), torch))
    _steps(opt_e, ours, ember, 3, 3)
    _steps(opt_t, theirs, torch, 3, 3)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=rtol, atol=1e-12)
    # torch -> ember: likewise.
    opt_back, back = _fresh(ember, name, kwargs, _arrays(theirs))
    opt_back.load_state_dict(_convert(opt_t.state_dict(), ember))
    assert opt_back.state_dict()["param_groups"] == opt_t.state_dict()["param_groups"]
    _steps(opt_back, back, ember, 6, 3)
    _steps(opt_t, theirs, torch, 6, 3)
    for a, b in zip(back, theirs):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=rtol, atol=1e-12)


# ---- in-place steps -------------------------------------------------------------------------


@pytest.mark.parametrize("case", GRID, ids=[_id(c) for c in GRID])
def test_every_configuration_steps_without_parameter_sized_temporaries(case):
    # Note [in-place updates]: once state exists, a step writes into existing arrays only.
    import tracemalloc

    name, kwargs = case
    rng = np.random.default_rng(0)
    p = ember.tensor(rng.standard_normal(20000), requires_grad=True)  # 160 kB
    array = p._data
    opt = getattr(ember.optim, name)([p], **kwargs)
    p.grad = ember.tensor(rng.standard_normal(20000))
    opt.step()
    opt.step()
    tracemalloc.start()
    try:
        opt.step()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40_000, f"{name} {kwargs} step allocated {peak} bytes"
    assert p._data is array


# ---- schedulers -----------------------------------------------------------------------------


def _warmup_run(T):
    S = T.optim.lr_scheduler

    class Warmup(S.LRScheduler):
        def __init__(self, optimizer, warmup, last_epoch=-1):
            self.warmup = warmup
            super().__init__(optimizer, last_epoch)

        def get_lr(self):
            factor = min(1.0, (self.last_epoch + 1) / self.warmup)
            return [base * factor for base in self.base_lrs]

    opt = T.optim.SGD([T.tensor([1.0], requires_grad=True)], lr=0.2)
    sched = Warmup(opt, 4)
    lrs = [sched.get_last_lr()]
    for _ in range(6):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr())
    return lrs, _plain(sched.state_dict())


def test_user_scheduler_subclass_matches_torch():
    assert _warmup_run(ember) == _warmup_run(torch)


LONG = ["CosineAnnealingWarmRestarts", "CyclicLR-triangular2", "OneCycleLR-linear-3phase"]
LONG += ["SequentialLR-three", "ChainedScheduler", "CosineAnnealingLR", "MultiplicativeLR"]


@pytest.mark.parametrize("name", LONG)
def test_scheduler_long_runs_match_torch(name):
    epochs = 31 if name.startswith("OneCycleLR") else 200
    ours, _, _ = _sequence(ember, name, epochs=epochs)
    theirs, _, _ = _sequence(torch, name, epochs=epochs)
    assert ours == theirs


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_scheduler_state_dict_through_checkpoint_files(name):
    _, sched_e, _ = _sequence(ember, name, epochs=5)
    _, sched_t, _ = _sequence(torch, name, epochs=5)
    buffer = io.BytesIO()
    ember.save(sched_e.state_dict(), buffer)
    buffer.seek(0)
    assert _plain(torch.load(buffer)) == _plain(sched_t.state_dict())
    buffer = io.BytesIO()
    torch.save(sched_t.state_dict(), buffer)
    buffer.seek(0)
    assert _plain(ember.load(buffer)) == _plain(sched_e.state_dict())
