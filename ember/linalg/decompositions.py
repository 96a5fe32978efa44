"""Inverse, determinants, solve and the factorizations (cholesky, qr, svd, eigh) on
``xp.linalg``, each with its gradient written in ember ops (real inputs).

Note [factorization outputs in backward]
A multi-output op's backward needs its outputs (Q and R, U S Vh, L and V). A plain backward
wraps the arrays kept from the forward as constants; under ``create_graph=True`` it
recomputes the factorization from the saved input with the ember op, so the outputs carry
their graph and the gradient is itself differentiable.

Note [gauge]
Q, R, U, Vh and eigenvectors are defined up to signs (and to rotations within repeated
singular values or eigenvalues). The gradients assume distinct values and are correct for
functions that do not depend on that choice, as PyTorch's are.
"""

from ember._backend import array_module
from ember._backend._math import SolverError
from ember._tensor import make_tensor
from ember.autograd.function import Op
from ember.autograd.grad_mode import GRAD
from ember.linalg._matrix import (
    LinAlgError,
    batch_prefix,
    check_float,
    check_matrix,
    check_square,
    diag_embed,
    eye_like,
    first_failing,
    scalar_name,
    tril,
    zero_pivot,
)
from ember.linalg._results import linalg_eigh, linalg_qr, linalg_slogdet, linalg_svd

__all__ = [
    "inv",
    "det",
    "slogdet",
    "solve",
    "cholesky",
    "qr",
    "svd",
    "svdvals",
    "eigh",
    "eigvalsh",
]


def _outputs(ctx, recompute):
    """Note [factorization outputs in backward]."""
    if GRAD.enabled:
        return recompute(ctx.saved_tensors[0])
    return tuple(make_tensor(a) for a in ctx.arrays)


def _right_solve(x, a):
    """``x @ inv(a).mT`` without forming the inverse."""
    return solve(a, x.mT).mT


# ---- inverse, determinants, solve -------------------------------------------------------------


class Inv(Op):
    save_output = True

    def forward(ctx, a):
        xp = ctx.xp
        try:
            return xp.linalg.inv(a)
        except SolverError:
            index, pivot = first_failing(a, zero_pivot)
            element = f"The diagonal element {pivot} is zero, t" if pivot else "T"
            raise LinAlgError(
                f"linalg.inv: {batch_prefix(a, index)}{element}he inversion could not be "
                "completed because the input matrix is singular."
            ) from None

    def backward(ctx, grad):
        y = ctx.output
        return -(y.mT @ grad @ y.mT)


def inv(A, *, out=None):
    """Inverse of a square matrix (or batch)."""
    check_square(A, "linalg.inv")
    return _write(Inv.apply(A), out)


class Det(Op):
    save_inputs = True
    save_output = True

    def forward(ctx, a):
        return ctx.xp.linalg.det(a)

    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        # d det(A) = det(A) tr(A^-1 dA): assumes A invertible.
        scale = (grad * ctx.output).unsqueeze(-1).unsqueeze(-1)
        return scale * inv(a).mT


def det(A, *, out=None):
    """Determinant of a square matrix (or batch)."""
    check_square(A, "linalg.det")
    return _write(Det.apply(A), out)


class Slogdet(Op):
    save_inputs = True
    non_differentiable = (0,)

    def forward(ctx, a):
        xp = ctx.xp
        sign, logabsdet = xp.linalg.slogdet(a)
        return xp.asarray(sign, a.dtype), xp.asarray(logabsdet, a.dtype)

    def backward(ctx, grad_sign, grad_logabsdet):
        (a,) = ctx.saved_tensors
        return grad_logabsdet.unsqueeze(-1).unsqueeze(-1) * inv(a).mT


def slogdet(A, *, out=None):
    """(sign, log|det|) of a square matrix (or batch)."""
    check_square(A, "linalg.slogdet")
    return linalg_slogdet(*Slogdet.apply(A))


class Solve(Op):
    save_inputs = True
    save_output = True

    def forward(ctx, a, b):
        xp = ctx.xp
        try:
            return xp.linalg.solve(a, b)
        except SolverError:
            index, _ = first_failing(a, zero_pivot)
            raise LinAlgError(
                f"torch.linalg.solve: {batch_prefix(a, index)}The solver failed because the "
                "input matrix is singular."
            ) from None

    def backward(ctx, grad):
        a, _ = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_b = solve(a.mT, grad)
        # The engine sums broadcast batch dims of both gradients.
        grad_a = -(grad_b @ ctx.output.mT) if need_a else None
        return grad_a, grad_b if need_b else None


def _is_vector_rhs(A, B):
    # PyTorch: B is a (batch of) vector(s) when it is 1-D, or one dim short of A with A's batch.
    nb = B._data.ndim
    return nb == 1 or (nb == A._data.ndim - 1 and B._data.shape == A._data.shape[:-1])


