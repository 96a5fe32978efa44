"""``assert_close``: compare tensors (or nested sequences of them) within tolerances."""

import numpy as np

from ember._dtype import is_floating_np
from ember._tensor import Tensor

__all__ = ["assert_close"]

# PyTorch's default tolerances per dtype (rtol, atol).
_TOLERANCES = {
    "float16": (1e-3, 1e-5),
    "bfloat16": (1.6e-2, 1e-5),
    "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7),
}


def _array(x):
    if isinstance(x, Tensor):
        return x._data
    if hasattr(x, "detach") and hasattr(x, "numpy"):  # a torch tensor in oracle tests
        # force=True materialises PyTorch's ZeroTensor gradients (sgn's, for one).
        return x.detach().cpu().numpy(force=True)
    return np.asarray(x)


def assert_close(
    actual, expected, *, rtol=None, atol=None, equal_nan=False, check_dtype=True, msg=None
):
    """Raise AssertionError when ``actual`` and ``expected`` differ beyond tolerance."""
    if isinstance(actual, (tuple, list)) and not isinstance(expected, np.ndarray):
        if len(actual) != len(expected):
            raise AssertionError(f"length mismatch: {len(actual)} != {len(expected)}")
        for a, e in zip(actual, expected):
            assert_close(
                a, e, rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=check_dtype, msg=msg
            )
        return
    a, e = _array(actual), _array(expected)
    if a.shape != e.shape:
        raise AssertionError(msg or f"shape mismatch: {a.shape} != {e.shape}")
    if check_dtype and str(a.dtype) != str(e.dtype):
        raise AssertionError(msg or f"dtype mismatch: {a.dtype} != {e.dtype}")
    default = _TOLERANCES.get(str(a.dtype), (0.0, 0.0))
    rtol = default[0] if rtol is None else rtol
    atol = default[1] if atol is None else atol
    a64 = a.astype(np.float64) if is_floating_np(a.dtype) else a
    e64 = e.astype(np.float64) if is_floating_np(e.dtype) else e
    if a64.dtype.kind in "fc":
        ok = np.isclose(a64, e64, rtol=rtol, atol=atol, equal_nan=equal_nan)
    else:
        ok = a64 == e64
    if not np.all(ok):
        bad = np.argwhere(~np.asarray(ok))
        first = tuple(bad[0]) if bad.size else ()
        raise AssertionError(
            msg
            or f"Tensors are not close: {bad.shape[0]} / {a.size} elements differ; first at "
            f"{first}: {a64[first] if a.ndim else a64} vs {e64[first] if e.ndim else e64} "
            f"(rtol={rtol}, atol={atol})"
        )
