"""nn.init: gains, fans, distributions (statistics against the formulas), deterministic fills."""

import math

import numpy as np
import pytest
import torch

import ember
from ember.nn import init


def _same_error(fn):
    got = []
    for T in (ember, torch):
        with pytest.raises(Exception) as info:
            fn(T)
        got.append((type(info.value), str(info.value)))
    assert got[0] == got[1]


@pytest.mark.parametrize(
    "args",
    [
        ("linear",),
        ("conv2d",),
        ("sigmoid",),
        ("tanh",),
        ("relu",),
        ("leaky_relu",),
        ("leaky_relu", 0.2),
        ("leaky_relu", 3),
        ("selu",),
        ("conv_transpose3d",),
    ],
)
def test_calculate_gain_matches_torch(args):
    assert init.calculate_gain(*args) == torch.nn.init.calculate_gain(*args)


def test_calculate_gain_errors():
    _same_error(lambda T: T.nn.init.calculate_gain("foo"))
    _same_error(lambda T: T.nn.init.calculate_gain("leaky_relu", True))


@pytest.mark.parametrize("shape", [(3, 4), (5, 2, 3), (4, 3, 2, 2)])
def test_fan_in_fan_out_matches_torch(shape):
    assert init._calculate_fan_in_and_fan_out(ember.empty(shape)) == (
        torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    )


def test_fan_errors():
    _same_error(lambda T: T.nn.init._calculate_fan_in_and_fan_out(T.empty(3)))
    _same_error(lambda T: T.nn.init.kaiming_uniform_(T.empty(3, 4), mode="fan_avg"))


def _stats(t):
    a = t.detach().numpy()
    return a.mean(), a.std(), np.abs(a).max()


def test_uniform_normal_constant():
    t = ember.empty(200, 100)
    assert init.uniform_(t, -2, 3) is t
    a = t.numpy()
    assert a.min() >= -2 and a.max() <= 3 and abs(a.mean() - 0.5) < 0.05
    init.normal_(t, 1.0, 0.5)
    mean, std, _ = _stats(t)
    assert abs(mean - 1) < 0.01 and abs(std - 0.5) < 0.01
    init.constant_(t, 0.25)
    assert np.all(t.numpy() == 0.25)
    init.ones_(t)
    assert np.all(t.numpy() == 1)
    init.zeros_(t)
    assert np.all(t.numpy() == 0)


def test_init_runs_under_no_grad_on_parameters():
    p = ember.nn.Parameter(ember.empty(10, 10))
    for fn in (
        init.uniform_,
        init.normal_,
        init.xavier_uniform_,
        init.kaiming_normal_,
        init.orthogonal_,
        init.ones_,
        init.eye_,
    ):
        out = fn(p)
        assert out is p and p.grad_fn is None and p.requires_grad


def test_generator_makes_init_reproducible():
    g1, g2 = ember.Generator().manual_seed(7), ember.Generator().manual_seed(7)
    a = init.kaiming_uniform_(ember.empty(4, 5), generator=g1)
    b = init.kaiming_uniform_(ember.empty(4, 5), generator=g2)
    assert np.array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("gain", [1.0, 2.0])
def test_xavier_statistics(gain):
    t = ember.empty(300, 200)
    std = gain * math.sqrt(2.0 / 500)
    init.xavier_uniform_(t, gain=gain)
    _, s, m = _stats(t)
    assert m <= math.sqrt(3) * std and abs(s - std) < 0.03 * std
    init.xavier_normal_(t, gain=gain)
    _, s, _ = _stats(t)
    assert abs(s - std) < 0.03 * std


@pytest.mark.parametrize(
    "mode,nonlinearity,a",
    [("fan_in", "leaky_relu", 0), ("fan_out", "relu", 0), ("fan_in", "leaky_relu", math.sqrt(5))],
)
def test_kaiming_statistics(mode, nonlinearity, a):
    t = ember.empty(250, 40, 3)
    fan = 40 * 3 if mode == "fan_in" else 250 * 3
    std = init.calculate_gain(nonlinearity, a) / math.sqrt(fan)
    init.kaiming_uniform_(t, a=a, mode=mode, nonlinearity=nonlinearity)
    _, s, m = _stats(t)
    assert m <= math.sqrt(3) * std and abs(s - std) < 0.03 * std
    init.kaiming_normal_(t, a=a, mode=mode, nonlinearity=nonlinearity)
    _, s, _ = _stats(t)
    assert abs(s - std) < 0.03 * std


def test_kaiming_zero_element_warns():
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        init.kaiming_uniform_(ember.empty(0, 3))


def test_trunc_normal_statistics():
    t = init.trunc_normal_(ember.empty(200, 200), mean=0.5, std=1.0, a=-1.0, b=1.5)
    a = t.numpy()
    assert a.min() >= -1.0 and a.max() <= 1.5
    ref = torch.nn.init.trunc_normal_(torch.empty(200, 200), mean=0.5, std=1.0, a=-1.0, b=1.5)
    assert abs(a.mean() - ref.mean().item()) < 0.02
    assert abs(a.std() - ref.std().item()) < 0.02


def test_eye_dirac_match_torch():
    for shape in [(3, 5), (4, 2)]:
        assert np.array_equal(
            init.eye_(ember.empty(shape)).numpy(), torch.nn.init.eye_(torch.empty(shape)).numpy()
        )
    for shape, groups in [((4, 2, 3), 1), ((6, 3, 3, 3), 2), ((4, 4, 1, 3, 3), 1)]:
        assert np.array_equal(
            init.dirac_(ember.empty(shape), groups).numpy(),
            torch.nn.init.dirac_(torch.empty(shape), groups).numpy(),
        )
    _same_error(lambda T: T.nn.init.eye_(T.empty(2, 2, 2)))
    _same_error(lambda T: T.nn.init.dirac_(T.empty(2, 2)))


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (3, 2, 2)])
def test_orthogonal_is_orthogonal(shape):
    t = init.orthogonal_(ember.empty(shape), gain=2.0)
    q = t.numpy().reshape(shape[0], -1)
    if q.shape[0] <= q.shape[1]:
        assert np.allclose(q @ q.T, 4 * np.eye(q.shape[0]), atol=1e-5)
    else:
        assert np.allclose(q.T @ q, 4 * np.eye(q.shape[1]), atol=1e-5)
    _same_error(lambda T: T.nn.init.orthogonal_(T.empty(3)))


def test_sparse_zeroes_each_column():
    t = init.sparse_(ember.empty(10, 6), sparsity=0.3, std=0.1)
    zeros = (t.numpy() == 0).sum(0)
    assert np.all(zeros >= 3)
