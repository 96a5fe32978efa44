"""ember.linalg beyond the registry: PyTorch's errors, result tuples, modes and drivers, the
tolerance rules of rank and pinv, views, and numerical failures."""

import math

import numpy as np
import pytest
import torch

import ember


def _run(fn, T):
    try:
        return fn(T)
    except Exception as e:  # noqa: BLE001 (the exception itself is what is compared)
        return e


def _assert_same_error(fn):
    e, t = _run(fn, ember), _run(fn, torch)
    assert isinstance(t, Exception), f"PyTorch raised nothing, got {t}"
    assert isinstance(e, Exception), f"ember raised nothing, PyTorch raised {t!r}"
    assert isinstance(e, RuntimeError) == isinstance(t, RuntimeError), (e, t)
    assert type(e).__name__ == type(t).__name__ or isinstance(t, RuntimeError), (e, t)
    assert str(e).split("\n")[0] == str(t).split("\n")[0]


def _long(T, *shape):
    return T.ones(*shape, dtype=T.int64)


ERROR_CASES = {
    "inv not square": lambda T: T.linalg.inv(T.ones(2, 3)),
    "inv 1d": lambda T: T.linalg.inv(T.ones(3)),
    "inv long": lambda T: T.linalg.inv(_long(T, 3, 3)),
    "det not square": lambda T: T.linalg.det(T.ones(2, 3)),
    "det 1d": lambda T: T.linalg.det(T.ones(3)),
    "slogdet not square": lambda T: T.linalg.slogdet(T.ones(2, 3)),
    "cholesky not square": lambda T: T.linalg.cholesky(T.ones(2, 3)),
    "cholesky not pd": lambda T: T.linalg.cholesky(-T.eye(2)),
    "cholesky minor 3": lambda T: T.linalg.cholesky(
        T.tensor([[4.0, 0, 0, 0], [0, 1, 0, 0], [0, 0, -1, 0], [0, 0, 0, 1]])
    ),
    "qr long": lambda T: T.linalg.qr(_long(T, 2, 3)),
    "qr 1d": lambda T: T.linalg.qr(T.ones(3)),
    "qr mode": lambda T: T.linalg.qr(T.ones(3, 2), mode="x"),
    "svd long": lambda T: T.linalg.svd(_long(T, 2, 3)),
    "svd 1d": lambda T: T.linalg.svd(T.ones(3)),
    "svdvals long": lambda T: T.linalg.svdvals(_long(T, 2, 3)),
    "eigh not square": lambda T: T.linalg.eigh(T.ones(2, 3)),
    "eigvalsh 1d": lambda T: T.linalg.eigvalsh(T.ones(3)),
    "pinv long": lambda T: T.linalg.pinv(_long(T, 2, 3)),
    "pinv 1d": lambda T: T.linalg.pinv(T.ones(3)),
    "matrix_rank long": lambda T: T.linalg.matrix_rank(_long(T, 2, 3)),
    "matrix_rank 1d": lambda T: T.linalg.matrix_rank(T.ones(3)),
    "matrix_norm long": lambda T: T.linalg.matrix_norm(_long(T, 2, 3)),
    "matrix_norm 1d": lambda T: T.linalg.matrix_norm(T.ones(3)),
    "matrix_norm ord 3": lambda T: T.linalg.matrix_norm(T.ones(3, 3), ord=3),
    "matrix_norm ord str": lambda T: T.linalg.matrix_norm(T.ones(3, 3), ord="x"),
    "vector_norm long": lambda T: T.linalg.vector_norm(_long(T, 3)),
    "vector_norm ord str": lambda T: T.linalg.vector_norm(T.ones(3), ord="fro"),
    "vector_norm dtype int": lambda T: T.linalg.vector_norm(T.ones(3), dtype=T.int64),
    "vector_norm narrowing": lambda T: T.linalg.vector_norm(
        T.ones(3, dtype=T.float64), dtype=T.float32
    ),
    "vector_norm inf empty": lambda T: T.linalg.vector_norm(T.ones(0, 3), math.inf),
    "norm 3d with ord": lambda T: T.linalg.norm(T.ones(3, 3, 3), ord=2),
    "solve sizes": lambda T: T.linalg.solve(T.ones(2, 2), T.ones(3)),
    "solve dtype": lambda T: T.linalg.solve(T.ones(2, 2), T.ones(2, dtype=T.float64)),
    "solve not square": lambda T: T.linalg.solve(T.ones(2, 3), T.ones(2)),
    "cross length": lambda T: T.linalg.cross(T.ones(3, 2), T.ones(3, 2)),
    "cross broadcast": lambda T: T.linalg.cross(T.ones(2, 3), T.ones(3, 3)),
    "multi_dot one": lambda T: T.linalg.multi_dot([T.ones(3)]),
    "multi_dot 3d": lambda T: T.linalg.multi_dot([T.ones(3, 3, 3), T.ones(3, 3)]),
    "multi_dot middle": lambda T: T.linalg.multi_dot([T.ones(3), T.ones(3), T.ones(3)]),
    "inv singular": lambda T: T.linalg.inv(T.tensor([[1.0, 1, 1], [1, 1, 1], [0, 0, 1]])),
    "inv singular batch": lambda T: T.linalg.inv(T.tensor([[[1.0, 0], [0, 1]], [[0, 1], [0, 1]]])),
    "solve singular batch": lambda T: T.linalg.solve(T.zeros(2, 2, 2), T.ones(2, 2)),
    "cholesky not pd batch": lambda T: T.linalg.cholesky(
        T.tensor([[[1.0, 0], [0, 1]], [[1, 0], [0, -1]]])
    ),
    "diagonal same dims": lambda T: T.linalg.diagonal(T.ones(3, 3), dim1=0, dim2=-2),
}


