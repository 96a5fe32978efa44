"""NumPy's floating-point RuntimeWarnings never reach the user: PyTorch is silent
(Note [quiet floating point] in ember/_backend/_fp.py)."""

import warnings

import numpy as np
import pytest
import torch

import ember
from ember.testing import assert_close

CASES = {
    "divide by zero": lambda T, x: x / T.zeros(3),
    "zero by zero": lambda T, x: (x * 0) / T.zeros(3),
    "log of zero": lambda T, x: T.log(x - x),
    "log of negative": lambda T, x: T.log(-x),
    "exp overflow": lambda T, x: T.exp(x * 1000),
    "multiply overflow": lambda T, x: (x * 1e38) * (x * 1e38),
    "sqrt of negative": lambda T, x: T.sqrt(-x),
    "pow overflow": lambda T, x: T.pow(x * 1e30, 40.0),
}


@pytest.mark.parametrize("name", list(CASES))
def test_no_floating_point_warnings_and_torch_values(name):
    fn = CASES[name]
    x = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = fn(ember, x)
        out.sum().backward()
    expected = fn(torch, torch.tensor([1.0, 2.0, 3.0]))
    assert_close(out, expected, equal_nan=True)


def test_optimizer_step_is_quiet():
    p = ember.tensor([1.0, 2.0], requires_grad=True)
    p.grad = ember.tensor([1e38, float("inf")])
    opt = ember.optim.Adam([p], lr=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()


def test_numpy_error_state_is_ignore_after_import():
    # Note [quiet floating point]: set once at import, no per-op cost.
    assert set(np.geterr().values()) == {"ignore"}


def test_backward_in_another_thread_is_quiet():
    import threading

    errors = []

    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                with np.errstate(all="warn"):  # a fresh thread's NumPy state
                    x = ember.tensor([0.0, 1.0], requires_grad=True)
                    with np.errstate(all="ignore"):
                        y = ember.log(x)
                    y.sum().backward()  # 1/x at 0: the engine keeps NumPy quiet
            except Exception as e:  # noqa: BLE001 - reported to the main thread
                errors.append(e)

    t = threading.Thread(target=run)
    t.start()
    t.join()
    assert not errors, errors
