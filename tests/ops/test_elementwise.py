"""Hand-written tests of elementwise ops: gradients at kinks, errors, in-place and ``out=``
semantics, all against PyTorch as the oracle."""

import numpy as np
import pytest
import torch

import ember
from ember.testing.oracle import Sample, check_against_torch

NAN, INF = float("nan"), float("inf")


# ---- gradients at kinks ---------------------------------------------------------------------

KINKS = {
    "abs_at_0": (lambda T, x: T.abs(x), (np.array([0.0, 1.5, -2.0, -0.0]),)),
    "relu_at_0": (lambda T, x: T.relu(x), (np.array([0.0, 1.5, -2.0]),)),
    "clamp_at_scalar_bounds": (
        lambda T, x: T.clamp(x, -1.0, 1.0),
        (np.array([-1.0, 1.0, 0.0, 2.0, -3.0]),),
    ),
    "clamp_min_only_at_bound": (lambda T, x: T.clamp(x, min=0.0), (np.array([0.0, 1.0, -1.0]),)),
    "clamp_max_only_at_bound": (lambda T, x: T.clamp(x, max=0.0), (np.array([0.0, 1.0, -1.0]),)),
    "clamp_at_tensor_bounds": (
        lambda T, x, lo, hi: T.clamp(x, lo, hi),
        (
            np.array([-1.0, 1.0, 0.0, 2.0, -3.0, 0.5]),
            np.array([-1.0, -1.0, -1.0, -1.0, -1.0, 1.0]),
            np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.0]),
        ),
    ),
    "maximum_ties": (
        lambda T, a, b: T.maximum(a, b),
        (np.array([1.0, 2.0, -1.0, 0.5]), np.array([1.0, 1.0, -1.0, 3.0])),
    ),
    "minimum_ties": (
        lambda T, a, b: T.minimum(a, b),
        (np.array([1.0, 2.0, -1.0, 0.5]), np.array([1.0, 1.0, -1.0, 3.0])),
    ),
    "maximum_nan": (
        lambda T, a, b: T.maximum(a, b),
        (np.array([1.0, NAN, 2.0]), np.array([NAN, 0.0, 3.0])),
    ),
    "fmax_ties_and_nan": (
        lambda T, a, b: T.fmax(a, b),
        (np.array([1.0, NAN, 2.0, 3.0]), np.array([1.0, 0.0, NAN, 4.0])),
    ),
    "fmin_ties_and_nan": (
        lambda T, a, b: T.fmin(a, b),
        (np.array([1.0, NAN, 2.0, 3.0]), np.array([1.0, 0.0, NAN, 4.0])),
    ),
    "sign_zero_grad": (lambda T, x: T.sign(x), (np.array([0.0, 1.5, -2.0]),)),
    "round_zero_grad": (lambda T, x: T.round(x), (np.array([0.5, 1.5, -2.2]),)),
    "floor_zero_grad": (lambda T, x: T.floor(x), (np.array([0.0, 1.5, -2.2]),)),
    "trunc_division_zero_grad": (
        lambda T, a, b: T.div(a, b, rounding_mode="trunc"),
        (np.array([3.0, -7.0]), np.array([2.0, 2.0])),
    ),
    "fmod_grad": (
        lambda T, a, b: T.fmod(a, b),
        (np.array([5.5, -5.5, 1.0]), np.array([2.0, 2.0, -0.75])),
    ),
    "remainder_grad": (
        lambda T, a, b: T.remainder(a, b),
        (np.array([5.5, -5.5, 1.0]), np.array([2.0, 2.0, -0.75])),
    ),
    "pow_zero_base_tensors": (
        lambda T, a, b: T.pow(a, b),
        (np.array([0.0, 0.0, 0.0, 2.0]), np.array([0.0, 2.0, 1.0, 0.0])),
    ),
    "pow_zero_base_scalar_exponent_0": (lambda T, x: T.pow(x, 0), (np.array([0.0, 2.0]),)),
    "pow_zero_base_scalar_exponent_2": (lambda T, x: T.pow(x, 2), (np.array([0.0, -2.0]),)),
    "pow_zero_base_sqrt": (lambda T, x: x**0.5, (np.array([0.0, 4.0]),)),
    "pow_scalar_base_at_zero_exponent": (lambda T, x: 0.0**x, (np.array([0.0, 1.0, 2.0]),)),
    "atan2_axes": (
        lambda T, a, b: T.atan2(a, b),
        (np.array([1.0, -1.0, 0.0, 2.0]), np.array([0.0, 0.0, 1.0, -3.0])),
    ),
    "lerp_tensor_weight": (
        lambda T, a, b, w: T.lerp(a, b, w),
        (np.array([1.0, 2.0, -1.0]), np.array([3.0, -2.0, 4.0]), np.array([0.0, 0.5, 1.0])),
    ),
    "where_grads": (
        lambda T, c, a, b: T.where(c, a, b),
        (np.array([True, False, True]), np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0])),
    ),
    "nan_to_num_grad": (
        lambda T, x: T.nan_to_num(x * 1.0),
        (np.array([NAN, INF, -INF, 1.5]),),
    ),
    "sqrt_at_0": (lambda T, x: T.sqrt(x), (np.array([0.0, 4.0]),)),
    "erfinv_at_edges": (lambda T, x: T.erfinv(x), (np.array([0.0, 0.999999, -0.5]),)),
}


