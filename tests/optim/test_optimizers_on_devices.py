"""Every optimizer on the other devices (the CPU-only test device; CUDA where there is a GPU),
against PyTorch on the CPU: parameters and state after a few steps, state on the parameter's
device."""

import numpy as np
import pytest
import torch

import ember
from ember.testing import device as test_device
from tests.optim._harness import make_params, quadratic_grads

DEVICES = test_device.devices(test=True, cpu=False)

CONFIGS = [
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.01}),
    ("AdamW", {"lr": 0.01}),
    ("Adamax", {"lr": 0.01}),
    ("NAdam", {"lr": 0.01}),
    ("RAdam", {"lr": 0.01}),
    ("Adagrad", {"lr": 0.1}),
    ("Adadelta", {"lr": 1.0}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=[c[0] for c in CONFIGS])
def test_optimizer_on_device_matches_torch(device, name, kwargs):
    cpu, theirs = make_params("float64")
    ours = [p.detach().to(device).requires_grad_() for p in cpu]
    opt_e = getattr(ember.optim, name)(ours, **kwargs)
    opt_t = getattr(torch.optim, name)(theirs, **kwargs)
    for step in range(4):
        grads = quadratic_grads([p.detach().numpy() for p in theirs], step)
        for p, g in zip(ours, grads):
            p.grad = ember.tensor(g.copy()).to(device)
        for p, g in zip(theirs, grads):
            p.grad = torch.tensor(g.copy())
        opt_e.step()
        opt_t.step()
    for p, q in zip(ours, theirs):
        assert p.device.type == device
        np.testing.assert_allclose(p.detach().cpu().numpy(), q.detach().numpy(), rtol=1e-10)
    for p, q in zip(ours, theirs):
        for key, value in opt_t.state[q].items():
            mine = opt_e.state[p][key]
            if not isinstance(value, torch.Tensor):
                assert mine == value, key
                continue
            expected_device = "cpu" if key in ("step", "mu_product") else p.device.type
            assert mine.device.type == expected_device, key
            np.testing.assert_allclose(mine.cpu().numpy(), value.numpy(), rtol=1e-10, atol=1e-12)
