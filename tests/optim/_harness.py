"""Run an ember optimizer and PyTorch's side by side from identical parameters and gradients."""

import numpy as np
import torch

import ember

SHAPES = [(3, 4), (5,), ()]


def to_numpy(x):
    if isinstance(x, torch.Tensor):
        return x.detach().numpy()
    if isinstance(x, ember.Tensor):
        return x.detach().numpy()
    return x


def make_params(dtype="float64", seed=0):
    """The same leaf tensors in both frameworks."""
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    ours = [ember.tensor(a.copy(), requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    return ours, theirs


def quadratic_grads(arrays, step, seed=1):
    """Gradient of an ill-conditioned quadratic around fixed targets, plus fixed noise."""
    rng = np.random.default_rng(seed + 100 * step)
    grads = []
    for k, a in enumerate(arrays):
        scale = 0.5 + 2.0 * k
        grads.append(scale * (a - 0.3) + 0.1 * rng.standard_normal(a.shape).astype(a.dtype))
    return grads


def set_grads(params, grads, module, skip=None):
    for i, (p, g) in enumerate(zip(params, grads)):
        p.grad = None if i == skip else module.tensor(np.asarray(g, dtype=g.dtype).copy())


def assert_state_close(ours, theirs, rtol, atol, check_dtype=True):
    """Per-parameter state entries: same keys, same values, same dtypes."""
    assert sorted(ours.keys()) == sorted(theirs.keys())
    for index in theirs:
        a, b = ours[index], theirs[index]
        assert sorted(a.keys()) == sorted(b.keys()), (index, a.keys(), b.keys())
        for key in b:
            x, y = a[key], b[key]
            if isinstance(y, (torch.Tensor, ember.Tensor)):
                assert isinstance(x, ember.Tensor), key
                if check_dtype:
                    assert str(x.dtype).split(".")[-1] == str(y.dtype).split(".")[-1], key
                np.testing.assert_allclose(to_numpy(x), to_numpy(y), rtol=rtol, atol=atol)
            else:
                assert x == y, key


def run_both(name, kwargs, steps=6, dtype="float64", skip_at=2):
    """Step both optimizers ``steps`` times; return (ember opt, torch opt, ours, theirs)."""
    ours, theirs = make_params(dtype)
    opt_e = getattr(ember.optim, name)(ours, **kwargs)
    opt_t = getattr(torch.optim, name)(theirs, **kwargs)
    for step in range(steps):
        skip = 2 if step == skip_at else None  # a parameter without grad is left alone
        set_grads(ours, quadratic_grads([p.detach().numpy() for p in ours], step), ember, skip)
        set_grads(theirs, quadratic_grads([p.detach().numpy() for p in theirs], step), torch, skip)
        opt_e.step()
        opt_t.step()
    return opt_e, opt_t, ours, theirs
