"""``profile`` and ``record_function``: timing every op call and every backward node.

Note [profiling costs nothing when off]
Nothing in ``Op.apply`` or the engine checks for a profiler. While a profile records, it swaps
in timed wrappers at the three places every call passes through: ``Op.apply`` (ember's ops),
``Function.apply`` (custom autograd functions) and ``engine._call_node`` (one node's backward),
plus the two Tensor operators that hold a bound ``Op.apply`` of their own (``__add__`` and
``__mul__``, see ``ember.ops.elementwise._operator``). Leaving the block restores the originals,
so code outside a profile runs exactly the code it runs without this package.
"""

import contextlib
import enum
import itertools
import re
import threading
import time
import warnings

from ember._tensor import Tensor
from ember.autograd import engine
from ember.autograd.function import Function, Op
from ember.ops import elementwise
from ember.profiler._events import EventList, FunctionEvent

__all__ = ["ProfilerAction", "ProfilerActivity", "profile", "record_function", "schedule"]


class ProfilerActivity(enum.Enum):
    """The activities PyTorch's profiler can record; ember records ``CPU``."""

    CPU = "CPU"
    CUDA = "CUDA"
    XPU = "XPU"
    MTIA = "MTIA"
    HPU = "HPU"
    PrivateUse1 = "PrivateUse1"


class ProfilerAction(enum.Enum):
    """What a ``schedule`` asks the profiler to do at a step."""

    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def schedule(*, wait, warmup, active, repeat=0, skip_first=0):
    """PyTorch's step schedule: skip ``skip_first`` steps, then cycles of ``wait`` idle,
    ``warmup`` and ``active`` recorded steps (``repeat`` cycles, 0 for no limit)."""
    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise ValueError("Invalid profiler schedule arguments")
    period = wait + warmup + active

    def schedule_fn(step):
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if repeat > 0 and step // period >= repeat:
            return ProfilerAction.NONE
        phase = step % period
        if phase < wait:
            return ProfilerAction.NONE
        if phase < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if phase < period - 1 else ProfilerAction.RECORD_AND_SAVE

    return schedule_fn


def _always_record(step):
    return ProfilerAction.RECORD


# ---- the recorder ----------------------------------------------------------------------------

_ACTIVE = None  # the _Recorder of the profile now recording, if any
_NAMES = {}  # op class -> ember op name, computed once per class


def _op_name(cls):
    name = _NAMES.get(cls)
    if name is None:
        # MatMul -> mat_mul, LogSoftmax -> log_softmax, _TruthReduction -> truth_reduction
        name = _NAMES[cls] = re.sub(
            r"(?<=[a-z0-9])(?=[A-Z])", "_", cls.__name__.lstrip("_")
        ).lower()
    return name


def _shapes(values):
    return [list(v.shape) if isinstance(v, Tensor) else [] for v in values]


class _Recorder:
    """Events of one recording, nested per thread by a stack of open events."""

    def __init__(self, record_shapes):
        self.record_shapes = record_shapes
        self.events = []
        self.ids = itertools.count()
        self.local = threading.local()

    def begin(self, name, inputs, annotation=False):
        stack = self.local.__dict__.setdefault("stack", [])
        shapes = _shapes(inputs) if self.record_shapes else None
        evt = FunctionEvent(next(self.ids), name, threading.get_ident(), 0.0, shapes, annotation)
        if stack:
            evt.cpu_parent = stack[-1]
            stack[-1].cpu_children.append(evt)
        stack.append(evt)
        self.events.append(evt)
        evt.start_us = evt.end_us = time.perf_counter_ns() / 1000.0  # last: bookkeeping untimed
        return evt

    def end(self, evt):
        evt.end_us = time.perf_counter_ns() / 1000.0
        stack = self.local.stack
        while stack and stack.pop() is not evt:  # an exception may have skipped inner ends
            pass


def _fast_operator_op(method):
    """The op class whose bound ``Op.apply`` a fast Tensor operator holds in its closure."""
    for cell in method.__closure__ or ():
        bound = cell.cell_contents
        if getattr(bound, "__func__", None) is Op.__dict__["apply"].__func__:
            return bound.__self__
    return None


class _Hooks:
    """Installs the timed wrappers of Note [profiling costs nothing when off], and undoes it."""

    def __init__(self, recorder):
        self.recorder = recorder
        self.saved = None

    def install(self):
        rec = self.recorder
        op_apply = Op.__dict__["apply"]
        fn_apply = Function.__dict__["apply"]
        call_node = engine._call_node
        fast = {d: Tensor.__dict__[d] for d in elementwise.OPERATORS_FAST if d in Tensor.__dict__}
        fast_ops = {d: _fast_operator_op(m) for d, m in fast.items()}
        self.saved = (op_apply, fn_apply, call_node, fast)
        op_func, fn_func = op_apply.__func__, fn_apply.__func__

        def timed_op_apply(cls, *inputs, **params):
            evt = rec.begin(_NAMES.get(cls) or _op_name(cls), inputs)
            try:
                return op_func(cls, *inputs, **params)
            finally:
                rec.end(evt)

        def timed_function_apply(cls, *args, **kwargs):
            evt = rec.begin(cls.__name__, args)
            try:
                return fn_func(cls, *args, **kwargs)
            finally:
                rec.end(evt)

        def timed_call_node(node, grads, *rest):
            evt = rec.begin(node.name(), grads)
            try:
                return call_node(node, grads, *rest)
            finally:
                rec.end(evt)

        Op.apply = classmethod(timed_op_apply)
        Function.apply = classmethod(timed_function_apply)
        engine._call_node = timed_call_node
        for dunder, op in fast_ops.items():
            if op is not None:  # rebuilt now, so that it binds the timed Op.apply
                setattr(Tensor, dunder, elementwise._operator(op))

    def uninstall(self):
        op_apply, fn_apply, call_node, fast = self.saved
        Op.apply = op_apply
        Function.apply = fn_apply
        engine._call_node = call_node
        for dunder, method in fast.items():
            setattr(Tensor, dunder, method)
        self.saved = None


