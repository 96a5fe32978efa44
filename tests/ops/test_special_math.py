"""special_math beyond the registry: in-place and out= variants, dtype rules, errors, and the
gradient conventions at 0 (xlogy, sinc, copysign), each against PyTorch."""

import re

import numpy as np
import pytest
import torch

import ember
from ember.testing.comparison import assert_close


def _both(values, dtype="float64", requires_grad=False):
    e = ember.tensor(np.asarray(values, dtype=dtype), requires_grad=requires_grad)
    t = torch.tensor(np.asarray(values, dtype=dtype), requires_grad=requires_grad)
    return e, t


@pytest.mark.parametrize(
    "name,values",
    [
        ("acosh_", [1.5, 2.0]),
        ("asinh_", [-1.0, 2.0]),
        ("atanh_", [-0.5, 0.25]),
        ("arccosh_", [1.5, 3.0]),
        ("arcsinh_", [0.5, -2.0]),
        ("arctanh_", [0.5, -0.1]),
        ("logit_", [0.2, 0.7]),
        ("deg2rad_", [90.0, -45.0]),
        ("rad2deg_", [1.0, -0.5]),
        ("sinc_", [0.0, 0.5]),
        ("sgn_", [-2.0, 0.0]),
    ],
)
def test_inplace_matches_torch(name, values):
    e, t = _both(values)
    assert getattr(e, name)() is e
    getattr(t, name)()
    assert_close(e, t)
    if hasattr(torch, name):
        e, t = _both(values)
        getattr(ember, name)(e)
        getattr(torch, name)(t)
        assert_close(e, t)


@pytest.mark.parametrize("name", ["hypot_", "xlogy_", "copysign_", "heaviside_"])
def test_binary_inplace_matches_torch(name):
    e, t = _both([0.0, 1.5, -2.0])
    eo, to = _both([0.5, -3.0, 2.0])
    getattr(e, name)(eo)
    getattr(t, name)(to)
    assert_close(e, t, equal_nan=True)  # xlogy(1.5, -3.0) is NaN in both


@pytest.mark.parametrize(
    "name,args",
    [
        ("acosh", ([1.5, 2.0],)),
        ("hypot", ([1.0, 2.0], [3.0, 4.0])),
        ("logaddexp", ([1.0, 2.0], [3.0, -4.0])),
        ("logaddexp2", ([1.0, 2.0], [3.0, -4.0])),
        ("xlogy", ([0.0, 2.0], [3.0, 4.0])),
        ("copysign", ([1.0, 2.0], [-3.0, 4.0])),
        ("signbit", ([-0.0, 2.0],)),
        ("sinc", ([0.0, 2.5],)),
    ],
)
def test_out_matches_torch(name, args):
    e_args = [ember.tensor(a) for a in args]
    t_args = [torch.tensor(a) for a in args]
    e_out = ember.empty(0, dtype=ember.bool if name == "signbit" else ember.float32)
    t_out = torch.empty(0, dtype=torch.bool if name == "signbit" else torch.float32)
    assert getattr(ember, name)(*e_args, out=e_out) is e_out
    getattr(torch, name)(*t_args, out=t_out)
    assert_close(e_out, t_out)


@pytest.mark.parametrize("name", ["hypot", "logaddexp", "logaddexp2"])
def test_integer_only_inputs_are_refused(name):
    with pytest.raises(NotImplementedError) as theirs:
        getattr(torch, name)(torch.tensor([1, 2]), torch.tensor([3, 4]))
    with pytest.raises(NotImplementedError, match=str(theirs.value)):
        getattr(ember, name)(ember.tensor([1, 2]), ember.tensor([3, 4]))


@pytest.mark.parametrize("name", ["hypot", "logaddexp", "heaviside"])
def test_python_scalar_other_is_a_type_error(name):
    with pytest.raises(TypeError):
        getattr(torch, name)(torch.tensor([1.0]), 2.0)
    with pytest.raises(TypeError, match=name):
        getattr(ember, name)(ember.tensor([1.0]), 2.0)


