"""Registry entries for matrix products (matmul family, einsum, tensordot) and ember.linalg.

Factorizations with a sign (gauge) freedom (qr, svd, eigh) are compared through functions that
do not depend on it: reconstructions, singular values or eigenvalues, and squares of the
factors' entries (a sign flip of a column leaves them unchanged).
"""

import math

import numpy as np

from ember.testing.op_db.opinfo import OpInfo, rand
from ember.testing.oracle import NonContiguous, Sample

__all__ = ["OPS"]


def _square(rng, *shape):
    """Well-conditioned square matrices: uniform entries plus n on the diagonal."""
    n = shape[-1]
    return rng.uniform(-1, 1, size=shape) + n * np.eye(n)


def _product_samples(rng):
    return [
        Sample((rand(rng, 3, 4), rand(rng, 4, 5)), name="2d-2d"),
        Sample((rand(rng, 4), rand(rng, 4)), name="1d-1d"),
        Sample((rand(rng, 3, 4), rand(rng, 4)), name="2d-1d"),
        Sample((rand(rng, 4), rand(rng, 4, 5)), name="1d-2d"),
        Sample((rand(rng, 2, 3, 4), rand(rng, 2, 4, 5)), name="batched"),
        Sample((rand(rng, 2, 1, 3, 4), rand(rng, 3, 4, 2)), name="broadcast batch"),
        Sample((rand(rng, 2, 3, 4), rand(rng, 4, 5)), name="3d-2d"),
        Sample((rand(rng, 3, 4), rand(rng, 2, 4, 5)), name="2d-3d"),
        Sample((rand(rng, 4), rand(rng, 2, 4, 5)), name="1d-3d"),
        Sample((rand(rng, 2, 3, 4), rand(rng, 4)), name="3d-1d"),
        Sample((rand(rng, 0, 3), rand(rng, 3, 4)), name="empty rows"),
        Sample((rand(rng, 2, 0), rand(rng, 0, 4)), name="empty inner"),
        Sample((NonContiguous(rand(rng, 3, 4)), NonContiguous(rand(rng, 4, 5))), name="transposed"),
        Sample((NonContiguous(rand(rng, 2, 3, 4)), rand(rng, 4, 5)), name="3d-2d non-contiguous"),
    ]


def _mm_samples(rng):
    return [
        Sample((rand(rng, 3, 4), rand(rng, 4, 5))),
        Sample((NonContiguous(rand(rng, 4, 3)), rand(rng, 3, 2)), name="transposed"),
        Sample((rand(rng, 0, 3), rand(rng, 3, 2)), name="empty"),
        Sample((rand(rng, 2, 0), rand(rng, 0, 2)), name="empty inner"),
    ]


def _bmm_samples(rng):
    return [
        Sample((rand(rng, 2, 3, 4), rand(rng, 2, 4, 5))),
        Sample((NonContiguous(rand(rng, 2, 3, 4)), rand(rng, 2, 4, 2)), name="non-contiguous"),
        Sample((rand(rng, 0, 3, 4), rand(rng, 0, 4, 5)), name="empty batch"),
    ]


def _mv_samples(rng):
    return [
        Sample((rand(rng, 3, 4), rand(rng, 4))),
        Sample((NonContiguous(rand(rng, 4, 3)), rand(rng, 3)), name="transposed"),
        Sample((rand(rng, 0, 4), rand(rng, 4)), name="empty"),
    ]


def _vector_pair(rng):
    return [
        Sample((rand(rng, 5), rand(rng, 5))),
        Sample((rand(rng, 0), rand(rng, 0)), name="empty"),
    ]


def _inner_samples(rng):
    return [
        Sample((rand(rng, 3), rand(rng, 3)), name="1d"),
        Sample((rand(rng, 2, 3), rand(rng, 4, 3)), name="2d"),
        Sample((rand(rng, 2, 2, 3), rand(rng, 3)), name="3d-1d"),
        Sample((rand(rng), rand(rng, 2, 3)), name="0-d"),
    ]


def _addmm_samples(rng):
    return [
        Sample((rand(rng, 3, 5), rand(rng, 3, 4), rand(rng, 4, 5))),
        Sample(
            (rand(rng, 5), rand(rng, 3, 4), rand(rng, 4, 5)),
            {"beta": 0.5, "alpha": 2.0},
            name="broadcast input, scaled",
        ),
        Sample(
            (rand(rng, 3, 5), rand(rng, 3, 4), NonContiguous(rand(rng, 4, 5))),
            {"beta": 0},
            name="beta 0 non-contiguous",
        ),
    ]


