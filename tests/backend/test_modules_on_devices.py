"""nn modules on the other devices (the CPU-only test device; CUDA where there is a GPU)
against PyTorch on the CPU: the module is moved with ``Module.to``, its inputs are moved, and
outputs, input and parameter gradients and buffers are compared back on the CPU."""

import numpy as np
import pytest
import torch

import ember
from ember.testing import assert_close
from ember.testing import device as test_device
from ember.testing.nn_oracle import torch_state_to_ember

DEVICES = test_device.devices(test=True, cpu=False)

RNG = np.random.default_rng(0)
IMAGES = RNG.standard_normal((2, 3, 8, 8))
SEQ = RNG.standard_normal((2, 5, 6))
TOKENS = RNG.integers(0, 10, (2, 5))

MODULES = {
    "Linear": (lambda T: T.nn.Linear(6, 4), (SEQ,)),
    "Conv2d+ReLU+MaxPool2d": (
        lambda T: T.nn.Sequential(T.nn.Conv2d(3, 4, 3, padding=1), T.nn.ReLU(), T.nn.MaxPool2d(2)),
        (IMAGES,),
    ),
    "BatchNorm2d": (lambda T: T.nn.BatchNorm2d(3), (IMAGES,)),
    "LayerNorm": (lambda T: T.nn.LayerNorm(6), (SEQ,)),
    "Embedding": (lambda T: T.nn.Embedding(10, 4), (TOKENS,)),
    # The recurrent modules make their zero initial state on the input's device.
    "GRU": (lambda T: T.nn.GRU(6, 4, batch_first=True), (SEQ,)),
    "LSTM": (lambda T: T.nn.LSTM(6, 4, num_layers=2, bidirectional=True), (SEQ,)),
    "RNN": (lambda T: T.nn.RNN(6, 4), (SEQ[0],)),
    "LSTMCell": (lambda T: T.nn.LSTMCell(6, 4), (SEQ[0],)),
    "GRUCell": (lambda T: T.nn.GRUCell(6, 4), (SEQ[0, 0],)),
    "RNNCell": (lambda T: T.nn.RNNCell(6, 4), (SEQ[0],)),
    "MultiheadAttention": (
        lambda T: T.nn.MultiheadAttention(6, 2, batch_first=True),
        (SEQ, SEQ, SEQ),
    ),
}


def _inputs(T, arrays, device=None):
    out = []
    for a in arrays:
        if a.dtype.kind == "f":
            t = T.tensor(a.copy())
            if device is not None:
                t = t.to(device)
            out.append(t.requires_grad_())
        else:
            t = T.tensor(a.astype(np.int64))
            out.append(t.to(device) if device is not None else t)
    return out


def _floats(out):
    items = out if isinstance(out, tuple) else (out,)
    flat = []
    for o in items:
        flat.extend(_floats(o) if isinstance(o, tuple) else [o])
    return [o for o in flat if o is not None and o.is_floating_point()]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", list(MODULES.values()), ids=list(MODULES))
def test_module_on_device_matches_torch(device, case):
    make, arrays = case
    torch.manual_seed(0)
    theirs = make(torch).double()
    ours = make(ember).double()
    ours.load_state_dict(torch_state_to_ember(theirs.state_dict()))
    ours.to(device)
    e_in = _inputs(ember, arrays, device)
    t_in = _inputs(torch, arrays)
    e_out, t_out = _floats(ours(*e_in)), _floats(theirs(*t_in))
    assert len(e_out) == len(t_out)
    rng = np.random.default_rng(1)
    e_loss = t_loss = 0
    for e, t in zip(e_out, t_out):
        assert e.device == ember.device(device) or e.device.type == device
        assert_close(e.detach().cpu(), t.detach())
        w = rng.standard_normal(tuple(t.shape))
        e_loss = e_loss + (e * ember.tensor(w).to(device)).sum()
        t_loss = t_loss + (t * torch.tensor(w)).sum()
    e_loss.backward()
    t_loss.backward()
    for e, t in zip(e_in, t_in):
        if t.is_floating_point():
            assert e.grad.device == e.device
            assert_close(e.grad.cpu(), t.grad)
    t_params = dict(theirs.named_parameters())
    for key, p in ours.named_parameters():
        assert p.device.type == device and p.grad.device.type == device, key
        assert_close(p.grad.cpu(), t_params[key].grad, msg=key)
    t_buffers = dict(theirs.named_buffers())
    for key, b in ours.named_buffers():
        assert b.device.type == device, key
        assert_close(b.cpu(), t_buffers[key], msg=key)


@pytest.mark.parametrize("device", DEVICES)
def test_load_state_dict_of_cpu_tensors_into_module_on_device(device):
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(6, 4), torch.nn.BatchNorm1d(4)).double()
    ours = ember.nn.Sequential(ember.nn.Linear(6, 4), ember.nn.BatchNorm1d(4)).double()
    ours.to(device)
    state = torch_state_to_ember(theirs.state_dict())
    assert all(v.device.type == "cpu" for v in state.values())
    # A float32 checkpoint: loading casts into the module's float64 parameters, as PyTorch.
    ours.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
    theirs.load_state_dict(
        {k: v.float() if v.is_floating_point() else v for k, v in theirs.state_dict().items()}
    )
    for (key, mine), (_, ref) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        assert mine.device.type == device, key
        assert mine.dtype == getattr(ember, str(ref.dtype).split(".")[-1]), key
        assert_close(mine.cpu(), ref, msg=key)
