"""The backward engine: accumulation, retain_graph, create_graph, autograd.grad, errors,
memory release. Each test runs the same code on ember and PyTorch where a comparison helps."""

import gc
import weakref

import numpy as np
import pytest
import torch

import ember
from ember.testing import assert_close


def both(fn):
    """Run ``fn(T)`` for T in (ember, torch) and return both results."""
    return fn(ember), fn(torch)


def test_backward_accumulates_into_leaf_grad():
    def run(T):
        x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        (x * x).sum().backward()
        (x * 3).sum().backward()
        return x.grad

    e, t = both(run)
    assert_close(e, t)


def test_grad_of_broadcast_input_is_summed_to_its_shape():
    def run(T):
        a = T.tensor([[1.0], [2.0]], requires_grad=True)
        b = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        (a * b + b).sum().backward()
        return a.grad, b.grad

    (ea, eb), (ta, tb) = both(run)
    assert_close(ea, ta)
    assert_close(eb, tb)


def test_shared_gradient_is_not_aliased_between_leaves():
    a = ember.ones(3, requires_grad=True)
    b = ember.ones(3, requires_grad=True)
    (a + b).sum().backward()
    a.grad.mul_(5) if hasattr(a.grad, "mul_") else None
    with ember.no_grad():
        a.grad._data[0] = 7.0
    assert b.grad._data[0] == 1.0


def test_backward_twice_through_freed_graph_raises():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_retain_graph_allows_second_backward():
    def run(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        y = (x * x).exp().sum()
        y.backward(retain_graph=True)
        y.backward()
        return x.grad

    e, t = both(run)
    assert_close(e, t)


def test_non_scalar_backward_requires_gradient_argument():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar"):
        (x * 2).backward()


def test_backward_with_gradient_argument():
    def run(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        (x * x).backward(T.tensor([0.5, -1.0]))
        return x.grad

    e, t = both(run)
    assert_close(e, t)


def test_backward_on_tensor_without_grad_raises():
    x = ember.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="does not require grad"):
        x.sum().backward()


def test_autograd_grad_leaves_dot_grad_untouched():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    (g,) = ember.autograd.grad((x * x).sum(), x)
    assert x.grad is None
    assert_close(g, torch.tensor([2.0, 4.0], dtype=torch.float32))


def test_autograd_grad_unused_input():
    x = ember.tensor([1.0], requires_grad=True)
    z = ember.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="appears to not have been used"):
        ember.autograd.grad((x * 2).sum(), [x, z])
    gx, gz = ember.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)
    assert gz is None
    gx, gz = ember.autograd.grad((x * 2).sum(), [x, z], materialize_grads=True)
    assert_close(gz, torch.zeros(1))


def test_autograd_grad_of_intermediate_tensor():
    def run(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        h = x.exp()
        y = (h * h).sum()
        return T.autograd.grad(y, h)[0]

    e, t = both(run)
    assert_close(e, t)


def test_hessian_vector_product_with_create_graph():
    def run(T):
        x = T.tensor([0.5, -1.0, 2.0], dtype=T.float64, requires_grad=True)
        v = T.tensor([1.0, 0.5, -2.0], dtype=T.float64)
        y = (x.exp() * x * x).sum()
        (g,) = T.autograd.grad(y, x, create_graph=True)
        (hv,) = T.autograd.grad((g * v).sum(), x)
        return hv

    e, t = both(run)
    assert_close(e, t)


def test_gradient_penalty_trains_through_grad_norm():
    def run(T):
        w = T.tensor([0.3, -0.7], dtype=T.float64, requires_grad=True)
        x = T.tensor([1.0, 2.0], dtype=T.float64, requires_grad=True)
        out = (x * w).tanh().sum()
        (gx,) = T.autograd.grad(out, x, create_graph=True)
        penalty = ((gx * gx).sum() - 1) ** 2
        penalty.backward()
        return w.grad

    e, t = both(run)
    assert_close(e, t)


def test_backward_create_graph_keeps_graph_in_grad():
    x = ember.tensor([1.0, 2.0], dtype=ember.float64, requires_grad=True)
    (x * x * x).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    xt = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    (xt * xt * xt).sum().backward(create_graph=True)
    g2e = ember.autograd.grad(x.grad.sum(), x)[0]
    g2t = torch.autograd.grad(xt.grad.sum(), xt)[0]
    assert_close(g2e, g2t)


def test_backward_inputs_argument_limits_accumulation():
    a = ember.tensor([1.0], requires_grad=True)
    b = ember.tensor([2.0], requires_grad=True)
    (a * b).sum().backward(inputs=[a])
    assert b.grad is None
    assert_close(a.grad, torch.tensor([2.0]))


def test_saved_tensors_are_released_after_backward():
    x = ember.tensor(np.ones(1000), requires_grad=True)
    h = x.exp()
    ref = weakref.ref(h)
    y = (h * h).sum()
    del h
    gc.collect()
    assert ref() is not None  # kept alive by the graph, which saved it for backward
    y.backward()
    gc.collect()
    assert ref() is None


def test_graph_is_freed_without_cycles():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * x).sum()
    ref = weakref.ref(y.grad_fn)
    gc.disable()
    try:
        del y
        assert ref() is None
    finally:
        gc.enable()


def test_inplace_change_of_saved_tensor_raises_at_backward():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    y = h * h
    with ember.no_grad():
        h.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_inplace_on_leaf_requiring_grad_raises():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x.add_(1)


def test_inplace_op_in_graph_matches_torch():
    def run(T):
        x = T.tensor([1.0, 2.0, 3.0], dtype=T.float64, requires_grad=True)
        b = T.tensor([0.5, -1.0, 2.0], dtype=T.float64, requires_grad=True)
        h = x * 3
        h.mul_(b)
        h.add_(x)
        h.sum().backward()
        return x.grad, b.grad

    (ex, eb), (tx, tb) = both(run)
    assert_close(ex, tx)
    assert_close(eb, tb)


def test_inplace_change_of_saved_output_raises_as_torch():
    for T in (ember, torch):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        h = x.exp()  # exp saves its output for backward
        h.mul_(2)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            h.sum().backward()


def test_dtype_of_gradient_matches_input():
    a = ember.tensor([1.0, 2.0], dtype=ember.float32, requires_grad=True)
    b = ember.tensor([1.0, 2.0], dtype=ember.float64, requires_grad=True)
    (a * b).sum().backward()
    assert a.grad.dtype is ember.float32
    assert b.grad.dtype is ember.float64


def test_long_chain_has_no_recursion_limit():
    x = ember.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0001
    y.sum().backward()
    assert_close(x.grad, torch.tensor([1.0001**5000]), rtol=1e-4, atol=0)


def test_requires_grad_rules():
    with pytest.raises(RuntimeError, match="floating point"):
        ember.tensor([1, 2]).requires_grad_()
    x = ember.tensor([1.0], requires_grad=True)
    y = x * 2
    assert not y.is_leaf and y.requires_grad
    with pytest.raises(RuntimeError, match="leaf variables"):
        y.requires_grad = False
    d = y.detach()
    assert d.is_leaf and not d.requires_grad
