"""SummaryWriter: event files read back by a reader written here, and, where the tensorboard
package is installed, by TensorBoard's own EventAccumulator and against PyTorch's summaries."""

import importlib.util
import io
import struct

import numpy as np
import pytest
from PIL import Image

import ember
from ember.testing.device import devices
from ember.utils.tensorboard import SummaryWriter
from ember.utils.tensorboard._record import crc32c, masked_crc32c

HAS_TENSORBOARD = importlib.util.find_spec("tensorboard") is not None
needs_tensorboard = pytest.mark.skipif(
    not HAS_TENSORBOARD, reason="the tensorboard package is not installed"
)

# ---- an independent reader: TFRecord framing and protobuf wire format -------------------------


def _crc32c_bitwise(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 * (crc & 1))
    return crc ^ 0xFFFFFFFF


def _mask(crc):
    return ((crc >> 15 | crc << 17) + 0xA282EAD8) % 2**32


def _records(path):
    data = path.read_bytes()
    pos, out = 0, []
    while pos < len(data):
        (n,) = struct.unpack_from("<Q", data, pos)
        (len_crc,) = struct.unpack_from("<I", data, pos + 8)
        assert len_crc == _mask(_crc32c_bitwise(data[pos : pos + 8]))
        payload = data[pos + 12 : pos + 12 + n]
        (data_crc,) = struct.unpack_from("<I", data, pos + 12 + n)
        assert data_crc == _mask(_crc32c_bitwise(payload))
        out.append(payload)
        pos += 16 + n
    assert pos == len(data)
    return out


def _varint(buf, pos):
    shift = value = 0
    while True:
        byte = buf[pos]
        value |= (byte & 0x7F) << shift
        pos += 1
        shift += 7
        if not byte & 0x80:
            return value, pos


def _fields(buf):
    """{field number: [raw values]}: ints for varints, bytes for the rest."""
    out, pos = {}, 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos : pos + 8], pos + 8
        elif wire == 5:
            value, pos = buf[pos : pos + 4], pos + 4
        else:
            assert wire == 2, wire
            n, pos = _varint(buf, pos)
            value, pos = buf[pos : pos + n], pos + n
        out.setdefault(number, []).append(value)
    return out


def _double(raw):
    return struct.unpack("<d", raw)[0]


def _events(log_dir):
    (path,) = sorted(log_dir.glob("events.out.tfevents.*"))
    return [_fields(r) for r in _records(path)]


def _values(log_dir):
    """(step, Summary.Value fields) of every summary value in ``log_dir``'s event file."""
    out = []
    for evt in _events(log_dir):
        for summary in evt.get(5, []):
            for value in _fields(summary).get(1, []):
                out.append((evt.get(2, [0])[0], _fields(value)))
    return out


# ---- tests -----------------------------------------------------------------------------------


def test_crc32c_check_value_and_mask():
    assert crc32c(b"123456789") == 0xE3069283  # the published CRC-32C check value
    assert _crc32c_bitwise(b"123456789") == 0xE3069283
    rng = np.random.default_rng(0)
    for n in (0, 1, 7, 100):
        data = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
        assert crc32c(data) == _crc32c_bitwise(data)
        assert masked_crc32c(data) == _mask(_crc32c_bitwise(data))


def test_event_file_name_and_first_event(tmp_path):
    with SummaryWriter(tmp_path, filename_suffix=".v1") as w:
        assert w.get_logdir() == str(tmp_path)
    (path,) = tmp_path.iterdir()
    parts = path.name.split(".")
    assert path.name.startswith("events.out.tfevents.") and path.name.endswith(".v1")
    assert len(parts[3]) == 10 and parts[3].isdigit()
    (first,) = _events(tmp_path)
    assert first[3] == [b"brain.Event:2"] and _double(first[1][0]) > 1e9


def test_add_scalar_round_trip(tmp_path):
    with SummaryWriter(tmp_path) as w:
        for step in range(4):
            w.add_scalar("loss/train", ember.tensor(1.0 / (step + 1)), step, walltime=100.0 + step)
        w.add_scalar("lr", np.float64(0.1), ember.tensor(7))
    values = _values(tmp_path)
    assert [(s, f[1][0]) for s, f in values] == [(s, b"loss/train") for s in range(4)] + [
        (7, b"lr")
    ]
    got = [struct.unpack("<f", f[2][0])[0] for _, f in values]
    np.testing.assert_allclose(got, [1.0, 0.5, 1 / 3, 0.25, 0.1], rtol=1e-7)
    walltimes = [_double(e[1][0]) for e in _events(tmp_path)[1:5]]
    assert walltimes == [100.0, 101.0, 102.0, 103.0]
    with pytest.raises(AssertionError, match="one element"):
        SummaryWriter(tmp_path / "x").add_scalar("bad", ember.ones(2))


