"""An error escaping a module's forward gets one note naming the module's path and inputs."""

import pytest
import torch

import ember
import ember.nn as nn


def _blocks(lib):
    class Block(lib.nn.Module):
        def __init__(self, cin, cout):
            super().__init__()
            self.conv1 = lib.nn.Conv2d(cin, cout, 3, padding=1)
            self.relu = lib.nn.ReLU()

        def forward(self, x):
            return self.relu(self.conv1(x))

    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.layer1 = lib.nn.Sequential(Block(3, 8))
            self.layer2 = lib.nn.Sequential(Block(4, 8))  # wrong: layer1 gives 8 channels

        def forward(self, x):
            return self.layer2(self.layer1(x))

    return Net()


def test_error_note_names_innermost_module_path_and_input_shapes():
    with pytest.raises(RuntimeError) as info:
        _blocks(ember)(ember.zeros(1, 3, 6, 6))
    with pytest.raises(RuntimeError) as expected:
        _blocks(torch)(torch.zeros(1, 3, 6, 6))
    assert type(info.value) is type(expected.value)
    notes = info.value.__notes__
    assert len(notes) == 1
    assert "model.layer2.0.conv1 (Conv2d)" in notes[0]
    assert "[1, 8, 6, 6]" in notes[0] and "(Net)" in notes[0]


def test_error_message_is_unchanged_by_the_note():
    conv = nn.Conv2d(4, 8, 3)
    with pytest.raises(RuntimeError) as direct:
        conv._conv_forward(ember.zeros(1, 3, 6, 6), conv.weight, conv.bias)
    with pytest.raises(RuntimeError) as via_module:
        nn.Sequential(conv)(ember.zeros(1, 3, 6, 6))
    assert str(via_module.value) == str(direct.value)


def test_error_in_the_outermost_module_names_it_alone():
    with pytest.raises(RuntimeError) as info:
        nn.Linear(3, 2)(ember.zeros(4, 5))
    assert info.value.__notes__ == [
        "The error was raised in model (Linear) with input shapes [4, 5], where model is the "
        "outermost module called (Linear)."
    ]


def test_error_note_with_hooks_and_keyword_inputs():
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(5, 2))
    model[1].register_forward_hook(lambda m, a, out: None)
    with pytest.raises(RuntimeError) as info:
        model(ember.zeros(2, 3))
    (note,) = info.value.__notes__
    assert "model.1 (Linear)" in note and "[2, 4]" in note


def test_module_not_owned_by_the_caller_keeps_its_own_path():
    stray = nn.Sequential(nn.Linear(5, 2))

    class Caller(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = nn.Sequential(nn.Identity())

        def forward(self, x):
            return stray(self.inner(x))

    with pytest.raises(RuntimeError) as info:
        Caller()(ember.zeros(2, 3))
    (note,) = info.value.__notes__
    assert "model.0 (Linear)" in note and "(Sequential)" in note


def test_errors_caught_inside_forward_do_not_leak_notes():
    class Fallback(nn.Module):
        def __init__(self):
            super().__init__()
            self.bad = nn.Linear(5, 2)
            self.good = nn.Linear(3, 2)

        def forward(self, x):
            try:
                return self.bad(x)
            except RuntimeError:
                return self.good(x)

    assert Fallback()(ember.zeros(1, 3)).shape == (1, 2)
