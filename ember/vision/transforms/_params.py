"""Argument checks shared by the transform classes (sizes, angles, fills, ranges)."""

import numbers
from collections.abc import Sequence

__all__ = []


def check_sequence_input(x, name, req_sizes):
    """``x`` is a sequence of one of the ``req_sizes`` lengths."""
    msg = req_sizes[0] if len(req_sizes) < 2 else " or ".join(str(s) for s in req_sizes)
    if not isinstance(x, Sequence):
        raise TypeError(f"{name} should be a sequence of length {msg}.")
    if len(x) not in req_sizes:
        raise ValueError(f"{name} should be a sequence of length {msg}.")


def setup_angle(x, name, req_sizes=(2,)):
    """A number becomes the range [-x, x]; a sequence is checked and turned to floats."""
    if isinstance(x, numbers.Number):
        if x < 0:
            raise ValueError(f"If {name} is a single number, it must be positive.")
        x = [-x, x]
    else:
        check_sequence_input(x, name, req_sizes)
    return [float(d) for d in x]


def setup_size(size, error_msg):
    """(h, w) from an int, a one-element or a two-element sequence."""
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, Sequence) and len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise ValueError(error_msg)
    return size


def check_fill(fill):
    """A fill is None, a number, or a sequence of numbers."""
    if fill is None:
        return 0
    if not isinstance(fill, (numbers.Number, tuple, list)):
        raise TypeError("Fill should be either a sequence or a number.")
    return fill


def tensor_fill(fill, channels):
    """Fill for tensor images: one float per channel, or None."""
    if isinstance(fill, (int, float)):
        return [float(fill)] * channels
    if fill is not None:
        return [float(f) for f in fill]
    return None
