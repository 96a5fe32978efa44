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


# ---- LBFGS ----------------------------------------------------------------------------------

LBFGS_CASES = [
    # Few iterations: L-BFGS on Rosenbrock amplifies last-bit rounding differences chaotically.
    {"max_iter": 4},
    {"lr": 0.5, "max_iter": 6, "history_size": 3},
    {"line_search_fn": "strong_wolfe", "max_iter": 5},
    {"line_search_fn": "strong_wolfe", "history_size": 2, "max_iter": 8, "max_eval": 9},
    {"tolerance_grad": 1e-3, "tolerance_change": 1e-2, "max_iter": 50},
]


def _rosenbrock_run(T, kwargs, steps=2):
    # Two parameters, so the flat gradient spans several tensors.
    x = T.tensor([-1.5], dtype=T.float64, requires_grad=True)
    y = T.tensor([2.0], dtype=T.float64, requires_grad=True)
    opt = T.optim.LBFGS([x, y], **kwargs)

    def closure():
        opt.zero_grad()
        loss = ((1 - x) ** 2 + 100 * (y - x**2) ** 2).sum()
        loss.backward()
        return loss

    losses = [opt.step(closure).item() for _ in range(steps)]
    return [x.detach().numpy().copy(), y.detach().numpy().copy()], losses, opt


@pytest.mark.parametrize("kwargs", LBFGS_CASES, ids=[_id(("LBFGS", kw)) for kw in LBFGS_CASES])
def test_lbfgs_rosenbrock_matches_torch(kwargs):
    ours, losses_e, opt_e = _rosenbrock_run(ember, kwargs)
    theirs, losses_t, opt_t = _rosenbrock_run(torch, kwargs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(losses_e, losses_t, rtol=1e-9, atol=1e-12)
    state_e, state_t = opt_e.state_dict()["state"][0], opt_t.state_dict()["state"][0]
    assert state_e["func_evals"] == state_t["func_evals"]
    assert state_e["n_iter"] == state_t["n_iter"]
    assert len(state_e["old_dirs"]) == len(state_t["old_dirs"])


def test_lbfgs_converges_on_rosenbrock():
    (x, y), _, _ = _rosenbrock_run(ember, {"line_search_fn": "strong_wolfe"}, steps=5)
    np.testing.assert_allclose([x[0], y[0]], [1.0, 1.0], atol=1e-4)


def test_lbfgs_errors():
    x = ember.tensor([1.0], requires_grad=True)
    y = ember.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"LBFGS doesn't support per-parameter options"):
        ember.optim.LBFGS([{"params": [x]}, {"params": [y]}])
    opt = ember.optim.LBFGS([x], line_search_fn="armijo")

    def closure():
        opt.zero_grad()
        loss = (x * x).sum()
        loss.backward()
        return loss

    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        opt.step(closure)


# ---- errors ---------------------------------------------------------------------------------


def _both_raise(build, exc):
    """``build(T)`` raises the same exception type and message under ember and PyTorch."""
    messages = []
    for T in (ember, torch):
        with pytest.raises(exc) as info:
            build(T)
        messages.append(str(info.value).replace("torch.", "ember."))
    assert messages[0] == messages[1]


def _leaf(T):
    return T.tensor([1.0, 2.0], requires_grad=True)


