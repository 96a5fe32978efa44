"""Tensor creation: from data (tensor, as_tensor, asarray, from_numpy), by shape (zeros, ones,
full, empty, eye), like another tensor (zeros_like...), and ranges (arange, linspace, logspace).

Creation is not recorded by autograd: the results are leaves.

Note [creation on devices]
Factories by shape (zeros, full, eye...) create their array with ``as_device(device).xp``, on
the device itself. Results that need host work first (Python data parsed by NumPy, ranges
computed in extended precision) are built on the host and moved once (``_on``). ``*_like``
factories follow ``input``'s device unless ``device=`` is given.
"""

import math
import numbers
import warnings

import numpy as np

from ember import _dtype
from ember._backend import array_module
from ember._backend._arrays import as_strided, to_module
from ember._device import as_device
from ember._dtype import SCALAR_NAMES
from ember._tensor import Size, Tensor, make_tensor

__all__ = [
    "tensor",
    "as_tensor",
    "asarray",
    "from_numpy",
    "scalar_tensor",
    "zeros",
    "ones",
    "full",
    "empty",
    "empty_strided",
    "eye",
    "zeros_like",
    "ones_like",
    "full_like",
    "empty_like",
    "arange",
    "linspace",
    "logspace",
]

TENSOR_METHODS = ("new_tensor", "new_zeros", "new_ones", "new_full", "new_empty")

_SEQUENCES = (list, tuple, range)


# ---- from data ------------------------------------------------------------------------------


def _item_dtype(x):
    """The dtype one element of nested data stands for: PyTorch promotes these (not weakly)."""
    if isinstance(x, Tensor):
        return x.dtype
    if isinstance(x, np.ndarray):
        return _dtype.from_numpy_dtype(x.dtype)
    if isinstance(x, (bool, np.bool_)):
        return _dtype.bool
    if isinstance(x, np.generic):
        return _dtype.from_numpy_dtype(x.dtype)
    if isinstance(x, int):
        return _dtype.int64
    if isinstance(x, float):
        return _dtype.get_default_dtype()
    if isinstance(x, str):
        raise TypeError(f"new(): invalid data type '{type(x).__name__}'")
    raise RuntimeError(f"Could not infer dtype of {type(x).__name__}")


def _infer_dtype(data):
    """PyTorch's dtype for nested Python data: the promotion of every element's dtype."""
    if not isinstance(data, _SEQUENCES):
        return _item_dtype(data)
    result = None
    stack = [data]
    while stack:
        seq = stack.pop()
        kinds = set(map(type, seq))
        if kinds <= {float}:  # the common case, a list of Python floats, without a per-item loop
            d = _dtype.get_default_dtype() if kinds else None
            result = d if result is None or d is None else _dtype.promote_types(result, d)
            continue
        for x in seq:
            if isinstance(x, _SEQUENCES):
                stack.append(x)
                continue
            d = _item_dtype(x)
            result = d if result is None else _dtype.promote_types(result, d)
    return _dtype.get_default_dtype() if result is None else result


def _check_ragged(data):
    """Raise PyTorch's error for nested sequences that do not form a rectangular array."""
    level = [data]
    depth = 0
    while level:
        seqs = [isinstance(x, _SEQUENCES) for x in level]
        if not any(seqs):
            return
        if not all(seqs):
            if isinstance(level[0], _SEQUENCES):
                raise TypeError("not a sequence")
            bad = next(x for x in level if isinstance(x, _SEQUENCES))
            raise TypeError(f"'{type(bad).__name__}' object cannot be interpreted as an integer")
        n = len(level[0])
        for x in level:
            if len(x) != n:
                raise ValueError(f"expected sequence of length {n} at dim {depth} (got {len(x)})")
        level = [y for x in level for y in x]
        depth += 1


