"""Random numbers: seeding and generator state, distributions (tested statistically: ember's
streams are not PyTorch's), shapes and dtypes against PyTorch, in-place fills and autograd."""

import subprocess
import sys

import numpy as np
import pytest
import torch

import ember
from ember.testing.device import cuda_available, devices

N = 20000  # samples for statistical checks: the standard error of a mean is sigma / 141


def dtype_name(d):
    return str(d).split(".")[-1]


def values(t):
    return np.asarray(t._data, dtype=np.float64)


def assert_mean_std(t, mean, std, k=5.0):
    v = values(t)
    assert abs(v.mean() - mean) < k * std / np.sqrt(v.size), (v.mean(), mean)
    assert abs(v.std() - std) < k * std / np.sqrt(v.size) * 1.5, (v.std(), std)


def same_error(fn):
    """``fn(T)`` raises the same exception type and message under ember and torch."""
    with pytest.raises(Exception) as te:
        fn(torch)
    with pytest.raises(type(te.value)) as ee:
        fn(ember)
    assert str(ee.value) == str(te.value).replace("torch.", "ember.")


# ---- seeding and generators -----------------------------------------------------------------


def test_manual_seed_reproduces_numbers():
    for draw in (
        lambda: ember.rand(5),
        lambda: ember.randn(2, 3, dtype=ember.float64),
        lambda: ember.randint(0, 100, (7,)),
        lambda: ember.randperm(9),
        lambda: ember.empty(4).uniform_(-1, 1),
    ):
        ember.manual_seed(1234)
        a = draw()
        ember.manual_seed(1234)
        b = draw()
        np.testing.assert_array_equal(a._data, b._data)
        c = draw()
        assert not np.array_equal(a._data, c._data)


def test_manual_seed_returns_default_generator_and_wraps_negative_seeds():
    g = ember.manual_seed(-1)
    assert g is ember.default_generator
    assert ember.initial_seed() == torch.manual_seed(-1).initial_seed()
    with pytest.raises(ValueError):
        ember.manual_seed(2**64)
    torch.manual_seed(0)


_CHILD = (
    "import ember; "
    "first = ember.rand(3).tolist(); "
    "fresh = ember.rand(3, generator=ember.Generator()).tolist(); "
    "ember.manual_seed(99); "
    "print(first == fresh, ember.rand(4).tolist())"
)


def test_same_seed_same_numbers_across_processes():
    out = subprocess.run(
        [sys.executable, "-c", _CHILD], capture_output=True, text=True, check=True
    ).stdout.split(" ", 1)
    # The default generator starts from a fixed seed: a fresh process is reproducible.
    assert out[0] == "True"
    ember.manual_seed(99)
    assert out[1].strip() == str(ember.rand(4).tolist())


def test_default_seed_is_fixed():
    assert ember.Generator().initial_seed() == torch.Generator().initial_seed()


def test_generators_are_independent():
    g1 = ember.Generator().manual_seed(5)
    g2 = ember.Generator().manual_seed(5)
    ember.manual_seed(5)
    a = ember.rand(6, generator=g1)
    ember.rand(100)  # draws on the default generator do not disturb g2
    b = ember.rand(6, generator=g2)
    np.testing.assert_array_equal(a._data, b._data)
    g3 = ember.Generator().manual_seed(6)
    assert not np.array_equal(ember.rand(6, generator=g3)._data, a._data)


def test_generator_api():
    g = ember.Generator(device="cpu")
    assert g.device == ember.device("cpu")
    assert g.manual_seed(3) is g and g.initial_seed() == 3
    s = g.seed()
    assert isinstance(s, int) and g.initial_seed() == s
    if not cuda_available():
        with pytest.raises(RuntimeError):
            ember.Generator("cuda")


def test_generator_state_round_trip():
    g = ember.Generator().manual_seed(11)
    ember.rand(3, generator=g)  # odd number of float32 draws: a half-used 64-bit word
    state = g.get_state()
    assert state.dtype is ember.uint8 and state.dim() == 1
    a = ember.rand(5, generator=g)
    b = ember.randn(5, generator=g)
    assert g.set_state(state) is g
    np.testing.assert_array_equal(ember.rand(5, generator=g)._data, a._data)
    np.testing.assert_array_equal(ember.randn(5, generator=g)._data, b._data)
    assert g.initial_seed() == 11


