"""Array backends: the array module (NumPy, or CuPy for CUDA) that op code computes with.

Op code never names NumPy for array math. Inside ``Op.forward`` it uses ``ctx.xp``, the array
module of the op's inputs; elsewhere ``array_module(*arrays)`` gives the same answer. NumPy
stays the default: an array type that another backend registers maps to that backend's module.
"""

import numpy as np

__all__ = ["array_module", "register_array_type"]

# Array type -> array module, for every backend other than NumPy.
_MODULES = {}


def register_array_type(array_type, module):
    """Declare that arrays of ``array_type`` compute with ``module`` (a NumPy-like namespace)."""
    _MODULES[array_type] = module


def array_module(*arrays):
    """The array module of ``arrays``: the first non-NumPy backend's, else NumPy."""
    if _MODULES:
        for a in arrays:
            module = _MODULES.get(type(a))
            if module is not None:
                return module
    return np
