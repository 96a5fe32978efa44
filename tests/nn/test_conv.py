"""Conv1d/2d/3d and ConvTranspose1d/2d/3d against torch: outputs, gradients, repr, init,
state_dict and error messages."""

import numpy as np
import pytest
import torch

import ember
from ember.testing import assert_close
from ember.testing.nn_oracle import check_module
from ember.testing.oracle import Sample, check_against_torch

RNG = np.random.default_rng(0)

# (class name, positional args, keyword args, input shape)
CONV_CASES = [
    ("Conv1d", (2, 3, 3), {}, (2, 2, 7)),
    ("Conv1d", (4, 2, 3), {"stride": 2, "padding": 1, "groups": 2, "bias": False}, (2, 4, 8)),
    ("Conv1d", (2, 3, 3), {"padding": "same", "dilation": 2}, (2, 6)),
    ("Conv1d", (2, 3, 3), {"padding": 2, "padding_mode": "circular"}, (2, 2, 5)),
    ("Conv2d", (2, 3, 3), {}, (2, 2, 5, 5)),
    ("Conv2d", (2, 4, (3, 2)), {"stride": (2, 1), "padding": (1, 0)}, (2, 2, 6, 5)),
    ("Conv2d", (4, 4, 3), {"groups": 4, "dilation": 2, "padding": 2}, (1, 4, 6, 6)),
    ("Conv2d", (2, 3, 3), {"padding": "same", "padding_mode": "reflect"}, (2, 2, 5, 4)),
    ("Conv2d", (2, 3, 2), {"padding": "same", "padding_mode": "replicate"}, (2, 2, 5, 4)),
    ("Conv2d", (2, 3, 3), {"padding": 1, "padding_mode": "circular", "stride": 2}, (2, 2, 5, 5)),
    ("Conv2d", (2, 3, 3), {"padding": "valid", "bias": False}, (2, 5, 5)),
    ("Conv3d", (2, 2, 2), {"padding": 1, "stride": 2}, (1, 2, 3, 4, 3)),
    ("Conv3d", (2, 2, 2), {"padding": "same", "padding_mode": "replicate"}, (2, 3, 3, 3)),
    ("ConvTranspose1d", (2, 3, 3), {"stride": 2, "output_padding": 1}, (2, 2, 4)),
    ("ConvTranspose1d", (4, 2, 3), {"groups": 2, "dilation": 2, "padding": 1}, (4, 5)),
    ("ConvTranspose2d", (2, 3, 3), {}, (2, 2, 3, 3)),
    ("ConvTranspose2d", (2, 4, (3, 2)), {"stride": (2, 3), "output_padding": (1, 2)}, (1, 2, 3, 3)),
    ("ConvTranspose2d", (4, 2, 3), {"groups": 2, "padding": 1, "bias": False}, (2, 4, 3, 4)),
    ("ConvTranspose2d", (2, 3, 2), {"stride": 2, "dilation": 2, "output_padding": 1}, (2, 3, 3)),
    ("ConvTranspose3d", (2, 2, 2), {"stride": 2}, (1, 2, 2, 2, 2)),
]


def _pair(name, args, kwargs):
    return getattr(ember.nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)


@pytest.mark.parametrize("name,args,kwargs,shape", CONV_CASES)
def test_conv_module_matches_torch(name, args, kwargs, shape):
    e, t = _pair(name, args, kwargs)
    check_module(e, t, RNG.standard_normal(shape))


@pytest.mark.parametrize("name,args,kwargs,shape", CONV_CASES)
def test_conv_module_repr_and_state_dict(name, args, kwargs, shape):
    e, t = _pair(name, args, kwargs)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    for (k, v), tv in zip(e.state_dict().items(), t.state_dict().values()):
        assert tuple(v.shape) == tuple(tv.shape), k
        assert v.dtype == ember.float32


@pytest.mark.parametrize(
    "output_size", [(7, 7), (8, 8), (7, 8), [1, 2, 8, 7]], ids=["min", "max", "mixed", "4-d"]
)
def test_conv_transpose_output_size_matches_torch(output_size):
    e, t = _pair("ConvTranspose2d", (2, 2, 3), {"stride": 2})
    check_module(e, t, RNG.standard_normal((1, 2, 3, 3)), kwargs={"output_size": output_size})


def test_conv_transpose_output_size_unbatched_matches_torch():
    e, t = _pair("ConvTranspose1d", (2, 2, 3), {"stride": 3, "padding": 1})
    check_module(e, t, RNG.standard_normal((2, 4)), kwargs={"output_size": [2, 11]})


