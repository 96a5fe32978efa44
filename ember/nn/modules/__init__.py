"""Layer classes, one module per family. Each block re-exports one family's classes."""

# ---- module, containers (nn-A) ----
from ember.nn.modules.container import (
    ModuleDict,
    ModuleList,
    ParameterDict,
    ParameterList,
    Sequential,
)
from ember.nn.modules.module import Module

# ---- linear, activation, loss, dropout, sparse, flatten (nn-A) ----

# ---- conv, pooling, normalization, padding, upsampling, pixelshuffle, fold (nn-B) ----

# ---- rnn, transformer (nn-C) ----

__all__ = [name for name in dir() if not name.startswith("_")]
