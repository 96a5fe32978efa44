"""Module: registration, iteration, state_dict, modes, conversion, hooks, pickling (vs torch)."""

import copy
import pickle

import numpy as np
import pytest
import torch

import ember
from ember.testing.comparison import assert_close


def _build(T):
    """The same small tree of modules in namespace ``T`` (ember or torch)."""
    nn = T.nn

    class Leaf(nn.Module):
        def __init__(self, n):
            super().__init__()
            self.weight = nn.Parameter(T.tensor(np.arange(n * 2.0).reshape(n, 2)))
            self.bias = nn.Parameter(T.tensor(np.linspace(-1, 1, n)))
            self.register_buffer("count", T.tensor(np.zeros(1)))
            self.register_buffer("scratch", T.tensor(np.ones(2)), persistent=False)

        def forward(self, x):
            return (x @ self.weight.T + self.bias).tanh()

        def extra_repr(self):
            return f"n={self.weight.shape[0]}"

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.first = Leaf(2)
            self.block = nn.Sequential(Leaf(2), nn.Sequential(Leaf(2)))
            self.scale = nn.Parameter(T.tensor(np.array(0.5)))
            self.empty = None
            self.register_parameter("missing", None)

        def forward(self, x):
            return self.block[0](self.first(x)) * self.scale

    return Net()


def _same_error(fn, *exc_types):
    """Run ``fn(T)`` under both namespaces; exception types and messages must agree."""
    messages = []
    for T in (ember, torch):
        with pytest.raises(exc_types or Exception) as info:
            fn(T)
        messages.append((type(info.value), str(info.value).replace("torch", "ember")))
    assert messages[0] == messages[1]


def test_module_named_members_match_torch():
    e, t = _build(ember), _build(torch)
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in e.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [n for n, _ in e.named_modules()] == [n for n, _ in t.named_modules()]
    assert [n for n, _ in e.named_children()] == [n for n, _ in t.named_children()]
    assert [n for n, _ in e.named_parameters(prefix="m", recurse=False)] == [
        n for n, _ in t.named_parameters(prefix="m", recurse=False)
    ]
    assert len(list(e.parameters())) == len(list(t.parameters()))
    assert len(list(e.modules())) == len(list(t.modules()))


def test_module_state_dict_keys_shapes_and_detach():
    e, t = _build(ember), _build(torch)
    es, ts = e.state_dict(), t.state_dict()
    assert list(es) == list(ts)
    assert [tuple(v.shape) for v in es.values()] == [tuple(v.shape) for v in ts.values()]
    assert dict(es._metadata) == dict(ts._metadata)
    assert not es["first.weight"].requires_grad
    assert type(es["first.weight"]) is ember.Tensor
    kept = e.state_dict(keep_vars=True)
    assert kept["first.weight"] is e.first.weight


def test_module_repr_matches_torch():
    assert repr(_build(ember)) == repr(_build(torch))


def test_module_shared_parameters_deduplicated():
    for T in (ember, torch):
        a = T.nn.Sequential(_build(T).first)
        a.append(a[0])
        assert len(list(a.parameters())) == 2
        assert len(list(a.named_parameters(remove_duplicate=False))) == 4
    e = ember.nn.Sequential(_build(ember).first)
    e.append(e[0])
    t = torch.nn.Sequential(_build(torch).first)
    t.append(t[0])
    assert list(e.state_dict()) == list(t.state_dict())


