"""Every optimizer against PyTorch's: identical parameters and gradients, several steps."""

import numpy as np
import pytest
import torch

import ember
from tests.optim._harness import assert_state_close, make_params, run_both, to_numpy

CASES = {
    "SGD": [
        {"lr": 0.1},
        {"lr": 0.1, "momentum": 0.9},
        {"lr": 0.1, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.05},
        {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01},
        {"lr": 0.05, "momentum": 0.5, "maximize": True},
    ],
    "Adam": [
        {"lr": 0.05},
        {"lr": 0.05, "amsgrad": True},
        {"lr": 0.05, "weight_decay": 0.1, "maximize": True},
        {"lr": 0.05, "betas": (0.8, 0.9), "eps": 1e-3, "amsgrad": True, "weight_decay": 0.1},
        {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True},
    ],
    "AdamW": [
        {"lr": 0.05},
        {"lr": 0.05, "weight_decay": 0.2, "amsgrad": True},
        {"lr": 0.05, "maximize": True},
    ],
    "Adamax": [
        {"lr": 0.05},
        {"lr": 0.05, "betas": (0.7, 0.9), "weight_decay": 0.1, "maximize": True},
    ],
    "NAdam": [
        {"lr": 0.05},
        {"lr": 0.05, "momentum_decay": 0.01, "weight_decay": 0.1},
        {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True},
    ],
    "RAdam": [
        {"lr": 0.05},
        {"lr": 0.05, "betas": (0.9, 0.9), "weight_decay": 0.1},
        {"lr": 0.05, "betas": (0.5, 0.6), "weight_decay": 0.1, "decoupled_weight_decay": True},
    ],
    "RMSprop": [
        {"lr": 0.01},
        {"lr": 0.01, "alpha": 0.9, "centered": True},
        {"lr": 0.01, "momentum": 0.8, "weight_decay": 0.1},
        {"lr": 0.01, "momentum": 0.8, "centered": True, "maximize": True},
    ],
    "Adagrad": [
        {"lr": 0.1},
        {"lr": 0.1, "lr_decay": 0.05, "initial_accumulator_value": 0.2, "weight_decay": 0.1},
        {"lr": 0.1, "eps": 1e-3, "maximize": True},
    ],
    "Adadelta": [
        {},
        {"lr": 0.5, "rho": 0.5, "eps": 1e-3, "weight_decay": 0.1},
        {"lr": 0.5, "maximize": True},
    ],
}
GRID = [(name, kw) for name, grid in CASES.items() for kw in grid]


def _id(case):
    name, kw = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kw.items())


@pytest.mark.parametrize("case", GRID, ids=[_id(c) for c in GRID])
def test_optimizer_matches_torch_float64(case):
    name, kwargs = case
    opt_e, opt_t, ours, theirs = run_both(name, kwargs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=1e-10, atol=1e-12)
    assert_state_close(opt_e.state_dict()["state"], opt_t.state_dict()["state"], 1e-10, 1e-12)
    assert opt_e.state_dict()["param_groups"] == opt_t.state_dict()["param_groups"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_optimizer_matches_torch_float32(name):
    opt_e, opt_t, ours, theirs = run_both(name, CASES[name][-1], dtype="float32")
    for a, b in zip(ours, theirs):
        assert a.dtype == ember.float32
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=1e-5, atol=1e-6)
    assert_state_close(opt_e.state_dict()["state"], opt_t.state_dict()["state"], 1e-5, 1e-6)


@pytest.mark.parametrize("name", sorted(CASES))
def test_optimizer_repr_matches_torch(name):
    ours, theirs = make_params()
    opt_e = getattr(ember.optim, name)(ours, **CASES[name][-1])
    opt_t = getattr(torch.optim, name)(theirs, **CASES[name][-1])
    assert repr(opt_e) == repr(opt_t)
    assert opt_e.defaults == opt_t.defaults


def test_step_updates_in_place_and_bumps_version():
    p = ember.tensor([1.0, 2.0], requires_grad=True)
    array, version = p._data, p._version.value
    opt = ember.optim.Adam([p], lr=0.1)
    for _ in range(3):
        p.grad = ember.tensor([0.5, -0.5])
        opt.step()
    assert p._data is array
    assert p._version.value == version + 3
    assert not p.grad.requires_grad