def _unpack_tensors(data, dtype):
    """Nested data with Tensor elements replaced by Python scalars, as PyTorch reads them."""
    if isinstance(data, Tensor):
        if data._data.size != 1 or data._data.ndim:
            if dtype.is_floating_point:
                raise ValueError("only one element tensors can be converted to Python scalars")
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return data._data.item()
    if isinstance(data, _SEQUENCES):
        return [_unpack_tensors(x, dtype) for x in data]
    return data


def _has_tensor(data):
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, Tensor):
            return True
        if isinstance(x, _SEQUENCES) and not (x and type(x[0]) in (int, float, bool)):
            stack.extend(x)
    return False


def _data_to_array(data, dtype):
    """A new array of ``dtype`` holding ``data`` (nested sequences, scalars, arrays)."""
    if isinstance(data, Tensor):
        return data._data.astype(dtype.np, copy=True)
    if isinstance(data, np.ndarray):
        return data.astype(dtype.np, copy=True)
    if isinstance(data, _SEQUENCES) and _has_tensor(data):
        data = _unpack_tensors(data, dtype)
    if dtype._kind == 1 and _infer_dtype(data).is_floating_point:
        return _float_to_int(np.array(data, dtype=np.float64), dtype, dtype.name)
    try:
        return np.array(data, dtype=dtype.np)
    except (ValueError, TypeError, OverflowError):
        if isinstance(data, _SEQUENCES):
            _check_ragged(data)
    # Values out of the target's range (-1 as uint8) wrap as in PyTorch: convert through the
    # inferred dtype, then cast.
    try:
        return np.array(data, dtype=_infer_dtype(data).np).astype(dtype.np)
    except OverflowError:
        raise ValueError("Overflow when unpacking long long") from None


def _float_to_int(array, dtype, type_name):
    """Floats truncated to an integer dtype; PyTorch refuses values outside its range."""
    info = np.iinfo(dtype.np)
    finite = array[np.isfinite(array)]
    if (
        finite.size != array.size
        or (finite <= info.min - 1).any()
        or (finite >= info.max + 1).any()
    ):
        raise RuntimeError(f"value cannot be converted to type {type_name} without overflow")
    return array.astype(dtype.np)


def _check_requires_grad(dtype):
    if not dtype.is_floating_point:
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")


def _on(device, array):
    """``array`` on ``device`` (the default device when None): itself, or moved once."""
    return to_module(as_device(device).xp, array)


def _leaf(array, requires_grad):
    t = make_tensor(array)
    if requires_grad:
        _check_requires_grad(_dtype.from_numpy_dtype(array.dtype))
        t._requires_grad = True
    return t


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new leaf tensor that copies ``data``, inferring the dtype as PyTorch does."""
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use "
            "sourceTensor.detach().clone() or sourceTensor.detach().clone().requires_grad_(True), "
            "rather than torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
    dtype = _dtype.as_dtype(dtype) or _infer_dtype(data)
    return _leaf(_placed(data, _data_to_array(data, dtype), device), requires_grad)


def _placed(data, array, device):
    """A copy of ``data`` on its device: ``device``, else the source tensor's, else the
    default device."""
    if device is None and isinstance(data, Tensor):
        return array
    return _on(device, array)


def scalar_tensor(
    s, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False
):
    """A 0-d tensor holding the number ``s`` (default float dtype unless ``dtype`` is given)."""
    xp = as_device(device).xp
    dtype = _dtype.as_dtype(dtype) or _dtype.get_default_dtype()
    if isinstance(s, Tensor):
        s = s.item()
    return _leaf(xp.array(s, dtype=dtype.np), requires_grad)


def from_numpy(ndarray):
    """A tensor sharing memory with ``ndarray``."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy_dtype(ndarray.dtype)
    return make_tensor(ndarray)


def as_tensor(data, dtype=None, device=None):
    """``data`` as a tensor, sharing memory with a NumPy array or tensor when possible."""
    dtype = _dtype.as_dtype(dtype)
    if isinstance(data, (Tensor, np.ndarray)):
        t = data if isinstance(data, Tensor) else from_numpy(data)
        t = t if dtype is None or t.dtype is dtype else t.to(dtype)
        return _moved(t, device)
    return make_tensor(_on(device, _data_to_array(data, dtype or _infer_dtype(data))))


