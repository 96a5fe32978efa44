"""The results table printed by ``python -m ember.bench`` and its JSON form."""

import json
import os
import tempfile
from pathlib import Path

__all__ = ["COLUMNS", "format_table", "write_json"]

COLUMNS = (
    "workload",
    "n",
    "ember ms",
    "torch ms",
    "ember/torch",
    "ember MiB",
    "torch MiB",
    "ember GF/s",
    "torch GF/s",
    "% peak e/t",
    "detail",
)
_MIB = 1 << 20


def _number(value, fmt):
    return "-" if value is None else format(value, fmt)


def _detail(row):
    """Per-op microseconds or images per second, from ``row["per"]``; or the error."""
    if row.get("error"):
        return row["error"]
    per = row.get("per")
    if per is None:
        return ""
    count, unit = per
    cells = []
    for fw in ("ember", "torch"):
        seconds = row.get(f"{fw}_s")
        if seconds is None:
            continue
        value = seconds / count * 1e6 if unit == "us/op" else count / seconds
        cells.append(f"{fw} {value:,.1f} {unit}")
    return ", ".join(cells)


def _cells(row, peak_flops):
    e_s, t_s = row.get("ember_s"), row.get("torch_s")
    e_mem, t_mem = row.get("ember_peak_bytes"), row.get("torch_peak_bytes")
    e_gf, t_gf = row.get("ember_gflops"), row.get("torch_gflops")
    percent = "-"
    if e_gf is not None and t_gf is not None and peak_flops:
        percent = f"{100 * e_gf * 1e9 / peak_flops:.1f}/{100 * t_gf * 1e9 / peak_flops:.1f}"
    return (
        row["name"],
        str(row.get("repeats", "-")),
        _number(e_s and e_s * 1e3, ".2f"),
        _number(t_s and t_s * 1e3, ".2f"),
        _number(row.get("ratio"), ".2f"),
        _number(e_mem and e_mem / _MIB, ".1f"),
        _number(t_mem and t_mem / _MIB, ".1f"),
        _number(e_gf, ".1f"),
        _number(t_gf, ".1f"),
        percent,
        _detail(row),
    )


def format_table(rows, peak_flops):
    """The rows (dicts as in the JSON output) as an aligned text table under ``COLUMNS``."""
    table = [COLUMNS] + [_cells(row, peak_flops) for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS) - 1)]
    lines = []
    for line in table:
        head = [line[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(line[1:-1], widths[1:])]
        lines.append("  ".join(head + [line[-1]]).rstrip())
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def write_json(path, results):
    """Write ``results`` as JSON to ``path`` through a temporary file and a rename."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(results, f, indent=2)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
