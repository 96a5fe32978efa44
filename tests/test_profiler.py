"""ember.profiler: counts, nesting, times, tables and traces; nothing left installed after."""

import json
import threading

import pytest

import ember
from ember.autograd import engine
from ember.autograd.function import Function, Op
from ember.profiler import ProfilerAction, ProfilerActivity, profile, record_function, schedule
from ember.testing.device import devices


def _counts(prof):
    return {evt.key: evt.count for evt in prof.key_averages()}


def _hooks_state():
    return (
        Op.__dict__["apply"],
        Function.__dict__["apply"],
        engine._call_node,
        ember.Tensor.__dict__["__add__"],
        ember.Tensor.__dict__["__mul__"],
    )


def test_profile_counts_forward_ops_of_known_sequence():
    a, b = ember.randn(3, 4), ember.randn(3, 4)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        c = a * b
        d = c + a
        ember.mul(d, 2.0)
        ember.matmul(a, b.T)
    counts = _counts(prof)
    assert counts["mul"] == 2 and counts["add"] == 1
    assert counts["mat_mul"] == 1


def test_profile_records_each_backward_node_once():
    x = ember.randn(4, 4, requires_grad=True)
    with profile() as prof:
        loss = (x * x + x).sum()
        loss.backward()
    counts = _counts(prof)
    for node in ("SumBackward0", "AddBackward0", "MulBackward0"):
        assert counts[node] == 1, node
    # The backward formulas run ops, which nest under their node.
    (mul_backward,) = [e for e in prof.events() if e.name == "MulBackward0"]
    assert [c.name for c in mul_backward.cpu_children].count("mul") == 2


def test_record_function_nests_and_self_time_excludes_children():
    x = ember.randn(8, 8)
    with profile() as prof:
        with record_function("outer"):
            with record_function("inner"):
                y = x * x
            z = y + x
    del z
    events = {e.name: e for e in prof.events()}
    outer, inner, mul, add = events["outer"], events["inner"], events["mul"], events["add"]
    assert inner.cpu_parent is outer and mul.cpu_parent is inner and add.cpu_parent is outer
    assert outer.cpu_children == [inner, add]
    for evt in prof.events():
        assert 0 <= evt.self_cpu_time_total <= evt.cpu_time_total
    assert outer.self_cpu_time_total == pytest.approx(
        outer.cpu_time_total - inner.cpu_time_total - add.cpu_time_total
    )
    for avg in prof.key_averages():
        assert avg.self_cpu_time_total <= avg.cpu_time_total


def test_record_function_as_decorator_and_outside_profile_is_a_no_op():
    @record_function("step")
    def step(t):
        return t * 2.0

    step(ember.ones(2))  # no profile: nothing recorded, nothing raised
    with profile() as prof:
        step(ember.ones(2))
        step(ember.ones(2))
    assert _counts(prof)["step"] == 2
    assert all(e.cpu_parent.name == "step" for e in prof.events() if e.name == "mul")


def test_custom_function_is_recorded_with_its_ops():
    class Double(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2.0

        @staticmethod
        def backward(ctx, grad):
            return grad * 2.0

    x = ember.ones(3, requires_grad=True)
    with profile() as prof:
        Double.apply(x).sum().backward()
    counts = _counts(prof)
    assert counts["Double"] == 1 and counts["DoubleBackward"] == 1


def test_table_is_sorted_and_has_pytorch_layout():
    x = ember.randn(16, 16, requires_grad=True)
    with profile() as prof:
        for _ in range(3):
            (x @ x).sum().backward()
    text = prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=3)
    lines = text.rstrip("\n").split("\n")
    header = lines[1].split()
    assert header[:3] == ["Name", "Self", "CPU"] and lines[1].rstrip().endswith("# of Calls")
    assert set(lines[0]) == {"-", " "} and lines[0] == lines[2] == lines[-2]
    assert lines[-1].startswith("Self CPU time total: ")
    rows = lines[3:-2]
    assert len(rows) == 3
    averages = sorted(prof.key_averages(), key=lambda e: e.self_cpu_time_total, reverse=True)
    assert [r.split()[0] for r in rows] == [e.key for e in averages[:3]]
    by_count = prof.key_averages().table(sort_by="count", row_limit=1)
    assert by_count.split("\n")[3].split()[-1] == str(max(e.count for e in averages))
    with pytest.raises(AttributeError, match="sort_by"):
        prof.key_averages().table(sort_by="not_a_column")


