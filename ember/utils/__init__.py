"""``ember.utils``: data loading, checkpoint formats and the tools around training."""

import importlib

from ember.utils import data
from ember.utils._summary import summary

__all__ = ["data", "summary"]

# Submodules that pull in more than ``utils.data`` load on first use, as attributes
# (``ember.utils.tensorboard``) or by import (``from ember.utils.tensorboard import ...``).
_LAZY_SUBMODULES = ("tensorboard", "safetensors")


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f"ember.utils.{name}")
    raise AttributeError(f"module 'ember.utils' has no attribute '{name}'")
