"""Graph nodes. ``Op`` is ember's primitive (forward on backend arrays); ``Function`` is
PyTorch's custom-function API (forward on Tensors). Both record one ``Node`` per call.

Note [saved tensors]
A node keeps the Tensors its backward needs together with their version numbers; unpacking
checks the versions, so an in-place change after the forward raises PyTorch's error instead of
giving a wrong gradient. The engine drops them after backward unless ``retain_graph=True``; a
second backward then raises PyTorch's "backward through the graph a second time" error.
An op that saves its own output keeps only the array (not the output Tensor, which would make a
reference cycle) and rebuilds a Tensor linked to the node when backward unpacks it.
"""

import functools
import traceback
import weakref

import numpy as np

from ember import _dtype
from ember._backend import array_module, device_guard, device_of, is_device_array
from ember._tensor import Tensor, make_tensor
from ember.autograd.grad_mode import GRAD, no_grad

__all__ = ["Function", "FunctionCtx", "once_differentiable", "Op", "Node"]

_new = object.__new__
_ndarray = np.ndarray
_NO_EDGE = (None, 0)
_ON_DEVICE = object()  # _forward_general's answer when an input is not a NumPy array

_FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)


class Node:
    """One recorded op call: edges to the nodes of its inputs and what its backward needs.

    ``_edges[i]`` (public: ``next_functions``) is ``(node, output_nr)`` for input ``i``, or
    ``(None, 0)`` where input ``i`` needs no gradient; ``_input_meta[i]`` is its
    ``(shape, numpy dtype, array type)``.
    ``_has_hooks`` tells the engine to look for hooks and retained grads (rare, so flagged).
    """

    # The attributes every recorded op sets live in slots: no per-node dict for ops whose
    # forward stores nothing on ctx (most elementwise ops), measured on bench/core.py.
    __slots__ = ("_edges", "_input_meta", "_saved", "_saved_versions", "__dict__", "__weakref__")

    _num_outputs = 1
    _has_hooks = False
    _fast_backward = False  # True: the engine calls ``backward(grad)`` directly (single-output Op)
    save_output = False
    _materialize = True
    anomaly_trace = None

    def name(self):
        """The node's name as PyTorch prints it: ``<Op>Backward0``."""
        return f"{type(self).__name__}Backward0"

    def __repr__(self):
        return f"<{self.name()} object at {id(self):#x}>"

    def register_hook(self, hook):
        """``hook(grad_inputs, grad_outputs)`` runs after this node's backward."""
        hooks = self.__dict__.setdefault("_post_hooks", [])
        hooks.append(hook)
        self._has_hooks = True
        return _RemovableHandle(hooks, hook)

    def register_prehook(self, hook):
        """``hook(grad_outputs)`` runs before this node's backward; may return new grads."""
        hooks = self.__dict__.setdefault("_pre_hooks", [])
        hooks.append(hook)
        self._has_hooks = True
        return _RemovableHandle(hooks, hook)

    def _link(self, inputs):
        """Record edges and metadata of ``inputs`` (called only when recording)."""
        edges = []
        meta = []
        for x in inputs:
            if isinstance(x, Tensor) and x._requires_grad:
                fn = x._grad_fn
                if fn is None:
                    edges.append((x._accumulator or grad_accumulator(x), 0))
                else:
                    edges.append((fn, x._output_nr))
                data = x._data
                meta.append((data.shape, data.dtype, type(data)))
            else:
                edges.append(_NO_EDGE)
                meta.append(None)
        self._edges = edges
        self._input_meta = meta
        if GRAD.anomaly:
            self.anomaly_trace = "".join(traceback.format_stack()[:-3])

    @property
    def next_functions(self):
        """``(node, output_nr)`` per input: the graph's edges toward the inputs, ``(None, 0)``
        where an input needs no gradient.

        Differences from PyTorch: computed on each access from the node's edge list.
        """
        return tuple(self._edges)

    def _save(self, tensors):
        self._saved = tensors
        # A tensor without a version counter yet is at version 0; the counter is created by
        # the first in-place change, which makes it 1, so the check below still catches it.
        self._saved_versions = [
            (0 if t._ver is None else t._ver.value) if isinstance(t, Tensor) else None
            for t in tensors
        ]

    @property
    def saved_tensors(self):
        """The tensors saved for backward; RuntimeError if an earlier backward freed the graph
        (without ``retain_graph=True``) or a saved tensor was modified in place since.
        """
        saved = self._saved
        if saved is None:
            raise RuntimeError(_FREED)
        versions = self._saved_versions
        for i, t in enumerate(saved):
            v = versions[i]
            if v is not None and (0 if t._ver is None else t._ver.value) != v:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified by "
                    f"an inplace operation: [{t.dtype}, {list(t.shape)}], which is output {i} "
                    f"of {self.name()}, is at version {t._version.value}; expected version {v} "
                    "instead. Hint: enable anomaly detection to find the operation that failed "
                    "to compute its gradient, with ember.autograd.set_detect_anomaly(True)."
                )
        return saved

    def _release(self):
        self._saved = None
        if self.save_output:
            self._output = None


