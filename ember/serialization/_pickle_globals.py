"""The globals a pickle names, read from its opcodes without running it."""

import pickletools

__all__ = ["globals_in_pickle"]

_STRING_OPS = frozenset(
    ("UNICODE", "BINUNICODE", "SHORT_BINUNICODE", "BINUNICODE8")
    + ("STRING", "BINSTRING", "SHORT_BINSTRING")  # protocol 0-2 str
)


def globals_in_pickle(data):
    """The ``(module, name)`` of every global a pickle names, found without running it."""
    found = set()
    strings = []  # the strings pushed so far: STACK_GLOBAL (protocol 4+) takes the last two
    memo = {}  # memo index -> the string stored there (None for anything else)
    last = None  # the string on top of the stack, if the last push was one
    for op, arg, _ in pickletools.genops(data):
        kind = op.name
        if kind in _STRING_OPS:
            strings.append(arg)
            last = arg
        elif kind == "MEMOIZE":
            memo[len(memo)] = last
        elif kind in ("PUT", "BINPUT", "LONG_BINPUT"):
            memo[arg] = last
        elif kind in ("GET", "BINGET", "LONG_BINGET"):
            last = memo.get(arg)
            strings.append(last)
        else:
            if kind == "GLOBAL":
                module, name = arg.split(" ", 1)
                found.add(("builtins" if module == "__builtin__" else module, name))
            elif kind == "STACK_GLOBAL" and len(strings) >= 2:
                found.add((strings[-2], strings[-1]))
            last = None
    return found
