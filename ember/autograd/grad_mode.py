"""Grad modes: whether ops record the graph, per thread, read by ``Op.apply`` on every op.

Note [thread-local grad mode]
As in PyTorch, grad mode and inference mode belong to the thread that sets them: a backward
(which turns recording off while it runs), a ``no_grad`` block or ``nn.Linear.__init__`` in one
thread never changes what another thread records, and a new thread starts with recording on.
``GRAD`` is one ``threading.local`` instance whose class attributes are every thread's starting
values, so reading ``GRAD.enabled`` stays one attribute lookup (bench/core.py: the same per-op
time as the process-wide object it replaced, within the machine's noise).
Anomaly detection is process-wide in PyTorch, and so here: its two flags are set on the class
(``_set_anomaly``), never on the instance, so every thread reads the same values.
"""

import functools
import inspect
import threading
import warnings

__all__ = [
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "inference_mode",
    "is_grad_enabled",
    "is_inference_mode_enabled",
]


class _GradState(threading.local):
    """Per-thread autograd switches; the class attributes are a new thread's values."""

    enabled = True
    inference = False
    anomaly = False  # process-wide: set only through _set_anomaly
    anomaly_check_nan = True  # process-wide: set only through _set_anomaly


GRAD = _GradState()


def _set_anomaly(enabled, check_nan):
    """Set anomaly detection for every thread, as PyTorch's process-wide switch."""
    _GradState.anomaly = enabled
    _GradState.anomaly_check_nan = check_nan


def is_grad_enabled():
    """Whether operations record the autograd graph in this thread."""
    return GRAD.enabled


def is_inference_mode_enabled():
    """Whether an ``inference_mode`` block is active in this thread."""
    return GRAD.inference


def _wrap_generator(make_mode, gen_fn):
    """A generator function whose body runs in a fresh mode at each step, as PyTorch's: the
    caller's mode is back in force whenever the generator is suspended at a ``yield``."""

    @functools.wraps(gen_fn)
    def generator(*args, **kwargs):
        gen = gen_fn(*args, **kwargs)
        try:
            with make_mode():
                response = gen.send(None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    with make_mode():
                        gen.close()
                    raise
                except BaseException as exc:  # noqa: BLE001 - forwarded into the generator
                    with make_mode():
                        response = gen.throw(exc)
                else:
                    with make_mode():
                        response = gen.send(request)
        except StopIteration as stop:
            return stop.value

    return generator


class _Mode:
    """Base of the grad-mode context managers; each also decorates functions and generators
    (every call runs in a fresh copy of the mode, see ``clone``)."""

    _enable = True

    def __enter__(self):
        self._prev = GRAD.enabled
        GRAD.enabled = self._enable

    def __exit__(self, *exc):
        GRAD.enabled = self._prev
        return False

    def __call__(self, fn):
        if inspect.isclass(fn):
            warnings.warn(
                "Decorating classes is deprecated and will be disabled in future versions. You "
                "should only decorate functions or methods. To preserve the current behavior of "
                "class decoration, you can directly decorate the `__init__` method and nothing "
                "else.",
                FutureWarning,
                stacklevel=2,
            )
        if inspect.isgeneratorfunction(fn):
            return _wrap_generator(self.clone, fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)

        return wrapper

    def clone(self):
        """A fresh, unentered copy of this mode (what each decorated call enters)."""
        return type(self)()


class _BareDecoratorMode(_Mode):
    # ``@no_grad`` without parentheses: the class is called with the function, and returns
    # the decorated function, as PyTorch's ``_NoParamDecoratorContextManager``.
    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


class no_grad(_BareDecoratorMode):
    """Context manager and decorator (``@no_grad`` or ``@no_grad()``) that turns graph
    recording off in this thread."""

    _enable = False


class enable_grad(_BareDecoratorMode):
    """Context manager and decorator (``@enable_grad`` or ``@enable_grad()``) that turns
    graph recording on in this thread."""

    _enable = True


class set_grad_enabled(_Mode):
    """Set grad mode on or off in this thread; works as a function, a context manager or a
    decorator."""

    def __init__(self, mode):
        self._enable = bool(mode)
        self._prev = GRAD.enabled
        GRAD.enabled = self._enable

    def __enter__(self):
        pass

    def __call__(self, fn):
        # Used as a decorator, the constructor's switch applies only inside the function.
        GRAD.enabled = self._prev
        return super().__call__(fn)

    def __repr__(self):
        return f"ember.autograd.grad_mode.set_grad_enabled(mode={self._enable})"

    def clone(self):
        """A fresh copy (switching the mode, as constructing one does)."""
        return type(self)(self._enable)


class inference_mode(_Mode):
    """Context manager and decorator (``@inference_mode``, ``@inference_mode()`` or
    ``@inference_mode(False)``) for inference code: recording is off in this thread.

    ``inference_mode(False)`` turns recording back on, even inside ``no_grad``, as PyTorch's.

    Differences from PyTorch: tensors made inside are ordinary tensors (no inference-tensor
    restrictions); the mode only turns recording off.
    """

    def __new__(cls, mode=True):
        if isinstance(mode, bool):
            return super().__new__(cls)
        return cls()(mode)  # bare ``@inference_mode``: ``mode`` is the function

    def __init__(self, mode=True):
        self._mode = mode

    def __enter__(self):
        self._prev = GRAD.enabled
        self._prev_inference = GRAD.inference
        GRAD.enabled = not self._mode
        GRAD.inference = self._mode

    def __exit__(self, *exc):
        GRAD.enabled = self._prev
        GRAD.inference = self._prev_inference
        return False

    def clone(self):
        """A fresh, unentered copy of this mode."""
        return type(self)(self._mode)
