"""Transfers between devices, device checks in ``Op.apply``, and the device-side protocols,
exercised on the CPU-only test device (ember.testing.device) and, where there is a GPU, on
CUDA."""

import pickle

import numpy as np
import pytest
import torch

import ember
from ember.testing import assert_close
from ember.testing import device as test_device

DEVICES = test_device.devices(test=True, cpu=False)


def test_registering_the_test_device_is_explicit():
    import subprocess
    import sys

    code = "import ember; ember.device('ember_test')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode != 0 and "device type at start of device string" in out.stderr


@pytest.mark.parametrize("device", DEVICES)
def test_to_device_and_back_with_gradients(device):
    x = ember.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = x.to(device)
    target = ember.device(device) if device != "cuda" else ember.device("cuda", 0)
    assert y.device.type == target.type and not y.is_leaf and y.requires_grad
    assert y.get_device() == (y.device.index)
    assert y.grad_fn.name() == "ToCopyBackward0"
    z = (y * y).sum()
    assert z.device == y.device
    z.backward()
    assert x.grad.device == ember.device("cpu")
    assert_close(x.grad, torch.tensor([2.0, -4.0, 6.0]))
    back = y.cpu()
    assert back.device == ember.device("cpu")
    assert_close(back, torch.tensor([1.0, -2.0, 3.0]))
    assert y.to(device) is y  # already there: no copy


@pytest.mark.parametrize("device", DEVICES)
def test_transfers_copy_memory(device):
    x = ember.tensor([1.0, 2.0])
    y = x.to(device)
    y.add_(1.0)
    assert_close(x, torch.tensor([1.0, 2.0]))
    assert_close(y.cpu(), torch.tensor([2.0, 3.0]))


@pytest.mark.parametrize("device", DEVICES)
def test_to_with_dtype_and_tensor_arguments(device):
    x = ember.arange(4)
    y = x.to(device, ember.float32)
    assert y.dtype == ember.float32 and y.device.type == device
    like = ember.zeros(1, dtype=ember.float64).to(device)
    z = x.to(like)
    assert z.dtype == ember.float64 and z.device == like.device
    w = y.to(dtype=ember.float16, device="cpu")
    assert w.dtype == ember.float16 and w.device == ember.device("cpu")


@pytest.mark.parametrize("device", DEVICES)
def test_mixing_devices_raises_as_torch(device):
    a = ember.ones(3).to(device)
    b = ember.ones(3)
    name = str(a.device)
    with pytest.raises(RuntimeError) as err:
        a + b
    assert str(err.value).startswith(
        f"Expected all tensors to be on the same device, but found at least two devices, "
        f"{name} and cpu!"
    )
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        ember.matmul(b.reshape(1, 3), a.reshape(3, 1))


@pytest.mark.parametrize("device", DEVICES)
def test_cpu_scalar_tensors_join_device_ops(device):
    a = ember.tensor([1.0, 2.0], requires_grad=True)
    s = ember.tensor(3.0, requires_grad=True)
    out = a.to(device) * s
    assert out.device == a.to(device).device
    out.sum().backward()
    assert s.grad.device == ember.device("cpu") and float(s.grad) == 3.0
    assert a.grad.device == ember.device("cpu")
    assert_close(a.grad, torch.tensor([3.0, 3.0]))


@pytest.mark.parametrize("device", DEVICES)
def test_host_conversions_refuse_device_tensors_as_torch(device):
    t = ember.ones(2).to(device)
    message = (
        f"can't convert {t.device} device type tensor to numpy. Use Tensor.cpu() to copy the "
        "tensor to host memory first."
    )
    with pytest.raises(TypeError) as err:
        t.numpy()
    assert str(err.value) == message
    with pytest.raises(TypeError):
        np.asarray(t)
    assert t.numpy(force=True).tolist() == [1.0, 1.0]
    assert t.tolist() == [1.0, 1.0]
    assert t.sum().item() == 2.0
    assert float(t[0]) == 1.0


@pytest.mark.parametrize("device", DEVICES)
def test_repr_shows_the_device_as_torch(device):
    t = ember.tensor([1.0, 2.5]).to(device)
    assert repr(t) == f"tensor([1.0000, 2.5000], device='{t.device}')"
    i = ember.tensor([1, 2], dtype=ember.int32).to(device)
    assert repr(i) == f"tensor([1, 2], device='{i.device}', dtype=ember.int32)"
    g = ember.tensor([1.0], requires_grad=True).to(device)
    assert repr(g) == f"tensor([1.], device='{g.device}', grad_fn=<ToCopyBackward0>)"