def test_heaviside_dtype_mismatch_and_no_derivative():
    with pytest.raises(RuntimeError, match="different dtypes"):
        ember.heaviside(ember.tensor([1.0]), ember.tensor([1]))
    x = ember.tensor([1.0, 0.0], requires_grad=True)
    y = ember.heaviside(x, ember.tensor(0.5))
    with pytest.raises(RuntimeError, match="heaviside is not implemented"):
        y.sum().backward()


@pytest.mark.parametrize(
    "fn",
    [
        lambda T, x: T.sgn(x),
        lambda T, x: T.signbit(x),
        lambda T, x: T.positive(x),
        lambda T, x: T.copysign(x, -2),
        lambda T, x: T.xlogy(x, x),
        lambda T, x: T.heaviside(x, x),
        lambda T, x: T.deg2rad(x),
    ],
)
@pytest.mark.parametrize("dtype", ["int64", "bool", "int32"])
def test_result_dtypes_match_torch(fn, dtype):
    values = [1, 0, 1] if dtype == "bool" else [-2, 0, 3]
    e, t = _both(values, dtype)
    try:
        expected = fn(torch, t)
    except RuntimeError as err:
        with pytest.raises(RuntimeError, match=re.escape(str(err))):
            fn(ember, e)
        return
    got = fn(ember, e)
    assert str(got.dtype).split(".")[-1] == str(expected.dtype).split(".")[-1]
    assert_close(got, expected, equal_nan=True)  # xlogy(-2, -2) is NaN in both


def test_positive_returns_input_and_refuses_bool():
    x = ember.tensor([1.0, -2.0])
    assert ember.positive(x) is x
    with pytest.raises(RuntimeError, match="bool tensor is not supported"):
        ember.positive(ember.tensor([True]))


@pytest.mark.parametrize(
    "fn",
    [
        lambda T, x, y: T.xlogy(x, y),
        lambda T, x, y: T.sinc(x) * y,
        lambda T, x, y: T.copysign(x, y),
        lambda T, x, y: T.logit(x, eps=0.25) * y,
    ],
)
def test_gradient_at_zero_and_bounds_matches_torch(fn):
    # x holds the kinks: 0 (xlogy, sinc, copysign) and eps / 1 - eps (logit's clamp).
    e_x, t_x = _both([0.0, 0.25, 0.75, -0.0, 1.0], requires_grad=True)
    e_y, t_y = _both([2.0, 0.5, -1.0, 3.0, 0.0], requires_grad=True)
    e_out, t_out = fn(ember, e_x, e_y), fn(torch, t_x, t_y)
    assert_close(e_out, t_out, equal_nan=True)
    with np.errstate(divide="ignore"):  # ember's div warns on x / 0, PyTorch does not
        e_g = ember.autograd.grad(e_out.sum(), [e_x, e_y])
    t_g = torch.autograd.grad(t_out.sum(), [t_x, t_y])
    for eg, tg in zip(e_g, t_g):
        assert_close(eg, tg, equal_nan=True)


def test_xlogy_nan_and_zero():
    e, t = _both([0.0, 0.0, 1.0])
    eo, to = _both([np.nan, np.inf, 0.0])
    assert_close(ember.xlogy(e, eo), torch.xlogy(t, to), equal_nan=True)


def test_float_power_inplace_needs_double():
    e, t = _both([1.5, -2.0])
    e.float_power_(2)
    t.float_power_(2)
    assert_close(e, t)
    with pytest.raises(RuntimeError) as theirs:
        torch.ones(2).float_power_(2)
    with pytest.raises(RuntimeError, match=str(theirs.value)):
        ember.ones(2).float_power_(2)


def test_double_backward_logaddexp_matches_torch():
    e_a, t_a = _both([0.5, -1.0], requires_grad=True)
    e_b, t_b = _both([1.5, 2.0], requires_grad=True)
    (e_g,) = ember.autograd.grad(ember.logaddexp(e_a, e_b).sum(), [e_a], create_graph=True)
    (t_g,) = torch.autograd.grad(torch.logaddexp(t_a, t_b).sum(), [t_a], create_graph=True)
    e_h = ember.autograd.grad(e_g.sum(), [e_a, e_b])
    t_h = torch.autograd.grad(t_g.sum(), [t_a, t_b])
    for eh, th in zip(e_h, t_h):
        assert_close(eh, th)