def test_rng_state_of_default_generator():
    ember.manual_seed(21)
    state = ember.get_rng_state()
    a = ember.rand(4)
    ember.set_rng_state(state)
    np.testing.assert_array_equal(ember.rand(4)._data, a._data)


def test_set_state_rejects_bad_states():
    same_error(lambda T: T.Generator().set_state(T.zeros(3)))
    with pytest.raises(RuntimeError, match="input RNG state size to be 3"):
        ember.Generator().set_state(ember.zeros(3, dtype=ember.uint8))


# ---- factories ------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [None, "float64", "float16", "bfloat16"])
def test_rand_uniform_statistics(dtype):
    ember.manual_seed(0)
    t = ember.rand(N, dtype=getattr(ember, dtype) if dtype else None)
    ref = torch.rand(2, dtype=getattr(torch, dtype) if dtype else None)
    assert dtype_name(t.dtype) == dtype_name(ref.dtype) and t.shape == (N,)
    v = values(t)
    assert v.min() >= 0 and v.max() < 1
    assert_mean_std(t, 0.5, np.sqrt(1 / 12))


@pytest.mark.parametrize("dtype", [None, "float64", "float16"])
def test_randn_normal_statistics(dtype):
    ember.manual_seed(1)
    t = ember.randn(100, N // 100, dtype=getattr(ember, dtype) if dtype else None)
    assert t.shape == (100, N // 100)
    assert dtype_name(t.dtype) == dtype_name(
        torch.randn(1, dtype=getattr(torch, dtype) if dtype else None).dtype
    )
    assert_mean_std(t, 0.0, 1.0)


@pytest.mark.parametrize("fn", ["rand", "randn"])
def test_float_factories_reject_integer_dtypes(fn):
    same_error(lambda T: getattr(T, fn)(2, dtype=T.int64))


@pytest.mark.parametrize(
    "args",
    [((2, 3),), (2, 3), ([2, 3],), ((),), ((0, 4),)],
)
@pytest.mark.parametrize("fn", ["rand", "randn"])
def test_float_factories_shapes(fn, args):
    assert getattr(ember, fn)(*args).shape == getattr(torch, fn)(*args).shape
    assert ember.rand(size=(2, 1)).shape == (2, 1)
    t = getattr(ember, fn)(2, requires_grad=True, device="cpu")
    assert t.requires_grad and t.is_leaf


def test_randint_overloads_and_range():
    ember.manual_seed(2)
    for args, kwargs, lo, hi in [
        ((10, (N,)), {}, 0, 10),
        ((-3, 4, (N,)), {}, -3, 4),
        ((), {"low": 2, "high": 5, "size": (N,)}, 2, 5),
        ((5,), {"size": (N,)}, 0, 5),
    ]:
        t = ember.randint(*args, **kwargs)
        assert t.dtype is ember.int64 and t.shape == (N,)
        assert t._data.min() == lo and t._data.max() == hi - 1
        assert_mean_std(t, (lo + hi - 1) / 2, np.sqrt(((hi - lo) ** 2 - 1) / 12))
    assert ember.randint(10, (3,), dtype=ember.float32).dtype is ember.float32


@pytest.mark.parametrize(
    "call",
    [
        lambda T: T.randint(5, 3, (3,)),
        lambda T: T.randint(3, 3, (3,)),
        lambda T: T.randint(10, 3),
        lambda T: T.randint(0, 300, (3,), dtype=T.uint8),
        lambda T: T.randint(5, (3,), dtype=T.bool),
        lambda T: T.randint(5, (3,), requires_grad=True),
    ],
)
def test_randint_errors_match_torch(call):
    same_error(call)


def test_randperm_is_a_permutation():
    ember.manual_seed(3)
    p = ember.randperm(50)
    assert p.dtype is ember.int64 and sorted(p.tolist()) == list(range(50))
    assert ember.randperm(0).shape == (0,)
    assert ember.randperm(5, dtype=ember.float32).dtype is ember.float32
    same_error(lambda T: T.randperm(-1))


@pytest.mark.parametrize(
    "call",
    [
        lambda T, x: T.rand_like(x),
        lambda T, x: T.randn_like(x, dtype=T.float64),
        lambda T, x: T.randint_like(x, 5),
        lambda T, x: T.randint_like(x, 2, 5),
        lambda T, x: T.randint_like(x, low=2, high=5, dtype=T.int32),
    ],
)
def test_like_samplers_shape_and_dtype(call):
    e, t = call(ember, ember.zeros(3, 2)), call(torch, torch.zeros(3, 2))
    assert e.shape == t.shape and dtype_name(e.dtype) == dtype_name(t.dtype)


def test_randint_like_range():
    t = ember.randint_like(ember.zeros(N, dtype=ember.int32), 2, 5)
    assert t.dtype is ember.int32 and t._data.min() == 2 and t._data.max() == 4


# ---- sampling from tensors ------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda T: T.normal(T.zeros(3), T.ones(3)),
        lambda T: T.normal(0.0, T.ones(3)),
        lambda T: T.normal(T.zeros(3), 1.0),
        lambda T: T.normal(0.0, 1.0, (2, 3)),
        lambda T: T.normal(0.0, 1.0, size=(2,)),
        lambda T: T.normal(T.zeros(2, 1), T.ones(3)),
        lambda T: T.normal(T.zeros(2, dtype=T.float64), T.ones(2)),
        lambda T: T.normal(0, 1, (2,), dtype=T.float64),
    ],
)
def test_normal_overloads_shapes_and_dtypes(call):
    e, t = call(ember), call(torch)
    assert e.shape == t.shape and dtype_name(e.dtype) == dtype_name(t.dtype)


