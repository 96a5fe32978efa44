"""DLPack exchange, as ``torch.utils.dlpack``: zero-copy to and from NumPy, CuPy, PyTorch..."""

import numpy as np

from ember._backend import _cuda
from ember._tensor import Tensor, make_tensor

__all__ = ["from_dlpack", "to_dlpack"]

# DLPack device codes (dlpack.h: DLDeviceType).
_CPU_CODES = (1, 3)  # kDLCPU, kDLCUDAHost (pinned host memory)
_CUDA_CODES = (2, 13)  # kDLCUDA, kDLCUDAManaged


class _Capsule:
    """A legacy DLPack capsule presented through the protocol that ``from_dlpack`` reads."""

    def __init__(self, capsule):
        self._capsule = capsule

    def __dlpack__(self, *args, **kwargs):
        return self._capsule

    def __dlpack_device__(self):
        return (1, 0)


def from_dlpack(ext_tensor):
    """A tensor sharing memory with ``ext_tensor`` (an object with ``__dlpack__``, or a legacy
    DLPack capsule): NumPy arrays for host memory, CuPy arrays for CUDA memory."""
    if isinstance(ext_tensor, Tensor):
        return make_tensor(ext_tensor._data)
    if not hasattr(ext_tensor, "__dlpack__"):
        return _from_capsule(ext_tensor)
    code, _ = ext_tensor.__dlpack_device__()
    code = int(code)
    if code in _CPU_CODES:
        return make_tensor(np.from_dlpack(ext_tensor))
    if code in _CUDA_CODES:
        return make_tensor(_cuda.cupy_module().from_dlpack(ext_tensor))
    raise RuntimeError(f"from_dlpack: unsupported DLPack device type {code} (ember has cpu, cuda)")


def _from_capsule(capsule):
    # A bare capsule does not say where its memory lives: host first, then CUDA.
    try:
        return make_tensor(np.from_dlpack(_Capsule(capsule)))
    except BufferError:
        if not _cuda.is_available():
            raise
    return make_tensor(_cuda.cupy_module().from_dlpack(capsule))


def to_dlpack(tensor):
    """A DLPack capsule sharing ``tensor``'s memory (consumed once by ``from_dlpack``)."""
    return tensor.__dlpack__()
