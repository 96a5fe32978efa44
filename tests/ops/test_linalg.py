"""Matrix products beyond the registry: PyTorch's error messages and types, dtype rules (no
promotion), out=, beta=0, einsum parsing, and gradients through the 1-D and broadcast cases."""

import numpy as np
import pytest
import torch

import ember


def _both(fn):
    """Run ``fn(T)`` for ember and torch; return (ember result or exception, torch's)."""
    results = []
    for T in (ember, torch):
        try:
            results.append(fn(T))
        except Exception as e:  # noqa: BLE001 (the exception itself is what is compared)
            results.append(e)
    return results


def _assert_same_error(fn):
    e, t = _both(fn)
    assert isinstance(t, Exception), f"PyTorch raised nothing, got {t}"
    assert isinstance(e, Exception), f"ember raised nothing, PyTorch raised {t!r}"
    assert type(e).__name__ == type(t).__name__ or isinstance(e, type(t).__mro__[1]), (e, t)
    assert str(e).split("\n")[0] == str(t).split("\n")[0]


ERROR_CASES = {
    "mm shapes": lambda T: T.mm(T.ones(64, 784), T.ones(128, 10)),
    "matmul 2d shapes": lambda T: T.matmul(T.ones(64, 784), T.ones(128, 10)),
    "matmul 0d": lambda T: T.matmul(T.ones(()), T.ones(2, 3)),
    "matmul 2d 0d": lambda T: T.ones(2, 3) @ T.ones(()),
    "matmul 1d 1d sizes": lambda T: T.matmul(T.ones(3), T.ones(4)),
    "matmul 2d 1d sizes": lambda T: T.matmul(T.ones(3, 4), T.ones(5)),
    "matmul 1d 2d sizes": lambda T: T.matmul(T.ones(3), T.ones(4, 5)),
    "matmul 3d 2d folded": lambda T: T.matmul(T.ones(2, 3, 4), T.ones(5, 2)),
    "matmul 3d 1d folded": lambda T: T.matmul(T.ones(2, 3, 4), T.ones(5)),
    "matmul batch broadcast": lambda T: T.matmul(T.ones(2, 3, 4), T.ones(3, 4, 2)),
    "matmul batched inner": lambda T: T.matmul(T.ones(2, 2, 3, 4), T.ones(2, 2, 5, 2)),
    "matmul dtype": lambda T: T.matmul(T.ones(2, 3), T.ones(3, 2, dtype=T.float64)),
    "matmul int float": lambda T: T.matmul(T.ones(2, 3), T.ones(3, 2, dtype=T.int64)),
    "matmul 1d dtype": lambda T: T.matmul(T.ones(3), T.ones(3, dtype=T.float64)),
    "matmul mv dtype": lambda T: T.matmul(T.ones(3, 4), T.ones(4, dtype=T.float64)),
    "matmul batched dtype": lambda T: T.matmul(T.ones(2, 3, 4), T.ones(2, 4, 2, dtype=T.float64)),
    "matmul bool": lambda T: T.matmul(T.ones(2, 3, dtype=T.bool), T.ones(3, 2, dtype=T.bool)),
    # PyTorch folds batch dims into one mm/mv only in some layouts (its should_fold); the
    # message then shows the folded matrix.
    "fold grad 2d-3d": lambda T: T.matmul(T.ones(3, 4, requires_grad=True), T.ones(2, 5, 2)),
    "fold grad 1d-3d": lambda T: T.matmul(T.ones(4, requires_grad=True), T.ones(2, 5, 2)),
    "fold transposed batch": lambda T: T.matmul(T.ones(2, 4, 3).mT, T.ones(5, 2)),
    "no fold permuted": lambda T: T.matmul(T.ones(2, 4, 3).transpose(0, 1), T.ones(5, 2)),
    "fold permuted grad": lambda T: T.matmul(
        T.ones(2, 4, 3).transpose(0, 1), T.ones(5, 2, requires_grad=True)
    ),
    "no fold permuted 1d": lambda T: T.matmul(T.ones(2, 4, 3).transpose(0, 1), T.ones(2)),
    "fold dtype grad": lambda T: T.matmul(
        T.ones(3, 4, requires_grad=True), T.ones(2, 4, 2, dtype=T.float64)
    ),
    "mm 3d": lambda T: T.mm(T.ones(2, 3, 1), T.ones(4, 5)),
    "mm 1d": lambda T: T.mm(T.ones(2, 3), T.ones(4)),
    "mm dtype": lambda T: T.mm(T.ones(2, 3, dtype=T.float64), T.ones(3, 4)),
    "bmm sizes": lambda T: T.bmm(T.ones(4, 3, 3), T.ones(4, 5, 2)),
    "bmm batch": lambda T: T.bmm(T.ones(4, 3, 3), T.ones(3, 3, 2)),
    "bmm 2d": lambda T: T.bmm(T.ones(4, 3), T.ones(3, 3, 2)),
    "bmm batch2 2d": lambda T: T.bmm(T.ones(4, 3, 3), T.ones(3, 2)),
    "bmm dtype": lambda T: T.bmm(T.ones(2, 3, 4), T.ones(2, 4, 2, dtype=T.float64)),
    "mv sizes": lambda T: T.mv(T.ones(4, 3), T.ones(2)),
    "mv 1d": lambda T: T.mv(T.ones(4), T.ones(2)),
    "mv dtype": lambda T: T.mv(T.ones(3, 4, dtype=T.float64), T.ones(4)),
    "dot 2d": lambda T: T.dot(T.ones(2, 2), T.ones(2, 2)),
    "dot 1d 2d": lambda T: T.dot(T.ones(2), T.ones(2, 2)),
    "dot sizes": lambda T: T.dot(T.ones(2), T.ones(3)),
    "dot dtype": lambda T: T.dot(T.ones(2, dtype=T.int64), T.ones(2)),
    "vdot sizes": lambda T: T.vdot(T.ones(2), T.ones(3)),
    "inner last dim": lambda T: T.inner(T.ones(2, 3), T.ones(4, 2)),
    "inner dtype": lambda T: T.inner(T.ones(2, 3), T.ones(4, 3, dtype=T.float64)),
    "outer 2d": lambda T: T.outer(T.ones(2, 2), T.ones(3)),
    "ger 2d": lambda T: T.ger(T.ones(2), T.ones(3, 3)),
    "addmm input shape": lambda T: T.addmm(T.ones(4), T.ones(2, 3), T.ones(3, 3)),
    "addmm input dtype": lambda T: T.addmm(
        T.ones(2, 3, dtype=T.float64), T.ones(2, 3), T.ones(3, 3)
    ),
    "addmm mat dtype": lambda T: T.addmm(T.ones(2, 3), T.ones(2, 3, dtype=T.float64), T.ones(3, 3)),
    "addmm shapes": lambda T: T.addmm(T.ones(2, 3), T.ones(2, 3), T.ones(4, 3)),
    "addmv sizes": lambda T: T.addmv(T.ones(2), T.ones(2, 3), T.ones(4)),
    "addmv dtype": lambda T: T.addmv(T.ones(2, dtype=T.float64), T.ones(2, 3), T.ones(3)),
    "baddbmm dtype": lambda T: T.baddbmm(
        T.ones(2, dtype=T.float64), T.ones(4, 2, 3), T.ones(4, 3, 2)
    ),
    "baddbmm input shape": lambda T: T.baddbmm(T.ones(3), T.ones(4, 2, 3), T.ones(4, 3, 2)),
    "addbmm input shape": lambda T: T.addbmm(T.ones(3), T.ones(4, 2, 3), T.ones(4, 3, 2)),
    "addbmm dtype": lambda T: T.addbmm(
        T.ones(2, dtype=T.float64), T.ones(4, 2, 3), T.ones(4, 3, 2)
    ),
    "tensordot sizes": lambda T: T.tensordot(T.ones(2, 3), T.ones(4, 4), 1),
    "tensordot negative": lambda T: T.tensordot(T.ones(2, 3, 4), T.ones(3, 4, 5), dims=-1),
    "tensordot list lengths": lambda T: T.tensordot(
        T.ones(2, 3, 4), T.ones(3, 4, 5), dims=([1, 2], [0])
    ),
    "tensordot list sizes": lambda T: T.tensordot(
        T.ones(2, 3, 4), T.ones(3, 4, 5), dims=([1], [1])
    ),
    "tensordot dtype": lambda T: T.tensordot(T.ones(2, 3), T.ones(3, 4, dtype=T.float64), 1),
    "einsum size": lambda T: T.einsum("ij,jk", T.ones(2, 3), T.ones(4, 4)),
    "einsum dtype": lambda T: T.einsum("ij,jk", T.ones(2, 3), T.ones(3, 4, dtype=T.float64)),
    "einsum few operands": lambda T: T.einsum("ij,jk->ik", T.ones(2, 3)),
    "einsum many operands": lambda T: T.einsum("ij->ij", T.ones(2, 3), T.ones(2, 3)),
    "einsum unknown output": lambda T: T.einsum("ij,jk->ikl", T.ones(2, 3), T.ones(3, 4)),
    "einsum repeated output": lambda T: T.einsum("ij,jk->ii", T.ones(2, 3), T.ones(3, 4)),
    "einsum ndim": lambda T: T.einsum("ij", T.ones(2, 3, 4)),
    "einsum ellipsis ndim": lambda T: T.einsum("...ijk", T.ones(2, 3)),
    "einsum bad char": lambda T: T.einsum("i1", T.ones(2, 3)),
    "einsum repeated sizes": lambda T: T.einsum("ii", T.ones(2, 3)),
}


