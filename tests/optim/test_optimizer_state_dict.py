"""Optimizer state_dict: PyTorch's layout, loadable into PyTorch's optimizers and back."""

import numpy as np
import pytest
import torch

import ember
from tests.optim._harness import (
    assert_state_close,
    make_params,
    quadratic_grads,
    set_grads,
    to_numpy,
)

CONFIGS = {
    "SGD": {"lr": 0.1, "momentum": 0.9, "nesterov": True},
    "Adam": {"lr": 0.05, "amsgrad": True},
    "AdamW": {"lr": 0.05, "weight_decay": 0.1},
    "Adamax": {"lr": 0.05},
    "NAdam": {"lr": 0.05, "weight_decay": 0.1},
    "RAdam": {"lr": 0.05},
    "RMSprop": {"lr": 0.01, "momentum": 0.5, "centered": True},
    "Adagrad": {"lr": 0.1, "lr_decay": 0.01},
    "Adadelta": {"lr": 0.5},
}


def _convert(value, module):
    """A state_dict with every tensor converted to ``module``'s tensors (through NumPy)."""
    if isinstance(value, (ember.Tensor, torch.Tensor)):
        return module.tensor(to_numpy(value).copy())
    if isinstance(value, dict):
        return {k: _convert(v, module) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_convert(v, module) for v in value)
    return value


def _steps(opt, params, module, start, n):
    for step in range(start, start + n):
        grads = quadratic_grads([p.detach().numpy() for p in params], step)
        set_grads(params, grads, module)
        opt.step()


def _fresh(module, name, arrays):
    params = [module.tensor(a.copy(), requires_grad=True) for a in arrays]
    return getattr(module.optim, name)(params, **CONFIGS[name]), params


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_state_dict_round_trip_through_torch(name):
    # ember runs 3 steps; its state goes into PyTorch, which runs 3 more; PyTorch's state comes
    # back into ember, which runs 3 more. A reference ember optimizer runs all 9 on its own.
    ours, _ = make_params()
    ref_opt, ref = _fresh(ember, name, [p.detach().numpy() for p in ours])
    _steps(ref_opt, ref, ember, 0, 9)

    opt_e, params_e = _fresh(ember, name, [p.detach().numpy() for p in ours])
    _steps(opt_e, params_e, ember, 0, 3)
    opt_t, params_t = _fresh(torch, name, [p.detach().numpy() for p in params_e])
    opt_t.load_state_dict(_convert(opt_e.state_dict(), torch))
    _steps(opt_t, params_t, torch, 3, 3)
    opt_back, params_back = _fresh(ember, name, [p.detach().numpy() for p in params_t])
    opt_back.load_state_dict(_convert(opt_t.state_dict(), ember))
    _steps(opt_back, params_back, ember, 6, 3)

    # Loading casts every state tensor but ``step`` to the parameter's dtype (PyTorch's rule),
    # so NAdam's float32 ``mu_product`` becomes float64 and rounds differently afterwards.
    rtol = 1e-6 if name == "NAdam" else 1e-10
    for a, b in zip(params_back, ref):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=rtol, atol=1e-12)
    assert_state_close(
        opt_back.state_dict()["state"], ref_opt.state_dict()["state"], rtol, 1e-12, name != "NAdam"
    )


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_state_dict_layout_matches_torch(name):
    ours, theirs = make_params()
    opt_e = getattr(ember.optim, name)(ours, **CONFIGS[name])
    opt_t = getattr(torch.optim, name)(theirs, **CONFIGS[name])
    _steps(opt_e, ours, ember, 0, 2)
    _steps(opt_t, theirs, torch, 0, 2)
    sd_e, sd_t = opt_e.state_dict(), opt_t.state_dict()
    assert list(sd_e) == ["state", "param_groups"]
    assert sd_e["param_groups"] == sd_t["param_groups"]
    assert list(sd_e["state"]) == list(sd_t["state"])
    for index in sd_t["state"]:
        assert list(sd_e["state"][index]) == list(sd_t["state"][index])
    assert_state_close(sd_e["state"], sd_t["state"], 1e-10, 1e-12)


def test_load_state_dict_copies_and_casts_state():
    p = ember.tensor([1.0, 2.0], requires_grad=True)
    opt = ember.optim.SGD([p], lr=0.1, momentum=0.9)
    state = {
        "state": {0: {"momentum_buffer": ember.tensor([1.0, 1.0], dtype=ember.float64)}},
        "param_groups": [dict(opt.state_dict()["param_groups"][0], lr=0.5)],
    }
    opt.load_state_dict(state)
    buf = opt.state[p]["momentum_buffer"]
    assert buf.dtype == ember.float32
    assert opt.param_groups[0]["lr"] == 0.5
    assert opt.param_groups[0]["params"] == [p]
    assert state["param_groups"][0]["params"] == [0]


def test_load_state_dict_mismatch_errors():
    a = ember.tensor([1.0], requires_grad=True)
    b = ember.tensor([1.0], requires_grad=True)
    two = ember.optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1)
    one = ember.optim.SGD([a, b], lr=0.1)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        one.load_state_dict(two.state_dict())
    single = ember.optim.SGD([a], lr=0.1)
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        one.load_state_dict(single.state_dict())


def test_shared_parameter_listed_once_in_state_dict():
    p = ember.tensor([1.0], requires_grad=True)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        opt_e = ember.optim.SGD([p, p], lr=0.1)
    t = torch.tensor([1.0], requires_grad=True)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        opt_t = torch.optim.SGD([t, t], lr=0.1)
    assert opt_e.state_dict()["param_groups"] == opt_t.state_dict()["param_groups"]


def test_lbfgs_state_dict_round_trip():
    def closure_for(x, T, opt):
        def closure():
            opt.zero_grad()
            loss = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
            loss.backward()
            return loss

        return closure

    start = np.array([-1.5, 2.0])
    x_e = ember.tensor(start.copy(), requires_grad=True)
    opt_e = ember.optim.LBFGS([x_e], max_iter=4, history_size=3)
    opt_e.step(closure_for(x_e, ember, opt_e))
    x_t = torch.tensor(x_e.detach().numpy().copy(), requires_grad=True)
    opt_t = torch.optim.LBFGS([x_t], max_iter=4, history_size=3)
    opt_t.load_state_dict(_convert(opt_e.state_dict(), torch))
    opt_e.step(closure_for(x_e, ember, opt_e))
    opt_t.step(closure_for(x_t, torch, opt_t))
    np.testing.assert_allclose(to_numpy(x_e), to_numpy(x_t), rtol=1e-9)


def test_state_dict_saves_as_a_pytorch_checkpoint(tmp_path):
    ours, theirs = make_params()
    opt_e = ember.optim.Adam(ours, lr=0.05)
    _steps(opt_e, ours, ember, 0, 2)
    path = tmp_path / "opt.pth"
    ember.save(opt_e.state_dict(), path)
    loaded = torch.load(path)
    opt_t = torch.optim.Adam(theirs, lr=0.05)
    opt_t.load_state_dict(loaded)
    assert_state_close(opt_e.state_dict()["state"], opt_t.state_dict()["state"], 0, 0)
    back = ember.load(path)
    assert_state_close(back["state"], opt_t.state_dict()["state"], 0, 0)
