"""A parameter's optimizer state of another shape (``load_state_dict`` of another model's
optimizer) raises PyTorch's size-mismatch RuntimeError on ``step``, naming both shapes."""

import pytest

import ember

torch = pytest.importorskip("torch")

OPTIMIZERS = {
    "SGD": {"lr": 0.1, "momentum": 0.9},
    "Adam": {"lr": 0.1},
    "AdamW": {"lr": 0.1, "amsgrad": True},
    "RMSprop": {"lr": 0.1, "momentum": 0.9},
    "Adagrad": {"lr": 0.1},
    "Adadelta": {},
    "Adamax": {},
    "NAdam": {},
    "RAdam": {},
}


def _step_with_foreign_state(T, name):
    ours = T.nn.Linear(3, 2)
    other = T.nn.Linear(4, 2)
    opt = getattr(T.optim, name)(ours.parameters(), **OPTIMIZERS[name])
    foreign = getattr(T.optim, name)(other.parameters(), **OPTIMIZERS[name])
    other(T.ones(1, 4)).sum().backward()
    foreign.step()
    opt.load_state_dict(foreign.state_dict())
    ours(T.ones(1, 3)).sum().backward()
    opt.step()


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizer_state_of_another_shape_raises_pytorchs_error(name):
    with pytest.raises(RuntimeError) as theirs:
        _step_with_foreign_state(torch, name)
    with pytest.raises(RuntimeError) as ours:
        _step_with_foreign_state(ember, name)
    assert str(ours.value).startswith(str(theirs.value))
    assert "[2, 4]" in str(ours.value) and "[2, 3]" in str(ours.value)
