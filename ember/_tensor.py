"""Tensor: one backend array plus autograd state; dunders and conversions.

Op-named methods (``exp``, ``sum``, ``view``...) are installed by ``ember.ops`` from each op
family's ``TENSOR_METHODS``; Python operators reach the ops through ``_ops``, a module
reference bound when the package is imported, so this module never imports ``ops``.
"""

import builtins
import warnings
import weakref

import numpy as np

from ember import _dtype
from ember._backend import canonical_device, device_of, to_device, to_host
from ember._device import CPU, as_device
from ember._device import device as _device_cls

__all__ = [
    "Tensor",
    "Size",
    "make_tensor",
    "FloatTensor",
    "DoubleTensor",
    "HalfTensor",
    "BFloat16Tensor",
    "LongTensor",
    "IntTensor",
    "ShortTensor",
    "CharTensor",
    "ByteTensor",
    "BoolTensor",
]

_ops = None  # ember.ops, bound by ember/ops/__init__.py


class Size(tuple):
    """The shape of a tensor: a tuple of ints, as ``torch.Size``."""

    def __repr__(self):
        return f"ember.Size({list(self)})"

    def numel(self):
        """The number of elements of a tensor of this shape (the product of the sizes)."""
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, key):
        result = tuple.__getitem__(self, key)
        return Size(result) if isinstance(key, slice) else result

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __radd__(self, other):
        return Size(tuple.__add__(tuple(other), self))

    def __reduce__(self):
        return (Size, (tuple(self),))


class _Version:
    """The version counter shared by a tensor and its views; in-place ops bump it."""

    __slots__ = ("value",)

    def __init__(self):
        self.value = 0


_new = object.__new__


def make_tensor(array, requires_grad=False, grad_fn=None, output_nr=0, cls=None):
    """Wrap a backend array without copying (the internal constructor used by every op)."""
    t = _new(cls or Tensor)
    t._data = array
    t._requires_grad = requires_grad
    t._grad_fn = grad_fn
    if output_nr:
        t._output_nr = output_nr
    return t


def _rebuild(cls, array, requires_grad):
    return make_tensor(array, requires_grad, cls=cls)


def _rebuild_on_device(cls, array, device_name, requires_grad):
    """Unpickle a device tensor: its values travel in host memory, it comes back on its
    device."""
    return make_tensor(
        to_device(array, canonical_device(_device_cls(device_name))), requires_grad, cls=cls
    )


def _address(a):
    """The address of array ``a``'s first element (CuPy: the device pointer)."""
    if isinstance(a, np.ndarray):
        return a.__array_interface__["data"][0]
    return a.data.ptr


def _numpy_operands(tensor, array):
    """``tensor`` and NumPy ``array`` as two tensors of NumPy's result dtype, for an operator
    with an array operand (Note [NumPy operands] in ember/autograd/function.py)."""
    from ember.autograd.function import numpy_operands

    a, b = numpy_operands((tensor, array), None, None)
    return make_tensor(a), make_tensor(b)


def _legacy_array(args, np_dtype, device, name):
    """The array of a legacy constructor call (``Tensor(2, 3)``, ``FloatTensor([1, 2])``):
    sizes give an uninitialised array, one sequence (or tensor) gives its values."""
    if device is not None and as_device(device).type != "cpu":
        raise RuntimeError(
            f"legacy constructor expects device type: cpu but device type: "
            f"{as_device(device).type} was passed"
        )
    if len(args) == 1 and not isinstance(args[0], (builtins.int, np.integer, Size)):
        src = args[0]
        if isinstance(src, Tensor):
            if src._data.dtype != np_dtype:
                raise TypeError(
                    f"{name}(): expected a tensor of dtype {_dtype._FROM_NP[np_dtype]} (got "
                    f"{src.dtype})"
                )
            return src._data  # an alias, as PyTorch's
        if isinstance(src, (builtins.float, builtins.bool, builtins.complex)):
            raise TypeError(f"new(): data must be a sequence (got {type(src).__name__})")
        return np.array(src, dtype=np_dtype)
    sizes = args[0] if len(args) == 1 and isinstance(args[0], Size) else args
    if not sizes:
        return np.empty((0,), dtype=np_dtype)
    return np.empty(tuple(builtins.int(s) for s in sizes), dtype=np_dtype)


