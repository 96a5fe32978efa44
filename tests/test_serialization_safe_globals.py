"""weights_only loads: the user's allowlist (add_safe_globals and its companions, as
torch.serialization's), the refusal messages, and weights_only=False as a plain unpickler."""

import io
import os
import pickle
import zipfile

import pytest
import torch

import ember
from ember import serialization


class Point:
    """A user class, pickled by reference as ``tests.test_serialization_safe_globals.Point``."""

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __eq__(self, other):
        return type(other) is Point and (self.x, self.y) == (other.x, other.y)


class Runs:
    """Unpickling calls ``posix.getcwd`` (a blocked module for weights_only loads)."""

    def __reduce__(self):
        return (os.getcwd, ())


@pytest.fixture(autouse=True)
def _empty_allowlists():
    serialization.clear_safe_globals()
    torch.serialization.clear_safe_globals()
    yield
    serialization.clear_safe_globals()
    torch.serialization.clear_safe_globals()


def _saved(obj):
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def test_safe_globals_api_matches_torch():
    for api in (serialization, torch.serialization):
        assert api.get_safe_globals() == []
        api.add_safe_globals([Point])
        api.add_safe_globals([Point, (Runs, "x.Runs")])
        assert sorted(map(repr, api.get_safe_globals())) == sorted(
            map(repr, [Point, (Runs, "x.Runs")])
        )
        with api.safe_globals([os.getcwd]):
            assert os.getcwd in api.get_safe_globals()
        assert os.getcwd not in api.get_safe_globals()
        api.clear_safe_globals()
        assert api.get_safe_globals() == []
    assert ember.serialization.add_safe_globals is serialization.add_safe_globals


def test_refusal_names_global_and_suggests_add_safe_globals():
    data = _saved({"p": Point(1, 2)})
    with pytest.raises(pickle.UnpicklingError) as expected:
        torch.load(io.BytesIO(data))
    with pytest.raises(pickle.UnpicklingError) as actual:
        ember.load(io.BytesIO(data))
    name = f"{__name__}.Point"
    assert f"add_safe_globals([{name}])" in str(expected.value)
    assert f"GLOBAL {name} " in str(expected.value)
    assert f"global {name}:" in str(actual.value)
    assert f"ember.serialization.add_safe_globals([{name}])" in str(actual.value)
    assert f"ember.serialization.safe_globals([{name}])" in str(actual.value)


def test_add_safe_globals_admits_class_as_torch_does():
    data = _saved({"p": Point(1, 2)})
    torch.serialization.add_safe_globals([Point])
    serialization.add_safe_globals([Point])
    assert ember.load(io.BytesIO(data)) == torch.load(io.BytesIO(data)) == {"p": Point(1, 2)}


def test_safe_globals_context_admits_only_inside():
    data = _saved([Point(3, 4)])
    with serialization.safe_globals([Point]):
        assert ember.load(io.BytesIO(data)) == [Point(3, 4)]
    with pytest.raises(pickle.UnpicklingError, match="Point"):
        ember.load(io.BytesIO(data))


def test_safe_global_tuple_names_the_checkpoint_path():
    data = _saved({"p": Point(5, 6)})
    serialization.add_safe_globals([(Point, f"{__name__}.Point")])
    assert ember.load(io.BytesIO(data)) == {"p": Point(5, 6)}
    with pytest.raises(ValueError, match="tuple of length 2"):
        serialization.add_safe_globals([(Point, "a.b", "c")])
    with pytest.raises(TypeError, match="str of callable full path"):
        serialization.add_safe_globals([(Point, 3)])


def test_safe_global_ember_class_admits_torch_path():
    data = _saved(torch.nn.Linear(3, 2))
    with pytest.raises(pickle.UnpicklingError, match="ember.nn.modules.linear.Linear"):
        ember.load(io.BytesIO(data))
    serialization.add_safe_globals([ember.nn.Linear])
    linear = ember.load(io.BytesIO(data))
    assert type(linear) is ember.nn.Linear and linear.weight.shape == (2, 3)


def test_blocked_module_refused_even_when_allowlisted(tmp_path, monkeypatch):
    data = _saved([Runs()])
    serialization.add_safe_globals([os.getcwd])
    torch.serialization.add_safe_globals([os.getcwd])
    with pytest.raises(pickle.UnpicklingError, match=f"{os.name}.getcwd whose module .* blocked"):
        torch.load(io.BytesIO(data))
    with pytest.raises(pickle.UnpicklingError, match=f"{os.name}.getcwd: its module .* blocked"):
        ember.load(io.BytesIO(data))


@pytest.mark.parametrize("payload", [Runs(), Point(1, 2)], ids=["os-global", "user-class"])
def test_weights_only_false_is_a_plain_unpickler_as_torch(tmp_path, monkeypatch, payload):
    # Every global runs, os.* and builtins alike, as PyTorch's weights_only=False does.
    monkeypatch.chdir(tmp_path)
    data = _saved({"v": payload})
    expected = torch.load(io.BytesIO(data), weights_only=False)
    assert ember.load(io.BytesIO(data), weights_only=False) == expected


def test_weights_only_false_runs_builtins_as_torch():
    data = _saved([_Eval()])
    assert ember.load(io.BytesIO(data), weights_only=False) == [2]
    assert torch.load(io.BytesIO(data), weights_only=False) == [2]
    with pytest.raises(pickle.UnpicklingError, match="global builtins.eval"):
        ember.load(io.BytesIO(data))


class _Eval:
    def __reduce__(self):
        return (eval, ("1 + 1",))


def _with_pickle(data, pickled):
    """A copy of checkpoint ``data`` whose data.pkl is ``pickled``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            dst.writestr(info.filename, pickled if info.filename.endswith("/data.pkl") else payload)
    return out.getvalue()


def test_weights_only_false_names_torch_global_ember_lacks():
    data = _with_pickle(_saved(0), b"\x80\x02ctorch.nothing_here\nthing\n)R.")
    with pytest.raises(pickle.UnpicklingError, match="names torch.nothing_here.thing"):
        ember.load(io.BytesIO(data), weights_only=False)


def test_get_unsafe_globals_in_checkpoint_matches_torch():
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.MultiheadAttention(4, 2))
    data = _saved({"model": model, "p": Point(1, 2), "t": torch.ones(2)})
    expected = sorted(torch.serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(data)))
    assert serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(data)) == expected
    assert f"{__name__}.Point" in expected and len(expected) == 5
    serialization.add_safe_globals([Point, ember.nn.Linear])
    remaining = serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(data))
    assert remaining == [g for g in expected if not g.endswith((".Point", "linear.Linear"))]


@pytest.mark.parametrize("protocol", [4, 5])
def test_get_unsafe_globals_in_checkpoint_reads_stack_globals(protocol):
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 2))
    buf = io.BytesIO()
    torch.save({"a": model, "b": Point(0, 0), "c": Point(1, 1)}, buf, pickle_protocol=protocol)
    found = serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(buf.getvalue()))
    assert found == sorted(
        [
            "torch.nn.modules.container.Sequential",
            "torch.nn.modules.linear.Linear",
            f"{__name__}.Point",
        ]
    )


def test_get_unsafe_globals_in_checkpoint_refuses_other_files():
    with pytest.raises(ValueError, match="checkpoint returned by torch.save"):
        serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(b"not a checkpoint"))
