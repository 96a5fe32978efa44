"""data.pkl: writing ember objects as PyTorch pickles, and the restricted reader.

Note [torch globals]
A checkpoint names PyTorch's rebuild functions and classes (``torch._utils._rebuild_tensor_v2``,
``torch FloatStorage``...). The writer emits those names without importing torch (the
``TorchGlobal`` stand-ins); the reader maps each allowed name to ember's own implementation and
refuses every other global unless the caller opted out of ``weights_only``.
"""

import collections
import pickle

import ml_dtypes
import numpy as np

from ember import _dtype
from ember._backend import array_module, canonical_device, device_of, to_device
from ember._device import device
from ember._tensor import Size, Tensor, make_tensor
from ember.serialization._safe_globals import user_allowed_globals

__all__ = ["CheckpointPickler", "RestrictedUnpickler"]


class TorchGlobal:
    """A name in PyTorch's namespace, written into a pickle as a GLOBAL opcode."""

    def __init__(self, module, name):
        self.module = module
        self.name = name

    def __call__(self, *args):
        raise TypeError(f"{self.module}.{self.name} is a pickle name, not callable in ember")


# The dtypes with a legacy storage class (rebuilt by _rebuild_tensor_v2).
_STORAGE_CLASS = {
    "float64": "DoubleStorage",
    "float32": "FloatStorage",
    "float16": "HalfStorage",
    "bfloat16": "BFloat16Storage",
    "int64": "LongStorage",
    "int32": "IntStorage",
    "int16": "ShortStorage",
    "int8": "CharStorage",
    "uint8": "ByteStorage",
    "bool": "BoolStorage",
}
_REBUILD_V2 = TorchGlobal("torch._utils", "_rebuild_tensor_v2")
_REBUILD_PARAMETER = TorchGlobal("torch._utils", "_rebuild_parameter")
_REBUILD_PARAMETER_STATE = TorchGlobal("torch._utils", "_rebuild_parameter_with_state")
_REBUILD_FROM_TYPE = TorchGlobal("torch._tensor", "_rebuild_from_type_v2")
_TORCH_TENSOR = TorchGlobal("torch", "Tensor")
_TORCH_SIZE = TorchGlobal("torch", "Size")
_TORCH_DEVICE = TorchGlobal("torch", "device")
_CODECS_ENCODE = TorchGlobal("_codecs", "encode")
_STORAGE_GLOBALS = {d: TorchGlobal("torch", cls) for d, cls in _STORAGE_CLASS.items()}
_DTYPE_GLOBALS = {d.name: TorchGlobal("torch", d.name) for d in _dtype.ALL_DTYPES}


def address(array):
    """The address of ``array``'s first element: host arrays (NumPy and its subclasses) by the
    array interface, device arrays (CuPy) by their memory pointer."""
    interface = getattr(array, "__array_interface__", None)
    return interface["data"][0] if interface is not None else array.data.ptr


def storage_root(array):
    """The array that owns ``array``'s memory (the end of its chain of bases)."""
    root = array
    while isinstance(root.base, (np.ndarray, type(array))):
        root = root.base
    return root


def storage_location(array):
    """Where a storage lives, as a checkpoint names it: ``'cpu'``, ``'cuda:0'``..."""
    where = device_of(array)
    return "cpu" if where.type == "cpu" else f"{where.type}:{where.index or 0}"