@pytest.mark.parametrize(
    "call",
    [
        lambda T: T.normal(T.zeros(3), -1.0),
        lambda T: T.normal(0.0, -1.0, (2,)),
        lambda T: T.normal(T.zeros(3), T.tensor([1.0, -1, 1])),
        lambda T: T.normal(T.zeros(3, dtype=T.int64), 1.0),
        lambda T: T.normal(0, 1, (2,), dtype=T.int64),
    ],
)
def test_normal_errors_match_torch(call):
    same_error(call)


def test_normal_statistics_per_element():
    ember.manual_seed(4)
    mean = ember.tensor([[0.0, 10.0]]).expand(N, 2)
    std = ember.tensor([1.0, 0.1])
    t = ember.normal(mean, std)
    assert_mean_std(ember.from_numpy(t._data[:, 0].copy()), 0.0, 1.0)
    assert_mean_std(ember.from_numpy(t._data[:, 1].copy()), 10.0, 0.1)
    assert_mean_std(ember.normal(3.0, 2.0, (N,)), 3.0, 2.0)


def test_normal_gradient_is_zero_like_torch():
    for T in (ember, torch):
        m = T.ones(3, requires_grad=True)
        out = T.normal(m, 1.0)
        assert out.grad_fn.name() == "NormalBackward1"
        out.sum().backward()
        assert m.grad.tolist() == [0.0, 0.0, 0.0]
    for call in (lambda T, x: T.normal(1.0, x), lambda T, x: T.normal(x, x)):
        names = [call(T, T.ones(2, requires_grad=True)).grad_fn.name() for T in (ember, torch)]
        assert names[0] == names[1]


def test_bernoulli_tensor_and_float_p():
    ember.manual_seed(5)
    p = ember.full((N,), 0.3, dtype=ember.float64)
    t = ember.bernoulli(p)
    assert t.dtype is ember.float64 and set(np.unique(t._data)) <= {0.0, 1.0}
    assert_mean_std(t, 0.3, np.sqrt(0.21))
    t = ember.bernoulli(ember.zeros(N), 0.8)
    assert_mean_std(t, 0.8, np.sqrt(0.16))
    t = ember.full((N,), 0.7).bernoulli()
    assert_mean_std(t, 0.7, np.sqrt(0.21))


