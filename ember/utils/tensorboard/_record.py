"""TFRecord framing and the event file: what TensorBoard's reader expects on disk.

Each record is ``length`` (uint64 LE), ``masked_crc32c(length bytes)`` (uint32 LE), the data,
``masked_crc32c(data)`` (uint32 LE). The CRC is CRC-32C (Castagnoli, reflected polynomial
0x82F63B78), masked as ``((crc >> 15) | (crc << 17)) + 0xA282EAD8`` modulo 2**32.
"""

import atexit
import itertools
import os
import socket
import struct
import threading
import time
import weakref

from ember.utils.tensorboard import _proto

__all__ = ["EventFileWriter", "crc32c", "masked_crc32c", "frame"]


def _crc_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _crc_table()


def crc32c(data):
    """CRC-32C of ``data`` (``crc32c(b"123456789") == 0xE3069283``)."""
    crc = 0xFFFFFFFF
    table = _TABLE
    for byte in bytes(data):
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    """The masked CRC-32C that TFRecord files store."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def frame(data):
    """One TFRecord: the framed bytes of ``data``."""
    length = struct.pack("<Q", len(data))
    return (
        length
        + struct.pack("<I", masked_crc32c(length))
        + data
        + struct.pack("<I", masked_crc32c(data))
    )


_UID = itertools.count()
_OPEN = weakref.WeakSet()  # writers not closed yet: flushed when the interpreter exits


@atexit.register
def _close_open_writers():
    for writer in list(_OPEN):
        writer.close()


class EventFileWriter:
    """Appends events to ``<log_dir>/events.out.tfevents.<time>.<host>.<pid>.<uid><suffix>``.

    Events queue in memory and reach the file when ``max_queue`` are waiting, every
    ``flush_secs`` seconds (a daemon thread), on ``flush()`` and on ``close()``.
    """

    def __init__(self, log_dir, max_queue=10, flush_secs=120, filename_suffix=""):
        self.log_dir = str(log_dir)
        os.makedirs(self.log_dir, exist_ok=True)
        name = (
            f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}."
            f"{os.getpid()}.{next(_UID)}{filename_suffix}"
        )
        self.path = os.path.join(self.log_dir, name)
        self.max_queue = max_queue
        self._queue = []
        self._lock = threading.Lock()
        self._file = open(self.path, "wb")  # noqa: SIM115  (held open until close)
        self._closed = False
        # The first record names the format version, so a reader recognises the file at once.
        self.add_event(_proto.event(time.time(), file_version="brain.Event:2"))
        self.flush()
        self._stop = threading.Event()
        self._flusher = threading.Thread(target=self._flush_every, args=(flush_secs,), daemon=True)
        self._flusher.start()
        _OPEN.add(self)

    def get_logdir(self):
        """The directory this writer writes into."""
        return self.log_dir

    def add_event(self, event_bytes):
        """Queue one encoded ``Event``; writes the queue when it is full."""
        with self._lock:
            if self._closed:
                raise RuntimeError(f"the event file {self.path} is closed")
            self._queue.append(frame(event_bytes))
            full = len(self._queue) >= self.max_queue
        if full:
            self.flush()

    def flush(self):
        """Write the queued events and flush the file to the OS."""
        with self._lock:
            if self._closed:
                return
            if self._queue:
                self._file.write(b"".join(self._queue))
                self._queue.clear()
            self._file.flush()

    def _flush_every(self, seconds):
        while not self._stop.wait(seconds):
            self.flush()

    def close(self):
        """Flush and close the file; later events raise."""
        if self._closed:
            return
        _OPEN.discard(self)
        self._stop.set()
        self.flush()
        with self._lock:
            self._closed = True
            self._file.close()
        if self._flusher is not threading.current_thread():
            self._flusher.join()
