"""Kernels without a gradient (comparisons, predicates, logical and bitwise ops, truth
reductions, arg-extrema, argsort, searchsorted) pass through ``Op.apply``, the one choke point,
and never record a node, even when an input requires grad; values against PyTorch."""

import numpy as np
import pytest
import torch

import ember
from ember.autograd.function import Op
from ember.testing.comparison import assert_close

VALUES = [[-1.5, 0.0, float("nan")], [2.0, float("inf"), -float("inf")]]
INTS = [[3, 0, -2], [5, 1, 7]]

CASES = {
    "eq": lambda T, x, y, i: T.eq(x, y),
    "ne": lambda T, x, y, i: x != y,
    "lt": lambda T, x, y, i: x < y,
    "le": lambda T, x, y, i: T.le(x, 0.0),
    "gt": lambda T, x, y, i: T.gt(i, x),
    "ge": lambda T, x, y, i: x >= 2,
    "isnan": lambda T, x, y, i: T.isnan(x),
    "isinf": lambda T, x, y, i: T.isinf(x),
    "isfinite": lambda T, x, y, i: T.isfinite(x),
    "isfinite_int": lambda T, x, y, i: T.isfinite(i),
    "isposinf": lambda T, x, y, i: T.isposinf(x),
    "isneginf_int": lambda T, x, y, i: T.isneginf(i),
    "isreal": lambda T, x, y, i: T.isreal(x),
    "isclose": lambda T, x, y, i: T.isclose(x, y, equal_nan=True),
    "logical_and": lambda T, x, y, i: T.logical_and(x, i),
    "logical_xor": lambda T, x, y, i: T.logical_xor(x, y),
    "logical_not": lambda T, x, y, i: T.logical_not(x),
    "bitwise_and": lambda T, x, y, i: i & 6,
    "bitwise_not": lambda T, x, y, i: ~i,
    "left_shift": lambda T, x, y, i: T.bitwise_left_shift(i, 2),
    "right_shift": lambda T, x, y, i: i >> T.tensor([1, 70, 2]),
    "all": lambda T, x, y, i: T.all(x),
    "any_dim": lambda T, x, y, i: T.any(i, 1, keepdim=True),
    "all_keepdim": lambda T, x, y, i: T.all(i, keepdim=True) if T is ember else T.all(i).view(1, 1),
    "count_nonzero": lambda T, x, y, i: T.count_nonzero(x),
    "count_nonzero_dim": lambda T, x, y, i: T.count_nonzero(x, 0),
    "argmax": lambda T, x, y, i: T.argmax(i),
    "argmin_dim": lambda T, x, y, i: T.argmin(i, 1, keepdim=True),
    "argsort": lambda T, x, y, i: T.argsort(i, descending=True),
    "searchsorted": lambda T, x, y, i: T.searchsorted(T.tensor([0.0, 1.0, 2.5]), x),
}


def _inputs(T):
    x = T.tensor(VALUES, dtype=T.float64, requires_grad=True)
    y = T.tensor([[-1.5, 1.0, float("nan")], [2.5, float("inf"), 0.0]], dtype=T.float64)
    return x, y, T.tensor(INTS)


@pytest.mark.parametrize("name", list(CASES))
def test_kernel_matches_torch_and_records_nothing(name, monkeypatch):
    applied = []
    original = Op.apply.__func__

    def counting_apply(cls, *inputs, **params):
        applied.append(cls)
        return original(cls, *inputs, **params)

    monkeypatch.setattr(Op, "apply", classmethod(counting_apply))
    got = CASES[name](ember, *_inputs(ember))
    expected = CASES[name](torch, *_inputs(torch))
    assert applied, f"{name} did not pass through Op.apply"
    assert not got.requires_grad and got.grad_fn is None
    assert str(got.dtype).split(".")[-1] == str(expected.dtype).split(".")[-1]
    assert_close(got, expected)


def test_comparison_of_tensor_with_none_is_python_equality():
    x = ember.tensor([1.0])
    assert (x == None) is False  # noqa: E711 (the operator is what is tested)
    assert (x != None) is True  # noqa: E711


def test_kernels_record_nothing_under_create_graph():
    x = ember.tensor([0.5, -1.0], requires_grad=True)
    y = (x * x).sum()
    (g,) = ember.autograd.grad(y, [x], create_graph=True)
    mask = g > 0
    assert g.requires_grad and not mask.requires_grad and mask.grad_fn is None
    np.testing.assert_array_equal(mask.numpy(), [True, False])
