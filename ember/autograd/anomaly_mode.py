"""Anomaly detection: record each node's forward traceback and check backward for NaN."""

from ember.autograd.grad_mode import GRAD

__all__ = [
    "detect_anomaly",
    "set_detect_anomaly",
    "is_anomaly_enabled",
    "is_anomaly_check_nan_enabled",
]


def is_anomaly_enabled():
    """Whether anomaly detection is on."""
    return GRAD.anomaly


def is_anomaly_check_nan_enabled():
    """Whether anomaly detection checks backward outputs for NaN."""
    return GRAD.anomaly_check_nan


class detect_anomaly:
    """Context manager that turns anomaly detection on: a backward that produces NaN raises
    an error naming the op, after printing the traceback of that op's forward call."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan

    def __enter__(self):
        self.prev = GRAD.anomaly, GRAD.anomaly_check_nan
        GRAD.anomaly, GRAD.anomaly_check_nan = True, self.check_nan

    def __exit__(self, *exc):
        GRAD.anomaly, GRAD.anomaly_check_nan = self.prev
        return False


class set_detect_anomaly:
    """Turn anomaly detection on or off, as a function or a context manager."""

    def __init__(self, mode, check_nan=True):
        self.prev = GRAD.anomaly, GRAD.anomaly_check_nan
        GRAD.anomaly, GRAD.anomaly_check_nan = bool(mode), check_nan

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        GRAD.anomaly, GRAD.anomaly_check_nan = self.prev
        return False
