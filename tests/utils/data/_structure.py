"""Comparable plain forms of ember and PyTorch results: tensors become (dtype name, shape,
values), containers keep their type names."""

import numpy as np


def plain(x):
    """``x`` with every ember or torch tensor replaced by ``(dtype, shape, values)``."""
    if hasattr(x, "dtype") and hasattr(x, "shape") and type(x).__module__ != "numpy":
        return ("tensor", str(x.dtype).split(".")[-1], tuple(x.shape), np.asarray(x).tolist())
    if isinstance(x, dict):
        return ("dict", {k: plain(v) for k, v in x.items()})
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return (type(x).__name__, [plain(v) for v in x])
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [plain(v) for v in x])
    return x
