"""Weights enums and the model registry, as torchvision's ``models._api``: ``Weights``,
``WeightsEnum``, ``register_model``, ``get_model``, ``get_model_builder``,
``get_model_weights``, ``get_weight`` and ``list_models``."""

import fnmatch
import sys
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from ember.hub import load_state_dict_from_url

__all__ = [
    "Weights",
    "WeightsEnum",
    "get_model",
    "get_model_builder",
    "get_model_weights",
    "get_weight",
    "list_models",
    "register_model",
]

_CATEGORIES_FILE = Path(__file__).with_name("imagenet_categories.txt")


def _imagenet_categories():
    """The 1000 ImageNet-1K class names, in class-index order (torchvision's list)."""
    return _CATEGORIES_FILE.read_text(encoding="utf-8").splitlines()


_IMAGENET_CATEGORIES = _imagenet_categories()


@dataclass
class Weights:
    """One set of pretrained weights: where the checkpoint lives, the inference transforms
    (a callable returning the preset) and its metadata (``categories``, ``num_params``...)."""

    url: str
    transforms: Callable
    meta: dict[str, Any]


class WeightsEnum(Enum):
    """Base of every ``<Model>_Weights`` enum; ``DEFAULT`` is an alias of the recommended
    member."""

    @classmethod
    def verify(cls, obj):
        """``obj`` as a member of this enum: None, a member, or its name (``"DEFAULT"``,
        ``"IMAGENET1K_V1"`` or ``"<Enum>.<member>"``)."""
        if obj is None:
            return None
        if isinstance(obj, str):
            obj = cls[obj.replace(cls.__name__ + ".", "")]
        elif not isinstance(obj, cls):
            raise TypeError(
                f"Invalid Weight class provided; expected {cls.__name__} but received "
                f"{obj.__class__.__name__}."
            )
        return obj

    def get_state_dict(self, *args, **kwargs):
        """The checkpoint's state_dict, read from the hub cache (``ember.hub``)."""
        return load_state_dict_from_url(self.url, *args, **kwargs)

    def __repr__(self):
        return f"{self.__class__.__name__}.{self._name_}"

    @property
    def url(self):
        """Where the checkpoint is published; its file name is the one the hub cache holds."""
        return self.value.url

    @property
    def transforms(self):
        """A callable that returns the inference preset (call it: ``weights.transforms()``)."""
        return self.value.transforms

    @property
    def meta(self):
        """The metadata: ``categories``, ``num_params``, ``min_size``, ``_metrics``..."""
        return self.value.meta


# ---- the registry -------------------------------------------------------------------------

BUILTIN_MODELS = {}
_MODEL_WEIGHTS = {}


def register_model(name=None, weights_enum=None):
    """Decorator that registers a model builder under ``name`` (default: its function name),
    with the weights enum it accepts (None for builders without pretrained weights)."""

    def wrapper(fn):
        key = name if name is not None else fn.__name__
        if key in BUILTIN_MODELS:
            raise ValueError(f"An entry is already registered under the name '{key}'.")
        BUILTIN_MODELS[key] = fn
        _MODEL_WEIGHTS[key] = weights_enum
        return fn

    return wrapper


def list_models(module=None, include=None, exclude=None):
    """Sorted names of the registered models, optionally only those of ``module`` and
    filtered by fnmatch patterns (``include``, then ``exclude``)."""
    names = [
        k
        for k, fn in BUILTIN_MODELS.items()
        if module is None or fn.__module__.rsplit(".", 1)[0] == module.__name__
    ]
    if include:
        patterns = [include] if isinstance(include, str) else include
        names = [n for n in names if any(fnmatch.fnmatch(n, p) for p in patterns)]
    if exclude:
        patterns = [exclude] if isinstance(exclude, str) else exclude
        names = [n for n in names if not any(fnmatch.fnmatch(n, p) for p in patterns)]
    return sorted(names)


def get_model_builder(name):
    """The builder function registered under ``name``."""
    name = name.lower()
    try:
        return BUILTIN_MODELS[name]
    except KeyError:
        raise ValueError(f"Unknown model {name}") from None


def get_model(name, **config):
    """Build the model registered under ``name``: ``get_model("resnet18", weights=None)``."""
    return get_model_builder(name)(**config)


def get_model_weights(name):
    """The weights enum class of a model, given its name or its builder."""
    if not isinstance(name, str):
        name = next((k for k, fn in BUILTIN_MODELS.items() if fn is name), None)
        if name is None:
            raise ValueError("The given builder is not a registered model builder.")
    get_model_builder(name)
    weights_enum = _MODEL_WEIGHTS[name.lower()]
    if weights_enum is None:
        raise ValueError(
            f"The weight class for the specific method is missing: model '{name}' has no "
            "pretrained weights."
        )
    return weights_enum


def get_weight(name):
    """The weights member named ``"<Enum>.<member>"``, e.g. ``"ResNet50_Weights.DEFAULT"``."""
    try:
        enum_name, value_name = name.split(".")
    except ValueError:
        raise ValueError(f"Invalid weight name provided: '{name}'.") from None
    models = sys.modules[__name__.rsplit(".", 1)[0]]
    weights_enum = getattr(models, enum_name, None)
    if not (isinstance(weights_enum, type) and issubclass(weights_enum, WeightsEnum)):
        raise ValueError(
            f"The weight enum '{enum_name}' for the specific method couldn't be retrieved."
        )
    return weights_enum[value_name]
