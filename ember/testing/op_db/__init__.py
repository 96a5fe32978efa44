"""The op registry: one ``OpInfo`` per op, in one module per op family. The generic tests in
tests/test_op_registry.py iterate ``all_ops()``; adding an op is adding an entry."""

from ember.testing.op_db.opinfo import OpInfo

__all__ = ["OpInfo", "all_ops"]

FAMILY_MODULES = ("elementwise", "reduction", "shape", "linalg", "sorting")
FAMILY_MODULES += ("unary_math", "comparison")
FAMILY_MODULES += ("activation",)
FAMILY_MODULES += ("indexing",)
FAMILY_MODULES += ("nn_conv",)
FAMILY_MODULES += ("nn_norm",)
FAMILY_MODULES += ("nn_recurrent",)
FAMILY_MODULES += ("special_math", "slicing_and_views", "statistics")


def all_ops():
    """Every registered OpInfo, across the family modules."""
    import importlib

    ops = []
    for name in FAMILY_MODULES:
        ops.extend(importlib.import_module(f"ember.testing.op_db.{name}").OPS)
    return ops
