"""The only place environment variables are read; each one is documented here.

Read each one here, once, at import, and document its name, type, default and effect in this
docstring, unless its entry says why it is read on use.

- ``EMBER_HOME`` (str, default ``~/.cache/ember``): ember's cache root, PyTorch's ``TORCH_HOME``.
  ``ember.hub`` keeps downloaded checkpoints under ``$EMBER_HOME/hub/checkpoints``. Read on each
  use by ``ember_home()``, as PyTorch reads ``TORCH_HOME``, so a program may set it after import.
"""

import os


def ember_home() -> str:
    """``$EMBER_HOME`` with ``~`` expanded, or ``~/.cache/ember`` when it is unset."""
    return os.path.expanduser(os.environ.get("EMBER_HOME", os.path.join("~", ".cache", "ember")))
