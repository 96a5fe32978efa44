"""Linear, Bilinear, Identity, Flatten and every activation, against torch."""

import math

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from ember.testing.nn_oracle import check_module
from ember.testing.oracle import NonContiguous, Sample, check_against_torch

RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 4)) * 3  # away from kinks with probability 1
X3 = RNG.standard_normal((2, 4, 3))
KINKS = np.array([-6.0, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 6.0, 25.0, -25.0])

# (name, kwargs) of every functional activation; each runs through the oracle.
ACTIVATIONS = [
    ("relu", {}),
    ("relu6", {}),
    ("elu", {}),
    ("elu", {"alpha": 0.5}),
    ("selu", {}),
    ("celu", {"alpha": 2.0}),
    ("gelu", {}),
    ("gelu", {"approximate": "tanh"}),
    ("silu", {}),
    ("mish", {}),
    ("hardswish", {}),
    ("hardsigmoid", {}),
    ("hardtanh", {}),
    ("hardtanh", {"min_val": -2.0, "max_val": 0.5}),
    ("sigmoid", {}),
    ("tanh", {}),
    ("softplus", {}),
    ("softplus", {"beta": 2.0, "threshold": 3.0}),
    ("softsign", {}),
    ("tanhshrink", {}),
    ("threshold", {"threshold": 0.2, "value": -4.0}),
    ("logsigmoid", {}),
    ("hardshrink", {}),
    ("hardshrink", {"lambd": 1.5}),
    ("softshrink", {}),
    ("softshrink", {"lambd": 1.0}),
    ("leaky_relu", {}),
    ("leaky_relu", {"negative_slope": 0.2}),
]

SMOOTH = {
    "elu",
    "selu",
    "celu",
    "gelu",
    "silu",
    "mish",
    "sigmoid",
    "tanh",
    "softplus",
    "softsign",
    "tanhshrink",
    "logsigmoid",
}


def _fn(name, kwargs):
    return lambda T, x: getattr(T.nn.functional, name)(x, **kwargs)


@pytest.mark.parametrize("name,kwargs", ACTIVATIONS, ids=lambda v: str(v))
def test_activation_matches_torch(name, kwargs):
    fn = _fn(name, kwargs)
    for arr in (X, X3, np.array(0.7), np.zeros((0, 3))):
        check_against_torch(fn, Sample((arr,)), "float64")
    check_against_torch(fn, Sample((NonContiguous(X),)), "float64")
    check_against_torch(fn, Sample((X.astype(np.float32),)), "float32")


@pytest.mark.parametrize("name,kwargs", ACTIVATIONS, ids=lambda v: str(v))
def test_activation_kinks_follow_torch(name, kwargs):
    check_against_torch(_fn(name, kwargs), Sample((KINKS,)), "float64")


@pytest.mark.parametrize(
    "name,kwargs", [a for a in ACTIVATIONS if a[0] in SMOOTH], ids=lambda v: str(v)
)
def test_activation_gradcheck(name, kwargs):
    x = ember.tensor(RNG.standard_normal((2, 3)), requires_grad=True)
    fn = lambda x: getattr(ember.nn.functional, name)(x, **kwargs)  # noqa: E731
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


@pytest.mark.parametrize("fn_name", ["softmax", "log_softmax", "softmin"])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_family_matches_torch(fn_name, dim):
    fn = lambda T, x: getattr(T.nn.functional, fn_name)(x, dim=dim)  # noqa: E731
    check_against_torch(fn, Sample((X3,)), "float64")
    check_against_torch(fn, Sample((NonContiguous(X3),)), "float64")
    x = ember.tensor(RNG.standard_normal((2, 3)), requires_grad=True)
    assert gradgradcheck(lambda x: getattr(ember.nn.functional, fn_name)(x, dim=dim % 2), (x,))


def test_softmax_dtype_extremes_and_implicit_dim():
    big = np.array([[1000.0, 0.0, -1000.0], [5.0, 5.0, 5.0]])
    check_against_torch(lambda T, x: T.nn.functional.softmax(x, 1), Sample((big,)), "float64")
    check_against_torch(lambda T, x: T.nn.functional.log_softmax(x, 1), Sample((big,)), "float64")
    check_against_torch(
        lambda T, x: T.nn.functional.softmax(x, 1, dtype=T.float64), Sample((X,)), "float32"
    )
    check_against_torch(lambda T, x: T.softmax(x, 0), Sample((X,)), "float64")
    check_against_torch(lambda T, x: x.log_softmax(-1), Sample((X,)), "float64")
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        out = ember.nn.functional.softmax(ember.tensor(X3))
    assert np.allclose(out.numpy().sum(0), 1)  # a 3-d input's implicit dim is 0, as in PyTorch


def test_glu_prelu_rrelu_eval():
    check_against_torch(lambda T, x: T.nn.functional.glu(x, 1), Sample((X,)), "float64")
    check_against_torch(lambda T, x: T.nn.functional.glu(x, 0), Sample((X3,)), "float64")
    w = np.array([0.1, -0.3, 0.25, 2.0])
    check_against_torch(lambda T, x, w: T.nn.functional.prelu(x, w), Sample((X, w)), "float64")
    check_against_torch(
        lambda T, x, w: T.nn.functional.prelu(x, w), Sample((KINKS, np.array([0.3]))), "float64"
    )
    check_against_torch(
        lambda T, x: T.nn.functional.rrelu(x, training=False), Sample((X,)), "float64"
    )
    with pytest.raises(RuntimeError, match="Halving dimension must be even"):
        ember.nn.functional.glu(ember.tensor(X), 0)