def test_add_scalars_writes_sub_runs_as_pytorch(tmp_path):
    with SummaryWriter(tmp_path) as w:
        w.add_scalars("run/loss", {"train": 1.0, "val": 2.0}, 3)
    for tag, expected in (("train", 1.0), ("val", 2.0)):
        ((step, value),) = _values(tmp_path / f"run_loss_{tag}")
        assert step == 3 and value[1] == [b"run/loss"]
        assert struct.unpack("<f", value[2][0])[0] == expected


def test_add_histogram_buckets_cover_the_values(tmp_path):
    values = np.random.default_rng(0).normal(size=500)
    with SummaryWriter(tmp_path) as w:
        w.add_histogram("w", ember.tensor(values), 1)
        w.add_histogram("w10", values, 1, bins=10)
    for _, value in _values(tmp_path):
        histo = _fields(value[5][0])
        assert _double(histo[1][0]) == values.min() and _double(histo[2][0]) == values.max()
        assert _double(histo[3][0]) == 500 and _double(histo[4][0]) == pytest.approx(values.sum())
        assert _double(histo[5][0]) == pytest.approx(values @ values)
        limits = np.frombuffer(histo[6][0], "<f8")
        counts = np.frombuffer(histo[7][0], "<f8")
        assert counts.sum() == 500 and counts[0] == 0 and np.all(np.diff(limits) > 0)
        # Each bucket counts the values between the previous limit and its own.
        expected = np.histogram(values, bins=limits)[0]
        np.testing.assert_array_equal(counts[1:], expected)
    with pytest.raises(ValueError, match="no element"):
        SummaryWriter(tmp_path / "e").add_histogram("empty", np.zeros(0))


@pytest.mark.parametrize("dataformats", ["CHW", "HWC", "HW"])
def test_add_image_png_decodes_to_the_scaled_pixels(tmp_path, dataformats):
    rng = np.random.default_rng(1)
    hwc = rng.random((5, 7, 3)).astype(np.float32)
    if dataformats == "HW":
        hwc = np.repeat(hwc[:, :, :1], 3, axis=2)
        img = hwc[:, :, 0]
    else:
        img = hwc.transpose(2, 0, 1) if dataformats == "CHW" else hwc
    with SummaryWriter(tmp_path) as w:
        w.add_image("img", ember.tensor(img), 0, dataformats=dataformats)
    ((_, value),) = _values(tmp_path)
    image = _fields(value[4][0])
    assert (image[1][0], image[2][0], image[3][0]) == (5, 7, 3)
    pixels = np.asarray(Image.open(io.BytesIO(image[4][0])))
    np.testing.assert_array_equal(pixels, (hwc * 255).clip(0, 255).astype(np.uint8))


def test_add_image_rejects_mismatched_format(tmp_path):
    with SummaryWriter(tmp_path) as w, pytest.raises(ValueError, match="dataformats"):
        w.add_image("img", np.zeros((3, 4, 5)), dataformats="HW")


def test_add_text_is_a_text_plugin_string_tensor(tmp_path):
    with SummaryWriter(tmp_path) as w:
        w.add_text("notes", "hello **world** ✓", 2)
    ((step, value),) = _values(tmp_path)
    assert step == 2 and value[1] == [b"notes/text_summary"]
    plugin = _fields(_fields(value[9][0])[1][0])
    assert plugin[1] == [b"text"]
    tensor = _fields(value[8][0])
    assert tensor[1] == [7]  # DT_STRING
    assert tensor[8] == ["hello **world** ✓".encode()]


def test_add_hparams_writes_the_three_plugin_summaries_and_metrics(tmp_path):
    with SummaryWriter(tmp_path) as w:
        w.add_hparams({"lr": 0.1, "opt": "sgd", "bn": True}, {"acc": 0.75}, run_name="trial")
    values = _values(tmp_path / "trial")
    tags = [f[1][0] for _, f in values]
    assert tags == [
        b"_hparams_/experiment",
        b"_hparams_/session_start_info",
        b"_hparams_/session_end_info",
        b"acc",
    ]
    for _, value in values[:3]:
        assert _fields(_fields(value[9][0])[1][0])[1] == [b"hparams"]
    assert struct.unpack("<f", values[3][1][2][0])[0] == 0.75


def test_purge_step_writes_a_session_start(tmp_path):
    with SummaryWriter(tmp_path, purge_step=5):
        pass
    events = _events(tmp_path)
    assert events[1][2] == [5] and _fields(events[1][7][0])[1] == [1]  # SessionLog.START