def _addmv_samples(rng):
    return [
        Sample((rand(rng, 3), rand(rng, 3, 4), rand(rng, 4))),
        Sample(
            (rand(rng), rand(rng, 3, 4), rand(rng, 4)),
            {"beta": 2.0, "alpha": -1.0},
            name="0-d input, scaled",
        ),
    ]


def _baddbmm_samples(rng):
    return [
        Sample((rand(rng, 2, 3, 5), rand(rng, 2, 3, 4), rand(rng, 2, 4, 5))),
        Sample(
            (rand(rng, 5), rand(rng, 2, 3, 4), rand(rng, 2, 4, 5)),
            {"beta": 0.5, "alpha": 3},
            name="broadcast input, scaled",
        ),
    ]


def _addbmm_samples(rng):
    return [
        Sample((rand(rng, 3, 5), rand(rng, 2, 3, 4), rand(rng, 2, 4, 5))),
        Sample(
            (rand(rng, 5), rand(rng, 2, 3, 4), rand(rng, 2, 4, 5)),
            {"alpha": 0.5},
            name="broadcast input, scaled",
        ),
    ]


def _tensordot_samples(rng):
    return [
        Sample((rand(rng, 2, 3, 4), rand(rng, 3, 4, 5)), {"dims": 2}, name="int"),
        Sample((rand(rng, 2, 3, 4), rand(rng, 4, 3, 5)), {"dims": ([1, -1], [1, 0])}, name="lists"),
        Sample((rand(rng, 2, 3), rand(rng, 4, 5)), {"dims": 0}, name="outer"),
        Sample(
            (NonContiguous(rand(rng, 3, 4)), rand(rng, 3, 2)),
            {"dims": ([0], [0])},
            name="non-contiguous",
        ),
    ]


def _einsum_samples(rng):
    return [
        Sample(("ij,jk->ik", rand(rng, 2, 3), rand(rng, 3, 4)), name="matmul"),
        Sample(("ij,jk", rand(rng, 2, 3), rand(rng, 3, 4)), name="implicit"),
        Sample(("bij,bjk->bik", rand(rng, 2, 2, 3), rand(rng, 2, 3, 4)), name="batched"),
        Sample(("...ij,...jk", rand(rng, 2, 2, 3), rand(rng, 3, 4)), name="ellipsis"),
        Sample(("ii->i", rand(rng, 3, 3)), name="diagonal"),
        Sample(("ii", rand(rng, 3, 3)), name="trace"),
        Sample(("ij->", rand(rng, 2, 3)), name="sum"),
        Sample(("i,j->ij", rand(rng, 2), rand(rng, 3)), name="outer"),
        Sample(("bij,bjk->bik", rand(rng, 1, 2, 3), rand(rng, 3, 3, 4)), name="broadcast 1"),
        Sample(
            ("ij,jk,kl->il", rand(rng, 2, 3), rand(rng, 3, 4), rand(rng, 4, 2)),
            name="three operands",
        ),
        Sample(
            ("i j, j -> i", NonContiguous(rand(rng, 3, 2)), rand(rng, 2)),
            name="spaces non-contiguous",
        ),
        Sample(("ba,ab->ba", rand(rng, 2, 3), rand(rng, 3, 2)), name="elementwise"),
    ]


def _kron_samples(rng):
    return [
        Sample((rand(rng, 2, 3), rand(rng, 3, 2))),
        Sample((rand(rng, 2), rand(rng, 2, 3)), name="mixed ndim"),
    ]


# ---- linalg samples -------------------------------------------------------------------------


def _square_samples(rng):
    return [
        Sample((_square(rng, 3, 3),)),
        Sample((_square(rng, 2, 3, 3),), name="batched"),
        Sample((NonContiguous(_square(rng, 4, 4)),), name="transposed"),
    ]


def _spd_samples(rng):
    return [
        Sample((rand(rng, 3, 3), 3 * np.eye(3)), grad=(0,)),
        Sample((rand(rng, 2, 4, 4), 4 * np.eye(4)), grad=(0,), name="batched"),
    ]


def _solve_samples(rng):
    return [
        Sample((_square(rng, 3, 3), rand(rng, 3, 2))),
        Sample((_square(rng, 3, 3), rand(rng, 3)), name="vector"),
        Sample((_square(rng, 2, 3, 3), rand(rng, 3, 2)), name="broadcast B"),
        Sample((_square(rng, 3, 3), rand(rng, 2, 3, 2)), name="broadcast A"),
        Sample((_square(rng, 2, 3, 3), rand(rng, 2, 3)), name="batched vectors"),
        Sample((_square(rng, 3, 3), rand(rng, 2, 3)), {"left": False}, name="right"),
    ]