@pytest.mark.parametrize("name", list(ERROR_CASES))
def test_product_errors_match_torch(name):
    _assert_same_error(ERROR_CASES[name])


def test_matmul_does_not_promote():
    # PyTorch raises instead of promoting; ember must not silently upcast.
    with pytest.raises(RuntimeError, match="same dtype"):
        ember.ones(2, 3) @ ember.ones(3, 2, dtype=ember.float64)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32"])
def test_matmul_keeps_dtype(dtype):
    a = np.arange(6).reshape(2, 3).astype(dtype)
    e = ember.matmul(ember.tensor(a), ember.tensor(a.T.copy()))
    t = torch.matmul(torch.tensor(a), torch.tensor(a.T.copy()))
    assert str(e.dtype) == str(t.dtype).replace("torch", "ember")
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_matmul_float32_forward_is_float32_without_copy():
    a = ember.tensor(np.ones((4, 3), np.float32))
    b = ember.tensor(np.ones((3, 5), np.float32))
    assert (a @ b).dtype == ember.float32
    assert (a @ b.mT.mT).dtype == ember.float32


def test_outer_and_kron_promote_like_torch():
    for name in ("outer", "kron"):
        e = getattr(ember, name)(ember.ones(2), ember.ones(3, dtype=ember.float64))
        t = getattr(torch, name)(torch.ones(2), torch.ones(3, dtype=torch.float64))
        assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]