def test_record_shapes_groups_by_input_shape():
    with profile(record_shapes=True) as prof:
        ember.ones(2, 3) * ember.ones(2, 3)
        ember.ones(4) * ember.ones(4)
    grouped = prof.key_averages(group_by_input_shape=True)
    shapes = sorted(str(e.input_shapes) for e in grouped if e.key == "mul")
    assert shapes == ["[[2, 3], [2, 3]]", "[[4], [4]]"]
    assert "Input Shapes" in grouped.table()


def test_chrome_trace_loads_and_holds_the_events(tmp_path):
    with profile() as prof:
        with record_function("block"):
            ember.ones(3) + ember.ones(3)
    prof.export_chrome_trace(tmp_path / "trace.json")
    trace = json.loads((tmp_path / "trace.json").read_text())
    events = trace["traceEvents"]
    assert {e["ph"] for e in events} == {"X"}
    assert {e["name"] for e in events} >= {"block", "add"}
    block = next(e for e in events if e["name"] == "block")
    add = next(e for e in events if e["name"] == "add")
    assert block["cat"] == "user_annotation"
    assert block["ts"] <= add["ts"] and add["ts"] + add["dur"] <= block["ts"] + block["dur"]
    assert [p.name for p in tmp_path.iterdir()] == ["trace.json"]


def test_hooks_are_restored_after_the_block_even_on_error():
    before = _hooks_state()
    with pytest.raises(ValueError), profile():
        assert _hooks_state() != before
        raise ValueError("boom")
    assert _hooks_state() == before


def test_profiles_do_not_nest():
    with profile(), pytest.raises(RuntimeError, match="already recording"):
        with profile():
            pass


def test_other_threads_are_recorded_with_their_own_nesting():
    def work():
        with record_function("worker"):
            ember.ones(2) * ember.ones(2)

    with profile() as prof:
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
        ember.ones(2) + ember.ones(2)
    worker = next(e for e in prof.events() if e.name == "worker")
    add = next(e for e in prof.events() if e.name == "add")
    assert worker.thread != add.thread and add.cpu_parent is None
    assert [c.name for c in worker.cpu_children] == ["mul"]


def test_schedule_records_active_steps_and_calls_on_trace_ready():
    assert [schedule(wait=1, warmup=1, active=2, repeat=1)(s) for s in range(5)] == [
        ProfilerAction.NONE,
        ProfilerAction.WARMUP,
        ProfilerAction.RECORD,
        ProfilerAction.RECORD_AND_SAVE,
        ProfilerAction.NONE,
    ]
    traces = []
    sched = schedule(wait=1, warmup=1, active=2, repeat=1)
    on_ready = lambda p: traces.append(_counts(p).get("mul", 0))  # noqa: E731
    with profile(schedule=sched, on_trace_ready=on_ready) as prof:
        for _ in range(6):
            ember.ones(1) * ember.ones(1)
            prof.step()
    assert traces == [2]


@pytest.mark.parametrize("device", [d for d in devices(test=True) if d != "cpu"])
def test_profile_records_ops_on_other_devices(device):
    x = ember.randn(4, 4).to(device).requires_grad_()
    with profile() as prof:
        (x * x).sum().backward()
    counts = _counts(prof)
    assert counts["mul"] >= 1 and counts["MulBackward0"] == 1
