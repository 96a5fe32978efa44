"""Import an example script from ``examples/`` as a module, as a user's ``python examples/x.py``
would run it, so tests call its ``main([...])`` in the same process."""

import importlib.util
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def load_example(name):
    """The module ``examples/<name>.py``, imported once (registered in ``sys.modules`` so that
    DataLoader workers and pickling find the classes it defines)."""
    module_name = f"examples_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module