def _moved(t, device):
    """``t`` itself, or a copy on ``device`` when one is named and ``t`` is elsewhere."""
    if device is None or as_device(device) == t.device:
        return t
    return t.to(as_device(device))


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """``obj`` as a tensor; shares memory with tensors and arrays unless a copy is needed or
    ``copy=True``; ``copy=False`` refuses to copy."""
    dtype = _dtype.as_dtype(dtype)
    if isinstance(obj, (Tensor, np.ndarray)):
        t = obj if isinstance(obj, Tensor) else from_numpy(obj)
        if dtype is not None and t.dtype is not dtype:
            if copy is False:
                raise ValueError(
                    f"can't alias tensor with dtype '{SCALAR_NAMES[t.dtype]}' into dtype "
                    f"'{SCALAR_NAMES[dtype]}'."
                )
            t = t.to(dtype)
        elif copy:
            t = t.clone()
        t = _moved(t, device)
        if isinstance(obj, Tensor):
            return t
        return t.requires_grad_(True) if requires_grad else t
    if copy is False:
        raise ValueError(f"can't alias Python object of type {type(obj).__name__} without copying")
    dtype = dtype or _infer_dtype(obj)
    return _leaf(_on(device, _data_to_array(obj, dtype)), requires_grad)


# ---- by shape -------------------------------------------------------------------------------


def _size(size, name):
    """``size`` given as ints or as one sequence, checked and normalised to a tuple of ints."""
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = size[0]
    dims = []
    for s in size:
        if isinstance(s, Tensor) and s._data.size == 1 and s._data.dtype.kind in "iu":
            s = s._data.item()
        if not isinstance(s, (int, np.integer)) or isinstance(s, (bool, np.bool_)):
            raise TypeError(
                f"{name}(): argument 'size' (position 1) must be tuple of ints, but found "
                f"element of type {type(s).__name__} at pos {len(dims)}"
            )
        dims.append(int(s))
    for s in dims:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {dims}")
    return tuple(dims)


def _size_args(args, size, name):
    """The size of a factory given positionally (ints or one sequence) or as ``size=``."""
    if args and size is not None:
        raise TypeError(f"{name}() got multiple values for argument 'size'")
    if not args and size is None:
        raise TypeError(f'{name}() missing 1 required positional arguments: "size"')
    return _size(args if args else (size,), name)


def _emit(array, out, requires_grad, name):
    """Return the new leaf, or write it into ``out=`` (resized to fit, as PyTorch does)."""
    if out is None:
        return _leaf(array, requires_grad)
    if requires_grad:
        raise RuntimeError(
            f"{name}(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad."
        )
    xp = array_module(out._data)
    if out._data.shape != array.shape:
        out._data = xp.empty(array.shape, out._data.dtype)
    xp.copyto(out._data, to_module(xp, array), casting="unsafe")
    out._version.value += 1
    return out


def _out_dtype(dtype, out, default):
    dtype = _dtype.as_dtype(dtype)
    if dtype is None:
        return out.dtype if out is not None else default()
    return dtype


def zeros(
    *size_args,
    size=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
):
    """A tensor of zeros of the given size."""
    xp = as_device(device).xp
    dt = _out_dtype(dtype, out, _dtype.get_default_dtype)
    return _emit(xp.zeros(_size_args(size_args, size, "zeros"), dt.np), out, requires_grad, "zeros")


def ones(
    *size_args,
    size=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
):
    """A tensor of ones of the given size."""
    xp = as_device(device).xp
    dt = _out_dtype(dtype, out, _dtype.get_default_dtype)
    return _emit(xp.ones(_size_args(size_args, size, "ones"), dt.np), out, requires_grad, "ones")


def empty(
    *size_args,
    size=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
    memory_format=None,
):
    """An uninitialised tensor of the given size."""
    xp = as_device(device).xp
    dt = _out_dtype(dtype, out, _dtype.get_default_dtype)
    return _emit(xp.empty(_size_args(size_args, size, "empty"), dt.np), out, requires_grad, "empty")


