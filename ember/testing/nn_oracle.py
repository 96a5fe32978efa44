"""The PyTorch oracle for modules: same weights, same inputs, compare everything.

``check_module(ember_module, torch_module, *inputs)`` casts both modules to float64, copies the
torch module's state_dict into the ember module, runs both on the same inputs (NumPy arrays:
floating ones become float64 tensors that require grad, integer ones int64 tensors; anything
else is passed unchanged; NumPy arrays among ``kwargs``, such as masks, become tensors that do
not require grad), and compares outputs, input gradients, parameter gradients (by name)
and buffers after the call (running statistics).
"""

import numpy as np

import ember
from ember._dtype import is_floating_np
from ember.testing.comparison import assert_close

__all__ = ["check_module", "torch_state_to_ember", "to_torch", "to_ember"]


def to_ember(t):
    """An ember tensor holding a copy of torch tensor ``t``."""
    return ember.tensor(t.detach().cpu().numpy().copy())


def to_torch(t):
    """A torch tensor holding a copy of ember tensor ``t``."""
    import torch

    return torch.tensor(t.detach().numpy().copy())


def torch_state_to_ember(state_dict):
    """A torch state_dict as an OrderedDict of ember tensors under the same keys."""
    from collections import OrderedDict

    return OrderedDict((k, to_ember(v)) for k, v in state_dict.items())


def _make_inputs(T, inputs):
    out, grads = [], []
    for a in inputs:
        if isinstance(a, np.ndarray):
            if is_floating_np(a.dtype):
                t = T.tensor(a.astype(np.float64), requires_grad=True)
                grads.append(t)
            else:
                t = T.tensor(a.astype(np.int64) if a.dtype.kind in "iu" else a)
            out.append(t)
        else:
            out.append(a)
    return out, grads


def _make_kwargs(T, kwargs):
    return {
        k: T.tensor(v.astype(np.float64) if is_floating_np(v.dtype) else v)
        if isinstance(v, np.ndarray)
        else v
        for k, v in kwargs.items()
    }


def _flatten(out):
    if isinstance(out, (tuple, list)):
        return [x for o in out for x in _flatten(o)]
    return [out]


def _check_state_keys(ember_module, torch_module):
    e_state = ember_module.state_dict()
    t_state = torch_module.state_dict()
    assert list(e_state) == list(t_state), f"state_dict keys {list(e_state)} != {list(t_state)}"
    for k in t_state:
        e_shape, t_shape = tuple(e_state[k].shape), tuple(t_state[k].shape)
        assert e_shape == t_shape, f"state_dict[{k!r}] shape {e_shape} != torch's {t_shape}"


def check_module(
    ember_module,
    torch_module,
    *inputs,
    train=True,
    rtol=1e-7,
    atol=1e-9,
    grad=True,
    seed=0,
    kwargs=None,
):
    """Compare ``ember_module`` with ``torch_module`` on ``inputs``; returns both outputs."""
    import torch

    kwargs = kwargs or {}
    torch_module.double()
    ember_module.double()
    _check_state_keys(ember_module, torch_module)
    ember_module.load_state_dict(torch_state_to_ember(torch_module.state_dict()))
    torch_module.train(train)
    ember_module.train(train)
    e_in, e_grad_in = _make_inputs(ember, inputs)
    t_in, t_grad_in = _make_inputs(torch, inputs)
    e_out = _flatten(ember_module(*e_in, **_make_kwargs(ember, kwargs)))
    t_out = _flatten(torch_module(*t_in, **_make_kwargs(torch, kwargs)))
    assert len(e_out) == len(t_out), f"{len(e_out)} outputs, PyTorch gives {len(t_out)}"
    for i, (e, t) in enumerate(zip(e_out, t_out)):
        if isinstance(t, torch.Tensor):
            assert isinstance(e, ember.Tensor), f"output {i}: expected a Tensor, got {type(e)}"
            assert tuple(e.shape) == tuple(t.shape), f"output {i}: shape {e.shape} != {t.shape}"
            assert_close(e, t, rtol=rtol, atol=atol, equal_nan=True)
        else:
            assert e == t, f"output {i}: {e!r} != torch's {t!r}"
    for (name, e_buf), (t_name, t_buf) in zip(
        ember_module.named_buffers(), torch_module.named_buffers()
    ):
        assert name == t_name, f"buffer {name} != torch's {t_name}"
        assert_close(e_buf, t_buf, rtol=rtol, atol=atol, equal_nan=True, msg=f"buffer {name}")
    if not grad:
        return e_out, t_out
    diff = [
        (e, t)
        for e, t in zip(e_out, t_out)
        if isinstance(t, torch.Tensor) and t.requires_grad and t.is_floating_point()
    ]
    if not diff:
        return e_out, t_out
    rng = np.random.default_rng(seed)
    cots = [rng.standard_normal(tuple(t.shape)) for _, t in diff]
    e_loss = sum((e * ember.tensor(w)).sum() for (e, _), w in zip(diff, cots))
    t_loss = sum((t * torch.tensor(w)).sum() for (_, t), w in zip(diff, cots))
    e_loss.backward()
    t_loss.backward()
    for i, (e, t) in enumerate(zip(e_grad_in, t_grad_in)):
        if t.grad is None:
            assert e.grad is None or not np.any(e.grad._data), f"input {i}: PyTorch has no grad"
            continue
        assert e.grad is not None, f"input {i}: ember has no grad, PyTorch has one"
        assert_close(e.grad, t.grad, rtol=rtol, atol=atol, msg=None)
    t_params = dict(torch_module.named_parameters())
    for name, p in ember_module.named_parameters():
        tp = t_params[name]
        if tp.grad is None:
            assert p.grad is None or not np.any(p.grad._data), f"param {name}: torch has no grad"
            continue
        assert p.grad is not None, f"param {name}: ember has no grad, PyTorch has one"
        assert_close(p.grad, tp.grad, rtol=rtol, atol=atol)
    return e_out, t_out
