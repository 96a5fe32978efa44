"""Every nn class lives at PyTorch's module path (``torch`` -> ``ember``), since pickles of whole
models record ``cls.__module__``; models PyTorch pickled whole load in ember."""

import importlib
import inspect
import io
import pkgutil

import numpy as np
import pytest
import torch

import ember
from ember import serialization


def _torch_module_classes():
    """(torch submodule name, class name) for each class defined in torch.nn.modules.*."""
    found = []
    for info in pkgutil.iter_modules(torch.nn.modules.__path__):
        module = importlib.import_module(f"torch.nn.modules.{info.name}")
        for name, value in vars(module).items():
            if inspect.isclass(value) and value.__module__ == module.__name__:
                found.append((module.__name__, name))
    return found


def _ember_classes_by_name():
    found = {}
    for info in pkgutil.iter_modules(ember.nn.modules.__path__):
        module = importlib.import_module(f"ember.nn.modules.{info.name}")
        for name, value in vars(module).items():
            if inspect.isclass(value) and value.__module__.startswith("ember.nn"):
                found.setdefault(name, value)
    return found


def test_every_ember_nn_class_is_at_torch_module_path():
    ours = _ember_classes_by_name()
    wrong = []
    for torch_module, name in _torch_module_classes():
        if name not in ours:
            continue  # a class ember does not provide yet
        path = "ember" + torch_module[len("torch") :]
        cls = getattr(importlib.import_module(path), name, None)
        if cls is None or cls.__module__ != path or cls.__qualname__ != name:
            wrong.append(f"{name}: torch {torch_module}, ember {ours[name].__module__}")
    assert wrong == []


def test_public_nn_classes_match_torch_module_and_qualname():
    checked = 0
    for name in dir(ember.nn):
        cls, theirs = getattr(ember.nn, name), getattr(torch.nn, name, None)
        if not (inspect.isclass(cls) and inspect.isclass(theirs)):
            continue
        if not issubclass(theirs, torch.nn.Module):
            continue
        assert cls.__module__ == "ember" + theirs.__module__[len("torch") :], name
        assert cls.__qualname__ == theirs.__qualname__, name
        checked += 1
    assert checked > 100


def _torch_pickled(model):
    buf = io.BytesIO()
    torch.save(model, buf)
    return buf.getvalue()


def test_torch_pickled_transformer_model_loads_whole():
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0)
    model = torch.nn.Sequential(layer, torch.nn.Linear(8, 3)).eval()
    loaded = ember.load(io.BytesIO(_torch_pickled(model)), weights_only=False)
    assert type(loaded[0].self_attn) is ember.nn.MultiheadAttention
    assert type(loaded[0].self_attn.out_proj).__name__ == "NonDynamicallyQuantizableLinear"
    x = torch.randn(5, 2, 8)
    with torch.no_grad():
        expected = model(x)
    actual = loaded(ember.tensor(x.numpy()))
    np.testing.assert_allclose(actual.detach().numpy(), expected.numpy(), rtol=1.3e-6, atol=1e-5)


def test_torch_pickled_transformer_decoder_loads_whole():
    torch.manual_seed(0)
    model = torch.nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0).eval()
    loaded = ember.load(io.BytesIO(_torch_pickled(model)), weights_only=False)
    tgt, memory = torch.randn(4, 2, 8), torch.randn(5, 2, 8)
    with torch.no_grad():
        expected = model(tgt, memory)
    actual = loaded(ember.tensor(tgt.numpy()), ember.tensor(memory.numpy()))
    np.testing.assert_allclose(actual.detach().numpy(), expected.numpy(), rtol=1.3e-6, atol=1e-5)


@pytest.fixture
def _empty_allowlists():
    serialization.clear_safe_globals()
    torch.serialization.clear_safe_globals()
    yield
    serialization.clear_safe_globals()
    torch.serialization.clear_safe_globals()


@pytest.mark.usefixtures("_empty_allowlists")
def test_safe_globals_naming_attention_classes_admit_torch_pickle():
    torch.manual_seed(0)
    data = _torch_pickled(torch.nn.MultiheadAttention(8, 2))
    theirs = [torch.nn.MultiheadAttention, torch.nn.modules.linear.NonDynamicallyQuantizableLinear]
    ours = [ember.nn.MultiheadAttention, ember.nn.modules.linear.NonDynamicallyQuantizableLinear]
    with torch.serialization.safe_globals(theirs):
        expected = torch.load(io.BytesIO(data), weights_only=True)
    with serialization.safe_globals(ours):
        loaded = ember.load(io.BytesIO(data), weights_only=True)
    for name in ("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"):
        np.testing.assert_array_equal(
            loaded.get_parameter(name).detach().numpy(),
            expected.get_parameter(name).detach().numpy(),
        )