@pytest.mark.parametrize("name", list(ERROR_CASES))
def test_linalg_errors_match_torch(name):
    _assert_same_error(ERROR_CASES[name])


def test_singular_inverse_raises_linalg_error():
    with pytest.raises(ember.linalg.LinAlgError, match="singular"):
        ember.linalg.inv(ember.zeros(2, 2))
    assert issubclass(ember.linalg.LinAlgError, RuntimeError)
    assert issubclass(torch.linalg.LinAlgError, RuntimeError)


def _pair(a):
    return ember.tensor(a), torch.tensor(a)


def test_result_tuples_have_torch_fields():
    a = np.random.default_rng(0).standard_normal((3, 3))
    e, t = _pair(a)
    checks = [
        (ember.linalg.slogdet(e), torch.linalg.slogdet(t), ("sign", "logabsdet")),
        (ember.linalg.qr(e), torch.linalg.qr(t), ("Q", "R")),
        (ember.linalg.svd(e), torch.linalg.svd(t), ("U", "S", "Vh")),
        (ember.linalg.eigh(e + e.mT), torch.linalg.eigh(t + t.mT), ("eigenvalues", "eigenvectors")),
    ]
    for er, tr, fields in checks:
        for f in fields:
            assert tuple(getattr(er, f).shape) == tuple(getattr(tr, f).shape)
        assert len(er) == len(fields)


def test_slogdet_sign_of_negative_determinant():
    a = -np.eye(3)
    e, t = _pair(a)
    assert ember.linalg.slogdet(e).sign.item() == torch.linalg.slogdet(t).sign.item() == -1


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (2, 3, 3)])
def test_qr_mode_r_and_complete_shapes(shape):
    a = np.random.default_rng(1).standard_normal(shape)
    e, t = _pair(a)
    for mode in ("r", "complete", "reduced"):
        eq, er = ember.linalg.qr(e, mode=mode)
        tq, tr = torch.linalg.qr(t, mode=mode)
        assert tuple(eq.shape) == tuple(tq.shape) and tuple(er.shape) == tuple(tr.shape)
        np.testing.assert_allclose(np.abs(er.numpy()), np.abs(tr.numpy()), atol=1e-12)


def test_qr_backward_errors_match_torch():
    a = np.random.default_rng(2).standard_normal((4, 3))
    for mode, idx in (("r", 1), ("complete", 0)):
        messages = []
        for T in (ember, torch):
            x = T.tensor(a, requires_grad=True)
            with pytest.raises(RuntimeError) as info:
                T.linalg.qr(x, mode=mode)[idx].sum().backward()
            messages.append(str(info.value))
        assert messages[0] == messages[1]


@pytest.mark.parametrize("full_matrices", [True, False])
@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (0, 3)])
def test_svd_shapes(shape, full_matrices):
    a = np.random.default_rng(3).standard_normal(shape)
    e, t = _pair(a)
    er = ember.linalg.svd(e, full_matrices=full_matrices)
    tr = torch.linalg.svd(t, full_matrices=full_matrices)
    for x, y in zip(er, tr):
        assert tuple(x.shape) == tuple(y.shape)
    np.testing.assert_allclose(er.S.numpy(), tr.S.numpy(), atol=1e-12)


def test_eigh_uplo_reads_one_triangle():
    a = np.random.default_rng(4).standard_normal((4, 4))  # not symmetric on purpose
    e, t = _pair(a)
    for uplo in ("L", "U"):
        np.testing.assert_allclose(
            ember.linalg.eigvalsh(e, UPLO=uplo).numpy(),
            torch.linalg.eigvalsh(t, UPLO=uplo).numpy(),
            atol=1e-12,
        )