class _RemovableHandle:
    __slots__ = ("_hooks", "_hook")

    def __init__(self, hooks, hook):
        self._hooks = hooks
        self._hook = hook

    def remove(self):
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


class AccumulateGrad(Node):
    """The node of a leaf tensor: adds the incoming gradient into ``variable.grad``."""

    _saved = ()
    _edges = ()

    def __init__(self, variable):
        # The leaf holds its node strongly and the node holds the leaf weakly: no cycle, and
        # the node lives exactly as long as its leaf.
        self._variable = weakref.ref(variable)
        self.tensor_hooks = []
        self.post_accumulate_hooks = []

    @property
    def variable(self):
        return self._variable()

    def name(self):
        return "AccumulateGrad"

    def accumulate(self, grad):
        var = self._variable()
        if var is None:
            return
        if var._grad is None:
            # Own a fresh contiguous array: an incoming grad may be a broadcast view or shared
            # with another leaf (add passes one gradient object to both inputs).
            var.grad = grad if GRAD.enabled else make_tensor(grad._data.copy())
        elif GRAD.enabled:
            var.grad = var._grad + grad
        else:
            g = var._grad
            g._data += grad._data  # in place, in the gradient's array module
            g._version.value += 1
        for hook in self.post_accumulate_hooks:
            hook(var)


