"""Optimizer: the base class of every algorithm (param groups, state, state_dict, hooks).

Note [in-place updates]
An optimizer step changes parameters in place, on their backend arrays, with NumPy ``out=``
arguments, and bumps each parameter's version counter, as an in-place op would. Temporaries
of a parameter's size come from a ``_Scratch``: one flat buffer per dtype and slot, grown to
the largest parameter and reused by every parameter of every step, since parameters are
updated one after the other.
"""

import copy
import itertools
import warnings
from collections import OrderedDict, defaultdict

import numpy as np

from ember import _dtype
from ember._backend import array_module, device_of, to_device, to_host
from ember._backend._fp import QUIET, quiet, restore
from ember._tensor import Tensor, make_tensor
from ember.autograd.grad_mode import GRAD, no_grad

__all__ = [
    "Optimizer",
    "register_optimizer_step_pre_hook",
    "register_optimizer_step_post_hook",
]

_global_step_pre_hooks = OrderedDict()
_global_step_post_hooks = OrderedDict()
_handle_ids = itertools.count()


class _RequiredParameter:
    """Marks a default that every param group must specify."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


class RemovableHandle:
    """What ``register_*_hook`` returns: ``remove()`` unregisters the hook."""

    def __init__(self, table, hook, prepend=False):
        self.id = next(_handle_ids)
        self._table = table
        table[self.id] = hook
        if prepend:
            table.move_to_end(self.id, last=False)

    def remove(self):
        self._table.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def register_optimizer_step_pre_hook(hook):
    """Register ``hook(optimizer, args, kwargs)`` to run before every optimizer's step."""
    return RemovableHandle(_global_step_pre_hooks, hook)


def register_optimizer_step_post_hook(hook):
    """Register ``hook(optimizer, args, kwargs)`` to run after every optimizer's step."""
    return RemovableHandle(_global_step_post_hooks, hook)


def _typename(obj):
    if isinstance(obj, Tensor):
        return obj.type()
    cls = type(obj)
    return cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__name__}"


def _hooked_step(step):
    """Wrap a subclass's ``step`` with the step pre/post hooks (global, then per instance)."""

    def wrapper(self, *args, **kwargs):
        if self.__dict__.get("_in_step"):  # a subclass's step calling super().step()
            return step(self, *args, **kwargs)
        self._in_step = True
        try:
            return _run_hooked(self, step, args, kwargs)
        finally:
            self._in_step = False

    wrapper.__name__ = step.__name__
    wrapper.__qualname__ = step.__qualname__
    wrapper.__doc__ = step.__doc__
    wrapper.__wrapped__ = step
    return wrapper


def _run_hooked(optimizer, step, args, kwargs):
    for hook in itertools.chain(
        _global_step_pre_hooks.values(), optimizer._optimizer_step_pre_hooks.values()
    ):
        result = hook(optimizer, args, kwargs)
        if result is not None:
            if not (isinstance(result, tuple) and len(result) == 2):
                raise RuntimeError(
                    f"{step} must return None or a tuple of (new_args, new_kwargs), but "
                    f"got {result}."
                )
            args, kwargs = result
    out = step(optimizer, *args, **kwargs)
    optimizer._opt_called = True  # read by the lr schedulers' "step order" warning
    for hook in itertools.chain(
        optimizer._optimizer_step_post_hooks.values(), _global_step_post_hooks.values()
    ):
        hook(optimizer, args, kwargs)
    return out