@pytest.mark.parametrize(
    "call",
    [
        lambda T: T.bernoulli(T.full((3,), 1.5)),
        lambda T: T.bernoulli(T.ones(3, dtype=T.int64)),
        lambda T: T.poisson(T.tensor([-1.0, 2])),
        lambda T: T.poisson(T.tensor([1, 2])),
    ],
)
def test_bernoulli_and_poisson_errors_match_torch(call):
    same_error(call)


def test_poisson_statistics():
    ember.manual_seed(6)
    t = ember.poisson(ember.full((N,), 4.0))
    assert t.dtype is ember.float32 and (t._data == np.round(t._data)).all()
    assert_mean_std(t, 4.0, 2.0)


def test_multinomial_with_replacement_frequencies():
    ember.manual_seed(7)
    w = ember.tensor([1.0, 2.0, 0.0, 5.0])
    idx = ember.multinomial(w, N, replacement=True)
    assert idx.dtype is ember.int64 and idx.shape == (N,)
    freq = np.bincount(idx._data, minlength=4) / N
    np.testing.assert_allclose(freq, [1 / 8, 2 / 8, 0, 5 / 8], atol=0.015)


def test_multinomial_without_replacement():
    ember.manual_seed(8)
    rows = ember.tensor([[1.0, 2.0, 3.0, 4.0]] * 2000)
    idx = rows.multinomial(3)
    assert idx.shape == (2000, 3)
    assert all(len(set(r)) == 3 for r in idx.tolist())
    first = np.bincount(idx._data[:, 0], minlength=4) / 2000
    np.testing.assert_allclose(first, [0.1, 0.2, 0.3, 0.4], atol=0.04)
    assert sorted(ember.multinomial(ember.ones(5), 5).tolist()) == list(range(5))


@pytest.mark.parametrize(
    "call",
    [
        lambda T: T.multinomial(T.tensor([1.0, 2, 3]), 4),
        lambda T: T.multinomial(T.tensor([1.0, -2, 3]), 1),
        lambda T: T.multinomial(T.tensor([0.0, 0, 0]), 1),
        lambda T: T.multinomial(T.tensor([1, 0, 0]), 1),
        lambda T: T.multinomial(T.tensor([1.0, 2, 3]), 0),
        lambda T: T.multinomial(T.ones(2, 2, 2), 1),
        lambda T: T.multinomial(T.tensor(1.0), 1),
    ],
)
def test_multinomial_errors_match_torch(call):
    same_error(call)


# ---- in-place fills -------------------------------------------------------------------------


def test_inplace_distributions_statistics():
    ember.manual_seed(9)
    x = ember.empty(N)
    assert x.uniform_(2, 5) is x
    assert values(x).min() >= 2 and values(x).max() < 5
    assert_mean_std(x, 3.5, 3 / np.sqrt(12))
    assert_mean_std(x.normal_(1.0, 3.0), 1.0, 3.0)
    assert_mean_std(x.exponential_(2.0), 0.5, 0.5)
    x64 = ember.empty(N, dtype=ember.float64)
    g = x64.geometric_(0.25)
    assert values(g).min() == 1 and (values(g) == np.round(values(g))).all()
    assert_mean_std(g, 4.0, np.sqrt(0.75) / 0.25)
    ln = np.log(values(x64.log_normal_(1.0, 0.5)))
    assert abs(ln.mean() - 1.0) < 0.02 and abs(ln.std() - 0.5) < 0.02
    c = values(x64.cauchy_(2.0, 1.0))
    assert abs(np.median(c) - 2.0) < 0.05
    b = x.bernoulli_(0.25)
    assert set(np.unique(b._data)) <= {0.0, 1.0}
    assert_mean_std(b, 0.25, np.sqrt(0.1875))
    b = x.bernoulli_(ember.full((N,), 0.5))
    assert_mean_std(b, 0.5, 0.5)


