"""``ember.testing.assert_close``: NaN handling and tolerances that follow the dtype."""

import numpy as np
import pytest

import ember
from ember.testing import assert_close


def test_assert_close_nan_against_nan_fails_without_equal_nan():
    nan = ember.tensor([1.0, float("nan")])
    with pytest.raises(AssertionError, match="not close"):
        assert_close(nan, nan.clone())


def test_assert_close_nan_against_nan_passes_with_equal_nan():
    nan = ember.tensor([1.0, float("nan")])
    assert_close(nan, nan.clone(), equal_nan=True)


def test_assert_close_nan_against_number_fails_with_equal_nan():
    with pytest.raises(AssertionError):
        assert_close(ember.tensor([float("nan")]), ember.tensor([1.0]), equal_nan=True)


def test_assert_close_float32_default_tolerance_allows_one_ulp():
    x = np.float32(1.2345678)
    assert_close(ember.tensor([x]), ember.tensor([np.nextafter(x, np.float32(2))]))


def test_assert_close_float32_default_tolerance_rejects_large_difference():
    with pytest.raises(AssertionError):
        assert_close(ember.tensor([1.0]), ember.tensor([1.001]))


def test_assert_close_integers_compare_exactly_by_default():
    with pytest.raises(AssertionError):
        assert_close(ember.tensor([3]), ember.tensor([4]))
