"""Whole-module checkpoints: ember.save(model) / ember.load(weights_only=False), the safe
default refusing them, and state_dicts crossing between ember and PyTorch files."""

import pickle
import warnings

import numpy as np
import pytest
import torch

import ember
from ember.testing.comparison import assert_close
from ember.testing.nn_oracle import torch_state_to_ember

RNG = np.random.default_rng(5)


def _scale_class(T, name):
    class Scale(T.nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("scale", T.full((4,), 2.0))
            self.register_buffer("calls", T.zeros((), dtype=T.int64), persistent=False)
            self.alpha = 0.5

        def forward(self, x):
            return x * self.scale * self.alpha

    # Importable under its module-level name, so that pickle finds it.
    Scale.__name__ = Scale.__qualname__ = name
    return Scale


_EmberScale = _scale_class(ember, "_EmberScale")
_TorchScale = _scale_class(torch, "_TorchScale")


def _build(T):
    """A model with nested containers, buffers and a submodule in eval mode."""
    Scale = _EmberScale if T is ember else _TorchScale
    T.manual_seed(0)
    return T.nn.Sequential(
        T.nn.Linear(3, 4),
        T.nn.ModuleList([Scale(), T.nn.Tanh()]),
        T.nn.ModuleDict({"head": T.nn.Linear(4, 2), "drop": T.nn.Dropout(0.5).eval()}),
    )


def _forward(T, model, x):
    h = model[0](x)
    for layer in model[1]:
        h = layer(h)
    return model[2]["drop"](model[2]["head"](h))


class _Net(ember.nn.Module):
    """A module-level class, so that pickle can find it by name."""

    def __init__(self):
        super().__init__()
        self.body = _build(ember)
        self.register_buffer("steps", ember.tensor(3))

    def forward(self, x):
        return _forward(ember, self.body, x)


def _same_module(a, b):
    assert type(a) is type(b)
    assert repr(a) == repr(b)
    assert [(n, m.training) for n, m in a.named_modules()] == [
        (n, m.training) for n, m in b.named_modules()
    ]
    for (na, pa), (nb, pb) in zip(a.named_parameters(), b.named_parameters(), strict=True):
        assert na == nb and type(pa) is type(pb) and pa.requires_grad == pb.requires_grad
        assert_close(pa, pb, rtol=0, atol=0)
    for (na, ba), (nb, bb) in zip(a.named_buffers(), b.named_buffers(), strict=True):
        assert na == nb
        assert_close(ba, bb, rtol=0, atol=0)
    assert a._non_persistent_buffers_set == b._non_persistent_buffers_set


def test_whole_model_round_trip_keeps_everything(tmp_path):
    model = _Net()
    model.body[0].eval()
    path = tmp_path / "net.pth"
    ember.save(model, path)
    loaded = ember.load(path, weights_only=False)
    _same_module(model, loaded)
    assert loaded.body[1][0].alpha == 0.5
    x = ember.tensor(RNG.standard_normal((2, 3)).astype(np.float32))
    assert_close(loaded(x), model(x), rtol=0, atol=0)
    # The loaded model trains: its parameters are leaves that receive gradients.
    loaded(x).sum().backward()
    assert all(p.grad is not None for p in loaded.parameters())
    assert loaded.body[0].weight is not model.body[0].weight


def test_shared_parameter_stays_shared_after_load(tmp_path):
    model = ember.nn.Sequential(ember.nn.Linear(2, 2), ember.nn.Linear(2, 2))
    model[1].weight = model[0].weight
    path = tmp_path / "tied.pth"
    ember.save(model, path)
    loaded = ember.load(path, weights_only=False)
    assert loaded[1].weight is loaded[0].weight
    assert len(list(loaded.parameters())) == 3


def test_hook_weight_norm_model_round_trip(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        model = ember.nn.utils.weight_norm(ember.nn.Linear(3, 2))
    path = tmp_path / "wn.pth"
    ember.save(model, path)
    loaded = ember.load(path, weights_only=False)
    assert list(loaded.state_dict()) == ["bias", "weight_g", "weight_v"]
    x = ember.tensor(RNG.standard_normal((2, 3)).astype(np.float32))
    assert_close(loaded(x), model(x), rtol=0, atol=0)


def test_parametrized_model_refused_as_torch_does(tmp_path):
    e = ember.nn.utils.parametrizations.weight_norm(ember.nn.Linear(3, 2))
    t = torch.nn.utils.parametrizations.weight_norm(torch.nn.Linear(3, 2))
    with pytest.raises(RuntimeError) as te:
        torch.save(t, tmp_path / "t.pth")
    with pytest.raises(RuntimeError) as ee:
        ember.save(e, tmp_path / "e.pth")
    assert str(ee.value) == str(te.value)
    assert not (tmp_path / "e.pth").exists()


def test_weights_only_load_refuses_whole_module(tmp_path):
    ember.save(_Net(), tmp_path / "e.pth")
    torch.save(torch.nn.Linear(2, 2), tmp_path / "t.pth")
    with pytest.raises(pickle.UnpicklingError) as te:
        torch.load(tmp_path / "t.pth")
    with pytest.raises(type(te.value), match="_Net"):
        ember.load(tmp_path / "e.pth")
    # A PyTorch module file needs torch's classes: ember refuses it the same way.
    with pytest.raises(pickle.UnpicklingError, match="torch.nn.modules.linear.Linear"):
        ember.load(tmp_path / "t.pth")


def test_model_state_dict_crosses_between_ember_and_torch_files(tmp_path):
    e, t = _build(ember).double(), _build(torch).double()
    x = RNG.standard_normal((2, 3))
    ember.save(e.state_dict(), tmp_path / "e.pth")
    t.load_state_dict(torch.load(tmp_path / "e.pth"))
    assert_close(_forward(ember, e, ember.tensor(x)), _forward(torch, t, torch.tensor(x)))
    with torch.no_grad():
        for p in t.parameters():
            p.mul_(-1.5)
    torch.save(t.state_dict(), tmp_path / "t.pth")
    state = ember.load(tmp_path / "t.pth")
    assert list(state) == list(e.state_dict())
    e.load_state_dict(state)
    assert_close(_forward(ember, e, ember.tensor(x)), _forward(torch, t, torch.tensor(x)))
    # A parametrized layer's state_dict crosses too.
    pe = ember.nn.utils.parametrizations.spectral_norm(ember.nn.Linear(3, 2))
    pt = torch.nn.utils.parametrizations.spectral_norm(torch.nn.Linear(3, 2)).eval()
    ember.save(pe.state_dict(), tmp_path / "p.pth")
    pt.load_state_dict(torch.load(tmp_path / "p.pth"))
    pe.load_state_dict(torch_state_to_ember(pt.state_dict()))
    assert_close(pe.eval().weight, pt.weight)
