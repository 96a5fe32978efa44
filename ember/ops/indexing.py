"""Indexing: ``tensor[key]``, ``tensor[key] = value``, index_put, masks, take, nonzero.

Note [indexing keys]
A key made only of ints, slices, None and Ellipsis is basic: the result is a view
(``Slice``), as in PyTorch. Any integer tensor, list or array, or any boolean mask makes it
advanced: the result is a copy (``Index``), laid out by NumPy's rules, which are PyTorch's.
A 0-d integer tensor acts as an int (PyTorch does the same). Keys are checked here, so that
errors carry PyTorch's types and messages, and then handed to NumPy as they are.
"""

import numpy as np

from ember._backend import array_module, is_device_array
from ember._backend._arrays import is_writeable
from ember._dtype import SCALAR_NAMES
from ember._tensor import Tensor, make_tensor
from ember.autograd.function import Op
from ember.autograd.grad_mode import GRAD
from ember.ops._index_ops import Index, IndexPut, Slice
from ember.ops._inplace import inplace, make_inplace

__all__ = [
    "index_put",
    "masked_fill",
    "masked_select",
    "masked_scatter",
    "take",
    "take_along_dim",
    "nonzero",
    "argwhere",
]

TENSOR_METHODS = tuple(__all__)
OPERATORS = ("getitem", "setitem")  # reached through Tensor.__getitem__ / __setitem__

_BASIC = (int, slice, type(None), type(Ellipsis))


def _is_basic_tuple(key):
    for k in key:
        if type(k) not in _BASIC:
            return False
    return True


def _check_steps(key):
    for k in key:
        if type(k) is slice and k.step is not None and k.step <= 0:
            if k.step == 0:
                raise ValueError("slice step cannot be zero")
            raise ValueError("step must be greater than zero")


def _numpy_error(err, x):
    """PyTorch's wording for NumPy's index errors."""
    msg = str(err)
    if msg.startswith("too many indices"):
        return IndexError(f"too many indices for tensor of dimension {x._data.ndim}")
    return IndexError(msg.replace(" for axis ", " for dimension "))


def getitem(self, index):
    """``self[index]``: a view for basic keys, a copy for advanced ones."""
    t = type(index)
    if t is int or t is slice:
        key = (index, Ellipsis)
    elif t is tuple and _is_basic_tuple(index):
        key = index if Ellipsis in index else index + (Ellipsis,)
    else:
        key, basic = _parse_key(self, index)
        if not basic:
            try:
                return Index.apply(self, key=key)
            except IndexError as err:
                raise _numpy_error(err, self) from None
    if t is slice or t is tuple:
        _check_steps(key)
    try:
        return Slice.apply(self, key=key)
    except IndexError as err:
        raise _numpy_error(err, self) from None


_KEY_SCALARS = frozenset({type(None), type(Ellipsis), slice, int, bool})


def _is_array(k):
    """Whether ``k`` is an array of any backend (an index array in a parsed key)."""
    t = type(k)
    if t is np.ndarray:
        return True
    return t not in _KEY_SCALARS and (isinstance(k, np.ndarray) or is_device_array(k))


def _as_key_item(k, xp):
    """One entry of a key as the array module ``xp`` takes it (index arrays built from Python
    data are made there), and whether it keeps the key basic."""
    if isinstance(k, Tensor):
        a = k._data
        kind = a.dtype.kind
        if kind in "iu" and a.dtype != np.uint8:
            return (int(a) if a.ndim == 0 else a.astype(np.int64, copy=False)), a.ndim == 0
        if kind == "b" or a.dtype == np.uint8:
            return a.astype(bool, copy=False), False
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    if isinstance(k, (bool, np.bool_)):
        return bool(k), False
    if isinstance(k, (int, np.integer)):
        return int(k), True
    if isinstance(k, (slice, type(None), type(Ellipsis))):
        return k, True
    if isinstance(k, (list, tuple)) or _is_array(k):
        items = k if _is_array(k) else _unwrap_tensors(k)
        a = xp.asarray(items)
        if a.dtype.kind == "b":
            return a, False
        if a.size == 0:
            return a.astype(np.int64), False
        if a.dtype.kind not in "iu":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return a.astype(np.int64, copy=False), False
    raise IndexError(
        "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
        "valid indices (got " + type(k).__name__ + ")"
    )


def _unwrap_tensors(seq):
    return [
        _unwrap_tensors(s)
        if isinstance(s, (list, tuple))
        else (s._data if isinstance(s, Tensor) else s)
        for s in seq
    ]