class Op(Node):
    """An ember primitive. Subclasses define ``forward(ctx, *arrays, **params)`` on backend
    arrays and ``backward(ctx, *grads)`` with ember ops, returning one Tensor (or None) per
    input. Class attributes declare what the generic machinery does:

    - ``save_inputs``: backward reads the input Tensors from ``ctx.saved_tensors``.
    - ``save_output``: backward reads the output Tensor from ``ctx.output``.
    - ``promote``: cast tensor inputs to PyTorch's result dtype before forward.
    - ``is_view``: the output shares memory (and the version counter) with input 0.
    - ``non_differentiable``: indices of outputs that never get a gradient (argmax indices).
    - ``differentiable = False``: a kernel with no gradient at all (comparisons, predicates):
      it goes through the same choke point but never records a node.

    ``ctx.xp`` inside ``forward`` is the array module of the inputs (see ember/_backend):
    NumPy, the class default, unless an input lives on another device, in which case
    ``apply`` checks that all are on one device and sets it on the instance. ``moves_device``
    marks the op whose output lives on another device than its input (``ToDevice``).
    """

    xp = np
    moves_device = False
    differentiable = True
    save_inputs = False
    save_output = False
    promote = False
    is_view = False
    non_differentiable = ()
    _output = None
    _fast_backward = True

    @property
    def needs_input_grad(self):
        return tuple([fn is not None for fn, _ in self._edges])

    @classmethod
    def apply(cls, *inputs, **params):
        # The hot path of every op: no avoidable calls (measured by bench/core.py).
        ctx = _new(cls)
        n = len(inputs)
        # One or two tensors without params are nearly every call: their arrays go to forward
        # as plain arguments (a call with *args costs ~0.4 us more, measured).
        # An input that is not a NumPy array (a device's) takes the device path, which checks
        # that all inputs share one device and computes with its module (ctx.xp).
        if params or n > 2:
            out = _forward_general(cls, ctx, inputs, params)
            if out is _ON_DEVICE:
                return _apply_on_device(cls, ctx, inputs, params)
        elif n == 2 and isinstance(inputs[0], Tensor) and isinstance(inputs[1], Tensor):
            a, b = inputs[0]._data, inputs[1]._data
            if type(a) is not _ndarray or type(b) is not _ndarray:
                return _apply_on_device(cls, ctx, inputs, params)
            if cls.promote and a.dtype is not b.dtype:
                a, b = promote_arrays(inputs, cls)
            out = cls.forward(ctx, a, b)
        elif n == 1 and isinstance(inputs[0], Tensor):
            a = inputs[0]._data
            if type(a) is not _ndarray:
                return _apply_on_device(cls, ctx, inputs, params)
            out = cls.forward(ctx, a)  # one tensor: nothing to promote
        else:
            out = _forward_general(cls, ctx, inputs, params)
            if out is _ON_DEVICE:
                return _apply_on_device(cls, ctx, inputs, params)
        if GRAD.enabled and cls.differentiable:
            for x in inputs:
                if isinstance(x, Tensor) and x._requires_grad:
                    return ctx._record(out, inputs, params)
        if type(out) is tuple:
            return tuple(make_tensor(o if type(o) is _ndarray else _array(np, o)) for o in out)
        # make_tensor, inlined: this line runs for every op.
        result = _new(Tensor)
        result._data = out if type(out) is _ndarray else _array(np, out)
        result._requires_grad = False
        result._grad_fn = None
        if cls.is_view:
            _mark_view(result, inputs[0], cls, params)
        return result

    def _record(self, out, inputs, params):
        """Wrap the forward's output(s) as tensors produced by this node."""
        self._link(inputs)
        if self.save_inputs:
            self._save(inputs)
        if type(out) is tuple:
            return self._wrap_outputs(out)
        result = make_tensor(out if type(out) is _ndarray else _array(self.xp, out), True, self)
        if self.save_output:
            self._output = result._data
            self._output_version = version = result._version
            self._output_saved_at = version.value
        if self.is_view:
            _mark_view(result, inputs[0], type(self), params)
        return result

    def _wrap_outputs(self, outs):
        xp = self.xp
        outs = tuple(o if type(o) is _ndarray else _array(xp, o) for o in outs)
        self._num_outputs = len(outs)
        self._fast_backward = False
        self._output_meta = [(o.shape, o.dtype) for o in outs]
        skip = self.non_differentiable
        return tuple(
            make_tensor(o) if i in skip else make_tensor(o, True, self, i)
            for i, o in enumerate(outs)
        )

    @property
    def output(self):
        """The op's output as a Tensor linked to this node (for double backward)."""
        data = self._output
        if data is None:
            raise RuntimeError(_FREED)
        version = self._output_version.value
        if version != self._output_saved_at:
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: [{_dtype.from_numpy_dtype(data.dtype)}, {list(data.shape)}], "
                f"which is output 0 of {type(self).__name__}, is at version {version}; expected "
                f"version {self._output_saved_at} instead. Hint: enable anomaly detection to find "
                "the operation that failed to compute its gradient, with "
                "ember.autograd.set_detect_anomaly(True)."
            )
        return make_tensor(data, True, self, 0)

    def _backward(self, grads):
        if self._num_outputs > 1 and any(g is None for g in grads):
            xp = array_module(*[g._data for g in grads if g is not None])
            grads = [
                g if g is not None else make_tensor(xp.zeros(*meta))
                for g, meta in zip(grads, self._output_meta)
            ]
        result = type(self).backward(self, *grads)
        return result if type(result) is tuple else (result,)


def _forward_general(cls, ctx, inputs, params):
    """Forward of a call with params, scalars or more than two inputs; ``_ON_DEVICE`` without
    running it when an input is not a NumPy array."""
    arrays = []
    for x in inputs:
        if isinstance(x, Tensor):
            x = x._data
            if type(x) is not _ndarray:
                return _ON_DEVICE
        arrays.append(x)
    if cls.promote:
        arrays = promote_arrays(inputs, cls)
    return cls.forward(ctx, *arrays, **params)


def _array(xp, out):
    """An op's output as an array: device arrays as they are, NumPy or Python scalars (from
    reductions) as 0-d arrays of ``xp``."""
    if is_device_array(out):
        return out
    return xp.asarray(out)


