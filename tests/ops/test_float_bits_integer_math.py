"""ldexp/frexp/nextafter and gcd/lcm: argument checks, in-place and out= forms, return
types and gradient conventions, against PyTorch."""

import re

import numpy as np
import pytest
import torch

import ember
from ember.testing.comparison import assert_close


def _raises_like(fn, exc):
    with pytest.raises(exc) as theirs:
        fn(torch)
    with pytest.raises(exc, match=re.escape(str(theirs.value))):
        fn(ember)


@pytest.mark.parametrize(
    "fn,exc",
    [
        (lambda T: T.ldexp(T.ones(2), 2), TypeError),
        (lambda T: T.frexp(T.tensor([1, 2])), RuntimeError),
        (lambda T: T.nextafter(T.tensor([1, 2]), T.tensor([1, 2])), NotImplementedError),
        (lambda T: T.gcd(T.ones(2), T.ones(2)), NotImplementedError),
        (lambda T: T.lcm(T.tensor([True]), T.tensor([True])), NotImplementedError),
        (lambda T: T.mvlgamma(T.ones(2), p=0), RuntimeError),
    ],
)
def test_errors_match_torch(fn, exc):
    _raises_like(fn, exc)


def test_frexp_return_type_and_out():
    x = [1.5, -3.0, 0.0, 1e-40]
    got = ember.frexp(ember.tensor(x))
    expected = torch.frexp(torch.tensor(x))
    assert got.mantissa is got[0] and got.exponent.dtype is ember.int32
    assert_close(got.mantissa, expected.mantissa)
    assert got.exponent.tolist() == expected.exponent.tolist()
    outs = (ember.empty(0), ember.empty(0, dtype=ember.int32))
    result = ember.frexp(ember.tensor(x), out=outs)
    assert result[0] is outs[0] and result[1] is outs[1]
    assert outs[1].tolist() == expected.exponent.tolist()


@pytest.mark.parametrize(
    "name,a,b",
    [
        ("ldexp_", [1.5, -2.0], [3, 1]),
        ("nextafter_", [1.0, 0.0], [2.0, -1.0]),
        ("gcd_", [12, -8], [18, 12]),
        ("lcm_", [4, -6], [6, 4]),
    ],
)
def test_inplace_matches_torch(name, a, b):
    e, t = ember.tensor(a), torch.tensor(a)
    assert getattr(e, name)(ember.tensor(b)) is e
    getattr(t, name)(torch.tensor(b))
    assert_close(e, t)


@pytest.mark.parametrize("name", ["ldexp", "nextafter", "gcd", "lcm"])
def test_out_matches_torch(name):
    floats = name in ("ldexp", "nextafter")
    a = [1.5, -2.0, 0.0] if floats else [12, -8, 0]
    b = [2.0, -3.0, 1.0] if name == "nextafter" else [3, 1, 4]
    e_out = ember.empty(0, dtype=ember.float32 if floats else ember.int64)
    t_out = torch.empty(0, dtype=torch.float32 if floats else torch.int64)
    getattr(ember, name)(ember.tensor(a), ember.tensor(b), out=e_out)
    getattr(torch, name)(torch.tensor(a), torch.tensor(b), out=t_out)
    assert_close(e_out, t_out)


def test_gcd_lcm_promote_and_large_values_match_torch():
    a, b = np.array([2**40, 7, -9]), np.array([3**20, 21, 6])
    for name in ("gcd", "lcm"):
        got = getattr(ember, name)(ember.tensor(a), ember.tensor(b, dtype=ember.int32))
        expected = getattr(torch, name)(torch.tensor(a), torch.tensor(b, dtype=torch.int32))
        assert got.dtype is ember.int64
        assert got.tolist() == expected.tolist()


def test_ldexp_negative_int_exponent_gradient_is_the_true_power():
    x = ember.tensor([1.5, -2.0], requires_grad=True)
    (g,) = ember.autograd.grad(ember.ldexp(x, ember.tensor([-2, 3])).sum(), [x])
    assert g.tolist() == [0.25, 8.0]


def test_mvlgamma_inplace_matches_torch():
    e, t = ember.tensor([2.5, 4.0]), torch.tensor([2.5, 4.0])
    e.mvlgamma_(3)
    t.mvlgamma_(3)
    assert_close(e, t)
