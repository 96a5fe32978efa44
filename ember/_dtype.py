"""dtypes: ember's dtype objects, PyTorch's promotion rules, the default dtype, finfo/iinfo.

ember owns type promotion; NumPy never decides a result dtype. Python scalars are "weak":
they only change the result's category (bool < integer < floating), never its width.
"""

import builtins

import ml_dtypes
import numpy as np

__all__ = [
    "dtype",
    "float16",
    "bfloat16",
    "float32",
    "float64",
    "int8",
    "uint8",
    "int16",
    "int32",
    "int64",
    "bool",
    "half",
    "float",
    "double",
    "short",
    "int",
    "long",
    "get_default_dtype",
    "set_default_dtype",
    "promote_types",
    "result_type",
    "can_cast",
    "finfo",
    "iinfo",
    "is_floating_np",
]


class dtype:
    """A tensor element type, as ``torch.dtype``; compare with ``is`` or ``==``."""

    __slots__ = (
        "name",
        "abbr",
        "np",
        "is_floating_point",
        "is_signed",
        "itemsize",
        "_rank",
        "_kind",
    )
    is_complex = False

    def __init__(self, name, abbr, np_dtype, kind, rank):
        self.name = name
        self.abbr = abbr
        self.np = np.dtype(np_dtype)
        self.is_floating_point = kind == 2
        self.is_signed = kind == 2 or (kind == 1 and name != "uint8")
        self.itemsize = self.np.itemsize
        self._kind = kind  # 0 bool, 1 integer, 2 floating: the promotion category
        self._rank = rank  # order inside the category, for promotion

    def __repr__(self):
        return f"ember.{self.name}"

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))

    def to_real(self):
        """The real dtype of this one: itself, as ember has no complex dtypes."""
        return self

    def to_complex(self):
        """Raises TypeError: ember has no complex dtypes.

        Differences from PyTorch: PyTorch returns the matching complex dtype.
        """
        raise TypeError(f"ember has no complex dtypes (asked for the complex type of {self})")


bool = dtype("bool", "b8", np.bool_, 0, 0)
uint8 = dtype("uint8", "u8", np.uint8, 1, 1)
int8 = dtype("int8", "i8", np.int8, 1, 1)
int16 = dtype("int16", "i16", np.int16, 1, 2)
int32 = dtype("int32", "i32", np.int32, 1, 3)
int64 = dtype("int64", "i64", np.int64, 1, 4)
float16 = dtype("float16", "f16", np.float16, 2, 1)
bfloat16 = dtype("bfloat16", "bf16", ml_dtypes.bfloat16, 2, 1)
float32 = dtype("float32", "f32", np.float32, 2, 2)
float64 = dtype("float64", "f64", np.float64, 2, 3)

half = float16
float = float32
double = float64
short = int16
int = int32
long = int64

ALL_DTYPES = (bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64)

# PyTorch's ScalarType names, which its error messages use ("expected scalar type Float"),
# looked up by dtype or by dtype name.
SCALAR_NAMES = {bool: "Bool", uint8: "Byte", int8: "Char", int16: "Short", int32: "Int"}
SCALAR_NAMES.update({int64: "Long", float16: "Half", bfloat16: "BFloat16"})
SCALAR_NAMES.update({float32: "Float", float64: "Double"})
SCALAR_NAMES.update({d.name: n for d, n in list(SCALAR_NAMES.items())})
_BY_NAME = {d.name: d for d in ALL_DTYPES}
_BY_NAME.update(half=half, float=float32, double=float64, short=int16, int=int32, long=int64)
_FROM_NP = {d.np: d for d in ALL_DTYPES}


# NumPy dtypes that hold floating-point numbers: NumPy's own ("f" kind) and ml_dtypes' bfloat16
# and float8 types, whose NumPy kind is "V" (void), so a ``kind == "f"`` test misses them.
_ML_FLOATING = frozenset(
    np.dtype(getattr(ml_dtypes, name))
    for name in (
        "bfloat16",
        "float8_e4m3fn",
        "float8_e4m3fnuz",
        "float8_e4m3b11fnuz",
        "float8_e5m2",
        "float8_e5m2fnuz",
    )
    if hasattr(ml_dtypes, name)
)


def is_floating_np(np_dtype):
    """Whether a NumPy dtype holds floating-point numbers: float16/32/64, bfloat16, float8."""
    return np_dtype.kind == "f" or np_dtype in _ML_FLOATING


def _dtype_by_name(name):
    return _BY_NAME[name]


def from_numpy_dtype(np_dtype):
    """The ember dtype of a NumPy dtype; TypeError names it when ember has no such dtype."""
    try:
        return _FROM_NP[np_dtype]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type {np.dtype(np_dtype)}. The only supported types "
            "are: float64, float32, float16, bfloat16, int64, int32, int16, int8, uint8, and bool."
        ) from None


