"""CUDA through CuPy, imported on first use (``import ember`` never imports CuPy).

Note [CUDA device selection]
CuPy allocates on its *current* device. ``device('cuda:N').xp`` is CuPy itself when N is the
current device (the common case, at no cost) and otherwise a namespace whose functions run
with device N made current, so that ``zeros(..., device='cuda:1')`` allocates on GPU 1 without
changing the current device, as in PyTorch. ``Op.apply`` makes the inputs' device current for
the forward when it is not (``guard``).
"""

import contextlib
import types

import numpy as np

__all__ = ["cupy_module", "is_available", "device_count", "array_module_for", "guard"]

_cupy = None
_missing = False
_count = None  # visible GPUs, asked once (the driver's answer does not change)
_allow_tf32 = False  # backends.cuda.matmul.allow_tf32, applied when CuPy loads
_devices = {}  # CUDA device id -> ember device
_namespaces = {}  # CUDA device id -> _OnDevice namespace

_NOT_COMPILED = (
    "ember not compiled with CUDA enabled: CuPy is not installed (pip install cupy-cuda12x or "
    "cupy-cuda13x, matching your CUDA)"
)


def cupy_module():
    """CuPy, imported and registered on first use; AssertionError when it is not installed,
    as PyTorch's "Torch not compiled with CUDA enabled"."""
    global _cupy, _missing
    if _cupy is None:
        if _missing:
            raise AssertionError(_NOT_COMPILED)
        try:
            import cupy
        except ImportError:
            _missing = True  # a failed import is retried by Python each time: remember it
            raise AssertionError(_NOT_COMPILED) from None
        from ember._backend import register_array_type

        register_array_type(cupy.ndarray, cupy, _device_of)
        _cupy = cupy
        if _allow_tf32:
            set_tf32(True)
    return _cupy


def is_available():
    """True when CuPy imports and sees at least one GPU; never raises."""
    return device_count() > 0


def device_count():
    """The number of visible GPUs; 0 without CuPy or a driver (never raises)."""
    global _count
    if _count is None:
        try:
            cupy = cupy_module()
            _count = int(cupy.cuda.runtime.getDeviceCount())
        except Exception:  # noqa: BLE001 - no CuPy, no driver, no GPU: all mean "no CUDA"
            _count = 0
    return _count


def lazy_init():
    """CuPy, after checking that a GPU is there (PyTorch's errors otherwise)."""
    cupy = cupy_module()
    if device_count() == 0:
        raise RuntimeError("No CUDA GPUs are available")
    return cupy


def current_device():
    """The index of the current CUDA device."""
    return int(lazy_init().cuda.runtime.getDevice())


def check_index(index):
    """Raise PyTorch's error for a device index past the last GPU."""
    n = device_count()
    if not 0 <= index < n:
        raise RuntimeError(
            f"CUDA error: invalid device ordinal (device {index} requested, {n} visible)"
        )


def array_module_for(index):
    """The array module that allocates on CUDA device ``index`` (see Note [CUDA device
    selection])."""
    cupy = lazy_init()
    if index is None or index == cupy.cuda.runtime.getDevice():
        return cupy
    check_index(index)
    ns = _namespaces.get(index)
    if ns is None:
        ns = _namespaces[index] = _OnDevice(cupy, index)
    return ns


def _device_of(array):
    i = array.device.id
    d = _devices.get(i)
    if d is None:
        from ember._device import device

        d = _devices[i] = device("cuda", i)
    return d


def guard(array):
    """A context making ``array``'s GPU current, or a no-op when it already is."""
    cupy = _cupy
    i = array.device.id
    if i == cupy.cuda.runtime.getDevice():
        return contextlib.nullcontext()
    return cupy.cuda.Device(i)


class _OnDevice:
    """A CuPy-like namespace whose functions run with one device made current."""

    def __init__(self, module, index):
        self._module = module
        self._index = index

    def __getattr__(self, name):
        attr = getattr(self._module, name)
        if isinstance(attr, types.ModuleType):
            wrapped = _OnDevice(attr, self._index)
        elif isinstance(attr, type) or not callable(attr):
            return attr  # dtypes, array types, constants
        else:
            wrapped = _on_device(attr, self._index, _cupy)
        setattr(self, name, wrapped)
        return wrapped


def _on_device(fn, index, cupy):
    def call(*args, **kwargs):
        with cupy.cuda.Device(index):
            return fn(*args, **kwargs)

    call.__name__ = getattr(fn, "__name__", "call")
    call.__doc__ = getattr(fn, "__doc__", None)
    return call


def set_tf32(allow):
    """Let CuPy's float32 GEMMs use TF32 tensor cores (``backends.cuda.matmul.allow_tf32``)."""
    global _allow_tf32
    _allow_tf32 = bool(allow)
    if _cupy is None or device_count() == 0:
        return  # applied when CuPy is first used
    try:
        from cupy._core import _routines_linalg as linalg  # CuPy's compute-type switch
    except ImportError:  # a CuPy without it: the flag is kept, GEMMs use CuPy's default
        return

    kind = linalg.COMPUTE_TYPE_TF32 if allow else linalg.COMPUTE_TYPE_DEFAULT
    try:
        major = int(_cupy.cuda.Device().compute_capability) // 10
    except Exception:  # noqa: BLE001 - no current device: nothing to configure
        return
    if allow and major < 8:
        return  # TF32 needs Ampere or newer; CuPy would warn and fall back
    linalg.set_compute_type(np.float32, kind)
