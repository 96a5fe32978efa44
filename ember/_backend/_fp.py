"""NumPy's floating-point warnings, silenced: PyTorch is silent on 1/0, overflow and invalid
values (they give inf and nan), so ember is too.

Note [quiet floating point]
NumPy warns (RuntimeWarning) when a ufunc divides by zero, overflows or makes a NaN, unless
its error state says "ignore". Measured on bench/core.py's 4x4 chain (per op, 2-core machine,
about 12 us per op in all): ``with np.errstate(all="ignore")`` around each op's forward costs
about 2 us (15%); setting and resetting NumPy's error-state context variable directly around
each forward costs about 0.35 us per op call, 0.7 us per chain op with its backward (5.5%,
past the 5% budget); a warnings filter on ember's modules costs nothing but lets a user's
``-W error`` (or pytest's ``filterwarnings = error``) turn them back into exceptions, and
misses warnings raised inside NumPy's own Python code (``mean`` of an empty slice).
So ember sets NumPy's error state to "ignore" once, when it is imported (``np.seterr``, in the
importing thread; NumPy keeps the state per thread and context), at no per-op cost. The
engine and the optimizers also enter "ignore" once per backward and per step (``quiet``,
``restore``), which covers backward passes and steps run in other threads. CuPy never warns.

Differences from PyTorch: after ``import ember``, NumPy code of the importing thread no longer
warns on floating-point errors either; ``np.seterr(all="warn")`` restores NumPy's warnings
(and lets ember's forward ops warn again).
"""

import numpy as np

__all__ = ["quiet", "restore", "QUIET", "silence"]

try:
    # NumPy's own error-state variable (what np.errstate sets): private, hence the fallback.
    from numpy._core._ufunc_config import _extobj_contextvar as _STATE

    with np.errstate(all="ignore"):
        QUIET = _STATE.get()
    quiet = _STATE.set
    restore = _STATE.reset
except (ImportError, AttributeError):  # another NumPy layout: the public, slower context
    QUIET = None

    def quiet(_):
        """Enter NumPy's "ignore" error state; returns what ``restore`` needs."""
        state = np.errstate(all="ignore")
        state.__enter__()
        return state

    def restore(state):
        """Leave the error state entered by ``quiet``."""
        state.__exit__(None, None, None)


def silence():
    """Set NumPy's floating-point error handling to "ignore" in this thread (at import)."""
    np.seterr(all="ignore")


silence()
