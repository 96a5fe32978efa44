"""The protobuf messages of TensorBoard event files, encoded by hand (no protobuf package).

Note [protobuf wire format]
A message is a sequence of fields, each a key ``(field_number << 3) | wire_type`` as a varint,
then the value: wire type 0 a varint (ints, bools, enums), 1 eight little-endian bytes (double),
2 a varint length then that many bytes (strings, bytes, nested messages, packed repeated
numbers), 5 four little-endian bytes (float). Fields equal to their default are omitted, as
proto3 serializers do. The field numbers below are those of TensorFlow's ``event.proto``,
``summary.proto``, ``tensor.proto`` and TensorBoard's hparams ``plugin_data.proto``.
"""

import struct

__all__ = [
    "event",
    "experiment",
    "hparam_info",
    "hparams_plugin_data",
    "histogram",
    "image",
    "scalar_tensor",
    "session_end_info",
    "session_log",
    "session_start_info",
    "string_tensor",
    "summary",
    "summary_metadata",
    "summary_value",
]


def varint(n):
    """``n`` as a base-128 varint; negative numbers as their 64-bit two's complement."""
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        low = n & 0x7F
        n >>= 7
        if n:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _key(number, wire_type):
    return varint((number << 3) | wire_type)


def f_varint(number, value):
    """An int, bool or enum field (omitted when 0)."""
    return _key(number, 0) + varint(int(value)) if value else b""


def f_double(number, value, keep_zero=False):
    """A double field (omitted when 0.0 unless ``keep_zero``)."""
    if not value and not keep_zero:
        return b""
    return _key(number, 1) + struct.pack("<d", value)


def f_float(number, value, keep_zero=False):
    """A float field (omitted when 0.0 unless ``keep_zero``)."""
    if not value and not keep_zero:
        return b""
    return _key(number, 5) + struct.pack("<f", value)


def f_bytes(number, value, keep_empty=False):
    """A length-delimited field: str (UTF-8), bytes or an encoded nested message."""
    if isinstance(value, str):
        value = value.encode("utf-8")
    if not value and not keep_empty:
        return b""
    return _key(number, 2) + varint(len(value)) + value


def f_packed_doubles(number, values):
    """A packed repeated double field."""
    values = list(values)
    if not values:
        return b""
    return f_bytes(number, struct.pack(f"<{len(values)}d", *values))


# ---- messages --------------------------------------------------------------------------------


def event(wall_time, step=0, file_version=None, summary=None, session_log=None):
    """``Event``: wall_time (1), step (2), file_version (3), summary (5), session_log (7)."""
    out = f_double(1, wall_time, keep_zero=True) + f_varint(2, step)
    if file_version is not None:
        out += f_bytes(3, file_version)
    if summary is not None:
        out += f_bytes(5, summary, keep_empty=True)
    if session_log is not None:
        out += f_bytes(7, session_log, keep_empty=True)
    return out


SESSION_START = 1


def session_log(status):
    """``SessionLog``: status (1). START tells TensorBoard to purge later steps."""
    return f_varint(1, status)


def summary(*values):
    """``Summary``: repeated Value (1)."""
    return b"".join(f_bytes(1, v, keep_empty=True) for v in values)


def summary_value(tag, simple_value=None, image=None, histo=None, tensor=None, metadata=None):
    """``Summary.Value``: tag (1), simple_value (2), image (4), histo (5), tensor (8),
    metadata (9)."""
    out = f_bytes(1, tag)
    if metadata is not None:
        out += f_bytes(9, metadata, keep_empty=True)
    if simple_value is not None:
        out += f_float(2, simple_value, keep_zero=True)
    if image is not None:
        out += f_bytes(4, image, keep_empty=True)
    if histo is not None:
        out += f_bytes(5, histo, keep_empty=True)
    if tensor is not None:
        out += f_bytes(8, tensor, keep_empty=True)
    return out


