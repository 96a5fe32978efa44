"""Neural-network building blocks: Module, Parameter, layers, functional, init, utils."""

from ember.nn import functional, init, utils
from ember.nn.parameter import Buffer, Parameter

# ---- module, containers (nn-A) ----
from ember.nn.modules import (
    Module,
    ModuleDict,
    ModuleList,
    ParameterDict,
    ParameterList,
    Sequential,
)

# ---- linear, activation, loss, dropout, sparse, flatten (nn-A) ----

# ---- conv, pooling, normalization, padding, upsampling, pixelshuffle, fold (nn-B) ----

# ---- rnn, transformer (nn-C) ----

__all__ = [name for name in dir() if not name.startswith("_")]