def as_dtype(d):
    """Accept an ember dtype, a NumPy dtype or Python type (float, int, bool), or a name."""
    if d is None or type(d) is dtype:
        return d
    if d is builtins.float:
        return float64
    if d is builtins.int:
        return int64
    if d is builtins.bool:
        return bool
    if isinstance(d, str) and d in _BY_NAME:
        return _BY_NAME[d]
    try:
        return from_numpy_dtype(np.dtype(d))
    except TypeError:
        raise TypeError(f"{d!r} is not an ember dtype") from None


_default_float = float32


def get_default_dtype():
    """The dtype of floating-point tensors created from Python floats (float32 unless set)."""
    return _default_float


def set_default_dtype(d):
    """Set the default floating-point dtype; only floating dtypes are accepted, as in PyTorch."""
    global _default_float
    if type(d) is not dtype:
        raise TypeError(
            "invalid dtype object: only floating-point types are supported as the default type"
        )
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _default_float = d


def promote_types(a, b):
    """The smallest dtype both ``a`` and ``b`` cast to safely, as ``torch.promote_types``."""
    if a is b:
        return a
    if a._kind != b._kind:
        return a if a._kind > b._kind else b
    if a._kind == 1:
        if a is uint8 or b is uint8:
            other = b if a is uint8 else a
            return int16 if other is int8 else other
        return a if a._rank > b._rank else b
    if a._rank == b._rank:  # float16 with bfloat16
        return float32
    return a if a._rank > b._rank else b


def scalar_dtype(value):
    """The dtype a Python scalar stands for in promotion (floats: the default dtype)."""
    t = type(value)
    if t is builtins.bool or t is np.bool_:
        return bool
    if t is builtins.int:
        return int64
    if t is builtins.float:
        return _default_float
    if isinstance(value, np.generic):
        return from_numpy_dtype(value.dtype)
    raise TypeError(f"expected a Tensor or a Python number, got {t.__name__}")


def _combine(higher, lower):
    # PyTorch's combine_categories: a lower-priority operand changes the result only when it
    # belongs to a higher category (a float scalar makes an integer tensor floating).
    if higher is None:
        return lower
    if lower is None or higher._kind == 2:
        return higher
    if higher is bool or lower._kind == 2:
        return promote_types(higher, lower)
    return higher


def result_type(*operands):
    """Result dtype of an op on tensors and Python scalars, with PyTorch's priority rules.

    Dimensioned tensors rank above 0-d tensors, which rank above Python scalars.
    """
    dim_t = zero_t = weak = None
    for x in operands:
        d = getattr(x, "dtype", None)
        if type(d) is dtype:
            if x._data.ndim:
                dim_t = d if dim_t is None else promote_types(dim_t, d)
            else:
                zero_t = d if zero_t is None else promote_types(zero_t, d)
        elif x is not None:
            s = scalar_dtype(x)
            weak = s if weak is None else promote_types(weak, s)
    return _combine(dim_t, _combine(zero_t, weak))


def can_cast(from_, to):
    """Whether casting ``from_`` to ``to`` is allowed by PyTorch's in-place rules."""
    return from_._kind <= to._kind


def _check_info_type(type, floating):
    if floating and not type.is_floating_point:
        raise TypeError(
            "ember.finfo() requires a floating point input type. Use ember.iinfo to handle "
            "'ember.finfo'"
        )
    if not floating:
        if type is bool:
            raise TypeError("ember.bool is not supported by ember.iinfo")
        if type._kind != 1:
            raise TypeError(
                "ember.iinfo() requires an integer input type. Use ember.finfo to handle "
                "'ember.iinfo'"
            )


class finfo:
    """Machine limits of a floating dtype, as ``torch.finfo``."""

    def __init__(self, type=None):
        type = _default_float if type is None else as_dtype(type)
        _check_info_type(type, floating=True)
        info = ml_dtypes.finfo(type.np) if type is bfloat16 else np.finfo(type.np)
        self.dtype = type.name
        self.bits = type.itemsize * 8
        self.eps = builtins.float(info.eps)
        self.max = builtins.float(info.max)
        self.min = builtins.float(info.min)
        self.tiny = builtins.float(info.tiny)
        self.smallest_normal = self.tiny
        # PyTorch's resolution is a power of ten: 10 ** -(decimal digits of precision).
        self.resolution = 10.0 ** -builtins.int(info.precision)

    def __eq__(self, other):
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __hash__(self):
        return hash(("finfo", self.dtype))

    def __repr__(self):
        return (
            f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
            f"eps={self.eps:g}, smallest_normal={self.tiny:g}, tiny={self.tiny:g}, "
            f"dtype={self.dtype})"
        )


class iinfo:
    """Limits of an integer dtype, as ``torch.iinfo``."""

    def __init__(self, type):
        type = as_dtype(type)
        _check_info_type(type, floating=False)
        info = np.iinfo(type.np)
        self.dtype = type.name
        self.bits = type.itemsize * 8
        self.max = builtins.int(info.max)
        self.min = builtins.int(info.min)

    def __eq__(self, other):
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __hash__(self):
        return hash(("iinfo", self.dtype))

    def __repr__(self):
        # PyTorch prints the limits with %g, so int32's min reads -2.14748e+09.
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"
