"""A second device on the CPU, for tests: ``'ember_test'``, whose arrays are a NumPy subclass.

Note [the test device]
Without a GPU, device mismatches, transfers (``.to``), ``Module.to``, optimizer state placement
and ``map_location``-style moves still need a second device to be exercised. The test device
is one: its arrays are ``DeviceArray`` (a ``numpy.ndarray`` subclass) and its array module
wraps NumPy so that creation functions (``zeros``, ``asarray``, ``arange``...) return
``DeviceArray``. NumPy's ufuncs and array methods keep the subclass by themselves, but direct
calls of NumPy functions that build new arrays (``np.zeros``, ``np.asarray``, ``np.where``,
``np.concatenate``) return plain arrays, which ``Op.apply`` reports: the device catches code
that bypasses ``ctx.xp``. Transfers to and from it copy, as a real device's do.

It is never registered by ``import ember``. Tests select devices with ``devices()``:

    @pytest.mark.parametrize("device", devices(test=True))
    def test_something(device): ...

``devices()`` gives 'cpu' (unless ``cpu=False``), 'cuda' (a case that skips with the reason
when CuPy sees no GPU), and the test device when ``test=True`` (which registers it). The
device-generic tests: tests/backend/test_transfers.py, tests/backend/test_modules_on_devices.py,
tests/optim/test_optimizers_on_devices.py and the device cases of tests/test_op_registry.py
(one sample per op, through ``on_device``, against PyTorch on the CPU).
"""

import types

import numpy as np

from ember import _backend, _device

__all__ = ["NAME", "DeviceArray", "register", "devices", "on_device", "xp"]

NAME = "ember_test"


class DeviceArray(np.ndarray):
    """A NumPy array that lives on the test device."""

    def __repr__(self):
        return f"DeviceArray({np.asarray(self)!r})"


def _to_device(value):
    """Results of a NumPy call, with every plain array turned into a ``DeviceArray``."""
    if type(value) is np.ndarray:
        return value.view(DeviceArray)
    if isinstance(value, tuple):  # and NumPy's named results (SVDResult, EighResult...)
        items = [_to_device(v) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, list):
        return [_to_device(v) for v in value]
    return value


class _Wrapped:
    """A NumPy callable (function or ufunc) whose array results live on the test device."""

    __slots__ = ("_fn",)

    def __init__(self, fn):
        self._fn = fn

    def __call__(self, *args, **kwargs):
        return _to_device(self._fn(*args, **kwargs))

    def __getattr__(self, name):
        attr = getattr(self._fn, name)  # ufunc methods: reduce, at, outer, accumulate
        return _Wrapped(attr) if callable(attr) else attr


class _Namespace:
    """NumPy, with array-creating functions returning ``DeviceArray``."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        attr = getattr(self._module, name)
        if isinstance(attr, types.ModuleType):
            wrapped = _Namespace(attr)
        elif isinstance(attr, type) or not callable(attr):
            return attr  # dtypes, array types, constants
        else:
            wrapped = _Wrapped(attr)
        setattr(self, name, wrapped)
        return wrapped

    @staticmethod
    def asnumpy(a):
        """A host (plain NumPy) copy of a test-device array, as ``cupy.asnumpy``."""
        return np.array(a.view(np.ndarray) if isinstance(a, np.ndarray) else a, copy=True)


xp = _Namespace(np)
_DEVICE = None  # device(NAME, 0), made by register()


def _provider(index):
    if index not in (None, 0):
        raise RuntimeError(f"{NAME} has one device (index 0), got index {index}")
    return xp


def register():
    """Make ``device('ember_test')`` valid and its arrays known to the backend (idempotent)."""
    global _DEVICE
    _device.register_device_type(NAME, _provider)
    _DEVICE = _device.device(NAME, 0)
    _backend.register_array_type(DeviceArray, xp, lambda array: _DEVICE)
    return _DEVICE


def cuda_available():
    """True when CuPy sees a GPU (the 'cuda' cases run)."""
    from ember._backend import _cuda

    return _cuda.is_available()


def cuda_mark():
    """The pytest mark that skips a CUDA case, with the reason, when there is no GPU."""
    import pytest

    return pytest.mark.skipif(
        not cuda_available(), reason="CUDA is not available (no CuPy or no GPU)"
    )


def devices(test=False, cpu=True):
    """Device names for ``pytest.mark.parametrize``: cpu (unless ``cpu`` is false), cuda
    (skipping without a GPU), and the test device when ``test`` is true."""
    import pytest

    names = (["cpu"] if cpu else []) + [pytest.param("cuda", marks=cuda_mark())]
    if test:
        register()
        names.append(NAME)
    return names


def _move(value, device):
    from ember._tensor import Tensor

    if isinstance(value, Tensor):
        return value.to(device)
    if isinstance(value, list) and value and all(isinstance(v, Tensor) for v in value):
        return [v.to(device) for v in value]
    return value


def _back(value):
    from ember._tensor import Tensor

    if isinstance(value, Tensor):
        return value.cpu()
    if isinstance(value, (tuple, list)):
        return type(value)(_back(v) for v in value)
    return value


def on_device(fn, device):
    """``fn(T, *args)`` for the PyTorch oracle, run by ember on ``device``: tensor arguments are
    moved there and results moved back to the CPU, both recorded, so that the oracle compares
    values and the gradients of the CPU inputs, which flow back through the device."""
    import ember

    def run(T, *args, **kwargs):
        if T is not ember:
            return fn(T, *args, **kwargs)
        out = fn(T, *[_move(a, device) for a in args], **kwargs)
        return _back(out)

    return run
