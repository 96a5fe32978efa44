"""Custom autograd Functions with PyTorch's API port unchanged: the same class body runs on
ember and on PyTorch and gives the same gradients."""

import pytest
import torch

import ember
from ember.testing import assert_close


def make_functions(T):
    """The same custom Functions, defined against namespace ``T``."""

    class Cube(T.autograd.Function):
        @staticmethod
        def forward(ctx, x, scale):
            ctx.save_for_backward(x)
            ctx.scale = scale
            return x * x * x * scale

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x * x * ctx.scale, None

    class SplitGrad(T.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b, a + b

        @staticmethod
        def backward(ctx, g_prod, g_sum):
            a, b = ctx.saved_tensors
            ga = g_prod * b + g_sum if ctx.needs_input_grad[0] else None
            gb = g_prod * a + g_sum if ctx.needs_input_grad[1] else None
            return ga, gb

    class ScaleInPlace(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.mark_dirty(x)
            return x.mul_(2)

        @staticmethod
        def backward(ctx, grad):
            return grad * 2

    class WithIndex(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            idx = (x > 0).long()
            ctx.mark_non_differentiable(idx)
            return x * 2, idx

        @staticmethod
        def backward(ctx, grad, grad_idx):
            return grad * 2

    class NoMaterialize(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x.clone(), x.clone()

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 if g2 is None else g1 + g2

    class SetupStyle(T.autograd.Function):
        @staticmethod
        def forward(x, y):
            return x * y

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(*inputs)

        @staticmethod
        def backward(ctx, grad):
            x, y = ctx.saved_tensors
            return grad * y, grad * x

    return Cube, SplitGrad, ScaleInPlace, WithIndex, NoMaterialize, SetupStyle


def both(fn):
    return fn(ember, *make_functions(ember)), fn(torch, *make_functions(torch))


def test_save_for_backward_and_ctx_attributes():
    def run(T, Cube, *_):
        x = T.tensor([1.0, -2.0, 0.5], dtype=T.float64, requires_grad=True)
        y = Cube.apply(x, 2.0)
        y.sum().backward()
        return y.detach(), x.grad, y.grad_fn.name()

    (ey, eg, en), (ty, tg, tn) = both(run)
    assert_close(ey, ty)
    assert_close(eg, tg)
    assert en == tn == "CubeBackward"


def test_multiple_outputs_and_needs_input_grad():
    def run(T, _, SplitGrad, *rest):
        a = T.tensor([1.0, 2.0], dtype=T.float64, requires_grad=True)
        b = T.tensor([3.0, -1.0], dtype=T.float64)
        p, s = SplitGrad.apply(a, b)
        (p * 2 + s * 3).sum().backward()
        return a.grad

    e, t = both(run)
    assert_close(e, t)


def test_mark_dirty_in_place_function():
    def run(T, _a, _b, ScaleInPlace, *rest):
        x = T.tensor([1.0, 2.0], dtype=T.float64, requires_grad=True)
        h = x * 1
        out = ScaleInPlace.apply(h)
        (out * out).sum().backward()
        return out is h, x.grad

    (e_same, e), (t_same, t) = both(run)
    assert e_same == t_same
    assert_close(e, t)


def test_mark_non_differentiable_output():
    def run(T, _a, _b, _c, WithIndex, *rest):
        x = T.tensor([1.0, -2.0], dtype=T.float64, requires_grad=True)
        y, idx = WithIndex.apply(x)
        y.sum().backward()
        return idx.requires_grad, x.grad

    (e_rg, e), (t_rg, t) = both(run)
    assert e_rg == t_rg is False
    assert_close(e, t)


def test_set_materialize_grads_false_passes_none():
    def run(T, *fns):
        NoMaterialize = fns[4]
        x = T.tensor([1.0, 2.0], dtype=T.float64, requires_grad=True)
        a, _ = NoMaterialize.apply(x)
        a.sum().backward()
        return x.grad

    e, t = both(run)
    assert_close(e, t)


def test_setup_context_style():
    def run(T, *fns):
        SetupStyle = fns[5]
        x = T.tensor([1.0, 2.0], dtype=T.float64, requires_grad=True)
        y = T.tensor([3.0, 4.0], dtype=T.float64, requires_grad=True)
        SetupStyle.apply(x, y).sum().backward()
        return x.grad, y.grad

    (ex, ey), (tx, ty) = both(run)
    assert_close(ex, tx)
    assert_close(ey, ty)


def test_custom_function_double_backward():
    def run(T, Cube, *rest):
        x = T.tensor([1.0, -2.0], dtype=T.float64, requires_grad=True)
        (g,) = T.autograd.grad(Cube.apply(x, 1.0).sum(), x, create_graph=True)
        (gg,) = T.autograd.grad(g.sum(), x)
        return gg

    e, t = both(run)
    assert_close(e, t)


def test_once_differentiable_refuses_double_backward():
    class Square(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @ember.autograd.once_differentiable
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 2 * x

    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = Square.apply(x)
    (g,) = ember.autograd.grad((y * y).sum(), x, create_graph=True)  # incoming grad has a graph
    with pytest.raises(RuntimeError, match="once_differentiable"):
        g.sum().backward()
    x2 = ember.tensor([3.0], requires_grad=True)
    Square.apply(x2).sum().backward()
    assert_close(x2.grad, torch.tensor([6.0]))


def test_wrong_number_of_gradients_raises():
    class Bad(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad, grad

    x = ember.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="incorrect number of gradients"):
        Bad.apply(x).sum().backward()


def test_function_without_grad_inputs_records_nothing():
    Cube = make_functions(ember)[0]
    y = Cube.apply(ember.tensor([1.0, 2.0]), 1.0)
    assert y.grad_fn is None and not y.requires_grad
