"""``ember.backends``: backend flags, as ``torch.backends`` (cudnn, cuda, mps, mkldnn, openmp).

Flags that have an effect in ember: ``cuda.matmul.allow_tf32`` (CuPy's float32 GEMM compute
type). The cuDNN flags are kept for code that sets them: ember's convolutions are im2col plus
GEMM and do not call cuDNN.
"""

from ember.backends import cuda, cudnn, mkldnn, mps, openmp

__all__ = ["cuda", "cudnn", "mps", "mkldnn", "openmp"]
