"""Threads: grad mode and inference mode are per thread, as in PyTorch, so two threads that
train their own models get the results of running them one after the other."""

import sys
import threading

import numpy as np
import pytest

import ember
from ember import nn

STEPS = 200


def _make(seed):
    """A small MLP, its optimizer and fixed data, all from ``seed``."""
    ember.manual_seed(seed)
    model = nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 3))
    opt = ember.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    rng = np.random.default_rng(seed)
    x = ember.tensor(rng.standard_normal((12, 6), dtype=np.float32))
    y = ember.tensor(rng.integers(0, 3, 12))
    return model, opt, x, y


def _train(model, opt, x, y, log):
    """``STEPS`` steps; each also evaluates under ``no_grad`` and builds a fresh layer (whose
    ``__init__`` runs under ``no_grad``), so that a process-wide mode would leak."""
    for _ in range(STEPS):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        for p in model.parameters():
            if p.grad is None:
                raise AssertionError("a parameter got no gradient")
        opt.step()
        with ember.no_grad():
            log.append(model(x).sum().item())
        nn.Linear(2, 2)


def _run_in_threads(jobs):
    errors = []

    def target(job):
        try:
            job()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=target, args=(job,)) for job in jobs]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, so that any shared state shows up
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    if errors:
        raise errors[0]


def test_two_threads_training_their_own_models_match_sequential_runs():
    seeds = (0, 1)
    sequential = []
    for seed in seeds:
        model, opt, x, y = _make(seed)
        log = []
        _train(model, opt, x, y, log)
        sequential.append(([p.detach().numpy().copy() for p in model.parameters()], log))

    runs = [(*_make(seed), []) for seed in seeds]
    _run_in_threads([lambda run=run: _train(*run) for run in runs])
    for (model, _, _, _, log), (params, ref_log) in zip(runs, sequential):
        assert log == ref_log
        for p, ref in zip(model.parameters(), params):
            np.testing.assert_array_equal(p.detach().numpy(), ref)


def test_grad_mode_is_per_thread():
    seen = {}

    def probe():
        seen["grad"] = ember.is_grad_enabled()
        seen["inference"] = ember.is_inference_mode_enabled()
        with ember.no_grad():
            seen["inner"] = ember.is_grad_enabled()

    with ember.inference_mode():
        _run_in_threads([probe])
        assert not ember.is_grad_enabled() and ember.is_inference_mode_enabled()
    assert seen == {"grad": True, "inference": False, "inner": False}
    assert ember.is_grad_enabled()


def test_set_grad_enabled_in_a_thread_leaves_the_caller_alone():
    done = threading.Event()
    release = threading.Event()

    def switch_off():
        ember.set_grad_enabled(False)
        done.set()
        release.wait(5)

    t = threading.Thread(target=switch_off)
    t.start()
    done.wait(5)
    try:
        assert ember.is_grad_enabled()
        w = ember.ones(2, requires_grad=True)
        assert (w * 2).requires_grad
    finally:
        release.set()
        t.join()


def test_anomaly_mode_is_process_wide_as_pytorch():
    torch = pytest.importorskip("torch")
    seen = {}

    def probe(T):
        seen[T.__name__] = T.is_anomaly_enabled()

    for T, enable in ((ember.autograd, ember.autograd.set_detect_anomaly), (torch, None)):
        if enable is None:
            torch.set_anomaly_enabled(True)
        else:
            enable(True)
        try:
            _run_in_threads([lambda T=T: probe(T)])
        finally:
            if enable is None:
                torch.set_anomaly_enabled(False)
            else:
                enable(False)
    assert seen["ember.autograd"] == seen["torch"] is True