def _fill_dtype(fill_value):
    """The dtype ``full`` infers from its fill value: bool, int64, or the default float."""
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if isinstance(fill_value, (bool, np.bool_)):
        return _dtype.bool
    if isinstance(fill_value, numbers.Integral):
        return _dtype.int64
    return _dtype.get_default_dtype()


def _fill_array(xp, shape, fill_value, dt):
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    array = xp.empty(shape, dt.np)
    array[...] = fill_value
    return array


def full(
    size,
    fill_value,
    *,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
):
    """A tensor of ``size`` filled with ``fill_value``; the dtype follows the value's type."""
    xp = as_device(device).xp
    if not isinstance(size, (tuple, list, Size)):
        raise TypeError(
            f"full(): argument 'size' (position 1) must be tuple of ints, not {type(size).__name__}"
        )
    dt = _dtype.as_dtype(dtype) or (out.dtype if out is not None else _fill_dtype(fill_value))
    array = _fill_array(xp, _size((size,), "full"), fill_value, dt)
    return _emit(array, out, requires_grad, "full")


def empty_strided(
    size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False
):
    """An uninitialised tensor with the given ``size`` and ``stride`` (in elements)."""
    xp = as_device(device).xp
    shape = _size((size,), "empty_strided")
    stride = tuple(int(s) for s in stride)
    if len(stride) != len(shape):
        raise RuntimeError(
            f"mismatch in length of strides and shape: {len(stride)} vs {len(shape)}"
        )
    dt = _dtype.as_dtype(dtype) or _dtype.get_default_dtype()
    storage = 0 if 0 in shape else 1 + sum((n - 1) * s for n, s in zip(shape, stride))
    buffer = xp.empty(storage, dt.np)
    array = as_strided(buffer, shape, tuple(s * dt.itemsize for s in stride))
    return _leaf(array, requires_grad)


def eye(
    n,
    m=None,
    *,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
):
    """A 2-D tensor with ones on the diagonal and zeros elsewhere."""
    xp = as_device(device).xp
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is None:
        m = n
    elif m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    dt = _out_dtype(dtype, out, _dtype.get_default_dtype)
    return _emit(xp.eye(int(n), int(m), dtype=dt.np), out, requires_grad, "eye")


# ---- like another tensor --------------------------------------------------------------------


def _like(input, dtype, device, requires_grad, fill):
    """A new array shaped like ``input`` by ``fill`` ('zeros_like', ...), on ``input``'s device
    unless ``device`` names another."""
    # *_like keeps the input's memory order (order='K'), as PyTorch's preserve_format does.
    dt = _dtype.as_dtype(dtype) or input.dtype
    if device is None or as_device(device) == input.device:
        xp, like = array_module(input._data), input._data
    else:
        xp = as_device(device).xp
        like = xp.empty(input.shape, dt.np)
    return _leaf(getattr(xp, fill)(like, dtype=dt.np), requires_grad)


def zeros_like(
    input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None
):
    """A tensor of zeros with the shape (and by default the dtype) of ``input``."""
    return _like(input, dtype, device, requires_grad, "zeros_like")


def ones_like(
    input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None
):
    """A tensor of ones with the shape (and by default the dtype) of ``input``."""
    return _like(input, dtype, device, requires_grad, "ones_like")


def empty_like(
    input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None
):
    """An uninitialised tensor with the shape (and by default the dtype) of ``input``."""
    return _like(input, dtype, device, requires_grad, "empty_like")


def full_like(
    input,
    fill_value,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    memory_format=None,
):
    """A tensor shaped like ``input`` filled with ``fill_value`` (``input``'s dtype by default)."""
    t = _like(input, dtype, device, requires_grad, "empty_like")
    t._data[...] = fill_value.item() if isinstance(fill_value, Tensor) else fill_value
    return t


# ---- Tensor.new_* ---------------------------------------------------------------------------


