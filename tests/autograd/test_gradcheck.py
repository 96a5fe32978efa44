"""gradcheck and gradgradcheck catch wrong gradients and pass right ones."""

import pytest

import ember
from ember.autograd.function import Op
from ember.autograd.gradcheck import GradcheckError


class WrongGrad(Op):
    """x * x with a deliberately wrong gradient (x instead of 2x)."""

    save_inputs = True

    def forward(ctx, x):
        return x * x

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x


class WrongSecondDerivative(Op):
    """x**3 whose gradient 3x**2 is computed outside the graph: first derivative right,
    second derivative wrong (zero)."""

    save_inputs = True

    def forward(ctx, x):
        return x * x * x

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * ember.tensor(3 * x._data * x._data)


def _x():
    return ember.tensor([0.5, -1.5, 2.0], dtype=ember.float64, requires_grad=True)


def test_gradcheck_passes_correct_gradient():
    assert ember.autograd.gradcheck(lambda x: (x * x).exp(), (_x(),))


def test_gradcheck_catches_wrong_gradient():
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):
        ember.autograd.gradcheck(WrongGrad.apply, (_x(),))
    assert ember.autograd.gradcheck(WrongGrad.apply, (_x(),), raise_exception=False) is False


def test_gradgradcheck_passes_correct_second_derivative():
    assert ember.autograd.gradgradcheck(lambda x: (x * x * x).tanh(), (_x(),))


def test_gradgradcheck_passes_linear_function():
    # The second derivative of a linear function is identically zero.
    assert ember.autograd.gradgradcheck(lambda x: x * 3 + 1, (_x(),))


def test_gradgradcheck_catches_wrong_second_derivative():
    assert ember.autograd.gradcheck(WrongSecondDerivative.apply, (_x(),))
    with pytest.raises(GradcheckError):
        ember.autograd.gradgradcheck(WrongSecondDerivative.apply, (_x(),))
