"""The backward engine: topological order, gradient routing, accumulation, hooks, release.

Note [one broadcasting rule]
Ops return gradients in the shape that falls out of their formula (``grad`` for add, even
when an input was broadcast). The engine sums each gradient down to its input's shape and
casts it to the input's dtype, so no op repeats that logic. Without ``create_graph`` this is
array work in the gradient's own array module (``ember._backend.sum_to``); with it, the same
steps are recorded as ops so that they are differentiated too.
"""

import sys

import numpy as np

from ember import _backend
from ember._backend import array_module, sum_to, to_host
from ember._backend._fp import QUIET, quiet, restore
from ember._dtype import from_numpy_dtype, is_floating_np
from ember._tensor import Tensor, make_tensor
from ember.autograd.function import AccumulateGrad, grad_accumulator
from ember.autograd.grad_mode import GRAD

__all__ = ["backward", "grad"]

_ndarray = np.ndarray


def _topological_order(roots):
    """Nodes reachable from ``roots``, each before every node it sends gradients to."""
    order = []
    seen = set()
    for root in roots:
        if root is None or root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(root._edges))]
        while stack:
            node, edges = stack[-1]
            for nxt, _ in edges:
                if nxt is not None and nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, iter(nxt._edges)))
                    break
            else:
                stack.pop()
                order.append(node)
    order.reverse()
    return order


def _root_grads(tensors, grad_tensors, op):
    grads = []
    for i, (t, g) in enumerate(zip(tensors, grad_tensors)):
        if not t._requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )
        if g is None:
            if t._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            g = make_tensor(array_module(t._data).ones_like(t._data))
        elif not isinstance(g, Tensor):
            g = make_tensor(array_module(t._data).asarray(g, dtype=t._data.dtype))
        elif g._data.shape != t._data.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {list(g.shape)} and "
                f"output[{i}] has a shape of {list(t.shape)}."
            )
        grads.append(g)
    return grads


def _edge(t):
    return (t._grad_fn, t._output_nr) if t._grad_fn is not None else (grad_accumulator(t), 0)


def run(tensors, grad_tensors, retain_graph, create_graph, capture=None):
    """Back-propagate ``grad_tensors`` from ``tensors``.

    Without ``capture`` gradients accumulate into leaves' ``.grad``. With ``capture`` (a list
    of edges) the gradients arriving at those edges are returned instead and no ``.grad`` is
    touched, as ``autograd.grad`` does.
    """
    buffers = {}
    for t, g in zip(tensors, grad_tensors):
        node, nr = _edge(t)
        _accumulate(buffers, node, nr, g, create_graph)
    order = _topological_order([_edge(t)[0] for t in tensors])
    captured = None
    if capture is not None:
        order = _prune(order, {node for node, _ in capture})
        captured = dict.fromkeys(capture)
    prev = GRAD.enabled
    GRAD.enabled = create_graph
    fp = quiet(QUIET)  # the engine's own array work (sums, casts) warns as little as ops do
    try:
        for node in order:
            grads = buffers.pop(node, None)
            if grads is None:
                continue
            if node._has_hooks:
                grads = _run_pre_hooks(node, grads)
            if captured is not None:
                for nr, g in enumerate(grads):
                    if (node, nr) in captured:
                        captured[(node, nr)] = g
                if type(node) is AccumulateGrad:
                    continue
            elif type(node) is AccumulateGrad:
                node.accumulate(grads[0])
                continue
            _call_node(node, grads, buffers, retain_graph, create_graph)
    finally:
        GRAD.enabled = prev
        restore(fp)
    if captured is not None:
        return [captured[edge] for edge in capture]
    return None


def _run_pre_hooks(node, grads):
    d = node.__dict__
    if type(node) is AccumulateGrad:
        for hook in node.tensor_hooks:
            new = hook(grads[0])
            if new is not None:
                grads = [new]
        return grads
    table = d.get("_tensor_hooks")
    if table:
        grads = list(grads)
        for nr, hooks in table.items():
            for hook in hooks:
                if grads[nr] is not None:
                    new = hook(grads[nr])
                    if new is not None:
                        grads[nr] = new
    for hook in d.get("_pre_hooks", ()):
        new = hook(tuple(grads))
        if new is not None:
            grads = list(new)
    retain = d.get("_retain_grad")
    if retain:
        for nr, ref in retain.items():
            t = ref()
            g = grads[nr]
            if t is not None and g is not None:
                if t._grad is None:
                    t._grad = g if GRAD.enabled else make_tensor(g._data.copy())
                else:
                    t._grad = t._grad + g
    return grads


