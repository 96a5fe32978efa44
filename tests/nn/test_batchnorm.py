"""BatchNorm1d/2d/3d, InstanceNorm1d/2d/3d, F.batch_norm and F.instance_norm, against torch."""

import warnings
from collections import OrderedDict

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from ember.testing.nn_oracle import check_module
from ember.testing.oracle import NonContiguous, Sample, check_against_torch

RNG = np.random.default_rng(0)
INPUTS = {
    "BatchNorm1d": [RNG.standard_normal((4, 3)), RNG.standard_normal((2, 3, 5))],
    "BatchNorm2d": [RNG.standard_normal((2, 3, 4, 2))],
    "BatchNorm3d": [RNG.standard_normal((2, 3, 2, 2, 3))],
    "InstanceNorm1d": [RNG.standard_normal((2, 3, 5)), RNG.standard_normal((3, 5))],
    "InstanceNorm2d": [RNG.standard_normal((2, 3, 4, 2)), RNG.standard_normal((3, 4, 2))],
    "InstanceNorm3d": [RNG.standard_normal((2, 3, 2, 2, 3))],
}
CONFIGS = [
    {},
    {"momentum": None},
    {"momentum": 0.3, "eps": 1e-3},
    {"affine": False},
    {"bias": False},
    {"track_running_stats": False},
    {"affine": True, "track_running_stats": True},
]


def _randomize(t):
    """Non-default parameters and running statistics, so that every term is exercised."""
    with torch.no_grad():
        for p in t.parameters():
            p.copy_(torch.randn(p.shape))
        if getattr(t, "running_var", None) is not None:
            t.running_mean.copy_(torch.randn(t.num_features))
            t.running_var.copy_(torch.rand(t.num_features) + 0.5)


@pytest.mark.parametrize("name", list(INPUTS))
@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_norm_module_matches_torch_over_steps(name, config):
    e, t = getattr(ember.nn, name)(3, **config), getattr(torch.nn, name)(3, **config)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    for (k, ev), tv in zip(e.state_dict().items(), t.state_dict().values()):  # default init
        assert np.array_equal(ev.numpy(), tv.numpy()), k
        assert str(ev.dtype).split(".")[-1] == str(tv.dtype).split(".")[-1], k
    _randomize(t)
    for x in INPUTS[name]:
        # check_module copies torch's state into ember's on each call, so run several training
        # steps on both modules directly first: the running statistics must agree after them.
        check_module(e, t, x)
        for _ in range(3):
            e(ember.tensor(x * 2 + 1))
            t(torch.tensor(x * 2 + 1))
        for (k, ev), tv in zip(e.state_dict().items(), t.state_dict().values()):
            np.testing.assert_allclose(ev.numpy(), tv.numpy(), rtol=1e-12, err_msg=k)
        check_module(e, t, x, train=False)


def test_batch_norm_num_batches_tracked_and_cumulative_average():
    e, t = ember.nn.BatchNorm1d(3, momentum=None), torch.nn.BatchNorm1d(3, momentum=None)
    xs = [RNG.standard_normal((4, 3)) * (i + 1) + i for i in range(4)]
    for x in xs:
        e(ember.tensor(x, dtype=ember.float32))
        t(torch.tensor(x, dtype=torch.float32))
    assert int(e.num_batches_tracked) == int(t.num_batches_tracked) == 4
    assert e.num_batches_tracked.dtype == ember.int64
    # momentum None: the running mean is the plain average of the batch means
    np.testing.assert_allclose(e.running_mean.numpy(), np.mean([x.mean(0) for x in xs], 0), 1e-5)
    np.testing.assert_allclose(e.running_var.numpy(), t.running_var.numpy(), 1e-5)
    e.eval()
    t.eval()
    e(ember.tensor(xs[0], dtype=ember.float32))
    assert int(e.num_batches_tracked) == 4  # evaluation neither counts nor updates
    e.reset_running_stats()
    assert int(e.num_batches_tracked) == 0 and np.all(e.running_var.numpy() == 1)


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_functional_matches_torch(training):
    w, b = RNG.standard_normal(3), RNG.standard_normal(3)
    for x in (RNG.standard_normal((4, 3)), NonContiguous(RNG.standard_normal((2, 3, 4)))):
        mean, var = RNG.standard_normal(3), RNG.random(3) + 0.5

        def fn(T, x, w, b, mean=mean, var=var):
            rm, rv = T.tensor(mean, dtype=x.dtype), T.tensor(var, dtype=x.dtype)
            out = T.nn.functional.batch_norm(x, rm, rv, w, b, training, 0.2, 1e-4)
            return out, rm, rv  # the running statistics after the update

        check_against_torch(fn, Sample((x, w, b)))
        check_against_torch(fn, Sample((x, w, b)), "float32")
    fn = lambda T, x: T.nn.functional.batch_norm(x, None, None, training=True)  # noqa: E731
    check_against_torch(fn, Sample((RNG.standard_normal((4, 3, 2)),)))
    fn = lambda T, x: T.nn.functional.batch_norm(  # noqa: E731
        x, T.zeros(3, dtype=x.dtype), T.ones(3, dtype=x.dtype), training=training
    )
    check_against_torch(fn, Sample((np.zeros((0, 3)),)))