ERRORS = [
    (lambda T: T.optim.SGD([_leaf(T)], lr=-0.1), ValueError),
    (lambda T: T.optim.SGD([]), ValueError),
    (lambda T: T.optim.SGD([_leaf(T) * 2]), ValueError),
    (lambda T: T.optim.SGD(_leaf(T)), TypeError),
    (lambda T: T.optim.SGD([1.0]), TypeError),
    (lambda T: T.optim.SGD([_leaf(T)], nesterov=True), ValueError),
    (lambda T: T.optim.SGD([_leaf(T)], momentum=0.9, dampening=0.1, nesterov=True), ValueError),
    (lambda T: T.optim.SGD([_leaf(T)], momentum=-1), ValueError),
    (lambda T: T.optim.SGD([_leaf(T)], weight_decay=-1), ValueError),
    (lambda T: T.optim.Adam([_leaf(T)], betas=(1.0, 0.9)), ValueError),
    (lambda T: T.optim.Adam([_leaf(T)], betas=(0.9, -0.1)), ValueError),
    (lambda T: T.optim.Adam([_leaf(T)], betas=(0, 0.9)), ValueError),
    (lambda T: T.optim.Adam([_leaf(T)], eps=-1e-8), ValueError),
    (lambda T: T.optim.AdamW([_leaf(T)], weight_decay=-0.1), ValueError),
    (lambda T: T.optim.NAdam([_leaf(T)], momentum_decay=-1), ValueError),
    (lambda T: T.optim.RMSprop([_leaf(T)], alpha=-1), ValueError),
    (lambda T: T.optim.Adagrad([_leaf(T)], lr_decay=-1), ValueError),
    (lambda T: T.optim.Adagrad([_leaf(T)], initial_accumulator_value=-1), ValueError),
    (lambda T: T.optim.Adadelta([_leaf(T)], rho=1.5), ValueError),
    (lambda T: T.optim.SGD([_leaf(T)], lr=T.tensor([0.1, 0.2])), ValueError),
    (lambda T: T.optim.SGD([{"params": [_leaf(T)]}, {"params": {_leaf(T)}}]), TypeError),
    (lambda T: T.optim.SGD([{"params": [_leaf(T)]}, 3]), TypeError),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_constructor_errors_match_torch(case):
    build, exc = ERRORS[case]
    _both_raise(build, exc)


def test_parameter_in_two_groups_raises():
    for T in (ember, torch):
        p = _leaf(T)
        with pytest.raises(ValueError, match="some parameters appear in more than one parameter"):
            T.optim.Adam([{"params": [p]}, {"params": [p], "lr": 0.1}])


def test_duplicate_parameter_in_a_group_warns():
    p = _leaf(ember)
    with pytest.warns(UserWarning, match="duplicate parameters; in future, this will cause"):
        ember.optim.SGD([p, p], lr=0.1)


def test_named_parameters_are_accepted():
    a, b = _leaf(ember), _leaf(ember)
    opt = ember.optim.SGD([("a", a), ("b", b)], lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["a", "b"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["a", "b"]
    with pytest.raises(ValueError, match="all optimizer param groups should be with/without"):
        opt.add_param_group({"params": [_leaf(ember)]})


# ---- hooks, subclasses, copies --------------------------------------------------------------


def test_step_pre_hook_can_replace_args_and_global_hooks_run():
    from ember.optim.optimizer import register_optimizer_step_post_hook

    p = _leaf(ember)
    opt = ember.optim.SGD([p], lr=0.1)
    seen = []
    opt.register_step_pre_hook(lambda o, args, kwargs: ((), {"closure": lambda: 7.0}))
    handle = register_optimizer_step_post_hook(lambda o, args, kwargs: seen.append(kwargs))
    try:
        assert opt.step() == 7.0
    finally:
        handle.remove()
    opt.step(lambda: 1.0)
    assert len(seen) == 1 and "closure" in seen[0]


def test_subclass_calling_super_step_runs_hooks_once():
    class Clipped(ember.optim.SGD):
        def step(self, closure=None):
            for group in self.param_groups:
                for p in group["params"]:
                    p.grad = p.grad.clamp(-1.0, 1.0)
            return super().step(closure)

    p = _leaf(ember)
    opt = Clipped([p], lr=0.1)
    calls = []
    opt.register_step_post_hook(lambda o, args, kwargs: calls.append(1))
    p.grad = ember.tensor([5.0, -0.5])
    opt.step()
    assert calls == [1]
    np.testing.assert_allclose(p.detach().numpy(), [0.9, 2.05])


def test_state_dict_hooks():
    p = _leaf(ember)
    opt = ember.optim.SGD([p], lr=0.1)
    order = []
    opt.register_state_dict_pre_hook(lambda o: order.append("pre"))
    opt.register_state_dict_post_hook(lambda o, sd: dict(sd, extra=1))
    opt.register_load_state_dict_pre_hook(
        lambda o, sd: {k: v for k, v in sd.items() if k != "extra"}
    )
    opt.register_load_state_dict_post_hook(lambda o: order.append("loaded"))
    sd = opt.state_dict()
    assert sd["extra"] == 1
    opt.load_state_dict(sd)
    assert order == ["pre", "loaded"]


def test_optimizer_deepcopy_and_pickle():
    import copy
    import pickle

    p = _leaf(ember)
    opt = ember.optim.Adam([p], lr=0.1)
    p.grad = ember.tensor([1.0, -1.0])
    opt.step()
    for clone in (copy.deepcopy(opt), pickle.loads(pickle.dumps(opt))):
        (q,) = clone.param_groups[0]["params"]
        assert q is not p
        np.testing.assert_allclose(clone.state[q]["exp_avg"].numpy(), [0.1, -0.1], rtol=1e-6)
        q.grad = ember.tensor([1.0, -1.0])
        clone.step()
        assert clone.state[q]["step"].item() == 2.0


def test_step_state_dtype_follows_default_dtype():
    previous = ember.get_default_dtype()
    ember.set_default_dtype(ember.float64)
    try:
        p = _leaf(ember)
        opt = ember.optim.Adam([p])
        p.grad = ember.zeros_like(p)
        opt.step()
        assert opt.state[p]["step"].dtype == ember.float64
    finally:
        ember.set_default_dtype(previous)


def test_functional_update_without_optimizer():
    from torch.optim.adam import adam as torch_adam

    from ember.optim.adam import adam

    p = ember.tensor([1.0, 2.0], dtype=ember.float64, requires_grad=True)
    t = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    g = np.array([0.3, -0.2])
    states_e = [ember.zeros_like(p), ember.zeros_like(p), ember.tensor(0.0)]
    states_t = [torch.zeros_like(t), torch.zeros_like(t), torch.tensor(0.0)]
    options = dict(amsgrad=False, beta1=0.9, beta2=0.99, lr=0.1, weight_decay=0.0, eps=1e-8)
    for _ in range(3):
        adam(
            [p],
            [ember.tensor(g)],
            [states_e[0]],
            [states_e[1]],
            [],
            [states_e[2]],
            maximize=False,
            **options,
        )
        with torch.no_grad():  # PyTorch's functional form expects the optimizer's no_grad
            torch_adam(
                [t],
                [torch.tensor(g)],
                [states_t[0]],
                [states_t[1]],
                [],
                [states_t[2]],
                maximize=False,
                **options,
            )
    np.testing.assert_allclose(p.detach().numpy(), t.detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", sorted(CASES))
def test_step_allocates_no_parameter_sized_temporaries(name):
    # After the first steps (state and scratch buffers), a step allocates nothing of the
    # parameter's size: every update writes into existing arrays (Note [in-place updates]).
    import tracemalloc

    rng = np.random.default_rng(0)
    p = ember.tensor(rng.standard_normal(20000), requires_grad=True)  # 160 kB
    opt = getattr(ember.optim, name)([p], **CASES[name][-1])
    p.grad = ember.tensor(rng.standard_normal(20000))
    opt.step()
    opt.step()
    tracemalloc.start()
    try:
        opt.step()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40_000, f"{name} step allocated {peak} bytes"
