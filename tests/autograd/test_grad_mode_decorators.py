"""Grad modes used as PyTorch code uses them: bare decorators, generators, and
``set_grad_enabled`` as a function, a context manager and a decorator; each against PyTorch."""

import pytest

import ember

torch = pytest.importorskip("torch")


def _modes(T):
    return (T.is_grad_enabled(), T.is_inference_mode_enabled())


@pytest.mark.parametrize("name", ["no_grad", "enable_grad", "inference_mode"])
@pytest.mark.parametrize("outer", [True, False])
def test_bare_decorator_applies_the_mode(name, outer):
    def run(T):
        @getattr(T, name)
        def f(x, *, scale=1):
            """Doc."""
            return _modes(T), x * scale

        with T.set_grad_enabled(outer):
            return f(2, scale=3), _modes(T), f.__name__, f.__doc__

    assert run(ember) == run(torch)


@pytest.mark.parametrize(
    "name, args", [("no_grad", ()), ("enable_grad", ()), ("inference_mode", (False,))]
)
def test_called_decorator_applies_the_mode(name, args):
    def run(T):
        @getattr(T, name)(*args)
        def f():
            return _modes(T)

        with T.no_grad():
            return f(), _modes(T)

    assert run(ember) == run(torch)


@pytest.mark.parametrize("name", ["no_grad", "enable_grad", "inference_mode"])
def test_decorated_generator_body_runs_in_the_mode(name):
    def run(T):
        @getattr(T, name)()
        def gen(n):
            got = []
            for i in range(n):
                got.append((yield (i, _modes(T))))
            return got

        trace = []
        with T.set_grad_enabled(name != "enable_grad"):
            g = gen(2)
            trace.append(next(g))
            trace.append(_modes(T))  # suspended: the caller's mode
            trace.append(g.send("a"))
            trace.append(_modes(T))
            with pytest.raises(StopIteration) as stop:
                g.send("b")
            trace.append(stop.value.value)
        return trace

    assert run(ember) == run(torch)


def test_exception_thrown_into_decorated_generator_is_seen_inside_the_mode():
    def run(T):
        @T.no_grad()
        def gen():
            try:
                yield 1
            except KeyError:
                yield _modes(T)

        g = gen()
        next(g)
        result = (g.throw(KeyError("k")), _modes(T))
        g.close()
        return result

    assert run(ember) == run(torch)


def test_set_grad_enabled_as_function_context_and_decorator():
    def run(T):
        trace = []
        T.set_grad_enabled(False)
        trace.append(T.is_grad_enabled())
        T.set_grad_enabled(True)
        with T.set_grad_enabled(False) as entered:
            trace.append((entered, T.is_grad_enabled()))
        trace.append(T.is_grad_enabled())

        @T.set_grad_enabled(False)
        def f():
            return T.is_grad_enabled()

        trace.append(T.is_grad_enabled())  # decorating does not switch the caller's mode
        trace.append((f(), T.is_grad_enabled()))
        return trace

    assert run(ember) == run(torch)


def test_inference_mode_false_turns_recording_on_inside_no_grad():
    results = {}
    for T in (ember, torch):
        with T.no_grad(), T.inference_mode(False):
            inner = _modes(T)
        with T.inference_mode(), T.inference_mode(False):
            nested = _modes(T)
        results[T] = (inner, nested, _modes(T))
    assert results[ember] == results[torch]


def test_bare_decorated_function_records_no_graph():
    w = ember.ones(3, requires_grad=True)

    @ember.no_grad
    def f(x):
        return x * 2

    @ember.enable_grad
    def g(x):
        return x * 2

    assert not f(w).requires_grad
    with ember.no_grad():
        assert g(w).requires_grad