def _sequence_is_tuple(seq):
    # PyTorch reads a short list holding sequences, tensors, slices, None or Ellipsis as a
    # tuple of indices (deprecated there, still its behaviour).
    if len(seq) >= 32:
        return False
    for s in seq:
        if (
            isinstance(s, (Tensor, list, tuple, slice))
            or _is_array(s)
            or s is None
            or s is Ellipsis
        ):
            return True
    return False


def _parse_key(x, index):
    """(NumPy key, is_basic) for any index PyTorch accepts."""
    if isinstance(index, tuple):
        items = index
    elif isinstance(index, list) and _sequence_is_tuple(index):
        items = tuple(index)
    else:
        items = (index,)
    key = []
    basic = True
    xp = array_module(x._data)
    for k in items:
        item, keeps_basic = _as_key_item(k, xp)
        key.append(item)
        basic = basic and keeps_basic
    if basic:
        if not any(k is Ellipsis for k in key):
            key.append(Ellipsis)
        _check_steps(key)
    else:
        _check_advanced(x, key)
    return tuple(key), basic


def _check_advanced(x, key):
    """Mask shapes and index bounds, with PyTorch's messages (it numbers an index tensor by
    its place among the tensor indices)."""
    shape = x._data.shape
    consumed = sum(
        (k.ndim if _is_array(k) and k.dtype == bool else 1)
        for k in key
        if k is not None and k is not Ellipsis
    )
    dim = 0
    ordinal = 0
    for k in key:
        if k is Ellipsis:
            dim += len(shape) - consumed
        elif _is_array(k) and k.dtype == bool:
            for j, s in enumerate(k.shape):
                if dim + j < len(shape) and shape[dim + j] != s:
                    raise IndexError(
                        f"The shape of the mask {list(k.shape)} at index {j} does not match the "
                        f"shape of the indexed tensor {list(shape)} at index {dim + j}"
                    )
            dim += k.ndim
            ordinal += k.ndim
        elif _is_array(k):
            if dim < len(shape) and k.size:
                size = shape[dim]
                bad = (k >= size) | (k < -size)
                if bad.any():
                    raise IndexError(
                        f"index {int(k[bad].ravel()[0])} is out of bounds for dimension {ordinal} "
                        f"with size {size}"
                    )
            dim += 1
            ordinal += 1
        elif k is not None:
            if type(k) is slice:
                _check_steps((k,))
            dim += 1


# ---- assignment -------------------------------------------------------------------------------


class Assign(Op):
    """``value`` broadcast to ``x``'s shape and dtype (``x.copy_(value)``, out of place)."""

    def forward(ctx, x, value):
        out = ctx.xp.empty_like(x)
        out[...] = value
        return out

    def backward(ctx, grad):
        return None, grad


def _value_array(value):
    return value._data if isinstance(value, Tensor) else value


def _assign(x, value):
    if isinstance(value, Tensor):
        v = value._data
        lead = v.ndim - x._data.ndim
        if lead > 0 and all(s == 1 for s in v.shape[:lead]):
            value = value.reshape(v.shape[lead:])
        if value._data.shape != x._data.shape:
            from ember.ops.shape import expand

            expand(value, x._data.shape)  # raises PyTorch's error for shapes that do not fit
    return Assign.apply(x, value)


_assign.__name__ = "copy"


def copy_(self, src, non_blocking=False):
    """Copy ``src`` into ``self``, broadcast and cast to ``self``'s dtype; gradients flow to
    ``src``, as PyTorch's."""
    return inplace(_assign, self, src)


def setitem(self, index, value):
    """``self[index] = value``, broadcasting ``value``; differentiable in both."""
    t = type(index)
    if t is int or t is slice:
        key, basic = (index, Ellipsis), True
    else:
        key, basic = _parse_key(self, index)
    if t is slice:
        _check_steps(key)
    if GRAD.enabled and (
        self._requires_grad or (isinstance(value, Tensor) and value._requires_grad)
    ):
        if basic:
            inplace(_assign, Slice.apply(self, key=key), value)
        else:
            inplace(_put, self, key, value)
        return
    _check_writable(self)
    try:
        self._data[key] = _value_array(value)
    except IndexError as err:
        raise _numpy_error(err, self) from None
    except ValueError:
        if basic:
            _assign(make_tensor(self._data[key]), value)  # PyTorch's expand error
        raise _shape_mismatch(value, self._data[key].shape) from None
    self._version.value += 1


