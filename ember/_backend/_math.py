"""Math helpers where NumPy and CuPy differ: the special-function module (``scipy.special`` or
``cupyx.scipy.special``), special functions evaluated at the input's precision, the error
type that linear algebra raises, and extreme reductions and scans (CuPy's ufuncs have no
``maximum.reduce`` nor any ``.accumulate`` but add's and multiply's).

SciPy and cupyx are imported inside the functions, on first use: importing ember never imports
CuPy, and SciPy is loaded only by code that needs a special function.
"""

import numpy as np

__all__ = [
    "special_module",
    "special",
    "erfc",
    "SolverError",
    "reduce_extreme",
    "accumulate",
    "inclusive_scan",
]

# The error the solvers of either module raise on a singular or non-positive-definite input
# (CuPy raises NumPy's type too). Named apart from ember.linalg.LinAlgError, its public twin.
SolverError = np.linalg.LinAlgError

_SPECIAL = {}


def _host_arrays(xp):
    """Whether ``xp`` computes on NumPy arrays (NumPy itself, or a device of NumPy subclasses
    such as the test device), which scipy's ufuncs accept and keep."""
    return xp is np or issubclass(xp.ndarray, np.ndarray)


def special_module(xp):
    """The special-function namespace for arrays of ``xp``: ``scipy.special`` for NumPy
    arrays, ``cupyx.scipy.special`` for CuPy's."""
    module = _SPECIAL.get(xp)
    if module is None:
        if _host_arrays(xp):
            import scipy.special as module
        else:
            import cupyx.scipy.special as module
        _SPECIAL[xp] = module
    return module


def special(xp, name, x, *args):
    """``special_module(xp).<name>(*args, x)`` in ``x``'s precision, cast back to its dtype.

    The kernels have float32 and float64 loops; other floating dtypes (float16, bfloat16)
    compute in float32, which holds every one of their values exactly.
    """
    fn = getattr(special_module(xp), name)
    if x.dtype == np.float32 or x.dtype == np.float64:
        return xp.asarray(fn(*args, x))
    return xp.asarray(fn(*args, x.astype(np.float32))).astype(x.dtype)


def erfc(xp, x):
    """``erfc(x)`` at ``x``'s precision, subnormal results included.

    scipy's float64 erfc flushes its results to 0 once they turn subnormal (x > 26.55), where
    PyTorch (and CUDA's erfc) keep them; there ``erfcx(x) * exp(-x**2)`` gives them, to well
    within PyTorch's tolerance (the rounding of x**2 costs at most a few units in 1e-13).
    """
    out = special(xp, "erfc", x)
    if x.dtype == np.float64 and _host_arrays(xp) and (x > 26.5).any():
        tail = (out == 0) & (x > 0)
        xt = x[tail]
        out[tail] = special(xp, "erfcx", xt) * xp.exp(-xt * xt)
    return out


def reduce_extreme(xp, x, axis, largest, keepdims=True):
    """The maximum (``largest``) or minimum of ``x`` over ``axis`` (None, an int or a tuple),
    NaN where a slice holds one: ``maximum.reduce`` on NumPy arrays (no dispatch cost),
    ``xp.amax``/``xp.amin`` elsewhere."""
    if _host_arrays(xp):
        ufunc = xp.maximum if largest else xp.minimum
        return ufunc.reduce(x, axis=axis, keepdims=keepdims)
    reduce = xp.amax if largest else xp.amin
    return reduce(x, axis=axis, keepdims=keepdims)


# The ufuncs ``accumulate`` scans with off the host: each is associative, so the log-step scan
# gives the sequential scan's result (up to rounding, for logaddexp).
_SCANS = ("maximum", "minimum", "logaddexp")


def accumulate(xp, name, x, axis):
    """``xp.<name>.accumulate(x, axis=axis)`` for ``name`` in maximum, minimum, logaddexp: the
    ufunc method on NumPy arrays, :func:`inclusive_scan` on other array modules."""
    if name not in _SCANS:
        raise ValueError(f"accumulate: no scan for {name!r} (expected one of {_SCANS})")
    if _host_arrays(xp):
        return getattr(xp, name).accumulate(x, axis=axis)
    return inclusive_scan(xp, getattr(xp, name), x, axis)


def inclusive_scan(xp, op, x, axis):
    """The inclusive scan of ``x`` along ``axis`` under the associative binary ``op``
    (``out[i] = op(out[i - 1], x[i])``), in ceil(log2 n) vectorised steps: step s combines
    each place with the one s places before it (Hillis and Steele), O(n log n) work in all.
    """
    out = xp.array(x, copy=True)
    n = x.shape[axis]
    later = [slice(None)] * x.ndim
    earlier = [slice(None)] * x.ndim
    step = 1
    while step < n:
        later[axis], earlier[axis] = slice(step, None), slice(None, n - step)
        # The right side is a new array, so every place reads the previous step's values.
        out[tuple(later)] = op(out[tuple(earlier)], out[tuple(later)])
        step *= 2
    return out
