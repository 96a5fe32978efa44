"""Padding layers: zero, constant, reflection, replication and circular, in 1, 2 and 3 dims."""

from ember.nn._functional.padding import pad
from ember.nn.modules.module import Module

__all__ = [
    "CircularPad1d",
    "CircularPad2d",
    "CircularPad3d",
    "ConstantPad1d",
    "ConstantPad2d",
    "ConstantPad3d",
    "ReflectionPad1d",
    "ReflectionPad2d",
    "ReflectionPad3d",
    "ReplicationPad1d",
    "ReplicationPad2d",
    "ReplicationPad3d",
    "ZeroPad1d",
    "ZeroPad2d",
    "ZeroPad3d",
]


def _padding_tuple(padding, n):
    """An int as ``n`` equal amounts; a sequence as a tuple, unchanged (as PyTorch's _ntuple)."""
    if isinstance(padding, int):
        return (padding,) * n
    return tuple(padding)


class _PadNd(Module):
    """A layer that pads the last ``_dims`` dims of its input by ``padding`` in ``_mode``."""

    _mode = "constant"
    _dims = 1

    def __init__(self, padding):
        super().__init__()
        self.padding = _padding_tuple(padding, 2 * self._dims)

    def forward(self, input):
        return pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pads the last dim with ``value``.

    Shape:
        - Input: ``(N, C, W_in)`` or ``(C, W_in)``.
        - Output: ``(N, C, W_out)`` or without ``N``; ``W_out = W_in + left + right``
          and likewise for the other padded dims (an int ``padding`` pads every side by that much).
    """

    _dims = 1


class ConstantPad2d(_ConstantPadNd):
    """Pads the last 2 dims with ``value``.

    Shape:
        - Input: ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)``.
        - Output: ``(N, C, H_out, W_out)`` or without ``N``; ``H_out = H_in + top + bottom``
          and likewise for the other padded dims (an int ``padding`` pads every side by that much).
    """

    _dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pads the last 3 dims with ``value``.

    Shape:
        - Input: ``(N, C, D_in, H_in, W_in)`` or ``(C, D_in, H_in, W_in)``.
        - Output: ``(N, C, D_out, H_out, W_out)`` or without ``N``; ``D_out = D_in + front + back``
          and likewise for the other padded dims (an int ``padding`` pads every side by that much).
    """

    _dims = 3


class ZeroPad1d(ConstantPad1d):
    """Pads the last dim with zeros.

    Shape:
        - Input: ``(N, C, W_in)`` or ``(C, W_in)``.
        - Output: ``(N, C, W_out)`` or without ``N``; ``W_out = W_in + left + right``
          and likewise for the other padded dims (an int ``padding`` pads every side by that much).
    """

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad2d(ConstantPad2d):
    """Pads the last 2 dims with zeros.

    Shape:
        - Input: ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)``.
        - Output: ``(N, C, H_out, W_out)`` or without ``N``; ``H_out = H_in + top + bottom``
          and likewise for the other padded dims (an int ``padding`` pads every side by that much).

    Example::

        >>> import ember
        >>> ember.nn.ZeroPad2d((1, 1, 2, 0))(ember.ones(1, 1, 2, 2)).shape
        ember.Size([1, 1, 4, 4])
    """

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad3d(ConstantPad3d):
    """Pads the last 3 dims with zeros.

    Shape:
        - Input: ``(N, C, D_in, H_in, W_in)`` or ``(C, D_in, H_in, W_in)``.
        - Output: ``(N, C, D_out, H_out, W_out)`` or without ``N``; ``D_out = D_in + front + back``
          and likewise for the other padded dims (an int ``padding`` pads every side by that much).
    """

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ReflectionPad1d(_PadNd):
    """Pads the last dim with the reflection of the input (edge not repeated).

    Shape:
        - Input: ``(N, C, W_in)`` or ``(C, W_in)``.
        - Output: ``(N, C, W_out)`` or without ``N``; ``W_out = W_in + left + right``
          and likewise for the other padded dims (an int ``padding`` pads every side by that much).
    """

    _mode, _dims = "reflect", 1


