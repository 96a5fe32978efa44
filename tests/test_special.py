"""ember.special against torch.special: every exported name, values and gradients, and the
gradient conventions of xlogy/xlog1py and entr at the edges of their domains."""

import numpy as np
import pytest
import torch

import ember
from ember.testing.comparison import assert_close

X = [0.3, 1.7, 2.5, 4.0]


def _call(T, name, x):
    fn = getattr(T.special, name)
    if name in ("softmax", "log_softmax", "logsumexp"):
        return fn(x, 0)
    if name in ("xlogy", "xlog1py"):
        return fn(x, x + 0.5)
    if name == "polygamma":
        return fn(2, x)
    if name == "multigammaln":
        return fn(x + 2.0, 2)
    if name in ("erfinv", "logit"):
        return fn(x / 5.0)
    return fn(x)


@pytest.mark.parametrize("name", ember.special.__all__)
def test_special_matches_torch(name):
    e = ember.tensor(X, dtype=ember.float64, requires_grad=True)
    t = torch.tensor(X, dtype=torch.float64, requires_grad=True)
    e_out, t_out = _call(ember, name, e), _call(torch, name, t)
    assert_close(e_out, t_out.detach())
    if t_out.requires_grad:
        (e_g,) = ember.autograd.grad(e_out.sum(), [e])
        (t_g,) = torch.autograd.grad(t_out.sum(), [t])
        assert_close(e_g, t_g)


@pytest.mark.parametrize("name", ["xlogy", "xlog1py"])
def test_xlog_gradients_at_domain_edges_match_torch(name):
    x = [0.0, 0.0, 0.0, 1.0, 2.0, 0.0]
    y = [2.0, -1.0, 0.0, 0.0, 3.0, np.nan]
    grads = []
    for T in (ember, torch):
        fn = T.xlogy if name == "xlogy" else T.special.xlog1py
        a = T.tensor(x, dtype=T.float64, requires_grad=True)
        b = T.tensor(y, dtype=T.float64, requires_grad=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            grads.append(T.autograd.grad(fn(a, b).sum(), [a, b]))
            grads.append(T.autograd.grad(fn(a, -1.5).sum(), [a]))
    for ours, theirs in zip(grads[:2], grads[2:]):
        for eg, tg in zip(ours, theirs):
            assert_close(eg, tg, equal_nan=True)


def test_entr_edges_match_torch():
    values = [-1.0, 0.0, 2.0]
    e = ember.tensor(values, requires_grad=True)
    t = torch.tensor(values, requires_grad=True)
    assert_close(ember.special.entr(e), torch.special.entr(t).detach(), equal_nan=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        (e_g,) = ember.autograd.grad(ember.special.entr(e).sum(), [e])
    (t_g,) = torch.autograd.grad(torch.special.entr(t).sum(), [t])
    assert_close(e_g, t_g, equal_nan=True)


def test_bessel_special_values_and_inplace_match_torch():
    values = [0.0, -0.0, 1e-8, -3.0, 29.99, 30.01, 700.0, 720.0, -800.0, np.inf, np.nan]
    for name in ("i0", "i0e", "i1", "i1e"):
        with np.errstate(over="ignore", invalid="ignore"):
            got = getattr(ember.special, name)(ember.tensor(values, dtype=ember.float64))
        expected = getattr(torch.special, name)(torch.tensor(values, dtype=torch.float64))
        assert_close(got, expected, rtol=1e-12, atol=0, equal_nan=True)
    e, t = ember.tensor([0.5, -2.0]), torch.tensor([0.5, -2.0])
    assert e.i0_() is e
    t.i0_()
    assert_close(e, t)
    e = ember.tensor([0.5, -2.0])
    assert ember.i0_(e) is e
    assert_close(e, t)
