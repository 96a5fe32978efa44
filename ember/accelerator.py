"""``ember.accelerator``: the current accelerator (CUDA when available), as
``torch.accelerator``."""

from ember._backend import _cuda
from ember._device import device

__all__ = [
    "is_available",
    "current_accelerator",
    "device_count",
    "current_device_index",
    "set_device_index",
    "synchronize",
]


def is_available():
    """True when an accelerator (a CUDA GPU through CuPy) is available."""
    return _cuda.is_available()


def current_accelerator(check_available=False):
    """``device('cuda')`` when CUDA is available, else None."""
    if _cuda.is_available():
        return device("cuda")
    return None


def device_count():
    """The number of accelerator devices (0 without one)."""
    return _cuda.device_count()


def _require():
    if not _cuda.is_available():
        raise RuntimeError("Cannot access accelerator device when none is available.")


def current_device_index():
    """The index of the current accelerator device."""
    _require()
    return _cuda.current_device()


def set_device_index(device):
    """Make accelerator ``device`` current."""
    _require()
    from ember import cuda

    cuda.set_device(device)


def synchronize(device=None):
    """Wait for all work on the accelerator to finish."""
    _require()
    from ember import cuda

    cuda.synchronize(device)