class ReflectionPad2d(_PadNd):
    """Pads the last 2 dims with the reflection of the input (edge not repeated).

    Shape:
        - Input: ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)``.
        - Output: ``(N, C, H_out, W_out)`` or without ``N``; ``H_out = H_in + top + bottom``
          and likewise for the other padded dims (an int ``padding`` pads every side by that much).
    """

    _mode, _dims = "reflect", 2


class ReflectionPad3d(_PadNd):
    """Pads the last 3 dims with the reflection of the input (edge not repeated).

    Shape:
        - Input: ``(N, C, D_in, H_in, W_in)`` or ``(C, D_in, H_in, W_in)``.
        - Output: ``(N, C, D_out, H_out, W_out)`` or without ``N``; ``D_out = D_in + front + back``
          and likewise for the other padded dims (an int ``padding`` pads every side by that much).
    """

    _mode, _dims = "reflect", 3


class ReplicationPad1d(_PadNd):
    """Pads the last dim by repeating the edge values.

    Shape:
        - Input: ``(N, C, W_in)`` or ``(C, W_in)``.
        - Output: ``(N, C, W_out)`` or without ``N``; ``W_out = W_in + left + right``
          and likewise for the other padded dims (an int ``padding`` pads every side by that much).
    """

    _mode, _dims = "replicate", 1


class ReplicationPad2d(_PadNd):
    """Pads the last 2 dims by repeating the edge values.

    Shape:
        - Input: ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)``.
        - Output: ``(N, C, H_out, W_out)`` or without ``N``; ``H_out = H_in + top + bottom``
          and likewise for the other padded dims (an int ``padding`` pads every side by that much).
    """

    _mode, _dims = "replicate", 2


class ReplicationPad3d(_PadNd):
    """Pads the last 3 dims by repeating the edge values.

    Shape:
        - Input: ``(N, C, D_in, H_in, W_in)`` or ``(C, D_in, H_in, W_in)``.
        - Output: ``(N, C, D_out, H_out, W_out)`` or without ``N``; ``D_out = D_in + front + back``
          and likewise for the other padded dims (an int ``padding`` pads every side by that much).
    """

    _mode, _dims = "replicate", 3


class _CircularPadNd(_PadNd):
    _mode = "circular"

    def forward(self, input):
        # The layer checks the input's rank itself, with the error PyTorch's layer raises.
        lo = self._dims + 1
        if input.dim() not in (lo, lo + 1):
            raise ValueError(f"expected {lo}D or {lo + 1}D input (got {input.dim()}D input)")
        return pad(input, self.padding, "circular")


class CircularPad1d(_CircularPadNd):
    """Pads the last dim with the values from its other end (periodic).

    Shape:
        - Input: ``(N, C, W_in)`` or ``(C, W_in)``.
        - Output: ``(N, C, W_out)`` or without ``N``; ``W_out = W_in + left + right``
          and likewise for the other padded dims (an int ``padding`` pads every side by that much).

    Differences from PyTorch: a negative pad that crops a dim to nothing while the other side pads
    it raises "Padding value causes wrapping around more than once." (PyTorch reads uninitialised
    memory there).
    """

    _dims = 1


class CircularPad2d(_CircularPadNd):
    """Pads the last 2 dims with the values from their other ends (periodic).

    Shape:
        - Input: ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)``.
        - Output: ``(N, C, H_out, W_out)`` or without ``N``; ``H_out = H_in + top + bottom``
          and likewise for the other padded dims (an int ``padding`` pads every side by that much).

    Differences from PyTorch: a negative pad that crops a dim to nothing while the other side pads
    it raises "Padding value causes wrapping around more than once." (PyTorch reads uninitialised
    memory there).
    """

    _dims = 2


class CircularPad3d(_CircularPadNd):
    """Pads the last 3 dims with the values from their other ends (periodic).

    Shape:
        - Input: ``(N, C, D_in, H_in, W_in)`` or ``(C, D_in, H_in, W_in)``.
        - Output: ``(N, C, D_out, H_out, W_out)`` or without ``N``; ``D_out = D_in + front + back``
          and likewise for the other padded dims (an int ``padding`` pads every side by that much).

    Differences from PyTorch: a negative pad that crops a dim to nothing while the other side pads
    it raises "Padding value causes wrapping around more than once." (PyTorch reads uninitialised
    memory there).
    """

    _dims = 3
