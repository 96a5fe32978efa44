"""Embedding, EmbeddingBag, one_hot, distances and the dropout family, against torch."""

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradgradcheck
from ember.testing.comparison import assert_close
from ember.testing.nn_oracle import check_module
from ember.testing.oracle import Sample, check_against_torch

RNG = np.random.default_rng(4)
IDX = np.array([[0, 2, 4, 2], [1, 0, 3, 3]])


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"padding_idx": 2},
        {"padding_idx": -1},
        {"scale_grad_by_freq": True},
        {"padding_idx": 0, "scale_grad_by_freq": True},
    ],
    ids=str,
)
def test_embedding_matches_torch(kwargs):
    e, t = ember.nn.Embedding(5, 3, **kwargs), torch.nn.Embedding(5, 3, **kwargs)
    assert repr(e) == repr(t)
    check_module(e, t, IDX)
    check_module(e, t, np.array(3))
    pad = kwargs.get("padding_idx")
    if pad is not None:
        assert np.all(ember.nn.Embedding(5, 3, **kwargs).weight.detach().numpy()[pad] == 0)


def test_embedding_max_norm_renormalises_in_place():
    w = RNG.standard_normal((6, 3)) * 3
    e = ember.nn.Embedding.from_pretrained(ember.tensor(w), freeze=False, max_norm=1.0)
    t = torch.nn.Embedding.from_pretrained(torch.tensor(w), freeze=False, max_norm=1.0)
    assert repr(e) == repr(t)
    idx = np.array([0, 2, 2, 5])
    out_e, out_t = e(ember.tensor(idx)), t(torch.tensor(idx))
    assert_close(out_e.detach(), out_t.detach())
    assert_close(e.weight.detach(), t.weight.detach())


def test_embedding_from_pretrained_freezes():
    w = ember.tensor(RNG.standard_normal((4, 2)))
    e = ember.nn.Embedding.from_pretrained(w)
    assert not e.weight.requires_grad and e.num_embeddings == 4
    assert ember.nn.Embedding.from_pretrained(w, freeze=False).weight.requires_grad


def test_embedding_default_init_and_errors():
    w = ember.nn.Embedding(400, 50).weight.detach().numpy()
    assert abs(w.std() - 1) < 0.02 and abs(w.mean()) < 0.02
    for T in (ember, torch):
        with pytest.raises(IndexError):
            T.nn.Embedding(3, 2)(T.tensor([3]))
        with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
            T.nn.Embedding(3, 2, padding_idx=3)


def test_embedding_double_backward():
    w = ember.tensor(RNG.standard_normal((5, 3)), requires_grad=True)
    idx = ember.tensor(IDX)
    assert gradgradcheck(lambda w: ember.nn.functional.embedding(idx, w, padding_idx=1), (w,))


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_matches_torch(mode):
    e = ember.nn.EmbeddingBag(6, 3, mode=mode)
    t = torch.nn.EmbeddingBag(6, 3, mode=mode)
    assert repr(e) == repr(t)
    check_module(e, t, IDX)
    flat, offsets = np.array([0, 2, 5, 1, 1, 3, 4]), np.array([0, 2, 2, 5])
    check_module(e, t, flat, offsets)
    e2 = ember.nn.EmbeddingBag(6, 3, mode=mode, include_last_offset=True, padding_idx=1)
    t2 = torch.nn.EmbeddingBag(6, 3, mode=mode, include_last_offset=True, padding_idx=1)
    assert repr(e2) == repr(t2)
    check_module(e2, t2, flat, np.array([0, 2, 2, 5, 7]))


def test_embedding_bag_per_sample_weights():
    e, t = ember.nn.EmbeddingBag(6, 3, mode="sum"), torch.nn.EmbeddingBag(6, 3, mode="sum")
    flat, offsets = np.array([0, 2, 5, 1, 1, 3]), np.array([0, 3])
    check_module(e, t, flat, offsets, RNG.random(6))
    for T in (ember, torch):
        with pytest.raises(NotImplementedError):
            T.nn.EmbeddingBag(6, 3)(T.tensor(flat), T.tensor(offsets), T.ones(6))


