"""``Tensor.copy_`` against PyTorch: broadcasting, dtype casts, views, gradients to the source,
errors."""

import numpy as np
import pytest
import torch

import ember
from ember.testing.comparison import assert_close

RNG = np.random.default_rng(0)


@pytest.mark.parametrize(
    "dst_shape,src_shape", [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 3), ()), ((4, 2, 3), (1, 3))]
)
def test_copy_broadcasts_and_sends_gradient_to_source(dst_shape, src_shape):
    src = RNG.standard_normal(src_shape)
    w = RNG.standard_normal(dst_shape)
    results = []
    for T in (ember, torch):
        s = T.tensor(src, requires_grad=True)
        d = T.zeros(dst_shape, dtype=T.float64)
        d.copy_(s)
        (d * T.tensor(w)).sum().backward()
        results.append((d.detach(), s.grad))
    assert_close(results[0][0], results[1][0])
    assert_close(results[0][1], results[1][1])


def test_copy_casts_to_destination_dtype_and_bumps_version():
    e, t = ember.zeros(3, dtype=ember.int64), torch.zeros(3, dtype=torch.int64)
    e.copy_(ember.tensor([1.7, -2.2, 3.9]))
    t.copy_(torch.tensor([1.7, -2.2, 3.9]))
    assert_close(e, t)
    assert e._version.value == t._version


def test_copy_into_a_view_writes_the_base():
    e, t = ember.zeros(3, 4), torch.zeros(3, 4)
    e[:, 1].copy_(ember.arange(3.0))
    t[:, 1].copy_(torch.arange(3.0))
    assert_close(e, t)


def test_copy_into_a_view_of_a_graph_tensor_is_differentiable():
    grads = []
    for T in (ember, torch):
        x = T.ones(2, 3, dtype=T.float64, requires_grad=True)
        s = T.tensor([5.0, 6.0], dtype=T.float64, requires_grad=True)
        y = x * 2
        y[:, 0].copy_(s)
        (y * y).sum().backward()
        grads.append((x.grad, s.grad))
    assert_close(grads[0][0], grads[1][0])
    assert_close(grads[0][1], grads[1][1])


def test_copy_gradcheck():
    s = ember.tensor(RNG.standard_normal(3), requires_grad=True)

    def fn(src):
        return ember.zeros(2, 3, dtype=ember.float64).copy_(src) * 3

    assert ember.autograd.gradcheck(fn, (s,))
    assert ember.autograd.gradgradcheck(fn, (s,))


def test_copy_of_unbroadcastable_source_raises():
    with pytest.raises(RuntimeError, match=r"\(3\).*\(4\)"):
        ember.zeros(2, 3).copy_(ember.zeros(4))


def test_copy_into_leaf_requiring_grad_raises_like_torch():
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        ember.zeros(3, requires_grad=True).copy_(ember.ones(3))
