"""ember/_tensor.pyi, the static view of Tensor's import-time methods, stays current and valid."""

import ast
import importlib.util
from pathlib import Path

import ember

ROOT = Path(__file__).resolve().parents[1]


def _generator():
    spec = importlib.util.spec_from_file_location(
        "make_tensor_stub", ROOT / "tools" / "make_tensor_stub.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _committed():
    return (ROOT / "ember" / "_tensor.pyi").read_text(encoding="utf-8")


def test_committed_stub_is_current():
    assert _generator().generate() == _committed(), (
        "ember/_tensor.pyi is stale: run python tools/make_tensor_stub.py"
    )


def test_stub_lists_every_public_tensor_attribute():
    tree = ast.parse(_committed())
    (cls,) = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    listed = {n.name for n in cls.body if isinstance(n, ast.FunctionDef)}
    listed |= {n.target.id for n in cls.body if isinstance(n, ast.AnnAssign)}
    public = {name for name in dir(ember.Tensor) if not name.startswith("_")}
    assert public <= listed, sorted(public - listed)


def test_stub_shows_properties_and_signatures():
    tree = ast.parse(_committed())
    (cls,) = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    defs = {n.name: n for n in cls.body if isinstance(n, ast.FunctionDef)}
    assert [ast.unparse(d) for d in defs["shape"].decorator_list] == ["property"]
    sum_args = defs["sum"].args
    assert len(sum_args.posonlyargs + sum_args.args) >= 2  # the tensor and dim
    assert "keepdim" in {a.arg for a in sum_args.args + sum_args.kwonlyargs}
