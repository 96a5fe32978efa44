"""Logical and bitwise ops: logical_and/or/xor/not (any dtype in, bool out) and
bitwise_and/or/xor/not with the shifts (integers and bool only). No gradients.
"""

import numpy as np

from ember._tensor import Tensor, make_tensor
from ember.autograd.function import promote_arrays
from ember.ops._common import check_broadcast, not_implemented
from ember.ops._inplace import make_inplace, write_out

__all__ = [
    "logical_and",
    "logical_or",
    "logical_xor",
    "logical_not",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "bitwise_not",
    "bitwise_left_shift",
    "bitwise_right_shift",
]

TENSOR_METHODS = tuple(__all__)


def _binary(kernel, input, other):
    try:
        return make_tensor(np.asarray(kernel(*promote_arrays((input, other)))))
    except ValueError:
        check_broadcast(input, other)
        raise


def _logical(ufunc, name):
    def fn(input, other, *, out=None):
        try:
            a, b = np.asarray(input._data), np.asarray(getattr(other, "_data", other))
            result = make_tensor(np.asarray(ufunc(a, b)))
        except ValueError:
            check_broadcast(input, other)
            raise
        return result if out is None else write_out(result, out, name)

    fn.__name__ = name
    fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}`` of the truth values: a bool tensor."
    return fn


logical_and = _logical(np.logical_and, "logical_and")
logical_or = _logical(np.logical_or, "logical_or")
logical_xor = _logical(np.logical_xor, "logical_xor")


def logical_not(input, *, out=None):
    """Elementwise ``not``: a bool tensor."""
    return write_out(make_tensor(np.asarray(np.logical_not(input._data))), out, "logical_not")


def _check_integral(kernel_name, *operands):
    for x in operands:
        if isinstance(x, Tensor) and x._data.dtype.kind not in "iub":
            raise not_implemented(kernel_name, x)
        if isinstance(x, float):
            from ember import _dtype

            raise NotImplementedError(
                f'"{kernel_name}" not implemented for '
                f"'{'Float' if _dtype.get_default_dtype() is _dtype.float32 else 'Double'}'"
            )


def _bitwise(ufunc, name, kernel_name):
    def fn(input, other, *, out=None):
        _check_integral(kernel_name, input, other)
        result = _binary(ufunc, input, other)
        return result if out is None else write_out(result, out, name)

    fn.__name__ = name
    fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}`` of integer or bool tensors."
    return fn


bitwise_and = _bitwise(np.bitwise_and, "bitwise_and", "bitwise_and_cpu")
bitwise_or = _bitwise(np.bitwise_or, "bitwise_or", "bitwise_or_cpu")
bitwise_xor = _bitwise(np.bitwise_xor, "bitwise_xor", "bitwise_xor_cpu")


def bitwise_not(input, *, out=None):
    """Elementwise ``~``: logical not on bool, two's-complement not on integers."""
    _check_integral("bitwise_not_cpu", input)
    return write_out(make_tensor(np.asarray(np.invert(input._data))), out, "bitwise_not")


def _left_shift(a, b):
    # Shifting by the bit width or more (or by a negative amount) gives 0, as in PyTorch.
    bits = np.asarray(a).dtype.itemsize * 8
    with np.errstate(over="ignore"):
        shifted = np.left_shift(a, np.clip(b, 0, bits - 1))
    return np.where((np.asarray(b) >= bits) | (np.asarray(b) < 0), 0, shifted).astype(
        np.result_type(a, b)
    )


def _right_shift(a, b):
    # Shifting by the bit width or more (or a negative amount) fills with the sign bit.
    bits = np.asarray(a).dtype.itemsize * 8
    b = np.where((np.asarray(b) >= bits) | (np.asarray(b) < 0), bits - 1, b)
    return np.right_shift(a, b.astype(np.result_type(a, b))).astype(np.result_type(a, b))


def _shift(kernel, name, kernel_name):
    def fn(input, other, *, out=None):
        _check_integral(kernel_name, input, other)
        both_bool = all(
            (isinstance(x, Tensor) and x._data.dtype == np.bool_) or isinstance(x, bool)
            for x in (input, other)
        )
        if both_bool:
            raise not_implemented(kernel_name, input if isinstance(input, Tensor) else other)
        result = _binary(kernel, input, other)
        return result if out is None else write_out(result, out, name)

    fn.__name__ = name
    fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}`` of integer tensors."
    return fn


bitwise_left_shift = _shift(_left_shift, "bitwise_left_shift", "lshift_cpu")
bitwise_right_shift = _shift(_right_shift, "bitwise_right_shift", "rshift_cpu")

logical_and_ = make_inplace(logical_and)
logical_or_ = make_inplace(logical_or)
logical_xor_ = make_inplace(logical_xor)
logical_not_ = make_inplace(logical_not)
bitwise_and_ = make_inplace(bitwise_and)
bitwise_or_ = make_inplace(bitwise_or)
bitwise_xor_ = make_inplace(bitwise_xor)
bitwise_not_ = make_inplace(bitwise_not)
bitwise_left_shift_ = make_inplace(bitwise_left_shift)
bitwise_right_shift_ = make_inplace(bitwise_right_shift)
INPLACE_METHODS = tuple(name + "_" for name in __all__)
