"""nn.Module details beyond tests/nn/test_module.py, each compared with PyTorch: member
iteration options, state_dict arguments and hooks, conversions, registration errors, forward
and backward hook edge cases, __setstate__ of old pickles, __dir__."""

import numpy as np
import pytest
import torch

import ember


def _same_error(fn, *exc_types):
    """``fn(T)`` raises the same exception type and message under ember and torch."""
    messages = []
    for T in (ember, torch):
        with pytest.raises(exc_types or Exception) as info:
            fn(T)
        messages.append((type(info.value).__name__, str(info.value).replace("torch", "ember")))
    assert messages[0] == messages[1]


def _leaf(T, n=2):
    class Leaf(T.nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = T.nn.Parameter(T.tensor(np.arange(n * 2.0).reshape(n, 2)))
            self.register_buffer("count", T.zeros(1, dtype=T.int64))
            self.register_buffer("stat", T.ones(n, dtype=T.float64))
            self.register_buffer("nothing", None)

        def forward(self, x):
            return x @ self.weight.T

    return Leaf()


def _shared_tree(T):
    """A tree where one module and one parameter appear under two names each."""
    leaf = _leaf(T)
    net = T.nn.Sequential(leaf, T.nn.ModuleList([leaf, _leaf(T)]), T.nn.ModuleDict({"a": None}))
    net[1][1].weight = leaf.weight
    return net


def _names(pairs):
    return [name for name, _ in pairs]


@pytest.mark.parametrize("remove_duplicate", [True, False])
@pytest.mark.parametrize("prefix", ["", "net"])
def test_named_members_prefix_recurse_and_duplicates_match_torch(prefix, remove_duplicate):
    e, t = _shared_tree(ember), _shared_tree(torch)
    kw = {"prefix": prefix, "remove_duplicate": remove_duplicate}
    assert _names(e.named_modules(**kw)) == _names(t.named_modules(**kw))
    for recurse in (True, False):
        for method in ("named_parameters", "named_buffers"):
            got = _names(getattr(e, method)(recurse=recurse, **kw))
            assert got == _names(getattr(t, method)(recurse=recurse, **kw)), method
            got = _names(getattr(e[1], method)(recurse=recurse, **kw))
            assert got == _names(getattr(t[1], method)(recurse=recurse, **kw)), method
    assert _names(e[1].named_children()) == _names(t[1].named_children())
    assert len(list(e.modules())) == len(list(t.modules()))
    assert len(list(e.parameters(recurse=False))) == len(list(t.parameters(recurse=False)))
    assert len(list(e.buffers())) == len(list(t.buffers()))


def test_state_dict_prefix_destination_and_positional_warning():
    e, t = _shared_tree(ember), _shared_tree(torch)
    assert list(e.state_dict(prefix="m.")) == list(t.state_dict(prefix="m."))
    dest_e, dest_t = {"x": 1}, {"x": 1}
    assert e.state_dict(destination=dest_e) is dest_e
    t.state_dict(destination=dest_t)
    assert list(dest_e) == list(dest_t)
    with pytest.warns(FutureWarning, match="Positional args are being deprecated"):
        got = e.state_dict(None, "p.")
    with pytest.warns(FutureWarning):
        want = t.state_dict(None, "p.")
    assert list(got) == list(want)


def _post_hooks_run(T):
    m = _leaf(T)
    handle = m.register_state_dict_post_hook(lambda mod, sd, prefix, meta: {"x": 1})
    with pytest.raises(RuntimeError, match="state_dict post-hook must return None"):
        m.state_dict()
    handle.remove()
    m._register_state_dict_hook(lambda mod, sd, prefix, meta: {"replaced": 1})
    seen = []
    m.register_state_dict_pre_hook(lambda mod, prefix, keep: seen.append((prefix, keep)))
    return list(m.state_dict(prefix="p.", keep_vars=True)), seen


def test_state_dict_post_hooks_public_and_private():
    assert _post_hooks_run(ember) == _post_hooks_run(torch) == (["replaced"], [("p.", True)])


def test_load_state_dict_size_mismatch_raises_even_when_not_strict():
    def fn(T):
        m = _leaf(T)
        state = m.state_dict()
        state["weight"] = T.zeros(3, 2)
        state["stat"] = T.zeros(1, 2)
        m.load_state_dict(state, strict=False)

    _same_error(fn, RuntimeError)


def test_load_state_dict_post_hook_can_clear_missing_keys():
    for T in (ember, torch):
        m = _leaf(T)

        def forgive(module, keys):
            keys.missing_keys.clear()

        m.register_load_state_dict_post_hook(forgive)
        result = m.load_state_dict({})
        assert result.missing_keys == [] and result.unexpected_keys == []
        m.register_load_state_dict_post_hook(lambda module, keys: 1)
        with pytest.raises(AssertionError, match="not expected to return new values"):
            m.load_state_dict({})


def test_load_state_dict_pre_hook_sees_module_and_may_rename():
    def fn(T):
        m = _leaf(T)
        state = {("old_" + k): v for k, v in m.state_dict().items()}

        def rename(module, sd, prefix, meta, strict, missing, unexpected, errors):
            assert module is m
            for k in list(sd):
                sd[k[len("old_") :]] = sd.pop(k)

        m.register_load_state_dict_pre_hook(rename)
        return repr(m.load_state_dict(state))

    assert fn(ember) == fn(torch)


def _convert(T, call):
    m = _leaf(T)
    m.weight.grad = T.ones(2, 2, dtype=T.float64)
    out = call(T, m)
    assert out is m
    return [
        (n, str(v.dtype).split(".")[-1], v.requires_grad)
        for n, v in m.state_dict(keep_vars=True).items()
    ] + [str(m.weight.grad.dtype).split(".")[-1], type(m.weight).__name__]


@pytest.mark.parametrize(
    "call",
    [
        lambda T, m: m.to(T.float32),
        lambda T, m: m.to("cpu", T.float16),
        lambda T, m: m.to(T.zeros(1, dtype=T.float32)),
        lambda T, m: m.to(device="cpu", dtype=T.float32),
        lambda T, m: m.to("cpu"),
        lambda T, m: m.float(),
        lambda T, m: m.half().double(),
        lambda T, m: m.bfloat16(),
        lambda T, m: m.type(T.float32),
        lambda T, m: m.cpu(),
        lambda T, m: m.requires_grad_(False),
        lambda T, m: m.requires_grad_(False).requires_grad_(),
    ],
)
def test_conversions_match_torch(call):
    assert _convert(ember, call) == _convert(torch, call)


def test_to_integer_dtype_error_matches_torch():
    _same_error(lambda T: _leaf(T).to(T.int32), TypeError)


def test_apply_returns_self_and_zero_grad_defaults_to_none():
    for T in (ember, torch):
        m = _leaf(T)
        assert m.apply(lambda mod: None) is m
        m.weight.grad = T.ones(2, 2, dtype=T.float64, requires_grad=True) * 2
        m.zero_grad(set_to_none=False)
        assert not m.weight.grad.requires_grad and m.weight.grad.sum().item() == 0
        m.zero_grad()
        assert m.weight.grad is None


def test_registration_errors_match_torch():
    cases = [
        lambda T: T.nn.Module().add_module(1, T.nn.ReLU()),
        lambda T: T.nn.Module().add_module("a.b", T.nn.ReLU()),
        lambda T: T.nn.Module().add_module("", T.nn.ReLU()),
        lambda T: T.nn.Module().register_module("train", T.nn.ReLU()),
        lambda T: T.nn.Module().register_buffer("a.b", T.ones(1)),
        lambda T: T.nn.Module().register_buffer("", T.ones(1)),
        lambda T: T.nn.Module().register_buffer(3, T.ones(1)),
        lambda T: T.nn.Module().register_parameter("", None),
        lambda T: T.nn.Module().register_parameter("p", T.nn.Parameter(T.ones(2)) * 2),
        lambda T: T.nn.Module(3),
        lambda T: T.nn.Module(foo=3),
        lambda T: T.nn.Linear(2, 2).get_parameter("weight.x"),
        lambda T: T.nn.Linear(2, 2).get_parameter("nothing"),
        lambda T: T.nn.Sequential(T.nn.Linear(2, 2)).get_submodule("0.weight"),
        lambda T: T.nn.Linear(2, 2).get_buffer("weight"),
    ]
    for fn in cases:
        _same_error(fn)


def test_register_module_and_add_module_register_children():
    for T in (ember, torch):
        m = T.nn.Module()
        m.register_module("a", T.nn.ReLU())
        m.add_module("b", None)
        m.add_module("a", T.nn.Tanh())
        assert _names(m.named_children()) == ["a"] and list(m._modules) == ["a", "b"]
        assert m.get_submodule("a").__class__.__name__ == "Tanh"
    assert repr(m).replace("torch", "ember") == repr(
        _registered(ember.nn.Module(), ember.nn.Tanh())
    )


def _registered(m, child):
    m.register_module("a", child)
    m.add_module("b", None)
    return m


def test_extra_repr_multiline_and_nested_match_torch():
    def build(T):
        class Cfg(T.nn.Module):
            def __init__(self):
                super().__init__()
                self.inner = T.nn.Linear(2, 3)

            def extra_repr(self):
                return "a=1,\nb=2"

        return T.nn.Sequential(Cfg(), T.nn.ModuleDict({"x": Cfg(), "y": T.nn.Identity()}))

    assert repr(build(ember)) == repr(build(torch))


# ---- forward hooks --------------------------------------------------------------------------


class _Twice:
    @staticmethod
    def make(T):
        class Twice(T.nn.Module):
            def forward(self, x, *, scale=1.0):
                return x * 2 * scale

        return Twice()


def _hook_run(T):
    m = _Twice.make(T)
    log = []
    m.register_forward_pre_hook(lambda mod, args: args[0] + 1)  # a bare value becomes (value,)
    m.register_forward_pre_hook(lambda mod, args: log.append("first"), prepend=True)
    m.register_forward_pre_hook(
        lambda mod, args, kwargs: (args, {**kwargs, "scale": 10.0}), with_kwargs=True
    )
    m.register_forward_hook(lambda mod, args, kwargs, out: log.append(kwargs), with_kwargs=True)
    with m.register_forward_hook(lambda mod, args, out: out * 0):
        pass  # the handle as a context manager removes the hook on exit
    out = m(T.tensor([1.0]), scale=3.0)
    return out.item(), log


def test_forward_pre_hooks_wrap_prepend_and_kwargs_match_torch():
    assert _hook_run(ember) == _hook_run(torch)


def test_forward_pre_hook_with_kwargs_bad_return_matches_torch():
    def fn(T):
        m = _Twice.make(T)
        m.register_forward_pre_hook(lambda mod, args, kwargs: 5, with_kwargs=True)
        m(T.ones(1))

    _same_error(fn, RuntimeError)


def _always_call_run(T, where):
    m = _Twice.make(T)
    seen = []
    if where == "pre":
        m.register_forward_pre_hook(lambda mod, args: 1 / 0)
    m.register_forward_hook(
        lambda mod, args, out: seen.append(None if out is None else out.tolist()), always_call=True
    )
    if where == "post":
        m.register_forward_hook(lambda mod, args, out: 1 / 0)
    m.register_forward_hook(lambda mod, args, out: seen.append("never"))
    m.register_forward_hook(
        lambda mod, args, kwargs, out: seen.append(("kw", kwargs)),
        with_kwargs=True,
        always_call=True,
    )
    with pytest.raises(ZeroDivisionError):
        m(T.tensor([1.0]), scale=2.0)
    return seen


@pytest.mark.parametrize("where", ["pre", "post"])
def test_always_call_forward_hooks_match_torch(where):
    assert _always_call_run(ember, where) == _always_call_run(torch, where)


def test_always_call_hook_error_is_silenced_with_a_warning():
    for T in (ember, torch):
        m = _Twice.make(T)
        m.register_forward_pre_hook(lambda mod, args: 1 / 0)
        m.register_forward_hook(lambda mod, args, out: [][1], always_call=True)
        with pytest.warns(UserWarning, match="raised an exception that was silenced"):
            with pytest.raises(ZeroDivisionError):
                m(T.ones(1))


# ---- backward hooks -------------------------------------------------------------------------


def _backward_run(T, case):
    class Lin(T.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = T.nn.Parameter(T.tensor([[1.0, 2.0], [3.0, -1.0]]))

        def forward(self, x, y):
            return x @ self.w + y

    m = Lin()
    log = []

    def clone(grads):
        return [None if g is None else g.tolist() for g in grads]

    def pre(mod, g_out):
        log.append(("pre", clone(g_out)))
        return (g_out[0] * 3,) if case == "replace" else None

    def hook(mod, g_in, g_out):
        log.append(("hook", clone(g_in), clone(g_out)))
        return (g_in[0] + 1, g_in[1]) if case == "replace" else None

    handles = [m.register_full_backward_pre_hook(pre), m.register_full_backward_hook(hook)]
    x = T.tensor([[1.0, 2.0]], requires_grad=case != "no_input_grad")
    y = T.tensor([[0.5, 0.5]], requires_grad=case == "replace")
    if case == "no_input_grad":
        with pytest.warns(UserWarning, match="Full backward hook is firing"):
            m(x, y).sum().backward()
    else:
        m(x, y).sum().backward()
    if case == "removed":
        for h in handles:
            h.remove()
        m.w.grad = None
        m(x, y).sum().backward()
    return log, clone([x.grad, y.grad, m.w.grad])


@pytest.mark.parametrize("case", ["plain", "replace", "no_input_grad", "removed"])
def test_full_backward_hooks_match_torch(case):
    assert _backward_run(ember, case) == _backward_run(torch, case)


def test_full_backward_hook_wrong_count_error_matches_torch():
    def fn(T):
        m = T.nn.Linear(2, 2)
        m.register_full_backward_hook(lambda mod, g_in, g_out: (g_in[0], g_in[0]))
        m(T.ones(1, 2, requires_grad=True)).sum().backward()

    _same_error(fn, RuntimeError)


# ---- calling, pickling protocol, dir --------------------------------------------------------


def test_call_passes_args_and_kwargs_to_forward():
    for T in (ember, torch):
        m = _Twice.make(T)
        assert m(T.tensor([1.0]), scale=4.0).item() == 8.0
        assert type(m).__call__ is T.nn.Module.__call__


def _setstate_run(T):
    old = _leaf(T)
    state = dict(old.__dict__)
    for key in (
        "_forward_pre_hooks",
        "_forward_pre_hooks_with_kwargs",
        "_forward_hooks_with_kwargs",
        "_forward_hooks_always_called",
        "_backward_pre_hooks",
        "_state_dict_pre_hooks",
        "_state_dict_hooks",
        "_load_state_dict_pre_hooks",
        "_load_state_dict_post_hooks",
        "_non_persistent_buffers_set",
    ):
        del state[key]
    m = type(old).__new__(type(old))
    m.__setstate__(state)
    seen = []
    m.register_forward_pre_hook(lambda mod, args: seen.append(1), with_kwargs=False)
    m.register_forward_hook(lambda mod, args, out: seen.append(2), always_call=True)
    m.register_full_backward_pre_hook(lambda mod, g: seen.append(3))
    m.register_state_dict_pre_hook(lambda *a: seen.append(4))
    m.register_load_state_dict_post_hook(lambda *a: seen.append(5))
    m(T.ones(1, 2, dtype=T.float64, requires_grad=True)).sum().backward()
    m.load_state_dict(m.state_dict())
    return seen


def test_setstate_fills_attributes_missing_from_old_pickles():
    assert _setstate_run(ember) == _setstate_run(torch) == [1, 2, 3, 4, 5]


def test_dir_matches_torch():
    def members(T):
        m = T.nn.Sequential(_leaf(T), T.nn.ReLU())
        m[0].plain = 1
        return {n for n in dir(m[0]) if n in ("weight", "count", "stat", "nothing", "plain")}, [
            n for n in dir(m) if n[:1].isdigit()
        ]

    assert members(ember) == members(torch)
    e, t = set(dir(_leaf(ember))), set(dir(_leaf(torch)))
    public_t = {n for n in t if not n.startswith("_") and hasattr(ember.nn.Module, n)}
    assert public_t <= e


def test_module_public_methods_exist_as_in_torch():
    names = {n for n in dir(torch.nn.Module) if not n.startswith("_")}
    missing = sorted(n for n in names if not hasattr(ember.nn.Module, n))
    # Left out on purpose: compiling, devices other than the CPU, IPU/XPU/MTIA, meta tensors.
    assert set(missing) <= {
        "compile",
        "ipu",
        "xpu",
        "mtia",
        "to_empty",
        "set_submodule",
        "T_destination",
    }, missing
