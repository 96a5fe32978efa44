"""``OpInfo``: what the generic tests need to know about one op."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ember.testing.oracle import Sample

__all__ = ["OpInfo", "rand", "positive"]


@dataclass
class OpInfo:
    """One op: how to call it in a namespace ``T`` and which samples to call it on.

    - ``fn(T, *args, **kwargs)``: the call, written once for ember and for PyTorch.
    - ``samples(rng)``: a list of ``Sample`` (0-d, empty, broadcast, non-contiguous and
      negative-dim cases belong here).
    - ``grad``: compare gradients with PyTorch; ``gradcheck``/``gradgradcheck``: run the
      numerical checks in float64 (set False only for ops without a gradient, with a reason).
    - ``float32``: also compare in float32 (loose tolerances).
    """

    name: str
    fn: Callable
    samples: Callable
    grad: bool = True
    gradcheck: bool = True
    gradgradcheck: bool = True
    float32: bool = True
    rtol: float | None = None
    atol: float | None = None

    def sample_list(self, seed=0):
        return list(self.samples(np.random.default_rng(seed)))


def rand(rng, *shape, low=-2.0, high=2.0):
    """A float64 array uniform in [low, high)."""
    return rng.uniform(low, high, size=shape)


def positive(rng, *shape, low=0.5, high=2.0):
    """A positive float64 array, for ops with a restricted domain (log, sqrt...)."""
    return rng.uniform(low, high, size=shape)


_ = Sample