@pytest.mark.parametrize("name", list(KINKS))
def test_gradient_at_kink_matches_torch(name):
    fn, args = KINKS[name]
    check_against_torch(fn, Sample(args), "float64")


def test_double_backward_of_smooth_chain_matches_torch():
    def second(T):
        x = T.tensor([0.3, -0.7, 1.2], dtype=T.float64, requires_grad=True)
        y = (T.erf(x) * T.sigmoid(x) + T.atan2(x, x * x + 1) + T.log1p(x * x)).sum()
        (g,) = T.autograd.grad(y, x, create_graph=True)
        (h,) = T.autograd.grad(g.sum(), x)
        return h.detach().numpy()

    np.testing.assert_allclose(second(ember), second(torch), rtol=1e-10)


# ---- errors ---------------------------------------------------------------------------------

ERRORS = {
    "broadcast_add": lambda T: T.add(T.ones(2, 3), T.ones(2, 4)),
    "broadcast_mul_3d": lambda T: T.ones(2, 3) * T.ones(4, 1, 4),
    "broadcast_sub": lambda T: T.ones(3) - T.ones(4),
    "broadcast_div": lambda T: T.ones(3) / T.ones(2, 4),
    "broadcast_eq": lambda T: T.ones(3) == T.ones(4),
    "broadcast_where": lambda T: T.where(T.ones(3) > 0, T.ones(3), T.ones(4)),
    "broadcast_maximum": lambda T: T.maximum(T.ones(3), T.ones(4)),
    "broadcast_clamp": lambda T: T.clamp(T.ones(2), min=None, max=T.ones(3)),
    "broadcast_atan2": lambda T: T.atan2(T.ones(2), T.ones(3)),
    "broadcast_logical_and": lambda T: T.logical_and(T.ones(2), T.ones(3)),
    "broadcast_bitwise_and": lambda T: T.ones(2, dtype=T.int64) & T.ones(3, dtype=T.int64),
    "broadcast_pow": lambda T: T.ones(2) ** T.ones(3),
    "bool_sub": lambda T: T.tensor([True]) - T.tensor([False]),
    "bool_sub_scalar": lambda T: T.tensor([True]) - 1,
    "sub_bool_scalar": lambda T: T.sub(T.tensor([1.0]), True),
    "bool_neg": lambda T: -T.tensor([True]),
    "bool_abs": lambda T: T.abs(T.tensor([True])),
    "int_alpha_float": lambda T: T.add(T.tensor([1]), T.tensor([1]), alpha=0.5),
    "int_floor_divide_by_zero": lambda T: T.tensor([1, 2]) // 0,
    "int_remainder_by_zero": lambda T: T.tensor([1, 2]) % T.tensor([1, 0]),
    "int_fmod_by_zero": lambda T: T.fmod(T.tensor([1, 2]), 0),
    "int_negative_power": lambda T: T.tensor([1, 2]) ** -1,
    "bad_rounding_mode": lambda T: T.div(T.ones(2), 2, rounding_mode="round"),
    "bool_floor_divide": lambda T: T.tensor([True]) // T.tensor([True]),
    "float_bitwise": lambda T: T.bitwise_and(T.ones(2), T.ones(2)),
    "float_invert": lambda T: ~T.ones(2),
    "float_shift": lambda T: T.ones(2) << 1,
    "bool_floor": lambda T: T.floor(T.tensor([True])),
    "int_frac": lambda T: T.frac(T.tensor([1])),
    "int_round_decimals": lambda T: T.round(T.tensor([1]), decimals=2),
    "clamp_no_bounds": lambda T: T.clamp(T.ones(2)),
    "maximum_scalar": lambda T: T.maximum(T.ones(2), 1),
    "where_float_condition": lambda T: T.where(T.ones(2), T.ones(2), T.zeros(2)),
    "isclose_dtypes": lambda T: T.isclose(T.tensor([1]), T.tensor([1.0])),
    "isclose_negative_atol": lambda T: T.isclose(T.ones(1), T.ones(1), atol=-1),
    "lerp_dtypes": lambda T: T.lerp(T.ones(2), T.ones(2, dtype=T.float64), 0.5),
    "lerp_int": lambda T: T.lerp(T.tensor([1]), T.tensor([2]), 0.5),
    "addcdiv_int": lambda T: T.addcdiv(T.tensor([1]), T.tensor([1]), T.tensor([2])),
    "relu_bool": lambda T: T.relu(T.tensor([True])),
    "inplace_int_exp": lambda T: T.tensor([1, 2]).exp_(),
    "inplace_int_true_divide": lambda T: T.tensor([1, 2]).div_(2),
    "inplace_broadcast_grows_self": lambda T: T.ones(3).add_(T.ones(2, 3)),
    "inplace_leaf_requires_grad": lambda T: T.ones(2, requires_grad=True).mul_(2),
    "out_requires_grad": lambda T: T.add(T.ones(2, requires_grad=True), 1, out=T.empty(2)),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_matches_torch(name):
    fn = ERRORS[name]
    errors = []
    for T in (ember, torch):
        with pytest.raises(Exception) as info:
            fn(T)
        errors.append(info.value)
    assert type(errors[0]).__name__ == type(errors[1]).__name__, errors
    # ember's in-place and out= messages carry the op name as a prefix.
    assert str(errors[0]).endswith(str(errors[1]).split(": ")[-1]), errors


# ---- in-place and out= ----------------------------------------------------------------------

INPLACE = {
    "add_": lambda T, t: t.add_(T.tensor([1.0, 2.0, 3.0]), alpha=2),
    "sub_scalar": lambda T, t: t.sub_(1.5),
    "mul_broadcast": lambda T, t: t.mul_(T.tensor(3.0)),
    "div_floor": lambda T, t: t.div_(0.7, rounding_mode="floor"),
    "pow_": lambda T, t: t.pow_(2),
    "clamp_": lambda T, t: t.clamp_(min=-0.5, max=0.5),
    "exp_": lambda T, t: t.exp_(),
    "erf_": lambda T, t: t.erf_(),
    "round_": lambda T, t: t.round_(decimals=1),
    "eq_": lambda T, t: t.eq_(T.tensor([-1.25, 0.0, 2.0])),
    "lerp_": lambda T, t: t.lerp_(T.ones(3), 0.25),
    "addcmul_": lambda T, t: t.addcmul_(t, t, value=0.5),
    "operator_iadd": lambda T, t: t.__iadd__(2),
    "operator_imod": lambda T, t: t.__imod__(0.75),
    "operator_ifloordiv": lambda T, t: t.__ifloordiv__(0.75),
}


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_matches_torch(name):
    results = []
    for T in (ember, torch):
        t = T.tensor([-1.25, 0.5, 2.0])
        version = getattr(t._version, "value", t._version)
        out = INPLACE[name](T, t)
        assert out is t
        assert getattr(t._version, "value", t._version) > version
        results.append(t.numpy().copy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6)


def test_inplace_int_tensor_keeps_dtype_matches_torch():
    results = []
    for T in (ember, torch):
        t = T.tensor([1, 2, 3], dtype=T.int32)
        t += 2
        t *= T.tensor([2], dtype=T.int8)
        t //= 3
        t &= 6
        t <<= 1
        t >>= T.tensor([0, 1, 2], dtype=T.int32)
        results.append((str(t.dtype).split(".")[-1], t.tolist()))
    assert results[0] == results[1]


def test_inplace_records_gradient_matches_torch():
    grads = []
    for T in (ember, torch):
        x = T.tensor([0.5, -1.0, 2.0], dtype=T.float64, requires_grad=True)
        y = x * 1.0
        y.sin_()
        y.clamp_(-0.6, 0.9)
        y.mul_(x)
        y.sum().backward()
        grads.append(x.grad.numpy().copy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)


OUTS = {
    "add": lambda T, o: T.add(T.tensor([1.0, 2.0]), 3, out=o),
    "div": lambda T, o: T.div(T.tensor([1, 2]), 3, out=o),
    "exp": lambda T, o: T.exp(T.tensor([0.5, 1.0]), out=o),
    "eq": lambda T, o: T.eq(T.tensor([1.0, 2.0]), 2.0, out=o),
    "clamp": lambda T, o: T.clamp(T.tensor([-3.0, 3.0]), -1, 1, out=o),
    "maximum": lambda T, o: T.maximum(T.tensor([1.0, 5.0]), T.tensor([2.0, 2.0]), out=o),
    "logical_and": lambda T, o: T.logical_and(T.tensor([1, 0]), T.tensor([1, 1]), out=o),
    "floor": lambda T, o: T.floor(T.tensor([1.5, -1.5]), out=o),
    "where": lambda T, o: T.where(T.tensor([True, False]), T.ones(2), T.zeros(2), out=o),
}


# PyTorch's clamp, floor and where insist on an out= tensor of exactly the result dtype;
# ember casts into it as the other ops do.
_EXACT_OUT_DTYPE = ("clamp", "floor", "where")


@pytest.mark.parametrize(
    "name,out_dtype",
    [(n, "float32") for n in OUTS] + [(n, "float64") for n in OUTS if n not in _EXACT_OUT_DTYPE],
)
def test_out_matches_torch(name, out_dtype):
    results = []
    for T in (ember, torch):
        o = T.zeros(2, dtype=getattr(T, out_dtype))
        r = OUTS[name](T, o)
        assert r is o
        results.append((str(o.dtype).split(".")[-1], o.tolist()))
    assert results[0][0] == results[1][0]
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-6)