def _check_writable(x):
    if not is_writeable(x._data):
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a "
            "single memory location. Please clone() the tensor before performing the operation."
        )


def _value_shape(value):
    # A non-tensor value is host Python data (a number, a nested list).
    return tuple(value.shape) if isinstance(value, Tensor) else np.shape(value)


def _shape_mismatch(value, shape):
    vshape = list(_value_shape(value))
    return RuntimeError(
        f"shape mismatch: value tensor of shape {vshape} cannot be broadcast to indexing "
        f"result of shape {list(shape)}"
    )


def _put(x, key, value, accumulate=False):
    try:
        # Index a zero-size broadcast view: the result's shape, without touching data.
        xp = array_module(x._data)
        target = xp.broadcast_to(xp.empty((), bool), x._data.shape)[key].shape
    except IndexError as err:
        raise _numpy_error(err, x) from None
    vshape = _value_shape(value)
    try:
        fits = np.broadcast_shapes(vshape, target) == target
    except ValueError:
        fits = False
    if not fits:
        raise _shape_mismatch(value, target)
    return IndexPut.apply(x, value, key=key, accumulate=accumulate)


_put.__name__ = "index_put"


def index_put(input, indices, values, accumulate=False):
    """A copy of ``input`` with ``values`` put at the advanced index ``indices`` (a tuple of
    tensors); ``accumulate`` adds instead, summing repeated indices."""
    key, _ = _parse_key(input, tuple(indices))
    if isinstance(values, Tensor) and values.dtype is not input.dtype:
        raise RuntimeError(
            "Index put requires the source and destination dtypes match, got "
            f"{_name(input.dtype)} for the destination and {_name(values.dtype)} for the source."
        )
    return _put(input, key, values, accumulate)


def _name(dtype):

    return SCALAR_NAMES.get(dtype, str(dtype))


# ---- masks ------------------------------------------------------------------------------------


def _check_mask(mask, name):
    if not isinstance(mask, Tensor) or mask._data.dtype != np.bool_:
        dt = _name(mask.dtype).lower() if isinstance(mask, Tensor) else type(mask).__name__
        raise RuntimeError(f"{name} only supports boolean masks, but got mask with dtype {dt}")


def _broadcast_error(a, b):
    a, b = tuple(a), tuple(b)
    n = max(len(a), len(b))
    pa, pb = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    for i in range(n - 1, -1, -1):
        if pa[i] != pb[i] and pa[i] != 1 and pb[i] != 1:
            return RuntimeError(
                f"The size of tensor a ({pa[i]}) must match the size of tensor b ({pb[i]}) at "
                f"non-singleton dimension {i}"
            )
    return None


class MaskedFill(Op):
    """``x`` with ``value`` where ``mask`` holds (mask broadcast to ``x``)."""

    def forward(ctx, x, value, mask):
        ctx.mask = mask
        xp = ctx.xp
        return xp.where(mask, xp.asarray(value, x.dtype), x)

    def backward(ctx, grad):
        need_x, need_value = ctx.needs_input_grad
        mask = ctx.mask
        gx = MaskedFill.apply(grad, 0.0, mask=mask) if need_x else None
        gv = MaskedFill.apply(grad, 0.0, mask=~mask) if need_value else None
        return gx, gv


def masked_fill(input, mask, value):
    """``input`` with ``value`` (a number or 0-d tensor) where ``mask`` is True."""
    _check_mask(mask, "masked_fill_")
    if isinstance(value, Tensor) and value._data.ndim != 0:
        raise RuntimeError(
            "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
            f"{value._data.ndim} dimension(s)."
        )
    shape = input._data.shape
    m = mask._data
    if m.shape != shape:
        err = _broadcast_error(m.shape, shape)
        if err is not None or np.broadcast_shapes(shape, m.shape) != shape:
            raise err or RuntimeError(
                f"masked_fill_: mask of shape {list(m.shape)} cannot be broadcast to input of "
                f"shape {list(shape)}"
            )
        m = array_module(m).broadcast_to(m, shape)
    return MaskedFill.apply(input, value, mask=m)


def masked_select(input, mask):
    """The elements of ``input`` where ``mask`` is True, as a 1-D tensor (both broadcast)."""
    if not isinstance(mask, Tensor) or mask._data.dtype != np.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    err = _broadcast_error(mask._data.shape, input._data.shape)
    if err is not None:
        raise err
    shape = np.broadcast_shapes(input._data.shape, mask._data.shape)
    x = input if input._data.shape == shape else input.expand(shape)
    return Index.apply(x, key=(array_module(mask._data).broadcast_to(mask._data, shape),))


