"""Grad modes: whether ops record the graph. One global switch, read by ``Op.apply``."""

import functools

__all__ = [
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "inference_mode",
    "is_grad_enabled",
    "is_inference_mode_enabled",
]


class _GradState:
    __slots__ = ("enabled", "inference", "anomaly", "anomaly_check_nan")

    def __init__(self):
        self.enabled = True
        self.inference = False
        self.anomaly = False
        self.anomaly_check_nan = True


GRAD = _GradState()


def is_grad_enabled():
    """Whether operations record the autograd graph."""
    return GRAD.enabled


def is_inference_mode_enabled():
    """Whether an ``inference_mode`` block is active."""
    return GRAD.inference


class _Mode:
    """Base of the grad-mode context managers; each also works as a function decorator."""

    _enable = True

    def __enter__(self):
        self._prev = GRAD.enabled
        GRAD.enabled = self._enable

    def __exit__(self, *exc):
        GRAD.enabled = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)

        return wrapper

    def clone(self):
        return type(self)()


class no_grad(_Mode):
    """Context manager and decorator that turns graph recording off."""

    _enable = False


class enable_grad(_Mode):
    """Context manager and decorator that turns graph recording on."""

    _enable = True


class set_grad_enabled(_Mode):
    """Set grad mode on or off; works as a function, a context manager or a decorator."""

    def __init__(self, mode):
        self._enable = bool(mode)
        self._prev = GRAD.enabled
        GRAD.enabled = self._enable

    def __enter__(self):
        pass

    def clone(self):
        return type(self)(self._enable)


class inference_mode(_Mode):
    """Like ``no_grad``, for inference code.

    Differences from PyTorch: tensors made inside are ordinary tensors (no inference-tensor
    restrictions); the mode only turns recording off.
    """

    def __init__(self, mode=True):
        self._enable = not mode
        self._mode = mode

    def __enter__(self):
        self._prev = GRAD.enabled
        self._prev_inference = GRAD.inference
        GRAD.enabled = self._enable and GRAD.enabled
        GRAD.inference = self._mode

    def __exit__(self, *exc):
        GRAD.enabled = self._prev
        GRAD.inference = self._prev_inference
        return False

    def clone(self):
        return type(self)(self._mode)