def _apply_on_device(cls, ctx, inputs, params):
    """``Op.apply`` for inputs that are not all NumPy arrays: check that they live on one
    device, compute with that device's array module, and check that the outputs live there.

    As in PyTorch, a 0-d CPU tensor may join tensors of another device (it acts as a scalar).
    """
    target = anchor = None
    for x in inputs:
        if isinstance(x, Tensor):
            a = x._data
            if type(a) is _ndarray and a.ndim == 0:
                continue
            d = device_of(a)
            if target is None:
                target, anchor = d, a
            elif d != target:
                raise RuntimeError(
                    "Expected all tensors to be on the same device, but found at least two "
                    f"devices, {target} and {d}! (in {cls.__name__})"
                )
    if anchor is None or target.type == "cpu":
        # CPU after all (NumPy subclasses, CPU scalars only): the plain path.
        arrays = [x._data if isinstance(x, Tensor) else x for x in inputs]
        if cls.promote:
            arrays = promote_arrays(inputs, cls)
        out = cls.forward(ctx, *arrays, **params)
        return _finish(cls, ctx, out, inputs, params)
    xp = ctx.xp = array_module(anchor)
    arrays = [_on_device(xp, x._data) if isinstance(x, Tensor) else x for x in inputs]
    if cls.promote:
        # A NumPy array among device inputs raises there: NumPy arrays are CPU data.
        arrays = promote_arrays(inputs, cls, arrays)
    with device_guard(anchor):
        out = cls.forward(ctx, *arrays, **params)
    if type(out) is tuple:
        out = tuple(_device_output(cls, xp, target, o) for o in out)
    else:
        out = _device_output(cls, xp, target, out)
    return _finish(cls, ctx, out, inputs, params)


def _on_device(xp, a):
    # A CPU 0-d array joining a device computation: one scalar copied to the device.
    return xp.asarray(a) if type(a) is _ndarray else a


def _device_output(cls, xp, target, out):
    if is_device_array(out):
        return out
    if isinstance(out, _ndarray) and not cls.moves_device:
        raise RuntimeError(
            f"{cls.__name__}.forward returned a NumPy (CPU) array for inputs on {target}: it "
            "computes with NumPy directly where it must use ctx.xp"
        )
    return out if isinstance(out, _ndarray) else xp.asarray(out)


def _finish(cls, ctx, out, inputs, params):
    """The end of ``Op.apply``: record the node, or wrap the outputs as plain tensors."""
    if GRAD.enabled and cls.differentiable and _any_requires_grad(inputs):
        return ctx._record(out, inputs, params)
    xp = ctx.xp
    if type(out) is tuple:
        return tuple(make_tensor(o if type(o) is _ndarray else _array(xp, o)) for o in out)
    result = make_tensor(out if type(out) is _ndarray else _array(xp, out))
    if cls.is_view:
        _mark_view(result, inputs[0], cls, params)
    return result


def _any_requires_grad(inputs):
    for x in inputs:
        if isinstance(x, Tensor) and x._requires_grad:
            return True
    return False


def _mark_view(view, base, cls, params):
    # Note [views]: a view shares its base's memory and version counter, and remembers how to
    # recreate itself from the base (``_view_chain``) so that an in-place op on the view can
    # be recorded as an update of the base (see ember/ops/_inplace.py).
    _share_version(view, base)
    chain = base.__dict__.get("_view_chain", ())
    view.__dict__["_view_chain"] = chain + ((cls, params),)


def _share_version(view, base):
    view._version = base._version
    view._base = base._base if base._base is not None else base


def promote_arrays(inputs, op=None, arrays=None):
    """Arrays of ``inputs`` cast to their common dtype; Python scalars stay weak scalars (an
    integer one out of an integer dtype's range wraps around, as in PyTorch). ``op``, the
    ``Op`` class, names the op in errors; ``arrays`` are the inputs' arrays when they are not
    the tensors' own (moved to the computing device)."""
    try:
        target = _dtype.result_type(*inputs).np
    except TypeError as exc:
        return numpy_operands(inputs, op, exc)
    if arrays is None:
        try:
            # The common case, inline (every op with mixed dtypes or a scalar runs it): a
            # call into _cast costs about 0.6 us more per op, measured.
            return [
                (x._data if x._data.dtype == target else x._data.astype(target))
                if isinstance(x, Tensor)
                else (target.type(x) if x is not None and not isinstance(x, (tuple, list)) else x)
                for x in inputs
            ]
        except OverflowError:  # NumPy 2 refuses out-of-range Python ints (NEP 50)
            arrays = [x._data if isinstance(x, Tensor) else x for x in inputs]
    return _cast(inputs, arrays, target)


def _cast(inputs, arrays, target):
    """Tensors' ``arrays`` as dtype ``target``; scalars as weak scalars; the rest as is."""
    return [
        (a if a.dtype == target else a.astype(target))
        if isinstance(x, Tensor)
        else (_weak_scalar(target, a) if a is not None and not isinstance(a, (tuple, list)) else a)
        for x, a in zip(inputs, arrays)
    ]