def test_out_resized_like_torch():
    shapes = []
    for T in (ember, torch):
        o = T.empty(0)
        T.mul(T.ones(2, 3), 2.0, out=o)
        shapes.append(tuple(o.shape))
    assert shapes[0] == shapes[1]


# ---- values on special inputs ---------------------------------------------------------------

SPECIAL = {
    "floor_divide_float_signs": lambda T, a, b: a // b,
    "remainder_float_signs": lambda T, a, b: a % b,
    "fmod_float_signs": lambda T, a, b: T.fmod(a, b),
    "trunc_div": lambda T, a, b: T.div(a, b, rounding_mode="trunc"),
    "maximum_nan": lambda T, a, b: T.maximum(a, b),
    "fmin_nan": lambda T, a, b: T.fmin(a, b),
    "isclose_default": lambda T, a, b: T.isclose(a, b),
}


@pytest.mark.parametrize("name", list(SPECIAL))
def test_special_values_match_torch(name):
    a = np.array([7.0, -7.0, 7.0, -7.0, 0.0, NAN, INF, 1.0, -0.0])
    b = np.array([2.0, 2.0, -2.0, -2.0, 0.0, 1.0, 2.0, INF, 3.0])
    check_against_torch(SPECIAL[name], Sample((a, b)), "float64", grad=False)


def test_integer_rounded_division_matches_torch():
    a = np.array([7, -7, 7, -7, 0, 5])
    b = np.array([2, 2, -2, -2, 3, -1])

    def fn(T, x, y):
        return T.div(x, y, rounding_mode="trunc"), x // y, x % y, T.fmod(x, y)

    check_against_torch(fn, Sample((a, b)), "float64", grad=False)


def test_tensor_eq_non_tensor_answers_false_like_torch():
    for other in (None, "x", [1, 2]):
        assert (ember.tensor([1, 2]) == other) == (torch.tensor([1, 2]) == other)
        assert (ember.tensor([1, 2]) != other) == (torch.tensor([1, 2]) != other)


def test_comparison_result_does_not_require_grad():
    x = ember.ones(3, requires_grad=True)
    for out in (x > 0, x == 1, ember.isnan(x), ember.isclose(x, x), ember.logical_not(x)):
        assert out.dtype is ember.bool and not out.requires_grad