def _call_node(node, grads, buffers, retain_graph, create_graph):
    """Run one node's backward and route each input gradient to the next node's buffer."""
    if node._fast_backward:
        results = node.backward(grads[0])
        if type(results) is not tuple:
            results = (results,)
    else:
        results = node._backward(grads)
    if GRAD.anomaly and GRAD.anomaly_check_nan:
        _check_anomaly(node, results)
    if node._has_hooks:
        for hook in node.__dict__.get("_post_hooks", ()):
            new = hook(results, tuple(grads))
            if new is not None:
                results = tuple(new)
    if not retain_graph:
        node._saved = None
        if node.save_output:
            node._output = None
    metas = node._input_meta
    i = -1
    for edge, g in zip(node._edges, results):
        i += 1
        nxt = edge[0]
        if nxt is None or g is None:
            continue
        shape, dtype, array_type = metas[i]
        data = g._data
        if data.shape != shape:
            g = _reduce_to(g, shape, node, i, create_graph)
        if data.dtype is not dtype and data.dtype != dtype:
            g = (
                g.to(from_numpy_dtype(dtype))
                if create_graph
                else make_tensor(g._data.astype(dtype))
            )
        if type(data) is not array_type and array_type is _ndarray:
            # A CPU scalar that joined a device op gets its gradient back on the CPU.
            g = g.to("cpu") if create_graph else make_tensor(to_host(g._data))
        # Accumulate into the next node's buffer (inlined: this runs once per graph edge).
        buf = buffers.get(nxt)
        if buf is None:
            buf = buffers[nxt] = [None] * nxt._num_outputs
        nr = edge[1]
        old = buf[nr]
        if old is None:
            buf[nr] = g
        elif create_graph:
            buf[nr] = old + g
        else:
            total = old._data + g._data
            if type(total) is not _ndarray:  # a NumPy scalar (0-d + 0-d) or a device array
                total = _backend.add(old._data, g._data)
            buf[nr] = make_tensor(total)


def _reduce_to(g, shape, node, i, create_graph):
    gshape = g._data.shape
    lead = len(gshape) - len(shape)
    ok = lead >= 0 and all(s == 1 or s == gs for s, gs in zip(shape, gshape[lead:]))
    if not ok:
        raise RuntimeError(
            f"Function {node.name()} returned an invalid gradient at index {i} - got "
            f"{list(gshape)} but expected shape compatible with {list(shape)}"
        )
    if create_graph:
        return g.sum_to_size(shape)
    return make_tensor(sum_to(g._data, shape))


def _accumulate(buffers, node, nr, g, create_graph):
    buf = buffers.get(node)
    if buf is None:
        buf = [None] * node._num_outputs
        buffers[node] = buf
    old = buf[nr]
    if old is None:
        buf[nr] = g
    elif create_graph:
        buf[nr] = old + g
    else:
        # Plain arrays: no graph is recorded, and this runs once per extra use of a tensor.
        buf[nr] = make_tensor(_backend.add(old._data, g._data))


def _prune(order, targets):
    """Keep only the nodes from which some target node is reachable."""
    needed = set()
    for node in reversed(order):
        if node in targets or any(nxt in needed for nxt, _ in node._edges):
            needed.add(node)
    return [node for node in order if node in needed]


def _check_anomaly(node, results):
    for i, g in enumerate(results):
        if isinstance(g, Tensor) and is_floating_np(g._data.dtype) and bool(g.isnan().any()):
            trace = node.anomaly_trace
            if trace:
                print(
                    f"Error detected in {node.name()}. Traceback of forward call that caused "
                    f"the error:\n{trace}",
                    file=sys.stderr,
                )
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")


def _as_tuple(x):
    if x is None:
        return None
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Compute gradients of ``tensors`` and accumulate them into the leaves' ``.grad``."""
    tensors = _as_tuple(tensors)
    grad_tensors = _as_tuple(grad_tensors) or (None,) * len(tensors)
    if len(grad_tensors) != len(tensors):
        raise RuntimeError(
            f"grad can be implicitly created only for scalar outputs: got {len(tensors)} "
            f"tensors and {len(grad_tensors)} gradients"
        )
    if retain_graph is None:
        retain_graph = create_graph
    grads = _root_grads(tensors, grad_tensors, "backward")
    if inputs is not None:
        inputs = _as_tuple(inputs)
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
        edges = [_edge(t) for t in inputs]
        results = run(tensors, grads, retain_graph, create_graph, capture=edges)
        prev = GRAD.enabled
        GRAD.enabled = create_graph
        try:
            for t, (node, _), g in zip(inputs, edges, results):
                if g is None:
                    continue
                if type(node) is AccumulateGrad:
                    node.accumulate(g)
                elif t._grad is None:
                    t._grad = g
                else:
                    t._grad = t._grad + g
        finally:
            GRAD.enabled = prev
        return
    run(tensors, grads, retain_graph, create_graph)


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph=False,
    only_inputs=True,
    allow_unused=None,
    is_grads_batched=False,
    materialize_grads=False,
):
    """Return the gradients of ``outputs`` with respect to ``inputs`` (no ``.grad`` changes)."""
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    grad_outputs = _as_tuple(grad_outputs) or (None,) * len(outputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    if retain_graph is None:
        retain_graph = create_graph
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    grads = _root_grads(outputs, grad_outputs, "grad")
    edges = [_edge(t) for t in inputs]
    results = run(outputs, grads, retain_graph, create_graph, capture=edges)
    out = []
    for t, g in zip(inputs, results):
        if g is None:
            if materialize_grads:
                g = make_tensor(array_module(t._data).zeros_like(t._data))
            elif not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior."
                )
        out.append(g)
    return tuple(out)