def test_addmm_beta_zero_ignores_nan_input():
    inp = np.full((2, 2), np.nan, np.float32)
    e = ember.addmm(ember.tensor(inp), ember.ones(2, 3), ember.ones(3, 2), beta=0)
    t = torch.addmm(torch.tensor(inp), torch.ones(2, 3), torch.ones(3, 2), beta=0)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_addmm_integer_with_float_beta_keeps_dtype():
    args = [(2, 2), (2, 3), (3, 2)]
    e = ember.addmm(*[ember.ones(s, dtype=ember.int64) for s in args], beta=0.5)
    t = torch.addmm(*[torch.ones(s, dtype=torch.int64) for s in args], beta=0.5)
    assert e.dtype == ember.int64 and t.dtype == torch.int64


@pytest.mark.parametrize("name", ["matmul", "mm", "bmm", "mv", "dot", "outer", "tensordot"])
def test_product_out(name):
    rng = np.random.default_rng(0)
    shapes = {
        "matmul": [(2, 3), (3, 4)],
        "mm": [(2, 3), (3, 4)],
        "bmm": [(2, 2, 3), (2, 3, 4)],
        "mv": [(2, 3), (3,)],
        "dot": [(3,), (3,)],
        "outer": [(2,), (3,)],
        "tensordot": [(2, 3), (3, 4)],
    }[name]
    arrays = [rng.standard_normal(s) for s in shapes]
    kwargs = {"dims": 1} if name == "tensordot" else {}
    expected = getattr(torch, name)(*[torch.tensor(a) for a in arrays], **kwargs)
    out = ember.zeros(1, dtype=ember.float64)
    result = getattr(ember, name)(*[ember.tensor(a) for a in arrays], **kwargs, out=out)
    assert result is out
    np.testing.assert_allclose(out.numpy(), expected.numpy(), rtol=1e-12)


