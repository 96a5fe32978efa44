"""Reading ``.grad`` of a non-leaf tensor warns as PyTorch does (it is never filled unless the
tensor retains its grad); leaves, retained and assigned grads stay silent."""

import warnings

import pytest

import ember

torch = pytest.importorskip("torch")


def _warnings_on_read(T, prepare):
    w = T.ones(2, requires_grad=True)
    t = prepare(T, w)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = t.grad
    return [(c.category, str(c.message).split(" (Triggered internally")[0]) for c in caught], value


def _retained(T, w):
    y = w * 2
    y.retain_grad()
    return y


def _assigned(T, w):
    y = w * 3
    y.grad = T.ones(2)
    return y


CASES = {
    "non-leaf": lambda T, w: w * 2,
    "leaf": lambda T, w: w,
    "leaf without grad": lambda T, w: T.ones(2),
    "retained": _retained,
    "assigned": _assigned,
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_reading_grad_of_non_leaf_warns_as_pytorch(case):
    prepare = CASES[case]
    ours, _ = _warnings_on_read(ember, prepare)
    theirs, _ = _warnings_on_read(torch, prepare)
    assert ours == theirs
    if case == "non-leaf":
        assert ours and ours[0][0] is UserWarning
