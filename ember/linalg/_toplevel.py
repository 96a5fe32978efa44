"""The ``torch.*`` spellings of linear algebra (``torch.det``, ``torch.norm``, ``torch.svd``...)
and their Tensor methods, as thin wrappers over ember.linalg."""

from ember._backend import array_module
from ember._backend._arrays import errstate
from ember._tensor import make_tensor
from ember.linalg._results import linalg_slogdet, svd_result
from ember.linalg.decompositions import det as _det
from ember.linalg.decompositions import inv
from ember.linalg.decompositions import slogdet as _slogdet
from ember.linalg.decompositions import svd as _svd
from ember.linalg.functions import pinv

__all__ = ["det", "logdet", "slogdet", "inverse", "pinverse", "svd"]

TENSOR_METHODS = ("det", "logdet", "slogdet", "inverse", "pinverse", "svd")


def det(input):
    """Alias of ``linalg.det``."""
    return _det(input)


def logdet(input):
    """log(det(input)): nan for a negative determinant, -inf for a zero one."""
    sign, logabsdet = _slogdet(input)
    xp = array_module(sign._data)
    # log(sign) is a constant: 0 for +1, nan for -1 (as PyTorch's logdet).
    with errstate(xp, divide="ignore", invalid="ignore"):
        return logabsdet + make_tensor(xp.log(sign._data))


def slogdet(input):
    """Alias of ``linalg.slogdet`` (a ``(sign, logabsdet)`` tuple)."""
    return linalg_slogdet(*_slogdet(input))


def inverse(input, *, out=None):
    """Alias of ``linalg.inv``."""
    return inv(input, out=out)


def pinverse(input, rcond=1e-15):
    """Pseudo-inverse with a relative cut-off ``rcond``."""
    return pinv(input, rtol=rcond)


def svd(input, some=True, compute_uv=True, *, out=None):
    """``torch.svd``: (U, S, V) with V (not Vh); ``some`` gives the reduced factors."""
    u, s, vh = _svd(input, full_matrices=not some)
    if not compute_uv:
        return svd_result(u * 0, s, vh.mT * 0)
    return svd_result(u, s, vh.mT)