class _Storages:
    """The storages met while pickling, keyed in order of first appearance."""

    def __init__(self):
        self.roots = {}  # id(root array) -> (key, root, location); the root is kept alive
        self.records = []  # (key, root array, location)

    def storage_of(self, array):
        """(key, root array, location, offset, strides) of ``array``'s storage, in elements.
        ``array`` shares its base's storage when the base is one C-contiguous native buffer of
        the same dtype and the strides fit it (../shared/docs/pth-format.md, section 6);
        otherwise the storage is a contiguous copy."""
        location = storage_location(array)
        root = storage_root(array)
        item = array.itemsize
        shareable = (
            root.dtype == array.dtype
            and root.dtype.isnative
            and root.flags.c_contiguous
            and all(s >= 0 and s % item == 0 for s in array.strides)
        )
        if not shareable:
            if type(array) is np.ndarray:
                native = array.dtype.newbyteorder("=")
                array = np.array(array, dtype=native, order="C", copy=True)
            else:
                array = array_module(array).array(array, order="C", copy=True)
            root = array
        entry = self.roots.get(id(root))
        if entry is None:
            key = str(len(self.records))
            entry = self.roots[id(root)] = (key, root, location)
            self.records.append(entry)
        start = address(array) - address(root)
        strides = tuple(s // item for s in array.strides)
        return entry[0], root, entry[2], start // item, strides


class _StorageRef:
    """What a tensor's storage pickles as: a persistent id."""

    def __init__(self, key, root, location):
        self.key = key
        self.root = root
        self.location = location


class CheckpointPickler(pickle._Pickler):
    """A pickler (protocol 2 by default, as torch.save) that writes tensors, dtypes, Size and
    device as PyTorch does."""

    dispatch = pickle._Pickler.dispatch.copy()

    def __init__(self, file, storages, protocol=2):
        super().__init__(file, protocol=protocol)
        self.storages = storages

    def persistent_id(self, obj):
        if type(obj) is _StorageRef:
            dt = str(obj.root.dtype) if obj.root.dtype != ml_dtypes.bfloat16 else "bfloat16"
            return ("storage", _STORAGE_GLOBALS[dt], obj.key, obj.location, obj.root.size)
        return None

    def reducer_override(self, obj):
        t = type(obj)
        if isinstance(obj, Tensor):
            return self._reduce_tensor(obj)
        if t is _dtype.dtype:
            return _DTYPE_GLOBALS[obj.name]
        if t is Size:
            return (_TORCH_SIZE, (tuple(obj),))
        if t is device:
            return (_TORCH_DEVICE, (obj.type,))
        if t is bytes:
            # Empty bytes would pickle as builtins.bytes(), which torch's weights_only refuses.
            return (_CODECS_ENCODE, (obj.decode("latin1"), "latin1"))
        if t is frozenset:
            raise pickle.PicklingError("ember.save: frozenset cannot be saved (torch refuses it)")
        return NotImplemented

    def _reduce_tensor(self, t):
        array = t._data
        key, root, location, offset, strides = self.storages.storage_of(array)
        args = (
            _StorageRef(key, root, location),
            offset,
            tuple(array.shape),
            strides,
            bool(t._requires_grad),
            collections.OrderedDict(),
        )
        cls = type(t)
        if cls is Tensor:
            if t.__dict__ and _public_state(t):
                return (_REBUILD_FROM_TYPE, (_REBUILD_V2, _TORCH_TENSOR, args, _public_state(t)))
            return (_REBUILD_V2, args)
        plain = make_tensor(array)
        state = _public_state(t)
        if state:
            return (
                _REBUILD_PARAMETER_STATE,
                (plain, bool(t._requires_grad), collections.OrderedDict(), state),
            )
        return (_REBUILD_PARAMETER, (plain, bool(t._requires_grad), collections.OrderedDict()))

    def _save_torch_global(self, obj):
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode())
        self.memoize(obj)

    dispatch[TorchGlobal] = _save_torch_global


def _public_state(t):
    return {k: v for k, v in t.__dict__.items() if not k.startswith("_")}


# ---- reading ---------------------------------------------------------------------------------


class _StorageType:
    """A storage class named in a checkpoint: its element dtype (None for untyped bytes)."""

    def __init__(self, name, np_dtype):
        self.name = name
        self.np_dtype = np_dtype


_STORAGE_TYPES = {
    cls: _StorageType(cls, _dtype._BY_NAME[d].np) for d, cls in _STORAGE_CLASS.items()
}
_UNTYPED = _StorageType("UntypedStorage", None)


class LoadedStorage:
    """One storage's bytes from the archive; typed views are made (and byte-swapped) once.

    ``location`` is the device its tensors are moved to (``map_location``'s answer); a
    ``map_location`` callable receives the storage on the CPU and may return ``storage.cuda(i)``.
    """

    def __init__(self, raw, storage_type, swap, location="cpu"):
        self.raw = raw
        self.storage_type = storage_type
        self.swap = swap
        self.location = location
        self.views = {}

    def _moved(self, location):
        other = LoadedStorage(self.raw, self.storage_type, self.swap, location)
        other.views = self.views
        return other

    def cpu(self):
        """This storage, restored to the CPU."""
        return self._moved("cpu")

    def cuda(self, device=None, non_blocking=False):
        """This storage, restored to CUDA device ``device`` (default 0)."""
        index = 0 if device is None else int(str(device).rpartition(":")[2] or 0)
        return self._moved(f"cuda:{index}")

    def nbytes(self):
        """Size of the storage in bytes."""
        return len(self.raw)

    def typed(self, np_dtype):
        """The storage as a flat array of ``np_dtype``, on the storage's ``location``."""
        view = self.views.get((np_dtype, self.location))
        if view is None:
            n = len(self.raw) // np_dtype.itemsize
            view = np.frombuffer(self.raw, dtype=np_dtype, count=n)
            if self.swap and np_dtype.itemsize > 1:
                view = view.byteswap()
            if self.location != "cpu":
                view = to_device(view, canonical_device(device(self.location)))
            self.views[(np_dtype, self.location)] = view
        return view