def new_tensor(
    self, data, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False
):
    """A new tensor copying ``data``, with ``self``'s dtype unless ``dtype`` is given."""
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use "
            "sourceTensor.detach().clone() or sourceTensor.detach().clone().requires_grad_(True), "
            "rather than tensor.new_tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
    dt = _dtype.as_dtype(dtype) or self.dtype
    return _leaf(
        _on(self.device if device is None else device, _data_to_array(data, dt)), requires_grad
    )


def new_zeros(
    self, *size, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False
):
    """Zeros of ``size`` with ``self``'s dtype unless ``dtype`` is given."""
    return zeros(
        *size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad
    )


def new_ones(
    self, *size, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False
):
    """Ones of ``size`` with ``self``'s dtype unless ``dtype`` is given."""
    return ones(
        *size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad
    )


def new_empty(
    self, *size, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False
):
    """An uninitialised tensor of ``size`` with ``self``'s dtype unless ``dtype`` is given."""
    return empty(
        *size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad
    )


def new_full(
    self,
    size,
    fill_value,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
):
    """``size`` filled with ``fill_value``, with ``self``'s dtype unless ``dtype`` is given."""
    return full(
        size,
        fill_value,
        dtype=dtype or self.dtype,
        device=device or self.device,
        requires_grad=requires_grad,
    )


# ---- ranges ---------------------------------------------------------------------------------
# Computed on the host: NumPy's extended precision stands in for PyTorch's fused multiply-add,
# which CuPy lacks (Note [creation on devices]).


def _number(x, name):
    """A Python number from a number, NumPy scalar or one-element tensor."""
    if isinstance(x, Tensor):
        return x.item()
    if isinstance(x, np.generic):
        return x.item()
    if not isinstance(x, numbers.Number):
        raise TypeError(f"{name}(): argument must be a Number or Tensor, not {type(x).__name__}")
    return x


def _is_float_arg(x):
    if isinstance(x, Tensor):
        return x.is_floating_point()
    return isinstance(x, (float, np.floating))


