"""``ember.backends.openmp``: whether ember runs OpenMP code (it does not; BLAS threads are
NumPy's)."""

__all__ = ["is_available"]


def is_available():
    """False: ember has no OpenMP kernels."""
    return False
