"""ember's benchmark suite: the same model code on ember and on PyTorch, side by side.

Run it with ``python -m ember.bench`` (``--help`` for the options); the workloads are in
:mod:`ember.bench.workloads`, the models in :mod:`ember.bench.models`, the FLOP counting rules
in :mod:`ember.bench.flops`.
"""

__all__: list[str] = []
