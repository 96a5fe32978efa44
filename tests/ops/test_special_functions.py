"""erf, erfc and erfinv (ember's own NumPy kernels) against PyTorch: float64 accuracy over
the whole range, the far tail of erfc, special values, and the float dtypes."""

import numpy as np
import pytest
import torch

import ember

GRID = np.concatenate([np.linspace(-7.0, 7.0, 4001), [0.4999999, 0.5, 0.5000001, 2.0, 1e-300]])
TAIL = np.linspace(2.0, 27.0, 2001)
SPECIALS = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -1e-200])


def _pair(name, x):
    e = getattr(ember, name)(ember.tensor(x))._data
    t = getattr(torch, name)(torch.tensor(x)).numpy()
    return e, t


@pytest.mark.parametrize("name", ["erf", "erfc"])
def test_erf_family_float64_within_1e_13_relative_of_torch(name):
    e, t = _pair(name, GRID)
    np.testing.assert_allclose(e, t, rtol=1e-13, atol=0)


def test_erfc_tail_is_relatively_accurate():
    # 1 - erf(x) would be 0 here; erfc keeps its relative accuracy down to the underflow.
    e, t = _pair("erfc", TAIL)
    normal = t > 1e-300
    assert normal.sum() > 1500
    np.testing.assert_allclose(e[normal], t[normal], rtol=1e-13, atol=0)
    np.testing.assert_allclose(e[~normal], t[~normal], rtol=1e-3, atol=1e-320)


def test_erfc_of_negative_arguments():
    e, t = _pair("erfc", -TAIL[:200])
    np.testing.assert_allclose(e, t, rtol=1e-15, atol=0)


def test_erfinv_float64_matches_torch_including_near_one():
    y = np.concatenate(
        [
            np.linspace(-0.999, 0.999, 2001),
            1 - np.logspace(-15, -2, 60),
            -1 + np.logspace(-15, -2, 60),
        ]
    )
    e, t = _pair("erfinv", y)
    np.testing.assert_allclose(e, t, rtol=1e-12, atol=0)


def test_erfinv_inverts_erf():
    # Beyond |x| = 3 erf rounds to within a few ulp of 1 and the inverse is ill-conditioned.
    x = np.linspace(-3.0, 3.0, 501)
    back = ember.erfinv(ember.erf(ember.tensor(x)))._data
    np.testing.assert_allclose(back, x, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", ["erf", "erfc", "erfinv"])
def test_special_values_match_torch(name):
    values = np.concatenate([SPECIALS, [1.0, -1.0, 1.5, -2.0]])
    e, t = _pair(name, values)
    np.testing.assert_array_equal(np.isnan(e), np.isnan(t))
    np.testing.assert_allclose(e, t, rtol=1e-15, atol=0, equal_nan=True)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32"])
@pytest.mark.parametrize("name", ["erf", "erfc", "erfinv"])
def test_low_precision_dtypes_match_torch(name, dtype):
    x = np.linspace(-0.95, 0.95, 41)
    e = getattr(ember, name)(ember.tensor(x).to(getattr(ember, dtype)))
    t = getattr(torch, name)(torch.tensor(x).to(getattr(torch, dtype)))
    assert str(e.dtype) == str(t.dtype).replace("torch", "ember")
    np.testing.assert_allclose(e.float().numpy(), t.float().numpy(), rtol=1e-2, atol=1e-3)


def test_erfinv_keeps_the_sign_of_zero():
    got = ember.erfinv(ember.tensor([-0.0, 0.0]))
    expected = torch.erfinv(torch.tensor([-0.0, 0.0]))
    np.testing.assert_array_equal(np.signbit(got.numpy()), np.signbit(expected.numpy()))
