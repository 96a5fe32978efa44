"""Helpers shared by the model builders: channel rounding, keyword checks against the chosen
weights, the legacy ``pretrained=`` argument, and loading a checkpoint into a model."""

import functools
import warnings

__all__ = []


def _make_divisible(v, divisor, min_value=None):
    """Round ``v`` to the nearest multiple of ``divisor`` (at least ``min_value``), never more
    than 10% below ``v``: the channel rounding of MobileNet and EfficientNet."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def _ovewrite_named_param(kwargs, param, new_value):
    """Set ``kwargs[param]`` to what the weights require; a different explicit value is an
    error (torchvision's spelling of the name is kept)."""
    if param in kwargs:
        if kwargs[param] != new_value:
            raise ValueError(
                f"The parameter '{param}' expected value {new_value} but got {kwargs[param]} "
                "instead."
            )
    else:
        kwargs[param] = new_value


def handle_legacy_interface(legacy_weights):
    """Decorator for a builder: accept the deprecated ``pretrained=`` keyword, as torchvision
    does, mapping ``pretrained=True`` to ``legacy_weights`` (the enum's ``IMAGENET1K_V1``)."""

    def decorator(builder):
        @functools.wraps(builder)
        def wrapper(*args, **kwargs):
            if "pretrained" in kwargs:
                pretrained = kwargs.pop("pretrained")
                warnings.warn(
                    "The parameter 'pretrained' is deprecated since 0.13 and may be removed in "
                    "the future, please use 'weights' instead.",
                    UserWarning,
                    stacklevel=2,
                )
                if pretrained and kwargs.get("weights") is None:
                    name = type(legacy_weights).__name__
                    warnings.warn(
                        "Arguments other than a weight enum or `None` for 'weights' are "
                        "deprecated since 0.13 and may be removed in the future. The current "
                        f"behavior is equivalent to passing `weights={legacy_weights!r}`. You can "
                        f"also use `weights={name}.DEFAULT` to get the most up-to-date weights.",
                        UserWarning,
                        stacklevel=2,
                    )
                    kwargs["weights"] = legacy_weights
            return builder(*args, **kwargs)

        return wrapper

    return decorator


def _load_weights(model, weights, progress):
    """Load ``weights``' checkpoint (from the hub cache, strictly) into ``model``."""
    state_dict = weights.get_state_dict(progress=progress, check_hash=True, weights_only=True)
    model.load_state_dict(state_dict)
    return model