@pytest.mark.parametrize("use_input_stats", [True, False])
def test_instance_norm_functional_matches_torch(use_input_stats):
    w, b = RNG.standard_normal(3), RNG.standard_normal(3)
    for x in (RNG.standard_normal((2, 3, 4)), RNG.standard_normal((1, 3, 2, 3))):
        mean, var = RNG.standard_normal(3), RNG.random(3) + 0.5

        def fn(T, x, w, b, mean=mean, var=var):
            rm, rv = T.tensor(mean, dtype=x.dtype), T.tensor(var, dtype=x.dtype)
            out = T.nn.functional.instance_norm(x, rm, rv, w, b, use_input_stats, 0.2, 1e-4)
            return out, rm, rv

        check_against_torch(fn, Sample((x, w, b)))
    fn = lambda T, x: T.nn.functional.instance_norm(x)  # noqa: E731
    check_against_torch(fn, Sample((NonContiguous(RNG.standard_normal((2, 3, 4))),)), "float32")


def test_batch_and_instance_norm_gradcheck_and_gradgradcheck():
    x = ember.tensor(RNG.standard_normal((3, 2, 2)), requires_grad=True)
    w = ember.tensor(RNG.standard_normal(2), requires_grad=True)
    b = ember.tensor(RNG.standard_normal(2), requires_grad=True)
    rm, rv = ember.tensor(RNG.standard_normal(2)), ember.tensor(RNG.random(2) + 0.5)
    F = ember.nn.functional
    for training in (True, False):
        fn = lambda x, w, b, t=training: F.batch_norm(x, rm, rv, w, b, t)  # noqa: E731
        assert gradcheck(fn, (x, w, b))
        assert gradgradcheck(fn, (x, w, b))
    fn = lambda x, w, b: F.instance_norm(x, None, None, w, b)  # noqa: E731
    assert gradcheck(fn, (x, w, b))
    assert gradgradcheck(fn, (x, w, b))


def _same_error(fn, *args, **kwargs):
    errors = []
    for T in (ember, torch):
        with pytest.raises(Exception) as info:
            fn(T, *[T.tensor(a) if isinstance(a, np.ndarray) else a for a in args], **kwargs)
        errors.append((type(info.value).__name__, str(info.value)))
    assert errors[0] == errors[1]


def test_batch_norm_errors_match_torch():
    x = RNG.standard_normal((4, 3))
    bn = lambda T, *a, **k: T.nn.functional.batch_norm(*a, **k)  # noqa: E731
    _same_error(bn, x, np.zeros(4), np.ones(3))
    _same_error(bn, x, np.zeros(3), np.ones(4))
    _same_error(bn, x, np.zeros(3), np.ones(3), np.ones(4))
    _same_error(bn, x, np.zeros(3), np.ones(3), None, np.ones(4))
    _same_error(bn, x, None, None)
    _same_error(bn, x, np.zeros(3), None, training=True)
    _same_error(bn, x, np.zeros(3), np.ones(3), training=True, eps=0.0)
    _same_error(bn, x, np.zeros(3, np.float32), np.ones(3, np.float32))
    _same_error(bn, RNG.standard_normal((1, 3)), np.zeros(3), np.ones(3), training=True)
    _same_error(lambda T, x: T.nn.BatchNorm1d(3)(x), RNG.standard_normal((1, 3)))
    _same_error(lambda T, x: T.nn.BatchNorm1d(3)(x), RNG.standard_normal((2, 3, 4, 5)))
    _same_error(lambda T, x: T.nn.BatchNorm2d(3)(x), RNG.standard_normal((2, 3, 4)))
    _same_error(lambda T, x: T.nn.BatchNorm3d(3)(x), RNG.standard_normal((2, 3, 4)))
    _same_error(lambda T, x: T.nn.BatchNorm1d(3)(x), RNG.standard_normal((2, 4)))