@pytest.mark.parametrize("device", DEVICES)
def test_pickle_keeps_the_device(device):
    t = ember.tensor([[1.0, 2.0]]).to(device)
    u = pickle.loads(pickle.dumps(t))
    assert u.device == t.device
    assert_close(u.cpu(), torch.tensor([[1.0, 2.0]]))


@pytest.mark.parametrize("device", DEVICES)
def test_module_to_moves_parameters_in_place(device):
    ember.manual_seed(0)
    m = ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.BatchNorm1d(4))
    weight = m[0].weight
    m(ember.randn(5, 3)).sum().backward()
    m.to(device)
    assert m[0].weight is weight and weight.is_leaf and weight.requires_grad
    for p in m.parameters():
        assert p.device.type == device and p.grad.device.type == device
    for b in m.buffers():
        assert b.device.type == device
    m.cpu()
    for t in list(m.parameters()) + list(m.buffers()):
        assert t.device == ember.device("cpu")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop"])
def test_optimizer_state_lives_on_the_parameter_device(device, name):
    p = ember.tensor([1.0, -2.0, 0.5]).to(device).requires_grad_()
    kwargs = {"lr": 0.1, "momentum": 0.9} if name in ("SGD", "RMSprop") else {"lr": 0.1}
    opt = getattr(ember.optim, name)([p], **kwargs)
    tp = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
    topt = getattr(torch.optim, name)([tp], **kwargs)
    for _ in range(3):
        opt.zero_grad()
        (p * p).sum().backward()
        opt.step()
        topt.zero_grad()
        (tp * tp).sum().backward()
        topt.step()
    assert p.device.type == device
    assert_close(p.detach().cpu(), tp.detach())
    for key, value in opt.state[p].items():
        if key == "step":
            assert value.device == ember.device("cpu")  # as PyTorch keeps it
        elif isinstance(value, ember.Tensor):
            assert value.device == p.device, key
    # Loading a state moves its tensors to each parameter's device (map_location-like).
    cpu_param = ember.tensor([1.0, -2.0, 0.5], requires_grad=True)
    other = getattr(ember.optim, name)([cpu_param], **kwargs)
    other.load_state_dict(opt.state_dict())
    for key, value in other.state[cpu_param].items():
        if isinstance(value, ember.Tensor):
            assert value.device == ember.device("cpu"), key


def test_test_device_catches_direct_numpy_in_a_forward():
    from ember.autograd.function import Op

    class Leaky(Op):
        def forward(ctx, a):
            return np.zeros(a.shape, a.dtype)  # noqa: the bug under test

        def backward(ctx, grad):
            return grad

    test_device.register()
    x = ember.ones(2).to(test_device.NAME)
    with pytest.raises(RuntimeError, match="Leaky.forward returned a NumPy"):
        Leaky.apply(x)


def test_device_forward_sees_the_device_module():
    from ember.autograd.function import Op

    seen = []

    class Probe(Op):
        def forward(ctx, a):
            seen.append(ctx.xp)
            return ctx.xp.zeros(a.shape, a.dtype).sum()  # a scalar from a reduction

        def backward(ctx, grad):
            return grad

    test_device.register()
    out = Probe.apply(ember.ones(2).to(test_device.NAME))
    assert seen == [test_device.xp] and out.device.type == test_device.NAME and out.ndim == 0
    out = Probe.apply(ember.ones(2))
    assert seen[-1] is np and type(out._data) is np.ndarray and out.ndim == 0


@pytest.mark.parametrize("device", DEVICES)
def test_double_backward_and_broadcast_on_device(device):
    x = ember.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    b = ember.tensor([[0.5], [1.5]], requires_grad=True)
    xd, bd = x.to(device), b.to(device)
    y = ((xd * bd) ** 2).sum()  # broadcast (1, 3) x (2, 1): the engine sums grads back
    (gx,) = ember.autograd.grad(y, xd, create_graph=True)
    assert gx.device == xd.device and tuple(gx.shape) == (1, 3)
    gx.sum().backward()
    tx = torch.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    tb = torch.tensor([[0.5], [1.5]], requires_grad=True)
    ty = ((tx * tb) ** 2).sum()
    (tgx,) = torch.autograd.grad(ty, tx, create_graph=True)
    tgx.sum().backward()
    assert_close(gx.detach().cpu(), tgx.detach())
    assert_close(b.grad, tb.grad)
    assert_close(x.grad, tx.grad)