def test_cholesky_reads_lower_triangle():
    a = np.random.default_rng(5).standard_normal((3, 3))
    spd = a @ a.T + 3 * np.eye(3)
    spd[0, 2] += 100.0  # the upper triangle is never read
    e, t = _pair(spd)
    np.testing.assert_allclose(
        ember.linalg.cholesky(e).numpy(), torch.linalg.cholesky(t).numpy(), atol=1e-12
    )


@pytest.mark.parametrize(
    "kwargs", [{}, {"atol": 0.5}, {"rtol": 0.3}, {"atol": 0.1, "rtol": 0.2}, {"hermitian": True}]
)
def test_matrix_rank_and_pinv_tolerances(kwargs):
    rng = np.random.default_rng(6)
    u = np.linalg.qr(rng.standard_normal((4, 4)))[0]
    a = u @ np.diag([3.0, 1.0, 0.4, 1e-17]) @ u.T  # symmetric, with a tiny and a small value
    e, t = _pair(a)
    assert (
        ember.linalg.matrix_rank(e, **kwargs).item() == torch.linalg.matrix_rank(t, **kwargs).item()
    )
    assert ember.linalg.matrix_rank(e, **kwargs).dtype == ember.int64
    np.testing.assert_allclose(
        ember.linalg.pinv(e, **kwargs).numpy(),
        torch.linalg.pinv(t, **kwargs).numpy(),
        rtol=1e-7,
        atol=1e-9,
    )


@pytest.mark.parametrize("driver", [None, "gelsy", "gelsd", "gelss", "gels"])
def test_lstsq_fields_match_torch(driver):
    rng = np.random.default_rng(7)
    a, b = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    er = ember.linalg.lstsq(ember.tensor(a), ember.tensor(b), driver=driver)
    tr = torch.linalg.lstsq(torch.tensor(a), torch.tensor(b), driver=driver)
    for x, y in zip(er, tr):
        assert tuple(x.shape) == tuple(y.shape)
        assert str(x.dtype).split(".")[-1] == str(y.dtype).split(".")[-1]
        np.testing.assert_allclose(x.numpy(), y.numpy(), rtol=1e-8, atol=1e-10)


def test_diagonal_is_a_writable_view():
    x = ember.zeros(3, 4)
    d = ember.linalg.diagonal(x, offset=1)
    d.numpy()[...] = 7.0
    expected = torch.zeros(3, 4)
    torch.linalg.diagonal(expected, offset=1).fill_(7.0)
    np.testing.assert_array_equal(x.numpy(), expected.numpy())
    assert d._version is x._version


def test_empty_matrices():
    e, t = _pair(np.zeros((0, 0)))
    assert ember.linalg.det(e).item() == torch.linalg.det(t).item() == 1.0
    assert tuple(ember.linalg.inv(e).shape) == tuple(torch.linalg.inv(t).shape)
    e, t = _pair(np.zeros((2, 0, 0)))
    np.testing.assert_array_equal(
        ember.linalg.slogdet(e).logabsdet.numpy(), torch.linalg.slogdet(t).logabsdet.numpy()
    )


def test_det_gradient_batched():
    a = np.random.default_rng(8).standard_normal((2, 3, 3)) + 3 * np.eye(3)
    grads = []
    for T in (ember, torch):
        x = T.tensor(a, requires_grad=True)
        T.linalg.det(x).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10)


def test_norm_dtype_argument():
    a = np.random.default_rng(9).standard_normal((3, 4)).astype(np.float32)
    e = ember.linalg.vector_norm(ember.tensor(a), dtype=ember.float64)
    t = torch.linalg.vector_norm(torch.tensor(a), dtype=torch.float64)
    assert e.dtype == ember.float64
    np.testing.assert_allclose(e.item(), t.item(), rtol=1e-12)


def test_vector_norm_inf_splits_gradient_among_ties():
    a = np.array([[1.0, -2.0, 2.0], [0.5, -0.5, 0.25]])
    grads = []
    for T in (ember, torch):
        x = T.tensor(a, requires_grad=True)
        for ord in (math.inf, -math.inf):
            T.linalg.vector_norm(x, ord, dim=1).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1])


def test_multi_dot_chooses_cheap_order_and_matches():
    rng = np.random.default_rng(10)
    arrays = [rng.standard_normal(s) for s in [(10, 2), (2, 10), (10, 2), (2,)]]
    e = ember.linalg.multi_dot([ember.tensor(a) for a in arrays])
    t = torch.linalg.multi_dot([torch.tensor(a) for a in arrays])
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-10)
