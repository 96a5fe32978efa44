"""The named result tuples of ember.linalg (PyTorch's ``torch.return_types.linalg_*``)."""

from collections import namedtuple

__all__ = ["linalg_slogdet", "linalg_qr", "linalg_svd", "linalg_eigh", "linalg_lstsq", "svd_result"]

linalg_slogdet = namedtuple("linalg_slogdet", ["sign", "logabsdet"])
linalg_qr = namedtuple("linalg_qr", ["Q", "R"])
linalg_svd = namedtuple("linalg_svd", ["U", "S", "Vh"])
linalg_eigh = namedtuple("linalg_eigh", ["eigenvalues", "eigenvectors"])
linalg_lstsq = namedtuple("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])
svd_result = namedtuple("svd", ["U", "S", "V"])