# ---- the public API --------------------------------------------------------------------------


class profile:
    """Record the time of every op and backward node run inside the block, as
    ``torch.profiler.profile``::

        with ember.profiler.profile(activities=[ProfilerActivity.CPU]) as prof:
            model(x).sum().backward()
        print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=10))

    Differences from PyTorch: CPU time only; ``profile_memory``, ``with_stack``, ``with_flops``
    and ``with_modules`` are accepted with a warning and not recorded; op names are ember's
    (``mul``, ``MulBackward0``), not ``aten::`` names.
    """

    def __init__(
        self,
        activities=None,
        schedule=None,
        on_trace_ready=None,
        record_shapes=False,
        profile_memory=False,
        with_stack=False,
        with_flops=False,
        with_modules=False,
        experimental_config=None,
        execution_trace_observer=None,
        acc_events=False,
        use_cuda=None,
    ):
        activities = {ProfilerActivity.CPU} if activities is None else set(activities)
        for activity in activities - {ProfilerActivity.CPU}:
            warnings.warn(
                f"ember.profiler records CPU time only; {activity} is not recorded", stacklevel=2
            )
        options = dict(
            profile_memory=profile_memory,
            with_stack=with_stack,
            with_flops=with_flops,
            with_modules=with_modules,
        )
        for option, value in options.items():
            if value:
                warnings.warn(f"ember.profiler does not support {option}; ignored", stacklevel=2)
        self.activities = activities
        self.record_shapes = record_shapes
        self.schedule = schedule if schedule is not None else _always_record
        self.on_trace_ready = on_trace_ready
        self.acc_events = acc_events
        self.step_num = 0
        self.current_action = ProfilerAction.NONE
        self._hooks = None
        self._events = EventList()

    # A recording is running while hooks are installed.
    def _start_recording(self):
        global _ACTIVE
        if _ACTIVE is not None:
            raise RuntimeError("ember.profiler: another profile is already recording")
        recorder = _Recorder(self.record_shapes)
        self._hooks = _Hooks(recorder)
        self._hooks.install()
        _ACTIVE = recorder

    def _stop_recording(self):
        global _ACTIVE
        recorder = self._hooks.recorder
        self._hooks.uninstall()
        self._hooks = None
        _ACTIVE = None
        kept = list(self._events) if self.acc_events else []
        self._events = EventList(kept + recorder.events)

    def _enter_action(self, action):
        if action in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE):
            if self._hooks is None:
                self._start_recording()

    def _leave_action(self, action):
        if self._hooks is not None:
            self._stop_recording()
        if action in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE):
            if self.on_trace_ready is not None:
                self.on_trace_ready(self)

    def start(self):
        """Begin profiling (what entering the ``with`` block does)."""
        self.step_num = 0
        self.current_action = self.schedule(0)
        self._enter_action(self.current_action)

    def stop(self):
        """End profiling; ``on_trace_ready`` runs if the current step was recorded."""
        self._leave_action(self.current_action)
        self.current_action = ProfilerAction.NONE

    def step(self):
        """Mark the end of a training step for ``schedule``."""
        previous = self.current_action
        self.step_num += 1
        self.current_action = self.schedule(self.step_num)
        recording = (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)
        if previous == ProfilerAction.RECORD_AND_SAVE or (
            previous in recording and self.current_action not in recording
        ):
            self._leave_action(previous)
        self._enter_action(self.current_action)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def events(self):
        """The recorded events (of the last recorded span), in start order."""
        return self._events

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0):
        """The events averaged by name (and by input shapes, when asked)."""
        if group_by_input_shape and not self.record_shapes:
            raise RuntimeError("group_by_input_shape requires profile(record_shapes=True)")
        return self._events.key_averages(group_by_input_shape)

    def export_chrome_trace(self, path):
        """Write the events as Chrome trace JSON (open in chrome://tracing or Perfetto)."""
        self._events.export_chrome_trace(path)


class record_function(contextlib.ContextDecorator):
    """Label a block (or, as a decorator, a function) in the profile; free when no profile
    is recording."""

    def __init__(self, name, args=None):
        self.name = name
        self.args = args
        self._open = []  # (recorder, event) per entry: a decorated function may recurse

    def __enter__(self):
        recorder = _ACTIVE
        if recorder is not None:
            self._open.append((recorder, recorder.begin(self.name, (), annotation=True)))
        else:
            self._open.append(None)
        return self

    def __exit__(self, *exc):
        entry = self._open.pop()
        if entry is not None:
            entry[0].end(entry[1])
        return False