def _weak_scalar(target, x):
    """Scalar ``x`` as NumPy dtype ``target``; a Python int out of an integer dtype's range
    wraps around modulo 2**bits, as PyTorch's integer arithmetic (``uint8 + 300`` adds 44)."""
    try:
        return target.type(x)
    except OverflowError:
        if not isinstance(x, int) or target.kind not in "iu":
            raise
    # PyTorch holds a Python int as int64 or, past that, uint64: wider ints do not convert.
    if x >= 1 << 64:
        raise OverflowError("int too big to convert") from None
    if x < -(1 << 63):
        raise OverflowError("can't convert negative int to unsigned") from None
    bits = 8 * target.itemsize
    x %= 1 << bits
    if target.kind == "i" and x >= 1 << (bits - 1):
        x -= 1 << bits
    return target.type(x)


# Note [NumPy operands]
# PyTorch's operators take a NumPy array as the right operand (``t + array``, ``t @ array``):
# NumPy computes the result, with NumPy's promotion (float32 tensor + float64 array is float64;
# a 0-d array counts as an array), and PyTorch wraps it as a tensor; a tensor that requires grad
# cannot be read by NumPy and raises. ember does the same at the one place where operands are
# promoted: for a binary op whose inputs are (Tensor, ndarray), both are cast to NumPy's result
# dtype and the op runs on them. An array anywhere else in a promoting op
# (``ember.add(array, t)``) raises PyTorch's TypeError for an argument that must be a Tensor.
# Differences from PyTorch: ``ember.add(t, array)`` (the function, not only the operator)
# accepts the array as the operator does.


def numpy_operands(inputs, op, error):
    """Arrays for an op called with NumPy arrays among its inputs (Note [NumPy operands]);
    re-raises ``error`` (from promotion) when there is none."""
    arrays = [i for i, x in enumerate(inputs) if isinstance(x, _ndarray)]
    if not arrays:
        raise error
    if arrays != [1] or len(inputs) != 2 or not isinstance(inputs[0], Tensor):
        i = arrays[0]
        arg = f"'{('input', 'other')[i]}' " if i < 2 else ""
        raise TypeError(
            f"{_op_name(op)}(): argument {arg}(position {i + 1}) must be Tensor, not numpy.ndarray"
        ) from None
    tensor, other = inputs
    a = tensor._data
    if type(a) is not _ndarray:
        raise TypeError(
            f"can't convert {tensor.device} device type tensor to numpy. Use Tensor.cpu() to "
            "copy the tensor to host memory first."
        ) from None
    if tensor._requires_grad:
        raise RuntimeError(
            "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
        ) from None
    target = np.result_type(a, other)
    _dtype.from_numpy_dtype(target)  # an ember dtype, or its TypeError
    return [a.astype(target, copy=False), other.astype(target, copy=False)]


def _op_name(op):
    """PyTorch-style name of an ``Op`` class for messages: ``FloorDivide`` -> ``floor_divide``."""
    if op is None:
        return "op"
    name = op.__name__.lstrip("_")
    return "".join("_" + c.lower() if c.isupper() and k else c.lower() for k, c in enumerate(name))


class FunctionCtx:
    """Marker base, as ``torch.autograd.function.FunctionCtx``."""


