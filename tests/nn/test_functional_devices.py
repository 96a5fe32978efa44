"""The nn functional families (convolution, pooling, padding, interpolation, normalisation,
fold, embedding, recurrent cells, losses) run on every device with the CPU's values and
gradients: each case runs on the CPU and on the device from the same float64 inputs."""

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.testing.device import devices


def _run(fn, shapes, ints, device):
    rng = np.random.default_rng(0)
    xs = [ember.tensor(rng.standard_normal(s), device=device, requires_grad=True) for s in shapes]
    out = fn(*xs, *(ember.tensor(a, device=device) for a in ints))
    outs = out if isinstance(out, tuple) else (out,)
    weights = np.random.default_rng(1)
    total = sum(
        (o * ember.tensor(weights.standard_normal(tuple(o.shape)), device=device)).sum()
        for o in outs
    )
    total.backward()
    return outs, [x.grad for x in xs]


_INDEX = np.array([[0, 1, 2, 0, 1], [0, 2, 1, 0, 3]])

CASES = {
    "conv2d": (lambda x, w: F.conv2d(x, w, padding=1, stride=2), [(2, 3, 7, 7), (4, 3, 3, 3)]),
    "conv_transpose2d": (
        lambda x, w: F.conv_transpose2d(x, w, stride=2),
        [(1, 3, 4, 4), (3, 2, 3, 3)],
    ),
    "max_pool2d": (lambda x: F.max_pool2d(x, 3, 2, 1), [(2, 3, 7, 7)]),
    "adaptive_max_pool2d": (lambda x: F.adaptive_max_pool2d(x, (4, 3)), [(2, 3, 7, 5)]),
    "avg_pool2d": (lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False), [(2, 3, 7, 7)]),
    "adaptive_avg_pool2d": (lambda x: F.adaptive_avg_pool2d(x, (4, 3)), [(2, 3, 7, 5)]),
    "max_unpool2d": (
        lambda x: F.max_unpool2d(*F.max_pool2d(x, 2, return_indices=True), 2),
        [(1, 2, 4, 4)],
    ),
    "pad_reflect": (lambda x: F.pad(x, (2, 1, 1, 2), mode="reflect"), [(2, 3, 5, 5)]),
    "pad_circular": (lambda x: F.pad(x, (2, 1, 1, 2), mode="circular"), [(2, 3, 5, 5)]),
    "interpolate_bilinear": (
        lambda x: F.interpolate(x, size=(7, 4), mode="bilinear"),
        [(1, 2, 5, 5)],
    ),
    "interpolate_bicubic": (
        lambda x: F.interpolate(x, scale_factor=2, mode="bicubic"),
        [(1, 2, 4, 4)],
    ),
    "interpolate_nearest": (lambda x: F.interpolate(x, scale_factor=3), [(1, 2, 3, 3)]),
    "batch_norm": (
        lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
        [(4, 3, 5), (3,), (3,)],
    ),
    "layer_norm": (lambda x, w, b: F.layer_norm(x, (5,), w, b), [(4, 3, 5), (5,), (5,)]),
    "group_norm": (lambda x: F.group_norm(x, 3), [(4, 6, 5)]),
    "fold": (lambda x: F.fold(x, (5, 5), 3, padding=1), [(2, 18, 25)]),
    "unfold": (lambda x: F.unfold(x, 3, dilation=2), [(2, 3, 7, 7)]),
    "embedding_bag": (
        lambda w, i, o: F.embedding_bag(i, w, o, mode="mean"),
        [(6, 4)],
        [np.array([0, 2, 2, 5, 1]), np.array([0, 2])],
    ),
    "embedding_freq": (
        lambda w, i: F.embedding(i, w, padding_idx=1, scale_grad_by_freq=True),
        [(6, 4)],
        [np.array([[0, 2], [2, 1]])],
    ),
    "scatter_reduce_amax": (
        lambda x, s, i: x.scatter_reduce(0, i, s, "amax", include_self=False),
        [(4, 5), (2, 5)],
        [_INDEX],
    ),
    "scatter_reduce_prod": (
        lambda x, s, i: x.scatter_reduce(0, i, s, "prod"),
        [(4, 5), (2, 5)],
        [_INDEX],
    ),
    "scatter_add": (lambda x, s, i: x.scatter_add(0, i, s), [(4, 5), (2, 5)], [_INDEX]),
    "index_put_accumulate": (
        lambda x, v, i: x.index_put((i,), v, accumulate=True),
        [(4, 3), (5, 3)],
        [np.array([0, 1, 1, 3, 0])],
    ),
    "as_strided": (lambda x: x.as_strided((3, 3), (2, 1), 1), [(4, 4)]),
    "unfold_dim": (lambda x: x.unfold(1, 3, 2), [(4, 9)]),
    "getitem_mixed": (lambda x, i: x[i, 1:, None], [(5, 4)], [np.array([[0, 4], [2, 2]])]),
    "masked_scatter": (lambda x, s: x.masked_scatter(x > 0, s), [(4, 5), (20,)]),
    "repeat_interleave": (
        lambda x, r: x.repeat_interleave(r, dim=0),
        [(4, 2)],
        [np.array([1, 0, 3, 2])],
    ),
    "views": (lambda x: (x.diagonal(1), x.tril(-1), x.roll(2, 1), x.flip(0)), [(4, 5)]),
    "multi_margin_loss": (
        lambda x, t: F.multi_margin_loss(x, t),
        [(4, 5)],
        [np.array([0, 1, 2, 3])],
    ),
    "multilabel_margin_loss": (
        lambda x, t: F.multilabel_margin_loss(x, t),
        [(2, 4)],
        [np.array([[3, 0, -1, 1], [1, 2, 3, -1]])],
    ),
    "pdist": (lambda x: F.pdist(x), [(4, 3)]),
}


@pytest.mark.parametrize("device", [d for d in devices(test=True) if d != "cpu"])
@pytest.mark.parametrize("name", list(CASES))
def test_functional_matches_the_cpu_on_device(name, device):
    fn, shapes, *ints = CASES[name]
    ints = ints[0] if ints else []
    outs, grads = _run(fn, shapes, ints, device)
    ref_outs, ref_grads = _run(fn, shapes, ints, "cpu")
    for got, want in zip(outs + tuple(grads), ref_outs + tuple(ref_grads)):
        assert got.device.type == ember.device(device).type
        np.testing.assert_allclose(
            got.detach().cpu().numpy(), want.detach().numpy(), rtol=1e-12, atol=1e-12
        )


@pytest.mark.parametrize("device", [d for d in devices(test=True) if d != "cpu"])
def test_recurrent_cells_match_the_cpu_on_device(device):
    results = []
    for dev in (device, "cpu"):
        ember.manual_seed(0)
        lstm = ember.nn.LSTM(3, 4).double().to(dev)
        gru = ember.nn.GRU(3, 4).double().to(dev)
        x = ember.randn(5, 2, 3, dtype=ember.float64, device=dev, requires_grad=True)
        h = ember.zeros(1, 2, 4, dtype=ember.float64, device=dev)
        out = lstm(x, (h, h))[0].sum() + gru(x, h)[0].sum()
        out.backward()
        results.append((out.detach().cpu().numpy(), x.grad.cpu().numpy()))
    for got, want in zip(*results):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
