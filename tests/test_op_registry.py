"""Generic op tests driven by the registry: PyTorch oracle in float64 and float32, gradcheck,
gradgradcheck. One parametrised case per (op, sample)."""

import pytest

import ember
from ember.testing import device as devices_module
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


# ---- devices ---------------------------------------------------------------------------------
# Each op also runs on the other devices, its inputs moved there and its results moved back
# (ember.testing.device.on_device), against PyTorch on the CPU in float64, one sample per op
# (the first): on CUDA (the cases skip with the reason when there is no GPU) and on the
# CPU-only test device, which proves that the op computes with ctx.xp and allocates on its
# inputs' device.

# Ops whose first sample cannot run on the test device yet, and why; strict, so an entry that
# starts passing fails until it is removed here.
_SELECT = "SelectValue.forward computes with NumPy, not ctx.xp"
DEVICE_GAPS = {
    "nn.functional.batch_norm (eval)": "the sample builds CPU tensors inside its function",
    "block_diag": "builds its zero blocks on the CPU",
    "median": _SELECT,
    "nanmedian": _SELECT,
}


def _device_cases(gaps, marks=()):
    """One case per op (its first sample); ops listed in ``gaps`` are strict xfails."""
    cases = []
    for op in all_ops():
        sample = op.sample_list()[0]
        case_marks = list(marks)
        if op.name in gaps:
            case_marks.append(pytest.mark.xfail(strict=True, reason=gaps[op.name]))
        cases.append(pytest.param(op, sample, id=f"{op.name}-{sample.name or 0}", marks=case_marks))
    return cases


_CUDA_CASES = _device_cases({}, marks=[devices_module.cuda_mark()])
devices_module.register()
_TEST_DEVICE_CASES = _device_cases(DEVICE_GAPS)


@pytest.mark.parametrize("op,sample", _CUDA_CASES)
def test_op_matches_torch_on_cuda(op, sample):
    fn = devices_module.on_device(op.fn, "cuda")
    check_against_torch(fn, sample, "float64", grad=op.grad, rtol=op.rtol, atol=op.atol)


@pytest.mark.parametrize("op,sample", _TEST_DEVICE_CASES)
def test_op_matches_torch_on_test_device(op, sample):
    fn = devices_module.on_device(op.fn, devices_module.NAME)
    check_against_torch(fn, sample, "float64", grad=op.grad, rtol=op.rtol, atol=op.atol)


# ---- half precision ------------------------------------------------------------------------
# Each sample also runs in bfloat16 and float16 against PyTorch on the CPU: values, dtypes and
# gradients, at the result dtype's tolerances. Samples that PyTorch's CPU kernels refuse in
# half precision (NotImplementedError, "not implemented for 'Half'") are left out when the
# cases are collected, found by running PyTorch once on each.

_HALF_DTYPES = ("bfloat16", "float16")


def _half_namespace(T, sample, dtype_name):
    """(args, grad_inputs) of ``sample`` in ``T``: its floating arrays as ``dtype_name``."""
    args, _ = to_namespace(T, sample, "float32")
    dtype = getattr(T, dtype_name)
    converted, grad_inputs = [], []

    def half(t):
        if not isinstance(t, T.Tensor) or not t.is_floating_point():
            return t
        h = t.detach().to(dtype).requires_grad_(t.requires_grad)
        if h.requires_grad:
            grad_inputs.append(h)
        return h

    for a in args:
        converted.append([half(t) for t in a] if isinstance(a, list) else half(a))
    return converted, grad_inputs


def _torch_half_result(op, sample, dtype_name):
    """PyTorch's outputs on ``sample`` in half precision, or None where its CPU kernels (forward
    or backward) refuse that dtype, or the sample is an error case."""
    import torch

    args, inputs = _half_namespace(torch, sample, dtype_name)
    try:
        out = op.fn(torch, *args, **sample.kwargs)
        diff = [t for t in _flat_outputs(out) if isinstance(t, torch.Tensor) and t.requires_grad]
        if op.grad and inputs and diff:
            # Some backward kernels (i1e's) refuse half precision where the forward takes it.
            torch.autograd.grad(sum(t.float().sum() for t in diff), inputs, allow_unused=True)
        return out
    except (RuntimeError, TypeError, ValueError, IndexError):
        return None


