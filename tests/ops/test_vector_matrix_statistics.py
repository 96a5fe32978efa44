"""diff/cross/dist/cdist/renorm, trace/matrix_power/fill_diagonal_, quantile/cov/histc/
bincount: errors, defaults and in-place or out= forms that the registry does not cover,
against PyTorch."""

import re
import warnings

import numpy as np
import pytest
import torch

import ember
from ember.testing.comparison import assert_close


def _raises_like(fn, exc=RuntimeError):
    with pytest.raises(exc) as theirs, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch's deprecation warning for cross's dim
        fn(torch)
    with pytest.raises(exc, match=re.escape(str(theirs.value))):
        fn(ember)


@pytest.mark.parametrize(
    "fn",
    [
        lambda T: T.diff(T.tensor(1.0)),
        lambda T: T.diff(T.ones(2, 3), n=-1),
        lambda T: T.diff(T.ones(2, 3), prepend=T.ones(2)),
        lambda T: T.cross(T.ones(2, 3), T.ones(2, 4)),
        lambda T: T.cross(T.ones(2, 3), T.ones(2, 3), dim=0),
        lambda T: T.cross(T.ones(4, 3), T.ones(3)),
        lambda T: T.cross(T.ones(4, 3, dtype=T.int64), T.ones(1, 3)),
        lambda T: T.cdist(T.ones(2, 3), T.ones(4, 2)),
        lambda T: T.cdist(T.ones(3), T.ones(4, 3)),
        lambda T: T.cdist(T.ones(2, 3), T.ones(4, 3), p=-1),
        lambda T: T.cdist(T.ones(2, 3, dtype=T.int64), T.ones(4, 3)),
        lambda T: T.renorm(T.ones(2, 3), -1, 0, 1.0),
        lambda T: T.renorm(T.ones(2, 3), 2, 0, -1.0),
        lambda T: T.renorm(T.ones(3), 2, 0, 1.0),
        lambda T: T.trace(T.ones(2, 2, 2)),
        lambda T: T.matrix_power(T.ones(2, 3), 2),
        lambda T: T.matrix_power(T.ones(2, 2, dtype=T.int64), -1),
        lambda T: T.zeros(2, 3, 3).fill_diagonal_(1.0),
        lambda T: T.zeros(3).fill_diagonal_(1.0),
        lambda T: T.quantile(T.ones(3, dtype=T.int64), 0.5),
        lambda T: T.quantile(T.ones(3), 1.5),
        lambda T: T.quantile(T.ones(3), T.tensor([0.5]), interpolation="foo"),
        lambda T: T.quantile(T.ones(0), 0.5),
        lambda T: T.quantile(T.ones(3), T.tensor([0.5], dtype=T.float64)),
        lambda T: T.nanquantile(T.ones(3), T.ones(2, 2) * 0.5),
        lambda T: T.cov(T.ones(2, 2, 2)),
        lambda T: T.histc(T.tensor([1.0, 2.0]), bins=4, min=3, max=1),
        lambda T: T.histc(T.tensor([1.0, 2.0]), bins=0),
        lambda T: T.histc(T.tensor([1.5, 2.25, float("inf")]), bins=3),
        lambda T: T.histc(T.tensor([1.0, float("nan")]), bins=3),
        lambda T: T.bincount(T.tensor([-1, 3])),
        lambda T: T.bincount(T.tensor([[1, 3]])),
        lambda T: T.bincount(T.tensor([1, 3]), minlength=-1),
        lambda T: T.bincount(T.tensor([1, 3]), weights=T.ones(3)),
    ],
)
def test_errors_match_torch(fn):
    _raises_like(fn)


@pytest.mark.parametrize(
    "fn",
    [
        lambda T: T.trace(T.ones(2, 3, dtype=T.bool)),
        lambda T: T.histc(T.tensor([1, 2, 1])),
        lambda T: T.bincount(T.tensor([1.0, 3.0])),
        lambda T: T.bincount(T.tensor([True])),
    ],
)
def test_dtype_errors_match_torch(fn):
    _raises_like(fn, NotImplementedError)


