"""Property tests (hypothesis): broadcasting, reshape round-trips, gradient accumulation."""

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import ember
from ember.testing import assert_close

SETTINGS = settings(max_examples=40, deadline=None)
finite = st.floats(-10, 10, allow_nan=False, width=64)


@st.composite
def broadcastable_pair(draw):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=4, max_side=4))
    a = draw(hnp.arrays(np.float64, shapes.input_shapes[0], elements=finite))
    b = draw(hnp.arrays(np.float64, shapes.input_shapes[1], elements=finite))
    return a, b


@SETTINGS
@given(broadcastable_pair())
def test_broadcast_binary_op_matches_torch_values_and_grads(pair):
    a, b = pair
    grads = []
    for T in (ember, torch):
        x = T.tensor(a, requires_grad=True)
        y = T.tensor(b, requires_grad=True)
        out = x * y + x
        out.sum().backward()
        grads.append((out.detach(), x.grad, y.grad))
    for e, t in zip(*grads):
        assert tuple(e.shape) == tuple(t.shape)
        assert_close(e, t)


@SETTINGS
@given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=4, max_side=4), elements=finite), st.data())
def test_reshape_round_trip_and_gradient_shape(a, data):
    perm = data.draw(st.permutations(range(a.ndim)))
    x = ember.tensor(a, requires_grad=True)
    y = x.reshape(-1).reshape(a.shape).permute(*perm)
    back = y.permute(*np.argsort(perm)).reshape(a.shape)
    assert_close(back.detach(), x.detach())
    (back * 2).sum().backward()
    assert tuple(x.grad.shape) == a.shape
    assert_close(x.grad, ember.tensor(np.full(a.shape, 2.0)))


@SETTINGS
@given(hnp.arrays(np.float64, st.integers(1, 5), elements=finite), st.integers(1, 4))
def test_gradient_accumulates_over_backward_calls(a, times):
    x = ember.tensor(a, requires_grad=True)
    for _ in range(times):
        (x * x).sum().backward()
    assert_close(x.grad, ember.tensor(2 * a * times))
