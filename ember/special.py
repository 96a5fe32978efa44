"""``ember.special``: PyTorch's ``torch.special`` namespace, explicit re-exports of the ops
(plus ``entr``, ``ndtr``, ``xlog1py``, ``i0e``, ``i1`` and ``i1e``, which live only here)."""

from ember.ops.activation import log_softmax, softmax
from ember.ops.bessel import i0, i0e, i1, i1e
from ember.ops.gamma_functions import digamma, polygamma
from ember.ops.gamma_functions import digamma as psi
from ember.ops.gamma_functions import lgamma as gammaln
from ember.ops.gamma_functions import mvlgamma as multigammaln
from ember.ops.reduction import logsumexp
from ember.ops.rounding import round
from ember.ops.special_math import entr, logit, ndtr, sinc, xlog1py, xlogy
from ember.ops.unary_math import erf, erfc, erfinv, exp2, expm1, log1p
from ember.ops.unary_math import sigmoid as expit

__all__ = [
    "digamma",
    "entr",
    "erf",
    "erfc",
    "erfinv",
    "exp2",
    "expit",
    "expm1",
    "gammaln",
    "i0",
    "i0e",
    "i1",
    "i1e",
    "log1p",
    "log_softmax",
    "logit",
    "logsumexp",
    "multigammaln",
    "ndtr",
    "polygamma",
    "psi",
    "round",
    "sinc",
    "softmax",
    "xlog1py",
    "xlogy",
]
