"""``map_location``: where each storage of a checkpoint goes, as ``torch.load`` decides it.

A storage is saved with a location string (``'cpu'``, ``'cuda:0'``). ``map_location`` may be
None (keep it), a string or device (every storage goes there), a dict (rename locations) or a
callable ``(storage, location) -> storage or None`` (None keeps the default).
"""

import sys

from ember._device import device

__all__ = ["restore_location"]

_NO_CUDA = (
    "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. "
    "If you are running on a CPU-only machine, please use torch.load with "
    "map_location=torch.device('cpu') to map your storages to the CPU."
)


def _cuda_module():
    # ember.cuda may not exist (or not be imported): then CUDA is simply unavailable.
    return sys.modules.get("ember.cuda")


def check_location(location):
    """The location string a storage is restored to, after checking that its device exists."""
    if isinstance(location, device):
        location = str(location)
    if isinstance(location, bytes):
        location = location.decode("ascii")
    if not isinstance(location, str):
        raise RuntimeError(f"don't know how to restore data location {location!r}")
    if location == "cpu" or location.startswith("cpu:"):
        return "cpu"
    if location == "cuda" or location.startswith("cuda:"):
        cuda = _cuda_module()
        if cuda is None or not cuda.is_available():
            raise RuntimeError(_NO_CUDA)
        index = int(location.partition(":")[2] or 0)
        count = cuda.device_count() if hasattr(cuda, "device_count") else 1
        if index >= count:
            raise RuntimeError(
                f"Attempting to deserialize object on CUDA device {index} but "
                f"torch.cuda.device_count() is {count}. Please use torch.load with map_location "
                "to map your storages to an existing device."
            )
        return f"cuda:{index}"
    if location == "meta":
        raise RuntimeError("ember.load: the 'meta' device is not supported by ember")
    try:  # another device type ember knows (registered by its backend)
        return str(device(location))
    except RuntimeError:
        raise RuntimeError(f"don't know how to restore data location {location!r}") from None


def restore_location(map_location):
    """A function ``(storage, saved_location) -> location string`` for ``map_location``."""
    if map_location is None:
        return lambda storage, location: check_location(location)
    if isinstance(map_location, dict):
        return lambda storage, location: check_location(map_location.get(location, location))
    if isinstance(map_location, (str, bytes, device)):
        return lambda storage, location: check_location(map_location)
    if callable(map_location):

        def call(storage, location):
            result = map_location(storage, location)
            if result is None:
                return check_location(location)
            target = getattr(result, "location", None)
            if target is None:
                raise RuntimeError(
                    f"map_location should return a storage or None, got {type(result).__name__}"
                )
            return check_location(target)

        return call
    raise TypeError(
        f"map_location should be None, a string, a device, a dict or a callable, got "
        f"{type(map_location).__name__}"
    )