def solve(A, B, *, left=True, out=None):
    """The solution X of ``A X = B`` (``X A = B`` when ``left=False``)."""
    check_square(A, "linalg.solve")
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(
            "linalg.solve: Expected A and B to have the same dtype, but found A of type "
            f"{scalar_name(A)} and B of type {scalar_name(B)} instead"
        )
    vector = _is_vector_rhs(A, B)
    b = B.unsqueeze(-1) if vector else B
    if not left:
        if vector:
            raise RuntimeError(
                "linalg.solve: Vector broadcasting of the left hand side is not "
                "supported for left=False. In this case linalg.solve is "
                "equivalent to B / A.squeeze(-1)"
            )
        return _write(solve(A.mT, B.mT).mT, out)
    n = A._data.shape[-1]
    if b._data.shape[-2] != n:
        shape_b = "x".join(map(str, b._data.shape[-2:]))
        raise RuntimeError(
            "linalg.solve: Incompatible shapes of A and B for the equation AX = B "
            f"({n}x{n} and {shape_b})"
        )
    x = Solve.apply(A, b)
    return _write(x.squeeze(-1) if vector else x, out)


# ---- cholesky -------------------------------------------------------------------------------


class Cholesky(Op):
    save_output = True

    def forward(ctx, a):
        xp = ctx.xp
        try:
            return xp.linalg.cholesky(a)
        except SolverError:
            index, order = first_failing(a, _failing_minor)
            raise LinAlgError(
                f"linalg.cholesky: {batch_prefix(a, index)}The factorization could not be "
                "completed because the input is not positive-definite (the leading minor of "
                f"order {order} is not positive-definite)."
            ) from None

    def backward(ctx, grad):
        low = ctx.output
        # PyTorch's formula: gA = L^-T Phi(L^T gL) L^-1 with Phi(X) = tril(X), diagonal halved.
        g = tril(low.mT @ grad)
        g = 0.5 * (g + tril(g, -1).mT)
        g = solve(low.mT, g)
        return _right_solve(g, low.mT)


def _failing_minor(mat):
    """The order of the first leading minor that is not positive-definite (1-based), or 0."""
    xp = array_module(mat)
    try:
        xp.linalg.cholesky(mat)
        return 0
    except SolverError:
        pass
    # Positive-definiteness of leading minors is monotone: bisect for the first failure.
    lo, hi = 1, mat.shape[-1]
    while lo < hi:
        mid = (lo + hi) // 2
        try:
            xp.linalg.cholesky(mat[:mid, :mid])
            lo = mid + 1
        except SolverError:
            hi = mid
    return lo


def cholesky(A, *, upper=False, out=None):
    """Cholesky factor L (``A = L L^T``), or the upper factor ``L^T``."""
    check_square(A, "linalg.cholesky")
    low = Cholesky.apply(A)
    return _write(low.mT if upper else low, out)


# ---- qr -------------------------------------------------------------------------------------


class Qr(Op):
    save_inputs = True

    def forward(ctx, a, mode):
        xp = ctx.xp
        ctx.mode = mode
        if mode == "r":
            r = xp.linalg.qr(a, mode="r")
            ctx.arrays = (r,)
            return xp.zeros((0,), a.dtype), r
        q, r = xp.linalg.qr(a, mode=mode)
        ctx.arrays = (q, r)
        return q, r

    def backward(ctx, grad_q, grad_r):
        if ctx.mode == "r":
            raise RuntimeError(
                "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                "Please use linalg.qr(A, mode='reduced') if you are going to differentiate "
                "through linalg.qr."
            )
        (a,) = ctx.saved_tensors
        m, n = a.shape[-2:]
        if ctx.mode == "complete" and m > n:
            raise RuntimeError(
                "The QR decomposition is not differentiable when mode='complete' and nrows > ncols."
            )
        q, r = _outputs(ctx, lambda x: qr(x, mode=ctx.mode))
        if m >= n:
            return _qr_backward_tall(q, r, grad_q, grad_r)
        # A = [X | Y] with X = Q R1 square and Y = Q R2: reduce to the square case.
        left = _columns(m, n, 0, m, r)
        right = _columns(m, n, m, n, r)
        r1 = r @ left.mT
        g_r1, g_r2 = grad_r @ left.mT, grad_r @ right.mT
        y = a @ right.mT
        g_x = _qr_backward_tall(q, r1, grad_q + y @ g_r2.mT, g_r1)
        return g_x @ left + (q @ g_r2) @ right


def _columns(m, n, start, stop, like):
    """The constant (stop - start, n) selector of columns start:stop."""
    xp = array_module(like._data)
    sel = xp.zeros((stop - start, n), like._data.dtype)
    sel[xp.arange(stop - start), xp.arange(start, stop)] = 1
    return make_tensor(sel)


def _qr_backward_tall(q, r, grad_q, grad_r):
    # m >= n:  gA = [gQ + Q copyltu(M)] R^-T  with  M = R gR^T - gQ^T Q  (written as in
    # the skew form: tril(Q^T gQ - gQ^T Q + R gR^T - gR R^T)).
    qdq = q.mT @ grad_q
    rdr = r @ grad_r.mT
    low = tril(qdq - qdq.mT + rdr - rdr.mT)
    return q @ (grad_r + _right_solve(low, r)) + _right_solve(grad_q - q @ qdq, r)


