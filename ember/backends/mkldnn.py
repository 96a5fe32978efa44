"""``ember.backends.mkldnn``: PyTorch's oneDNN flag (ember computes with NumPy's BLAS)."""

__all__ = ["is_available", "enabled"]

enabled = True


def is_available():
    """False: ember does not use oneDNN."""
    return False