def _general_samples(rng):
    return [
        Sample((rand(rng, 4, 3),), name="tall"),
        Sample((rand(rng, 3, 3),), name="square"),
        Sample((rand(rng, 3, 4),), name="wide"),
        Sample((rand(rng, 2, 4, 3),), name="batched"),
        Sample((NonContiguous(rand(rng, 4, 3)),), name="transposed"),
    ]


def _symmetric_samples(rng):
    return [
        Sample((rand(rng, 3, 3),)),
        Sample((rand(rng, 2, 4, 4),), name="batched"),
    ]


def _vector_norm_samples(rng):
    x = rand(rng, 3, 4)
    x[0, 1] = 0.0  # a zero entry: the gradient there is 0 (or the subgradient PyTorch picks)
    samples = [Sample((x,), name="2")]
    for ord in (1, 3, 0.5, -1, math.inf, -math.inf, 0):
        samples.append(Sample((rand(rng, 3, 4), ord), name=f"ord {ord}"))
    return samples + [
        Sample((rand(rng, 3, 4), 2, 1), name="dim"),
        Sample((rand(rng, 2, 3, 4), 2, (0, -1), True), name="dims keepdim"),
        Sample((rand(rng, 3, 4), math.inf, -1, True), name="inf dim keepdim"),
        Sample((NonContiguous(rand(rng, 3, 4)), 1.5, 0), name="non-contiguous"),
        Sample((rand(rng), 2), name="0-d"),
        Sample((rand(rng, 0, 3), 2), name="empty"),
    ]


def _matrix_norm_samples(rng):
    samples = [
        Sample((rand(rng, 3, 4), ord), name=f"ord {ord}")
        for ord in ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf)
    ]
    return samples + [
        Sample((rand(rng, 2, 3, 4), "fro", (0, 2), True), name="dims keepdim"),
        Sample((rand(rng, 2, 3, 4), 1, (-1, 0)), name="1 reversed dims"),
        Sample((rand(rng, 2, 3, 4), "nuc", (-1, 0), True), name="nuc dims keepdim"),
        Sample((NonContiguous(rand(rng, 3, 4)), 2), name="non-contiguous"),
    ]


def _norm_samples(rng):
    return [
        Sample((rand(rng, 3, 4),), name="default"),
        Sample((rand(rng, 2, 3, 4),), name="3d default"),
        Sample((rand(rng, 4), 3), name="vector ord"),
        Sample((rand(rng, 3, 4), "nuc"), name="matrix ord"),
        Sample((rand(rng, 2, 3, 4), 1, (0, 1)), name="matrix dims"),
        Sample((rand(rng, 2, 3, 4), None, -1, True), name="vector dim keepdim"),
    ]


def _pinv_samples(rng):
    return [
        Sample((rand(rng, 4, 3),), name="tall"),
        Sample((rand(rng, 3, 4),), name="wide"),
        Sample((rand(rng, 2, 3, 3),), name="batched"),
    ]


def _svd_fn(T, x, full_matrices=False):
    u, s, vh = T.linalg.svd(x, full_matrices=full_matrices)
    if full_matrices:
        # The extra singular vectors lie outside A = U S Vh and PyTorch's gradient ignores
        # them; compare what they do not touch (Vh is complete for a tall matrix).
        return s, vh * vh
    return (u * s.unsqueeze(-2)) @ vh, s, u * u, vh * vh


def _qr_fn(T, x, mode="reduced"):
    q, r = T.linalg.qr(x, mode=mode)
    return q @ r, q * q, r * r


def _eigh_fn(T, x, UPLO="L"):  # noqa: N803 (PyTorch's argument name)
    w, v = T.linalg.eigh(x + x.mT, UPLO=UPLO)
    return w, v * v, (v * w.unsqueeze(-2)) @ v.mT


