"""nn.utils: clip_grad_norm_, clip_grad_value_, parameters_to_vector, vector_to_parameters."""

import math

import numpy as np
import pytest
import torch

import ember
from ember.testing.comparison import assert_close

RNG = np.random.default_rng(3)
SHAPES = [(3, 4), (4,), (2, 2, 2)]


def _params(T, scale=1.0, dtype="float64"):
    params = []
    for shape in SHAPES:
        p = T.nn.Parameter(T.tensor(RNG.standard_normal(shape).astype(dtype)))
        p.grad = T.tensor((RNG.standard_normal(shape) * scale).astype(dtype))
        params.append(p)
    return params


def _pair(scale=1.0, dtype="float64"):
    state = RNG.bit_generator.state
    e = _params(ember, scale, dtype)
    RNG.bit_generator.state = state
    t = _params(torch, scale, dtype)
    return e, t


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, math.inf, 0])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    e, t = _pair()
    ne = ember.nn.utils.clip_grad_norm_(e, max_norm, norm_type=norm_type)
    nt = torch.nn.utils.clip_grad_norm_(t, max_norm, norm_type=norm_type)
    assert isinstance(ne, ember.Tensor) and ne.ndim == 0
    assert_close(ne, nt)
    for p, q in zip(e, t):
        assert_close(p.grad, q.grad)


def test_clip_grad_norm_float32_single_tensor_and_foreach():
    e, t = _pair(dtype="float32")
    ne = ember.nn.utils.clip_grad_norm_(e[0], 0.1, foreach=True)
    nt = torch.nn.utils.clip_grad_norm_(t[0], 0.1, foreach=True)
    assert ne.dtype == ember.float32
    assert_close(ne, nt)
    assert_close(e[0].grad, t[0].grad)


def test_clip_grad_norm_no_grads_and_nonfinite():
    p = ember.nn.Parameter(ember.ones(2))
    total = ember.nn.utils.clip_grad_norm_([p], 1.0)
    assert total.item() == 0.0
    e, t = _pair()
    e[0].grad.numpy()[0, 0] = np.inf
    t[0].grad[0, 0] = np.inf
    messages = []
    for params, T in ((e, ember), (t, torch)):
        with pytest.raises(RuntimeError) as info:
            T.nn.utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_clip_grad_value_matches_torch():
    e, t = _pair(scale=3.0)
    assert ember.nn.utils.clip_grad_value_(e, 1.5) is None
    torch.nn.utils.clip_grad_value_(t, 1.5)
    for p, q in zip(e, t):
        assert_close(p.grad, q.grad)


def test_parameters_vector_round_trip():
    e, t = _pair()
    ve = ember.nn.utils.parameters_to_vector(e)
    vt = torch.nn.utils.parameters_to_vector(t)
    assert_close(ve.detach(), vt.detach())
    new = ember.tensor(np.arange(ve.numel(), dtype=np.float64))
    ember.nn.utils.vector_to_parameters(new, e)
    torch.nn.utils.vector_to_parameters(torch.tensor(new.numpy()), t)
    for p, q in zip(e, t):
        assert_close(p.detach(), q.detach())
        assert isinstance(p, ember.nn.Parameter)
    with pytest.raises(TypeError, match="expected torch.Tensor"):
        ember.nn.utils.vector_to_parameters([1.0], e)
