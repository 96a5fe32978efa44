"""The only place environment variables are read. Each one is documented here.

EMBER_DEFAULT_SEED  int, optional: the seed of the default generator at import (default 0 is
                    not used: an unset variable seeds from the OS, as PyTorch does... see
                    ember/ops/random.py).
"""

import os

DEFAULT_SEED = os.environ.get("EMBER_DEFAULT_SEED")
