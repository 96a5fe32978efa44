"""ember.utils.summary: counts computed independently, output shapes against PyTorch."""

import numpy as np
import pytest
import torch

import ember
from ember.testing.device import devices
from ember.utils import summary


def _net(lib):
    nn = lib.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(
                nn.Conv2d(3, 8, 3, padding=1),
                nn.BatchNorm2d(8),
                nn.ReLU(),
                nn.Sequential(nn.Conv2d(8, 4, 3, stride=2), nn.ReLU()),
            )
            self.head = nn.Linear(4 * 3 * 3, 10)

        def forward(self, x):
            return self.head(self.features(x).flatten(1))

    return Net()


def _torch_output_shapes(model, x):
    shapes = {}

    def record(name):
        def hook(module, args, out):
            shapes[name] = list(out.shape)

        return hook

    handles = [m.register_forward_hook(record(n)) for n, m in model.named_modules()]
    # Rows come in call order: the order in which the calls begin.
    order = []
    handles += [
        m.register_forward_pre_hook(lambda m, a, n=n: order.append(n) and None)
        for n, m in model.named_modules()
    ]
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return {name: shapes[name] for name in order}


def test_summary_output_shapes_match_pytorch():
    stats = summary(_net(ember), (2, 3, 8, 8), verbose=0)
    expected = _torch_output_shapes(_net(torch), torch.zeros(2, 3, 8, 8))
    got = {layer.name: layer.output_shape for layer in stats.summary_list}
    assert got == expected
    assert [layer.name for layer in stats.summary_list] == list(expected)  # call order


def test_summary_counts_equal_independent_sums():
    model = _net(ember)
    model.features[1].weight.requires_grad_(False)
    model.features[1].bias.requires_grad_(False)
    stats = summary(model, (1, 3, 8, 8), verbose=0)
    params = list(model.parameters())
    assert stats.total_params == sum(p.numel() for p in params)
    assert stats.trainable_params == sum(p.numel() for p in params if p.requires_grad)
    assert stats.non_trainable_params == 16
    assert stats.params_size_bytes == sum(p.numel() * 4 for p in params)
    assert stats.input_size_bytes == 1 * 3 * 8 * 8 * 4
    rows = {layer.name: layer for layer in stats.summary_list}
    assert rows["features.0"].num_params == 3 * 8 * 9 + 8
    assert rows["head"].num_params == 36 * 10 + 10
    assert rows["features"].num_params == 0  # its children are shown with their own counts
    text = str(stats)
    assert f"Total params: {stats.total_params:,}" in text
    assert "Non-trainable params: 16" in text and "features.3.0" in text


def test_summary_depth_limit_folds_children_into_their_parent():
    model = _net(ember)
    stats = summary(model, (1, 3, 8, 8), depth=1, verbose=0)
    text = str(stats)
    assert "features.0" not in text and "(features)" in text
    rows = {layer.name: layer for layer in stats.summary_list}
    assert rows["features"].num_params == sum(p.numel() for p in model.features.parameters())
    assert summary(model, (1, 3, 8, 8), depth=0, verbose=0).summary_list[0].num_params == (
        stats.total_params
    )


def test_summary_shared_parameters_are_counted_once():
    model = ember.nn.Sequential(ember.nn.Embedding(7, 4), ember.nn.Linear(4, 7, bias=False))
    model[1].weight = model[0].weight
    stats = summary(model, (2, 5), dtypes=[ember.int64], verbose=0)
    assert stats.total_params == 28
    assert stats.summary_list[-1].output_shape == [2, 5, 7]


def test_summary_input_data_forms_and_kwargs():
    class TwoInputs(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = ember.nn.Linear(3, 2)
            self.b = ember.nn.Linear(5, 2)

        def forward(self, x, y, scale=1.0):
            return (self.a(x) + self.b(y)) * scale, self.a(x)

    model = TwoInputs()
    x, y = ember.randn(4, 3), ember.randn(4, 5)
    for stats in (
        summary(model, input_data=[x, y], verbose=0),
        summary(model, input_data={"x": x, "y": y}, scale=2.0, verbose=0),
        summary(model, [(4, 3), (4, 5)], verbose=0),
    ):
        assert stats.summary_list[0].output_shape == [[4, 2], [4, 2]]
        assert [r.name for r in stats.summary_list] == ["", "a", "b", "a"]  # a called twice
        assert stats.input_size_bytes == (12 + 20) * 4
        assert stats.total_params == 3 * 2 + 2 + 5 * 2 + 2


def test_summary_runs_in_eval_mode_and_restores_modes_and_rng():
    model = _net(ember)
    model.train()
    model.features[2].eval()
    state = ember.get_rng_state()
    before = model.features[1].running_mean.numpy().copy()
    summary(model, (2, 3, 8, 8), verbose=0)
    np.testing.assert_array_equal(model.features[1].running_mean.numpy(), before)
    assert model.training and model.features[1].training and not model.features[2].training
    np.testing.assert_array_equal(ember.get_rng_state().numpy(), state.numpy())
    summary(model, (2, 3, 8, 8), mode="train", verbose=0)
    assert not np.array_equal(model.features[1].running_mean.numpy(), before)


def test_summary_prints_by_default(capsys):
    summary(ember.nn.Linear(3, 2), (1, 3))
    out = capsys.readouterr().out
    assert out.startswith("=") and "Linear" in out and "Total params: 8" in out


def test_summary_forward_error_keeps_type_and_names_layers():
    model = ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.Linear(5, 2))
    with pytest.raises(RuntimeError, match="shapes cannot be multiplied") as info:
        summary(model, (2, 3), verbose=0)
    assert any("Linear (0)" in note for note in info.value.__notes__)
    assert not model[0]._forward_hooks  # hooks removed


def test_summary_bad_arguments():
    model = ember.nn.Linear(3, 2)
    with pytest.raises(ValueError, match="exactly one"):
        summary(model, verbose=0)
    with pytest.raises(TypeError, match="Module"):
        summary(torch.nn.Linear(3, 2), (1, 3), verbose=0)
    with pytest.raises(ValueError, match="dtypes"):
        summary(model, (1, 3), dtypes=[ember.float32, ember.float32], verbose=0)


@pytest.mark.parametrize("device", [d for d in devices(test=True) if d != "cpu"])
def test_summary_builds_inputs_on_the_model_device(device):
    model = _net(ember).to(device)
    stats = summary(model, (2, 3, 8, 8), verbose=0)
    expected = _torch_output_shapes(_net(torch), torch.zeros(2, 3, 8, 8))
    assert {layer.name: layer.output_shape for layer in stats.summary_list} == expected