def test_events_reach_disk_when_the_queue_fills_and_on_flush(tmp_path):
    w = SummaryWriter(tmp_path, max_queue=3)
    (path,) = tmp_path.iterdir()
    size = path.stat().st_size
    w.add_scalar("a", 1.0)
    w.add_scalar("a", 2.0)
    assert path.stat().st_size == size  # still queued
    w.add_scalar("a", 3.0)
    assert path.stat().st_size > size  # the queue filled: written
    w.add_scalar("a", 4.0)
    w.flush()
    assert len(_values(tmp_path)) == 4
    w.close()
    with pytest.raises(RuntimeError, match="closed"):
        w.add_scalar("a", 5.0)


def test_default_log_dir_is_under_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with SummaryWriter(comment="_exp") as w:
        assert w.get_logdir().startswith("runs") and w.get_logdir().endswith("_exp")


@needs_tensorboard
def test_tensorboard_event_accumulator_reads_our_files(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    with SummaryWriter(tmp_path) as w:
        for step in range(3):
            w.add_scalar("loss", 0.5 * step, step)
        w.add_histogram("h", np.arange(10.0), 1)
        w.add_image("img", np.zeros((3, 4, 6)), 1)
        w.add_text("t", "text", 1)
    acc = EventAccumulator(str(tmp_path), size_guidance={"tensors": 0})
    acc.Reload()
    assert [(e.step, e.value) for e in acc.Scalars("loss")] == [(0, 0.0), (1, 0.5), (2, 1.0)]
    assert acc.Histograms("h")[0].histogram_value.num == 10
    assert (acc.Images("img")[0].width, acc.Images("img")[0].height) == (6, 4)
    assert acc.Tensors("t/text_summary")[0].tensor_proto.string_val == [b"text"]


@needs_tensorboard
def test_summaries_equal_pytorch_summaries(tmp_path):
    import torch
    from tensorboard.compat.proto.summary_pb2 import Summary
    from tensorboard.plugins.hparams.plugin_data_pb2 import HParamsPluginData
    from torch.utils.tensorboard import summary as tsummary
    from torch.utils.tensorboard.writer import SummaryWriter as TorchWriter

    values = np.random.default_rng(2).normal(size=300)
    img = np.random.default_rng(3).random((3, 4, 5)).astype(np.float32)
    with SummaryWriter(tmp_path) as w:
        w.add_scalar("s", 0.25, 1)
        w.add_histogram("h", values, 1)
        w.add_histogram("h8", values, 1, bins=20, max_bins=8)
        w.add_image("i", img, 1)
        w.add_text("t", "hi", 1)
    torch_writer = TorchWriter(tmp_path / "torch")
    torch_writer.close()
    expected = [
        tsummary.scalar("s", 0.25),
        tsummary.histogram("h", values, torch_writer.default_bins),
        tsummary.histogram("h8", values, 20, max_bins=8),
        tsummary.image("i", torch.from_numpy(img), dataformats="CHW"),
        tsummary.text("t", "hi"),
    ]
    ours = [Summary.FromString(s) for e in _events(tmp_path) for s in e.get(5, [])]
    assert len(ours) == len(expected)
    for mine, theirs in zip(ours, expected):
        assert mine == theirs, (mine, theirs)
    exp, ssi, sei = tsummary.hparams({"lr": 0.1, "opt": "sgd"}, {"acc": 0.5})
    with SummaryWriter(tmp_path / "hp") as w:
        w.add_hparams({"lr": 0.1, "opt": "sgd"}, {"acc": 0.5}, run_name="r")
    ours = [Summary.FromString(s) for e in _events(tmp_path / "hp" / "r") for s in e.get(5, [])]
    for mine, theirs in zip(ours[:3], [exp, ssi, sei]):
        # The plugin content holds a protobuf map, whose serialized order is unspecified:
        # compare it decoded.
        (mine_value,), (their_value,) = mine.value, theirs.value
        assert mine_value.tag == their_value.tag
        mine_data, their_data = mine_value.metadata.plugin_data, their_value.metadata.plugin_data
        assert mine_data.plugin_name == their_data.plugin_name == "hparams"
        parse = HParamsPluginData.FromString
        assert parse(mine_data.content) == parse(their_data.content)


@pytest.mark.parametrize("device", [d for d in devices(test=True) if d != "cpu"])
def test_device_tensors_are_logged(tmp_path, device):
    values = ember.arange(10.0).to(device)
    with SummaryWriter(tmp_path) as w:
        w.add_scalar("s", values.sum(), 0)
        w.add_histogram("h", values, 0)
    (_, scalar), (_, histo) = _values(tmp_path)
    assert struct.unpack("<f", scalar[2][0])[0] == 45.0
    assert _double(_fields(histo[5][0])[3][0]) == 10