def test_module_load_state_dict_round_trip():
    src, dst = _build(ember), _build(ember)
    with ember.no_grad():
        src.first.weight.mul_(3.0)
    result = dst.load_state_dict(src.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"
    assert_close(dst.first.weight.detach(), src.first.weight.detach())
    assert dst.first.weight is not src.first.weight


def test_module_load_state_dict_errors_list_every_key():
    def fn(T):
        m = _build(T)
        state = m.state_dict()
        del state["first.bias"]
        del state["block.0.count"]
        state["block.0.weight"] = T.zeros(5, 2)
        state["extra.weight"] = T.zeros(1)
        state["first.nope"] = T.zeros(1)
        m.load_state_dict(state)

    _same_error(fn, RuntimeError)


def test_module_load_state_dict_non_strict_returns_keys():
    results = []
    for T in (ember, torch):
        m = _build(T)
        state = m.state_dict()
        del state["scale"]
        state["foo.bar"] = T.zeros(1)
        results.append(m.load_state_dict(state, strict=False))
    assert results[0].missing_keys == results[1].missing_keys
    assert results[0].unexpected_keys == results[1].unexpected_keys


def test_module_load_state_dict_assign_takes_tensors():
    m = _build(ember)
    state = {k: v.clone() for k, v in m.state_dict().items()}
    m.load_state_dict(state, assign=True)
    assert isinstance(m.first.weight, ember.nn.Parameter)
    assert m.first.weight.requires_grad
    assert m.first.count is state["first.count"]


def test_module_load_state_dict_not_a_mapping():
    _same_error(lambda T: _build(T).load_state_dict([1, 2]), TypeError)


def test_module_train_eval_propagates():
    m = _build(ember)
    assert m.training and m.block[1][0].training
    assert m.eval() is m
    assert not any(x.training for x in m.modules())
    m.train()
    assert all(x.training for x in m.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        m.train("yes")


def test_module_to_dtype_keeps_parameter_identity():
    m = _build(ember)
    w = m.first.weight
    assert m.float() is m
    assert m.first.weight is w and w.dtype == ember.float32
    assert isinstance(m.first.weight, ember.nn.Parameter)
    assert m.first.count.dtype == ember.float32
    m.to(ember.float64)
    assert w.dtype == ember.float64
    m.half()
    assert w.dtype == ember.float16
    m.to(dtype=ember.float64)
    with pytest.raises(TypeError, match="only accepts floating point"):
        m.to(ember.int64)


def test_module_zero_grad_and_requires_grad():
    m = _build(ember)
    x = ember.tensor(np.ones((2, 2)))
    m(x).sum().backward()
    assert m.first.weight.grad is not None
    m.zero_grad(set_to_none=False)
    assert not np.any(m.first.weight.grad.numpy())
    m.zero_grad()
    assert m.first.weight.grad is None
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())


def test_module_forward_matches_torch():
    x = np.random.default_rng(0).standard_normal((4, 2))
    e, t = _build(ember), _build(torch)
    ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    e(ex).sum().backward()
    t(tx).sum().backward()
    assert_close(ex.grad, tx.grad)
    for (n, p), (_, q) in zip(e.named_parameters(), t.named_parameters()):
        assert (p.grad is None) == (q.grad is None), n
        if q.grad is not None:
            assert_close(p.grad, q.grad)


def test_module_apply_visits_children_first():
    order = []
    _build(ember).apply(lambda m: order.append(type(m).__name__))
    expected = []
    _build(torch).apply(lambda m: expected.append(type(m).__name__))
    assert order == expected


def test_module_setattr_errors_match_torch():
    def assign_tensor_to_param(T):
        m = _build(T)
        m.scale = T.ones(2)

    def bad_buffer(T):
        T.nn.Module().register_buffer("b", 3)

    def dotted_name(T):
        T.nn.Module().register_parameter("a.b", None)

    def existing_attr(T):
        m = _build(T)
        m.register_buffer("scale", T.ones(1))

    def non_module(T):
        T.nn.Module().add_module("x", 3)

    def plain_tensor_param(T):
        T.nn.Module().register_parameter("p", T.ones(2))

    def assign_to_submodule(T):
        m = _build(T)
        m.first = 3

    for fn in (
        assign_tensor_to_param,
        bad_buffer,
        dotted_name,
        existing_attr,
        non_module,
        plain_tensor_param,
        assign_to_submodule,
    ):
        _same_error(fn)


def test_module_get_submodule_parameter_buffer():
    m = _build(ember)
    assert m.get_submodule("block.1.0") is m.block[1][0]
    assert m.get_parameter("block.1.0.weight") is m.block[1][0].weight
    assert m.get_buffer("first.count") is m.first.count
    _same_error(lambda T: _build(T).get_submodule("block.7"), AttributeError)
    _same_error(lambda T: _build(T).get_parameter("first.count"), AttributeError)
    _same_error(lambda T: _build(T).get_submodule("first.weight"), AttributeError)


def test_module_delattr_and_reassign():
    m = _build(ember)
    del m.scale
    assert "scale" not in dict(m.named_parameters())
    m.scale = ember.nn.Parameter(ember.ones(1))
    assert "scale" in dict(m.named_parameters())
    m.first = None
    assert "first.weight" not in m.state_dict()
    m.buf = ember.nn.Buffer(ember.ones(2), persistent=False)
    assert "buf" in dict(m.named_buffers()) and "buf" not in m.state_dict()
    assert isinstance(m.buf, ember.nn.Buffer)
    m.plain = ember.ones(1)
    assert "plain" not in dict(m.named_buffers())


def test_module_missing_attribute_error():
    _same_error(lambda T: _build(T).nothing, AttributeError)


def test_module_dir_lists_members():
    names = dir(_build(ember))
    for name in ("first", "block", "scale", "forward", "training"):
        assert name in names


def test_module_forward_pre_and_post_hooks():
    m = _build(ember)
    calls = []

    def pre(module, args):
        calls.append("pre")
        return (args[0] * 2,)

    def post(module, args, output):
        calls.append("post")
        return output + 1

    x = ember.tensor(np.ones((1, 2)))
    base = m(x * 2).detach() + 1
    h1 = m.register_forward_pre_hook(pre)
    h2 = m.register_forward_hook(post)
    assert_close(m(x).detach(), base)
    assert calls == ["pre", "post"]
    h1.remove()
    h2.remove()
    assert_close(m(x * 2).detach() + 1, base)


def test_module_hooks_with_kwargs_and_prepend():
    class Scale(ember.nn.Module):
        def forward(self, x, *, factor=1.0):
            return x * factor

    m = Scale()
    order = []
    m.register_forward_pre_hook(lambda mod, args, kwargs: (args, {"factor": 3.0}), with_kwargs=True)
    m.register_forward_hook(lambda mod, args, out: order.append("second"))
    m.register_forward_hook(lambda mod, args, out: order.append("first"), prepend=True)
    m.register_forward_hook(lambda mod, args, kwargs, out: out + kwargs["factor"], with_kwargs=True)
    out = m(ember.tensor([1.0]))
    assert out.item() == 6.0
    assert order == ["first", "second"]


def test_module_forward_hook_always_called_on_error():
    class Fails(ember.nn.Module):
        def forward(self, x):
            raise ValueError("boom")

    seen = []
    m = Fails()
    m.register_forward_hook(lambda mod, args, out: seen.append(out), always_call=True)
    with pytest.raises(ValueError, match="boom"):
        m(ember.ones(1))
    assert seen == [None]


def _backward_hook_run(T):
    class Mul(T.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = T.nn.Parameter(T.tensor([2.0, 3.0]))

        def forward(self, x, y):
            return x * self.w + y, x.sum() * 1.0

    m = Mul()
    record = []
    m.register_full_backward_pre_hook(
        lambda mod, g_out: record.append(("pre", [g.clone() for g in g_out if g is not None]))
    )

    def hook(mod, g_in, g_out):
        record.append(("hook", [g.clone() for g in g_in], [g.clone() for g in g_out]))
        return tuple(g * 10 for g in g_in)

    m.register_full_backward_hook(hook)
    x = T.tensor([1.0, -1.0], requires_grad=True)
    y = T.tensor([0.5, 0.5], requires_grad=True)
    a, b = m(x, y)
    (a * T.tensor([1.0, 2.0])).sum().add(b * 3).backward()
    return record, x.grad, y.grad, m.w.grad


def test_module_full_backward_hooks_match_torch():
    e_rec, *e_grads = _backward_hook_run(ember)
    t_rec, *t_grads = _backward_hook_run(torch)
    for eg, tg in zip(e_grads, t_grads):
        assert_close(eg, tg)
    assert [r[0] for r in e_rec] == [r[0] for r in t_rec]
    for er, tr in zip(e_rec, t_rec):
        for e_list, t_list in zip(er[1:], tr[1:]):
            assert_close(list(e_list), list(t_list))


class _Affine(ember.nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = ember.nn.Parameter(ember.tensor([[1.0, 2.0], [3.0, 4.0]]))
        self.register_buffer("steps", ember.tensor([3]))

    def forward(self, x):
        return x @ self.weight


def test_module_pickle_and_deepcopy_keep_classes():
    m = ember.nn.Sequential(_Affine(), ember.nn.ModuleList([_Affine(), ember.nn.Flatten()]))
    for clone in (pickle.loads(pickle.dumps(m)), copy.deepcopy(m)):
        assert repr(clone) == repr(m)
        assert isinstance(clone[0].weight, ember.nn.Parameter)
        assert clone[0].weight.requires_grad
        assert list(clone.state_dict()) == list(m.state_dict())
        assert clone[0].weight is not m[0].weight
        assert_close(clone[0].weight.detach(), m[0].weight.detach())


def test_module_state_dict_hooks_and_extra_state():
    class WithExtra(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.value = 1

        def get_extra_state(self):
            return {"value": self.value}

        def set_extra_state(self, state):
            self.value = state["value"]

    m = WithExtra()
    state = m.state_dict()
    assert list(state) == ["_extra_state"]
    other = WithExtra()
    other.value = 5
    other.load_state_dict(state)
    assert other.value == 1
    seen = []
    h = m.register_load_state_dict_post_hook(lambda mod, keys: seen.append(keys))
    m.load_state_dict(state)
    h.remove()
    assert len(seen) == 1


def test_module_forward_not_implemented():
    _same_error(lambda T: T.nn.Module()(1), NotImplementedError)


def test_parameter_repr_pickle_deepcopy_match_torch():
    for make in (
        lambda T: T.nn.Parameter(T.tensor([1.0, 2.0])),
        lambda T: T.nn.Parameter(),
        lambda T: T.nn.Parameter(T.tensor([[1.5]]), requires_grad=False),
    ):
        e, t = make(ember), make(torch)
        assert repr(e) == repr(t)
        for clone in (copy.deepcopy(e), pickle.loads(pickle.dumps(e))):
            assert type(clone) is ember.nn.Parameter
            assert clone.requires_grad == t.requires_grad and clone.is_leaf
            assert_close(clone.detach(), e.detach())
    source = ember.tensor([1.0, 2.0])
    p = ember.nn.Parameter(source)
    assert np.shares_memory(p.detach().numpy(), source.numpy())
    assert type(p * 2) is ember.Tensor


def test_buffer_flag_matches_torch():
    for T in (ember, torch):
        b = T.nn.Buffer(T.ones(2), persistent=False)
        assert type(b) is T.Tensor and isinstance(b, T.nn.Buffer)
        assert not isinstance(T.ones(1), T.nn.Buffer)
        m = T.nn.Module()
        m.b = b
        assert list(m.state_dict()) == [] and [n for n, _ in m.named_buffers()] == ["b"]


def test_module_save_load_whole_model_and_torch_interop(tmp_path):
    m = ember.nn.Sequential(_Affine(), ember.nn.Flatten())
    path = tmp_path / "model.pth"
    ember.save(m, path)
    loaded = ember.load(path, weights_only=False)
    assert repr(loaded) == repr(m)
    assert isinstance(loaded[0].weight, ember.nn.Parameter)
    ember.save(m.state_dict(), path)
    state = torch.load(path)
    assert list(state) == list(m.state_dict())
    assert_close(m[0].weight.detach(), state["0.weight"])