OPS = [
    OpInfo("matmul", lambda T, a, b: T.matmul(a, b), _product_samples),
    OpInfo("matmul_operator", lambda T, a, b: a @ b, _product_samples),
    OpInfo("mm", lambda T, a, b: T.mm(a, b), _mm_samples),
    OpInfo("bmm", lambda T, a, b: T.bmm(a, b), _bmm_samples),
    OpInfo("mv", lambda T, a, b: T.mv(a, b), _mv_samples),
    OpInfo("dot", lambda T, a, b: T.dot(a, b), _vector_pair),
    OpInfo("vdot", lambda T, a, b: T.vdot(a, b), _vector_pair),
    OpInfo("inner", lambda T, a, b: T.inner(a, b), _inner_samples),
    OpInfo("outer", lambda T, a, b: T.outer(a, b), _vector_pair),
    OpInfo("ger", lambda T, a, b: a.ger(b), _vector_pair),
    OpInfo("addmm", lambda T, c, a, b, **kw: T.addmm(c, a, b, **kw), _addmm_samples),
    OpInfo("addmv", lambda T, c, a, b, **kw: T.addmv(c, a, b, **kw), _addmv_samples),
    OpInfo("baddbmm", lambda T, c, a, b, **kw: T.baddbmm(c, a, b, **kw), _baddbmm_samples),
    OpInfo("addbmm", lambda T, c, a, b, **kw: T.addbmm(c, a, b, **kw), _addbmm_samples),
    OpInfo(
        "addr",
        lambda T, c, a, b, **kw: T.addr(c, a, b, **kw),
        lambda rng: [
            Sample((rand(rng, 2, 3), rand(rng, 2), rand(rng, 3))),
            Sample(
                (rand(rng, 3), rand(rng, 2), rand(rng, 3)),
                {"beta": 2, "alpha": 0.5},
                name="broadcast, scaled",
            ),
        ],
    ),
    OpInfo("tensordot", lambda T, a, b, **kw: T.tensordot(a, b, **kw), _tensordot_samples),
    OpInfo("einsum", lambda T, eq, *ops: T.einsum(eq, *ops), _einsum_samples),
    OpInfo("einsum_list", lambda T, eq, *ops: T.einsum(eq, list(ops)), _einsum_samples),
    OpInfo("kron", lambda T, a, b: T.kron(a, b), _kron_samples),
    # ---- ember.linalg ----
    OpInfo("linalg.matmul", lambda T, a, b: T.linalg.matmul(a, b), _mm_samples),
    OpInfo("linalg.inv", lambda T, x: T.linalg.inv(x), _square_samples),
    OpInfo("linalg.det", lambda T, x: T.linalg.det(x), _square_samples),
    # sign has no gradient: the signed log|det| checks both outputs and stays differentiable.
    OpInfo(
        "linalg.slogdet",
        lambda T, x: T.linalg.slogdet(x).sign * T.linalg.slogdet(x).logabsdet,
        lambda rng: _square_samples(rng) + [Sample((-_square(rng, 3, 3),), name="negative")],
    ),
    OpInfo("linalg.solve", lambda T, a, b, **kw: T.linalg.solve(a, b, **kw), _solve_samples),
    OpInfo("linalg.cholesky", lambda T, x, e: T.linalg.cholesky(x @ x.mT + e), _spd_samples),
    OpInfo(
        "linalg.cholesky_upper",
        lambda T, x, e: T.linalg.cholesky(x @ x.mT + e, upper=True),
        _spd_samples,
    ),
    OpInfo("linalg.qr", _qr_fn, _general_samples, rtol=1e-6),
    OpInfo(
        "linalg.qr_complete",
        lambda T, x: _qr_fn(T, x, "complete"),
        lambda rng: [Sample((rand(rng, 3, 3),)), Sample((rand(rng, 3, 4),), name="wide")],
        rtol=1e-6,
    ),
    OpInfo("linalg.svd", _svd_fn, _general_samples, rtol=1e-6),
    OpInfo(
        "linalg.svd_full",
        lambda T, x: _svd_fn(T, x, True),
        lambda rng: [Sample((rand(rng, 3, 3),)), Sample((rand(rng, 4, 3),), name="tall")],
        rtol=1e-6,
    ),
    OpInfo("linalg.svdvals", lambda T, x: T.linalg.svdvals(x), _general_samples),
    OpInfo("linalg.eigh", _eigh_fn, _symmetric_samples, rtol=1e-6),
    OpInfo("linalg.eigh_upper", lambda T, x: _eigh_fn(T, x, "U"), _symmetric_samples, rtol=1e-6),
    OpInfo("linalg.eigvalsh", lambda T, x: T.linalg.eigvalsh(x + x.mT), _symmetric_samples),
    OpInfo("linalg.pinv", lambda T, x: T.linalg.pinv(x), _pinv_samples, rtol=1e-6),
    OpInfo(
        "linalg.pinv_hermitian",
        lambda T, x: T.linalg.pinv(x + x.mT, hermitian=True),
        _symmetric_samples,
        rtol=1e-6,
    ),
    OpInfo(
        "linalg.matrix_rank",
        lambda T, x: T.linalg.matrix_rank(x),
        lambda rng: [
            Sample((rand(rng, 4, 3),)),
            Sample((rand(rng, 4, 1) @ rand(rng, 1, 3),), name="rank 1"),
            Sample((np.zeros((2, 3, 3)),), name="zero batch"),
        ],
        grad=False,
        gradcheck=False,
        gradgradcheck=False,
    ),
    OpInfo(
        "linalg.lstsq",
        lambda T, a, b: T.linalg.lstsq(a, b).solution,
        lambda rng: [
            Sample((rand(rng, 5, 3), rand(rng, 5, 2))),
            Sample((rand(rng, 2, 4, 3), rand(rng, 2, 4, 2)), name="batched"),
        ],
        rtol=1e-6,
    ),
    OpInfo(
        "linalg.vector_norm", lambda T, x, *a: T.linalg.vector_norm(x, *a), _vector_norm_samples
    ),
    # At a zero vector the norm has a kink: PyTorch's gradient there is 0 and no second
    # derivative exists, so only the first-order checks apply.
    OpInfo(
        "linalg.vector_norm_at_zero",
        lambda T, x, *a: T.linalg.vector_norm(x, *a),
        lambda rng: [
            Sample((np.zeros((2, 3)), p, 1), name=f"ord {p}") for p in (2, 1, 3, math.inf)
        ],
        gradgradcheck=False,
    ),
    OpInfo(
        "linalg.matrix_norm", lambda T, x, *a: T.linalg.matrix_norm(x, *a), _matrix_norm_samples
    ),
    OpInfo("linalg.norm", lambda T, x, *a: T.linalg.norm(x, *a), _norm_samples),
    OpInfo(
        "linalg.cross",
        lambda T, a, b, **kw: T.linalg.cross(a, b, **kw),
        lambda rng: [
            Sample((rand(rng, 4, 3), rand(rng, 4, 3))),
            Sample((rand(rng, 3, 2), rand(rng, 3, 2)), {"dim": 0}, name="dim 0"),
            Sample((rand(rng, 1, 3), rand(rng, 4, 3)), name="broadcast"),
        ],
    ),
    OpInfo(
        "linalg.multi_dot",
        lambda T, *ts: T.linalg.multi_dot(list(ts)),
        lambda rng: [
            Sample((rand(rng, 2, 3), rand(rng, 3, 4), rand(rng, 4, 5)), name="three"),
            Sample((rand(rng, 3), rand(rng, 3, 4), rand(rng, 4, 2), rand(rng, 2)), name="1d ends"),
            Sample(
                (rand(rng, 5, 2), rand(rng, 2, 6), rand(rng, 6, 1), rand(rng, 1, 3)),
                name="reordered",
            ),
        ],
    ),
    OpInfo(
        "linalg.diagonal",
        lambda T, x, **kw: T.linalg.diagonal(x, **kw),
        lambda rng: [
            Sample((rand(rng, 3, 4),)),
            Sample((rand(rng, 2, 3, 4),), {"offset": 1, "dim1": 0, "dim2": 2}, name="offset"),
            Sample((rand(rng, 3, 4),), {"offset": -2}, name="negative offset"),
            Sample((NonContiguous(rand(rng, 3, 4)),), name="non-contiguous"),
        ],
    ),
    # ---- the torch.* spellings ----
    OpInfo("det", lambda T, x: x.det(), _square_samples),
    OpInfo("logdet", lambda T, x: T.logdet(x), _square_samples),
    OpInfo("inverse", lambda T, x: x.inverse(), _square_samples),
    OpInfo("pinverse", lambda T, x: T.pinverse(x), _pinv_samples, rtol=1e-6),
    OpInfo(
        "svd_torch",
        lambda T, x: (lambda r: ((r.U * r.S.unsqueeze(-2)) @ r.V.mT, r.S, r.V * r.V))(T.svd(x)),
        _general_samples,
        rtol=1e-6,
    ),
    OpInfo(
        "norm_nuc_and_dims",
        lambda T, x, *a: T.norm(x, *a),
        lambda rng: [
            Sample((rand(rng, 3, 4),), name="fro"),
            Sample((rand(rng, 3, 4), 1, 0), name="p dim"),
            Sample((rand(rng, 2, 3, 4), 3, (0, 2), True), name="p dims keepdim"),
            Sample((rand(rng, 3, 4), "nuc"), name="nuc"),
        ],
    ),
    OpInfo(
        "linalg.vecdot",
        lambda T, a, b, **kw: T.linalg.vecdot(a, b, **kw),
        lambda rng: [
            Sample((rand(rng, 2, 3), rand(rng, 3))),
            Sample((rand(rng, 3, 2), rand(rng, 3, 2)), {"dim": 0}, name="dim"),
        ],
    ),
]
