"""CUDA memory counters, read from CuPy's memory pool (0 without CUDA, as in PyTorch).

Note [peak memory]
CuPy's pool counts the bytes in use but keeps no peak. ember tracks the peak with a CuPy
memory hook installed by the first call of ``max_memory_allocated`` or
``reset_peak_memory_stats`` (in the calling thread, where CuPy's hooks live); before that the
peak is the current use. Differences from PyTorch: the peak counts from that first call.
"""

from ember._backend import _cuda

__all__ = [
    "memory_allocated",
    "max_memory_allocated",
    "memory_reserved",
    "max_memory_reserved",
    "empty_cache",
    "reset_peak_memory_stats",
]

_hook = None  # the peak-tracking memory hook, once installed


def _pool_bytes(device, which):
    if not _cuda.is_available():
        return 0
    from ember.cuda import _index

    cupy = _cuda.lazy_init()
    with cupy.cuda.Device(_index(device)):
        pool = cupy.get_default_memory_pool()
        return int(pool.used_bytes() if which == "used" else pool.total_bytes())


def memory_allocated(device=None):
    """Bytes of GPU memory held by tensors on ``device``."""
    return _pool_bytes(device, "used")


def memory_reserved(device=None):
    """Bytes of GPU memory held by the caching allocator (CuPy's pool) on ``device``."""
    return _pool_bytes(device, "total")


def _peak_hook():
    global _hook
    if _hook is None:
        cupy = _cuda.lazy_init()

        class _PeakHook(cupy.cuda.MemoryHook):
            name = "EmberPeakHook"

            def __init__(self):
                self.peak = {}
                self.peak_reserved = {}

            def malloc_postprocess(self, **kwargs):
                device_id = kwargs["device_id"]
                pool = cupy.get_default_memory_pool()
                used = pool.used_bytes()
                if used > self.peak.get(device_id, 0):
                    self.peak[device_id] = used
                total = pool.total_bytes()
                if total > self.peak_reserved.get(device_id, 0):
                    self.peak_reserved[device_id] = total

        _hook = _PeakHook()
        _hook.__enter__()  # stays installed for the life of the process
    return _hook


def max_memory_allocated(device=None):
    """The peak of ``memory_allocated`` (see Note [peak memory])."""
    if not _cuda.is_available():
        return 0
    from ember.cuda import _index

    hook = _peak_hook()
    return max(hook.peak.get(_index(device), 0), memory_allocated(device))


def max_memory_reserved(device=None):
    """The peak of ``memory_reserved`` (see Note [peak memory])."""
    if not _cuda.is_available():
        return 0
    from ember.cuda import _index

    hook = _peak_hook()
    return max(hook.peak_reserved.get(_index(device), 0), memory_reserved(device))


def reset_peak_memory_stats(device=None):
    """Restart the peaks from the current use."""
    if not _cuda.is_available():
        return
    from ember.cuda import _index

    hook = _peak_hook()
    index = _index(device)
    hook.peak[index] = memory_allocated(device)
    hook.peak_reserved[index] = memory_reserved(device)


def empty_cache():
    """Return the cached, unused GPU memory of CuPy's pools to the driver."""
    if _cuda._cupy is None or not _cuda.is_available():
        return
    cupy = _cuda._cupy
    cupy.get_default_memory_pool().free_all_blocks()
    cupy.get_default_pinned_memory_pool().free_all_blocks()
