"""Generic op tests driven by the registry: PyTorch oracle in float64 and float32, gradcheck,
gradgradcheck. One parametrised case per (op, sample)."""

import pytest

import ember
from ember.testing.op_db import all_ops
from ember.testing.oracle import NonContiguous, check_against_torch, to_namespace

CASES = [
    pytest.param(op, sample, id=f"{op.name}-{sample.name or i}")
    for op in all_ops()
    for i, sample in enumerate(op.sample_list())
]


@pytest.mark.parametrize("op,sample", CASES)
def test_op_matches_torch_float64(op, sample):
    check_against_torch(op.fn, sample, "float64", grad=op.grad, rtol=op.rtol, atol=op.atol)


@pytest.mark.parametrize("op,sample", [c for c in CASES if c.values[0].float32])
def test_op_matches_torch_float32(op, sample):
    check_against_torch(op.fn, sample, "float32", grad=op.grad)


def _contiguous(sample):
    args = tuple(a.array if isinstance(a, NonContiguous) else a for a in sample.args)
    return type(sample)(args, sample.kwargs, sample.grad, sample.name)


def _differentiable(sample):
    """Whether numerical gradients apply: some input requires grad and none is empty."""
    _, grad_inputs = to_namespace(ember, _contiguous(sample), "float64")
    return bool(grad_inputs) and all(t.numel() > 0 for t in grad_inputs)


# Gradient checks run on the samples they apply to (chosen here, never skipped at run time).
GRAD_CASES = [c for c in CASES if _differentiable(c.values[1])]


def _grad_case(op, sample):
    contiguous = _contiguous(sample)
    args, grad_inputs = to_namespace(ember, contiguous, "float64")
    positions = [i for i, a in enumerate(args) if any(a is g for g in grad_inputs)]

    def fn(*tensors):
        call = list(args)
        for p, t in zip(positions, tensors):
            call[p] = t
        return op.fn(ember, *call, **contiguous.kwargs)

    return fn, grad_inputs


@pytest.mark.parametrize("op,sample", [c for c in GRAD_CASES if c.values[0].gradcheck])
def test_op_gradcheck(op, sample):
    fn, inputs = _grad_case(op, sample)
    assert ember.autograd.gradcheck(fn, inputs)


@pytest.mark.parametrize("op,sample", [c for c in GRAD_CASES if c.values[0].gradgradcheck])
def test_op_gradgradcheck(op, sample):
    fn, inputs = _grad_case(op, sample)
    assert ember.autograd.gradgradcheck(fn, inputs)
