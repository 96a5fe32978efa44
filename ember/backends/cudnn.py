"""``ember.backends.cudnn``: PyTorch's cuDNN flags (ember's convolutions do not use cuDNN).

Differences from PyTorch: ``benchmark``, ``deterministic``, ``enabled`` and ``allow_tf32`` are
stored and readable but change nothing, since ember does not call cuDNN; ``is_available()``
is False.
"""

__all__ = ["is_available", "version", "enabled", "benchmark", "deterministic", "allow_tf32"]

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available():
    """False: ember does not use cuDNN."""
    return False


def version():
    """None: ember does not use cuDNN."""
    return None