@pytest.mark.parametrize(
    "dtype, args, lo, hi",
    [
        ("int8", (), 0, 127),
        ("uint8", (), 0, 255),
        ("bool", (), 0, 1),
        ("int32", (5,), 0, 4),
        ("int32", (-5, 5), -5, 4),
        ("float32", (2, 5), 2, 4),
        ("float16", (), 0, 2048),
    ],
)
def test_random_ranges(dtype, args, lo, hi):
    ember.manual_seed(10)
    x = ember.zeros(N, dtype=getattr(ember, dtype)).random_(*args)
    v = values(x)
    assert x.dtype is getattr(ember, dtype)
    assert v.min() >= lo and v.max() <= hi and (v == np.round(v)).all()
    assert v.min() < lo + (hi - lo) * 0.1 and v.max() > hi - (hi - lo) * 0.1


def test_random_float_default_range_is_mantissa():
    x = ember.zeros(N).random_()
    assert values(x).max() <= 2**24 and values(x).max() > 2**23


@pytest.mark.parametrize(
    "call",
    [
        lambda T: T.ones(3).uniform_(2, 1),
        lambda T: T.ones(3).normal_(0, -1),
        lambda T: T.ones(3).exponential_(-1),
        lambda T: T.ones(3).geometric_(0),
        lambda T: T.ones(3).bernoulli_(1.5),
        lambda T: T.ones(3).log_normal_(1, -1),
        lambda T: T.ones(3).log_normal_(1, 0),
        lambda T: T.ones(3).cauchy_(0, -1),
        lambda T: T.ones(3, dtype=T.int64).uniform_(),
        lambda T: T.ones(3, dtype=T.int64).normal_(),
        lambda T: T.ones(3).random_(5, 3),
        lambda T: T.ones(3, dtype=T.uint8).random_(-5, 5),
        lambda T: T.ones(3, dtype=T.uint8).random_(0, 300),
        lambda T: T.ones(3).fill_(T.ones(2)),
    ],
)
def test_inplace_errors_match_torch(call):
    same_error(call)


def test_fill_and_zero():
    x = ember.ones(2, 3, dtype=ember.int64)
    v = x._version.value
    assert x.fill_(2.5) is x and x.tolist() == [[2, 2, 2], [2, 2, 2]]
    assert x.zero_() is x and x.tolist() == [[0, 0, 0], [0, 0, 0]]
    assert x._version.value == v + 2
    assert ember.ones(2).fill_(ember.tensor(3.0)).tolist() == [3.0, 3.0]
    assert ember.zero_(ember.ones(2)).tolist() == [0.0, 0.0]


def test_inplace_fill_of_leaf_requiring_grad():
    for fill in (
        lambda x: x.fill_(1.0),
        lambda x: x.zero_(),
        lambda x: x.uniform_(),
        lambda x: x.normal_(),
        lambda x: x.bernoulli_(),
    ):
        same_error(lambda T, f=fill: f(T.ones(3, requires_grad=True)))
        # Under no_grad this is how nn.init initialises parameters.
        x = ember.ones(3, requires_grad=True)
        with ember.no_grad():
            assert fill(x) is x
        assert x.requires_grad and x.is_leaf and x._version.value == 1


@pytest.mark.parametrize(
    "fill",
    [
        lambda T, y: y.uniform_(),
        lambda T, y: y.normal_(),
        lambda T, y: y.bernoulli_(),
        lambda T, y: y.bernoulli_(0.3),
        lambda T, y: y.bernoulli_(T.rand(3)),
        lambda T, y: y.random_(),
        lambda T, y: y.random_(5),
        lambda T, y: y.random_(1, 5),
        lambda T, y: y.exponential_(),
        lambda T, y: y.geometric_(0.5),
        lambda T, y: y.log_normal_(),
        lambda T, y: y.cauchy_(),
        lambda T, y: y.fill_(1.0),
        lambda T, y: y.zero_(),
    ],
)
def test_inplace_fill_of_non_leaf_is_recorded_like_torch(fill):
    names, grads = [], []
    for T in (ember, torch):
        x = T.ones(3, requires_grad=True)
        y = x * 2
        fill(T, y)
        names.append(y.grad_fn.name())
        y.sum().backward()
        grads.append(x.grad.tolist())
    assert names[0] == names[1]
    assert grads[0] == grads[1] == [0.0, 0.0, 0.0]


