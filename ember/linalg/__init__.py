"""``ember.linalg``: PyTorch's ``torch.linalg`` namespace (decompositions, solvers, norms,
products). Built on the array module's ``linalg`` (NumPy's or CuPy's); every gradient is
written in ember ops."""

from ember.linalg._matrix import LinAlgError, diagonal
from ember.linalg.decompositions import (
    cholesky,
    det,
    eigh,
    eigvalsh,
    inv,
    qr,
    slogdet,
    solve,
    svd,
    svdvals,
)
from ember.linalg.functions import cross, lstsq, matrix_rank, multi_dot, pinv, vecdot
from ember.linalg.norms import matrix_norm, norm, vector_norm
from ember.ops.linalg import matmul

__all__ = [
    "LinAlgError",
    "cholesky",
    "cross",
    "det",
    "diagonal",
    "eigh",
    "eigvalsh",
    "inv",
    "lstsq",
    "matmul",
    "matrix_norm",
    "matrix_rank",
    "multi_dot",
    "norm",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "svd",
    "svdvals",
    "vecdot",
    "vector_norm",
]