def test_cross_default_dim_is_first_of_size_three():
    a, b = np.arange(6.0).reshape(3, 2), np.arange(6.0, 12.0).reshape(3, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch deprecates the default
        expected = torch.cross(torch.tensor(a), torch.tensor(b))
    assert_close(ember.cross(ember.tensor(a), ember.tensor(b)), expected)


@pytest.mark.parametrize(
    "name,args",
    [
        ("diff", ([1.0, 4.0, 9.0],)),
        ("cross", ([1.0, 2.0, 3.0], [0.0, 1.0, -1.0])),
        ("renorm", ([[3.0, 4.0], [0.1, 0.2]], 2, 0, 1.0)),
        ("quantile", ([1.0, 4.0, 9.0], 0.25)),
        ("nanquantile", ([1.0, float("nan"), 9.0], 0.25)),
        ("histc", ([1.0, 4.0, 9.0],)),
    ],
)
def test_out_matches_torch(name, args):
    def run(T):
        tensors = [T.tensor(a) if isinstance(a, list) else a for a in args]
        out = T.empty(0)
        assert getattr(T, name)(*tensors, out=out) is out
        return out

    assert_close(run(ember), run(torch), equal_nan=True)


def test_renorm_inplace_and_leaf_error():
    e = ember.tensor([[3.0, 4.0], [0.1, 0.2]])
    t = torch.tensor([[3.0, 4.0], [0.1, 0.2]])
    e.renorm_(2, 0, 1.0)
    t.renorm_(2, 0, 1.0)
    assert_close(e, t)
    _raises_like(lambda T: T.ones(2, 2, requires_grad=True).renorm_(2, 0, 1.0))


def test_fill_diagonal_inplace_records_like_torch():
    grads = []
    for T in (ember, torch):
        a = T.arange(12.0).reshape(4, 3).requires_grad_()
        b = a * 1
        assert b.fill_diagonal_(5.0, wrap=True) is b
        (g,) = T.autograd.grad((b * b).sum(), [a])
        grads.append((b.detach().numpy().copy(), g.numpy().copy()))
    np.testing.assert_allclose(grads[0][0], grads[1][0])
    np.testing.assert_allclose(grads[0][1], grads[1][1])


def test_matrix_power_zero_has_zero_gradient():
    for T in (ember, torch):
        x = T.ones(2, 2, requires_grad=True)
        (g,) = T.autograd.grad(T.matrix_power(x, 0).sum(), [x])
        assert not g.numpy().any()


def test_bincount_weights_have_no_derivative():
    w = ember.tensor([0.5, 1.0], requires_grad=True)
    counts = ember.bincount(ember.tensor([1, 3]), weights=w)
    assert counts.dtype is ember.float32 and counts.requires_grad
    with pytest.raises(RuntimeError, match="derivative for aten::bincount is not implemented"):
        counts.sum().backward()


def test_cov_degrees_of_freedom_warning():
    with pytest.warns(RuntimeWarning, match="degrees of freedom"), np.errstate(invalid="ignore"):
        got = ember.cov(ember.ones(3), correction=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = torch.cov(torch.ones(3), correction=5)
    assert_close(got, expected, equal_nan=True)


def test_cov_weight_errors():
    x = ember.ones(2, 3)
    with pytest.raises(RuntimeError, match="fweights to have integral dtype"):
        ember.cov(x, fweights=ember.ones(3))
    with pytest.raises(RuntimeError, match="aweights cannot be negative"):
        ember.cov(x, aweights=ember.tensor([1.0, -1.0, 1.0]))
    with pytest.raises(RuntimeError, match="same numel"):
        ember.cov(x, fweights=ember.tensor([1, 2]))


def test_quantile_double_backward_matches_torch():
    x = np.array([[0.3, -1.2, 2.5, 0.9], [1.1, 0.2, -0.4, 3.0]])
    hs = []
    for T in (ember, torch):
        t = T.tensor(x, requires_grad=True)
        y = T.quantile(t, 0.4, dim=1)
        (g,) = T.autograd.grad((y * y).sum(), [t], create_graph=True)
        (h,) = T.autograd.grad((g * g).sum(), [t])
        hs.append(h.numpy().copy())
    np.testing.assert_allclose(hs[0], hs[1])
