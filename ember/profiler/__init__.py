"""``ember.profiler``: PyTorch's profiler API (``profile``, ``record_function``, ``schedule``)
timing ember's ops forward and backward on the CPU."""

from ember.profiler._events import EventList, FunctionEvent, FunctionEventAvg
from ember.profiler._profile import (
    ProfilerAction,
    ProfilerActivity,
    profile,
    record_function,
    schedule,
)

__all__ = [
    "EventList",
    "FunctionEvent",
    "FunctionEventAvg",
    "ProfilerAction",
    "ProfilerActivity",
    "profile",
    "record_function",
    "schedule",
]
