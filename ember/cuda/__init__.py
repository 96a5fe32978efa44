"""``ember.cuda``: CUDA devices through CuPy, as ``torch.cuda``.

Everything here is quiet without CuPy or a GPU where PyTorch is (``is_available()`` is False,
``device_count()`` is 0, the memory counters are 0); the calls that need a GPU raise
PyTorch's errors: AssertionError without CuPy ("not compiled with CUDA enabled"),
RuntimeError without a GPU.
"""

from ember._backend import _cuda
from ember._device import device as _device
from ember.cuda.memory import (
    empty_cache,
    max_memory_allocated,
    max_memory_reserved,
    memory_allocated,
    memory_reserved,
    reset_peak_memory_stats,
)
from ember.cuda.streams import Event, Stream, current_stream, default_stream, stream

__all__ = [
    "is_available",
    "is_initialized",
    "init",
    "device_count",
    "current_device",
    "set_device",
    "device",
    "device_of",
    "get_device_name",
    "get_device_properties",
    "get_device_capability",
    "synchronize",
    "memory_allocated",
    "max_memory_allocated",
    "memory_reserved",
    "max_memory_reserved",
    "empty_cache",
    "reset_peak_memory_stats",
    "manual_seed",
    "manual_seed_all",
    "seed",
    "seed_all",
    "Stream",
    "Event",
    "current_stream",
    "default_stream",
    "stream",
    "is_bf16_supported",
]


def is_available():
    """True when CuPy is installed and sees a GPU; never raises."""
    return _cuda.is_available()


def device_count():
    """The number of visible GPUs (0 without CuPy or a GPU)."""
    return _cuda.device_count()


def is_initialized():
    """True once CUDA has been used in this process."""
    return _cuda._cupy is not None and _cuda.device_count() > 0


def init():
    """Initialise CUDA now (it is otherwise initialised on first use)."""
    _cuda.lazy_init()


def _index(device):
    """The CUDA device index that ``device`` (None, int, str, device) names."""
    if device is None:
        return _cuda.current_device()
    if isinstance(device, int) and not isinstance(device, bool):
        return device
    d = _device(device)
    if d.type != "cuda":
        raise ValueError(f"Expected a cuda device, but got: {d}")
    return _cuda.current_device() if d.index is None else d.index


def current_device():
    """The index of the current CUDA device."""
    return _cuda.current_device()


def set_device(device):
    """Make ``device`` the current CUDA device (a negative index is a no-op, as in PyTorch)."""
    index = _index(device)
    if index >= 0:
        cupy = _cuda.lazy_init()
        _cuda.check_index(index)
        cupy.cuda.Device(index).use()


class device:
    """Context manager that makes a CUDA device current, as ``torch.cuda.device``."""

    def __init__(self, device):
        self.idx = -1 if device is None else _index(device)
        self.prev_idx = -1

    def __enter__(self):
        if self.idx >= 0:
            self.prev_idx = current_device()
            if self.prev_idx != self.idx:
                set_device(self.idx)
        return self

    def __exit__(self, *exc):
        if self.idx >= 0 and self.prev_idx != self.idx:
            set_device(self.prev_idx)
        return False


class device_of(device):
    """Context manager that makes the device of tensor ``obj`` current (no-op on the CPU)."""

    def __init__(self, obj):
        super().__init__(obj.get_device() if obj.is_cuda else None)


def synchronize(device=None):
    """Wait for all work on a CUDA device to finish."""
    cupy = _cuda.lazy_init()
    with cupy.cuda.Device(_index(device)):
        cupy.cuda.runtime.deviceSynchronize()


class _CudaDeviceProperties:
    """What ``get_device_properties`` returns: name, memory, capability, SM count."""

    def __init__(self, props):
        name = props["name"]
        self.name = name.decode() if isinstance(name, bytes) else str(name)
        self.total_memory = int(props["totalGlobalMem"])
        self.major = int(props["major"])
        self.minor = int(props["minor"])
        self.multi_processor_count = int(props["multiProcessorCount"])
        self.is_integrated = bool(props.get("integrated", 0))
        self.is_multi_gpu_board = bool(props.get("isMultiGpuBoard", 0))

    def __repr__(self):
        return (
            f"_CudaDeviceProperties(name='{self.name}', major={self.major}, minor={self.minor}, "
            f"total_memory={self.total_memory // (1024 * 1024)}MB, "
            f"multi_processor_count={self.multi_processor_count})"
        )


def get_device_properties(device=None):
    """Name, total memory, compute capability and multiprocessor count of a CUDA device."""
    cupy = _cuda.lazy_init()
    index = _index(device)
    _cuda.check_index(index)
    return _CudaDeviceProperties(cupy.cuda.runtime.getDeviceProperties(index))


def get_device_name(device=None):
    """The name of a CUDA device."""
    return get_device_properties(device).name


def get_device_capability(device=None):
    """The ``(major, minor)`` compute capability of a CUDA device."""
    props = get_device_properties(device)
    return props.major, props.minor


def manual_seed(seed):
    """Seed CUDA's random numbers: a no-op, as PyTorch's is without CUDA.

    Differences from PyTorch: ember draws device random numbers from the host generator that
    ``ember.manual_seed`` seeds (see Note [random on devices] in ember/ops/random.py), so there
    is no separate CUDA generator to seed.
    """


def manual_seed_all(seed):
    """Seed the random numbers of every GPU: a no-op (see ``manual_seed``)."""


def seed():
    """Seed CUDA's random numbers randomly: a no-op (see ``manual_seed``)."""


def seed_all():
    """Seed every GPU's random numbers randomly: a no-op (see ``manual_seed``)."""


def is_bf16_supported(including_emulation=True):
    """True when the current GPU computes in bfloat16 (compute capability 8.0 or newer) and
    CuPy accepts the bfloat16 dtype; False without CUDA."""
    if not is_available():
        return False
    if get_device_capability()[0] < 8:
        return False
    try:
        import ml_dtypes

        _cuda.cupy_module().zeros(1, dtype=ml_dtypes.bfloat16)
    except Exception:  # noqa: BLE001 - CuPy without bfloat16 support raises a TypeError or more
        return False
    return True
