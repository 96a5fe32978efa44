#!/usr/bin/env bash
# The CUDA check, on a machine with a GPU and CuPy (run from the repository root; about 5 min):
#   1. what CUDA ember sees; 2. the device tests with CUDA present: transfers, the ember.cuda
#   API, nn modules, optimizers; 3. ember-on-CUDA vs PyTorch-on-CUDA step times for an MLP and
#   a small CNN; 4. each op of the registry on CUDA (last: a time limit cuts the least there).
# Logs go to $OUT (default: ./gpu_check_out); tests log each result as it happens (-v), so a
# part cut by its time limit still shows how far it got. The script goes on after a failure;
# its exit status is the first failing test part's.
set -u
OUT="${OUT:-gpu_check_out}"
mkdir -p "$OUT"
export PYTHONPATH=.
PY="${PYTHON:-python3}"
PYTEST=("$PY" -m pytest -p no:cacheprovider -vv --tb=short -rfE)
status=0

echo "== environment" | tee "$OUT/summary.txt"
timeout 60 "$PY" - <<'PYEOF' 2>&1 | tee -a "$OUT/summary.txt"
import cupy, numpy, torch
import ember
print("cupy", cupy.__version__, "numpy", numpy.__version__, "torch", torch.__version__)
print("ember.cuda.is_available", ember.cuda.is_available(), "count", ember.cuda.device_count())
print("device", ember.cuda.get_device_name(), ember.cuda.get_device_properties(0))
x = ember.ones(3).cuda()
print(repr(x), x.device, (x * 2).sum().item())
PYEOF

echo "== device tests (CUDA): transfers, ember.cuda, modules, optimizers" | tee -a "$OUT/summary.txt"
timeout 120 "${PYTEST[@]}" tests/backend tests/optim/test_optimizers_on_devices.py \
    > "$OUT/tests_devices.log" 2>&1 || status=$?
grep -E "FAILED|ERROR|passed|failed" "$OUT/tests_devices.log" | tail -n 40 \
    | tee -a "$OUT/summary.txt"

echo "== benchmark (CUDA step times)" | tee -a "$OUT/summary.txt"
timeout 60 "$PY" tools/gpu_bench.py --repeats 10 > "$OUT/bench_cuda.log" 2>&1
tail -n 20 "$OUT/bench_cuda.log" | tee -a "$OUT/summary.txt"

echo "== op registry on CUDA (one sample per op)" | tee -a "$OUT/summary.txt"
timeout 150 "${PYTEST[@]}" "tests/test_op_registry.py::test_op_matches_torch_on_cuda" \
    > "$OUT/tests_registry_cuda.log" 2>&1 || { rc=$?; [ "$status" -ne 0 ] || status=$rc; }
grep -E "FAILED|ERROR|passed|failed" "$OUT/tests_registry_cuda.log" | tail -n 60 \
    | tee -a "$OUT/summary.txt"
grep -c " PASSED" "$OUT/tests_registry_cuda.log" | sed 's/^/registry cases passed so far: /' \
    | tee -a "$OUT/summary.txt"

exit $status