def test_one_hot_matches_torch():
    for args in [(np.array([0, 2, 1]),), (np.array([[0, 3], [1, 1]]), 5), (np.array(2), 4)]:
        e = ember.nn.functional.one_hot(ember.tensor(args[0]), *args[1:])
        t = torch.nn.functional.one_hot(torch.tensor(args[0]), *args[1:])
        assert e.dtype == ember.int64 and np.array_equal(e.numpy(), t.numpy())
    for bad in [(np.array([-1]),), (np.array([3]), 2)]:
        msgs = []
        for T in (ember, torch):
            with pytest.raises(RuntimeError) as info:
                T.nn.functional.one_hot(T.tensor(bad[0]), *bad[1:])
            msgs.append(str(info.value))
        assert msgs[0] == msgs[1]


def test_distances_match_torch():
    a, b = RNG.standard_normal((4, 5)), RNG.standard_normal((4, 5))
    F = "nn.functional"
    for fn in [
        lambda T, a, b: T.nn.functional.pairwise_distance(a, b),
        lambda T, a, b: T.nn.functional.pairwise_distance(a, b, p=1.0, keepdim=True),
        lambda T, a, b: T.nn.functional.cosine_similarity(a, b),
        lambda T, a, b: T.nn.functional.cosine_similarity(a, b, dim=0),
        lambda T, a, b: T.nn.functional.normalize(a),
        lambda T, a, b: T.nn.functional.normalize(a, p=1.0, dim=0),
        lambda T, a, b: T.nn.PairwiseDistance()(a, b),
        lambda T, a, b: T.nn.CosineSimilarity(dim=1)(a, b),
    ]:
        check_against_torch(fn, Sample((a, b)), "float64")
    zeros = np.zeros((2, 3))
    check_against_torch(lambda T, a: T.nn.functional.normalize(a), Sample((zeros,)), "float64")
    assert F


@pytest.mark.parametrize(
    "name",
    ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"],
)
def test_dropout_eval_is_identity_and_repr(name):
    e, t = getattr(ember.nn, name)(0.3), getattr(torch.nn, name)(0.3)
    assert repr(e) == repr(t)
    assert repr(getattr(ember.nn, name)(0.2, True)) == repr(getattr(torch.nn, name)(0.2, True))
    ndim = {"Dropout1d": 3, "Dropout2d": 4}.get(name, 5)
    x = ember.tensor(RNG.standard_normal((2, 3, 4, 5, 2)[:ndim]))
    assert e.eval()(x) is x


def test_dropout_training_statistics_and_gradient():
    p = 0.3
    x = ember.ones(200, 100, requires_grad=True)
    out = ember.nn.functional.dropout(x, p)
    a = out.detach().numpy()
    kept = a != 0
    assert abs(kept.mean() - (1 - p)) < 0.02
    assert np.allclose(a[kept], 1 / (1 - p))
    out.sum().backward()
    assert np.array_equal(x.grad.numpy() != 0, kept)
    assert np.all(ember.nn.functional.dropout(x, 1.0).detach().numpy() == 0)
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
        ember.nn.Dropout(1.5)


def test_feature_dropout_zeroes_whole_channels():
    x = ember.ones(20, 30, 4, 4)
    a = ember.nn.functional.dropout2d(x, 0.5).numpy()
    per_channel = a.reshape(20, 30, -1)
    assert np.all((per_channel == 0).all(-1) | (per_channel == 2).all(-1))
    assert 0.35 < (per_channel[..., 0] == 0).mean() < 0.65
    b = ember.nn.functional.dropout1d(ember.ones(30, 8), 0.5).numpy()  # unbatched (C, L)
    assert np.all((b == 0).all(-1) | (b == 2).all(-1))
    with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input"):
        ember.nn.functional.dropout1d(ember.ones(2, 3, 4, 5))


def test_alpha_dropout_keeps_statistics():
    x = ember.tensor(RNG.standard_normal((400, 400)))
    out = ember.nn.functional.alpha_dropout(x, 0.2, training=True).numpy()
    assert abs(out.mean()) < 0.02 and abs(out.std() - 1) < 0.03


def test_dropout_inplace_modifies_input():
    x = ember.ones(50, 50)
    out = ember.nn.functional.dropout(x, 0.5, inplace=True)
    assert out is x and (x.numpy() == 0).any()


def test_dropout_and_init_follow_manual_seed():
    outs = []
    for _ in range(2):
        ember.manual_seed(3)
        mask = ember.nn.functional.dropout(ember.ones(6, 6), 0.5).numpy()
        weight = ember.nn.Linear(3, 3).weight.detach().numpy()
        outs.append((mask, weight))
    assert np.array_equal(outs[0][0], outs[1][0])
    assert np.array_equal(outs[0][1], outs[1][1])
