"""``ember.backends.cuda``: CUDA flags; ``matmul.allow_tf32`` sets CuPy's float32 GEMM
compute type (TF32 tensor cores on Ampere or newer)."""

from ember._backend import _cuda

__all__ = ["is_built", "matmul"]


def is_built():
    """True when CuPy is installed (ember's CUDA backend can load)."""
    try:
        _cuda.cupy_module()
    except AssertionError:
        return False
    return True


class _MatmulFlags:
    """``backends.cuda.matmul``: ``allow_tf32`` (False by default, as in PyTorch) and
    ``allow_fp16_reduced_precision_reduction``."""

    allow_fp16_reduced_precision_reduction = True
    allow_bf16_reduced_precision_reduction = True

    @property
    def allow_tf32(self):
        return _cuda._allow_tf32

    @allow_tf32.setter
    def allow_tf32(self, value):
        _cuda.set_tf32(bool(value))


matmul = _MatmulFlags()