def masked_scatter(input, mask, source):
    """``input`` with the first elements of ``source`` written, in order, where ``mask``
    holds."""
    _check_mask(mask, "masked_scatter_")
    shape = input._data.shape
    if mask._data.shape != shape:
        err = _broadcast_error(mask._data.shape, shape)
        if err is not None:
            raise err
    m = array_module(mask._data).broadcast_to(mask._data, shape)
    count = int(m.sum())
    if source._data.size < count:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    if source.dtype is not input.dtype:
        raise RuntimeError(
            "masked_scatter_: expected self and source to have same dtypes but got "
            f"{_name(input.dtype)} and {_name(source.dtype)}"
        )
    values = source.reshape(-1)[:count]
    return IndexPut.apply(input, values, key=(m,), accumulate=False)


masked_fill_ = make_inplace(masked_fill)
masked_scatter_ = make_inplace(masked_scatter)
index_put_ = make_inplace(index_put)


# ---- take, nonzero ----------------------------------------------------------------------------


def take(input, index):
    """Elements of ``input`` (read as 1-D) at ``index``; the result has ``index``'s shape."""
    _check_index_dtype(index, "take")
    n = input._data.size
    idx = index._data
    bad = (idx >= n) | (idx < -n)
    if bad.any():
        raise IndexError(
            f"out of range: tried to access index {int(idx[bad].ravel()[0])} on a tensor of {n} "
            "elements."
        )
    return Index.apply(input.reshape(-1), key=(idx.astype(np.int64, copy=False),))


def _check_index_dtype(index, name):
    if not isinstance(index, Tensor) or index._data.dtype != np.int64:
        dt = _name(index.dtype) if isinstance(index, Tensor) else type(index).__name__
        raise RuntimeError(f"{name}(): Expected a long tensor for index, but got {dt}")


def take_along_dim(input, indices, dim=None):
    """Values of ``input`` at ``indices`` along ``dim`` (None: the flattened input), with
    ``input`` and ``indices`` broadcast against each other in the other dims."""
    from ember.ops.scatter import gather

    if not isinstance(indices, Tensor) or indices._data.dtype.kind not in "iu":
        raise RuntimeError(
            "torch.take_along_dim(): dtype of indices should be int64 but got "
            f"{getattr(indices, 'dtype', type(indices).__name__)} instead"
        )
    if dim is None:
        return gather(input.reshape(-1), 0, indices.reshape(-1).long())
    from ember.ops._common import wrap_dim

    n = input._data.ndim
    if indices._data.ndim != n:
        raise RuntimeError(
            "torch.take_along_dim(): input and indices should have the same number of "
            f"dimensions, but got {n} dimensions for input, and {indices._data.ndim} "
            "dimensions for indices"
        )
    d = wrap_dim(dim, n)
    xs, ix = list(input._data.shape), list(indices._data.shape)
    xs[d] = ix[d] = 1
    shape = np.broadcast_shapes(tuple(xs), tuple(ix))
    x_shape = shape[:d] + (input._data.shape[d],) + shape[d + 1 :]
    i_shape = shape[:d] + (indices._data.shape[d],) + shape[d + 1 :]
    x = input if input._data.shape == x_shape else input.expand(x_shape)
    i = indices if indices._data.shape == i_shape else indices.expand(i_shape)
    return gather(x, d, i.long())


def nonzero(input, *, out=None, as_tuple=False):
    """Indices of the non-zero elements: an (n, ndim) int64 tensor, or one 1-D tensor per dim
    with ``as_tuple``."""
    a = input._data
    xp = array_module(a)
    if as_tuple:
        return tuple(make_tensor(i) for i in xp.nonzero(a.reshape(1) if a.ndim == 0 else a))
    if a.ndim == 0:
        result = make_tensor(xp.zeros((int(a != 0), 0), np.int64))
    else:
        result = make_tensor(xp.argwhere(a).astype(np.int64, copy=False))
    from ember.ops._inplace import write_out

    return write_out(result, out, "nonzero")


def argwhere(input):
    """Indices of the non-zero elements, as an (n, ndim) int64 tensor."""
    return nonzero(input)


INPLACE_METHODS = ("masked_fill_", "masked_scatter_", "index_put_", "copy_")
