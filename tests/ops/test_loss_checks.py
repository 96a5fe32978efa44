"""Input checks of the losses, with PyTorch's exception types and messages."""

import re

import pytest
import torch

import ember

NAN = float("nan")


def _same_error(fn):
    """``fn(T)`` raises the same exception type and message under ember and PyTorch."""
    with pytest.raises(Exception) as expected:
        fn(torch)
    with pytest.raises(type(expected.value), match=re.escape(str(expected.value))):
        fn(ember)


@pytest.mark.parametrize(
    "x,t",
    [([0.5], [2.0]), ([0.5], [-0.1]), ([0.5], [NAN]), ([1.5], [0.5]), ([NAN], [0.5])],
)
def test_binary_cross_entropy_refuses_values_outside_0_1(x, t):
    def fn(T):
        return T.nn.functional.binary_cross_entropy(T.tensor(x), T.tensor(t))

    _same_error(fn)


def test_binary_cross_entropy_takes_targets_at_0_and_1():
    def fn(T):
        return T.nn.functional.binary_cross_entropy(T.tensor([0.3, 0.6]), T.tensor([0.0, 1.0]))

    assert fn(ember).item() == pytest.approx(fn(torch).item(), rel=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "bool"])
def test_cross_entropy_names_a_class_index_dtype_it_refuses(dtype):
    def fn(T):
        target = T.tensor([1, 2, 0]).to(getattr(T, dtype))
        return T.nn.functional.cross_entropy(T.zeros(3, 4), target)

    _same_error(fn)


def test_cross_entropy_with_float_targets_over_extra_dims_names_the_dtype():
    def fn(T):
        return T.nn.functional.cross_entropy(T.zeros(3, 4, 5), T.zeros(3, 5))

    _same_error(fn)


def test_cross_entropy_takes_uint8_class_indices():
    def fn(T):
        return T.nn.functional.cross_entropy(T.zeros(3, 4), T.tensor([1, 2, 0]).to(T.uint8))

    assert fn(ember).item() == pytest.approx(fn(torch).item(), rel=1e-6)