def _check_geometry(numel, offset, size, stride, name):
    ok = (
        isinstance(size, tuple)
        and isinstance(stride, tuple)
        and len(size) == len(stride)
        and all(isinstance(v, int) and v >= 0 for v in size + stride)
        and isinstance(offset, int)
        and offset >= 0
    )
    if ok and all(size):
        ok = offset + sum((s - 1) * st for s, st in zip(size, stride)) < numel
    if not ok:
        raise RuntimeError(
            f"ember.load: {name}: tensor geometry (offset {offset}, size {size}, stride "
            f"{stride}) does not fit its storage of {numel} elements"
        )


def _view(storage, np_dtype, offset, size, stride):
    typed = storage.typed(np_dtype)
    _check_geometry(typed.size, offset, size, stride, "_rebuild_tensor")
    item = np_dtype.itemsize
    strides = tuple(s * item for s in stride)
    if type(typed) is np.ndarray:
        base = typed[offset:] if typed.size else typed
        return np.lib.stride_tricks.as_strided(base, shape=size, strides=strides, writeable=True)
    # On a device: a view of the storage moved there once, so tensors sharing it still do.
    base = typed[offset:] if typed.size else typed
    return array_module(typed).lib.stride_tricks.as_strided(base, shape=size, strides=strides)


def _finish(array, requires_grad, metadata):
    if metadata and metadata.get("neg"):
        array = -array
    t = make_tensor(array)
    if requires_grad:
        t.requires_grad_(True)
    return t


def rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks, metadata=None):
    if storage.storage_type.np_dtype is None:
        raise RuntimeError("ember.load: _rebuild_tensor_v2 on an untyped storage")
    array = _view(storage, storage.storage_type.np_dtype, offset, tuple(size), tuple(stride))
    return _finish(array, requires_grad, metadata)


def rebuild_tensor_v3(storage, offset, size, stride, requires_grad, hooks, dtype, metadata=None):
    if not isinstance(dtype, _dtype.dtype):
        raise RuntimeError(f"ember.load: unsupported dtype {dtype!r}")
    array = _view(storage, dtype.np, offset, tuple(size), tuple(stride))
    return _finish(array, requires_grad, metadata)


def rebuild_tensor(storage, offset, size, stride):
    return rebuild_tensor_v2(storage, offset, size, stride, False, None)


def rebuild_parameter(data, requires_grad, hooks):
    from ember.nn.parameter import Parameter

    return Parameter(data, requires_grad)


def rebuild_parameter_with_state(data, requires_grad, hooks, state):
    param = rebuild_parameter(data, requires_grad, hooks)
    for k, v in state.items():
        setattr(param, k, v)
    return param


def rebuild_from_type_v2(func, new_type, args, state):
    ret = func(*args)
    if new_type is not Tensor and isinstance(new_type, type) and issubclass(new_type, Tensor):
        ret = make_tensor(ret._data, ret._requires_grad, cls=new_type)
    for k, v in (state or {}).items():
        setattr(ret, k, v)
    return ret


def _torch_device(kind, index=None):
    return device("cpu")  # every saved location maps to ember's device


def _unsupported(what):
    def refuse(*args):
        raise RuntimeError(f"ember.load: {what} are not supported by ember")

    return refuse


def _allowlist():
    table = {
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("collections", "Counter"): collections.Counter,
        ("torch", "Tensor"): Tensor,
        ("torch", "Size"): Size,
        ("torch", "device"): _torch_device,
        ("torch._utils", "_rebuild_tensor"): rebuild_tensor,
        ("torch._utils", "_rebuild_tensor_v2"): rebuild_tensor_v2,
        ("torch._utils", "_rebuild_tensor_v3"): rebuild_tensor_v3,
        ("torch._utils", "_rebuild_parameter"): rebuild_parameter,
        ("torch._utils", "_rebuild_parameter_with_state"): rebuild_parameter_with_state,
        ("torch._tensor", "_rebuild_from_type_v2"): rebuild_from_type_v2,
        ("torch.storage", "UntypedStorage"): _UNTYPED,
        ("_codecs", "encode"): _codecs_encode,
        ("builtins", "set"): set,
        ("builtins", "bytearray"): bytearray,
        ("builtins", "complex"): complex,
    }
    for name, cls in _STORAGE_TYPES.items():
        table[("torch", name)] = cls
    for d in _dtype.ALL_DTYPES:
        table[("torch", d.name)] = d
    for name in ("_rebuild_sparse_tensor", "_rebuild_qtensor", "_rebuild_nested_tensor"):
        table[("torch._utils", name)] = _unsupported("sparse, quantized and nested tensors")
    return table


