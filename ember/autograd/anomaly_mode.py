"""Anomaly detection: record each node's forward traceback and check backward for NaN.

The switch is process-wide, as PyTorch's (see Note [thread-local grad mode]).
"""

import warnings

from ember.autograd.grad_mode import GRAD, _set_anomaly

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
        warnings.warn(
            "Anomaly Detection has been enabled. This mode will increase the runtime and should "
            "only be enabled for debugging.",
            stacklevel=2,
        )

    def __enter__(self):
        self.prev = GRAD.anomaly, GRAD.anomaly_check_nan
        _set_anomaly(True, self.check_nan)

    def __exit__(self, *exc):
        _set_anomaly(*self.prev)
        return False


class set_detect_anomaly:
    """Turn anomaly detection on or off, as a function or a context manager."""

    def __init__(self, mode, check_nan=True):
        self.prev = GRAD.anomaly, GRAD.anomaly_check_nan
        _set_anomaly(bool(mode), check_nan)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _set_anomaly(*self.prev)
        return False