@pytest.mark.parametrize("name", ["Conv2d", "ConvTranspose2d"])
def test_conv_default_init_matches_torch_statistics(name):
    # kaiming_uniform_(a=sqrt(5)) gives U(-1/sqrt(fan_in), 1/sqrt(fan_in)), as does the bias;
    # fan_in is weight.size(1) * kernel numel (out_channels / groups for the transposed layer).
    torch.manual_seed(0)
    e, t = _pair(name, (32, 256, 3), {})
    fan_in, _ = torch.nn.init._calculate_fan_in_and_fan_out(t.weight)
    bound = 1 / np.sqrt(fan_in)
    for e_p, t_p in ((e.weight, t.weight), (e.bias, t.bias)):
        ew, tw = e_p.detach().numpy(), t_p.detach().numpy()
        assert np.abs(tw).max() <= bound  # the formula is torch's
        assert 0.95 * bound < np.abs(ew).max() <= bound
        assert abs(ew.std() - tw.std()) < 0.1 * tw.std()
        assert abs(ew.mean()) < 0.15 * tw.std()


def test_conv_parameters_are_parameters():
    m = ember.nn.Conv2d(2, 3, 3)
    assert [n for n, _ in m.named_parameters()] == ["weight", "bias"]
    assert all(isinstance(p, ember.nn.Parameter) for p in m.parameters())
    assert ember.nn.Conv2d(2, 3, 3, bias=False).bias is None


def test_conv_dtype_argument():
    m = ember.nn.Conv1d(2, 3, 3, dtype=ember.float64)
    assert m.weight.dtype == ember.float64 and m.bias.dtype == ember.float64


def _error(T, fn):
    try:
        fn(T)
    except Exception as exc:  # noqa: BLE001 - the exception itself is compared
        return type(exc).__name__, str(exc)
    return None


