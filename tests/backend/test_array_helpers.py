"""The engine's array work in ember/_backend: sum_to (the one broadcasting rule), add, and the
array module / device lookups."""

import numpy as np
import pytest

import ember
from ember import _backend
from ember.testing import device as test_device


@pytest.mark.parametrize(
    "shape,target",
    [((2, 3), (2, 3)), ((4, 2, 3), (2, 3)), ((4, 2, 3), (1, 3)), ((2, 3), ()), ((5, 1, 3), (1, 1))],
)
def test_sum_to_reverses_broadcasting(shape, target):
    a = np.random.default_rng(0).standard_normal(shape)
    out = _backend.sum_to(a, target)
    assert out.shape == target and type(out) is np.ndarray
    # The adjoint of broadcasting: <sum_to(a), b> == <a, broadcast(b)>.
    b = np.random.default_rng(1).standard_normal(target)
    assert np.isclose((out * b).sum(), (a * np.broadcast_to(b, shape)).sum())


def test_add_of_zero_dim_arrays_stays_an_array():
    out = _backend.add(np.array(1.0), np.array(2.0))
    assert type(out) is np.ndarray and out.shape == () and out == 3.0


def test_array_module_and_device_of():
    assert _backend.array_module(np.ones(1), 2.0) is np
    assert _backend.device_of(np.ones(1)) == ember.device("cpu")
    dev = test_device.register()
    a = test_device.xp.ones(2)
    assert type(a) is test_device.DeviceArray
    assert _backend.array_module(np.ones(1), a) is test_device.xp
    assert _backend.device_of(a) == dev
    assert _backend.is_device_array(a) and not _backend.is_device_array(np.ones(1))
    host = _backend.to_host(a)
    assert type(host) is np.ndarray and host.tolist() == [1.0, 1.0]
    moved = _backend.to_device(np.arange(2.0), dev)
    assert type(moved) is test_device.DeviceArray


def test_zero_dim_results_are_arrays_on_every_path():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    for t in (x.sum(), x.detach().sum(), x.max()):
        assert type(t._data) is np.ndarray and t._data.shape == ()
