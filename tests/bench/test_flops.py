"""The FLOP counter of the benchmark suite gives the analytic counts, and agrees with
PyTorch's own FlopCounterMode on the same modules."""

import pytest

torch = pytest.importorskip("torch", reason="PyTorch is the oracle")

from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

import ember  # noqa: E402
from ember.bench.flops import count_forward_flops  # noqa: E402


def _torch_count(module, *inputs):
    with torch.no_grad(), FlopCounterMode(display=False) as mode:
        module(*inputs)
    return mode.get_total_flops()


@pytest.mark.parametrize("T", [ember, torch], ids=["ember", "torch"])
def test_flops_linear_analytic(T):
    layer = T.nn.Linear(784, 128)
    x = T.zeros(64, 5, 784)
    assert count_forward_flops(T, layer, x) == 2 * 64 * 5 * 784 * 128


@pytest.mark.parametrize("T", [ember, torch], ids=["ember", "torch"])
def test_flops_conv2d_analytic(T):
    conv = T.nn.Conv2d(4, 6, (3, 5), stride=2, padding=1, groups=2)
    x = T.zeros(3, 4, 17, 20)
    h_out, w_out = (17 + 2 - 3) // 2 + 1, (20 + 2 - 5) // 2 + 1
    assert count_forward_flops(T, conv, x) == 2 * 3 * 6 * h_out * w_out * (4 // 2) * 3 * 5


def test_flops_linear_and_conv2d_match_torch_flop_counter():
    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 8, 3), torch.nn.Flatten(), torch.nn.Linear(8 * 6 * 6, 10)
    )
    x = torch.zeros(2, 3, 8, 8)
    assert count_forward_flops(torch, model, x) == _torch_count(model, x)


@pytest.mark.parametrize("T", [ember, torch], ids=["ember", "torch"])
def test_flops_lstm_analytic(T):
    lstm = T.nn.LSTM(10, 16, num_layers=2)
    x = T.zeros(7, 3, 10)  # (steps, batch, input)
    per_step = 2 * 3 * 4 * 16 * ((10 + 16) + (16 + 16))
    assert count_forward_flops(T, lstm, x) == 7 * per_step


def test_flops_hooks_are_removed():
    layer = torch.nn.Linear(4, 4)
    count_forward_flops(torch, layer, torch.zeros(1, 4))
    assert not layer._forward_hooks
