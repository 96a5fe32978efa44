"""Numerical gradient checks: ``gradcheck`` and ``gradgradcheck`` by central differences."""

import numpy as np

from ember._dtype import is_floating_np
from ember._tensor import Tensor, make_tensor
from ember.autograd.engine import grad as autograd_grad

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by gradcheck when analytical and numerical gradients disagree."""


def _as_tuple(x):
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _differentiable_outputs(out):
    return [o for o in _as_tuple(out) if isinstance(o, Tensor) and o._requires_grad]


def _numerical_jacobian(fn, inputs, target, eps):
    """Columns d(flat outputs)/d(target element), by central differences in float64."""
    flat = target._data.reshape(-1) if target._data.flags.c_contiguous else None
    if flat is None:
        raise GradcheckError("gradcheck needs contiguous inputs to perturb")
    columns = []
    for k in range(flat.size):
        orig = flat[k]
        # Evaluated with grad mode as it is: gradgradcheck's function itself computes gradients.
        flat[k] = orig + eps
        plus = [o._data.astype(np.float64).ravel() for o in _outs(fn(*inputs))]
        flat[k] = orig - eps
        minus = [o._data.astype(np.float64).ravel() for o in _outs(fn(*inputs))]
        flat[k] = orig
        columns.append(np.concatenate([(p - m) / (2 * eps) for p, m in zip(plus, minus)]))
    return np.stack(columns, axis=1) if columns else np.zeros((0, 0))


def _outs(out):
    return [o for o in _as_tuple(out) if isinstance(o, Tensor) and is_floating_np(o._data.dtype)]


def _analytical_jacobian(outputs, target, n_out):
    rows = []
    for o in outputs:
        for k in range(o._data.size):
            cot = np.zeros(o._data.size, o._data.dtype)
            cot[k] = 1
            (g,) = autograd_grad(
                o,
                target,
                make_tensor(cot.reshape(o._data.shape)),
                retain_graph=True,
                allow_unused=True,
            )
            rows.append(
                np.zeros(target._data.size) if g is None else g._data.astype(np.float64).ravel()
            )
    return np.stack(rows, axis=0) if rows else np.zeros((0, target._data.size))


def gradcheck(
    func,
    inputs,
    *,
    eps=1e-6,
    atol=1e-5,
    rtol=1e-3,
    raise_exception=True,
    nondet_tol=0.0,
    check_undefined_grad=True,
    check_grad_dtypes=False,
    check_batched_grad=False,
    check_backward_ad=True,
    fast_mode=False,
    masked=None,
):
    """Compare analytical gradients of ``func`` at ``inputs`` with finite differences."""
    inputs = _as_tuple(inputs)
    targets = [t for t in inputs if isinstance(t, Tensor) and t._requires_grad]
    for t in targets:
        if t._data.dtype != np.float64:
            import warnings

            warnings.warn(
                "Input #0 requires gradient and is not a double precision floating point. "
                "This check will likely fail if all the inputs are not of double precision "
                "floating point. ",
                stacklevel=2,
            )
    outputs = _differentiable_outputs(func(*inputs))
    n_out = sum(o._data.size for o in outputs)
    for i, t in enumerate(targets):
        numerical = _numerical_jacobian(func, inputs, t, eps)
        if not numerical.size:
            numerical = np.zeros((n_out, t._data.size))
        analytical = _analytical_jacobian(outputs, t, n_out)
        if not np.allclose(analytical, numerical, rtol=rtol, atol=atol):
            if not raise_exception:
                return False
            raise GradcheckError(
                f"Jacobian mismatch for output 0 with respect to input {i},\n"
                f"numerical:{numerical}\nanalytical:{analytical}\n"
            )
    return True


def gradgradcheck(
    func,
    inputs,
    grad_outputs=None,
    *,
    eps=1e-6,
    atol=1e-5,
    rtol=1e-3,
    gen_non_contig_grad_outputs=False,
    raise_exception=True,
    nondet_tol=0.0,
    check_undefined_grad=True,
    check_grad_dtypes=False,
    check_batched_grad=False,
    check_fwd_over_rev=False,
    check_rev_over_rev=True,
    fast_mode=False,
    masked=False,
):
    """Check second derivatives: gradcheck of the function ``inputs -> grad(func(inputs))``."""
    inputs = _as_tuple(inputs)
    outputs = _differentiable_outputs(func(*inputs))
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = [
            make_tensor(rng.standard_normal(o._data.shape).astype(o._data.dtype), True)
            for o in outputs
        ]
    grad_outputs = list(_as_tuple(grad_outputs))
    n_in = len(inputs)

    def first_derivative(*args):
        ins, gos = args[:n_in], args[n_in:]
        outs = _differentiable_outputs(func(*ins))
        targets = [t for t in ins if isinstance(t, Tensor) and t._requires_grad]
        return autograd_grad(
            outs, targets, gos, create_graph=True, allow_unused=True, materialize_grads=True
        )

    return gradcheck(
        first_derivative,
        tuple(inputs) + tuple(grad_outputs),
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
    )