def arange(
    start=0,
    end=None,
    step=1,
    *,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
):
    """Values from ``start`` to ``end`` (exclusive) by ``step``; int64 unless an argument is a
    float (then the default float dtype).

    Differences from PyTorch: lengths and integer values are PyTorch's; floating values are
    ``start + i * step`` rounded once, which PyTorch's vectorised kernel may miss by an ulp.
    """
    if end is None:
        start, end = 0, start
    args = (start, end, step)
    dt = _dtype.as_dtype(dtype)
    if dt is None:
        if out is not None:
            dt = out.dtype
        elif any(_is_float_arg(a) for a in args):
            dt = _dtype.get_default_dtype()
        else:
            dt = _dtype.int64
    start, end, step = (_number(a, "arange") for a in args)
    for bound in (start, end):
        if not math.isfinite(bound):
            raise RuntimeError(f"unsupported range: {start} -> {end}")
    if dt is _dtype.int64:
        # int64 converts the bounds to integers first, then counts in integers.
        if step != 0 and int(step) == 0:
            raise ValueError("step must be nonzero")
        start, end, step = int(start), int(end), int(step)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dt is _dtype.int64:
        n = -((start - end) // step)  # ceil((end - start) / step), exactly
    else:
        n = math.ceil((float(end) - float(start)) / float(step))
    idx = np.arange(n, dtype=np.int64)
    if dt.is_floating_point:
        # PyTorch rounds start + i * step once (a fused multiply-add in double); extended
        # precision reproduces that wherever the platform has it.
        wide = np.longdouble
        array = (wide(start) + idx.astype(wide) * wide(step)).astype(np.float64).astype(dt.np)
    else:
        # Other integer dtypes count in double but step in integers (PyTorch's accumulate type).
        array = (int(start) + idx * int(step)).astype(dt.np)
    return _emit(_on(device, array), out, requires_grad, "arange")


def _to_dtype_scalar(x, dt):
    """``x`` converted to ``dt`` as C++ would (integers truncate and wrap), as a Python number."""
    if dt.is_floating_point:
        return float(np.array(x, np.float64).astype(dt.np))
    if isinstance(x, float) and dt is not _dtype.bool:
        return int(_float_to_int(np.array(x), dt, f"{dt.name}_t"))
    return int(np.array(int(x), np.int64).astype(dt.np))


def _symmetric_steps(start, end, steps, wide):
    # PyTorch's linspace formula: the first half counts up from start, the second half down
    # from end, so both ends are exact.
    step = wide((float(end) - float(start)) / (steps - 1))
    idx = np.arange(steps)
    halfway = steps // 2
    values = np.empty(steps, wide)
    values[:halfway] = wide(start) + step * idx[:halfway].astype(wide)
    values[halfway:] = wide(end) - step * (steps - 1 - idx[halfway:]).astype(wide)
    return values, step


def _linspace_values(start, end, steps, dt):
    start, end = _to_dtype_scalar(start, dt), _to_dtype_scalar(end, dt)
    if steps == 1:
        return np.full(1, start, dtype=dt.np)
    if dt.is_floating_point and dt.itemsize < 8:
        # The step is rounded to the dtype. float32 then rounds start + step * i once (the
        # kernel's multiply-add is fused, which double precision reproduces exactly); half
        # types round the product and the sum separately.
        diff = _to_dtype_scalar(end - start, dt)
        step = _to_dtype_scalar(diff / (steps - 1), dt)
        idx = np.arange(steps, dtype=np.float64)
        halfway = steps // 2
        up, down = step * idx[:halfway], step * (steps - 1 - idx[halfway:])
        if dt.itemsize < 4:
            up, down = (a.astype(dt.np).astype(np.float64) for a in (up, down))
        values = np.concatenate([start + up, end - down])
    else:
        # float64 and integer dtypes step in double; extended precision stands in for the
        # fused multiply-add. Integers truncate.
        values = _symmetric_steps(start, end, steps, np.longdouble)[0].astype(np.float64)
    return values.astype(dt.np)


def _range_args(start, end, steps, name):
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool):
        raise TypeError(f"{name}(): argument 'steps' must be int, not {type(steps).__name__}")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    for x in (start, end):
        if isinstance(x, Tensor) and x.dim() != 0:
            raise RuntimeError(
                f"{name}() expected a 0-dimensional tensor, but got a tensor with "
                f"{x.dim()} dimensions"
            )
    return _number(start, name), _number(end, name), int(steps)


def linspace(
    start,
    end,
    steps,
    *,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
):
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    start, end, steps = _range_args(start, end, steps, "linspace")
    dt = _out_dtype(dtype, out, _dtype.get_default_dtype)
    array = _linspace_values(start, end, steps, dt) if steps else np.empty(0, dt.np)
    return _emit(_on(device, array), out, requires_grad, "linspace")


def logspace(
    start,
    end,
    steps,
    base=10.0,
    *,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
):
    """``steps`` values ``base ** x`` for ``x`` evenly spaced from ``start`` to ``end``.

    Differences from PyTorch: float32 and half results may differ by an ulp (PyTorch's own
    pow kernel); float64 and integer results match.
    """
    start, end, steps = _range_args(start, end, steps, "logspace")
    dt = _out_dtype(dtype, out, _dtype.get_default_dtype)
    if steps == 0:
        array = np.empty(0, dt.np)
    elif steps == 1:
        array = np.full(1, np.power(float(base), float(start))).astype(dt.np)
    else:
        # PyTorch: bounds converted to the dtype, exponents and pow in double. Integer dtypes
        # take the base as a float32.
        start, end = _to_dtype_scalar(start, dt), _to_dtype_scalar(end, dt)
        exponents = _symmetric_steps(start, end, steps, np.float64)[0]
        base = float(base) if dt.is_floating_point else float(np.float32(base))
        array = np.power(base, exponents).astype(dt.np)
    return _emit(_on(device, array), out, requires_grad, "logspace")
