"""Profiler events, their averages by name, and the table ``key_averages().table()`` prints.

Times are microseconds (floats), as in ``torch.autograd.profiler_util``.
"""

import json
import os
import secrets

__all__ = ["EventList", "FunctionEvent", "FunctionEventAvg"]


def _format_time(time_us):
    """``1.234ms`` / ``12.345us`` / ``1.000s``, as PyTorch prints times."""
    if time_us >= 1e6:
        return f"{time_us / 1e6:.3f}s"
    if time_us >= 1e3:
        return f"{time_us / 1e3:.3f}ms"
    return f"{time_us:.3f}us"


def _format_share(time_us, total_us):
    if total_us == 0:
        return "NaN"
    return f"{time_us * 100.0 / total_us:.2f}%"


class _TimeStrings:
    """The ``*_str`` views PyTorch's events have."""

    @property
    def cpu_time_total_str(self):
        """``cpu_time_total`` with a unit, as the profiler's table prints it."""
        return _format_time(self.cpu_time_total)

    @property
    def self_cpu_time_total_str(self):
        """``self_cpu_time_total`` with a unit, as the profiler's table prints it."""
        return _format_time(self.self_cpu_time_total)

    @property
    def cpu_time_str(self):
        """``cpu_time`` (the time per call) with a unit, as the profiler's table prints it."""
        return _format_time(self.cpu_time)


class FunctionEvent(_TimeStrings):
    """One recorded call: an op's forward, a node's backward or a ``record_function`` block."""

    def __init__(self, id, name, thread, start_us, input_shapes, is_user_annotation=False):
        self.id = id
        self.name = name
        self.key = name
        self.thread = thread
        self.start_us = start_us
        self.end_us = start_us
        self.input_shapes = input_shapes
        self.is_user_annotation = is_user_annotation
        self.cpu_parent = None
        self.cpu_children = []
        self.count = 1

    @property
    def cpu_time_total(self):
        """Wall time from entry to exit, children included (microseconds)."""
        return self.end_us - self.start_us

    @property
    def self_cpu_time_total(self):
        """``cpu_time_total`` less the time of the events nested directly inside."""
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    cpu_time = cpu_time_total

    def __repr__(self):
        return (
            f"<FunctionEvent id={self.id} name={self.name} thread={self.thread} "
            f"cpu_time={self.cpu_time_total_str} input_shapes={self.input_shapes}>"
        )


class FunctionEventAvg(_TimeStrings):
    """The events of one key (name, and input shapes when grouped by them), summed."""

    def __init__(self, key, input_shapes=None):
        self.key = key
        self.input_shapes = input_shapes
        self.count = 0
        self.cpu_time_total = 0.0
        self.self_cpu_time_total = 0.0
        self.is_user_annotation = False

    def add(self, event):
        """Accumulate ``event`` into this average; returns self."""
        self.count += event.count
        self.cpu_time_total += event.cpu_time_total
        self.self_cpu_time_total += event.self_cpu_time_total
        self.is_user_annotation = event.is_user_annotation
        return self

    @property
    def cpu_time(self):
        """Average wall time per call (microseconds)."""
        return self.cpu_time_total / self.count if self.count else 0.0

    def __repr__(self):
        return (
            f"<FunctionEventAvg key={self.key} self_cpu_time={self.self_cpu_time_total_str} "
            f"cpu_time={self.cpu_time_str} input_shapes={self.input_shapes}>"
        )


