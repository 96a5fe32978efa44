"""Neural-network building blocks: Module, Parameter, layers, functional, init, utils."""

from ember.nn import functional, init, utils
from ember.nn.modules import *  # noqa: F403  (the layer classes; the list is modules.__all__)
from ember.nn.modules import __all__ as _modules_all
from ember.nn.parameter import Buffer, Parameter

__all__ = ["functional", "init", "utils", "Parameter", "Buffer", *_modules_all]
