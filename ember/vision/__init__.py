"""``ember.vision``: torchvision's API under ember's name (datasets, transforms, models, utils,
io). ``import ember.vision as torchvision`` runs torchvision code."""

import importlib

__all__ = ["datasets", "io", "models", "transforms", "utils"]


def __getattr__(name):
    # Submodules load on first use, so ``import ember.vision`` stays cheap (Pillow and the
    # model zoo are imported only by the programs that use them).
    if name in __all__:
        return importlib.import_module(f"ember.vision.{name}")
    raise AttributeError(f"module 'ember.vision' has no attribute '{name}'")