class Optimizer:
    """Base class for all optimizers, as ``torch.optim.Optimizer``.

    Differences from PyTorch: ``differentiable=True`` raises NotImplementedError (parameters are
    updated in place, outside autograd); ``foreach``, ``fused`` and ``capturable`` are stored in
    the param groups for state_dict compatibility and change nothing.
    """

    # Per-parameter state entries that hold a 0-d ``step`` tensor (Adam family and others).
    _tensor_step = False
    # Group options that pickles of older versions lack; __setstate__ fills them in.
    _group_defaults = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__:
            cls.step = _hooked_step(cls.__dict__["step"])

    def __init__(self, params, defaults):
        self.defaults = defaults
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        self._optimizer_state_dict_pre_hooks = OrderedDict()
        self._optimizer_state_dict_post_hooks = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks = OrderedDict()
        self._optimizer_load_state_dict_post_hooks = OrderedDict()
        self._scratch = _Scratch()
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                f"dicts, but got {_typename(params)}"
            )
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name in (
            "_optimizer_step_pre_hooks",
            "_optimizer_step_post_hooks",
            "_optimizer_state_dict_pre_hooks",
            "_optimizer_state_dict_post_hooks",
            "_optimizer_load_state_dict_pre_hooks",
            "_optimizer_load_state_dict_post_hooks",
        ):
            self.__dict__.setdefault(name, OrderedDict())
        self.__dict__.setdefault("_scratch", _Scratch())
        self.defaults.setdefault("differentiable", False)
        for group in self.param_groups:
            for key, value in self._group_defaults.items():
                group.setdefault(key, value)
        if self._tensor_step:
            # Checkpoints from before PyTorch 1.12 store ``step`` as a Python number.
            for p_state in self.state.values():
                if "step" in p_state and not isinstance(p_state["step"], Tensor):
                    p_state["step"] = _step_tensor(float(p_state["step"]))

    def __repr__(self):
        lines = [self.__class__.__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(group.keys()):
                if key != "params":
                    lines.append(f"    {key}: {group[key]}")
        return "\n".join(lines) + "\n)"

    # ---- parameter groups -----------------------------------------------------------------

    def add_param_group(self, param_group):
        """Add a param group (a dict with ``params`` and per-group options) to the optimizer."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        else:
            params = list(params)
        tensors, names = [], []
        for param in params:
            if isinstance(param, tuple):  # from named_parameters()
                names.append(param[0])
                tensors.append(param[1])
            else:
                tensors.append(param)
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError(
                    "all optimizer params should be with/without names. Some param names are "
                    "missing"
                )
            param_group["param_names"] = names
        for param in tensors:
            if not isinstance(param, Tensor):
                raise TypeError(
                    "optimizer can only optimize Tensors, but one of the params is "
                    + _typename(param)
                )
            if not self.defaults.get("differentiable", None) and not (
                param.is_leaf or param.retains_grad
            ):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(
                    "parameter group didn't specify a value of required optimization parameter "
                    + name
                )
            param_group.setdefault(name, default)
        ids = {id(p) for p in tensors}
        if len(ids) != len(tensors):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in future, "
                "this will cause an error; see github.com/pytorch/pytorch/issues/40967 for more "
                "information",
                stacklevel=3,
            )
        seen = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. cannot add param "
                    f"group {which} to the optimizer"
                )
        if not seen.isdisjoint(ids):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # ---- gradients and steps --------------------------------------------------------------

    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all optimized tensors (to None, or to zeros in place)."""
        for group in self.param_groups:
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if grad.grad_fn is not None:
                        grad.detach_()
                    else:
                        grad.requires_grad_(False)
                    grad._data[...] = 0
                    grad._version.value += 1

    # Note [one step]
    # ``step`` is written once, here: it runs the closure, then for each param group gathers
    # the parameters that have gradients and their state columns (``_state_keys``, created by
    # ``_init_state`` on a parameter's first step) and hands them to the algorithm's
    # ``_update``, which calls the algorithm's pure update function (``sgd``, ``adam``...).
    # The update functions compute with each parameter's array module, in place.
    _state_keys = ()

    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the loss."""
        loss = self._closure_loss(closure)
        fp = quiet(QUIET)  # Note [quiet floating point] in ember/_backend/_fp.py
        try:
            with no_grad():
                for group in self.param_groups:
                    keys = self._state_keys_for(group)
                    params, grads, *columns = self._with_grads(group, *keys)
                    try:
                        self._update(group, params, grads, *columns)
                    except ValueError:  # NumPy's, for an ``out=`` of another shape
                        _check_state_shapes(params, keys, columns)
                        raise
        finally:
            restore(fp)
        return loss

    def _state_keys_for(self, group):
        """The state entries that ``_update`` receives for ``group`` (``_state_keys``)."""
        return self._state_keys

    def _update(self, group, params, grads, *state_columns):
        """Update ``params`` (of ``group``, each with a gradient) in place."""
        raise NotImplementedError

    def _init_state(self, group, p):
        """The state of parameter ``p`` before its first step (optimizers with state override
        this)."""
        return {}

    def _with_grads(self, group, *keys):
        """The group's parameters that have a gradient, their gradients, then for each state
        key the list of those parameters' state entries (None where absent). A parameter's
        state is created by ``_init_state`` on its first step."""
        params, grads = [], []
        columns = tuple([] for _ in keys)
        for p in group["params"]:
            if p.grad is None:
                continue
            params.append(p)
            grads.append(p.grad)
            if not keys:
                continue  # no state wanted: do not create an empty entry (state_dict shows it)
            state = self.state[p]
            if len(state) == 0:
                state.update(self._init_state(group, p))
            for column, key in zip(columns, keys):
                column.append(state.get(key))
        return (params, grads) + columns

    def _closure_loss(self, closure):
        """Run ``closure`` with grad mode on, as every ``step`` does before updating."""
        if closure is None:
            return None
        prev = GRAD.enabled
        GRAD.enabled = True
        try:
            return closure()
        finally:
            GRAD.enabled = prev

    # ---- state_dict -----------------------------------------------------------------------

    def state_dict(self):
        """The state as ``{'state': {index: {...}}, 'param_groups': [{..., 'params': [...]}]}``."""
        for hook in self._optimizer_state_dict_pre_hooks.values():
            hook(self)
        mapping = {}
        start = 0
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            # As in PyTorch, a parameter repeated within a group takes its last index.
            mapping.update(
                {id(p): i for i, p in enumerate(group["params"], start) if id(p) not in mapping}
            )
            packed["params"] = [mapping[id(p)] for p in group["params"]]
            start += len(packed["params"])
            groups.append(packed)
        packed_state = {
            (mapping[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()
        }
        state_dict = {"state": packed_state, "param_groups": groups}
        for hook in self._optimizer_state_dict_post_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    def load_state_dict(self, state_dict):
        """Load a state from ``state_dict()`` (of this optimizer class, ember's or PyTorch's).

        Differences from PyTorch: the loaded state tensors are copied, never aliased, so one
        state_dict loaded into two optimizers gives each its own buffers.
        """
        state_dict = state_dict.copy()
        for hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of "
                "optimizer's group"
            )
        id_map = dict(
            zip(
                itertools.chain.from_iterable(g["params"] for g in saved_groups),
                itertools.chain.from_iterable(g["params"] for g in groups),
            )
        )
        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = _cast_state(param, v)
            else:
                state[k] = v
        new_groups = []
        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
            new_groups.append(saved)
        self.__setstate__({"state": state, "param_groups": new_groups})
        for hook in self._optimizer_load_state_dict_post_hooks.values():
            hook(self)

    # ---- hooks ----------------------------------------------------------------------------

    def register_step_pre_hook(self, hook):
        """Register ``hook(optimizer, args, kwargs) -> None or (args, kwargs)`` before step."""
        return RemovableHandle(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        """Register ``hook(optimizer, args, kwargs)`` to run after step."""
        return RemovableHandle(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook, prepend=False):
        """Register ``hook(optimizer)`` to run before ``state_dict``."""
        return RemovableHandle(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        """Register ``hook(optimizer, state_dict) -> None or state_dict`` after ``state_dict``."""
        return RemovableHandle(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        """Register ``hook(optimizer, state_dict) -> None or state_dict`` before loading."""
        return RemovableHandle(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        """Register ``hook(optimizer)`` to run after ``load_state_dict``."""
        return RemovableHandle(self._optimizer_load_state_dict_post_hooks, hook, prepend)


Optimizer.step = _hooked_step(Optimizer.step)


def _check_state_shapes(params, keys, columns):
    """Raise PyTorch's size-mismatch RuntimeError, naming both shapes, when a parameter's
    state tensor has another shape than the parameter (a state_dict loaded from another
    model's optimizer); return when every state entry fits."""
    for key, column in zip(keys, columns):
        for p, value in zip(params, column):
            if not isinstance(value, Tensor) or value.ndim == 0 or value.shape == p.shape:
                continue
            a, b = value.shape, p.shape
            where = ""
            for d in range(1, min(len(a), len(b)) + 1):
                if a[-d] != b[-d] and 1 not in (a[-d], b[-d]):
                    where = (
                        f"The size of tensor a ({a[-d]}) must match the size of tensor b "
                        f"({b[-d]}) at non-singleton dimension {max(len(a), len(b)) - d}: "
                    )
                    break
            raise RuntimeError(
                f"{where}the optimizer state '{key}' has shape {list(a)} but its parameter has "
                f"shape {list(b)} (was the state_dict loaded from the optimizer of another "
                "model?)"
            )


def _cast_state(param, value, key=None):
    """Copy a loaded state value; tensors other than ``step`` take the parameter's dtype and
    device (``step`` stays on the CPU), as PyTorch places them."""
    if isinstance(value, Tensor):
        # Copied rather than aliased, so that one state_dict loaded into two optimizers does
        # not make them share moment buffers.
        array = value._data
        if key == "step":
            return make_tensor(to_host(array).copy())
        moved = to_device(array, device_of(param._data))
        if param.is_floating_point() and moved.dtype != param._data.dtype:
            return make_tensor(moved.astype(param._data.dtype))
        return make_tensor(moved.copy() if moved is array else moved)
    if isinstance(value, dict):
        return {k: _cast_state(param, v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_state(param, v) for v in value)
    return value


# ---- helpers shared by the update functions ------------------------------------------------


class _Scratch:
    """Reusable temporaries of a parameter's shape (see Note [in-place updates])."""

    __slots__ = ("_buffers",)

    def __init__(self):
        self._buffers = {}

    def get(self, like, slot=0):
        """An uninitialised array shaped like ``like``, valid until the next ``get`` of ``slot``."""
        key = (
            (like.dtype, slot) if type(like) is np.ndarray else (like.dtype, slot, device_of(like))
        )
        buf = self._buffers.get(key)
        n = like.size
        if buf is None or buf.size < n:
            buf = self._buffers[key] = array_module(like).empty(max(n, 1), like.dtype)
        return buf[:n].reshape(like.shape)

    def __deepcopy__(self, memo):
        return _Scratch()

    def __getstate__(self):
        return None

    def __setstate__(self, state):
        self._buffers = {}


def _get_scalar_dtype():
    """The dtype of 0-d ``step`` state: float64 when it is the default dtype, else float32."""
    return np.float64 if _dtype.get_default_dtype() == _dtype.float64 else np.float32


def _step_tensor(value=0.0):
    """A new 0-d ``step`` tensor, as PyTorch 2.x stores it."""
    return make_tensor(np.array(value, dtype=_get_scalar_dtype()))


def _zeros_like(p):
    """New zero state shaped like parameter ``p``, on its device."""
    a = p._data
    return make_tensor(array_module(a).zeros_like(a))


def _scalar(x):
    """A hyperparameter as a Python number (PyTorch accepts 1-element tensors for lr/betas)."""
    return x.item() if isinstance(x, Tensor) else x


def _bump(param):
    """Record an in-place change of ``param`` (see Note [in-place updates])."""
    param._version.value += 1


def _effective_grad(param, grad, weight_decay, maximize, scratch):
    """``(-grad if maximize else grad) + weight_decay * param``; ``grad`` itself when a no-op."""
    g = grad._data
    xp = array_module(g)
    if weight_decay == 0:
        if not maximize:
            return g
        return xp.negative(g, out=scratch.get(g, 0))
    out = xp.multiply(param._data, weight_decay, out=scratch.get(g, 0))
    if maximize:
        return xp.subtract(out, g, out=out)
    return xp.add(out, g, out=out)


def _lerp_(a, b, weight, tmp):
    """``a += weight * (b - a)`` in place, as ``Tensor.lerp_``."""
    array_module(a).subtract(b, a, out=tmp)
    tmp *= weight
    a += tmp


def _mul_addcmul_(a, beta, g, value, tmp):
    """``a = a * beta + value * g * g`` in place, as ``a.mul_(beta).addcmul_(g, g, value)``."""
    a *= beta
    array_module(g).multiply(g, g, out=tmp)
    tmp *= value
    a += tmp


def _check_not_differentiable(differentiable):
    if differentiable:
        raise NotImplementedError(
            "differentiable=True is not supported: ember optimizers update parameters in place "
            "under no_grad"
        )


def _check_lr(lr):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def _check_eps_betas_wd(eps, betas, weight_decay):
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")
