"""The differentiable ops, one module per family. Importing this package installs each
family's ``TENSOR_METHODS`` (and in-place ``INPLACE_METHODS``) on Tensor and binds the module
reference that Tensor's operators use."""

from ember import _tensor
from ember.ops import (
    activation,
    clamping,
    comparison,
    creation,
    cumulative,
    einsum,
    elementwise,
    extrema,
    indexing,
    joining,
    linalg,
    logical,
    random,
    rearrange,
    reduction,
    rounding,
    scatter,
    shape,
    sorting,
    unary_math,
)

# isort: split
# ember.linalg builds on the op families above, so it is imported after them.
from ember.linalg import _toplevel as linalg_toplevel  # torch.det, torch.svd... and methods

# isort: split
# Special math, queries, slicing, statistics, sets and structured constructors.
from ember.ops import (
    bessel,
    flat_index,
    float_bits,
    gamma_functions,
    integer_math,
    matrix_extra,
    set_ops,
    slicing,
    special_math,
    statistics,
    strided,
    structured,
    tensor_new,
    tensor_queries,
    vector_ops,
    view_inplace,
    view_scatter,
)

FAMILIES = (creation, random, elementwise, reduction, shape, linalg, einsum, activation)
FAMILIES += (extrema, cumulative, sorting)
FAMILIES += (unary_math, rounding, comparison, logical, clamping)
FAMILIES += (linalg_toplevel,)
FAMILIES += (joining, rearrange, indexing, scatter)

# Special math, queries, slicing, statistics, sets and structured constructors.
FAMILIES += (tensor_queries, special_math, slicing, view_inplace)
FAMILIES += (vector_ops, matrix_extra, statistics, set_ops, structured)
FAMILIES += (gamma_functions, strided, tensor_new)
FAMILIES += (float_bits, integer_math, view_scatter, flat_index, bessel)


def _install():
    names = {}
    for family in FAMILIES:
        for name in family.__all__:
            names[name] = getattr(family, name)
        for name in getattr(family, "INPLACE_METHODS", ()):
            names[name] = getattr(family, name)
        for name in getattr(family, "OPERATORS", ()):  # reached only through _ops (getitem)
            names[name] = getattr(family, name)
        for name in family.TENSOR_METHODS + getattr(family, "INPLACE_METHODS", ()):
            setattr(_tensor.Tensor, name, getattr(family, name))
    globals().update(names)
    _tensor._ops = _ModuleView(names)
    # The commonest operators call their op directly, saving a call per arithmetic op.
    for dunder, name in (("__sub__", "sub"), ("__truediv__", "div"), ("__neg__", "neg")):
        setattr(_tensor.Tensor, dunder, names[name])
    for dunder, method in elementwise.OPERATORS_FAST.items():  # __add__, __mul__
        setattr(_tensor.Tensor, dunder, method)


class _ModuleView:
    """Attribute access to every op by name (what Tensor's operators call)."""

    def __init__(self, names):
        self.__dict__.update(names)


_install()
