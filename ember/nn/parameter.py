"""Parameter and Buffer: the tensors a Module registers when they are assigned as attributes."""

from ember import _dtype
from ember._backend import array_module
from ember._device import as_device
from ember._tensor import Tensor, make_tensor

__all__ = ["Parameter", "Buffer", "UninitializedParameter"]


def _alias(data, requires_grad, cls):
    """A ``cls`` tensor sharing ``data``'s memory and version counter, outside the graph."""
    if data is None:
        t = make_tensor(as_device(None).xp.empty((0,), _dtype.get_default_dtype().np), cls=cls)
    else:
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter data must be a Tensor, got {type(data).__name__}")
        t = make_tensor(data._data, cls=cls)
        t._version = data._version
    if requires_grad:
        t.requires_grad_(True)
    return t


class Parameter(Tensor):
    """A Tensor that a Module registers as a parameter, as ``torch.nn.Parameter``."""

    def __new__(cls, data=None, requires_grad=True):
        return _alias(data, requires_grad, cls)

    def __init__(self, data=None, requires_grad=True):
        pass  # everything happens in __new__; Tensor.__init__ is the legacy constructor

    def __repr__(self):
        return "Parameter containing:\n" + Tensor.__repr__(self)

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self._data, self._requires_grad))


def _rebuild_parameter(array, requires_grad):
    return make_tensor(array, requires_grad, cls=Parameter)


class UninitializedParameter(Parameter):
    """A parameter whose shape is not known yet (lazy modules); ``materialize`` gives it one."""

    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        dt = (_dtype.as_dtype(dtype) or _dtype.get_default_dtype()).np
        t = make_tensor(as_device(device).xp.empty((0,), dt), cls=cls)
        t._requires_grad = requires_grad
        return t

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass

    def __repr__(self):
        return "<UninitializedParameter>"

    def materialize(self, shape, device=None, dtype=None):
        """Allocate (uninitialised) memory of ``shape`` and become a plain Parameter."""
        dt = _dtype.as_dtype(dtype).np if dtype is not None else self._data.dtype
        # Where it was declared unless told otherwise (LazyLinear(..., device=...)).
        xp = as_device(device).xp if device is not None else array_module(self._data)
        self._data = xp.empty(tuple(shape), dt)
        self.__class__ = self.cls_to_become

    def __reduce_ex__(self, protocol):
        return (UninitializedParameter, (self._requires_grad,))


class _BufferMeta(type):
    # ``isinstance(t, Buffer)`` is true for any tensor flagged as a buffer, as in PyTorch,
    # where ``Buffer(...)`` returns a plain Tensor carrying the flag.
    def __instancecheck__(cls, instance):
        if cls is Buffer and isinstance(instance, Tensor):
            return bool(instance.__dict__.get("_is_buffer", False))
        return super().__instancecheck__(instance)


class Buffer(Tensor, metaclass=_BufferMeta):
    """A tensor a Module registers as a buffer when assigned, as ``torch.nn.Buffer``."""

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = make_tensor(as_device(None).xp.empty((0,), _dtype.get_default_dtype().np))
        t = make_tensor(data._data)
        t._version = data._version
        if data._requires_grad:
            t.requires_grad_(True)
        t.persistent = persistent
        t._is_buffer = True
        return t