class EventList(list):
    """A list of events with PyTorch's ``key_averages``, ``table`` and ``export_chrome_trace``."""

    def __init__(self, *args, grouped_by_shapes=False):
        super().__init__(*args)
        self._grouped_by_shapes = grouped_by_shapes

    def key_averages(self, group_by_input_shape=False):
        """One ``FunctionEventAvg`` per name (and per input shapes, when asked)."""
        averages = {}
        for evt in self:
            key = (evt.key, str(evt.input_shapes)) if group_by_input_shape else evt.key
            avg = averages.get(key)
            if avg is None:
                shapes = evt.input_shapes if group_by_input_shape else None
                avg = averages[key] = FunctionEventAvg(evt.key, shapes)
            avg.add(evt)
        return EventList(averages.values(), grouped_by_shapes=group_by_input_shape)

    def total_average(self):
        """All events summed into one ``FunctionEventAvg`` keyed ``Total``."""
        total = FunctionEventAvg("Total")
        for evt in self:
            total.add(evt)
        return total

    @property
    def self_cpu_time_total(self):
        """Sum of the self times: the profiled wall time spent in recorded code."""
        return sum(evt.self_cpu_time_total for evt in self)

    def table(self, sort_by=None, row_limit=100, max_name_column_width=55, header=None, **kwargs):
        """The events as PyTorch's text table, sorted by ``sort_by`` (an attribute such as
        ``"self_cpu_time_total"``, ``"cpu_time_total"``, ``"count"``), highest first."""
        return _build_table(self, sort_by, row_limit, max_name_column_width, header)

    def __str__(self):
        return self.table()

    def export_chrome_trace(self, path):
        """Write the events as Chrome trace JSON (complete events, ``ph: "X"``), safely."""
        pid = os.getpid()
        trace = []
        for evt in self:
            record = {
                "ph": "X",
                "cat": "user_annotation" if evt.is_user_annotation else "cpu_op",
                "name": evt.name,
                "pid": pid,
                "tid": evt.thread,
                "ts": evt.start_us,
                "dur": evt.cpu_time_total,
                "args": {},
            }
            if evt.input_shapes is not None:
                record["args"]["Input Dims"] = evt.input_shapes
            trace.append(record)
        doc = {"schemaVersion": 1, "displayTimeUnit": "ms", "traceEvents": trace}
        path = os.fspath(path)
        tmp = f"{path}.tmp-{secrets.token_hex(4)}"
        try:
            with open(tmp, "w") as out:
                json.dump(doc, out)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)


_SORT_KEYS = {
    "cpu_time",
    "cpu_time_total",
    "self_cpu_time_total",
    "count",
}


def _build_table(events, sort_by, row_limit, max_name_column_width, header):
    shapes = events._grouped_by_shapes  # an input-shapes column, as PyTorch's grouped tables
    if sort_by is not None:
        if sort_by not in _SORT_KEYS:
            raise AttributeError(
                f"sort_by must be one of {sorted(_SORT_KEYS)} for CPU events, got {sort_by!r}"
            )
        events = sorted(events, key=lambda evt: getattr(evt, sort_by), reverse=True)
    if not events:
        return ""
    name_width = max(len(evt.key) for evt in events) + 4
    if max_name_column_width is not None:
        name_width = min(name_width, max_name_column_width)
    widths = [name_width] + [12] * 6
    headers = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg"]
    headers.append("# of Calls")
    if shapes:
        widths.append(min(max(len(str(evt.input_shapes)) for evt in events) + 4, 80))
        headers.append("Input Shapes")
    row_format = "".join("{: >" + str(w) + "}  " for w in widths)
    sep = "".join("-" * w + "  " for w in widths)
    line_length = sum(w + 2 for w in widths) - 2
    total = sum(evt.self_cpu_time_total for evt in events)
    lines = []
    if header is not None:
        lines += ["=" * line_length, header]
    lines += [sep, row_format.format(*headers), sep]
    for evt in events[:row_limit] if row_limit and row_limit > 0 else events:
        name = evt.key
        if max_name_column_width is not None and len(name) >= max_name_column_width - 3:
            name = name[: max_name_column_width - 3] + "..."
        row = [
            name,
            _format_share(evt.self_cpu_time_total, total),
            evt.self_cpu_time_total_str,
            _format_share(evt.cpu_time_total, total),
            evt.cpu_time_total_str,
            evt.cpu_time_str,
            evt.count,
        ]
        if shapes:
            row.append(str(evt.input_shapes)[: widths[-1]])
        lines.append(row_format.format(*row))
    lines += [sep, f"Self CPU time total: {_format_time(total)}"]
    return "\n".join(lines) + "\n"
