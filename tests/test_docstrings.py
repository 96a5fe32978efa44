"""Every public callable of ember has a docstring (STYLE.md: one line at least).

The walk covers the public namespaces a user reaches (``ember`` and its documented submodules),
every public class found there, its public methods and properties, and ``ember.Tensor``. A method
that overrides one documented on an ember base class inherits that docstring; dunder methods are
exempt. Objects defined outside ember (re-exported builtins, NumPy) are not ember's to document.
"""

import doctest
import enum
import importlib
import inspect
from pathlib import Path

import pytest

import ember

# The public namespaces, by import path. ``ember`` itself is walked through ``__all__``.
PUBLIC_MODULES = (
    "ember",
    "ember.nn",
    "ember.nn.functional",
    "ember.nn.init",
    "ember.nn.utils",
    "ember.nn.utils.rnn",
    "ember.nn.utils.parametrize",
    "ember.nn.utils.parametrizations",
    "ember.optim",
    "ember.optim.lr_scheduler",
    "ember.autograd",
    "ember.linalg",
    "ember.special",
    "ember.utils",
    "ember.utils.data",
    "ember.utils.dlpack",
    "ember.utils.safetensors",
    "ember.utils.tensorboard",
    "ember.vision",
    "ember.vision.datasets",
    "ember.vision.io",
    "ember.vision.models",
    "ember.vision.transforms",
    "ember.vision.transforms.functional",
    "ember.vision.utils",
    "ember.hub",
    "ember.profiler",
    "ember.serialization",
    "ember.cuda",
    "ember.testing",
    "ember.accelerator",
    "ember.backends",
)


def _is_ember(obj) -> bool:
    module = getattr(obj, "__module__", None) or ""
    return module == "ember" or module.startswith("ember.")


def _public_names(module) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [name for name in vars(module) if not name.startswith("_")]
    return list(names)


def _own_doc(obj) -> str:
    doc = getattr(obj, "__doc__", None)
    return doc.strip() if isinstance(doc, str) else ""


def _class_doc(cls) -> str:
    """The docstring written in the class body, never one Python generated or inherited."""
    doc = cls.__dict__.get("__doc__")
    doc = doc.strip() if isinstance(doc, str) else ""
    # namedtuple and dataclass write ``Name(field, ...)`` when the class body has none.
    if doc.startswith(f"{cls.__name__}(") and doc.endswith(")") and "\n" not in doc:
        return ""
    return doc


def _member_function(member):
    """The function (or property) a class attribute stands for, or None for plain data."""
    if isinstance(member, (staticmethod, classmethod)):
        return member.__func__
    if isinstance(member, property):
        return member
    if inspect.isroutine(member):
        return member
    return None


def _method_doc(cls, name) -> str:
    """The docstring of ``cls.name``, inherited along the MRO from ember classes only."""
    for base in cls.__mro__:
        if not _is_ember(base) or name not in base.__dict__:
            continue
        member = _member_function(base.__dict__[name])
        if member is not None and _own_doc(member):
            return _own_doc(member)
    return ""


def _class_members(cls):
    """(name, defining class) for each public method or property an ember class defines."""
    for name in dir(cls):
        if name.startswith("_"):
            continue
        for base in cls.__mro__:
            if name in base.__dict__:
                break
        else:
            continue
        if not _is_ember(base) or isinstance(base.__dict__[name], enum.Enum):
            continue
        member = _member_function(base.__dict__[name])
        if member is None:
            continue
        if isinstance(member, property) or _is_ember(member):
            yield name, member


def missing_docstrings() -> list[str]:
    """Qualified names of every public callable that has no docstring, each object once."""
    seen: set[int] = set()
    missing: list[str] = []
    classes: list[tuple[str, type]] = [("ember.Tensor", ember.Tensor)]

    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        if not _own_doc(module):
            missing.append(module_name + " (module)")
        for name in _public_names(module):
            obj = getattr(module, name)
            if inspect.ismodule(obj) or not callable(obj) or not _is_ember(obj):
                continue
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            qualified = f"{module_name}.{name}"
            if inspect.isclass(obj):
                classes.append((qualified, obj))
                if not _class_doc(obj):
                    missing.append(qualified)
            elif not _own_doc(obj):
                missing.append(qualified)

    done_classes: set[type] = set()
    for qualified, cls in classes:
        if cls in done_classes:
            continue
        done_classes.add(cls)
        for name, member in _class_members(cls):
            if id(member) in seen:
                continue
            seen.add(id(member))
            if not _method_doc(cls, name):
                missing.append(f"{qualified}.{name}")
    return missing


def test_docstrings_every_public_callable_has_one():
    missing = missing_docstrings()
    assert not missing, f"{len(missing)} public callables lack a docstring:\n" + "\n".join(missing)


def test_docstrings_walk_reaches_the_api():
    # The walk must see the API it claims to check: a broken import or an empty namespace
    # would otherwise pass vacuously.
    from ember import nn

    assert "Linear" in _public_names(nn)
    assert _method_doc(nn.Linear, "forward")
    assert _method_doc(ember.Tensor, "add")


# Modules that hold other modules (or are the shared base of a layer family) have no shape of
# their own; every other layer in ``ember.nn`` states its input and output shapes.
_SHAPELESS = ("Module", "Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict")
_BASES = ("RNNBase", "RNNCellBase")


def test_docstrings_nn_layers_state_shapes():
    from ember import nn

    lacking = []
    for name in _public_names(nn):
        obj = getattr(nn, name)
        if not (inspect.isclass(obj) and issubclass(obj, nn.Module)):
            continue
        if name in _SHAPELESS + _BASES:
            continue
        if "Shape:" not in _class_doc(obj):
            lacking.append(name)
    assert not lacking, "nn layers without a Shape: section: " + ", ".join(lacking)


def _modules_with_examples():
    root = Path(ember.__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        if ">>> " in path.read_text(encoding="utf-8"):
            parts = path.relative_to(root.parent).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts)


@pytest.mark.parametrize("module_name", list(_modules_with_examples()))
def test_docstrings_examples_run(module_name):
    # The examples in docstrings are run as doctests, so what a user copies works as shown.
    ember.manual_seed(0)
    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, module_name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} docstring examples of {module_name} failed"