ERROR_CASES = {
    "conv2d 2-d input": lambda T: T.nn.Conv2d(3, 4, 3)(T.zeros(5, 5)),
    "conv2d 5-d input": lambda T: T.nn.Conv2d(3, 4, 3)(T.zeros(1, 3, 5, 5, 5)),
    "conv1d 4-d input": lambda T: T.nn.Conv1d(3, 4, 3)(T.zeros(1, 3, 5, 5)),
    "conv2d channels": lambda T: T.nn.Conv2d(3, 4, 3)(T.zeros(1, 1, 5, 5)),
    "conv2d channels unbatched": lambda T: T.nn.Conv2d(3, 4, 3)(T.zeros(1, 5, 5)),
    "conv2d groups channels": lambda T: T.nn.Conv2d(4, 4, 3, groups=2)(T.zeros(1, 2, 5, 5)),
    "conv2d kernel too big": lambda T: T.nn.Conv2d(3, 4, 3)(T.zeros(1, 3, 2, 2)),
    "conv2d dtype": lambda T: T.nn.Conv2d(3, 4, 3)(T.zeros(1, 3, 5, 5, dtype=T.float64)),
    "conv transpose channels": lambda T: T.nn.ConvTranspose2d(3, 4, 3)(T.zeros(1, 2, 5, 5)),
    "conv transpose 2-d input": lambda T: T.nn.ConvTranspose2d(3, 4, 3)(T.zeros(5, 5)),
    "conv transpose output_size length": lambda T: T.nn.ConvTranspose2d(2, 2, 3)(
        T.zeros(1, 2, 3, 3), output_size=(1, 5)[:1]
    ),
    "groups zero": lambda T: T.nn.Conv2d(4, 4, 3, groups=0),
    "in_channels groups": lambda T: T.nn.Conv2d(3, 4, 3, groups=2),
    "out_channels groups": lambda T: T.nn.Conv2d(4, 3, 3, groups=2),
    "same strided": lambda T: T.nn.Conv2d(4, 4, 3, padding="same", stride=2),
    "transpose padding_mode": lambda T: T.nn.ConvTranspose2d(4, 4, 3, padding_mode="reflect"),
    "F.conv2d weight dims": lambda T: T.nn.functional.conv2d(T.zeros(1, 3, 4, 4), T.zeros(2, 3, 3)),
    "F.conv1d weight dims": lambda T: T.nn.functional.conv1d(T.zeros(1, 3, 4), T.zeros(2, 3, 3, 3)),
    "F.conv2d bias": lambda T: T.nn.functional.conv2d(
        T.zeros(1, 3, 4, 4), T.zeros(2, 3, 3, 3), T.zeros(3)
    ),
    "F.conv2d stride 0": lambda T: T.nn.functional.conv2d(
        T.zeros(1, 3, 4, 4), T.zeros(2, 3, 3, 3), stride=0
    ),
    "F.conv2d negative padding": lambda T: T.nn.functional.conv2d(
        T.zeros(1, 3, 4, 4), T.zeros(2, 3, 3, 3), padding=-1
    ),
    "F.conv2d padding string": lambda T: T.nn.functional.conv2d(
        T.zeros(1, 3, 4, 4), T.zeros(2, 3, 3, 3), padding="full"
    ),
    "F.conv_transpose2d output_padding": lambda T: T.nn.functional.conv_transpose2d(
        T.zeros(1, 3, 4, 4), T.zeros(3, 2, 3, 3), output_padding=1
    ),
    "F.conv_transpose1d output_padding": lambda T: T.nn.functional.conv_transpose1d(
        T.zeros(1, 3, 4), T.zeros(3, 2, 3), output_padding=1
    ),
    "F.conv_transpose2d too small": lambda T: T.nn.functional.conv_transpose2d(
        T.zeros(1, 3, 1, 1), T.zeros(3, 2, 1, 1), padding=1
    ),
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_conv_error_matches_torch(case):
    e, t = _error(ember, ERROR_CASES[case]), _error(torch, ERROR_CASES[case])
    assert t is not None and e == t


def test_conv_transpose_output_size_range_error():
    # Same text as PyTorch's, except that the input size prints as ember.Size.
    args = (ember.zeros(1, 2, 3, 3),)
    with pytest.raises(ValueError) as info:
        ember.nn.ConvTranspose2d(2, 2, 3, stride=2)(*args, output_size=(9, 9))
    assert str(info.value) == (
        "requested an output size of (9, 9), but valid sizes range from [7, 7] to [8, 8] "
        "(for an input of ember.Size([3, 3]))"
    )


def test_conv_unbatched_equals_batched():
    m = ember.nn.Conv2d(2, 3, 3, padding=1)
    x = ember.randn(2, 5, 4)
    assert_close(m(x), m(x.unsqueeze(0))[0])


def test_conv2d_empty_batch_matches_torch():
    for T in (ember, torch):
        out = T.nn.functional.conv2d(T.zeros(0, 3, 4, 4), T.zeros(2, 3, 3, 3))
        assert tuple(out.shape) == (0, 2, 2, 2)


def test_conv_double_backward_matches_torch():
    # A gradient penalty: d/dw of |d(out)/dx|^2, through the transposed and weight-grad ops.
    x = RNG.standard_normal((1, 2, 5, 5))
    w = RNG.standard_normal((3, 2, 3, 3))
    grads = []
    for T in (ember, torch):
        xt, wt = T.tensor(x, requires_grad=True), T.tensor(w, requires_grad=True)
        out = T.nn.functional.conv2d(xt, wt, stride=2, padding=1).tanh().sum()
        (gx,) = T.autograd.grad(out, xt, create_graph=True)
        (gw,) = T.autograd.grad((gx**2).sum(), wt)
        grads.append(gw.detach().numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-7, atol=1e-9)


def test_conv_top_level_names_match_torch():
    x, w = RNG.standard_normal((2, 2, 6)), RNG.standard_normal((3, 2, 3))
    check_against_torch(lambda T, x, w: T.conv1d(x, w, padding=1), Sample((x, w)))
    w_t = RNG.standard_normal((2, 3, 3))
    check_against_torch(lambda T, x, w: T.conv_transpose1d(x, w, stride=2), Sample((x, w_t)))


def test_conv_backward_twice_with_retain_graph_matches_torch():
    # The forward's columns are released by the first backward; the second makes them again.
    x = RNG.standard_normal((2, 3, 6, 6))
    w = RNG.standard_normal((4, 3, 3, 3))
    b = RNG.standard_normal(4)
    grads = []
    for T in (ember, torch):
        xt, wt, bt = (T.tensor(a, requires_grad=True) for a in (x, w, b))
        out = (T.nn.functional.conv2d(xt, wt, bt, stride=2, padding=1) ** 2).sum()
        out.backward(retain_graph=True)
        out.backward()
        grads.append([t.grad.numpy() for t in (xt, wt, bt)])
    for ours, theirs in zip(*grads):
        np.testing.assert_allclose(ours, theirs, rtol=1e-7, atol=1e-9)