def test_out_with_grad_raises():
    a = ember.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="out=... arguments don't support automatic"):
        ember.matmul(a, ember.ones(3, 2), out=ember.empty(2, 2))


def test_rmatmul_and_tensor_methods():
    a, b = np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(3, 4)
    e = ember.tensor(a).__rmatmul__(ember.tensor(b[:, :2].copy()))
    t = torch.tensor(a).__rmatmul__(torch.tensor(b[:, :2].copy()))
    np.testing.assert_allclose(e.numpy(), t.numpy())
    np.testing.assert_allclose(
        ember.tensor(a).mm(ember.tensor(b)).numpy(), torch.tensor(a).mm(torch.tensor(b)).numpy()
    )


@pytest.mark.parametrize(
    "sa,sb",
    [
        ((4,), (4,)),
        ((3, 4), (4,)),
        ((4,), (4, 2)),
        ((2, 1, 3, 4), (5, 4, 2)),
        ((4,), (2, 4, 3)),
        ((2, 3, 4), (4,)),
        ((1, 3, 4), (2, 4, 5)),
        ((3, 4), (2, 4, 5)),
    ],
)
def test_matmul_gradient_shapes_and_values(sa, sb):
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal(sa), rng.standard_normal(sb)
    grads = []
    for T in (ember, torch):
        x, y = T.tensor(a, requires_grad=True), T.tensor(b, requires_grad=True)
        out = T.matmul(x, y)
        w = T.tensor(np.linspace(-1, 1, max(out.numel(), 1)).reshape(tuple(out.shape)))
        (out * w).sum().backward()
        grads.append((x.grad.numpy(), y.grad.numpy()))
    for e, t in zip(*grads):
        assert e.shape == t.shape
        np.testing.assert_allclose(e, t, rtol=1e-10, atol=1e-12)


def test_matmul_second_order_gradient():
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    results = []
    for T in (ember, torch):
        x, y = T.tensor(a, requires_grad=True), T.tensor(b, requires_grad=True)
        out = T.matmul(x, y)
        (gx,) = T.autograd.grad((out * out).sum(), [x], create_graph=True)
        (gy,) = T.autograd.grad((gx * gx).sum(), [y])
        results.append(gy.numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-10)


def test_einsum_sublist_format():
    a, b = np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(3, 4)
    e = ember.einsum(ember.tensor(a), [0, 1], ember.tensor(b), [1, 2], [0, 2])
    t = torch.einsum(torch.tensor(a), [0, 1], torch.tensor(b), [1, 2], [0, 2])
    np.testing.assert_allclose(e.numpy(), t.numpy())


@pytest.mark.parametrize(
    "equation,shapes",
    [
        ("ij->ji", [(2, 3)]),
        ("Ab,bA->A", [(2, 3), (3, 2)]),
        ("...i->...", [(2, 3, 4)]),
        ("i...j,j...->...i", [(2, 3, 4), (4, 3)]),
        ("bi,bi->b", [(1, 3), (4, 3)]),
        ("iij->j", [(3, 3, 2)]),
    ],
)
def test_einsum_cases_with_gradients(equation, shapes):
    rng = np.random.default_rng(3)
    arrays = [rng.standard_normal(s) for s in shapes]
    results = []
    for T in (ember, torch):
        ts = [T.tensor(a, requires_grad=True) for a in arrays]
        out = T.einsum(equation, *ts)
        (out * out).sum().backward()
        results.append([out.detach().numpy()] + [t.grad.numpy() for t in ts])
    for e, t in zip(*results):
        assert e.shape == t.shape
        np.testing.assert_allclose(e, t, rtol=1e-10, atol=1e-12)
