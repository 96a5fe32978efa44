"""What a benchmark workload is: two phases, so that the memory pass can take its baseline
between them. ``data(T, quick)`` builds the inputs (not counted in peak memory); ``case(T,
data)`` builds the model and optimizer and returns a :class:`Case` whose ``step`` is timed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Case", "Workload"]


@dataclass
class Case:
    """One workload built on one framework: ``step()`` is timed; ``flops()`` gives the FLOPs of
    one step (None where FLOPs mean nothing); ``per`` is ``(count, unit)`` for the detail
    column (``us/op``: microseconds per op; ``img/s``: images per second)."""

    step: Callable[[], Any]
    flops: Callable[[], int] | None = None
    per: tuple[int, str] | None = None


@dataclass(frozen=True)
class Workload:
    """A named benchmark: ``data(T, quick)`` then ``case(T, data)``; see the module docstring."""

    name: str
    title: str
    data: Callable[[Any, bool], Any]
    case: Callable[[Any, Any], Case]
    quick: str = ""  # what --quick shrinks (a smaller batch, ...), shown in the legend
    warmup: int = 2
    min_repeats: int = 3  # the least number of timed rounds outside --quick
    memory_steps: int = 2  # the second step runs with the optimizer state allocated
