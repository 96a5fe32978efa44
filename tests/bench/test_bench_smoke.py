"""The benchmark suite runs end to end and reports what it promises (no timing assertions)."""

import json

import pytest

torch = pytest.importorskip("torch", reason="the benchmark suite compares against PyTorch")

import ember  # noqa: E402
import ember.vision.models  # noqa: E402
from ember.bench import models  # noqa: E402
from ember.bench.__main__ import main  # noqa: E402
from ember.bench.memory import peaks_in_subprocess  # noqa: E402
from ember.bench.report import COLUMNS  # noqa: E402

MLP_FORWARD_FLOPS = 2 * 64 * (784 * 128 + 128 * 10)  # batch 64, two Linear layers


def test_bench_quick_mlp_prints_table_and_json(tmp_path, capsys):
    out = tmp_path / "results.json"
    main(["--quick", "--only", "mlp", "--no-memory", "--repeats", "1", "--json", str(out)])
    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if line.startswith("workload"))
    assert header.split() == " ".join(COLUMNS).split()
    row = next(line for line in lines if line.startswith("mlp "))
    cells = row.split()
    assert cells[1] == "1"  # one timed round
    ember_ms, torch_ms, ratio = (float(c) for c in cells[2:5])
    assert ember_ms > 0 and torch_ms > 0 and ratio > 0

    results = json.loads(out.read_text())
    assert results["gemm_peak_flops"] > 0
    (mlp,) = results["workloads"]
    assert mlp["name"] == "mlp" and mlp["error"] is None
    assert mlp["ember_s"] > 0 and mlp["torch_s"] > 0
    assert mlp["ratio"] == pytest.approx(mlp["ember_s"] / mlp["torch_s"])
    assert mlp["flops"] == 3 * MLP_FORWARD_FLOPS  # a training step is 3x the forward
    assert mlp["ember_gflops"] == pytest.approx(mlp["flops"] / mlp["ember_s"] / 1e9)


def test_bench_unknown_workload_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--only", "mlp,no_such_workload"])
    assert exc.value.code == 2
    assert "no_such_workload" in capsys.readouterr().err


def test_bench_memory_peak_covers_parameters_and_gradients():
    # In a child process, as the suite does: this process's heap holds memory freed by earlier
    # tests, which the workload would reuse without raising the resident set.
    params = sum(p.numel() for p in models.mlp(ember, (784, 128, 10)).parameters())
    peaks = peaks_in_subprocess(["overhead", "mlp"], "ember", quick=True)  # one child, as --quick
    assert set(peaks) == {"overhead", "mlp"}
    (peak, error) = peaks["mlp"]
    assert error is None
    assert peak >= 2 * 4 * params  # float32 parameters and their gradients, at the least


def test_bench_resnet18_matches_vision_model():
    """The T-written ResNet-18 that PyTorch runs is ember.vision's architecture, key for key."""
    ours = {k: tuple(v.shape) for k, v in models.resnet18(torch).state_dict().items()}
    vision = ember.vision.models.resnet18(num_classes=10).state_dict()
    assert ours == {k: tuple(v.shape) for k, v in vision.items()}
