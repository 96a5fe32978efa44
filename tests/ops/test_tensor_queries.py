"""Top-level queries (is_tensor, numel, is_nonzero...), no-op memory methods and the runtime
settings (threads, deterministic algorithms, compile), against PyTorch."""

import pytest
import torch

import ember


def test_queries_match_torch():
    for T in (ember, torch):
        x = T.tensor([[1.5, 0.0]])
        i = T.tensor([3])
        result = (
            T.is_tensor(x),
            T.is_tensor(3),
            T.numel(x),
            T.is_floating_point(x),
            T.is_floating_point(i),
            T.is_nonzero(i),
            T.is_nonzero(T.tensor([[0.0]])),
            i.is_nonzero(),
            x.is_inference(),
        )
        if T is ember:
            ours = result
    assert ours == result


@pytest.mark.parametrize("values", [[], [1.0, 2.0]])
def test_is_nonzero_needs_one_element(values):
    with pytest.raises(RuntimeError) as theirs:
        torch.is_nonzero(torch.tensor(values))
    with pytest.raises(RuntimeError, match=str(theirs.value)):
        ember.is_nonzero(ember.tensor(values))


@pytest.mark.parametrize("fn", ["numel", "is_floating_point", "is_nonzero"])
def test_queries_refuse_non_tensors(fn):
    with pytest.raises(TypeError) as theirs:
        getattr(torch, fn)(3)
    with pytest.raises(TypeError, match=str(theirs.value).replace("(", r"\(").replace(")", r"\)")):
        getattr(ember, fn)(3)


def test_detach_shares_memory_outside_the_graph():
    x = ember.ones(3, requires_grad=True)
    d = ember.detach(x * 2)
    assert not d.requires_grad and d.grad_fn is None
    y = ember.zeros(2)
    ember.detach(y).add_(1)
    assert y.tolist() == [1.0, 1.0]


def test_memory_methods_return_self():
    x = ember.ones(2)
    assert x.pin_memory() is x
    assert x.share_memory_() is x


def test_num_threads_round_trip_and_errors():
    before = ember.get_num_threads()
    try:
        ember.set_num_threads(1)
        assert ember.get_num_threads() == 1
    finally:
        ember.set_num_threads(before)
    for bad in (0, -1, 1.5):
        with pytest.raises(RuntimeError) as theirs:
            torch.set_num_threads(bad)
        with pytest.raises(RuntimeError, match=str(theirs.value)):
            ember.set_num_threads(bad)


def test_deterministic_flag_is_recorded():
    assert ember.are_deterministic_algorithms_enabled() is False
    try:
        ember.use_deterministic_algorithms(True, warn_only=True)
        assert ember.are_deterministic_algorithms_enabled() is True
        assert ember.is_deterministic_algorithms_warn_only_enabled() is True
    finally:
        ember.use_deterministic_algorithms(False)
    assert ember.are_deterministic_algorithms_enabled() is False
    with pytest.raises(TypeError):
        ember.use_deterministic_algorithms("yes")


def test_compile_returns_the_model_unchanged():
    model = ember.nn.Linear(2, 3)
    assert ember.compile(model) is model
    assert ember.compile(model, mode="max-autotune", fullgraph=True) is model

    def fn(x):
        return x + 1

    assert ember.compile()(fn) is fn
    assert ember.compile(dynamic=True)(fn) is fn
    with pytest.raises(AssertionError):
        ember.compile(3)


def test_index_select_is_exported():
    x = ember.arange(6).reshape(2, 3)
    assert ember.index_select(x, 1, ember.tensor([2, 0])).tolist() == [[2, 0], [5, 3]]


def test_conjugation_is_identity_on_real_tensors():
    for T in (ember, torch):
        x = T.ones(2, requires_grad=True)
        assert T.conj(x) is x and x.conj() is x
        assert T.resolve_conj(x) is x and x.resolve_neg() is x
        assert T.conj_physical(x) is x
        assert not T.is_conj(x) and not x.is_neg()
        assert not x.is_pinned() and not x.is_shared()
        assert x.is_same_size(T.zeros(2)) and not T.is_same_size(x, T.zeros(1, 2))
    out = ember.empty(0)
    assert ember.conj_physical(ember.tensor([1.0, -2.0]), out=out) is out
    assert out.tolist() == [1.0, -2.0]


@pytest.mark.parametrize(
    "fn,from_data",
    [
        (lambda T, x: x.new(), False),
        (lambda T, x: x.new(2, 3), False),
        (lambda T, x: x.new(T.Size([3, 1])), False),
        (lambda T, x: x.new([1, 2]), True),
        (lambda T, x: x.new((2, 3)), True),
        (lambda T, x: x.new([[1.5], [2.5]]), True),
    ],
)
def test_tensor_new_matches_torch(fn, from_data):
    e = fn(ember, ember.ones(2, dtype=ember.int32))
    t = fn(torch, torch.ones(2, dtype=torch.int32))
    assert tuple(e.shape) == tuple(t.shape)
    assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
    if from_data:  # sizes give uninitialised memory: only shape and dtype are defined
        assert e.tolist() == t.tolist()


def test_tensor_new_from_tensor_aliases_and_checks_dtype():
    x = ember.zeros(2)
    y = ember.ones(3)
    z = x.new(y)
    z.add_(1)
    assert y.tolist() == [2.0, 2.0, 2.0]
    with pytest.raises(TypeError):
        x.new(ember.ones(2, dtype=ember.int64))