_NON_LEAF_GRAD = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
    "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
    "instead. See github.com/pytorch/pytorch/pull/30531 for more information."
)

_HOST_ONLY = (
    "can't convert {} device type tensor to numpy. Use Tensor.cpu() to copy the tensor to host "
    "memory first."
)


class Tensor:
    """A multi-dimensional array with autograd, as ``torch.Tensor``."""

    # Note [lean tensors]: only the attributes every tensor needs are slots set at creation;
    # rarer ones are class-level defaults, stored in the instance's __dict__ when first set.
    # Creating a tensor is on the hot path of every op.
    __slots__ = ("_data", "_requires_grad", "_grad_fn", "__weakref__", "__dict__")
    _grad = None
    _output_nr = 0
    _base = None  # the tensor whose memory a view shares
    _accumulator = None  # a leaf's AccumulateGrad node, created on first use
    _ver = None
    # NumPy defers binary operators with a Tensor to the Tensor's reflected dunders.
    __array_ufunc__ = None
    is_sparse = False
    is_sparse_csr = False
    is_quantized = False
    is_meta = False
    is_mkldnn = False
    # Devices ember has no backend for: a tensor is never on them.
    is_xpu = is_mps = is_xla = is_ipu = is_mtia = is_maia = is_vulkan = False
    layout = "strided"

    def __init__(self, *args, device=None):
        """Legacy constructor: ``Tensor(sequence)`` or ``Tensor(*sizes)``, default dtype."""
        target = as_device(device)
        dt = _dtype.get_default_dtype().np
        if len(args) == 1 and isinstance(args[0], Tensor):
            src = args[0]
            array = np.array(to_host(src._data), dtype=dt)
        else:
            array = _legacy_array(args, dt, None, "Tensor")
        if target is not CPU:
            array = to_device(array, canonical_device(target))
        self._data = array
        self._requires_grad = False
        self._grad_fn = None

    # ---- metadata -------------------------------------------------------------------------

    @property
    def shape(self):
        """The size of every dim, as an ``ember.Size`` (the same as ``size()``)."""
        return Size(self._data.shape)

    def size(self, dim=None):
        """The shape as an ``ember.Size``, or the size of dim ``dim`` (negative dims count from
        the end).
        """
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[self._wrap_dim(dim)]

    @property
    def dtype(self):
        """The element type, an ``ember.dtype`` such as ``ember.float32``."""
        return _dtype._FROM_NP[self._data.dtype]

    @property
    def device(self):
        """The device this tensor's array lives on (from the array's type)."""
        a = self._data
        return CPU if type(a) is np.ndarray else device_of(a)

    @property
    def is_cuda(self):
        """Whether the tensor is on a CUDA device."""
        return type(self._data) is not np.ndarray and self.device.type == "cuda"

    @property
    def is_cpu(self):
        """Whether the tensor is in host memory."""
        return type(self._data) is np.ndarray or self.device.type == "cpu"

    @property
    def ndim(self):
        """The number of dims, as ``dim()``."""
        return self._data.ndim

    def dim(self):
        """The number of dims (``ndim``)."""
        return self._data.ndim

    ndimension = dim

    def numel(self):
        """The number of elements, the product of the shape; ``nelement`` is the same method."""
        return self._data.size

    nelement = numel

    def element_size(self):
        """The size of one element in bytes."""
        return self._data.itemsize

    @property
    def itemsize(self):
        """The size of one element in bytes, as ``element_size()``."""
        return self._data.itemsize

    @property
    def nbytes(self):
        """The bytes the elements take: ``numel() * element_size()``."""
        return self._data.nbytes

    def is_floating_point(self):
        """Whether the dtype is a floating type (float16, bfloat16, float32 or float64)."""
        return _dtype.is_floating_np(self._data.dtype)

    def is_complex(self):
        """False: ember has no complex dtypes."""
        return False

    def is_signed(self):
        """Whether the dtype holds negative numbers (all but bool and uint8)."""
        return self.dtype.is_signed

    def stride(self, dim=None):
        """The step, in elements, between neighbours along each dim (a tuple), or along ``dim``."""
        strides = tuple(s // self._data.itemsize for s in self._data.strides)
        return strides if dim is None else strides[self._wrap_dim(dim)]

    def is_contiguous(self, memory_format=None):
        """Whether the elements lie in row-major order without gaps.

        Differences from PyTorch: ``memory_format`` is accepted and ignored (ember tensors have
        no channels-last layout).
        """
        return self._data.flags.c_contiguous

    def data_ptr(self):
        """The address of the first element (a device pointer for CUDA tensors)."""
        return _address(self._data)

    def storage_offset(self):
        """Offset of the first element in the base array's memory, in elements."""
        kind = np.ndarray if isinstance(self._data, np.ndarray) else type(self._data)
        root = self._data
        while True:
            base = root.base
            if not isinstance(base, kind):
                # as_strided views hang off a helper object that holds the real base.
                base = getattr(base, "base", None)
                if not isinstance(base, kind):
                    break
            root = base
        return (self.data_ptr() - _address(root)) // self._data.itemsize

    def _wrap_dim(self, dim):
        n = self._data.ndim
        lo, hi = (-1, 0) if n == 0 else (-n, n - 1)
        if not lo <= dim <= hi:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {dim})"
            )
        return dim % n if n else 0

    def get_device(self):
        """The device index (-1 on the CPU), as ``Tensor.get_device``."""
        d = self.device
        return -1 if d.type == "cpu" else d.index

    # ---- autograd state -------------------------------------------------------------------

    @property
    def requires_grad(self):
        """Whether autograd records the ops on this tensor; settable on leaf tensors."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad=True):
        """Set whether autograd records operations on this (leaf) tensor; returns self."""
        requires_grad = bool(requires_grad)
        if self._grad_fn is not None:
            if requires_grad:
                return self
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
        if requires_grad and not self.is_floating_point():
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._requires_grad = requires_grad
        return self

    @property
    def grad(self):
        """The accumulated gradient (None until a backward reaches this tensor); reading it on
        a non-leaf tensor that does not retain its grad warns, as PyTorch does."""
        g = self._grad
        if g is None and self._grad_fn is not None and not self.retains_grad:
            warnings.warn(_NON_LEAF_GRAD, UserWarning, stacklevel=2)
        return g

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type "
                    f"{type(value).__name__}"
                )
            if value._data.shape != self._data.shape:
                raise RuntimeError("assigned grad has data of a different size")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError("assigned grad has data of a different type")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    def grad_fn(self):
        """The backward node of the op that made this tensor; None for a leaf."""
        return self._grad_fn

    @property
    def is_leaf(self):
        """True for a tensor without ``grad_fn``: made by the user, or with recording off."""
        return self._grad_fn is None

    @property
    def output_nr(self):
        """Which output of its ``grad_fn`` this tensor is (0 for single-output ops)."""
        return self._output_nr

    @property
    def _version(self):
        """The version counter (shared with views), created on first use."""
        v = self._ver
        if v is None:
            v = self._ver = _Version()
        return v

    @_version.setter
    def _version(self, counter):
        self._ver = counter

    @property
    def retains_grad(self):
        """Whether ``retain_grad()`` was called on this non-leaf tensor."""
        fn = self._grad_fn
        refs = fn.__dict__.get("_retain_grad", {}) if fn is not None else {}
        ref = refs.get(self._output_nr)
        return ref is not None and ref() is self

    def retain_grad(self):
        """Keep ``.grad`` for this non-leaf tensor after backward."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._grad_fn is not None:
            fn = self._grad_fn
            fn.__dict__.setdefault("_retain_grad", {})[self._output_nr] = weakref.ref(self)
            fn._has_hooks = True

    def register_hook(self, hook):
        """Register ``hook(grad) -> Tensor or None`` to run when this tensor's grad is computed."""
        from ember.autograd.function import _RemovableHandle, grad_accumulator

        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is None:
            acc = grad_accumulator(self)
            acc._has_hooks = True
            hooks = acc.tensor_hooks
        else:
            table = self._grad_fn.__dict__.setdefault("_tensor_hooks", {})
            hooks = table.setdefault(self._output_nr, [])
            self._grad_fn._has_hooks = True
        hooks.append(hook)
        return _RemovableHandle(hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Register ``hook(tensor)`` to run after a leaf's ``.grad`` is accumulated."""
        from ember.autograd.function import _RemovableHandle, grad_accumulator

        if self._grad_fn is not None:
            raise RuntimeError(
                "post accumulate grad hooks cannot be registered on non-leaf tensors"
            )
        acc = grad_accumulator(self)
        acc.post_accumulate_hooks.append(hook)
        return _RemovableHandle(acc.post_accumulate_hooks, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Compute the gradient of this tensor with respect to graph leaves."""
        from ember.autograd.engine import backward

        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self):
        """A new tensor sharing memory (and the version counter), outside the graph."""
        t = make_tensor(self._data)
        t._version = self._version
        return t

    def detach_(self):
        """Detach in place: drop ``grad_fn`` and ``requires_grad``, making this tensor a leaf.
        A view made by a recorded op cannot be detached in place (RuntimeError).
        """
        if self._base is not None and self._grad_fn is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self._grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self):
        """A detached tensor sharing memory, untracked by autograd, as PyTorch's ``.data``."""
        return make_tensor(self._data)

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, got {type(value).__name__}")
        self._data = value._data

    # ---- conversion -----------------------------------------------------------------------

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar"
            )
        return self._data.reshape(()).item()

    def tolist(self):
        """The elements as nested Python lists of Python numbers (a number for a 0-d tensor)."""
        return self._data.tolist()

    def numpy(self, *, force=False):
        """The NumPy array sharing this CPU tensor's memory (``force``: a host copy from any
        device, as PyTorch)."""
        a = self._data
        if type(a) is not np.ndarray and self.device.type != "cpu":
            if not force:
                raise TypeError(_HOST_ONLY.format(self.device))
            return to_host(a)
        if self._requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return a

    def __array__(self, dtype=None, copy=None):
        a = self._data
        if type(a) is not np.ndarray:
            if self.device.type != "cpu":
                raise TypeError(_HOST_ONLY.format(self.device))
            a = np.asarray(a)
        if dtype is not None and np.dtype(dtype) != a.dtype:
            return a.astype(dtype)
        return a.copy() if copy else a

    def __dlpack__(self, *args, **kwargs):
        """Export through DLPack (zero copy), as ``Tensor.__dlpack__``."""
        if self._requires_grad:
            raise BufferError("Can't export tensors that require gradient, use tensor.detach()")
        return self._data.__dlpack__(*args, **kwargs)

    def __dlpack_device__(self):
        """``(device type, index)`` in DLPack's codes: (1, 0) for the CPU, (2, N) for CUDA."""
        return self._data.__dlpack_device__()

    def to(self, *args, **kwargs):
        """Convert dtype and/or device: ``to(dtype)``, ``to(device, dtype)``, ``to(tensor)``.

        A move between devices is recorded (its gradient moves back); ``non_blocking`` is
        accepted and the copy is synchronous."""
        dtype = kwargs.pop("dtype", None)
        target = kwargs.pop("device", None)
        copy = kwargs.pop("copy", False)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        if kwargs:
            raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
        for a in args:
            if isinstance(a, Tensor):
                dtype = a.dtype
                target = a.device
            elif isinstance(a, (str, _device_cls)):
                target = a
            elif isinstance(a, builtins.bool):
                pass  # non_blocking passed positionally
            elif isinstance(a, builtins.int):
                target = a  # a CUDA device index, as in PyTorch
            elif a is not None:
                dtype = a
        dtype = _dtype.as_dtype(dtype)
        result = self
        if target is not None:
            target = canonical_device(as_device(target))
            if target != self.device:
                from ember.autograd.device_transfer import ToDevice

                result = ToDevice.apply(self, device=target)
        if dtype is not None and dtype.np != result._data.dtype:
            return _ops.to_dtype(result, dtype)
        if copy and result is self:
            return _ops.clone(self)
        return result

    def type(self, dtype=None, non_blocking=False, **kwargs):
        """Without ``dtype``, the type's name (``'torch.FloatTensor'``, on CUDA
        ``'torch.cuda.FloatTensor'``); else this tensor converted to ``dtype``: a dtype, a
        legacy type (``ember.DoubleTensor``) or its name (``'torch.DoubleTensor'``, which also
        sets the device); itself when nothing changes.

        The names say ``torch.``, as PyTorch's: programs compare them
        (``x.type() == 'torch.cuda.FloatTensor'``). ``'ember.FloatTensor'`` is accepted too.
        """
        if dtype is None:
            where = "" if self.is_cpu else f"{self.device.type}."
            return f"torch.{where}{_TYPE_NAMES[self.dtype]}"
        if isinstance(dtype, str):
            device, dtype = _parse_type_name(dtype)
            return self.to(device, dtype)
        if isinstance(dtype, _LegacyTensorType):
            return self.to("cpu", dtype.dtype)
        if not isinstance(dtype, (_dtype.dtype, builtins.type, np.dtype)):
            raise TypeError("dtype must be a type, str, or dtype object")
        return self.to(_dtype.as_dtype(dtype))

    def type_as(self, other):
        """This tensor cast to ``other``'s dtype."""
        return self.to(other.dtype)

    def float(self):
        """``self.to(ember.float32)``."""
        return self.to(_dtype.float32)

    def double(self):
        """``self.to(ember.float64)``."""
        return self.to(_dtype.float64)

    def half(self):
        """``self.to(ember.float16)``."""
        return self.to(_dtype.float16)

    def bfloat16(self):
        """``self.to(ember.bfloat16)``."""
        return self.to(_dtype.bfloat16)

    def long(self):
        """``self.to(ember.int64)``."""
        return self.to(_dtype.int64)

    def int(self):
        """``self.to(ember.int32)``."""
        return self.to(_dtype.int32)

    def short(self):
        """``self.to(ember.int16)``."""
        return self.to(_dtype.int16)

    def char(self):
        """``self.to(ember.int8)``."""
        return self.to(_dtype.int8)

    def byte(self):
        """``self.to(ember.uint8)``."""
        return self.to(_dtype.uint8)

    def bool(self):
        """``self.to(ember.bool)``."""
        return self.to(_dtype.bool)

    def cpu(self, memory_format=None):
        """This tensor on the CPU (itself when it is there)."""
        return self if type(self._data) is np.ndarray else self.to(CPU)

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        """This tensor on a CUDA device (the current one by default)."""
        if device is None:
            device = "cuda"
        elif isinstance(device, builtins.int):
            device = _device_cls("cuda", device)
        return self.to(device)

    def contiguous(self, memory_format=None):
        """This tensor if it is contiguous, else a contiguous copy (``memory_format`` is
        ignored).
        """
        return self if self._data.flags.c_contiguous else _ops.clone(self)

    # ---- Python protocols -----------------------------------------------------------------

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(_ops.unbind(self, 0))

    def __bool__(self):
        if self._data.size != 1:
            what = "no values" if self._data.size == 0 else "more than one value"
            raise RuntimeError(f"Boolean value of Tensor with {what} is ambiguous")
        return builtins.bool(self._data.reshape(()))

    def __int__(self):
        return builtins.int(self._scalar())

    def __float__(self):
        return builtins.float(self._scalar())

    def _scalar(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self._data.reshape(()).item()

    def __complex__(self):
        return complex(self.item())

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return builtins.int(self._data.reshape(()))

    def __format__(self, spec):
        if self._data.ndim == 0:
            return format(self.item(), spec)
        return object.__format__(self, spec)

    __hash__ = object.__hash__

    def __contains__(self, element):
        if not isinstance(element, (Tensor, builtins.int, builtins.float, builtins.bool)):
            raise RuntimeError(
                "Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
                f"{type(element)}."
            )
        return builtins.bool((self == element).any())

    def __repr__(self, *, tensor_contents=None):
        from ember._tensor_str import tensor_repr

        return tensor_repr(self)

    def __reduce_ex__(self, protocol):
        a = self._data
        if type(a) is not np.ndarray:
            host = to_host(a)
            return (_rebuild_on_device, (type(self), host, str(self.device), self._requires_grad))
        return (_rebuild, (type(self), a, self._requires_grad))

    def __deepcopy__(self, memo):
        if self._grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                "protocol at the moment.  If you were attempting to deepcopy a module, this may "
                "be because of a torch.nn.utils.weight_norm usage, see "
                "https://github.com/pytorch/pytorch/pull/103001"
            )
        if id(self) in memo:
            return memo[id(self)]
        new = make_tensor(self._data.copy(), self._requires_grad, cls=type(self))
        memo[id(self)] = new
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        for key, value in self.__dict__.items():
            if not key.startswith("_"):
                import copy

                new.__dict__[key] = copy.deepcopy(value, memo)
        return new

    # ---- operators (reach the ops through the bound module) -------------------------------
    # __add__, __sub__, __mul__, __truediv__ and __neg__ are installed by ember.ops._install,
    # which binds the ops themselves to save a call per arithmetic op.

    def __radd__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented  # PyTorch's TypeError (Note [NumPy operands])
        return _ops.add(other, self)

    def __iadd__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented  # ``t = t op array``, as PyTorch
        return _ops.add_(self, other)

    def __rsub__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented  # PyTorch's TypeError (Note [NumPy operands])
        return _ops.sub(other, self)

    def __isub__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented  # ``t = t op array``, as PyTorch
        return _ops.sub_(self, other)

    def __rmul__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented  # PyTorch's TypeError (Note [NumPy operands])
        return _ops.mul(other, self)

    def __imul__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented  # ``t = t op array``, as PyTorch
        return _ops.mul_(self, other)

    def __rtruediv__(self, other):
        if isinstance(other, np.ndarray):
            b, a = _numpy_operands(self, other)
            return _ops.div(a, b)
        return _ops.div(other, self)

    def __itruediv__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented  # ``t = t op array``, as PyTorch
        return _ops.div_(self, other)

    def __floordiv__(self, other):
        return _ops.floor_divide(self, other)

    def __rfloordiv__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented  # PyTorch's TypeError (Note [NumPy operands])
        return _ops.floor_divide(other, self)

    def __ifloordiv__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented  # ``t = t op array``, as PyTorch
        return _ops.floor_divide_(self, other)

    def __mod__(self, other):
        return _ops.remainder(self, other)

    def __rmod__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented  # PyTorch's TypeError (Note [NumPy operands])
        return _ops.remainder(other, self)

    def __imod__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented  # ``t = t op array``, as PyTorch
        return _ops.remainder_(self, other)

    def __pow__(self, other):
        return _ops.pow(self, other)

    def __rpow__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented  # PyTorch's TypeError (Note [NumPy operands])
        return _ops.pow(other, self)

    def __ipow__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented  # ``t = t op array``, as PyTorch
        return _ops.pow_(self, other)

    def __matmul__(self, other):
        if isinstance(other, np.ndarray):
            return _ops.matmul(*_numpy_operands(self, other))
        return _ops.matmul(self, other)

    def __rmatmul__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented  # PyTorch's TypeError (Note [NumPy operands])
        return _ops.matmul(other, self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _ops.abs(self)

    def __invert__(self):
        if self._data.dtype.kind not in "iub":
            raise TypeError(
                "~ (operator.invert) is only implemented on integer and Boolean-type tensors"
            )
        return _ops.bitwise_not(self)

    def __and__(self, other):
        return _ops.bitwise_and(self, other)

    def __rand__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented
        return _ops.bitwise_and(self, other)

    def __iand__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented  # ``t = t op array``, as PyTorch
        return _ops.bitwise_and_(self, other)

    def __or__(self, other):
        return _ops.bitwise_or(self, other)

    def __ror__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented
        return _ops.bitwise_or(self, other)

    def __ior__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented  # ``t = t op array``, as PyTorch
        return _ops.bitwise_or_(self, other)

    def __xor__(self, other):
        return _ops.bitwise_xor(self, other)

    def __rxor__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented
        return _ops.bitwise_xor(self, other)

    def __ixor__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented  # ``t = t op array``, as PyTorch
        return _ops.bitwise_xor_(self, other)

    def __lshift__(self, other):
        return _ops.bitwise_left_shift(self, other)

    def __rshift__(self, other):
        return _ops.bitwise_right_shift(self, other)

    def __ilshift__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented  # ``t = t op array``, as PyTorch
        return _ops.bitwise_left_shift_(self, other)

    def __irshift__(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented  # ``t = t op array``, as PyTorch
        return _ops.bitwise_right_shift_(self, other)

    def __eq__(self, other):
        return _ops.eq(self, other)

    def __ne__(self, other):
        return _ops.ne(self, other)

    def __lt__(self, other):
        return _ops.lt(self, other)

    def __le__(self, other):
        return _ops.le(self, other)

    def __gt__(self, other):
        return _ops.gt(self, other)

    def __ge__(self, other):
        return _ops.ge(self, other)

    def __getitem__(self, index):
        return _ops.getitem(self, index)

    def __setitem__(self, index, value):
        _ops.setitem(self, index, value)

    @property
    def T(self):
        """The dims in reverse order (a matrix's transpose). ``H`` is the same property: with no
        complex dtypes the conjugate transpose is the transpose.
        """
        return _ops.permute(self, tuple(range(self._data.ndim - 1, -1, -1)))

    @property
    def mT(self):
        """The last two dims swapped (each matrix of a batch transposed); ``mH`` is the same
        property, as ember has no complex dtypes.
        """
        if self._data.ndim < 2:
            raise RuntimeError(
                "tensor.mT is only supported on matrices or batches of matrices. Got "
                f"{self._data.ndim}-D tensor."
            )
        return _ops.transpose(self, -2, -1)

    H = T
    mH = mT

    @property
    def real(self):
        """The tensor itself: ember tensors are real."""
        return self

    @property
    def is_nested(self):
        """False: ember has no nested tensors."""
        return False


_TYPE_NAMES = {
    _dtype.float32: "FloatTensor",
    _dtype.float64: "DoubleTensor",
    _dtype.float16: "HalfTensor",
    _dtype.bfloat16: "BFloat16Tensor",
    _dtype.int64: "LongTensor",
    _dtype.int32: "IntTensor",
    _dtype.int16: "ShortTensor",
    _dtype.int8: "CharTensor",
    _dtype.uint8: "ByteTensor",
    _dtype.bool: "BoolTensor",
}
_TYPE_BY_NAME = {name: d for d, name in _TYPE_NAMES.items()}


def _parse_type_name(name):
    """``(device type, dtype)`` of a type name such as ``'torch.cuda.FloatTensor'``."""
    parts = name.split(".")
    ok = len(parts) in (2, 3) and parts[0] in ("torch", "ember") and parts[-1] in _TYPE_BY_NAME
    if not ok:
        raise ValueError(f"invalid type: '{name}'")
    return (parts[1] if len(parts) == 3 else "cpu"), _TYPE_BY_NAME[parts[-1]]


class _LegacyTensorType(builtins.type):
    """The class of ``ember.FloatTensor`` and its kin, PyTorch's legacy CPU tensor types:
    calling one builds a tensor of its dtype, ``isinstance`` checks dtype and device."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.is_cpu and obj._data.dtype == cls.dtype.np

    def __call__(cls, *args, device=None):
        return make_tensor(_legacy_array(args, cls.dtype.np, device, cls.__name__))


def _legacy_type(d):
    name = _TYPE_NAMES[d]
    doc = (
        f"PyTorch's legacy CPU tensor type of dtype {d}: ``{name}(*sizes)`` (uninitialised), "
        f"``{name}(data)``, or ``isinstance(t, {name})``."
    )
    attrs = {"dtype": d, "is_cuda": False, "is_sparse": False, "__module__": "ember"}
    return _LegacyTensorType(name, (), {**attrs, "__doc__": doc})


FloatTensor = _legacy_type(_dtype.float32)
DoubleTensor = _legacy_type(_dtype.float64)
HalfTensor = _legacy_type(_dtype.float16)
BFloat16Tensor = _legacy_type(_dtype.bfloat16)
LongTensor = _legacy_type(_dtype.int64)
IntTensor = _legacy_type(_dtype.int32)
ShortTensor = _legacy_type(_dtype.int16)
CharTensor = _legacy_type(_dtype.int8)
ByteTensor = _legacy_type(_dtype.uint8)
BoolTensor = _legacy_type(_dtype.bool)
