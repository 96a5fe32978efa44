"""The array-module helpers that stand in for ufunc methods CuPy lacks (``maximum.reduce``, any
``.accumulate`` but add's and multiply's): on NumPy inputs they must give the ufunc results,
both through the NumPy path and through the scan used for other array modules."""

import types

import numpy as np
import pytest

from ember._backend._math import accumulate, inclusive_scan, reduce_extreme

NAN = np.nan


def _device_like():
    """A stand-in array module over NumPy whose ufuncs have no methods, so the helpers take
    the path they take for CuPy."""
    module = types.SimpleNamespace()
    module.ndarray = type("DeviceArray", (), {})  # not a NumPy subclass: not a host module
    for name in ("maximum", "minimum", "logaddexp"):
        ufunc = getattr(np, name)
        setattr(module, name, lambda a, b, _f=ufunc: _f(a, b))
    module.amax, module.amin, module.array = np.amax, np.amin, np.array
    return module


def _inputs():
    rng = np.random.default_rng(0)
    yield rng.standard_normal((5, 7))
    yield rng.standard_normal((3, 1, 9)).astype(np.float32)
    yield rng.integers(-5, 5, size=(4, 6))
    with_nan = rng.standard_normal((3, 6))
    with_nan[1, 2] = NAN
    yield with_nan
    yield np.array([-np.inf, -np.inf, 0.0, np.inf, 1.0])
    yield rng.standard_normal((2, 0, 3))
    yield rng.standard_normal((1, 1))


@pytest.mark.parametrize("name", ["maximum", "minimum", "logaddexp"])
def test_scan_matches_ufunc_accumulate(name):
    ufunc = getattr(np, name)
    xp = _device_like()
    for x in _inputs():
        if name == "logaddexp" and x.dtype.kind != "f":
            continue
        for axis in range(x.ndim):
            expected = ufunc.accumulate(x, axis=axis)
            # The log-step scan adds in another order: logaddexp may round an ulp apart.
            rtol = 1e-6 if x.dtype == np.float32 else 1e-12
            scanned = inclusive_scan(np, ufunc, x, axis)
            np.testing.assert_allclose(scanned, expected, rtol=rtol, equal_nan=True)
            assert scanned.dtype == expected.dtype
            np.testing.assert_allclose(accumulate(xp, name, x, axis), expected, rtol=rtol)
            np.testing.assert_array_equal(accumulate(np, name, x, axis), expected)


def test_scan_of_every_length_up_to_40_matches_accumulate():
    rng = np.random.default_rng(1)
    for n in range(1, 41):
        x = rng.standard_normal(n)
        np.testing.assert_array_equal(
            inclusive_scan(np, np.maximum, x, 0), np.maximum.accumulate(x)
        )


def test_scan_does_not_write_into_its_input():
    x = np.array([3.0, 1.0, 4.0, 1.0, 5.0])
    before = x.copy()
    inclusive_scan(np, np.maximum, x, 0)
    np.testing.assert_array_equal(x, before)


def test_accumulate_rejects_an_unknown_ufunc():
    with pytest.raises(ValueError, match="no scan for 'add'"):
        accumulate(np, "add", np.ones(3), 0)


@pytest.mark.parametrize("largest", [True, False])
def test_reduce_extreme_matches_ufunc_reduce(largest):
    ufunc = np.maximum if largest else np.minimum
    xp = _device_like()
    for x in _inputs():
        if x.size == 0:
            continue
        for axis in [None] + list(range(x.ndim)) + [tuple(range(x.ndim))]:
            expected = ufunc.reduce(x, axis=axis, keepdims=True)
            for module in (np, xp):
                got = reduce_extreme(module, x, axis, largest)
                np.testing.assert_array_equal(got, expected)
