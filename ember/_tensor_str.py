"""Printing tensors: ``repr`` with PyTorch's exact layout rules, and the print options.

The rules are those of ``torch._tensor_str``: one formatter per tensor chooses integer, fixed
or scientific notation from the nonzero finite values (of the summarised data when the tensor
is summarised) and a common width; rows wrap at ``linewidth``; dims past ``threshold``
elements show ``edgeitems`` entries at each end. Everything here works on the NumPy array, so
printing never records autograd history and needs no ops. The one difference from PyTorch is
the namespace in dtype names: ``ember.float64``.
"""

import contextlib
import dataclasses
import math

import numpy as np

from ember import _dtype
from ember._backend import to_host

__all__ = ["set_printoptions", "get_printoptions", "printoptions", "tensor_repr"]


@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrintOptions()

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(
    precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None
):
    """Set the print options (``profile`` is 'default', 'short' or 'full'), as PyTorch's."""
    if profile is not None:
        for name, value in _PROFILES[profile].items():
            setattr(PRINT_OPTS, name, value)
    for name, value in (
        ("precision", precision),
        ("threshold", threshold),
        ("edgeitems", edgeitems),
        ("linewidth", linewidth),
    ):
        if value is not None:
            setattr(PRINT_OPTS, name, value)
    PRINT_OPTS.sci_mode = sci_mode  # None restores the automatic choice, as in PyTorch


def get_printoptions():
    """The current print options as a dict that ``set_printoptions(**opts)`` accepts."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change the print options."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


def _is_floating(array):
    return _dtype.is_floating_np(array.dtype)


def _as_python(array):
    """Values as Python scalars (floats through float64, as ``Tensor.tolist`` gives them)."""
    return array.astype(np.float64).tolist() if _is_floating(array) else array.tolist()


class _Formatter:
    """Chooses the notation and the common width of every element of one tensor."""

    def __init__(self, array):
        self.floating = _is_floating(array)
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        if not self.floating:
            for value in array.reshape(-1).tolist():
                self.max_width = max(self.max_width, len(f"{value}"))
            return
        values = array.reshape(-1).astype(np.float64)
        nonzero_finite = values[np.isfinite(values) & (values != 0)]
        if nonzero_finite.size == 0:
            return
        magnitudes = np.abs(nonzero_finite)
        lo, hi = float(magnitudes.min()), float(magnitudes.max())
        self.int_mode = bool((nonzero_finite == np.ceil(nonzero_finite)).all())
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
        else:
            self.sci_mode = PRINT_OPTS.sci_mode
        p = PRINT_OPTS.precision
        finite = nonzero_finite.tolist()
        if self.sci_mode:
            width = max(len(f"{v:.{p}e}") for v in finite)
        elif self.int_mode:
            # A decimal point follows each integral value to mark the dtype as floating.
            width = max(len(f"{v:.0f}") for v in finite) + 1
        else:
            width = max(len(f"{v:.{p}f}") for v in finite)
        self.max_width = max(self.max_width, width)

    def format(self, value):
        if self.floating:
            if self.sci_mode:
                text = f"{value:{self.max_width}.{PRINT_OPTS.precision}e}"
            elif self.int_mode:
                text = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    text += "."
            else:
                text = f"{value:.{PRINT_OPTS.precision}f}"
        else:
            text = f"{value}"
        return (self.max_width - len(text)) * " " + text


def _vector_str(array, indent, summarize, formatter):
    element_length = formatter.max_width + 2
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))
    edge = PRINT_OPTS.edgeitems
    if summarize and not edge:
        data = ["..."]
    elif summarize and array.shape[0] > 2 * edge:
        data = (
            [formatter.format(v) for v in _as_python(array[:edge])]
            + [" ..."]
            + [formatter.format(v) for v in _as_python(array[-edge:])]
        )
    else:
        data = [formatter.format(v) for v in _as_python(array)]
    lines = [", ".join(data[i : i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(array, indent, summarize, formatter):
    ndim = array.ndim
    if ndim == 0:
        return formatter.format(_as_python(array))
    if ndim == 1:
        return _vector_str(array, indent, summarize, formatter)
    edge = PRINT_OPTS.edgeitems
    n = array.shape[0]
    if summarize and n > 2 * edge:
        rows = [_nested_str(array[i], indent + 1, summarize, formatter) for i in range(edge)]
        rows.append("...")
        rows += [
            _nested_str(array[i], indent + 1, summarize, formatter) for i in range(n - edge, n)
        ]
    else:
        rows = [_nested_str(array[i], indent + 1, summarize, formatter) for i in range(n)]
    return "[" + ("," + "\n" * (ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def _summarized(array):
    """The elements a summarised print shows, which alone decide the formatter."""
    edge = PRINT_OPTS.edgeitems
    if array.ndim == 0:
        return array
    if array.ndim == 1:
        if array.shape[0] > 2 * edge:
            # array[-0:] is the whole array: PyTorch's quirk when edgeitems is 0, kept.
            return np.concatenate((array[:edge], array[-edge:]))
        return array
    if not edge:
        return np.empty((0,) * array.ndim, array.dtype)
    n = array.shape[0]
    rows = range(n) if n <= 2 * edge else [*range(edge), *range(n - edge, n)]
    return np.stack([_summarized(array[i]) for i in rows])


def _tensor_str(array, indent):
    if array.size == 0:
        return "[]"
    summarize = array.size > PRINT_OPTS.threshold
    formatter = _Formatter(_summarized(array) if summarize else array)
    return _nested_str(array, indent, summarize, formatter)


def _add_suffixes(text, suffixes, indent):
    parts = [text]
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def _prefix(t):
    cls = type(t)
    plain = cls.__name__ == "Tensor" or (
        cls.__name__ == "Parameter" and cls.__module__ == "ember.nn.parameter"
    )
    return "tensor(" if plain else f"{cls.__name__}("


def tensor_repr(t, *, tensor_contents=None):
    """``repr(t)`` laid out exactly as PyTorch lays it out."""
    array = to_host(t._data)
    prefix = _prefix(t)
    indent = len(prefix)
    suffixes = []
    # As PyTorch: the device is shown unless it is the CPU (PyTorch compares with the default
    # tensor type's device, which ``set_default_device`` leaves on the CPU).
    device = t.device
    if device.type != "cpu":
        suffixes.append(f"device='{device}'")
    dtype = t.dtype
    default = _dtype.get_default_dtype()
    if array.size == 0:
        if array.ndim != 1:
            suffixes.append(f"size={tuple(array.shape)}")
        # An empty tensor has no elements to tell an integer dtype from a floating one.
        if dtype is not default:
            suffixes.append(f"dtype={dtype}")
        text = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={tuple(array.shape)}")
        if dtype not in (default, _dtype.int64, _dtype.bool):
            suffixes.append(f"dtype={dtype}")
        text = _tensor_str(array, indent)
    if tensor_contents is not None:
        text = tensor_contents
    if t._grad_fn is not None:
        suffixes.append(f"grad_fn=<{t._grad_fn.name()}>")
    elif t._requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + text, suffixes, indent)