class Function(Node, FunctionCtx):
    """PyTorch's custom autograd function: subclass with static ``forward(ctx, *args)`` and
    ``backward(ctx, *grads)`` (or ``forward(*args)`` plus ``setup_context``); call ``apply``.
    """

    _dirty = ()
    _non_differentiable = ()
    _saved = ()
    _saved_versions = ()

    def __init__(self, *args, **kwargs):
        pass

    @staticmethod
    def forward(*args, **kwargs):
        """Compute the outputs: override as a staticmethod ``forward(ctx, *args, **kwargs)``, or
        ``forward(*args, **kwargs)`` together with ``setup_context``.
        """
        raise NotImplementedError("You must implement the forward function for custom Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        """Given one gradient per output, return one per input of ``forward`` (None where an
        input needs none); override as a staticmethod. ``vjp`` is the same method.
        """
        raise NotImplementedError("You must implement the backward function for custom Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        """Save on ``ctx`` what backward needs, for a ``forward`` that does not take ``ctx``;
        override as a staticmethod.
        """
        raise NotImplementedError("setup_context is not implemented.")

    vjp = backward

    def save_for_backward(self, *tensors):
        """Keep tensors for backward, read back as ``ctx.saved_tensors`` (checked for in-place
        changes in between).
        """
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    "save_for_backward can only save variables, but argument is "
                    f"of type {type(t).__name__}"
                )
        self._save(tensors)

    def mark_dirty(self, *tensors):
        """Declare the inputs that ``forward`` modified in place (and returns as outputs)."""
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        """Declare outputs that get no gradient: they do not require grad."""
        self._non_differentiable = tensors

    def set_materialize_grads(self, value):
        """Whether missing output gradients reach ``backward`` as zeros (True, the default) or as
        None.
        """
        self._materialize = bool(value)

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run ``forward`` and, when grad mode is on and an input requires grad, record the call in
        the graph; returns forward's outputs.
        """
        ctx = object.__new__(cls)
        record = GRAD.enabled and _any_requires_grad(args)
        if record:
            ctx._link(args)
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        with no_grad():
            if cls.setup_context is not Function.setup_context:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
            else:
                output = cls.forward(ctx, *args, **kwargs)
        outputs = output if type(output) is tuple else (output,)
        ctx._num_outputs = len(outputs)
        ctx._output_meta = [(o.shape, o.dtype) if isinstance(o, Tensor) else None for o in outputs]
        wrapped = tuple(ctx._wrap_output(o, i, args, record) for i, o in enumerate(outputs))
        return wrapped if type(output) is tuple else wrapped[0]

    def _wrap_output(self, out, i, args, record):
        if not isinstance(out, Tensor):
            return out
        non_diff = any(out is t for t in self._non_differentiable)
        dirty = any(out is t for t in self._dirty)
        if dirty:
            if out.is_leaf and out.requires_grad and GRAD.enabled:
                raise RuntimeError(
                    "a leaf Variable that requires grad is being used in an in-place operation."
                )
            out._version.value += 1
        elif any(out is a for a in args):
            # An input returned as-is becomes a new tensor sharing its memory, as in PyTorch.
            alias = make_tensor(out._data)
            _share_version(alias, out)
            out = alias
        if record and not non_diff:
            out._requires_grad = True
            out._grad_fn = self
            out._output_nr = i
        elif non_diff or not dirty:
            out._requires_grad = False
            out._grad_fn = None
        return out

    def _backward(self, grads):
        if self._materialize and any(g is None for g in grads):
            xp = array_module(*[g._data for g in grads if g is not None])
            grads = [
                g if g is not None or meta is None else make_tensor(xp.zeros(meta[0], meta[1].np))
                for g, meta in zip(grads, self._output_meta)
            ]
        result = type(self).backward(self, *grads)
        if type(result) is not tuple:
            result = (result,)
        n = len(self._edges)
        if len(result) < n or any(r is not None for r in result[n:]):
            raise RuntimeError(
                f"function {self.name()} returned an incorrect number of gradients "
                f"(expected {n}, got {len(result)})"
            )
        return result[:n]

    def name(self):
        """``<Function>Backward``, as PyTorch names the nodes of custom functions."""
        return f"{type(self).__name__}Backward"


class _DelayedError(Op):
    """Passes a gradient through and raises if anything tries to differentiate it again.

    Its extra inputs are the incoming gradients, so the node hangs in their graph.
    """

    def forward(ctx, x, message, *grads):
        ctx.message = message
        return x

    def backward(ctx, grad):
        raise RuntimeError(ctx.message)


def once_differentiable(backward):
    """Decorate a custom Function's backward that cannot itself be differentiated."""

    @functools.wraps(backward)
    def wrapper(ctx, *grads):
        with no_grad():
            result = backward(ctx, *grads)
        if not GRAD.enabled or not any(isinstance(g, Tensor) and g.requires_grad for g in grads):
            return result
        message = (
            "trying to differentiate twice a function that was marked with @once_differentiable"
        )
        results = result if type(result) is tuple else (result,)
        wrapped = tuple(
            _DelayedError.apply(r, message, *grads) if isinstance(r, Tensor) else r for r in results
        )
        return wrapped if type(result) is tuple else wrapped[0]

    return wrapper


def grad_accumulator(tensor):
    """The single ``AccumulateGrad`` node of a leaf, created on first use."""
    acc = tensor._accumulator
    if acc is None:
        acc = tensor._accumulator = AccumulateGrad(tensor)
    return acc
