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


@pytest.mark.parametrize("dim", [0, 1, None])
def test_weight_norm_matches_torch(dim):
    from ember.testing.nn_oracle import check_module

    e = ember.nn.utils.parametrizations.weight_norm(ember.nn.Linear(4, 3), dim=dim)
    t = torch.nn.utils.parametrizations.weight_norm(torch.nn.Linear(4, 3), dim=dim)
    assert repr(e) == repr(t)
    assert [(k, tuple(v.shape)) for k, v in e.state_dict().items()] == [
        (k, tuple(v.shape)) for k, v in t.state_dict().items()
    ]
    check_module(e, t, RNG.standard_normal((2, 4)))


def test_parametrize_register_assign_and_remove():
    parametrize = ember.nn.utils.parametrize

    class Symmetric(ember.nn.Module):
        def forward(self, x):
            return x.triu() + x.triu(1).mT

    m = ember.nn.Linear(3, 3)
    parametrize.register_parametrization(m, "weight", Symmetric())
    assert parametrize.is_parametrized(m) and parametrize.is_parametrized(m, "weight")
    assert type(m).__name__ == "ParametrizedLinear"
    assert parametrize.type_before_parametrizations(m) is ember.nn.Linear
    w = m.weight.detach().numpy()
    assert np.allclose(w, w.T)
    m(ember.ones(2, 3)).sum().backward()
    assert m.parametrizations.weight.original.grad is not None
    parametrize.remove_parametrizations(m, "weight")
    assert type(m) is ember.nn.Linear and isinstance(m.weight, ember.nn.Parameter)
    assert np.allclose(m.weight.detach().numpy(), w)
    with pytest.raises(ValueError, match="does not have a parameter, a buffer"):
        parametrize.register_parametrization(m, "nope", Symmetric())


@pytest.mark.parametrize("train", [True, False])
def test_spectral_norm_matches_torch(train):
    from ember.testing.nn_oracle import check_module

    e = ember.nn.utils.parametrizations.spectral_norm(ember.nn.Linear(4, 3))
    t = torch.nn.utils.parametrizations.spectral_norm(torch.nn.Linear(4, 3))
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    check_module(e, t, RNG.standard_normal((2, 4)), train=train)
    # After its 15 initial power iterations, sigma estimates the largest singular value.
    m = ember.nn.utils.parametrizations.spectral_norm(ember.nn.Linear(6, 5)).eval()
    top = np.linalg.svd(m.parametrizations.weight.original.detach().numpy(), compute_uv=False)[0]
    w = m.weight.detach().numpy()
    assert abs(np.linalg.svd(w, compute_uv=False)[0] - 1) < 1e-3 * top + 1e-3