# Where ember still differs from PyTorch in half precision, and why: (op name, sample name or
# None for every sample, dtype). Strict xfails, so an entry that starts passing fails until it
# is removed here.
_CONV = "ember/ops/conv.py returns float32 for bfloat16 inputs"
_NORM = "ember/ops/normalization.py rounds its intermediates to the half dtype (gradient off)"
_GRAD = "the composed gradient rounds each step to the half dtype (PyTorch's is fused)"
HALF_GAPS = {
    (f"nn.functional.{name}", None, "bfloat16"): _CONV
    for name in ("conv1d", "conv2d", "conv3d")
    + ("conv_transpose1d", "conv_transpose2d", "conv_transpose3d")
}
HALF_GAPS[("nn.functional.group_norm", "(N, C)", "bfloat16")] = _NORM
HALF_GAPS[("nn.functional.group_norm", "(N, C)", "float16")] = _NORM
HALF_GAPS[("nn.functional.instance_norm", "(N, C, L)", "bfloat16")] = _NORM
HALF_GAPS[("sinc", "non-contiguous", "float16")] = _GRAD
HALF_GAPS[("corrcoef", "non-contiguous", "bfloat16")] = _GRAD
HALF_GAPS[("signbit", "signed zeros", "bfloat16")] = (
    "PyTorch's float to bfloat16 conversion drops the sign of a NaN; ember's keeps it"
)


def _half_cases():
    cases = []
    for op in all_ops():
        if not getattr(op, "half", op.float32):
            continue
        for i, sample in enumerate(op.sample_list()):
            for dtype_name in _HALF_DTYPES:
                if _torch_half_result(op, sample, dtype_name) is None:
                    continue
                gap = HALF_GAPS.get((op.name, sample.name, dtype_name))
                gap = gap or HALF_GAPS.get((op.name, None, dtype_name))
                marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
                name = f"{op.name}-{sample.name or i}-{dtype_name}"
                cases.append(pytest.param(op, sample, dtype_name, id=name, marks=marks))
    return cases


def _flat_outputs(out):
    if isinstance(out, (tuple, list)):
        return [x for o in out for x in _flat_outputs(o)]
    return [out]


def _compare_half(e_out, t_out, what):
    import torch

    from ember.testing.comparison import assert_close

    for e, t in zip(e_out, t_out):
        if t is None:
            assert e is None or not e.abs().sum().item(), f"{what}: PyTorch gives None"
            continue
        if isinstance(t, torch.Tensor):
            assert e is not None, f"{what}: ember gives None, PyTorch a tensor"
            assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1], f"{what} dtype"
            assert tuple(e.shape) == tuple(t.shape), f"{what} shape"
            rtol, atol = _HALF_TOLERANCES.get(str(t.dtype).split(".")[-1], (0.0, 0.0))
            assert_close(
                e.detach().float().numpy(),
                t.detach().float().numpy(),
                rtol=rtol,
                atol=atol,
                equal_nan=True,
                msg=None,
            )
        else:
            assert e == t or (e != e and t != t), f"{what}: {e!r} != PyTorch's {t!r}"


# (rtol, atol) per result dtype: a few units in the last place (bfloat16's eps is 2**-7,
# float16's 2**-10), since an op composed of several ember ops rounds each intermediate to the
# half dtype where PyTorch's fused CPU kernels keep float32, and results near 0 come from
# cancellations of inputs of size about 2.
_HALF_TOLERANCES = {
    "bfloat16": (4 * 2**-7, 2 * 2**-7),
    "float16": (4 * 2**-10, 2 * 2**-10),
    "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7),
}


@pytest.mark.parametrize("op,sample,dtype_name", _half_cases())
def test_op_matches_torch_in_half_precision(op, sample, dtype_name):
    import numpy as np
    import torch

    e_args, e_inputs = _half_namespace(ember, sample, dtype_name)
    t_args, t_inputs = _half_namespace(torch, sample, dtype_name)
    e_out = _flat_outputs(op.fn(ember, *e_args, **sample.kwargs))
    t_out = _flat_outputs(op.fn(torch, *t_args, **sample.kwargs))
    assert len(e_out) == len(t_out)
    _compare_half(e_out, t_out, "value")
    diff = [i for i, t in enumerate(t_out) if isinstance(t, torch.Tensor) and t.requires_grad]
    if not (op.grad and t_inputs and diff):
        return
    rng = np.random.default_rng(0)
    cots = [rng.standard_normal(tuple(t_out[i].shape)).astype(np.float32) for i in diff]
    e_loss = sum((e_out[i] * ember.tensor(w).to(e_out[i].dtype)).sum() for i, w in zip(diff, cots))
    t_loss = sum((t_out[i] * torch.tensor(w).to(t_out[i].dtype)).sum() for i, w in zip(diff, cots))
    e_grads = ember.autograd.grad(e_loss, e_inputs, allow_unused=True)
    t_grads = torch.autograd.grad(t_loss, t_inputs, allow_unused=True)
    _compare_half(e_grads, t_grads, "gradient")
