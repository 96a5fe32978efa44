"""Imports flow downward only (DESIGN.md section 2): parse every module's imports, including
those inside functions, and fail on an import from a higher layer."""

import ast
from pathlib import Path

import ember

ROOT = Path(ember.__file__).parent

# Layer of each top-level part of the package; a module may import only its own layer or lower.
LAYERS = {
    "_config": 1,
    "_dtype": 1,
    "_device": 1,
    "_runtime": 1,
    "_backend": 2,
    "cuda": 2,
    "accelerator": 2,
    "backends": 2,
    "_tensor": 3,
    "_tensor_str": 3,
    "autograd": 3,
    "return_types": 3,
    "ops": 4,
    "linalg": 4,
    "special": 4,
    "testing": 4,
    "nn": 5,
    "serialization": 5,
    "optim": 6,
    "utils": 6,
    "vision": 7,
    "hub": 7,
    "bench": 7,
    "profiler": 7,
}
EXEMPT = {"__init__"}  # the package namespace re-exports everything


def _part(module_name):
    parts = module_name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ember"):
            if node.module == "ember":
                for alias in node.names:
                    yield f"ember.{alias.name}"
            else:
                yield node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("ember"):
                    yield alias.name


def test_imports_flow_downward():
    violations = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        part = _part(".".join(rel.parts))
        if part in EXEMPT or part.endswith("__init__"):
            continue
        assert part in LAYERS, f"{rel}: add its package to LAYERS in this test"
        for imported in _imports(path):
            target = _part(imported)
            if target == "__init__":
                # The test helpers and the benchmark suite run user code written as ``T.op``.
                if imported == "ember" and part in ("testing", "bench"):
                    continue
                violations.append(f"{rel} imports the ember package namespace")
            elif LAYERS.get(target, 0) > LAYERS[part]:
                violations.append(f"{rel} (layer {LAYERS[part]}) imports {imported}")
    assert not violations, "upward imports:\n" + "\n".join(violations)
