"""CUDA streams and events over CuPy's, as ``torch.cuda.Stream`` / ``torch.cuda.Event``."""

import contextlib

from ember._backend import _cuda

__all__ = ["Stream", "Event", "current_stream", "default_stream", "stream"]


class Stream:
    """A CUDA stream (work on it runs in order; streams run concurrently)."""

    def __init__(self, device=None, priority=0, *, _native=None):
        cupy = _cuda.lazy_init()
        if _native is not None:
            self._native = _native
            return
        from ember.cuda import device as _on

        with _on(device):
            self._native = cupy.cuda.Stream(non_blocking=False, priority=priority)

    @property
    def cuda_stream(self):
        """The raw ``cudaStream_t`` handle."""
        return self._native.ptr

    @property
    def device_index(self):
        """The index of the GPU the stream belongs to."""
        return self._native.device_id

    def query(self):
        """True when all work submitted to the stream has finished."""
        return self._native.done

    def synchronize(self):
        """Wait for all work on the stream to finish."""
        self._native.synchronize()

    def wait_event(self, event):
        """Make future work on this stream wait for ``event``."""
        self._native.wait_event(event._native)

    def wait_stream(self, stream):
        """Make future work on this stream wait for the work now queued on ``stream``."""
        self.wait_event(stream.record_event())

    def record_event(self, event=None):
        """Record ``event`` (a new one by default) on this stream; returns it."""
        event = event or Event()
        event.record(self)
        return event

    def __eq__(self, other):
        return isinstance(other, Stream) and self._native.ptr == other._native.ptr

    def __hash__(self):
        return hash(self._native.ptr)

    def __repr__(self):
        return (
            f"<ember.cuda.Stream device=cuda:{self.device_index} cuda_stream={self.cuda_stream:#x}>"
        )


class Event:
    """A CUDA event: a marker in a stream to wait on or time against."""

    def __init__(self, enable_timing=False, blocking=False, interprocess=False):
        cupy = _cuda.lazy_init()
        self._native = cupy.cuda.Event(
            block=blocking, disable_timing=not enable_timing, interprocess=interprocess
        )

    def record(self, stream=None):
        """Record the event on ``stream`` (the current stream by default)."""
        self._native.record(None if stream is None else stream._native)

    def wait(self, stream=None):
        """Make ``stream`` (the current one by default) wait for this event."""
        (stream or current_stream()).wait_event(self)

    def query(self):
        """True when the work recorded before the event has finished."""
        return self._native.done

    def synchronize(self):
        """Wait for the work recorded before the event to finish."""
        self._native.synchronize()

    def elapsed_time(self, end_event):
        """Milliseconds between this event and ``end_event`` (both recorded, with timing)."""
        cupy = _cuda.lazy_init()
        return float(cupy.cuda.get_elapsed_time(self._native, end_event._native))

    def __repr__(self):
        return f"<ember.cuda.Event {self._native.ptr:#x}>"


def current_stream(device=None):
    """The current stream of a CUDA device."""
    cupy = _cuda.lazy_init()
    from ember.cuda import device as _on

    with _on(device):
        return Stream(_native=cupy.cuda.get_current_stream())


def default_stream(device=None):
    """The default (null) stream of a CUDA device."""
    cupy = _cuda.lazy_init()
    return Stream(_native=cupy.cuda.Stream.null)


@contextlib.contextmanager
def stream(stream):
    """Make ``stream`` current inside the block (``None``: no change)."""
    if stream is None:
        yield
        return
    with stream._native:
        yield