def image(height, width, colorspace, encoded):
    """``Summary.Image``: height (1), width (2), colorspace (3), encoded_image_string (4)."""
    return f_varint(1, height) + f_varint(2, width) + f_varint(3, colorspace) + f_bytes(4, encoded)


def histogram(min, max, num, sum, sum_squares, bucket_limit, bucket):
    """``HistogramProto``: min..sum_squares (1-5), bucket_limit (6) and bucket (7), packed."""
    return (
        f_double(1, min)
        + f_double(2, max)
        + f_double(3, num)
        + f_double(4, sum)
        + f_double(5, sum_squares)
        + f_packed_doubles(6, bucket_limit)
        + f_packed_doubles(7, bucket)
    )


def summary_metadata(plugin_name, content=b""):
    """``SummaryMetadata`` with ``plugin_data`` (1) = ``PluginData(plugin_name, content)``."""
    return f_bytes(1, f_bytes(1, plugin_name) + f_bytes(2, content))


DT_STRING = 7


def string_tensor(values):
    """``TensorProto`` of dtype DT_STRING (1), shape (2) ``[len(values)]``, string_val (8)."""
    shape = f_bytes(2, f_varint(1, len(values)), keep_empty=True)  # TensorShapeProto.dim
    return (
        f_varint(1, DT_STRING)
        + f_bytes(2, shape)
        + b"".join(f_bytes(8, v, keep_empty=True) for v in values)
    )


DT_FLOAT, DT_DOUBLE = 1, 2


def scalar_tensor(value, double_precision=False):
    """``TensorProto`` of one DT_FLOAT (float_val, 5) or DT_DOUBLE (double_val, 6) value."""
    if double_precision:
        return f_varint(1, DT_DOUBLE) + f_bytes(6, struct.pack("<d", value))
    return f_varint(1, DT_FLOAT) + f_bytes(5, struct.pack("<f", value))


# ---- hparams plugin (tensorboard/plugins/hparams/api.proto, plugin_data.proto) --------------

DATA_TYPE_STRING, DATA_TYPE_BOOL, DATA_TYPE_FLOAT64 = 1, 2, 3
STATUS_SUCCESS = 1


def struct_value(v):
    """``google.protobuf.Value``: number_value (2), string_value (3) or bool_value (4)."""
    if isinstance(v, bool):
        return _key(4, 0) + varint(int(v))
    if isinstance(v, str):
        return f_bytes(3, v, keep_empty=True)
    return f_double(2, float(v), keep_zero=True)


def hparam_info(name, data_type, domain=None):
    """``HParamInfo``: name (1), type (4), domain_discrete (6) as a ``ListValue``."""
    out = f_bytes(1, name) + f_varint(4, data_type)
    if domain is not None:
        out += f_bytes(6, b"".join(f_bytes(1, struct_value(d), keep_empty=True) for d in domain))
    return out


def hparams_plugin_data(experiment=None, session_start=None, session_end=None):
    """``HParamsPluginData``: version 0 (1); experiment (2), session_start_info (3) or
    session_end_info (4)."""
    if experiment is not None:
        return f_bytes(2, experiment, keep_empty=True)
    if session_start is not None:
        return f_bytes(3, session_start, keep_empty=True)
    return f_bytes(4, session_end, keep_empty=True)


def experiment(hparam_infos, metric_tags):
    """``Experiment``: hparam_infos (4), metric_infos (5) = ``MetricInfo(name=MetricName(tag))``."""
    out = b"".join(f_bytes(4, h, keep_empty=True) for h in hparam_infos)
    for tag in metric_tags:
        out += f_bytes(5, f_bytes(1, f_bytes(2, tag), keep_empty=True), keep_empty=True)
    return out


def session_start_info(hparams):
    """``SessionStartInfo``: hparams (1), a map of name to ``google.protobuf.Value``."""
    return b"".join(
        f_bytes(1, f_bytes(1, k) + f_bytes(2, struct_value(v), keep_empty=True), keep_empty=True)
        for k, v in hparams.items()
    )


def session_end_info(status):
    """``SessionEndInfo``: status (1)."""
    return f_varint(1, status)