def test_instance_norm_errors_match_torch():
    x = RNG.standard_normal((2, 3, 4))
    inorm = lambda T, *a, **k: T.nn.functional.instance_norm(*a, **k)  # noqa: E731
    _same_error(inorm, RNG.standard_normal((2, 3, 1)))
    _same_error(inorm, x, use_input_stats=False)
    _same_error(inorm, x, np.zeros(4), np.ones(4))
    _same_error(inorm, x, None, None, np.ones(4))
    _same_error(lambda T, x: T.nn.InstanceNorm1d(3)(x), RNG.standard_normal((2, 3, 4, 5)))
    _same_error(lambda T, x: T.nn.InstanceNorm2d(3, affine=True)(x), RNG.standard_normal((2, 4, 4)))
    with pytest.warns(UserWarning, match="does not match num_features"):
        ember.nn.InstanceNorm1d(3)(ember.tensor(RNG.standard_normal((2, 4, 5))))


def test_batch_norm_state_dict_round_trip_with_torch():
    t = torch.nn.BatchNorm2d(3)
    _randomize(t)
    t(torch.randn(2, 3, 2, 2))
    e = ember.nn.BatchNorm2d(3)
    e.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t.state_dict().items()})
    assert int(e.num_batches_tracked) == 1
    # a checkpoint older than num_batches_tracked (version 1) loads with the count at 0
    old = OrderedDict((k, ember.tensor(v.numpy())) for k, v in t.state_dict().items())
    del old["num_batches_tracked"]
    old._metadata = OrderedDict({"": {"version": 1}})
    e.load_state_dict(old)
    assert int(e.num_batches_tracked) == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ember.nn.InstanceNorm1d(3)(ember.tensor(RNG.standard_normal((2, 3, 4))))


@pytest.mark.parametrize("name", ["BatchNorm1d", "InstanceNorm2d", "LayerNorm", "GroupNorm"])
def test_norm_layer_dtype_argument_matches_torch(name):
    args = (2, 4) if name == "GroupNorm" else (4,)
    kwargs = {} if name in ("LayerNorm", "GroupNorm") else {"affine": True}
    if name == "InstanceNorm2d":
        kwargs["track_running_stats"] = True
    e = getattr(ember.nn, name)(*args, dtype=ember.float64, **kwargs)
    t = getattr(torch.nn, name)(*args, dtype=torch.float64, **kwargs)
    for (k, ev), tv in zip(e.state_dict().items(), t.state_dict().values()):
        assert str(ev.dtype).split(".")[-1] == str(tv.dtype).split(".")[-1], k


def test_batch_norm_weight_grad_without_input_grad_and_double_backward():
    x = RNG.standard_normal((4, 3, 2))
    e, t = ember.nn.BatchNorm1d(3).double(), torch.nn.BatchNorm1d(3).double()
    _randomize(t)
    e.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t.state_dict().items()})
    e(ember.tensor(x)).pow(2).sum().backward()
    t(torch.tensor(x)).pow(2).sum().backward()
    np.testing.assert_allclose(e.weight.grad.numpy(), t.weight.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(e.bias.grad.numpy(), t.bias.grad.numpy(), rtol=1e-10, atol=1e-12)
    # a gradient penalty: the input gradient, differentiated again
    xe = ember.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    (ge,) = ember.autograd.grad(e(xe).pow(3).sum(), xe, create_graph=True)
    (gt,) = torch.autograd.grad(t(xt).pow(3).sum(), xt, create_graph=True)
    ge.pow(2).sum().backward()
    gt.pow(2).sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-9)
    np.testing.assert_allclose(e.weight.grad.numpy(), t.weight.grad.numpy(), rtol=1e-9)
