"""Process-wide settings that PyTorch exposes at top level: intra-op threads, deterministic
algorithms, and ``compile``.

ember runs on NumPy, whose BLAS owns its threads; these functions keep PyTorch's contract
(argument checks, the value read back) without reaching into the BLAS library.
"""

import os

__all__ = [
    "get_num_threads",
    "set_num_threads",
    "use_deterministic_algorithms",
    "are_deterministic_algorithms_enabled",
    "is_deterministic_algorithms_warn_only_enabled",
    "compile",
]

_STATE = {"threads": os.cpu_count() or 1, "deterministic": False, "warn_only": False}


def get_num_threads() -> int:
    """The number of threads last set with ``set_num_threads`` (the CPU count by default)."""
    return _STATE["threads"]


def set_num_threads(num: int) -> None:
    """Record the intra-op thread count.

    Differences from PyTorch: the value is remembered and read back by ``get_num_threads``,
    but NumPy's BLAS thread pool is left as it is (it is fixed when NumPy loads).
    """
    if isinstance(num, bool) or not isinstance(num, int):
        raise RuntimeError(f"set_num_threads expects an int, but got {_type_name(num)}")
    if num <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _STATE["threads"] = num


def _type_name(value):
    return type(value).__name__


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Record the deterministic-algorithms flag; every ember op is deterministic already.

    Differences from PyTorch: the flag changes nothing, as no ember op has a nondeterministic
    implementation to refuse or warn about.
    """
    if not isinstance(mode, bool):
        raise TypeError(
            "_set_deterministic_algorithms(): argument 'mode' (position 1) must be bool, not "
            f"{_type_name(mode)}"
        )
    if not isinstance(warn_only, bool):
        raise TypeError(
            "_set_deterministic_algorithms(): argument 'warn_only' must be bool, not "
            f"{_type_name(warn_only)}"
        )
    _STATE["deterministic"] = mode
    _STATE["warn_only"] = warn_only


def are_deterministic_algorithms_enabled() -> bool:
    """Whether ``use_deterministic_algorithms(True)`` is in force."""
    return _STATE["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """Whether deterministic mode was set with ``warn_only=True``."""
    return _STATE["warn_only"]


def compile(
    model=None,
    *,
    fullgraph=False,
    dynamic=None,
    backend="inductor",
    mode=None,
    options=None,
    disable=False,
):
    """Return ``model`` unchanged (or, called without a model, a decorator that does so).

    Differences from PyTorch: ember has no compiler; the arguments are accepted and ignored,
    and the model or function runs eagerly exactly as given.
    """
    if model is None:

        def decorate(fn):
            return fn

        return decorate
    if not callable(model):
        # PyTorch's own exception type for this case.
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    return model
