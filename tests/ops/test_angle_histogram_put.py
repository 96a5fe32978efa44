"""angle, adjoint, histogram, put/put_ and nonzero_static: errors, return types and in-place
recording, against PyTorch."""

import re

import numpy as np
import pytest
import torch

import ember
from ember.testing.comparison import assert_close


def _raises_like(fn, exc=RuntimeError):
    with pytest.raises(exc) as theirs:
        fn(torch)
    with pytest.raises(exc, match=re.escape(str(theirs.value))):
        fn(ember)


@pytest.mark.parametrize(
    "fn,exc",
    [
        (lambda T: T.adjoint(T.ones(3)), RuntimeError),
        (lambda T: T.histogram(T.tensor([1, 2])), NotImplementedError),
        (lambda T: T.zeros(3).put_(T.tensor([1.0]), T.tensor([1.0])), RuntimeError),
        (lambda T: T.zeros(3).put_(T.tensor([1, 2]), T.tensor([1.0])), IndexError),
        (lambda T: T.zeros(3).put_(T.tensor([1]), T.tensor([1])), RuntimeError),
        (lambda T: T.zeros(2, 3).put_(T.tensor([6]), T.tensor([1.0])), IndexError),
        (lambda T: T.zeros(2, 3).put_(T.tensor([-7]), T.tensor([1.0])), IndexError),
        (lambda T: T.nonzero_static(T.tensor([1]), size=-1), RuntimeError),
    ],
)
def test_errors_match_torch(fn, exc):
    _raises_like(fn, exc)


def test_angle_of_ints_and_nan_matches_torch():
    for values in ([1, -2, 0], [1.5, -0.0, np.nan, -np.inf]):
        got, expected = ember.angle(ember.tensor(values)), torch.angle(torch.tensor(values))
        assert str(got.dtype)[6:] == str(expected.dtype)[6:]
        assert_close(got, expected, equal_nan=True)


def test_adjoint_is_a_view():
    x = ember.zeros(2, 3)
    x.adjoint()[2, 1] = 5.0
    assert x[1, 2].item() == 5.0


def test_histogram_return_type_and_out():
    x = ember.tensor([1.0, 2.0, 1.0, 5.0])
    result = ember.histogram(x, bins=4)
    assert result.hist is result[0] and result.bin_edges.shape == (5,)
    outs = (ember.empty(0), ember.empty(0))
    got = x.histogram(3, range=(0.0, 4.0), out=outs)
    assert got[0] is outs[0] and got[1] is outs[1]
    expected = torch.histogram(torch.tensor([1.0, 2.0, 1.0, 5.0]), bins=3, range=(0.0, 4.0))
    assert_close(outs[0], expected.hist)
    assert_close(outs[1], expected.bin_edges)


def test_put_inplace_records_like_torch():
    grads = []
    for T in (ember, torch):
        a = T.arange(6.0).reshape(2, 3).requires_grad_()
        s = T.tensor([10.0, 20.0], requires_grad=True)
        b = a * 1
        assert b.put_(T.tensor([4, 0]), s, accumulate=True) is b
        ga, gs = T.autograd.grad((b * b).sum(), [a, s])
        grads.append((b.detach().numpy().copy(), ga.numpy().copy(), gs.numpy().copy()))
    for ours, theirs in zip(*grads):
        np.testing.assert_allclose(ours, theirs)
