"""Direct NumPy calls stay off the data paths (DESIGN.md section 5).

Op code reaches array math through ``ctx.xp`` / ``array_module(...)`` / ``Device.xp`` so that
the same code runs on CuPy. This test parses the modules that compute on tensors' arrays and
counts every use of ``np.<name>`` (or a name imported from ``numpy``) that is not one of the
allowed host-side uses: dtype constants and objects, host shape arithmetic on Python ints, and
``np.ndarray``-style types in isinstance checks.

``ALLOWED`` lists the files that still have direct uses and how many. It may only shrink: the
test fails when a file has more uses than listed, and also when it has fewer (lower the
number, or delete the entry at zero), so progress is locked in.

    python -m pytest tests/backend/test_no_direct_numpy.py   # shows each file's uses on failure
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "ember"

# The modules that compute on tensors' arrays.
SCANNED = ("ops", "nn", "optim", "linalg", "autograd/engine.py", "autograd/function.py")

# Host-side names that never touch a tensor's array.
HOST_NAMES = frozenset(
    {
        # dtypes, dtype objects and dtype arithmetic
        "dtype", "iinfo", "finfo", "result_type", "promote_types", "can_cast", "issubdtype",
        "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
        "float16", "float32", "float64", "longdouble", "complex64", "complex128", "intp",
        "integer", "signedinteger", "unsignedinteger", "floating", "complexfloating", "number",
        "inexact", "generic", "bool",
        # array types for isinstance checks
        "ndarray",
        # constants
        "inf", "nan", "pi", "e", "newaxis",
        # shape arithmetic on Python ints and tuples
        "prod", "broadcast_shapes", "AxisError",
    }
)  # fmt: skip

# file (relative to ember/) -> direct NumPy uses still allowed. May only shrink.
ALLOWED = {
    "nn/_functional/ctc.py": 1,
    "nn/_functional/upsampling.py": 13,
    "nn/utils/rnn.py": 9,
    "ops/creation.py": 18,
    "ops/indexing.py": 1,
    "ops/random.py": 7,
    "optim/optimizer.py": 1,
}


def _numpy_aliases(tree):
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "numpy" or alias.name.startswith("numpy."):
                    names.add(alias.asname or "numpy")
    return names


def direct_uses(path):
    """``(line, name)`` of each direct NumPy use in ``path`` outside ``HOST_NAMES``."""
    tree = ast.parse(path.read_text())
    aliases = _numpy_aliases(tree)
    uses = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id in aliases and node.attr not in HOST_NAMES:
                uses.append((node.lineno, f"np.{node.attr}"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "numpy" or node.module.startswith("numpy."):
                for alias in node.names:
                    if alias.name not in HOST_NAMES:
                        uses.append((node.lineno, f"{node.module}.{alias.name}"))
    return sorted(uses)


def scanned_files():
    for part in SCANNED:
        target = ROOT / part
        files = [target] if target.suffix == ".py" else sorted(target.rglob("*.py"))
        yield from files


def _counts():
    counts = {}
    details = {}
    for path in scanned_files():
        uses = direct_uses(path)
        if uses:
            rel = path.relative_to(ROOT).as_posix()
            counts[rel] = len(uses)
            details[rel] = uses
    return counts, details


def test_no_direct_numpy_on_data_paths():
    counts, details = _counts()
    problems = []
    for rel, n in sorted(counts.items()):
        allowed = ALLOWED.get(rel, 0)
        if n > allowed:
            where = ", ".join(f"{line}:{name}" for line, name in details[rel])
            problems.append(
                f"{rel}: {n} direct NumPy uses, {allowed} allowed; use ctx.xp / "
                f"array_module(...) / a helper in ember/_backend ({where})"
            )
    for rel, allowed in sorted(ALLOWED.items()):
        n = counts.get(rel, 0)
        if n < allowed:
            hint = "delete its entry" if n == 0 else f"lower it to {n}"
            problems.append(f"{rel}: {n} direct NumPy uses but {allowed} allowed: {hint}")
    assert not problems, "\n".join(problems)


def test_direct_uses_counts_calls_and_imports(tmp_path):
    src = tmp_path / "m.py"
    src.write_text(
        "import numpy as np\n"
        "from numpy.lib.stride_tricks import as_strided\n"
        "def f(x, shape):\n"
        "    if isinstance(x, np.ndarray):\n"
        "        return np.exp(x).astype(np.float32) * np.prod(shape)\n"
    )
    assert direct_uses(src) == [(2, "numpy.lib.stride_tricks.as_strided"), (5, "np.exp")]


if __name__ == "__main__":
    for rel, n in sorted(_counts()[0].items()):
        print(f'    "{rel}": {n},')