def test_inplace_activations_modify_input():
    for name, kwargs in [
        ("relu", {}),
        ("elu", {}),
        ("leaky_relu", {}),
        ("hardtanh", {}),
        ("relu6", {}),
        ("selu", {}),
        ("silu", {}),
        ("hardswish", {}),
    ]:
        e = ember.tensor(X.copy())
        t = torch.tensor(X.copy())
        out_e = getattr(ember.nn.functional, name)(e, inplace=True, **kwargs)
        out_t = getattr(torch.nn.functional, name)(t, inplace=True, **kwargs)
        assert out_e is e
        assert np.allclose(e.numpy(), t.numpy())
        assert np.allclose(out_e.numpy(), out_t.numpy())


# ---- modules --------------------------------------------------------------------------------

MODULES = [
    ("ReLU", (), {}),
    ("ReLU", (True,), {}),
    ("ReLU6", (), {}),
    ("LeakyReLU", (0.2,), {}),
    ("LeakyReLU", (0.1, True), {}),
    ("ELU", (), {"alpha": 0.7}),
    ("ELU", (), {"inplace": True}),
    ("SELU", (), {}),
    ("CELU", (1.5,), {}),
    ("GELU", (), {}),
    ("GELU", ("tanh",), {}),
    ("SiLU", (), {}),
    ("Mish", (), {}),
    ("Hardswish", (), {}),
    ("Hardsigmoid", (), {}),
    ("Hardtanh", (-2, 2), {}),
    ("Sigmoid", (), {}),
    ("Tanh", (), {}),
    ("Softplus", (2, 10), {}),
    ("Softsign", (), {}),
    ("Tanhshrink", (), {}),
    ("Threshold", (0.1, 20), {}),
    ("GLU", (1,), {}),
    ("LogSigmoid", (), {}),
    ("Softmax", (1,), {}),
    ("LogSoftmax", (1,), {}),
    ("Softmin", (0,), {}),
    ("Hardshrink", (), {}),
    ("Softshrink", (0.3,), {}),
    ("Identity", (3, "ignored"), {}),
    ("Flatten", (), {}),
    ("Flatten", (0, 1), {}),
    ("PReLU", (), {}),
    ("PReLU", (4,), {"init": 0.1}),
    ("RReLU", (), {}),
]


@pytest.mark.parametrize("name,args,kwargs", MODULES, ids=lambda v: str(v))
def test_activation_module_repr_and_forward(name, args, kwargs):
    e = getattr(ember.nn, name)(*args, **kwargs)
    t = getattr(torch.nn, name)(*args, **kwargs)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    inplace = getattr(t, "inplace", False)
    if name == "RReLU":
        check_module(e, t, X3, train=False)
    elif not inplace:
        check_module(e, t, X3)


def test_linear_matches_torch():
    for bias in (True, False):
        e, t = ember.nn.Linear(4, 3, bias=bias), torch.nn.Linear(4, 3, bias=bias)
        assert repr(e) == repr(t)
        check_module(e, t, X)
        check_module(e, t, RNG.standard_normal((2, 5, 4)))
        check_module(e, t, RNG.standard_normal(4))
    e = ember.nn.Linear(4, 3, dtype=ember.float64)
    assert e.weight.dtype == ember.float64


def test_linear_default_init_bounds():
    m = ember.nn.Linear(50, 40)
    bound = 1 / math.sqrt(50)  # kaiming_uniform_(a=sqrt(5)) gives the same bound as the bias
    w, b = m.weight.detach().numpy(), m.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert np.abs(b).max() <= bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.1 * bound
    assert m.weight.requires_grad and isinstance(m.weight, ember.nn.Parameter)


def test_linear_shape_error_names_shapes():
    messages = []
    for T in (ember, torch):
        with pytest.raises(RuntimeError) as info:
            T.nn.Linear(4, 3)(T.ones(2, 5))
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_bilinear_matches_torch():
    e, t = ember.nn.Bilinear(4, 3, 2), torch.nn.Bilinear(4, 3, 2)
    assert repr(e) == repr(t)
    check_module(e, t, X, RNG.standard_normal((3, 3)))
    check_module(e, t, RNG.standard_normal((2, 5, 4)), RNG.standard_normal((2, 5, 3)))
    e, t = ember.nn.Bilinear(4, 3, 2, bias=False), torch.nn.Bilinear(4, 3, 2, bias=False)
    check_module(e, t, X, RNG.standard_normal((3, 3)))
    bound = 1 / math.sqrt(4)
    assert np.abs(ember.nn.Bilinear(4, 30, 20).weight.detach().numpy()).max() <= bound


def test_unflatten_matches_torch():
    e, t = ember.nn.Unflatten(1, (2, 2)), torch.nn.Unflatten(1, (2, 2))
    assert repr(e) == repr(t)
    check_module(e, t, X)


def test_lazy_linear_becomes_linear():
    e, t = ember.nn.LazyLinear(3), torch.nn.LazyLinear(3)
    assert repr(e) == repr(t) and repr(e.weight) == repr(t.weight)
    assert list(e.state_dict()) == list(t.state_dict())
    out = e(ember.ones(2, 5))
    t(torch.ones(2, 5))
    assert type(e) is ember.nn.Linear and type(e.weight) is ember.nn.Parameter
    assert repr(e) == repr(t) and tuple(out.shape) == (2, 3)
    assert np.abs(e.weight.detach().numpy()).max() <= 1 / math.sqrt(5)
    check_module(e, t, X[:, :1].repeat(5, 1))


def test_rrelu_training_slopes_in_range():
    x = ember.tensor(-np.ones((50, 40)))
    out = ember.nn.functional.rrelu(x, 0.1, 0.3, training=True).numpy()
    assert out.min() >= -0.3 and out.max() <= -0.1 and out.std() > 0.03
    assert np.all(ember.nn.functional.rrelu(ember.ones(3), training=True).numpy() == 1)
