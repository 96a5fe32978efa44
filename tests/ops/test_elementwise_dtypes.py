"""Result dtypes of binary elementwise ops against PyTorch, over a grid of operand kinds:
tensors and 0-d tensors of every dtype, and Python scalars (weak types)."""

import numpy as np
import pytest
import torch

import ember

DTYPES = ["bool", "uint8", "int8", "int32", "int64", "float16", "bfloat16", "float32", "float64"]
OPERANDS = (
    [("tensor", d) for d in DTYPES]
    + [("0-d", d) for d in DTYPES]
    + [("scalar", v) for v in (True, 3, 2.5)]
)
OPS = {
    "add": lambda T, a, b: T.add(a, b),
    "mul": lambda T, a, b: a * b,
    "div": lambda T, a, b: a / b,
    "eq": lambda T, a, b: a == b,
    "lt": lambda T, a, b: T.lt(a, b),
}


def _make(T, operand):
    kind, value = operand
    if kind == "scalar":
        return value
    data = np.array([1, 0, 1]) if kind == "tensor" else np.array(1)
    return T.tensor(data.tolist()).to(getattr(T, value))


def _outcome(T, fn, a, b):
    try:
        out = fn(T, _make(T, a), _make(T, b))
    except Exception as e:  # noqa: BLE001 - the exception type itself is compared
        return type(e).__name__
    return str(out.dtype).split(".")[-1] if hasattr(out, "dtype") else type(out).__name__


@pytest.mark.parametrize("name", list(OPS))
@pytest.mark.parametrize("left", OPERANDS[:-3], ids=lambda o: f"{o[0]}-{o[1]}")
def test_binary_result_dtype_matches_torch(name, left):
    fn = OPS[name]
    mismatches = []
    for right in OPERANDS:
        for a, b in ((left, right), (right, left)):
            if a[0] == "scalar":
                continue  # PyTorch's functions need a tensor first; operators reflect
            expected = _outcome(torch, fn, a, b)
            got = _outcome(ember, fn, a, b)
            if got != expected:
                mismatches.append(f"{a} {name} {b}: {got} != torch's {expected}")
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["exp", "sqrt", "sin", "erf", "sigmoid", "floor", "abs", "sign"])
def test_unary_result_dtype_matches_torch(name, dtype):
    results = []
    for T in (ember, torch):
        try:
            out = getattr(T, name)(T.tensor([1, 0, 1]).to(getattr(T, dtype)))
            results.append(str(out.dtype).split(".")[-1])
        except Exception as e:  # noqa: BLE001 - the exception type itself is compared
            results.append(type(e).__name__)
    assert results[0] == results[1]


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int32", "float16", "float32"])
@pytest.mark.parametrize("value", [True, 2, 2.5])
def test_inplace_add_dtype_rule_matches_torch(dtype, value):
    results = []
    for T in (ember, torch):
        t = T.tensor([1, 0, 1]).to(getattr(T, dtype))
        try:
            t.add_(value)
            results.append(str(t.dtype).split(".")[-1] + str(t.tolist()))
        except RuntimeError as e:
            results.append(str(e).split(": ")[-1])
    assert results[0] == results[1]
