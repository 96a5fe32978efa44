"""Containers: Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict (vs torch)."""

from collections import OrderedDict

import numpy as np
import pytest
import torch

import ember
from ember.testing.comparison import assert_close


def _acts(T):
    nn = T.nn
    return [nn.ReLU(), nn.Tanh(), nn.Sigmoid(), nn.ELU(), nn.LogSigmoid()]


def _both(fn):
    """``fn(T)`` under ember and torch; the reprs must agree."""
    e, t = fn(ember), fn(torch)
    assert repr(e) == repr(t).replace("torch.", "ember.")
    return e, t


def _same_error(fn):
    messages = []
    for T in (ember, torch):
        with pytest.raises(Exception) as info:
            fn(T)
        messages.append((type(info.value), str(info.value).replace("torch", "ember")))
    assert messages[0] == messages[1]


def test_sequential_indexing_slicing_and_repr():
    _both(lambda T: T.nn.Sequential(*_acts(T)))
    _both(lambda T: T.nn.Sequential(*_acts(T))[1:4])
    _both(lambda T: T.nn.Sequential(*_acts(T))[::-2])
    _both(lambda T: T.nn.Sequential(*_acts(T))[-1])
    _both(lambda T: T.nn.Sequential(OrderedDict(act=T.nn.ReLU(), out=T.nn.Tanh())))
    _both(lambda T: T.nn.Sequential())
    assert isinstance(ember.nn.Sequential(*_acts(ember))[1:], ember.nn.Sequential)


def test_sequential_mutation_matches_torch():
    def mutate(T):
        s = T.nn.Sequential(*_acts(T))
        del s[1]
        s.append(T.nn.Softsign())
        s.insert(0, T.nn.SiLU())
        s.insert(-1, T.nn.Mish())
        s.pop(2)
        s.extend(T.nn.Sequential(T.nn.ReLU6()))
        s[0] = T.nn.Hardswish()
        del s[1:3]
        return s

    e, _ = _both(mutate)
    assert len(e) == len(mutate(torch))
    _both(lambda T: T.nn.Sequential(T.nn.ReLU()) + T.nn.Sequential(T.nn.Tanh()))
    _both(lambda T: T.nn.Sequential(T.nn.ReLU(), T.nn.Tanh()) * 2)
    _same_error(lambda T: T.nn.Sequential(T.nn.ReLU())[3])
    _same_error(lambda T: T.nn.Sequential(T.nn.ReLU()) + 1)


def test_sequential_forward_chains_modules():
    x = np.linspace(-2, 2, 7)
    e = ember.nn.Sequential(*_acts(ember))(ember.tensor(x))
    t = torch.nn.Sequential(*_acts(torch))(torch.tensor(x))
    assert_close(e, t)
    assert [type(m).__name__ for m in ember.nn.Sequential(*_acts(ember))] == [
        "ReLU",
        "Tanh",
        "Sigmoid",
        "ELU",
        "LogSigmoid",
    ]


def test_modulelist_repr_collapses_repeats():
    _both(lambda T: T.nn.ModuleList([T.nn.ReLU(), T.nn.ReLU(), T.nn.ReLU(), T.nn.Tanh()]))
    _both(lambda T: T.nn.ModuleList([T.nn.ReLU(), T.nn.Tanh(), T.nn.Tanh()]))
    _both(lambda T: T.nn.ModuleList())
    _both(lambda T: T.nn.ModuleList([T.nn.Sequential(T.nn.ReLU(), T.nn.Tanh())] * 2))


def test_modulelist_mutation_matches_torch():
    def mutate(T):
        ml = T.nn.ModuleList(_acts(T))
        ml.append(T.nn.Softsign())
        ml.insert(1, T.nn.SiLU())
        ml.pop(0)
        del ml[-1]
        ml[0] = T.nn.Hardtanh()
        ml += [T.nn.ReLU6()]
        ml.extend([T.nn.Mish()])
        return ml

    _both(mutate)
    _both(lambda T: T.nn.ModuleList(_acts(T))[1:3])
    _both(lambda T: T.nn.ModuleList(_acts(T)) + T.nn.ModuleList([T.nn.ReLU()]))
    _same_error(lambda T: T.nn.ModuleList(_acts(T))[9])
    _same_error(lambda T: T.nn.ModuleList(3))


def test_moduledict_behaves_like_torch():
    def build(T):
        d = T.nn.ModuleDict({"b": T.nn.ReLU(), "a": T.nn.Tanh()})
        d["c"] = T.nn.Sigmoid()
        d.update([("d", T.nn.ELU())])
        d.pop("b")
        return d

    e, t = _both(build)
    assert list(e.keys()) == list(t.keys())
    assert "a" in e and "b" not in e
    assert len(e) == len(t)
    assert [type(v).__name__ for v in e.values()] == [type(v).__name__ for v in t.values()]
    e.clear()
    assert len(e) == 0
    _same_error(lambda T: T.nn.ModuleDict([("a", T.nn.ReLU(), 3)]))


def test_parameterlist_registers_and_wraps_tensors():
    def build(T):
        pl = T.nn.ParameterList([T.nn.Parameter(T.ones(2)), T.zeros(2, 3, dtype=T.float64)])
        pl.append(T.ones(1))
        pl.extend([3])
        return pl

    e, t = _both(build)
    assert isinstance(e[1], ember.nn.Parameter) and e[1].requires_grad
    assert list(e.state_dict()) == list(t.state_dict())
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert len(e) == 4 and e[-1] == 3
    assert len(e[1:3]) == 2
    with pytest.raises(RuntimeError, match="ParameterList should not be called"):
        e()


def test_parameterdict_registers_and_wraps_tensors():
    def build(T):
        pd = T.nn.ParameterDict({"w": T.ones(2), "b": T.nn.Parameter(T.zeros(3))})
        pd["s"] = T.tensor(1.5)
        pd.update(OrderedDict(z=T.ones(1, 1)))
        return pd

    e, t = _both(build)
    assert list(e.keys()) == list(t.keys())
    assert list(e.state_dict()) == list(t.state_dict())
    assert isinstance(e["w"], ember.nn.Parameter)
    assert e.get("nope") is None
    assert e.pop("s").item() == 1.5
    assert "s" not in e
    assert len(e.copy()) == 3