def test_fill_with_tensor_value_is_differentiable():
    results = []
    for T in (ember, torch):
        x = T.ones(3, requires_grad=True)
        v = T.tensor(2.0, requires_grad=True)
        y = x * 2
        y.fill_(v)
        (y * T.tensor([1.0, 2.0, 3.0])).sum().backward()
        results.append((y.grad_fn.name(), v.grad.item(), x.grad.tolist()))
    assert results[0] == results[1]


def test_generator_keyword_everywhere():
    def draws(g):
        return [
            ember.rand(3, generator=g),
            ember.randn(3, generator=g),
            ember.randint(9, (3,), generator=g),
            ember.randperm(4, generator=g),
            ember.normal(0.0, 1.0, (3,), generator=g),
            ember.normal(ember.zeros(3), 1.0, generator=g),
            ember.bernoulli(ember.full((3,), 0.5), generator=g),
            ember.multinomial(ember.ones(4), 2, generator=g),
            ember.poisson(ember.ones(3), generator=g),
            ember.rand_like(ember.zeros(3), generator=g),
            ember.empty(3).uniform_(generator=g),
            ember.empty(3).normal_(generator=g),
            ember.empty(3).bernoulli_(0.5, generator=g),
            ember.empty(3).random_(generator=g),
            ember.empty(3).exponential_(generator=g),
            ember.empty(3).geometric_(0.5, generator=g),
            ember.empty(3).log_normal_(generator=g),
            ember.empty(3).cauchy_(generator=g),
        ]

    a = draws(ember.Generator().manual_seed(12))
    b = draws(ember.Generator().manual_seed(12))
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x._data, y._data)


def test_out_argument():
    out = ember.empty(2)
    assert ember.rand(3, out=out) is out and out.shape == (3,)
    out = ember.empty(0, dtype=ember.int64)
    assert ember.randint(5, (4,), out=out) is out and out.shape == (4,)


# ---- fills in place and devices (Note [random fills in place], Note [random on devices]) -----


@pytest.mark.parametrize("dtype", [ember.float32, ember.float64], ids=dtype_name)
def test_inplace_fills_give_the_numbers_of_new_draws(dtype):
    ember.manual_seed(5)
    u = ember.empty(2, 500, dtype=dtype).uniform_(-2, 3)
    z = ember.empty(2, 500, dtype=dtype).normal_(1, 0.5)
    ember.manual_seed(5)
    np.testing.assert_array_equal(u._data, (ember.rand(2, 500, dtype=dtype) * 5 + -2)._data)
    np.testing.assert_array_equal(z._data, (ember.randn(2, 500, dtype=dtype) * 0.5 + 1)._data)


def test_fill_of_a_non_contiguous_view_draws_in_logical_order():
    ember.manual_seed(6)
    base = ember.empty(500, 2)
    base.t().uniform_()
    ember.manual_seed(6)
    np.testing.assert_array_equal(base.t()._data, ember.rand(2, 500)._data)


def _draws(device):
    ember.manual_seed(7)
    return [
        ember.rand(3, device=device),
        ember.randn(3, dtype=ember.float64, device=device),
        ember.randint(0, 9, (3,), device=device),
        ember.randperm(5, device=device),
        ember.empty(4, device=device).uniform_(-1, 1),
        ember.empty(4, device=device).normal_(),
        ember.empty(4, device=device).bernoulli_(0.5),
        ember.rand_like(ember.zeros(2, device=device)),
    ]


@pytest.mark.parametrize("device", devices(test=True))
def test_samples_land_on_their_device_with_the_cpu_numbers(device):
    for on_device, on_cpu in zip(_draws(device), _draws("cpu")):
        assert on_device.device.type == ember.device(device).type
        np.testing.assert_array_equal(on_device.cpu().numpy(), on_cpu.numpy())
