"""The user's allowlist for ``weights_only`` loads: ``add_safe_globals`` and its companions.

As ``torch.serialization``: each entry is a class or function, keyed by
``{__module__}.{__qualname__}``, or a ``(global, "full.path")`` tuple that names it the way the
checkpoint does. A checkpoint written by PyTorch names ``torch.*`` paths; the reader also looks
those up under ember's path (``torch.nn.modules.linear.Linear`` as
``ember.nn.modules.linear.Linear``), so ``add_safe_globals([ember.nn.Linear])`` admits both.
"""

__all__ = ["add_safe_globals", "clear_safe_globals", "get_safe_globals", "safe_globals"]

_marked = set()


def add_safe_globals(safe_globals):
    """Marks the given globals (or ``(global, "full.path")`` tuples) as safe for
    ``weights_only`` load: they may be called, instantiated and have their state set."""
    global _marked
    for entry in safe_globals:
        _check_entry(entry)  # here rather than at the next load, where the cause is far away
    _marked = _marked | set(safe_globals)


def get_safe_globals():
    """Returns the list of user-added globals that are safe for ``weights_only`` load."""
    return list(_marked)


def clear_safe_globals():
    """Clears the list of globals that are safe for ``weights_only`` load."""
    global _marked
    _marked = set()


def _remove_safe_globals(globals_to_remove):
    global _marked
    _marked = _marked - set(globals_to_remove)


class safe_globals:
    """Context manager that adds certain globals as safe for ``weights_only`` load."""

    def __init__(self, safe_globals):
        self.safe_globals = safe_globals

    def __enter__(self):
        add_safe_globals(self.safe_globals)

    def __exit__(self, type, value, tb):
        _remove_safe_globals(self.safe_globals)


def _check_entry(entry):
    if not isinstance(entry, tuple):
        return
    if len(entry) != 2:
        raise ValueError(
            "Expected tuple of length 2 (global, str of callable full path), but got tuple of "
            f"length: {len(entry)}"
        )
    if type(entry[1]) is not str:
        raise TypeError(
            "Expected second item in tuple to be str of callable full path, but got: "
            f"{type(entry[1])}"
        )


def user_allowed_globals():
    """The user's allowlist as ``{"module.qualname": global}``, built from the current entries
    (read at each load, so additions between loads count)."""
    table = {}
    for entry in _marked:
        if isinstance(entry, tuple):
            table[entry[1]] = entry[0]
        else:
            table[f"{entry.__module__}.{entry.__qualname__}"] = entry
    return table