def _codecs_encode(text, encoding="utf-8"):
    return text.encode(encoding)


def _parameter_class():
    from ember.nn.parameter import Parameter

    return Parameter


ALLOWED = _allowlist()
# As torch's weights_only unpickler: these modules are refused even when a user allowlists
# one of their globals.
_BLOCKED_MODULES = ("sys", "os", "posix", "nt")


def _ember_path(module):
    """``torch.x.y`` -> ``ember.x.y``: where ember keeps its counterpart of a torch global."""
    if module == "torch" or module.startswith("torch."):
        return "ember" + module[len("torch") :]
    return module


def _ember_global(module, name):
    """ember's implementation of an allowlisted global, or None."""
    if (module, name) == ("torch.nn.parameter", "Parameter"):
        return _parameter_class()
    return ALLOWED.get((module, name))


def _user_global(module, name):
    """The global the user allowlisted under this name (or under ember's path), or None."""
    user = user_allowed_globals()
    found = user.get(f"{module}.{name}")
    return found if found is not None else user.get(f"{_ember_path(module)}.{name}")


def is_safe_global(module, name):
    """Whether a ``weights_only`` load admits the global ``module.name``."""
    if module == "__builtin__":
        module = "builtins"
    if _ember_global(module, name) is not None:
        return True
    return module not in _BLOCKED_MODULES and _user_global(module, name) is not None


class RestrictedUnpickler(pickle.Unpickler):
    """Resolves globals only through ember's allowlist and the user's ``add_safe_globals``
    (``weights_only=True``), or, when the caller opts out, as a plain unpickler that maps
    ``torch.*`` names to ember's counterparts (as PyTorch's ``weights_only=False``)."""

    def __init__(self, file, storage_loader, weights_only):
        super().__init__(file)
        self.storage_loader = storage_loader
        self.weights_only = weights_only

    def find_class(self, module, name):
        if module == "__builtin__":  # torch writes Python 2 names in protocol 2
            module = "builtins"
        found = _ember_global(module, name)
        if found is not None:
            return found
        if not self.weights_only:
            return self._find_any_global(module, name)
        if module in _BLOCKED_MODULES:
            raise pickle.UnpicklingError(
                f"ember.load: weights_only load refused the global {module}.{name}: its module "
                f"{module} is blocked."
            )
        found = _user_global(module, name)
        if found is not None:
            return found
        # Name it as the user would write it: builtins unqualified, torch paths as ember's.
        shown = name if module == "builtins" else f"{_ember_path(module)}.{name}"
        raise pickle.UnpicklingError(
            f"ember.load: weights_only load refused the global {module}.{name}: it is not in the "
            "allowlist of tensors, containers and dtypes. If you trust this class/function, use "
            f"`ember.serialization.add_safe_globals([{shown}])` or the "
            f"`ember.serialization.safe_globals([{shown}])` context manager to allowlist it, or "
            "load with weights_only=False (only for a trusted file: it can run arbitrary code)."
        )

    def _find_any_global(self, module, name):
        mapped = _ember_path(module)
        try:
            return super().find_class(mapped, name)
        except (ImportError, AttributeError) as e:
            if mapped == module:
                raise
            raise pickle.UnpicklingError(
                f"ember.load: the checkpoint names {module}.{name}, which ember does not provide "
                f"(looked for {mapped}.{name}: {e})"
            ) from None

    def persistent_load(self, pid):
        if isinstance(pid, tuple) and pid and pid[0] in ("storage", b"storage"):
            if len(pid) != 5:
                raise pickle.UnpicklingError(f"ember.load: malformed storage id {pid!r}")
            _, storage_type, key, location, numel = pid
            if not isinstance(storage_type, _StorageType):
                raise pickle.UnpicklingError(f"ember.load: unknown storage class {storage_type!r}")
            if isinstance(key, bytes):
                key = key.decode("ascii")
            return self.storage_loader(str(key), storage_type, int(numel), location)
        raise pickle.UnpicklingError(f"ember.load: unsupported persistent id {pid!r}")
