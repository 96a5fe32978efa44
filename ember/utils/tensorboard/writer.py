"""``SummaryWriter``: PyTorch's TensorBoard writer, writing event files without TensorFlow."""

import io
import os
import socket
import time
from datetime import datetime

import numpy as np

from ember._tensor import Tensor
from ember.utils.tensorboard import _proto
from ember.utils.tensorboard._record import EventFileWriter

__all__ = ["SummaryWriter"]


def _numpy(value):
    """``value`` (an ember Tensor, a NumPy array, a number, anything array-like) as an array."""
    if isinstance(value, Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def _scalar(value):
    array = _numpy(value).squeeze()
    if array.ndim != 0:
        raise AssertionError(
            f"Tensor should contain one element (0 dimensions). Was given size: {array.size} and "
            f"{array.ndim} dimensions."
        )
    return float(array)


def _tensorflow_bins():
    """TensorFlow's default histogram edges: +-1e-12 growing by 10% up to 1e20, and 0."""
    edges = [1e-12]
    while edges[-1] < 1e20:
        edges.append(edges[-1] * 1.1)
    edges.pop()
    return [-v for v in reversed(edges)] + [0.0] + edges


def _histogram(values, bins, max_bins):
    values = _numpy(values).astype(np.float64).reshape(-1)
    if values.size == 0:
        raise ValueError("The input has no element.")
    bins = _tensorflow_bins() if isinstance(bins, str) and bins == "tensorflow" else bins
    counts, edges = np.histogram(values, bins=bins)
    if max_bins is not None and len(counts) > max_bins:
        # Merge groups of adjacent bins, keeping every group's left edge and the last edge.
        group = len(counts) // max_bins
        counts = np.pad(counts, (0, -len(counts) % group)).reshape(-1, group).sum(axis=1)
        edges = np.append(edges[:-1:group], edges[-1])
    nonzero = np.flatnonzero(counts)
    if nonzero.size == 0:
        raise ValueError(f"add_histogram: no value of {values.size} falls inside the bins")
    first, last = nonzero[0], nonzero[-1]
    # HistogramProto buckets count values up to their limit: the left edge of the first
    # non-empty bin opens the support with an empty bucket, as TensorBoard expects.
    limits = edges[first : last + 2]
    buckets = np.concatenate([[0], counts[first : last + 1]])
    return _proto.histogram(
        min=float(values.min()),
        max=float(values.max()),
        num=float(values.size),
        sum=float(values.sum()),
        sum_squares=float(values @ values),
        bucket_limit=limits.tolist(),
        bucket=buckets.astype(np.float64).tolist(),
    )


def _to_hwc(array, dataformats):
    fmt = dataformats.upper()
    if len(set(fmt)) != len(fmt) or set(fmt) - set("CHW") or len(fmt) not in (2, 3):
        raise ValueError(f"add_image: dataformats must be CHW, HWC or HW, got {dataformats!r}")
    if array.ndim != len(fmt):
        raise ValueError(
            f"add_image: image of shape {tuple(array.shape)} does not match dataformats "
            f"{dataformats!r}"
        )
    if len(fmt) == 2:
        array = array.transpose([fmt.index(c) for c in "HW"])
        return np.stack([array] * 3, axis=2)
    array = array.transpose([fmt.index(c) for c in "HWC"])
    if array.shape[2] == 1:
        array = np.concatenate([array] * 3, axis=2)
    if array.shape[2] not in (3, 4):
        raise ValueError(f"add_image: an image has 1, 3 or 4 channels, got {array.shape[2]}")
    return array


def _image(img, dataformats):
    from PIL import Image

    array = _to_hwc(_numpy(img), dataformats)
    # As PyTorch: uint8 images are taken as they are, any other dtype as values in [0, 1].
    scale = 1 if array.dtype == np.uint8 else 255
    array = (array.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)
    height, width, channels = array.shape
    out = io.BytesIO()
    Image.fromarray(array).save(out, format="PNG")
    return _proto.image(height, width, channels, out.getvalue())


def _hparams_summaries(hparam_dict, metric_dict, hparam_domain_discrete):
    domains = hparam_domain_discrete or {}
    if not isinstance(domains, dict):
        raise TypeError("parameter: hparam_domain_discrete should be a dictionary, nothing logged.")
    for k, v in domains.items():
        if (
            k not in hparam_dict
            or not isinstance(v, list)
            or not all(isinstance(d, type(hparam_dict[k])) for d in v)
        ):
            raise TypeError(
                f"parameter: hparam_domain_discrete[{k}] should be a list of same type as "
                f"hparam_dict[{k}]."
            )
    infos, values = [], {}
    for k, v in hparam_dict.items():
        if v is None:
            continue
        if isinstance(v, Tensor):
            v = float(_numpy(v).reshape(-1)[0])
        if isinstance(v, bool):
            kind = _proto.DATA_TYPE_BOOL
        elif isinstance(v, (int, float)):
            kind = _proto.DATA_TYPE_FLOAT64
        elif isinstance(v, str):
            kind = _proto.DATA_TYPE_STRING
        else:
            raise ValueError("value should be one of int, float, str, bool, or torch.Tensor")
        values[k] = v
        infos.append(_proto.hparam_info(k, kind, domains.get(k)))

    def plugin_summary(tag, content):
        metadata = _proto.summary_metadata("hparams", content)
        return _proto.summary(_proto.summary_value(tag, metadata=metadata))

    start = _proto.hparams_plugin_data(session_start=_proto.session_start_info(values))
    exp = _proto.hparams_plugin_data(experiment=_proto.experiment(infos, list(metric_dict)))
    end = _proto.hparams_plugin_data(session_end=_proto.session_end_info(_proto.STATUS_SUCCESS))
    return (
        plugin_summary("_hparams_/experiment", exp),
        plugin_summary("_hparams_/session_start_info", start),
        plugin_summary("_hparams_/session_end_info", end),
    )


class SummaryWriter:
    """Write TensorBoard event files into ``log_dir``, as ``torch.utils.tensorboard``'s writer.

    ``log_dir`` defaults to ``runs/<Mon>DD_HH-MM-SS_<host><comment>``. ``purge_step`` tells
    TensorBoard to discard events at or after that step from earlier runs in the same folder
    (resuming after a crash).

    Differences from PyTorch: ``add_graph``, ``add_embedding``, ``add_figure``,
    ``add_pr_curve``, ``add_audio``, ``add_video``, ``add_mesh`` and ``add_images`` are not
    provided.
    """

    def __init__(
        self,
        log_dir=None,
        comment="",
        purge_step=None,
        max_queue=10,
        flush_secs=120,
        filename_suffix="",
    ):
        if not log_dir:
            stamp = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", f"{stamp}_{socket.gethostname()}{comment}")
        self.log_dir = os.fspath(log_dir)
        self.purge_step = purge_step
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self.filename_suffix = filename_suffix
        self.file_writer = EventFileWriter(self.log_dir, max_queue, flush_secs, filename_suffix)
        self.all_writers = {self.file_writer.get_logdir(): self.file_writer}
        if purge_step is not None:
            log = _proto.session_log(_proto.SESSION_START)
            self.file_writer.add_event(_proto.event(time.time(), purge_step, session_log=log))
            self.file_writer.flush()

    def get_logdir(self):
        """The directory the event files are written into."""
        return self.log_dir

    def _write(self, summary, global_step, walltime, writer=None):
        walltime = time.time() if walltime is None else float(walltime)
        step = 0 if global_step is None else int(_scalar(global_step))
        (writer or self.file_writer).add_event(_proto.event(walltime, step, summary=summary))

    def add_scalar(
        self,
        tag,
        scalar_value,
        global_step=None,
        walltime=None,
        new_style=False,
        double_precision=False,
    ):
        """Log one number (``simple_value``; a scalar tensor with ``new_style=True``)."""
        value = _scalar(scalar_value)
        if new_style:
            metadata = _proto.summary_metadata("scalars")
            tensor = _proto.scalar_tensor(value, double_precision)
            summary = _proto.summary(_proto.summary_value(tag, tensor=tensor, metadata=metadata))
        else:
            summary = _proto.summary(_proto.summary_value(tag, simple_value=value))
        self._write(summary, global_step, walltime)

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        """Log several numbers on one chart: each goes to its own run, in a sub-folder named
        ``<main_tag>_<tag>`` (slashes in ``main_tag`` become underscores), as PyTorch does."""
        walltime = time.time() if walltime is None else walltime
        for tag, value in tag_scalar_dict.items():
            path = self.log_dir + "/" + main_tag.replace("/", "_") + "_" + tag
            writer = self.all_writers.get(path)
            if writer is None:
                writer = EventFileWriter(
                    path, self.max_queue, self.flush_secs, self.filename_suffix
                )
                self.all_writers[path] = writer
            summary = _proto.summary(_proto.summary_value(main_tag, simple_value=_scalar(value)))
            self._write(summary, global_step, walltime, writer)

    def add_histogram(
        self, tag, values, global_step=None, bins="tensorflow", walltime=None, max_bins=None
    ):
        """Log the histogram of ``values``; ``bins`` is ``"tensorflow"`` (TensorFlow's
        exponential edges) or anything ``numpy.histogram`` accepts."""
        histo = _histogram(values, bins, max_bins)
        self._write(_proto.summary(_proto.summary_value(tag, histo=histo)), global_step, walltime)

    def add_image(self, tag, img_tensor, global_step=None, walltime=None, dataformats="CHW"):
        """Log an image (PNG): ``CHW``, ``HWC`` or ``HW``; uint8 in [0, 255] or float in
        [0, 1]."""
        image = _image(img_tensor, dataformats)
        self._write(_proto.summary(_proto.summary_value(tag, image=image)), global_step, walltime)

    def add_text(self, tag, text_string, global_step=None, walltime=None):
        """Log text (Markdown) for TensorBoard's text plugin, under ``<tag>/text_summary``."""
        value = _proto.summary_value(
            tag + "/text_summary",
            tensor=_proto.string_tensor([text_string]),
            metadata=_proto.summary_metadata("text"),
        )
        self._write(_proto.summary(value), global_step, walltime)

    def add_hparams(
        self, hparam_dict, metric_dict, hparam_domain_discrete=None, run_name=None, global_step=None
    ):
        """Log a run's hyperparameters and final metrics for TensorBoard's HPARAMS tab, in a
        sub-run ``run_name`` (default: the current time)."""
        if type(hparam_dict) is not dict or type(metric_dict) is not dict:
            raise TypeError("hparam_dict and metric_dict should be dictionary.")
        summaries = _hparams_summaries(hparam_dict, metric_dict, hparam_domain_discrete)
        log_dir = os.path.join(self.log_dir, run_name or str(time.time()))
        with SummaryWriter(log_dir=log_dir) as sub:
            for summary in summaries:
                sub._write(summary, global_step, None)
            for k, v in metric_dict.items():
                sub.add_scalar(k, v, global_step)

    def flush(self):
        """Write every queued event to disk."""
        for writer in self.all_writers.values():
            writer.flush()

    def close(self):
        """Flush and close every event file of this writer."""
        for writer in self.all_writers.values():
            writer.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