def qr(A, mode="reduced", *, out=None):
    """QR decomposition: ``mode`` is 'reduced', 'complete' or 'r'."""
    check_float(A, "linalg.qr")
    check_matrix(A, "linalg.qr")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(
            f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
            "'r', or 'complete'"
        )
    return linalg_qr(*Qr.apply(A, mode=mode))


# ---- svd ------------------------------------------------------------------------------------


class Svd(Op):
    save_inputs = True

    def forward(ctx, a, full_matrices):
        xp = ctx.xp
        ctx.full_matrices = full_matrices
        u, s, vh = xp.linalg.svd(a, full_matrices=full_matrices)
        ctx.arrays = (u, s, vh)
        return u, s, vh

    def backward(ctx, grad_u, grad_s, grad_vh):
        (a,) = ctx.saved_tensors
        u, s, vh = _outputs(ctx, lambda x: svd(x, full_matrices=ctx.full_matrices))
        m, n = a.shape[-2:]
        k = min(m, n)
        if ctx.full_matrices and m != n:
            # Only the first k singular vectors enter A = U S Vh.
            cols_u = _columns(m, m, 0, k, a).mT
            rows_v = _columns(n, n, 0, k, a)
            u, grad_u = u @ cols_u, grad_u @ cols_u
            vh, grad_vh = rows_v @ vh, rows_v @ grad_vh
        return _svd_backward(u, s, vh, grad_u, grad_s, grad_vh, m, n)


def _svd_backward(u, s, vh, grad_u, grad_s, grad_vh, m, n):
    # gA = U [ (skew(U^T gU) / E) S + S (skew(V^T gV) / E) + diag(gS) ] V^T
    #      + (I - U U^T) gU S^-1 V^T + U S^-1 gV^T (I - V V^T),   E_jk = s_k^2 - s_j^2.
    k = min(m, n)
    v, grad_v = vh.mT, grad_vh.mT
    s2 = s * s
    e = s2.unsqueeze(-2) - s2.unsqueeze(-1) + eye_like(s, k)
    utgu = u.mT @ grad_u
    vtgv = v.mT @ grad_v
    inner = ((utgu - utgu.mT) / e) * s.unsqueeze(-2)
    inner = inner + s.unsqueeze(-1) * ((vtgv - vtgv.mT) / e) + diag_embed(grad_s)
    grad_a = u @ inner @ vh
    if m > k:
        grad_a = grad_a + ((grad_u - u @ utgu) / s.unsqueeze(-2)) @ vh
    if n > k:
        grad_a = grad_a + (u / s.unsqueeze(-2)) @ (grad_v - v @ vtgv).mT
    return grad_a


def svd(A, full_matrices=True, *, driver=None, out=None):
    """Singular value decomposition ``A = U diag(S) Vh``."""
    check_float(A, "linalg.svd")
    check_matrix(A, "linalg.svd")
    return linalg_svd(*Svd.apply(A, full_matrices=bool(full_matrices)))


def svdvals(A, *, driver=None, out=None):
    """Singular values, in descending order."""
    check_float(A, "linalg.svd")
    check_matrix(A, "linalg.svd")
    return _write(Svd.apply(A, full_matrices=False)[1], out)


# ---- eigh -----------------------------------------------------------------------------------


class Eigh(Op):
    save_inputs = True

    def forward(ctx, a, UPLO):  # noqa: N803 (PyTorch's argument name)
        xp = ctx.xp
        ctx.uplo = UPLO
        w, v = xp.linalg.eigh(a, UPLO=UPLO)
        ctx.arrays = (w, v)
        return w, v

    def backward(ctx, grad_w, grad_v):
        w, v = _outputs(ctx, lambda x: eigh(x, UPLO=ctx.uplo))
        # gA = V (diag(gL) + skew(V^T gV) / 2 / E) V^T,  E_ij = L_j - L_i (PyTorch's choice of
        # the symmetric representative).
        n = w.shape[-1]
        e = w.unsqueeze(-2) - w.unsqueeze(-1) + eye_like(w, n)
        vtgv = v.mT @ grad_v
        inner = (vtgv - vtgv.mT) * 0.5 / e + diag_embed(grad_w)
        return v @ inner @ v.mT


def eigh(A, UPLO="L", *, out=None):  # noqa: N803 (PyTorch's argument name)
    """Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix."""
    check_square(A, "linalg.eigh")
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return linalg_eigh(*Eigh.apply(A, UPLO=UPLO))


def eigvalsh(A, UPLO="L", *, out=None):  # noqa: N803 (PyTorch's argument name)
    """Eigenvalues (ascending) of a symmetric matrix."""
    check_square(A, "linalg.eigh")
    return _write(eigh(A, UPLO=UPLO).eigenvalues, out)


def _write(result, out):
    from ember.ops._inplace import write_out

    return write_out(result, out, "linalg")
