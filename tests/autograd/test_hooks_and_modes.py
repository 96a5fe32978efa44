"""Tensor and node hooks, retain_grad, grad modes, anomaly detection."""

import pytest
import torch

import ember
from ember.testing import assert_close


def both(fn):
    return fn(ember), fn(torch)


def test_register_hook_on_leaf_and_non_leaf_can_replace_grad():
    def run(T):
        seen = []
        x = T.tensor([1.0, 2.0], requires_grad=True)
        x.register_hook(lambda g: seen.append(g.clone()))
        h = x * 3
        h.register_hook(lambda g: g * 10)
        (h * h).sum().backward()
        return x.grad, seen[0]

    (eg, es), (tg, ts) = both(run)
    assert_close(eg, tg)
    assert_close(es, ts)


def test_hook_handle_remove():
    def run(T):
        x = T.tensor([1.0], requires_grad=True)
        handle = x.register_hook(lambda g: g * 100)
        handle.remove()
        (x * 2).sum().backward()
        return x.grad

    e, t = both(run)
    assert_close(e, t)


def test_retain_grad_on_non_leaf_accumulates():
    def run(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        h = x * x
        h.retain_grad()
        y = (h * 3).sum()
        y.backward(retain_graph=True)
        y.backward()
        return h.grad, h.retains_grad

    (eg, er), (tg, tr) = both(run)
    assert_close(eg, tg)
    assert er is tr is True


def test_non_leaf_grad_is_none_without_retain_grad():
    x = ember.tensor([1.0], requires_grad=True)
    h = x * 2
    h.sum().backward()
    with pytest.warns(UserWarning, match="not a leaf Tensor"):
        assert h.grad is None


def test_hook_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        ember.tensor([1.0]).register_hook(lambda g: g)


def test_post_accumulate_grad_hook():
    calls = []
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    x.register_post_accumulate_grad_hook(lambda t: calls.append(t.grad.clone()))
    (x * 2).sum().backward()
    assert len(calls) == 1
    assert_close(calls[0], torch.tensor([2.0, 2.0]))


def test_node_hooks():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    seen = {}
    y.grad_fn.register_prehook(lambda grad_outputs: seen.update(pre=grad_outputs))
    y.grad_fn.register_hook(lambda gi, go: seen.update(post=(gi, go)))
    y.sum().backward()
    assert "pre" in seen and "post" in seen
    assert_close(seen["post"][0][0], torch.tensor([2.0, 2.0]))


def test_no_grad_and_enable_grad_nesting():
    x = ember.tensor([1.0], requires_grad=True)
    with ember.no_grad():
        assert not (x * 2).requires_grad
        with ember.enable_grad():
            assert (x * 2).requires_grad
        assert not ember.is_grad_enabled()
    assert ember.is_grad_enabled()


def test_grad_modes_as_decorators():
    x = ember.tensor([1.0], requires_grad=True)

    @ember.no_grad()
    def f():
        return x * 2

    @ember.enable_grad()
    def g():
        return x * 2

    assert not f().requires_grad
    with ember.no_grad():
        assert g().requires_grad


def test_set_grad_enabled_function_and_context():
    x = ember.tensor([1.0], requires_grad=True)
    with ember.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert ember.is_grad_enabled()
    ember.set_grad_enabled(False)
    try:
        assert not ember.is_grad_enabled()
    finally:
        ember.set_grad_enabled(True)


def test_inference_mode():
    x = ember.tensor([1.0], requires_grad=True)
    with ember.inference_mode():
        assert ember.is_inference_mode_enabled()
        assert not (x * 2).requires_grad
    with ember.inference_mode(False):
        assert (x * 2).requires_grad
    assert not ember.is_inference_mode_enabled()


def test_detect_anomaly_names_the_op_with_nan_gradient(capsys):
    x = ember.tensor([0.0, 1.0], requires_grad=True)
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        mode = ember.autograd.detect_anomaly()
    with mode:
        y = x.sqrt() * 0.0  # d/dx sqrt at 0 is inf; inf * 0 gives nan in the gradient
        with pytest.raises(RuntimeError, match="returned nan values"):
            y.sum().backward()
    assert "Traceback of forward call" in capsys.readouterr().err
    assert not ember.autograd.is_anomaly_enabled()


def test_set_detect_anomaly_toggles():
    ember.autograd.set_detect_anomaly(True)
    try:
        assert ember.autograd.is_anomaly_enabled()
    finally:
        ember.autograd.set_detect_anomaly(False)
    assert not ember.autograd.is_anomaly_enabled()