def test_param_groups_with_own_options():
    ours, theirs = make_params()
    groups_e = [{"params": ours[:2]}, {"params": ours[2:], "lr": 0.5, "momentum": 0.5}]
    groups_t = [{"params": theirs[:2]}, {"params": theirs[2:], "lr": 0.5, "momentum": 0.5}]
    opt_e = ember.optim.SGD(groups_e, lr=0.1, momentum=0.9)
    opt_t = torch.optim.SGD(groups_t, lr=0.1, momentum=0.9)
    for _ in range(3):
        for ps, mod in ((ours, ember), (theirs, torch)):
            for p in ps:
                p.grad = mod.tensor(np.cos(p.detach().numpy()))
        opt_e.step()
        opt_t.step()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=1e-12)
    assert opt_e.state_dict()["param_groups"] == opt_t.state_dict()["param_groups"]


def test_add_param_group_fills_defaults():
    a = ember.tensor([1.0], requires_grad=True)
    b = ember.tensor([2.0], requires_grad=True)
    opt = ember.optim.Adam([a], lr=0.01)
    opt.add_param_group({"params": b, "lr": 0.5})
    assert opt.param_groups[1]["params"] == [b]
    assert opt.param_groups[1]["lr"] == 0.5
    assert opt.param_groups[1]["betas"] == (0.9, 0.999)


def test_zero_grad():
    p = ember.tensor([1.0, 2.0], requires_grad=True)
    opt = ember.optim.SGD([p], lr=0.1)
    p.grad = ember.tensor([3.0, 4.0])
    grad = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is grad
    assert p.grad.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert p.grad is None


def test_closure_runs_with_grad_and_returns_loss():
    p = ember.tensor([1.0, -2.0], requires_grad=True)
    opt = ember.optim.SGD([p], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with ember.no_grad():
        loss = opt.step(closure)
    assert float(loss) == 5.0
    np.testing.assert_allclose(p.detach().numpy(), [0.8, -1.6])


def test_training_with_autograd_matches_torch():
    rng = np.random.default_rng(3)
    x_np, w_np = rng.standard_normal((8, 3)), rng.standard_normal((3,))
    results = []
    for T in (ember, torch):
        w = T.tensor(w_np.copy(), requires_grad=True)
        x = T.tensor(x_np)
        opt = T.optim.AdamW([w], lr=0.1, amsgrad=True)
        for _ in range(5):
            opt.zero_grad()
            loss = ((x @ w - 1.0) ** 2).mean()
            loss.backward()
            opt.step()
        results.append(w.detach().numpy().copy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-10)


def test_nn_parameter_is_optimized():
    data = np.array([[1.0, -1.0], [0.5, 2.0]])
    w_e = ember.nn.Parameter(ember.tensor(data.copy()))
    w_t = torch.nn.Parameter(torch.tensor(data.copy()))
    opt_e = ember.optim.RMSprop([w_e], lr=0.01, momentum=0.9)
    opt_t = torch.optim.RMSprop([w_t], lr=0.01, momentum=0.9)
    for _ in range(3):
        w_e.grad = ember.tensor(np.sin(w_e.detach().numpy()))
        w_t.grad = torch.tensor(np.sin(w_t.detach().numpy()))
        opt_e.step()
        opt_t.step()
    np.testing.assert_allclose(to_numpy(w_e), to_numpy(w_t), rtol=1e-12)


def test_step_hooks():
    p = ember.tensor([1.0], requires_grad=True)
    opt = ember.optim.SGD([p], lr=0.1)
    calls = []
    pre = opt.register_step_pre_hook(lambda o, args, kwargs: calls.append(("pre", o is opt)))
    post = opt.register_step_post_hook(lambda o, args, kwargs: calls.append(("post", o is opt)))
    p.grad = ember.tensor([1.0])
    opt.step()
    pre.remove()
    post.remove()
    opt.step()
    assert calls == [("pre", True), ("post", True)]


def test_lr_as_tensor():
    ours, theirs = make_params()
    opt_e = ember.optim.SGD(ours, lr=ember.tensor(0.1), momentum=0.9)
    opt_t = torch.optim.SGD(theirs, lr=torch.tensor(0.1), momentum=0.9)
    for _ in range(3):
        for ps, mod in ((ours, ember), (theirs, torch)):
            for p in ps:
                p.grad = mod.tensor(np.cos(p.detach().numpy()))
        opt_e.step()
        opt_t.step()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=1e-6)
